/* page: the status page of `lgtmtop serve` (page.h). Server-rendered, no script: a meta refresh
 * reloads it; the Content-Security-Policy serve sends forbids scripts even if a string slipped
 * through unescaped. */
#include "lgtmtop/page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/report.h"

void page_escape(struct buf *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        case '\n': buf_putc(b, '\n'); break;
        default: buf_putc(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p); break;
        }
    }
}

static const char *const STYLE =
        ":root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;"
        "--ok:#1a7f37;--warn:#9a6700;--fail:#cf222e;--unk:#6e7781}"
        "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;"
        "--card:#151b23;--ok:#2ea043;--warn:#bb8009;--fail:#da3633;--unk:#656c76}}"
        "*{box-sizing:border-box}"
        "body{margin:0 auto;max-width:1200px;padding:1rem;background:var(--bg);color:var(--fg);"
        "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
        "header{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline}"
        "h1{font-size:1.3rem;margin:0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}"
        ".muted{color:var(--muted)}"
        ".badge{display:inline-block;min-width:4.2em;text-align:center;padding:0 .45em;border-radius:4px;"
        "font-weight:600;font-size:.8rem;color:#fff;white-space:nowrap}"
        ".OK{background:var(--ok)}.WARN,.WARNING{background:var(--warn)}.FAIL,.CRITICAL{background:var(--fail)}"
        ".UNKNOWN,.SKIP,.PENDING{background:var(--unk)}"
        ".wrap{overflow-x:auto}"
        "table{border-collapse:collapse;width:100%}"
        "th,td{padding:.3rem .5rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}"
        "th{font-weight:600;color:var(--muted);font-size:.85rem}"
        "td.msg{overflow-wrap:anywhere;width:100%;max-width:0;min-width:10rem}td.num{text-align:right;white-space:nowrap}"
        "tr.comp td{border-bottom:none;padding-top:.5rem}tr.comp td:first-child{font-weight:600}"
        "tr.checks>td{padding-top:0}"
        "details summary{cursor:pointer;color:var(--muted)}"
        "details table{margin:.25rem 0 .5rem;font-size:.9rem}"
        "pre{white-space:pre;overflow-x:auto;max-width:100%;margin:.25rem 0;font-size:.8rem;color:var(--muted)}"
        ".finding{border-left:4px solid var(--warn);background:var(--card);padding:.5rem .75rem;margin:.5rem 0;"
        "border-radius:0 4px 4px 0}"
        ".finding.sev-FAIL{border-left-color:var(--fail)}"
        ".finding p{margin:.2rem 0;overflow-wrap:anywhere}.finding .title{font-weight:600}"
        ".banner{background:var(--card);border:1px solid var(--fail);border-radius:4px;padding:.5rem .75rem;"
        "margin:.75rem 0;overflow-wrap:anywhere}"
        "footer{margin-top:2rem;font-size:.85rem}a{color:inherit}"
        "@media (max-width:640px){body{padding:.5rem}.url,.lat,.ver,.flow{display:none}td.msg{min-width:0}"
        "}";

static void badge(struct buf *b, const char *word)
{
    buf_puts(b, "<span class=\"badge ");
    page_escape(b, word);
    buf_puts(b, "\">");
    page_escape(b, word);
    buf_puts(b, "</span>");
}

static void when_utc(long long wall_ms, char *out, size_t outlen)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void header(struct buf *b, const struct state *s, const struct page_meta *m)
{
    struct status_counts n = state_counts(s);
    int code = report_exit_code(s);
    const char *word = m->ready ? report_exit_name(code) : "PENDING";
    int ncomps = n.ok + n.warn + n.fail + n.unknown;
    char every[16], took[16], when[40];
    buf_puts(b, "<title>");
    page_escape(b, word);
    buf_printf(b, " · lgtmtop: %d FAIL, %d WARN</title>\n</head>\n<body>\n<header><h1>lgtmtop</h1>", n.fail, n.warn);
    buf_puts(b, "<span id=\"overall\">");
    badge(b, word);
    buf_puts(b, "</span>");
    buf_printf(b, "<span id=\"counts\">%d component%s: %d OK, %d WARN, %d FAIL</span>", ncomps, ncomps == 1 ? "" : "s",
               n.ok, n.warn, n.fail);
    buf_puts(b, "<span class=\"muted\" id=\"swept\">");
    if (m->sweep_wall_ms) {
        when_utc(m->sweep_wall_ms, when, sizeof when);
        buf_printf(b, "swept %s in %s · sweep %lu · every %s", when, duration_format(m->sweep_ms, took, sizeof took),
                   s->sweeps, duration_format(s->interval_ms, every, sizeof every));
    } else {
        buf_printf(b, "the first sweep is running · every %s", duration_format(s->interval_ms, every, sizeof every));
    }
    buf_puts(b, "</span></header>\n");
    if (m->reload_error) {
        buf_puts(b, "<div class=\"banner\" id=\"reload-error\"><strong>Reload failed</strong>, the running config "
                    "stays: ");
        page_escape(b, m->reload_error);
        buf_puts(b, "</div>\n");
    }
}

static void findings(struct buf *b, const struct state *s)
{
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    size_t n = diagnose(s, 0, fs, DIAGNOSE_MAX_FINDINGS);
    buf_printf(b, "<section id=\"findings\"><h2>Findings (%zu)</h2>\n", n);
    if (n == 0)
        buf_puts(b, "<p class=\"muted\">No findings.</p>\n");
    for (size_t i = 0; i < n; i++) {
        const char *sev = status_name(fs[i].severity);
        buf_printf(b, "<div class=\"finding sev-%s\" data-id=\"", sev);
        page_escape(b, fs[i].id);
        buf_puts(b, "\" data-stack=\"");
        page_escape(b, fs[i].stack);
        buf_puts(b, "\" data-component=\"");
        page_escape(b, fs[i].component);
        buf_puts(b, "\"><p class=\"title\">");
        badge(b, sev);
        buf_putc(b, ' ');
        page_escape(b, fs[i].stack);
        buf_putc(b, '/');
        page_escape(b, fs[i].component);
        buf_puts(b, ": ");
        page_escape(b, fs[i].title);
        buf_puts(b, "</p><p class=\"cause\">");
        page_escape(b, fs[i].cause);
        buf_puts(b, "</p><p class=\"hint\">→ ");
        page_escape(b, fs[i].hint);
        buf_puts(b, "</p></div>\n");
    }
    buf_puts(b, "</section>\n");
}

#define PAGE_CHANGES 20

static void changes(struct buf *b, const struct state *s, const struct page_meta *m)
{
    struct change ch[PAGE_CHANGES];
    size_t n = state_changes(s, 0, ch, PAGE_CHANGES);
    buf_puts(b, "<section id=\"changes\"><h2>Recent changes</h2>\n");
    if (n == 0) {
        buf_puts(b, "<p class=\"muted\">No status changes since the start.</p></section>\n");
        return;
    }
    buf_puts(b, "<div class=\"wrap\"><table><thead><tr><th>When (UTC)</th><th class=\"lat\">Ago</th><th>Check</th>"
                "<th>Change</th><th>Message</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const struct transition *t = ch[i].t;
        char when[40] = "", ago[16] = "";
        if (m->now_wall_ms) {
            long long wall = m->now_wall_ms - (m->now_mono_ms - t->at_ms);
            time_t tt = (time_t)(wall / 1000);
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        }
        if (m->now_mono_ms >= t->at_ms)
            duration_format((long)(m->now_mono_ms - t->at_ms), ago, sizeof ago);
        const char *from = transition_word(t->from, t->from_skip), *to = transition_word(t->to, t->to_skip);
        buf_puts(b, "<tr class=\"change\" data-stack=\"");
        page_escape(b, ch[i].stack->name);
        buf_puts(b, "\" data-component=\"");
        page_escape(b, comp_kind_name(ch[i].comp->kind));
        buf_puts(b, "\" data-check=\"");
        page_escape(b, ch[i].check->def->name);
        buf_printf(b, "\" data-from=\"%s\" data-to=\"%s\"><td class=\"num\">%s</td><td class=\"num lat\">%s</td><td>",
                   from, to, when, ago);
        page_escape(b, ch[i].stack->name);
        buf_putc(b, '/');
        page_escape(b, comp_kind_name(ch[i].comp->kind));
        buf_putc(b, ' ');
        page_escape(b, ch[i].check->def->name);
        buf_puts(b, "</td><td class=\"num\">");
        badge(b, from);
        buf_puts(b, " → ");
        badge(b, to);
        buf_puts(b, "</td><td class=\"msg\">");
        page_escape(b, t->message);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</tbody></table></div></section>\n");
}

static void rates(struct buf *b, const struct comp_state *c)
{
    bool first = true;
    for (int k = 0; k < c->ncounters; k++) {
        if (!c->counters[k].has_rate)
            continue;
        buf_printf(b, "%s%.1f ", first ? "" : ", ", c->counters[k].rate);
        page_escape(b, report_rate_unit(c->counters[k].key));
        first = false;
    }
}

static void check_rows(struct buf *b, const struct comp_state *c, const struct page_meta *m)
{
    struct status_counts n = {0};
    COMP_FOR_EACH_CHECK (c, cs) {
        enum status st = check_status(cs);
        n.ok += st == ST_OK;
        n.warn += st == ST_WARN;
        n.fail += st == ST_FAIL;
    }
    bool open = comp_status(c) > ST_OK;
    buf_printf(b,
               "<tr class=\"checks\"><td colspan=\"6\"><details%s><summary>%zu checks: %d OK, %d WARN, %d FAIL"
               "</summary><div class=\"wrap\"><table>\n",
               open ? " open" : "", c->nchecks, n.ok, n.warn, n.fail);
    COMP_FOR_EACH_CHECK (c, cs) {
        const char *label = check_label(cs);
        char lat[16] = "-", age[16] = "";
        if (cs->ran && cs->net == NET_OK)
            duration_format((cs->t.total_us + 500) / 1000, lat, sizeof lat);
        if (cs->ran && cs->changed_ms && m->now_mono_ms >= cs->changed_ms)
            duration_format((long)(m->now_mono_ms - cs->changed_ms), age, sizeof age);
        buf_puts(b, "<tr class=\"check\" data-check=\"");
        page_escape(b, cs->def->name);
        buf_puts(b, "\" data-status=\"");
        page_escape(b, label);
        buf_puts(b, "\"><td>");
        page_escape(b, cs->def->name);
        buf_puts(b, "</td><td>");
        badge(b, label);
        buf_printf(b, "</td><td class=\"num lat\">%s</td><td class=\"msg\">", lat);
        page_escape(b, cs->summary);
        if (cs->detail && *cs->detail) {
            buf_puts(b, "<pre>");
            page_escape(b, cs->detail);
            buf_puts(b, "</pre>");
        }
        buf_puts(b, "</td><td class=\"num muted lat\">");
        if (*age)
            buf_printf(b, "for %s", age);
        buf_puts(b, "</td></tr>\n");
    }
    buf_puts(b, "</table></div></details></td></tr>\n");
}

static void stacks(struct buf *b, const struct state *s, const struct page_meta *m)
{
    buf_puts(b, "<section id=\"stacks\">\n");
    STATE_FOR_EACH_STACK (s, st) {
        buf_puts(b, "<h2 class=\"stack\" data-stack=\"");
        page_escape(b, st->name);
        buf_puts(b, "\">");
        page_escape(b, st->name);
        buf_putc(b, ' ');
        badge(b, m->ready ? status_name(stack_status(st)) : "PENDING");
        buf_puts(b,
                 "</h2>\n<div class=\"wrap\"><table class=\"grid\"><thead><tr><th>Component</th><th>Status</th>"
                 "<th class=\"ver\">Version</th><th class=\"url\">URL</th><th class=\"flow\">Flow</th><th>Message</th>"
                 "</tr></thead><tbody>\n");
        STACK_FOR_EACH_COMP (st, c) {
            const char *word = status_name(comp_status(c));
            if (!c->nchecks || !c->checks[0].ran)
                word = "PENDING";
            buf_puts(b, "<tr class=\"comp\" data-stack=\"");
            page_escape(b, st->name);
            buf_puts(b, "\" data-component=\"");
            page_escape(b, comp_kind_name(c->kind));
            buf_puts(b, "\" data-status=\"");
            page_escape(b, word);
            buf_puts(b, "\"><td>");
            page_escape(b, comp_kind_name(c->kind));
            buf_puts(b, "</td><td>");
            badge(b, word);
            buf_puts(b, "</td><td class=\"ver\">");
            page_escape(b, c->version);
            buf_puts(b, "</td><td class=\"url\">");
            page_escape(b, c->url);
            buf_puts(b, "</td><td class=\"num flow\">");
            rates(b, c);
            buf_puts(b, "</td><td class=\"msg\">");
            page_escape(b, comp_message(c));
            buf_puts(b, "</td></tr>\n");
            check_rows(b, c, m);
        }
        buf_puts(b, "</tbody></table></div>\n");
    }
    buf_puts(b, "</section>\n");
}

char *page_html(const struct state *s, const struct page_meta *m)
{
    struct buf b;
    buf_init(&b);
    long refresh = s->interval_ms / 1000;
    if (refresh < 2)
        refresh = 2;
    buf_printf(&b,
               "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta http-equiv=\"refresh\" content=\"%ld\">\n<style>%s</style>\n",
               refresh, STYLE);
    header(&b, s, m);
    findings(&b, s);
    changes(&b, s, m);
    stacks(&b, s, m);
    buf_puts(&b, "<footer class=\"muted\">lgtmtop " LGTMTOP_VERSION);
    if (m->config_path) {
        buf_puts(&b, " · ");
        page_escape(&b, m->config_path);
    }
    buf_puts(&b, " · <a href=\"/metrics\">/metrics</a> · <a href=\"/api/v1/status\">/api/v1/status</a> · refreshes "
                 "itself</footer>\n</body>\n</html>\n");
    return buf_steal(&b);
}
