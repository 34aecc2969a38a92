"""lgtmtop config check: valid configs print resolved and redacted (exit 0), broken ones name
FILE:LINE (exit 3), unset ${VAR}s are warnings (errors with --strict), secrets never appear."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import BIN, run  # noqa: E402

SECRET = "s3cr3t-Never-Printed"


class ConfigCheck(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-cfgcheck-")
        self.addCleanup(self.tmp.cleanup)

    def write(self, text, name="lgtmtop.yaml", mode=0o600):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def test_valid_resolved_redacted(self):
        tok = self.write(SECRET + "\n", "token")
        path = self.write(
            "stacks:\n"
            "  - name: prod\n"
            "    mimir: { url: \"http://admin:" + SECRET + "@mimir:9009\", tenant: \"${MY_TENANT}\" }\n"
            "    loki: \"${MY_LOKI:-http://loki:3100}\"\n"
            "    tempo: http://tempo:3200\n"
            "    grafana:\n"
            "      url: http://grafana:3000\n"
            "      token: \"${MY_TOKEN}\"\n"
            "    prometheus:\n"
            "      url: http://prometheus:9090\n"
            "      token_file: token\n")
        r = run("config", "check", "-c", path, env={"MY_TENANT": "team-a", "MY_TOKEN": SECRET})
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn(SECRET, r.out + r.err)
        self.assertIn('      url: "http://***@mimir:9009"\n', r.out)
        self.assertIn('      tenant: "team-a"\n', r.out)
        self.assertIn('      url: "http://loki:3100"\n', r.out)          # the default applied
        self.assertIn('      otlp_http: "http://tempo:4318"\n', r.out)   # derived values filled in
        self.assertIn('      token: "<redacted>"\n', r.out)
        self.assertIn('      token_file: "' + os.path.join(self.tmp.name, "token") + '"\n', r.out)
        self.assertIn("#   ${MY_LOKI} (line 4, stacks[0].loki): not set, the default applies\n", r.out)
        self.assertIn("#   ${MY_TOKEN} (line 8, stacks[0].grafana.token): set\n", r.out)
        self.assertIn("config OK: 1 stack, 5 components, 0 custom checks, 0 warnings", r.err)
        self.assertEqual(r.out.count("stacks:"), 1, "data on stdout, messages on stderr")
        # the printed config is a config: it loads and prints the same
        again = self.write(r.out, "again.yaml")
        r2 = run("config", "check", "-c", again)
        self.assertEqual(r2.rc, 0, r2.err)
        self.assertEqual(r.out.split("\ninterval:")[1], r2.out.split("\ninterval:")[1])

    def test_errors_file_line_exit_3(self):
        rows = [
            ("stacks:\n  - name: p\n    mimir:\n      url: http://m:9009\n      tenent: x\n",
             ":5: stacks[0].mimir.tenent: unknown key — did you mean \"tenant\"?"),
            ("stacks:\n  - name: p\n    loki: \"${NOPE_URL}\"\n",
             ":3: stacks[0].loki is empty after expanding \"${NOPE_URL}\" — set NOPE_URL"),
            ("interval: soon\nmimir: http://m:9009\n", ":1: interval: bad duration \"soon\""),
            ("stacks:\n  - name: p\n    grafana: { url: http://g:3000, token_file: /nonexistent/tok }\n",
             ":3: stacks[0].grafana.token_file: cannot read /nonexistent/tok"),
            ("mimir: [1, 2\n", ":2: YAML syntax error"),
        ]
        for text, want in rows:
            with self.subTest(want=want):
                path = self.write(text)
                r = run("config", "check", "-c", path)
                self.assertEqual(r.rc, 3, r.err)
                self.assertIn(path + want, r.err)
                self.assertEqual(r.out, "")

    def test_unset_variable_warns_strict_fails(self):
        path = self.write("stacks:\n  - name: p\n    mimir: { url: http://m:9009, tenant: \"${MY_TENANT}\" }\n")
        r = run("config", "check", "-c", path)
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn(path + ":3: stacks[0].mimir.tenant: ${MY_TENANT} is not set", r.err)
        self.assertIn("1 warning", r.err)
        r = run("config", "check", "--strict", "-c", path)
        self.assertEqual(r.rc, 3, r.err)
        self.assertIn("config has warnings (--strict)", r.err)
        r = run("config", "check", "--strict", "-c", path, env={"MY_TENANT": "t"})
        self.assertEqual(r.rc, 0, r.err)

    def test_lookup_and_missing(self):
        self.write("loki: http://loki:3100\n", "found.yaml")
        r = run("config", "check", env={"LGTMTOP_CONFIG": os.path.join(self.tmp.name, "found.yaml")})
        self.assertEqual(r.rc, 0, r.err)
        self.assertIn('      url: "http://loki:3100"\n', r.out)
        env = {k: v for k, v in os.environ.items() if k != "LGTMTOP_CONFIG"}
        env.update(HOME=self.tmp.name, XDG_CONFIG_HOME=os.path.join(self.tmp.name, "xdg"))
        p = subprocess.run([BIN, "config", "check"], cwd=self.tmp.name, env=env, capture_output=True, text=True,
                           timeout=30)
        self.assertEqual(p.returncode, 3)
        self.assertIn("no config file found", p.stderr)
        self.assertIn("lgtmtop init", p.stderr)

    def test_stack_selection(self):
        path = self.write("stacks:\n  - name: a\n    loki: http://a:3100\n  - name: b\n    loki: http://b:3100\n")
        r = run("config", "check", "-c", path, "--stack", "b")
        self.assertEqual(r.rc, 0, r.err)
        self.assertNotIn('"a"', r.out)
        self.assertIn('  - name: "b"', r.out)
        r = run("config", "check", "-c", path, "--stack", "c")
        self.assertEqual(r.rc, 3)
        self.assertIn("the config has: a, b", r.err)


if __name__ == "__main__":
    unittest.main()
