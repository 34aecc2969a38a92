"""`lgtmtop lint` on tests/fixtures/lint-repo, a provisioning repo laid out like the one in the
origin story (grafana/dashboards/<team>/*.json, grafana/datasources, grafana/provisioning/alerting,
prometheus/alert.rules.yml, tempo/tempo.yml) with its breakages next to correct neighbours: every
finding, its file:line, the exit code, --json and --format github."""
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, run  # noqa: E402

REPO = os.path.join(ROOT, "tests", "fixtures", "lint-repo")
KNOWN = "(known: grafana_mimir (Mimir), grafana_loki (Loki), grafana_tempo (Tempo))"

# (file:line, severity, the start of what follows "severity: ")
EXPECTED = [
    ("grafana/dashboards/backend/api.json:55", "error",
     'dashboard "Backend API": row "Traffic" > panel "Requests": datasource "grafana_prometheus" does not exist '
     + KNOWN + " [panels[1].datasource]"),
    ("grafana/dashboards/backend/api.json:60", "note",
     'dashboard "Backend API": row "Traffic" > panel "Requests" (target A): target datasource "grafana_prometheus" '
     "does not exist, but Grafana sends every target of a panel that is not Mixed to the panel's datasource: "
     "harmless until the panel is made Mixed [panels[1].targets[0]]"),
    ("grafana/dashboards/backend/api.json:80", "error",
     'dashboard "Backend API": row "Traffic" > panel "Errors": datasource "grafana_prometheus" does not exist'),
    ("grafana/dashboards/backend/api.json:105", "error",
     'dashboard "Backend API": row "Traffic" > panel "p99 latency": datasource "grafana_prometheus" does not exist'),
    ("grafana/dashboards/backend/api.json:130", "error",
     'dashboard "Backend API": row "Traffic" > panel "Saturation": datasource "grafana_prometheus" does not exist'),
    ("grafana/dashboards/gateway/gateway.json:42", "error",
     'dashboard "Gateway": panel "Upstream requests": datasource "Prometheus" does not exist; deleted by '
     "deleteDatasources at grafana/datasources/datasources.yml:6 " + KNOWN),
    ("grafana/dashboards/gateway/gateway.json:60", "error",
     'dashboard "Gateway": panel "Upstream errors": datasource "Prometheus" does not exist; deleted by'),
    ("grafana/dashboards/prometheus/prometheus.json:100", "error",
     'dashboard "Prometheus": panel "Mixed sources" (target B): datasource "grafana_prometheus" does not exist '
     + KNOWN + " [panels[1].targets[1]]"),
    ("grafana/dashboards/tempo/exported.json:42", "error",
     'dashboard "Tempo (exported)": panel "Traces": import placeholder ${DS_GRAFANACLOUD-EXAMPLE1-TEMPO} is never '
     "replaced in a dashboard provisioned from files"),
    ("grafana/dashboards/tempo/tempo-operational.json:47", "note",
     'dashboard "Tempo operational": panel "Spans received" (target A): target datasource "grafana_prometheus" does '
     "not exist, but Grafana sends every target"),
    ("grafana/datasources/datasources.yml:40", "error",
     "${TEMPO_INTERNAL_URL} is not set in deploy.env: Grafana provisions an empty string in its place"),
    ("grafana/datasources/datasources.yml:46", "error",
     'datasource "Tempo": traces to metrics: datasourceUid "grafana_prometheus" is not a provisioned datasource '
     + KNOWN + " [datasources[2].jsonData.tracesToMetrics.datasourceUid]"),
    ("grafana/provisioning/alerting/notification_policies.yml:9", "error",
     'route: receiver "ops-email" is not a contact point of this repo: Grafana refuses the policy '
     "[policies[0].routes[1].receiver]"),
    ("grafana/provisioning/alerting/rules/gateway.yml:14", "error",
     'rule "Gateway 5xx" (group "gateway"), query A: datasourceUid "grafana_prometheus" is not a provisioned '
     "datasource " + KNOWN + ": the rule errors on every evaluation [groups[0].rules[0].data[0]]"),
    ("prometheus/alert.rules.yml:16", "error",
     'group "api", alert "APIHighLatency": for: "2mins" is not a Prometheus duration (such as 30s, 5m, 1h30m) '
     "[groups[1].rules[0].for]"),
    ("prometheus/alert.rules.yml:18", "error",
     'group "node": group name "node" is repeated in this file (first at line 2): Prometheus refuses the file'),
    ("tempo/tempo.yml:8", "warning",
     'receiver OTLP gRPC: no endpoint: since Tempo 2.7 it listens on localhost only and spans from other hosts or '
     'containers are refused — set endpoint: "0.0.0.0:4317" [distributor.receivers.otlp.protocols.grpc]'),
    ("tempo/tempo.yml:24", "warning",
     "metrics-generator: writes span metrics to http://prometheus:9090/api/v1/write, but no Prometheus datasource of "
     "this repo reads from prometheus:9090"),
]

# correct neighbours: no finding at all
CLEAN = ["grafana/dashboards/backend/workers.json", "grafana/dashboards/executive/summary.json",
         "grafana/dashboards/loki/logs.json", "grafana/provisioning/alerting/rules/api.yml",
         "grafana/provisioning/alerting/contact_points.yml", "grafana/provisioning/dashboards/dashboards.yml"]


class LintRepo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # a copy, so the run's paths are the repo's own (lgtmtop lint from the repo's root)
        cls.tmp = tempfile.mkdtemp(prefix="lgtmtop-lint-repo-")
        cls.repo = os.path.join(cls.tmp, "repo")
        shutil.copytree(REPO, cls.repo)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def lint(self, *args):
        cwd = os.getcwd()
        os.chdir(self.repo)
        try:
            return run("lint", *args)
        finally:
            os.chdir(cwd)

    def test_every_finding_and_exit_2(self):
        r = self.lint("--env-file", "deploy.env", "--no-promtool")
        self.assertEqual(r.rc, 2, r.out + r.err)
        lines = r.out.splitlines()
        findings = lines[:-1]
        for where, sev, text in EXPECTED:
            prefix = "%s: %s: %s" % (where, sev, text)
            self.assertTrue(any(ln.startswith(prefix) for ln in findings), "missing: " + prefix + "\n" + r.out)
        self.assertEqual(len(findings), len(EXPECTED), r.out)  # nothing else: no false alarm
        for f in CLEAN:
            self.assertNotIn(f + ":", r.out)
        self.assertEqual(lines[-1], "FAIL: 16 files linted (8 dashboards, 1 datasource file, 1 dashboard provider "
                                    "file, 4 alerting files, 1 rule file, 1 Tempo config): 14 errors, 2 warnings, "
                                    "2 notes; 44 datasource references: 8 missing, 0 deprecated")
        self.assertEqual(r.err, "")
        self.assertNotIn("\x1b", r.out)

    def test_dashboards_lint_alias_and_options_anywhere(self):
        r = self.lint("grafana/dashboards/executive", "--datasources", "grafana/datasources")
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertEqual(r.out.splitlines()[-1], "OK: 1 file linted (1 dashboard): 0 errors, 0 warnings, 0 notes; "
                                                 "6 datasource references: 0 missing, 0 deprecated")
        cwd = os.getcwd()
        os.chdir(self.repo)
        try:
            a = run("dashboards", "lint", "grafana/dashboards/backend", "--datasources", "grafana/datasources")
        finally:
            os.chdir(cwd)
        self.assertEqual(a.rc, 2)
        self.assertIn("grafana/dashboards/backend/api.json:55: error:", a.out)

    def test_environment_without_env_file(self):
        r = self.lint("grafana/datasources")
        self.assertEqual(r.rc, 2)
        self.assertIn("grafana/datasources/datasources.yml: note: reads from the environment: MIMIR_TENANT "
                      "TEMPO_INTERNAL_URL (give --env-file FILE or --env to check they are set)", r.out)
        self.assertNotIn("__value", r.out)  # $${...} is a literal dollar
        cwd = os.getcwd()
        os.chdir(self.repo)
        try:
            r = run("lint", "grafana/datasources", "--env",
                    env={"TEMPO_INTERNAL_URL": "http://tempo:3200", "MIMIR_TENANT": "anonymous"})
        finally:
            os.chdir(cwd)
        self.assertNotIn("TEMPO_INTERNAL_URL", r.out)

    def test_json(self):
        r = self.lint("--env-file", "deploy.env", "--json", "--no-promtool")
        self.assertEqual(r.rc, 2)
        doc = json.loads(r.out)
        self.assertEqual(doc["exit_code"], 2)
        self.assertEqual((doc["counts"]["errors"], doc["counts"]["warnings"], doc["counts"]["notes"]), (14, 2, 2))
        self.assertEqual(doc["counts"]["by_kind"], {"dashboard": 8, "datasources": 1, "providers": 1, "alerting": 4,
                                                    "rules": 1, "tempo": 1, "alertmanager": 0})
        kinds = {(f["file"], f["kind"]) for f in doc["files"]}
        self.assertIn(("tempo/tempo.yml", "tempo"), kinds)
        self.assertIn(("prometheus/alert.rules.yml", "rules"), kinds)
        first = doc["findings"][0]
        self.assertEqual({k: first[k] for k in ("file", "line", "severity", "kind", "check", "path", "panel",
                                                "datasource", "status")},
                         {"file": "grafana/dashboards/backend/api.json", "line": 55, "severity": "error",
                          "kind": "dashboard", "check": "missing-datasource", "path": "panels[1].datasource",
                          "panel": "Requests", "datasource": "grafana_prometheus", "status": "missing"})
        self.assertEqual([d["uid"] for d in doc["datasources"]], ["grafana_mimir", "grafana_loki", "grafana_tempo"])

    def test_github_annotations(self):
        r = self.lint("--env-file", "deploy.env", "--format", "github", "--no-promtool")
        self.assertEqual(r.rc, 2)
        lines = r.out.splitlines()
        self.assertIn("::error file=prometheus/alert.rules.yml,line=16,title=lgtmtop lint invalid-duration::"
                      'group "api", alert "APIHighLatency": for: "2mins" is not a Prometheus duration (such as 30s, '
                      "5m, 1h30m) [groups[1].rules[0].for]", lines)
        self.assertTrue(any(ln.startswith("::warning file=tempo/tempo.yml,line=8,") for ln in lines))
        self.assertTrue(any(ln.startswith("::notice file=grafana/dashboards/tempo/tempo-operational.json,line=47,")
                            for ln in lines))
        self.assertEqual(sum(ln.startswith("::error ") for ln in lines), 14)
        self.assertTrue(lines[-1].startswith("FAIL: 16 files linted"))

    @unittest.skipUnless(shutil.which("promtool"), "promtool is not installed")
    def test_promtool_folded_in(self):
        # the repo's rule file has structural errors of ours: promtool adds nothing there
        r = self.lint("prometheus")
        self.assertEqual(r.rc, 2)
        self.assertNotIn("promtool", r.out)
        # a PromQL syntax error only promtool sees, at its line
        bad = os.path.join(self.tmp, "promql")
        os.makedirs(bad, exist_ok=True)
        with open(os.path.join(bad, "rules.yml"), "w") as f:
            f.write("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m]) > 1\n")
        r = run("lint", bad)
        self.assertEqual(r.rc, 2, r.out)
        self.assertIn("promql/rules.yml:5: error: promtool check rules: group \"g\", rule 1, \"A\": could not parse "
                      "expression", r.out)

    def test_help(self):
        for args in (("lint", "--help"), ("help", "lint"), ("dashboards", "lint", "--help")):
            r = run(*args)
            self.assertEqual(r.rc, 0, args)
            self.assertIn("lint [--datasources FILE|DIR]...", r.out)
            self.assertIn("--format FORMAT", r.out)
        r = run("lint", "--bogus")
        self.assertEqual(r.rc, 3)
        self.assertIn('lint: unknown option "--bogus"', r.err)

    def test_nothing_to_lint(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(os.path.join(empty, "docs"), exist_ok=True)
        with open(os.path.join(empty, "docs", "package.json"), "w") as f:
            f.write('{"name": "x"}\n')
        r = run("lint", empty)
        self.assertEqual(r.rc, 3)
        self.assertIn("nothing to lint in %s" % empty, r.err)
        self.assertEqual(r.out, "")


PUBLIC = os.path.join(ROOT, "tests", "fixtures", "dashboards", "public")


class PublicCorpus(unittest.TestCase):
    """Real public dashboards and provisioning: no false alarm."""

    def test_mixins_and_community_dashboards(self):
        r = run("lint", os.path.join(PUBLIC, "tempo-mixin"), os.path.join(PUBLIC, "rfmoz"),
                "--datasources", os.path.join(REPO, "grafana", "datasources"))
        self.assertEqual(r.rc, 0, r.out + r.err)
        self.assertNotIn(": error:", r.out)
        self.assertNotIn(": warning:", r.out)
        # Grafana's Tempo mixin: stale target datasources of panels that are not Mixed, each a note
        notes = [ln for ln in r.out.splitlines() if ": note: " in ln]
        self.assertEqual(len(notes), 3, r.out)
        for ds in ("mimir-ops-03", "P666011C0B63BDCA4", "cortex-ops-01"):
            self.assertTrue(any('target datasource "%s" does not exist' % ds in ln and "harmless until the panel is "
                                "made Mixed" in ln for ln in notes), ds)
        self.assertTrue(r.out.splitlines()[-1].startswith("OK: 8 files linted (8 dashboards): 0 errors"))

    def test_loki_mixin_dashboards_and_rules(self):
        r = run("lint", os.path.join(PUBLIC, "loki-mixin"), "--datasources", os.path.join(REPO, "grafana", "datasources"))
        self.assertEqual(r.rc, 0, r.out + r.err)
        lines = [ln for ln in r.out.splitlines() if "promtool" not in ln]  # a note when it is not installed
        self.assertEqual(len(lines), 2, r.out)
        self.assertIn('target datasource "000000134" does not exist', lines[0])
        self.assertTrue(lines[-1].startswith("OK: 5 files linted (3 dashboards, 2 rule files): 0 errors, 0 warnings, "),
                        lines[-1])
        self.assertTrue(lines[-1].endswith("; 182 datasource references: 0 missing, 0 deprecated"), lines[-1])

    def test_kube_prometheus_manifests(self):
        # dashboards carried in a ConfigMapList, datasources in a Secret, rules in a PrometheusRule
        r = run("lint", os.path.join(PUBLIC, "kube-prometheus"), "--no-promtool")
        self.assertEqual(r.rc, 0, r.out + r.err)
        lines = r.out.splitlines()
        self.assertEqual(len(lines), 2, r.out)
        self.assertIn('grafana-dashboardDatasources.yaml:16: note: [datasources.yaml] datasource "prometheus": no uid',
                      lines[0])
        self.assertEqual(lines[-1], "OK: 35 files linted (33 dashboards, 1 datasource file, 1 rule file): 0 errors, "
                                    "0 warnings, 1 note; 992 datasource references: 0 missing, 0 deprecated")

    def test_docker_otel_lgtm(self):
        r = run("lint", os.path.join(PUBLIC, "docker-otel-lgtm"))
        self.assertEqual(r.rc, 1, r.out + r.err)
        lines = r.out.splitlines()
        self.assertEqual([ln.split(": ", 2)[1] for ln in lines[:-1]], ["warning", "warning", "note"], r.out)
        self.assertIn('tempo-config.yaml:10: warning: receiver OTLP gRPC: endpoint "127.0.0.1:4417" accepts spans '
                      'from this host only — use "0.0.0.0:4417"', r.out)
        self.assertEqual(lines[-1], "WARN: 6 files linted (3 dashboards, 1 datasource file, 1 dashboard provider "
                                    "file, 1 Tempo config): 0 errors, 2 warnings, 1 note; 45 datasource references: "
                                    "0 missing, 0 deprecated")


if __name__ == "__main__":
    unittest.main()
