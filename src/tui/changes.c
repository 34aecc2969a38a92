/* changes: the recent status changes of every check (state_changes), newest first — when,
 * from -> to, which check, its message; scrolls; Esc (or e) goes back to where it was opened. */
#include <stdio.h>

#include "lgtmtop/util.h"
#include "tui_int.h"

#define CHANGES_Y 2
#define CHANGES_MAX 200

static int changes_height(void)
{
    int h = LINES - 1 - CHANGES_Y;
    return h > 1 ? h : 1;
}

void changes_draw(struct tui *t)
{
    tui_header(t, "changes");
    static struct change ch[CHANGES_MAX]; /* the view's one buffer; the loop is single-threaded */
    size_t n = state_changes(t->s, 0, ch, CHANGES_MAX);
    char buf[256];
    if (n)
        snprintf(buf, sizeof(buf), " %zu status change%s, newest first (each check keeps its last %d)", n,
                 n == 1 ? "" : "s", STATE_TRANSITIONS);
    else
        snprintf(buf, sizeof(buf), " No status changes since the start.");
    tui_put(t, 1, 0, COLS, buf, TEXT_LEFT, theme_attr(TH_TITLE));

    struct lay_lines l = {0};
    for (size_t i = 0; i < n; i++)
        lay_change_lines(&ch[i], t->now, COLS - 2, t->ascii, &l);
    if (n && t->now + 1000 < t->next_change) /* "when" reads to the second here */
        t->next_change = t->now + 1000;
    tui_scrolled(t, CHANGES_Y, changes_height(), &l, &t->chg_sc);
    lay_lines_free(&l);

    static const char *const uni_hints[] = {
            "Esc back", "\xe2\x86\x91\xe2\x86\x93 scroll", "f findings", "r sweep", "q quit", "? help",
    };
    static const char *const asc_hints[] = {"Esc back", "j/k scroll", "f findings", "r sweep", "q quit", "? help"};
    tui_footer(t, t->ascii ? asc_hints : uni_hints, ARRAY_LEN(uni_hints));
}

int changes_key(struct tui *t, int ch) { return tui_scroll_key(&t->chg_sc, ch, changes_height()); }
