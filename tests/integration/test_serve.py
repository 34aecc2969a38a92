"""lgtmtop serve against the fake stack: the endpoints, the exposition under promtool, a real
Prometheus scraping it, scrapes while a component hangs, SIGTERM and SIGHUP."""
import base64
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import PROMETHEUS, FakeStack, Serve, get_json, run, wait_for  # noqa: E402

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
OPENSSL = shutil.which("openssl")
# crypt("secret"), bcrypt cost 10, as `htpasswd -nbBC 10 alice secret` writes it
SECRET_HASH = "$2y$10$svU3d6wpOX.tPZ0E1UJLuuAGp8sOpeui0JINou/zG85uAE22SBNqG"


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def series(text, name):
    """{labels-string: value} of the samples of one metric name."""
    out = {}
    for line in text.splitlines():
        m = re.match(r"^%s(\{[^}]*\})? (\S+)$" % re.escape(name), line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


def value(text, name, **labels):
    """The value of the one sample of name whose labels include these, else None."""
    for lab, v in series(text, name).items():
        if all('%s="%s"' % (k, val) in lab for k, val in labels.items()):
            return v
    return None


class ServeHealthy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack()
        cls.srv = Serve("-c", cls.fs.config, "-i", "1s")
        wait_for(lambda: cls.srv.get("/-/ready")[0] == 200, timeout=30, what="the first sweep")
        # two sweeps: the counters have rates
        wait_for(lambda: value(cls.srv.get("/metrics")[2], "lgtmtop_sweeps_total") >= 2, timeout=30,
                 what="a second sweep")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        cls.fs.close()

    def test_metrics_pass_promtool(self):
        code, headers, text = self.srv.get("/metrics")
        self.assertEqual(code, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"), headers["Content-Type"])
        if os.path.exists(PROMTOOL) or os.environ.get("CI"):
            p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))
        for name in ("lgtmtop_build_info", "lgtmtop_sweeps_total", "lgtmtop_check_status",
                     "lgtmtop_component_up", "lgtmtop_sweep_duration_seconds"):
            self.assertIn("# HELP %s " % name, text)
            self.assertIn("# TYPE %s " % name, text)

    def test_metrics_say_what_the_stack_is(self):
        text = self.srv.get("/metrics")[2]
        self.assertEqual(value(text, "lgtmtop_ready"), 1)
        for comp in ("mimir", "loki", "tempo", "grafana", "prometheus"):
            self.assertEqual(value(text, "lgtmtop_component_up", stack="demo", component=comp), 1, comp)
            self.assertEqual(value(text, "lgtmtop_component_status", component=comp, status="ok"), 1, comp)
        self.assertEqual(value(text, "lgtmtop_check_status", component="tempo", check="ready", status="ok"), 1)
        self.assertEqual(value(text, "lgtmtop_check_status", component="tempo", check="ready", status="fail"), 0)
        self.assertGreater(value(text, "lgtmtop_component_spans_received_per_second", component="tempo"), 0)
        self.assertGreater(value(text, "lgtmtop_check_duration_seconds", component="loki", check="ready"), 0)
        self.assertEqual(value(text, "lgtmtop_check_http_status_code", component="loki", check="ready"), 200)
        self.assertIsNotNone(value(text, "lgtmtop_check_phase_duration_seconds", component="loki", check="ready",
                                   phase="first_byte"))
        self.assertRegex(text, r'lgtmtop_component_info\{stack="demo",component="tempo",url="http://127\.0\.0\.1:'
                               r'\d+",version="2\.10\.4"\} 1')

    def test_probes_and_errors(self):
        code, _, body = self.srv.get("/-/healthy")
        self.assertEqual((code, body), (200, "lgtmtop is Healthy.\n"))
        self.assertEqual(self.srv.get("/-/ready")[:3:2], (200, "lgtmtop is Ready.\n"))
        code, _, body = self.srv.get("/nope")
        self.assertEqual(code, 404)
        self.assertIn("/metrics", body)
        code, headers, _ = self.srv.get("/metrics", method="POST")
        self.assertEqual((code, headers["Allow"]), (405, "GET, HEAD"))
        self.assertEqual(self.srv.get("/metrics", method="HEAD")[0], 200)

    def test_request_size_is_bounded(self):
        with socket.create_connection(("127.0.0.1", self.srv.port), timeout=5) as c:
            c.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
            head = c.recv(200)
        self.assertTrue(head.startswith(b"HTTP/1.1 431 "), head)
        self.assertEqual(self.srv.get("/-/healthy")[0], 200)  # and it goes on serving

    def test_one_client_cannot_take_every_connection(self):
        socks = [socket.create_connection(("127.0.0.1", self.srv.port), timeout=5) for _ in range(40)]
        try:
            def closed():
                n = 0
                for c in socks:
                    c.setblocking(False)
                    try:
                        n += c.recv(1) == b""
                    except BlockingIOError:
                        pass
                    except ConnectionResetError:
                        n += 1
                return n
            self.assertEqual(wait_for(lambda: closed() >= 8 and closed(), timeout=5, what="the extra ones closed"), 8)
            with socket.socket() as other:  # another address still gets an answer
                other.bind(("127.0.0.2", 0))
                other.settimeout(5)
                other.connect(("127.0.0.1", self.srv.port))
                other.sendall(b"GET /-/healthy HTTP/1.0\r\n\r\n")
                self.assertTrue(other.recv(100).startswith(b"HTTP/1.1 200 "))
        finally:
            for c in socks:
                c.close()
            # The server sees the closes on its next loop turn; until then this address is
            # still at its connection limit, and the next test on this server would be refused.
            wait_for(lambda: self.srv.get("/-/healthy")[0] == 200, timeout=5, what="the held connections released")

    def test_status_is_the_check_document(self):
        code, headers, body = self.srv.get("/api/v1/status")
        self.assertEqual(code, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        doc = json.loads(body)
        ref = run("check", "--json", "-c", self.fs.config).json()
        self.assertEqual(doc["schema"], ref["schema"])
        self.assertEqual(sorted(doc), sorted(ref))  # same keys at the top

        def rows(d):
            return [(st["name"], c["name"], c["status"], k["name"], k["status"])
                    for st in d["stacks"] for c in st["components"] for k in c["checks"]]
        self.assertEqual(rows(doc), rows(ref))
        self.assertEqual(doc["status"], "OK")
        self.assertEqual([f["id"] for f in doc["findings"]], [f["id"] for f in ref["findings"]])
        self.assertGreaterEqual(doc["sweeps"], 2)
        # a second sweep read the counters twice: the rates are known
        tempo = [c for c in doc["stacks"][0]["components"] if c["name"] == "tempo"][0]
        self.assertGreater(tempo["rates"]["spans_per_second"], 0)


class ServeFaults(unittest.TestCase):
    def test_scrapes_do_not_wait_for_a_hanging_component(self):
        fs = FakeStack("--fault", "tempo=hang")
        srv = Serve("-c", fs.config, "-i", "1s", "-t", "3s")
        try:
            # the first sweep waits for Tempo's timeout: not ready, but every scrape answers at once
            code, _, body = srv.get("/-/ready")
            self.assertEqual(code, 503, body)
            self.assertIn("first sweep", body)
            worst = 0
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                t0 = time.monotonic()
                code, _, text = srv.get("/metrics", timeout=2)
                worst = max(worst, time.monotonic() - t0)
                self.assertEqual(code, 200)
                self.assertIn("lgtmtop_ready 0", text)
            self.assertLess(worst, 0.5, "a scrape waited %.2fs" % worst)
            wait_for(lambda: srv.get("/-/ready")[0] == 200, timeout=20, what="the first sweep to end")
            text = srv.get("/metrics")[2]
            self.assertEqual(value(text, "lgtmtop_component_status", component="tempo", status="fail"), 1)
            self.assertEqual(value(text, "lgtmtop_component_up", component="loki"), 1)
            self.assertEqual(value(text, "lgtmtop_finding", component="tempo", severity="fail"), 1, text)
            # the following sweeps wait for the hang again; scrapes still do not
            t0 = time.monotonic()
            for _ in range(20):
                self.assertEqual(srv.get("/metrics", timeout=2)[0], 200)
            self.assertLess(time.monotonic() - t0, 2.0)
            self.assertEqual(srv.stop(), 0)
        finally:
            srv.close()
            fs.close()

    def test_status_changes_are_kept(self):
        fs = FakeStack()
        srv = Serve("-c", fs.config, "-i", "1s")
        try:
            wait_for(lambda: srv.get("/-/ready")[0] == 200, timeout=30, what="the first sweep")
            self.assertEqual(json.loads(srv.get("/api/v1/status")[2])["changes"], [])
            fs.fault("loki", "notready:Ingester not ready: <waiting>")

            def loki_change():
                doc = json.loads(srv.get("/api/v1/status")[2])
                return [c for c in doc["changes"] if (c["component"], c["check"]) == ("loki", "ready")]
            got = wait_for(loki_change, timeout=20, what="loki's change in /api/v1/status")[0]
            self.assertEqual((got["stack"], got["from"], got["to"]), ("demo", "OK", "FAIL"))
            self.assertIn("Ingester not ready: <waiting>", got["message"])
            self.assertRegex(got["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
            fs.fault("loki", "none")
            back = wait_for(lambda: [c for c in loki_change() if c["to"] == "OK"], timeout=20, what="loki back")[0]
            self.assertEqual(back["from"], "FAIL")
            page = srv.get("/")[2]
            self.assertIn('data-component="loki" data-check="ready" data-from="FAIL" data-to="OK"', page)
            log = wait_for(lambda: "demo/loki ready: FAIL -> OK: ready" in srv.stderr() and srv.stderr(),
                           timeout=10, what="the changes on stderr")
            self.assertIn("lgtmtop: demo/loki ready: OK -> FAIL: not ready (503): Ingester not ready: <waiting>", log)
            self.assertLess(log.index("OK -> FAIL"), log.index("FAIL -> OK"))
            self.assertIn("Ingester not ready: &lt;waiting&gt;", page)
            self.assertEqual(value(srv.get("/metrics")[2], "lgtmtop_check_status_changes_total", component="loki",
                                   check="ready"), 2)
        finally:
            srv.close()
            fs.close()

    def test_no_credentials_in_any_output(self):
        fs = FakeStack()
        try:
            cfg = fs.write_config(
                "stacks:\n  - name: secretive\n"
                "    loki:\n      url: \"%s\"\n" % fs.urls["loki"].replace("http://", "http://alice:hunter2@")
                + "    grafana:\n      url: \"%s\"\n      token: glsa_topsecret\n" % fs.urls["grafana"])
            srv = Serve("-c", cfg, "-i", "1s")
            try:
                wait_for(lambda: srv.get("/-/ready")[0] == 200, timeout=30, what="the first sweep")
                text = srv.get("/metrics")[2] + srv.get("/api/v1/status")[2] + srv.stderr()
                self.assertIn('component="loki"', text)
                self.assertIn("***@", text)
                for secret in ("hunter2", "alice", "glsa_topsecret"):
                    self.assertNotIn(secret, text)
            finally:
                srv.close()
        finally:
            fs.close()

    def test_sigterm_stops_cleanly(self):
        fs = FakeStack("--fault", "tempo=hang")
        srv = Serve("-c", fs.config, "-i", "1s", "-t", "10s")
        try:
            t0 = time.monotonic()
            srv.proc.send_signal(signal.SIGTERM)
            srv.proc.wait(timeout=5)
            self.assertLess(time.monotonic() - t0, 2.0)  # a request in flight does not hold it
            self.assertEqual(srv.proc.returncode, 0)
            self.assertIn("stopping (SIGTERM)", srv.stderr())
            self.assertEqual(srv.get("/-/healthy")[0], 0)  # nothing listens any more
        finally:
            srv.close()
            fs.close()

    def test_sighup_reloads_and_keeps_a_good_config(self):
        fs = FakeStack()
        try:
            path = fs.write_config("stacks:\n  - name: one\n    loki: \"%s\"\n" % fs.urls["loki"])
            srv = Serve("-c", path, "-i", "1s")
            try:
                wait_for(lambda: srv.get("/-/ready")[0] == 200, timeout=30, what="the first sweep")
                text = srv.get("/metrics")[2]
                self.assertEqual(value(text, "lgtmtop_component_up", stack="one", component="loki"), 1)
                # a change before the reload survives it (same stack, component and check)
                fs.fault("loki", "refused")
                wait_for(lambda: json.loads(srv.get("/api/v1/status")[2])["changes"], timeout=20,
                         what="loki's change")
                fs.fault("loki", "none")
                with open(path, "w") as f:
                    f.write("stacks:\n  - name: one\n    loki: \"%s\"\n  - name: two\n    tempo: \"%s\"\n"
                            % (fs.urls["loki"], fs.urls["tempo"]))
                srv.proc.send_signal(signal.SIGHUP)
                doc = wait_for(lambda: (lambda d: len(d["stacks"]) == 2 and d)(json.loads(srv.get("/api/v1/status")[2])),
                               timeout=20, what="two stacks after the reload")
                self.assertIn(("one", "loki", "ready", "OK", "FAIL"),
                              [(c["stack"], c["component"], c["check"], c["from"], c["to"]) for c in doc["changes"]])
                # a good new config: another stack replaces the first after a sweep
                with open(path, "w") as f:
                    f.write("stacks:\n  - name: two\n    tempo: \"%s\"\n" % fs.urls["tempo"])
                srv.proc.send_signal(signal.SIGHUP)
                text = wait_for(lambda: (lambda t: 'stack="two"' in t and 'stack="one"' not in t and t)(
                    srv.get("/metrics")[2]), timeout=20, what="the reloaded stack alone in /metrics")
                self.assertEqual(value(text, "lgtmtop_component_up", stack="two", component="tempo"), 1)
                self.assertNotIn('stack="one"', text)
                self.assertEqual(value(text, "lgtmtop_config_last_reload_successful"), 1)
                self.assertIn("config reloaded", srv.stderr())
                # a broken one: reported, and the running config stays
                with open(path, "w") as f:
                    f.write("stacks:\n  - name: [broken\n")
                srv.proc.send_signal(signal.SIGHUP)
                text = wait_for(lambda: (lambda t: "lgtmtop_config_last_reload_successful 0" in t and t)(
                    srv.get("/metrics")[2]), timeout=20, what="the failed reload in /metrics")
                self.assertIn("reload failed, keeping the running config", srv.stderr())
                self.assertIn(path, srv.stderr())
                time.sleep(0)  # no wait: the next sweeps still run the good config
                wait_for(lambda: value(srv.get("/metrics")[2], "lgtmtop_sweeps_total") >=
                         value(text, "lgtmtop_sweeps_total") + 1, timeout=20, what="a sweep after the bad reload")
                text = srv.get("/metrics")[2]
                self.assertEqual(value(text, "lgtmtop_component_up", stack="two", component="tempo"), 1)
                self.assertEqual(srv.stop(), 0)
            finally:
                srv.close()
        finally:
            fs.close()

    def test_listen_errors(self):
        busy = Serve("--only", "loki", "--loki", "http://127.0.0.1:9")
        try:
            r = run("serve", "--listen", "127.0.0.1:%d" % busy.port, "--only", "loki", "--loki",
                    "http://127.0.0.1:9", timeout=20)
            self.assertEqual(r.rc, 3)
            self.assertIn("cannot listen on 127.0.0.1:%d: Address already in use" % busy.port, r.err)
        finally:
            busy.close()
        r = run("serve", "--listen", "9689")
        self.assertEqual(r.rc, 3)
        self.assertIn("--listen: bad address '9689'", r.err)


class ServeWebConfig(unittest.TestCase):
    def test_basic_auth(self):
        fs = FakeStack()
        try:
            web = fs.write_config("basic_auth_users:\n  alice: '%s'\n" % SECRET_HASH)
            srv = Serve("-c", fs.config, "-i", "1s", "--web.config.file", web)
            try:
                for path in ("/metrics", "/", "/api/v1/status", "/-/healthy", "/-/ready", "/nope"):
                    code, headers, body = srv.get(path)
                    self.assertEqual(code, 401, path)
                    self.assertIn('Basic realm="lgtmtop"', headers["WWW-Authenticate"])
                    self.assertNotIn("lgtmtop_", body)
                self.assertEqual(srv.get("/metrics", headers=basic("alice", "wrong"))[0], 401)
                self.assertEqual(srv.get("/metrics", headers=basic("bob", "secret"))[0], 401)
                code, _, text = srv.get("/metrics", headers=basic("alice", "secret"))
                self.assertEqual(code, 200)
                self.assertIn("lgtmtop_build_info", text)
                # the second time costs no bcrypt round: far below its ~50 ms
                t0 = time.monotonic()
                for _ in range(20):
                    self.assertEqual(srv.get("/-/healthy", headers=basic("alice", "secret"))[0], 200)
                self.assertLess(time.monotonic() - t0, 0.5)
                self.assertIn("basic auth", srv.stderr())
            finally:
                srv.close()
        finally:
            fs.close()

    def test_bad_web_config_is_a_start_error(self):
        fs = FakeStack()
        try:
            web = fs.write_config("basic_auth_users:\n  alice: secret\n")
            r = run("serve", "-c", fs.config, "--listen", "127.0.0.1:0", "--web.config.file", web, timeout=20)
            self.assertEqual(r.rc, 3)
            self.assertIn("basic_auth_users.alice: expected a bcrypt hash", r.err)
            r = run("serve", "-c", fs.config, "--listen", "127.0.0.1:0", "--web.config.file", web + ".nope",
                    timeout=20)
            self.assertEqual(r.rc, 3)
            self.assertIn("cannot read --web.config.file", r.err)
        finally:
            fs.close()

    @unittest.skipUnless(OPENSSL, "openssl not installed")
    def test_tls(self):
        fs = FakeStack()
        try:
            d = fs.tmp.name
            subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/key.pem",
                            "-out", d + "/cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                            "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True, timeout=60)
            web = fs.write_config("tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n")
            ctx = ssl.create_default_context(cafile=d + "/cert.pem")
            srv = Serve("-c", fs.config, "-i", "1s", "--web.config.file", web, scheme="https", context=ctx)
            try:
                code, _, body = srv.get("/-/healthy", context=ctx)
                self.assertEqual((code, body), (200, "lgtmtop is Healthy.\n"))
                self.assertIn("serving https://127.0.0.1:", srv.stderr())
                plain = urllib.request.Request(srv.url.replace("https:", "http:") + "/-/healthy")
                with self.assertRaises(OSError):
                    urllib.request.urlopen(plain, timeout=3).read()
            finally:
                srv.close()
        finally:
            fs.close()


@unittest.skipUnless(os.path.exists(PROMETHEUS) or os.environ.get("CI"),
                     "prometheus not installed (scripts/setup.sh --test installs it)")
class ServeScrapedByPrometheus(unittest.TestCase):
    def test_real_prometheus_scrapes_serve(self):
        fs = FakeStack()
        srv = Serve("-c", fs.config, "-i", "1s")
        prom = None
        with open(os.path.join(harness.ROOT, "examples", "prometheus", "lgtmtop-rules.yml")) as f:
            rules = f.read()
        try:
            prom = harness.RealPrometheus(rules=rules, jobs=(
                "- job_name: lgtmtop\n  scrape_interval: 1s\n"
                "  static_configs: [{targets: ['127.0.0.1:%d']}]\n" % srv.port))

            def up(component):
                q = get_json(prom.url + "/api/v1/query?query=lgtmtop_component_up%7Bcomponent%3D%22"
                             + component + "%22%7D")
                res = q and q["data"]["result"]
                return res and res[0]
            got = wait_for(lambda: up("tempo"), timeout=60, interval=0.5, what="lgtmtop's series in Prometheus")
            self.assertEqual(got["metric"]["stack"], "demo")
            self.assertEqual(got["metric"]["job"], "lgtmtop")
            self.assertEqual(got["value"][1], "1")
            t = get_json(prom.url + "/api/v1/targets")
            target = [x for x in t["data"]["activeTargets"] if x["labels"]["job"] == "lgtmtop"][0]
            self.assertEqual((target["health"], target["lastError"]), ("up", ""))
            # the example rules evaluate cleanly on lgtmtop's series; on a healthy stack none fires
            groups = wait_for(lambda: (lambda r: r and all(x.get("lastEvaluation", "").startswith("2")
                                                           and x["health"] == "ok"
                                                           for g in r["data"]["groups"] for x in g["rules"])
                                       and r["data"]["groups"])(get_json(prom.url + "/api/v1/rules")),
                              timeout=30, interval=0.5, what="the example rules evaluated")
            firing = [x["name"] for g in groups for x in g["rules"] if x["state"] != "inactive"]
            self.assertEqual(firing, [])
            # the example dashboard's queries answer with data
            with open(os.path.join(harness.ROOT, "examples", "grafana", "lgtmtop-dashboard.json")) as f:
                dash = json.load(f)
            for p in dash["panels"]:
                for tg in p["targets"]:
                    expr = tg["expr"].replace("$__rate_interval", "1m").replace("$stack", ".*")
                    q = get_json(prom.url + "/api/v1/query?query=" + urllib.parse.quote(expr))
                    self.assertEqual(q and q["status"], "success", expr)
                    if p["title"] not in ("Findings", "Failing checks", "Sweeps"):  # healthy: none
                        wait_for(lambda: get_json(prom.url + "/api/v1/query?query=" + urllib.parse.quote(expr))
                                 ["data"]["result"], timeout=20, interval=0.5, what="data for " + expr)
            # a component fails and recovers: Prometheus sees both
            fs.fault("loki", "refused")
            wait_for(lambda: up("loki") and up("loki")["value"][1] == "0", timeout=30, interval=0.5,
                     what="loki down in Prometheus")
            q = get_json(prom.url + "/api/v1/query?query=" + urllib.parse.quote(
                'lgtmtop_finding{component="loki",id="down_refused"}'))
            self.assertEqual([r["value"][1] for r in q["data"]["result"]], ["1"])
            fs.fault("loki", "none")
            wait_for(lambda: up("loki") and up("loki")["value"][1] == "1", timeout=30, interval=0.5,
                     what="loki back in Prometheus")
        finally:
            if prom:
                prom.close()
            srv.close()
            fs.close()

    def test_real_prometheus_scrapes_with_basic_auth(self):
        fs = FakeStack()
        web = fs.write_config("basic_auth_users:\n  prometheus: '%s'\n" % SECRET_HASH)
        srv = Serve("-c", fs.config, "-i", "1s", "--web.config.file", web)
        prom = None
        try:
            prom = harness.RealPrometheus(jobs=(
                "- job_name: lgtmtop\n  scrape_interval: 1s\n"
                "  basic_auth: {username: prometheus, password: secret}\n"
                "  static_configs: [{targets: ['127.0.0.1:%d']}]\n"
                "- job_name: nocreds\n  scrape_interval: 1s\n"
                "  static_configs: [{targets: ['127.0.0.1:%d']}]\n" % (srv.port, srv.port)))
            t = get_json(prom.url + "/api/v1/targets")
            health = {x["labels"]["job"]: (x["health"], x["lastError"]) for x in t["data"]["activeTargets"]}
            self.assertEqual(health["lgtmtop"], ("up", ""))
            self.assertEqual(health["nocreds"][0], "down")
            self.assertIn("401", health["nocreds"][1])
            q = wait_for(lambda: (lambda r: r and r["data"]["result"])(
                get_json(prom.url + "/api/v1/query?query=lgtmtop_ready")), timeout=30, interval=0.5,
                what="lgtmtop_ready in Prometheus")
            self.assertEqual([(r["metric"]["job"], r["value"][1]) for r in q], [("lgtmtop", "1")])
        finally:
            if prom:
                prom.close()
            srv.close()
            fs.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
