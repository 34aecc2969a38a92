/* Every single-response parser of every component kind: the whole input is the body (so real
 * responses are seeds as they are) and a hash of it picks the check, the HTTP status, the
 * Content-Type and the credentials. What a parser writes for the user (summary, detail,
 * version) is clean. */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz.h"
#include "lgtmtop/config.h"
#include "lgtmtop/obs.h"
#include "lgtmtop/probe.h"

static const struct check_def *pick(unsigned n, enum comp_kind *kind)
{
    size_t total = 0;
    for (int k = 0; k < COMP_KIND_COUNT; k++) {
        const struct probe_kind *pk = probe_kind_get((enum comp_kind)k);
        if (k == COMP_CHECKS || !pk)
            continue; /* custom checks need their definitions (fuzz_config covers those) */
        for (size_t i = 0; i < pk->nchecks; i++)
            total += pk->checks[i].parse && !pk->checks[i].multi;
    }
    if (!total)
        return NULL;
    n %= (unsigned)total;
    for (int k = 0; k < COMP_KIND_COUNT; k++) {
        const struct probe_kind *pk = probe_kind_get((enum comp_kind)k);
        if (k == COMP_CHECKS || !pk)
            continue;
        for (size_t i = 0; i < pk->nchecks; i++) {
            if (!pk->checks[i].parse || pk->checks[i].multi)
                continue;
            if (n-- == 0) {
                *kind = (enum comp_kind)k;
                return &pk->checks[i];
            }
        }
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    unsigned sel = h & 0xFF, mode = (h >> 8) & 0xFF;
    enum comp_kind kind = COMP_MIMIR;
    const struct check_def *d = pick(sel, &kind);
    if (!d)
        return 0;
    static const long statuses[] = {200, 200, 200, 200, 204, 301, 400, 401, 403, 404, 429, 500, 502, 503, 0, 200};
    static const char *const types[] = {"application/json", "text/plain; version=0.0.4", "text/html", ""};
    struct component_cfg c;
    config_component_init(&c, kind);
    c.url = (char *)"http://fuzz:1";
    if (mode & 0x40)
        c.tenant = (char *)"t1";
    if (mode & 0x80)
        c.token = (char *)"tok";
    struct http_response r;
    memset(&r, 0, sizeof(r));
    r.status = statuses[mode & 15];
    r.err = r.status ? NET_OK : NET_PROTOCOL;
    r.err_text = r.status ? "" : "transfer closed with outstanding read data remaining";
    /* an exactly-sized body plus the NUL the engine guarantees */
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    r.body = body;
    r.body_len = size;
    r.content_type = types[(mode >> 4) & 3];
    r.url = "http://fuzz:1/path";
    r.timeout_ms = 5000;
    r.max_body = 8u << 20;
    r.primary_ip = "127.0.0.1";
    r.addresses = "";
    struct obs o;
    obs_init(&o);
    probe_run_parser(d, &r, &c, &o);
    fuzz_assert_clean("summary", o.summary, false);
    fuzz_assert_clean("detail", o.detail, true);
    fuzz_assert_clean("version", o.version, false);
    if (o.data) {
        char *j = cJSON_PrintUnformatted(o.data);
        cJSON_free(j);
    }
    obs_free(&o);
    free(body);
    free(c.prefix);
    free(c.query);
    return 0;
}
