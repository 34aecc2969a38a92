"""Every examples/*/lgtmtop.yaml passes lgtmtop config check (--strict, with the variables and
secret files it documents), and resolves to what the example promises; the Prometheus rules
pass promtool (and their unit tests), the Grafana dashboard passes lgtmtop dashboards lint and its
queries parse, the systemd unit passes systemd-analyze verify."""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, FakeStack, Serve, run  # noqa: E402

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"

EX = os.path.join(ROOT, "examples")
TOKEN = "example-Secret-42"


def read(*parts):
    with open(os.path.join(EX, *parts)) as f:
        return f.read()


class Examples(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-examples-")
        self.addCleanup(self.tmp.cleanup)

    def secret(self, name):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(path, 0o600)
        return path

    def check(self, example, env=None, strict=True):
        args = ["config", "check", "-c", os.path.join(EX, example, "lgtmtop.yaml")] + (["--strict"] if strict else [])
        r = run(*args, env=env)
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(TOKEN, r.out + r.err)
        return r.out

    def test_every_example_is_tested(self):
        dirs = sorted(d for d in os.listdir(EX) if os.path.isdir(os.path.join(EX, d)))
        self.assertEqual(dirs, ["docker-compose", "github-actions", "grafana", "grafana-cloud", "kubernetes",
                                "prometheus", "railway", "systemd"])
        for d in dirs:
            self.assertIn("`%s/`" % d, read("README.md"))

    def test_docker_compose(self):
        out = self.check("docker-compose", env={"GRAFANA_TOKEN": TOKEN})
        for want in ('url: "http://mimir:9009"', 'url: "http://loki:3100"', 'url: "http://tempo:3200"',
                     'otlp_grpc: "tempo:4317"', 'otlp_http: "http://tempo:4318"', 'url: "http://grafana:3000"',
                     'token: "<redacted>"', 'tenant: "fake"'):
            self.assertIn(want, out)
        self.assertIn("lgtmtop check --wait", read("docker-compose", "docker-compose.yml"))

    def test_railway(self):
        out = self.check("railway", env={"GRAFANA_TOKEN": TOKEN})
        self.assertIn('url: "http://tempo.railway.internal:3200"', out)
        self.assertIn('otlp_grpc: "tempo.railway.internal:4317"', out)
        self.assertIn("${TEMPO_INTERNAL_URL} (line", out)
        self.assertIn("IPv6", read("railway", "lgtmtop.yaml"))
        out = self.check("railway", env={"GRAFANA_TOKEN": TOKEN, "TEMPO_INTERNAL_URL": "http://traces.railway.internal:3200"})
        self.assertIn('url: "http://traces.railway.internal:3200"', out)
        r = run("config", "check", "--strict", "-c", os.path.join(EX, "railway", "lgtmtop.yaml"))
        self.assertEqual(r.rc, 3, "without GRAFANA_TOKEN, --strict fails")
        dockerfile = read("railway", "Dockerfile")
        for want in ("lgtmtop serve -c /etc/lgtmtop/config.yaml", '--listen \\"[::]:${PORT:-9689}\\"',
                     "USER nobody", "/-/ready"):
            self.assertIn(want, dockerfile)
        compose = read("docker-compose", "docker-compose.yml")
        self.assertIn("exec lgtmtop serve --listen :9689", compose)

    def test_grafana_cloud(self):
        env = {"CLOUD_TOKEN_FILE": self.secret("cloud"), "GRAFANA_TOKEN_FILE": self.secret("grafana"),
               "MIMIR_TOKEN_FILE": self.secret("mimir")}
        out = self.check("grafana-cloud", env=env)
        self.assertIn('  - name: "team-a"', out)
        self.assertIn('      tenant: "team-b"', out)
        self.assertIn('      prefix: "/api/prom"', out)
        self.assertEqual(out.count('        password_file: "%s"' % env["CLOUD_TOKEN_FILE"]), 3)
        r = run("config", "check", "-c", os.path.join(EX, "grafana-cloud", "lgtmtop.yaml"))
        self.assertEqual(r.rc, 3)
        self.assertIn("cannot read /run/secrets/cloud-token", r.err)

    def test_kubernetes(self):
        out = self.check("kubernetes", env={"GRAFANA_TOKEN_FILE": self.secret("grafana")})
        self.assertIn('url: "http://tempo-query-frontend.observability.svc:3200"', out)
        job = read("kubernetes", "job.yaml")
        for want in ("kind: Job", 'args: ["check", "--wait"', "configMap: { name: lgtmtop-config }",
                     "mountPath: /var/run/secrets/lgtmtop", "restartPolicy: Never"):
            self.assertIn(want, job)
        self.assertIn("/var/run/secrets/lgtmtop/grafana-token", read("kubernetes", "lgtmtop.yaml"))

    def test_github_actions(self):
        env = {"MIMIR_URL": "http://mimir:9009", "LOKI_URL": "http://loki:3100", "TEMPO_URL": "http://tempo:3200",
               "GRAFANA_URL": "http://grafana:3000", "GRAFANA_TOKEN": TOKEN}
        out = self.check("github-actions", env=env)
        self.assertIn('url: "http://loki:3100"', out)
        wf = read("github-actions", "lgtmtop.yml")
        for want in ("lgtmtop lint --format github", "lgtmtop check -c lgtmtop.yaml --wait 5m",
                     "lgtmtop config check -c lgtmtop.yaml --strict", "pull_request:", "workflow_run:"):
            self.assertIn(want, wf)
        r = run("config", "check", "-c", os.path.join(EX, "github-actions", "lgtmtop.yaml"))
        self.assertEqual(r.rc, 3)
        self.assertIn("set MIMIR_URL", r.err)


    def promtool(self, *args, cwd=None):
        p = subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout

    @unittest.skipUnless(os.path.exists(PROMTOOL) or os.environ.get("CI"), "promtool not installed")
    def test_prometheus(self):
        d = os.path.join(EX, "prometheus")
        self.assertIn("SUCCESS: 8 rules found", self.promtool("check", "rules", "lgtmtop-rules.yml", cwd=d))
        self.assertIn("SUCCESS", self.promtool("test", "rules", "lgtmtop-rules.test.yml", cwd=d))
        self.promtool("check", "config", "prometheus.yml", cwd=d)
        self.promtool("check", "web-config", "web-config.yml", cwd=d)
        rules = read("prometheus", "lgtmtop-rules.yml")
        for alert in ("LgtmtopComponentDown", "LgtmtopTempoNoSpans", "LgtmtopDatasourceUnreachable",
                      "LgtmtopSweepStale"):
            self.assertIn("alert: " + alert, rules)
        # every metric the rules read is one lgtmtop serve exports (README table)
        readme = read("..", "README.md")
        for name in set(re.findall(r"\blgtmtop_[a-z_]+", rules)):
            self.assertIn("`%s" % name, readme, name)
        # the web config is one lgtmtop serve takes: 401 without, 200 as prometheus:secret
        fs = FakeStack()
        try:
            srv = Serve("-c", fs.config, "--web.config.file", os.path.join(d, "web-config.yml"))
            try:
                self.assertEqual(srv.get("/-/healthy")[0], 401)
                auth = {"Authorization": "Basic " + base64.b64encode(b"prometheus:secret").decode()}
                self.assertEqual(srv.get("/-/healthy", headers=auth)[0], 200)
            finally:
                srv.close()
        finally:
            fs.close()

    def test_grafana(self):
        d = os.path.join(EX, "grafana")
        r = run("dashboards", "lint", "--datasources", os.path.join(d, "provisioning", "datasources"),
                os.path.join(d, "lgtmtop-dashboard.json"))
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("0 missing, 0 deprecated", r.out)
        dash = json.loads(read("grafana", "lgtmtop-dashboard.json"))
        exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
        self.assertGreaterEqual(len(exprs), 10)
        readme = read("..", "README.md")
        for name in set(re.findall(r"\blgtmtop_[a-z_]+", " ".join(exprs))):
            self.assertIn("`%s" % name, readme, name)
        if not (os.path.exists(PROMTOOL) or os.environ.get("CI")):
            return
        # every query parses: as recording rules, with the dashboard's variables filled in
        rules = os.path.join(self.tmp.name, "dash.yml")
        with open(rules, "w") as f:
            f.write("groups:\n- name: dashboard\n  rules:\n")
            for i, e in enumerate(exprs):
                e = e.replace("$__rate_interval", "1m").replace("$stack", ".*")
                f.write("  - record: dashboard:q%d\n    expr: %s\n" % (i, json.dumps(e)))
        self.assertIn("SUCCESS: %d rules found" % len(exprs), self.promtool("check", "rules", rules))

    def test_systemd(self):
        unit = read("systemd", "lgtmtop.service")
        for want in ("ExecStart=/usr/bin/lgtmtop serve", "ExecReload=/bin/kill -HUP $MAINPID", "DynamicUser=yes",
                     "ProtectSystem=strict", "NoNewPrivileges=yes", "SystemCallFilter=@system-service",
                     "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "LoadCredential=grafana-token:",
                     "--listen 127.0.0.1:9689"):
            self.assertIn(want, unit)
        analyze = shutil.which("systemd-analyze")
        if analyze:
            p = subprocess.run([analyze, "verify", os.path.join(EX, "systemd", "lgtmtop.service")],
                               capture_output=True, text=True, timeout=60, cwd=self.tmp.name)
            # not installed here: the binary and the man pages; nothing else may be wrong
            rest = [ln for ln in (p.stdout + p.stderr).splitlines()
                    if ln.strip() and "/usr/bin/lgtmtop is not executable" not in ln and "Command 'man " not in ln]
            self.assertEqual(rest, [])
        creds = os.path.dirname(self.secret("grafana-token"))  # as systemd's LoadCredential= leaves it
        out = self.check("systemd", env={"CREDENTIALS_DIRECTORY": creds})
        self.assertIn('url: "http://loki.internal:3100"', out)


if __name__ == "__main__":
    unittest.main()
