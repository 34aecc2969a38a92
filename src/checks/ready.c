/* ready: the endpoints every kind shares to say it is up — build info, dskit /ready and
 * /metrics scanning. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/config.h"
#include "lgtmtop/promtext.h"
#include "common.h"

/* ---- build info ------------------------------------------------------------------------ */

static const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Build info is informational: it names the version, nothing depends on it, and some servers
 * have none (Cortex, gateways that route only the query API). So anything but a transport
 * failure (reported before the parser runs) leaves the version unknown and skips the check
 * with the reason; it never fails the component. */
static void buildinfo_skip(struct obs *o, const char *why)
{
    o->skipped = true;
    obs_set(o, ST_UNKNOWN, "version unknown: %s", why);
}

/* The body of a 2xx answer; false with *why set when it is not build info. */
static bool buildinfo_body(const struct http_response *r, const struct component_cfg *c, struct obs *o, char *why,
                           size_t whylen)
{
    char path[256];
    probe_url_path(r->url, path, sizeof(path));
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p == end) {
        text_printf(why, whylen, "empty answer from %s", path);
        return false;
    }
    if (*p == '<') {
        text_printf(why, whylen, "%s answers HTML, not build info (a gateway or web UI at this URL?)", path);
        return false;
    }
    const char *stop = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(p, (size_t)(end - p), &stop, 0);
    if (root && stop) {
        while (stop < end && isspace((unsigned char)*stop))
            stop++;
        if (stop < end) {
            cJSON_Delete(root);
            root = NULL;
        }
    }
    if (!root && probe_json_too_deep(p, (size_t)(end - p))) {
        text_printf(why, whylen, "%s answers JSON nested deeper than %d levels (a broken or hostile server?)", path,
                    CJSON_NESTING_LIMIT);
        return false;
    }
    if (!root) {
        char start[64];
        text_oneline(start, sizeof(start), p, (size_t)(end - p) < 40 ? (size_t)(end - p) : 40);
        text_printf(why, whylen, "%s answers something that is not JSON: %s%s", path, start,
                    (size_t)(end - p) > 40 ? "..." : "");
        return false;
    }
    bool ok = false;
    const cJSON *info = root;
    if (!cJSON_IsObject(root)) {
        text_printf(why, whylen, "%s answers %s, not a build info object", path, probe_json_type_name(root));
        goto out;
    }
    if (cJSON_HasObjectItem(root, "status")) { /* Prometheus/Mimir wrap it in an envelope */
        const char *st = json_str(root, "status"), *err = json_str(root, "error");
        if (st && strcmp(st, "error") == 0) {
            text_printf(why, whylen, "%s answers an error: %s", path, has_text(err) ? err : "no error message");
            goto out;
        }
        info = cJSON_GetObjectItemCaseSensitive(root, "data");
        if (!cJSON_IsObject(info)) {
            text_printf(why, whylen, "no build info object in \"data\" of %s (got %s)", path,
                        probe_json_type_name(info));
            goto out;
        }
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(info, "version");
    if (!cJSON_IsString(ver)) {
        text_printf(why, whylen, "\"version\" from %s should be a string, got %s", path, probe_json_type_name(ver));
        goto out;
    }
    const char *app = json_str(info, "application");
    const char *rev = json_str(info, "revision");
    const char *gov = json_str(info, "goVersion");
    if (!has_text(app))
        app = probe_product(c);
    text_oneline(o->version, sizeof(o->version), ver->valuestring, strlen(ver->valuestring));
    if (!o->version[0]) /* vanilla/custom builds leave it empty: not a health problem */
        obs_set(o, ST_OK, "%s (build reports no version%s%s)", app, has_text(gov) ? ", " : "",
                has_text(gov) ? gov : "");
    else if (has_text(rev) || has_text(gov))
        /* A short revision is enough to identify the build and keeps the line readable. */
        obs_set(o, ST_OK, "%s %s (%.10s%s%s)", app, o->version, has_text(rev) ? rev : "",
                has_text(rev) && has_text(gov) ? ", " : "", has_text(gov) ? gov : "");
    else
        obs_set(o, ST_OK, "%s %s", app, o->version);

    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(info, "features")) if (cJSON_IsString(f))
            obs_detail_line(o, "feature %s = %s", f->string, f->valuestring);
    ok = true;
out:
    cJSON_Delete(root);
    return ok;
}

void probe_parse_buildinfo(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    char why[OBS_SUMMARY_LEN];
    if (r->status == 404 || r->status == 405 || r->status == 410 || r->status == 501) {
        snprintf(why, sizeof(why), "no buildinfo endpoint (%ld)", r->status);
        buildinfo_skip(o, why);
    } else if (r->status < 200 || r->status > 299) {
        /* 401/403/5xx: the other checks of the component say what is wrong, if anything. */
        struct obs tmp;
        obs_init(&tmp);
        probe_http_error_obs(r, c, &tmp);
        buildinfo_skip(o, tmp.summary);
        free(o->detail);
        o->detail = tmp.detail;
        tmp.detail = NULL;
        obs_free(&tmp);
    } else if (!buildinfo_body(r, c, o, why, sizeof(why))) {
        o->version[0] = '\0';
        buildinfo_skip(o, why);
    }
}
/* ---- /ready ---------------------------------------------------------------------------- */

/* 503 reasons that mean "coming up, re-poll" rather than "down" (API-NOTES pitfall 1): the
 * ingester's min ready duration after joining the ring, an ingester still without tokens,
 * a query-frontend waiting for its first querier/scheduler, Tempo 3's live-store catching
 * up on Kafka lag. "Some services are not Running" is judged by the states it lists. */
static const char *const ready_starting_prefixes[] = {
        "Ingester not ready: waiting for",
        "Ingester not ready: this instance owns no tokens",
        "Query Frontend not ready",
        "LiveStore not ready",
};

enum svc_verdict { SVC_UNCLEAR, SVC_STARTING, SVC_BROKEN };

static bool svc_state_is(const char *s, size_t n, const char *state)
{
    return strlen(state) == n && memcmp(s, state, n) == 0;
}

/* Reads the lines after "Some services are not Running:". Mimir prints "<service>: <State>",
 * Loki/Tempo "<State>: <count>"; either way collect the states named. */
static enum svc_verdict ready_services_verdict(const char *body, size_t len)
{
    static const char *const starting[] = {"New", "Starting"};
    static const char *const broken[] = {"Stopping", "Terminated", "Failed"};
    bool any_starting = false, any_broken = false;
    const char *p = memchr(body, '\n', len), *end = body + len;
    while (p && p < end) {
        const char *line = p + 1;
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        const char *eol = nl ? nl : end;
        const char *colon = memchr(line, ':', (size_t)(eol - line));
        p = nl;
        if (!colon)
            continue;
        const char *a = line, *ae = colon, *b = colon + 1, *be = eol;
        while (a < ae && isspace((unsigned char)*a))
            a++;
        while (ae > a && isspace((unsigned char)ae[-1]))
            ae--;
        while (b < be && isspace((unsigned char)*b))
            b++;
        while (be > b && isspace((unsigned char)be[-1]))
            be--;
        /* "<State>: <count>" when the right side is a number; a zero count names nothing. */
        const char *st = b, *ste = be;
        if (b < be && isdigit((unsigned char)*b)) {
            if (strtol(b, NULL, 10) == 0)
                continue;
            st = a, ste = ae;
        }
        size_t n = (size_t)(ste - st);
        for (size_t i = 0; i < ARRAY_LEN(starting); i++)
            any_starting |= svc_state_is(st, n, starting[i]);
        for (size_t i = 0; i < ARRAY_LEN(broken); i++)
            any_broken |= svc_state_is(st, n, broken[i]);
    }
    return any_broken ? SVC_BROKEN : any_starting ? SVC_STARTING : SVC_UNCLEAR;
}

static bool ready_is_starting(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    size_t n = (size_t)(end - p);
    for (size_t i = 0; i < ARRAY_LEN(ready_starting_prefixes); i++) {
        size_t pl = strlen(ready_starting_prefixes[i]);
        if (n >= pl && memcmp(p, ready_starting_prefixes[i], pl) == 0)
            return true;
    }
    static const char svc[] = "Some services are not Running";
    if (n >= sizeof(svc) - 1 && memcmp(p, svc, sizeof(svc) - 1) == 0)
        return ready_services_verdict(p, n) == SVC_STARTING;
    return false;
}

void probe_parse_ready(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299) {
        obs_set(o, ST_OK, "ready");
        return;
    }
    if (r->status != 503) {
        probe_http_error_obs(r, c, o);
        return;
    }
    /* Classify the cleaned text: escape sequences or stray CRs must not hide a known reason. */
    char *text = text_clean_multiline(r->body, r->body_len);
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    char reason[200];
    text_oneline(reason, sizeof(reason), text, n);
    if (!reason[0])
        snprintf(reason, sizeof(reason), "%s", "no reason given");
    if (ready_is_starting(text, n))
        obs_set(o, ST_WARN, "starting (503): %s", reason);
    else
        obs_set(o, ST_FAIL, "not ready (503): %s", reason);
    if (strchr(text, '\n')) { /* multi-line reasons keep their lines in detail */
        free(o->detail);
        o->detail = text;
    } else {
        free(text);
    }
}
/* ---- /metrics -------------------------------------------------------------------------- */

/* Name lengths measured once per scan, not per sample. */
struct metrics_scan_run {
    struct probe_metrics_scan *s;
    size_t sum_len[PROBE_SCAN_MAX];
    size_t prefix_len[PROBE_SCAN_MAX];
    size_t info_len;
};

/* A metric name (s, len) equals name (of length n). */
static bool span_is(const char *s, size_t len, const char *name, size_t n)
{
    return len == n && memcmp(s, name, n) == 0;
}

static bool name_is(const struct prom_sample *sm, const char *name, size_t n)
{
    return span_is(sm->name, sm->name_len, name, n);
}

static int metrics_scan_cb(const struct prom_sample *sm, void *ud)
{
    struct metrics_scan_run *run = ud;
    struct probe_metrics_scan *s = run->s;
    for (size_t i = 0; i < s->nsums; i++) {
        if (name_is(sm, s->sums[i].name, run->sum_len[i])) {
            s->sums[i].found = true;
            if (probe_counter_ok(sm->value)) {
                s->sums[i].sum += sm->value;
            } else if (!s->sums[i].invalid) {
                s->sums[i].invalid = true;
                s->sums[i].bad = sm->value;
            }
        }
    }
    for (size_t i = 0; i < s->nprefixes; i++) {
        size_t pl = run->prefix_len[i];
        if (!s->prefixes[i].seen && sm->name_len >= pl && memcmp(sm->name, s->prefixes[i].prefix, pl) == 0)
            s->prefixes[i].seen = true;
    }
    if (s->info_metric && !s->info_found && name_is(sm, s->info_metric, run->info_len)) {
        char v[sizeof(s->info_value)];
        if (promtext_label(sm, s->info_label, v, sizeof(v))) {
            text_oneline(s->info_value, sizeof(s->info_value), v, strlen(v));
            s->info_found = true;
        }
    }
    return s->also ? s->also(sm, s->also_ud) : 0;
}

/* The lines metrics_scan_cb needs: a sum, the info metric, a prefix not seen yet, or one the
 * `also` scan wants. */
static bool metrics_scan_wants(const char *name, size_t n, void *ud)
{
    const struct metrics_scan_run *run = ud;
    const struct probe_metrics_scan *s = run->s;
    for (size_t i = 0; i < s->nsums; i++)
        if (span_is(name, n, s->sums[i].name, run->sum_len[i]))
            return true;
    for (size_t i = 0; i < s->nprefixes; i++)
        if (!s->prefixes[i].seen && n >= run->prefix_len[i] &&
            memcmp(name, s->prefixes[i].prefix, run->prefix_len[i]) == 0)
            return true;
    if (s->info_metric && !s->info_found && span_is(name, n, s->info_metric, run->info_len))
        return true;
    return s->also && (!s->also_wants || s->also_wants(name, n, s->also_ud));
}

void probe_metrics_scan(const char *text, size_t len, struct probe_metrics_scan *s)
{
    struct metrics_scan_run run = {.s = s, .info_len = s->info_metric ? strlen(s->info_metric) : 0};
    if (s->nsums > PROBE_SCAN_MAX)
        s->nsums = PROBE_SCAN_MAX;
    if (s->nprefixes > PROBE_SCAN_MAX)
        s->nprefixes = PROBE_SCAN_MAX;
    for (size_t i = 0; i < s->nsums; i++) {
        s->sums[i].sum = 0, s->sums[i].found = false, s->sums[i].invalid = false, s->sums[i].bad = 0;
        run.sum_len[i] = strlen(s->sums[i].name);
    }
    for (size_t i = 0; i < s->nprefixes; i++) {
        s->prefixes[i].seen = false;
        run.prefix_len[i] = strlen(s->prefixes[i].prefix);
    }
    s->info_found = false;
    s->info_value[0] = '\0';
    promtext_parse_some(text, len, metrics_scan_wants, metrics_scan_cb, &run, NULL);
}

bool probe_counter_ok(double v) { return isfinite(v) && v >= 0; }

const char *probe_number_word(double v, char *out, size_t outlen)
{
    if (isnan(v))
        snprintf(out, outlen, "NaN");
    else if (isinf(v))
        snprintf(out, outlen, "%cInf", v > 0 ? '+' : '-');
    else
        snprintf(out, outlen, "%g", v);
    return out;
}

bool probe_metrics_invalid(const struct probe_metrics_scan *s, struct obs *o)
{
    for (size_t i = 0; i < s->nsums; i++) {
        if (!s->sums[i].invalid)
            continue;
        char w[32];
        obs_set(o, ST_FAIL, "invalid counter value %s for %s on /metrics — a counter is a finite number >= 0",
                probe_number_word(s->sums[i].bad, w, sizeof(w)), s->sums[i].name);
        return true;
    }
    return false;
}

bool probe_metrics_status(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    if (r->status >= 200 && r->status <= 299)
        return true;
    if (r->status == 404) { /* gateways often do not route /metrics: not a fault of the component */
        o->skipped = true;
        obs_set(o, ST_UNKNOWN, "skipped: /metrics answers 404 (behind a gateway?) — ingest rates unavailable");
        return false;
    }
    probe_http_error_obs(r, c, o);
    return false;
}
