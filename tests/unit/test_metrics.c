#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/metrics.h"
#include "lgtmtop/verdict.h"
#include "state_fixture.h"

static void setup_state(struct fixture *f, const char *stack) { setup_state_named(f, stack, 3); }

static void put(struct fixture *f, int comp, int check, enum status st, enum net_err net, double counter, long long now)
{
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = st;
    snprintf(o.summary, sizeof(o.summary), "%s", "msg");
    if (counter >= 0)
        obs_add_value(&o, VK_SPANS_RECEIVED_TOTAL, counter);
    obs_add_value(&o, VK_TARGETS_DOWN, 2);
    memset(&r, 0, sizeof(r));
    r.err = net;
    r.err_text = "";
    r.status = net == NET_OK ? 200 : 0;
    r.t = (struct timings){.dns_us = 1000, .connect_us = 3000, .tls_us = 0, .first_byte_us = 10000, .total_us = 12500};
    state_record(&f->comps[comp], (size_t)check, &o, &r, now);
    obs_free(&o);
}

static void cleanup(struct fixture *f)
{
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            check_state_release(&f->checks[i][j]);
}

static char *render(struct fixture *f)
{
    struct metrics_meta m = {.now_mono_ms = 7000,
                             .now_wall_ms = 1764442807000LL,
                             .ready = true,
                             .last_sweep_ms = 1250,
                             .last_sweep_wall_ms = 1764442806500LL,
                             .reload_ok = true,
                             .reload_wall_ms = 1764442800000LL};
    verdict_update(&f->s, 0);
    return metrics_text(&f->s, &m);
}

/* The value of the sample line that starts with `series` (name and labels), NAN when absent. */
static double value_of(const char *text, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, series, n) == 0 && p[n] == ' ')
            return strtod(p + n + 1, NULL);
    return NAN;
}

/* Every sample belongs to a family announced by HELP and TYPE before it; no family twice. */
static void assert_well_formed(const char *text)
{
    char families[64][96];
    size_t nf = 0;
    char cur[96] = "";
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        assert_non_null(end); /* every line ends in a newline */
        char line[4096];
        size_t len = (size_t)(end - p);
        assert_true(len < sizeof line);
        memcpy(line, p, len);
        line[len] = '\0';
        if (strncmp(line, "# HELP ", 7) == 0) {
            sscanf(line + 7, "%95s", cur);
            for (size_t i = 0; i < nf; i++)
                if (strcmp(families[i], cur) == 0)
                    fail_msg("family %s twice", cur);
            snprintf(families[nf++], sizeof families[0], "%s", cur);
            const char *next = end + 1;
            char want[160];
            snprintf(want, sizeof want, "# TYPE %s ", cur);
            if (strncmp(next, want, strlen(want)) != 0)
                fail_msg("HELP of %s not followed by its TYPE", cur);
        } else if (strncmp(line, "# TYPE ", 7) != 0) {
            size_t name_len = strcspn(line, "{ ");
            if (strlen(cur) != name_len || strncmp(line, cur, name_len) != 0)
                fail_msg("sample outside its family (%s): %s", cur, line);
        }
        p = end + 1;
    }
}

static void test_families_and_values(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f, "prod");
    put(&f, 0, 0, ST_FAIL, NET_REFUSED, -1, 1000);
    put(&f, 0, 1, ST_FAIL, NET_REFUSED, -1, 1000);
    put(&f, 1, 0, ST_OK, NET_OK, -1, 1000);
    put(&f, 1, 1, ST_OK, NET_OK, 100, 1000);
    put(&f, 1, 1, ST_OK, NET_OK, 600, 6000);
    char *t = render(&f);
    assert_well_formed(t);
    assert_float_equal(value_of(t, "lgtmtop_build_info{version=\"" LGTMTOP_VERSION "\"}"), 1, 0);
    assert_float_equal(value_of(t, "lgtmtop_sweeps_total"), 3, 0);
    assert_non_null(strstr(t, "# TYPE lgtmtop_sweeps_total counter\n"));
    assert_float_equal(value_of(t, "lgtmtop_sweep_duration_seconds"), 1.25, 1e-9);
    assert_non_null(strstr(t, "lgtmtop_sweep_last_success_timestamp_seconds 1764442806.5\n"));
    /* state sets: exactly the current status is 1 */
    assert_float_equal(value_of(t, "lgtmtop_component_status{stack=\"prod\",component=\"mimir\",status=\"fail\"}"), 1,
                       0);
    assert_float_equal(value_of(t, "lgtmtop_component_status{stack=\"prod\",component=\"mimir\",status=\"ok\"}"), 0, 0);
    assert_float_equal(value_of(t, "lgtmtop_check_status{stack=\"prod\",component=\"tempo\",check=\"metrics\","
                                   "status=\"ok\"}"),
                       1, 0);
    assert_float_equal(value_of(t, "lgtmtop_component_up{stack=\"prod\",component=\"mimir\"}"), 0, 0);
    assert_float_equal(value_of(t, "lgtmtop_check_status_changes_total{stack=\"prod\",component=\"tempo\","
                                   "check=\"ready\"}"),
                       0, 0);
    assert_float_equal(value_of(t, "lgtmtop_component_up{stack=\"prod\",component=\"tempo\"}"), 1, 0);
    assert_float_equal(value_of(t, "lgtmtop_component_ready{stack=\"prod\",component=\"tempo\"}"), 1, 0);
    assert_float_equal(value_of(t, "lgtmtop_component_spans_received_per_second{stack=\"prod\",component=\"tempo\"}"),
                       100, 1e-9);
    /* phases add up to the total */
    const char *base = "lgtmtop_check_phase_duration_seconds{stack=\"prod\",component=\"tempo\",check=\"ready\",phase=";
    double sum = 0;
    static const char *const phases[] = {"dns", "connect", "tls", "first_byte", "transfer"};
    for (size_t i = 0; i < 5; i++) {
        char series[256];
        snprintf(series, sizeof series, "%s\"%s\"}", base, phases[i]);
        double v = value_of(t, series);
        assert_false(isnan(v));
        sum += v;
    }
    assert_float_equal(sum, 0.0125, 1e-9);
    assert_float_equal(
            value_of(t, "lgtmtop_check_duration_seconds{stack=\"prod\",component=\"tempo\",check=\"ready\"}"), 0.0125,
            1e-9);
    assert_float_equal(value_of(t, "lgtmtop_check_value{stack=\"prod\",component=\"tempo\",check=\"ready\","
                                   "key=\"targets_down\"}"),
                       2, 0);
    /* no phases for a request that got no answer; the counter is a rate, not a value */
    assert_null(strstr(t, "component=\"mimir\",check=\"ready\",phase="));
    assert_null(strstr(t, "key=\"spans_received_total\""));
    /* URLs as the state holds them: redacted */
    assert_non_null(strstr(t, "url=\"http://***@mimir:9009\""));
    /* the unreachable Mimir is a finding */
    assert_non_null(strstr(t, "lgtmtop_finding{stack=\"prod\",component=\"mimir\",id=\""));
    assert_non_null(strstr(t, "severity=\"fail\"} 1\n"));
    free(t);
    cleanup(&f);
}

static void test_label_escaping(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f, "a\"b\\c\nd\x1b[31m");
    put(&f, 1, 0, ST_OK, NET_OK, -1, 1000);
    char *t = render(&f);
    assert_well_formed(t);
    /* quote and backslash escaped; the newline becomes a space, the escape sequence goes */
    assert_non_null(strstr(t, "lgtmtop_stack_status{stack=\"a\\\"b\\\\c d\",status=\"ok\"} 1\n"));
    assert_null(strstr(t, "\x1b"));
    free(t);
    cleanup(&f);
}

static void test_before_any_result(void **st)
{
    (void)st;
    struct fixture f;
    setup_state(&f, "prod");
    struct metrics_meta m = {.now_mono_ms = 1, .now_wall_ms = 1000};
    char *t = metrics_text(&f.s, &m);
    assert_well_formed(t);
    assert_float_equal(value_of(t, "lgtmtop_ready"), 0, 0);
    assert_float_equal(value_of(t, "lgtmtop_check_status{stack=\"prod\",component=\"mimir\",check=\"ready\","
                                   "status=\"unknown\"}"),
                       1, 0);
    assert_null(strstr(t, "lgtmtop_component_up{"));          /* not known yet */
    assert_null(strstr(t, "lgtmtop_sweep_duration_seconds")); /* no sweep finished */
    free(t);
}

static void test_number(void **st)
{
    (void)st;
    char b[40];
    assert_string_equal(metrics_number(3, b, sizeof b), "3");
    assert_string_equal(metrics_number(-0.25, b, sizeof b), "-0.25");
    assert_string_equal(metrics_number(1764442806.5, b, sizeof b), "1764442806.5");
    assert_string_equal(metrics_number(NAN, b, sizeof b), "NaN");
    assert_string_equal(metrics_number(INFINITY, b, sizeof b), "+Inf");
    assert_string_equal(metrics_number(-INFINITY, b, sizeof b), "-Inf");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_families_and_values),
            cmocka_unit_test(test_label_escaping),
            cmocka_unit_test(test_before_any_result),
            cmocka_unit_test(test_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
