/* lint_alertmanager: a Prometheus Alertmanager configuration (route + receivers, also Mimir's
 * per-tenant alertmanager_config). Every receiver a route names (root and nested) is defined once,
 * every mute/active time interval a route names is defined (mute_time_intervals or
 * time_intervals), the root route has a receiver; then `amtool check-config FILE` when amtool
 * is on the PATH, its verdict folded in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

#define AM_ROUTE_MAX_DEPTH 32

static bool defined(yaml_document_t *doc, yaml_node_t *list, const char *name)
{
    LY_SEQ_EACH(doc, list, it)
    {
        const char *n = ly_str(ly_get(doc, LY_ITEM(doc, it), "name"));
        if (n && strcmp(n, name) == 0)
            return true;
    }
    return false;
}

struct am {
    struct lint_run *r;
    struct lint_file *f;
    yaml_document_t *doc;
    yaml_node_t *receivers, *mute, *times;
    size_t visits;
};

static void am_route(struct am *a, yaml_node_t *route, const char *path, int depth)
{
    if (!route || route->type != YAML_MAPPING_NODE || depth > AM_ROUTE_MAX_DEPTH || ++a->visits > LINT_NODE_BUDGET / 64)
        return;
    const char *where = depth ? "route" : "root route";
    yaml_node_t *rn = ly_get(a->doc, route, "receiver");
    const char *recv = ly_str(rn);
    if (!depth && !recv)
        lint_set_path(lint_add(a->r, a->f, ly_line(route), LINT_ERROR, "route-without-receiver", where,
                               "the root route has no receiver: Alertmanager refuses the config"),
                      path);
    if (recv && !defined(a->doc, a->receivers, recv)) {
        char *p = xasprintf("%s.receiver", path);
        lint_set_path(lint_add(a->r, a->f, ly_line(rn), LINT_ERROR, "undefined-receiver", where,
                               "receiver \"%s\" is not defined under receivers: Alertmanager refuses the config", recv),
                      p);
        free(p);
    }
    static const char *const keys[] = {"mute_time_intervals", "active_time_intervals"};
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        size_t i = 0;
        LY_SEQ_EACH(a->doc, ly_get(a->doc, route, keys[k]), it)
        {
            yaml_node_t *n = LY_ITEM(a->doc, it);
            const char *name = ly_str(n);
            char *p = xasprintf("%s.%s[%zu]", path, keys[k], i++);
            if (name && !defined(a->doc, a->mute, name) && !defined(a->doc, a->times, name))
                lint_set_path(lint_add(a->r, a->f, ly_line(n), LINT_ERROR, "undefined-time-interval", where,
                                       "%s names \"%s\", which is not defined under time_intervals or "
                                       "mute_time_intervals: Alertmanager refuses the config",
                                       keys[k], name),
                              p);
            free(p);
        }
    }
    size_t i = 0;
    LY_SEQ_EACH(a->doc, ly_get(a->doc, route, "routes"), it)
    {
        char *p = xasprintf("%s.routes[%zu]", path, i++);
        am_route(a, LY_ITEM(a->doc, it), p, depth + 1);
        free(p);
    }
}

static void amtool_fold(struct lint_run *r, struct lint_file *f, bool own_errors)
{
    char *out = NULL;
    const char *const argv[] = {"amtool", "check-config", f->path, NULL};
    int rc = lint_tool_run(argv, &out);
    if (rc != 0 && rc != 127 && rc > 0 && !own_errors) {
        /* "Checking 'FILE'  FAILED: why" */
        const char *why = out ? strstr(out, "FAILED: ") : NULL;
        char msg[512];
        text_oneline(msg, sizeof(msg), why ? why + strlen("FAILED: ") : "failed", why ? strcspn(why + 8, "\n") : 6);
        lint_add(r, f, 0, LINT_ERROR, "amtool", NULL, "amtool check-config: %s", msg);
    }
    free(out);
}

void lint_alertmanager_check(struct lint_run *r, struct lint_file *f)
{
    size_t before = r->nf;
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        yaml_node_t *root = ly_root(f, k);
        const char *prefix = "";
        if (ly_get(doc, root, "alertmanager_config")) { /* Mimir: the config is a string */
            lint_add(r, f, 0, LINT_NOTE, "alertmanager-config", NULL,
                     "a Mimir alertmanager_config (a string): its routes are not checked");
            continue;
        }
        struct am a = {.r = r,
                       .f = f,
                       .doc = doc,
                       .receivers = ly_get(doc, root, "receivers"),
                       .mute = ly_get(doc, root, "mute_time_intervals"),
                       .times = ly_get(doc, root, "time_intervals")};
        size_t i = 0;
        LY_SEQ_EACH(doc, a.receivers, it)
        {
            yaml_node_t *rn = LY_ITEM(doc, it);
            const char *name = ly_str(ly_get(doc, rn, "name"));
            char p[48];
            snprintf(p, sizeof(p), "receivers[%zu]", i);
            for (yaml_node_item_t *e = a.receivers->data.sequence.items.start; name && e < it; e++) {
                const char *other = ly_str(ly_get(doc, LY_ITEM(doc, e), "name"));
                if (other && strcmp(other, name) == 0) {
                    lint_set_path(lint_add(r, f, ly_line(rn), LINT_ERROR, "duplicate-receiver", NULL,
                                           "receiver \"%s\" is defined twice (first at line %d): Alertmanager "
                                           "refuses the config",
                                           name, lint_line(f, ly_line(LY_ITEM(doc, e)))),
                                  p);
                    break;
                }
            }
            i++;
        }
        char rp[16];
        snprintf(rp, sizeof(rp), "%sroute", prefix);
        am_route(&a, ly_get(doc, root, "route"), rp, 0);
    }
    bool own_errors = false;
    for (size_t i = before; i < r->nf; i++)
        own_errors = own_errors || r->f[i].sev == LINT_ERROR;
    if (!r->o->no_promtool && !f->embed_key && lint_tool_found("amtool"))
        amtool_fold(r, f, own_errors);
}
