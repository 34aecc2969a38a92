"""The Debian package: scripts/package.sh builds it (release build, CPack, Depends from
dpkg-shlibdeps, lintian without errors when installed); dpkg-deb --info and --contents show
the right metadata and every file; the packaged binary runs."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FILES = [
    "./usr/bin/lgtmtop",
    "./usr/share/man/man1/lgtmtop.1.gz",
    "./usr/share/man/man5/lgtmtop.yaml.5.gz",
    "./usr/share/bash-completion/completions/lgtmtop",
    "./usr/share/zsh/vendor-completions/_lgtmtop",
    "./usr/share/fish/vendor_completions.d/lgtmtop.fish",
    "./usr/share/doc/lgtmtop/copyright",
    "./usr/share/doc/lgtmtop/changelog.Debian.gz",
    "./usr/share/doc/lgtmtop/README.md",
    "./usr/share/doc/lgtmtop/examples/README.md",
    "./usr/share/doc/lgtmtop/examples/kubernetes/job.yaml",
    "./usr/share/doc/lgtmtop/examples/github-actions/lgtmtop.yml",
    "./usr/share/lintian/overrides/lgtmtop",
]


@unittest.skipUnless(shutil.which("dpkg-deb") and shutil.which("dpkg-shlibdeps") and shutil.which("cpack"),
                     "dpkg-dev / cpack not installed")
class Package(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="lgtmtop-deb-")
        # one compile job: the other tests run next to this build and some of them time things
        p = subprocess.run([os.path.join(ROOT, "scripts", "package.sh"), os.path.join(cls.tmp.name, "build")],
                           capture_output=True, text=True, timeout=900, env=dict(os.environ, JOBS="1"))
        cls.rc, cls.err = p.returncode, p.stderr
        lines = p.stdout.strip().splitlines()
        cls.deb = lines[-1] if lines else ""

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_built_and_lintian_clean(self):
        self.assertEqual(self.rc, 0, self.err)     # package.sh runs lintian --fail-on error when present
        self.assertTrue(self.deb.endswith("/lgtmtop_0.1.0-1_amd64.deb") or self.deb.endswith(".deb"), self.deb)
        self.assertNotRegex(self.err, r"(?m)^[EW]: ")   # not even warnings

    def test_info(self):
        info = subprocess.run(["dpkg-deb", "--info", self.deb], capture_output=True, text=True, check=True).stdout
        self.assertRegex(info, r"(?m)^ Package: lgtmtop$")
        self.assertRegex(info, r"(?m)^ Version: 0\.1\.0-1$")
        self.assertRegex(info, r"(?m)^ Section: net$")
        self.assertRegex(info, r"(?m)^ Description: health checker and live view for Grafana LGTM stacks$")
        dep = re.search(r"(?m)^ Depends: (.*)$", info).group(1)
        # from the libraries actually linked (dpkg-shlibdeps), with their minimum versions
        for lib in ("libc6", "libcurl4", "libncursesw6", "libcjson1", "libyaml-0-2", "libmicrohttpd12"):
            self.assertRegex(dep, r"(^|, )%s( \(>= [^)]+\))?(,|$)" % re.escape(lib), dep)
        self.assertNotIn("-dev", dep)

    def test_contents(self):
        out = subprocess.run(["dpkg-deb", "--contents", self.deb], capture_output=True, text=True, check=True).stdout
        paths = {line.split()[5] for line in out.splitlines()}
        for f in FILES:
            self.assertIn(f, paths)
        for line in out.splitlines():
            self.assertIn(" root/root ", line)
        binline = next(line for line in out.splitlines() if line.endswith("./usr/bin/lgtmtop"))
        self.assertTrue(binline.startswith("-rwxr-xr-x"), binline)

    def test_packaged_binary_runs(self):
        root = os.path.join(self.tmp.name, "root")
        subprocess.run(["dpkg-deb", "-x", self.deb, root], check=True)
        p = subprocess.run([os.path.join(root, "usr/bin/lgtmtop"), "--version"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("lgtmtop 0.1.0\nlibcurl "), p.stdout)
        file_out = subprocess.run(["file", os.path.join(root, "usr/bin/lgtmtop")], capture_output=True,
                                  text=True).stdout if shutil.which("file") else "stripped"
        self.assertNotIn("not stripped", file_out)


if __name__ == "__main__":
    unittest.main()
