/* tui: the live ncurses view (`lgtmtop` on a terminal, `lgtmtop tui`). */
#ifndef LGTMTOP_TUI_H
#define LGTMTOP_TUI_H

#include "lgtmtop/cli.h"
#include "lgtmtop/config.h"

/* Runs the live view until the user quits (q, Ctrl-C), SIGTERM arrives or the terminal goes
 * away; the terminal is restored on every way out, fatal errors included. Sweeps every
 * cfg->interval_ms on one thread: the UI never waits on the network. SIGHUP reloads the config
 * through `load` (a config that does not load is shown in the footer and the running one kept;
 * a good one replaces cfg's contents when the running sweep ends). Returns the process exit
 * code: 0 after q or Ctrl-C, 128+signal after SIGTERM, 3 when the view cannot start (no
 * terminal, unknown TERM, no such stack). */
int tui_run(const struct cli *cli, struct config *cfg, cli_load_fn load);

#endif
