/* Unit tests for promtext: real and constructed /metrics fixtures plus edge cases. Inputs are
 * copied into exactly-sized heap buffers so ASan catches any read past len. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "lgtmtop/promtext.h"

#define MAX_SAMPLES 64

#define assert_dbl_eq(got, want)                          \
    do {                                                  \
        double got_ = (got), want_ = (want);              \
        if (!(got_ == want_)) {                           \
            print_error("%.17g != %.17g\n", got_, want_); \
            fail();                                       \
        }                                                 \
    } while (0)

struct collected {
    int n;
    struct prom_sample s[MAX_SAMPLES];
    size_t asked; /* length of the last name a name filter was asked about */
};

struct input {
    char *data; /* exactly len bytes, no NUL */
    size_t len;
};

static int collect_cb(const struct prom_sample *s, void *ud)
{
    struct collected *c = ud;
    if (c->n < MAX_SAMPLES)
        c->s[c->n] = *s;
    c->n++;
    return 0;
}

static struct input input_from(const char *text, size_t len)
{
    struct input in = {malloc(len > 0 ? len : 1), len};
    assert_non_null(in.data);
    if (len > 0)
        memcpy(in.data, text, len);
    return in;
}

static struct input input_str(const char *text) { return input_from(text, strlen(text)); }

static struct input input_fixture(const char *rel)
{
    size_t n;
    char *p = fixture_load(rel, &n); /* already an exact-size buffer: it becomes the input */
    return (struct input){p, n};
}

static int parse(const struct input *in, struct collected *c, struct prom_error *err)
{
    memset(c, 0, sizeof(*c));
    return promtext_parse(in->data, in->len, collect_cb, c, err);
}

static bool name_is(const struct prom_sample *s, const char *name)
{
    return s->name_len == strlen(name) && memcmp(s->name, name, s->name_len) == 0;
}

/* First sample with this name and (if lname != NULL) label lname == lvalue. */
static const struct prom_sample *find(const struct collected *c, const char *name, const char *lname,
                                      const char *lvalue)
{
    for (int i = 0; i < c->n && i < MAX_SAMPLES; i++) {
        char v[256];
        if (!name_is(&c->s[i], name))
            continue;
        if (lname == NULL || (promtext_label(&c->s[i], lname, v, sizeof(v)) && strcmp(v, lvalue) == 0))
            return &c->s[i];
    }
    fail_msg("sample %s{%s=%s} not found", name, lname ? lname : "", lvalue ? lvalue : "");
    return NULL;
}

static void assert_label(const struct prom_sample *s, const char *lname, const char *want)
{
    char v[256];
    assert_true(promtext_label(s, lname, v, sizeof(v)));
    assert_string_equal(v, want);
}

/* Parses a one-sample text that must be clean. */
static struct prom_sample parse_one(const char *text, struct collected *c, struct input *in)
{
    struct prom_error err;
    *in = input_str(text);
    int bad = parse(in, c, &err);
    if (bad != 0)
        fail_msg("%s: %s", text, err.msg);
    assert_int_equal(c->n, 1);
    return c->s[0];
}

static void assert_malformed(const char *text)
{
    struct collected c;
    struct prom_error err;
    struct input in = input_str(text);
    if (parse(&in, &c, &err) != 1)
        fail_msg("expected one malformed line in [%s]", text);
    assert_int_equal(c.n, 0);
    assert_int_equal(err.line, 1);
    assert_true(strncmp(err.msg, "line 1: ", 8) == 0);
    free(in.data);
}

/* ---- fixtures ---- */

static void test_fixture_exposition_example(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("prometheus/exposition_text_0.0.4_example.txt");
    /* The docs example's UTF-8 line `{"my.dotted.metric", "error.message"="Not Found"}` has no
     * value, so it is the single malformed line; every other line parses. */
    assert_int_equal(parse(&in, &c, &err), 1);
    assert_int_equal(err.line, 10);
    assert_string_equal(err.msg, "line 10: missing value");
    assert_int_equal(c.n, 20);

    const struct prom_sample *s = &c.s[0];
    assert_true(name_is(s, "http_requests_total"));
    assert_label(s, "method", "post");
    assert_label(s, "code", "200");
    assert_dbl_eq(s->value, 1027);
    assert_true(s->has_timestamp);
    assert_true(s->timestamp == INT64_C(1395066363000));
    s = find(&c, "http_requests_total", "code", "400");
    assert_dbl_eq(s->value, 3);

    s = find(&c, "msdos_file_access_time_seconds", NULL, NULL);
    assert_label(s, "path", "C:\\DIR\\FILE.TXT");
    assert_label(s, "error", "Cannot find file:\n\"FILE.TXT\"");
    assert_dbl_eq(s->value, 1.458255915e9);
    assert_false(s->has_timestamp);

    s = find(&c, "metric_without_timestamp_and_labels", NULL, NULL);
    assert_dbl_eq(s->value, 12.47);
    assert_int_equal(s->labels_len, 0);
    assert_string_equal(s->labels, "");

    s = find(&c, "something_weird", "problem", "division by zero");
    assert_true(isinf(s->value) && s->value > 0);
    assert_true(s->has_timestamp);
    assert_true(s->timestamp == -3982045);

    s = find(&c, "http_request_duration_seconds_bucket", "le", "+Inf");
    assert_dbl_eq(s->value, 144320);
    s = find(&c, "http_request_duration_seconds_bucket", "le", "0.05");
    assert_dbl_eq(s->value, 24054);
    s = find(&c, "rpc_duration_seconds_sum", NULL, NULL);
    assert_dbl_eq(s->value, 1.7560473e+07);
    s = find(&c, "rpc_duration_seconds", "quantile", "0.99");
    assert_dbl_eq(s->value, 76656);

    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "http_requests_total", &found), 1030);
    assert_true(found);
    assert_true(promtext_has_prefix(in.data, in.len, "http_request_duration_"));
    assert_false(promtext_has_prefix(in.data, in.len, "my.dotted"));
    free(in.data);
}

static void test_fixture_openmetrics(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("prometheus/openmetrics_1.0_example.txt");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.msg, "");
    assert_int_equal(c.n, 8);
    const struct prom_sample *s = find(&c, "acme_http_router_request_seconds_created", "path", "/api/v2");
    assert_dbl_eq(s->value, 1605281325.0);
    assert_label(s, "method", "POST");
    s = find(&c, "acme_http_router_request_seconds_sum", "path", "/api/v1");
    assert_dbl_eq(s->value, 9036.32);
    s = find(&c, "process_cpu_seconds_total", NULL, NULL);
    assert_dbl_eq(s->value, 4.20072246e+06);
    assert_dbl_eq(find(&c, "go_goroutines", NULL, NULL)->value, 69);

    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "acme_http_router_request_seconds_count", &found), 807283.0 + 34.0);
    assert_true(found);
    /* The family name of a counter is not itself a series. */
    assert_dbl_eq(promtext_sum(in.data, in.len, "process_cpu_seconds", &found), 0);
    assert_false(found);
    free(in.data);
}

static void test_fixture_tempo(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("tempo/metrics_excerpt_constructed.txt");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 17);
    assert_label(find(&c, "tempo_build_info", NULL, NULL), "version", "2.10.4");
    const struct prom_sample *s = find(&c, "tempo_request_duration_seconds_bucket", "le", "+Inf");
    assert_dbl_eq(s->value, 59367);
    assert_label(s, "route", "ready");
    s = find(&c, "tempo_request_duration_seconds_sum", NULL, NULL);
    assert_dbl_eq(s->value, 0.899332784999996);
    assert_dbl_eq(find(&c, "tempo_receiver_accepted_spans", "receiver", "otlp/otlp_receiver")->value, 16);

    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_distributor_spans_received_total", &found), 16);
    assert_true(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_discarded_spans_total", &found), 0);
    assert_true(found);
    assert_true(promtext_has_prefix(in.data, in.len, "tempo_distributor_"));
    assert_true(promtext_has_prefix(in.data, in.len, "tempo_ingester_"));
    assert_false(promtext_has_prefix(in.data, in.len, "tempo_live_store_"));
    free(in.data);
}

static void test_fixture_tempo_v3(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("tempo/metrics_excerpt_v3_livestore_constructed.txt");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 5);
    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_distributor_spans_received_total", &found), 71460);
    assert_true(found);
    assert_dbl_eq(find(&c, "tempo_live_store_bytes_received_total", "data_type", "trace")->value, 50112004);
    assert_true(promtext_has_prefix(in.data, in.len, "tempo_live_store_"));
    assert_false(promtext_has_prefix(in.data, in.len, "tempo_ingester_"));
    free(in.data);
}

static void test_fixture_loki(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("loki/metrics_excerpt_constructed.txt");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 10);
    const struct prom_sample *s = find(&c, "loki_distributor_bytes_received_total", "tenant", "fake");
    assert_dbl_eq(s->value, 1.8374562e+07);
    assert_label(s, "policy", ""); /* present but empty */
    assert_label(s, "retention_hours", "744");
    assert_dbl_eq(find(&c, "loki_request_duration_seconds_bucket", "le", "+Inf")->value, 1044);
    assert_label(find(&c, "loki_build_info", NULL, NULL), "version", "3.5.1");
    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "loki_discarded_samples_total", &found), 12);
    assert_true(found);
    assert_true(promtext_has_prefix(in.data, in.len, "loki_ingester_"));
    free(in.data);
}

static void test_fixture_mimir(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_fixture("mimir/metrics_distributor_excerpt_constructed.txt");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 15);
    assert_label(find(&c, "cortex_build_info", NULL, NULL), "version", "2.15.0");
    assert_dbl_eq(find(&c, "cortex_ring_members", "state", "ACTIVE")->value, 3);
    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "cortex_ring_members", &found), 3);
    assert_true(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "cortex_distributor_samples_in_total", &found), 125000);
    assert_dbl_eq(find(&c, "cortex_request_duration_seconds_bucket", "le", "+Inf")->value, 2500);
    assert_label(find(&c, "cortex_discarded_samples_total", NULL, NULL), "reason", "sample-out-of-order");
    assert_true(promtext_has_prefix(in.data, in.len, "cortex_distributor_"));
    assert_false(promtext_has_prefix(in.data, in.len, "loki_"));
    free(in.data);
}

/* Every prefix of a fixture, in an exactly-sized buffer: never reads past len, never crashes. */
static void test_fixture_every_prefix(void **state)
{
    (void)state;
    struct input full = input_fixture("prometheus/exposition_text_0.0.4_example.txt");
    struct collected c;
    for (size_t len = 0; len <= full.len; len++) {
        struct input in = input_from(full.data, len);
        struct prom_error err;
        int bad = parse(&in, &c, &err);
        assert_in_range(c.n, 0, 20);
        assert_in_range(bad, 0, 2);
        assert_true(bad == 0 || err.line > 0);
        free(in.data);
    }
    free(full.data);
}

/* ---- constructed edge cases ---- */

static void test_label_escapes(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("m{a=\"x\\\\y\\\"z\\nw\",b=\"tab\\tkept\"} 1\n", &c, &in);
    assert_label(&s, "a", "x\\y\"z\nw");
    assert_label(&s, "b", "tab\\tkept"); /* unknown escapes stay verbatim */
    free(in.data);
}

static void test_label_commas_braces_utf8(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("m{a=\"1,2}\",b=\"=x y\",c=\"h\xc3\xa9 \xe6\x97\xa5\",d=\"x # y\"} 5\n", &c, &in);
    assert_dbl_eq(s.value, 5);
    assert_label(&s, "a", "1,2}");
    assert_label(&s, "b", "=x y");
    assert_label(&s, "c", "h\xc3\xa9 \xe6\x97\xa5");
    assert_label(&s, "d", "x # y");
    free(in.data);

    /* A naive comma split would find b= inside a's value. */
    s = parse_one("m{a=\"b=\\\"c\\\",d\",b=\"real\",ab=\"1\"} 2", &c, &in);
    assert_label(&s, "b", "real");
    assert_label(&s, "a", "b=\"c\",d");
    char v[8] = "junk";
    assert_false(promtext_label(&s, "d", v, sizeof(v)));
    assert_string_equal(v, "");
    free(in.data);
}

static void test_label_set_forms(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("m{a=\"1\",} 2\n", &c, &in);
    assert_label(&s, "a", "1");
    assert_dbl_eq(s.value, 2);
    free(in.data);

    s = parse_one("m{} 3\n", &c, &in);
    assert_true(name_is(&s, "m"));
    assert_int_equal(s.labels_len, 0);
    assert_string_equal(s.labels, "");
    free(in.data);

    s = parse_one("m { a = \"1\" , b=\"2\" } 4\n", &c, &in);
    assert_label(&s, "a", "1");
    assert_label(&s, "b", "2");
    free(in.data);

    assert_malformed("m{a=\"1\",,b=\"2\"} 1\n");
    assert_malformed("m{,} 1\n");
    assert_malformed("m{a=\"1\" b=\"2\"} 1\n");
    assert_malformed("m{a=1} 1\n");
    assert_malformed("m{a} 1\n");
    assert_malformed("m{a=\"1\"\n");
    assert_malformed("m{1a=\"1\"} 1\n");
    assert_malformed("m{a:b=\"1\"} 1\n");
}

static void test_quoted_names(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("{\"my.dotted.metric\", \"error.message\"=\"Not Found\"} 1\n", &c, &in);
    assert_true(name_is(&s, "my.dotted.metric"));
    /* labels hold only the real labels: the text after the name's comma. */
    assert_int_equal(s.labels_len, strlen(" \"error.message\"=\"Not Found\""));
    assert_memory_equal(s.labels, " \"error.message\"=\"Not Found\"", s.labels_len);
    assert_label(&s, "error.message", "Not Found");
    char v[8];
    assert_false(promtext_label(&s, "my.dotted.metric", v, sizeof(v)));
    free(in.data);

    s = parse_one("{\"only.name\"} 4 17\n", &c, &in);
    assert_true(name_is(&s, "only.name"));
    assert_int_equal(s.labels_len, 0);
    assert_string_equal(s.labels, "");
    assert_true(s.timestamp == 17);
    free(in.data);

    s = parse_one("m{\"a.b\"=\"x\",c=\"y\"} 1\n", &c, &in);
    assert_label(&s, "a.b", "x");
    assert_label(&s, "c", "y");
    free(in.data);

    assert_malformed("{a=\"x\",\"late.name\"} 1\n");
    assert_malformed("foo{\"bar\"} 1\n");
    assert_malformed("{\"\"} 1\n");
    assert_malformed("{a=\"x\"} 1\n");
    assert_malformed("{\"unterminated} 1\n");
}

static void test_values(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double want;
    } ok[] = {
            {"m 1.5e3", 1500}, {"m -2E-2", -0.02}, {"m .5", 0.5},  {"m 5.", 5},
            {"m +7", 7},       {"m 1e+06", 1e6},   {"m -0", -0.0}, {"m 0.899332784999996", 0.899332784999996},
    };
    struct collected c;
    struct input in;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct prom_sample s = parse_one(ok[i].text, &c, &in);
        assert_dbl_eq(s.value, ok[i].want);
        free(in.data);
    }
    struct prom_sample s = parse_one("m NaN", &c, &in);
    assert_true(isnan(s.value));
    free(in.data);
    s = parse_one("m -Inf", &c, &in);
    assert_true(isinf(s.value) && s.value < 0);
    free(in.data);
    s = parse_one("m +Inf", &c, &in);
    assert_true(isinf(s.value) && s.value > 0);
    free(in.data);

    assert_malformed("m 0x10\n");
    assert_malformed("m 1.2.3\n");
    assert_malformed("m abc\n");
    assert_malformed("m 1e\n");
    assert_malformed("m .\n");
    assert_malformed("m\n");
    assert_malformed("m 1,5\n");
    assert_malformed("m1.5\n");
    assert_malformed("m-1 2\n");
}

/* Plain decimals take a fast path without strtod: the result must be strtod's, bit for bit,
 * on both sides of its limits (15 significant digits, 22 fraction digits). */
static void test_values_match_strtod(void **state)
{
    (void)state;
    static const char *const texts[] = {
            "0.1",
            "0.2",
            "0.3",
            "123.456",
            "-7.25",
            "1",
            "0",
            "-0.0",
            "9007199254740991",
            "900719925474099.1",
            "123456789012345",
            "1234567890123456",
            "0.30000000000000004",
            "0.000000000000000000001",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "3.141592653589793",
            "2.718281828459045",
            "100000000000000000000",
            "17.000",
            "0.899332784999996",
            "42.",
            ".000123",
            "+5.5",
            "99999999999999.9",
    };
    struct collected c;
    struct input in;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        char line[64];
        snprintf(line, sizeof(line), "m %s\n", texts[i]);
        struct prom_sample s = parse_one(line, &c, &in);
        double want = strtod(texts[i], NULL);
        if (memcmp(&s.value, &want, sizeof(want)) != 0)
            fail_msg("%s: got %.17g, strtod %.17g", texts[i], s.value, want);
        free(in.data);
    }
}

static void test_timestamps(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("m 1 9223372036854775807", &c, &in);
    assert_true(s.has_timestamp && s.timestamp == INT64_MAX);
    free(in.data);
    s = parse_one("m 1 -9223372036854775808", &c, &in);
    assert_true(s.timestamp == INT64_MIN);
    free(in.data);

    assert_malformed("m 1 inf\n");
    assert_malformed("m 1 +Inf\n");
    assert_malformed("m 1 nan\n");
    assert_malformed("m 1 1.5\n");
    assert_malformed("m 1 1e3\n");
    assert_malformed("m 1 9223372036854775808\n");
    assert_malformed("m 1 2 3\n");
}

static void test_tabs_and_blanks(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_str("\t# HELP\tm\tdoc with\ttabs\n"
                                "#\tTYPE\tm\tgauge\n"
                                "  \tm\t{a=\"b\"}\t7\t123\t \n"
                                "\t\n"
                                "n  \t 8\n");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_dbl_eq(c.s[0].value, 7);
    assert_true(c.s[0].timestamp == 123);
    assert_label(&c.s[0], "a", "b");
    assert_true(name_is(&c.s[1], "n"));
    assert_dbl_eq(c.s[1].value, 8);
    free(in.data);
}

static void test_comments_help_type(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_str("# just a comment { with \" junk\n"
                                "#\n"
                                "# HELP m\n"
                                "# HELP \"my.metric\" quoted name\n"
                                "# TYPE m counter\n"
                                "# TYPE x_info info\n"
                                "# UNIT m seconds\n"
                                "# TYPE m bogus\n"
                                "# HELP\n"
                                "# TYPE m\n"
                                "# TYPE m counter extra\n"
                                "m_total 1\n");
    assert_int_equal(parse(&in, &c, &err), 4);
    assert_int_equal(err.line, 8);
    assert_string_equal(err.msg, "line 8: TYPE with an unknown type");
    assert_int_equal(c.n, 1);
    free(in.data);
}

static void test_exemplars(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in =
            input_str("# TYPE foo histogram\n"
                      "foo_bucket{le=\"0.01\"} 0\n"
                      "foo_bucket{le=\"0.1\"} 8 # {trace_id=\"abc\"} 0.054\n"
                      "foo_bucket{le=\"1\"} 11 # {trace_id=\"KOO5S4vxi0o\",x=\"} #\"} 0.67 1520879607.789\n"
                      "foo_bucket{le=\"+Inf\"} 17 1520879607 # {trace_id=\"oHg5SJYRHA0\"} 9.8 1520879602.582\n"
                      "foo_count 17\n"
                      "# EOF\n");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 5);
    assert_dbl_eq(find(&c, "foo_bucket", "le", "0.1")->value, 8);
    assert_dbl_eq(find(&c, "foo_bucket", "le", "1")->value, 11);
    const struct prom_sample *s = find(&c, "foo_bucket", "le", "+Inf");
    assert_dbl_eq(s->value, 17);
    assert_true(s->has_timestamp && s->timestamp == 1520879607);
    free(in.data);
}

static void test_eof_stops(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_str("a 1\n# EOF\nb 2\ngarbage here\n");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 1);
    free(in.data);
    /* "# EOF" followed by text is only a comment. */
    in = input_str("a 1\n# EOF not really\nb 2\n");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 2);
    free(in.data);
}

static void test_line_endings(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_str("a 1\nb 2");
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_dbl_eq(c.s[1].value, 2);
    free(in.data);

    in = input_str("# TYPE a gauge\r\na 1\r\nb{x=\"y\"} 2 5\r\n\r\nbad\r\n");
    assert_int_equal(parse(&in, &c, &err), 1);
    assert_int_equal(err.line, 5);
    assert_int_equal(c.n, 2);
    assert_label(&c.s[1], "x", "y");
    assert_true(c.s[1].timestamp == 5);
    free(in.data);
}

static void test_truncated_final_line(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    struct input in = input_str("a 1\nb{x=\"y");
    assert_int_equal(parse(&in, &c, &err), 1);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.msg, "line 2: unterminated label set");
    assert_int_equal(c.n, 1);
    free(in.data);

    in = input_str("a 1\nb{x=\"y\"} ");
    assert_int_equal(parse(&in, &c, &err), 1);
    assert_string_equal(err.msg, "line 2: missing value");
    free(in.data);

    in = input_str("a 1\nb{x=\"y\\");
    assert_int_equal(parse(&in, &c, &err), 1);
    free(in.data);
}

static void test_slice_not_terminated(void **state)
{
    (void)state;
    static const char text[] = "a 1\nb 2XYZ{\"\n";
    struct collected c;
    struct prom_error err;
    struct input in = input_from(text, strlen("a 1\nb 2"));
    assert_int_equal(parse(&in, &c, &err), 0);
    assert_int_equal(c.n, 2);
    assert_dbl_eq(c.s[1].value, 2);
    free(in.data);

    /* Cut inside a label value: the closing quote and brace are past len. */
    static const char text2[] = "c{x=\"ab\"} 1\n";
    in = input_from(text2, strlen("c{x=\"a"));
    assert_int_equal(parse(&in, &c, &err), 1);
    assert_int_equal(c.n, 0);
    free(in.data);

    /* A slice from the middle of a larger buffer, digits right after the end. */
    static const char text3[] = "x 12345";
    assert_int_equal(promtext_parse(text3, 4, collect_cb, memset(&c, 0, sizeof(c)), NULL), 0);
    assert_int_equal(c.n, 1);
    assert_dbl_eq(c.s[0].value, 12);
}

static uint32_t xorshift(uint32_t *st)
{
    uint32_t x = *st;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *st = x;
}

static void test_garbage(void **state)
{
    (void)state;
    enum { N = 65536 };
    char *buf = malloc(N);
    assert_non_null(buf);
    uint32_t st = 0x12345678u;
    int lines = 1;
    for (size_t i = 0; i < N; i++) {
        buf[i] = (char)(xorshift(&st) & 0xff);
        lines += buf[i] == '\n';
    }
    struct collected c;
    struct prom_error err;
    memset(&c, 0, sizeof(c));
    int bad = promtext_parse(buf, N, collect_cb, &c, &err);
    assert_true(bad > 0);
    assert_in_range(err.line, 1, lines);
    assert_true(strncmp(err.msg, "line ", 5) == 0);

    /* Printable garbage built from the syntax's own characters. */
    static const char alphabet[] = "ab{}=\",#\\ \t\n\r.1e+-_:\"";
    for (size_t i = 0; i < N; i++)
        buf[i] = alphabet[xorshift(&st) % (sizeof(alphabet) - 1)];
    for (size_t len = 0; len < N; len += 997) {
        struct input in = input_from(buf, len);
        memset(&c, 0, sizeof(c));
        bad = promtext_parse(in.data, in.len, collect_cb, &c, &err);
        assert_true(bad >= 0);
        assert_true(bad == 0 || err.line >= 1);
        free(in.data);
    }
    free(buf);
}

static int stop_after_two(const struct prom_sample *s, void *ud)
{
    struct collected *c = ud;
    collect_cb(s, ud);
    return c->n == 2;
}

static void test_early_stop(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    memset(&c, 0, sizeof(c));
    struct input in = input_str("a 1\nbad\nb 2\nc 3\nalso bad\n");
    assert_int_equal(promtext_parse(in.data, in.len, stop_after_two, &c, &err), 1);
    assert_int_equal(err.line, 2);
    assert_int_equal(c.n, 2);
    assert_true(name_is(&c.s[1], "b"));
    free(in.data);
}

/* Declines names starting with "skip", and records the last name it was asked about. */
static bool want_no_skip(const char *name, size_t len, void *ud)
{
    struct collected *c = ud;
    c->asked = len; /* the name alone, without labels */
    return !(len >= 4 && memcmp(name, "skip", 4) == 0);
}

static void test_parse_some_skips_declined(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err;
    memset(&c, 0, sizeof(c));
    struct input in = input_str("# TYPE skip_me counter\n"
                                "skip_me{a=\"1\"} 1\n"
                                "  skip_me 2\n"
                                "skip_me{a=} not a value\n" /* declined: neither passed nor counted */
                                "keep{tenant=\"t\"} 3\n"
                                "{\"skip.quoted\",a=\"b\"} 4\n" /* a quoted name is always parsed */
                                "skip_me@ 5\n"                  /* not a name then a label set: parsed, bad */
                                "keep{a=} 6\n");                /* wanted and malformed: counted */
    assert_int_equal(promtext_parse_some(in.data, in.len, want_no_skip, collect_cb, &c, &err), 2);
    assert_int_equal(err.line, 7);
    assert_int_equal(c.n, 2);
    assert_true(name_is(&c.s[0], "keep"));
    assert_label(&c.s[0], "tenant", "t");
    assert_true(name_is(&c.s[1], "skip.quoted"));
    assert_int_equal(c.asked, 4); /* the last name asked about: "keep" of the last line */
    /* Without a filter every line is parsed: the declined malformed line counts too. */
    memset(&c, 0, sizeof(c));
    assert_int_equal(promtext_parse_some(in.data, in.len, NULL, collect_cb, &c, &err), 3);
    assert_int_equal(err.line, 4);
    assert_int_equal(c.n, 4);
    free(in.data);
}

static void test_empty_input(void **state)
{
    (void)state;
    struct collected c;
    struct prom_error err = {.line = 99, .msg = "stale"};
    memset(&c, 0, sizeof(c));
    assert_int_equal(promtext_parse("", 0, collect_cb, &c, &err), 0);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.msg, "");
    assert_int_equal(promtext_parse(NULL, 0, collect_cb, &c, NULL), 0);
    assert_int_equal(promtext_parse("\n\n  \n# c\n", 6, NULL, NULL, NULL), 0);
    assert_int_equal(c.n, 0);
    bool found = true;
    assert_dbl_eq(promtext_sum("", 0, "m", &found), 0);
    assert_false(found);
    assert_false(promtext_has_prefix("", 0, "m"));
}

static void test_sum_and_prefix(void **state)
{
    (void)state;
    struct input in = input_str("# TYPE tempo_distributor_spans_received_total counter\n"
                                "tempo_distributor_spans_received_total{tenant=\"a\"} 10\n"
                                "tempo_distributor_spans_received_total{tenant=\"b\"} 5.5\n"
                                "tempo_distributor_spans_received_total{tenant=\"c\"} NaN\n"
                                "tempo_distributor_spans_received_total_extra 100\n"
                                "tempo_distributor_spans_received 100\n"
                                "only_nan NaN\n"
                                "broken{ 1\n");
    bool found = false;
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_distributor_spans_received_total", &found), 15.5);
    assert_true(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "only_nan", &found), 0);
    assert_true(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "absent", &found), 0);
    assert_false(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_distributor_spans", &found), 0);
    assert_false(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "broken", &found), 0);
    assert_false(found);
    assert_dbl_eq(promtext_sum(in.data, in.len, "tempo_distributor_spans_received_total", NULL), 15.5);
    assert_true(promtext_has_prefix(in.data, in.len, "tempo_distributor_"));
    assert_true(promtext_has_prefix(in.data, in.len, "only_nan"));
    assert_true(promtext_has_prefix(in.data, in.len, ""));
    assert_false(promtext_has_prefix(in.data, in.len, "only_nan_"));
    /* Names in comments are not series. */
    assert_false(promtext_has_prefix("# TYPE tempo_x counter\n", 23, "tempo_"));
    free(in.data);
}

static void test_label_output_truncation(void **state)
{
    (void)state;
    struct collected c;
    struct input in;
    struct prom_sample s = parse_one("m{a=\"abcdef\",u=\"a\xc3\xa9z\",e=\"\\\\\\\\\"} 1", &c, &in);
    char v[8];
    assert_true(promtext_label(&s, "a", v, 4));
    assert_string_equal(v, "abc");
    assert_true(promtext_label(&s, "u", v, 3)); /* "a" + half of é would not fit */
    assert_string_equal(v, "a");
    assert_true(promtext_label(&s, "u", v, 4));
    assert_string_equal(v, "a\xc3\xa9");
    assert_true(promtext_label(&s, "e", v, sizeof(v)));
    assert_string_equal(v, "\\\\");
    assert_true(promtext_label(&s, "a", v, 1));
    assert_string_equal(v, "");
    assert_true(promtext_label(&s, "a", NULL, 0));
    assert_false(promtext_label(&s, "", v, sizeof(v)));
    free(in.data);
}

/* strtod follows LC_NUMERIC; a comma-radix locale must not change results. */
static void test_comma_locale(void **state)
{
    (void)state;
    static const char *const locales[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *got = NULL;
    for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]) && got == NULL; i++)
        got = setlocale(LC_NUMERIC, locales[i]);
    if (got == NULL)
        skip();
    struct collected c;
    struct input in = input_str("m 1.5\n");
    int bad = parse(&in, &c, NULL);
    setlocale(LC_NUMERIC, "C");
    assert_int_equal(bad, 0);
    assert_dbl_eq(c.s[0].value, 1.5);
    free(in.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_fixture_exposition_example),
            cmocka_unit_test(test_fixture_openmetrics),
            cmocka_unit_test(test_fixture_tempo),
            cmocka_unit_test(test_fixture_tempo_v3),
            cmocka_unit_test(test_fixture_loki),
            cmocka_unit_test(test_fixture_mimir),
            cmocka_unit_test(test_fixture_every_prefix),
            cmocka_unit_test(test_label_escapes),
            cmocka_unit_test(test_label_commas_braces_utf8),
            cmocka_unit_test(test_label_set_forms),
            cmocka_unit_test(test_quoted_names),
            cmocka_unit_test(test_values),
            cmocka_unit_test(test_values_match_strtod),
            cmocka_unit_test(test_timestamps),
            cmocka_unit_test(test_tabs_and_blanks),
            cmocka_unit_test(test_comments_help_type),
            cmocka_unit_test(test_exemplars),
            cmocka_unit_test(test_eof_stops),
            cmocka_unit_test(test_line_endings),
            cmocka_unit_test(test_truncated_final_line),
            cmocka_unit_test(test_slice_not_terminated),
            cmocka_unit_test(test_garbage),
            cmocka_unit_test(test_early_stop),
            cmocka_unit_test(test_parse_some_skips_declined),
            cmocka_unit_test(test_empty_input),
            cmocka_unit_test(test_sum_and_prefix),
            cmocka_unit_test(test_label_output_truncation),
            cmocka_unit_test(test_comma_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
