/* version: `lgtmtop --version` — lgtmtop's own version and those of the libraries it runs
 * with (as the libraries report them at run time, not the headers it was built against). */
#ifndef LGTMTOP_VERSION_H
#define LGTMTOP_VERSION_H

#include <stdio.h>

void version_print(FILE *f);

#endif
