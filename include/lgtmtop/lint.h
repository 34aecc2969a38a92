/* lint: `lgtmtop dashboards lint PATH...` — offline check of dashboard JSON files (directories
 * walked recursively, as a repo's grafana/dashboards tree) against the datasource uids of Grafana
 * provisioning YAML (--datasources) and/or --uid flags. For CI before a deploy.
 * Exit: 0 clean, 1 deprecated references only, 2 a reference to a missing datasource,
 * 3 usage error, unreadable file or invalid JSON/YAML. */
#ifndef LGTMTOP_LINT_H
#define LGTMTOP_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lint_opts {
    char **paths;
    size_t npaths;
    char **ds_files; /* provisioning YAML files or directories */
    size_t nds_files;
    char **uids; /* --uid */
    size_t nuids;
    char **deprecated;  /* --deprecated OLD=NEW: pairs old, new */
    size_t ndeprecated; /* pairs */
    bool json;
    bool no_color; /* --no-color */
    bool color;    /* decided by lint_main: a terminal, no NO_COLOR, no --no-color */
};

/* Parses argv (argv[0] == "dashboards", argv[1] == "lint"). 0 = run, 1 = help printed to out,
 * -1 = usage error in err. */
int lint_parse_args(int argc, char **argv, struct lint_opts *o, FILE *out, char *err, size_t errlen);
void lint_opts_free(struct lint_opts *o);

/* A datasource from provisioning YAML (strings owned). */
struct lint_ds {
    char *uid, *name, *type;
    bool is_default;
};

struct lint_dslist {
    struct lint_ds *v;
    size_t n;
};

/* Reads a provisioning file's `datasources:` list (apiVersion 1; `deleteDatasources:` entries
 * are dropped). ${VAR} stays as written. Appends to out; -1 + one-line err ("FILE:LINE: ...")
 * on invalid YAML, -2 + err for a file without a datasources list. */
int lint_parse_provisioning(const char *text, size_t len, const char *file, struct lint_dslist *out, char *err,
                            size_t errlen);
void lint_dslist_free(struct lint_dslist *l);

/* Runs the lint; returns the exit code. Reports go to out, usage-level errors to err. */
int lint_run(const struct lint_opts *o, FILE *out, FILE *err);

/* The `lgtmtop dashboards ...` entry point (argv[0] == "dashboards"). */
int lint_main(int argc, char **argv);

#endif
