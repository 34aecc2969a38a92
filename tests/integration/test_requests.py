"""What each check sends: method, path, query and headers, pinned per component against the fake
stack's request log (tenants required, a Grafana token). A renamed path, a lost tenant header or a
token sent where it must not go turns a row red."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeStack, run  # noqa: E402

TENANT = "pin-tenant"
TOKEN = "glsa_pinned_token_value"

# (component, method, path, query regex or None for "no query", headers that must be present)
# Headers: name -> exact value; "Bearer <redacted>" means a bearer token was sent (its value is
# never logged). Every lgtmtop request carries the lgtmtop User-Agent (checked for all rows).
TENANT_H = {"x-scope-orgid": TENANT}
BEARER = {"authorization": "Bearer <redacted>"}
ROWS = [
    ("mimir", "GET", "/ready", None, TENANT_H),
    ("mimir", "GET", "/api/v1/status/buildinfo", None, TENANT_H),
    ("mimir", "GET", "/prometheus/api/v1/query", r"^query=up$", TENANT_H),
    ("mimir", "GET", "/prometheus/api/v1/rules", None, TENANT_H),
    ("mimir", "GET", "/prometheus/api/v1/alerts", None, TENANT_H),
    ("mimir", "GET", "/metrics", None, TENANT_H),
    ("mimir", "GET", "/prometheus/api/v1/query", r"^query=count%20by%20%28__name__%29", TENANT_H),
    ("loki", "GET", "/ready", None, TENANT_H),
    ("loki", "GET", "/loki/api/v1/status/buildinfo", None, TENANT_H),
    ("loki", "GET", "/loki/api/v1/labels", None, TENANT_H),
    ("loki", "GET", "/metrics", None, TENANT_H),
    ("tempo", "GET", "/ready", None, TENANT_H),
    ("tempo", "GET", "/api/status/buildinfo", None, TENANT_H),
    ("tempo", "GET", "/metrics", None, TENANT_H),
    ("tempo", "GET", "/api/search", r"^start=\d+&end=\d+&limit=20$", TENANT_H),
    ("tempo", "GET", "/api/v2/search/tag/resource.service.name/values", r"^start=\d+&end=\d+$", TENANT_H),
    ("tempo", "GET", "/api/metrics/query", r"^q=%7B%7D%20%7C%20count_over_time%28%29", TENANT_H),
    # the OTLP/HTTP receiver check: an empty export, JSON
    ("tempo", "POST", "/v1/traces", None, {"content-type": "application/json", **TENANT_H}),
    ("grafana", "GET", "/api/health", None, BEARER),
    ("grafana", "GET", "/api/datasources", None, BEARER),
    ("grafana", "GET", "/api/search", r"^type=dash-db&limit=5000&page=1$", BEARER),
    ("grafana", "GET", "/api/datasources/uid/loki/health", None, BEARER),
    ("grafana", "GET", "/api/prometheus/grafana/api/v1/rules", None, BEARER),
    ("grafana", "GET", "/api/v1/provisioning/alert-rules", None, BEARER),
    ("grafana", "GET", "/api/v1/provisioning/policies", None, BEARER),
    ("grafana", "GET", "/api/v1/provisioning/contact-points", None, BEARER),
    ("grafana", "GET", "/api/dashboards/uid/obs-health", None, BEARER),
    ("prometheus", "GET", "/-/ready", None, {}),
    ("prometheus", "GET", "/api/v1/status/buildinfo", None, {}),
    ("prometheus", "GET", "/api/v1/targets", r"^state=active$", {}),
    ("prometheus", "GET", "/api/v1/query", r"^query=up$", {}),
    ("prometheus", "GET", "/api/v1/rules", None, {}),
    ("prometheus", "GET", "/api/v1/alerts", None, {}),
]


class RequestsSent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        args = ["--grafana-token", TOKEN]
        for c in ("mimir", "loki", "tempo"):
            args += ["--require-tenant", f"{c}={TENANT}"]
        cls.fs = FakeStack(*args)
        cls.r = run("check", "--json", "-c", cls.fs.config)
        cls.log = {c: [q for q in cls.fs.requests(c) if q["headers"].get("user-agent", "").startswith("lgtmtop/")]
                   for c in ("mimir", "loki", "tempo", "grafana", "prometheus")}

    @classmethod
    def tearDownClass(cls):
        cls.fs.close()

    def test_the_sweep_is_clean(self):
        self.assertEqual(self.r.rc, 0, self.r.out + self.r.err)

    def test_each_check_sends_what_its_server_expects(self):
        for comp, method, path, query, headers in ROWS:
            with self.subTest(component=comp, path=path, query=query):
                sent = [q for q in self.log[comp] if q["method"] == method and q["path"] == path
                        and (re.search(query, q["query"]) if query else q["query"] == "")]
                self.assertTrue(sent, f"no {method} {path} ?{query or ''} among "
                                f"{sorted({(q['method'], q['path']) for q in self.log[comp]})}")
                for name, value in headers.items():
                    self.assertEqual(sent[0]["headers"].get(name), value, f"{name} on {method} {path}")

    def test_grafana_datasource_list_fetched_once_per_sweep(self):
        # the datasources, dashboards and alerting checks all need it: one request serves them
        sent = [q for q in self.log["grafana"] if q["method"] == "GET" and q["path"] == "/api/datasources"]
        self.assertEqual(len(sent), 1, f"{len(sent)} GET /api/datasources in one sweep")
        doc = self.r.json()
        names = {k["name"]: k for c in doc["stacks"][0]["components"] if c["name"] == "grafana" for k in c["checks"]}
        for check in ("datasources", "dashboards", "alerting"):
            self.assertIsNone(names[check]["error"], f"{check}: {names[check]['message']}")

    def test_no_credential_where_it_does_not_belong(self):
        # the Grafana token goes to Grafana only; tenants only to the tenant-scoped components
        for comp in ("mimir", "loki", "tempo", "prometheus"):
            for q in self.log[comp]:
                self.assertNotIn("authorization", q["headers"], f"{comp} {q['path']}")
        for comp in ("grafana", "prometheus"):
            for q in self.log[comp]:
                self.assertNotIn("x-scope-orgid", q["headers"], f"{comp} {q['path']}")
        self.assertNotIn(TOKEN, self.r.out + self.r.err, "the token in lgtmtop's output")


if __name__ == "__main__":
    unittest.main()
