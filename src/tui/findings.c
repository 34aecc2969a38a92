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
    tui_scrolled(t, FIND_Y, find_height(), &l, &t->find_sc);
    lay_lines_free(&l);

    static const char *const uni_hints[] = {
            "Esc back", "\xe2\x86\x91\xe2\x86\x93 scroll", "r sweep", "p pause", "q quit", "? help",
    };
    static const char *const asc_hints[] = {"Esc back", "j/k scroll", "r sweep", "p pause", "q quit", "? help"};
    tui_footer(t, t->ascii ? asc_hints : uni_hints, ARRAY_LEN(uni_hints));
}

int findings_key(struct tui *t, int ch) { return tui_scroll_key(&t->find_sc, ch, find_height()); }
