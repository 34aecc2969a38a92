/* lint: `lgtmtop lint [PATH...]` and its alias `lgtmtop dashboards lint`. Walks the paths (sorted,
 * directories recursively for *.json, *.yml, *.yaml, *.rules; hidden directories and
 * node_modules skipped), recognises each file by its content, builds the datasource set the
 * repo provisions (lint_datasources.c), then hands each file to the module of its kind and
 * prints the findings (lint_out.c). */
#include "lgtmtop/lint.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "lgtmtop/dashboards.h"
#include "lgtmtop/util.h"
#include "lgtmtop/yaml_depth.h"
#include "lint_impl.h"

#define LINT_EXIT_OK 0
#define LINT_EXIT_WARNING 1
#define LINT_EXIT_ERROR 2
#define LINT_EXIT_USAGE 3
#define LINT_MAX_FILE ((size_t)256 << 20)
#define LINT_MAX_DEPTH 64

/* ---- arguments ------------------------------------------------------------------------- */

static void lint_usage(FILE *f, bool alias)
{
    fprintf(f,
            "usage: lgtmtop %s [--datasources FILE|DIR]... [--uid UID]... [--deprecated OLD=NEW]...\n"
            "                    [--env-file FILE] [--env] [--json | --format text|json|github]\n"
            "                    [--no-promtool] [--no-color] [PATH...]\n"
            "\n"
            "Checks a provisioning repo offline, each file recognised by its content (default PATH: .):\n"
            "dashboards (classic JSON, __inputs exports, Grafana 12 resources) against the datasources\n"
            "the repo provisions, datasource, dashboard-provider and alerting provisioning, Prometheus /\n"
            "Loki / Mimir rule files (and promtool check rules when promtool is on the PATH), Tempo config.\n"
            "\n"
            "  -d, --datasources FILE   datasource provisioning (apiVersion: 1, datasources: [...]) outside\n"
            "                           the PATHs, or a directory of *.yml/*.yaml; repeatable\n"
            "  -u, --uid UID            a datasource uid (or name) that exists; repeatable\n"
            "      --deprecated OLD=NEW a uid to migrate away from; references to it are warnings\n"
            "      --env-file FILE      NAME=VALUE lines: ${NAME} in provisioning that is not set is an error\n"
            "      --env                the environment too (with or without --env-file)\n"
            "      --json               one JSON document on stdout (--format json)\n"
            "      --format FORMAT      text (default), json, or github (workflow annotations)\n"
            "      --no-promtool        do not run promtool check rules on rule files\n"
            "      --no-color           no colours (also NO_COLOR)\n"
            "\n"
            "Exit: 0 clean (notes only), 1 warnings, 2 errors,\n"
            "      3 usage error, unreadable PATH, or nothing to lint in a PATH.\n",
            alias ? "dashboards lint" : "lint");
}

static void push(char ***arr, size_t *n, const char *s)
{
    *arr = xrealloc(*arr, (*n + 1) * sizeof(char *));
    (*arr)[(*n)++] = xstrdup(s);
}

int lint_parse_args(int argc, char **argv, struct lint_opts *o, FILE *out, char *err, size_t errlen)
{
    enum { O_DEPRECATED = 256, O_JSON, O_FORMAT, O_NO_COLOR, O_ENV_FILE, O_ENV, O_NO_PROMTOOL };
    static const struct option longopts[] = {
            {"datasources", required_argument, NULL, 'd'},
            {"uid", required_argument, NULL, 'u'},
            {"deprecated", required_argument, NULL, O_DEPRECATED},
            {"json", no_argument, NULL, O_JSON},
            {"format", required_argument, NULL, O_FORMAT},
            {"env-file", required_argument, NULL, O_ENV_FILE},
            {"env", no_argument, NULL, O_ENV},
            {"no-promtool", no_argument, NULL, O_NO_PROMTOOL},
            {"no-color", no_argument, NULL, O_NO_COLOR},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof(*o));
    err[0] = '\0';
    const char *cmd = "lint";
    if (argc >= 1 && strcmp(argv[0], "dashboards") == 0) {
        o->alias = true;
        cmd = "dashboards lint";
        if (argc < 2) {
            snprintf(err, errlen, "dashboards: missing subcommand — use: lgtmtop lint PATH...");
            return -1;
        }
        if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
            lint_usage(out, true);
            return 1;
        }
        if (strcmp(argv[1], "lint") != 0) {
            snprintf(err, errlen, "dashboards: unknown subcommand \"%s\" — use: lgtmtop lint PATH...", argv[1]);
            return -1;
        }
        argc--;
        argv++;
    }
    size_t ndep = 0; /* strings in o->deprecated (two per pair) */
    opterr = 0;
    optind = 0; /* GNU: full reinitialisation */
    int ch;
    /* "-": every word in order (a PATH comes back as 1), so options go anywhere even with
     * POSIXLY_CORRECT; ":" reports a missing value apart from an unknown option. */
    while ((ch = getopt_long(argc, argv, "-:d:u:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 1: push(&o->paths, &o->npaths, optarg); break;
        case 'd': push(&o->ds_files, &o->nds_files, optarg); break;
        case 'u':
            if (!*optarg) {
                snprintf(err, errlen, "%s: --uid needs a value", cmd);
                goto fail;
            }
            push(&o->uids, &o->nuids, optarg);
            break;
        case O_DEPRECATED: {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1] || strchr(eq + 1, '=')) {
                snprintf(err, errlen, "%s: --deprecated wants OLD=NEW, got \"%s\"", cmd, optarg);
                goto fail;
            }
            char *old = xstrndup(optarg, (size_t)(eq - optarg));
            push(&o->deprecated, &ndep, old);
            push(&o->deprecated, &ndep, eq + 1);
            o->ndeprecated = ndep / 2;
            free(old);
            break;
        }
        case O_JSON: o->format = LINT_JSON; break;
        case O_FORMAT:
            if (strcmp(optarg, "text") == 0)
                o->format = LINT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                o->format = LINT_JSON;
            else if (strcmp(optarg, "github") == 0)
                o->format = LINT_GITHUB;
            else {
                snprintf(err, errlen, "%s: --format wants text, json or github, got \"%s\"", cmd, optarg);
                goto fail;
            }
            break;
        case O_ENV_FILE:
            free(o->env_file);
            o->env_file = xstrdup(optarg);
            break;
        case O_ENV: o->use_env = true; break;
        case O_NO_PROMTOOL: o->no_promtool = true; break;
        case O_NO_COLOR: o->no_color = true; break;
        case 'h':
            lint_usage(out, o->alias);
            lint_opts_free(o);
            return 1;
        case ':': snprintf(err, errlen, "%s: %s needs a value", cmd, argv[optind - 1]); goto fail;
        default:
            snprintf(err, errlen, "%s: unknown option \"%s\" — see lgtmtop %s --help", cmd, argv[optind - 1], cmd);
            goto fail;
        }
    }
    for (int i = optind; i < argc; i++) /* after "--" */
        push(&o->paths, &o->npaths, argv[i]);
    if (!o->npaths)
        push(&o->paths, &o->npaths, ".");
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
    free(o->env_file);
    memset(o, 0, sizeof(*o));
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
            snprintf(err, errlen, "%s: larger than 256 MiB, not linted", path);
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

/* ---- recognising files ----------------------------------------------------------------- */

static bool is_json_name(const char *p) { return str_ends_with(p, ".json") || str_ends_with(p, ".JSON"); }

/* Top-level keys that say a YAML file is one of ours even when it does not parse. */
static bool looks_like_ours(const char *text)
{
    static const char *const keys[] = {"datasources:",
                                       "deleteDatasources:",
                                       "providers:",
                                       "groups:",
                                       "contactPoints:",
                                       "policies:",
                                       "muteTimes:",
                                       "templates:",
                                       "distributor:",
                                       "metrics_generator:",
                                       "apiVersion: dashboard.grafana.app"};
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        for (size_t i = 0; i < ARRAY_LEN(keys); i++)
            if (strncmp(l, keys[i], strlen(keys[i])) == 0)
                return true;
    return false;
}

enum lint_kind lint_classify_yaml(const struct lint_file *f)
{
    static const char *const alerting_keys[] = {"contactPoints", "policies",        "muteTimes",
                                                "templates",     "deleteRules",     "deleteContactPoints",
                                                "resetPolicies", "deleteMuteTimes", "deleteTemplates"};
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        yaml_node_t *root = ly_root(f, k);
        if (!root)
            continue;
        const char *api = ly_str(ly_get(doc, root, "apiVersion"));
        if (api && str_starts_with(api, "dashboard.grafana.app/"))
            return LK_DASHBOARD;
        if (ly_get(doc, root, "datasources") || ly_get(doc, root, "deleteDatasources"))
            return LK_DATASOURCES;
        if (ly_get(doc, root, "providers"))
            return LK_PROVIDERS;
        for (size_t i = 0; i < ARRAY_LEN(alerting_keys); i++)
            if (ly_get(doc, root, alerting_keys[i]))
                return LK_ALERTING;
        yaml_node_t *groups = ly_get(doc, root, "groups");
        if (groups && groups->type == YAML_SEQUENCE_NODE) {
            /* Grafana's groups have a folder and rules with data/condition; Prometheus's rules
             * have alert/record and expr */
            bool grafana = false, prom = false;
            LY_SEQ_EACH(doc, groups, g)
            {
                yaml_node_t *gn = LY_ITEM(doc, g);
                if (ly_get(doc, gn, "folder") || ly_get(doc, gn, "orgId"))
                    grafana = true;
                LY_SEQ_EACH(doc, ly_get(doc, gn, "rules"), ri)
                {
                    yaml_node_t *rn = LY_ITEM(doc, ri);
                    if (ly_get(doc, rn, "data") || ly_get(doc, rn, "condition"))
                        grafana = true;
                    if (ly_get(doc, rn, "expr") || ly_get(doc, rn, "alert") || ly_get(doc, rn, "record"))
                        prom = true;
                }
                if (ly_get(doc, gn, "rules") && ly_get(doc, gn, "name"))
                    prom = prom || !grafana;
            }
            if (grafana)
                return LK_ALERTING;
            if (prom)
                return LK_RULES;
        }
        if (ly_at(doc, root, "distributor.receivers") || ly_get(doc, root, "metrics_generator") ||
            ly_at(doc, root, "storage.trace"))
            return LK_TEMPO;
    }
    return LK_UNKNOWN;
}

static void load_yaml(struct lint_file *f)
{
    yaml_parser_t yp;
    int deep_line = 0;
    if (yaml_too_deep(f->text, f->len, YAML_MAX_DEPTH, &deep_line)) {
        /* libyaml takes minutes over deep nesting: refuse at once */
        f->yaml_error_line = deep_line;
        f->yaml_error = xasprintf("YAML nested deeper than %d levels", YAML_MAX_DEPTH);
        return;
    }
    if (!yaml_parser_initialize(&yp))
        fatal("out of memory (YAML parser)");
    yaml_parser_set_input_string(&yp, (const unsigned char *)f->text, f->len);
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&yp, &doc)) {
            f->yaml_error_line = (int)yp.problem_mark.line + 1;
            f->yaml_error = xasprintf("YAML syntax error: %s%s%s", yp.problem ? yp.problem : "cannot parse",
                                      yp.context ? " " : "", yp.context ? yp.context : "");
            break;
        }
        if (!yaml_document_get_root_node(&doc)) {
            yaml_document_delete(&doc);
            break;
        }
        f->docs = xrealloc(f->docs, (f->ndocs + 1) * sizeof(*f->docs));
        f->docs[f->ndocs++] = doc;
    }
    yaml_parser_delete(&yp);
}

/* ---- the run --------------------------------------------------------------------------- */

static struct lint_file *file_add(struct lint_run *r, const char *path, bool given)
{
    while (path[0] == '.' && path[1] == '/' && path[2]) /* "./grafana/x.json" reads as "grafana/x.json" */
        path += 2;
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].path, path) == 0) {
            r->files[i].given = r->files[i].given || given;
            return &r->files[i];
        }
    r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
    struct lint_file *f = &r->files[r->nfiles++];
    memset(f, 0, sizeof(*f));
    f->path = xstrdup(path);
    f->given = given;
    return f;
}

static int load_env_file(struct lint_run *r, const char *path, FILE *errf)
{
    char err[1024];
    size_t len;
    char *text = read_file(path, &len, err, sizeof(err));
    if (!text) {
        fprintf(errf, "lgtmtop: %s\n", err);
        return -1;
    }
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        while (*l == ' ' || *l == '\t')
            l++;
        if (str_starts_with(l, "export "))
            l += strlen("export ");
        char *eq = strchr(l, '=');
        if (*l == '#' || !eq || eq == l)
            continue;
        size_t vl = strlen(eq + 1);
        while (vl && (eq[vl] == '\r' || eq[vl] == ' '))
            eq[vl--] = '\0';
        char *v = eq + 1;
        vl = strlen(v);
        if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
            v[vl - 1] = '\0';
            v++;
        }
        char *entry = xasprintf("%.*s=%s", (int)(eq - l), l, v);
        r->env = xrealloc(r->env, (r->nenv + 1) * sizeof(char *));
        r->env[r->nenv++] = entry;
    }
    free(text);
    return 0;
}

static void run_free(struct lint_run *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        struct lint_file *f = &r->files[i];
        for (size_t k = 0; k < f->ndocs; k++)
            yaml_document_delete(&f->docs[k]);
        free(f->docs);
        free(f->text);
        free(f->path);
        free(f->yaml_error);
    }
    free(r->files);
    for (size_t i = 0; i < r->nf; i++) {
        struct lint_finding *x = &r->f[i];
        free(x->file);
        free(x->check);
        free(x->where);
        free(x->path);
        free(x->message);
        cJSON_Delete(x->extra);
    }
    free(r->f);
    free(r->ds);
    free(r->deleted);
    for (size_t i = 0; i < r->nenv; i++)
        free(r->env[i]);
    free(r->env);
    free(r->dds);
    free(r->known);
    for (size_t i = 0; i < r->ndash_uids; i++)
        free(r->dash_uids[i]);
    free(r->dash_uids);
    free(r->dash_files);
    for (size_t i = 0; i < r->nprovider_dirs; i++)
        free(r->provider_dirs[i]);
    free(r->provider_dirs);
}

/* Reads a file's text (kept for the run: line numbers); false + an error finding when it cannot. */
static bool read_text(struct lint_run *r, struct lint_file *f)
{
    char err[1024];
    if (f->text)
        return true;
    f->text = read_file(f->path, &f->len, err, sizeof(err));
    if (!f->text) {
        lint_add(r, f, 0, LINT_ERROR, "unreadable", NULL, "%s", strchr(err, ':') ? strchr(err, ':') + 2 : err);
        r->broken++;
    }
    return f->text != NULL;
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

static void lint_json_file(struct lint_run *r, struct lint_file *f)
{
    const char *end = NULL;
    const char *text = f->text;
    size_t len = f->len;
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
        struct lint_finding *x =
                len == 0    ? lint_add(r, f, 0, LINT_ERROR, "invalid-json", NULL, "empty file, not JSON")
                : doc       ? lint_add(r, f, line, LINT_ERROR, "invalid-json", NULL,
                                       "invalid JSON (column %d): unexpected text after the document, near \"%s\"", col, near)
                : truncated ? lint_add(r, f, line, LINT_ERROR, "invalid-json", NULL,
                                       "invalid JSON (column %d): the document ends too early (truncated?)", col)
                            : lint_add(r, f, line, LINT_ERROR, "invalid-json", NULL,
                                       "invalid JSON (column %d) near \"%s\"", col, near);
        (void)x;
        r->broken++;
        cJSON_Delete(doc);
        return;
    }
    if (dash_is_dashboard(doc)) {
        f->kind = LK_DASHBOARD;
        lint_dashboard_check(r, f, doc, lint_provisioned_path(r, f->path));
    } else if (f->given) {
        lint_add(r, f, 0, LINT_NOTE, "not-recognised", NULL,
                 "skipped: not a dashboard (no panels, rows or Grafana 12 spec)");
    }
    cJSON_Delete(doc);
}

static void lint_yaml_file(struct lint_run *r, struct lint_file *f)
{
    if (f->yaml_error) {
        if (f->kind != LK_UNKNOWN || f->given || looks_like_ours(f->text)) {
            lint_add(r, f, f->yaml_error_line, LINT_ERROR, "invalid-yaml", NULL, "%s", f->yaml_error);
            r->broken++;
        }
        if (f->kind == LK_UNKNOWN)
            return;
    }
    switch (f->kind) {
    case LK_DASHBOARD: {
        cJSON *doc = ly_to_json(&f->docs[0], yaml_document_get_root_node(&f->docs[0]), 0);
        lint_dashboard_check(r, f, doc, lint_provisioned_path(r, f->path));
        cJSON_Delete(doc);
        break;
    }
    case LK_DATASOURCES: lint_datasources_check(r, f); break;
    case LK_PROVIDERS: lint_providers_check(r, f); break;
    case LK_ALERTING: lint_alerting_check(r, f); break;
    case LK_RULES: lint_rules_check(r, f); break;
    case LK_TEMPO: lint_tempo_check(r, f); break;
    default:
        if (f->given)
            lint_add(r, f, 0, LINT_NOTE, "not-recognised", NULL,
                     "skipped: not Grafana provisioning, a rule file or a Tempo config");
        break;
    }
}

static void build_dash_ctx(struct lint_run *r)
{
    r->dds = r->nds ? xcalloc(r->nds, sizeof(*r->dds)) : NULL;
    for (size_t i = 0; i < r->nds; i++)
        r->dds[i] = (struct dash_ds){r->ds[i].uid, r->ds[i].name, r->ds[i].type, r->ds[i].is_default};
    bool types = false;
    for (size_t i = 0; i < r->nds; i++)
        types = types || r->ds[i].type;
    r->known = lint_ds_known(r);
    r->dctx = (struct dash_ctx){
            .ds = r->dds,
            .nds = r->nds,
            .ds_known = r->ds_known,
            .types_known = types,
            .deprecated = (const char *const *)r->o->deprecated,
            .ndeprecated = r->o->ndeprecated,
            .lint = true,
    };
}

static bool is_yaml_text(const struct lint_file *f)
{
    if (is_json_name(f->path))
        return false;
    if (str_ends_with(f->path, ".yml") || str_ends_with(f->path, ".yaml") || str_ends_with(f->path, ".rules"))
        return true;
    const char *t = f->text;
    while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
        t++;
    return *t != '{' && *t != '[';
}

int lint_run(const struct lint_opts *o, FILE *out, FILE *errf)
{
    static const char *const exts[] = {".json", ".yml", ".yaml", ".rules"};
    static const char *const yaml_exts[] = {".yml", ".yaml"};
    struct lint_run r = {.o = o};
    int code = LINT_EXIT_USAGE;
    char err[1024];
    size_t *path_end = xcalloc(o->npaths + 1, sizeof(size_t));
    if (o->env_file && load_env_file(&r, o->env_file, errf) < 0)
        goto out;
    for (size_t i = 0; i < o->npaths; i++) {
        struct stat st;
        if (stat(o->paths[i], &st) != 0) {
            fprintf(errf, "lgtmtop: %s: cannot read: %s\n", o->paths[i], strerror(errno));
            goto out;
        }
        if (S_ISDIR(st.st_mode)) {
            struct strlist found = {0};
            if (walk_dir(o->paths[i], exts, ARRAY_LEN(exts), true, 0, &found, err, sizeof(err)) < 0) {
                fprintf(errf, "lgtmtop: %s\n", err);
                goto out;
            }
            if (found.n > 1) /* name order, as Grafana reads a provisioning directory */
                qsort(found.v, found.n, sizeof(char *), str_cmp);
            for (size_t j = 0; j < found.n; j++) {
                file_add(&r, found.v[j], false);
                free(found.v[j]);
            }
            free(found.v);
        } else {
            file_add(&r, o->paths[i], true);
        }
        path_end[i] = r.nfiles;
    }
    size_t first_ds = r.nfiles;
    for (size_t i = 0; i < o->nds_files; i++) {
        const char *p = o->ds_files[i];
        struct stat st;
        if (stat(p, &st) != 0) {
            fprintf(errf, "lgtmtop: %s: cannot read: %s\n", p, strerror(errno));
            goto out;
        }
        struct strlist found = {0};
        if (S_ISDIR(st.st_mode)) {
            if (walk_dir(p, yaml_exts, ARRAY_LEN(yaml_exts), false, 0, &found, err, sizeof(err)) < 0) {
                fprintf(errf, "lgtmtop: %s\n", err);
                goto out;
            }
            if (found.n > 1)
                qsort(found.v, found.n, sizeof(char *), str_cmp);
        } else {
            push(&found.v, &found.n, p);
        }
        bool any = false, bad = false;
        for (size_t j = 0; j < found.n && !bad; j++) {
            struct lint_file *f = file_add(&r, found.v[j], !S_ISDIR(st.st_mode));
            size_t idx = (size_t)(f - r.files);
            if (idx >= first_ds)
                f->ref_only = true;
            if (read_text(&r, f) && !f->docs && !f->yaml_error) {
                load_yaml(f);
                f->kind = lint_classify_yaml(f);
            }
            if (f->yaml_error && idx >= first_ds) {
                fprintf(errf, "lgtmtop: %s:%d: %s\n", f->path, f->yaml_error_line, f->yaml_error);
                bad = true;
            } else if (!S_ISDIR(st.st_mode) && f->kind != LK_DATASOURCES) {
                fprintf(errf,
                        "lgtmtop: %s: no datasources: list — is this a Grafana datasource provisioning file "
                        "(apiVersion: 1, datasources: [...])?\n",
                        f->path);
                bad = true;
            }
            any = any || f->kind == LK_DATASOURCES;
        }
        for (size_t j = 0; j < found.n; j++)
            free(found.v[j]);
        free(found.v);
        if (bad)
            goto out;
        if (!any) {
            fprintf(errf, "lgtmtop: %s: no file here has a datasources: list\n", p);
            goto out;
        }
    }
    /* YAML first: datasources and providers are needed before anything refers to them */
    for (size_t i = 0; i < r.nfiles; i++) {
        struct lint_file *f = &r.files[i];
        if (f->docs || f->yaml_error || !read_text(&r, f) || !is_yaml_text(f))
            continue;
        load_yaml(f);
        f->kind = lint_classify_yaml(f);
    }
    lint_datasources_collect(&r);
    for (size_t i = 0; i < o->nuids; i++) {
        r.ds = xrealloc(r.ds, (r.nds + 1) * sizeof(*r.ds));
        r.ds[r.nds++] = (struct lint_dsent){.uid = o->uids[i]};
    }
    for (size_t i = 0; i < r.nfiles; i++)
        r.ds_known = r.ds_known || r.files[i].kind == LK_DATASOURCES;
    r.ds_known = r.ds_known || o->nuids > 0;
    build_dash_ctx(&r);
    lint_providers_collect(&r);
    for (size_t i = 0; i < r.nfiles; i++) {
        struct lint_file *f = &r.files[i];
        if (!f->text || f->ref_only)
            continue; /* unreadable (already reported), or only read for its datasources */
        if (f->docs || f->yaml_error)
            lint_yaml_file(&r, f);
        else if (!is_yaml_text(f))
            lint_json_file(&r, f);
        if (f->kind != LK_UNKNOWN)
            r.counts[f->kind]++;
        if (!f->docs) { /* JSON: its text is not needed any more */
            free(f->text);
            f->text = NULL;
            f->len = 0;
        }
    }
    /* every PATH must hold something to lint */
    size_t start = 0;
    for (size_t i = 0; i < o->npaths; i++) {
        bool any = false;
        for (size_t j = start; j < path_end[i] && !any; j++)
            any = r.files[j].kind != LK_UNKNOWN;
        for (size_t j = 0; j < r.nf && !any; j++)
            any = r.f[j].order >= start && r.f[j].order < path_end[i] && r.f[j].sev == LINT_ERROR;
        if (!any) {
            fprintf(errf,
                    "lgtmtop: nothing to lint in %s: no dashboard, Grafana provisioning, rule file or Tempo config "
                    "(%zu file%s looked at)\n",
                    o->paths[i], path_end[i] - start, path_end[i] - start == 1 ? "" : "s");
            goto out;
        }
        start = path_end[i];
    }
    if (r.counts[LK_DASHBOARD] && !r.ds_known && !o->ndeprecated)
        lint_add(&r, NULL, 0, LINT_WARNING, "no-datasources", NULL,
                 "no datasource provisioning found (give --datasources FILE|DIR or --uid UID): the dashboards' "
                 "datasource references were not checked");
    bool errors = false, warnings = false;
    for (size_t i = 0; i < r.nf; i++) {
        errors = errors || r.f[i].sev == LINT_ERROR;
        warnings = warnings || r.f[i].sev == LINT_WARNING;
    }
    code = errors ? LINT_EXIT_ERROR : warnings ? LINT_EXIT_WARNING : LINT_EXIT_OK;
    lint_print(&r, out, code);
out:
    free(path_end);
    run_free(&r);
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
        return LINT_EXIT_USAGE;
    }
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    o.color = !o.no_color && !(nc && *nc) && !(term && strcmp(term, "dumb") == 0) && isatty(STDOUT_FILENO);
    int code = lint_run(&o, stdout, stderr);
    fflush(stdout);
    lint_opts_free(&o);
    return code;
}
