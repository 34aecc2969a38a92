/* layout: the grid — which columns fit a width, and the text of each cell of a component or
 * check row. Pure: no curses, no clock (layout.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/config.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/layout.h"
#include "lgtmtop/report.h"
#include "lgtmtop/text.h"
#include "lgtmtop/util.h"

/* ---- columns --------------------------------------------------------------------------- */

#define MSG_WANT 30 /* columns go until the message has this much */
#define MSG_MIN 16  /* the last few go only below this */

struct col_spec {
    int pref, min;
    const char *title;
    enum text_align align;
};

static const struct col_spec col_specs[LAYC_COUNT] = {
        [LAYC_CURSOR] = {1, 1, "", TEXT_LEFT},
        [LAYC_MARK] = {1, 1, "", TEXT_LEFT},
        [LAYC_BADGE] = {6, 6, "STATUS", TEXT_CENTER},
        [LAYC_NAME] = {11, 8, "COMPONENT", TEXT_LEFT},
        [LAYC_ENDPOINT] = {21, 15, "ENDPOINT", TEXT_LEFT},
        [LAYC_LAST] = {6, 6, "LAST", TEXT_RIGHT},
        [LAYC_P95] = {6, 6, "P95", TEXT_RIGHT},
        [LAYC_SPARK] = {16, 8, "LATENCY", TEXT_LEFT},
        [LAYC_FIGURE] = {26, 20, "KEY FIGURE", TEXT_LEFT},
        [LAYC_AGE] = {6, 6, "SINCE", TEXT_RIGHT},
        [LAYC_MSG] = {MSG_WANT, 0, "MESSAGE", TEXT_LEFT},
};

enum step_op { SHRINK, DROP };
/* Applied in order while the message is narrower than the step's threshold. */
static const struct {
    enum step_op op;
    enum lay_col col;
    int msg_min;
} steps[] = {
        {SHRINK, LAYC_SPARK, MSG_WANT},    {DROP, LAYC_SPARK, MSG_WANT},    {DROP, LAYC_P95, MSG_WANT},
        {SHRINK, LAYC_ENDPOINT, MSG_WANT}, {DROP, LAYC_ENDPOINT, MSG_WANT}, {SHRINK, LAYC_FIGURE, MSG_WANT},
        {DROP, LAYC_AGE, MSG_MIN},         {SHRINK, LAYC_NAME, MSG_MIN},    {DROP, LAYC_LAST, MSG_MIN},
};

/* Columns from the badge on are separated by one space; the cursor and mark are not. */
static int used_width(const int *w)
{
    int total = 0, gaps = 0;
    for (int c = 0; c < LAYC_MSG; c++) {
        if (!w[c])
            continue;
        total += w[c];
        if (c >= LAYC_BADGE)
            gaps++;
    }
    return total + gaps; /* the last gap is the one before the message */
}

void lay_columns(int width, struct lay_columns *out) { lay_columns_named(width, 0, out); }

void lay_columns_named(int width, int longest_name, struct lay_columns *out)
{
    int w[LAYC_COUNT];
    for (int c = 0; c < LAYC_COUNT; c++)
        w[c] = col_specs[c].pref;
    if (longest_name > w[LAYC_NAME])
        w[LAYC_NAME] = longest_name < 24 ? longest_name : 24;
    for (size_t s = 0; s < ARRAY_LEN(steps); s++) {
        if (width - used_width(w) >= steps[s].msg_min)
            continue;
        enum lay_col c = steps[s].col;
        if (steps[s].op == DROP) {
            w[c] = 0;
        } else {
            int need = steps[s].msg_min - (width - used_width(w));
            int can = w[c] - col_specs[c].min;
            w[c] -= need < can ? need : can;
        }
    }
    int rest = width - used_width(w);
    w[LAYC_MSG] = rest > 0 ? rest : 0;
    int x = 0;
    for (int c = 0; c < LAYC_COUNT; c++) {
        out->w[c] = w[c];
        out->x[c] = x;
        if (w[c])
            x += w[c] + (c >= LAYC_BADGE ? 1 : 0);
    }
}

const char *lay_col_title(enum lay_col c) { return (unsigned)c < LAYC_COUNT ? col_specs[c].title : ""; }
enum text_align lay_col_align(enum lay_col c) { return (unsigned)c < LAYC_COUNT ? col_specs[c].align : TEXT_LEFT; }

/* ---- rows ------------------------------------------------------------------------------ */

static bool comp_value(const struct comp_state *c, enum value_key key, double *out)
{
    COMP_FOR_EACH_CHECK (c, cs) {
        if (!cs->ran || cs->skipped)
            continue;
        for (int k = 0; k < cs->nvalues; k++)
            if (cs->values[k].key == key) {
                *out = cs->values[k].value;
                return true;
            }
    }
    return false;
}

static const char *value_text(const struct comp_state *c, enum value_key key, char *buf, size_t len)
{
    double v;
    if (!comp_value(c, key, &v))
        return "-";
    return lay_num(v, buf, len);
}

/* A counter's rate, only while the latest result still carries the counter: a check that now
 * fails must not keep showing the last good rate. */
static bool live_rate(const struct comp_state *c, enum value_key key, double *rate)
{
    double v;
    return comp_value(c, key, &v) && comp_rate(c, key, rate);
}

static const char *rate_text(const struct comp_state *c, enum value_key key, char *buf, size_t len)
{
    double v;
    if (!live_rate(c, key, &v))
        return "-";
    return lay_num(v, buf, len);
}

void lay_figure(const struct comp_state *c, char out[LAY_FIGURE_VARIANTS][96])
{
    char a[32], b[32], d[32], e[32];
    double v;
    for (int i = 0; i < LAY_FIGURE_VARIANTS; i++)
        out[i][0] = 0;
    switch (c->kind) {
    case COMP_MIMIR: {
        const char *firing = value_text(c, VK_ALERTS_FIRING, b, sizeof(b));
        bool has_rate = live_rate(c, VK_SAMPLES_RECEIVED_TOTAL, &v);
        if (!has_rate && comp_value(c, VK_QUERY_SERIES, &v)) {
            /* not a distributor (or nothing written yet): the query's series count */
            lay_num(v, a, sizeof(a));
            snprintf(out[0], 96, "%s series queried, %s firing", a, firing);
            snprintf(out[1], 96, "%s series, %s firing", a, firing);
            snprintf(out[2], 96, "%s ser %s fir", a, firing);
        } else {
            const char *rate = has_rate ? lay_num(v, a, sizeof(a)) : "-";
            snprintf(out[0], 96, "%s samples/s, %s firing", rate, firing);
            snprintf(out[1], 96, "%s smp/s, %s firing", rate, firing);
            snprintf(out[2], 96, "%s/s %s fir", rate, firing);
        }
        break;
    }
    case COMP_LOKI: {
        const char *lines = rate_text(c, VK_LINES_RECEIVED_TOTAL, a, sizeof(a));
        const char *bytes = rate_text(c, VK_BYTES_RECEIVED_TOTAL, b, sizeof(b));
        snprintf(out[0], 96, "%s lines/s, %sB/s", lines, bytes);
        snprintf(out[1], 96, "%s lines/s", lines);
        snprintf(out[2], 96, "%s ln/s", lines);
        break;
    }
    case COMP_TEMPO: {
        const char *spans = rate_text(c, VK_SPANS_RECEIVED_TOTAL, a, sizeof(a));
        const char *found = value_text(c, VK_TRACES_FOUND, b, sizeof(b));
        snprintf(out[0], 96, "%s spans/s, %s traces found", spans, found);
        snprintf(out[1], 96, "%s spans/s, %s traces", spans, found);
        snprintf(out[2], 96, "%s spans/s", spans);
        break;
    }
    case COMP_GRAFANA: {
        const char *healthy = value_text(c, VK_DATASOURCES_HEALTHY, a, sizeof(a));
        const char *total = value_text(c, VK_DATASOURCES, b, sizeof(b));
        const char *dash = value_text(c, VK_DASHBOARDS, d, sizeof(d));
        const char *firing = value_text(c, VK_ALERTS_FIRING, e, sizeof(e));
        snprintf(out[0], 96, "ds %s/%s ok, %s dashboards, %s firing", healthy, total, dash, firing);
        snprintf(out[1], 96, "ds %s/%s, %s dash, %s firing", healthy, total, dash, firing);
        snprintf(out[2], 96, "ds %s/%s", healthy, total);
        break;
    }
    case COMP_PROMETHEUS: {
        const char *up = value_text(c, VK_TARGETS_UP, a, sizeof(a));
        const char *total = value_text(c, VK_TARGETS_TOTAL, b, sizeof(b));
        const char *firing = value_text(c, VK_ALERTS_FIRING, d, sizeof(d));
        snprintf(out[0], 96, "%s/%s targets up, %s firing", up, total, firing);
        snprintf(out[1], 96, "%s/%s up, %s firing", up, total, firing);
        snprintf(out[2], 96, "%s/%s up", up, total);
        break;
    }
    default:
        for (int i = 0; i < LAY_FIGURE_VARIANTS; i++)
            snprintf(out[i], 96, "-");
        break;
    }
}

int lay_figure_pick(const char variants[LAY_FIGURE_VARIANTS][96], int width, bool ascii, char *out, size_t outlen)
{
    for (int i = 0; i < LAY_FIGURE_VARIANTS; i++)
        if (variants[i][0] && text_width(variants[i], ascii) <= width)
            return text_fit(out, outlen, variants[i], width, TEXT_LEFT, ascii);
    int last = LAY_FIGURE_VARIANTS - 1;
    while (last > 0 && !variants[last][0])
        last--;
    return text_fit(out, outlen, variants[last], width, TEXT_LEFT, ascii);
}

static void row_history(const struct check_state *cs, struct lay_row *r);

/* In flight long enough to show: a check with results spins once it is LAY_SPIN_AFTER_MS late
 * (an interval after its last answer), so sweeps answered in milliseconds flash no spinner on
 * every row, every interval; one that never answered spins at once. */
static bool spinning(const struct check_state *cs, long long now_ms, long interval_ms)
{
    return cs->pending && (!cs->ran || now_ms - cs->updated_ms >= interval_ms + LAY_SPIN_AFTER_MS);
}

void lay_row_from_comp(const struct comp_state *c, const char *stack, long long now_ms, long interval_ms,
                       long long changed_ms, struct lay_row *r)
{
    memset(r, 0, sizeof(*r));
    r->stack = stack ? stack : "";
    r->name = comp_kind_name(c->kind);
    r->endpoint = c->hostport;
    r->message = comp_message(c);
    r->status = comp_status(c);
    r->last_ms = r->p95_ms = -1;
    r->age_ms = -1;
    long long newest_change = -1, oldest_stale = -1;
    COMP_FOR_EACH_CHECK (c, cs) {
        if (spinning(cs, now_ms, interval_ms))
            r->pending = true;
        if (!cs->ran)
            continue;
        r->ran = true;
        if (cs->changed_ms > newest_change)
            newest_change = cs->changed_ms;
        if (!cs->skipped && check_is_stale(cs, now_ms, interval_ms)) {
            r->stale = true;
            if (oldest_stale < 0 || cs->updated_ms < oldest_stale)
                oldest_stale = cs->updated_ms;
        }
    }
    if (r->stale)
        r->stale_ms = now_ms - oldest_stale;
    if (changed_ms < 0)
        changed_ms = newest_change;
    if (changed_ms >= 0 && r->ran)
        r->age_ms = now_ms - changed_ms >= 0 ? now_ms - changed_ms : 0;
    if (c->nchecks > 0)
        row_history(&c->checks[0], r);
    lay_figure(c, r->figure);
}

bool lay_comp_per_check(const struct comp_state *c) { return c->kind == COMP_CHECKS; }

static void row_history(const struct check_state *cs, struct lay_row *r)
{
    const struct history *h = &cs->hist;
    r->nhist = h->len;
    for (int i = 0; i < h->len; i++) {
        const struct hist_entry *e = hist_get(h, i);
        r->hist_ms[i] = e->latency_ms;
        r->hist_st[i] = e->status;
    }
    if (h->len > 0 && cs->ran)
        r->last_ms = r->hist_ms[h->len - 1];
    r->p95_ms = hist_percentile(h, 95);
}

void lay_row_from_check(const struct check_state *cs, const char *stack, long long now_ms, long interval_ms,
                        struct lay_row *r)
{
    memset(r, 0, sizeof(*r));
    r->stack = stack ? stack : "";
    r->name = cs->def && cs->def->name ? cs->def->name : "?";
    r->endpoint = cs->comp ? cs->comp->hostport : "";
    /* a custom check's own target: its URL (http) or the component it queries */
    const struct custom_def *cd = cs->comp && cs->comp->kind == COMP_CHECKS && cs->def ? cs->def->arg : NULL;
    const char *url = !cd ? NULL : cd->target ? cd->target->url : cd->cc ? cd->cc->url : NULL;
    if (url) {
        url_hostport(url, r->endpoint_buf, sizeof(r->endpoint_buf));
        r->endpoint = r->endpoint_buf;
    }
    r->message = cs->summary;
    r->ran = cs->ran;
    r->pending = spinning(cs, now_ms, interval_ms);
    r->status = check_status(cs);
    r->skipped = cs->ran && cs->skipped;
    r->last_ms = r->p95_ms = -1;
    r->age_ms = cs->ran ? (now_ms - cs->changed_ms >= 0 ? now_ms - cs->changed_ms : 0) : -1;
    if (cs->ran && !cs->skipped && check_is_stale(cs, now_ms, interval_ms)) {
        r->stale = true;
        r->stale_ms = now_ms - cs->updated_ms;
    }
    row_history(cs, r);
    char n[32];
    int vi = 0;
    for (int i = 0; i < cs->nvalues; i++)
        if (cs->values[i].key == VK_VALUE)
            vi = i;
    if (cs->ran && cs->nvalues > 0) {
        lay_num(cs->values[vi].value, n, sizeof(n));
        snprintf(r->figure[0], sizeof(r->figure[0]), "%s %s", value_key_name(cs->values[vi].key), n);
        snprintf(r->figure[1], sizeof(r->figure[1]), "%s", n);
    } else {
        snprintf(r->figure[0], sizeof(r->figure[0]), "-");
    }
}

const char *lay_badge(enum status st, bool ran)
{
    if (!ran || st == ST_UNKNOWN)
        return "?";
    return status_name(st);
}

/* The message cell's text before fitting: "stale 25s: ...", "checking..." etc. */
static void lay_message(const struct lay_row *r, char *out, size_t outlen)
{
    char age[24];
    if (!r->ran)
        snprintf(out, outlen, "%s", r->pending ? "checking..." : "waiting for the first sweep");
    else if (r->stale)
        snprintf(out, outlen, "stale %s: %s", lay_age(r->stale_ms, age, sizeof(age)), r->message ? r->message : "");
    else
        snprintf(out, outlen, "%s", r->message ? r->message : "");
}

void lay_cell(const struct lay_row *r, enum lay_col col, int width, bool ascii, unsigned tick, char *out, size_t outlen)
{
    char t[LAY_CELL_MAX];
    enum text_align al = lay_col_align(col);
    t[0] = 0;
    switch (col) {
    case LAYC_CURSOR: break;
    case LAYC_MARK:
        if (r->pending)
            snprintf(t, sizeof(t), "%s", lay_spinner(tick, ascii));
        break;
    case LAYC_BADGE:
        snprintf(t, sizeof(t), "%s", r->skipped && r->status == ST_UNKNOWN ? "SKIP" : lay_badge(r->status, r->ran));
        break;
    case LAYC_NAME: snprintf(t, sizeof(t), "%s", r->name ? r->name : ""); break;
    case LAYC_ENDPOINT: snprintf(t, sizeof(t), "%s", r->endpoint ? r->endpoint : ""); break;
    case LAYC_LAST: duration_format(r->last_ms, t, sizeof(t)); break;
    case LAYC_P95: duration_format(r->p95_ms, t, sizeof(t)); break;
    case LAYC_SPARK: lay_sparkline(r->hist_ms, r->nhist, width, ascii, t, sizeof(t)); break;
    case LAYC_FIGURE: lay_figure_pick(r->figure, width, ascii, out, outlen); return;
    case LAYC_AGE: lay_age(r->age_ms, t, sizeof(t)); break;
    case LAYC_MSG: lay_message(r, t, sizeof(t)); break;
    default: break;
    }
    text_fit(out, outlen, t, width, al, ascii);
}

bool lay_row_matches(const struct lay_row *r, const char *filter)
{
    if (!filter || !*filter)
        return true;
    char msg[LAY_CELL_MAX];
    lay_message(r, msg, sizeof(msg));
    return text_contains(r->name, filter) || text_contains(r->stack, filter) || text_contains(r->endpoint, filter) ||
           text_contains(lay_badge(r->status, r->ran), filter) || text_contains(msg, filter);
}
