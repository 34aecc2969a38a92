/* promtext: streaming parser for the Prometheus text exposition format (0.0.4) and OpenMetrics
 * 1.0. No allocation: callbacks get pointers into the input. Pure, no I/O, no globals.
 * The input need not be NUL-terminated; nothing at or past text[len] is ever read. */
#ifndef LGTMTOP_PROMTEXT_H
#define LGTMTOP_PROMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every pointer points into the parsed text and is valid only as long as it is; none is
 * NUL-terminated (use the _len fields). */
struct prom_sample {
    const char *name; /* metric name without quotes; escapes in a quoted name not processed */
    size_t name_len;
    /* Raw label text between { and } (without braces, escapes not processed), "" if none.
     * For a quoted UTF-8 name inside the braces ({"my.metric","a"="b"}) it is the text after
     * the comma that follows the name ("\"a\"=\"b\""), so it holds only real labels. */
    const char *labels;
    size_t labels_len;
    double value; /* NaN and +-Inf possible */
    bool has_timestamp;
    int64_t timestamp; /* as written: ms (0.0.4); integer timestamps only */
};

/* Return non-zero to stop parsing early. */
typedef int (*prom_sample_cb)(const struct prom_sample *s, void *ud);

struct prom_error {
    int line;      /* 1-based line of the first malformed line, 0 if none */
    char msg[128]; /* "line N: reason"; never contains input bytes, "" if none */
};

/* Parses text, calling cb (may be NULL) for every sample. Malformed lines are skipped (counted),
 * not fatal: returns the number of malformed lines (0 = clean); the first is described in err
 * (may be NULL). Also accepted: tabs, CRLF, a missing final newline, OpenMetrics exemplars
 * (ignored) and # UNIT; "# EOF" ends parsing. */
int promtext_parse(const char *text, size_t len, prom_sample_cb cb, void *ud, struct prom_error *err);

/* Says whether a sample line of this (bare) metric name is wanted; the name points into the
 * text and is not NUL-terminated. */
typedef bool (*prom_name_cb)(const char *name, size_t len, void *ud);

/* promtext_parse that first asks want (may be NULL: every line) about each sample line's bare
 * metric name and skips the lines it declines without parsing them further (a page is mostly
 * series nobody asked for; this is most of the speed of a scan). Skipped lines are neither
 * passed on nor checked, so the count covers the lines parsed. Lines that begin with '{' (a
 * quoted name) are always parsed. */
int promtext_parse_some(const char *text, size_t len, prom_name_cb want, prom_sample_cb cb, void *ud,
                        struct prom_error *err);

/* Looks up label `name` (also matches a quoted label name) in a sample's raw label text and
 * unescapes its value (\\ \" \n; other escapes are kept verbatim) into out, always
 * NUL-terminated and truncated to fit without splitting a UTF-8 sequence.
 * Returns false if absent (out is then ""). */
bool promtext_label(const struct prom_sample *s, const char *name, char *out, size_t outlen);

/* Sums the values of every series named `metric` (exact name). *found (may be NULL) says
 * whether any series existed; the sum is 0 when none. NaN values are skipped. */
double promtext_sum(const char *text, size_t len, const char *metric, bool *found);

/* True if any series name starts with prefix (e.g. "tempo_distributor_"). */
bool promtext_has_prefix(const char *text, size_t len, const char *prefix);

#endif
