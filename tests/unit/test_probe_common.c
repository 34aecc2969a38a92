/* checks/common: observations, kind tables, paths, transport and HTTP error messages, and
 * robustness of the JSON helpers against garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"
#include "../../src/checks/common.h"

/* ---- obs ------------------------------------------------------------------------------- */

static void test_obs_set_cleans_and_truncates(void **state)
{
    (void)state;
    struct obs o;
    obs_init(&o);
    assert_int_equal(o.status, ST_UNKNOWN);
    obs_set(&o, ST_WARN, "a\nb \x1b[2Jc\t\td %d", 42);
    assert_int_equal(o.status, ST_WARN);
    assert_string_equal(o.summary, "a b c d 42");

    char longtext[600];
    memset(longtext, 'x', sizeof(longtext) - 1);
    longtext[sizeof(longtext) - 1] = '\0';
    obs_set(&o, ST_OK, "%s", longtext);
    assert_int_equal(strlen(o.summary), OBS_SUMMARY_LEN - 1);
    assert_string_equal(o.summary + OBS_SUMMARY_LEN - 4, "...");
    obs_free(&o);
}

static void test_obs_values(void **state)
{
    (void)state;
    struct obs o;
    double v = -1;
    obs_init(&o);
    assert_false(obs_get_value(&o, VK_TARGETS_UP, &v));
    obs_add_value(&o, VK_TARGETS_UP, 1.5);
    obs_add_value(&o, VK_SPANS_RECEIVED_TOTAL, 7);
    obs_add_value(&o, VK_TARGETS_UP, 2.5); /* same key replaces */
    assert_int_equal(o.nvalues, 2);
    assert_true(obs_get_value(&o, VK_TARGETS_UP, &v));
    assert_true(v == 2.5);
    assert_true(obs_get_value(&o, VK_SPANS_RECEIVED_TOTAL, NULL));
    assert_int_equal(value_keys[o.values[1].key].kind, OBS_COUNTER);
    for (int k = VK_NONE + 1; k < VK_COUNT; k++)
        obs_add_value(&o, (enum value_key)k, k);
    assert_int_equal(o.nvalues, OBS_MAX_VALUES); /* full: extra values are dropped, no overflow */
    /* no key, or one out of range: nothing is stored */
    obs_init(&o);
    obs_add_value(&o, VK_NONE, 1);
    obs_add_value(&o, VK_COUNT, 1);
    assert_int_equal(o.nvalues, 0);
    obs_free(&o);
}

/* The key table: every key has a unique name that finds it again; counters have a rate unit
 * and a JSON rate key, gauges none. */
static void test_value_key_table(void **state)
{
    (void)state;
    for (int k = VK_NONE + 1; k < VK_COUNT; k++) {
        const struct value_key_info *vi = &value_keys[k];
        assert_non_null(vi->name);
        assert_int_equal(value_key_find(vi->name), k);
        assert_true((vi->kind == OBS_COUNTER) == (vi->rate_unit != NULL));
        assert_true((vi->kind == OBS_COUNTER) == (vi->rate_json != NULL));
    }
    assert_int_equal(value_key_find("no_such_key"), VK_NONE);
    assert_int_equal(value_key_find(NULL), VK_NONE);
    assert_string_equal(value_key_name(VK_SPANS_RECEIVED_TOTAL), "spans_received_total");
    assert_string_equal(value_keys[VK_SPANS_RECEIVED_TOTAL].rate_json, "spans_per_second");
}

static void test_obs_detail_lines(void **state)
{
    (void)state;
    struct obs o;
    obs_init(&o);
    assert_null(o.detail);
    obs_detail_line(&o, "first %s", "line\nwith newline");
    obs_detail_line(&o, "second \x1b]0;title\x07 line");
    assert_string_equal(o.detail, "first line with newline\nsecond line");
    obs_free(&o);
    assert_null(o.detail);
    obs_free(&o); /* twice is harmless */
}

/* ---- kinds and paths ------------------------------------------------------------------- */

static void test_kind_tables(void **state)
{
    (void)state;
    static const char *const names[] = {"mimir", "loki", "tempo", "grafana", "prometheus", "checks"};
    for (int k = 0; k < COMP_KIND_COUNT; k++) {
        const struct probe_kind *pk = probe_kind_get((enum comp_kind)k);
        assert_non_null(pk);
        assert_int_equal(pk->kind, k);
        assert_string_equal(comp_kind_name(pk->kind), names[k]);
        assert_non_null(comp_kind_product(pk->kind));
        /* custom checks (COMP_CHECKS) are built per stack from the config: no static table */
        assert_true(k == COMP_CHECKS ? pk->nchecks == 0 : pk->nchecks > 0);
        for (size_t i = 0; i < pk->nchecks; i++) {
            const struct check_def *d = &pk->checks[i];
            assert_non_null(d->name);
            /* the id other modules name it by, and its name, are one and the same */
            assert_int_not_equal(d->id, CID_NONE);
            assert_string_equal(d->name, check_id_name(d->id));
            /* a multi check needs no single-response parser (or path) of its own */
            if (!d->multi || d->parse) {
                assert_non_null(d->parse);
                assert_true((d->path != NULL) != (d->path_fn != NULL));
            }
            assert_ptr_equal(probe_check_find((enum comp_kind)k, d->name), d);
        }
    }
    assert_null(probe_kind_get(COMP_KIND_COUNT));
    assert_null(probe_kind_get((enum comp_kind) - 1));
    assert_null(probe_check_find(COMP_MIMIR, "nope"));
    assert_non_null(probe_check_find(COMP_PROMETHEUS, "targets"));
    assert_null(probe_check_find(COMP_LOKI, "targets"));
}

static void test_url_encode(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
            {"up", "up"},
            {"", ""},
            {"sum(rate(x{job=\"a b\"}[5m]))", "sum%28rate%28x%7Bjob%3D%22a%20b%22%7D%5B5m%5D%29%29"},
            {"a+b/c?d&e#f~g_h.i-j", "a%2Bb%2Fc%3Fd%26e%23f~g_h.i-j"},
            {"\xc3\xa9", "%C3%A9"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct buf b;
        buf_init(&b);
        probe_url_encode(&b, rows[i].in);
        assert_string_equal(b.data ? b.data : "", rows[i].out);
        buf_free(&b);
    }
}

static void test_url_path(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } rows[] = {
            {"http://mimir:9009/prometheus/api/v1/query?query=up", "/prometheus/api/v1/query"},
            {"https://u:p@grafana.example.com/api/health#x", "/api/health"},
            {"http://loki:3100", "/"},
            {"http://loki:3100?x", "/"},
            {"/ready", "/ready"},
            {NULL, "/"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char out[128];
        probe_url_path(rows[i].in, out, sizeof(out));
        assert_string_equal(out, rows[i].out);
    }
}

static void test_check_paths(void **state)
{
    (void)state;
    static const struct {
        enum comp_kind kind;
        const char *check, *prefix, *query, *want;
    } rows[] = {
            {COMP_MIMIR, "query", NULL, NULL, "/prometheus/api/v1/query?query=up"},
            {COMP_MIMIR, "query", "", "", "/prometheus/api/v1/query?query=up"},
            {COMP_MIMIR, "query", "/api/prom/", "sum(up) by (job)",
             "/api/prom/api/v1/query?query=sum%28up%29%20by%20%28job%29"},
            {COMP_MIMIR, "query", "prom", NULL, "/prom/api/v1/query?query=up"},
            {COMP_MIMIR, "query", "/", NULL, "/api/v1/query?query=up"},
            {COMP_MIMIR, "rules", NULL, NULL, "/prometheus/api/v1/rules"},
            {COMP_MIMIR, "alerts", NULL, NULL, "/prometheus/api/v1/alerts"},
            {COMP_MIMIR, "ready", NULL, NULL, "/ready"},
            {COMP_MIMIR, "buildinfo", NULL, NULL, "/api/v1/status/buildinfo"},
            {COMP_MIMIR, "metrics", NULL, NULL, "/metrics"},
            {COMP_PROMETHEUS, "query", NULL, NULL, "/api/v1/query?query=up"},
            {COMP_PROMETHEUS, "rules", NULL, NULL, "/api/v1/rules"},
            {COMP_PROMETHEUS, "ready", NULL, NULL, "/-/ready"},
            {COMP_PROMETHEUS, "targets", NULL, NULL, "/api/v1/targets?state=active"},
            {COMP_LOKI, "buildinfo", NULL, NULL, "/loki/api/v1/status/buildinfo"},
            {COMP_LOKI, "labels", NULL, NULL, "/loki/api/v1/labels"},
            {COMP_TEMPO, "buildinfo", NULL, NULL, "/api/status/buildinfo"},
            {COMP_GRAFANA, "health", NULL, NULL, "/api/health"},
            {COMP_GRAFANA, "datasources", NULL, NULL, "/api/datasources"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct component_cfg c;
        ptc_cfg(&c, rows[i].kind);
        c.url = (char *)"";
        c.prefix = (char *)rows[i].prefix;
        c.query = (char *)rows[i].query;
        const struct check_def *d = probe_check_find(rows[i].kind, rows[i].check);
        assert_non_null(d);
        char *url = ptc_url(d, &c);
        assert_string_equal(url, rows[i].want);
        free(url);
    }
}

/* ---- transport errors ------------------------------------------------------------------ */

/* JSON nested past cJSON's limit is named as such, not as "not JSON". */
static void test_json_too_deep(void **state)
{
    (void)state;
    static char deep[2 * 1200 + 1];
    memset(deep, '[', 1200);
    memset(deep + 1200, ']', 1200);
    assert_true(probe_json_too_deep(deep, sizeof(deep) - 1));
    assert_false(probe_json_too_deep("[[\"[[[[\"]]", 11));
    assert_false(probe_json_too_deep(deep + 200, 2000)); /* 1000 levels parse */
    struct component_cfg c;
    struct http_response r;
    struct obs o;
    ptc_cfg(&c, COMP_MIMIR);
    ptc_response(&r, deep, sizeof(deep) - 1, 200, "http://mimir:9009/prometheus/api/v1/query");
    obs_init(&o);
    probe_run_parser(probe_check_find(COMP_MIMIR, "query"), &r, &c, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_non_null(strstr(o.summary, "nested deeper than 1000 levels"));
    obs_free(&o);
}

static void test_transport_errors(void **state)
{
    (void)state;
    static const struct {
        enum net_err err;
        const char *err_text, *url;
        long timeout_ms;
        size_t max_body;
        bool with_cfg;
        const char *want;
    } rows[] = {
            {NET_REFUSED, "Failed to connect to mimir port 9009", "http://mimir:9009/ready", 5000, 0, true,
             "connection refused: nothing listens on mimir:9009 — is mimir running, and is the URL right?"},
            {NET_REFUSED, "", "https://grafana.example.com/api/health", 5000, 0, false,
             "connection refused: nothing listens on grafana.example.com:443 — is the server running"},
            {NET_DNS, "Could not resolve host: mimir", "http://mimir:9009/ready", 5000, 0, true,
             "cannot resolve mimir — check the hostname (e.g. the service name on the private network)"},
            {NET_DNS, "", "http://u:secret@loki/ready", 5000, 0, true, "cannot resolve loki — check the hostname"},
            {NET_TIMEOUT, "Operation timed out", "http://mimir:9009/ready", 5000, 0, true,
             "no answer within 5.0s (timeout) — the server hangs or is overloaded"},
            {NET_TIMEOUT, "", "http://mimir:9009/ready", 2500, 0, true, "no answer within 2.5s (timeout)"},
            {NET_TIMEOUT, "", "http://mimir:9009/ready", 0, 0, true, "no answer in time (timeout)"},
            {NET_TLS, "SSL certificate problem: self-signed certificate", "https://mimir/ready", 5000, 0, true,
             "TLS error: SSL certificate problem: self-signed certificate — set ca_file or insecure_skip_verify"},
            {NET_TOO_BIG, "", "http://mimir:9009/metrics", 5000, 8u << 20, true,
             "response larger than 8 MiB (max_body) — wrong endpoint?"},
            {NET_TOO_BIG, "", "http://mimir:9009/metrics", 5000, 1000, true,
             "response larger than 1000 bytes (max_body)"},
            {NET_PROTOCOL, "transfer closed with 100 bytes remaining to read", "http://mimir:9009/ready", 5000, 0, true,
             "truncated response from mimir:9009: transfer closed with 100 bytes remaining to read — the server"},
            {NET_PROTOCOL, NET_TEXT_HEADER_TOO_BIG, "http://mimir:9009/ready", 5000, 0, true,
             "a response header is larger than libcurl's limit (100 KiB) at mimir:9009 — a broken server or a proxy"},
            /* a reset kept-alive connection, a send on a dead one, nothing at all: said plainly */
            {NET_PROTOCOL, "Recv failure: Connection reset by peer", "http://mimir:9009/ready", 5000, 0, true,
             "connection reset by the server at mimir:9009 before it answered"},
            {NET_PROTOCOL, "Send failure: Broken pipe", "http://mimir:9009/ready", 5000, 0, true,
             "connection reset by the server at mimir:9009"},
            {NET_PROTOCOL, "Empty reply from server", "http://mimir:9009/ready", 5000, 0, true,
             "connection reset by the server at mimir:9009 before it answered (libcurl: Empty reply from server)"},
            {NET_PROTOCOL, "Failure when receiving data from the peer", "http://mimir:9009/ready", 5000, 0, true,
             "connection reset by the server at mimir:9009"},
            {NET_PROTOCOL, "Weird server reply", "http://mimir:9009/ready", 5000, 0, true,
             "bad HTTP response: Weird server reply"},
            {NET_REDIRECTS, "Maximum (5) redirects followed", "http://grafana:3000/api/health", 5000, 0, true,
             "too many redirects: Maximum (5) redirects followed"},
            {NET_OTHER, "weird\nerror\x1b[1m", "http://mimir:9009/ready", 5000, 0, true, "request failed: weird error"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct component_cfg c;
        struct http_response r;
        struct obs o;
        ptc_cfg(&c, COMP_MIMIR);
        ptc_response(&r, "", 0, 0, rows[i].url);
        r.err = rows[i].err;
        r.err_text = rows[i].err_text;
        r.timeout_ms = rows[i].timeout_ms;
        r.max_body = rows[i].max_body;
        obs_init(&o);
        /* through probe_run_parser: transport errors win even for CHECK_RAW checks */
        if (rows[i].with_cfg)
            probe_run_parser(probe_check_find(COMP_MIMIR, "ready"), &r, &c, &o);
        else
            probe_transport_obs(&r, &o);
        if (o.status != ST_FAIL || !strstr(o.summary, rows[i].want))
            fail_msg("row %zu: %s \"%s\", want FAIL \"%s\"", i, status_name(o.status), o.summary, rows[i].want);
        assert_false(o.skipped);
        obs_free(&o);
    }
}

/* ---- HTTP errors ----------------------------------------------------------------------- */

static const struct ptc_case http_cases[] = {
        {.label = "401 no org id, no tenant",
         .kind = COMP_MIMIR,
         .check = "rules",
         .fixture = "mimir/error_401_no_org_id.txt",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "401 no org id: the X-Scope-OrgID tenant header is missing — set tenant: for this component",
         .no_values = true},
        {.label = "401 no org id, tenant set",
         .kind = COMP_LOKI,
         .check = "labels",
         .tenant = "fake",
         .fixture = "loki/error_401_no_org_id.txt",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "401 no org id although tenant \"fake\" is set: a gateway in front rejected or dropped the "
                     "X-Scope-OrgID header"},
        {.label = "401 no credentials",
         .kind = COMP_LOKI,
         .check = "labels",
         .body = "Unauthorized\n",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "401 unauthorized on /loki/api/v1/labels: credentials required — set token or basic_auth",
         .want_detail = "server said: Unauthorized"},
        {.label = "401 token rejected",
         .kind = COMP_MIMIR,
         .check = "query",
         .token = "s3cret",
         .body = "invalid token",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "401 unauthorized on /prometheus/api/v1/query: the token was rejected — check token / token_file"},
        {.label = "401 basic rejected",
         .kind = COMP_MIMIR,
         .check = "query",
         .basic_user = "tenant1",
         .body = "",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "basic auth for user \"tenant1\" was rejected — check basic_auth"},
        {.label = "401 URL credentials rejected",
         .kind = COMP_LOKI,
         .check = "labels",
         .comp_url = "http://admin:s3cret@loki:3100",
         .body = "Unauthorized\n",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "401 unauthorized on /loki/api/v1/labels: the credentials in the URL (user:password@) were "
                     "rejected"},
        {.label = "403 URL credentials",
         .kind = COMP_LOKI,
         .check = "labels",
         .comp_url = "http://admin:s3cret@loki:3100",
         .body = "",
         .http_status = 403,
         .want = ST_FAIL,
         .want_sub = "403 forbidden on /loki/api/v1/labels: the user in the URL lacks permission"},
        {.label = "403 with token",
         .kind = COMP_PROMETHEUS,
         .check = "targets",
         .token = "t",
         .body = "forbidden",
         .http_status = 403,
         .want = ST_FAIL,
         .want_sub = "403 forbidden on /api/v1/targets: the token lacks permission"},
        {.label = "403 without credentials",
         .kind = COMP_TEMPO,
         .check = "metrics",
         .body = "",
         .http_status = 403,
         .want = ST_FAIL,
         .want_sub = "403 forbidden on /metrics: access denied — does a gateway want credentials"},
        {.label = "404 loki",
         .kind = COMP_LOKI,
         .check = "labels",
         .body = "404 page not found\n",
         .http_status = 404,
         .want = ST_FAIL,
         .want_sub = "404 on /loki/api/v1/labels: wrong URL or prefix? — is this really Loki?"},
        {.label = "404 mimir",
         .kind = COMP_MIMIR,
         .check = "query",
         .body = "404 page not found\n",
         .http_status = 404,
         .want = ST_FAIL,
         .want_sub = "404 on /prometheus/api/v1/query: wrong URL or prefix? (for Mimir check prefix: /prometheus)"},
        {.label = "502 first line of html",
         .kind = COMP_LOKI,
         .check = "labels",
         .body = "\r\n  <html>\x1b[31m\r\n<head><title>502 Bad Gateway</title></head>\r\n",
         .http_status = 502,
         .want = ST_FAIL,
         .want_sub = "HTTP 502: an HTML page \"502 Bad Gateway\""},
        {.label = "503 empty",
         .kind = COMP_LOKI,
         .check = "labels",
         .body = "",
         .http_status = 503,
         .want = ST_FAIL,
         .want_sub = "HTTP 503 (empty body)"},
        {.label = "500 grafana message",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "{\"message\":\"Failed to query datasources\",\"traceID\":\"\"}",
         .http_status = 500,
         .want = ST_FAIL,
         .want_sub = "HTTP 500: Failed to query datasources"},
        {.label = "422 prometheus envelope",
         .kind = COMP_PROMETHEUS,
         .check = "query",
         .body = "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query timed out\"}",
         .http_status = 422,
         .want = ST_FAIL,
         .want_sub = "HTTP 422: execution: query timed out"},
        {.label = "418 empty",
         .kind = COMP_LOKI,
         .check = "labels",
         .body = "",
         .http_status = 418,
         .want = ST_FAIL,
         .want_sub = "HTTP 418"},
        {.label = "302 not followed",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "<a href=\"/login\">Found</a>.",
         .http_status = 302,
         .want = ST_FAIL,
         .want_sub = "HTTP 302: an HTML page: Found."},
};

/* ---- probe_run_parser ------------------------------------------------------------------ */

static int parser_calls;
static void counting_parser(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    (void)r, (void)c;
    parser_calls++;
    obs_set(o, ST_OK, "parsed");
}
static void silent_parser(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    (void)r, (void)c, (void)o;
}

static void test_run_parser_dispatch(void **state)
{
    (void)state;
    const struct check_def plain = {.name = "x", .path = "/x", .parse = counting_parser};
    const struct check_def raw = {.name = "x", .path = "/x", .flags = CHECK_RAW, .parse = counting_parser};
    const struct check_def silent = {.name = "silent", .path = "/x", .parse = silent_parser};
    struct component_cfg c;
    struct http_response r;
    struct obs o;
    ptc_cfg(&c, COMP_LOKI);

    ptc_response(&r, "oops", 4, 500, "http://loki:3100/x");
    parser_calls = 0;
    obs_init(&o);
    probe_run_parser(&plain, &r, &c, &o);
    assert_int_equal(parser_calls, 0); /* non-2xx: common message, parser not called */
    assert_string_equal(o.summary, "HTTP 500: oops");
    obs_free(&o);

    obs_init(&o);
    probe_run_parser(&raw, &r, &c, &o);
    assert_int_equal(parser_calls, 1); /* CHECK_RAW sees every status */
    obs_free(&o);

    r.status = 204;
    obs_init(&o);
    probe_run_parser(&plain, &r, &c, &o);
    assert_int_equal(parser_calls, 2);
    assert_int_equal(o.status, ST_OK);
    obs_free(&o);

    r.err = NET_REFUSED;
    obs_init(&o);
    probe_run_parser(&raw, &r, &c, &o);
    assert_int_equal(parser_calls, 2); /* transport errors never reach the parser */
    assert_non_null(strstr(o.summary, "is loki running"));
    obs_free(&o);

    r.err = NET_OK;
    r.status = 200;
    obs_init(&o);
    probe_run_parser(&silent, &r, &c, &o);
    assert_int_equal(o.status, ST_FAIL); /* a parser that sets nothing is a bug, not "not run" */
    assert_string_equal(o.summary, "internal error: check \"silent\" produced no status");
    obs_free(&o);
}

#define LIT(s)           \
    {                    \
        s, sizeof(s) - 1 \
    }

/* ---- garbage never crashes ------------------------------------------------------------- */

static void test_garbage_bodies(void **state)
{
    (void)state;
    /* Every check of every kind, fed each body with 200 and 503: must set a status, stay one
     * clean line, and be ASan/UBSan clean. */
    static const char deep_open[] = "[";
    size_t deep_n = 100000;
    char *deep = malloc(deep_n);
    char *binary = malloc(4096);
    assert_non_null(deep);
    assert_non_null(binary);
    for (size_t i = 0; i < deep_n; i++)
        deep[i] = deep_open[0];
    uint32_t x = 12345;
    for (size_t i = 0; i < 4096; i++) {
        x = x * 1103515245u + 12345u;
        binary[i] = (char)(x >> 16);
    }
    const struct {
        const char *p;
        size_t n;
    } bodies[] = {
            LIT(""),
            LIT("null"),
            LIT("{"),
            LIT("[1,2,3]"),
            LIT("\"just a string\""),
            LIT("{\"status\":\"success\",\"data\":null}"),
            LIT("{\"status\":\"success\",\"data\":[1,{\"a\":null}]}"),
            LIT("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[null,1,\"x\"]}}"),
            LIT("{\"status\":\"success\",\"data\":{\"groups\":[null,{\"rules\":[null,1]}],\"alerts\":[1],\"activeTargets\":[2]}}"),
            LIT("[null,1,\"x\",{\"name\":1,\"url\":\"http://a:b@c\"}]"),
            LIT("{\"database\":null,\"version\":7}"),
            LIT("metric_without_value\n{broken\nx{a=\"} 1\n"),
            LIT("\0\0\0\0"),
            {deep, deep_n},
            {binary, 4096},
    };
    for (int k = 0; k < COMP_KIND_COUNT; k++) {
        const struct probe_kind *pk = probe_kind_get((enum comp_kind)k);
        for (size_t i = 0; i < pk->nchecks; i++) {
            if (!pk->checks[i].parse) /* multi check without a single-response parser */
                continue;
            for (size_t b = 0; b < ARRAY_LEN(bodies); b++) {
                for (int s = 0; s < 2; s++) {
                    struct component_cfg c;
                    struct http_response r;
                    struct obs o;
                    ptc_cfg(&c, (enum comp_kind)k);
                    char *copy = malloc(bodies[b].n ? bodies[b].n : 1);
                    assert_non_null(copy);
                    memcpy(copy, bodies[b].p, bodies[b].n);
                    ptc_response(&r, copy, bodies[b].n, s ? 503 : 200, "http://host:1/path");
                    obs_init(&o);
                    probe_run_parser(&pk->checks[i], &r, &c, &o);
                    if (o.status == ST_UNKNOWN && !o.skipped)
                        fail_msg("%s/%s body %zu: no status", comp_kind_name(pk->kind), pk->checks[i].name, b);
                    for (const char *p = o.summary; *p; p++)
                        if ((unsigned char)*p < 0x20)
                            fail_msg("%s/%s body %zu: control char in summary", comp_kind_name(pk->kind),
                                     pk->checks[i].name, b);
                    obs_free(&o);
                    free(copy);
                }
            }
        }
    }
    free(deep);
    free(binary);
}

/* ---- metrics scan ---------------------------------------------------------------------- */

static int count_samples(const struct prom_sample *sm, void *ud)
{
    (void)sm;
    (*(int *)ud)++;
    return 0;
}

static bool wants_zz(const char *name, size_t len, void *ud)
{
    (void)ud;
    return len == 8 && memcmp(name, "zz_other", 8) == 0;
}

static void test_metrics_scan(void **state)
{
    (void)state;
    static const char text[] = "# TYPE a_total counter\n"
                               "a_total{x=\"1\"} 2\n"
                               "a_total{x=\"2\"} NaN\n"
                               "a_total{x=\"3\"} 3.5\n"
                               "a_totally 100\n"
                               "b_info{version=\"1.2\\\"3\",other=\"x\"} 1\n"
                               "zz_other 1\n";
    struct probe_metric_sum sums[] = {{.name = "a_total", .sum = 99, .found = true},
                                      {.name = "missing", .sum = 5, .found = true, .invalid = true}};
    struct probe_metric_prefix prefixes[] = {{"zz_", true}, {"b_", false}, {"nope_", true}};
    struct probe_metrics_scan s = {.sums = sums,
                                   .nsums = 2,
                                   .prefixes = prefixes,
                                   .nprefixes = 3,
                                   .info_metric = "b_info",
                                   .info_label = "version",
                                   .info_value = "junk"};
    probe_metrics_scan(text, sizeof(text) - 1, &s);
    assert_true(sums[0].found);
    assert_true(sums[0].sum == 5.5); /* NaN left out, a_totally not counted */
    assert_true(sums[0].invalid);    /* and the NaN is named: no counter holds one */
    assert_false(sums[1].found);
    assert_false(sums[1].invalid);
    assert_true(sums[1].sum == 0);
    assert_true(prefixes[0].seen);
    assert_true(prefixes[1].seen);
    assert_false(prefixes[2].seen);
    assert_true(s.info_found);
    assert_string_equal(s.info_value, "1.2\"3");
    /* The samples the `also` scan gets: every one without a name filter, else those it wants and
     * those the scan reads itself (a_totally is the one nobody needs). */
    int also_n = 0;
    s.also = count_samples;
    s.also_ud = &also_n;
    probe_metrics_scan(text, sizeof(text) - 1, &s);
    assert_int_equal(also_n, 6);
    also_n = 0;
    s.also_wants = wants_zz;
    probe_metrics_scan(text, sizeof(text) - 1, &s);
    assert_int_equal(also_n, 5);
    assert_true(sums[0].sum == 5.5 && s.info_found && prefixes[1].seen); /* the scan's own lines still read */
    s.also = NULL;
    s.also_wants = NULL;
    struct obs o;
    obs_init(&o);
    assert_true(probe_metrics_invalid(&s, &o));
    assert_int_equal(o.status, ST_FAIL);
    assert_non_null(strstr(o.summary, "invalid counter value NaN for a_total"));
    obs_free(&o);
    /* +Inf, -Inf (1e999 overflows to it) and negative values are no counter values either */
    static const char inf[] = "a_total +Inf\n";
    static const char neg[] = "a_total -1e999\n";
    static const char minus[] = "a_total -3\n";
    static const char ok[] = "a_total 1e3\n";
    const char *bodies[] = {inf, neg, minus, ok};
    const char *words[] = {"+Inf", "-Inf", "-3", NULL};
    for (size_t i = 0; i < 4; i++) {
        probe_metrics_scan(bodies[i], strlen(bodies[i]), &s);
        obs_init(&o);
        assert_int_equal(probe_metrics_invalid(&s, &o), words[i] != NULL);
        if (words[i])
            assert_non_null(strstr(o.summary, words[i]));
        else
            assert_true(sums[0].sum == 1000);
        obs_free(&o);
    }
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
            cmocka_unit_test(test_obs_set_cleans_and_truncates),
            cmocka_unit_test(test_obs_values),
            cmocka_unit_test(test_value_key_table),
            cmocka_unit_test(test_obs_detail_lines),
            cmocka_unit_test(test_kind_tables),
            cmocka_unit_test(test_url_encode),
            cmocka_unit_test(test_url_path),
            cmocka_unit_test(test_check_paths),
            cmocka_unit_test(test_transport_errors),
            cmocka_unit_test(test_json_too_deep),
            cmocka_unit_test(test_run_parser_dispatch),
            cmocka_unit_test(test_garbage_bodies),
            cmocka_unit_test(test_metrics_scan),
    };
    struct CMUnitTest tests[ARRAY_LEN(fixed) + ARRAY_LEN(http_cases)];
    memcpy(tests, fixed, sizeof(fixed));
    ptc_add_rows(tests + ARRAY_LEN(fixed), http_cases, ARRAY_LEN(http_cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
