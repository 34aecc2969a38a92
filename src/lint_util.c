/* lint_util: what every lint module uses — adding a finding (cleaned), YAML node helpers with
 * their line numbers, the line of a JSON path in JSON text, ${VAR} references and their values,
 * and the run's datasources by uid or name. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/wait.h>
#include <errno.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

#define LINT_TEXT_MAX 2048
#define LINT_KNOWN_LISTED 8
#define LINT_TOOL_MAX_OUTPUT (64 * 1024)

const char *lint_sev_name(enum lint_sev s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

const char *lint_kind_name(enum lint_kind k)
{
    static const char *const names[] = {
            [LK_UNKNOWN] = "unknown",     [LK_DASHBOARD] = "dashboard",       [LK_DATASOURCES] = "datasources",
            [LK_PROVIDERS] = "providers", [LK_ALERTING] = "alerting",         [LK_RULES] = "rules",
            [LK_TEMPO] = "tempo",         [LK_ALERTMANAGER] = "alertmanager",
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

int lint_line(const struct lint_file *f, int line)
{
    if (!f || !line)
        return line;
    return f->flat_line ? f->flat_line : line + f->line_base;
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
    x->order = !f          ? (size_t)-1 /* about the run: after the files */
               : f->parent ? f->parent - 1
                           : (size_t)(f - r->files);
    x->line = lint_line(f, line);
    x->sev = sev;
    x->kind = lint_kind_name(f ? f->kind : LK_UNKNOWN);
    x->check = xstrdup(check);
    if (f && f->embed_key) { /* "grafana-dashboards.yaml: [api.json] dashboard ..." */
        char *w = where ? xasprintf("[%s] %s", f->embed_key, where) : xasprintf("[%s]", f->embed_key);
        x->where = clean(w);
        free(w);
    } else {
        x->where = clean(where);
    }
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

static yaml_node_t *ly_get_depth(yaml_document_t *doc, yaml_node_t *map, const char *key, int depth)
{
    if (!map || map->type != YAML_MAPPING_NODE || depth > 8)
        return NULL;
    yaml_node_t *merge = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (!k || k->type != YAML_SCALAR_NODE)
            continue;
        if (strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
        if (strcmp((const char *)k->data.scalar.value, "<<") == 0)
            merge = yaml_document_get_node(doc, p->value);
    }
    /* a merge key (<<: *anchor, or a list of them), as Grafana's and Prometheus's YAML reads it */
    if (merge && merge->type == YAML_MAPPING_NODE)
        return ly_get_depth(doc, merge, key, depth + 1);
    LY_SEQ_EACH(doc, merge, it)
    {
        yaml_node_t *v = ly_get_depth(doc, LY_ITEM(doc, it), key, depth + 1);
        if (v)
            return v;
    }
    return NULL;
}

yaml_node_t *ly_get(yaml_document_t *doc, yaml_node_t *map, const char *key) { return ly_get_depth(doc, map, key, 0); }

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

static cJSON *to_json(yaml_document_t *doc, yaml_node_t *n, int depth, size_t *visits)
{
    if (!n || depth > 64 || ++*visits > LINT_NODE_BUDGET)
        return cJSON_CreateNull();
    if (n->type == YAML_MAPPING_NODE) {
        cJSON *o = cJSON_CreateObject();
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (k && k->type == YAML_SCALAR_NODE)
                cJSON_AddItemToObject(o, (const char *)k->data.scalar.value,
                                      to_json(doc, yaml_document_get_node(doc, p->value), depth + 1, visits));
        }
        return o;
    }
    if (n->type == YAML_SEQUENCE_NODE) {
        cJSON *a = cJSON_CreateArray();
        LY_SEQ_EACH(doc, n, it)
        cJSON_AddItemToArray(a, to_json(doc, LY_ITEM(doc, it), depth + 1, visits));
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

cJSON *ly_to_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
    size_t visits = 0;
    return to_json(doc, n, depth, &visits);
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

void lint_jcache_free(struct lint_jcache *c)
{
    if (c) {
        free(c->path);
        memset(c, 0, sizeof(*c));
    }
}

int lint_json_line(struct lint_jcache *c, const char *text, size_t len, const char *path)
{
    struct jscan j = {text, text + len};
    char key[256];
    long index;
    const char *p = path;
    size_t steps = 0;
    js_ws(&j);
    /* resume after the longest token prefix shared with the previous lookup of this text */
    long skip_from = -1; /* resume inside an array: at element skip_from, skipping to the wanted one */
    if (c && c->path) {
        size_t k = 0;
        while (k < c->nsteps && strncmp(path, c->path, c->tok_end[k]) == 0 && strchr(".[", path[c->tok_end[k]]) != NULL)
            k++;
        size_t at = k ? c->tok_end[k - 1] : 0;
        if (k < c->nsteps && c->idx[k] >= 0 && path[at] == '[' && strtol(path + at + 1, NULL, 10) >= c->idx[k]) {
            j.s = text + c->off[k]; /* the same array, an element further on */
            skip_from = c->idx[k];
            p = path + at;
            steps = k;
        } else if (k) {
            j.s = text + c->off[k - 1];
            p = path + at;
            steps = k;
        }
    }
    if (c) {
        free(c->path);
        c->path = xstrdup(path);
        c->nsteps = steps;
    }
    while (p && *p) {
        p = path_token(p, key, sizeof(key), &index);
        if (!p)
            return 0;
        js_ws(&j);
        if (j.s >= j.end)
            return 0;
        bool found = false;
        if (index >= 0 && skip_from >= 0) { /* j.s is at element skip_from already */
            found = true;
            for (long i = skip_from; i < index && found; i++) {
                js_skip(&j);
                js_ws(&j);
                if (j.s < j.end && *j.s == ',')
                    j.s++;
                js_ws(&j);
                found = j.s < j.end && *j.s != ']';
            }
            skip_from = -1;
            if (!found)
                return 0;
        } else if (index >= 0 && *j.s == '[') {
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
        if (c && c->nsteps < ARRAY_LEN(c->off)) {
            c->off[c->nsteps] = (size_t)(j.s - text);
            c->idx[c->nsteps] = index;
            c->tok_end[c->nsteps++] = (size_t)(p - path);
        }
    }
    size_t off = (size_t)(j.s - text), from = 0;
    int line = 1;
    if (c && c->line && c->line_off <= off) { /* count on from the previous answer */
        from = c->line_off;
        line = c->line;
    }
    for (const char *q = text + from; (q = memchr(q, '\n', (size_t)(j.s - q))) != NULL; q++)
        line++;
    if (c) {
        c->line_off = off;
        c->line = line;
    }
    return line;
}

/* Prometheus durations: [0-9]+ with units y w d h m s ms, largest first, each at most once;
 * "0" alone is allowed. */
bool lint_prom_duration(const char *s)
{
    static const char *const units[] = {"y", "w", "d", "h", "m", "s", "ms"};
    if (strcmp(s, "0") == 0)
        return true;
    size_t next = 0;
    const char *p = s;
    if (!*p)
        return false;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        size_t u = next;
        for (; u < ARRAY_LEN(units); u++) {
            size_t n = strlen(units[u]);
            /* "m" must not eat the "m" of "ms" */
            if (strncmp(p, units[u], n) == 0 && !(u == 4 && p[1] == 's'))
                break;
        }
        if (u == ARRAY_LEN(units))
            return false;
        p += strlen(units[u]);
        next = u + 1;
    }
    return true;
}

/* ---- tools on the PATH (promtool, amtool) ---- */

bool lint_tool_found(const char *name)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *dup = xstrdup(path);
    bool found = false;
    for (char *save = NULL, *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/%s", *d ? d : ".", name);
        found = access(p, X_OK) == 0;
        free(p);
    }
    free(dup);
    return found;
}

int lint_tool_run(const char *const *argv, char **out)
{
    int fds[2];
    *out = NULL;
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    struct buf b;
    buf_init(&b);
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && b.len < LINT_TOOL_MAX_OUTPUT)
            buf_append(&b, chunk, (size_t)n);
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    buf_putc(&b, '\0');
    *out = buf_steal(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
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

char *lint_env_expand(struct lint_run *r, const char *s)
{
    static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    if (!s || !strchr(s, '$') || (!r->o->env_file && !r->o->use_env))
        return NULL;
    struct buf b;
    buf_init(&b);
    for (const char *p = s; *p;) {
        if (p[0] != '$') {
            buf_putc(&b, *p++);
            continue;
        }
        if (p[1] == '$') {
            buf_putc(&b, '$');
            p += 2;
            continue;
        }
        bool braced = p[1] == '{';
        const char *name = p + (braced ? 2 : 1);
        size_t n = strspn(name, word);
        if (!n || (braced && name[n] != '}')) {
            buf_putc(&b, *p++);
            continue;
        }
        const char *v = lint_env_get(r, name, n);
        buf_puts(&b, v ? v : "");
        p = name + n + (braced ? 1 : 0);
    }
    char *out = b.data ? buf_steal(&b) : xstrdup("");
    buf_free(&b);
    r->owned = xrealloc(r->owned, (r->nowned + 1) * sizeof(char *));
    r->owned[r->nowned++] = out;
    return out;
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
