/* cmd_init: `lgtmtop init` and `--from-grafana`: the requests behind init.c's pure text
 * builders. Grafana's /api/datasources, then every dashboard (for references to uids that no
 * longer exist); without --grafana, the readiness endpoint of each localhost default. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lgtmtop/commands.h"
#include "lgtmtop/dashboards.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/init.h"
#include "lgtmtop/report.h"
#include "lgtmtop/util.h"

#define INIT_PAGE 5000
#define INIT_MAX_TOKEN ((size_t)64 << 10)

struct got {
    long status;
    enum net_err err;
    char *body;
    char errtext[200];
};

static void got_cb(void *ud, const struct http_response *r)
{
    struct got *g = ud;
    g->status = r->status;
    g->err = r->err;
    g->body = xstrndup(r->body, r->body_len);
    snprintf(g->errtext, sizeof g->errtext, "%s", r->err_text ? r->err_text : "");
}

struct disco {
    struct engine *e;
    const char *token;
    long timeout_ms;
};

static void submit(struct disco *d, const char *url, struct got *g)
{
    struct request rq = {.url = url, .bearer = d->token, .timeout_ms = d->timeout_ms, .max_body = (size_t)64 << 20};
    memset(g, 0, sizeof *g);
    engine_submit(d->e, &rq, got_cb, g);
}

static void drain(struct disco *d)
{
    while (engine_inflight(d->e) > 0)
        engine_run(d->e, -1, 1000);
}

/* A GET's outcome as a clause for messages ("HTTP 401", "connection refused ..."). */
static void got_why(const struct got *g, char *out, size_t outlen)
{
    if (g->err != NET_OK)
        snprintf(out, outlen, "%s (%s)", net_err_name(g->err), g->errtext);
    else
        snprintf(out, outlen, "HTTP %ld", g->status);
}

/* ---- the token ---- */

struct token {
    char *value; /* owned, wiped on free */
    enum init_token how;
    char *file;     /* absolute path */
    char *password; /* of user:pass@ in the Grafana URL (for ${GRAFANA_PASSWORD}), wiped on free */
};

/* The password of "scheme://user:pass@host...", or NULL (new string). */
static char *url_password(const char *url)
{
    const char *h = strstr(url, "://");
    const char *auth = h ? h + 3 : url;
    const char *end = auth + strcspn(auth, "/?#");
    const char *at = NULL, *colon = NULL;
    for (const char *p = auth; p < end; p++)
        if (*p == '@')
            at = p;
    if (at)
        colon = memchr(auth, ':', (size_t)(at - auth));
    return colon ? xstrndup(colon + 1, (size_t)(at - colon - 1)) : NULL;
}

static void token_free(struct token *t)
{
    if (t->value)
        memset(t->value, 0, strlen(t->value));
    if (t->password)
        memset(t->password, 0, strlen(t->password));
    free(t->password);
    free(t->value);
    free(t->file);
    memset(t, 0, sizeof *t);
}

static int token_get(const struct cli *cli, const char *grafana_url, struct token *t, FILE *err)
{
    memset(t, 0, sizeof *t);
    t->password = grafana_url ? url_password(grafana_url) : NULL;
    if (cli->grafana_token_file) {
        FILE *f = fopen(cli->grafana_token_file, "r");
        if (!f) {
            fprintf(err, "lgtmtop: --grafana-token-file: cannot read %s: %s\n", cli->grafana_token_file,
                    strerror(errno));
            token_free(t);
            return -1;
        }
        char *buf = xcalloc(INIT_MAX_TOKEN + 1, 1);
        size_t n = fread(buf, 1, INIT_MAX_TOKEN, f);
        fclose(f);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
            buf[--n] = '\0';
        if (!n || strpbrk(buf, "\r\n")) {
            fprintf(err, "lgtmtop: --grafana-token-file: %s %s — put only the token in it, on one line\n",
                    cli->grafana_token_file, n ? "has more than one line" : "is empty");
            memset(buf, 0, n);
            free(buf);
            token_free(t);
            return -1;
        }
        t->value = buf;
        t->how = INIT_TOKEN_FILE;
        char *abs = realpath(cli->grafana_token_file, NULL);
        t->file = abs ? abs : xstrdup(cli->grafana_token_file);
        return 0;
    }
    if (cli->grafana_token) {
        fprintf(err, "lgtmtop: warning: --grafana-token shows the token in the process list;"
                     " use --grafana-token-file FILE or GRAFANA_TOKEN\n");
        t->value = xstrdup(cli->grafana_token);
        t->how = INIT_TOKEN_ENV;
        return 0;
    }
    const char *env = getenv("GRAFANA_TOKEN");
    if (env && *env) {
        t->value = xstrdup(env);
        t->how = INIT_TOKEN_ENV;
    }
    return 0;
}

/* ---- dashboards: references to uids that do not exist ---- */

struct missing_set {
    struct init_missing *v;
    char **owned; /* uid, type pairs */
    size_t n;
};

static void missing_add(struct missing_set *m, const char *uid, const char *type)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].uid, uid) == 0) {
            m->v[i].refs++;
            return;
        }
    m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
    m->owned = xrealloc(m->owned, 2 * (m->n + 1) * sizeof *m->owned);
    m->owned[2 * m->n] = xstrdup(uid);
    m->owned[2 * m->n + 1] = xstrdup(type ? type : "");
    m->v[m->n] = (struct init_missing){m->owned[2 * m->n], m->owned[2 * m->n + 1], 1};
    m->n++;
}

static void missing_free(struct missing_set *m)
{
    for (size_t i = 0; i < 2 * m->n; i++)
        free(m->owned[i]);
    free(m->owned);
    free(m->v);
}

/* Reads every dashboard; NULL, or a note saying why they could not be read (static). */
static const char *read_dashboards(struct disco *d, const char *base, const cJSON *dslist, struct missing_set *m)
{
    cJSON *uids = cJSON_CreateArray();
    const char *note = NULL;
    for (int page = 1; page < 100; page++) {
        struct got g;
        char *url = xasprintf("%s/api/search?type=dash-db&limit=%d&page=%d", base, INIT_PAGE, page);
        submit(d, url, &g);
        drain(d);
        free(url);
        cJSON *arr = g.status == 200 ? cJSON_Parse(g.body) : NULL;
        free(g.body);
        if (!cJSON_IsArray(arr)) {
            note = g.status == 401 || g.status == 403 ? "the token may not search dashboards"
                                                      : "/api/search did not answer a list";
            cJSON_Delete(arr);
            break;
        }
        const cJSON *it;
        cJSON_ArrayForEach(it, arr)
        {
            const cJSON *uid = cJSON_GetObjectItemCaseSensitive(it, "uid");
            if (cJSON_IsString(uid))
                cJSON_AddItemToArray(uids, cJSON_CreateString(uid->valuestring));
        }
        int n = cJSON_GetArraySize(arr);
        cJSON_Delete(arr);
        if (n < INIT_PAGE)
            break;
    }
    int n = cJSON_GetArraySize(uids);
    struct got *gs = xcalloc((size_t)n + 1, sizeof *gs);
    for (int i = 0; i < n; i++) {
        char *url = xasprintf("%s/api/dashboards/uid/%s", base, cJSON_GetArrayItem(uids, i)->valuestring);
        submit(d, url, &gs[i]);
        free(url);
    }
    drain(d);
    struct dash_ds *ds = NULL;
    size_t nds = dash_ds_from_json(dslist, &ds);
    struct dash_ctx ctx = {.ds = ds, .nds = nds, .ds_known = true, .types_known = true};
    for (int i = 0; i < n; i++) {
        cJSON *doc = gs[i].status == 200 ? cJSON_Parse(gs[i].body) : NULL;
        free(gs[i].body);
        if (!doc)
            continue;
        struct dash_report rep;
        dash_analyze(doc, &ctx, &rep);
        for (size_t j = 0; j < rep.nrefs; j++) {
            const struct dref *r = &rep.refs[j];
            if (r->status == DREF_MISSING && r->kind == DREF_DATASOURCE && r->lookup && *r->lookup &&
                !strchr(r->lookup, '$'))
                missing_add(m, r->lookup, r->type);
        }
        dash_report_free(&rep);
        cJSON_Delete(doc);
    }
    free(ds);
    free(gs);
    cJSON_Delete(uids);
    return note;
}

/* The list leaves out basic-auth users: read them from each such datasource's own record. */
static void basic_auth_users(struct disco *d, const char *base, cJSON *list)
{
    int n = cJSON_GetArraySize(list);
    struct got *gs = xcalloc((size_t)n + 1, sizeof *gs);
    for (int i = 0; i < n; i++) {
        const cJSON *ds = cJSON_GetArrayItem(list, i);
        const cJSON *uid = cJSON_GetObjectItemCaseSensitive(ds, "uid");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ds, "basicAuth")) || !cJSON_IsString(uid) ||
            cJSON_GetObjectItemCaseSensitive(ds, "basicAuthUser"))
            continue;
        char *url = xasprintf("%s/api/datasources/uid/%s", base, uid->valuestring);
        submit(d, url, &gs[i]);
        free(url);
    }
    drain(d);
    for (int i = 0; i < n; i++) {
        cJSON *one = gs[i].status == 200 ? cJSON_Parse(gs[i].body) : NULL;
        const cJSON *user = cJSON_GetObjectItemCaseSensitive(one, "basicAuthUser");
        if (cJSON_IsString(user) && *user->valuestring)
            cJSON_AddStringToObject(cJSON_GetArrayItem(list, i), "basicAuthUser", user->valuestring);
        cJSON_Delete(one);
        free(gs[i].body);
    }
    free(gs);
}

/* The config text discovered from the Grafana at url; NULL after a message. */
static char *discover_grafana(const char *url, const struct token *t, long timeout_ms, FILE *err)
{
    struct disco d = {engine_new(), t->value, timeout_ms ? timeout_ms : 10000};
    char *base = xstrdup(url), *text = NULL, why[256];
    size_t n = strlen(base);
    while (n > 8 && base[n - 1] == '/')
        base[--n] = '\0';
    char *red = url_redact(base);
    struct got g;
    char *dsurl = xasprintf("%s/api/datasources", base);
    submit(&d, dsurl, &g);
    drain(&d);
    free(dsurl);
    cJSON *list = g.status == 200 ? cJSON_Parse(g.body) : NULL;
    if (!cJSON_IsArray(list)) {
        got_why(&g, why, sizeof why);
        if (g.status == 401 || g.status == 403)
            fprintf(err,
                    "lgtmtop: %s/api/datasources: %s — %s (a service account token, Viewer role: "
                    "--grafana-token-file FILE or GRAFANA_TOKEN)\n",
                    red, why, t->value ? "Grafana rejected the token" : "Grafana wants a token");
        else if (g.err != NET_OK)
            fprintf(err, "lgtmtop: cannot reach Grafana at %s: %s — check the URL\n", red, why);
        else
            fprintf(err, "lgtmtop: %s/api/datasources: %s, not a datasource list — is this Grafana?\n", red, why);
    } else {
        struct missing_set m = {0};
        basic_auth_users(&d, base, list);
        const char *note = read_dashboards(&d, base, list, &m);
        struct init_input in = {.grafana_url = base,
                                .token = t->how,
                                .token_file = t->file,
                                .dslist = list,
                                .missing = m.v,
                                .nmissing = m.n,
                                .dash_note = note};
        text = init_from_grafana(&in);
        missing_free(&m);
    }
    free(g.body);
    cJSON_Delete(list);
    free(red);
    free(base);
    engine_free(d.e);
    return text;
}

/* ---- localhost defaults ---- */

static const struct probe_row {
    enum comp_kind kind;
    const char *path;
} probe_rows[] = {
        {COMP_MIMIR, "/ready"},        {COMP_LOKI, "/ready"},         {COMP_TEMPO, "/ready"},
        {COMP_GRAFANA, "/api/health"}, {COMP_PROMETHEUS, "/-/ready"},
};

static char *discover_localhost(long timeout_ms, FILE *err)
{
    struct disco d = {engine_new(), NULL, timeout_ms ? timeout_ms : 2000};
    struct got g[ARRAY_LEN(probe_rows)];
    char *base[ARRAY_LEN(probe_rows)];
    const char *found[COMP_KIND_COUNT] = {0};
    for (size_t i = 0; i < ARRAY_LEN(probe_rows); i++) {
        base[i] = xasprintf("http://localhost:%d", comp_kind_default_port(probe_rows[i].kind));
        char *url = xasprintf("%s%s", base[i], probe_rows[i].path);
        submit(&d, url, &g[i]);
        free(url);
    }
    drain(&d);
    size_t nfound = 0;
    for (size_t i = 0; i < ARRAY_LEN(probe_rows); i++) {
        char why[256];
        got_why(&g[i], why, sizeof why);
        fprintf(err, "lgtmtop: %-10s %s%s: %s\n", comp_kind_name(probe_rows[i].kind), base[i], probe_rows[i].path,
                g[i].err == NET_OK ? why : "no answer");
        if (g[i].err == NET_OK)
            found[probe_rows[i].kind] = base[i], nfound++;
        free(g[i].body);
    }
    char *text = NULL;
    if (nfound)
        text = init_from_probe(found);
    else
        fprintf(err, "lgtmtop: nothing answers on the localhost defaults — point lgtmtop init at your Grafana:"
                     " lgtmtop init --grafana URL\n");
    for (size_t i = 0; i < ARRAY_LEN(probe_rows); i++)
        free(base[i]);
    engine_free(d.e);
    return text;
}

/* ---- the commands ---- */

static const char *token_env(const char *name, void *ud)
{
    const struct token *t = ud;
    if (strcmp(name, "GRAFANA_TOKEN") == 0 && t->value)
        return t->value;
    if (strcmp(name, "GRAFANA_PASSWORD") == 0 && t->password)
        return t->password;
    return getenv(name);
}

/* Creates the directories above path (mode 0700), as k9s or htop do for their config dir. */
static void make_parents(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0700);
        *s = '/';
    }
    free(p);
}

static int write_output(const struct cli *cli, const char *text, FILE *out, FILE *err)
{
    if (!cli->output) {
        fputs(text, out);
        fflush(out);
        return 0;
    }
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (cli->force ? O_TRUNC : O_EXCL);
    int fd = open(cli->output, flags, 0644);
    if (fd < 0 && errno == ENOENT) {
        make_parents(cli->output);
        fd = open(cli->output, flags, 0644);
    }
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(err, "lgtmtop: %s exists — not overwriting it (use --force, or another -o FILE)\n", cli->output);
        else
            fprintf(err, "lgtmtop: cannot write %s: %s\n", cli->output, strerror(errno));
        return -1;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            fprintf(err, "lgtmtop: cannot write %s: %s\n", cli->output, strerror(errno));
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    close(fd);
    fprintf(err, "lgtmtop: wrote %s — check it with: lgtmtop config check -c %s\n", cli->output, cli->output);
    return 0;
}

/* The ${VAR}s the written config reads that the environment does not set, in one line. */
static void say_variables(const struct config *cfg, FILE *err)
{
    struct buf names;
    buf_init(&names);
    for (size_t i = 0; i < cfg->nvars; i++) {
        const char *v = cfg->vars[i].name, *env = getenv(v);
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup |= strcmp(cfg->vars[j].name, v) == 0;
        if (!dup && (!env || !*env) && !cfg->vars[i].has_default)
            buf_printf(&names, "%s%s", names.len ? ", " : "", v);
    }
    if (names.len)
        fprintf(err,
                "lgtmtop: the config reads %s from the environment (values Grafana does not reveal):"
                " set them before lgtmtop check, or write the values into the file\n",
                names.data);
    buf_free(&names);
}

int cmd_init(const struct cli *cli, FILE *out, FILE *err)
{
    struct token t;
    struct stat sb;
    if (cli->output && !cli->force && stat(cli->output, &sb) == 0) {
        fprintf(err, "lgtmtop: %s exists — not overwriting it (use --force, or another -o FILE)\n", cli->output);
        return EXIT_UNKNOWN;
    }
    if (token_get(cli, cli->urls[COMP_GRAFANA], &t, err))
        return EXIT_UNKNOWN;
    const char *gurl = cli->urls[COMP_GRAFANA];
    char *text = gurl ? discover_grafana(gurl, &t, cli->timeout_ms, err) : discover_localhost(cli->timeout_ms, err);
    int rc = EXIT_UNKNOWN;
    if (text) {
        /* what init writes must load: a failure here is a bug, said as such */
        struct config cfg;
        char msg[512];
        if (config_parse(text, strlen(text), "(generated config)", token_env, &t, &cfg, msg, sizeof msg)) {
            fprintf(err, "lgtmtop: bug: the generated config does not load: %s\n", msg);
        } else {
            rc = write_output(cli, text, out, err) == 0 ? 0 : EXIT_UNKNOWN;
            if (rc == 0)
                say_variables(&cfg, err);
            config_free(&cfg);
        }
    }
    free(text);
    token_free(&t);
    return rc;
}

int cmd_discover_config(const struct cli *cli, struct config *cfg, FILE *err)
{
    struct token t;
    char msg[512];
    if (token_get(cli, cli->from_grafana, &t, err))
        return -1;
    char *text = discover_grafana(cli->from_grafana, &t, cli->timeout_ms, err);
    int rc = -1;
    if (text) {
        char *red = url_redact(cli->from_grafana);
        char *name = xasprintf("--from-grafana %s", red);
        free(red);
        rc = config_parse(text, strlen(text), name, token_env, &t, cfg, msg, sizeof msg);
        if (rc)
            fprintf(err, "lgtmtop: bug: the discovered config does not load: %s\n", msg);
        free(name);
    }
    free(text);
    token_free(&t);
    return rc;
}
