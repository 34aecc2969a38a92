/* util: allocation wrappers, growable buffer, text hygiene, URLs and durations. */
#include "lgtmtop/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

static void (*fatal_hook)(void);

void fatal_set_hook(void (*hook)(void)) { fatal_hook = hook; }

void fatal(const char *fmt, ...)
{
    va_list ap;
    if (fatal_hook) {
        void (*h)(void) = fatal_hook;
        fatal_hook = NULL; /* a failing hook must not recurse */
        h();
    }
    fputs("lgtmtop: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(3);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        fatal("out of memory (%zu bytes)", n);
    return p;
}

void alloc_init(void)
{
    /* cJSON's allocations follow the same rule as ours: out of memory is a clean fatal error,
     * not a NULL some caller forgets to check. */
    cJSON_Hooks hooks = {xmalloc, free};
    cJSON_InitHooks(&hooks);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        fatal("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        fatal("out of memory (%zu bytes)", n);
    return q;
}

char *xstrdup(const char *s) { return s ? xstrndup(s, strlen(s)) : NULL; }

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    return buf_steal(&b);
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void buf_init(struct buf *b) { b->data = NULL, b->len = 0, b->cap = 0; }
void buf_free(struct buf *b) { free(b->data), buf_init(b); }

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void buf_grow(struct buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_reserve(struct buf *b, size_t cap)
{
    if (cap <= b->cap)
        return;
    b->data = xrealloc(b->data, cap);
    if (!b->cap)
        b->data[0] = '\0';
    b->cap = cap;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s) { buf_append(b, s, strlen(s)); }
void buf_putc(struct buf *b, char c) { buf_append(b, &c, 1); }

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    buf_grow(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *buf_steal(struct buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    buf_init(b);
    return p;
}

/* Length of a valid UTF-8 sequence starting at s (at most n bytes), 0 if invalid (RFC 3629). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    size_t len;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    /* no overlong forms, no surrogates (U+D800..U+DFFF), nothing past U+10FFFF */
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) || (s[0] == 0xF0 && s[1] < 0x90) ||
        (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return len;
}

/* The C1 control at s (raw byte or UTF-8 encoded U+0080..U+009F), -1 if none; *len gets its
 * bytes. */
static int c1_at(const unsigned char *s, size_t n, size_t *len)
{
    if (n >= 1 && s[0] >= 0x80 && s[0] < 0xA0) {
        *len = 1;
        return s[0];
    }
    if (n >= 2 && s[0] == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0) {
        *len = 2;
        return s[1];
    }
    return -1;
}

/* Bytes of a control string's body up to and including its terminator (BEL, ESC \, or the C1
 * ST, raw or encoded); unterminated, everything up to n or a NUL goes. */
static size_t control_string_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i]) {
        size_t k;
        if (s[i] == 0x07)
            return i + 1;
        if (s[i] == 0x1B && i + 1 < n && s[i + 1] == '\\')
            return i + 2;
        if (c1_at(s + i, n - i, &k) == 0x9C)
            return i + k;
        i++;
    }
    return i;
}

/* Bytes of a CSI's parameters, intermediates and final byte; a byte that cannot be part of one
 * ends it there (the remains are not shown either way). */
static size_t csi_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= 0x20 && s[i] <= 0x3F)
        i++;
    if (i < n && s[i] >= 0x40 && s[i] <= 0x7E)
        i++;
    return i;
}

size_t text_invisible_len(const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t k;
    if (n == 0 || !s[0])
        return 0;
    if (s[0] == 0x1B) {
        if (n < 2 || !s[1])
            return 1;
        unsigned char c = s[1];
        if (c == '[')
            return 2 + csi_len(s + 2, n - 2);
        if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
            return 2 + control_string_len(s + 2, n - 2);
        size_t i = 1;
        while (i < n && s[i] >= 0x20 && s[i] <= 0x2F) /* intermediates: ESC ( B, ESC # 8 */
            i++;
        if (i < n && s[i] >= 0x30 && s[i] <= 0x7E)
            i++;
        return i;
    }
    int c1 = c1_at(s, n, &k);
    if (c1 == 0x9B)
        return k + csi_len(s + k, n - k);
    if (c1 == 0x9D || c1 == 0x90 || c1 == 0x98 || c1 == 0x9E || c1 == 0x9F)
        return k + control_string_len(s + k, n - k);
    /* bidi embeddings, overrides and isolates: U+202A..U+202E, U+2066..U+2069 */
    if (n >= 3 && s[0] == 0xE2 &&
        ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) || (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)))
        return 3;
    return 0;
}

static void text_clean(struct buf *out, const char *src, size_t srclen, bool keep_newlines)
{
    const unsigned char *s = (const unsigned char *)src;
    bool pending_space = false;
    for (size_t i = 0; i < srclen;) {
        unsigned char c = s[i];
        size_t hide = text_invisible_len(src + i, srclen - i);
        if (hide) {
            i += hide; /* vanishes whole: colors wrap words */
            continue;
        }
        if (c == '\n' && keep_newlines) {
            buf_putc(out, '\n');
            pending_space = false;
            i++;
            continue;
        }
        /* C1 controls, raw or UTF-8 encoded (U+0080..U+009F), count as controls too. */
        size_t ctl = (c < 0x20 || c == 0x7F || c == ' ')                                    ? 1
                     : (c == 0xC2 && i + 1 < srclen && s[i + 1] >= 0x80 && s[i + 1] < 0xA0) ? 2
                                                                                            : 0;
        if (ctl) {
            pending_space = out->len > 0 && out->data[out->len - 1] != '\n';
            i += ctl;
            continue;
        }
        size_t n = utf8_seq_len(s + i, srclen - i);
        if (pending_space)
            buf_putc(out, ' ');
        pending_space = false;
        if (n == 0) {
            buf_putc(out, '?');
            i++;
        } else {
            buf_append(out, s + i, n);
            i += n;
        }
    }
}

char *text_oneline(char *dst, size_t dstlen, const char *src, size_t srclen)
{
    struct buf b;
    if (dstlen == 0)
        return dst;
    buf_init(&b);
    text_clean(&b, src ? src : "", src ? srclen : 0, false);
    size_t n = b.len;
    if (n >= dstlen) {
        /* Truncate on a UTF-8 boundary and mark it. */
        n = dstlen - 1;
        if (dstlen > 4) {
            n = dstlen - 4;
            while (n > 0 && ((unsigned char)b.data[n] & 0xC0) == 0x80)
                n--;
            memcpy(dst, b.data, n);
            memcpy(dst + n, "...", 4);
            buf_free(&b);
            return dst;
        }
    }
    if (n)
        memcpy(dst, b.data, n);
    dst[n] = '\0';
    buf_free(&b);
    return dst;
}

char *text_vprintf(char *dst, size_t dstlen, const char *fmt, va_list ap)
{
    struct buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    text_oneline(dst, dstlen, b.data ? b.data : "", b.len);
    buf_free(&b);
    return dst;
}

char *text_printf(char *dst, size_t dstlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(dst, dstlen, fmt, ap);
    va_end(ap);
    return dst;
}

char *text_clean_multiline(const char *src, size_t srclen)
{
    struct buf b;
    buf_init(&b);
    text_clean(&b, src ? src : "", src ? srclen : 0, true);
    return buf_steal(&b);
}

char *text_safe_copy(const char *src, size_t srclen, bool keep_newlines)
{
    const unsigned char *s = (const unsigned char *)(src ? src : "");
    struct buf b;
    buf_init(&b);
    buf_append(&b, "", 0);
    for (size_t i = 0; src && i < srclen;) {
        size_t hide = text_invisible_len(src + i, srclen - i), k;
        if (hide) {
            i += hide;
            continue;
        }
        unsigned char c = s[i];
        if (c == '\n' && keep_newlines) {
            buf_putc(&b, '\n');
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            buf_putc(&b, ' ');
            i++;
        } else if (c1_at(s + i, srclen - i, &k) >= 0 && k == 2) {
            buf_putc(&b, ' ');
            i += 2;
        } else if ((k = utf8_seq_len(s + i, srclen - i)) == 0) {
            buf_putc(&b, '?');
            i++;
        } else {
            buf_append(&b, s + i, k);
            i += k;
        }
    }
    return buf_steal(&b);
}

bool url_has_userinfo(const char *url)
{
    if (!url)
        return false;
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *end = auth + strcspn(auth, "/?#");
    return memchr(auth, '@', (size_t)(end - auth)) != NULL;
}

char *url_redact(const char *url)
{
    if (!url)
        return NULL;
    const char *scheme = strstr(url, "://");
    const char *auth = scheme ? scheme + 3 : url;
    const char *end = auth + strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p;
    if (!at)
        return xstrdup(url);
    return xasprintf("%.*s***%s", (int)(auth - url), url, at);
}

void url_trim_slashes(char *url)
{
    const char *auth = strstr(url, "://");
    size_t min = auth ? (size_t)(auth - url) + 4 : 1; /* keep "scheme://h" */
    size_t n = strlen(url);
    while (n > min && url[n - 1] == '/')
        url[--n] = '\0';
}

void url_hostport(const char *url, char *out, size_t outlen)
{
    const char *scheme = strstr(url, "://");
    const char *h = scheme ? scheme + 3 : url;
    const char *end = h + strcspn(h, "/?#");
    for (const char *p = h; p < end; p++)
        if (*p == '@')
            h = p + 1;
    const char *close = memchr(h, ']', (size_t)(end - h));
    const char *colon = memchr(close ? close : h, ':', (size_t)(end - (close ? close : h)));
    if (colon)
        snprintf(out, outlen, "%.*s", (int)(end - h), h);
    else
        snprintf(out, outlen, "%.*s:%d", (int)(end - h), h, (scheme && str_starts_with(url, "https")) ? 443 : 80);
}

long duration_parse_ms(const char *s)
{
    static const struct {
        const char *unit;
        long ms;
    } units[] = {
            {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000},
    };
    if (!s || !*s)
        return -1;
    double total = 0;
    const char *p = s;
    while (*p) {
        /* plain decimal only: digits with an optional fraction (no hex, exponent, inf, nan) */
        const char *start = p;
        double v = 0, scale = 1;
        bool frac = false, digits = false;
        for (; isdigit((unsigned char)*p) || (*p == '.' && !frac); p++) {
            if (*p == '.') {
                frac = true;
                continue;
            }
            digits = true;
            if (frac)
                v += (*p - '0') * (scale /= 10);
            else if (v < 1e12)
                v = v * 10 + (*p - '0');
        }
        if (!digits || p == start)
            return -1;
        if (!*p) { /* bare number = seconds, only as the whole string */
            if (p != s + strlen(s) || total != 0)
                return -1;
            total += v * 1000;
            break;
        }
        size_t i, ulen = 0;
        for (i = 0; i < ARRAY_LEN(units); i++) {
            ulen = strlen(units[i].unit);
            if (strncmp(p, units[i].unit, ulen) == 0 && !isalpha((unsigned char)p[ulen]))
                break;
        }
        if (i == ARRAY_LEN(units))
            return -1;
        total += v * (double)units[i].ms;
        p += ulen;
    }
    if (total > 30.0 * 86400000)
        return -1;
    return (long)(total + 0.5);
}

char *duration_format(long ms, char *out, size_t outlen)
{
    /* Rounded to the unit shown, so 59.7 s reads "1m00s" everywhere (table, --wait, TUI). */
    if (ms < 0)
        snprintf(out, outlen, "-");
    else if (ms < 1000)
        snprintf(out, outlen, "%ldms", ms);
    else if (ms < 9950)
        snprintf(out, outlen, "%.1fs", (double)ms / 1000.0);
    else if (ms < 59500)
        snprintf(out, outlen, "%lds", (ms + 500) / 1000);
    else if (ms < 3600L * 1000 - 500) {
        long s = (ms + 500) / 1000;
        snprintf(out, outlen, "%ldm%02lds", s / 60, s % 60);
    } else if (ms < 86400L * 1000 - 30000) {
        long m = (ms + 30000) / 60000;
        snprintf(out, outlen, "%ldh%02ldm", m / 60, m % 60);
    } else
        snprintf(out, outlen, "%ldd", (ms + 43200000L) / 86400000L);
    return out;
}

long long now_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long now_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool str_starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

bool str_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}
