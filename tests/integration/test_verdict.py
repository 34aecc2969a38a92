"""The verdict on the fake stack: findings count in the exit code, the first finding names the root
cause, an unreachable component is one table line, and no check of a dead component reads OK."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeStack, run  # noqa: E402


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


if __name__ == "__main__":
    unittest.main()
