/* layout: pure formatting for the live view — widths, truncation, numbers, glyphs, cells. */
#include "lgtmtop/layout.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/config.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/report.h"
#include "lgtmtop/text.h"
#include "lgtmtop/util.h"

/* ---- numbers and durations ------------------------------------------------------------- */

char *lay_num(double v, char *out, size_t outlen)
{
    static const char units[] = "kMGTP";
    if (!isfinite(v)) {
        snprintf(out, outlen, "-");
        return out;
    }
    double a = fabs(v);
    if (a < 999.5) {
        if (a == 0)
            snprintf(out, outlen, "0");
        else if (fabs(v - round(v)) < 1e-9)
            snprintf(out, outlen, "%.0f", v);
        else if (a < 0.995)
            snprintf(out, outlen, "%.2f", v);
        else if (a < 99.95)
            snprintf(out, outlen, "%.1f", v);
        else
            snprintf(out, outlen, "%.0f", v);
        return out;
    }
    double s = v;
    for (size_t i = 0; i < sizeof(units) - 1; i++) {
        s /= 1000.0;
        double sa = fabs(s);
        if (sa < 9.95) {
            snprintf(out, outlen, "%.1f%c", s, units[i]);
            return out;
        }
        if (sa < 999.5 || i == sizeof(units) - 2) {
            snprintf(out, outlen, "%.0f%c", s, units[i]);
            return out;
        }
    }
    return out; /* not reached */
}

char *lay_rate(double v, const char *unit, char *out, size_t outlen)
{
    char n[32];
    snprintf(out, outlen, "%s%s", lay_num(v, n, sizeof(n)), unit ? unit : "");
    return out;
}

char *lay_us(long us, char *out, size_t outlen)
{
    if (us < 0)
        snprintf(out, outlen, "-");
    else if (us < 95)
        snprintf(out, outlen, "%.2fms", (double)us / 1000.0);
    else if (us < 9950)
        snprintf(out, outlen, "%.1fms", (double)us / 1000.0);
    else if (us < 999500)
        snprintf(out, outlen, "%.0fms", (double)us / 1000.0);
    else if (us < 9995000)
        snprintf(out, outlen, "%.2fs", (double)us / 1e6);
    else if (us < 59950000)
        snprintf(out, outlen, "%.1fs", (double)us / 1e6);
    else
        duration_format(us / 1000, out, outlen);
    return out;
}

char *lay_age(long long ms, char *out, size_t outlen)
{
    if (ms < 0) {
        snprintf(out, outlen, "-");
        return out;
    }
    long long s = ms / 1000;
    if (s < 60)
        snprintf(out, outlen, "%llds", s);
    else if (s < 3600)
        snprintf(out, outlen, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(out, outlen, "%lldh%02lldm", s / 3600, (s / 60) % 60);
    else
        snprintf(out, outlen, "%lldd%lldh", s / 86400, (s / 3600) % 24);
    return out;
}

/* ---- glyphs ---------------------------------------------------------------------------- */

void lay_spark_levels(const long *v, int n, int *levels)
{
    long max = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (int i = 0; i < n; i++) {
        if (v[i] < 0)
            levels[i] = 0;
        else if (max <= 0)
            levels[i] = 1;
        else {
            int l = (int)ceil((double)v[i] * 8.0 / (double)max);
            levels[i] = l < 1 ? 1 : l > 8 ? 8 : l;
        }
    }
}

const char *lay_spark_glyph(int level, bool ascii)
{
    static const char *const uni[] = {"\xc3\x97",     "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
    static const char *const asc[] = {"x", "_", "_", ".", ".", "-", "=", "=", "^"};
    if (level < 0)
        level = 0;
    if (level > 8)
        level = 8;
    return ascii ? asc[level] : uni[level];
}

char *lay_sparkline(const long *v, int n, int width, bool ascii, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    out[0] = 0;
    if (width <= 0)
        return out;
    int first = n > width ? n - width : 0, shown = n - first;
    int levels[STATE_HIST_LEN];
    if (shown > STATE_HIST_LEN) {
        first = n - STATE_HIST_LEN;
        shown = STATE_HIST_LEN;
    }
    lay_spark_levels(v + first, shown, levels);
    size_t o = 0;
    for (int i = shown; i < width && o + 1 < outlen; i++)
        out[o++] = ' ';
    for (int i = 0; i < shown; i++) {
        const char *g = lay_spark_glyph(levels[i], ascii);
        size_t gl = strlen(g);
        if (o + gl >= outlen)
            break;
        memcpy(out + o, g, gl);
        o += gl;
    }
    out[o] = 0;
    return out;
}

const char *lay_spinner(unsigned tick, bool ascii)
{
    static const char *const uni[] = {"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
                                      "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"};
    static const char *const asc[] = {"|", "/", "-", "\\"};
    return ascii ? asc[tick % ARRAY_LEN(asc)] : uni[tick % ARRAY_LEN(uni)];
}

const char *lay_hline(bool ascii) { return ascii ? "-" : "\xe2\x94\x80"; }

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
    for (size_t i = 0; i < c->nchecks; i++) {
        const struct check_state *cs = &c->checks[i];
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
    for (size_t i = 0; i < c->nchecks; i++) {
        const struct check_state *cs = &c->checks[i];
        if (cs->pending)
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
    r->pending = cs->pending;
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

void lay_message(const struct lay_row *r, char *out, size_t outlen)
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

/* ---- lines for the panes ---------------------------------------------------------------- */

void lay_lines_free(struct lay_lines *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

struct lay_line *lay_lines_add(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style,
                               enum status st, const char *text)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    struct lay_line *ln = &l->v[l->n++];
    memset(ln, 0, sizeof(*ln));
    ln->indent = indent < 0 ? 0 : indent;
    ln->style = style;
    ln->st = st;
    int w = width - ln->indent;
    /* trailing spaces (a table's last separator) never count against the width */
    char tmp[LAY_CELL_MAX * 2];
    snprintf(tmp, sizeof(tmp), "%s", text ? text : "");
    size_t len = strlen(tmp);
    while (len && tmp[len - 1] == ' ')
        tmp[--len] = 0;
    text_trunc(ln->text, sizeof(ln->text), tmp, w > 1 ? w : 1, ascii);
    return ln;
}

int lay_lines_wrap(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style, enum status st,
                   const char *prefix, const char *text)
{
    char all[FINDING_TEXT_LEN * 2], line[LAY_CELL_MAX];
    snprintf(all, sizeof(all), "%s%s", prefix ? prefix : "", text ? text : "");
    int pw = prefix ? text_width(prefix, ascii) : 0;
    int added = 0;
    const char *p = all;
    while (*p) {
        int in = added ? indent + pw : indent;
        int w = width - in;
        size_t n = text_wrap(p, w > 8 ? w : 8, ascii, line, sizeof(line));
        if (n == 0)
            break;
        lay_lines_add(l, in, width, ascii, style, st, line);
        added++;
        p += n;
    }
    if (!added)
        lay_lines_add(l, indent, width, ascii, style, st, prefix ? prefix : ""), added = 1;
    return added;
}

static void span_add(struct lay_line *ln, int x, int w, enum status st, bool badge)
{
    if (ln->nspan < LAY_LINE_SPANS && w > 0)
        ln->span[ln->nspan++] = (struct lay_span){x, w, st, badge};
}

/* Appends cells to a table line: text fitted to w columns plus a space. Returns the x after. */
static int cell_put(char *line, size_t len, int x, const char *text, int w, bool ascii)
{
    char tmp[LAY_CELL_MAX];
    text_fit(tmp, sizeof(tmp), text ? text : "", w, TEXT_LEFT, ascii);
    size_t used = strlen(line);
    snprintf(line + used, len - used, "%s ", tmp);
    return x + w + 1;
}

static const char *badge_word(enum status st) { return lay_badge(st, st != ST_UNKNOWN); }

int lay_findings_strip(const struct finding *f, size_t n, int width, int max_lines, bool ascii, struct lay_lines *out)
{
    if (n == 0 || max_lines < 1 || width < 20)
        return 0;
    int lines = (size_t)max_lines < n ? max_lines : (int)n;
    for (int i = 0; i < lines; i++) {
        const struct finding *x = &f[i];
        char more[48] = "", head[96], body[FINDING_TITLE_LEN + 96];
        size_t left = n - (size_t)i - 1;
        if (i == lines - 1 && left > 0)
            snprintf(more, sizeof(more), "  +%zu more (f)", left);
        snprintf(head, sizeof(head), " %s ", badge_word(x->severity));
        int hw = text_width(head, ascii), mw = text_width(more, ascii);
        snprintf(body, sizeof(body), " %s/%s: %s", x->stack ? x->stack : "-", x->component ? x->component : "-",
                 x->title);
        int bw = width - hw - mw;
        if (bw < 4) { /* too narrow for a title: a count */
            int nf, nw;
            diagnose_counts(f, n, &nf, &nw);
            snprintf(body, sizeof(body), " %zu findings: %d FAIL, %d WARN (f)", n, nf, nw);
            more[0] = 0;
            bw = width - hw;
        }
        char fitted[LAY_CELL_MAX], line[LAY_CELL_MAX * 2];
        text_trunc(fitted, sizeof(fitted), body, bw, ascii);
        snprintf(line, sizeof(line), "%s%s%s", head, fitted, more);
        struct lay_line *ln = lay_lines_add(out, 0, width, ascii, LAYS_STATUS, x->severity, line);
        span_add(ln, 0, hw, x->severity, true);
    }
    return lines;
}

void lay_finding_lines(const struct finding *f, int width, bool ascii, struct lay_lines *out)
{
    char head[FINDING_TITLE_LEN + 128], badge[16];
    snprintf(badge, sizeof(badge), " %s ", badge_word(f->severity));
    int bw = text_width(badge, ascii);
    snprintf(head, sizeof(head), "%s %s/%s: %s", badge, f->stack ? f->stack : "-", f->component ? f->component : "-",
             f->title);
    char line[LAY_CELL_MAX];
    size_t used = text_wrap(head, width, ascii, line, sizeof(line));
    struct lay_line *ln = lay_lines_add(out, 0, width, ascii, LAYS_STATUS, f->severity, line);
    span_add(ln, 0, bw, f->severity, true);
    if (head[used])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_STATUS, f->severity, NULL, head + used);
    if (f->cause[0])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, NULL, f->cause);
    if (f->hint[0])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, ascii ? "-> " : "\xe2\x86\x92 ", f->hint);
    lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
}

/* ---- Grafana tables ---- */

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static enum status status_of(const char *s)
{
    if (!s)
        return ST_UNKNOWN;
    if (strcmp(s, "FAIL") == 0 || strcmp(s, "ERROR") == 0 || strcmp(s, "UNREACHABLE") == 0)
        return ST_FAIL;
    if (strcmp(s, "WARN") == 0 || strcmp(s, "DENIED") == 0 || strcmp(s, "NO_HEALTH_API") == 0)
        return ST_WARN;
    if (strcmp(s, "OK") == 0)
        return ST_OK;
    return ST_UNKNOWN;
}

/* "a, b, c" from an array of strings, at most len bytes (then "..."). */
static const char *join_strings(const cJSON *arr, char *buf, size_t len)
{
    buf[0] = 0;
    const cJSON *it;
    size_t used = 0;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it))
            continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", it->valuestring);
        if (w < 0 || (size_t)w >= len - used) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            break;
        }
        used += (size_t)w;
    }
    return buf;
}

static void no_data(const cJSON *data, const char *what, int width, bool ascii, struct lay_lines *out)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "%s: %s", what, data ? "unexpected data shape" : "no data");
    lay_lines_add(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, buf);
}

static int max_width_of(const cJSON *arr, const char *key, bool ascii)
{
    int m = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *s = jstr(it, key);
        int w = s ? text_width(s, ascii) : 1;
        m = w > m ? w : m;
    }
    return m;
}

static void side_cell(const cJSON *side, char *buf, size_t len, const char **status)
{
    const char *st = jstr(side, "status"), *msg = jstr(side, "message");
    *status = st ? st : "-";
    snprintf(buf, len, "%s%s%s", *status, msg && *msg ? ": " : "", msg ? msg : "");
}

void lay_grafana_datasources(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsArray(data)) {
        no_data(data, "datasources", width, ascii, out);
        return;
    }
    int n = cJSON_GetArraySize(data), cnt[4] = {0, 0, 0, 0};
    const cJSON *ds;
    cJSON_ArrayForEach(ds, data) cnt[status_of(jstr(ds, "status"))]++;
    char line[LAY_CELL_MAX * 2], cell[LAY_CELL_MAX];
    snprintf(line, sizeof(line), "%d datasource%s: %d OK, %d WARN, %d FAIL", n, n == 1 ? "" : "s", cnt[ST_OK],
             cnt[ST_WARN], cnt[ST_FAIL]);
    lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, line);
    if (n == 0)
        return;
    int inner = width - 1;
    int wst = 4, wname = max_width_of(data, "name", ascii), wtype = max_width_of(data, "type", ascii);
    wname = wname < 8 ? 8 : wname > 20 ? 20 : wname;
    wtype = wtype < 4 ? 4 : wtype > 12 ? 12 : wtype;
    int rest = inner - (wst + 1) - (wname + 1) - (wtype + 1);
    int wg = (rest - 1) / 2, wd = rest - 1 - wg;
    if (wg < 6)
        wg = 6, wd = 6;
    line[0] = 0;
    int x = 0;
    x = cell_put(line, sizeof(line), x, "", wst, ascii);
    x = cell_put(line, sizeof(line), x, "NAME", wname, ascii);
    x = cell_put(line, sizeof(line), x, "TYPE", wtype, ascii);
    x = cell_put(line, sizeof(line), x, "GRAFANA", wg, ascii);
    cell_put(line, sizeof(line), x, "LGTMTOP (direct)", wd, ascii);
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, line);
    cJSON_ArrayForEach(ds, data)
    {
        enum status rst = status_of(jstr(ds, "status"));
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(ds, "grafana");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(ds, "direct");
        const char *gst, *dst;
        char gcell[LAY_CELL_MAX], dcell[LAY_CELL_MAX];
        side_cell(g, gcell, sizeof(gcell), &gst);
        side_cell(d, dcell, sizeof(dcell), &dst);
        line[0] = 0;
        x = 0;
        x = cell_put(line, sizeof(line), x, badge_word(rst), wst, ascii);
        x = cell_put(line, sizeof(line), x, jstr(ds, "name") ? jstr(ds, "name") : "?", wname, ascii);
        x = cell_put(line, sizeof(line), x, jstr(ds, "type") ? jstr(ds, "type") : "?", wtype, ascii);
        int xg = x;
        x = cell_put(line, sizeof(line), x, gcell, wg, ascii);
        int xd = x;
        cell_put(line, sizeof(line), x, dcell, wd, ascii);
        struct lay_line *ln = lay_lines_add(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, line);
        span_add(ln, 0, text_width(badge_word(rst), ascii), rst, false);
        int w = text_width(gst, ascii);
        span_add(ln, xg, w < wg ? w : wg, status_of(gst), false);
        w = text_width(dst, ascii);
        span_add(ln, xd, w < wd ? w : wd, status_of(dst), false);
        if (rst != ST_OK && rst != ST_UNKNOWN) {
            const char *via = jstr(g, "via");
            snprintf(cell, sizeof(cell), "Grafana%s%s%s: ", via && strcmp(via, "-") ? " (" : "",
                     via && strcmp(via, "-") ? via : "", via && strcmp(via, "-") ? ")" : "");
            lay_lines_wrap(out, 6, width, ascii, LAYS_STATUS, status_of(gst), cell, gcell);
            const char *url = jstr(d, "url"), *tenant = jstr(d, "tenant");
            snprintf(cell, sizeof(cell), "lgtmtop%s%s%s: ", url ? " (" : "", url ? url : "", url ? ")" : "");
            if (tenant && strcmp(tenant, "missing") == 0)
                snprintf(dcell + strlen(dcell), sizeof(dcell) - strlen(dcell), " (sent without X-Scope-OrgID)");
            lay_lines_wrap(out, 6, width, ascii, LAYS_STATUS, status_of(dst), cell, dcell);
        }
        const char *finding = jstr(ds, "finding");
        if (finding && *finding)
            lay_lines_wrap(out, 6, width, ascii, rst >= ST_WARN ? LAYS_STATUS : LAYS_DIM, rst,
                           ascii ? "-> " : "\xe2\x86\x92 ", finding);
    }
}

static int rank(enum status st) { return st == ST_FAIL ? 0 : st == ST_WARN ? 1 : st == ST_OK ? 2 : 3; }

/* One group of bad references of a dashboard: what, how many, where. */
static void dash_group(const cJSON *grp, const char *kind, int width, bool ascii, struct lay_lines *out)
{
    const char *ds = jstr(grp, "datasource"), *repl = jstr(grp, "replacement"), *note = jstr(grp, "note");
    int refs = (int)jnum(grp, "references", 0);
    char panels[LAY_CELL_MAX], text[LAY_CELL_MAX * 2];
    join_strings(cJSON_GetObjectItemCaseSensitive(grp, "panels"), panels, sizeof(panels));
    const char *arrow = ascii ? "->" : "\xe2\x86\x92";
    enum status st = ST_WARN;
    if (strcmp(kind, "missing") == 0) {
        st = ST_FAIL;
        if (repl)
            snprintf(text, sizeof(text),
                     "datasource \"%s\" does not exist (replaced by \"%s\"): %d ref%s in panels: %s", ds ? ds : "?",
                     repl, refs, refs == 1 ? "" : "s", panels);
        else
            snprintf(text, sizeof(text), "datasource \"%s\" does not exist: %d ref%s in panels: %s", ds ? ds : "?",
                     refs, refs == 1 ? "" : "s", panels);
    } else if (strcmp(kind, "deprecated") == 0) {
        snprintf(text, sizeof(text), "deprecated datasource \"%s\" %s use \"%s\": %d ref%s in panels: %s",
                 ds ? ds : "?", arrow, repl ? repl : "?", refs, refs == 1 ? "" : "s", panels);
    } else if (strcmp(kind, "unresolved") == 0) {
        snprintf(text, sizeof(text), "import placeholder %s never replaced: %d ref%s in panels: %s", ds ? ds : "?",
                 refs, refs == 1 ? "" : "s", panels);
    } else {
        st = ST_UNKNOWN;
        snprintf(text, sizeof(text), "note: %s%s%s (%s)", ds ? ds : "", note ? ": " : "", note ? note : "", panels);
    }
    lay_lines_wrap(out, 7, width, ascii, st == ST_UNKNOWN ? LAYS_DIM : LAYS_STATUS, st, NULL, text);
}

void lay_grafana_dashboards(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsArray(data)) {
        no_data(data, "dashboards", width, ascii, out);
        return;
    }
    int n = cJSON_GetArraySize(data), cnt[4] = {0, 0, 0, 0};
    const cJSON **v = xcalloc(n ? (size_t)n : 1, sizeof(*v));
    int k = 0;
    const cJSON *db;
    cJSON_ArrayForEach(db, data)
    {
        cnt[status_of(jstr(db, "status"))]++;
        v[k++] = db;
    }
    /* stable insertion sort, worst first */
    for (int i = 1; i < n; i++) {
        const cJSON *cur = v[i];
        int r = rank(status_of(jstr(cur, "status"))), j = i - 1;
        while (j >= 0 && rank(status_of(jstr(v[j], "status"))) > r) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = cur;
    }
    char line[LAY_CELL_MAX * 2], num[32];
    snprintf(line, sizeof(line), "%d dashboard%s: %d FAIL, %d WARN, %d OK", n, n == 1 ? "" : "s", cnt[ST_FAIL],
             cnt[ST_WARN], cnt[ST_OK]);
    lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, line);
    if (n) {
        int inner = width - 1, wst = 4, wref = 4, wfold = max_width_of(data, "folder", ascii);
        wfold = wfold < 6 ? 6 : wfold > 20 ? 20 : wfold;
        int wtitle = inner - (wst + 1) - (wfold + 1) - (wref + 1);
        line[0] = 0;
        int x = 0;
        x = cell_put(line, sizeof(line), x, "", wst, ascii);
        x = cell_put(line, sizeof(line), x, "TITLE", wtitle, ascii);
        x = cell_put(line, sizeof(line), x, "FOLDER", wfold, ascii);
        cell_put(line, sizeof(line), x, "REFS", wref, ascii);
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, line);
        for (int i = 0; i < n; i++) {
            enum status st = status_of(jstr(v[i], "status"));
            const char *title = jstr(v[i], "title"), *uid = jstr(v[i], "uid"), *folder = jstr(v[i], "folder");
            line[0] = 0;
            x = 0;
            x = cell_put(line, sizeof(line), x, badge_word(st), wst, ascii);
            x = cell_put(line, sizeof(line), x, title ? title : uid ? uid : "?", wtitle, ascii);
            x = cell_put(line, sizeof(line), x, folder ? folder : "General", wfold, ascii);
            const cJSON *refs = cJSON_GetObjectItemCaseSensitive(v[i], "references");
            if (cJSON_IsNumber(refs))
                snprintf(num, sizeof(num), "%4d", refs->valueint);
            else
                snprintf(num, sizeof(num), "   -");
            cell_put(line, sizeof(line), x, num, wref, ascii);
            struct lay_line *ln =
                    lay_lines_add(out, 1, width, ascii, st == ST_OK ? LAYS_NORMAL : LAYS_BOLD, ST_UNKNOWN, line);
            span_add(ln, 0, text_width(badge_word(st), ascii), st, false);
            const char *err = jstr(v[i], "error");
            if (err)
                lay_lines_wrap(out, 7, width, ascii, LAYS_STATUS, ST_WARN, "could not fetch: ", err);
            static const char *const kinds[] = {"missing", "deprecated", "unresolved", "notes"};
            for (size_t q = 0; q < ARRAY_LEN(kinds); q++) {
                const cJSON *grp;
                cJSON_ArrayForEach(grp, cJSON_GetObjectItemCaseSensitive(v[i], kinds[q]))
                        dash_group(grp, kinds[q], width, ascii, out);
            }
        }
    }
    free(v);
}

/* "rule (group): text" lines under a title, for an array of objects. */
static void rule_list(const cJSON *arr, const char *title, const char *field, const char *pre, const char *post,
                      enum status st, int width, bool ascii, struct lay_lines *out)
{
    int n = cJSON_GetArraySize(arr);
    if (n == 0)
        return;
    char buf[LAY_CELL_MAX * 2];
    snprintf(buf, sizeof(buf), "%s (%d)", title, n);
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *rule = jstr(it, "rule"), *group = jstr(it, "group"), *val = jstr(it, field);
        char what[LAY_CELL_MAX];
        snprintf(what, sizeof(what), "%s%s%s", pre, val ? val : "?", post);
        snprintf(buf, sizeof(buf), "%s (group %s): %s", rule ? rule : "?", group ? group : "?", what);
        lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, st, NULL, buf);
    }
}

void lay_grafana_alerting(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsObject(data)) {
        no_data(data, "alerting", width, ascii, out);
        return;
    }
    char buf[LAY_CELL_MAX * 2], list[LAY_CELL_MAX];
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
    if (cJSON_IsArray(groups)) {
        snprintf(buf, sizeof(buf), "%d rule group%s, %d rules: %d firing, %d pending, %d failing",
                 (int)jnum(data, "rule_groups", 0), jnum(data, "rule_groups", 0) == 1 ? "" : "s",
                 (int)jnum(data, "rules", 0), (int)jnum(data, "firing", 0), (int)jnum(data, "pending", 0),
                 (int)jnum(data, "errors", 0));
        lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, buf);
    } else {
        lay_lines_add(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, "rule state not read (see notes)");
    }
    const cJSON *bys = cJSON_GetObjectItemCaseSensitive(data, "rules_by_state");
    if (cJSON_IsObject(bys) && bys->child) {
        size_t used = 0;
        buf[0] = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, bys)
        {
            int w = snprintf(buf + used, sizeof(buf) - used, "%s%s %d",
                             used ? ", " : "rules by state: ", it->string ? it->string : "?", it->valueint);
            if (w < 0 || (size_t)w >= sizeof(buf) - used)
                break;
            used += (size_t)w;
        }
        lay_lines_wrap(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, NULL, buf);
    }
    if (cJSON_GetArraySize(groups) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        int wname = max_width_of(groups, "name", ascii), wfold = max_width_of(groups, "folder", ascii);
        wname = wname < 10 ? 10 : wname > 28 ? 28 : wname;
        wfold = wfold < 6 ? 6 : wfold > 20 ? 20 : wfold;
        buf[0] = 0;
        int x = 0;
        x = cell_put(buf, sizeof(buf), x, "RULE GROUP", wname, ascii);
        x = cell_put(buf, sizeof(buf), x, "FOLDER", wfold, ascii);
        cell_put(buf, sizeof(buf), x, "RULES  FIRING  FAILING", 22, ascii);
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
        const cJSON *g;
        cJSON_ArrayForEach(g, groups)
        {
            int firing = (int)jnum(g, "firing", 0), errors = (int)jnum(g, "errors", 0);
            char nums[64];
            buf[0] = 0;
            x = 0;
            x = cell_put(buf, sizeof(buf), x, jstr(g, "name") ? jstr(g, "name") : "?", wname, ascii);
            x = cell_put(buf, sizeof(buf), x, jstr(g, "folder") ? jstr(g, "folder") : "-", wfold, ascii);
            snprintf(nums, sizeof(nums), "%5d  %6d  %7d", (int)jnum(g, "rules", 0), firing, errors);
            cell_put(buf, sizeof(buf), x, nums, 22, ascii);
            struct lay_line *ln = lay_lines_add(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, buf);
            if (firing)
                span_add(ln, x + 7, 6, ST_WARN, false);
            if (errors)
                span_add(ln, x + 15, 7, ST_WARN, false);
        }
    }
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(data, "rule_errors");
    const cJSON *mds = cJSON_GetObjectItemCaseSensitive(data, "missing_datasource_rules");
    if (cJSON_GetArraySize(errs) || cJSON_GetArraySize(mds))
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
    rule_list(mds, "Rules querying a datasource that does not exist", "datasource", "datasource \"", "\" is gone",
              ST_FAIL, width, ascii, out);
    rule_list(errs, "Failing rules", "error", "", "", ST_WARN, width, ascii, out);

    lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, "Notification policies and contact points");
    const cJSON *pol = cJSON_GetObjectItemCaseSensitive(data, "policies");
    const cJSON *present = cJSON_GetObjectItemCaseSensitive(pol, "present");
    if (cJSON_IsTrue(present)) {
        join_strings(cJSON_GetObjectItemCaseSensitive(pol, "receivers"), list, sizeof(list));
        lay_lines_wrap(out, 3, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "policy tree routes to: ", list[0] ? list : "-");
        const cJSON *miss = cJSON_GetObjectItemCaseSensitive(pol, "missing_receivers");
        if (cJSON_GetArraySize(miss) > 0) {
            join_strings(miss, list, sizeof(list));
            lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, ST_FAIL, "receivers without a contact point: ", list);
        }
    } else if (cJSON_IsFalse(present)) {
        lay_lines_add(out, 3, width, ascii, LAYS_STATUS, ST_WARN, "no notification policy tree");
    } else {
        lay_lines_add(out, 3, width, ascii, LAYS_DIM, ST_UNKNOWN, "policy tree not readable (see notes)");
    }
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(data, "contact_points");
    if (cJSON_IsArray(cps)) {
        join_strings(cps, list, sizeof(list));
        lay_lines_wrap(out, 3, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "contact points: ", list[0] ? list : "none");
    } else {
        lay_lines_add(out, 3, width, ascii, LAYS_DIM, ST_UNKNOWN, "contact points not readable (see notes)");
    }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(data, "expected_groups_missing");
    if (cJSON_GetArraySize(exp) > 0) {
        join_strings(exp, list, sizeof(list));
        lay_lines_wrap(out, 1, width, ascii, LAYS_STATUS, ST_WARN, "expected rule groups not loaded: ", list);
    }

    const cJSON *firing = cJSON_GetObjectItemCaseSensitive(data, "firing_alerts");
    if (cJSON_GetArraySize(firing) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        snprintf(buf, sizeof(buf), "Firing alerts (%d; about the monitored systems, not the stack)",
                 cJSON_GetArraySize(firing));
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
        const cJSON *a;
        cJSON_ArrayForEach(a, firing)
        {
            const char *rule = jstr(a, "rule"), *group = jstr(a, "group"), *since = jstr(a, "active_at");
            size_t used = (size_t)snprintf(buf, sizeof(buf), "%s (group %s)%s%s", rule ? rule : "?",
                                           group ? group : "?", since ? " since " : "", since ? since : "");
            const cJSON *l;
            cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(a, "labels"))
            {
                if (!cJSON_IsString(l) || used >= sizeof(buf))
                    continue;
                int w = snprintf(buf + used, sizeof(buf) - used, " %s=%s", l->string, l->valuestring);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, ST_WARN, NULL, buf);
        }
    }
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(data, "notes");
    if (cJSON_GetArraySize(notes) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        const cJSON *nt;
        cJSON_ArrayForEach(nt, notes) if (cJSON_IsString(nt))
                lay_lines_wrap(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, "note: ", nt->valuestring);
    }
}

const char *lay_check_no_data(const struct check_state *cs, char *buf, size_t len)
{
    if (!cs) {
        snprintf(buf, len, "this Grafana has no such check");
        return buf;
    }
    if (cs->skipped) {
        snprintf(buf, len, "%s", cs->summary[0] ? cs->summary : "skipped");
        return buf;
    }
    if (!cs->ran) {
        snprintf(buf, len, "%s", cs->pending ? "in flight, no result yet" : "not run yet");
        return buf;
    }
    if (!cs->data) {
        snprintf(buf, len, "no data: %s", cs->summary);
        return buf;
    }
    return NULL;
}
