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

/* Builds the full URL of a check into out (base URL + path). */
void sweep_check_url(const struct component_cfg *c, const struct check_def *d, struct buf *out);

#endif
