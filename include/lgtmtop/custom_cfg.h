/* custom_cfg: the config side of the user's own checks (checks: per stack): the entries as
 * parsed, and their conditions ("> 0", "non-empty"). Pure; the checks that run them are in
 * checks/custom.c (custom.h). */
#ifndef LGTMTOP_CUSTOM_CFG_H
#define LGTMTOP_CUSTOM_CFG_H

#include <stdbool.h>
#include <stddef.h>

struct component_cfg;
struct stack_cfg;

/* ---- conditions ---- */

enum custom_op { CX_GT, CX_GE, CX_LT, CX_LE, CX_EQ, CX_NE, CX_NONEMPTY, CX_EMPTY };

struct custom_expr {
    enum custom_op op;
    double value; /* the number compared with (not used by non-empty/empty) */
};

/* Parses "> 0", ">=1", "== 1", "!= 0", "< 0.05", "<= 2", "non-empty", "empty" (blanks around
 * are fine; "nonempty" and "not-empty" are accepted too). -1 with a one-line reason in err. */
int custom_expr_parse(const char *s, struct custom_expr *e, char *err, size_t errlen);
/* True for non-empty / empty: conditions about how many results there are, not their values. */
bool custom_expr_is_count(const struct custom_expr *e);
/* Numeric conditions on v (NaN satisfies only "!="); for non-empty/empty v is a count. */
bool custom_expr_eval(const struct custom_expr *e, double v);
/* "> 0", "== 1", "non-empty": into out, returned. */
char *custom_expr_format(const struct custom_expr *e, char *out, size_t outlen);

/* ---- config ---- */

enum custom_type { CUSTOM_HTTP, CUSTOM_PROMQL, CUSTOM_LOGQL };

#define CUSTOM_MAX_STATUS 8
#define CUSTOM_DEFAULT_WINDOW_MS 300000L

/* One entry of checks:. Strings owned (custom_check_cfg_free). */
struct custom_check_cfg {
    char *name; /* the check's name in the report: [A-Za-z0-9_.-] */
    enum custom_type type;
    int line; /* config line of the entry */
    /* http */
    char *url;
    char *method; /* "GET" (default) or "POST" (empty body) */
    int expect_status[CUSTOM_MAX_STATUS];
    int nexpect_status; /* 0 = any 2xx */
    char *json_path;    /* json: { path: a.b.0.c, equals: X | expect: "> 0" }; NULL = none */
    char *json_equals;  /* compared as text (numbers numerically); NULL with json_expect */
    bool json_has_expect;
    struct custom_expr json_expect;
    long max_latency_ms; /* 0 = no limit */
    bool insecure_skip_verify;
    long timeout_ms; /* request timeout; 0 = the target's, else the config's */
    /* promql / logql */
    char *query;
    struct custom_expr expect; /* default: promql non-empty, logql > 0 */
    long window_ms;            /* logql count window, default 5m */
};

void custom_checks_free(struct custom_check_cfg *v, size_t n); /* each entry, then v */

/* The component a promql/logql check queries in its stack (Mimir, else Prometheus; Loki), NULL
 * when the stack has none (http checks: NULL). */
const struct component_cfg *custom_target(const struct stack_cfg *st, const struct custom_check_cfg *cc);

#endif
