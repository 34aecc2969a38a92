/* request: deep copies of a struct request (engine.h), for requests that wait in a queue while
 * the strings their submitter lent them go away. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/engine.h"
#include "lgtmtop/util.h"

/* Every string a request points to, except the body (it has a length). */
static const size_t string_fields[] = {
        offsetof(struct request, url),
        offsetof(struct request, method),
        offsetof(struct request, content_type),
        offsetof(struct request, tenant),
        offsetof(struct request, bearer),
        offsetof(struct request, basic_user),
        offsetof(struct request, basic_password),
        offsetof(struct request, ca_file),
        offsetof(struct request, connect_ip),
};

#if UINTPTR_MAX == 0xffffffffffffffffu
/* A new field in struct request must be looked at here: a pointer joins string_fields (or the
 * copy would point into freed memory on the queued path only), a value needs nothing. */
_Static_assert(sizeof(struct request) == 128, "struct request changed: update string_fields in request.c");
#endif

static const char **field(struct request *rq, size_t off) { return (const char **)(void *)((char *)rq + off); }

struct request *request_dup(const struct request *in)
{
    struct request *rq = xmalloc(sizeof(*rq));
    *rq = *in;
    for (size_t i = 0; i < ARRAY_LEN(string_fields); i++) {
        const char **p = field(rq, string_fields[i]);
        if (*p)
            *p = xstrdup(*p);
    }
    if (in->body) {
        char *b = xmalloc(in->body_len + 1);
        memcpy(b, in->body, in->body_len);
        b[in->body_len] = '\0';
        rq->body = b;
    }
    return rq;
}

void request_free(struct request *rq)
{
    if (!rq)
        return;
    for (size_t i = 0; i < ARRAY_LEN(string_fields); i++)
        free((void *)*field(rq, string_fields[i]));
    free((void *)rq->body);
    free(rq);
}
