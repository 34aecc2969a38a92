/* Engine pieces: timers, cancellation at shutdown, refused connections, results handed over
 * without a wait, and the queue of requests beyond the in-flight bound (against HTTP servers on
 * threads of the test). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lgtmtop/engine.h"
#include "lgtmtop/probe.h"
#include "lgtmtop/util.h"

/* A socket listening on a free loopback port (its number in *port). */
static int loopback_listener(int backlog, int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, backlog), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

struct log {
    char order[16];
    int n;
    int not_fired;
};

static void on_timer(void *ud, bool fired)
{
    struct log *l = ud;
    if (!fired) {
        l->not_fired++;
        return;
    }
    l->order[l->n++] = 'x';
}

struct tagged {
    struct log *log;
    char tag;
};

static void on_tagged(void *ud, bool fired)
{
    struct tagged *t = ud;
    if (fired)
        t->log->order[t->log->n++] = t->tag;
}

static void test_timers_fire_in_order(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    struct log l = {{0}, 0, 0};
    struct tagged a = {&l, 'a'}, b = {&l, 'b'}, c = {&l, 'c'};
    long long t0 = now_mono_ms(); /* before the timers are set: none can fire before t0 + delay */
    engine_timer(e, 60, on_tagged, &c);
    engine_timer(e, 0, on_tagged, &a);
    engine_timer(e, 30, on_tagged, &b);
    assert_int_equal(engine_timers(e), 3);
    while (engine_timers(e) > 0 && now_mono_ms() - t0 < 5000)
        engine_run(e, -1, 1000); /* never sleeps past the next timer */
    assert_string_equal(l.order, "abc");
    assert_true(now_mono_ms() - t0 >= 60);
    engine_free(e);
}

static void test_free_cancels_timers(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    struct log l = {{0}, 0, 0};
    engine_timer(e, 100000, on_timer, &l);
    engine_free(e);
    assert_int_equal(l.not_fired, 1);
    assert_int_equal(l.n, 0);
}

struct got {
    int calls;
    enum net_err err;
    long status;
};

static void on_resp(void *ud, const struct http_response *r)
{
    struct got *g = ud;
    g->calls++;
    g->err = r->err;
    g->status = r->status;
}

static void test_refused_and_cancelled(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    struct got g = {0, NET_OK, -1};
    /* port 1 on loopback: nothing listens */
    struct request rq = {.url = "http://127.0.0.1:1/ready", .timeout_ms = 2000};
    engine_submit(e, &rq, on_resp, &g);
    while (engine_inflight(e) > 0)
        engine_run(e, -1, 1000);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.err, NET_REFUSED);
    assert_int_equal(g.status, 0);

    /* a request still in flight at engine_free gets its callback with NET_CANCELLED: a loopback
     * socket that listens but never accepts or answers */
    int port;
    int fd = loopback_listener(4, &port);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
    struct got h = {0, NET_OK, -1};
    struct request rq2 = {.url = url, .timeout_ms = 60000};
    engine_submit(e, &rq2, on_resp, &h);
    for (int i = 0; i < 5; i++)
        engine_run(e, -1, 20); /* connected and waiting for an answer that never comes */
    assert_int_equal(h.calls, 0);
    engine_free(e);
    close(fd);
    assert_int_equal(h.calls, 1);
    assert_int_equal(h.err, NET_CANCELLED);
}

static void test_non_http_scheme_refused(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    struct got g = {0, NET_OK, -1};
    struct request rq = {.url = "file:///etc/passwd", .timeout_ms = 2000};
    engine_submit(e, &rq, on_resp, &g);
    while (engine_inflight(e) > 0)
        engine_run(e, -1, 1000);
    assert_int_equal(g.calls, 1);
    assert_int_equal(g.err, NET_REDIRECTS); /* unsupported protocol: only http and https */
    engine_free(e);
}

/* Reads a request's head (up to the blank line, or what fits) into req, NUL-terminated. */
static void read_head(int fd, char *req, size_t cap)
{
    size_t len = 0;
    req[0] = '\0';
    while (len < cap - 1) {
        ssize_t k = read(fd, req + len, cap - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
}

/* A loopback HTTP server answering every request after delay_ms, one thread per connection;
 * it records the order of the paths it got and how many requests it held at once. */
struct slow_server {
    int fd, port;
    long delay_ms;
    pthread_t thread;
    atomic_int active, max_active, conns_open;
    pthread_mutex_t mu;
    char order[64];
    int n;
};

struct slow_conn {
    struct slow_server *s;
    int fd;
};

static void *slow_conn_main(void *arg)
{
    struct slow_conn *c = arg;
    struct slow_server *s = c->s;
    char req[2048];
    read_head(c->fd, req, sizeof(req));
    int now = atomic_fetch_add(&s->active, 1) + 1;
    int seen = atomic_load(&s->max_active);
    while (now > seen && !atomic_compare_exchange_weak(&s->max_active, &seen, now))
        ;
    char tag = '?';
    if (strncmp(req, "GET /", 5) == 0 && req[5] && req[5] != ' ')
        tag = req[5];
    pthread_mutex_lock(&s->mu);
    if (s->n < (int)sizeof(s->order) - 1)
        s->order[s->n++] = tag;
    pthread_mutex_unlock(&s->mu);
    struct timespec ts = {s->delay_ms / 1000, (s->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    atomic_fetch_sub(&s->active, 1);
    char resp[128];
    int rl = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\n%c", tag);
    if (write(c->fd, resp, (size_t)rl) < 0) { /* the client gave up */
    }
    close(c->fd);
    atomic_fetch_sub(&s->conns_open, 1);
    free(c);
    return NULL;
}

static void *slow_accept_main(void *arg)
{
    struct slow_server *s = arg;
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* shut down */
        struct slow_conn *c = malloc(sizeof(*c));
        c->s = s;
        c->fd = fd;
        atomic_fetch_add(&s->conns_open, 1);
        pthread_t t;
        pthread_create(&t, NULL, slow_conn_main, c);
        pthread_detach(t);
    }
}

static void slow_server_start(struct slow_server *s, long delay_ms)
{
    memset(s, 0, sizeof(*s));
    s->delay_ms = delay_ms;
    pthread_mutex_init(&s->mu, NULL);
    s->fd = loopback_listener(1024, &s->port);
    assert_int_equal(pthread_create(&s->thread, NULL, slow_accept_main, s), 0);
}

static void slow_server_stop(struct slow_server *s)
{
    shutdown(s->fd, SHUT_RDWR);
    pthread_join(s->thread, NULL);
    close(s->fd);
    while (atomic_load(&s->conns_open) > 0) { /* connection threads finish their sleep */
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_destroy(&s->mu);
}

struct qlog {
    char order[64];
    int n;
    int timeouts, errors, cancelled;
};

static void on_queued(void *ud, const struct http_response *r)
{
    struct qlog *q = ud;
    if (r->err == NET_OK && r->status == 200 && r->body_len == 1)
        q->order[q->n++] = r->body[0];
    else if (r->err == NET_TIMEOUT)
        q->timeouts++;
    else if (r->err == NET_CANCELLED)
        q->cancelled++;
    else
        q->errors++;
}

static void submit_tagged(struct engine *e, int port, char tag, long timeout_ms, struct qlog *q)
{
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/%c", port, tag);
    struct request rq = {.url = url, .timeout_ms = timeout_ms};
    engine_submit(e, &rq, on_queued, q); /* url is on this stack frame: the engine copies it */
}

static void run_until_idle(struct engine *e, long limit_ms)
{
    long long t0 = now_mono_ms();
    while (engine_inflight(e) > 0 && now_mono_ms() - t0 < limit_ms)
        engine_run(e, -1, 100);
}

/* More requests than the bound: all complete, in submit order, never more than the bound at the
 * server at once, and engine_inflight counts the queued ones. */
static void test_queue_runs_all_in_order(void **st)
{
    (void)st;
    struct slow_server s;
    slow_server_start(&s, 20);
    struct engine *e = engine_new();
    size_t def =
            ENGINE_DEFAULT_MAX_INFLIGHT < engine_inflight_cap() ? ENGINE_DEFAULT_MAX_INFLIGHT : engine_inflight_cap();
    assert_int_equal(engine_max_inflight(e), def);
    engine_set_max_inflight(e, 1);
    assert_int_equal(engine_max_inflight(e), 1);
    struct qlog q = {{0}, 0, 0, 0, 0};
    const char *tags = "abcdefghij";
    for (const char *t = tags; *t; t++)
        submit_tagged(e, s.port, *t, 5000, &q);
    assert_int_equal(engine_inflight(e), 10);
    run_until_idle(e, 20000);
    assert_int_equal(engine_inflight(e), 0);
    assert_int_equal(q.errors + q.timeouts, 0);
    assert_string_equal(q.order, tags);
    assert_string_equal(s.order, tags);
    assert_int_equal(atomic_load(&s.max_active), 1);
    engine_free(e);
    slow_server_stop(&s);
}

struct budget_log {
    int ok, over;
    size_t budget_seen;
};

static void on_budget(void *ud, const struct http_response *r)
{
    struct budget_log *b = ud;
    if (r->err == NET_OK && r->body_len == 1)
        b->ok++;
    else if (r->err == NET_TOO_BIG && r->body_budget)
        b->over++, b->budget_seen = r->body_budget;
}

/* The process-wide body budget: a body that would pass it stops its transfer as NET_TOO_BIG
 * naming the budget; every byte charged is given back when the transfer ends. */
static void test_body_budget(void **st)
{
    (void)st;
    struct slow_server s;
    slow_server_start(&s, 0);
    struct engine *e = engine_new();
    struct budget_log b = {0, 0, 0};
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/a", s.port);
    struct request rq = {.url = url, .timeout_ms = 5000};
    engine_set_body_budget(100); /* smaller than the first buffer */
    for (int i = 0; i < 3; i++)
        engine_submit(e, &rq, on_budget, &b);
    run_until_idle(e, 20000);
    assert_int_equal(b.over, 3);
    assert_int_equal(b.budget_seen, 100);
    assert_int_equal(engine_body_bytes(), 0);
    engine_set_body_budget(0); /* the default again */
    for (int i = 0; i < 3; i++)
        engine_submit(e, &rq, on_budget, &b);
    run_until_idle(e, 20000);
    assert_int_equal(b.ok, 3);
    assert_int_equal(engine_body_bytes(), 0);
    engine_free(e);
    slow_server_stop(&s);
}

/* Bound 2, six requests answered after 400 ms each, timeout 1 s: the last two wait ~800 ms in
 * the queue, so they would time out if the clock ran from submit. */
static void test_queue_wait_not_counted_in_timeout(void **st)
{
    (void)st;
    struct slow_server s;
    slow_server_start(&s, 400);
    struct engine *e = engine_new();
    engine_set_max_inflight(e, 2);
    struct qlog q = {{0}, 0, 0, 0, 0};
    for (const char *t = "uvwxyz"; *t; t++)
        submit_tagged(e, s.port, *t, 1000, &q);
    long long t0 = now_mono_ms();
    run_until_idle(e, 20000);
    assert_int_equal(q.timeouts, 0);
    assert_int_equal(q.errors, 0);
    assert_int_equal(q.n, 6);
    assert_true(now_mono_ms() - t0 >= 1100); /* they really waited: three rounds of 400 ms */
    assert_true(atomic_load(&s.max_active) <= 2);
    engine_free(e);
    slow_server_stop(&s);
}

/* More transfers at once than one shard of the engine holds (256): all of them run together
 * across shards and every one is answered, none reported as a timeout; the bound still holds. */
static void on_counted(void *ud, const struct http_response *r)
{
    struct qlog *q = ud; /* counts only: n is the number answered */
    if (r->err == NET_OK && r->status == 200)
        q->n++;
    else if (r->err == NET_TIMEOUT)
        q->timeouts++;
    else
        q->errors++;
}

static void test_many_in_flight_across_shards(void **st)
{
    (void)st;
    struct slow_server s;
    slow_server_start(&s, 300);
    struct engine *e = engine_new();
    engine_set_max_inflight(e, 400);
    struct qlog q = {{0}, 0, 0, 0, 0};
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/m", s.port);
    struct request rq = {.url = url, .timeout_ms = 20000};
    for (int i = 0; i < 600; i++)
        engine_submit(e, &rq, on_counted, &q);
    assert_int_equal(engine_inflight(e), 600);
    run_until_idle(e, 60000);
    assert_int_equal(q.timeouts, 0);
    assert_int_equal(q.errors, 0);
    assert_int_equal(q.n, 600);
    assert_true(atomic_load(&s.max_active) <= 400);
    engine_free(e);
    slow_server_stop(&s);
}

/* The bound never exceeds what the open-file limit allows (a socket each, and lookups). */
static void test_max_inflight_capped_by_fd_limit(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    assert_true(engine_inflight_cap() >= 16);
    engine_set_max_inflight(e, engine_inflight_cap() + 1000);
    assert_int_equal(engine_max_inflight(e), engine_inflight_cap());
    engine_set_max_inflight(e, 3);
    assert_int_equal(engine_max_inflight(e), 3);
    engine_free(e);
}

/* engine_wakeup (from a signal handler) ends a wait at once instead of at its timeout. */
static void test_wakeup_ends_wait(void **st)
{
    (void)st;
    struct engine *e = engine_new();
    engine_wakeup(e);
    long long t0 = now_mono_ms();
    engine_run(e, -1, 30000);
    assert_true(now_mono_ms() - t0 < 20000);
    engine_free(e);
}

/* A loopback server sending every request a big body as fast as it can (one connection at a
 * time): libcurl then stops reading after a number of chunks and asks to be called again at
 * once, so a transfer may end inside a timer run of the engine rather than a socket event. */
#define BIG_BODY (32u * 1024 * 1024)
struct big_server {
    int fd, port;
    pthread_t thread;
};

static void *big_server_main(void *arg)
{
    struct big_server *s = arg;
    static char chunk[64 * 1024];
    memset(chunk, 'm', sizeof(chunk));
    for (;;) {
        int fd = accept(s->fd, NULL, NULL);
        if (fd < 0)
            return NULL; /* shut down */
        char req[2048];
        read_head(fd, req, sizeof(req));
        char head[128];
        int hl = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %u\r\nConnection: close\r\n\r\n",
                          BIG_BODY);
        bool ok = write(fd, head, (size_t)hl) == hl;
        for (size_t sent = 0; ok && sent < BIG_BODY; sent += sizeof(chunk))
            ok = write(fd, chunk, sizeof(chunk)) == (ssize_t)sizeof(chunk);
        close(fd);
    }
}

struct big_log {
    int ok, other;
};

static void on_big(void *ud, const struct http_response *r)
{
    struct big_log *b = ud;
    if (r->err == NET_OK && r->status == 200 && r->body_len == BIG_BODY)
        b->ok++;
    else
        b->other++;
}

/* Whichever way a transfer ends, engine_run hands it over before it sleeps: a transfer that
 * finished inside the engine's own timer run once waited for the caller's whole poll timeout
 * (1 s in the sweep loop; a quarter of the checks of a big /metrics page took 1 s longer). */
static void test_finish_in_timer_run_not_delayed(void **st)
{
    (void)st;
    struct big_server s;
    s.fd = loopback_listener(16, &s.port);
    assert_int_equal(pthread_create(&s.thread, NULL, big_server_main, &s), 0);

    struct engine *e = engine_new();
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/metrics", s.port);
    struct request rq = {.url = url, .timeout_ms = 60000, .max_body = 2 * BIG_BODY};
    struct big_log b = {0, 0};
    engine_set_body_budget(4 * BIG_BODY);
    /* Each transfer ends at one of a few points of engine_run, the timer run among them about
     * once in three when the body is big enough to need several: 20 make missing it unlikely.
     * A poll timeout of 20 s makes a missed hand-over unmistakable next to a transfer's tens of
     * milliseconds. */
    for (int i = 0; i < 20; i++) {
        engine_submit(e, &rq, on_big, &b);
        long long t0 = now_mono_ms();
        while (engine_inflight(e) > 0 && now_mono_ms() - t0 < 60000)
            engine_run(e, -1, 20000);
        assert_true(now_mono_ms() - t0 < 15000);
    }
    assert_int_equal(b.ok, 20);
    assert_int_equal(b.other, 0);
    engine_set_body_budget(0);
    engine_free(e);
    shutdown(s.fd, SHUT_RDWR);
    pthread_join(s.thread, NULL);
    close(s.fd);
}

/* A callback that submits again while others wait: its request goes behind them. */
struct chain {
    struct engine *e;
    int port;
    struct qlog *q;
};

static void on_chain(void *ud, const struct http_response *r)
{
    struct chain *c = ud;
    on_queued(c->q, r);
    if (r->err == NET_OK && r->body[0] == 'a')
        submit_tagged(c->e, c->port, 'z', 5000, c->q);
}

static void test_queue_submit_from_callback(void **st)
{
    (void)st;
    struct slow_server s;
    slow_server_start(&s, 10);
    struct engine *e = engine_new();
    engine_set_max_inflight(e, 1);
    struct qlog q = {{0}, 0, 0, 0, 0};
    struct chain c = {e, s.port, &q};
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/a", s.port);
    struct request rq = {.url = url, .timeout_ms = 5000};
    engine_submit(e, &rq, on_chain, &c);
    submit_tagged(e, s.port, 'b', 5000, &q);
    submit_tagged(e, s.port, 'c', 5000, &q);
    run_until_idle(e, 20000);
    assert_string_equal(q.order, "abcz");
    engine_free(e);
    slow_server_stop(&s);
}

/* engine_free cancels the running request and every queued one. */
static void test_free_cancels_queued(void **st)
{
    (void)st;
    int port;
    int fd = loopback_listener(8, &port); /* listens, never answers */
    struct engine *e = engine_new();
    engine_set_max_inflight(e, 1);
    struct qlog q = {{0}, 0, 0, 0, 0};
    for (const char *t = "abcd"; *t; t++)
        submit_tagged(e, port, *t, 60000, &q);
    for (int i = 0; i < 5; i++)
        engine_run(e, -1, 20);
    assert_int_equal(engine_inflight(e), 4);
    assert_int_equal(q.cancelled, 0);
    engine_free(e);
    close(fd);
    assert_int_equal(q.cancelled, 4);
    assert_int_equal(q.n + q.errors + q.timeouts, 0);
}

/* A lookup the DNS server never answered: its own name and message (blaming the resolver, not
 * the server); a timeout after the lookup keeps the server's. */
static void test_dns_timeout_name_and_message(void **st)
{
    (void)st;
    assert_string_equal(net_err_name(NET_DNS_TIMEOUT), "dns_timeout");
    assert_string_equal(net_err_name(NET_TIMEOUT), "timeout");
    assert_string_equal(net_err_name(NET_CANCELLED), "cancelled");
    assert_string_equal(net_err_name((enum net_err)999), "other");
    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.err = NET_DNS_TIMEOUT;
    r.err_text = "Resolving timed out after 2000 milliseconds";
    r.body = r.content_type = r.primary_ip = r.addresses = "";
    r.url = "http://mimir.railway.internal:9009/ready";
    r.timeout_ms = 2000;
    struct obs o;
    obs_init(&o);
    probe_transport_obs_for(&r, NULL, &o);
    assert_int_equal(o.status, ST_FAIL);
    assert_string_equal(o.summary, "name lookup of mimir.railway.internal did not finish within 2.0s: the DNS server "
                                   "does not answer — on a private network (Railway, Docker, Kubernetes) run "
                                   "lgtmtop inside it, or check its resolver (/etc/resolv.conf)");
    obs_free(&o);
    r.err = NET_TIMEOUT;
    obs_init(&o);
    probe_transport_obs_for(&r, NULL, &o);
    assert_non_null(strstr(o.summary, "no answer within 2.0s (timeout)"));
    obs_free(&o);
}

/* request_dup owns every string: the lender's buffers may change or go away. */
static void test_request_dup_owns_every_string(void **state)
{
    (void)state;
    char url[] = "http://u:p@mimir:9009/ready", method[] = "POST", ctype[] = "application/json", tenant[] = "team-a",
         bearer[] = "glsa_x", user[] = "admin", pass[] = "secret", ca[] = "/etc/ca.pem", ip[] = "10.0.0.7",
         body[] = {'{', '\0', '}'};
    struct request in = {.url = url,
                         .method = method,
                         .body = body,
                         .body_len = sizeof(body),
                         .content_type = ctype,
                         .tenant = tenant,
                         .bearer = bearer,
                         .basic_user = user,
                         .basic_password = pass,
                         .timeout_ms = 1234,
                         .ca_file = ca,
                         .connect_ip = ip,
                         .resolve_only = true};
    struct request *rq = request_dup(&in);
    char *bufs[] = {url, method, ctype, tenant, bearer, user, pass, ca, ip};
    for (size_t i = 0; i < ARRAY_LEN(bufs); i++)
        memset(bufs[i], 'X', strlen(bufs[i]));
    memset(body, 'X', sizeof(body));
    assert_string_equal(rq->url, "http://u:p@mimir:9009/ready");
    assert_string_equal(rq->method, "POST");
    assert_string_equal(rq->content_type, "application/json");
    assert_string_equal(rq->tenant, "team-a");
    assert_string_equal(rq->bearer, "glsa_x");
    assert_string_equal(rq->basic_user, "admin");
    assert_string_equal(rq->basic_password, "secret");
    assert_string_equal(rq->ca_file, "/etc/ca.pem");
    assert_string_equal(rq->connect_ip, "10.0.0.7");
    assert_int_equal(rq->body_len, 3);
    assert_memory_equal(rq->body, "{\0}", 3);
    assert_int_equal(rq->timeout_ms, 1234);
    assert_true(rq->resolve_only);
    request_free(rq);
    struct request empty = {.url = "http://x"};
    rq = request_dup(&empty);
    assert_null(rq->method);
    assert_null(rq->body);
    request_free(rq);
    request_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_request_dup_owns_every_string),
            cmocka_unit_test(test_timers_fire_in_order),
            cmocka_unit_test(test_free_cancels_timers),
            cmocka_unit_test(test_refused_and_cancelled),
            cmocka_unit_test(test_non_http_scheme_refused),
            cmocka_unit_test(test_queue_runs_all_in_order),
            cmocka_unit_test(test_body_budget),
            cmocka_unit_test(test_queue_wait_not_counted_in_timeout),
            cmocka_unit_test(test_queue_submit_from_callback),
            cmocka_unit_test(test_many_in_flight_across_shards),
            cmocka_unit_test(test_max_inflight_capped_by_fd_limit),
            cmocka_unit_test(test_wakeup_ends_wait),
            cmocka_unit_test(test_finish_in_timer_run_not_delayed),
            cmocka_unit_test(test_free_cancels_queued),
            cmocka_unit_test(test_dns_timeout_name_and_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
