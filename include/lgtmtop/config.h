/* config: YAML file (libyaml) + ${VAR} interpolation + zero-config defaults -> struct config. */
#ifndef LGTMTOP_CONFIG_H
#define LGTMTOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* COMP_CHECKS is a pseudo-component: the stack's custom checks (checks: in the config, see
 * custom.h). It has no URL of its own; each check names its target. */
enum comp_kind { COMP_MIMIR = 0, COMP_LOKI, COMP_TEMPO, COMP_GRAFANA, COMP_PROMETHEUS, COMP_CHECKS, COMP_KIND_COUNT };

const char *comp_kind_name(enum comp_kind k);    /* "mimir", "loki", ... */
const char *comp_kind_product(enum comp_kind k); /* "Mimir", "Loki", ... */
int comp_kind_from_name(const char *name);       /* -1 if unknown */
int comp_kind_default_port(enum comp_kind k);    /* 9009, 3100, 3200, 3000, 9090 */

#define CONFIG_DEFAULT_INTERVAL_MS 5000L
#define CONFIG_DEFAULT_TIMEOUT_MS 5000L
#define CONFIG_DEFAULT_MAX_BODY ((size_t)8 << 20)
#define CONFIG_DEFAULT_BODY_BUDGET ((size_t)32 << 20) /* = ENGINE_DEFAULT_BODY_BUDGET */

/* All strings are owned by the config and freed by config_free. Secrets (token, password)
 * must never be printed. */
struct component_cfg {
    enum comp_kind kind;
    bool enabled;
    char *url;            /* base URL without trailing slash */
    char *prefix;         /* Mimir: Prometheus API prefix, default "/prometheus"; others "" */
    char *tenant;         /* X-Scope-OrgID, NULL = none */
    char *token;          /* Authorization: Bearer (secret) */
    char *token_file;     /* where token came from, if a file */
    int token_file_line;  /* line of token_file in the config file, for messages */
    char *basic_user;     /* basic auth user */
    char *basic_password; /* basic auth password (secret) */
    char *password_file;  /* where basic_password came from, if a file */
    int password_file_line;
    char *query;     /* instant query for Mimir/Prometheus, default "up" */
    long timeout_ms; /* total timeout; 0 = use config default */
    long connect_timeout_ms;
    bool insecure_skip_verify;
    char *ca_file;
    char *otlp_http;        /* Tempo: OTLP/HTTP receiver base URL (default: host:4318) */
    char *otlp_grpc;        /* Tempo: OTLP/gRPC receiver host:port (default: host:4317) */
    bool otlp_http_derived; /* Tempo: otlp_http / otlp_grpc were derived from url, not configured */
    bool otlp_grpc_derived;
    long search_window_ms;     /* Tempo: window of the search/services checks; 0 = 15m */
    int line;                  /* line in the config file where the component was defined, 0 if none */
    char *keypath;             /* "stacks[0].grafana" for messages; NULL when not from a file */
    char **deprecated_ds;      /* Grafana deprecated_datasources: pairs old uid, new uid */
    size_t ndeprecated_ds;     /* number of pairs */
    char **expect_rule_groups; /* Grafana, Mimir, Prometheus: rule groups that must be loaded */
    size_t nexpect_rule_groups;
};

struct custom_check_cfg;

struct stack_cfg {
    char *name;
    struct component_cfg comp[COMP_KIND_COUNT];
    struct custom_check_cfg *checks; /* checks: list (custom.h), owned; comp[COMP_CHECKS] is
                                         enabled when there is at least one */
    size_t nchecks;
    int canary; /* canary: in the stack: 1 on, -1 off, 0 = top-level value */
};

/* One ${VAR} reference met while parsing (for `lgtmtop config check`); never the value. */
struct config_var {
    char *name;    /* "LOKI_URL" */
    char *keypath; /* "stacks[0].loki.url" */
    int line;
    bool set;         /* set and not empty */
    bool has_default; /* ${VAR:-default} */
};

struct config {
    char *path;              /* the file loaded, NULL for zero-config */
    long interval_ms;        /* default 5000 */
    long timeout_ms;         /* default 5000 */
    long connect_timeout_ms; /* default = timeout_ms */
    size_t max_body;         /* default 8 MiB */
    size_t body_budget;      /* body_budget: every response body buffered at once, process-wide;
                                default 32 MiB (engine_set_body_budget) */
    size_t max_in_flight;    /* max_in_flight: requests at once, the rest wait; 0 = the
                                   engine's default (engine_set_max_inflight) */
    bool canary;             /* canary: true at the top level, or --canary (canary.h) */
    long canary_timeout_ms;  /* how long a canary waits until its data is readable; 0 = 30s */
    struct stack_cfg *stacks;
    size_t nstacks;
    char **warnings; /* non-fatal notes (e.g. token file readable by others) */
    size_t nwarnings;
    struct config_var *vars; /* every ${VAR} the parsed values needed, in file order */
    size_t nvars;
};

/* Environment lookup, injectable so interpolation is testable. NULL fn = getenv. */
typedef const char *(*config_getenv_fn)(const char *name, void *ud);

/* Expands ${VAR} and ${VAR:-default} (default used when VAR is unset or empty); "$$" is a
 * literal "$". An unset VAR without default expands to "". Returns a new string, or NULL with
 * a message in err on a syntax error (unterminated "${"). */
char *config_interpolate(const char *s, config_getenv_fn fn, void *ud, char *err, size_t errlen);
/* The same, recording every variable it looks up in cfg->vars (with keypath and line) when
 * cfg is not NULL. */
char *config_interpolate_at(const char *s, config_getenv_fn fn, void *ud, struct config *cfg, const char *keypath,
                            int line, char *err, size_t errlen);

/* Parses YAML text. `name` is the file name used in messages ("lgtmtop.yaml:12: ..."). On error
 * returns -1 and writes one line to err: file:line, the key, what is wrong and how to fix it;
 * out is then empty (nothing to free). Without a stacks: key, top-level component keys
 * (mimir:, loki: ...) form one stack named "default". Non-fatal notes go to out->warnings. */
int config_parse(const char *yaml, size_t len, const char *name, config_getenv_fn fn, void *ud, struct config *out,
                 char *err, size_t errlen);

/* Reads and parses a file; errors for missing/unreadable files say so. Relative token_file,
 * password_file and ca_file paths are taken relative to the config file's directory. */
int config_load_file(const char *path, config_getenv_fn fn, void *ud, struct config *out, char *err, size_t errlen);

/* Zero-config: one stack "default" from MIMIR_URL, LOKI_URL, TEMPO_URL (or TEMPO_INTERNAL_URL),
 * GRAFANA_URL (+ GRAFANA_TOKEN), PROMETHEUS_URL, else localhost default ports. Prometheus is
 * enabled only when PROMETHEUS_URL is set. */
void config_defaults(struct config *out, config_getenv_fn fn, void *ud);

/* Finds the file to load: explicit path, $LGTMTOP_CONFIG, ./lgtmtop.yaml,
 * $XDG_CONFIG_HOME/lgtmtop/config.yaml (or ~/.config/...). Returns a new string or NULL. */
char *config_find_file(const char *explicit_path, config_getenv_fn fn, void *ud);

/* Reads token_file contents into token and password_file into basic_password (trailing
 * whitespace stripped, at most 64 KiB) for every enabled component; warns into cfg->warnings
 * when a file is readable by group/others. -1 + err on failure (never with the secret). */
int config_load_secrets(struct config *cfg, char *err, size_t errlen);

/* Sets c (zeroed or freed) to the defaults of kind k: disabled, no URL, prefix "/prometheus"
 * for Mimir and "" otherwise, query "up" for Mimir and Prometheus. */
void config_component_init(struct component_cfg *c, enum comp_kind k);

/* Fills values derived from others where still unset: connect_timeout_ms from timeout_ms, the
 * Tempo OTLP endpoints from the Tempo URL's host (http://HOST:4318, HOST:4317). config_parse and
 * config_defaults call it. */
void config_fill_derived(struct config *cfg);

/* Keeps only the stack called name (for --stack); -1 + err listing the names if none matches. */
int config_select_stack(struct config *cfg, const char *name, char *err, size_t errlen);

/* Sets a component's URL (from --mimir etc.), enabling it; applies to every stack. */
void config_override_url(struct config *cfg, enum comp_kind k, const char *url);

/* Validates an http(s) URL; returns NULL if fine, else a static reason. */
const char *config_check_url(const char *url);

void config_add_warning(struct config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void config_free(struct config *cfg);

#endif
