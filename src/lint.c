/* lint: `lgtmtop dashboards lint`. Collects dashboard files (sorted, directories walked
 * recursively), reads the known datasources from provisioning YAML and --uid flags, resolves
 * every reference with dashboards.c in lint mode (export placeholders and library panels are
 * noted, not failed) and prints one line per bad reference. */
#include "lgtmtop/lint.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "lgtmtop/config.h"
#include "lgtmtop/dashboards.h"
#include "lgtmtop/util.h"

#define LINT_EXIT_OK 0
#define LINT_EXIT_DEPRECATED 1
#define LINT_EXIT_MISSING 2
#define LINT_EXIT_ERROR 3
#define LINT_MAX_FILE ((size_t)256 << 20)
#define LINT_MAX_DEPTH 64
#define LINT_KNOWN_LISTED 8

/* ---- arguments ------------------------------------------------------------------------- */

static void lint_usage(FILE *f)
{
    fputs("usage: lgtmtop dashboards lint [--datasources FILE|DIR]... [--uid UID]... [--deprecated OLD=NEW]...\n"
          "                               [--json] [--no-color] PATH...\n"
          "\n"
          "Checks every datasource reference in dashboard JSON files (directories are walked\n"
          "recursively for *.json) against the datasources of Grafana provisioning YAML and --uid.\n"
          "\n"
          "  -d, --datasources FILE   provisioning file (apiVersion: 1, datasources: [{name, uid, type}]),\n"
          "                           or a directory of *.yml/*.yaml; repeatable\n"
          "  -u, --uid UID            a datasource uid (or name) that exists; repeatable\n"
          "      --deprecated OLD=NEW a uid to migrate away from; references to it are reported\n"
          "      --json               one JSON document on stdout\n"
          "      --no-color           no colours (also NO_COLOR)\n"
          "\n"
          "Exit: 0 clean, 1 deprecated references only, 2 a missing datasource,\n"
          "      3 usage error, unreadable file or invalid JSON/YAML.\n",
          f);
}

static void push(char ***arr, size_t *n, const char *s)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof(char *));
    (*arr)[(*n)++] = xstrdup(s);
}

int lint_parse_args(int argc, char **argv, struct lint_opts *o, FILE *out, char *err, size_t errlen)
{
    static const struct option longopts[] = {
            {"datasources", required_argument, NULL, 'd'},
            {"uid", required_argument, NULL, 'u'},
            {"deprecated", required_argument, NULL, 'D'},
            {"json", no_argument, NULL, 'j'},
            {"no-color", no_argument, NULL, 'C'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    err[0] = '\0';
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        if (argc < 2) {
            snprintf(err, errlen, "dashboards: missing subcommand — use: lgtmtop dashboards lint PATH...");
            return -1;
        }
        lint_usage(out);
        return 1;
    }
    if (strcmp(argv[1], "lint") != 0) {
        snprintf(err, errlen, "dashboards: unknown subcommand \"%s\" — use: lgtmtop dashboards lint PATH...", argv[1]);
        return -1;
    }
    int ac = argc - 1;
    char **av = argv + 1;
    size_t ndep = 0; /* strings in o->deprecated (two per pair) */
    opterr = 0;
    optind = 0; /* GNU: full reinitialisation */
    int ch;
    while ((ch = getopt_long(ac, av, "-:d:u:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': push(&o->ds_files, &o->nds_files, optarg); break;
        case 'u':
            if (!*optarg) {
                snprintf(err, errlen, "dashboards lint: --uid needs a value");
                goto fail;
            }
            push(&o->uids, &o->nuids, optarg);
            break;
        case 'D': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || strchr(eq + 1, '=')) {
                snprintf(err, errlen, "dashboards lint: --deprecated wants OLD=NEW, got \"%s\"", optarg);
                goto fail;
            }
            char *old = xstrndup(optarg, (size_t)(eq - optarg));
            push(&o->deprecated, &ndep, old);
            push(&o->deprecated, &ndep, eq + 1);
            o->ndeprecated = ndep / 2;
            free(old);
            break;
        }
        case 1: push(&o->paths, &o->npaths, optarg); break; /* a PATH, wherever it is */
        case 'j': o->json = true; break;
        case 'C': o->no_color = true; break;
        case 'h':
            lint_usage(out);
            lint_opts_free(o);
            return 1;
        case ':': snprintf(err, errlen, "dashboards lint: %s needs a value", av[optind - 1]); goto fail;
        default:
            snprintf(err, errlen, "dashboards lint: unknown option \"%s\" — see lgtmtop dashboards lint --help",
                     av[optind - 1]);
            goto fail;
        }
    }
    for (int i = optind; i < ac; i++) /* after "--" */
        push(&o->paths, &o->npaths, av[i]);
    if (!o->npaths) {
        snprintf(err, errlen,
                 "dashboards lint: no PATH — give dashboard files or directories, e.g. "
                 "lgtmtop dashboards lint --datasources grafana/datasources grafana/dashboards");
        goto fail;
    }
    if (!o->nds_files && !o->nuids && !o->ndeprecated) {
        snprintf(err, errlen,
                 "dashboards lint: nothing to check against — give --datasources FILE (provisioning "
                 "YAML) or --uid UID (or --deprecated OLD=NEW)");
        goto fail;
    }
    return 0;
fail:
    lint_opts_free(o);
    return -1;
}

void lint_opts_free(struct lint_opts *o)
{
    for (size_t i = 0; i < o->npaths; i++)
        free(o->paths[i]);
    for (size_t i = 0; i < o->nds_files; i++)
        free(o->ds_files[i]);
    for (size_t i = 0; i < o->nuids; i++)
        free(o->uids[i]);
    for (size_t i = 0; i < 2 * o->ndeprecated; i++)
        free(o->deprecated[i]);
    free(o->paths);
    free(o->ds_files);
    free(o->uids);
    free(o->deprecated);
    memset(o, 0, sizeof(*o));
}

/* ---- provisioning YAML ----------------------------------------------------------------- */

static yaml_node_t *ymap_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
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

static const char *yscalar(yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    const char *s = (const char *)n->data.scalar.value;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && (!*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0))
        return NULL;
    return s;
}

static bool ytrue(yaml_node_t *n)
{
    const char *s = yscalar(n);
    return s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0 || strcasecmp(s, "on") == 0);
}

int lint_parse_provisioning(const char *text, size_t len, const char *file, struct lint_dslist *out, char *err,
                            size_t errlen)
{
    yaml_parser_t yp;
    int rc = 0, docs = 0;
    bool any_list = false;
    int deep_line = 0;
    if (config_yaml_too_deep(text, len, CONFIG_YAML_MAX_DEPTH, &deep_line)) {
        snprintf(err, errlen, "%s:%d: YAML nested deeper than %d levels — is it a provisioning file?", file, deep_line,
                 CONFIG_YAML_MAX_DEPTH);
        return -1;
    }
    if (!yaml_parser_initialize(&yp))
        fatal("out of memory (YAML parser)");
    yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&yp, &doc)) {
            snprintf(err, errlen, "%s:%zu: YAML syntax error: %s", file, yp.problem_mark.line + 1,
                     yp.problem ? yp.problem : "cannot parse");
            rc = -1;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root) {
            yaml_document_delete(&doc);
            break;
        }
        docs++;
        yaml_node_t *list = ymap_get(&doc, root, "datasources");
        yaml_node_t *del = ymap_get(&doc, root, "deleteDatasources");
        /* Grafana applies deleteDatasources before datasources (a delete-and-recreate file keeps them) */
        if (del && del->type == YAML_SEQUENCE_NODE) {
            any_list = true;
            for (yaml_node_item_t *it = del->data.sequence.items.start; it < del->data.sequence.items.top; it++) {
                yaml_node_t *dn = yaml_document_get_node(&doc, *it);
                const char *name = yscalar(ymap_get(&doc, dn, "name")), *uid = yscalar(ymap_get(&doc, dn, "uid"));
                for (size_t i = 0; i < out->n; i++) {
                    struct lint_ds *d = &out->v[i];
                    if ((name && d->name && strcmp(name, d->name) == 0) ||
                        (uid && d->uid && strcmp(uid, d->uid) == 0)) {
                        free(d->uid);
                        free(d->name);
                        free(d->type);
                        out->v[i] = out->v[--out->n];
                        i--;
                    }
                }
            }
        }
        if (list && list->type == YAML_SEQUENCE_NODE) {
            any_list = true;
            for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
                yaml_node_t *ds = yaml_document_get_node(&doc, *it);
                const char *uid = yscalar(ymap_get(&doc, ds, "uid")), *name = yscalar(ymap_get(&doc, ds, "name"));
                if (!uid && !name)
                    continue;
                out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
                struct lint_ds *d = &out->v[out->n++];
                d->uid = uid ? xstrdup(uid) : NULL;
                d->name = name ? xstrdup(name) : NULL;
                const char *type = yscalar(ymap_get(&doc, ds, "type"));
                d->type = type ? xstrdup(type) : NULL;
                d->is_default = ytrue(ymap_get(&doc, ds, "isDefault"));
            }
        } else if (list && !(list->type == YAML_SCALAR_NODE && !yscalar(list))) {
            snprintf(err, errlen, "%s:%zu: datasources: expected a list of datasources (- name: ..., uid: ...)", file,
                     list->start_mark.line + 1);
            rc = -1;
        }
        yaml_document_delete(&doc);
        if (rc)
            break;
    }
    yaml_parser_delete(&yp);
    if (rc == 0 && !any_list) {
        snprintf(err, errlen,
                 "%s: no datasources: list — is this a Grafana datasource provisioning file "
                 "(apiVersion: 1, datasources: [...])?",
                 file);
        rc = -2;
    }
    (void)docs;
    return rc;
}

void lint_dslist_free(struct lint_dslist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].uid);
        free(l->v[i].name);
        free(l->v[i].type);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* ---- files ----------------------------------------------------------------------------- */

struct strlist {
    char **v;
    size_t n;
};

static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool has_ext(const char *name, const char *const *exts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(name) > strlen(exts[i]) && strcasecmp(name + strlen(name) - strlen(exts[i]), exts[i]) == 0)
            return true;
    return false;
}

/* Files under dir with one of exts; 0, or -1 with err when dir cannot be read. */
static int walk_dir(const char *dir, const char *const *exts, size_t nexts, bool recursive, int depth,
                    struct strlist *out, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot read directory: %s", dir, strerror(errno));
        return -1;
    }
    struct strlist local = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0)
            continue; /* ., .., .git and other hidden entries */
        char *p = xasprintf("%s%s%s", dir, str_ends_with(dir, "/") ? "" : "/", e->d_name);
        struct stat st;
        if (stat(p, &st) != 0) {
            free(p);
            continue; /* dangling symlink */
        }
        if (S_ISDIR(st.st_mode)) {
            if (recursive && depth < LINT_MAX_DEPTH)
                push(&local.v, &local.n, p);
        } else if (S_ISREG(st.st_mode) && has_ext(e->d_name, exts, nexts)) {
            push(&out->v, &out->n, p);
        }
        free(p);
    }
    closedir(d);
    if (local.n > 1)
        qsort(local.v, local.n, sizeof(char *), str_cmp);
    int rc = 0;
    for (size_t i = 0; i < local.n; i++) {
        if (rc == 0 && walk_dir(local.v[i], exts, nexts, recursive, depth + 1, out, err, errlen) < 0)
            rc = -1;
        free(local.v[i]);
    }
    free(local.v);
    return rc;
}

static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buf_append(&b, chunk, n);
        if (b.len > LINT_MAX_FILE) {
            snprintf(err, errlen, "%s: larger than 256 MiB, not a dashboard", path);
            fclose(f);
            buf_free(&b);
            return NULL;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        fclose(f);
        buf_free(&b);
        return NULL;
    }
    fclose(f);
    *len = b.len;
    if (!b.data)
        buf_puts(&b, "");
    return buf_steal(&b);
}

/* ---- the run --------------------------------------------------------------------------- */

struct lint_state {
    const struct lint_opts *o;
    FILE *out;
    bool color;
    struct dash_ds *ds;
    size_t nds;
    struct dash_ctx ctx;
    char *known; /* "a, b, c, ..." for messages */
    int files, dashboards, refs, missing, deprecated, unresolved, notes, skipped, errors;
    cJSON *jproblems, *jnotes, *jskipped, *jerrors;
};

static const char *c_on(const struct lint_state *s, const char *code) { return s->color ? code : ""; }
static const char *c_off(const struct lint_state *s) { return s->color ? "\033[0m" : ""; }

static void report_error(struct lint_state *s, const char *file, int line, int col, const char *msg)
{
    s->errors++;
    if (s->o->json) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "file", file);
        if (line > 0) {
            cJSON_AddNumberToObject(e, "line", line);
            cJSON_AddNumberToObject(e, "column", col);
        }
        cJSON_AddStringToObject(e, "message", msg);
        cJSON_AddItemToArray(s->jerrors, e);
    } else if (line > 0) {
        fprintf(s->out, "%s:%d:%d: %serror:%s %s\n", file, line, col, c_on(s, "\033[1;31m"), c_off(s), msg);
    } else {
        fprintf(s->out, "%s: %serror:%s %s\n", file, c_on(s, "\033[1;31m"), c_off(s), msg);
    }
}

/* Line and column (1-based, in characters) of offset off in text. */
static void text_pos(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void problem_message(const struct lint_state *s, const struct dref *r, struct buf *m)
{
    const char *what = r->lookup ? r->lookup : r->uid ? r->uid : r->raw;
    if (r->status == DREF_DEPRECATED) {
        buf_printf(m, "datasource \"%s\" is deprecated: use \"%s\" instead", r->uid ? r->uid : what,
                   r->replacement ? r->replacement : "?");
        if (r->uid && r->lookup && strcmp(r->uid, r->lookup) != 0)
            buf_printf(m, " (referenced as \"%s\")", r->lookup);
        return;
    }
    if (r->lookup && r->lookup[0] == '$') { /* a variable that cannot be satisfied */
        buf_printf(m, "datasource \"%s\": %s", r->lookup, r->note ? r->note : "cannot be resolved");
    } else {
        buf_printf(m, "datasource \"%s\" does not exist", what);
        if (r->replacement)
            buf_printf(m, "; it was replaced by \"%s\"", r->replacement);
        if (r->note)
            buf_printf(m, " (%s)", r->note);
    }
    if (s->known)
        buf_printf(m, " (known: %s)", s->known);
}

static void report_dashboard(struct lint_state *s, const char *file, const struct dash_report *rep)
{
    const char *title = rep->title[0] ? rep->title : rep->uid[0] ? rep->uid : "(untitled)";
    struct strlist noted = {0};
    for (size_t i = 0; i < rep->nrefs; i++) {
        const struct dref *r = &rep->refs[i];
        s->refs++;
        if (r->status == DREF_MISSING || r->status == DREF_DEPRECATED) {
            struct buf m;
            buf_init(&m);
            problem_message(s, r, &m);
            if (r->status == DREF_MISSING)
                s->missing++;
            else
                s->deprecated++;
            if (s->o->json) {
                cJSON *p = cJSON_CreateObject();
                cJSON_AddStringToObject(p, "file", file);
                cJSON_AddStringToObject(p, "dashboard", title);
                cJSON_AddStringToObject(p, "uid", rep->uid);
                cJSON_AddStringToObject(p, "path", r->path);
                cJSON_AddStringToObject(p, "panel", r->panel ? r->panel : "");
                if (r->target)
                    cJSON_AddStringToObject(p, "target", r->target);
                else
                    cJSON_AddNullToObject(p, "target");
                cJSON_AddStringToObject(p, "datasource", r->lookup ? r->lookup : r->uid ? r->uid : r->raw);
                cJSON_AddStringToObject(p, "raw", r->raw);
                cJSON_AddStringToObject(p, "status", dref_status_name(r->status));
                if (r->replacement)
                    cJSON_AddStringToObject(p, "replacement", r->replacement);
                else
                    cJSON_AddNullToObject(p, "replacement");
                cJSON_AddStringToObject(p, "message", m.data);
                cJSON_AddItemToArray(s->jproblems, p);
            } else {
                const char *col = r->status == DREF_MISSING ? "\033[31m" : "\033[33m";
                fprintf(s->out, "%s: dashboard \"%s\": %s", file, title, r->where);
                if (r->target)
                    fprintf(s->out, " (target %s)", r->target);
                fprintf(s->out, ": %s%s%s\n", c_on(s, col), m.data, c_off(s));
            }
            buf_free(&m);
            continue;
        }
        if (r->status == DREF_OK)
            continue;
        if (r->status == DREF_UNRESOLVED)
            s->unresolved++;
        else
            s->notes++;
        /* One note per distinct placeholder / library panel / odd value in a dashboard. */
        const char *key = r->lookup ? r->lookup : r->raw;
        bool seen = false;
        for (size_t j = 0; j < noted.n && !seen; j++)
            seen = strcmp(noted.v[j], key) == 0;
        if (seen)
            continue;
        push(&noted.v, &noted.n, key);
        const char *msg = r->note ? r->note : dref_kind_name(r->kind);
        if (s->o->json) {
            cJSON *n = cJSON_CreateObject();
            cJSON_AddStringToObject(n, "file", file);
            cJSON_AddStringToObject(n, "dashboard", title);
            cJSON_AddStringToObject(n, "path", r->path);
            cJSON_AddStringToObject(n, "status", dref_status_name(r->status));
            cJSON_AddStringToObject(n, "message", msg);
            cJSON_AddItemToArray(s->jnotes, n);
        } else {
            fprintf(s->out, "%s: dashboard \"%s\": note: %s (first at %s)\n", file, title, msg, r->path);
        }
    }
    for (size_t j = 0; j < noted.n; j++)
        free(noted.v[j]);
    free(noted.v);
}

static void lint_file(struct lint_state *s, const char *file)
{
    char err[1024];
    size_t len = 0;
    char *text = read_file(file, &len, err, sizeof(err));
    s->files++;
    if (!text) {
        report_error(s, file, 0, 0, strchr(err, ':') ? strchr(err, ':') + 2 : err);
        return;
    }
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, false);
    size_t off = end && end >= text ? (size_t)(end - text) : 0;
    bool truncated = false;
    if (doc) { /* only whitespace may follow */
        while (off < len && strchr(" \t\r\n", text[off]))
            off++;
    } else if (off + 1 >= len) { /* cJSON reports the last byte when the input ran out */
        truncated = true;
        off = len;
    } else { /* cJSON may stop just past the offending character: back over blanks to it */
        while (off > 0 && off < len && strchr(" \t\r\n", text[off]))
            off--;
    }
    if (!doc || off < len) {
        int line, col;
        char near[48];
        if (off > len)
            off = len;
        text_pos(text, off, &line, &col);
        text_oneline(near, sizeof(near), text + off, len - off < 32 ? len - off : 32);
        char *m = len == 0    ? xstrdup("empty file, not JSON")
                  : doc       ? xasprintf("invalid JSON: unexpected text after the document, near \"%s\"", near)
                  : truncated ? xstrdup("invalid JSON: the document ends too early (truncated?)")
                              : xasprintf("invalid JSON near \"%s\"", near);
        report_error(s, file, len ? line : 0, col, m);
        free(m);
        cJSON_Delete(doc);
        free(text);
        return;
    }
    if (!dash_is_dashboard(doc)) {
        s->skipped++;
        if (s->o->json) {
            cJSON *k = cJSON_CreateObject();
            cJSON_AddStringToObject(k, "file", file);
            cJSON_AddStringToObject(k, "reason", "not a dashboard (no panels or rows)");
            cJSON_AddItemToArray(s->jskipped, k);
        } else {
            fprintf(s->out, "%s: note: skipped, not a dashboard (no panels or rows)\n", file);
        }
        cJSON_Delete(doc);
        free(text);
        return;
    }
    struct dash_report rep;
    dash_analyze(doc, &s->ctx, &rep);
    s->dashboards++;
    report_dashboard(s, file, &rep);
    dash_report_free(&rep);
    cJSON_Delete(doc);
    free(text);
}

static int load_datasources(struct lint_state *s, struct lint_dslist *list, FILE *errf)
{
    static const char *const yaml_exts[] = {".yml", ".yaml"};
    char err[1024];
    for (size_t i = 0; i < s->o->nds_files; i++) {
        const char *p = s->o->ds_files[i];
        struct stat st;
        struct strlist files = {0};
        if (stat(p, &st) != 0) {
            fprintf(errf, "lgtmtop: %s: cannot read: %s\n", p, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (walk_dir(p, yaml_exts, ARRAY_LEN(yaml_exts), false, 0, &files, err, sizeof(err)) < 0) {
                fprintf(errf, "lgtmtop: %s\n", err);
                return -1;
            }
            if (files.n > 1)
                qsort(files.v, files.n, sizeof(char *), str_cmp);
            if (!files.n) {
                fprintf(errf, "lgtmtop: %s: no *.yml or *.yaml files in this directory\n", p);
                return -1;
            }
        } else {
            push(&files.v, &files.n, p);
        }
        int rc = 0, lists = 0;
        for (size_t j = 0; j < files.n; j++) {
            size_t len;
            char *text = rc ? NULL : read_file(files.v[j], &len, err, sizeof(err));
            int prc = text ? lint_parse_provisioning(text, len, files.v[j], list, err, sizeof(err)) : -1;
            /* in a directory, other provisioning files (dashboards providers...) are passed over */
            if (!rc && prc == -2 && S_ISDIR(st.st_mode))
                prc = 0;
            else if (!rc && prc == 0)
                lists++;
            if (!rc && prc < 0) {
                fprintf(errf, "lgtmtop: %s\n", err);
                rc = -1;
            }
            free(text);
            free(files.v[j]);
        }
        free(files.v);
        if (!rc && !lists) {
            fprintf(errf, "lgtmtop: %s: no file here has a datasources: list\n", p);
            rc = -1;
        }
        if (rc)
            return -1;
    }
    return 0;
}

int lint_run(const struct lint_opts *o, FILE *out, FILE *errf)
{
    static const char *const json_exts[] = {".json"};
    struct lint_state s = {.o = o, .out = out, .color = o->color && !o->json};
    struct lint_dslist list = {0};
    struct strlist files = {0};
    int code = LINT_EXIT_ERROR;
    char err[1024];
    if (load_datasources(&s, &list, errf) < 0)
        goto out;
    /* The known datasources: provisioning entries, then --uid. */
    s.nds = list.n + o->nuids;
    s.ds = s.nds ? xcalloc(s.nds, sizeof(*s.ds)) : NULL;
    struct buf known;
    buf_init(&known);
    for (size_t i = 0; i < list.n; i++)
        s.ds[i] = (struct dash_ds){list.v[i].uid, list.v[i].name, list.v[i].type, list.v[i].is_default};
    for (size_t i = 0; i < o->nuids; i++)
        s.ds[list.n + i] = (struct dash_ds){o->uids[i], NULL, NULL, false};
    for (size_t i = 0; i < s.nds; i++) {
        if (i < LINT_KNOWN_LISTED)
            buf_printf(&known, "%s%s", i ? ", " : "", s.ds[i].uid ? s.ds[i].uid : s.ds[i].name);
        else if (i == LINT_KNOWN_LISTED)
            buf_puts(&known, ", ...");
    }
    s.known = s.nds ? buf_steal(&known) : NULL;
    buf_free(&known);
    s.ctx = (struct dash_ctx){
            .ds = s.ds,
            .nds = s.nds,
            .ds_known = o->nds_files > 0 || o->nuids > 0,
            .types_known = o->nds_files > 0,
            .deprecated = (const char *const *)o->deprecated,
            .ndeprecated = o->ndeprecated,
            .lint = true,
    };
    for (size_t i = 0; i < o->npaths; i++) {
        struct stat st;
        if (stat(o->paths[i], &st) != 0) {
            snprintf(err, sizeof(err), "%s", strerror(errno));
            push(&files.v, &files.n, o->paths[i]); /* reported as unreadable below */
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            size_t before = files.n;
            if (walk_dir(o->paths[i], json_exts, ARRAY_LEN(json_exts), true, 0, &files, err, sizeof(err)) < 0)
                fprintf(errf, "lgtmtop: %s\n", err), s.errors++;
            if (files.n - before > 1)
                qsort(files.v + before, files.n - before, sizeof(char *), str_cmp);
        } else {
            push(&files.v, &files.n, o->paths[i]);
        }
    }
    if (o->json) {
        s.jproblems = cJSON_CreateArray();
        s.jnotes = cJSON_CreateArray();
        s.jskipped = cJSON_CreateArray();
        s.jerrors = cJSON_CreateArray();
    }
    for (size_t i = 0; i < files.n; i++)
        lint_file(&s, files.v[i]);
    code = s.errors       ? LINT_EXIT_ERROR
           : s.missing    ? LINT_EXIT_MISSING
           : s.deprecated ? LINT_EXIT_DEPRECATED
                          : LINT_EXIT_OK;
    if (o->json) {
        cJSON *root = cJSON_CreateObject();
        cJSON *counts = cJSON_AddObjectToObject(root, "counts");
        cJSON_AddNumberToObject(counts, "files", s.files);
        cJSON_AddNumberToObject(counts, "dashboards", s.dashboards);
        cJSON_AddNumberToObject(counts, "references", s.refs);
        cJSON_AddNumberToObject(counts, "missing", s.missing);
        cJSON_AddNumberToObject(counts, "deprecated", s.deprecated);
        cJSON_AddNumberToObject(counts, "unresolved_inputs", s.unresolved);
        cJSON_AddNumberToObject(counts, "notes", s.notes);
        cJSON_AddNumberToObject(counts, "skipped", s.skipped);
        cJSON_AddNumberToObject(counts, "errors", s.errors);
        cJSON *ds = cJSON_AddArrayToObject(root, "datasources");
        for (size_t i = 0; i < s.nds; i++) {
            cJSON *d = cJSON_CreateObject();
            if (s.ds[i].uid)
                cJSON_AddStringToObject(d, "uid", s.ds[i].uid);
            else
                cJSON_AddNullToObject(d, "uid");
            if (s.ds[i].name)
                cJSON_AddStringToObject(d, "name", s.ds[i].name);
            else
                cJSON_AddNullToObject(d, "name");
            cJSON_AddItemToArray(ds, d);
        }
        cJSON_AddItemToObject(root, "problems", s.jproblems);
        cJSON_AddItemToObject(root, "notes", s.jnotes);
        cJSON_AddItemToObject(root, "skipped", s.jskipped);
        cJSON_AddItemToObject(root, "errors", s.jerrors);
        cJSON_AddNumberToObject(root, "exit_code", code);
        char *txt = cJSON_Print(root);
        if (txt) {
            fputs(txt, out);
            fputc('\n', out);
            cJSON_free(txt);
        }
        cJSON_Delete(root);
    } else {
        const char *word = code == LINT_EXIT_ERROR        ? "ERROR"
                           : code == LINT_EXIT_MISSING    ? "FAIL"
                           : code == LINT_EXIT_DEPRECATED ? "WARN"
                                                          : "OK";
        const char *wc = code == LINT_EXIT_OK ? "\033[32m" : code == LINT_EXIT_DEPRECATED ? "\033[33m" : "\033[1;31m";
        fprintf(out, "%s%s%s: %d dashboard%s in %d file%s, %d datasource reference%s: %d missing, %d deprecated",
                c_on(&s, wc), word, c_off(&s), s.dashboards, s.dashboards == 1 ? "" : "s", s.files,
                s.files == 1 ? "" : "s", s.refs, s.refs == 1 ? "" : "s", s.missing, s.deprecated);
        if (s.unresolved)
            fprintf(out, ", %d import placeholder%s (fine until imported)", s.unresolved, s.unresolved == 1 ? "" : "s");
        if (s.notes)
            fprintf(out, ", %d note%s", s.notes, s.notes == 1 ? "" : "s");
        if (s.skipped)
            fprintf(out, ", %d file%s skipped", s.skipped, s.skipped == 1 ? "" : "s");
        if (s.errors)
            fprintf(out, ", %d error%s", s.errors, s.errors == 1 ? "" : "s");
        fputc('\n', out);
    }
out:
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    free(s.ds);
    free(s.known);
    lint_dslist_free(&list);
    return code;
}

int lint_main(int argc, char **argv)
{
    struct lint_opts o;
    char err[512];
    int rc = lint_parse_args(argc, argv, &o, stdout, err, sizeof(err));
    if (rc == 1)
        return 0;
    if (rc < 0) {
        fprintf(stderr, "lgtmtop: %s\n", err);
        return LINT_EXIT_ERROR;
    }
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    o.color = !o.no_color && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0) && isatty(STDOUT_FILENO);
    int code = lint_run(&o, stdout, stderr);
    fflush(stdout);
    lint_opts_free(&o);
    return code;
}
