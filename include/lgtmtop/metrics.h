/* metrics: the state as a Prometheus text exposition (format 0.0.4) for `lgtmtop serve`'s
 * /metrics. Pure: state and times in, text out. Every family has HELP and TYPE; label values
 * are cleaned to one line of UTF-8 and escaped; URLs are the state's, already redacted.
 * Statuses are the verdict's: call verdict_update (verdict.h) on the state first. The names
 * and their help are listed in the README's metrics section. */
#ifndef LGTMTOP_METRICS_H
#define LGTMTOP_METRICS_H

#include <stdbool.h>

#include "lgtmtop/state.h"

struct metrics_meta {
    long long now_mono_ms;        /* the clock of check_state.updated_ms (now_mono_ms()) */
    long long now_wall_ms;        /* wall clock at the same moment (now_wall_ms()) */
    bool ready;                   /* a complete sweep has finished */
    long last_sweep_ms;           /* duration of the last complete sweep */
    long long last_sweep_wall_ms; /* when it ended, wall clock; 0 = none yet */
    bool reload_ok;               /* the last config (re)load succeeded */
    long long reload_wall_ms;     /* when the config was last loaded successfully */
};

/* Content-Type of the text exposition. */
#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* The exposition; a new string the caller frees. */
char *metrics_text(const struct state *s, const struct metrics_meta *m);

/* v as the exposition writes a sample value: integers without a point, NaN, +Inf, -Inf. */
const char *metrics_number(double v, char *out, size_t outlen);

#endif
