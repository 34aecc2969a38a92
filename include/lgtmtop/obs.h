/* obs: the result of one check (status, one-line summary, detail, values, structured data),
 * and the table of value keys that cross modules (checks write them, the state turns counters
 * into rates, the faces print them): a renamed key fails to compile. */
#ifndef LGTMTOP_OBS_H
#define LGTMTOP_OBS_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/status.h"

#define OBS_MAX_VALUES 12
#define OBS_SUMMARY_LEN 256

enum obs_value_kind { OBS_GAUGE = 0, OBS_COUNTER };

/* Every value a check may report. Their names, kinds and rate units: value_keys[]. */
enum value_key {
    VK_NONE = 0,
    VK_ADDRESSES,
    VK_ALERTS_FIRING,
    VK_ALERTS_PENDING,
    VK_ATTEMPTS,
    VK_BYTES_RECEIVED_TOTAL,
    VK_CANARY_MS,
    VK_DASHBOARD_REFERENCES,
    VK_DASHBOARDS,
    VK_DASHBOARDS_DEPRECATED_DS,
    VK_DASHBOARDS_MISSING_DS,
    VK_DATASOURCES,
    VK_DATASOURCES_FAILING,
    VK_DATASOURCES_HEALTHY,
    VK_GENERATOR_SPANS_TOTAL,
    VK_HTTP_STATUS,
    VK_LABELS,
    VK_LATENCY_MS,
    VK_LINES_RECEIVED_TOTAL,
    VK_NEWEST_TRACE_AGE_S,
    VK_QUERY_SERIES,
    VK_REACHABLE,
    VK_RULE_GROUPS,
    VK_RULES,
    VK_RULES_FAILING,
    VK_RULES_MISSING_DS,
    VK_SAMPLES_RECEIVED_TOTAL,
    VK_SERIES,
    VK_SERVICES,
    VK_SPANMETRICS_SERIES,
    VK_SPANS_RECEIVED_TOTAL,
    VK_TARGETS_DOWN,
    VK_TARGETS_TOTAL,
    VK_TARGETS_UP,
    VK_TRACEQL_SERVICES,
    VK_TRACEQL_SPANS,
    VK_TRACES_CREATED_TOTAL,
    VK_TRACES_FOUND,
    VK_VALUE,
    VK_WRITE_MS,
    VK_COUNT
};

struct value_key_info {
    const char *name;         /* in the JSON "values" and the panes: "spans_received_total" */
    enum obs_value_kind kind; /* counters become rates in the state model */
    const char *rate_unit;    /* counters: "spans/s"; NULL for gauges */
    const char *rate_json;    /* counters: the JSON "rates" key, "spans_per_second" */
};

extern const struct value_key_info value_keys[VK_COUNT];
/* The key of a name ("spans_received_total"), VK_NONE when there is none (tests, lookups). */
enum value_key value_key_find(const char *name);
/* value_keys[k].name, "?" out of range. */
const char *value_key_name(enum value_key k);

struct obs_value {
    enum value_key key;
    double value;
};

/* The result of one check. summary is one clean line; detail (owned, may be NULL) holds
 * multi-line text such as lists of datasources or down targets, already cleaned of control
 * characters. Free with obs_free. */
struct obs {
    enum status status;
    bool skipped; /* not applicable (e.g. no credentials); not aggregated */
    char summary[OBS_SUMMARY_LEN];
    char *detail;
    char version[64];   /* component version if this check learned it */
    struct cJSON *data; /* optional structured result (tables for JSON and the TUI), owned;
                           obs_free deletes it */
    struct obs_value values[OBS_MAX_VALUES];
    int nvalues;
};

void obs_init(struct obs *o);
void obs_free(struct obs *o);
/* Sets status and a printf-formatted summary (cleaned to one line, truncated with "..."). */
void obs_set(struct obs *o, enum status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets value k (a second call replaces it); its kind comes from value_keys[]. */
void obs_add_value(struct obs *o, enum value_key k, double v);
/* Looks a value up; returns false if absent. */
bool obs_get_value(const struct obs *o, enum value_key k, double *out);
/* Appends a cleaned line to detail. */
void obs_detail_line(struct obs *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes every string and key in a JSON tree (item, its siblings and their children) valid
 * UTF-8 without control characters or escape sequences (text_safe_copy; newlines kept in
 * "detail" fields only). Every JSON document lgtmtop writes goes through it just before
 * printing, so no server or file string reaches a terminal through `jq -r`. */
void obs_json_clean(struct cJSON *item);

#endif
