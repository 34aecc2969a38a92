/* lint_alerting: Grafana alerting provisioning (apiVersion 1: groups, contactPoints, policies,
 * muteTimes, templates). A rule's queries name datasources that exist (__expr__ and -100 are
 * Grafana's expression engine), its condition and its expressions name refIds it has, its uid is
 * not used twice; every receiver a policy routes to (root and nested routes, and a rule's
 * notification_settings) is a contact point, every mute or active time interval a route names is
 * a mute timing — looked up across every alerting file of the run, by organization. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

#define ROUTE_MAX_DEPTH 32

static long org_of(yaml_document_t *doc, yaml_node_t *n)
{
    const char *o = ly_str(ly_get(doc, n, "orgId"));
    return o ? strtol(o, NULL, 10) : 1;
}

/* Calls fn for each item of the list `key` in every alerting document of the run, in order;
 * stops at (and returns) the first item for which fn returns true. */
typedef bool (*item_fn)(void *ud, yaml_document_t *doc, yaml_node_t *item, const struct lint_file *f);

static bool each_item(const struct lint_run *r, const char *key, item_fn fn, void *ud)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        const struct lint_file *f = &r->files[i];
        for (size_t k = 0; f->kind == LK_ALERTING && !f->ref_only && k < f->ndocs; k++) {
            yaml_document_t *doc = &f->docs[k];
            LY_SEQ_EACH(doc, ly_get(doc, ly_root(f, k), key), it)
            if (fn(ud, doc, LY_ITEM(doc, it), f))
                return true;
        }
    }
    return false;
}

struct named {
    const char *name;
    long org;
    bool any; /* some item of the list exists at all */
};

static bool has_name(void *ud, yaml_document_t *doc, yaml_node_t *item, const struct lint_file *f)
{
    (void)f;
    struct named *q = ud;
    q->any = true;
    const char *n = ly_str(ly_get(doc, item, "name"));
    return n && strcmp(n, q->name) == 0 && org_of(doc, item) == q->org;
}

/* 1 = provisioned, 0 = not (and the run provisions others: an error), -1 = not, and the run
 * provisions none of that list (it may exist in Grafana already). */
static int provisioned(const struct lint_run *r, const char *list, const char *name, long org)
{
    struct named q = {.name = name, .org = org};
    if (each_item(r, list, has_name, &q))
        return 1;
    return q.any ? 0 : -1;
}

static void check_receiver(struct lint_run *r, struct lint_file *f, yaml_node_t *n, long org, const char *where,
                           const char *path, const char *what)
{
    const char *recv = ly_str(n);
    if (!recv)
        return;
    int p = provisioned(r, "contactPoints", recv, org);
    if (p == 1)
        return;
    if (strcmp(recv, "grafana-default-email") == 0) /* Grafana's own, unless deleted */
        return;
    struct lint_finding *x =
            p == 0 ? lint_add(r, f, ly_line(n), LINT_ERROR, "missing-contact-point", where,
                              "receiver \"%s\" is not a contact point of this repo: Grafana refuses the %s", recv, what)
                   : lint_add(r, f, ly_line(n), LINT_WARNING, "missing-contact-point", where,
                              "receiver \"%s\": no contact point is provisioned here; Grafana refuses the %s "
                              "unless one by that name exists already",
                              recv, what);
    lint_set_path(x, path);
}

static void check_intervals(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *route, long org,
                            const char *where, const char *path)
{
    static const char *const keys[] = {"mute_time_intervals", "active_time_intervals"};
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        size_t i = 0;
        LY_SEQ_EACH(doc, ly_get(doc, route, keys[k]), it)
        {
            yaml_node_t *n = LY_ITEM(doc, it);
            const char *name = ly_str(n);
            char *p = xasprintf("%s.%s[%zu]", path, keys[k], i++);
            int prov = name ? provisioned(r, "muteTimes", name, org) : 1;
            if (prov != 1)
                lint_set_path(prov == 0 ? lint_add(r, f, ly_line(n), LINT_ERROR, "missing-mute-timing", where,
                                                   "%s names \"%s\", which is not a mute timing of this repo: Grafana "
                                                   "refuses the policy",
                                                   keys[k], name)
                                        : lint_add(r, f, ly_line(n), LINT_WARNING, "missing-mute-timing", where,
                                                   "%s names \"%s\": no mute timing is provisioned here; Grafana "
                                                   "refuses the policy unless it exists already",
                                                   keys[k], name),
                              p);
            free(p);
        }
    }
}

static void walk_route(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *route, long org,
                       const char *path, int depth)
{
    if (!route || route->type != YAML_MAPPING_NODE || depth > ROUTE_MAX_DEPTH)
        return;
    const char *where = depth ? "route" : "notification policy";
    char *rp = xasprintf("%s.receiver", path);
    check_receiver(r, f, ly_get(doc, route, "receiver"), org, where, rp, "policy");
    free(rp);
    if (!depth && !ly_str(ly_get(doc, route, "receiver")))
        lint_set_path(lint_add(r, f, ly_line(route), LINT_ERROR, "policy-without-receiver", where,
                               "the root policy has no receiver: Grafana refuses it"),
                      path);
    check_intervals(r, f, doc, route, org, where, path);
    size_t i = 0;
    LY_SEQ_EACH(doc, ly_get(doc, route, "routes"), it)
    {
        char *p = xasprintf("%s.routes[%zu]", path, i++);
        walk_route(r, f, doc, LY_ITEM(doc, it), org, p, depth + 1);
        free(p);
    }
}

/* ---- rules ---- */

struct uidq {
    const char *uid;
    long org;
    yaml_node_t *self;
    const struct lint_file *file;
    int line;
};

static bool earlier_uid(void *ud, yaml_document_t *doc, yaml_node_t *group, const struct lint_file *f)
{
    struct uidq *q = ud;
    LY_SEQ_EACH(doc, ly_get(doc, group, "rules"), it)
    {
        yaml_node_t *rule = LY_ITEM(doc, it);
        if (rule == q->self)
            return true; /* reached the rule itself: nothing earlier */
        const char *uid = ly_str(ly_get(doc, rule, "uid"));
        if (uid && strcmp(uid, q->uid) == 0 && org_of(doc, group) == q->org) {
            q->file = f;
            q->line = ly_line(rule);
            return true;
        }
    }
    return false;
}

static bool is_expr(const char *uid) { return strcmp(uid, "__expr__") == 0 || strcmp(uid, "-100") == 0; }

/* Does the rule have a query with this refId? */
static bool has_ref(yaml_document_t *doc, yaml_node_t *data, const char *ref, size_t n)
{
    LY_SEQ_EACH(doc, data, it)
    {
        const char *id = ly_str(ly_get(doc, LY_ITEM(doc, it), "refId"));
        if (id && strlen(id) == n && strncmp(id, ref, n) == 0)
            return true;
    }
    return false;
}

/* The refIds an expression reads: reduce/resample/threshold name one in "expression"; math
 * writes $A or ${A}. */
static void check_expression(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *data,
                             yaml_node_t *q, const char *where, const char *path)
{
    yaml_node_t *model = ly_get(doc, q, "model");
    const char *type = ly_str(ly_get(doc, model, "type"));
    yaml_node_t *en = ly_get(doc, model, "expression");
    const char *e = ly_str(en);
    if (!type || !e)
        return;
    static const char word[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
    if (strcmp(type, "math") == 0) {
        for (const char *p = strchr(e, '$'); p; p = strchr(p + 1, '$')) {
            const char *s = p[1] == '{' ? p + 2 : p + 1;
            size_t n = strspn(s, word);
            if (n && !has_ref(doc, data, s, n))
                lint_set_path(lint_add(r, f, ly_line(en), LINT_ERROR, "unknown-refid", where,
                                       "math expression reads $%.*s, which is not a refId of this rule", (int)n, s),
                              path);
        }
    } else if (strcmp(type, "reduce") == 0 || strcmp(type, "resample") == 0 || strcmp(type, "threshold") == 0) {
        const char *s = e[0] == '$' ? e + 1 : e;
        if (!has_ref(doc, data, s, strlen(s)))
            lint_set_path(lint_add(r, f, ly_line(en), LINT_ERROR, "unknown-refid", where,
                                   "%s expression reads \"%s\", which is not a refId of this rule", type, e),
                          path);
    }
}

static void check_rule(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *rule, long org,
                       const char *group, const char *path)
{
    const char *title = ly_str(ly_get(doc, rule, "title")), *uid = ly_str(ly_get(doc, rule, "uid"));
    char *where = xasprintf("rule \"%s\" (group \"%s\")", title ? title : uid ? uid : "?", group ? group : "?");
    if (!uid)
        lint_set_path(lint_add(r, f, ly_line(rule), LINT_ERROR, "rule-without-uid", where,
                               "no uid: Grafana requires one to provision a rule"),
                      path);
    if (!title)
        lint_set_path(lint_add(r, f, ly_line(rule), LINT_ERROR, "rule-without-title", where,
                               "no title: Grafana requires one"),
                      path);
    if (uid) {
        struct uidq q = {.uid = uid, .org = org, .self = rule};
        if (each_item(r, "groups", earlier_uid, &q) && q.file)
            lint_set_path(lint_add(r, f, ly_line(ly_get(doc, rule, "uid")), LINT_ERROR, "duplicate-rule-uid", where,
                                   "uid \"%s\" is also the uid of the rule at %s:%d: Grafana keeps one of them", uid,
                                   q.file->path, q.line),
                          path);
    }
    yaml_node_t *data = ly_get(doc, rule, "data");
    yaml_node_t *cond = ly_get(doc, rule, "condition");
    const char *c = ly_str(cond);
    if (!data || data->type != YAML_SEQUENCE_NODE || data->data.sequence.items.top == data->data.sequence.items.start)
        lint_set_path(lint_add(r, f, ly_line(rule), LINT_ERROR, "rule-without-queries", where,
                               "no data: the rule queries nothing"),
                      path);
    else if (!c)
        lint_set_path(lint_add(r, f, ly_line(rule), LINT_ERROR, "rule-without-condition", where,
                               "no condition: Grafana needs the refId whose result decides the alert"),
                      path);
    else if (!has_ref(doc, data, c, strlen(c)))
        lint_set_path(lint_add(r, f, ly_line(cond), LINT_ERROR, "unknown-condition", where,
                               "condition \"%s\" is not a refId of this rule's queries", c),
                      path);
    size_t qi = 0;
    LY_SEQ_EACH(doc, data, it)
    {
        yaml_node_t *q = LY_ITEM(doc, it);
        char *qp = xasprintf("%s.data[%zu]", path, qi++);
        yaml_node_t *dsn = ly_get(doc, q, "datasourceUid");
        const char *ds = ly_str(dsn), *ref = ly_str(ly_get(doc, q, "refId"));
        char *qwhere = xasprintf("%s, query %s", where, ref ? ref : "?");
        if (!ds) {
            lint_set_path(lint_add(r, f, ly_line(q), LINT_ERROR, "query-without-datasource", qwhere,
                                   "no datasourceUid (__expr__ for an expression)"),
                          qp);
        } else if (is_expr(ds)) {
            check_expression(r, f, doc, data, q, qwhere, qp);
        } else if (r->ds_known && !lint_ds_find(r, ds, false)) {
            const struct lint_dsent *byname = lint_ds_find(r, ds, true);
            if (byname)
                lint_set_path(lint_add(r, f, ly_line(dsn), LINT_ERROR, "missing-datasource", qwhere,
                                       "datasourceUid \"%s\" is a datasource name; the uid is \"%s\"", ds,
                                       byname->uid ? byname->uid : "?"),
                              qp);
            else
                lint_set_path(lint_add(r, f, ly_line(dsn), LINT_ERROR, "missing-datasource", qwhere,
                                       "datasourceUid \"%s\" is not a provisioned datasource (known: %s): the rule "
                                       "errors on every evaluation",
                                       ds, r->known ? r->known : "none"),
                              qp);
        }
        free(qwhere);
        free(qp);
    }
    yaml_node_t *ns = ly_get(doc, rule, "notification_settings");
    if (ns) {
        char *p = xasprintf("%s.notification_settings.receiver", path);
        check_receiver(r, f, ly_get(doc, ns, "receiver"), org, where, p, "rule");
        free(p);
        check_intervals(r, f, doc, ns, org, where, path);
    }
    free(where);
}

void lint_alerting_check(struct lint_run *r, struct lint_file *f)
{
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        yaml_node_t *root = ly_root(f, k);
        size_t gi = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "groups"), git)
        {
            yaml_node_t *g = LY_ITEM(doc, git);
            const char *gname = ly_str(ly_get(doc, g, "name"));
            char gp[48];
            snprintf(gp, sizeof(gp), "groups[%zu]", gi++);
            if (!ly_str(ly_get(doc, g, "folder")))
                lint_set_path(lint_add(r, f, ly_line(g), LINT_ERROR, "group-without-folder", NULL,
                                       "group \"%s\" has no folder: Grafana refuses it", gname ? gname : "?"),
                              gp);
            size_t ri = 0;
            LY_SEQ_EACH(doc, ly_get(doc, g, "rules"), rit)
            {
                char *rp = xasprintf("%s.rules[%zu]", gp, ri++);
                check_rule(r, f, doc, LY_ITEM(doc, rit), org_of(doc, g), gname, rp);
                free(rp);
            }
        }
        size_t pi = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "policies"), pit)
        {
            yaml_node_t *p = LY_ITEM(doc, pit);
            char pp[48];
            snprintf(pp, sizeof(pp), "policies[%zu]", pi++);
            walk_route(r, f, doc, p, org_of(doc, p), pp, 0);
        }
        size_t ci = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "contactPoints"), cit)
        {
            yaml_node_t *cp = LY_ITEM(doc, cit);
            const char *name = ly_str(ly_get(doc, cp, "name"));
            char cpp[48];
            snprintf(cpp, sizeof(cpp), "contactPoints[%zu]", ci++);
            char *where = xasprintf("contact point \"%s\"", name ? name : "?");
            if (!name)
                lint_set_path(lint_add(r, f, ly_line(cp), LINT_ERROR, "contact-point-without-name", where,
                                       "no name: policies cannot route to it"),
                              cpp);
            size_t ii = 0;
            LY_SEQ_EACH(doc, ly_get(doc, cp, "receivers"), iit)
            {
                yaml_node_t *recv = LY_ITEM(doc, iit);
                if (!ly_str(ly_get(doc, recv, "type"))) {
                    char *ip = xasprintf("%s.receivers[%zu]", cpp, ii);
                    lint_set_path(lint_add(r, f, ly_line(recv), LINT_ERROR, "receiver-without-type", where,
                                           "an integration without a type (email, slack, webhook, ...)"),
                                  ip);
                    free(ip);
                }
                ii++;
            }
            free(where);
        }
        size_t mi = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "muteTimes"), mit)
        {
            yaml_node_t *m = LY_ITEM(doc, mit);
            char mp[48];
            snprintf(mp, sizeof(mp), "muteTimes[%zu]", mi++);
            if (!ly_str(ly_get(doc, m, "name")))
                lint_set_path(lint_add(r, f, ly_line(m), LINT_ERROR, "mute-timing-without-name", NULL,
                                       "a mute timing without a name: routes cannot name it"),
                              mp);
        }
        size_t ti = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "templates"), tit)
        {
            yaml_node_t *t = LY_ITEM(doc, tit);
            char tp[48];
            snprintf(tp, sizeof(tp), "templates[%zu]", ti++);
            if (!ly_str(ly_get(doc, t, "name")) || !ly_str(ly_get(doc, t, "template")))
                lint_set_path(lint_add(r, f, ly_line(t), LINT_ERROR, "template-incomplete", NULL,
                                       "a notification template needs a name and a template"),
                              tp);
        }
    }
}
