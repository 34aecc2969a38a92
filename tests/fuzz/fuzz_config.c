/* The config loader with ${VAR} interpolation: any YAML, a small environment (with values that
 * themselves look like YAML and like ${...}), and the dump of what loaded. */
#include <string.h>

#include "fuzz.h"
#include "lgtmtop/config.h"
#include "lgtmtop/util.h"

static const char *fake_env(const char *name, void *ud)
{
    (void)ud;
    static const char *const env[][2] = {
            {"MIMIR_URL", "http://mimir:9009"}, {"TOKEN", "s3cret"},       {"EMPTY", ""}, {"NESTED", "${TOKEN}"},
            {"YAML", "[a, {b: c}]\n- x"},       {"CTRL", "a\x1b[2Jb\x07"},
    };
    for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
        if (strcmp(name, env[i][0]) == 0)
            return env[i][1];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config cfg;
    char err[512];
    if (config_parse((const char *)data, size, "fuzz.yaml", fake_env, NULL, &cfg, err, sizeof(err)) == 0) {
        config_select_stack(&cfg, "default", err, sizeof(err));
        config_free(&cfg);
    } else {
        fuzz_assert_clean("config error", err, false);
    }
    char ierr[256];
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char *v = config_interpolate(s, fake_env, NULL, ierr, sizeof(ierr));
    free(v);
    free(s);
    return 0;
}
