/* lint_datasources: Grafana datasource provisioning. The run's datasource set is built as Grafana
 * builds it — files in name order, in each file deleteDatasources before datasources — and each
 * file is checked for what makes Grafana refuse it (a uid or name twice in an org, two defaults
 * in an org), for the references a datasource makes to another by uid (Tempo's traces to logs /
 * metrics / profiles, service map and Loki search; Loki's derived fields; Prometheus exemplar
 * destinations; Alertmanager links), and for the ${VAR}s it reads from the environment. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

static long ds_org(yaml_document_t *doc, yaml_node_t *n)
{
    const char *o = ly_str(ly_get(doc, n, "orgId"));
    return o ? strtol(o, NULL, 10) : 1;
}

static void ds_push(struct lint_dsent **v, size_t *n, const struct lint_dsent *d)
{
    *v = xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = *d;
}

void lint_datasources_collect(struct lint_run *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        struct lint_file *f = &r->files[i];
        if (f->kind != LK_DATASOURCES)
            continue;
        for (size_t k = 0; k < f->ndocs; k++) {
            yaml_document_t *doc = &f->docs[k];
            yaml_node_t *root = ly_root(f, k);
            LY_SEQ_EACH(doc, ly_get(doc, root, "deleteDatasources"), it)
            {
                yaml_node_t *dn = LY_ITEM(doc, it);
                const char *name = ly_str(ly_get(doc, dn, "name")), *uid = ly_str(ly_get(doc, dn, "uid"));
                long org = ds_org(doc, dn);
                for (size_t j = 0; j < r->nds; j++) {
                    struct lint_dsent *d = &r->ds[j];
                    if (ds_org(d->doc, d->node) == org && ((name && d->name && strcmp(name, d->name) == 0) ||
                                                           (uid && d->uid && strcmp(uid, d->uid) == 0))) {
                        memmove(d, d + 1, (r->nds - j - 1) * sizeof(*d));
                        r->nds--;
                        j--;
                    }
                }
                struct lint_dsent del = {
                        .uid = uid, .name = name, .file = f, .doc = doc, .node = dn, .line = ly_line(dn)};
                ds_push(&r->deleted, &r->ndeleted, &del);
            }
            LY_SEQ_EACH(doc, ly_get(doc, root, "datasources"), it)
            {
                yaml_node_t *dn = LY_ITEM(doc, it);
                struct lint_dsent d = {
                        .uid = ly_str(ly_get(doc, dn, "uid")),
                        .name = ly_str(ly_get(doc, dn, "name")),
                        .type = ly_str(ly_get(doc, dn, "type")),
                        .url = ly_str(ly_get(doc, dn, "url")),
                        .is_default = ly_true(ly_get(doc, dn, "isDefault")),
                        .file = f,
                        .doc = doc,
                        .node = dn,
                        .line = ly_line(dn),
                };
                if (dn && dn->type == YAML_MAPPING_NODE && (d.uid || d.name))
                    ds_push(&r->ds, &r->nds, &d);
            }
        }
    }
}

static char *ds_label(const struct lint_dsent *d)
{
    return xasprintf("datasource \"%s\"", d->name ? d->name : d->uid ? d->uid : "?");
}

/* The cross-references a datasource's jsonData makes by uid: {key path, what it is}. */
static const struct {
    const char *path, *what;
    bool list; /* a list of objects with datasourceUid */
} xrefs[] = {
        {"tracesToLogsV2.datasourceUid", "traces to logs", false},
        {"tracesToLogs.datasourceUid", "traces to logs (v1)", false},
        {"tracesToMetrics.datasourceUid", "traces to metrics", false},
        {"tracesToProfiles.datasourceUid", "traces to profiles", false},
        {"serviceMap.datasourceUid", "service map", false},
        {"lokiSearch.datasourceUid", "Loki search", false},
        {"nodeGraph.datasourceUid", "node graph", false},
        {"alertmanagerUid", "Alertmanager", false},
        {"derivedFields", "derived field", true},
        {"exemplarTraceIdDestinations", "exemplar trace destination", true},
};

static void check_xref(struct lint_run *r, struct lint_file *f, const struct lint_dsent *d, yaml_node_t *n,
                       const char *what, const char *path)
{
    const char *uid = ly_str(n);
    if (!uid || lint_ds_find(r, uid, false))
        return;
    char *where = ds_label(d);
    struct lint_finding *x;
    if (lint_ds_find(r, uid, true))
        x = lint_add(r, f, ly_line(n), LINT_ERROR, "datasource-link", where,
                     "%s: datasourceUid \"%s\" is a datasource name, not a uid (the link is by uid)", what, uid);
    else if (strchr(uid, '$'))
        x = lint_add(r, f, ly_line(n), LINT_NOTE, "datasource-link", where,
                     "%s: datasourceUid \"%s\" comes from the environment, not checked", what, uid);
    else {
        char *known = lint_ds_known(r);
        x = lint_add(r, f, ly_line(n), LINT_ERROR, "datasource-link", where,
                     "%s: datasourceUid \"%s\" is not a provisioned datasource%s%s%s", what, uid,
                     known ? " (known: " : "", known ? known : "", known ? ")" : "");
        free(known);
    }
    lint_set_path(x, path);
    free(where);
}

struct envscan {
    struct lint_run *r;
    struct lint_file *f;
    struct buf names; /* ",A,B," */
    yaml_node_t *node;
};

static void env_ref(void *ud, const char *name, size_t n)
{
    struct envscan *e = ud;
    char key[260];
    snprintf(key, sizeof(key), ",%.*s,", (int)n, name);
    if (e->names.data && strstr(e->names.data, key))
        return;
    if (!e->names.len)
        buf_putc(&e->names, ',');
    buf_printf(&e->names, "%.*s,", (int)n, name);
    bool checked = e->r->o->env_file || e->r->o->use_env;
    if (checked && !lint_env_get(e->r, name, n))
        lint_add(e->r, e->f, ly_line(e->node), LINT_ERROR, "unset-variable", NULL,
                 "${%.*s} is not set%s%s%s: Grafana provisions an empty string in its place", (int)n, name,
                 e->r->o->env_file ? " in " : " in the environment", e->r->o->env_file ? e->r->o->env_file : "",
                 e->r->o->env_file && e->r->o->use_env ? " nor in the environment" : "");
}

static void env_walk(struct envscan *e, yaml_document_t *doc, yaml_node_t *n, int depth)
{
    if (!n || depth > 32)
        return;
    if (n->type == YAML_SCALAR_NODE) {
        e->node = n;
        lint_env_refs((const char *)n->data.scalar.value, env_ref, e);
    } else if (n->type == YAML_SEQUENCE_NODE) {
        LY_SEQ_EACH(doc, n, it)
        env_walk(e, doc, LY_ITEM(doc, it), depth + 1);
    } else if (n->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
            env_walk(e, doc, yaml_document_get_node(doc, p->value), depth + 1);
    }
}

void lint_datasources_check(struct lint_run *r, struct lint_file *f)
{
    struct envscan env = {.r = r, .f = f};
    buf_init(&env.names);
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        yaml_node_t *root = ly_root(f, k);
        yaml_node_t *list = ly_get(doc, root, "datasources");
        if (list && list->type != YAML_SEQUENCE_NODE && ly_str(list))
            lint_add(r, f, ly_line(list), LINT_ERROR, "datasources-not-a-list", NULL,
                     "datasources: expected a list of datasources (- name: ..., uid: ...)");
        env_walk(&env, doc, root, 0);
        size_t index = 0;
        LY_SEQ_EACH(doc, list, it)
        {
            yaml_node_t *dn = LY_ITEM(doc, it);
            char path[64];
            snprintf(path, sizeof(path), "datasources[%zu]", index++);
            if (!dn || dn->type != YAML_MAPPING_NODE)
                continue;
            /* this entry as the run holds it (a later delete may have removed it) */
            const struct lint_dsent *d = NULL;
            for (size_t j = 0; j < r->nds && !d; j++)
                if (r->ds[j].node == dn)
                    d = &r->ds[j];
            const char *name = ly_str(ly_get(doc, dn, "name")), *uid = ly_str(ly_get(doc, dn, "uid"));
            struct lint_dsent self = {.uid = uid, .name = name, .node = dn, .doc = doc, .file = f};
            char *where = ds_label(d ? d : &self);
            if (!name) {
                struct lint_finding *x = lint_add(r, f, ly_line(dn), LINT_ERROR, "datasource-without-name", where,
                                                  "no name: Grafana refuses a datasource without one");
                lint_set_path(x, path);
            } else if (!uid) {
                struct lint_finding *x =
                        lint_add(r, f, ly_line(dn), LINT_NOTE, "datasource-without-uid", where,
                                 "no uid: Grafana makes one up, so dashboards and alert rules cannot name it by uid");
                lint_set_path(x, path);
            }
            if (!ly_str(ly_get(doc, dn, "type"))) {
                struct lint_finding *x = lint_add(r, f, ly_line(dn), LINT_ERROR, "datasource-without-type", where,
                                                  "no type: Grafana cannot tell which plugin serves it");
                lint_set_path(x, path);
            }
            if (d) {
                long org = ds_org(doc, dn);
                /* a uid, a name or the default taken earlier in the same org */
                for (const struct lint_dsent *e = r->ds; e < d; e++) {
                    if (ds_org(e->doc, e->node) != org)
                        continue;
                    const char *what = NULL, *val = NULL;
                    if (d->uid && e->uid && strcmp(d->uid, e->uid) == 0)
                        what = "uid", val = d->uid;
                    else if (d->name && e->name && strcmp(d->name, e->name) == 0)
                        what = "name", val = d->name;
                    if (what) {
                        struct lint_finding *x =
                                lint_add(r, f, d->line, LINT_ERROR,
                                         strcmp(what, "uid") == 0 ? "duplicate-uid" : "duplicate-name", where,
                                         "%s \"%s\" is provisioned twice (also at %s:%d): Grafana refuses the second",
                                         what, val, e->file ? e->file->path : "?", e->line);
                        lint_set_path(x, path);
                    }
                    if (d->is_default && e->is_default) {
                        struct lint_finding *x = lint_add(
                                r, f, ly_line(ly_get(doc, dn, "isDefault")), LINT_ERROR, "two-defaults", where,
                                "isDefault: true, and so is datasource \"%s\" (%s:%d): Grafana allows one default per "
                                "organization and refuses to provision this",
                                e->name ? e->name : e->uid, e->file ? e->file->path : "?", e->line);
                        lint_set_path(x, path);
                    }
                }
            }
            yaml_node_t *jd = ly_get(doc, dn, "jsonData");
            for (size_t x = 0; x < ARRAY_LEN(xrefs); x++) {
                char *xpath = xasprintf("%s.jsonData.%s", path, xrefs[x].path);
                yaml_node_t *n = ly_at(doc, jd, xrefs[x].path);
                if (xrefs[x].list) {
                    size_t li = 0;
                    LY_SEQ_EACH(doc, n, lt)
                    {
                        yaml_node_t *item = LY_ITEM(doc, lt);
                        const char *label = ly_str(ly_get(doc, item, "name"));
                        char *what = xasprintf("%s \"%s\"", xrefs[x].what, label ? label : "?");
                        char *ipath = xasprintf("%s[%zu].datasourceUid", xpath, li++);
                        check_xref(r, f, d ? d : &self, ly_get(doc, item, "datasourceUid"), what, ipath);
                        free(ipath);
                        free(what);
                    }
                } else {
                    check_xref(r, f, d ? d : &self, n, xrefs[x].what, xpath);
                }
                free(xpath);
            }
            free(where);
        }
    }
    if (env.names.len > 1 && !r->o->env_file && !r->o->use_env) {
        env.names.data[env.names.len - 1] = '\0';
        for (char *c = env.names.data + 1; *c; c++)
            if (*c == ',')
                *c = ' ';
        lint_add(r, f, 0, LINT_NOTE, "variables", NULL,
                 "reads from the environment: %s (give --env-file FILE or --env to check they are set)",
                 env.names.data + 1);
    }
    buf_free(&env.names);
}
