/* obs: a check's result and the value key table (obs.h). */
#include "lgtmtop/obs.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"

const struct value_key_info value_keys[VK_COUNT] = {
        [VK_NONE] = {"", OBS_GAUGE, NULL, NULL},
        [VK_ADDRESSES] = {"addresses", OBS_GAUGE, NULL, NULL},
        [VK_ALERTS_FIRING] = {"alerts_firing", OBS_GAUGE, NULL, NULL},
        [VK_ALERTS_PENDING] = {"alerts_pending", OBS_GAUGE, NULL, NULL},
        [VK_ATTEMPTS] = {"attempts", OBS_GAUGE, NULL, NULL},
        [VK_BYTES_RECEIVED_TOTAL] = {"bytes_received_total", OBS_COUNTER, "B/s", "bytes_per_second"},
        [VK_CANARY_MS] = {"canary_ms", OBS_GAUGE, NULL, NULL},
        [VK_DASHBOARD_REFERENCES] = {"dashboard_references", OBS_GAUGE, NULL, NULL},
        [VK_DASHBOARDS] = {"dashboards", OBS_GAUGE, NULL, NULL},
        [VK_DASHBOARDS_DEPRECATED_DS] = {"dashboards_deprecated_ds", OBS_GAUGE, NULL, NULL},
        [VK_DASHBOARDS_MISSING_DS] = {"dashboards_missing_ds", OBS_GAUGE, NULL, NULL},
        [VK_DATASOURCES] = {"datasources", OBS_GAUGE, NULL, NULL},
        [VK_DATASOURCES_FAILING] = {"datasources_failing", OBS_GAUGE, NULL, NULL},
        [VK_DATASOURCES_HEALTHY] = {"datasources_healthy", OBS_GAUGE, NULL, NULL},
        [VK_GENERATOR_SPANS_TOTAL] = {"generator_spans_total", OBS_GAUGE, NULL, NULL},
        [VK_HTTP_STATUS] = {"http_status", OBS_GAUGE, NULL, NULL},
        [VK_LABELS] = {"labels", OBS_GAUGE, NULL, NULL},
        [VK_LATENCY_MS] = {"latency_ms", OBS_GAUGE, NULL, NULL},
        [VK_LINES_RECEIVED_TOTAL] = {"lines_received_total", OBS_COUNTER, "lines/s", "lines_per_second"},
        [VK_NEWEST_TRACE_AGE_S] = {"newest_trace_age_s", OBS_GAUGE, NULL, NULL},
        [VK_QUERY_SERIES] = {"query_series", OBS_GAUGE, NULL, NULL},
        [VK_REACHABLE] = {"reachable", OBS_GAUGE, NULL, NULL},
        [VK_RULE_GROUPS] = {"rule_groups", OBS_GAUGE, NULL, NULL},
        [VK_RULES] = {"rules", OBS_GAUGE, NULL, NULL},
        [VK_RULES_FAILING] = {"rules_failing", OBS_GAUGE, NULL, NULL},
        [VK_RULES_MISSING_DS] = {"rules_missing_ds", OBS_GAUGE, NULL, NULL},
        [VK_SAMPLES_RECEIVED_TOTAL] = {"samples_received_total", OBS_COUNTER, "samples/s", "samples_per_second"},
        [VK_SERIES] = {"series", OBS_GAUGE, NULL, NULL},
        [VK_SERVICES] = {"services", OBS_GAUGE, NULL, NULL},
        [VK_SPANMETRICS_SERIES] = {"spanmetrics_series", OBS_GAUGE, NULL, NULL},
        [VK_SPANS_RECEIVED_TOTAL] = {"spans_received_total", OBS_COUNTER, "spans/s", "spans_per_second"},
        [VK_TARGETS_DOWN] = {"targets_down", OBS_GAUGE, NULL, NULL},
        [VK_TARGETS_TOTAL] = {"targets_total", OBS_GAUGE, NULL, NULL},
        [VK_TARGETS_UP] = {"targets_up", OBS_GAUGE, NULL, NULL},
        [VK_TRACEQL_SERVICES] = {"traceql_services", OBS_GAUGE, NULL, NULL},
        [VK_TRACEQL_SPANS] = {"traceql_spans", OBS_GAUGE, NULL, NULL},
        [VK_TRACES_CREATED_TOTAL] = {"traces_created_total", OBS_COUNTER, "traces/s", "traces_created_per_second"},
        [VK_TRACES_FOUND] = {"traces_found", OBS_GAUGE, NULL, NULL},
        [VK_VALUE] = {"value", OBS_GAUGE, NULL, NULL},
        [VK_WRITE_MS] = {"write_ms", OBS_GAUGE, NULL, NULL},
};

enum value_key value_key_find(const char *name)
{
    for (int k = VK_NONE + 1; name && k < VK_COUNT; k++)
        if (strcmp(value_keys[k].name, name) == 0)
            return (enum value_key)k;
    return VK_NONE;
}

const char *value_key_name(enum value_key k) { return k > VK_NONE && k < VK_COUNT ? value_keys[k].name : "?"; }

void obs_init(struct obs *o)
{
    memset(o, 0, sizeof(*o));
    o->status = ST_UNKNOWN;
}

void obs_free(struct obs *o)
{
    free(o->detail);
    o->detail = NULL;
    cJSON_Delete(o->data);
    o->data = NULL;
}

void obs_set(struct obs *o, enum status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(o->summary, sizeof(o->summary), fmt, ap);
    va_end(ap);
    o->status = st;
}

void obs_add_value(struct obs *o, enum value_key k, double v)
{
    struct obs_value *slot = NULL;
    for (int i = 0; i < o->nvalues; i++)
        if (o->values[i].key == k)
            slot = &o->values[i];
    if (!slot) {
        if (o->nvalues >= OBS_MAX_VALUES || k <= VK_NONE || k >= VK_COUNT)
            return;
        slot = &o->values[o->nvalues++];
    }
    slot->key = k;
    slot->value = v;
}

bool obs_get_value(const struct obs *o, enum value_key k, double *out)
{
    for (int i = 0; i < o->nvalues; i++) {
        if (o->values[i].key == k) {
            if (out)
                *out = o->values[i].value;
            return true;
        }
    }
    return false;
}

void obs_detail_line(struct obs *o, const char *fmt, ...)
{
    struct buf raw, all;
    va_list ap;
    buf_init(&raw);
    va_start(ap, fmt);
    buf_vprintf(&raw, fmt, ap);
    va_end(ap);
    /* Cleaning never makes text longer, so len + 1 always fits. */
    char *line = xmalloc(raw.len + 1);
    text_oneline(line, raw.len + 1, raw.data ? raw.data : "", raw.len);
    buf_init(&all);
    if (o->detail) {
        buf_puts(&all, o->detail);
        buf_putc(&all, '\n');
        free(o->detail);
    }
    buf_puts(&all, line);
    o->detail = buf_steal(&all);
    free(line);
    buf_free(&raw);
}

/* s as a clean string (text_safe_copy) in cJSON's allocator, or NULL when it is clean already. */
static char *json_clean_string(const char *s, bool keep_newlines)
{
    size_t n = strlen(s);
    char *c = text_safe_copy(s, n, keep_newlines);
    if (strcmp(c, s) == 0) {
        free(c);
        return NULL;
    }
    size_t cl = strlen(c) + 1;
    char *out = cJSON_malloc(cl);
    if (!out)
        fatal("out of memory (JSON strings)");
    memcpy(out, c, cl);
    free(c);
    return out;
}

void obs_json_clean(struct cJSON *item)
{
    for (; item; item = item->next) {
        if (item->string) {
            char *k = json_clean_string(item->string, false);
            if (k) {
                if (!(item->type & cJSON_StringIsConst))
                    cJSON_free(item->string);
                item->string = k;
                item->type &= ~cJSON_StringIsConst;
            }
        }
        if (cJSON_IsString(item) && item->valuestring && !(item->type & cJSON_IsReference)) {
            char *v = json_clean_string(item->valuestring, item->string && strcmp(item->string, "detail") == 0);
            if (v) {
                cJSON_free(item->valuestring);
                item->valuestring = v;
            }
        }
        if (item->child)
            obs_json_clean(item->child);
    }
}
