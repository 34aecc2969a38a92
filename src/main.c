/* main: mode dispatch. Config problems and usage errors exit 3 (UNKNOWN) with one line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lgtmtop/canary.h"
#include "lgtmtop/diagnose.h"
#include "lgtmtop/cli.h"
#include "lgtmtop/commands.h"
#include "lgtmtop/config.h"
#include "lgtmtop/engine.h"
#include "lgtmtop/lint.h"
#include "lgtmtop/report.h"
#include "lgtmtop/serve.h"
#include "lgtmtop/state.h"
#include "lgtmtop/sweep.h"
#include "lgtmtop/tui.h"
#include "lgtmtop/util.h"
#include "lgtmtop/verdict.h"
#include "lgtmtop/version.h"

static bool want_color(const struct cli *cli, FILE *f)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (cli->no_color || (nc && *nc) || (term && strcmp(term, "dumb") == 0))
        return false;
    return isatty(fileno(f));
}

static int term_width(FILE *f)
{
    struct winsize ws;
    if (!isatty(fileno(f)) || ioctl(fileno(f), TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
        return 0;
    return ws.ws_col;
}

/* The config the command line names, with its overrides, into cfg. 0, or -1 with one line in
 * err (the discovery from Grafana prints its own lines first). Warnings go to stderr. */
static int load_config(const struct cli *cli, struct config *cfg, char *err, size_t errlen)
{
    char *path = cli->from_grafana ? NULL : config_find_file(cli->config_path, NULL, NULL);
    if (cli->from_grafana) {
        if (cmd_discover_config(cli, cfg, stderr)) {
            snprintf(err, errlen, "no config from Grafana at %s (see above)", cli->from_grafana);
            return -1;
        }
    } else if (path) {
        int rc = config_load_file(path, NULL, NULL, cfg, err, errlen);
        free(path);
        if (rc)
            return -1;
    } else {
        config_defaults(cfg, NULL, NULL);
    }
    if (cli->stack && config_select_stack(cfg, cli->stack, err, errlen))
        return -1;
    for (int k = 0; k < COMP_KIND_COUNT; k++)
        if (cli->urls[k])
            config_override_url(cfg, (enum comp_kind)k, cli->urls[k]);
    if (cli->only_mask)
        for (size_t i = 0; i < cfg->nstacks; i++)
            for (int k = 0; k < COMP_KIND_COUNT; k++)
                if (!(cli->only_mask & (1u << k)))
                    cfg->stacks[i].comp[k].enabled = false;
    if (cli->interval_ms)
        cfg->interval_ms = cli->interval_ms;
    if (cli->canary)
        canary_force_on(cfg);
    if (cli->timeout_ms) {
        cfg->timeout_ms = cli->timeout_ms;
        if (cfg->connect_timeout_ms > cfg->timeout_ms)
            cfg->connect_timeout_ms = cfg->timeout_ms;
    }
    if (config_load_secrets(cfg, err, errlen))
        return -1;
    engine_set_body_budget(cfg->body_budget);
    for (size_t i = 0; i < cfg->nwarnings; i++)
        fprintf(stderr, "lgtmtop: warning: %s\n", cfg->warnings[i]);
    return 0;
}

/* The first not-OK check, else the first finding, for --wait progress lines. */
static void first_problem(const struct state *s, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s", "");
    STATE_FOR_EACH_COMP (s, st, c)
        COMP_FOR_EACH_CHECK (c, cs)
            if (cs->ran && !cs->skipped && cs->status > ST_OK) {
                snprintf(out, outlen, "%s %s: %s", comp_kind_name(c->kind), cs->def->name, cs->summary);
                return;
            }
    struct finding f[1];
    if (diagnose(s, 0, f, 1))
        snprintf(out, outlen, "%s: %s", f[0].component, f[0].title);
}

static void run_sweep(struct engine *e, struct state *s, const struct config *cfg)
{
    sweep_start(e, s, cfg);
    while (sweep_busy(e))
        engine_run(e, -1, 1000);
    s->sweeps++;
    verdict_update(s, 0);
}

/* check --sample: one sweep leaves every counter with a single sample and no rate. Waits until
 * sample_ms after the first counter scrape (engine_run is the timer: nothing blocks), then re-runs
 * only the counter checks (CHECK_COUNTERS). Returns the window used, 0 when nothing needed it. */
static long sample_counters(struct engine *e, struct state *s, const struct config *cfg, long sample_ms)
{
    long long first = 0;
    bool need = false;
    STATE_FOR_EACH_COMP (s, st, c) {
        for (int k = 0; k < c->ncounters; k++)
            need |= c->counters[k].has_last && !c->counters[k].has_rate;
        COMP_FOR_EACH_CHECK (c, cs)
            if ((cs->def->flags & CHECK_COUNTERS) && cs->ran && cs->nvalues > 0 && (!first || cs->updated_ms < first))
                first = cs->updated_ms;
    }
    if (!need || sample_ms <= 0 || !first)
        return 0;
    for (long long until = first + sample_ms; now_mono_ms() < until;)
        engine_run(e, -1, (long)(until - now_mono_ms()));
    sweep_start_flagged(e, s, cfg, CHECK_COUNTERS);
    while (sweep_busy(e))
        engine_run(e, -1, 1000);
    verdict_update(s, 0); /* rates may add or clear flow findings */
    return sample_ms;
}

static int run_check(const struct cli *cli, const struct config *cfg)
{
    struct state s;
    if (state_init(&s, cfg, cli->stack, &sweep_checks)) {
        fprintf(stderr, "lgtmtop: no stack named '%s' in %s\n", cli->stack, cfg->path ? cfg->path : "the config");
        state_free(&s);
        return EXIT_UNKNOWN;
    }
    struct engine *e = engine_new();
    engine_set_max_inflight(e, cfg->max_in_flight);
    struct report_meta m = {.time_unix_ms = now_wall_ms(), .config_path = cfg->path};
    long long start = now_mono_ms(), deadline = start + cli->wait_ms;
    for (;;) {
        long long sweep_start_ms = now_mono_ms();
        run_sweep(e, &s, cfg);
        m.sweep_ms = (long)(now_mono_ms() - sweep_start_ms);
        if (!cli->wait_ms || report_exit_code(&s) == EXIT_OK_)
            break;
        long long now = now_mono_ms();
        if (now >= deadline)
            break;
        long pause = cfg->interval_ms;
        if (now + pause > deadline)
            pause = (long)(deadline - now);
        struct status_counts n = state_counts(&s);
        char problem[OBS_SUMMARY_LEN + 64], left[16];
        first_problem(&s, problem, sizeof(problem));
        fprintf(stderr, "lgtmtop: sweep %lu: %d FAIL, %d WARN (%s); %s left\n", s.sweeps, n.fail, n.warn, problem,
                duration_format((long)(deadline - now), left, sizeof(left)));
        for (long long until = now + pause; now_mono_ms() < until;)
            engine_run(e, -1, (long)(until - now_mono_ms()));
    }
    m.sample_ms = sample_counters(e, &s, cfg, cli->sample_ms);
    m.duration_ms = (long)(now_mono_ms() - start);
    m.sweeps = s.sweeps;
    m.now_mono_ms = now_mono_ms();
    m.now_wall_ms = now_wall_ms();
    if (cli->json) {
        char *doc = report_json(&s, &m);
        puts(doc);
        free(doc);
    } else {
        report_table(stdout, &s, &m, want_color(cli, stdout), term_width(stdout));
    }
    fflush(stdout);
    int code = report_exit_code(&s);
    engine_free(e);
    state_free(&s);
    return code;
}

int main(int argc, char **argv)
{
    alloc_init();
    if (argc > 1 && (strcmp(argv[1], "lint") == 0 || strcmp(argv[1], "dashboards") == 0))
        return lint_main(argc - 1, argv + 1);
    if (argc == 3 && strcmp(argv[1], "help") == 0 &&
        (strcmp(argv[2], "lint") == 0 || strcmp(argv[2], "dashboards") == 0)) {
        char *help[] = {(char *)"lint", (char *)"--help", NULL};
        return lint_main(2, help);
    }
    struct cli cli;
    char err[512];
    signal(SIGPIPE, SIG_IGN);
    if (cli_parse(argc, argv, &cli, err, sizeof(err))) {
        fprintf(stderr, "lgtmtop: %s\n", err);
        return EXIT_UNKNOWN;
    }
    switch (cli.mode) {
    case CLI_HELP: cli_usage_for(stdout, cli.help_for); return 0;
    case CLI_VERSION: version_print(stdout); return 0;
    case CLI_INIT: return cmd_init(&cli, stdout, stderr);
    case CLI_CONFIG_CHECK: return cmd_config_check(&cli, stdout, stderr);
    default: break;
    }
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    if (load_config(&cli, &cfg, err, sizeof err)) {
        fprintf(stderr, "lgtmtop: %s\n", err);
        config_free(&cfg);
        return EXIT_UNKNOWN;
    }
    int code;
    switch (cli.mode) {
    case CLI_TUI: code = tui_run(&cli, &cfg, load_config); break;
    case CLI_SERVE: code = serve_run(&cli, &cfg, load_config); break;
    case CLI_DEFAULT:
        code = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) ? tui_run(&cli, &cfg, load_config) : run_check(&cli, &cfg);
        break;
    default: code = run_check(&cli, &cfg); break;
    }
    config_free(&cfg);
    return code;
}
