/* lint_dashboards: a dashboard file through the walker (dashboards.c, lint mode) against the
 * run's datasources, as findings with their line and JSON path. Severities follow the harm: a
 * reference a panel queries that does not exist is an error, a deprecated one a warning, what
 * Grafana ignores a note; an import placeholder is a note unless the dashboard is provisioned
 * from files (a dashboard provider reads its directory), where Grafana cannot replace it. Also
 * the dashboard providers, and one dashboard uid used by two files. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

static int ref_line(const struct lint_file *f, const char *jpath)
{
    if (!jpath)
        return 0;
    if (f->docs) {
        yaml_node_t *root = yaml_document_get_root_node(&f->docs[0]);
        yaml_node_t *n = ly_at(&f->docs[0], root, jpath);
        /* the object holding "datasource" reads better than the value itself */
        return ly_line(n);
    }
    return lint_json_line(f->text, f->len, jpath);
}

static const struct lint_dsent *deleted_as(const struct lint_run *r, const char *key)
{
    for (size_t i = r->ndeleted; key && i-- > 0;)
        if ((r->deleted[i].uid && strcmp(r->deleted[i].uid, key) == 0) ||
            (r->deleted[i].name && strcmp(r->deleted[i].name, key) == 0))
            return &r->deleted[i];
    return NULL;
}

static void missing_message(const struct lint_run *r, const struct dref *d, struct buf *m)
{
    const char *what = d->lookup ? d->lookup : d->uid ? d->uid : d->raw;
    if (d->lookup && d->lookup[0] == '$') {
        buf_printf(m, "datasource \"%s\": %s", d->lookup, d->note ? d->note : "cannot be resolved");
    } else {
        buf_printf(m, "datasource \"%s\" does not exist", what);
        if (d->replacement)
            buf_printf(m, "; it was replaced by \"%s\"", d->replacement);
        const struct lint_dsent *del = deleted_as(r, what);
        if (del && !lint_ds_find(r, what, true))
            buf_printf(m, "; deleted by deleteDatasources at %s:%d", del->file->path, del->line);
        if (d->note)
            buf_printf(m, " (%s)", d->note);
    }
    if (r->known)
        buf_printf(m, " (known: %s)", r->known);
}

static void add_extra(struct lint_finding *x, const struct dash_report *rep, const struct dref *d)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddItemToObject(e, "dashboard", lint_json_str(rep->title[0] ? rep->title : rep->uid));
    cJSON_AddItemToObject(e, "uid", lint_json_str(rep->uid));
    cJSON_AddItemToObject(e, "panel", lint_json_str(d->panel ? d->panel : ""));
    cJSON_AddItemToObject(e, "target", lint_json_str(d->target));
    cJSON_AddItemToObject(e, "datasource", lint_json_str(d->lookup ? d->lookup : d->uid ? d->uid : d->raw));
    cJSON_AddItemToObject(e, "raw", lint_json_str(d->raw));
    cJSON_AddStringToObject(e, "status", dref_status_name(d->status));
    cJSON_AddItemToObject(e, "replacement", lint_json_str(d->replacement));
    x->extra = e;
}

static void check_uid(struct lint_run *r, struct lint_file *f, const char *uid, const char *title)
{
    if (!uid || !*uid)
        return;
    size_t me = (size_t)(f - r->files);
    for (size_t i = 0; i < r->ndash_uids; i++) {
        if (strcmp(r->dash_uids[i], uid) != 0)
            continue;
        lint_add(r, f, f->docs ? 0 : lint_json_line(f->text, f->len, "uid"), LINT_ERROR, "duplicate-dashboard-uid",
                 NULL, "dashboard \"%s\": uid \"%s\" is also the uid of %s: Grafana provisions only one of them", title,
                 uid, r->files[r->dash_files[i]].path);
        return;
    }
    r->dash_uids = xrealloc(r->dash_uids, (r->ndash_uids + 1) * sizeof(char *));
    r->dash_files = xrealloc(r->dash_files, (r->ndash_uids + 1) * sizeof(size_t));
    r->dash_uids[r->ndash_uids] = xstrdup(uid);
    r->dash_files[r->ndash_uids++] = me;
}

void lint_dashboard_check(struct lint_run *r, struct lint_file *f, const cJSON *doc, bool provisioned)
{
    struct dash_report rep;
    dash_analyze(doc, &r->dctx, &rep);
    const char *title = rep.title[0] ? rep.title : rep.uid[0] ? rep.uid : "(untitled)";
    check_uid(r, f, rep.uid, title);
    struct buf noted; /* "\x1f"-separated keys of the notes already given for this dashboard */
    buf_init(&noted);
    buf_putc(&noted, '\x1f');
    for (size_t i = 0; i < rep.nrefs; i++) {
        const struct dref *d = &rep.refs[i];
        r->refs++;
        if (d->status == DREF_OK)
            continue;
        char *where = d->target ? xasprintf("dashboard \"%s\": %s (target %s)", title, d->where, d->target)
                                : xasprintf("dashboard \"%s\": %s", title, d->where);
        int line = ref_line(f, d->jpath);
        struct lint_finding *x = NULL;
        if (d->status == DREF_MISSING) {
            struct buf m;
            buf_init(&m);
            missing_message(r, d, &m);
            r->missing++;
            x = lint_add(r, f, line, LINT_ERROR, "missing-datasource", where, "%s", m.data);
            buf_free(&m);
        } else if (d->status == DREF_DEPRECATED) {
            r->deprecated++;
            x = lint_add(r, f, line, LINT_WARNING, "deprecated-datasource", where,
                         "datasource \"%s\" is deprecated: use \"%s\" instead%s%s%s", d->uid ? d->uid : d->lookup,
                         d->replacement ? d->replacement : "?",
                         d->uid && d->lookup && strcmp(d->uid, d->lookup) != 0 ? " (referenced as \"" : "",
                         d->uid && d->lookup && strcmp(d->uid, d->lookup) != 0 ? d->lookup : "",
                         d->uid && d->lookup && strcmp(d->uid, d->lookup) != 0 ? "\")" : "");
        } else if (d->status == DREF_UNRESOLVED && provisioned) {
            r->missing++;
            x = lint_add(r, f, line, LINT_ERROR, "unreplaced-placeholder", where,
                         "import placeholder %s is never replaced in a dashboard provisioned from files: Grafana "
                         "says \"Datasource %s was not found\" — use a datasource uid or a datasource variable",
                         d->lookup, d->lookup);
        } else {
            /* one note per distinct placeholder / library panel / stale target in a dashboard */
            const char *key = d->lookup ? d->lookup : d->raw;
            char *k = xasprintf("\x1f%s\x1f", key);
            bool seen = strstr(noted.data, k) != NULL;
            if (!seen)
                buf_printf(&noted, "%s\x1f", key);
            free(k);
            if (!seen)
                x = lint_add(r, f, line, LINT_NOTE, d->kind == DREF_INPUT ? "import-placeholder" : "note", where, "%s",
                             d->note ? d->note : dref_kind_name(d->kind));
        }
        if (x) {
            lint_set_path(x, d->jpath);
            add_extra(x, &rep, d);
        }
        free(where);
    }
    buf_free(&noted);
    dash_report_free(&rep);
}

/* ---- dashboard providers ---- */

void lint_providers_check(struct lint_run *r, struct lint_file *f)
{
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        size_t index = 0;
        LY_SEQ_EACH(doc, ly_get(doc, ly_root(f, k), "providers"), it)
        {
            yaml_node_t *p = LY_ITEM(doc, it);
            const char *name = ly_str(ly_get(doc, p, "name")), *type = ly_str(ly_get(doc, p, "type"));
            const char *path = ly_str(ly_at(doc, p, "options.path"));
            char where[160], jp[48];
            snprintf(where, sizeof(where), "provider \"%s\"", name ? name : "?");
            snprintf(jp, sizeof(jp), "providers[%zu]", index++);
            if ((!type || strcmp(type, "file") == 0) && !path)
                lint_set_path(lint_add(r, f, ly_line(p), LINT_ERROR, "provider-without-path", where,
                                       "a file provider without options.path: Grafana reads no dashboards from it"),
                              jp);
        }
    }
}

void lint_providers_collect(struct lint_run *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        struct lint_file *f = &r->files[i];
        for (size_t k = 0; f->kind == LK_PROVIDERS && k < f->ndocs; k++) {
            yaml_document_t *doc = &f->docs[k];
            LY_SEQ_EACH(doc, ly_get(doc, ly_root(f, k), "providers"), it)
            {
                const char *path = ly_str(ly_at(doc, LY_ITEM(doc, it), "options.path"));
                if (!path)
                    continue;
                char *dir = xstrdup(path);
                url_trim_slashes(dir);
                const char *last = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
                if (*last) {
                    r->provider_dirs = xrealloc(r->provider_dirs, (r->nprovider_dirs + 1) * sizeof(char *));
                    r->provider_dirs[r->nprovider_dirs++] = xstrdup(last);
                }
                free(dir);
            }
        }
    }
}

bool lint_provisioned_path(const struct lint_run *r, const char *path)
{
    for (size_t i = 0; i < r->nprovider_dirs; i++) {
        const char *d = r->provider_dirs[i];
        size_t n = strlen(d);
        for (const char *p = path; (p = strstr(p, d)); p++)
            if ((p == path || p[-1] == '/') && p[n] == '/')
                return true;
    }
    return false;
}
