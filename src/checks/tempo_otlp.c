/* tempo_otlp: are Tempo's OTLP receivers reachable, on every address their name resolves to?
 *
 * Each check resolves the receiver's host (asynchronously, through libcurl's resolver: the
 * engine's resolve_only request) and then probes every address separately with the name kept
 * (connect_ip): the gRPC port with a TCP connect, the HTTP port with a POST of an empty OTLP/JSON
 * export to /v1/traces. Results are kept per address, so "answers on IPv4 but not on IPv6" (a
 * receiver bound to 0.0.0.0 behind a name that also resolves to an IPv6 address) shows as such. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "common.h"

static const char otlp_empty_export[] = "{\"resourceSpans\":[]}";

enum addr_state { A_PENDING, A_OK, A_REJECTED, A_NOT_OTLP, A_NOT_HTTP, A_FAIL };

static enum addr_state addr_state(const struct otlp_result *res, const struct otlp_addr_result *a)
{
    if (!a->done)
        return A_PENDING;
    if (!res->http)
        return a->err == NET_OK ? A_OK : A_FAIL;
    if (a->err == NET_PROTOCOL)
        return A_NOT_HTTP; /* a TCP listener that does not speak HTTP/1 (e.g. the gRPC port) */
    if (a->err != NET_OK)
        return A_FAIL;
    if (a->status == 404 || a->status == 405)
        return A_NOT_OTLP;
    if (a->status == 401 || a->status == 403)
        return A_REJECTED;
    return A_OK; /* any other answer comes from a receiver: it got our export */
}

static const char *family_name(int f) { return f == 6 ? "IPv6" : "IPv4"; }

static const char *err_words(enum net_err e)
{
    switch (e) {
    case NET_REFUSED: return "connection refused";
    case NET_TIMEOUT: return "timeout";
    case NET_DNS: return "name did not resolve";
    case NET_DNS_TIMEOUT: return "name lookup did not finish";
    case NET_TLS: return "TLS error";
    case NET_PROTOCOL: return "not HTTP";
    case NET_CANCELLED: return "cancelled";
    default: return net_err_name(e);
    }
}

/* "IPv4 127.0.0.1" list of the addresses in state want (or not in it, when negate). */
static void addr_list(const struct otlp_result *res, bool good, struct buf *out)
{
    int k = 0;
    for (int i = 0; i < res->naddrs; i++) {
        enum addr_state st = addr_state(res, &res->addr[i]);
        bool is_good = st == A_OK || st == A_REJECTED;
        if (is_good != good)
            continue;
        buf_printf(out, "%s%s %s", k++ ? ", " : "", family_name(res->addr[i].family), res->addr[i].ip);
        if (!good) {
            if (st == A_NOT_OTLP)
                buf_printf(out, ": HTTP %ld", res->addr[i].status);
            else if (st == A_PENDING)
                buf_puts(out, ": no result");
            else
                buf_printf(out, ": %s", err_words(res->addr[i].err));
        }
    }
}

static void skip_guessed(const struct otlp_result *res, struct obs *o)
{
    /* An endpoint lgtmtop guessed from the Tempo URL is not proof of a fault: skip the check
     * (the findings still say what was tried). */
    char line[OBS_SUMMARY_LEN];
    snprintf(line, sizeof(line), "%s", o->summary);
    o->skipped = true;
    obs_set(o, ST_UNKNOWN, "skipped: %s (address guessed from the Tempo URL; set %s to your receiver)", line,
            res->http ? "otlp_http" : "otlp_grpc");
}

void otlp_summarize(const struct otlp_result *res, struct obs *o)
{
    const char *label = res->http ? "OTLP/HTTP" : "OTLP/gRPC";
    const char *ep = res->endpoint ? res->endpoint : "";
    if (!*ep) {
        o->skipped = true;
        obs_set(o, ST_UNKNOWN, "skipped: no %s endpoint configured", res->http ? "otlp_http" : "otlp_grpc");
        return;
    }
    if (!res->resolved) {
        obs_set(o, ST_UNKNOWN, "%s check of %s did not finish", label, ep);
        return;
    }
    if (res->resolve_err != NET_OK) {
        if (res->resolve_err == NET_DNS)
            obs_set(o, ST_FAIL, "cannot resolve the %s receiver's host (%s) — check the name, or set %s", label, ep,
                    res->http ? "otlp_http" : "otlp_grpc");
        else if (res->resolve_err == NET_DNS_TIMEOUT)
            obs_set(o, ST_FAIL,
                    "name lookup of the %s receiver's host (%s) did not finish within %.1fs: the DNS server does "
                    "not answer — on a private network, run lgtmtop inside it",
                    label, ep, (double)res->timeout_ms / 1000.0);
        else
            obs_set(o, ST_FAIL, "cannot look up %s: %s", ep, res->resolve_text[0] ? res->resolve_text : "error");
        if (res->derived)
            skip_guessed(res, o);
        return;
    }

    cJSON *data = cJSON_CreateArray();
    int good = 0, rejected = 0, not_otlp = 0, not_http = 0;
    const struct otlp_addr_result *first_fail = NULL, *first_rej = NULL, *first_404 = NULL;
    for (int i = 0; i < res->naddrs; i++) {
        const struct otlp_addr_result *a = &res->addr[i];
        enum addr_state st = addr_state(res, a);
        good += st == A_OK || st == A_REJECTED;
        rejected += st == A_REJECTED;
        not_otlp += st == A_NOT_OTLP;
        not_http += st == A_NOT_HTTP;
        if (st == A_REJECTED && !first_rej)
            first_rej = a;
        if (st == A_NOT_OTLP && !first_404)
            first_404 = a;
        if ((st == A_FAIL || st == A_PENDING) && !first_fail)
            first_fail = a;
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "address", a->ip);
        cJSON_AddStringToObject(row, "family", a->family == 6 ? "ipv6" : "ipv4");
        cJSON_AddBoolToObject(row, "reachable", st != A_FAIL && st != A_PENDING);
        cJSON_AddItemToObject(row, "error",
                              st == A_FAIL      ? cJSON_CreateString(net_err_name(a->err))
                              : st == A_PENDING ? cJSON_CreateString("no result")
                                                : cJSON_CreateNull());
        if (res->http) {
            if (a->done && a->err == NET_OK)
                cJSON_AddNumberToObject(row, "http_status", (double)a->status);
            else
                cJSON_AddNullToObject(row, "http_status");
            cJSON_AddBoolToObject(row, "otlp", st == A_OK || st == A_REJECTED);
        }
        cJSON_AddItemToArray(data, row);

        char what[200];
        switch (st) {
        case A_OK:
            if (res->http)
                snprintf(what, sizeof(what), "answers (HTTP %ld)", a->status);
            else
                snprintf(what, sizeof(what), "%s", "accepts connections");
            break;
        case A_REJECTED:
            snprintf(what, sizeof(what), "answers but rejects the export: HTTP %ld %s", a->status, a->reason);
            break;
        case A_NOT_OTLP: snprintf(what, sizeof(what), "HTTP %ld: not an OTLP receiver", a->status); break;
        case A_NOT_HTTP: snprintf(what, sizeof(what), "%s", "accepts connections but does not answer HTTP"); break;
        case A_PENDING: snprintf(what, sizeof(what), "%s", "no result"); break;
        case A_FAIL:
        default:
            snprintf(what, sizeof(what), "%s%s%s", err_words(a->err), a->err_text[0] ? ": " : "", a->err_text);
            break;
        }
        obs_detail_line(o, "%s %s: %s", family_name(a->family), a->ip, what);
    }
    if (res->ndropped)
        obs_detail_line(o, "... %d more addresses not probed", res->ndropped);
    o->data = data;
    obs_add_value(o, "addresses", res->naddrs, OBS_GAUGE);
    obs_add_value(o, "reachable", good, OBS_GAUGE);

    const char *target = res->http && !str_ends_with(ep, "/v1/traces") ? "/v1/traces" : "";
    struct buf ok, bad;
    buf_init(&ok);
    buf_init(&bad);
    addr_list(res, true, &ok);
    addr_list(res, false, &bad);
    if (res->naddrs == 0) {
        obs_set(o, ST_FAIL, "%s resolved to no address", ep);
    } else if (good == res->naddrs && rejected) {
        obs_set(o, ST_WARN,
                "%s receiver at %s%s answers but rejects lgtmtop's empty export: HTTP %ld%s%s — senders "
                "need the same credentials/tenant",
                label, ep, target, first_rej->status, first_rej->reason[0] ? " " : "", first_rej->reason);
    } else if (good == res->naddrs) {
        if (res->http)
            obs_set(o, ST_OK, "%s receiver answers at %s%s (HTTP %ld on %s)", label, ep, target, res->addr[0].status,
                    ok.data);
        else
            obs_set(o, ST_OK, "%s port open at %s (%s)", label, ep, ok.data);
    } else if (good > 0) {
        bool v4_ok = false, v6_ok = false;
        for (int i = 0; i < res->naddrs; i++) {
            enum addr_state st = addr_state(res, &res->addr[i]);
            if ((st == A_OK || st == A_REJECTED) && res->addr[i].family == 6)
                v6_ok = true;
            else if (st == A_OK || st == A_REJECTED)
                v4_ok = true;
        }
        obs_set(o, ST_WARN, "%s receiver at %s answers on %s but not on %s — clients that try %s first fail", label, ep,
                ok.data, bad.data,
                v4_ok && !v6_ok   ? "IPv6"
                : v6_ok && !v4_ok ? "IPv4"
                                  : "those addresses");
    } else if (not_otlp == res->naddrs) {
        obs_set(o, ST_FAIL,
                "POST %s%s answers HTTP %ld: something listens there, but it is not an OTLP "
                "receiver — is otlp_http the receiver port (4318)?",
                ep, target, first_404->status);
    } else if (not_http > 0 && not_http + not_otlp == res->naddrs) {
        obs_set(o, ST_FAIL,
                "something accepts connections at %s but does not answer HTTP — is that the gRPC port "
                "(4317)?",
                ep);
    } else if (first_fail && first_fail->err == NET_REFUSED) {
        obs_set(o, ST_FAIL, "connection refused at %s (%s): no %s receiver listens there", ep, bad.data, label);
    } else if (first_fail && first_fail->err == NET_TIMEOUT) {
        obs_set(o, ST_FAIL, "no answer from %s within %.1fs (%s): a firewall drops the packets, or the host is down",
                ep, (double)res->timeout_ms / 1000.0, bad.data);
    } else {
        obs_set(o, ST_FAIL, "cannot reach the %s receiver at %s (%s)", label, ep, bad.data);
    }
    if (good == 0 && res->derived)
        skip_guessed(res, o);
    buf_free(&ok);
    buf_free(&bad);
}

/* ---- the multi checks ------------------------------------------------------------------ */

struct otlp_run {
    struct otlp_result res;
    char url[512]; /* what each address is asked */
};

static void addr_done(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct otlp_run *d = run->data;
    struct otlp_addr_result *a = &d->res.addr[(intptr_t)arg];
    a->done = true;
    a->err = r->err;
    a->status = r->status;
    if (r->timeout_ms > 0)
        d->res.timeout_ms = r->timeout_ms;
    text_oneline(a->err_text, sizeof(a->err_text), r->err_text ? r->err_text : "",
                 r->err_text ? strlen(r->err_text) : 0);
    if (r->err == NET_OK && (r->status < 200 || r->status > 299) && r->body_len) {
        const char *nl = memchr(r->body, '\n', r->body_len);
        text_oneline(a->reason, sizeof(a->reason), r->body, nl ? (size_t)(nl - r->body) : r->body_len);
    }
}

static void probe_address(struct multi_run *run, int i)
{
    struct otlp_run *d = run->data;
    const struct component_cfg *c = run->c;
    struct request rq = {.url = d->url, .connect_ip = d->res.addr[i].ip};
    if (d->res.http) {
        rq.method = "POST";
        rq.body = otlp_empty_export;
        rq.body_len = sizeof(otlp_empty_export) - 1;
        rq.content_type = "application/json";
        probe_use_component(&rq, c);
    } else {
        rq.connect_only = true;
        /* a TCP connect needs no more than the connect timeout */
        rq.timeout_ms = c->connect_timeout_ms > 0 ? c->connect_timeout_ms : run->cfg->connect_timeout_ms;
    }
    multi_request(run, &rq, addr_done, (void *)(intptr_t)i);
}

static void resolved(struct multi_run *run, const struct http_response *r, void *arg)
{
    struct otlp_run *d = run->data;
    (void)arg;
    d->res.resolved = true;
    d->res.resolve_err = r->err;
    text_oneline(d->res.resolve_text, sizeof(d->res.resolve_text), r->err_text ? r->err_text : "",
                 r->err_text ? strlen(r->err_text) : 0);
    if (r->err != NET_OK)
        return;
    const char *p = r->addresses ? r->addresses : "";
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < sizeof(d->res.addr[0].ip)) {
            if (d->res.naddrs == OTLP_MAX_ADDRS) {
                d->res.ndropped++;
            } else {
                struct otlp_addr_result *a = &d->res.addr[d->res.naddrs];
                memcpy(a->ip, p, n);
                a->ip[n] = '\0';
                a->family = memchr(p, ':', n) ? 6 : 4;
                d->res.naddrs++;
            }
        }
        p += n;
        p += strspn(p, " ");
    }
    for (int i = 0; i < d->res.naddrs; i++)
        probe_address(run, i);
}

static void otlp_start(struct multi_run *run, bool http)
{
    struct otlp_run *d = run->data;
    const struct component_cfg *c = run->c;
    d->res.http = http;
    d->res.endpoint = http ? c->otlp_http : c->otlp_grpc;
    d->res.derived = http ? c->otlp_http_derived : c->otlp_grpc_derived;
    d->res.timeout_ms = c->connect_timeout_ms > 0 ? c->connect_timeout_ms : run->cfg->connect_timeout_ms;
    if (!d->res.endpoint || !*d->res.endpoint)
        return; /* finish says "not configured" */
    char resolve_url[512];
    if (http) {
        /* a base URL (what OTEL_EXPORTER_OTLP_ENDPOINT takes), or the full traces URL */
        bool full = str_ends_with(d->res.endpoint, "/v1/traces");
        snprintf(d->url, sizeof(d->url), "%s%s", d->res.endpoint, full ? "" : "/v1/traces");
        snprintf(resolve_url, sizeof(resolve_url), "%s/", d->res.endpoint);
    } else {
        snprintf(d->url, sizeof(d->url), "http://%s/", d->res.endpoint);
        snprintf(resolve_url, sizeof(resolve_url), "%s", d->url);
    }
    struct request rq = {.url = resolve_url, .resolve_only = true};
    multi_request(run, &rq, resolved, NULL);
}

static void otlp_start_grpc(struct multi_run *run) { otlp_start(run, false); }
static void otlp_start_http(struct multi_run *run) { otlp_start(run, true); }

static void otlp_finish(struct multi_run *run, struct obs *o)
{
    struct otlp_run *d = run->data;
    otlp_summarize(&d->res, o);
}

const struct multi_check otlp_grpc_multi = {
        .data_size = sizeof(struct otlp_run),
        .start = otlp_start_grpc,
        .finish = otlp_finish,
        .max_inflight = OTLP_MAX_ADDRS,
};

const struct multi_check otlp_http_multi = {
        .data_size = sizeof(struct otlp_run),
        .start = otlp_start_http,
        .finish = otlp_finish,
        .max_inflight = OTLP_MAX_ADDRS,
};
