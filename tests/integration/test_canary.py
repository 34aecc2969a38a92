"""Canaries (--canary / canary: true) against the fake stack: a span, a log line and a sample
are written, read back and timed; refused writes and data that never becomes readable fail
naming the step; without the flag no canary runs and nothing is written."""
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeStack, run  # noqa: E402

KINDS = ("tempo", "loki", "mimir")
WRITES = {"tempo": "/v1/traces", "loki": "/loki/api/v1/push", "mimir": "/otlp/v1/metrics"}
FAST = ("--sample", "0")  # no second /metrics scrape: these tests are about canaries


def config_with(fs, name, head):
    """fs's generated config with extra top-level lines in front; returns the path."""
    with open(fs.config) as f:
        text = f.read()
    path = os.path.join(fs.tmp.name, name)
    with open(path, "w") as f:
        f.write(head + text)
    return path


def clear_requests(fs):
    urllib.request.urlopen(urllib.request.Request(fs.control + "/requests", method="DELETE"), timeout=5).close()


def canary_posts(fs, kind):
    """The canary writes a component got (other checks POST empty OTLP exports: ~20 bytes)."""
    return [q for q in fs.requests(kind)
            if q["method"] == "POST" and q["path"] == WRITES[kind] and q["body_bytes"] > 100]


def canaries(r):
    """{component: canary check JSON} over every stack."""
    out = {}
    for st in r.json()["stacks"]:
        for c in st["components"]:
            for k in c["checks"]:
                if k["name"] == "canary":
                    out[c["name"]] = k
    return out


class CanaryHealthy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # loki needs a tenant: the canary must send the component's X-Scope-OrgID
        cls.fs = FakeStack("--require-tenant", "loki=team-a")
        cls.cfg = config_with(cls.fs, "short.yaml", "canary_timeout: 3s\n")

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def setUp(self):
        for k in KINDS:
            self.fs.fault(k, "none")

    def test_absent_without_flag(self):
        clear_requests(self.fs)
        r = run("check", "--json", *FAST, "--only", "tempo,loki,mimir", "-c", self.cfg)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(canaries(r), {}, "no canary check without --canary, not even as SKIP")
        t = run("check", *FAST, "-c", self.cfg)
        self.assertNotIn("canary", t.out)
        for k in KINDS:
            self.assertEqual(canary_posts(self.fs, k), [], f"{k}: something was written without --canary")

    def test_round_trip_ok(self):
        clear_requests(self.fs)
        r = run("check", "--json", "--canary", *FAST, "--only", "tempo,loki,mimir", "-c", self.cfg)
        self.assertEqual(r.rc, 0, r.out + r.err)
        got = canaries(r)
        self.assertEqual(sorted(got), sorted(KINDS))
        for k, c in got.items():
            self.assertEqual(c["status"], "OK", f"{k}: {c['message']}")
            self.assertRegex(c["message"], r"^written and read back in \d", k)
            d = c["data"]
            self.assertEqual(d["step"], "done")
            self.assertRegex(d["id"], r"^[0-9a-f]{32}$")
            self.assertEqual(d["write_status"], 204 if k == "loki" else 200)
            # the fake makes written data readable after 0.3 s: the latency is measured, not made up
            self.assertGreaterEqual(c["values"]["canary_ms"], 300, k)
            self.assertGreaterEqual(d["attempts"], 2, k)
            self.assertLess(c["values"]["canary_ms"], 3000, k)
            self.assertIn("lgtmtop-canary", c["detail"])
        ids = {k: c["data"]["id"] for k, c in got.items()}
        self.assertEqual(len(set(ids.values())), 3, "each canary has its own id")
        # what went over the wire
        for k in KINDS:
            posts = canary_posts(self.fs, k)
            self.assertEqual(len(posts), 1, k)
            self.assertEqual(posts[0]["headers"]["content-type"], "application/json", k)
            self.assertEqual(posts[0]["status"], 204 if k == "loki" else 200, k)
        loki = self.fs.requests("loki")
        self.assertTrue(all(q["headers"].get("x-scope-orgid") == "team-a" for q in loki
                            if q["path"].startswith("/loki/api/")), "tenant header on push and query")
        reads = [q for q in loki if q["path"] == "/loki/api/v1/query_range"]
        self.assertTrue(reads and ids["loki"] in urllib.request.unquote(reads[-1]["query"]))
        tempo_reads = [q for q in self.fs.requests("tempo") if q["path"].startswith("/api/v2/traces/")]
        self.assertEqual(tempo_reads[-1]["path"], "/api/v2/traces/" + ids["tempo"])

    def test_table_row(self):
        r = run("check", "--canary", *FAST, "--only", "loki", "-c", self.cfg)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertRegex(r.row("loki", "canary"), r"OK .*written and read back in")

    def test_config_enables(self):
        path = config_with(self.fs, "on.yaml", "canary: true\ncanary_timeout: 3s\n")
        r = run("check", "--json", *FAST, "--only", "mimir", "-c", path)
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(canaries(r)["mimir"]["status"], "OK")
        # a stack's own canary: false wins over the top level
        with open(path) as f:
            text = f.read().replace("  - name: demo\n", "  - name: demo\n    canary: false\n")
        off = os.path.join(self.fs.tmp.name, "off.yaml")
        with open(off, "w") as f:
            f.write(text)
        r = run("check", "--json", *FAST, "--only", "mimir", "-c", off)
        self.assertEqual(canaries(r), {})
        r = run("check", "--json", "--canary", *FAST, "--only", "mimir", "-c", off)
        self.assertIn("mimir", canaries(r), "--canary turns it on everywhere")

    def test_never_readable_fails_in_time(self):
        self.fs.fault("loki", "canary_never_readable")
        self.fs.fault("tempo", "canary_never_readable")
        r = run("check", "--json", "--canary", *FAST, "--only", "loki,tempo", "-c", self.cfg)
        self.assertEqual(r.rc, 2, r.out + r.err)
        for k in ("loki", "tempo"):
            c = canaries(r)[k]
            self.assertEqual(c["status"], "FAIL")
            self.assertRegex(c["message"], r"^written \((204|200)\) but not readable after 3\.0s \(\d+ reads\) — check ")
            self.assertEqual(c["data"]["step"], "timeout")
            self.assertGreaterEqual(c["data"]["read_ms"], 3000)
            self.assertLess(c["data"]["read_ms"], 6000, "gives up at canary_timeout")
            self.assertGreaterEqual(c["data"]["attempts"], 3, "polled, not asked once")
            self.assertIn("last read:", c["detail"])
        self.assertLess(r.seconds, 20)

    def test_write_refused(self):
        for k in KINDS:
            self.fs.fault(k, "canary_write_refused")
        clear_requests(self.fs)
        r = run("check", "--json", "--canary", *FAST, "--only", "tempo,loki,mimir", "-c", self.cfg)
        self.assertEqual(r.rc, 2, r.out + r.err)
        got = canaries(r)
        self.assertRegex(got["mimir"]["message"], r"^write refused: HTTP 415: unsupported content type")
        self.assertRegex(got["loki"]["message"], r"^write refused: HTTP 400")
        self.assertRegex(got["tempo"]["message"], r"^write refused: HTTP 400")
        for k, c in got.items():
            self.assertEqual(c["data"]["step"], "write", k)
            self.assertIsNone(c["data"]["read_ms"], k)
            self.assertEqual(c["data"]["attempts"], 0, k)
        reads = [q for q in self.fs.requests("mimir") if "lgtmtop_canary" in urllib.request.unquote(q["query"])]
        self.assertEqual(reads, [], "nothing is read after a refused write")


class CanaryOldTempo(unittest.TestCase):
    """Tempo without the v2 trace-by-id route: the canary falls back to /api/traces."""

    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--component", "tempo=tempo", "--tempo-version", "2.4.1")

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def test_v1_fallback(self):
        r = run("check", "--json", "--canary", *FAST, "-c", self.fs.config)
        c = canaries(r)["tempo"]
        self.assertEqual(c["status"], "OK", c["message"])
        self.assertIn("via /api/traces", c["message"])
        paths = [q["path"] for q in self.fs.requests("tempo") if "/traces/" in q["path"]]
        self.assertTrue(paths[0].startswith("/api/v2/traces/"), paths)
        self.assertTrue(paths[-1].startswith("/api/traces/"), paths)


class CanaryReceiverDown(unittest.TestCase):
    """Tempo's OTLP receiver closed: the write step fails with the receiver hint."""

    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--component", "tempo=tempo", "--fault", "tempo=otlp_closed")

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def test_receiver_refused(self):
        r = run("check", "--json", "--canary", *FAST, "-c", self.fs.config)
        self.assertEqual(r.rc, 2)
        c = canaries(r)["tempo"]
        self.assertRegex(c["message"], r"^write failed: connection refused on .*: no OTLP/HTTP receiver there")
        self.assertIsNone(c["data"]["write_status"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
