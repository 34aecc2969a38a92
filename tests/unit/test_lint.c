/* Tests for `lgtmtop dashboards lint`: provisioning YAML, arguments, and whole runs on a temp
 * directory laid out like a provisioning repo (grafana/dashboards/team-a/NAME.json,
 * grafana/datasources/datasources.yml), asserting output lines and exit codes. */
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

#define assert_contains(hay, needle)                                     \
    do {                                                                 \
        const char *h_ = (hay), *n_ = (needle);                          \
        if (!h_ || !strstr(h_, n_))                                      \
            fail_msg("expected \"%s\" in:\n%s", n_, h_ ? h_ : "(null)"); \
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
static int run_lint(char **out, const char *first, ...)
{
    char *argv[32] = {(char *)"dashboards", (char *)"lint"};
    int argc = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
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

/* ---- whole runs ------------------------------------------------------------------------ */

static void test_repo_missing_exit_2(void **state)
{
    (void)state;
    char *out;
    int code = run_lint(&out, DS, "grafana/dashboards", NULL);
    assert_int_equal(code, 2);
    /* one line per bad reference, with file and panel; the known uids listed */
    assert_contains(out, "grafana/dashboards/team-b/service-overview.json: dashboard \"Service Overview\": "
                         "panel \"Latency\": datasource \"grafana_prometheus\" does not exist (known: "
                         "prometheus, loki, tempo, graphite)\n");
    /* a target of a panel that is not Mixed is sent to the panel's datasource: a note */
    assert_not_contains(out, "panel \"Latency\" (target A)");
    assert_contains(out, "harmless until the panel is made Mixed");
    assert_contains(out, "service-overview.json: dashboard \"Service Overview\": panel \"Errors\": datasource "
                         "\"grafana_prometheus\" does not exist");
    assert_contains(out, "service-overview.json: dashboard \"Service Overview\": row \"Saturation\" > panel \"CPU\" "
                         "(target B): datasource \"grafana_prometheus\" does not exist");
    /* every form resolves; placeholders and library panels are noted, not failed */
    assert_not_contains(out, "every_form.json: dashboard \"Every Reference Form\": row");
    assert_contains(out, "every_form.json: dashboard \"Every Reference Form\": note: import placeholder "
                         "${DS_PROMETHEUS} (prometheus): replaced when the dashboard is imported");
    assert_contains(out, "note: library panel \"Shared latency\" (lib-latency)");
    assert_not_contains(out, "clean.json");
    assert_not_contains(out, "HEAD.json");                 /* hidden directories are not walked */
    assert_not_contains(out, "loki-logs.json: dashboard"); /* nested dir walked, and clean */
    assert_contains(out, "FAIL: 4 dashboards in 4 files");
    free(out);
}

static void test_clean_exit_0(void **state)
{
    (void)state;
    char *out;
    int code = run_lint(&out, DS, "grafana/dashboards/team-b/nested", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "OK: 1 dashboard in 1 file, 15 datasource references: 0 missing, 0 deprecated\n");
    free(out);
    /* --uid instead of provisioning; a single file as PATH */
    code = run_lint(&out, "--uid", "prometheus", "--uid", "loki", "--uid", "tempo",
                    "grafana/dashboards/team-a/clean.json", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "OK: 1 dashboard in 1 file, 7 datasource references: 0 missing, 0 deprecated");
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
    assert_contains(out, "dep/legacy.json: dashboard \"Legacy\": panel \"p99\": datasource \"loki\" is deprecated: "
                         "use \"grafana_mimir\" instead\n");
    assert_contains(out, "WARN: 1 dashboard in 1 file, 1 datasource reference: 0 missing, 1 deprecated");
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
}

static void test_invalid_json_exit_3(void **state)
{
    (void)state;
    char *out;
    write_file("bad/broken.json", "{\n  \"title\": \"x\",\n  \"panels\": [\n    {\"id\": 1,}\n  ]\n}\n");
    write_file("bad/ok.json", "{\"title\":\"fine\",\"panels\":[{\"datasource\":\"nope\"}]}");
    write_file("bad/empty.json", "");
    write_file("bad/trailing.json", "{\"panels\":[]} x");
    write_file("bad/cut.json", "{\"panels\": [");
    int code = run_lint(&out, DS, "bad", NULL);
    assert_int_equal(code, 3); /* an error wins over a missing reference */
    assert_contains(out, "bad/broken.json:4:14: error: invalid JSON near \"} ] }\"");
    assert_contains(out, "bad/empty.json: error: empty file, not JSON");
    assert_contains(out, "bad/trailing.json:1:15: error: invalid JSON: unexpected text after the document");
    assert_contains(out, "bad/ok.json: dashboard \"fine\": panel #1: datasource \"nope\" does not exist");
    assert_contains(out, "bad/cut.json:1:13: error: invalid JSON: the document ends too early (truncated?)");
    assert_contains(out, "ERROR: 1 dashboard in 5 files");
    free(out);
    code = run_lint(&out, DS, "no/such/dir", NULL);
    assert_int_equal(code, 3);
    assert_contains(out, "no/such/dir: error: cannot read: No such file or directory");
    free(out);
}

static void test_non_dashboard_skipped(void **state)
{
    (void)state;
    char *out;
    write_file("misc/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\"}");
    write_file("misc/list.json", "[1,2,3]");
    int code = run_lint(&out, DS, "misc", NULL);
    assert_int_equal(code, 0);
    assert_contains(out, "misc/list.json: note: skipped, not a dashboard (no panels or rows)\n");
    assert_contains(out, "misc/package.json: note: skipped, not a dashboard (no panels or rows)\n");
    assert_contains(out, "2 files skipped");
    free(out);
}

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
    assert_int_equal(cJSON_GetObjectItem(counts, "dashboards")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(counts, "missing")->valueint, 3);
    cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "problems"), 2);
    assert_string_equal(cJSON_GetObjectItem(p, "file")->valuestring, "grafana/dashboards/team-b/service-overview.json");
    assert_string_equal(cJSON_GetObjectItem(p, "dashboard")->valuestring, "Service Overview");
    assert_string_equal(cJSON_GetObjectItem(p, "panel")->valuestring, "CPU");
    assert_string_equal(cJSON_GetObjectItem(p, "target")->valuestring, "B");
    assert_string_equal(cJSON_GetObjectItem(p, "datasource")->valuestring, "grafana_prometheus");
    assert_string_equal(cJSON_GetObjectItem(p, "status")->valuestring, "missing");
    assert_string_equal(cJSON_GetObjectItem(p, "path")->valuestring, "row \"Saturation\" > panel \"CPU\" > target B");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "datasources")), 4);
    cJSON_Delete(doc);
    free(out);
}

static void test_datasources_dir_and_errors(void **state)
{
    (void)state;
    char *out;
    write_file("prov/a.yaml", "apiVersion: 1\ndatasources:\n  - name: A\n    uid: a\n    type: loki\n");
    write_file("prov/b.yml", "apiVersion: 1\ndatasources:\n  - name: B\n    uid: b\n    type: tempo\n");
    write_file("prov/dashboards.yml", "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n");
    write_file("dashes/d.json", "{\"title\":\"D\",\"panels\":[{\"title\":\"x\",\"datasource\":\"b\"},"
                                "{\"title\":\"y\",\"datasource\":\"c\"}]}");
    int code = run_lint(&out, "--datasources", "prov", "dashes", NULL);
    assert_int_equal(code, 2);
    assert_contains(out, "panel \"y\": datasource \"c\" does not exist (known: a, b)");
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
}

/* ---- arguments ------------------------------------------------------------------------- */

static void test_usage(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run_lint(&out, "grafana/dashboards", NULL), 3);
    assert_contains(out, "nothing to check against");
    free(out);
    assert_int_equal(run_lint(&out, DS, NULL), 3);
    assert_contains(out, "no PATH");
    free(out);
    assert_int_equal(run_lint(&out, "--deprecated", "x", "d", NULL), 3);
    assert_contains(out, "--deprecated wants OLD=NEW, got \"x\"");
    free(out);
    assert_int_equal(run_lint(&out, "--bogus", "d", NULL), 3);
    assert_contains(out, "unknown option \"--bogus\"");
    free(out);
    assert_int_equal(run_lint(&out, "--uid", NULL), 3);
    assert_contains(out, "needs a value");
    free(out);
    assert_int_equal(run_lint(&out, "--help", NULL), 0);
    assert_contains(out, "usage: lgtmtop dashboards lint");
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
    lint_opts_free(&o);
    /* options after the paths (GNU style), also with POSIXLY_CORRECT; "--" ends the options */
    char *a4[] = {(char *)"dashboards", (char *)"lint",   (char *)"p1", (char *)"--datasources", (char *)"ds.yml",
                  (char *)"p2",         (char *)"--json", (char *)"--", (char *)"--odd-name",    NULL};
    setenv("POSIXLY_CORRECT", "1", 1);
    assert_int_equal(lint_parse_args(9, a4, &o, stdout, err, sizeof(err)), 0);
    unsetenv("POSIXLY_CORRECT");
    assert_int_equal(o.nds_files, 1);
    assert_string_equal(o.ds_files[0], "ds.yml");
    assert_int_equal(o.npaths, 3);
    assert_string_equal(o.paths[0], "p1");
    assert_string_equal(o.paths[1], "p2");
    assert_string_equal(o.paths[2], "--odd-name");
    assert_true(o.json);
    lint_opts_free(&o);
    assert_int_equal(lint_parse_args(10, a3, &o, stdout, err, sizeof(err)), 0);
    assert_int_equal(o.nuids, 1);
    assert_int_equal(o.ndeprecated, 1);
    assert_string_equal(o.deprecated[0], "o");
    assert_string_equal(o.deprecated[1], "n");
    assert_int_equal(o.npaths, 2);
    assert_true(o.json);
    assert_true(o.no_color);
    lint_opts_free(&o);
}

/* ---- provisioning YAML ----------------------------------------------------------------- */

static void test_provisioning_parse(void **state)
{
    (void)state;
    struct lint_dslist l = {0};
    char err[256];
    /* a delete in a later file removes what an earlier one provisioned */
    static const char first[] = "apiVersion: 1\ndatasources:\n  - name: Old\n    uid: old\n";
    static const char later[] = "apiVersion: 1\ndeleteDatasources:\n  - name: Old\n";
    assert_int_equal(lint_parse_provisioning(first, strlen(first), "a.yml", &l, err, sizeof(err)), 0);
    assert_int_equal(lint_parse_provisioning(later, strlen(later), "b.yml", &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 0);
    lint_dslist_free(&l);
    assert_int_equal(lint_parse_provisioning(datasources_yml, strlen(datasources_yml), "ds.yml", &l, err, sizeof(err)),
                     0);
    assert_int_equal(l.n, 4); /* deleted first, then provisioned again: Graphite stays */
    assert_string_equal(l.v[3].uid, "graphite");
    assert_string_equal(l.v[0].uid, "prometheus");
    assert_string_equal(l.v[0].name, "Mimir");
    assert_string_equal(l.v[0].type, "prometheus");
    assert_true(l.v[0].is_default);
    assert_false(l.v[1].is_default);
    lint_dslist_free(&l);
    /* several documents; an entry without uid keeps its name; ${VAR} as written */
    static const char multi[] = "apiVersion: 1\ndatasources:\n  - name: A\n    uid: ${UID_A}\n---\n"
                                "apiVersion: 1\ndatasources:\n  - name: NoUid\n    type: loki\n  - {}\n";
    assert_int_equal(lint_parse_provisioning(multi, strlen(multi), "m.yml", &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].uid, "${UID_A}");
    assert_null(l.v[1].uid);
    assert_string_equal(l.v[1].name, "NoUid");
    lint_dslist_free(&l);
    static const char notlist[] = "apiVersion: 1\ndatasources: {a: 1}\n";
    assert_int_equal(lint_parse_provisioning(notlist, strlen(notlist), "n.yml", &l, err, sizeof(err)), -1);
    assert_contains(err, "n.yml:2: datasources: expected a list");
    lint_dslist_free(&l);
    assert_int_equal(lint_parse_provisioning("", 0, "e.yml", &l, err, sizeof(err)), -2);
    assert_contains(err, "e.yml: no datasources: list");
    static const char empty_list[] = "apiVersion: 1\ndatasources: []\n";
    assert_int_equal(lint_parse_provisioning(empty_list, strlen(empty_list), "z.yml", &l, err, sizeof(err)), 0);
    assert_int_equal(l.n, 0);
    lint_dslist_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_repo_missing_exit_2),        cmocka_unit_test(test_clean_exit_0),
            cmocka_unit_test(test_deprecated_exit_1),          cmocka_unit_test(test_invalid_json_exit_3),
            cmocka_unit_test(test_non_dashboard_skipped),      cmocka_unit_test(test_json_output),
            cmocka_unit_test(test_datasources_dir_and_errors), cmocka_unit_test(test_usage),
            cmocka_unit_test(test_provisioning_parse),
    };
    return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
