/* canary: write->read round trips for Tempo, Loki and Mimir (see canary.h). The builders,
 * parsers and the report are pure functions; the multi-check callbacks at the end are glue. */
#include "lgtmtop/canary.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "lgtmtop/multi.h"
#include "common.h"

/* ---- identity -------------------------------------------------------------------------- */

static void hex_encode(const unsigned char *p, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void canary_id_make(struct canary_id *id, long long wall_ms, const unsigned char rnd[20])
{
    unsigned long long secs = wall_ms > 0 ? (unsigned long long)wall_ms / 1000u : 0;
    id->bytes[0] = (unsigned char)(secs >> 24);
    id->bytes[1] = (unsigned char)(secs >> 16);
    id->bytes[2] = (unsigned char)(secs >> 8);
    id->bytes[3] = (unsigned char)secs;
    memcpy(id->bytes + 4, rnd, 12);
    unsigned char span[8];
    memcpy(span, rnd + 12, 8);
    /* All-zero ids are invalid in OTLP. */
    bool zero = true;
    for (size_t i = 0; i < sizeof(span); i++)
        zero &= span[i] == 0;
    if (zero)
        span[7] = 1;
    zero = true;
    for (size_t i = 0; i < sizeof(id->bytes); i++)
        zero &= id->bytes[i] == 0;
    if (zero)
        id->bytes[15] = 1;
    hex_encode(id->bytes, sizeof(id->bytes), id->hex);
    hex_encode(span, sizeof(span), id->span_hex);
}

void canary_random(unsigned char *out, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = getrandom(out + got, n - got, GRND_NONBLOCK);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    if (got < n) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        while (fd >= 0 && got < n) {
            ssize_t k = read(fd, out + got, n - got);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        if (fd >= 0)
            close(fd);
    }
    /* Last resort: not secret, only unique enough (time, pid, a counter; splitmix64). */
    static unsigned long long counter;
    unsigned long long x = (unsigned long long)now_wall_ms() * 1000003ull ^ (unsigned long long)getpid() << 32 ^
                           (unsigned long long)now_mono_ms() ^ ++counter;
    for (; got < n; got++) {
        x += 0x9E3779B97F4A7C15ull;
        unsigned long long z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        out[got] = (unsigned char)(z ^ (z >> 31));
    }
}

void canary_id_base64(const struct canary_id *id, char out[25])
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = id->bytes;
    size_t o = 0;
    for (size_t i = 0; i < 15; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = b64[v >> 6 & 63];
        out[o++] = b64[v & 63];
    }
    unsigned v = (unsigned)p[15] << 16;
    out[o++] = b64[v >> 18 & 63];
    out[o++] = b64[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
    out[o] = '\0';
}

/* ---- configuration --------------------------------------------------------------------- */

bool canary_enabled(const struct config *cfg, const struct stack_cfg *st)
{
    if (st && st->canary)
        return st->canary > 0;
    return cfg && cfg->canary;
}

void canary_force_on(struct config *cfg)
{
    cfg->canary = true;
    for (size_t i = 0; i < cfg->nstacks; i++)
        cfg->stacks[i].canary = 1;
}

long canary_timeout_ms(const struct config *cfg)
{
    return cfg && cfg->canary_timeout_ms > 0 ? cfg->canary_timeout_ms : CANARY_DEFAULT_TIMEOUT_MS;
}

/* ---- bodies ---------------------------------------------------------------------------- */

static char *json_out(cJSON *root)
{
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!s)
        fatal("out of memory (canary body)");
    char *copy = xstrdup(s);
    cJSON_free(s);
    return copy;
}

static cJSON *otlp_kv(const char *key, const char *value)
{
    cJSON *kv = cJSON_CreateObject();
    cJSON_AddStringToObject(kv, "key", key);
    cJSON *v = cJSON_AddObjectToObject(kv, "value");
    cJSON_AddStringToObject(v, "stringValue", value);
    return kv;
}

/* {"resource":{"attributes":[service.name]}, "<scope_key>":[{"scope":{...}, <items>}]} */
static cJSON *otlp_resource(const char *scope_key, cJSON **scope_item)
{
    cJSON *res = cJSON_CreateObject();
    cJSON *attrs = cJSON_AddArrayToObject(cJSON_AddObjectToObject(res, "resource"), "attributes");
    cJSON_AddItemToArray(attrs, otlp_kv("service.name", CANARY_SERVICE));
    cJSON *scopes = cJSON_AddArrayToObject(res, scope_key);
    cJSON *item = cJSON_CreateObject();
    cJSON *scope = cJSON_AddObjectToObject(item, "scope");
    cJSON_AddStringToObject(scope, "name", "lgtmtop");
    cJSON_AddStringToObject(scope, "version", LGTMTOP_VERSION);
    cJSON_AddItemToArray(scopes, item);
    *scope_item = item;
    return res;
}

char *canary_tempo_body(const struct canary_id *id, long long start_ns, long long end_ns)
{
    char start[32], end[32];
    snprintf(start, sizeof(start), "%lld", start_ns);
    snprintf(end, sizeof(end), "%lld", end_ns);
    cJSON *root = cJSON_CreateObject();
    cJSON *scope_item;
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "resourceSpans"), otlp_resource("scopeSpans", &scope_item));
    cJSON *span = cJSON_CreateObject();
    cJSON_AddStringToObject(span, "traceId", id->hex); /* OTLP/JSON: hex, not base64 */
    cJSON_AddStringToObject(span, "spanId", id->span_hex);
    cJSON_AddStringToObject(span, "name", "lgtmtop canary");
    cJSON_AddNumberToObject(span, "kind", 1); /* SPAN_KIND_INTERNAL, as an integer */
    cJSON_AddStringToObject(span, "startTimeUnixNano", start);
    cJSON_AddStringToObject(span, "endTimeUnixNano", end);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(span, "attributes"), otlp_kv("lgtmtop.canary.id", id->hex));
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(span, "status"), "code", 1); /* STATUS_CODE_OK */
    cJSON_AddItemToArray(cJSON_AddArrayToObject(scope_item, "spans"), span);
    return json_out(root);
}

void canary_loki_line(const struct canary_id *id, char *out, size_t outlen)
{
    snprintf(out, outlen, "lgtmtop canary id=%s", id->hex);
}

char *canary_loki_body(const struct canary_id *id, long long ts_ns)
{
    char ts[32], line[96];
    snprintf(ts, sizeof(ts), "%lld", ts_ns); /* a string: numbers get 400 */
    canary_loki_line(id, line, sizeof(line));
    cJSON *root = cJSON_CreateObject();
    cJSON *stream = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "streams"), stream);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(stream, "stream"), "job", CANARY_LOKI_JOB);
    cJSON *value = cJSON_CreateArray();
    cJSON_AddItemToArray(value, cJSON_CreateString(ts));
    cJSON_AddItemToArray(value, cJSON_CreateString(line));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(stream, "values"), value);
    return json_out(root);
}

char *canary_mimir_body(const struct canary_id *id, long long ts_ns)
{
    char ts[32];
    snprintf(ts, sizeof(ts), "%lld", ts_ns);
    cJSON *root = cJSON_CreateObject();
    cJSON *scope_item;
    cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "resourceMetrics"), otlp_resource("scopeMetrics", &scope_item));
    cJSON *metric = cJSON_CreateObject();
    cJSON_AddStringToObject(metric, "name", CANARY_METRIC);
    cJSON_AddStringToObject(metric, "description", "lgtmtop write/read canary (safe to ignore)");
    cJSON *point = cJSON_CreateObject();
    cJSON_AddNumberToObject(point, "asDouble", 1);
    cJSON_AddStringToObject(point, "timeUnixNano", ts);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(point, "attributes"), otlp_kv(CANARY_ID_LABEL, id->hex));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(metric, "gauge"), "dataPoints"), point);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(scope_item, "metrics"), metric);
    return json_out(root);
}

/* ---- requests -------------------------------------------------------------------------- */

void canary_tempo_read_path(const struct canary_id *id, bool v2, struct buf *out)
{
    buf_printf(out, "%s/%s", v2 ? "/api/v2/traces" : "/api/traces", id->hex);
}

void canary_loki_read_path(const struct canary_id *id, long long start_ns, long long end_ns, struct buf *out)
{
    char q[128];
    snprintf(q, sizeof(q), "{job=\"%s\"} |= \"%s\"", CANARY_LOKI_JOB, id->hex);
    buf_puts(out, "/loki/api/v1/query_range?query=");
    probe_url_encode(out, q);
    buf_printf(out, "&start=%lld&end=%lld&limit=10&direction=backward", start_ns, end_ns);
}

void canary_mimir_read_path(const struct component_cfg *c, const struct canary_id *id, struct buf *out)
{
    char prefix[128], q[128];
    probe_api_prefix(c, prefix, sizeof(prefix));
    snprintf(q, sizeof(q), "%s{%s=\"%s\"}", CANARY_METRIC, CANARY_ID_LABEL, id->hex);
    buf_printf(out, "%s/api/v1/query?query=", prefix);
    probe_url_encode(out, q);
}

char *canary_write_url(enum canary_kind k, const struct component_cfg *c)
{
    const char *base = c->url ? c->url : "";
    switch (k) {
    case CANARY_TEMPO: {
        const char *otlp = c->otlp_http && *c->otlp_http ? c->otlp_http : base;
        size_t n = strlen(otlp);
        while (n > 0 && otlp[n - 1] == '/')
            n--;
        /* Accept the receiver's base URL (the OTLP convention) or the full signal URL. */
        if (n >= 10 && memcmp(otlp + n - 10, "/v1/traces", 10) == 0)
            return xstrndup(otlp, n);
        return xasprintf("%.*s/v1/traces", (int)n, otlp);
    }
    case CANARY_LOKI: return xasprintf("%s/loki/api/v1/push", base);
    case CANARY_MIMIR:
    default: return xasprintf("%s/otlp/v1/metrics", base);
    }
}

/* ---- verdicts -------------------------------------------------------------------------- */

static bool is_2xx(long s) { return s >= 200 && s <= 299; }

static void copy_why(char *why, size_t whylen, const char *s)
{
    if (why && whylen)
        text_oneline(why, whylen, s, strlen(s));
}

/* The common message for a transport failure or an HTTP error, into why. */
static void common_why(const struct http_response *r, const struct component_cfg *c, char *why, size_t whylen)
{
    struct obs t;
    obs_init(&t);
    if (r->err != NET_OK)
        probe_transport_obs_for(r, c, &t);
    else
        probe_http_error_obs(r, c, &t);
    copy_why(why, whylen, t.summary);
    obs_free(&t);
}

/* An OTLP partial success: "rejectedSpans"/"rejectedDataPoints" (int64: string or number). */
static bool otlp_rejected(const struct http_response *r, const char *key, char *why, size_t whylen, const char *what)
{
    cJSON *root = r->body_len ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(root, "partialSuccess");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(ps, key);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(ps, "errorMessage");
    double rejected = cJSON_IsNumber(n) ? n->valuedouble : cJSON_IsString(n) ? strtod(n->valuestring, NULL) : 0;
    bool bad = rejected > 0;
    if (bad) {
        char line[320];
        snprintf(line, sizeof(line), "HTTP %ld but partial success rejected %.0f %s%s%s", r->status, rejected, what,
                 cJSON_IsString(msg) && *msg->valuestring ? ": " : "", cJSON_IsString(msg) ? msg->valuestring : "");
        copy_why(why, whylen, line);
    }
    cJSON_Delete(root);
    return bad;
}

bool canary_write_ok(enum canary_kind k, const struct http_response *r, const struct component_cfg *c, char *why,
                     size_t whylen)
{
    char line[512], hp[160], path[160];
    if (why && whylen)
        why[0] = '\0';
    if (r->err != NET_OK) {
        url_hostport(r->url ? r->url : "", hp, sizeof(hp));
        if (k == CANARY_TEMPO && r->err == NET_REFUSED) {
            snprintf(line, sizeof(line),
                     "connection refused on %s: no OTLP/HTTP receiver there — enable "
                     "distributor.receivers.otlp.protocols.http on 0.0.0.0:4318 (Tempo >= 2.7 binds it to "
                     "localhost by default) or set otlp_http",
                     hp);
            copy_why(why, whylen, line);
        } else {
            common_why(r, c, why, whylen);
        }
        return false;
    }
    probe_url_path(r->url, path, sizeof(path));
    if (k == CANARY_LOKI && r->status == 260) {
        copy_why(why, whylen,
                 "HTTP 260: ingestion is blocked for this tenant (block_ingestion_until) — Loki "
                 "accepted the request but dropped the line");
        return false;
    }
    if (is_2xx(r->status)) {
        if (k == CANARY_TEMPO)
            return !otlp_rejected(r, "rejectedSpans", why, whylen, "span(s)");
        if (k == CANARY_MIMIR)
            return !otlp_rejected(r, "rejectedDataPoints", why, whylen, "data point(s)");
        return true;
    }
    if (r->status == 404) {
        if (k == CANARY_TEMPO)
            snprintf(line, sizeof(line),
                     "HTTP 404 on %s: no OTLP/HTTP receiver at this URL — check otlp_http "
                     "(the receiver, default host:4318, not the query port)",
                     path);
        else if (k == CANARY_MIMIR)
            snprintf(line, sizeof(line),
                     "HTTP 404 on %s: no OTLP endpoint here — check the URL (a gateway "
                     "must route /otlp/ to the distributors)",
                     path);
        else
            snprintf(line, sizeof(line),
                     "HTTP 404 on %s: no push endpoint here — check the URL (a gateway "
                     "must route /loki/api/v1/push to the distributors)",
                     path);
        copy_why(why, whylen, line);
        return false;
    }
    common_why(r, c, why, whylen);
    return false;
}

/* Non-2xx and transport errors of a read: transient ones are retried. */
static enum canary_read read_error(const struct http_response *r, const struct component_cfg *c, char *why,
                                   size_t whylen)
{
    common_why(r, c, why, whylen);
    if (r->err == NET_TIMEOUT || (r->err == NET_OK && (r->status == 429 || r->status >= 500)))
        return CANARY_RETRY;
    return CANARY_READ_FAILED;
}

static bool body_starts(const struct http_response *r, const char *prefix)
{
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static bool id_matches(const char *s, const struct canary_id *id, const char *b64)
{
    return strcasecmp(s, id->hex) == 0 || strcmp(s, b64) == 0;
}

/* Tempo trace JSON: v2 {"trace":{...}}, v1 {"batches"|"resourceSpans":[{"scopeSpans"|
 * "instrumentationLibrarySpans":[{"spans":[...]}]}]}. *spans counts spans; returns true when one
 * has our trace id, or when spans exist and none carries a traceId at all. */
static bool tempo_trace_has(const cJSON *root, const struct canary_id *id, int *spans)
{
    char b64[25];
    canary_id_base64(id, b64);
    const cJSON *trace = cJSON_GetObjectItemCaseSensitive(root, "trace");
    if (!cJSON_IsObject(trace))
        trace = root;
    const cJSON *batches = cJSON_GetObjectItemCaseSensitive(trace, "resourceSpans");
    if (!cJSON_IsArray(batches))
        batches = cJSON_GetObjectItemCaseSensitive(trace, "batches");
    bool any_id = false, match = false;
    *spans = 0;
    const cJSON *b;
    cJSON_ArrayForEach(b, batches)
    {
        const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(b, "scopeSpans");
        if (!cJSON_IsArray(scopes))
            scopes = cJSON_GetObjectItemCaseSensitive(b, "instrumentationLibrarySpans");
        const cJSON *sc;
        cJSON_ArrayForEach(sc, scopes)
        {
            const cJSON *sp;
            cJSON_ArrayForEach(sp, cJSON_GetObjectItemCaseSensitive(sc, "spans"))
            {
                (*spans)++;
                const cJSON *tid = cJSON_GetObjectItemCaseSensitive(sp, "traceId");
                if (cJSON_IsString(tid)) {
                    any_id = true;
                    match |= id_matches(tid->valuestring, id, b64);
                }
            }
        }
    }
    return match || (*spans > 0 && !any_id);
}

enum canary_read canary_parse_tempo(const struct http_response *r, const struct component_cfg *c,
                                    const struct canary_id *id, char *why, size_t whylen)
{
    if (why && whylen)
        why[0] = '\0';
    if (r->err != NET_OK)
        return read_error(r, c, why, whylen);
    if (r->status == 404) {
        /* A missing route answers the router's "404 page not found" (or a gateway's HTML page);
         * a missing trace answers "trace not found" or an empty body. */
        if (body_starts(r, "404 page not found") || body_starts(r, "<"))
            return CANARY_ROUTE_MISSING;
        copy_why(why, whylen, "trace not found (404)");
        return CANARY_NOT_YET;
    }
    if (!is_2xx(r->status))
        return read_error(r, c, why, whylen);
    if (r->status == 204 || r->body_len == 0) {
        copy_why(why, whylen, "trace not found (empty answer)");
        return CANARY_NOT_YET;
    }
    struct obs t;
    obs_init(&t);
    cJSON *root = probe_json(r, c, &t);
    if (!root) {
        copy_why(why, whylen, t.summary);
        obs_free(&t);
        return CANARY_READ_FAILED;
    }
    obs_free(&t);
    int spans = 0;
    bool found = cJSON_IsObject(root) && tempo_trace_has(root, id, &spans);
    cJSON_Delete(root);
    if (found)
        return CANARY_FOUND;
    copy_why(why, whylen,
             spans ? "a trace came back, but not with the canary's trace id"
                   : "trace not found (200 with an empty trace)");
    return CANARY_NOT_YET;
}

/* The Prometheus-style envelope of a Loki/Mimir read; NULL (why set) when it is not usable. */
static cJSON *read_envelope(const struct http_response *r, const struct component_cfg *c, const cJSON **data,
                            const cJSON **result, char *why, size_t whylen, enum canary_read *v)
{
    *data = *result = NULL;
    if (r->err != NET_OK || !is_2xx(r->status)) {
        *v = read_error(r, c, why, whylen);
        return NULL;
    }
    struct obs t;
    obs_init(&t);
    cJSON *root = probe_prom_envelope(r, c, &t, data);
    if (root) {
        *result = cJSON_GetObjectItemCaseSensitive(*data, "result");
        if (!cJSON_IsArray(*result) && !cJSON_IsNull(*result) && *result) {
            probe_shape_error(r, c, &t, "data.result is not a list");
            cJSON_Delete(root);
            root = NULL;
        }
    }
    if (!root) {
        copy_why(why, whylen, t.summary);
        *v = CANARY_READ_FAILED;
    }
    obs_free(&t);
    return root;
}

enum canary_read canary_parse_loki(const struct http_response *r, const struct component_cfg *c,
                                   const struct canary_id *id, char *why, size_t whylen)
{
    const cJSON *data, *result;
    enum canary_read v = CANARY_NOT_YET;
    if (why && whylen)
        why[0] = '\0';
    cJSON *root = read_envelope(r, c, &data, &result, why, whylen, &v);
    if (!root)
        return v;
    bool found = false;
    const cJSON *s;
    cJSON_ArrayForEach(s, result)
    {
        const cJSON *val;
        cJSON_ArrayForEach(val, cJSON_GetObjectItemCaseSensitive(s, "values"))
        {
            const cJSON *line = cJSON_GetArrayItem(val, 1);
            if (cJSON_IsString(line) && strstr(line->valuestring, id->hex))
                found = true;
        }
    }
    cJSON_Delete(root);
    if (found)
        return CANARY_FOUND;
    copy_why(why, whylen, "the line is not in query_range yet");
    return CANARY_NOT_YET;
}

enum canary_read canary_parse_mimir(const struct http_response *r, const struct component_cfg *c,
                                    const struct canary_id *id, char *why, size_t whylen)
{
    const cJSON *data, *result;
    enum canary_read v = CANARY_NOT_YET;
    if (why && whylen)
        why[0] = '\0';
    cJSON *root = read_envelope(r, c, &data, &result, why, whylen, &v);
    if (!root)
        return v;
    bool found = false;
    const cJSON *s;
    cJSON_ArrayForEach(s, result)
    {
        /* The query selects the id; a label that names another id is not ours. */
        const cJSON *lab =
                cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "metric"), CANARY_ID_LABEL);
        if (!cJSON_IsString(lab) || strcmp(lab->valuestring, id->hex) == 0)
            found = true;
    }
    cJSON_Delete(root);
    if (found)
        return CANARY_FOUND;
    copy_why(why, whylen, "the series is not in an instant query yet");
    return CANARY_NOT_YET;
}

/* ---- report ---------------------------------------------------------------------------- */

static const char *const canary_filter[] = {
        [CANARY_TEMPO] = "{ resource.service.name = \"" CANARY_SERVICE "\" }",
        [CANARY_LOKI] = "{job=\"" CANARY_LOKI_JOB "\"}",
        [CANARY_MIMIR] = CANARY_METRIC "{job=\"" CANARY_SERVICE "\"}",
};

static const char *const canary_hint[] = {
        [CANARY_TEMPO] = "check the ingesters / live-store and the query path (query-frontend → querier → "
                         "ingester); tempo_distributor_spans_received_total and tempo_discarded_spans_total",
        [CANARY_LOKI] = "check ingestion and flush: the ingesters (chunk_idle_period, WAL), the querier → "
                        "ingester path (query_ingesters_within) and loki_discarded_samples_total",
        [CANARY_MIMIR] = "check the ingesters and the query path; cortex_discarded_samples_total tells "
                         "out-of-order / too-old samples",
};

void canary_report(const struct canary_result *res, struct obs *o)
{
    char total[16], wait[16], st[32];
    enum canary_kind k = (unsigned)res->kind <= CANARY_MIMIR ? res->kind : CANARY_MIMIR;
    if (res->write_status)
        snprintf(st, sizeof(st), "%ld", res->write_status);
    else
        snprintf(st, sizeof(st), "%s", "no answer");
    duration_format(res->timeout_ms, wait, sizeof(wait));
    switch (res->step) {
    case CANARY_STEP_DONE:
        duration_format(res->write_ms + res->read_ms, total, sizeof(total));
        obs_set(o, ST_OK, "written and read back in %s (%d read%s%s)", total, res->attempts,
                res->attempts == 1 ? "" : "s", res->tempo_v1 ? ", via /api/traces" : "");
        obs_add_value(o, "canary_ms", (double)(res->write_ms + res->read_ms), OBS_GAUGE);
        break;
    case CANARY_STEP_WRITE:
        if (res->write_status)
            obs_set(o, ST_FAIL, "write refused: %s", res->why[0] ? res->why : "no reason given");
        else
            obs_set(o, ST_FAIL, "write failed: %s", res->why[0] ? res->why : "interrupted");
        break;
    case CANARY_STEP_READ:
        obs_set(o, ST_FAIL, "written (%s) but the read failed: %s", st, res->why[0] ? res->why : "no reason given");
        break;
    case CANARY_STEP_TIMEOUT:
    default:
        obs_set(o, ST_FAIL, "written (%s) but not readable after %s (%d read%s) — %s", st, wait, res->attempts,
                res->attempts == 1 ? "" : "s", canary_hint[k]);
        if (res->why[0])
            obs_detail_line(o, "last read: %s", res->why);
        break;
    }
    obs_detail_line(o, "canary id %s; filter it out with %s", res->id, canary_filter[k]);
    obs_add_value(o, "write_ms", (double)res->write_ms, OBS_GAUGE);
    obs_add_value(o, "attempts", res->attempts, OBS_GAUGE);
    static const char *const steps[] = {"write", "read", "timeout", "done"};
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "id", res->id);
    cJSON_AddStringToObject(d, "step", steps[res->step <= CANARY_STEP_DONE ? res->step : CANARY_STEP_TIMEOUT]);
    if (res->write_status)
        cJSON_AddNumberToObject(d, "write_status", (double)res->write_status);
    else
        cJSON_AddNullToObject(d, "write_status");
    cJSON_AddNumberToObject(d, "write_ms", (double)res->write_ms);
    if (res->step == CANARY_STEP_WRITE)
        cJSON_AddNullToObject(d, "read_ms");
    else
        cJSON_AddNumberToObject(d, "read_ms", (double)res->read_ms);
    cJSON_AddNumberToObject(d, "attempts", res->attempts);
    cJSON_AddNumberToObject(d, "timeout_ms", (double)res->timeout_ms);
    cJSON_AddStringToObject(d, "filter", canary_filter[k]);
    if (res->why[0])
        cJSON_AddStringToObject(d, "why", res->why);
    cJSON_Delete(o->data);
    o->data = d;
}

/* ---- the multi checks (glue) ----------------------------------------------------------- */

struct canary_run {
    struct canary_id id;
    long long data_ns;                 /* wall clock time written into the data */
    long long t0, t_written, deadline; /* monotonic ms */
    long pause_ms;
    bool v1; /* Tempo: read through /api/traces */
    struct canary_result res;
};

static void canary_read_step(struct multi_run *run, const struct http_response *r, void *arg);

static void canary_on_read(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct canary_run *cr = run->data;
    char why[256];
    enum canary_read v;
    cr->res.attempts++;
    switch (cr->res.kind) {
    case CANARY_TEMPO: v = canary_parse_tempo(r, run->c, &cr->id, why, sizeof(why)); break;
    case CANARY_LOKI: v = canary_parse_loki(r, run->c, &cr->id, why, sizeof(why)); break;
    default: v = canary_parse_mimir(r, run->c, &cr->id, why, sizeof(why)); break;
    }
    long long now = now_mono_ms();
    cr->res.read_ms = (long)(now - cr->t_written);
    if (why[0])
        snprintf(cr->res.why, sizeof(cr->res.why), "%s", why);
    switch (v) {
    case CANARY_FOUND:
        cr->res.step = CANARY_STEP_DONE;
        cr->res.why[0] = '\0';
        return;
    case CANARY_ROUTE_MISSING:
        if (!cr->v1) {
            cr->v1 = cr->res.tempo_v1 = true; /* Tempo before the v2 API: ask /api/traces */
            canary_read_step(run, NULL, arg);
            return;
        }
        snprintf(cr->res.why, sizeof(cr->res.why), "%s",
                 "neither /api/v2/traces nor /api/traces exists (404) — "
                 "is the Tempo URL the query-frontend's?");
        cr->res.step = CANARY_STEP_READ;
        return;
    case CANARY_READ_FAILED: cr->res.step = CANARY_STEP_READ; return;
    case CANARY_NOT_YET:
    case CANARY_RETRY:
    default: break;
    }
    if (now >= cr->deadline) {
        cr->res.step = CANARY_STEP_TIMEOUT;
        return;
    }
    long delay = cr->pause_ms;
    if (delay > cr->deadline - now)
        delay = (long)(cr->deadline - now);
    cr->pause_ms = cr->pause_ms * 2 > CANARY_MAX_PAUSE_MS ? CANARY_MAX_PAUSE_MS : cr->pause_ms * 2;
    multi_after(run, delay, canary_read_step, arg);
}

static void canary_read_step(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct canary_run *cr = run->data;
    struct buf path;
    if (r && r->err == NET_CANCELLED)
        return; /* shutting down: no more polls */
    buf_init(&path);
    switch (cr->res.kind) {
    case CANARY_TEMPO: canary_tempo_read_path(&cr->id, !cr->v1, &path); break;
    case CANARY_LOKI: {
        /* A window around the written timestamp: clocks of client and server may differ a bit. */
        long long now_ns = now_wall_ms() * 1000000LL;
        long long end = now_ns > cr->data_ns ? now_ns : cr->data_ns;
        canary_loki_read_path(&cr->id, cr->data_ns - 300LL * 1000000000LL, end + 60LL * 1000000000LL, &path);
        break;
    }
    default: canary_mimir_read_path(run->c, &cr->id, &path); break;
    }
    multi_get(run, path.data, canary_on_read, arg);
    buf_free(&path);
}

static void canary_on_write(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct canary_run *cr = run->data;
    long long now = now_mono_ms();
    cr->res.write_status = r->err == NET_OK ? r->status : 0;
    cr->res.write_ms = r->err == NET_OK ? (long)((r->t.total_us + 500) / 1000) : (long)(now - cr->t0);
    if (!canary_write_ok(cr->res.kind, r, run->c, cr->res.why, sizeof(cr->res.why))) {
        cr->res.step = CANARY_STEP_WRITE;
        return;
    }
    cr->res.step = CANARY_STEP_READ;
    cr->t_written = now;
    cr->deadline = now + cr->res.timeout_ms;
    cr->pause_ms = CANARY_FIRST_PAUSE_MS;
    canary_read_step(run, NULL, arg);
}

static void canary_start(struct multi_run *run, enum canary_kind k)
{
    struct canary_run *cr = run->data;
    const struct component_cfg *c = run->c;
    unsigned char rnd[20];
    long long wall = now_wall_ms();
    canary_random(rnd, sizeof(rnd));
    canary_id_make(&cr->id, wall, rnd);
    cr->data_ns = wall * 1000000LL;
    cr->t0 = now_mono_ms();
    cr->res.kind = k;
    cr->res.step = CANARY_STEP_WRITE;
    cr->res.timeout_ms = canary_timeout_ms(run->cfg);
    snprintf(cr->res.id, sizeof(cr->res.id), "%s", cr->id.hex);
    char *body = k == CANARY_TEMPO  ? canary_tempo_body(&cr->id, cr->data_ns, cr->data_ns + 1000000LL)
                 : k == CANARY_LOKI ? canary_loki_body(&cr->id, cr->data_ns)
                                    : canary_mimir_body(&cr->id, cr->data_ns);
    char *url = canary_write_url(k, c);
    struct request rq = {
            .url = url,
            .method = "POST",
            .body = body,
            .body_len = strlen(body),
            .content_type = CANARY_CONTENT_TYPE,
    };
    probe_use_component(&rq, c);
    multi_request(run, &rq, canary_on_write, NULL);
    free(url);
    free(body);
}

static void canary_finish(struct multi_run *run, struct obs *o)
{
    struct canary_run *cr = run->data;
    canary_report(&cr->res, o);
}

static void canary_start_tempo(struct multi_run *run) { canary_start(run, CANARY_TEMPO); }
static void canary_start_loki(struct multi_run *run) { canary_start(run, CANARY_LOKI); }
static void canary_start_mimir(struct multi_run *run) { canary_start(run, CANARY_MIMIR); }

const struct multi_check canary_tempo_multi = {
        .data_size = sizeof(struct canary_run),
        .start = canary_start_tempo,
        .finish = canary_finish,
        .max_inflight = 1,
};
const struct multi_check canary_loki_multi = {
        .data_size = sizeof(struct canary_run),
        .start = canary_start_loki,
        .finish = canary_finish,
        .max_inflight = 1,
};
const struct multi_check canary_mimir_multi = {
        .data_size = sizeof(struct canary_run),
        .start = canary_start_mimir,
        .finish = canary_finish,
        .max_inflight = 1,
};
