/* diagnose: the rule table. Each rule looks at one component (and its stack) and, when its
 * predicate holds, its writer fills a finding with a title, the cause in plain words and the next
 * step. Rules read only the state: check statuses, transport error classes, HTTP statuses,
 * summaries, values, counter rates and the checks' structured data. */
#include "lgtmtop/diagnose.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/probe.h"

struct dctx {
    const struct state *s;
    const struct stack_state *st;
    const struct comp_state *c;
    long long now_ms;
};

struct rule {
    const char *id;
    int kind; /* enum comp_kind, or -1 for any */
    bool (*applies)(const struct dctx *x);
    void (*write)(const struct dctx *x, struct finding *f);
    enum check_id row; /* the row it is about when the writer names none; CID_NONE = readiness */
};

/* ---- helpers -------------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static void put(char *dst, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(dst, n, fmt, ap);
    va_end(ap);
}

/* Names the check rows a finding is about (up to FINDING_MAX_CHECKS, NULL ends the list). */
static void about(struct finding *f, const char *a, const char *b)
{
    f->checks[0] = a;
    f->checks[1] = a ? b : NULL;
}

static const char *product(const struct comp_state *c) { return comp_kind_product(c->kind); }

static bool usable(const struct dctx *x, const struct check_state *cs)
{
    if (!cs || !cs->ran || cs->skipped)
        return false;
    return x->now_ms <= 0 || !check_is_stale(cs, x->now_ms, x->s->interval_ms);
}

static const struct check_state *check_of(const struct comp_state *c, enum check_id id)
{
    COMP_FOR_EACH_CHECK (c, cs)
        if (cs->def->id == id)
            return cs;
    return NULL;
}

/* A check's name for finding.checks, from its id. */
#define CN(id) check_id_name(CID_##id)

/* The readiness check: the first row of every kind (ready, or Grafana's health). */
static const struct check_state *readiness(const struct comp_state *c) { return c->nchecks ? &c->checks[0] : NULL; }

static bool value_of(const struct check_state *cs, enum value_key key, double *v)
{
    for (int i = 0; cs && i < cs->nvalues; i++)
        if (cs->values[i].key == key) {
            *v = cs->values[i].value;
            return true;
        }
    return false;
}

static const struct counter_state *counter_of(const struct comp_state *c, enum value_key key)
{
    for (int i = 0; i < c->ncounters; i++)
        if (c->counters[i].key == key)
            return &c->counters[i];
    return NULL;
}

/* Answers HTTP at all (the readiness check got a response). */
static bool reachable(const struct dctx *x)
{
    const struct check_state *r = readiness(x->c);
    return usable(x, r) && r->net == NET_OK;
}

static bool ready_ok(const struct dctx *x)
{
    const struct check_state *r = readiness(x->c);
    return reachable(x) && r->status == ST_OK;
}

static const struct comp_state *sibling(const struct dctx *x, enum comp_kind k)
{
    STACK_FOR_EACH_COMP (x->st, c)
        if (c->kind == k)
            return c;
    return NULL;
}

/* A counter that shows nothing flowing: zero since the process started (the per-tenant
 * counters only appear with the first sample), or a rate of 0 for two sweeps — in a one-shot
 * `check`, for its one sampled rate. */
enum flow_zero { FLOW_NOT_ZERO = 0, FLOW_ZERO_SINCE_START, FLOW_ZERO_RATE };

static enum flow_zero flow_zero(const struct dctx *x, enum check_id check, enum value_key key)
{
    const struct check_state *m = check_of(x->c, check);
    double v;
    if (!usable(x, m) || m->status != ST_OK || !value_of(m, key, &v))
        return FLOW_NOT_ZERO; /* not scraped now: unknown, never a false zero */
    const struct counter_state *k = counter_of(x->c, key);
    if (!k || !k->has_last)
        return FLOW_NOT_ZERO;
    if (k->last == 0)
        return FLOW_ZERO_SINCE_START;
    int need = x->s->sweeps >= 2 ? 2 : 1;
    return k->has_rate && k->rate == 0 && k->zero_streak >= need ? FLOW_ZERO_RATE : FLOW_NOT_ZERO;
}

static bool has_word(const char *s, const char *w) { return s && strstr(s, w) != NULL; }

/* ---- components down -------------------------------------------------------------------- */

static bool ready_net_is(const struct dctx *x, enum net_err e)
{
    const struct check_state *r = readiness(x->c);
    return usable(x, r) && r->net == e;
}

static bool down_refused(const struct dctx *x) { return ready_net_is(x, NET_REFUSED); }
static bool down_dns(const struct dctx *x) { return ready_net_is(x, NET_DNS); }
static bool down_timeout(const struct dctx *x) { return ready_net_is(x, NET_TIMEOUT); }
static bool down_tls(const struct dctx *x) { return ready_net_is(x, NET_TLS); }
static bool down_dns_timeout(const struct dctx *x) { return ready_net_is(x, NET_DNS_TIMEOUT); }

static bool down_other(const struct dctx *x)
{
    const struct check_state *r = readiness(x->c);
    return usable(x, r) && r->net != NET_OK && r->net != NET_REFUSED && r->net != NET_DNS && r->net != NET_TIMEOUT &&
           r->net != NET_TLS && r->net != NET_CANCELLED && r->net != NET_DNS_TIMEOUT;
}

static void host_of(const struct comp_state *c, char *out, size_t n)
{
    snprintf(out, n, "%s", c->hostport);
    char *colon = strrchr(out, ':');
    if (colon && !strchr(colon, ']'))
        *colon = '\0';
}

static void w_down_refused(const struct dctx *x, struct finding *f)
{
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s is down: connection refused at %s", product(x->c), x->c->hostport);
    put(f->cause, sizeof(f->cause),
        "Nothing listens on %s. The %s process is not running (crashed, restarting, never started), or it listens "
        "on another port, or only on 127.0.0.1 inside its container.",
        x->c->hostport, product(x->c));
    put(f->hint, sizeof(f->hint),
        "Check that %s runs and why it stopped (docker ps -a / kubectl get pods, then its logs), and that url: in "
        "the config is its HTTP port (default %d).",
        product(x->c), comp_kind_default_port(x->c->kind));
}

static void w_down_dns(const struct dctx *x, struct finding *f)
{
    char host[96];
    host_of(x->c, host, sizeof(host));
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s is unreachable: cannot resolve %s", product(x->c), host);
    put(f->cause, sizeof(f->cause),
        "The name %s does not resolve where lgtmtop runs. Service names of a private network (docker compose, "
        "Kubernetes) only resolve inside that network.",
        host);
    put(f->hint, sizeof(f->hint),
        "Check the hostname in url: for a typo; use the service name (compose service, or <service>.<namespace>.svc "
        "in Kubernetes) and run lgtmtop on the same network, or use an address that resolves here.");
}

static void w_down_dns_timeout(const struct dctx *x, struct finding *f)
{
    char host[96];
    host_of(x->c, host, sizeof(host));
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s is unreachable: the name lookup of %s does not finish", product(x->c), host);
    put(f->cause, sizeof(f->cause),
        "The DNS server lgtmtop uses did not answer for %s within the timeout: the resolver is what is broken, not "
        "%s. Private-network names (Railway's *.railway.internal, Docker's embedded DNS at 127.0.0.11, Kubernetes' "
        "cluster DNS) are only answered inside that network; from outside, the query goes nowhere.",
        host, product(x->c));
    put(f->hint, sizeof(f->hint),
        "Run lgtmtop inside the same network (a service in the Railway project, a container on the compose network, "
        "a pod); check /etc/resolv.conf here (dig %s), and on Railway that the private network is enabled (IPv6).",
        host);
}

static void w_down_timeout(const struct dctx *x, struct finding *f)
{
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s does not answer: timeout at %s", product(x->c), x->c->hostport);
    put(f->cause, sizeof(f->cause),
        "Requests to %s got no answer in time: a firewall or security group drops the packets, the host is down, "
        "or the %s process hangs or is overloaded.",
        x->c->hostport, product(x->c));
    const struct check_state *r = readiness(x->c);
    put(f->hint, sizeof(f->hint),
        "Try curl -v %s%s from this host; check firewall rules and the process's CPU and memory; raise "
        "--timeout only if it is merely slow.",
        x->c->url, r && r->def->path ? r->def->path : "/ready");
}

static void w_down_tls(const struct dctx *x, struct finding *f)
{
    const struct check_state *r = readiness(x->c);
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "TLS to %s fails at %s", product(x->c), x->c->hostport);
    put(f->cause, sizeof(f->cause), "The TLS handshake failed: %s", r->net_text[0] ? r->net_text : r->summary);
    put(f->hint, sizeof(f->hint),
        "Set ca_file: to the CA that signed its certificate, or use http:// if it does not speak TLS "
        "(insecure_skip_verify: true only while testing).");
}

static void w_down_other(const struct dctx *x, struct finding *f)
{
    const struct check_state *r = readiness(x->c);
    f->severity = ST_FAIL;
    if (r->net == NET_PROTOCOL && strcmp(r->net_text, NET_TEXT_HEADER_TOO_BIG) == 0)
        put(f->title, sizeof(f->title), "%s sends a response header over libcurl's limit at %s", product(x->c),
            x->c->hostport);
    else if (probe_net_reset(r->net, r->net_text))
        put(f->title, sizeof(f->title), "%s resets the connection at %s before answering", product(x->c),
            x->c->hostport);
    else if (r->net == NET_PROTOCOL)
        put(f->title, sizeof(f->title), "%s sends broken HTTP at %s (truncated or not HTTP)", product(x->c),
            x->c->hostport);
    else
        put(f->title, sizeof(f->title), "%s is unreachable at %s (%s)", product(x->c), x->c->hostport,
            net_err_name(r->net));
    put(f->cause, sizeof(f->cause), "%s", r->summary);
    put(f->hint, sizeof(f->hint),
        "Check that url: points at %s's own HTTP port (default %d), not at another service "
        "or a proxy that answers differently.",
        product(x->c), comp_kind_default_port(x->c->kind));
}

/* ---- answers, but not ready / errors ---------------------------------------------------- */

static bool not_ready(const struct dctx *x)
{
    const struct check_state *r = readiness(x->c);
    return reachable(x) && r->def->id == CID_READY && r->http_status == 503 && r->status != ST_OK;
}

static void w_not_ready(const struct dctx *x, struct finding *f)
{
    const struct check_state *r = readiness(x->c);
    const char *reason = strstr(r->summary, "(503): ");
    reason = reason ? reason + 7 : r->summary;
    bool starting = r->status == ST_WARN;
    f->severity = starting ? ST_WARN : ST_FAIL;
    put(f->title, sizeof(f->title), starting ? "%s is starting (not ready yet)" : "%s is up but not ready",
        product(x->c));
    put(f->cause, sizeof(f->cause), "%s answers 503: %s", r->def->path ? r->def->path : "/ready", reason);
    if (starting)
        put(f->hint, sizeof(f->hint),
            "Usually clears within a minute of a (re)start: an ingester waits 15s after joining the ring, a "
            "query-frontend waits for its first querier. If it stays, look at the ring page (/ingester/ring) for "
            "unhealthy members and forget them.");
    else
        put(f->hint, sizeof(f->hint),
            "Read the reason above and %s's logs; its services page (/services, Tempo: /status/services) names the "
            "module that is not Running.",
            product(x->c));
}

static bool http_error(const struct dctx *x)
{
    const struct check_state *r = readiness(x->c);
    return reachable(x) && r->status == ST_FAIL && r->http_status >= 500 && r->http_status != 503;
}

static void w_http_error(const struct dctx *x, struct finding *f)
{
    const struct check_state *r = readiness(x->c);
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s answers HTTP %ld on its health endpoint", product(x->c), r->http_status);
    put(f->cause, sizeof(f->cause), "%s", r->summary);
    put(f->hint, sizeof(f->hint),
        "Look at %s's logs around now; a 502/504 comes from a proxy or gateway in front "
        "that cannot reach it.",
        product(x->c));
}

/* ---- tenant and credentials ------------------------------------------------------------- */

static const struct check_state *auth_check(const struct dctx *x, bool tenant)
{
    COMP_FOR_EACH_CHECK (x->c, cs) {
        if (!usable(x, cs) || cs->status != ST_FAIL)
            continue;
        bool no_org = has_word(cs->summary, "no org id");
        bool auth = cs->http_status == 401 || cs->http_status == 403 || has_word(cs->summary, "401 unauthorized") ||
                    has_word(cs->summary, "403 forbidden") || has_word(cs->summary, "rejected the token") ||
                    has_word(cs->summary, "(401)") || has_word(cs->summary, "(403)");
        if (tenant ? no_org : (auth && !no_org))
            return cs;
    }
    return NULL;
}

static bool tenant_missing(const struct dctx *x) { return reachable(x) && auth_check(x, true); }
static bool auth_failed(const struct dctx *x) { return reachable(x) && auth_check(x, false); }

static void w_tenant_missing(const struct dctx *x, struct finding *f)
{
    const struct check_state *cs = auth_check(x, true);
    const char *tenant = x->c->cfg ? x->c->cfg->tenant : NULL;
    f->severity = ST_FAIL;
    about(f, cs->def->name, NULL);
    if (tenant && *tenant) {
        put(f->title, sizeof(f->title), "%s says \"no org id\" although tenant \"%s\" is set", product(x->c), tenant);
        put(f->cause, sizeof(f->cause),
            "The %s check got 401 no org id: a gateway in front of %s drops or rejects "
            "the X-Scope-OrgID header lgtmtop sends.",
            cs->def->name, product(x->c));
        put(f->hint, sizeof(f->hint),
            "Check the gateway's config: it must pass X-Scope-OrgID through (or set it "
            "itself from the credentials).");
    } else {
        put(f->title, sizeof(f->title), "%s needs a tenant: 401 no org id", product(x->c));
        put(f->cause, sizeof(f->cause),
            "Multi-tenancy is on, and the %s check was sent without the X-Scope-OrgID "
            "header, so %s refused it.",
            cs->def->name, product(x->c));
        put(f->hint, sizeof(f->hint),
            "Set tenant: <id> for %s in the config — the tenant your agents write with "
            "(Grafana's datasource needs the same header).",
            comp_kind_name(x->c->kind));
    }
}

static void w_auth_failed(const struct dctx *x, struct finding *f)
{
    const struct check_state *cs = auth_check(x, false);
    f->severity = ST_FAIL;
    about(f, cs->def->name, NULL);
    put(f->title, sizeof(f->title), "%s rejects lgtmtop's credentials (%s)", product(x->c),
        cs->http_status == 403 || has_word(cs->summary, "403") ? "403 forbidden" : "401 unauthorized");
    put(f->cause, sizeof(f->cause), "%s check: %s", cs->def->name, cs->summary);
    put(f->hint, sizeof(f->hint),
        "Set token / token_file or basic_auth for %s in the config (a gateway in front wants "
        "them); for Grafana use a service-account token with at least the Viewer role.",
        comp_kind_name(x->c->kind));
}

/* ---- flow: Tempo ------------------------------------------------------------------------ */

static void otlp_endpoints(const struct comp_state *c, char *out, size_t n)
{
    const struct component_cfg *cfg = c->cfg;
    const char *http = cfg && cfg->otlp_http ? cfg->otlp_http : "http://<tempo>:4318";
    const char *grpc = cfg && cfg->otlp_grpc ? cfg->otlp_grpc : "<tempo>:4317";
    snprintf(out, n, "%s (OTLP/HTTP) or http://%s (OTLP/gRPC, with OTEL_EXPORTER_OTLP_PROTOCOL=grpc)", http, grpc);
}

static bool tempo_no_spans(const struct dctx *x)
{
    return ready_ok(x) && flow_zero(x, CID_METRICS, VK_SPANS_RECEIVED_TOTAL) != FLOW_NOT_ZERO;
}

/* Per-address OTLP results of a check: how many rows, how many reachable, families. */
struct otlp_view {
    bool have;
    int n, reachable, v4, v6, v4_ok, v6_ok, not_otlp;
    char bad[160], good[160];
    const char *error; /* first error name of an unreachable address */
};

static struct otlp_view otlp_view(const struct dctx *x, enum check_id check)
{
    struct otlp_view v;
    memset(&v, 0, sizeof(v));
    const struct check_state *cs = check_of(x->c, check);
    /* a check skipped because its address was guessed still carries its per-address data */
    if (!cs || !cs->ran || (x->now_ms > 0 && check_is_stale(cs, x->now_ms, x->s->interval_ms)) ||
        !cJSON_IsArray(cs->data))
        return v;
    const cJSON *row;
    cJSON_ArrayForEach(row, cs->data)
    {
        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(row, "address");
        const cJSON *fam = cJSON_GetObjectItemCaseSensitive(row, "family");
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(row, "reachable");
        const cJSON *otlp = cJSON_GetObjectItemCaseSensitive(row, "otlp");
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(row, "error");
        if (!cJSON_IsString(addr))
            continue;
        bool six = cJSON_IsString(fam) && strcmp(fam->valuestring, "ipv6") == 0;
        bool up = cJSON_IsTrue(ok) && !cJSON_IsFalse(otlp);
        v.n++;
        if (six)
            v.v6++;
        else
            v.v4++;
        if (cJSON_IsTrue(ok) && cJSON_IsFalse(otlp))
            v.not_otlp++;
        char *dst = up ? v.good : v.bad;
        size_t used = strlen(dst);
        if (used + 64 < sizeof(v.good))
            snprintf(dst + used, sizeof(v.good) - used, "%s%s %s%s%s", used ? ", " : "", six ? "IPv6" : "IPv4",
                     addr->valuestring, !up && cJSON_IsString(err) ? ": " : "",
                     !up && cJSON_IsString(err) ? err->valuestring : "");
        if (up) {
            v.reachable++;
            if (six)
                v.v6_ok++;
            else
                v.v4_ok++;
        } else if (!v.error && cJSON_IsString(err)) {
            v.error = err->valuestring;
        }
    }
    v.have = v.n > 0;
    return v;
}

static bool spans_flowing(const struct dctx *x)
{
    double r;
    return comp_rate(x->c, VK_SPANS_RECEIVED_TOTAL, &r) && r > 0;
}

/* Closed OTLP receivers: gc/hc say which, *configured whether one of them was set in the config
 * (not guessed from the Tempo URL). */
static bool otlp_closed_view(const struct dctx *x, bool *gc, bool *hc, bool *configured)
{
    struct otlp_view g = otlp_view(x, CID_OTLP_GRPC), h = otlp_view(x, CID_OTLP_HTTP);
    *gc = g.have && !g.reachable && !g.not_otlp;
    *hc = h.have && !h.reachable && !h.not_otlp;
    const struct component_cfg *cfg = x->c->cfg;
    *configured = cfg && ((*gc && !cfg->otlp_grpc_derived) || (*hc && !cfg->otlp_http_derived));
    return *gc || *hc;
}

static void w_tempo_no_spans(const struct dctx *x, struct finding *f)
{
    enum flow_zero z = flow_zero(x, CID_METRICS, VK_SPANS_RECEIVED_TOTAL);
    const struct counter_state *k = counter_of(x->c, VK_SPANS_RECEIVED_TOTAL);
    char eps[320];
    otlp_endpoints(x->c, eps, sizeof(eps));
    struct otlp_view g = otlp_view(x, CID_OTLP_GRPC), h = otlp_view(x, CID_OTLP_HTTP);
    bool closed = (g.have && !g.reachable) || (h.have && !h.reachable);
    bool gc = false, hc = false, configured = false;
    otlp_closed_view(x, &gc, &hc, &configured);
    /* Receivers: configured ones that are closed have their own (FAIL) finding; guessed ones are
     * told here, next to what does answer, since they may be why nothing arrives. */
    char otlp[480] = "";
    const struct component_cfg *cfg = x->c->cfg;
    if (closed && configured) {
        snprintf(otlp, sizeof(otlp), " Its OTLP receivers do not accept connections either (see the OTLP finding).");
    } else if (closed) {
        const char *gaddr = cfg && cfg->otlp_grpc ? cfg->otlp_grpc : "<tempo>:4317";
        const char *haddr = cfg && cfg->otlp_http ? cfg->otlp_http : "http://<tempo>:4318";
        if (gc && !hc && h.reachable > 0)
            snprintf(otlp, sizeof(otlp),
                     " OTLP/HTTP at %s answers, the guessed gRPC address %s refuses (%s): if your "
                     "services send gRPC, that is why.",
                     haddr, gaddr, g.error ? g.error : "closed");
        else if (hc && !gc && g.reachable > 0)
            snprintf(otlp, sizeof(otlp),
                     " OTLP/gRPC at %s accepts connections, the guessed HTTP address %s refuses "
                     "(%s): if your services send OTLP/HTTP, that is why.",
                     gaddr, haddr, h.error ? h.error : "closed");
        else if (gc != hc)
            snprintf(otlp, sizeof(otlp),
                     " The guessed OTLP/%s address %s refuses (%s): if your services send there, "
                     "that is why (set %s if the receiver is elsewhere).",
                     gc ? "gRPC" : "HTTP", gc ? gaddr : haddr,
                     (gc ? g.error : h.error) ? (gc ? g.error : h.error) : "closed", gc ? "otlp_grpc" : "otlp_http");
        else
            snprintf(otlp, sizeof(otlp),
                     " Neither guessed OTLP address accepts connections (gRPC %s, HTTP %s): the "
                     "receivers are closed or elsewhere (set otlp_grpc / otlp_http).",
                     gaddr, haddr);
    }
    f->severity = ST_WARN;
    about(f, CN(METRICS), gc ? CN(OTLP_GRPC) : hc ? CN(OTLP_HTTP) : NULL);
    if (gc && hc)
        f->checks[2] = CN(OTLP_HTTP);
    put(f->title, sizeof(f->title), "Tempo is up but receives no spans");
    if (z == FLOW_ZERO_SINCE_START)
        put(f->cause, sizeof(f->cause),
            "Tempo is ready, but has received no spans since it started (no tempo_distributor_spans_received_total "
            "series yet): no service is sending traces to it.%s",
            otlp);
    else
        put(f->cause, sizeof(f->cause),
            "Tempo is ready, but tempo_distributor_spans_received_total has not grown (0 spans/s over %d sample%s, "
            "%.0f spans since start): no service is sending traces right now.%s",
            k ? k->zero_streak : 1, k && k->zero_streak > 1 ? "s" : "", k ? k->last : 0.0, otlp);
    put(f->hint, sizeof(f->hint),
        "No service is sending traces: check OTEL_EXPORTER_OTLP_ENDPOINT on your services — it should be %s. If a "
        "collector or Alloy sits in between, check its exporter endpoint and its logs for export errors.",
        eps);
}

static bool otlp_closed(const struct dctx *x)
{
    bool gc, hc, configured;
    if (!reachable(x) || !otlp_closed_view(x, &gc, &hc, &configured))
        return false; /* Tempo itself down: that finding says it */
    /* Guessed addresses that are closed while spans have arrived: the receivers live elsewhere.
     * While no spans arrive, the no-spans finding says both in one (one cause, one finding). */
    return configured;
}

static void w_otlp_closed(const struct dctx *x, struct finding *f)
{
    const struct component_cfg *cfg = x->c->cfg;
    struct otlp_view g = otlp_view(x, CID_OTLP_GRPC), h = otlp_view(x, CID_OTLP_HTTP);
    bool gc = g.have && !g.reachable && !g.not_otlp, hc = h.have && !h.reachable && !h.not_otlp;
    bool guessed = cfg && (!gc || cfg->otlp_grpc_derived) && (!hc || cfg->otlp_http_derived);
    char where[400] = "";
    if (gc)
        put(where, sizeof(where), "%s (gRPC: %s)", cfg && cfg->otlp_grpc ? cfg->otlp_grpc : "4317", g.bad);
    if (hc) {
        char tmp[200];
        put(tmp, sizeof(tmp), "%s (HTTP: %s)", cfg && cfg->otlp_http ? cfg->otlp_http : "4318", h.bad);
        size_t used = strlen(where);
        snprintf(where + used, sizeof(where) - used, "%s%s", used ? " and " : "", tmp);
    }
    f->severity = guessed ? ST_WARN : ST_FAIL;
    about(f, gc ? CN(OTLP_GRPC) : CN(OTLP_HTTP), gc && hc ? CN(OTLP_HTTP) : NULL);
    put(f->title, sizeof(f->title), "Tempo's OTLP %s closed",
        gc && hc ? "receivers are"
        : gc     ? "gRPC receiver is"
                 : "HTTP receiver is");
    put(f->cause, sizeof(f->cause),
        "Tempo's API answers, but nothing accepts connections at %s, so no service can send traces to it.%s", where,
        guessed ? " (lgtmtop guessed these addresses from the Tempo URL; set otlp_grpc / otlp_http if your receivers "
                  "are elsewhere.)"
                : "");
    put(f->hint, sizeof(f->hint),
        "Since Tempo 2.7 the OTLP receivers listen on localhost unless configured: in tempo.yaml set "
        "distributor.receivers.otlp.protocols.grpc.endpoint: \"0.0.0.0:4317\" and http.endpoint: \"0.0.0.0:4318\" "
        "(or \"[::]:4317\" / \"[::]:4318\" for IPv6 too), restart Tempo, and publish the ports (docker -p 4317 -p 4318, "
        "or the Kubernetes Service).");
}

static bool otlp_one_family(const struct dctx *x, bool v4_only)
{
    if (!reachable(x))
        return false;
    static const enum check_id checks[] = {CID_OTLP_GRPC, CID_OTLP_HTTP};
    for (size_t i = 0; i < 2; i++) {
        struct otlp_view v = otlp_view(x, checks[i]);
        if (!v.have || v.not_otlp)
            continue;
        if (v4_only && v.v4_ok > 0 && v.v6 > v.v6_ok)
            return true;
        if (!v4_only && v.v6_ok > 0 && v.v4 > v.v4_ok)
            return true;
    }
    return false;
}

static bool otlp_ipv4_only(const struct dctx *x) { return otlp_one_family(x, true); }
static bool otlp_ipv6_only(const struct dctx *x) { return otlp_one_family(x, false); }

static void w_otlp_family(const struct dctx *x, struct finding *f, bool v4_only)
{
    static const enum check_id checks[] = {CID_OTLP_GRPC, CID_OTLP_HTTP};
    const struct component_cfg *cfg = x->c->cfg;
    char obs[420] = "", eps[200] = "";
    for (size_t i = 0; i < 2; i++) {
        struct otlp_view v = otlp_view(x, checks[i]);
        bool hit = v.have && !v.not_otlp && (v4_only ? v.v4_ok > 0 && v.v6 > v.v6_ok : v.v6_ok > 0 && v.v4 > v.v4_ok);
        if (!hit)
            continue;
        f->checks[f->checks[0] ? 1 : 0] = check_id_name(checks[i]);
        const char *ep = i == 0 ? (cfg ? cfg->otlp_grpc : NULL) : (cfg ? cfg->otlp_http : NULL);
        size_t used = strlen(obs);
        snprintf(obs + used, sizeof(obs) - used, "%s%s answers on %s but not on %s", used ? "; " : "",
                 ep ? ep : check_id_name(checks[i]), v.good, v.bad);
        used = strlen(eps);
        snprintf(eps + used, sizeof(eps) - used, "%s%s", used ? ", " : "", ep ? ep : check_id_name(checks[i]));
    }
    f->severity = ST_WARN;
    if (v4_only) {
        put(f->title, sizeof(f->title), "Tempo's OTLP receiver answers on IPv4 only (%s)", eps);
        put(f->cause, sizeof(f->cause),
            "The receiver's name resolves to IPv6 and IPv4 addresses: %s. Clients that try the IPv6 address first "
            "(Go, Java, Node and the OTel SDKs on a dual-stack host) get \"connection refused\" and drop spans — "
            "the classic receiver bound to 0.0.0.0 behind a name whose internal DNS also gives an IPv6 address.",
            obs);
        put(f->hint, sizeof(f->hint),
            "Bind the receivers to \"[::]:4317\" and \"[::]:4318\" (IPv6 and IPv4), or make the name resolve to IPv4 "
            "only (drop the AAAA record / the ::1 line in /etc/hosts), or point OTEL_EXPORTER_OTLP_ENDPOINT at the "
            "IPv4 address.");
    } else {
        put(f->title, sizeof(f->title), "Tempo's OTLP receiver answers on IPv6 only (%s)", eps);
        put(f->cause, sizeof(f->cause),
            "The receiver's name resolves to IPv4 and IPv6 addresses: %s. Clients that use the IPv4 address get "
            "\"connection refused\" and drop spans.",
            obs);
        put(f->hint, sizeof(f->hint),
            "Bind the receivers to \"0.0.0.0:4317\"/\"0.0.0.0:4318\" as well, or to \"[::]\" with IPv4-mapped addresses "
            "allowed (net.ipv6.bindv6only=0), or remove the A record.");
    }
}

static void w_otlp_ipv4_only(const struct dctx *x, struct finding *f) { w_otlp_family(x, f, true); }
static void w_otlp_ipv6_only(const struct dctx *x, struct finding *f) { w_otlp_family(x, f, false); }

static bool otlp_not_otlp(const struct dctx *x)
{
    struct otlp_view h = otlp_view(x, CID_OTLP_HTTP);
    return reachable(x) && h.have && h.reachable == 0 && h.not_otlp == h.n;
}

static void w_otlp_not_otlp(const struct dctx *x, struct finding *f)
{
    const struct check_state *cs = check_of(x->c, CID_OTLP_HTTP);
    const char *ep = x->c->cfg && x->c->cfg->otlp_http ? x->c->cfg->otlp_http : "otlp_http";
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s is not an OTLP/HTTP receiver", ep);
    put(f->cause, sizeof(f->cause),
        "%s — a web server answers there, but POST /v1/traces is not handled (Tempo's own "
        "API on 3200 answers 404 for it).",
        cs ? cs->summary : "");
    put(f->hint, sizeof(f->hint),
        "Set otlp_http: to the receiver (http://<tempo>:4318) and check that your services' "
        "OTEL_EXPORTER_OTLP_ENDPOINT points at port 4318 (the SDK appends /v1/traces), not at 3200.");
}

static bool tempo_search_empty(const struct dctx *x)
{
    const struct check_state *cs = check_of(x->c, CID_SEARCH);
    double n;
    return ready_ok(x) && spans_flowing(x) && usable(x, cs) && cs->status == ST_OK &&
           value_of(cs, VK_TRACES_FOUND, &n) && n == 0;
}

static void w_tempo_search_empty(const struct dctx *x, struct finding *f)
{
    const struct check_state *cs = check_of(x->c, CID_SEARCH);
    double rate = 0, win = 900;
    comp_rate(x->c, VK_SPANS_RECEIVED_TOTAL, &rate);
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(cs->data, "window_s");
    if (cJSON_IsNumber(w))
        win = w->valuedouble;
    f->severity = ST_WARN;
    put(f->title, sizeof(f->title), "Tempo receives spans but search finds no traces");
    put(f->cause, sizeof(f->cause),
        "Spans arrive (%.1f spans/s) but /api/search over the last %.0f minutes found no trace. Recent traces stay "
        "in the ingesters (the live-store in Tempo 3) until flushed, and a search with a time range asks them only "
        "within query_ingesters_until (default 30m); flushed blocks become searchable after the next blocklist "
        "poll. Or the write path fails after the distributor, or the search uses another tenant.",
        rate, win / 60.0);
    put(f->hint, sizeof(f->hint),
        "Search in Grafana Explore without a time range, or widen search_window:; check the querier's "
        "query_ingesters_until / query_backend_after, ingester (live-store) health and flushes, "
        "tempo_distributor_ingester_append_failures_total, and that searches use the tenant (X-Scope-OrgID) the spans "
        "are written to.");
}

static bool generator_no_spanmetrics(const struct dctx *x)
{
    const struct check_state *m = check_of(x->c, CID_METRICS);
    double gen, series;
    if (!ready_ok(x) || !usable(x, m) || !value_of(m, VK_GENERATOR_SPANS_TOTAL, &gen) || gen <= 0)
        return false;
    const struct comp_state *mimir = sibling(x, COMP_MIMIR);
    if (!mimir || sibling(x, COMP_PROMETHEUS)) /* it may write to Prometheus instead: cannot tell */
        return false;
    const struct check_state *sm = check_of(mimir, CID_SPANMETRICS);
    return usable(x, sm) && sm->status == ST_OK && value_of(sm, VK_SPANMETRICS_SERIES, &series) && series == 0;
}

static void w_generator_no_spanmetrics(const struct dctx *x, struct finding *f)
{
    const struct check_state *m = check_of(x->c, CID_METRICS);
    const struct comp_state *mimir = sibling(x, COMP_MIMIR);
    const char *tenant = mimir->cfg && mimir->cfg->tenant ? mimir->cfg->tenant : "(none)";
    double gen = 0;
    value_of(m, VK_GENERATOR_SPANS_TOTAL, &gen);
    f->severity = ST_WARN;
    put(f->title, sizeof(f->title), "Tempo's metrics-generator runs, but Mimir has no span metrics");
    put(f->cause, sizeof(f->cause),
        "The metrics-generator has received %.0f spans, yet Mimir has no traces_spanmetrics_* or "
        "traces_service_graph_* series for tenant %s: its remote write does not reach Mimir, writes to another "
        "tenant, or the span-metrics / service-graphs processors are not enabled.",
        gen, tenant);
    put(f->hint, sizeof(f->hint),
        "Check metrics_generator.storage.remote_write in tempo.yaml (url: %s/api/v1/push, X-Scope-OrgID header "
        "for multi-tenant Mimir), overrides metrics_generator.processors: [service-graphs, span-metrics], and "
        "Tempo's logs for remote-write errors.",
        mimir->url);
}

/* ---- Prometheus scrape targets ---------------------------------------------------------- */

static bool prom_targets_down(const struct dctx *x)
{
    const struct check_state *t = check_of(x->c, CID_TARGETS);
    double down = 0;
    return reachable(x) && t && t->ran && !t->skipped && t->status > ST_OK && value_of(t, VK_TARGETS_DOWN, &down) &&
           down > 0;
}

static void w_prom_targets_down(const struct dctx *x, struct finding *f)
{
    const struct check_state *t = check_of(x->c, CID_TARGETS);
    double down = 0, total = 0;
    value_of(t, VK_TARGETS_DOWN, &down);
    value_of(t, VK_TARGETS_TOTAL, &total);
    f->severity = ST_WARN;
    if (total > 0)
        put(f->title, sizeof(f->title), "%.0f of %.0f scrape targets are down at Prometheus", down, total);
    else
        put(f->title, sizeof(f->title), "%.0f scrape targets are down at Prometheus", down);
    put(f->cause, sizeof(f->cause),
        "Prometheus cannot scrape them, so their metrics stop (and alerts on them may "
        "never fire): %s",
        t->summary);
    put(f->hint, sizeof(f->hint),
        "Check that each exporter runs and listens on the address Prometheus uses (the "
        "error names it), that the network lets Prometheus reach it, and the scrape path; Status > Targets in "
        "Prometheus (%s/targets) shows the same list.",
        x->c->url);
}

/* ---- flow: Loki, Mimir ------------------------------------------------------------------ */

static bool loki_no_lines(const struct dctx *x)
{
    return ready_ok(x) && flow_zero(x, CID_METRICS, VK_LINES_RECEIVED_TOTAL) != FLOW_NOT_ZERO;
}

static void w_loki_no_lines(const struct dctx *x, struct finding *f)
{
    enum flow_zero z = flow_zero(x, CID_METRICS, VK_LINES_RECEIVED_TOTAL);
    const struct counter_state *k = counter_of(x->c, VK_LINES_RECEIVED_TOTAL);
    f->severity = ST_WARN;
    put(f->title, sizeof(f->title), "Loki is up but receives no log lines (0 lines/s)");
    if (z == FLOW_ZERO_SINCE_START)
        put(f->cause, sizeof(f->cause),
            "Loki is ready, but has received no log lines since it started: nothing "
            "pushes logs to it.");
    else
        put(f->cause, sizeof(f->cause),
            "Loki is ready, but loki_distributor_lines_received_total has not grown "
            "(0 lines/s over %d sample%s, %.0f lines since start): nothing pushes logs right now.",
            k ? k->zero_streak : 1, k && k->zero_streak > 1 ? "s" : "", k ? k->last : 0.0);
    put(f->hint, sizeof(f->hint),
        "Check your log shippers (Alloy, Promtail, the OTel collector, the Docker driver): their push URL (%s/loki/api/"
        "v1/push), their tenant (X-Scope-OrgID), and their own logs for push errors (400, 429).",
        x->c->url);
}

static bool mimir_no_samples(const struct dctx *x)
{
    return ready_ok(x) && flow_zero(x, CID_METRICS, VK_SAMPLES_RECEIVED_TOTAL) != FLOW_NOT_ZERO;
}

static void w_mimir_no_samples(const struct dctx *x, struct finding *f)
{
    const struct counter_state *k = counter_of(x->c, VK_SAMPLES_RECEIVED_TOTAL);
    f->severity = ST_WARN;
    put(f->title, sizeof(f->title), "Mimir is up but receives no samples (0 samples/s)");
    put(f->cause, sizeof(f->cause),
        "Mimir is ready, but cortex_distributor_received_samples_total has not grown "
        "(%.0f samples since start): nothing remote-writes to it right now.",
        k ? k->last : 0.0);
    put(f->hint, sizeof(f->hint),
        "Check what writes to Mimir (Prometheus, Alloy, the OTel collector): its remote_write URL (%s/api/v1/push), "
        "the tenant header, and its logs for 4xx answers (429 rate limits, 400 out-of-order samples).",
        x->c->url);
}

/* ---- Grafana ---------------------------------------------------------------------------- */

static const char *json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A side of a datasource row: {"status":"OK"} or a plain status string. */
static const char *side_status(const cJSON *row, const char *side)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, side);
    if (cJSON_IsString(v))
        return v->valuestring;
    return json_str(v, "status");
}

static bool ds_grafana_only_fails(const cJSON *row)
{
    const char *g = side_status(row, "grafana"), *d = side_status(row, "direct");
    return g && d && (strcmp(g, "ERROR") == 0 || strcmp(g, "UNREACHABLE") == 0) && strcmp(d, "OK") == 0;
}

static bool grafana_ds_unreachable(const struct dctx *x)
{
    const struct check_state *cs = check_of(x->c, CID_DATASOURCES);
    if (!usable(x, cs))
        return false;
    if (cJSON_IsArray(cs->data)) {
        const cJSON *row;
        cJSON_ArrayForEach(row, cs->data) if (ds_grafana_only_fails(row)) return true;
        return false;
    }
    /* Without per-datasource data, the summary of the datasources check says it. */
    return cs->status == ST_FAIL && has_word(cs->summary, "unreachable from Grafana");
}

static void w_grafana_ds_unreachable(const struct dctx *x, struct finding *f)
{
    const struct check_state *cs = check_of(x->c, CID_DATASOURCES);
    f->severity = ST_FAIL;
    if (!cJSON_IsArray(cs->data)) {
        put(f->title, sizeof(f->title), "Grafana cannot reach a datasource");
        put(f->cause, sizeof(f->cause), "%s", cs->summary);
    } else {
        char names[200] = "", first[400] = "";
        int n = 0;
        const cJSON *row;
        cJSON_ArrayForEach(row, cs->data)
        {
            if (!ds_grafana_only_fails(row))
                continue;
            const char *name = json_str(row, "name");
            size_t used = strlen(names);
            if (used + 40 < sizeof(names))
                snprintf(names + used, sizeof(names) - used, "%s%.36s", used ? ", " : "", name ? name : "?");
            if (!n++) {
                const cJSON *g = cJSON_GetObjectItemCaseSensitive(row, "grafana");
                const cJSON *d = cJSON_GetObjectItemCaseSensitive(row, "direct");
                const char *gm = json_str(g, "message"), *durl = json_str(d, "url"), *url = json_str(row, "url");
                put(first, sizeof(first),
                    "Grafana's check of \"%s\" (url %s) fails: %s — yet lgtmtop reaches %s "
                    "directly.",
                    name ? name : "?", url ? url : "?", gm ? gm : "error", durl ? durl : "it");
            }
        }
        put(f->title, sizeof(f->title), "Grafana cannot reach %d datasource%s that lgtmtop reaches directly (%s)", n,
            n == 1 ? "" : "s", names);
        put(f->cause, sizeof(f->cause),
            "%s The datasource URL works from here but not from Grafana's network: "
            "typically localhost (inside Grafana's container that is Grafana itself) or a name that only resolves "
            "outside Grafana's network.",
            first);
    }
    put(f->hint, sizeof(f->hint),
        "Edit the datasource URL to an address Grafana's container can reach — the service name on the shared "
        "network (e.g. http://loki:3100), not localhost — and check its headers (X-Scope-OrgID) and credentials; "
        "then Save & test in Grafana.");
}

/* ---- ready, but the query path hangs ----------------------------------------------------- */

/* The checks that go through a kind's query path (query-frontend -> querier), by kind. */
static const struct {
    enum comp_kind kind;
    enum check_id checks[4]; /* CID_NONE ends */
    const char *hint;
} query_paths[] = {
        {COMP_MIMIR,
         {CID_QUERY, CID_RULES, CID_ALERTS, CID_SPANMETRICS},
         "Read the querier's logs for errors connecting to the query-frontend or query-scheduler; check "
         "frontend_worker.frontend_address (or frontend_worker.scheduler_address) and that the frontend answers "
         "there; in single-binary mode set memberlist/instance address (common instance_addr or "
         "instance_interface_names) to an interface the querier can reach."},
        {COMP_LOKI,
         {CID_LABELS, CID_NONE, CID_NONE, CID_NONE},
         "Read the querier's logs for errors connecting to the query-frontend or scheduler; check "
         "frontend_worker.frontend_address / frontend_worker.scheduler_address; in single-binary mode set "
         "common.instance_addr (or common.instance_interface_names, e.g. [eth0]) so the querier connects to an "
         "address it can reach — a wrong default interface is the usual cause."},
        {COMP_TEMPO,
         {CID_SEARCH, CID_SERVICES, CID_SPAN_COUNTS, CID_NONE},
         "Read the querier's logs for errors connecting to the query-frontend; check "
         "querier.frontend_worker.frontend_address and that the frontend's gRPC port answers; in single-binary mode "
         "check the instance address (instance_addr / instance_interface_names) the querier registers with."},
};

/* Query-path checks that timed out, and whether any of them got an answer. */
static int query_hangs(const struct dctx *x, const char **names, int max, bool *answered)
{
    int n = 0;
    *answered = false;
    for (size_t i = 0; i < ARRAY_LEN(query_paths); i++) {
        if (query_paths[i].kind != x->c->kind)
            continue;
        for (size_t j = 0; j < ARRAY_LEN(query_paths[i].checks) && query_paths[i].checks[j]; j++) {
            const struct check_state *cs = check_of(x->c, query_paths[i].checks[j]);
            if (!usable(x, cs))
                continue;
            if (cs->net == NET_OK)
                *answered = true;
            else if (cs->net == NET_TIMEOUT && n < max)
                names[n++] = cs->def->name;
        }
    }
    return n;
}

static bool query_path_hangs(const struct dctx *x)
{
    const char *names[FINDING_MAX_CHECKS];
    bool answered;
    return ready_ok(x) && query_hangs(x, names, FINDING_MAX_CHECKS, &answered) > 0 && !answered;
}

static void w_query_path_hangs(const struct dctx *x, struct finding *f)
{
    const char *names[FINDING_MAX_CHECKS] = {NULL};
    bool answered;
    int n = query_hangs(x, names, FINDING_MAX_CHECKS, &answered);
    const struct check_state *first = NULL;
    for (size_t i = 0; i < x->c->nchecks && names[0] && !first; i++)
        if (strcmp(x->c->checks[i].def->name, names[0]) == 0)
            first = &x->c->checks[i];
    char list[96] = "";
    for (int i = 0; i < n; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "", names[i]);
        f->checks[i] = names[i];
    }
    const char *hint = "Read the querier's logs.";
    for (size_t i = 0; i < ARRAY_LEN(query_paths); i++)
        if (query_paths[i].kind == x->c->kind)
            hint = query_paths[i].hint;
    f->severity = ST_FAIL;
    put(f->title, sizeof(f->title), "%s is ready, but its queries hang (%s)", product(x->c), list);
    put(f->cause, sizeof(f->cause),
        "%s answers %s, yet every query (%s) got no answer until lgtmtop gave up (%s). Writes may still work; reads "
        "(Grafana panels, Explore, alert rules) do not: the querier cannot reach its query-frontend or scheduler, "
        "so queries wait in the frontend's queue until they time out.",
        product(x->c), readiness(x->c)->def->path ? readiness(x->c)->def->path : "ready", list,
        first ? first->summary : "timeout");
    put(f->hint, sizeof(f->hint), "%s", hint);
}

/* ---- Grafana: dashboards and alerting ---------------------------------------------------- */

/* Sums one group kind ("missing", "deprecated", "unresolved") of the dashboards check's data for
 * its first datasource: how many references, panels and dashboards use it, the dashboards' titles,
 * and how many other datasources have the same problem. */
struct dash_group_view {
    const char *ds, *replacement;
    int refs, panels, dashboards, others;
    char titles[200];
};

static struct dash_group_view dash_groups(const struct check_state *cs, const char *kind)
{
    struct dash_group_view v;
    memset(&v, 0, sizeof(v));
    const char *seen[8];
    const cJSON *dash;
    cJSON_ArrayForEach(dash, cs->data)
    {
        const cJSON *g;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(dash, kind))
        {
            const char *ds = json_str(g, "datasource");
            if (!ds)
                continue;
            if (!v.ds) {
                v.ds = ds;
                continue;
            }
            bool known = strcmp(v.ds, ds) == 0;
            for (int i = 0; i < v.others && i < (int)ARRAY_LEN(seen) && !known; i++)
                known = strcmp(seen[i], ds) == 0;
            if (!known) {
                if (v.others < (int)ARRAY_LEN(seen))
                    seen[v.others] = ds;
                v.others++;
            }
        }
    }
    if (!v.ds)
        return v;
    cJSON_ArrayForEach(dash, cs->data)
    {
        const cJSON *g;
        bool hit = false;
        cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(dash, kind))
        {
            const char *ds = json_str(g, "datasource");
            if (!ds || strcmp(ds, v.ds) != 0)
                continue;
            const cJSON *refs = cJSON_GetObjectItemCaseSensitive(g, "references");
            v.refs += cJSON_IsNumber(refs) ? refs->valueint : 0;
            v.panels += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g, "panels"));
            if (!v.replacement)
                v.replacement = json_str(g, "replacement");
            hit = true;
        }
        if (!hit)
            continue;
        const char *title = json_str(dash, "title");
        if (!title)
            title = json_str(dash, "uid");
        size_t used = strlen(v.titles);
        if (v.dashboards < 3 && used + 48 < sizeof(v.titles))
            snprintf(v.titles + used, sizeof(v.titles) - used, "%s\"%.40s\"", used ? ", " : "", title ? title : "?");
        else if (v.dashboards == 3)
            snprintf(v.titles + used, sizeof(v.titles) - used, ", ...");
        v.dashboards++;
    }
    return v;
}

static bool dash_kind_found(const struct dctx *x, const char *kind)
{
    const struct check_state *cs = check_of(x->c, CID_DASHBOARDS);
    return reachable(x) && usable(x, cs) && cJSON_IsArray(cs->data) && dash_groups(cs, kind).ds != NULL;
}

/* An existing datasource that could replace a missing uid: the only one of the family its uid
 * or name suggests ("grafana_prometheus" -> the one Prometheus-type datasource). */
static const char *dash_replacement_guess(const struct dctx *x, const char *missing)
{
    static const struct {
        const char *word, *type;
    } families[] = {
            {"prom", "prometheus"}, {"mimir", "prometheus"}, {"cortex", "prometheus"}, {"thanos", "prometheus"},
            {"loki", "loki"},       {"tempo", "tempo"},      {"jaeger", "tempo"},
    };
    const char *type = NULL;
    for (size_t i = 0; i < ARRAY_LEN(families) && !type; i++)
        if (strstr(missing, families[i].word))
            type = families[i].type;
    const struct check_state *ds = check_of(x->c, CID_DATASOURCES);
    if (!type || !ds || !cJSON_IsArray(ds->data))
        return NULL;
    const char *found = NULL;
    int n = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, ds->data)
    {
        const char *t = json_str(row, "type"), *uid = json_str(row, "uid");
        if (t && uid && strcmp(t, type) == 0) {
            found = uid;
            n++;
        }
    }
    return n == 1 ? found : NULL;
}

static bool grafana_dash_missing_ds(const struct dctx *x) { return dash_kind_found(x, "missing"); }

static void w_grafana_dash_missing_ds(const struct dctx *x, struct finding *f)
{
    struct dash_group_view v = dash_groups(check_of(x->c, CID_DASHBOARDS), "missing");
    const char *to = v.replacement ? v.replacement : dash_replacement_guess(x, v.ds);
    char more[64] = "";
    if (v.others)
        snprintf(more, sizeof(more), " (and %d more missing datasource%s)", v.others, v.others == 1 ? "" : "s");
    f->severity = ST_FAIL;
    about(f, CN(DASHBOARDS), NULL);
    put(f->title, sizeof(f->title), "%d panel%s in %d dashboard%s query datasource %s, which no longer exists%s",
        v.panels, v.panels == 1 ? "" : "s", v.dashboards, v.dashboards == 1 ? "" : "s", v.ds, more);
    put(f->cause, sizeof(f->cause),
        "%s reference%s the datasource uid %s (%d reference%s), which is not among Grafana's datasources: those "
        "panels show \"datasource not found\" and no data. Usually a datasource was renamed or re-provisioned "
        "with a new uid while the dashboards kept the old one.",
        v.titles, v.dashboards == 1 ? "s" : "", v.ds, v.refs, v.refs == 1 ? "" : "s");
    if (to)
        put(f->hint, sizeof(f->hint),
            "Change them to %s (in the dashboard JSON: every \"datasource\": {\"uid\": \"%s\"}), or map it in the "
            "config with deprecated_datasources: {%s: %s}; lgtmtop dashboards lint finds every reference offline.",
            to, v.ds, v.ds, to);
    else
        put(f->hint, sizeof(f->hint),
            "Change them to an existing datasource uid (Connections > Data sources shows them), or map the old uid "
            "with deprecated_datasources: {%s: <new uid>} in the config; lgtmtop dashboards lint finds every "
            "reference offline.",
            v.ds);
}

static bool grafana_dash_deprecated_ds(const struct dctx *x) { return dash_kind_found(x, "deprecated"); }

static void w_grafana_dash_deprecated_ds(const struct dctx *x, struct finding *f)
{
    struct dash_group_view v = dash_groups(check_of(x->c, CID_DASHBOARDS), "deprecated");
    f->severity = ST_WARN;
    about(f, CN(DASHBOARDS), NULL);
    put(f->title, sizeof(f->title), "%d panel%s in %d dashboard%s still use the deprecated datasource %s", v.panels,
        v.panels == 1 ? "" : "s", v.dashboards, v.dashboards == 1 ? "" : "s", v.ds);
    put(f->cause, sizeof(f->cause),
        "%s use%s %s (%d reference%s), which the config marks as deprecated in favour of "
        "%s: they work while it exists and break when it is removed.",
        v.titles, v.dashboards == 1 ? "s" : "", v.ds, v.refs, v.refs == 1 ? "" : "s",
        v.replacement ? v.replacement : "its replacement");
    put(f->hint, sizeof(f->hint),
        "Change their datasource to %s before removing %s (lgtmtop dashboards lint lists "
        "every reference).",
        v.replacement ? v.replacement : "the replacement", v.ds);
}

static bool grafana_dash_unresolved(const struct dctx *x) { return dash_kind_found(x, "unresolved"); }

static void w_grafana_dash_unresolved(const struct dctx *x, struct finding *f)
{
    struct dash_group_view v = dash_groups(check_of(x->c, CID_DASHBOARDS), "unresolved");
    f->severity = ST_FAIL; /* its panels cannot query: as broken as a missing datasource */
    about(f, CN(DASHBOARDS), NULL);
    put(f->title, sizeof(f->title), "%d dashboard%s keep the import placeholder %s", v.dashboards,
        v.dashboards == 1 ? "" : "s", v.ds);
    put(f->cause, sizeof(f->cause),
        "%s still reference%s %s: the dashboard was provisioned or copied as exported "
        "(with __inputs), so Grafana cannot resolve its datasource.",
        v.titles, v.dashboards == 1 ? "s" : "", v.ds);
    put(f->hint, sizeof(f->hint),
        "Replace %s with a datasource uid in the JSON (or import it through the UI, which "
        "asks for the datasource).",
        v.ds);
}

static const cJSON *alerting_data(const struct dctx *x, const char *key)
{
    const struct check_state *cs = check_of(x->c, CID_ALERTING);
    if (!reachable(x) || !usable(x, cs) || !cJSON_IsObject(cs->data))
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cs->data, key);
    return v;
}

static bool grafana_rule_missing_ds(const struct dctx *x)
{
    return cJSON_GetArraySize(alerting_data(x, "missing_datasource_rules")) > 0;
}

static void w_grafana_rule_missing_ds(const struct dctx *x, struct finding *f)
{
    const cJSON *rows = alerting_data(x, "missing_datasource_rules"), *r;
    char rules[240] = "";
    const char *ds = NULL;
    int n = 0;
    cJSON_ArrayForEach(r, rows)
    {
        const char *rule = json_str(r, "rule"), *group = json_str(r, "group");
        if (!ds)
            ds = json_str(r, "datasource");
        size_t used = strlen(rules);
        if (n < 3 && used + 80 < sizeof(rules))
            snprintf(rules + used, sizeof(rules) - used, "%s\"%.40s\" (group %.30s)", used ? ", " : "",
                     rule ? rule : "?", group ? group : "?");
        n++;
    }
    const char *to = ds ? dash_replacement_guess(x, ds) : NULL;
    f->severity = ST_FAIL;
    about(f, CN(ALERTING), NULL);
    put(f->title, sizeof(f->title), "%d alert rule%s query datasource %s, which no longer exists", n, n == 1 ? "" : "s",
        ds ? ds : "?");
    put(f->cause, sizeof(f->cause),
        "%s%s query%s datasourceUid %s, which is not among Grafana's datasources: the "
        "rule%s cannot evaluate (error / no data), so %s never fire%s.",
        rules, n > 3 ? ", ..." : "", n == 1 ? "ies" : "", ds ? ds : "?", n == 1 ? "" : "s", n == 1 ? "it" : "they",
        n == 1 ? "s" : "");
    if (to)
        put(f->hint, sizeof(f->hint),
            "Change datasourceUid: %s to %s in the rule provisioning files (or edit the "
            "rules in Alerting > Alert rules), then reload provisioning.",
            ds ? ds : "?", to);
    else
        put(f->hint, sizeof(f->hint),
            "Point datasourceUid of those rules at an existing datasource in the rule "
            "provisioning files (or edit them in Alerting > Alert rules), then reload provisioning.");
}

static bool grafana_policy_missing_receiver(const struct dctx *x)
{
    const cJSON *pol = alerting_data(x, "policies");
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(pol, "missing_receivers")) > 0;
}

static void w_grafana_policy_missing_receiver(const struct dctx *x, struct finding *f)
{
    const cJSON *pol = alerting_data(x, "policies"), *r;
    char names[200] = "";
    int n = 0;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(pol, "missing_receivers"))
    {
        size_t used = strlen(names);
        if (cJSON_IsString(r) && used + 48 < sizeof(names))
            snprintf(names + used, sizeof(names) - used, "%s%.40s", used ? ", " : "", r->valuestring);
        n++;
    }
    f->severity = ST_FAIL;
    about(f, CN(ALERTING), NULL);
    put(f->title, sizeof(f->title), "Notification policies route to %s, which %s no contact point", names,
        n == 1 ? "is" : "are");
    put(f->cause, sizeof(f->cause),
        "The notification policy tree names the receiver%s %s, but Grafana has no contact "
        "point of that name: alerts routed there are not delivered to anyone.",
        n == 1 ? "" : "s", names);
    put(f->hint, sizeof(f->hint),
        "Create the contact point%s %s (contactPoints in the alerting provisioning files, or "
        "Alerting > Contact points), or change receiver: in notification_policies to an existing one.",
        n == 1 ? "" : "s", names);
}

/* ---- the table -------------------------------------------------------------------------- */

static const struct rule rules[] = {
        {"down_refused", -1, down_refused, w_down_refused, CID_NONE},
        {"down_dns", -1, down_dns, w_down_dns, CID_NONE},
        {"down_dns_timeout", -1, down_dns_timeout, w_down_dns_timeout, CID_NONE},
        {"down_timeout", -1, down_timeout, w_down_timeout, CID_NONE},
        {"down_tls", -1, down_tls, w_down_tls, CID_NONE},
        {"down_other", -1, down_other, w_down_other, CID_NONE},
        {"not_ready", -1, not_ready, w_not_ready, CID_NONE},
        {"http_error", -1, http_error, w_http_error, CID_NONE},
        {"tenant_missing", -1, tenant_missing, w_tenant_missing, CID_NONE},
        {"auth_failed", -1, auth_failed, w_auth_failed, CID_NONE},
        {"query_path_hangs", -1, query_path_hangs, w_query_path_hangs, CID_NONE},
        {"otlp_closed", COMP_TEMPO, otlp_closed, w_otlp_closed, CID_NONE},
        {"otlp_not_otlp", COMP_TEMPO, otlp_not_otlp, w_otlp_not_otlp, CID_OTLP_HTTP},
        {"otlp_ipv4_only", COMP_TEMPO, otlp_ipv4_only, w_otlp_ipv4_only, CID_NONE},
        {"otlp_ipv6_only", COMP_TEMPO, otlp_ipv6_only, w_otlp_ipv6_only, CID_NONE},
        {"tempo_no_spans", COMP_TEMPO, tempo_no_spans, w_tempo_no_spans, CID_NONE},
        {"tempo_search_empty", COMP_TEMPO, tempo_search_empty, w_tempo_search_empty, CID_SEARCH},
        {"generator_no_spanmetrics", COMP_TEMPO, generator_no_spanmetrics, w_generator_no_spanmetrics, CID_METRICS},
        {"loki_no_lines", COMP_LOKI, loki_no_lines, w_loki_no_lines, CID_METRICS},
        {"mimir_no_samples", COMP_MIMIR, mimir_no_samples, w_mimir_no_samples, CID_METRICS},
        {"grafana_ds_unreachable", COMP_GRAFANA, grafana_ds_unreachable, w_grafana_ds_unreachable, CID_DATASOURCES},
        {"grafana_dash_missing_ds", COMP_GRAFANA, grafana_dash_missing_ds, w_grafana_dash_missing_ds, CID_NONE},
        {"grafana_rule_missing_ds", COMP_GRAFANA, grafana_rule_missing_ds, w_grafana_rule_missing_ds, CID_NONE},
        {"grafana_policy_missing_receiver", COMP_GRAFANA, grafana_policy_missing_receiver,
         w_grafana_policy_missing_receiver, CID_NONE},
        {"grafana_dash_deprecated_ds", COMP_GRAFANA, grafana_dash_deprecated_ds, w_grafana_dash_deprecated_ds,
         CID_NONE},
        {"grafana_dash_unresolved", COMP_GRAFANA, grafana_dash_unresolved, w_grafana_dash_unresolved, CID_NONE},
        {"prom_targets_down", COMP_PROMETHEUS, prom_targets_down, w_prom_targets_down, CID_TARGETS},
};

const char *diagnose_rule_id(size_t i) { return i < ARRAY_LEN(rules) ? rules[i].id : NULL; }

/* One component's findings of one severity pass (0: FAIL, 1: WARN), appended at out[*n]; false
 * when out is full. */
static bool diagnose_pass(const struct dctx *x, int pass, struct finding *out, size_t *n, size_t max)
{
    for (size_t r = 0; r < ARRAY_LEN(rules); r++) {
        if (rules[r].kind >= 0 && rules[r].kind != (int)x->c->kind)
            continue;
        if (rules[r].kind < 0 && x->c->kind > COMP_PROMETHEUS)
            continue; /* generic rules are about the stack's servers, not custom checks */
        if (!rules[r].applies(x))
            continue;
        struct finding f;
        memset(&f, 0, sizeof(f));
        rules[r].write(x, &f);
        if ((pass == 0) != (f.severity == ST_FAIL))
            continue;
        if (*n == max)
            return false;
        f.id = rules[r].id;
        f.stack = x->st->name;
        f.component = comp_kind_name(x->c->kind);
        f.comp = x->c;
        if (!f.checks[0])
            f.checks[0] = rules[r].row      ? check_id_name(rules[r].row)
                          : readiness(x->c) ? readiness(x->c)->def->name
                                            : NULL;
        out[(*n)++] = f;
    }
    return true;
}

size_t diagnose(const struct state *s, long long now_ms, struct finding *out, size_t max)
{
    size_t n = 0;
    /* Two passes keep FAIL before WARN without sorting: a FAIL is never crowded out by a WARN. */
    for (int pass = 0; pass < 2; pass++)
        STATE_FOR_EACH_COMP (s, st, c) {
            struct dctx x = {s, st, c, now_ms};
            if (!diagnose_pass(&x, pass, out, &n, max))
                return n;
        }
    return n;
}

size_t diagnose_component(const struct state *s, const struct stack_state *st, const struct comp_state *c,
                          long long now_ms, struct finding *out, size_t max)
{
    size_t n = 0;
    struct dctx x = {s, st, c, now_ms};
    for (int pass = 0; pass < 2; pass++)
        if (!diagnose_pass(&x, pass, out, &n, max))
            break;
    return n;
}

void diagnose_counts(const struct finding *f, size_t n, int *fail, int *warn)
{
    *fail = *warn = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i].severity == ST_FAIL)
            (*fail)++;
        else
            (*warn)++;
    }
}
