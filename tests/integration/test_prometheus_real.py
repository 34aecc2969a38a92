"""The Prometheus probe against a real Prometheus server from Debian (package 'prometheus'),
started here on a free loopback port with a temporary data dir."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, run, wait_for  # noqa: E402

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


@unittest.skipUnless(os.path.exists(PROMETHEUS) or os.environ.get("CI"),
                     "prometheus not installed (scripts/setup.sh --test installs it)")
class RealPrometheus(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-prom-")
        cls.port, dead = free_port(), free_port()
        cls.url = f"http://127.0.0.1:{cls.port}"
        rules = os.path.join(cls.tmp.name, "rules.yml")
        with open(rules, "w") as f:
            f.write("groups:\n- name: lgtmtop-test\n  interval: 1s\n  rules:\n"
                    "  - alert: AlwaysFiring\n    expr: vector(1)\n"
                    "  - record: job:up:sum\n    expr: sum by (job) (up)\n")
        cfg = os.path.join(cls.tmp.name, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    f"rule_files: ['{rules}']\n"
                    f"scrape_configs:\n"
                    f"- job_name: prometheus\n  static_configs: [{{targets: ['127.0.0.1:{cls.port}']}}]\n"
                    f"- job_name: node\n  static_configs: [{{targets: ['127.0.0.1:{dead}']}}]\n")
        cls.log = open(os.path.join(cls.tmp.name, "prometheus.log"), "w")
        cls.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={cfg}", f"--storage.tsdb.path={cls.tmp.name}/data",
             f"--web.listen-address=127.0.0.1:{cls.port}"],
            stdout=cls.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def scraped():
            if cls.proc.poll() is not None:
                raise AssertionError("prometheus exited: see " + cls.log.name)
            t = get_json(cls.url + "/api/v1/targets")
            if not t:
                return False
            health = [x["health"] for x in t["data"]["activeTargets"]]
            return len(health) == 2 and "unknown" not in health
        wait_for(scraped, timeout=60, what="prometheus to scrape both targets")

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.terminate()
            cls.proc.wait(timeout=20)
        cls.log.close()
        cls.tmp.cleanup()

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
