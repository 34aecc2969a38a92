/* format: numbers, rates, timings, ages and glyphs (sparklines, spinner) for the live view.
 * Pure (layout.h). */
#include <math.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgtmtop/config.h"
#include "lgtmtop/custom.h"
#include "lgtmtop/layout.h"
#include "lgtmtop/report.h"
#include "lgtmtop/text.h"
#include "lgtmtop/util.h"

/* ---- numbers and durations ------------------------------------------------------------- */

char *lay_num(double v, char *out, size_t outlen)
{
    static const char units[] = "kMGTP";
    if (!isfinite(v)) {
        snprintf(out, outlen, "-");
        return out;
    }
    double a = fabs(v);
    if (a < 999.5) {
        if (a == 0)
            snprintf(out, outlen, "0");
        else if (fabs(v - round(v)) < 1e-9)
            snprintf(out, outlen, "%.0f", v);
        else if (a < 0.995)
            snprintf(out, outlen, "%.2f", v);
        else if (a < 99.95)
            snprintf(out, outlen, "%.1f", v);
        else
            snprintf(out, outlen, "%.0f", v);
        return out;
    }
    double s = v;
    for (size_t i = 0; i < sizeof(units) - 1; i++) {
        s /= 1000.0;
        double sa = fabs(s);
        if (sa < 9.95) {
            snprintf(out, outlen, "%.1f%c", s, units[i]);
            return out;
        }
        if (sa < 999.5 || i == sizeof(units) - 2) {
            snprintf(out, outlen, "%.0f%c", s, units[i]);
            return out;
        }
    }
    return out; /* not reached */
}

char *lay_rate(double v, const char *unit, char *out, size_t outlen)
{
    char n[32];
    snprintf(out, outlen, "%s%s", lay_num(v, n, sizeof(n)), unit ? unit : "");
    return out;
}

char *lay_us(long us, char *out, size_t outlen)
{
    if (us < 0)
        snprintf(out, outlen, "-");
    else if (us < 95)
        snprintf(out, outlen, "%.2fms", (double)us / 1000.0);
    else if (us < 9950)
        snprintf(out, outlen, "%.1fms", (double)us / 1000.0);
    else if (us < 999500)
        snprintf(out, outlen, "%.0fms", (double)us / 1000.0);
    else if (us < 9995000)
        snprintf(out, outlen, "%.2fs", (double)us / 1e6);
    else if (us < 59950000)
        snprintf(out, outlen, "%.1fs", (double)us / 1e6);
    else
        duration_format(us / 1000, out, outlen);
    return out;
}

char *lay_age(long long ms, char *out, size_t outlen)
{
    if (ms < 0) {
        snprintf(out, outlen, "-");
        return out;
    }
    long long s = ms / 1000;
    if (s < 60)
        snprintf(out, outlen, "%llds", s);
    else if (s < 3600)
        snprintf(out, outlen, "%lldm", s / 60);
    else if (s < 86400)
        snprintf(out, outlen, "%lldh%02lldm", s / 3600, (s / 60) % 60);
    else
        snprintf(out, outlen, "%lldd%lldh", s / 86400, (s / 3600) % 24);
    return out;
}

long long lay_age_next(long long ms)
{
    if (ms < 0)
        return LLONG_MAX;
    long long step = ms < 60000 ? 1000 : ms < 86400000 ? 60000 : 3600000;
    return step - ms % step;
}

char *lay_age_exact(long long ms, char *out, size_t outlen)
{
    long long s = ms / 1000;
    if (ms < 0)
        snprintf(out, outlen, "-");
    else if (s < 60)
        snprintf(out, outlen, "%llds", s);
    else if (s % 60)
        snprintf(out, outlen, "%lldm%02llds", s / 60, s % 60);
    else
        snprintf(out, outlen, "%lldm", s / 60);
    return out;
}

/* ---- glyphs ---------------------------------------------------------------------------- */

void lay_spark_levels(const long *v, int n, int *levels)
{
    long max = 0;
    for (int i = 0; i < n; i++)
        if (v[i] > max)
            max = v[i];
    for (int i = 0; i < n; i++) {
        if (v[i] < 0)
            levels[i] = 0;
        else if (max <= 0)
            levels[i] = 1;
        else {
            int l = (int)ceil((double)v[i] * 8.0 / (double)max);
            levels[i] = l < 1 ? 1 : l > 8 ? 8 : l;
        }
    }
}

const char *lay_spark_glyph(int level, bool ascii)
{
    static const char *const uni[] = {"\xc3\x97",     "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};
    static const char *const asc[] = {"x", "_", "_", ".", ".", "-", "=", "=", "^"};
    if (level < 0)
        level = 0;
    if (level > 8)
        level = 8;
    return ascii ? asc[level] : uni[level];
}

char *lay_sparkline(const long *v, int n, int width, bool ascii, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    out[0] = 0;
    if (width <= 0)
        return out;
    int first = n > width ? n - width : 0, shown = n - first;
    int levels[STATE_HIST_LEN];
    if (shown > STATE_HIST_LEN) {
        first = n - STATE_HIST_LEN;
        shown = STATE_HIST_LEN;
    }
    lay_spark_levels(v + first, shown, levels);
    size_t o = 0;
    for (int i = shown; i < width && o + 1 < outlen; i++)
        out[o++] = ' ';
    for (int i = 0; i < shown; i++) {
        const char *g = lay_spark_glyph(levels[i], ascii);
        size_t gl = strlen(g);
        if (o + gl >= outlen)
            break;
        memcpy(out + o, g, gl);
        o += gl;
    }
    out[o] = 0;
    return out;
}

const char *lay_spinner(unsigned tick, bool ascii)
{
    static const char *const uni[] = {"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
                                      "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"};
    static const char *const asc[] = {"|", "/", "-", "\\"};
    return ascii ? asc[tick % ARRAY_LEN(asc)] : uni[tick % ARRAY_LEN(uni)];
}

const char *lay_hline(bool ascii) { return ascii ? "-" : "\xe2\x94\x80"; }
