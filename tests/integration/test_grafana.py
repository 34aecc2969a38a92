"""Grafana checks against the fake stack: datasources both ways, dashboard references,
alerting, and `lgtmtop dashboards lint` on a provisioning-repo tree. Each test asserts what the
user sees: status, message, exit code and the JSON data."""
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, FakeStack, Serve, run, wait_for  # noqa: E402

FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def grafana_config(fs, extra="", mimir_extra=""):
    """The fake stack's config with extra keys in the grafana (and mimir) block."""
    with open(fs.config) as f:
        text = f.read()

    def add(block, lines):
        nonlocal text
        if not lines:
            return
        m = re.search(r"(    %s:\n      url: [^\n]*\n)" % block, text)
        assert m, text
        text = text[:m.end()] + "".join(f"      {ln}\n" for ln in lines.strip().splitlines()) + text[m.end():]
    add("grafana", extra)
    add("mimir", mimir_extra)
    return fs.write_config(text)


def data_row(check, key, value):
    for row in check["data"]:
        if row.get(key) == value:
            return row
    raise KeyError(f"{key}={value} not in {[r.get(key) for r in check['data']]}")


class DashboardsKeptAcrossSweeps(unittest.TestCase):
    """serve (like the live view) keeps the dashboards it fetched: a later sweep refetches only
    new or changed ones plus a bounded share, yet re-analyses all against the current list."""

    def dash_fetches(self):
        return [q["path"] for q in self.fs.requests("grafana") if q["path"].startswith("/api/dashboards/uid/")]

    def searches(self):
        return [q for q in self.fs.requests("grafana") if q["path"] == "/api/search"]

    def grafana(self, srv):
        doc = json.loads(srv.get("/api/v1/status")[2])
        return next(c for st in doc["stacks"] for c in st["components"] if c["name"] == "grafana")

    def dashboards_check(self, srv):
        return next(k for k in self.grafana(srv)["checks"] if k["name"] == "dashboards")

    def rerun(self, srv, fault="none"):
        """The dashboards check runs once a minute; a Grafana that goes down and comes back has
        every check run at once: the next run, with `fault` set, without waiting a minute."""
        self.fs.fault("grafana", "refused")
        wait_for(lambda: not self.grafana(srv)["reachable"], timeout=20, what="grafana down")
        before = len(self.dash_fetches()), len(self.searches())
        self.fs.fault("grafana", fault)
        wait_for(lambda: len(self.searches()) > before[1], timeout=20, what="the dashboards check run again")
        time.sleep(1.5)  # its dashboard fetches answered
        return self.dash_fetches()[before[0]:]

    def test_later_run_refetches_little_and_sees_a_deleted_datasource(self):
        self.fs = FakeStack()
        self.addCleanup(self.fs.close)
        srv = Serve("-c", self.fs.config, "-i", "1s")
        self.addCleanup(srv.close)
        wait_for(lambda: self.dashboards_check(srv)["status"] == "OK", timeout=30, what="a first run")
        first = self.dash_fetches()
        n = len(set(first))
        self.assertEqual(len(first), n)
        self.assertGreater(n, 5, first)
        # Nothing changed: ceil(n / 10) revalidated, plus the dashboards with library panels
        # (refetched every run); without the cache all n again.
        later = self.rerun(srv)
        self.assertLessEqual(len(later), 2, later)
        self.assertEqual(self.dashboards_check(srv)["status"], "OK")
        self.assertEqual(self.dashboards_check(srv)["values"]["dashboards"], n)
        # A datasource deleted between runs: the kept dashboards naming it are FAIL at once.
        later = self.rerun(srv, "ds_loki_deleted")
        self.assertLessEqual(len(later), 2, later)
        d = self.dashboards_check(srv)
        self.assertEqual(d["status"], "FAIL", d)
        self.assertIn("missing datasources", d["message"])


class GrafanaLive(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--require-tenant", "mimir=team-a")

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def setUp(self):
        self.fs.fault("grafana", "none")

    def check(self, *extra, config=None):
        r = run("check", "--json", "-c", config or self.fs.config, "--only", "grafana,mimir", "-t", "4s",
                "--sample", "0", *extra)  # no second metrics scrape
        self.assertIn(r.rc, (0, 1, 2), r.err)
        return r

    # ---- healthy ---------------------------------------------------------------------------
    def test_healthy_all_ok(self):
        r = self.check()
        self.assertEqual(r.rc, 0, r.out)
        ds = r.check("grafana", "datasources")
        self.assertEqual(ds["status"], "OK")
        self.assertEqual(ds["message"], "4 datasources: 4 OK")
        self.assertEqual((ds["http_status"], ds["error"]), (200, None))  # the list request's answer
        self.assertEqual(ds["values"]["datasources"], 4)
        self.assertEqual(ds["values"]["datasources_healthy"], 4)
        self.assertEqual({row["name"] for row in ds["data"]}, {"Mimir", "Loki", "Tempo", "Mimir Alertmanager"})
        tempo = data_row(ds, "name", "Tempo")
        # Tempo has no backend health check: the proxy fallback answers
        self.assertEqual((tempo["grafana"]["status"], tempo["grafana"]["via"]), ("OK", "proxy"))
        self.assertEqual(tempo["direct"]["status"], "OK")
        self.assertIsNone(tempo["finding"])
        dash = r.check("grafana", "dashboards")
        self.assertEqual(dash["status"], "OK")
        self.assertRegex(dash["message"], r"^\d+ dashboards, \d+ datasource references, all resolve$")
        self.assertTrue(all(d["status"] == "OK" for d in dash["data"]))
        al = r.check("grafana", "alerting")
        self.assertEqual(al["status"], "OK", al["message"])
        self.assertIn("1 firing: Mimir distributor not receiving samples", al["message"])
        self.assertEqual(al["values"]["alerts_firing"], 1)
        self.assertEqual(al["data"]["policies"]["missing_receivers"], [])

    def test_proxy_fallback_asked_with_health(self):
        # A slow Grafana: the fallback for a datasource without a health API (Tempo) goes out with
        # its /health request, not one round trip later after the 404.
        self.fs.fault("grafana", "slow:0.5")
        self.check()
        reqs = self.fs.requests("grafana")
        health = [q["time"] for q in reqs if q["path"] == "/api/datasources/uid/tempo/health"]
        proxy = [q["time"] for q in reqs if q["path"] == "/api/datasources/proxy/uid/tempo/api/echo"]
        self.assertTrue(health and proxy)
        self.assertLess(abs(proxy[-1] - health[-1]), 0.4, "the fallback waited for the 404")

    def test_direct_probe_sends_tenant(self):
        # The Mimir datasource declares X-Scope-OrgID in Grafana (its value is secret there):
        # the direct probe uses the tenant configured for the stack's mimir.
        self.check()
        probes = [q for q in self.fs.requests("mimir")
                  if q["path"] == "/prometheus/api/v1/query" and q["query"] == "query=1%2B1"]
        self.assertTrue(probes, "no direct probe of the Mimir datasource")
        self.assertTrue(all(q["headers"].get("x-scope-orgid") == "team-a" for q in probes))

    def test_library_panels_and_pages_fetched(self):
        self.check()
        paths = [q["target"] for q in self.fs.requests("grafana")]
        self.assertIn("/api/search?type=dash-db&limit=5000&page=1", paths)
        self.assertIn("/api/library-elements/lib-latency", paths)
        self.assertIn("/api/dashboards/uid/every-form", paths)

    # ---- datasources -----------------------------------------------------------------------
    def test_grafana_cannot_reach_but_lgtmtop_can(self):
        self.fs.fault("grafana", "ds_unhealthy")
        r = self.check()
        self.assertEqual(r.rc, 2)
        ds = r.check("grafana", "datasources")
        self.assertEqual(ds["status"], "FAIL")
        self.assertTrue(ds["message"].startswith("4 datasources: 3 OK, 1 unreachable from Grafana (Loki: "), ds)
        self.assertIn("no such host", ds["message"])
        loki = ds["data"][0]  # worst first
        self.assertEqual(loki["name"], "Loki")
        self.assertEqual(loki["status"], "FAIL")
        self.assertEqual((loki["grafana"]["status"], loki["grafana"]["http_status"]), ("ERROR", 400))
        self.assertEqual(loki["direct"]["status"], "OK")
        self.assertTrue(loki["finding"].startswith("Grafana cannot reach it but lgtmtop can: check the URL configured"))
        self.assertIn("Grafana cannot reach it but lgtmtop can", ds["detail"])
        t = run("check", "-c", self.fs.config, "--only", "grafana")
        self.assertIn("FAIL", t.row("grafana", "datasources"))

    def test_only_grafana_can_reach_is_ok(self):
        self.fs.fault("grafana", "ds_internal")
        r = self.check()
        ds = r.check("grafana", "datasources")
        self.assertEqual(ds["status"], "OK", ds["message"])
        self.assertEqual(ds["message"], "5 datasources: 5 OK; 1 reachable only from Grafana's network (Mimir (internal))")
        row = data_row(ds, "uid", "mimir_internal")
        self.assertEqual(row["grafana"]["status"], "OK")
        self.assertEqual(row["direct"]["status"], "UNREACHABLE")
        self.assertIn("but Grafana can: the URL is only valid inside Grafana's network", row["finding"])
        self.assertEqual(r.rc, 0)

    # ---- dashboards ------------------------------------------------------------------------
    def test_dashboard_with_missing_datasource(self):
        self.fs.fault("grafana", "dash_missing_ds")
        r = self.check()
        self.assertEqual(r.rc, 2)
        d = r.check("grafana", "dashboards")
        self.assertEqual(d["status"], "FAIL")
        self.assertRegex(d["message"], r'^\d+ dashboards, 1 references missing datasources: "Service Overview" '
                                       r'\(grafana_prometheus in 3 panels\)$')
        top = d["data"][0]
        self.assertEqual((top["title"], top["uid"], top["folder"], top["status"]),
                         ("Service Overview", "svc-overview", "Crafted", "FAIL"))
        miss = top["missing"][0]
        self.assertEqual(miss["datasource"], "grafana_prometheus")
        self.assertEqual(miss["panels"], ["Latency", "Errors", "CPU"])
        self.assertEqual(miss["references"], 3)  # target A goes to the panel's datasource: a note
        self.assertIn('row "Saturation" > panel "CPU" > target B', miss["paths"])
        self.assertEqual(top["by_datasource"], {"prometheus": 1, "loki": 1})
        self.assertEqual(d["values"]["dashboards_missing_ds"], 1)
        self.assertIn('Service Overview  Crafted  svc-overview  FAIL', d["detail"])

    def test_stale_targets_of_panels_not_mixed_are_ok(self):
        # Grafana sends every target of a panel that is not Mixed to the panel's datasource;
        # rows and text panels never query: the live check must not FAIL on those.
        self.fs.fault("grafana", "dash_stale_targets")
        r = self.check()
        d = r.check("grafana", "dashboards")
        self.assertEqual(d["status"], "OK", d["message"])
        row = next(x for x in d["data"] if x["uid"] == "tempo-operational")
        self.assertEqual(row["status"], "OK")
        self.assertEqual(row["missing"], [])
        self.assertEqual({n["datasource"] for n in row["notes"]}, {"grafana_prometheus", "${metrics}", "gone_loki"})

    def test_dashboard_with_deprecated_datasource(self):
        self.fs.fault("grafana", "dash_deprecated_ds")
        r = self.check()
        self.assertEqual(r.check("grafana", "dashboards")["status"], "OK", "not deprecated unless configured")
        cfg = grafana_config(self.fs, "deprecated_datasources: { prometheus_legacy: prometheus }")
        r = self.check(config=cfg)
        self.assertEqual(r.rc, 1, r.out)
        d = r.check("grafana", "dashboards")
        self.assertEqual(d["status"], "WARN")
        self.assertIn('1 uses deprecated datasources: "Legacy Latency" (prometheus_legacy → prometheus in 2 panels)',
                      d["message"])
        dep = d["data"][0]["deprecated"][0]
        self.assertEqual((dep["datasource"], dep["replacement"]), ("prometheus_legacy", "prometheus"))
        self.assertEqual(dep["panels"], ["p99 latency", "Requests"])

    def test_unreplaced_import_placeholders(self):
        self.fs.fault("grafana", "dash_inputs")
        r = self.check()
        d = r.check("grafana", "dashboards")
        self.assertEqual(d["status"], "FAIL")  # Grafana cannot resolve it: the panels are broken
        self.assertIn("import placeholders never replaced", d["message"])
        row = data_row(d, "uid", "every-form")
        self.assertEqual(row["unresolved"][0]["datasource"], "${DS_PROMETHEUS}")
        self.assertIn("was never replaced", row["unresolved"][0]["note"])

    # ---- alerting --------------------------------------------------------------------------
    def test_alerting_broken(self):
        self.fs.fault("grafana", "alerting_broken")
        r = self.check()
        self.assertEqual(r.rc, 2)
        a = r.check("grafana", "alerting")
        self.assertEqual(a["status"], "FAIL")
        self.assertTrue(a["message"].startswith('1 rule query missing datasources: "API error budget burn '
                                                '(datasource gone)" (grafana_prometheus); notification policy '
                                                'routes to 1 receiver with no contact point: pagerduty-oncall'),
                        a["message"])
        self.assertEqual(a["data"]["policies"]["missing_receivers"], ["pagerduty-oncall"])
        self.assertEqual(a["data"]["missing_datasource_rules"][0]["group"], "slo")
        self.assertEqual(a["values"]["rules_failing"], 2)

    def test_no_policy_tree_and_expected_groups(self):
        self.fs.fault("grafana", "no_policies")
        cfg = grafana_config(self.fs, "expect_rule_groups: [stack-health, Platform/stack-health, slo-burn]",
                             mimir_extra="expect_rule_groups: [example, mimir-slo]")
        r = self.check(config=cfg)
        self.assertEqual(r.rc, 1, r.out)
        a = r.check("grafana", "alerting")
        self.assertEqual(a["status"], "WARN")
        self.assertTrue(a["message"].startswith("no notification policy tree (404); 1 expected rule group not loaded: "
                                                "slo-burn"), a["message"])
        self.assertEqual(a["data"]["expected_groups_missing"], ["slo-burn"])
        m = r.check("mimir", "rules")
        self.assertEqual(m["status"], "WARN")
        self.assertIn("expected rule group", m["message"])
        self.assertIn("mimir-slo", m["message"])


class GrafanaCredentials(unittest.TestCase):
    def test_without_token_skipped_with_token_run(self):
        # the whole stack, so that every datasource URL is a loopback one
        fs = FakeStack("--grafana-token", "glsa_x")
        try:
            cfg = fs.write_config(f"stacks:\n  - name: x\n    grafana: \"{fs.urls['grafana']}\"\n")
            r = run("check", "--json", "-c", cfg)
            self.assertEqual(r.rc, 0, r.out)
            for name in ("datasources", "dashboards", "alerting"):
                k = r.check("grafana", name)
                self.assertTrue(k["skipped"], k)
                self.assertIn("GRAFANA_TOKEN", k["message"])
            r = run("check", "--json", "-c", fs.config, "--only", "grafana")
            self.assertEqual(r.rc, 0, r.out)
            for name in ("datasources", "dashboards", "alerting"):
                k = r.check("grafana", name)
                self.assertFalse(k["skipped"])
                self.assertEqual(k["status"], "OK", k)
            with open(fs.config) as f:
                self.assertIn("glsa_x", f.read())
            self.assertNotIn("glsa_x", r.out + r.err)
        finally:
            fs.close()


class DashboardsLint(unittest.TestCase):
    """`lgtmtop dashboards lint` on a tree laid out like a provisioning repo."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="lgtmtop-lint-it-")
        d = os.path.join(cls.tmp, "grafana", "dashboards")
        for team, names in (("team-a", ("clean", "every_form")), ("team-b", ("missing_datasource",)),
                            ("team-c", ("deprecated_datasource",))):
            os.makedirs(os.path.join(d, team))
            for n in names:
                shutil.copy(os.path.join(FIXTURES, "dashboards", "crafted", n + ".json"), os.path.join(d, team))
        os.makedirs(os.path.join(cls.tmp, "grafana", "datasources"))
        with open(os.path.join(cls.tmp, "grafana", "datasources", "datasources.yml"), "w") as f:
            f.write("apiVersion: 1\n\ndatasources:\n"
                    "  - name: Mimir\n    type: prometheus\n    uid: prometheus\n    url: http://mimir:9009/prometheus\n"
                    "    isDefault: true\n"
                    "  - name: Loki\n    type: loki\n    uid: loki\n    url: ${LOKI_URL}\n"
                    "  - name: Tempo\n    type: tempo\n    uid: tempo\n    url: http://tempo:3200\n"
                    "  - name: Prometheus (legacy)\n    type: prometheus\n    uid: prometheus_legacy\n"
                    "    url: http://prometheus:9090\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def lint(self, *args, cmd=("dashboards", "lint")):
        cwd = os.getcwd()
        os.chdir(self.tmp)
        try:
            return run(*cmd, *args)
        finally:
            os.chdir(cwd)

    DS = ("--datasources", "grafana/datasources/datasources.yml")

    def test_missing_exit_2(self):
        r = self.lint(*self.DS, "grafana/dashboards")
        self.assertEqual(r.rc, 2, r.out + r.err)
        lines = r.out.splitlines()
        known = "(known: prometheus (Mimir), loki (Loki), tempo (Tempo), prometheus_legacy (Prometheus (legacy)))"
        self.assertIn('grafana/dashboards/team-b/missing_datasource.json:10: error: dashboard "Service Overview": '
                      'panel "Latency": datasource "grafana_prometheus" does not exist ' + known +
                      ' [panels[0].datasource]', lines)
        self.assertIn('grafana/dashboards/team-b/missing_datasource.json:27: error: dashboard "Service Overview": '
                      'row "Saturation" > panel "CPU" (target B): datasource "grafana_prometheus" does not exist ' +
                      known + ' [panels[2].panels[0].targets[1]]', lines)
        self.assertEqual(sum(": error: " in ln for ln in lines), 3)  # target A goes to the panel's datasource: a note
        self.assertTrue(lines[-1].startswith("FAIL: 4 files linted (4 dashboards): 3 errors"), lines[-1])
        self.assertNotIn("\x1b", r.out)
        # the reported bug: options after the path were read as paths (exit 3)
        r2 = self.lint("grafana/dashboards", *self.DS)
        self.assertEqual((r2.rc, r2.out), (r.rc, r.out))
        r3 = self.lint("grafana/dashboards", *self.DS, cmd=("lint",))  # the same as `lgtmtop lint`
        self.assertEqual((r3.rc, r3.out), (r.rc, r.out))

    def test_deprecated_exit_1_and_clean_exit_0(self):
        r = self.lint(*self.DS, "--deprecated", "prometheus_legacy=prometheus", "grafana/dashboards/team-c",
                      "grafana/dashboards/team-a")
        self.assertEqual(r.rc, 1, r.out)
        self.assertIn('grafana/dashboards/team-c/deprecated_datasource.json:10: warning: dashboard "Legacy Latency": '
                      'panel "p99 latency": datasource "prometheus_legacy" is deprecated: use "prometheus" instead', r.out)
        r = self.lint(*self.DS, "grafana/dashboards/team-a")
        self.assertEqual(r.rc, 0, r.out)
        self.assertIn("note: dashboard \"Every Reference Form\": row \"Overview\" > panel \"Export placeholder\": "
                      "import placeholder ${DS_PROMETHEUS}", r.out)
        self.assertTrue(r.out.splitlines()[-1].startswith("OK: 2 files linted (2 dashboards): 0 errors, 0 warnings"))

    def test_json_and_errors(self):
        r = self.lint(*self.DS, "--json", "grafana/dashboards/team-b")
        self.assertEqual(r.rc, 2)
        doc = json.loads(r.out)
        self.assertEqual(doc["counts"]["missing"], 3)
        errors = [f for f in doc["findings"] if f["severity"] == "error"]
        self.assertEqual([(f["panel"], f["line"], f["path"]) for f in errors],
                         [("Latency", 10, "panels[0].datasource"), ("Errors", 16, "panels[1].datasource"),
                          ("CPU", 27, "panels[2].panels[0].targets[1]")])
        bad = os.path.join(self.tmp, "broken")
        os.makedirs(bad, exist_ok=True)
        with open(os.path.join(bad, "x.json"), "w") as f:
            f.write('{\n  "panels": [\n    {"title": "a",, }\n  ]\n}\n')
        r = self.lint(*self.DS, "broken")
        self.assertEqual(r.rc, 2)
        self.assertIn('broken/x.json:3: error: invalid JSON (column 19) near ", } ] }"', r.out)
        r = self.lint("grafana/dashboards")
        self.assertEqual(r.rc, 1)
        self.assertIn("warning: no datasource provisioning found", r.out)
        r = run("dashboards", "lint", "--help")
        self.assertEqual(r.rc, 0)
        self.assertIn("usage: lgtmtop dashboards lint", r.out)
        r = run("dashboards", "frobnicate")
        self.assertEqual(r.rc, 3)
        self.assertIn('unknown subcommand "frobnicate"', r.err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
