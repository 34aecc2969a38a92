#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/webconfig.h"

/* crypt("secret") with bcrypt cost 10, as htpasswd -nbBC 10 alice secret writes it. */
#define SECRET_HASH "$2y$10$svU3d6wpOX.tPZ0E1UJLuuAGp8sOpeui0JINou/zG85uAE22SBNqG"

static int parse(const char *text, struct web_config *wc, char *err)
{
    return web_config_parse(text, strlen(text), "web.yml", wc, err, 256);
}

static void test_parse(void **st)
{
    (void)st;
    struct web_config wc;
    char err[256];
    assert_int_equal(parse("tls_server_config:\n  cert_file: a.crt\n  key_file: /k/a.key\n"
                           "basic_auth_users:\n  alice: " SECRET_HASH "\n  bob: " SECRET_HASH "\n",
                           &wc, err),
                     0);
    assert_string_equal(wc.cert_file, "a.crt");
    assert_string_equal(wc.key_file, "/k/a.key");
    assert_int_equal(wc.nusers, 2);
    assert_string_equal(wc.users[1].name, "bob");
    assert_true(web_config_has_auth(&wc));
    web_config_free(&wc);
    /* empty file, empty users: no auth */
    assert_int_equal(parse("", &wc, err), 0);
    assert_false(web_config_has_auth(&wc));
    web_config_free(&wc);
    assert_int_equal(parse("basic_auth_users:\n", &wc, err), 0);
    assert_false(web_config_has_auth(&wc));
    web_config_free(&wc);
    const struct {
        const char *text, *msg;
    } bad[] = {
            {"basic_auth_user:\n  alice: x\n", "web.yml:1: 'basic_auth_user' is not supported"},
            {"basic_auth_users:\n  alice: secret\n", "web.yml:2: basic_auth_users.alice: expected a bcrypt hash"},
            {"basic_auth_users:\n  alice: " SECRET_HASH "\n  alice: " SECRET_HASH "\n", "user 'alice' twice"},
            {"basic_auth_users: [alice]\n", "expected a mapping of user: bcrypt hash"},
            {"tls_server_config:\n  cert_file: a.crt\n", "needs both cert_file and key_file"},
            {"tls_server_config:\n  client_auth_type: RequireAndVerifyClientCert\n",
             "'client_auth_type' is not supported"},
            {"basic_auth_users:\n  alice: [\n", "web.yml:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(bad[i].text, &wc, err), -1);
        if (!strstr(err, bad[i].msg))
            fail_msg("row %zu: '%s' lacks '%s'", i, err, bad[i].msg);
        assert_int_equal(wc.nusers, 0); /* nothing left to free */
    }
}

static void test_base64(void **st)
{
    (void)st;
    char out[32];
    assert_int_equal(base64_decode("YWxpY2U6c2VjcmV0", out, sizeof out), 12);
    assert_string_equal(out, "alice:secret");
    assert_int_equal(base64_decode("YQ==", out, sizeof out), 1);
    assert_string_equal(out, "a");
    assert_int_equal(base64_decode("YQ", out, sizeof out), 1);
    assert_int_equal(base64_decode("Y!Q=", out, sizeof out), -1);
    assert_int_equal(base64_decode("YQ==YQ", out, sizeof out), -1);
    assert_int_equal(base64_decode("YWxpY2U6c2VjcmV0", out, 5), -1); /* does not fit */
}

static void test_authorized(void **st)
{
    (void)st;
    struct web_config wc;
    char err[256];
    assert_int_equal(parse("", &wc, err), 0);
    assert_true(web_config_authorized(&wc, NULL)); /* no users: everyone */
    web_config_free(&wc);
    assert_int_equal(parse("basic_auth_users:\n  alice: " SECRET_HASH "\n", &wc, err), 0);
    assert_false(web_config_authorized(&wc, NULL));
    assert_false(web_config_authorized(&wc, "Bearer abc"));
    assert_true(web_config_authorized(&wc, "Basic YWxpY2U6c2VjcmV0"));    /* alice:secret */
    assert_true(web_config_authorized(&wc, "basic  YWxpY2U6c2VjcmV0"));   /* scheme case, spaces */
    assert_false(web_config_authorized(&wc, "Basic YWxpY2U6d3Jvbmc="));   /* alice:wrong */
    assert_false(web_config_authorized(&wc, "Basic Ym9iOnNlY3JldA=="));   /* bob:secret */
    assert_false(web_config_authorized(&wc, "Basic YWxpY2VzZWNyZXQ="));   /* no colon */
    assert_false(web_config_authorized(&wc, "Basic YWxpY2U6c2VjcmV0eA")); /* alice:secretx */
    /* remembered: the same answers again (from the cache) */
    assert_true(web_config_authorized(&wc, "Basic YWxpY2U6c2VjcmV0"));
    assert_false(web_config_authorized(&wc, "Basic YWxpY2U6d3Jvbmc="));
    web_config_free(&wc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_parse),
            cmocka_unit_test(test_base64),
            cmocka_unit_test(test_authorized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
