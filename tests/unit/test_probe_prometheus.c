/* Prometheus checks on the real fixtures plus constructed bad bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"

/* Constructed: 5 active targets, 2 down, 1 not scraped yet. */
#define TARGETS_2_DOWN                                                                           \
    "{\"status\":\"success\",\"data\":{\"activeTargets\":["                                      \
    "{\"labels\":{\"job\":\"prometheus\",\"instance\":\"localhost:9090\"},\"health\":\"up\",\"lastError\":\"\"}," \
    "{\"labels\":{\"job\":\"node\",\"instance\":\"10.0.0.7:9100\"},\"scrapeUrl\":\"http://10.0.0.7:9100/metrics\"," \
    "\"health\":\"down\",\"lastError\":\"Get \\\"http://10.0.0.7:9100/metrics\\\": dial tcp 10.0.0.7:9100: "   \
    "connect: connection refused\"},"                                                            \
    "{\"labels\":{\"job\":\"node\",\"instance\":\"10.0.0.8:9100\"},\"health\":\"up\",\"lastError\":\"\"}," \
    "{\"labels\":{\"job\":\"mimir\",\"instance\":\"mimir:9009\"},\"health\":\"down\","          \
    "\"lastError\":\"server returned HTTP status 401 Unauthorized\\n\\u001b[31m\"},"             \
    "{\"labels\":{\"job\":\"loki\",\"instance\":\"loki:3100\"},\"health\":\"unknown\",\"lastError\":\"\"}" \
    "],\"droppedTargets\":[]}}"

static const struct ptc_case cases[] = {
    /* /-/ready */
    {.label = "ready ok", .kind = COMP_PROMETHEUS, .check = "ready", .fixture = "prometheus/ready_body.txt",
     .http_status = 200, .want = ST_OK, .want_sub = "ready", .no_values = true},
    {.label = "ready agent", .kind = COMP_PROMETHEUS, .check = "ready", .body = "Prometheus Agent is Ready.\n",
     .http_status = 200, .want = ST_OK, .want_sub = "ready (agent mode)"},
    {.label = "ready 503", .kind = COMP_PROMETHEUS, .check = "ready", .fixture = "prometheus/ready_503_body.txt",
     .http_status = 503, .want = ST_FAIL,
     .want_sub = "not ready (503): Service Unavailable (TSDB starting or stopping)"},
    {.label = "ready 503 empty", .kind = COMP_PROMETHEUS, .check = "ready", .body = "", .http_status = 503,
     .want = ST_FAIL, .want_sub = "not ready (503): Service Unavailable (TSDB starting or stopping)"},
    {.label = "ready 404", .kind = COMP_PROMETHEUS, .check = "ready", .body = "404 page not found", .http_status = 404,
     .want = ST_FAIL, .want_sub = "404 on /-/ready: wrong URL or prefix? — is this really Prometheus?"},

    /* build info */
    {.label = "buildinfo doc", .kind = COMP_PROMETHEUS, .check = "buildinfo", .fixture = "prometheus/buildinfo.json",
     .http_status = 200, .want = ST_OK, .want_sub = "Prometheus 2.13.1 (cb7cbad5f9, go1.13.1)",
     .want_version = "2.13.1"},
    {.label = "buildinfo vanilla empty version", .kind = COMP_PROMETHEUS, .check = "buildinfo",
     .fixture = "prometheus/buildinfo_vanilla_empty_version.json", .http_status = 200, .want = ST_OK,
     .want_sub = "Prometheus (build reports no version, go1.17.6)", .want_version = ""},
    {.label = "buildinfo null", .kind = COMP_PROMETHEUS, .check = "buildinfo",
     .body = "null", .http_status = 200, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: /api/v1/status/buildinfo answers null, not a build info object",
     .want_version = ""},
    {.label = "buildinfo mimir through prometheus", .kind = COMP_PROMETHEUS, .check = "buildinfo",
     .fixture = "mimir/buildinfo.json", .http_status = 200, .want = ST_OK, .want_sub = "Grafana Mimir 2.0.0",
     .want_version = "2.0.0"},
    {.label = "buildinfo 404 old prometheus", .kind = COMP_PROMETHEUS, .check = "buildinfo",
     .body = "404 page not found", .http_status = 404, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: no buildinfo endpoint (404)", .want_version = ""},
    {.label = "buildinfo 503 skipped", .kind = COMP_PROMETHEUS, .check = "buildinfo", .body = "Service Unavailable",
     .http_status = 503, .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "version unknown: HTTP 503: Service Unavailable"},
    {.label = "buildinfo 401 skipped", .kind = COMP_PROMETHEUS, .check = "buildinfo", .body = "Unauthorized\n",
     .http_status = 401, .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "version unknown: 401 unauthorized"},

    /* targets */
    {.label = "targets doc", .kind = COMP_PROMETHEUS, .check = "targets", .fixture = "prometheus/targets.json", .http_status = 200,
     .want = ST_OK, .want_sub = "1/1 targets up", .vals = {{"targets_up", 1}, {"targets_down", 0}, {"targets_total", 1}}},
    {.label = "targets 2 of 5 down", .kind = COMP_PROMETHEUS, .check = "targets", .body = TARGETS_2_DOWN,
     .http_status = 200, .want = ST_WARN,
     .want_sub = "2/5 targets down: node (10.0.0.7:9100): Get \"http://10.0.0.7:9100/metrics\": dial tcp 10.0.0.7:9100: "
                 "connect: connection refused; mimir (mimir:9009): server returned HTTP status 401 Unauthorized",
     .vals = {{"targets_up", 2}, {"targets_down", 2}, {"targets_total", 5}},
     .want_detail = "down  node  10.0.0.7:9100  http://10.0.0.7:9100/metrics  Get \"http://10.0.0.7:9100/metrics\": "
                    "dial tcp 10.0.0.7:9100: connect: connection refused\n"
                    "down  mimir  mimir:9009  -  server returned HTTP status 401 Unauthorized"},
    {.label = "targets not scraped yet", .kind = COMP_PROMETHEUS, .check = "targets",
     .body = "{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"labels\":{\"job\":\"a\"},\"health\":\"up\"},"
             "{\"labels\":{\"job\":\"b\"},\"health\":\"unknown\"}]}}",
     .http_status = 200, .want = ST_OK, .want_sub = "1/2 targets up, 1 not scraped yet",
     .vals = {{"targets_up", 1}, {"targets_down", 0}, {"targets_total", 2}}},
    {.label = "targets none", .kind = COMP_PROMETHEUS, .check = "targets",
     .body = "{\"status\":\"success\",\"data\":{\"activeTargets\":[],\"droppedTargets\":[]}}", .http_status = 200,
     .want = ST_WARN, .want_sub = "no active targets: nothing is scraped — check scrape_configs",
     .vals = {{"targets_total", 0}}},
    {.label = "targets null", .kind = COMP_PROMETHEUS, .check = "targets",
     .body = "null", .http_status = 200, .want = ST_FAIL, .want_sub = "got null",
     .no_values = true},
    {.label = "targets wrong type", .kind = COMP_PROMETHEUS, .check = "targets",
     .body = "{\"status\":\"success\",\"data\":{\"activeTargets\":{}}}", .http_status = 200, .want = ST_FAIL,
     .want_sub = "unexpected JSON from /api/v1/targets: no data.activeTargets array — is this really Prometheus?",
     .no_values = true},

    /* query */
    {.label = "query doc", .kind = COMP_PROMETHEUS, .check = "query", .fixture = "prometheus/query_instant_vector.json", .http_status = 200,
     .want = ST_OK, .want_sub = "query \"up\": 2 series", .vals = {{"query_series", 2}},
     .want_detail = "{__name__=\"up\",job=\"prometheus\",instance=\"localhost:9090\"} 1"},
    {.label = "query null", .kind = COMP_PROMETHEUS, .check = "query",
     .body = "null", .http_status = 200, .want = ST_FAIL,
     .want_sub = "unexpected JSON from /api/v1/query: expected an object with \"status\" and \"data\", got null",
     .no_values = true},
    {.label = "query empty", .kind = COMP_PROMETHEUS, .check = "query",
     .body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", .http_status = 200,
     .want = ST_WARN, .want_sub = "query \"up\" returned no series: nothing scraped or written recently",
     .vals = {{"query_series", 0}}},
    {.label = "query garbage", .kind = COMP_PROMETHEUS, .check = "query", .body = "\x01\x02garbage\xff\xfe",
     .http_status = 200, .want = ST_FAIL, .want_sub = "invalid JSON from /api/v1/query: garbage?? — is this really Prometheus?"},

    /* rules */
    {.label = "rules doc", .kind = COMP_PROMETHEUS, .check = "rules", .fixture = "prometheus/rules.json", .http_status = 200,
     .want = ST_OK, .want_sub = "1 rule group, 2 rules", .vals = {{"rule_groups", 1}, {"rules", 2}, {"rules_failing", 0}}},
    {.label = "rules amp real", .kind = COMP_PROMETHEUS, .check = "rules", .fixture = "prometheus/rules_amp_real.json",
     .http_status = 200, .want = ST_OK, .want_sub = "2 rule groups, 2 rules",
     .vals = {{"rule_groups", 2}, {"rules", 2}, {"rules_failing", 0}}},
    {.label = "rules data null", .kind = COMP_PROMETHEUS, .check = "rules", .body = "{\"status\":\"success\",\"data\":null}",
     .http_status = 200, .want = ST_FAIL, .want_sub = "no data.groups array", .no_values = true},
    {.label = "rules failing", .kind = COMP_PROMETHEUS, .check = "rules",
     .body = "{\"status\":\"success\",\"data\":{\"groups\":[{\"name\":\"g1\",\"rules\":["
             "{\"name\":\"ok_rule\",\"health\":\"ok\",\"lastError\":\"\"},"
             "{\"name\":\"HighErrors\",\"health\":\"err\",\"lastError\":\"vector contains metrics with the same labelset\"}]},"
             "{\"name\":\"g2\",\"rules\":[{\"name\":\"r3\",\"health\":\"unknown\"}]}]}}",
     .http_status = 200, .want = ST_WARN,
     .want_sub = "1/3 rules failing: HighErrors: vector contains metrics with the same labelset",
     .vals = {{"rule_groups", 2}, {"rules", 3}, {"rules_failing", 1}},
     .want_detail = "failing rule g1/HighErrors: vector contains metrics with the same labelset"},
    {.label = "rules groups null", .kind = COMP_PROMETHEUS, .check = "rules",
     .body = "{\"status\":\"success\",\"data\":{\"groups\":null}}", .http_status = 200, .want = ST_OK,
     .want_sub = "no rule groups loaded", .vals = {{"rule_groups", 0}}},

    {.label = "rules 404: no ruler", .kind = COMP_PROMETHEUS, .check = "rules", .body = "404 page not found\n",
     .http_status = 404, .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "ruler not enabled (404 on /api/v1/rules)",
     .no_values = true},
    {.label = "rules 500 still FAIL", .kind = COMP_PROMETHEUS, .check = "rules", .body = "boom\n", .http_status = 500,
     .want = ST_FAIL, .want_sub = "HTTP 500: boom"},

    /* alerts: firing alerts are about the monitored systems, OK with their names */
    {.label = "alerts 404: no ruler", .kind = COMP_PROMETHEUS, .check = "alerts", .body = "404 page not found\n",
     .http_status = 404, .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "ruler not enabled (404 on /api/v1/alerts)",
     .no_values = true},
    {.label = "alerts 503 still FAIL", .kind = COMP_PROMETHEUS, .check = "alerts", .body = "", .http_status = 503,
     .want = ST_FAIL, .want_sub = "HTTP 503 (empty body)"},
    {.label = "alerts doc", .kind = COMP_PROMETHEUS, .check = "alerts", .fixture = "prometheus/alerts.json", .http_status = 200,
     .want = ST_OK, .want_sub = "1 alert firing: my-alert", .vals = {{"alerts_firing", 1}, {"alerts_pending", 0}},
     .want_detail = "firing  my-alert  -  2018-07-04T20:27:12.60602144+02:00"},
    {.label = "alerts array", .kind = COMP_PROMETHEUS, .check = "alerts",
     .body = "[]", .http_status = 200, .want = ST_FAIL, .want_sub = "expected an object with \"status\" and \"data\", got an array", .no_values = true},
    {.label = "alerts heartbeat only", .kind = COMP_PROMETHEUS, .check = "alerts",
     .body = "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"Watchdog\"},\"state\":\"firing\"},"
             "{\"labels\":{\"alertname\":\"DiskFilling\"},\"state\":\"pending\"}]}}",
     .http_status = 200, .want = ST_OK, .want_sub = "1 alert firing (heartbeat only)",
     .vals = {{"alerts_firing", 1}, {"alerts_pending", 1}}},
    {.label = "alerts pending only", .kind = COMP_PROMETHEUS, .check = "alerts",
     .body = "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"X\"},\"state\":\"pending\"}]}}",
     .http_status = 200, .want = ST_OK, .want_sub = "no alerts firing, 1 pending",
     .vals = {{"alerts_firing", 0}, {"alerts_pending", 1}}},
    {.label = "alerts several firing", .kind = COMP_PROMETHEUS, .check = "alerts",
     .body = "{\"status\":\"success\",\"data\":{\"alerts\":["
             "{\"labels\":{\"alertname\":\"A\",\"severity\":\"page\"},\"state\":\"firing\"},"
             "{\"labels\":{\"alertname\":\"Watchdog\"},\"state\":\"firing\"},"
             "{\"labels\":{\"alertname\":\"B\"},\"state\":\"firing\"}]}}",
     .http_status = 200, .want = ST_OK, .want_sub = "3 alerts firing: A, B", .vals = {{"alerts_firing", 3}},
     .want_detail = "firing  A  page  -"},
    {.label = "alerts wrong type", .kind = COMP_PROMETHEUS, .check = "alerts",
     .body = "{\"status\":\"success\",\"data\":{\"alerts\":7}}", .http_status = 200, .want = ST_FAIL,
     .want_sub = "no data.alerts array", .no_values = true},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(cases)];
    ptc_add_rows(tests, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
