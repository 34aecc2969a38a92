/* fixture: reading files under tests/fixtures from unit tests (include after cmocka.h). */
#ifndef LGTMTOP_TEST_FIXTURE_H
#define LGTMTOP_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole of FIXTURES_DIR/rel in a buffer of exactly *len bytes, NOT NUL-terminated, so
 * AddressSanitizer catches a parser reading past the body. Caller frees. */
static inline char *fixture_load(const char *rel, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", FIXTURES_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open fixture %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc(n > 0 ? (size_t)n : 1);
    assert_non_null(p);
    if (n > 0 && fread(p, 1, (size_t)n, f) != (size_t)n)
        fail_msg("short read on %s", path);
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return p;
}

/* The same as a NUL-terminated string. Caller frees. */
static inline char *fixture_text(const char *rel)
{
    size_t len;
    char *p = fixture_load(rel, &len);
    char *s = realloc(p, len + 1);
    assert_non_null(s);
    s[len] = '\0';
    return s;
}

#endif
