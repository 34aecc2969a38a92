/* checks/common: private glue between the check modules. The per-kind check tables, and the
 * helpers the parsers share: kinds, ids, URL pieces and requests (common.c), transport and
 * HTTP errors (errors.c), JSON envelopes (json.c), build info, /ready and /metrics (ready.c).
 * Everything here is pure: bytes in, obs out. */
#ifndef LGTMTOP_CHECKS_COMMON_H
#define LGTMTOP_CHECKS_COMMON_H

#include <cjson/cJSON.h>

#include "lgtmtop/probe.h"

extern const struct probe_kind probe_mimir;
extern const struct probe_kind probe_loki;
extern const struct probe_kind probe_tempo;
extern const struct probe_kind probe_grafana;
extern const struct probe_kind probe_prometheus;
extern const struct probe_kind probe_custom; /* COMP_CHECKS: no static table (custom.h) */

/* Product name for messages ("Mimir", "Loki", ...) and the kind's config name ("mimir");
 * "the server" when c is NULL. */
const char *probe_product(const struct component_cfg *c);
const char *probe_kind_name(const struct component_cfg *c);

static inline bool has_text(const char *s) { return s && *s; }

/* "an object", "a string", ... for shape messages; "nothing" for NULL. */
const char *probe_json_type_name(const cJSON *j);

/* Appends s percent-encoded for a URL query value (RFC 3986 unreserved kept as is). */
void probe_url_encode(struct buf *out, const char *s);

/* The path of a URL ("/api/v1/query"), without host, query string or fragment. */
void probe_url_path(const char *url, char *out, size_t outlen);

/* Appends a detail line of columns: each field cleaned to one line (NULL or empty -> "-"),
 * joined by two spaces (obs_detail_line would collapse the separators). */
void probe_detail_cols(struct obs *o, const char *const *cols, size_t n);

/* Prometheus API prefix of a component, normalised to "" or "/x" without trailing slash.
 * Mimir defaults to "/prometheus" when none is configured. */
void probe_api_prefix(const struct component_cfg *c, char *out, size_t outlen);

/* Parses the body as JSON. On failure sets FAIL "invalid JSON from PATH: <start>... — is this
 * really <product>?" and returns NULL. The caller owns the result (cJSON_Delete). */
cJSON *probe_json(const struct http_response *r, const struct component_cfg *c, struct obs *o);
/* Whether s nests arrays/objects deeper than cJSON parses (CJSON_NESTING_LIMIT): why a body
 * that looks like JSON did not parse. Strings are skipped; stops at the limit. */
bool probe_json_too_deep(const char *s, size_t n);

/* Parses {"<key>": [...]} (the key may be missing or null: an empty result). Returns the root
 * (caller deletes) with *list set (NULL when empty), or NULL after setting FAIL: invalid JSON,
 * or "expected {"<key>":[...]}". */
cJSON *probe_json_list(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *key,
                       const cJSON **list);

/* Parses a Prometheus API envelope {"status":"success","data":...}. Returns the root (caller
 * deletes) with *data set, or NULL after setting FAIL: invalid JSON, no envelope, or
 * status "error" (reported with errorType/error). Warnings go to detail. */
cJSON *probe_prom_envelope(const struct http_response *r, const struct component_cfg *c, struct obs *o,
                           const cJSON **data);

/* Sets FAIL "unexpected JSON from PATH: <what> — is this really <product>?". */
void probe_shape_error(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *what);

/* Build info, wrapped ({"status","data":{...}}) or unwrapped ({"version",...}): sets
 * o->version and the summary "<application or product> <version>". */
void probe_parse_buildinfo(const struct http_response *r, const struct component_cfg *c, struct obs *o);

/* dskit-style /ready (Mimir, Loki, Tempo): 200 OK; 503 FAIL with the reason, or WARN
 * "starting" for the known start-up reasons. Registered with CHECK_RAW. */
void probe_parse_ready(const struct http_response *r, const struct component_cfg *c, struct obs *o);

/* Prometheus-compatible API parsers shared by Mimir and Prometheus (prometheus.c). */
void probe_path_query(const struct component_cfg *c, struct buf *out);
void probe_path_rules(const struct component_cfg *c, struct buf *out);
void probe_path_alerts(const struct component_cfg *c, struct buf *out);
void probe_parse_query(const struct http_response *r, const struct component_cfg *c, struct obs *o);
void probe_parse_rules(const struct http_response *r, const struct component_cfg *c, struct obs *o);
void probe_parse_alerts(const struct http_response *r, const struct component_cfg *c, struct obs *o);

/* One pass over a /metrics body: sums of exact metric names (a NaN, infinite or negative
 * sample is no counter value: it marks the sum invalid and is left out), whether any series
 * starts with each prefix, and one label of one info metric (e.g. the version of
 * tempo_build_info). Unused parts may be NULL/0. */
struct probe_metric_sum {
    const char *name;
    double sum;
    bool found;
    bool invalid; /* a sample was NaN, +/-Inf or negative */
    double bad;   /* the first such sample */
};
struct probe_metric_prefix {
    const char *prefix;
    bool seen;
};
struct prom_sample;
struct probe_metrics_scan {
    struct probe_metric_sum *sums;
    size_t nsums;
    struct probe_metric_prefix *prefixes;
    size_t nprefixes;
    const char *info_metric; /* e.g. "tempo_build_info" */
    const char *info_label;  /* e.g. "version" */
    bool info_found;
    char info_value[64];
    /* Optional: called with every sample too, so another scan shares the one pass over the
     * page (the per-tenant table, flow_tenant_scan_sample). */
    int (*also)(const struct prom_sample *sm, void *ud);
    void *also_ud;
    /* The names `also` needs (flow_tenant_scan_wants); NULL = every sample. Lines that neither
     * it nor the sums, prefixes and info metric need are skipped unparsed; `also` still gets
     * the samples the scan reads for itself. */
    bool (*also_wants)(const char *name, size_t len, void *ud);
};
#define PROBE_SCAN_MAX 16 /* sums, and prefixes, per scan */
void probe_metrics_scan(const char *text, size_t len, struct probe_metrics_scan *s);

/* Status handling for /metrics checks (CHECK_RAW): true on 2xx; 404 (a gateway that does not
 * route /metrics) marks the check skipped; other statuses get the common HTTP message. */
bool probe_metrics_status(const struct http_response *r, const struct component_cfg *c, struct obs *o);
/* A counter the scan found invalid (probe_metric_sum.invalid): sets o to FAIL "invalid counter
 * value ..." naming the metric and returns true; false when every sum is a counter value. */
bool probe_metrics_invalid(const struct probe_metrics_scan *s, struct obs *o);
/* A value a counter (or a count) can hold: finite and not negative. */
bool probe_counter_ok(double v);
/* "NaN", "+Inf", "-Inf" or the number (%g) into out. Returns out. */
const char *probe_number_word(double v, char *out, size_t outlen);

#endif
