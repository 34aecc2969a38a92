"""Soak run: lgtmtop (serve, or the live view on a pty) sweeps a flapping fake stack for a long
time — components going down and up, slow, hanging, answering garbage — while its RSS and open
file descriptors are sampled. Writes one CSV line per sample and a summary; exits 1 when RSS or
fds grow after the warm-up beyond the allowance. Driven by bench/soak.sh."""
import argparse
import json
import os
import pty
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from harness import FakeStack, free_port  # noqa: E402

KINDS = ("mimir", "loki", "tempo", "grafana", "prometheus")
FLAPS = ("none", "refused", "none", "slow:0.4", "none", "hang", "none", "error500", "truncated", "none",
         "garbage", "none", "notready", "none", "hostile")


def proc_stats(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


def sweeps_from_metrics(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            m = re.search(rb"^lgtmtop_sweeps_total (\S+)", r.read(), re.M)
            return int(float(m.group(1))) if m else None
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "lgtmtop"))
    ap.add_argument("--mode", choices=("serve", "tui"), default="serve")
    ap.add_argument("--duration", type=float, default=600, help="seconds (default 600)")
    ap.add_argument("--interval", default="200ms", help="sweep interval")
    ap.add_argument("--timeout", default="1s", help="per-request timeout")
    ap.add_argument("--flap", type=float, default=3.0, help="seconds between fault changes")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--warmup", type=float, default=0.2, help="fraction of the run that is warm-up")
    ap.add_argument("--max-growth-kb", type=int, default=2048, help="RSS growth allowed after warm-up")
    ap.add_argument("--max-fd-growth", type=int, default=32, help="fds allowed above the warm-up count (pooled connections come and go)")
    ap.add_argument("--csv", default="-")
    a = ap.parse_args()

    fs = FakeStack()
    out = sys.stdout if a.csv == "-" else open(a.csv, "w")
    port = free_port()
    args = [a.bin, "-c", fs.config, "-i", a.interval, "-t", a.timeout]
    master = None
    if a.mode == "serve":
        p = subprocess.Popen([a.bin, "serve", "--listen", f"127.0.0.1:{port}", *args[1:]],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        master, slave = pty.openpty()
        env = dict(os.environ, TERM="xterm", LANG="C.UTF-8")
        p = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)

        def drain():  # the screen goes nowhere, but must be read
            while True:
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

        threading.Thread(target=drain, daemon=True).start()
    rng = random.Random(10)
    t0 = time.monotonic()
    next_flap, next_sample = t0, t0
    faults = {k: "none" for k in KINDS}
    samples = []
    print("seconds,rss_kb,fds,sweeps,faults", file=out, flush=True)
    try:
        while time.monotonic() - t0 < a.duration:
            if p.poll() is not None:
                print(f"lgtmtop exited with {p.returncode}", file=sys.stderr)
                return 1
            now = time.monotonic()
            if now >= next_flap:
                k = rng.choice(KINDS)
                faults[k] = rng.choice(FLAPS)
                fs.fault(k, faults[k])
                next_flap = now + a.flap
            if now >= next_sample:
                rss, fds = proc_stats(p.pid)
                sw = sweeps_from_metrics(port) if a.mode == "serve" else None
                samples.append((now - t0, rss, fds, sw))
                bad = ";".join(f"{k}={v}" for k, v in faults.items() if v != "none")
                print(f"{now - t0:.0f},{rss},{fds},{'' if sw is None else sw},{bad}", file=out, flush=True)
                next_sample = now + a.sample
            time.sleep(0.05)
    finally:
        for k in KINDS:
            fs.fault(k, "none")
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        if master is not None:
            os.close(master)
        fs.close()
    warm = [s for s in samples if s[0] >= a.duration * a.warmup]
    if len(warm) < 2:
        print("too short a run to judge", file=sys.stderr)
        return 1
    first, last = warm[0], warm[-1]
    peak = max(s[1] for s in warm)
    growth = last[1] - first[1]
    sweeps = (last[3] or 0) - (first[3] or 0) if a.mode == "serve" else None
    summary = {
        "mode": a.mode, "seconds": round(last[0]), "samples": len(samples),
        "sweeps": samples[-1][3], "rss_kb_after_warmup": first[1], "rss_kb_end": last[1], "rss_kb_peak": peak,
        "rss_growth_kb": growth, "fds_after_warmup": first[2], "fds_end": last[2],
        "fds_max": max(s[2] for s in warm),
        "growth_bytes_per_sweep": round(growth * 1024 / sweeps, 1) if sweeps else None,
    }
    print(json.dumps(summary), file=sys.stderr)
    ok = growth <= a.max_growth_kb and last[2] <= first[2] + a.max_fd_growth
    if not ok:
        print("FAIL: RSS or fds grew after warm-up", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
