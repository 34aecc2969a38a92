/* lint_impl: what the lint modules share (private to src/lint*.c). A run holds the files found
 * (each recognised by content), the datasources the repo provisions, and the findings; each
 * module (lint_dashboards.c, lint_datasources.c, lint_alerting.c, lint_rules.c, lint_tempo.c)
 * reads one kind of file and adds findings; lint_out.c prints them. */
#ifndef LGTMTOP_LINT_IMPL_H
#define LGTMTOP_LINT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "lgtmtop/dashboards.h"
#include "lgtmtop/lint.h"

struct cJSON;

/* What a file is, decided by its content. */
enum lint_kind {
    LK_UNKNOWN = 0,
    LK_DASHBOARD,   /* classic JSON, __inputs export, envelope, Grafana 12 resource */
    LK_DATASOURCES, /* Grafana datasource provisioning */
    LK_PROVIDERS,   /* Grafana dashboard providers (provisioning/dashboards) */
    LK_ALERTING,    /* Grafana alerting provisioning: rules, contact points, policies, ... */
    LK_RULES,       /* Prometheus / Loki / Mimir rule groups */
    LK_TEMPO,       /* Tempo configuration */
    LK_KINDS,
};

const char *lint_kind_name(enum lint_kind k); /* "dashboard", "datasources", ... */

/* One file of the run. YAML documents stay loaded for the run (provisioning files are small);
 * JSON is parsed when linted. */
struct lint_file {
    char *path;
    bool given;    /* named on the command line (not found by walking a directory) */
    bool ref_only; /* from --datasources outside the PATHs: read, not linted */
    enum lint_kind kind;
    char *text;
    size_t len;
    yaml_document_t *docs;
    size_t ndocs;
    char *yaml_error; /* the parse error ("LINE: problem"), when the YAML does not load */
    int yaml_error_line;
};

/* A datasource the repo provisions (strings borrowed from the YAML documents). */
struct lint_dsent {
    const char *uid, *name, *type, *url;
    bool is_default;
    struct lint_file *file;
    yaml_document_t *doc;
    yaml_node_t *node;
    int line;
};

struct lint_run {
    const struct lint_opts *o;
    struct lint_file *files;
    size_t nfiles;
    struct lint_dsent *ds; /* after deletes, in provisioning order */
    size_t nds;
    struct lint_dsent *deleted; /* entries named by deleteDatasources (for hints) */
    size_t ndeleted;
    bool ds_known; /* a datasource file, --datasources or --uid was given */
    char **env;    /* --env-file: NAME=VALUE strings */
    size_t nenv;
    struct lint_finding *f;
    size_t nf, capf;
    int counts[LK_KINDS];
    int refs, missing, deprecated; /* dashboard references */
    int broken;                    /* files that could not be read or parsed */
    struct dash_ds *dds;           /* the datasources as the dashboard walker takes them */
    struct dash_ctx dctx;
    char *known;      /* "uid (name), ..." for messages */
    char **dash_uids; /* dashboard uid -> file index, for duplicates */
    size_t *dash_files;
    size_t ndash_uids;
    char **provider_dirs; /* last components of the dashboard providers' options.path */
    size_t nprovider_dirs;
};

/* Adds a finding. where, path may be NULL; every string is cleaned to one printable line. */
__attribute__((format(printf, 7, 8))) struct lint_finding *lint_add(struct lint_run *r, const struct lint_file *f,
                                                                    int line, enum lint_sev sev, const char *check,
                                                                    const char *where, const char *fmt, ...);
void lint_set_path(struct lint_finding *x, const char *path);
/* A cJSON string of s cleaned to one printable line (null for NULL). */
struct cJSON *lint_json_str(const char *s);

/* ---- YAML helpers ---- */
yaml_node_t *ly_get(yaml_document_t *doc, yaml_node_t *map, const char *key);
/* A scalar's text; NULL for anything else and for null / ~ / empty plain scalars. */
const char *ly_str(yaml_node_t *n);
bool ly_true(yaml_node_t *n);
int ly_line(yaml_node_t *n); /* 1-based; 0 for NULL */
#define LY_SEQ_EACH(doc, seq, it)                                                                                     \
    for (yaml_node_item_t *it = (seq) && (seq)->type == YAML_SEQUENCE_NODE ? (seq)->data.sequence.items.start : NULL; \
         it && it < (seq)->data.sequence.items.top; it++)
#define LY_ITEM(doc, it) yaml_document_get_node((doc), *(it))
/* The root mapping of document i of f (NULL when it is not a mapping). */
yaml_node_t *ly_root(const struct lint_file *f, size_t i);
/* The YAML document as cJSON (scalars as strings, numbers and booleans when plain). */
struct cJSON *ly_to_json(yaml_document_t *doc, yaml_node_t *n, int depth);
/* The node at a path such as "spec.panels[3].targets[0]" (NULL when absent). */
yaml_node_t *ly_at(yaml_document_t *doc, yaml_node_t *root, const char *path);

/* Line (1-based) of the value at a JSON path ("panels[3].targets[0]") in JSON text; 0 when
 * the path is not found. */
int lint_json_line(const char *text, size_t len, const char *path);

/* "${NAME}" / "$NAME" references in s, called for each name. */
void lint_env_refs(const char *s, void (*fn)(void *ud, const char *name, size_t n), void *ud);
/* The value of NAME from --env-file (or the environment with --env), NULL when unset. */
const char *lint_env_get(const struct lint_run *r, const char *name, size_t n);

/* A datasource of the run by uid (then name when by_name); NULL when none. */
const struct lint_dsent *lint_ds_find(const struct lint_run *r, const char *key, bool by_name);
/* "grafana_mimir (Mimir), grafana_loki (Loki), ..." for messages; caller frees. */
char *lint_ds_known(const struct lint_run *r);

/* ---- the modules ---- */
enum lint_kind lint_classify_yaml(const struct lint_file *f);
void lint_datasources_collect(struct lint_run *r); /* every datasource file, in order: deletes, then adds */
void lint_datasources_check(struct lint_run *r, struct lint_file *f);
void lint_dashboard_check(struct lint_run *r, struct lint_file *f, const struct cJSON *doc, bool provisioned);
void lint_providers_collect(struct lint_run *r); /* the dashboard directories providers read */
void lint_providers_check(struct lint_run *r, struct lint_file *f);
bool lint_provisioned_path(const struct lint_run *r, const char *path);
void lint_alerting_check(struct lint_run *r, struct lint_file *f);
void lint_rules_check(struct lint_run *r, struct lint_file *f);
void lint_tempo_check(struct lint_run *r, struct lint_file *f);

/* ---- output (lint_out.c) ---- */
void lint_print(struct lint_run *r, FILE *out, int code);

#endif
