/* Owns UTF-8 decoding rules. No allocation except utf8_fold_width. */
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

int32_t utf8_next(const char **pp, const char *end) {
    const unsigned char *p = (const unsigned char *)*pp;
    const unsigned char *e = (const unsigned char *)end;
    if (p >= e) return -1;
    unsigned c = p[0];
    int n;
    int32_t cp, min;
    if (c < 0x80) {
        *pp += 1;
        return (int32_t)c;
    } else if ((c & 0xE0) == 0xC0) {
        n = 1, cp = (int32_t)(c & 0x1F), min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, cp = (int32_t)(c & 0x0F), min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 3, cp = (int32_t)(c & 0x07), min = 0x10000;
    } else {
        *pp += 1;
        return -1;
    }
    if (e - p <= n) {
        *pp += 1;
        return -1;
    }
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *pp += 1;
            return -1;
        }
        cp = (cp << 6) | (int32_t)(p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *pp += 1;
        return -1;
    }
    *pp += n + 1;
    return cp;
}

bool utf8_is_valid(const char *s, size_t len, size_t *bad_offset) {
    const char *p = s, *end = s + len;
    while (p < end) {
        if ((unsigned char)*p < 0x80) {
            p++;
            continue;
        }
        const char *start = p;
        if (utf8_next(&p, end) < 0) {
            if (bad_offset) *bad_offset = (size_t)(start - s);
            return false;
        }
    }
    return true;
}

int utf8_encode(int32_t cp, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_count(const char *s, size_t len) {
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

char *utf8_fold_width(const char *s, size_t len, size_t *out_len) {
    char *out = malloc(len + 1);
    if (!out) return NULL;
    const char *p = s, *end = s + len;
    size_t o = 0;
    while (p < end) {
        const char *start = p;
        int32_t cp = utf8_next(&p, end);
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out[o++] = (char)(cp - 0xFEE0);
        } else if (cp == 0x3000) {
            out[o++] = ' ';
        } else {
            memcpy(out + o, start, (size_t)(p - start));
            o += (size_t)(p - start);
        }
    }
    out[o] = 0;
    if (out_len) *out_len = o;
    return out;
}

const char *utf8_trim(const char *s, size_t *len) {
    size_t n = *len;
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
            s++, n--;
        } else if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
            s += 3, n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) {
            n--;
        } else if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0) {
            n -= 3;
        } else {
            break;
        }
    }
    *len = n;
    return s;
}
