/* verdict: the one answer every face gives (the check table and JSON, the exit code, --wait, the
 * live view's header and grid): the worst of the checks and of the findings. A FAIL finding makes
 * its component FAIL, a WARN finding at least WARN, and each check row a finding names reads no
 * better than that finding — so a row and a finding never contradict each other.
 *
 * verdict_update runs diagnose over every component and writes the result into the state
 * (comp_state.finding_status, check_state.raised); comp_status/check_status read it. Call it
 * after results arrive and before reading statuses. Pure: now_ms comes in (0 = use every result,
 * as a finished `check` does). */
#ifndef LGTMTOP_VERDICT_H
#define LGTMTOP_VERDICT_H

#include "lgtmtop/state.h"

void verdict_update(struct state *s, long long now_ms);

#endif
