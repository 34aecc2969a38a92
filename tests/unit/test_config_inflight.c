/* The max_in_flight: top-level key (how many requests run at once): parsed, defaulted, and
 * rejected with a message that says what to write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"

static const char *no_env(const char *name, void *ud)
{
    (void)name;
    (void)ud;
    return NULL;
}

static int parse(const char *yaml, struct config *cfg, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof(*cfg));
    return config_parse(yaml, strlen(yaml), "lgtmtop.yaml", no_env, NULL, cfg, err, errlen);
}

static void test_max_in_flight_parsed(void **st)
{
    (void)st;
    struct config cfg;
    char err[512] = "";
    assert_int_equal(parse("max_in_flight: 32\nloki: http://loki:3100\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.max_in_flight, 32);
    config_free(&cfg);
    assert_int_equal(parse("max_in_flight: 10000\nloki: http://loki:3100\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.max_in_flight, 10000);
    config_free(&cfg);
}

static void test_max_in_flight_default(void **st)
{
    (void)st;
    struct config cfg;
    char err[512] = "";
    assert_int_equal(parse("loki: http://loki:3100\n", &cfg, err, sizeof err), 0);
    assert_int_equal(cfg.max_in_flight, 0); /* 0 = the engine's default */
    config_free(&cfg);
    struct engine *e = engine_new();
    engine_set_max_inflight(e, cfg.max_in_flight);
    size_t def =
            ENGINE_DEFAULT_MAX_INFLIGHT < engine_inflight_cap() ? ENGINE_DEFAULT_MAX_INFLIGHT : engine_inflight_cap();
    assert_int_equal(engine_max_inflight(e), def); /* the default, within the open-file limit */
    engine_free(e);
}

static void test_max_in_flight_rejected(void **st)
{
    (void)st;
    static const struct {
        const char *yaml, *want;
    } rows[] = {
            {"max_in_flight: 0\n", "lgtmtop.yaml:1"},
            {"max_in_flight: 0\n", "too small — use between 1 and 10000"},
            {"max_in_flight: 10001\n", "too large — use between 1 and 10000"},
            {"max_in_flight: 99999999999999\n", "bad number"},
            {"max_in_flight: -5\n", "bad number \"-5\" — write a whole number, like 256"},
            {"max_in_flight: 2.5\n", "bad number"},
            {"max_in_flight: lots\n", "bad number"},
            {"max_in_flight: [1]\n", "max_in_flight"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct config cfg;
        char err[512] = "";
        if (parse(rows[i].yaml, &cfg, err, sizeof err) == 0) {
            config_free(&cfg);
            fail_msg("row %zu: \"%s\" was accepted", i, rows[i].yaml);
        }
        if (!strstr(err, rows[i].want))
            fail_msg("row %zu: expected \"%s\" in \"%s\"", i, rows[i].want, err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_max_in_flight_parsed),
            cmocka_unit_test(test_max_in_flight_default),
            cmocka_unit_test(test_max_in_flight_rejected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
