"""The status page of lgtmtop serve in a real browser (headless Chromium from Debian): the grid,
the findings and a hostile datasource name that must stay text. Screenshots go to
$LGTMTOP_SCREENSHOTS when set (scripts/screenshots.sh), else to a temp dir."""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeStack, Serve, wait_for  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Dom(html.parser.HTMLParser):
    """Elements (tag, attrs) in document order and the text, from a DOM Chromium serialised."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.elements, self.chunks = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    def text(self):
        return "".join(self.chunks)

    def having(self, tag, cls):
        return [a for t, a in self.elements if t == tag and cls in (a.get("class") or "").split()]


@unittest.skipUnless(CHROMIUM or os.environ.get("CI"), "chromium not installed (apt-get install chromium)")
class StatusPageInChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.fs = FakeStack("--fault", "grafana=ds_hostile", "--fault", "loki=refused")
        cls.srv = Serve("-c", cls.fs.config, "-i", "1s")
        cls.profile = tempfile.TemporaryDirectory(prefix="lgtmtop-chromium-")
        wait_for(lambda: cls.srv.get("/-/ready")[0] == 200, timeout=30, what="the first sweep")

    @classmethod
    def tearDownClass(cls):
        cls.srv.close()
        cls.fs.close()
        cls.profile.cleanup()

    def chromium(self, *args):
        p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--no-first-run", "--user-data-dir=" + self.profile.name, *args, self.srv.url + "/"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        return p.stdout

    def test_dom_has_the_grid_and_the_findings(self):
        dom = Dom(self.chromium("--dump-dom"))
        rows = {a["data-component"]: a["data-status"] for a in dom.having("tr", "comp")}
        self.assertEqual(rows, {"mimir": "OK", "loki": "FAIL", "tempo": "OK", "grafana": "FAIL",
                                "prometheus": "OK"})
        checks = [a["data-check"] for a in dom.having("tr", "check")]
        self.assertIn("datasources", checks)
        findings = dom.having("div", "finding")
        self.assertIn(("demo", "loki"), [(f["data-stack"], f["data-component"]) for f in findings])
        self.assertIn("sev-FAIL", findings[0]["class"])
        text = dom.text()
        self.assertIn("Loki is down", text)
        self.assertIn("→ ", text)
        self.assertIn("CRITICAL", text)

    def test_a_hostile_datasource_name_stays_text(self):
        dom = Dom(self.chromium("--dump-dom"))
        tags = {t for t, _ in dom.elements}
        self.assertNotIn("script", tags)
        self.assertNotIn("img", tags)
        self.assertNotIn("b", tags)
        self.assertFalse([a for _, a in dom.elements if "onerror" in a])
        text = dom.text()  # shown, as the text it is
        for piece in ("<script>alert('lgtmtop')</script><img src=x o", "<b>bad</b> gateway: <script>alert(2)</"):
            self.assertTrue(piece in text, "%r not shown as text" % piece)
        code, headers, body = self.srv.get("/")
        self.assertEqual(code, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        self.assertIn("&lt;script&gt;alert(&#39;lgtmtop&#39;)&lt;/script&gt;", body)
        self.assertNotIn("http://", body.split("<style>")[1].split("</style>")[0])  # no external asset
        self.assertIn('<meta http-equiv="refresh"', body)
        self.assertIn("prefers-color-scheme:dark", body)

    def test_screenshots(self):
        out = os.environ.get("LGTMTOP_SCREENSHOTS") or self.profile.name
        shots = (("serve-status.png", ["--window-size=1200,1500"]),
                 ("serve-status-phone-dark.png", ["--window-size=390,1300", "--force-dark-mode"]))
        for name, args in shots:
            path = os.path.join(out, name)
            self.chromium("--screenshot=" + path, *args)
            with open(path, "rb") as f:
                head = f.read(8)
            self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
            self.assertGreater(os.path.getsize(path), 10000)


if __name__ == "__main__":
    unittest.main(verbosity=2)
