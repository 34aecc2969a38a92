/* The Prometheus exposition-format parser: any bytes, every sample's labels read back. */
#include <string.h>

#include "fuzz.h"
#include "lgtmtop/promtext.h"

static int on_sample(const struct prom_sample *s, void *ud)
{
    size_t *n = ud;
    char v[64];
    (void)promtext_label(s, "tenant", v, sizeof(v));
    (void)promtext_label(s, "le", v, 1);
    (void)promtext_label(s, "", v, sizeof(v));
    if (s->name_len > 0 && !s->name)
        abort();
    return ++*n > 100000;
}

/* Declines every name of odd length: the filtered parse sees a subset of the lines. */
static bool even_names(const char *name, size_t len, void *ud)
{
    (void)ud;
    if (!name || len == 0)
        abort(); /* only a bare name is ever asked about */
    return len % 2 == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t n = 0;
    struct prom_error err;
    int bad = promtext_parse(s, size, on_sample, &n, &err);
    size_t some = 0;
    int some_bad = promtext_parse_some(s, size, even_names, on_sample, &some, NULL);
    /* Skipping lines never adds samples or malformed lines (unless the full parse stopped early). */
    if (n <= 100000 && (some_bad > bad || some > n))
        abort();
    bool found;
    (void)promtext_sum(s, size, "tempo_distributor_spans_received_total", &found);
    (void)promtext_has_prefix(s, size, "cortex_");
    return 0;
}
