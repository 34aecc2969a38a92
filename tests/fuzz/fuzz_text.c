/* Text cleaning: whatever the bytes, what the cleaners and the column fitting produce is clean
 * (fuzz_clean), and so is every string of a JSON tree after obs_json_clean. */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz.h"
#include "lgtmtop/obs.h"
#include "lgtmtop/text.h"
#include "lgtmtop/util.h"

static void check_tree(const cJSON *it)
{
    for (; it; it = it->next) {
        fuzz_assert_clean("JSON key", it->string, false);
        if (cJSON_IsString(it))
            fuzz_assert_clean("JSON string", it->valuestring, it->string && strcmp(it->string, "detail") == 0);
        check_tree(it->child);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char line[200];
    text_oneline(line, sizeof(line), s, size);
    fuzz_assert_clean("text_oneline", line, false);
    char small[6];
    text_oneline(small, sizeof(small), s, size);
    fuzz_assert_clean("text_oneline (truncated)", small, false);
    char *m = text_clean_multiline(s, size);
    fuzz_assert_clean("text_clean_multiline", m, true);
    free(m);
    char *c = text_safe_copy(s, size, true);
    fuzz_assert_clean("text_safe_copy", c, true);
    free(c);
    c = text_safe_copy(s, size, false);
    fuzz_assert_clean("text_safe_copy", c, false);
    free(c);
    /* The display functions take NUL-terminated text that may still be raw. */
    char *z = malloc(size + 1);
    memcpy(z, data, size);
    z[size] = '\0';
    char cell[TEXT_CELL_MAX * 4 + 8];
    for (int ascii = 0; ascii < 2; ascii++) {
        int width = size ? data[0] % 40 : 10;
        text_fit(cell, sizeof(cell), z, width, TEXT_LEFT, ascii);
        fuzz_assert_clean("text_fit", cell, false);
        text_trunc(cell, sizeof(cell), z, width, ascii);
        fuzz_assert_clean("text_trunc", cell, false);
        (void)text_width(z, ascii);
        const char *p = z;
        for (int lines = 0; *p && lines < 1000; lines++) {
            size_t n = text_wrap(p, width ? width : 1, ascii, cell, sizeof(cell));
            fuzz_assert_clean("text_wrap", cell, false);
            if (n == 0)
                abort(); /* must always move on */
            p += n;
        }
        (void)text_col_offset(z, width, ascii);
    }
    /* As a JSON document: every string and key clean after obs_json_clean. */
    cJSON *j = cJSON_ParseWithLength(s, size);
    if (!j) { /* else as a string value and a key */
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, z, z);
        cJSON_AddStringToObject(j, "detail", z);
    }
    obs_json_clean(j);
    check_tree(j);
    char *out = cJSON_PrintUnformatted(j);
    if (out) {
        /* printed JSON: escapes only for quotes and backslashes, the rest as is */
        fuzz_assert_clean("printed JSON", out, false);
        cJSON_free(out);
    }
    cJSON_Delete(j);
    free(z);
    return 0;
}
