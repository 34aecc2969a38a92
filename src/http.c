/* http: names of transport outcomes (JSON "error" field, diagnosis). */
#include "lgtmtop/http.h"

const char *net_err_name(enum net_err e)
{
    static const char *const names[] = {
            [NET_OK] = "ok",
            [NET_REFUSED] = "refused",
            [NET_DNS] = "dns",
            [NET_TIMEOUT] = "timeout",
            [NET_TLS] = "tls",
            [NET_TOO_BIG] = "too_big",
            [NET_REDIRECTS] = "redirects",
            [NET_PROTOCOL] = "protocol",
            [NET_OTHER] = "other",
            [NET_CANCELLED] = "cancelled",
            [NET_DNS_TIMEOUT] = "dns_timeout",
    };
    return (unsigned)e < sizeof(names) / sizeof(names[0]) && names[e] ? names[e] : "other";
}
