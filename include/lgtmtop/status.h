/* status: the four check statuses and their ordering (worst-of aggregation). */
#ifndef LGTMTOP_STATUS_H
#define LGTMTOP_STATUS_H

/* Ordered so that max() is worst-of: UNKNOWN (not run yet / skipped) < OK < WARN < FAIL. */
enum status { ST_UNKNOWN = 0, ST_OK, ST_WARN, ST_FAIL };

const char *status_name(enum status s); /* "UNKNOWN", "OK", "WARN", "FAIL" */
enum status status_worst(enum status a, enum status b);

#endif
