"""cmake --install into a temporary prefix: every file in its place; the man pages render with
man -l without warnings and name every option, exit code, variable and config key; the
completions work (bash sourced and asked; zsh and fish parsed and, for fish, asked)."""
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("LGTMTOP_BIN", os.path.join(ROOT, "build", "lgtmtop"))
BUILD = os.path.dirname(os.path.abspath(BIN))

EXPECTED = [
    "bin/lgtmtop",
    "share/man/man1/lgtmtop.1.gz",
    "share/man/man5/lgtmtop.yaml.5.gz",
    "share/bash-completion/completions/lgtmtop",
    "share/zsh/site-functions/_lgtmtop",
    "share/fish/vendor_completions.d/lgtmtop.fish",
    "share/doc/lgtmtop/README.md",
    "share/doc/lgtmtop/copyright",
    "share/doc/lgtmtop/changelog.Debian.gz",
    "share/doc/lgtmtop/examples/README.md",
    "share/doc/lgtmtop/examples/docker-compose/lgtmtop.yaml",
    "share/doc/lgtmtop/examples/docker-compose/docker-compose.yml",
    "share/doc/lgtmtop/examples/railway/lgtmtop.yaml",
    "share/doc/lgtmtop/examples/grafana-cloud/lgtmtop.yaml",
    "share/doc/lgtmtop/examples/kubernetes/lgtmtop.yaml",
    "share/doc/lgtmtop/examples/kubernetes/job.yaml",
    "share/doc/lgtmtop/examples/github-actions/lgtmtop.yaml",
    "share/doc/lgtmtop/examples/github-actions/lgtmtop.yml",
    "share/doc/lgtmtop/examples/railway/Dockerfile",
    "share/doc/lgtmtop/examples/prometheus/prometheus.yml",
    "share/doc/lgtmtop/examples/prometheus/lgtmtop-rules.yml",
    "share/doc/lgtmtop/examples/prometheus/lgtmtop-rules.test.yml",
    "share/doc/lgtmtop/examples/prometheus/web-config.yml",
    "share/doc/lgtmtop/examples/grafana/lgtmtop-dashboard.json",
    "share/doc/lgtmtop/examples/grafana/provisioning/datasources/prometheus.yml",
    "share/doc/lgtmtop/examples/grafana/provisioning/dashboards/lgtmtop.yml",
    "share/doc/lgtmtop/examples/systemd/lgtmtop.service",
    "share/doc/lgtmtop/examples/systemd/lgtmtop.yaml",
]


def sh(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, **kw)


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-install-")
        cls.prefix = os.path.join(cls.tmp.name, "prefix")
        p = sh("cmake", "--install", BUILD, "--prefix", cls.prefix)
        if p.returncode != 0:
            raise RuntimeError("cmake --install failed: " + p.stdout + p.stderr)
        cls.bin = os.path.join(cls.prefix, "bin", "lgtmtop")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_files(self):
        found = sorted(os.path.relpath(os.path.join(d, f), self.prefix)
                       for d, _, fs in os.walk(self.prefix) for f in fs)
        self.assertEqual(found, sorted(EXPECTED))
        self.assertTrue(os.access(self.bin, os.X_OK))
        p = sh(self.bin, "--version")
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^lgtmtop \d+\.\d+\.\d+\nlibcurl \S+ \(.*resolver.*\)\nncurses \S+\ncJSON \S+\n"
                                   r"libyaml \S+\nlibmicrohttpd \S+ \((no )?TLS\)\n$")

    def man_text(self, page):
        with gzip.open(os.path.join(self.prefix, "share/man", page), "rt") as f:
            return f.read()

    @unittest.skipUnless(shutil.which("man") and shutil.which("groff"), "man-db / groff not installed")
    def test_man_renders_without_warnings(self):
        env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
        for page in ("man1/lgtmtop.1.gz", "man5/lgtmtop.yaml.5.gz"):
            with self.subTest(page=page):
                path = os.path.join(self.prefix, "share/man", page)
                p = sh("man", "--warnings=all", "-l", path, env=env)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertEqual(p.stderr, "", "man -l warnings")
                self.assertIn("NAME", p.stdout)
                g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=self.man_text(page),
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(g.stderr, "", "groff -ww warnings")
        # man finds them through MANPATH, as an installed system would
        p = sh("man", "-w", "lgtmtop.yaml", env=dict(env, MANPATH=os.path.join(self.prefix, "share/man")))
        self.assertTrue(p.stdout.strip().endswith("man5/lgtmtop.yaml.5.gz"), p.stdout + p.stderr)

    def test_man1_complete(self):
        text = self.man_text("man1/lgtmtop.1.gz").replace("\\-", "-")
        for cmd in ([], ["tui"], ["check"], ["serve"], ["init"], ["config", "check"]):
            helptext = sh(self.bin, *cmd, "--help").stdout
            for opt in set(re.findall(r"--[a-z][a-z.-]*[a-z]", helptext)):
                self.assertIn(opt, text, "lgtmtop(1) lacks %s (from %s --help)" % (opt, " ".join(cmd)))
        for word in ("init", "config check", "check", "dashboards lint", "EXIT STATUS", "ENVIRONMENT", "FILES",
                     "LGTMTOP_CONFIG", "GRAFANA_TOKEN", "MIMIR_URL", "LOKI_URL", "TEMPO_URL", "TEMPO_INTERNAL_URL",
                     "GRAFANA_URL", "PROMETHEUS_URL", "MIMIR_TENANT", "XDG_CONFIG_HOME", "NO_COLOR",
                     "lgtmtop.yaml", "config.yaml"):
            self.assertIn(word, text)
        for code in ("0", "1", "2", "3"):
            self.assertRegex(text, r"\.TP\n\.B %s\n" % code)

    def test_man5_every_key(self):
        text = self.man_text("man5/lgtmtop.yaml.5.gz")
        src = ""
        for name in ("config_yaml.c", "custom_cfg.c"):  # the key tables
            path = os.path.join(ROOT, "src", name)
            if os.path.exists(path):
                with open(path) as f:
                    src += f.read()
        keys = set(re.findall(r'\]\s*=\s*\{"([a-z_]+)",\s*set_', src))
        self.assertGreater(len(keys), 40)
        for key in sorted(keys):
            self.assertRegex(text, r"(?m)^\.(B|BR|BI) .*\b%s\b" % key, "lgtmtop.yaml(5) lacks key %s" % key)

    def complete_bash(self, words, env=None):
        script = os.path.join(self.prefix, "share/bash-completion/completions/lgtmtop")
        prog = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _lgtmtop; '
                'printf "%s\\n" "${COMPREPLY[@]}"')
        e = dict(os.environ, PATH=os.path.dirname(self.bin) + ":" + os.environ.get("PATH", ""))
        e.pop("LGTMTOP_CONFIG", None)
        if env:
            e.update(env)
        p = subprocess.run(["bash", "-c", prog, "_", script, *words], capture_output=True, text=True, env=e,
                           timeout=60, cwd=self.tmp.name)
        self.assertEqual(p.stderr, "")
        return [w for w in p.stdout.splitlines() if w]

    def test_bash_completion(self):
        self.assertEqual(self.complete_bash(["lgtmtop", "ch"]), ["check"])
        self.assertEqual(self.complete_bash(["lgtmtop", "check", "--sta"]), ["--stack"])
        self.assertEqual(self.complete_bash(["lgtmtop", "--sta"]), ["--stack"])
        self.assertEqual(self.complete_bash(["lgtmtop", "config", ""]), ["check"])
        self.assertEqual(self.complete_bash(["lgtmtop", "init", "--fo"]), ["--force"])
        self.assertNotIn("--json", self.complete_bash(["lgtmtop", "init", "--"]))
        self.assertEqual(self.complete_bash(["lgtmtop", "check", "--only", "tempo,gr"]), ["tempo,grafana"])
        cfg = os.path.join(self.tmp.name, "multi.yaml")
        with open(cfg, "w") as f:
            f.write("stacks:\n  - name: production\n    loki: http://l:3100\n"
                    "  - name: staging\n    loki: http://s:3100\n")
        self.assertEqual(self.complete_bash(["lgtmtop", "-c", cfg, "check", "--stack", ""]),
                         ["production", "staging"])
        self.assertEqual(self.complete_bash(["lgtmtop", "check", "--stack", "st"], env={"LGTMTOP_CONFIG": cfg}),
                         ["staging"])

    def test_zsh_fish_completion(self):
        zsh, fish = shutil.which("zsh"), shutil.which("fish")
        if not zsh and not fish:
            self.skipTest("neither zsh nor fish installed")
        if zsh:
            p = sh(zsh, "-n", os.path.join(self.prefix, "share/zsh/site-functions/_lgtmtop"))
            self.assertEqual(p.returncode, 0, p.stderr)
        if fish:
            script = os.path.join(self.prefix, "share/fish/vendor_completions.d/lgtmtop.fish")
            env = dict(os.environ, PATH=os.path.dirname(self.bin) + ":" + os.environ.get("PATH", ""),
                       HOME=self.tmp.name, XDG_CONFIG_HOME=self.tmp.name)
            p = subprocess.run([fish, "-c", 'source $argv[1]; complete -C "lgtmtop ch"; complete -C "lgtmtop check --sta"',
                                script], capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual([ln.split("\t")[0] for ln in p.stdout.splitlines()], ["check", "--stack"])
            # every option of every subcommand's help is offered somewhere
            with open(script) as f:
                ftext = f.read()
            with open(os.path.join(self.prefix, "share/zsh/site-functions/_lgtmtop")) as f:
                ztext = f.read()
            for cmd in (["tui"], ["check"], ["serve"], ["init"], ["config", "check"]):
                for opt in set(re.findall(r"--[a-z][a-z.-]*[a-z]", sh(self.bin, *cmd, "--help").stdout)):
                    self.assertTrue("-l " + opt[2:] + " " in ftext, "fish lacks " + opt)
                    self.assertTrue(re.search(re.escape(opt) + r"(\[|\})", ztext), "zsh lacks " + opt)


if __name__ == "__main__":
    unittest.main()
