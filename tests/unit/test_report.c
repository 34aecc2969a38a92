#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/report.h"
#include "lgtmtop/util.h"
#include "lgtmtop/verdict.h"
#include "state_fixture.h"

static void setup_state(struct fixture *f) { setup_state_named(f, "prod", 0); }

static void put(struct fixture *f, int comp, int check, enum status st, const char *msg, enum net_err net,
                double counter, long long now)
{
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = st;
    snprintf(o.summary, sizeof(o.summary), "%s", msg);
    if (counter >= 0)
        obs_add_value(&o, VK_SPANS_RECEIVED_TOTAL, counter);
    memset(&r, 0, sizeof(r));
    r.err = net;
    r.err_text = "";
    r.status = net == NET_OK ? 200 : 0;
    r.t.connect_us = 1000;
    r.t.total_us = 12400;
    state_record(&f->comps[comp], (size_t)check, &o, &r, now);
    obs_free(&o);
}

static void cleanup(struct fixture *f)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            check_state_release(&f->checks[i][j]);
}

static char *table(struct fixture *f, int width)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    struct report_meta m = {.duration_ms = 1020};
    verdict_update(&f->s, 0);
    report_table(mem, &f->s, &m, false, width);
    fclose(mem);
    return text;
}

static void test_exit_codes(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    assert_int_equal(report_exit_code(&f.s), EXIT_UNKNOWN); /* nothing ran */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            put(&f, i, j, ST_OK, "fine", NET_OK, -1, 1);
    assert_int_equal(report_exit_code(&f.s), EXIT_OK_);
    put(&f, 1, 1, ST_WARN, "meh", NET_OK, -1, 2);
    assert_int_equal(report_exit_code(&f.s), EXIT_WARNING);
    put(&f, 0, 0, ST_FAIL, "connection refused", NET_REFUSED, -1, 3);
    assert_int_equal(report_exit_code(&f.s), EXIT_CRITICAL);
    assert_string_equal(report_exit_name(EXIT_CRITICAL), "CRITICAL");
    cleanup(&f);
}

static void test_table(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    put(&f, 0, 0, ST_FAIL, "connection refused: nothing listens on mimir:9009", NET_REFUSED, -1, 1);
    put(&f, 0, 1, ST_OK, "ok", NET_OK, -1, 1);
    put(&f, 1, 0, ST_OK, "ready", NET_OK, -1, 1);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 100, 1000);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 600, 6000);
    char *t = table(&f, 0);
    assert_non_null(strstr(t, "STACK"));
    assert_non_null(strstr(
            t, "prod   mimir      ready        FAIL            -  connection refused: nothing listens on mimir:9009"));
    assert_non_null(strstr(t, "prod   tempo      metrics      OK           12ms  spans"));
    assert_non_null(strstr(t, "prod tempo: 100.0 spans/s"));
    assert_non_null(strstr(t, "CRITICAL: 2 components: 1 OK, 0 WARN, 1 FAIL (1.0s)"));
    free(t);
    /* a narrow terminal truncates the message column with "..." */
    t = table(&f, 64);
    assert_non_null(strstr(t, "connection ..."));
    assert_null(strstr(t, "mimir:9009\n"));
    free(t);
    cleanup(&f);
}

static void test_json(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    put(&f, 0, 0, ST_FAIL, "connection refused", NET_REFUSED, -1, 1);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 100, 1000);
    struct report_meta m = {.time_unix_ms = 1764442800000LL, .duration_ms = 42, .sweeps = 1};
    verdict_update(&f.s, 0);
    char *doc = report_json(&f.s, &m);
    cJSON *root = cJSON_Parse(doc);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "schema")->valuestring, "lgtmtop.check/v2");
    assert_string_equal(cJSON_GetObjectItem(root, "status")->valuestring, "CRITICAL");
    assert_int_equal(cJSON_GetObjectItem(root, "exit_code")->valueint, 2);
    assert_string_equal(cJSON_GetObjectItem(root, "time")->valuestring, "2025-11-29T19:00:00Z");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(root, "config")));
    cJSON *comps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "stacks"), 0), "components");
    cJSON *mimir = cJSON_GetArrayItem(comps, 0), *tempo = cJSON_GetArrayItem(comps, 1);
    assert_string_equal(cJSON_GetObjectItem(mimir, "url")->valuestring, "http://***@mimir:9009");
    cJSON *ready = cJSON_GetArrayItem(cJSON_GetObjectItem(mimir, "checks"), 0);
    assert_string_equal(cJSON_GetObjectItem(ready, "error")->valuestring, "refused");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(ready, "latency_ms")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(ready, "http_status")));
    cJSON *pending = cJSON_GetArrayItem(cJSON_GetObjectItem(mimir, "checks"), 1);
    assert_string_equal(cJSON_GetObjectItem(pending, "status")->valuestring, "UNKNOWN");
    /* one sample: the rate is present but null (unknown), never 0 */
    cJSON *rates = cJSON_GetObjectItem(tempo, "rates");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(rates, "spans_per_second")));
    cJSON *metrics = cJSON_GetArrayItem(cJSON_GetObjectItem(tempo, "checks"), 1);
    assert_true(cJSON_GetObjectItem(metrics, "latency_ms")->valuedouble == 12.4);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(metrics, "values"), "spans_received_total")->valueint,
                     100);
    cJSON_Delete(root);
    free(doc);
    cleanup(&f);
}

/* Strict: valid UTF-8 (no overlong, surrogate or out-of-range form), no C0 but the newlines
 * (and tabs: whole documents) allowed, no DEL, no C1, no bidi control. */
static bool strict_clean_ws(const char *p, bool newlines, bool tabs)
{
    const unsigned char *s = (const unsigned char *)p;
    while (*s) {
        unsigned char c = *s;
        if (c < 0x80) {
            if ((c < 0x20 && !(c == '\n' && newlines) && !(c == '\t' && tabs)) || c == 0x7F)
                return false;
            s++;
            continue;
        }
        int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!n)
            return false;
        unsigned v = c & (0x7F >> n);
        for (int i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            v = (v << 6) | (s[i] & 0x3F);
        }
        if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        if (v < 0xA0 || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069))
            return false;
        s += n;
    }
    return true;
}

static bool strict_clean(const char *p, bool newlines) { return strict_clean_ws(p, newlines, false); }

static void assert_tree_clean(const cJSON *it)
{
    for (; it; it = it->next) {
        if (it->string)
            assert_true(strict_clean(it->string, false));
        if (cJSON_IsString(it))
            assert_true(strict_clean(it->valuestring, it->string && strcmp(it->string, "detail") == 0));
        assert_tree_clean(it->child);
    }
}

static void test_json_strings_clean(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    /* server strings as a check copies them into data: raw C1, invalid bytes, DEL, UTF-8 C1,
     * escape sequences, bidi overrides, in values and in keys */
    static const char hostile[] = "ds\x9b"
                                  "2J\xff\x7f\xc2\x85\x1b]0;TITLE\x07\xe2\x80\xae"
                                  "name\xed\xa0\x80\xc0\xaf";
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = ST_OK;
    snprintf(o.summary, sizeof(o.summary), "ok");
    o.detail = xstrdup("line one\nline\x1b[31m two");
    o.data = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o.data, "datasources");
    cJSON *ds = cJSON_CreateObject();
    cJSON_AddStringToObject(ds, "name", hostile);
    cJSON_AddStringToObject(ds, hostile, "label value\n\t\x01");
    cJSON_AddItemToArray(arr, ds);
    cJSON_AddItemToArray(arr, cJSON_CreateString(hostile));
    memset(&r, 0, sizeof(r));
    r.err_text = "";
    r.status = 200;
    state_record(&f.comps[0], 1, &o, &r, 1);
    obs_free(&o);
    struct report_meta m = {.duration_ms = 1};
    verdict_update(&f.s, 0);
    char *doc = report_json(&f.s, &m);
    /* the bytes themselves: valid UTF-8, no DEL or C1 (C0 only as JSON's own newlines) */
    assert_true(strict_clean_ws(doc, true, true));
    cJSON *root = cJSON_Parse(doc);
    assert_non_null(root);
    assert_tree_clean(root);
    cJSON *mimir = cJSON_GetArrayItem(
            cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "stacks"), 0), "components"), 0);
    cJSON *metrics = cJSON_GetArrayItem(cJSON_GetObjectItem(mimir, "checks"), 1);
    cJSON *data = cJSON_GetObjectItem(metrics, "data");
    cJSON *d0 = cJSON_GetArrayItem(cJSON_GetObjectItem(data, "datasources"), 0);
    /* the sequences go whole (no "2J", no "TITLE"), invalid bytes become '?' */
    assert_string_equal(cJSON_GetObjectItem(d0, "name")->valuestring, "ds?  name?????");
    assert_string_equal(cJSON_GetObjectItem(metrics, "detail")->valuestring, "line one\nline two");
    cJSON_Delete(root);
    free(doc);
    cleanup(&f);
}

/* Status changes, newest first, with wall-clock times from the meta's two clocks. */
static void test_json_changes(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    put(&f, 1, 0, ST_OK, "ready", NET_OK, -1, 1000);
    put(&f, 1, 0, ST_FAIL, "not ready: <503>", NET_OK, -1, 2000);
    put(&f, 1, 0, ST_OK, "ready", NET_OK, -1, 3500);
    struct report_meta m = {.time_unix_ms = 1764442800000LL, .now_mono_ms = 4000, .now_wall_ms = 1764442804000LL};
    verdict_update(&f.s, 0);
    char *doc = report_json(&f.s, &m);
    cJSON *root = cJSON_Parse(doc);
    cJSON *changes = cJSON_GetObjectItem(root, "changes");
    assert_int_equal(cJSON_GetArraySize(changes), 2);
    cJSON *c0 = cJSON_GetArrayItem(changes, 0), *c1 = cJSON_GetArrayItem(changes, 1);
    assert_string_equal(cJSON_GetObjectItem(c0, "time")->valuestring, "2025-11-29T19:00:03.500Z");
    assert_string_equal(cJSON_GetObjectItem(c0, "from")->valuestring, "FAIL");
    assert_string_equal(cJSON_GetObjectItem(c0, "to")->valuestring, "OK");
    assert_string_equal(cJSON_GetObjectItem(c1, "stack")->valuestring, "prod");
    assert_string_equal(cJSON_GetObjectItem(c1, "component")->valuestring, "tempo");
    assert_string_equal(cJSON_GetObjectItem(c1, "check")->valuestring, "ready");
    assert_string_equal(cJSON_GetObjectItem(c1, "message")->valuestring, "not ready: <503>");
    cJSON_Delete(root);
    free(doc);
    m.now_wall_ms = 0; /* no clocks: no times */
    doc = report_json(&f.s, &m);
    root = cJSON_Parse(doc);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "changes"), 0), "time")));
    cJSON_Delete(root);
    free(doc);
    cleanup(&f);
}

/* Findings from diagnose() after the table and at the top of the JSON; the sample window. */
static void test_findings_and_sample(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    put(&f, 0, 0, ST_FAIL, "connection refused: nothing listens on mimir:9009", NET_REFUSED, -1, 1);
    put(&f, 1, 0, ST_OK, "ready", NET_OK, -1, 1);
    put(&f, 1, 1, ST_OK, "no spans received since start", NET_OK, 0, 1000); /* a live Tempo, no spans */
    put(&f, 1, 1, ST_OK, "no spans received since start", NET_OK, 0, 6000);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    struct report_meta m = {.duration_ms = 6100, .sample_ms = 5000};
    verdict_update(&f.s, 0);
    report_table(mem, &f.s, &m, false, 0);
    fclose(mem);
    assert_non_null(strstr(text, "rates over 5.0s:\n  prod tempo: 0.0 spans/s\n"));
    const char *fs = strstr(text, "FINDINGS\n");
    assert_non_null(fs);
    assert_non_null(strstr(fs, "  FAIL  prod/mimir: Mimir is down: connection refused"));
    assert_non_null(strstr(fs, "  WARN  prod/tempo: Tempo is up but receives no spans\n        "));
    assert_non_null(strstr(fs, "        → No service is sending traces: check OTEL_EXPORTER_OTLP_ENDPOINT"));
    assert_true(strstr(fs, "FAIL") < strstr(fs, "WARN"));
    /* the summary line stays last */
    /* the no-spans finding counts: Tempo reads WARN, and so does the row it names */
    assert_non_null(strstr(text, "CRITICAL: 2 components: 0 OK, 1 WARN, 1 FAIL (6.1s)\n"));
    assert_non_null(strstr(text, "prod   tempo      metrics      WARN"));
    assert_true(strstr(text, "CRITICAL:") > fs);
    free(text);

    char *doc = report_json(&f.s, &m);
    cJSON *root = cJSON_Parse(doc);
    assert_non_null(root);
    assert_int_equal(cJSON_GetObjectItem(root, "sample_ms")->valueint, 5000);
    cJSON *arr = cJSON_GetObjectItem(root, "findings");
    assert_int_equal(cJSON_GetArraySize(arr), 2);
    cJSON *first = cJSON_GetArrayItem(arr, 0), *second = cJSON_GetArrayItem(arr, 1);
    assert_string_equal(cJSON_GetObjectItem(first, "severity")->valuestring, "FAIL");
    assert_string_equal(cJSON_GetObjectItem(first, "id")->valuestring, "down_refused");
    assert_string_equal(cJSON_GetObjectItem(first, "stack")->valuestring, "prod");
    assert_string_equal(cJSON_GetObjectItem(first, "component")->valuestring, "mimir");
    assert_string_equal(cJSON_GetObjectItem(second, "id")->valuestring, "tempo_no_spans");
    assert_non_null(strstr(cJSON_GetObjectItem(second, "hint")->valuestring, "OTEL_EXPORTER_OTLP_ENDPOINT"));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(second, "cause")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(second, "title")));
    assert_string_equal(cJSON_GetObjectItem(root, "schema")->valuestring, "lgtmtop.check/v2");
    cJSON_Delete(root);
    free(doc);

    /* healthy: no FINDINGS section, and an empty list in JSON */
    put(&f, 0, 0, ST_OK, "ready", NET_OK, -1, 7000);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 500, 11000);
    m.sample_ms = 0;
    verdict_update(&f.s, 0);
    mem = open_memstream(&text, &len);
    report_table(mem, &f.s, &m, false, 0);
    fclose(mem);
    assert_null(strstr(text, "FINDINGS"));
    assert_null(strstr(text, "rates over"));
    assert_non_null(strstr(text, "prod tempo: 100.0 spans/s"));
    free(text);
    doc = report_json(&f.s, &m);
    root = cJSON_Parse(doc);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "findings")), 0);
    assert_int_equal(cJSON_GetObjectItem(root, "sample_ms")->valueint, 0);
    cJSON_Delete(root);
    free(doc);
    cleanup(&f);
}

/* An unreachable component is one table line; the JSON keeps each check and marks the shared
 * failure. A finding decides the exit code even when every check is OK. */
static void test_verdict(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f);
    put(&f, 0, 0, ST_FAIL, "connection refused: nothing listens on mimir:9009", NET_REFUSED, -1, 1);
    put(&f, 0, 1, ST_FAIL, "connection refused: nothing listens on mimir:9009", NET_REFUSED, -1, 1);
    put(&f, 1, 0, ST_OK, "ready", NET_OK, -1, 1);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 100, 1000);
    put(&f, 1, 1, ST_OK, "spans", NET_OK, 600, 6000);
    char *t = table(&f, 0);
    assert_non_null(strstr(
            t,
            "prod   mimir      (2 checks)   FAIL            -  connection refused: nothing listens on mimir:9009\n"));
    assert_null(strstr(t, "mimir      metrics"));
    assert_null(strstr(t, "mimir      ready"));
    free(t);
    struct report_meta m = {.duration_ms = 42, .sweeps = 1};
    char *doc = report_json(&f.s, &m);
    cJSON *root = cJSON_Parse(doc);
    cJSON *comps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "stacks"), 0), "components");
    cJSON *mimir = cJSON_GetArrayItem(comps, 0), *tempo = cJSON_GetArrayItem(comps, 1);
    cJSON *checks = cJSON_GetObjectItem(mimir, "checks");
    assert_int_equal(cJSON_GetArraySize(checks), 2);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(checks, 0), "shared_failure")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(checks, 1), "shared_failure")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(mimir, "reachable")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(tempo, "reachable")));
    cJSON_Delete(root);
    free(doc);

    /* every check OK, Tempo receives no spans: the WARN finding makes the exit code 1 */
    put(&f, 0, 0, ST_OK, "ready", NET_OK, -1, 7000);
    put(&f, 0, 1, ST_OK, "ok", NET_OK, -1, 7000);
    put(&f, 1, 1, ST_OK, "no spans received since start", NET_OK, 0, 8000);
    put(&f, 1, 1, ST_OK, "no spans received since start", NET_OK, 0, 13000);
    f.s.sweeps = 2;
    verdict_update(&f.s, 0);
    assert_int_equal(report_exit_code(&f.s), EXIT_WARNING);
    assert_int_equal(comp_status(&f.comps[1]), ST_WARN);
    assert_string_equal(check_label(&f.checks[1][1]), "WARN");
    assert_string_equal(f.checks[1][1].raised_by, "tempo_no_spans");
    doc = report_json(&f.s, &m);
    root = cJSON_Parse(doc);
    assert_string_equal(cJSON_GetObjectItem(root, "status")->valuestring, "WARNING");
    assert_int_equal(cJSON_GetObjectItem(root, "exit_code")->valueint, 1);
    comps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "stacks"), 0), "components");
    tempo = cJSON_GetArrayItem(comps, 1);
    assert_string_equal(cJSON_GetObjectItem(tempo, "status")->valuestring, "WARN");
    cJSON *metrics = cJSON_GetArrayItem(cJSON_GetObjectItem(tempo, "checks"), 1);
    assert_string_equal(cJSON_GetObjectItem(metrics, "status")->valuestring, "WARN");
    assert_string_equal(cJSON_GetObjectItem(metrics, "raised_by")->valuestring, "tempo_no_spans");
    cJSON *fnd = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "findings"), 0);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(fnd, "checks"), 0)->valuestring, "metrics");
    cJSON_Delete(root);
    free(doc);
    t = table(&f, 0);
    assert_non_null(strstr(t, "WARNING: 2 components: 1 OK, 1 WARN, 0 FAIL"));
    free(t);

    /* a skipped row reads SKIP in the table and the JSON */
    struct obs o;
    obs_init(&o);
    o.skipped = true;
    snprintf(o.summary, sizeof(o.summary), "version unknown: no buildinfo endpoint (404)");
    state_record(&f.comps[0], 1, &o, NULL, 14000);
    obs_free(&o);
    t = table(&f, 0);
    assert_non_null(strstr(t, "prod   mimir      metrics      SKIP "));
    assert_non_null(strstr(t, "  version unknown: no buildinfo endpoint (404)\n"));
    free(t);
    doc = report_json(&f.s, &m);
    root = cJSON_Parse(doc);
    comps = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "stacks"), 0), "components");
    cJSON *skip = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(comps, 0), "checks"), 1);
    assert_string_equal(cJSON_GetObjectItem(skip, "status")->valuestring, "SKIP");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(skip, "skipped")));
    cJSON_Delete(root);
    free(doc);
    cleanup(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_exit_codes),   cmocka_unit_test(test_table),
            cmocka_unit_test(test_json),         cmocka_unit_test(test_json_strings_clean),
            cmocka_unit_test(test_json_changes), cmocka_unit_test(test_findings_and_sample),
            cmocka_unit_test(test_verdict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
