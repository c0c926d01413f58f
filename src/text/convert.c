/* Owns turning a policy as published into plain UTF-8 text: HTML (tags, scripts and styles dropped,
 * block elements as line breaks, entities decoded) and GB18030 (through ICU). PDF and DOCX are the
 * caller's (pdftotext -layout; the normaliser repairs what it leaves). Does not normalise
 * (normalize.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>

#include "text/policy_text.h"
#include "util/buf.h"
#include "util/utf8.h"

static bool tag_is(const char *s, size_t len, size_t i, const char *name) {
    size_t n = strlen(name);
    if (i + n > len || strncasecmp(s + i, name, n) != 0) return false;
    char c = i + n < len ? s[i + n] : '>';
    return c == '>' || c == ' ' || c == '/' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_block(const char *s, size_t len, size_t i) {
    static const char *const blocks[] = {
        "p",     "div", "br", "li",      "tr",      "h1",         "h2",  "h3", "h4",    "h5", "h6",
        "table", "ul",  "ol", "section", "article", "blockquote", "pre", "hr", "title", "td"};
    if (i < len && s[i] == '/') i++;
    for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++)
        if (tag_is(s, len, i, blocks[k])) return true;
    return false;
}

/* One entity at s[i] ('&'): appends its text and returns the bytes consumed (0 when not one). */
static size_t entity(const char *s, size_t len, size_t i, struct buf *o) {
    static const struct {
        const char *name, *text;
    } named[] = {{"&nbsp;", " "},  {"&lt;", "<"},     {"&gt;", ">"},     {"&amp;", "&"},
                 {"&quot;", "\""}, {"&apos;", "'"},   {"&ldquo;", "“"},  {"&rdquo;", "”"},
                 {"&mdash;", "—"}, {"&hellip;", "…"}, {"&middot;", "·"}, {"&emsp;", " "},
                 {"&ensp;", " "}};
    for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
        size_t n = strlen(named[k].name);
        if (i + n <= len && strncasecmp(s + i, named[k].name, n) == 0) {
            buf_puts(o, named[k].text);
            return n;
        }
    }
    if (i + 3 < len && s[i + 1] == '#') {
        size_t j = i + 2;
        bool hex = s[j] == 'x' || s[j] == 'X';
        if (hex) j++;
        long cp = 0;
        size_t d0 = j;
        while (j < len && j - d0 < 8 &&
               ((s[j] >= '0' && s[j] <= '9') ||
                (hex && ((s[j] >= 'a' && s[j] <= 'f') || (s[j] >= 'A' && s[j] <= 'F'))))) {
            int v = s[j] <= '9' ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10;
            cp = cp * (hex ? 16 : 10) + v;
            j++;
        }
        if (j > d0 && j < len && s[j] == ';' && cp > 0 && cp <= 0x10FFFF) {
            char u8[4];
            int n = utf8_encode((int32_t)cp, u8);
            if (n > 0) {
                buf_append(o, u8, (size_t)n);
                return j + 1 - i;
            }
        }
    }
    return 0;
}

int text_from_html(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    *out = NULL;
    *out_len = 0;
    size_t bad;
    if (!utf8_is_valid(s, len, &bad)) {
        error_set(err, ERR_UTF8, "无效的 UTF-8 编码,位于第 %zu 字节", "invalid UTF-8 at byte %zu",
                  bad);
        if (err) err->offset = (int64_t)bad;
        return ERR_UTF8;
    }
    struct buf o;
    buf_init(&o);
    for (size_t i = 0; i < len;) {
        if (s[i] == '<') {
            if (i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
                const char *e = memmem(s + i, len - i, "-->", 3);
                i = e ? (size_t)(e - s) + 3 : len;
                continue;
            }
            const char *gt = memchr(s + i, '>', len - i);
            size_t end = gt ? (size_t)(gt - s) + 1 : len;
            bool script = tag_is(s, len, i + 1, "script") || tag_is(s, len, i + 1, "style");
            if (is_block(s, len, i + 1)) buf_putc(&o, '\n');
            i = end;
            if (script) { /* skip to the closing tag */
                const char *close = NULL;
                for (size_t j = i; j + 8 < len && !close; j++)
                    if (s[j] == '<' && s[j + 1] == '/' &&
                        (tag_is(s, len, j + 2, "script") || tag_is(s, len, j + 2, "style")))
                        close = s + j;
                i = close ? (size_t)(close - s) : len;
            }
            continue;
        }
        if (s[i] == '&') {
            size_t n = entity(s, len, i, &o);
            if (n) {
                i += n;
                continue;
            }
        }
        buf_putc(&o, s[i]);
        i++;
    }
    if (o.is_oom) {
        buf_release(&o);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    *out_len = o.len;
    *out = buf_detach(&o);
    if (!*out) *out = calloc(1, 1);
    return *out ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

int text_from_gb18030(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    *out = NULL;
    *out_len = 0;
    if (len > TEXT_MAX_INPUT)
        return error_set(err, ERR_TOO_LARGE, "政策文本过大", "policy text too large");
    size_t cap = len * 2 + 16;
    char *dst = malloc(cap);
    if (!dst) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = ucnv_convert("UTF-8", "GB18030", dst, (int32_t)cap, s, (int32_t)len, &st);
    if (U_FAILURE(st) || n < 0 || (size_t)n >= cap) {
        free(dst);
        return error_set(err, ERR_INVALID, "无法按 GB18030 解码", "cannot decode as GB18030");
    }
    dst[n] = 0;
    *out = dst;
    *out_len = (size_t)n;
    return 0;
}
