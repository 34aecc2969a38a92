/* floor: the least a one-thread libcurl client can spend on a sweep, as a column of the scale
 * benchmark. It fetches every URL of a file (one per line) with libcurl's multi socket interface
 * on epoll, every transfer in flight at once, bodies discarded, nothing parsed, nothing reported
 * but a count: no config, no state, no checks. Transfers are spread over multi handles of 256,
 * as lgtmtop's engine does, so libcurl 7.x's walks of its connection cache stay short.
 * Usage: floor URLS-FILE   (exit 0 when every answer was 2xx, 1 otherwise)
 * Build: cc -O2 -std=c11 -o floor bench/floor.c $(pkg-config --cflags --libs libcurl) */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>

#define PER_MULTI 256

struct multi {
    CURLM *m;
    long long due_ms; /* libcurl's timer; -1 = none */
};

static int epfd;
static struct multi *multis;
static size_t nmultis;
static int *fd_multi;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *ud, void *sp)
{
    (void)e;
    (void)sp;
    struct epoll_event ev = {.data.fd = s};
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, s, NULL);
        return 0;
    }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, s, &ev) != 0)
        epoll_ctl(epfd, EPOLL_CTL_ADD, s, &ev);
    fd_multi[s] = (int)((struct multi *)ud - multis);
    return 0;
}

static int on_timer(CURLM *m, long ms, void *ud)
{
    (void)m;
    ((struct multi *)ud)->due_ms = ms < 0 ? -1 : now_ms() + ms;
    return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor URLS-FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fd_multi = calloc(rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur, sizeof(*fd_multi));
    curl_global_init(CURL_GLOBAL_DEFAULT);
    epfd = epoll_create1(0);
    char line[2048];
    size_t n = 0, cap = 0;
    CURL **easy = NULL;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            easy = realloc(easy, cap * sizeof(*easy));
        }
        CURL *c = curl_easy_init();
        curl_easy_setopt(c, CURLOPT_URL, line);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        easy[n++] = c;
    }
    fclose(f);
    nmultis = (n + PER_MULTI - 1) / PER_MULTI;
    multis = calloc(nmultis ? nmultis : 1, sizeof(*multis));
    for (size_t i = 0; i < nmultis; i++) {
        multis[i].m = curl_multi_init();
        multis[i].due_ms = -1;
        curl_multi_setopt(multis[i].m, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(multis[i].m, CURLMOPT_SOCKETDATA, &multis[i]);
        curl_multi_setopt(multis[i].m, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(multis[i].m, CURLMOPT_TIMERDATA, &multis[i]);
        curl_multi_setopt(multis[i].m, CURLMOPT_MAXCONNECTS, (long)PER_MULTI);
    }
    for (size_t i = 0; i < n; i++)
        curl_multi_add_handle(multis[i / PER_MULTI].m, easy[i]);
    size_t done = 0, bad = 0;
    while (done < n) {
        long long next = -1, now = now_ms();
        for (size_t i = 0; i < nmultis; i++) {
            int running;
            if (multis[i].due_ms >= 0 && multis[i].due_ms <= now) {
                multis[i].due_ms = -1;
                curl_multi_socket_action(multis[i].m, CURL_SOCKET_TIMEOUT, 0, &running);
            }
            if (multis[i].due_ms >= 0 && (next < 0 || multis[i].due_ms < next))
                next = multis[i].due_ms;
        }
        struct epoll_event ev[1024];
        int k = epoll_wait(epfd, ev, 1024, next < 0 ? 1000 : (int)(next > now ? next - now : 0));
        for (int i = 0; i < k; i++) {
            int flags = (ev[i].events & (EPOLLIN | EPOLLHUP) ? CURL_CSELECT_IN : 0) |
                        (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                        (ev[i].events & EPOLLERR ? CURL_CSELECT_ERR : 0);
            int running;
            curl_multi_socket_action(multis[fd_multi[ev[i].data.fd]].m, ev[i].data.fd, flags, &running);
        }
        for (size_t i = 0; i < nmultis; i++) {
            CURLMsg *msg;
            int left;
            while ((msg = curl_multi_info_read(multis[i].m, &left)))
                if (msg->msg == CURLMSG_DONE) {
                    long code = 0;
                    curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &code);
                    if (msg->data.result != CURLE_OK || code < 200 || code > 299)
                        bad++;
                    done++;
                }
        }
    }
    for (size_t i = 0; i < n; i++) {
        curl_multi_remove_handle(multis[i / PER_MULTI].m, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    for (size_t i = 0; i < nmultis; i++)
        curl_multi_cleanup(multis[i].m);
    fprintf(stderr, "%zu transfers, %zu not 2xx\n", n, bad);
    return bad ? 1 : 0;
}
