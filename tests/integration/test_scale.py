"""The verdict holds under load: one sweep of ~1500 stacks (6000 requests) reports every answer
that came back as an answer, never as a timeout, and every refused port as refused.

A small threaded HTTP server of this test plays Loki (200 after a short pause on every path);
a third of the stacks point at loopback ports held bound by this test but never listening."""
import http.server
import os
import tempfile
import threading
import time
import unittest

from harness import refusing_port, run

GOOD_STACKS = 1000
REFUSED_STACKS = 500
REFUSED_PORTS = 50
DELAY_S = 0.05  # 4000 requests, 64 at a time: the sweep (~3 s) outlasts the 2 s timeout

BODIES = {
    "/ready": ("text/plain", b"ready\n"),
    "/loki/api/v1/status/buildinfo": (
        "application/json",
        b'{"version":"3.1.0","revision":"abc","branch":"HEAD","goVersion":"go1.22.5"}'),
    "/loki/api/v1/labels": ("application/json", b'{"status":"success","data":["job","level"]}'),
    "/metrics": ("text/plain; version=0.0.4",
                 b"# TYPE loki_build_info gauge\nloki_build_info{version=\"3.1.0\"} 1\n"),
}


class SlowLoki(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(DELAY_S)
        ctype, body = BODIES.get(self.path.split("?")[0], ("text/plain", b"ok\n"))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with self.server.lock:
            self.server.answered += 1

    def log_message(self, fmt, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024   # a full backlog would make the server itself late


def refused_ports(n):
    """n loopback ports that refuse connections, and the sockets that hold them.

    Held bound (never listening) for the whole test: a port freed after picking was once taken
    by another test's server run in parallel, whose answers made 20 checks "skipped"."""
    held = [refusing_port() for _ in range(n)]
    return [s for s, _ in held], [p for _, p in held]


class Scale(unittest.TestCase):
    def setUp(self):
        self.srv = Server(("127.0.0.1", 0), SlowLoki)
        self.srv.lock = threading.Lock()
        self.srv.answered = 0
        t = threading.Thread(target=self.srv.serve_forever, daemon=True)
        t.start()
        self.addCleanup(self.srv.server_close)
        self.addCleanup(self.srv.shutdown)
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-scale-")
        self.addCleanup(self.tmp.cleanup)

    def write_config(self):
        port = self.srv.server_address[1]
        socks, dead = refused_ports(REFUSED_PORTS)
        for s in socks:
            self.addCleanup(s.close)
        # A bounded number in flight: the rest wait in the engine's queue, whose timeouts must
        # start when each request is sent: the sweep outlasts the 2 s timeout (and this Python
        # server is not swamped by 4000
        # connections at once on a loaded machine, which would make real timeouts).
        lines = ["max_in_flight: 64", "stacks:"]
        for i in range(GOOD_STACKS):
            lines.append(f"  - name: good{i}\n    loki: http://127.0.0.1:{port}")
        for i in range(REFUSED_STACKS):
            lines.append(f"  - name: dead{i}\n    loki: http://127.0.0.1:{dead[i % len(dead)]}")
        path = os.path.join(self.tmp.name, "lgtmtop.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def test_answers_are_never_timeouts(self):
        cfg = self.write_config()
        r = run("check", "--json", "--sample", "0", "-t", "2s", "-c", cfg, timeout=120)
        self.assertNotIn("Sanitizer", r.err)
        doc = r.json()
        stacks = {st["name"]: st for st in doc["stacks"]}
        self.assertEqual(len(stacks), GOOD_STACKS + REFUSED_STACKS)
        bad_good, bad_dead, skipped, checks = [], [], [], 0
        for name, st in stacks.items():
            for comp in st["components"]:
                for k in comp["checks"]:
                    if k.get("skipped"):
                        skipped.append(f"{name}/{comp['name']}/{k['name']}: {k['message']}")
                        continue
                    checks += 1
                    if name.startswith("good"):
                        if k["error"] is not None or k["http_status"] != 200:
                            bad_good.append(f"{name}/{k['name']}: {k['error']} {k['message']}")
                    elif k["error"] != "refused":
                        bad_dead.append(f"{name}/{k['name']}: {k['error']} {k['message']}")
        self.assertGreaterEqual(checks, 4 * (GOOD_STACKS + REFUSED_STACKS),
                                f"{len(skipped)} checks skipped, e.g. {skipped[:5]}")
        self.assertEqual(bad_good, [], f"{len(bad_good)} answered checks not reported as answers, e.g. "
                                       f"{bad_good[:3]}")
        self.assertEqual(bad_dead, [], f"{len(bad_dead)} refused checks not reported as refused, e.g. "
                                       f"{bad_dead[:3]}")
        self.assertEqual(self.srv.answered, 4 * GOOD_STACKS)


if __name__ == "__main__":
    unittest.main()
