/* prometheus: Prometheus checks, and the Prometheus-API parsers (query, rules, alerts)
 * that Mimir shares through its /prometheus prefix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define PROM_LIST_MAX 8 /* names listed in a summary before "..." */

static const char *jstr(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *jstr_or(const cJSON *obj, const char *key, const char *dflt)
{
    const char *s = jstr(obj, key);
    return s && *s ? s : dflt;
}

/* A JSON list that may be null (Go marshals a nil slice as null): *n = size, false if the
 * value is neither an array nor null. */
static bool list_len(const cJSON *v, int *n)
{
    *n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
    return cJSON_IsArray(v) || cJSON_IsNull(v);
}

/* ---- paths ----------------------------------------------------------------------------- */

static void prom_api_path(const struct component_cfg *c, struct buf *out, const char *rest)
{
    char prefix[128];
    probe_api_prefix(c, prefix, sizeof(prefix));
    buf_puts(out, prefix);
    buf_puts(out, rest);
}

void probe_path_query(const struct component_cfg *c, struct buf *out)
{
    prom_api_path(c, out, "/api/v1/query?query=");
    probe_url_encode(out, c && c->query && *c->query ? c->query : "up");
}

void probe_path_rules(const struct component_cfg *c, struct buf *out) { prom_api_path(c, out, "/api/v1/rules"); }

void probe_path_alerts(const struct component_cfg *c, struct buf *out) { prom_api_path(c, out, "/api/v1/alerts"); }

/* ---- instant query --------------------------------------------------------------------- */

/* [<time>, "<value>"] -> the value string, or NULL if the pair is malformed. */
static const char *sample_value(const cJSON *pair)
{
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsNumber(cJSON_GetArrayItem(pair, 0)))
        return NULL;
    const cJSON *v = cJSON_GetArrayItem(pair, 1);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void series_labels(const cJSON *metric, struct buf *out)
{
    const cJSON *l;
    buf_putc(out, '{');
    cJSON_ArrayForEach(l, metric)
    {
        if (!cJSON_IsString(l))
            continue;
        if (out->len > 1)
            buf_putc(out, ',');
        buf_printf(out, "%s=\"%s\"", l->string, l->valuestring);
    }
    buf_putc(out, '}');
}

void probe_parse_query(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    char q[64];
    const char *query = c && c->query && *c->query ? c->query : "up";
    text_oneline(q, sizeof(q), query, strlen(query));
    const char *type = jstr(data, "resultType");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsObject(data) || !type || !result) {
        probe_shape_error(r, c, o, "no data.resultType / data.result");
        goto out;
    }
    if (strcmp(type, "scalar") == 0 || strcmp(type, "string") == 0) {
        const char *v = sample_value(result);
        if (!v)
            probe_shape_error(r, c, o, "data.result is not [time, \"value\"]");
        else
            obs_set(o, ST_OK, "query \"%s\": %s %s", q, type, v);
        goto out;
    }
    bool vector = strcmp(type, "vector") == 0;
    if (!vector && strcmp(type, "matrix") != 0) {
        char what[96];
        snprintf(what, sizeof(what), "unknown resultType \"%.40s\"", type);
        probe_shape_error(r, c, o, what);
        goto out;
    }
    if (!cJSON_IsArray(result)) {
        probe_shape_error(r, c, o, "data.result is not an array");
        goto out;
    }
    int n = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, result)
    {
        const cJSON *metric = cJSON_GetObjectItemCaseSensitive(s, "metric");
        const cJSON *values = cJSON_GetObjectItemCaseSensitive(s, vector ? "value" : "values");
        const char *v = vector ? sample_value(values)
                               : sample_value(cJSON_GetArrayItem(values, cJSON_GetArraySize(values) - 1));
        if (!cJSON_IsObject(metric) || !v) {
            char what[96];
            snprintf(what, sizeof(what), "data.result[%d] has no metric/%s pair", n, vector ? "value" : "values");
            probe_shape_error(r, c, o, what);
            goto out;
        }
        if (n < 20) {
            struct buf b;
            buf_init(&b);
            series_labels(metric, &b);
            obs_detail_line(o, "%s %s", b.data, v);
            buf_free(&b);
        }
        n++;
    }
    obs_add_value(o, VK_QUERY_SERIES, n);
    if (n > 0)
        obs_set(o, ST_OK, "query \"%s\": %d series", q, n);
    else if (c && c->kind == COMP_MIMIR)
        obs_set(o, ST_WARN,
                "query \"%s\" returned no series: nothing written recently, or the tenant "
                "(X-Scope-OrgID) is wrong",
                q);
    else
        obs_set(o, ST_WARN, "query \"%s\" returned no series: nothing scraped or written recently", q);
out:
    cJSON_Delete(root);
}

/* ---- rules ----------------------------------------------------------------------------- */

/* The ruler's endpoints (rules, alerts; registered with CHECK_RAW): true on 2xx. A 404 means no
 * ruler here (Mimir/Cortex with the ruler disabled): skipped, not failed — a wrong URL or
 * prefix shows in the query check. Other statuses get the common message. */
static bool ruler_status(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299)
        return true;
    if (r->status == 404) {
        char path[256];
        probe_url_path(r->url, path, sizeof(path));
        o->skipped = true;
        obs_set(o, ST_UNKNOWN, "ruler not enabled (404 on %s)", path);
        return false;
    }
    probe_http_error_obs(r, c, o);
    return false;
}

void probe_parse_rules(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!ruler_status(r, c, o))
        return;
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
    int ngroups, nrules = 0, nfailing = 0;
    if (!cJSON_IsObject(data) || !groups || !list_len(groups, &ngroups)) {
        probe_shape_error(r, c, o, "no data.groups array");
        goto out;
    }
    struct buf failing;
    buf_init(&failing);
    const cJSON *g, *rule;
    cJSON_ArrayForEach(g, groups)
    {
        const char *gname = jstr_or(g, "name", "?");
        cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(g, "rules"))
        {
            nrules++;
            const char *health = jstr(rule, "health");
            /* Prometheus says "err"; Grafana-flavoured rulers say "error". */
            if (!health || (strcmp(health, "err") != 0 && strcmp(health, "error") != 0))
                continue;
            const char *name = jstr_or(rule, "name", "?");
            const char *err = jstr_or(rule, "lastError", "no lastError");
            if (nfailing < PROM_LIST_MAX)
                buf_printf(&failing, "%s%s: %s", nfailing ? "; " : "", name, err);
            obs_detail_line(o, "failing rule %s/%s: %s", gname, name, err);
            nfailing++;
        }
    }
    obs_add_value(o, VK_RULE_GROUPS, ngroups);
    obs_add_value(o, VK_RULES, nrules);
    obs_add_value(o, VK_RULES_FAILING, nfailing);
    /* expect_rule_groups: groups that must be loaded (by name, or "file/name") */
    struct buf absent;
    buf_init(&absent);
    int nabsent = 0;
    for (size_t i = 0; c && i < c->nexpect_rule_groups; i++) {
        const char *want = c->expect_rule_groups[i];
        bool found = false;
        cJSON_ArrayForEach(g, groups)
        {
            const char *gname = jstr_or(g, "name", ""), *file = jstr_or(g, "file", "");
            size_t fl = strlen(file);
            found |= strcmp(gname, want) == 0 ||
                     (fl && strncmp(want, file, fl) == 0 && want[fl] == '/' && strcmp(want + fl + 1, gname) == 0);
        }
        if (!found) {
            buf_printf(&absent, "%s%s", nabsent ? ", " : "", want);
            obs_detail_line(o, "expected rule group not loaded: %s", want);
            nabsent++;
        }
    }
    if (nabsent)
        obs_set(o, ST_WARN, "%d expected rule group%s not loaded: %s%s%s", nabsent, nabsent == 1 ? "" : "s",
                absent.data, nfailing ? "; rules failing: " : "", nfailing ? failing.data : "");
    else if (nfailing)
        obs_set(o, ST_WARN, "%d/%d rules failing: %s", nfailing, nrules, failing.data);
    else if (ngroups == 0)
        obs_set(o, ST_OK, "no rule groups loaded");
    else
        obs_set(o, ST_OK, "%d rule group%s, %d rule%s", ngroups, ngroups == 1 ? "" : "s", nrules,
                nrules == 1 ? "" : "s");
    buf_free(&absent);
    buf_free(&failing);
out:
    cJSON_Delete(root);
}

/* ---- alerts ---------------------------------------------------------------------------- */

/* Firing alerts are about the systems being monitored, not the stack itself: they are
 * counted and named, but the check stays OK (a post-deploy check of the stack must not fail
 * because some application alert fires). Always-firing heartbeat alerts (kube-prometheus,
 * Cortex mixins) prove the pipeline works and are not named. */
static bool alert_is_heartbeat(const char *name)
{
    return strcmp(name, "Watchdog") == 0 || strcmp(name, "DeadMansSwitch") == 0;
}

void probe_parse_alerts(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (!ruler_status(r, c, o))
        return;
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    const cJSON *alerts = cJSON_GetObjectItemCaseSensitive(data, "alerts");
    int n, firing = 0, pending = 0, loud = 0;
    if (!cJSON_IsObject(data) || !alerts || !list_len(alerts, &n)) {
        probe_shape_error(r, c, o, "no data.alerts array");
        goto out;
    }
    struct buf names;
    buf_init(&names);
    const cJSON *a;
    cJSON_ArrayForEach(a, alerts)
    {
        const char *state = jstr_or(a, "state", "?");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(a, "labels");
        const char *name = jstr_or(labels, "alertname", "?");
        if (strcmp(state, "firing") == 0) {
            firing++;
            if (!alert_is_heartbeat(name)) {
                if (loud < PROM_LIST_MAX)
                    buf_printf(&names, "%s%s", loud ? ", " : "", name);
                loud++;
            }
        } else if (strcmp(state, "pending") == 0) {
            pending++;
        }
        const char *cols[] = {state, name, jstr_or(labels, "severity", "-"), jstr_or(a, "activeAt", "-")};
        probe_detail_cols(o, cols, ARRAY_LEN(cols));
    }
    obs_add_value(o, VK_ALERTS_FIRING, firing);
    obs_add_value(o, VK_ALERTS_PENDING, pending);
    if (loud)
        obs_set(o, ST_OK, "%d alert%s firing: %s%s", firing, firing == 1 ? "" : "s", names.data,
                loud > PROM_LIST_MAX ? ", ..." : "");
    else if (firing)
        obs_set(o, ST_OK, "%d alert%s firing (heartbeat only)", firing, firing == 1 ? "" : "s");
    else if (pending)
        obs_set(o, ST_OK, "no alerts firing, %d pending", pending);
    else
        obs_set(o, ST_OK, "no alerts firing");
    buf_free(&names);
out:
    cJSON_Delete(root);
}

/* ---- Prometheus-only checks ------------------------------------------------------------ */

static void prom_parse_ready(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299) {
        static const char agent[] = "Prometheus Agent";
        bool is_agent = r->body_len >= sizeof(agent) - 1 && memcmp(r->body, agent, sizeof(agent) - 1) == 0;
        obs_set(o, ST_OK, is_agent ? "ready (agent mode)" : "ready");
    } else if (r->status == 503) {
        /* Prometheus says only "Service Unavailable": WAL replay on start, or shutting down. */
        char reason[128];
        text_oneline(reason, sizeof(reason), r->body, r->body_len);
        obs_set(o, ST_FAIL, "not ready (503): %s (TSDB starting or stopping)",
                reason[0] ? reason : "Service Unavailable");
    } else {
        probe_http_error_obs(r, c, o);
    }
}

static void prom_parse_targets(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, c, o, &data);
    if (!root)
        return;
    const cJSON *active = cJSON_GetObjectItemCaseSensitive(data, "activeTargets");
    int total, up = 0, down = 0;
    if (!cJSON_IsObject(data) || !active || !list_len(active, &total)) {
        probe_shape_error(r, c, o, "no data.activeTargets array");
        goto out;
    }
    struct buf list;
    buf_init(&list);
    const cJSON *t;
    cJSON_ArrayForEach(t, active)
    {
        const char *health = jstr_or(t, "health", "unknown");
        if (strcmp(health, "up") == 0) {
            up++;
            continue;
        }
        if (strcmp(health, "down") != 0)
            continue; /* "unknown": not scraped yet */
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(t, "labels");
        const char *job = jstr_or(labels, "job", jstr_or(t, "scrapePool", "?"));
        const char *inst = jstr_or(labels, "instance", "?");
        const char *err = jstr_or(t, "lastError", "no error reported");
        if (down < PROM_LIST_MAX)
            buf_printf(&list, "%s%s (%s): %s", down ? "; " : "", job, inst, err);
        const char *cols[] = {"down", job, inst, jstr_or(t, "scrapeUrl", "-"), err};
        probe_detail_cols(o, cols, ARRAY_LEN(cols));
        down++;
    }
    obs_add_value(o, VK_TARGETS_UP, up);
    obs_add_value(o, VK_TARGETS_DOWN, down);
    obs_add_value(o, VK_TARGETS_TOTAL, total);
    if (total == 0)
        obs_set(o, ST_WARN, "no active targets: nothing is scraped — check scrape_configs");
    else if (down)
        obs_set(o, ST_WARN, "%d/%d targets down: %s", down, total, list.data);
    else if (up < total)
        obs_set(o, ST_OK, "%d/%d targets up, %d not scraped yet", up, total, total - up);
    else
        obs_set(o, ST_OK, "%d/%d targets up", up, total);
    buf_free(&list);
out:
    cJSON_Delete(root);
}

static const struct check_def prometheus_checks[] = {
        {.id = CID_READY, .name = "ready", .path = "/-/ready", .flags = CHECK_RAW, .parse = prom_parse_ready},
        /* no build info before 2.14 and on some Prometheus-compatible servers: skipped, not failed */
        {.id = CID_BUILDINFO,
         .name = "buildinfo",
         .path = "/api/v1/status/buildinfo",
         .flags = CHECK_RAW,
         .parse = probe_parse_buildinfo},
        {.id = CID_TARGETS, .name = "targets", .path = "/api/v1/targets?state=active", .parse = prom_parse_targets},
        {.id = CID_QUERY, .name = "query", .path_fn = probe_path_query, .parse = probe_parse_query},
        {.id = CID_RULES, .name = "rules", .path_fn = probe_path_rules, .flags = CHECK_RAW, .parse = probe_parse_rules},
        {.id = CID_ALERTS,
         .name = "alerts",
         .path_fn = probe_path_alerts,
         .flags = CHECK_RAW,
         .parse = probe_parse_alerts},
};

const struct probe_kind probe_prometheus = {
        COMP_PROMETHEUS,
        prometheus_checks,
        ARRAY_LEN(prometheus_checks),
};
