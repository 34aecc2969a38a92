/* webconfig: the Prometheus exporter web configuration file (`--web.config.file`, the format of
 * the exporter toolkit) for `lgtmtop serve`:
 *
 *   tls_server_config:
 *     cert_file: server.crt      # paths relative to this file's directory
 *     key_file: server.key
 *   basic_auth_users:
 *     prometheus: $2y$10$...     # bcrypt hashes (htpasswd -nBC 10 USER)
 *
 * Unknown keys are errors (a typo must not turn authentication off). Passwords are checked with
 * crypt(3) (libxcrypt's bcrypt); a credential that passed or failed once is remembered, so a
 * scraper repeating it costs no second bcrypt round. */
#ifndef LGTMTOP_WEBCONFIG_H
#define LGTMTOP_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define WEB_CACHE_LEN 16

struct web_user {
    char *name;
    char *hash;
};

struct web_config {
    char *path;
    char *cert_file, *key_file; /* both or neither; absolute or relative to the file */
    struct web_user *users;
    size_t nusers;
    /* Credentials already checked: "user\0password" copies with the verdict (a ring). */
    struct {
        char *cred;
        size_t len;
        bool ok;
    } cache[WEB_CACHE_LEN];
    int cache_pos;
};

/* Parses text (name is used in messages). 0, or -1 with "FILE:LINE: ..." in err; out is then
 * empty. */
int web_config_parse(const char *text, size_t len, const char *name, struct web_config *out, char *err, size_t errlen);
/* Reads and parses a file; relative cert/key paths become relative to its directory. */
int web_config_load(const char *path, struct web_config *out, char *err, size_t errlen);
void web_config_free(struct web_config *wc);

/* Whether requests need a user (basic_auth_users is not empty). */
bool web_config_has_auth(const struct web_config *wc);
/* Checks an Authorization header value ("Basic base64(user:password)"; NULL = none). */
bool web_config_authorized(struct web_config *wc, const char *authorization);

/* Decodes standard base64 (with or without padding) into out (NUL-terminated). -1 on bad input
 * or when it does not fit; else the decoded length. */
long base64_decode(const char *in, char *out, size_t outlen);

#endif
