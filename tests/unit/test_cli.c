#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lgtmtop/cli.h"

static int parse(struct cli *c, char *err, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "lgtmtop";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return cli_parse(argc, argv, c, err, 256);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_modes_and_options(void **st)
{
    (void)st;
    struct cli c;
    char err[256];
    assert_int_equal(parse(&c, err, ARGS("check", "--json", "-c", "x.yaml", "--stack", "prod")), 0);
    assert_int_equal(c.mode, CLI_CHECK);
    assert_true(c.json);
    assert_string_equal(c.config_path, "x.yaml");
    assert_string_equal(c.stack, "prod");

    assert_int_equal(
            parse(&c, err, ARGS("--tempo", "http://tempo.railway.internal:3200", "check", "-t", "2s", "--wait", "1m")),
            0);
    assert_string_equal(c.urls[COMP_TEMPO], "http://tempo.railway.internal:3200");
    assert_int_equal(c.timeout_ms, 2000);
    assert_int_equal(c.wait_ms, 60000);

    assert_int_equal(parse(&c, err, ARGS("--only", "tempo,grafana", "-i", "10s", "--no-color", "--ascii")), 0);
    assert_int_equal(c.mode, CLI_DEFAULT);
    assert_int_equal(c.only_mask, (1u << COMP_TEMPO) | (1u << COMP_GRAFANA));
    assert_int_equal(c.interval_ms, 10000);
    assert_true(c.no_color && c.ascii);

    assert_int_equal(parse(&c, err, ARGS("--json")), 0); /* --json implies check */
    assert_int_equal(c.mode, CLI_CHECK);
    assert_int_equal(parse(&c, err, ARGS("-V")), 0);
    assert_int_equal(c.mode, CLI_VERSION);
    assert_int_equal(parse(&c, err, ARGS("tui")), 0);
    assert_int_equal(c.mode, CLI_TUI);
}

static void test_errors(void **st)
{
    (void)st;
    const struct {
        const char *const *args;
        const char *msg;
    } rows[] = {
            {ARGS("chek"), "unknown command 'chek'"},
            {ARGS("--bogus"), "unknown option --bogus"},
            {ARGS("-c"), "needs a value"},
            {ARGS("check", "-t", "5 seconds"), "--timeout: bad duration '5 seconds'"},
            {ARGS("--only", "tempo,jaeger"), "unknown component 'jaeger'"},
            {ARGS("--mimir", "ftp://mimir"), "--mimir:"},
            {ARGS("tui", "--json"), "--json only applies to 'lgtmtop check'"},
            {ARGS("check", "extra"), "unexpected argument 'extra'"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct cli c;
        char err[256];
        assert_int_equal(parse(&c, err, rows[i].args), -1);
        if (!strstr(err, rows[i].msg))
            fail_msg("row %zu: '%s' does not contain '%s'", i, err, rows[i].msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_modes_and_options),
            cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
