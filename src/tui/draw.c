/* draw: the drawing helpers every view shares — cells, rules, styled lines, header, footer, the
 * size check and the help screen. The views (grid.c, pane.c, findings.c) and the loop (tui.c)
 * use them; they call nothing back. */
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "tui_int.h"

struct tui_comp *tui_meta(struct tui *t, const struct comp_state *c)
{
    for (size_t i = 0; i < t->s->nstacks; i++) {
        const struct stack_state *st = &t->s->stacks[i];
        if (c >= st->comps && c < st->comps + st->ncomps)
            return &t->meta[i][c - st->comps];
    }
    return NULL;
}

void tui_note(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(t->note, sizeof(t->note), fmt, ap);
    va_end(ap);
    t->note_until = t->now + 2500;
}

char *tui_age(struct tui *t, long long ms, char *out, size_t outlen)
{
    long long next = lay_age_next(ms);
    if (next != LLONG_MAX && t->now + next < t->next_change)
        t->next_change = t->now + next;
    return lay_age(ms, out, outlen);
}

void tui_put(const struct tui *t, int y, int x, int width, const char *text, enum text_align al, attr_t attr)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
        return;
    if (x + width > COLS)
        width = COLS - x;
    char buf[LAY_CELL_MAX * 2];
    text_fit(buf, sizeof(buf), text, width, al, t->ascii);
    attrset(attr);
    mvaddstr(y, x, buf);
    attrset(A_NORMAL);
}

void tui_rule(const struct tui *t, int y, int x, int width, attr_t attr)
{
    if (y < 0 || y >= LINES || x < 0 || x >= COLS || width <= 0)
        return;
    if (x + width > COLS)
        width = COLS - x;
    const char *g = lay_hline(t->ascii);
    attrset(attr);
    move(y, x);
    for (int i = 0; i < width; i++)
        addstr(g);
    attrset(A_NORMAL);
}

void tui_line(const struct tui *t, int y, int x, const struct lay_line *ln)
{
    if (y < 0 || y >= LINES)
        return;
    attr_t a = A_NORMAL;
    switch (ln->style) {
    case LAYS_TITLE: a = theme_attr(TH_TITLE); break;
    case LAYS_DIM: a = theme_attr(TH_DIM); break;
    case LAYS_BOLD: a = A_BOLD; break;
    case LAYS_STATUS: a = theme_status(ln->st, ln->st != ST_UNKNOWN); break;
    default: break;
    }
    int x0 = x + ln->indent;
    tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    if (x0 >= COLS)
        return;
    tui_put(t, y, x0, COLS - x0, ln->text, TEXT_LEFT, a);
    for (int i = 0; i < ln->nspan; i++) {
        const struct lay_span *sp = &ln->span[i];
        if (x0 + sp->x >= COLS)
            continue;
        size_t b0 = text_col_offset(ln->text, sp->x, t->ascii), b1 = text_col_offset(ln->text, sp->x + sp->w, t->ascii);
        if (b1 <= b0)
            continue;
        char buf[LAY_CELL_MAX];
        snprintf(buf, sizeof(buf), "%.*s", (int)(b1 - b0), ln->text + b0);
        int w = sp->w;
        if (x0 + sp->x + w > COLS)
            w = COLS - x0 - sp->x;
        tui_put(t, y, x0 + sp->x, w, buf, TEXT_LEFT,
                sp->badge ? theme_badge(sp->st, sp->st != ST_UNKNOWN) : theme_status(sp->st, sp->st != ST_UNKNOWN));
    }
}

/* Draws text segments left to right from x; returns the next x. */
void tui_scroll_clamp(struct tui_scroll *sc, int height)
{
    if (sc->top > sc->lines - height)
        sc->top = sc->lines - height;
    if (sc->top < 0)
        sc->top = 0;
}

void tui_scrolled(struct tui *t, int y, int height, const struct lay_lines *l, struct tui_scroll *sc)
{
    sc->lines = (int)l->n;
    tui_scroll_clamp(sc, height);
    for (int row = 0; row < height; row++) {
        size_t i = (size_t)(sc->top + row);
        if (i < l->n)
            tui_line(t, y + row, 1, &l->v[i]);
        else
            tui_put(t, y + row, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    }
    if (sc->lines > height) {
        char buf[48];
        int last = sc->top + height < sc->lines ? sc->top + height : sc->lines;
        snprintf(buf, sizeof(buf), " %d-%d/%d ", sc->top + 1, last, sc->lines);
        int w = text_width(buf, t->ascii);
        tui_put(t, 1, COLS - w - 1, w, buf, TEXT_RIGHT, theme_attr(TH_DIM));
    }
}

int tui_scroll_key(struct tui_scroll *sc, int ch, int height)
{
    int page = height - 1 > 1 ? height - 1 : 1;
    switch (ch) {
    case 27:
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case 'h':
    case KEY_LEFT: return TK_HANDLED | TK_BACK;
    case 'j':
    case KEY_DOWN: sc->top++; break;
    case 'k':
    case KEY_UP: sc->top--; break;
    case KEY_NPAGE:
    case ' ': sc->top += page; break;
    case KEY_PPAGE: sc->top -= page; break;
    case 'g':
    case KEY_HOME: sc->top = 0; break;
    case 'G':
    case KEY_END: sc->top = sc->lines; break;
    default: return 0;
    }
    tui_scroll_clamp(sc, height);
    return TK_HANDLED;
}

static int put_seg(const struct tui *t, int y, int x, const char *text, attr_t attr)
{
    int w = text_width(text, t->ascii);
    if (x + w > COLS)
        w = COLS - x;
    if (w > 0)
        tui_put(t, y, x, w, text, TEXT_LEFT, attr);
    return x + (w > 0 ? w : 0);
}

void tui_header(struct tui *t, const char *title)
{
    const struct state *s = t->s;
    attr_t bar = theme_attr(TH_HEADER);
    tui_put(t, 0, 0, COLS, "", TEXT_LEFT, bar);
    int x = put_seg(t, 0, 0, " lgtmtop ", bar | A_BOLD);
    char buf[256];
    if (s->nstacks == 1)
        snprintf(buf, sizeof(buf), " %s ", s->stacks[0].name);
    else if (t->view_stack < 0)
        snprintf(buf, sizeof(buf), " all %zu stacks ", s->nstacks);
    else
        snprintf(buf, sizeof(buf), " %s (%d/%zu) ", s->stacks[t->view_stack].name, t->view_stack + 1, s->nstacks);
    x = put_seg(t, 0, x, buf, bar);

    struct status_counts n = {0, 0, 0, 0};
    enum status worst = ST_UNKNOWN;
    bool any = false;
    for (size_t i = 0; i < s->nstacks; i++) {
        if (t->view_stack >= 0 && (size_t)t->view_stack != i)
            continue;
        for (size_t j = 0; j < s->stacks[i].ncomps; j++) {
            const struct comp_state *c = &s->stacks[i].comps[j];
            enum status st = comp_status(c);
            worst = status_worst(worst, st);
            any = any || st != ST_UNKNOWN;
            switch (st) {
            case ST_OK: n.ok++; break;
            case ST_WARN: n.warn++; break;
            case ST_FAIL: n.fail++; break;
            default: n.unknown++; break;
            }
        }
    }
    snprintf(buf, sizeof(buf), " %s ", lay_badge(worst, any));
    x = put_seg(t, 0, x, buf, theme_color() || worst >= ST_WARN ? theme_badge(worst, any) : bar | A_BOLD);
    if (title) {
        snprintf(buf, sizeof(buf), "  %s", title);
        x = put_seg(t, 0, x, buf, bar | A_BOLD);
    }
    char iv[24], ago[24];
    if (s->interval_ms % 1000)
        duration_format(s->interval_ms, iv, sizeof(iv));
    else
        lay_age_exact(s->interval_ms, iv, sizeof(iv));
    /* On schedule the age of the last sweep is noise that would redraw every second: it shows
     * when paused or late. */
    long long since = t->now - s->last_sweep_ms;
    if (s->last_sweep_ms && (t->paused || since >= 2 * s->interval_ms))
        snprintf(buf, sizeof(buf), "  every %s  swept %s ago", iv, tui_age(t, since, ago, sizeof(ago)));
    else if (s->last_sweep_ms)
        snprintf(buf, sizeof(buf), "  every %s", iv);
    else
        snprintf(buf, sizeof(buf), "  every %s  starting", iv);
    x = put_seg(t, 0, x, buf, bar);
    if (t->paused)
        x = put_seg(t, 0, x, "  PAUSED", bar | A_BOLD);
    if (t->reload_failed)
        x = put_seg(t, 0, x, "  RELOAD FAILED", bar | A_BOLD);
    snprintf(buf, sizeof(buf), "  %d OK  %d WARN  %d FAIL", n.ok, n.warn, n.fail);
    if (n.unknown)
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "  %d ?", n.unknown);
    int w = text_width(buf, t->ascii);
    if (x + w + 1 <= COLS)
        put_seg(t, 0, COLS - w - 1, buf, bar);
}

void tui_footer(struct tui *t, const char *const *hints, size_t nhints)
{
    int y = LINES - 1, x = 0;
    tui_put(t, y, 0, COLS, "", TEXT_LEFT, theme_attr(TH_FOOTER));
    char buf[160];
    if (t->screen == SCR_GRID && t->filter_edit) {
        x = put_seg(t, y, x, "/", theme_attr(TH_KEY));
        snprintf(buf, sizeof(buf), " filter: %s", t->filter);
        x = put_seg(t, y, x, buf, theme_attr(TH_NOTICE));
        x = put_seg(t, y, x, t->ascii ? "_" : "\xe2\x96\x8f", theme_attr(TH_NOTICE) | A_BLINK);
        put_seg(t, y, x, "   Enter keep  Esc clear", theme_attr(TH_DIM));
        return;
    }
    if (t->screen == SCR_GRID && !t->help && t->filter[0]) {
        snprintf(buf, sizeof(buf), "filter \"%s\" ", t->filter);
        x = put_seg(t, y, x, buf, theme_attr(TH_NOTICE));
    }
    bool note = t->note[0] && t->now < t->note_until;
    int hints_w = 0;
    for (size_t i = 0; i < nhints; i++)
        hints_w += text_width(hints[i], t->ascii) + 2;
    if (note && x + hints_w + text_width(t->note, t->ascii) + 1 > COLS)
        nhints = 0; /* a long note (a failed reload) gets the line to itself while it shows */
    for (size_t i = 0; i < nhints; i++) {
        /* "key label": the key part up to the first space */
        const char *sp = strchr(hints[i], ' ');
        size_t kl = sp ? (size_t)(sp - hints[i]) : strlen(hints[i]);
        snprintf(buf, sizeof(buf), "%.*s", (int)kl, hints[i]);
        int need = text_width(hints[i], t->ascii) + 1;
        if (x + need > COLS)
            break;
        x = put_seg(t, y, x, buf, theme_attr(TH_KEY));
        if (sp)
            x = put_seg(t, y, x, sp, theme_attr(TH_FOOTER));
        x = put_seg(t, y, x, "  ", theme_attr(TH_FOOTER));
    }
    if (note) {
        int w = text_width(t->note, t->ascii) + 1;
        int nx = COLS - w;
        if (nx < x)
            nx = x;
        tui_put(t, y, nx, COLS - nx, t->note, TEXT_RIGHT, theme_attr(TH_NOTICE));
    }
}

bool tui_size_ok(struct tui *t)
{
    if (COLS >= LAY_MIN_COLS && LINES >= LAY_MIN_ROWS)
        return true;
    char buf[96];
    int mid = LINES / 2 - 1;
    for (int y = 0; y < LINES; y++)
        tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    snprintf(buf, sizeof(buf), "terminal too small (need %dx%d)", LAY_MIN_COLS, LAY_MIN_ROWS);
    tui_put(t, mid < 0 ? 0 : mid, 0, COLS, buf, TEXT_CENTER, theme_attr(TH_NOTICE));
    snprintf(buf, sizeof(buf), "now %dx%d - enlarge the window, or q to quit", COLS, LINES);
    tui_put(t, mid + 1, 0, COLS, buf, TEXT_CENTER, A_NORMAL);
    return false;
}

void help_draw(struct tui *t)
{
    static const char *const lines[] = {
            "Keys",
            "  Up/Down j/k     move the cursor (in a pane: scroll)",
            "  PgUp/PgDn       page up / down",
            "  g / G, Home/End first / last row",
            "  Enter           drill down into the component under the cursor",
            "  Tab / Shift-Tab next / previous pane of the component (Grafana: datasources,",
            "                  dashboards, alerting)",
            "  f               findings: what is wrong, why, and the next step (Esc back)",
            "  e               recent changes: each check's status changes, newest first",
            "  Esc, Backspace  back to the grid (in the grid: clear the filter)",
            "  /               filter rows by text (Enter keeps it, Esc clears)",
            "  s               cycle stacks: all, then each stack",
            "  r               sweep now",
            "  p               pause / resume sweeping",
            "  Ctrl-L          redraw the whole screen",
            "  ?               this help",
            "  q, Ctrl-C       quit",
            "",
            "Markers",
            "  OK WARN FAIL ?  component status: worst of its checks (? = no result yet)",
            "  spinner         a check of the component is in flight",
            "  stale 25s: ...  dimmed row: its newest result is older than 3 intervals",
            "  LAST / P95      readiness check latency: last and 95th percentile",
            "  SINCE           time since the component's status last changed",
            "  strip           above the footer: the most severe findings (f opens them all)",
    };
    tui_header(t, "help");
    int y = 1;
    for (size_t i = 0; i < ARRAY_LEN(lines) && y < LINES - 1; i++, y++)
        tui_put(t, y, 0, COLS, lines[i], TEXT_LEFT,
                lines[i][0] && lines[i][0] != ' ' ? theme_attr(TH_TITLE) : A_NORMAL);
    for (; y < LINES - 1; y++)
        tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    static const char *const hints[] = {"any key: back", "q quit"};
    tui_footer(t, hints, ARRAY_LEN(hints));
}

/* ---- the loop --------------------------------------------------------------------------- */
