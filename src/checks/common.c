/* common: the kind table, the common transport/HTTP messages, and the
 * parsing helpers the per-kind modules share. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/promtext.h"
#include "common.h"

void probe_detail_cols(struct obs *o, const char *const *cols, size_t n)
{
    struct buf all;
    buf_init(&all);
    if (o->detail) {
        buf_puts(&all, o->detail);
        buf_putc(&all, '\n');
        free(o->detail);
    }
    for (size_t i = 0; i < n; i++) {
        const char *f = cols[i] && *cols[i] ? cols[i] : "-";
        size_t len = strlen(f);
        char *clean = xmalloc(len + 1);
        text_oneline(clean, len + 1, f, len);
        buf_printf(&all, "%s%s", i ? "  " : "", *clean ? clean : "-");
        free(clean);
    }
    o->detail = buf_steal(&all);
}

static const char *const check_id_names[CID_COUNT] = {
        [CID_NONE] = "",
        [CID_READY] = "ready",
        [CID_BUILDINFO] = "buildinfo",
        [CID_QUERY] = "query",
        [CID_RULES] = "rules",
        [CID_ALERTS] = "alerts",
        [CID_METRICS] = "metrics",
        [CID_LABELS] = "labels",
        [CID_SEARCH] = "search",
        [CID_SERVICES] = "services",
        [CID_SPAN_COUNTS] = "span_counts",
        [CID_OTLP_GRPC] = "otlp_grpc",
        [CID_OTLP_HTTP] = "otlp_http",
        [CID_CANARY] = "canary",
        [CID_SPANMETRICS] = "spanmetrics",
        [CID_TARGETS] = "targets",
        [CID_HEALTH] = "health",
        [CID_DATASOURCES] = "datasources",
        [CID_DASHBOARDS] = "dashboards",
        [CID_ALERTING] = "alerting",
};

const char *check_id_name(enum check_id id) { return (unsigned)id < CID_COUNT ? check_id_names[id] : ""; }

/* ---- kinds ----------------------------------------------------------------------------- */

const struct probe_kind *probe_kind_get(enum comp_kind k)
{
    static const struct probe_kind *const kinds[COMP_KIND_COUNT] = {
            [COMP_MIMIR] = &probe_mimir,           [COMP_LOKI] = &probe_loki,
            [COMP_TEMPO] = &probe_tempo,           [COMP_GRAFANA] = &probe_grafana,
            [COMP_PROMETHEUS] = &probe_prometheus, [COMP_CHECKS] = &probe_custom,
    };
    return (unsigned)k < COMP_KIND_COUNT ? kinds[k] : NULL;
}

const struct check_def *probe_check_find(enum comp_kind k, const char *name)
{
    const struct probe_kind *pk = probe_kind_get(k);
    for (size_t i = 0; pk && i < pk->nchecks; i++)
        if (strcmp(pk->checks[i].name, name) == 0)
            return &pk->checks[i];
    return NULL;
}

/* Product name for messages ("Mimir", "Loki", ...); "the server" when c is NULL. */
static const char *probe_product(const struct component_cfg *c)
{
    return c ? comp_kind_product(c->kind) : "the server";
}

static const char *probe_kind_name(const struct component_cfg *c) { return c ? comp_kind_name(c->kind) : "the server"; }

static bool has_text(const char *s) { return s && *s; }

/* ---- URLs ------------------------------------------------------------------------------ */

void probe_url_encode(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(out, (char)*p);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            buf_append(out, esc, 3);
        }
    }
}

void probe_url_path(const char *url, char *out, size_t outlen)
{
    const char *p = url ? url : "";
    const char *scheme = strstr(p, "://");
    if (scheme)
        p = scheme + 3 + strcspn(scheme + 3, "/?#");
    size_t n = strcspn(p, "?#");
    if (n == 0 || *p != '/')
        snprintf(out, outlen, "/%.*s", (int)n, p);
    else
        snprintf(out, outlen, "%.*s", (int)n, p);
}

void probe_api_prefix(const struct component_cfg *c, char *out, size_t outlen)
{
    const char *p = c && has_text(c->prefix) ? c->prefix : (c && c->kind == COMP_MIMIR) ? "/prometheus" : "";
    while (*p == '/')
        p++;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/')
        n--;
    if (n == 0)
        snprintf(out, outlen, "%s", "");
    else
        snprintf(out, outlen, "/%.*s", (int)n, p);
}

/* ---- transport and HTTP errors ---------------------------------------------------------- */

static void format_size(size_t n, char *out, size_t outlen)
{
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(out, outlen, "%zu MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, outlen, "%zu KiB", n / 1024);
    else
        snprintf(out, outlen, "%zu bytes", n);
}

void probe_transport_obs_for(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    const char *why = r->err_text ? r->err_text : "";
    char hp[256], host[256], size[32];
    url_hostport(r->url ? r->url : "", hp, sizeof(hp));
    snprintf(host, sizeof(host), "%s", hp);
    char *colon = strrchr(host, ':');
    if (colon && !strchr(colon, ']'))
        *colon = '\0';

    switch (r->err) {
    case NET_REFUSED:
        obs_set(o, ST_FAIL, "connection refused: nothing listens on %s — is %s running, and is the URL right?", hp,
                probe_kind_name(c));
        break;
    case NET_DNS:
        obs_set(o, ST_FAIL, "cannot resolve %s — check the hostname (e.g. the service name on the private network)",
                host);
        break;
    case NET_DNS_TIMEOUT:
        if (r->timeout_ms > 0)
            obs_set(o, ST_FAIL,
                    "name lookup of %s did not finish within %.1fs: the DNS server does not answer — on a "
                    "private network (Railway, Docker, Kubernetes) run lgtmtop inside it, or check its resolver "
                    "(/etc/resolv.conf)",
                    host, (double)r->timeout_ms / 1000.0);
        else
            obs_set(o, ST_FAIL,
                    "name lookup of %s did not finish in time: the DNS server does not answer — on a "
                    "private network (Railway, Docker, Kubernetes) run lgtmtop inside it, or check its resolver "
                    "(/etc/resolv.conf)",
                    host);
        break;
    case NET_TIMEOUT:
        if (r->timeout_ms > 0)
            obs_set(o, ST_FAIL, "no answer within %.1fs (timeout) — the server hangs or is overloaded",
                    (double)r->timeout_ms / 1000.0);
        else
            obs_set(o, ST_FAIL, "no answer in time (timeout) — the server hangs or is overloaded");
        break;
    case NET_TLS:
        /* OpenSSL's "wrong version number": the port speaks plain HTTP, no certificate issue. */
        if (strstr(why, "wrong version number"))
            obs_set(o, ST_FAIL, "TLS handshake got a plain-HTTP answer at %s — use http:// for this port", hp);
        else
            obs_set(o, ST_FAIL, "TLS error: %s — set ca_file or insecure_skip_verify", why);
        break;
    case NET_TOO_BIG:
        format_size(r->max_body, size, sizeof(size));
        obs_set(o, ST_FAIL, "response larger than %s (max_body) — wrong endpoint?", size);
        break;
    case NET_REDIRECTS:
        if (strstr(why, "redirect"))
            obs_set(o, ST_FAIL, "too many redirects: %s — point the URL at the service itself", why);
        else
            obs_set(o, ST_FAIL, "redirected to a URL that is not http(s): %s — point the URL at the service itself",
                    why);
        break;
    case NET_PROTOCOL:
        if (strstr(why, "HTTP/0.9"))
            obs_set(o, ST_FAIL, "not an HTTP server at %s (the reply is not HTTP) — wrong port, or TLS expected?", hp);
        else
            obs_set(o, ST_FAIL, "bad HTTP response: %s", why);
        break;
    case NET_OTHER:
    case NET_OK: /* not a transport error; reached only by misuse */
    default: obs_set(o, ST_FAIL, "request failed: %s", *why ? why : "unknown transport error"); break;
    }
}

void probe_transport_obs(const struct http_response *r, struct obs *o) { probe_transport_obs_for(r, NULL, o); }

/* A one-line reason from an error body: a Prometheus API error, Grafana's {"message"}, or
 * the first non-blank line. "" when there is nothing to say. */
static void body_reason(const struct http_response *r, char *out, size_t outlen)
{
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    out[0] = '\0';
    cJSON *j = p < end && *p == '{' ? cJSON_ParseWithLength(p, (size_t)(end - p)) : NULL;
    if (cJSON_IsObject(j)) {
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "errorType");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
        struct buf b;
        buf_init(&b);
        if (cJSON_IsString(err) && *err->valuestring) {
            if (cJSON_IsString(type) && *type->valuestring)
                buf_printf(&b, "%s: ", type->valuestring);
            buf_puts(&b, err->valuestring);
        } else if (cJSON_IsString(msg) && *msg->valuestring) {
            buf_puts(&b, msg->valuestring);
        }
        if (b.len)
            text_oneline(out, outlen, b.data, b.len);
        buf_free(&b);
    }
    cJSON_Delete(j);
    if (out[0])
        return;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    text_oneline(out, outlen, p, (size_t)((nl ? nl : end) - p));
}

static bool body_starts_with(const struct http_response *r, const char *prefix)
{
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

void probe_http_error_obs(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    char path[256], reason[160];
    bool token = c && has_text(c->token);
    bool basic = c && has_text(c->basic_user);
    probe_url_path(r->url, path, sizeof(path));
    body_reason(r, reason, sizeof(reason));

    if (r->status == 401 && body_starts_with(r, "no org id")) {
        if (c && has_text(c->tenant))
            obs_set(o, ST_FAIL,
                    "401 no org id although tenant \"%s\" is set: a gateway in front rejected or "
                    "dropped the X-Scope-OrgID header — check the gateway",
                    c->tenant);
        else
            obs_set(o, ST_FAIL,
                    "401 no org id: the X-Scope-OrgID tenant header is missing — set tenant: for "
                    "this component");
    } else if (r->status == 401) {
        if (token)
            obs_set(o, ST_FAIL, "401 unauthorized on %s: the token was rejected — check token / token_file", path);
        else if (basic)
            obs_set(o, ST_FAIL, "401 unauthorized on %s: basic auth for user \"%s\" was rejected — check basic_auth",
                    path, c->basic_user);
        else
            obs_set(o, ST_FAIL,
                    "401 unauthorized on %s: credentials required — set token or basic_auth for this "
                    "component",
                    path);
    } else if (r->status == 403) {
        if (token || basic)
            obs_set(o, ST_FAIL,
                    "403 forbidden on %s: the %s lacks permission — check its role / the gateway's "
                    "access rules",
                    path, token ? "token" : "basic auth user");
        else
            obs_set(o, ST_FAIL,
                    "403 forbidden on %s: access denied — does a gateway want credentials (token / "
                    "basic_auth)?",
                    path);
    } else if (r->status == 404) {
        if (c && c->kind == COMP_MIMIR)
            obs_set(o, ST_FAIL, "404 on %s: wrong URL or prefix? (for Mimir check prefix: /prometheus)", path);
        else
            obs_set(o, ST_FAIL, "404 on %s: wrong URL or prefix? — is this really %s?", path, probe_product(c));
    } else if (reason[0]) {
        obs_set(o, ST_FAIL, "HTTP %ld: %s", r->status, reason);
    } else {
        obs_set(o, ST_FAIL, "HTTP %ld%s", r->status, r->status >= 500 ? " (empty body)" : "");
    }
    /* The start of the body helps when the one-line hint is not enough. */
    if (r->body_len > 0 && r->status != 404) {
        char *d = text_clean_multiline(r->body, r->body_len < 1024 ? r->body_len : 1024);
        if (*d)
            obs_detail_line(o, "server said: %s", d);
        free(d);
    }
}

void probe_run_parser(const struct check_def *d, const struct http_response *r, const struct component_cfg *c,
                      struct obs *o)
{
    if (r->err != NET_OK) {
        probe_transport_obs_for(r, c, o);
        return;
    }
    if (!(d->flags & CHECK_RAW) && (r->status < 200 || r->status > 299)) {
        probe_http_error_obs(r, c, o);
        return;
    }
    d->parse(r, c, o);
    if (o->status == ST_UNKNOWN && !o->skipped) /* a parser bug must not look like "not run" */
        obs_set(o, ST_FAIL, "internal error: check \"%s\" produced no status", d->name);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static const char *json_type_name(const cJSON *j)
{
    if (!j)
        return "nothing";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "something else";
}

cJSON *probe_json(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    char path[256];
    const char *end = NULL;
    cJSON *j = NULL;
    if (r->body_len > 0)
        j = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    if (j && end) { /* cJSON stops after the first value: trailing garbage is still garbage */
        const char *stop = r->body + r->body_len;
        while (end < stop && isspace((unsigned char)*end))
            end++;
        if (end < stop) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    if (j)
        return j;
    probe_url_path(r->url, path, sizeof(path));
    if (r->body_len == 0) {
        obs_set(o, ST_FAIL, "invalid JSON from %s: empty body — is this really %s?", path, probe_product(c));
    } else {
        char start[128];
        text_oneline(start, sizeof(start), r->body, r->body_len < 60 ? r->body_len : 60);
        obs_set(o, ST_FAIL, "invalid JSON from %s: %s%s — is this really %s?", path, start,
                r->body_len > 60 ? "..." : "", probe_product(c));
    }
    return NULL;
}

void probe_shape_error(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *what)
{
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    obs_set(o, ST_FAIL, "unexpected JSON from %s: %s — is this really %s?", path, what, probe_product(c));
}

static void shape_error_type(const struct http_response *r, const struct component_cfg *c, struct obs *o,
                             const char *expected, const cJSON *got)
{
    char what[160];
    snprintf(what, sizeof(what), "expected %s, got %s", expected, json_type_name(got));
    probe_shape_error(r, c, o, what);
}

/* status:"error" of a Prometheus API envelope; true if it was one (and o is set). */
static bool prom_error(const struct http_response *r, const cJSON *root, struct obs *o)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsString(status) || strcmp(status->valuestring, "error") != 0)
        return false;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "errorType");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    obs_set(o, ST_FAIL, "error from %s (%s): %s", path,
            cJSON_IsString(type) && *type->valuestring ? type->valuestring : "no errorType",
            cJSON_IsString(err) && *err->valuestring ? err->valuestring : "no error message");
    return true;
}

cJSON *probe_prom_envelope(const struct http_response *r, const struct component_cfg *c, struct obs *o,
                           const cJSON **data)
{
    *data = NULL;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return NULL;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsObject(root)) {
        shape_error_type(r, c, o, "an object with \"status\" and \"data\"", root);
    } else if (!cJSON_IsString(status)) {
        probe_shape_error(r, c, o, "no \"status\" string in the response");
    } else if (prom_error(r, root, o)) {
        /* o is set */
    } else if (strcmp(status->valuestring, "success") != 0) {
        char what[128];
        snprintf(what, sizeof(what), "\"status\" is \"%.60s\", expected \"success\"", status->valuestring);
        probe_shape_error(r, c, o, what);
    } else if (!cJSON_HasObjectItem(root, "data")) {
        probe_shape_error(r, c, o, "no \"data\" in the response");
    } else {
        *data = cJSON_GetObjectItemCaseSensitive(root, "data");
        const cJSON *w;
        cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(root, "warnings")) if (cJSON_IsString(w))
                obs_detail_line(o, "warning: %s", w->valuestring);
        return root;
    }
    cJSON_Delete(root);
    return NULL;
}

cJSON *probe_json_list(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *key,
                       const cJSON **list)
{
    *list = NULL;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return NULL;
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsObject(root) || (l && !cJSON_IsArray(l) && !cJSON_IsNull(l))) {
        char what[96];
        snprintf(what, sizeof(what), "expected {\"%s\":[...]}", key);
        probe_shape_error(r, c, o, what);
        cJSON_Delete(root);
        return NULL;
    }
    *list = cJSON_IsArray(l) ? l : NULL;
    return root;
}

/* ---- build info ------------------------------------------------------------------------ */

static const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Build info is informational: it names the version, nothing depends on it, and some servers
 * have none (Cortex, gateways that route only the query API). So anything but a transport
 * failure (reported before the parser runs) leaves the version unknown and skips the check
 * with the reason; it never fails the component. */
static void buildinfo_skip(struct obs *o, const char *why)
{
    o->skipped = true;
    obs_set(o, ST_UNKNOWN, "version unknown: %s", why);
}

/* The body of a 2xx answer; false with *why set when it is not build info. */
static bool buildinfo_body(const struct http_response *r, const struct component_cfg *c, struct obs *o, char *why,
                           size_t whylen)
{
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p == end) {
        snprintf(why, whylen, "empty answer from %s", path);
        return false;
    }
    if (*p == '<') {
        snprintf(why, whylen, "%s answers HTML, not build info (a gateway or web UI at this URL?)", path);
        return false;
    }
    const char *stop = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &stop, 0);
    if (root && stop) {
        while (stop < end && isspace((unsigned char)*stop))
            stop++;
        if (stop < end) {
            cJSON_Delete(root);
            root = NULL;
        }
    }
    if (!root) {
        char start[64];
        text_oneline(start, sizeof(start), p, (size_t)(end - p) < 40 ? (size_t)(end - p) : 40);
        snprintf(why, whylen, "%s answers something that is not JSON: %s%s", path, start,
                 (size_t)(end - p) > 40 ? "..." : "");
        return false;
    }
    bool ok = false;
    const cJSON *info = root;
    if (!cJSON_IsObject(root)) {
        snprintf(why, whylen, "%s answers %s, not a build info object", path, json_type_name(root));
        goto out;
    }
    if (cJSON_HasObjectItem(root, "status")) { /* Prometheus/Mimir wrap it in an envelope */
        const char *st = json_str(root, "status"), *err = json_str(root, "error");
        if (st && strcmp(st, "error") == 0) {
            snprintf(why, whylen, "%s answers an error: %s", path, has_text(err) ? err : "no error message");
            goto out;
        }
        info = cJSON_GetObjectItemCaseSensitive(root, "data");
        if (!cJSON_IsObject(info)) {
            snprintf(why, whylen, "no build info object in \"data\" of %s (got %s)", path, json_type_name(info));
            goto out;
        }
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(info, "version");
    if (!cJSON_IsString(ver)) {
        snprintf(why, whylen, "\"version\" from %s should be a string, got %s", path, json_type_name(ver));
        goto out;
    }
    const char *app = json_str(info, "application");
    const char *rev = json_str(info, "revision");
    const char *gov = json_str(info, "goVersion");
    if (!has_text(app))
        app = probe_product(c);
    text_oneline(o->version, sizeof(o->version), ver->valuestring, strlen(ver->valuestring));
    if (!o->version[0]) /* vanilla/custom builds leave it empty: not a health problem */
        obs_set(o, ST_OK, "%s (build reports no version%s%s)", app, has_text(gov) ? ", " : "",
                has_text(gov) ? gov : "");
    else if (has_text(rev) || has_text(gov))
        /* A short revision is enough to identify the build and keeps the line readable. */
        obs_set(o, ST_OK, "%s %s (%.10s%s%s)", app, o->version, has_text(rev) ? rev : "",
                has_text(rev) && has_text(gov) ? ", " : "", has_text(gov) ? gov : "");
    else
        obs_set(o, ST_OK, "%s %s", app, o->version);

    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(info, "features")) if (cJSON_IsString(f))
            obs_detail_line(o, "feature %s = %s", f->string, f->valuestring);
    ok = true;
out:
    cJSON_Delete(root);
    return ok;
}

void probe_parse_buildinfo(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    char why[OBS_SUMMARY_LEN];
    if (r->status == 404 || r->status == 405 || r->status == 410 || r->status == 501) {
        snprintf(why, sizeof(why), "no buildinfo endpoint (%ld)", r->status);
        buildinfo_skip(o, why);
    } else if (r->status < 200 || r->status > 299) {
        /* 401/403/5xx: the other checks of the component say what is wrong, if anything. */
        struct obs tmp;
        obs_init(&tmp);
        probe_http_error_obs(r, c, &tmp);
        buildinfo_skip(o, tmp.summary);
        free(o->detail);
        o->detail = tmp.detail;
        tmp.detail = NULL;
        obs_free(&tmp);
    } else if (!buildinfo_body(r, c, o, why, sizeof(why))) {
        o->version[0] = '\0';
        buildinfo_skip(o, why);
    }
}

/* ---- /ready ---------------------------------------------------------------------------- */

/* 503 reasons that mean "coming up, re-poll" rather than "down" (API-NOTES pitfall 1): the
 * ingester's min ready duration after joining the ring, an ingester still without tokens,
 * a query-frontend waiting for its first querier/scheduler, Tempo 3's live-store catching
 * up on Kafka lag. "Some services are not Running" is judged by the states it lists. */
static const char *const ready_starting_prefixes[] = {
        "Ingester not ready: waiting for",
        "Ingester not ready: this instance owns no tokens",
        "Query Frontend not ready",
        "LiveStore not ready",
};

enum svc_verdict { SVC_UNCLEAR, SVC_STARTING, SVC_BROKEN };

static bool svc_state_is(const char *s, size_t n, const char *state)
{
    return strlen(state) == n && memcmp(s, state, n) == 0;
}

/* Reads the lines after "Some services are not Running:". Mimir prints "<service>: <State>",
 * Loki/Tempo "<State>: <count>"; either way collect the states named. */
static enum svc_verdict ready_services_verdict(const char *body, size_t len)
{
    static const char *const starting[] = {"New", "Starting"};
    static const char *const broken[] = {"Stopping", "Terminated", "Failed"};
    bool any_starting = false, any_broken = false;
    const char *p = memchr(body, '\n', len), *end = body + len;
    while (p && p < end) {
        const char *line = p + 1;
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        p = nl;
        if (!colon)
            continue;
        const char *a = line, *ae = colon, *b = colon + 1, *be = eol;
        while (a < ae && isspace((unsigned char)*a))
            a++;
        while (ae > a && isspace((unsigned char)ae[-1]))
            ae--;
        while (b < be && isspace((unsigned char)*b))
            b++;
        while (be > b && isspace((unsigned char)be[-1]))
            be--;
        /* "<State>: <count>" when the right side is a number; a zero count names nothing. */
        const char *st = b, *ste = be;
        if (b < be && isdigit((unsigned char)*b)) {
            if (strtol(b, NULL, 10) == 0)
                continue;
            st = a, ste = ae;
        }
        size_t n = (size_t)(ste - st);
        for (size_t i = 0; i < ARRAY_LEN(starting); i++)
            any_starting |= svc_state_is(st, n, starting[i]);
        for (size_t i = 0; i < ARRAY_LEN(broken); i++)
            any_broken |= svc_state_is(st, n, broken[i]);
    }
    return any_broken ? SVC_BROKEN : any_starting ? SVC_STARTING : SVC_UNCLEAR;
}

static bool ready_is_starting(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    size_t n = (size_t)(end - p);
    for (size_t i = 0; i < ARRAY_LEN(ready_starting_prefixes); i++) {
        size_t pl = strlen(ready_starting_prefixes[i]);
        if (n >= pl && memcmp(p, ready_starting_prefixes[i], pl) == 0)
            return true;
    }
    static const char svc[] = "Some services are not Running";
    if (n >= sizeof(svc) - 1 && memcmp(p, svc, sizeof(svc) - 1) == 0)
        return ready_services_verdict(p, n) == SVC_STARTING;
    return false;
}

void probe_parse_ready(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299) {
        obs_set(o, ST_OK, "ready");
        return;
    }
    if (r->status != 503) {
        probe_http_error_obs(r, c, o);
        return;
    }
    /* Classify the cleaned text: escape sequences or stray CRs must not hide a known reason. */
    char *text = text_clean_multiline(r->body, r->body_len);
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    char reason[200];
    text_oneline(reason, sizeof(reason), text, n);
    if (!reason[0])
        snprintf(reason, sizeof(reason), "%s", "no reason given");
    if (ready_is_starting(text, n))
        obs_set(o, ST_WARN, "starting (503): %s", reason);
    else
        obs_set(o, ST_FAIL, "not ready (503): %s", reason);
    if (strchr(text, '\n')) { /* multi-line reasons keep their lines in detail */
        free(o->detail);
        o->detail = text;
    } else {
        free(text);
    }
}

/* ---- /metrics -------------------------------------------------------------------------- */

static bool name_is(const struct prom_sample *sm, const char *name)
{
    size_t n = strlen(name);
    return sm->name_len == n && memcmp(sm->name, name, n) == 0;
}

static int metrics_scan_cb(const struct prom_sample *sm, void *ud)
{
    struct probe_metrics_scan *s = ud;
    for (size_t i = 0; i < s->nsums; i++) {
        if (name_is(sm, s->sums[i].name)) {
            s->sums[i].found = true;
            if (!isnan(sm->value))
                s->sums[i].sum += sm->value;
        }
    }
    for (size_t i = 0; i < s->nprefixes; i++) {
        size_t pl = strlen(s->prefixes[i].prefix);
        if (!s->prefixes[i].seen && sm->name_len >= pl && memcmp(sm->name, s->prefixes[i].prefix, pl) == 0)
            s->prefixes[i].seen = true;
    }
    if (s->info_metric && !s->info_found && name_is(sm, s->info_metric)) {
        char v[sizeof(s->info_value)];
        if (promtext_label(sm, s->info_label, v, sizeof(v))) {
            text_oneline(s->info_value, sizeof(s->info_value), v, strlen(v));
            s->info_found = true;
        }
    }
    return 0;
}

void probe_metrics_scan(const char *text, size_t len, struct probe_metrics_scan *s)
{
    for (size_t i = 0; i < s->nsums; i++)
        s->sums[i].sum = 0, s->sums[i].found = false;
    for (size_t i = 0; i < s->nprefixes; i++)
        s->prefixes[i].seen = false;
    s->info_found = false;
    s->info_value[0] = '\0';
    promtext_parse(text, len, metrics_scan_cb, s, NULL);
}

bool probe_metrics_status(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299)
        return true;
    if (r->status == 404) { /* gateways often do not route /metrics: not a fault of the component */
        o->skipped = true;
        obs_set(o, ST_UNKNOWN, "skipped: /metrics answers 404 (behind a gateway?) — ingest rates unavailable");
        return false;
    }
    probe_http_error_obs(r, c, o);
    return false;
}

/* ---- requests to a component ------------------------------------------------------------ */

void probe_check_url(const struct component_cfg *c, const struct check_def *d, struct buf *out)
{
    buf_reset(out);
    buf_puts(out, c->url);
    if (d->path_fn)
        d->path_fn(c, out);
    else
        buf_puts(out, d->path);
}

void probe_use_component(struct request *rq, const struct component_cfg *c)
{
    rq->tenant = c->tenant;
    rq->bearer = c->token;
    rq->basic_user = c->basic_user;
    rq->basic_password = c->basic_password;
    rq->insecure = c->insecure_skip_verify;
    rq->ca_file = c->ca_file;
}

void probe_fill_limits(struct request *rq, const struct component_cfg *c, const struct config *cfg)
{
    if (rq->timeout_ms <= 0)
        rq->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : cfg->timeout_ms;
    if (rq->connect_timeout_ms <= 0)
        rq->connect_timeout_ms = c->connect_timeout_ms > 0 ? c->connect_timeout_ms : cfg->connect_timeout_ms;
    if (!rq->max_body)
        rq->max_body = cfg->max_body;
}
