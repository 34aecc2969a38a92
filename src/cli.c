/* cli: getopt_long over a table of options; the subcommand is the first non-option word. */
#include "lgtmtop/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/util.h"

enum {
    OPT_STACK = 256,
    OPT_MIMIR,
    OPT_LOKI,
    OPT_TEMPO,
    OPT_GRAFANA,
    OPT_PROMETHEUS,
    OPT_ONLY,
    OPT_JSON,
    OPT_WAIT,
    OPT_NO_COLOR,
    OPT_ASCII,
    OPT_CANARY,
    OPT_SAMPLE,
};

static const struct option long_opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"stack", required_argument, NULL, OPT_STACK},
        {"mimir", required_argument, NULL, OPT_MIMIR},
        {"loki", required_argument, NULL, OPT_LOKI},
        {"tempo", required_argument, NULL, OPT_TEMPO},
        {"grafana", required_argument, NULL, OPT_GRAFANA},
        {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
        {"only", required_argument, NULL, OPT_ONLY},
        {"interval", required_argument, NULL, 'i'},
        {"timeout", required_argument, NULL, 't'},
        {"json", no_argument, NULL, OPT_JSON},
        {"wait", required_argument, NULL, OPT_WAIT},
        {"no-color", no_argument, NULL, OPT_NO_COLOR},
        {"ascii", no_argument, NULL, OPT_ASCII},
        {"canary", no_argument, NULL, OPT_CANARY},
        {"sample", required_argument, NULL, OPT_SAMPLE},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

static const struct {
    const char *name;
    enum cli_mode mode;
} commands[] = {
        {"check", CLI_CHECK},
        {"tui", CLI_TUI},
        {"help", CLI_HELP},
        {"version", CLI_VERSION},
};

void cli_usage(FILE *f)
{
    fputs("usage: lgtmtop [tui|check] [options]\n"
          "       lgtmtop dashboards lint [--datasources FILE] [--uid UID] PATH...\n"
          "\n"
          "  lgtmtop [tui]          live view of the stack (default on a terminal)\n"
          "  lgtmtop check          one sweep: table on stdout, exit code 0 OK, 1 WARNING,\n"
          "                         2 CRITICAL, 3 UNKNOWN\n"
          "  lgtmtop dashboards lint  offline: dashboard JSON files vs datasource uids\n"
          "                         (lgtmtop dashboards lint --help)\n"
          "\n"
          "options:\n"
          "  -c, --config FILE      config file (default: $LGTMTOP_CONFIG, ./lgtmtop.yaml,\n"
          "                         $XDG_CONFIG_HOME/lgtmtop/config.yaml)\n"
          "      --stack NAME       only this stack from the config\n"
          "      --mimir URL        override or add a component's URL (also --loki, --tempo,\n"
          "                         --grafana, --prometheus)\n"
          "      --only LIST        only these components, e.g. --only tempo,grafana (custom\n"
          "                         checks: checks)\n"
          "  -i, --interval DUR     sweep interval (default 5s)\n"
          "  -t, --timeout DUR      per-request timeout (default 5s)\n"
          "      --json             check: print a JSON document instead of the table\n"
          "      --wait DUR         check: repeat sweeps until all OK or DUR has passed\n"
          "      --sample DUR       check: read the /metrics counters twice, DUR apart, to\n"
          "                         report flow rates (default 5s; 0 = off)\n"
          "      --no-color         no colors (also when NO_COLOR is set)\n"
          "      --ascii            no Unicode drawing characters\n"
          "      --canary           write a test span/line/sample to Tempo, Loki and Mimir and\n"
          "                         time until it is readable (writes data; see the README)\n"
          "  -V, --version          print the version\n"
          "  -h, --help             this help\n"
          "\n"
          "Durations: 500ms, 5s, 1m30s, 2h.\n",
          f);
}

static int parse_only(const char *list, unsigned *mask, char *err, size_t errlen)
{
    char *copy = xstrdup(list), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int k = comp_kind_from_name(tok);
        if (k < 0) {
            snprintf(err, errlen,
                     "--only: unknown component '%s' (use mimir, loki, tempo, grafana, prometheus, checks)", tok);
            rc = -1;
            break;
        }
        *mask |= 1u << k;
    }
    free(copy);
    return rc;
}

static int parse_dur(const char *opt, const char *arg, long *out, char *err, size_t errlen)
{
    long v = duration_parse_ms(arg);
    if (v <= 0) {
        snprintf(err, errlen, "%s: bad duration '%s' (use e.g. 500ms, 5s, 1m)", opt, arg);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->sample_ms = CLI_DEFAULT_SAMPLE_MS;
    err[0] = '\0';
    optind = 0; /* GNU: full reinitialisation, so the parser can run more than once */
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":c:i:t:Vh", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'c': out->config_path = optarg; break;
        case OPT_STACK: out->stack = optarg; break;
        case OPT_MIMIR:
        case OPT_LOKI:
        case OPT_TEMPO:
        case OPT_GRAFANA:
        case OPT_PROMETHEUS: {
            const char *why = config_check_url(optarg);
            if (why) {
                snprintf(err, errlen, "--%s: %s", comp_kind_name((enum comp_kind)(ch - OPT_MIMIR)), why);
                return -1;
            }
            out->urls[ch - OPT_MIMIR] = optarg;
            break;
        }
        case OPT_ONLY:
            if (parse_only(optarg, &out->only_mask, err, errlen))
                return -1;
            break;
        case 'i':
            if (parse_dur("--interval", optarg, &out->interval_ms, err, errlen))
                return -1;
            break;
        case 't':
            if (parse_dur("--timeout", optarg, &out->timeout_ms, err, errlen))
                return -1;
            break;
        case OPT_WAIT:
            if (parse_dur("--wait", optarg, &out->wait_ms, err, errlen))
                return -1;
            break;
        case OPT_JSON: out->json = true; break;
        case OPT_NO_COLOR: out->no_color = true; break;
        case OPT_ASCII: out->ascii = true; break;
        case OPT_CANARY: out->canary = true; break;
        case OPT_SAMPLE:
            out->sample_set = true;
            if (strcmp(optarg, "0") == 0 || strcmp(optarg, "0s") == 0 || strcmp(optarg, "0ms") == 0)
                out->sample_ms = 0;
            else if (parse_dur("--sample", optarg, &out->sample_ms, err, errlen))
                return -1;
            break;
        case 'V': out->mode = CLI_VERSION; return 0;
        case 'h': out->mode = CLI_HELP; return 0;
        case ':': snprintf(err, errlen, "option %s needs a value", argv[optind - 1]); return -1;
        default: snprintf(err, errlen, "unknown option %s (see lgtmtop --help)", argv[optind - 1]); return -1;
        }
    }
    if (optind < argc) {
        const char *word = argv[optind++];
        size_t i;
        for (i = 0; i < ARRAY_LEN(commands); i++)
            if (strcmp(word, commands[i].name) == 0)
                break;
        if (i == ARRAY_LEN(commands)) {
            snprintf(err, errlen, "unknown command '%s' (use check or tui; see lgtmtop --help)", word);
            return -1;
        }
        out->mode = commands[i].mode;
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if ((out->json || out->wait_ms || out->sample_set) && out->mode == CLI_DEFAULT)
        out->mode = CLI_CHECK; /* --json, --wait, --sample only make sense for a one-shot check */
    if ((out->json || out->wait_ms || out->sample_set) && out->mode != CLI_CHECK) {
        snprintf(err, errlen, "%s only applies to 'lgtmtop check'",
                 out->json      ? "--json"
                 : out->wait_ms ? "--wait"
                                : "--sample");
        return -1;
    }
    return 0;
}
