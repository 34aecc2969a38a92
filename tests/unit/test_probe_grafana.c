/* Grafana checks on the real fixtures plus constructed bad bodies and credential cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"

static const struct ptc_case cases[] = {
    /* /api/health */
    {.label = "health ok", .kind = COMP_GRAFANA, .check = "health", .fixture = "grafana/health.json",
     .http_status = 200, .want = ST_OK, .want_sub = "Grafana 5.1.3, database ok", .want_version = "5.1.3",
     .no_values = true},
    {.label = "health db failing 503", .kind = COMP_GRAFANA, .check = "health",
     .fixture = "grafana/health_db_failing_constructed.json", .http_status = 503, .want = ST_FAIL,
     .want_sub = "Grafana database: failing", .want_version = "11.5.0"},
    {.label = "health hide_version", .kind = COMP_GRAFANA, .check = "health",
     .fixture = "grafana/health_hide_version_constructed.json", .http_status = 200, .want = ST_OK,
     .want_sub = "database ok (version hidden)", .want_version = ""},
    {.label = "health 503 from a proxy", .kind = COMP_GRAFANA, .check = "health",
     .body = "<html><body>503 Service Temporarily Unavailable</body></html>", .http_status = 503, .want = ST_FAIL,
     .want_sub = "HTTP 503: <html><body>503 Service Temporarily Unavailable</body></html>"},
    {.label = "health 200 garbage", .kind = COMP_GRAFANA, .check = "health", .body = "Ok", .http_status = 200,
     .want = ST_FAIL, .want_sub = "invalid JSON from /api/health: Ok — is this really Grafana?"},
    {.label = "health database wrong type", .kind = COMP_GRAFANA, .check = "health", .body = "{\"database\":true}",
     .http_status = 200, .want = ST_FAIL, .want_sub = "no \"database\" string in /api/health"},
    {.label = "health database odd value", .kind = COMP_GRAFANA, .check = "health",
     .body = "{\"database\":\"migrating\",\"version\":\"12.0.0\"}", .http_status = 200, .want = ST_FAIL,
     .want_sub = "Grafana database: migrating (HTTP 200)", .want_version = "12.0.0"},
    {.label = "health 404", .kind = COMP_GRAFANA, .check = "health", .body = "{\"message\":\"Not found\"}",
     .http_status = 404, .want = ST_FAIL, .want_sub = "404 on /api/health: wrong URL or prefix? — is this really Grafana?"},

    /* /api/datasources */
    {.label = "datasources list", .kind = COMP_GRAFANA, .check = "datasources", .token = "glsa_x",
     .fixture = "grafana/datasources_list_constructed.json", .http_status = 200, .want = ST_OK,
     .want_sub = "4 datasources: Mimir (prometheus), Loki (loki), Tempo (tempo), Mimir Alertmanager (alertmanager)",
     .vals = {{"datasources", 4}},
     .want_detail = "Mimir  prometheus  prometheus  http://mimir-nginx/prometheus\n"
                    "Loki  loki  loki  http://loki-gateway\n"
                    "Tempo  tempo  tempo  http://tempo-query-frontend:3200\n"
                    "Mimir Alertmanager  alertmanager  alertmanager  http://mimir-nginx"},
    {.label = "datasources url credentials redacted", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "[{\"name\":\"P\",\"type\":\"prometheus\",\"uid\":\"p1\",\"url\":\"http://admin:hunter2@prom:9090\"},"
             "{\"name\":\"Builtin\",\"type\":\"grafana\",\"uid\":\"grafana\"}]",
     .http_status = 200, .want = ST_OK, .want_sub = "2 datasources: P (prometheus), Builtin (grafana)",
     .want_detail = "P  prometheus  p1  http://***@prom:9090\nBuiltin  grafana  grafana  -", .not_detail = "hunter2"},
    {.label = "datasources many truncated", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "[{\"name\":\"a\",\"type\":\"t\"},{\"name\":\"b\",\"type\":\"t\"},{\"name\":\"c\",\"type\":\"t\"},"
             "{\"name\":\"d\",\"type\":\"t\"},{\"name\":\"e\",\"type\":\"t\"},{\"name\":\"f\",\"type\":\"t\"},"
             "{\"name\":\"g\",\"type\":\"t\"}]",
     .http_status = 200, .want = ST_OK, .want_sub = "7 datasources: a (t), b (t), c (t), d (t), e (t), f (t), ...",
     .vals = {{"datasources", 7}}},
    {.label = "datasources control chars in names", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "[{\"name\":\"ev\\u001b[2Jil\\nname\",\"type\":\"loki\",\"uid\":\"u\\r\",\"url\":\"http://l\"}]",
     .http_status = 200, .want = ST_OK, .want_sub = "1 datasource: evil name (loki)",
     .want_detail = "evil name  loki  u  http://l"},
    {.label = "datasources empty", .kind = COMP_GRAFANA, .check = "datasources", .body = "[]", .http_status = 200,
     .want = ST_WARN, .want_sub = "no datasources in Grafana", .vals = {{"datasources", 0}}},
    {.label = "datasources object", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "{\"message\":\"whatever\"}", .http_status = 200, .want = ST_FAIL,
     .want_sub = "unexpected JSON from /api/datasources: expected an array of datasources — is this really Grafana?",
     .no_values = true},
    {.label = "datasources truncated", .kind = COMP_GRAFANA, .check = "datasources", .body = "[{\"id\":1,\"uid\":\"pr",
     .http_status = 200, .want = ST_FAIL, .want_sub = "invalid JSON from /api/datasources: [{\"id\":1,\"uid\":\"pr — is this really Grafana?"},
    {.label = "datasources 401 without credentials: skipped", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "{\"message\":\"Unauthorized\"}", .http_status = 401, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "skipped: Grafana wants credentials for /api/datasources; set GRAFANA_TOKEN (service account token) "
                 "or grafana.token",
     .no_values = true},
    {.label = "datasources 403 without credentials: skipped", .kind = COMP_GRAFANA, .check = "datasources",
     .body = "", .http_status = 403, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "skipped: Grafana wants credentials"},
    {.label = "datasources 401 with token", .kind = COMP_GRAFANA, .check = "datasources", .token = "glsa_bad",
     .body = "{\"message\":\"invalid API key\"}", .http_status = 401, .want = ST_FAIL,
     .want_sub = "Grafana rejected the token (401): check GRAFANA_TOKEN / grafana.token_file"},
    {.label = "datasources 403 with token", .kind = COMP_GRAFANA, .check = "datasources", .token = "glsa_x",
     .body = "{\"message\":\"You'll need additional permissions\"}", .http_status = 403, .want = ST_FAIL,
     .want_sub = "token lacks permission (403): the service account needs the Viewer role (datasources:read)"},
    {.label = "datasources 401 with basic auth", .kind = COMP_GRAFANA, .check = "datasources", .basic_user = "admin",
     .body = "", .http_status = 401, .want = ST_FAIL,
     .want_sub = "Grafana rejected basic auth for user \"admin\" (401): check grafana.basic_auth"},
    {.label = "datasources 500", .kind = COMP_GRAFANA, .check = "datasources", .token = "glsa_x",
     .body = "{\"message\":\"Failed to query datasources\"}", .http_status = 500, .want = ST_FAIL,
     .want_sub = "HTTP 500: Failed to query datasources"},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(cases)];
    ptc_add_rows(tests, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
