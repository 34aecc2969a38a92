/* grafana_dashboards: every dashboard (search, paginated), fetched concurrently, its
 * datasource references resolved against the datasource list (dashboards.c); library panels
 * are fetched where Grafana lets us. One row per dashboard, worst first. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grafana.h"

#define SEARCH_LIMIT 5000
#define SEARCH_MAX_PAGES 100
#define SUMMARY_NAMED 3 /* dashboards named in the summary */
#define PANELS_NAMED 5  /* panel titles named in a detail row */

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
    return cJSON_IsString(v) && v->valuestring && *v->valuestring ? v->valuestring : NULL;
}

static void add_str_or_null(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

/* ---- pure ------------------------------------------------------------------------------ */

int gf_search_page(const cJSON *page, cJSON **items)
{
    if (!cJSON_IsArray(page))
        return -1;
    if (!*items)
        *items = cJSON_CreateArray();
    const cJSON *it;
    cJSON_ArrayForEach(it, page)
    {
        const char *type = jstr(it, "type"), *uid = jstr(it, "uid");
        if (!uid || (type && strcmp(type, "dash-db") != 0))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "uid", uid);
        add_str_or_null(o, "title", jstr(it, "title"));
        add_str_or_null(o, "folder", jstr(it, "folderTitle"));
        add_str_or_null(o, "url", jstr(it, "url"));
        /* What a changed save shows in its hit (no version there): a changed hit is refetched. */
        struct buf fp;
        buf_init(&fp);
        static const char *const keys[] = {"title", "folderUid", "folderTitle", "url"};
        for (size_t k = 0; k < ARRAY_LEN(keys); k++)
            buf_printf(&fp, "%s\x1f", jstr(it, keys[k]) ? jstr(it, keys[k]) : "");
        const cJSON *tag;
        cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(it, "tags")) if (cJSON_IsString(tag))
                buf_printf(&fp, "%s\x1e", tag->valuestring);
        cJSON_AddStringToObject(o, "fp", fp.data ? fp.data : "");
        buf_free(&fp);
        cJSON_AddItemToArray(*items, o);
    }
    return cJSON_GetArraySize(page);
}

/* ---- the cache kept across sweeps (pure) ------------------------------------------------- */

/* The entries are found by uid through an open-addressing index (linear probing, FNV-1a),
 * kept beside the array: a sweep over N dashboards costs N lookups, not N x entries. */

static uint32_t uid_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot holding uid, or the empty slot where it would go. Needs c->nslot > 0. */
static size_t slot_of(const struct gf_dcache *c, const char *uid)
{
    size_t mask = c->nslot - 1, i = uid_hash(uid) & mask;
    while (c->slot[i] && strcmp(c->e[c->slot[i] - 1].uid, uid) != 0)
        i = (i + 1) & mask;
    return i;
}

/* Room for one more entry: the index stays at most half full. */
static void index_reserve(struct gf_dcache *c)
{
    if ((c->n + 1) * 2 <= c->nslot)
        return;
    size_t nslot = c->nslot ? c->nslot : 64;
    while ((c->n + 1) * 2 > nslot)
        nslot *= 2;
    free(c->slot);
    c->slot = xcalloc(nslot, sizeof(*c->slot));
    c->nslot = nslot;
    for (size_t i = 0; i < c->n; i++)
        c->slot[slot_of(c, c->e[i].uid)] = (uint32_t)(i + 1);
}

struct gf_dcache_entry *gf_dcache_find(struct gf_dcache *c, const char *uid)
{
    if (!c || !uid || !c->nslot)
        return NULL;
    uint32_t k = c->slot[slot_of(c, uid)];
    return k ? &c->e[k - 1] : NULL;
}

/* Empties slot h and moves up the entries of its probe run that would no longer be found. */
static void index_remove(struct gf_dcache *c, size_t h)
{
    size_t mask = c->nslot - 1;
    c->slot[h] = 0;
    for (size_t j = (h + 1) & mask; c->slot[j]; j = (j + 1) & mask) {
        size_t home = uid_hash(c->e[c->slot[j] - 1].uid) & mask;
        bool stays = h < j ? (h < home && home <= j) : (h < home || home <= j);
        if (stays)
            continue;
        c->slot[h] = c->slot[j];
        c->slot[j] = 0;
        h = j;
    }
}

static void entry_free(struct gf_dcache *c, size_t i)
{
    index_remove(c, slot_of(c, c->e[i].uid));
    size_t last = c->n - 1;
    if (i != last) /* the last entry moves to i: its slot follows */
        c->slot[slot_of(c, c->e[last].uid)] = (uint32_t)(i + 1);
    c->bytes -= c->e[i].body_len;
    free(c->e[i].uid);
    free(c->e[i].fp);
    free(c->e[i].body);
    c->e[i] = c->e[last];
    c->n--;
}

void gf_dcache_drop(struct gf_dcache *c, const char *uid)
{
    struct gf_dcache_entry *e = gf_dcache_find(c, uid);
    if (e)
        entry_free(c, (size_t)(e - c->e));
}

void gf_dcache_put(struct gf_dcache *c, const char *uid, const char *fp, const char *body, size_t len, long sweep,
                   size_t cap)
{
    gf_dcache_drop(c, uid);
    index_reserve(c);
    c->e = xrealloc(c->e, (c->n + 1) * sizeof(*c->e));
    struct gf_dcache_entry *e = &c->e[c->n++];
    e->uid = xstrdup(uid);
    e->fp = xstrdup(fp ? fp : "");
    e->body = xmalloc(len + 1);
    memcpy(e->body, body, len);
    e->body[len] = '\0';
    e->body_len = len;
    e->fetched = sweep;
    c->slot[slot_of(c, e->uid)] = (uint32_t)c->n;
    c->bytes += len;
    /* Bounded memory: past the cap the oldest go (and are simply refetched next sweep). */
    while (c->bytes > cap && c->n > 1) {
        size_t old = 0;
        for (size_t i = 1; i < c->n; i++)
            if (c->e[i].fetched < c->e[old].fetched)
                old = i;
        entry_free(c, old);
    }
}

void gf_dcache_retain(struct gf_dcache *c, const cJSON *items)
{
    bool *seen = c->n ? xcalloc(c->n, sizeof(*seen)) : NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const struct gf_dcache_entry *e = gf_dcache_find(c, jstr(it, "uid"));
        if (e)
            seen[e - c->e] = true;
    }
    for (size_t i = 0; i < c->n;) {
        if (seen[i]) {
            i++;
        } else {
            seen[i] = seen[c->n - 1];
            entry_free(c, i); /* moves the last entry here: i is looked at again */
        }
    }
    free(seen);
}

void gf_dcache_free(void *cache)
{
    struct gf_dcache *c = cache;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].uid);
        free(c->e[i].fp);
        free(c->e[i].body);
    }
    free(c->e);
    free(c->slot);
    free(c);
}

struct plan_kept {
    long fetched;
    size_t i; /* the item's index: ties go to the first */
};

static int cmp_kept(const void *a, const void *b)
{
    const struct plan_kept *x = a, *y = b;
    if (x->fetched != y->fetched)
        return x->fetched < y->fetched ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

size_t gf_dcache_plan(const struct gf_dcache *c, const cJSON *items, long sweep, bool *fetch)
{
    size_t n = (size_t)cJSON_GetArraySize(items), nfetch = 0, nkept = 0, already = 0;
    struct plan_kept *kept = n ? xcalloc(n, sizeof(*kept)) : NULL; /* kept, unchanged hits */
    size_t i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    {
        const struct gf_dcache_entry *e = gf_dcache_find((struct gf_dcache *)c, jstr(it, "uid"));
        const char *fp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "fp"));
        fetch[i] = !e || strcmp(e->fp, fp ? fp : "") != 0 || sweep - e->fetched >= GF_DASH_REVALIDATE;
        if (fetch[i]) {
            nfetch++;
            if (e)
                already++; /* revalidations due by age or a changed hit count against the quota */
        } else {
            kept[nkept++] = (struct plan_kept){e->fetched, i};
        }
        i++;
    }
    /* Oldest first, enough per sweep that every kept dashboard is refetched within the bound. */
    size_t quota = (nkept + GF_DASH_REVALIDATE - 1) / GF_DASH_REVALIDATE;
    if (already < quota) {
        qsort(kept, nkept, sizeof(*kept), cmp_kept);
        for (size_t k = 0; k < quota - already && k < nkept; k++) {
            fetch[kept[k].i] = true;
            nfetch++;
        }
    }
    free(kept);
    return nfetch;
}

/* A group of bad references to one datasource (or placeholder) in a dashboard. */
struct group {
    enum dref_status status;
    const char *ds; /* lookup, borrowed from the report */
    const char *replacement;
    const char *note;
    cJSON *panels, *locations, *paths;
    int refs;
};

static void add_distinct(cJSON *arr, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) if (strcmp(it->valuestring, s) == 0) return;
    cJSON_AddItemToArray(arr, cJSON_CreateString(s));
}

/* A deprecated datasource is named by its uid (however it was referenced); anything else by
 * what was looked up. */
static const char *ref_key(const struct dref *r)
{
    if (r->status == DREF_DEPRECATED && r->uid)
        return r->uid;
    return r->lookup ? r->lookup : r->uid ? r->uid : r->raw ? r->raw : "?";
}

static const char *status_key(enum dref_status s)
{
    return s == DREF_MISSING      ? "missing"
           : s == DREF_DEPRECATED ? "deprecated"
           : s == DREF_UNRESOLVED ? "unresolved"
                                  : "notes";
}

/* "grafana_prometheus in 3 panels" / "old → new in 2 panels" / "${DS_X} unresolved in 4 panels". */
static void group_text(struct buf *b, const struct group *g)
{
    int n = cJSON_GetArraySize(g->locations);
    const char *where = n == 1 ? "panel" : "panels";
    if (g->status == DREF_DEPRECATED || (g->status == DREF_MISSING && g->replacement))
        buf_printf(b, "%s → %s in %d %s", g->ds, g->replacement ? g->replacement : "?", n, where);
    else if (g->status == DREF_UNRESOLVED)
        buf_printf(b, "%s unresolved in %d %s", g->ds, n, where);
    else
        buf_printf(b, "%s in %d %s", g->ds, n, where);
}

void gf_dashrow_fill(struct gf_dashrow *row, const struct dash_report *rep, const char *folder, const char *url)
{
    memset(row, 0, sizeof(*row));
    row->uid = xstrdup(rep->uid);
    row->title = xstrdup(rep->title);
    row->folder = xstrdup(folder);
    row->url = xstrdup(url);
    row->nrefs = (int)rep->nrefs;
    row->nmissing = (int)rep->nmissing;
    row->ndeprecated = (int)rep->ndeprecated;
    row->nunresolved = (int)rep->nunresolved;
    row->nnotes = (int)rep->nnotes;
    row->status = rep->nmissing ? ST_FAIL : (rep->ndeprecated || rep->nunresolved) ? ST_WARN : ST_OK;

    cJSON *o = cJSON_CreateObject();
    add_str_or_null(o, "uid", rep->uid[0] ? rep->uid : NULL);
    add_str_or_null(o, "title", rep->title[0] ? rep->title : NULL);
    add_str_or_null(o, "folder", folder);
    add_str_or_null(o, "url", url);
    cJSON_AddStringToObject(o, "status", status_name(row->status));
    cJSON_AddNumberToObject(o, "references", (double)rep->nrefs);
    cJSON *by = cJSON_AddObjectToObject(o, "by_datasource");
    cJSON *special = cJSON_AddObjectToObject(o, "special");

    struct group *groups = NULL;
    size_t ng = 0;
    for (size_t i = 0; i < rep->nrefs; i++) {
        const struct dref *r = &rep->refs[i];
        if (r->status == DREF_OK || r->status == DREF_DEPRECATED) {
            cJSON *tab = r->uid ? by : special;
            const char *key = r->uid ? r->uid : dref_kind_name(r->kind);
            cJSON *cnt = cJSON_GetObjectItemCaseSensitive(tab, key);
            if (cnt)
                cJSON_SetNumberValue(cnt, cnt->valuedouble + 1);
            else
                cJSON_AddNumberToObject(tab, key, 1);
        }
        if (r->status == DREF_OK)
            continue;
        size_t g = 0;
        while (g < ng && !(groups[g].status == r->status && strcmp(groups[g].ds, ref_key(r)) == 0))
            g++;
        if (g == ng) {
            groups = xrealloc(groups, (ng + 1) * sizeof(*groups));
            groups[ng] = (struct group){.status = r->status,
                                        .ds = ref_key(r),
                                        .replacement = r->replacement,
                                        .note = r->note,
                                        .panels = cJSON_CreateArray(),
                                        .locations = cJSON_CreateArray(),
                                        .paths = cJSON_CreateArray()};
            ng++;
        }
        add_distinct(groups[g].panels, r->panel && *r->panel ? r->panel : r->where);
        add_distinct(groups[g].locations, r->where);
        add_distinct(groups[g].paths, r->path);
        groups[g].refs++;
    }
    static const enum dref_status order[] = {DREF_MISSING, DREF_DEPRECATED, DREF_UNRESOLVED, DREF_NOTE};
    struct buf text;
    buf_init(&text);
    enum dref_status worst_text = DREF_OK;
    for (size_t k = 0; k < ARRAY_LEN(order); k++) {
        cJSON *arr = cJSON_AddArrayToObject(o, status_key(order[k]));
        for (size_t g = 0; g < ng; g++) {
            if (groups[g].status != order[k])
                continue;
            cJSON *go = cJSON_CreateObject();
            cJSON_AddStringToObject(go, "datasource", groups[g].ds);
            add_str_or_null(go, "replacement", groups[g].replacement);
            cJSON_AddNumberToObject(go, "references", groups[g].refs);
            cJSON_AddItemToObject(go, "panels", groups[g].panels);
            cJSON_AddItemToObject(go, "locations", groups[g].locations);
            cJSON_AddItemToObject(go, "paths", groups[g].paths);
            add_str_or_null(go, "note", groups[g].note);
            if (order[k] != DREF_NOTE && (worst_text == DREF_OK || worst_text == order[k])) {
                worst_text = order[k];
                if (text.len)
                    buf_puts(&text, "; ");
                group_text(&text, &groups[g]);
            }
            cJSON_AddItemToArray(arr, go);
        }
    }
    free(groups);
    row->problem = text.len ? buf_steal(&text) : NULL;
    buf_free(&text);
    row->data = o;
}

void gf_dashrow_failed(struct gf_dashrow *row, const char *uid, const char *title, const char *folder, const char *why)
{
    memset(row, 0, sizeof(*row));
    row->uid = xstrdup(uid ? uid : "");
    row->title = xstrdup(title ? title : "");
    row->folder = xstrdup(folder);
    row->fetch_error = xstrdup(why);
    row->status = ST_WARN;
    cJSON *o = cJSON_CreateObject();
    add_str_or_null(o, "uid", uid);
    add_str_or_null(o, "title", title);
    add_str_or_null(o, "folder", folder);
    cJSON_AddNullToObject(o, "url");
    cJSON_AddStringToObject(o, "status", "WARN");
    cJSON_AddStringToObject(o, "error", why);
    row->data = o;
}

static int dashrow_cmp(const void *a, const void *b)
{
    const struct gf_dashrow *x = a, *y = b;
    if (x->status != y->status)
        return (int)y->status - (int)x->status;
    if (x->nmissing != y->nmissing)
        return y->nmissing - x->nmissing;
    if (x->ndeprecated + x->nunresolved != y->ndeprecated + y->nunresolved)
        return (y->ndeprecated + y->nunresolved) - (x->ndeprecated + x->nunresolved);
    return strcmp(x->title ? x->title : "", y->title ? y->title : "");
}

/* "Latency, Errors, ..." from the first problem group of a row's JSON. */
static void panels_text(const struct gf_dashrow *r, struct buf *b)
{
    static const char *const keys[] = {"missing", "deprecated", "unresolved"};
    int n = 0;
    for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(r->data, keys[k]))
        {
            const cJSON *p;
            cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(g, "panels"))
            {
                if (n < PANELS_NAMED && cJSON_IsString(p))
                    buf_printf(b, "%s\"%s\"", n ? ", " : "", p->valuestring);
                n++;
            }
        }
        if (n)
            break;
    }
    if (n > PANELS_NAMED)
        buf_puts(b, ", ...");
}

void gf_dashboards_report(struct gf_dashrow *rows, size_t n, struct obs *o)
{
    if (n > 1)
        qsort(rows, n, sizeof(*rows), dashrow_cmp);
    int nfail = 0, ndep = 0, nunres = 0, nerr = 0, nrefs = 0;
    struct buf fail, dep, unres;
    buf_init(&fail);
    buf_init(&dep);
    buf_init(&unres);
    cJSON *data = cJSON_CreateArray();
    struct gf_table t;
    gf_table_init(&t, 6);
    const char *head[] = {"DASHBOARD", "FOLDER", "UID", "STATUS", "PROBLEM", "PANELS"};
    gf_table_add(&t, head);
    for (size_t i = 0; i < n; i++) {
        struct gf_dashrow *r = &rows[i];
        const char *title = r->title && *r->title ? r->title : r->uid;
        nrefs += r->nrefs;
        if (r->fetch_error) {
            nerr++;
        } else if (r->status == ST_FAIL) {
            if (nfail < SUMMARY_NAMED)
                buf_printf(&fail, "%s\"%s\" (%s)", nfail ? ", " : "", title, r->problem ? r->problem : "?");
            nfail++;
        } else if (r->ndeprecated) {
            if (ndep < SUMMARY_NAMED)
                buf_printf(&dep, "%s\"%s\" (%s)", ndep ? ", " : "", title, r->problem ? r->problem : "?");
            ndep++;
        } else if (r->nunresolved) {
            if (nunres < SUMMARY_NAMED)
                buf_printf(&unres, "%s\"%s\" (%s)", nunres ? ", " : "", title, r->problem ? r->problem : "?");
            nunres++;
        }
        if (r->status != ST_OK) {
            struct buf pt;
            buf_init(&pt);
            panels_text(r, &pt);
            const char *cols[] = {
                    title,  r->folder, r->uid, status_name(r->status), r->fetch_error ? r->fetch_error : r->problem,
                    pt.data};
            gf_table_add(&t, cols);
            buf_free(&pt);
        }
        cJSON_AddItemToArray(data, r->data);
        r->data = NULL;
    }
    if (t.nrows > 1)
        gf_table_render(&t, o);
    gf_table_free(&t);
    obs_add_value(o, VK_DASHBOARDS, (double)n);
    obs_add_value(o, VK_DASHBOARDS_MISSING_DS, nfail);
    obs_add_value(o, VK_DASHBOARDS_DEPRECATED_DS, ndep);
    obs_add_value(o, VK_DASHBOARD_REFERENCES, nrefs);
    cJSON_Delete(o->data);
    o->data = data;

    struct buf s;
    buf_init(&s);
    buf_printf(&s, "%zu dashboard%s", n, n == 1 ? "" : "s");
    if (nfail)
        buf_printf(&s, ", %d reference%s missing datasources: %s%s", nfail, nfail == 1 ? "s" : "", fail.data,
                   nfail > SUMMARY_NAMED ? ", ..." : "");
    if (ndep)
        buf_printf(&s, "%s %d use%s deprecated datasources: %s%s", nfail ? ";" : ",", ndep, ndep == 1 ? "s" : "",
                   dep.data, ndep > SUMMARY_NAMED ? ", ..." : "");
    if (nunres)
        buf_printf(&s, "%s %d %s import placeholders never replaced: %s%s", nfail || ndep ? ";" : ",", nunres,
                   nunres == 1 ? "has" : "have", unres.data, nunres > SUMMARY_NAMED ? ", ..." : "");
    if (nerr)
        buf_printf(&s, "%s %d could not be fetched", nfail || ndep || nunres ? ";" : ",", nerr);
    if (!nfail && !ndep && !nunres && !nerr)
        buf_printf(&s, ", %d datasource reference%s, all resolve", nrefs, nrefs == 1 ? "" : "s");
    /* A placeholder left in a dashboard that Grafana serves cannot resolve (an import would have
     * replaced it): its panels are as broken as with a missing datasource. */
    obs_set(o, nfail || nunres ? ST_FAIL : (ndep || nerr) ? ST_WARN : ST_OK, "%s", s.data);
    buf_free(&s);
    buf_free(&fail);
    buf_free(&dep);
    buf_free(&unres);
}

void gf_dashrow_free(struct gf_dashrow *row)
{
    char **strs[] = {&row->uid, &row->title, &row->folder, &row->url, &row->problem, &row->fetch_error};
    for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    cJSON_Delete(row->data);
    row->data = NULL;
}

/* ---- glue ------------------------------------------------------------------------------ */

struct dash_run {
    bool failed; /* search or datasource list failed; `first` says how */
    struct obs first;
    bool ds_done;
    cJSON *ds_json; /* /api/datasources, kept: dash_ds borrows its strings */
    struct dash_ds *ds;
    size_t nds;
    cJSON *items;            /* search results (dash-db) */
    char first_uid[128];     /* first uid of the last page (a server ignoring page=) */
    struct gf_dashrow *rows; /* one per item, filled as dashboards arrive */
    bool *filled;
    cJSON **docs;            /* dashboards waiting for the datasource list or library panels */
    cJSON *library;          /* uid -> model (or null when it could not be fetched) */
    cJSON *library_uids;     /* the uids requested, by index (a step's argument) */
    struct gf_dcache *cache; /* borrowed from *run->cache (the check's state owns it) */
};

static const cJSON *lib_lookup(void *ud, const char *uid)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, uid);
    return cJSON_IsObject(m) ? m : NULL;
}

static void dash_ctx_init(struct multi_run *run, struct dash_ctx *ctx)
{
    struct dash_run *d = run->data;
    memset(ctx, 0, sizeof(*ctx));
    ctx->ds = d->ds;
    ctx->nds = d->nds;
    ctx->ds_known = true;
    ctx->types_known = true;
    ctx->deprecated = (const char *const *)run->c->deprecated_ds;
    ctx->ndeprecated = run->c->ndeprecated_ds;
    ctx->library = lib_lookup;
    ctx->library_ud = d->library;
}

static void analyze(struct multi_run *run, size_t i, const cJSON *doc)
{
    struct dash_run *d = run->data;
    const cJSON *item = cJSON_GetArrayItem(d->items, (int)i);
    struct dash_ctx ctx;
    struct dash_report rep;
    dash_ctx_init(run, &ctx);
    dash_analyze(doc, &ctx, &rep);
    if (!rep.title[0] && jstr(item, "title")) {
        free(rep.title);
        rep.title = xstrdup(jstr(item, "title"));
    }
    if (!rep.uid[0] && jstr(item, "uid")) {
        free(rep.uid);
        rep.uid = xstrdup(jstr(item, "uid"));
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "meta");
    const char *folder = jstr(item, "folder") ? jstr(item, "folder") : jstr(meta, "folderTitle");
    gf_dashrow_fill(&d->rows[i], &rep, folder ? folder : "General", jstr(item, "url"));
    d->filled[i] = true;
    dash_report_free(&rep);
}

static void on_library(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct dash_run *d = run->data;
    const cJSON *u = cJSON_GetArrayItem(d->library_uids, (int)(uintptr_t)arg);
    const char *uid = cJSON_IsString(u) ? u->valuestring : NULL;
    cJSON *model = NULL;
    if (!uid)
        return;
    if (r && r->err == NET_OK && r->status >= 200 && r->status <= 299) {
        cJSON *root = cJSON_ParseWithLength(r->body, r->body_len);
        cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
        model = cJSON_DetachItemFromObjectCaseSensitive(res, "model");
        cJSON_Delete(root);
    }
    if (!model)
        model = cJSON_CreateNull(); /* not reachable (404, no permission): noted, not checked */
    if (cJSON_GetObjectItemCaseSensitive(d->library, uid))
        cJSON_ReplaceItemInObjectCaseSensitive(d->library, uid, model);
    else
        cJSON_AddItemToObject(d->library, uid, model);
}

static void request_libraries(struct multi_run *run, const struct dash_report *rep)
{
    struct dash_run *d = run->data;
    for (size_t i = 0; i < rep->nlibrary; i++) {
        const char *uid = rep->library_uids[i];
        if (cJSON_GetObjectItemCaseSensitive(d->library, uid))
            continue;
        /* placeholder so that each element is fetched once; replaced by the answer */
        cJSON_AddItemToObject(d->library, uid, cJSON_CreateFalse());
        struct buf p;
        buf_init(&p);
        buf_puts(&p, "/api/library-elements/");
        probe_url_encode(&p, uid);
        cJSON_AddItemToArray(d->library_uids, cJSON_CreateString(uid));
        multi_get(run, p.data, on_library, (void *)(uintptr_t)(cJSON_GetArraySize(d->library_uids) - 1));
        buf_free(&p);
    }
}

static void on_dash(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct dash_run *d = run->data;
    size_t i = (size_t)(uintptr_t)arg;
    const cJSON *item = cJSON_GetArrayItem(d->items, (int)i);
    if (!r || !item)
        return;
    char why[OBS_SUMMARY_LEN + 32];
    if (r->err != NET_OK || r->status < 200 || r->status > 299) {
        struct obs tmp;
        obs_init(&tmp);
        if (r->err != NET_OK)
            probe_transport_obs(r, &tmp);
        else
            probe_http_error_obs(r, run->c, &tmp);
        snprintf(why, sizeof(why), "cannot fetch: %s", tmp.summary);
        obs_free(&tmp);
        gf_dashrow_failed(&d->rows[i], jstr(item, "uid"), jstr(item, "title"), jstr(item, "folder"), why);
        d->filled[i] = true;
        gf_dcache_drop(d->cache, jstr(item, "uid"));
        return;
    }
    cJSON *doc = cJSON_ParseWithLength(r->body, r->body_len);
    if (!cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        gf_dcache_drop(d->cache, jstr(item, "uid"));
        gf_dashrow_failed(&d->rows[i], jstr(item, "uid"), jstr(item, "title"), jstr(item, "folder"),
                          "invalid JSON from /api/dashboards/uid");
        d->filled[i] = true;
        return;
    }
    /* A first pass finds the library panels; with none (and the datasource list known) the
     * result is final and the document can go, else it waits for them (or the list). */
    struct dash_ctx ctx;
    struct dash_report rep;
    dash_ctx_init(run, &ctx);
    ctx.library = NULL;
    ctx.ds_known = d->ds_done;
    dash_analyze(doc, &ctx, &rep);
    bool libs = rep.nlibrary > 0;
    request_libraries(run, &rep);
    dash_report_free(&rep);
    /* Library panels change without their dashboards: those are refetched every sweep. */
    if (libs)
        gf_dcache_drop(d->cache, jstr(item, "uid"));
    else
        gf_dcache_put(d->cache, jstr(item, "uid"), jstr(item, "fp"), r->body, r->body_len, d->cache->sweep,
                      GF_DASH_CACHE_BYTES);
    if (!libs && d->ds_done) {
        analyze(run, i, doc);
        cJSON_Delete(doc);
        return;
    }
    d->docs[i] = doc;
}

static void fetch_dashboards(struct multi_run *run)
{
    struct dash_run *d = run->data;
    size_t n = (size_t)cJSON_GetArraySize(d->items);
    d->rows = n ? xcalloc(n, sizeof(*d->rows)) : NULL;
    d->filled = n ? xcalloc(n, sizeof(bool)) : NULL;
    d->docs = n ? xcalloc(n, sizeof(cJSON *)) : NULL;
    bool *fetch = n ? xcalloc(n, sizeof(bool)) : NULL;
    gf_dcache_plan(d->cache, d->items, d->cache->sweep, fetch);
    gf_dcache_retain(d->cache, d->items); /* gone from search: forgotten */
    for (size_t i = 0; i < n; i++) {
        if (!fetch[i]) {
            /* Kept and unchanged: its body is analysed against this sweep's datasource list,
             * now if that list is in, else at finish. */
            const struct gf_dcache_entry *e =
                    gf_dcache_find(d->cache, jstr(cJSON_GetArrayItem(d->items, (int)i), "uid"));
            cJSON *doc = cJSON_ParseWithLength(e->body, e->body_len);
            if (d->ds_done) {
                analyze(run, i, doc);
                cJSON_Delete(doc);
            } else
                d->docs[i] = doc;
            continue;
        }
        struct buf p;
        buf_init(&p);
        buf_puts(&p, "/api/dashboards/uid/");
        probe_url_encode(&p, jstr(cJSON_GetArrayItem(d->items, (int)i), "uid"));
        multi_get(run, p.data, on_dash, (void *)(uintptr_t)i);
        buf_free(&p);
    }
    free(fetch);
}

static void on_search(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct dash_run *d = run->data;
    int page = (int)(uintptr_t)arg;
    if (!r || d->failed)
        return;
    char path[96];
    snprintf(path, sizeof(path), "/api/search?type=dash-db&limit=%d&page=%d", SEARCH_LIMIT, page);
    if (!gf_api_response(r, run->c, &d->first, "/api/search", "the Viewer role (dashboards:read)")) {
        d->failed = true;
        return;
    }
    cJSON *root = probe_json(r, run->c, &d->first);
    if (!root) {
        d->failed = true;
        return;
    }
    const char *first = jstr(cJSON_GetArrayItem(root, 0), "uid");
    bool repeated = page > 1 && first && strcmp(first, d->first_uid) == 0;
    int len = repeated ? 0 : gf_search_page(root, &d->items);
    if (len < 0) {
        probe_shape_error(r, run->c, &d->first, "expected an array of search results");
        d->failed = true;
    } else if (len >= SEARCH_LIMIT && page < SEARCH_MAX_PAGES) {
        snprintf(d->first_uid, sizeof(d->first_uid), "%s", first ? first : "");
        snprintf(path, sizeof(path), "/api/search?type=dash-db&limit=%d&page=%d", SEARCH_LIMIT, page + 1);
        multi_get(run, path, on_search, (void *)(uintptr_t)(page + 1));
    } else {
        fetch_dashboards(run);
    }
    cJSON_Delete(root);
}

static void on_datasources(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct dash_run *d = run->data;
    (void)arg;
    if (!r)
        return;
    struct obs tmp;
    obs_init(&tmp);
    if (!gf_api_response(r, run->c, &tmp, "/api/datasources", "the Viewer role (datasources:read)") ||
        !(d->ds_json = probe_json(r, run->c, &tmp)) || !cJSON_IsArray(d->ds_json)) {
        if (d->ds_json && !cJSON_IsArray(d->ds_json))
            probe_shape_error(r, run->c, &tmp, "expected an array of datasources");
        if (!d->failed) {
            d->failed = true;
            gf_obs_move(&d->first, &tmp);
        }
        obs_free(&tmp);
        return;
    }
    obs_free(&tmp);
    d->nds = dash_ds_from_json(d->ds_json, &d->ds);
    d->ds_done = true;
}

static void dash_start(struct multi_run *run)
{
    struct dash_run *d = run->data;
    obs_init(&d->first);
    if (!*run->cache)
        *run->cache = xcalloc(1, sizeof(struct gf_dcache));
    d->cache = *run->cache;
    d->cache->sweep++;
    d->library = cJSON_CreateObject();
    d->library_uids = cJSON_CreateArray();
    multi_get_shared(run, "/api/datasources", on_datasources, NULL);
    multi_get(run, "/api/search?type=dash-db&limit=5000&page=1", on_search, (void *)(uintptr_t)1);
}

static void dash_finish(struct multi_run *run, struct obs *o)
{
    struct dash_run *d = run->data;
    if (d->failed) {
        gf_obs_move(o, &d->first);
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(d->items);
    for (size_t i = 0; i < n; i++) {
        if (d->docs[i]) {
            analyze(run, i, d->docs[i]);
            cJSON_Delete(d->docs[i]);
            d->docs[i] = NULL;
        } else if (!d->filled[i]) {
            const cJSON *item = cJSON_GetArrayItem(d->items, (int)i);
            gf_dashrow_failed(&d->rows[i], jstr(item, "uid"), jstr(item, "title"), jstr(item, "folder"),
                              "no answer (cancelled)");
            d->filled[i] = true;
        }
    }
    gf_dashboards_report(d->rows, n, o);
}

static void dash_free(void *data)
{
    struct dash_run *d = data;
    size_t n = (size_t)cJSON_GetArraySize(d->items);
    obs_free(&d->first);
    for (size_t i = 0; d->rows && i < n; i++) {
        gf_dashrow_free(&d->rows[i]);
        cJSON_Delete(d->docs[i]);
    }
    free(d->rows);
    free(d->filled);
    free(d->docs);
    free(d->ds);
    cJSON_Delete(d->ds_json);
    cJSON_Delete(d->items);
    cJSON_Delete(d->library);
    cJSON_Delete(d->library_uids);
}

const struct multi_check gf_dashboards_multi = {
        .data_size = sizeof(struct dash_run),
        .start = dash_start,
        .finish = dash_finish,
        .data_free = dash_free,
        .cache_free = gf_dcache_free,
        .max_inflight = MULTI_ENGINE_BOUND, /* every dashboard at once */
};
