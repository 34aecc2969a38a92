/* custom_cfg: conditions and config entries of the user's own checks (custom_cfg.h). Pure. */
#include "lgtmtop/custom_cfg.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lgtmtop/config.h"
#include "lgtmtop/util.h"

/* ---- conditions ------------------------------------------------------------------------ */

int custom_expr_parse(const char *s, struct custom_expr *e, char *err, size_t errlen)
{
    static const struct {
        const char *word;
        enum custom_op op;
    } words[] = {
            {"non-empty", CX_NONEMPTY},
            {"nonempty", CX_NONEMPTY},
            {"not-empty", CX_NONEMPTY},
            {"empty", CX_EMPTY},
    };
    static const struct {
        const char *sym;
        enum custom_op op;
    } ops[] = {
            {">=", CX_GE}, {"<=", CX_LE}, {"==", CX_EQ}, {"!=", CX_NE}, {">", CX_GT}, {"<", CX_LT},
    };
    const char *p = s ? s : "";
    while (isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n > 0 && isspace((unsigned char)p[n - 1]))
        n--;
    memset(e, 0, sizeof(*e));
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (strlen(words[i].word) == n && strncasecmp(p, words[i].word, n) == 0) {
            e->op = words[i].op;
            return 0;
        }
    for (size_t i = 0; i < ARRAY_LEN(ops); i++) {
        size_t l = strlen(ops[i].sym);
        if (n < l || strncmp(p, ops[i].sym, l) != 0)
            continue;
        char num[64];
        const char *q = p + l;
        size_t qn = n - l;
        while (qn > 0 && isspace((unsigned char)*q))
            q++, qn--;
        if (qn == 0 || qn >= sizeof(num))
            break;
        memcpy(num, q, qn);
        num[qn] = '\0';
        char *end;
        double v = strtod(num, &end);
        if (*end || !isfinite(v) || isspace((unsigned char)num[0]))
            break;
        e->op = ops[i].op;
        e->value = v;
        return 0;
    }
    if (err && errlen)
        snprintf(err, errlen,
                 "bad condition \"%.60s\" — write an operator and a number (> 0, >= 1, == 1, != 0, "
                 "< 0.05, <= 2) or non-empty / empty",
                 p);
    return -1;
}

bool custom_expr_is_count(const struct custom_expr *e) { return e->op == CX_NONEMPTY || e->op == CX_EMPTY; }

bool custom_expr_eval(const struct custom_expr *e, double v)
{
    switch (e->op) {
    case CX_GT: return v > e->value;
    case CX_GE: return v >= e->value;
    case CX_LT: return v < e->value;
    case CX_LE: return v <= e->value;
    case CX_EQ: return v == e->value;
    case CX_NE: return !(v == e->value);
    case CX_NONEMPTY: return v > 0;
    case CX_EMPTY: return v == 0;
    }
    return false;
}

char *custom_expr_format(const struct custom_expr *e, char *out, size_t outlen)
{
    static const char *const sym[] = {
            [CX_GT] = ">", [CX_GE] = ">=", [CX_LT] = "<", [CX_LE] = "<=", [CX_EQ] = "==", [CX_NE] = "!="};
    if (e->op == CX_NONEMPTY)
        snprintf(out, outlen, "%s", "non-empty");
    else if (e->op == CX_EMPTY)
        snprintf(out, outlen, "%s", "empty");
    else
        snprintf(out, outlen, "%s %g", sym[e->op], e->value);
    return out;
}

/* ---- config ---------------------------------------------------------------------------- */

static void custom_check_cfg_free(struct custom_check_cfg *cc)
{
    if (!cc)
        return;
    free(cc->name);
    free(cc->url);
    free(cc->method);
    free(cc->json_path);
    free(cc->json_equals);
    free(cc->query);
    memset(cc, 0, sizeof(*cc));
}

void custom_checks_free(struct custom_check_cfg *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        custom_check_cfg_free(&v[i]);
    free(v);
}

const struct component_cfg *custom_target(const struct stack_cfg *st, const struct custom_check_cfg *cc)
{
    static const enum comp_kind promql[] = {COMP_MIMIR, COMP_PROMETHEUS};
    if (!st || !cc)
        return NULL;
    if (cc->type == CUSTOM_PROMQL) {
        for (size_t i = 0; i < ARRAY_LEN(promql); i++)
            if (st->comp[promql[i]].url && *st->comp[promql[i]].url)
                return &st->comp[promql[i]];
    } else if (cc->type == CUSTOM_LOGQL) {
        if (st->comp[COMP_LOKI].url && *st->comp[COMP_LOKI].url)
            return &st->comp[COMP_LOKI];
    }
    return NULL;
}
