/* grafana_alerting: Grafana-managed alerting at a glance — rule groups and rules by state,
 * rules that fail or query a datasource that does not exist, firing alerts, the notification
 * policy tree and whether every receiver it routes to exists as a contact point, and the rule
 * groups the config expects. Parts Grafana refuses (403, older versions: 404) are noted and
 * skipped, never fatal. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grafana.h"

#define NAMED 5 /* names listed in the summary */
#define ROUTE_MAX_DEPTH 64

static const cJSON *jget(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = jget(o, k);
    return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring : NULL;
}

static const cJSON *jarr(const cJSON *o, const char *k)
{
    const cJSON *v = jget(o, k);
    return cJSON_IsArray(v) ? v : (const cJSON *)0;
}

static bool arr_has(const cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0) return true;
    return false;
}

static void add_distinct(cJSON *arr, const char *s)
{
    if (!arr_has(arr, s))
        cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

static bool is_expression_uid(const char *uid)
{
    return strcmp(uid, "__expr__") == 0 || strcmp(uid, "-100") == 0 || strcmp(uid, "__expr") == 0;
}

static void routes_walk(const cJSON *route, cJSON *names, int depth)
{
    const char *r = jstr(route, "receiver");
    if (r)
        add_distinct(names, r);
    if (depth >= ROUTE_MAX_DEPTH)
        return;
    const cJSON *sub;
    const cJSON *routes = jget(route, "routes");
    if (cJSON_IsArray(routes))
        cJSON_ArrayForEach(sub, routes) routes_walk(sub, names, depth + 1);
}

void gf_policy_receivers(const cJSON *route, cJSON *names) { routes_walk(route, names, 0); }

/* A rule's datasource use: {"rule","group","datasource"}. */
static void add_use(cJSON *uses, const char *rule, const char *group, const char *uid)
{
    const cJSON *u;
    cJSON_ArrayForEach(u, uses) if (strcmp(jstr(u, "rule") ? jstr(u, "rule") : "", rule) == 0 &&
                                    strcmp(jstr(u, "datasource") ? jstr(u, "datasource") : "", uid) == 0) return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rule", rule);
    cJSON_AddStringToObject(o, "group", group);
    cJSON_AddStringToObject(o, "datasource", uid);
    cJSON_AddItemToArray(uses, o);
}

/* Datasource uids of a rule's queries ([{datasourceUid, ...}]), expressions left out. */
static void query_uses(const cJSON *data, const char *rule, const char *group, cJSON *uses)
{
    const cJSON *q;
    if (!cJSON_IsArray(data))
        return;
    cJSON_ArrayForEach(q, data)
    {
        const char *uid = jstr(q, "datasourceUid");
        if (uid && !is_expression_uid(uid))
            add_use(uses, rule, group, uid);
    }
}

struct counts {
    int groups, rules, firing_rules, pending, errors, nodata, instances_firing;
};

static void scan_rules(const cJSON *rules_doc, struct counts *n, cJSON *out, cJSON *uses_from_queries,
                       struct buf *firing_names, struct buf *error_text, struct gf_table *t)
{
    const cJSON *data = jget(rules_doc, "data");
    const cJSON *groups = jget(data, "groups");
    if (!cJSON_IsArray(groups))
        groups = jget(rules_doc, "groups"); /* unwrapped */
    cJSON *garr = cJSON_AddArrayToObject(out, "groups");
    cJSON *by_state = cJSON_AddObjectToObject(out, "rules_by_state");
    cJSON *firing = cJSON_AddArrayToObject(out, "firing_alerts");
    cJSON *errs = cJSON_AddArrayToObject(out, "rule_errors");
    const cJSON *g;
    int nfiring_named = 0, nerr_named = 0;
    if (!cJSON_IsArray(groups))
        groups = (const cJSON *)0;
    cJSON_ArrayForEach(g, groups)
    {
        const char *gname = jstr(g, "name") ? jstr(g, "name") : "?";
        const char *folder = jstr(g, "file");
        int grules = 0, gfiring = 0, gerr = 0;
        const cJSON *r;
        n->groups++;
        cJSON_ArrayForEach(r, jarr(g, "rules"))
        {
            const char *name = jstr(r, "name") ? jstr(r, "name") : "?";
            const char *state = jstr(r, "state") ? jstr(r, "state") : jstr(r, "type") ? jstr(r, "type") : "unknown";
            const char *health = jstr(r, "health");
            n->rules++;
            grules++;
            cJSON *cnt = cJSON_GetObjectItemCaseSensitive(by_state, state);
            if (cnt)
                cJSON_SetNumberValue(cnt, cnt->valuedouble + 1);
            else
                cJSON_AddNumberToObject(by_state, state, 1);
            if (strcmp(state, "firing") == 0 || strcmp(state, "alerting") == 0) {
                int inst = 0;
                const cJSON *a;
                cJSON_ArrayForEach(a, jarr(r, "alerts"))
                {
                    const char *ast = jstr(a, "state") ? jstr(a, "state") : "";
                    if (strcasecmp(ast, "alerting") != 0 && strcasecmp(ast, "firing") != 0)
                        continue;
                    inst++;
                    cJSON *fo = cJSON_CreateObject();
                    cJSON_AddStringToObject(fo, "rule", name);
                    cJSON_AddStringToObject(fo, "group", gname);
                    cJSON_AddStringToObject(fo, "state", ast);
                    if (jstr(a, "activeAt"))
                        cJSON_AddStringToObject(fo, "active_at", jstr(a, "activeAt"));
                    if (cJSON_IsObject(jget(a, "labels")))
                        cJSON_AddItemToObject(fo, "labels", cJSON_Duplicate(jget(a, "labels"), 1));
                    cJSON_AddItemToArray(firing, fo);
                }
                n->instances_firing += inst ? inst : 1;
                n->firing_rules++;
                gfiring++;
                if (nfiring_named < NAMED)
                    buf_printf(firing_names, "%s%s", nfiring_named ? ", " : "", name);
                nfiring_named++;
                const char *cols[] = {"firing", name, gname, folder, "-"};
                gf_table_add(t, cols);
            } else if (strcmp(state, "pending") == 0) {
                n->pending++;
            }
            if (health && (strcmp(health, "error") == 0 || strcmp(health, "err") == 0)) {
                const char *err = jstr(r, "lastError") ? jstr(r, "lastError") : "no lastError";
                n->errors++;
                gerr++;
                cJSON *eo = cJSON_CreateObject();
                cJSON_AddStringToObject(eo, "rule", name);
                cJSON_AddStringToObject(eo, "group", gname);
                cJSON_AddStringToObject(eo, "error", err);
                cJSON_AddItemToArray(errs, eo);
                if (nerr_named < 2) /* the summary keeps the start of each error */
                    buf_printf(error_text, "%s%s: %.80s%s", nerr_named ? "; " : "", name, err,
                               strlen(err) > 80 ? "..." : "");
                nerr_named++;
                const char *cols[] = {"error", name, gname, folder, err};
                gf_table_add(t, cols);
            } else if (health && strcmp(health, "nodata") == 0) {
                n->nodata++;
            }
            /* Grafana-managed rules carry their queries as a JSON string. */
            const char *q = jstr(r, "query");
            if (q && (q[0] == '[' || q[0] == '{')) {
                cJSON *qj = cJSON_Parse(q);
                query_uses(cJSON_IsArray(qj) ? qj : jget(qj, "data"), name, gname, uses_from_queries);
                cJSON_Delete(qj);
            }
        }
        cJSON *go = cJSON_CreateObject();
        cJSON_AddStringToObject(go, "name", gname);
        if (folder)
            cJSON_AddStringToObject(go, "folder", folder);
        else
            cJSON_AddNullToObject(go, "folder");
        cJSON_AddNumberToObject(go, "rules", grules);
        cJSON_AddNumberToObject(go, "firing", gfiring);
        cJSON_AddNumberToObject(go, "errors", gerr);
        cJSON_AddItemToArray(garr, go);
    }
}

static bool group_loaded(const cJSON *groups, const char *want)
{
    const cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        const char *name = jstr(g, "name") ? jstr(g, "name") : "", *folder = jstr(g, "folder");
        size_t fl = folder ? strlen(folder) : 0;
        if (strcmp(name, want) == 0 ||
            (fl && strncmp(want, folder, fl) == 0 && want[fl] == '/' && strcmp(want + fl + 1, name) == 0))
            return true;
    }
    return false;
}

static void note(cJSON *notes, struct obs *o, const char *what, const char *text)
{
    if (!text || !*text)
        return;
    char *s = xasprintf("%s: %s", what, text);
    cJSON_AddItemToArray(notes, cJSON_CreateString(s));
    obs_detail_line(o, "note: %s", s);
    free(s);
}

void gf_alerting_report(const struct gf_alerting_in *in, const struct component_cfg *c, struct obs *o)
{
    struct counts n = {0};
    struct buf firing_names, error_text, problems;
    buf_init(&firing_names);
    buf_init(&error_text);
    buf_init(&problems);
    enum status st = ST_OK;
    cJSON *out = cJSON_CreateObject();
    cJSON *uses_q = cJSON_CreateArray(), *uses = cJSON_CreateArray();
    struct gf_table t;
    gf_table_init(&t, 5);
    const char *head[] = {"STATE", "RULE", "GROUP", "FOLDER", "PROBLEM"};
    gf_table_add(&t, head);

    if (in->rules)
        scan_rules(in->rules, &n, out, uses_q, &firing_names, &error_text, &t);
    else {
        cJSON_AddNullToObject(out, "groups");
        cJSON_AddNullToObject(out, "rules_by_state");
        cJSON_AddArrayToObject(out, "firing_alerts");
        cJSON_AddArrayToObject(out, "rule_errors");
    }
    /* Datasources of the rules' queries: the provisioning API when readable, else the rule
     * queries of the state API. */
    if (cJSON_IsArray(in->prov_rules)) {
        const cJSON *r;
        cJSON_ArrayForEach(r, in->prov_rules) query_uses(jget(r, "data"), jstr(r, "title") ? jstr(r, "title") : "?",
                                                         jstr(r, "ruleGroup") ? jstr(r, "ruleGroup") : "?", uses);
    } else {
        cJSON_Delete(uses);
        uses = uses_q;
        uses_q = NULL;
    }
    cJSON_Delete(uses_q);
    cJSON *missing_ds = cJSON_AddArrayToObject(out, "missing_datasource_rules");
    int nmissing = 0;
    if (cJSON_IsArray(in->datasources)) {
        const cJSON *u;
        cJSON_ArrayForEach(u, uses)
        {
            const char *uid = jstr(u, "datasource");
            bool found = strcmp(uid, "grafana") == 0;
            const cJSON *ds;
            cJSON_ArrayForEach(ds, in->datasources)
            {
                const char *du = jstr(ds, "uid"), *dn = jstr(ds, "name");
                found |= (du && strcmp(du, uid) == 0) || (dn && strcmp(dn, uid) == 0);
            }
            if (found)
                continue;
            if (nmissing < 2)
                buf_printf(&problems, "%s\"%s\" (%s)", nmissing ? ", " : "", jstr(u, "rule"), uid);
            nmissing++;
            cJSON_AddItemToArray(missing_ds, cJSON_Duplicate(u, 1));
            char *p = xasprintf("queries datasource %s, which does not exist", uid);
            const char *cols[] = {"missing-ds", jstr(u, "rule"), jstr(u, "group"), "-", p};
            gf_table_add(&t, cols);
            free(p);
        }
    }
    if (nmissing) {
        char *s = xasprintf("%d rule%s query missing datasources: %s%s", nmissing, nmissing == 1 ? "" : "s",
                            problems.data, nmissing > 2 ? ", ..." : "");
        buf_reset(&problems);
        buf_puts(&problems, s);
        free(s);
        st = ST_FAIL;
    } else {
        buf_reset(&problems);
    }

    /* Notification policies and contact points. */
    cJSON *pol = cJSON_AddObjectToObject(out, "policies");
    cJSON *receivers = cJSON_CreateArray();
    cJSON *missing_recv = cJSON_CreateArray();
    bool tree = cJSON_IsObject(in->policies) && jstr(in->policies, "receiver");
    if (in->policies || in->policies_missing) {
        cJSON_AddBoolToObject(pol, "present", tree);
        if (tree) {
            gf_policy_receivers(in->policies, receivers);
        } else {
            buf_printf(&problems, "%sno notification policy tree%s", problems.len ? "; " : "",
                       in->policies_missing ? " (404)" : " (no default receiver)");
            if (st < ST_WARN)
                st = ST_WARN;
        }
    } else {
        cJSON_AddNullToObject(pol, "present");
    }
    cJSON *cps = NULL;
    if (cJSON_IsArray(in->contacts)) {
        cps = cJSON_CreateArray();
        const cJSON *cp;
        cJSON_ArrayForEach(cp, in->contacts) if (jstr(cp, "name")) add_distinct(cps, jstr(cp, "name"));
        const cJSON *r;
        int nm = 0;
        struct buf names;
        buf_init(&names);
        cJSON_ArrayForEach(r, receivers)
        {
            if (arr_has(cps, r->valuestring))
                continue;
            cJSON_AddItemToArray(missing_recv, cJSON_CreateString(r->valuestring));
            buf_printf(&names, "%s%s", nm ? ", " : "", r->valuestring);
            nm++;
        }
        if (nm) {
            buf_printf(&problems, "%snotification policy routes to %d receiver%s with no contact point: %s",
                       problems.len ? "; " : "", nm, nm == 1 ? "" : "s", names.data);
            st = ST_FAIL;
        }
        buf_free(&names);
    }
    cJSON_AddItemToObject(pol, "receivers", receivers);
    cJSON_AddItemToObject(pol, "missing_receivers", missing_recv);
    if (cps)
        cJSON_AddItemToObject(out, "contact_points", cps);
    else
        cJSON_AddNullToObject(out, "contact_points");

    /* Expected rule groups. */
    cJSON *absent = cJSON_AddArrayToObject(out, "expected_groups_missing");
    if (in->rules && c) {
        struct buf names;
        buf_init(&names);
        int na = 0;
        for (size_t i = 0; i < c->nexpect_rule_groups; i++) {
            if (group_loaded(jget(out, "groups"), c->expect_rule_groups[i]))
                continue;
            cJSON_AddItemToArray(absent, cJSON_CreateString(c->expect_rule_groups[i]));
            buf_printf(&names, "%s%s", na ? ", " : "", c->expect_rule_groups[i]);
            na++;
        }
        if (na) {
            buf_printf(&problems, "%s%d expected rule group%s not loaded: %s", problems.len ? "; " : "", na,
                       na == 1 ? "" : "s", names.data);
            if (st < ST_WARN)
                st = ST_WARN;
        }
        buf_free(&names);
    }
    if (n.errors) {
        buf_printf(&problems, "%s%d rule%s failing: %s%s", problems.len ? "; " : "", n.errors, n.errors == 1 ? "" : "s",
                   error_text.data, n.errors > 2 ? "; ..." : "");
        if (st < ST_WARN)
            st = ST_WARN;
    }

    if (t.nrows > 1)
        gf_table_render(&t, o);
    gf_table_free(&t);
    cJSON *notes = cJSON_AddArrayToObject(out, "notes");
    note(notes, o, "rules", in->rules_note);
    note(notes, o, "alert rule provisioning", in->prov_note);
    note(notes, o, "notification policies", in->policies_note);
    note(notes, o, "contact points", in->contacts_note);
    note(notes, o, "datasources", in->datasources_note);
    cJSON_AddNumberToObject(out, "rule_groups", n.groups);
    cJSON_AddNumberToObject(out, "rules", n.rules);
    cJSON_AddNumberToObject(out, "firing", n.firing_rules);
    cJSON_AddNumberToObject(out, "pending", n.pending);
    cJSON_AddNumberToObject(out, "errors", n.errors);
    cJSON_Delete(uses);

    struct buf s;
    buf_init(&s);
    if (problems.len)
        buf_printf(&s, "%s; ", problems.data);
    if (in->rules) {
        buf_printf(&s, "%d rule group%s, %d rule%s", n.groups, n.groups == 1 ? "" : "s", n.rules,
                   n.rules == 1 ? "" : "s");
        if (n.firing_rules)
            buf_printf(&s, ", %d firing: %s%s", n.firing_rules, firing_names.data,
                       n.firing_rules > NAMED ? ", ..." : "");
        else
            buf_puts(&s, ", none firing");
        if (n.pending)
            buf_printf(&s, ", %d pending", n.pending);
    } else {
        buf_puts(&s, "rule state not available");
    }
    if (tree && cps)
        buf_printf(&s, "; policies route to %d receiver%s, %d contact point%s", cJSON_GetArraySize(receivers),
                   cJSON_GetArraySize(receivers) == 1 ? "" : "s", cJSON_GetArraySize(cps),
                   cJSON_GetArraySize(cps) == 1 ? "" : "s");
    obs_add_value(o, VK_RULE_GROUPS, n.groups);
    obs_add_value(o, VK_RULES, n.rules);
    obs_add_value(o, VK_RULES_FAILING, n.errors);
    obs_add_value(o, VK_ALERTS_FIRING, n.instances_firing);
    obs_add_value(o, VK_RULES_MISSING_DS, nmissing);
    obs_set(o, st, "%s", s.data);
    cJSON_Delete(o->data);
    o->data = out;
    buf_free(&s);
    buf_free(&firing_names);
    buf_free(&error_text);
    buf_free(&problems);
}

/* ---- glue ------------------------------------------------------------------------------ */

enum { PART_RULES, PART_PROV, PART_POLICIES, PART_CONTACTS, PART_DS, PART_COUNT };

static const struct {
    const char *path, *permission;
} parts[PART_COUNT] = {
        [PART_RULES] = {"/api/prometheus/grafana/api/v1/rules", "alert.rules:read (Viewer)"},
        [PART_PROV] = {"/api/v1/provisioning/alert-rules", "alert.provisioning:read (Admin, or a custom role)"},
        [PART_POLICIES] = {"/api/v1/provisioning/policies", "alert.provisioning:read (Admin, or a custom role)"},
        [PART_CONTACTS] = {"/api/v1/provisioning/contact-points", "alert.provisioning:read (Admin, or a custom role)"},
        [PART_DS] = {"/api/datasources", "datasources:read (Viewer)"},
};

struct al_run {
    bool failed;
    struct obs first;
    cJSON *doc[PART_COUNT];
    long status[PART_COUNT];
    char note[PART_COUNT][512];
};

static void on_part(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct al_run *d = run->data;
    size_t i = (size_t)(uintptr_t)arg;
    if (!r || i >= PART_COUNT)
        return;
    d->status[i] = r->err == NET_OK ? r->status : -1;
    if (i == PART_RULES && !(r->err == NET_OK && r->status == 404)) {
        /* The main part: its failure is the check's (skipped without credentials). No answer, an
         * error status or a body that is not JSON (a proxy's login page) is never "rules not
         * available" with OK. */
        if (!gf_api_response(r, run->c, &d->first, parts[i].path, parts[i].permission)) {
            d->failed = true;
            return;
        }
        if (!(d->doc[i] = probe_json(r, run->c, &d->first))) {
            d->failed = true;
            return;
        }
        return;
    }
    struct obs tmp;
    obs_init(&tmp);
    if (r->err != NET_OK) {
        probe_transport_obs(r, &tmp);
        snprintf(d->note[i], sizeof(d->note[i]), "not checked: %s", tmp.summary);
    } else if (r->status == 401 || r->status == 403) {
        snprintf(d->note[i], sizeof(d->note[i]), "skipped (%ld): the token needs %s", r->status, parts[i].permission);
    } else if (r->status == 404) {
        snprintf(d->note[i], sizeof(d->note[i]), "skipped: %s answers 404 (Grafana too old, or alerting disabled)",
                 parts[i].path);
    } else if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, run->c, &tmp);
        snprintf(d->note[i], sizeof(d->note[i]), "not checked: %s", tmp.summary);
    } else {
        cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
        if (!doc)
            snprintf(d->note[i], sizeof(d->note[i]), "not checked: invalid JSON from %s", parts[i].path);
        else
            d->doc[i] = doc;
    }
    obs_free(&tmp);
}

static void al_start(struct multi_run *run)
{
    struct al_run *d = run->data;
    obs_init(&d->first);
    for (size_t i = 0; i < PART_COUNT; i++)
        if (i == PART_DS) /* the datasources and dashboards checks fetch it too: once a sweep */
            multi_get_shared(run, parts[i].path, on_part, (void *)(uintptr_t)i);
        else
            multi_get(run, parts[i].path, on_part, (void *)(uintptr_t)i);
}

static void al_finish(struct multi_run *run, struct obs *o)
{
    struct al_run *d = run->data;
    if (d->failed) {
        gf_obs_move(o, &d->first);
        return;
    }
    bool any_prov = false;
    for (size_t i = PART_PROV; i <= PART_CONTACTS; i++)
        any_prov |= d->doc[i] != NULL;
    if (!d->doc[PART_RULES] && !any_prov && d->status[PART_RULES] == 404) {
        o->skipped = true;
        obs_set(o, ST_UNKNOWN,
                "skipped: no Grafana-managed alerting API (404) — Grafana older than 9, or "
                "unified alerting disabled");
        return;
    }
    /* A 404 on the policy tree while the rest of the provisioning API answers: no tree. */
    bool pol_missing = d->status[PART_POLICIES] == 404 && (d->doc[PART_PROV] || d->doc[PART_CONTACTS]);
    struct gf_alerting_in in = {
            .rules = d->doc[PART_RULES],
            .rules_note = d->note[PART_RULES],
            .prov_rules = d->doc[PART_PROV],
            .prov_note = d->note[PART_PROV],
            .policies = d->doc[PART_POLICIES],
            .policies_note = pol_missing ? "" : d->note[PART_POLICIES],
            .policies_missing = pol_missing,
            .contacts = d->doc[PART_CONTACTS],
            .contacts_note = d->note[PART_CONTACTS],
            .datasources = d->doc[PART_DS],
            .datasources_note = d->note[PART_DS],
    };
    if (!d->doc[PART_PROV] && d->doc[PART_RULES] && d->note[PART_PROV][0]) {
        size_t l = strlen(d->note[PART_PROV]);
        snprintf(d->note[PART_PROV] + l, sizeof(d->note[PART_PROV]) - l,
                 "; rule datasources read from the rule queries");
    }
    gf_alerting_report(&in, run->c, o);
}

static void al_free(void *data)
{
    struct al_run *d = data;
    obs_free(&d->first);
    for (size_t i = 0; i < PART_COUNT; i++)
        cJSON_Delete(d->doc[i]);
}

const struct multi_check gf_alerting_multi = {
        .data_size = sizeof(struct al_run),
        .start = al_start,
        .finish = al_finish,
        .data_free = al_free,
        .max_inflight = 5,
};
