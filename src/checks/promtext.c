/* promtext: Prometheus text exposition (0.0.4) / OpenMetrics 1.0 parser. Works on (pointer,
 * length) spans throughout so the input may be a slice that is not NUL-terminated. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* nl_langinfo when built outside CMake */
#endif
#include "lgtmtop/promtext.h"

#include <langinfo.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values longer than this are rejected rather than copied (strtod needs a NUL). */
#define PT_NUM_MAX 96

struct pt_cur {
    const char *p;
    const char *end;
};

struct pt_span {
    const char *s;
    size_t n;
};

/* One item inside braces: a label name="value", or (first only) a bare quoted metric name. */
struct pt_item {
    struct pt_span name;
    bool name_quoted;
    bool has_value;
    struct pt_span value; /* raw, escapes not processed */
};

static bool pt_at_end(const struct pt_cur *c) { return c->p >= c->end; }

static bool pt_is_blank(char ch) { return ch == ' ' || ch == '\t'; }

static void pt_skip_blanks(struct pt_cur *c)
{
    while (!pt_at_end(c) && pt_is_blank(*c->p))
        c->p++;
}

static bool pt_is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* Name characters by byte: 1 = letter or '_', 2 = digit, 4 = ':' (metric names only). */
#define PT_NAME_TABLE_ROW(b)                                                    \
    (((b) >= 'a' && (b) <= 'z') || ((b) >= 'A' && (b) <= 'Z') || (b) == '_' ? 1 \
     : (b) >= '0' && (b) <= '9'                                             ? 2 \
     : (b) == ':'                                                           ? 4 \
                                                                            : 0)
#define PT_R4(b) \
    PT_NAME_TABLE_ROW(b), PT_NAME_TABLE_ROW((b) + 1), PT_NAME_TABLE_ROW((b) + 2), PT_NAME_TABLE_ROW((b) + 3)
#define PT_R16(b) PT_R4(b), PT_R4((b) + 4), PT_R4((b) + 8), PT_R4((b) + 12)
#define PT_R64(b) PT_R16(b), PT_R16((b) + 16), PT_R16((b) + 32), PT_R16((b) + 48)
static const unsigned char pt_name_class[256] = {PT_R64(0), PT_R64(64), PT_R64(128), PT_R64(192)};

static bool pt_scan_bare(struct pt_cur *c, bool metric, struct pt_span *out)
{
    const char *start = c->p;
    unsigned first = metric ? 1 | 4 : 1, rest = first | 2;
    if (!pt_at_end(c) && (pt_name_class[(unsigned char)*c->p] & first))
        c->p++;
    while (c->p > start && !pt_at_end(c) && (pt_name_class[(unsigned char)*c->p] & rest))
        c->p++;
    out->s = start;
    out->n = (size_t)(c->p - start);
    return out->n > 0;
}

/* "..." with backslash escapes; out excludes the quotes. Fails if unterminated. */
static bool pt_scan_quoted(struct pt_cur *c, struct pt_span *out)
{
    if (pt_at_end(c) || *c->p != '"')
        return false;
    const char *start = ++c->p;
    /* Most values have no escapes: the closing quote is the first one. */
    const char *q = memchr(start, '"', (size_t)(c->end - start));
    if (q && !memchr(start, '\\', (size_t)(q - start))) {
        out->s = start;
        out->n = (size_t)(q - start);
        c->p = q + 1;
        return true;
    }
    while (!pt_at_end(c)) {
        if (*c->p == '"') {
            out->s = start;
            out->n = (size_t)(c->p - start);
            c->p++;
            return true;
        }
        if (*c->p == '\\' && c->end - c->p < 2)
            return false;
        c->p += *c->p == '\\' ? 2 : 1;
    }
    return false;
}

static bool pt_scan_name(struct pt_cur *c, bool metric, struct pt_span *out, bool *quoted)
{
    *quoted = !pt_at_end(c) && *c->p == '"';
    return *quoted ? pt_scan_quoted(c, out) : pt_scan_bare(c, metric, out);
}

static bool pt_scan_item(struct pt_cur *c, struct pt_item *it)
{
    memset(it, 0, sizeof(*it));
    if (!pt_scan_name(c, false, &it->name, &it->name_quoted))
        return false;
    pt_skip_blanks(c);
    if (pt_at_end(c) || *c->p != '=')
        return true; /* caller decides whether a value-less item is allowed */
    c->p++;
    pt_skip_blanks(c);
    it->has_value = true;
    return pt_scan_quoted(c, &it->value);
}

/* Next item of a label list that ends at '}' or at the cursor's end (stored label text).
 * Returns 1 with an item, 0 when the list is finished, -1 on a syntax error. A trailing comma
 * is accepted because the next call then sees the end. */
static int pt_next_item(struct pt_cur *c, struct pt_item *it)
{
    pt_skip_blanks(c);
    if (pt_at_end(c) || *c->p == '}')
        return 0;
    if (!pt_scan_item(c, it))
        return -1;
    pt_skip_blanks(c);
    if (!pt_at_end(c) && *c->p == ',') {
        c->p++;
        return 1;
    }
    return pt_at_end(c) || *c->p == '}' ? 1 : -1;
}

/* Decodes one (possibly escaped) byte of a quoted string into out; returns how many bytes it
 * produced (2 for an unknown escape, kept verbatim like Prometheus does). */
static size_t pt_unescape_step(struct pt_span v, size_t *i, char out[2])
{
    char ch = v.s[(*i)++];
    if (ch != '\\' || *i >= v.n) {
        out[0] = ch;
        return 1;
    }
    char esc = v.s[(*i)++];
    if (esc == 'n' || esc == '\\' || esc == '"') {
        out[0] = esc == 'n' ? '\n' : esc;
        return 1;
    }
    out[0] = '\\';
    out[1] = esc;
    return 2;
}

static bool pt_unescaped_eq(struct pt_span v, const char *want)
{
    size_t i = 0, w = 0, wlen = strlen(want);
    while (i < v.n) {
        char buf[2];
        size_t k = pt_unescape_step(v, &i, buf);
        if (w + k > wlen || memcmp(want + w, buf, k) != 0)
            return false;
        w += k;
    }
    return w == wlen;
}

static bool pt_is_utf8_cont(char ch) { return ((unsigned char)ch & 0xC0) == 0x80; }

/* Unescapes v into out; on truncation drops a partial trailing UTF-8 sequence. */
static void pt_unescape(struct pt_span v, char *out, size_t outlen)
{
    size_t i = 0, o = 0;
    while (i < v.n) {
        char buf[2];
        size_t k = pt_unescape_step(v, &i, buf);
        if (o + k >= outlen) {
            if (pt_is_utf8_cont(buf[0])) {
                while (o > 0 && pt_is_utf8_cont(out[o - 1]))
                    o--;
                if (o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
                    o--;
            }
            break;
        }
        memcpy(out + o, buf, k);
        o += k;
    }
    out[o] = '\0';
}

/* ASCII case-insensitive comparison of a span with a lowercase literal. */
static bool pt_ci_eq(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch != lit[i])
            return false;
    }
    return true;
}

/* NaN, +Inf, -Inf (and Go's case-insensitive spellings inf/infinity/nan). */
static bool pt_parse_special(const char *s, size_t n, double *out)
{
    bool neg = n > 0 && s[0] == '-';
    size_t off = n > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (pt_ci_eq(s + off, n - off, "inf") || pt_ci_eq(s + off, n - off, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (pt_ci_eq(s, n, "nan")) {
        *out = NAN;
        return true;
    }
    return false;
}

static size_t pt_count_digits(const char *s, size_t n, size_t i)
{
    size_t k = 0;
    while (i + k < n && pt_is_digit(s[i + k]))
        k++;
    return k;
}

/* [+-]digits[.digits][e[+-]digits] (either side of the point may be empty, not both): the
 * decimal subset strtod shares with Go; rejects hex floats and trailing junk. */
static bool pt_is_decimal(const char *s, size_t n)
{
    size_t i = n > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    size_t intd = pt_count_digits(s, n, i);
    i += intd;
    size_t fracd = 0;
    if (i < n && s[i] == '.') {
        fracd = pt_count_digits(s, n, i + 1);
        i += 1 + fracd;
    }
    if (intd + fracd == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t expd = pt_count_digits(s, n, i);
        if (expd == 0)
            return false;
        i += expd;
    }
    return i == n;
}

/* Exact powers of ten as doubles (10^22 is the last one). */
static const double pt_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* [+-]digits[.digits] with at most 15 significant digits: the integer and a power of ten are
 * exact doubles, so one division is correctly rounded (what strtod gives), without a copy. */
static bool pt_parse_simple(const char *s, size_t n, double *out)
{
    size_t i = n > 0 && (s[0] == '+' || s[0] == '-') ? 1 : 0;
    bool neg = i && s[0] == '-';
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; i < n; i++) {
        char ch = s[i];
        if (pt_is_digit(ch)) {
            if (m || ch != '0')
                digits++;
            m = m * 10u + (unsigned)(ch - '0');
            if (frac >= 0)
                frac++;
            if (digits > 15 || frac > 22)
                return false;
        } else if (ch == '.' && frac < 0) {
            frac = 0;
        } else {
            return false;
        }
    }
    double v = (double)m;
    if (frac > 0)
        v /= pt_pow10[frac];
    *out = neg ? -v : v;
    return true;
}

/* strtod follows LC_NUMERIC, which an ncursesw program sets from the environment (a "," radix
 * in many locales), so the '.' is swapped for the current radix (looked up once a parse)
 * before converting. */
static bool pt_parse_value(const char *s, size_t n, const char *radix, double *out)
{
    if (!pt_is_decimal(s, n))
        return pt_parse_special(s, n, out);
    if (pt_parse_simple(s, n, out))
        return true;
    size_t rlen = strlen(radix);
    char buf[PT_NUM_MAX];
    if (n + rlen >= sizeof(buf))
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            memcpy(buf + o, radix, rlen);
            o += rlen;
        } else {
            buf[o++] = s[i];
        }
    }
    buf[o] = '\0';
    char *endp = NULL;
    *out = strtod(buf, &endp);
    return endp == buf + o;
}

/* Timestamps are plain int64: no exponent, no inf/nan. */
static bool pt_parse_int64(const char *s, size_t n, int64_t *out)
{
    bool neg = n > 0 && s[0] == '-';
    size_t i = n > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == n)
        return false;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t acc = 0;
    for (; i < n; i++) {
        if (!pt_is_digit(s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (acc > (limit - d) / 10u)
            return false;
        acc = acc * 10u + d;
    }
    *out = neg ? (acc == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)acc) : (int64_t)acc;
    return true;
}

/* Token up to the next blank (the cursor sits at a non-blank). */
static struct pt_span pt_token(struct pt_cur *c)
{
    struct pt_span t = {c->p, 0};
    while (!pt_at_end(c) && !pt_is_blank(*c->p))
        c->p++;
    t.n = (size_t)(c->p - t.s);
    return t;
}

/* The part inside { }; c starts after '{' and ends after '}'. */
static bool pt_parse_labels(struct pt_cur *c, struct prom_sample *s, const char **why)
{
    const char *lstart = c->p;
    bool first = true;
    struct pt_item it;
    int r;
    while ((r = pt_next_item(c, &it)) > 0) {
        if (!it.has_value) {
            if (!first || !it.name_quoted || s->name_len > 0) {
                *why = "label without a value";
                return false;
            }
            s->name = it.name.s;
            s->name_len = it.name.n;
            lstart = c->p; /* labels exclude the quoted name and its comma */
        }
        first = false;
    }
    if (r < 0 || pt_at_end(c)) {
        *why = pt_at_end(c) ? "unterminated label set" : "invalid label";
        return false;
    }
    s->labels_len = (size_t)(c->p - lstart);
    s->labels = s->labels_len > 0 ? lstart : "";
    c->p++; /* '}' */
    return true;
}

/* name[{labels}] value [timestamp] [# exemplar]; line is trimmed and non-empty. */
static bool pt_parse_sample(const char *line, size_t n, const char *radix, struct prom_sample *s, const char **why)
{
    struct pt_cur c = {line, line + n};
    *s = (struct prom_sample){.labels = ""};
    struct pt_span name = {NULL, 0};
    if (*c.p != '{') {
        if (!pt_scan_bare(&c, true, &name) || (!pt_at_end(&c) && !pt_is_blank(*c.p) && *c.p != '{')) {
            *why = "invalid metric name";
            return false;
        }
        s->name = name.s;
        s->name_len = name.n;
        pt_skip_blanks(&c);
    }
    if (!pt_at_end(&c) && *c.p == '{') {
        c.p++;
        if (!pt_parse_labels(&c, s, why))
            return false;
    }
    if (s->name_len == 0) {
        *why = "missing metric name";
        return false;
    }
    pt_skip_blanks(&c);
    struct pt_span tok = pt_token(&c);
    if (tok.n == 0) {
        *why = "missing value";
        return false;
    }
    if (!pt_parse_value(tok.s, tok.n, radix, &s->value)) {
        *why = "invalid value";
        return false;
    }
    pt_skip_blanks(&c);
    if (!pt_at_end(&c) && *c.p != '#') {
        tok = pt_token(&c);
        if (!pt_parse_int64(tok.s, tok.n, &s->timestamp)) {
            *why = "invalid timestamp";
            return false;
        }
        s->has_timestamp = true;
        pt_skip_blanks(&c);
    }
    /* Whatever follows " #" is an OpenMetrics exemplar, which we do not need. */
    if (!pt_at_end(&c) && *c.p != '#') {
        *why = "unexpected text after the sample";
        return false;
    }
    return true;
}

static bool pt_known_type(struct pt_span t)
{
    static const char *const types[] = {"counter", "gauge",    "histogram", "summary",       "untyped",
                                        "unknown", "stateset", "info",      "gaugehistogram"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i]) == t.n && memcmp(types[i], t.s, t.n) == 0)
            return true;
    return false;
}

enum pt_comment { PT_COMMENT_OK, PT_COMMENT_BAD, PT_COMMENT_EOF };

/* "# HELP name doc", "# TYPE name type", "# EOF"; any other "#" line is a plain comment. */
static enum pt_comment pt_parse_comment(const char *line, size_t n, const char **why)
{
    struct pt_cur c = {line + 1, line + n};
    pt_skip_blanks(&c);
    struct pt_span kw = pt_token(&c);
    bool help = kw.n == 4 && memcmp(kw.s, "HELP", 4) == 0;
    bool type = kw.n == 4 && memcmp(kw.s, "TYPE", 4) == 0;
    if (kw.n == 3 && memcmp(kw.s, "EOF", 3) == 0 && pt_at_end(&c))
        return PT_COMMENT_EOF;
    if (!help && !type)
        return PT_COMMENT_OK;
    pt_skip_blanks(&c);
    struct pt_span name;
    bool quoted;
    if (!pt_scan_name(&c, true, &name, &quoted) || (!pt_at_end(&c) && !pt_is_blank(*c.p))) {
        *why = help ? "HELP without a valid metric name" : "TYPE without a valid metric name";
        return PT_COMMENT_BAD;
    }
    if (help)
        return PT_COMMENT_OK; /* the docstring may be anything */
    pt_skip_blanks(&c);
    struct pt_span t = pt_token(&c);
    if (!pt_known_type(t) || !pt_at_end(&c)) {
        *why = "TYPE with an unknown type";
        return PT_COMMENT_BAD;
    }
    return PT_COMMENT_OK;
}

static void pt_note_bad(struct prom_error *err, int *bad, int line, const char *why)
{
    if (*bad < INT_MAX)
        (*bad)++;
    if (err != NULL && err->line == 0) {
        err->line = line;
        snprintf(err->msg, sizeof(err->msg), "line %d: %s", line, why);
    }
}

/* Drops a CR before the newline and surrounding blanks. */
static void pt_trim(const char **b, const char **e)
{
    if (*e > *b && (*e)[-1] == '\r')
        (*e)--;
    while (*b < *e && pt_is_blank(**b))
        (*b)++;
    while (*e > *b && pt_is_blank((*e)[-1]))
        (*e)--;
}

/* Whether want declines the sample line b..e: its bare name is followed by '{', a blank or
 * the end (else the full parse reports the line). */
static bool pt_declined(const char *b, const char *e, prom_name_cb want, void *ud)
{
    struct pt_cur c = {b, e};
    struct pt_span name;
    if (!pt_scan_bare(&c, true, &name))
        return false;
    if (!pt_at_end(&c) && *c.p != '{' && !pt_is_blank(*c.p))
        return false;
    return !want(name.s, name.n, ud);
}

int promtext_parse(const char *text, size_t len, prom_sample_cb cb, void *ud, struct prom_error *err)
{
    return promtext_parse_some(text, len, NULL, cb, ud, err);
}

int promtext_parse_some(const char *text, size_t len, prom_name_cb want, prom_sample_cb cb, void *ud,
                        struct prom_error *err)
{
    if (err != NULL) {
        err->line = 0;
        err->msg[0] = '\0';
    }
    if (text == NULL || len == 0)
        return 0;
    const char *p = text, *end = text + len;
    int lineno = 0, bad = 0;
    const char *radix = nl_langinfo(RADIXCHAR);
    if (radix == NULL || *radix == '\0')
        radix = ".";
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *b = p, *e = nl != NULL ? nl : end;
        p = nl != NULL ? nl + 1 : end;
        if (lineno < INT_MAX)
            lineno++;
        pt_trim(&b, &e);
        if (b == e)
            continue;
        const char *why = "malformed line";
        if (*b == '#') {
            enum pt_comment r = pt_parse_comment(b, (size_t)(e - b), &why);
            if (r == PT_COMMENT_EOF)
                break;
            if (r == PT_COMMENT_BAD)
                pt_note_bad(err, &bad, lineno, why);
            continue;
        }
        if (want != NULL && pt_declined(b, e, want, ud))
            continue;
        struct prom_sample s;
        if (!pt_parse_sample(b, (size_t)(e - b), radix, &s, &why))
            pt_note_bad(err, &bad, lineno, why);
        else if (cb != NULL && cb(&s, ud) != 0)
            break;
    }
    return bad;
}

bool promtext_label(const struct prom_sample *s, const char *name, char *out, size_t outlen)
{
    if (out != NULL && outlen > 0)
        out[0] = '\0';
    if (s == NULL || name == NULL || s->labels == NULL)
        return false;
    struct pt_cur c = {s->labels, s->labels + s->labels_len};
    struct pt_item it;
    while (pt_next_item(&c, &it) > 0) {
        if (!it.has_value)
            continue; /* a quoted metric name, if given the whole brace text */
        bool match = it.name_quoted ? pt_unescaped_eq(it.name, name)
                                    : strlen(name) == it.name.n && memcmp(name, it.name.s, it.name.n) == 0;
        if (match) {
            if (out != NULL && outlen > 0)
                pt_unescape(it.value, out, outlen);
            return true;
        }
    }
    return false;
}

struct pt_sum_ctx {
    const char *metric;
    size_t mlen;
    double sum;
    bool found;
};

static int pt_sum_cb(const struct prom_sample *s, void *ud)
{
    struct pt_sum_ctx *ctx = ud;
    if (s->name_len == ctx->mlen && memcmp(s->name, ctx->metric, ctx->mlen) == 0) {
        ctx->found = true;
        if (!isnan(s->value))
            ctx->sum += s->value;
    }
    return 0;
}

double promtext_sum(const char *text, size_t len, const char *metric, bool *found)
{
    struct pt_sum_ctx ctx = {metric, metric != NULL ? strlen(metric) : 0, 0.0, false};
    if (metric != NULL)
        promtext_parse(text, len, pt_sum_cb, &ctx, NULL);
    if (found != NULL)
        *found = ctx.found;
    return ctx.sum;
}

struct pt_prefix_ctx {
    const char *prefix;
    size_t plen;
    bool hit;
};

static int pt_prefix_cb(const struct prom_sample *s, void *ud)
{
    struct pt_prefix_ctx *ctx = ud;
    ctx->hit = s->name_len >= ctx->plen && memcmp(s->name, ctx->prefix, ctx->plen) == 0;
    return ctx->hit; /* first match is enough */
}

bool promtext_has_prefix(const char *text, size_t len, const char *prefix)
{
    struct pt_prefix_ctx ctx = {prefix, prefix != NULL ? strlen(prefix) : 0, false};
    if (prefix != NULL)
        promtext_parse(text, len, pt_prefix_cb, &ctx, NULL);
    return ctx.hit;
}
