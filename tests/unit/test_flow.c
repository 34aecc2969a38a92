/* Flow: the Tempo query checks on the real fixtures, Mimir's span-metrics check, per-tenant
 * tables and rates, the OTLP summary per address, the engine's network probes on loopback,
 * --sample and search_window. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe_test.h"

#include "../../src/checks/common.h"
#include "../../src/checks/flow.h"
#include "lgtmtop/cli.h"
#include "lgtmtop/engine.h"

/* ---- helpers ------------------------------------------------------------------------------ */

struct resp {
    char *body;
    struct http_response r;
    struct component_cfg c;
    struct obs o;
};

static void resp_init(struct resp *x, const char *fixture, const char *inline_body, long status, const char *url)
{
    size_t len;
    x->body = fixture ? fixture_load(fixture, &len) : ptc_copy(inline_body, &len);
    ptc_cfg(&x->c, COMP_TEMPO);
    ptc_response(&x->r, x->body, len, status, url);
    obs_init(&x->o);
}

static void resp_free(struct resp *x)
{
    obs_free(&x->o);
    free(x->body);
}

static void contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" lacks \"%s\"", hay ? hay : "(null)", needle);
}

static double value(const struct obs *o, const char *key)
{
    double v = -1;
    if (!obs_get_value(o, value_key_find(key), &v))
        fail_msg("no value %s", key);
    return v;
}

/* ---- Tempo search ------------------------------------------------------------------------- */

static void test_search_fixture(void **st)
{
    (void)st;
    struct resp x;
    /* the trace started at 1694718625.557 s; "now" is 60 s later */
    resp_init(&x, "tempo/search_traceql_service_name.json", NULL, 200,
              "http://tempo:3200/api/search?start=1694716825&end=1694718685&limit=20");
    tempo_parse_search(&x.r, &x.c, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "1 trace in the last 31m");
    contains(x.o.summary, "newest 59");
    contains(x.o.summary, "root services: my.service");
    assert_true(value(&x.o, "traces_found") == 1);
    contains(x.o.detail, "5b8efff798038103d269b633813fc700  my.service  I am a span!  10000ms");
    const cJSON *tr = cJSON_GetArrayItem(cJSON_GetObjectItem(x.o.data, "traces"), 0);
    assert_string_equal(cJSON_GetObjectItem(tr, "rootServiceName")->valuestring, "my.service");
    assert_int_equal(cJSON_GetObjectItem(x.o.data, "window_s")->valueint, 1860);
    resp_free(&x);

    /* the pure core with an explicit clock */
    resp_init(&x, "tempo/search_traceql_status_error.json", NULL, 200, "http://tempo:3200/api/search");
    tempo_parse_search_at(&x.r, &x.c, 1684778327 + 3700, 900, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "in the last 15m (newest 1h");
    contains(x.o.summary, "shop-backend");
    resp_free(&x);
}

static void test_search_empty_and_bad(void **st)
{
    (void)st;
    static const struct {
        const char *body;
        long status;
        enum status want;
        const char *sub;
    } rows[] = {
            {"{\"traces\":[],\"metrics\":{\"inspectedTraces\":0}}", 200, ST_OK, "no traces found in the last 15m"},
            {"{\"metrics\":{}}", 200, ST_OK, "no traces found in the last 15m"},
            {"{\"traces\":null}", 200, ST_OK, "no traces found"},
            {"{\"traces\":{}}", 200, ST_FAIL, "unexpected JSON"},
            {"[1,2]", 200, ST_FAIL, "unexpected JSON"},
            {"<html>", 200, ST_FAIL, "invalid JSON"},
            {"no org id\n", 401, ST_FAIL, "401 no org id"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct resp x;
        resp_init(&x, NULL, rows[i].body, rows[i].status, "http://tempo:3200/api/search?start=100&end=1000&limit=20");
        const struct check_def *d = probe_check_find(COMP_TEMPO, "search");
        assert_non_null(d);
        probe_run_parser(d, &x.r, &x.c, &x.o);
        if (x.o.status != rows[i].want || !strstr(x.o.summary, rows[i].sub))
            fail_msg("row %zu: %s \"%s\"", i, status_name(x.o.status), x.o.summary);
        if (rows[i].want == ST_OK)
            assert_true(value(&x.o, "traces_found") == 0);
        resp_free(&x);
    }
}

static void test_search_path(void **st)
{
    (void)st;
    struct component_cfg c;
    ptc_cfg(&c, COMP_TEMPO);
    c.url = (char *)"";
    struct buf b;
    buf_init(&b);
    tempo_path_search(&c, &b);
    long long start = 0, end = 0, limit = 0;
    assert_true(str_starts_with(b.data, "/api/search?start="));
    assert_true(flow_url_param_ll(b.data, "start", &start));
    assert_true(flow_url_param_ll(b.data, "end", &end));
    assert_true(flow_url_param_ll(b.data, "limit", &limit));
    assert_int_equal(end - start, 900); /* default window 15m, unix seconds */
    assert_int_equal(limit, 20);
    assert_true(end > 1700000000);
    buf_reset(&b);
    c.search_window_ms = 3600 * 1000;
    tempo_path_span_counts(&c, &b);
    assert_true(str_starts_with(b.data, "/api/metrics/query?q=%7B%7D%20%7C%20count_over_time%28%29%20by%20%28"
                                        "resource.service.name%29&start="));
    assert_true(flow_url_param_ll(b.data, "start", &start) && flow_url_param_ll(b.data, "end", &end));
    assert_int_equal(end - start, 3600);
    buf_free(&b);
    assert_false(flow_url_param_ll("http://x/a?startx=1", "start", &start));
    assert_false(flow_url_param_ll(NULL, "start", &start));
}

/* ---- services ------------------------------------------------------------------------------ */

static void test_tag_values(void **st)
{
    (void)st;
    struct resp x;
    resp_init(&x, "tempo/search_tag_values_v2.json", NULL, 200, "http://tempo:3200/x");
    tempo_parse_tag_values(&x.r, &x.c, true, 900, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "6 services (v2 API): article-service, postgres");
    assert_true(value(&x.o, "services") == 6);
    assert_string_equal(cJSON_GetObjectItem(x.o.data, "api")->valuestring, "v2");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(x.o.data, "services")), 6);
    resp_free(&x);

    resp_init(&x, "tempo/search_tag_values_v1.json", NULL, 200, "http://tempo:3200/x");
    tempo_parse_tag_values(&x.r, &x.c, false, 900, &x.o);
    contains(x.o.summary, "6 services (v1 API): article-service, auth-service");
    contains(x.o.detail, "shop-backend");
    resp_free(&x);

    resp_init(&x, NULL, "{\"tagValues\":[]}", 200, "http://tempo:3200/x");
    tempo_parse_tag_values(&x.r, &x.c, true, 3600, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "no services seen in the last 1h");
    resp_free(&x);

    /* the check's single-response parser: window from the URL */
    resp_init(&x, "tempo/search_tag_values_v2.json", NULL, 200,
              "http://tempo:3200/api/v2/search/tag/resource.service.name/values?start=0&end=600");
    const struct check_def *d = probe_check_find(COMP_TEMPO, "services");
    assert_non_null(d);
    assert_non_null(d->multi);
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_int_equal(cJSON_GetObjectItem(x.o.data, "window_s")->valueint, 600);
    resp_free(&x);
}

/* ---- TraceQL metrics ---------------------------------------------------------------------- */

static void test_span_counts(void **st)
{
    (void)st;
    const char *url = "http://tempo:3200/api/metrics/query?q=x&start=1000&end=1900";
    struct resp x;
    resp_init(&x, "tempo/metrics_query_instant_constructed.json", NULL, 200, url);
    const struct check_def *d = probe_check_find(COMP_TEMPO, "span_counts");
    assert_non_null(d);
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "47 spans from 2 services in the last 15m: shop-backend 36, auth-service 11");
    assert_true(value(&x.o, "traceql_spans") == 47);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(x.o.data, "services"), 0);
    assert_string_equal(cJSON_GetObjectItem(first, "service")->valuestring, "shop-backend");
    resp_free(&x);

    static const struct {
        const char *body;
        long status;
        enum status want;
        bool skipped;
        const char *sub;
    } rows[] = {
            {"404 page not found\n", 404, ST_UNKNOWN, true, "TraceQL metrics not available on this Tempo (HTTP 404"},
            {"error querying generators: localblocks processor not found", 500, ST_UNKNOWN, true, "not available"},
            {"bad request", 400, ST_UNKNOWN, true, "not available"},
            {"something broke\n", 500, ST_WARN, false, "HTTP 500: something broke"},
            {"no org id\n", 401, ST_FAIL, false, "no org id"},
            {"{\"series\":[]}", 200, ST_OK, false, "TraceQL metrics: no spans in the last 15m"},
            {"{}", 200, ST_OK, false, "no spans"},
            {"{\"series\":5}", 200, ST_FAIL, false, "unexpected JSON"},
            {"{\"series\":[{\"labels\":[],\"value\":\"3\"}]}", 200, ST_OK, false, "3 spans from 1 service"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        resp_init(&x, NULL, rows[i].body, rows[i].status, url);
        probe_run_parser(d, &x.r, &x.c, &x.o);
        if (x.o.status != rows[i].want || x.o.skipped != rows[i].skipped || !strstr(x.o.summary, rows[i].sub))
            fail_msg("row %zu: %s skipped=%d \"%s\"", i, status_name(x.o.status), x.o.skipped, x.o.summary);
        resp_free(&x);
    }
}

/* ---- Mimir span metrics ------------------------------------------------------------------- */

static void test_spanmetrics(void **st)
{
    (void)st;
    const struct check_def *d = probe_check_find(COMP_MIMIR, "spanmetrics");
    assert_non_null(d);
    struct component_cfg c;
    ptc_cfg(&c, COMP_MIMIR);
    c.url = (char *)"";
    char *url = ptc_url(d, &c);
    assert_true(str_starts_with(url, "/prometheus/api/v1/query?query=count%20by%20%28__name__%29"));
    free(url);
    struct resp x;
    resp_init(&x, NULL,
              "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
              "{\"metric\":{\"__name__\":\"traces_spanmetrics_calls_total\"},\"value\":[1,\"12\"]},"
              "{\"metric\":{\"__name__\":\"traces_service_graph_request_total\"},\"value\":[1,\"3\"]}]}}",
              200, "http://mimir:9009/prometheus/api/v1/query");
    x.c.kind = COMP_MIMIR;
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "15 span-metrics series (traces_spanmetrics_calls_total 12");
    assert_true(value(&x.o, "spanmetrics_series") == 15);
    resp_free(&x);
    resp_init(&x, NULL, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 200,
              "http://mimir:9009/prometheus/api/v1/query");
    x.c.kind = COMP_MIMIR;
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    contains(x.o.summary, "no span metrics");
    assert_true(value(&x.o, "spanmetrics_series") == 0);
    resp_free(&x);
    /* 2^64, 1e999 (+Inf), NaN, negative: not a count, never printed as one */
    static const char *bad[] = {"18446744073709551616", "1e999", "NaN", "-2"};
    static const char *word[] = {"1.84467e+19", "+Inf", "NaN", "-2"};
    for (size_t i = 0; i < 4; i++) {
        char body[512];
        snprintf(body, sizeof(body),
                 "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                 "{\"metric\":{\"__name__\":\"traces_spanmetrics_calls_total\"},\"value\":[1,\"%s\"]}]}}",
                 bad[i]);
        resp_init(&x, NULL, body, 200, "http://mimir:9009/prometheus/api/v1/query");
        x.c.kind = COMP_MIMIR;
        probe_run_parser(d, &x.r, &x.c, &x.o);
        assert_int_equal(x.o.status, ST_WARN);
        contains(x.o.summary, "invalid span-metrics series count");
        contains(x.o.summary, word[i]);
        assert_null(strstr(x.o.summary, "18446744073709551616"));
        double v;
        assert_false(obs_get_value(&x.o, VK_SPANMETRICS_SERIES, &v));
        resp_free(&x);
    }
}

/* ---- per-tenant tables and rates ---------------------------------------------------------- */

static void test_tenant_table_and_rates(void **st)
{
    (void)st;
    static const char text[] = "# TYPE tempo_distributor_spans_received_total counter\n"
                               "tempo_distributor_spans_received_total{tenant=\"b\"} 30\n"
                               "tempo_distributor_spans_received_total{tenant=\"a\"} 100\n"
                               "tempo_distributor_bytes_received_total{tenant=\"a\"} 5000\n"
                               "tempo_distributor_bytes_received_total{tenant=\"b\"} 800\n"
                               "tempo_build_info{version=\"2.9.0\"} 1\n";
    struct resp x;
    resp_init(&x, NULL, text, 200, "http://tempo:3200/metrics");
    const struct check_def *d = probe_check_find(COMP_TEMPO, "metrics");
    assert_true(d->flags & CHECK_COUNTERS);
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_int_equal(x.o.status, ST_OK);
    assert_true(value(&x.o, "spans_received_total") == 130);
    assert_true(value(&x.o, "bytes_received_total") == 5800);
    contains(x.o.detail, "tenant a: 100 spans, 5000 bytes since start\ntenant b: 30 spans, 800 bytes since start");
    cJSON *prev = cJSON_Duplicate(x.o.data, 1);
    const cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(prev, "tenants"), 0);
    assert_string_equal(cJSON_GetObjectItem(a, "tenant")->valuestring, "a");
    resp_free(&x);

    /* 10 s later: a +50 spans, b restarted (counter went down: a reset, not a negative rate) */
    resp_init(&x, NULL,
              "tempo_distributor_spans_received_total{tenant=\"a\"} 150\n"
              "tempo_distributor_spans_received_total{tenant=\"b\"} 5\n"
              "tempo_distributor_spans_received_total{tenant=\"c\"} 7\n",
              200, "http://tempo:3200/metrics");
    probe_run_parser(d, &x.r, &x.c, &x.o);
    flow_tenant_rates(prev, x.o.data, 10000);
    const cJSON *t = cJSON_GetObjectItem(x.o.data, "tenants");
    assert_int_equal(cJSON_GetArraySize(t), 3);
    for (int i = 0; i < 3; i++) {
        const cJSON *row = cJSON_GetArrayItem(t, i);
        const char *name = cJSON_GetObjectItem(row, "tenant")->valuestring;
        const cJSON *rate = cJSON_GetObjectItem(row, "spans_received_per_second");
        if (strcmp(name, "a") == 0)
            assert_true(rate && rate->valuedouble == 5.0);
        else if (strcmp(name, "b") == 0)
            assert_true(rate && rate->valuedouble == 0.5);
        else
            assert_null(rate); /* new tenant: one sample, no rate */
    }
    cJSON_Delete(prev);
    resp_free(&x);

    /* Loki: a distributor that has not received a push yet: a true zero; not a distributor: nothing */
    resp_init(&x, NULL, "loki_build_info{version=\"3.5.1\"} 1\nloki_distributor_ingester_clients 3\n", 200,
              "http://loki:3100/metrics");
    x.c.kind = COMP_LOKI;
    d = probe_check_find(COMP_LOKI, "metrics");
    assert_true(d->flags & CHECK_COUNTERS);
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_true(value(&x.o, "lines_received_total") == 0);
    contains(x.o.summary, "no lines received since start");
    resp_free(&x);
    resp_init(&x, NULL, "loki_distributor_lines_received_total{tenant=\"fake\"} 9\n", 200, "http://loki:3100/metrics");
    x.c.kind = COMP_LOKI;
    probe_run_parser(d, &x.r, &x.c, &x.o);
    assert_false(obs_get_value(&x.o, VK_BYTES_RECEIVED_TOTAL, NULL)); /* missing alone: unknown, not 0 */
    resp_free(&x);

    /* Mimir: per user */
    resp_init(&x, NULL,
              "cortex_distributor_received_samples_total{type=\"float\",user=\"team-a\"} 10\n"
              "cortex_distributor_received_samples_total{type=\"histogram\",user=\"team-a\"} 5\n",
              200, "http://mimir:9009/metrics");
    x.c.kind = COMP_MIMIR;
    d = probe_check_find(COMP_MIMIR, "metrics");
    probe_run_parser(d, &x.r, &x.c, &x.o);
    a = cJSON_GetArrayItem(cJSON_GetObjectItem(x.o.data, "tenants"), 0);
    assert_string_equal(cJSON_GetObjectItem(a, "tenant")->valuestring, "team-a");
    assert_true(cJSON_GetObjectItem(a, "samples_received_total")->valuedouble == 15);
    resp_free(&x);
    /* Tempo: spans present but bytes absent is a version difference: no false zero */
    resp_init(&x, NULL, "tempo_distributor_spans_received_total{tenant=\"a\"} 1\ntempo_build_info{version=\"1\"} 1\n",
              200, "http://tempo:3200/metrics");
    probe_run_parser(d = probe_check_find(COMP_TEMPO, "metrics"), &x.r, &x.c, &x.o);
    assert_false(obs_get_value(&x.o, VK_BYTES_RECEIVED_TOTAL, NULL));
    resp_free(&x);
    /* not Tempo at all: says which metric is missing, no value */
    resp_init(&x, NULL, "up 1\n", 200, "http://tempo:3200/metrics");
    probe_run_parser(d, &x.r, &x.c, &x.o);
    contains(x.o.summary, "no tempo_distributor_spans_received_total");
    assert_int_equal(x.o.nvalues, 0);
    resp_free(&x);

    char w[16];
    flow_window_text(900000, w, sizeof(w));
    assert_string_equal(w, "15m");
    flow_window_text(7200000, w, sizeof(w));
    assert_string_equal(w, "2h");
    flow_window_text(90000, w, sizeof(w));
    assert_string_equal(w, "90s");
}

/* ---- OTLP summary ---------------------------------------------------------------------------- */

static void addr(struct otlp_result *r, const char *ip, enum net_err err, long status)
{
    struct otlp_addr_result *a = &r->addr[r->naddrs++];
    snprintf(a->ip, sizeof(a->ip), "%s", ip);
    a->family = strchr(ip, ':') ? 6 : 4;
    a->done = true;
    a->err = err;
    a->status = status;
}

static void summarize(const struct otlp_result *r, enum status want, bool skipped, const char *sub)
{
    struct obs o;
    obs_init(&o);
    otlp_summarize(r, &o);
    if (o.status != want || o.skipped != skipped || !strstr(o.summary, sub))
        fail_msg("%s skipped=%d \"%s\", want \"%s\"", status_name(o.status), o.skipped, o.summary, sub);
    obs_free(&o);
}

/* Many tenants (found by hash): every series of a tenant adds to its one row, whichever line it
 * is on; past 1024 distinct tenants the rest are ignored; the busiest lead. */
static void test_tenant_table_many_tenants(void **st)
{
    (void)st;
    struct buf b;
    buf_init(&b);
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < 1500; t++)
            buf_printf(&b, "tempo_distributor_spans_received_total{tenant=\"t%d\",pass=\"%d\"} %d\n", t, pass,
                       t < 1024 ? t : 1000000);
    static const struct flow_metric m[] = {
            {"tempo_distributor_spans_received_total", VK_SPANS_RECEIVED_TOTAL, "spans"}};
    cJSON *table = flow_tenant_table(b.data, b.len, "tenant", m, 1, NULL);
    const cJSON *rows = cJSON_GetObjectItem(table, "tenants");
    assert_int_equal(cJSON_GetArraySize(rows), FLOW_MAX_TENANTS);
    assert_int_equal((int)cJSON_GetObjectItem(table, "tenants_omitted")->valuedouble, 1024 - FLOW_MAX_TENANTS);
    const cJSON *top = cJSON_GetArrayItem(rows, 0);
    assert_string_equal(cJSON_GetObjectItem(top, "tenant")->valuestring, "t1023");
    assert_true(cJSON_GetObjectItem(top, "spans_received_total")->valuedouble == 2 * 1023);
    cJSON_Delete(table);

    /* The same rows when the table rides along with another scan's pass */
    struct flow_tenant_scan *ts = flow_tenant_scan_new("tenant", m, 1);
    struct probe_metric_sum sums[] = {{.name = "tempo_distributor_spans_received_total"}};
    struct probe_metrics_scan s = {.sums = sums,
                                   .nsums = 1,
                                   .also = flow_tenant_scan_sample,
                                   .also_ud = ts,
                                   .also_wants = flow_tenant_scan_wants};
    probe_metrics_scan(b.data, b.len, &s);
    assert_true(sums[0].found);
    table = flow_tenant_scan_table(ts, NULL);
    top = cJSON_GetArrayItem(cJSON_GetObjectItem(table, "tenants"), 0);
    assert_string_equal(cJSON_GetObjectItem(top, "tenant")->valuestring, "t1023");
    cJSON_Delete(table);
    buf_free(&b);
}

static void test_otlp_summary(void **st)
{
    (void)st;
    struct otlp_result r;
    memset(&r, 0, sizeof(r));
    r.http = true;
    r.endpoint = "http://tempo:4318";
    r.resolved = true;
    r.timeout_ms = 2000;
    addr(&r, "10.0.0.5", NET_OK, 200);
    summarize(&r, ST_OK, false,
              "OTLP/HTTP receiver answers at http://tempo:4318/v1/traces (HTTP 200 on IPv4 10.0.0.5)");
    r.endpoint = "http://tempo:4318/v1/traces"; /* configured as the full traces URL */
    summarize(&r, ST_OK, false, "answers at http://tempo:4318/v1/traces (HTTP 200");

    /* the classic: a name with both families, a listener on IPv4 only */
    memset(&r, 0, sizeof(r));
    r.http = false;
    r.endpoint = "tempo:4317";
    r.resolved = true;
    addr(&r, "fd00::5", NET_REFUSED, 0);
    addr(&r, "10.0.0.5", NET_OK, 0);
    struct obs o;
    obs_init(&o);
    otlp_summarize(&r, &o);
    assert_int_equal(o.status, ST_WARN);
    contains(o.summary, "answers on IPv4 10.0.0.5 but not on IPv6 fd00::5: connection refused — clients that try IPv6 "
                        "first fail");
    contains(o.detail, "IPv6 fd00::5: connection refused");
    assert_true(cJSON_IsArray(o.data) && cJSON_GetArraySize(o.data) == 2);
    const cJSON *v6 = cJSON_GetArrayItem(o.data, 0);
    assert_string_equal(cJSON_GetObjectItem(v6, "family")->valuestring, "ipv6");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(v6, "reachable")));
    assert_string_equal(cJSON_GetObjectItem(v6, "error")->valuestring, "refused");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(o.data, 1), "reachable")));
    assert_true(value(&o, "reachable") == 1 && value(&o, "addresses") == 2);
    obs_free(&o);

    /* closed everywhere: FAIL — or skipped when lgtmtop only guessed the address */
    r.addr[1].err = NET_REFUSED;
    summarize(&r, ST_FAIL, false, "connection refused at tempo:4317");
    r.derived = true;
    summarize(&r, ST_UNKNOWN, true, "address guessed from the Tempo URL");
    r.derived = false;
    r.addr[0].err = r.addr[1].err = NET_TIMEOUT;
    r.timeout_ms = 1500;
    summarize(&r, ST_FAIL, false, "no answer from tempo:4317 within 1.5s");

    /* HTTP: not a receiver; rejected; not HTTP at all */
    memset(&r, 0, sizeof(r));
    r.http = true;
    r.endpoint = "http://tempo:3200";
    r.resolved = true;
    addr(&r, "10.0.0.5", NET_OK, 404);
    summarize(&r, ST_FAIL, false, "not an OTLP receiver");
    r.addr[0].status = 401;
    snprintf(r.addr[0].reason, sizeof(r.addr[0].reason), "%s", "no org id");
    summarize(&r, ST_WARN, false, "rejects lgtmtop's empty export: HTTP 401 no org id");
    r.addr[0].err = NET_PROTOCOL;
    summarize(&r, ST_FAIL, false, "does not answer HTTP");

    /* name problems */
    memset(&r, 0, sizeof(r));
    r.endpoint = "nope:4317";
    r.resolved = true;
    r.resolve_err = NET_DNS;
    summarize(&r, ST_FAIL, false, "cannot resolve");
    r.endpoint = NULL;
    summarize(&r, ST_UNKNOWN, true, "no otlp_grpc endpoint configured");
}

/* ---- engine: network probes on loopback ------------------------------------------------------ */

struct got {
    bool done;
    enum net_err err;
    char ip[64];
    char addrs[256];
};

static void on_done(void *ud, const struct http_response *r)
{
    struct got *g = ud;
    g->done = true;
    g->err = r->err;
    snprintf(g->ip, sizeof(g->ip), "%s", r->primary_ip ? r->primary_ip : "");
    snprintf(g->addrs, sizeof(g->addrs), "%s", r->addresses ? r->addresses : "");
}

static struct got fetch(const struct request *rq)
{
    struct engine *e = engine_new();
    struct got g;
    memset(&g, 0, sizeof(g));
    engine_submit(e, rq, on_done, &g);
    long long t0 = now_mono_ms();
    while (!g.done && now_mono_ms() - t0 < 5000)
        engine_run(e, -1, 100);
    engine_free(e);
    assert_true(g.done);
    return g;
}

/* A loopback socket that listens (and never accepts: the kernel completes the handshake). */
static int listener(int family, int *port)
{
    int fd = socket(family, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons((uint16_t)*port);
        len = sizeof(*a);
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)*port);
        len = sizeof(*a);
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static void test_engine_probes(void **st)
{
    (void)st;
    int port = 0;
    int fd = listener(AF_INET, &port);
    assert_true(fd >= 0);
    char url[128];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);

    /* resolve only: the address list, no connection */
    struct request rq = {.url = url, .resolve_only = true, .timeout_ms = 3000};
    struct got g = fetch(&rq);
    assert_int_equal(g.err, NET_OK);
    assert_string_equal(g.addrs, "127.0.0.1");

    /* connect only: something accepts */
    rq = (struct request){.url = url, .connect_only = true, .timeout_ms = 3000};
    g = fetch(&rq);
    assert_int_equal(g.err, NET_OK);
    assert_string_equal(g.ip, "127.0.0.1");

    /* pinned address, name kept */
    snprintf(url, sizeof(url), "http://localhost:%d/", port);
    rq = (struct request){.url = url, .connect_only = true, .connect_ip = "127.0.0.1", .timeout_ms = 3000};
    g = fetch(&rq);
    assert_int_equal(g.err, NET_OK);
    assert_string_equal(g.ip, "127.0.0.1");

    /* localhost resolves to 127.0.0.1, and to ::1 where the resolver gives it */
    rq = (struct request){.url = url, .resolve_only = true, .timeout_ms = 3000};
    g = fetch(&rq);
    assert_int_equal(g.err, NET_OK);
    contains(g.addrs, "127.0.0.1");

    /* IPv6 loopback, if this machine has it: a listener on IPv4 only refuses there */
    int p6 = port;
    int fd6 = listener(AF_INET6, &p6);
    if (fd6 >= 0) {
        close(fd6); /* freed: nothing listens on [::1]:port now */
        rq = (struct request){.url = url, .connect_only = true, .connect_ip = "::1", .timeout_ms = 3000};
        g = fetch(&rq);
        assert_int_equal(g.err, NET_REFUSED);
    }
    close(fd);

    /* closed port */
    rq = (struct request){.url = url, .connect_only = true, .connect_ip = "127.0.0.1", .timeout_ms = 3000};
    g = fetch(&rq);
    assert_int_equal(g.err, NET_REFUSED);
}

/* ---- --sample and search_window ---------------------------------------------------------- */

static void test_cli_sample(void **st)
{
    (void)st;
    struct cli c;
    char err[256];
    char *a1[] = {"lgtmtop", "check", NULL};
    assert_int_equal(cli_parse(2, a1, &c, err, sizeof(err)), 0);
    assert_int_equal(c.sample_ms, CLI_DEFAULT_SAMPLE_MS);
    char *a2[] = {"lgtmtop", "check", "--sample", "2s", NULL};
    assert_int_equal(cli_parse(4, a2, &c, err, sizeof(err)), 0);
    assert_int_equal(c.sample_ms, 2000);
    char *a3[] = {"lgtmtop", "--sample", "0", NULL};
    assert_int_equal(cli_parse(3, a3, &c, err, sizeof(err)), 0);
    assert_int_equal(c.sample_ms, 0);
    assert_int_equal(c.mode, CLI_CHECK);
    char *a4[] = {"lgtmtop", "check", "--sample", "soon", NULL};
    assert_int_equal(cli_parse(4, a4, &c, err, sizeof(err)), -1);
    contains(err, "--sample");
    char *a5[] = {"lgtmtop", "tui", "--sample", "1s", NULL};
    assert_int_equal(cli_parse(4, a5, &c, err, sizeof(err)), -1);
    contains(err, "--sample only applies to 'lgtmtop check'");
}

static void test_config_search_window(void **st)
{
    (void)st;
    struct config cfg;
    char err[512];
    const char *y = "tempo: { url: \"http://t:3200\", search_window: 1h }\n";
    assert_int_equal(config_parse(y, strlen(y), "c.yaml", NULL, NULL, &cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.stacks[0].comp[COMP_TEMPO].search_window_ms, 3600000);
    assert_int_equal(flow_search_window_s(&cfg.stacks[0].comp[COMP_TEMPO]), 3600);
    assert_true(cfg.stacks[0].comp[COMP_TEMPO].otlp_grpc_derived);
    config_free(&cfg);
    y = "tempo: { url: \"http://t:3200\", otlp_http: \"http://t:4318\" }\n";
    assert_int_equal(config_parse(y, strlen(y), "c.yaml", NULL, NULL, &cfg, err, sizeof(err)), 0);
    assert_false(cfg.stacks[0].comp[COMP_TEMPO].otlp_http_derived);
    assert_int_equal(flow_search_window_s(&cfg.stacks[0].comp[COMP_TEMPO]), 900);
    config_free(&cfg);
    y = "mimir: { url: \"http://m:9009\", search_window: 1h }\n";
    assert_int_equal(config_parse(y, strlen(y), "c.yaml", NULL, NULL, &cfg, err, sizeof(err)), -1);
    contains(err, "search_window");
}

int main(void)
{
    (void)ptc_add_rows; /* the row runner of probe_test.h is not used here */
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_search_fixture),
            cmocka_unit_test(test_search_empty_and_bad),
            cmocka_unit_test(test_search_path),
            cmocka_unit_test(test_tag_values),
            cmocka_unit_test(test_span_counts),
            cmocka_unit_test(test_spanmetrics),
            cmocka_unit_test(test_tenant_table_and_rates),
            cmocka_unit_test(test_tenant_table_many_tenants),
            cmocka_unit_test(test_otlp_summary),
            cmocka_unit_test(test_engine_probes),
            cmocka_unit_test(test_cli_sample),
            cmocka_unit_test(test_config_search_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
