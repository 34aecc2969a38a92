/* Grafana checks on the real fixtures plus constructed bad bodies and credential cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"

#include <cjson/cJSON.h>

#include "../../src/checks/grafana.h"

static const struct ptc_case cases[] = {
        /* /api/health */
        {.label = "health ok",
         .kind = COMP_GRAFANA,
         .check = "health",
         .fixture = "grafana/health.json",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "Grafana 5.1.3, database ok",
         .want_version = "5.1.3",
         .no_values = true},
        {.label = "health db failing 503",
         .kind = COMP_GRAFANA,
         .check = "health",
         .fixture = "grafana/health_db_failing_constructed.json",
         .http_status = 503,
         .want = ST_FAIL,
         .want_sub = "Grafana database: failing",
         .want_version = "11.5.0"},
        {.label = "health hide_version",
         .kind = COMP_GRAFANA,
         .check = "health",
         .fixture = "grafana/health_hide_version_constructed.json",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "database ok (version hidden)",
         .want_version = ""},
        {.label = "health 503 from a proxy",
         .kind = COMP_GRAFANA,
         .check = "health",
         .body = "<html><body>503 Service Temporarily Unavailable</body></html>",
         .http_status = 503,
         .want = ST_FAIL,
         .want_sub = "HTTP 503: an HTML page: 503 Service Temporarily Unavailable"},
        {.label = "health 200 garbage",
         .kind = COMP_GRAFANA,
         .check = "health",
         .body = "Ok",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "invalid JSON from /api/health: Ok — is this really Grafana?"},
        {.label = "health database wrong type",
         .kind = COMP_GRAFANA,
         .check = "health",
         .body = "{\"database\":true}",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "no \"database\" string in /api/health"},
        {.label = "health database odd value",
         .kind = COMP_GRAFANA,
         .check = "health",
         .body = "{\"database\":\"migrating\",\"version\":\"12.0.0\"}",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "Grafana database: migrating (HTTP 200)",
         .want_version = "12.0.0"},
        {.label = "health 404",
         .kind = COMP_GRAFANA,
         .check = "health",
         .body = "{\"message\":\"Not found\"}",
         .http_status = 404,
         .want = ST_FAIL,
         .want_sub = "404 on /api/health: wrong URL or prefix? — is this really Grafana?"},

        /* /api/datasources */
        {.label = "datasources list",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .token = "glsa_x",
         .fixture = "grafana/datasources_list_constructed.json",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "4 datasources: Mimir (prometheus), Loki (loki), Tempo (tempo), Mimir Alertmanager (alertmanager)",
         .vals = {{"datasources", 4}},
         .want_detail = "Mimir  prometheus  prometheus  http://mimir-nginx/prometheus\n"
                        "Loki  loki  loki  http://loki-gateway\n"
                        "Tempo  tempo  tempo  http://tempo-query-frontend:3200\n"
                        "Mimir Alertmanager  alertmanager  alertmanager  http://mimir-nginx"},
        {.label = "datasources url credentials redacted",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "[{\"name\":\"P\",\"type\":\"prometheus\",\"uid\":\"p1\",\"url\":\"http://admin:hunter2@prom:9090\"},"
                 "{\"name\":\"Builtin\",\"type\":\"grafana\",\"uid\":\"grafana\"}]",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "2 datasources: P (prometheus), Builtin (grafana)",
         .want_detail = "P  prometheus  p1  http://***@prom:9090\nBuiltin  grafana  grafana  -",
         .not_detail = "hunter2"},
        {.label = "datasources many truncated",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "[{\"name\":\"a\",\"type\":\"t\"},{\"name\":\"b\",\"type\":\"t\"},{\"name\":\"c\",\"type\":\"t\"},"
                 "{\"name\":\"d\",\"type\":\"t\"},{\"name\":\"e\",\"type\":\"t\"},{\"name\":\"f\",\"type\":\"t\"},"
                 "{\"name\":\"g\",\"type\":\"t\"}]",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "7 datasources: a (t), b (t), c (t), d (t), e (t), f (t), ...",
         .vals = {{"datasources", 7}}},
        {.label = "datasources control chars in names",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "[{\"name\":\"ev\\u001b[2Jil\\nname\",\"type\":\"loki\",\"uid\":\"u\\r\",\"url\":\"http://l\"}]",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "1 datasource: evil name (loki)",
         .want_detail = "evil name  loki  u  http://l"},
        {.label = "datasources empty",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "[]",
         .http_status = 200,
         .want = ST_WARN,
         .want_sub = "no datasources in Grafana",
         .vals = {{"datasources", 0}}},
        {.label = "datasources object",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "{\"message\":\"whatever\"}",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub =
                 "unexpected JSON from /api/datasources: expected an array of datasources — is this really Grafana?",
         .no_values = true},
        {.label = "datasources truncated",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "[{\"id\":1,\"uid\":\"pr",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "invalid JSON from /api/datasources: [{\"id\":1,\"uid\":\"pr — is this really Grafana?"},
        {.label = "datasources 401 without credentials: skipped",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "{\"message\":\"Unauthorized\"}",
         .http_status = 401,
         .want = ST_UNKNOWN,
         .want_skipped = true,
         .want_sub =
                 "skipped: Grafana wants credentials for /api/datasources; set GRAFANA_TOKEN (service account token) "
                 "or grafana.token",
         .no_values = true},
        {.label = "datasources 403 without credentials: skipped",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .body = "",
         .http_status = 403,
         .want = ST_UNKNOWN,
         .want_skipped = true,
         .want_sub = "skipped: Grafana wants credentials"},
        {.label = "datasources 401 with token",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .token = "glsa_bad",
         .body = "{\"message\":\"invalid API key\"}",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "Grafana rejected the token (401): check GRAFANA_TOKEN / grafana.token_file"},
        {.label = "datasources 403 with token",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .token = "glsa_x",
         .body = "{\"message\":\"You'll need additional permissions\"}",
         .http_status = 403,
         .want = ST_FAIL,
         .want_sub =
                 "token lacks permission (403) for /api/datasources: the service account needs the Viewer role (datasources:read)"},
        {.label = "datasources 401 with basic auth",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .basic_user = "admin",
         .body = "",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "Grafana rejected basic auth for user \"admin\" (401): check grafana.basic_auth"},
        {.label = "datasources 500",
         .kind = COMP_GRAFANA,
         .check = "datasources",
         .token = "glsa_x",
         .body = "{\"message\":\"Failed to query datasources\"}",
         .http_status = 500,
         .want = ST_FAIL,
         .want_sub = "HTTP 500: Failed to query datasources"},

        /* /api/search (the first page of the dashboards check) */
        {.label = "search page",
         .kind = COMP_GRAFANA,
         .check = "dashboards",
         .fixture = "grafana/search_dash_db.json",
         .http_status = 200,
         .want = ST_OK,
         .want_sub = "1 dashboard found",
         .vals = {{"dashboards", 1}}},
        {.label = "search 403 without credentials: skipped",
         .kind = COMP_GRAFANA,
         .check = "dashboards",
         .body = "{\"message\":\"Permission denied\"}",
         .http_status = 403,
         .want = ST_UNKNOWN,
         .want_skipped = true,
         .want_sub = "skipped: Grafana wants credentials for /api/search"},
        {.label = "search object",
         .kind = COMP_GRAFANA,
         .check = "dashboards",
         .body = "{\"a\":1}",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "expected an array of search results"},
        {.label = "search 401 with token",
         .kind = COMP_GRAFANA,
         .check = "dashboards",
         .token = "glsa_x",
         .body = "{\"message\":\"invalid API key\"}",
         .http_status = 401,
         .want = ST_FAIL,
         .want_sub = "Grafana rejected the token (401)"},

        /* /api/prometheus/grafana/api/v1/rules (the first part of the alerting check) */
        {.label = "grafana rules",
         .kind = COMP_GRAFANA,
         .check = "alerting",
         .fixture = "grafana/prometheus_grafana_rules_constructed.json",
         .http_status = 200,
         .want = ST_WARN,
         .want_sub = "1 rule failing: Loki errors (legacy -100 expression datasource uid): failed to execute query A",
         .vals = {{"rule_groups", 1}, {"rules", 2}, {"alerts_firing", 1}, {"rules_failing", 1}},
         .want_detail = "firing  Mimir distributor not receiving samples"},
        {.label = "grafana rules 404: skipped",
         .kind = COMP_GRAFANA,
         .check = "alerting",
         .body = "{\"message\":\"Not found\"}",
         .http_status = 404,
         .want = ST_UNKNOWN,
         .want_skipped = true,
         .want_sub = "no Grafana-managed alerting API (404)"},
        {.label = "grafana rules 403 with token",
         .kind = COMP_GRAFANA,
         .check = "alerting",
         .token = "glsa_x",
         .body = "",
         .http_status = 403,
         .want = ST_FAIL,
         .want_sub = "token lacks permission (403) for /api/prometheus/grafana/api/v1/rules"},
        {.label = "grafana rules garbage",
         .kind = COMP_GRAFANA,
         .check = "alerting",
         .body = "<html>",
         .http_status = 200,
         .want = ST_FAIL,
         .want_sub = "invalid JSON"},
};

/* ---- helpers --------------------------------------------------------------------------- */

#define assert_contains(hay, needle)                                       \
    do {                                                                   \
        const char *h_ = (hay), *n_ = (needle);                            \
        if (!h_ || !strstr(h_, n_))                                        \
            fail_msg("expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
    } while (0)

static char *fx_load(const char *rel, size_t *len) { return fixture_load(rel, len); }

static cJSON *fx_json(const char *rel)
{
    size_t len;
    char *t = fx_load(rel, &len);
    cJSON *j = cJSON_ParseWithLength(t, len);
    free(t);
    if (!j)
        fail_msg("invalid JSON fixture %s", rel);
    return j;
}

/* A response with an exactly-sized body copy (ASan catches overreads). */
struct resp {
    struct http_response r;
    char *body;
};

static void resp_fixture(struct resp *x, const char *rel, long status)
{
    size_t len;
    x->body = fx_load(rel, &len);
    ptc_response(&x->r, x->body, len, status, "http://grafana:3000/api/x");
}

static void resp_body(struct resp *x, const char *body, long status)
{
    size_t len;
    x->body = ptc_copy(body, &len);
    ptc_response(&x->r, x->body, len, status, "http://grafana:3000/api/x");
}

static void resp_free(struct resp *x) { free(x->body); }

/* ---- datasources: classification ------------------------------------------------------- */

static void test_health_classify(void **state)
{
    (void)state;
    static const struct {
        const char *fixture, *body;
        long status;
        enum gfs_state want;
        bool network;
        const char *msg;
    } rows[] = {
            {"grafana/datasource_health_ok_prometheus.json", NULL, 200, GFS_OK, false,
             "Successfully queried the Prometheus API."},
            {"grafana/datasource_health_ok_mimir_constructed.json", NULL, 200, GFS_OK, false, "Successfully queried"},
            {"grafana/datasource_health_ok_loki_backend.json", NULL, 200, GFS_OK, false,
             "Successfully queried the Loki API."},
            {"grafana/datasource_health_ok_loki_observed.json", NULL, 200, GFS_OK, false,
             "Data source successfully connected."},
            {"grafana/datasource_health_ok_cloudwatch_docs.json", NULL, 200, GFS_OK, false,
             "1. Successfully queried the CloudWatch metrics API. 2. Successfully queried the CloudWatch logs API."},
            {"grafana/datasource_health_error_prometheus_constructed.json", NULL, 400, GFS_ERROR, true,
             "dial tcp 10.0.3.7:80: connect: connection refused - There was an error returned querying the Prometheus API."},
            {"grafana/datasource_health_error_loki_constructed.json", NULL, 400, GFS_ERROR, false,
             "There was an error returned querying the Loki API.: no org id"},
            {"grafana/datasource_health_not_implemented.json", NULL, 404, GFS_NO_API, false,
             "no health check for this type"},
            {NULL, "{\"status\":\"ERROR\",\"message\":\"bad\"}", 200, GFS_ERROR, false, "bad"},
            {NULL, "{\"status\":\"UNKNOWN\",\"message\":\"?\"}", 200, GFS_NO_API, false, "health status UNKNOWN: ?"},
            {NULL, "{\"message\":\"Access denied to data source\"}", 403, GFS_DENIED, false,
             "health API denied (403): Access denied to data source: the token needs datasources:query"},
            {NULL, "{\"message\":\"Plugin health check failed\"}", 500, GFS_ERROR, false,
             "HTTP 500: Plugin health check failed"},
            {NULL, "not json", 200, GFS_NO_API, false, "unexpected health answer: not json"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct resp x;
        struct gf_side s;
        memset(&s, 0, sizeof(s));
        if (rows[i].fixture)
            resp_fixture(&x, rows[i].fixture, rows[i].status);
        else
            resp_body(&x, rows[i].body, rows[i].status);
        gf_health_classify(&x.r, &s);
        if (s.state != rows[i].want || s.network != rows[i].network || !strstr(s.message, rows[i].msg))
            fail_msg("row %zu: %s network=%d \"%s\"", i, gfs_state_name(s.state), s.network, s.message);
        assert_string_equal(s.via, "health");
        assert_int_equal(s.http_status, rows[i].status);
        resp_free(&x);
    }
    /* Grafana's health call itself times out: the datasource hangs */
    struct resp x;
    struct gf_side s;
    resp_body(&x, "", 0);
    x.r.err = NET_TIMEOUT;
    gf_health_classify(&x.r, &s);
    assert_int_equal(s.state, GFS_ERROR);
    assert_true(s.network);
    assert_contains(s.message, "Grafana's health check did not answer: no answer within 5.0s");
    resp_free(&x);
}

static void test_proxy_and_direct_classify(void **state)
{
    (void)state;
    struct resp x;
    struct gf_side s;
    resp_fixture(&x, "tempo/echo_body.txt", 200);
    gf_proxy_classify(&x.r, &s);
    assert_int_equal(s.state, GFS_OK);
    assert_string_equal(s.via, "proxy");
    assert_contains(s.message, "reached through Grafana's proxy (HTTP 200)");
    resp_free(&x);
    resp_body(&x, "{\"message\":\"Bad Gateway\"}", 502);
    gf_proxy_classify(&x.r, &s);
    assert_int_equal(s.state, GFS_ERROR);
    assert_true(s.network);
    assert_string_equal(s.message, "Grafana's proxy cannot reach it (HTTP 502: Bad Gateway)");
    resp_free(&x);
    resp_body(&x, "{\"message\":\"Access denied\"}", 403);
    gf_proxy_classify(&x.r, &s);
    assert_int_equal(s.state, GFS_DENIED);
    resp_free(&x);
    resp_body(&x, "404 page not found\n", 404);
    gf_proxy_classify(&x.r, &s);
    assert_int_equal(s.state, GFS_NO_API);
    assert_contains(s.message, "the proxy fallback answered HTTP 404: 404 page not found");
    resp_free(&x);

    resp_fixture(&x, "mimir/query_instant_vector_prometheus_compatible.json", 200);
    gf_direct_classify(&x.r, "prometheus", &s);
    assert_int_equal(s.state, GFS_OK);
    assert_string_equal(s.message, "HTTP 200");
    assert_string_equal(s.via, "direct");
    resp_free(&x);
    resp_fixture(&x, "mimir/error_401_no_org_id.txt", 401);
    gf_direct_classify(&x.r, "prometheus", &s);
    assert_int_equal(s.state, GFS_ERROR);
    assert_string_equal(s.message, "HTTP 401: no org id");
    resp_free(&x);
    resp_body(&x, "404 page not found\n", 404);
    gf_direct_classify(&x.r, "alertmanager", &s);
    assert_int_equal(s.state, GFS_OK); /* any answer: reachable */
    assert_string_equal(s.message, "reachable (HTTP 404)");
    x.r.err = NET_REFUSED;
    x.r.status = 0;
    gf_direct_classify(&x.r, "loki", &s);
    assert_int_equal(s.state, GFS_UNREACHABLE);
    assert_contains(s.message, "connection refused");
    resp_free(&x);
}

static void test_paths_and_tenant(void **state)
{
    (void)state;
    cJSON *list = fx_json("grafana/datasources_list_constructed.json");
    const cJSON *mimir_jd = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "jsonData");
    const cJSON *loki_jd = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "jsonData");
    const cJSON *am_jd = cJSON_GetObjectItem(cJSON_GetArrayItem(list, 3), "jsonData");
    assert_true(gf_declares_tenant(mimir_jd));
    assert_false(gf_declares_tenant(loki_jd));
    assert_false(gf_declares_tenant(NULL));
    cJSON *jd = cJSON_Parse("{\"httpHeaderName3\":\"x-scope-orgid\",\"httpHeaderName1\":\"Authorization\"}");
    assert_true(gf_declares_tenant(jd));
    cJSON_Delete(jd);
    assert_string_equal(gf_health_fallback("tempo", NULL), "/api/echo");
    assert_string_equal(gf_health_fallback("alertmanager", am_jd), "/alertmanager/api/v2/status");
    jd = cJSON_Parse("{\"implementation\":\"prometheus\"}");
    assert_string_equal(gf_health_fallback("alertmanager", jd), "/api/v2/status");
    cJSON_Delete(jd);
    assert_string_equal(gf_health_fallback("prometheus", NULL), "/api/v1/query?query=1%2B1");
    assert_string_equal(gf_health_fallback("loki", NULL), "/loki/api/v1/labels");
    assert_null(gf_health_fallback("cloudwatch", NULL));
    assert_null(gf_health_fallback(NULL, NULL));
    assert_string_equal(gf_direct_path("prometheus"), "/api/v1/query?query=1%2B1");
    assert_string_equal(gf_direct_path("loki"), "/loki/api/v1/labels");
    assert_string_equal(gf_direct_path("tempo"), "/api/echo");
    assert_string_equal(gf_direct_path("postgres"), "");
    assert_true(gf_is_network_error("Get \"http://x\": dial tcp: lookup x: no such host"));
    assert_true(gf_is_network_error("context deadline exceeded"));
    assert_false(gf_is_network_error("no org id"));
    assert_false(gf_is_network_error(NULL));
    cJSON_Delete(list);
}

/* ---- datasources: judging and the report ----------------------------------------------- */

static void row_init(struct gf_dsrow *r, const char *name, const char *type, enum gfs_state g, bool gnet,
                     const char *gmsg, enum gfs_state d, const char *dmsg)
{
    memset(r, 0, sizeof(*r));
    r->name = xstrdup(name);
    r->type = xstrdup(type);
    r->uid = xstrdup(type);
    r->url = xasprintf("http://%s:1234", type);
    r->grafana.state = g;
    r->grafana.network = gnet;
    snprintf(r->grafana.via, sizeof(r->grafana.via), "health");
    snprintf(r->grafana.message, sizeof(r->grafana.message), "%s", gmsg);
    r->direct.state = d;
    snprintf(r->direct.via, sizeof(r->direct.via), "direct");
    snprintf(r->direct.message, sizeof(r->direct.message), "%s", dmsg);
}

static void test_judge(void **state)
{
    (void)state;
    static const struct {
        enum gfs_state g;
        bool net;
        enum gfs_state d;
        bool fallback_tried;
        enum status want;
        const char *finding;
    } rows[] = {
            {GFS_OK, false, GFS_OK, false, ST_OK, NULL},
            {GFS_OK, false, GFS_UNREACHABLE, false, ST_OK,
             "lgtmtop cannot reach http://tempo:1234 but Grafana can: the URL is only valid inside Grafana's network"},
            {GFS_OK, false, GFS_ERROR, false, ST_OK,
             "lgtmtop's direct request fails (HTTP 401: no org id) but Grafana's works"},
            {GFS_ERROR, true, GFS_OK, false, ST_FAIL,
             "Grafana cannot reach it but lgtmtop can: check the URL configured in Grafana (http://tempo:1234) / Grafana's network"},
            {GFS_ERROR, true, GFS_UNREACHABLE, false, ST_FAIL,
             "neither Grafana nor lgtmtop can reach http://tempo:1234: is tempo running?"},
            {GFS_ERROR, false, GFS_OK, false, ST_FAIL,
             "Grafana's check fails but lgtmtop's direct request works: check the "
             "datasource's credentials and headers (tenant) in Grafana"},
            {GFS_ERROR, false, GFS_ERROR, false, ST_FAIL, "fails from Grafana and from lgtmtop"},
            {GFS_NO_API, false, GFS_OK, false, ST_OK,
             "Grafana has no health check for tempo (type or version); lgtmtop reaches it directly"},
            {GFS_NO_API, false, GFS_OK, true, ST_WARN,
             "Grafana has no health check for tempo here and the proxy fallback failed"},
            {GFS_DENIED, false, GFS_OK, false, ST_OK, "not checked by Grafana"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct gf_dsrow r;
        row_init(&r, "Tempo", "tempo", rows[i].g, rows[i].net, "msg", rows[i].d,
                 rows[i].d == GFS_ERROR ? "HTTP 401: no org id" : "x");
        if (rows[i].fallback_tried) {
            r.fallback = xstrdup("/api/echo");
            snprintf(r.grafana.via, sizeof(r.grafana.via), "proxy");
        }
        gf_dsrow_judge(&r);
        if (r.status != rows[i].want ||
            (rows[i].finding ? !r.finding || !strstr(r.finding, rows[i].finding) : r.finding != NULL))
            fail_msg("row %zu: %s \"%s\"", i, status_name(r.status), r.finding ? r.finding : "(none)");
        gf_dsrow_free(&r);
    }
}

static void test_datasources_report(void **state)
{
    (void)state;
    struct gf_dsrow rows[4];
    row_init(&rows[0], "Mimir", "prometheus", GFS_OK, false, "Successfully queried the Prometheus API.", GFS_OK,
             "HTTP 200");
    row_init(&rows[1], "Tempo", "tempo", GFS_ERROR, true, "dial tcp 10.0.0.9:3200: connect: connection refused", GFS_OK,
             "HTTP 200");
    row_init(&rows[2], "Loki", "loki", GFS_OK, false, "Successfully queried the Loki API.", GFS_UNREACHABLE,
             "cannot resolve loki");
    row_init(&rows[3], "Mimir Alertmanager", "alertmanager", GFS_OK, false, "reached", GFS_OK, "reachable (HTTP 404)");
    rows[1].tenant_header = true;
    rows[0].tenant_header = true;
    rows[0].tenant_from = "mimir";
    for (int i = 0; i < 4; i++)
        gf_dsrow_judge(&rows[i]);
    struct obs o;
    obs_init(&o);
    gf_datasources_report(rows, 4, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_string_equal(o.summary, "4 datasources: 3 OK, 1 unreachable from Grafana (Tempo: dial tcp 10.0.0.9:3200: "
                                   "connect: connection refused); 1 reachable only from Grafana's network (Loki)");
    double v;
    assert_true(obs_get_value(&o, VK_DATASOURCES, &v) && v == 4);
    assert_true(obs_get_value(&o, VK_DATASOURCES_HEALTHY, &v) && v == 3);
    assert_true(obs_get_value(&o, VK_DATASOURCES_FAILING, &v) && v == 1);
    /* worst first: Tempo, then the rows with a finding, then the rest by name */
    assert_string_equal(rows[0].name, "Tempo");
    assert_string_equal(rows[1].name, "Loki");
    /* detail: a header and aligned columns */
    assert_non_null(o.detail);
    assert_true(strncmp(o.detail, "NAME                TYPE          UID           GRAFANA", 55) == 0);
    assert_contains(
            o.detail,
            "\nTempo               tempo         tempo         ERROR: dial tcp 10.0.0.9:3200: connect: conne...  "
            "OK: HTTP 200 (sent without X-Scope-OrgID)  Grafana cannot reach it but lgtmtop can");
    /* data: one object per datasource */
    assert_true(cJSON_IsArray(o.data));
    const cJSON *t = cJSON_GetArrayItem(o.data, 0);
    assert_string_equal(cJSON_GetObjectItem(t, "name")->valuestring, "Tempo");
    assert_string_equal(cJSON_GetObjectItem(t, "status")->valuestring, "FAIL");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "grafana"), "status")->valuestring, "ERROR");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "direct"), "status")->valuestring, "OK");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "direct"), "tenant")->valuestring, "missing");
    assert_contains(cJSON_GetObjectItem(t, "finding")->valuestring, "Grafana cannot reach it but lgtmtop can");
    const cJSON *m = cJSON_GetArrayItem(o.data, 2);
    assert_string_equal(cJSON_GetObjectItem(m, "name")->valuestring, "Mimir");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(m, "direct"), "tenant")->valuestring, "sent");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(m, "finding")));
    obs_free(&o);
    for (int i = 0; i < 4; i++)
        gf_dsrow_free(&rows[i]);
    /* Grafana sends a tenant lgtmtop does not know */
    struct gf_dsrow t1;
    row_init(&t1, "Mimir", "prometheus", GFS_OK, false, "Successfully queried", GFS_ERROR, "HTTP 401: no org id");
    t1.tenant_header = true;
    gf_dsrow_judge(&t1);
    assert_int_equal(t1.status, ST_OK);
    assert_string_equal(t1.direct.message, "HTTP 401: no org id (sent without X-Scope-OrgID)");
    assert_contains(t1.finding, "Grafana sends an X-Scope-OrgID tenant whose value it keeps secret — set tenant: on "
                                "the mimir component in lgtmtop");
    gf_dsrow_judge(&t1); /* idempotent */
    assert_string_equal(t1.direct.message, "HTTP 401: no org id (sent without X-Scope-OrgID)");
    gf_dsrow_free(&t1);
    /* none at all */
    obs_init(&o);
    gf_datasources_report(NULL, 0, &o);
    assert_int_equal(o.status, ST_WARN);
    assert_contains(o.summary, "no datasources in Grafana");
    obs_free(&o);
}

/* ---- dashboards ------------------------------------------------------------------------ */

static void test_search_page(void **state)
{
    (void)state;
    cJSON *page = fx_json("grafana/search_dash_db.json"), *items = NULL;
    assert_int_equal(gf_search_page(page, &items), 2); /* the page's length, folders included */
    assert_int_equal(cJSON_GetArraySize(items), 1);
    const cJSON *it = cJSON_GetArrayItem(items, 0);
    assert_string_equal(cJSON_GetObjectItem(it, "uid")->valuestring, "cIBgcSjkk");
    assert_string_equal(cJSON_GetObjectItem(it, "title")->valuestring, "Production Overview");
    assert_string_equal(cJSON_GetObjectItem(it, "folder")->valuestring, "Folder");
    cJSON *bad = cJSON_Parse("[null, 1, {\"uid\":5}, {\"uid\":\"x\",\"type\":\"dash-db\"}]");
    assert_int_equal(gf_search_page(bad, &items), 4); /* appended to the same list */
    assert_int_equal(cJSON_GetArraySize(items), 2);
    assert_int_equal(gf_search_page(page->child, &items), -1);
    cJSON_Delete(bad);
    cJSON_Delete(items);
    cJSON_Delete(page);
}

/* Search items as gf_search_page makes them: uid and fingerprint. */
static cJSON *hits(int n, const char *changed_uid)
{
    cJSON *items = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        char uid[16];
        snprintf(uid, sizeof(uid), "d%d", i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "uid", uid);
        cJSON_AddStringToObject(o, "fp", changed_uid && strcmp(uid, changed_uid) == 0 ? "new title" : "title");
        cJSON_AddItemToArray(items, o);
    }
    return items;
}

static size_t count(const bool *b, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += b[i];
    return k;
}

static void test_dcache_plan(void **state)
{
    (void)state;
    struct gf_dcache *c = xcalloc(1, sizeof(*c));
    bool fetch[40];
    /* An empty cache (and `lgtmtop check`'s one sweep): everything is fetched. */
    cJSON *items = hits(20, NULL);
    assert_int_equal(gf_dcache_plan(c, items, 1, fetch), 20);
    for (int i = 0; i < 20; i++)
        gf_dcache_put(c, cJSON_GetArrayItem(items, i)->child->valuestring, "title", "{}", 2, 1, GF_DASH_CACHE_BYTES);
    /* Sweep 2, nothing changed: only the revalidation quota, ceil(20 / 10) = 2. */
    assert_int_equal(gf_dcache_plan(c, items, 2, fetch), 2);
    assert_int_equal(count(fetch, 20), 2);
    /* A changed hit and a new dashboard are fetched at once; they count against the quota. */
    cJSON_Delete(items);
    items = hits(21, "d5");
    assert_int_equal(gf_dcache_plan(c, items, 2, fetch), 3);
    assert_true(fetch[5]);
    assert_true(fetch[20]);
    /* Every kept dashboard is refetched within GF_DASH_REVALIDATE sweeps, oldest first. */
    cJSON_Delete(items);
    items = hits(20, NULL);
    int refetched[20] = {0};
    for (long sweep = 2; sweep < 2 + GF_DASH_REVALIDATE; sweep++) {
        gf_dcache_plan(c, items, sweep, fetch);
        for (int i = 0; i < 20; i++)
            if (fetch[i]) {
                refetched[i]++;
                gf_dcache_put(c, cJSON_GetArrayItem(items, i)->child->valuestring, "title", "{}", 2, sweep,
                              GF_DASH_CACHE_BYTES);
            }
    }
    for (int i = 0; i < 20; i++)
        assert_int_equal(refetched[i], 1);
    /* An entry older than the bound is due whatever the quota. */
    gf_dcache_put(c, "d3", "title", "{}", 2, 0, GF_DASH_CACHE_BYTES);
    gf_dcache_plan(c, items, 2 + GF_DASH_REVALIDATE, fetch);
    assert_true(fetch[3]);
    /* Gone from search: forgotten. */
    cJSON_Delete(items);
    items = hits(4, NULL);
    gf_dcache_retain(c, items);
    assert_int_equal(c->n, 4);
    assert_int_equal(c->bytes, 8);
    gf_dcache_drop(c, "d0");
    assert_null(gf_dcache_find(c, "d0"));
    cJSON_Delete(items);
    gf_dcache_free(c);
}

/* 2000 dashboards, some gone from search, some changed, some new: the hashed lookups give the
 * same plan as the definition (new, changed, then the oldest kept by index), and every entry
 * is still found under its own uid after the drops moved entries around. */
static bool many_removed(int i) { return i % 7 == 3; }
static bool many_changed(int i) { return i % 100 == 50; }

static void test_dcache_plan_many(void **state)
{
    (void)state;
    enum { OLD = 2000, NEW = 50 };
    struct gf_dcache *c = xcalloc(1, sizeof(*c));
    char uid[16], body[16];
    for (int i = 0; i < OLD; i++) { /* ages 1..5: the i % 5 == 0 ones are the oldest */
        snprintf(uid, sizeof(uid), "d%d", i);
        snprintf(body, sizeof(body), "b%d", i);
        gf_dcache_put(c, uid, "title", body, strlen(body), 1 + i % 5, GF_DASH_CACHE_BYTES);
    }
    assert_int_equal(c->n, OLD);
    cJSON *items = cJSON_CreateArray();
    int idx[OLD + NEW]; /* the item's dashboard number, -1 - k for the new ones */
    size_t n = 0, changed = 0, kept = 0, present_bytes = 0;
    for (int i = 0; i < OLD; i++) {
        if (many_removed(i))
            continue;
        snprintf(uid, sizeof(uid), "d%d", i);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "uid", uid);
        cJSON_AddStringToObject(o, "fp", many_changed(i) ? "new title" : "title");
        cJSON_AddItemToArray(items, o);
        idx[n++] = i;
        changed += many_changed(i);
        kept += !many_changed(i);
        snprintf(body, sizeof(body), "b%d", i);
        present_bytes += strlen(body);
    }
    for (int k = 0; k < NEW; k++) {
        snprintf(uid, sizeof(uid), "n%d", k);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "uid", uid);
        cJSON_AddStringToObject(o, "fp", "title");
        cJSON_AddItemToArray(items, o);
        idx[n++] = -1 - k;
    }
    /* Expected: new and changed, plus the quota's rest from the oldest (age 1) in item order. */
    size_t quota = (kept + GF_DASH_REVALIDATE - 1) / GF_DASH_REVALIDATE, need = quota - changed, oldest = 0;
    static bool want[OLD + NEW], fetch[OLD + NEW];
    size_t nwant = 0;
    for (size_t j = 0; j < n; j++) {
        int i = idx[j];
        bool old_unchanged = i >= 0 && !many_changed(i) && i % 5 == 0;
        want[j] = i < 0 || many_changed(i) || (old_unchanged && oldest++ < need);
        nwant += want[j];
    }
    assert_true(oldest > need); /* the test's premise: the quota ends among the oldest */
    assert_int_equal(gf_dcache_plan(c, items, 6, fetch), nwant);
    for (size_t j = 0; j < n; j++)
        if (fetch[j] != want[j])
            fail_msg("item %zu (dashboard %d): fetch %d, want %d", j, idx[j], fetch[j], want[j]);
    /* Gone from search: dropped; every other entry is found under its uid with its body. */
    gf_dcache_retain(c, items);
    assert_int_equal(c->n, n - NEW);
    assert_int_equal(c->bytes, present_bytes);
    for (int i = 0; i < OLD; i++) {
        snprintf(uid, sizeof(uid), "d%d", i);
        snprintf(body, sizeof(body), "b%d", i);
        const struct gf_dcache_entry *e = gf_dcache_find(c, uid);
        if (many_removed(i)) {
            assert_null(e);
            continue;
        }
        assert_non_null(e);
        assert_string_equal(e->uid, uid);
        assert_string_equal(e->body, body);
        assert_int_equal(e->fetched, 1 + i % 5);
    }
    /* The fetched ones come back at sweep 6; the next sweep refetches only the oldest kept. */
    for (size_t j = 0; j < n; j++)
        if (fetch[j]) {
            const cJSON *it = cJSON_GetArrayItem(items, (int)j);
            gf_dcache_put(c, cJSON_GetObjectItem(it, "uid")->valuestring, cJSON_GetObjectItem(it, "fp")->valuestring,
                          "{}", 2, 6, GF_DASH_CACHE_BYTES);
        }
    assert_int_equal(c->n, n);
    size_t got = gf_dcache_plan(c, items, 7, fetch);
    assert_int_equal(got, (n + GF_DASH_REVALIDATE - 1) / GF_DASH_REVALIDATE);
    long newest_fetched = 0, oldest_kept = 100;
    for (size_t j = 0; j < n; j++) {
        const cJSON *it = cJSON_GetArrayItem(items, (int)j);
        long age = gf_dcache_find(c, cJSON_GetObjectItem(it, "uid")->valuestring)->fetched;
        if (fetch[j] && age > newest_fetched)
            newest_fetched = age;
        if (!fetch[j] && age < oldest_kept)
            oldest_kept = age;
    }
    assert_true(newest_fetched <= oldest_kept);
    /* Drops in any order leave the rest findable. */
    for (int i = 0; i < OLD; i += 2) {
        snprintf(uid, sizeof(uid), "d%d", i);
        gf_dcache_drop(c, uid);
        assert_null(gf_dcache_find(c, uid));
    }
    for (int i = 1; i < OLD; i += 2) {
        snprintf(uid, sizeof(uid), "d%d", i);
        const struct gf_dcache_entry *e = gf_dcache_find(c, uid);
        if (many_removed(i))
            assert_null(e);
        else
            assert_true(e && strcmp(e->uid, uid) == 0);
    }
    cJSON_Delete(items);
    gf_dcache_free(c);
}

/* What the server answers for dashboard i at a sweep: 100 bytes naming both. */
static void cap_body(char *out, int i, long sweep)
{
    int k = snprintf(out, 101, "body of d%d at sweep %ld", i, sweep);
    memset(out + k, '.', (size_t)(100 - k));
    out[100] = '\0';
}

/* One sweep of the check over the pure parts: plan, forget the gone, analyse the kept bodies
 * (fetch_dashboards reads them all before any answer arrives), then put each fresh fetch
 * under cap. Asserts each body analysed is what the server sent; returns how many were
 * fetched. */
static size_t cap_sweep(struct gf_dcache *c, const cJSON *items, long sweep, size_t cap)
{
    bool fetch[32];
    char want[101];
    size_t n = (size_t)cJSON_GetArraySize(items), nfetch = gf_dcache_plan(c, items, sweep, fetch);
    gf_dcache_retain(c, items);
    for (size_t i = 0; i < n; i++) {
        /* the fake server's body changes every sweep but its hit does not: a kept body is
         * the one of the sweep it was fetched at */
        const struct gf_dcache_entry *e =
                gf_dcache_find(c, cJSON_GetObjectItem(cJSON_GetArrayItem(items, (int)i), "uid")->valuestring);
        if (fetch[i])
            continue;
        assert_non_null(e); /* kept means found */
        cap_body(want, (int)i, e->fetched);
        assert_memory_equal(e->body, want, 100);
    }
    for (size_t i = 0; i < n; i++) {
        const char *uid = cJSON_GetObjectItem(cJSON_GetArrayItem(items, (int)i), "uid")->valuestring;
        if (!fetch[i])
            continue;
        cap_body(want, (int)i, sweep);
        gf_dcache_put(c, uid, "title", want, 100, sweep, cap);
        assert_true(c->bytes <= cap || c->n == 1);
        assert_non_null(gf_dcache_find(c, uid)); /* the newest stays (bodies of one size here) */
    }
    return nfetch;
}

/* The memory cap (GF_DASH_CACHE_BYTES in the check): past it the oldest bodies go and are
 * simply fetched again; every dashboard is still analysed from a body the server sent. */
static void test_dcache_cap(void **state)
{
    (void)state;
    const size_t cap = 10 * 100; /* ten bodies */
    struct gf_dcache *c = xcalloc(1, sizeof(*c));
    cJSON *items = hits(25, NULL);
    /* Sweep 1: all 25 fetched, ten kept. */
    assert_int_equal(cap_sweep(c, items, 1, cap), 25);
    assert_int_equal(c->n, 10);
    assert_int_equal(c->bytes, cap);
    assert_non_null(gf_dcache_find(c, "d24")); /* the last one put */
    /* Sweep 2: the 15 evicted are fetched as new, plus the quota of the ten kept, ceil(10 /
     * 10) = 1; the sweep-1 bodies go first, so only sweep-2 bodies remain. */
    assert_int_equal(cap_sweep(c, items, 2, cap), 16);
    assert_int_equal(c->n, 10);
    for (size_t i = 0; i < c->n; i++)
        assert_int_equal(c->e[i].fetched, 2);
    /* Steady state: over the cap the same count is refetched each sweep, never more. */
    for (long sweep = 3; sweep < 3 + 2 * GF_DASH_REVALIDATE; sweep++) {
        assert_int_equal(cap_sweep(c, items, sweep, cap), 16);
        assert_int_equal(c->bytes, cap);
    }
    /* Under the cap nothing is evicted: all 25 kept, then only the quota, ceil(25 / 10). */
    assert_int_equal(cap_sweep(c, items, 23, 25 * 100), 16);
    assert_int_equal(c->n, 25);
    assert_int_equal(cap_sweep(c, items, 24, 25 * 100), 3);
    assert_int_equal(c->n, 25);
    /* A body larger than the whole cap is still kept alone; the next one replaces it. */
    gf_dcache_put(c, "big", "title", "0123456789", 10, 200, 5);
    assert_int_equal(c->n, 1);
    assert_non_null(gf_dcache_find(c, "big"));
    gf_dcache_put(c, "big2", "title", "0123456789", 10, 201, 5);
    assert_int_equal(c->n, 1);
    assert_null(gf_dcache_find(c, "big"));
    assert_int_equal(c->bytes, 10);
    cJSON_Delete(items);
    gf_dcache_free(c);
}

static void dash_row(struct gf_dashrow *row, const char *fixture, const struct dash_ds *ds, size_t nds,
                     const char *const *dep, size_t ndep)
{
    cJSON *doc = fx_json(fixture);
    struct dash_ctx c = {
            .ds = ds, .nds = nds, .ds_known = true, .types_known = true, .deprecated = dep, .ndeprecated = ndep};
    struct dash_report rep;
    dash_analyze(doc, &c, &rep);
    gf_dashrow_fill(row, &rep, "Team A", NULL);
    dash_report_free(&rep);
    cJSON_Delete(doc);
}

static void test_dashboards_report(void **state)
{
    (void)state;
    static const struct dash_ds ds[] = {
            {"prometheus", "Mimir", "prometheus", true},
            {"loki", "Loki", "loki", false},
            {"tempo", "Tempo", "tempo", false},
            {"prometheus_legacy", "Prometheus (legacy)", "prometheus", false},
    };
    static const char *const dep[] = {"prometheus_legacy", "prometheus"};
    struct gf_dashrow rows[4];
    dash_row(&rows[0], "dashboards/crafted/clean.json", ds, 4, dep, 1);
    dash_row(&rows[1], "dashboards/crafted/deprecated_datasource.json", ds, 4, dep, 1);
    dash_row(&rows[2], "dashboards/crafted/missing_datasource.json", ds, 4, dep, 1);
    gf_dashrow_failed(&rows[3], "gone", "Gone", NULL, "cannot fetch: HTTP 500");
    assert_int_equal(rows[2].status, ST_FAIL);
    assert_string_equal(rows[2].problem, "grafana_prometheus in 3 panels");
    assert_string_equal(rows[1].problem, "prometheus_legacy → prometheus in 2 panels");
    struct obs o;
    obs_init(&o);
    gf_dashboards_report(rows, 4, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_string_equal(o.summary,
                        "4 dashboards, 1 references missing datasources: \"Service Overview\" "
                        "(grafana_prometheus in 3 panels); 1 uses deprecated datasources: \"Legacy Latency\" "
                        "(prometheus_legacy → prometheus in 2 panels); 1 could not be fetched");
    double v;
    assert_true(obs_get_value(&o, VK_DASHBOARDS, &v) && v == 4);
    assert_true(obs_get_value(&o, VK_DASHBOARDS_MISSING_DS, &v) && v == 1);
    assert_contains(
            o.detail,
            "DASHBOARD         FOLDER  UID             STATUS  PROBLEM                                     PANELS\n"
            "Service Overview  Team A  svc-overview    FAIL    grafana_prometheus in 3 panels              "
            "\"Latency\", \"Errors\", \"CPU\"\n");
    assert_contains(o.detail, "Gone");
    /* data sorted worst first, with the panels of each bad reference */
    const cJSON *d0 = cJSON_GetArrayItem(o.data, 0);
    assert_string_equal(cJSON_GetObjectItem(d0, "title")->valuestring, "Service Overview");
    assert_string_equal(cJSON_GetObjectItem(d0, "status")->valuestring, "FAIL");
    assert_int_equal(cJSON_GetObjectItem(d0, "references")->valueint, 7);
    const cJSON *miss = cJSON_GetArrayItem(cJSON_GetObjectItem(d0, "missing"), 0);
    assert_string_equal(cJSON_GetObjectItem(miss, "datasource")->valuestring, "grafana_prometheus");
    assert_int_equal(cJSON_GetObjectItem(miss, "references")->valueint, 3); /* target A is sent to the panel's */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(miss, "panels")), 3);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(miss, "locations"), 2)->valuestring,
                        "row \"Saturation\" > panel \"CPU\"");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d0, "by_datasource"), "loki")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d0, "special"), "mixed")->valueint, 1);
    const cJSON *d1 = cJSON_GetArrayItem(o.data, 1);
    assert_string_equal(cJSON_GetObjectItem(d1, "title")->valuestring, "Legacy Latency");
    const cJSON *dep0 = cJSON_GetArrayItem(cJSON_GetObjectItem(d1, "deprecated"), 0);
    assert_string_equal(cJSON_GetObjectItem(dep0, "replacement")->valuestring, "prometheus");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(o.data, 3), "status")->valuestring, "OK");
    obs_free(&o);
    for (int i = 0; i < 4; i++)
        gf_dashrow_free(&rows[i]);

    /* all clean */
    dash_row(&rows[0], "dashboards/crafted/clean.json", ds, 4, dep, 1);
    obs_init(&o);
    gf_dashboards_report(rows, 1, &o);
    assert_int_equal(o.status, ST_OK);
    assert_string_equal(o.summary, "1 dashboard, 7 datasource references, all resolve");
    assert_null(o.detail);
    obs_free(&o);
    gf_dashrow_free(&rows[0]);
    obs_init(&o);
    gf_dashboards_report(NULL, 0, &o);
    assert_int_equal(o.status, ST_OK);
    assert_string_equal(o.summary, "0 dashboards, 0 datasource references, all resolve");
    obs_free(&o);
}

/* ---- alerting -------------------------------------------------------------------------- */

struct al_fx {
    cJSON *rules, *prov, *pol, *cps, *ds;
};

static void al_load(struct al_fx *f)
{
    f->rules = fx_json("grafana/prometheus_grafana_rules_constructed.json");
    f->prov = fx_json("grafana/provisioning_alert_rules_constructed.json");
    f->pol = fx_json("grafana/provisioning_policies_constructed.json");
    f->cps = fx_json("grafana/provisioning_contact_points_constructed.json");
    f->ds = fx_json("grafana/datasources_list_constructed.json");
}

static void al_free(struct al_fx *f)
{
    cJSON_Delete(f->rules);
    cJSON_Delete(f->prov);
    cJSON_Delete(f->pol);
    cJSON_Delete(f->cps);
    cJSON_Delete(f->ds);
}

static void test_alerting_fixtures(void **state)
{
    (void)state;
    struct al_fx f;
    al_load(&f);
    struct gf_alerting_in in = {
            .rules = f.rules, .prov_rules = f.prov, .policies = f.pol, .contacts = f.cps, .datasources = f.ds};
    struct component_cfg c;
    ptc_cfg(&c, COMP_GRAFANA);
    char *groups[] = {(char *)"stack-health", (char *)"Platform/stack-health", (char *)"slo"};
    c.expect_rule_groups = groups;
    c.nexpect_rule_groups = 3;
    struct obs o;
    obs_init(&o);
    gf_alerting_report(&in, &c, &o);
    /* the fixture's failing rule and the absent "slo" group: warnings */
    assert_int_equal(o.status, ST_WARN);
    /* problems first, each error cut short; the one line is at most OBS_SUMMARY_LEN */
    assert_contains(o.summary, "1 expected rule group not loaded: slo; 1 rule failing: Loki errors (legacy -100 "
                               "expression datasource uid): failed to execute query A: Get "
                               "\"http://loki-gateway/loki/api/v1/query_range\": di...; 1 rule group, 2 rules, 1 "
                               "firing: Mimir distributor");
    assert_true(strlen(o.summary) < OBS_SUMMARY_LEN);
    double v;
    assert_true(obs_get_value(&o, VK_ALERTS_FIRING, &v) && v == 1);
    assert_true(obs_get_value(&o, VK_RULES_MISSING_DS, &v) && v == 0);
    const cJSON *d = o.data;
    assert_int_equal(cJSON_GetObjectItem(d, "rule_groups")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "rules_by_state"), "firing")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "rules_by_state"), "inactive")->valueint, 1);
    const cJSON *fa = cJSON_GetArrayItem(cJSON_GetObjectItem(d, "firing_alerts"), 0);
    assert_string_equal(cJSON_GetObjectItem(fa, "rule")->valuestring, "Mimir distributor not receiving samples");
    assert_string_equal(cJSON_GetObjectItem(fa, "state")->valuestring, "Alerting");
    const cJSON *pol = cJSON_GetObjectItem(d, "policies");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(pol, "present")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pol, "receivers")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(pol, "missing_receivers")), 0);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "expected_groups_missing"), 0)->valuestring, "slo");
    obs_free(&o);

    /* the loki datasource and the webhook contact point gone: both FAIL findings */
    cJSON_DeleteItemFromArray(f.ds, 1);
    cJSON_DeleteItemFromArray(f.cps, 1);
    c.nexpect_rule_groups = 0;
    obs_init(&o);
    gf_alerting_report(&in, &c, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_contains(o.summary, "1 rule query missing datasources: \"Loki errors (legacy -100 expression datasource "
                               "uid)\" (loki); notification policy routes to 1 receiver with no contact point: "
                               "oncall-webhook");
    assert_contains(o.detail, "missing-ds  Loki errors (legacy -100 expression datasourc...");
    const cJSON *md = cJSON_GetArrayItem(cJSON_GetObjectItem(o.data, "missing_datasource_rules"), 0);
    assert_string_equal(cJSON_GetObjectItem(md, "datasource")->valuestring, "loki");
    assert_string_equal(cJSON_GetObjectItem(md, "group")->valuestring, "stack-health");
    obs_free(&o);

    /* without the provisioning API the rule queries of the state API are used; no policy tree */
    cJSON_DeleteItemFromArray(f.ds, 0); /* prometheus gone */
    struct gf_alerting_in in2 = {.rules = f.rules,
                                 .prov_note = "skipped (403): the token needs alert.provisioning:read",
                                 .policies_missing = true,
                                 .contacts = f.cps,
                                 .datasources = f.ds};
    obs_init(&o);
    gf_alerting_report(&in2, &c, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_contains(o.summary, "1 rule query missing datasources: \"Mimir distributor not receiving samples\" "
                               "(prometheus); no notification policy tree (404)");
    assert_contains(o.detail, "note: alert rule provisioning: skipped (403)");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(o.data, "policies"), "present")));
    obs_free(&o);
    al_free(&f);

    /* nothing readable but the datasources */
    struct gf_alerting_in none = {.rules_note = "x"};
    obs_init(&o);
    gf_alerting_report(&none, NULL, &o);
    assert_int_equal(o.status, ST_OK);
    assert_string_equal(o.summary, "rule state not available");
    obs_free(&o);
}

static void test_policy_receivers(void **state)
{
    (void)state;
    cJSON *tree = cJSON_Parse("{\"receiver\":\"root\",\"routes\":[{\"receiver\":\"a\",\"routes\":[{\"receiver\":\"b\"},"
                              "{\"routes\":[{\"receiver\":\"a\"},{\"receiver\":\"c\"}]}]},{\"receiver\":7},null]}");
    cJSON *names = cJSON_CreateArray();
    gf_policy_receivers(tree, names);
    char *s = cJSON_PrintUnformatted(names);
    assert_string_equal(s, "[\"root\",\"a\",\"b\",\"c\"]");
    cJSON_free(s);
    cJSON_Delete(names);
    cJSON_Delete(tree);
}

/* ---- Prometheus/Mimir ruler: expect_rule_groups ------------------------------------------ */

static void test_expect_rule_groups_ruler(void **state)
{
    (void)state;
    struct component_cfg c;
    struct resp x;
    struct obs o;
    char *groups[] = {(char *)"example", (char *)"/rules.yaml/example", (char *)"slo-burn", (char *)"node"};
    ptc_cfg(&c, COMP_PROMETHEUS);
    c.expect_rule_groups = groups;
    c.nexpect_rule_groups = 4;
    resp_fixture(&x, "prometheus/rules.json", 200);
    obs_init(&o);
    probe_run_parser(probe_check_find(COMP_PROMETHEUS, "rules"), &x.r, &c, &o);
    assert_int_equal(o.status, ST_WARN);
    assert_string_equal(o.summary, "2 expected rule groups not loaded: slo-burn, node");
    assert_contains(o.detail, "expected rule group not loaded: slo-burn");
    obs_free(&o);
    c.nexpect_rule_groups = 2;
    obs_init(&o);
    probe_run_parser(probe_check_find(COMP_PROMETHEUS, "rules"), &x.r, &c, &o);
    assert_int_equal(o.status, ST_OK);
    obs_free(&o);
    resp_free(&x);
    ptc_cfg(&c, COMP_MIMIR);
    c.expect_rule_groups = groups + 2;
    c.nexpect_rule_groups = 1;
    resp_fixture(&x, "prometheus/rules_amp_real.json", 200);
    obs_init(&o);
    probe_run_parser(probe_check_find(COMP_MIMIR, "rules"), &x.r, &c, &o);
    assert_int_equal(o.status, ST_WARN);
    assert_string_equal(o.summary, "1 expected rule group not loaded: slo-burn");
    obs_free(&o);
    resp_free(&x);
}

/* ---- the detail table ------------------------------------------------------------------ */

static void test_table(void **state)
{
    (void)state;
    struct gf_table t;
    struct obs o;
    obs_init(&o);
    gf_table_init(&t, 3);
    const char *r1[] = {"NAME", "TYPE", "NOTE"};
    const char *r2[] = {"émoji ✓", NULL, "last column is never padded or cut, however long it is"};
    const char *r3[] = {"a\x1b[2Jb\nc", "012345678901234567890123456789012345678901234567890123456789", ""};
    gf_table_add(&t, r1);
    gf_table_add(&t, r2);
    gf_table_add(&t, r3);
    const char *r4[] = {"数据源", "x", "wide characters take two columns: the next column still lines up"};
    gf_table_add(&t, r4);
    gf_table_render(&t, &o);
    gf_table_free(&t);
    assert_string_equal(
            o.detail,
            "NAME     TYPE                                              NOTE\n"
            "émoji ✓  -                                                 last column is never padded or cut, "
            "however long it is\n"
            "ab c     012345678901234567890123456789012345678901234...  -\n"
            "数据源   x                                                 wide characters take two columns: the next column still lines up");
    obs_free(&o);
}

int main(void)
{
    const struct CMUnitTest fixed[] = {
            cmocka_unit_test(test_health_classify),
            cmocka_unit_test(test_proxy_and_direct_classify),
            cmocka_unit_test(test_paths_and_tenant),
            cmocka_unit_test(test_judge),
            cmocka_unit_test(test_datasources_report),
            cmocka_unit_test(test_search_page),
            cmocka_unit_test(test_dcache_plan),
            cmocka_unit_test(test_dcache_plan_many),
            cmocka_unit_test(test_dcache_cap),
            cmocka_unit_test(test_dashboards_report),
            cmocka_unit_test(test_alerting_fixtures),
            cmocka_unit_test(test_policy_receivers),
            cmocka_unit_test(test_expect_rule_groups_ruler),
            cmocka_unit_test(test_table),
    };
    struct CMUnitTest tests[ARRAY_LEN(fixed) + ARRAY_LEN(cases)];
    memcpy(tests, fixed, sizeof(fixed));
    ptc_add_rows(tests + ARRAY_LEN(fixed), cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
