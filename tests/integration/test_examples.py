"""Every examples/*/lgtmtop.yaml passes lgtmtop config check (--strict, with the variables and
secret files it documents), and resolves to what the example promises."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, run  # noqa: E402

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
        self.assertEqual(dirs, ["docker-compose", "github-actions", "grafana-cloud", "kubernetes", "railway"])
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


if __name__ == "__main__":
    unittest.main()
