/* lines: the styled, wrapped lines of the panes — findings (strip and pane) and the Grafana
 * datasources, dashboards and alerting tables. Pure (layout.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/config.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/layout.h"
#include "lgtmtop/report.h"
#include "lgtmtop/text.h"
#include "lgtmtop/util.h"

/* ---- lines for the panes ---------------------------------------------------------------- */

void lay_lines_free(struct lay_lines *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

struct lay_line *lay_lines_add(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style,
                               enum status st, const char *text)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    struct lay_line *ln = &l->v[l->n++];
    memset(ln, 0, sizeof(*ln));
    ln->indent = indent < 0 ? 0 : indent;
    ln->style = style;
    ln->st = st;
    int w = width - ln->indent;
    /* trailing spaces (a table's last separator) never count against the width */
    char tmp[LAY_CELL_MAX * 2];
    snprintf(tmp, sizeof(tmp), "%s", text ? text : "");
    size_t len = strlen(tmp);
    while (len && tmp[len - 1] == ' ')
        tmp[--len] = 0;
    text_trunc(ln->text, sizeof(ln->text), tmp, w > 1 ? w : 1, ascii);
    return ln;
}

int lay_lines_wrap(struct lay_lines *l, int indent, int width, bool ascii, enum lay_style style, enum status st,
                   const char *prefix, const char *text)
{
    char all[FINDING_TEXT_LEN * 2], line[LAY_CELL_MAX];
    snprintf(all, sizeof(all), "%s%s", prefix ? prefix : "", text ? text : "");
    int pw = prefix ? text_width(prefix, ascii) : 0;
    int added = 0;
    const char *p = all;
    while (*p) {
        int in = added ? indent + pw : indent;
        int w = width - in;
        size_t n = text_wrap(p, w > 8 ? w : 8, ascii, line, sizeof(line));
        if (n == 0)
            break;
        lay_lines_add(l, in, width, ascii, style, st, line);
        added++;
        p += n;
    }
    if (!added)
        lay_lines_add(l, indent, width, ascii, style, st, prefix ? prefix : ""), added = 1;
    return added;
}

static void span_add(struct lay_line *ln, int x, int w, enum status st, bool badge)
{
    if (ln->nspan < LAY_LINE_SPANS && w > 0)
        ln->span[ln->nspan++] = (struct lay_span){x, w, st, badge};
}

/* Appends cells to a table line: text fitted to w columns plus a space. Returns the x after. */
static int cell_put(char *line, size_t len, int x, const char *text, int w, bool ascii)
{
    char tmp[LAY_CELL_MAX];
    text_fit(tmp, sizeof(tmp), text ? text : "", w, TEXT_LEFT, ascii);
    size_t used = strlen(line);
    snprintf(line + used, len - used, "%s ", tmp);
    return x + w + 1;
}

static const char *badge_word(enum status st) { return lay_badge(st, st != ST_UNKNOWN); }

int lay_findings_strip(const struct finding *f, size_t n, int width, int max_lines, bool ascii, struct lay_lines *out)
{
    if (n == 0 || max_lines < 1 || width < 20)
        return 0;
    int lines = (size_t)max_lines < n ? max_lines : (int)n;
    for (int i = 0; i < lines; i++) {
        const struct finding *x = &f[i];
        char more[48] = "", head[96], body[FINDING_TITLE_LEN + 96];
        size_t left = n - (size_t)i - 1;
        if (i == lines - 1 && left > 0)
            snprintf(more, sizeof(more), "  +%zu more (f)", left);
        snprintf(head, sizeof(head), " %s ", badge_word(x->severity));
        int hw = text_width(head, ascii), mw = text_width(more, ascii);
        snprintf(body, sizeof(body), " %s/%s: %s", x->stack ? x->stack : "-", x->component ? x->component : "-",
                 x->title);
        int bw = width - hw - mw;
        if (bw < 4) { /* too narrow for a title: a count */
            int nf, nw;
            diagnose_counts(f, n, &nf, &nw);
            snprintf(body, sizeof(body), " %zu findings: %d FAIL, %d WARN (f)", n, nf, nw);
            more[0] = 0;
            bw = width - hw;
        }
        char fitted[LAY_CELL_MAX], line[LAY_CELL_MAX * 2];
        text_trunc(fitted, sizeof(fitted), body, bw, ascii);
        snprintf(line, sizeof(line), "%s%s%s", head, fitted, more);
        struct lay_line *ln = lay_lines_add(out, 0, width, ascii, LAYS_STATUS, x->severity, line);
        span_add(ln, 0, hw, x->severity, true);
    }
    return lines;
}

void lay_finding_lines(const struct finding *f, int width, bool ascii, struct lay_lines *out)
{
    char head[FINDING_TITLE_LEN + 128], badge[16];
    snprintf(badge, sizeof(badge), " %s ", badge_word(f->severity));
    int bw = text_width(badge, ascii);
    snprintf(head, sizeof(head), "%s %s/%s: %s", badge, f->stack ? f->stack : "-", f->component ? f->component : "-",
             f->title);
    char line[LAY_CELL_MAX];
    size_t used = text_wrap(head, width, ascii, line, sizeof(line));
    struct lay_line *ln = lay_lines_add(out, 0, width, ascii, LAYS_STATUS, f->severity, line);
    span_add(ln, 0, bw, f->severity, true);
    if (head[used])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_STATUS, f->severity, NULL, head + used);
    if (f->cause[0])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, NULL, f->cause);
    if (f->hint[0])
        lay_lines_wrap(out, bw + 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, ascii ? "-> " : "\xe2\x86\x92 ", f->hint);
    lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
}

void lay_change_lines(const struct change *c, long long now_ms, int width, bool ascii, struct lay_lines *out)
{
    const struct transition *t = c->t;
    char ago[16] = "-", head[LAY_CELL_MAX], from[16], to[16];
    if (now_ms >= t->at_ms)
        duration_format((long)(now_ms - t->at_ms), ago, sizeof ago);
    snprintf(from, sizeof from, " %s ", transition_word(t->from, t->from_skip));
    snprintf(to, sizeof to, " %s ", transition_word(t->to, t->to_skip));
    const char *arrow = ascii ? " -> " : " \xe2\x86\x92 ";
    int n = snprintf(head, sizeof head, "%7s ago  ", ago);
    int x_from = n; /* ASCII so far: bytes are columns */
    int x_to = x_from + (int)strlen(from) + text_width(arrow, ascii);
    snprintf(head + n, sizeof head - (size_t)n, "%s%s%s  %s/%s %s", from, arrow, to, c->stack->name,
             comp_kind_name(c->comp->kind), c->check->def->name);
    struct lay_line *ln = lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, head);
    span_add(ln, x_from, (int)strlen(from), t->from_skip ? ST_UNKNOWN : t->from, true);
    span_add(ln, x_to, (int)strlen(to), t->to_skip ? ST_UNKNOWN : t->to, true);
    if (t->message[0])
        lay_lines_wrap(out, x_from, width, ascii, LAYS_DIM, ST_UNKNOWN, NULL, t->message);
}

/* ---- Grafana tables ---- */

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *k, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static enum status status_of(const char *s)
{
    if (!s)
        return ST_UNKNOWN;
    if (strcmp(s, "FAIL") == 0 || strcmp(s, "ERROR") == 0 || strcmp(s, "UNREACHABLE") == 0)
        return ST_FAIL;
    if (strcmp(s, "WARN") == 0 || strcmp(s, "DENIED") == 0 || strcmp(s, "NO_HEALTH_API") == 0)
        return ST_WARN;
    if (strcmp(s, "OK") == 0)
        return ST_OK;
    return ST_UNKNOWN;
}

/* "a, b, c" from an array of strings, at most len bytes (then "..."). */
static const char *join_strings(const cJSON *arr, char *buf, size_t len)
{
    buf[0] = 0;
    const cJSON *it;
    size_t used = 0;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it))
            continue;
        int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", it->valuestring);
        if (w < 0 || (size_t)w >= len - used) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            break;
        }
        used += (size_t)w;
    }
    return buf;
}

static void no_data(const cJSON *data, const char *what, int width, bool ascii, struct lay_lines *out)
{
    char buf[160];
    snprintf(buf, sizeof(buf), "%s: %s", what, data ? "unexpected data shape" : "no data");
    lay_lines_add(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, buf);
}

static int max_width_of(const cJSON *arr, const char *key, bool ascii)
{
    int m = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *s = jstr(it, key);
        int w = s ? text_width(s, ascii) : 1;
        m = w > m ? w : m;
    }
    return m;
}

static void side_cell(const cJSON *side, char *buf, size_t len, const char **status)
{
    const char *st = jstr(side, "status"), *msg = jstr(side, "message");
    *status = st ? st : "-";
    snprintf(buf, len, "%s%s%s", *status, msg && *msg ? ": " : "", msg ? msg : "");
}

void lay_grafana_datasources(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsArray(data)) {
        no_data(data, "datasources", width, ascii, out);
        return;
    }
    int n = cJSON_GetArraySize(data), cnt[4] = {0, 0, 0, 0};
    const cJSON *ds;
    cJSON_ArrayForEach(ds, data) cnt[status_of(jstr(ds, "status"))]++;
    char line[LAY_CELL_MAX * 2], cell[LAY_CELL_MAX];
    snprintf(line, sizeof(line), "%d datasource%s: %d OK, %d WARN, %d FAIL", n, n == 1 ? "" : "s", cnt[ST_OK],
             cnt[ST_WARN], cnt[ST_FAIL]);
    lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, line);
    if (n == 0)
        return;
    int inner = width - 1;
    int wst = 4, wname = max_width_of(data, "name", ascii), wtype = max_width_of(data, "type", ascii);
    wname = wname < 8 ? 8 : wname > 20 ? 20 : wname;
    wtype = wtype < 4 ? 4 : wtype > 12 ? 12 : wtype;
    int rest = inner - (wst + 1) - (wname + 1) - (wtype + 1);
    int wg = (rest - 1) / 2, wd = rest - 1 - wg;
    if (wg < 6)
        wg = 6, wd = 6;
    line[0] = 0;
    int x = 0;
    x = cell_put(line, sizeof(line), x, "", wst, ascii);
    x = cell_put(line, sizeof(line), x, "NAME", wname, ascii);
    x = cell_put(line, sizeof(line), x, "TYPE", wtype, ascii);
    x = cell_put(line, sizeof(line), x, "GRAFANA", wg, ascii);
    cell_put(line, sizeof(line), x, "LGTMTOP (direct)", wd, ascii);
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, line);
    cJSON_ArrayForEach(ds, data)
    {
        enum status rst = status_of(jstr(ds, "status"));
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(ds, "grafana");
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(ds, "direct");
        const char *gst, *dst;
        char gcell[LAY_CELL_MAX], dcell[LAY_CELL_MAX];
        side_cell(g, gcell, sizeof(gcell), &gst);
        side_cell(d, dcell, sizeof(dcell), &dst);
        line[0] = 0;
        x = 0;
        x = cell_put(line, sizeof(line), x, badge_word(rst), wst, ascii);
        x = cell_put(line, sizeof(line), x, jstr(ds, "name") ? jstr(ds, "name") : "?", wname, ascii);
        x = cell_put(line, sizeof(line), x, jstr(ds, "type") ? jstr(ds, "type") : "?", wtype, ascii);
        int xg = x;
        x = cell_put(line, sizeof(line), x, gcell, wg, ascii);
        int xd = x;
        cell_put(line, sizeof(line), x, dcell, wd, ascii);
        struct lay_line *ln = lay_lines_add(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, line);
        span_add(ln, 0, text_width(badge_word(rst), ascii), rst, false);
        int w = text_width(gst, ascii);
        span_add(ln, xg, w < wg ? w : wg, status_of(gst), false);
        w = text_width(dst, ascii);
        span_add(ln, xd, w < wd ? w : wd, status_of(dst), false);
        if (rst != ST_OK && rst != ST_UNKNOWN) {
            const char *via = jstr(g, "via");
            snprintf(cell, sizeof(cell), "Grafana%s%s%s: ", via && strcmp(via, "-") ? " (" : "",
                     via && strcmp(via, "-") ? via : "", via && strcmp(via, "-") ? ")" : "");
            lay_lines_wrap(out, 6, width, ascii, LAYS_STATUS, status_of(gst), cell, gcell);
            const char *url = jstr(d, "url"), *tenant = jstr(d, "tenant");
            snprintf(cell, sizeof(cell), "lgtmtop%s%s%s: ", url ? " (" : "", url ? url : "", url ? ")" : "");
            if (tenant && strcmp(tenant, "missing") == 0)
                snprintf(dcell + strlen(dcell), sizeof(dcell) - strlen(dcell), " (sent without X-Scope-OrgID)");
            lay_lines_wrap(out, 6, width, ascii, LAYS_STATUS, status_of(dst), cell, dcell);
        }
        const char *finding = jstr(ds, "finding");
        if (finding && *finding)
            lay_lines_wrap(out, 6, width, ascii, rst >= ST_WARN ? LAYS_STATUS : LAYS_DIM, rst,
                           ascii ? "-> " : "\xe2\x86\x92 ", finding);
    }
}

static int rank(enum status st) { return st == ST_FAIL ? 0 : st == ST_WARN ? 1 : st == ST_OK ? 2 : 3; }

/* One group of bad references of a dashboard: what, how many, where. */
static void dash_group(const cJSON *grp, const char *kind, int width, bool ascii, struct lay_lines *out)
{
    const char *ds = jstr(grp, "datasource"), *repl = jstr(grp, "replacement"), *note = jstr(grp, "note");
    int refs = (int)jnum(grp, "references", 0);
    char panels[LAY_CELL_MAX], text[LAY_CELL_MAX * 2];
    join_strings(cJSON_GetObjectItemCaseSensitive(grp, "panels"), panels, sizeof(panels));
    const char *arrow = ascii ? "->" : "\xe2\x86\x92";
    enum status st = ST_WARN;
    if (strcmp(kind, "missing") == 0) {
        st = ST_FAIL;
        if (repl)
            snprintf(text, sizeof(text),
                     "datasource \"%s\" does not exist (replaced by \"%s\"): %d ref%s in panels: %s", ds ? ds : "?",
                     repl, refs, refs == 1 ? "" : "s", panels);
        else
            snprintf(text, sizeof(text), "datasource \"%s\" does not exist: %d ref%s in panels: %s", ds ? ds : "?",
                     refs, refs == 1 ? "" : "s", panels);
    } else if (strcmp(kind, "deprecated") == 0) {
        snprintf(text, sizeof(text), "deprecated datasource \"%s\" %s use \"%s\": %d ref%s in panels: %s",
                 ds ? ds : "?", arrow, repl ? repl : "?", refs, refs == 1 ? "" : "s", panels);
    } else if (strcmp(kind, "unresolved") == 0) {
        snprintf(text, sizeof(text), "import placeholder %s never replaced: %d ref%s in panels: %s", ds ? ds : "?",
                 refs, refs == 1 ? "" : "s", panels);
    } else {
        st = ST_UNKNOWN;
        snprintf(text, sizeof(text), "note: %s%s%s (%s)", ds ? ds : "", note ? ": " : "", note ? note : "", panels);
    }
    lay_lines_wrap(out, 7, width, ascii, st == ST_UNKNOWN ? LAYS_DIM : LAYS_STATUS, st, NULL, text);
}

void lay_grafana_dashboards(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsArray(data)) {
        no_data(data, "dashboards", width, ascii, out);
        return;
    }
    int n = cJSON_GetArraySize(data), cnt[4] = {0, 0, 0, 0};
    const cJSON **v = xcalloc(n ? (size_t)n : 1, sizeof(*v));
    int k = 0;
    const cJSON *db;
    cJSON_ArrayForEach(db, data)
    {
        cnt[status_of(jstr(db, "status"))]++;
        v[k++] = db;
    }
    /* stable insertion sort, worst first */
    for (int i = 1; i < n; i++) {
        const cJSON *cur = v[i];
        int r = rank(status_of(jstr(cur, "status"))), j = i - 1;
        while (j >= 0 && rank(status_of(jstr(v[j], "status"))) > r) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = cur;
    }
    char line[LAY_CELL_MAX * 2], num[32];
    snprintf(line, sizeof(line), "%d dashboard%s: %d FAIL, %d WARN, %d OK", n, n == 1 ? "" : "s", cnt[ST_FAIL],
             cnt[ST_WARN], cnt[ST_OK]);
    lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, line);
    if (n) {
        int inner = width - 1, wst = 4, wref = 4, wfold = max_width_of(data, "folder", ascii);
        wfold = wfold < 6 ? 6 : wfold > 20 ? 20 : wfold;
        int wtitle = inner - (wst + 1) - (wfold + 1) - (wref + 1);
        line[0] = 0;
        int x = 0;
        x = cell_put(line, sizeof(line), x, "", wst, ascii);
        x = cell_put(line, sizeof(line), x, "TITLE", wtitle, ascii);
        x = cell_put(line, sizeof(line), x, "FOLDER", wfold, ascii);
        cell_put(line, sizeof(line), x, "REFS", wref, ascii);
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, line);
        for (int i = 0; i < n; i++) {
            enum status st = status_of(jstr(v[i], "status"));
            const char *title = jstr(v[i], "title"), *uid = jstr(v[i], "uid"), *folder = jstr(v[i], "folder");
            line[0] = 0;
            x = 0;
            x = cell_put(line, sizeof(line), x, badge_word(st), wst, ascii);
            x = cell_put(line, sizeof(line), x, title ? title : uid ? uid : "?", wtitle, ascii);
            x = cell_put(line, sizeof(line), x, folder ? folder : "General", wfold, ascii);
            const cJSON *refs = cJSON_GetObjectItemCaseSensitive(v[i], "references");
            if (cJSON_IsNumber(refs))
                snprintf(num, sizeof(num), "%4d", refs->valueint);
            else
                snprintf(num, sizeof(num), "   -");
            cell_put(line, sizeof(line), x, num, wref, ascii);
            struct lay_line *ln =
                    lay_lines_add(out, 1, width, ascii, st == ST_OK ? LAYS_NORMAL : LAYS_BOLD, ST_UNKNOWN, line);
            span_add(ln, 0, text_width(badge_word(st), ascii), st, false);
            const char *err = jstr(v[i], "error");
            if (err)
                lay_lines_wrap(out, 7, width, ascii, LAYS_STATUS, ST_WARN, "could not fetch: ", err);
            static const char *const kinds[] = {"missing", "deprecated", "unresolved", "notes"};
            for (size_t q = 0; q < ARRAY_LEN(kinds); q++) {
                const cJSON *grp;
                cJSON_ArrayForEach(grp, cJSON_GetObjectItemCaseSensitive(v[i], kinds[q]))
                        dash_group(grp, kinds[q], width, ascii, out);
            }
        }
    }
    free(v);
}

/* "rule (group): text" lines under a title, for an array of objects. */
static void rule_list(const cJSON *arr, const char *title, const char *field, const char *pre, const char *post,
                      enum status st, int width, bool ascii, struct lay_lines *out)
{
    int n = cJSON_GetArraySize(arr);
    if (n == 0)
        return;
    char buf[LAY_CELL_MAX * 2];
    snprintf(buf, sizeof(buf), "%s (%d)", title, n);
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *rule = jstr(it, "rule"), *group = jstr(it, "group"), *val = jstr(it, field);
        char what[LAY_CELL_MAX];
        snprintf(what, sizeof(what), "%s%s%s", pre, val ? val : "?", post);
        snprintf(buf, sizeof(buf), "%s (group %s): %s", rule ? rule : "?", group ? group : "?", what);
        lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, st, NULL, buf);
    }
}

void lay_grafana_alerting(const cJSON *data, int width, bool ascii, struct lay_lines *out)
{
    if (!cJSON_IsObject(data)) {
        no_data(data, "alerting", width, ascii, out);
        return;
    }
    char buf[LAY_CELL_MAX * 2], list[LAY_CELL_MAX];
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(data, "groups");
    if (cJSON_IsArray(groups)) {
        snprintf(buf, sizeof(buf), "%d rule group%s, %d rules: %d firing, %d pending, %d failing",
                 (int)jnum(data, "rule_groups", 0), jnum(data, "rule_groups", 0) == 1 ? "" : "s",
                 (int)jnum(data, "rules", 0), (int)jnum(data, "firing", 0), (int)jnum(data, "pending", 0),
                 (int)jnum(data, "errors", 0));
        lay_lines_add(out, 1, width, ascii, LAYS_BOLD, ST_UNKNOWN, buf);
    } else {
        lay_lines_add(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, "rule state not read (see notes)");
    }
    const cJSON *bys = cJSON_GetObjectItemCaseSensitive(data, "rules_by_state");
    if (cJSON_IsObject(bys) && bys->child) {
        size_t used = 0;
        buf[0] = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, bys)
        {
            int w = snprintf(buf + used, sizeof(buf) - used, "%s%s %d",
                             used ? ", " : "rules by state: ", it->string ? it->string : "?", it->valueint);
            if (w < 0 || (size_t)w >= sizeof(buf) - used)
                break;
            used += (size_t)w;
        }
        lay_lines_wrap(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, NULL, buf);
    }
    if (cJSON_GetArraySize(groups) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        int wname = max_width_of(groups, "name", ascii), wfold = max_width_of(groups, "folder", ascii);
        wname = wname < 10 ? 10 : wname > 28 ? 28 : wname;
        wfold = wfold < 6 ? 6 : wfold > 20 ? 20 : wfold;
        buf[0] = 0;
        int x = 0;
        x = cell_put(buf, sizeof(buf), x, "RULE GROUP", wname, ascii);
        x = cell_put(buf, sizeof(buf), x, "FOLDER", wfold, ascii);
        cell_put(buf, sizeof(buf), x, "RULES  FIRING  FAILING", 22, ascii);
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
        const cJSON *g;
        cJSON_ArrayForEach(g, groups)
        {
            int firing = (int)jnum(g, "firing", 0), errors = (int)jnum(g, "errors", 0);
            char nums[64];
            buf[0] = 0;
            x = 0;
            x = cell_put(buf, sizeof(buf), x, jstr(g, "name") ? jstr(g, "name") : "?", wname, ascii);
            x = cell_put(buf, sizeof(buf), x, jstr(g, "folder") ? jstr(g, "folder") : "-", wfold, ascii);
            snprintf(nums, sizeof(nums), "%5d  %6d  %7d", (int)jnum(g, "rules", 0), firing, errors);
            cell_put(buf, sizeof(buf), x, nums, 22, ascii);
            struct lay_line *ln = lay_lines_add(out, 1, width, ascii, LAYS_NORMAL, ST_UNKNOWN, buf);
            if (firing)
                span_add(ln, x + 7, 6, ST_WARN, false);
            if (errors)
                span_add(ln, x + 15, 7, ST_WARN, false);
        }
    }
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(data, "rule_errors");
    const cJSON *mds = cJSON_GetObjectItemCaseSensitive(data, "missing_datasource_rules");
    if (cJSON_GetArraySize(errs) || cJSON_GetArraySize(mds))
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
    rule_list(mds, "Rules querying a datasource that does not exist", "datasource", "datasource \"", "\" is gone",
              ST_FAIL, width, ascii, out);
    rule_list(errs, "Failing rules", "error", "", "", ST_WARN, width, ascii, out);

    lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
    lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, "Notification policies and contact points");
    const cJSON *pol = cJSON_GetObjectItemCaseSensitive(data, "policies");
    const cJSON *present = cJSON_GetObjectItemCaseSensitive(pol, "present");
    if (cJSON_IsTrue(present)) {
        join_strings(cJSON_GetObjectItemCaseSensitive(pol, "receivers"), list, sizeof(list));
        lay_lines_wrap(out, 3, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "policy tree routes to: ", list[0] ? list : "-");
        const cJSON *miss = cJSON_GetObjectItemCaseSensitive(pol, "missing_receivers");
        if (cJSON_GetArraySize(miss) > 0) {
            join_strings(miss, list, sizeof(list));
            lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, ST_FAIL, "receivers without a contact point: ", list);
        }
    } else if (cJSON_IsFalse(present)) {
        lay_lines_add(out, 3, width, ascii, LAYS_STATUS, ST_WARN, "no notification policy tree");
    } else {
        lay_lines_add(out, 3, width, ascii, LAYS_DIM, ST_UNKNOWN, "policy tree not readable (see notes)");
    }
    const cJSON *cps = cJSON_GetObjectItemCaseSensitive(data, "contact_points");
    if (cJSON_IsArray(cps)) {
        join_strings(cps, list, sizeof(list));
        lay_lines_wrap(out, 3, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "contact points: ", list[0] ? list : "none");
    } else {
        lay_lines_add(out, 3, width, ascii, LAYS_DIM, ST_UNKNOWN, "contact points not readable (see notes)");
    }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(data, "expected_groups_missing");
    if (cJSON_GetArraySize(exp) > 0) {
        join_strings(exp, list, sizeof(list));
        lay_lines_wrap(out, 1, width, ascii, LAYS_STATUS, ST_WARN, "expected rule groups not loaded: ", list);
    }

    const cJSON *firing = cJSON_GetObjectItemCaseSensitive(data, "firing_alerts");
    if (cJSON_GetArraySize(firing) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        snprintf(buf, sizeof(buf), "Firing alerts (%d; about the monitored systems, not the stack)",
                 cJSON_GetArraySize(firing));
        lay_lines_add(out, 1, width, ascii, LAYS_TITLE, ST_UNKNOWN, buf);
        const cJSON *a;
        cJSON_ArrayForEach(a, firing)
        {
            const char *rule = jstr(a, "rule"), *group = jstr(a, "group"), *since = jstr(a, "active_at");
            size_t used = (size_t)snprintf(buf, sizeof(buf), "%s (group %s)%s%s", rule ? rule : "?",
                                           group ? group : "?", since ? " since " : "", since ? since : "");
            const cJSON *l;
            cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(a, "labels"))
            {
                if (!cJSON_IsString(l) || used >= sizeof(buf))
                    continue;
                int w = snprintf(buf + used, sizeof(buf) - used, " %s=%s", l->string, l->valuestring);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            lay_lines_wrap(out, 3, width, ascii, LAYS_STATUS, ST_WARN, NULL, buf);
        }
    }
    const cJSON *notes = cJSON_GetObjectItemCaseSensitive(data, "notes");
    if (cJSON_GetArraySize(notes) > 0) {
        lay_lines_add(out, 0, width, ascii, LAYS_NORMAL, ST_UNKNOWN, "");
        const cJSON *nt;
        cJSON_ArrayForEach(nt, notes) if (cJSON_IsString(nt))
                lay_lines_wrap(out, 1, width, ascii, LAYS_DIM, ST_UNKNOWN, "note: ", nt->valuestring);
    }
}

const char *lay_check_no_data(const struct check_state *cs, char *buf, size_t len)
{
    if (!cs) {
        snprintf(buf, len, "this Grafana has no such check");
        return buf;
    }
    if (cs->skipped) {
        snprintf(buf, len, "%s", cs->summary[0] ? cs->summary : "skipped");
        return buf;
    }
    if (!cs->ran) {
        snprintf(buf, len, "%s", cs->pending ? "in flight, no result yet" : "not run yet");
        return buf;
    }
    if (!cs->data) {
        snprintf(buf, len, "no data: %s", cs->summary);
        return buf;
    }
    return NULL;
}
