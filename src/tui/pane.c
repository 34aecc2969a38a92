/* pane: the drill-down for one component — its checks with timings and history, the detail
 * tables its probes return, and its figures with rate history. Panes scroll; Tab cycles. */
#include <stdio.h>
#include <string.h>

#include "lgtmtop/http.h"
#include "lgtmtop/report.h"
#include "lgtmtop/util.h"
#include "tui_int.h"

struct cJSON;

static const char *const pane_names[PANE_COUNT] = {"Checks",   "Datasources", "Dashboards",
                                                   "Alerting", "Details",     "Figures"};

/* The panes of a component, in Tab order; returns how many. */
static int pane_list(const struct comp_state *c, enum pane_id *out)
{
    int n = 0;
    out[n++] = PANE_CHECKS;
    if (c && c->kind == COMP_GRAFANA) {
        out[n++] = PANE_DATASOURCES;
        out[n++] = PANE_DASHBOARDS;
        out[n++] = PANE_ALERTING;
    }
    out[n++] = PANE_DETAILS;
    out[n++] = PANE_FIGURES;
    return n;
}

static int pane_index(const struct tui *t, const enum pane_id *list, int n)
{
    for (int i = 0; i < n; i++)
        if (list[i] == t->pane)
            return i;
    return 0;
}

#define CONTENT_Y 3

/* Virtual lines: content is laid out top to bottom and only the rows inside the view are
 * drawn, so scrolling is a matter of the first virtual line. */
struct vl {
    struct tui *t;
    int top, y0, y1, n;
};

static int vl_row(struct vl *v)
{
    int y = v->n - v->top + v->y0;
    v->n++;
    return y >= v->y0 && y <= v->y1 ? y : -1;
}

static void vl_text(struct vl *v, int x, const char *text, attr_t attr)
{
    int y = vl_row(v);
    if (y >= 0)
        tui_put(v->t, y, x, COLS - x, text, TEXT_LEFT, attr);
}

/* Word-wrapped text, every line indented by x. */
static void vl_wrap(struct vl *v, int x, const char *prefix, const char *text, attr_t attr)
{
    char buf[LAY_CELL_MAX * 2], line[LAY_CELL_MAX * 2];
    int w = COLS - x - 1;
    if (w < 10)
        w = 10;
    snprintf(buf, sizeof(buf), "%s%s", prefix ? prefix : "", text ? text : "");
    const char *p = buf;
    while (*p) {
        size_t n = text_wrap(p, w, v->t->ascii, line, sizeof(line));
        if (n == 0)
            break;
        vl_text(v, x, line, attr);
        p += n;
    }
}

void pane_init(struct tui *t, const struct comp_state *c, int stack, int check)
{
    t->screen = SCR_PANE;
    t->pane_comp = c;
    t->pane_stack = stack;
    t->pane_focus = check;
    t->pane = PANE_CHECKS;
    t->pane_sc.top = 0;
    t->pane_sc.lines = 0;
}

static int content_height(void)
{
    int h = LINES - 1 - CONTENT_Y;
    return h > 1 ? h : 1;
}

static void clamp_scroll(struct tui *t) { tui_scroll_clamp(&t->pane_sc, content_height()); }

/* ---- Checks ----------------------------------------------------------------------------- */

enum { K_NAME, K_STATUS, K_HTTP, K_DNS, K_CONNECT, K_TLS, K_FIRST, K_TOTAL, K_HIST, K_COUNT };
static const struct {
    const char *title;
    int w;
    enum text_align al;
} kcols[K_COUNT] = {
        {"check", 11, TEXT_LEFT},       {"status", 6, TEXT_LEFT},   {"http", 4, TEXT_RIGHT},
        {"DNS", 7, TEXT_RIGHT},         {"connect", 8, TEXT_RIGHT}, {"TLS", 7, TEXT_RIGHT},
        {"first byte", 10, TEXT_RIGHT}, {"total", 8, TEXT_RIGHT},   {"history", 0, TEXT_LEFT},
};

static void check_cols(const struct tui *t, const struct comp_state *c, int *x, int *w)
{
    int pos = 1, name_w = kcols[K_NAME].w;
    COMP_FOR_EACH_CHECK (c, cs) {
        int nw = text_width(cs->def->name, t->ascii);
        name_w = nw > name_w ? (nw < 24 ? nw : 24) : name_w;
    }
    for (int k = 0; k < K_COUNT; k++) {
        x[k] = pos;
        w[k] = k == K_NAME ? name_w : kcols[k].w;
        if (k == K_HIST)
            w[k] = COLS - pos - 1 > 4 ? COLS - pos - 1 : 4;
        pos += w[k] + 1;
    }
}

static const char *check_status_word(const struct tui *t, const struct check_state *cs, char *buf, size_t len)
{
    if (!cs->ran)
        snprintf(buf, len, "%s", cs->pending ? lay_spinner(t->tick, t->ascii) : "?");
    else
        snprintf(buf, len, "%s%s%s", check_label(cs), cs->pending ? " " : "",
                 cs->pending ? lay_spinner(t->tick, t->ascii) : "");
    return buf;
}

static void draw_history(struct tui *t, int y, int x, int w, const struct history *h)
{
    long v[STATE_HIST_LEN];
    enum status st[STATE_HIST_LEN];
    int n = h->len;
    for (int i = 0; i < n; i++) {
        const struct hist_entry *e = hist_get(h, i);
        v[i] = e->latency_ms;
        st[i] = e->status;
    }
    int first = n > w ? n - w : 0, shown = n - first;
    int levels[STATE_HIST_LEN];
    lay_spark_levels(v + first, shown, levels);
    for (int i = 0; i < shown; i++) {
        attrset(theme_status(st[first + i], true));
        mvaddstr(y, x + i, lay_spark_glyph(levels[i], t->ascii));
    }
    attrset(A_NORMAL);
}

/* Prepared lines (lay_lines) as virtual lines. */
static void vl_lines(struct vl *v, int x, const struct lay_lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        int y = vl_row(v);
        if (y >= 0)
            tui_line(v->t, y, x, &l->v[i]);
    }
}

/* This component's findings, in full, above its checks. */
static void vl_findings(struct tui *t, struct vl *v)
{
    const struct comp_state *c = t->pane_comp;
    const char *stack = t->s->stacks[t->pane_stack].name, *kind = comp_kind_name(c->kind);
    struct lay_lines l = {0};
    int n = 0;
    for (size_t i = 0; i < t->nfindings; i++) {
        const struct finding *f = &t->findings[i];
        if (!f->stack || !f->component || strcmp(f->stack, stack) != 0 || strcmp(f->component, kind) != 0)
            continue;
        if (n++ == 0)
            lay_lines_add(&l, 0, COLS - 1, t->ascii, LAYS_TITLE, ST_UNKNOWN, "Findings");
        lay_finding_lines(f, COLS - 2, t->ascii, &l);
    }
    vl_lines(v, 1, &l);
    lay_lines_free(&l);
}

static void pane_checks(struct tui *t, struct vl *v)
{
    const struct comp_state *c = t->pane_comp;
    vl_findings(t, v);
    int x[K_COUNT], w[K_COUNT];
    check_cols(t, c, x, w);
    int y = vl_row(v);
    if (y >= 0) {
        tui_put(t, y, 0, COLS, "", TEXT_LEFT, theme_attr(TH_TITLE));
        for (int k = 0; k < K_COUNT; k++)
            tui_put(t, y, x[k], w[k], kcols[k].title, kcols[k].al, theme_attr(TH_TITLE));
    }
    for (size_t i = 0; i < c->nchecks; i++) {
        const struct check_state *cs = &c->checks[i];
        bool stale = check_is_stale(cs, t->now, t->s->interval_ms);
        if ((int)i == t->pane_focus)
            t->pane_focus_line = v->n;
        attr_t dim = stale ? theme_attr(TH_STALE) : 0;
        char buf[64];
        y = vl_row(v);
        if (y >= 0) {
            tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
            tui_put(t, y, x[K_NAME], w[K_NAME], cs->def->name, TEXT_LEFT, A_BOLD | dim);
            tui_put(t, y, x[K_STATUS], w[K_STATUS], check_status_word(t, cs, buf, sizeof(buf)), TEXT_LEFT,
                    (check_status(cs) == ST_UNKNOWN && cs->skipped ? A_DIM : theme_status(check_status(cs), cs->ran)) |
                            dim);
            if (cs->ran && cs->http_status > 0)
                snprintf(buf, sizeof(buf), "%ld", cs->http_status);
            else
                snprintf(buf, sizeof(buf), "-");
            tui_put(t, y, x[K_HTTP], w[K_HTTP], buf, TEXT_RIGHT, dim);
            const long us[] = {cs->t.dns_us, cs->t.connect_us, cs->t.tls_us, cs->t.first_byte_us, cs->t.total_us};
            for (int k = K_DNS; k <= K_TOTAL; k++) {
                long val = us[k - K_DNS];
                /* libcurl reports 0 for a phase that did not happen (no TLS on http://) */
                if (k == K_CONNECT && cs->ran && cs->net == NET_OK && cs->http_status > 0 && val <= 0 &&
                    cs->t.total_us > 0)
                    snprintf(buf, sizeof(buf), "reused"); /* a kept-alive connection */
                else if (!cs->ran || (k != K_TOTAL && val <= 0))
                    snprintf(buf, sizeof(buf), "-");
                else
                    lay_us(val, buf, sizeof(buf));
                tui_put(t, y, x[k], w[k], buf, TEXT_RIGHT, dim);
            }
            draw_history(t, y, x[K_HIST], w[K_HIST], &cs->hist);
        }
        if (cs->ran) {
            enum status vst = check_status(cs);
            attr_t a = vst >= ST_WARN ? theme_status(vst, true) : A_NORMAL;
            vl_wrap(v, 3, NULL, cs->summary, a | dim);
            if (cs->net != NET_OK)
                vl_wrap(v, 3, "error: ", cs->net_text[0] ? cs->net_text : net_err_name(cs->net), a);
            char up[24], ch[24], p50[24], p95[24], line[160];
            snprintf(line, sizeof(line), "result %s ago, status since %s, p50 %s, p95 %s%s",
                     tui_age(t, t->now - cs->updated_ms, up, sizeof(up)),
                     tui_age(t, t->now - cs->changed_ms, ch, sizeof(ch)),
                     duration_format(hist_percentile(&cs->hist, 50), p50, sizeof(p50)),
                     duration_format(hist_percentile(&cs->hist, 95), p95, sizeof(p95)), stale ? " (stale)" : "");
            if (cs->net != NET_OK) {
                snprintf(buf, sizeof(buf), "  [%s]", net_err_name(cs->net));
                snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", buf);
            }
            vl_text(v, 3, line, theme_attr(TH_DIM));
        } else {
            vl_text(v, 3, cs->pending ? "in flight, no result yet" : "not run yet", theme_attr(TH_DIM));
        }
        vl_text(v, 0, "", A_NORMAL);
    }
    vl_wrap(v, 1, NULL,
            "Timings are cumulative from the start of the request, as libcurl reports them: DNS done, connected, "
            "TLS done, first byte received, total.",
            theme_attr(TH_DIM));
}

/* ---- Details ---------------------------------------------------------------------------- */

static void pane_details(struct tui *t, struct vl *v)
{
    const struct comp_state *c = t->pane_comp;
    bool any = false;
    COMP_FOR_EACH_CHECK (c, cs) {
        if (!cs->detail || !cs->detail[0])
            continue;
        any = true;
        int lines = 1;
        for (const char *p = cs->detail; *p; p++)
            lines += *p == '\n' && p[1];
        char head[128];
        snprintf(head, sizeof(head), "%s (%d line%s): %s", cs->def->name, lines, lines == 1 ? "" : "s",
                 check_label(cs));
        vl_text(v, 1, head, theme_attr(TH_TITLE));
        vl_wrap(v, 3, NULL, cs->detail, A_NORMAL);
        vl_text(v, 0, "", A_NORMAL);
    }
    if (!any)
        vl_wrap(v, 1, NULL,
                "No detail tables from this component's checks (yet). Grafana lists its datasources here, "
                "Prometheus and Mimir their down targets, failing rules and alerts.",
                theme_attr(TH_DIM));
}

/* ---- Grafana: Datasources, Dashboards, Alerting ----------------------------------------- */

static void pane_grafana(struct tui *t, struct vl *v, const char *check,
                         void (*fmt)(const struct cJSON *, int, bool, struct lay_lines *))
{
    const struct comp_state *c = t->pane_comp;
    const struct check_state *cs = NULL;
    COMP_FOR_EACH_CHECK (c, each)
        if (strcmp(each->def->name, check) == 0)
            cs = each;
    char buf[OBS_SUMMARY_LEN + 64];
    const char *why = lay_check_no_data(cs, buf, sizeof(buf));
    if (why) {
        vl_wrap(v, 1, NULL, why, cs && cs->ran && !cs->skipped ? theme_status(cs->status, true) : theme_attr(TH_DIM));
        if (cs && cs->skipped)
            vl_wrap(v, 1, NULL,
                    "The Grafana API checks need a service account token (Viewer is enough): set GRAFANA_TOKEN, "
                    "or token: / token_file: under grafana: in the config.",
                    theme_attr(TH_DIM));
        return;
    }
    char head[OBS_SUMMARY_LEN + 64];
    enum status vst = check_status(cs);
    snprintf(head, sizeof(head), "%s %s: %s", check, check_label(cs), cs->summary);
    vl_text(v, 1, head, vst >= ST_WARN ? theme_status(vst, true) : A_BOLD);
    vl_text(v, 0, "", A_NORMAL);
    struct lay_lines l = {0};
    fmt(cs->data, COLS - 2, t->ascii, &l);
    vl_lines(v, 1, &l);
    lay_lines_free(&l);
}

/* ---- Figures ---------------------------------------------------------------------------- */

static void pane_figures(struct tui *t, struct vl *v)
{
    const struct comp_state *c = t->pane_comp;
    struct tui_comp *m = tui_meta(t, c);
    char buf[256], num[32], lo[32], hi[32];
    char fig[LAY_FIGURE_VARIANTS][96];
    lay_figure(c, fig);
    snprintf(buf, sizeof(buf), "key figure: %s", fig[0]);
    vl_text(v, 1, buf, A_BOLD);
    vl_text(v, 0, "", A_NORMAL);
    vl_text(v, 1, "Rates (per second, from counter deltas between sweeps)", theme_attr(TH_TITLE));
    if (c->ncounters == 0)
        vl_text(v, 3, "no counters seen yet", theme_attr(TH_DIM));
    for (int i = 0; i < c->ncounters; i++) {
        const struct counter_state *cn = &c->counters[i];
        const struct rate_ring *r = NULL;
        for (int q = 0; m && q < m->nrates; q++)
            if (m->rates[q].key == cn->key)
                r = &m->rates[q];
        int y = vl_row(v);
        if (y < 0)
            continue;
        tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
        tui_put(t, y, 3, 24, value_key_name(cn->key), TEXT_LEFT, A_NORMAL);
        if (cn->has_rate) {
            char unit[48];
            snprintf(unit, sizeof(unit), " %s", report_rate_unit(cn->key));
            lay_rate(cn->rate, unit, buf, sizeof(buf));
        } else
            snprintf(buf, sizeof(buf), "- (needs 2 sweeps)");
        tui_put(t, y, 28, 18, buf, TEXT_LEFT, A_BOLD);
        if (r && r->len > 0) {
            long vals[STATE_HIST_LEN];
            double mn = 0, mx = 0;
            int start = (r->pos - r->len + STATE_HIST_LEN) % STATE_HIST_LEN;
            for (int k = 0; k < r->len; k++) {
                double d = r->v[(start + k) % STATE_HIST_LEN];
                vals[k] = (long)(d * 1000.0);
                if (k == 0 || d < mn)
                    mn = d;
                if (k == 0 || d > mx)
                    mx = d;
            }
            snprintf(buf, sizeof(buf), "min %s max %s", lay_num(mn, lo, sizeof(lo)), lay_num(mx, hi, sizeof(hi)));
            tui_put(t, y, 47, 20, buf, TEXT_LEFT, theme_attr(TH_DIM));
            int sw = COLS - 68 - 1;
            if (sw > 0) {
                char sp[LAY_CELL_MAX];
                lay_sparkline(vals, r->len, sw, t->ascii, sp, sizeof(sp));
                tui_put(t, y, 68, sw, sp, TEXT_LEFT, theme_status(ST_OK, true));
            }
        }
    }
    vl_text(v, 0, "", A_NORMAL);
    vl_text(v, 1, "Values (from the latest result of each check)", theme_attr(TH_TITLE));
    bool any = false;
    COMP_FOR_EACH_CHECK (c, cs) {
        if (!cs->ran)
            continue;
        for (int k = 0; k < cs->nvalues; k++) {
            any = true;
            snprintf(buf, sizeof(buf), "%-11s %-28s %s%s", cs->def->name, value_key_name(cs->values[k].key),
                     lay_num(cs->values[k].value, num, sizeof(num)),
                     value_keys[cs->values[k].key].kind == OBS_COUNTER ? "  (counter)" : "");
            vl_text(v, 3, buf, A_NORMAL);
        }
    }
    if (!any)
        vl_text(v, 3, "no values yet", theme_attr(TH_DIM));
}

/* ---- screen ----------------------------------------------------------------------------- */

void pane_draw(struct tui *t)
{
    const struct comp_state *c = t->pane_comp;
    char title[160];
    snprintf(title, sizeof(title), "%s", comp_kind_name(c->kind));
    tui_header(t, title);

    /* tabs */
    int x = 1;
    enum pane_id list[PANE_COUNT];
    int np = pane_list(c, list);
    tui_put(t, 1, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    for (int p = 0; p < np; p++) {
        char buf[32];
        snprintf(buf, sizeof(buf), " %d %s ", p + 1, pane_names[list[p]]);
        int w = text_width(buf, t->ascii);
        tui_put(t, 1, x, w, buf, TEXT_LEFT, theme_attr(list[p] == t->pane ? TH_TAB_ACTIVE : TH_TAB));
        x += w + 1;
    }
    int tabs_end = x;
    /* component line */
    struct tui_comp *m = tui_meta(t, c);
    enum status st = comp_status(c);
    bool ran = m && m->seen;
    char buf[512], age[24];
    snprintf(buf, sizeof(buf), " %s ", lay_badge(st, ran));
    int bw = text_width(buf, t->ascii);
    tui_put(t, 2, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    tui_put(t, 2, 1, bw, buf, TEXT_LEFT, theme_badge(st, ran));
    snprintf(buf, sizeof(buf), " %s  %s%s%s  %s  status since %s", t->s->stacks[t->pane_stack].name,
             c->url ? c->url : "", c->version[0] ? "  version " : "", c->version, comp_kind_name(c->kind),
             ran ? tui_age(t, t->now - m->changed_ms, age, sizeof(age)) : "-");
    tui_put(t, 2, 1 + bw, COLS - 1 - bw, buf, TEXT_LEFT, A_NORMAL);

    if (t->pane_focus >= 0 && t->pane == PANE_CHECKS) {
        /* a dry run (nothing is inside its view) finds the line of the check to show */
        struct vl dry = {t, 0, 1, 0, 0};
        t->pane_focus_line = 0;
        pane_checks(t, &dry);
        t->pane_sc.lines = dry.n;
        t->pane_sc.top = t->pane_focus_line;
    }
    t->pane_focus = -1;
    clamp_scroll(t);
    struct vl v = {t, t->pane_sc.top, CONTENT_Y, LINES - 2, 0};
    for (int y = CONTENT_Y; y <= LINES - 2; y++)
        tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    switch (t->pane) {
    case PANE_CHECKS: pane_checks(t, &v); break;
    case PANE_DATASOURCES: pane_grafana(t, &v, "datasources", lay_grafana_datasources); break;
    case PANE_DASHBOARDS: pane_grafana(t, &v, "dashboards", lay_grafana_dashboards); break;
    case PANE_ALERTING: pane_grafana(t, &v, "alerting", lay_grafana_alerting); break;
    case PANE_DETAILS: pane_details(t, &v); break;
    default: pane_figures(t, &v); break;
    }
    t->pane_sc.lines = v.n;
    if (v.n > content_height()) {
        snprintf(buf, sizeof(buf), " %d-%d/%d ", t->pane_sc.top + 1,
                 t->pane_sc.top + content_height() < v.n ? t->pane_sc.top + content_height() : v.n, v.n);
        int w = text_width(buf, t->ascii);
        /* beside the tabs when there is room, else at the end of the component line */
        tui_put(t, tabs_end + w + 1 <= COLS ? 1 : 2, COLS - w - 1, w, buf, TEXT_RIGHT, theme_attr(TH_DIM));
    }

    static const char *const uni_hints[] = {
            "Esc back", "Tab pane", "\xe2\x86\x91\xe2\x86\x93 scroll", "f findings", "r sweep", "p pause",
            "q quit",   "? help",
    };
    static const char *const asc_hints[] = {
            "Esc back", "Tab pane", "j/k scroll", "f findings", "r sweep", "p pause", "q quit", "? help",
    };
    tui_footer(t, t->ascii ? asc_hints : uni_hints, ARRAY_LEN(uni_hints));
}

int pane_key(struct tui *t, int ch)
{
    enum pane_id list[PANE_COUNT];
    int np = pane_list(t->pane_comp, list);
    switch (ch) {
    case '\t':
        t->pane = list[(pane_index(t, list, np) + 1) % np];
        t->pane_sc.top = 0;
        return TK_HANDLED;
    case KEY_BTAB:
        t->pane = list[(pane_index(t, list, np) + np - 1) % np];
        t->pane_sc.top = 0;
        return TK_HANDLED;
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
        if (ch - '1' < np) {
            t->pane = list[ch - '1'];
            t->pane_sc.top = 0;
        }
        return TK_HANDLED;
    case '\n':
    case '\r':
    case KEY_ENTER: return TK_HANDLED;
    default: return tui_scroll_key(&t->pane_sc, ch, content_height());
    }
}
