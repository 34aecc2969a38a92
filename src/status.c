/* status: names and worst-of ordering. */
#include "lgtmtop/status.h"

const char *status_name(enum status s)
{
    static const char *const names[] = {"UNKNOWN", "OK", "WARN", "FAIL"};
    return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

enum status status_worst(enum status a, enum status b) { return a > b ? a : b; }
