/* init: a config discovered from Grafana's datasource list (or from the localhost defaults that
 * answered) as commented YAML text. Pure: JSON and rows in, text out; the requests are made by
 * cmd_init.c. */
#ifndef LGTMTOP_INIT_H
#define LGTMTOP_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lgtmtop/config.h"

struct cJSON;

/* How the Grafana token reaches the written config. */
enum init_token { INIT_TOKEN_NONE, INIT_TOKEN_FILE, INIT_TOKEN_ENV };

/* A datasource uid that dashboards reference and that does not exist. */
struct init_missing {
    const char *uid, *type;
    int refs; /* how many references */
};

struct init_input {
    const char *grafana_url;    /* the Grafana read (credentials are never written) */
    enum init_token token;      /* INIT_TOKEN_FILE: token_file: token_file; ENV: ${GRAFANA_TOKEN} */
    const char *token_file;     /* absolute path */
    const struct cJSON *dslist; /* /api/datasources (an array) */
    const struct init_missing *missing;
    size_t nmissing;
    const char *dash_note; /* why dashboards were not read, or NULL */
};

/* Which component a datasource becomes: COMP_MIMIR, COMP_PROMETHEUS, COMP_LOKI, COMP_TEMPO, or
 * -1 (not one lgtmtop checks: Alertmanager, Elasticsearch, ...). A Prometheus-type datasource is
 * Mimir when jsonData.prometheusType says Mimir or Cortex, or its URL's path ends in Mimir's
 * /prometheus or Cortex's /api/prom; else Prometheus (a path stays in its url: a route prefix). */
int init_ds_kind(const struct cJSON *ds);

/* Splits a Mimir datasource URL into base URL and Prometheus API prefix:
 * "http://mimir:9009/prometheus" -> "http://mimir:9009" + "/prometheus". New strings. */
void init_split_prefix(const char *url, char **base, char **prefix);

/* url without "user:pass@" (new string); *user (new string, or NULL) gets the user when there
 * is one and user is not NULL. The password is dropped. */
char *init_url_without_userinfo(const char *url, char **user);

/* The config text for what Grafana lists (new string). */
char *init_from_grafana(const struct init_input *in);

/* The config text for the localhost defaults that answered: urls[k] non-NULL for each
 * component kind found (new string). */
char *init_from_probe(const char *const urls[COMP_KIND_COUNT]);

/* A stack name from a URL's host: its first label when it starts with a letter ("grafana" from
 * https://grafana.example.com), else "default". Into out. */
void init_stack_name(const char *url, char *out, size_t outlen);

#endif
