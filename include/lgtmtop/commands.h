/* commands: the subcommands that are not a sweep (init, config check). Each returns the exit
 * code; data goes to out, messages to err. */
#ifndef LGTMTOP_COMMANDS_H
#define LGTMTOP_COMMANDS_H

#include <stdio.h>

#include "lgtmtop/cli.h"
#include "lgtmtop/config.h"

/* lgtmtop config check: validate, print resolved + redacted. 0 valid, 3 invalid. */
int cmd_config_check(const struct cli *cli, FILE *out, FILE *err);

/* lgtmtop init: discover and write a config. 0 written, 3 otherwise. */
int cmd_init(const struct cli *cli, FILE *out, FILE *err);

/* --from-grafana: the same discovery, parsed into cfg (for check and the live view). 0, or -1
 * after a message on err. */
int cmd_discover_config(const struct cli *cli, struct config *cfg, FILE *err);

#endif
