/* UTF-8: validation with the offset of the first bad byte, decoding and encoding one code point. */
#ifndef DUIJIE_UTIL_UTF8_H
#define DUIJIE_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). Otherwise false and
 * *bad_offset (if not NULL) is the offset of the first byte of the bad sequence. */
bool utf8_is_valid(const char *s, size_t len, size_t *bad_offset);
/* Decodes one code point at *p (< end) and advances *p; returns -1 on a bad sequence (advancing one
 * byte) so callers can never loop forever. */
int32_t utf8_next(const char **p, const char *end);
/* Writes cp as UTF-8 into out (4 bytes room); returns the byte count (0 for an invalid cp). */
int utf8_encode(int32_t cp, char *out);
/* Number of code points in valid UTF-8 s[0..len). */
size_t utf8_count(const char *s, size_t len);
/* Full-width ASCII (U+FF01..FF5E) and the ideographic space folded to ASCII, into a malloc'd
 * string. Other text unchanged. Input must be valid UTF-8. */
char *utf8_fold_width(const char *s, size_t len, size_t *out_len);
/* Trims ASCII whitespace and U+3000 from both ends: returns the new start and sets *len. */
const char *utf8_trim(const char *s, size_t *len);

#endif
