/* canary: opt-in write->read round trips (they write data, so they run only with canary: true
 * in the config or --canary). Each is a multi check named "canary" in the Tempo, Loki and Mimir
 * tables (flag CHECK_CANARY):
 *   Tempo: one span over OTLP/HTTP JSON (otlp_http + /v1/traces) with a fresh trace id and
 *          service.name "lgtmtop-canary", then GET /api/v2/traces/<id> (falling back to
 *          /api/traces/<id> when the v2 route does not exist) until it has the span;
 *   Loki:  one line "lgtmtop canary id=<id>" in stream {job="lgtmtop-canary"} via
 *          /loki/api/v1/push (JSON, ns timestamp as a string, 204 expected), then query_range
 *          {job="lgtmtop-canary"} |= "<id>" until the line is there;
 *   Mimir: one gauge sample lgtmtop_canary{canary_id="<id>"} (job "lgtmtop-canary" from
 *          service.name) over /otlp/v1/metrics with Content-Type exactly application/json,
 *          then an instant query until the series is there.
 * Polls pause 250 ms, growing to 2 s, until the data is readable or canary_timeout (default 30s)
 * after the write. Result: OK "written and read back in 1.2s", or FAIL naming the step:
 * "write refused: HTTP 415 ..." / "written (204) but not readable after 30s — ...".
 * Body builders, read parsers and the report are pure; the step callbacks are glue. */
#ifndef LGTMTOP_CANARY_H
#define LGTMTOP_CANARY_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/config.h"
#include "lgtmtop/http.h"
#include "lgtmtop/probe.h"
#include "lgtmtop/util.h"

struct multi_check;

#define CANARY_SERVICE "lgtmtop-canary"  /* Tempo service.name, Mimir job (from service.name) */
#define CANARY_LOKI_JOB "lgtmtop-canary" /* Loki stream label job */
#define CANARY_METRIC "lgtmtop_canary"   /* Mimir metric name */
#define CANARY_ID_LABEL "canary_id"      /* Mimir label / span attribute with the id */
#define CANARY_DEFAULT_TIMEOUT_MS 30000L
#define CANARY_MIN_PERIOD_MS 60000L /* live view: at most once a minute */
#define CANARY_FIRST_PAUSE_MS 250L
#define CANARY_MAX_PAUSE_MS 2000L

enum canary_kind { CANARY_TEMPO, CANARY_LOKI, CANARY_MIMIR };

/* A canary's identity: 16 bytes whose first 4 are the unix time in seconds (big endian) and
 * the rest random. hex (32 chars) is the Tempo trace id and the id written to Loki and Mimir;
 * span_hex (16 chars) the span id. */
struct canary_id {
    unsigned char bytes[16];
    char hex[33];
    char span_hex[17];
};

/* Pure: builds the id from the time and 20 random bytes (12 for the id, 8 for the span id). */
void canary_id_make(struct canary_id *id, long long wall_ms, const unsigned char rnd[20]);
/* Fills out with n random bytes: getrandom(2), else /dev/urandom, else a time/pid mix. */
void canary_random(unsigned char *out, size_t n);
/* Standard base64 of the 16 id bytes (how Tempo's trace-by-id JSON spells traceId). */
void canary_id_base64(const struct canary_id *id, char out[25]);

/* Canaries on for this stack: the stack's canary: if set, else the top-level canary:. */
bool canary_enabled(const struct config *cfg, const struct stack_cfg *st);
/* --canary: on for every stack, whatever the file says. */
void canary_force_on(struct config *cfg);
/* canary_timeout, or the default. */
long canary_timeout_ms(const struct config *cfg);

/* ---- request bodies (pure; new strings, caller frees) ---- */

/* OTLP/JSON ExportTraceServiceRequest: hex ids, integer enums, 64-bit times as strings. */
char *canary_tempo_body(const struct canary_id *id, long long start_ns, long long end_ns);
/* Loki push JSON: {"streams":[{"stream":{"job":"lgtmtop-canary"},"values":[["<ns>","<line>"]]}]}. */
char *canary_loki_body(const struct canary_id *id, long long ts_ns);
/* OTLP/JSON ExportMetricsServiceRequest with one gauge point lgtmtop_canary = 1. */
char *canary_mimir_body(const struct canary_id *id, long long ts_ns);
/* The Loki line (contains the id). */
void canary_loki_line(const struct canary_id *id, char *out, size_t outlen);

/* ---- read requests (pure: path + query appended to the component URL) ---- */

void canary_tempo_read_path(const struct canary_id *id, bool v2, struct buf *out);
void canary_loki_read_path(const struct canary_id *id, long long start_ns, long long end_ns, struct buf *out);
void canary_mimir_read_path(const struct component_cfg *c, const struct canary_id *id, struct buf *out);
/* The write URL: Tempo otlp_http + /v1/traces, Loki url + /loki/api/v1/push, Mimir url +
 * /otlp/v1/metrics. New string. */
char *canary_write_url(enum canary_kind k, const struct component_cfg *c);
/* Content-Type of the write: "application/json" exactly (Mimir compares it exactly). */
#define CANARY_CONTENT_TYPE "application/json"

/* ---- verdicts (pure) ---- */

/* True when the write was accepted. Otherwise why gets one line: "HTTP 415: unsupported
 * content type", "HTTP 260: ingestion blocked ...", "connection refused ...", a partial
 * success that rejected the data, ... */
bool canary_write_ok(enum canary_kind k, const struct http_response *r, const struct component_cfg *c, char *why,
                     size_t whylen);

enum canary_read {
    CANARY_FOUND,         /* the written data came back */
    CANARY_NOT_YET,       /* not (yet) there: poll again */
    CANARY_RETRY,         /* a transient error (5xx, timeout): poll again, why says what */
    CANARY_ROUTE_MISSING, /* Tempo: the v2 trace route does not exist (404 page not found) */
    CANARY_READ_FAILED,   /* a permanent error (401, 400, refused, bad JSON): stop, why says */
};

enum canary_read canary_parse_tempo(const struct http_response *r, const struct component_cfg *c,
                                    const struct canary_id *id, char *why, size_t whylen);
enum canary_read canary_parse_loki(const struct http_response *r, const struct component_cfg *c,
                                   const struct canary_id *id, char *why, size_t whylen);
enum canary_read canary_parse_mimir(const struct http_response *r, const struct component_cfg *c,
                                    const struct canary_id *id, char *why, size_t whylen);

/* What a run found, for the report. */
enum canary_step { CANARY_STEP_WRITE, CANARY_STEP_READ, CANARY_STEP_TIMEOUT, CANARY_STEP_DONE };

struct canary_result {
    enum canary_kind kind;
    enum canary_step step; /* where it ended */
    char id[33];
    long write_status; /* HTTP status of the write, 0 without a response */
    long write_ms;     /* the write request */
    long read_ms;      /* from the accepted write until readable (DONE) or the end */
    long timeout_ms;
    int attempts;  /* reads made */
    bool tempo_v1; /* Tempo: read through /api/traces (no v2 route) */
    char why[256]; /* write refusal or read failure; the last "not yet" note */
};

/* Pure: the observation for a result (status, summary, values, data). */
void canary_report(const struct canary_result *res, struct obs *o);

/* The multi checks registered as "canary" in the Tempo, Loki and Mimir tables. */
extern const struct multi_check canary_tempo_multi;
extern const struct multi_check canary_loki_multi;
extern const struct multi_check canary_mimir_multi;

#endif
