/* init: datasource list -> config text. Each component gets a comment naming the datasource it
 * came from (name, uid, type); a tenant header Grafana keeps secret becomes a ${KIND_TENANT}
 * placeholder; basic auth a ${KIND_PASSWORD} one. The first datasource of each kind (the
 * default one first) forms the main stack, every further one a stack of its own, so that a run
 * probes each datasource. */
#include "lgtmtop/init.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lgtmtop/util.h"

/* Per kind: the placeholders written and what the kind is called in comments. */
static const struct init_kind_row {
    enum comp_kind kind;
    const char *tenant_var, *password_var;
} init_kinds[] = {
        {COMP_MIMIR, "MIMIR_TENANT", "MIMIR_PASSWORD"},
        {COMP_LOKI, "LOKI_TENANT", "LOKI_PASSWORD"},
        {COMP_TEMPO, "TEMPO_TENANT", "TEMPO_PASSWORD"},
        {COMP_PROMETHEUS, "PROMETHEUS_TENANT", "PROMETHEUS_PASSWORD"},
};

static const struct init_kind_row *kind_row(int k)
{
    for (size_t i = 0; i < ARRAY_LEN(init_kinds); i++)
        if ((int)init_kinds[i].kind == k)
            return &init_kinds[i];
    return NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static bool jtrue(const cJSON *o, const char *key) { return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key)); }

/* The path part of a URL ("" when none), borrowed. */
static const char *url_path(const char *url)
{
    const char *h = strstr(url, "://");
    h = h ? h + 3 : url;
    return h + strcspn(h, "/");
}

char *init_url_without_userinfo(const char *url, char **user)
{
    const char *h = strstr(url, "://");
    const char *auth = h ? h + 3 : url;
    const char *end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p;
    if (user)
        *user = NULL;
    if (!at)
        return xstrdup(url);
    if (user) {
        size_t ulen = strcspn(auth, ":@");
        *user = auth + ulen <= at ? xstrndup(auth, ulen) : NULL;
    }
    return xasprintf("%.*s%s", (int)(auth - url), url, at + 1);
}

void init_split_prefix(const char *url, char **base, char **prefix)
{
    const char *path = url_path(url);
    size_t plen = strlen(path);
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    *base = xstrndup(url, (size_t)(path - url));
    *prefix = xstrndup(path, plen);
}

int init_ds_kind(const cJSON *ds)
{
    const char *type = jstr(ds, "type");
    if (!type)
        return -1;
    if (strcmp(type, "loki") == 0)
        return COMP_LOKI;
    if (strcmp(type, "tempo") == 0)
        return COMP_TEMPO;
    if (strcmp(type, "prometheus") != 0)
        return -1;
    const char *pt = jstr(cJSON_GetObjectItemCaseSensitive(ds, "jsonData"), "prometheusType");
    if (pt && (strcasecmp(pt, "Mimir") == 0 || strcasecmp(pt, "Cortex") == 0))
        return COMP_MIMIR;
    if (pt && strcasecmp(pt, "Prometheus") == 0)
        return COMP_PROMETHEUS;
    const char *url = jstr(ds, "url");
    char *base = NULL, *prefix = NULL;
    init_split_prefix(url ? url : "", &base, &prefix);
    bool mimir = str_ends_with(prefix, "/prometheus") || str_ends_with(prefix, "/api/prom");
    free(base);
    free(prefix);
    return mimir ? COMP_MIMIR : COMP_PROMETHEUS;
}

void init_stack_name(const char *url, char *out, size_t outlen)
{
    const char *h = url ? strstr(url, "://") : NULL;
    h = h ? h + 3 : "";
    const char *at = strchr(h, '@');
    if (at && at < h + strcspn(h, "/"))
        h = at + 1;
    size_t n = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    if (!n || !isalpha((unsigned char)h[0]) || (n == 9 && strncasecmp(h, "localhost", 9) == 0))
        snprintf(out, outlen, "default");
    else
        snprintf(out, outlen, "%.*s", (int)n, h);
}

/* A YAML double-quoted scalar (from Grafana: cleaned like any server text, text_safe_copy). */
static void put_q(struct buf *b, const char *s)
{
    char *c = text_safe_copy(s ? s : "", s ? strlen(s) : 0, false);
    buf_putc(b, '"');
    for (const char *p = c; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
    free(c);
}

/* One line of comment text, cleaned (names come from Grafana). */
static void put_c(struct buf *b, const char *s)
{
    char *c = text_safe_copy(s ? s : "", s ? strlen(s) : 0, false);
    buf_puts(b, c);
    free(c);
}

static bool declares_tenant(const cJSON *ds)
{
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(ds, "jsonData");
    const cJSON *it;
    cJSON_ArrayForEach(it, jd)
    {
        if (it->string && strncmp(it->string, "httpHeaderName", 14) == 0 && cJSON_IsString(it) &&
            strcasecmp(it->valuestring, "X-Scope-OrgID") == 0)
            return true;
    }
    return false;
}

/* A datasource as a component mapping at indent 4. */
static void put_component(struct buf *b, const cJSON *ds, int kind)
{
    const char *url = jstr(ds, "url");
    const struct init_kind_row *row = kind_row(kind);
    char *url_user = NULL;
    char *red = init_url_without_userinfo(url, &url_user);
    buf_puts(b, "    # Grafana datasource ");
    put_c(b, jstr(ds, "name"));
    buf_puts(b, " (uid: ");
    put_c(b, jstr(ds, "uid"));
    buf_puts(b, ", type: ");
    put_c(b, jstr(ds, "type"));
    buf_printf(b, "%s)\n", jtrue(ds, "isDefault") ? ", default" : "");
    buf_printf(b, "    %s:\n", comp_kind_name((enum comp_kind)kind));
    if (kind == COMP_MIMIR) {
        char *base, *prefix;
        init_split_prefix(red, &base, &prefix);
        buf_puts(b, "      url: ");
        put_q(b, base);
        buf_puts(b, "\n      prefix: ");
        put_q(b, prefix);
        buf_printf(b, "          # Prometheus API path of the datasource URL\n");
        free(base);
        free(prefix);
    } else {
        buf_puts(b, "      url: ");
        put_q(b, red);
        buf_putc(b, '\n');
    }
    free(red);
    if (declares_tenant(ds))
        buf_printf(b,
                   "      # the datasource sends an X-Scope-OrgID header; Grafana does not reveal its value:\n"
                   "      # set %s (or write the tenant here)\n"
                   "      tenant: \"${%s}\"\n",
                   row->tenant_var, row->tenant_var);
    const char *user = jstr(ds, "basicAuthUser");
    if (url_user && *url_user && !(jtrue(ds, "basicAuth") && user && *user))
        user = url_user; /* credentials in the datasource URL: written as basic_auth, never the password */
    if ((jtrue(ds, "basicAuth") || user == url_user) && user && *user) {
        buf_puts(b, "      # basic auth as in Grafana; the password is not readable there:\n");
        buf_printf(b, "      # set %s (or use password_file:)\n", row->password_var);
        buf_puts(b, "      basic_auth: { username: ");
        put_q(b, user);
        buf_printf(b, ", password: \"${%s}\" }\n", row->password_var);
    }
    if (kind == COMP_TEMPO)
        buf_puts(b, "      # otlp_http: http://tempo:4318   # where services send OTLP (default: the url's host)\n");
    free(url_user);
}

static void put_grafana(struct buf *b, const struct init_input *in)
{
    char *user = NULL;
    char *bare = init_url_without_userinfo(in->grafana_url, &user);
    buf_puts(b, "    grafana:\n      url: ");
    put_q(b, bare);
    buf_putc(b, '\n');
    free(bare);
    if (user && *user && in->token == INIT_TOKEN_NONE) {
        buf_puts(b, "      # basic auth as in the URL given to lgtmtop init; set GRAFANA_PASSWORD\n"
                    "      basic_auth: { username: ");
        put_q(b, user);
        buf_puts(b, ", password: \"${GRAFANA_PASSWORD}\" }\n");
        free(user);
        return;
    }
    free(user);
    if (in->token == INIT_TOKEN_FILE) {
        buf_puts(b, "      token_file: ");
        put_q(b, in->token_file);
        buf_putc(b, '\n');
    } else if (in->token == INIT_TOKEN_ENV) {
        buf_puts(b, "      token: \"${GRAFANA_TOKEN}\"    # a service account token (Viewer); or token_file: PATH\n");
    } else {
        buf_puts(b, "      # token_file: /run/secrets/grafana_token   # a service account token (Viewer role)\n");
    }
}

/* deprecated_datasources: each missing uid whose type has exactly one datasource. */
static void put_deprecated(struct buf *b, const struct init_input *in)
{
    size_t n = 0;
    for (size_t i = 0; i < in->nmissing; i++) {
        const struct init_missing *m = &in->missing[i];
        const cJSON *ds, *only = NULL;
        int same = 0;
        cJSON_ArrayForEach(ds, in->dslist)
        {
            const char *t = jstr(ds, "type");
            if (t && m->type && strcmp(t, m->type) == 0 && jstr(ds, "uid"))
                same++, only = ds;
        }
        if (same != 1) {
            buf_puts(b, "      # dashboards reference the missing datasource ");
            put_c(b, m->uid);
            buf_printf(b, " (%d reference%s); %s\n", m->refs, m->refs == 1 ? "" : "s",
                       !m->type || !*m->type ? "its type is not known: map it by hand"
                       : same                ? "several datasources of its type exist: map it by hand"
                                             : "no datasource of its type exists");
            continue;
        }
        if (!n++)
            buf_puts(b, "      # dashboards reference uids that no longer exist; one datasource of the same type\n"
                        "      # does: proposed replacements (references stay FAIL until the dashboards change)\n"
                        "      deprecated_datasources:\n");
        buf_puts(b, "        ");
        put_q(b, m->uid);
        buf_puts(b, ": ");
        put_q(b, jstr(only, "uid"));
        buf_printf(b, "    # %d reference%s, type %s\n", m->refs, m->refs == 1 ? "" : "s", m->type);
    }
}

static void header(struct buf *b, const char *from)
{
    buf_puts(b, "# lgtmtop config, written by lgtmtop init from ");
    put_c(b, from);
    buf_puts(b, ".\n"
                "# Check it with: lgtmtop config check -c FILE; run: lgtmtop check -c FILE\n"
                "# Every key: lgtmtop.yaml(5). ${VAR} and ${VAR:-default} are read from the environment.\n"
                "interval: 5s\n"
                "timeout: 5s\n"
                "stacks:\n");
}

char *init_from_grafana(const struct init_input *in)
{
    struct buf b;
    char name[64];
    char *red = url_redact(in->grafana_url);
    const cJSON *first[COMP_KIND_COUNT] = {0};
    const cJSON *ds;
    buf_init(&b);
    header(&b, red);
    free(red);
    /* the main stack: the default datasource of a kind first, else the first listed */
    cJSON_ArrayForEach(ds, in->dslist)
    {
        int k = init_ds_kind(ds);
        if (k >= 0 && jstr(ds, "url") && !config_check_url(jstr(ds, "url")) &&
            (!first[k] || (jtrue(ds, "isDefault") && !jtrue(first[k], "isDefault"))))
            first[k] = ds;
    }
    init_stack_name(in->grafana_url, name, sizeof name);
    buf_printf(&b, "  - name: %s\n", name);
    static const int order[] = {COMP_MIMIR, COMP_PROMETHEUS, COMP_LOKI, COMP_TEMPO};
    for (size_t i = 0; i < ARRAY_LEN(order); i++)
        if (first[order[i]])
            put_component(&b, first[order[i]], order[i]);
    put_grafana(&b, in);
    put_deprecated(&b, in);
    if (in->dash_note) {
        buf_puts(&b, "      # dashboards not read: ");
        put_c(&b, in->dash_note);
        buf_putc(&b, '\n');
    }
    /* every other datasource: a stack of its own; those lgtmtop does not check: named */
    size_t extra = 0;
    cJSON_ArrayForEach(ds, in->dslist)
    {
        int k = init_ds_kind(ds);
        const char *url = jstr(ds, "url");
        bool usable = k >= 0 && url && !config_check_url(url);
        if (usable && first[k] == ds)
            continue;
        if (!usable) {
            buf_puts(&b, "  # not checked: datasource ");
            put_c(&b, jstr(ds, "name"));
            buf_puts(&b, " (uid: ");
            put_c(&b, jstr(ds, "uid"));
            buf_puts(&b, ", type: ");
            put_c(&b, jstr(ds, "type"));
            buf_puts(&b, k >= 0 ? "): no http(s) URL\n" : ")\n");
            continue;
        }
        buf_printf(&b, "  - name: %s-%zu\n", comp_kind_name((enum comp_kind)k), ++extra);
        put_component(&b, ds, k);
    }
    return buf_steal(&b);
}

char *init_from_probe(const char *const urls[COMP_KIND_COUNT])
{
    struct buf b;
    buf_init(&b);
    header(&b, "the localhost defaults that answered");
    buf_puts(&b, "  - name: default\n");
    for (int k = 0; k < COMP_CHECKS; k++) {
        if (!urls[k])
            continue;
        buf_printf(&b, "    %s:\n      url: ", comp_kind_name((enum comp_kind)k));
        put_q(&b, urls[k]);
        buf_putc(&b, '\n');
        if (k == COMP_MIMIR)
            buf_puts(&b, "      prefix: \"/prometheus\"\n"
                         "      # tenant: anonymous      # X-Scope-OrgID, when multi-tenancy is on\n");
        if (k == COMP_GRAFANA)
            buf_puts(&b,
                     "      token: \"${GRAFANA_TOKEN}\"    # a service account token (Viewer); or token_file: PATH\n");
    }
    return buf_steal(&b);
}
