/* cli: arguments -> mode and overrides. Pure apart from getopt's own globals. */
#ifndef LGTMTOP_CLI_H
#define LGTMTOP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lgtmtop/config.h"

enum cli_mode { CLI_DEFAULT = 0, CLI_TUI, CLI_CHECK, CLI_HELP, CLI_VERSION };

/* `check` samples the /metrics counters twice, this far apart, to report rates. */
#define CLI_DEFAULT_SAMPLE_MS 5000L

struct cli {
    enum cli_mode mode;
    const char *config_path;           /* -c */
    const char *stack;                 /* --stack */
    const char *urls[COMP_KIND_COUNT]; /* --mimir ... --prometheus */
    unsigned only_mask;                /* --only: bit per comp_kind, 0 = all */
    long interval_ms;                  /* -i, 0 = config */
    long timeout_ms;                   /* -t, 0 = config */
    long wait_ms;                      /* check --wait, 0 = one sweep */
    bool json;                         /* check --json */
    bool no_color;
    bool ascii;
    bool canary;     /* --canary: canaries on for every stack */
    long sample_ms;  /* check --sample: counter sampling window, 0 = off */
    bool sample_set; /* --sample was given */
};

/* Parses argv (argv[0] is the program). Returns 0, or -1 with a one-line message in err. */
int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen);
void cli_usage(FILE *f);

#endif
