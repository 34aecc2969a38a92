#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/state.h"

static const struct check_def defs[] = {
        {.name = "ready", .path = "/ready"},
        {.name = "metrics", .path = "/metrics"},
};

/* A component with the two checks above, built by hand (no config, no probe tables). */
static void comp_fake(struct comp_state *c, struct check_state *checks)
{
    memset(c, 0, sizeof(*c));
    memset(checks, 0, sizeof(*checks) * 2);
    c->kind = COMP_TEMPO;
    c->checks = checks;
    c->nchecks = 2;
    for (size_t i = 0; i < 2; i++) {
        checks[i].def = &defs[i];
        checks[i].comp = c;
        checks[i].idx = i;
    }
}

static void record(struct comp_state *c, size_t idx, enum status st, const char *msg, long latency_ms,
                   enum value_key counter, double cv, long long now)
{
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = st;
    snprintf(o.summary, sizeof(o.summary), "%s", msg);
    if (counter != VK_NONE)
        obs_add_value(&o, counter, cv);
    memset(&r, 0, sizeof(r));
    r.err = latency_ms >= 0 ? NET_OK : NET_REFUSED;
    r.status = latency_ms >= 0 ? 200 : 0;
    r.err_text = "";
    r.t.total_us = latency_ms * 1000;
    state_record(c, idx, &o, &r, now);
    obs_free(&o);
}

static void test_counter_rates(void **st)
{
    (void)st;
    struct counter_state c;
    memset(&c, 0, sizeof(c));
    counter_update(&c, 100, 1000);
    assert_false(c.has_rate); /* one sample: unknown, not zero */
    counter_update(&c, 150, 6000);
    assert_true(c.has_rate);
    assert_true(fabs(c.rate - 10.0) < 1e-9);
    counter_update(&c, 20, 11000); /* reset: the counter restarted from 0 */
    assert_true(c.rate >= 0);
    assert_true(fabs(c.rate - 4.0) < 1e-9);
    counter_update(&c, 20, 16000);
    assert_true(c.rate == 0);
    assert_int_equal(c.zero_streak, 1);
    counter_update(&c, 20, 21000);
    assert_int_equal(c.zero_streak, 2);
    counter_update(&c, NAN, 26000); /* ignored */
    assert_true(c.last == 20);
    counter_update(&c, 25, 26000 - 1); /* time going backwards never divides by <= 0 */
    assert_true(c.rate >= 0);
}

static void test_history_ring_and_percentiles(void **st)
{
    (void)st;
    struct history h;
    memset(&h, 0, sizeof(h));
    assert_int_equal(hist_percentile(&h, 95), -1);
    assert_null(hist_get(&h, 0));
    for (long i = 1; i <= 100; i++) {
        hist_push(&h, ST_OK, i);
        if (i <= STATE_HIST_LEN) { /* growing: in order, no more room than needed */
            assert_int_equal(h.len, i);
            assert_true(h.cap >= i && h.cap < 2 * i);
            for (int k = 0; k < h.len; k++)
                assert_int_equal(hist_get(&h, k)->latency_ms, k + 1);
        }
    }
    assert_int_equal(h.len, STATE_HIST_LEN);
    assert_int_equal(h.cap, STATE_HIST_LEN);
    assert_int_equal(hist_get(&h, 0)->latency_ms, 100 - STATE_HIST_LEN + 1); /* oldest kept */
    assert_int_equal(hist_get(&h, STATE_HIST_LEN - 1)->latency_ms, 100);
    assert_null(hist_get(&h, STATE_HIST_LEN));
    assert_int_equal(hist_percentile(&h, 50), 68);
    assert_int_equal(hist_percentile(&h, 95), 97);
    assert_int_equal(hist_percentile(&h, 100), 100);
    hist_push(&h, ST_FAIL, -1); /* failures without latency don't count */
    assert_int_equal(hist_percentile(&h, 100), 100);
    hist_release(&h);
    assert_int_equal(h.len, 0);
    assert_null(hist_get(&h, 0));
}

static void test_record_aggregate_and_rates(void **st)
{
    (void)st;
    struct comp_state c;
    struct check_state checks[2];
    comp_fake(&c, checks);
    assert_int_equal(comp_status(&c), ST_UNKNOWN);
    assert_string_equal(comp_message(&c), "");

    record(&c, 0, ST_OK, "ready", 12, VK_NONE, 0, 1000);
    record(&c, 1, ST_OK, "spans", 30, VK_SPANS_RECEIVED_TOTAL, 1000, 1000);
    assert_int_equal(comp_status(&c), ST_OK);
    double r;
    assert_false(comp_rate(&c, VK_SPANS_RECEIVED_TOTAL, &r));

    record(&c, 1, ST_OK, "spans", 30, VK_SPANS_RECEIVED_TOTAL, 1500, 6000);
    assert_true(comp_rate(&c, VK_SPANS_RECEIVED_TOTAL, &r));
    assert_true(fabs(r - 100.0) < 1e-9);

    record(&c, 0, ST_FAIL, "connection refused", -1, VK_NONE, 0, 7000);
    assert_int_equal(comp_status(&c), ST_FAIL);
    assert_string_equal(comp_message(&c), "connection refused");
    assert_int_equal(checks[0].changed_ms, 7000);
    assert_int_equal(checks[0].net, NET_REFUSED);
    assert_int_equal(checks[0].hist.len, 2);

    /* worst-of: a WARN next to a FAIL is still FAIL, and a skipped check never counts */
    record(&c, 1, ST_WARN, "slow", 900, VK_NONE, 0, 8000);
    assert_int_equal(comp_status(&c), ST_FAIL);
    record(&c, 0, ST_OK, "ready", 10, VK_NONE, 0, 9000);
    assert_int_equal(comp_status(&c), ST_WARN);
    struct obs o;
    obs_init(&o);
    o.status = ST_UNKNOWN;
    o.skipped = true;
    state_record(&c, 1, &o, NULL, 9500);
    obs_free(&o);
    assert_int_equal(comp_status(&c), ST_OK);
    for (int i = 0; i < 2; i++)
        check_state_release(&checks[i]);
}

static void test_stale(void **st)
{
    (void)st;
    struct comp_state c;
    struct check_state checks[2];
    comp_fake(&c, checks);
    assert_false(check_is_stale(&checks[0], 100000, 5000)); /* never ran: not stale, unknown */
    record(&c, 0, ST_OK, "ready", 5, VK_NONE, 0, 10000);
    assert_false(check_is_stale(&checks[0], 25000, 5000));
    assert_true(check_is_stale(&checks[0], 25001, 5000));
    /* a check that runs at most every 60 s is judged by that period, not the interval */
    static const struct check_def slow = {.name = "dashboards", .min_period_ms = 60000};
    checks[1].def = &slow;
    record(&c, 1, ST_OK, "37 dashboards", 5, VK_NONE, 0, 10000);
    assert_false(check_is_stale(&checks[1], 10000 + 179999, 5000));
    assert_true(check_is_stale(&checks[1], 10000 + 180001, 5000));
    check_state_release(&checks[0]);
    check_state_release(&checks[1]);
}

static void test_stack_and_counts(void **st)
{
    (void)st;
    struct comp_state comps[2];
    struct check_state a[2], b[2];
    comp_fake(&comps[0], a);
    comp_fake(&comps[1], b);
    record(&comps[0], 0, ST_OK, "ok", 1, VK_NONE, 0, 1);
    record(&comps[1], 0, ST_WARN, "warn", 1, VK_NONE, 0, 1);
    struct stack_state stk = {.name = "prod", .comps = comps, .ncomps = 2};
    struct state s = {.stacks = &stk, .nstacks = 1};
    assert_int_equal(stack_status(&stk), ST_WARN);
    assert_int_equal(state_status(&s), ST_WARN);
    struct status_counts n = state_counts(&s);
    assert_int_equal(n.ok, 1);
    assert_int_equal(n.warn, 1);
    assert_int_equal(n.fail, 0);
    for (size_t i = 0; i < 2; i++)
        check_state_release(&a[i]), check_state_release(&b[i]);
}

static void test_transitions(void **st)
{
    (void)st;
    struct comp_state c;
    struct check_state checks[2];
    comp_fake(&c, checks);
    struct stack_state stack = {.name = "prod", .comps = &c, .ncomps = 1};
    struct state s = {.stacks = &stack, .nstacks = 1, .interval_ms = 5000};
    struct change ch[4];
    record(&c, 0, ST_OK, "ready", 1, VK_NONE, 0, 1000); /* a first result is no change */
    assert_int_equal(checks[0].ntrans, 0);
    assert_int_equal(state_changes(&s, 0, ch, 4), 0);
    record(&c, 0, ST_OK, "ready", 1, VK_NONE, 0, 2000);
    record(&c, 0, ST_FAIL, "not ready: 503", 1, VK_NONE, 0, 3000);
    record(&c, 1, ST_OK, "fine", 1, VK_NONE, 0, 3500);
    record(&c, 1, ST_WARN, "no spans", 1, VK_NONE, 0, 3600);
    record(&c, 0, ST_OK, "ready again", 1, VK_NONE, 0, 4000);
    assert_int_equal(checks[0].ntrans, 2);
    assert_int_equal(checks[0].changes, 2);
    const struct transition *t = check_transition(&checks[0], 0);
    assert_int_equal(t->at_ms, 4000);
    assert_int_equal(t->from, ST_FAIL);
    assert_int_equal(t->to, ST_OK);
    assert_string_equal(t->message, "ready again");
    t = check_transition(&checks[0], 1);
    assert_string_equal(transition_word(t->from, t->from_skip), "OK");
    assert_string_equal(transition_word(t->to, t->to_skip), "FAIL");
    assert_null(check_transition(&checks[0], 2));
    /* newest first across checks; since and max cut */
    assert_int_equal(state_changes(&s, 0, ch, 4), 3);
    assert_int_equal(ch[0].t->at_ms, 4000);
    assert_ptr_equal(ch[1].check, &checks[1]);
    assert_string_equal(ch[1].t->message, "no spans");
    assert_ptr_equal(ch[1].stack, &stack);
    assert_int_equal(state_changes(&s, 3500, ch, 4), 2);
    assert_int_equal(state_changes(&s, 0, ch, 1), 1);
    /* the ring keeps the newest STATE_TRANSITIONS; the counter counts them all */
    for (int i = 0; i < 2 * STATE_TRANSITIONS; i++)
        record(&c, 0, i % 2 ? ST_OK : ST_FAIL, "flap", 1, VK_NONE, 0, 5000 + i);
    assert_int_equal(checks[0].ntrans, STATE_TRANSITIONS);
    assert_int_equal(checks[0].changes, 2 + 2 * STATE_TRANSITIONS);
    assert_int_equal(check_transition(&checks[0], 0)->at_ms, 5000 + 2 * STATE_TRANSITIONS - 1);
    assert_int_equal(check_transition(&checks[0], STATE_TRANSITIONS - 1)->at_ms, 5000 + STATE_TRANSITIONS);
    for (int i = 0; i < 2; i++)
        check_state_release(&checks[i]);
}

static void test_carry_changes(void **st)
{
    (void)st;
    struct comp_state oc, nc, other;
    struct check_state ochecks[2], nchecks[2], otherchecks[2];
    comp_fake(&oc, ochecks);
    comp_fake(&nc, nchecks);
    comp_fake(&other, otherchecks);
    struct stack_state ostack = {.name = "prod", .comps = &oc, .ncomps = 1};
    struct stack_state nstacks[2] = {{.name = "prod", .comps = &nc, .ncomps = 1},
                                     {.name = "staging", .comps = &other, .ncomps = 1}};
    struct state from = {.stacks = &ostack, .nstacks = 1}, to = {.stacks = nstacks, .nstacks = 2};
    record(&oc, 1, ST_OK, "fine", 1, VK_NONE, 0, 1000);
    record(&oc, 1, ST_FAIL, "broke", 1, VK_NONE, 0, 2000);
    state_carry_changes(&to, &from);
    assert_int_equal(nchecks[1].ntrans, 1); /* same stack, kind and check */
    assert_int_equal(nchecks[1].changes, 1);
    assert_string_equal(check_transition(&nchecks[1], 0)->message, "broke");
    assert_int_equal(nchecks[0].ntrans, 0);     /* that check had none */
    assert_int_equal(otherchecks[1].ntrans, 0); /* another stack */
    assert_false(nchecks[1].ran);               /* results are not carried */
    /* the stacks in another order: found by name all the same */
    struct comp_state mc;
    struct check_state mchecks[2];
    comp_fake(&mc, mchecks);
    struct stack_state moved[2] = {{.name = "staging", .comps = NULL, .ncomps = 0}, ostack};
    struct stack_state mstack = {.name = "prod", .comps = &mc, .ncomps = 1};
    struct state from2 = {.stacks = moved, .nstacks = 2}, to2 = {.stacks = &mstack, .nstacks = 1};
    state_carry_changes(&to2, &from2);
    assert_int_equal(mchecks[1].ntrans, 1);
    assert_string_equal(check_transition(&mchecks[1], 0)->message, "broke");
    assert_int_equal(mchecks[0].ntrans, 0);
    for (int i = 0; i < 2; i++) {
        check_state_release(&ochecks[i]);
        check_state_release(&nchecks[i]);
        check_state_release(&otherchecks[i]);
        check_state_release(&mchecks[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_counter_rates),
            cmocka_unit_test(test_history_ring_and_percentiles),
            cmocka_unit_test(test_record_aggregate_and_rates),
            cmocka_unit_test(test_stale),
            cmocka_unit_test(test_stack_and_counts),
            cmocka_unit_test(test_transitions),
            cmocka_unit_test(test_carry_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
