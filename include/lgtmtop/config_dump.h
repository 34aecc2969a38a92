/* config_dump: a loaded config back as YAML, every value resolved (${VAR} expanded, defaults
 * filled in) and every secret redacted, for `lgtmtop config check`. Pure. */
#ifndef LGTMTOP_CONFIG_DUMP_H
#define LGTMTOP_CONFIG_DUMP_H

#include "lgtmtop/config.h"

/* What a redacted secret reads as. The dump is itself a valid config. */
#define CONFIG_REDACTED "<redacted>"

/* The resolved config as YAML text (new string, the caller frees it). Tokens and passwords read
 * CONFIG_REDACTED, user:pass@ in URLs "***@". Starts with comments naming the file and every
 * ${VAR} it used, set or not (never a value). */
char *config_dump(const struct config *cfg);

/* "5s", "1m30s", "1500ms": exact, and accepted by the config parser. */
char *config_dump_duration(long ms, char *out, size_t outlen);

#endif
