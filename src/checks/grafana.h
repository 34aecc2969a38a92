/* grafana: private interface of the Grafana checks. grafana.c holds the check table and
 * the health check; grafana_datasources.c, grafana_dashboards.c and grafana_alerting.c each
 * hold one multi-request check: pure functions (declared here, unit-tested) that turn
 * responses into rows and an observation, and static step callbacks that are only glue. */
#ifndef LGTMTOP_GRAFANA_H
#define LGTMTOP_GRAFANA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lgtmtop/dashboards.h"
#include "lgtmtop/multi.h"
#include "common.h"

extern const struct multi_check gf_datasources_multi;
extern const struct multi_check gf_dashboards_multi;
extern const struct multi_check gf_alerting_multi;

/* ---- shared (grafana.c) ---------------------------------------------------------- */

/* The first response of a Grafana API check. true: a 2xx to parse. false: o is filled —
 * skipped (no credentials, or anonymous access denied), the credential was rejected (401),
 * the token lacks `permission` (403), or the common transport/HTTP message. */
bool gf_api_response(const struct http_response *r, const struct component_cfg *c, struct obs *o, const char *path,
                     const char *permission);

/* The "message" of a Grafana JSON error body, else the body's first line (cleaned). */
void gf_body_message(const struct http_response *r, char *out, size_t outlen);

/* Moves src into dst (dst must be empty, obs_init'ed); src is left empty. */
void gf_obs_move(struct obs *dst, struct obs *src);

/* A table in detail: cells cleaned to one line, columns padded to the widest cell (capped),
 * the last column unpadded. */
struct gf_table {
    size_t ncols, nrows;
    char **cells;
};
void gf_table_init(struct gf_table *t, size_t ncols);
void gf_table_add(struct gf_table *t, const char *const *cols);
void gf_table_render(const struct gf_table *t, struct obs *o);
void gf_table_free(struct gf_table *t);

/* The stack's component of kind k that sits next to the Grafana component c (NULL if none or
 * disabled). */
const struct component_cfg *gf_sibling(const struct config *cfg, const struct component_cfg *c, enum comp_kind k);

/* ---- datasources (grafana_datasources.c) ----------------------------------------------- */

enum gfs_state {
    GFS_PENDING = 0, /* no answer yet (or never asked) */
    GFS_OK,
    GFS_ERROR,       /* answered: the datasource fails (Grafana's check, or HTTP error) */
    GFS_UNREACHABLE, /* direct probe: no HTTP answer at all */
    GFS_NO_API,      /* Grafana has no health check for this type/version */
    GFS_DENIED,      /* 401/403 on Grafana's health or proxy API */
    GFS_SKIPPED,     /* direct probe not possible (no http(s) URL) */
};
const char *gfs_state_name(enum gfs_state s);

/* One side of the comparison: Grafana's own check, or lgtmtop's direct probe. */
struct gf_side {
    enum gfs_state state;
    long http_status;
    bool network; /* a network failure (dial, DNS, timeout, TLS, bad gateway) */
    char via[16]; /* "health", "proxy", "direct" */
    char message[200];
};

struct gf_dsrow {
    char *name, *type, *uid;
    char *url;       /* as configured in Grafana, redacted */
    char *probe_url; /* what lgtmtop requested, redacted (NULL when not probed) */
    char *fallback;  /* proxy path tried after a 404 from /health (NULL: none) */
    bool is_default;
    bool tenant_header;      /* jsonData declares an X-Scope-OrgID header */
    const char *tenant_from; /* component whose tenant the direct probe sent, NULL if none */
    struct gf_side grafana, direct;
    struct gf_side proxy; /* the proxy fallback's answer, until it replaces grafana */
    bool health_done, proxy_done;
    bool speculative; /* fallback sent together with /health (types that rarely have it) */
    enum status status;
    char *finding; /* NULL when both sides agree it is fine */
};

/* /api/datasources/uid/<uid>/health: 200 OK/ERROR/UNKNOWN, 400 ERROR + message, 404 no health
 * check for this type/version, 401/403 denied, 5xx plugin errors. */
void gf_health_classify(const struct http_response *r, struct gf_side *s);
/* /api/datasources/proxy/uid/<uid>/<path> (fallback): 2xx OK, 502/504 Grafana cannot reach
 * the backend, 401/403 denied, anything else: the fallback failed (ERROR). */
void gf_proxy_classify(const struct http_response *r, struct gf_side *s);
/* lgtmtop's own request to the datasource URL. For types with an API probe (prometheus, loki,
 * tempo) 2xx is OK and other statuses ERROR; for other types any HTTP answer is OK. */
void gf_direct_classify(const struct http_response *r, const char *type, struct gf_side *s);
/* The proxy path tried when /health answers 404, or NULL. */
const char *gf_health_fallback(const char *type, const struct cJSON *json_data);
/* Appended to the datasource URL for the direct probe ("" = plain GET of the URL). */
const char *gf_direct_path(const char *type);
/* jsonData has httpHeaderNameN = X-Scope-OrgID (any case). */
bool gf_declares_tenant(const struct cJSON *json_data);
/* A Grafana error message that means "cannot reach" rather than "answered with an error". */
bool gf_is_network_error(const char *msg);
/* Sets status and finding from the two sides. */
void gf_dsrow_judge(struct gf_dsrow *row);
/* Sorts rows worst first and fills o: summary, aligned table in detail, data, values. */
void gf_datasources_report(struct gf_dsrow *rows, size_t n, struct obs *o);
void gf_dsrow_free(struct gf_dsrow *row);

/* ---- dashboards (grafana_dashboards.c) ------------------------------------------------- */

struct gf_dashrow {
    char *uid, *title, *folder, *url;
    enum status status;
    int nrefs, nmissing, ndeprecated, nunresolved, nnotes;
    char *problem;      /* "grafana_prometheus in 3 panels" (worst kind only), or NULL */
    char *fetch_error;  /* the dashboard could not be fetched */
    struct cJSON *data; /* the row as JSON (owned) */
};

/* Appends the dash-db items of one /api/search page to *items (a JSON array it creates);
 * returns the page's length (all types), -1 if the page is not an array. */
int gf_search_page(const struct cJSON *page, struct cJSON **items);
/* One dashboard's references (from dash_analyze) summarised into a row. folder/url may be
 * NULL. */
void gf_dashrow_fill(struct gf_dashrow *row, const struct dash_report *rep, const char *folder, const char *url);
void gf_dashrow_failed(struct gf_dashrow *row, const char *uid, const char *title, const char *folder, const char *why);
/* Sorts rows worst first and fills o. `ndash` counts every dashboard searched. */
void gf_dashboards_report(struct gf_dashrow *rows, size_t n, struct obs *o);
void gf_dashrow_free(struct gf_dashrow *row);

/* The dashboards the check keeps across sweeps (live view, serve), keyed by uid. Search hits
 * carry no version, so an entry is refetched when its hit's fingerprint (title, folder, tags,
 * url) changes, and anyway within GF_DASH_REVALIDATE sweeps; each sweep re-analyses the kept
 * body against that sweep's datasource list. Dashboards with library panels are not kept. */
#define GF_DASH_REVALIDATE 10                     /* every kept dashboard is refetched this often */
#define GF_DASH_CACHE_BYTES (64u * 1024u * 1024u) /* bodies kept; past it the oldest are dropped */
struct gf_dcache_entry {
    char *uid, *fp; /* fp: the search hit's fingerprint */
    char *body;     /* the /api/dashboards/uid answer */
    size_t body_len;
    long fetched; /* the sweep it was fetched at */
};
struct gf_dcache {
    struct gf_dcache_entry *e;
    size_t n;
    uint32_t *slot; /* the index by uid: entry index + 1 (0: empty), open addressing */
    size_t nslot;   /* a power of two, at least twice n (0 before the first entry) */
    long sweep;     /* counts the check's sweeps, from 1 */
    size_t bytes;
};
/* Sets fetch[i] for each search item (gf_search_page's) to fetch this sweep: new, hit changed,
 * and the oldest kept ones, at least ceil(kept / GF_DASH_REVALIDATE) of them and any older than
 * GF_DASH_REVALIDATE sweeps. Pure. Returns how many. */
size_t gf_dcache_plan(const struct gf_dcache *c, const struct cJSON *items, long sweep, bool *fetch);
struct gf_dcache_entry *gf_dcache_find(struct gf_dcache *c, const char *uid);
/* Keeps (or replaces) uid's body, then drops the oldest entries (lowest `fetched`, first in the
 * array on a tie) while the bodies kept exceed cap bytes (GF_DASH_CACHE_BYTES in the check) and
 * more than one is kept: a body alone over the cap stays. */
void gf_dcache_put(struct gf_dcache *c, const char *uid, const char *fp, const char *body, size_t len, long sweep,
                   size_t cap);
void gf_dcache_drop(struct gf_dcache *c, const char *uid);
/* Drops the uids not among the search items. */
void gf_dcache_retain(struct gf_dcache *c, const struct cJSON *items);
void gf_dcache_free(void *cache);

/* ---- alerting (grafana_alerting.c) ----------------------------------------------------- */

/* What was fetched for the alerting check; a NULL part carries a note saying why. */
struct gf_alerting_in {
    const struct cJSON *rules; /* /api/prometheus/grafana/api/v1/rules (envelope) */
    const char *rules_note;
    const struct cJSON *prov_rules; /* /api/v1/provisioning/alert-rules */
    const char *prov_note;
    const struct cJSON *policies; /* /api/v1/provisioning/policies */
    const char *policies_note;
    bool policies_missing;        /* 404: no policy tree at all */
    const struct cJSON *contacts; /* /api/v1/provisioning/contact-points */
    const char *contacts_note;
    const struct cJSON *datasources; /* /api/datasources */
    const char *datasources_note;
};
void gf_alerting_report(const struct gf_alerting_in *in, const struct component_cfg *c, struct obs *o);
/* Receivers named anywhere in a policy tree (recursively), appended to names (distinct). */
void gf_policy_receivers(const struct cJSON *route, struct cJSON *names);

#endif
