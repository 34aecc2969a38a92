/* state: statuses, history rings, counter rates and worst-of aggregation. */
#include "lgtmtop/state.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hist_push(struct history *h, enum status st, long latency_ms)
{
    if (latency_ms > INT_MAX)
        latency_ms = INT_MAX;
    if (h->len == h->cap && h->cap < STATE_HIST_LEN) {
        /* Not yet wrapped (a ring wraps only at full size), so entries 0..len-1 are in order
         * and stay so in the bigger array. */
        h->cap = h->cap ? h->cap * 2 : 1;
        if (h->cap > STATE_HIST_LEN)
            h->cap = STATE_HIST_LEN;
        h->e = xrealloc(h->e, (size_t)h->cap * sizeof(*h->e));
        h->pos = h->len; /* the next free slot, where pos had wrapped to 0 at the old size */
    }
    h->e[h->pos] = (struct hist_entry){st, (int)latency_ms};
    h->pos = (h->pos + 1) % h->cap;
    if (h->len < h->cap)
        h->len++;
}

void hist_release(struct history *h)
{
    free(h->e);
    memset(h, 0, sizeof(*h));
}

const struct hist_entry *hist_get(const struct history *h, int i)
{
    if (i < 0 || i >= h->len)
        return NULL;
    int start = (h->pos - h->len + h->cap) % h->cap;
    return &h->e[(start + i) % h->cap];
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

long hist_percentile(const struct history *h, int pct)
{
    long v[STATE_HIST_LEN];
    int n = 0;
    for (int i = 0; i < h->len; i++) {
        const struct hist_entry *e = hist_get(h, i);
        if (e->latency_ms >= 0)
            v[n++] = e->latency_ms;
    }
    if (n == 0)
        return -1;
    qsort(v, (size_t)n, sizeof(v[0]), cmp_long);
    /* Nearest-rank: the smallest value with at least pct% of samples at or below it. */
    int rank = (int)ceil(pct / 100.0 * n);
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

void counter_update(struct counter_state *c, double value, long long now_ms)
{
    if (!isfinite(value))
        return;
    if (c->has_last && now_ms > c->last_ms) {
        /* A decrease means the process restarted and the counter began again at 0. */
        double delta = value >= c->last ? value - c->last : value;
        c->rate = delta * 1000.0 / (double)(now_ms - c->last_ms);
        c->has_rate = true;
        c->zero_streak = c->rate == 0 ? c->zero_streak + 1 : 0;
    }
    c->last = value;
    c->last_ms = now_ms;
    c->has_last = true;
}

int state_init(struct state *s, const struct config *cfg, const char *only_stack, const struct state_checks *checks)
{
    memset(s, 0, sizeof(*s));
    s->checks = checks;
    s->interval_ms = cfg->interval_ms;
    s->stacks = xcalloc(cfg->nstacks ? cfg->nstacks : 1, sizeof(*s->stacks));
    for (size_t i = 0; i < cfg->nstacks; i++) {
        const struct stack_cfg *sc = &cfg->stacks[i];
        if (only_stack && strcmp(only_stack, sc->name) != 0)
            continue;
        struct stack_state *st = &s->stacks[s->nstacks++];
        st->name = sc->name;
        size_t nenabled = 0; /* only the enabled kinds: a stack is often one or two */
        for (int k = 0; k < COMP_KIND_COUNT; k++)
            nenabled += sc->comp[k].enabled;
        st->comps = xcalloc(nenabled ? nenabled : 1, sizeof(*st->comps));
        for (int k = 0; k < COMP_KIND_COUNT; k++) {
            const struct component_cfg *cc = &sc->comp[k];
            if (!cc->enabled)
                continue;
            struct comp_state *c = &st->comps[st->ncomps++];
            c->kind = (enum comp_kind)k;
            c->cfg = cc;
            c->url = url_redact(cc->url ? cc->url : "");
            if (cc->url)
                url_hostport(cc->url, c->hostport, sizeof(c->hostport));
            size_t ndefs = 0;
            const struct check_def *defs = checks->defs(cfg, sc, c->kind, &ndefs, &c->owned_defs);
            c->checks = xcalloc(ndefs ? ndefs : 1, sizeof(*c->checks));
            for (size_t j = 0; j < ndefs; j++) {
                if (checks->wanted && !checks->wanted(cfg, sc, &defs[j]))
                    continue;
                struct check_state *cs = &c->checks[c->nchecks];
                cs->def = &defs[j];
                cs->comp = c;
                cs->idx = c->nchecks++;
            }
        }
    }
    return (only_stack && s->nstacks == 0) ? -1 : 0;
}

void check_state_release(struct check_state *cs)
{
    free(cs->detail);
    free(cs->trans);
    hist_release(&cs->hist);
    cJSON_Delete(cs->data);
    cs->detail = NULL;
    cs->trans = NULL;
    cs->data = NULL;
    cs->ntrans = cs->trans_pos = 0;
    if (cs->cache && cs->cache_free)
        cs->cache_free(cs->cache);
    cs->cache = NULL;
}

void state_free(struct state *s)
{
    STATE_FOR_EACH_STACK (s, st) {
        STACK_FOR_EACH_COMP (st, c) {
            COMP_FOR_EACH_CHECK (c, cs)
                check_state_release(cs);
            free(c->checks);
            free(c->url);
            if (c->owned_defs && s->checks && s->checks->free_owned)
                s->checks->free_owned(c->owned_defs);
        }
        free(st->comps);
    }
    free(s->stacks);
    memset(s, 0, sizeof(*s));
}

static struct counter_state *comp_counter(struct comp_state *c, enum value_key key)
{
    for (int i = 0; i < c->ncounters; i++)
        if (c->counters[i].key == key)
            return &c->counters[i];
    if (c->ncounters == STATE_MAX_COUNTERS)
        return NULL;
    struct counter_state *n = &c->counters[c->ncounters++];
    memset(n, 0, sizeof(*n));
    n->key = key;
    return n;
}

void state_record(struct comp_state *c, size_t check_idx, struct obs *o, const struct http_response *r,
                  long long now_ms)
{
    if (check_idx >= c->nchecks)
        return;
    struct check_state *cs = &c->checks[check_idx];
    /* A check whose own request got no HTTP answer is never OK, whatever its parser concluded. */
    if (r && r->err != NET_OK && r->err != NET_CANCELLED && !o->skipped && o->status <= ST_OK) {
        char was[OBS_SUMMARY_LEN];
        snprintf(was, sizeof(was), "%s", o->summary);
        obs_set(o, ST_FAIL, "request failed (%s): %s", net_err_name(r->err), was);
    }
    if (!cs->ran || cs->status != o->status || cs->skipped != o->skipped)
        cs->changed_ms = now_ms;
    if (cs->ran && (cs->status != o->status || cs->skipped != o->skipped)) {
        if (!cs->trans)
            cs->trans = xcalloc(STATE_TRANSITIONS, sizeof(*cs->trans));
        struct transition *t = &cs->trans[cs->trans_pos];
        *t = (struct transition){
                .at_ms = now_ms, .from = cs->status, .to = o->status, .from_skip = cs->skipped, .to_skip = o->skipped};
        memcpy(t->message, o->summary, sizeof(t->message));
        cs->trans_pos = (cs->trans_pos + 1) % STATE_TRANSITIONS;
        if (cs->ntrans < STATE_TRANSITIONS)
            cs->ntrans++;
        cs->changes++;
    }
    cs->status = o->status;
    cs->skipped = o->skipped;
    cs->pending = false;
    cs->ran = true;
    cs->updated_ms = now_ms;
    memcpy(cs->summary, o->summary, sizeof(cs->summary));
    free(cs->detail);
    cs->detail = xstrdup(o->detail);
    cJSON_Delete(cs->data);
    cs->data = o->data;
    o->data = NULL;
    cs->nvalues = o->nvalues;
    memcpy(cs->values, o->values, sizeof(o->values[0]) * (size_t)o->nvalues);
    long latency = -1;
    if (r) {
        cs->http_status = r->status;
        cs->net = r->err;
        snprintf(cs->net_text, sizeof(cs->net_text), "%s", r->err_text ? r->err_text : "");
        cs->t = r->t;
        if (r->err == NET_OK)
            latency = (r->t.total_us + 500) / 1000;
    }
    if (!o->skipped)
        hist_push(&cs->hist, o->status, latency);
    if (o->version[0])
        snprintf(c->version, sizeof(c->version), "%s", o->version);
    for (int i = 0; i < o->nvalues; i++) {
        if (value_keys[o->values[i].key].kind != OBS_COUNTER)
            continue;
        struct counter_state *k = comp_counter(c, o->values[i].key);
        if (k)
            counter_update(k, o->values[i].value, now_ms);
    }
}

enum status check_status(const struct check_state *cs)
{
    enum status own = cs->ran && !cs->skipped ? cs->status : ST_UNKNOWN;
    return status_worst(own, cs->raised);
}

const char *check_label(const struct check_state *cs)
{
    enum status st = check_status(cs);
    if (st != ST_UNKNOWN)
        return status_name(st);
    if (cs->ran && cs->skipped)
        return "SKIP";
    return cs->pending ? "PENDING" : "UNKNOWN";
}

enum status comp_status(const struct comp_state *c)
{
    enum status w = c->finding_status;
    COMP_FOR_EACH_CHECK (c, cs)
        w = status_worst(w, check_status(cs));
    return w;
}

bool comp_unreachable(const struct comp_state *c)
{
    const struct check_state *r = c->nchecks ? &c->checks[0] : NULL;
    return r && r->ran && !r->skipped && r->net != NET_OK && r->net != NET_CANCELLED;
}

bool check_shares_failure(const struct comp_state *c, const struct check_state *cs)
{
    return comp_unreachable(c) && cs != &c->checks[0] && cs->ran && !cs->skipped && cs->net == c->checks[0].net;
}

enum status stack_status(const struct stack_state *st)
{
    enum status w = ST_UNKNOWN;
    STACK_FOR_EACH_COMP (st, c)
        w = status_worst(w, comp_status(c));
    return w;
}

enum status state_status(const struct state *s)
{
    enum status w = ST_UNKNOWN;
    STATE_FOR_EACH_STACK (s, st)
        w = status_worst(w, stack_status(st));
    return w;
}

bool check_is_stale(const struct check_state *cs, long long now_ms, long interval_ms)
{
    /* A check that deliberately runs less often (min_period_ms) is judged by its own period. */
    long period = interval_ms;
    if (cs->def && cs->def->min_period_ms > period)
        period = cs->def->min_period_ms;
    return cs->ran && now_ms - cs->updated_ms > (long long)STATE_STALE_INTERVALS * period;
}

bool comp_rate(const struct comp_state *c, enum value_key key, double *rate)
{
    for (int i = 0; i < c->ncounters; i++)
        if (c->counters[i].key == key && c->counters[i].has_rate) {
            *rate = c->counters[i].rate;
            return true;
        }
    return false;
}

const char *comp_message(const struct comp_state *c)
{
    static const enum status order[] = {ST_FAIL, ST_WARN};
    for (size_t o = 0; o < ARRAY_LEN(order); o++)
        COMP_FOR_EACH_CHECK (c, cs)
            if (cs->ran && check_status(cs) == order[o])
                return cs->summary;
    COMP_FOR_EACH_CHECK (c, cs)
        if (cs->ran)
            return cs->summary;
    return "";
}

struct status_counts state_counts(const struct state *s)
{
    struct status_counts n = {0, 0, 0, 0};
    STATE_FOR_EACH_COMP (s, st, c) {
        switch (comp_status(c)) {
        case ST_OK: n.ok++; break;
        case ST_WARN: n.warn++; break;
        case ST_FAIL: n.fail++; break;
        default: n.unknown++; break;
        }
    }
    return n;
}

const char *transition_word(enum status st, bool skip) { return skip ? "SKIP" : status_name(st); }

const struct transition *check_transition(const struct check_state *cs, int i)
{
    if (i < 0 || i >= cs->ntrans)
        return NULL;
    return &cs->trans[(cs->trans_pos - 1 - i + 2 * STATE_TRANSITIONS) % STATE_TRANSITIONS];
}

static int cmp_change_newest(const void *a, const void *b)
{
    long long x = ((const struct change *)a)->t->at_ms, y = ((const struct change *)b)->t->at_ms;
    return x < y ? 1 : x > y ? -1 : 0;
}

size_t state_changes(const struct state *s, long long since_ms, struct change *out, size_t max)
{
    size_t n = 0, cap = 0;
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            cap += (size_t)cs->ntrans;
    if (cap == 0 || max == 0)
        return 0;
    struct change *all = xcalloc(cap, sizeof *all);
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            for (int i = 0; i < cs->ntrans; i++) {
                const struct transition *t = check_transition(cs, i);
                if (t->at_ms > since_ms || since_ms == 0)
                    all[n++] = (struct change){.stack = st, .comp = c, .check = cs, .t = t};
            }
    /* newest first (changes recorded in one instant in any order) */
    qsort(all, n, sizeof *all, cmp_change_newest);
    if (n > max)
        n = max;
    memcpy(out, all, n * sizeof *out);
    free(all);
    return n;
}

void state_carry_changes(struct state *to, const struct state *from)
{
    /* Stacks are matched by name, at the same position first: a reload mostly keeps the order,
     * so this is linear in the stacks, not stacks x stacks (25M compares at 1000 stacks). */
    for (size_t i = 0; i < to->nstacks; i++) {
        const struct stack_state *st = &to->stacks[i], *ost = NULL;
        if (i < from->nstacks && strcmp(from->stacks[i].name, st->name) == 0)
            ost = &from->stacks[i];
        for (size_t j = 0; !ost && j < from->nstacks; j++)
            if (strcmp(from->stacks[j].name, st->name) == 0)
                ost = &from->stacks[j];
        if (!ost)
            continue;
        STACK_FOR_EACH_COMP (st, c)
            STACK_FOR_EACH_COMP (ost, oc) {
                if (oc->kind != c->kind)
                    continue;
                COMP_FOR_EACH_CHECK (c, cs)
                    COMP_FOR_EACH_CHECK (oc, ocs)
                        if (strcmp(ocs->def->name, cs->def->name) == 0) {
                            if (ocs->trans) {
                                if (!cs->trans)
                                    cs->trans = xcalloc(STATE_TRANSITIONS, sizeof(*cs->trans));
                                memcpy(cs->trans, ocs->trans, STATE_TRANSITIONS * sizeof(*cs->trans));
                            }
                            cs->ntrans = ocs->ntrans;
                            cs->trans_pos = ocs->trans_pos;
                            cs->changes = ocs->changes;
                        }
            }
    }
}
