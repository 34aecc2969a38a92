#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
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

    /* serve: loopback by default; --listen ADDR:PORT, [IPv6]:PORT, :PORT */
    assert_int_equal(parse(&c, err, ARGS("serve", "-c", "x.yaml", "-i", "30s")), 0);
    assert_int_equal(c.mode, CLI_SERVE);
    assert_string_equal(c.listen_host, "127.0.0.1");
    assert_string_equal(c.listen_port, "9689");
    assert_int_equal(c.interval_ms, 30000);
    const struct {
        const char *arg, *host, *port;
    } listens[] = {{"0.0.0.0:9100", "0.0.0.0", "9100"},
                   {"[::1]:19689", "::1", "19689"},
                   {":9689", "", "9689"},
                   {"localhost:0", "localhost", "0"}};
    for (size_t i = 0; i < sizeof listens / sizeof listens[0]; i++) {
        assert_int_equal(parse(&c, err, ARGS("serve", "--listen", listens[i].arg)), 0);
        assert_string_equal(c.listen_host, listens[i].host);
        assert_string_equal(c.listen_port, listens[i].port);
    }
}

static void test_subcommands(void **st)
{
    (void)st;
    struct cli c;
    char err[256];
    /* options anywhere: before, between and after the words of the subcommand */
    assert_int_equal(parse(&c, err, ARGS("-c", "x.yaml", "config", "--strict", "check")), 0);
    assert_int_equal(c.mode, CLI_CONFIG_CHECK);
    assert_true(c.strict);
    assert_string_equal(c.config_path, "x.yaml");
    assert_int_equal(parse(&c, err, ARGS("-o", "out.yaml", "init", "--grafana", "http://g:3000", "--force")), 0);
    assert_int_equal(c.mode, CLI_INIT);
    assert_string_equal(c.urls[COMP_GRAFANA], "http://g:3000");
    assert_string_equal(c.output, "out.yaml");
    assert_true(c.force);
    assert_int_equal(parse(&c, err, ARGS("--from-grafana", "http://g:3000", "check", "--grafana-token-file", "t")), 0);
    assert_int_equal(c.mode, CLI_CHECK);
    assert_string_equal(c.from_grafana, "http://g:3000");
    assert_string_equal(c.grafana_token_file, "t");
    /* words keep their order, and options stay "anywhere" under POSIXLY_CORRECT too */
    setenv("POSIXLY_CORRECT", "1", 1);
    assert_int_equal(parse(&c, err, ARGS("config", "check", "-c", "x.yaml", "--strict")), 0);
    assert_int_equal(c.mode, CLI_CONFIG_CHECK);
    assert_true(c.strict);
    assert_int_equal(parse(&c, err, ARGS("check", "--json", "--", "extra")), -1);
    assert_non_null(strstr(err, "unexpected argument 'extra'"));
    unsetenv("POSIXLY_CORRECT");
    /* help per subcommand: --help anywhere, or lgtmtop help CMD */
    const struct {
        const char *const *args;
        enum cli_mode help_for;
    } helps[] = {
            {ARGS("check", "--help"), CLI_CHECK},
            {ARGS("--help", "init"), CLI_INIT},
            {ARGS("config", "check", "-h"), CLI_CONFIG_CHECK},
            {ARGS("config", "--help"), CLI_CONFIG_CHECK},
            {ARGS("help", "check"), CLI_CHECK},
            {ARGS("help", "config", "check"), CLI_CONFIG_CHECK},
            {ARGS("--help"), CLI_DEFAULT},
            {ARGS("tui", "-h"), CLI_TUI},
    };
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        assert_int_equal(parse(&c, err, helps[i].args), 0);
        assert_int_equal(c.mode, CLI_HELP);
        if (c.help_for != helps[i].help_for)
            fail_msg("help row %zu: help for %d, want %d", i, c.help_for, helps[i].help_for);
    }
}

/* Each subcommand's help lists its own options only. */
static void test_help_text(void **st)
{
    (void)st;
    static const struct {
        enum cli_mode mode;
        const char *has[3];
        const char *hasnt[3];
    } rows[] = {
            {CLI_CHECK, {"usage: lgtmtop check", "--json", "--wait DUR"}, {"--output", "--strict", "--force"}},
            {CLI_INIT,
             {"usage: lgtmtop init", "-o, --output FILE", "--grafana-token-file FILE"},
             {"--json", "--wait", "--stack"}},
            {CLI_CONFIG_CHECK,
             {"usage: lgtmtop config check", "--strict", "-c, --config FILE"},
             {"--json", "--grafana", "--only"}},
            {CLI_TUI, {"usage: lgtmtop [tui]", "--ascii", "Keys:"}, {"--json", "--output", "--strict"}},
            {CLI_SERVE, {"usage: lgtmtop serve", "--listen ADDR:PORT", "/metrics"}, {"--output", "--wait", "--ascii"}},
            {CLI_DEFAULT, {"config check", "init", "lgtmtop COMMAND --help"}, {"--output", "--strict", NULL}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        cli_usage_for(f, rows[i].mode);
        fclose(f);
        if (strstr(text, " \n"))
            fail_msg("help %zu: a line ends in a blank:\n%s", i, text);
        for (size_t j = 0; j < 3; j++) {
            if (rows[i].has[j] && !strstr(text, rows[i].has[j]))
                fail_msg("help %zu: expected \"%s\" in:\n%s", i, rows[i].has[j], text);
            if (rows[i].hasnt[j] && strstr(text, rows[i].hasnt[j]))
                fail_msg("help %zu: \"%s\" must not be in:\n%s", i, rows[i].hasnt[j], text);
        }
        free(text);
    }
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
            {ARGS("init", "--json"), "--json only applies to 'lgtmtop check'"},
            {ARGS("check", "-o", "x.yaml"), "--output only applies to 'lgtmtop init'"},
            {ARGS("config", "check", "--mimir", "http://m:9009"), "--mimir only applies to 'lgtmtop tui' and"},
            {ARGS("init", "--force"), "--force only makes sense with -o FILE"},
            {ARGS("config"), "'lgtmtop config' needs a subcommand"},
            {ARGS("config", "lint"), "'lgtmtop config' needs a subcommand"},
            {ARGS("check", "--grafana-token-file", "t"), "needs --from-grafana"},
            {ARGS("check", "-c", "x", "--from-grafana", "http://g:3000"), "exclude each other"},
            {ARGS("check", "--from-grafana", "grafana:3000"), "--from-grafana: it has no http:// or https:// scheme"},
            {ARGS("init", "--strict"), "--strict only applies to 'lgtmtop config check'"},
            {ARGS("serve", "--json"), "--json only applies to 'lgtmtop check'"},
            {ARGS("check", "--listen", ":9689"), "--listen only applies to 'lgtmtop serve'"},
            {ARGS("serve", "--listen", "9689"), "--listen: bad address '9689'"},
            {ARGS("serve", "--listen", "::1:9689"), "--listen: bad address"},
            {ARGS("serve", "--listen", "host:http"), "--listen: bad address"},
            {ARGS("serve", "--listen", "host:70000"), "--listen: bad address"},
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
            cmocka_unit_test(test_subcommands),
            cmocka_unit_test(test_help_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
