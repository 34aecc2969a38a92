"""Shared helpers for integration tests: start the fake stack, run the real binary."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("LGTMTOP_BIN", os.path.join(ROOT, "build", "lgtmtop"))
FAKESTACK = os.environ.get("FAKESTACK", os.path.join(ROOT, "tests", "fakestack", "fakestack.py"))


class FakeStack:
    """The fake stack in a subprocess; its stdin is a pipe so it dies with us."""

    def __init__(self, *args):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-it-")
        self.config = os.path.join(self.tmp.name, "lgtmtop.yaml")
        self.proc = subprocess.Popen(
            [sys.executable, FAKESTACK, "--config-out", self.config, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("fake stack did not start")
        info = json.loads(line)
        self.control = info["control"]
        self.urls = {name: c["url"] for name, c in info["components"].items()}

    def fault(self, component, fault):
        req = urllib.request.Request(self.control + "/fault", method="POST",
                                     data=json.dumps({"component": component, "fault": fault}).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    def requests(self, component):
        with urllib.request.urlopen(f"{self.control}/requests?component={component}", timeout=5) as r:
            return json.loads(r.read())

    def write_config(self, text):
        path = os.path.join(self.tmp.name, "custom.yaml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.tmp.cleanup()


class Result:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def json(self):
        return json.loads(self.out)

    def check(self, component, check, stack=None):
        """The JSON object of one check (needs --json)."""
        for st in self.json()["stacks"]:
            if stack and st["name"] != stack:
                continue
            for c in st["components"]:
                if c["name"] == component:
                    for k in c["checks"]:
                        if k["name"] == check:
                            return k
        raise KeyError(f"{component}/{check} not in output")

    def component(self, component, stack=None):
        for st in self.json()["stacks"]:
            if stack and st["name"] != stack:
                continue
            for c in st["components"]:
                if c["name"] == component:
                    return c
        raise KeyError(component)

    def row(self, component, check):
        """The table line of one check (table output)."""
        for line in self.out.splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[1] == component and parts[2] == check:
                return line
        raise KeyError(f"{component}/{check} not in table:\n{self.out}")


def with_sample(args):
    """`check` samples /metrics twice, 5 s apart, by default: a test asks for it with --sample,
    every other run passes --sample 0 so it does not sleep for rates it never reads."""
    args = list(args)
    if args[:1] == ["check"] and "--sample" not in args:
        args[1:1] = ["--sample", "0"]
    return args


def clean_env(env=None):
    """The environment without the variables lgtmtop reads, plus env."""
    e = dict(os.environ)
    for k in ("LGTMTOP_CONFIG", "MIMIR_URL", "LOKI_URL", "TEMPO_URL", "TEMPO_INTERNAL_URL",
              "GRAFANA_URL", "GRAFANA_TOKEN", "PROMETHEUS_URL", "NO_COLOR"):
        e.pop(k, None)
    e["HOME"] = e.get("HOME", "/tmp")
    if env:
        e.update(env)
    return e


def run(*args, env=None, timeout=60):
    e = clean_env(env)
    args = with_sample(args)
    t0 = time.monotonic()
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=e, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    return Result(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refusing_port():
    """(socket, port): a loopback port that refuses connections for as long as the socket is
    open. Bound but never listening, so no server of a test run in parallel can take it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def wait_for(pred, timeout=30.0, interval=0.05, what="condition"):
    """Polls pred() until it returns truthy; raises after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def get_json(url):
    """GET url and parse JSON; None when it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


class RealPrometheus:
    """A real Prometheus (Debian package) on a free loopback port with a temp data dir,
    scraping itself and a dead target ("node"), so one target is up and one down.
    `rules` is the text of a rule file, or None; `jobs` more scrape_configs entries (YAML list
    items), whose targets are waited for too."""

    def __init__(self, rules=None, jobs=""):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-prom-")
        self.port = free_port()
        self.dead_sock, dead = refusing_port()
        self.url = f"http://127.0.0.1:{self.port}"
        rule_files = ""
        if rules:
            path = os.path.join(self.tmp.name, "rules.yml")
            with open(path, "w") as f:
                f.write(rules)
            rule_files = f"rule_files: ['{path}']\n"
        cfg = os.path.join(self.tmp.name, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write(f"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n{rule_files}"
                    f"scrape_configs:\n"
                    f"- job_name: prometheus\n  static_configs: [{{targets: ['127.0.0.1:{self.port}']}}]\n"
                    f"- job_name: node\n  static_configs: [{{targets: ['127.0.0.1:{dead}']}}]\n{jobs}")
        self.ntargets = 2 + jobs.count("job_name:")
        self.log = open(os.path.join(self.tmp.name, "prometheus.log"), "w")
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={cfg}", f"--storage.tsdb.path={self.tmp.name}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            wait_for(self._scraped, timeout=60, what="prometheus to scrape both targets")
        except BaseException:
            self.close()
            raise

    def _scraped(self):
        if self.proc.poll() is not None:
            raise AssertionError("prometheus exited: see " + self.log.name)
        t = get_json(self.url + "/api/v1/targets")
        if not t:
            return False
        health = [x["health"] for x in t["data"]["activeTargets"]]
        return len(health) == self.ntargets and "unknown" not in health

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.dead_sock.close()
        self.log.close()
        self.tmp.cleanup()


class Serve:
    """`lgtmtop serve ARGS` on a free loopback port, its stderr in a file; up once /-/healthy
    answers. stop() sends SIGTERM and returns the exit code."""

    def __init__(self, *args, env=None, scheme="http", context=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-serve-")
        self.port = free_port()
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.context = context
        self.err_path = os.path.join(self.tmp.name, "stderr")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{self.port}", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.err,
                                     env=clean_env(env))
        try:
            wait_for(self._healthy, timeout=30, what="lgtmtop serve to answer")
        except BaseException:
            self.close()
            raise

    def _healthy(self):
        if self.proc.poll() is not None:
            raise AssertionError("lgtmtop serve exited %s: %s" % (self.proc.returncode, self.stderr()))
        return self.get("/-/healthy", context=self.context)[0] != 0  # any answer (401 with basic auth)

    def get(self, path, method="GET", headers=None, timeout=5, context=None):
        """(status, headers, body) of one request; status 0 when nothing answers."""
        req = urllib.request.Request(self.url + path, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=context) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()
        except OSError:
            return 0, None, ""

    def stderr(self):
        with open(self.err_path) as f:
            return f.read()

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.err.close()
        self.tmp.cleanup()
