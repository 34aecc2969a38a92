/* loki: Grafana Loki checks. Build info is an unwrapped object; label names over the
 * default 6h window tell whether anything is being ingested for this tenant. */
#include <stdio.h>
#include <string.h>

#include "lgtmtop/canary.h"
#include "flow.h"
#include "common.h"

#define LOKI_LABELS_LISTED 8

/* WARN for "no label names": nothing has been ingested in the window (6h by default) for
 * this tenant. A wrong tenant answers the same way (API-NOTES pitfall 2), so say which one. */
static void loki_no_labels(const struct component_cfg *c, struct obs *o)
{
    obs_add_value(o, VK_LABELS, 0);
    if (c && c->tenant && *c->tenant)
        obs_set(o, ST_WARN,
                "no labels yet: nothing has been ingested in the last 6h for tenant \"%s\" (is the "
                "tenant right?)",
                c->tenant);
    else
        obs_set(o, ST_WARN, "no labels yet: nothing has been ingested in the last 6h");
}

/* {"status":"success"} and nothing else: what Loki 3.x answers before anything was ingested
 * (the empty list is left out of the JSON). */
static bool loki_labels_bare_success(const struct http_response *r)
{
    cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    bool bare = cJSON_IsObject(root) && cJSON_IsString(st) && strcmp(st->valuestring, "success") == 0 &&
                !cJSON_HasObjectItem(root, "data");
    cJSON_Delete(root);
    return bare;
}

static void loki_parse_labels(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (loki_labels_bare_success(r)) {
        loki_no_labels(c, o);
        return;
    }
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    /* An empty result may come as [] or as null (a nil Go slice). */
    if (data && !cJSON_IsArray(data) && !cJSON_IsNull(data)) {
        probe_shape_error(r, c, o, "data is not a list of label names");
        goto out;
    }
    int n = cJSON_IsArray(data) ? cJSON_GetArraySize(data) : 0;
    if (n == 0) {
        loki_no_labels(c, o);
        goto out;
    }
    obs_add_value(o, VK_LABELS, n);
    struct buf list;
    buf_init(&list);
    int i = 0;
    const cJSON *l;
    cJSON_ArrayForEach(l, data)
    {
        if (i < LOKI_LABELS_LISTED && cJSON_IsString(l))
            buf_printf(&list, "%s%s", i ? ", " : "", l->valuestring);
        i++;
    }
    obs_set(o, ST_OK, "%d label%s: %s%s", n, n == 1 ? "" : "s", list.data ? list.data : "",
            n > LOKI_LABELS_LISTED ? ", ..." : "");
    buf_free(&list);
out:
    cJSON_Delete(root);
}

static void loki_parse_metrics(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!probe_metrics_status(r, c, o))
        return;
    /* Label sets changed across versions (pitfall 13): sum every series of each name. */
    struct probe_metric_sum sums[] = {
            {.name = "loki_distributor_lines_received_total"},
            {.name = "loki_distributor_bytes_received_total"},
    };
    struct probe_metric_prefix prefixes[] = {{"loki_", false}, {"loki_distributor_", false}};
    struct probe_metrics_scan s = {.sums = sums,
                                   .nsums = ARRAY_LEN(sums),
                                   .prefixes = prefixes,
                                   .nprefixes = ARRAY_LEN(prefixes),
                                   .info_metric = "loki_build_info",
                                   .info_label = "version"};
    static const struct flow_metric per_tenant[] = {
            {"loki_distributor_lines_received_total", VK_LINES_RECEIVED_TOTAL, "lines"},
            {"loki_distributor_bytes_received_total", VK_BYTES_RECEIVED_TOTAL, "bytes"},
    };
    /* One pass over the page: the per-tenant table rides along with the sums. */
    struct flow_tenant_scan *ts = flow_tenant_scan_new("tenant", per_tenant, ARRAY_LEN(per_tenant));
    s.also = flow_tenant_scan_sample;
    s.also_ud = ts;
    s.also_wants = flow_tenant_scan_wants;
    probe_metrics_scan(r->body, r->body_len, &s);
    if (s.info_found && s.info_value[0])
        snprintf(o->version, sizeof(o->version), "%s", s.info_value);
    if (probe_metrics_invalid(&s, o)) {
        flow_tenant_scan_free(ts);
        return;
    }
    if (sums[0].found)
        obs_add_value(o, VK_LINES_RECEIVED_TOTAL, sums[0].sum);
    if (sums[1].found)
        obs_add_value(o, VK_BYTES_RECEIVED_TOTAL, sums[1].sum);
    o->data = flow_tenant_scan_table(ts, o);
    if (!sums[0].found && !sums[1].found && prefixes[1].seen) {
        /* A distributor (other loki_distributor_* series) whose per-tenant counters do not exist
         * yet: they are created by the first push, so nothing was received since it started. */
        obs_add_value(o, VK_LINES_RECEIVED_TOTAL, 0);
        obs_add_value(o, VK_BYTES_RECEIVED_TOTAL, 0);
        obs_set(o, ST_OK,
                "no lines received since start (a distributor without "
                "loki_distributor_lines_received_total yet)");
    } else if (sums[0].found || sums[1].found) {
        if (sums[0].found && sums[1].found)
            obs_set(o, ST_OK, "%.0f lines, %.0f bytes received since start", sums[0].sum, sums[1].sum);
        else if (sums[0].found)
            obs_set(o, ST_OK, "%.0f lines received since start", sums[0].sum);
        else
            obs_set(o, ST_OK, "%.0f bytes received since start", sums[1].sum);
    } else if (prefixes[0].seen) {
        /* Per-tenant counters appear with the first push, and only on distributors. */
        obs_set(o, ST_OK,
                "no loki_distributor_lines_received_total here (not a distributor, or nothing "
                "pushed yet)");
    } else {
        obs_set(o, ST_WARN, "no loki_* metrics on /metrics: is this Loki?");
    }
}

static const struct check_def loki_checks[] = {
        {.id = CID_READY, .name = "ready", .path = "/ready", .flags = CHECK_RAW, .parse = probe_parse_ready},
        {.id = CID_BUILDINFO,
         .name = "buildinfo",
         .path = "/loki/api/v1/status/buildinfo",
         .flags = CHECK_RAW,
         .parse = probe_parse_buildinfo},
        {.id = CID_LABELS, .name = "labels", .path = "/loki/api/v1/labels", .parse = loki_parse_labels},
        {.id = CID_METRICS,
         .name = "metrics",
         .path = "/metrics",
         .flags = CHECK_RAW | CHECK_COUNTERS,
         .parse = loki_parse_metrics},
        {.id = CID_CANARY,
         .name = "canary",
         .flags = CHECK_CANARY,
         .multi = &canary_loki_multi,
         .min_period_ms = CANARY_MIN_PERIOD_MS},
};

const struct probe_kind probe_loki = {
        COMP_LOKI,
        loki_checks,
        ARRAY_LEN(loki_checks),
};
