/* yaml_depth: refuse deeply nested YAML before libyaml builds a document of it (the config,
 * --datasources files, every YAML file lint reads). */
#ifndef LGTMTOP_YAML_DEPTH_H
#define LGTMTOP_YAML_DEPTH_H

#include <stdbool.h>
#include <stddef.h>

/* YAML nesting deeper than this is refused before libyaml builds the document (whose time
 * grows with the square of the depth): no config or provisioning file nests half as deep. */
#define YAML_MAX_DEPTH 64
/* Walks the YAML events of text and stops at the first collection nested deeper than max:
 * returns true and its line (1-based) in *line. False when the nesting is fine, and on a
 * syntax error (the loader reports that). Fast whatever the input: it stops at the cap. */
bool yaml_too_deep(const char *text, size_t len, int max, int *line);

#endif
