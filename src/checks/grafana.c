/* grafana: Grafana checks. /api/health needs no credentials; the others need a service
 * account token (Viewer is enough for datasources and dashboards; alerting provisioning reads
 * need alert.provisioning:read) or basic auth, or anonymous access. Without credentials a
 * check that Grafana refuses is skipped, not failed.
 *
 * datasources, dashboards and alerting are multi-request checks (grafana_*.c); each keeps its
 * first request as the row's path with a single-response parser, which is what runs when the
 * check is evaluated on one response (unit tests, and the shared transport/HTTP handling). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grafana.h"
#include "lgtmtop/text.h"

#define GRAFANA_DS_LISTED 6
#define GF_TABLE_COL_MAX 48 /* a padded column is at most this wide (characters) */

static const char *gf_str(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) && *v->valuestring ? v->valuestring : dflt;
}

/* ---- shared ---------------------------------------------------------------------------- */

static bool gf_has_credentials(const struct component_cfg *c)
{
    return c && ((c->token && *c->token) || (c->basic_user && *c->basic_user) || url_has_userinfo(c->url));
}

bool gf_api_response(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *path,
                     const char *permission)
{
    if (r->err != NET_OK) {
        probe_transport_obs_for(r, c, o);
        return false;
    }
    if (r->status == 401 || r->status == 403) {
        if (!gf_has_credentials(c)) {
            /* Not a fault of Grafana: the check cannot run without a credential. */
            o->skipped = true;
            obs_set(o, ST_UNKNOWN,
                    "skipped: Grafana wants credentials for %s; set GRAFANA_TOKEN "
                    "(service account token) or grafana.token",
                    path);
        } else if (r->status == 401) {
            if (c->token && *c->token)
                obs_set(o, ST_FAIL, "Grafana rejected the token (401): check GRAFANA_TOKEN / grafana.token_file");
            else if (!(c->basic_user && *c->basic_user))
                obs_set(o, ST_FAIL,
                        "Grafana rejected the credentials in the URL (user:password@) (401): check them, or "
                        "use a token");
            else
                obs_set(o, ST_FAIL, "Grafana rejected basic auth for user \"%s\" (401): check grafana.basic_auth",
                        c->basic_user);
        } else {
            obs_set(o, ST_FAIL, "token lacks permission (403) for %s: the service account needs %s", path, permission);
        }
        return false;
    }
    if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, c, o);
        return false;
    }
    return true;
}

void gf_body_message(const struct http_response *r, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!r->body || !r->body_len)
        return;
    cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
    const char *m = gf_str(root, "message", NULL);
    if (!m)
        m = gf_str(root, "error", NULL);
    if (m) {
        text_oneline(out, outlen, m, strlen(m));
    } else {
        size_t n = 0;
        while (n < r->body_len && n < 400 && r->body[n] != '\n')
            n++;
        if (n == 0 && r->body_len > 1) /* leading newline */
            n = r->body_len < 400 ? r->body_len : 400;
        text_oneline(out, outlen, r->body, n);
    }
    cJSON_Delete(root);
}

void gf_obs_move(struct obs *dst, struct obs *src)
{
    obs_free(dst);
    *dst = *src;
    obs_init(src);
}

const struct component_cfg *gf_sibling(const struct config *cfg, const struct component_cfg *c, enum comp_kind k)
{
    for (size_t i = 0; cfg && i < cfg->nstacks; i++) {
        const struct stack_cfg *st = &cfg->stacks[i];
        for (int j = 0; j < COMP_KIND_COUNT; j++)
            if (&st->comp[j] == c)
                return st->comp[k].enabled && st->comp[k].url ? &st->comp[k] : NULL;
    }
    return NULL;
}

void gf_table_init(struct gf_table *t, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols;
}

void gf_table_add(struct gf_table *t, const char *const *cols)
{
    t->cells = xrealloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(char *));
    for (size_t i = 0; i < t->ncols; i++) {
        const char *f = cols[i] && *cols[i] ? cols[i] : "-";
        size_t len = strlen(f);
        char *clean = xmalloc(len + 2);
        text_oneline(clean, len + 1, f, len);
        if (!*clean)
            strcpy(clean, "-");
        t->cells[t->nrows * t->ncols + i] = clean;
    }
    t->nrows++;
}

/* Appends s cut to `width` columns ("..." when cut) and, when pad, padded to width: by display
 * width, so a wide character (2 columns) does not shift the columns after it. The last column
 * is not cut. */
static void put_cell(struct buf *b, const char *s, size_t width, bool pad)
{
    int w = text_width(s, false);
    if ((size_t)w > width) {
        /* "..." rather than "…": detail tables also go to plain-text logs */
        int keep = width > 3 ? (int)width - 3 : 0;
        size_t off = text_col_offset(s, keep, false);
        buf_append(b, s, off);
        buf_puts(b, "...");
        char *head = xstrndup(s, off);
        w = text_width(head, false) + 3;
        free(head);
    } else {
        buf_puts(b, s);
    }
    for (; pad && (size_t)w < width; w++)
        buf_putc(b, ' ');
}

void gf_table_render(const struct gf_table *t, struct obs *o)
{
    size_t *w = xcalloc(t->ncols ? t->ncols : 1, sizeof(size_t));
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t i = 0; i < t->ncols; i++) {
            size_t n = (size_t)text_width(t->cells[r * t->ncols + i], false);
            if (n > w[i])
                w[i] = n > GF_TABLE_COL_MAX ? GF_TABLE_COL_MAX : n;
        }
    struct buf all;
    buf_init(&all);
    if (o->detail)
        buf_puts(&all, o->detail);
    for (size_t r = 0; r < t->nrows; r++) {
        if (all.len)
            buf_putc(&all, '\n');
        for (size_t i = 0; i < t->ncols; i++) {
            bool last = i + 1 == t->ncols;
            if (i)
                buf_puts(&all, "  ");
            put_cell(&all, t->cells[r * t->ncols + i], last ? (size_t)-1 / 2 : w[i], !last);
        }
    }
    free(o->detail);
    o->detail = buf_steal(&all);
    free(w);
}

void gf_table_free(struct gf_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof(*t));
}

/* ---- health ---------------------------------------------------------------------------- */

static void grafana_parse_health(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    /* 503 carries the same JSON when the database check fails; anything else (or a 503 from a
     * proxy, which is not JSON) gets the common message. */
    cJSON *root = NULL;
    if (r->status == 503) {
        root = cJSON_ParseWithLength(r->body, r->body_len);
        if (!cJSON_IsObject(root) || !cJSON_HasObjectItem(root, "database")) {
            cJSON_Delete(root);
            probe_http_error_obs(r, c, o);
            return;
        }
    } else if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, c, o);
        return;
    } else if (!(root = probe_json(r, c, o))) {
        return;
    }
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(root, "database");
    const char *version = gf_str(root, "version", NULL);
    if (!cJSON_IsObject(root) || !cJSON_IsString(db)) {
        probe_shape_error(r, c, o, "no \"database\" string in /api/health");
        goto out;
    }
    if (version)
        text_oneline(o->version, sizeof(o->version), version, strlen(version));
    if (strcmp(db->valuestring, "ok") == 0 && r->status != 503) {
        if (o->version[0])
            obs_set(o, ST_OK, "Grafana %s, database ok", o->version);
        else /* [auth.anonymous] hide_version = true */
            obs_set(o, ST_OK, "database ok (version hidden)");
    } else if (strcmp(db->valuestring, "failing") == 0) {
        obs_set(o, ST_FAIL, "Grafana database: failing (SELECT 1 fails) — check Grafana's database and its logs");
    } else {
        obs_set(o, ST_FAIL, "Grafana database: %s (HTTP %ld)", db->valuestring, r->status);
    }
out:
    cJSON_Delete(root);
}

/* ---- single-response parsers of the multi checks --------------------------------------- */

/* The datasource list alone (what the datasources check starts with). */
static void grafana_parse_datasources(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!gf_api_response(r, c, o, "/api/datasources", "the Viewer role (datasources:read)"))
        return;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return;
    if (!cJSON_IsArray(root)) {
        probe_shape_error(r, c, o, "expected an array of datasources");
        goto out;
    }
    int n = cJSON_GetArraySize(root), i = 0;
    struct buf list;
    buf_init(&list);
    const cJSON *ds;
    cJSON_ArrayForEach(ds, root)
    {
        const char *name = gf_str(ds, "name", "?");
        const char *type = gf_str(ds, "type", "?");
        char *url = url_redact(gf_str(ds, "url", "-"));
        if (i < GRAFANA_DS_LISTED)
            buf_printf(&list, "%s%s (%s)", i ? ", " : "", name, type);
        const char *cols[] = {name, type, gf_str(ds, "uid", "-"), url};
        probe_detail_cols(o, cols, ARRAY_LEN(cols));
        free(url);
        i++;
    }
    obs_add_value(o, VK_DATASOURCES, n);
    if (n == 0)
        obs_set(o, ST_WARN, "no datasources in Grafana (for this token's organisation)");
    else
        obs_set(o, ST_OK, "%d datasource%s: %s%s", n, n == 1 ? "" : "s", list.data,
                n > GRAFANA_DS_LISTED ? ", ..." : "");
    buf_free(&list);
out:
    cJSON_Delete(root);
}

/* One page of the dashboard search alone. */
static void grafana_parse_search(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!gf_api_response(r, c, o, "/api/search", "the Viewer role (dashboards:read)"))
        return;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return;
    cJSON *items = NULL;
    int n = gf_search_page(root, &items);
    if (n < 0) {
        probe_shape_error(r, c, o, "expected an array of search results");
    } else {
        int nd = cJSON_GetArraySize(items);
        obs_add_value(o, VK_DASHBOARDS, nd);
        obs_set(o, ST_OK, "%d dashboard%s found (references not checked from one response)", nd, nd == 1 ? "" : "s");
    }
    cJSON_Delete(items);
    cJSON_Delete(root);
}

/* The Grafana-managed rules alone. */
static void grafana_parse_rules(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->err == NET_OK && r->status == 404) {
        o->skipped = true;
        obs_set(o, ST_UNKNOWN,
                "skipped: no Grafana-managed alerting API (404) — Grafana older than 9, or "
                "unified alerting disabled");
        return;
    }
    if (!gf_api_response(r, c, o, "/api/prometheus/grafana/api/v1/rules", "the Viewer role (alert.rules:read)"))
        return;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return;
    struct gf_alerting_in in = {.rules = root,
                                .prov_note = "not fetched",
                                .policies_note = "not fetched",
                                .contacts_note = "not fetched",
                                .datasources_note = "not fetched"};
    gf_alerting_report(&in, c, o);
    cJSON_Delete(root);
}

static const struct check_def grafana_checks[] = {
        {.id = CID_HEALTH, .name = "health", .path = "/api/health", .flags = CHECK_RAW, .parse = grafana_parse_health},
        {.id = CID_DATASOURCES,
         .name = "datasources",
         .path = "/api/datasources",
         .flags = CHECK_RAW,
         .parse = grafana_parse_datasources,
         .multi = &gf_datasources_multi},
        {.id = CID_DASHBOARDS,
         .name = "dashboards",
         .path = "/api/search?type=dash-db&limit=5000&page=1",
         .flags = CHECK_RAW,
         .parse = grafana_parse_search,
         .multi = &gf_dashboards_multi,
         .min_period_ms = 60000},
        {.id = CID_ALERTING,
         .name = "alerting",
         .path = "/api/prometheus/grafana/api/v1/rules",
         .flags = CHECK_RAW,
         .parse = grafana_parse_rules,
         .multi = &gf_alerting_multi},
};

const struct probe_kind probe_grafana = {
        COMP_GRAFANA,
        grafana_checks,
        ARRAY_LEN(grafana_checks),
};
