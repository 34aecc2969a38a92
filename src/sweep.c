/* sweep: request building and result delivery; the glue between engine, probes and state. */
#include "lgtmtop/sweep.h"

#include <stdlib.h>
#include <string.h>

#include "checks/flow.h"
#include "lgtmtop/canary.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/multi.h"
#include "lgtmtop/probe.h"

static const struct check_def *kind_defs(const struct config *cfg, const struct stack_cfg *st, enum comp_kind k,
                                         size_t *n, struct check_def **owned)
{
    (void)cfg;
    *owned = NULL;
    if (k == COMP_CHECKS) /* built per stack from its checks: */
        return *owned = custom_defs_new(st, n);
    const struct probe_kind *pk = probe_kind_get(k);
    *n = pk ? pk->nchecks : 0;
    return pk ? pk->checks : NULL;
}

static bool kind_wanted(const struct config *cfg, const struct stack_cfg *st, const struct check_def *d)
{
    return !(d->flags & CHECK_CANARY) || canary_enabled(cfg, st);
}

const struct state_checks sweep_checks = {kind_defs, kind_wanted, custom_defs_free};

bool sweep_busy(const struct engine *e) { return engine_inflight(e) > 0 || engine_timers(e) > 0; }

void sweep_record(struct check_state *cs, struct obs *o, const struct http_response *r)
{
    long long now = now_mono_ms();
    if (cs->ran && cs->data && o->data) /* per-tenant rates of a /metrics check's table */
        flow_tenant_rates(cs->data, o->data, now - cs->updated_ms);
    state_record(cs->comp, cs->idx, o, r, now);
}

static void on_done(void *ud, const struct http_response *r)
{
    struct check_state *cs = ud;
    struct comp_state *c = cs->comp;
    struct obs o;
    obs_init(&o);
    probe_run_parser(cs->def, r, c->cfg, &o);
    sweep_record(cs, &o, r);
    obs_free(&o);
}

static void submit_check(struct engine *e, const struct config *cfg, struct check_state *cs)
{
    const struct component_cfg *cc = cs->comp->cfg;
    struct buf url;
    buf_init(&url);
    probe_check_url(cc, cs->def, &url);
    struct request rq = {.url = url.data};
    probe_use_component(&rq, cc);
    probe_fill_limits(&rq, cc, cfg);
    cs->pending = true;
    engine_submit(e, &rq, on_done, cs);
    buf_free(&url);
}

static void start_check(struct engine *e, const struct config *cfg, struct check_state *cs)
{
    if (cs->def->multi)
        multi_start(e, cfg, cs);
    else
        submit_check(e, cfg, cs);
}

/* ---- a component that was unreachable -------------------------------------------------
 * Its readiness check goes first; the checks that need its API wait (gated, pending) for that
 * answer. Back up: they run at once. Still down: each says "not run: X is down" instead of
 * sending its own request into the same refused port or hanging until the same timeout. */

struct gate {
    struct engine *e;
    const struct config *cfg;
    struct comp_state *c;
};

static void release_gated(struct gate *g, bool cancelled)
{
    struct comp_state *c = g->c;
    const struct check_state *ready = &c->checks[0];
    bool down = comp_unreachable(c);
    for (size_t k = 1; k < c->nchecks; k++) {
        struct check_state *cs = &c->checks[k];
        if (!cs->gated)
            continue;
        cs->gated = false;
        cs->pending = false;
        if (cancelled)
            continue;
        if (!down) {
            start_check(g->e, g->cfg, cs);
            continue;
        }
        struct http_response r = {.err = ready->net, .err_text = ready->net_text, .body = ""};
        struct obs o;
        obs_init(&o);
        obs_set(&o, ST_FAIL, "not run: %s is down (%s)", comp_kind_name(c->kind), net_err_name(ready->net));
        sweep_record(cs, &o, &r);
        obs_free(&o);
    }
}

static void on_ready_gated(void *ud, const struct http_response *r)
{
    struct gate *g = ud; /* owned by this request: freed here */
    on_done(&g->c->checks[0], r);
    release_gated(g, r->err == NET_CANCELLED);
    free(g);
}

/* Starts the readiness check of c and gates the rest; false when c is not a case for it. */
static bool start_gated(struct engine *e, const struct config *cfg, struct comp_state *c, size_t *n)
{
    struct check_state *ready = c->nchecks > 1 ? &c->checks[0] : NULL;
    if (!ready || ready->pending || ready->def->multi || !comp_unreachable(c))
        return false;
    for (size_t k = 1; k < c->nchecks; k++) {
        struct check_state *cs = &c->checks[k];
        /* min_period_ms does not apply: still down, every row says so; back up, all run once. */
        if (cs->pending || (cs->def->flags & CHECK_OWN_ADDRESS))
            continue;
        cs->gated = true;
        cs->pending = true;
        (*n)++;
    }
    struct gate *g = xcalloc(1, sizeof(*g));
    *g = (struct gate){e, cfg, c};
    const struct component_cfg *cc = c->cfg;
    struct buf url;
    buf_init(&url);
    probe_check_url(cc, ready->def, &url);
    struct request rq = {.url = url.data};
    probe_use_component(&rq, cc);
    probe_fill_limits(&rq, cc, cfg);
    ready->pending = true;
    engine_submit(e, &rq, on_ready_gated, g);
    buf_free(&url);
    (*n)++;
    return true;
}

size_t sweep_start(struct engine *e, struct state *s, const struct config *cfg)
{
    size_t n = 0;
    s->last_sweep_ms = now_mono_ms();
    STATE_FOR_EACH_COMP (s, st, c) {
        bool gated = start_gated(e, cfg, c, &n);
        COMP_FOR_EACH_CHECK (c, cs) {
            if (cs->pending)
                continue;
            if (gated && !(cs->def->flags & CHECK_OWN_ADDRESS))
                continue;
            if (cs->def->min_period_ms && cs->ran && s->last_sweep_ms - cs->updated_ms < cs->def->min_period_ms)
                continue;
            start_check(e, cfg, cs);
            n++;
        }
    }
    return n;
}

size_t sweep_start_flagged(struct engine *e, struct state *s, const struct config *cfg, unsigned flags)
{
    size_t n = 0;
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs) {
            /* Only checks whose last run measured something: one that failed would fail again,
             * perhaps after a whole timeout, and delay the report for nothing. */
            if (cs->pending || !(cs->def->flags & flags) || !cs->ran || cs->nvalues == 0)
                continue;
            start_check(e, cfg, cs);
            n++;
        }
    return n;
}
