/* probe_test: data-driven runner for probe parser tests. A row names a check of a kind, the
 * response (a fixture file or an inline body, and an HTTP status), the component settings,
 * and what must come out: status, a summary substring, version, values, detail, skipped.
 * Include after the cmocka headers. */
#ifndef LGTMTOP_PROBE_TEST_H
#define LGTMTOP_PROBE_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#include "lgtmtop/probe.h"

#define PTC_MAX_VALS 4

struct ptc_val {
    const char *key;
    double v;
};

struct ptc_case {
    const char *label;
    enum comp_kind kind;
    const char *check;
    const char *fixture; /* relative to FIXTURES_DIR; NULL = use body */
    const char *body;    /* inline body (NULL with no fixture = empty body) */
    long http_status;
    enum status want;
    const char *want_sub;              /* must occur in the summary */
    const char *want_version;          /* NULL = not checked; "" = must stay empty */
    struct ptc_val vals[PTC_MAX_VALS]; /* values that must be present, key NULL ends */
    const char *absent;                /* a value key that must NOT be present */
    const char *want_detail;           /* must occur in detail (NULL = not checked) */
    const char *not_detail;            /* must not occur in detail */
    bool want_skipped;
    bool no_values; /* no value at all may be emitted */
    /* component settings */
    const char *tenant, *token, *basic_user, *query, *prefix;
    const char *comp_url; /* the component's URL (default "") */
};

/* Reads a file into an exactly-sized buffer (no spare NUL), so ASan catches a parser that
 * reads past body_len. */
static char *ptc_copy(const char *s, size_t *len)
{
    *len = s ? strlen(s) : 0;
    char *p = malloc(*len ? *len : 1);
    assert_non_null(p);
    if (*len)
        memcpy(p, s, *len);
    return p;
}

static void ptc_cfg(struct component_cfg *c, enum comp_kind kind)
{
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->enabled = true;
    c->url = (char *)(kind == COMP_MIMIR     ? "http://mimir:9009"
                      : kind == COMP_LOKI    ? "http://loki:3100"
                      : kind == COMP_TEMPO   ? "http://tempo:3200"
                      : kind == COMP_GRAFANA ? "http://grafana:3000"
                                             : "http://prometheus:9090");
}

static void ptc_response(struct http_response *r, const char *body, size_t len, long status, const char *url)
{
    memset(r, 0, sizeof(*r));
    r->err = NET_OK;
    r->err_text = "";
    r->status = status;
    r->body = body;
    r->body_len = len;
    r->content_type = "";
    r->url = url;
    r->timeout_ms = 5000;
    r->max_body = 8u << 20;
}

/* The URL a check would request: base + static path or path_fn. Caller frees. */
static char *ptc_url(const struct check_def *d, const struct component_cfg *c)
{
    struct buf b;
    buf_init(&b);
    buf_puts(&b, c->url);
    if (d->path_fn)
        d->path_fn(c, &b);
    else
        buf_puts(&b, d->path);
    return buf_steal(&b);
}

/* Records the first mismatch; the test fails after everything is freed (fail_msg longjmps). */
#define PTC_EXPECT(cond, ...)                        \
    do {                                             \
        if (!(cond) && !err[0])                      \
            snprintf(err, sizeof(err), __VA_ARGS__); \
    } while (0)

static bool ptc_clean_line(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

static inline void ptc_run(const struct ptc_case *t)
{
    struct component_cfg c;
    struct http_response r;
    struct obs o;
    size_t len;
    char err[1024] = "";
    double v = 0;
    ptc_cfg(&c, t->kind);
    c.tenant = (char *)t->tenant;
    c.token = (char *)t->token;
    c.basic_user = (char *)t->basic_user;
    c.query = (char *)t->query;
    c.prefix = (char *)t->prefix;
    if (t->comp_url)
        c.url = (char *)t->comp_url;
    const struct check_def *d = probe_check_find(t->kind, t->check);
    if (!d)
        fail_msg("%s: no check \"%s\"", t->label, t->check);
    char *body = t->fixture ? fixture_load(t->fixture, &len) : ptc_copy(t->body, &len);
    char *url = ptc_url(d, &c);
    ptc_response(&r, body, len, t->http_status, url);
    obs_init(&o);
    probe_run_parser(d, &r, &c, &o);

    PTC_EXPECT(o.status == t->want, "%s: status %s, want %s (summary \"%s\")", t->label, status_name(o.status),
               status_name(t->want), o.summary);
    PTC_EXPECT(!t->want_sub || strstr(o.summary, t->want_sub), "%s: summary \"%s\" lacks \"%s\"", t->label, o.summary,
               t->want_sub);
    PTC_EXPECT(o.summary[0], "%s: empty summary", t->label);
    PTC_EXPECT(ptc_clean_line(o.summary), "%s: control character in summary \"%s\"", t->label, o.summary);
    PTC_EXPECT(!t->want_version || strcmp(o.version, t->want_version) == 0, "%s: version \"%s\", want \"%s\"", t->label,
               o.version, t->want_version);
    PTC_EXPECT(o.skipped == t->want_skipped, "%s: skipped=%d, want %d", t->label, o.skipped, t->want_skipped);
    for (int i = 0; i < PTC_MAX_VALS && t->vals[i].key; i++) {
        enum value_key key = value_key_find(t->vals[i].key);
        PTC_EXPECT(key != VK_NONE, "%s: no value key named %s", t->label, t->vals[i].key);
        bool have = obs_get_value(&o, key, &v);
        PTC_EXPECT(have, "%s: value %s missing", t->label, t->vals[i].key);
        PTC_EXPECT(!have || fabs(v - t->vals[i].v) <= 1e-9 * fmax(1.0, fabs(t->vals[i].v)),
                   "%s: value %s = %.17g, want %.17g", t->label, t->vals[i].key, v, t->vals[i].v);
    }
    PTC_EXPECT(!t->absent ||
                       (value_key_find(t->absent) != VK_NONE && !obs_get_value(&o, value_key_find(t->absent), NULL)),
               "%s: value %s present (or no such key), must be absent", t->label, t->absent);
    PTC_EXPECT(!t->no_values || o.nvalues == 0, "%s: %d values (first %s), want none", t->label, o.nvalues,
               value_key_name(o.values[0].key));
    PTC_EXPECT(!t->want_detail || (o.detail && strstr(o.detail, t->want_detail)), "%s: detail \"%s\" lacks \"%s\"",
               t->label, o.detail ? o.detail : "(null)", t->want_detail);
    PTC_EXPECT(!t->not_detail || !o.detail || !strstr(o.detail, t->not_detail), "%s: detail \"%s\" contains \"%s\"",
               t->label, o.detail, t->not_detail);
    obs_free(&o);
    free(url);
    free(body);
    if (err[0])
        fail_msg("%s", err);
}

static inline void ptc_row_test(void **state) { ptc_run(*state); }

/* One cmocka test per row, named by its label; returns the number of tests written. */
static inline size_t ptc_add_rows(struct CMUnitTest *tests, const struct ptc_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct CMUnitTest t = {cases[i].label, ptc_row_test, NULL, NULL, (void *)(uintptr_t)&cases[i]};
        tests[i] = t;
    }
    return n;
}

#endif
