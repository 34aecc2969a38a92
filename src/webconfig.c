/* webconfig: the exporter web config file (webconfig.h). */
#include "lgtmtop/webconfig.h"

#include <crypt.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lgtmtop/util.h"

#define WEB_CONFIG_MAX_FILE (64 * 1024)

long base64_decode(const char *in, char *out, size_t outlen)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    size_t n = 0;
    for (const char *p = in; *p && *p != '='; p++) {
        const char *at = strchr(alphabet, *p);
        if (!at || !*p)
            return -1;
        acc = (acc << 6) | (unsigned)(at - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n + 1 >= outlen)
                return -1;
            out[n++] = (char)((acc >> bits) & 0xff);
        }
    }
    for (const char *p = strchr(in, '='); p && *p; p++)
        if (*p != '=')
            return -1; /* nothing after the padding */
    if (outlen == 0)
        return -1;
    out[n] = '\0';
    return (long)n;
}

static void seterr(char *err, size_t errlen, const char *name, const yaml_node_t *n, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
static void seterr(char *err, size_t errlen, const char *name, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        snprintf(err, errlen, "%s:%zu: %s", name, n->start_mark.line + 1, msg);
    else
        snprintf(err, errlen, "%s: %s", name, msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int parse_tls(yaml_document_t *doc, yaml_node_t *map, const char *name, struct web_config *out, char *err,
                     size_t errlen)
{
    if (map->type != YAML_MAPPING_NODE) {
        seterr(err, errlen, name, map, "tls_server_config: expected a mapping with cert_file and key_file");
        return -1;
    }
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *key = scalar(k), *val = scalar(v);
        char **dst = key && strcmp(key, "cert_file") == 0  ? &out->cert_file
                     : key && strcmp(key, "key_file") == 0 ? &out->key_file
                                                           : NULL;
        if (!dst) {
            seterr(err, errlen, name, k, "tls_server_config: '%s' is not supported (cert_file, key_file)",
                   key ? key : "?");
            return -1;
        }
        if (!val || !*val) {
            seterr(err, errlen, name, v, "tls_server_config.%s: expected a file name", key);
            return -1;
        }
        free(*dst);
        *dst = xstrdup(val);
    }
    if (!out->cert_file != !out->key_file) {
        seterr(err, errlen, name, map, "tls_server_config needs both cert_file and key_file");
        return -1;
    }
    return 0;
}

static int parse_users(yaml_document_t *doc, yaml_node_t *map, const char *name, struct web_config *out, char *err,
                       size_t errlen)
{
    if (map->type == YAML_SCALAR_NODE && !*scalar(map))
        return 0; /* basic_auth_users: (empty) */
    if (map->type != YAML_MAPPING_NODE) {
        seterr(err, errlen, name, map, "basic_auth_users: expected a mapping of user: bcrypt hash");
        return -1;
    }
    size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
    out->users = xcalloc(n ? n : 1, sizeof *out->users);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(doc, pr->key), *v = yaml_document_get_node(doc, pr->value);
        const char *user = scalar(k), *hash = scalar(v);
        if (!user || !*user || strchr(user, ':')) {
            seterr(err, errlen, name, k, "basic_auth_users: a user name must be a non-empty string without ':'");
            return -1;
        }
        if (!hash || strncmp(hash, "$2", 2) != 0 || strlen(hash) < 59) {
            seterr(err, errlen, name, v,
                   "basic_auth_users.%s: expected a bcrypt hash ($2y$..., e.g. from htpasswd -nBC 10 %s)", user, user);
            return -1;
        }
        for (size_t i = 0; i < out->nusers; i++)
            if (strcmp(out->users[i].name, user) == 0) {
                seterr(err, errlen, name, k, "basic_auth_users: user '%s' twice", user);
                return -1;
            }
        out->users[out->nusers].name = xstrdup(user);
        out->users[out->nusers].hash = xstrdup(hash);
        out->nusers++;
    }
    return 0;
}

int web_config_parse(const char *text, size_t len, const char *name, struct web_config *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(err, errlen, "%s:%zu: %s", name, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "not YAML");
        yaml_parser_delete(&parser);
        return -1;
    }
    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top && !rc; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key), *v = yaml_document_get_node(&doc, pr->value);
            const char *key = scalar(k);
            if (key && strcmp(key, "tls_server_config") == 0)
                rc = parse_tls(&doc, v, name, out, err, errlen);
            else if (key && strcmp(key, "basic_auth_users") == 0)
                rc = parse_users(&doc, v, name, out, err, errlen);
            else {
                seterr(err, errlen, name, k,
                       "'%s' is not supported (lgtmtop reads tls_server_config and basic_auth_users)", key ? key : "?");
                rc = -1;
            }
        }
    } else if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root))) {
        seterr(err, errlen, name, root, "expected a mapping (tls_server_config, basic_auth_users)");
        rc = -1;
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc)
        web_config_free(out);
    return rc;
}

static char *relative_to(const char *path, const char *file)
{
    const char *slash = strrchr(path, '/');
    if (!file || file[0] == '/' || !slash)
        return xstrdup(file);
    return xasprintf("%.*s/%s", (int)(slash - path), path, file);
}

int web_config_load(const char *path, struct web_config *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read --web.config.file %s: %s", path, strerror(errno));
        return -1;
    }
    char *text = xmalloc(WEB_CONFIG_MAX_FILE + 1);
    size_t len = fread(text, 1, WEB_CONFIG_MAX_FILE + 1, f);
    fclose(f);
    if (len > WEB_CONFIG_MAX_FILE) {
        free(text);
        snprintf(err, errlen, "--web.config.file %s is larger than 64 KiB", path);
        return -1;
    }
    int rc = web_config_parse(text, len, path, out, err, errlen);
    free(text);
    if (rc)
        return -1;
    out->path = xstrdup(path);
    char *cert = relative_to(path, out->cert_file), *key = relative_to(path, out->key_file);
    free(out->cert_file);
    free(out->key_file);
    out->cert_file = cert;
    out->key_file = key;
    return 0;
}

void web_config_free(struct web_config *wc)
{
    for (size_t i = 0; i < wc->nusers; i++) {
        free(wc->users[i].name);
        free(wc->users[i].hash);
    }
    free(wc->users);
    for (int i = 0; i < WEB_CACHE_LEN; i++)
        free(wc->cache[i].cred);
    free(wc->path);
    free(wc->cert_file);
    free(wc->key_file);
    memset(wc, 0, sizeof *wc);
}

bool web_config_has_auth(const struct web_config *wc) { return wc && wc->nusers > 0; }

/* Compares without stopping at the first difference. */
static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned char d = alen != blen;
    for (size_t i = 0; i < alen && i < blen; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

bool web_config_authorized(struct web_config *wc, const char *authorization)
{
    if (!web_config_has_auth(wc))
        return true;
    if (!authorization || strncasecmp(authorization, "Basic ", 6) != 0)
        return false;
    const char *b64 = authorization + 6;
    while (*b64 == ' ')
        b64++;
    char cred[512];
    long n = base64_decode(b64, cred, sizeof cred);
    char *colon = n > 0 ? memchr(cred, ':', (size_t)n) : NULL;
    if (!colon)
        return false;
    *colon = '\0'; /* cred = user \0 password */
    for (int i = 0; i < WEB_CACHE_LEN; i++)
        if (wc->cache[i].cred && same(wc->cache[i].cred, wc->cache[i].len, cred, (size_t)n))
            return wc->cache[i].ok;
    const struct web_user *u = NULL;
    for (size_t i = 0; i < wc->nusers; i++)
        if (strcmp(wc->users[i].name, cred) == 0)
            u = &wc->users[i];
    bool ok = false;
    if (u) {
        struct crypt_data *cd = xcalloc(1, sizeof *cd);
        const char *h = crypt_r(colon + 1, u->hash, cd);
        ok = h && h[0] != '*' && same(h, strlen(h), u->hash, strlen(u->hash));
        free(cd);
    }
    int slot = wc->cache_pos;
    free(wc->cache[slot].cred);
    wc->cache[slot].cred = xmalloc((size_t)n);
    memcpy(wc->cache[slot].cred, cred, (size_t)n);
    wc->cache[slot].len = (size_t)n;
    wc->cache[slot].ok = ok;
    wc->cache_pos = (slot + 1) % WEB_CACHE_LEN;
    explicit_bzero(cred, sizeof cred);
    return ok;
}
