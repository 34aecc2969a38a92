/* tui_int: what the TUI's files share — the view state, key flags, theme and drawing helpers.
 * Private to src/tui/. Every screen exports X_init / X_draw / X_key; keys return flags and
 * the loop in tui.c acts on them. */
#ifndef LGTMTOP_TUI_INT_H
#define LGTMTOP_TUI_INT_H

#include <curses.h>
#include <stdbool.h>

#include "lgtmtop/cli.h"
#include "lgtmtop/config.h"
#include "lgtmtop/diagnose.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/layout.h"
#include "lgtmtop/state.h"

/* What a key did; the loop decides what happens next. */
enum tk_flags {
    TK_HANDLED = 1 << 0,
    TK_REDRAW = 1 << 1, /* relayout from scratch (resize, Ctrl-L) */
    TK_QUIT = 1 << 2,
    TK_SWEEP = 1 << 3,    /* sweep now */
    TK_PAUSE = 1 << 4,    /* toggle pause */
    TK_OPEN = 1 << 5,     /* open the drill-down for the selected row */
    TK_BACK = 1 << 6,     /* back to the grid */
    TK_HELP = 1 << 7,     /* show the key help */
    TK_FINDINGS = 1 << 8, /* open (or close) the findings pane */
    TK_CHANGES = 1 << 9,  /* open (or close) the recent changes pane */
};

/* ---- theme ------------------------------------------------------------------------------ */

enum theme_item {
    TH_NORMAL = 0,
    TH_HEADER, /* top bar */
    TH_TITLE,  /* column titles */
    TH_FOOTER,
    TH_KEY,      /* a key name in the footer */
    TH_SELECTED, /* the cursor row */
    TH_STALE,    /* results older than 3 intervals */
    TH_DIM,
    TH_GROUP, /* stack group line */
    TH_TAB,
    TH_TAB_ACTIVE,
    TH_NOTICE, /* "terminal too small", prompts */
    TH_COUNT
};

void theme_init(bool color);
bool theme_color(void);
attr_t theme_attr(enum theme_item it);
/* Text attribute for a status (WARN/FAIL text, OK green; monochrome: FAIL bold, WARN bold). */
attr_t theme_status(enum status st, bool ran);
/* Badge attribute (colored block; monochrome: FAIL bold+reverse, WARN bold, unknown dim). */
attr_t theme_badge(enum status st, bool ran);

/* ---- the view state --------------------------------------------------------------------- */

struct rate_ring {
    enum value_key key;
    long long last_ms; /* counter sample time of the newest rate */
    double v[STATE_HIST_LEN];
    int len, pos;
};

/* What the view remembers per component beyond the model. */
struct tui_comp {
    bool seen; /* has a status */
    enum status last;
    long long changed_ms; /* when the view saw the status change */
    struct rate_ring rates[STATE_MAX_COUNTERS];
    int nrates;
};

enum screen_id { SCR_GRID = 0, SCR_PANE, SCR_FINDINGS, SCR_CHANGES };
/* Every pane there is; a component shows a subset (pane_list), Grafana all of them. */
enum pane_id {
    PANE_CHECKS = 0,
    PANE_DATASOURCES,
    PANE_DASHBOARDS,
    PANE_ALERTING,
    PANE_DETAILS,
    PANE_FIGURES,
    PANE_COUNT
};

/* A list view's scroll offset and how many lines it had when last drawn. */
struct tui_scroll {
    int top, lines;
};

struct tui {
    struct state *s;
    const struct config *cfg;
    /* SIGHUP: the loader, and a loaded config waiting for the running sweep to end */
    const struct cli *cli;
    struct config *cfg_mut; /* == cfg, the caller's: a reload replaces its contents */
    cli_load_fn load;
    struct config next;
    bool has_next;
    bool reload_failed; /* the last reload did not load: the header says so until one does */
    struct engine *e;
    struct tui_comp **meta; /* meta[stack][comp], parallel to the state */
    bool ascii, color;
    bool paused;
    long long now; /* monotonic ms of this loop turn */
    long long next_sweep;
    unsigned tick; /* spinner */
    /* When the frame just drawn would next read differently by the clock alone (an age label
     * moving on), so an idle loop sleeps until then: set by tui_age while drawing. */
    long long next_change;
    int view_stack; /* -1 = all stacks, else an index */
    enum screen_id screen;
    bool help;
    char note[160]; /* transient footer note */
    long long note_until;

    /* grid */
    char filter[64];
    bool filter_edit;
    const struct comp_state *sel; /* selected component (kept across filter/stack changes) */
    int sel_check;                /* and check, for components shown per check; else -1 */
    int top;                      /* first visible row */

    /* drill-down */
    const struct comp_state *pane_comp;
    int pane_stack;
    int pane_focus; /* check to scroll to on the next draw, -1 = none */
    int pane_focus_line;
    enum pane_id pane;
    struct tui_scroll pane_sc; /* lines: of the last drawn pane */

    /* findings: recomputed by the loop when results change (diagnose), drawn by every screen */
    struct finding findings[DIAGNOSE_MAX_FINDINGS];
    size_t nfindings;
    unsigned long long diag_sig; /* fingerprint of the results findings were computed from */
    long long diag_ms;
    enum screen_id findings_back; /* screen to return to from the findings pane */
    struct tui_scroll find_sc;

    /* recent changes (state_changes), drawn from the state on each frame */
    enum screen_id changes_back; /* screen to return to from the changes pane */
    struct tui_scroll chg_sc;
};

struct tui_comp *tui_meta(struct tui *t, const struct comp_state *c);
void tui_note(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- drawing helpers (stdscr) ----------------------------------------------------------- */

/* Text fitted into exactly width columns at y,x with attr. */
void tui_put(const struct tui *t, int y, int x, int width, const char *text, enum text_align al, attr_t attr);
/* lay_age for the frame being drawn; notes when its label changes (next_change). */
char *tui_age(struct tui *t, long long ms, char *out, size_t outlen);
/* A horizontal rule. */
void tui_rule(const struct tui *t, int y, int x, int width, attr_t attr);
/* The shared top bar (title may be NULL): stacks, overall status, interval, last sweep, counts. */
void tui_header(struct tui *t, const char *title);
/* The bottom line: hints as "key:label" pairs separated by two spaces, or a prompt. */
void tui_footer(struct tui *t, const char *const *hints, size_t nhints);
/* One prepared line (lay_lines) at y, x: its style, then its colored spans. */
void tui_line(const struct tui *t, int y, int x, const struct lay_line *ln);
/* Keeps sc->top within [0, lines - height]. */
void tui_scroll_clamp(struct tui_scroll *sc, int height);
/* Draws l into rows [y, y + height) from sc->top (clamped; rows past the end cleared) and,
 * when it does not fit, "a-b/n" at the right of row 1. */
void tui_scrolled(struct tui *t, int y, int height, const struct lay_lines *l, struct tui_scroll *sc);
/* The keys every list view scrolls with (j/k, arrows, pages, g/G); the back keys (Esc, h,
 * Left, Backspace) answer TK_HANDLED | TK_BACK; any other key 0. */
int tui_scroll_key(struct tui_scroll *sc, int ch, int height);
/* True when the terminal is at least 80x24; otherwise draws the notice. */
bool tui_size_ok(struct tui *t);

/* ---- screens ---------------------------------------------------------------------------- */

void grid_init(struct tui *t);
void grid_draw(struct tui *t);
int grid_key(struct tui *t, int ch);
/* The component under the cursor (NULL when no rows are visible), its stack index and the
 * check of a per-check row (-1 for a component row). */
const struct comp_state *grid_selected(struct tui *t, int *stack, int *check);

/* Opens the drill-down of c; check >= 0 scrolls its Checks pane to that check. */
void pane_init(struct tui *t, const struct comp_state *c, int stack, int check);
void pane_draw(struct tui *t);
int pane_key(struct tui *t, int ch);

void help_draw(struct tui *t);

/* The findings pane: every finding in full (severity, component, title, cause, next step). */
void findings_draw(struct tui *t);
int findings_key(struct tui *t, int ch);

/* The changes pane: every check's recent status changes, newest first (state_changes). */
void changes_draw(struct tui *t);
int changes_key(struct tui *t, int ch);

#endif
