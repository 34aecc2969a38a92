/* layout: widths, truncation, numbers, durations, glyphs, columns and cells — no terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/layout.h"
#include "lgtmtop/util.h"

static char buf[LAY_CELL_MAX * 2];

static bool all_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

/* ---- numbers and durations ---- */

static void test_num(void **st)
{
    (void)st;
    static const struct {
        double v;
        const char *want;
    } rows[] = {
            {0, "0"},        {12, "12"},       {12.34, "12.3"},  {0.25, "0.25"},   {0.004, "0.00"},
            {99.96, "100"},  {999, "999"},     {999.4, "999"},   {999.6, "1.0k"},  {1234, "1.2k"},
            {9960, "10k"},   {12345, "12k"},   {999499, "999k"}, {999999, "1.0M"}, {3.4e6, "3.4M"},
            {5.6e9, "5.6G"}, {7.8e12, "7.8T"}, {-1500, "-1.5k"}, {-3, "-3"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        lay_num(rows[i].v, buf, sizeof(buf));
        if (strcmp(buf, rows[i].want) != 0)
            fail_msg("lay_num(%g) = \"%s\", want \"%s\"", rows[i].v, buf, rows[i].want);
    }
    assert_string_equal(lay_num(NAN, buf, sizeof(buf)), "-");
    assert_string_equal(lay_num(INFINITY, buf, sizeof(buf)), "-");
    assert_string_equal(lay_rate(12.34, "/s", buf, sizeof(buf)), "12.3/s");
    assert_string_equal(lay_rate(3400000, " spans/s", buf, sizeof(buf)), "3.4M spans/s");
}

static void test_ms_us_age(void **st)
{
    (void)st;
    assert_string_equal(duration_format(-1, buf, sizeof(buf)), "-");
    assert_string_equal(duration_format(0, buf, sizeof(buf)), "0ms");
    assert_string_equal(duration_format(850, buf, sizeof(buf)), "850ms");
    assert_string_equal(duration_format(1234, buf, sizeof(buf)), "1.2s");
    assert_string_equal(duration_format(12000, buf, sizeof(buf)), "12s");
    assert_string_equal(duration_format(59600, buf, sizeof(buf)), "1m00s");
    assert_string_equal(duration_format(125000, buf, sizeof(buf)), "2m05s");
    assert_string_equal(duration_format(7800000, buf, sizeof(buf)), "2h10m");

    assert_string_equal(lay_us(-1, buf, sizeof(buf)), "-");
    assert_string_equal(lay_us(80, buf, sizeof(buf)), "0.08ms");
    assert_string_equal(lay_us(1234, buf, sizeof(buf)), "1.2ms");
    assert_string_equal(lay_us(12345, buf, sizeof(buf)), "12ms");
    assert_string_equal(lay_us(850000, buf, sizeof(buf)), "850ms");
    assert_string_equal(lay_us(1234567, buf, sizeof(buf)), "1.23s");
    assert_string_equal(lay_us(12345678, buf, sizeof(buf)), "12.3s");
    assert_string_equal(lay_us(125000000, buf, sizeof(buf)), "2m05s");

    assert_string_equal(lay_age(-5, buf, sizeof(buf)), "-");
    assert_string_equal(lay_age(0, buf, sizeof(buf)), "0s");
    assert_string_equal(lay_age(59999, buf, sizeof(buf)), "59s");
    assert_string_equal(lay_age(185000, buf, sizeof(buf)), "3m");
    assert_string_equal(lay_age(3599999, buf, sizeof(buf)), "59m");
    assert_string_equal(lay_age(7800000, buf, sizeof(buf)), "2h10m");
    assert_string_equal(lay_age((4LL * 86400 + 3 * 3600) * 1000, buf, sizeof(buf)), "4d3h");
    /* when the label next changes: by the second, then the minute, then the hour */
    assert_true(lay_age_next(-1) == LLONG_MAX);
    assert_true(lay_age_next(0) == 1000);
    assert_true(lay_age_next(59400) == 600);
    assert_true(lay_age_next(60000) == 60000);
    assert_true(lay_age_next(185000) == 55000);
    assert_true(lay_age_next(86400000LL + 10) == 3600000 - 10);
    assert_string_equal(lay_age_exact(5000, buf, sizeof(buf)), "5s");
    assert_string_equal(lay_age_exact(90000, buf, sizeof(buf)), "1m30s");
    assert_string_equal(lay_age_exact(120000, buf, sizeof(buf)), "2m");
}

/* ---- text ---- */

static void test_width(void **st)
{
    (void)st;
    assert_int_equal(text_width("abc", false), 3);
    assert_int_equal(text_width("", false), 0);
    assert_int_equal(text_width(NULL, false), 0);
    assert_int_equal(text_width("h\xc3\xa9llo", false), 5);             /* é */
    assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac", false), 4); /* 日本: wide */
    assert_int_equal(text_width("e\xcc\x81", false), 1);                /* e + combining acute */
    assert_int_equal(text_width("\xe2\x80\x94", true), 1);              /* — -> - */
    assert_int_equal(text_width("\xe2\x80\xa6", true), 3);              /* … -> ... */
    assert_int_equal(text_width("\xe2\x80\xa6", false), 1);
    assert_int_equal(text_width("a\xff"
                                "b",
                                false),
                     3); /* invalid byte -> ? */
}

static void test_fit_truncates_with_ellipsis(void **st)
{
    (void)st;
    assert_int_equal(text_fit(buf, sizeof(buf), "hello world", 8, TEXT_LEFT, false), 8);
    assert_string_equal(buf, "hello w\xe2\x80\xa6");
    assert_int_equal(text_fit(buf, sizeof(buf), "hello world", 8, TEXT_LEFT, true), 8);
    assert_string_equal(buf, "hello...");
    /* fits exactly: no ellipsis */
    text_fit(buf, sizeof(buf), "hello", 5, TEXT_LEFT, false);
    assert_string_equal(buf, "hello");
    /* narrower than the ASCII ellipsis: a hard cut */
    text_fit(buf, sizeof(buf), "hello", 2, TEXT_LEFT, true);
    assert_string_equal(buf, "he");
    text_fit(buf, sizeof(buf), "hello", 0, TEXT_LEFT, true);
    assert_string_equal(buf, "");
}

static void test_fit_utf8_boundaries(void **st)
{
    (void)st;
    /* five two-byte characters into three columns: two of them and the ellipsis */
    text_fit(buf, sizeof(buf), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3, TEXT_LEFT, false);
    assert_string_equal(buf, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
    /* a wide character never straddles the edge: pad instead */
    text_fit(buf, sizeof(buf), "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, TEXT_LEFT, false);
    assert_string_equal(buf, "\xe6\x97\xa5\xe2\x80\xa6 ");
    assert_int_equal(text_width(buf, false), 4);
    /* a destination too small for the next character stops before it */
    char small[4];
    text_trunc(small, sizeof(small), "\xc3\xa9\xc3\xa9", 10, false);
    assert_string_equal(small, "\xc3\xa9");
}

static void test_fit_pads_and_aligns(void **st)
{
    (void)st;
    text_fit(buf, sizeof(buf), "12", 5, TEXT_RIGHT, false);
    assert_string_equal(buf, "   12");
    text_fit(buf, sizeof(buf), "OK", 6, TEXT_CENTER, false);
    assert_string_equal(buf, "  OK  ");
    text_fit(buf, sizeof(buf), "ab", 4, TEXT_LEFT, false);
    assert_string_equal(buf, "ab  ");
    text_trunc(buf, sizeof(buf), "ab", 4, false);
    assert_string_equal(buf, "ab");
}

static void test_fit_cleans_and_folds(void **st)
{
    (void)st;
    /* control characters never reach the terminal */
    text_fit(buf, sizeof(buf), "a\x1b[31mb\x07", 8, TEXT_LEFT, false);
    assert_string_equal(buf, "ab      ");
    /* a stripped sequence goes whole, not its remains: clear screen, window title (OSC ended by
     * BEL or ST), C1 CSI raw and UTF-8 encoded; bidi overrides and isolates vanish too */
    text_trunc(buf, sizeof(buf),
               "T\x1b[2J\x1b]0;TITLE\x07i\x1b]2;X\x1b\\t\x9b"
               "2Jl\xc2\x9b"
               "1;2He\xe2\x80\xae"
               "S\xe2\x81\xa6!\xe2\x81\xa9",
               40, false);
    assert_string_equal(buf, "TitleS!");
    assert_int_equal(text_width("\x1b[2J\xe2\x80\xaa\xe2\x81\xa8", false), 0);
    size_t n = text_wrap("ab\x1b]0;T\x07 cd", 3, false, buf, sizeof(buf));
    assert_string_equal(buf, "ab");
    assert_string_equal("ab\x1b]0;T\x07 cd" + n, "cd");
    text_fit(buf, sizeof(buf), "x\xffy", 3, TEXT_LEFT, false);
    assert_string_equal(buf, "x?y");
    /* ascii mode: pure printable ASCII out */
    text_fit(buf, sizeof(buf),
             "a\xe2\x80\x94"
             "b\xe2\x80\xa6 \xe6\x97\xa5 \xe2\x96\x81",
             12, TEXT_LEFT, true);
    assert_string_equal(buf, "a-b... ? ?  ");
    assert_true(all_ascii(buf));
}

static void test_wrap(void **st)
{
    (void)st;
    const char *p = "the quick brown fox jumps";
    size_t n = text_wrap(p, 10, false, buf, sizeof(buf));
    assert_string_equal(buf, "the quick");
    p += n;
    n = text_wrap(p, 10, false, buf, sizeof(buf));
    assert_string_equal(buf, "brown fox");
    p += n;
    n = text_wrap(p, 10, false, buf, sizeof(buf));
    assert_string_equal(buf, "jumps");
    p += n;
    assert_int_equal(*p, 0);
    /* a word longer than the line is broken */
    p = "abcdefghijkl";
    n = text_wrap(p, 5, false, buf, sizeof(buf));
    assert_string_equal(buf, "abcde");
    assert_int_equal(n, 5);
    /* newlines end lines */
    p = "one\ntwo";
    n = text_wrap(p, 20, false, buf, sizeof(buf));
    assert_string_equal(buf, "one");
    assert_string_equal(p + n, "two");
    assert_int_equal(text_wrap("", 5, false, buf, sizeof(buf)), 0);
}

static void test_contains(void **st)
{
    (void)st;
    assert_true(text_contains("Tempo ready", "tem"));
    assert_true(text_contains("Tempo ready", "READY"));
    assert_true(text_contains("x", ""));
    assert_false(text_contains("loki", "tempo"));
    assert_false(text_contains(NULL, "a"));
}

/* ---- glyphs ---- */

static void test_sparkline(void **st)
{
    (void)st;
    const long v[] = {1, 2, 4, 8};
    lay_sparkline(v, 4, 4, false, buf, sizeof(buf));
    assert_string_equal(buf, "\xe2\x96\x81\xe2\x96\x82\xe2\x96\x84\xe2\x96\x88"); /* ▁▂▄█ */
    lay_sparkline(v, 4, 4, true, buf, sizeof(buf));
    assert_string_equal(buf, "__.^");
    /* right-aligned, newest last */
    lay_sparkline(v, 4, 6, true, buf, sizeof(buf));
    assert_string_equal(buf, "  __.^");
    /* narrower than the history: the newest values */
    lay_sparkline(v, 4, 2, true, buf, sizeof(buf));
    assert_string_equal(buf, ".^");
    /* no response, all zero */
    const long w[] = {-1, 0, 0};
    lay_sparkline(w, 3, 3, true, buf, sizeof(buf));
    assert_string_equal(buf, "x__");
    lay_sparkline(w, 3, 3, false, buf, sizeof(buf));
    assert_string_equal(buf, "\xc3\x97\xe2\x96\x81\xe2\x96\x81");
    assert_int_equal(text_width(buf, false), 3);
    lay_sparkline(v, 0, 3, false, buf, sizeof(buf));
    assert_string_equal(buf, "   ");
}

static void test_spinner(void **st)
{
    (void)st;
    assert_string_equal(lay_spinner(0, true), "|");
    assert_string_equal(lay_spinner(1, true), "/");
    assert_string_equal(lay_spinner(4, true), "|");
    for (unsigned i = 0; i < 20; i++) {
        assert_int_equal(text_width(lay_spinner(i, false), false), 1);
        assert_true(all_ascii(lay_spinner(i, true)));
    }
    assert_string_equal(lay_hline(true), "-");
}

/* ---- columns ---- */

static void check_columns(int width)
{
    struct lay_columns lc;
    lay_columns(width, &lc);
    int end = 0;
    for (int c = 0; c < LAYC_COUNT; c++) {
        if (!lc.w[c])
            continue;
        if (lc.x[c] < end)
            fail_msg("width %d: column %d at %d overlaps the previous one ending at %d", width, c, lc.x[c], end);
        end = lc.x[c] + lc.w[c];
    }
    assert_int_equal(end, width);
    assert_true(lc.w[LAYC_BADGE] > 0 && lc.w[LAYC_NAME] > 0 && lc.w[LAYC_FIGURE] > 0);
}

static void test_columns(void **st)
{
    (void)st;
    for (int w = 80; w <= 250; w++)
        check_columns(w);
    struct lay_columns lc;
    lay_columns(80, &lc);
    assert_int_equal(lc.w[LAYC_SPARK], 0);
    assert_int_equal(text_width(lay_col_title(LAYC_MSG), false), 7);
    assert_int_equal(lc.w[LAYC_P95], 0);
    assert_int_equal(lc.w[LAYC_ENDPOINT], 0);
    assert_true(lc.w[LAYC_LAST] > 0);
    assert_true(lc.w[LAYC_AGE] > 0);
    assert_true(lc.w[LAYC_MSG] >= 16);
    assert_true(lc.w[LAYC_FIGURE] >= 20);
    lay_columns(200, &lc);
    for (int c = 0; c < LAYC_COUNT; c++)
        assert_true(lc.w[c] > 0);
    assert_true(lc.w[LAYC_MSG] >= 30);
    /* monotonic: a column shown at some width stays shown when wider */
    struct lay_columns prev;
    lay_columns(80, &prev);
    for (int w = 81; w <= 250; w++) {
        lay_columns(w, &lc);
        for (int c = 0; c < LAYC_COUNT; c++)
            if (prev.w[c] && !lc.w[c])
                fail_msg("column %d shown at %d but not at %d", c, w - 1, w);
        prev = lc;
    }
    /* drop order: the sparkline goes before p95, p95 before the endpoint */
    for (int w = 80; w <= 250; w++) {
        lay_columns(w, &lc);
        if (lc.w[LAYC_SPARK])
            assert_true(lc.w[LAYC_P95] > 0);
        if (lc.w[LAYC_P95])
            assert_true(lc.w[LAYC_ENDPOINT] > 0);
    }
    /* long custom check names widen the name column, up to a limit */
    lay_columns_named(100, 18, &lc);
    assert_int_equal(lc.w[LAYC_NAME], 18);
    lay_columns_named(100, 60, &lc);
    assert_int_equal(lc.w[LAYC_NAME], 24);
    lay_columns_named(100, 3, &lc);
    assert_int_equal(lc.w[LAYC_NAME], 11);
    for (int w = 80; w <= 250; w++) {
        lay_columns_named(w, 24, &lc);
        int end = 0;
        for (int c = 0; c < LAYC_COUNT; c++)
            if (lc.w[c])
                end = lc.x[c] + lc.w[c];
        assert_int_equal(end, w);
    }
    /* narrower than supported still gives a consistent layout */
    lay_columns(40, &lc);
    assert_int_equal(lc.w[LAYC_SPARK] + lc.w[LAYC_P95] + lc.w[LAYC_ENDPOINT], 0);
}

/* ---- rows from the model ---- */

static const struct check_def defs[] = {
        {.id = CID_READY, .name = "ready", .path = "/ready"},
        {.id = CID_METRICS, .name = "metrics", .path = "/metrics"},
};

struct fake {
    struct comp_state c;
    struct check_state checks[2];
};

static void fake_init(struct fake *f, enum comp_kind kind)
{
    memset(f, 0, sizeof(*f));
    f->c.kind = kind;
    f->c.checks = f->checks;
    f->c.nchecks = 2;
    snprintf(f->c.hostport, sizeof(f->c.hostport), "tempo.example:3200");
    for (size_t i = 0; i < 2; i++) {
        f->checks[i].def = &defs[i];
        f->checks[i].comp = &f->c;
        f->checks[i].idx = i;
    }
}

static void fake_free(struct fake *f)
{
    for (size_t i = 0; i < 2; i++)
        check_state_release(&f->checks[i]);
}

static void record(struct fake *f, size_t idx, enum status st, const char *msg, long latency_ms, const char *key,
                   double v, enum obs_value_kind kind, long long now)
{
    struct obs o;
    struct http_response r;
    obs_init(&o);
    o.status = st;
    snprintf(o.summary, sizeof(o.summary), "%s", msg);
    if (key) { /* named as the JSON names it; the table must know it, with that kind */
        enum value_key vk = value_key_find(key);
        assert_int_not_equal(vk, VK_NONE);
        assert_int_equal(value_keys[vk].kind, kind);
        obs_add_value(&o, vk, v);
    }
    memset(&r, 0, sizeof(r));
    r.err = latency_ms >= 0 ? NET_OK : NET_REFUSED;
    r.status = latency_ms >= 0 ? 200 : 0;
    r.err_text = latency_ms >= 0 ? "" : "Connection refused";
    r.body = "";
    r.t.total_us = latency_ms * 1000;
    state_record(&f->c, idx, &o, &r, now);
    obs_free(&o);
}

static void cell(const struct lay_row *r, enum lay_col col, int width, bool ascii)
{
    lay_cell(r, col, width, ascii, 1, buf, sizeof(buf));
    assert_int_equal(text_width(buf, ascii), width);
}

static void test_row_healthy_tempo(void **st)
{
    (void)st;
    struct fake f;
    fake_init(&f, COMP_TEMPO);
    record(&f, 0, ST_OK, "ready", 4, NULL, 0, OBS_GAUGE, 1000);
    record(&f, 1, ST_OK, "100 spans", 5, "spans_received_total", 100, OBS_COUNTER, 1000);
    record(&f, 0, ST_OK, "ready", 8, NULL, 0, OBS_GAUGE, 6000);
    record(&f, 1, ST_OK, "350 spans", 5, "spans_received_total", 350, OBS_COUNTER, 6000);
    struct lay_row r;
    lay_row_from_comp(&f.c, "prod", 7000, 5000, -1, &r);
    assert_int_equal(r.status, ST_OK);
    assert_true(r.ran);
    assert_false(r.stale);
    assert_false(r.pending);
    assert_int_equal(r.last_ms, 8);
    assert_int_equal(r.p95_ms, 8);
    assert_int_equal(r.age_ms, 6000); /* status set at 1000, unchanged since */
    cell(&r, LAYC_BADGE, 6, false);
    assert_string_equal(buf, "  OK  ");
    cell(&r, LAYC_NAME, 11, false);
    assert_string_equal(buf, "tempo      ");
    cell(&r, LAYC_ENDPOINT, 15, true);
    assert_string_equal(buf, "tempo.exampl...");
    cell(&r, LAYC_LAST, 6, false);
    assert_string_equal(buf, "   8ms");
    cell(&r, LAYC_FIGURE, 26, false);
    assert_string_equal(buf, "50 spans/s, - traces found");
    cell(&r, LAYC_FIGURE, 16, false); /* a shorter variant, not a truncation */
    assert_string_equal(buf, "50 spans/s      ");
    cell(&r, LAYC_AGE, 6, false);
    assert_string_equal(buf, "    6s");
    cell(&r, LAYC_SPARK, 4, true);
    assert_string_equal(buf, "  .^");
    cell(&r, LAYC_MARK, 1, true);
    assert_string_equal(buf, " ");
    cell(&r, LAYC_MSG, 10, false);
    assert_string_equal(buf, "ready     ");
    assert_true(lay_row_matches(&r, "TEMPO"));
    assert_true(lay_row_matches(&r, "prod"));
    assert_true(lay_row_matches(&r, "example:32"));
    assert_false(lay_row_matches(&r, "loki"));
    fake_free(&f);
}

/* A check with results, in flight again: no spinner while the sweep is on time (a quick sweep
 * would flash one every interval), a spinner once it is late. */
static void test_row_spins_only_when_late(void **st)
{
    (void)st;
    struct fake f;
    fake_init(&f, COMP_TEMPO);
    record(&f, 0, ST_OK, "ready", 5, NULL, 0, OBS_GAUGE, 1000);
    f.checks[0].pending = true;
    struct lay_row r;
    lay_row_from_comp(&f.c, "prod", 1000 + 5000 + 10, 5000, -1, &r); /* the next sweep just sent it */
    assert_false(r.pending);
    cell(&r, LAYC_MARK, 1, true);
    assert_string_equal(buf, " ");
    lay_row_from_check(&f.checks[0], "prod", 1000 + 5000 + 10, 5000, &r);
    assert_false(r.pending);
    lay_row_from_comp(&f.c, "prod", 1000 + 5000 + LAY_SPIN_AFTER_MS, 5000, -1, &r);
    assert_true(r.pending);
    lay_row_from_check(&f.checks[0], "prod", 1000 + 5000 + LAY_SPIN_AFTER_MS, 5000, &r);
    assert_true(r.pending);
    fake_free(&f);
}

static void test_row_failing_pending_stale(void **st)
{
    (void)st;
    struct fake f;
    fake_init(&f, COMP_TEMPO);
    /* nothing yet, a check in flight */
    f.checks[0].pending = true;
    struct lay_row r;
    lay_row_from_comp(&f.c, "prod", 1000, 5000, -1, &r);
    assert_false(r.ran);
    cell(&r, LAYC_BADGE, 6, false);
    assert_string_equal(buf, "  ?   ");
    cell(&r, LAYC_MARK, 1, true);
    assert_string_equal(buf, "/");
    cell(&r, LAYC_MSG, 12, false);
    assert_string_equal(buf, "checking... ");
    cell(&r, LAYC_AGE, 6, false);
    assert_string_equal(buf, "     -");

    /* a refused connection: FAIL, no latency, the counter's last rate not shown */
    f.checks[0].pending = false;
    record(&f, 1, ST_OK, "100 spans", 5, "spans_received_total", 100, OBS_COUNTER, 1000);
    record(&f, 1, ST_OK, "200 spans", 5, "spans_received_total", 200, OBS_COUNTER, 2000);
    record(&f, 0, ST_FAIL, "connection refused: is tempo running?", -1, NULL, 0, OBS_GAUGE, 3000);
    record(&f, 1, ST_FAIL, "connection refused", -1, NULL, 0, OBS_GAUGE, 3000);
    lay_row_from_comp(&f.c, "prod", 4000, 5000, 3000, &r);
    assert_int_equal(r.status, ST_FAIL);
    cell(&r, LAYC_BADGE, 6, false);
    assert_string_equal(buf, " FAIL ");
    cell(&r, LAYC_LAST, 6, false);
    assert_string_equal(buf, "     -");
    cell(&r, LAYC_FIGURE, 26, false);
    assert_string_equal(buf, "- spans/s, - traces found ");
    cell(&r, LAYC_MSG, 20, true);
    assert_string_equal(buf, "connection refuse...");
    cell(&r, LAYC_AGE, 6, false);
    assert_string_equal(buf, "    1s");
    cell(&r, LAYC_SPARK, 3, true);
    assert_string_equal(buf, "  x");

    /* more than three intervals without a result: stale, and the message says so */
    lay_row_from_comp(&f.c, "prod", 3000 + 16000, 5000, 3000, &r);
    assert_true(r.stale);
    cell(&r, LAYC_MSG, 30, false);
    assert_string_equal(buf, "stale 16s: connection refused\xe2\x80\xa6");
    assert_true(lay_row_matches(&r, "stale"));
    assert_true(lay_row_matches(&r, "fail"));
    fake_free(&f);
}

static void test_figures(void **st)
{
    (void)st;
    struct fake f;
    char fig[LAY_FIGURE_VARIANTS][96];

    fake_init(&f, COMP_PROMETHEUS);
    record(&f, 1, ST_OK, "12/12", 5, "targets_up", 11, OBS_GAUGE, 1000);
    /* a second value on the same check */
    f.checks[1].values[f.checks[1].nvalues++] = (struct obs_value){VK_TARGETS_TOTAL, 12};
    lay_figure(&f.c, fig);
    assert_string_equal(fig[0], "11/12 targets up, - firing");
    assert_string_equal(fig[2], "11/12 up");
    lay_figure_pick(fig, 10, false, buf, sizeof(buf));
    assert_string_equal(buf, "11/12 up  ");
    lay_figure_pick(fig, 5, true, buf, sizeof(buf)); /* nothing fits: the shortest, truncated */
    assert_string_equal(buf, "11...");
    fake_free(&f);

    fake_init(&f, COMP_GRAFANA);
    record(&f, 1, ST_OK, "3 datasources", 5, "datasources", 3, OBS_GAUGE, 1000);
    lay_figure(&f.c, fig);
    assert_string_equal(fig[0], "ds -/3 ok, - dashboards, - firing");
    fake_free(&f);

    fake_init(&f, COMP_LOKI);
    record(&f, 1, ST_OK, "", 5, "lines_received_total", 1000, OBS_COUNTER, 1000);
    record(&f, 1, ST_OK, "", 5, "lines_received_total", 13000, OBS_COUNTER, 11000);
    lay_figure(&f.c, fig);
    assert_string_equal(fig[1], "1.2k lines/s");
    fake_free(&f);

    fake_init(&f, COMP_MIMIR);
    record(&f, 1, ST_OK, "", 5, "query_series", 42, OBS_GAUGE, 1000);
    lay_figure(&f.c, fig);
    assert_string_equal(fig[0], "42 series queried, - firing");
    fake_free(&f);
}

static void test_row_from_check(void **st)
{
    (void)st;
    struct fake f;
    fake_init(&f, COMP_CHECKS);
    assert_true(lay_comp_per_check(&f.c));
    record(&f, 1, ST_OK, "redis_up == 1", 12, "value", 1, OBS_GAUGE, 1000);
    record(&f, 1, ST_FAIL, "redis_up = 0, want == 1", 20, "value", 0, OBS_GAUGE, 6000);
    struct lay_row r;
    lay_row_from_check(&f.checks[1], "prod", 8000, 5000, &r);
    assert_string_equal(r.name, "metrics");
    assert_int_equal(r.status, ST_FAIL);
    assert_int_equal(r.last_ms, 20);
    assert_int_equal(r.age_ms, 2000);
    assert_false(r.stale);
    cell(&r, LAYC_BADGE, 6, false);
    assert_string_equal(buf, " FAIL ");
    cell(&r, LAYC_FIGURE, 10, false);
    assert_string_equal(buf, "value 0   ");
    cell(&r, LAYC_MSG, 23, false);
    assert_string_equal(buf, "redis_up = 0, want == 1");
    /* the other check never ran */
    lay_row_from_check(&f.checks[0], "prod", 8000, 5000, &r);
    assert_false(r.ran);
    cell(&r, LAYC_BADGE, 6, false);
    assert_string_equal(buf, "  ?   ");
    cell(&r, LAYC_FIGURE, 4, false);
    assert_string_equal(buf, "-   ");
    fake_free(&f);

    fake_init(&f, COMP_TEMPO);
    assert_false(lay_comp_per_check(&f.c));
    fake_free(&f);
}

/* ---- findings and Grafana tables ---- */

static bool lines_have(const struct lay_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return true;
    return false;
}

static int line_of(const struct lay_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return (int)i;
    return -1;
}

static void check_widths(const struct lay_lines *l, int width, bool ascii)
{
    for (size_t i = 0; i < l->n; i++) {
        int w = l->v[i].indent + text_width(l->v[i].text, ascii);
        if (w > width)
            fail_msg("line %zu is %d columns wide (max %d): \"%s\"", i, w, width, l->v[i].text);
        if (ascii && !all_ascii(l->v[i].text))
            fail_msg("line %zu is not ASCII: \"%s\"", i, l->v[i].text);
    }
}

static void mk_finding(struct finding *f, enum status sev, const char *comp, const char *title)
{
    memset(f, 0, sizeof(*f));
    f->severity = sev;
    f->id = "x";
    f->stack = "prod";
    f->component = comp;
    snprintf(f->title, sizeof(f->title), "%s", title);
    snprintf(f->cause, sizeof(f->cause), "%s",
             "The OTLP ports refuse connections: nothing listens on localhost:4318 "
             "and localhost:4317, so every exporter pointed at them fails.");
    snprintf(f->hint, sizeof(f->hint), "%s", "Enable the otlp receiver in Tempo's distributor config.");
}

static void test_findings_strip(void **st)
{
    (void)st;
    struct finding f[3];
    mk_finding(&f[0], ST_FAIL, "tempo", "Tempo's OTLP receivers are closed");
    mk_finding(&f[1], ST_FAIL, "loki", "Loki is down: connection refused at loki:3100");
    mk_finding(&f[2], ST_WARN, "mimir", "Mimir is up but receives no samples (0 samples/s)");
    struct lay_lines l = {0};
    assert_int_equal(lay_findings_strip(f, 0, 80, 2, false, &l), 0);
    assert_int_equal(lay_findings_strip(f, 3, 80, 0, false, &l), 0);
    assert_int_equal(l.n, 0);
    /* one line: the worst finding and a count of the rest */
    assert_int_equal(lay_findings_strip(f, 3, 80, 1, false, &l), 1);
    assert_string_equal(l.v[0].text, " FAIL  prod/tempo: Tempo's OTLP receivers are closed  +2 more (f)");
    assert_int_equal(l.v[0].nspan, 1);
    assert_true(l.v[0].span[0].badge);
    assert_int_equal(l.v[0].span[0].st, ST_FAIL);
    assert_int_equal(l.v[0].span[0].w, 6);
    lay_lines_free(&l);
    /* two lines: the second carries the rest; each line fits and keeps its "+N more" */
    assert_int_equal(lay_findings_strip(f, 3, 60, 2, false, &l), 2);
    assert_non_null(strstr(l.v[1].text, "prod/loki: Loki is down"));
    assert_int_equal(text_width(l.v[1].text, false), 60);
    assert_non_null(strstr(l.v[1].text, "\xe2\x80\xa6  +1 more (f)"));
    assert_null(strstr(l.v[0].text, "more"));
    check_widths(&l, 60, false);
    lay_lines_free(&l);
    /* fewer findings than lines: one line each, no count */
    assert_int_equal(lay_findings_strip(f + 2, 1, 80, 2, true, &l), 1);
    assert_string_equal(l.v[0].text, " WARN  prod/mimir: Mimir is up but receives no samples (0 samples/s)");
    assert_int_equal(l.v[0].span[0].st, ST_WARN);
    lay_lines_free(&l);
}

static void test_finding_lines(void **st)
{
    (void)st;
    struct finding f;
    mk_finding(&f, ST_FAIL, "tempo", "Tempo's OTLP receivers are closed");
    struct lay_lines l = {0};
    lay_finding_lines(&f, 50, false, &l);
    assert_true(l.n >= 5);
    assert_string_equal(l.v[0].text, " FAIL  prod/tempo: Tempo's OTLP receivers are");
    assert_int_equal(l.v[0].span[0].st, ST_FAIL);
    assert_string_equal(l.v[1].text, "closed");
    assert_int_equal(l.v[1].indent, 7);
    int hint = line_of(&l, "\xe2\x86\x92 Enable the otlp receiver");
    assert_true(hint > 1);
    assert_int_equal(l.v[hint].style, LAYS_BOLD);
    assert_true(line_of(&l, "The OTLP ports refuse") > 0);
    assert_string_equal(l.v[l.n - 1].text, "");
    check_widths(&l, 50, false);
    lay_lines_free(&l);
    lay_finding_lines(&f, 40, true, &l);
    assert_true(lines_have(&l, "-> Enable the otlp"));
    check_widths(&l, 40, true);
    lay_lines_free(&l);
}

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    assert_non_null(j);
    return j;
}

static void test_grafana_datasources(void **st)
{
    (void)st;
    cJSON *d = parse(
            "[{\"name\":\"Loki\",\"type\":\"loki\",\"uid\":\"loki\",\"status\":\"FAIL\","
            "\"grafana\":{\"status\":\"ERROR\",\"message\":\"lookup loki-gateway: no such host\",\"via\":\"health\"},"
            "\"direct\":{\"status\":\"OK\",\"message\":\"HTTP 200\",\"via\":\"direct\",\"url\":\"http://loki:3100/x\","
            "\"tenant\":\"missing\"},"
            "\"finding\":\"Grafana cannot reach it but lgtmtop can\"},"
            "{\"name\":\"Mimir\",\"type\":\"prometheus\",\"status\":\"OK\","
            "\"grafana\":{\"status\":\"OK\",\"message\":\"Successfully queried\"},"
            "\"direct\":{\"status\":\"UNREACHABLE\",\"message\":\"refused\"},\"finding\":null}]");
    struct lay_lines l = {0};
    lay_grafana_datasources(d, 80, false, &l);
    assert_string_equal(l.v[0].text, "2 datasources: 1 OK, 0 WARN, 1 FAIL");
    int loki = line_of(&l, "Loki"), mimir = line_of(&l, "Mimir");
    assert_true(loki > 0 && mimir > loki);
    assert_non_null(strstr(l.v[1].text, "GRAFANA"));
    assert_int_equal(l.v[1].style, LAYS_TITLE);
    /* the row: status, then both sides with their status words colored */
    const struct lay_line *r = &l.v[loki];
    assert_int_equal(strncmp(r->text, "FAIL ", 5), 0);
    assert_int_equal(r->nspan, 3);
    assert_int_equal(r->span[0].st, ST_FAIL);
    assert_int_equal(r->span[1].st, ST_FAIL); /* ERROR */
    assert_int_equal(strncmp(r->text + text_col_offset(r->text, r->span[1].x, false), "ERROR", 5), 0);
    assert_int_equal(r->span[2].st, ST_OK);
    assert_int_equal(strncmp(r->text + text_col_offset(r->text, r->span[2].x, false), "OK: HTTP 200", 12), 0);
    /* a failing row explains both sides and the finding */
    assert_true(lines_have(&l, "Grafana (health): ERROR: lookup loki-gateway: no such host"));
    assert_true(lines_have(&l, "(sent without X-Scope-OrgID)"));
    assert_true(lines_have(&l, "\xe2\x86\x92 Grafana cannot reach it but lgtmtop can"));
    assert_int_equal(l.v[mimir].span[2].st, ST_FAIL); /* UNREACHABLE, on an OK row */
    assert_int_equal(line_of(&l, "refused"), mimir);  /* no explanation lines for OK rows */
    check_widths(&l, 80, false);
    lay_lines_free(&l);
    lay_grafana_datasources(d, 80, true, &l);
    check_widths(&l, 80, true);
    lay_lines_free(&l);
    cJSON_Delete(d);
    /* not the expected shape */
    lay_grafana_datasources(NULL, 80, false, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].text, "datasources: no data");
    lay_lines_free(&l);
}

static void test_grafana_dashboards_worst_first(void **st)
{
    (void)st;
    cJSON *d = parse(
            "[{\"uid\":\"a\",\"title\":\"Alpha\",\"folder\":\"General\",\"status\":\"OK\",\"references\":3,"
            "\"missing\":[],\"deprecated\":[],\"unresolved\":[],\"notes\":[]},"
            "{\"uid\":\"l\",\"title\":\"Legacy Latency\",\"folder\":\"Platform\",\"status\":\"WARN\",\"references\":2,"
            "\"missing\":[],\"deprecated\":[{\"datasource\":\"prometheus_legacy\",\"replacement\":\"prometheus\","
            "\"references\":2,\"panels\":[\"p95\",\"p99\"]}],\"unresolved\":[],\"notes\":[]},"
            "{\"uid\":\"s\",\"title\":\"Service Overview\",\"folder\":null,\"status\":\"FAIL\",\"references\":7,"
            "\"missing\":[{\"datasource\":\"grafana_prometheus\",\"replacement\":null,\"references\":4,"
            "\"panels\":[\"Latency\",\"Errors\",\"CPU\"]}],\"deprecated\":[],\"unresolved\":[],\"notes\":[]},"
            "{\"uid\":\"x\",\"title\":\"Broken fetch\",\"folder\":null,\"url\":null,\"status\":\"WARN\","
            "\"error\":\"HTTP 500\"}]");
    struct lay_lines l = {0};
    lay_grafana_dashboards(d, 120, false, &l);
    assert_string_equal(l.v[0].text, "4 dashboards: 1 FAIL, 2 WARN, 1 OK");
    int svc = line_of(&l, "Service Overview"), leg = line_of(&l, "Legacy Latency");
    int brk = line_of(&l, "Broken fetch"), alpha = line_of(&l, "Alpha");
    assert_true(svc > 0 && svc < leg && leg < brk && brk < alpha); /* FAIL, WARN (stable), OK */
    assert_int_equal(l.v[svc].span[0].st, ST_FAIL);
    assert_int_equal(l.v[alpha].span[0].st, ST_OK);
    int miss = line_of(&l, "datasource \"grafana_prometheus\" does not exist: 4 refs in panels: Latency, Errors, CPU");
    assert_int_equal(miss, svc + 1);
    assert_int_equal(l.v[miss].st, ST_FAIL);
    int dep = line_of(&l, "deprecated datasource \"prometheus_legacy\" \xe2\x86\x92 use \"prometheus\": 2 refs in "
                          "panels: p95, p99");
    assert_int_equal(dep, leg + 1);
    assert_int_equal(l.v[dep].st, ST_WARN);
    assert_int_equal(line_of(&l, "could not fetch: HTTP 500"), brk + 1);
    assert_true(lines_have(&l, "General")); /* folder null -> General */
    check_widths(&l, 120, false);
    lay_lines_free(&l);
    lay_grafana_dashboards(d, 60, true, &l); /* narrow: wrapped, never wider */
    check_widths(&l, 60, true);
    assert_true(lines_have(&l, "-> use"));
    lay_lines_free(&l);
    cJSON_Delete(d);
}

static void test_grafana_alerting(void **st)
{
    (void)st;
    cJSON *d = parse(
            "{\"rule_groups\":2,\"rules\":3,\"firing\":1,\"pending\":0,\"errors\":2,"
            "\"groups\":[{\"name\":\"stack-health\",\"folder\":\"Platform\",\"rules\":2,\"firing\":1,\"errors\":1}],"
            "\"rules_by_state\":{\"firing\":1,\"inactive\":2},"
            "\"firing_alerts\":[{\"rule\":\"Mimir distributor not receiving samples\",\"group\":\"stack-health\","
            "\"state\":\"Alerting\",\"active_at\":\"2024-06-11T14:10:00Z\",\"labels\":{\"severity\":\"critical\"}}],"
            "\"rule_errors\":[{\"rule\":\"API error budget burn\",\"group\":\"slo\",\"error\":\"data source not found\"}],"
            "\"missing_datasource_rules\":[{\"rule\":\"API error budget burn\",\"group\":\"slo\","
            "\"datasource\":\"grafana_prometheus\"}],"
            "\"policies\":{\"present\":true,\"receivers\":[\"grafana-default-email\",\"pagerduty-oncall\"],"
            "\"missing_receivers\":[\"pagerduty-oncall\"]},"
            "\"contact_points\":[\"grafana-default-email\",\"oncall-webhook\"],"
            "\"expected_groups_missing\":[\"slo-extra\"],\"notes\":[\"provisioning API: 403\"]}");
    struct lay_lines l = {0};
    lay_grafana_alerting(d, 120, false, &l);
    assert_string_equal(l.v[0].text, "2 rule groups, 3 rules: 1 firing, 0 pending, 2 failing");
    assert_true(lines_have(&l, "rules by state: firing 1, inactive 2"));
    int g = line_of(&l, "stack-health Platform");
    assert_true(g > 0);
    assert_int_equal(l.v[g].nspan, 2); /* firing and failing counts colored */
    int m = line_of(&l, "API error budget burn (group slo): datasource \"grafana_prometheus\" is gone");
    assert_true(m > 0);
    assert_int_equal(l.v[m].st, ST_FAIL);
    assert_true(lines_have(&l, "API error budget burn (group slo): data source not found"));
    int r = line_of(&l, "receivers without a contact point: pagerduty-oncall");
    assert_true(r > 0);
    assert_int_equal(l.v[r].st, ST_FAIL);
    assert_true(lines_have(&l, "policy tree routes to: grafana-default-email, pagerduty-oncall"));
    assert_true(lines_have(&l, "contact points: grafana-default-email, oncall-webhook"));
    assert_true(lines_have(&l, "expected rule groups not loaded: slo-extra"));
    assert_true(lines_have(&l, "Mimir distributor not receiving samples (group stack-health) since "
                               "2024-06-11T14:10:00Z severity=critical"));
    assert_true(lines_have(&l, "note: provisioning API: 403"));
    check_widths(&l, 120, false);
    lay_lines_free(&l);
    lay_grafana_alerting(d, 50, false, &l);
    check_widths(&l, 50, false);
    lay_lines_free(&l);
    cJSON_Delete(d);
    /* parts not readable */
    d = parse("{\"groups\":null,\"rules_by_state\":null,\"firing_alerts\":[],\"rule_errors\":[],"
              "\"policies\":{\"present\":null},\"contact_points\":null}");
    lay_grafana_alerting(d, 80, false, &l);
    assert_true(lines_have(&l, "rule state not read"));
    assert_true(lines_have(&l, "policy tree not readable"));
    assert_true(lines_have(&l, "contact points not readable"));
    lay_lines_free(&l);
    cJSON_Delete(d);
}

static void test_check_no_data(void **st)
{
    (void)st;
    char b[256];
    struct check_state cs;
    memset(&cs, 0, sizeof(cs));
    assert_string_equal(lay_check_no_data(NULL, b, sizeof(b)), "this Grafana has no such check");
    assert_string_equal(lay_check_no_data(&cs, b, sizeof(b)), "not run yet");
    cs.pending = true;
    assert_string_equal(lay_check_no_data(&cs, b, sizeof(b)), "in flight, no result yet");
    cs.ran = true;
    cs.skipped = true;
    snprintf(cs.summary, sizeof(cs.summary), "skipped: Grafana wants credentials; set GRAFANA_TOKEN");
    assert_string_equal(lay_check_no_data(&cs, b, sizeof(b)), "skipped: Grafana wants credentials; set GRAFANA_TOKEN");
    cs.skipped = false;
    snprintf(cs.summary, sizeof(cs.summary), "HTTP 500");
    assert_string_equal(lay_check_no_data(&cs, b, sizeof(b)), "no data: HTTP 500");
    cs.data = cJSON_CreateArray();
    assert_null(lay_check_no_data(&cs, b, sizeof(b)));
    cJSON_Delete(cs.data);
}

static void test_col_offset(void **st)
{
    (void)st;
    assert_int_equal(text_col_offset("abc", 2, false), 2);
    assert_int_equal(text_col_offset("abc", 9, false), 3);
    assert_int_equal(text_col_offset("\xe2\x86\x92 x", 1, false), 3);
    assert_int_equal(text_col_offset("\xe4\xb8\xad"
                                     "a",
                                     1, false),
                     0); /* inside a wide character */
    assert_int_equal(text_col_offset("\xe4\xb8\xad"
                                     "a",
                                     2, false),
                     3);
}

static void test_change_lines(void **st)
{
    (void)st;
    static const struct check_def def = {.name = "ready"};
    struct comp_state c = {.kind = COMP_LOKI};
    struct check_state cs = {.def = &def, .comp = &c};
    struct stack_state stack = {.name = "demo"};
    struct transition t = {.at_ms = 1000, .from = ST_OK, .to = ST_FAIL};
    snprintf(t.message, sizeof t.message, "%s", "connection refused: nothing listens on loki:3100");
    struct change ch = {.stack = &stack, .comp = &c, .check = &cs, .t = &t};
    struct lay_lines l = {0};
    lay_change_lines(&ch, 186000, 80, true, &l);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].text, "  3m05s ago   OK  ->  FAIL   demo/loki ready");
    assert_int_equal(l.v[0].nspan, 2);
    assert_int_equal(l.v[0].span[0].x, 13);
    assert_int_equal(l.v[0].span[0].st, ST_OK);
    assert_int_equal(l.v[0].span[1].x, 21);
    assert_int_equal(l.v[0].span[1].st, ST_FAIL);
    assert_int_equal(l.v[1].indent, 13);
    assert_non_null(strstr(l.v[1].text, "connection refused"));
    lay_lines_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_change_lines),
            cmocka_unit_test(test_num),
            cmocka_unit_test(test_ms_us_age),
            cmocka_unit_test(test_width),
            cmocka_unit_test(test_fit_truncates_with_ellipsis),
            cmocka_unit_test(test_fit_utf8_boundaries),
            cmocka_unit_test(test_fit_pads_and_aligns),
            cmocka_unit_test(test_fit_cleans_and_folds),
            cmocka_unit_test(test_wrap),
            cmocka_unit_test(test_contains),
            cmocka_unit_test(test_sparkline),
            cmocka_unit_test(test_spinner),
            cmocka_unit_test(test_columns),
            cmocka_unit_test(test_row_healthy_tempo),
            cmocka_unit_test(test_row_failing_pending_stale),
            cmocka_unit_test(test_row_spins_only_when_late),
            cmocka_unit_test(test_figures),
            cmocka_unit_test(test_row_from_check),
            cmocka_unit_test(test_findings_strip),
            cmocka_unit_test(test_finding_lines),
            cmocka_unit_test(test_grafana_datasources),
            cmocka_unit_test(test_grafana_dashboards_worst_first),
            cmocka_unit_test(test_grafana_alerting),
            cmocka_unit_test(test_check_no_data),
            cmocka_unit_test(test_col_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
