"""Custom http checks against a real Alertmanager from Debian (package 'prometheus-alertmanager'),
started here on a free loopback port with clustering off and a temporary data dir."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import free_port, get_json, run, wait_for  # noqa: E402

ALERTMANAGER = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"


@unittest.skipUnless(os.path.exists(ALERTMANAGER) or os.environ.get("CI"),
                     "alertmanager not installed (scripts/setup.sh --test installs it)")
class RealAlertmanager(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-am-")
        cls.port = free_port()
        cls.url = f"http://127.0.0.1:{cls.port}"
        cfg = os.path.join(cls.tmp.name, "alertmanager.yml")
        with open(cfg, "w") as f:
            f.write("route:\n  receiver: null-receiver\nreceivers:\n- name: null-receiver\n")
        cls.log = open(os.path.join(cls.tmp.name, "alertmanager.log"), "w")
        cls.proc = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={cfg}", f"--storage.path={cls.tmp.name}/data",
             f"--web.listen-address=127.0.0.1:{cls.port}", "--cluster.listen-address="],
            stdout=cls.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def up():
            if cls.proc.poll() is not None:
                raise AssertionError("alertmanager exited: see " + cls.log.name)
            return get_json(cls.url + "/api/v2/status")
        wait_for(up, timeout=60, what="alertmanager to answer /api/v2/status")
        cls.config = os.path.join(cls.tmp.name, "lgtmtop.yaml")
        with open(cls.config, "w") as f:
            f.write(f"""stacks:
  - name: lab
    checks:
      - {{ name: am-ready, http: "{cls.url}/-/ready", expect_status: 200, max_latency: 2s }}
      - {{ name: am-cluster, http: "{cls.url}/api/v2/status", json: {{ path: cluster.status, equals: disabled }} }}
      - {{ name: am-version, http: "{cls.url}/api/v2/status", json: {{ path: versionInfo.version, expect: non-empty }} }}
      - {{ name: am-wrong, http: "{cls.url}/api/v2/status", json: {{ path: cluster.status, equals: ready }} }}
      - {{ name: am-receivers, http: "{cls.url}/api/v2/receivers", json: {{ path: 0.name, equals: null-receiver }} }}
      - {{ name: am-missing, http: "{cls.url}/api/v2/no-such-endpoint", expect_status: 200 }}
""")

    @classmethod
    def tearDownClass(cls):
        if cls.proc.poll() is None:
            cls.proc.terminate()
            cls.proc.wait(timeout=20)
        cls.log.close()
        cls.tmp.cleanup()

    def test_http_checks_against_real_alertmanager(self):
        r = run("check", "--json", "--sample", "0", "-c", self.config)
        self.assertEqual(r.rc, 2, r.out + r.err)
        checks = {k["name"]: k for k in r.component("checks")["checks"]}
        self.assertEqual(checks["am-ready"]["status"], "OK")
        self.assertEqual(checks["am-cluster"]["status"], "OK", checks["am-cluster"]["message"])
        self.assertIn('cluster.status = "disabled"', checks["am-cluster"]["message"])
        self.assertEqual(checks["am-version"]["status"], "OK", checks["am-version"]["message"])
        # clustering is off: a check that expects a ready cluster fails and says what it saw
        self.assertEqual(checks["am-wrong"]["status"], "FAIL")
        self.assertIn('"disabled"', checks["am-wrong"]["message"])
        self.assertEqual(checks["am-receivers"]["status"], "OK", checks["am-receivers"]["message"])
        # a wrong path: the status the server gave is named
        self.assertEqual(checks["am-missing"]["status"], "FAIL")
        self.assertIn("HTTP 404", checks["am-missing"]["message"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
