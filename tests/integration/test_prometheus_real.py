"""The Prometheus probe against a real Prometheus server from Debian (package 'prometheus'),
started here on a free loopback port with a temporary data dir."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PROMETHEUS, run, wait_for  # noqa: E402


@unittest.skipUnless(os.path.exists(PROMETHEUS) or os.environ.get("CI"),
                     "prometheus not installed (scripts/setup.sh --test installs it)")
class ProbeRealPrometheus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prom = harness.RealPrometheus(rules=(
            "groups:\n- name: lgtmtop-test\n  interval: 1s\n  rules:\n"
            "  - alert: AlwaysFiring\n    expr: vector(1)\n"
            "  - record: job:up:sum\n    expr: sum by (job) (up)\n"))
        cls.url = cls.prom.url

    @classmethod
    def tearDownClass(cls):
        cls.prom.close()

    def test_probe_real_server(self):
        r = run("check", "--json", "--only", "prometheus", "--prometheus", self.url)
        self.assertEqual(r.rc, 1, r.out + r.err)  # one target down: WARNING
        ready = r.check("prometheus", "ready")
        self.assertEqual((ready["status"], ready["http_status"]), ("OK", 200))
        build = r.check("prometheus", "buildinfo")
        self.assertEqual(build["status"], "OK")
        self.assertRegex(r.component("prometheus")["version"], r"^\d+\.\d+\.\d+")
        targets = r.check("prometheus", "targets")
        self.assertEqual(targets["status"], "WARN")
        self.assertEqual(targets["values"]["targets_up"], 1)
        self.assertEqual(targets["values"]["targets_down"], 1)
        self.assertIn("1/2 targets down", targets["message"])
        self.assertIn("node", targets["message"])
        self.assertIn("connection refused", targets["message"])
        query = r.check("prometheus", "query")
        self.assertEqual(query["values"]["query_series"], 2)
        rules = r.check("prometheus", "rules")
        self.assertEqual(rules["values"]["rule_groups"], 1)

        def firing():
            a = run("check", "--json", "--only", "prometheus", "--prometheus", self.url)
            return a.check("prometheus", "alerts")["values"].get("alerts_firing") == 1 and a
        a = wait_for(firing, timeout=30, interval=0.5, what="AlwaysFiring to fire")
        self.assertIn("AlwaysFiring", a.check("prometheus", "alerts")["message"])

    def test_table_names_the_down_target(self):
        r = run("check", "--only", "prometheus", "--prometheus", self.url)
        self.assertEqual(r.rc, 1)
        self.assertIn("WARN", r.row("prometheus", "targets"))
        self.assertIn("node", r.row("prometheus", "targets"))
        self.assertRegex(r.out.splitlines()[-1], r"^WARNING: 1 component: 0 OK, 1 WARN, 0 FAIL")


if __name__ == "__main__":
    unittest.main(verbosity=2)
