/* verdict: findings folded into the statuses of their components and rows. */
#include "lgtmtop/verdict.h"

#include <string.h>

#include "lgtmtop/diagnose.h"

static void apply(struct comp_state *c, const struct finding *f)
{
    c->finding_status = status_worst(c->finding_status, f->severity);
    for (size_t i = 0; i < FINDING_MAX_CHECKS && f->checks[i]; i++)
        COMP_FOR_EACH_CHECK (c, cs) {
            if (strcmp(cs->def->name, f->checks[i]) != 0 || cs->raised >= f->severity)
                continue;
            cs->raised = f->severity;
            cs->raised_by = f->id;
        }
}

void verdict_update(struct state *s, long long now_ms)
{
    struct finding fs[DIAGNOSE_MAX_FINDINGS];
    STATE_FOR_EACH_COMP (s, st, c) {
        c->finding_status = ST_UNKNOWN;
        COMP_FOR_EACH_CHECK (c, cs) {
            cs->raised = ST_UNKNOWN;
            cs->raised_by = NULL;
        }
        /* Per component, so a state with more findings than one list holds still counts all. */
        size_t n = diagnose_component(s, st, c, now_ms, fs, DIAGNOSE_MAX_FINDINGS);
        for (size_t f = 0; f < n; f++)
            apply(c, &fs[f]);
    }
}
