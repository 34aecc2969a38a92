/* lint_util: what every lint module uses — adding a finding (cleaned), YAML node helpers with
 * their line numbers, the line of a JSON path in JSON text, ${VAR} references and their values,
 * and the run's datasources by uid or name. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

#define LINT_TEXT_MAX 2048
#define LINT_KNOWN_LISTED 8

const char *lint_sev_name(enum lint_sev s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

const char *lint_kind_name(enum lint_kind k)
{
    static const char *const names[] = {
            [LK_UNKNOWN] = "unknown",     [LK_DASHBOARD] = "dashboard", [LK_DATASOURCES] = "datasources",
            [LK_PROVIDERS] = "providers", [LK_ALERTING] = "alerting",   [LK_RULES] = "rules",
            [LK_TEMPO] = "tempo",
    };
    return (unsigned)k < ARRAY_LEN(names) ? names[k] : "unknown";
}

static char *clean(const char *s)
{
    if (!s)
        return NULL;
    char buf[LINT_TEXT_MAX];
    text_oneline(buf, sizeof(buf), s, strlen(s));
    return xstrdup(buf);
}

struct lint_finding *lint_add(struct lint_run *r, const struct lint_file *f, int line, enum lint_sev sev,
                              const char *check, const char *where, const char *fmt, ...)
{
    if (r->nf == r->capf) {
        r->capf = r->capf ? r->capf * 2 : 64;
        r->f = xrealloc(r->f, r->capf * sizeof(*r->f));
    }
    struct lint_finding *x = &r->f[r->nf];
    memset(x, 0, sizeof(*x));
    x->seq = r->nf++;
    va_list ap;
    va_start(ap, fmt);
    char *m = xvasprintf(fmt, ap);
    va_end(ap);
    x->message = clean(m);
    free(m);
    x->file = clean(f ? f->path : "");
    x->order = f ? (size_t)(f - r->files) : 0;
    x->line = line;
    x->sev = sev;
    x->kind = lint_kind_name(f ? f->kind : LK_UNKNOWN);
    x->check = xstrdup(check);
    x->where = clean(where);
    return x;
}

cJSON *lint_json_str(const char *s)
{
    if (!s)
        return cJSON_CreateNull();
    char *c = clean(s);
    cJSON *j = cJSON_CreateString(c);
    free(c);
    return j;
}

void lint_set_path(struct lint_finding *x, const char *path)
{
    free(x->path);
    x->path = clean(path);
}

/* ---- YAML ---- */

yaml_node_t *ly_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

const char *ly_str(yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    const char *s = (const char *)n->data.scalar.value;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && (!*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0))
        return NULL;
    return s;
}

bool ly_true(yaml_node_t *n)
{
    const char *s = ly_str(n);
    return s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0);
}

int ly_line(yaml_node_t *n) { return n ? (int)n->start_mark.line + 1 : 0; }

yaml_node_t *ly_root(const struct lint_file *f, size_t i)
{
    if (i >= f->ndocs)
        return NULL;
    yaml_node_t *n = yaml_document_get_root_node(&f->docs[i]);
    return n && n->type == YAML_MAPPING_NODE ? n : NULL;
}

cJSON *ly_to_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 64)
        return cJSON_CreateNull();
    if (n->type == YAML_MAPPING_NODE) {
        cJSON *o = cJSON_CreateObject();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (k && k->type == YAML_SCALAR_NODE)
                cJSON_AddItemToObject(o, (const char *)k->data.scalar.value,
                                      ly_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1));
        }
        return o;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        cJSON *a = cJSON_CreateArray();
        LY_SEQ_EACH(doc, n, it)
        cJSON_AddItemToArray(a, ly_to_json(doc, LY_ITEM(doc, it), depth + 1));
        return a;
    }
    const char *s = (const char *)n->data.scalar.value;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        if (!ly_str(n))
            return cJSON_CreateNull();
        if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
            return cJSON_CreateBool(s[0] == 't');
        char *end;
        double d = strtod(s, &end);
        if (end != s && !*end)
            return cJSON_CreateNumber(d);
    }
    return cJSON_CreateString(s);
}

/* Path tokens: ".key" / "key" and "[n]". */
static const char *path_token(const char *p, char *key, size_t keylen, long *index)
{
    *index = -1;
    key[0] = '\0';
    if (*p == '.')
        p++;
    if (*p == '[') {
        *index = strtol(p + 1, (char **)&p, 10);
        return *p == ']' ? p + 1 : NULL;
    }
    size_t n = strcspn(p, ".[");
    if (!n)
        return NULL;
    snprintf(key, keylen, "%.*s", (int)n, p);
    return p + n;
}

yaml_node_t *ly_at(yaml_document_t *doc, yaml_node_t *root, const char *path)
{
    yaml_node_t *n = root;
    char key[256];
    long index;
    const char *p = path;
    while (n && p && *p) {
        p = path_token(p, key, sizeof(key), &index);
        if (!p)
            return NULL;
        if (index >= 0) {
            if (n->type != YAML_SEQUENCE_NODE || index >= n->data.sequence.items.top - n->data.sequence.items.start)
                return NULL;
            n = yaml_document_get_node(doc, n->data.sequence.items.start[index]);
        } else {
            n = ly_get(doc, n, key);
        }
    }
    return n;
}

/* ---- JSON text: the line of a path ---- */

struct jscan {
    const char *s, *end;
};

static void js_ws(struct jscan *j)
{
    while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
        j->s++;
}

static void js_string(struct jscan *j)
{
    j->s++; /* the opening quote */
    while (j->s < j->end && *j->s != '"')
        j->s += *j->s == '\\' ? 2 : 1;
    if (j->s < j->end)
        j->s++;
}

static void js_skip(struct jscan *j)
{
    js_ws(j);
    if (j->s >= j->end)
        return;
    if (*j->s == '"') {
        js_string(j);
        return;
    }
    if (*j->s == '{' || *j->s == '[') {
        int depth = 0;
        while (j->s < j->end) {
            char c = *j->s;
            if (c == '"') {
                js_string(j);
                continue;
            }
            if (c == '{' || c == '[')
                depth++;
            else if (c == '}' || c == ']')
                depth--;
            j->s++;
            if (depth == 0)
                return;
        }
        return;
    }
    while (j->s < j->end && !strchr(",}] \t\r\n", *j->s))
        j->s++;
}

int lint_json_line(const char *text, size_t len, const char *path)
{
    struct jscan j = {text, text + len};
    char key[256];
    long index;
    const char *p = path;
    js_ws(&j);
    while (p && *p) {
        p = path_token(p, key, sizeof(key), &index);
        if (!p)
            return 0;
        js_ws(&j);
        if (j.s >= j.end)
            return 0;
        bool found = false;
        if (index >= 0 && *j.s == '[') {
            j.s++;
            for (long i = 0;; i++) {
                js_ws(&j);
                if (j.s >= j.end || *j.s == ']')
                    return 0;
                if (i == index) {
                    found = true;
                    break;
                }
                js_skip(&j);
                js_ws(&j);
                if (j.s < j.end && *j.s == ',')
                    j.s++;
            }
        } else if (index < 0 && *j.s == '{') {
            j.s++;
            size_t klen = strlen(key);
            while (!found) {
                js_ws(&j);
                if (j.s >= j.end || *j.s != '"')
                    return 0;
                const char *k = j.s + 1;
                js_string(&j);
                bool match = (size_t)(j.s - 1 - k) == klen && memcmp(k, key, klen) == 0;
                js_ws(&j);
                if (j.s < j.end && *j.s == ':')
                    j.s++;
                js_ws(&j);
                if (match) {
                    found = true;
                    break;
                }
                js_skip(&j);
                js_ws(&j);
                if (j.s < j.end && *j.s == ',')
                    j.s++;
            }
        }
        if (!found)
            return 0;
    }
    int line = 1;
    for (const char *c = text; c < j.s; c++)
        line += *c == '\n';
    return line;
}

/* ---- ${VAR} ---- */

void lint_env_refs(const char *s, void (*fn)(void *ud, const char *name, size_t n), void *ud)
{
    static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    for (const char *p = s ? strchr(s, '$') : NULL; p; p = strchr(p + 1, '$')) {
        if (p[1] == '$') { /* $$ is a literal dollar in Grafana provisioning */
            p++;
            continue;
        }
        if (p[1] == '{') {
            size_t n = strspn(p + 2, word);
            if (n && (p[2 + n] == '}' || p[2 + n] == ':'))
                fn(ud, p + 2, n);
        } else {
            size_t n = strspn(p + 1, word);
            if (n && !(p[1] >= '0' && p[1] <= '9'))
                fn(ud, p + 1, n);
        }
    }
}

const char *lint_env_get(const struct lint_run *r, const char *name, size_t n)
{
    for (size_t i = r->nenv; i-- > 0;)
        if (strncmp(r->env[i], name, n) == 0 && r->env[i][n] == '=')
            return r->env[i] + n + 1;
    if (r->o->use_env) {
        char key[256];
        snprintf(key, sizeof(key), "%.*s", (int)n, name);
        return getenv(key);
    }
    return NULL;
}

/* ---- the run's datasources ---- */

const struct lint_dsent *lint_ds_find(const struct lint_run *r, const char *key, bool by_name)
{
    if (!key || !*key)
        return NULL;
    for (size_t i = 0; i < r->nds; i++)
        if (r->ds[i].uid && strcmp(r->ds[i].uid, key) == 0)
            return &r->ds[i];
    for (size_t i = 0; by_name && i < r->nds; i++)
        if (r->ds[i].name && strcmp(r->ds[i].name, key) == 0)
            return &r->ds[i];
    return NULL;
}

char *lint_ds_known(const struct lint_run *r)
{
    struct buf b;
    buf_init(&b);
    for (size_t i = 0; i < r->nds && i <= LINT_KNOWN_LISTED; i++) {
        const struct lint_dsent *d = &r->ds[i];
        if (i == LINT_KNOWN_LISTED) {
            buf_puts(&b, ", ...");
            break;
        }
        buf_printf(&b, "%s%s", i ? ", " : "", d->uid ? d->uid : d->name);
        if (d->uid && d->name && strcmp(d->uid, d->name) != 0)
            buf_printf(&b, " (%s)", d->name);
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}
