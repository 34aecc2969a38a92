/* common: the kind table, check ids, URL pieces and the request helpers every check module
 * shares. Responses are judged in errors.c (transport, HTTP status), json.c (bodies) and
 * ready.c (build info, /ready, /metrics). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"
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

const char *probe_product(const struct component_cfg *c) { return c ? comp_kind_product(c->kind) : "the server"; }

const char *probe_kind_name(const struct component_cfg *c) { return c ? comp_kind_name(c->kind) : "the server"; }

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
