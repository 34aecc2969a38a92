"""lgtmtop check against the fake stack: one test per fault, asserting what the user sees."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, FakeStack, run, wait_for  # noqa: E402

ALL = ("mimir", "loki", "tempo", "grafana", "prometheus")


class CheckHealthy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack()

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def test_table_all_ok_exit_0(self):
        r = run("check", "-c", self.fs.config)
        self.assertEqual(r.rc, 0, r.out + r.err)
        for comp in ALL:
            self.assertIn(comp, r.out)
        self.assertIn("ready", r.row("mimir", "ready"))
        self.assertIn(" OK ", r.row("tempo", "ready"))
        self.assertRegex(r.out.splitlines()[-1], r"^OK: 5 components: 5 OK, 0 WARN, 0 FAIL")
        self.assertNotIn("\x1b", r.out, "no color codes when stdout is not a terminal")

    def test_json_document(self):
        r = run("check", "--json", "-c", self.fs.config, "--sample", "0")  # one sample: no rates
        self.assertEqual(r.rc, 0, r.err)
        doc = r.json()
        self.assertEqual(doc["schema"], "lgtmtop.check/v2")
        self.assertEqual(doc["status"], "OK")
        self.assertEqual(doc["exit_code"], 0)
        self.assertLessEqual(doc["sweep_ms"], doc["duration_ms"])
        self.assertEqual(doc["counts"], {"ok": 5, "warn": 0, "fail": 0, "unknown": 0})
        ready = r.check("mimir", "ready")
        self.assertEqual(ready["status"], "OK")
        self.assertEqual(ready["http_status"], 200)
        self.assertIsNone(ready["error"])
        self.assertGreaterEqual(ready["timings_ms"]["total"], ready["timings_ms"]["connect"])
        self.assertEqual(r.component("mimir")["version"], "2.0.0")
        tempo = r.component("tempo")
        self.assertIn("spans_per_second", tempo["rates"])
        self.assertIsNone(tempo["rates"]["spans_per_second"], "one sweep: rate unknown, not 0")
        targets = r.check("prometheus", "targets")
        self.assertGreater(targets["values"]["targets_up"], 0)

    def test_headers_sent(self):
        run("check", "-c", self.fs.config, "--only", "loki")
        reqs = self.fs.requests("loki")
        self.assertTrue(reqs, "loki got no requests")
        self.assertTrue(all(q["headers"].get("user-agent", "").startswith("lgtmtop/") for q in reqs))

    def test_connections_reused_across_sweeps(self):
        # --sample re-reads /metrics: the second request rides the first one's connection
        self.fs.fault("loki", "none")
        r = run("check", "--json", "-c", self.fs.config, "--only", "loki", "--sample", "300ms")
        self.assertEqual(r.rc, 0, r.out)
        reqs = self.fs.requests("loki")
        last = max(i for i, q in enumerate(reqs) if q["path"] == "/metrics")
        earlier = {q["peer"] for q in reqs[:last]}
        self.assertGreater(last, 0)
        self.assertIn(reqs[last]["peer"], earlier, "a new connection was opened for the second read")
        self.assertIsNotNone(r.component("loki")["rates"]["lines_per_second"])

    def test_wait_on_a_healthy_stack_ends_after_one_sweep(self):
        # --wait with the default sampling: all OK after the first sweep, rates measured once
        r = run("check", "--json", "--wait", "30s", "--sample", "1s", "-c", self.fs.config)
        self.assertEqual(r.rc, 0, r.out)
        doc = r.json()
        self.assertEqual((doc["sweeps"], doc["status"]), (1, "OK"))
        self.assertLess(doc["duration_ms"], 30000, "did not wait out the deadline")
        self.assertGreater(r.component("tempo")["rates"]["spans_per_second"], 0)


class CheckFaults(unittest.TestCase):
    """Each row: fault for one component, expected exit code, check, status, message part."""

    ROWS = [
        ("tempo", "refused", 2, "ready", "FAIL", "connection refused"),
        ("mimir", "notready", 1, "ready", "WARN", "Ingester not ready: waiting for 15s after being ready"),
        ("loki", "garbage", 2, "labels", "FAIL", "invalid JSON"),
        ("mimir", "truncated", 2, "buildinfo", "FAIL", "transfer closed with"),
        ("grafana", "huge", 2, "health", "FAIL", "larger than"),
        ("mimir", "unauthorized", 2, "query", "FAIL", "X-Scope-OrgID"),
        ("loki", "error500", 2, "labels", "FAIL", "500"),
        ("grafana", "db_failing", 2, "health", "FAIL", "database"),
        ("prometheus", "targets_down", 1, "targets", "WARN", "down"),
        # every check answers, but the finding counts: a post-deploy step must not pass
        ("tempo", "nospans", 1, "metrics", "WARN", "no spans"),
    ]

    def test_faults(self):
        for comp, fault, code, check, status, msg in self.ROWS:
            with self.subTest(fault=fault, component=comp):
                fs = FakeStack("--fault", f"{comp}={fault}")
                try:
                    r = run("check", "--json", "-c", fs.config, "-t", "3s", "--sample", "0")
                    k = r.check(comp, check)
                    self.assertEqual(k["status"], status, k)
                    self.assertIn(msg, k["message"])
                    self.assertNotRegex(k["message"], r"[\x00-\x1f\x7f]")
                    self.assertEqual(r.rc, code, r.out)
                    self.assertEqual(r.json()["exit_code"], code)
                    self.assertEqual(r.json()["status"], ["OK", "WARNING", "CRITICAL"][code])
                    t = run("check", "-c", fs.config, "-t", "3s", "--sample", "0")
                    self.assertEqual(t.rc, code, t.out)
                    self.assertNotIn("\x1b", t.out, "server text must be stripped of escapes")
                    self.assertTrue(t.out.splitlines()[-1].startswith(["OK", "WARNING", "CRITICAL"][code] + ":"))
                    checks = r.component(comp)["checks"]
                    shared = sum(x["shared_failure"] for x in checks)
                    if shared and (k["shared_failure"] or k is checks[0] or k == checks[0]):
                        # one cause, one line: readiness and the checks that failed the same way
                        self.assertIn(status, t.row(comp, f"({shared + 1}"))
                        self.assertRaises(KeyError, t.row, comp, check)
                    else:
                        self.assertIn(status, t.row(comp, check))
                finally:
                    fs.close()

    def test_hang_is_bounded_by_timeout(self):
        fs = FakeStack("--fault", "tempo=hang")
        try:
            r = run("check", "--json", "-c", fs.config, "-t", "1s", timeout=20)
            self.assertEqual(r.rc, 2)
            k = r.check("tempo", "ready")
            self.assertEqual(k["error"], "timeout")
            self.assertIn("no answer within 1.0s", k["message"])
            self.assertEqual(r.check("mimir", "ready")["status"], "OK", "others unaffected")
        finally:
            fs.close()

    def test_slow_components_are_probed_concurrently(self):
        # Four components answering after 1 s: every request is already in flight before
        # the first answer comes back, so all of them overlap in time at the server.
        fs = FakeStack(*[a for c in ("mimir", "loki", "tempo", "grafana") for a in ("--fault", f"{c}=slow:1")])
        try:
            r = run("check", "--json", "-c", fs.config, "--only", "mimir,loki,tempo,grafana", "-t", "4s",
                    "--sample", "0")  # a second scrape 5 s later would not overlap
            self.assertEqual(r.rc, 0, r.out)
            comps = ("mimir", "loki", "tempo", "grafana")
            starts = {c: [q["time"] for q in fs.requests(c)] for c in comps}
            t0 = min(t for ts in starts.values() for t in ts)
            # every check's first request arrived before the first answer could have been sent
            # (1 s later); multi-request checks (Grafana's datasources, dashboards, alerting)
            # send follow-ups after answers, so only this first wave counts
            first_wave = [t for ts in starts.values() for t in ts if t - t0 < 1.0]
            self.assertGreaterEqual(len(first_wave), 8)
            for c in comps:
                self.assertTrue(any(t - t0 < 1.0 for t in starts[c]), c)
        finally:
            fs.close()

    def test_old_tempo_version_from_metrics(self):
        fs = FakeStack("--tempo-version", "2.2.0")
        try:
            r = run("check", "--json", "-c", fs.config, "--only", "tempo")
            self.assertEqual(r.rc, 0, r.out)
            b = r.check("tempo", "buildinfo")
            self.assertEqual((b["status"], b["http_status"]), ("OK", 404))
            self.assertIn("Tempo < 2.3", b["message"])
            self.assertEqual(r.component("tempo")["version"], "2.2.0")
        finally:
            fs.close()

    def test_not_http_at_all(self):
        # something that is not an HTTP server (an SSH banner) on the configured port
        import socket
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(16)
        stop = threading.Event()

        def serve():
            srv.settimeout(0.2)
            while not stop.is_set():
                try:
                    c, _ = srv.accept()
                except OSError:
                    continue
                with c:
                    c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        try:
            port = srv.getsockname()[1]
            r = run("check", "--json", "--sample", "0", "--only", "loki", "--loki", f"http://127.0.0.1:{port}")
            self.assertEqual(r.rc, 2)
            k = r.check("loki", "ready")
            self.assertEqual(k["error"], "protocol")
            self.assertIn(f"not an HTTP server at 127.0.0.1:{port}", k["message"])
        finally:
            stop.set()
            t.join()
            srv.close()

    def test_https_to_plain_http_port(self):
        fs = FakeStack("--component", "loki=loki")
        try:
            url = fs.urls["loki"].replace("http://", "https://")
            r = run("check", "--json", "--sample", "0", "--only", "loki", "--loki", url)
            self.assertEqual(r.rc, 2)
            k = r.check("loki", "ready")
            self.assertEqual(k["error"], "tls")
            self.assertIn("plain-HTTP answer", k["message"])
            self.assertIn("use http://", k["message"])
        finally:
            fs.close()

    def test_dns_failure(self):
        r = run("check", "--json", "--only", "loki", "--loki", "http://no-such-host.invalid:3100")
        self.assertEqual(r.rc, 2)
        k = r.check("loki", "ready")
        self.assertEqual(k["error"], "dns")
        self.assertIn("no-such-host.invalid", k["message"])

    def test_tenant_header(self):
        fs = FakeStack("--require-tenant", "mimir=team-a")
        try:
            r = run("check", "--json", "-c", fs.config, "--only", "mimir")
            self.assertEqual(r.rc, 0, r.out)
            reqs = fs.requests("mimir")
            self.assertTrue(all(q["headers"].get("x-scope-orgid") == "team-a" for q in reqs))
            # the same stack without the tenant: 401 no org id, told to set tenant
            cfg = fs.write_config(f"stacks:\n  - name: x\n    mimir: {{url: \"{fs.urls['mimir']}\"}}\n")
            r = run("check", "--json", "-c", cfg)
            self.assertEqual(r.rc, 2)
            self.assertIn("X-Scope-OrgID", r.check("mimir", "query")["message"])
        finally:
            fs.close()

    def test_wait_until_ok(self):
        fs = FakeStack("--fault", "tempo=notready")
        try:
            cfg = fs.write_config(open(fs.config).read().replace("interval: 2s", "interval: 300ms"))
            p = subprocess.Popen([BIN, "check", "--sample", "0", "--wait", "60s", "-c", cfg], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
            first = p.stderr.readline()  # progress goes to stderr once per sweep
            self.assertIn("tempo ready", first)
            fs.fault("tempo", "none")
            out, err = p.communicate(timeout=30)
            self.assertEqual(p.returncode, 0, out + err)
            self.assertRegex(out.splitlines()[-1], r"^OK:")
        finally:
            fs.close()

    def test_wait_deadline_passes(self):
        fs = FakeStack("--fault", "loki=refused")
        try:
            r = run("check", "--wait", "1s", "-i", "200ms", "-c", fs.config, timeout=30)
            self.assertEqual(r.rc, 2)
            self.assertIn("loki ready", r.err)
        finally:
            fs.close()


class Secrets(unittest.TestCase):
    def test_token_never_printed(self):
        fs = FakeStack("--grafana-token", "glsa_supersecret_token")
        try:
            r = run("check", "--json", "-c", fs.config, "--only", "grafana")
            self.assertEqual(r.rc, 0, r.out)
            self.assertGreater(r.check("grafana", "datasources")["values"].get("datasources", 0), 0)
            # wrong token: rejected, and neither token shows anywhere
            cfg = fs.write_config(open(fs.config).read().replace("glsa_supersecret_token", "glsa_wrong_token"))
            for args in (("--json",), ()):
                r = run("check", *args, "-c", cfg, "--only", "grafana")
                self.assertEqual(r.rc, 2)
                for text in (r.out, r.err):
                    self.assertNotIn("glsa_", text)
            url = fs.urls["loki"].replace("http://", "http://admin:hunter2@")
            r = run("check", "--json", "--only", "loki", "--loki", url)
            self.assertNotIn("hunter2", r.out + r.err)
            self.assertIn("***@", r.component("loki")["url"])
        finally:
            fs.close()

    def test_no_token_skips_datasources(self):
        fs = FakeStack("--grafana-token", "glsa_x")
        try:
            cfg = fs.write_config(f"stacks:\n  - name: x\n    grafana: \"{fs.urls['grafana']}\"\n")
            r = run("check", "--json", "-c", cfg)
            k = r.check("grafana", "datasources")
            self.assertTrue(k["skipped"])
            self.assertIn("GRAFANA_TOKEN", k["message"])
            self.assertEqual(r.rc, 0, "a skipped check does not make the stack unhealthy")
        finally:
            fs.close()


class BadConfig(unittest.TestCase):
    def write(self, text):
        import tempfile
        f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def test_config_errors_exit_3(self):
        rows = [
            ("stacks:\n  - name: a\n    mimir:\n      url: http://m:9009\n      tenent: x\n", ":5:", "tenant"),
            ("stacks:\n  - name: a\n    loki: {url: \"ftp://loki\"}\n", ":3:", "url"),
            ("timeout: 5 seconds\nstacks:\n  - name: a\n    loki: http://l:3100\n", ":1:", "timeout"),
            ("stacks: [\n", ":2:", "YAML syntax error"),
        ]
        for text, where, key in rows:
            with self.subTest(text=text):
                path = self.write(text)
                r = run("check", "-c", path)
                self.assertEqual(r.rc, 3, r.err)
                self.assertEqual(r.out, "")
                self.assertIn(os.path.basename(path) + where, r.err)
                self.assertIn(key, r.err)
                self.assertEqual(len(r.err.strip().splitlines()), 1, "one line: " + r.err)

    def test_missing_config_file(self):
        r = run("check", "-c", "/nonexistent/lgtmtop.yaml")
        self.assertEqual(r.rc, 3)
        self.assertIn("/nonexistent/lgtmtop.yaml", r.err)

    def test_unknown_stack_exit_3(self):
        path = self.write("stacks:\n  - name: prod\n    loki: http://127.0.0.1:1\n  - name: dev\n    loki: http://127.0.0.1:1\n")
        r = run("check", "-c", path, "--stack", "staging")
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("staging", r.err)
        self.assertIn("prod, dev", r.err)

    def test_usage_error_exit_3(self):
        r = run("chek")
        self.assertEqual(r.rc, 3)
        self.assertIn("unknown command", r.err)

    def test_env_interpolation(self):
        fs = FakeStack("--component", "loki=loki")
        try:
            path = self.write("stacks:\n  - name: e\n    loki: \"${MY_LOKI:-http://127.0.0.1:1}\"\n")
            r = run("check", "--json", "-c", path, env={"MY_LOKI": fs.urls["loki"]})
            self.assertEqual(r.rc, 0, r.out)
            r = run("check", "--json", "-c", path)  # default: port 1, refused
            self.assertEqual(r.rc, 2)
            self.assertEqual(r.check("loki", "ready")["error"], "refused")
        finally:
            fs.close()

    def test_zero_config_from_env(self):
        fs = FakeStack()
        try:
            env = {"MIMIR_URL": fs.urls["mimir"], "LOKI_URL": fs.urls["loki"], "TEMPO_URL": fs.urls["tempo"],
                   "GRAFANA_URL": fs.urls["grafana"], "PROMETHEUS_URL": fs.urls["prometheus"]}
            r = run("check", "--json", env=dict(env, HOME="/nonexistent"))
            self.assertEqual(r.rc, 0, r.out + r.err)
            self.assertEqual(len(r.json()["stacks"][0]["components"]), 5)
        finally:
            fs.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
