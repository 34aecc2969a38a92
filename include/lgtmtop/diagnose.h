/* diagnose: turns the state into findings — what is wrong, in plain words, and what to do next.
 *
 * A static table of rules (src/diagnose.c), each a predicate and a writer over one component
 * with its stack around it: component down (refused / DNS / timeout / TLS), not ready with the
 * server's reason, tenant or credentials missing, Tempo up but no spans, OTLP receivers closed,
 * IPv4-only receiver, spans arriving but search empty, metrics-generator without span metrics,
 * Loki without lines, Mimir without samples, Grafana datasource unreachable from Grafana only.
 * Pure: no clock (now_ms comes in), no I/O, no allocation.
 *
 * For views (check report, TUI strip and pane):
 *     struct finding f[DIAGNOSE_MAX_FINDINGS];
 *     size_t n = diagnose(&state, now_mono_ms(), f, DIAGNOSE_MAX_FINDINGS);
 * then show f[0..n) — FAIL before WARN, then in stack/component order. Strings are one line
 * each (cleaned of control characters) and may be long: wrap or clip when drawing. `stack`
 * points into the state (valid as long as it), `id`/`component` are static. Findings count in
 * the verdict (verdict.h): a FAIL finding makes its component FAIL, a WARN one at least WARN, and
 * the checks a finding names read no better than it. Call it again whenever results arrive; it
 * is cheap. */
#ifndef LGTMTOP_DIAGNOSE_H
#define LGTMTOP_DIAGNOSE_H

#include <stddef.h>

#include "lgtmtop/state.h"
#include "lgtmtop/status.h"

#define DIAGNOSE_MAX_FINDINGS 32
#define FINDING_TITLE_LEN 160
#define FINDING_TEXT_LEN 640
#define FINDING_MAX_CHECKS 3

struct finding {
    enum status severity;                   /* ST_FAIL (broken) or ST_WARN (suspicious / degraded) */
    const char *id;                         /* stable rule id, e.g. "tempo_no_spans" (for scripts, tests) */
    const char *stack;                      /* stack name */
    const char *component;                  /* "tempo", "loki", ... */
    const struct comp_state *comp;          /* the component it is about (points into the state) */
    const char *checks[FINDING_MAX_CHECKS]; /* names of the check rows it is about (static or
                                       borrowed from the check tables), NULL-terminated */
    char title[FINDING_TITLE_LEN];          /* what is wrong, one short line */
    char cause[FINDING_TEXT_LEN];           /* why, in plain words, with what was observed */
    char hint[FINDING_TEXT_LEN];            /* the next step */
};

/* Evaluates every rule against s and writes at most max findings to out (FAIL first, then WARN,
 * each in stack/component/rule order); returns how many were written. now_ms is the clock of
 * check_state.updated_ms (now_mono_ms()): results older than STATE_STALE_INTERVALS intervals are
 * not used; pass 0 to use every result (tests, reports of a finished check). */
size_t diagnose(const struct state *s, long long now_ms, struct finding *out, size_t max);

/* The findings about one component of stack st (same rules and order as diagnose). */
size_t diagnose_component(const struct state *s, const struct stack_state *st, const struct comp_state *c,
                          long long now_ms, struct finding *out, size_t max);

/* Severity counts of findings, e.g. for a strip "2 FAIL, 1 WARN". */
void diagnose_counts(const struct finding *f, size_t n, int *fail, int *warn);

/* The id of rule i, in table order; NULL past the last (for documentation and tests). */
const char *diagnose_rule_id(size_t i);

#endif
