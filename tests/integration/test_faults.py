"""The fault matrix: every hostile-server fault against every component kind, one table.

Each row runs `lgtmtop check` (table and --json) against one faulty component and asserts what
the user sees: the exit code, a finish within the timeout plus a margin, a bounded peak RSS,
clean output bytes (valid UTF-8, no control characters, no escape-sequence remains) and a
message naming the fault."""
import http.server
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, FakeStack, with_sample  # noqa: E402

KINDS = ("mimir", "loki", "tempo", "grafana", "prometheus")
INGEST = ("mimir", "loki", "tempo")  # the kinds whose /metrics counters lgtmtop reads
TIMEOUT_S = 2.0  # the per-request timeout every row runs with
MARGIN_S = 8.0  # start-up, a sweep's several rounds of requests, a loaded machine
MAX_RSS_KB = 200 * 1024
SECRET = "s3cret-Pa55"  # the password of the credentials rows: never in any output

# Anything that would act on a terminal: C0 but newline/tab, DEL, C1, bidi controls.
BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What the fake servers' sequences carry (a window title, CSI parameters): never shown, except
# percent-encoded inside a URL (ENCODED words are left out of the search).
REMAINS = re.compile(r"PWNED|\[2J|\]0;|[?]31m|1;1H")
ENCODED = re.compile(r"\S*%[0-9A-Fa-f]{2}\S*")


def run_raw(*args, timeout=60, extra_env=None):
    """Runs the binary; returns (rc, stdout bytes, stderr bytes, seconds, peak RSS in KiB)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LGTMTOP_CONFIG", "MIMIR_URL", "LOKI_URL", "TEMPO_URL", "GRAFANA_URL",
                        "GRAFANA_TOKEN", "PROMETHEUS_URL", "NO_COLOR")}
    env.update(extra_env or {})
    t0 = time.monotonic()
    p = subprocess.Popen([BIN, *with_sample(args)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    bufs = {}

    def drain(name, f):
        bufs[name] = f.read()

    readers = [threading.Thread(target=drain, args=(n, f)) for n, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    _, status, ru = os.wait4(p.pid, 0)  # this child's own rusage: its peak RSS
    killer.cancel()
    for t in readers:
        t.join()
    p.stdout.close()
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, bufs["out"], bufs["err"], time.monotonic() - t0, ru.ru_maxrss


def clean_text(test, b, what):
    """b decodes as strict UTF-8 and carries nothing a terminal would act on."""
    try:
        s = b.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        test.fail(f"{what}: not valid UTF-8: {e}: {b[max(0, e.start - 40):e.end + 40]!r}")
    m = BAD_CHARS.search(s)
    test.assertIsNone(m, f"{what}: control character {m and m.group()!r} in {s[:2000]!r}")
    plain = ENCODED.sub("", s)
    m = REMAINS.search(plain)
    test.assertIsNone(m, f"{what}: remains of a stripped sequence {m and m.group()!r}: "
                         f"{plain[max(0, m.start() - 80):m.end() + 80] if m else ''!r}")
    return s


def json_strings(v, key=""):
    """Every (key, string) of a JSON document, keys included."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield ("<key>", k)
            yield from json_strings(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from json_strings(x, key)
    elif isinstance(v, str):
        yield (key, v)


TOO_BIG = r"response larger than 8 MiB \(max_body\)|reached the body budget \(body_budget, 32 MiB\)"
TIMEOUT = r"no answer within 2\.0s \(timeout\)"
ANY = {0, 1, 2}

# A DNS server that never answers is test_dns.py (it needs a private mount namespace).
# (name, fault, kinds, exit codes allowed, message pattern or None, extra args). A fault is a
# fakestack fault, or "url:NAME" for a server of the test's own (ServerRows) put in place of
# the component's URL.
ROWS = [
    ("refused", "refused", KINDS, {2}, r"connection refused: nothing listens on 127\.0\.0\.1:\d+", ()),
    ("DNS failure", "url:nxdomain", KINDS, {2},
     r"cannot resolve lgtmtop-nx\.invalid|name lookup of lgtmtop-nx\.invalid did not finish", ()),
    ("accept and hang", "hang", KINDS, {2}, TIMEOUT, ()),
    ("1 byte/s drip, headers", "drip_headers", KINDS, {2}, TIMEOUT, ()),
    ("1 byte/s drip, body", "drip_body", KINDS, {2}, TIMEOUT, ()),
    ("5xx with HTML", "html500", KINDS, {2}, r'HTTP 502: an HTML page "502 Bad Gateway"', ()),
    ("401", "unauthorized", KINDS, ANY, r"401 no org id|401 unauthorized|Grafana wants credentials", ()),
    ("403", "forbidden", KINDS, ANY, r"403 forbidden|Grafana wants credentials", ()),
    ("401, credentials in the URL", "creds:unauthorized", ("grafana", "prometheus"), {2},
     r"rejected the credentials in the URL|the credentials in the URL \(user:password@\) were rejected", ()),
    ("401 no org id, credentials in the URL", "creds:unauthorized", INGEST, {2}, r"401 no org id", ()),
    ("redirect loop", "redirect_loop", KINDS, {2}, r"too many redirects", ()),
    ("redirect to file://", "redirect_file", KINDS, {2}, r'redirected to a URL that is not http\(s\).*"file"', ()),
    ("redirect to ftp://", "redirect_scheme", KINDS, {2}, r'redirected to a URL that is not http\(s\).*"ftp"', ()),
    ("not HTTP", "not_http", KINDS, {2}, r"not an HTTP server at 127\.0\.0\.1:\d+", ()),
    ("truncated body", "truncated", KINDS, {2}, r"truncated response from 127\.0\.0\.1:\d+", ()),
    ("endless chunked body", "endless", KINDS, {2}, TOO_BIG, ()),
    ("endless body without Content-Length", "nolength", KINDS, {2}, TOO_BIG, ()),
    ("50 MiB body with Content-Length", "huge:50", KINDS, {2}, r"response larger than 8 MiB \(max_body\)", ()),
    ("100 KiB header line", "big_header", KINDS, {2}, r"a response header is larger than libcurl's limit", ()),
    ("escape sequences, invalid UTF-8", "hostile", KINDS, ANY, None, ()),
    ("control bytes, not JSON", "garbage", KINDS, {2}, r"answers HTML|invalid JSON", ()),
    ("100,000 levels of nesting", "deep_json", KINDS, {2}, r"nested deeper than 1000 levels", ()),
    ("NaN counters", "bad_counters:NaN", INGEST, {2}, r"invalid counter value NaN for \w+_total", ()),
    ("1e999 counters", "bad_counters:1e999", INGEST, {2}, r"invalid counter value \+Inf for \w+_total", ()),
    ("2^64 counters", "bad_counters:18446744073709551616", INGEST, ANY, None, ()),
    ("wrong Content-Type", "wrong_ctype", KINDS, {0}, None, ()),
    ("HTML login page instead of JSON", "login_page", KINDS, {2}, r"answers HTML|invalid JSON from .*Sign in", ()),
    # The handshake fails at once; a longer timeout keeps a loaded machine (a Python TLS server,
    # an ASan build) from turning it into a timeout, as seen once. It must still end quickly.
    ("self-signed TLS", "url:tls", KINDS, {2}, r"TLS error: SSL certificate problem: self.signed", ("-t", "10s")),
    ("IPv6-only listener", "url:ipv6", KINDS, ANY, r"^(?![\s\S]*connection refused)", ()),
]


class Canned(http.server.BaseHTTPRequestHandler):
    """The servers of the url: rows: 200 with a small JSON body to everything."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b'{"status":"success","data":{"resultType":"vector","result":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


class Server6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True


class TLSServer(http.server.ThreadingHTTPServer):
    """TLS with each handshake in its connection's thread: a handshake done in accept() would
    queue every other connection behind one slow client (seen as timeouts on a loaded machine)."""

    def __init__(self, addr, handler, ctx):
        super().__init__(addr, handler)
        self.ctx = ctx

    def finish_request(self, request, client_address):
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate: what the row wants
        try:
            super().finish_request(tls, client_address)
        finally:
            tls.close()


class ServerRows:
    """The url: rows' servers: a self-signed TLS one, one on [::1] only, a name that never resolves."""

    def __init__(self, tmp):
        self.servers = []
        self.urls = {"nxdomain": "http://lgtmtop-nx.invalid:9"}
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                            cert, "-days", "2", "-subj", "/CN=localhost"], capture_output=True)
        if p.returncode == 0:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            srv = TLSServer(("127.0.0.1", 0), Canned, ctx)
            self.start(srv)
            self.urls["tls"] = f"https://localhost:{srv.server_address[1]}"
        try:
            srv6 = Server6(("::1", 0), Canned)
            self.start(srv6)
            self.urls["ipv6"] = f"http://localhost:{srv6.server_address[1]}"
        except OSError:
            pass  # no IPv6 here: the row is skipped

    def start(self, srv):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        self.servers.append(srv)

    def close(self):
        for srv in self.servers:
            srv.shutdown()
            srv.server_close()


class FaultMatrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack()
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-matrix-")
        cls.servers = ServerRows(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.servers.close()
        cls.fs.close()
        cls.tmp.cleanup()

    def run_row(self, name, fault, kind, codes, pattern, extra):
        if fault.startswith("url:"):
            url = self.servers.urls.get(fault[4:])
            if not url:
                self.skipTest(f"{name}: not possible here (no openssl or no IPv6)")
            extra = (f"--{kind}", url, *extra)
        elif fault.startswith("creds:"):  # the component's own URL, with user:password@
            fault = fault[6:]
            extra = (f"--{kind}", self.fs.urls[kind].replace("://", f"://admin:{SECRET}@"), *extra)
            self.fs.fault(kind, fault)
        else:
            self.fs.fault(kind, fault)
        try:
            base = ("check", "-c", self.fs.config, "--only", kind, "-t", f"{TIMEOUT_S:g}s", *extra)
            both = {}  # table and JSON at once: a hanging row costs one timeout, not two
            th = threading.Thread(target=lambda: both.setdefault("json", run_raw(*base, "--json")))
            th.start()
            rc, out, err, secs, rss = run_raw(*base)
            th.join()
            rcj, outj, errj, secsj, rssj = both["json"]
        finally:
            if not fault.startswith("url:"):
                self.fs.fault(kind, "none")
        ctx = f"[{name} / {kind}]"
        for b in (out, err, outj, errj):
            self.assertNotIn(SECRET.encode(), b, f"{ctx} a secret in the output")
        table = clean_text(self, out, f"{ctx} table")
        clean_text(self, err, f"{ctx} stderr")
        doc_text = clean_text(self, outj, f"{ctx} json")
        clean_text(self, errj, f"{ctx} json stderr")
        self.assertIn(rc, codes, f"{ctx} exit {rc}: {table}")
        self.assertEqual(rc, rcj, f"{ctx} table and JSON agree on the exit code")
        for s in (secs, secsj):
            self.assertLess(s, TIMEOUT_S * 3 + MARGIN_S, f"{ctx} took {s:.1f}s")
        self.assertLess(max(rss, rssj), MAX_RSS_KB, f"{ctx} peak RSS {max(rss, rssj)} KiB")
        doc = json.loads(doc_text)
        for key, s in json_strings(doc):
            self.assertIsNone(BAD_CHARS.search(s), f"{ctx} JSON {key}: {s!r}")
        if pattern:
            self.assertRegex(table, pattern, f"{ctx} the table names the fault")
            msgs = " | ".join(k["message"] for st in doc["stacks"] for c in st["components"]
                              for k in c["checks"])
            self.assertRegex(msgs, pattern, f"{ctx} the JSON names the fault")

    def test_matrix(self):
        for name, fault, kinds, codes, pattern, extra in ROWS:
            for kind in kinds:
                with self.subTest(row=name, kind=kind):
                    self.run_row(name, fault, kind, codes, pattern, extra)


class BodyBudget(unittest.TestCase):
    """Endless bodies from every component at once: memory stays within the process-wide body
    budget, not max_body per transfer, and the checks it stopped say so."""

    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack(*[a for k in KINDS for a in ("--fault", f"{k}=endless")])

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def config(self, extra):
        with open(self.fs.config) as f:
            return self.fs.write_config(extra + f.read())

    def test_budget_bounds_memory_and_names_itself(self):
        for k in KINDS:
            self.fs.fault(k, "none")
        # The sanitizer build keeps freed blocks in its quarantine (256 MiB by default), so every
        # buffer the budget stopped and freed would stay resident and the peak would measure the
        # sanitizer, not the live bodies (19-53 MiB run to run). Without it: the live memory.
        env = {"ASAN_OPTIONS": ":".join(filter(None, (os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=0")))}
        _, _, _, _, base = run_raw("check", "-c", self.fs.config, "-t", "3s", extra_env=env)
        for k in KINDS:
            self.fs.fault(k, "endless")
        # max_body 16 MiB: without the budget five endless bodies would take 80 MiB and more
        cfg = self.config("max_body: 16MiB\nbody_budget: 4MiB\n")
        rc, out, err, secs, rss = run_raw("check", "-c", cfg, "-t", "3s", extra_env=env)
        table = clean_text(self, out, "table")
        self.assertEqual(rc, 2, table)
        for k in KINDS:
            self.assertRegex(table, rf"{k}\s.*reached the body budget \(body_budget, 4 MiB\)", table)
        self.assertLess(rss - base, 16 * 1024, f"peak RSS {rss} KiB, {base} KiB without the fault")
        self.assertLess(secs, 3 * 3 + MARGIN_S)


class HostileFiles(unittest.TestCase):
    """Config and provisioning files fail fast: no input keeps libyaml busy for minutes."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-files-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, name, data):
        path = os.path.join(self.tmp.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_nested_config_fails_at_once(self):
        deep = self.write("deep.yaml", b"mimir: http://127.0.0.1:1\nextra: " + b"[" * (200 * 1024) + b"\n")
        for args in (("check", "-c", deep), ("config", "check", "-c", deep)):
            rc, out, err, secs, _ = run_raw(*args, timeout=60)
            text = clean_text(self, err, "stderr")
            self.assertEqual(rc, 3, text)
            self.assertIn("deep.yaml:2: YAML nested deeper than 64 levels", text)
            self.assertLess(secs, MARGIN_S, "refused at once, not after libyaml's minute")

    def test_nested_datasources_fail_at_once(self):
        deep = self.write("ds.yaml", b"apiVersion: 1\ndatasources:\n" + b"- " * (100 * 1024) + b"\n")
        dash = self.write("d.json", b'{"panels": []}')
        rc, out, err, secs, _ = run_raw("dashboards", "lint", "--datasources", deep, dash, timeout=60)
        text = clean_text(self, err + out, "output")
        self.assertEqual(rc, 3, text)
        self.assertIn("ds.yaml:3: YAML nested deeper than 64 levels", text)
        self.assertLess(secs, MARGIN_S)

    def test_hex_timeout_rejected(self):
        cfg = self.write("hex.yaml", b"timeout: 0x10s\nmimir: http://127.0.0.1:1\n")
        rc, out, err, secs, _ = run_raw("check", "-c", cfg)
        text = clean_text(self, err, "stderr")
        self.assertEqual(rc, 3, text)
        self.assertIn("hex.yaml:1: timeout:", text)
        rc, out, err, secs, _ = run_raw("check", "--mimir", "http://127.0.0.1:1", "-t", "0x10s")
        self.assertEqual(rc, 3, err)
        self.assertIn("0x10s", clean_text(self, err, "stderr"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
