/* Tests for config: YAML schema, ${VAR} interpolation, error messages, zero-config, secret files,
 * file lookup and overrides. The environment is always a fake (fake_getenv) unless a test says. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lgtmtop/config.h"
#include "lgtmtop/util.h"

#define SECRET "s3cr3t-VALUE-xyz"

/* ---- helpers ---- */

/* env is a NULL-terminated list of name, value pairs. */
static const char *fake_getenv(const char *name, void *ud)
{
    const char *const *env = ud;
    for (size_t i = 0; env && env[i]; i += 2)
        if (strcmp(env[i], name) == 0)
            return env[i + 1];
    return NULL;
}

static const char *no_env[] = {NULL};

#define assert_contains(hay, needle)                                       \
    do {                                                                   \
        const char *h_ = (hay), *n_ = (needle);                            \
        if (!h_ || !strstr(h_, n_))                                        \
            fail_msg("expected \"%s\" in \"%s\"", n_, h_ ? h_ : "(null)"); \
    } while (0)

#define assert_not_contains(hay, needle)                         \
    do {                                                         \
        const char *h_ = (hay), *n_ = (needle);                  \
        if (h_ && strstr(h_, n_))                                \
            fail_msg("did not expect \"%s\" in \"%s\"", n_, h_); \
    } while (0)

static void parse_ok(const char *yaml, const char *const *env, struct config *cfg)
{
    char err[512] = "";
    int rc = config_parse(yaml, strlen(yaml), "lgtmtop.yaml", fake_getenv, (void *)env, cfg, err, sizeof err);
    if (rc != 0)
        fail_msg("parse failed: %s", err);
}

/* Parses text that must fail; returns the message (static buffer). */
static const char *parse_err(const char *yaml, const char *const *env)
{
    static char err[1024];
    struct config cfg;
    err[0] = '\0';
    int rc = config_parse(yaml, strlen(yaml), "lgtmtop.yaml", fake_getenv, (void *)env, &cfg, err, sizeof err);
    if (rc != -1) {
        config_free(&cfg);
        fail_msg("parse of <<%s>> succeeded, expected an error", yaml);
    }
    assert_null(cfg.stacks); /* nothing left to free after an error */
    assert_true(err[0] != '\0');
    return err;
}

static char tmpdir[256];

static int setup_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/lgtmtop-test-config-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmpdir(void **state)
{
    char cmd[PATH_MAX + 16];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes a file under tmpdir with the given mode; returns its path (static ring of buffers). */
static const char *write_tmp(const char *name, const char *content, mode_t mode)
{
    static char paths[4][PATH_MAX];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

/* A mkstemp file holding content, chmod mode. Caller frees the path. */
static char *temp_secret(const char *content, mode_t mode)
{
    char *path = xasprintf("%s/secret-XXXXXX", tmpdir);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

/* ---- component kinds ---- */

static void test_comp_kind_helpers(void **state)
{
    (void)state;
    assert_string_equal(comp_kind_name(COMP_MIMIR), "mimir");
    assert_string_equal(comp_kind_name(COMP_PROMETHEUS), "prometheus");
    assert_int_equal(comp_kind_from_name("tempo"), COMP_TEMPO);
    assert_int_equal(comp_kind_from_name("grafana"), COMP_GRAFANA);
    assert_int_equal(comp_kind_from_name("Mimir"), -1);
    assert_int_equal(comp_kind_from_name(NULL), -1);
    assert_int_equal(comp_kind_default_port(COMP_MIMIR), 9009);
    assert_int_equal(comp_kind_default_port(COMP_LOKI), 3100);
    assert_int_equal(comp_kind_default_port(COMP_TEMPO), 3200);
    assert_int_equal(comp_kind_default_port(COMP_GRAFANA), 3000);
    assert_int_equal(comp_kind_default_port(COMP_PROMETHEUS), 9090);
}

/* ---- interpolation ---- */

static const char *interp_env[] = {"A", "1", "HOST", "mimir", "PORT", "9009", "EMPTY", "", NULL};

static void check_interp(const char *in, const char *want)
{
    char err[256] = "";
    char *got = config_interpolate(in, fake_getenv, (void *)interp_env, err, sizeof err);
    if (!got)
        fail_msg("interpolating \"%s\" failed: %s", in, err);
    if (strcmp(got, want) != 0)
        fail_msg("interpolating \"%s\": got \"%s\", want \"%s\"", in, got, want);
    free(got);
}

static void check_interp_fails(const char *in, const char *want_err)
{
    char err[256] = "";
    char *got = config_interpolate(in, fake_getenv, (void *)interp_env, err, sizeof err);
    if (got)
        fail_msg("interpolating \"%s\" gave \"%s\", expected an error", in, got);
    assert_contains(err, want_err);
}

static void test_interpolate(void **state)
{
    (void)state;
    check_interp("", "");
    check_interp("plain", "plain");
    check_interp("${A}", "1");
    check_interp("${NOPE}", "");
    check_interp("${NOPE:-dflt}", "dflt");
    check_interp("${EMPTY:-dflt}", "dflt"); /* empty counts as unset */
    check_interp("${EMPTY}", "");
    check_interp("${A:-dflt}", "1");
    check_interp("${NOPE:-}", "");
    check_interp("http://${HOST}:${PORT}/x", "http://mimir:9009/x");
    check_interp("pre${A}post", "pre1post");
    check_interp("$$", "$");
    check_interp("$${A}", "${A}");
    check_interp("a$$b$$$$", "a$b$$");
    check_interp("cost $5 and $A", "cost $5 and $A"); /* a lone $ is text */
    check_interp("ends in $", "ends in $");
    check_interp("${NOPE:-http://${HOST}:3100}", "http://mimir:3100");
    check_interp("${NOPE:-x${NOPE2:-y}z}", "xyz");
    check_interp("${NOPE:-a:-b}", "a:-b");
    check_interp("${A}}", "1}");
    check_interp_fails("${A", "unterminated \"${\"");
    check_interp_fails("x${NOPE:-${A}", "unterminated");
    check_interp_fails("${}", "bad variable reference");
    check_interp_fails("${1A}", "bad variable reference");
    check_interp_fails("${A B}", "bad variable reference");
    check_interp_fails("${A-dflt}", "${NAME:-default}");
}

static void test_interpolate_real_env(void **state)
{
    (void)state;
    char err[64];
    setenv("LGTMTOP_TEST_CONFIG_VAR", "from-env", 1);
    char *s = config_interpolate("<${LGTMTOP_TEST_CONFIG_VAR}>", NULL, NULL, err, sizeof err);
    assert_string_equal(s, "<from-env>");
    free(s);
    unsetenv("LGTMTOP_TEST_CONFIG_VAR");
}

/* ---- valid configs ---- */

static const char full_yaml[] =
        "# every key lgtmtop knows\n"         /* 1 */
        "interval: 10s\n"                     /* 2 */
        "timeout: 3s\n"                       /* 3 */
        "connect_timeout: 1500ms\n"           /* 4 */
        "max_body: 4MiB\n"                    /* 5 */
        "stacks:\n"                           /* 6 */
        "  - name: production\n"              /* 7 */
        "    mimir:\n"                        /* 8 */
        "      url: \"http://mimir:9009/\"\n" /* 9 */
        "      prefix: /prom/\n"              /* 10 */
        "      tenant: anonymous\n"           /* 11 */
        "      token: \"${MIMIR_TOKEN}\"\n"   /* 12 */
        "      query: vector(1)\n"            /* 13 */
        "      timeout: 2s\n"                 /* 14 */
        "      connect_timeout: 500ms\n"      /* 15 */
        "      insecure_skip_verify: true\n"  /* 16 */
        "      ca_file: /etc/ssl/ca.pem\n"    /* 17 */
        "    loki:    { url: \"${LOKI_INTERNAL_URL}\", tenant: \"${LOKI_TENANT:-fake}\","
        " basic_auth: { username: u, password: \"${PW}\" } }\n" /* 18 */
        "    tempo:   { url: \"${TEMPO_INTERNAL_URL:-http://tempo:3200}\", otlp_http: \"http://tempo:4318\","
        " otlp_grpc: \"tempo:4317\" }\n"                                                          /* 19 */
        "    grafana: { url: \"http://grafana:3000\", token_file: /run/secrets/grafana_token }\n" /* 20 */
        "    prometheus: \"http://prometheus:9090\"\n"                                            /* 21 */
        "  - name: staging-${REGION}\n"                                                           /* 22 */
        "    loki:\n"                                                                             /* 23 */
        "      url: https://loki.staging:3100\n"                                                  /* 24 */
        "      insecure_skip_verify: no\n"                                                        /* 25 */
        "      basic_auth:\n"                                                                     /* 26 */
        "        username: \"123\"\n"                                                             /* 27 */
        "        password_file: /run/secrets/pw\n";                                               /* 28 */

static const char *full_env[] = {
        "MIMIR_TOKEN", SECRET, "LOKI_INTERNAL_URL", "http://loki-int:3100/", "PW", "pw-" SECRET, "REGION", "eu", NULL};

static void test_full_config(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok(full_yaml, full_env, &cfg);
    assert_null(cfg.path); /* only config_load_file sets it */
    assert_int_equal(cfg.interval_ms, 10000);
    assert_int_equal(cfg.timeout_ms, 3000);
    assert_int_equal(cfg.connect_timeout_ms, 1500);
    assert_int_equal(cfg.max_body, 4u << 20);
    assert_int_equal(cfg.nstacks, 2);
    assert_int_equal(cfg.nwarnings, 0);

    struct stack_cfg *p = &cfg.stacks[0];
    assert_string_equal(p->name, "production");
    const struct component_cfg *m = &p->comp[COMP_MIMIR];
    assert_true(m->enabled);
    assert_int_equal(m->kind, COMP_MIMIR);
    assert_string_equal(m->url, "http://mimir:9009");
    assert_string_equal(m->prefix, "/prom");
    assert_string_equal(m->tenant, "anonymous");
    assert_string_equal(m->token, SECRET);
    assert_null(m->token_file);
    assert_string_equal(m->query, "vector(1)");
    assert_int_equal(m->timeout_ms, 2000);
    assert_int_equal(m->connect_timeout_ms, 500);
    assert_true(m->insecure_skip_verify);
    assert_string_equal(m->ca_file, "/etc/ssl/ca.pem");
    assert_int_equal(m->line, 8);
    assert_string_equal(m->keypath, "stacks[0].mimir");

    const struct component_cfg *l = &p->comp[COMP_LOKI];
    assert_true(l->enabled);
    assert_string_equal(l->url, "http://loki-int:3100");
    assert_string_equal(l->prefix, "");
    assert_string_equal(l->tenant, "fake");
    assert_string_equal(l->basic_user, "u");
    assert_string_equal(l->basic_password, "pw-" SECRET);
    assert_null(l->token);
    assert_null(l->query);
    assert_int_equal(l->timeout_ms, 0);
    assert_int_equal(l->line, 18);

    const struct component_cfg *t = &p->comp[COMP_TEMPO];
    assert_string_equal(t->url, "http://tempo:3200");
    assert_string_equal(t->otlp_http, "http://tempo:4318");
    assert_string_equal(t->otlp_grpc, "tempo:4317");

    const struct component_cfg *g = &p->comp[COMP_GRAFANA];
    assert_string_equal(g->url, "http://grafana:3000");
    assert_string_equal(g->token_file, "/run/secrets/grafana_token");
    assert_int_equal(g->token_file_line, 20);
    assert_null(g->token); /* read by config_load_secrets */

    const struct component_cfg *pr = &p->comp[COMP_PROMETHEUS];
    assert_true(pr->enabled);
    assert_string_equal(pr->url, "http://prometheus:9090");
    assert_string_equal(pr->query, "up");
    assert_string_equal(pr->prefix, "");

    struct stack_cfg *s = &cfg.stacks[1];
    assert_string_equal(s->name, "staging-eu");
    assert_false(s->comp[COMP_MIMIR].enabled);
    assert_false(s->comp[COMP_TEMPO].enabled);
    assert_null(s->comp[COMP_TEMPO].otlp_http);
    const struct component_cfg *sl = &s->comp[COMP_LOKI];
    assert_true(sl->enabled);
    assert_string_equal(sl->url, "https://loki.staging:3100");
    assert_false(sl->insecure_skip_verify);
    assert_string_equal(sl->basic_user, "123");
    assert_string_equal(sl->password_file, "/run/secrets/pw");
    assert_int_equal(sl->password_file_line, 28);
    assert_null(sl->basic_password);
    config_free(&cfg);
    config_free(&cfg); /* freeing twice is harmless: config_free zeroes */
}

static void test_defaults_when_keys_absent(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok("stacks:\n  - name: a\n    mimir: { url: \"http://m:9009\" }\n"
             "    tempo: { url: \"https://tempo.example:3200/\" }\n",
             no_env, &cfg);
    assert_int_equal(cfg.interval_ms, 5000);
    assert_int_equal(cfg.timeout_ms, 5000);
    assert_int_equal(cfg.connect_timeout_ms, 5000);
    assert_int_equal(cfg.max_body, 8u << 20);
    assert_int_equal(cfg.body_budget, 32u << 20);
    const struct component_cfg *m = &cfg.stacks[0].comp[COMP_MIMIR];
    assert_string_equal(m->prefix, "/prometheus");
    assert_string_equal(m->query, "up");
    assert_null(m->tenant);
    assert_null(m->token);
    assert_false(m->insecure_skip_verify);
    const struct component_cfg *t = &cfg.stacks[0].comp[COMP_TEMPO];
    assert_string_equal(t->otlp_http, "https://tempo.example:4318");
    assert_string_equal(t->otlp_grpc, "tempo.example:4317");
    config_free(&cfg);

    /* connect_timeout follows timeout when not given */
    parse_ok("timeout: 2s\nmimir: http://m:1\n", no_env, &cfg);
    assert_int_equal(cfg.connect_timeout_ms, 2000);
    config_free(&cfg);
}

static void test_shorthand(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok("stacks:\n"
             "  - name: s\n"
             "    mimir: http://mimir:9009///\n"
             "    loki: \"${LOKI:-http://loki:3100}\"\n"
             "    prometheus: 'http://[::1]:9090'\n",
             no_env, &cfg);
    const struct stack_cfg *s = &cfg.stacks[0];
    assert_string_equal(s->comp[COMP_MIMIR].url, "http://mimir:9009");
    assert_string_equal(s->comp[COMP_MIMIR].prefix, "/prometheus");
    assert_string_equal(s->comp[COMP_MIMIR].query, "up");
    assert_string_equal(s->comp[COMP_LOKI].url, "http://loki:3100");
    assert_string_equal(s->comp[COMP_PROMETHEUS].url, "http://[::1]:9090");
    assert_int_equal(s->comp[COMP_PROMETHEUS].line, 5);
    assert_false(s->comp[COMP_GRAFANA].enabled);
    config_free(&cfg);
}

static void test_toplevel_components(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok("interval: 2s\n"
             "mimir: { url: \"http://mimir:9009\", tenant: t1 }\n"
             "loki: http://loki:3100\n"
             "tempo:\n"
             "  url: http://tempo:3200\n",
             no_env, &cfg);
    assert_int_equal(cfg.nstacks, 1);
    assert_string_equal(cfg.stacks[0].name, "default");
    assert_int_equal(cfg.interval_ms, 2000);
    assert_string_equal(cfg.stacks[0].comp[COMP_MIMIR].tenant, "t1");
    assert_string_equal(cfg.stacks[0].comp[COMP_MIMIR].keypath, "mimir");
    assert_string_equal(cfg.stacks[0].comp[COMP_LOKI].url, "http://loki:3100");
    assert_string_equal(cfg.stacks[0].comp[COMP_TEMPO].otlp_http, "http://tempo:4318");
    assert_false(cfg.stacks[0].comp[COMP_GRAFANA].enabled);
    assert_false(cfg.stacks[0].comp[COMP_PROMETHEUS].enabled);
    config_free(&cfg);

    /* error paths in this form have no stacks[0] prefix */
    assert_contains(parse_err("mimir:\n  url: http://m:1\n  tenent: x\n", no_env),
                    "lgtmtop.yaml:3: mimir.tenent: unknown key — did you mean \"tenant\"?");
}

static void test_interpolation_in_config(void **state)
{
    struct config cfg;
    static const char *env[] = {"T", "team-a", "N", "prod", "SCHEME", "https", NULL};
    (void)state;
    parse_ok("stacks:\n"
             "  - name: ${N}-1\n"
             "    mimir:\n"
             "      url: ${SCHEME}://mimir:9009\n"
             "      tenant: \"${T}|${NOTSET:-b}\"\n"
             "      query: 'sum(rate(x[5m])) > $$5'\n"
             "      timeout: ${TIMEOUT:-750ms}\n",
             env, &cfg);
    const struct component_cfg *m = &cfg.stacks[0].comp[COMP_MIMIR];
    assert_string_equal(cfg.stacks[0].name, "prod-1");
    assert_string_equal(m->url, "https://mimir:9009");
    assert_string_equal(m->tenant, "team-a|b");
    assert_string_equal(m->query, "sum(rate(x[5m])) > $5");
    assert_int_equal(m->timeout_ms, 750);
    config_free(&cfg);

    /* an optional string that expands to nothing is "not set" */
    parse_ok("mimir: { url: \"http://m:1\", tenant: \"${NOTSET}\" }\n", env, &cfg);
    assert_null(cfg.stacks[0].comp[COMP_MIMIR].tenant);
    config_free(&cfg);

    /* keys are not interpolated */
    assert_contains(parse_err("mimir: { url: \"http://m:1\", \"${T}\": x }\n", env),
                    "lgtmtop.yaml:1: mimir.${T}: unknown key");
}

static void test_empty_secret_warns(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok("grafana: { url: \"http://g:3000\", token: \"${GRAFANA_TOKEN}\" }\n", no_env, &cfg);
    assert_null(cfg.stacks[0].comp[COMP_GRAFANA].token);
    assert_int_equal(cfg.nwarnings, 1);
    assert_contains(cfg.warnings[0], "lgtmtop.yaml:1: grafana.token is empty because GRAFANA_TOKEN is not set");
    config_free(&cfg);
}

/* ---- errors ---- */

struct err_case {
    const char *yaml;
    const char *want[3]; /* substrings of the message; "!text": text must not be in it */
};

static const char *const err_env[] = {"EMPTY", "", NULL};

static const struct err_case err_cases[] = {
        /* YAML syntax */
        {"stacks:\n  - name: a\n    mimir: { url: http://m:1\n",
         {"lgtmtop.yaml:4: YAML syntax error: ", "— check the indentation"}},
        {"mimir: http://m:1\nloki: a: b\n", {"lgtmtop.yaml:2: YAML syntax error: mapping values are not allowed"}},
        {"stacks:\n\t- name: a\n", {"lgtmtop.yaml:2: YAML syntax error", "indent with spaces, not tabs"}},
        {"mimir: http://m:1\nloki: \"http://l\xc3\x28\"\n",
         {"lgtmtop.yaml:2: YAML syntax error: invalid", "save the file as UTF-8"}},
        {"mimir: http://m:1\n---\nloki: http://l:2\n", {"lgtmtop.yaml:2: a second YAML document"}},
        {"# nothing but a comment\n", {"lgtmtop.yaml:1: the config is empty"}},
        /* unknown keys */
        {"stacks:\n  - name: a\n    mimir:\n      url: http://m:1\n      tenent: x\n",
         {"lgtmtop.yaml:5: stacks[0].mimir.tenent: unknown key — did you mean \"tenant\"?",
          "valid here: url, prefix, tenant, token, token_file, basic_auth, query, timeout"}},
        {"stacks:\n  - name: a\n    loki:\n      url: http://m:1\n      bogus: x\n",
         {"lgtmtop.yaml:5: stacks[0].loki.bogus: unknown key — valid keys here: url, tenant,", "ca_file",
          "!otlp" /* keys of other kinds are not offered */}},
        {"stackz:\n  - name: a\n", {"lgtmtop.yaml:1: stackz: unknown key — did you mean \"stacks\"?"}},
        {"intervall: 5s\nmimir: http://m:1\n", {"lgtmtop.yaml:1: intervall: unknown key — did you mean \"interval\"?"}},
        {"stacks:\n  - name: a\n    url: http://x:1\n",
         {"lgtmtop.yaml:3: stacks[0].url: unknown key here — url belongs inside a component"}},
        {"stacks:\n  - name: a\n    mimr: http://x:1\n",
         {"lgtmtop.yaml:3: stacks[0].mimr: unknown key — did you mean \"mimir\"?"}},
        {"stacks:\n  - name: a\n    loki: { url: \"http://l:1\", prefix: /x }\n",
         {"lgtmtop.yaml:3: stacks[0].loki.prefix: only applies to mimir — remove it"}},
        {"stacks:\n  - name: a\n    tempo: { url: \"http://l:1\", query: up }\n",
         {"lgtmtop.yaml:3: stacks[0].tempo.query: only applies to mimir and prometheus"}},
        {"mimir: { url: \"http://m:1\", otlp_http: \"http://x:1\" }\n", {"mimir.otlp_http: only applies to tempo"}},
        {"mimir:\n  url: http://m:1\n  tenant: a\n  tenant: b\n",
         {"lgtmtop.yaml:4: mimir.tenant: given twice (first on line 3)"}},
        /* checks: and canary: (more in test_probe_custom.c) */
        {"stacks:\n  - name: a\n    mimir: http://m:1\n    checks:\n      - { name: x }\n",
         {"lgtmtop.yaml:5: stacks[0].checks[0]: check \"x\" has nothing to do — add http: URL, promql: QUERY or logql:"}},
        {"stacks:\n  - name: a\n    loki: http://l:1\n    checks:\n      - { name: x, promql: up }\n",
         {"lgtmtop.yaml:5: stacks[0].checks[0]: promql check \"x\" has nothing to query — add mimir: or prometheus:"}},
        {"mimir: http://m:1\nchecks:\n  - { name: x, promql: up, expect: \"~ 1\" }\n",
         {"lgtmtop.yaml:3: checks[0].expect: bad condition \"~ 1\""}},
        /* deprecated_datasources / expect_rule_groups */
        {"grafana:\n  url: http://g:1\n  deprecated_datasources: [a, b]\n",
         {"lgtmtop.yaml:3: grafana.deprecated_datasources: expected a mapping of old uid to new uid, got a list"}},
        {"grafana:\n  url: http://g:1\n  deprecated_datasources:\n    a: b\n    a: c\n",
         {"lgtmtop.yaml:5: grafana.deprecated_datasources: a is listed twice"}},
        {"grafana:\n  url: http://g:1\n  deprecated_datasources: { a: a }\n", {"a is mapped to itself"}},
        {"grafana:\n  url: http://g:1\n  deprecated_datasources: { a: \"\" }\n",
         {"lgtmtop.yaml:3:", "empty datasource uid"}},
        {"grafana:\n  url: http://g:1\n  deprecated_datasources: { \"a b\": c }\n", {"bad datasource uid \"a b\""}},
        {"grafana:\n  url: http://g:1\n  deprecated_datasources: { a: { b: c } }\n",
         {"grafana.deprecated_datasources: expected a datasource uid, got a mapping"}},
        {"mimir:\n  url: http://m:1\n  deprecated_datasources: { a: b }\n",
         {"lgtmtop.yaml:3: mimir.deprecated_datasources: only applies to grafana — remove it"}},
        {"loki:\n  url: http://l:1\n  expect_rule_groups: [a]\n",
         {"loki.expect_rule_groups: only applies to mimir and grafana and prometheus"}},
        {"mimir:\n  url: http://g:1\n  expect_rule_groups: { a: b }\n",
         {"lgtmtop.yaml:3: mimir.expect_rule_groups: expected a list of rule group names, got a mapping"}},
        {"mimir:\n  url: http://g:1\n  expect_rule_groups: [a, a]\n", {"\"a\" is listed twice"}},
        {"mimir:\n  url: http://g:1\n  expect_rule_groups: [a, ~]\n", {"empty rule group name"}},
        {"canary: maybe\nmimir: http://m:1\n", {"lgtmtop.yaml:1: canary: bad boolean \"maybe\""}},
        {"canary_timeout: 10ms\nmimir: http://m:1\n", {"lgtmtop.yaml:1: canary_timeout: 10ms is too short"}},
        /* wrong types */
        {"- mimir: http://m:1\n", {"lgtmtop.yaml:1: the top level must be a mapping", "got a list"}},
        {"stacks:\n  name: a\n", {"lgtmtop.yaml:2: stacks: expected a list of stacks", "got a mapping"}},
        {"stacks:\n  - production\n", {"lgtmtop.yaml:2: stacks[0]: expected a stack", "got a single value"}},
        {"stacks:\n  - name: a\n    mimir:\n      - http://m:1\n",
         {"lgtmtop.yaml:4: stacks[0].mimir: expected a URL or a mapping", "got a list"}},
        {"mimir:\n  url: http://m:1\n  tenant: { a: b }\n",
         {"lgtmtop.yaml:3: mimir.tenant: expected a string, got a mapping"}},
        {"mimir:\n  url: [http://m:1]\n", {"lgtmtop.yaml:2: mimir.url: expected a URL, got a list"}},
        {"mimir:\n  url: http://m:1\n  basic_auth: u\n", {"lgtmtop.yaml:3: mimir.basic_auth: expected a mapping"}},
        {"? [a]\n: b\n", {"lgtmtop.yaml:1: found a list where a key belongs"}},
        /* URLs */
        {"stacks:\n  - name: a\n    mimir: ftp://m:1\n",
         {"lgtmtop.yaml:3: stacks[0].mimir: bad URL \"ftp://m:1\": only http:// and https://"}},
        {"mimir:\n  url: mimir:9009\n",
         {"lgtmtop.yaml:2: mimir.url: bad URL \"mimir:9009\": it has no http:// or https:// scheme",
          "write it like http://mimir:9009"}},
        {"loki: { url: \"http://\" }\n", {"lgtmtop.yaml:1: loki.url: bad URL", "it has no host", "http://loki:3100"}},
        {"loki: { url: \"http://lo ki:3100\" }\n", {"loki.url: bad URL", "space"}},
        {"loki: { url: \"http://loki:99999\" }\n", {"loki.url: bad URL", "bad port"}},
        {"loki: { url: \"http://loki:3100/?x=1\" }\n", {"loki.url: bad URL", "query string"}},
        {"tempo: { url: \"http://t:1\", otlp_http: \"t:4318\" }\n",
         {"lgtmtop.yaml:1: tempo.otlp_http: bad URL", "http://tempo:4318"}},
        {"tempo: { url: \"http://t:1\", otlp_grpc: \"http://t:4317\" }\n",
         {"lgtmtop.yaml:1: tempo.otlp_grpc: bad endpoint \"http://t:4317\" — write host:port without a scheme"}},
        {"mimir: { url: \"http://m:1\", prefix: prometheus }\n",
         {"lgtmtop.yaml:1: mimir.prefix: bad prefix \"prometheus\"", "start with \"/\""}},
        /* missing / empty */
        {"stacks:\n  - name: a\n    mimir: { tenant: x }\n",
         {"lgtmtop.yaml:3: stacks[0].mimir: url is missing — add url: http://mimir:9009"}},
        {"stacks:\n  - mimir: http://m:1\n", {"lgtmtop.yaml:2: stacks[0]: name is missing"}},
        {"stacks:\n  - name: \"\"\n    mimir: http://m:1\n", {"lgtmtop.yaml:2: stacks[0].name: is empty"}},
        {"stacks:\n  - name: a\n    mimir: http://m:1\n  - name: b\n    mimir: http://m:1\n  - name: a\n    loki: http://l:1\n",
         {"lgtmtop.yaml:6: stacks[2].name: duplicate stack name \"a\" (also stacks[0]) — give each stack its own name"}},
        {"stacks:\n  - name: a\n", {"lgtmtop.yaml:2: stacks[0]: stack \"a\" has no components", "mimir:, loki:"}},
        {"stacks: []\n", {"lgtmtop.yaml:1: stacks: is empty"}},
        {"interval: 5s\n", {"lgtmtop.yaml:1: no stacks and no components"}},
        {"stacks:\n  - name: a\n    loki:\n      url: \"\"\n",
         {"lgtmtop.yaml:4: stacks[0].loki.url: is empty — write the URL, e.g. http://loki:3100"}},
        {"stacks:\n  - name: a\n    loki:\n", {"lgtmtop.yaml:3: stacks[0].loki: is empty — write the URL"}},
        /* the exact message from the design brief */
        {"interval: 5s\n"
         "timeout: 5s\n"
         "stacks:\n"
         "  - name: production\n"
         "    mimir: { url: \"http://mimir:9009\" }\n"
         "    # loki from the environment\n"
         "    loki:    { url: \"${LOKI_INTERNAL_URL}\" }\n",
         {"lgtmtop.yaml:7: stacks[0].loki.url is empty after expanding \"${LOKI_INTERNAL_URL}\""
          " — set LOKI_INTERNAL_URL or write the URL"}},
        {"loki: \"${EMPTY}\"\n", {"lgtmtop.yaml:1: loki is empty after expanding \"${EMPTY}\" — set EMPTY"}},
        /* durations, sizes, booleans */
        {"stacks:\n  - name: a\n    mimir:\n      url: http://m:1\n      timeout: 5 seconds\n",
         {"lgtmtop.yaml:5: stacks[0].mimir.timeout: bad duration \"5 seconds\"", "500ms, 5s, 1m"}},
        {"timeout: 0\nmimir: http://m:1\n", {"lgtmtop.yaml:1: timeout: 0 is too short"}},
        {"interval: 10ms\nmimir: http://m:1\n", {"lgtmtop.yaml:1: interval: 10ms is too short — use at least 100ms"}},
        {"connect_timeout: soon\nmimir: http://m:1\n", {"lgtmtop.yaml:1: connect_timeout: bad duration \"soon\""}},
        {"max_body: 8 megs\nmimir: http://m:1\n", {"lgtmtop.yaml:1: max_body: bad size \"8 megs\"", "8MiB"}},
        {"max_body: 2GiB\nmimir: http://m:1\n", {"lgtmtop.yaml:1: max_body: 2GiB is too large"}},
        {"body_budget: 2GiB\nmimir: http://m:1\n", {"lgtmtop.yaml:1: body_budget: 2GiB is too large"}},
        {"max_body: 1.2.3MiB\nmimir: http://m:1\n", {"max_body: bad size"}},
        {"mimir:\n  url: http://m:1\n  insecure_skip_verify: maybe\n",
         {"lgtmtop.yaml:3: mimir.insecure_skip_verify: bad boolean \"maybe\" — write true or false"}},
        /* auth */
        {"stacks:\n  - name: a\n    grafana:\n      url: http://g:3000\n      token: abc\n      token_file: /x\n",
         {"lgtmtop.yaml:6: stacks[0].grafana.token_file: both token and token_file are set — keep one"}},
        {"grafana:\n  url: http://g:3000\n  token_file: /x\n  basic_auth: { username: u, password: p }\n",
         {"lgtmtop.yaml:4: grafana.basic_auth: both basic_auth and a token are set"}},
        {"loki:\n  url: http://l:1\n  basic_auth:\n    password: p\n",
         {"lgtmtop.yaml:3: loki.basic_auth: username is missing"}},
        {"loki:\n  url: http://l:1\n  basic_auth:\n    username: u\n",
         {"lgtmtop.yaml:3: loki.basic_auth: password is missing"}},
        {"loki:\n  url: http://l:1\n  basic_auth:\n    username: u\n    password: p\n    password_file: /x\n",
         {"lgtmtop.yaml:6: loki.basic_auth: both password and password_file are set"}},
        {"loki:\n  url: http://l:1\n  basic_auth:\n    username: u\n    passwd: p\n",
         {"lgtmtop.yaml:5: loki.basic_auth.passwd: unknown key — did you mean \"password\"?",
          "username, password, password_file"}},
        {"grafana: { url: \"http://g:1\", token_file: \"\" }\n", {"lgtmtop.yaml:1: grafana.token_file: is empty"}},
        /* mixing the two shapes */
        {"mimir: http://m:1\nstacks:\n  - name: a\n    loki: http://l:1\n",
         {"lgtmtop.yaml:2: stacks: cannot be used together with top-level components (line 1)"}},
        {"stacks:\n  - name: a\n    loki: http://l:1\nmimir: http://m:1\n",
         {"lgtmtop.yaml:4: mimir: top-level components cannot be mixed with stacks: (line 1)"}},
        /* interpolation syntax */
        {"stacks:\n  - name: a\n    mimir:\n      url: http://m:1\n      tenant: \"${TENANT\"\n",
         {"lgtmtop.yaml:5: stacks[0].mimir.tenant: unterminated \"${\""}},
        /* durations are plain decimals: strtod's hex and exponents are not */
        {"timeout: 0x10s\nmimir: http://m:1\n", {"lgtmtop.yaml:1: timeout:", "0x10s"}},
        {"interval: 1e1s\nmimir: http://m:1\n", {"lgtmtop.yaml:1: interval:"}},
};

/* A file of nested brackets (or block sequences) is refused at once with its line, before
 * libyaml builds a document whose time grows with the square of the depth. */
static void test_nesting_depth(void **state)
{
    (void)state;
    struct config cfg;
    parse_ok("body_budget: 4MiB\nmimir: http://m:1\n", err_env, &cfg);
    assert_int_equal(cfg.body_budget, 4u << 20);
    config_free(&cfg);
    size_t n = 200 * 1024;
    char *deep = malloc(n + 64);
    assert_non_null(deep);
    int k = snprintf(deep, 64, "mimir: http://m:1\nextra:\n  ");
    memset(deep + k, '[', n);
    deep[k + n] = '\0';
    long long t0 = now_mono_ms();
    const char *msg = parse_err(deep, err_env);
    assert_true(now_mono_ms() - t0 < 5000); /* "at once": far below libyaml's minute */
    assert_contains(msg, "lgtmtop.yaml:3: YAML nested deeper than 64 levels");
    /* block style, one level per line */
    struct buf b;
    buf_init(&b);
    buf_puts(&b, "mimir: http://m:1\nx:\n");
    for (int i = 0; i < 100; i++)
        buf_printf(&b, "%*s- \n", i * 2, "");
    msg = parse_err(b.data, err_env);
    assert_contains(msg, "YAML nested deeper than 64 levels");
    buf_free(&b);
    /* 64 levels are fine for the nesting check (the key is then unknown, not too deep) */
    memset(deep + k, '[', 63);
    memset(deep + k + 63, ']', 63);
    deep[k + 126] = '\0';
    msg = parse_err(deep, err_env);
    assert_not_contains(msg, "nested deeper");
    free(deep);
}

static void test_errors(void **state)
{
    int bad = 0;
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(err_cases); i++) {
        const char *msg = parse_err(err_cases[i].yaml, err_env);
        for (size_t j = 0; j < 3 && err_cases[i].want[j]; j++) {
            const char *w = err_cases[i].want[j];
            bool negate = w[0] == '!';
            if ((strstr(msg, w + negate) != NULL) == negate) {
                print_error("case %zu: %s \"%s\" in\n    \"%s\"\n", i, negate ? "did not expect" : "expected",
                            w + negate, msg);
                bad++;
            }
        }
        /* one line, file:line first */
        assert_null(strchr(msg, '\n'));
        assert_true(strncmp(msg, "lgtmtop.yaml:", 13) == 0);
    }
    assert_int_equal(bad, 0);
}

static void test_error_truncates_to_buffer(void **state)
{
    char err[24];
    struct config cfg;
    const char *yaml = "stacks:\n  - name: a\n    mimir: { tenant: x }\n";
    (void)state;
    assert_int_equal(
            config_parse(yaml, strlen(yaml), "lgtmtop.yaml", fake_getenv, (void *)no_env, &cfg, err, sizeof err), -1);
    assert_true(strlen(err) < sizeof err);
    assert_true(strncmp(err, "lgtmtop.yaml:3:", 15) == 0);
}

/* ---- secrets never show up in messages ---- */

static void test_no_secret_in_messages(void **state)
{
    static const char *env[] = {"TOK", SECRET, "PW", SECRET, NULL};
    const char *bad[] = {
            /* an error after a secret was read */
            "grafana:\n  url: http://g:1\n  token: \"${TOK}\"\n  tenent: x\n",
            /* the secret itself is invalid */
            "grafana:\n  url: http://g:1\n  token: \"a\\n" SECRET "\"\n",
            "loki:\n  url: http://l:1\n  basic_auth: { username: u, password: \"" SECRET "\\t\" }\n",
            /* token and token_file both */
            "grafana:\n  url: http://g:1\n  token: " SECRET "\n  token_file: /x\n",
            /* a password inside a URL */
            "loki: \"http://user:" SECRET "@loki:99999\"\n",
            "loki: \"http://user:" SECRET "@lo ki:3100\"\n",
            /* an unknown key whose value is a secret */
            "grafana:\n  url: http://g:1\n  tokne: " SECRET "\n",
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        const char *msg = parse_err(bad[i], env);
        assert_not_contains(msg, SECRET);
        assert_not_contains(msg, "s3cr3t");
    }
}

/* ---- zero-config ---- */

static void test_defaults_no_env(void **state)
{
    struct config cfg;
    (void)state;
    config_defaults(&cfg, fake_getenv, (void *)no_env);
    assert_null(cfg.path);
    assert_int_equal(cfg.interval_ms, 5000);
    assert_int_equal(cfg.timeout_ms, 5000);
    assert_int_equal(cfg.connect_timeout_ms, 5000);
    assert_int_equal(cfg.max_body, 8u << 20);
    assert_int_equal(cfg.nstacks, 1);
    assert_string_equal(cfg.stacks[0].name, "default");
    const struct component_cfg *c = cfg.stacks[0].comp;
    assert_true(c[COMP_MIMIR].enabled);
    assert_string_equal(c[COMP_MIMIR].url, "http://localhost:9009");
    assert_string_equal(c[COMP_MIMIR].prefix, "/prometheus");
    assert_string_equal(c[COMP_MIMIR].query, "up");
    assert_null(c[COMP_MIMIR].tenant);
    assert_string_equal(c[COMP_LOKI].url, "http://localhost:3100");
    assert_string_equal(c[COMP_TEMPO].url, "http://localhost:3200");
    assert_string_equal(c[COMP_TEMPO].otlp_http, "http://localhost:4318");
    assert_string_equal(c[COMP_TEMPO].otlp_grpc, "localhost:4317");
    assert_string_equal(c[COMP_GRAFANA].url, "http://localhost:3000");
    assert_null(c[COMP_GRAFANA].token);
    assert_false(c[COMP_PROMETHEUS].enabled);
    assert_null(c[COMP_PROMETHEUS].url);
    for (int k = 0; k < COMP_KIND_COUNT; k++) {
        assert_int_equal(c[k].kind, k);
        assert_null(c[k].keypath);
    }
    config_free(&cfg);
}

static void test_defaults_from_env(void **state)
{
    struct config cfg;
    static const char *env[] = {"MIMIR_URL",
                                "http://mimir.internal:8080/",
                                "MIMIR_TENANT",
                                "anonymous",
                                "LOKI_URL",
                                "", /* empty = unset */
                                "LOKI_TENANT",
                                "fake",
                                "TEMPO_INTERNAL_URL",
                                "http://tempo-int:3200",
                                "TEMPO_TENANT",
                                "single-tenant",
                                "GRAFANA_URL",
                                "https://grafana.example.com",
                                "GRAFANA_TOKEN",
                                SECRET,
                                "PROMETHEUS_URL",
                                "http://prom:9090",
                                NULL};
    (void)state;
    config_defaults(&cfg, fake_getenv, (void *)env);
    const struct component_cfg *c = cfg.stacks[0].comp;
    assert_string_equal(c[COMP_MIMIR].url, "http://mimir.internal:8080");
    assert_string_equal(c[COMP_MIMIR].tenant, "anonymous");
    assert_string_equal(c[COMP_LOKI].url, "http://localhost:3100");
    assert_string_equal(c[COMP_LOKI].tenant, "fake");
    assert_string_equal(c[COMP_TEMPO].url, "http://tempo-int:3200");
    assert_string_equal(c[COMP_TEMPO].tenant, "single-tenant");
    assert_string_equal(c[COMP_TEMPO].otlp_http, "http://tempo-int:4318");
    assert_string_equal(c[COMP_GRAFANA].url, "https://grafana.example.com");
    assert_string_equal(c[COMP_GRAFANA].token, SECRET);
    assert_true(c[COMP_PROMETHEUS].enabled);
    assert_string_equal(c[COMP_PROMETHEUS].url, "http://prom:9090");
    assert_string_equal(c[COMP_PROMETHEUS].query, "up");
    config_free(&cfg);

    /* TEMPO_URL wins over TEMPO_INTERNAL_URL */
    static const char *env2[] = {"TEMPO_URL", "http://a:1", "TEMPO_INTERNAL_URL", "http://b:2", NULL};
    config_defaults(&cfg, fake_getenv, (void *)env2);
    assert_string_equal(cfg.stacks[0].comp[COMP_TEMPO].url, "http://a:1");
    config_free(&cfg);
}

/* ---- secret files ---- */

static char *secret_yaml(const char *key, const char *path)
{
    if (strcmp(key, "token_file") == 0)
        return xasprintf("stacks:\n  - name: a\n    grafana:\n      url: http://g:3000\n      token_file: %s\n", path);
    return xasprintf("stacks:\n  - name: a\n    loki:\n      url: http://l:3100\n      basic_auth:\n"
                     "        username: u\n        password_file: %s\n",
                     path);
}

/* Parses a config with one secret file and loads secrets; returns load_secrets' rc. */
static int load_with_secret(const char *key, const char *path, struct config *cfg, char *err, size_t errlen)
{
    char *yaml = secret_yaml(key, path);
    parse_ok(yaml, no_env, cfg);
    free(yaml);
    cfg->path = xstrdup("lgtmtop.yaml");
    return config_load_secrets(cfg, err, errlen);
}

static void test_token_file(void **state)
{
    struct config cfg;
    char err[512] = "";
    (void)state;
    char *path = temp_secret(SECRET "\n\n", 0600);
    assert_int_equal(load_with_secret("token_file", path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].token, SECRET);
    assert_int_equal(cfg.nwarnings, 0);
    config_free(&cfg);

    /* readable by others: loaded, with a warning that names the file and mode, not the token */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(load_with_secret("token_file", path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].token, SECRET);
    assert_int_equal(cfg.nwarnings, 1);
    char *want = xasprintf("token file %s is readable by group/others (mode 0644); chmod 600 it", path);
    assert_contains(cfg.warnings[0], want);
    assert_not_contains(cfg.warnings[0], SECRET);
    free(want);
    config_free(&cfg);

    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(load_with_secret("token_file", path, &cfg, err, sizeof err), 0);
    assert_contains(cfg.warnings[0], "(mode 0640)");
    config_free(&cfg);
    unlink(path);
    free(path);
}

static void test_password_file(void **state)
{
    struct config cfg;
    char err[512] = "";
    (void)state;
    char *path = temp_secret("  pw " SECRET " \r\n", 0400);
    assert_int_equal(load_with_secret("password_file", path, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.stacks[0].comp[COMP_LOKI].basic_password, "  pw " SECRET);
    assert_string_equal(cfg.stacks[0].comp[COMP_LOKI].basic_user, "u");
    assert_int_equal(cfg.nwarnings, 0);
    config_free(&cfg);

    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(load_with_secret("password_file", path, &cfg, err, sizeof err), 0);
    assert_contains(cfg.warnings[0], "password file ");
    assert_contains(cfg.warnings[0], "(mode 0604)");
    config_free(&cfg);
    unlink(path);
    free(path);
}

static void test_secret_file_errors(void **state)
{
    struct config cfg;
    char err[512] = "";
    (void)state;

    /* missing */
    char *missing = xasprintf("%s/no-such-token", tmpdir);
    assert_int_equal(load_with_secret("token_file", missing, &cfg, err, sizeof err), -1);
    char *want = xasprintf("lgtmtop.yaml:5: stacks[0].grafana.token_file: cannot read %s: No such file or directory"
                           " — check the path and permissions",
                           missing);
    assert_string_equal(err, want);
    free(want);
    config_free(&cfg);
    free(missing);

    /* empty */
    char *empty = temp_secret(" \n", 0600);
    assert_int_equal(load_with_secret("token_file", empty, &cfg, err, sizeof err), -1);
    assert_contains(err, "lgtmtop.yaml:5: stacks[0].grafana.token_file: token file ");
    assert_contains(err, " is empty — put the token in it");
    config_free(&cfg);
    unlink(empty);
    free(empty);

    /* a directory */
    assert_int_equal(load_with_secret("password_file", tmpdir, &cfg, err, sizeof err), -1);
    assert_contains(err, "lgtmtop.yaml:7: stacks[0].loki.basic_auth.password_file: cannot read ");
    assert_contains(err, "directory");
    config_free(&cfg);

    /* two lines: refused, and the content is not shown */
    char *twolines = temp_secret(SECRET "\nsecond-" SECRET "\n", 0600);
    assert_int_equal(load_with_secret("token_file", twolines, &cfg, err, sizeof err), -1);
    assert_contains(err, "line break");
    assert_not_contains(err, SECRET);
    config_free(&cfg);
    unlink(twolines);
    free(twolines);

    /* too large */
    char *big = xmalloc(70000);
    memset(big, 'a', 69999);
    big[69999] = '\0';
    char *bigfile = temp_secret(big, 0600);
    free(big);
    assert_int_equal(load_with_secret("token_file", bigfile, &cfg, err, sizeof err), -1);
    assert_contains(err, "larger than 64 KiB");
    config_free(&cfg);
    unlink(bigfile);
    free(bigfile);

    /* unreadable; root reads everything, so only checked as a normal user */
    if (geteuid() != 0) {
        char *locked = temp_secret(SECRET, 0000);
        assert_int_equal(load_with_secret("token_file", locked, &cfg, err, sizeof err), -1);
        assert_contains(err, ": Permission denied — check the path and permissions");
        assert_not_contains(err, SECRET);
        config_free(&cfg);
        unlink(locked);
        free(locked);
    }
}

static void test_secrets_of_disabled_components_ignored(void **state)
{
    struct config cfg;
    char err[256];
    (void)state;
    config_defaults(&cfg, fake_getenv, (void *)no_env);
    cfg.stacks[0].comp[COMP_PROMETHEUS].token_file = xstrdup("/no/such/file"); /* disabled */
    assert_int_equal(config_load_secrets(&cfg, err, sizeof err), 0);
    config_free(&cfg);
}

/* ---- files ---- */

static void test_load_file(void **state)
{
    struct config cfg;
    char err[512] = "";
    (void)state;

    char *missing = xasprintf("%s/nope.yaml", tmpdir);
    assert_int_equal(config_load_file(missing, fake_getenv, (void *)no_env, &cfg, err, sizeof err), -1);
    char *want = xasprintf("cannot read config %s: No such file or directory — create it or pass -c", missing);
    assert_string_equal(err, want);
    free(want);
    free(missing);

    assert_int_equal(config_load_file(tmpdir, fake_getenv, (void *)no_env, &cfg, err, sizeof err), -1);
    assert_contains(err, "is a directory");

    const char *empty = write_tmp("empty.yaml", "\n  \n", 0644);
    assert_int_equal(config_load_file(empty, fake_getenv, (void *)no_env, &cfg, err, sizeof err), -1);
    assert_contains(err, "config ");
    assert_contains(err, "empty.yaml is empty");

    const char *bad = write_tmp("bad.yaml", "mimir:\n  url: http://m:1\n  tenent: x\n", 0644);
    assert_int_equal(config_load_file(bad, fake_getenv, (void *)no_env, &cfg, err, sizeof err), -1);
    char *want_bad = xasprintf("%s:3: mimir.tenent: unknown key", bad);
    assert_contains(err, want_bad);
    free(want_bad);

    /* relative secret paths are taken relative to the config file */
    const char *good = write_tmp("good.yaml",
                                 "grafana:\n  url: http://g:3000\n  token_file: tok\n"
                                 "  ca_file: /abs/ca.pem\n",
                                 0644);
    write_tmp("tok", "file-token\n", 0600);
    assert_int_equal(config_load_file(good, fake_getenv, (void *)no_env, &cfg, err, sizeof err), 0);
    assert_string_equal(cfg.path, good);
    char *tok = xasprintf("%s/tok", tmpdir);
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].token_file, tok);
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].ca_file, "/abs/ca.pem");
    free(tok);
    assert_int_equal(config_load_secrets(&cfg, err, sizeof err), 0);
    assert_string_equal(cfg.stacks[0].comp[COMP_GRAFANA].token, "file-token");
    config_free(&cfg);
}

static void test_find_file(void **state)
{
    char cwd[PATH_MAX], *p;
    (void)state;
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *emptydir = xasprintf("%s/empty", tmpdir);
    assert_int_equal(mkdir(emptydir, 0700), 0);
    assert_int_equal(chdir(emptydir), 0);

    p = config_find_file("explicit.yaml", fake_getenv, (void *)no_env);
    assert_string_equal(p, "explicit.yaml");
    free(p);

    static const char *env_cfg[] = {"LGTMTOP_CONFIG", "/etc/lgtmtop.yaml", NULL};
    p = config_find_file(NULL, fake_getenv, (void *)env_cfg);
    assert_string_equal(p, "/etc/lgtmtop.yaml");
    free(p);

    /* nothing anywhere */
    const char *env_home[] = {"HOME", tmpdir, NULL};
    assert_null(config_find_file(NULL, fake_getenv, (void *)env_home));
    assert_null(config_find_file(NULL, fake_getenv, (void *)no_env));

    /* $HOME/.config/lgtmtop/config.yaml */
    char *dir = xasprintf("%s/.config", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    free(dir);
    dir = xasprintf("%s/.config/lgtmtop", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    free(dir);
    const char *home_cfg = write_tmp(".config/lgtmtop/config.yaml", "mimir: http://m:1\n", 0644);
    p = config_find_file(NULL, fake_getenv, (void *)env_home);
    assert_string_equal(p, home_cfg);
    free(p);

    /* $XDG_CONFIG_HOME replaces ~/.config; relative values are ignored */
    const char *env_xdg[] = {"HOME", "/nonexistent", "XDG_CONFIG_HOME", "", NULL};
    char *xdg = xasprintf("%s/.config", tmpdir);
    env_xdg[3] = xdg;
    p = config_find_file(NULL, fake_getenv, (void *)env_xdg);
    assert_string_equal(p, home_cfg);
    free(p);
    env_xdg[3] = "relative/dir";
    assert_null(config_find_file(NULL, fake_getenv, (void *)env_xdg));
    free(xdg);

    /* ./lgtmtop.yaml comes before the XDG file */
    FILE *f = fopen("lgtmtop.yaml", "w");
    assert_non_null(f);
    fclose(f);
    p = config_find_file(NULL, fake_getenv, (void *)env_home);
    assert_string_equal(p, "lgtmtop.yaml");
    free(p);
    /* and $LGTMTOP_CONFIG before it */
    p = config_find_file(NULL, fake_getenv, (void *)env_cfg);
    assert_string_equal(p, "/etc/lgtmtop.yaml");
    free(p);
    unlink("lgtmtop.yaml");

    assert_int_equal(chdir(cwd), 0);
    free(emptydir);
}

/* ---- overrides and selection ---- */

static void test_override_url(void **state)
{
    struct config cfg;
    (void)state;
    parse_ok("stacks:\n"
             "  - name: a\n"
             "    mimir: http://m1:9009\n"
             "    tempo: http://t1:3200\n"
             "  - name: b\n"
             "    loki: http://l:3100\n"
             "    tempo: { url: \"http://t2:3200\", otlp_http: \"http://collector:4318\" }\n",
             no_env, &cfg);
    config_override_url(&cfg, COMP_MIMIR, "http://override:9009/");
    for (size_t i = 0; i < 2; i++) {
        assert_true(cfg.stacks[i].comp[COMP_MIMIR].enabled);
        assert_string_equal(cfg.stacks[i].comp[COMP_MIMIR].url, "http://override:9009");
        assert_string_equal(cfg.stacks[i].comp[COMP_MIMIR].prefix, "/prometheus");
    }
    config_override_url(&cfg, COMP_TEMPO, "https://tnew:443");
    /* derived OTLP endpoints follow the new URL; explicit ones stay */
    assert_string_equal(cfg.stacks[0].comp[COMP_TEMPO].otlp_http, "https://tnew:4318");
    assert_string_equal(cfg.stacks[0].comp[COMP_TEMPO].otlp_grpc, "tnew:4317");
    assert_string_equal(cfg.stacks[1].comp[COMP_TEMPO].otlp_http, "http://collector:4318");
    assert_string_equal(cfg.stacks[1].comp[COMP_TEMPO].otlp_grpc, "tnew:4317");
    config_override_url(&cfg, COMP_PROMETHEUS, "http://p:9090");
    assert_true(cfg.stacks[1].comp[COMP_PROMETHEUS].enabled);
    assert_string_equal(cfg.stacks[1].comp[COMP_PROMETHEUS].query, "up");
    config_free(&cfg);

    /* on an empty config it makes the default stack */
    memset(&cfg, 0, sizeof cfg);
    config_override_url(&cfg, COMP_LOKI, "http://l:1");
    assert_int_equal(cfg.nstacks, 1);
    assert_string_equal(cfg.stacks[0].name, "default");
    assert_true(cfg.stacks[0].comp[COMP_LOKI].enabled);
    assert_false(cfg.stacks[0].comp[COMP_MIMIR].enabled);
    config_free(&cfg);
}

static void test_select_stack(void **state)
{
    struct config cfg;
    char err[256];
    (void)state;
    parse_ok("stacks:\n  - name: a\n    mimir: http://a:1\n  - name: b\n    mimir: http://b:1\n"
             "  - name: c\n    mimir: http://c:1\n",
             no_env, &cfg);
    assert_int_equal(config_select_stack(&cfg, "x", err, sizeof err), -1);
    assert_string_equal(err, "no stack named \"x\" — the config has: a, b, c");
    assert_int_equal(cfg.nstacks, 3);
    assert_int_equal(config_select_stack(&cfg, "b", err, sizeof err), 0);
    assert_int_equal(cfg.nstacks, 1);
    assert_string_equal(cfg.stacks[0].name, "b");
    assert_string_equal(cfg.stacks[0].comp[COMP_MIMIR].url, "http://b:1");
    config_free(&cfg);
}

static void test_check_url(void **state)
{
    static const char *good[] = {"http://a",          "https://a:1",          "HTTP://mimir:9009/prefix/",
                                 "http://[::1]:9090", "http://u:p@host:80/x", "https://grafana.example.com"};
    static const struct {
        const char *url, *why;
    } bad[] = {
            {"", "empty"},
            {"ftp://a", "only http"},
            {"mimir:9009", "no http"},
            {"http://", "no host"},
            {"http://:80", "no host"},
            {"http://a b", "space"},
            {"http://a\t", "space"},
            {"http://a:", "bad port"},
            {"http://a:0", "bad port"},
            {"http://a:65536", "bad port"},
            {"http://a:9x", "bad port"},
            {"http://[::1", "IPv6"},
            {"http://a/?q", "query"},
            {"http://a#f", "fragment"},
            {"http://u@", "no host"},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(good); i++)
        if (config_check_url(good[i]))
            fail_msg("%s: %s", good[i], config_check_url(good[i]));
    assert_non_null(config_check_url(NULL));
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        const char *why = config_check_url(bad[i].url);
        if (!why || !strstr(why, bad[i].why))
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i].url, why ? why : "(ok)", bad[i].why);
    }
}

static void test_add_warning(void **state)
{
    struct config cfg;
    (void)state;
    memset(&cfg, 0, sizeof cfg);
    config_add_warning(&cfg, "one %d", 1);
    config_add_warning(&cfg, "two %s", "x");
    assert_int_equal(cfg.nwarnings, 2);
    assert_string_equal(cfg.warnings[0], "one 1");
    assert_string_equal(cfg.warnings[1], "two x");
    config_free(&cfg);
    assert_int_equal(cfg.nwarnings, 0);
    assert_null(cfg.warnings);
}

static void test_grafana_lists(void **state)
{
    struct config cfg;
    (void)state;
    static const char *const env[] = {"NEW", "grafana_mimir", NULL};
    parse_ok("stacks:\n  - name: a\n    grafana:\n      url: http://g:3000\n"
             "      deprecated_datasources: { grafana_prometheus: \"${NEW}\", old_loki: loki }\n"
             "      expect_rule_groups: [stack-health, \"Platform/slo\"]\n"
             "    mimir:\n      url: http://m:9009\n      expect_rule_groups: mimir-alerts\n"
             "    prometheus: { url: \"http://p:9090\", expect_rule_groups: [] }\n",
             env, &cfg);
    const struct component_cfg *g = &cfg.stacks[0].comp[COMP_GRAFANA];
    assert_int_equal(g->ndeprecated_ds, 2);
    assert_string_equal(g->deprecated_ds[0], "grafana_prometheus");
    assert_string_equal(g->deprecated_ds[1], "grafana_mimir");
    assert_string_equal(g->deprecated_ds[2], "old_loki");
    assert_string_equal(g->deprecated_ds[3], "loki");
    assert_int_equal(g->nexpect_rule_groups, 2);
    assert_string_equal(g->expect_rule_groups[0], "stack-health");
    assert_string_equal(g->expect_rule_groups[1], "Platform/slo");
    const struct component_cfg *m = &cfg.stacks[0].comp[COMP_MIMIR];
    assert_int_equal(m->nexpect_rule_groups, 1);
    assert_string_equal(m->expect_rule_groups[0], "mimir-alerts");
    assert_int_equal(cfg.stacks[0].comp[COMP_PROMETHEUS].nexpect_rule_groups, 0);
    assert_int_equal(cfg.stacks[0].comp[COMP_LOKI].ndeprecated_ds, 0);
    config_free(&cfg);
}

static void test_sizes_and_booleans(void **state)
{
    static const struct {
        const char *text;
        size_t bytes;
    } sizes[] = {
            {"1048576", 1048576}, {"8MiB", 8u << 20}, {"512 KiB", 512u << 10}, {"10MB", 10000000},
            {"2kb", 2000},        {"1GiB", 1u << 30}, {"1.5MiB", 1572864},     {"4096B", 4096},
    };
    static const struct {
        const char *text;
        bool val;
    } bools[] = {
            {"true", true},   {"True", true}, {"yes", true},  {"on", true},
            {"false", false}, {"NO", false},  {"off", false},
    };
    struct config cfg;
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        char *yaml = xasprintf("max_body: %s\nmimir: http://m:1\n", sizes[i].text);
        parse_ok(yaml, no_env, &cfg);
        if (cfg.max_body != sizes[i].bytes)
            fail_msg("%s: got %zu, want %zu", sizes[i].text, cfg.max_body, sizes[i].bytes);
        config_free(&cfg);
        free(yaml);
    }
    for (size_t i = 0; i < ARRAY_LEN(bools); i++) {
        char *yaml = xasprintf("mimir: { url: \"http://m:1\", insecure_skip_verify: %s }\n", bools[i].text);
        parse_ok(yaml, no_env, &cfg);
        assert_int_equal(cfg.stacks[0].comp[COMP_MIMIR].insecure_skip_verify, bools[i].val);
        config_free(&cfg);
        free(yaml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_comp_kind_helpers),
            cmocka_unit_test(test_interpolate),
            cmocka_unit_test(test_interpolate_real_env),
            cmocka_unit_test(test_full_config),
            cmocka_unit_test(test_defaults_when_keys_absent),
            cmocka_unit_test(test_shorthand),
            cmocka_unit_test(test_toplevel_components),
            cmocka_unit_test(test_interpolation_in_config),
            cmocka_unit_test(test_empty_secret_warns),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_nesting_depth),
            cmocka_unit_test(test_error_truncates_to_buffer),
            cmocka_unit_test(test_no_secret_in_messages),
            cmocka_unit_test(test_defaults_no_env),
            cmocka_unit_test(test_defaults_from_env),
            cmocka_unit_test(test_token_file),
            cmocka_unit_test(test_password_file),
            cmocka_unit_test(test_secret_file_errors),
            cmocka_unit_test(test_secrets_of_disabled_components_ignored),
            cmocka_unit_test(test_load_file),
            cmocka_unit_test(test_find_file),
            cmocka_unit_test(test_override_url),
            cmocka_unit_test(test_select_stack),
            cmocka_unit_test(test_check_url),
            cmocka_unit_test(test_add_warning),
            cmocka_unit_test(test_sizes_and_booleans),
            cmocka_unit_test(test_grafana_lists),
    };
    return cmocka_run_group_tests(tests, setup_tmpdir, teardown_tmpdir);
}
