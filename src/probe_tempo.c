/* probe_tempo: Grafana Tempo checks. Build info exists from 2.3 only, so /metrics is also
 * read for tempo_build_info; 2.x and 3.x metric names are both probed. */
#include <stdio.h>
#include <string.h>

#include "flow.h"
#include "lgtmtop/canary.h"
#include "probes.h"

static void tempo_parse_buildinfo(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status == 404) /* the version comes from tempo_build_info on /metrics */
        obs_set(o, ST_OK, "no /api/status/buildinfo (Tempo < 2.3); version from /metrics");
    else /* anything else that is not build info: skipped with the reason, never failed */
        probe_parse_buildinfo(r, c, o);
}

enum { TEMPO_SPANS, TEMPO_TRACES_V2, TEMPO_TRACES_V3, TEMPO_BYTES, TEMPO_GENERATOR };
enum { TEMPO_ANY, TEMPO_DISTRIBUTOR };

static void tempo_parse_metrics(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!probe_metrics_status(r, c, o))
        return;
    struct probe_metric_sum sums[] = {
            [TEMPO_SPANS] = {"tempo_distributor_spans_received_total", 0, false},
            [TEMPO_TRACES_V2] = {"tempo_ingester_traces_created_total", 0, false},
            [TEMPO_TRACES_V3] = {"tempo_live_store_traces_created_total", 0, false},
            [TEMPO_BYTES] = {"tempo_distributor_bytes_received_total", 0, false},
            [TEMPO_GENERATOR] = {"tempo_metrics_generator_spans_received_total", 0, false},
    };
    struct probe_metric_prefix prefixes[] = {
            [TEMPO_ANY] = {"tempo_", false},
            [TEMPO_DISTRIBUTOR] = {"tempo_distributor_", false},
    };
    struct probe_metrics_scan s = {sums,      ARRAY_LEN(sums), prefixes, ARRAY_LEN(prefixes), "tempo_build_info",
                                   "version", false,           ""};
    probe_metrics_scan(r->body, r->body_len, &s);
    if (!prefixes[TEMPO_ANY].seen) {
        obs_set(o, ST_WARN,
                "no tempo_* metrics on /metrics: is this Tempo? (no "
                "tempo_distributor_spans_received_total: spans/s unknown)");
        return;
    }
    if (s.info_found && s.info_value[0])
        snprintf(o->version, sizeof(o->version), "%s", s.info_value);

    struct buf msg;
    buf_init(&msg);
    const struct probe_metric_sum *traces = sums[TEMPO_TRACES_V2].found   ? &sums[TEMPO_TRACES_V2]
                                            : sums[TEMPO_TRACES_V3].found ? &sums[TEMPO_TRACES_V3]
                                                                          : NULL;
    if (sums[TEMPO_SPANS].found) {
        obs_add_value(o, "spans_received_total", sums[TEMPO_SPANS].sum, OBS_COUNTER);
        buf_printf(&msg, "%.0f spans received since start", sums[TEMPO_SPANS].sum);
    } else if (s.info_found || prefixes[TEMPO_DISTRIBUTOR].seen) {
        /* The per-tenant counter is created by the first span: on a live Tempo, absent = 0. */
        obs_add_value(o, "spans_received_total", 0, OBS_COUNTER);
        buf_puts(&msg, "no spans received since start");
    } else {
        buf_puts(&msg, "no tempo_distributor_spans_received_total here (not a distributor?)");
    }
    /* Bytes too: absent = 0 only when no per-tenant counter exists yet, never when just this one
     * is missing (a version difference). */
    if (sums[TEMPO_BYTES].found || (!sums[TEMPO_SPANS].found && (s.info_found || prefixes[TEMPO_DISTRIBUTOR].seen)))
        obs_add_value(o, "bytes_received_total", sums[TEMPO_BYTES].sum, OBS_COUNTER);
    if (traces) {
        obs_add_value(o, "traces_created_total", traces->sum, OBS_COUNTER);
        buf_printf(&msg, ", %.0f traces created", traces->sum);
    } else {
        obs_detail_line(o, "no tempo_ingester_traces_created_total (2.x) or tempo_live_store_traces_created_total "
                           "(3.x) here: traces/s unknown");
    }
    if (!sums[TEMPO_BYTES].found && sums[TEMPO_SPANS].found)
        obs_detail_line(o, "no tempo_distributor_bytes_received_total here: bytes/s unknown");
    if (sums[TEMPO_GENERATOR].found) /* a metrics-generator is running and gets spans */
        obs_add_value(o, "generator_spans_total", sums[TEMPO_GENERATOR].sum, OBS_GAUGE);
    static const struct flow_metric per_tenant[] = {
            {"tempo_distributor_spans_received_total", "spans_received_total", "spans"},
            {"tempo_distributor_bytes_received_total", "bytes_received_total", "bytes"},
            {"tempo_ingester_traces_created_total", "traces_created_total", "traces"},
            {"tempo_live_store_traces_created_total", "traces_created_total", "traces"},
    };
    o->data = flow_tenant_table(r->body, r->body_len, "tenant", per_tenant, ARRAY_LEN(per_tenant), o);
    if (o->version[0])
        buf_printf(&msg, " (Tempo %s)", o->version);
    obs_set(o, ST_OK, "%s", msg.data);
    buf_free(&msg);
}

static const struct check_def tempo_checks[] = {
        {.name = "ready", .path = "/ready", .flags = CHECK_RAW, .parse = probe_parse_ready},
        {.name = "buildinfo", .path = "/api/status/buildinfo", .flags = CHECK_RAW, .parse = tempo_parse_buildinfo},
        {.name = "metrics", .path = "/metrics", .flags = CHECK_RAW | CHECK_COUNTERS, .parse = tempo_parse_metrics},
        {.name = "search", .path_fn = tempo_path_search, .parse = tempo_parse_search, .min_period_ms = 30000},
        {.name = "services",
         .path = "/api/v2/search/tag/resource.service.name/values",
         .parse = tempo_parse_services_v2,
         .multi = &tempo_services_multi,
         .min_period_ms = 60000},
        {.name = "span_counts",
         .path_fn = tempo_path_span_counts,
         .flags = CHECK_RAW,
         .parse = tempo_parse_span_counts,
         .min_period_ms = 60000},
        {.name = "otlp_grpc", .flags = CHECK_OWN_ADDRESS, .multi = &otlp_grpc_multi, .min_period_ms = 15000},
        {.name = "otlp_http", .flags = CHECK_OWN_ADDRESS, .multi = &otlp_http_multi, .min_period_ms = 15000},
        {.name = "canary", .flags = CHECK_CANARY, .multi = &canary_tempo_multi, .min_period_ms = CANARY_MIN_PERIOD_MS},
};

const struct probe_kind probe_tempo = {
        COMP_TEMPO, tempo_checks, ARRAY_LEN(tempo_checks), "tempo", "Tempo",
};
