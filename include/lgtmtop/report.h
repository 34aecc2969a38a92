/* report: the one-shot check's outputs — table, JSON document, exit code. Pure formatting:
 * the caller passes times in and chooses where the text goes. Statuses are the verdict's: call
 * verdict_update (verdict.h) on the state first, so findings count. */
#ifndef LGTMTOP_REPORT_H
#define LGTMTOP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lgtmtop/state.h"

#define REPORT_JSON_SCHEMA "lgtmtop.check/v2"

enum exit_code { EXIT_OK_ = 0, EXIT_WARNING = 1, EXIT_CRITICAL = 2, EXIT_UNKNOWN = 3 };

struct report_meta {
    long long time_unix_ms; /* wall clock at the start of the check */
    long duration_ms;       /* whole check, all sweeps and the rate sample */
    long sweep_ms;          /* the last full sweep alone (every check once, concurrently) */
    unsigned long sweeps;
    const char *config_path; /* NULL = zero-config */
    long sample_ms;          /* the counter sampling window of `check --sample`; 0 = none */
    /* The two clocks at one moment, to turn the state's monotonic times into wall-clock times
     * (the JSON "changes"); 0 and 0: times are null. */
    long long now_mono_ms, now_wall_ms;
};

/* The JSON "changes": at most this many status changes, newest first. */
#define REPORT_MAX_CHANGES 50

/* 0 OK, 1 WARNING, 2 CRITICAL (worst of the checks and the findings); 3 UNKNOWN when nothing
 * produced a result. */
int report_exit_code(const struct state *s);
const char *report_exit_name(int code); /* "OK", "WARNING", "CRITICAL", "UNKNOWN" */

/* Table: STACK COMPONENT CHECK STATUS LATENCY MESSAGE (an unreachable component's checks that
 * failed the same way share one "(N checks)" line), then flow rates ("rates over 5.0s:"),
 * the FINDINGS of diagnose() (severity, stack/component, title, indented cause and "→ next
 * step"), and a summary line.
 * width > 0 truncates messages to fit that many columns (a terminal); 0 = no truncation. */
void report_table(FILE *f, const struct state *s, const struct report_meta *m, bool color, int width);

/* The JSON document (schema in the README). Returns a new string; the caller frees it. */
char *report_json(const struct state *s, const struct report_meta *m);

/* Rate keys and the unit names they are shown with, e.g. "spans_received_total" -> "spans/s". */
const char *report_rate_unit(enum value_key counter_key);

#endif
