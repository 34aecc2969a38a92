/* engine: one-thread HTTP client on libcurl multi. Up to engine_max_inflight() submitted
 * requests run at once, the rest wait in submit order and start as others finish; a request's
 * timeout counts from its start. Completions are delivered from engine_run() on the caller's
 * thread. Connections and DNS results are cached in the multi handle and so reused across
 * sweeps. Nothing waits for a name lookup: one the DNS server never answers ends at the
 * request's timeout (NET_DNS_TIMEOUT), and cancelling it returns at once. */
#ifndef LGTMTOP_ENGINE_H
#define LGTMTOP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/http.h"

struct engine;

/* Everything the engine copies at submit time (also for a request that has to wait for a
 * slot); the caller may free its strings after. */
struct request {
    const char *url;    /* full URL (may carry user:pass@, never printed) */
    const char *method; /* NULL = GET */
    const char *body;   /* request body for POST, may be NULL */
    size_t body_len;
    const char *content_type; /* for the body */
    const char *tenant;       /* X-Scope-OrgID */
    const char *bearer;       /* Authorization: Bearer */
    const char *basic_user, *basic_password;
    long timeout_ms; /* total, from when the request starts (not while queued) */
    long connect_timeout_ms;
    size_t max_body; /* body cap; 0 = 8 MiB */
    bool insecure;   /* skip TLS verification */
    const char *ca_file;
    /* Network probes (OTLP receivers), no proxy used:
     * resolve_only: resolve the URL's host and list every address in the response's
     *   `addresses`, connecting to none (err NET_OK with addresses, or NET_DNS, or
     *   NET_DNS_TIMEOUT);
     * connect_only: connect (TCP, plus TLS for https) and stop without an HTTP request
     *   (err NET_OK = something accepted; status stays 0);
     * connect_ip: connect to this address instead of resolving the URL's host
     *   (CURLOPT_CONNECT_TO; the Host header and the TLS name stay the URL's). */
    bool resolve_only;
    bool connect_only;
    const char *connect_ip;
};

/* A deep copy (request.c): every string and the body are owned by the copy. request_free
 * frees the copy and everything it owns (NULL is fine). */
struct request *request_dup(const struct request *rq);
void request_free(struct request *rq);

/* The response pointer is valid only during the callback. */
typedef void (*engine_done_fn)(void *ud, const struct http_response *r);

struct engine *engine_new(void);
/* Cancels transfers still in flight or queued, calling their callbacks with err NET_CANCELLED
 * (so free the engine before the state those callbacks write to). Never blocks. */
void engine_free(struct engine *e);

void engine_submit(struct engine *e, const struct request *rq, engine_done_fn cb, void *ud);
/* Requests submitted and not yet delivered: running plus queued (loop while > 0). */
size_t engine_inflight(const struct engine *e);

/* How many requests run at once (0 = ENGINE_DEFAULT_MAX_INFLIGHT); the rest are queued. Capped
 * by engine_inflight_cap(): half the open-file limit (the engine raises the soft limit to the
 * hard one). Up to as many idle connections are kept for the next sweep. */
/* 3072: ~13 KiB each (libcurl's handle and connection, our buffers), so a sweep of a thousand
 * stacks stays under 64 MiB (~62); and enough that a big sweep is bound by the CPU rather than
 * by rounds of answers (3000 stacks: 1.38 s, 1.79 s with 2048; BENCHMARKS.md). */
#define ENGINE_DEFAULT_MAX_INFLIGHT 3072
void engine_set_max_inflight(struct engine *e, size_t n);

/* Every response body buffered at once, in the whole process (all engines), stays within this
 * many bytes of memory (0 = ENGINE_DEFAULT_BODY_BUDGET). A transfer whose body would pass it is
 * stopped: NET_TOO_BIG with body_budget set, so its check can say what stopped it. */
#define ENGINE_DEFAULT_BODY_BUDGET ((size_t)32 << 20)
void engine_set_body_budget(size_t bytes);
/* Bytes of body buffers held right now (tests, soak runs). */
size_t engine_body_bytes(void);
size_t engine_max_inflight(const struct engine *e);
size_t engine_inflight_cap(void);

/* Drives transfers and delivers finished ones; if none finished, waits up to timeout_ms for
 * socket activity or for extra_fd (-1 = none) to become readable. Returns 1 when extra_fd is
 * readable, 0 otherwise (callers that read extra_fd non-blocking may simply try it each turn).
 * With nothing in flight it simply waits on extra_fd, which makes it the loop's timer too. */
int engine_run(struct engine *e, int extra_fd, long timeout_ms);

/* Calls cb(ud) once, from engine_run, after delay_ms (for polling with a pause, e.g. a canary
 * waiting until what it wrote is readable). engine_run never sleeps past the next timer.
 * Timers still pending at engine_free are called with fired = false so owners can clean up. */
typedef void (*engine_timer_fn)(void *ud, bool fired);
void engine_timer(struct engine *e, long delay_ms, engine_timer_fn cb, void *ud);
size_t engine_timers(const struct engine *e); /* pending timers */

/* Wakes a concurrent engine_run (e.g. from a signal handler). */
void engine_wakeup(struct engine *e);

#endif
