/* A state of one stack with two components (Mimir with a credential-redacted URL, Tempo) of two
 * checks each (ready, metrics), with no result yet: the renderers' tests (report, metrics) fill it
 * with their own put(). Header-only: each test binary includes it once. */
#ifndef LGTMTOP_TEST_STATE_FIXTURE_H
#define LGTMTOP_TEST_STATE_FIXTURE_H

#include <string.h>

#include "lgtmtop/state.h"

static const struct check_def defs[] = {{.id = CID_READY, .name = "ready"}, {.id = CID_METRICS, .name = "metrics"}};

struct fixture {
    struct check_state checks[2][2];
    struct comp_state comps[2];
    struct stack_state stack;
    struct state s;
};

static void setup_state_named(struct fixture *f, const char *stack, unsigned long sweeps)
{
    memset(f, 0, sizeof(*f));
    static const enum comp_kind kinds[] = {COMP_MIMIR, COMP_TEMPO};
    for (int i = 0; i < 2; i++) {
        struct comp_state *c = &f->comps[i];
        c->kind = kinds[i];
        c->url = i == 0 ? "http://***@mimir:9009" : "http://tempo:3200";
        c->checks = f->checks[i];
        c->nchecks = 2;
        for (int j = 0; j < 2; j++) {
            f->checks[i][j].def = &defs[j];
            f->checks[i][j].comp = c;
            f->checks[i][j].idx = (size_t)j;
        }
    }
    f->stack = (struct stack_state){.name = stack, .comps = f->comps, .ncomps = 2};
    f->s = (struct state){.stacks = &f->stack, .nstacks = 1, .interval_ms = 5000, .sweeps = sweeps};
}

#endif
