/* cmd_config: `lgtmtop config check` — nginx -t for lgtmtop. Loads the config exactly as a run
 * would (file lookup, ${VAR}, secret files), prints it resolved and redacted on stdout, and
 * every problem as FILE:LINE: on stderr. */
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/commands.h"
#include "lgtmtop/config_dump.h"
#include "lgtmtop/report.h"
#include "lgtmtop/util.h"

/* A variable a value needed that is not set and has no default (and no warning yet). */
static bool var_warn(const struct config *cfg, const struct config_var *v)
{
    char because[160];
    if (v->set || v->has_default)
        return false;
    snprintf(because, sizeof because, "because %s is not set", v->name);
    for (size_t i = 0; i < cfg->nwarnings; i++)
        if (strstr(cfg->warnings[i], because))
            return false;
    return true;
}

int cmd_config_check(const struct cli *cli, FILE *out, FILE *err)
{
    char msg[512];
    struct config cfg;
    char *path = config_find_file(cli->config_path, NULL, NULL);
    if (!path) {
        fprintf(err, "lgtmtop: no config file found (looked for $LGTMTOP_CONFIG, ./lgtmtop.yaml,"
                     " $XDG_CONFIG_HOME/lgtmtop/config.yaml) — pass -c FILE, or write one with lgtmtop init\n");
        return EXIT_UNKNOWN;
    }
    if (config_load_file(path, NULL, NULL, &cfg, msg, sizeof msg)) {
        fprintf(err, "lgtmtop: %s\n", msg);
        free(path);
        return EXIT_UNKNOWN;
    }
    int rc = 0;
    if (cli->stack && config_select_stack(&cfg, cli->stack, msg, sizeof msg))
        rc = -1;
    if (!rc && config_load_secrets(&cfg, msg, sizeof msg))
        rc = -1;
    if (rc) {
        fprintf(err, "lgtmtop: %s\n", msg);
        config_free(&cfg);
        free(path);
        return EXIT_UNKNOWN;
    }
    size_t nwarn = cfg.nwarnings;
    for (size_t i = 0; i < cfg.nwarnings; i++)
        fprintf(err, "lgtmtop: warning: %s\n", cfg.warnings[i]);
    for (size_t i = 0; i < cfg.nvars; i++)
        if (var_warn(&cfg, &cfg.vars[i])) {
            fprintf(err,
                    "lgtmtop: warning: %s:%d: %s: ${%s} is not set — it expands to nothing; set it, or write ${%s:-default}\n",
                    path, cfg.vars[i].line, cfg.vars[i].keypath, cfg.vars[i].name, cfg.vars[i].name);
            nwarn++;
        }
    char *text = config_dump(&cfg);
    fputs(text, out);
    fflush(out);
    free(text);
    size_t ncomp = 0, nchecks = 0;
    for (size_t i = 0; i < cfg.nstacks; i++) {
        for (int k = 0; k < COMP_CHECKS; k++)
            ncomp += cfg.stacks[i].comp[k].enabled;
        nchecks += cfg.stacks[i].nchecks;
    }
    bool fail = cli->strict && nwarn > 0;
    fprintf(err, "lgtmtop: %s: %s: %zu stack%s, %zu component%s, %zu custom check%s, %zu warning%s%s\n", path,
            fail ? "config has warnings (--strict)" : "config OK", cfg.nstacks, cfg.nstacks == 1 ? "" : "s", ncomp,
            ncomp == 1 ? "" : "s", nchecks, nchecks == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s", "");
    config_free(&cfg);
    free(path);
    return fail ? EXIT_UNKNOWN : 0;
}
