#!/usr/bin/env python3
"""Scrape load on `lgtmtop serve`: do 100 scrapes a second delay the sweeps, and does memory stay
flat? Against the fake stack on loopback with many components (hundreds of checks):

  1. baseline: serve sweeping every -i, scraped once a second;
  2. load: the same while SCRAPERS threads scrape /metrics RATE times a second in all (keep-alive,
     like Prometheus), timing every scrape;
  3. memory: serve's RSS sampled through a long loaded run (first vs last third).

Usage: bench/serve.py [build dir] [seconds per phase]   (default: build, 20). Prints Markdown
(bench/SERVE-RESULTS.md holds a run). Exit 1 when the load slows the sweeps down by more than a
quarter, a scrape takes longer than a second, or RSS grows by more than 10 %. Timings are
wall-clock on a shared machine: compare the phases, not absolute numbers.
"""
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import harness  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
PHASE_S = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
RATE = 100  # scrapes per second, in all
SCRAPERS = 4
INTERVAL = "2s"
COPIES = 8  # of mimir, loki, tempo and prometheus each: ~200 checks


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def metric(text, name):
    m = re.search(r"(?m)^%s (\S+)$" % re.escape(name), text)
    return float(m.group(1)) if m else None


class Scraper(threading.Thread):
    """Scrapes /metrics at rate per second over one keep-alive connection, timing each."""

    def __init__(self, port, rate, stop):
        super().__init__(daemon=True)
        self.port, self.period, self.stop, self.times, self.errors = port, 1.0 / rate, stop, [], 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        nxt = time.monotonic()
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                conn.request("GET", "/metrics")
                r = conn.getresponse()
                body = r.read()
                if r.status != 200 or b"lgtmtop_sweeps_total" not in body:
                    self.errors += 1
            except (OSError, http.client.HTTPException):
                self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            self.times.append(time.monotonic() - t0)
            nxt += self.period
            time.sleep(max(0.0, nxt - time.monotonic()))


def watch(srv, seconds, rss):
    """Sweep durations and the sweep count over `seconds`, polling /metrics every second."""
    durations, t_end = [], time.monotonic() + seconds
    first = metric(srv.get("/metrics")[2], "lgtmtop_sweeps_total")
    last_seen = None
    while time.monotonic() < t_end:
        text = srv.get("/metrics")[2]
        n = metric(text, "lgtmtop_sweeps_total")
        if n != last_seen:
            durations.append(metric(text, "lgtmtop_sweep_duration_seconds"))
            last_seen = n
        rss.append(rss_kib(srv.proc.pid))
        time.sleep(1.0)
    done = metric(srv.get("/metrics")[2], "lgtmtop_sweeps_total") - first
    return [d for d in durations if d is not None], done


def loaded(srv, seconds, rss):
    stop = threading.Event()
    scrapers = [Scraper(srv.port, RATE / SCRAPERS, stop) for _ in range(SCRAPERS)]
    for s in scrapers:
        s.start()
    t0 = time.monotonic()
    durations, done = watch(srv, seconds, rss)
    stop.set()
    for s in scrapers:
        s.join()
    elapsed = time.monotonic() - t0
    times = sorted(t for s in scrapers for t in s.times)
    return durations, done, times, sum(s.errors for s in scrapers), elapsed


def pct(v, p):
    return v[min(len(v) - 1, int(len(v) * p / 100))] if v else float("nan")


def main():
    os.environ["LGTMTOP_BIN"] = os.path.join(ROOT, BUILD, "lgtmtop")
    harness.BIN = os.environ["LGTMTOP_BIN"]
    comps = []
    for i in range(COPIES):
        for kind in ("mimir", "loki", "tempo", "prometheus"):
            comps += ["--component", f"{kind}{i}={kind}"]
    fs = harness.FakeStack(*comps)
    srv = harness.Serve("-c", fs.config, "-i", INTERVAL)
    try:
        harness.wait_for(lambda: srv.get("/-/ready")[0] == 200, timeout=60, what="the first sweep")
        doc = json.loads(srv.get("/api/v1/status")[2])
        nchecks = sum(len(c["checks"]) for st in doc["stacks"] for c in st["components"])
        size = len(srv.get("/metrics")[2])
        rss = []
        base_d, base_n = watch(srv, PHASE_S, rss)
        load_d, load_n, times, errors, elapsed = loaded(srv, PHASE_S, rss)
        long_rss = []
        loaded(srv, PHASE_S * 3, long_rss)
        third = max(1, len(long_rss) // 3)
        rss_first, rss_last = statistics.mean(long_rss[:third]), statistics.mean(long_rss[-third:])
    finally:
        srv.close()
        fs.close()

    mean = lambda v: statistics.mean(v) if v else float("nan")  # noqa: E731
    ms = lambda s: "%.1f ms" % (s * 1000)  # noqa: E731
    print("# lgtmtop serve under scrape load\n")
    print("machine: %d cores; lgtmtop %s; %d stacks, %d checks, -i %s; /metrics is %d KiB\n"
          % (os.cpu_count(), BUILD, len(doc["stacks"]), nchecks, INTERVAL, size // 1024))
    print("| phase | sweeps | mean sweep | slowest sweep | scrapes | scrape p50 | p99 | max | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("| baseline (1 scrape/s) | %d in %.0f s | %s | %s | - | - | - | - | - |"
          % (base_n, PHASE_S, ms(mean(base_d)), ms(max(base_d, default=0))))
    print("| %d scrapes/s | %d in %.0f s | %s | %s | %d (%.0f/s) | %s | %s | %s | %d |"
          % (RATE, load_n, PHASE_S, ms(mean(load_d)), ms(max(load_d, default=0)), len(times),
             len(times) / elapsed, ms(pct(times, 50)), ms(pct(times, 99)), ms(times[-1] if times else 0), errors))
    print("\nRSS over a %.0f s loaded run: %.0f KiB (first third) -> %.0f KiB (last third), %+.1f %%\n"
          % (PHASE_S * 3, rss_first, rss_last, 100 * (rss_last - rss_first) / rss_first))
    print("Rerun with `bench/serve.py [build-dir] [seconds]` (a RelWithDebInfo build measures lgtmtop; an "
          "ASan build measures ASan). A scrape is a copy of the text rendered when the last sweep "
          "completed, so it costs the same while a sweep runs.")
    bad = []
    if mean(load_d) > 1.25 * mean(base_d) + 0.05:
        bad.append("the scrape load slowed the sweeps down")
    if load_n < base_n * 0.75:
        bad.append("fewer sweeps under load")
    if times and times[-1] > 1.0:
        bad.append("a scrape took longer than a second")
    if errors:
        bad.append("%d scrapes failed" % errors)
    if rss_last > rss_first * 1.10:
        bad.append("RSS grew")
    for b in bad:
        print("FAIL: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        sys.exit(main())
