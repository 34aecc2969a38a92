/* custom: the user's own checks (checks: in the config; see custom.h). Conditions,
 * query building and response judging are pure; the multi-check glue at the end submits one
 * request per check and hands the judged observation to the runner. */
#include "lgtmtop/custom.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lgtmtop/config.h"
#include "lgtmtop/multi.h"
#include "common.h"

#define CUSTOM_SERIES_LISTED 3  /* failing series named in the summary */
#define CUSTOM_DETAIL_SERIES 20 /* series listed in detail */

extern const struct multi_check custom_multi;

struct check_def *custom_defs_new(const struct stack_cfg *st, size_t *n)
{
    *n = st ? st->nchecks : 0;
    if (*n == 0)
        return NULL;
    /* One block: the defs, then the custom_defs their arg points to. */
    struct check_def *defs = xcalloc(1, *n * (sizeof(struct check_def) + sizeof(struct custom_def)));
    struct custom_def *cds = (struct custom_def *)(void *)(defs + *n);
    for (size_t i = 0; i < *n; i++) {
        cds[i].cc = &st->checks[i];
        cds[i].target = custom_target(st, &st->checks[i]);
        defs[i] = (struct check_def){
                .name = st->checks[i].name,
                .multi = &custom_multi,
                .arg = &cds[i],
        };
    }
    return defs;
}

void custom_defs_free(struct check_def *defs) { free(defs); }

/* ---- queries --------------------------------------------------------------------------- */

static const char *skip_blank(const char *s)
{
    while (s && isspace((unsigned char)*s))
        s++;
    return s ? s : "";
}

bool custom_logql_wrapped(const struct custom_check_cfg *cc)
{
    /* A log query starts with its stream selector; metric queries start with a function. */
    return cc->type == CUSTOM_LOGQL && *skip_blank(cc->query) == '{';
}

void custom_query_text(const struct custom_check_cfg *cc, struct buf *out)
{
    const char *q = skip_blank(cc->query);
    size_t n = strlen(q);
    while (n > 0 && isspace((unsigned char)q[n - 1]))
        n--;
    if (!custom_logql_wrapped(cc)) {
        buf_append(out, q, n);
        return;
    }
    long w = cc->window_ms > 0 ? cc->window_ms : CUSTOM_DEFAULT_WINDOW_MS;
    char win[32];
    if (w % 3600000 == 0)
        snprintf(win, sizeof(win), "%ldh", w / 3600000);
    else if (w % 60000 == 0)
        snprintf(win, sizeof(win), "%ldm", w / 60000);
    else if (w % 1000 == 0)
        snprintf(win, sizeof(win), "%lds", w / 1000);
    else
        snprintf(win, sizeof(win), "%ldms", w);
    buf_printf(out, "sum(count_over_time(%.*s [%s]))", (int)n, q, win);
}

void custom_query_url(const struct custom_check_cfg *cc, const struct component_cfg *target, struct buf *out)
{
    struct buf q;
    buf_init(&q);
    custom_query_text(cc, &q);
    buf_puts(out, target && target->url ? target->url : "");
    if (cc->type == CUSTOM_LOGQL) {
        buf_puts(out, "/loki/api/v1/query?query=");
    } else {
        char prefix[128];
        probe_api_prefix(target, prefix, sizeof(prefix));
        buf_printf(out, "%s/api/v1/query?query=", prefix);
    }
    probe_url_encode(out, q.data ? q.data : "");
    buf_free(&q);
}

/* ---- JSON ------------------------------------------------------------------------------ */

const struct cJSON *custom_json_path(const struct cJSON *root, const char *path)
{
    const cJSON *cur = root;
    const char *p = path ? path : "";
    while (cur && *p) {
        size_t n = strcspn(p, ".");
        char key[256];
        if (n == 0 || n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (cJSON_IsArray(cur)) {
            char *end;
            long i = strtol(key, &end, 10);
            if (*end || i < 0 || key[0] == '-' || key[0] == '+')
                return NULL;
            cur = cJSON_GetArrayItem(cur, (int)i);
        } else if (cJSON_IsObject(cur)) {
            cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        } else {
            return NULL;
        }
        p += n;
        if (*p == '.')
            p++;
    }
    return cur;
}

/* A JSON value as the user reads it: "ok", 1, true, null, "an object", "a list of 3". */
static void json_show(const cJSON *v, char *out, size_t outlen)
{
    if (cJSON_IsString(v))
        snprintf(out, outlen, "\"%.80s\"", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(out, outlen, "%.15g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(out, outlen, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(out, outlen, "%s", "null");
    else if (cJSON_IsArray(v))
        snprintf(out, outlen, "a list of %d", cJSON_GetArraySize(v));
    else
        snprintf(out, outlen, "%s", "an object");
}

static bool parse_number(const char *s, double *v)
{
    char *end;
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    *v = strtod(s, &end);
    return *end == '\0' && isfinite(*v);
}

static bool json_equals(const cJSON *v, const char *want)
{
    double w;
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, want) == 0;
    if (cJSON_IsNumber(v))
        return parse_number(want, &w) && v->valuedouble == w;
    if (cJSON_IsBool(v))
        return strcasecmp(want, cJSON_IsTrue(v) ? "true" : "false") == 0;
    if (cJSON_IsNull(v))
        return strcmp(want, "null") == 0;
    return false;
}

/* The number a JSON value stands for in a condition: numbers, numeric strings, booleans (1/0);
 * lists, objects and strings count their elements for non-empty/empty. */
static bool json_number(const cJSON *v, bool count, double *out)
{
    if (count) {
        *out = cJSON_IsArray(v) || cJSON_IsObject(v) ? cJSON_GetArraySize(v)
               : cJSON_IsString(v)                   ? (double)strlen(v->valuestring)
               : cJSON_IsNull(v)                     ? 0
                                                     : 1;
        return true;
    }
    if (cJSON_IsNumber(v))
        *out = v->valuedouble;
    else if (cJSON_IsBool(v))
        *out = cJSON_IsTrue(v) ? 1 : 0;
    else if (cJSON_IsString(v))
        return parse_number(v->valuestring, out);
    else if (cJSON_IsArray(v) || cJSON_IsObject(v))
        *out = cJSON_GetArraySize(v);
    else
        return false;
    return true;
}

/* ---- http checks ----------------------------------------------------------------------- */

static bool status_expected(const struct custom_check_cfg *cc, long status)
{
    if (cc->nexpect_status == 0)
        return status >= 200 && status <= 299;
    for (int i = 0; i < cc->nexpect_status; i++)
        if (cc->expect_status[i] == status)
            return true;
    return false;
}

static void expected_text(const struct custom_check_cfg *cc, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    if (cc->nexpect_status == 0) {
        snprintf(out, outlen, "%s", "2xx");
        return;
    }
    for (int i = 0; i < cc->nexpect_status && len < outlen; i++)
        len += (size_t)snprintf(out + len, outlen - len, "%s%d", i ? " or " : "", cc->expect_status[i]);
}

/* The first line of a body, or its JSON "message"/"error", for a failing status. */
static void body_hint(const struct http_response *r, char *out, size_t outlen)
{
    out[0] = '\0';
    cJSON *j = r->body_len ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
    const char *keys[] = {"message", "error", "status"};
    for (size_t i = 0; cJSON_IsObject(j) && i < ARRAY_LEN(keys) && !out[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (cJSON_IsString(v) && *v->valuestring)
            text_oneline(out, outlen, v->valuestring, strlen(v->valuestring));
    }
    cJSON_Delete(j);
    if (out[0])
        return;
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((nl ? nl : end) - p);
    text_oneline(out, outlen, p, n > 120 ? 120 : n);
}

void custom_eval_http(const struct custom_check_cfg *cc, const struct http_response *r, struct obs *o)
{
    char lat[16], want[64], got[128], hint[160];
    if (r->err != NET_OK) {
        probe_transport_obs_for(r, NULL, o);
        return;
    }
    long ms = (long)((r->t.total_us + 500) / 1000);
    duration_format(ms, lat, sizeof(lat));
    obs_add_value(o, VK_HTTP_STATUS, (double)r->status);
    obs_add_value(o, VK_LATENCY_MS, (double)ms);
    cJSON *d = cJSON_CreateObject();
    char *url = url_redact(r->url ? r->url : "");
    cJSON_AddStringToObject(d, "url", url);
    free(url);
    cJSON_AddNumberToObject(d, "http_status", (double)r->status);
    cJSON_AddNumberToObject(d, "latency_ms", (double)ms);
    cJSON_Delete(o->data);
    o->data = d;

    if (!status_expected(cc, r->status)) {
        expected_text(cc, want, sizeof(want));
        body_hint(r, hint, sizeof(hint));
        obs_set(o, ST_FAIL, "HTTP %ld, expected %s%s%s", r->status, want, hint[0] ? ": " : "", hint);
        return;
    }
    struct buf extra;
    buf_init(&extra);
    if (cc->json_path) {
        cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
        const cJSON *v = root ? custom_json_path(root, cc->json_path) : NULL;
        if (!root) {
            obs_set(o, ST_FAIL, "HTTP %ld but the body is not JSON (json: %s)", r->status, cc->json_path);
        } else if (!v) {
            obs_set(o, ST_FAIL, "HTTP %ld but the JSON has no \"%s\"", r->status, cc->json_path);
        } else {
            json_show(v, got, sizeof(got));
            if (cc->json_equals) {
                if (!json_equals(v, cc->json_equals))
                    obs_set(o, ST_FAIL, "%s is %s, expected \"%s\" (HTTP %ld)", cc->json_path, got, cc->json_equals,
                            r->status);
                else
                    buf_printf(&extra, ", %s = %s", cc->json_path, got);
            } else {
                double x;
                bool count = custom_expr_is_count(&cc->json_expect);
                custom_expr_format(&cc->json_expect, want, sizeof(want));
                if (!json_number(v, count, &x))
                    obs_set(o, ST_FAIL, "%s is %s, not a number (expected %s)", cc->json_path, got, want);
                else if (!custom_expr_eval(&cc->json_expect, x))
                    obs_set(o, ST_FAIL, "%s is %s, expected %s (HTTP %ld)", cc->json_path, got, want, r->status);
                else
                    buf_printf(&extra, ", %s = %s (%s)", cc->json_path, got, want);
                if (!count && json_number(v, false, &x))
                    obs_add_value(o, VK_VALUE, x);
            }
        }
        cJSON_Delete(root);
        if (o->status == ST_FAIL) {
            buf_free(&extra);
            return;
        }
    }
    if (cc->max_latency_ms > 0 && ms > cc->max_latency_ms) {
        char max[16];
        duration_format(cc->max_latency_ms, max, sizeof(max));
        obs_set(o, ST_FAIL, "HTTP %ld but took %s, more than max_latency %s", r->status, lat, max);
    } else {
        obs_set(o, ST_OK, "HTTP %ld in %s%s", r->status, lat, extra.data ? extra.data : "");
    }
    buf_free(&extra);
}

/* ---- promql / logql checks ------------------------------------------------------------- */

struct series_val {
    char labels[160];
    double v;
};

static double sample_number(const cJSON *pair, bool *ok)
{
    const cJSON *v = cJSON_GetArrayItem(pair, 1);
    *ok = cJSON_IsArray(pair) && cJSON_GetArraySize(pair) == 2 && cJSON_IsString(v);
    if (!*ok)
        return NAN;
    /* Prometheus spells specials "NaN", "+Inf", "-Inf"; strtod reads them. */
    return strtod(v->valuestring, NULL);
}

static void labels_text(const cJSON *metric, char *out, size_t outlen)
{
    struct buf b;
    buf_init(&b);
    buf_putc(&b, '{');
    const cJSON *l;
    bool first = true;
    cJSON_ArrayForEach(l, metric)
    {
        if (!cJSON_IsString(l))
            continue;
        buf_printf(&b, "%s%s=\"%s\"", first ? "" : ",", l->string, l->valuestring);
        first = false;
    }
    buf_putc(&b, '}');
    text_oneline(out, outlen, b.data, b.len);
    buf_free(&b);
}

/* The result as (labels, value) pairs; -1 with o set on a shape error. */
static int query_series(const struct http_response *r, const struct component_cfg *target, const cJSON *data,
                        struct obs *o, struct series_val **out, int *n)
{
    *out = NULL;
    *n = 0;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsString(type) || !result) {
        probe_shape_error(r, target, o, "no data.resultType / data.result");
        return -1;
    }
    bool ok;
    if (strcmp(type->valuestring, "scalar") == 0) {
        *out = xcalloc(1, sizeof(**out));
        (*out)[0].v = sample_number(result, &ok);
        snprintf((*out)[0].labels, sizeof((*out)[0].labels), "%s", "scalar");
        if (!ok) {
            probe_shape_error(r, target, o, "data.result is not [time, \"value\"]");
            return -1;
        }
        *n = 1;
        return 0;
    }
    bool vector = strcmp(type->valuestring, "vector") == 0;
    if (!vector && strcmp(type->valuestring, "matrix") != 0) {
        char what[96];
        snprintf(what, sizeof(what), "resultType \"%.30s\" cannot be compared with a number", type->valuestring);
        probe_shape_error(r, target, o, what);
        return -1;
    }
    if (!cJSON_IsArray(result) && !cJSON_IsNull(result)) {
        probe_shape_error(r, target, o, "data.result is not a list");
        return -1;
    }
    int cap = cJSON_IsArray(result) ? cJSON_GetArraySize(result) : 0;
    *out = xcalloc(cap ? (size_t)cap : 1, sizeof(**out));
    const cJSON *s;
    cJSON_ArrayForEach(s, result)
    {
        const cJSON *pair =
                vector ? cJSON_GetObjectItemCaseSensitive(s, "value")
                       : cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "values"),
                                            cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "values")) - 1);
        struct series_val *sv = &(*out)[*n];
        sv->v = sample_number(pair, &ok);
        if (!ok) {
            probe_shape_error(r, target, o, vector ? "a series has no [time, \"value\"]" : "a series has no values");
            return -1;
        }
        labels_text(cJSON_GetObjectItemCaseSensitive(s, "metric"), sv->labels, sizeof(sv->labels));
        (*n)++;
    }
    return 0;
}

static void query_data(struct obs *o, const char *query, const char *expect, int n, const struct series_val *sv)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "query", query);
    cJSON_AddStringToObject(d, "expect", expect);
    cJSON_AddNumberToObject(d, "series", n);
    if (n > 0 && isfinite(sv[0].v))
        cJSON_AddNumberToObject(d, "value", sv[0].v);
    else
        cJSON_AddNullToObject(d, "value");
    cJSON_Delete(o->data);
    o->data = d;
}

void custom_eval_query(const struct custom_check_cfg *cc, const struct component_cfg *target,
                       const struct http_response *r, struct obs *o)
{
    if (r->err != NET_OK) {
        probe_transport_obs_for(r, target, o);
        return;
    }
    if (r->status < 200 || r->status > 299) {
        probe_http_error_obs(r, target, o);
        return;
    }
    const cJSON *data;
    cJSON *root = probe_prom_envelope(r, target, o, &data);
    if (!root)
        return;
    struct series_val *sv = NULL;
    int n = 0;
    struct buf q;
    buf_init(&q);
    custom_query_text(cc, &q);
    if (query_series(r, target, data, o, &sv, &n) < 0)
        goto out;
    bool wrapped = custom_logql_wrapped(cc);
    if (n == 0 && wrapped) {
        /* sum(count_over_time(...)) over nothing is an empty vector: no line is a count of 0. */
        n = 1;
        sv[0].v = 0;
        snprintf(sv[0].labels, sizeof(sv[0].labels), "%s", "{}");
    }
    char want[48], val[32];
    custom_expr_format(&cc->expect, want, sizeof(want));
    obs_add_value(o, VK_SERIES, n);
    if (n > 0 && isfinite(sv[0].v))
        obs_add_value(o, VK_VALUE, sv[0].v);
    obs_detail_line(o, "query: %s", q.data ? q.data : "");
    for (int i = 0; i < n && i < CUSTOM_DETAIL_SERIES; i++)
        obs_detail_line(o, "%s = %g", sv[i].labels, sv[i].v);
    if (n > CUSTOM_DETAIL_SERIES)
        obs_detail_line(o, "... %d more series", n - CUSTOM_DETAIL_SERIES);
    query_data(o, q.data ? q.data : "", want, n, sv);
    const char *what = wrapped ? "lines" : "series";
    if (custom_expr_is_count(&cc->expect)) {
        double count = wrapped ? sv[0].v : n;
        if (custom_expr_eval(&cc->expect, count))
            obs_set(o, ST_OK, "%g %s (%s)", count, what, want);
        else
            obs_set(o, ST_FAIL, "%g %s, expected %s", count, what, want);
        goto out;
    }
    if (n == 0) {
        obs_set(o, ST_FAIL, "no data: the query returned no series (expected %s)", want);
        goto out;
    }
    int bad = 0;
    struct buf list;
    buf_init(&list);
    for (int i = 0; i < n; i++) {
        if (custom_expr_eval(&cc->expect, sv[i].v))
            continue;
        if (bad < CUSTOM_SERIES_LISTED)
            buf_printf(&list, "%s%s = %g", bad ? ", " : "", sv[i].labels, sv[i].v);
        bad++;
    }
    snprintf(val, sizeof(val), "%g", sv[0].v);
    if (bad == 0 && n == 1)
        obs_set(o, ST_OK, "%s %s (%s)", wrapped ? "count" : "value", val, want);
    else if (bad == 0)
        obs_set(o, ST_OK, "%d series, all %s", n, want);
    else if (n == 1)
        obs_set(o, ST_FAIL, "%s %s, expected %s", wrapped ? "count" : "value", val, want);
    else
        obs_set(o, ST_FAIL, "%d of %d series not %s: %s%s", bad, n, want, list.data,
                bad > CUSTOM_SERIES_LISTED ? ", ..." : "");
    buf_free(&list);
out:
    free(sv);
    buf_free(&q);
    cJSON_Delete(root);
}

/* ---- the multi check (glue) ------------------------------------------------------------ */

struct custom_run {
    struct obs o;
    bool have;
};

static void custom_on_done(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct custom_run *cr = run->data;
    const struct custom_def *cd = arg;
    obs_init(&cr->o);
    cr->have = true;
    if (cd->cc->type == CUSTOM_HTTP)
        custom_eval_http(cd->cc, r, &cr->o);
    else
        custom_eval_query(cd->cc, cd->target, r, &cr->o);
}

static void custom_start(struct multi_run *run)
{
    const struct custom_def *cd = run->def->arg;
    const struct custom_check_cfg *cc = cd ? cd->cc : NULL;
    if (!cc)
        return;
    if (cc->type == CUSTOM_HTTP) {
        struct request rq = {
                .url = cc->url,
                .method = cc->method,
                .timeout_ms = cc->timeout_ms,
                .insecure = cc->insecure_skip_verify,
        };
        multi_request(run, &rq, custom_on_done, (void *)cd);
        return;
    }
    const struct component_cfg *t = cd->target;
    if (!t)
        return; /* reported by finish */
    struct buf url;
    buf_init(&url);
    custom_query_url(cc, t, &url);
    struct request rq = {
            .url = url.data,
            .timeout_ms = cc->timeout_ms > 0 ? cc->timeout_ms : t->timeout_ms,
            .connect_timeout_ms = t->connect_timeout_ms,
    };
    probe_use_component(&rq, t);
    multi_request(run, &rq, custom_on_done, (void *)cd);
    buf_free(&url);
}

static void custom_finish(struct multi_run *run, struct obs *o)
{
    struct custom_run *cr = run->data;
    const struct custom_def *cd = run->def->arg;
    if (cr->have) {
        obs_free(o);
        *o = cr->o; /* hand over detail and data */
        obs_init(&cr->o);
        cr->have = false;
        return;
    }
    if (cd && cd->cc && cd->cc->type != CUSTOM_HTTP && !cd->target)
        obs_set(o, ST_FAIL, "no %s in this stack to run the query against — add one",
                cd->cc->type == CUSTOM_LOGQL ? "loki:" : "mimir: or prometheus:");
    else
        obs_set(o, ST_FAIL, "%s", "no answer (interrupted)");
}

static void custom_data_free(void *data)
{
    struct custom_run *cr = data;
    if (cr->have)
        obs_free(&cr->o);
}

const struct multi_check custom_multi = {
        .data_size = sizeof(struct custom_run),
        .start = custom_start,
        .finish = custom_finish,
        .data_free = custom_data_free,
        .max_inflight = 1,
};

/* COMP_CHECKS has no static table: state_init builds each stack's checks (custom_defs_new). */
const struct probe_kind probe_custom = {
        COMP_CHECKS,
        NULL,
        0,
};
