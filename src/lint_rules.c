/* lint_rules: Prometheus / Loki / Mimir rule files (groups of alerting and recording rules), read
 * as Prometheus's rulefmt reads them: strict fields, a group name once per file, each rule
 * either alert or record with a non-empty expr, durations (for, keep_firing_for, interval,
 * query_offset) in Prometheus syntax, valid metric and label names. The query language is
 * promtool's job: when promtool is on the PATH, `promtool check rules FILE` runs on PromQL files
 * and its verdict is folded in; LogQL files (Loki) are not given to it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lgtmtop/util.h"
#include "lint_impl.h"

#define PROMTOOL_MAX_OUTPUT (64 * 1024)

/* Prometheus durations: [0-9]+ with units y w d h m s ms, largest first, each at most once;
 * "0" alone is allowed. */
static bool prom_duration(const char *s)
{
    static const char *const units[] = {"y", "w", "d", "h", "m", "s", "ms"};
    if (strcmp(s, "0") == 0)
        return true;
    size_t next = 0;
    const char *p = s;
    if (!*p)
        return false;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
        size_t u = next;
        for (; u < ARRAY_LEN(units); u++) {
            size_t n = strlen(units[u]);
            /* "m" must not eat the "m" of "ms" */
            if (strncmp(p, units[u], n) == 0 && !(u == 4 && p[1] == 's'))
                break;
        }
        if (u == ARRAY_LEN(units))
            return false;
        p += strlen(units[u]);
        next = u + 1;
    }
    return true;
}

static bool metric_name(const char *s, bool colons)
{
    if (!s || !*s || isdigit((unsigned char)*s))
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && !(colons && *p == ':'))
            return false;
    return true;
}

static bool in_list(const char *k, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(k, list[i]) == 0)
            return true;
    return false;
}

/* LogQL rather than PromQL: a stream selector with a pipeline or as a range function's
 * argument ("{app=\"x\"} |= ...", "count_over_time({app=\"x\"}[5m])"). */
static bool looks_logql(const char *e)
{
    static const char *const marks[] = {
            "|=",        "|~",       "!~ \"",    "| json",         "| logfmt",    "| line_format",
            "| pattern", "| regexp", "| unpack", "| label_format", "| decolorize"};
    for (size_t i = 0; i < ARRAY_LEN(marks); i++)
        if (strstr(e, marks[i]))
            return true;
    const char *p = e;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '{')
        return true;
    for (const char *q = strstr(e, "_over_time("); q; q = strstr(q + 1, "_over_time(")) {
        const char *a = q + strlen("_over_time(");
        while (isspace((unsigned char)*a))
            a++;
        if (*a == '{')
            return true;
    }
    return false;
}

static void check_duration(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *map,
                           const char *key, const char *where, const char *path)
{
    yaml_node_t *n = ly_get(doc, map, key);
    const char *v = ly_str(n);
    if (!n)
        return;
    if (!v || !prom_duration(v)) {
        char *p = xasprintf("%s.%s", path, key);
        lint_set_path(lint_add(r, f, ly_line(n), LINT_ERROR, "invalid-duration", where,
                               "%s: \"%s\" is not a Prometheus duration (such as 30s, 5m, 1h30m)", key, v ? v : ""),
                      p);
        free(p);
    }
}

static void check_keys(struct lint_run *r, struct lint_file *f, yaml_document_t *doc, yaml_node_t *map,
                       const char *const *known, size_t nknown, enum lint_sev sev, const char *where, const char *path,
                       const char *what)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        const char *key = ly_str(k);
        if (key && !in_list(key, known, nknown))
            lint_set_path(lint_add(r, f, ly_line(k), sev, "unknown-field", where,
                                   "field \"%s\" is not a field of a %s%s", key, what,
                                   sev == LINT_ERROR ? ": Prometheus refuses the file" : ""),
                          path);
    }
}

static bool any_logql(yaml_document_t *doc, yaml_node_t *root)
{
    LY_SEQ_EACH(doc, ly_get(doc, root, "groups"), g)
    LY_SEQ_EACH(doc, ly_get(doc, LY_ITEM(doc, g), "rules"), ri)
    {
        const char *e = ly_str(ly_get(doc, LY_ITEM(doc, ri), "expr"));
        if (e && looks_logql(e))
            return true;
    }
    return false;
}

/* ---- promtool ---- */

static bool promtool_found(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *dup = xstrdup(path);
    bool found = false;
    for (char *save = NULL, *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char *p = xasprintf("%s/promtool", *d ? d : ".");
        found = access(p, X_OK) == 0;
        free(p);
    }
    free(dup);
    return found;
}

/* Runs promtool check rules FILE; its exit status, its output (stdout and stderr) in *out. */
static int promtool_run(const char *file, char **out)
{
    int fds[2];
    *out = NULL;
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp("promtool", "promtool", "check", "rules", file, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    struct buf b;
    buf_init(&b);
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && b.len < PROMTOOL_MAX_OUTPUT)
            buf_append(&b, chunk, (size_t)n);
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    buf_putc(&b, '\0');
    *out = buf_steal(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void promtool_fold(struct lint_run *r, struct lint_file *f, bool own_errors)
{
    char *out;
    int rc = promtool_run(f->path, &out);
    if (rc == 0 || rc == 127 || rc < 0) {
        if (rc != 0)
            lint_add(r, f, 0, LINT_NOTE, "promtool", NULL, "promtool check rules could not run: PromQL not checked");
        free(out);
        return;
    }
    size_t plen = strlen(f->path);
    int added = 0;
    for (char *save = NULL, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        while (*l == ' ')
            l++;
        if (strncmp(l, f->path, plen) != 0 || strncmp(l + plen, ": ", 2) != 0)
            continue; /* "Checking FILE", "FAILED:" */
        const char *msg = l + plen + 2;
        int line = 0;
        char *end;
        long ln = strtol(msg, &end, 10);
        if (end != msg && *end == ':') {
            line = (int)ln;
            strtol(end + 1, &end, 10);
            if (*end == ':')
                msg = end + 1;
            while (*msg == ' ')
                msg++;
        }
        /* the structure is checked above; what promtool adds is the query language */
        if (own_errors && !strstr(msg, "parse") && !strstr(msg, "expression"))
            continue;
        lint_add(r, f, line, LINT_ERROR, "promtool", NULL, "promtool check rules: %s", msg);
        added++;
    }
    if (!added && !own_errors)
        lint_add(r, f, 0, LINT_ERROR, "promtool", NULL, "promtool check rules failed (exit %d)", rc);
    free(out);
}

/* ---- the file ---- */

void lint_rules_check(struct lint_run *r, struct lint_file *f)
{
    static const char *const top_keys[] = {"groups"};
    static const char *const group_keys[] = {"name",           "interval",         "limit",
                                             "rules",          "query_offset",     "labels",
                                             "source_tenants", "evaluation_delay", "align_evaluation_time_on_interval"};
    static const char *const rule_keys[] = {"alert",           "record", "expr",       "for",
                                            "keep_firing_for", "labels", "annotations"};
    size_t before = r->nf;
    bool logql = false;
    for (size_t k = 0; k < f->ndocs; k++) {
        yaml_document_t *doc = &f->docs[k];
        yaml_node_t *root = ly_root(f, k);
        if (!root)
            continue;
        logql = logql || any_logql(doc, root);
        check_keys(r, f, doc, root, top_keys, ARRAY_LEN(top_keys), LINT_ERROR, NULL, NULL, "rule file");
        size_t gi = 0;
        LY_SEQ_EACH(doc, ly_get(doc, root, "groups"), git)
        {
            yaml_node_t *g = LY_ITEM(doc, git);
            char gp[48];
            snprintf(gp, sizeof(gp), "groups[%zu]", gi++);
            const char *name = ly_str(ly_get(doc, g, "name"));
            char *gwhere = xasprintf("group \"%s\"", name ? name : "?");
            if (!name)
                lint_set_path(
                        lint_add(r, f, ly_line(g), LINT_ERROR, "group-without-name", gwhere, "a group needs a name"),
                        gp);
            /* a name given twice in the same file */
            for (yaml_node_item_t *e = ly_get(doc, root, "groups")->data.sequence.items.start; name && e < git; e++) {
                const char *other = ly_str(ly_get(doc, LY_ITEM(doc, e), "name"));
                if (other && strcmp(other, name) == 0) {
                    lint_set_path(lint_add(r, f, ly_line(ly_get(doc, g, "name")), LINT_ERROR, "duplicate-group", gwhere,
                                           "group name \"%s\" is repeated in this file (first at line %d): "
                                           "Prometheus refuses the file",
                                           name, ly_line(LY_ITEM(doc, e))),
                                  gp);
                    break;
                }
            }
            check_keys(r, f, doc, g, group_keys, ARRAY_LEN(group_keys), LINT_WARNING, gwhere, gp, "rule group");
            check_duration(r, f, doc, g, "interval", gwhere, gp);
            check_duration(r, f, doc, g, "query_offset", gwhere, gp);
            check_duration(r, f, doc, g, "evaluation_delay", gwhere, gp);
            yaml_node_t *rules = ly_get(doc, g, "rules");
            if (!rules || rules->type != YAML_SEQUENCE_NODE)
                lint_set_path(lint_add(r, f, ly_line(g), LINT_WARNING, "group-without-rules", gwhere, "no rules list"),
                              gp);
            size_t ri = 0;
            LY_SEQ_EACH(doc, rules, rit)
            {
                yaml_node_t *rule = LY_ITEM(doc, rit);
                char *rp = xasprintf("%s.rules[%zu]", gp, ri++);
                const char *alert = ly_str(ly_get(doc, rule, "alert")), *record = ly_str(ly_get(doc, rule, "record"));
                char *where = alert    ? xasprintf("%s, alert \"%s\"", gwhere, alert)
                              : record ? xasprintf("%s, record \"%s\"", gwhere, record)
                                       : xasprintf("%s, rule %zu", gwhere, ri);
                int line = ly_line(rule);
                check_keys(r, f, doc, rule, rule_keys, ARRAY_LEN(rule_keys), LINT_ERROR, where, rp, "rule");
                if (alert && record)
                    lint_set_path(lint_add(r, f, line, LINT_ERROR, "alert-and-record", where,
                                           "a rule is either alert or record, not both"),
                                  rp);
                else if (!alert && !record)
                    lint_set_path(lint_add(r, f, line, LINT_ERROR, "rule-without-name", where,
                                           "a rule needs alert: NAME or record: NAME"),
                                  rp);
                if (record && !metric_name(record, true))
                    lint_set_path(lint_add(r, f, ly_line(ly_get(doc, rule, "record")), LINT_ERROR,
                                           "invalid-record-name", where, "record: \"%s\" is not a valid metric name",
                                           record),
                                  rp);
                yaml_node_t *expr = ly_get(doc, rule, "expr");
                const char *e = ly_str(expr);
                if (!e || !*e || strspn(e, " \t\r\n") == strlen(e))
                    lint_set_path(lint_add(r, f, expr ? ly_line(expr) : line, LINT_ERROR, "empty-expr", where,
                                           "expr is empty"),
                                  rp);
                if (record) {
                    static const char *const alert_only[] = {"for", "keep_firing_for", "annotations"};
                    for (size_t a = 0; a < ARRAY_LEN(alert_only); a++) {
                        yaml_node_t *n = ly_get(doc, rule, alert_only[a]);
                        if (n)
                            lint_set_path(lint_add(r, f, ly_line(n), LINT_ERROR, "alert-field-in-record", where,
                                                   "%s: is for alerting rules; Prometheus refuses it in a recording "
                                                   "rule",
                                                   alert_only[a]),
                                          rp);
                    }
                }
                check_duration(r, f, doc, rule, "for", where, rp);
                check_duration(r, f, doc, rule, "keep_firing_for", where, rp);
                yaml_node_t *labels = ly_get(doc, rule, "labels");
                if (labels && labels->type == YAML_MAPPING_NODE)
                    for (yaml_node_pair_t *p = labels->data.mapping.pairs.start; p < labels->data.mapping.pairs.top;
                         p++) {
                        yaml_node_t *kn = yaml_document_get_node(doc, p->key);
                        const char *key = ly_str(kn);
                        if (key && !metric_name(key, false))
                            lint_set_path(lint_add(r, f, ly_line(kn), LINT_ERROR, "invalid-label-name", where,
                                                   "label \"%s\" is not a valid label name", key),
                                          rp);
                    }
                free(where);
                free(rp);
            }
            free(gwhere);
        }
    }
    bool own_errors = false;
    for (size_t i = before; i < r->nf; i++)
        own_errors = own_errors || r->f[i].sev == LINT_ERROR;
    if (logql) {
        lint_add(r, f, 0, LINT_NOTE, "promtool", NULL, "LogQL rules (Loki): promtool does not check them, not run");
    } else if (r->o->no_promtool) {
        /* said once in the summary of the run */
    } else if (promtool_found()) {
        promtool_fold(r, f, own_errors);
    } else {
        lint_add(r, f, 0, LINT_NOTE, "promtool", NULL,
                 "promtool is not on the PATH: PromQL syntax not checked (structure only)");
    }
}
