/* grafana_datasources: every datasource checked both ways — Grafana's own health check
 * (/api/datasources/uid/<uid>/health, or a proxied request where the type/version has no
 * health check) and lgtmtop's direct request to the datasource URL — side by side, with the
 * finding when they disagree. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grafana.h"

#define DS_PROBE_TIMEOUT_MAX_MS 10000L

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring : NULL;
}

static bool streq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

const char *gfs_state_name(enum gfs_state s)
{
    static const char *const names[] = {
            [GFS_PENDING] = "PENDING",      [GFS_OK] = "OK",
            [GFS_ERROR] = "ERROR",          [GFS_UNREACHABLE] = "UNREACHABLE",
            [GFS_NO_API] = "NO_HEALTH_API", [GFS_DENIED] = "DENIED",
            [GFS_SKIPPED] = "SKIPPED",
    };
    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- pure: classification -------------------------------------------------------------- */

bool gf_is_network_error(const char *msg)
{
    static const char *const marks[] = {
            "dial tcp",
            "dial udp",
            "connection refused",
            "no such host",
            "i/o timeout",
            "context deadline exceeded",
            "Client.Timeout",
            "network is unreachable",
            "no route to host",
            "connection reset",
            "timeout awaiting",
            "Bad Gateway",
            "server misbehaving",
            "x509:",
            "tls:",
            "certificate",
            "EOF",
    };
    if (!msg)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(marks); i++)
        if (strstr(msg, marks[i]))
            return true;
    return false;
}

static void side_set(struct gf_side *s, enum gfs_state st, const char *via, long http, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));

static void side_set(struct gf_side *s, enum gfs_state st, const char *via, long http, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(s->message, sizeof(s->message), fmt, ap);
    va_end(ap);
    s->state = st;
    s->http_status = http;
    s->network = false;
    snprintf(s->via, sizeof(s->via), "%s", via);
}

/* The common one-line message of a transport failure. */
static void transport_text(const struct http_response *r, char *out, size_t outlen)
{
    struct obs o;
    obs_init(&o);
    probe_transport_obs(r, &o);
    snprintf(out, outlen, "%s", o.summary);
    obs_free(&o);
}

void gf_health_classify(const struct http_response *r, struct gf_side *s)
{
    char msg[300];
    if (r->err != NET_OK) {
        transport_text(r, msg, sizeof(msg));
        side_set(s, GFS_ERROR, "health", 0, "Grafana's health check did not answer: %s", msg);
        s->network = true;
        return;
    }
    gf_body_message(r, msg, sizeof(msg));
    if (r->status == 200) {
        cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
        const char *st = jstr(root, "status"), *m = jstr(root, "message");
        if (st && strcasecmp(st, "OK") == 0)
            side_set(s, GFS_OK, "health", 200, "%s", m ? m : "OK");
        else if (st && strcasecmp(st, "ERROR") == 0)
            side_set(s, GFS_ERROR, "health", 200, "%s", m ? m : "health check failed");
        else if (st)
            side_set(s, GFS_NO_API, "health", 200, "health status %s%s%s", st, m ? ": " : "", m ? m : "");
        else
            side_set(s, GFS_NO_API, "health", 200, "unexpected health answer: %s", msg[0] ? msg : "(empty)");
        cJSON_Delete(root);
    } else if (r->status == 404) {
        side_set(s, GFS_NO_API, "health", 404, "no health check for this type or Grafana version (404)");
    } else if (r->status == 401 || r->status == 403) {
        side_set(s, GFS_DENIED, "health", r->status, "health API denied (%ld)%s%s: the token needs datasources:query",
                 r->status, msg[0] ? ": " : "", msg);
    } else if (r->status == 400) { /* the plugin reports failure (Grafana >= 8.1) */
        side_set(s, GFS_ERROR, "health", 400, "%s", msg[0] ? msg : "health check failed");
    } else {
        side_set(s, GFS_ERROR, "health", r->status, "HTTP %ld: %s", r->status, msg[0] ? msg : "health check failed");
    }
    if (s->state == GFS_ERROR)
        s->network = gf_is_network_error(s->message);
}

void gf_proxy_classify(const struct http_response *r, struct gf_side *s)
{
    char msg[300];
    if (r->err != NET_OK) {
        transport_text(r, msg, sizeof(msg));
        side_set(s, GFS_NO_API, "proxy", 0, "no health API; the proxy fallback got no answer: %s", msg);
        return;
    }
    gf_body_message(r, msg, sizeof(msg));
    if (r->status >= 200 && r->status <= 299) {
        side_set(s, GFS_OK, "proxy", r->status, "no health API; reached through Grafana's proxy (HTTP %ld)", r->status);
    } else if (r->status == 502 || r->status == 504) {
        side_set(s, GFS_ERROR, "proxy", r->status, "Grafana's proxy cannot reach it (HTTP %ld%s%s)", r->status,
                 msg[0] ? ": " : "", msg);
        s->network = true;
    } else if (r->status == 401 || r->status == 403) {
        side_set(s, GFS_DENIED, "proxy", r->status, "no health API, and the proxy fallback was denied (%ld)%s%s",
                 r->status, msg[0] ? ": " : "", msg);
    } else {
        side_set(s, GFS_NO_API, "proxy", r->status, "no health API; the proxy fallback answered HTTP %ld%s%s",
                 r->status, msg[0] ? ": " : "", msg);
    }
}

static bool typed_probe(const char *type)
{
    return streq(type, "prometheus") || streq(type, "loki") || streq(type, "tempo");
}

void gf_direct_classify(const struct http_response *r, const char *type, struct gf_side *s)
{
    char msg[300];
    if (r->err != NET_OK) {
        transport_text(r, msg, sizeof(msg));
        side_set(s, GFS_UNREACHABLE, "direct", 0, "%s", msg);
        s->network = true;
        return;
    }
    if (r->status >= 200 && r->status <= 299) {
        side_set(s, GFS_OK, "direct", r->status, "HTTP %ld", r->status);
        return;
    }
    gf_body_message(r, msg, sizeof(msg));
    if (typed_probe(type))
        side_set(s, GFS_ERROR, "direct", r->status, "HTTP %ld%s%s", r->status, msg[0] ? ": " : "", msg);
    else /* any answer proves it is reachable */
        side_set(s, GFS_OK, "direct", r->status, "reachable (HTTP %ld)", r->status);
}

const char *gf_health_fallback(const char *type, const cJSON *json_data)
{
    if (streq(type, "tempo"))
        return "/api/echo";
    if (streq(type, "prometheus")) /* Grafana 9.x had no backend health for Prometheus */
        return "/api/v1/query?query=1%2B1";
    if (streq(type, "loki")) /* nor for Loki before 10.2 */
        return "/loki/api/v1/labels";
    if (streq(type, "alertmanager")) /* the frontend's own test: Mimir/Cortex vs vanilla */
        return streq(jstr(json_data, "implementation"), "prometheus") ? "/api/v2/status"
                                                                      : "/alertmanager/api/v2/status";
    return NULL;
}

const char *gf_direct_path(const char *type)
{
    if (streq(type, "prometheus"))
        return "/api/v1/query?query=1%2B1";
    if (streq(type, "loki"))
        return "/loki/api/v1/labels";
    if (streq(type, "tempo"))
        return "/api/echo";
    return "";
}

bool gf_declares_tenant(const cJSON *json_data)
{
    const cJSON *it;
    if (!cJSON_IsObject(json_data))
        return false;
    cJSON_ArrayForEach(it, json_data) if (it->string && strncmp(it->string, "httpHeaderName", 14) == 0 &&
                                          cJSON_IsString(it) &&
                                          strcasecmp(it->valuestring, "X-Scope-OrgID") == 0) return true;
    return false;
}

/* ---- pure: judging and reporting ------------------------------------------------------- */

static void finding(struct gf_dsrow *row, enum status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void finding(struct gf_dsrow *row, enum status st, const char *fmt, ...)
{
    va_list ap;
    free(row->finding);
    va_start(ap, fmt);
    row->finding = xvasprintf(fmt, ap);
    va_end(ap);
    row->status = st;
}

void gf_dsrow_judge(struct gf_dsrow *row)
{
    const struct gf_side *g = &row->grafana, *d = &row->direct;
    const char *type = row->type ? row->type : "the datasource";
    const char *url = row->url ? row->url : "its URL";
    free(row->finding);
    row->finding = NULL;
    row->status = ST_OK;
    /* Grafana sends X-Scope-OrgID (its value is secret there) and lgtmtop has no tenant for it. */
    bool no_tenant = row->tenant_header && !row->tenant_from && (d->state == GFS_OK || d->state == GFS_ERROR);
    if (no_tenant && !strstr(d->message, "without X-Scope-OrgID")) {
        size_t l = strlen(row->direct.message);
        snprintf(row->direct.message + l, sizeof(row->direct.message) - l, " (sent without X-Scope-OrgID)");
    }
    switch (g->state) {
    case GFS_OK:
        if (d->state == GFS_ERROR && no_tenant)
            finding(row, ST_OK,
                    "lgtmtop's direct request fails (%s): Grafana sends an X-Scope-OrgID tenant whose "
                    "value it keeps secret — set tenant: on the %s component in lgtmtop",
                    d->message,
                    streq(row->type, "loki")    ? "loki"
                    : streq(row->type, "tempo") ? "tempo"
                                                : "mimir");
        else if (d->state == GFS_UNREACHABLE)
            finding(row, ST_OK,
                    "lgtmtop cannot reach %s but Grafana can: the URL is only valid inside Grafana's "
                    "network (normal for private service names)",
                    url);
        else if (d->state == GFS_ERROR)
            finding(row, ST_OK,
                    "lgtmtop's direct request fails (%s) but Grafana's works: Grafana sends credentials "
                    "or headers lgtmtop does not have",
                    d->message);
        break;
    case GFS_ERROR:
        if (g->network) {
            if (d->state == GFS_OK)
                finding(row, ST_FAIL,
                        "Grafana cannot reach it but lgtmtop can: check the URL configured in Grafana "
                        "(%s) / Grafana's network",
                        url);
            else if (d->state == GFS_UNREACHABLE)
                finding(row, ST_FAIL, "neither Grafana nor lgtmtop can reach %s: is %s running?", url, type);
            else if (d->state == GFS_ERROR)
                finding(row, ST_FAIL, "Grafana cannot reach it; lgtmtop reaches it but gets %s", d->message);
            else
                finding(row, ST_FAIL, "Grafana cannot reach it: check the URL configured in Grafana (%s) / its network",
                        url);
        } else {
            if (d->state == GFS_OK)
                finding(row, ST_FAIL,
                        "Grafana's check fails but lgtmtop's direct request works: check the "
                        "datasource's credentials and headers (tenant) in Grafana");
            else if (d->state == GFS_ERROR)
                finding(row, ST_FAIL, "fails from Grafana and from lgtmtop (%s): the datasource itself is failing",
                        d->message);
            else if (d->state == GFS_UNREACHABLE)
                finding(row, ST_FAIL, "Grafana's check fails and lgtmtop cannot reach %s", url);
            else
                finding(row, ST_FAIL, "Grafana's health check fails");
        }
        break;
    case GFS_NO_API:
    case GFS_DENIED:
        if (row->fallback && streq(g->via, "proxy")) {
            finding(row, ST_WARN, "Grafana has no health check for %s here and the proxy fallback failed: %s%s", type,
                    g->message, d->state == GFS_OK ? " (lgtmtop reaches it directly)" : "");
        } else if (g->state == GFS_DENIED) {
            finding(row, ST_OK, "not checked by Grafana: %s", g->message);
        } else {
            finding(row, ST_OK, "Grafana has no health check for %s (type or version)%s", type,
                    d->state == GFS_OK            ? "; lgtmtop reaches it directly"
                    : d->state == GFS_UNREACHABLE ? "; lgtmtop cannot reach it either (private URL?)"
                                                  : "");
        }
        break;
    default: break;
    }
}

static int row_rank(const struct gf_dsrow *r) { return (int)r->status * 4 + (r->finding ? 1 : 0); }

static int row_cmp(const void *a, const void *b)
{
    const struct gf_dsrow *x = a, *y = b;
    int d = row_rank(y) - row_rank(x);
    if (d)
        return d;
    return strcmp(x->name ? x->name : "", y->name ? y->name : "");
}

static cJSON *side_json(const struct gf_side *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", gfs_state_name(s->state));
    cJSON_AddStringToObject(o, "message", s->message);
    if (s->http_status)
        cJSON_AddNumberToObject(o, "http_status", (double)s->http_status);
    else
        cJSON_AddNullToObject(o, "http_status");
    cJSON_AddStringToObject(o, "via", s->via[0] ? s->via : "-");
    return o;
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *row_json(const struct gf_dsrow *r)
{
    cJSON *o = cJSON_CreateObject();
    add_str_or_null(o, "name", r->name);
    add_str_or_null(o, "type", r->type);
    add_str_or_null(o, "uid", r->uid);
    add_str_or_null(o, "url", r->url);
    cJSON_AddBoolToObject(o, "default", r->is_default);
    cJSON_AddStringToObject(o, "status", status_name(r->status));
    cJSON_AddItemToObject(o, "grafana", side_json(&r->grafana));
    cJSON *d = side_json(&r->direct);
    add_str_or_null(d, "url", r->probe_url);
    cJSON_AddStringToObject(d, "tenant",
                            !r->tenant_header ? (r->tenant_from ? "sent" : "not declared")
                            : r->tenant_from  ? "sent"
                                              : "missing");
    add_str_or_null(d, "tenant_from", r->tenant_from);
    cJSON_AddItemToObject(o, "direct", d);
    add_str_or_null(o, "finding", r->finding);
    return o;
}

static const char *side_cell(const struct gf_side *s, char *buf, size_t len)
{
    if (s->state == GFS_PENDING)
        return "-";
    snprintf(buf, len, "%s%s%s", gfs_state_name(s->state), s->message[0] ? ": " : "", s->message);
    return buf;
}

void gf_datasources_report(struct gf_dsrow *rows, size_t n, struct obs *o)
{
    if (n > 1)
        qsort(rows, n, sizeof(*rows), row_cmp);
    int ok = 0, unreachable = 0, failing = 0, unchecked = 0, private_url = 0;
    const struct gf_dsrow *first_unreach = NULL, *first_fail = NULL, *first_unchecked = NULL, *first_private = NULL;
    cJSON *data = cJSON_CreateArray();
    struct gf_table t;
    gf_table_init(&t, 6);
    const char *head[] = {"NAME", "TYPE", "UID", "GRAFANA", "LGTMTOP", "FINDING"};
    gf_table_add(&t, head);
    for (size_t i = 0; i < n; i++) {
        const struct gf_dsrow *r = &rows[i];
        char gbuf[256], dbuf[256];
        if (r->status == ST_FAIL && r->grafana.network) {
            unreachable++;
            first_unreach = first_unreach ? first_unreach : r;
        } else if (r->status == ST_FAIL) {
            failing++;
            first_fail = first_fail ? first_fail : r;
        } else if (r->status == ST_WARN) {
            unchecked++;
            first_unchecked = first_unchecked ? first_unchecked : r;
        } else {
            ok++;
            if (r->grafana.state == GFS_OK && r->direct.state == GFS_UNREACHABLE) {
                private_url++;
                first_private = first_private ? first_private : r;
            }
        }
        const char *cols[] = {r->name,
                              r->type,
                              r->uid,
                              side_cell(&r->grafana, gbuf, sizeof(gbuf)),
                              side_cell(&r->direct, dbuf, sizeof(dbuf)),
                              r->finding};
        gf_table_add(&t, cols);
        cJSON_AddItemToArray(data, row_json(r));
    }
    if (n)
        gf_table_render(&t, o);
    gf_table_free(&t);
    obs_add_value(o, VK_DATASOURCES, (double)n);
    obs_add_value(o, VK_DATASOURCES_HEALTHY, ok);
    obs_add_value(o, VK_DATASOURCES_FAILING, unreachable + failing);
    cJSON_Delete(o->data);
    o->data = data;
    if (n == 0) {
        obs_set(o, ST_WARN, "no datasources in Grafana (for this token's organisation)");
        return;
    }
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%zu datasource%s: %d OK", n, n == 1 ? "" : "s", ok);
    if (unreachable)
        buf_printf(&b, ", %d unreachable from Grafana (%s: %s)", unreachable,
                   first_unreach->name ? first_unreach->name : "?", first_unreach->grafana.message);
    if (failing)
        buf_printf(&b, ", %d failing in Grafana (%s: %s)", failing, first_fail->name ? first_fail->name : "?",
                   first_fail->grafana.message);
    if (unchecked)
        buf_printf(&b, ", %d not checkable (%s: no health API, proxy fallback failed)", unchecked,
                   first_unchecked->name ? first_unchecked->name : "?");
    if (private_url)
        buf_printf(&b, "; %d reachable only from Grafana's network (%s)", private_url,
                   first_private->name ? first_private->name : "?");
    obs_set(o, unreachable + failing ? ST_FAIL : unchecked ? ST_WARN : ST_OK, "%s", b.data);
    buf_free(&b);
}

void gf_dsrow_free(struct gf_dsrow *row)
{
    char **strs[] = {&row->name, &row->type, &row->uid, &row->url, &row->probe_url, &row->fallback, &row->finding};
    for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
}

/* ---- glue: the multi-request check ----------------------------------------------------- */

struct ds_run {
    bool failed; /* the list request failed; `first` says how */
    struct obs first;
    struct gf_dsrow *rows;
    size_t nrows;
};

static struct gf_dsrow *run_row(struct multi_run *run, void *arg)
{
    struct ds_run *d = run->data;
    size_t i = (size_t)(uintptr_t)arg;
    return i < d->nrows ? &d->rows[i] : NULL;
}

static void on_direct(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct gf_dsrow *row = run_row(run, arg);
    if (row && r)
        gf_direct_classify(r, row->type, &row->direct);
}

/* /health answered 404 (no health check for this type/version): the proxy decides. */
static bool needs_fallback(const struct gf_dsrow *row)
{
    return row->fallback && row->grafana.state == GFS_NO_API && row->grafana.http_status == 404;
}

static void on_proxy(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct gf_dsrow *row = run_row(run, arg);
    if (!row || !r || r->err == NET_CANCELLED)
        return;
    gf_proxy_classify(r, &row->proxy);
    row->proxy_done = true;
    if (row->health_done && needs_fallback(row))
        row->grafana = row->proxy;
}

static void path_for(struct buf *b, const char *uid, const char *rest)
{
    buf_puts(b, "/api/datasources/");
    buf_puts(b, "uid/");
    probe_url_encode(b, uid);
    buf_puts(b, rest);
}

static void submit_proxy(struct multi_run *run, const struct gf_dsrow *row, void *arg)
{
    struct buf p;
    buf_init(&p);
    buf_puts(&p, "/api/datasources/proxy/");
    buf_puts(&p, "uid/");
    probe_url_encode(&p, row->uid);
    buf_puts(&p, row->fallback);
    multi_get(run, p.data, on_proxy, arg);
    buf_free(&p);
}

/* Whether to ask the proxy together with /health rather than after its 404, which saves a
 * round trip on a slow Grafana: yes unless the previous run of this check saw the datasource
 * answer its health API (so a live view does not double its requests every sweep). */
static bool ask_proxy_early(const cJSON *prev_data, const char *uid)
{
    const cJSON *prev, *rows = cJSON_IsArray(prev_data) ? prev_data : NULL;
    cJSON_ArrayForEach(prev, rows)
    {
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(prev, "uid");
        if (cJSON_IsString(u) && strcmp(u->valuestring, uid) == 0) {
            const cJSON *g = cJSON_GetObjectItemCaseSensitive(prev, "grafana");
            const cJSON *via = cJSON_GetObjectItemCaseSensitive(g, "via");
            return !(cJSON_IsString(via) && strcmp(via->valuestring, "health") == 0);
        }
    }
    return true;
}

static void on_health(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct gf_dsrow *row = run_row(run, arg);
    if (!row || !r)
        return;
    if (r->err == NET_CANCELLED)
        return;
    gf_health_classify(r, &row->grafana);
    row->health_done = true;
    if (!needs_fallback(row))
        return;
    if (row->proxy_done)
        row->grafana = row->proxy;
    else if (!row->speculative)
        submit_proxy(run, row, arg);
}

/* The lgtmtop component at the datasource's host:port (its credentials and tenant apply),
 * preferring the kinds that serve the datasource's type. */
static const struct component_cfg *same_endpoint(const struct multi_run *run, const char *url, const char *type)
{
    static const enum comp_kind prom[] = {COMP_MIMIR, COMP_PROMETHEUS, COMP_LOKI, COMP_TEMPO};
    static const enum comp_kind loki[] = {COMP_LOKI, COMP_MIMIR, COMP_PROMETHEUS, COMP_TEMPO};
    static const enum comp_kind tempo[] = {COMP_TEMPO, COMP_MIMIR, COMP_LOKI, COMP_PROMETHEUS};
    const enum comp_kind *order = streq(type, "loki") ? loki : streq(type, "tempo") ? tempo : prom;
    char want[160], have[160];
    url_hostport(url, want, sizeof(want));
    for (size_t i = 0; i < 4; i++) {
        const struct component_cfg *c = gf_sibling(run->cfg, run->c, order[i]);
        if (!c)
            continue;
        url_hostport(c->url, have, sizeof(have));
        if (strcmp(want, have) == 0)
            return c;
    }
    return NULL;
}

/* Where the tenant comes from when Grafana declares X-Scope-OrgID (its value is secret in
 * Grafana): the stack's component of the datasource's type. */
static const struct component_cfg *tenant_source(const struct multi_run *run, const char *type)
{
    enum comp_kind kinds[2];
    size_t n = 0;
    if (streq(type, "prometheus") || streq(type, "alertmanager")) {
        kinds[n++] = COMP_MIMIR;
        kinds[n++] = COMP_PROMETHEUS;
    } else if (streq(type, "loki")) {
        kinds[n++] = COMP_LOKI;
    } else if (streq(type, "tempo")) {
        kinds[n++] = COMP_TEMPO;
    }
    for (size_t i = 0; i < n; i++) {
        const struct component_cfg *c = gf_sibling(run->cfg, run->c, kinds[i]);
        if (c && c->tenant && *c->tenant)
            return c;
    }
    return NULL;
}

static void submit_direct(struct multi_run *run, struct gf_dsrow *row, const char *raw_url, size_t i)
{
    if (!raw_url || !(str_starts_with(raw_url, "http://") || str_starts_with(raw_url, "https://"))) {
        side_set(&row->direct, GFS_SKIPPED, "direct", 0, raw_url ? "not an http(s) URL" : "no URL to probe");
        return;
    }
    size_t n = strlen(raw_url);
    while (n > 8 && raw_url[n - 1] == '/')
        n--;
    char *url = xasprintf("%.*s%s", (int)n, raw_url, gf_direct_path(row->type));
    const struct component_cfg *same = same_endpoint(run, raw_url, row->type);
    const struct component_cfg *tc = same && same->tenant && *same->tenant ? same
                                     : row->tenant_header                  ? tenant_source(run, row->type)
                                                                           : NULL;
    long timeout = run->c->timeout_ms > 0 ? run->c->timeout_ms : run->cfg->timeout_ms;
    struct request rq = {
            .url = url,
            .tenant = tc ? tc->tenant : NULL,
            .timeout_ms = timeout > DS_PROBE_TIMEOUT_MAX_MS ? DS_PROBE_TIMEOUT_MAX_MS : timeout,
    };
    if (same) { /* our own endpoint: its credentials and TLS settings apply */
        probe_use_component(&rq, same);
        rq.tenant = tc ? tc->tenant : NULL; /* the tenant follows the datasource's header */
    }
    if (tc && tc->tenant)
        row->tenant_from = comp_kind_name(tc->kind);
    row->probe_url = url_redact(url);
    multi_request(run, &rq, on_direct, (void *)(uintptr_t)i);
    free(url);
}

static void on_list(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct ds_run *d = run->data;
    (void)arg;
    if (!r)
        return;
    if (!gf_api_response(r, run->c, &d->first, "/api/datasources", "the Viewer role (datasources:read)")) {
        d->failed = true;
        return;
    }
    cJSON *root = probe_json(r, run->c, &d->first);
    if (!root) {
        d->failed = true;
        return;
    }
    if (!cJSON_IsArray(root)) {
        probe_shape_error(r, run->c, &d->first, "expected an array of datasources");
        d->failed = true;
        cJSON_Delete(root);
        return;
    }
    d->nrows = (size_t)cJSON_GetArraySize(root);
    d->rows = d->nrows ? xcalloc(d->nrows, sizeof(*d->rows)) : NULL;
    size_t i = 0;
    const cJSON *ds;
    cJSON_ArrayForEach(ds, root)
    {
        struct gf_dsrow *row = &d->rows[i];
        const char *url = jstr(ds, "url");
        const cJSON *jd = cJSON_IsObject(ds) ? cJSON_GetObjectItemCaseSensitive(ds, "jsonData") : NULL;
        row->name = xstrdup(jstr(ds, "name"));
        row->type = xstrdup(jstr(ds, "type"));
        row->uid = xstrdup(jstr(ds, "uid"));
        row->url = url ? url_redact(url) : NULL;
        row->is_default = cJSON_IsTrue(cJSON_IsObject(ds) ? cJSON_GetObjectItemCaseSensitive(ds, "isDefault") : NULL);
        row->tenant_header = gf_declares_tenant(jd);
        const char *fb = gf_health_fallback(row->type, jd);
        row->fallback = fb ? xstrdup(fb) : NULL;
        if (row->uid) {
            struct buf p;
            buf_init(&p);
            path_for(&p, row->uid, "/health");
            multi_get(run, p.data, on_health, (void *)(uintptr_t)i);
            buf_free(&p);
            if (row->fallback && ask_proxy_early(run->prev_data, row->uid)) {
                row->speculative = true;
                submit_proxy(run, row, (void *)(uintptr_t)i);
            }
        } else {
            side_set(&row->grafana, GFS_NO_API, "health", 0, "no uid: Grafana too old for the datasource health API");
        }
        submit_direct(run, row, url, i);
        i++;
    }
    cJSON_Delete(root);
}

static void ds_start(struct multi_run *run)
{
    struct ds_run *d = run->data;
    obs_init(&d->first);
    multi_get_shared(run, "/api/datasources", on_list, NULL);
}

static void ds_finish(struct multi_run *run, struct obs *o)
{
    struct ds_run *d = run->data;
    if (d->failed) {
        gf_obs_move(o, &d->first);
        return;
    }
    for (size_t i = 0; i < d->nrows; i++) {
        if (d->rows[i].fallback && !streq(d->rows[i].grafana.via, "proxy")) {
            free(d->rows[i].fallback); /* health answered: the fallback was not tried */
            d->rows[i].fallback = NULL;
        }
        gf_dsrow_judge(&d->rows[i]);
    }
    gf_datasources_report(d->rows, d->nrows, o);
}

static void ds_free(void *data)
{
    struct ds_run *d = data;
    obs_free(&d->first);
    for (size_t i = 0; i < d->nrows; i++)
        gf_dsrow_free(&d->rows[i]);
    free(d->rows);
}

const struct multi_check gf_datasources_multi = {
        .data_size = sizeof(struct ds_run),
        .start = ds_start,
        .finish = ds_finish,
        .data_free = ds_free,
        .max_inflight = MULTI_ENGINE_BOUND, /* one request per datasource, all at once */
};
