/* Tests for init: datasource JSON -> component kind, Mimir URL + prefix, and the config text
 * (which must load, keep uids in comments, write tenant/password placeholders, never a secret,
 * and propose deprecated_datasources only when exactly one datasource of the type exists). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "fixture.h"
#include "lgtmtop/config.h"
#include "lgtmtop/init.h"

static const char *no_env(const char *name, void *ud)
{
    (void)name, (void)ud;
    return NULL;
}

static void test_kind_rows(void **st)
{
    (void)st;
    static const struct {
        const char *json;
        int kind;
    } rows[] = {
            {"{\"type\":\"prometheus\",\"url\":\"http://prom:9090\"}", COMP_PROMETHEUS},
            {"{\"type\":\"prometheus\",\"url\":\"http://mimir:9009/prometheus\"}", COMP_MIMIR},
            {"{\"type\":\"prometheus\",\"url\":\"http://c:80/api/prom\"}", COMP_MIMIR},
            {"{\"type\":\"prometheus\",\"url\":\"http://gw/mimir/prometheus/\"}", COMP_MIMIR},
            {"{\"type\":\"prometheus\",\"url\":\"http://prom:9090/prom\"}", COMP_PROMETHEUS},
            {"{\"type\":\"prometheus\",\"url\":\"http://m\",\"jsonData\":{\"prometheusType\":\"Mimir\"}}", COMP_MIMIR},
            {"{\"type\":\"prometheus\",\"url\":\"http://p/x\",\"jsonData\":{\"prometheusType\":\"Prometheus\"}}",
             COMP_PROMETHEUS},
            {"{\"type\":\"loki\",\"url\":\"http://loki:3100\"}", COMP_LOKI},
            {"{\"type\":\"tempo\",\"url\":\"http://tempo:3200\"}", COMP_TEMPO},
            {"{\"type\":\"alertmanager\",\"url\":\"http://am\"}", -1},
            {"{\"type\":\"elasticsearch\"}", -1},
            {"{}", -1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cJSON *j = cJSON_Parse(rows[i].json);
        if (init_ds_kind(j) != rows[i].kind)
            fail_msg("row %zu (%s): kind %d, want %d", i, rows[i].json, init_ds_kind(j), rows[i].kind);
        cJSON_Delete(j);
    }
}

static void test_split_prefix(void **st)
{
    (void)st;
    static const char *rows[][3] = {
            {"http://mimir:9009/prometheus", "http://mimir:9009", "/prometheus"},
            {"http://mimir:9009/prometheus/", "http://mimir:9009", "/prometheus"},
            {"https://gw.example.com/api/prom", "https://gw.example.com", "/api/prom"},
            {"http://mimir:9009", "http://mimir:9009", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *base, *prefix;
        init_split_prefix(rows[i][0], &base, &prefix);
        assert_string_equal(base, rows[i][1]);
        assert_string_equal(prefix, rows[i][2]);
        free(base);
        free(prefix);
    }
}

static void test_stack_name(void **st)
{
    (void)st;
    static const char *rows[][2] = {
            {"https://grafana.example.com", "grafana"},
            {"http://127.0.0.1:3000", "default"},
            {"http://localhost:3000", "default"},
            {"http://u:p@ops-grafana:3000/", "ops-grafana"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        init_stack_name(rows[i][0], out, sizeof out);
        assert_string_equal(out, rows[i][1]);
    }
}

/* The text loads as a config; returns it parsed (caller frees). */
static void must_load(const char *text, struct config *cfg)
{
    char err[512];
    if (config_parse(text, strlen(text), "init.yaml", no_env, NULL, cfg, err, sizeof err))
        fail_msg("generated config does not load: %s\n%s", err, text);
}

#define assert_has(text, s)                                   \
    do {                                                      \
        if (!strstr((text), (s)))                             \
            fail_msg("expected \"%s\" in:\n%s", (s), (text)); \
    } while (0)
#define assert_hasnt(text, s)                                        \
    do {                                                             \
        if (strstr((text), (s)))                                     \
            fail_msg("\"%s\" must not appear in:\n%s", (s), (text)); \
    } while (0)

static void test_fixture_list(void **st)
{
    (void)st;
    char *raw = fixture_text("grafana/datasources_list_constructed.json");
    cJSON *list = cJSON_Parse(raw);
    struct init_missing missing[] = {{"grafana_prometheus", "prometheus", 3},
                                     {"old_loki", "loki", 1},
                                     {"gone_es", "elasticsearch", 2},
                                     {"legacy_name", "", 1}};
    struct init_input in = {.grafana_url = "https://admin:s3cr3t@grafana.example.com",
                            .token = INIT_TOKEN_FILE,
                            .token_file = "/run/secrets/grafana_token",
                            .dslist = list,
                            .missing = missing,
                            .nmissing = 4};
    char *text = init_from_grafana(&in);
    struct config cfg;
    must_load(text, &cfg);
    assert_int_equal(cfg.nstacks, 1);
    const struct stack_cfg *s = &cfg.stacks[0];
    assert_string_equal(s->name, "grafana");
    assert_string_equal(s->comp[COMP_MIMIR].url, "http://mimir-nginx");
    assert_string_equal(s->comp[COMP_MIMIR].prefix, "/prometheus");
    assert_string_equal(s->comp[COMP_LOKI].url, "http://loki-gateway");
    assert_string_equal(s->comp[COMP_TEMPO].url, "http://tempo-query-frontend:3200");
    assert_false(s->comp[COMP_PROMETHEUS].enabled);
    assert_string_equal(s->comp[COMP_GRAFANA].token_file, "/run/secrets/grafana_token");
    assert_int_equal(s->comp[COMP_GRAFANA].ndeprecated_ds, 2);
    assert_string_equal(s->comp[COMP_GRAFANA].deprecated_ds[0], "grafana_prometheus");
    assert_string_equal(s->comp[COMP_GRAFANA].deprecated_ds[1], "prometheus");
    assert_string_equal(s->comp[COMP_GRAFANA].deprecated_ds[2], "old_loki");
    assert_string_equal(s->comp[COMP_GRAFANA].deprecated_ds[3], "loki");
    assert_has(text, "# Grafana datasource Mimir (uid: prometheus, type: prometheus, default)\n");
    assert_has(text, "# Grafana datasource Tempo (uid: tempo, type: tempo)\n");
    assert_has(text, "      tenant: \"${MIMIR_TENANT}\"\n");
    assert_has(
            text,
            "# dashboards reference the missing datasource gone_es (2 references); no datasource of its type exists");
    assert_has(text, "missing datasource legacy_name (1 reference); its type is not known: map it by hand\n");
    assert_has(text, "# not checked: datasource Mimir Alertmanager (uid: alertmanager, type: alertmanager)\n");
    assert_has(text, "    grafana:\n      url: \"https://grafana.example.com\"\n");
    assert_hasnt(text, "s3cr3t");
    config_free(&cfg);
    free(text);
    cJSON_Delete(list);
    free(raw);
}

static void test_several_of_a_kind(void **st)
{
    (void)st;
    const char *json =
            "[{\"uid\":\"p1\",\"name\":\"Prom A\",\"type\":\"prometheus\",\"url\":\"http://pa:9090\"},"
            "{\"uid\":\"p2\",\"name\":\"Prom B\",\"type\":\"prometheus\",\"url\":\"http://pb:9090\",\"isDefault\":true},"
            "{\"uid\":\"l1\",\"name\":\"Logs\",\"type\":\"loki\",\"url\":\"https://logs.example.net\","
            "\"basicAuth\":true,\"basicAuthUser\":\"12345\",\"jsonData\":{\"httpHeaderName1\":\"x-scope-orgid\"}},"
            "{\"uid\":\"t1\",\"name\":\"T\",\"type\":\"tempo\",\"url\":\"not a url\"}]";
    cJSON *list = cJSON_Parse(json);
    struct init_missing missing[] = {{"old_prom", "prometheus", 1}};
    struct init_input in = {.grafana_url = "http://127.0.0.1:3000",
                            .token = INIT_TOKEN_ENV,
                            .dslist = list,
                            .missing = missing,
                            .nmissing = 1};
    char *text = init_from_grafana(&in);
    struct config cfg;
    must_load(text, &cfg);
    assert_int_equal(cfg.nstacks, 2);
    assert_string_equal(cfg.stacks[0].name, "default");
    assert_string_equal(cfg.stacks[0].comp[COMP_PROMETHEUS].url, "http://pb:9090"); /* the default one */
    assert_string_equal(cfg.stacks[1].name, "prometheus-1");
    assert_string_equal(cfg.stacks[1].comp[COMP_PROMETHEUS].url, "http://pa:9090");
    assert_string_equal(cfg.stacks[0].comp[COMP_LOKI].basic_user, "12345");
    assert_false(cfg.stacks[0].comp[COMP_TEMPO].enabled);
    assert_has(text, "      tenant: \"${LOKI_TENANT}\"\n");
    assert_has(text, "password: \"${LOKI_PASSWORD}\"");
    assert_has(text, "      token: \"${GRAFANA_TOKEN}\"");
    assert_has(text, "old_prom (1 reference); several datasources of its type exist");
    assert_hasnt(text, "deprecated_datasources:");
    assert_has(text, "(uid: t1, type: tempo): no http(s) URL\n");
    config_free(&cfg);
    free(text);
    cJSON_Delete(list);
}

/* Datasource names and users from Grafana are server text: the config written is clean. */
static void test_hostile_names(void **st)
{
    (void)st;
    const char *json = "[{\"uid\":\"p1\",\"name\":\"Prom\\u001b]0;TITLE\\u0007 \\u009b2J\\u202eX\\u007f\","
                       "\"type\":\"prometheus\",\"url\":\"http://pa:9090\",\"basicAuth\":true,"
                       "\"basicAuthUser\":\"u\\u001b[31m\"},"
                       "{\"uid\":\"z\",\"name\":\"Other\\u001b[2J\",\"type\":\"zipkin\",\"url\":\"http://z:1\"}]";
    cJSON *list = cJSON_Parse(json);
    assert_non_null(list);
    struct init_input in = {.grafana_url = "http://127.0.0.1:3000", .token = INIT_TOKEN_ENV, .dslist = list};
    char *text = init_from_grafana(&in);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        assert_true(*p == '\n' || (*p >= 0x20 && *p != 0x7F));
    assert_hasnt(text, "TITLE");
    assert_hasnt(text, "2J");
    assert_hasnt(text, "\xc2\x9b");
    assert_hasnt(text, "\xe2\x80\xae");
    assert_has(text, "datasource Prom X  (uid: p1");
    free(text);
    cJSON_Delete(list);
}

static void test_credentials_in_urls(void **st)
{
    (void)st;
    static const char *rows[][3] = {
            {"http://u:p@h:3000/x", "http://h:3000/x", "u"},
            {"http://h:3000", "http://h:3000", NULL},
            {"https://only-user@h", "https://h", "only-user"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *user;
        char *bare = init_url_without_userinfo(rows[i][0], &user);
        assert_string_equal(bare, rows[i][1]);
        if (rows[i][2])
            assert_string_equal(user, rows[i][2]);
        else
            assert_null(user);
        free(bare);
        free(user);
    }
    const char *json = "[{\"uid\":\"m\",\"name\":\"M\",\"type\":\"prometheus\","
                       "\"url\":\"http://ops:s3cr3t@mimir:9009/prometheus\"}]";
    cJSON *list = cJSON_Parse(json);
    struct init_input in = {.grafana_url = "http://admin:s3cr3t@grafana:3000", .dslist = list};
    char *text = init_from_grafana(&in);
    struct config cfg;
    must_load(text, &cfg);
    assert_string_equal(cfg.stacks[0].comp[COMP_MIMIR].url, "http://mimir:9009");
    assert_string_equal(cfg.stacks[0].comp[COMP_MIMIR].basic_user, "ops");
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].basic_user, "admin");
    assert_has(text, "password: \"${GRAFANA_PASSWORD}\"");
    assert_has(text, "password: \"${MIMIR_PASSWORD}\"");
    assert_hasnt(text, "s3cr3t");
    config_free(&cfg);
    free(text);
    cJSON_Delete(list);
}

static void test_probe(void **st)
{
    (void)st;
    const char *urls[COMP_KIND_COUNT] = {
            [COMP_LOKI] = "http://localhost:3100", [COMP_GRAFANA] = "http://localhost:3000"};
    char *text = init_from_probe(urls);
    struct config cfg;
    must_load(text, &cfg);
    assert_true(cfg.stacks[0].comp[COMP_LOKI].enabled);
    assert_true(cfg.stacks[0].comp[COMP_GRAFANA].enabled);
    assert_false(cfg.stacks[0].comp[COMP_MIMIR].enabled);
    assert_false(cfg.stacks[0].comp[COMP_TEMPO].enabled);
    config_free(&cfg);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_kind_rows),           cmocka_unit_test(test_split_prefix),
            cmocka_unit_test(test_stack_name),          cmocka_unit_test(test_fixture_list),
            cmocka_unit_test(test_several_of_a_kind),   cmocka_unit_test(test_hostile_names),
            cmocka_unit_test(test_credentials_in_urls), cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
