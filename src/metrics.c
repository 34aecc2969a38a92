/* metrics: the Prometheus text exposition of the state (metrics.h). One family at a time, each
 * with HELP and TYPE, samples in stack/component/check order. */
#include "lgtmtop/metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lgtmtop/diagnose.h"
#include "lgtmtop/util.h"

#define LABELS_LEN 2048

const char *metrics_number(double v, char *out, size_t outlen)
{
    if (isnan(v))
        snprintf(out, outlen, "NaN");
    else if (isinf(v))
        snprintf(out, outlen, "%sInf", v > 0 ? "+" : "-");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(out, outlen, "%.0f", v);
    else
        snprintf(out, outlen, "%.15g", v);
    return out;
}

/* A label set being built: name="value",... (without the braces). */
struct labels {
    char text[LABELS_LEN];
    size_t len;
};

static void lab_reset(struct labels *l)
{
    l->len = 0;
    l->text[0] = '\0';
}

/* Appends name="value": the value cleaned to one line of valid UTF-8, then \ " and newline
 * escaped as the text format wants. A set that would not fit is cut at a label boundary. */
static void lab(struct labels *l, const char *name, const char *value)
{
    char clean[512], esc[1100];
    size_t n = 0;
    text_oneline(clean, sizeof clean, value ? value : "", strlen(value ? value : ""));
    for (const char *p = clean; *p && n + 3 < sizeof esc; p++) {
        if (*p == '\\' || *p == '"')
            esc[n++] = '\\';
        esc[n++] = *p;
    }
    esc[n] = '\0';
    int w = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s=\"%s\"", l->len ? "," : "", name, esc);
    if (w < 0 || (size_t)w >= sizeof l->text - l->len)
        l->text[l->len] = '\0'; /* does not fit: leave the label out rather than cut a value */
    else
        l->len += (size_t)w;
}

static void family(struct buf *b, const char *name, const char *type, const char *help)
{
    buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(struct buf *b, const char *name, const struct labels *l, double v)
{
    char num[40];
    if (l && l->len)
        buf_printf(b, "%s{%s} %s\n", name, l->text, metrics_number(v, num, sizeof num));
    else
        buf_printf(b, "%s %s\n", name, metrics_number(v, num, sizeof num));
}

static void comp_labels(struct labels *l, const struct stack_state *st, const struct comp_state *c)
{
    lab_reset(l);
    lab(l, "stack", st->name);
    lab(l, "component", comp_kind_name(c->kind));
}

static void check_labels(struct labels *l, const struct stack_state *st, const struct comp_state *c,
                         const struct check_state *cs)
{
    comp_labels(l, st, c);
    lab(l, "check", cs->def->name);
}

static const char *const status_words[] = {
        [ST_UNKNOWN] = "unknown", [ST_OK] = "ok", [ST_WARN] = "warn", [ST_FAIL] = "fail"};

/* One series per status, 1 for the current one (a state set). */
static void state_set(struct buf *b, const char *name, const struct labels *base, const char *current,
                      const char *const *words, size_t nwords)
{
    for (size_t i = 0; i < nwords; i++) {
        struct labels l = *base;
        lab(&l, "status", words[i]);
        sample(b, name, &l, strcmp(words[i], current) == 0 ? 1 : 0);
    }
}

/* A row's status word: ok, warn, fail, skip, or unknown (not run yet, pending). */
static const char *check_word(const struct check_state *cs)
{
    const char *label = check_label(cs);
    if (strcmp(label, "SKIP") == 0)
        return "skip";
    if (!cs->ran || strcmp(label, "PENDING") == 0)
        return "unknown";
    return status_words[check_status(cs)];
}

static void sweep_families(struct buf *b, const struct state *s, const struct metrics_meta *m)
{
    family(b, "lgtmtop_build_info", "gauge", "A metric with a constant '1' value labeled by the version of lgtmtop.");
    struct labels l;
    lab_reset(&l);
    lab(&l, "version", LGTMTOP_VERSION);
    sample(b, "lgtmtop_build_info", &l, 1);
    family(b, "lgtmtop_ready", "gauge", "1 once the first complete sweep has finished (as /-/ready).");
    sample(b, "lgtmtop_ready", NULL, m->ready);
    family(b, "lgtmtop_sweeps_total", "counter", "Complete sweeps (every check of every component once).");
    sample(b, "lgtmtop_sweeps_total", NULL, (double)s->sweeps);
    family(b, "lgtmtop_sweep_interval_seconds", "gauge", "The configured time between sweep starts.");
    sample(b, "lgtmtop_sweep_interval_seconds", NULL, (double)s->interval_ms / 1000.0);
    if (m->last_sweep_wall_ms) {
        family(b, "lgtmtop_sweep_duration_seconds", "gauge", "How long the last complete sweep took.");
        sample(b, "lgtmtop_sweep_duration_seconds", NULL, (double)m->last_sweep_ms / 1000.0);
        family(b, "lgtmtop_sweep_last_success_timestamp_seconds", "gauge",
               "When the last complete sweep finished, in seconds since the epoch.");
        sample(b, "lgtmtop_sweep_last_success_timestamp_seconds", NULL, (double)m->last_sweep_wall_ms / 1000.0);
    }
    family(b, "lgtmtop_config_last_reload_successful", "gauge", "Whether the last config (re)load succeeded.");
    sample(b, "lgtmtop_config_last_reload_successful", NULL, m->reload_ok);
    family(b, "lgtmtop_config_last_reload_success_timestamp_seconds", "gauge",
           "When the config in use was loaded, in seconds since the epoch.");
    sample(b, "lgtmtop_config_last_reload_success_timestamp_seconds", NULL, (double)m->reload_wall_ms / 1000.0);
}

static void stack_families(struct buf *b, const struct state *s)
{
    struct labels l;
    family(b, "lgtmtop_stack_status", "gauge",
           "The stack's verdict, one series per status (ok, warn, fail, unknown): 1 for the current one.");
    STATE_FOR_EACH_STACK (s, st) {
        lab_reset(&l);
        lab(&l, "stack", st->name);
        state_set(b, "lgtmtop_stack_status", &l, status_words[stack_status(st)], status_words, 4);
    }
}

static void component_families(struct buf *b, const struct state *s)
{
    struct labels l;
    family(b, "lgtmtop_component_info", "gauge",
           "A constant 1 per component, labeled with its URL (credentials redacted) and version.");
    STATE_FOR_EACH_COMP (s, st, c) {
        comp_labels(&l, st, c);
        lab(&l, "url", c->url);
        lab(&l, "version", c->version);
        sample(b, "lgtmtop_component_info", &l, 1);
    }
    family(b, "lgtmtop_component_status", "gauge",
           "The component's verdict (worst of its checks and findings), one series per status (ok, warn, fail, "
           "unknown): 1 for the current one.");
    STATE_FOR_EACH_COMP (s, st, c) {
        comp_labels(&l, st, c);
        state_set(b, "lgtmtop_component_status", &l, status_words[comp_status(c)], status_words, 4);
    }
    family(b, "lgtmtop_component_up", "gauge",
           "1 when the component answered its readiness check over HTTP, 0 when it could not be reached.");
    STATE_FOR_EACH_COMP (s, st, c) {
        if (!c->nchecks || !c->checks[0].ran || c->checks[0].skipped)
            continue; /* not known yet */
        comp_labels(&l, st, c);
        sample(b, "lgtmtop_component_up", &l, !comp_unreachable(c));
    }
    family(b, "lgtmtop_component_ready", "gauge", "1 when the component's readiness check (the first check) is OK.");
    STATE_FOR_EACH_COMP (s, st, c) {
        if (!c->nchecks || !c->checks[0].ran || c->checks[0].skipped)
            continue;
        comp_labels(&l, st, c);
        sample(b, "lgtmtop_component_ready", &l, c->checks[0].status == ST_OK);
    }
    /* Flow rates: one family per counter key, from the component's own /metrics counters. */
    for (int key = VK_NONE + 1; key < VK_COUNT; key++) {
        const struct value_key_info *vk = &value_keys[key];
        if (vk->kind != OBS_COUNTER)
            continue;
        char name[96], help[192];
        size_t stem = strlen(vk->name);
        if (str_ends_with(vk->name, "_total"))
            stem -= strlen("_total");
        snprintf(name, sizeof name, "lgtmtop_component_%.*s_per_second", (int)stem, vk->name);
        snprintf(help, sizeof help,
                 "Rate of the component's %s counter (%s) between lgtmtop's last two readings of its /metrics.",
                 vk->name, vk->rate_unit);
        bool head = false;
        STATE_FOR_EACH_COMP (s, st, c) {
            double r;
            if (!comp_rate(c, (enum value_key)key, &r))
                continue;
            if (!head)
                family(b, name, "gauge", help);
            head = true;
            comp_labels(&l, st, c);
            sample(b, name, &l, r);
        }
    }
}

static double us_s(long us) { return us > 0 ? (double)us / 1e6 : 0; }

static void check_families(struct buf *b, const struct state *s, const struct metrics_meta *m)
{
    static const char *const words[] = {"ok", "warn", "fail", "unknown", "skip"};
    struct labels l;
    family(b, "lgtmtop_check_status", "gauge",
           "The check's verdict (raised by findings about it), one series per status (ok, warn, fail, unknown, "
           "skip): 1 for the current one.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs) {
            check_labels(&l, st, c, cs);
            state_set(b, "lgtmtop_check_status", &l, check_word(cs), words, ARRAY_LEN(words));
        }
    family(b, "lgtmtop_check_status_changes_total", "counter",
           "How often the check's own status changed (flapping shows as a fast rate).");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs) {
            check_labels(&l, st, c, cs);
            sample(b, "lgtmtop_check_status_changes_total", &l, (double)cs->changes);
        }
    family(b, "lgtmtop_check_duration_seconds", "gauge", "How long the check's last request took, start to end.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            if (cs->ran && !cs->skipped) {
                check_labels(&l, st, c, cs);
                sample(b, "lgtmtop_check_duration_seconds", &l, us_s(cs->t.total_us));
            }
    family(b, "lgtmtop_check_phase_duration_seconds", "gauge",
           "The check's last request by phase (dns, connect, tls, first_byte: waiting for the answer, transfer); "
           "the phases add up to lgtmtop_check_duration_seconds.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs) {
            if (!cs->ran || cs->skipped || cs->net != NET_OK)
                continue;
            const struct timings *t = &cs->t;
            long sent = t->tls_us > t->connect_us ? t->tls_us : t->connect_us;
            const struct {
                const char *phase;
                long us;
            } phases[] = {
                    {"dns", t->dns_us},
                    {"connect", t->connect_us - t->dns_us},
                    {"tls", t->tls_us > 0 ? t->tls_us - t->connect_us : 0},
                    {"first_byte", t->first_byte_us > 0 ? t->first_byte_us - sent : 0},
                    {"transfer", t->first_byte_us > 0 ? t->total_us - t->first_byte_us : 0},
            };
            for (size_t i = 0; i < ARRAY_LEN(phases); i++) {
                check_labels(&l, st, c, cs);
                lab(&l, "phase", phases[i].phase);
                sample(b, "lgtmtop_check_phase_duration_seconds", &l, us_s(phases[i].us));
            }
        }
    family(b, "lgtmtop_check_http_status_code", "gauge", "The HTTP status of the check's last answer.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            if (cs->ran && !cs->skipped && cs->http_status) {
                check_labels(&l, st, c, cs);
                sample(b, "lgtmtop_check_http_status_code", &l, (double)cs->http_status);
            }
    family(b, "lgtmtop_check_last_result_timestamp_seconds", "gauge",
           "When the check's last result arrived, in seconds since the epoch.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            if (cs->ran) {
                check_labels(&l, st, c, cs);
                long long wall = m->now_wall_ms - (m->now_mono_ms - cs->updated_ms);
                sample(b, "lgtmtop_check_last_result_timestamp_seconds", &l, (double)wall / 1000.0);
            }
    family(b, "lgtmtop_check_value", "gauge",
           "A number the check read (key: as in the JSON \"values\", e.g. targets_down, datasources_failing); "
           "counters are exported as rates instead.");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            for (int i = 0; i < cs->nvalues; i++) {
                enum value_key k = cs->values[i].key;
                if (k <= VK_NONE || k >= VK_COUNT || value_keys[k].kind == OBS_COUNTER || k == VK_HTTP_STATUS ||
                    k == VK_LATENCY_MS || !isfinite(cs->values[i].value))
                    continue;
                check_labels(&l, st, c, cs);
                lab(&l, "key", value_keys[k].name);
                sample(b, "lgtmtop_check_value", &l, cs->values[i].value);
            }
}

static void finding_families(struct buf *b, const struct state *s, const struct metrics_meta *m)
{
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    size_t n = diagnose(s, 0, fs, DIAGNOSE_MAX_FINDINGS); /* every result, as report_json */
    (void)m;
    family(b, "lgtmtop_finding", "gauge",
           "A constant 1 per finding in force (id: the rule, as in the README's findings table; severity: fail "
           "or warn).");
    struct labels l;
    for (size_t i = 0; i < n; i++) {
        bool dup = false; /* one series per stack, component and rule */
        for (size_t j = 0; j < i && !dup; j++)
            dup = fs[j].comp == fs[i].comp && strcmp(fs[j].id, fs[i].id) == 0;
        if (dup)
            continue;
        lab_reset(&l);
        lab(&l, "stack", fs[i].stack);
        lab(&l, "component", fs[i].component);
        lab(&l, "id", fs[i].id);
        lab(&l, "severity", status_words[fs[i].severity]);
        sample(b, "lgtmtop_finding", &l, 1);
    }
}

char *metrics_text(const struct state *s, const struct metrics_meta *m)
{
    struct buf b;
    buf_init(&b);
    sweep_families(&b, s, m);
    stack_families(&b, s);
    component_families(&b, s);
    check_families(&b, s, m);
    finding_families(&b, s, m);
    return buf_steal(&b);
}
