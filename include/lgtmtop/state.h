/* state: the model every view reads. Pure: no I/O, no clock (times are passed in). */
#ifndef LGTMTOP_STATE_H
#define LGTMTOP_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/config.h"
#include "lgtmtop/http.h"
#include "lgtmtop/probe.h"
#include "lgtmtop/status.h"

#define STATE_HIST_LEN 64
#define STATE_MAX_COUNTERS 8
#define STATE_STALE_INTERVALS 3

struct hist_entry {
    enum status status;
    int latency_ms; /* -1 when the check did not get a response; 8 bytes an entry, not 16 */
};

/* Ring of the most recent results (at most STATE_HIST_LEN), oldest first when read with
 * hist_get. Its array (owned, freed by hist_release) starts at the first push and doubles up to
 * STATE_HIST_LEN: a one-sweep check holds one entry, not 64 (512 bytes of heap less a check;
 * peak RSS at 1000 stacks 1 MiB less, the untouched rest of a big calloc was never resident);
 * the live view's rings reach full size after 64 sweeps. A zeroed history is empty. */
struct history {
    struct hist_entry *e;
    int cap, len, pos;
};

void hist_push(struct history *h, enum status st, long latency_ms);
void hist_release(struct history *h);
const struct hist_entry *hist_get(const struct history *h, int i); /* 0 = oldest */
/* Latency percentile (0..100) over entries with a latency; -1 when there are none. */
long hist_percentile(const struct history *h, int pct);

/* A status change of one check: the "what changed in the last hour" of the faces. */
#define STATE_TRANSITIONS 8 /* kept per check, the oldest dropped */
struct transition {
    long long at_ms; /* the clock of updated_ms */
    enum status from, to;
    bool from_skip, to_skip;       /* SKIP before / after */
    char message[OBS_SUMMARY_LEN]; /* the check's summary when it changed */
};
/* "OK", "WARN", "FAIL", "UNKNOWN", or "SKIP". */
const char *transition_word(enum status st, bool skip);

struct comp_state;

struct check_state {
    const struct check_def *def;
    struct comp_state *comp; /* back-pointer, for completion callbacks */
    size_t idx;              /* index in comp->checks */
    enum status status;      /* UNKNOWN until the first result */
    bool skipped;
    bool pending; /* a request is in flight */
    bool ran;     /* has at least one result */
    bool gated;   /* pending on the readiness answer of a component that was unreachable (sweep.c) */
    char summary[OBS_SUMMARY_LEN];
    char *detail; /* owned */
    long http_status;
    enum net_err net;
    char net_text[128];
    struct timings t;
    long long updated_ms; /* when the last result arrived */
    long long changed_ms; /* when status last changed */
    struct obs_value values[OBS_MAX_VALUES];
    int nvalues;
    struct cJSON *data; /* structured result from the last run (owned), or NULL */
    /* What a multi check keeps across sweeps (the dashboards check's cache), owned: freed by
     * cache_free, which the runner sets. NULL for one-sweep runs that learned nothing. */
    void *cache;
    void (*cache_free)(void *cache);
    struct history hist;
    /* Ring of its own status changes after the first result: STATE_TRANSITIONS entries,
     * allocated at the first change (owned), NULL before. Most checks never change, and a
     * ring in every check was half of the state's memory at a thousand stacks. */
    struct transition *trans;
    int ntrans, trans_pos;
    unsigned long changes; /* every status change since the start (a counter) */
    /* Set by verdict_update (verdict.h): the worst finding naming this row, and that finding's
     * id (static), so a row never reads better than a finding about it. ST_UNKNOWN/NULL = none. */
    enum status raised;
    const char *raised_by;
};

/* A counter's rate: unknown until two samples; a decrease is a reset, never a negative rate. */
struct counter_state {
    enum value_key key;
    double last;
    long long last_ms;
    double rate; /* per second */
    bool has_last, has_rate;
    int zero_streak; /* consecutive rate updates that were 0 */
};

void counter_update(struct counter_state *c, double value, long long now_ms);

struct comp_state {
    enum comp_kind kind;
    const struct component_cfg *cfg; /* borrowed from the config */
    char *url;                       /* redacted, owned */
    char hostport[96];
    char version[64];
    struct check_state *checks; /* owned array, one per check_def of the kind (canaries
                                          only when enabled for the stack) */
    size_t nchecks;
    struct check_def *owned_defs; /* COMP_CHECKS: the defs built from the config
                                          (custom_defs_new), owned; NULL for the others */
    struct counter_state counters[STATE_MAX_COUNTERS];
    int ncounters;
    enum status finding_status;       /* worst finding about it (verdict_update), or ST_UNKNOWN */
    struct multi_share *multi_shares; /* multi.c: GETs in flight that several checks wait for */
};

struct stack_state {
    const char *name;         /* borrowed from the config */
    struct comp_state *comps; /* owned, enabled components only, in kind order */
    size_t ncomps;
};

/* Walks of the model without index bookkeeping; each declares its loop pointer(s). In
 * STATE_FOR_EACH_COMP, `break` leaves the current stack only. Where an index is needed (a
 * per-stack table, a selection), write the loop by hand. */
#define STATE_FOR_EACH_STACK(s, st) for (struct stack_state *st = (s)->stacks; st < (s)->stacks + (s)->nstacks; st++)
#define STACK_FOR_EACH_COMP(st, c) for (struct comp_state *c = (st)->comps; c < (st)->comps + (st)->ncomps; c++)
#define STATE_FOR_EACH_COMP(s, st, c) \
    STATE_FOR_EACH_STACK (s, st)      \
        STACK_FOR_EACH_COMP (st, c)
#define COMP_FOR_EACH_CHECK(c, cs) for (struct check_state *cs = (c)->checks; cs < (c)->checks + (c)->nchecks; cs++)

struct state {
    const struct state_checks *checks; /* borrowed, from state_init */
    struct stack_state *stacks;        /* owned */
    size_t nstacks;
    long interval_ms;
    unsigned long sweeps;    /* completed sweeps */
    long long last_sweep_ms; /* when the last sweep started, 0 = never */
};

/* Where the model gets each component's checks (sweep.h: sweep_checks). The model itself knows
 * no check module. */
struct state_checks {
    /* The defs of a component of kind k in stack st: a static table, or a block built for the
     * stack (then *owned points to it and free_owned frees it with the state). */
    const struct check_def *(*defs)(const struct config *cfg, const struct stack_cfg *st, enum comp_kind k, size_t *n,
                                    struct check_def **owned);
    /* Whether d runs in stack st (canaries write data: only when enabled). */
    bool (*wanted)(const struct config *cfg, const struct stack_cfg *st, const struct check_def *d);
    void (*free_owned)(struct check_def *owned);
};

/* Builds the model for the given config (the config and `checks` must outlive the state).
 * `only_stack` (may be NULL) restricts to one stack; returns -1 if no such stack. */
int state_init(struct state *s, const struct config *cfg, const char *only_stack, const struct state_checks *checks);
void state_free(struct state *s);

/* Records one check's result. r may be NULL (no response info). Takes o->data (leaves NULL).
 * The sweep's sweep_record is the one writer; tests call this directly. */
void state_record(struct comp_state *c, size_t check_idx, struct obs *o, const struct http_response *r,
                  long long now_ms);

/* A row's verdict: its own status (ST_UNKNOWN when skipped or not run) raised by the findings
 * about it. */
enum status check_status(const struct check_state *cs);
/* The word a row reads everywhere (table, JSON, every pane): its check_status, or "SKIP" for a
 * skipped row no finding raised, "PENDING" / "UNKNOWN" before its first result. */
const char *check_label(const struct check_state *cs);
/* Frees what a check's state owns (detail, data, the changes ring, its check's cache) and
 * clears the pointers. */
void check_state_release(struct check_state *cs);
/* A component's verdict: the worst of its rows and of its findings. */
enum status comp_status(const struct comp_state *c);
/* The component could not be reached: its readiness check (the first row) got no HTTP answer. */
bool comp_unreachable(const struct comp_state *c);
/* cs failed the same way as the component's readiness check (same transport failure): one cause,
 * shown once. False for the readiness check itself. */
bool check_shares_failure(const struct comp_state *c, const struct check_state *cs);
enum status stack_status(const struct stack_state *st);
enum status state_status(const struct state *s);
/* A result older than 3 of the check's periods: the interval, or its min_period_ms when that
 * is longer (checks that deliberately run less often are not stale between runs). */
bool check_is_stale(const struct check_state *cs, long long now_ms, long interval_ms);
/* Counter rate by key; false when unknown (fewer than two samples or no such counter). */
bool comp_rate(const struct comp_state *c, enum value_key key, double *rate);
/* The first FAIL/WARN check's summary (by check_status), else the first check's; "" when nothing
 * ran. */
const char *comp_message(const struct comp_state *c);

/* The i-th most recent status change of cs (0 = newest), NULL past the last. */
const struct transition *check_transition(const struct check_state *cs, int i);

/* After a config reload: each check of `to` that `from` also has (same stack name, component
 * kind and check name) takes over its recent changes and change count, so the history of what
 * changed survives the reload. Nothing else is carried: results come from the next sweep. */
void state_carry_changes(struct state *to, const struct state *from);

/* A change with the rows it belongs to (pointers into the state). */
struct change {
    const struct stack_state *stack;
    const struct comp_state *comp;
    const struct check_state *check;
    const struct transition *t;
};
/* The most recent status changes of every check, newest first, at most max (those after
 * since_ms only; 0 = all). Returns how many were written. */
size_t state_changes(const struct state *s, long long since_ms, struct change *out, size_t max);

struct status_counts {
    int ok, warn, fail, unknown;
};
struct status_counts state_counts(const struct state *s);

#endif
