/* Tests for `lgtmtop lint` (and `dashboards lint`): whole runs on a temp directory laid out like
 * a provisioning repo (grafana/dashboards/team-a/NAME.json, grafana/datasources/datasources.yml),
 * asserting output lines, JSON and exit codes; arguments; datasource provisioning. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include <sys/stat.h>
#include <unistd.h>

#include "lgtmtop/lint.h"
#include "lgtmtop/util.h"

#define assert_contains(hay, needle)                             \
    do {                                                         \
        const char *h_ = (hay), *n_ = (needle);                  \
        if (!h_ || !strstr(h_, n_)) {                            \
            fprintf(stderr, "%s\n", h_ ? h_ : "(null)");         \
            fail_msg("expected \"%s\" in the output above", n_); \
        }                                                        \
    } while (0)

#define assert_not_contains(hay, needle)                       \
    do {                                                       \
        const char *h_ = (hay), *n_ = (needle);                \
        if (h_ && strstr(h_, n_))                              \
            fail_msg("did not expect \"%s\" in:\n%s", n_, h_); \
    } while (0)

static const char datasources_yml[] = "# provisioning, as in grafana/datasources/datasources.yml\n"
                                      "apiVersion: 1\n"
                                      "deleteDatasources:\n"
                                      "  - name: Graphite\n"
                                      "    orgId: 1\n"
                                      "datasources:\n"
                                      "  - name: Mimir\n"
                                      "    type: prometheus\n"
                                      "    uid: prometheus\n"
                                      "    access: proxy\n"
                                      "    url: http://mimir:9009/prometheus\n"
                                      "    isDefault: true\n"
                                      "    jsonData:\n"
                                      "      httpHeaderName1: X-Scope-OrgID\n"
                                      "    secureJsonData:\n"
                                      "      httpHeaderValue1: ${TENANT}\n"
                                      "  - name: Loki\n"
                                      "    type: loki\n"
                                      "    uid: loki\n"
                                      "    url: http://loki:3100\n"
                                      "  - name: Tempo\n"
                                      "    type: tempo\n"
                                      "    uid: tempo\n"
                                      "    url: http://tempo:3200\n"
                                      "  - name: Graphite\n"
                                      "    type: graphite\n"
                                      "    uid: graphite\n";

/* ---- a temp tree ----------------------------------------------------------------------- */

static char root[256];

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void copy_fixture(const char *rel, const char *dst)
{
    char *t = fixture_text(rel);
    write_file(dst, t);
    free(t);
}

static int setup_tree(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/lgtmtop-lint-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    write_file("grafana/datasources/datasources.yml", datasources_yml);
    write_file("grafana/datasources/README.md", "not yaml");
    copy_fixture("dashboards/crafted/clean.json", "grafana/dashboards/team-a/clean.json");
    copy_fixture("dashboards/crafted/every_form.json", "grafana/dashboards/team-a/every_form.json");
    copy_fixture("dashboards/crafted/missing_datasource.json", "grafana/dashboards/team-b/service-overview.json");
    copy_fixture("grafana/dashboard_loki_logs_legacy_string_refs.json",
                 "grafana/dashboards/team-b/nested/loki-logs.json");
    write_file("grafana/dashboards/team-b/notes.txt", "ignored: not .json");
    write_file("grafana/dashboards/.git/HEAD.json", "{\"panels\":[{\"datasource\":\"nope\"}]}");
    return 0;
}

static int teardown_tree(void **state)
{
    (void)state;
    char *cmd = xasprintf("rm -rf '%s'", root);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

/* Runs the lint with argv (after "dashboards lint"), in the tree's directory; output in *out. */
static int run_argv(char **out, int argc, char **argv);

/* `lgtmtop dashboards lint ARGS...` in the tree's directory; output (stdout then stderr) in *out. */
static int run_lint(char **out, const char *first, ...)
{
    char *argv[32] = {(char *)"dashboards", (char *)"lint"};
    int argc = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    return run_argv(out, argc, argv);
}

/* `lgtmtop lint ARGS...` */
static int run_repo(char **out, const char *first, ...)
{
    char *argv[32] = {(char *)"lint"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    return run_argv(out, argc, argv);
}

static int run_argv(char **out, int argc, char **argv)
{
    char cwd[1024];
    if (!getcwd(cwd, sizeof(cwd)) || chdir(root) != 0)
        fail_msg("chdir %s", root);
    struct lint_opts o;
    char err[512];
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0;
    FILE *of = open_memstream(&obuf, &olen), *ef = open_memstream(&ebuf, &elen);
    int code;
    int rc = lint_parse_args(argc, argv, &o, of, err, sizeof(err));
    if (rc < 0) {
        fprintf(ef, "lgtmtop: %s\n", err);
        code = 3;
    } else if (rc == 1) {
        code = 0;
    } else {
        code = lint_run(&o, of, ef);
        lint_opts_free(&o);
    }
    fclose(of);
    fclose(ef);
    if (chdir(cwd) != 0)
        fail_msg("chdir back");
    *out = xasprintf("%s%s", obuf, ebuf);
    free(obuf);
    free(ebuf);
    return code;
}

#define DS "--datasources", "grafana/datasources/datasources.yml"
#define KNOWN "(known: prometheus (Mimir), loki (Loki), tempo (Tempo), graphite (Graphite))"

/* ---- dashboards ------------------------------------------------------------------------ */

static void test_repo_missing_exit_2(void **state)
{
    (void)state;
    char *out;
    int code = run_lint(&out, DS, "grafana/dashboards", NULL);
    assert_int_equal(code, 2);
    /* file:line, the panel, the message, the JSON path; the known datasources with their names */
    assert_contains(out, "grafana/dashboards/team-b/service-overview.json:10: error: dashboard \"Service Overview\": "
                         "panel \"Latency\": datasource \"grafana_prometheus\" does not exist " KNOWN
                         " [panels[0].datasource]\n");
    /* a target of a panel that is not Mixed is sent to the panel's datasource: a note */
    assert_contains(out,
                    "service-overview.json:11: note: dashboard \"Service Overview\": panel \"Latency\" (target A): "
                    "target datasource \"grafana_prometheus\" does not exist, but Grafana sends every target");
    assert_contains(out, "harmless until the panel is made Mixed [panels[0].targets[0]]\n");
    assert_contains(out,
                    "service-overview.json:16: error: dashboard \"Service Overview\": panel \"Errors\": datasource "
                    "\"grafana_prometheus\" does not exist");
    assert_contains(out, "service-overview.json:27: error: dashboard \"Service Overview\": row \"Saturation\" > panel "
                         "\"CPU\" (target B): datasource \"grafana_prometheus\" does not exist " KNOWN
                         " [panels[2].panels[0].targets[1]]\n");
    /* every form resolves; placeholders and library panels are noted, not failed */
    assert_not_contains(out, "every_form.json: error");
    assert_contains(out, "every_form.json:47: note: dashboard \"Every Reference Form\": row \"Overview\" > panel "
                         "\"Export placeholder\": import placeholder ${DS_PROMETHEUS} (prometheus): replaced when the "
                         "dashboard is imported");
    assert_contains(out, "note: dashboard \"Every Reference Form\": row \"More\" > panel \"Shared latency\": library "
                         "panel \"Shared latency\" (lib-latency)");
    assert_not_contains(out, "clean.json");
    assert_not_contains(out, "HEAD.json");           /* hidden directories are not walked */
    assert_not_contains(out, "loki-logs.json:");     /* nested dir walked, and clean */
    assert_not_contains(out, "grafana/datasources"); /* not under the PATH */
    assert_contains(out, "FAIL: 4 files linted (4 dashboards): 3 errors, 0 warnings, 3 notes; ");
    /* grouped by file, in line order */
    assert_true(strstr(out, "every_form.json:47") < strstr(out, "every_form.json:88"));
    assert_true(strstr(out, "every_form.json") < strstr(out, "service-overview.json:10"));
    assert_true(strstr(out, "service-overview.json:10") < strstr(out, "service-overview.json:11"));
    free(out);
}

static void test_clean_exit_0(void **state)
{
    (void)state;
    char *out;
    int code = run_lint(&out, DS, "grafana/dashboards/team-b/nested", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "OK: 1 file linted (1 dashboard): 0 errors, 0 warnings, 0 notes; 15 datasource "
                         "references: 0 missing, 0 deprecated\n");
    free(out);
    /* --uid instead of provisioning; a single file as PATH */
    code = run_lint(&out, "--uid", "prometheus", "--uid", "loki", "--uid", "tempo",
                    "grafana/dashboards/team-a/clean.json", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "OK: 1 file linted (1 dashboard): 0 errors, 0 warnings, 0 notes; 7 datasource references");
    free(out);
}

static void test_deprecated_exit_1(void **state)
{
    (void)state;
    char *out;
    write_file("dep/legacy.json", "{\"title\":\"Legacy\",\"panels\":[{\"title\":\"p99\",\"datasource\":"
                                  "{\"type\":\"graphite\",\"uid\":\"loki\"},\"targets\":[{\"refId\":\"A\"}]}]}");
    int code = run_lint(&out, DS, "--deprecated", "loki=grafana_mimir", "dep", NULL);
    assert_int_equal(code, 1);
    assert_contains(out, "dep/legacy.json:1: warning: dashboard \"Legacy\": panel \"p99\": datasource \"loki\" is "
                         "deprecated: use \"grafana_mimir\" instead [panels[0].datasource]\n");
    assert_contains(out, "WARN: 1 file linted (1 dashboard): 0 errors, 1 warning, 0 notes; 1 datasource "
                         "reference: 0 missing, 1 deprecated");
    free(out);
    /* deprecated and gone: missing (exit 2), naming the replacement */
    write_file("dep2/gone.json", "{\"title\":\"Gone\",\"panels\":[{\"title\":\"x\",\"datasource\":\"old_prom\"}]}");
    code = run_lint(&out, DS, "--deprecated", "old_prom=grafana_mimir", "dep2", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "datasource \"old_prom\" does not exist; it was replaced by \"grafana_mimir\"");
    free(out);
    /* --deprecated alone: only deprecation is checked */
    code = run_lint(&out, "--deprecated", "old_prom=grafana_mimir", "dep2", NULL);
    assert_int_equal(code, 1);
    free(out);
    /* nothing to check against: said, as a warning */
    code = run_lint(&out, "dep2", NULL);
    assert_int_equal(code, 1);
    assert_contains(out, "warning: no datasource provisioning found (give --datasources FILE|DIR or --uid UID): the "
                         "dashboards' datasource references were not checked");
    free(out);
}

static void test_invalid_json_exit_2(void **state)
{
    (void)state;
    char *out;
    write_file("bad/broken.json", "{\n  \"title\": \"x\",\n  \"panels\": [\n    {\"id\": 1,}\n  ]\n}\n");
    write_file("bad/ok.json", "{\"title\":\"fine\",\"panels\":[{\"datasource\":\"nope\"}]}");
    write_file("bad/empty.json", "");
    write_file("bad/trailing.json", "{\"panels\":[]} x");
    write_file("bad/cut.json", "{\"panels\": [");
    int code = run_lint(&out, DS, "bad", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "bad/broken.json:4: error: invalid JSON (column 14) near \"} ] }\"");
    assert_contains(out, "bad/empty.json: error: empty file, not JSON");
    assert_contains(out, "bad/trailing.json:1: error: invalid JSON (column 15): unexpected text after the document");
    assert_contains(out, "bad/ok.json:1: error: dashboard \"fine\": panel #1: datasource \"nope\" does not exist");
    assert_contains(out, "bad/cut.json:1: error: invalid JSON (column 13): the document ends too early (truncated?)");
    assert_contains(out, "FAIL: 1 file linted (1 dashboard): 5 errors");
    free(out);
    code = run_lint(&out, DS, "no/such/dir", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "lgtmtop: no/such/dir: cannot read: No such file or directory");
    free(out);
}

/* libyaml takes minutes over deep nesting: refused at once, with the line */
static void test_deep_yaml_refused(void **state)
{
    (void)state;
    char *out;
    size_t n = 200000;
    char *deep = xmalloc(n + 64);
    int len = snprintf(deep, 64, "groups:\n  - name: x\n    rules: ");
    memset(deep + len, '[', n);
    deep[len + n] = '\0';
    write_file("deep/rules.yml", deep);
    free(deep);
    int code = run_lint(&out, "deep", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "deep/rules.yml:3: error: YAML nested deeper than 64 levels");
    assert_contains(out, "FAIL: 0 files linted: 1 error, 0 warnings, 0 notes");
    free(out);
}

static void test_nothing_to_lint_exit_3(void **state)
{
    (void)state;
    char *out;
    write_file("misc/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}");
    write_file("misc/list.json", "[1,2,3]");
    write_file("misc/compose.yml", "services:\n  grafana:\n    image: grafana/grafana\n");
    write_file("misc/chart/templates/x.yaml", "a: {{ .Values.x }}\n"); /* not YAML, not ours: passed over */
    int code = run_repo(&out, "misc", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "lgtmtop: nothing to lint in misc: no dashboard, Grafana provisioning, rule file or Tempo "
                         "config (4 files looked at)\n");
    free(out);
    /* a file named on the command line that is not ours: a note, and still nothing to lint */
    code = run_repo(&out, "misc/package.json", "grafana/dashboards/team-a/clean.json", DS, NULL);
    assert_int_equal(code, 3);
    free(out);
    code = run_repo(&out, "grafana/dashboards/team-a/clean.json", "misc/list.json", DS, NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "nothing to lint in misc/list.json");
    free(out);
    write_file("empty-dir/.keep", "");
    code = run_repo(&out, "empty-dir", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "nothing to lint in empty-dir");
    free(out);
}

static void test_grafana12_resources(void **state)
{
    (void)state;
    char *out;
    write_file("res/v1.json", "{\"apiVersion\":\"dashboard.grafana.app/v1beta1\",\"kind\":\"Dashboard\","
                              "\"metadata\":{\"name\":\"v1\"},\"spec\":{\"title\":\"V1\",\n"
                              "\"panels\":[{\"title\":\"P\",\"datasource\":{\"uid\":\"gone\"}}]}}");
    write_file("res/v2.yaml", "apiVersion: dashboard.grafana.app/v2beta1\n"
                              "kind: Dashboard\n"
                              "metadata:\n  name: v2\n"
                              "spec:\n"
                              "  title: V2\n"
                              "  elements:\n"
                              "    panel-1:\n"
                              "      kind: Panel\n"
                              "      spec:\n"
                              "        title: Req\n"
                              "        data:\n"
                              "          kind: QueryGroup\n"
                              "          spec:\n"
                              "            queries:\n"
                              "              - kind: PanelQuery\n"
                              "                spec:\n"
                              "                  refId: A\n"
                              "                  query:\n"
                              "                    kind: DataQuery\n"
                              "                    group: prometheus\n"
                              "                    datasource: {name: grafana_prometheus}\n"
                              "  layout: {kind: GridLayout, spec: {items: []}}\n");
    int code = run_repo(&out, "res", DS, NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "res/v1.json:2: error: dashboard \"V1\": panel \"P\": datasource \"gone\" does not exist");
    assert_contains(out, "[spec.panels[0].datasource]");
    assert_contains(out, "res/v2.yaml:16: error: dashboard \"V2\": panel \"Req\" (target A): datasource "
                         "\"grafana_prometheus\" does not exist");
    assert_contains(out, "[spec.elements.panel-1.spec.data.spec.queries[0]]");
    assert_contains(out, "FAIL: 2 files linted (2 dashboards)");
    free(out);
}

static void test_placeholder_in_provisioned_dashboard(void **state)
{
    (void)state;
    char *out;
    /* a dashboard provider reads /var/lib/grafana/dashboards: the dashboards under a
     * "dashboards" directory are provisioned from files, and Grafana never replaces ${DS_X} */
    write_file("prov-repo/grafana/provisioning/dashboards/default.yml",
               "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n"
               "    options:\n      path: /var/lib/grafana/dashboards\n  - name: broken\n    type: file\n");
    copy_fixture("dashboards/crafted/every_form.json", "prov-repo/grafana/dashboards/exported.json");
    copy_fixture("dashboards/crafted/every_form.json", "prov-repo/imports/exported.json");
    int code = run_repo(&out, "prov-repo", DS, NULL);
    assert_int_equal(code, 2);
    assert_contains(out,
                    "prov-repo/grafana/dashboards/exported.json:47: error: dashboard \"Every Reference Form\": row "
                    "\"Overview\" > panel \"Export placeholder\": import placeholder ${DS_PROMETHEUS} is never "
                    "replaced in a dashboard provisioned from files");
    /* the same export outside the providers' directory: to be imported, a note */
    assert_contains(out,
                    "prov-repo/imports/exported.json:47: note: dashboard \"Every Reference Form\": row "
                    "\"Overview\" > panel \"Export placeholder\": import placeholder ${DS_PROMETHEUS} (prometheus)");
    assert_contains(out, "prov-repo/grafana/provisioning/dashboards/default.yml:7: error: provider \"broken\": a file "
                         "provider without options.path");
    /* a second file with the same dashboard uid */
    assert_contains(out, "prov-repo/imports/exported.json:9: error: dashboard \"Every Reference Form\": uid "
                         "\"every-form\" is also the uid of prov-repo/grafana/dashboards/exported.json");
    free(out);
}

/* ---- output ---------------------------------------------------------------------------- */

static void test_json_output(void **state)
{
    (void)state;
    char *out;
    int code = run_lint(&out, DS, "--json", "grafana/dashboards/team-b", NULL);
    assert_int_equal(code, 2);
    cJSON *doc = cJSON_Parse(out);
    if (!doc)
        fail_msg("not JSON:\n%s", out);
    assert_int_equal(cJSON_GetObjectItem(doc, "exit_code")->valueint, 2);
    cJSON *counts = cJSON_GetObjectItem(doc, "counts");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(counts, "by_kind"), "dashboard")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(counts, "missing")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(counts, "errors")->valueint, 3);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "findings"), 3);
    assert_string_equal(cJSON_GetObjectItem(p, "file")->valuestring, "grafana/dashboards/team-b/service-overview.json");
    assert_int_equal(cJSON_GetObjectItem(p, "line")->valueint, 27);
    assert_string_equal(cJSON_GetObjectItem(p, "severity")->valuestring, "error");
    assert_string_equal(cJSON_GetObjectItem(p, "kind")->valuestring, "dashboard");
    assert_string_equal(cJSON_GetObjectItem(p, "check")->valuestring, "missing-datasource");
    assert_string_equal(cJSON_GetObjectItem(p, "path")->valuestring, "panels[2].panels[0].targets[1]");
    assert_string_equal(cJSON_GetObjectItem(p, "dashboard")->valuestring, "Service Overview");
    assert_string_equal(cJSON_GetObjectItem(p, "panel")->valuestring, "CPU");
    assert_string_equal(cJSON_GetObjectItem(p, "target")->valuestring, "B");
    assert_string_equal(cJSON_GetObjectItem(p, "datasource")->valuestring, "grafana_prometheus");
    assert_string_equal(cJSON_GetObjectItem(p, "status")->valuestring, "missing");
    assert_string_equal(cJSON_GetObjectItem(p, "where")->valuestring,
                        "dashboard \"Service Overview\": row \"Saturation\" > panel \"CPU\" (target B)");
    cJSON *ds = cJSON_GetObjectItem(doc, "datasources");
    assert_int_equal(cJSON_GetArraySize(ds), 4);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(ds, 0), "file")->valuestring,
                        "grafana/datasources/datasources.yml");
    cJSON_Delete(doc);
    free(out);
}

static void test_github_format(void **state)
{
    (void)state;
    char *out;
    write_file("gh/d.json", "{\"title\":\"50% off, a:b\",\"panels\":[\n{\"title\":\"x\",\"datasource\":\"gone\"}]}");
    int code = run_repo(&out, "--format", "github", "gh", DS, NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "::error file=gh/d.json,line=2,title=lgtmtop lint missing-datasource::dashboard \"50%25 off, "
                         "a:b\": panel \"x\": datasource \"gone\" does not exist");
    assert_contains(out, "\nFAIL: 1 file linted");
    free(out);
}

static void test_control_characters_cleaned(void **state)
{
    (void)state;
    char *out;
    write_file("ctl/d\033[31m.json", "{\"title\":\"T\\u001b[2J\\nX\",\"panels\":[{\"title\":\"p\\u0007\","
                                     "\"datasource\":\"g\\u001b]0;owned\\u0007one\"}]}");
    int code = run_repo(&out, "ctl", DS, NULL);
    assert_int_equal(code, 2);
    assert_not_contains(out, "\033");
    assert_not_contains(out, "\007");
    assert_contains(out, "does not exist");
    free(out);
    code = run_repo(&out, "ctl", DS, "--json", NULL);
    /* no control character escaped into a JSON string (a raw value may show "\\u001b" as text) */
    for (const char *p = strstr(out, "\\u00"); p; p = strstr(p + 1, "\\u00"))
        if (p[-1] != '\\')
            fail_msg("a control character in the JSON output: %.20s", p);
    free(out);
}

/* ---- datasource provisioning ----------------------------------------------------------- */

static void test_datasources_dir_and_errors(void **state)
{
    (void)state;
    char *out;
    write_file("prov/a.yaml", "apiVersion: 1\ndatasources:\n  - name: A\n    uid: a\n    type: loki\n");
    write_file("prov/b.yml", "apiVersion: 1\ndatasources:\n  - name: B\n    uid: b\n    type: tempo\n");
    write_file("prov/dashboards.yml", "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n"
                                      "    options: {path: /d}\n");
    write_file("dashes/d.json", "{\"title\":\"D\",\"panels\":[{\"title\":\"x\",\"datasource\":\"b\"},"
                                "{\"title\":\"y\",\"datasource\":\"c\"}]}");
    int code = run_lint(&out, "--datasources", "prov", "dashes", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "panel \"y\": datasource \"c\" does not exist (known: a (A), b (B))");
    free(out);
    write_file("prov-bad/x.yml", "apiVersion: 1\ndatasources:\n  - name: [\n");
    code = run_lint(&out, "--datasources", "prov-bad/x.yml", "dashes", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "prov-bad/x.yml:4: YAML syntax error");
    free(out);
    write_file("prov-bad/y.yml", "apiVersion: 1\nproviders: []\n");
    code = run_lint(&out, "--datasources", "prov-bad/y.yml", "dashes", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "prov-bad/y.yml: no datasources: list");
    free(out);
    code = run_lint(&out, "--datasources", "prov-bad", "dashes", NULL); /* x.yml: a syntax error */
    assert_int_equal(code, 3);
    free(out);
    write_file("prov-none/dashboards.yml", "apiVersion: 1\nproviders: []\n");
    code = run_lint(&out, "--datasources", "prov-none", "dashes", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "prov-none: no file here has a datasources: list");
    free(out);
    code = run_lint(&out, "--datasources", "nope.yml", "dashes", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "nope.yml: cannot read");
    free(out);
    /* a broken provisioning file inside the PATH: an error finding */
    code = run_repo(&out, "prov-bad", "--uid", "x", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "prov-bad/x.yml:4: error: YAML syntax error");
    free(out);
}

static void test_datasource_checks(void **state)
{
    (void)state;
    char *out;
    /* files in name order; in each, deleteDatasources before datasources */
    write_file("dsrepo/datasources/01-base.yml", "apiVersion: 1\n"
                                                 "datasources:\n"
                                                 "  - name: Mimir\n" /* 3 */
                                                 "    uid: grafana_mimir\n"
                                                 "    type: prometheus\n"
                                                 "    isDefault: true\n"
                                                 "    url: ${MIMIR_URL}\n"
                                                 "    jsonData:\n"
                                                 "      exemplarTraceIdDestinations:\n"
                                                 "        - name: trace_id\n"
                                                 "          datasourceUid: grafana_tempo\n"
                                                 "  - name: Loki\n" /* 12 */
                                                 "    uid: grafana_loki\n"
                                                 "    type: loki\n"
                                                 "    url: http://loki:3100\n"
                                                 "    jsonData:\n"
                                                 "      derivedFields:\n"
                                                 "        - name: TraceID\n"
                                                 "          datasourceUid: tempo_old\n" /* 19 */
                                                 "  - name: Tempo\n"                    /* 20 */
                                                 "    uid: grafana_tempo\n"
                                                 "    type: tempo\n"
                                                 "    url: ${TEMPO_INTERNAL_URL}\n" /* 23 */
                                                 "    jsonData:\n"
                                                 "      tracesToLogsV2: {datasourceUid: grafana_loki}\n"
                                                 "      tracesToMetrics: {datasourceUid: Mimir}\n" /* 26: a name */
                                                 "      serviceMap: {datasourceUid: grafana_prometheus}\n" /* 27 */
                                                 "      lokiSearch: {datasourceUid: grafana_loki}\n");
    write_file("dsrepo/datasources/02-more.yml", "apiVersion: 1\n"
                                                 "deleteDatasources:\n"
                                                 "  - name: Old\n"
                                                 "    orgId: 1\n"
                                                 "datasources:\n"
                                                 "  - name: Old\n" /* deleted first, then recreated: fine */
                                                 "    uid: old\n"
                                                 "    type: loki\n"
                                                 "  - name: Loki\n" /* 9: the name again */
                                                 "    uid: loki2\n"
                                                 "    type: loki\n"
                                                 "  - name: Other\n" /* 12 */
                                                 "    uid: grafana_mimir\n"
                                                 "    type: prometheus\n"
                                                 "    isDefault: true\n" /* 15 */
                                                 "  - name: Other org\n"
                                                 "    orgId: 2\n"
                                                 "    uid: grafana_mimir\n" /* another org: fine */
                                                 "    type: prometheus\n"
                                                 "    isDefault: true\n"
                                                 "  - name: NoUid\n" /* 21 */
                                                 "    type: loki\n");
    int code = run_repo(&out, "dsrepo", NULL);
    assert_int_equal(code, 2);
    const char *f1 = "dsrepo/datasources/01-base.yml", *f2 = "dsrepo/datasources/02-more.yml";
    (void)f1;
    (void)f2;
    assert_contains(out, "dsrepo/datasources/01-base.yml: note: reads from the environment: MIMIR_URL "
                         "TEMPO_INTERNAL_URL (give --env-file FILE or --env to check they are set)\n");
    assert_contains(out, "dsrepo/datasources/01-base.yml:19: error: datasource \"Loki\": derived field \"TraceID\": "
                         "datasourceUid \"tempo_old\" is not a provisioned datasource (known: grafana_mimir (Mimir)");
    assert_contains(out, "[datasources[1].jsonData.derivedFields[0].datasourceUid]");
    assert_contains(out, "dsrepo/datasources/01-base.yml:26: error: datasource \"Tempo\": traces to metrics: "
                         "datasourceUid \"Mimir\" is a datasource name, not a uid");
    assert_contains(out, "dsrepo/datasources/01-base.yml:27: error: datasource \"Tempo\": service map: datasourceUid "
                         "\"grafana_prometheus\" is not a provisioned datasource");
    assert_not_contains(out, "traces to logs:");
    assert_not_contains(out, "exemplar trace destination");
    assert_not_contains(out, "Loki search");
    assert_contains(out, "dsrepo/datasources/02-more.yml:9: error: datasource \"Loki\": name \"Loki\" is provisioned "
                         "twice (also at dsrepo/datasources/01-base.yml:12): Grafana refuses the second");
    assert_contains(out, "dsrepo/datasources/02-more.yml:12: error: datasource \"Other\": uid \"grafana_mimir\" is "
                         "provisioned twice (also at dsrepo/datasources/01-base.yml:3)");
    assert_contains(out, "dsrepo/datasources/02-more.yml:15: error: datasource \"Other\": isDefault: true, and so is "
                         "datasource \"Mimir\" (dsrepo/datasources/01-base.yml:3)");
    assert_not_contains(out, "datasource \"Other org\"");
    assert_not_contains(out, "\"Old\"");
    assert_contains(out, "dsrepo/datasources/02-more.yml:21: note: datasource \"NoUid\": no uid");
    free(out);
    /* with --env-file: the unset variable is an error */
    write_file("dsrepo.env", "# the deploy's environment\nexport MIMIR_URL=http://mimir:9009\nOTHER='x'\n");
    code = run_repo(&out, "dsrepo", "--env-file", "dsrepo.env", NULL);
    assert_contains(out, "dsrepo/datasources/01-base.yml:23: error: ${TEMPO_INTERNAL_URL} is not set in dsrepo.env: "
                         "Grafana provisions an empty string in its place\n");
    assert_not_contains(out, "${MIMIR_URL}");
    assert_not_contains(out, "reads from the environment");
    free(out);
    /* a deleted datasource a dashboard still uses: the hint says where it went */
    write_file("dsrepo/dashboards/d.json", "{\"title\":\"D\",\"panels\":[{\"title\":\"x\",\"datasource\":\"Gone\"}]}");
    write_file("dsrepo/datasources/03-delete.yml", "apiVersion: 1\ndeleteDatasources:\n  - name: Gone\n");
    code = run_repo(&out, "dsrepo", NULL);
    assert_contains(out, "datasource \"Gone\" does not exist; deleted by deleteDatasources at "
                         "dsrepo/datasources/03-delete.yml:3");
    free(out);
}

/* ---- alerting provisioning ------------------------------------------------------------ */

static void test_alerting(void **state)
{
    (void)state;
    char *out;
    write_file("alerts/grafana/datasources/ds.yml", "apiVersion: 1\ndatasources:\n"
                                                    "  - {name: Mimir, uid: grafana_mimir, type: prometheus}\n");
    write_file("alerts/grafana/provisioning/alerting/rules/api.yml",
               "apiVersion: 1\n"
               "groups:\n"
               "  - orgId: 1\n"
               "    name: api\n"
               "    folder: Backend\n"
               "    interval: 1m\n"
               "    rules:\n"
               "      - uid: api-errors\n" /* 8 */
               "        title: API errors\n"
               "        condition: C\n"
               "        data:\n"
               "          - refId: A\n"
               "            datasourceUid: grafana_mimir\n"
               "            model: {expr: 'sum(rate(http_requests_total{code=~\"5..\"}[5m]))'}\n"
               "          - refId: B\n"
               "            datasourceUid: __expr__\n"
               "            model: {type: reduce, expression: A, reducer: last}\n"
               "          - refId: C\n"
               "            datasourceUid: __expr__\n"
               "            model: {type: threshold, expression: B}\n"
               "      - uid: api-latency\n" /* 21 */
               "        title: API latency\n"
               "        condition: D\n" /* 23: no such refId */
               "        data:\n"
               "          - refId: A\n"
               "            datasourceUid: grafana_prometheus\n" /* 26: removed */
               "          - refId: B\n"
               "            datasourceUid: '-100'\n"
               "            model: {type: math, expression: '$A * 100 + ${Z}'}\n" /* 29 */
               "        notification_settings: {receiver: pager}\n"               /* 30 */
               "      - uid: api-errors\n"                                        /* 31: twice */
               "        title: Copy\n"
               "        condition: A\n"
               "        data:\n"
               "          - refId: A\n"
               "            datasourceUid: Mimir\n"); /* 36: a name */
    write_file("alerts/grafana/provisioning/alerting/contact_points.yml",
               "apiVersion: 1\n"
               "contactPoints:\n"
               "  - orgId: 1\n"
               "    name: critical-email\n"
               "    receivers:\n"
               "      - uid: ce\n"
               "        type: email\n"
               "        settings: {addresses: oncall@example.com}\n"
               "muteTimes:\n"
               "  - orgId: 1\n"
               "    name: weekends\n"
               "    time_intervals: [{weekdays: [saturday, sunday]}]\n");
    write_file("alerts/grafana/provisioning/alerting/notification_policies.yml",
               "apiVersion: 1\n"
               "policies:\n"
               "  - orgId: 1\n"
               "    receiver: critical-email\n"
               "    routes:\n"
               "      - receiver: ops-email\n" /* 6: never provisioned */
               "        object_matchers: [[team, =, ops]]\n"
               "        mute_time_intervals: [weekends, nights]\n" /* 8: nights is not */
               "        routes:\n"
               "          - receiver: critical-email\n"
               "            active_time_intervals: [weekends]\n");
    int code = run_repo(&out, "alerts", NULL);
    assert_int_equal(code, 2);
    const char *rules = "alerts/grafana/provisioning/alerting/rules/api.yml";
    (void)rules;
    assert_not_contains(out, "rule \"API errors\" (group \"api\")");
    assert_contains(out,
                    "rules/api.yml:23: error: rule \"API latency\" (group \"api\"): condition \"D\" is not a refId "
                    "of this rule's queries [groups[0].rules[1]]\n");
    assert_contains(out, "rules/api.yml:26: error: rule \"API latency\" (group \"api\"), query A: datasourceUid "
                         "\"grafana_prometheus\" is not a provisioned datasource (known: grafana_mimir (Mimir)): the "
                         "rule errors on every evaluation [groups[0].rules[1].data[0]]\n");
    assert_contains(out,
                    "rules/api.yml:29: error: rule \"API latency\" (group \"api\"), query B: math expression reads "
                    "$Z, which is not a refId of this rule");
    assert_not_contains(out, "reads $A");
    assert_contains(out, "rules/api.yml:30: error: rule \"API latency\" (group \"api\"): receiver \"pager\" is not a "
                         "contact point of this repo: Grafana refuses the rule");
    assert_contains(out,
                    "rules/api.yml:31: error: rule \"Copy\" (group \"api\"): uid \"api-errors\" is also the uid of "
                    "the rule at alerts/grafana/provisioning/alerting/rules/api.yml:8");
    assert_contains(out,
                    "rules/api.yml:36: error: rule \"Copy\" (group \"api\"), query A: datasourceUid \"Mimir\" is a "
                    "datasource name; the uid is \"grafana_mimir\"");
    assert_contains(out, "notification_policies.yml:6: error: route: receiver \"ops-email\" is not a contact point of "
                         "this repo: Grafana refuses the policy [policies[0].routes[0].receiver]\n");
    assert_contains(out,
                    "notification_policies.yml:8: error: route: mute_time_intervals names \"nights\", which is not "
                    "a mute timing of this repo");
    assert_not_contains(out, "\"weekends\"");
    assert_not_contains(out, "receiver \"critical-email\"");
    assert_contains(out, "(1 datasource file, 3 alerting files): 8 errors");
    free(out);
    /* policies alone (contact points made in the UI): a warning, not an error */
    code = run_repo(&out, "alerts/grafana/provisioning/alerting/notification_policies.yml", NULL);
    assert_int_equal(code, 1);
    assert_contains(out, "warning: route: receiver \"ops-email\": no contact point is provisioned here; Grafana "
                         "refuses the policy unless one by that name exists already");
    free(out);
}

/* ---- rule files ------------------------------------------------------------------------ */

static void test_rule_files(void **state)
{
    (void)state;
    char *out;
    write_file("rules/prometheus/alert.rules.yml",
               "groups:\n"
               "  - name: api\n"
               "    interval: 1m\n"
               "    rules:\n"
               "      - alert: HighErrorRate\n" /* 5: fine */
               "        expr: sum(rate(http_requests_total{code=~\"5..\"}[5m])) > 1\n"
               "        for: 5m\n"
               "        keep_firing_for: 10m\n"
               "        labels: {severity: critical}\n"
               "        annotations: {summary: errors}\n"
               "      - alert: Slow\n"
               "        expr: histogram_quantile(0.99, rate(x[5m])) > 1\n"
               "        for: 2mins\n"                  /* 13 */
               "        anotations: {summary: typo}\n" /* 14 */
               "      - record: job:up:sum\n"
               "        expr: ''\n" /* 16 */
               "        for: 1m\n"  /* 17 */
               "      - alert: Both\n"
               "        record: both\n"
               "        expr: up\n"
               "        labels: {bad-label: x}\n" /* 21 */
               "  - name: api\n"                  /* 22: twice */
               "    interval: 30sec\n"            /* 23 */
               "    rules:\n"
               "      - record: 'bad name'\n"
               "        expr: sum(up\n"); /* 26: a PromQL error for promtool */
    write_file("rules/loki/rules.yml", "groups:\n  - name: logs\n    rules:\n      - alert: Errors\n"
                                       "        expr: sum(count_over_time({app=\"api\"} |= \"error\" [5m])) > 10\n"
                                       "        for: 1m\n");
    int code = run_repo(&out, "rules", "--no-promtool", NULL);
    assert_int_equal(code, 2);
    const char *f = "rules/prometheus/alert.rules.yml";
    (void)f;
    assert_not_contains(out, "HighErrorRate");
    assert_contains(out, "alert.rules.yml:13: error: group \"api\", alert \"Slow\": for: \"2mins\" is not a Prometheus "
                         "duration (such as 30s, 5m, 1h30m) [groups[0].rules[1].for]\n");
    assert_contains(out,
                    "alert.rules.yml:14: error: group \"api\", alert \"Slow\": field \"anotations\" is not a field "
                    "of a rule: Prometheus refuses the file");
    assert_contains(out, "alert.rules.yml:16: error: group \"api\", record \"job:up:sum\": expr is empty");
    assert_contains(out, "alert.rules.yml:17: error: group \"api\", record \"job:up:sum\": for: is for alerting rules; "
                         "Prometheus refuses it in a recording rule");
    assert_contains(out, "alert.rules.yml:18: error: group \"api\", alert \"Both\": a rule is either alert or record, "
                         "not both");
    assert_contains(out, "alert.rules.yml:21: error: group \"api\", alert \"Both\": label \"bad-label\" is not a valid "
                         "label name");
    assert_contains(out, "alert.rules.yml:22: error: group \"api\": group name \"api\" is repeated in this file (first "
                         "at line 2): Prometheus refuses the file");
    assert_contains(out, "alert.rules.yml:23: error: group \"api\": interval: \"30sec\" is not a Prometheus duration");
    assert_contains(out, "alert.rules.yml:25: error: group \"api\", record \"bad name\": record: \"bad name\" is not a "
                         "valid metric name");
    assert_contains(out, "rules/loki/rules.yml: note: LogQL rules (Loki): promtool does not check them, not run");
    assert_not_contains(out, "rules/loki/rules.yml: error");
    assert_not_contains(out, "rules/loki/rules.yml:5");
    assert_contains(out, "(2 rule files)");
    free(out);
    if (access("/usr/bin/promtool", X_OK) != 0)
        skip();
    /* promtool's verdict folded in: the PromQL error it finds, at its line */
    write_file("rules2/prometheus/alert.rules.yml", "groups:\n  - name: api\n    rules:\n      - alert: Fine\n"
                                                    "        expr: up == 0\n      - record: job:x:sum\n"
                                                    "        expr: sum(up\n");
    code = run_repo(&out, "rules2", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "rules2/prometheus/alert.rules.yml:7: error: promtool check rules: group \"api\", rule 2, "
                         "\"job:x:sum\": could not parse expression");
    free(out);
    write_file("rules3/ok.rules.yml",
               "groups:\n  - name: api\n    rules:\n      - alert: Fine\n        expr: up == 0\n");
    code = run_repo(&out, "rules3", NULL);
    assert_int_equal(code, 0);
    assert_not_contains(out, "promtool");
    free(out);
    /* without promtool on the PATH: said */
    const char *path = getenv("PATH");
    char *saved = xstrdup(path ? path : "");
    setenv("PATH", "/nonexistent", 1);
    code = run_repo(&out, "rules3", NULL);
    setenv("PATH", saved, 1);
    free(saved);
    assert_int_equal(code, 0);
    assert_contains(out, "rules3/ok.rules.yml: note: promtool is not on the PATH: PromQL syntax not checked");
    free(out);
}

/* ---- Tempo config ---------------------------------------------------------------------- */

static void test_tempo_config(void **state)
{
    (void)state;
    char *out;
    write_file("tempo-repo/grafana/datasources/ds.yml",
               "apiVersion: 1\ndatasources:\n  - {name: Mimir, uid: grafana_mimir, type: prometheus, "
               "url: 'http://mimir:9009/prometheus'}\n");
    write_file("tempo-repo/tempo/tempo.yml", "server:\n  http_listen_port: 3200\n"
                                             "distributor:\n"
                                             "  receivers:\n"
                                             "    otlp:\n"
                                             "      protocols:\n"
                                             "        grpc:\n" /* 7: no endpoint */
                                             "        http:\n"
                                             "          endpoint: 127.0.0.1:4318\n" /* 9 */
                                             "    zipkin:\n"
                                             "      endpoint: 0.0.0.0:9411\n"
                                             "storage:\n  trace:\n    backend: local\n"
                                             "metrics_generator:\n"
                                             "  storage:\n"
                                             "    path: /var/tempo/generator/wal\n"
                                             "    remote_write:\n"
                                             "      - url: http://user:secret@prometheus:9090/api/v1/write\n" /* 19 */
                                             "        send_exemplars: true\n"
                                             "      - url: http://mimir:9009/api/v1/push\n"); /* 21 */
    int code = run_repo(&out, "tempo-repo", NULL);
    assert_int_equal(code, 1);
    assert_contains(out, "tempo-repo/tempo/tempo.yml:7: warning: receiver OTLP gRPC: no endpoint: since Tempo 2.7 it "
                         "listens on localhost only and spans from other hosts or containers are refused — set "
                         "endpoint: \"0.0.0.0:4317\" [distributor.receivers.otlp.protocols.grpc]\n");
    assert_contains(out, "tempo-repo/tempo/tempo.yml:9: warning: receiver OTLP HTTP: endpoint \"127.0.0.1:4318\" "
                         "accepts spans from this host only — use \"0.0.0.0:4318\"");
    assert_not_contains(out, "Zipkin");
    assert_contains(out,
                    "tempo-repo/tempo/tempo.yml:19: warning: metrics-generator: writes span metrics to "
                    "http://***@prometheus:9090/api/v1/write, but no Prometheus datasource of this repo reads from "
                    "prometheus:9090");
    assert_not_contains(out, "secret");
    assert_contains(out, "tempo-repo/tempo/tempo.yml:21: note: metrics-generator: writes span metrics to "
                         "http://mimir:9009/api/v1/push [");
    assert_contains(out, "(1 datasource file, 1 Tempo config): 0 errors, 3 warnings");
    free(out);
    write_file("tempo-ok/tempo.yaml",
               "distributor:\n  receivers:\n    otlp:\n      protocols:\n"
               "        grpc: {endpoint: '0.0.0.0:4317'}\n        http: {endpoint: '[::]:4318'}\n");
    code = run_repo(&out, "tempo-ok", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "OK: 1 file linted (1 Tempo config): 0 errors, 0 warnings, 0 notes");
    free(out);
}

/* ---- arguments ------------------------------------------------------------------------- */

static void test_usage(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_lint(&out, "--deprecated", "x", "d", NULL), 3);
    assert_contains(out, "--deprecated wants OLD=NEW, got \"x\"");
    free(out);
    assert_int_equal(run_lint(&out, "--bogus", "d", NULL), 3);
    assert_contains(out, "unknown option \"--bogus\"");
    free(out);
    assert_int_equal(run_lint(&out, "--uid", NULL), 3);
    assert_contains(out, "needs a value");
    free(out);
    assert_int_equal(run_repo(&out, "--format", "xml", NULL), 3);
    assert_contains(out, "--format wants text, json or github, got \"xml\"");
    free(out);
    assert_int_equal(run_lint(&out, "--help", NULL), 0);
    assert_contains(out, "usage: lgtmtop dashboards lint");
    free(out);
    assert_int_equal(run_repo(&out, "--help", NULL), 0);
    assert_contains(out, "usage: lgtmtop lint");
    assert_contains(out, "--format FORMAT");
    free(out);
    /* options after the paths (GNU style): the reported bug, as a whole run */
    assert_int_equal(run_lint(&out, "grafana/dashboards/team-a/clean.json", "--datasources",
                              "grafana/datasources/datasources.yml", NULL),
                     0);
    free(out);

    struct lint_opts o;
    char err[256];
    char *a1[] = {(char *)"dashboards", (char *)"check", NULL};
    assert_int_equal(lint_parse_args(2, a1, &o, stdout, err, sizeof(err)), -1);
    assert_contains(err, "unknown subcommand \"check\"");
    char *a2[] = {(char *)"dashboards", NULL};
    assert_int_equal(lint_parse_args(1, a2, &o, stdout, err, sizeof(err)), -1);
    assert_contains(err, "missing subcommand");
    char *a3[] = {(char *)"dashboards",
                  (char *)"lint",
                  (char *)"-u",
                  (char *)"a",
                  (char *)"--deprecated",
                  (char *)"o=n",
                  (char *)"--json",
                  (char *)"--no-color",
                  (char *)"p1",
                  (char *)"p2",
                  NULL};
    assert_int_equal(lint_parse_args(10, a3, &o, stdout, err, sizeof(err)), 0);
    assert_int_equal(o.nuids, 1);
    assert_int_equal(o.ndeprecated, 1);
    assert_string_equal(o.deprecated[0], "o");
    assert_string_equal(o.deprecated[1], "n");
    assert_int_equal(o.npaths, 2);
    assert_int_equal(o.format, LINT_JSON);
    assert_true(o.no_color);
    assert_true(o.alias);
    lint_opts_free(&o);
    /* options after the paths, also with POSIXLY_CORRECT; "--" ends the options */
    char *a4[] = {(char *)"lint",
                  (char *)"p1",
                  (char *)"--datasources",
                  (char *)"ds.yml",
                  (char *)"p2",
                  (char *)"--format",
                  (char *)"github",
                  (char *)"--",
                  (char *)"--odd-name",
                  NULL};
    setenv("POSIXLY_CORRECT", "1", 1);
    assert_int_equal(lint_parse_args(9, a4, &o, stdout, err, sizeof(err)), 0);
    unsetenv("POSIXLY_CORRECT");
    assert_int_equal(o.nds_files, 1);
    assert_string_equal(o.ds_files[0], "ds.yml");
    assert_int_equal(o.npaths, 3);
    assert_string_equal(o.paths[0], "p1");
    assert_string_equal(o.paths[1], "p2");
    assert_string_equal(o.paths[2], "--odd-name");
    assert_int_equal(o.format, LINT_GITHUB);
    assert_false(o.alias);
    lint_opts_free(&o);
    /* no PATH: the current directory */
    char *a5[] = {(char *)"lint", NULL};
    assert_int_equal(lint_parse_args(1, a5, &o, stdout, err, sizeof(err)), 0);
    assert_int_equal(o.npaths, 1);
    assert_string_equal(o.paths[0], ".");
    lint_opts_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_repo_missing_exit_2),
            cmocka_unit_test(test_clean_exit_0),
            cmocka_unit_test(test_deprecated_exit_1),
            cmocka_unit_test(test_invalid_json_exit_2),
            cmocka_unit_test(test_deep_yaml_refused),
            cmocka_unit_test(test_nothing_to_lint_exit_3),
            cmocka_unit_test(test_grafana12_resources),
            cmocka_unit_test(test_placeholder_in_provisioned_dashboard),
            cmocka_unit_test(test_json_output),
            cmocka_unit_test(test_github_format),
            cmocka_unit_test(test_control_characters_cleaned),
            cmocka_unit_test(test_datasources_dir_and_errors),
            cmocka_unit_test(test_datasource_checks),
            cmocka_unit_test(test_alerting),
            cmocka_unit_test(test_rule_files),
            cmocka_unit_test(test_tempo_config),
            cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
