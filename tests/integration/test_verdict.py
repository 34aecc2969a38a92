"""The verdict on the fake stack: findings count in the exit code, the first finding names the root
cause, an unreachable component is one table line, and no check of a dead component reads OK."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import subprocess  # noqa: E402
import json  # noqa: E402

from harness import BIN, FakeStack, Result, run, wait_for  # noqa: E402


def check(fs, *extra):
    return run("check", "--json", "-c", fs.config, "-t", "3s", "--sample", "0", *extra)


class Verdict(unittest.TestCase):
    def scenario(self, *faults):
        args = []
        for f in faults:
            args += ["--fault", f]
        fs = FakeStack(*args)
        self.addCleanup(fs.close)
        return fs

    def test_dashboard_on_removed_datasource_is_the_first_finding(self):
        fs = self.scenario("grafana=dash_missing_ds")
        r = check(fs)
        self.assertEqual(r.rc, 2, r.out)
        first = r.json()["findings"][0]
        self.assertEqual(first["id"], "grafana_dash_missing_ds", first)
        self.assertIn("grafana_prometheus, which no longer exists", first["title"])
        self.assertIn("Service Overview", first["cause"])
        self.assertIn("deprecated_datasources", first["hint"])
        self.assertEqual(first["checks"], ["dashboards"])

    def test_alerting_on_missing_datasource_and_contact_point(self):
        fs = self.scenario("grafana=alerting_broken")
        r = check(fs)
        self.assertEqual(r.rc, 2, r.out)
        ids = [f["id"] for f in r.json()["findings"]]
        self.assertIn("grafana_rule_missing_ds", ids)
        self.assertIn("grafana_policy_missing_receiver", ids)
        pol = next(f for f in r.json()["findings"] if f["id"] == "grafana_policy_missing_receiver")
        self.assertIn("pagerduty-oncall", pol["title"])

    def test_no_spans_fails_a_post_deploy_step(self):
        fs = self.scenario("tempo=nospans")
        r = check(fs)
        self.assertEqual(r.rc, 1, r.out)
        doc = r.json()
        self.assertEqual((doc["status"], doc["exit_code"]), ("WARNING", 1))
        self.assertEqual(doc["findings"][0]["id"], "tempo_no_spans")
        self.assertEqual(r.component("tempo")["status"], "WARN")
        self.assertEqual(r.check("tempo", "metrics")["raised_by"], "tempo_no_spans")
        t = run("check", "-c", fs.config, "-t", "3s", "--sample", "0")
        self.assertEqual(t.rc, 1)
        self.assertIn(" WARN ", t.row("tempo", "metrics"))
        self.assertTrue(t.out.splitlines()[-1].startswith("WARNING: 5 components: 4 OK, 1 WARN, 0 FAIL"), t.out)

    def test_unreachable_component_is_one_line(self):
        fs = self.scenario("mimir=refused")
        t = run("check", "-c", fs.config, "-t", "3s", "--sample", "0")
        self.assertEqual(t.rc, 2)
        mimir = [line for line in t.out.splitlines() if line.split()[1:2] == ["mimir"]]
        self.assertEqual(len(mimir), 1, t.out)
        self.assertRegex(mimir[0], r"mimir\s+\(\d+ checks\)\s+FAIL\s+-\s+connection refused: nothing listens on")
        r = check(fs)
        self.assertEqual(r.json()["findings"][0]["id"], "down_refused")
        checks = r.component("mimir")["checks"]
        self.assertFalse(checks[0]["shared_failure"])
        self.assertTrue(all(k["shared_failure"] for k in checks[1:] if k["error"] == "refused"))
        self.assertFalse(r.component("mimir")["reachable"])

    def test_grafana_down_no_check_reads_ok(self):
        fs = self.scenario("grafana=refused")
        r = check(fs)
        self.assertEqual(r.rc, 2)
        for k in r.component("grafana")["checks"]:
            self.assertNotEqual(k["status"], "OK", k)
        self.assertEqual(r.json()["findings"][0]["id"], "down_refused")

    def test_ready_but_queries_hang_is_named(self):
        for kind in ("loki", "mimir", "tempo"):
            with self.subTest(kind=kind):
                fs = self.scenario(f"{kind}=query_hang")
                r = run("check", "--json", "-c", fs.config, "-t", "1s", "--sample", "0")
                self.assertEqual(r.rc, 2, r.out)
                first = r.json()["findings"][0]
                self.assertEqual((first["id"], first["component"]), ("query_path_hangs", kind), first)
                self.assertIn("is ready, but its queries hang", first["title"])
                self.assertIn("frontend", first["hint"])
                self.assertEqual(r.component(kind)["checks"][0]["status"], "OK", "readiness still answers")

    def test_grafana_rules_api_failing_is_never_ok(self):
        for fault, want in (("rules_error", "502"), ("rules_html", "invalid JSON"), ("rules_hang", "timeout")):
            with self.subTest(fault=fault):
                fs = self.scenario(f"grafana={fault}")
                r = run("check", "--json", "-c", fs.config, "-t", "1s", "--sample", "0")
                k = r.check("grafana", "alerting")
                self.assertEqual(k["status"], "FAIL", k)
                self.assertNotIn("rule state not available", k["message"])
                self.assertIn(want, k["message"])
                self.assertEqual(r.rc, 2)

    def test_dependent_checks_of_a_down_component_say_not_run(self):
        fs = self.scenario("mimir=refused")
        r = run("check", "--json", "-c", fs.config, "-t", "1s", "-i", "200ms", "--wait", "1500ms")
        self.assertEqual(r.rc, 2, r.out)
        checks = r.component("mimir")["checks"]
        self.assertEqual(checks[0]["error"], "refused")
        for k in checks[1:]:
            self.assertEqual(k["status"], "FAIL", k)
            self.assertEqual(k["message"], "not run: mimir is down (refused)", k)
            self.assertTrue(k["shared_failure"], k)
        t = run("check", "-c", fs.config, "-t", "1s", "-i", "200ms", "--wait", "1s")
        self.assertEqual(len([ln for ln in t.out.splitlines() if ln.split()[1:2] == ["mimir"]]), 1, t.out)

    def test_a_component_back_up_runs_its_checks_at_once(self):
        # While Mimir hangs, a later sweep sends only its readiness request; when that answers,
        # the waiting checks run in the same sweep and --wait ends clean.
        fs = self.scenario("mimir=hang")
        p = subprocess.Popen([BIN, "check", "--json", "-c", fs.config, "-t", "1s", "-i", "200ms", "--wait", "20s",
                              "--sample", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             stdin=subprocess.DEVNULL)
        self.addCleanup(p.kill)
        # the Mimir component's own requests: not Grafana's, nor the Grafana component's direct
        # probe of its datasource URLs ("/" and 1+1)
        paths = lambda: [q["path"] for q in fs.requests("mimir")  # noqa: E731
                         if q["headers"].get("user-agent", "").startswith("lgtmtop")
                         and q["path"] != "/" and "1%2B1" not in q["query"]]
        seen = wait_for(lambda: paths().count("/ready") >= 3 and paths(), timeout=15, what="three sweeps")
        second = [i for i, q in enumerate(seen) if q == "/ready"][1]
        self.assertGreater(second, 3, "the first sweep sent every check")
        self.assertEqual(set(seen[second:]), {"/ready"}, "only readiness while the component hangs")
        fs.fault("mimir", "none")
        out, err = p.communicate(timeout=30)
        r = Result(p.returncode, out, err, 0)
        self.assertEqual(r.rc, 0, out + err)
        self.assertTrue(all(k["status"] in ("OK", "SKIP") for k in r.component("mimir")["checks"]), out)


if __name__ == "__main__":
    unittest.main()
