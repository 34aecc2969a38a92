#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"

static void test_oneline_strips_controls(void **st)
{
    (void)st;
    char out[128];
    const char in[] = "  \x1b[2J\x1b[31mhello\x1b[0m\tworld\r\n\x07"
                      "bye\x00tail  ";
    text_oneline(out, sizeof(out), in, sizeof(in) - 1);
    assert_string_equal(out, "hello world bye tail");
    /* OSC title sequence and C1 controls (UTF-8 encoded U+009B) are removed too */
    const char osc[] = "a\x1b]0;pwned\x07"
                       "b\xc2\x85"
                       "c";
    text_oneline(out, sizeof(out), osc, sizeof(osc) - 1);
    assert_string_equal(out, "ab c");
    /* a sequence goes whole: C1 CSI (raw, UTF-8), OSC ended by ST, DCS, charset selection */
    const char seq[] = "1\xc2\x9b"
                       "2J2\x9b"
                       "31m3\x1b]2;T\x1b\\4\x1bPq#0\x1b\\5\x1b(B6\xc2\x9d"
                       "0;x\xc2\x9c"
                       "7";
    text_oneline(out, sizeof(out), seq, sizeof(seq) - 1);
    assert_string_equal(out, "1234567");
    /* bidi embeddings, overrides and isolates never survive */
    const char bidi[] = "a\xe2\x80\xaa"
                        "b\xe2\x80\xae"
                        "c\xe2\x81\xa6"
                        "d\xe2\x81\xa9"
                        "e";
    text_oneline(out, sizeof(out), bidi, sizeof(bidi) - 1);
    assert_string_equal(out, "abcde");
}

static void test_safe_copy(void **st)
{
    (void)st;
    /* valid UTF-8, no control characters, spacing kept; invalid bytes '?' */
    const char in[] = "  a\x1b[2Jb\tc\x7f"
                      "d\xc2\x85"
                      "e\xff\xe2\x80\xae"
                      "f  \n g\xc3\xa9";
    char *s = text_safe_copy(in, sizeof(in) - 1, false);
    assert_string_equal(s, "  ab c d e?f    g\xc3\xa9");
    free(s);
    s = text_safe_copy(in, sizeof(in) - 1, true);
    assert_string_equal(s, "  ab c d e?f  \n g\xc3\xa9");
    free(s);
    /* a truncated sequence at the end, a NUL inside */
    const char tail[] = "x\x1b]0;never ends";
    s = text_safe_copy(tail, sizeof(tail) - 1, false);
    assert_string_equal(s, "x");
    free(s);
    const char nul[] = "a\0b\xe2\x80";
    s = text_safe_copy(nul, sizeof(nul) - 1, false);
    assert_string_equal(s, "a b??");
    free(s);
}

static void test_oneline_utf8_and_truncation(void **st)
{
    (void)st;
    char out[12];
    text_oneline(out, sizeof(out), "héllo wörld and more", strlen("héllo wörld and more"));
    assert_true(strlen(out) < sizeof(out));
    assert_non_null(strstr(out, "..."));
    assert_true(strncmp(out, "héllo", strlen("héllo")) == 0);
    char bad[16];
    text_oneline(bad, sizeof(bad),
                 "a\xff\xfe"
                 "b",
                 4);
    assert_string_equal(bad, "a??b");
}

static void test_multiline_keeps_newlines(void **st)
{
    (void)st;
    const char *in = "one\n\x1b[1mtwo\x1b[0m\nthree\x07";
    char *s = text_clean_multiline(in, strlen(in));
    assert_string_equal(s, "one\ntwo\nthree");
    free(s);
}

static void test_printf_cleans_arguments(void **st)
{
    (void)st;
    char out[16];
    /* A server string in an argument is cleaned like any other text; the result fits the buffer. */
    assert_string_equal(text_printf(out, sizeof(out), "got %s", "a\x1b[2Jb\n"), "got ab");
    text_printf(out, sizeof(out), "%s", "0123456789abcdefghij");
    assert_int_equal(strlen(out), sizeof(out) - 1);
    char *s = xasprintf("%d-%s", 7, "x");
    assert_string_equal(s, "7-x");
    free(s);
}

static void test_url_trim_slashes(void **st)
{
    (void)st;
    char a[] = "http://h:1/p///", b[] = "http:///", c[] = "/";
    url_trim_slashes(a), url_trim_slashes(b), url_trim_slashes(c);
    assert_string_equal(a, "http://h:1/p");
    assert_string_equal(b, "http:///");
    assert_string_equal(c, "/");
}

static void test_url_redact(void **st)
{
    (void)st;
    static const struct {
        const char *in, *out;
    } rows[] = {
            {"http://user:secret@mimir:9009/prometheus", "http://***@mimir:9009/prometheus"},
            {"https://tok@grafana.example.com", "https://***@grafana.example.com"},
            {"http://mimir:9009/a@b", "http://mimir:9009/a@b"},
            {"http://loki:3100", "http://loki:3100"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *r = url_redact(rows[i].in);
        assert_string_equal(r, rows[i].out);
        assert_null(strstr(r, "secret"));
        free(r);
    }
}

static void test_url_hostport(void **st)
{
    (void)st;
    char hp[64];
    url_hostport("http://tempo.railway.internal:3200/api", hp, sizeof(hp));
    assert_string_equal(hp, "tempo.railway.internal:3200");
    url_hostport("https://u:p@grafana.example.com/x", hp, sizeof(hp));
    assert_string_equal(hp, "grafana.example.com:443");
    url_hostport("http://[::1]:9009", hp, sizeof(hp));
    assert_string_equal(hp, "[::1]:9009");
    url_hostport("http://[::1]/x", hp, sizeof(hp));
    assert_string_equal(hp, "[::1]:80");
}

static void test_duration(void **st)
{
    (void)st;
    static const struct {
        const char *in;
        long ms;
    } rows[] = {
            {"5s", 5000},
            {"250ms", 250},
            {"1m30s", 90000},
            {"2h", 7200000},
            {"1.5s", 1500},
            {"3", 3000},
            {"", -1},
            {"5 seconds", -1},
            {"abc", -1},
            {"-1s", -1},
            {"5x", -1},
            {"1s5", -1},
            /* plain decimal only: strtod's hex, exponents, inf and nan are not durations */
            {"0x10s", -1},
            {"0x10", -1},
            {"1e3s", -1},
            {"1e3", -1},
            {"inf", -1},
            {"nan", -1},
            {"+5s", -1},
            {".", -1},
            {"1.5.5s", -1},
            {"0.25s", 250},
            {"99999999999999999999s", -1},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        assert_int_equal(duration_parse_ms(rows[i].in), rows[i].ms);
    char b[16];
    assert_string_equal(duration_format(850, b, sizeof(b)), "850ms");
    assert_string_equal(duration_format(1234, b, sizeof(b)), "1.2s");
    assert_string_equal(duration_format(185000, b, sizeof(b)), "3m05s");
    assert_string_equal(duration_format(7800000, b, sizeof(b)), "2h10m");
    /* rounded to the unit shown: one formatter for --wait, the table and the TUI */
    assert_string_equal(duration_format(59700, b, sizeof(b)), "1m00s");
    assert_string_equal(duration_format(9960, b, sizeof(b)), "10s");
    assert_string_equal(duration_format(3599700, b, sizeof(b)), "1h00m");
    assert_string_equal(duration_format(86399000, b, sizeof(b)), "1d");
}

static void test_buf(void **st)
{
    (void)st;
    struct buf b;
    buf_init(&b);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    assert_true(b.len > 3000);
    assert_int_equal(b.data[b.len], '\0');
    char *s = buf_steal(&b);
    assert_null(b.data);
    assert_true(strncmp(s, "0,1,2,", 6) == 0);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_oneline_strips_controls),
            cmocka_unit_test(test_safe_copy),
            cmocka_unit_test(test_oneline_utf8_and_truncation),
            cmocka_unit_test(test_multiline_keeps_newlines),
            cmocka_unit_test(test_printf_cleans_arguments),
            cmocka_unit_test(test_url_trim_slashes),
            cmocka_unit_test(test_url_redact),
            cmocka_unit_test(test_url_hostport),
            cmocka_unit_test(test_duration),
            cmocka_unit_test(test_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
