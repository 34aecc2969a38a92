/* http: what the engine hands to a probe parser. Plain data, no libcurl types. */
#ifndef LGTMTOP_HTTP_H
#define LGTMTOP_HTTP_H

#include <stddef.h>

/* Transport outcome, classified so messages and diagnosis can say what happened. */
enum net_err {
    NET_OK = 0,    /* an HTTP response arrived (any status code) */
    NET_REFUSED,   /* connection refused / no route / reset before any response */
    NET_DNS,       /* name did not resolve */
    NET_TIMEOUT,   /* connect or total timeout */
    NET_TLS,       /* certificate or handshake failure */
    NET_TOO_BIG,   /* body exceeded the cap; the transfer was aborted */
    NET_REDIRECTS, /* more than the allowed redirects, or to a non-http(s) scheme */
    NET_PROTOCOL,  /* malformed HTTP, truncated body (server closed early), empty reply */
    NET_OTHER,
    NET_CANCELLED,   /* the engine shut down with the request in flight */
    NET_DNS_TIMEOUT, /* the timeout hit while the name lookup was still unfinished: the DNS
                        server does not answer (timeout_ms is then the lookup's limit) */
};

struct timings {
    long dns_us, connect_us, tls_us, first_byte_us, total_us; /* cumulative from start, libcurl style */
};

struct http_response {
    enum net_err err;
    const char *err_text; /* libcurl's message when err != NET_OK, else "" */
    long status;          /* HTTP status, 0 when no response */
    const char *body;     /* NUL-terminated (the NUL is not counted); never NULL */
    size_t body_len;
    const char *content_type; /* "" when absent */
    const char *url;          /* the request URL, credentials already redacted */
    long timeout_ms;          /* the limits in force, for messages */
    size_t max_body;
    size_t body_budget; /* NET_TOO_BIG from the process-wide body budget: its size (else 0) */
    struct timings t;
    const char *primary_ip; /* the address connected to ("" if none); see engine.h */
    const char *addresses;  /* resolve_only requests: the host's addresses, space-separated
                                  in resolver order; "" otherwise */
};

/* err_text of a NET_PROTOCOL response whose header line was over libcurl's limit
 * (CURL_MAX_HTTP_HEADER). */
#define NET_TEXT_HEADER_TOO_BIG "a response header is larger than libcurl's limit (100 KiB)"

const char *net_err_name(enum net_err e); /* "refused", "dns", "timeout", "dns_timeout", ... */

#endif
