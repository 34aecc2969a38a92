/* report: table, JSON and exit code for `lgtmtop check`. */
#include "lgtmtop/report.h"

#include <cjson/cJSON.h>
#include <math.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/text.h"
#include <string.h>
#include <time.h>

int report_exit_code(const struct state *s)
{
    static const int by_status[] = {
            [ST_UNKNOWN] = EXIT_UNKNOWN,
            [ST_OK] = EXIT_OK_,
            [ST_WARN] = EXIT_WARNING,
            [ST_FAIL] = EXIT_CRITICAL,
    };
    return by_status[state_status(s)];
}

const char *report_exit_name(int code)
{
    static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return code >= 0 && code <= 3 ? names[code] : "UNKNOWN";
}

const char *report_rate_unit(enum value_key key)
{
    return key > VK_NONE && key < VK_COUNT && value_keys[key].rate_unit ? value_keys[key].rate_unit : "/s";
}

static const char *status_color_of(enum status st)
{
    static const char *const colors[] = {"\033[2m", "\033[32m", "\033[33m", "\033[1;31m"};
    return colors[st];
}

static long latency_ms(const struct check_state *cs)
{
    return (cs->ran && cs->net == NET_OK) ? (cs->t.total_us + 500) / 1000 : -1;
}

struct col_widths {
    int stack, comp, check;
};

static struct col_widths table_widths(const struct state *s)
{
    struct col_widths w = {5, 9, 5};
    STATE_FOR_EACH_STACK (s, st) {
        int n = (int)strlen(st->name);
        if (n > w.stack)
            w.stack = n;
        STACK_FOR_EACH_COMP (st, c) {
            n = (int)strlen(comp_kind_name(c->kind));
            if (n > w.comp)
                w.comp = n;
            COMP_FOR_EACH_CHECK (c, cs) {
                n = (int)strlen(cs->def->name);
                if (n > w.check)
                    w.check = n;
            }
        }
    }
    if (w.stack > 20)
        w.stack = 20;
    if (w.check < 11) /* "(12 checks)", the line of an unreachable component */
        w.check = 11;
    return w;
}

/* Prints at most `cols` display columns of a UTF-8 string (cleaned text: no controls). */
/* s in at most cols display columns ("..." when cut; wide characters count 2). */
static void put_clipped(FILE *f, const char *s, int cols)
{
    if (cols <= 0 || text_width(s, false) <= cols) {
        fputs(s, f);
        return;
    }
    fwrite(s, 1, text_col_offset(s, cols > 3 ? cols - 3 : 0, false), f);
    fputs("...", f);
}

static void report_findings(FILE *f, const struct state *s, bool color)
{
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    size_t n = diagnose(s, 0, fs, DIAGNOSE_MAX_FINDINGS);
    if (n == 0)
        return;
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    fprintf(f, "%sFINDINGS%s\n", bold, reset);
    for (size_t i = 0; i < n; i++) {
        const char *sev = color ? (fs[i].severity == ST_FAIL ? "\033[1;31m" : "\033[33m") : "";
        fprintf(f, "  %s%-4s%s  %s/%s: %s%s%s\n", sev, status_name(fs[i].severity), reset, fs[i].stack, fs[i].component,
                bold, fs[i].title, reset);
        fprintf(f, "        %s\n", fs[i].cause);
        fprintf(f, "        → %s\n", fs[i].hint);
    }
}

void report_table(FILE *f, const struct state *s, const struct report_meta *m, bool color, int width)
{
    struct col_widths w = table_widths(s);
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    fprintf(f, "%s%-*s  %-*s  %-*s  %-7s  %8s  %s%s\n", bold, w.stack, "STACK", w.comp, "COMPONENT", w.check, "CHECK",
            "STATUS", "LATENCY", "MESSAGE", reset);
    int msg_col = w.stack + w.comp + w.check + 7 + 8 + 10;
    int msg_width = width > 0 ? (width - msg_col > 10 ? width - msg_col : 10) : 0;
    STATE_FOR_EACH_STACK (s, st) {
        STACK_FOR_EACH_COMP (st, c) {
            size_t shared = 0;
            COMP_FOR_EACH_CHECK (c, cs)
                shared += check_shares_failure(c, cs);
            COMP_FOR_EACH_CHECK (c, cs) {
                if (check_shares_failure(c, cs))
                    continue; /* said once, on the readiness row */
                char lat[16] = "-", name[24];
                long ms = latency_ms(cs);
                if (ms >= 0)
                    duration_format(ms, lat, sizeof(lat));
                /* An unreachable component: one line for the readiness check and every check that
                 * failed the same way ("(7 checks)"); the JSON keeps each. */
                if (cs == c->checks && shared)
                    snprintf(name, sizeof(name), "(%zu checks)", shared + 1);
                else
                    snprintf(name, sizeof(name), "%s", cs->def->name);
                enum status vst = check_status(cs);
                fprintf(f, "%-*.*s  %-*s  %-*s  %s%-7s%s  %8s  ", w.stack, w.stack, st->name, w.comp,
                        comp_kind_name(c->kind), w.check, name, color ? status_color_of(vst) : "", check_label(cs),
                        reset, lat);
                put_clipped(f, cs->summary, msg_width);
                fputc('\n', f);
            }
        }
    }
    /* Flow rates, once known (they need two samples: check --sample, or several sweeps). */
    bool rate_head = false;
    STATE_FOR_EACH_COMP (s, st, c)
        for (int k = 0; k < c->ncounters; k++)
            if (c->counters[k].has_rate) {
                if (!rate_head && m->sample_ms > 0)
                    fprintf(f, "%srates over %.1fs:%s\n", bold, (double)m->sample_ms / 1000.0, reset);
                rate_head = true;
                fprintf(f, "%s%s %s: %.1f %s\n", m->sample_ms > 0 ? "  " : "", st->name, comp_kind_name(c->kind),
                        c->counters[k].rate, report_rate_unit(c->counters[k].key));
            }
    report_findings(f, s, color);
    struct status_counts n = state_counts(s);
    int code = report_exit_code(s);
    char dur[16], sweep[16];
    int ncomps = n.ok + n.warn + n.fail + n.unknown;
    fprintf(f, "%s%s%s: %d component%s: %d OK, %d WARN, %d FAIL (", bold, report_exit_name(code), reset, ncomps,
            ncomps == 1 ? "" : "s", n.ok, n.warn, n.fail);
    /* The sweep's own time apart from the rate sample's wait, so neither hides the other. */
    if (m->sample_ms > 0 && m->sweep_ms > 0)
        fprintf(f, "sweep %s, total %s)\n", duration_format(m->sweep_ms, sweep, sizeof(sweep)),
                duration_format(m->duration_ms, dur, sizeof(dur)));
    else
        fprintf(f, "%s)\n", duration_format(m->duration_ms, dur, sizeof(dur)));
}

static cJSON *json_str_or_null(const char *s) { return (s && *s) ? cJSON_CreateString(s) : cJSON_CreateNull(); }

static double round1(double v) { return round(v * 10.0) / 10.0; }

static cJSON *json_check(const struct check_state *cs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", cs->def->name);
    cJSON_AddStringToObject(o, "status", check_label(cs));
    cJSON_AddBoolToObject(o, "skipped", cs->skipped);
    cJSON_AddBoolToObject(o, "shared_failure", check_shares_failure(cs->comp, cs));
    cJSON_AddItemToObject(o, "raised_by", json_str_or_null(cs->raised_by));
    cJSON_AddStringToObject(o, "message", cs->summary);
    cJSON_AddItemToObject(o, "detail", json_str_or_null(cs->detail));
    if (cs->ran && cs->http_status)
        cJSON_AddNumberToObject(o, "http_status", (double)cs->http_status);
    else
        cJSON_AddNullToObject(o, "http_status");
    cJSON_AddItemToObject(
            o, "error", cs->ran && cs->net != NET_OK ? cJSON_CreateString(net_err_name(cs->net)) : cJSON_CreateNull());
    long ms = latency_ms(cs);
    if (ms >= 0)
        cJSON_AddNumberToObject(o, "latency_ms", round1(cs->t.total_us / 1000.0));
    else
        cJSON_AddNullToObject(o, "latency_ms");
    if (cs->ran) {
        cJSON *t = cJSON_AddObjectToObject(o, "timings_ms");
        cJSON_AddNumberToObject(t, "dns", round1(cs->t.dns_us / 1000.0));
        cJSON_AddNumberToObject(t, "connect", round1(cs->t.connect_us / 1000.0));
        cJSON_AddNumberToObject(t, "tls", round1(cs->t.tls_us / 1000.0));
        cJSON_AddNumberToObject(t, "first_byte", round1(cs->t.first_byte_us / 1000.0));
        cJSON_AddNumberToObject(t, "total", round1(cs->t.total_us / 1000.0));
    } else {
        cJSON_AddNullToObject(o, "timings_ms");
    }
    if (cs->data)
        cJSON_AddItemToObject(o, "data", cJSON_Duplicate(cs->data, 1));
    cJSON *v = cJSON_AddObjectToObject(o, "values");
    for (int i = 0; i < cs->nvalues; i++)
        if (isfinite(cs->values[i].value))
            cJSON_AddNumberToObject(v, value_key_name(cs->values[i].key), cs->values[i].value);
    return o;
}

static cJSON *json_component(const struct comp_state *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", comp_kind_name(c->kind));
    cJSON_AddStringToObject(o, "url", c->url);
    cJSON_AddItemToObject(o, "version", json_str_or_null(c->version));
    cJSON_AddStringToObject(o, "status", status_name(comp_status(c)));
    cJSON_AddStringToObject(o, "message", comp_message(c));
    if (c->nchecks && c->checks[0].ran && !c->checks[0].skipped)
        cJSON_AddBoolToObject(o, "reachable", !comp_unreachable(c));
    else
        cJSON_AddNullToObject(o, "reachable"); /* not known yet */
    cJSON *rates = cJSON_AddObjectToObject(o, "rates");
    for (int key = VK_NONE + 1; key < VK_COUNT; key++) {
        if (value_keys[key].kind != OBS_COUNTER)
            continue;
        double r;
        bool seen = false;
        for (int k = 0; k < c->ncounters; k++)
            seen |= c->counters[k].key == (enum value_key)key;
        if (!seen)
            continue; /* this component has no such counter at all */
        if (comp_rate(c, (enum value_key)key, &r))
            cJSON_AddNumberToObject(rates, value_keys[key].rate_json, round(r * 100.0) / 100.0);
        else
            cJSON_AddNullToObject(rates, value_keys[key].rate_json); /* unknown until two samples */
    }
    cJSON *checks = cJSON_AddArrayToObject(o, "checks");
    for (size_t i = 0; i < c->nchecks; i++)
        cJSON_AddItemToArray(checks, json_check(&c->checks[i]));
    return o;
}

static cJSON *json_wall_time(long long wall_ms)
{
    char when[40];
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03dZ", (int)(wall_ms % 1000));
    return cJSON_CreateString(when);
}

static cJSON *json_changes(const struct state *s, const struct report_meta *m)
{
    struct change ch[REPORT_MAX_CHANGES];
    size_t n = state_changes(s, 0, ch, REPORT_MAX_CHANGES);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        const struct transition *t = ch[i].t;
        cJSON *o = cJSON_CreateObject();
        if (m->now_wall_ms)
            cJSON_AddItemToObject(o, "time", json_wall_time(m->now_wall_ms - (m->now_mono_ms - t->at_ms)));
        else
            cJSON_AddNullToObject(o, "time");
        cJSON_AddStringToObject(o, "stack", ch[i].stack->name);
        cJSON_AddStringToObject(o, "component", comp_kind_name(ch[i].comp->kind));
        cJSON_AddStringToObject(o, "check", ch[i].check->def->name);
        cJSON_AddStringToObject(o, "from", transition_word(t->from, t->from_skip));
        cJSON_AddStringToObject(o, "to", transition_word(t->to, t->to_skip));
        cJSON_AddStringToObject(o, "message", t->message);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

char *report_json(const struct state *s, const struct report_meta *m)
{
    cJSON *root = cJSON_CreateObject();
    int code = report_exit_code(s);
    char when[32];
    time_t t = (time_t)(m->time_unix_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(root, "schema", REPORT_JSON_SCHEMA);
    cJSON_AddStringToObject(root, "lgtmtop_version", LGTMTOP_VERSION);
    cJSON_AddStringToObject(root, "time", when);
    cJSON_AddNumberToObject(root, "duration_ms", (double)m->duration_ms);
    cJSON_AddNumberToObject(root, "sweep_ms", (double)m->sweep_ms);
    cJSON_AddNumberToObject(root, "sweeps", (double)m->sweeps);
    cJSON_AddItemToObject(root, "config", json_str_or_null(m->config_path));
    cJSON_AddNumberToObject(root, "sample_ms", (double)m->sample_ms);
    cJSON_AddStringToObject(root, "status", report_exit_name(code));
    cJSON_AddNumberToObject(root, "exit_code", code);
    struct status_counts n = state_counts(s);
    cJSON *counts = cJSON_AddObjectToObject(root, "counts");
    cJSON_AddNumberToObject(counts, "ok", n.ok);
    cJSON_AddNumberToObject(counts, "warn", n.warn);
    cJSON_AddNumberToObject(counts, "fail", n.fail);
    cJSON_AddNumberToObject(counts, "unknown", n.unknown);
    cJSON *stacks = cJSON_AddArrayToObject(root, "stacks");
    STATE_FOR_EACH_STACK (s, st) {
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "name", st->name);
        cJSON_AddStringToObject(so, "status", status_name(stack_status(st)));
        cJSON *comps = cJSON_AddArrayToObject(so, "components");
        STACK_FOR_EACH_COMP (st, c)
            cJSON_AddItemToArray(comps, json_component(c));
        cJSON_AddItemToArray(stacks, so);
    }
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    size_t nf = diagnose(s, 0, fs, DIAGNOSE_MAX_FINDINGS);
    cJSON *findings = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < nf; i++) {
        cJSON *fo = cJSON_CreateObject();
        cJSON_AddStringToObject(fo, "severity", status_name(fs[i].severity));
        cJSON_AddStringToObject(fo, "stack", fs[i].stack);
        cJSON_AddStringToObject(fo, "component", fs[i].component);
        cJSON_AddStringToObject(fo, "id", fs[i].id);
        cJSON_AddStringToObject(fo, "title", fs[i].title);
        cJSON_AddStringToObject(fo, "cause", fs[i].cause);
        cJSON_AddStringToObject(fo, "hint", fs[i].hint);
        cJSON *rows = cJSON_AddArrayToObject(fo, "checks");
        for (size_t k = 0; k < FINDING_MAX_CHECKS && fs[i].checks[k]; k++)
            cJSON_AddItemToArray(rows, cJSON_CreateString(fs[i].checks[k]));
        cJSON_AddItemToArray(findings, fo);
    }
    cJSON_AddItemToObject(root, "changes", json_changes(s, m));
    obs_json_clean(root); /* the one gate: every string in the report, whatever its path */
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    if (!out)
        fatal("out of memory (JSON report)");
    char *copy = xstrdup(out); /* callers free() with the libc allocator */
    cJSON_free(out);
    return copy;
}
