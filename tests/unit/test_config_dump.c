/* Tests for config_dump (lgtmtop config check's output) and the ${VAR} record behind it: rows of
 * config text and environment -> what the dump must and must not contain; every dump loads
 * again and dumps to the same text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/config_dump.h"

static const char *fake_getenv(const char *name, void *ud)
{
    const char *const *env = ud;
    for (size_t i = 0; env && env[i]; i += 2)
        if (strcmp(env[i], name) == 0)
            return env[i + 1];
    return NULL;
}

#define ENV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_ENV ((const char *const[]){NULL})

static const struct dump_row {
    const char *yaml;
    const char *const *env;
    const char *want[6];
    const char *never[4];
} rows[] = {
        {"mimir: http://mimir:9009\n",
         NO_ENV,
         {"interval: 5s\n", "  - name: \"default\"\n", "      url: \"http://mimir:9009\"\n",
          "      prefix: \"/prometheus\"\n", "      query: \"up\"\n", "max_body: 8MiB\n"},
         {"loki:"}},
        {"stacks:\n  - name: p\n    grafana: { url: http://g:3000, token: \"${TOK}\" }\n",
         ENV("TOK", "s3cr3t-tok"),
         {"      token: \"<redacted>\"\n", "#   ${TOK} (line 3, stacks[0].grafana.token): set\n"},
         {"s3cr3t-tok"}},
        {"loki:\n  url: \"http://user:s3cr3t-pw@loki:3100\"\n  basic_auth: { username: u, password: s3cr3t-b }\n",
         NO_ENV,
         {"      url: \"http://***@loki:3100\"\n", "        username: \"u\"\n", "        password: \"<redacted>\"\n"},
         {"s3cr3t-pw", "s3cr3t-b"}},
        {"mimir: { url: http://m:9009, tenant: \"${T}\" }\nloki: \"${L:-http://l:3100}\"\n",
         NO_ENV,
         {"#   ${T} (line 1, mimir.tenant): NOT SET, expands to nothing\n",
          "#   ${L} (line 2, loki): not set, the default applies\n", "      url: \"http://l:3100\"\n"},
         {"tenant:"}},
        {"interval: 1m30s\ntimeout: 1500ms\nmax_in_flight: 12\ntempo: http://tempo:3200\n",
         NO_ENV,
         {"interval: 90s\n", "timeout: 1500ms\n", "max_in_flight: 12\n", "      otlp_http: \"http://tempo:4318\"\n",
          "      otlp_grpc: \"tempo:4317\"\n", "      search_window: 15m\n"},
         {NULL}},
        {"stacks:\n  - name: s\n    canary: false\n    loki: http://l:3100\n    grafana:\n      url: http://g:3000\n"
         "      deprecated_datasources: { old: new }\n      expect_rule_groups: [a, \"F/b\"]\n"
         "    checks:\n      - { name: c1, logql: '{app=\"x\"} |= \"$$y\"', expect: \"== 0\", window: 10m }\n"
         "      - { name: h, http: \"http://gw/h\", expect_status: [200, 204], max_latency: 2s }\n",
         NO_ENV,
         {"    canary: false\n", "        \"old\": \"new\"\n", "      expect_rule_groups: [\"a\", \"F/b\"]\n",
          "        logql: \"{app=\\\"x\\\"} |= \\\"$$y\\\"\"\n", "        window: 10m\n",
          "        expect_status: [200, 204]\n"},
         {NULL}},
};

static void test_rows(void **st)
{
    (void)st;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct config cfg, again;
        char err[512];
        const struct dump_row *r = &rows[i];
        if (config_parse(r->yaml, strlen(r->yaml), "t.yaml", fake_getenv, (void *)r->env, &cfg, err, sizeof err))
            fail_msg("row %zu: %s", i, err);
        char *text = config_dump(&cfg);
        for (size_t j = 0; j < 6 && r->want[j]; j++)
            if (!strstr(text, r->want[j]))
                fail_msg("row %zu: expected \"%s\" in:\n%s", i, r->want[j], text);
        for (size_t j = 0; j < 4 && r->never[j]; j++)
            if (strstr(text, r->never[j]))
                fail_msg("row %zu: \"%s\" must not appear in:\n%s", i, r->never[j], text);
        /* the dump is a config meaning the same: it dumps to the same text (but its comments) */
        if (config_parse(text, strlen(text), "dump.yaml", fake_getenv, (void *)NO_ENV, &again, err, sizeof err))
            fail_msg("row %zu: the dump does not load: %s\n%s", i, err, text);
        char *text2 = config_dump(&again);
        const char *a = strstr(text, "\ninterval:"), *b = strstr(text2, "\ninterval:");
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
        free(text2);
        free(text);
        config_free(&again);
        config_free(&cfg);
    }
}

static void test_vars_only_needed(void **st)
{
    (void)st;
    struct config cfg;
    char err[256];
    /* the default's own variable is looked up only when the outer one is unset */
    const char *y = "loki: \"${A:-${B:-http://l:3100}}\"\n";
    assert_int_equal(config_parse(y, strlen(y), "t", fake_getenv, (void *)ENV("A", "http://a:1"), &cfg, err, 256), 0);
    assert_int_equal(cfg.nvars, 1);
    assert_string_equal(cfg.vars[0].name, "A");
    assert_true(cfg.vars[0].set);
    config_free(&cfg);
    assert_int_equal(config_parse(y, strlen(y), "t", fake_getenv, (void *)NO_ENV, &cfg, err, 256), 0);
    assert_int_equal(cfg.nvars, 2);
    assert_string_equal(cfg.vars[1].name, "B");
    assert_true(cfg.vars[1].has_default && !cfg.vars[1].set);
    config_free(&cfg);
}

static void test_duration(void **st)
{
    (void)st;
    static const struct {
        long ms;
        const char *text;
    } d[] = {{500, "500ms"}, {1500, "1500ms"}, {5000, "5s"}, {90000, "90s"}, {120000, "2m"}, {7200000, "2h"}};
    char out[32];
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        assert_string_equal(config_dump_duration(d[i].ms, out, sizeof out), d[i].text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rows),
            cmocka_unit_test(test_vars_only_needed),
            cmocka_unit_test(test_duration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
