#include "lint_impl.h"

void lint_alerting_check(struct lint_run *r, struct lint_file *f)
{
    (void)r;
    (void)f;
}
