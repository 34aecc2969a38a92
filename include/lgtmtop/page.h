/* page: the status page `lgtmtop serve` answers on / — the grid of every stack's components
 * and their checks, the findings with cause and next step, and recent status changes. One
 * self-contained HTML document: no script, no external asset (works offline, behind a proxy),
 * a phone-width layout, light and dark by prefers-color-scheme, refreshing itself. Every string
 * is HTML-escaped (a datasource named <script> stays text). Pure: state and times in, text out;
 * statuses are the verdict's (call verdict_update first). */
#ifndef LGTMTOP_PAGE_H
#define LGTMTOP_PAGE_H

#include <stdbool.h>

#include "lgtmtop/state.h"
#include "lgtmtop/util.h"

struct page_meta {
    long long now_mono_ms;    /* the clock of check_state.updated_ms */
    long long now_wall_ms;    /* wall clock at the same moment */
    bool ready;               /* a complete sweep has finished */
    long long sweep_wall_ms;  /* when the last complete sweep started (wall), 0 = none */
    long sweep_ms;            /* how long it took */
    const char *config_path;  /* NULL = zero-config */
    const char *reload_error; /* the last reload's failure, NULL when it worked */
};

/* The document; a new string the caller frees. */
char *page_html(const struct state *s, const struct page_meta *m);

/* Appends s HTML-escaped (& < > " ' as entities; control characters as spaces), for text and
 * attribute values alike. */
void page_escape(struct buf *b, const char *s);

#endif
