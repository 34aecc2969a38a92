"""Custom checks (checks: in the config) against the fake stack, each kind passing and failing,
and promql checks against a real Prometheus from Debian (package 'prometheus') started here on
a free loopback port."""
import os
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import PROMETHEUS, FakeStack, RealPrometheus, run, wait_for  # noqa: E402

FAST = ("--sample", "0")


def checks_of(r, stack=None):
    """{name: check JSON} of the "checks" component."""
    return {k["name"]: k for k in r.component("checks", stack)["checks"]}


class CustomFake(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--require-tenant", "mimir=team-m")
        u = cls.fs.urls
        cls.cfg = cls.write("checks.yaml", f"""
timeout: 3s
stacks:
  - name: demo
    mimir: {{ url: "{u['mimir']}", tenant: team-m }}
    loki: "{u['loki']}"
    checks:
      - name: grafana-health
        http: "{u['grafana']}/api/health"
        expect_status: 200
        json: {{ path: database, equals: ok }}
        max_latency: 2s
      - {{ name: prom-ready, http: "{u['prometheus']}/-/ready", max_latency: 300ms }}
      - {{ name: redis-up, promql: up, expect: "== 1" }}
      - {{ name: anything, promql: 'count(up)' }}
      - {{ name: errors, logql: '{{job="fakestack"}} |= "error"', window: 10m, expect: "> 0" }}
""")

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.fs.tmp.name, name)
        with open(path, "w") as f:
            f.write(text.lstrip())
        return path

    def setUp(self):
        for k in ("grafana", "prometheus", "mimir", "loki"):
            self.fs.fault(k, "none")

    def test_all_ok(self):
        r = run("check", "--json", *FAST, "--only", "checks", "-c", self.cfg)
        self.assertEqual(r.rc, 0, r.out + r.err)
        comp = r.component("checks")
        self.assertEqual(comp["status"], "OK")
        c = checks_of(r)
        self.assertEqual(list(c), ["grafana-health", "prom-ready", "redis-up", "anything", "errors"])
        self.assertRegex(c["grafana-health"]["message"], r'^HTTP 200 in \d+ms, database = "ok"$')
        self.assertEqual(c["grafana-health"]["values"]["http_status"], 200)
        self.assertEqual(c["redis-up"]["message"], "5 series, all == 1")
        self.assertEqual(c["redis-up"]["data"]["series"], 5)
        self.assertEqual(c["anything"]["message"], "1 series (non-empty)")
        self.assertRegex(c["errors"]["message"], r"^count \d+ \(> 0\)$")
        self.assertEqual(c["errors"]["data"]["query"], 'sum(count_over_time({job="fakestack"} |= "error" [10m]))')
        # promql ran against the stack's Mimir with its tenant; logql against its Loki
        q = [x for x in self.fs.requests("mimir") if x["path"] == "/prometheus/api/v1/query"]
        self.assertTrue(any(x["headers"].get("x-scope-orgid") == "team-m" for x in q))
        self.assertTrue(any("count_over_time" in urllib.request.unquote(x["query"])
                            for x in self.fs.requests("loki") if x["path"] == "/loki/api/v1/query"))

    def test_table(self):
        r = run("check", *FAST, "-c", self.cfg)
        self.assertRegex(r.row("checks", "redis-up"), r"OK .*5 series, all == 1")
        self.assertRegex(r.out.splitlines()[-1], r" components: ")

    def test_http_failures(self):
        self.fs.fault("grafana", "db_failing")          # /api/health answers 503
        self.fs.fault("prometheus", "slow:0.6")         # slower than max_latency 300ms
        r = run("check", "--json", *FAST, "--only", "checks", "-c", self.cfg)
        self.assertEqual(r.rc, 2, r.out + r.err)
        c = checks_of(r)
        self.assertEqual(c["grafana-health"]["status"], "FAIL")
        self.assertRegex(c["grafana-health"]["message"], r"^HTTP 503, expected 200")
        self.assertEqual(c["prom-ready"]["status"], "FAIL")
        self.assertRegex(c["prom-ready"]["message"], r"^HTTP 200 but took \d+ms, more than max_latency 300ms")
        self.assertEqual(c["redis-up"]["status"], "OK")

    def test_json_condition_fails(self):
        path = self.write("json.yaml", f"""
stacks:
  - name: demo
    checks:
      - {{ name: db, http: "{self.fs.urls['grafana']}/api/health", json: {{ path: database, equals: failing }} }}
      - {{ name: missing, http: "{self.fs.urls['grafana']}/api/health", json: {{ path: data.status, equals: ok }} }}
""")
        r = run("check", "--json", *FAST, "-c", path)
        self.assertEqual(r.rc, 2, r.out + r.err)
        c = checks_of(r)
        self.assertEqual(c["db"]["message"], 'database is "ok", expected "failing" (HTTP 200)')
        self.assertEqual(c["missing"]["message"], 'HTTP 200 but the JSON has no "data.status"')

    def test_query_failures(self):
        u = self.fs.urls
        path = self.write("fail.yaml", f"""
stacks:
  - name: demo
    mimir: {{ url: "{u['mimir']}", tenant: team-m }}
    loki: "{u['loki']}"
    checks:
      - {{ name: zero, promql: 'vector(0)', expect: "> 0" }}
      - {{ name: firing, promql: up, expect: empty }}
      - {{ name: few-errors, logql: '{{job="fakestack"}}', expect: "> 5" }}
""")
        r = run("check", "--json", *FAST, "--only", "checks", "-c", path)
        self.assertEqual(r.rc, 2, r.out + r.err)
        c = checks_of(r)
        self.assertEqual(c["zero"]["message"], "value 0, expected > 0")
        self.assertEqual(c["firing"]["message"], "5 series, expected empty")
        self.assertRegex(c["few-errors"]["message"], r"^count \d+, expected > 5$")
        # the target's failure is the check's failure
        self.fs.fault("mimir", "unauthorized")
        r = run("check", "--json", *FAST, "--only", "checks", "-c", path)
        self.assertIn("X-Scope-OrgID", checks_of(r)["zero"]["message"])

    def test_only_filters_and_config_errors(self):
        r = run("check", "--json", *FAST, "--only", "mimir", "-c", self.cfg)
        self.assertNotIn("checks", [c["name"] for c in r.json()["stacks"][0]["components"]])
        bad = self.write("bad.yaml", "stacks:\n  - name: a\n    loki: http://127.0.0.1:1\n    checks:\n"
                                     "      - { name: x, promql: up }\n")
        r = run("check", "-c", bad)
        self.assertEqual(r.rc, 3)
        self.assertIn("bad.yaml:5: stacks[0].checks[0]: promql check \"x\" has nothing to query", r.err)
        bad = self.write("bad2.yaml", "stacks:\n  - name: a\n    mimir: http://127.0.0.1:1\n    checks:\n"
                                      "      - { name: x, promql: up, expect: 'over 9000' }\n")
        r = run("check", "-c", bad)
        self.assertEqual(r.rc, 3)
        self.assertIn("bad2.yaml:5: stacks[0].checks[0].expect: bad condition \"over 9000\"", r.err)


@unittest.skipUnless(os.path.exists(PROMETHEUS) or os.environ.get("CI"),
                     "prometheus not installed (scripts/setup.sh --test installs it)")
class CustomRealPrometheus(unittest.TestCase):
    """promql checks against a real Prometheus: one scrape target up, one down."""

    @classmethod
    def setUpClass(cls):
        cls.prom = RealPrometheus()
        cls.url = cls.prom.url
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-custom-")
        cls.cfgpath = os.path.join(cls.tmp.name, "lgtmtop.yaml")
        with open(cls.cfgpath, "w") as f:
            f.write(f"""stacks:
  - name: lab
    prometheus: "{cls.url}"
    checks:
      - {{ name: self-up, promql: 'up{{job="prometheus"}}', expect: "== 1" }}
      - {{ name: node-up, promql: 'up{{job="node"}}', expect: "== 1" }}
      - {{ name: targets, promql: 'count(up)', expect: "== 2" }}
      - {{ name: build, promql: prometheus_build_info }}
      - {{ name: no-such, promql: lgtmtop_no_such_metric, expect: empty }}
      - {{ name: ratio, promql: 'sum(up) / count(up)', expect: "< 0.05" }}
      - {{ name: bad-query, promql: 'sum(', expect: "> 0" }}
      - {{ name: ready, http: "{cls.url}/-/ready", expect_status: 200, max_latency: 2s }}
      - {{ name: buildinfo, http: "{cls.url}/api/v1/status/buildinfo", json: {{ path: status, equals: success }} }}
""")

    @classmethod
    def tearDownClass(cls):
        cls.prom.close()
        cls.tmp.cleanup()

    def test_promql_against_real_server(self):
        r = run("check", "--json", *FAST, "--only", "checks", "-c", self.cfgpath)
        self.assertEqual(r.rc, 2, r.out + r.err)
        c = checks_of(r, "lab")
        self.assertEqual((c["self-up"]["status"], c["self-up"]["message"]), ("OK", "value 1 (== 1)"))
        self.assertEqual(c["node-up"]["status"], "FAIL")
        self.assertEqual(c["node-up"]["message"], "value 0, expected == 1")
        self.assertIn('job="node"', c["node-up"]["detail"])
        self.assertEqual(c["targets"]["message"], "value 2 (== 2)")
        self.assertEqual(c["build"]["status"], "OK")
        self.assertEqual(c["build"]["message"], "1 series (non-empty)")
        self.assertEqual(c["no-such"]["message"], "0 series (empty)")
        self.assertEqual(c["ratio"]["message"], "value 0.5, expected < 0.05")
        self.assertEqual(c["bad-query"]["status"], "FAIL")
        self.assertIn("bad_data", c["bad-query"]["message"])
        self.assertRegex(c["ready"]["message"], r"^HTTP 200 in \d+ms$")
        self.assertRegex(c["buildinfo"]["message"], r'^HTTP 200 in \d+ms, status = "success"$')


if __name__ == "__main__":
    unittest.main(verbosity=2)
