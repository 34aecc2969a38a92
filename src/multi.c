/* multi: the runner for multi-request checks. Owns each run (freed after finish) and the queue
 * of requests waiting for one of the run's max_inflight slots. */
#include "lgtmtop/multi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/state.h"
#include "lgtmtop/sweep.h"

/* A GET several runs of one component wait for (multi_get_shared): in the component's list
 * from its submit until its answer, which every waiter's step gets, in the order they asked. */
struct multi_share {
    struct comp_state *comp;
    char *path;
    struct multi_call *waiters; /* calls in a list through share_next */
    struct multi_share *next;
};

/* A request waiting for a slot: a deep copy (request_dup), owned. */
struct multi_pending {
    struct request *rq;
    multi_step_fn cb;
    void *arg;
    struct multi_pending *next;
};

struct multi_call {
    struct multi_run *run;
    multi_step_fn cb;
    void *arg;
    struct multi_call *share_next; /* the next waiter of a shared GET */
};

static void run_finish(struct multi_run *run)
{
    struct obs o;
    obs_init(&o);
    run->mc->finish(run, &o);
    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.err = run->have_first ? run->first_err : NET_OK;
    r.err_text = run->first_err_text;
    r.status = run->first_status;
    r.body = "";
    r.content_type = "";
    r.url = "";
    /* The run's latency is its whole duration: what this check costs the sweep. */
    r.t.total_us = (now_mono_ms() - run->started_ms) * 1000;
    sweep_record(run->cs, &o, &r);
    obs_free(&o);
    if (run->mc->data_free)
        run->mc->data_free(run->data);
    free(run->data);
    free(run);
}

static int run_bound(const struct multi_run *run)
{
    int max = run->mc->max_inflight;
    return max == MULTI_ENGINE_BOUND ? INT_MAX : max > 0 ? max : 8;
}

static void pending_free(struct multi_pending *p)
{
    request_free(p->rq);
    free(p);
}

static void submit_now(struct multi_run *run, const struct request *rq, multi_step_fn cb, void *arg);
static void multi_settle(struct multi_run *run);

static const struct http_response cancelled_response = {
        .err = NET_CANCELLED,
        .err_text = "cancelled",
        .body = "",
        .content_type = "",
        .url = "",
};

/* At shutdown the engine cancels what is in flight. Every step still runs (so it can release
 * its arg), with NET_CANCELLED; from then on nothing of the run is sent: what the steps submit
 * is queued and handed back to them cancelled by multi_settle. */
static void note_answer(struct multi_run *run, const struct http_response *r)
{
    run->inflight--;
    if (r->err == NET_CANCELLED)
        run->cancelled = true;
    else if (!run->have_first) {
        run->have_first = true;
        run->first_status = r->status;
        run->first_err = r->err;
        snprintf(run->first_err_text, sizeof(run->first_err_text), "%s", r->err_text ? r->err_text : "");
    }
}

static void on_done(void *ud, const struct http_response *r)
{
    struct multi_call *call = ud;
    struct multi_run *run = call->run;
    note_answer(run, r);
    call->cb(run, r, call->arg);
    free(call);
    multi_settle(run);
}

static void on_timer(void *ud, bool fired)
{
    struct multi_call *call = ud;
    struct multi_run *run = call->run;
    run->inflight--;
    if (!fired)
        run->cancelled = true;
    call->cb(run, fired ? NULL : &cancelled_response, call->arg);
    free(call);
    multi_settle(run);
}

/* After a step: start queued requests that now have a slot; finish when nothing is left. */
static void multi_settle(struct multi_run *run)
{
    int max = run_bound(run);
    /* Bounded, in case a step keeps resubmitting whatever it is told. */
    for (int guard = 0; run->cancelled && run->queue && guard < 10000; guard++) {
        struct multi_pending *p = run->queue;
        run->queue = p->next;
        if (!run->queue)
            run->queue_tail = NULL;
        p->cb(run, &cancelled_response, p->arg);
        pending_free(p);
    }
    while (run->cancelled && run->queue) { /* a step that never gives up: drop the rest */
        struct multi_pending *p = run->queue;
        run->queue = p->next;
        pending_free(p);
    }
    run->queue_tail = run->queue ? run->queue_tail : NULL;
    while (run->queue && run->inflight < max) {
        struct multi_pending *p = run->queue;
        run->queue = p->next;
        if (!run->queue)
            run->queue_tail = NULL;
        submit_now(run, p->rq, p->cb, p->arg);
        pending_free(p);
    }
    if (run->inflight == 0 && !run->queue)
        run_finish(run);
}

static void submit_now(struct multi_run *run, const struct request *rq, multi_step_fn cb, void *arg)
{
    struct multi_call *call = xcalloc(1, sizeof(*call));
    call->run = run;
    call->cb = cb;
    call->arg = arg;
    run->inflight++;
    engine_submit(run->engine, rq, on_done, call);
}

void multi_request(struct multi_run *run, const struct request *in, multi_step_fn cb, void *arg)
{
    struct request rq = *in;
    probe_fill_limits(&rq, run->c, run->cfg);
    int max = run_bound(run);
    if (run->inflight < max && !run->cancelled) {
        submit_now(run, &rq, cb, arg);
        return;
    }
    struct multi_pending *p = xcalloc(1, sizeof(*p));
    p->rq = request_dup(&rq);
    p->cb = cb;
    p->arg = arg;
    if (run->queue_tail)
        run->queue_tail->next = p;
    else
        run->queue = p;
    run->queue_tail = p;
}

void multi_get(struct multi_run *run, const char *path, multi_step_fn cb, void *arg)
{
    const struct component_cfg *c = run->c;
    char *url = xasprintf("%s%s", c->url, path);
    struct request rq = {.url = url};
    probe_use_component(&rq, c);
    multi_request(run, &rq, cb, arg);
    free(url);
}

static void on_shared(void *ud, const struct http_response *r)
{
    struct multi_share *sh = ud;
    struct multi_share **pp = &sh->comp->multi_shares;
    while (*pp && *pp != sh)
        pp = &(*pp)->next;
    if (*pp)
        *pp = sh->next; /* a run asking now sends its own request */
    for (struct multi_call *call = sh->waiters, *next; call; call = next) {
        next = call->share_next;
        struct multi_run *run = call->run; /* each settle may finish (free) its run */
        note_answer(run, r);
        call->cb(run, r, call->arg);
        free(call);
        multi_settle(run);
    }
    free(sh->path);
    free(sh);
}

void multi_get_shared(struct multi_run *run, const char *path, multi_step_fn cb, void *arg)
{
    if (run->cancelled) {
        multi_get(run, path, cb, arg);
        return;
    }
    struct multi_share *sh = run->comp->multi_shares;
    while (sh && strcmp(sh->path, path) != 0)
        sh = sh->next;
    struct multi_call *call = xcalloc(1, sizeof(*call));
    call->run = run;
    call->cb = cb;
    call->arg = arg;
    run->inflight++;
    if (sh) { /* already asked by another check of this component: wait for that answer */
        struct multi_call **tail = &sh->waiters;
        while (*tail)
            tail = &(*tail)->share_next;
        *tail = call;
        return;
    }
    sh = xcalloc(1, sizeof(*sh));
    sh->comp = run->comp;
    sh->path = xstrdup(path);
    sh->waiters = call;
    sh->next = run->comp->multi_shares;
    run->comp->multi_shares = sh;
    const struct component_cfg *c = run->c;
    char *url = xasprintf("%s%s", c->url, path);
    struct request rq = {.url = url};
    probe_use_component(&rq, c);
    probe_fill_limits(&rq, c, run->cfg);
    engine_submit(run->engine, &rq, on_shared, sh);
    free(url);
}

void multi_start(struct engine *e, const struct config *cfg, struct check_state *cs)
{
    struct multi_run *run = xcalloc(1, sizeof(*run));
    run->engine = e;
    run->cfg = cfg;
    run->comp = cs->comp;
    run->c = cs->comp->cfg;
    run->cs = cs;
    run->def = cs->def;
    run->prev_data = cs->data;
    run->cache = &cs->cache;
    cs->cache_free = cs->def->multi->cache_free;
    run->mc = cs->def->multi;
    run->data = xcalloc(1, run->mc->data_size ? run->mc->data_size : 1);
    run->started_ms = now_mono_ms();
    cs->pending = true;
    run->mc->start(run);
    if (run->inflight == 0 && !run->queue)
        run_finish(run); /* nothing to fetch (e.g. not configured): report at once */
}

void multi_after(struct multi_run *run, long delay_ms, multi_step_fn cb, void *arg)
{
    if (run->cancelled) { /* shutting down: no more pauses, the step hears it at once */
        cb(run, &cancelled_response, arg);
        return;
    }
    struct multi_call *call = xcalloc(1, sizeof(*call));
    call->run = run;
    call->cb = cb;
    call->arg = arg;
    run->inflight++;
    engine_timer(run->engine, delay_ms, on_timer, call);
}
