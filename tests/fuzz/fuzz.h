/* Shared by the fuzz harnesses: the libFuzzer entry point, and the checks every harness makes
 * on what lgtmtop would print. A violation aborts (a crash the fuzzer records). */
#ifndef LGTMTOP_FUZZ_H
#define LGTMTOP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 (no overlong form, surrogate or code point past U+10FFFF) with no C0 control
 * (newlines when allowed), no DEL, no C1 control and no bidi control. */
static inline bool fuzz_clean(const char *p, bool newlines)
{
    const unsigned char *s = (const unsigned char *)p;
    while (*s) {
        unsigned char c = *s;
        if (c < 0x80) {
            if ((c < 0x20 && !(newlines && c == '\n')) || c == 0x7F)
                return false;
            s++;
            continue;
        }
        int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!n)
            return false;
        uint32_t v = c & (0x7Fu >> n);
        for (int i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return false;
            v = (v << 6) | (s[i] & 0x3Fu);
        }
        if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        if (v < 0xA0 || (v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069))
            return false;
        s += n;
    }
    return true;
}

static inline void fuzz_assert_clean(const char *what, const char *s, bool newlines)
{
    if (s && !fuzz_clean(s, newlines)) {
        fprintf(stderr, "fuzz: %s is not clean: \"", what);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            fprintf(stderr, *p >= 0x20 && *p < 0x7F ? "%c" : "\\x%02x", *p);
        fprintf(stderr, "\"\n");
        abort();
    }
}

#endif
