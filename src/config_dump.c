/* config_dump: struct config -> YAML, resolved and redacted. One emitter per mapping, in the
 * order of the README's "every key" example. */
#include "lgtmtop/config_dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgtmtop/custom_cfg.h"
#include "lgtmtop/util.h"

char *config_dump_duration(long ms, char *out, size_t outlen)
{
    if (ms % 1000)
        snprintf(out, outlen, "%ldms", ms);
    else if (ms && ms % 3600000 == 0)
        snprintf(out, outlen, "%ldh", ms / 3600000);
    else if (ms && ms % 60000 == 0)
        snprintf(out, outlen, "%ldm", ms / 60000);
    else
        snprintf(out, outlen, "%lds", ms / 1000);
    return out;
}

/* A double-quoted YAML scalar; '$' doubled so that the dump, loaded again, means the same. */
static void put_str(struct buf *b, const char *s)
{
    buf_putc(b, '"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        if (*s == '$')
            buf_putc(b, '$');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void kv_str(struct buf *b, int ind, const char *key, const char *val)
{
    if (!val)
        return;
    buf_printf(b, "%*s%s: ", ind, "", key);
    put_str(b, val);
    buf_putc(b, '\n');
}

static void kv_url(struct buf *b, int ind, const char *key, const char *url)
{
    char *red = url_redact(url);
    kv_str(b, ind, key, red);
    free(red);
}

static void kv_dur(struct buf *b, int ind, const char *key, long ms)
{
    char d[32];
    if (ms > 0)
        buf_printf(b, "%*s%s: %s\n", ind, "", key, config_dump_duration(ms, d, sizeof d));
}

static void kv_size(struct buf *b, int ind, const char *key, size_t n)
{
    if (n && n % ((size_t)1 << 20) == 0)
        buf_printf(b, "%*s%s: %zuMiB\n", ind, "", key, n >> 20);
    else if (n && n % 1024 == 0)
        buf_printf(b, "%*s%s: %zuKiB\n", ind, "", key, n >> 10);
    else
        buf_printf(b, "%*s%s: %zu\n", ind, "", key, n);
}

static void kv_list(struct buf *b, int ind, const char *key, char *const *items, size_t n)
{
    if (!n)
        return;
    buf_printf(b, "%*s%s: [", ind, "", key);
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i ? ", " : "");
        put_str(b, items[i]);
    }
    buf_puts(b, "]\n");
}

static void dump_component(struct buf *b, const struct component_cfg *c)
{
    buf_printf(b, "    %s:\n", comp_kind_name(c->kind));
    kv_url(b, 6, "url", c->url);
    if (c->kind == COMP_MIMIR)
        kv_str(b, 6, "prefix", c->prefix ? c->prefix : "");
    kv_str(b, 6, "tenant", c->tenant);
    if (c->token_file)
        kv_str(b, 6, "token_file", c->token_file);
    else if (c->token)
        kv_str(b, 6, "token", CONFIG_REDACTED);
    if (c->basic_user) {
        buf_puts(b, "      basic_auth:\n");
        kv_str(b, 8, "username", c->basic_user);
        if (c->password_file)
            kv_str(b, 8, "password_file", c->password_file);
        else
            kv_str(b, 8, "password", CONFIG_REDACTED);
    }
    if (c->kind == COMP_MIMIR || c->kind == COMP_PROMETHEUS)
        kv_str(b, 6, "query", c->query);
    kv_dur(b, 6, "timeout", c->timeout_ms);
    kv_dur(b, 6, "connect_timeout", c->connect_timeout_ms);
    if (c->insecure_skip_verify)
        buf_puts(b, "      insecure_skip_verify: true\n");
    kv_str(b, 6, "ca_file", c->ca_file);
    if (c->kind == COMP_TEMPO) {
        kv_url(b, 6, "otlp_http", c->otlp_http);
        kv_str(b, 6, "otlp_grpc", c->otlp_grpc);
        kv_dur(b, 6, "search_window", c->search_window_ms ? c->search_window_ms : 15 * 60000L);
    }
    if (c->ndeprecated_ds) {
        buf_puts(b, "      deprecated_datasources:\n");
        for (size_t i = 0; i < c->ndeprecated_ds; i++) {
            buf_puts(b, "        ");
            put_str(b, c->deprecated_ds[2 * i]);
            buf_puts(b, ": ");
            put_str(b, c->deprecated_ds[2 * i + 1]);
            buf_putc(b, '\n');
        }
    }
    kv_list(b, 6, "expect_rule_groups", c->expect_rule_groups, c->nexpect_rule_groups);
}

static void dump_check(struct buf *b, const struct custom_check_cfg *cc)
{
    char e[64];
    buf_puts(b, "      - name: ");
    put_str(b, cc->name);
    buf_putc(b, '\n');
    if (cc->type == CUSTOM_HTTP) {
        kv_url(b, 8, "http", cc->url);
        kv_str(b, 8, "method", cc->method);
        if (cc->nexpect_status) {
            buf_puts(b, "        expect_status: [");
            for (int i = 0; i < cc->nexpect_status; i++)
                buf_printf(b, "%s%d", i ? ", " : "", cc->expect_status[i]);
            buf_puts(b, "]\n");
        }
        if (cc->json_path) {
            buf_puts(b, "        json:\n");
            kv_str(b, 10, "path", cc->json_path);
            if (cc->json_has_expect)
                kv_str(b, 10, "expect", custom_expr_format(&cc->json_expect, e, sizeof e));
            else
                kv_str(b, 10, "equals", cc->json_equals ? cc->json_equals : "");
        }
        kv_dur(b, 8, "max_latency", cc->max_latency_ms);
        if (cc->insecure_skip_verify)
            buf_puts(b, "        insecure_skip_verify: true\n");
    } else {
        kv_str(b, 8, cc->type == CUSTOM_PROMQL ? "promql" : "logql", cc->query);
        kv_str(b, 8, "expect", custom_expr_format(&cc->expect, e, sizeof e));
        if (cc->type == CUSTOM_LOGQL)
            kv_dur(b, 8, "window", cc->window_ms);
    }
    kv_dur(b, 8, "timeout", cc->timeout_ms);
}

static void dump_vars(struct buf *b, const struct config *cfg)
{
    if (!cfg->nvars)
        return;
    buf_puts(b, "# variables:\n");
    for (size_t i = 0; i < cfg->nvars; i++) {
        const struct config_var *v = &cfg->vars[i];
        buf_printf(b, "#   ${%s} (line %d, %s): %s\n", v->name, v->line, v->keypath,
                   v->set           ? "set"
                   : v->has_default ? "not set, the default applies"
                                    : "NOT SET, expands to nothing");
    }
}

char *config_dump(const struct config *cfg)
{
    struct buf b;
    char d[32];
    buf_init(&b);
    buf_printf(&b, "# %s, resolved: ${VAR} expanded, defaults filled in, secrets redacted\n",
               cfg->path ? cfg->path : "zero-config (environment and localhost defaults)");
    dump_vars(&b, cfg);
    buf_printf(&b, "interval: %s\n", config_dump_duration(cfg->interval_ms, d, sizeof d));
    buf_printf(&b, "timeout: %s\n", config_dump_duration(cfg->timeout_ms, d, sizeof d));
    buf_printf(
            &b, "connect_timeout: %s\n",
            config_dump_duration(cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : cfg->timeout_ms, d, sizeof d));
    kv_size(&b, 0, "max_body", cfg->max_body);
    kv_size(&b, 0, "body_budget", cfg->body_budget);
    if (cfg->max_in_flight)
        buf_printf(&b, "max_in_flight: %zu\n", cfg->max_in_flight);
    buf_printf(&b, "canary: %s\n", cfg->canary ? "true" : "false");
    buf_printf(&b, "canary_timeout: %s\n",
               config_dump_duration(cfg->canary_timeout_ms ? cfg->canary_timeout_ms : 30000, d, sizeof d));
    buf_puts(&b, "stacks:\n");
    for (size_t i = 0; i < cfg->nstacks; i++) {
        const struct stack_cfg *st = &cfg->stacks[i];
        buf_puts(&b, "  - name: ");
        put_str(&b, st->name);
        buf_putc(&b, '\n');
        if (st->canary)
            buf_printf(&b, "    canary: %s\n", st->canary > 0 ? "true" : "false");
        for (int k = 0; k < COMP_CHECKS; k++)
            if (st->comp[k].enabled)
                dump_component(&b, &st->comp[k]);
        if (st->nchecks) {
            buf_puts(&b, "    checks:\n");
            for (size_t j = 0; j < st->nchecks; j++)
                dump_check(&b, &st->checks[j]);
        }
    }
    return buf_steal(&b);
}
