/* rawfloor: the least any one-thread HTTP client can spend on a sweep, as a column of the scale
 * benchmark. No HTTP library: for every URL of a file (http://IPv4:PORT/path, one per line) it
 * opens a non-blocking TCP connection, writes a minimal GET with "Connection: close" once the
 * connection is up, reads the answer to its end and closes, all in flight at once on one epoll
 * loop. Nothing is parsed but the status line. What it costs is the kernel's TCP work (on
 * loopback, both ends of every connection) and a handful of system calls a request.
 * Usage: rawfloor URLS-FILE   (exit 0 when every answer was 2xx, 1 otherwise)
 * Build: cc -O2 -std=c11 -o rawfloor bench/rawfloor.c */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn {
    struct sockaddr_in addr;
    char req[512];
    size_t req_len;
    char head[16]; /* the first bytes of the answer: "HTTP/1.1 200" */
    size_t head_len;
    int fd;
    int sent;
};

static int start(int epfd, struct conn *c, size_t i)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    if (connect(c->fd, (struct sockaddr *)&c->addr, sizeof(c->addr)) != 0 && errno != EINPROGRESS)
        return -1;
    struct epoll_event ev = {.events = EPOLLOUT, .data.u64 = i};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rawfloor URLS-FILE\n");
        return 2;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    size_t n = 0, cap = 0;
    struct conn *cs = NULL;
    char line[1024];
    while (fgets(line, sizeof(line), f)) {
        char host[64], path[512];
        unsigned port;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (sscanf(line, "http://%63[0-9.]:%u%511s", host, &port, path) != 3) {
            fprintf(stderr, "rawfloor: not http://IPv4:PORT/path: %s\n", line);
            return 2;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            cs = realloc(cs, cap * sizeof(*cs));
            if (!cs)
                return 2;
        }
        struct conn *c = &cs[n++];
        memset(c, 0, sizeof(*c));
        c->addr.sin_family = AF_INET;
        c->addr.sin_port = htons((unsigned short)port);
        inet_pton(AF_INET, host, &c->addr.sin_addr);
        c->req_len = (size_t)snprintf(c->req, sizeof(c->req),
                                      "GET %s HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n", path, host, port);
    }
    fclose(f);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    size_t open = 0, ok = 0;
    for (size_t i = 0; i < n; i++) {
        if (start(epfd, &cs[i], i) != 0) {
            perror("rawfloor: connect");
            return 2;
        }
        open++;
    }
    struct epoll_event evs[256];
    char sink[16384];
    while (open > 0) {
        int k = epoll_wait(epfd, evs, 256, 60000);
        if (k <= 0)
            break;
        for (int j = 0; j < k; j++) {
            struct conn *c = &cs[evs[j].data.u64];
            if (!c->sent) {
                int err = 0;
                socklen_t el = sizeof(err);
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err || write(c->fd, c->req, c->req_len) != (ssize_t)c->req_len) {
                    close(c->fd), open--;
                    continue;
                }
                c->sent = 1;
                struct epoll_event ev = {.events = EPOLLIN, .data.u64 = evs[j].data.u64};
                epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            ssize_t r = read(c->fd, sink, sizeof(sink));
            if (r > 0 && c->head_len < sizeof(c->head)) {
                size_t take = sizeof(c->head) - c->head_len < (size_t)r ? sizeof(c->head) - c->head_len : (size_t)r;
                memcpy(c->head + c->head_len, sink, take);
                c->head_len += take;
            }
            if (r > 0 || (r < 0 && errno == EAGAIN))
                continue;
            close(c->fd); /* the end of the answer, or an error */
            open--;
            if (c->head_len >= 12 && memcmp(c->head, "HTTP/1.", 7) == 0 && c->head[9] == '2')
                ok++;
        }
    }
    printf("%zu transfers, %zu not 2xx\n", n, n - ok);
    free(cs);
    return ok == n ? 0 : 1;
}
