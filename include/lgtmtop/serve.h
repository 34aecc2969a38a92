/* serve: `lgtmtop serve`, the exporter face. Sweeps headless on the interval and answers HTTP
 * (libmicrohttpd, external epoll) from the same loop as the sweeps: engine_run waits on curl's
 * sockets and on the daemon's epoll fd at once, so a request reads the state between two turns
 * of the loop, without threads or locks, and never waits for a sweep or a hanging component.
 *
 *   /               status page (page.h)
 *   /metrics        Prometheus text exposition (metrics.h)
 *   /api/v1/status  the `check --json` document of the latest complete sweep (report.h)
 *   /-/healthy      200 while the process runs
 *   /-/ready        200 after the first complete sweep, 503 before
 *
 * SIGTERM and SIGINT stop it (exit 0); SIGHUP reloads the config through `load` (main's loader,
 * so a reload reads exactly what the start did; a config that does not load is reported, and
 * the old one kept). */
#ifndef LGTMTOP_SERVE_H
#define LGTMTOP_SERVE_H

#include <stddef.h>

#include "lgtmtop/cli.h"
#include "lgtmtop/config.h"

/* Runs until SIGTERM/SIGINT. cfg is the loaded config; a reload replaces its contents (the
 * caller still frees it). Returns the exit code: 0 after a signal, 3 when it cannot listen. */
int serve_run(const struct cli *cli, struct config *cfg, cli_load_fn load);

#endif
