/* engine: libcurl multi in one thread, on the socket interface (epoll), so each wakeup costs
 * what became ready, not what is in flight. Owns every easy handle and its buffers from submit
 * to completion. At most max_inflight transfers run; the rest wait in a FIFO queue with their
 * easy handle already set up (libcurl copies every string option, the engine owns the rest), so
 * a queued request needs nothing of the caller.
 *
 * Running transfers are spread over shards, each a multi handle with its own connection and DNS
 * caches, filled in order (a new transfer goes to the first shard with room): libcurl 7.x walks
 * every connection to a host when a transfer looks for one to reuse, and every cached
 * connection when a transfer that kept one is removed, so one cache of thousands would make a
 * large sweep quadratic. A small sweep stays in the first shard, and the same requests land in
 * the same shards sweep after sweep, which keeps their connections warm. */
#include "lgtmtop/engine.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lgtmtop/util.h"

#define DEFAULT_MAX_BODY (8u * 1024 * 1024)
/* Transfers per shard, and the idle connections each shard keeps between sweeps. */
#define SHARD_SIZE 256
#define SMALL_RECV_BUFFER 1024L
/* File descriptors kept for everything but sockets (config, terminal, logs). */
#define FD_RESERVE 64
#define EVENTS_PER_WAKE 1024

struct shard;

struct xfer {
    CURL *easy;          /* from start to completion */
    struct request *rq;  /* owned copy, from submit until the transfer starts */
    struct shard *shard; /* running in this shard; NULL while queued */
    struct curl_slist *headers;
    struct buf body;
    size_t max_body;
    bool too_big;
    bool over_budget;   /* stopped by the process-wide body budget */
    size_t charged;     /* bytes of body_used this transfer holds (its buffer's capacity) */
    char *content_type; /* copied from the response headers */
    char *url_redacted;
    char *post;                    /* owned copy of the request body */
    struct curl_slist *connect_to; /* connect_ip as a CURLOPT_CONNECT_TO entry */
    bool resolve_only;
    struct buf addrs; /* resolve_only: addresses seen, space-separated */
    char primary_ip[64];
    long timeout_ms;
    long lookup_timeout_ms; /* the limit on the name lookup: connect timeout, capped by total */
    engine_done_fn cb;
    void *ud;
    char errbuf[CURL_ERROR_SIZE];
    struct xfer *prev, *next; /* running list (both links) or the queue (next only) */
};

struct timer {
    long long due_ms;
    engine_timer_fn cb;
    void *ud;
    struct timer *next; /* sorted by due_ms */
};

struct done_msg {
    CURL *easy;
    CURLcode rc;
};

struct shard {
    struct engine *e;
    CURLM *multi;
    int idx;
    size_t nrunning;
    long long due_ms; /* libcurl's timer for this shard; -1 = none */
};

struct engine {
    struct shard **shards; /* created as needed, never freed before engine_free */
    size_t nshards;
    int epfd, wakefd;
    int *fd_shard; /* fd -> index of the shard that watches it, -1 = none */
    size_t fd_cap;
    struct xfer *running; /* added to a shard */
    size_t nrunning;
    struct xfer *queue, *queue_tail; /* submitted, waiting for a slot, oldest first */
    size_t nqueued;
    size_t max_inflight;
    bool closing;          /* engine_free: submits are queued and cancelled */
    struct done_msg *done; /* drain's scratch array */
    size_t done_cap;
    struct timer *timers;
    size_t ntimers;
};

static bool curl_ready;
static size_t fd_budget; /* transfers the open-file limit allows */

/* Each transfer holds a socket (two more while a name lookup runs), so the soft open-file limit
 * is raised to the hard one once, and bounds how many run at once. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        fd_budget = 256;
        return;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = {rl.rlim_max, rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &want) == 0)
            rl.rlim_cur = rl.rlim_max;
    }
    rlim_t n = rl.rlim_cur == RLIM_INFINITY ? 1u << 20 : rl.rlim_cur;
    fd_budget = n > 2 * FD_RESERVE ? (size_t)(n - FD_RESERVE) / 2 : 16;
}

size_t engine_inflight_cap(void)
{
    if (!fd_budget)
        raise_fd_limit();
    return fd_budget;
}

static int *fd_slot(struct engine *e, curl_socket_t s)
{
    size_t i = (size_t)s;
    if (i >= e->fd_cap) {
        size_t cap = e->fd_cap ? e->fd_cap : 1024;
        while (cap <= i)
            cap *= 2;
        e->fd_shard = xrealloc(e->fd_shard, cap * sizeof(*e->fd_shard));
        for (size_t k = e->fd_cap; k < cap; k++)
            e->fd_shard[k] = -1;
        e->fd_cap = cap;
    }
    return &e->fd_shard[i];
}

/* libcurl says which socket of a shard to watch for what. A socket is always removed before it
 * is closed, but its number can come back in another shard: the table says whose it is. */
static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct shard *sh = userp;
    struct engine *e = sh->e;
    (void)easy;
    (void)socketp;
    if (s < 0)
        return 0;
    int *owner = fd_slot(e, s);
    if (what == CURL_POLL_REMOVE) {
        if (*owner == sh->idx) {
            epoll_ctl(e->epfd, EPOLL_CTL_DEL, s, NULL);
            *owner = -1;
        }
        return 0;
    }
    struct epoll_event ev = {.events = 0, .data.fd = s};
    if (what & CURL_POLL_IN)
        ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
        ev.events |= EPOLLOUT;
    if (*owner < 0 && epoll_ctl(e->epfd, EPOLL_CTL_ADD, s, &ev) == 0) {
        *owner = sh->idx;
        return 0;
    }
    if (epoll_ctl(e->epfd, EPOLL_CTL_MOD, s, &ev) != 0 && errno == ENOENT)
        epoll_ctl(e->epfd, EPOLL_CTL_ADD, s, &ev);
    *owner = sh->idx;
    return 0;
}

static int on_curl_timer(CURLM *m, long timeout_ms, void *userp)
{
    struct shard *sh = userp;
    (void)m;
    sh->due_ms = timeout_ms < 0 ? -1 : now_mono_ms() + timeout_ms;
    return 0;
}

static struct shard *shard_new(struct engine *e)
{
    struct shard *sh = xcalloc(1, sizeof(*sh));
    sh->e = e;
    sh->idx = (int)e->nshards;
    sh->due_ms = -1;
    sh->multi = curl_multi_init();
    if (!sh->multi)
        fatal("cannot create a libcurl multi handle");
    curl_multi_setopt(sh->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(sh->multi, CURLMOPT_SOCKETDATA, sh);
    curl_multi_setopt(sh->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(sh->multi, CURLMOPT_TIMERDATA, sh);
    /* As many idle connections as the shard runs transfers: a finished transfer then never has
     * to search the pool for one to close, and every endpoint's stays warm between sweeps. */
    curl_multi_setopt(sh->multi, CURLMOPT_MAXCONNECTS, (long)SHARD_SIZE);
    e->shards = xrealloc(e->shards, (e->nshards + 1) * sizeof(*e->shards));
    e->shards[e->nshards++] = sh;
    return sh;
}

/* The process-wide body budget: the capacity of every body buffer alive, against the limit. */
static size_t body_budget = ENGINE_DEFAULT_BODY_BUDGET;
static size_t body_used;

void engine_set_body_budget(size_t bytes) { body_budget = bytes ? bytes : ENGINE_DEFAULT_BODY_BUDGET; }
size_t engine_body_bytes(void) { return body_used; }

struct engine *engine_new(void)
{
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            fatal("cannot initialise libcurl");
        curl_ready = true;
    }
    engine_inflight_cap();
    struct engine *e = xcalloc(1, sizeof(*e));
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    e->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (e->epfd < 0 || e->wakefd < 0)
        fatal("cannot create the event loop: %s", strerror(errno));
    shard_new(e);
    engine_set_max_inflight(e, 0);
    return e;
}

/* The first shard with room, within as many shards as max_inflight needs. */
static struct shard *pick_shard(struct engine *e)
{
    size_t want = (e->max_inflight + SHARD_SIZE - 1) / SHARD_SIZE;
    for (size_t i = 0; i < e->nshards; i++)
        if (e->shards[i]->nrunning < SHARD_SIZE || i + 1 >= want)
            return e->shards[i];
    return shard_new(e);
}

static void setup(struct engine *e, struct xfer *x);

static void start(struct engine *e, struct xfer *x)
{
    x->prev = NULL;
    x->next = e->running;
    if (e->running)
        e->running->prev = x;
    e->running = x;
    e->nrunning++;
    setup(e, x);
    x->shard = pick_shard(e);
    x->shard->nrunning++;
    /* libcurl starts the request's timeout clock here, when it is really sent, not at submit */
    CURLMcode mc = curl_multi_add_handle(x->shard->multi, x->easy);
    if (mc != CURLM_OK)
        fatal("libcurl: %s", curl_multi_strerror(mc));
}

static void unlink_running(struct engine *e, struct xfer *x)
{
    if (x->prev)
        x->prev->next = x->next;
    else
        e->running = x->next;
    if (x->next)
        x->next->prev = x->prev;
    x->prev = x->next = NULL;
    e->nrunning--;
    curl_multi_remove_handle(x->shard->multi, x->easy);
    x->shard->nrunning--;
    x->shard = NULL;
}

static struct xfer *dequeue(struct engine *e)
{
    struct xfer *x = e->queue;
    if (x) {
        e->queue = x->next;
        if (!e->queue)
            e->queue_tail = NULL;
        x->next = NULL;
        e->nqueued--;
    }
    return x;
}

/* Starts queued requests while there are free slots. */
static void pump(struct engine *e)
{
    while (!e->closing && e->queue && e->nrunning < e->max_inflight)
        start(e, dequeue(e));
}

void engine_set_max_inflight(struct engine *e, size_t n)
{
    e->max_inflight = n > 0 ? n : ENGINE_DEFAULT_MAX_INFLIGHT;
    if (e->max_inflight > fd_budget)
        e->max_inflight = fd_budget;
    pump(e);
}

size_t engine_max_inflight(const struct engine *e) { return e->max_inflight; }

static void xfer_free(struct xfer *x)
{
    if (x->easy)
        curl_easy_cleanup(x->easy);
    request_free(x->rq);
    curl_slist_free_all(x->headers);
    curl_slist_free_all(x->connect_to);
    buf_free(&x->body);
    body_used -= x->charged;
    buf_free(&x->addrs);
    free(x->content_type);
    free(x->url_redacted);
    free(x->post);
    free(x);
}

void engine_free(struct engine *e)
{
    if (!e)
        return;
    /* Transfers still in flight (a hung server at quit) and queued ones are cancelled: their
     * callbacks run with NET_CANCELLED so owners can release what they hold. A callback that
     * submits again gets its request queued and cancelled in turn. Removing a handle never
     * waits for a name lookup (CURLOPT_QUICK_EXIT). */
    e->closing = true;
    while (e->running || e->queue) {
        struct xfer *x;
        if (e->running) {
            x = e->running;
            unlink_running(e, x);
        } else {
            x = dequeue(e);
        }
        struct http_response r;
        memset(&r, 0, sizeof(r));
        r.err = NET_CANCELLED;
        r.err_text = "cancelled";
        r.body = "";
        r.content_type = "";
        r.url = x->url_redacted;
        r.timeout_ms = x->timeout_ms;
        r.max_body = x->max_body;
        r.primary_ip = "";
        r.addresses = "";
        x->cb(x->ud, &r);
        xfer_free(x);
    }
    while (e->timers) {
        struct timer *t = e->timers;
        e->timers = t->next;
        t->cb(t->ud, false);
        free(t);
    }
    for (size_t i = 0; i < e->nshards; i++) { /* closes the idle connections */
        curl_multi_cleanup(e->shards[i]->multi);
        free(e->shards[i]);
    }
    free(e->shards);
    close(e->epfd);
    close(e->wakefd);
    free(e->fd_shard);
    free(e->done);
    free(e);
}

void engine_timer(struct engine *e, long delay_ms, engine_timer_fn cb, void *ud)
{
    struct timer *t = xcalloc(1, sizeof(*t));
    t->due_ms = now_mono_ms() + (delay_ms > 0 ? delay_ms : 0);
    t->cb = cb;
    t->ud = ud;
    struct timer **pp = &e->timers;
    while (*pp && (*pp)->due_ms <= t->due_ms)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    e->ntimers++;
}

size_t engine_timers(const struct engine *e) { return e->ntimers; }

/* Fires due timers; returns how many. A callback may add timers or transfers. */
static int fire_timers(struct engine *e)
{
    int n = 0;
    long long now = now_mono_ms();
    while (e->timers && e->timers->due_ms <= now) {
        struct timer *t = e->timers;
        e->timers = t->next;
        e->ntimers--;
        t->cb(t->ud, true);
        free(t);
        n++;
    }
    return n;
}

size_t engine_inflight(const struct engine *e) { return e->nrunning + e->nqueued; }

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    if (x->body.len + len > x->max_body) {
        x->too_big = true;
        return 0; /* aborts the transfer: memory stays bounded */
    }
    size_t need = x->body.len + len + 1;
    if (need > x->body.cap) {
        /* Grow by doubling, never past max_body, and charge the budget first. The first
         * buffer fits the first chunk (at least 256 bytes): most answers are a few hundred
         * bytes, and thousands of transfers in flight each holding 4 KiB was a sixth of the
         * peak RSS of a large sweep. */
        size_t cap = x->body.cap ? x->body.cap : 256;
        while (cap < need)
            cap *= 2;
        if (cap > x->max_body + 1)
            cap = x->max_body + 1;
        size_t more = cap - x->body.cap;
        if (body_used + more > body_budget) {
            x->too_big = x->over_budget = true;
            return 0;
        }
        body_used += more;
        x->charged += more;
        buf_reserve(&x->body, cap);
    }
    buf_append(&x->body, p, len);
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    static const char name[] = "content-type:";
    if (len > sizeof(name) - 1 && strncasecmp(p, name, sizeof(name) - 1) == 0) {
        const char *v = p + sizeof(name) - 1;
        size_t vl = len - (sizeof(name) - 1);
        while (vl && (*v == ' ' || *v == '\t'))
            v++, vl--;
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
            vl--;
        free(x->content_type);
        x->content_type = xstrndup(v, vl);
    } else if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        /* A new response (after a redirect): forget the previous one's headers and body. */
        free(x->content_type);
        x->content_type = NULL;
        buf_reset(&x->body);
    }
    return len;
}

/* resolve_only: records each address curl would connect to and refuses the socket, so curl
 * moves on to the next address until the list (both families) is exhausted. */
static curl_socket_t on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct xfer *x = ud;
    char ip[INET6_ADDRSTRLEN] = "";
    (void)purpose;
    if (a->family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr, ip, sizeof(ip));
    else if (a->family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr, ip, sizeof(ip));
    if (ip[0]) {
        char pad[INET6_ADDRSTRLEN + 2];
        snprintf(pad, sizeof(pad), " %s ", ip);
        if (!x->addrs.data || !strstr(x->addrs.data, pad)) { /* each address once */
            if (!x->addrs.len)
                buf_putc(&x->addrs, ' ');
            buf_puts(&x->addrs, ip);
            buf_putc(&x->addrs, ' ');
        }
    }
    return CURL_SOCKET_BAD;
}

static void add_header(struct xfer *x, const char *name, const char *value)
{
    char *h = xasprintf("%s: %s", name, value);
    struct curl_slist *l = curl_slist_append(x->headers, h);
    free(h);
    if (!l)
        fatal("out of memory (header list)");
    x->headers = l;
}

/* Creates the easy handle of a request about to start, from its copy (then freed): a queued
 * request holds only the copy, not libcurl's per-handle state. */
static void setup(struct engine *e, struct xfer *x)
{
    struct request *rq = x->rq;
    CURL *c = curl_easy_init();
    if (!c)
        fatal("cannot create a libcurl easy handle");
    x->easy = c;
    /* libcurl's receive buffer is allocated per transfer: its default 16 KiB for the first
     * shard (big /metrics pages read in fewer calls), libcurl's minimum of 1 KiB beyond, so
     * thousands of transfers in flight take little memory each (2 MiB less than 2 KiB buffers
     * at 1000 stacks). */
    if (e->nrunning > SHARD_SIZE)
        curl_easy_setopt(c, CURLOPT_BUFFERSIZE, SMALL_RECV_BUFFER);
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_PRIVATE, x);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
    /* Cleaning up a handle whose name lookup is still running would otherwise join libcurl's
     * resolver thread, i.e. wait for a DNS server that may never answer: the sweep would
     * outlast its timeout and the live view freeze. The thread is left to finish alone. */
    curl_easy_setopt(c, CURLOPT_QUICK_EXIT, 1L);
#endif
    curl_easy_setopt(c, CURLOPT_USERAGENT, "lgtmtop/" LGTMTOP_VERSION);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, x->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, rq->connect_timeout_ms > 0 ? rq->connect_timeout_ms : x->timeout_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* gzip where offered: cheaper /metrics */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, rq->insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, rq->insecure ? 0L : 2L);
    if (rq->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, rq->ca_file);
    if (rq->tenant && *rq->tenant)
        add_header(x, "X-Scope-OrgID", rq->tenant);
    if (rq->bearer && *rq->bearer) {
        char *v = xasprintf("Bearer %s", rq->bearer);
        add_header(x, "Authorization", v);
        memset(v, 0, strlen(v));
        free(v);
    } else if (rq->basic_user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, rq->basic_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, rq->basic_password ? rq->basic_password : "");
    }
    if (rq->method && strcmp(rq->method, "GET") != 0) {
        if (strcmp(rq->method, "POST") == 0) {
            x->post = rq->body ? (char *)rq->body : xstrdup(""); /* taken from the copy */
            rq->body = NULL;
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->post);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
            /* An empty Expect avoids the 1 s "100-continue" stall on servers that ignore it. */
            add_header(x, "Expect", "");
        } else {
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
        }
        if (rq->content_type)
            add_header(x, "Content-Type", rq->content_type);
    }
    if (x->headers)
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, x->headers);
    if (rq->resolve_only || rq->connect_only || rq->connect_ip) {
        curl_easy_setopt(c, CURLOPT_PROXY, ""); /* probing the network path itself: */
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L); /* a new connection each time, */
        curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);  /* never a pooled one */
    }
    if (rq->resolve_only) {
        x->resolve_only = true;
        curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, x);
    } else if (rq->connect_only) {
        curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
    }
    if (rq->connect_ip && *rq->connect_ip) {
        bool v6 = strchr(rq->connect_ip, ':') != NULL;
        char *entry = xasprintf("::%s%s%s:", v6 ? "[" : "", rq->connect_ip, v6 ? "]" : "");
        x->connect_to = curl_slist_append(NULL, entry);
        free(entry);
        if (!x->connect_to)
            fatal("out of memory (connect_to)");
        curl_easy_setopt(c, CURLOPT_CONNECT_TO, x->connect_to);
    }

    request_free(rq);
    x->rq = NULL;
}

void engine_submit(struct engine *e, const struct request *rq, engine_done_fn cb, void *ud)
{
    struct xfer *x = xcalloc(1, sizeof(*x));
    buf_init(&x->body);
    buf_init(&x->addrs);
    x->rq = request_dup(rq);
    x->max_body = rq->max_body ? rq->max_body : DEFAULT_MAX_BODY;
    x->url_redacted = url_redact(rq->url);
    x->timeout_ms = rq->timeout_ms > 0 ? rq->timeout_ms : 5000;
    x->lookup_timeout_ms = rq->connect_timeout_ms > 0 && rq->connect_timeout_ms < x->timeout_ms ? rq->connect_timeout_ms
                                                                                                : x->timeout_ms;
    x->cb = cb;
    x->ud = ud;

    /* FIFO: a request starts now only when none waits before it. */
    if (!e->closing && !e->queue && e->nrunning < e->max_inflight) {
        start(e, x);
    } else {
        if (e->queue_tail)
            e->queue_tail->next = x;
        else
            e->queue = x;
        e->queue_tail = x;
        e->nqueued++;
    }
}

/* Maps libcurl's result to the transport classes users and diagnosis reason about. */
static enum net_err classify(CURLcode rc, bool too_big)
{
    static const struct {
        CURLcode code;
        enum net_err err;
    } map[] = {
        {CURLE_COULDNT_CONNECT, NET_REFUSED},
        {CURLE_COULDNT_RESOLVE_HOST, NET_DNS},
        {CURLE_COULDNT_RESOLVE_PROXY, NET_DNS},
        {CURLE_OPERATION_TIMEDOUT, NET_TIMEOUT},
        {CURLE_SSL_CONNECT_ERROR, NET_TLS},
        {CURLE_PEER_FAILED_VERIFICATION, NET_TLS},
        {CURLE_SSL_CERTPROBLEM, NET_TLS},
        {CURLE_SSL_CIPHER, NET_TLS},
        {CURLE_SSL_CACERT_BADFILE, NET_TLS},
        {CURLE_SSL_ISSUER_ERROR, NET_TLS},
        {CURLE_SSL_CRL_BADFILE, NET_TLS},
        {CURLE_FILESIZE_EXCEEDED, NET_TOO_BIG},
        {CURLE_TOO_MANY_REDIRECTS, NET_REDIRECTS},
        {CURLE_UNSUPPORTED_PROTOCOL, NET_REDIRECTS},
        {CURLE_PARTIAL_FILE, NET_PROTOCOL},
        {CURLE_GOT_NOTHING, NET_PROTOCOL},
        {CURLE_RECV_ERROR, NET_PROTOCOL},
        {CURLE_SEND_ERROR, NET_PROTOCOL},
        {CURLE_WEIRD_SERVER_REPLY, NET_PROTOCOL},
        {CURLE_BAD_CONTENT_ENCODING, NET_PROTOCOL},
        {CURLE_HTTP2, NET_PROTOCOL},
        {CURLE_HTTP2_STREAM, NET_PROTOCOL},
        {CURLE_OUT_OF_MEMORY, NET_PROTOCOL}, /* a header over CURL_MAX_HTTP_HEADER (finish) */
#if LIBCURL_VERSION_NUM >= 0x080600
        {CURLE_TOO_LARGE, NET_PROTOCOL},
#endif
    };
    if (rc == CURLE_OK)
        return NET_OK;
    if (too_big)
        return NET_TOO_BIG;
    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (map[i].code == rc)
            return map[i].err;
    return NET_OTHER;
}

static bool classify_too_large(CURLcode rc)
{
#if LIBCURL_VERSION_NUM >= 0x080600
    return rc == CURLE_TOO_LARGE;
#else
    (void)rc;
    return false;
#endif
}

static long info_us(CURL *c, CURLINFO what)
{
    curl_off_t v = 0;
    curl_easy_getinfo(c, what, &v);
    return (long)v;
}

/* A timeout while the name lookup was still running: libcurl sets the lookup time (at least
 * 1 us) only once it finished, and says "Resolving timed out" when it stopped in that state
 * (which also covers a lookup after a redirect, whose time adds to the first one's). */
static bool lookup_unfinished(CURL *c, const struct xfer *x)
{
    static const char resolving[] = "Resolving timed out";
    return info_us(c, CURLINFO_NAMELOOKUP_TIME_T) == 0 || strncmp(x->errbuf, resolving, sizeof(resolving) - 1) == 0;
}

static void finish(struct engine *e, CURL *c, CURLcode rc)
{
    struct xfer *x = NULL;
    curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&x);
    unlink_running(e, x);

    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.err = classify(rc, x->too_big);
    /* curl reports a reply that is not HTTP at all (SSH banner, raw TCP) as an unsupported
     * protocol: that is a bad response, not a redirect to another scheme. */
    if (rc == CURLE_UNSUPPORTED_PROTOCOL && strstr(x->errbuf, "HTTP/0.9"))
        r.err = NET_PROTOCOL;
    if (x->resolve_only && rc == CURLE_COULDNT_CONNECT && x->addrs.len)
        r.err = NET_OK; /* every address was refused on purpose: the list is the answer */
    r.timeout_ms = x->timeout_ms;
    if (rc == CURLE_OPERATION_TIMEDOUT && lookup_unfinished(c, x)) {
        r.err = NET_DNS_TIMEOUT;
        r.timeout_ms = x->lookup_timeout_ms; /* the connect timeout covers the lookup */
    }
    r.err_text = r.err == NET_OK ? "" : (x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    /* libcurl answers a header line over its limit with "Out of memory" (CURLE_TOO_LARGE from
     * 8.6): the server sent it, our memory is fine. */
    if (rc == CURLE_OUT_OF_MEMORY || classify_too_large(rc))
        r.err_text = NET_TEXT_HEADER_TOO_BIG;
    if (r.err == NET_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    if (r.err != NET_OK) /* a partial body is not a response */
        buf_reset(&x->body);
    r.body = x->body.data ? x->body.data : "";
    r.body_len = x->body.len;
    r.content_type = x->content_type ? x->content_type : "";
    r.url = x->url_redacted;
    r.max_body = x->max_body;
    r.body_budget = x->over_budget ? body_budget : 0;
    r.t.dns_us = info_us(c, CURLINFO_NAMELOOKUP_TIME_T);
    r.t.connect_us = info_us(c, CURLINFO_CONNECT_TIME_T);
    r.t.tls_us = info_us(c, CURLINFO_APPCONNECT_TIME_T);
    r.t.first_byte_us = info_us(c, CURLINFO_STARTTRANSFER_TIME_T);
    r.t.total_us = info_us(c, CURLINFO_TOTAL_TIME_T);
    char *ip = NULL;
    if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
        snprintf(x->primary_ip, sizeof(x->primary_ip), "%s", ip);
    r.primary_ip = x->primary_ip;
    if (x->addrs.len > 2) { /* " a b " -> "a b" */
        x->addrs.data[x->addrs.len - 1] = '\0';
        r.addresses = x->addrs.data + 1;
    } else {
        r.addresses = "";
    }
    x->cb(x->ud, &r);
    xfer_free(x);
}

/* Delivers finished transfers, then starts queued ones in the freed slots; returns how many
 * finished. Every message is read before any handle is removed (removing one searches the
 * messages still queued). */
static int drain(struct engine *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->nshards; i++) {
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(e->shards[i]->multi, &left)))
            if (m->msg == CURLMSG_DONE) {
                if (n == e->done_cap) {
                    e->done_cap = e->done_cap ? e->done_cap * 2 : 64;
                    e->done = xrealloc(e->done, e->done_cap * sizeof(*e->done));
                }
                e->done[n].easy = m->easy_handle;
                e->done[n].rc = m->data.result;
                n++;
            }
    }
    for (size_t i = 0; i < n; i++)
        finish(e, e->done[i].easy, e->done[i].rc);
    pump(e);
    return (int)n;
}

/* Runs libcurl's due timers (a transfer just added is due at once); returns the earliest one
 * still pending, -1 = none. */
static long long run_curl_timers(struct engine *e)
{
    long long next = -1;
    for (size_t i = 0; i < e->nshards; i++) {
        struct shard *sh = e->shards[i];
        if (sh->due_ms >= 0 && sh->due_ms <= now_mono_ms()) {
            int running;
            sh->due_ms = -1; /* the call sets the next one */
            curl_multi_socket_action(sh->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        if (sh->due_ms >= 0 && (next < 0 || sh->due_ms < next))
            next = sh->due_ms;
    }
    return next;
}

static void run_sockets(struct engine *e)
{
    struct epoll_event ev[EVENTS_PER_WAKE];
    int n = epoll_wait(e->epfd, ev, EVENTS_PER_WAKE, 0);
    for (int i = 0; i < n; i++) {
        int fd = ev[i].data.fd;
        if ((size_t)fd >= e->fd_cap || e->fd_shard[fd] < 0)
            continue; /* removed by an earlier event of this batch */
        int flags = 0;
        if (ev[i].events & (EPOLLIN | EPOLLHUP))
            flags |= CURL_CSELECT_IN;
        if (ev[i].events & EPOLLOUT)
            flags |= CURL_CSELECT_OUT;
        if (ev[i].events & EPOLLERR)
            flags |= CURL_CSELECT_ERR;
        int running;
        curl_multi_socket_action(e->shards[e->fd_shard[fd]]->multi, fd, flags, &running);
    }
}

int engine_run(struct engine *e, int extra_fd, long timeout_ms)
{
    run_curl_timers(e);
    /* Something finished: let the caller look at it before sleeping. */
    if (drain(e) + fire_timers(e) > 0)
        return 0;
    long long next = run_curl_timers(e); /* transfers pump() just started */
    /* That run may have finished transfers (libcurl ends one in a timer run, e.g. after its
     * last read): hand them over now, or the wait below would sleep its whole timeout with a
     * result pending and nothing left to wake it (seen as sweeps 1 s late). */
    if (drain(e) > 0)
        return 0;
    if (timeout_ms < 0)
        timeout_ms = 0;
    long long now = now_mono_ms();
    if (e->timers && e->timers->due_ms - now < timeout_ms)
        timeout_ms = e->timers->due_ms > now ? (long)(e->timers->due_ms - now) : 0;
    if (next >= 0 && next - now < timeout_ms)
        timeout_ms = next > now ? (long)(next - now) : 0;
    struct pollfd p[3] = {
            {.fd = e->epfd, .events = POLLIN}, {.fd = e->wakefd, .events = POLLIN}, {.fd = extra_fd, .events = POLLIN}};
    int np = extra_fd >= 0 ? 3 : 2;
    if (poll(p, (nfds_t)np, (int)timeout_ms) > 0) {
        if (p[0].revents)
            run_sockets(e);
        if (p[1].revents) {
            uint64_t v;
            if (read(e->wakefd, &v, sizeof(v)) < 0)
                v = 0; /* nothing to clear */
        }
    }
    run_curl_timers(e);
    drain(e);
    fire_timers(e);
    return (np == 3 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) ? 1 : 0;
}

/* Async-signal-safe: a write to the eventfd the loop polls. */
void engine_wakeup(struct engine *e)
{
    uint64_t one = 1;
    if (write(e->wakefd, &one, sizeof(one)) < 0)
        one = 0; /* already pending */
}
