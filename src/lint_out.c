/* lint_out: the findings of a run, grouped by file and in line order, as text
 * (FILE:LINE: error: WHERE: MESSAGE [PATH]), one JSON document (--json) or GitHub Actions
 * workflow commands (--format github: ::error file=F,line=N::...). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

static int finding_cmp(const void *a, const void *b)
{
    const struct lint_finding *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *word_of(int code) { return code == 3 ? "ERROR" : code == 2 ? "FAIL" : code == 1 ? "WARN" : "OK"; }

static void counts(const struct lint_run *r, int *n)
{
    n[0] = n[1] = n[2] = 0;
    for (size_t i = 0; i < r->nf; i++)
        n[r->f[i].sev]++;
}

static void summary(const struct lint_run *r, FILE *out, int code, bool color)
{
    int n[3];
    counts(r, n);
    int linted = 0;
    for (int k = LK_DASHBOARD; k < LK_KINDS; k++)
        linted += r->counts[k];
    const char *wc = code == 0 ? "\033[32m" : code == 1 ? "\033[33m" : "\033[1;31m";
    fprintf(out, "%s%s%s: %d file%s linted%s", color ? wc : "", word_of(code), color ? "\033[0m" : "", linted,
            linted == 1 ? "" : "s", linted ? " (" : "");
    static const char *const labels[LK_KINDS][2] = {
            [LK_DASHBOARD] = {"dashboard", "dashboards"},
            [LK_DATASOURCES] = {"datasource file", "datasource files"},
            [LK_PROVIDERS] = {"dashboard provider file", "dashboard provider files"},
            [LK_ALERTING] = {"alerting file", "alerting files"},
            [LK_RULES] = {"rule file", "rule files"},
            [LK_TEMPO] = {"Tempo config", "Tempo configs"},
    };
    bool first = true;
    for (int k = LK_DASHBOARD; k < LK_KINDS; k++) {
        if (!r->counts[k])
            continue;
        fprintf(out, "%s%d %s", first ? "" : ", ", r->counts[k], labels[k][r->counts[k] != 1]);
        first = false;
    }
    fprintf(out, "%s: %d error%s, %d warning%s, %d note%s", linted ? ")" : "", n[LINT_ERROR],
            n[LINT_ERROR] == 1 ? "" : "s", n[LINT_WARNING], n[LINT_WARNING] == 1 ? "" : "s", n[LINT_NOTE],
            n[LINT_NOTE] == 1 ? "" : "s");
    if (r->counts[LK_DASHBOARD])
        fprintf(out, "; %d datasource reference%s: %d missing, %d deprecated", r->refs, r->refs == 1 ? "" : "s",
                r->missing, r->deprecated);
    fputc('\n', out);
}

/* GitHub workflow command escapes: data (% \r \n) and properties (also : and ,). */
static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; s && *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

static cJSON *str_or_null(const char *s) { return s ? cJSON_CreateString(s) : cJSON_CreateNull(); }

static void print_json(struct lint_run *r, FILE *out, int code)
{
    int n[3];
    counts(r, n);
    cJSON *root = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(root, "counts");
    int linted = 0;
    for (int k = LK_DASHBOARD; k < LK_KINDS; k++)
        linted += r->counts[k];
    cJSON_AddNumberToObject(c, "files", (double)r->nfiles);
    cJSON_AddNumberToObject(c, "linted", linted);
    cJSON *byk = cJSON_AddObjectToObject(c, "by_kind");
    for (int k = LK_DASHBOARD; k < LK_KINDS; k++)
        cJSON_AddNumberToObject(byk, lint_kind_name((enum lint_kind)k), r->counts[k]);
    cJSON_AddNumberToObject(c, "errors", n[LINT_ERROR]);
    cJSON_AddNumberToObject(c, "warnings", n[LINT_WARNING]);
    cJSON_AddNumberToObject(c, "notes", n[LINT_NOTE]);
    cJSON_AddNumberToObject(c, "references", r->refs);
    cJSON_AddNumberToObject(c, "missing", r->missing);
    cJSON_AddNumberToObject(c, "deprecated", r->deprecated);
    cJSON *files = cJSON_AddArrayToObject(root, "files");
    for (size_t i = 0; i < r->nfiles; i++) {
        if (r->files[i].kind == LK_UNKNOWN)
            continue;
        char clean[1024];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file",
                                text_oneline(clean, sizeof(clean), r->files[i].path, strlen(r->files[i].path)));
        cJSON_AddStringToObject(o, "kind", lint_kind_name(r->files[i].kind));
        cJSON_AddItemToArray(files, o);
    }
    cJSON *ds = cJSON_AddArrayToObject(root, "datasources");
    for (size_t i = 0; i < r->nds; i++) {
        cJSON *o = cJSON_CreateObject();
        char a[512], b[512];
        const struct lint_dsent *d = &r->ds[i];
        cJSON_AddItemToObject(o, "uid",
                              str_or_null(d->uid ? text_oneline(a, sizeof(a), d->uid, strlen(d->uid)) : NULL));
        cJSON_AddItemToObject(o, "name",
                              str_or_null(d->name ? text_oneline(b, sizeof(b), d->name, strlen(d->name)) : NULL));
        cJSON_AddItemToObject(o, "type",
                              str_or_null(d->type ? text_oneline(a, sizeof(a), d->type, strlen(d->type)) : NULL));
        cJSON_AddBoolToObject(o, "default", d->is_default);
        if (d->file) {
            cJSON_AddStringToObject(o, "file", text_oneline(b, sizeof(b), d->file->path, strlen(d->file->path)));
            cJSON_AddNumberToObject(o, "line", d->line);
        }
        cJSON_AddItemToArray(ds, o);
    }
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < r->nf; i++) {
        const struct lint_finding *x = &r->f[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", x->file);
        if (x->line)
            cJSON_AddNumberToObject(o, "line", x->line);
        else
            cJSON_AddNullToObject(o, "line");
        cJSON_AddStringToObject(o, "severity", lint_sev_name(x->sev));
        cJSON_AddStringToObject(o, "kind", x->kind);
        cJSON_AddStringToObject(o, "check", x->check);
        cJSON_AddItemToObject(o, "where", str_or_null(x->where));
        cJSON_AddItemToObject(o, "path", str_or_null(x->path));
        cJSON_AddStringToObject(o, "message", x->message);
        if (x->extra) {
            cJSON *e;
            cJSON_ArrayForEach(e, x->extra) cJSON_AddItemToObject(o, e->string, cJSON_Duplicate(e, true));
        }
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddNumberToObject(root, "exit_code", code);
    char *txt = cJSON_Print(root);
    if (txt) {
        fputs(txt, out);
        fputc('\n', out);
        cJSON_free(txt);
    }
    cJSON_Delete(root);
}

void lint_print(struct lint_run *r, FILE *out, int code)
{
    if (r->nf > 1)
        qsort(r->f, r->nf, sizeof(*r->f), finding_cmp);
    if (r->o->format == LINT_JSON) {
        print_json(r, out, code);
        return;
    }
    bool color = r->o->color && r->o->format == LINT_TEXT;
    for (size_t i = 0; i < r->nf; i++) {
        const struct lint_finding *x = &r->f[i];
        if (r->o->format == LINT_GITHUB) {
            fprintf(out, "::%s file=", x->sev == LINT_ERROR ? "error" : x->sev == LINT_WARNING ? "warning" : "notice");
            gh_escape(out, x->file, true);
            if (x->line)
                fprintf(out, ",line=%d", x->line);
            fputs(",title=lgtmtop lint ", out);
            gh_escape(out, x->check, true);
            fputs("::", out);
            if (x->where) {
                gh_escape(out, x->where, false);
                fputs(": ", out);
            }
            gh_escape(out, x->message, false);
            if (x->path) {
                fputs(" [", out);
                gh_escape(out, x->path, false);
                fputc(']', out);
            }
            fputc('\n', out);
            continue;
        }
        const char *sc = x->sev == LINT_ERROR ? "\033[1;31m" : x->sev == LINT_WARNING ? "\033[33m" : "\033[36m";
        if (x->line)
            fprintf(out, "%s:%d: ", x->file, x->line);
        else
            fprintf(out, "%s: ", x->file);
        fprintf(out, "%s%s:%s ", color ? sc : "", lint_sev_name(x->sev), color ? "\033[0m" : "");
        if (x->where)
            fprintf(out, "%s: ", x->where);
        fputs(x->message, out);
        if (x->path)
            fprintf(out, " [%s]", x->path);
        fputc('\n', out);
    }
    summary(r, out, code, color);
}
