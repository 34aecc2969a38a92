/* util: allocation wrappers, a growable byte buffer, and text hygiene helpers. */
#ifndef LGTMTOP_UTIL_H
#define LGTMTOP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation wrappers: on out-of-memory they call the fatal hook (which restores the terminal)
 * and exit, so callers never check small allocations for NULL. */
void *xmalloc(size_t n);
/* Makes cJSON allocate through xmalloc (call once, first thing in main). */
void alloc_init(void);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Called by fatal() before it prints; the TUI installs one that restores the terminal. */
void fatal_set_hook(void (*hook)(void));

/* A growable, always NUL-terminated byte buffer. The buffer owns data; buf_free releases it. */
struct buf {
    char *data;
    size_t len;
    size_t cap;
};
void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
/* Makes the capacity at least cap bytes (the NUL included), exactly cap when it grows. */
void buf_reserve(struct buf *b, size_t cap);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the data to the caller (who frees it) and leaves b empty. */
char *buf_steal(struct buf *b);

/* Copies src into dst (size dstlen) keeping one line of printable text: escape sequences and
 * bidi controls vanish whole (text_invisible_len), other control characters (C0, DEL, C1)
 * become spaces, runs of whitespace collapse, leading/trailing blanks are dropped, invalid
 * UTF-8 bytes become '?'. Always NUL-terminates. Returns dst. */
char *text_oneline(char *dst, size_t dstlen, const char *src, size_t srclen);
/* Formats into dst as one clean line (text_oneline): the one way a formatted message lands in a
 * fixed buffer, whatever server text the arguments carry. Returns dst. */
char *text_printf(char *dst, size_t dstlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *text_vprintf(char *dst, size_t dstlen, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Like text_oneline but keeps newlines (for multi-line detail text). Returns a new string. */
char *text_clean_multiline(const char *src, size_t srclen);
/* A copy of src that is valid UTF-8 with no control character, its spacing kept: escape
 * sequences and control strings (ESC, C1 CSI/OSC/DCS..., up to their end) and bidi controls
 * (U+202A..U+202E, U+2066..U+2069) dropped whole, other C0/DEL/C1 controls become spaces
 * (newlines kept on request), invalid UTF-8 bytes '?'. For JSON strings. Caller frees. */
char *text_safe_copy(const char *src, size_t srclen, bool keep_newlines);
/* Bytes at src (at most n, never past a NUL) that must vanish whole from any output: an escape
 * sequence or control string with its parameters and terminator, or a bidi control. 0 if none. */
size_t text_invisible_len(const char *src, size_t n);

/* Returns a copy of url with any user:password@ removed (userinfo replaced by three asterisks). Caller frees. */
char *url_redact(const char *url);
/* Whether url carries user[:password]@ (credentials libcurl sends as basic auth). */
bool url_has_userinfo(const char *url);
/* Drops trailing slashes in place, never eating into "scheme://host". */
void url_trim_slashes(char *url);
/* "host:port" of a URL into out (default ports for http/https filled in). */
void url_hostport(const char *url, char *out, size_t outlen);

/* Durations: "250ms", "5s", "1m30s", "2h", plain number = seconds. -1 on error. */
long duration_parse_ms(const char *s);
/* Formats ms as "850ms", "1.2s", "3m05s", "2h10m", "4d". Returns out. */
char *duration_format(long ms, char *out, size_t outlen);

/* Monotonic and wall clocks in milliseconds. */
long long now_mono_ms(void);
long long now_wall_ms(void);

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);

#endif
