/* Real responses captured from real servers (tests/fixtures/real/, see its README.md and
 * SOURCES.md), each run through the check that reads it, the way a sweep does
 * (probe_run_parser: transport errors and non-2xx handling included). A row says what a
 * person looking at that server would call it. "fresh_*" = right after start, "data_*" = after
 * data flowed. The URL, HTTP status and Content-Type come from the file's .meta (the row
 * repeats status and type, and the two must agree); the /metrics excerpts have no .meta and
 * are served as a 200 exposition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>

#include "probe_test.h"

#include "../../src/checks/flow.h"
#include "lgtmtop/canary.h"

#define SKIP ST_UNKNOWN /* with .skipped: the check does not apply, and says why */
#define CT_METRICS "text/plain; version=0.0.4; charset=utf-8"

struct real_row {
    const char *label;
    const char *file;  /* under real/; NULL = no body (no HTTP answer) */
    const char *meta;  /* under real/; NULL = a /metrics excerpt (200, CT_METRICS) */
    long http_status;  /* as in the meta; 0 = no HTTP answer (a transport error) */
    const char *ctype; /* as in the meta */
    enum comp_kind kind;
    const char *check; /* a check of the kind's table; "services_v1" = Tempo's v1 tag fallback */
    enum status want;
    bool skipped;
    const char *want_sub; /* must occur in the summary */
    const char *want_version;
    const char *base; /* the component URL as configured */
    const char *tenant, *prefix;
    enum net_err net; /* for http_status 0 */
    const char *net_text;
};

#define TEMPO "http://127.0.0.1:3200"
#define LOKI "http://127.0.0.1:3100"
#define CORTEX "http://127.0.0.1:9009"
#define PROM "http://127.0.0.1:9090"

#define T(f) "tempo-2.7.2/" f
#define L(f) "loki-3.4.6/" f
#define C(f) "cortex-1.19.1/" f
#define P(f) "prometheus-2.42.0/" f

static const struct real_row rows[] = {
        /* ---- Tempo 2.7.2 ---------------------------------------------------------------------- */
        {"tempo fresh ready", T("fresh_ready.txt"), T("fresh_ready.meta"), 200, "text/plain; charset=utf-8", COMP_TEMPO,
         "ready", ST_OK, false, "ready", NULL, TEMPO, .net = NET_OK},
        {"tempo data ready", T("data_ready.txt"), T("data_ready.meta"), 200, "text/plain; charset=utf-8", COMP_TEMPO,
         "ready", ST_OK, false, "ready", NULL, TEMPO, .net = NET_OK},
        {"tempo fresh buildinfo", T("fresh_buildinfo.json"), T("fresh_buildinfo.meta"), 200, "application/json",
         COMP_TEMPO, "buildinfo", ST_OK, false, "Tempo v2.7.2 (b33945ab, go1.23.5)", "v2.7.2", TEMPO, .net = NET_OK},
        {"tempo data buildinfo", T("data_buildinfo.json"), T("data_buildinfo.meta"), 200, "application/json",
         COMP_TEMPO, "buildinfo", ST_OK, false, "Tempo v2.7.2 (b33945ab, go1.23.5)", "v2.7.2", TEMPO, .net = NET_OK},
        /* the pre-2.3 path is not what lgtmtop asks, but an empty reply is a transport failure */
        {"tempo fresh buildinfo old path: empty reply", NULL, T("fresh_status_buildinfo_oldpath.meta"), 0, "",
         COMP_TEMPO, "buildinfo", ST_FAIL, false, "Empty reply from server", "", TEMPO, .net = NET_PROTOCOL,
         .net_text = "Empty reply from server"},
        {"tempo data buildinfo old path: empty reply", NULL, T("data_status_buildinfo_oldpath.meta"), 0, "", COMP_TEMPO,
         "buildinfo", ST_FAIL, false, "Empty reply from server", "", TEMPO, .net = NET_PROTOCOL,
         .net_text = "Empty reply from server"},
        /* no tempo_distributor_spans_received_total series at all before the first span */
        {"tempo fresh metrics: spans counter absent", T("fresh_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_TEMPO,
         "metrics", ST_OK, false, "no spans received since start (Tempo v2.7.2)", "v2.7.2", TEMPO, .net = NET_OK},
        {"tempo data metrics", T("data_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_TEMPO, "metrics", ST_OK,
         false, "20 spans received since start, 1 traces created (Tempo v2.7.2)", "v2.7.2", TEMPO, .net = NET_OK},
        {"tempo fresh search", T("fresh_search.json"), T("fresh_search.meta"), 200, "application/json", COMP_TEMPO,
         "search", ST_OK, false, "no traces found in the last 15m", NULL, TEMPO, .net = NET_OK},
        {"tempo data search", T("data_search.json"), T("data_search.meta"), 200, "application/json", COMP_TEMPO,
         "search", ST_OK, false, "1 trace in the last 15m (newest 14s ago; root services: checkout-service)", NULL,
         TEMPO, .net = NET_OK},
        {"tempo fresh services v2", T("fresh_tag_values_v2.json"), T("fresh_tag_values_v2.meta"), 200,
         "application/json", COMP_TEMPO, "services", ST_OK, false,
         "no services seen in the last 15m (service.name, v2 API)", NULL, TEMPO, .net = NET_OK},
        {"tempo data services v2", T("data_tag_values_v2.json"), T("data_tag_values_v2.meta"), 200, "application/json",
         COMP_TEMPO, "services", ST_OK, false, "1 service (v2 API): checkout-service", NULL, TEMPO, .net = NET_OK},
        {"tempo fresh services v1", T("fresh_tag_values_v1.json"), T("fresh_tag_values_v1.meta"), 200,
         "application/json", COMP_TEMPO, "services_v1", ST_OK, false, "no services seen in the last", NULL, TEMPO,
         .net = NET_OK},
        {"tempo data services v1", T("data_tag_values_v1.json"), T("data_tag_values_v1.meta"), 200, "application/json",
         COMP_TEMPO, "services_v1", ST_OK, false, "1 service (v1 API): checkout-service", NULL, TEMPO, .net = NET_OK},
        {"tempo fresh span counts", T("fresh_metrics_query_range.json"), T("fresh_metrics_query_range.meta"), 200,
         "application/json", COMP_TEMPO, "span_counts", ST_OK, false, "TraceQL metrics: no spans in the last 15m", NULL,
         TEMPO, .net = NET_OK},
        /* 20 spans arrived, yet TraceQL metrics count none: no local-blocks processor */
        {"tempo data span counts", T("data_metrics_query_range.json"), T("data_metrics_query_range.meta"), 200,
         "application/json", COMP_TEMPO, "span_counts", ST_OK, false, "local-blocks processor is off", NULL, TEMPO,
         .net = NET_OK},

        /* ---- Loki 3.4.6 ----------------------------------------------------------------------- */
        {"loki fresh ready", L("fresh_ready.txt"), L("fresh_ready.meta"), 200, "text/plain; charset=utf-8", COMP_LOKI,
         "ready", ST_OK, false, "ready", NULL, LOKI, .net = NET_OK},
        {"loki data ready", L("data_ready.txt"), L("data_ready.meta"), 200, "text/plain; charset=utf-8", COMP_LOKI,
         "ready", ST_OK, false, "ready", NULL, LOKI, .net = NET_OK},
        {"loki fresh buildinfo", L("fresh_buildinfo.json"), L("fresh_buildinfo.meta"), 200, "application/json",
         COMP_LOKI, "buildinfo", ST_OK, false, "Loki v3.4.6 (2b7b94ff)", "v3.4.6", LOKI, .net = NET_OK},
        {"loki data buildinfo", L("data_buildinfo.json"), L("data_buildinfo.meta"), 200, "application/json", COMP_LOKI,
         "buildinfo", ST_OK, false, "Loki v3.4.6 (2b7b94ff)", "v3.4.6", LOKI, .net = NET_OK},
        /* {"status":"success"} without "data": nothing ingested yet */
        {"loki fresh labels: no data key", L("fresh_labels.json"), L("fresh_labels.meta"), 200,
         "application/json; charset=UTF-8", COMP_LOKI, "labels", ST_WARN, false,
         "no labels yet: nothing has been ingested", NULL, LOKI, .net = NET_OK},
        {"loki fresh labels with tenant: no data key", L("fresh_labels_tenant.json"), L("fresh_labels_tenant.meta"),
         200, "application/json; charset=UTF-8", COMP_LOKI, "labels", ST_WARN, false,
         "no labels yet: nothing has been ingested in the last 6h for tenant \"lab\"", NULL, LOKI, .tenant = "lab"},
        {"loki data labels", L("data_labels.json"), L("data_labels.meta"), 200, "application/json; charset=UTF-8",
         COMP_LOKI, "labels", ST_OK, false, "2 labels: level, service_name", NULL, LOKI, .net = NET_OK},
        {"loki data labels with tenant", L("data_labels_tenant.json"), L("data_labels_tenant.meta"), 200,
         "application/json; charset=UTF-8", COMP_LOKI, "labels", ST_OK, false, "2 labels: level, service_name", NULL,
         LOKI, .tenant = "lab"},
        {"loki fresh metrics", L("fresh_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_LOKI, "metrics", ST_OK,
         false, "nothing pushed yet", "v3.4.6", LOKI, .net = NET_OK},
        {"loki data metrics", L("data_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_LOKI, "metrics", ST_OK, false,
         "1 lines, 18 bytes received since start", "v3.4.6", LOKI, .net = NET_OK},

        /* ---- Cortex 1.19.1 as Mimir ----------------------------------------------------------- */
        {"cortex fresh ready", C("fresh_ready.txt"), C("fresh_ready.meta"), 200, "text/plain", COMP_MIMIR, "ready",
         ST_OK, false, "ready", NULL, CORTEX, .net = NET_OK},
        {"cortex data ready", C("data_ready.txt"), C("data_ready.meta"), 200, "text/plain", COMP_MIMIR, "ready", ST_OK,
         false, "ready", NULL, CORTEX, .net = NET_OK},
        /* Cortex has no build info API */
        {"cortex fresh buildinfo 404", C("fresh_buildinfo_404.txt"), C("fresh_buildinfo_404.meta"), 404,
         "text/plain; charset=utf-8", COMP_MIMIR, "buildinfo", SKIP, true,
         "version unknown: no buildinfo endpoint (404)", "", CORTEX, .net = NET_OK},
        {"cortex data buildinfo 404", C("data_buildinfo_404.txt"), C("data_buildinfo_404.meta"), 404,
         "text/plain; charset=utf-8", COMP_MIMIR, "buildinfo", SKIP, true,
         "version unknown: no buildinfo endpoint (404)", "", CORTEX, .net = NET_OK},
        {"cortex fresh buildinfo under the prefix 404", C("fresh_buildinfo_prefixed.txt"),
         C("fresh_buildinfo_prefixed.meta"), 404, "text/plain; charset=utf-8", COMP_MIMIR, "buildinfo", SKIP, true,
         "version unknown: no buildinfo endpoint (404)", "", CORTEX, .net = NET_OK},
        {"cortex data buildinfo under the prefix 404", C("data_buildinfo_prefixed.txt"),
         C("data_buildinfo_prefixed.meta"), 404, "text/plain; charset=utf-8", COMP_MIMIR, "buildinfo", SKIP, true,
         "version unknown: no buildinfo endpoint (404)", "", CORTEX, .net = NET_OK},
        {"cortex fresh query: nothing written yet", C("fresh_query_up.json"), C("fresh_query_up.meta"), 200,
         "application/json", COMP_MIMIR, "query", ST_WARN, false, "query \"up\" returned no series", NULL, CORTEX,
         .tenant = "fake"},
        {"cortex data query", C("data_query_up.json"), C("data_query_up.meta"), 200, "application/json", COMP_MIMIR,
         "query", ST_OK, false, "query \"up\": 3 series", NULL, CORTEX, .tenant = "fake"},
        {"cortex fresh query without tenant", C("fresh_query_no_tenant.json"), C("fresh_query_no_tenant.meta"), 200,
         "application/json", COMP_MIMIR, "query", ST_WARN, false, "query \"up\" returned no series", NULL, CORTEX,
         .net = NET_OK},
        {"cortex data query without tenant", C("data_query_no_tenant.json"), C("data_query_no_tenant.meta"), 200,
         "application/json", COMP_MIMIR, "query", ST_OK, false, "query \"up\": 3 series", NULL, CORTEX, .net = NET_OK},
        {"cortex fresh rules", C("fresh_rules.json"), C("fresh_rules.meta"), 200, "application/json", COMP_MIMIR,
         "rules", ST_OK, false, "1 rule group, 2 rules", NULL, CORTEX, .tenant = "fake"},
        {"cortex data rules", C("data_rules.json"), C("data_rules.meta"), 200, "application/json", COMP_MIMIR, "rules",
         ST_OK, false, "1 rule group, 2 rules", NULL, CORTEX, .tenant = "fake"},
        /* a firing alert is about the monitored systems: named, not a fault of the stack */
        {"cortex fresh alerts: AlwaysFiring", C("fresh_alerts.json"), C("fresh_alerts.meta"), 200, "application/json",
         COMP_MIMIR, "alerts", ST_OK, false, "1 alert firing: AlwaysFiring", NULL, CORTEX, .tenant = "fake"},
        {"cortex data alerts: AlwaysFiring", C("data_alerts.json"), C("data_alerts.meta"), 200, "application/json",
         COMP_MIMIR, "alerts", ST_OK, false, "1 alert firing: AlwaysFiring", NULL, CORTEX, .tenant = "fake"},
        /* the version Cortex does not give in build info is on /metrics */
        {"cortex fresh metrics", C("fresh_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_MIMIR, "metrics", ST_OK,
         false, "0 samples received since start", "1.19.1", CORTEX, .net = NET_OK},
        {"cortex data metrics", C("data_metrics_excerpt.txt"), NULL, 200, CT_METRICS, COMP_MIMIR, "metrics", ST_OK,
         false, "4864 samples received since start", "1.19.1", CORTEX, .net = NET_OK},

        /* ---- Prometheus 2.42.0 ---------------------------------------------------------------- */
        {"prometheus fresh ready", P("fresh_ready.txt"), P("fresh_ready.meta"), 200, "text/plain; charset=utf-8",
         COMP_PROMETHEUS, "ready", ST_OK, false, "ready", NULL, PROM, .net = NET_OK},
        {"prometheus data ready", P("data_ready.txt"), P("data_ready.meta"), 200, "text/plain; charset=utf-8",
         COMP_PROMETHEUS, "ready", ST_OK, false, "ready", NULL, PROM, .net = NET_OK},
        {"prometheus fresh ready under a route prefix", P("fresh_prefixed_ready.txt"), P("fresh_prefixed_ready.meta"),
         200, "text/plain; charset=utf-8", COMP_PROMETHEUS, "ready", ST_OK, false, "ready", NULL,
         "http://127.0.0.1:9091/prometheus", .net = NET_OK},
        {"prometheus data ready under a route prefix", P("data_prefixed_ready.txt"), P("data_prefixed_ready.meta"), 200,
         "text/plain; charset=utf-8", COMP_PROMETHEUS, "ready", ST_OK, false, "ready", NULL,
         "http://127.0.0.1:9091/prometheus", .net = NET_OK},
        {"prometheus fresh buildinfo", P("fresh_buildinfo.json"), P("fresh_buildinfo.meta"), 200, "application/json",
         COMP_PROMETHEUS, "buildinfo", ST_OK, false, "Prometheus 2.42.0+ds (", "2.42.0+ds", PROM, .net = NET_OK},
        {"prometheus data buildinfo", P("data_buildinfo.json"), P("data_buildinfo.meta"), 200, "application/json",
         COMP_PROMETHEUS, "buildinfo", ST_OK, false, "Prometheus 2.42.0+ds (", "2.42.0+ds", PROM, .net = NET_OK},
        {"prometheus fresh targets: not scraped yet", P("fresh_targets.json"), P("fresh_targets.meta"), 200,
         "application/json", COMP_PROMETHEUS, "targets", ST_OK, false, "0/3 targets up, 3 not scraped yet", NULL, PROM,
         .net = NET_OK},
        /* a scrape target is down: the monitoring has a gap, Prometheus itself is fine */
        {"prometheus data targets: one down", P("data_targets.json"), P("data_targets.meta"), 200, "application/json",
         COMP_PROMETHEUS, "targets", ST_WARN, false, "1/3 targets down: dead (127.0.0.1:9999): Get", NULL, PROM,
         .net = NET_OK},
        {"prometheus fresh query: nothing scraped yet", P("fresh_query_up.json"), P("fresh_query_up.meta"), 200,
         "application/json", COMP_PROMETHEUS, "query", ST_WARN, false, "nothing scraped or written recently", NULL,
         PROM, .net = NET_OK},
        {"prometheus data query", P("data_query_up.json"), P("data_query_up.meta"), 200, "application/json",
         COMP_PROMETHEUS, "query", ST_OK, false, "query \"up\": 3 series", NULL, PROM, .net = NET_OK},
        {"prometheus fresh rules", P("fresh_rules.json"), P("fresh_rules.meta"), 200, "application/json",
         COMP_PROMETHEUS, "rules", ST_OK, false, "2 rule groups, 2 rules", NULL, PROM, .net = NET_OK},
        {"prometheus data rules", P("data_rules.json"), P("data_rules.meta"), 200, "application/json", COMP_PROMETHEUS,
         "rules", ST_OK, false, "2 rule groups, 2 rules", NULL, PROM, .net = NET_OK},
        {"prometheus fresh alerts: AlwaysFiring", P("fresh_alerts.json"), P("fresh_alerts.meta"), 200,
         "application/json", COMP_PROMETHEUS, "alerts", ST_OK, false, "1 alert firing: AlwaysFiring", NULL, PROM,
         .net = NET_OK},
        {"prometheus data alerts: TargetDown, AlwaysFiring", P("data_alerts.json"), P("data_alerts.meta"), 200,
         "application/json", COMP_PROMETHEUS, "alerts", ST_OK, false, "2 alerts firing: TargetDown, AlwaysFiring", NULL,
         PROM, .net = NET_OK},
};

/* Tempo asks the v1 tag API when v2 answers 404 (the services check's follow-up). */
static void parse_services_v1(const struct http_response *r, const struct component_cfg *c, struct obs *o)
{
    tempo_parse_tag_values(r, c, false, flow_search_window_s(c), o);
}

static const struct check_def services_v1 = {.name = "services_v1", .parse = parse_services_v1};

struct meta {
    char url[1024];
    long status;
    char ctype[128];
};

/* "<url>\n<status> <content-type>\n" */
static void meta_read(const char *rel, struct meta *m)
{
    char *text = fixture_text(rel);
    char *nl = strchr(text, '\n');
    if (!nl)
        fail_msg("%s: no second line", rel);
    *nl = '\0';
    snprintf(m->url, sizeof(m->url), "%s", text);
    char *rest = nl + 1, *end = NULL;
    m->status = strtol(rest, &end, 10);
    if (end == rest)
        fail_msg("%s: no status on line 2", rel);
    while (*end == ' ')
        end++;
    size_t n = strcspn(end, "\r\n");
    snprintf(m->ctype, sizeof(m->ctype), "%.*s", (int)n, end);
    free(text);
}

static void run_row(void **state)
{
    const struct real_row *t = *state;
    char err[1024] = "";
    char rel[512];
    struct meta m = {"", 200, CT_METRICS};
    struct component_cfg c;
    ptc_cfg(&c, t->kind);
    c.url = (char *)t->base;
    c.tenant = (char *)t->tenant;
    c.prefix = (char *)t->prefix;
    const struct check_def *d =
            strcmp(t->check, "services_v1") == 0 ? &services_v1 : probe_check_find(t->kind, t->check);
    if (!d)
        fail_msg("%s: no check \"%s\"", t->label, t->check);
    if (t->meta) {
        snprintf(rel, sizeof(rel), "real/%s", t->meta);
        meta_read(rel, &m);
        if (m.status != t->http_status || strcmp(m.ctype, t->ctype) != 0)
            fail_msg("%s: the row says %ld \"%s\", the capture %ld \"%s\"", t->label, t->http_status, t->ctype,
                     m.status, m.ctype);
    } else {
        char *u = ptc_url(d, &c);
        snprintf(m.url, sizeof(m.url), "%s", u);
        free(u);
    }
    size_t len = 0;
    char *body = NULL;
    if (t->file) {
        snprintf(rel, sizeof(rel), "real/%s", t->file);
        body = fixture_load(rel, &len);
    } else {
        body = ptc_copy(NULL, &len);
    }
    struct http_response r;
    ptc_response(&r, body, len, m.status, m.url);
    r.content_type = m.ctype;
    if (m.status == 0) { /* no HTTP answer */
        r.err = t->net;
        r.err_text = t->net_text;
    }
    struct obs o;
    obs_init(&o);
    probe_run_parser(d, &r, &c, &o);

    PTC_EXPECT(o.status == t->want, "%s: status %s, want %s (summary \"%s\")", t->label, status_name(o.status),
               status_name(t->want), o.summary);
    PTC_EXPECT(o.skipped == t->skipped, "%s: skipped=%d, want %d (summary \"%s\")", t->label, o.skipped, t->skipped,
               o.summary);
    PTC_EXPECT(strstr(o.summary, t->want_sub), "%s: summary \"%s\" lacks \"%s\"", t->label, o.summary, t->want_sub);
    PTC_EXPECT(ptc_clean_line(o.summary), "%s: control character in summary \"%s\"", t->label, o.summary);
    PTC_EXPECT(!t->want_version || strcmp(o.version, t->want_version) == 0, "%s: version \"%s\", want \"%s\"", t->label,
               o.version, t->want_version);
    /* nothing a person would not trust: no FAIL that blames the server for a missing optional API */
    PTC_EXPECT(!(o.status == ST_FAIL && strstr(o.summary, "is this really")), "%s: \"%s\"", t->label, o.summary);
    obs_free(&o);
    free(body);
    if (err[0])
        fail_msg("%s", err);
}

/* ---- captures read by the canary and OTLP verdicts (pure functions, not a check table) ---- */

enum verdict_fn { V_WRITE, V_LOKI_READ, V_OTLP_HTTP };

struct verdict_row {
    const char *label;
    const char *file, *meta; /* under real/ */
    enum verdict_fn fn;
    enum canary_kind kind; /* V_WRITE */
    int want;              /* V_WRITE: 1 accepted / 0 refused; V_LOKI_READ: enum canary_read; V_OTLP_HTTP: status */
    const char *want_sub;  /* in why / the summary */
};

static const struct verdict_row verdict_rows[] = {
        /* Cortex compares the Content-Type exactly: with "; charset=utf-8" the write is refused */
        {"cortex fresh otlp write, charset in the content type", C("fresh_otlp_metrics_bad_ctype.txt"),
         C("fresh_otlp_metrics_bad_ctype.meta"), V_WRITE, CANARY_MIMIR, 0, "unsupported content type"},
        {"cortex data otlp write, charset in the content type", C("data_otlp_metrics_bad_ctype.txt"),
         C("data_otlp_metrics_bad_ctype.meta"), V_WRITE, CANARY_MIMIR, 0, "HTTP 400"},
        {"loki fresh push of bad JSON", L("fresh_push_bad_json.txt"), L("fresh_push_bad_json.meta"), V_WRITE,
         CANARY_LOKI, 0, "HTTP 400"},
        {"loki data push of bad JSON", L("data_push_bad_json.txt"), L("data_push_bad_json.meta"), V_WRITE, CANARY_LOKI,
         0, "PushRequest"},
        {"tempo fresh otlp write: partialSuccess {} is accepted", T("fresh_otlp_http_empty_post.json"),
         T("fresh_otlp_http_empty_post.meta"), V_WRITE, CANARY_TEMPO, 1, ""},
        {"tempo data otlp write: partialSuccess {} is accepted", T("data_otlp_http_empty_post.json"),
         T("data_otlp_http_empty_post.meta"), V_WRITE, CANARY_TEMPO, 1, ""},
        /* the canary's line is not among the results (yet): poll again, no error */
        {"loki fresh query_range: no streams", L("fresh_query_range.json"), L("fresh_query_range.meta"), V_LOKI_READ, 0,
         CANARY_NOT_YET, ""},
        {"loki data query_range: other lines only", L("data_query_range.json"), L("data_query_range.meta"), V_LOKI_READ,
         0, CANARY_NOT_YET, ""},
        /* lgtmtop POSTs an empty export to OTLP/HTTP: a real receiver answers 200 */
        {"tempo fresh otlp_http: the receiver answers", T("fresh_otlp_http_empty_post.json"),
         T("fresh_otlp_http_empty_post.meta"), V_OTLP_HTTP, 0, ST_OK, "127.0.0.1"},
        {"tempo data otlp_http: the receiver answers", T("data_otlp_http_empty_post.json"),
         T("data_otlp_http_empty_post.meta"), V_OTLP_HTTP, 0, ST_OK, "127.0.0.1"},
        /* a GET (what a person tries with curl) gets 405: something serves HTTP there, not OTLP for GET */
        {"tempo fresh otlp_http GET: 405", T("fresh_otlp_http_get.txt"), T("fresh_otlp_http_get.meta"), V_OTLP_HTTP, 0,
         ST_FAIL, "405"},
        {"tempo data otlp_http GET: 405", T("data_otlp_http_get.txt"), T("data_otlp_http_get.meta"), V_OTLP_HTTP, 0,
         ST_FAIL, "405"},
};

/* Captured for the record, read by no parser: lgtmtop does not ask these paths. */
static const char *const unread[] = {
        L("fresh_rules_prom.json"),
        L("fresh_rules_prom.meta"),
        L("data_rules_prom.json"),
        L("data_rules_prom.meta"),
        L("fresh_rules_yaml.txt"),
        L("fresh_rules_yaml.meta"),
        L("data_rules_yaml.txt"),
        L("data_rules_yaml.meta"),
        P("fresh_write_404.txt"),
        P("fresh_write_404.meta"),
        P("data_write_404.txt"),
        P("data_write_404.meta"),
        T("fresh_echo.txt"),
        T("fresh_echo.meta"),
        T("data_echo.txt"),
        T("data_echo.meta"),
        "alertmanager-0.25.0/fresh_alerts.json",
        "alertmanager-0.25.0/fresh_alerts.meta",
        "alertmanager-0.25.0/data_alerts.json",
        "alertmanager-0.25.0/data_alerts.meta",
        "alertmanager-0.25.0/fresh_ready.txt",
        "alertmanager-0.25.0/fresh_ready.meta",
        "alertmanager-0.25.0/data_ready.txt",
        "alertmanager-0.25.0/data_ready.meta",
        "alertmanager-0.25.0/fresh_status.json",
        "alertmanager-0.25.0/fresh_status.meta",
        "alertmanager-0.25.0/data_status.json",
        "alertmanager-0.25.0/data_status.meta",
};

static void run_verdict_row(void **state)
{
    const struct verdict_row *t = *state;
    char err[1024] = "", rel[512], why[512] = "";
    struct meta m = {"", 200, ""};
    snprintf(rel, sizeof(rel), "real/%s", t->meta);
    meta_read(rel, &m);
    snprintf(rel, sizeof(rel), "real/%s", t->file);
    size_t len = 0;
    char *body = fixture_load(rel, &len);
    struct http_response r;
    ptc_response(&r, body, len, m.status, m.url);
    r.content_type = m.ctype;
    struct component_cfg c;
    ptc_cfg(&c, t->fn == V_WRITE && t->kind == CANARY_MIMIR      ? COMP_MIMIR
                : t->fn == V_LOKI_READ || t->kind == CANARY_LOKI ? COMP_LOKI
                                                                 : COMP_TEMPO);
    c.url = (char *)"http://127.0.0.1:3100";
    if (t->fn == V_WRITE) {
        bool ok = canary_write_ok(t->kind, &r, &c, why, sizeof(why));
        PTC_EXPECT(ok == (t->want == 1), "%s: accepted=%d, want %d (why \"%s\")", t->label, ok, t->want, why);
        PTC_EXPECT(strstr(why, t->want_sub), "%s: why \"%s\" lacks \"%s\"", t->label, why, t->want_sub);
        PTC_EXPECT(ptc_clean_line(why), "%s: control character in \"%s\"", t->label, why);
    } else if (t->fn == V_LOKI_READ) {
        struct canary_id id;
        unsigned char rnd[20] = {1, 2, 3};
        canary_id_make(&id, 1796164179000LL, rnd);
        enum canary_read got = canary_parse_loki(&r, &c, &id, why, sizeof(why));
        PTC_EXPECT((int)got == t->want, "%s: read verdict %d, want %d (why \"%s\")", t->label, got, t->want, why);
    } else {
        struct otlp_result res = {
                .http = true, .endpoint = "http://127.0.0.1:4318", .resolved = true, .naddrs = 1, .timeout_ms = 5000};
        snprintf(res.addr[0].ip, sizeof(res.addr[0].ip), "127.0.0.1");
        res.addr[0].family = 4;
        res.addr[0].done = true;
        res.addr[0].status = m.status;
        text_oneline(res.addr[0].reason, sizeof(res.addr[0].reason), body, len);
        struct obs o;
        obs_init(&o);
        otlp_summarize(&res, &o);
        PTC_EXPECT(o.status == (enum status)t->want, "%s: status %s (summary \"%s\")", t->label, status_name(o.status),
                   o.summary);
        PTC_EXPECT(strstr(o.summary, t->want_sub), "%s: summary \"%s\" lacks \"%s\"", t->label, o.summary, t->want_sub);
        obs_free(&o);
    }
    free(body);
    if (err[0])
        fail_msg("%s", err);
}

static bool capture_listed(const char *rel)
{
    for (size_t k = 0; k < ARRAY_LEN(rows); k++)
        if ((rows[k].file && strcmp(rows[k].file, rel) == 0) || (rows[k].meta && strcmp(rows[k].meta, rel) == 0))
            return true;
    for (size_t k = 0; k < ARRAY_LEN(verdict_rows); k++)
        if (strcmp(verdict_rows[k].file, rel) == 0 || strcmp(verdict_rows[k].meta, rel) == 0)
            return true;
    for (size_t k = 0; k < ARRAY_LEN(unread); k++)
        if (strcmp(unread[k], rel) == 0)
            return true;
    return false;
}

/* Every copied capture is some row's file or meta (a new capture needs a row). */
static void every_capture_has_a_row(void **state)
{
    (void)state;
    static const char *const dirs[] = {"tempo-2.7.2", "loki-3.4.6", "cortex-1.19.1", "prometheus-2.42.0",
                                       "alertmanager-0.25.0"};
    char listing[8192] = "";
    for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/real/%s", FIXTURES_DIR, dirs[i]);
        DIR *dir = opendir(path);
        if (!dir)
            fail_msg("cannot list %s", path);
        const struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            char rel[512];
            snprintf(rel, sizeof(rel), "%s/%s", dirs[i], e->d_name);
            bool found = capture_listed(rel);
            if (!found && strlen(listing) + strlen(rel) + 2 < sizeof(listing)) {
                strcat(listing, " ");
                strcat(listing, rel);
            }
        }
        closedir(dir);
    }
    if (listing[0])
        fail_msg("captures without a row:%s", listing);
}

int main(void)
{
    struct CMUnitTest tests[ARRAY_LEN(rows) + ARRAY_LEN(verdict_rows) + 1];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        struct CMUnitTest t = {rows[i].label, run_row, NULL, NULL, (void *)(uintptr_t)&rows[i]};
        tests[n++] = t;
    }
    for (size_t i = 0; i < ARRAY_LEN(verdict_rows); i++) {
        struct CMUnitTest t = {verdict_rows[i].label, run_verdict_row, NULL, NULL, (void *)(uintptr_t)&verdict_rows[i]};
        tests[n++] = t;
    }
    struct CMUnitTest last = cmocka_unit_test(every_capture_has_a_row);
    tests[n++] = last;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
