/* Tests for the dashboard walker: every fixture dashboard (real and crafted) with the exact
 * references expected at their panel paths, resolution corner cases, and robustness against
 * any JSON shape. */
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

#include "lgtmtop/dashboards.h"
#include "lgtmtop/util.h"

/* ---- helpers --------------------------------------------------------------------------- */

static cJSON *load_json(const char *rel)
{
    size_t len;
    char *p = fixture_load(rel, &len);
    cJSON *j = cJSON_ParseWithLength(p, len);
    free(p);
    if (!j)
        fail_msg("invalid JSON in %s", rel);
    return j;
}

/* The fake stack's datasources (tests/fixtures/grafana/datasources_list_constructed.json). */
static const struct dash_ds stack_ds[] = {
        {"prometheus", "Mimir", "prometheus", true},
        {"loki", "Loki", "loki", false},
        {"tempo", "Tempo", "tempo", false},
        {"alertmanager", "Mimir Alertmanager", "alertmanager", false},
};

static struct dash_ctx live_ctx(void)
{
    struct dash_ctx c = {.ds = stack_ds, .nds = ARRAY_LEN(stack_ds), .ds_known = true, .types_known = true};
    return c;
}

struct want {
    const char *path;
    enum dref_kind kind;
    enum dref_status status;
    const char *uid; /* NULL: must be unresolved */
};

#define W(p, k, s, u)            \
    {                            \
        p, DREF_##k, DREF_##s, u \
    }

static void expect_refs(const struct dash_report *r, const struct want *w, size_t n)
{
    for (size_t i = 0; i < r->nrefs && i < n; i++) {
        const struct dref *d = &r->refs[i];
        bool uid_ok = w[i].uid ? (d->uid && strcmp(d->uid, w[i].uid) == 0) : !d->uid;
        if (strcmp(d->path, w[i].path) != 0 || d->kind != w[i].kind || d->status != w[i].status || !uid_ok)
            fail_msg("ref %zu: got [%s] %s %s uid=%s (note: %s), want [%s] %s %s uid=%s", i, d->path,
                     dref_kind_name(d->kind), dref_status_name(d->status), d->uid ? d->uid : "-",
                     d->note ? d->note : "", w[i].path, dref_kind_name(w[i].kind), dref_status_name(w[i].status),
                     w[i].uid ? w[i].uid : "-");
    }
    if (r->nrefs != n)
        fail_msg("%zu references, want %zu (first extra/missing: %s)", r->nrefs, n,
                 r->nrefs > n ? r->refs[n].path : w[r->nrefs].path);
}

static const struct dref *find_ref(const struct dash_report *r, const char *path)
{
    for (size_t i = 0; i < r->nrefs; i++)
        if (strcmp(r->refs[i].path, path) == 0)
            return &r->refs[i];
    fail_msg("no reference at %s", path);
    return NULL;
}

#define assert_contains(hay, needle)                                       \
    do {                                                                   \
        const char *h_ = (hay), *n_ = (needle);                            \
        if (!h_ || !strstr(h_, n_))                                        \
            fail_msg("expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
    } while (0)

/* ---- the crafted every-form dashboard -------------------------------------------------- */

/* Everything up to (not including) the library panel, identical in lint and live mode except
 * the export placeholder. */
#define EVERY_FORM_HEAD(placeholder_status)                                                                            \
    W("annotation \"Annotations & Alerts\"", GRAFANA, OK, NULL),                                                       \
            W("annotation \"Legacy built-in\"", GRAFANA, OK, NULL),                                                    \
            W("annotation \"Deploys\"", DATASOURCE, OK, "loki"),                                                       \
            W("variable \"namespace\"", DATASOURCE, OK, "prometheus"),                                                 \
            W("variable \"job\"", DATASOURCE, OK, "prometheus"), W("variable \"cluster\"", DEFAULT, OK, "prometheus"), \
            W("variable \"filters\"", DATASOURCE, OK, "prometheus"),                                                   \
            W("row \"Overview\" > panel \"Object ref\"", DATASOURCE, OK, "prometheus"),                                \
            W("row \"Overview\" > panel \"Object ref\" > target A", DATASOURCE, OK, "prometheus"),                     \
            W("row \"Overview\" > panel \"Variable object ref\"", DATASOURCE, OK, "prometheus"),                       \
            W("row \"Overview\" > panel \"Variable object ref\" > target A", DATASOURCE, OK, "prometheus"),            \
            W("row \"Overview\" > panel \"Export placeholder\"", INPUT, placeholder_status, NULL),                     \
            W("row \"Overview\" > panel \"Export placeholder\" > target A", INPUT, NOTE, NULL), /* not Mixed */        \
            W("row \"Overview\" > panel \"Legacy name\"", DATASOURCE, OK, "prometheus"),                               \
            W("row \"Overview\" > panel \"Legacy uid string\"", DATASOURCE, OK, "loki"),                               \
            W("row \"Overview\" > panel \"Legacy variable\"", DATASOURCE, OK, "loki"),                                 \
            W("row \"Overview\" > panel \"Double-bracket variable\"", DATASOURCE, OK, "loki"),                         \
            W("row \"Overview\" > panel \"Default (null)\"", DEFAULT, OK, "prometheus"),                               \
            W("row \"Overview\" > panel \"Default (absent)\"", DEFAULT, OK, "prometheus"),                             \
            W("row \"Overview\" > panel \"Default (string)\"", DEFAULT, OK, "prometheus"),                             \
            W("row \"Special\" > panel \"Mixed\"", MIXED, OK, NULL),                                                   \
            W("row \"Special\" > panel \"Mixed\" > target A", DATASOURCE, OK, "prometheus"),                           \
            W("row \"Special\" > panel \"Mixed\" > target B", DATASOURCE, OK, "loki"),                                 \
            W("row \"Special\" > panel \"Mixed\" > target C", EXPR, OK, NULL),                                         \
            W("row \"Special\" > panel \"Mixed\" > target D", DEFAULT, OK, "prometheus"),                              \
            W("row \"Special\" > panel \"Built-in Grafana\"", GRAFANA, OK, NULL),                                      \
            W("row \"Special\" > panel \"Dashboard source\"", DASHBOARD, OK, NULL),                                    \
            W("row \"Special\" > panel \"Saved value gone\"", DATASOURCE, OK, "tempo"),                                \
            W("row \"Special\" > panel \"Constant variable\"", DATASOURCE, OK, "loki"),                                \
            W("row \"Special\" > panel \"Legacy mixed string\"", MIXED, OK, NULL),                                     \
            W("row \"Special\" > panel \"Legacy mixed string\" > target A", DATASOURCE, OK, "tempo"),                  \
            W("row \"Special\" > panel \"Legacy mixed string\" > target B", EXPR, OK, NULL)

static void test_every_form_lint(void **state)
{
    (void)state;
    static const struct want want[] = {
            EVERY_FORM_HEAD(UNRESOLVED),
            W("row \"More\" > panel \"Shared latency\"", LIBRARY, NOTE, NULL),
            W("row \"Legacy row\" > panel \"Legacy row panel\"", DATASOURCE, OK, "loki"),
    };
    cJSON *doc = load_json("dashboards/crafted/every_form.json");
    struct dash_ctx c = live_ctx();
    c.lint = true;
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_string_equal(r.uid, "every-form");
    assert_string_equal(r.title, "Every Reference Form");
    assert_int_equal(r.nmissing, 0);
    assert_int_equal(r.ndeprecated, 0);
    assert_int_equal(r.nunresolved, 1);
    assert_int_equal(r.nnotes, 2);
    assert_int_equal(r.nlibrary, 1);
    assert_string_equal(r.library_uids[0], "lib-latency");
    assert_int_equal(dash_report_worst(&r, true), DREF_NOTE);
    assert_int_equal(dash_report_worst(&r, false), DREF_UNRESOLVED);
    /* raw forms, lookups and notes as a user reads them */
    const struct dref *d = find_ref(&r, "row \"Overview\" > panel \"Export placeholder\"");
    assert_string_equal(d->raw, "{\"type\":\"prometheus\",\"uid\":\"${DS_PROMETHEUS}\"}");
    assert_string_equal(d->lookup, "${DS_PROMETHEUS}");
    assert_string_equal(d->type, "prometheus");
    assert_contains(d->note, "replaced when the dashboard is imported");
    d = find_ref(&r, "row \"Overview\" > panel \"Legacy name\"");
    assert_string_equal(d->raw, "\"Mimir\"");
    assert_string_equal(d->name, "Mimir");
    d = find_ref(&r, "row \"Overview\" > panel \"Default (absent)\"");
    assert_string_equal(d->raw, "(none)");
    d = find_ref(&r, "row \"Overview\" > panel \"Default (null)\"");
    assert_string_equal(d->raw, "null");
    d = find_ref(&r, "row \"Special\" > panel \"Saved value gone\"");
    assert_contains(d->note, "saved value \"tempo_old\" does not exist; Grafana picks Tempo");
    d = find_ref(&r, "annotation \"Deploys\"");
    assert_contains(d->note, "via $logs = Loki");
    d = find_ref(&r, "row \"Special\" > panel \"Mixed\" > target B");
    assert_string_equal(d->target, "B");
    assert_string_equal(d->where, "row \"Special\" > panel \"Mixed\"");
    assert_string_equal(d->panel, "Mixed");
    d = find_ref(&r, "row \"More\" > panel \"Shared latency\"");
    assert_contains(d->note, "library panel \"Shared latency\" (lib-latency)");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static const cJSON *library_from(void *ud, const char *uid)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, uid), "model");
}

static void test_every_form_live_with_library(void **state)
{
    (void)state;
    static const struct want want[] = {
            EVERY_FORM_HEAD(UNRESOLVED),
            W("row \"More\" > panel \"Shared latency\" > library panel \"Shared latency\"", DATASOURCE, OK,
              "prometheus"),
            W("row \"More\" > panel \"Shared latency\" > library panel \"Shared latency\" > target A", DATASOURCE, OK,
              "prometheus"),
            W("row \"Legacy row\" > panel \"Legacy row panel\"", DATASOURCE, OK, "loki"),
    };
    cJSON *doc = load_json("dashboards/crafted/every_form.json");
    cJSON *libs = load_json("dashboards/crafted/library_elements.json");
    struct dash_ctx c = live_ctx();
    c.library = library_from;
    c.library_ud = libs;
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    /* live: a placeholder nobody replaced breaks the panel */
    assert_contains(find_ref(&r, "row \"Overview\" > panel \"Export placeholder\"")->note,
                    "was never replaced: Grafana says \"Datasource ${DS_PROMETHEUS} was not found\"");
    assert_int_equal(dash_report_worst(&r, false), DREF_UNRESOLVED);
    dash_report_free(&r);
    cJSON_Delete(libs);
    cJSON_Delete(doc);
}

/* A library panel embedded in an export (__elements) is checked offline too. */
static void test_library_from_elements(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse(
            "{\"title\":\"T\",\"__elements\":{\"lib1\":{\"name\":\"L\",\"uid\":\"lib1\",\"kind\":1,\"model\":"
            "{\"datasource\":{\"type\":\"prometheus\",\"uid\":\"gone\"},\"targets\":[{\"refId\":\"A\"}]}}},"
            "\"panels\":[{\"id\":3,\"libraryPanel\":{\"uid\":\"lib1\",\"name\":\"L\"}},"
            "{\"id\":4,\"libraryPanel\":{\"uid\":\"lib2\",\"name\":\"Other\"}}]}");
    struct dash_ctx c = live_ctx();
    c.lint = true;
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    static const struct want want[] = {
            W("panel #3 > library panel \"L\"", DATASOURCE, MISSING, NULL),
            W("panel #4", LIBRARY, NOTE, NULL),
    };
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_int_equal(r.nlibrary, 2);
    assert_string_equal(r.refs[0].lookup, "gone");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

/* ---- real and constructed fixtures ------------------------------------------------------ */

static void test_mixed_refs_envelope(void **state)
{
    (void)state;
    static const struct want want[] = {
            W("annotation \"Annotations & Alerts\"", GRAFANA, OK, NULL),
            W("variable \"namespace\"", DATASOURCE, OK, "prometheus"),
            W("variable \"job\"", DATASOURCE, OK, "prometheus"),
            W("panel \"Samples received (object ref, exported ${DS_...} input)\"", INPUT, UNRESOLVED, NULL),
            W("panel \"Samples received (object ref, exported ${DS_...} input)\" > target A", INPUT, NOTE, NULL),
            W("panel \"Mixed panel (per-target datasources)\"", MIXED, OK, NULL),
            W("panel \"Mixed panel (per-target datasources)\" > target A", DATASOURCE, OK, "prometheus"),
            W("panel \"Mixed panel (per-target datasources)\" > target B", INPUT, UNRESOLVED, NULL),
            W("panel \"Legacy panel (datasource as a plain name string)\"", DATASOURCE, OK, "prometheus"),
            W("panel \"Legacy variable reference as string\"", DATASOURCE, OK, "loki"),
            W("row \"Collapsed row with nested panels\" > panel \"Panel with no datasource (uses dashboard default)\"",
              DEFAULT, OK, "prometheus"),
            W("row \"Collapsed row with nested panels\" > panel \"Hard-coded UID object ref\"", DATASOURCE, OK,
              "tempo"),
            W("panel \"Grafana built-in datasource\"", GRAFANA, OK, NULL), /* after a collapsed row: not in it */
    };
    cJSON *doc = load_json("grafana/dashboard_by_uid_mixed_refs_constructed.json");
    struct dash_ctx c = live_ctx();
    c.lint = true;
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_string_equal(r.uid, "obs-health"); /* from the envelope's dashboard */
    assert_string_equal(r.title, "Observability stack health");
    assert_string_equal(find_ref(&r, "panel \"Mixed panel (per-target datasources)\" > target B")->type, "loki");
    assert_true(dash_is_dashboard(doc));
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_loki_legacy_strings(void **state)
{
    (void)state;
    static const struct want want[] = {
            W("variable \"cluster\"", DATASOURCE, OK, "prometheus"),
            W("variable \"namespace\"", DATASOURCE, OK, "prometheus"),
            W("variable \"deployment\"", DATASOURCE, OK, "prometheus"),
            W("variable \"pod\"", DATASOURCE, OK, "prometheus"),
            W("variable \"container\"", DATASOURCE, OK, "prometheus"),
            W("panel \"goroutines\"", DATASOURCE, OK, "prometheus"),
            W("panel \"gc duration\"", DATASOURCE, OK, "prometheus"),
            W("panel \"cpu\"", DATASOURCE, OK, "prometheus"),
            W("panel \"working set\"", DATASOURCE, OK, "prometheus"),
            W("panel \"tx\"", DATASOURCE, OK, "prometheus"),
            W("panel \"rx\"", DATASOURCE, OK, "prometheus"),
            W("panel \"restarts\"", DATASOURCE, OK, "prometheus"),
            W("panel \"bad words\"", DATASOURCE, OK, "prometheus"),
            W("panel \"Log Rate\"", DATASOURCE, OK, "loki"),
            W("panel \"Logs\"", DATASOURCE, OK, "loki"),
    };
    cJSON *doc = load_json("grafana/dashboard_loki_logs_legacy_string_refs.json");
    struct dash_ctx c = live_ctx();
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    /* "$datasource" has current "default": the default datasource, which is a prometheus one */
    assert_contains(r.refs[5].note, "via $datasource = Mimir (the default prometheus datasource)");
    /* "$logs" has no current value: the first loki datasource */
    assert_contains(r.refs[13].note, "via $logs = Loki (the first loki datasource)");
    dash_report_free(&r);

    /* Without a Loki datasource the $logs panels have nothing to pick from. */
    static const struct dash_ds only_prom[] = {{"p1", "Prom", "prometheus", true}};
    c.ds = only_prom;
    c.nds = 1;
    dash_analyze(doc, &c, &r);
    assert_int_equal(r.nmissing, 2);
    const struct dref *d = find_ref(&r, "panel \"Logs\"");
    assert_int_equal(d->status, DREF_MISSING);
    assert_string_equal(d->lookup, "$logs");
    assert_contains(d->note, "variable $logs wants a loki datasource and there is none");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_tempo_object_refs(void **state)
{
    (void)state;
    static const struct want want[] = {
            W("panel \"Service Topology\"", DATASOURCE, OK, "prometheus"),
            W("panel \"Service Topology\" > target nodes_src", DATASOURCE, OK, "prometheus"),
            W("panel \"Service Topology\" > target nodes_dst", DATASOURCE, OK, "prometheus"),
            W("panel \"Service Topology\" > target edges", DATASOURCE, OK, "prometheus"),
    };
    cJSON *doc = load_json("grafana/dashboard_tempo_service_graph_object_refs.json");
    struct dash_ctx c = live_ctx();
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_linter_inputs_and_rows(void **state)
{
    (void)state;
    static const struct want want[] = {
            W("annotation \"Annotations & Alerts\"", GRAFANA, OK, NULL),
            W("variable \"job\"", DATASOURCE, OK, "prometheus"),
            W("variable \"query0\"", DEFAULT, OK, "prometheus"),
            W("panel \"Timeseries\"", DEFAULT, OK, "prometheus"),
            W("row \"Dashboard row\" > panel \"Timeseries\"", DEFAULT, OK, "prometheus"),
            W("row #1 > panel \"Timeseries\"", DEFAULT, OK, "prometheus"), /* legacy rows[] */
    };
    cJSON *doc = load_json("grafana/dashboard_linter_testdata_inputs.json");
    struct dash_ctx c = live_ctx();
    c.lint = true;
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_string_equal(r.uid, "");
    assert_string_equal(r.title, "Sample dashboard");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

/* ---- missing and deprecated ------------------------------------------------------------ */

static const char *const deprecated_map[] = {"prometheus_legacy", "prometheus", "grafana_prometheus", "grafana_mimir"};

static void test_missing_datasource(void **state)
{
    (void)state;
    static const struct want want[] = {
            W("panel \"Latency\"", DATASOURCE, MISSING, NULL),
            W("panel \"Latency\" > target A", DATASOURCE, NOTE, NULL), /* sent to the panel's datasource */
            W("panel \"Errors\"", DATASOURCE, MISSING, NULL),
            W("row \"Saturation\" > panel \"CPU\"", MIXED, OK, NULL),
            W("row \"Saturation\" > panel \"CPU\" > target A", DATASOURCE, OK, "prometheus"),
            W("row \"Saturation\" > panel \"CPU\" > target B", DATASOURCE, MISSING, NULL),
            W("panel \"Recent errors\"", DATASOURCE, OK, "loki"),
    };
    cJSON *doc = load_json("dashboards/crafted/missing_datasource.json");
    struct dash_ctx c = live_ctx();
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_int_equal(r.nmissing, 3);
    assert_string_equal(r.refs[0].lookup, "grafana_prometheus");
    assert_string_equal(r.refs[0].jpath, "panels[0].datasource");
    assert_string_equal(r.refs[1].jpath, "panels[0].targets[0]");
    assert_non_null(strstr(r.refs[1].note, "harmless until the panel is made Mixed"));
    assert_null(r.refs[0].replacement);
    assert_int_equal(dash_report_worst(&r, true), DREF_MISSING);
    dash_report_free(&r);
    /* The uid is listed as deprecated but no longer exists: still missing, naming the replacement. */
    c.deprecated = deprecated_map;
    c.ndeprecated = 2;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_string_equal(r.refs[0].replacement, "grafana_mimir");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_deprecated_datasource(void **state)
{
    (void)state;
    static const struct dash_ds with_legacy[] = {
            {"prometheus", "Mimir", "prometheus", true},
            {"prometheus_legacy", "Prometheus (legacy)", "prometheus", false},
    };
    static const struct want want[] = {
            W("panel \"p99 latency\"", DATASOURCE, DEPRECATED, "prometheus_legacy"),
            W("panel \"p99 latency\" > target A", DATASOURCE, NOTE, "prometheus_legacy"),
            W("panel \"Requests\"", DATASOURCE, DEPRECATED, "prometheus_legacy"), /* by name */
            W("panel \"Ingest\"", DATASOURCE, OK, "prometheus"),
    };
    cJSON *doc = load_json("dashboards/crafted/deprecated_datasource.json");
    struct dash_ctx c = {.ds = with_legacy,
                         .nds = 2,
                         .ds_known = true,
                         .types_known = true,
                         .deprecated = deprecated_map,
                         .ndeprecated = 2};
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    expect_refs(&r, want, ARRAY_LEN(want));
    assert_int_equal(r.ndeprecated, 2);
    assert_string_equal(r.refs[2].replacement, "prometheus");
    assert_string_equal(r.refs[2].lookup, "Prometheus (legacy)");
    assert_int_equal(dash_report_worst(&r, true), DREF_DEPRECATED);
    dash_report_free(&r);
    /* without the map: all fine */
    c.ndeprecated = 0;
    dash_analyze(doc, &c, &r);
    assert_int_equal(dash_report_worst(&r, false), DREF_OK);
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_clean(void **state)
{
    (void)state;
    cJSON *doc = load_json("dashboards/crafted/clean.json");
    struct dash_ctx c = live_ctx();
    struct dash_report r;
    dash_analyze(doc, &c, &r);
    assert_int_equal(r.nrefs, 7);
    assert_int_equal(dash_report_worst(&r, false), DREF_OK);
    assert_int_equal(r.nmissing + r.ndeprecated + r.nunresolved + r.nnotes, 0);
    dash_report_free(&r);
    cJSON_Delete(doc);
}

/* ---- resolution corner cases ----------------------------------------------------------- */

struct inline_case {
    const char *label;
    const char *json;
    bool lint, ds_known, types_known;
    enum dref_kind kind;
    enum dref_status status;
    const char *uid;
    const char *note_sub; /* in the last reference's note (NULL: not checked) */
};

static void test_inline_cases(void **state)
{
    (void)state;
    static const struct inline_case cases[] = {
            {"uid falls back to name", "{\"panels\":[{\"datasource\":{\"uid\":\"Loki\"},\"targets\":[{}]}]}", false,
             true, true, DREF_DATASOURCE, DREF_OK, "loki", NULL},
            {"${var:raw} format",
             "{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"tempo\","
             "\"current\":{\"value\":\"tempo\"}}]},\"panels\":[{\"datasource\":\"${ds:raw}\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "tempo", "via $ds = Tempo"},
            {"[[var:text]] format",
             "{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"tempo\","
             "\"current\":{\"text\":\"Tempo\"}}]},\"panels\":[{\"datasource\":\"[[ds:text]]\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "tempo", NULL},
            {"current.value as a list",
             "{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\","
             "\"query\":\"loki\",\"current\":{\"value\":[\"loki\"]}}]},\"panels\":[{\"datasource\":\"$ds\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "loki", NULL},
            {"undefined variable", "{\"panels\":[{\"datasource\":\"$nope\"}]}", false, true, true, DREF_DATASOURCE,
             DREF_MISSING, NULL, "variable $nope is not defined"},
            {"DS_ without __inputs", "{\"panels\":[{\"datasource\":\"${DS_PROM}\"}]}", true, true, true,
             DREF_DATASOURCE, DREF_MISSING, NULL, "variable $DS_PROM is not defined"},
            {"DS_ variable defined in templating wins",
             "{\"__inputs\":[{\"name\":\"DS_P\",\"type\":\"datasource\","
             "\"pluginId\":\"prometheus\"}],\"templating\":{\"list\":[{\"name\":\"DS_P\",\"type\":\"datasource\","
             "\"query\":\"prometheus\"}]},\"panels\":[{\"datasource\":\"${DS_P}\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "prometheus", NULL},
            {"query variable with stale value",
             "{\"templating\":{\"list\":[{\"name\":\"q\",\"type\":\"query\","
             "\"current\":{\"value\":\"gone\"}}]},\"panels\":[{\"datasource\":\"$q\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_NOTE, NULL, "computed when the dashboard loads"},
            {"custom variable naming a missing datasource",
             "{\"templating\":{\"list\":[{\"name\":\"c\",\"type\":\"custom\","
             "\"current\":{\"value\":\"gone\"}}]},\"panels\":[{\"datasource\":\"$c\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_MISSING, NULL, "via $c = \"gone\", which does not exist"},
            {"variable loop",
             "{\"templating\":{\"list\":[{\"name\":\"a\",\"type\":\"custom\",\"current\":{\"value\":\"$b\"}},"
             "{\"name\":\"b\",\"type\":\"custom\",\"current\":{\"value\":\"$a\"}}]},\"panels\":[{\"datasource\":\"$a\"}]}",
             false, true, true, DREF_INVALID, DREF_NOTE, NULL, "too deeply"},
            {"no datasource list: concrete refs are fine", "{\"panels\":[{\"datasource\":\"whatever\"}]}", true, false,
             false, DREF_DATASOURCE, DREF_OK, "whatever", NULL},
            {"uids without types: datasource variable not judged",
             "{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"prometheus\","
             "\"current\":{\"value\":\"old\"}}]},\"panels\":[{\"datasource\":\"$ds\"}]}",
             true, true, false, DREF_DATASOURCE, DREF_NOTE, NULL, "Grafana picks a prometheus datasource on load"},
            {"object without uid: default", "{\"panels\":[{\"datasource\":{\"type\":\"loki\"}}]}", false, true, true,
             DREF_DEFAULT, DREF_OK, "prometheus", NULL},
            {"expression by type", "{\"panels\":[{\"datasource\":{\"type\":\"__expr__\",\"uid\":\"x\"}}]}", false, true,
             true, DREF_EXPR, DREF_OK, NULL, NULL},
            {"number", "{\"panels\":[{\"datasource\":7}]}", false, true, true, DREF_INVALID, DREF_NOTE, NULL,
             "a number"},
            {"uid of a wrong type", "{\"panels\":[{\"datasource\":{\"uid\":[1]}}]}", false, true, true, DREF_INVALID,
             DREF_NOTE, NULL, "not a string"},
            {"-- Dashboard -- string", "{\"panels\":[{\"datasource\":\"-- Dashboard --\"}]}", false, true, true,
             DREF_DASHBOARD, DREF_OK, NULL, NULL},
            {"query variable without datasource: default",
             "{\"templating\":{\"list\":[{\"name\":\"v\",\"type\":\"query\"}]},"
             "\"panels\":[]}",
             false, true, true, DREF_DEFAULT, DREF_OK, "prometheus", NULL},
            {"collapsed row does not hold following panels",
             "{\"panels\":[{\"type\":\"row\",\"title\":\"C\","
             "\"collapsed\":true,\"panels\":[]},{\"title\":\"Q\",\"datasource\":\"loki\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "loki", NULL},
            {"expanded row holds following panels",
             "{\"panels\":[{\"type\":\"row\",\"title\":\"R\"},{\"title\":\"P\","
             "\"datasource\":\"loki\"}]}",
             false, true, true, DREF_DATASOURCE, DREF_OK, "loki", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const struct inline_case *t = &cases[i];
        cJSON *doc = cJSON_Parse(t->json);
        if (!doc)
            fail_msg("%s: bad test JSON", t->label);
        struct dash_ctx c = live_ctx();
        c.lint = t->lint;
        c.ds_known = t->ds_known;
        c.types_known = t->types_known;
        if (!t->types_known && t->ds_known) {
            static const struct dash_ds uids[] = {{"prometheus", NULL, NULL, false}};
            c.ds = uids;
            c.nds = 1;
        }
        struct dash_report r;
        dash_analyze(doc, &c, &r);
        if (r.nrefs < 1)
            fail_msg("%s: no reference found", t->label);
        const struct dref *d = &r.refs[r.nrefs - 1]; /* the panel's (variables come first) */
        bool uid_ok = t->uid ? (d->uid && strcmp(d->uid, t->uid) == 0) : !d->uid;
        if (d->kind != t->kind || d->status != t->status || !uid_ok ||
            (t->note_sub && (!d->note || !strstr(d->note, t->note_sub))))
            fail_msg("%s: got %s %s uid=%s note \"%s\"", t->label, dref_kind_name(d->kind), dref_status_name(d->status),
                     d->uid ? d->uid : "-", d->note ? d->note : "");
        if (i == ARRAY_LEN(cases) - 1)
            assert_string_equal(d->path, "row \"R\" > panel \"P\"");
        if (i == ARRAY_LEN(cases) - 2)
            assert_string_equal(d->path, "panel \"Q\"");
        dash_report_free(&r);
        cJSON_Delete(doc);
    }
}

static void test_default_datasource_edge(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse("{\"panels\":[{\"title\":\"x\",\"targets\":[{\"refId\":\"A\"}]}]}");
    struct dash_report r;
    /* no datasources at all */
    struct dash_ctx c = {.ds_known = true, .types_known = true};
    dash_analyze(doc, &c, &r);
    assert_int_equal(r.nrefs, 1);
    assert_int_equal(r.refs[0].status, DREF_MISSING);
    assert_string_equal(r.refs[0].lookup, "default");
    dash_report_free(&r);
    /* none marked default: Grafana uses its built-in source; said, not failed */
    static const struct dash_ds nodef[] = {{"a", "A", "loki", false}};
    c.ds = nodef;
    c.nds = 1;
    dash_analyze(doc, &c, &r);
    assert_int_equal(r.refs[0].status, DREF_OK);
    assert_contains(r.refs[0].note, "none is marked default");
    dash_report_free(&r);
    cJSON_Delete(doc);
}

static void test_ds_from_json(void **state)
{
    (void)state;
    cJSON *arr = load_json("grafana/datasources_list_constructed.json");
    struct dash_ds *ds;
    size_t n = dash_ds_from_json(arr, &ds);
    assert_int_equal(n, 4);
    assert_string_equal(ds[0].uid, "prometheus");
    assert_string_equal(ds[0].name, "Mimir");
    assert_string_equal(ds[0].type, "prometheus");
    assert_true(ds[0].is_default);
    assert_false(ds[1].is_default);
    free(ds);
    cJSON_Delete(arr);
    arr = cJSON_Parse("[null, 1, {\"type\":\"x\"}, {\"name\":\"only-name\"}, [], {\"uid\":7,\"name\":\"n\"}]");
    n = dash_ds_from_json(arr, &ds);
    assert_int_equal(n, 2);
    assert_null(ds[0].uid);
    assert_string_equal(ds[0].name, "only-name");
    assert_string_equal(ds[1].name, "n");
    free(ds);
    cJSON_Delete(arr);
    assert_int_equal(dash_ds_from_json(NULL, &ds), 0);
    assert_null(ds);
    arr = cJSON_Parse("{}");
    assert_int_equal(dash_ds_from_json(arr, &ds), 0);
    cJSON_Delete(arr);
}

/* ---- robustness ------------------------------------------------------------------------ */

static void analyze_all_modes(const cJSON *doc)
{
    for (int m = 0; m < 4; m++) {
        struct dash_ctx c = live_ctx();
        c.lint = m & 1;
        c.ds_known = !(m & 2);
        c.deprecated = deprecated_map;
        c.ndeprecated = 2;
        struct dash_report r;
        dash_analyze(doc, &c, &r);
        for (size_t i = 0; i < r.nrefs; i++) {
            assert_non_null(r.refs[i].path);
            assert_non_null(r.refs[i].raw);
        }
        (void)dash_report_worst(&r, c.lint);
        dash_report_free(&r);
    }
}

static void test_wrong_types_everywhere(void **state)
{
    (void)state;
    static const char *const docs[] = {
            "null",
            "1",
            "\"s\"",
            "[]",
            "{}",
            "[{\"panels\":[]}]",
            "{\"dashboard\":null,\"panels\":null}",
            "{\"dashboard\":{\"panels\":{\"a\":1}}}",
            "{\"panels\":[null,1,\"x\",[],{\"type\":7},{\"type\":\"row\",\"panels\":{}},{\"targets\":{}},"
            "{\"targets\":[null,1,{\"refId\":7,\"datasource\":[]}]}]}",
            "{\"rows\":[null,{\"panels\":7},{\"title\":[],\"panels\":[{\"datasource\":{}}]}]}",
            "{\"templating\":{\"list\":{}},\"annotations\":[],\"panels\":[]}",
            "{\"templating\":{\"list\":[null,{\"name\":null,\"type\":\"query\",\"datasource\":true},"
            "{\"name\":\"d\",\"type\":\"datasource\",\"query\":[],\"current\":{\"value\":{}}}]},"
            "\"panels\":[{\"datasource\":\"$d\"},{\"datasource\":{\"uid\":\"${d}\",\"type\":7}}]}",
            "{\"annotations\":{\"list\":[null,{\"datasource\":null},{\"name\":5,\"datasource\":{\"uid\":null}}]},"
            "\"panels\":[]}",
            "{\"__inputs\":{},\"__elements\":[],\"panels\":[{\"libraryPanel\":{\"uid\":5}},{\"libraryPanel\":[]},"
            "{\"libraryPanel\":{\"uid\":\"u\",\"name\":null}}]}",
            "{\"__elements\":{\"u\":{\"model\":[]}},\"panels\":[{\"libraryPanel\":{\"uid\":\"u\"}}]}",
            "{\"panels\":[{\"datasource\":\"${\"},{\"datasource\":\"$\"},{\"datasource\":\"[[\"},{\"datasource\":\"${a:}\"},"
            "{\"datasource\":\"${a}b\"},{\"datasource\":\"[[a]]]\"},{\"datasource\":\"\"}]}",
    };
    for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
        cJSON *doc = cJSON_Parse(docs[i]);
        if (!doc)
            fail_msg("doc %zu is not JSON", i);
        analyze_all_modes(doc);
        (void)dash_is_dashboard(doc);
        cJSON_Delete(doc);
    }
    analyze_all_modes(NULL);
    /* deep nesting of rows */
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "{\"type\":\"row\",\"panels\":[");
    buf_puts(&b, "{\"datasource\":\"x\"}");
    for (int i = 0; i < 200; i++)
        buf_puts(&b, "]}");
    char *doc_text = xasprintf("{\"panels\":[%s]}", b.data);
    cJSON *doc = cJSON_Parse(doc_text);
    assert_non_null(doc);
    analyze_all_modes(doc);
    cJSON_Delete(doc);
    free(doc_text);
    buf_free(&b);
}

/* Replaces nodes of a real dashboard with values of other types, over and over. */
static cJSON *mutant(uint32_t *x)
{
    *x = *x * 1103515245u + 12345u;
    switch ((*x >> 16) % 7) {
    case 0: return cJSON_CreateNull();
    case 1: return cJSON_CreateNumber(-100);
    case 2: return cJSON_CreateString("$datasource");
    case 3: return cJSON_CreateArray();
    case 4: return cJSON_CreateObject();
    case 5: return cJSON_CreateString("-- Mixed --");
    default: return cJSON_CreateTrue();
    }
}

static void mutate(cJSON *node, uint32_t *x, int depth)
{
    cJSON *child = node ? node->child : NULL;
    int i = 0;
    while (child) {
        cJSON *next = child->next;
        *x = *x * 1103515245u + 12345u;
        if ((*x >> 16) % 11 == 0) {
            if (cJSON_IsObject(node))
                cJSON_ReplaceItemInObjectCaseSensitive(node, child->string, mutant(x));
            else
                cJSON_ReplaceItemInArray(node, i, mutant(x));
        } else if (depth < 30) {
            mutate(child, x, depth + 1);
        }
        child = next;
        i++;
    }
}

/* Grafana's own semantics, one regression each: what its query runner really sends, import
 * placeholders with any characters, a datasource variable's regex, Grafana 12 resources. */
static const struct dash_ds eu_ds[] = {
        {"prometheus", "Mimir", "prometheus", true},
        {"loki", "Loki", "loki", false},
        {"prom_eu", "Prometheus EU", "prometheus", false},
};

static void analyze_text(const char *json, bool lint, struct dash_report *r)
{
    cJSON *doc = cJSON_Parse(json);
    if (!doc)
        fail_msg("bad test JSON: %s", json);
    assert_true(dash_is_dashboard(doc));
    struct dash_ctx c = {.ds = eu_ds, .nds = ARRAY_LEN(eu_ds), .ds_known = true, .types_known = true, .lint = lint};
    dash_analyze(doc, &c, r);
    cJSON_Delete(doc);
}

static void test_grafana_semantics(void **state)
{
    (void)state;
    struct dash_report r;
    /* a stale target datasource: harmless in a panel that is not Mixed, broken in a Mixed one */
    analyze_text("{\"panels\":[{\"title\":\"P\",\"datasource\":{\"uid\":\"loki\"},"
                 "\"targets\":[{\"refId\":\"A\",\"datasource\":{\"uid\":\"gone\"}}]},"
                 "{\"title\":\"M\",\"datasource\":{\"uid\":\"-- Mixed --\"},"
                 "\"targets\":[{\"refId\":\"A\",\"datasource\":{\"uid\":\"gone\"}}]}]}",
                 false, &r);
    static const struct want stale[] = {
            W("panel \"P\"", DATASOURCE, OK, "loki"),
            W("panel \"P\" > target A", DATASOURCE, NOTE, NULL),
            W("panel \"M\"", MIXED, OK, NULL),
            W("panel \"M\" > target A", DATASOURCE, MISSING, NULL),
    };
    expect_refs(&r, stale, ARRAY_LEN(stale));
    assert_int_equal(r.nmissing, 1);
    assert_string_equal(r.refs[3].jpath, "panels[1].targets[0]");
    dash_report_free(&r);

    /* rows and text panels never query: their datasources are not references */
    analyze_text("{\"panels\":[{\"type\":\"row\",\"title\":\"R\",\"datasource\":\"gone\",\"collapsed\":true,"
                 "\"panels\":[{\"type\":\"text\",\"title\":\"T\",\"datasource\":{\"uid\":\"gone\"}},"
                 "{\"type\":\"stat\",\"title\":\"S\",\"datasource\":{\"uid\":\"gone\"}}]}]}",
                 true, &r);
    static const struct want quiet[] = {W("row \"R\" > panel \"S\"", DATASOURCE, MISSING, NULL)};
    expect_refs(&r, quiet, ARRAY_LEN(quiet));
    assert_string_equal(r.refs[0].jpath, "panels[0].panels[1].datasource");
    dash_report_free(&r);

    /* an import placeholder with a hyphen (Grafana: \$\{.+?\}) */
    analyze_text("{\"__inputs\":[{\"name\":\"DS_GRAFANACLOUD-EXAMPLE1-PROM\",\"type\":\"datasource\","
                 "\"pluginId\":\"prometheus\"}],\"panels\":[{\"title\":\"P\","
                 "\"datasource\":{\"uid\":\"${DS_GRAFANACLOUD-EXAMPLE1-PROM}\"}}]}",
                 true, &r);
    static const struct want input[] = {W("panel \"P\"", INPUT, UNRESOLVED, NULL)};
    expect_refs(&r, input, ARRAY_LEN(input));
    assert_string_equal(r.refs[0].lookup, "${DS_GRAFANACLOUD-EXAMPLE1-PROM}");
    dash_report_free(&r);
    /* ... and one that is not declared stays missing */
    analyze_text("{\"panels\":[{\"title\":\"P\",\"datasource\":\"${DS_A-B}\"}]}", true, &r);
    assert_int_equal(r.refs[0].status, DREF_MISSING);
    assert_non_null(strstr(r.refs[0].note, "$DS_A-B is not defined"));
    dash_report_free(&r);

    /* a datasource variable's regex narrows its options (applied to names) */
    analyze_text("{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"prometheus\","
                 "\"regex\":\"/EU$/\",\"current\":{\"value\":\"prometheus\"}}]},"
                 "\"panels\":[{\"title\":\"P\",\"datasource\":\"$ds\"}]}",
                 false, &r);
    static const struct want re_pick[] = {W("panel \"P\"", DATASOURCE, OK, "prom_eu")};
    expect_refs(&r, re_pick, ARRAY_LEN(re_pick));
    assert_non_null(strstr(r.refs[0].note, "does not match the variable's regex /EU$/"));
    dash_report_free(&r);
    analyze_text("{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"prometheus\","
                 "\"regex\":\"/^thanos/i\"}]},\"panels\":[{\"title\":\"P\",\"datasource\":\"${ds}\"},"
                 "{\"title\":\"Q\",\"datasource\":{\"uid\":\"$ds\"}}]}",
                 false, &r);
    static const struct want re_none[] = {W("panel \"P\"", DATASOURCE, MISSING, NULL),
                                          W("panel \"Q\"", DATASOURCE, MISSING, NULL)};
    expect_refs(&r, re_none, ARRAY_LEN(re_none));
    assert_non_null(strstr(r.refs[0].note, "whose name matches /^thanos/i and there is none"));
    dash_report_free(&r);
    /* a regex with a variable in it cannot be applied offline: said so */
    analyze_text("{\"templating\":{\"list\":[{\"name\":\"ds\",\"type\":\"datasource\",\"query\":\"prometheus\","
                 "\"regex\":\"/$region/\"}]},\"panels\":[{\"title\":\"P\",\"datasource\":\"$ds\"}]}",
                 false, &r);
    assert_int_equal(r.refs[0].status, DREF_OK);
    assert_non_null(strstr(r.refs[0].note, "not applied offline"));
    dash_report_free(&r);

    /* Grafana 12: v1beta1 holds the classic model in spec */
    analyze_text("{\"apiVersion\":\"dashboard.grafana.app/v1beta1\",\"kind\":\"Dashboard\","
                 "\"metadata\":{\"name\":\"res-1\"},\"spec\":{\"title\":\"Res\","
                 "\"panels\":[{\"title\":\"P\",\"datasource\":{\"uid\":\"gone\"}}]}}",
                 true, &r);
    assert_string_equal(r.uid, "res-1");
    assert_string_equal(r.title, "Res");
    static const struct want v1[] = {W("panel \"P\"", DATASOURCE, MISSING, NULL)};
    expect_refs(&r, v1, ARRAY_LEN(v1));
    assert_string_equal(r.refs[0].jpath, "spec.panels[0].datasource");
    dash_report_free(&r);

    /* v2: elements, PanelQuery, DataQuery.datasource.name; variables and annotations */
    analyze_text(
            "{\"apiVersion\":\"dashboard.grafana.app/v2beta1\",\"kind\":\"Dashboard\","
            "\"metadata\":{\"name\":\"v2\"},\"spec\":{\"title\":\"V2\","
            "\"annotations\":[{\"kind\":\"AnnotationQuery\",\"spec\":{\"name\":\"Annotations & Alerts\","
            "\"query\":{\"kind\":\"DataQuery\",\"group\":\"grafana\",\"datasource\":{\"name\":\"-- Grafana --\"}}}}],"
            "\"variables\":[{\"kind\":\"DatasourceVariable\",\"spec\":{\"name\":\"ds\",\"pluginId\":\"loki\","
            "\"current\":{\"text\":\"Loki\",\"value\":\"loki\"}}}],"
            "\"elements\":{\"panel-1\":{\"kind\":\"Panel\",\"spec\":{\"title\":\"Req\",\"data\":{\"kind\":"
            "\"QueryGroup\",\"spec\":{\"queries\":[{\"kind\":\"PanelQuery\",\"spec\":{\"refId\":\"A\","
            "\"query\":{\"kind\":\"DataQuery\",\"group\":\"prometheus\",\"datasource\":{\"name\":\"gone\"}}}},"
            "{\"kind\":\"PanelQuery\",\"spec\":{\"refId\":\"B\",\"query\":{\"kind\":\"DataQuery\","
            "\"group\":\"loki\",\"datasource\":{\"name\":\"${ds}\"}}}}]}}}}},"
            "\"layout\":{\"kind\":\"GridLayout\",\"spec\":{\"items\":[]}}}}",
            true, &r);
    static const struct want v2[] = {
            W("annotation \"Annotations & Alerts\"", GRAFANA, OK, NULL),
            W("panel \"Req\" > target A", DATASOURCE, MISSING, NULL),
            W("panel \"Req\" > target B", DATASOURCE, OK, "loki"),
    };
    expect_refs(&r, v2, ARRAY_LEN(v2));
    assert_string_equal(r.refs[1].jpath, "spec.elements.panel-1.spec.data.spec.queries[0]");
    assert_string_equal(r.refs[1].lookup, "gone");
    dash_report_free(&r);
}

static void test_mutated_fixtures(void **state)
{
    (void)state;
    static const char *const files[] = {
            "dashboards/crafted/every_form.json",
            "grafana/dashboard_by_uid_mixed_refs_constructed.json",
            "grafana/dashboard_loki_logs_legacy_string_refs.json",
            "grafana/dashboard_linter_testdata_inputs.json",
    };
    uint32_t x = 42;
    for (size_t f = 0; f < ARRAY_LEN(files); f++)
        for (int round = 0; round < 60; round++) {
            cJSON *doc = load_json(files[f]);
            mutate(doc, &x, 0);
            analyze_all_modes(doc);
            cJSON_Delete(doc);
        }
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dref_status_name(DREF_UNRESOLVED), "unresolved-input");
    assert_string_equal(dref_status_name(DREF_MISSING), "missing");
    assert_string_equal(dref_kind_name(DREF_EXPR), "expression");
    assert_string_equal(dref_kind_name((enum dref_kind)99), "?");
    assert_string_equal(dref_status_name((enum dref_status)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_every_form_lint),
            cmocka_unit_test(test_every_form_live_with_library),
            cmocka_unit_test(test_library_from_elements),
            cmocka_unit_test(test_mixed_refs_envelope),
            cmocka_unit_test(test_loki_legacy_strings),
            cmocka_unit_test(test_tempo_object_refs),
            cmocka_unit_test(test_linter_inputs_and_rows),
            cmocka_unit_test(test_missing_datasource),
            cmocka_unit_test(test_deprecated_datasource),
            cmocka_unit_test(test_clean),
            cmocka_unit_test(test_inline_cases),
            cmocka_unit_test(test_default_datasource_edge),
            cmocka_unit_test(test_ds_from_json),
            cmocka_unit_test(test_wrong_types_everywhere),
            cmocka_unit_test(test_mutated_fixtures),
            cmocka_unit_test(test_grafana_semantics),
            cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
