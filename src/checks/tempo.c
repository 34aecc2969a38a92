/* tempo: Grafana Tempo's checks — readiness, build info (from 2.3; older versions give it in
 * /metrics as tempo_build_info, 2.x and 3.x metric names both probed), the ingest counters, and
 * the query side of "is data flowing?": search over a recent window, the services Tempo has
 * seen, TraceQL-metrics span counts per service. Each degrades to a note on servers without the
 * API. The OTLP receivers are in tempo_otlp.c. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common.h"
#include "flow.h"
#include "lgtmtop/canary.h"

/* ---- the query side ---------------------------------------------------------------------- */

#define FLOW_SERVICES_LISTED 8
#define FLOW_SERVICES_KEPT 200

long flow_search_window_s(const struct component_cfg *c)
{
    long ms = c && c->search_window_ms > 0 ? c->search_window_ms : FLOW_DEFAULT_SEARCH_WINDOW_MS;
    return ms / 1000 > 0 ? ms / 1000 : 1;
}

/* start/end of a request URL: the window the check asked for, and "now" as it was then. */
static void url_window(const struct http_response *r, const struct component_cfg *c, long long *now_s, long *window_s)
{
    long long start = 0, end = 0;
    *window_s = flow_search_window_s(c);
    *now_s = 0;
    if (flow_url_param_ll(r->url, "end", &end)) {
        *now_s = end;
        if (flow_url_param_ll(r->url, "start", &start) && end > start)
            *window_s = (long)(end - start);
    }
}

static void window_params(const struct component_cfg *c, struct buf *out)
{
    long long now = (long long)time(NULL);
    buf_printf(out, "start=%lld&end=%lld", now - flow_search_window_s(c), now);
}

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* An int64 that Tempo may write as a string ("1694718625557000000") or a number. */
static bool json_i64(const cJSON *obj, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return true;
    }
    if (cJSON_IsString(v) && *v->valuestring) {
        char *end = NULL;
        double d = strtod(v->valuestring, &end);
        if (end && *end == '\0' && isfinite(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

/* ---- search ------------------------------------------------------------------------------ */

void tempo_path_search(const struct component_cfg *c, struct buf *out)
{
    buf_puts(out, "/api/search?");
    window_params(c, out);
    buf_printf(out, "&limit=%d", FLOW_SEARCH_LIMIT);
}

void tempo_parse_search(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    long long now_s;
    long window_s;
    url_window(r, c, &now_s, &window_s);
    tempo_parse_search_at(r, c, now_s, window_s, o);
}

void tempo_parse_search_at(const struct http_response *r, const struct component_cfg *c, long long now_s, long window_s,
                           struct obs *o)
{
    char win[32];
    flow_window_text(window_s * 1000, win, sizeof(win));
    const cJSON *traces;
    cJSON *root = probe_json_list(r, c, o, "traces", &traces);
    if (!root)
        return;
    /* An empty result may leave "traces" out entirely. */
    int n = cJSON_IsArray(traces) ? cJSON_GetArraySize(traces) : 0;
    double newest_ns = -1;
    struct buf roots;
    buf_init(&roots);
    int nroots = 0;
    cJSON *data = cJSON_CreateObject();
    cJSON_AddNumberToObject(data, "window_s", (double)window_s);
    cJSON_AddNumberToObject(data, "limit", FLOW_SEARCH_LIMIT);
    cJSON *list = cJSON_AddArrayToObject(data, "traces");
    const cJSON *t;
    cJSON_ArrayForEach(t, traces)
    {
        double start_ns = -1, dur_ms = -1;
        json_i64(t, "startTimeUnixNano", &start_ns);
        json_i64(t, "durationMs", &dur_ms);
        if (start_ns > newest_ns)
            newest_ns = start_ns;
        const char *id = json_string(t, "traceID");
        const char *svc = json_string(t, "rootServiceName");
        const char *name = json_string(t, "rootTraceName");
        if (svc && *svc && nroots < FLOW_SERVICES_LISTED && !(roots.data && strstr(roots.data, svc))) {
            buf_printf(&roots, "%s%s", nroots ? ", " : "", svc);
            nroots++;
        }
        cJSON *row = cJSON_CreateObject();
        cJSON_AddItemToObject(row, "traceID", id ? cJSON_CreateString(id) : cJSON_CreateNull());
        cJSON_AddItemToObject(row, "rootServiceName", svc ? cJSON_CreateString(svc) : cJSON_CreateNull());
        cJSON_AddItemToObject(row, "rootTraceName", name ? cJSON_CreateString(name) : cJSON_CreateNull());
        if (dur_ms >= 0)
            cJSON_AddNumberToObject(row, "durationMs", dur_ms);
        if (start_ns >= 0 && now_s > 0)
            cJSON_AddNumberToObject(row, "age_s", fmax(0.0, round((double)now_s - start_ns / 1e9)));
        cJSON_AddItemToArray(list, row);
        char dur[32] = "", age[32] = "";
        if (dur_ms >= 0)
            snprintf(dur, sizeof(dur), "%.0fms", dur_ms);
        if (start_ns >= 0 && now_s > 0)
            duration_format((long)fmax(0.0, ((double)now_s - start_ns / 1e9) * 1000.0), age, sizeof(age));
        if (age[0])
            strncat(age, " ago", sizeof(age) - strlen(age) - 1);
        const char *cols[] = {id, svc, name, dur, age};
        probe_detail_cols(o, cols, ARRAY_LEN(cols));
    }
    cJSON_AddNumberToObject(data, "traces_found", n);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "metrics");
    double inspected;
    if (json_i64(m, "inspectedTraces", &inspected))
        cJSON_AddNumberToObject(data, "inspected_traces", inspected);
    if (json_i64(m, "inspectedBytes", &inspected))
        cJSON_AddNumberToObject(data, "inspected_bytes", inspected);
    obs_add_value(o, VK_TRACES_FOUND, n);

    if (n == 0) {
        obs_set(o, ST_OK, "no traces found in the last %s", win);
    } else {
        char newest[48] = "";
        if (newest_ns >= 0 && now_s > 0) {
            double age_ms = fmax(0.0, ((double)now_s - newest_ns / 1e9) * 1000.0);
            char d[16];
            snprintf(newest, sizeof(newest), "newest %s ago; ", duration_format((long)age_ms, d, sizeof(d)));
            cJSON_AddNumberToObject(data, "newest_age_s", round(age_ms / 1000.0));
            obs_add_value(o, VK_NEWEST_TRACE_AGE_S, round(age_ms / 1000.0));
        }
        obs_set(o, ST_OK, "%d%s trace%s in the last %s (%sroot services: %s)", n, n >= FLOW_SEARCH_LIMIT ? "+" : "",
                n == 1 ? "" : "s", win, newest, nroots ? roots.data : "-");
    }
    buf_free(&roots);
    cJSON_Delete(o->data);
    o->data = data;
    cJSON_Delete(root);
}

/* ---- services (tag values) ---------------------------------------------------------------- */

void tempo_parse_tag_values(const struct http_response *r, const struct component_cfg *c, bool v2, long window_s,
                            struct obs *o)
{
    char win[32];
    flow_window_text(window_s * 1000, win, sizeof(win));
    const cJSON *vals;
    cJSON *root = probe_json_list(r, c, o, "tagValues", &vals);
    if (!root)
        return;
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "api", v2 ? "v2" : "v1");
    cJSON_AddNumberToObject(data, "window_s", (double)window_s);
    cJSON *list = cJSON_AddArrayToObject(data, "services");
    struct buf names;
    buf_init(&names);
    int n = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, vals)
    {
        /* v1: plain strings; v2: {"type":"string","value":"x"} — accept either in both. */
        const char *s = cJSON_IsString(v) ? v->valuestring : json_string(v, "value");
        if (!s)
            continue;
        char clean[128];
        text_oneline(clean, sizeof(clean), s, strlen(s));
        if (n < FLOW_SERVICES_KEPT)
            cJSON_AddItemToArray(list, cJSON_CreateString(clean));
        if (n < FLOW_SERVICES_LISTED)
            buf_printf(&names, "%s%s", n ? ", " : "", clean);
        obs_detail_line(o, "%s", clean);
        n++;
    }
    obs_add_value(o, VK_SERVICES, n);
    if (n == 0)
        obs_set(o, ST_OK, "no services seen in the last %s (service.name, %s API)", win, v2 ? "v2" : "v1");
    else
        obs_set(o, ST_OK, "%d service%s (%s API): %s%s", n, n == 1 ? "" : "s", v2 ? "v2" : "v1", names.data,
                n > FLOW_SERVICES_LISTED ? ", ..." : "");
    buf_free(&names);
    cJSON_Delete(o->data);
    o->data = data;
    cJSON_Delete(root);
}

/* The first (v2) response alone, as a single-request parser (window from the URL). */
static void tempo_parse_services_v2(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    long long now_s;
    long window_s;
    url_window(r, c, &now_s, &window_s);
    tempo_parse_tag_values(r, c, true, window_s, o);
}

struct services_run {
    long window_s;
    long long now_s;
    bool have;
    struct obs result;
};

static void services_path(struct multi_run *run, bool v2, struct buf *out)
{
    struct services_run *d = run->data;
    buf_puts(out, v2 ? "/api/v2/search/tag/resource.service.name/values?" : "/api/search/tag/service.name/values?");
    buf_printf(out, "start=%lld&end=%lld", d->now_s - d->window_s, d->now_s);
}

static void services_take(struct multi_run *run, const struct http_response *r, bool v2)
{
    struct services_run *d = run->data;
    obs_free(&d->result);
    obs_init(&d->result);
    if (r->err != NET_OK)
        probe_transport_obs_for(r, run->c, &d->result);
    else if (r->status < 200 || r->status > 299)
        probe_http_error_obs(r, run->c, &d->result);
    else
        tempo_parse_tag_values(r, run->c, v2, d->window_s, &d->result);
    d->have = true;
}

static void services_v1_done(struct multi_run *run, const struct http_response *r, void *arg)
{
    (void)arg;
    services_take(run, r, false);
}

static void services_v2_done(struct multi_run *run, const struct http_response *r, void *arg)
{
    (void)arg;
    if (r->err == NET_OK && r->status == 404) { /* no v2 tag API (Tempo < 2.1): ask v1 */
        struct buf path;
        buf_init(&path);
        services_path(run, false, &path);
        multi_get(run, path.data, services_v1_done, NULL);
        buf_free(&path);
        return;
    }
    services_take(run, r, true);
}

static void services_start(struct multi_run *run)
{
    struct services_run *d = run->data;
    d->window_s = flow_search_window_s(run->c);
    d->now_s = (long long)time(NULL);
    obs_init(&d->result);
    struct buf path;
    buf_init(&path);
    services_path(run, true, &path);
    multi_get(run, path.data, services_v2_done, NULL);
    buf_free(&path);
}

static void services_finish(struct multi_run *run, struct obs *o)
{
    struct services_run *d = run->data;
    if (!d->have) {
        obs_set(o, ST_UNKNOWN, "cancelled before an answer");
        return;
    }
    obs_free(o);
    *o = d->result;
    obs_init(&d->result);
}

static void services_free(void *p)
{
    struct services_run *d = p;
    obs_free(&d->result);
}

const struct multi_check tempo_services_multi = {
        .data_size = sizeof(struct services_run),
        .start = services_start,
        .finish = services_finish,
        .data_free = services_free,
        .max_inflight = 1,
};

/* ---- TraceQL metrics: span counts per service ---------------------------------------------- */

static const char span_counts_query[] = "{} | count_over_time() by (resource.service.name)";

void tempo_path_span_counts(const struct component_cfg *c, struct buf *out)
{
    buf_puts(out, "/api/metrics/query?q=");
    probe_url_encode(out, span_counts_query);
    buf_putc(out, '&');
    window_params(c, out);
}

static bool body_mentions(const struct http_response *r, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= r->body_len; i++)
        if (strncasecmp(r->body + i, word, wl) == 0)
            return true;
    return false;
}

struct svc_count {
    char name[128];
    double spans;
};

static int cmp_counts(const void *a, const void *b)
{
    const struct svc_count *x = a, *y = b;
    if (x->spans != y->spans)
        return x->spans < y->spans ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void tempo_parse_span_counts(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    long long now_s;
    long window_s;
    url_window(r, c, &now_s, &window_s);
    char win[32];
    flow_window_text(window_s * 1000, win, sizeof(win));
    if (r->status == 401 || r->status == 403) {
        probe_http_error_obs(r, c, o);
        return;
    }
    /* Older Tempo has no /api/metrics (404); without the local-blocks processor of the
     * metrics-generator the query is refused (400, or 500 "localblocks processor not found"). */
    if (r->status == 404 || r->status == 400 || r->status == 501 || r->status == 405 ||
        (r->status >= 500 && (body_mentions(r, "localblocks") || body_mentions(r, "local-blocks") ||
                              body_mentions(r, "local blocks") || body_mentions(r, "not enabled")))) {
        o->skipped = true;
        obs_set(o, ST_UNKNOWN,
                "TraceQL metrics not available on this Tempo (HTTP %ld; needs Tempo 2.6+ with the "
                "local-blocks processor)",
                r->status);
        char *d = text_clean_multiline(r->body, r->body_len < 512 ? r->body_len : 512);
        if (*d)
            obs_detail_line(o, "server said: %s", d);
        free(d);
        return;
    }
    if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, c, o);
        if (o->status == ST_FAIL) /* informational: an unhealthy query path shows elsewhere */
            o->status = ST_WARN;
        return;
    }
    const cJSON *series;
    cJSON *root = probe_json_list(r, c, o, "series", &series);
    if (!root)
        return;
    int ns = cJSON_IsArray(series) ? cJSON_GetArraySize(series) : 0;
    struct svc_count *rows = xcalloc(ns > 0 ? (size_t)ns : 1, sizeof(*rows));
    int n = 0;
    double total = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, series)
    {
        double v = 0;
        if (!json_i64(s, "value", &v)) {
            /* range-shaped answers: sum the samples */
            const cJSON *smp;
            cJSON_ArrayForEach(smp, cJSON_GetObjectItemCaseSensitive(s, "samples"))
            {
                double x;
                if (json_i64(smp, "value", &x))
                    v += x;
            }
        }
        const char *name = NULL;
        const cJSON *l;
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(s, "labels"))
        {
            const char *key = json_string(l, "key");
            if (key && (strcmp(key, "resource.service.name") == 0 || strcmp(key, "service.name") == 0))
                name = json_string(cJSON_GetObjectItemCaseSensitive(l, "value"), "stringValue");
        }
        text_oneline(rows[n].name, sizeof(rows[n].name), name ? name : "(no service.name)",
                     strlen(name ? name : "(no service.name)"));
        rows[n].spans = isfinite(v) ? v : 0;
        total += rows[n].spans;
        n++;
    }
    qsort(rows, (size_t)n, sizeof(*rows), cmp_counts);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "query", span_counts_query);
    cJSON_AddNumberToObject(data, "window_s", (double)window_s);
    cJSON *list = cJSON_AddArrayToObject(data, "services");
    struct buf top;
    buf_init(&top);
    for (int i = 0; i < n; i++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "service", rows[i].name);
        cJSON_AddNumberToObject(row, "spans", rows[i].spans);
        cJSON_AddItemToArray(list, row);
        char count[32];
        snprintf(count, sizeof(count), "%.0f spans", rows[i].spans);
        const char *cols[] = {rows[i].name, count};
        probe_detail_cols(o, cols, 2);
        if (i < FLOW_SERVICES_LISTED)
            buf_printf(&top, "%s%s %.0f", i ? ", " : "", rows[i].name, rows[i].spans);
    }
    obs_add_value(o, VK_TRACEQL_SPANS, total);
    obs_add_value(o, VK_TRACEQL_SERVICES, n);
    if (n == 0)
        /* Tempo 2.x answers an empty list, not an error, when no metrics-generator runs the
         * local-blocks processor (seen on a real 2.7 after spans arrived): say so. */
        obs_set(o, ST_OK,
                "TraceQL metrics: no spans in the last %s (also empty when the metrics-generator's "
                "local-blocks processor is off)",
                win);
    else
        obs_set(o, ST_OK, "%.0f spans from %d service%s in the last %s: %s%s", total, n, n == 1 ? "" : "s", win,
                top.data, n > FLOW_SERVICES_LISTED ? ", ..." : "");
    buf_free(&top);
    free(rows);
    cJSON_Delete(o->data);
    o->data = data;
    cJSON_Delete(root);
}

/* ---- readiness, build info, ingest ------------------------------------------------------- */

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
            [TEMPO_SPANS] = {.name = "tempo_distributor_spans_received_total"},
            [TEMPO_TRACES_V2] = {.name = "tempo_ingester_traces_created_total"},
            [TEMPO_TRACES_V3] = {.name = "tempo_live_store_traces_created_total"},
            [TEMPO_BYTES] = {.name = "tempo_distributor_bytes_received_total"},
            [TEMPO_GENERATOR] = {.name = "tempo_metrics_generator_spans_received_total"},
    };
    struct probe_metric_prefix prefixes[] = {
            [TEMPO_ANY] = {"tempo_", false},
            [TEMPO_DISTRIBUTOR] = {"tempo_distributor_", false},
    };
    struct probe_metrics_scan s = {.sums = sums,
                                   .nsums = ARRAY_LEN(sums),
                                   .prefixes = prefixes,
                                   .nprefixes = ARRAY_LEN(prefixes),
                                   .info_metric = "tempo_build_info",
                                   .info_label = "version"};
    static const struct flow_metric per_tenant[] = {
            {"tempo_distributor_spans_received_total", VK_SPANS_RECEIVED_TOTAL, "spans"},
            {"tempo_distributor_bytes_received_total", VK_BYTES_RECEIVED_TOTAL, "bytes"},
            {"tempo_ingester_traces_created_total", VK_TRACES_CREATED_TOTAL, "traces"},
            {"tempo_live_store_traces_created_total", VK_TRACES_CREATED_TOTAL, "traces"},
    };
    /* One pass over the page: the per-tenant table rides along with the sums. */
    struct flow_tenant_scan *ts = flow_tenant_scan_new("tenant", per_tenant, ARRAY_LEN(per_tenant));
    s.also = flow_tenant_scan_sample;
    s.also_ud = ts;
    s.also_wants = flow_tenant_scan_wants;
    probe_metrics_scan(r->body, r->body_len, &s);
    if (!prefixes[TEMPO_ANY].seen) {
        flow_tenant_scan_free(ts);
        obs_set(o, ST_WARN,
                "no tempo_* metrics on /metrics: is this Tempo? (no "
                "tempo_distributor_spans_received_total: spans/s unknown)");
        return;
    }
    if (s.info_found && s.info_value[0])
        snprintf(o->version, sizeof(o->version), "%s", s.info_value);
    if (probe_metrics_invalid(&s, o)) {
        flow_tenant_scan_free(ts);
        return;
    }

    struct buf msg;
    buf_init(&msg);
    const struct probe_metric_sum *traces = sums[TEMPO_TRACES_V2].found   ? &sums[TEMPO_TRACES_V2]
                                            : sums[TEMPO_TRACES_V3].found ? &sums[TEMPO_TRACES_V3]
                                                                          : NULL;
    if (sums[TEMPO_SPANS].found) {
        obs_add_value(o, VK_SPANS_RECEIVED_TOTAL, sums[TEMPO_SPANS].sum);
        buf_printf(&msg, "%.0f spans received since start", sums[TEMPO_SPANS].sum);
    } else if (s.info_found || prefixes[TEMPO_DISTRIBUTOR].seen) {
        /* The per-tenant counter is created by the first span: on a live Tempo, absent = 0. */
        obs_add_value(o, VK_SPANS_RECEIVED_TOTAL, 0);
        buf_puts(&msg, "no spans received since start");
    } else {
        buf_puts(&msg, "no tempo_distributor_spans_received_total here (not a distributor?)");
    }
    /* Bytes too: absent = 0 only when no per-tenant counter exists yet, never when just this one
     * is missing (a version difference). */
    if (sums[TEMPO_BYTES].found || (!sums[TEMPO_SPANS].found && (s.info_found || prefixes[TEMPO_DISTRIBUTOR].seen)))
        obs_add_value(o, VK_BYTES_RECEIVED_TOTAL, sums[TEMPO_BYTES].sum);
    if (traces) {
        obs_add_value(o, VK_TRACES_CREATED_TOTAL, traces->sum);
        buf_printf(&msg, ", %.0f traces created", traces->sum);
    } else {
        obs_detail_line(o, "no tempo_ingester_traces_created_total (2.x) or tempo_live_store_traces_created_total "
                           "(3.x) here: traces/s unknown");
    }
    if (!sums[TEMPO_BYTES].found && sums[TEMPO_SPANS].found)
        obs_detail_line(o, "no tempo_distributor_bytes_received_total here: bytes/s unknown");
    if (sums[TEMPO_GENERATOR].found) /* a metrics-generator is running and gets spans */
        obs_add_value(o, VK_GENERATOR_SPANS_TOTAL, sums[TEMPO_GENERATOR].sum);
    o->data = flow_tenant_scan_table(ts, o);
    if (o->version[0])
        buf_printf(&msg, " (Tempo %s)", o->version);
    obs_set(o, ST_OK, "%s", msg.data);
    buf_free(&msg);
}

static const struct check_def tempo_checks[] = {
        {.id = CID_READY, .name = "ready", .path = "/ready", .flags = CHECK_RAW, .parse = probe_parse_ready},
        {.id = CID_BUILDINFO,
         .name = "buildinfo",
         .path = "/api/status/buildinfo",
         .flags = CHECK_RAW,
         .parse = tempo_parse_buildinfo},
        {.id = CID_METRICS,
         .name = "metrics",
         .path = "/metrics",
         .flags = CHECK_RAW | CHECK_COUNTERS,
         .parse = tempo_parse_metrics},
        {.id = CID_SEARCH,
         .name = "search",
         .path_fn = tempo_path_search,
         .parse = tempo_parse_search,
         .min_period_ms = 30000},
        {.id = CID_SERVICES,
         .name = "services",
         .path = "/api/v2/search/tag/resource.service.name/values",
         .parse = tempo_parse_services_v2,
         .multi = &tempo_services_multi,
         .min_period_ms = 60000},
        {.id = CID_SPAN_COUNTS,
         .name = "span_counts",
         .path_fn = tempo_path_span_counts,
         .flags = CHECK_RAW,
         .parse = tempo_parse_span_counts,
         .min_period_ms = 60000},
        {.id = CID_OTLP_GRPC,
         .name = "otlp_grpc",
         .flags = CHECK_OWN_ADDRESS,
         .multi = &otlp_grpc_multi,
         .min_period_ms = 15000},
        {.id = CID_OTLP_HTTP,
         .name = "otlp_http",
         .flags = CHECK_OWN_ADDRESS,
         .multi = &otlp_http_multi,
         .min_period_ms = 15000},
        {.id = CID_CANARY,
         .name = "canary",
         .flags = CHECK_CANARY,
         .multi = &canary_tempo_multi,
         .min_period_ms = CANARY_MIN_PERIOD_MS},
};

const struct probe_kind probe_tempo = {
        COMP_TEMPO,
        tempo_checks,
        ARRAY_LEN(tempo_checks),
};
