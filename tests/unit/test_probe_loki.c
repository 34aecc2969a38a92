/* Loki checks on the real fixtures plus constructed bad bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"

static const struct ptc_case cases[] = {
    /* /ready */
    {.label = "ready ok", .kind = COMP_LOKI, .check = "ready", .fixture = "loki/ready_ok_body.txt",
     .http_status = 200, .want = ST_OK, .want_sub = "ready", .no_values = true},
    {.label = "ready 503 min ready duration", .kind = COMP_LOKI, .check = "ready",
     .fixture = "loki/ready_503_ingester_min_ready_duration.txt", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): Ingester not ready: waiting for 15s after being ready"},
    {.label = "ready 503 no tokens", .kind = COMP_LOKI, .check = "ready",
     .fixture = "loki/ready_503_ingester_no_tokens.txt", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): Ingester not ready: this instance owns no tokens"},
    {.label = "ready 503 query frontend v2", .kind = COMP_LOKI, .check = "ready",
     .fixture = "loki/ready_503_query_frontend_v2.txt", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): Query Frontend not ready: not ready: number of schedulers this worker is "
                 "connected to is 0"},
    {.label = "ready 503 pattern ingester", .kind = COMP_LOKI, .check = "ready",
     .body = "Pattern Ingester not ready: ring error\n", .http_status = 503, .want = ST_FAIL,
     .want_sub = "not ready (503): Pattern Ingester not ready: ring error"},
    {.label = "ready 503 services Failed count", .kind = COMP_LOKI, .check = "ready",
     .body = "Some services are not Running:\nFailed: 1\nRunning: 13\n", .http_status = 503, .want = ST_FAIL,
     .want_sub = "not ready (503): Some services are not Running: Failed: 1 Running: 13",
     .want_detail = "Failed: 1\nRunning: 13"},
    {.label = "ready 401 no org id on gateway", .kind = COMP_LOKI, .check = "ready",
     .fixture = "loki/error_401_no_org_id.txt", .http_status = 401, .want = ST_FAIL, .want_sub = "401 no org id"},

    /* build info: unwrapped */
    {.label = "buildinfo", .kind = COMP_LOKI, .check = "buildinfo", .fixture = "loki/buildinfo_constructed.json",
     .http_status = 200, .want = ST_OK, .want_sub = "Loki 3.5.1 (6a7b8c9d0, go1.24.1)", .want_version = "3.5.1",
     .no_values = true},
    {.label = "buildinfo wrapped also read", .kind = COMP_LOKI, .check = "buildinfo",
     .body = "{\"status\":\"success\",\"data\":{\"version\":\"2.9.4\"}}", .http_status = 200, .want = ST_OK,
     .want_sub = "Loki 2.9.4", .want_version = "2.9.4"},
    {.label = "buildinfo no version", .kind = COMP_LOKI, .check = "buildinfo", .body = "{\"revision\":\"x\"}",
     .http_status = 200, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: \"version\" from /loki/api/v1/status/buildinfo should be a string, got nothing",
     .want_version = ""},
    {.label = "buildinfo array", .kind = COMP_LOKI, .check = "buildinfo", .body = "[]", .http_status = 200,
     .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: /loki/api/v1/status/buildinfo answers an array, not a build info object"},
    {.label = "buildinfo 404 skipped", .kind = COMP_LOKI, .check = "buildinfo", .body = "404 page not found\n",
     .http_status = 404, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: no buildinfo endpoint (404)", .want_version = "", .no_values = true},
    {.label = "buildinfo version with control chars", .kind = COMP_LOKI, .check = "buildinfo",
     .body = "{\"version\":\"3.0\\u001b[31m.0\\n\"}", .http_status = 200, .want = ST_OK, .want_version = "3.0.0"},

    /* labels */
    {.label = "labels", .kind = COMP_LOKI, .check = "labels", .fixture = "loki/labels.json", .http_status = 200,
     .want = ST_OK, .want_sub = "3 labels: foo, bar, baz", .vals = {{"labels", 3}}},
    {.label = "labels empty is WARN", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"success\",\"data\":[]}", .http_status = 200, .want = ST_WARN,
     .want_sub = "no labels yet: nothing has been ingested in the last 6h", .vals = {{"labels", 0}}},
    {.label = "labels no data key is WARN (Loki 3 before anything was ingested)", .kind = COMP_LOKI,
     .check = "labels", .body = "{\"status\":\"success\"}", .http_status = 200, .want = ST_WARN,
     .want_sub = "no labels yet: nothing has been ingested in the last 6h", .vals = {{"labels", 0}}},
    {.label = "labels empty with a tenant names it", .kind = COMP_LOKI, .check = "labels", .tenant = "team-a",
     .body = "{\"status\":\"success\",\"data\":[]}", .http_status = 200, .want = ST_WARN,
     .want_sub = "no labels yet: nothing has been ingested in the last 6h for tenant \"team-a\" (is the tenant right?)",
     .vals = {{"labels", 0}}},
    {.label = "labels error status without data still FAIL", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"error\"}", .http_status = 200, .want = ST_FAIL, .want_sub = "no error message"},
    {.label = "labels null is empty", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"success\",\"data\":null}", .http_status = 200, .want = ST_WARN,
     .want_sub = "no labels yet", .vals = {{"labels", 0}}},
    {.label = "labels many truncated list", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"success\",\"data\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"]}",
     .http_status = 200, .want = ST_OK, .want_sub = "10 labels: a, b, c, d, e, f, g, h, ...",
     .vals = {{"labels", 10}}},
    {.label = "labels data object", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"success\",\"data\":{\"foo\":1}}", .http_status = 200, .want = ST_FAIL,
     .want_sub = "unexpected JSON from /loki/api/v1/labels: data is not a list of label names — is this really Loki?",
     .no_values = true},
    {.label = "labels 401 no org id", .kind = COMP_LOKI, .check = "labels", .fixture = "loki/error_401_no_org_id.txt",
     .http_status = 401, .want = ST_FAIL,
     .want_sub = "401 no org id: the X-Scope-OrgID tenant header is missing — set tenant: for this component",
     .no_values = true},
    {.label = "labels html", .kind = COMP_LOKI, .check = "labels", .body = "<!doctype html><title>Grafana</title>",
     .http_status = 200, .want = ST_FAIL,
     .want_sub = "invalid JSON from /loki/api/v1/labels: <!doctype html><title>Grafana</title> — is this really Loki?"},
    {.label = "labels truncated", .kind = COMP_LOKI, .check = "labels", .body = "{\"status\":\"success\",\"data\":[\"fo",
     .http_status = 200, .want = ST_FAIL, .want_sub = "invalid JSON from /loki/api/v1/labels"},
    {.label = "labels error envelope", .kind = COMP_LOKI, .check = "labels",
     .body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid time\"}", .http_status = 200,
     .want = ST_FAIL, .want_sub = "error from /loki/api/v1/labels (bad_data): invalid time"},

    /* /metrics */
    {.label = "metrics excerpt", .kind = COMP_LOKI, .check = "metrics", .fixture = "loki/metrics_excerpt_constructed.txt",
     .http_status = 200, .want = ST_OK, .want_sub = "95412 lines, 18374562 bytes received since start",
     .vals = {{"lines_received_total", 95412}, {"bytes_received_total", 18374562}}},
    {.label = "metrics summed over label sets", .kind = COMP_LOKI, .check = "metrics",
     .body = "loki_distributor_lines_received_total{tenant=\"a\"} 10\n"
             "loki_distributor_lines_received_total{tenant=\"a\",aggregated_metric=\"true\"} 5\n"
             "loki_distributor_lines_received_total{tenant=\"b\",policy=\"x\"} 1\n",
     .http_status = 200, .want = ST_OK, .want_sub = "16 lines received since start",
     .vals = {{"lines_received_total", 16}}, .absent = "bytes_received_total"},
    {.label = "metrics not a distributor", .kind = COMP_LOKI, .check = "metrics",
     .body = "loki_build_info{version=\"3.5.1\"} 1\n", .http_status = 200, .want = ST_OK,
     .want_sub = "no loki_distributor_lines_received_total here", .no_values = true},
    {.label = "metrics not loki", .kind = COMP_LOKI, .check = "metrics",
     .fixture = "tempo/metrics_excerpt_constructed.txt", .http_status = 200, .want = ST_WARN,
     .want_sub = "no loki_* metrics on /metrics: is this Loki?", .no_values = true},
    {.label = "metrics 404 skipped", .kind = COMP_LOKI, .check = "metrics", .body = "", .http_status = 404,
     .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "skipped", .no_values = true},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(cases)];
    ptc_add_rows(tests, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
