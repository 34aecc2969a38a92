/* theme: color pairs on the user's own background, and a monochrome fallback designed in
 * (FAIL = bold+reverse, WARN = bold, stale = dim) for terminals without color, --no-color and
 * NO_COLOR. */
#include "tui_int.h"

enum {
    P_GREEN = 1,
    P_YELLOW,
    P_RED,
    P_BADGE_OK,
    P_BADGE_WARN,
    P_BADGE_FAIL,
    P_HEADER,
    P_CYAN,
    P_KEY,
};

static bool use_color;

void theme_init(bool color)
{
    use_color = color && has_colors();
    if (!use_color)
        return;
    start_color();
    short fg = -1, bg = -1;
    if (use_default_colors() == ERR)
        fg = COLOR_WHITE, bg = COLOR_BLACK;
    init_pair(P_GREEN, COLOR_GREEN, bg);
    init_pair(P_YELLOW, COLOR_YELLOW, bg);
    init_pair(P_RED, COLOR_RED, bg);
    init_pair(P_BADGE_OK, COLOR_BLACK, COLOR_GREEN);
    init_pair(P_BADGE_WARN, COLOR_BLACK, COLOR_YELLOW);
    init_pair(P_BADGE_FAIL, COLOR_WHITE, COLOR_RED);
    init_pair(P_HEADER, COLOR_WHITE, COLOR_BLUE);
    init_pair(P_CYAN, COLOR_CYAN, bg);
    init_pair(P_KEY, COLOR_BLACK, COLOR_CYAN);
    (void)fg;
}

bool theme_color(void) { return use_color; }

attr_t theme_attr(enum theme_item it)
{
    switch (it) {
    case TH_HEADER: return use_color ? COLOR_PAIR(P_HEADER) | A_BOLD : A_REVERSE;
    case TH_TITLE: return A_BOLD;
    case TH_FOOTER: return A_NORMAL;
    case TH_KEY: return use_color ? COLOR_PAIR(P_KEY) : A_BOLD;
    case TH_SELECTED: return A_REVERSE;
    case TH_STALE: return A_DIM;
    case TH_DIM: return A_DIM;
    case TH_GROUP: return use_color ? COLOR_PAIR(P_CYAN) | A_BOLD : A_BOLD;
    case TH_TAB: return A_NORMAL;
    case TH_TAB_ACTIVE: return A_REVERSE | A_BOLD;
    case TH_NOTICE: return use_color ? COLOR_PAIR(P_YELLOW) | A_BOLD : A_BOLD;
    default: return A_NORMAL;
    }
}

attr_t theme_status(enum status st, bool ran)
{
    if (!ran || st == ST_UNKNOWN)
        return A_DIM;
    switch (st) {
    case ST_OK: return use_color ? COLOR_PAIR(P_GREEN) : A_NORMAL;
    case ST_WARN: return use_color ? COLOR_PAIR(P_YELLOW) | A_BOLD : A_BOLD;
    case ST_FAIL: return use_color ? COLOR_PAIR(P_RED) | A_BOLD : A_BOLD;
    default: return A_NORMAL;
    }
}

attr_t theme_badge(enum status st, bool ran)
{
    if (!ran || st == ST_UNKNOWN)
        return A_DIM;
    switch (st) {
    case ST_OK: return use_color ? COLOR_PAIR(P_BADGE_OK) : A_NORMAL;
    case ST_WARN: return use_color ? COLOR_PAIR(P_BADGE_WARN) | A_BOLD : A_BOLD;
    case ST_FAIL: return use_color ? COLOR_PAIR(P_BADGE_FAIL) | A_BOLD : A_BOLD | A_REVERSE;
    default: return A_NORMAL;
    }
}
