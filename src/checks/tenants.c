/* tenants: per-tenant breakdown of ingest counters, per-tenant rates between two scrapes,
 * and small text helpers of the flow checks. Pure. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "lgtmtop/promtext.h"

#define FLOW_MAX_METRICS 6
#define FLOW_SCAN_TENANTS 1024 /* distinct tenants tracked in one scan; more are ignored */
#define FLOW_SLOTS 2048        /* hash slots: a power of two, twice the tenants */

struct tenant_row {
    char tenant[96]; /* the label value, cleaned for display: what the hash looks up */
    double sortv;
    double v[FLOW_MAX_METRICS];
    bool found[FLOW_MAX_METRICS];
};

struct flow_tenant_scan {
    const char *label;
    const struct flow_metric *m;
    size_t n;
    size_t mlen[FLOW_MAX_METRICS]; /* metric name lengths, measured once */
    struct tenant_row *rows;
    size_t nrows, cap;
    uint16_t slots[FLOW_SLOTS]; /* row index + 1; 0 = empty */
    bool any;
};

static uint32_t tenant_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The row of tenant key (cleaned, length n < 96), created when new; NULL past
 * FLOW_SCAN_TENANTS. */
static struct tenant_row *tenant_row_of(struct flow_tenant_scan *ts, const char *key, size_t n)
{
    size_t i = tenant_hash(key, n) & (FLOW_SLOTS - 1);
    for (; ts->slots[i]; i = (i + 1) & (FLOW_SLOTS - 1)) {
        struct tenant_row *row = &ts->rows[ts->slots[i] - 1];
        if (strncmp(row->tenant, key, n) == 0 && row->tenant[n] == '\0')
            return row;
    }
    if (ts->nrows == FLOW_SCAN_TENANTS)
        return NULL;
    if (ts->nrows == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 16;
        ts->rows = xrealloc(ts->rows, ts->cap * sizeof(*ts->rows));
    }
    struct tenant_row *row = &ts->rows[ts->nrows++];
    memset(row, 0, sizeof(*row));
    snprintf(row->tenant, sizeof(row->tenant), "%.*s", (int)n, key);
    ts->slots[i] = (uint16_t)ts->nrows;
    return row;
}

struct flow_tenant_scan *flow_tenant_scan_new(const char *label, const struct flow_metric *m, size_t n)
{
    struct flow_tenant_scan *ts = xcalloc(1, sizeof(*ts));
    ts->label = label;
    ts->m = m;
    ts->n = n > FLOW_MAX_METRICS ? FLOW_MAX_METRICS : n;
    for (size_t i = 0; i < ts->n; i++)
        ts->mlen[i] = strlen(m[i].metric);
    return ts;
}

void flow_tenant_scan_free(struct flow_tenant_scan *ts)
{
    if (ts)
        free(ts->rows);
    free(ts);
}

bool flow_tenant_scan_wants(const char *name, size_t len, void *ud)
{
    const struct flow_tenant_scan *ts = ud;
    for (size_t i = 0; i < ts->n; i++)
        if (len == ts->mlen[i] && memcmp(name, ts->m[i].metric, len) == 0)
            return true;
    return false;
}

int flow_tenant_scan_sample(const struct prom_sample *sm, void *ud)
{
    struct flow_tenant_scan *ts = ud;
    for (size_t i = 0; i < ts->n; i++) {
        if (sm->name_len != ts->mlen[i] || memcmp(sm->name, ts->m[i].metric, ts->mlen[i]) != 0)
            continue;
        ts->any = true;
        char raw[96], t[96];
        if (!promtext_label(sm, ts->label, raw, sizeof(raw)) || !raw[0])
            snprintf(raw, sizeof(raw), "%s", "(none)");
        text_oneline(t, sizeof(t), raw, strlen(raw));
        struct tenant_row *row = tenant_row_of(ts, t, strlen(t));
        if (!row)
            return 0;
        row->found[i] = true;
        if (isfinite(sm->value) && sm->value >= 0) /* not a counter value: left out */
            row->v[i] += sm->value;
    }
    return 0;
}

/* Busiest first by the first metric present, then by name: stable across scrapes. */
static int cmp_rows(const void *a, const void *b)
{
    const struct tenant_row *x = a, *y = b;
    if (x->sortv != y->sortv)
        return x->sortv < y->sortv ? 1 : -1;
    return strcmp(x->tenant, y->tenant);
}

cJSON *flow_tenant_table(const char *text, size_t len, const char *label, const struct flow_metric *m, size_t n,
                         struct obs *o)
{
    struct flow_tenant_scan *ts = flow_tenant_scan_new(label, m, n);
    promtext_parse_some(text, len, flow_tenant_scan_wants, flow_tenant_scan_sample, ts, NULL);
    return flow_tenant_scan_table(ts, o);
}

cJSON *flow_tenant_scan_table(struct flow_tenant_scan *scan, struct obs *o)
{
    struct flow_tenant_scan ts = *scan; /* rows freed below, the rest with scan */
    const struct flow_metric *m = ts.m;
    size_t n = ts.n;
    free(scan);
    if (!ts.any || ts.nrows == 0) {
        free(ts.rows);
        return NULL;
    }
    size_t first = n;
    for (size_t i = 0; i < n && first == n; i++)
        for (size_t k = 0; k < ts.nrows && first == n; k++)
            if (ts.rows[k].found[i])
                first = i;
    for (size_t k = 0; k < ts.nrows; k++)
        ts.rows[k].sortv = first < n ? ts.rows[k].v[first] : 0;
    qsort(ts.rows, ts.nrows, sizeof(*ts.rows), cmp_rows);

    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "tenants");
    for (size_t k = 0; k < ts.nrows; k++) {
        const struct tenant_row *row = &ts.rows[k];
        if (k < FLOW_MAX_TENANTS) {
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "tenant", row->tenant);
            for (size_t i = 0; i < n; i++) {
                if (!row->found[i])
                    continue;
                cJSON *have = cJSON_GetObjectItemCaseSensitive(t, value_key_name(m[i].key)); /* 2.x and 3.x names */
                if (have)
                    cJSON_SetNumberValue(have, have->valuedouble + row->v[i]);
                else
                    cJSON_AddNumberToObject(t, value_key_name(m[i].key), row->v[i]);
            }
            cJSON_AddItemToArray(arr, t);
        }
        if (o && k < FLOW_DETAIL_TENANTS) {
            struct buf line;
            buf_init(&line);
            buf_printf(&line, "tenant %s:", row->tenant);
            bool lead = true;
            for (size_t i = 0; i < n; i++)
                if (row->found[i]) {
                    buf_printf(&line, "%s %.0f %s", lead ? "" : ",", row->v[i], m[i].unit);
                    lead = false;
                }
            buf_puts(&line, " since start");
            obs_detail_line(o, "%s", line.data);
            buf_free(&line);
        }
    }
    if (o && ts.nrows > FLOW_DETAIL_TENANTS)
        obs_detail_line(o, "... and %zu more tenants", ts.nrows - FLOW_DETAIL_TENANTS);
    if (ts.nrows > FLOW_MAX_TENANTS)
        cJSON_AddNumberToObject(root, "tenants_omitted", (double)(ts.nrows - FLOW_MAX_TENANTS));
    free(ts.rows);
    return root;
}

static const cJSON *find_tenant(const cJSON *arr, const char *name)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, arr)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(t, "tenant");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return t;
    }
    return NULL;
}

void flow_tenant_rates(const cJSON *prev, cJSON *cur, long long dt_ms)
{
    if (dt_ms <= 0 || !cJSON_IsObject(prev) || !cJSON_IsObject(cur))
        return;
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(prev, "tenants");
    cJSON *ca = cJSON_GetObjectItemCaseSensitive(cur, "tenants");
    if (!cJSON_IsArray(pa) || !cJSON_IsArray(ca))
        return;
    cJSON *t;
    cJSON_ArrayForEach(t, ca)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "tenant");
        const cJSON *p = cJSON_IsString(name) ? find_tenant(pa, name->valuestring) : NULL;
        if (!p)
            continue;
        /* Collect first: adding members while walking the object would visit them too. */
        char keys[FLOW_MAX_METRICS][48];
        double rates[FLOW_MAX_METRICS];
        int nk = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, t)
        {
            size_t kl = v->string ? strlen(v->string) : 0;
            if (!cJSON_IsNumber(v) || kl <= 6 || kl > 40 || strcmp(v->string + kl - 6, "_total") != 0 ||
                nk == FLOW_MAX_METRICS)
                continue;
            const cJSON *pv = cJSON_GetObjectItemCaseSensitive(p, v->string);
            if (!cJSON_IsNumber(pv))
                continue;
            double delta = v->valuedouble >= pv->valuedouble ? v->valuedouble - pv->valuedouble : v->valuedouble;
            snprintf(keys[nk], sizeof(keys[nk]), "%.*s_per_second", (int)(kl - 6), v->string);
            rates[nk++] = round(delta * 1000.0 / (double)dt_ms * 100.0) / 100.0;
        }
        for (int i = 0; i < nk; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(t, keys[i]);
            cJSON_AddNumberToObject(t, keys[i], rates[i]);
        }
    }
}

void flow_window_text(long ms, char *out, size_t outlen)
{
    long s = ms / 1000;
    if (s > 0 && s % 3600 == 0)
        snprintf(out, outlen, "%ldh", s / 3600);
    else if (s > 0 && s % 60 == 0)
        snprintf(out, outlen, "%ldm", s / 60);
    else if (ms % 1000 == 0)
        snprintf(out, outlen, "%lds", s);
    else
        snprintf(out, outlen, "%.1fs", (double)ms / 1000.0);
}

bool flow_url_param_ll(const char *url, const char *name, long long *out)
{
    const char *q = url ? strchr(url, '?') : NULL;
    size_t nl = strlen(name);
    while (q && *q) {
        q++;
        if (strncmp(q, name, nl) == 0 && q[nl] == '=') {
            char *end = NULL;
            long long v = strtoll(q + nl + 1, &end, 10);
            if (end == q + nl + 1)
                return false;
            *out = v;
            return true;
        }
        q = strchr(q, '&');
    }
    return false;
}
