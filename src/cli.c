/* cli: getopt_long over a table of options; the subcommand is the first non-option word(s).
 * Each option row names the subcommands it applies to and its help line, so a subcommand's
 * --help and the check that an option belongs to it come from the same data. */
#include "lgtmtop/cli.h"

#include <getopt.h>
#include <stdint.h>
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
    OPT_FROM_GRAFANA,
    OPT_TOKEN_FILE,
    OPT_TOKEN,
    OPT_FORCE,
    OPT_STRICT,
    OPT_LISTEN,
    OPT_WEB_CONFIG,
};

/* Subcommand bits of an option row. */
#define M_TUI (1u << CLI_TUI)
#define M_CHECK (1u << CLI_CHECK)
#define M_INIT (1u << CLI_INIT)
#define M_CFG (1u << CLI_CONFIG_CHECK)
#define M_SERVE (1u << CLI_SERVE)
#define M_RUN (M_TUI | M_CHECK)
#define M_SWEEP (M_RUN | M_SERVE) /* every face that sweeps */
#define M_ALL (M_SWEEP | M_INIT | M_CFG)

struct opt_row {
    const char *name; /* long name */
    int val;          /* short letter or OPT_* */
    int has_arg;
    const char *arg;  /* "FILE" in the help, NULL without a value */
    unsigned modes;   /* subcommands the option applies to */
    unsigned help_in; /* subcommands whose help shows this row (0: modes) */
    const char *help; /* NULL: not shown; lines after the first indent to the help column */
};

static const struct opt_row opt_rows[] = {
        {"config", 'c', required_argument, "FILE", M_SWEEP | M_CFG, 0,
         "config file (default: $LGTMTOP_CONFIG, ./lgtmtop.yaml,\n$XDG_CONFIG_HOME/lgtmtop/config.yaml)"},
        {"stack", OPT_STACK, required_argument, "NAME", M_SWEEP | M_CFG, 0, "only this stack from the config"},
        {"mimir", OPT_MIMIR, required_argument, "URL", M_SWEEP, 0,
         "override or add a component's URL (also --loki, --tempo,\n--grafana, --prometheus)"},
        {"loki", OPT_LOKI, required_argument, "URL", M_SWEEP, 0, NULL},
        {"tempo", OPT_TEMPO, required_argument, "URL", M_SWEEP, 0, NULL},
        {"grafana", OPT_GRAFANA, required_argument, "URL", M_SWEEP | M_INIT, M_INIT,
         "the Grafana whose datasources become the config (without it:\nprobe the localhost defaults)"},
        {"prometheus", OPT_PROMETHEUS, required_argument, "URL", M_SWEEP, 0, NULL},
        {"from-grafana", OPT_FROM_GRAFANA, required_argument, "URL", M_SWEEP, 0,
         "no config file: discover the stack from this Grafana's\ndatasources (as lgtmtop init does)"},
        {"grafana-token-file", OPT_TOKEN_FILE, required_argument, "FILE", M_SWEEP | M_INIT, 0,
         "Grafana service account token for the discovery (default:\n$GRAFANA_TOKEN)"},
        {"grafana-token", OPT_TOKEN, required_argument, "TOKEN", M_SWEEP | M_INIT, 0,
         "the token itself (shows in the process list; prefer the file)"},
        {"output", 'o', required_argument, "FILE", M_INIT, 0, "write the config to FILE instead of stdout"},
        {"force", OPT_FORCE, no_argument, NULL, M_INIT, 0, "overwrite an existing -o FILE"},
        {"only", OPT_ONLY, required_argument, "LIST", M_SWEEP, 0,
         "only these components, e.g. --only tempo,grafana (custom\nchecks: checks)"},
        {"interval", 'i', required_argument, "DUR", M_SWEEP, 0, "sweep interval (default 5s)"},
        {"timeout", 't', required_argument, "DUR", M_SWEEP | M_INIT, 0, "per-request timeout (default 5s)"},
        {"json", OPT_JSON, no_argument, NULL, M_CHECK, 0, "print a JSON document instead of the table"},
        {"wait", OPT_WAIT, required_argument, "DUR", M_CHECK, 0, "repeat sweeps until all OK or DUR has passed"},
        {"sample", OPT_SAMPLE, required_argument, "DUR", M_CHECK, 0,
         "read the /metrics counters twice, DUR apart, to report\nflow rates (default 5s; 0 = off)"},
        {"strict", OPT_STRICT, no_argument, NULL, M_CFG, 0,
         "warnings (a ${VAR} that is not set, a token file readable by\nothers) fail the check too"},
        {"no-color", OPT_NO_COLOR, no_argument, NULL, M_RUN, 0, "no colors (also when NO_COLOR is set)"},
        {"ascii", OPT_ASCII, no_argument, NULL, M_RUN, M_TUI, "no Unicode drawing characters"},
        {"canary", OPT_CANARY, no_argument, NULL, M_SWEEP, 0,
         "write a test span/line/sample to Tempo, Loki and Mimir and\ntime until it is readable (writes data)"},
        {"listen", OPT_LISTEN, required_argument, "ADDR:PORT", M_SERVE, 0,
         "where to serve HTTP (default " CLI_DEFAULT_LISTEN "; :PORT = every\naddress)"},
        {"web.config.file", OPT_WEB_CONFIG, required_argument, "FILE", M_SERVE, 0,
         "exporter web config: basic_auth_users (bcrypt), TLS cert and key"},
        {"version", 'V', no_argument, NULL, M_ALL, 0, "print the version and the linked libraries' versions"},
        {"help", 'h', no_argument, NULL, M_ALL, 0, "this help"},
};

static const struct {
    const char *name;
    enum cli_mode mode;
    const char *usage;
    const char *about; /* for the overview */
    const char *epilog;
} commands[] = {
        {"tui", CLI_TUI, "lgtmtop [tui] [options]", "live view of the stack (default on a terminal)",
         "Keys: arrows/jk move, Enter drills down, Tab cycles panes, f findings, / filter,\n"
         "e changes, s stacks, r sweep now, p pause, ? help, q quit.\nDurations: 500ms, 5s, 1m30s, 2h.\n"},
        {"check", CLI_CHECK, "lgtmtop check [options]", "one sweep: table (or --json), findings, exit code",
         "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage or config error).\n"
         "Durations: 500ms, 5s, 1m30s, 2h.\n"},
        {"init", CLI_INIT, "lgtmtop init [--grafana URL] [-o FILE [--force]] [options]",
         "write a config discovered from Grafana's datasources",
         "Writes a commented config on stdout (or -o FILE): each Prometheus/Mimir, Loki and Tempo\n"
         "datasource becomes a component; without --grafana, the localhost defaults that answer.\n"
         "Token: --grafana-token-file, else --grafana-token, else $GRAFANA_TOKEN.\n"
         "Exit codes: 0 written, 3 nothing found, Grafana unreachable, or the file exists.\n"},
        {"config", CLI_CONFIG_CHECK, "lgtmtop config check [-c FILE] [--strict]",
         "validate a config; print it resolved, secrets redacted",
         "Prints the config with every ${VAR} expanded, defaults filled in and secrets redacted\n"
         "on stdout; problems as FILE:LINE: messages on stderr.\n"
         "Exit codes: 0 valid, 3 invalid (or, with --strict, a warning).\n"},
        {"serve", CLI_SERVE, "lgtmtop serve [--listen ADDR:PORT] [options]",
         "sweep on the interval; serve /metrics, a status page and JSON",
         "Paths: / status page, /metrics Prometheus exposition, /api/v1/status the check --json\n"
         "document, /-/healthy, /-/ready (after the first complete sweep).\n"
         "Signals: SIGTERM/SIGINT stop, SIGHUP reloads the config (a bad one keeps the old).\n"
         "Durations: 500ms, 5s, 1m30s, 2h.\n"},
        {"help", CLI_HELP, NULL, NULL, NULL},
        {"version", CLI_VERSION, NULL, NULL, NULL},
};

/* "check", "init", "config check", "tui", "" for CLI_DEFAULT. */
static const char *cli_mode_name(enum cli_mode mode)
{
    switch (mode) {
    case CLI_TUI: return "tui";
    case CLI_CHECK: return "check";
    case CLI_INIT: return "init";
    case CLI_CONFIG_CHECK: return "config check";
    case CLI_SERVE: return "serve";
    case CLI_HELP: return "help";
    case CLI_VERSION: return "version";
    default: return "";
    }
}

static void usage_row(FILE *f, const struct opt_row *r, const char *prefix)
{
    char lead[48];
    char shrt[8] = "    ";
    if (r->val < 128)
        snprintf(shrt, sizeof shrt, "-%c, ", r->val);
    snprintf(lead, sizeof lead, "  %s--%s%s%s", shrt, r->name, r->arg ? " " : "", r->arg ? r->arg : "");
    if (strlen(lead) >= 24)
        fprintf(f, "%s\n%25s", lead, "");
    else
        fprintf(f, "%-25s", lead);
    fputs(prefix, f);
    for (const char *p = r->help; *p; p++) {
        fputc(*p, f);
        if (*p == '\n')
            fprintf(f, "%25s", "");
    }
    fputc('\n', f);
}

static size_t command_index(enum cli_mode mode)
{
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (commands[i].mode == mode)
            return i;
    return 0;
}

void cli_usage_for(FILE *f, enum cli_mode mode)
{
    if (mode == CLI_DEFAULT || mode == CLI_HELP || mode == CLI_VERSION) {
        fputs("usage: lgtmtop [COMMAND] [options]\n\ncommands:\n", f);
        for (size_t i = 0; i < ARRAY_LEN(commands); i++)
            if (commands[i].about)
                fprintf(f, "  %-22s %s\n", commands[i].mode == CLI_CONFIG_CHECK ? "config check" : commands[i].name,
                        commands[i].about);
        fputs("  lint                   offline: a provisioning repo (dashboards, datasources, alerting,\n"
              "                         rule files, Tempo config); alias: dashboards lint\n"
              "\n"
              "Run lgtmtop COMMAND --help for a command's options (lgtmtop check --help).\n"
              "Without a command: the live view on a terminal, else check.\n"
              "\n"
              "options of the live view and check:\n",
              f);
        for (size_t i = 0; i < ARRAY_LEN(opt_rows); i++)
            if (opt_rows[i].help && ((opt_rows[i].help_in ? opt_rows[i].help_in : opt_rows[i].modes) & M_RUN))
                usage_row(f, &opt_rows[i], (opt_rows[i].modes & M_RUN) == M_CHECK ? "check: " : "");
        fputs("\nExit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. See lgtmtop(1), lgtmtop.yaml(5).\n", f);
        return;
    }
    size_t c = command_index(mode);
    unsigned bit = 1u << mode;
    fprintf(f, "usage: %s\n\n%s.\n\noptions:\n", commands[c].usage, commands[c].about);
    for (size_t i = 0; i < ARRAY_LEN(opt_rows); i++) {
        const struct opt_row *r = &opt_rows[i];
        if (r->help && ((r->help_in ? r->help_in : r->modes) & bit))
            usage_row(f, r, "");
    }
    fprintf(f, "\n%s", commands[c].epilog);
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

static int parse_url(const char *opt, const char *arg, const char **dst, char *err, size_t errlen)
{
    const char *why = config_check_url(arg);
    if (why) {
        snprintf(err, errlen, "--%s: %s", opt, why);
        return -1;
    }
    *dst = arg;
    return 0;
}

int cli_split_listen(const char *arg, char *host, size_t hostlen, char *port, size_t portlen)
{
    const char *colon = strrchr(arg, ':');
    const char *h = arg;
    size_t hl;
    if (!colon)
        return -1;
    if (arg[0] == '[') { /* [::1]:9689 */
        const char *close = strchr(arg, ']');
        if (!close || close + 1 != colon)
            return -1;
        h = arg + 1;
        hl = (size_t)(close - h);
    } else {
        hl = (size_t)(colon - arg);
        if (memchr(arg, ':', hl)) /* a bare IPv6 address needs brackets */
            return -1;
    }
    const char *p = colon + 1;
    char *end;
    long n = strtol(p, &end, 10);
    if (!*p || *end || n < 0 || n > 65535 || strlen(p) >= portlen || hl >= hostlen)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    snprintf(port, portlen, "%s", p);
    return 0;
}

/* One option's value into out. */
static int apply_opt(int ch, const char *arg, struct cli *out, char *err, size_t errlen)
{
    switch (ch) {
    case 'c': out->config_path = arg; break;
    case OPT_STACK: out->stack = arg; break;
    case OPT_MIMIR:
    case OPT_LOKI:
    case OPT_TEMPO:
    case OPT_GRAFANA:
    case OPT_PROMETHEUS:
        return parse_url(comp_kind_name((enum comp_kind)(ch - OPT_MIMIR)), arg, &out->urls[ch - OPT_MIMIR], err,
                         errlen);
    case OPT_FROM_GRAFANA: return parse_url("from-grafana", arg, &out->from_grafana, err, errlen);
    case OPT_TOKEN_FILE: out->grafana_token_file = arg; break;
    case OPT_TOKEN: out->grafana_token = arg; break;
    case 'o': out->output = arg; break;
    case OPT_FORCE: out->force = true; break;
    case OPT_STRICT: out->strict = true; break;
    case OPT_LISTEN:
        if (cli_split_listen(arg, out->listen_host, sizeof out->listen_host, out->listen_port,
                             sizeof out->listen_port)) {
            snprintf(err, errlen, "--listen: bad address '%s' (use ADDR:PORT, [IPv6]:PORT or :PORT)", arg);
            return -1;
        }
        out->listen = arg;
        break;
    case OPT_WEB_CONFIG: out->web_config = arg; break;
    case OPT_ONLY: return parse_only(arg, &out->only_mask, err, errlen);
    case 'i': return parse_dur("--interval", arg, &out->interval_ms, err, errlen);
    case 't': return parse_dur("--timeout", arg, &out->timeout_ms, err, errlen);
    case OPT_WAIT: return parse_dur("--wait", arg, &out->wait_ms, err, errlen);
    case OPT_JSON: out->json = true; break;
    case OPT_NO_COLOR: out->no_color = true; break;
    case OPT_ASCII: out->ascii = true; break;
    case OPT_CANARY: out->canary = true; break;
    case OPT_SAMPLE:
        out->sample_set = true;
        if (strcmp(arg, "0") == 0 || strcmp(arg, "0s") == 0 || strcmp(arg, "0ms") == 0)
            out->sample_ms = 0;
        else
            return parse_dur("--sample", arg, &out->sample_ms, err, errlen);
        break;
    default: break;
    }
    return 0;
}

/* The subcommand from the words that are not options, in order; *used counts those taken. */
static int parse_command(int nwords, char **words, int *used, struct cli *out, char *err, size_t errlen)
{
    int w = 0;
    *used = 0;
    if (w >= nwords)
        return 0;
    const char *word = words[w++];
    size_t i;
    for (i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(word, commands[i].name) == 0)
            break;
    if (i == ARRAY_LEN(commands)) {
        snprintf(err, errlen, "unknown command '%s' (use check, tui, serve, init or config check; see lgtmtop --help)",
                 word);
        return -1;
    }
    enum cli_mode mode = commands[i].mode;
    if (mode == CLI_CONFIG_CHECK) {
        bool has_check = w < nwords && strcmp(words[w], "check") == 0;
        if (!has_check && out->mode == CLI_HELP) {
            out->help_for = mode;
            *used = w;
            return 0;
        }
        if (!has_check) {
            snprintf(err, errlen, "'lgtmtop config' needs a subcommand: lgtmtop config check [-c FILE]");
            return -1;
        }
        w++;
    }
    if (mode == CLI_HELP && w < nwords) { /* lgtmtop help check */
        const char *what = words[w++];
        out->help_for = CLI_DEFAULT;
        for (size_t j = 0; j < ARRAY_LEN(commands); j++)
            if (strcmp(what, commands[j].name) == 0 && commands[j].about)
                out->help_for = commands[j].mode;
        if (out->help_for == CLI_CONFIG_CHECK && w < nwords && strcmp(words[w], "check") == 0)
            w++;
    }
    *used = w;
    if (out->mode == CLI_HELP || out->mode == CLI_VERSION) { /* -h / -V seen: help of this command */
        out->help_for = mode;
        return 0;
    }
    out->mode = mode;
    return 0;
}

int cli_parse(int argc, char **argv, struct cli *out, char *err, size_t errlen)
{
    struct option long_opts[ARRAY_LEN(opt_rows) + 1];
    char shorts[64] = "-:"; /* '-': words come back in order (options anywhere, even with POSIXLY_CORRECT) */
    size_t ns = 2;
    char **words = xcalloc((size_t)argc + 1, sizeof *words);
    int nwords = 0, used = 0, rc = -1;
    uint64_t seen = 0;
    memset(out, 0, sizeof(*out));
    (void)cli_split_listen(CLI_DEFAULT_LISTEN, out->listen_host, sizeof out->listen_host, out->listen_port,
                           sizeof out->listen_port);
    memset(long_opts, 0, sizeof long_opts);
    out->sample_ms = CLI_DEFAULT_SAMPLE_MS;
    err[0] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(opt_rows); i++) {
        long_opts[i] = (struct option){opt_rows[i].name, opt_rows[i].has_arg, NULL, opt_rows[i].val};
        if (opt_rows[i].val < 128 && ns + 3 < sizeof shorts) {
            shorts[ns++] = (char)opt_rows[i].val;
            if (opt_rows[i].has_arg)
                shorts[ns++] = ':';
        }
    }
    shorts[ns] = '\0';
    optind = 0; /* GNU: full reinitialisation, so the parser can run more than once */
    opterr = 0;
    int ch;
    bool help = false, version = false;
    while ((ch = getopt_long(argc, argv, shorts, long_opts, NULL)) != -1) {
        if (ch == 1) {
            words[nwords++] = optarg;
            continue;
        }
        if (ch == ':') {
            snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
            goto out;
        }
        size_t row = 0;
        while (row < ARRAY_LEN(opt_rows) && opt_rows[row].val != ch)
            row++;
        if (row == ARRAY_LEN(opt_rows)) {
            snprintf(err, errlen, "unknown option %s (see lgtmtop --help)", argv[optind - 1]);
            goto out;
        }
        seen |= (uint64_t)1 << row;
        help |= ch == 'h';
        version |= ch == 'V';
        if (apply_opt(ch, optarg, out, err, errlen))
            goto out;
    }
    while (optind < argc) /* after "--" */
        words[nwords++] = argv[optind++];
    if (help || version)
        out->mode = help ? CLI_HELP : CLI_VERSION;
    if (parse_command(nwords, words, &used, out, err, errlen))
        goto out;
    rc = 0;
    if (out->mode == CLI_HELP || out->mode == CLI_VERSION)
        goto out;
    rc = -1;
    if (used < nwords) {
        snprintf(err, errlen, "unexpected argument '%s'", words[used]);
        goto out;
    }
    if ((out->json || out->wait_ms || out->sample_set) && out->mode == CLI_DEFAULT)
        out->mode = CLI_CHECK; /* --json, --wait, --sample only make sense for a one-shot check */
    unsigned bit = out->mode == CLI_DEFAULT ? M_RUN : 1u << out->mode;
    for (size_t i = 0; i < ARRAY_LEN(opt_rows); i++) {
        if (!(seen & ((uint64_t)1 << i)) || (opt_rows[i].modes & bit))
            continue;
        char where[64] = "";
        for (int m = CLI_TUI; m <= CLI_SERVE; m++)
            if (opt_rows[i].modes & (1u << m) && m != CLI_HELP && m != CLI_VERSION)
                snprintf(where + strlen(where), sizeof where - strlen(where), "%s'lgtmtop %s'", *where ? " and " : "",
                         cli_mode_name((enum cli_mode)m));
        snprintf(err, errlen, "--%s only applies to %s", opt_rows[i].name, where);
        goto out;
    }
    if (out->from_grafana && out->config_path) {
        snprintf(err, errlen, "--from-grafana and -c exclude each other: the stack comes from Grafana or the file");
        goto out;
    }
    if ((out->grafana_token_file || out->grafana_token) && out->mode != CLI_INIT && !out->from_grafana) {
        snprintf(err, errlen, "--grafana-token%s needs --from-grafana (or lgtmtop init)",
                 out->grafana_token_file ? "-file" : "");
        goto out;
    }
    if (out->force && !out->output) {
        snprintf(err, errlen, "--force only makes sense with -o FILE");
        goto out;
    }
    rc = 0;
out:
    free(words);
    return rc;
}
