/* multi: checks made of several requests — fan-out (one request per datasource), pagination,
 * follow-ups (write, then poll until readable). A run lives for one sweep: `start` submits the
 * first requests, each step callback may submit more, and when nothing of the run is in flight
 * any more `finish` turns what was gathered into the check's observation. The parsing stays in
 * pure functions; the step callbacks are the glue. */
#ifndef LGTMTOP_MULTI_H
#define LGTMTOP_MULTI_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/http.h"
#include "lgtmtop/probe.h"

#define MULTI_ENGINE_BOUND (-1)

struct multi_run;
struct comp_state;
struct check_state;

/* A step: the response to a request, or NULL for a multi_after pause. Every submitted step is
 * called exactly once, so it can release arg; at shutdown with r->err == NET_CANCELLED, when it
 * should only clean up (anything it submits then is not sent). */
typedef void (*multi_step_fn)(struct multi_run *run, const struct http_response *r, void *arg);

struct multi_check {
    size_t data_size; /* per-run scratch, zeroed at start */
    void (*start)(struct multi_run *run);
    void (*finish)(struct multi_run *run, struct obs *o);
    void (*data_free)(void *data);   /* frees what data points to (not data) */
    void (*cache_free)(void *cache); /* frees what the check keeps across sweeps (run->cache) */
    int max_inflight;                /* bound on concurrent requests; 0 = 8; MULTI_ENGINE_BOUND:
                                      none of its own, the engine's max_in_flight applies */
};

struct multi_run {
    struct engine *engine;
    const struct config *cfg;
    const struct component_cfg *c; /* the component being checked */
    const struct check_def *def;   /* the check (its arg: a custom check's parameters) */
    const struct cJSON *prev_data; /* the check's data from its previous run, or NULL */
    /* What the check keeps across sweeps: *cache starts NULL, the check may set it; owned by the
     * check's state (freed with mc->cache_free), so a reload starts afresh. */
    void **cache;
    /* The runner's (multi.c) link back to the state: check modules never look through these. */
    struct comp_state *comp;
    struct check_state *cs;
    const struct multi_check *mc;
    void *data; /* data_size bytes, owned by the run */
    long long started_ms;
    int inflight;
    bool cancelled;                           /* the engine is shutting down: nothing more is sent */
    struct multi_pending *queue, *queue_tail; /* requests waiting for a slot */
    /* The first answer of the run (usually the list the rest fans out from): its HTTP status or
     * transport error become the check's own in the state and the JSON. */
    bool have_first;
    long first_status;
    enum net_err first_err;
    char first_err_text[128];
};

/* Starts a run of check cs (called by the sweep). */
void multi_start(struct engine *e, const struct config *cfg, struct check_state *cs);

/* GET base URL + path of the component, with its tenant/auth/TLS settings. */
void multi_get(struct multi_run *run, const char *path, multi_step_fn cb, void *arg);
/* multi_get of a path that other checks of the component fetch too (Grafana's /api/datasources):
 * asked while the same path is in flight for one of them, it waits for that answer instead of
 * sending its own, so a sweep fetches it once. Every waiter's step gets the same response. */
void multi_get_shared(struct multi_run *run, const char *path, multi_step_fn cb, void *arg);
/* Any request (another host, POST, other headers). Unset timeouts/limits/TLS take the
 * component's and the config's values; strings are copied. */
void multi_request(struct multi_run *run, const struct request *rq, multi_step_fn cb, void *arg);

/* Calls cb(run, NULL, arg) after delay_ms (the response pointer is NULL for a timer step): a
 * pause between polls. The run stays open until the step has run. */
void multi_after(struct multi_run *run, long delay_ms, multi_step_fn cb, void *arg);

#endif
