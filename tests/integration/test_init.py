"""lgtmtop init against the fake stack's Grafana (datasources pointing at the fake components,
Mimir behind /prometheus with a tenant header, one dashboard on a removed uid), then config
check and a check with the written config; check --from-grafana; -o never overwrites."""
import os
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, FakeStack, run  # noqa: E402

TOKEN = "glsa_fake-Token-0123456789"


def read(path):
    with open(path) as f:
        return f.read()


class Init(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--grafana-token", TOKEN, "--fault", "grafana=dash_missing_ds")
        cls.gurl = cls.fs.urls["grafana"]

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-init-")
        self.addCleanup(self.tmp.cleanup)
        self.tokfile = os.path.join(self.tmp.name, "grafana_token")
        with open(self.tokfile, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(self.tokfile, 0o600)

    def test_init_config_check_then_check(self):
        out = os.path.join(self.tmp.name, "lgtmtop.yaml")
        r = run("init", "--grafana", self.gurl, "--grafana-token-file", self.tokfile, "-o", out)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(r.out, "")
        self.assertIn("wrote " + out, r.err)
        self.assertIn("the config reads MIMIR_TENANT, LOKI_PASSWORD from the environment", r.err)
        text = read(out)
        self.assertNotIn(TOKEN, text)
        u = self.fs.urls
        self.assertIn('    mimir:\n      url: "%s"\n      prefix: "/prometheus"' % u["mimir"], text)
        self.assertIn('      tenant: "${MIMIR_TENANT}"\n', text)
        self.assertIn('    loki:\n      url: "%s"\n' % u["loki"], text)
        # the basic-auth user comes from the datasource's own record, the password never
        self.assertIn('basic_auth: { username: "grafana-basic-user", password: "${LOKI_PASSWORD}" }', text)
        self.assertIn('    tempo:\n      url: "%s"\n' % u["tempo"], text)
        self.assertIn('      token_file: "%s"\n' % os.path.realpath(self.tokfile), text)
        self.assertIn("# Grafana datasource Mimir (uid: prometheus, type: prometheus, default)", text)
        self.assertIn("# Grafana datasource Loki (uid: loki, type: loki)", text)
        self.assertIn('      deprecated_datasources:\n        "grafana_prometheus": "prometheus"', text)
        self.assertIn("# not checked: datasource Mimir Alertmanager (uid: alertmanager", text)

        r = run("config", "check", "-c", out)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("${MIMIR_TENANT} is not set", r.err)
        self.assertIn("password is empty because LOKI_PASSWORD is not set", r.err)
        self.assertIn("config OK: 1 stack, 4 components", r.err)

        r = run("check", "--json", "--sample", "0", "-c", out)
        self.assertIn(r.rc, (0, 1, 2), r.err)
        comps = {c["name"]: c for s in r.json()["stacks"] for c in s["components"]}
        self.assertEqual(set(comps), {"mimir", "loki", "tempo", "grafana"})
        for name, c in comps.items():
            self.assertTrue(c["reachable"], name)
            self.assertEqual(r.check(name, "ready" if name != "grafana" else "health")["status"], "OK", name)
        self.assertEqual(r.check("grafana", "datasources")["status"], "OK")   # the token was read
        paths = [q["path"] for q in self.fs.requests("mimir")]
        self.assertIn("/prometheus/api/v1/query", paths)
        dash = r.check("grafana", "dashboards")
        self.assertEqual(dash["status"], "FAIL")
        self.assertIn("grafana_prometheus → prometheus", dash["message"])

    def test_never_overwrites(self):
        out = os.path.join(self.tmp.name, "existing.yaml")
        with open(out, "w") as f:
            f.write("# mine\n")
        r = run("init", "--grafana", self.gurl, "--grafana-token-file", self.tokfile, "-o", out)
        self.assertEqual(r.rc, 3)
        self.assertIn("exists — not overwriting it (use --force", r.err)
        self.assertEqual(read(out), "# mine\n")
        r = run("init", "--grafana", self.gurl, "--grafana-token-file", self.tokfile, "-o", out, "--force")
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("mimir:", read(out))

    def test_xdg_config_dir_created(self):
        xdg = os.path.join(self.tmp.name, "xdg")
        out = os.path.join(xdg, "lgtmtop", "config.yaml")
        r = run("init", "--grafana", self.gurl, "--grafana-token-file", self.tokfile, "-o", out)
        self.assertEqual(r.rc, 0, r.err)
        self.assertEqual(os.stat(os.path.dirname(out)).st_mode & 0o777, 0o700)
        env = {k: v for k, v in os.environ.items() if k not in ("LGTMTOP_CONFIG", "GRAFANA_TOKEN")}
        env.update(XDG_CONFIG_HOME=xdg, HOME=self.tmp.name)
        p = subprocess.run([BIN, "config", "check"], cwd=self.tmp.name, env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(out + ": config OK", p.stderr)

    def test_token_sources(self):
        r = run("init", "--grafana", self.gurl, env={"GRAFANA_TOKEN": TOKEN})
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn('      token: "${GRAFANA_TOKEN}"', r.out)      # stdout without -o
        self.assertNotIn(TOKEN, r.out + r.err)
        self.assertNotIn("warning", r.err)
        r = run("init", "--grafana-token", TOKEN, "--grafana", self.gurl)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn("warning: --grafana-token shows the token in the process list", r.err)
        self.assertNotIn(TOKEN, r.out)
        r = run("init", "--grafana", self.gurl)
        self.assertEqual(r.rc, 3)
        self.assertIn("/api/datasources: HTTP 401 — Grafana wants a token", r.err)
        r = run("init", "--grafana", self.gurl, "--grafana-token", "wrong")
        self.assertEqual(r.rc, 3)
        self.assertIn("Grafana rejected the token", r.err)
        self.assertNotIn("wrong", r.err.replace("--grafana-token shows", ""))

    def test_unreachable_grafana(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            r = run("init", "--grafana", "http://127.0.0.1:%d" % port)
        self.assertEqual(r.rc, 3)
        self.assertIn("cannot reach Grafana at http://127.0.0.1:%d" % port, r.err)

    def test_check_from_grafana(self):
        r = run("check", "--json", "--sample", "0", "--from-grafana", self.gurl, "--grafana-token-file", self.tokfile)
        self.assertIn(r.rc, (0, 1, 2), r.err)
        d = r.json()
        self.assertIsNone(d["config"])
        comps = {c["name"]: c for s in d["stacks"] for c in s["components"]}
        self.assertEqual(set(comps), {"mimir", "loki", "tempo", "grafana"})
        self.assertTrue(all(c["reachable"] for c in comps.values()))
        self.assertEqual(r.check("grafana", "datasources")["status"], "OK")
        r = run("check", "--only", "loki", "--sample", "0", "--from-grafana", self.gurl, env={"GRAFANA_TOKEN": TOKEN})
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertIn("loki", r.out)


class InitLocalhost(unittest.TestCase):
    def test_nothing_answers(self):
        for port in (9009, 3100, 3200, 3000, 9090):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    self.skipTest("something listens on localhost:%d" % port)
        r = run("init", "-t", "1s")
        self.assertEqual(r.rc, 3)
        self.assertIn("nothing answers on the localhost defaults", r.err)
        self.assertIn("lgtmtop init --grafana URL", r.err)
        self.assertEqual(r.out, "")


if __name__ == "__main__":
    unittest.main()
