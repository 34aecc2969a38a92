/* config: component kinds, ${VAR} interpolation, zero-config defaults, file lookup and loading,
 * secret files, overrides. The YAML schema itself lives in config_yaml.c. */
#include "lgtmtop/config.h"
#include "lgtmtop/custom_cfg.h"
#include "lgtmtop/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_MAX_FILE ((size_t)1 << 20) /* a config bigger than this is the wrong file */
#define CONFIG_MAX_SECRET ((size_t)64 << 10)
#define INTERP_MAX_DEPTH 8 /* ${A:-${B:-...}} nesting */

/* The one table of component kinds: adding a kind is a row here, its checks file
 * (src/checks/<kind>.c) and its row in probe_kind_get, and its config key row. */
static const struct comp_kind_info {
    const char *name;    /* as in the config and messages: "mimir" */
    const char *product; /* as in "is this really Mimir?" */
    int port;
    const char *prefix; /* default Prometheus API prefix */
    const char *query;  /* default instant query, NULL when the kind has none */
} comp_kinds[COMP_KIND_COUNT] = {
        [COMP_MIMIR] = {"mimir", "Mimir", 9009, "/prometheus", "up"},
        [COMP_LOKI] = {"loki", "Loki", 3100, "", NULL},
        [COMP_TEMPO] = {"tempo", "Tempo", 3200, "", NULL},
        [COMP_GRAFANA] = {"grafana", "Grafana", 3000, "", NULL},
        [COMP_PROMETHEUS] = {"prometheus", "Prometheus", 9090, "", "up"},
        [COMP_CHECKS] = {"checks", "custom check", 0, "", NULL}, /* custom checks: no URL of its own */
};

const char *comp_kind_name(enum comp_kind k) { return (unsigned)k < COMP_KIND_COUNT ? comp_kinds[k].name : "?"; }

const char *comp_kind_product(enum comp_kind k)
{
    return (unsigned)k < COMP_KIND_COUNT ? comp_kinds[k].product : "the server";
}

int comp_kind_from_name(const char *name)
{
    for (int k = 0; name && k < COMP_KIND_COUNT; k++)
        if (strcmp(comp_kinds[k].name, name) == 0)
            return k;
    return -1;
}

int comp_kind_default_port(enum comp_kind k) { return (unsigned)k < COMP_KIND_COUNT ? comp_kinds[k].port : 0; }

static void config_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void config_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    text_vprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const char *config_real_getenv(const char *name, void *ud)
{
    (void)ud;
    return getenv(name);
}

/* Looks a variable up; empty counts as unset, as in shell ${VAR:-...}. */
static const char *config_env(config_getenv_fn fn, void *ud, const char *name)
{
    const char *v = (fn ? fn : config_real_getenv)(name, ud);
    return v && *v ? v : NULL;
}

/* ---- ${VAR} interpolation ---- */

/* Length of the "${...}" starting at s (n bytes available), matching nested "${", or 0. */
static size_t interp_ref_len(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '$' && i + 1 < n && (s[i + 1] == '$' || s[i + 1] == '{')) {
            depth += s[i + 1] == '{';
            i++;
        } else if (s[i] == '}' && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

/* Where the references of one value are recorded (config check lists them); NULL = nowhere. */
struct interp_rec {
    struct config *cfg;
    const char *keypath;
    int line;
};

static void interp_record(const struct interp_rec *rec, const char *name, bool set, bool has_default)
{
    if (!rec || !rec->cfg)
        return;
    struct config *cfg = rec->cfg;
    cfg->vars = xrealloc(cfg->vars, (cfg->nvars + 1) * sizeof *cfg->vars);
    cfg->vars[cfg->nvars++] = (struct config_var){
            .name = xstrdup(name),
            .keypath = xstrdup(rec->keypath ? rec->keypath : ""),
            .line = rec->line,
            .set = set,
            .has_default = has_default,
    };
}

static int interp_expand(struct buf *out, const char *s, size_t n, config_getenv_fn fn, void *ud, int depth,
                         const struct interp_rec *rec, char *err, size_t errlen);

/* Expands the inside of one "${...}": NAME or NAME:-default. */
static int interp_ref(struct buf *out, const char *s, size_t n, config_getenv_fn fn, void *ud, int depth,
                      const struct interp_rec *rec, char *err, size_t errlen)
{
    size_t k = 0;
    while (k < n && (s[k] == '_' || isalnum((unsigned char)s[k])) && !(k == 0 && isdigit((unsigned char)s[0])))
        k++;
    bool has_default = k + 2 <= n && s[k] == ':' && s[k + 1] == '-';
    if (k == 0 || (k < n && !has_default)) {
        config_seterr(err, errlen,
                      "bad variable reference in \"${...}\" — write ${NAME} or ${NAME:-default}"
                      " (NAME: letters, digits and _)");
        return -1;
    }
    char *name = xstrndup(s, k);
    const char *val = config_env(fn, ud, name);
    interp_record(rec, name, val != NULL, has_default);
    free(name);
    if (val) {
        buf_puts(out, val);
        return 0;
    }
    if (!has_default)
        return 0;
    if (depth >= INTERP_MAX_DEPTH) {
        config_seterr(err, errlen, "\"${...}\" defaults nested too deeply — use at most %d levels", INTERP_MAX_DEPTH);
        return -1;
    }
    return interp_expand(out, s + k + 2, n - k - 2, fn, ud, depth + 1, rec, err, errlen);
}

static int interp_expand(struct buf *out, const char *s, size_t n, config_getenv_fn fn, void *ud, int depth,
                         const struct interp_rec *rec, char *err, size_t errlen)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] != '$' || i + 1 >= n || (s[i + 1] != '$' && s[i + 1] != '{')) {
            buf_putc(out, s[i++]); /* a lone "$" is literal text */
            continue;
        }
        if (s[i + 1] == '$') {
            buf_putc(out, '$');
            i += 2;
            continue;
        }
        size_t len = interp_ref_len(s + i, n - i);
        if (!len) {
            config_seterr(err, errlen, "unterminated \"${\" — close it with \"}\" (or write $$ for a literal $)");
            return -1;
        }
        if (interp_ref(out, s + i + 2, len - 3, fn, ud, depth, rec, err, errlen) < 0)
            return -1;
        i += len;
    }
    return 0;
}

char *config_interpolate(const char *s, config_getenv_fn fn, void *ud, char *err, size_t errlen)
{
    return config_interpolate_at(s, fn, ud, NULL, NULL, 0, err, errlen);
}

char *config_interpolate_at(const char *s, config_getenv_fn fn, void *ud, struct config *cfg, const char *keypath,
                            int line, char *err, size_t errlen)
{
    struct buf b;
    const struct interp_rec rec = {cfg, keypath, line};
    buf_init(&b);
    buf_puts(&b, ""); /* "" in gives "" out, not NULL */
    if (interp_expand(&b, s ? s : "", s ? strlen(s) : 0, fn, ud, 0, &rec, err, errlen) < 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* ---- URLs ---- */

const char *config_check_url(const char *url)
{
    if (!url || !*url)
        return "it is empty";
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p == 0x7F)
            return "it contains a space or control character";
    size_t skip;
    if (strncasecmp(url, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(url, "https://", 8) == 0)
        skip = 8;
    else
        return strstr(url, "://") ? "only http:// and https:// are supported" : "it has no http:// or https:// scheme";
    const char *host = url + skip;
    const char *end = host + strcspn(host, "/?#");
    const char *at = NULL;
    for (const char *p = host; p < end; p++)
        if (*p == '@')
            at = p;
    if (at)
        host = at + 1;
    if (host == end || *host == ':')
        return "it has no host";
    const char *port = NULL;
    if (*host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));
        if (!close || close == host + 1)
            return "it has a malformed IPv6 address";
        if (close + 1 < end && close[1] != ':')
            return "it has a malformed IPv6 address";
        port = close + 1 < end ? close + 1 : NULL;
    } else {
        port = memchr(host, ':', (size_t)(end - host));
    }
    if (port) {
        long v = 0;
        const char *p = port + 1;
        if (p == end || end - p > 5)
            return "it has a bad port";
        for (; p < end; p++) {
            if (!isdigit((unsigned char)*p))
                return "it has a bad port";
            v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > 65535)
            return "it has a bad port";
    }
    if (strpbrk(end, "?#"))
        return "it has a query string or fragment";
    return NULL;
}

/* "host" or "[v6]" of url, new string; NULL when there is none. */
static char *config_url_host(const char *url)
{
    const char *h = strstr(url, "://");
    if (!h)
        return NULL;
    h += 3;
    const char *end = h + strcspn(h, "/?#");
    for (const char *p = h; p < end; p++)
        if (*p == '@')
            h = p + 1;
    const char *stop = *h == '[' ? memchr(h, ']', (size_t)(end - h)) : memchr(h, ':', (size_t)(end - h));
    if (*h == '[' && stop)
        stop++;
    if (!stop)
        stop = end;
    return stop > h ? xstrndup(h, (size_t)(stop - h)) : NULL;
}

static char *config_otlp_http_for(const char *url)
{
    char *host = url ? config_url_host(url) : NULL;
    char *r = host ? xasprintf("%s://%s:4318", strncasecmp(url, "https", 5) == 0 ? "https" : "http", host) : NULL;
    free(host);
    return r;
}

static char *config_otlp_grpc_for(const char *url)
{
    char *host = url ? config_url_host(url) : NULL;
    char *r = host ? xasprintf("%s:4317", host) : NULL;
    free(host);
    return r;
}

/* ---- building and freeing ---- */

void config_component_init(struct component_cfg *c, enum comp_kind k)
{
    memset(c, 0, sizeof *c);
    c->kind = k;
    c->prefix = xstrdup(comp_kinds[k].prefix);
    c->query = xstrdup(comp_kinds[k].query);
}

static void config_component_free(struct component_cfg *c)
{
    char **strs[] = {&c->url,        &c->prefix,         &c->tenant,        &c->token, &c->token_file,
                     &c->basic_user, &c->basic_password, &c->password_file, &c->query, &c->ca_file,
                     &c->otlp_http,  &c->otlp_grpc,      &c->keypath};
    for (size_t i = 0; i < ARRAY_LEN(strs); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    for (size_t i = 0; i < 2 * c->ndeprecated_ds; i++)
        free(c->deprecated_ds[i]);
    free(c->deprecated_ds);
    c->deprecated_ds = NULL;
    c->ndeprecated_ds = 0;
    for (size_t i = 0; i < c->nexpect_rule_groups; i++)
        free(c->expect_rule_groups[i]);
    free(c->expect_rule_groups);
    c->expect_rule_groups = NULL;
    c->nexpect_rule_groups = 0;
}

static void config_stack_free(struct stack_cfg *st)
{
    free(st->name);
    st->name = NULL;
    for (int k = 0; k < COMP_KIND_COUNT; k++)
        config_component_free(&st->comp[k]);
    custom_checks_free(st->checks, st->nchecks);
    st->checks = NULL;
    st->nchecks = 0;
}

static struct stack_cfg *config_add_stack(struct config *cfg, const char *name)
{
    cfg->stacks = xrealloc(cfg->stacks, (cfg->nstacks + 1) * sizeof *cfg->stacks);
    struct stack_cfg *st = &cfg->stacks[cfg->nstacks++];
    memset(st, 0, sizeof *st);
    st->name = xstrdup(name);
    for (int k = 0; k < COMP_KIND_COUNT; k++)
        config_component_init(&st->comp[k], (enum comp_kind)k);
    return st;
}

void config_fill_derived(struct config *cfg)
{
    if (cfg->connect_timeout_ms <= 0)
        cfg->connect_timeout_ms = cfg->timeout_ms;
    for (size_t i = 0; i < cfg->nstacks; i++) {
        struct component_cfg *t = &cfg->stacks[i].comp[COMP_TEMPO];
        if (!t->enabled || !t->url)
            continue;
        if (!t->otlp_http) {
            t->otlp_http = config_otlp_http_for(t->url);
            t->otlp_http_derived = t->otlp_http != NULL;
        }
        if (!t->otlp_grpc) {
            t->otlp_grpc = config_otlp_grpc_for(t->url);
            t->otlp_grpc_derived = t->otlp_grpc != NULL;
        }
    }
}

void config_add_warning(struct config *cfg, const char *fmt, ...)
{
    struct buf b;
    va_list ap;
    buf_init(&b);
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    cfg->warnings = xrealloc(cfg->warnings, (cfg->nwarnings + 1) * sizeof *cfg->warnings);
    cfg->warnings[cfg->nwarnings++] = buf_steal(&b);
}

void config_free(struct config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->nstacks; i++)
        config_stack_free(&cfg->stacks[i]);
    for (size_t i = 0; i < cfg->nwarnings; i++)
        free(cfg->warnings[i]);
    for (size_t i = 0; i < cfg->nvars; i++) {
        free(cfg->vars[i].name);
        free(cfg->vars[i].keypath);
    }
    free(cfg->vars);
    free(cfg->stacks);
    free(cfg->warnings);
    free(cfg->path);
    memset(cfg, 0, sizeof *cfg);
}

/* ---- zero-config ---- */

static const struct config_env_row {
    enum comp_kind kind;
    const char *url_env[2]; /* first non-empty wins */
    const char *tenant_env;
    const char *token_env;
    bool only_if_set; /* no localhost guess: enabled only when the URL variable is set */
} config_env_rows[] = {
        {COMP_MIMIR, {"MIMIR_URL", NULL}, "MIMIR_TENANT", NULL, false},
        {COMP_LOKI, {"LOKI_URL", NULL}, "LOKI_TENANT", NULL, false},
        {COMP_TEMPO, {"TEMPO_URL", "TEMPO_INTERNAL_URL"}, "TEMPO_TENANT", NULL, false},
        {COMP_GRAFANA, {"GRAFANA_URL", NULL}, NULL, "GRAFANA_TOKEN", false},
        {COMP_PROMETHEUS, {"PROMETHEUS_URL", NULL}, NULL, NULL, true},
};

void config_defaults(struct config *out, config_getenv_fn fn, void *ud)
{
    memset(out, 0, sizeof *out);
    out->interval_ms = CONFIG_DEFAULT_INTERVAL_MS;
    out->timeout_ms = CONFIG_DEFAULT_TIMEOUT_MS;
    out->max_body = CONFIG_DEFAULT_MAX_BODY;
    out->body_budget = CONFIG_DEFAULT_BODY_BUDGET;
    struct stack_cfg *st = config_add_stack(out, "default");
    for (size_t i = 0; i < ARRAY_LEN(config_env_rows); i++) {
        const struct config_env_row *row = &config_env_rows[i];
        struct component_cfg *c = &st->comp[row->kind];
        const char *url = NULL;
        for (size_t j = 0; j < 2 && !url && row->url_env[j]; j++)
            url = config_env(fn, ud, row->url_env[j]);
        if (!url && row->only_if_set)
            continue;
        c->enabled = true;
        c->url = url ? xstrdup(url) : xasprintf("http://localhost:%d", comp_kinds[row->kind].port);
        url_trim_slashes(c->url);
        if (row->tenant_env)
            c->tenant = xstrdup(config_env(fn, ud, row->tenant_env));
        if (row->token_env)
            c->token = xstrdup(config_env(fn, ud, row->token_env));
    }
    config_fill_derived(out);
}

/* ---- finding and loading the file ---- */

static bool config_is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *config_find_file(const char *explicit_path, config_getenv_fn fn, void *ud)
{
    if (explicit_path && *explicit_path)
        return xstrdup(explicit_path);
    const char *env = config_env(fn, ud, "LGTMTOP_CONFIG");
    if (env)
        return xstrdup(env);
    if (config_is_file("lgtmtop.yaml"))
        return xstrdup("lgtmtop.yaml");
    /* XDG: a relative XDG_CONFIG_HOME is invalid and ignored. */
    const char *xdg = config_env(fn, ud, "XDG_CONFIG_HOME");
    const char *home = config_env(fn, ud, "HOME");
    char *p = NULL;
    if (xdg && xdg[0] == '/')
        p = xasprintf("%s/lgtmtop/config.yaml", xdg);
    else if (home)
        p = xasprintf("%s/.config/lgtmtop/config.yaml", home);
    if (p && config_is_file(p))
        return p;
    free(p);
    return NULL;
}

/* Reads a whole regular file of at most max bytes into *out (NUL-terminated). On failure returns
 * -1 with a reason in why (an errno text or our own words); st is filled on success. */
static int config_read_file(const char *path, size_t max, char **out, size_t *len, struct stat *st, const char **why,
                            int *err_no)
{
    *out = NULL, *len = 0, *why = NULL, *err_no = 0;
    /* O_NONBLOCK: a FIFO must not hang us; regular files ignore it. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0 || fstat(fd, st) < 0) {
        *err_no = errno;
        *why = strerror(errno);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (S_ISDIR(st->st_mode) || !S_ISREG(st->st_mode)) {
        *why = S_ISDIR(st->st_mode) ? "it is a directory" : "it is not a regular file";
        *err_no = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
        close(fd);
        return -1;
    }
    struct buf b;
    buf_init(&b);
    char chunk[8192];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err_no = errno;
            *why = strerror(errno);
            break;
        }
        if (n == 0)
            break;
        buf_append(&b, chunk, (size_t)n);
        if (b.len > max) {
            *err_no = EFBIG;
            *why = "it is too large";
            break;
        }
    }
    close(fd);
    if (*why) {
        if (b.data)
            memset(b.data, 0, b.len); /* may be a secret */
        buf_free(&b);
        return -1;
    }
    *len = b.len;
    *out = buf_steal(&b);
    return 0;
}

/* Makes a relative path relative to the directory of the config file. */
static void config_resolve_path(char **p, const char *cfgpath)
{
    const char *slash = strrchr(cfgpath, '/');
    if (!*p || (*p)[0] == '/' || !slash)
        return;
    char *abs = xasprintf("%.*s/%s", (int)(slash - cfgpath), cfgpath, *p);
    free(*p);
    *p = abs;
}

int config_load_file(const char *path, config_getenv_fn fn, void *ud, struct config *out, char *err, size_t errlen)
{
    char *text;
    size_t len;
    struct stat st;
    const char *why;
    int err_no;
    memset(out, 0, sizeof *out);
    if (config_read_file(path, CONFIG_MAX_FILE, &text, &len, &st, &why, &err_no) < 0) {
        if (err_no == EISDIR)
            config_seterr(err, errlen, "config %s is a directory — pass the YAML file, e.g. %s/config.yaml", path,
                          path);
        else if (err_no == EFBIG)
            config_seterr(err, errlen, "config %s is larger than 1 MiB — is it the right file?", path);
        else if (err_no == ENOENT)
            config_seterr(err, errlen, "cannot read config %s: %s — create it or pass -c", path, why);
        else
            config_seterr(err, errlen, "cannot read config %s: %s — check the path and its permissions, or pass -c",
                          path, why);
        return -1;
    }
    size_t blank = strspn(text, " \t\r\n");
    if (blank == len) {
        config_seterr(err, errlen,
                      "config %s is empty — add a stacks: list (or components like"
                      " mimir: http://mimir:9009), or remove the file to use zero-config",
                      path);
        free(text);
        return -1;
    }
    int rc = config_parse(text, len, path, fn, ud, out, err, errlen);
    free(text);
    if (rc < 0)
        return -1;
    out->path = xstrdup(path);
    for (size_t i = 0; i < out->nstacks; i++)
        for (int k = 0; k < COMP_KIND_COUNT; k++) {
            struct component_cfg *c = &out->stacks[i].comp[k];
            config_resolve_path(&c->token_file, path);
            config_resolve_path(&c->password_file, path);
            config_resolve_path(&c->ca_file, path);
        }
    return 0;
}

/* ---- secret files ---- */

/* Reads one secret file into *dst. `key` is "token_file" or "basic_auth.password_file". */
static int config_read_secret(struct config *cfg, const struct component_cfg *c, const char *file, int line,
                              const char *key, const char *label, char **dst, char *err, size_t errlen)
{
    char *text;
    size_t len;
    struct stat st;
    const char *why;
    int err_no;
    char where[512];
    snprintf(where, sizeof where, "%s:%d: %s.%s", cfg->path ? cfg->path : "config", line,
             c->keypath ? c->keypath : comp_kind_name(c->kind), key);
    if (config_read_file(file, CONFIG_MAX_SECRET, &text, &len, &st, &why, &err_no) < 0) {
        if (err_no == EFBIG)
            config_seterr(err, errlen, "%s: %s file %s is larger than 64 KiB — point it at a file holding only the %s",
                          where, label, file, label);
        else
            config_seterr(err, errlen, "%s: cannot read %s: %s — check the path and permissions", where, file, why);
        return -1;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        text[--len] = '\0';
    bool ctrl = false;
    for (size_t i = 0; i < len; i++)
        ctrl |= (unsigned char)text[i] < ' ' || text[i] == 0x7F;
    if (len == 0 || ctrl) {
        /* A line break in a header value would split the request: refuse it. */
        config_seterr(
                err, errlen,
                len == 0 ? "%s: %s file %s is empty — put the %s in it"
                         : "%s: %s file %s has a line break or control character — keep only the %s in it, on one line",
                where, label, file, label);
        memset(text, 0, len);
        free(text);
        return -1;
    }
    if (st.st_mode & 077)
        config_add_warning(cfg, "%s file %s is readable by group/others (mode %04o); chmod 600 it", label, file,
                           (unsigned)(st.st_mode & 07777));
    free(*dst);
    *dst = text;
    return 0;
}

int config_load_secrets(struct config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < cfg->nstacks; i++)
        for (int k = 0; k < COMP_KIND_COUNT; k++) {
            struct component_cfg *c = &cfg->stacks[i].comp[k];
            if (!c->enabled)
                continue;
            if (c->token_file && config_read_secret(cfg, c, c->token_file, c->token_file_line, "token_file", "token",
                                                    &c->token, err, errlen) < 0)
                return -1;
            if (c->password_file &&
                config_read_secret(cfg, c, c->password_file, c->password_file_line, "basic_auth.password_file",
                                   "password", &c->basic_password, err, errlen) < 0)
                return -1;
        }
    return 0;
}

/* ---- command-line adjustments ---- */

int config_select_stack(struct config *cfg, const char *name, char *err, size_t errlen)
{
    size_t hit = cfg->nstacks;
    for (size_t i = 0; i < cfg->nstacks && hit == cfg->nstacks; i++)
        if (strcmp(cfg->stacks[i].name, name) == 0)
            hit = i;
    if (hit == cfg->nstacks) {
        struct buf names;
        buf_init(&names);
        for (size_t i = 0; i < cfg->nstacks; i++)
            buf_printf(&names, "%s%s", i ? ", " : "", cfg->stacks[i].name);
        config_seterr(err, errlen, "no stack named \"%s\" — the config has: %s", name,
                      names.data ? names.data : "(none)");
        buf_free(&names);
        return -1;
    }
    struct stack_cfg keep = cfg->stacks[hit];
    for (size_t i = 0; i < cfg->nstacks; i++)
        if (i != hit)
            config_stack_free(&cfg->stacks[i]);
    cfg->stacks[0] = keep;
    cfg->nstacks = 1;
    return 0;
}

void config_override_url(struct config *cfg, enum comp_kind k, const char *url)
{
    if (cfg->nstacks == 0)
        config_add_stack(cfg, "default");
    for (size_t i = 0; i < cfg->nstacks; i++) {
        struct component_cfg *c = &cfg->stacks[i].comp[k];
        char *new_url = xstrdup(url);
        url_trim_slashes(new_url);
        if (k == COMP_TEMPO) {
            /* OTLP endpoints that were derived from the old URL follow the new one. */
            char *old_http = config_otlp_http_for(c->url), *old_grpc = config_otlp_grpc_for(c->url);
            if (c->otlp_http && old_http && strcmp(c->otlp_http, old_http) == 0)
                free(c->otlp_http), c->otlp_http = NULL;
            if (c->otlp_grpc && old_grpc && strcmp(c->otlp_grpc, old_grpc) == 0)
                free(c->otlp_grpc), c->otlp_grpc = NULL;
            free(old_http);
            free(old_grpc);
        }
        free(c->url);
        c->url = new_url;
        c->enabled = true;
    }
    config_fill_derived(cfg);
}
