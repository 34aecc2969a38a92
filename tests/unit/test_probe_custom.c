/* custom checks: the condition language, JSON paths, LogQL wrapping, query URLs, judging http
 * and query responses, config parsing of checks: / canary:, and the defs state_init builds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/canary.h"
#include "lgtmtop/config.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/probe.h"
#include "lgtmtop/state.h"
#include "lgtmtop/sweep.h"

/* ---- conditions ---- */

static void test_expr(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum custom_op op;
        double v;
        const char *fmt;
    } ok[] = {
            {"> 0", CX_GT, 0, "> 0"},
            {">0", CX_GT, 0, "> 0"},
            {"  >=  1 ", CX_GE, 1, ">= 1"},
            {"== 1", CX_EQ, 1, "== 1"},
            {"!= 0", CX_NE, 0, "!= 0"},
            {"< 0.05", CX_LT, 0.05, "< 0.05"},
            {"<= -2.5", CX_LE, -2.5, "<= -2.5"},
            {"== 1e3", CX_EQ, 1000, "== 1000"},
            {"non-empty", CX_NONEMPTY, 0, "non-empty"},
            {"Non-Empty", CX_NONEMPTY, 0, "non-empty"},
            {"nonempty", CX_NONEMPTY, 0, "non-empty"},
            {"not-empty", CX_NONEMPTY, 0, "non-empty"},
            {" empty ", CX_EMPTY, 0, "empty"},
    };
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        struct custom_expr e;
        char err[256] = "", fmt[48];
        if (custom_expr_parse(ok[i].text, &e, err, sizeof(err)) != 0)
            fail_msg("\"%s\": %s", ok[i].text, err);
        assert_int_equal(e.op, ok[i].op);
        assert_true(e.value == ok[i].v);
        assert_string_equal(custom_expr_format(&e, fmt, sizeof(fmt)), ok[i].fmt);
    }
    static const char *const bad[] = {
            "", "> ", "1", "=> 1", "= 1", "> x", "> 1 2", "> nan", "> inf", "~ 1", "nonempty please", "> 0x", NULL};
    for (size_t i = 0; bad[i]; i++) {
        struct custom_expr e;
        char err[256] = "";
        if (custom_expr_parse(bad[i], &e, err, sizeof(err)) == 0)
            fail_msg("\"%s\" parsed", bad[i]);
        assert_non_null(strstr(err, "bad condition"));
    }
    assert_int_equal(custom_expr_parse(NULL, &(struct custom_expr){0}, NULL, 0), -1);

    struct custom_expr e;
    custom_expr_parse("> 0", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 0.1));
    assert_false(custom_expr_eval(&e, 0));
    assert_false(custom_expr_eval(&e, NAN));
    custom_expr_parse("< 0.05", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 0.049));
    assert_false(custom_expr_eval(&e, 0.05));
    custom_expr_parse("<= 0.05", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 0.05));
    custom_expr_parse(">= 2", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 2));
    assert_false(custom_expr_eval(&e, 1.99));
    custom_expr_parse("== 1", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 1));
    assert_false(custom_expr_eval(&e, 0));
    custom_expr_parse("!= 0", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 3));
    assert_true(custom_expr_eval(&e, NAN));
    assert_false(custom_expr_eval(&e, 0));
    custom_expr_parse("non-empty", &e, NULL, 0);
    assert_true(custom_expr_is_count(&e));
    assert_true(custom_expr_eval(&e, 3));
    assert_false(custom_expr_eval(&e, 0));
    custom_expr_parse("empty", &e, NULL, 0);
    assert_true(custom_expr_eval(&e, 0));
    assert_false(custom_expr_eval(&e, 1));
    custom_expr_parse("> 1", &e, NULL, 0);
    assert_false(custom_expr_is_count(&e));
}

/* ---- JSON paths ---- */

static void test_json_path(void **state)
{
    (void)state;
    cJSON *j = cJSON_Parse("{\"status\":\"ok\",\"data\":{\"status\":\"degraded\",\"items\":[{\"name\":\"a\"},"
                           "{\"name\":\"b\"}],\"n\":3}}");
    assert_string_equal(cJSON_GetStringValue(custom_json_path(j, "status")), "ok");
    assert_string_equal(cJSON_GetStringValue(custom_json_path(j, "data.status")), "degraded");
    assert_string_equal(cJSON_GetStringValue(custom_json_path(j, "data.items.1.name")), "b");
    assert_true(cJSON_IsArray(custom_json_path(j, "data.items")));
    assert_null(custom_json_path(j, "data.items.2.name"));
    assert_null(custom_json_path(j, "data.items.-1"));
    assert_null(custom_json_path(j, "data.items.x"));
    assert_null(custom_json_path(j, "status.more"));
    assert_null(custom_json_path(j, "nope"));
    assert_null(custom_json_path(j, "data..n"));
    assert_ptr_equal(custom_json_path(j, ""), j);
    cJSON_Delete(j);
}

/* ---- queries ---- */

static struct custom_check_cfg check(enum custom_type t, const char *query, const char *expect)
{
    struct custom_check_cfg cc;
    memset(&cc, 0, sizeof(cc));
    cc.name = (char *)"c";
    cc.type = t;
    cc.query = (char *)query;
    cc.window_ms = CUSTOM_DEFAULT_WINDOW_MS;
    if (custom_expr_parse(expect, &cc.expect, NULL, 0) != 0)
        fail_msg("bad expect %s", expect);
    return cc;
}

static struct component_cfg target(enum comp_kind k, const char *url)
{
    struct component_cfg c;
    memset(&c, 0, sizeof(c));
    c.kind = k;
    c.enabled = true;
    c.url = (char *)url;
    c.prefix = (char *)(k == COMP_MIMIR ? "/prometheus" : "");
    return c;
}

static void test_queries(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b);
    struct custom_check_cfg cc = check(CUSTOM_LOGQL, "  {job=\"api\"} |= \"error\" ", "> 0");
    assert_true(custom_logql_wrapped(&cc));
    custom_query_text(&cc, &b);
    assert_string_equal(b.data, "sum(count_over_time({job=\"api\"} |= \"error\" [5m]))");
    cc.window_ms = 90000;
    buf_reset(&b);
    custom_query_text(&cc, &b);
    assert_string_equal(b.data, "sum(count_over_time({job=\"api\"} |= \"error\" [90s]))");
    cc.window_ms = 7200000;
    buf_reset(&b);
    custom_query_text(&cc, &b);
    assert_string_equal(b.data, "sum(count_over_time({job=\"api\"} |= \"error\" [2h]))");
    cc.window_ms = 1500;
    buf_reset(&b);
    custom_query_text(&cc, &b);
    assert_string_equal(b.data, "sum(count_over_time({job=\"api\"} |= \"error\" [1500ms]))");

    cc = check(CUSTOM_LOGQL, "sum(rate({job=\"api\"}[1m]))", "< 5");
    assert_false(custom_logql_wrapped(&cc));
    buf_reset(&b);
    custom_query_text(&cc, &b);
    assert_string_equal(b.data, "sum(rate({job=\"api\"}[1m]))"); /* a metric query goes as is */

    struct component_cfg loki = target(COMP_LOKI, "http://loki:3100");
    cc = check(CUSTOM_LOGQL, "{job=\"a\"}", "> 0");
    buf_reset(&b);
    custom_query_url(&cc, &loki, &b);
    assert_string_equal(b.data, "http://loki:3100/loki/api/v1/query?query=sum%28count_over_time%28%7Bjob%3D%22a%22%7D"
                                "%20%5B5m%5D%29%29");

    struct component_cfg mimir = target(COMP_MIMIR, "http://mimir:9009");
    cc = check(CUSTOM_PROMQL, "redis_up", "== 1");
    assert_false(custom_logql_wrapped(&cc));
    buf_reset(&b);
    custom_query_url(&cc, &mimir, &b);
    assert_string_equal(b.data, "http://mimir:9009/prometheus/api/v1/query?query=redis_up");
    struct component_cfg prom = target(COMP_PROMETHEUS, "http://prom:9090");
    buf_reset(&b);
    custom_query_url(&cc, &prom, &b);
    assert_string_equal(b.data, "http://prom:9090/api/v1/query?query=redis_up");
    buf_free(&b);
}

/* ---- judging responses ---- */

static struct http_response resp(const char *body, long status, long ms)
{
    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.err = NET_OK;
    r.err_text = "";
    r.status = status;
    r.body = body ? body : "";
    r.body_len = body ? strlen(body) : 0;
    r.content_type = "";
    r.url = "http://gw:8080/api/monitoring/health";
    r.timeout_ms = 5000;
    r.t.total_us = ms * 1000;
    return r;
}

struct http_row {
    const char *label;
    const char *body;
    long status, ms;
    int expect_status[3]; /* 0 ends */
    const char *path, *equals, *expect;
    long max_latency_ms;
    enum status want;
    const char *sub;
};

static const struct http_row http_rows[] = {
        {"2xx by default", "ok", 204, 12, {0}, NULL, NULL, NULL, 0, ST_OK, "HTTP 204 in 12ms"},
        {"503 not expected",
         "{\"message\":\"db down\"}",
         503,
         3,
         {0},
         NULL,
         NULL,
         NULL,
         0,
         ST_FAIL,
         "HTTP 503, expected 2xx: db down"},
        {"expect list", "", 301, 3, {200, 301}, NULL, NULL, NULL, 0, ST_OK, "HTTP 301"},
        {"expect exact", "", 200, 3, {204}, NULL, NULL, NULL, 0, ST_FAIL, "HTTP 200, expected 204"},
        {"json equals", "{\"status\":\"ok\"}", 200, 5, {200}, "status", "ok", NULL, 0, ST_OK, "status = \"ok\""},
        {"json equals mismatch",
         "{\"data\":{\"status\":\"degraded\"}}",
         200,
         5,
         {0},
         "data.status",
         "ok",
         NULL,
         0,
         ST_FAIL,
         "data.status is \"degraded\", expected \"ok\""},
        {"json number equals", "{\"up\":1}", 200, 5, {0}, "up", "1", NULL, 0, ST_OK, "up = 1"},
        {"json number equals 1.0", "{\"up\":1.0}", 200, 5, {0}, "up", "1.0", NULL, 0, ST_OK, NULL},
        {"json bool equals", "{\"healthy\":true}", 200, 5, {0}, "healthy", "true", NULL, 0, ST_OK, NULL},
        {"json bool mismatch",
         "{\"healthy\":false}",
         200,
         5,
         {0},
         "healthy",
         "true",
         NULL,
         0,
         ST_FAIL,
         "healthy is false"},
        {"json missing field",
         "{\"x\":1}",
         200,
         5,
         {0},
         "data.status",
         "ok",
         NULL,
         0,
         ST_FAIL,
         "the JSON has no \"data.status\""},
        {"json not json", "<html>", 200, 5, {0}, "status", "ok", NULL, 0, ST_FAIL, "not JSON"},
        {"json expect",
         "{\"data\":{\"queue\":12}}",
         200,
         5,
         {0},
         "data.queue",
         NULL,
         "< 100",
         0,
         ST_OK,
         "data.queue = 12 (< 100)"},
        {"json expect fails",
         "{\"data\":{\"queue\":120}}",
         200,
         5,
         {0},
         "data.queue",
         NULL,
         "< 100",
         0,
         ST_FAIL,
         "data.queue is 120, expected < 100"},
        {"json expect numeric string", "{\"ratio\":\"0.01\"}", 200, 5, {0}, "ratio", NULL, "< 0.05", 0, ST_OK, NULL},
        {"json expect not a number",
         "{\"ratio\":\"high\"}",
         200,
         5,
         {0},
         "ratio",
         NULL,
         "< 0.05",
         0,
         ST_FAIL,
         "not a number"},
        {"json list non-empty", "{\"items\":[1,2]}", 200, 5, {0}, "items", NULL, "non-empty", 0, ST_OK, NULL},
        {"json list empty",
         "{\"items\":[]}",
         200,
         5,
         {0},
         "items",
         NULL,
         "non-empty",
         0,
         ST_FAIL,
         "items is a list of 0, expected non-empty"},
        {"latency ok", "", 200, 120, {0}, NULL, NULL, NULL, 500, ST_OK, "HTTP 200 in 120ms"},
        {"latency too high",
         "",
         200,
         850,
         {0},
         NULL,
         NULL,
         NULL,
         500,
         ST_FAIL,
         "HTTP 200 but took 850ms, more than max_latency 500ms"},
        {"status before latency", "", 500, 850, {0}, NULL, NULL, NULL, 500, ST_FAIL, "HTTP 500, expected 2xx"},
        {"control characters cleaned",
         "\x1b[31mbad\x07\n",
         500,
         1,
         {0},
         NULL,
         NULL,
         NULL,
         0,
         ST_FAIL,
         "expected 2xx: bad"},
};

static void test_eval_http(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(http_rows); i++) {
        const struct http_row *t = &http_rows[i];
        struct custom_check_cfg cc;
        memset(&cc, 0, sizeof(cc));
        cc.type = CUSTOM_HTTP;
        for (int k = 0; k < 3 && t->expect_status[k]; k++)
            cc.expect_status[cc.nexpect_status++] = t->expect_status[k];
        cc.json_path = (char *)t->path;
        cc.json_equals = (char *)t->equals;
        if (t->expect) {
            cc.json_has_expect = true;
            custom_expr_parse(t->expect, &cc.json_expect, NULL, 0);
        }
        cc.max_latency_ms = t->max_latency_ms;
        struct http_response r = resp(t->body, t->status, t->ms);
        struct obs o;
        obs_init(&o);
        custom_eval_http(&cc, &r, &o);
        char summary[OBS_SUMMARY_LEN];
        snprintf(summary, sizeof(summary), "%s", o.summary);
        enum status st = o.status;
        double lat = -1;
        obs_get_value(&o, "latency_ms", &lat);
        bool has_data = o.data != NULL;
        obs_free(&o);
        if (st != t->want)
            fail_msg("%s: %s \"%s\", want %s", t->label, status_name(st), summary, status_name(t->want));
        if (t->sub && !strstr(summary, t->sub))
            fail_msg("%s: \"%s\" lacks \"%s\"", t->label, summary, t->sub);
        if (lat != (double)t->ms || !has_data)
            fail_msg("%s: latency value %g, data %d", t->label, lat, has_data);
        for (const char *p = summary; *p; p++)
            if ((unsigned char)*p < 0x20)
                fail_msg("%s: control character in \"%s\"", t->label, summary);
    }

    /* transport errors get the common message */
    struct custom_check_cfg cc;
    memset(&cc, 0, sizeof(cc));
    struct http_response r = resp("", 0, 0);
    r.err = NET_REFUSED;
    r.url = "http://gw:8080/health";
    struct obs o;
    obs_init(&o);
    custom_eval_http(&cc, &r, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_non_null(strstr(o.summary, "connection refused: nothing listens on gw:8080"));
    obs_free(&o);
}

#define VEC(...) "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" __VA_ARGS__ "]}}"
#define SER(labels, v) "{\"metric\":{" labels "},\"value\":[1700000000.5,\"" v "\"]}"

struct query_row {
    const char *label;
    enum custom_type type;
    const char *query, *expect, *body;
    long status;
    enum status want;
    const char *sub;
    double series, value; /* value NAN: not checked */
};

static const struct query_row query_rows[] = {
        {"one series == 1", CUSTOM_PROMQL, "redis_up", "== 1", VEC(SER("\"job\":\"redis\"", "1")), 200, ST_OK,
         "value 1 (== 1)", 1, 1},
        {"one series fails", CUSTOM_PROMQL, "redis_up", "== 1", VEC(SER("\"job\":\"redis\"", "0")), 200, ST_FAIL,
         "value 0, expected == 1", 1, 0},
        {"all series ok", CUSTOM_PROMQL, "up", "== 1", VEC(SER("\"job\":\"a\"", "1") "," SER("\"job\":\"b\"", "1")),
         200, ST_OK, "2 series, all == 1", 2, 1},
        {"one of two fails", CUSTOM_PROMQL, "up", "== 1",
         VEC(SER("\"job\":\"a\"", "1") "," SER("\"job\":\"b\",\"instance\":\"x:1\"", "0")), 200, ST_FAIL,
         "1 of 2 series not == 1: {job=\"b\",instance=\"x:1\"} = 0", 2, 1},
        {"ratio < 0.05", CUSTOM_PROMQL, "err_ratio", "< 0.05", VEC(SER("", "0.012")), 200, ST_OK, "value 0.012", 1,
         0.012},
        {"no data for a number", CUSTOM_PROMQL, "nothing", "> 0", VEC(), 200, ST_FAIL, "no data", 0, NAN},
        {"non-empty ok", CUSTOM_PROMQL, "up", "non-empty", VEC(SER("", "0")), 200, ST_OK, "1 series (non-empty)", 1, 0},
        {"non-empty fails", CUSTOM_PROMQL, "up", "non-empty", VEC(), 200, ST_FAIL, "0 series, expected non-empty", 0,
         NAN},
        {"empty ok", CUSTOM_PROMQL, "ALERTS{alertstate=\"firing\"}", "empty", VEC(), 200, ST_OK, "0 series (empty)", 0,
         NAN},
        {"empty fails", CUSTOM_PROMQL, "ALERTS", "empty", VEC(SER("\"alertname\":\"X\"", "1")), 200, ST_FAIL,
         "1 series, expected empty", 1, 1},
        {"scalar", CUSTOM_PROMQL, "scalar(up)", "> 0",
         "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000000,\"3\"]}}", 200, ST_OK,
         "value 3", 1, 3},
        {"matrix last value", CUSTOM_PROMQL, "up[5m]", "== 1",
         "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":"
         "[[1,\"0\"],[2,\"1\"]]}]}}",
         200, ST_OK, "value 1", 1, 1},
        {"NaN fails > 0", CUSTOM_PROMQL, "x", "> 0", VEC(SER("", "NaN")), 200, ST_FAIL, "value nan", 1, NAN},
        {"string result", CUSTOM_PROMQL, "\"a\"", "> 0",
         "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"a\"]}}", 200, ST_FAIL,
         "cannot be compared", 0, NAN},
        {"error envelope", CUSTOM_PROMQL, "up{", "> 0",
         "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error: unexpected end\"}", 400, ST_FAIL,
         "bad_data: parse error", 0, NAN},
        {"401 no org id", CUSTOM_PROMQL, "up", "> 0", "no org id\n", 401, ST_FAIL, "X-Scope-OrgID", 0, NAN},
        {"logql count", CUSTOM_LOGQL, "{job=\"api\"}", "> 0", VEC(SER("", "42")), 200, ST_OK, "count 42 (> 0)", 1, 42},
        {"logql no lines is 0", CUSTOM_LOGQL, "{job=\"api\"} |= \"panic\"", "== 0", VEC(), 200, ST_OK, "count 0 (== 0)",
         1, 0},
        {"logql no lines fails > 0", CUSTOM_LOGQL, "{job=\"api\"}", "> 0", VEC(), 200, ST_FAIL, "count 0, expected > 0",
         1, 0},
        {"logql non-empty counts lines", CUSTOM_LOGQL, "{job=\"api\"}", "non-empty", VEC(SER("", "7")), 200, ST_OK,
         "7 lines (non-empty)", 1, 7},
        {"logql metric query as is", CUSTOM_LOGQL, "sum(rate({job=\"api\"}[1m]))", "< 5", VEC(), 200, ST_FAIL,
         "no data", 0, NAN},
        {"logql 400 log query", CUSTOM_LOGQL, "{job=\"api\"}", "> 0",
         "invalid query, through instant query: log queries are not supported\n", 400, ST_FAIL, "HTTP 400", 0, NAN},
};

static void test_eval_query(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(query_rows); i++) {
        const struct query_row *t = &query_rows[i];
        struct custom_check_cfg cc = check(t->type, t->query, t->expect);
        struct component_cfg tg = t->type == CUSTOM_LOGQL ? target(COMP_LOKI, "http://loki:3100")
                                                          : target(COMP_MIMIR, "http://mimir:9009");
        struct http_response r = resp(t->body, t->status, 4);
        r.url = t->type == CUSTOM_LOGQL ? "http://loki:3100/loki/api/v1/query"
                                        : "http://mimir:9009/prometheus/api/v1/query";
        struct obs o;
        obs_init(&o);
        custom_eval_query(&cc, &tg, &r, &o);
        char summary[OBS_SUMMARY_LEN];
        snprintf(summary, sizeof(summary), "%s", o.summary);
        double series = -1, value = NAN;
        bool has_series = obs_get_value(&o, "series", &series);
        bool has_value = obs_get_value(&o, "value", &value);
        enum status st = o.status;
        bool detail_query = o.detail && strstr(o.detail, "query: ");
        obs_free(&o);
        if (st != t->want)
            fail_msg("%s: %s \"%s\", want %s", t->label, status_name(st), summary, status_name(t->want));
        if (t->sub && !strstr(summary, t->sub))
            fail_msg("%s: \"%s\" lacks \"%s\"", t->label, summary, t->sub);
        if (t->status == 200 && t->series >= 0 && strstr(t->body, "\"success\"") && !strstr(t->body, "string")) {
            if (!has_series || series != t->series)
                fail_msg("%s: series %g, want %g", t->label, series, t->series);
            if (!isnan(t->value) && (!has_value || value != t->value))
                fail_msg("%s: value %g, want %g", t->label, value, t->value);
            if (!detail_query)
                fail_msg("%s: no query in detail", t->label);
        }
    }
}

/* ---- config ---- */

static const char *no_env(const char *name, void *ud)
{
    (void)name;
    (void)ud;
    return NULL;
}

static void test_config_checks(void **state)
{
    (void)state;
    static const char yaml[] =
            "canary: true\n"
            "canary_timeout: 3s\n"
            "stacks:\n"
            "  - name: prod\n"
            "    canary: false\n"
            "    mimir: http://mimir:9009\n"
            "    loki: http://loki:3100\n"
            "    checks:\n"
            "      - name: gateway\n"
            "        http: https://gw.example/api/monitoring/health/\n"
            "        expect_status: [200, 204]\n"
            "        json: { path: data.status, equals: ok }\n"
            "        max_latency: 500ms\n"
            "        method: post\n"
            "        timeout: 2s\n"
            "      - { name: redis, promql: 'redis_up', expect: \"== 1\" }\n"
            "      - name: errors\n"
            "        logql: |\n"
            "          {job=\"api\"}\n"
            "            |= \"error\"\n"
            "        window: 10m\n"
            "        expect: \"< 5\"\n"
            "      - { name: any-up, promql: up }\n"
            "      - { name: lines, logql: '{job=\"x\"}' }\n"
            "      - { name: queue, http: 'http://q:1/stats', json: { path: items, expect: non-empty } }\n"
            "  - name: lab\n"
            "    prometheus: http://prom:9090\n"
            "    checks:\n"
            "      - { name: up, promql: up, expect: \"> 0\" }\n";
    struct config cfg;
    char err[512] = "";
    if (config_parse(yaml, strlen(yaml), "c.yaml", no_env, NULL, &cfg, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_true(cfg.canary);
    assert_int_equal(cfg.canary_timeout_ms, 3000);
    const struct stack_cfg *st = &cfg.stacks[0];
    assert_int_equal(st->canary, -1);
    assert_false(canary_enabled(&cfg, st));
    assert_true(canary_enabled(&cfg, &cfg.stacks[1])); /* top-level value */
    assert_true(st->comp[COMP_CHECKS].enabled);
    assert_string_equal(st->comp[COMP_CHECKS].keypath, "stacks[0].checks");
    assert_int_equal(st->nchecks, 6);
    const struct custom_check_cfg *g = &st->checks[0];
    assert_string_equal(g->name, "gateway");
    assert_int_equal(g->type, CUSTOM_HTTP);
    assert_string_equal(g->url, "https://gw.example/api/monitoring/health");
    assert_int_equal(g->nexpect_status, 2);
    assert_int_equal(g->expect_status[1], 204);
    assert_string_equal(g->json_path, "data.status");
    assert_string_equal(g->json_equals, "ok");
    assert_false(g->json_has_expect);
    assert_int_equal(g->max_latency_ms, 500);
    assert_string_equal(g->method, "POST");
    assert_int_equal(g->timeout_ms, 2000);
    assert_int_equal(g->line, 9);
    const struct custom_check_cfg *r = &st->checks[1];
    assert_int_equal(r->type, CUSTOM_PROMQL);
    assert_string_equal(r->query, "redis_up");
    assert_int_equal(r->expect.op, CX_EQ);
    const struct custom_check_cfg *e = &st->checks[2];
    assert_int_equal(e->type, CUSTOM_LOGQL);
    assert_string_equal(e->query, "{job=\"api\"}   |= \"error\""); /* block scalar folded to one line */
    assert_int_equal(e->window_ms, 600000);
    assert_int_equal(e->expect.op, CX_LT);
    assert_int_equal(st->checks[3].expect.op, CX_NONEMPTY); /* promql default */
    assert_int_equal(st->checks[4].expect.op, CX_GT);       /* logql default: > 0 */
    assert_int_equal(st->checks[4].window_ms, CUSTOM_DEFAULT_WINDOW_MS);
    assert_true(st->checks[5].json_has_expect);
    assert_int_equal(st->checks[5].json_expect.op, CX_NONEMPTY);
    /* targets */
    assert_ptr_equal(custom_target(st, &st->checks[1]), &st->comp[COMP_MIMIR]);
    assert_ptr_equal(custom_target(st, &st->checks[2]), &st->comp[COMP_LOKI]);
    assert_null(custom_target(st, &st->checks[0]));
    assert_ptr_equal(custom_target(&cfg.stacks[1], &cfg.stacks[1].checks[0]), &cfg.stacks[1].comp[COMP_PROMETHEUS]);

    /* state: a "checks" component per stack, built defs; canaries only where enabled */
    struct state s;
    assert_int_equal(state_init(&s, &cfg, NULL, &sweep_checks), 0);
    const struct comp_state *checks = NULL, *mimir = NULL;
    for (size_t i = 0; i < s.stacks[0].ncomps; i++) {
        if (s.stacks[0].comps[i].kind == COMP_CHECKS)
            checks = &s.stacks[0].comps[i];
        if (s.stacks[0].comps[i].kind == COMP_MIMIR)
            mimir = &s.stacks[0].comps[i];
    }
    assert_non_null(checks);
    assert_non_null(mimir);
    assert_string_equal(comp_kind_name(checks->kind), "checks");
    assert_int_equal(checks->nchecks, 6);
    assert_string_equal(checks->checks[1].def->name, "redis");
    assert_non_null(checks->checks[1].def->multi);
    const struct custom_def *cd = checks->checks[1].def->arg;
    assert_ptr_equal(cd->cc, &st->checks[1]);
    assert_ptr_equal(cd->target, &st->comp[COMP_MIMIR]);
    assert_int_equal(checks->checks[5].idx, 5);
    assert_string_equal(checks->url, "");
    for (size_t i = 0; i < mimir->nchecks; i++)
        assert_string_not_equal(mimir->checks[i].def->name, "canary"); /* prod: canary: false */
    bool lab_canary = false;
    for (size_t i = 0; i < s.stacks[1].ncomps; i++)
        for (size_t j = 0; j < s.stacks[1].comps[i].nchecks; j++)
            lab_canary |= strcmp(s.stacks[1].comps[i].checks[j].def->name, "canary") == 0;
    assert_false(lab_canary); /* prometheus has no canary */
    state_free(&s);

    canary_force_on(&cfg);
    assert_int_equal(state_init(&s, &cfg, "prod", &sweep_checks), 0);
    int canaries = 0;
    for (size_t i = 0; i < s.stacks[0].ncomps; i++)
        for (size_t j = 0; j < s.stacks[0].comps[i].nchecks; j++) {
            const struct check_state *cs = &s.stacks[0].comps[i].checks[j];
            assert_int_equal(cs->idx, j);
            if (strcmp(cs->def->name, "canary") == 0) {
                canaries++;
                assert_true(cs->def->flags & CHECK_CANARY);
                assert_int_equal(cs->def->min_period_ms, CANARY_MIN_PERIOD_MS);
            }
        }
    assert_int_equal(canaries, 2); /* mimir and loki */
    state_free(&s);
    config_free(&cfg);
}

static void test_config_toplevel(void **state)
{
    (void)state;
    static const char yaml[] = "mimir: http://m:1\nchecks:\n  - { name: a, promql: up }\n";
    struct config cfg;
    char err[512] = "";
    if (config_parse(yaml, strlen(yaml), "c.yaml", no_env, NULL, &cfg, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.nstacks, 1);
    assert_false(cfg.canary);
    assert_int_equal(cfg.stacks[0].nchecks, 1);
    assert_true(cfg.stacks[0].comp[COMP_CHECKS].enabled);
    config_free(&cfg);

    /* http checks alone make a stack */
    static const char only[] = "stacks:\n  - name: x\n    checks: [ { name: a, http: 'http://h:1/' } ]\n";
    if (config_parse(only, strlen(only), "c.yaml", no_env, NULL, &cfg, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    assert_int_equal(cfg.stacks[0].nchecks, 1);
    assert_int_equal(cfg.stacks[0].checks[0].nexpect_status, 0);
    config_free(&cfg);

    /* zero-config has no checks and no canary */
    config_defaults(&cfg, no_env, NULL);
    assert_false(cfg.stacks[0].comp[COMP_CHECKS].enabled);
    assert_int_equal(cfg.stacks[0].nchecks, 0);
    assert_int_equal(cfg.stacks[0].canary, 0);
    config_free(&cfg);
}

struct cfg_err {
    const char *yaml;
    const char *want;
};

static const struct cfg_err cfg_errs[] = {
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { promql: up }\n",
         "c.yaml:5: stacks[0].checks[0]: name is missing"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: 'a b', promql: up }\n",
         "c.yaml:5: stacks[0].checks[0].name: bad check name \"a b\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: up }\n      - { name: a, promql: x }\n",
         "c.yaml:6: stacks[0].checks[1].name: duplicate check name \"a\" (also checks[0])"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: up, http: 'http://x:1' }\n",
         "has more than one of http:, promql:, logql:"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: up, window: 5m }\n",
         "c.yaml:5: stacks[0].checks[0].window: only applies to logql checks"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: up, max_latency: 1s }\n",
         "stacks[0].checks[0].max_latency: only applies to http checks"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', expect: '> 1' }\n",
         "stacks[0].checks[0].expect: only applies to promql and logql checks"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: up, expekt: '> 1' }\n",
         "c.yaml:5: stacks[0].checks[0].expekt: unknown key — did you mean \"expect\"?"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'ftp://x' }\n",
         "stacks[0].checks[0].http: bad URL \"ftp://x\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', expect_status: 999 }\n",
         "stacks[0].checks[0].expect_status: bad HTTP status \"999\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', method: PUT }\n",
         "bad method \"PUT\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', json: { equals: ok } }\n",
         "stacks[0].checks[0].json: path is missing"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', json: { path: a } }\n",
         "the condition is missing"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', json: { path: a, equals: b, expect: '> 1' } }\n",
         "both equals and expect are set"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, http: 'http://x:1', json: { path: 'a..b', equals: b } }\n",
         "stacks[0].checks[0].json.path: bad path \"a..b\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, logql: '{job=\"x\"}' }\n",
         "c.yaml:5: stacks[0].checks[0]: logql check \"a\" has nothing to query — add loki:"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: a, promql: '' }\n",
         "stacks[0].checks[0].promql: is empty"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks: { name: a }\n",
         "c.yaml:4: stacks[0].checks: expected a list of checks"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    canary: sometimes\n",
         "stacks[0].canary: bad boolean \"sometimes\""},
        {"stacks:\n  - name: a\n    mimir: http://m:1\nchecks:\n  - { name: a, promql: up }\n",
         "c.yaml:4: checks: top-level checks cannot be mixed with stacks:"},
        {"checks:\n  - { name: a, promql: up }\n", "c.yaml:2: checks[0]: promql check \"a\" has nothing to query"},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - name: g\n        url: http://x:1\n",
         "c.yaml:6: stacks[0].checks[0].url: a check names its URL with http:"},
};

static void test_config_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cfg_errs); i++) {
        struct config cfg;
        char err[512] = "";
        if (config_parse(cfg_errs[i].yaml, strlen(cfg_errs[i].yaml), "c.yaml", no_env, NULL, &cfg, err, sizeof(err)) ==
            0) {
            config_free(&cfg);
            fail_msg("case %zu parsed, want \"%s\"", i, cfg_errs[i].want);
        }
        if (!strstr(err, cfg_errs[i].want))
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, cfg_errs[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_expr),
            cmocka_unit_test(test_json_path),
            cmocka_unit_test(test_queries),
            cmocka_unit_test(test_eval_http),
            cmocka_unit_test(test_eval_query),
            cmocka_unit_test(test_config_checks),
            cmocka_unit_test(test_config_toplevel),
            cmocka_unit_test(test_config_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
