/* text: display widths, fitting and wrapping of UTF-8 text (text.h). */
#include "lgtmtop/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lgtmtop/util.h"

/* ---- UTF-8 ----------------------------------------------------------------------------- */

/* Decodes one code point; returns the bytes consumed (>= 1). Invalid sequences (overlong,
 * surrogates, out of range, truncated) consume one byte and set *bad. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp, bool *bad)
{
    *bad = false;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        *bad = true;
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *bad = true;
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *bad = true;
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n;
}

static int cp_width(uint32_t cp)
{
    static const uint32_t zero[][2] = {
            {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
            {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
            {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
    };
    static const uint32_t wide[][2] = {
            {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC}, {0x2E80, 0x303E},
            {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF}, {0xAC00, 0xD7A3},
            {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
            {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
    };
    for (size_t i = 0; i < ARRAY_LEN(zero); i++)
        if (cp >= zero[i][0] && cp <= zero[i][1])
            return 0;
    for (size_t i = 0; i < ARRAY_LEN(wide); i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

/* ASCII stand-ins for characters servers and our own messages commonly contain. */
static const char *ascii_fold(uint32_t cp)
{
    switch (cp) {
    case 0x00A0: return " ";
    case 0x00B7:
    case 0x2022: return "*";
    case 0x00D7: return "x";
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212: return "-";
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x2032: return "'";
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x2033: return "\"";
    case 0x2026: return "...";
    case 0x2190: return "<-";
    case 0x2192: return "->";
    case 0x2191: return "^";
    case 0x2193: return "v";
    case 0x2264: return "<=";
    case 0x2265: return ">=";
    case 0x2500:
    case 0x2501: return "-";
    case 0x2502:
    case 0x2503: return "|";
    default: return cp_width(cp) == 0 ? "" : "?";
    }
}

/* What one source character becomes on screen. */
struct piece {
    char b[8];
    int len, w;
};

static void piece_of(uint32_t cp, bool bad, const unsigned char *src, size_t srclen, bool ascii, struct piece *p)
{
    if (bad) {
        memcpy(p->b, "?", 2), p->len = 1, p->w = 1;
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        memcpy(p->b, " ", 2), p->len = 1, p->w = 1;
    } else if (cp < 0x80) {
        p->b[0] = (char)cp, p->b[1] = 0, p->len = 1, p->w = 1;
    } else if (ascii) {
        const char *f = ascii_fold(cp);
        p->len = (int)strlen(f);
        memcpy(p->b, f, (size_t)p->len + 1);
        p->w = p->len;
    } else {
        memcpy(p->b, src, srclen);
        p->b[srclen] = 0;
        p->len = (int)srclen;
        p->w = cp_width(cp);
    }
}

/* The next piece of u: one character, or nothing for an escape sequence or bidi control
 * (dropped whole, text_invisible_len). Returns the bytes consumed; *cp is the character (0 for
 * a dropped sequence). */
static size_t next_piece(const unsigned char *u, bool ascii, struct piece *p, uint32_t *cp)
{
    size_t hide = text_invisible_len((const char *)u, SIZE_MAX);
    if (hide) {
        p->b[0] = 0, p->len = 0, p->w = 0;
        *cp = 0;
        return hide;
    }
    bool bad;
    size_t n = utf8_next(u, cp, &bad);
    piece_of(*cp, bad, u, n, ascii, p);
    return n;
}

int text_width(const char *s, bool ascii)
{
    int w = 0;
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    while (*u) {
        uint32_t cp;
        struct piece p;
        size_t n = next_piece(u, ascii, &p, &cp);
        w += p.w;
        u += n;
    }
    return w;
}

static int fit(char *dst, size_t dstlen, const char *src, int width, enum text_align align, bool ascii, bool pad)
{
    if (dstlen == 0)
        return 0;
    if (width < 0)
        width = 0;
    const unsigned char *u = (const unsigned char *)(src ? src : "");
    int total = text_width(src, ascii);
    const char *ell = ascii ? "..." : "\xe2\x80\xa6";
    int ellw = ascii ? 3 : 1;
    bool cut = total > width;
    int room = cut ? (width > ellw ? width - ellw : width) : width;
    bool add_ell = cut && width > ellw;

    /* Content first into a scratch area at the end position, computed after padding. */
    char body[TEXT_CELL_MAX * 4];
    size_t blen = 0;
    int bw = 0;
    while (*u) {
        uint32_t cp;
        struct piece p;
        size_t n = next_piece(u, ascii, &p, &cp);
        if (bw + p.w > room || blen + (size_t)p.len + 4 >= sizeof(body))
            break;
        memcpy(body + blen, p.b, (size_t)p.len);
        blen += (size_t)p.len;
        bw += p.w;
        u += n;
    }
    if (add_ell) {
        size_t el = strlen(ell);
        memcpy(body + blen, ell, el);
        blen += el;
        bw += ellw;
    }
    int left = 0, right = 0;
    if (pad && bw < width) {
        int extra = width - bw;
        left = align == TEXT_RIGHT ? extra : align == TEXT_CENTER ? extra / 2 : 0;
        right = extra - left;
    }
    size_t o = 0;
    int w = 0;
    for (int i = 0; i < left && o + 1 < dstlen; i++, w++)
        dst[o++] = ' ';
    /* Copy the body piece by piece so a short dst never cuts a character in half. */
    const unsigned char *b = (const unsigned char *)body;
    size_t bi = 0;
    while (bi < blen) {
        /* body holds only valid UTF-8: the lead byte gives the length */
        unsigned char c = b[bi];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (o + n >= dstlen)
            break;
        memcpy(dst + o, b + bi, n);
        o += n;
        bi += n;
    }
    if (bi < blen) {
        dst[o] = 0;
        return text_width(dst, ascii);
    }
    w += bw;
    for (int i = 0; i < right && o + 1 < dstlen; i++, w++)
        dst[o++] = ' ';
    dst[o] = 0;
    return w;
}

int text_fit(char *dst, size_t dstlen, const char *src, int width, enum text_align align, bool ascii)
{
    return fit(dst, dstlen, src, width, align, ascii, true);
}

int text_trunc(char *dst, size_t dstlen, const char *src, int width, bool ascii)
{
    return fit(dst, dstlen, src, width, TEXT_LEFT, ascii, false);
}

size_t text_wrap(const char *src, int width, bool ascii, char *out, size_t outlen)
{
    const unsigned char *u = (const unsigned char *)(src ? src : "");
    size_t i = 0, o = 0, space_i = 0, space_o = 0;
    int w = 0;
    bool have_space = false;
    if (outlen)
        out[0] = 0;
    if (outlen == 0 || !*u)
        return 0;
    if (width < 1)
        width = 1;
    while (u[i]) {
        if (u[i] == '\n') {
            out[o] = 0;
            return i + 1;
        }
        uint32_t cp;
        struct piece p;
        size_t n = next_piece(u + i, ascii, &p, &cp);
        if (w + p.w > width || o + (size_t)p.len >= outlen) {
            if (i == 0) { /* a character wider than the line: take it anyway */
                if ((size_t)p.len < outlen) {
                    memcpy(out, p.b, (size_t)p.len);
                    o = (size_t)p.len;
                }
                i = n;
            } else if (have_space && space_o > 0) {
                o = space_o;
                i = space_i;
            }
            break;
        }
        if (cp == ' ') {
            have_space = true;
            space_o = o;
            space_i = i;
        }
        memcpy(out + o, p.b, (size_t)p.len);
        o += (size_t)p.len;
        w += p.w;
        i += n;
    }
    out[o] = 0;
    /* the next line starts after the spaces at the break */
    while (u[i] == ' ')
        i++;
    if (u[i] == '\n' && i > 0 && o > 0 && w >= width)
        i++;
    return i;
}

size_t text_col_offset(const char *s, int col, bool ascii)
{
    const unsigned char *u = (const unsigned char *)(s ? s : "");
    size_t i = 0;
    int w = 0;
    while (u[i] && w < col) {
        uint32_t cp;
        struct piece p;
        size_t n = next_piece(u + i, ascii, &p, &cp);
        if (w + p.w > col)
            break;
        w += p.w;
        i += n;
    }
    /* zero-width marks belong to the character before them */
    while (u[i]) {
        uint32_t cp;
        bool bad;
        size_t n = utf8_next(u + i, &cp, &bad);
        if (bad || cp < 0x300 || cp_width(cp) != 0)
            break;
        i += n;
    }
    return i;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool text_contains(const char *hay, const char *needle)
{
    if (!needle || !*needle)
        return true;
    if (!hay)
        return false;
    size_t nl = strlen(needle);
    for (const char *h = hay; *h; h++) {
        size_t i = 0;
        while (i < nl && h[i] && lower((unsigned char)h[i]) == lower((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return true;
    }
    return false;
}
