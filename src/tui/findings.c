/* findings: the full list of findings (diagnose) — severity, component, title, cause and the
 * next step, wrapped to the width; scrolls; Esc (or f) goes back to where it was opened. */
#include <stdio.h>

#include "lgtmtop/util.h"
#include "tui_int.h"

#define FIND_Y 2

static int find_height(void)
{
    int h = LINES - 1 - FIND_Y;
    return h > 1 ? h : 1;
}

void findings_draw(struct tui *t)
{
    tui_header(t, "findings");
    int nfail, nwarn;
    diagnose_counts(t->findings, t->nfindings, &nfail, &nwarn);
    char buf[256];
    if (t->nfindings)
        snprintf(buf, sizeof(buf), " %zu finding%s: %d FAIL, %d WARN (FAIL first)", t->nfindings,
                 t->nfindings == 1 ? "" : "s", nfail, nwarn);
    else
        snprintf(buf, sizeof(buf), " No findings: nothing in the latest results looks wrong.");
    tui_put(t, 1, 0, COLS, buf, TEXT_LEFT, theme_attr(TH_TITLE));

    struct lay_lines l = {0};
    for (size_t i = 0; i < t->nfindings; i++)
        lay_finding_lines(&t->findings[i], COLS - 2, t->ascii, &l);
    if (!t->nfindings)
        lay_lines_wrap(&l, 0, COLS - 2, t->ascii, LAYS_DIM, ST_UNKNOWN, NULL,
                       "Findings explain failures in plain words: a component down (refused, DNS, timeout, TLS), "
                       "not ready, a missing tenant or credentials, Tempo without spans or with closed OTLP "
                       "receivers, Loki or Mimir without data, a datasource only Grafana cannot reach.");
    t->find_lines = (int)l.n;
    int h = find_height();
    if (t->find_scroll > t->find_lines - h)
        t->find_scroll = t->find_lines - h;
    if (t->find_scroll < 0)
        t->find_scroll = 0;
    for (int row = 0; row < h; row++) {
        int y = FIND_Y + row;
        size_t i = (size_t)(t->find_scroll + row);
        if (i < l.n)
            tui_line(t, y, 1, &l.v[i]);
        else
            tui_put(t, y, 0, COLS, "", TEXT_LEFT, A_NORMAL);
    }
    if (t->find_lines > h) {
        int last = t->find_scroll + h < t->find_lines ? t->find_scroll + h : t->find_lines;
        snprintf(buf, sizeof(buf), " %d-%d/%d ", t->find_scroll + 1, last, t->find_lines);
        int w = text_width(buf, t->ascii);
        tui_put(t, 1, COLS - w - 1, w, buf, TEXT_RIGHT, theme_attr(TH_DIM));
    }
    lay_lines_free(&l);

    static const char *const uni_hints[] = {
            "Esc back", "\xe2\x86\x91\xe2\x86\x93 scroll", "r sweep", "p pause", "q quit", "? help",
    };
    static const char *const asc_hints[] = {"Esc back", "j/k scroll", "r sweep", "p pause", "q quit", "? help"};
    tui_footer(t, t->ascii ? asc_hints : uni_hints, ARRAY_LEN(uni_hints));
}

int findings_key(struct tui *t, int ch)
{
    int page = find_height() - 1 > 1 ? find_height() - 1 : 1;
    switch (ch) {
    case 27:
    case KEY_BACKSPACE:
    case 127:
    case 8:
    case 'h':
    case KEY_LEFT: return TK_HANDLED | TK_BACK;
    case 'j':
    case KEY_DOWN: t->find_scroll++; break;
    case 'k':
    case KEY_UP: t->find_scroll--; break;
    case KEY_NPAGE:
    case ' ': t->find_scroll += page; break;
    case KEY_PPAGE: t->find_scroll -= page; break;
    case 'g':
    case KEY_HOME: t->find_scroll = 0; break;
    case 'G':
    case KEY_END: t->find_scroll = t->find_lines; break;
    default: return 0;
    }
    if (t->find_scroll > t->find_lines - find_height())
        t->find_scroll = t->find_lines - find_height();
    if (t->find_scroll < 0)
        t->find_scroll = 0;
    return TK_HANDLED;
}
