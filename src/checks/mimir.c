/* mimir: Grafana Mimir's checks (Cortex answers the same API). The Prometheus API lives under
 * the configurable prefix (default /prometheus); /ready, build info and /metrics do not. Also
 * the span-metrics series Tempo's metrics-generator writes here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "flow.h"
#include "lgtmtop/canary.h"

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- Mimir: the metrics-generator's output ---------------------------------------------- */

static const char spanmetrics_query[] =
        "count by (__name__) ({__name__=~\"traces_spanmetrics_calls_total|traces_spanmetrics_latency_count|"
        "traces_service_graph_request_total\"})";

/* How many span-metrics / service-graph series (the metrics-generator's output) exist. */
static void mimir_path_spanmetrics(const struct component_cfg *c, struct buf *out)
{
    char prefix[128];
    probe_api_prefix(c, prefix, sizeof(prefix));
    buf_printf(out, "%s/api/v1/query?query=", prefix);
    probe_url_encode(out, spanmetrics_query);
}

static void mimir_parse_spanmetrics(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (result && !cJSON_IsArray(result) && !cJSON_IsNull(result)) {
        probe_shape_error(r, c, o, "data.result is not a list");
        cJSON_Delete(root);
        return;
    }
    double total = 0;
    struct buf names;
    buf_init(&names);
    cJSON *out = cJSON_CreateObject();
    cJSON *series = cJSON_AddObjectToObject(out, "series");
    const cJSON *s;
    int k = 0;
    double bad = 0;
    const char *bad_name = NULL;
    cJSON_ArrayForEach(s, result)
    {
        const cJSON *val = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "value"), 1);
        double v = cJSON_IsString(val) ? strtod(val->valuestring, NULL) : cJSON_IsNumber(val) ? val->valuedouble : 0;
        const char *name = json_string(cJSON_GetObjectItemCaseSensitive(s, "metric"), "__name__");
        /* A series count is a whole number well below 2^53; anything else is not a count. */
        if (!probe_counter_ok(v) || v >= 9007199254740992.0) {
            if (!bad_name)
                bad = v, bad_name = name ? name : "unnamed series";
            v = 0;
        }
        total += v;
        cJSON_AddNumberToObject(series, name ? name : "(unnamed)", v);
        buf_printf(&names, "%s%s %.0f", k++ ? ", " : "", name ? name : "unnamed series", v);
    }
    if (!bad_name)
        obs_add_value(o, VK_SPANMETRICS_SERIES, total);
    char w[32];
    if (bad_name)
        obs_set(o, ST_WARN, "invalid span-metrics series count %s for %s — not a count",
                probe_number_word(bad, w, sizeof(w)), bad_name);
    else if (total > 0)
        obs_set(o, ST_OK, "%.0f span-metrics series (%s)", total, names.data);
    else
        obs_set(o, ST_OK,
                "no span metrics (traces_spanmetrics_*, traces_service_graph_*) — expected only if "
                "Tempo's metrics-generator writes here");
    buf_free(&names);
    cJSON_Delete(o->data);
    o->data = out;
    cJSON_Delete(root);
}

static void mimir_parse_metrics(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!probe_metrics_status(r, c, o))
        return;
    /* Newer Mimir adds type="float|histogram": summing every series covers both. */
    struct probe_metric_sum sums[] = {{.name = "cortex_distributor_received_samples_total"}};
    struct probe_metric_prefix prefixes[] = {{"cortex_", false}};
    struct probe_metrics_scan s = {.sums = sums,
                                   .nsums = ARRAY_LEN(sums),
                                   .prefixes = prefixes,
                                   .nprefixes = ARRAY_LEN(prefixes),
                                   .info_metric = "cortex_build_info",
                                   .info_label = "version"};
    static const struct flow_metric per_tenant[] = {
            {"cortex_distributor_received_samples_total", VK_SAMPLES_RECEIVED_TOTAL, "samples"},
    };
    /* One pass over the page: the per-tenant table rides along with the sums. */
    struct flow_tenant_scan *ts = flow_tenant_scan_new("user", per_tenant, ARRAY_LEN(per_tenant));
    s.also = flow_tenant_scan_sample;
    s.also_ud = ts;
    s.also_wants = flow_tenant_scan_wants;
    probe_metrics_scan(r->body, r->body_len, &s);
    if (s.info_found && s.info_value[0]) /* the version where there is no build info API (Cortex) */
        snprintf(o->version, sizeof(o->version), "%s", s.info_value);
    if (probe_metrics_invalid(&s, o)) {
        flow_tenant_scan_free(ts);
        return;
    }
    o->data = flow_tenant_scan_table(ts, o);
    if (sums[0].found) {
        obs_add_value(o, VK_SAMPLES_RECEIVED_TOTAL, sums[0].sum);
        obs_set(o, ST_OK, "%.0f samples received since start", sums[0].sum);
    } else if (prefixes[0].seen) {
        /* Only distributors export it, per tenant once data arrives: no value, never a false zero. */
        obs_set(o, ST_OK,
                "no cortex_distributor_received_samples_total here (not a distributor, or nothing "
                "written yet)");
    } else {
        obs_set(o, ST_WARN, "no cortex_* metrics on /metrics: is this Mimir?");
    }
}

static const struct check_def mimir_checks[] = {
        {.id = CID_READY, .name = "ready", .path = "/ready", .flags = CHECK_RAW, .parse = probe_parse_ready},
        /* build info and the ruler's answers are read whatever the status: a 404 there is "not
     * here" (Cortex has no build info; the ruler may be disabled), not a failure */
        {.id = CID_BUILDINFO,
         .name = "buildinfo",
         .path = "/api/v1/status/buildinfo",
         .flags = CHECK_RAW,
         .parse = probe_parse_buildinfo},
        {.id = CID_QUERY, .name = "query", .path_fn = probe_path_query, .parse = probe_parse_query},
        {.id = CID_RULES, .name = "rules", .path_fn = probe_path_rules, .flags = CHECK_RAW, .parse = probe_parse_rules},
        {.id = CID_ALERTS,
         .name = "alerts",
         .path_fn = probe_path_alerts,
         .flags = CHECK_RAW,
         .parse = probe_parse_alerts},
        {.id = CID_METRICS,
         .name = "metrics",
         .path = "/metrics",
         .flags = CHECK_RAW | CHECK_COUNTERS,
         .parse = mimir_parse_metrics},
        {.id = CID_SPANMETRICS,
         .name = "spanmetrics",
         .path_fn = mimir_path_spanmetrics,
         .parse = mimir_parse_spanmetrics,
         .min_period_ms = 60000},
        {.id = CID_CANARY,
         .name = "canary",
         .flags = CHECK_CANARY,
         .multi = &canary_mimir_multi,
         .min_period_ms = CANARY_MIN_PERIOD_MS},
};

const struct probe_kind probe_mimir = {
        COMP_MIMIR,
        mimir_checks,
        ARRAY_LEN(mimir_checks),
};
