/* serve: the exporter's loop (serve.h). One thread: engine_run polls curl's sockets and the HTTP
 * daemon's epoll fd together, MHD_run answers whatever is ready, and sweeps start on a deadline.
 * What the endpoints serve is a snapshot taken when a sweep completes (and at a reload), so a
 * request costs a copy of finished text, and every answer describes one complete sweep. */
#include "lgtmtop/serve.h"

#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lgtmtop/engine.h"
#include "lgtmtop/metrics.h"
#include "lgtmtop/page.h"
#include "lgtmtop/report.h"
#include "lgtmtop/state.h"
#include "lgtmtop/sweep.h"
#include "lgtmtop/util.h"
#include "lgtmtop/verdict.h"
#include "lgtmtop/webconfig.h"

#define SERVE_MAX_CONNECTIONS 64           /* at once; more wait in the listen backlog */
#define SERVE_CONNECTION_TIMEOUT_S 10      /* an idle or slow client is dropped after this */
#define SERVE_REQUEST_MEMORY (32u * 1024u) /* per connection: request line and headers */
#define SERVE_IDLE_MS 1000

/* What the endpoints answer: text rendered from the state at the end of a sweep (owned). */
struct snapshot {
    char *metrics;
    char *status;
    char *page;
};

struct server {
    const struct cli *cli;
    struct config *cfg; /* the caller's; a reload replaces its contents */
    cli_load_fn load;
    struct config next; /* a loaded config waiting for the running sweep to end */
    bool has_next;
    struct state s;
    struct engine *e;
    struct MHD_Daemon *d;
    bool sweeping, ready;
    long long next_sweep;             /* monotonic */
    long long sweep_mono, sweep_wall; /* when the running sweep started */
    long last_sweep_ms;               /* the last complete sweep */
    long long last_start_wall, last_end_wall;
    bool reload_ok;
    long long reload_wall;
    char reload_error[512];   /* the last failed reload's message, "" after a good one */
    struct web_config web;    /* --web.config.file; empty without */
    char *tls_cert, *tls_key; /* PEM text read at start (TLS is not reloaded) */
    struct snapshot snap;
};

static volatile sig_atomic_t got_stop, got_hup;
static struct engine *sig_engine;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_stop = sig;
    if (sig_engine)
        engine_wakeup(sig_engine);
    errno = saved;
}

static void snapshot_free(struct snapshot *snap)
{
    free(snap->metrics);
    free(snap->status);
    free(snap->page);
    memset(snap, 0, sizeof *snap);
}

static void take_snapshot(struct server *sv)
{
    long long mono = now_mono_ms(), wall = now_wall_ms();
    verdict_update(&sv->s, 0); /* findings over the sweep's results, as check --json */
    struct metrics_meta mm = {
            .now_mono_ms = mono,
            .now_wall_ms = wall,
            .ready = sv->ready,
            .last_sweep_ms = sv->last_sweep_ms,
            .last_sweep_wall_ms = sv->last_end_wall,
            .reload_ok = sv->reload_ok,
            .reload_wall_ms = sv->reload_wall,
    };
    struct report_meta rm = {
            .time_unix_ms = sv->last_start_wall ? sv->last_start_wall : wall,
            .duration_ms = sv->last_sweep_ms,
            .sweep_ms = sv->last_sweep_ms,
            .sweeps = sv->s.sweeps,
            .config_path = sv->cfg->path,
            .now_mono_ms = mono,
            .now_wall_ms = wall,
    };
    struct page_meta pm = {
            .now_mono_ms = mono,
            .now_wall_ms = wall,
            .ready = sv->ready,
            .sweep_wall_ms = sv->last_start_wall,
            .sweep_ms = sv->last_sweep_ms,
            .config_path = sv->cfg->path,
            .reload_error = sv->reload_ok ? NULL : sv->reload_error,
    };
    snapshot_free(&sv->snap);
    sv->snap.metrics = metrics_text(&sv->s, &mm);
    sv->snap.status = report_json(&sv->s, &rm);
    sv->snap.page = page_html(&sv->s, &pm);
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned code, const char *type, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (code == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"lgtmtop\", charset=\"UTF-8\"");
    /* Nothing served runs a script or loads anything: the page is one self-contained document. */
    MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

#define TEXT "text/plain; charset=utf-8"

/* Called by MHD_run for each request: first with the headers (noted in *req_cls), then until
 * the body is read (a GET's body is skipped), then once more to answer from the snapshot. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    struct server *sv = cls;
    (void)version;
    (void)upload_data;
    static int headers_seen;
    if (!web_config_authorized(&sv->web,
                               MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION)))
        return respond(conn, MHD_HTTP_UNAUTHORIZED, TEXT, "unauthorized: this lgtmtop needs a user and password\n");
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED, TEXT, "method not allowed: use GET\n"); /* body unread */
    if (!*req_cls) {
        *req_cls = &headers_seen;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/") == 0)
        return respond(conn, MHD_HTTP_OK, "text/html; charset=utf-8", sv->snap.page);
    if (strcmp(url, "/metrics") == 0)
        return respond(conn, MHD_HTTP_OK, METRICS_CONTENT_TYPE, sv->snap.metrics);
    if (strcmp(url, "/api/v1/status") == 0)
        return respond(conn, MHD_HTTP_OK, "application/json", sv->snap.status);
    if (strcmp(url, "/-/healthy") == 0)
        return respond(conn, MHD_HTTP_OK, TEXT, "lgtmtop is Healthy.\n");
    if (strcmp(url, "/-/ready") == 0)
        return sv->ready ? respond(conn, MHD_HTTP_OK, TEXT, "lgtmtop is Ready.\n")
                         : respond(conn, MHD_HTTP_SERVICE_UNAVAILABLE, TEXT,
                                   "lgtmtop is not ready: the first sweep is still running.\n");
    return respond(conn, MHD_HTTP_NOT_FOUND, TEXT,
                   "not found: lgtmtop serves /, /metrics, /api/v1/status, /-/healthy and /-/ready\n");
}

/* "http://127.0.0.1:9689" of a bound socket (https with TLS). */
static void socket_url(int fd, bool tls, char *out, size_t outlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    bool v6 = strchr(host, ':') != NULL;
    snprintf(out, outlen, "http%s://%s%s%s:%s", tls ? "s" : "", v6 ? "[" : "", host, v6 ? "]" : "", port);
}

/* A listening socket on host:port ("" host: every address, IPv6 and IPv4 where possible).
 * Name lookup happens here, once, before the loop. -1 with a message in err. */
static int open_listener(const char *host, const char *port, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = *host ? AF_UNSPEC : AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (rc != 0 && !*host) { /* no IPv6: every IPv4 address */
        hints.ai_family = AF_INET;
        rc = getaddrinfo(NULL, port, &hints, &res);
    }
    if (rc != 0) {
        snprintf(err, errlen, "--listen %s:%s: %s", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int one = 1, zero = 0;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (ai->ai_family == AF_INET6 && !*host)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s:%s: %s", *host ? host : "*", port, strerror(last_errno));
    return fd;
}

static void start_sweep(struct server *sv, long long now)
{
    sv->sweeping = true;
    sv->sweep_mono = now;
    sv->sweep_wall = now_wall_ms();
    sv->next_sweep = now + sv->s.interval_ms;
    sweep_start(sv->e, &sv->s, sv->cfg);
}

static void finish_sweep(struct server *sv)
{
    long long now = now_mono_ms();
    sv->sweeping = false;
    sv->s.sweeps++;
    sv->last_sweep_ms = (long)(now - sv->sweep_mono);
    sv->last_start_wall = sv->sweep_wall;
    sv->last_end_wall = now_wall_ms();
    if (!sv->ready) {
        char took[16];
        struct status_counts n;
        verdict_update(&sv->s, 0);
        n = state_counts(&sv->s);
        fprintf(stderr, "lgtmtop: first sweep done in %s: %d OK, %d WARN, %d FAIL; ready\n",
                duration_format(sv->last_sweep_ms, took, sizeof took), n.ok, n.warn, n.fail);
    }
    sv->ready = true;
    take_snapshot(sv);
    if (sv->next_sweep < now)
        sv->next_sweep = now; /* the sweep took longer than the interval: the next starts now */
}

/* SIGHUP: load the config now, so a bad one is reported at once; a good one replaces the old
 * at the end of the running sweep (nothing is in flight then, no callback points into the old
 * state). */
static void reload(struct server *sv)
{
    char err[512];
    if (sv->has_next) {
        config_free(&sv->next);
        sv->has_next = false;
    }
    memset(&sv->next, 0, sizeof sv->next);
    struct web_config web;
    if (sv->cli->web_config && web_config_load(sv->cli->web_config, &web, err, sizeof err) == 0) {
        web_config_free(&sv->web); /* users change at once; TLS files are read at start only */
        sv->web = web;
    } else if (sv->cli->web_config) {
        sv->reload_ok = false;
        snprintf(sv->reload_error, sizeof sv->reload_error, "%s", err);
        fprintf(stderr, "lgtmtop: reload failed, keeping the running web config: %s\n", err);
        take_snapshot(sv);
        return;
    }
    if (sv->load(sv->cli, &sv->next, err, sizeof err)) {
        config_free(&sv->next);
        sv->reload_ok = false;
        snprintf(sv->reload_error, sizeof sv->reload_error, "%s", err);
        fprintf(stderr, "lgtmtop: reload failed, keeping the running config: %s\n", err);
        take_snapshot(sv);
        return;
    }
    sv->has_next = true;
}

static void apply_reload(struct server *sv)
{
    unsigned long sweeps = sv->s.sweeps;
    state_free(&sv->s);
    config_free(sv->cfg);
    *sv->cfg = sv->next;
    memset(&sv->next, 0, sizeof sv->next);
    sv->has_next = false;
    if (state_init(&sv->s, sv->cfg, sv->cli->stack, &sweep_checks))
        fatal("reload: no stack named '%s'", sv->cli->stack); /* load_config checked it */
    sv->s.sweeps = sweeps;
    engine_set_max_inflight(sv->e, sv->cfg->max_in_flight);
    sv->reload_ok = true;
    sv->reload_wall = now_wall_ms();
    sv->next_sweep = now_mono_ms(); /* sweep the new config now; the old snapshot serves until then */
    fprintf(stderr, "lgtmtop: config reloaded%s%s\n", sv->cfg->path ? " from " : "",
            sv->cfg->path ? sv->cfg->path : "");
}

static void loop(struct server *sv)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_EPOLL_FD);
    int epfd = info ? info->epoll_fd : -1;
    sv->next_sweep = now_mono_ms();
    while (!got_stop) {
        if (got_hup) {
            got_hup = 0;
            reload(sv);
        }
        long long now = now_mono_ms();
        if (!sv->sweeping && sv->has_next)
            apply_reload(sv);
        if (!sv->sweeping && now >= sv->next_sweep)
            start_sweep(sv, now);
        long timeout = SERVE_IDLE_MS;
        if (!sv->sweeping && sv->next_sweep - now < timeout)
            timeout = (long)(sv->next_sweep - now);
        MHD_UNSIGNED_LONG_LONG mhd_ms;
        if (MHD_get_timeout(sv->d, &mhd_ms) == MHD_YES && mhd_ms < (MHD_UNSIGNED_LONG_LONG)timeout)
            timeout = (long)mhd_ms;
        engine_run(sv->e, epfd, timeout < 0 ? 0 : timeout);
        MHD_run(sv->d);
        if (sv->sweeping && !sweep_busy(sv->e))
            finish_sweep(sv);
    }
}

/* A PEM file's text, NULL with a message in err. */
static char *read_pem(const char *path, const char *what, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read the TLS %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    struct buf b;
    buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 1024 * 1024)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b);
}

/* The daemon on fd: plain HTTP, or HTTPS with the web config's certificate. */
static struct MHD_Daemon *start_daemon(struct server *sv, int fd)
{
    if (sv->tls_cert)
        return MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_TLS, 0, NULL, NULL, answer, sv, MHD_OPTION_LISTEN_SOCKET, fd,
                                MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_MAX_CONNECTIONS,
                                MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_CONNECTION_TIMEOUT_S,
                                MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_REQUEST_MEMORY,
                                MHD_OPTION_HTTPS_MEM_CERT, sv->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, sv->tls_key,
                                MHD_OPTION_END);
    return MHD_start_daemon(MHD_USE_EPOLL, 0, NULL, NULL, answer, sv, MHD_OPTION_LISTEN_SOCKET, fd,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_MAX_CONNECTIONS,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_CONNECTION_TIMEOUT_S,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_REQUEST_MEMORY, MHD_OPTION_END);
}

static void server_free(struct server *sv)
{
    if (sv->has_next)
        config_free(&sv->next);
    state_free(&sv->s);
    snapshot_free(&sv->snap);
    web_config_free(&sv->web);
    free(sv->tls_cert);
    free(sv->tls_key);
}

int serve_run(const struct cli *cli, struct config *cfg, cli_load_fn load)
{
    char err[512], url[128];
    const char *host = cli->listen_host, *port = cli->listen_port;
    int fd = open_listener(host, port, err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "lgtmtop: %s\n", err);
        return EXIT_UNKNOWN;
    }
    struct server sv;
    memset(&sv, 0, sizeof sv);
    sv.cli = cli;
    sv.cfg = cfg;
    sv.load = load;
    sv.reload_ok = true;
    sv.reload_wall = now_wall_ms();
    const char *fail = NULL;
    if (cli->web_config && web_config_load(cli->web_config, &sv.web, err, sizeof err))
        fail = err;
    if (!fail && sv.web.cert_file &&
        (!(sv.tls_cert = read_pem(sv.web.cert_file, "certificate", err, sizeof err)) ||
         !(sv.tls_key = read_pem(sv.web.key_file, "key", err, sizeof err))))
        fail = err;
    if (!fail && state_init(&sv.s, cfg, cli->stack, &sweep_checks)) {
        snprintf(err, sizeof err, "no stack named '%s' in %s", cli->stack, cfg->path ? cfg->path : "the config");
        fail = err;
    }
    if (!fail && !(sv.d = start_daemon(&sv, fd))) {
        snprintf(err, sizeof err, "cannot start the HTTP server%s",
                 sv.tls_cert ? " (is the TLS key the certificate's, and unencrypted PEM?)" : "");
        fail = err;
    }
    if (fail) {
        fprintf(stderr, "lgtmtop: %s\n", fail);
        server_free(&sv);
        close(fd);
        return EXIT_UNKNOWN;
    }
    sv.e = engine_new();
    engine_set_max_inflight(sv.e, cfg->max_in_flight);
    take_snapshot(&sv);

    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    got_stop = got_hup = 0;
    sig_engine = sv.e;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    size_t nchecks = 0;
    STATE_FOR_EACH_COMP (&sv.s, st, c)
        nchecks += c->nchecks;
    char every[16];
    socket_url(fd, sv.tls_cert != NULL, url, sizeof url);
    fprintf(stderr, "lgtmtop: serving %s/ (metrics at /metrics%s): %zu stack%s, %zu checks every %s\n", url,
            web_config_has_auth(&sv.web) ? ", basic auth" : "", sv.s.nstacks, sv.s.nstacks == 1 ? "" : "s", nchecks,
            duration_format(sv.s.interval_ms, every, sizeof every));

    loop(&sv);

    fprintf(stderr, "lgtmtop: stopping (%s)\n", got_stop == SIGINT ? "SIGINT" : "SIGTERM");
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sig_engine = NULL;
    MHD_stop_daemon(sv.d);
    engine_free(sv.e); /* cancels what is in flight: its callbacks still see the state */
    server_free(&sv);
    return 0;
}
