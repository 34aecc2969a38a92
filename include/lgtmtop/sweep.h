/* sweep: turns the config's components and the probe tables into requests on the engine and
 * feeds each response, through its parser, into the state model. */
#ifndef LGTMTOP_SWEEP_H
#define LGTMTOP_SWEEP_H

#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/state.h"

/* Submits every check of every component in s that is not already in flight (a hung check
 * keeps its slot until its timeout, it is not stacked up). Returns the number submitted. */
size_t sweep_start(struct engine *e, struct state *s, const struct config *cfg);

/* Submits again only the checks whose def->flags share a bit with `flags` (ignoring
 * min_period_ms) and whose last run produced values, e.g. CHECK_COUNTERS for `check --sample`.
 * Not a sweep: last_sweep_ms is left alone. */
size_t sweep_start_flagged(struct engine *e, struct state *s, const struct config *cfg, unsigned flags);

/* Whether what a sweep started is still going: a request in flight or queued, or a timer (a
 * canary pausing between polls). The one definition of "the sweep is done", for check and the
 * live view alike. */
bool sweep_busy(const struct engine *e);

/* The check list the state is built from: each kind's table (checks/), a stack's custom checks,
 * canaries only where enabled. Pass to state_init. */
extern const struct state_checks sweep_checks;

/* The one writer of results: adds what needs the previous result (per-tenant rates of a
 * /metrics table), then state_record. Takes o->data. */
void sweep_record(struct check_state *cs, struct obs *o, const struct http_response *r);

#endif