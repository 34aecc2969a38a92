/* json: JSON bodies and the Prometheus API envelope, with the messages for a body that is
 * not what the API documents. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "common.h"

/* ---- JSON ------------------------------------------------------------------------------ */

const char *probe_json_type_name(const cJSON *j)
{
    if (!j)
        return "nothing";
    if (cJSON_IsNull(j))
        return "null";
    if (cJSON_IsBool(j))
        return "a boolean";
    if (cJSON_IsNumber(j))
        return "a number";
    if (cJSON_IsString(j))
        return "a string";
    if (cJSON_IsArray(j))
        return "an array";
    if (cJSON_IsObject(j))
        return "an object";
    return "something else";
}

bool probe_json_too_deep(const char *s, size_t n)
{
    size_t depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (in_str) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > CJSON_NESTING_LIMIT)
                return true;
        } else if ((ch == ']' || ch == '}') && depth) {
            depth--;
        }
    }
    return false;
}

cJSON *probe_json(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    char path[256];
    const char *end = NULL;
    cJSON *j = NULL;
    if (r->body_len > 0)
        j = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    if (j && end) { /* cJSON stops after the first value: trailing garbage is still garbage */
        const char *stop = r->body + r->body_len;
        while (end < stop && isspace((unsigned char)*end))
            end++;
        if (end < stop) {
            cJSON_Delete(j);
            j = NULL;
        }
    }
    if (j)
        return j;
    probe_url_path(r->url, path, sizeof(path));
    if (r->body_len == 0) {
        obs_set(o, ST_FAIL, "invalid JSON from %s: empty body — is this really %s?", path, probe_product(c));
    } else if (probe_json_too_deep(r->body, r->body_len)) {
        obs_set(o, ST_FAIL, "invalid JSON from %s: nested deeper than %d levels — a broken or hostile server?", path,
                CJSON_NESTING_LIMIT);
    } else {
        char start[128];
        text_oneline(start, sizeof(start), r->body, r->body_len < 60 ? r->body_len : 60);
        obs_set(o, ST_FAIL, "invalid JSON from %s: %s%s — is this really %s?", path, start,
                r->body_len > 60 ? "..." : "", probe_product(c));
    }
    return NULL;
}

void probe_shape_error(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *what)
{
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    obs_set(o, ST_FAIL, "unexpected JSON from %s: %s — is this really %s?", path, what, probe_product(c));
}

static void shape_error_type(const struct http_response *r, const struct component_cfg *c, struct obs *o,
                             const char *expected, const cJSON *got)
{
    char what[160];
    snprintf(what, sizeof(what), "expected %s, got %s", expected, probe_json_type_name(got));
    probe_shape_error(r, c, o, what);
}

/* status:"error" of a Prometheus API envelope; true if it was one (and o is set). */
static bool prom_error(const struct http_response *r, const cJSON *root, struct obs *o)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsString(status) || strcmp(status->valuestring, "error") != 0)
        return false;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "errorType");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    obs_set(o, ST_FAIL, "error from %s (%s): %s", path,
            cJSON_IsString(type) && *type->valuestring ? type->valuestring : "no errorType",
            cJSON_IsString(err) && *err->valuestring ? err->valuestring : "no error message");
    return true;
}

cJSON *probe_prom_envelope(const struct http_response *r, const struct component_cfg *c, struct obs *o,
                           const cJSON **data)
{
    *data = NULL;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return NULL;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsObject(root)) {
        shape_error_type(r, c, o, "an object with \"status\" and \"data\"", root);
    } else if (!cJSON_IsString(status)) {
        probe_shape_error(r, c, o, "no \"status\" string in the response");
    } else if (prom_error(r, root, o)) {
        /* o is set */
    } else if (strcmp(status->valuestring, "success") != 0) {
        char what[128];
        snprintf(what, sizeof(what), "\"status\" is \"%.60s\", expected \"success\"", status->valuestring);
        probe_shape_error(r, c, o, what);
    } else if (!cJSON_HasObjectItem(root, "data")) {
        probe_shape_error(r, c, o, "no \"data\" in the response");
    } else {
        *data = cJSON_GetObjectItemCaseSensitive(root, "data");
        const cJSON *w;
        cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(root, "warnings")) if (cJSON_IsString(w))
                obs_detail_line(o, "warning: %s", w->valuestring);
        return root;
    }
    cJSON_Delete(root);
    return NULL;
}

cJSON *probe_json_list(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *key,
                       const cJSON **list)
{
    *list = NULL;
    cJSON *root = probe_json(r, c, o);
    if (!root)
        return NULL;
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!cJSON_IsObject(root) || (l && !cJSON_IsArray(l) && !cJSON_IsNull(l))) {
        char what[96];
        snprintf(what, sizeof(what), "expected {\"%s\":[...]}", key);
        probe_shape_error(r, c, o, what);
        cJSON_Delete(root);
        return NULL;
    }
    *list = cJSON_IsArray(l) ? l : NULL;
    return root;
}
