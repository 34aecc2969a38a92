/* cli: arguments -> mode and overrides. Pure apart from getopt's own globals. Options are rows
 * of one table naming the subcommands they apply to; `lgtmtop SUBCOMMAND --help` prints that
 * subcommand's rows only, and an option given to a subcommand it does not apply to is an
 * error. Options may come anywhere on the command line (GNU getopt_long permutation). */
#ifndef LGTMTOP_CLI_H
#define LGTMTOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lgtmtop/config.h"

enum cli_mode { CLI_DEFAULT = 0, CLI_TUI, CLI_CHECK, CLI_HELP, CLI_VERSION, CLI_INIT, CLI_CONFIG_CHECK, CLI_SERVE };

/* `check` samples the /metrics counters twice, this far apart, to report rates. */
#define CLI_DEFAULT_SAMPLE_MS 5000L
/* `serve` listens here unless --listen says otherwise: loopback, a port of the exporter range. */
#define CLI_DEFAULT_LISTEN "127.0.0.1:9689"

struct cli {
    enum cli_mode mode;
    enum cli_mode help_for;            /* CLI_HELP: the subcommand whose help was asked for */
    const char *config_path;           /* -c */
    const char *stack;                 /* --stack */
    const char *urls[COMP_KIND_COUNT]; /* --mimir ... --prometheus (init: --grafana to read) */
    unsigned only_mask;                /* --only: bit per comp_kind, 0 = all */
    long interval_ms;                  /* -i, 0 = config */
    long timeout_ms;                   /* -t, 0 = config */
    long wait_ms;                      /* check --wait, 0 = one sweep */
    bool json;                         /* check --json */
    bool no_color;
    bool ascii;
    bool canary;                    /* --canary: canaries on for every stack */
    long sample_ms;                 /* check --sample: counter sampling window, 0 = off */
    bool sample_set;                /* --sample was given */
    const char *from_grafana;       /* check/tui --from-grafana URL: discover the stack */
    const char *grafana_token_file; /* init, --from-grafana: --grafana-token-file */
    const char *grafana_token;      /* --grafana-token (visible in the process list) */
    const char *output;             /* init -o FILE */
    bool force;                     /* init --force: overwrite -o FILE */
    bool strict;                    /* config check --strict: warnings fail too */
    const char *listen;             /* serve --listen as given (NULL: CLI_DEFAULT_LISTEN) */
    char listen_host[64];           /* its address ("" = every address) */
    char listen_port[8];
    const char *web_config; /* serve --web.config.file */
};

/* Loads the config the command line names into cfg (empty on entry): main's loader, handed to
 * the faces that reload on SIGHUP (serve, the live view). 0, or -1 with one line in err. */
typedef int (*cli_load_fn)(const struct cli *cli, struct config *cfg, char *err, size_t errlen);

/* Parses argv (argv[0] is the program). Returns 0, or -1 with a one-line message in err. */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);
/* "ADDR:PORT", "[IPv6]:PORT" or ":PORT" into host ("" for every address) and port. 0 or -1. */
int cli_split_listen(const char *arg, char *host, size_t hostlen, char *port, size_t portlen);
/* The help of one subcommand (CLI_DEFAULT: the overview with every subcommand). */
void cli_usage_for(FILE *f, enum cli_mode mode);

#endif
