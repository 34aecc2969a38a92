/* config_yaml: the config file schema on top of libyaml's document API.
 *
 * One key table per mapping (top level, stack, component, basic_auth). A generic walker looks
 * each key up, reports an unknown one with the keys valid at that place and the likely typo, and
 * calls the row's setter on the value. The first error stops parsing; every error is one line:
 *   FILE:LINE: KEYPATH: what is wrong — how to fix it
 *
 * Two shapes are accepted:
 *   stacks: [ { name: prod, mimir: {...}, loki: ... }, ... ]
 *   mimir: {...}  loki: ...   (no stacks: key) — a convenience for a single stack, named "default".
 * A component value may be a plain string, taken as its url ("prometheus: http://prom:9090"). */
#include "lgtmtop/config.h"
#include "lgtmtop/custom_cfg.h"
#include "lgtmtop/util.h"
#include "lgtmtop/yaml_depth.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define KIND_BIT(k) (1u << (k))
#define KIND_ALL (KIND_BIT(COMP_KIND_COUNT) - 1)
#define MAX_BODY_MIN ((size_t)1 << 10)
#define MAX_BODY_MAX ((size_t)1 << 30)
#define MAX_IN_FLIGHT_MAX 10000L

enum cfgp_form { FORM_NONE, FORM_STACKS, FORM_TOPLEVEL };

struct cfgp {
    const char *file;
    yaml_document_t *doc;
    config_getenv_fn getenv_fn;
    void *ud;
    struct config *cfg;
    struct buf path;     /* key path of the value being handled: "stacks[0].mimir.url" */
    int key_line;        /* line of that value's key */
    enum cfgp_form form; /* stacks: list or top-level components, never both */
    int form_line;
    char *err;
    size_t errlen;
};

struct key_def;
typedef int (*key_set_fn)(struct cfgp *p, yaml_node_t *val, void *base, const struct key_def *kd);

struct key_def {
    const char *name;
    key_set_fn set;
    size_t off;     /* the field in base the setter writes */
    unsigned kinds; /* components the key applies to (KIND_BIT mask); 0 = all */
    long aux;       /* setter argument: required flag, minimum ms, line field offset, kind */
};

/* ---- errors ---- */

__attribute__((format(printf, 4, 0))) static int cfgp_verr(struct cfgp *p, int line, bool with_path, const char *fmt,
                                                           va_list ap)
{
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%s:%d: ", p->file, line);
    if (with_path && p->path.len)
        buf_printf(&b, "%s: ", p->path.data);
    buf_vprintf(&b, fmt, ap);
    if (p->err && p->errlen)
        text_oneline(p->err, p->errlen, b.data, b.len);
    buf_free(&b);
    return -1;
}

/* "FILE:LINE: KEYPATH: message"; returns -1. */
__attribute__((format(printf, 3, 4))) static int cfgp_err(struct cfgp *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfgp_verr(p, line, true, fmt, ap);
    va_end(ap);
    return -1;
}

/* "FILE:LINE: message", for messages that place the key path themselves. */
__attribute__((format(printf, 3, 4))) static int cfgp_err_plain(struct cfgp *p, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfgp_verr(p, line, false, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- key path ---- */

static size_t cfgp_path_push(struct cfgp *p, const char *key)
{
    size_t old = p->path.len;
    if (old)
        buf_putc(&p->path, '.');
    buf_puts(&p->path, key);
    return old;
}

static size_t cfgp_path_push_index(struct cfgp *p, size_t i)
{
    size_t old = p->path.len;
    buf_printf(&p->path, "[%zu]", i);
    return old;
}

static void cfgp_path_pop(struct cfgp *p, size_t old)
{
    p->path.len = old;
    p->path.data[old] = '\0';
}

/* ---- nodes and scalars ---- */

static int node_line(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

static const char *node_raw(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

static const char *node_what(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return "a single value";
    }
}

static bool node_is_null(const yaml_node_t *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    for (size_t i = 0; i < ARRAY_LEN(nulls); i++)
        if (strcmp(node_raw(n), nulls[i]) == 0)
            return true;
    return false;
}

static bool str_has_ctrl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < ' ' || *s == 0x7F)
            return true;
    return false;
}

static bool str_has_space(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7F)
            return true;
    return false;
}

/* The first variable named in "${NAME...}" in s, into out; false when there is none. */
static bool first_var(const char *s, char *out, size_t outlen)
{
    for (const char *p = strstr(s, "${"); p; p = strstr(p + 2, "${")) {
        size_t n = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
        if (n && !(p > s && p[-1] == '$')) { /* "$${X}" is literal text */
            snprintf(out, outlen, "%.*s", (int)n, p + 2);
            return true;
        }
    }
    return false;
}

/* A scalar's text after ${VAR} expansion (new string; "" for null); NULL after an error. */
static char *cfgp_text(struct cfgp *p, yaml_node_t *v, const char *expected)
{
    char ierr[256];
    if (v->type != YAML_SCALAR_NODE) {
        cfgp_err(p, node_line(v), "expected %s, got %s — write a single value here", expected, node_what(v));
        return NULL;
    }
    if (node_is_null(v))
        return xstrdup("");
    char *s = config_interpolate_at(node_raw(v), p->getenv_fn, p->ud, p->cfg, p->path.data, node_line(v), ierr,
                                    sizeof ierr);
    if (!s)
        cfgp_err(p, node_line(v), "%s", ierr);
    return s;
}

/* ---- setters: generic values ---- */

#define FIELD(base, kd, type) ((type *)(void *)((char *)(base) + (kd)->off))

/* A string; aux != 0: must not be empty. Empty optional strings stay NULL ("not set"). */
static int set_string(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char **dst = FIELD(base, kd, char *);
    char *s = cfgp_text(p, v, "a string");
    if (!s)
        return -1;
    int rc = 0;
    if (!*s && kd->aux)
        rc = cfgp_err(p, node_line(v), "is empty — write a value, or remove the key for the default");
    else if (str_has_ctrl(s))
        rc = cfgp_err(p, node_line(v), "contains a control character — write it on one line");
    if (rc < 0 || !*s) {
        free(s);
        return rc;
    }
    free(*dst);
    *dst = s;
    return 0;
}

/* A token or password: like a string, but its value never appears in a message. An empty
 * result of "${VAR}" is allowed (no credential is sent) but noted, since it is usually a typo. */
static int set_secret(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char **dst = FIELD(base, kd, char *);
    char var[128];
    char *s = cfgp_text(p, v, "a string");
    if (!s)
        return -1;
    if (str_has_ctrl(s)) {
        memset(s, 0, strlen(s));
        free(s);
        return cfgp_err(p, node_line(v), "contains a line break or control character — write it on one line");
    }
    if (!*s) {
        if (v->type == YAML_SCALAR_NODE && first_var(node_raw(v), var, sizeof var))
            config_add_warning(p->cfg, "%s:%d: %s is empty because %s is not set; no %s is sent", p->file, node_line(v),
                               p->path.data, var, kd->name);
        free(s);
        return 0;
    }
    free(*dst);
    *dst = s;
    return 0;
}

/* A file path; aux = offset of an int field that records the line (0: none). */
static int set_file(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char **dst = FIELD(base, kd, char *);
    char *s = cfgp_text(p, v, "a file path");
    if (!s)
        return -1;
    if (!*s || str_has_ctrl(s)) {
        const char *what = *s ? "contains a control character" : "is empty";
        free(s);
        return cfgp_err(p, node_line(v), "%s — write the path of the file, or remove the key", what);
    }
    free(*dst);
    *dst = s;
    if (kd->aux)
        *(int *)(void *)((char *)base + kd->aux) = node_line(v);
    return 0;
}

/* A duration in ms (long); aux = the minimum. */
static int set_duration(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char min[32];
    char *s = cfgp_text(p, v, "a duration");
    if (!s)
        return -1;
    long ms = duration_parse_ms(s);
    int rc = 0;
    if (ms < 0)
        rc = cfgp_err(p, node_line(v), "bad duration \"%s\" — use a number with a unit, like 500ms, 5s, 1m or 1m30s",
                      s);
    else if (ms < kd->aux)
        rc = cfgp_err(p, node_line(v), "%s is too short — use at least %s", s,
                      duration_format(kd->aux, min, sizeof min));
    else
        *FIELD(base, kd, long) = ms;
    free(s);
    return rc;
}

/* "8MiB", "512 KiB", "10MB", "1048576": bytes, or -1. */
static double size_parse(const char *s)
{
    static const struct {
        const char *unit;
        double mult;
    } units[] = {
            {"", 1},     {"B", 1},        {"KB", 1e3},        {"MB", 1e6},
            {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
    };
    size_t digits = strspn(s, "0123456789.");
    if (digits == 0 || strchr(s, '.') != strrchr(s, '.'))
        return -1;
    char *num = xstrndup(s, digits);
    double v = strtod(num, NULL);
    free(num);
    const char *u = s + digits + strspn(s + digits, " ");
    for (size_t i = 0; i < ARRAY_LEN(units); i++)
        if (strcasecmp(u, units[i].unit) == 0)
            return v * units[i].mult;
    return -1;
}

static int set_size(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char *s = cfgp_text(p, v, "a size");
    if (!s)
        return -1;
    double bytes = size_parse(s);
    int rc = 0;
    if (bytes < 0)
        rc = cfgp_err(p, node_line(v),
                      "bad size \"%s\" — write a number of bytes or use a unit, like 512KiB, 8MiB or 1GiB"
                      " (also B, KB, MB, GB)",
                      s);
    else if (bytes < (double)MAX_BODY_MIN || bytes > (double)MAX_BODY_MAX)
        rc = cfgp_err(p, node_line(v), "%s is %s — use between 1KiB and 1GiB", s,
                      bytes < (double)MAX_BODY_MIN ? "too small" : "too large");
    else
        *FIELD(base, kd, size_t) = (size_t)bytes;
    free(s);
    return rc;
}

/* A whole number (a size_t field) between 1 and kd->aux. */
static int set_count(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char *s = cfgp_text(p, v, "a number");
    if (!s)
        return -1;
    size_t digits = strspn(s, "0123456789");
    long n = digits && !s[digits] && digits < 10 ? strtol(s, NULL, 10) : -1;
    int rc = 0;
    if (n < 0)
        rc = cfgp_err(p, node_line(v), "bad number \"%s\" — write a whole number, like 256", s);
    else if (n < 1 || n > kd->aux)
        rc = cfgp_err(p, node_line(v), "%s is %s — use between 1 and %ld", s, n < 1 ? "too small" : "too large",
                      kd->aux);
    else
        *FIELD(base, kd, size_t) = (size_t)n;
    free(s);
    return rc;
}

static int set_bool(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    static const struct {
        const char *word;
        bool val;
    } words[] = {
            {"true", true}, {"yes", true}, {"on", true}, {"false", false}, {"no", false}, {"off", false},
    };
    char *s = cfgp_text(p, v, "true or false");
    if (!s)
        return -1;
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (strcasecmp(s, words[i].word) == 0) {
            *FIELD(base, kd, bool) = words[i].val;
            free(s);
            return 0;
        }
    int rc = cfgp_err(p, node_line(v), "bad boolean \"%s\" — write true or false", s);
    free(s);
    return rc;
}

/* ---- setters: URLs and endpoints ---- */

/* A base URL into *dst. Empty is an error when required, else leaves *dst unset. */
static int cfgp_take_url(struct cfgp *p, yaml_node_t *v, char **dst, bool required, const char *example)
{
    char var[128];
    char *s = cfgp_text(p, v, "a URL");
    if (!s)
        return -1;
    int line = node_line(v), rc = 0;
    if (!*s) {
        free(s);
        if (!required)
            return 0;
        if (!node_is_null(v) && first_var(node_raw(v), var, sizeof var)) {
            char *raw = url_redact(node_raw(v));
            rc = cfgp_err_plain(p, line, "%s is empty after expanding \"%s\" — set %s or write the URL", p->path.data,
                                raw, var);
            free(raw);
            return rc;
        }
        return cfgp_err(p, line, "is empty — write the URL, e.g. %s", example);
    }
    const char *why = config_check_url(s);
    if (why) {
        char *red = url_redact(s);
        rc = cfgp_err(p, line, "bad URL \"%s\": %s — write it like %s", red, why, example);
        free(red);
        free(s);
        return rc;
    }
    url_trim_slashes(s);
    free(*dst);
    *dst = s;
    return 0;
}

static int set_url(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    const struct component_cfg *c = base;
    char example[64];
    snprintf(example, sizeof example, "http://%s:%d", comp_kind_name(c->kind), comp_kind_default_port(c->kind));
    return cfgp_take_url(p, v, FIELD(base, kd, char *), true, example);
}

static int set_otlp_http(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    return cfgp_take_url(p, v, FIELD(base, kd, char *), false, "http://tempo:4318");
}

/* gRPC endpoints are host:port, without a scheme. */
static int set_otlp_grpc(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char **dst = FIELD(base, kd, char *);
    char *s = cfgp_text(p, v, "host:port");
    if (!s)
        return -1;
    if (!*s) {
        free(s);
        return 0;
    }
    const char *colon = strrchr(s, ':');
    bool ok = !strstr(s, "://") && !str_has_space(s) && colon && colon > s && colon[1] &&
              strspn(colon + 1, "0123456789") == strlen(colon + 1);
    if (!ok) {
        int rc =
                cfgp_err(p, node_line(v), "bad endpoint \"%s\" — write host:port without a scheme, like tempo:4317", s);
        free(s);
        return rc;
    }
    free(*dst);
    *dst = s;
    return 0;
}

/* Mimir's Prometheus API prefix: "/something" or "" for none; trailing slashes dropped. */
static int set_prefix(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char **dst = FIELD(base, kd, char *);
    char *s = cfgp_text(p, v, "a path");
    if (!s)
        return -1;
    if ((*s && *s != '/') || str_has_space(s)) {
        int rc = cfgp_err(p, node_line(v),
                          "bad prefix \"%s\" — it must start with \"/\" (like /prometheus) or be \"\" for none", s);
        free(s);
        return rc;
    }
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    free(*dst);
    *dst = s;
    return 0;
}

/* A datasource uid (deprecated_datasources): one word; NULL after an error. */
static char *cfgp_uid(struct cfgp *p, yaml_node_t *n)
{
    char *s = cfgp_text(p, n, "a datasource uid");
    if (!s)
        return NULL;
    if (!*s || str_has_space(s)) {
        cfgp_err(p, node_line(n),
                 "%s datasource uid \"%s\" — write old_uid: new_uid, like grafana_prometheus: grafana_mimir",
                 *s ? "bad" : "empty", s);
        free(s);
        return NULL;
    }
    return s;
}

/* deprecated_datasources: { old_uid: new_uid, ... } into pairs. */
static int set_uid_map(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct component_cfg *c = base;
    (void)kd;
    if (v->type != YAML_MAPPING_NODE)
        return cfgp_err(p, node_line(v),
                        "expected a mapping of old uid to new uid, got %s"
                        " — write deprecated_datasources: { grafana_prometheus: grafana_mimir }",
                        node_what(v));
    size_t n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
    c->deprecated_ds = xcalloc(2 * n + 1, sizeof(char *));
    for (yaml_node_pair_t *pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        yaml_node_t *val = yaml_document_get_node(p->doc, pr->value);
        char *old = cfgp_uid(p, k);
        if (!old)
            return -1;
        char *repl = cfgp_uid(p, val);
        if (!repl) {
            free(old);
            return -1;
        }
        size_t i = c->ndeprecated_ds;
        c->deprecated_ds[2 * i] = old;
        c->deprecated_ds[2 * i + 1] = repl;
        c->ndeprecated_ds++;
        if (strcmp(old, repl) == 0)
            return cfgp_err(p, node_line(k), "%s is mapped to itself — write the uid that replaces it", old);
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->deprecated_ds[2 * j], old) == 0)
                return cfgp_err(p, node_line(k), "%s is listed twice — keep one", old);
    }
    return 0;
}

/* A scalar or a sequence: the items to walk, a scalar counting as a list of one. false when v
 * is neither (the caller says what it expected). Use in place: `one` is the scalar's slot. */
struct node_items {
    yaml_node_item_t one, *start, *top;
};

static bool node_items(yaml_node_t *v, struct node_items *ni)
{
    ni->one = 0;
    ni->start = &ni->one;
    ni->top = &ni->one + 1;
    if (v->type == YAML_SEQUENCE_NODE) {
        ni->start = v->data.sequence.items.start;
        ni->top = v->data.sequence.items.top;
    }
    return v->type == YAML_SEQUENCE_NODE || v->type == YAML_SCALAR_NODE;
}

static yaml_node_t *node_item(struct cfgp *p, yaml_node_t *v, struct node_items *ni, yaml_node_item_t *it)
{
    return it == &ni->one ? v : yaml_document_get_node(p->doc, *it);
}

/* A list of names (expect_rule_groups); a single value is a list of one. */
static int set_name_list(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct component_cfg *c = base;
    struct node_items ni;
    (void)kd;
    if (!node_items(v, &ni))
        return cfgp_err(p, node_line(v),
                        "expected a list of rule group names, got %s"
                        " — write expect_rule_groups: [stack-health, slo]",
                        node_what(v));
    c->expect_rule_groups = xcalloc((size_t)(ni.top - ni.start) + 1, sizeof(char *));
    for (yaml_node_item_t *it = ni.start; it < ni.top; it++) {
        yaml_node_t *n = node_item(p, v, &ni, it);
        char *s = cfgp_text(p, n, "a rule group name");
        if (!s)
            return -1;
        if (!*s || str_has_ctrl(s)) {
            free(s);
            return cfgp_err(p, node_line(n), "%s rule group name — write the group's name as the ruler shows it",
                            n->type == YAML_SCALAR_NODE && node_is_null(n) ? "empty" : "bad");
        }
        for (size_t j = 0; j < c->nexpect_rule_groups; j++)
            if (strcmp(c->expect_rule_groups[j], s) == 0) {
                int rc = cfgp_err(p, node_line(n), "\"%s\" is listed twice — keep one", s);
                free(s);
                return rc;
            }
        c->expect_rule_groups[c->nexpect_rule_groups++] = s;
    }
    return 0;
}

/* ---- key tables ---- */

static int set_basic_auth(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_stack_component(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_top_component(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_stacks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_tristate(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_stack_checks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);
static int set_top_checks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd);

#define CO(f) offsetof(struct component_cfg, f)
enum {
    CK_URL,
    CK_PREFIX,
    CK_TENANT,
    CK_TOKEN,
    CK_TOKEN_FILE,
    CK_BASIC_AUTH,
    CK_QUERY,
    CK_TIMEOUT,
    CK_CONNECT_TIMEOUT,
    CK_INSECURE,
    CK_CA_FILE,
    CK_OTLP_HTTP,
    CK_OTLP_GRPC,
    CK_SEARCH_WINDOW,
    CK_DEPRECATED_DS,
    CK_EXPECT_RULE_GROUPS,
    CK_COUNT
};
static const struct key_def comp_keys[CK_COUNT] = {
        [CK_URL] = {"url", set_url, CO(url), 0, 0},
        [CK_PREFIX] = {"prefix", set_prefix, CO(prefix), KIND_BIT(COMP_MIMIR), 0},
        [CK_TENANT] = {"tenant", set_string, CO(tenant), 0, 0},
        [CK_TOKEN] = {"token", set_secret, CO(token), 0, 0},
        [CK_TOKEN_FILE] = {"token_file", set_file, CO(token_file), 0, (long)CO(token_file_line)},
        [CK_BASIC_AUTH] = {"basic_auth", set_basic_auth, 0, 0, 0},
        [CK_QUERY] = {"query", set_string, CO(query), KIND_BIT(COMP_MIMIR) | KIND_BIT(COMP_PROMETHEUS), 1},
        [CK_TIMEOUT] = {"timeout", set_duration, CO(timeout_ms), 0, 1},
        [CK_CONNECT_TIMEOUT] = {"connect_timeout", set_duration, CO(connect_timeout_ms), 0, 1},
        [CK_INSECURE] = {"insecure_skip_verify", set_bool, CO(insecure_skip_verify), 0, 0},
        [CK_CA_FILE] = {"ca_file", set_file, CO(ca_file), 0, 0},
        [CK_OTLP_HTTP] = {"otlp_http", set_otlp_http, CO(otlp_http), KIND_BIT(COMP_TEMPO), 0},
        [CK_OTLP_GRPC] = {"otlp_grpc", set_otlp_grpc, CO(otlp_grpc), KIND_BIT(COMP_TEMPO), 0},
        [CK_SEARCH_WINDOW] = {"search_window", set_duration, CO(search_window_ms), KIND_BIT(COMP_TEMPO), 1000},
        [CK_DEPRECATED_DS] = {"deprecated_datasources", set_uid_map, 0, KIND_BIT(COMP_GRAFANA), 0},
        [CK_EXPECT_RULE_GROUPS] = {"expect_rule_groups", set_name_list, 0,
                                   KIND_BIT(COMP_GRAFANA) | KIND_BIT(COMP_MIMIR) | KIND_BIT(COMP_PROMETHEUS), 0},
};

enum { AK_USERNAME, AK_PASSWORD, AK_PASSWORD_FILE, AK_COUNT };
static const struct key_def auth_keys[AK_COUNT] = {
        [AK_USERNAME] = {"username", set_string, CO(basic_user), 0, 1},
        [AK_PASSWORD] = {"password", set_secret, CO(basic_password), 0, 0},
        [AK_PASSWORD_FILE] = {"password_file", set_file, CO(password_file), 0, (long)CO(password_file_line)},
};

enum { SK_NAME, SK_MIMIR, SK_LOKI, SK_TEMPO, SK_GRAFANA, SK_PROMETHEUS, SK_CANARY, SK_CHECKS, SK_COUNT };
static const struct key_def stack_keys[SK_COUNT] = {
        [SK_NAME] = {"name", set_string, offsetof(struct stack_cfg, name), 0, 1},
        [SK_MIMIR] = {"mimir", set_stack_component, 0, 0, COMP_MIMIR},
        [SK_LOKI] = {"loki", set_stack_component, 0, 0, COMP_LOKI},
        [SK_TEMPO] = {"tempo", set_stack_component, 0, 0, COMP_TEMPO},
        [SK_GRAFANA] = {"grafana", set_stack_component, 0, 0, COMP_GRAFANA},
        [SK_PROMETHEUS] = {"prometheus", set_stack_component, 0, 0, COMP_PROMETHEUS},
        [SK_CANARY] = {"canary", set_tristate, offsetof(struct stack_cfg, canary), 0, 0},
        [SK_CHECKS] = {"checks", set_stack_checks, 0, 0, 0},
};

#define TO(f) offsetof(struct config, f)
enum {
    TK_INTERVAL,
    TK_TIMEOUT,
    TK_CONNECT_TIMEOUT,
    TK_MAX_BODY,
    TK_STACKS,
    TK_MIMIR,
    TK_LOKI,
    TK_TEMPO,
    TK_GRAFANA,
    TK_PROMETHEUS,
    TK_CANARY,
    TK_CANARY_TIMEOUT,
    TK_CHECKS,
    TK_MAX_IN_FLIGHT,
    TK_BODY_BUDGET,
    TK_COUNT
};
static const struct key_def top_keys[TK_COUNT] = {
        [TK_INTERVAL] = {"interval", set_duration, TO(interval_ms), 0, 100}, /* faster only hammers the stack */
        [TK_TIMEOUT] = {"timeout", set_duration, TO(timeout_ms), 0, 1},
        [TK_CONNECT_TIMEOUT] = {"connect_timeout", set_duration, TO(connect_timeout_ms), 0, 1},
        [TK_MAX_BODY] = {"max_body", set_size, TO(max_body), 0, 0},
        [TK_STACKS] = {"stacks", set_stacks, 0, 0, 0},
        [TK_MIMIR] = {"mimir", set_top_component, 0, 0, COMP_MIMIR},
        [TK_LOKI] = {"loki", set_top_component, 0, 0, COMP_LOKI},
        [TK_TEMPO] = {"tempo", set_top_component, 0, 0, COMP_TEMPO},
        [TK_GRAFANA] = {"grafana", set_top_component, 0, 0, COMP_GRAFANA},
        [TK_PROMETHEUS] = {"prometheus", set_top_component, 0, 0, COMP_PROMETHEUS},
        [TK_CANARY] = {"canary", set_bool, TO(canary), 0, 0},
        [TK_CANARY_TIMEOUT] = {"canary_timeout", set_duration, TO(canary_timeout_ms), 0, 1000},
        [TK_CHECKS] = {"checks", set_top_checks, 0, 0, 0},
        [TK_MAX_IN_FLIGHT] = {"max_in_flight", set_count, TO(max_in_flight), 0, MAX_IN_FLIGHT_MAX},
        [TK_BODY_BUDGET] = {"body_budget", set_size, TO(body_budget), 0, 0},
};

/* ---- the walker ---- */

/* Optimal string alignment distance, case-insensitive; large for long strings. */
static size_t key_distance(const char *a, const char *b)
{
    unsigned char d[33][33];
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned char)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned char)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = (unsigned char)best;
        }
    return d[la][lb];
}

static bool key_applies(const struct key_def *kd, unsigned kind_bit) { return !kd->kinds || (kd->kinds & kind_bit); }

static size_t key_find(const struct key_def *tab, size_t n, const char *name)
{
    size_t i = 0;
    while (i < n && strcmp(tab[i].name, name) != 0)
        i++;
    return i;
}

static int cfgp_unknown_key(struct cfgp *p, int line, const char *name, const struct key_def *tab, size_t n,
                            unsigned kind_bit)
{
    struct buf valid;
    buf_init(&valid);
    const char *best = NULL;
    size_t best_d = strlen(name) <= 4 ? 2 : 3; /* a typo is at most 1 (short keys) or 2 edits */
    for (size_t i = 0; i < n; i++) {
        if (!key_applies(&tab[i], kind_bit))
            continue;
        buf_printf(&valid, "%s%s", valid.len ? ", " : "", tab[i].name);
        size_t d = key_distance(name, tab[i].name);
        if (d < best_d)
            best = tab[i].name, best_d = d;
    }
    int rc;
    if (!best && tab != comp_keys && key_find(comp_keys, CK_COUNT, name) < CK_COUNT)
        rc = cfgp_err(p, line,
                      "unknown key here — %s belongs inside a component, like mimir: { %s: ... }"
                      " (valid here: %s)",
                      name, name, valid.data);
    else if (best)
        rc = cfgp_err(p, line, "unknown key — did you mean \"%s\"? (valid here: %s)", best, valid.data);
    else
        rc = cfgp_err(p, line, "unknown key — valid keys here: %s", valid.data);
    buf_free(&valid);
    return rc;
}

static const char *kinds_text(unsigned kinds, char *out, size_t outlen)
{
    size_t len = 0;
    out[0] = '\0';
    for (int k = 0; k < COMP_KIND_COUNT && len < outlen; k++)
        if (kinds & KIND_BIT(k))
            len += (size_t)snprintf(out + len, len < outlen ? outlen - len : 0, "%s%s", len ? " and " : "",
                                    comp_kind_name((enum comp_kind)k));
    return out;
}

/* Applies every key of map through tab onto base. lines[i] gets the line of tab[i]'s key (0 when
 * absent), which also catches keys given twice. */
static int cfgp_walk(struct cfgp *p, yaml_node_t *map, const struct key_def *tab, size_t n, unsigned kind_bit,
                     void *base, int *lines)
{
    char kinds[64];
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(p->doc, pr->value);
        int line = node_line(k);
        if (k->type != YAML_SCALAR_NODE)
            return cfgp_err(p, line, "found %s where a key belongs — check the indentation", node_what(k));
        const char *name = node_raw(k);
        size_t i = key_find(tab, n, name);
        size_t old = cfgp_path_push(p, name);
        int rc;
        if (i == n)
            rc = cfgp_unknown_key(p, line, name, tab, n, kind_bit);
        else if (!key_applies(&tab[i], kind_bit))
            rc = cfgp_err(p, line, "only applies to %s — remove it", kinds_text(tab[i].kinds, kinds, sizeof kinds));
        else if (lines[i])
            rc = cfgp_err(p, line, "given twice (first on line %d) — keep one", lines[i]);
        else {
            lines[i] = line;
            p->key_line = line;
            rc = tab[i].set(p, v, base, &tab[i]);
        }
        if (rc < 0)
            return -1;
        cfgp_path_pop(p, old);
    }
    return 0;
}

/* ---- custom checks (checks:) and canaries ---- */

/* canary: in a stack: on (1) or off (-1); 0 (absent) means the top-level value applies. */
static int set_tristate(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    bool on = false;
    const struct key_def one = {kd->name, set_bool, 0, 0, 0};
    if (set_bool(p, v, &on, &one) < 0)
        return -1;
    *FIELD(base, kd, int) = on ? 1 : -1;
    return 0;
}

static int set_check_name(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
    char **dst = FIELD(base, kd, char *);
    char *s = cfgp_text(p, v, "a name");
    if (!s)
        return -1;
    size_t n = strlen(s);
    if (n == 0 || n > 40 || strspn(s, ok) != n) {
        int rc = cfgp_err(p, node_line(v),
                          "bad check name \"%s\" — use 1 to 40 letters, digits, '-', '_' or '.',"
                          " like gateway-health",
                          s);
        free(s);
        return rc;
    }
    free(*dst);
    *dst = s;
    return 0;
}

static int set_check_http(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct custom_check_cfg *cc = base;
    cc->type = CUSTOM_HTTP;
    return cfgp_take_url(p, v, FIELD(base, kd, char *), true, "https://gateway/api/monitoring/health");
}

/* promql: / logql: a query; line breaks (YAML block scalars) become spaces. */
static int set_check_query(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct custom_check_cfg *cc = base;
    char *s = cfgp_text(p, v, "a query");
    if (!s)
        return -1;
    for (char *c = s; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    size_t b = strspn(s, " "), n = strlen(s);
    while (n > b && s[n - 1] == ' ')
        n--;
    memmove(s, s + b, n - b);
    s[n - b] = '\0';
    int rc = 0;
    if (!*s)
        rc = cfgp_err(p, node_line(v), "is empty — write the query, like %s",
                      kd->aux == CUSTOM_LOGQL ? "'{job=\"api\"} |= \"error\"'" : "'up{job=\"redis\"}'");
    else if (str_has_ctrl(s))
        rc = cfgp_err(p, node_line(v), "contains a control character — write the query as plain text");
    if (rc < 0) {
        free(s);
        return rc;
    }
    free(*FIELD(base, kd, char *));
    *FIELD(base, kd, char *) = s;
    cc->type = (enum custom_type)kd->aux;
    return 0;
}

static int set_check_method(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char *s = cfgp_text(p, v, "GET or POST");
    if (!s)
        return -1;
    if (strcasecmp(s, "GET") != 0 && strcasecmp(s, "POST") != 0) {
        int rc = cfgp_err(p, node_line(v), "bad method \"%s\" — write GET or POST", s);
        free(s);
        return rc;
    }
    for (char *c = s; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    free(*FIELD(base, kd, char *));
    *FIELD(base, kd, char *) = s;
    return 0;
}

/* expect_status: 200, or a list [200, 204]. */
static int set_check_status(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct custom_check_cfg *cc = base;
    struct node_items ni;
    (void)kd;
    if (!node_items(v, &ni))
        return cfgp_err(p, node_line(v),
                        "expected a status or a list of them, got %s — write expect_status: 200"
                        " or expect_status: [200, 204]",
                        node_what(v));
    if (ni.top - ni.start > CUSTOM_MAX_STATUS)
        return cfgp_err(p, node_line(v), "lists more than %d statuses — keep at most %d", CUSTOM_MAX_STATUS,
                        CUSTOM_MAX_STATUS);
    if (ni.top == ni.start)
        return cfgp_err(p, node_line(v), "is empty — write expect_status: 200 or remove it for any 2xx");
    cc->nexpect_status = 0;
    for (yaml_node_item_t *it = ni.start; it < ni.top; it++) {
        yaml_node_t *n = node_item(p, v, &ni, it);
        char *s = cfgp_text(p, n, "an HTTP status");
        if (!s)
            return -1;
        char *end;
        long st = strtol(s, &end, 10);
        bool bad = !*s || *end || st < 100 || st > 599;
        if (bad) {
            int rc = cfgp_err(p, node_line(n), "bad HTTP status \"%s\" — write a number from 100 to 599, like 200", s);
            free(s);
            return rc;
        }
        free(s);
        cc->expect_status[cc->nexpect_status++] = (int)st;
    }
    return 0;
}

/* expect: a condition (custom.h). */
static int set_check_expr(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char why[256];
    char *s = cfgp_text(p, v, "a condition like \"> 0\"");
    if (!s)
        return -1;
    int rc = 0;
    if (custom_expr_parse(s, FIELD(base, kd, struct custom_expr), why, sizeof why) < 0)
        rc = cfgp_err(p, node_line(v), "%s", why);
    free(s);
    return rc;
}

static int set_json_path(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    if (set_string(p, v, base, kd) < 0)
        return -1;
    const char *s = *FIELD(base, kd, char *);
    if (s && (s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..") || str_has_space(s)))
        return cfgp_err(p, node_line(v),
                        "bad path \"%s\" — write field names joined by dots, like data.status"
                        " (numbers index lists: items.0.name)",
                        s);
    return 0;
}

static int set_json_equals(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    char *s = cfgp_text(p, v, "a value");
    if (!s)
        return -1;
    if (str_has_ctrl(s)) {
        free(s);
        return cfgp_err(p, node_line(v), "contains a control character — write the value on one line");
    }
    free(*FIELD(base, kd, char *));
    *FIELD(base, kd, char *) = s;
    return 0;
}

#define CC(f) offsetof(struct custom_check_cfg, f)
enum { JK_PATH, JK_EQUALS, JK_EXPECT, JK_COUNT };
static const struct key_def json_keys[JK_COUNT] = {
        [JK_PATH] = {"path", set_json_path, CC(json_path), 0, 1},
        [JK_EQUALS] = {"equals", set_json_equals, CC(json_equals), 0, 0},
        [JK_EXPECT] = {"expect", set_check_expr, CC(json_expect), 0, 0},
};

/* json: { path: data.status, equals: ok } or { path: data.count, expect: "> 0" } */
static int set_check_json(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct custom_check_cfg *cc = base;
    int lines[JK_COUNT] = {0};
    int line = p->key_line;
    (void)kd;
    if (v->type != YAML_MAPPING_NODE)
        return cfgp_err(p, node_line(v),
                        "expected a mapping, got %s — write json: { path: status, equals: ok }"
                        " or json: { path: data.count, expect: \"> 0\" }",
                        node_what(v));
    if (cfgp_walk(p, v, json_keys, JK_COUNT, KIND_ALL, cc, lines) < 0)
        return -1;
    if (!lines[JK_PATH])
        return cfgp_err(p, line, "path is missing — add path: (a dotted field name, like data.status)");
    if (lines[JK_EQUALS] && lines[JK_EXPECT])
        return cfgp_err(p, lines[JK_EXPECT], "both equals and expect are set — one condition per check");
    if (!lines[JK_EQUALS] && !lines[JK_EXPECT])
        return cfgp_err(p, line, "the condition is missing — add equals: VALUE or expect: \"> 0\"");
    cc->json_has_expect = lines[JK_EXPECT] != 0;
    return 0;
}

enum {
    CHK_NAME,
    CHK_HTTP,
    CHK_PROMQL,
    CHK_LOGQL,
    CHK_METHOD,
    CHK_EXPECT_STATUS,
    CHK_JSON,
    CHK_MAX_LATENCY,
    CHK_INSECURE,
    CHK_EXPECT,
    CHK_WINDOW,
    CHK_TIMEOUT,
    CHK_COUNT
};
static const struct key_def check_keys[CHK_COUNT] = {
        [CHK_NAME] = {"name", set_check_name, CC(name), 0, 0},
        [CHK_HTTP] = {"http", set_check_http, CC(url), 0, 0},
        [CHK_PROMQL] = {"promql", set_check_query, CC(query), 0, CUSTOM_PROMQL},
        [CHK_LOGQL] = {"logql", set_check_query, CC(query), 0, CUSTOM_LOGQL},
        [CHK_METHOD] = {"method", set_check_method, CC(method), 0, 0},
        [CHK_EXPECT_STATUS] = {"expect_status", set_check_status, 0, 0, 0},
        [CHK_JSON] = {"json", set_check_json, 0, 0, 0},
        [CHK_MAX_LATENCY] = {"max_latency", set_duration, CC(max_latency_ms), 0, 1},
        [CHK_INSECURE] = {"insecure_skip_verify", set_bool, CC(insecure_skip_verify), 0, 0},
        [CHK_EXPECT] = {"expect", set_check_expr, CC(expect), 0, 0},
        [CHK_WINDOW] = {"window", set_duration, CC(window_ms), 0, 1000},
        [CHK_TIMEOUT] = {"timeout", set_duration, CC(timeout_ms), 0, 1},
};

static int cfgp_check(struct cfgp *p, yaml_node_t *item, const struct stack_cfg *st, struct custom_check_cfg *cc,
                      size_t index)
{
    enum { T_HTTP = 1, T_PROMQL = 2, T_LOGQL = 4 };
    static const struct {
        int key;
        unsigned types;
        const char *what;
    } only[] = {
            {CHK_METHOD, T_HTTP, "http"},   {CHK_EXPECT_STATUS, T_HTTP, "http"},
            {CHK_JSON, T_HTTP, "http"},     {CHK_MAX_LATENCY, T_HTTP, "http"},
            {CHK_INSECURE, T_HTTP, "http"}, {CHK_EXPECT, T_PROMQL | T_LOGQL, "promql and logql"},
            {CHK_WINDOW, T_LOGQL, "logql"},
    };
    int lines[CHK_COUNT] = {0};
    int line = node_line(item);
    cc->line = line;
    if (item->type != YAML_MAPPING_NODE)
        return cfgp_err(p, line, "expected a check (a mapping with name: and http:, promql: or logql:), got %s",
                        node_what(item));
    for (yaml_node_pair_t *pr = item->data.mapping.pairs.start; pr < item->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(p->doc, pr->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(node_raw(k), "url") == 0) /* the usual slip */
            return cfgp_err_plain(p, node_line(k), "%s.url: a check names its URL with http: — write http: URL",
                                  p->path.data);
    }
    if (cfgp_walk(p, item, check_keys, CHK_COUNT, KIND_ALL, cc, lines) < 0)
        return -1;
    if (!lines[CHK_NAME])
        return cfgp_err(p, line, "name is missing — add name: (the check's name in the report)");
    int types = !!lines[CHK_HTTP] + !!lines[CHK_PROMQL] + !!lines[CHK_LOGQL];
    if (types == 0)
        return cfgp_err(p, line, "check \"%s\" has nothing to do — add http: URL, promql: QUERY or logql: QUERY",
                        cc->name);
    if (types > 1)
        return cfgp_err(p, line,
                        "check \"%s\" has more than one of http:, promql:, logql: — one check does one"
                        " thing; split it",
                        cc->name);
    unsigned t = cc->type == CUSTOM_HTTP ? T_HTTP : cc->type == CUSTOM_PROMQL ? T_PROMQL : T_LOGQL;
    for (size_t i = 0; i < ARRAY_LEN(only); i++)
        if (lines[only[i].key] && !(only[i].types & t))
            return cfgp_err_plain(p, lines[only[i].key], "%s.%s: only applies to %s checks — remove it", p->path.data,
                                  check_keys[only[i].key].name, only[i].what);
    for (size_t j = 0; j < index; j++)
        if (strcmp(st->checks[j].name, cc->name) == 0)
            return cfgp_err_plain(p, lines[CHK_NAME],
                                  "%s.name: duplicate check name \"%s\" (also checks[%zu])"
                                  " — give each check its own name",
                                  p->path.data, cc->name, j);
    if (!lines[CHK_EXPECT] && cc->type != CUSTOM_HTTP)
        cc->expect = (struct custom_expr){cc->type == CUSTOM_PROMQL ? CX_NONEMPTY : CX_GT, 0};
    if (cc->type == CUSTOM_LOGQL && !cc->window_ms)
        cc->window_ms = CUSTOM_DEFAULT_WINDOW_MS;
    return 0;
}

static int cfgp_checks(struct cfgp *p, yaml_node_t *v, struct stack_cfg *st)
{
    struct component_cfg *c = &st->comp[COMP_CHECKS];
    if (v->type != YAML_SEQUENCE_NODE)
        return cfgp_err(p, node_line(v),
                        "expected a list of checks (- name: ..., http: ... / promql: ... /"
                        " logql: ...), got %s",
                        node_what(v));
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    c->line = p->key_line;
    free(c->keypath);
    c->keypath = xstrdup(p->path.data);
    st->checks = xcalloc(n ? n : 1, sizeof *st->checks);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(p->doc, v->data.sequence.items.start[i]);
        size_t old = cfgp_path_push_index(p, i);
        st->nchecks++; /* counted now so that config_free releases it on error */
        if (cfgp_check(p, item, st, &st->checks[i], i) < 0)
            return -1;
        cfgp_path_pop(p, old);
    }
    c->enabled = n > 0;
    return 0;
}

/* promql/logql checks need something to query in their stack. where: "stacks[0]" or "". */
static int cfgp_check_targets(struct cfgp *p, const struct stack_cfg *st, const char *where)
{
    for (size_t i = 0; i < st->nchecks; i++) {
        const struct custom_check_cfg *cc = &st->checks[i];
        if (cc->type == CUSTOM_HTTP || custom_target(st, cc))
            continue;
        return cfgp_err_plain(p, cc->line,
                              "%s%schecks[%zu]: %s check \"%s\" has nothing to query — add %s to this"
                              " stack",
                              where, *where ? "." : "", i, cc->type == CUSTOM_PROMQL ? "promql" : "logql", cc->name,
                              cc->type == CUSTOM_PROMQL ? "mimir: or prometheus:" : "loki:");
    }
    return 0;
}

static int set_stack_checks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    (void)kd;
    return cfgp_checks(p, v, base);
}

static void cfgp_stack_init(struct stack_cfg *st, const char *name);

static int set_top_checks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct config *cfg = base;
    (void)kd;
    if (p->form == FORM_STACKS)
        return cfgp_err(p, p->key_line,
                        "top-level checks cannot be mixed with stacks: (line %d)"
                        " — move it into a stack",
                        p->form_line);
    if (p->form == FORM_NONE) {
        p->form = FORM_TOPLEVEL;
        p->form_line = p->key_line;
        cfg->stacks = xcalloc(1, sizeof *cfg->stacks);
        cfg->nstacks = 1;
        cfgp_stack_init(&cfg->stacks[0], "default");
    }
    return cfgp_checks(p, v, &cfg->stacks[0]);
}

/* ---- structure: components, stacks, top level ---- */

static int set_basic_auth(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    int lines[AK_COUNT] = {0};
    int line = p->key_line;
    (void)kd;
    if (v->type != YAML_MAPPING_NODE)
        return cfgp_err(p, node_line(v),
                        "expected a mapping (username:, password: or password_file:), got %s"
                        " — write basic_auth: { username: u, password_file: /path }",
                        node_what(v));
    if (cfgp_walk(p, v, auth_keys, AK_COUNT, KIND_ALL, base, lines) < 0)
        return -1;
    if (!lines[AK_USERNAME])
        return cfgp_err(p, line, "username is missing — add username:");
    if (lines[AK_PASSWORD] && lines[AK_PASSWORD_FILE])
        return cfgp_err(p, lines[AK_PASSWORD_FILE], "both password and password_file are set — keep one");
    if (!lines[AK_PASSWORD] && !lines[AK_PASSWORD_FILE])
        return cfgp_err(p, line, "password is missing — add password: or password_file:");
    return 0;
}

static int cfgp_component(struct cfgp *p, yaml_node_t *v, struct stack_cfg *st, enum comp_kind k)
{
    struct component_cfg *c = &st->comp[k];
    int lines[CK_COUNT] = {0};
    char example[64];
    snprintf(example, sizeof example, "http://%s:%d", comp_kind_name(k), comp_kind_default_port(k));
    c->enabled = true;
    c->line = p->key_line;
    free(c->keypath);
    c->keypath = xstrdup(p->path.data);
    if (v->type == YAML_SCALAR_NODE) /* shorthand: the value is the url */
        return cfgp_take_url(p, v, &c->url, true, example);
    if (v->type != YAML_MAPPING_NODE)
        return cfgp_err(p, node_line(v),
                        "expected a URL or a mapping (url:, tenant: ...), got %s — write %s: %s"
                        " or %s: { url: %s }",
                        node_what(v), comp_kind_name(k), example, comp_kind_name(k), example);
    if (cfgp_walk(p, v, comp_keys, CK_COUNT, KIND_BIT(k), c, lines) < 0)
        return -1;
    if (!lines[CK_URL])
        return cfgp_err(p, c->line, "url is missing — add url: %s", example);
    if (lines[CK_TOKEN] && lines[CK_TOKEN_FILE])
        return cfgp_err_plain(p, lines[CK_TOKEN_FILE], "%s.token_file: both token and token_file are set — keep one",
                              p->path.data);
    if (lines[CK_BASIC_AUTH] && (lines[CK_TOKEN] || lines[CK_TOKEN_FILE]))
        return cfgp_err_plain(p, lines[CK_BASIC_AUTH],
                              "%s.basic_auth: both basic_auth and a token are set"
                              " — use one way to log in",
                              p->path.data);
    return 0;
}

static void cfgp_stack_init(struct stack_cfg *st, const char *name)
{
    st->name = xstrdup(name);
    for (int k = 0; k < COMP_KIND_COUNT; k++)
        config_component_init(&st->comp[k], (enum comp_kind)k);
}

static int set_stack_component(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    return cfgp_component(p, v, base, (enum comp_kind)kd->aux);
}

static int set_top_component(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct config *cfg = base;
    if (p->form == FORM_STACKS)
        return cfgp_err(p, p->key_line,
                        "top-level components cannot be mixed with stacks: (line %d)"
                        " — move it into a stack",
                        p->form_line);
    if (p->form == FORM_NONE) {
        p->form = FORM_TOPLEVEL;
        p->form_line = p->key_line;
        cfg->stacks = xcalloc(1, sizeof *cfg->stacks);
        cfg->nstacks = 1;
        cfgp_stack_init(&cfg->stacks[0], "default");
    }
    return cfgp_component(p, v, &cfg->stacks[0], (enum comp_kind)kd->aux);
}

static int cfgp_stack(struct cfgp *p, yaml_node_t *item, struct stack_cfg *st, size_t index)
{
    int lines[SK_COUNT] = {0};
    int line = node_line(item);
    if (item->type != YAML_MAPPING_NODE)
        return cfgp_err(p, line, "expected a stack (a mapping with name: and components), got %s", node_what(item));
    if (cfgp_walk(p, item, stack_keys, SK_COUNT, KIND_ALL, st, lines) < 0)
        return -1;
    if (!lines[SK_NAME])
        return cfgp_err(p, line, "name is missing — add name: (any name unique in this file)");
    for (size_t j = 0; j < index; j++)
        if (strcmp(p->cfg->stacks[j].name, st->name) == 0)
            return cfgp_err_plain(p, lines[SK_NAME],
                                  "%s.name: duplicate stack name \"%s\" (also stacks[%zu])"
                                  " — give each stack its own name",
                                  p->path.data, st->name, j);
    if (cfgp_check_targets(p, st, p->path.data) < 0)
        return -1;
    bool any = false;
    for (int k = 0; k < COMP_KIND_COUNT; k++)
        any |= st->comp[k].enabled;
    if (!any)
        return cfgp_err(p, line,
                        "stack \"%s\" has no components — add at least one of mimir:, loki:, tempo:,"
                        " grafana:, prometheus:",
                        st->name);
    return 0;
}

static int set_stacks(struct cfgp *p, yaml_node_t *v, void *base, const struct key_def *kd)
{
    struct config *cfg = base;
    (void)kd;
    if (p->form == FORM_TOPLEVEL)
        return cfgp_err(p, p->key_line,
                        "cannot be used together with top-level components (line %d)"
                        " — move those into a stack",
                        p->form_line);
    p->form = FORM_STACKS;
    p->form_line = p->key_line;
    if (v->type != YAML_SEQUENCE_NODE)
        return cfgp_err(p, node_line(v), "expected a list of stacks (- name: ...), got %s", node_what(v));
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return cfgp_err(p, node_line(v), "is empty — add a stack: - name: production, with mimir:, loki: ... under it");
    cfg->stacks = xcalloc(n, sizeof *cfg->stacks);
    for (size_t i = 0; i < n; i++) {
        yaml_node_t *item = yaml_document_get_node(p->doc, v->data.sequence.items.start[i]);
        size_t old = cfgp_path_push_index(p, i);
        cfgp_stack_init(&cfg->stacks[i], NULL); /* the name comes from name: */
        cfg->nstacks++;                         /* counted now so that config_free releases it on error */
        if (cfgp_stack(p, item, &cfg->stacks[i], i) < 0)
            return -1;
        cfgp_path_pop(p, old);
    }
    return 0;
}

static int cfgp_root(struct cfgp *p, yaml_node_t *root)
{
    int lines[TK_COUNT] = {0};
    if (root->type != YAML_MAPPING_NODE)
        return cfgp_err_plain(p, node_line(root),
                              "the top level must be a mapping (interval:, stacks: ...), got %s"
                              " — start the file with stacks:",
                              node_what(root));
    if (cfgp_walk(p, root, top_keys, TK_COUNT, KIND_ALL, p->cfg, lines) < 0)
        return -1;
    if (p->cfg->nstacks == 0)
        return cfgp_err_plain(p, node_line(root),
                              "no stacks and no components — add a stacks: list, or"
                              " components such as mimir: http://mimir:9009");
    if (p->form == FORM_TOPLEVEL && cfgp_check_targets(p, &p->cfg->stacks[0], "") < 0)
        return -1;
    return 0;
}

/* ---- YAML documents ---- */

static bool line_has_tab(const char *text, size_t len, size_t line)
{
    size_t i = 0;
    for (size_t l = 0; l < line && i < len; i++)
        l += text[i] == '\n';
    for (; i < len && text[i] != '\n'; i++)
        if (text[i] == '\t')
            return true;
    return false;
}

static int cfgp_syntax_error(struct cfgp *p, const yaml_parser_t *yp, const char *text, size_t len)
{
    char ctx[160] = "";
    size_t line = yp->problem_mark.line;
    const char *fix = "check the indentation, colons and quotes";
    if (yp->error == YAML_READER_ERROR) {
        /* Encoding errors carry a byte offset instead of a mark. */
        line = 0;
        for (size_t i = 0; i < yp->problem_offset && i < len; i++)
            line += text[i] == '\n';
        fix = "save the file as UTF-8";
    } else if (line_has_tab(text, len, line)) {
        fix = "indent with spaces, not tabs";
    }
    if (yp->context)
        snprintf(ctx, sizeof ctx, " (%s on line %zu)", yp->context, yp->context_mark.line + 1);
    return cfgp_err_plain(p, (int)line + 1, "YAML syntax error: %s%s — %s", yp->problem ? yp->problem : "cannot parse",
                          ctx, fix);
}

/* lgtmtop reads one document; a second one would be silently ignored otherwise. */
static int cfgp_one_document(struct cfgp *p, yaml_parser_t *yp, const char *text, size_t len)
{
    yaml_document_t doc;
    if (!yaml_parser_load(yp, &doc))
        return cfgp_syntax_error(p, yp, text, len);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    int rc = 0;
    if (root)
        rc = cfgp_err_plain(p, (int)doc.start_mark.line + 1,
                            "a second YAML document starts here"
                            " — keep one (remove the --- line and what follows)");
    yaml_document_delete(&doc);
    return rc;
}

int config_parse(const char *yaml, size_t len, const char *name, config_getenv_fn fn, void *ud, struct config *out,
                 char *err, size_t errlen)
{
    struct cfgp p = {
            .file = name ? name : "config", .getenv_fn = fn, .ud = ud, .cfg = out, .err = err, .errlen = errlen};
    yaml_parser_t yp;
    yaml_document_t doc;
    int rc;
    memset(out, 0, sizeof *out);
    out->interval_ms = CONFIG_DEFAULT_INTERVAL_MS;
    out->timeout_ms = CONFIG_DEFAULT_TIMEOUT_MS;
    out->max_body = CONFIG_DEFAULT_MAX_BODY;
    out->body_budget = CONFIG_DEFAULT_BODY_BUDGET;
    if (err && errlen)
        err[0] = '\0';
    buf_init(&p.path);
    if (!yaml_parser_initialize(&yp))
        fatal("out of memory (YAML parser)");
    yaml_parser_set_input_string(&yp, (const unsigned char *)(yaml ? yaml : ""), yaml ? len : 0);
    int deep_line = 0;
    if (yaml_too_deep(yaml, len, YAML_MAX_DEPTH, &deep_line)) {
        rc = cfgp_err_plain(&p, deep_line,
                            "YAML nested deeper than %d levels here — a config nests a few levels; is it the "
                            "right file?",
                            YAML_MAX_DEPTH);
    } else if (!yaml_parser_load(&yp, &doc)) {
        rc = cfgp_syntax_error(&p, &yp, yaml, len);
    } else {
        p.doc = &doc;
        yaml_node_t *root = yaml_document_get_root_node(&doc);
        if (!root)
            rc = cfgp_err_plain(&p, 1,
                                "the config is empty — add a stacks: list (or components like"
                                " mimir: http://mimir:9009), or remove the file to use zero-config");
        else
            rc = cfgp_root(&p, root);
        if (rc == 0)
            rc = cfgp_one_document(&p, &yp, yaml, len);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&yp);
    buf_free(&p.path);
    if (rc < 0) {
        config_free(out);
        return -1;
    }
    config_fill_derived(out);
    return 0;
}
