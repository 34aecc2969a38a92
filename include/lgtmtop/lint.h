/* lint: `lgtmtop lint [PATH...]` (and its alias `lgtmtop dashboards lint`) — an offline check of
 * a provisioning repo: every file under PATH recognised by its content (dashboards, datasource,
 * alerting and dashboard-provider provisioning, Prometheus/Loki/Mimir rule files, Tempo config)
 * and checked the way Grafana, Prometheus and Tempo would read it. For CI before a deploy.
 * Exit: 0 clean (notes only), 1 warnings, 2 errors, 3 usage error or nothing to lint. */
#ifndef LGTMTOP_LINT_H
#define LGTMTOP_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum lint_format { LINT_TEXT = 0, LINT_JSON, LINT_GITHUB };

struct lint_opts {
    char **paths;
    size_t npaths;
    char **ds_files; /* --datasources: provisioning files or directories */
    size_t nds_files;
    char **uids; /* --uid */
    size_t nuids;
    char **deprecated;  /* --deprecated OLD=NEW: pairs old, new */
    size_t ndeprecated; /* pairs */
    char *env_file;     /* --env-file: NAME=VALUE lines for ${VAR} in provisioning */
    bool use_env;       /* --env: the environment too */
    bool no_promtool;   /* --no-promtool */
    enum lint_format format;
    bool alias;    /* run as `dashboards lint` */
    bool no_color; /* --no-color */
    bool color;    /* decided by lint_main: a terminal, no NO_COLOR, no --no-color */
};

/* Parses argv: argv[0] == "lint", or argv[0] == "dashboards" and argv[1] == "lint". 0 = run,
 * 1 = help printed to out, -1 = usage error in err. Options go anywhere (GNU style). */
int lint_parse_args(int argc, char **argv, struct lint_opts *o, FILE *out, char *err, size_t errlen);
void lint_opts_free(struct lint_opts *o);

enum lint_sev { LINT_NOTE = 0, LINT_WARNING, LINT_ERROR };
const char *lint_sev_name(enum lint_sev s); /* "note", "warning", "error" */

/* One finding. Strings owned, cleaned of control characters. */
struct lint_finding {
    char *file;
    int line;     /* 1-based; 0 when not known */
    size_t order; /* the file's index in the run (findings are grouped by file) */
    size_t seq;   /* order of addition */
    enum lint_sev sev;
    const char *kind; /* lint_kind_name of the file */
    char *check;      /* short id: "missing-datasource", "duplicate-uid", ... */
    char *where;      /* 'dashboard "API": panel "Latency" (target A)', 'datasource "Loki"' */
    char *path;       /* JSON/YAML path: "panels[3].targets[0]" (NULL when none) */
    char *message;
    struct cJSON *extra; /* more keys for --json (owned; NULL when none) */
};

/* Runs the lint; returns the exit code. Reports go to out, usage-level errors to err. */
int lint_run(const struct lint_opts *o, FILE *out, FILE *err);

/* The entry point: argv[0] == "lint" or "dashboards". */
int lint_main(int argc, char **argv);

#endif
