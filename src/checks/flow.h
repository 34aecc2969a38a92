/* flow: is data flowing? Private glue for the probes: per-tenant counter tables from /metrics,
 * the Tempo query checks (search, services, TraceQL span counts), Mimir's span-metrics check
 * and the OTLP receiver checks. Parsers are pure (the time comes in as an argument or from the
 * request URL); the multi-check step callbacks are the only glue that reads the clock. */
#ifndef LGTMTOP_FLOW_H
#define LGTMTOP_FLOW_H

#include <cjson/cJSON.h>

#include "lgtmtop/http.h"
#include "lgtmtop/multi.h"
#include "lgtmtop/probe.h"

#define FLOW_DEFAULT_SEARCH_WINDOW_MS (15L * 60 * 1000)
#define FLOW_SEARCH_LIMIT 20
#define FLOW_MAX_TENANTS 50    /* rows kept in a check's data */
#define FLOW_DETAIL_TENANTS 20 /* rows written to detail */

/* ---- per-tenant counter tables (tenants.c) ---------------------------------------- */

/* A counter to break down: the series name, the key it gets in the table (as the component's
 * value key, e.g. "spans_received_total"), and a unit word for detail lines ("spans"). */
struct flow_metric {
    const char *metric;
    enum value_key key; /* its name (value_key_name) is the table's key */
    const char *unit;
};

/* Sums every metric per value of `label` ("tenant", "user"; series without it count under
 * "(none)") in one pass over a /metrics body. Returns {"tenants":[{"tenant":T, key:sum...}]}
 * (sorted by the first metric, busiest first, at most FLOW_MAX_TENANTS rows), or NULL when no
 * series of the metrics exists; appends one detail line per tenant ("tenant a: 3 spans, ..."). */
cJSON *flow_tenant_table(const char *text, size_t len, const char *label, const struct flow_metric *m, size_t n,
                         struct obs *o);
/* The same table fed sample by sample, so it shares the pass of another scan (a /metrics
 * check's sums): new, then flow_tenant_scan_sample as (or from) a promtext callback, then
 * flow_tenant_scan_table, which frees the scan (or flow_tenant_scan_free). Tenants are found
 * by hash; m must outlive the scan. */
struct flow_tenant_scan;
struct prom_sample;
struct flow_tenant_scan *flow_tenant_scan_new(const char *label, const struct flow_metric *m, size_t n);
int flow_tenant_scan_sample(const struct prom_sample *sm, void *scan);
/* Whether flow_tenant_scan_sample needs samples of this name (a prom_name_cb). */
bool flow_tenant_scan_wants(const char *name, size_t len, void *scan);
cJSON *flow_tenant_scan_table(struct flow_tenant_scan *scan, struct obs *o);
void flow_tenant_scan_free(struct flow_tenant_scan *scan);

/* Adds per-tenant rates to `cur` (a table from flow_tenant_table) from the previous table of
 * the same check, dt_ms earlier: for every "<x>_total" number of a tenant present in both,
 * "<x>_per_second" (a decrease is a counter reset). Pure; nothing happens when either is not
 * such a table or dt_ms <= 0. */
void flow_tenant_rates(const cJSON *prev, cJSON *cur, long long dt_ms);

/* "15m", "90s", "2h": a window for messages. */
void flow_window_text(long ms, char *out, size_t outlen);

/* The value of query parameter `name` of a URL as a number; false when absent. */
bool flow_url_param_ll(const char *url, const char *name, long long *out);

/* ---- Tempo query side (tempo.c; spanmetrics in mimir.c) --------------------------------------------------- */

/* Search/services window of a Tempo component (search_window:, default 15m), in seconds. */
long flow_search_window_s(const struct component_cfg *c);

/* /api/search?start=<now-window>&end=<now>&limit=20 (reads the clock: a path function may). */
void tempo_path_search(const struct component_cfg *c, struct buf *out);
/* The check's parser: takes now and the window from the request URL's end/start. */
void tempo_parse_search(const struct http_response *r, const struct component_cfg *c, struct obs *o);
/* The pure core: traces found, newest trace age (now_s = unix seconds), root services. */
void tempo_parse_search_at(const struct http_response *r, const struct component_cfg *c, long long now_s, long window_s,
                           struct obs *o);

/* Tag values of service.name, v2 ({"tagValues":[{"type","value"}]}) or v1 (["a","b"]). */
void tempo_parse_tag_values(const struct http_response *r, const struct component_cfg *c, bool v2, long window_s,
                            struct obs *o);
/* services: v2 resource.service.name values, falling back to v1 service.name on 404. */
extern const struct multi_check tempo_services_multi;

/* TraceQL metrics instant query: {} | count_over_time() by (resource.service.name). */
void tempo_path_span_counts(const struct component_cfg *c, struct buf *out);

/* ---- OTLP receivers (tempo_otlp.c) ------------------------------------------------------------ */

#define OTLP_MAX_ADDRS 8

/* One address the receiver's name resolved to, and what happened there. */
struct otlp_addr_result {
    char ip[64];
    int family; /* 4 or 6 */
    bool done;  /* a result arrived */
    enum net_err err;
    long status; /* otlp_http: the HTTP status; 0 otherwise */
    char err_text[128];
    char reason[128]; /* otlp_http: first line of a non-2xx body */
};

struct otlp_result {
    bool http;            /* otlp_http (POST /v1/traces) or otlp_grpc (TCP connect) */
    const char *endpoint; /* the configured or derived endpoint */
    bool derived;         /* guessed from the Tempo URL, not configured */
    bool resolved;        /* the resolve step ran */
    enum net_err resolve_err;
    char resolve_text[128];
    struct otlp_addr_result addr[OTLP_MAX_ADDRS];
    int naddrs;
    int ndropped; /* addresses beyond OTLP_MAX_ADDRS */
    long timeout_ms;
};

/* Turns per-address results into the check's observation: status, summary, detail, values
 * (addresses, reachable) and data [{address, family, reachable, error, http_status, otlp}]. */
void otlp_summarize(const struct otlp_result *res, struct obs *o);

extern const struct multi_check otlp_grpc_multi;
extern const struct multi_check otlp_http_multi;

#endif
