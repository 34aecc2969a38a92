/* Tempo checks on the real fixtures plus constructed bad bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_test.h"

static const struct ptc_case cases[] = {
    /* /ready */
    {.label = "ready ok", .kind = COMP_TEMPO, .check = "ready", .fixture = "tempo/ready_ok_body.txt",
     .http_status = 200, .want = ST_OK, .want_sub = "ready", .no_values = true},
    {.label = "ready 503 ingester v2", .kind = COMP_TEMPO, .check = "ready", .fixture = "tempo/ready_503_ingester_v2.txt",
     .http_status = 503, .want = ST_WARN, .want_sub = "starting (503): Ingester not ready: waiting for 15s after being ready"},
    {.label = "ready 503 query frontend", .kind = COMP_TEMPO, .check = "ready",
     .fixture = "tempo/ready_503_query_frontend.txt", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): Query Frontend not ready: not ready: number of queriers connected to query-frontend is 0"},
    {.label = "ready 503 services Starting count", .kind = COMP_TEMPO, .check = "ready",
     .fixture = "tempo/ready_503_services_not_running.txt", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): Some services are not Running: Starting: 1 Running: 11",
     .want_detail = "Starting: 1\nRunning: 11"},
    {.label = "ready 503 services Stopping", .kind = COMP_TEMPO, .check = "ready",
     .body = "Some services are not Running:\nStarting: 0\nStopping: 2\nRunning: 10\n", .http_status = 503,
     .want = ST_FAIL, .want_sub = "not ready (503): Some services are not Running"},
    {.label = "ready 503 services zero counts only", .kind = COMP_TEMPO, .check = "ready",
     .body = "Some services are not Running:\nStarting: 0\n", .http_status = 503, .want = ST_FAIL,
     .want_sub = "not ready (503)"},
    {.label = "ready 503 live-store catching up", .kind = COMP_TEMPO, .check = "ready",
     .body = "LiveStore not ready: partition lag 12000 above target\n", .http_status = 503, .want = ST_WARN,
     .want_sub = "starting (503): LiveStore not ready"},
    {.label = "ready 503 stopping", .kind = COMP_TEMPO, .check = "ready", .body = "Application is stopping",
     .http_status = 503, .want = ST_FAIL, .want_sub = "not ready (503): Application is stopping"},

    /* build info */
    {.label = "buildinfo", .kind = COMP_TEMPO, .check = "buildinfo", .fixture = "tempo/buildinfo_constructed.json",
     .http_status = 200, .want = ST_OK, .want_sub = "Tempo 2.10.4 (a1b2c3d4e, go1.25.6)", .want_version = "2.10.4",
     .no_values = true},
    {.label = "buildinfo 404 before 2.3", .kind = COMP_TEMPO, .check = "buildinfo", .body = "404 page not found\n",
     .http_status = 404, .want = ST_OK,
     .want_sub = "no /api/status/buildinfo (Tempo < 2.3); version from /metrics", .want_version = ""},
    {.label = "buildinfo 500 skipped", .kind = COMP_TEMPO, .check = "buildinfo", .body = "oops", .http_status = 500,
     .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "version unknown: HTTP 500: oops"},
    {.label = "buildinfo garbage skipped", .kind = COMP_TEMPO, .check = "buildinfo", .body = "echo\n",
     .http_status = 200, .want = ST_UNKNOWN, .want_skipped = true,
     .want_sub = "version unknown: /api/status/buildinfo answers something that is not JSON: echo"},

    /* /metrics */
    {.label = "metrics 2.x", .kind = COMP_TEMPO, .check = "metrics", .fixture = "tempo/metrics_excerpt_constructed.txt",
     .http_status = 200, .want = ST_OK,
     .want_sub = "16 spans received since start, 7 traces created (Tempo 2.10.4)", .want_version = "2.10.4",
     .vals = {{"spans_received_total", 16}, {"traces_created_total", 7}}},
    {.label = "metrics 3.x live-store", .kind = COMP_TEMPO, .check = "metrics",
     .fixture = "tempo/metrics_excerpt_v3_livestore_constructed.txt", .http_status = 200, .want = ST_OK,
     .want_sub = "71460 spans received since start, 23811 traces created", .want_version = "",
     .vals = {{"spans_received_total", 71460}, {"traces_created_total", 23811}}},
    {.label = "metrics spans summed over tenants", .kind = COMP_TEMPO, .check = "metrics",
     .body = "tempo_distributor_spans_received_total{tenant=\"a\"} 3\n"
             "tempo_distributor_spans_received_total{tenant=\"b\"} 4\n",
     .http_status = 200, .want = ST_OK, .want_sub = "7 spans received since start",
     .vals = {{"spans_received_total", 7}}, .absent = "traces_created_total"},
    {.label = "metrics no span yet, build info present: true zero", .kind = COMP_TEMPO, .check = "metrics",
     .body = "# TYPE tempo_build_info gauge\ntempo_build_info{branch=\"HEAD\",version=\"2.4.1\"} 1\n"
             "tempo_request_duration_seconds_count{route=\"ready\"} 3\n",
     .http_status = 200, .want = ST_OK, .want_sub = "no spans received since start (Tempo 2.4.1)",
     .want_version = "2.4.1", .vals = {{"spans_received_total", 0}}, .absent = "traces_created_total"},
    {.label = "metrics no span yet, other distributor series: true zero", .kind = COMP_TEMPO, .check = "metrics",
     .body = "tempo_distributor_bytes_received_total{tenant=\"single-tenant\"} 0\n", .http_status = 200,
     .want = ST_OK, .want_sub = "no spans received since start", .vals = {{"spans_received_total", 0}}},
    {.label = "metrics not a distributor: no false zero", .kind = COMP_TEMPO, .check = "metrics",
     .body = "tempo_request_duration_seconds_count{route=\"ready\"} 3\n", .http_status = 200, .want = ST_OK,
     .want_sub = "not a distributor", .no_values = true},
    {.label = "metrics not tempo", .kind = COMP_TEMPO, .check = "metrics",
     .fixture = "mimir/metrics_distributor_excerpt_constructed.txt", .http_status = 200, .want = ST_WARN,
     .want_sub = "no tempo_* metrics on /metrics: is this Tempo?", .no_values = true, .want_version = ""},
    {.label = "metrics empty body", .kind = COMP_TEMPO, .check = "metrics", .body = "", .http_status = 200,
     .want = ST_WARN, .want_sub = "is this Tempo?", .no_values = true},
    {.label = "metrics 404 skipped", .kind = COMP_TEMPO, .check = "metrics", .body = "", .http_status = 404,
     .want = ST_UNKNOWN, .want_skipped = true, .want_sub = "skipped: /metrics answers 404", .no_values = true},
};

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(cases)];
    ptc_add_rows(tests, cases, ARRAY_LEN(cases));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
