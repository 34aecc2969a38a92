/* canary: ids, request bodies (OTLP/JSON and Loki push rules from API-NOTES), read paths,
 * write verdicts, read parsers (Tempo v1/v2 and legacy shapes, Loki streams, Prometheus
 * vectors) and the report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include <cjson/cJSON.h>

#include "lgtmtop/canary.h"

/* ---- helpers ---- */

static struct http_response resp(const char *body, long status, const char *url)
{
    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.err = NET_OK;
    r.err_text = "";
    r.status = status;
    r.body = body ? body : "";
    r.body_len = body ? strlen(body) : 0;
    r.content_type = "";
    r.url = url;
    r.timeout_ms = 5000;
    return r;
}

static struct http_response transport(enum net_err e, const char *url)
{
    struct http_response r = resp("", 0, url);
    r.err = e;
    r.err_text = "Connection refused";
    return r;
}

static struct component_cfg comp(enum comp_kind k)
{
    struct component_cfg c;
    memset(&c, 0, sizeof(c));
    c.kind = k;
    c.enabled = true;
    c.url = (char *)(k == COMP_TEMPO ? "http://tempo:3200" : k == COMP_LOKI ? "http://loki:3100" : "http://mimir:9009");
    c.prefix = (char *)(k == COMP_MIMIR ? "/prometheus" : "");
    c.otlp_http = (char *)(k == COMP_TEMPO ? "http://tempo:4318" : NULL);
    return c;
}

/* The id of the Tempo doc trace (5B8EFFF7...C700) with an arbitrary span id. */
static struct canary_id id_from_hex(const char *hex)
{
    struct canary_id id;
    memset(&id, 0, sizeof(id));
    for (int i = 0; i < 16; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        id.bytes[i] = (unsigned char)v;
    }
    for (int i = 0; i < 32; i++)
        id.hex[i] = (char)tolower((unsigned char)hex[i]);
    snprintf(id.span_hex, sizeof(id.span_hex), "%s", "0102030405060708");
    return id;
}

static struct canary_id fixed_id(void)
{
    unsigned char rnd[20];
    for (int i = 0; i < 20; i++)
        rnd[i] = (unsigned char)(i + 1);
    struct canary_id id;
    canary_id_make(&id, 1700000000123LL, rnd);
    return id;
}

static bool all_hex_lower(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
            return false;
    return true;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

static const cJSON *at(const cJSON *j, const char *key) { return cJSON_GetObjectItemCaseSensitive(j, key); }
static const cJSON *idx(const cJSON *j, int i) { return cJSON_GetArrayItem(j, i); }

/* ---- ids ---- */

static void test_id_make(void **state)
{
    (void)state;
    struct canary_id id = fixed_id();
    /* 1700000000 s = 0x6553F100, then 12 random bytes; the span id takes the last 8. */
    assert_string_equal(id.hex, "6553f1000102030405060708090a0b0c");
    assert_string_equal(id.span_hex, "0d0e0f1011121314");
    char b64[25];
    canary_id_base64(&id, b64);
    assert_string_equal(b64, "ZVPxAAECAwQFBgcICQoLDA==");
    struct canary_id doc = id_from_hex("5B8EFFF798038103D269B633813FC700");
    canary_id_base64(&doc, b64);
    assert_string_equal(b64, "W47/95gDgQPSabYzgT/HAA=="); /* as in tempo/trace_by_id_v2_docs.json */

    unsigned char zero[20] = {0};
    canary_id_make(&id, 0, zero);
    assert_string_equal(id.span_hex, "0000000000000001"); /* all-zero ids are invalid in OTLP */
    assert_string_equal(id.hex, "00000000000000000000000000000001");
}

static void test_random(void **state)
{
    (void)state;
    unsigned char a[32], b[32], zero[32] = {0};
    canary_random(a, sizeof(a));
    canary_random(b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, zero, sizeof(a));
    struct canary_id x, y;
    canary_id_make(&x, 1700000000000LL, a);
    canary_id_make(&y, 1700000000000LL, b);
    assert_string_not_equal(x.hex, y.hex);
}

static void test_enabled(void **state)
{
    (void)state;
    struct stack_cfg st[2];
    memset(st, 0, sizeof(st));
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.stacks = st;
    cfg.nstacks = 2;
    assert_false(canary_enabled(&cfg, &st[0]));
    st[0].canary = 1;
    assert_true(canary_enabled(&cfg, &st[0]));
    cfg.canary = true;
    st[1].canary = -1;
    assert_false(canary_enabled(&cfg, &st[1])); /* the stack's own "canary: false" wins */
    st[0].canary = 0;
    assert_true(canary_enabled(&cfg, &st[0])); /* top-level applies */
    canary_force_on(&cfg);                     /* --canary: everywhere */
    assert_true(canary_enabled(&cfg, &st[1]));
    assert_int_equal(canary_timeout_ms(&cfg), CANARY_DEFAULT_TIMEOUT_MS);
    cfg.canary_timeout_ms = 2000;
    assert_int_equal(canary_timeout_ms(&cfg), 2000);
}

/* ---- bodies ---- */

static void test_tempo_body(void **state)
{
    (void)state;
    struct canary_id id = fixed_id();
    char *s = canary_tempo_body(&id, 1700000000123000000LL, 1700000000124000000LL);
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    const cJSON *rs = idx(at(j, "resourceSpans"), 0);
    const cJSON *attr = idx(at(at(rs, "resource"), "attributes"), 0);
    assert_string_equal(at(attr, "key")->valuestring, "service.name");
    assert_string_equal(at(at(attr, "value"), "stringValue")->valuestring, CANARY_SERVICE);
    const cJSON *ss = idx(at(rs, "scopeSpans"), 0);
    assert_string_equal(at(at(ss, "scope"), "name")->valuestring, "lgtmtop");
    const cJSON *span = idx(at(ss, "spans"), 0);
    /* OTLP/JSON: hex ids (not base64), integer enums, 64-bit times as decimal strings. */
    assert_true(all_hex_lower(at(span, "traceId")->valuestring, 32));
    assert_string_equal(at(span, "traceId")->valuestring, id.hex);
    assert_true(all_hex_lower(at(span, "spanId")->valuestring, 16));
    assert_true(cJSON_IsNumber(at(span, "kind")));
    assert_int_equal(at(span, "kind")->valueint, 1);
    assert_true(cJSON_IsString(at(span, "startTimeUnixNano")));
    assert_string_equal(at(span, "startTimeUnixNano")->valuestring, "1700000000123000000");
    assert_string_equal(at(span, "endTimeUnixNano")->valuestring, "1700000000124000000");
    assert_true(cJSON_IsNumber(at(at(span, "status"), "code")));
    assert_non_null(strstr(s, id.hex));
    assert_null(strchr(s, '\n'));
    cJSON_Delete(j);
    free(s);
}

static void test_loki_body(void **state)
{
    (void)state;
    struct canary_id id = fixed_id();
    char *s = canary_loki_body(&id, 1700000000123000000LL);
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    /* Same shape as the documented push (loki/push_request_json.json). */
    size_t flen;
    char *fx = fixture_load("loki/push_request_json.json", &flen);
    cJSON *doc = cJSON_ParseWithLength(fx, flen);
    assert_non_null(doc);
    const cJSON *ds = idx(at(doc, "streams"), 0), *ms = idx(at(j, "streams"), 0);
    assert_true(cJSON_IsObject(at(ds, "stream")) && cJSON_IsObject(at(ms, "stream")));
    const cJSON *dv = idx(at(ds, "values"), 0), *mv = idx(at(ms, "values"), 0);
    assert_int_equal(cJSON_GetArraySize(dv), cJSON_GetArraySize(mv));
    assert_true(cJSON_IsString(idx(dv, 0)) && cJSON_IsString(idx(mv, 0))); /* ns timestamp: a STRING */
    assert_true(all_digits(idx(mv, 0)->valuestring));
    assert_string_equal(idx(mv, 0)->valuestring, "1700000000123000000");
    assert_string_equal(at(at(ms, "stream"), "job")->valuestring, CANARY_LOKI_JOB);
    char line[96];
    canary_loki_line(&id, line, sizeof(line));
    assert_string_equal(idx(mv, 1)->valuestring, line);
    assert_non_null(strstr(line, id.hex));
    cJSON_Delete(doc);
    free(fx);
    cJSON_Delete(j);
    free(s);
}

static void test_mimir_body(void **state)
{
    (void)state;
    struct canary_id id = fixed_id();
    char *s = canary_mimir_body(&id, 1700000000123000000LL);
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    const cJSON *rm = idx(at(j, "resourceMetrics"), 0);
    const cJSON *attr = idx(at(at(rm, "resource"), "attributes"), 0);
    assert_string_equal(at(at(attr, "value"), "stringValue")->valuestring, CANARY_SERVICE);
    const cJSON *m = idx(at(idx(at(rm, "scopeMetrics"), 0), "metrics"), 0);
    assert_string_equal(at(m, "name")->valuestring, CANARY_METRIC);
    const cJSON *pt = idx(at(at(m, "gauge"), "dataPoints"), 0);
    assert_true(cJSON_IsNumber(at(pt, "asDouble")));
    assert_string_equal(at(pt, "timeUnixNano")->valuestring, "1700000000123000000");
    const cJSON *pa = idx(at(pt, "attributes"), 0);
    assert_string_equal(at(pa, "key")->valuestring, CANARY_ID_LABEL);
    assert_string_equal(at(at(pa, "value"), "stringValue")->valuestring, id.hex);
    cJSON_Delete(j);
    free(s);
}

/* ---- requests ---- */

static void test_paths_and_urls(void **state)
{
    (void)state;
    struct canary_id id = fixed_id();
    struct buf b;
    buf_init(&b);
    canary_tempo_read_path(&id, true, &b);
    assert_string_equal(b.data, "/api/v2/traces/6553f1000102030405060708090a0b0c");
    buf_reset(&b);
    canary_tempo_read_path(&id, false, &b);
    assert_string_equal(b.data, "/api/traces/6553f1000102030405060708090a0b0c");
    buf_reset(&b);
    canary_loki_read_path(&id, 100, 200, &b);
    assert_string_equal(b.data, "/loki/api/v1/query_range?query=%7Bjob%3D%22lgtmtop-canary%22%7D%20%7C%3D%20%22"
                                "6553f1000102030405060708090a0b0c%22&start=100&end=200&limit=10&direction=backward");
    struct component_cfg m = comp(COMP_MIMIR);
    buf_reset(&b);
    canary_mimir_read_path(&m, &id, &b);
    assert_string_equal(b.data, "/prometheus/api/v1/query?query=lgtmtop_canary%7Bcanary_id%3D%22"
                                "6553f1000102030405060708090a0b0c%22%7D");
    m.prefix = (char *)"/";
    buf_reset(&b);
    canary_mimir_read_path(&m, &id, &b);
    assert_true(str_starts_with(b.data, "/api/v1/query?query=lgtmtop_canary"));
    buf_free(&b);

    struct component_cfg t = comp(COMP_TEMPO), l = comp(COMP_LOKI);
    char *u = canary_write_url(CANARY_TEMPO, &t);
    assert_string_equal(u, "http://tempo:4318/v1/traces");
    free(u);
    t.otlp_http = (char *)"http://gw/otlp/v1/traces/";
    u = canary_write_url(CANARY_TEMPO, &t);
    assert_string_equal(u, "http://gw/otlp/v1/traces");
    free(u);
    t.otlp_http = (char *)"http://gw/tempo-otlp/";
    u = canary_write_url(CANARY_TEMPO, &t);
    assert_string_equal(u, "http://gw/tempo-otlp/v1/traces");
    free(u);
    u = canary_write_url(CANARY_LOKI, &l);
    assert_string_equal(u, "http://loki:3100/loki/api/v1/push");
    free(u);
    m.url = (char *)"http://mimir:9009";
    u = canary_write_url(CANARY_MIMIR, &m);
    assert_string_equal(u, "http://mimir:9009/otlp/v1/metrics");
    free(u);
    assert_string_equal(CANARY_CONTENT_TYPE, "application/json"); /* exactly: Mimir compares it */
}

/* ---- write verdicts ---- */

struct write_row {
    const char *label;
    enum canary_kind kind;
    long status; /* 0 = transport refused */
    const char *body;
    bool ok;
    const char *why; /* substring */
};

static const struct write_row write_rows[] = {
        {"tempo 200 {}", CANARY_TEMPO, 200, "{}", true, NULL},
        {"tempo 200 empty partial success", CANARY_TEMPO, 200, "{\"partialSuccess\":{}}", true, NULL},
        {"tempo partial success rejected", CANARY_TEMPO, 200,
         "{\"partialSuccess\":{\"rejectedSpans\":\"1\",\"errorMessage\":\"RATE_LIMITED\"}}", false,
         "partial success rejected 1 span(s): RATE_LIMITED"},
        {"tempo 415", CANARY_TEMPO, 415, "unsupported content type\n", false, "HTTP 415: unsupported content type"},
        {"tempo 404 not the receiver", CANARY_TEMPO, 404, "404 page not found\n", false, "check otlp_http"},
        {"tempo refused", CANARY_TEMPO, 0, NULL, false, "no OTLP/HTTP receiver there"},
        {"loki 204", CANARY_LOKI, 204, "", true, NULL},
        {"loki 260 blocked", CANARY_LOKI, 260, "", false, "HTTP 260: ingestion is blocked"},
        {"loki 400 number timestamp", CANARY_LOKI, 400, "error parsing push request: timestamp\n", false,
         "HTTP 400: error parsing push request"},
        {"loki 401 no org id", CANARY_LOKI, 401, "no org id\n", false, "401 no org id"},
        {"loki refused", CANARY_LOKI, 0, NULL, false, "connection refused"},
        {"mimir 200", CANARY_MIMIR, 200, "{}", true, NULL},
        {"mimir 200 protobuf body", CANARY_MIMIR, 200, "\x0a\x00", true, NULL},
        {"mimir rejected points", CANARY_MIMIR, 200, "{\"partialSuccess\":{\"rejectedDataPoints\":2}}", false,
         "rejected 2 data point(s)"},
        {"mimir 415 charset", CANARY_MIMIR, 415, "unsupported content type: application/json; charset=utf-8\n", false,
         "HTTP 415: unsupported content type"},
        {"mimir 404", CANARY_MIMIR, 404, "404 page not found\n", false, "no OTLP endpoint here"},
};

static void test_write_verdicts(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(write_rows); i++) {
        const struct write_row *w = &write_rows[i];
        enum comp_kind k = w->kind == CANARY_TEMPO ? COMP_TEMPO : w->kind == CANARY_LOKI ? COMP_LOKI : COMP_MIMIR;
        struct component_cfg c = comp(k);
        char *url = canary_write_url(w->kind, &c);
        struct http_response r = w->status ? resp(w->body, w->status, url) : transport(NET_REFUSED, url);
        char why[256];
        bool ok = canary_write_ok(w->kind, &r, &c, why, sizeof(why));
        free(url);
        if (ok != w->ok)
            fail_msg("%s: ok=%d, want %d (%s)", w->label, ok, w->ok, why);
        if (w->why && !strstr(why, w->why))
            fail_msg("%s: why \"%s\" lacks \"%s\"", w->label, why, w->why);
        if (w->ok && why[0])
            fail_msg("%s: why \"%s\" on success", w->label, why);
    }
}

/* ---- read parsers ---- */

struct read_row {
    const char *label;
    enum canary_kind kind;
    const char *fixture; /* or body */
    const char *body;
    long status; /* 0: transport error `net` */
    enum net_err net;
    const char *id; /* hex; NULL = the fixed id */
    enum canary_read want;
    const char *why;
};

#define DOC_ID "5B8EFFF798038103D269B633813FC700"
#define VULTURE_ID "3149195ffb0bec05347b48efe8ecc1b0"
#define LEGACY_ID "5B8EFFF798038103D269B633813FC60C"

static const struct read_row read_rows[] = {
        /* Tempo */
        {"tempo v2 docs trace", CANARY_TEMPO, "tempo/trace_by_id_v2_docs.json", NULL, 200, NET_OK, DOC_ID, CANARY_FOUND,
         NULL},
        {"tempo v2 other trace", CANARY_TEMPO, "tempo/trace_by_id_v2_docs.json", NULL, 200, NET_OK, NULL,
         CANARY_NOT_YET, "not with the canary's trace id"},
        {"tempo v1 resourceSpans base64", CANARY_TEMPO, "tempo/trace_by_id_v1_vulture_base64ids.json", NULL, 200,
         NET_OK, VULTURE_ID, CANARY_FOUND, NULL},
        {"tempo legacy batches hex ids", CANARY_TEMPO, "tempo/trace_legacy_batches_hexids.json", NULL, 200, NET_OK,
         LEGACY_ID, CANARY_FOUND, NULL},
        {"tempo v2 empty trace (unknown id)", CANARY_TEMPO, NULL, "{\"trace\":{},\"metrics\":{}}", 200, NET_OK, NULL,
         CANARY_NOT_YET, "empty trace"},
        {"tempo v1 empty object", CANARY_TEMPO, NULL, "{}", 200, NET_OK, NULL, CANARY_NOT_YET, NULL},
        {"tempo 204", CANARY_TEMPO, NULL, "", 204, NET_OK, NULL, CANARY_NOT_YET, NULL},
        {"tempo 404 trace not found", CANARY_TEMPO, NULL, "trace not found\n", 404, NET_OK, NULL, CANARY_NOT_YET,
         "trace not found"},
        {"tempo 404 empty body (v1 combiner)", CANARY_TEMPO, NULL, "", 404, NET_OK, NULL, CANARY_NOT_YET, NULL},
        {"tempo 404 route missing", CANARY_TEMPO, NULL, "404 page not found\n", 404, NET_OK, NULL, CANARY_ROUTE_MISSING,
         NULL},
        {"tempo 404 gateway html", CANARY_TEMPO, NULL, "<html><body>404 Not Found</body></html>", 404, NET_OK, NULL,
         CANARY_ROUTE_MISSING, NULL},
        {"tempo spans without ids", CANARY_TEMPO, NULL,
         "{\"trace\":{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"x\"}]}]}]}}", 200, NET_OK, NULL,
         CANARY_FOUND, NULL},
        {"tempo 500 retried", CANARY_TEMPO, NULL, "internal error\n", 500, NET_OK, NULL, CANARY_RETRY, "500"},
        {"tempo 401 fails", CANARY_TEMPO, NULL, "no org id\n", 401, NET_OK, NULL, CANARY_READ_FAILED, "no org id"},
        {"tempo garbage", CANARY_TEMPO, NULL, "\x1b[2Jnot json", 200, NET_OK, NULL, CANARY_READ_FAILED, "invalid JSON"},
        {"tempo refused", CANARY_TEMPO, NULL, NULL, 0, NET_REFUSED, NULL, CANARY_READ_FAILED, "connection refused"},
        {"tempo timeout retried", CANARY_TEMPO, NULL, NULL, 0, NET_TIMEOUT, NULL, CANARY_RETRY, "no answer"},
        /* Loki */
        {"loki line found", CANARY_LOKI, NULL,
         "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{\"job\":\"lgtmtop-canary\"},"
         "\"values\":[[\"1700000000123000000\",\"lgtmtop canary id=6553f1000102030405060708090a0b0c\"]]}]}}",
         200, NET_OK, NULL, CANARY_FOUND, NULL},
        {"loki other lines", CANARY_LOKI, "loki/query_range_streams_docs.json", NULL, 200, NET_OK, NULL, CANARY_NOT_YET,
         "not in query_range yet"},
        {"loki empty result", CANARY_LOKI, NULL,
         "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}", 200, NET_OK, NULL,
         CANARY_NOT_YET, NULL},
        {"loki 400", CANARY_LOKI, NULL, "parse error at line 1\n", 400, NET_OK, NULL, CANARY_READ_FAILED, "HTTP 400"},
        {"loki error envelope", CANARY_LOKI, NULL, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}",
         200, NET_OK, NULL, CANARY_READ_FAILED, "bad_data"},
        {"loki 503 retried", CANARY_LOKI, NULL, "too many outstanding requests\n", 503, NET_OK, NULL, CANARY_RETRY,
         NULL},
        /* Mimir */
        {"mimir series found", CANARY_MIMIR, NULL,
         "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":"
         "\"lgtmtop_canary\",\"canary_id\":\"6553f1000102030405060708090a0b0c\",\"job\":\"lgtmtop-canary\"},"
         "\"value\":[1700000000.1,\"1\"]}]}}",
         200, NET_OK, NULL, CANARY_FOUND, NULL},
        {"mimir other id", CANARY_MIMIR, NULL,
         "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"canary_id\":\"ff\"},"
         "\"value\":[1700000000.1,\"1\"]}]}}",
         200, NET_OK, NULL, CANARY_NOT_YET, NULL},
        {"mimir empty vector", CANARY_MIMIR, NULL,
         "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 200, NET_OK, NULL,
         CANARY_NOT_YET, "not in an instant query yet"},
        {"mimir 401", CANARY_MIMIR, NULL, "no org id\n", 401, NET_OK, NULL, CANARY_READ_FAILED, "X-Scope-OrgID"},
};

static void test_read_parsers(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(read_rows); i++) {
        const struct read_row *t = &read_rows[i];
        enum comp_kind k = t->kind == CANARY_TEMPO ? COMP_TEMPO : t->kind == CANARY_LOKI ? COMP_LOKI : COMP_MIMIR;
        struct component_cfg c = comp(k);
        struct canary_id id = t->id ? id_from_hex(t->id) : fixed_id();
        size_t len = 0;
        char *fx = t->fixture ? fixture_load(t->fixture, &len) : NULL;
        const char *url = k == COMP_TEMPO ? "http://tempo:3200/api/v2/traces/x" : "http://x:1/api/v1/query";
        struct http_response r = t->status ? resp(t->body, t->status, url) : transport(t->net, url);
        if (fx) {
            r.body = fx;
            r.body_len = len;
        }
        char why[256];
        enum canary_read v = t->kind == CANARY_TEMPO  ? canary_parse_tempo(&r, &c, &id, why, sizeof(why))
                             : t->kind == CANARY_LOKI ? canary_parse_loki(&r, &c, &id, why, sizeof(why))
                                                      : canary_parse_mimir(&r, &c, &id, why, sizeof(why));
        free(fx);
        if (v != t->want)
            fail_msg("%s: verdict %d, want %d (%s)", t->label, v, t->want, why);
        if (t->why && !strstr(why, t->why))
            fail_msg("%s: why \"%s\" lacks \"%s\"", t->label, why, t->why);
    }
}

/* ---- report ---- */

static void test_report(void **state)
{
    (void)state;
    struct canary_result res = {.kind = CANARY_LOKI,
                                .step = CANARY_STEP_DONE,
                                .id = "abc",
                                .write_status = 204,
                                .write_ms = 200,
                                .read_ms = 1000,
                                .timeout_ms = 30000,
                                .attempts = 3};
    struct obs o;
    obs_init(&o);
    canary_report(&res, &o);
    assert_int_equal(o.status, ST_OK);
    assert_string_equal(o.summary, "written and read back in 1.2s (3 reads)");
    double v;
    assert_true(obs_get_value(&o, VK_CANARY_MS, &v));
    assert_true(v == 1200);
    assert_non_null(strstr(o.detail, "{job=\"lgtmtop-canary\"}"));
    char *js = cJSON_PrintUnformatted(o.data);
    assert_string_equal(js, "{\"id\":\"abc\",\"step\":\"done\",\"write_status\":204,\"write_ms\":200,\"read_ms\":1000,"
                            "\"attempts\":3,\"timeout_ms\":30000,\"filter\":\"{job=\\\"lgtmtop-canary\\\"}\"}");
    cJSON_free(js);
    obs_free(&o);

    res = (struct canary_result){.kind = CANARY_MIMIR,
                                 .step = CANARY_STEP_WRITE,
                                 .id = "abc",
                                 .write_status = 415,
                                 .write_ms = 3,
                                 .timeout_ms = 30000,
                                 .why = "HTTP 415: unsupported content type"};
    obs_init(&o);
    canary_report(&res, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_string_equal(o.summary, "write refused: HTTP 415: unsupported content type");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o.data, "read_ms")));
    assert_string_equal(cJSON_GetObjectItem(o.data, "step")->valuestring, "write");
    obs_free(&o);

    res = (struct canary_result){
            .kind = CANARY_TEMPO, .step = CANARY_STEP_WRITE, .id = "abc", .why = "connection refused on tempo:4318"};
    obs_init(&o);
    canary_report(&res, &o);
    assert_string_equal(o.summary, "write failed: connection refused on tempo:4318");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o.data, "write_status")));
    obs_free(&o);

    res = (struct canary_result){.kind = CANARY_LOKI,
                                 .step = CANARY_STEP_TIMEOUT,
                                 .id = "abc",
                                 .write_status = 204,
                                 .write_ms = 5,
                                 .read_ms = 30010,
                                 .timeout_ms = 30000,
                                 .attempts = 17,
                                 .why = "the line is not in query_range yet"};
    obs_init(&o);
    canary_report(&res, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_true(str_starts_with(o.summary, "written (204) but not readable after 30s (17 reads) — check ingestion"));
    assert_non_null(strstr(o.detail, "last read: the line is not in query_range yet"));
    assert_string_equal(cJSON_GetObjectItem(o.data, "step")->valuestring, "timeout");
    assert_false(obs_get_value(&o, VK_CANARY_MS, NULL));
    obs_free(&o);

    res = (struct canary_result){.kind = CANARY_TEMPO,
                                 .step = CANARY_STEP_READ,
                                 .id = "abc",
                                 .write_status = 200,
                                 .attempts = 1,
                                 .tempo_v1 = true,
                                 .why = "401 no org id"};
    obs_init(&o);
    canary_report(&res, &o);
    assert_string_equal(o.summary, "written (200) but the read failed: 401 no org id");
    obs_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_id_make),        cmocka_unit_test(test_random),
            cmocka_unit_test(test_enabled),        cmocka_unit_test(test_tempo_body),
            cmocka_unit_test(test_loki_body),      cmocka_unit_test(test_mimir_body),
            cmocka_unit_test(test_paths_and_urls), cmocka_unit_test(test_write_verdicts),
            cmocka_unit_test(test_read_parsers),   cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
