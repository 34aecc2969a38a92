/* dashboards: the datasource-reference walker. Where references live (API-NOTES §4):
 * panels[].datasource and panels[].targets[].datasource, nested panels of collapsed rows,
 * legacy rows[].panels[], templating.list[] (query/adhoc variables have their own datasource;
 * datasource variables select one of a plugin type), annotations.list[], library panels.
 * Resolution follows Grafana's frontend: a name or uid string / object uid is looked up by uid
 * then by name; null, absent and "default" mean the default datasource; variables go through
 * templating (a datasource variable whose current value is gone falls back to the default or
 * first datasource of its type, as Grafana does on load). */
#include "lgtmtop/dashboards.h"

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"

#define DASH_MAX_DEPTH 16 /* nesting of rows/panels we follow */
#define DASH_VAR_DEPTH 4  /* variables referring to variables */
#define DASH_RAW_MAX 160  /* raw form kept for messages */

const char *dref_kind_name(enum dref_kind k)
{
    static const char *const names[] = {
            [DREF_DATASOURCE] = "datasource", [DREF_DEFAULT] = "default",       [DREF_MIXED] = "mixed",
            [DREF_GRAFANA] = "grafana",       [DREF_DASHBOARD] = "dashboard",   [DREF_EXPR] = "expression",
            [DREF_INPUT] = "input",           [DREF_LIBRARY] = "library-panel", [DREF_INVALID] = "invalid",
    };
    return (unsigned)k < ARRAY_LEN(names) ? names[k] : "?";
}

const char *dref_status_name(enum dref_status s)
{
    static const char *const names[] = {
            [DREF_OK] = "ok",
            [DREF_NOTE] = "note",
            [DREF_UNRESOLVED] = "unresolved-input",
            [DREF_DEPRECATED] = "deprecated",
            [DREF_MISSING] = "missing",
    };
    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

/* ---- JSON helpers (any shape in, never a crash) ---- */

static const cJSON *jget(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = jget(o, k);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static const char *jstr_ne(const cJSON *o, const char *k)
{
    const char *s = jstr(o, k);
    return s && *s ? s : NULL;
}

static const cJSON *jarr(const cJSON *o, const char *k)
{
    const cJSON *v = jget(o, k);
    return cJSON_IsArray(v) ? v : NULL;
}

/* Compact JSON of v, at most DASH_RAW_MAX bytes (cut with "..."). */
static char *json_compact(const cJSON *v)
{
    if (!v)
        return xstrdup("(none)"); /* absent: the default datasource */
    char *p = cJSON_PrintUnformatted(v);
    if (!p)
        return xstrdup("?");
    char *s;
    size_t n = strlen(p);
    if (n > DASH_RAW_MAX)
        s = xasprintf("%.*s...", DASH_RAW_MAX, p);
    else
        s = xstrdup(p);
    cJSON_free(p);
    return s;
}

enum dash_shape { DASH_NONE, DASH_CLASSIC, DASH_V2 };

/* The dashboard model of a document: the "dashboard" member of an /api/dashboards/uid
 * envelope, the "spec" of a Grafana 12 resource (dashboard.grafana.app/v1beta1 holds the
 * classic model, v2* the v2 schema), or the document itself. *prefix: the JSON path of the
 * model ("", "dashboard.", "spec."). NULL if it is not an object. */
static const cJSON *dash_model_at(const cJSON *doc, const char **prefix, enum dash_shape *shape)
{
    const char *api = jstr(doc, "apiVersion");
    const cJSON *spec = jget(doc, "spec");
    *shape = DASH_CLASSIC;
    *prefix = "";
    if (api && str_starts_with(api, "dashboard.grafana.app/") && cJSON_IsObject(spec)) {
        *prefix = "spec.";
        if (str_starts_with(api + strlen("dashboard.grafana.app/"), "v2"))
            *shape = DASH_V2;
        return spec;
    }
    const cJSON *d = jget(doc, "dashboard");
    if (cJSON_IsObject(d)) {
        *prefix = "dashboard.";
        return d;
    }
    if (!cJSON_IsObject(doc))
        *shape = DASH_NONE;
    return cJSON_IsObject(doc) ? doc : NULL;
}

bool dash_is_dashboard(const cJSON *doc)
{
    const char *prefix;
    enum dash_shape shape;
    const cJSON *m = dash_model_at(doc, &prefix, &shape);
    if (shape == DASH_V2)
        return cJSON_IsObject(jget(m, "elements")) || cJSON_IsObject(jget(m, "layout"));
    return m && (jarr(m, "panels") || jarr(m, "rows"));
}

size_t dash_ds_from_json(const cJSON *arr, struct dash_ds **out)
{
    *out = NULL;
    if (!cJSON_IsArray(arr))
        return 0;
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(arr);
    if (cap == 0)
        return 0;
    struct dash_ds *ds = xcalloc(cap, sizeof(*ds));
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *uid = jstr_ne(it, "uid"), *name = jstr_ne(it, "name");
        if (!cJSON_IsObject(it) || (!uid && !name) || n == cap)
            continue;
        ds[n].uid = uid;
        ds[n].name = name;
        ds[n].type = jstr_ne(it, "type");
        ds[n].is_default = cJSON_IsTrue(jget(it, "isDefault"));
        n++;
    }
    if (n == 0) {
        free(ds);
        ds = NULL;
    }
    *out = ds;
    return n;
}

/* ---- the datasource list ---- */

static const struct dash_ds *ds_lookup(const struct dash_ctx *c, const char *s)
{
    if (!s || !*s)
        return NULL;
    for (size_t i = 0; i < c->nds; i++)
        if (c->ds[i].uid && strcmp(c->ds[i].uid, s) == 0)
            return &c->ds[i];
    for (size_t i = 0; i < c->nds; i++)
        if (c->ds[i].name && strcmp(c->ds[i].name, s) == 0)
            return &c->ds[i];
    return NULL;
}

static const struct dash_ds *ds_default(const struct dash_ctx *c)
{
    for (size_t i = 0; i < c->nds; i++)
        if (c->ds[i].is_default)
            return &c->ds[i];
    return NULL;
}

static bool type_is(const struct dash_ds *d, const char *type)
{
    return d && d->type && type && strcmp(d->type, type) == 0;
}

static const char *ds_label(const struct dash_ds *d) { return d->name ? d->name : d->uid ? d->uid : "?"; }

/* ---- one reference being resolved ---- */

struct walk {
    const struct dash_ctx *ctx;
    const cJSON *vars;     /* templating.list */
    const cJSON *inputs;   /* __inputs */
    const cJSON *elements; /* __elements: library panels embedded in an export */
    struct dash_report *out;
};

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = s ? xstrdup(s) : NULL;
}

__attribute__((format(printf, 2, 3))) static void set_note(struct dref *r, const char *fmt, ...)
{
    va_list ap;
    free(r->note);
    va_start(ap, fmt);
    r->note = xvasprintf(fmt, ap);
    va_end(ap);
}

static void check_deprecated(const struct dash_ctx *c, struct dref *r, const char *key)
{
    if (!key)
        return;
    for (size_t i = 0; i < c->ndeprecated; i++) {
        const char *old = c->deprecated[2 * i], *repl = c->deprecated[2 * i + 1];
        if (old && strcmp(old, key) == 0) {
            set_str(&r->replacement, repl);
            if (r->status < DREF_DEPRECATED)
                r->status = DREF_DEPRECATED;
            return;
        }
    }
}

static void take_ds(const struct dash_ctx *c, struct dref *r, const struct dash_ds *d)
{
    set_str(&r->uid, d->uid);
    set_str(&r->name, d->name);
    if (d->type)
        set_str(&r->type, d->type);
    r->status = DREF_OK;
    check_deprecated(c, r, d->uid);
    if (r->status == DREF_OK && d->name)
        check_deprecated(c, r, d->name);
}

static void resolve_default(struct walk *w, struct dref *r, const char *via)
{
    const struct dash_ctx *c = w->ctx;
    const struct dash_ds *d = c->ds_known ? ds_default(c) : NULL;
    if (!via)
        r->kind = DREF_DEFAULT;
    r->status = DREF_OK;
    if (d) {
        take_ds(c, r, d);
        set_note(r, "%s%sthe default datasource (%s)", via ? via : "", via ? ": " : "", ds_label(d));
    } else if (c->ds_known && c->nds == 0) {
        r->status = DREF_MISSING;
        set_str(&r->lookup, "default");
        set_note(r, "%s%sthe default datasource, but there are no datasources", via ? via : "", via ? ": " : "");
    } else if (c->ds_known) {
        set_note(r, "%s%sthe default datasource (none is marked default; Grafana uses its built-in one)",
                 via ? via : "", via ? ": " : "");
    } else {
        set_note(r, "%s%sthe default datasource", via ? via : "", via ? ": " : "");
    }
}

/* "$name", "${name}", "${name:fmt}", "[[name]]", "[[name:fmt]]" as the whole string. A "${...}"
 * whose inside is not a variable name with a format is taken whole as the name: Grafana's import
 * placeholders are \$\{.+?\} ("${DS_GRAFANACLOUD-EXAMPLE1-PROM}"). */
static bool parse_var(const char *s, char *name, size_t len)
{
    static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    size_t n;
    const char *end;
    if (s[0] == '$' && s[1] == '{') {
        size_t all = strlen(s + 2);
        if (all < 2 || s[2 + all - 1] != '}' || memchr(s + 2, '}', all - 1))
            return false;
        n = strspn(s + 2, word);
        if (!n || (s[2 + n] != ':' && s[2 + n] != '.' && s[2 + n] != '}'))
            n = all - 1; /* the whole inside: a placeholder such as DS_X-Y */
        s += 2;
    } else if (s[0] == '$') {
        n = strspn(s + 1, word);
        if (!n || s[1 + n])
            return false;
        s += 1;
    } else if (s[0] == '[' && s[1] == '[') {
        n = strspn(s + 2, word);
        end = s + 2 + n;
        if (*end == ':')
            end += strcspn(end, "]");
        if (!n || strcmp(end, "]]") != 0)
            return false;
        s += 2;
    } else {
        return false;
    }
    snprintf(name, len, "%.*s", (int)n, s);
    return true;
}

static enum dref_kind special_kind(const struct dash_ctx *c, const char *s, const char *type)
{
    if (type && strcmp(type, "__expr__") == 0)
        return DREF_EXPR;
    if (!s || !*s)
        return DREF_DEFAULT;
    if (strcmp(s, "-- Mixed --") == 0)
        return DREF_MIXED;
    if (strcmp(s, "-- Grafana --") == 0 || (strcmp(s, "grafana") == 0 && !ds_lookup(c, s)))
        return DREF_GRAFANA;
    if (strcmp(s, "-- Dashboard --") == 0)
        return DREF_DASHBOARD;
    if (strcmp(s, "__expr__") == 0 || strcmp(s, "-100") == 0)
        return DREF_EXPR;
    if (strcmp(s, "default") == 0 && !ds_lookup(c, s))
        return DREF_DEFAULT;
    return DREF_DATASOURCE;
}

static const cJSON *find_var(const struct walk *w, const char *name)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, w->vars)
    {
        const char *n = jstr(v, "name");
        if (n && strcmp(n, name) == 0)
            return v;
    }
    return NULL;
}

static const cJSON *find_input(const struct walk *w, const char *name)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, w->inputs)
    {
        const char *n = jstr(v, "name"), *t = jstr(v, "type");
        if (n && strcmp(n, name) == 0 && (!t || strcmp(t, "datasource") == 0))
            return v;
    }
    return NULL;
}

/* current.value (or current.text) of a variable as one string; lists give their first item. */
static const char *var_current(const cJSON *v)
{
    const cJSON *cur = jget(v, "current");
    static const char *const keys[] = {"value", "text"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const cJSON *x = jget(cur, keys[i]);
        if (cJSON_IsArray(x))
            x = cJSON_GetArrayItem(x, 0);
        if (cJSON_IsString(x) && x->valuestring && *x->valuestring)
            return x->valuestring;
    }
    return NULL;
}

static void resolve_string(struct walk *w, struct dref *r, const char *s, const char *type, int depth, const char *via);

static void resolve_concrete(struct walk *w, struct dref *r, const char *s, const char *via)
{
    const struct dash_ctx *c = w->ctx;
    r->kind = DREF_DATASOURCE;
    set_str(&r->lookup, s);
    const struct dash_ds *d = c->ds_known ? ds_lookup(c, s) : NULL;
    if (d) {
        take_ds(c, r, d);
        if (via)
            set_note(r, "%s = %s", via, ds_label(d));
        return;
    }
    if (!c->ds_known) {
        set_str(&r->uid, s);
        r->status = DREF_OK;
        check_deprecated(c, r, s);
        if (via)
            set_note(r, "%s = %s", via, s);
        return;
    }
    r->status = DREF_MISSING;
    check_deprecated(c, r, s);
    r->status = DREF_MISSING; /* a replacement is named, but the reference is broken */
    if (via)
        set_note(r, "%s = \"%s\", which does not exist", via, s);
}

/* A datasource variable's regex (JavaScript: "/re/flags" or bare) compiled as POSIX ERE, applied
 * to datasource names as Grafana does. 1 = compiled, 0 = none, -1 = not usable offline (a
 * variable inside, or a construct ERE lacks such as lookaround). */
static int dsvar_regex(const char *src, regex_t *re)
{
    if (!src || !*src)
        return 0;
    size_t n = strlen(src);
    const char *body = src, *flags = "";
    size_t blen = n;
    const char *last = strrchr(src, '/');
    if (src[0] == '/' && last && last > src) {
        body = src + 1;
        blen = (size_t)(last - body);
        flags = last + 1;
    }
    struct buf b;
    buf_init(&b);
    int rc = 1;
    for (size_t i = 0; i < blen && rc == 1; i++) {
        char ch = body[i];
        if (ch == '\\' && i + 1 < blen) {
            char e = body[++i];
            switch (e) {
            case 'd': buf_puts(&b, "[0-9]"); break;
            case 'D': buf_puts(&b, "[^0-9]"); break;
            case 'w': buf_puts(&b, "[A-Za-z0-9_]"); break;
            case 'W': buf_puts(&b, "[^A-Za-z0-9_]"); break;
            case 's': buf_puts(&b, "[[:space:]]"); break;
            case 'S': buf_puts(&b, "[^[:space:]]"); break;
            case 'b':
            case 'B': rc = -1; break;
            default:
                buf_putc(&b, '\\');
                buf_putc(&b, e);
                break;
            }
        } else if (ch == '(' && i + 1 < blen && body[i + 1] == '?') {
            rc = -1; /* lookaround, non-capturing or named groups */
        } else if (ch == '$' && i + 1 < blen && body[i + 1] != ')' && body[i + 1] != '|') {
            rc = -1; /* a variable: its value is known only in the browser */
        } else {
            buf_putc(&b, ch);
        }
    }
    if (rc == 1 &&
        regcomp(re, b.data ? b.data : "", REG_EXTENDED | REG_NOSUB | (strchr(flags, 'i') ? REG_ICASE : 0)) != 0)
        rc = -1;
    buf_free(&b);
    return rc;
}

/* A datasource variable's options: the datasources of its plugin type whose name matches its
 * regex (re NULL: every one of the type). */
static bool dsvar_option(const struct dash_ds *d, const char *plugin, const regex_t *re)
{
    if (plugin && !type_is(d, plugin))
        return false;
    const char *name = d->name ? d->name : d->uid;
    return !re || (name && regexec(re, name, 0, NULL, 0) == 0);
}

/* The option Grafana selects when the saved value is not one: the default datasource when it is
 * an option, else the first. */
static const struct dash_ds *dsvar_pick(const struct dash_ctx *c, const char *plugin, const regex_t *re)
{
    const struct dash_ds *d = ds_default(c);
    if (d && dsvar_option(d, plugin, re))
        return d;
    for (size_t i = 0; i < c->nds; i++)
        if (dsvar_option(&c->ds[i], plugin, re))
            return &c->ds[i];
    return NULL;
}

static void resolve_dsvar(struct walk *w, struct dref *r, const cJSON *v, const char *name, int depth)
{
    const struct dash_ctx *c = w->ctx;
    const char *plugin = jstr_ne(v, "query"), *cur = var_current(v), *regex = jstr_ne(v, "regex");
    char via[160], tmp[64];
    regex_t re;
    int have_re = c->types_known ? dsvar_regex(regex, &re) : 0;
    const regex_t *rep = have_re == 1 ? &re : NULL;
    snprintf(via, sizeof(via), "via $%s", name);
    r->kind = DREF_DATASOURCE;
    if (plugin)
        set_str(&r->type, plugin);
    if (cur && (strcmp(cur, "default") == 0 || strcmp(cur, "$__all") == 0))
        cur = NULL;
    if (cur && (parse_var(cur, tmp, sizeof(tmp)) || special_kind(c, cur, NULL) != DREF_DATASOURCE)) {
        resolve_string(w, r, cur, plugin, depth + 1, via);
        goto out;
    }
    const struct dash_ds *d = cur && c->ds_known ? ds_lookup(c, cur) : NULL;
    if (d && (!plugin || !d->type || type_is(d, plugin)) && (!rep || dsvar_option(d, NULL, rep))) {
        set_str(&r->lookup, cur);
        take_ds(c, r, d);
        set_note(r, "%s = %s", via, ds_label(d));
        goto out;
    }
    if (!c->ds_known) { /* nothing to check against: only deprecation */
        r->status = DREF_OK;
        if (cur) {
            set_str(&r->lookup, cur);
            set_str(&r->uid, cur);
            check_deprecated(c, r, cur);
            set_note(r, "%s = %s", via, cur);
        } else {
            set_note(r, "%s (a %s datasource chosen when the dashboard loads)", via, plugin ? plugin : "any");
        }
        goto out;
    }
    if (!c->types_known) { /* uids without plugin types: Grafana's pick cannot be predicted */
        if (!cur) {
            resolve_default(w, r, via);
            r->kind = DREF_DATASOURCE;
            goto out;
        }
        r->status = DREF_NOTE;
        set_str(&r->lookup, cur);
        set_note(r, "%s: saved value \"%s\" is not a known datasource; Grafana picks a %s datasource on load", via, cur,
                 plugin ? plugin : "matching");
        goto out;
    }
    /* Grafana on load: a saved value that is not among the options falls back to the default
     * datasource when it is an option, else the first option. */
    d = dsvar_pick(c, plugin, rep);
    if (d) {
        struct buf b;
        buf_init(&b);
        take_ds(c, r, d);
        if (cur && ds_lookup(c, cur) && rep)
            buf_printf(&b, "%s: saved value \"%s\" does not match the variable's regex %s; Grafana picks %s", via, cur,
                       regex, ds_label(d));
        else if (cur)
            buf_printf(&b, "%s: saved value \"%s\" does not exist; Grafana picks %s", via, cur, ds_label(d));
        else
            buf_printf(&b, "%s = %s (the %s %s datasource)", via, ds_label(d), d->is_default ? "default" : "first",
                       plugin ? plugin : "");
        if (have_re < 0)
            buf_printf(&b, " (regex %s not applied offline)", regex);
        free(r->note);
        r->note = buf_steal(&b);
        goto out;
    }
    r->status = DREF_MISSING;
    snprintf(via, sizeof(via), "$%s", name);
    set_str(&r->lookup, via);
    if (rep)
        set_note(r, "variable $%s wants a %s datasource whose name matches %s and there is none", name,
                 plugin ? plugin : "(any)", regex);
    else
        set_note(r, "variable $%s wants a %s datasource and there is none", name, plugin ? plugin : "(any)");
out:
    if (have_re == 1)
        regfree(&re);
}

static void resolve_var(struct walk *w, struct dref *r, const char *name, const char *type, int depth)
{
    char via[160];
    const cJSON *v = find_var(w, name);
    if (depth > DASH_VAR_DEPTH) {
        r->kind = DREF_INVALID;
        r->status = DREF_NOTE;
        set_note(r, "variable $%s refers to variables too deeply (a loop?)", name);
        return;
    }
    if (v) {
        const char *vt = jstr(v, "type");
        if (vt && strcmp(vt, "datasource") == 0) {
            resolve_dsvar(w, r, v, name, depth);
            return;
        }
        const char *val = var_current(v);
        if (!val && vt && strcmp(vt, "constant") == 0)
            val = jstr_ne(v, "query");
        snprintf(via, sizeof(via), "via $%s", name);
        if (!val) {
            r->kind = DREF_DATASOURCE;
            r->status = DREF_NOTE;
            set_str(&r->lookup, via + 4);
            set_note(r, "variable $%s (%s) has no saved value; it is set when the dashboard loads", name,
                     vt ? vt : "?");
            return;
        }
        resolve_string(w, r, val, type, depth + 1, via);
        /* A query variable's options are computed on load: its saved value may be stale. */
        if (r->status == DREF_MISSING && vt && strcmp(vt, "query") == 0) {
            r->status = DREF_NOTE;
            set_note(r, "%s: saved value \"%s\" is not a datasource; the value is computed when the dashboard loads",
                     via, val);
        }
        return;
    }
    const cJSON *in = find_input(w, name);
    snprintf(via, sizeof(via), "${%s}", name);
    set_str(&r->lookup, via);
    if (in) {
        const char *plugin = jstr_ne(in, "pluginId");
        r->kind = DREF_INPUT;
        r->status = DREF_UNRESOLVED;
        if (plugin)
            set_str(&r->type, plugin);
        if (w->ctx->lint)
            set_note(r, "import placeholder ${%s} (%s): replaced when the dashboard is imported", name,
                     plugin ? plugin : "datasource");
        else
            set_note(r,
                     "import placeholder ${%s} was never replaced: Grafana says \"Datasource ${%s} was not found\""
                     " — import the dashboard, or add a datasource variable named %s",
                     name, name, name);
        return;
    }
    r->kind = DREF_DATASOURCE;
    r->status = DREF_MISSING;
    set_note(r, "variable $%s is not defined in the dashboard's templating", name);
}

static void resolve_string(struct walk *w, struct dref *r, const char *s, const char *type, int depth, const char *via)
{
    char name[128];
    enum dref_kind k = special_kind(w->ctx, s, type);
    if (type && !r->type)
        set_str(&r->type, type);
    if (k == DREF_DEFAULT) {
        resolve_default(w, r, via);
        return;
    }
    if (k != DREF_DATASOURCE) {
        r->kind = k;
        r->status = DREF_OK;
        if (via)
            set_note(r, "%s = %s", via, s);
        return;
    }
    if (parse_var(s, name, sizeof(name))) {
        resolve_var(w, r, name, type, depth);
        return;
    }
    resolve_concrete(w, r, s, via);
}

static void resolve_value(struct walk *w, struct dref *r, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) {
        resolve_default(w, r, NULL);
    } else if (cJSON_IsString(v)) {
        resolve_string(w, r, v->valuestring ? v->valuestring : "", NULL, 0, NULL);
    } else if (cJSON_IsObject(v)) {
        const cJSON *uid = jget(v, "uid");
        const char *type = jstr_ne(v, "type");
        if (cJSON_IsString(uid) && uid->valuestring && *uid->valuestring) {
            resolve_string(w, r, uid->valuestring, type, 0, NULL);
        } else if (uid && !cJSON_IsNull(uid) && !cJSON_IsString(uid)) {
            r->kind = DREF_INVALID;
            r->status = DREF_NOTE;
            set_note(r, "the uid is not a string");
        } else if (type && strcmp(type, "__expr__") == 0) {
            r->kind = DREF_EXPR;
            r->status = DREF_OK;
        } else {
            if (type)
                set_str(&r->type, type);
            resolve_default(w, r, NULL); /* Grafana resolves {type} without uid to the default */
        }
    } else {
        r->kind = DREF_INVALID;
        r->status = DREF_NOTE;
        set_note(r, "not a datasource reference (%s)",
                 cJSON_IsArray(v)    ? "a list"
                 : cJSON_IsNumber(v) ? "a number"
                 : cJSON_IsBool(v)   ? "a boolean"
                                     : "unexpected JSON");
    }
}

/* ---- the report ---- */

static struct dref *ref_push(struct dash_report *out)
{
    if (out->nrefs == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->refs = xrealloc(out->refs, out->cap * sizeof(*out->refs));
    }
    struct dref *r = &out->refs[out->nrefs++];
    memset(r, 0, sizeof(*r));
    return r;
}

static void count_ref(struct dash_report *out, const struct dref *r)
{
    switch (r->status) {
    case DREF_MISSING: out->nmissing++; break;
    case DREF_DEPRECATED: out->ndeprecated++; break;
    case DREF_UNRESOLVED: out->nunresolved++; break;
    case DREF_NOTE: out->nnotes++; break;
    default: break;
    }
}

/* Adds a reference found at `where` (+ target) with value v (NULL = absent); jp is its JSON path
 * ("panels[3].targets[0]"). ignored: a target of a panel that is not Mixed — Grafana sends it to
 * the panel's datasource, so a stale datasource of its own does no harm. Returns its kind. */
static enum dref_kind add_ref(struct walk *w, const char *where, const char *jp, const char *panel, const char *target,
                              const cJSON *v, bool ignored)
{
    struct dref r;
    memset(&r, 0, sizeof(r));
    r.where = xstrdup(where);
    r.path = target ? xasprintf("%s > target %s", where, target) : xstrdup(where);
    r.jpath = xstrdup(jp);
    r.panel = xstrdup(panel ? panel : "");
    r.target = target ? xstrdup(target) : NULL;
    r.raw = json_compact(v);
    resolve_value(w, &r, v);
    if (ignored && (r.status == DREF_MISSING || r.status == DREF_DEPRECATED || r.status == DREF_UNRESOLVED)) {
        const char *what = r.lookup ? r.lookup : r.uid ? r.uid : r.raw;
        set_note(&r,
                 "target datasource \"%s\" %s, but Grafana sends every target of a panel that is not Mixed to the "
                 "panel's datasource: harmless until the panel is made Mixed",
                 what,
                 r.status == DREF_MISSING      ? "does not exist"
                 : r.status == DREF_DEPRECATED ? "is deprecated"
                                               : "is an import placeholder");
        r.status = DREF_NOTE;
    }
    *ref_push(w->out) = r;
    count_ref(w->out, &r);
    return r.kind;
}

static void add_library_uid(struct dash_report *out, const char *uid)
{
    for (size_t i = 0; i < out->nlibrary; i++)
        if (strcmp(out->library_uids[i], uid) == 0)
            return;
    out->library_uids = xrealloc(out->library_uids, (out->nlibrary + 1) * sizeof(char *));
    out->library_uids[out->nlibrary++] = xstrdup(uid);
}

/* 'prefix > what "title"' (or 'what #id' without a title). */
static char *path_join(const char *prefix, const char *what, const cJSON *obj, size_t index, char **title_out)
{
    const char *t = jstr_ne(obj, "title");
    char idbuf[32];
    const cJSON *id = jget(obj, "id");
    if (!t) {
        if (cJSON_IsNumber(id))
            snprintf(idbuf, sizeof(idbuf), "#%.0f", id->valuedouble);
        else
            snprintf(idbuf, sizeof(idbuf), "#%zu", index + 1);
    }
    char *title = t ? xstrdup(t) : xstrdup(idbuf);
    char *p = t ? xasprintf("%s%s%s \"%s\"", prefix, *prefix ? " > " : "", what, t)
                : xasprintf("%s%s%s %s", prefix, *prefix ? " > " : "", what, idbuf);
    if (title_out)
        *title_out = title;
    else
        free(title);
    return p;
}

static void walk_panels(struct walk *w, const cJSON *arr, const char *prefix, const char *jp, int depth,
                        bool track_rows);

/* Panel types that never run a query: their datasource, if any, is not used. */
static bool panel_queries(const cJSON *p)
{
    static const char *const quiet[] = {"row", "text", "news", "dashlist", "welcome", "gettingstarted"};
    const char *type = jstr(p, "type");
    for (size_t i = 0; type && i < ARRAY_LEN(quiet); i++)
        if (strcmp(type, quiet[i]) == 0)
            return false;
    return true;
}

static void walk_panel_body(struct walk *w, const cJSON *p, const char *where, const char *jp, const char *title,
                            int depth)
{
    const cJSON *ds = jget(p, "datasource");
    const cJSON *targets = jarr(p, "targets");
    bool concrete = ds && !cJSON_IsNull(ds);
    enum dref_kind pk = DREF_DEFAULT;
    int inherit = 0;
    char *pjp = NULL;
    if (!panel_queries(p))
        goto nested;
    if (concrete) {
        pjp = xasprintf("%s.datasource", jp);
        pk = add_ref(w, where, pjp, title, NULL, ds, false);
        free(pjp);
    }
    const cJSON *t;
    size_t i = 0;
    cJSON_ArrayForEach(t, targets)
    {
        char idx[32];
        const char *ref = jstr_ne(t, "refId");
        size_t ti = i++;
        if (!ref) {
            snprintf(idx, sizeof(idx), "#%zu", ti + 1);
            ref = idx;
        }
        if (!cJSON_IsObject(t))
            continue;
        const cJSON *tds = jget(t, "datasource");
        char *tjp = xasprintf("%s.targets[%zu]", jp, ti);
        if (tds && !cJSON_IsNull(tds))
            add_ref(w, where, tjp, title, ref, tds, concrete && pk != DREF_MIXED);
        else if (pk == DREF_MIXED)
            add_ref(w, where, tjp, title, ref, NULL, false); /* a target without its own uses the default */
        else if (!concrete)
            inherit++;
        free(tjp);
    }
    if (!concrete && inherit)
        add_ref(w, where, jp, title, NULL, ds, false); /* null, or absent (NULL) */
nested:
    if (depth < DASH_MAX_DEPTH) {
        char *njp = xasprintf("%s.panels", jp);
        walk_panels(w, jarr(p, "panels"), where, njp, depth + 1, false);
        free(njp);
    }
}

static const cJSON *library_model(struct walk *w, const char *uid)
{
    const cJSON *m = NULL;
    if (w->ctx->library)
        m = w->ctx->library(w->ctx->library_ud, uid);
    if (!cJSON_IsObject(m)) {
        const cJSON *e = jget(w->elements, uid);
        m = jget(e, "model");
    }
    return cJSON_IsObject(m) ? m : NULL;
}

static void add_library_note(struct walk *w, const char *where, const char *jp, const char *title, const cJSON *lib,
                             const char *luid, const char *lname)
{
    struct dref *r = ref_push(w->out);
    r->where = xstrdup(where);
    r->path = xstrdup(where);
    r->jpath = xstrdup(jp);
    r->panel = xstrdup(title);
    r->raw = json_compact(lib);
    r->lookup = xstrdup(luid);
    r->kind = DREF_LIBRARY;
    r->status = DREF_NOTE;
    r->note = w->ctx->lint ? xasprintf("library panel \"%s\" (%s): its queries live in Grafana, not checked offline",
                                       lname ? lname : luid, luid)
                           : xasprintf("library panel \"%s\" (%s) could not be fetched, not checked",
                                       lname ? lname : luid, luid);
    count_ref(w->out, r);
}

static void walk_panel(struct walk *w, const cJSON *p, const char *base, const char *jp, size_t index, int depth)
{
    char *title = NULL;
    char *where = path_join(base, "panel", p, index, &title);
    const cJSON *lib = jget(p, "libraryPanel");
    const char *luid = jstr_ne(lib, "uid");
    if (luid) {
        const char *lname = jstr_ne(lib, "name");
        add_library_uid(w->out, luid);
        const cJSON *model = library_model(w, luid);
        if (model) {
            char *lwhere = xasprintf("%s > library panel \"%s\"", where, lname ? lname : luid);
            walk_panel_body(w, model, lwhere, jp, title, depth);
            free(lwhere);
        } else if (jarr(p, "targets") || (jget(p, "datasource") && !cJSON_IsNull(jget(p, "datasource")))) {
            walk_panel_body(w, p, where, jp, title, depth); /* the model is inlined */
        } else {
            add_library_note(w, where, jp, title, lib, luid, lname);
        }
    } else {
        walk_panel_body(w, p, where, jp, title, depth);
    }
    free(where);
    free(title);
}

static void walk_panels(struct walk *w, const cJSON *arr, const char *prefix, const char *jp, int depth,
                        bool track_rows)
{
    char *row = NULL; /* an expanded row holds the panels that follow it */
    const cJSON *p;
    size_t i = 0;
    if (!cJSON_IsArray(arr))
        return;
    cJSON_ArrayForEach(p, arr)
    {
        size_t index = i++;
        if (!cJSON_IsObject(p))
            continue;
        char *pjp = xasprintf("%s[%zu]", jp, index);
        const char *type = jstr(p, "type");
        if (type && strcmp(type, "row") == 0) {
            char *title = NULL;
            char *rp = path_join(prefix, "row", p, index, &title);
            /* a row never queries: its datasource (set by old editors) is not used */
            if (depth < DASH_MAX_DEPTH) {
                char *njp = xasprintf("%s.panels", pjp);
                walk_panels(w, jarr(p, "panels"), rp, njp, depth + 1, false);
                free(njp);
            }
            free(title);
            /* An expanded row holds the panels after it (up to the next row); a collapsed
             * one holds its own nested panels. */
            free(row);
            row = NULL;
            if (track_rows && !cJSON_IsTrue(jget(p, "collapsed")))
                row = rp;
            else
                free(rp);
            free(pjp);
            continue;
        }
        walk_panel(w, p, row ? row : prefix, pjp, index, depth);
        free(pjp);
    }
    free(row);
}

/* ---- the v2 schema (Grafana 12: elements, PanelQuery, DataQuery.datasource.name) ---- */

/* The datasource of a v2 query spec (PanelQuery, AnnotationQuery, QueryVariable...) as a classic
 * reference: query.datasource.name (v2beta1: the uid) with query.group (the plugin type), or
 * spec.datasource {type, uid} (v2alpha1); {type} alone is the default. A new object (or NULL:
 * absent) for the caller to delete. */
static cJSON *v2_ref(const cJSON *spec)
{
    const cJSON *q = jget(spec, "query");
    const cJSON *qds = jget(q, "datasource");
    const char *group = jstr_ne(q, "group"), *qkind = jstr_ne(q, "kind");
    if (!group && qkind && strcmp(qkind, "DataQuery") != 0)
        group = qkind; /* v2alpha1: the kind is the plugin type */
    const char *uid = jstr_ne(qds, "name");
    if (!uid)
        uid = jstr_ne(qds, "uid");
    const cJSON *sds = jget(spec, "datasource");
    if (!uid && cJSON_IsObject(sds))
        return cJSON_Duplicate(sds, true);
    if (!uid && !group)
        return NULL;
    cJSON *r = cJSON_CreateObject();
    if (group)
        cJSON_AddStringToObject(r, "type", group);
    if (uid)
        cJSON_AddStringToObject(r, "uid", uid);
    return r;
}

/* v2 variables as a classic templating list (name, type, query, regex, current), so that
 * $var references resolve the same way. */
static cJSON *v2_vars(const cJSON *list)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *v;
    cJSON_ArrayForEach(v, list)
    {
        const char *kind = jstr_ne(v, "kind");
        const cJSON *spec = jget(v, "spec");
        const char *name = jstr_ne(spec, "name");
        if (!kind || !name)
            continue;
        char type[32];
        size_t n = strlen(kind);
        if (str_ends_with(kind, "Variable"))
            n -= strlen("Variable");
        snprintf(type, sizeof(type), "%.*s", (int)n, kind);
        for (char *c = type; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", name);
        cJSON_AddStringToObject(o, "type", strcmp(type, "text") == 0 ? "textbox" : type);
        const char *query = strcmp(type, "datasource") == 0 ? jstr_ne(spec, "pluginId") : jstr_ne(spec, "query");
        if (query)
            cJSON_AddStringToObject(o, "query", query);
        if (jstr_ne(spec, "regex"))
            cJSON_AddStringToObject(o, "regex", jstr_ne(spec, "regex"));
        if (cJSON_IsObject(jget(spec, "current")))
            cJSON_AddItemToObject(o, "current", cJSON_Duplicate(jget(spec, "current"), true));
        cJSON_AddItemToArray(out, o);
    }
    return out;
}

static void walk_v2(struct walk *w, const cJSON *m, const char *prefix)
{
    const cJSON *it;
    size_t i = 0;
    cJSON_ArrayForEach(it, jarr(m, "annotations"))
    {
        size_t index = i++;
        const cJSON *spec = jget(it, "spec");
        if (!cJSON_IsObject(spec))
            continue;
        const char *name = jstr_ne(spec, "name");
        char idx[32], *jp = xasprintf("%sannotations[%zu]", prefix, index);
        snprintf(idx, sizeof(idx), "#%zu", index + 1);
        char *where = name ? xasprintf("annotation \"%s\"", name) : xasprintf("annotation %s", idx);
        cJSON *ref = v2_ref(spec);
        if (ref)
            add_ref(w, where, jp, name ? name : idx, NULL, ref, false);
        cJSON_Delete(ref);
        free(where);
        free(jp);
    }
    i = 0;
    cJSON_ArrayForEach(it, jarr(m, "variables"))
    {
        size_t index = i++;
        const char *kind = jstr(it, "kind");
        const cJSON *spec = jget(it, "spec");
        if (!kind || !cJSON_IsObject(spec) ||
            (strcmp(kind, "QueryVariable") != 0 && strcmp(kind, "AdhocVariable") != 0 &&
             strcmp(kind, "GroupByVariable") != 0))
            continue;
        const char *name = jstr_ne(spec, "name");
        char idx[32], *jp = xasprintf("%svariables[%zu]", prefix, index);
        snprintf(idx, sizeof(idx), "#%zu", index + 1);
        char *where = name ? xasprintf("variable \"%s\"", name) : xasprintf("variable %s", idx);
        cJSON *ref = v2_ref(spec);
        add_ref(w, where, jp, name ? name : idx, NULL, ref, false);
        cJSON_Delete(ref);
        free(where);
        free(jp);
    }
    cJSON_ArrayForEach(it, jget(m, "elements"))
    {
        const char *kind = jstr(it, "kind"), *key = it->string ? it->string : "?";
        const cJSON *spec = jget(it, "spec");
        if (!kind || !cJSON_IsObject(spec))
            continue;
        const char *t = jstr_ne(spec, "title");
        char *title = xstrdup(t ? t : key);
        char *where = xasprintf("panel \"%s\"", title);
        char *ejp = xasprintf("%selements.%s", prefix, key);
        if (strcmp(kind, "LibraryPanel") == 0) {
            const cJSON *lib = jget(spec, "libraryPanel");
            const char *luid = jstr_ne(lib, "uid"), *lname = jstr_ne(lib, "name");
            if (luid) {
                add_library_uid(w->out, luid);
                const cJSON *model = library_model(w, luid);
                if (model)
                    walk_panel_body(w, model, where, ejp, title, 0);
                else
                    add_library_note(w, where, ejp, title, lib, luid, lname);
            }
        } else if (strcmp(kind, "Panel") == 0) {
            size_t qi = 0;
            const cJSON *q;
            cJSON_ArrayForEach(q, jarr(jget(jget(spec, "data"), "spec"), "queries"))
            {
                size_t index = qi++;
                const cJSON *qs = jget(q, "spec");
                if (!cJSON_IsObject(qs))
                    continue;
                char idx[32];
                const char *ref = jstr_ne(qs, "refId");
                if (!ref) {
                    snprintf(idx, sizeof(idx), "#%zu", index + 1);
                    ref = idx;
                }
                char *qjp = xasprintf("%s.spec.data.spec.queries[%zu]", ejp, index);
                cJSON *ds = v2_ref(qs);
                add_ref(w, where, qjp, title, ref, ds, false); /* v2: every query names its own */
                cJSON_Delete(ds);
                free(qjp);
            }
        }
        free(ejp);
        free(where);
        free(title);
    }
}

void dash_analyze(const cJSON *doc, const struct dash_ctx *ctx, struct dash_report *out)
{
    memset(out, 0, sizeof(*out));
    const char *prefix;
    enum dash_shape shape;
    const cJSON *m = dash_model_at(doc, &prefix, &shape);
    const char *uid = m ? jstr(m, "uid") : NULL;
    if (!uid && m && m != doc)
        uid = jstr(jget(doc, "metadata"), "name"); /* a resource: its name is the uid */
    out->uid = xstrdup(uid ? uid : "");
    out->title = xstrdup(m && jstr(m, "title") ? jstr(m, "title") : "");
    if (!m)
        return;
    cJSON *own_vars = shape == DASH_V2 ? v2_vars(jarr(m, "variables")) : NULL;
    struct walk w = {
            .ctx = ctx,
            .vars = own_vars ? own_vars : jarr(jget(m, "templating"), "list"),
            .inputs = jarr(m, "__inputs"),
            .elements = cJSON_IsObject(jget(m, "__elements")) ? jget(m, "__elements") : NULL,
            .out = out,
    };
    if (shape == DASH_V2) {
        walk_v2(&w, m, prefix);
        cJSON_Delete(own_vars);
        return;
    }
    const cJSON *it;
    size_t i = 0;
    cJSON_ArrayForEach(it, jarr(jget(m, "annotations"), "list"))
    {
        size_t index = i++;
        const cJSON *ds = jget(it, "datasource");
        if (!cJSON_IsObject(it) || !ds)
            continue;
        const char *name = jstr_ne(it, "name");
        char idx[32], *jp = xasprintf("%sannotations.list[%zu]", prefix, index);
        snprintf(idx, sizeof(idx), "#%zu", index + 1);
        char *where = name ? xasprintf("annotation \"%s\"", name) : xasprintf("annotation %s", idx);
        add_ref(&w, where, jp, name ? name : idx, NULL, ds, false);
        free(where);
        free(jp);
    }
    i = 0;
    cJSON_ArrayForEach(it, w.vars)
    {
        size_t index = i++;
        const char *type = jstr(it, "type");
        if (!cJSON_IsObject(it) || (type && strcmp(type, "datasource") == 0))
            continue;
        const cJSON *ds = jget(it, "datasource");
        bool queries = type && (strcmp(type, "query") == 0 || strcmp(type, "adhoc") == 0);
        if (!ds && !queries)
            continue;
        const char *name = jstr_ne(it, "name");
        char idx[32], *jp = xasprintf("%stemplating.list[%zu]", prefix, index);
        snprintf(idx, sizeof(idx), "#%zu", index + 1);
        char *where = name ? xasprintf("variable \"%s\"", name) : xasprintf("variable %s", idx);
        add_ref(&w, where, jp, name ? name : idx, NULL, ds, false);
        free(where);
        free(jp);
    }
    char *pjp = xasprintf("%spanels", prefix);
    walk_panels(&w, jarr(m, "panels"), "", pjp, 0, true);
    free(pjp);
    i = 0;
    cJSON_ArrayForEach(it, jarr(m, "rows"))
    {
        size_t index = i++;
        if (!cJSON_IsObject(it))
            continue;
        char *rp = path_join("", "row", it, index, NULL);
        char *rjp = xasprintf("%srows[%zu].panels", prefix, index);
        walk_panels(&w, jarr(it, "panels"), rp, rjp, 1, false);
        free(rjp);
        free(rp);
    }
}

void dash_report_free(struct dash_report *r)
{
    for (size_t i = 0; i < r->nrefs; i++) {
        struct dref *d = &r->refs[i];
        char **strs[] = {&d->path,   &d->where, &d->jpath, &d->panel, &d->target,      &d->raw,
                         &d->lookup, &d->uid,   &d->name,  &d->type,  &d->replacement, &d->note};
        for (size_t j = 0; j < ARRAY_LEN(strs); j++)
            free(*strs[j]);
    }
    free(r->refs);
    for (size_t i = 0; i < r->nlibrary; i++)
        free(r->library_uids[i]);
    free(r->library_uids);
    free(r->uid);
    free(r->title);
    memset(r, 0, sizeof(*r));
}

enum dref_status dash_report_worst(const struct dash_report *r, bool lint)
{
    enum dref_status worst = DREF_OK;
    for (size_t i = 0; i < r->nrefs; i++) {
        enum dref_status s = r->refs[i].status;
        if (lint && s == DREF_UNRESOLVED)
            s = DREF_NOTE;
        if (s > worst)
            worst = s;
    }
    return worst;
}
