/* probe_grafana: Grafana checks. /api/health needs no credentials; /api/datasources needs a
 * service account token (Viewer is enough) or basic auth. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes.h"

#define GRAFANA_DS_LISTED 6

static const char *gf_str(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && *v->valuestring ? v->valuestring : dflt;
}

static void grafana_parse_health(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    /* 503 carries the same JSON when the database check fails; anything else (or a 503 from a
     * proxy, which is not JSON) gets the common message. */
    cJSON *root = NULL;
    if (r->status == 503) {
        root = cJSON_ParseWithLength(r->body, r->body_len);
        if (!cJSON_IsObject(root) || !cJSON_HasObjectItem(root, "database")) {
            cJSON_Delete(root);
            probe_http_error_obs(r, c, o);
            return;
        }
    } else if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, c, o);
        return;
    } else if (!(root = probe_json(r, c, o))) {
        return;
    }
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(root, "database");
    const char *version = gf_str(root, "version", NULL);
    if (!cJSON_IsObject(root) || !cJSON_IsString(db)) {
        probe_shape_error(r, c, o, "no \"database\" string in /api/health");
        goto out;
    }
    if (version)
        text_oneline(o->version, sizeof(o->version), version, strlen(version));
    if (strcmp(db->valuestring, "ok") == 0 && r->status != 503) {
        if (o->version[0])
            obs_set(o, ST_OK, "Grafana %s, database ok", o->version);
        else /* [auth.anonymous] hide_version = true */
            obs_set(o, ST_OK, "database ok (version hidden)");
    } else if (strcmp(db->valuestring, "failing") == 0) {
        obs_set(o, ST_FAIL, "Grafana database: failing (SELECT 1 fails) — check Grafana's database and its logs");
    } else {
        obs_set(o, ST_FAIL, "Grafana database: %s (HTTP %ld)", db->valuestring, r->status);
    }
out:
    cJSON_Delete(root);
}

static bool grafana_has_credentials(const struct component_cfg *c)
{
    return c && ((c->token && *c->token) || (c->basic_user && *c->basic_user));
}

static void grafana_parse_datasources(const struct http_response *r, const struct component_cfg *c,
                                      struct obs *o)
{
    if (r->status == 401 || r->status == 403) {
        if (!grafana_has_credentials(c)) {
            /* Not a fault of Grafana: the check cannot run without a credential. */
            o->skipped = true;
            obs_set(o, ST_UNKNOWN, "skipped: Grafana wants credentials for /api/datasources; set GRAFANA_TOKEN "
                    "(service account token) or grafana.token");
        } else if (r->status == 401) {
            if (c->token && *c->token)
                obs_set(o, ST_FAIL, "Grafana rejected the token (401): check GRAFANA_TOKEN / grafana.token_file");
            else
                obs_set(o, ST_FAIL, "Grafana rejected basic auth for user \"%s\" (401): check grafana.basic_auth",
                        c->basic_user);
        } else {
            obs_set(o, ST_FAIL, "token lacks permission (403): the service account needs the Viewer role "
                    "(datasources:read)");
        }
        return;
    }
    if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, c, o);
        return;
    }
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return;
    if (!cJSON_IsArray(root)) {
        probe_shape_error(r, c, o, "expected an array of datasources");
        goto out;
    }
    int n = cJSON_GetArraySize(root), i = 0;
    struct buf list;
    buf_init(&list);
    const cJSON *ds;
    cJSON_ArrayForEach(ds, root) {
        const char *name = gf_str(ds, "name", "?");
        const char *type = gf_str(ds, "type", "?");
        char *url = url_redact(gf_str(ds, "url", "-"));
        if (i < GRAFANA_DS_LISTED)
            buf_printf(&list, "%s%s (%s)", i ? ", " : "", name, type);
        const char *cols[] = {name, type, gf_str(ds, "uid", "-"), url};
        probe_detail_cols(o, cols, ARRAY_LEN(cols));
        free(url);
        i++;
    }
    obs_add_value(o, "datasources", n, OBS_GAUGE);
    if (n == 0)
        obs_set(o, ST_WARN, "no datasources in Grafana (for this token's organisation)");
    else
        obs_set(o, ST_OK, "%d datasource%s: %s%s", n, n == 1 ? "" : "s", list.data,
                n > GRAFANA_DS_LISTED ? ", ..." : "");
    buf_free(&list);
out:
    cJSON_Delete(root);
}

static const struct check_def grafana_checks[] = {
    {.name = "health", .path = "/api/health", .flags = CHECK_RAW, .parse = grafana_parse_health},
    {.name = "datasources", .path = "/api/datasources", .flags = CHECK_RAW, .parse = grafana_parse_datasources},
};

const struct probe_kind probe_grafana = {
    COMP_GRAFANA, grafana_checks, ARRAY_LEN(grafana_checks), "grafana", "Grafana",
};
