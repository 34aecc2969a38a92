/* The Grafana multi-request checks' pure parsers, fed as their step callbacks feed them: the
 * input is up to ten parts separated by NUL bytes — the datasource list, a health, a proxy and
 * a direct answer for each datasource, a search page, a dashboard, and the four alerting
 * documents. The first byte of each answer part picks its HTTP status. What reaches the user
 * (summaries, detail) is clean. */
#include <cjson/cJSON.h>
#include <string.h>

#include "../../src/checks/grafana.h"
#include "fuzz.h"
#include "lgtmtop/dashboards.h"
#include "lgtmtop/util.h"

#define PARTS 10

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void response(struct http_response *r, const char *p, size_t n)
{
    static const long statuses[] = {200, 200, 400, 401, 403, 404, 500, 502, 503, 504, 200, 0};
    memset(r, 0, sizeof(*r));
    r->status = n ? statuses[(unsigned char)p[0] % 12] : 200;
    r->err = r->status ? NET_OK : NET_TIMEOUT;
    r->err_text = r->status ? "" : "Operation timed out";
    r->body = n ? p + 1 : "";
    r->body_len = n ? n - 1 : 0;
    r->content_type = "application/json";
    r->url = "http://grafana:3000/api/x";
    r->timeout_ms = 5000;
    r->max_body = 8u << 20;
    r->primary_ip = "";
    r->addresses = "";
}

static void check_obs(struct obs *o)
{
    fuzz_assert_clean("summary", o->summary, false);
    fuzz_assert_clean("detail", o->detail, true);
    obs_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parts, each NUL-terminated in a copy of its own (the engine's guarantee) */
    char *part[PARTS];
    size_t len[PARTS];
    size_t start = 0, np = 0;
    for (size_t i = 0; i <= size && np < PARTS; i++) {
        if (i == size || data[i] == 0) {
            len[np] = i - start;
            part[np] = malloc(len[np] + 1);
            memcpy(part[np], data + start, len[np]);
            part[np][len[np]] = '\0';
            np++;
            start = i + 1;
        }
    }
    for (; np < PARTS; np++) {
        part[np] = calloc(1, 1);
        len[np] = 0;
    }
    cJSON *j[PARTS];
    for (size_t i = 0; i < PARTS; i++)
        j[i] = cJSON_ParseWithLength(part[i] + (i >= 1 && i <= 3 && len[i]), len[i] - (i >= 1 && i <= 3 && len[i]));

    /* datasources: one row per listed datasource, every side classified from parts 1-3 */
    struct http_response health, proxy, direct;
    response(&health, part[1], len[1]);
    response(&proxy, part[2], len[2]);
    response(&direct, part[3], len[3]);
    size_t nrows = cJSON_IsArray(j[0]) ? (size_t)cJSON_GetArraySize(j[0]) : 0;
    if (nrows > 64)
        nrows = 64;
    struct gf_dsrow *rows = nrows ? calloc(nrows, sizeof(*rows)) : NULL;
    for (size_t i = 0; i < nrows; i++) {
        const cJSON *ds = cJSON_GetArrayItem(j[0], (int)i);
        const cJSON *jd = cJSON_IsObject(ds) ? cJSON_GetObjectItemCaseSensitive(ds, "jsonData") : NULL;
        struct gf_dsrow *row = &rows[i];
        row->name = xstrdup(jstr(ds, "name"));
        row->type = xstrdup(jstr(ds, "type"));
        row->uid = xstrdup(jstr(ds, "uid"));
        row->url = jstr(ds, "url") ? url_redact(jstr(ds, "url")) : NULL;
        row->tenant_header = gf_declares_tenant(jd);
        const char *fb = gf_health_fallback(row->type, jd);
        row->fallback = fb ? xstrdup(fb) : NULL;
        (void)gf_direct_path(row->type);
        gf_health_classify(&health, &row->grafana);
        row->health_done = true;
        if (row->fallback && (i & 1)) {
            gf_proxy_classify(&proxy, &row->proxy);
            row->proxy_done = true;
        }
        if (i % 3 != 2) {
            row->probe_url = xstrdup("http://x/");
            gf_direct_classify(&direct, row->type, &row->direct);
        }
        (void)gf_is_network_error(row->grafana.message);
        gf_dsrow_judge(row);
    }
    struct obs o;
    obs_init(&o);
    gf_datasources_report(rows, nrows, &o);
    check_obs(&o);
    for (size_t i = 0; i < nrows; i++)
        gf_dsrow_free(&rows[i]);
    free(rows);

    /* dashboards: a search page, then one dashboard analysed against the datasource list */
    cJSON *items = NULL;
    (void)gf_search_page(j[4], &items);
    struct dash_ds *ds = NULL;
    size_t nds = dash_ds_from_json(j[0], &ds);
    struct dash_ctx ctx = {.ds = ds, .nds = nds, .ds_known = true, .types_known = true};
    struct gf_dashrow drows[2];
    memset(drows, 0, sizeof(drows));
    if (j[5]) {
        struct dash_report rep;
        dash_analyze(j[5], &ctx, &rep);
        const cJSON *first = cJSON_GetArrayItem(items, 0);
        gf_dashrow_fill(&drows[0], &rep, jstr(first, "folder"), jstr(first, "url"));
        dash_report_free(&rep);
    } else {
        gf_dashrow_fill(&drows[0], &(struct dash_report){.uid = "", .title = ""}, NULL, NULL);
    }
    const cJSON *second = cJSON_GetArrayItem(items, 1);
    gf_dashrow_failed(&drows[1], jstr(second, "uid"), jstr(second, "title"), jstr(second, "folder"), part[5]);
    obs_init(&o);
    gf_dashboards_report(drows, 2, &o);
    check_obs(&o);
    gf_dashrow_free(&drows[0]);
    gf_dashrow_free(&drows[1]);
    free(ds);
    cJSON_Delete(items);

    /* alerting: rule state, provisioned rules, the policy tree, contact points */
    struct gf_alerting_in in = {
            .rules = j[6],
            .rules_note = j[6] ? NULL : "not JSON",
            .prov_rules = j[7],
            .prov_note = j[7] ? NULL : "not JSON",
            .policies = j[8],
            .policies_note = j[8] ? NULL : "not JSON",
            .policies_missing = len[8] == 0,
            .contacts = j[9],
            .contacts_note = j[9] ? NULL : "not JSON",
            .datasources = j[0],
            .datasources_note = j[0] ? NULL : "not JSON",
    };
    struct component_cfg c;
    memset(&c, 0, sizeof(c));
    c.kind = COMP_GRAFANA;
    c.url = (char *)"http://grafana:3000";
    obs_init(&o);
    gf_alerting_report(&in, &c, &o);
    check_obs(&o);
    cJSON *names = cJSON_CreateArray();
    gf_policy_receivers(j[8], names);
    cJSON_Delete(names);

    for (size_t i = 0; i < PARTS; i++) {
        cJSON_Delete(j[i]);
        free(part[i]);
    }
    return 0;
}
