/* grid: the main screen — one row per component, grouped by stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "tui_int.h"

struct grid_item {
    int stack, comp; /* comp < 0: the stack's group line */
    int check;       /* >= 0: one check of a per-check component (custom checks) */
};

static size_t item_cap(const struct tui *t)
{
    size_t n = t->s->nstacks;
    STATE_FOR_EACH_COMP (t->s, st, c)
        n += 1 + c->nchecks;
    return n ? n : 1;
}

static void item_row(struct tui *t, const struct grid_item *it, struct lay_row *r)
{
    const struct comp_state *c = &t->s->stacks[it->stack].comps[it->comp];
    const char *stack = t->s->stacks[it->stack].name;
    if (it->check >= 0) {
        lay_row_from_check(&c->checks[it->check], stack, t->now, t->s->interval_ms, r);
    } else {
        struct tui_comp *m = &t->meta[it->stack][it->comp];
        lay_row_from_comp(c, stack, t->now, t->s->interval_ms, m->seen ? m->changed_ms : -1, r);
    }
}

static bool item_visible(struct tui *t, const struct grid_item *it)
{
    if (!t->filter[0])
        return true;
    struct lay_row r;
    item_row(t, it, &r);
    return lay_row_matches(&r, t->filter);
}

/* The visible rows; group lines only when several stacks are shown. Caller frees. */
static struct grid_item *build_items(struct tui *t, int *n, int *ncomp_rows)
{
    struct grid_item *it = xcalloc(item_cap(t), sizeof(*it));
    bool groups = t->view_stack < 0 && t->s->nstacks > 1;
    *n = 0;
    *ncomp_rows = 0;
    for (size_t i = 0; i < t->s->nstacks; i++) {
        if (t->view_stack >= 0 && (size_t)t->view_stack != i)
            continue;
        int group_at = -1;
        if (groups) {
            group_at = *n;
            it[(*n)++] = (struct grid_item){(int)i, -1, -1};
        }
        int shown = 0;
        for (size_t j = 0; j < t->s->stacks[i].ncomps; j++) {
            const struct comp_state *c = &t->s->stacks[i].comps[j];
            bool per_check = lay_comp_per_check(c);
            for (int k = per_check ? 0 : -1; k < (per_check ? (int)c->nchecks : 0); k++) {
                struct grid_item cand = {(int)i, (int)j, k};
                if (item_visible(t, &cand)) {
                    it[(*n)++] = cand;
                    shown++;
                }
            }
        }
        if (group_at >= 0 && shown == 0 && t->filter[0])
            (*n)--; /* no group line for a stack with nothing matching */
        *ncomp_rows += shown;
    }
    return it;
}

static const struct comp_state *item_comp(const struct tui *t, const struct grid_item *it)
{
    return it->comp < 0 ? NULL : &t->s->stacks[it->stack].comps[it->comp];
}

static void select_item(struct tui *t, const struct grid_item *it)
{
    t->sel = item_comp(t, it);
    t->sel_check = it->check;
}

/* Index of the selected item, re-anchoring the selection to the first row if it vanished. */
static int sel_index(struct tui *t, const struct grid_item *it, int n)
{
    int first = -1;
    for (int i = 0; i < n; i++) {
        const struct comp_state *c = item_comp(t, &it[i]);
        if (!c)
            continue;
        if (first < 0)
            first = i;
        if (c == t->sel && it[i].check == t->sel_check)
            return i;
    }
    if (first >= 0)
        select_item(t, &it[first]);
    else
        t->sel = NULL, t->sel_check = -1;
    return first;
}

const struct comp_state *grid_selected(struct tui *t, int *stack, int *check)
{
    int n, nc;
    struct grid_item *it = build_items(t, &n, &nc);
    int i = sel_index(t, it, n);
    const struct comp_state *c = NULL;
    if (i >= 0) {
        c = item_comp(t, &it[i]);
        *stack = it[i].stack;
        *check = it[i].check;
    }
    free(it);
    return c;
}

void grid_init(struct tui *t)
{
    t->screen = SCR_GRID;
    t->sel = NULL;
    t->sel_check = -1;
    t->top = 0;
    t->filter[0] = 0;
    t->filter_edit = false;
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void draw_group(struct tui *t, int y, int stack)
{
    const struct stack_state *st = &t->s->stacks[stack];
    enum status worst = stack_status(st);
    bool any = worst != ST_UNKNOWN;
    tui_rule(t, y, 0, COLS, theme_attr(TH_GROUP));
    char buf[160];
    snprintf(buf, sizeof(buf), " %s ", st->name);
    int x = 2, w = text_width(buf, t->ascii);
    tui_put(t, y, x, w, buf, TEXT_LEFT, theme_attr(TH_GROUP));
    x += w;
    snprintf(buf, sizeof(buf), " %s ", lay_badge(worst, any));
    w = text_width(buf, t->ascii);
    tui_put(t, y, x, w, buf, TEXT_LEFT, theme_badge(worst, any));
    x += w;
    snprintf(buf, sizeof(buf), " %zu component%s ", st->ncomps, st->ncomps == 1 ? "" : "s");
    w = text_width(buf, t->ascii);
    tui_put(t, y, x, w, buf, TEXT_LEFT, theme_attr(TH_GROUP));
}

static void draw_spark(struct tui *t, int y, int x, int w, const struct lay_row *r, attr_t extra)
{
    int first = r->nhist > w ? r->nhist - w : 0, shown = r->nhist - first;
    int levels[STATE_HIST_LEN];
    lay_spark_levels(r->hist_ms + first, shown, levels);
    int x0 = x + (w - shown);
    for (int i = 0; i < shown; i++) {
        attrset(theme_status(r->hist_st[first + i], true) | extra);
        mvaddstr(y, x0 + i, lay_spark_glyph(levels[i], t->ascii));
    }
    attrset(A_NORMAL);
}

static void draw_row(struct tui *t, int y, const struct lay_columns *lc, const struct grid_item *item, bool selected)
{
    struct lay_row r;
    item_row(t, item, &r);
    attr_t dim = r.stale ? theme_attr(TH_STALE) : 0;
    attr_t base = (selected ? theme_attr(TH_SELECTED) : A_NORMAL) | dim;
    tui_put(t, y, 0, COLS, "", TEXT_LEFT, base);
    char cell[LAY_CELL_MAX * 2];
    for (int col = 0; col < LAYC_COUNT; col++) {
        int w = lc->w[col], x = lc->x[col];
        if (!w)
            continue;
        attr_t a = base;
        switch (col) {
        case LAYC_CURSOR: tui_put(t, y, x, w, selected ? ">" : " ", TEXT_LEFT, base | A_BOLD); continue;
        case LAYC_BADGE: a = theme_badge(r.status, r.ran) | dim; break;
        case LAYC_MARK: a = base | A_BOLD; break;
        case LAYC_SPARK:
            /* not reversed on the cursor row: inverted bars read as noise */
            draw_spark(t, y, x, w, &r, dim);
            continue;
        case LAYC_MSG:
            if (!selected && !r.stale && r.ran && r.status >= ST_WARN)
                a = theme_status(r.status, true);
            break;
        default: break;
        }
        if (col == LAYC_AGE || (col == LAYC_MSG && r.stale)) { /* the clock moves these */
            char age[24];
            tui_age(t, col == LAYC_AGE ? r.age_ms : r.stale_ms, age, sizeof(age));
        }
        lay_cell(&r, (enum lay_col)col, w, t->ascii, t->tick, cell, sizeof(cell));
        tui_put(t, y, x, w, cell, TEXT_LEFT, a);
    }
}

void grid_draw(struct tui *t)
{
    tui_header(t, NULL);
    int n, ncomp;
    struct grid_item *it = build_items(t, &n, &ncomp);
    int longest = 0;
    for (int i = 0; i < n; i++) {
        if (it[i].check < 0)
            continue;
        const struct check_state *cs = &t->s->stacks[it[i].stack].comps[it[i].comp].checks[it[i].check];
        int w = text_width(cs->def->name, t->ascii);
        longest = w > longest ? w : longest;
    }
    struct lay_columns lc;
    lay_columns_named(COLS, longest, &lc);
    tui_put(t, 1, 0, COLS, "", TEXT_LEFT, theme_attr(TH_TITLE));
    for (int col = 0; col < LAYC_COUNT; col++)
        if (lc.w[col])
            tui_put(t, 1, lc.x[col], lc.w[col], lay_col_title((enum lay_col)col), lay_col_align((enum lay_col)col),
                    theme_attr(TH_TITLE));

    int sel = sel_index(t, it, n);
    /* the findings strip above the footer: two lines when the rows still fit, else one */
    int strip = t->nfindings > 1 ? 2 : (int)t->nfindings;
    if (strip == 2 && n > LINES - 3 - 2)
        strip = 1;
    struct lay_lines sl = {0};
    strip = lay_findings_strip(t->findings, t->nfindings, COLS, strip, t->ascii, &sl);
    int y0 = 2, height = LINES - 3 - strip;
    if (height < 1)
        height = 1;
    /* keep the cursor visible, with its group line when there is room */
    if (sel >= 0) {
        int want_top = sel > 0 && it[sel - 1].comp < 0 ? sel - 1 : sel;
        if (want_top < t->top)
            t->top = want_top;
        if (sel >= t->top + height)
            t->top = sel - height + 1;
    }
    if (t->top > n - height)
        t->top = n - height;
    if (t->top < 0)
        t->top = 0;
    for (int row = 0; row < height; row++) {
        int y = y0 + row, i = t->top + row;
        if (i >= n) {
            tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
            continue;
        }
        if (it[i].comp < 0)
            draw_group(t, y, it[i].stack);
        else
            draw_row(t, y, &lc, &it[i], i == sel);
    }
    if (ncomp == 0) {
        char buf[128];
        if (t->filter[0])
            snprintf(buf, sizeof(buf), "no component matches \"%s\" (Esc clears the filter)", t->filter);
        else
            snprintf(buf, sizeof(buf), "no components configured for this stack");
        tui_put(t, y0 + 1, 2, COLS - 2, buf, TEXT_LEFT, theme_attr(TH_NOTICE));
    }
    free(it);
    for (int i = 0; i < strip; i++)
        tui_line(t, y0 + height + i, 0, &sl.v[i]);
    lay_lines_free(&sl);

    /* the footer: what does not fit at this width goes, least needed first (all are on ?) */
    const char *hints[10];
    size_t nh = 0;
    hints[nh++] = t->ascii ? "j/k move" : "\xe2\x86\x91\xe2\x86\x93 move";
    hints[nh++] = "Enter details";
    hints[nh++] = "f findings";
    hints[nh++] = "e changes";
    hints[nh++] = "/ filter";
    if (t->s->nstacks > 1)
        hints[nh++] = "s stack";
    hints[nh++] = "r sweep";
    hints[nh++] = "p pause";
    hints[nh++] = "q quit";
    hints[nh++] = "? help";
    static const char *const drop[] = {"p pause", "r sweep", "/ filter"};
    for (size_t d = 0; d < ARRAY_LEN(drop); d++) {
        int need = 0;
        for (size_t i = 0; i < nh; i++)
            need += text_width(hints[i], t->ascii) + 2;
        if (need - 1 <= COLS)
            break;
        for (size_t i = 0; i < nh; i++)
            if (strcmp(hints[i], drop[d]) == 0) {
                memmove(&hints[i], &hints[i + 1], (nh - i - 1) * sizeof(*hints));
                nh--;
                break;
            }
    }
    tui_footer(t, hints, nh);
}

/* ---- keys ------------------------------------------------------------------------------- */

static void move_sel(struct tui *t, int delta, bool absolute)
{
    int n, nc;
    struct grid_item *it = build_items(t, &n, &nc);
    int cur = sel_index(t, it, n);
    if (cur >= 0) {
        /* positions of component rows only */
        int idx = 0, pos = 0;
        for (int i = 0; i < n; i++)
            if (it[i].comp >= 0) {
                if (i == cur)
                    pos = idx;
                idx++;
            }
        int target = absolute ? (delta < 0 ? 0 : idx - 1) : pos + delta;
        if (target < 0)
            target = 0;
        if (target > idx - 1)
            target = idx - 1;
        idx = 0;
        for (int i = 0; i < n; i++)
            if (it[i].comp >= 0 && idx++ == target)
                select_item(t, &it[i]);
    }
    free(it);
}

static int filter_key(struct tui *t, int ch)
{
    size_t len = strlen(t->filter);
    switch (ch) {
    case 27:
        t->filter[0] = 0;
        t->filter_edit = false;
        return TK_HANDLED;
    case '\n':
    case '\r':
    case KEY_ENTER: t->filter_edit = false; return TK_HANDLED;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (len)
            t->filter[len - 1] = 0;
        else
            t->filter_edit = false;
        return TK_HANDLED;
    case 21: /* Ctrl-U */ t->filter[0] = 0; return TK_HANDLED;
    case KEY_UP:
    case KEY_DOWN: move_sel(t, ch == KEY_UP ? -1 : 1, false); return TK_HANDLED;
    default:
        if (ch >= 32 && ch < 127 && len + 1 < sizeof(t->filter)) {
            t->filter[len] = (char)ch;
            t->filter[len + 1] = 0;
        }
        return TK_HANDLED;
    }
}

int grid_key(struct tui *t, int ch)
{
    if (t->filter_edit)
        return filter_key(t, ch);
    int page = LINES - 4 > 1 ? LINES - 4 : 1;
    switch (ch) {
    case 'j':
    case KEY_DOWN: move_sel(t, 1, false); return TK_HANDLED;
    case 'k':
    case KEY_UP: move_sel(t, -1, false); return TK_HANDLED;
    case KEY_NPAGE:
    case ' ': move_sel(t, page, false); return TK_HANDLED;
    case KEY_PPAGE: move_sel(t, -page, false); return TK_HANDLED;
    case 'g':
    case KEY_HOME: move_sel(t, -1, true); return TK_HANDLED;
    case 'G':
    case KEY_END: move_sel(t, 1, true); return TK_HANDLED;
    case '\n':
    case '\r':
    case KEY_ENTER:
    case 'l':
    case KEY_RIGHT: return TK_HANDLED | TK_OPEN;
    case '/': t->filter_edit = true; return TK_HANDLED;
    case 27: t->filter[0] = 0; return TK_HANDLED;
    case 's':
        if (t->s->nstacks > 1) {
            t->view_stack = t->view_stack + 1 >= (int)t->s->nstacks ? -1 : t->view_stack + 1;
            t->top = 0;
            if (t->view_stack < 0)
                tui_note(t, "all stacks");
            else
                tui_note(t, "stack %s", t->s->stacks[t->view_stack].name);
        } else {
            tui_note(t, "only one stack: %s", t->s->nstacks ? t->s->stacks[0].name : "-");
        }
        return TK_HANDLED;
    default: return 0;
    }
}
