/* Engine pieces that need no server: timers, cancellation at shutdown, refused connections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lgtmtop/engine.h"
#include "lgtmtop/util.h"

struct log { char order[16]; int n; int not_fired; };

static void on_timer(void *ud, bool fired)
{
    struct log *l = ud;
    if (!fired) {
        l->not_fired++;
        return;
    }
    l->order[l->n++] = 'x';
}

struct tagged { struct log *log; char tag; };

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
    engine_timer(e, 60, on_tagged, &c);
    engine_timer(e, 0, on_tagged, &a);
    engine_timer(e, 30, on_tagged, &b);
    assert_int_equal(engine_timers(e), 3);
    long long t0 = now_mono_ms();
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

struct got { int calls; enum net_err err; long status; };

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
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(sa.sin_port));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_fire_in_order),
        cmocka_unit_test(test_free_cancels_timers),
        cmocka_unit_test(test_refused_and_cancelled),
        cmocka_unit_test(test_non_http_scheme_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
