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

/* Gives a request the component's tenant header, credentials and TLS settings (the one place
 * that decides what a request to a component carries). */
void sweep_use_component(struct request *rq, const struct component_cfg *c);

/* Fills the limits the request left unset (timeout, connect timeout, body cap) from the
 * component, else the config. */
void sweep_fill_limits(struct request *rq, const struct component_cfg *c, const struct config *cfg);

/* Builds the full URL of a check into out (base URL + path). */
void sweep_check_url(const struct component_cfg *c, const struct check_def *d, struct buf *out);

#endif
