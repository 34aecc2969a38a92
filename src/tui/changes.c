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
    t->chg_lines = (int)l.n;
    int h = changes_height();
    if (t->chg_scroll > t->chg_lines - h)
        t->chg_scroll = t->chg_lines - h;
    if (t->chg_scroll < 0)
        t->chg_scroll = 0;
    for (int row = 0; row < h; row++) {
        size_t i = (size_t)(t->chg_scroll + row);
        if (i < l.n)
            tui_line(t, CHANGES_Y + row, 1, &l.v[i]);
        else
            tui_put(t, CHANGES_Y + row, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    }
    if (t->chg_lines > h) {
        int last = t->chg_scroll + h < t->chg_lines ? t->chg_scroll + h : t->chg_lines;
        snprintf(buf, sizeof(buf), " %d-%d/%d ", t->chg_scroll + 1, last, t->chg_lines);
        int w = text_width(buf, t->ascii);
        tui_put(t, 1, COLS - w - 1, w, buf, TEXT_RIGHT, theme_attr(TH_DIM));
    }
    lay_lines_free(&l);

    static const char *const uni_hints[] = {
            "Esc back", "\xe2\x86\x91\xe2\x86\x93 scroll", "f findings", "r sweep", "q quit", "? help",
    };
    static const char *const asc_hints[] = {"Esc back", "j/k scroll", "f findings", "r sweep", "q quit", "? help"};
    tui_footer(t, t->ascii ? asc_hints : uni_hints, ARRAY_LEN(uni_hints));
}

int changes_key(struct tui *t, int ch)
{
    int page = changes_height() - 1 > 1 ? changes_height() - 1 : 1;
    switch (ch) {
    case 27:
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case 'h':
    case KEY_LEFT: return TK_HANDLED | TK_BACK;
    case 'j':
    case KEY_DOWN: t->chg_scroll++; break;
    case 'k':
    case KEY_UP: t->chg_scroll--; break;
    case KEY_NPAGE:
    case ' ': t->chg_scroll += page; break;
    case KEY_PPAGE: t->chg_scroll -= page; break;
    case 'g':
    case KEY_HOME: t->chg_scroll = 0; break;
    case 'G':
    case KEY_END: t->chg_scroll = t->chg_lines; break;
    default: return 0;
    }
    if (t->chg_scroll > t->chg_lines - changes_height())
        t->chg_scroll = t->chg_lines - changes_height();
    if (t->chg_scroll < 0)
        t->chg_scroll = 0;
    return TK_HANDLED;
}
