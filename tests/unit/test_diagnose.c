/* diagnose: every rule on a constructed state (built from a config and the real check tables,
 * with results recorded the way the sweep records them), plus "healthy stack -> no findings". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/diagnose.h"
#include "lgtmtop/state.h"
#include "lgtmtop/sweep.h"

static const char full_yaml[] =
        "interval: 5s\n"
        "stacks:\n"
        "  - name: prod\n"
        "    mimir: { url: \"http://mimir:9009\", tenant: team-a }\n"
        "    loki: { url: \"http://loki:3100\" }\n"
        "    tempo: { url: \"http://tempo:3200\", otlp_http: \"http://tempo:4318\", otlp_grpc: \"tempo:4317\" }\n"
        "    grafana: { url: \"http://grafana:3000\" }\n";

struct fx {
    struct config cfg;
    struct state s;
    long long now;
};

static void fx_init(struct fx *f, const char *yaml)
{
    char err[512];
    memset(f, 0, sizeof(*f));
    if (config_parse(yaml, strlen(yaml), "t.yaml", NULL, NULL, &f->cfg, err, sizeof(err)))
        fail_msg("config: %s", err);
    assert_int_equal(state_init(&f->s, &f->cfg, NULL, &sweep_checks), 0);
    f->now = 1000000;
}

static void fx_free(struct fx *f)
{
    state_free(&f->s);
    config_free(&f->cfg);
}

static struct comp_state *comp(struct fx *f, enum comp_kind k)
{
    for (size_t i = 0; i < f->s.stacks[0].ncomps; i++)
        if (f->s.stacks[0].comps[i].kind == k)
            return &f->s.stacks[0].comps[i];
    fail_msg("no component %d", k);
    return NULL;
}

static size_t check_idx(struct comp_state *c, const char *name)
{
    for (size_t i = 0; i < c->nchecks; i++)
        if (strcmp(c->checks[i].def->name, name) == 0)
            return i;
    fail_msg("no check %s", name);
    return 0;
}

/* Records one result: status, summary, transport error / HTTP status, optional value
 * (counter or gauge) and optional JSON data. */
static void rec(struct fx *f, enum comp_kind k, const char *check, enum status st, const char *summary,
                enum net_err net, long http, const char *key, double v, enum obs_value_kind kind, const char *data)
{
    struct comp_state *c = comp(f, k);
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = st;
    snprintf(o.summary, sizeof(o.summary), "%s", summary);
    if (key) { /* rows name keys as the JSON does; the table must know it, with that kind */
        enum value_key vk = value_key_find(key);
        assert_int_not_equal(vk, VK_NONE);
        assert_int_equal(value_keys[vk].kind, kind);
        obs_add_value(&o, vk, v);
    }
    if (data) {
        o.data = cJSON_Parse(data);
        assert_non_null(o.data);
    }
    memset(&r, 0, sizeof(r));
    r.err = net;
    r.err_text = net == NET_OK ? "" : "boom";
    r.status = http;
    r.body = "";
    state_record(c, check_idx(c, check), &o, &r, f->now);
    obs_free(&o);
}

static void ok(struct fx *f, enum comp_kind k, const char *check)
{
    rec(f, k, check, ST_OK, "fine", NET_OK, 200, NULL, 0, OBS_GAUGE, NULL);
}

static void counter(struct fx *f, enum comp_kind k, const char *key, double v)
{
    rec(f, k, "metrics", ST_OK, "counted", NET_OK, 200, key, v, OBS_COUNTER, NULL);
}

static const char otlp_ok[] =
        "[{\"address\":\"10.0.0.5\",\"family\":\"ipv4\",\"reachable\":true,\"error\":null,\"http_status\":200,"
        "\"otlp\":true}]";

/* Every check of every component answers OK, with flowing counters over two samples. */
static void healthy(struct fx *f)
{
    for (size_t i = 0; i < f->s.stacks[0].ncomps; i++) {
        struct comp_state *c = &f->s.stacks[0].comps[i];
        for (size_t j = 0; j < c->nchecks; j++)
            ok(f, c->kind, c->checks[j].def->name);
    }
    f->s.sweeps = 1;
    counter(f, COMP_TEMPO, "spans_received_total", 100);
    counter(f, COMP_LOKI, "lines_received_total", 1000);
    counter(f, COMP_MIMIR, "samples_received_total", 5000);
    f->now += 5000;
    counter(f, COMP_TEMPO, "spans_received_total", 350);
    counter(f, COMP_LOKI, "lines_received_total", 2000);
    counter(f, COMP_MIMIR, "samples_received_total", 10000);
    rec(f, COMP_TEMPO, "search", ST_OK, "5 traces", NET_OK, 200, "traces_found", 5, OBS_GAUGE, "{\"window_s\":900}");
    rec(f, COMP_TEMPO, "otlp_grpc", ST_OK, "open", NET_OK, 0, NULL, 0, OBS_GAUGE, otlp_ok);
    rec(f, COMP_TEMPO, "otlp_http", ST_OK, "answers", NET_OK, 0, NULL, 0, OBS_GAUGE, otlp_ok);
}

static size_t run(struct fx *f, struct finding *out) { return diagnose(&f->s, 0, out, DIAGNOSE_MAX_FINDINGS); }

static const struct finding *find(const struct finding *fs, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fs[i].id, id) == 0)
            return &fs[i];
    return NULL;
}

static const struct finding *expect(const struct finding *fs, size_t n, const char *id, enum status sev,
                                    const char *component)
{
    const struct finding *x = find(fs, n, id);
    if (!x) {
        char ids[512] = "";
        for (size_t i = 0; i < n; i++)
            snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s ", fs[i].id);
        fail_msg("no finding %s (have: %s)", id, ids);
    }
    assert_int_equal(x->severity, sev);
    assert_string_equal(x->component, component);
    assert_string_equal(x->stack, "prod");
    assert_true(x->title[0] && x->cause[0] && x->hint[0]);
    return x;
}

static void contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("\"%s\" lacks \"%s\"", hay, needle);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_healthy_no_findings(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    assert_int_equal(run(&f, fs), 0); /* nothing ran: nothing to say */
    healthy(&f);
    size_t n = run(&f, fs);
    if (n)
        fail_msg("healthy stack has finding %s: %s", fs[0].id, fs[0].title);
    fx_free(&f);
}

static void test_down(void **st)
{
    (void)st;
    static const struct {
        enum net_err net;
        const char *id, *title, *hint, *net_text; /* libcurl's words, "boom" when NULL */
    } rows[] = {
            {NET_REFUSED, "down_refused", "connection refused at tempo:3200", "docker ps", NULL},
            {NET_DNS, "down_dns", "cannot resolve tempo", "service name", NULL},
            {NET_DNS_TIMEOUT, "down_dns_timeout", "name lookup of tempo does not finish", "same network", NULL},
            {NET_TIMEOUT, "down_timeout", "timeout at tempo:3200", "firewall", NULL},
            {NET_TLS, "down_tls", "TLS", "ca_file", NULL},
            {NET_PROTOCOL, "down_other", "broken HTTP", "HTTP port", NULL},
            {NET_PROTOCOL, "down_other", "Tempo resets the connection at tempo:3200 before answering", "HTTP port",
             "Recv failure: Connection reset by peer"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct fx f;
        struct finding fs[DIAGNOSE_MAX_FINDINGS];
        fx_init(&f, full_yaml);
        healthy(&f);
        rec(&f, COMP_TEMPO, "ready", ST_FAIL, "transport", rows[i].net, 0, NULL, 0, OBS_GAUGE, NULL);
        if (rows[i].net_text) { /* the same failure in other words */
            struct comp_state *c = comp(&f, COMP_TEMPO);
            snprintf(c->checks[check_idx(c, "ready")].net_text, sizeof(c->checks[0].net_text), "%s", rows[i].net_text);
        }
        size_t n = run(&f, fs);
        const struct finding *x = expect(fs, n, rows[i].id, ST_FAIL, "tempo");
        contains(x->title, rows[i].title);
        contains(x->hint, rows[i].hint);
        assert_ptr_equal(&fs[0], x);                 /* FAIL first */
        for (size_t j = 0; j < ARRAY_LEN(rows); j++) /* exactly one "down" rule */
            if (strcmp(rows[j].id, rows[i].id) != 0)
                assert_null(find(fs, n, rows[j].id));
        fx_free(&f);
    }
}

static void test_not_ready(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_LOKI, "ready", ST_FAIL, "not ready (503): Some services are not Running: Failed: 1", NET_OK, 503, NULL,
        0, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "not_ready", ST_FAIL, "loki");
    contains(x->title, "Loki is up but not ready");
    contains(x->cause, "Some services are not Running: Failed: 1");
    assert_null(find(fs, n, "loki_no_lines")); /* not ready: flow rules stay quiet */
    /* starting is a WARN with the start-up hint */
    rec(&f, COMP_LOKI, "ready", ST_WARN, "starting (503): Ingester not ready: waiting for 15s after being ready",
        NET_OK, 503, NULL, 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    x = expect(fs, n, "not_ready", ST_WARN, "loki");
    contains(x->cause, "waiting for 15s");
    contains(x->hint, "15s");
    fx_free(&f);
}

static void test_http_error(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_MIMIR, "ready", ST_FAIL, "HTTP 502: bad gateway", NET_OK, 502, NULL, 0, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    contains(expect(fs, n, "http_error", ST_FAIL, "mimir")->title, "HTTP 502");
    fx_free(&f);
}

static void test_prometheus_targets_down(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, "stacks:\n  - name: prod\n    prometheus: http://prom:9090\n");
    rec(&f, COMP_PROMETHEUS, "ready", ST_OK, "ready", NET_OK, 200, NULL, 0, OBS_GAUGE, NULL);
    rec(&f, COMP_PROMETHEUS, "targets", ST_OK, "3/3 targets up", NET_OK, 200, "targets_down", 0, OBS_GAUGE, NULL);
    assert_null(find(fs, run(&f, fs), "prom_targets_down"));
    rec(&f, COMP_PROMETHEUS, "targets", ST_WARN, "2/3 targets down: node (10.0.0.7:9100): connection refused", NET_OK,
        200, "targets_down", 2, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "prom_targets_down", ST_WARN, "prometheus");
    contains(x->title, "2 scrape targets are down");
    contains(x->cause, "node (10.0.0.7:9100)");
    contains(x->hint, "http://prom:9090/targets");
    fx_free(&f);
}

static void test_tenant_and_auth(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_LOKI, "labels", ST_FAIL,
        "401 no org id: the X-Scope-OrgID tenant header is missing — set tenant: for "
        "this component",
        NET_OK, 401, NULL, 0, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "tenant_missing", ST_FAIL, "loki");
    contains(x->hint, "tenant:");
    assert_null(find(fs, n, "auth_failed"));
    /* Mimir has a tenant configured: the gateway drops the header */
    rec(&f, COMP_MIMIR, "query", ST_FAIL, "401 no org id although tenant \"team-a\" is set", NET_OK, 401, NULL, 0,
        OBS_GAUGE, NULL);
    n = run(&f, fs);
    bool gateway = false;
    for (size_t i = 0; i < n; i++)
        gateway |= strcmp(fs[i].id, "tenant_missing") == 0 && strcmp(fs[i].component, "mimir") == 0 &&
                   strstr(fs[i].cause, "gateway") != NULL;
    assert_true(gateway);
    /* credentials */
    rec(&f, COMP_GRAFANA, "datasources", ST_FAIL, "Grafana rejected the token (401): check GRAFANA_TOKEN", NET_OK, 401,
        NULL, 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    x = expect(fs, n, "auth_failed", ST_FAIL, "grafana");
    contains(x->title, "401");
    contains(x->hint, "token");
    fx_free(&f);
}

static void test_tempo_no_spans(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    /* (a) a running Tempo without the per-tenant counter: zero since start, applies at once */
    fx_init(&f, full_yaml);
    healthy(&f);
    comp(&f, COMP_TEMPO)->ncounters = 0;
    counter(&f, COMP_TEMPO, "spans_received_total", 0);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "tempo_no_spans", ST_WARN, "tempo");
    contains(x->title, "no spans");
    contains(x->cause, "no service is sending traces");
    contains(x->hint, "OTEL_EXPORTER_OTLP_ENDPOINT");
    contains(x->hint, "http://tempo:4318");
    contains(x->hint, "tempo:4317");
    assert_null(find(fs, n, "tempo_search_empty"));
    fx_free(&f);

    /* (b) the live view: 0 spans/s once is not enough, twice is */
    fx_init(&f, full_yaml);
    healthy(&f);
    f.s.sweeps = 2;
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 350); /* first zero rate */
    f.s.sweeps = 3;
    n = run(&f, fs);
    assert_null(find(fs, n, "tempo_no_spans"));
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 350); /* second */
    f.s.sweeps = 4;
    n = run(&f, fs);
    x = expect(fs, n, "tempo_no_spans", ST_WARN, "tempo");
    contains(x->cause, "0 spans/s over 2 samples");
    fx_free(&f);

    /* (c) `check` (one sweep + sample): its one sampled rate of 0 counts */
    fx_init(&f, full_yaml);
    healthy(&f);
    f.s.sweeps = 1;
    f.now += 5000;
    comp(&f, COMP_TEMPO)->ncounters = 0;
    counter(&f, COMP_TEMPO, "spans_received_total", 350);
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 350);
    n = run(&f, fs);
    expect(fs, n, "tempo_no_spans", ST_WARN, "tempo");
    fx_free(&f);

    /* (d) no rate known and a non-zero total: unknown, no finding (never a false zero) */
    fx_init(&f, full_yaml);
    healthy(&f);
    comp(&f, COMP_TEMPO)->ncounters = 0;
    counter(&f, COMP_TEMPO, "spans_received_total", 350);
    n = run(&f, fs);
    assert_null(find(fs, n, "tempo_no_spans"));
    /* (e) Tempo not ready: the not-ready finding, not this one */
    counter(&f, COMP_TEMPO, "spans_received_total", 0);
    comp(&f, COMP_TEMPO)->ncounters = 0;
    counter(&f, COMP_TEMPO, "spans_received_total", 0);
    rec(&f, COMP_TEMPO, "ready", ST_FAIL, "not ready (503): Application is stopping", NET_OK, 503, NULL, 0, OBS_GAUGE,
        NULL);
    n = run(&f, fs);
    assert_null(find(fs, n, "tempo_no_spans"));
    expect(fs, n, "not_ready", ST_FAIL, "tempo");
    fx_free(&f);
}

static const char otlp_refused[] =
        "[{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"reachable\":false,\"error\":\"refused\",\"http_status\":null,"
        "\"otlp\":false}]";

static void test_otlp_closed(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_TEMPO, "otlp_grpc", ST_FAIL, "refused", NET_OK, 0, NULL, 0, OBS_GAUGE, otlp_refused);
    rec(&f, COMP_TEMPO, "otlp_http", ST_FAIL, "refused", NET_OK, 0, NULL, 0, OBS_GAUGE, otlp_refused);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "otlp_closed", ST_FAIL, "tempo");
    contains(x->title, "receivers are closed");
    contains(x->cause, "tempo:4317");
    contains(x->cause, "http://tempo:4318");
    contains(x->hint, "0.0.0.0:4318");
    contains(x->hint, "Tempo 2.7");
    fx_free(&f);

    /* guessed endpoints (zero-config) that are closed while spans flow: receivers are elsewhere */
    fx_init(&f, "tempo: { url: \"http://tempo:3200\" }\n");
    assert_true(f.cfg.stacks[0].comp[COMP_TEMPO].otlp_http_derived);
    struct comp_state *t = comp(&f, COMP_TEMPO);
    for (size_t j = 0; j < t->nchecks; j++)
        ok(&f, COMP_TEMPO, t->checks[j].def->name);
    counter(&f, COMP_TEMPO, "spans_received_total", 100);
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 300);
    rec(&f, COMP_TEMPO, "otlp_http", ST_UNKNOWN, "skipped", NET_OK, 0, NULL, 0, OBS_GAUGE, otlp_refused);
    size_t m = diagnose(&f.s, 0, fs, DIAGNOSE_MAX_FINDINGS);
    assert_null(find(fs, m, "otlp_closed"));
    /* ... but with nothing flowing it is worth a warning, saying the address was guessed */
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 300);
    f.s.sweeps = 1;
    m = diagnose(&f.s, 0, fs, DIAGNOSE_MAX_FINDINGS);
    /* one cause, one finding: "no spans" says that the guessed address refuses, and names the row */
    assert_null(find(fs, m, "otlp_closed"));
    x = find(fs, m, "tempo_no_spans");
    assert_non_null(x);
    assert_int_equal(x->severity, ST_WARN);
    contains(x->cause, "guessed OTLP/HTTP address http://tempo:4318 refuses");
    assert_string_equal(x->checks[0], "metrics");
    assert_string_equal(x->checks[1], "otlp_http");
    fx_free(&f);
}

static void test_otlp_ipv4_only(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    static const char v4only[] = "[{\"address\":\"::1\",\"family\":\"ipv6\",\"reachable\":false,\"error\":\"refused\"},"
                                 "{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"reachable\":true,\"error\":null}]";
    rec(&f, COMP_TEMPO, "otlp_grpc", ST_WARN, "v4 only", NET_OK, 0, NULL, 0, OBS_GAUGE, v4only);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "otlp_ipv4_only", ST_WARN, "tempo");
    contains(x->title, "IPv4 only");
    contains(x->cause, "IPv6 ::1");
    contains(x->cause, "0.0.0.0");
    contains(x->hint, "[::]:4317");
    assert_null(find(fs, n, "otlp_closed"));
    assert_null(find(fs, n, "otlp_ipv6_only"));
    /* the mirror image */
    static const char v6only[] =
            "[{\"address\":\"::1\",\"family\":\"ipv6\",\"reachable\":true,\"error\":null},"
            "{\"address\":\"127.0.0.1\",\"family\":\"ipv4\",\"reachable\":false,\"error\":\"refused\"}]";
    rec(&f, COMP_TEMPO, "otlp_grpc", ST_WARN, "v6 only", NET_OK, 0, NULL, 0, OBS_GAUGE, v6only);
    n = run(&f, fs);
    expect(fs, n, "otlp_ipv6_only", ST_WARN, "tempo");
    assert_null(find(fs, n, "otlp_ipv4_only"));
    fx_free(&f);
}

static void test_otlp_not_otlp(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_TEMPO, "otlp_http", ST_FAIL, "POST http://tempo:4318/v1/traces answers HTTP 404", NET_OK, 0, NULL, 0,
        OBS_GAUGE,
        "[{\"address\":\"10.0.0.5\",\"family\":\"ipv4\",\"reachable\":true,\"error\":null,\"http_status\":404,"
        "\"otlp\":false}]");
    size_t n = run(&f, fs);
    contains(expect(fs, n, "otlp_not_otlp", ST_FAIL, "tempo")->hint, "4318");
    assert_null(find(fs, n, "otlp_closed"));
    fx_free(&f);
}

static void test_search_empty(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_TEMPO, "search", ST_OK, "no traces found in the last 15m", NET_OK, 200, "traces_found", 0, OBS_GAUGE,
        "{\"window_s\":900}");
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "tempo_search_empty", ST_WARN, "tempo");
    contains(x->cause, "50.0 spans/s");
    contains(x->cause, "15 minutes");
    contains(x->hint, "query_ingesters_until");
    /* spans not flowing: that is the no-spans finding, not this one */
    f.now += 5000;
    counter(&f, COMP_TEMPO, "spans_received_total", 350);
    n = run(&f, fs);
    assert_null(find(fs, n, "tempo_search_empty"));
    fx_free(&f);
}

static void test_generator_no_spanmetrics(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    struct comp_state *t = comp(&f, COMP_TEMPO);
    struct check_state *m = &t->checks[check_idx(t, "metrics")];
    m->values[m->nvalues].key = VK_GENERATOR_SPANS_TOTAL;
    m->values[m->nvalues++].value = 1234;
    rec(&f, COMP_MIMIR, "spanmetrics", ST_OK, "42 series", NET_OK, 200, "spanmetrics_series", 42, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    assert_null(find(fs, n, "generator_no_spanmetrics"));
    rec(&f, COMP_MIMIR, "spanmetrics", ST_OK, "no span metrics", NET_OK, 200, "spanmetrics_series", 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    const struct finding *x = expect(fs, n, "generator_no_spanmetrics", ST_WARN, "tempo");
    contains(x->cause, "1234 spans");
    contains(x->cause, "team-a");
    contains(x->hint, "remote_write");
    fx_free(&f);
}

static void test_loki_and_mimir_flow(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    f.now += 5000;
    counter(&f, COMP_LOKI, "lines_received_total", 2000);
    counter(&f, COMP_MIMIR, "samples_received_total", 10000);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "loki_no_lines", ST_WARN, "loki");
    contains(x->title, "0 lines/s");
    contains(x->hint, "http://loki:3100/loki/api/v1/push");
    expect(fs, n, "mimir_no_samples", ST_WARN, "mimir");
    assert_null(find(fs, n, "tempo_no_spans"));
    fx_free(&f);
}

static void test_grafana_datasource(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_GRAFANA, "datasources", ST_FAIL, "2 datasources: 1 OK, 1 unreachable from Grafana", NET_OK, 200, NULL,
        0, OBS_GAUGE,
        "[{\"name\":\"Loki\",\"url\":\"http://localhost:3100\",\"grafana\":{\"status\":\"ERROR\",\"message\":\"dial "
        "tcp 127.0.0.1:3100: connect: connection refused\"},\"direct\":{\"status\":\"OK\",\"url\":"
        "\"http://localhost:3100/ready\"}},"
        "{\"name\":\"Mimir\",\"grafana\":{\"status\":\"OK\"},\"direct\":{\"status\":\"OK\"}}]");
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "grafana_ds_unreachable", ST_FAIL, "grafana");
    contains(x->title, "(Loki)");
    contains(x->cause, "connection refused");
    contains(x->hint, "not localhost");
    /* both sides failing is not this finding */
    rec(&f, COMP_GRAFANA, "datasources", ST_FAIL, "x", NET_OK, 200, NULL, 0, OBS_GAUGE,
        "[{\"name\":\"Loki\",\"grafana\":{\"status\":\"ERROR\"},\"direct\":{\"status\":\"UNREACHABLE\"}}]");
    n = run(&f, fs);
    assert_null(find(fs, n, "grafana_ds_unreachable"));
    /* without per-datasource data, the summary says it */
    rec(&f, COMP_GRAFANA, "datasources", ST_FAIL, "3 datasources: 2 OK, 1 unreachable from Grafana (Loki: dial tcp)",
        NET_OK, 200, NULL, 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    expect(fs, n, "grafana_ds_unreachable", ST_FAIL, "grafana");
    fx_free(&f);
}

static void test_order_limit_and_staleness(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    f.now += 5000;
    counter(&f, COMP_LOKI, "lines_received_total", 2000);                                       /* WARN, loki */
    rec(&f, COMP_TEMPO, "ready", ST_FAIL, "refused", NET_REFUSED, 0, NULL, 0, OBS_GAUGE, NULL); /* FAIL, tempo */
    size_t n = run(&f, fs);
    assert_true(n >= 2);
    assert_int_equal(fs[0].severity, ST_FAIL);
    for (size_t i = 1; i < n; i++)
        assert_true(fs[i - 1].severity >= fs[i].severity);
    int nf, nw;
    diagnose_counts(fs, n, &nf, &nw);
    assert_int_equal(nf + nw, (int)n);
    assert_true(nf >= 1 && nw >= 1);
    /* room for one: the FAIL wins */
    assert_int_equal(diagnose(&f.s, 0, fs, 1), 1);
    assert_string_equal(fs[0].id, "down_refused");
    /* much later (results stale): nothing is claimed from old data */
    assert_int_equal(diagnose(&f.s, f.now + 60 * 60 * 1000, fs, DIAGNOSE_MAX_FINDINGS), 0);
    /* text is one clean line */
    n = run(&f, fs);
    for (size_t i = 0; i < n; i++)
        for (const char *p = fs[i].cause; *p; p++)
            assert_true((unsigned char)*p >= 0x20);
    fx_free(&f);
}

/* Ready, but every query times out (a querier that cannot reach its frontend): one FAIL finding
 * naming the hung checks; a query that answers means the path works. */
static void test_query_path_hangs(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_LOKI, "labels", ST_FAIL, "no answer within 2.0s (timeout)", NET_TIMEOUT, 0, NULL, 0, OBS_GAUGE, NULL);
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "query_path_hangs", ST_FAIL, "loki");
    contains(x->title, "Loki is ready, but its queries hang (labels)");
    contains(x->hint, "frontend_worker.frontend_address");
    contains(x->hint, "instance_addr");
    assert_string_equal(x->checks[0], "labels");
    assert_null(find(fs, n, "down_timeout"));
    fx_free(&f);

    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_MIMIR, "query", ST_FAIL, "no answer within 2.0s (timeout)", NET_TIMEOUT, 0, NULL, 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    assert_null(find(fs, n, "query_path_hangs")); /* rules and alerts answered: not the path */
    rec(&f, COMP_MIMIR, "rules", ST_FAIL, "timeout", NET_TIMEOUT, 0, NULL, 0, OBS_GAUGE, NULL);
    rec(&f, COMP_MIMIR, "alerts", ST_FAIL, "timeout", NET_TIMEOUT, 0, NULL, 0, OBS_GAUGE, NULL);
    rec(&f, COMP_MIMIR, "spanmetrics", ST_FAIL, "timeout", NET_TIMEOUT, 0, NULL, 0, OBS_GAUGE, NULL);
    n = run(&f, fs);
    x = expect(fs, n, "query_path_hangs", ST_FAIL, "mimir");
    contains(x->title, "query, rules, alerts");
    fx_free(&f);
}

/* The origin story: dashboards on a removed uid, rules on a missing datasource, a policy routing to
 * a contact point that does not exist — each a finding with the fix. */
static void test_grafana_breakages(void **st)
{
    (void)st;
    struct fx f;
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    fx_init(&f, full_yaml);
    healthy(&f);
    rec(&f, COMP_GRAFANA, "datasources", ST_OK, "2 datasources", NET_OK, 200, NULL, 0, OBS_GAUGE,
        "[{\"name\":\"Mimir\",\"type\":\"prometheus\",\"uid\":\"grafana_mimir\",\"grafana\":\"OK\",\"direct\":\"OK\"},"
        "{\"name\":\"Loki\",\"type\":\"loki\",\"uid\":\"grafana_loki\",\"grafana\":\"OK\",\"direct\":\"OK\"}]");
    rec(&f, COMP_GRAFANA, "dashboards", ST_FAIL, "2 dashboards reference missing datasources", NET_OK, 200, NULL, 0,
        OBS_GAUGE,
        "[{\"uid\":\"be\",\"title\":\"Backend\",\"missing\":[{\"datasource\":\"grafana_prometheus\","
        "\"references\":38,\"panels\":[\"a\",\"b\",\"c\"]}]},"
        "{\"uid\":\"gw\",\"title\":\"Gateway\",\"missing\":[{\"datasource\":\"grafana_prometheus\","
        "\"references\":14,\"panels\":[\"d\"]}],\"deprecated\":[]}]");
    rec(&f, COMP_GRAFANA, "alerting", ST_FAIL, "rules on missing datasources", NET_OK, 200, NULL, 0, OBS_GAUGE,
        "{\"missing_datasource_rules\":[{\"rule\":\"HighErrorRate\",\"group\":\"slo\",\"datasource\":"
        "\"grafana_prometheus\"}],\"policies\":{\"present\":true,\"receivers\":[\"critical-email\"],"
        "\"missing_receivers\":[\"pagerduty-oncall\"]}}");
    size_t n = run(&f, fs);
    const struct finding *x = expect(fs, n, "grafana_dash_missing_ds", ST_FAIL, "grafana");
    contains(x->title, "4 panels in 2 dashboards query datasource grafana_prometheus, which no longer exists");
    contains(x->cause, "\"Backend\", \"Gateway\"");
    contains(x->hint, "Change them to grafana_mimir");
    contains(x->hint, "deprecated_datasources: {grafana_prometheus: grafana_mimir}");
    assert_string_equal(x->checks[0], "dashboards");
    x = expect(fs, n, "grafana_rule_missing_ds", ST_FAIL, "grafana");
    contains(x->cause, "\"HighErrorRate\" (group slo)");
    contains(x->hint, "grafana_mimir");
    x = expect(fs, n, "grafana_policy_missing_receiver", ST_FAIL, "grafana");
    contains(x->title, "pagerduty-oncall");
    fx_free(&f);
}

static void test_rule_ids(void **st)
{
    (void)st;
    size_t n = 0;
    while (diagnose_rule_id(n))
        n++;
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(diagnose_rule_id(i), diagnose_rule_id(j));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_healthy_no_findings),
            cmocka_unit_test(test_down),
            cmocka_unit_test(test_not_ready),
            cmocka_unit_test(test_http_error),
            cmocka_unit_test(test_prometheus_targets_down),
            cmocka_unit_test(test_tenant_and_auth),
            cmocka_unit_test(test_tempo_no_spans),
            cmocka_unit_test(test_otlp_closed),
            cmocka_unit_test(test_otlp_ipv4_only),
            cmocka_unit_test(test_otlp_not_otlp),
            cmocka_unit_test(test_search_empty),
            cmocka_unit_test(test_generator_no_spanmetrics),
            cmocka_unit_test(test_loki_and_mimir_flow),
            cmocka_unit_test(test_grafana_datasource),
            cmocka_unit_test(test_order_limit_and_staleness),
            cmocka_unit_test(test_query_path_hangs),
            cmocka_unit_test(test_grafana_breakages),
            cmocka_unit_test(test_rule_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
