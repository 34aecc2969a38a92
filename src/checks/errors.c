/* errors: what a failed transfer or an HTTP error status means, as one line that names the
 * fault and the fix; probe_run_parser gates every parser on them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lgtmtop/config.h"
#include "common.h"

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

bool probe_net_reset(enum net_err err, const char *err_text)
{
    /* libcurl's words for CURLE_RECV_ERROR, CURLE_SEND_ERROR and CURLE_GOT_NOTHING (its error
     * buffer, or curl_easy_strerror when that is empty), all classified NET_PROTOCOL. */
    static const char *const marks[] = {
            "Connection reset",
            "Recv failure",
            "Send failure",
            "Empty reply from server",
            "Failure when receiving data from the peer",
            "Failure when sending data to the peer",
            "Server returned nothing",
    };
    if (err != NET_PROTOCOL || !err_text)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(marks); i++)
        if (strstr(err_text, marks[i]))
            return true;
    return false;
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
        if (r->body_budget) {
            format_size(r->body_budget, size, sizeof(size));
            obs_set(o, ST_FAIL,
                    "response stopped: the bodies in flight reached the body budget (body_budget, %s) — "
                    "servers sending endless or huge bodies? (raise body_budget: if they are real)",
                    size);
        } else {
            format_size(r->max_body, size, sizeof(size));
            obs_set(o, ST_FAIL, "response larger than %s (max_body) — wrong endpoint?", size);
        }
        break;
    case NET_REDIRECTS:
        if (strstr(why, "redirect"))
            obs_set(o, ST_FAIL, "too many redirects: %s — point the URL at the service itself", why);
        else
            obs_set(o, ST_FAIL, "redirected to a URL that is not http(s): %s — point the URL at the service itself",
                    why);
        break;
    case NET_PROTOCOL:
        if (probe_net_reset(r->err, why)) {
            /* Often a kept-alive connection the server closed (restart, idle timeout, a proxy). */
            obs_set(o, ST_FAIL,
                    "connection reset by the server at %s before it answered (libcurl: %s) — did it restart or "
                    "crash, or does a proxy in front drop connections?",
                    hp, why);
        } else if (strcmp(why, NET_TEXT_HEADER_TOO_BIG) == 0)
            obs_set(o, ST_FAIL, "%s at %s — a broken server or a proxy in front (huge cookie or redirect?)",
                    NET_TEXT_HEADER_TOO_BIG, hp);
        else if (strstr(why, "transfer closed"))
            obs_set(o, ST_FAIL, "truncated response from %s: %s — the server or a proxy closed the connection early",
                    hp, why);
        else if (strstr(why, "HTTP/0.9"))
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
    if (p < end && *p == '<') { /* an HTML page (a proxy, a login or error page): its title */
        size_t n = (size_t)(end - p) < 4096 ? (size_t)(end - p) : 4096;
        const char *t = NULL, *te = NULL;
        for (size_t i = 0; i + 7 <= n && !t; i++)
            if (strncasecmp(p + i, "<title>", 7) == 0)
                t = p + i + 7;
        for (const char *q = t; q && q + 8 <= p + n && !te; q++)
            if (strncasecmp(q, "</title>", 8) == 0)
                te = q;
        char title[96] = "";
        if (t && te)
            text_oneline(title, sizeof(title), t, (size_t)(te - t));
        if (title[0]) {
            snprintf(out, outlen, "an HTML page \"%s\"", title);
            return;
        }
        char text[160]; /* no title: the text between the tags */
        size_t k = 0;
        bool in_tag = false, gap = false; /* a tag between two words reads as a space */
        for (size_t i = 0; i < n && k + 2 < sizeof(text); i++) {
            if (p[i] == '<') {
                in_tag = gap = true;
            } else if (p[i] == '>') {
                in_tag = false;
            } else if (!in_tag) {
                if (gap && k && isalnum((unsigned char)p[i]))
                    text[k++] = ' ';
                gap = false;
                text[k++] = p[i];
            }
        }
        char clean[160];
        text_oneline(clean, sizeof(clean), text, k);
        snprintf(out, outlen, clean[0] ? "an HTML page: %s" : "an HTML page", clean);
        return;
    }
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
    bool url_auth = !basic && ((c && url_has_userinfo(c->url)) || url_has_userinfo(r->url));
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
        else if (url_auth)
            obs_set(o, ST_FAIL,
                    "401 unauthorized on %s: the credentials in the URL (user:password@) were rejected — check "
                    "them, or use basic_auth / token",
                    path);
        else
            obs_set(o, ST_FAIL,
                    "401 unauthorized on %s: credentials required — set token or basic_auth for this "
                    "component",
                    path);
    } else if (r->status == 403) {
        if (token || basic || url_auth)
            obs_set(o, ST_FAIL,
                    "403 forbidden on %s: the %s lacks permission — check its role / the gateway's "
                    "access rules",
                    path,
                    token      ? "token"
                    : url_auth ? "user in the URL"
                               : "basic auth user");
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
