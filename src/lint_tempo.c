/* lint_tempo: a Tempo configuration. Since Tempo 2.7 (OpenTelemetry collector v0.116) a receiver
 * protocol without an endpoint listens on localhost only, so spans from another host or
 * container are refused: each receiver's endpoint is read, and one left out or bound to
 * 127.0.0.1 / localhost gets the fix (0.0.0.0:PORT). The metrics-generator's remote-write URL is
 * reported, and flagged when no Prometheus-type datasource of the repo reads from that host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

/* Receivers and their protocols with the port the collector uses. */
static const struct {
    const char *path; /* under distributor.receivers */
    const char *name;
    int port;
} protocols[] = {
        {"otlp.protocols.grpc", "OTLP gRPC", 4317},
        {"otlp.protocols.http", "OTLP HTTP", 4318},
        {"jaeger.protocols.grpc", "Jaeger gRPC", 14250},
        {"jaeger.protocols.thrift_http", "Jaeger Thrift HTTP", 14268},
        {"jaeger.protocols.thrift_compact", "Jaeger Thrift compact", 6831},
        {"jaeger.protocols.thrift_binary", "Jaeger Thrift binary", 6832},
        {"zipkin", "Zipkin", 9411},
        {"opencensus", "OpenCensus", 55678},
};

static bool local_host(const char *ep)
{
    static const char *const hosts[] = {"127.", "localhost:", "[::1]:", "::1:"};
    if (strcmp(ep, "localhost") == 0)
        return true;
    for (size_t i = 0; i < ARRAY_LEN(hosts); i++)
        if (str_starts_with(ep, hosts[i]))
            return true;
    return false;
}

/* The key node of `key` in map, for the line of a block written as "grpc:" with nothing under it. */
static yaml_node_t *key_node(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, key) == 0)
            return k;
    }
    return NULL;
}

static bool has_key_at(yaml_document_t *doc, yaml_node_t *root, const char *path, yaml_node_t **keyn)
{
    const char *dot = strrchr(path, '.');
    yaml_node_t *parent = root;
    char *head = NULL;
    if (dot) {
        head = xstrndup(path, (size_t)(dot - path));
        parent = ly_at(doc, root, head);
    }
    *keyn = key_node(doc, parent, dot ? dot + 1 : path);
    free(head);
    return *keyn != NULL;
}

static void check_receivers(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *root)
{
    yaml_node_t *recv = ly_at(doc, root, "distributor.receivers");
    if (!recv) {
        if (ly_at(doc, root, "storage.trace"))
            lint_add(r, f, 0, LINT_NOTE, "no-receivers", NULL,
                     "no distributor.receivers: this Tempo accepts no spans (fine for a querier or compactor only)");
        return;
    }
    for (size_t i = 0; i < ARRAY_LEN(protocols); i++) {
        yaml_node_t *keyn;
        if (!has_key_at(doc, recv, protocols[i].path, &keyn))
            continue;
        yaml_node_t *block = ly_at(doc, recv, protocols[i].path);
        yaml_node_t *epn = ly_get(doc, block, "endpoint");
        const char *ep = ly_str(epn);
        char *path = xasprintf("distributor.receivers.%s", protocols[i].path);
        char where[64];
        snprintf(where, sizeof(where), "receiver %s", protocols[i].name);
        if (!ep) {
            lint_set_path(lint_add(r, f, ly_line(keyn), LINT_WARNING, "receiver-localhost", where,
                                   "no endpoint: since Tempo 2.7 it listens on localhost only and spans from other "
                                   "hosts or containers are refused — set endpoint: \"0.0.0.0:%d\"",
                                   protocols[i].port),
                          path);
        } else if (local_host(ep)) {
            const char *colon = strrchr(ep, ':');
            int port = colon && colon[1] ? atoi(colon + 1) : 0;
            lint_set_path(lint_add(r, f, ly_line(epn), LINT_WARNING, "receiver-localhost", where,
                                   "endpoint \"%s\" accepts spans from this host only — use \"0.0.0.0:%d\" for other "
                                   "hosts or containers",
                                   ep, port > 0 ? port : protocols[i].port),
                          path);
        } else if (strchr(ep, '$')) {
            lint_set_path(lint_add(r, f, ly_line(epn), LINT_NOTE, "receiver-variable", where,
                                   "endpoint \"%s\" is set from the environment (tempo -config.expand-env=true)", ep),
                          path);
        }
        free(path);
    }
}

static bool is_prom_type(const char *t) { return t && strcmp(t, "prometheus") == 0; }

static void check_remote_write(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *root)
{
    yaml_node_t *mg = ly_get(doc, root, "metrics_generator");
    if (!mg)
        return;
    yaml_node_t *rw = ly_at(doc, mg, "storage.remote_write");
    if (!rw || rw->type != YAML_SEQUENCE_NODE || rw->data.sequence.items.top == rw->data.sequence.items.start) {
        lint_set_path(lint_add(r, f, ly_line(mg), LINT_WARNING, "generator-without-remote-write", "metrics-generator",
                               "no storage.remote_write: span metrics and the service graph are written nowhere"),
                      "metrics_generator.storage.remote_write");
        return;
    }
    size_t i = 0;
    LY_SEQ_EACH(doc, rw, it)
    {
        yaml_node_t *un = ly_get(doc, LY_ITEM(doc, it), "url");
        const char *url = ly_str(un);
        char path[80];
        snprintf(path, sizeof(path), "metrics_generator.storage.remote_write[%zu].url", i++);
        if (!url) {
            lint_set_path(lint_add(r, f, ly_line(LY_ITEM(doc, it)), LINT_ERROR, "remote-write-without-url",
                                   "metrics-generator", "a remote_write entry without url"),
                          path);
            continue;
        }
        char *shown = url_redact(url);
        char hp[256], dhp[256];
        url_hostport(url, hp, sizeof(hp));
        bool any_prom = false, match = false;
        for (size_t d = 0; d < r->nds; d++) {
            if (!is_prom_type(r->ds[d].type) || !r->ds[d].url)
                continue;
            any_prom = true;
            url_hostport(r->ds[d].url, dhp, sizeof(dhp));
            match = match || strcmp(hp, dhp) == 0;
        }
        if (strchr(url, '$'))
            lint_set_path(lint_add(r, f, ly_line(un), LINT_NOTE, "remote-write", "metrics-generator",
                                   "writes span metrics to %s (from the environment)", shown),
                          path);
        else if (any_prom && !match)
            lint_set_path(lint_add(r, f, ly_line(un), LINT_WARNING, "remote-write-unread", "metrics-generator",
                                   "writes span metrics to %s, but no Prometheus datasource of this repo reads from "
                                   "%s: the service graph and span metrics land where Grafana does not look",
                                   shown, hp),
                          path);
        else
            lint_set_path(lint_add(r, f, ly_line(un), LINT_NOTE, "remote-write", "metrics-generator",
                                   "writes span metrics to %s", shown),
                          path);
        free(shown);
    }
}

void lint_tempo_check(struct lint_run *r, struct lint_file *f)
{
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_node_t *root = ly_root(f, k);
        if (!root)
            continue;
        check_receivers(r, f, &f->docs[k], root);
        check_remote_write(r, f, &f->docs[k], root);
    }
}
