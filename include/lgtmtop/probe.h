/* probe: each component kind is a table of checks; each check is a request path and a pure
 * parser turning an HTTP response into an observation. No I/O here: the engine fetches. */
#ifndef LGTMTOP_PROBE_H
#define LGTMTOP_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/config.h"
#include "lgtmtop/http.h"
#include "lgtmtop/obs.h"
#include "lgtmtop/status.h"
#include "lgtmtop/util.h"

struct check_def;
typedef void (*check_parse_fn)(const struct http_response *r, const struct component_cfg *c, struct obs *o);
/* Builds the path+query (appended to the component base URL) into out. */
typedef void (*check_path_fn)(const struct component_cfg *c, struct buf *out);

enum check_flags {
    CHECK_RAW = 1u << 0,         /* parser sees every HTTP status (e.g. /ready 503); otherwise
                                non-2xx responses get the common message without calling it */
    CHECK_CANARY = 1u << 1,      /* writes data (canary.h): state_init leaves it out unless canaries
                                are enabled for the stack (canary: true / --canary) */
    CHECK_COUNTERS = 1u << 2,    /* emits OBS_COUNTER values (a /metrics scrape): `check --sample`
                                 re-runs only these to turn the counters into rates */
    CHECK_OWN_ADDRESS = 1u << 3, /* talks to an address of its own (an OTLP receiver), not the
                                    component's API: runs even while the API is unreachable */
};

struct multi_check;

/* The checks other modules name (findings, panes, reports): by id, so a rename fails to compile.
 * Every row of a kind's table sets .id, and its .name is check_id_name(.id) (a unit test holds
 * them together); custom checks are CID_NONE with the name from the config. */
enum check_id {
    CID_NONE = 0, /* custom checks (named by the config) and test rows */
    CID_READY,
    CID_BUILDINFO,
    CID_QUERY,
    CID_RULES,
    CID_ALERTS,
    CID_METRICS,
    CID_LABELS,
    CID_SEARCH,
    CID_SERVICES,
    CID_SPAN_COUNTS,
    CID_OTLP_GRPC,
    CID_OTLP_HTTP,
    CID_CANARY,
    CID_SPANMETRICS,
    CID_TARGETS,
    CID_HEALTH,
    CID_DATASOURCES,
    CID_DASHBOARDS,
    CID_ALERTING,
    CID_COUNT
};
/* "ready", "otlp_http", ...; "" for CID_NONE. */
const char *check_id_name(enum check_id id);

struct check_def {
    enum check_id id; /* CID_NONE for custom checks */
    const char *name; /* short id: "ready", "buildinfo", "query", "rules", ... */
    const char *path; /* static path, used when path_fn is NULL */
    check_path_fn path_fn;
    unsigned flags;
    check_parse_fn parse;
    /* Non-NULL: a check made of several requests (fan-out, pagination, follow-ups) driven by
     * the multi runner instead of one GET of path (see multi.h). */
    const struct multi_check *multi;
    /* Run at most this often (0 = every sweep): for expensive checks such as fetching every
     * dashboard, which need not repeat every few seconds in the live view. */
    long min_period_ms;
    /* Per-check parameters for checks built at run time (custom checks from the config: a
     * struct custom_def, see custom.h); the multi callbacks read it via run->cs->def->arg.
     * NULL for the static tables. */
    const void *arg;
};

struct probe_kind {
    enum comp_kind kind;
    const struct check_def *checks;
    size_t nchecks;
};

/* The table of checks for a component kind; NULL for an out-of-range kind. */
const struct probe_kind *probe_kind_get(enum comp_kind k);
/* A check of a kind by name ("ready", "query", ...); NULL if the kind has none. */
const struct check_def *probe_check_find(enum comp_kind k, const char *name);

/* Runs one check on a response: transport errors and (unless CHECK_RAW) non-2xx statuses get
 * the common message; otherwise the check's parser runs. o must be obs_init'ed. */
void probe_run_parser(const struct check_def *d, const struct http_response *r, const struct component_cfg *c,
                      struct obs *o);

/* Common messages, usable from parsers: transport failure (refused/dns/timeout/...), and
 * HTTP error statuses (401 no org id -> set tenant; 401/403 -> which credential; 404; 5xx with
 * the body's first line). */
void probe_transport_obs(const struct http_response *r, struct obs *o);
/* A connection the server reset or closed without an answer (often a kept-alive one): libcurl's
 * receive and send failures and its empty reply, which the engine classifies NET_PROTOCOL. */
bool probe_net_reset(enum net_err err, const char *err_text);
/* Same, naming the component kind in the hint ("is mimir running?"); c may be NULL. */
void probe_transport_obs_for(const struct http_response *r, const struct component_cfg *c, struct obs *o);
void probe_http_error_obs(const struct http_response *r, const struct component_cfg *c, struct obs *o);

/* ---- requests to a component (checks/common.c) ---- */
struct request;
struct config;

/* Gives a request the component's tenant header, credentials and TLS settings (the one place
 * that decides what a request to a component carries). */
void probe_use_component(struct request *rq, const struct component_cfg *c);
/* Fills the limits the request left unset (timeout, connect timeout, body cap) from the
 * component, else the config. */
void probe_fill_limits(struct request *rq, const struct component_cfg *c, const struct config *cfg);
/* Builds the full URL of a check into out (base URL + path). */
void probe_check_url(const struct component_cfg *c, const struct check_def *d, struct buf *out);

#endif
