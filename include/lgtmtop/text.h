/* text: UTF-8 text for terminals — display width (wide characters 2 columns, combining marks
 * 0), fitting into a number of columns, word wrap. Pure; every output is clean (no control
 * characters) and folded to ASCII on request. Used by the live view, the check table and the
 * detail tables of the checks alike, so columns line up everywhere. */
#ifndef LGTMTOP_TEXT_H
#define LGTMTOP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define TEXT_CELL_MAX 512 /* the widest cell fitted at once, in columns */

enum text_align { TEXT_LEFT = 0, TEXT_RIGHT, TEXT_CENTER };

/* Display width of a UTF-8 string (invalid bytes and control characters count 1, combining
 * marks 0, East Asian wide characters 2). In ascii mode, the width after text_fit's folding. */
int text_width(const char *s, bool ascii);

/* Fits src into exactly `width` columns: truncated with an ellipsis ("…", or "..." in ascii
 * mode) on a character boundary, then padded with spaces per align. Control characters
 * become spaces and invalid UTF-8 '?'; in ascii mode every non-ASCII character is folded
 * ("—" -> "-", "…" -> "...", others -> "?"), so the output is pure printable ASCII. Escape
 * sequences and bidi controls vanish whole (text_invisible_len), here and in every function
 * below. Returns the
 * columns written (less than width only when dst is too small). */
int text_fit(char *dst, size_t dstlen, const char *src, int width, enum text_align align, bool ascii);

/* Like text_fit but without padding: at most `width` columns. */
int text_trunc(char *dst, size_t dstlen, const char *src, int width, bool ascii);

/* One line of word-wrapped text: writes at most `width` columns of src into out (breaking at
 * the last space when a word would overflow, else mid-word; a newline ends the line) and
 * returns the bytes of src consumed, at least 1 when src is not empty. Spaces at the break are
 * consumed. */
size_t text_wrap(const char *src, int width, bool ascii, char *out, size_t outlen);

/* Byte offset of display column col in s (the end of s when it is narrower). For text already
 * made by text_fit/text_trunc/text_wrap (clean, folded when ascii). */
size_t text_col_offset(const char *s, int col, bool ascii);

/* Case-insensitive (ASCII) substring test; an empty needle matches. */
bool text_contains(const char *hay, const char *needle);

#endif
