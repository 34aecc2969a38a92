"""Is data flowing? lgtmtop check against the fake stack playing each flow scenario: the
binary must name the right finding (table and JSON), report rates with --sample, and probe
the OTLP receivers per address."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeStack, run  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def findings(r):
    return r.json()["findings"]


def finding(r, fid, component=None):
    for f in findings(r):
        if f["id"] == fid and (component is None or f["component"] == component):
            return f
    return None


class Flow(unittest.TestCase):
    def stack(self, *args):
        fs = FakeStack(*args)
        self.addCleanup(fs.close)
        return fs

    def assertFinding(self, r, fid, component, severity):
        f = finding(r, fid, component)
        self.assertIsNotNone(f, f"no {fid} finding in {[x['id'] for x in findings(r)]}")
        self.assertEqual(f["severity"], severity, f)
        self.assertEqual(f["stack"], "demo")
        for k in ("title", "cause", "hint"):
            self.assertTrue(f[k], f)
            self.assertNotRegex(f[k], r"[\x00-\x1f\x7f]")
        return f

    def test_rates_with_sample(self):
        fs = self.stack()
        r = run("check", "--json", "--sample", "1s", "-c", fs.config, "--only", "mimir,loki,tempo")
        self.assertEqual(r.rc, 0, r.out + r.err)
        doc = r.json()
        self.assertEqual(doc["sample_ms"], 1000)
        self.assertEqual(doc["sweeps"], 1, "the sample is not a sweep")
        tempo, loki, mimir = r.component("tempo"), r.component("loki"), r.component("mimir")
        self.assertGreater(tempo["rates"]["spans_per_second"], 20)    # the fake sends ~50/s
        self.assertLess(tempo["rates"]["spans_per_second"], 120)
        self.assertGreater(tempo["rates"]["bytes_per_second"], 0)
        self.assertGreater(loki["rates"]["lines_per_second"], 50)     # ~200/s
        self.assertGreater(mimir["rates"]["samples_per_second"], 300)  # ~1000/s
        # per tenant, in the metrics check's data
        tenants = r.check("tempo", "metrics")["data"]["tenants"]
        self.assertEqual(tenants[0]["tenant"], "single-tenant")
        self.assertGreater(tenants[0]["spans_received_per_second"], 20)
        self.assertEqual(r.check("loki", "metrics")["data"]["tenants"][0]["tenant"], "fake")
        self.assertTrue(r.check("mimir", "metrics")["data"]["tenants"][0]["tenant"])
        self.assertEqual(findings(r), [], "healthy flow: no findings")
        self.assertGreaterEqual(r.seconds, 1.0)
        # the table says over which window
        t = run("check", "--sample", "1s", "-c", fs.config, "--only", "tempo")
        self.assertIn("rates over 1.0s:", t.out)
        self.assertRegex(t.out, r"demo tempo: \d+\.\d spans/s")
        self.assertNotIn("FINDINGS", t.out)
        # --sample 0: one scrape, rates unknown (null), never 0
        z = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertEqual(z.json()["sample_ms"], 0)
        self.assertIsNone(z.component("tempo")["rates"]["spans_per_second"])
        self.assertLess(z.seconds, r.seconds)

    def test_tempo_query_side(self):
        fs = self.stack()
        r = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertEqual(r.rc, 0, r.out)
        s = r.check("tempo", "search")
        self.assertEqual(s["status"], "OK")
        self.assertGreater(s["values"]["traces_found"], 0)
        self.assertIn("traces in the last 15m", s["message"])
        q = [x for x in fs.requests("tempo") if x["path"] == "/api/search"][-1]["query"]
        params = dict(p.split("=", 1) for p in q.split("&"))
        self.assertEqual(int(params["end"]) - int(params["start"]), 900)
        self.assertEqual(params["limit"], "20")
        svc = r.check("tempo", "services")
        self.assertEqual(svc["data"]["api"], "v2")
        self.assertIn("shop-backend", svc["data"]["services"])
        # the fake has no TraceQL metrics API: a note, not a failure
        sc = r.check("tempo", "span_counts")
        self.assertTrue(sc["skipped"])
        self.assertIn("TraceQL metrics not available", sc["message"])
        # search_window from the config
        cfg = fs.write_config(read(fs.config).replace(
            '      otlp_http:', '      search_window: 1h\n      otlp_http:', 1))
        run("check", "--json", "--sample", "0", "-c", cfg, "--only", "tempo")
        q = [x for x in fs.requests("tempo") if x["path"] == "/api/search"][-1]["query"]
        params = dict(p.split("=", 1) for p in q.split("&"))
        self.assertEqual(int(params["end"]) - int(params["start"]), 3600)

    def test_tempo_ready_but_no_spans(self):
        fs = self.stack("--fault", "tempo=nospans")
        r = run("check", "--json", "--sample", "1s", "-c", fs.config, "--only", "tempo")
        self.assertEqual(r.check("tempo", "ready")["status"], "OK")
        self.assertEqual(r.component("tempo")["rates"]["spans_per_second"], 0)
        f = self.assertFinding(r, "tempo_no_spans", "tempo", "WARN")
        self.assertIn("no spans", f["title"])
        self.assertIn("no service is sending traces", f["cause"])
        self.assertIn("OTEL_EXPORTER_OTLP_ENDPOINT", f["hint"])
        otlp = [c for c in read(fs.config).splitlines() if "otlp_http" in c][0]
        self.assertIn(otlp.split('"')[1], f["hint"], "the OTLP endpoint to use")
        self.assertIsNone(finding(r, "otlp_closed"), "the receivers are open")
        # the table names it too
        t = run("check", "--sample", "1s", "-c", fs.config, "--only", "tempo")
        self.assertIn("FINDINGS", t.out)
        self.assertIn("WARN  demo/tempo: Tempo is up but receives no spans", t.out)
        self.assertIn("→ No service is sending traces: check OTEL_EXPORTER_OTLP_ENDPOINT", t.out)
        self.assertRegex(t.out.splitlines()[-1], r"^(OK|WARNING|CRITICAL): ")
        # a true zero needs no second sample: no series on a running Tempo = nothing since start
        z = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertIsNotNone(finding(z, "tempo_no_spans"))
        # and once spans flow again, the finding goes away
        fs.fault("tempo", "none")
        ok = run("check", "--json", "--sample", "1s", "-c", fs.config, "--only", "tempo")
        self.assertIsNone(finding(ok, "tempo_no_spans"), findings(ok))

    def test_otlp_closed(self):
        fs = self.stack("--fault", "tempo=otlp_closed")
        r = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertEqual(r.rc, 2, r.out)
        self.assertEqual(r.check("tempo", "ready")["status"], "OK")
        for name in ("otlp_grpc", "otlp_http"):
            k = r.check("tempo", name)
            self.assertEqual(k["status"], "FAIL", k)
            self.assertIn("connection refused", k["message"])
            self.assertTrue(k["data"])
            self.assertTrue(all(a["reachable"] is False and a["error"] == "refused" for a in k["data"]), k["data"])
        f = self.assertFinding(r, "otlp_closed", "tempo", "FAIL")
        self.assertIn("0.0.0.0:4318", f["hint"])
        self.assertIn("2.7", f["hint"])
        t = run("check", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertIn("FAIL  demo/tempo: Tempo's OTLP receivers are closed", t.out)
        self.assertIn("0.0.0.0:4318", t.out)

    def test_otlp_http_probe_is_an_empty_export(self):
        fs = self.stack("--require-tenant", "tempo=team-t")
        r = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertEqual(r.rc, 0, r.out)
        k = r.check("tempo", "otlp_http")
        self.assertEqual(k["status"], "OK", k)
        self.assertTrue(all(a["reachable"] and a["otlp"] and a["http_status"] == 200 for a in k["data"]), k)
        self.assertEqual(r.check("tempo", "otlp_grpc")["status"], "OK")
        posts = [q for q in fs.requests("tempo") if q["path"] == "/v1/traces"]
        self.assertEqual(len(posts), len(k["data"]), "one POST per address")
        for q in posts:
            self.assertEqual(q["method"], "POST")
            self.assertEqual(q["headers"].get("content-type"), "application/json")
            self.assertEqual(q["headers"].get("x-scope-orgid"), "team-t")
            self.assertEqual(q["status"], 200)

    def test_otlp_ipv4_only_behind_dual_stack_name(self):
        fs = self.stack("--fault", "tempo=otlp_v4only")
        if "localhost" not in read(fs.config):
            self.skipTest("no ::1 on this machine: the fake stack has no dual-stack name")
        r = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        k = r.check("tempo", "otlp_http")
        fams = {a["family"] for a in k["data"]}
        if fams != {"ipv4", "ipv6"}:
            self.skipTest(f"localhost resolves to {fams} only here: no dual-stack name")
        self.assertEqual(r.rc, 1, r.out)
        for name in ("otlp_grpc", "otlp_http"):
            k = r.check("tempo", name)
            self.assertEqual(k["status"], "WARN", k)
            by = {a["family"]: a for a in k["data"]}
            self.assertTrue(by["ipv4"]["reachable"])
            self.assertFalse(by["ipv6"]["reachable"])
            self.assertEqual(by["ipv6"]["error"], "refused")
            self.assertIn("answers on IPv4 127.0.0.1 but not on IPv6 ::1", k["message"])
        f = self.assertFinding(r, "otlp_ipv4_only", "tempo", "WARN")
        self.assertIn("IPv4 only", f["title"])
        self.assertIn("[::]:4318", f["hint"])
        self.assertIsNone(finding(r, "otlp_closed"))
        # both families answering: no finding
        fs.fault("tempo", "none")
        ok = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertTrue(all(a["reachable"] for a in ok.check("tempo", "otlp_grpc")["data"]))
        self.assertIsNone(finding(ok, "otlp_ipv4_only"))

    def test_spans_arrive_but_search_empty(self):
        fs = self.stack("--fault", "tempo=search_empty")
        r = run("check", "--json", "--sample", "1s", "-c", fs.config, "--only", "tempo")
        self.assertEqual(r.check("tempo", "search")["values"]["traces_found"], 0)
        self.assertGreater(r.component("tempo")["rates"]["spans_per_second"], 0)
        f = self.assertFinding(r, "tempo_search_empty", "tempo", "WARN")
        self.assertIn("search finds no traces", f["title"])
        self.assertIn("query_ingesters_until", f["hint"])
        self.assertIsNone(finding(r, "tempo_no_spans"))
        # without a rate (no sample) lgtmtop cannot tell spans arrive: it does not guess
        z = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo")
        self.assertIsNone(finding(z, "tempo_search_empty"))

    def test_loki_zero_lines(self):
        fs = self.stack("--fault", "loki=nospans")
        r = run("check", "--json", "--sample", "1s", "-c", fs.config, "--only", "loki")
        self.assertEqual(r.component("loki")["rates"]["lines_per_second"], 0)
        f = self.assertFinding(r, "loki_no_lines", "loki", "WARN")
        self.assertIn("0 lines/s", f["title"])
        self.assertIn("/loki/api/v1/push", f["hint"])
        ok = run("check", "--json", "--sample", "1s", "-c", self.stack().config, "--only", "loki")
        self.assertIsNone(finding(ok, "loki_no_lines"))

    def test_component_down_findings(self):
        fs = self.stack("--fault", "tempo=refused")
        r = run("check", "--json", "--sample", "0", "-c", fs.config, "--only", "tempo,loki", "-t", "2s")
        f = self.assertFinding(r, "down_refused", "tempo", "FAIL")
        self.assertIn("connection refused", f["title"])
        ids = [x["id"] for x in findings(r) if x["component"] == "tempo"]
        self.assertEqual(ids, ["down_refused"], "a down Tempo is one finding, not a cascade")
        fs2 = self.stack("--fault", "loki=notready")
        r = run("check", "--json", "--sample", "0", "-c", fs2.config, "--only", "loki")
        f = self.assertFinding(r, "not_ready", "loki", "WARN")
        self.assertIn("waiting for 15s", f["cause"])

    def test_guessed_otlp_endpoints_do_not_fail_zero_config(self):
        fs = self.stack()
        # TEMPO_URL alone: OTLP endpoints are guessed (host:4318/4317), where nothing listens
        port = free_port_pair()
        if port is None:
            self.skipTest("4317/4318 in use on this machine")
        r = run("check", "--json", "--sample", "0", "--only", "tempo",
                env={"TEMPO_URL": fs.urls["tempo"], "HOME": "/nonexistent"})
        tempo = r.component("tempo")
        k = r.check("tempo", "otlp_http")
        self.assertTrue(k["skipped"], k)
        self.assertIn("guessed", k["message"])
        self.assertEqual(tempo["status"], "OK", tempo)


def free_port_pair():
    """True if nothing listens on 127.0.0.1:4317/4318 (what a guessed endpoint would reach)."""
    for p in (4317, 4318):
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", p)) == 0:
                return None
    return True


if __name__ == "__main__":
    unittest.main(verbosity=2)
