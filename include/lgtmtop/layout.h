/* layout: what text goes in which cell of the live view. Pure: no curses, no clock, no I/O;
 * every function writes into a caller buffer (always NUL-terminated) and the TUI only places
 * the result. Widths are terminal columns, not bytes. In src/tui/: format.c (numbers, timings,
 * glyphs), layout.c (grid columns and rows), lines.c (pane lines: findings, Grafana tables);
 * the text itself (width, fitting, wrapping) is text.h. */
#ifndef LGTMTOP_LAYOUT_H
#define LGTMTOP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/state.h"
#include "lgtmtop/status.h"
#include "lgtmtop/text.h"

struct cJSON;

#define LAY_MIN_COLS 80
#define LAY_MIN_ROWS 24
#define LAY_CELL_MAX TEXT_CELL_MAX /* enough for any cell at any width we draw */
#define LAY_FIGURE_VARIANTS 3      /* key figure: long, medium, short */

/* ---- numbers and durations ------------------------------------------------------------- */

/* "0", "0.25", "12.3", "999", "1.2k", "34k", "3.4M", "5.6G", "7.8T". NaN/inf -> "-". */
char *lay_num(double v, char *out, size_t outlen);
/* lay_num + unit, e.g. lay_rate(12.34, "/s") -> "12.3/s". */
char *lay_rate(double v, const char *unit, char *out, size_t outlen);
/* A timing in microseconds: "-" (< 0), "0.08ms", "1.2ms", "850ms", "1.23s", "12.3s". */
char *lay_us(long us, char *out, size_t outlen);
/* An age, at a resolution that moves once a second only in its first minute: "-" (< 0),
 * "0s", "59s", "3m", "2h10m", "4d3h". */
char *lay_age(long long ms, char *out, size_t outlen);
/* Milliseconds until lay_age(ms) reads differently: a second below a minute, a minute below a
 * day, then an hour (LLONG_MAX for "-"). The live view sleeps that long when nothing else
 * moves. */
long long lay_age_next(long long ms);
/* A duration to the second ("5s", "1m30s", "2m"): the sweep interval. */
char *lay_age_exact(long long ms, char *out, size_t outlen);

/* ---- glyphs ---------------------------------------------------------------------------- */

/* Sparkline levels: 0 = no value (v < 0), else 1..8 scaled to the largest value. */
void lay_spark_levels(const long *v, int n, int *levels);
/* One glyph per level: Unicode ▁▂▃▄▅▆▇█ (level 0: "×"), ASCII "_.-=^" (level 0: "x"). */
const char *lay_spark_glyph(int level, bool ascii);
/* The last `width` values as a sparkline, right-aligned (padded on the left with spaces). */
char *lay_sparkline(const long *v, int n, int width, bool ascii, char *out, size_t outlen);

/* Spinner frame for a tick counter (braille dots, or "|/-\" in ascii). */
const char *lay_spinner(unsigned tick, bool ascii);
/* Horizontal rule glyph: "─" or "-". */
const char *lay_hline(bool ascii);

/* ---- the grid -------------------------------------------------------------------------- */

enum lay_col {
    LAYC_CURSOR = 0, /* ">" on the selected row */
    LAYC_MARK,       /* spinner while a check is in flight */
    LAYC_BADGE,      /* OK / WARN / FAIL / ? */
    LAYC_NAME,
    LAYC_ENDPOINT,
    LAYC_LAST, /* last latency of the readiness check */
    LAYC_P95,
    LAYC_SPARK,
    LAYC_FIGURE, /* the component's key figure */
    LAYC_AGE,    /* since the last status change */
    LAYC_MSG,    /* takes the rest */
    LAYC_COUNT
};

struct lay_columns {
    int x[LAYC_COUNT];
    int w[LAYC_COUNT]; /* 0 = column dropped */
};

/* Column placement for a terminal `width` columns wide. Columns drop in priority order as
 * the terminal narrows (sparkline, p95, endpoint, age, last latency) so the message keeps a
 * useful width; flexible columns (endpoint, figure, name) shrink before anything drops. */
void lay_columns(int width, struct lay_columns *out);
/* Same, with the name column as wide as the longest name (11..24 columns; custom checks have
 * longer names than components). */
void lay_columns_named(int width, int longest_name, struct lay_columns *out);
const char *lay_col_title(enum lay_col c);
enum text_align lay_col_align(enum lay_col c);

/* How late (past an interval after its last answer) a check in flight must be to spin. */
#define LAY_SPIN_AFTER_MS 500

/* Everything a grid row shows, extracted from the model. */
struct lay_row {
    const char *stack;
    const char *name;
    const char *endpoint;
    const char *message;
    enum status status;
    bool ran;             /* at least one check has a result */
    bool pending;         /* a check is in flight (with results: for LAY_SPIN_AFTER_MS past due) */
    bool skipped;         /* a check row whose check skipped (reads SKIP) */
    bool stale;           /* the newest result is older than 3 intervals */
    long long stale_ms;   /* age of the newest result when stale */
    long last_ms, p95_ms; /* readiness-check latency; -1 = none */
    long hist_ms[STATE_HIST_LEN];
    enum status hist_st[STATE_HIST_LEN];
    int nhist;
    long long age_ms; /* since the component's status last changed; -1 = unknown */
    char figure[LAY_FIGURE_VARIANTS][96];
    char endpoint_buf[96]; /* storage for endpoint when it is derived */
};

/* Fills a row from a component. changed_ms is when the viewer last saw the component's
 * status change (-1 = not known: the newest check change is used). */
void lay_row_from_comp(const struct comp_state *c, const char *stack, long long now_ms, long interval_ms,
                       long long changed_ms, struct lay_row *r);

/* Whether a component is shown as one row per check: the stack's custom checks (the
 * pseudo-component "checks"), which are independent of one another. */
bool lay_comp_per_check(const struct comp_state *c);

/* Fills a row from one check (a custom check's row): its own status, latency history, age
 * and message; the figure is its first value. */
void lay_row_from_check(const struct check_state *cs, const char *stack, long long now_ms, long interval_ms,
                        struct lay_row *r);

/* The key figure of a component in LAY_FIGURE_VARIANTS forms, longest first; values that do
 * not exist (yet) show as "-". */
void lay_figure(const struct comp_state *c, char out[LAY_FIGURE_VARIANTS][96]);
/* The first variant that fits width, else the shortest truncated. */
int lay_figure_pick(const char variants[LAY_FIGURE_VARIANTS][96], int width, bool ascii, char *out, size_t outlen);

/* Badge word for a status: "OK", "WARN", "FAIL", "?" (no result yet). */
const char *lay_badge(enum status st, bool ran);

/* The text of one cell, fitted to exactly width columns. tick drives the spinner. */
void lay_cell(const struct lay_row *r, enum lay_col col, int width, bool ascii, unsigned tick, char *out,
              size_t outlen);

/* Whether a row matches a filter (component, stack, endpoint, status, message). */
bool lay_row_matches(const struct lay_row *r, const char *filter);

/* ---- lines for the panes (findings, Grafana tables) ----------------------------------- */

/* A line of pane text, already fitted or wrapped to the width it was built for; the TUI only
 * places it (x = indent) and colors it: the whole line by style, then up to LAY_LINE_SPANS
 * column ranges by status (a badge or a status word). */
enum lay_style { LAYS_NORMAL = 0, LAYS_TITLE, LAYS_DIM, LAYS_BOLD, LAYS_STATUS /* colored by st */ };

#define LAY_LINE_SPANS 6
struct lay_span {
    int x, w; /* columns from the start of text */
    enum status st;
    bool badge; /* a badge (block) rather than colored text */
};

struct lay_line {
    char text[LAY_CELL_MAX];
    int indent;
    enum lay_style style;
    enum status st;
    struct lay_span span[LAY_LINE_SPANS];
    int nspan;
};

/* A growing list of lines (zero-initialise; lay_lines_free releases). */
struct lay_lines {
    struct lay_line *v;
    size_t n, cap;
};

void lay_lines_free(struct lay_lines *l);
/* Appends one line (text fitted to width - indent columns) and returns it for spans. */
struct lay_line *lay_lines_add(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style,
                               enum status st, const char *text);
/* Appends text word-wrapped to width - indent columns (first line prefixed by prefix, the
 * following lines indented by the prefix's width); returns the number of lines added. */
int lay_lines_wrap(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style, enum status st,
                   const char *prefix, const char *text);

/* The findings strip of the grid: at most max_lines lines of `width` columns for f[0..n)
 * (FAIL first, as diagnose returns them). One line per finding ("FAIL demo/tempo: title")
 * while they fit; the last line ends with "+N more" when some are left out; with room for
 * one line only, the first finding and "+N more". Each line has a badge span on its
 * severity. Returns the lines added (0 when n == 0 or max_lines < 1). */
int lay_findings_strip(const struct finding *f, size_t n, int width, int max_lines, bool ascii, struct lay_lines *out);

/* One finding in full for the findings pane: a heading (badge, stack/component, title), the
 * cause, and the next step prefixed by an arrow, wrapped to width; then an empty line. */
void lay_finding_lines(const struct finding *f, int width, bool ascii, struct lay_lines *out);

/* One status change for the changes pane: "  3m05s ago   OK  ->  FAIL   stack/component check"
 * (badge spans on both statuses), then its message wrapped under it. now_ms is the clock of
 * the change's time. */
void lay_change_lines(const struct change *c, long long now_ms, int width, bool ascii, struct lay_lines *out);

/* The Grafana tables, from the `data` of its checks (docs/grafana.md); a NULL or malformed
 * data adds one dim line saying so. Datasources: one row each (status, name, type, Grafana's
 * side, lgtmtop's direct side; status words colored), followed for rows that are not OK by
 * both sides' messages and the finding. */
void lay_grafana_datasources(const struct cJSON *data, int width, bool ascii, struct lay_lines *out);
/* Dashboards, worst first (FAIL, WARN, OK; stable): status, title, folder, references, and
 * under each its missing / deprecated datasources (with panels and the replacement),
 * unresolved import placeholders, fetch errors and notes. */
void lay_grafana_dashboards(const struct cJSON *data, int width, bool ascii, struct lay_lines *out);
/* Alerting: counts, rules by state, rule groups, failing rules, rules whose datasource is
 * missing, policy receivers without a contact point, expected groups missing, firing alerts. */
void lay_grafana_alerting(const struct cJSON *data, int width, bool ascii, struct lay_lines *out);

/* Why a check has nothing to show yet: "not run yet", "in flight, no result yet", its skip
 * message, or "no data: <summary>" when it ran without data. NULL when it has data. */
const char *lay_check_no_data(const struct check_state *cs, char *buf, size_t len);

#endif
