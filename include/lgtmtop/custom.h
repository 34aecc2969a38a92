/* custom: checks the user defines in the config (checks: per stack), in the spirit of Gatus
 * conditions. Three types:
 *   http:   a URL with expected status(es), an optional condition on one JSON field and a
 *           maximum latency;
 *   promql: an instant query against the stack's Mimir (or Prometheus) with a condition on the
 *           result ("> 0", "== 1", "< 0.05", "non-empty", "empty");
 *   logql:  a LogQL log query counted over a window (sum(count_over_time(Q[window]))) against
 *           the stack's Loki, or a metric LogQL query as is, with the same kind of condition.
 * The checks of a stack form the pseudo-component COMP_CHECKS ("checks"). Their check_defs are
 * built per stack at state_init (custom_defs_new) and run as multi checks; def->arg points to a
 * struct custom_def naming the config entry and the component it targets. Everything here but
 * the multi glue in checks/custom.c is pure. */
#ifndef LGTMTOP_CUSTOM_H
#define LGTMTOP_CUSTOM_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/custom_cfg.h"

struct buf;
struct cJSON;
struct check_def;
struct component_cfg;
struct http_response;
struct obs;
struct stack_cfg;

/* What a built check runs against (check_def.arg). */
struct custom_def {
    const struct custom_check_cfg *cc;
    const struct component_cfg *target; /* promql: mimir, else prometheus; logql: loki; http: NULL */
};

/* The component cfg a promql/logql check queries in stack st (one with a URL), or NULL; always
 * NULL for http checks. */

/* The stack's checks as check_defs (one block: st->nchecks defs, then their custom_defs), *n set;
 * NULL when the stack has none. Free with custom_defs_free. */
struct check_def *custom_defs_new(const struct stack_cfg *st, size_t *n);
void custom_defs_free(struct check_def *defs);

/* ---- pure pieces (tested on their own) ---- */

/* The query sent: promql as is; a LogQL log query ("{...} ...") becomes
 * sum(count_over_time(Q[window])); a metric LogQL query is sent as is. */
void custom_query_text(const struct custom_check_cfg *cc, struct buf *out);
/* True when a logql check's query was wrapped in count_over_time (an empty answer means 0). */
bool custom_logql_wrapped(const struct custom_check_cfg *cc);
/* Full instant-query URL for a promql/logql check against target (prefix for Mimir). */
void custom_query_url(const struct custom_check_cfg *cc, const struct component_cfg *target, struct buf *out);

/* The value at a dotted path ("data.status", "items.0.name": numbers index arrays); NULL when
 * absent. */
const struct cJSON *custom_json_path(const struct cJSON *root, const char *path);

/* Judges an http check's response: status, JSON condition, latency. o must be obs_init'ed. */
void custom_eval_http(const struct custom_check_cfg *cc, const struct http_response *r, struct obs *o);
/* Judges a promql/logql instant-query response (Prometheus API envelope; vector, matrix or
 * scalar) against cc->expect. target names the component in messages (may be NULL). */
void custom_eval_query(const struct custom_check_cfg *cc, const struct component_cfg *target,
                       const struct http_response *r, struct obs *o);

#endif
