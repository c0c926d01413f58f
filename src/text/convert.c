/* Owns turning a policy as published into plain UTF-8 text: HTML (tags, head, scripts and styles
 * dropped, block elements as line breaks, entities decoded) and GB18030 (through ICU). PDF and DOCX
 * are the caller's (pdftotext -layout; the normaliser repairs what it leaves; docfile.c reads
 * Word). Does not normalise (normalize.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

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
        "p",  "div",   "br", "li", "tr",      "h1",      "h2",         "h3",  "h4", "h5",
        "h6", "table", "ul", "ol", "section", "article", "blockquote", "pre", "hr", "title"};
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

/* A line break, where the text so far does not already end one (trailing spaces dropped). */
static void html_break(struct buf *o) {
    while (o->len && o->data[o->len - 1] == ' ')
        o->len--;
    if (o->data) o->data[o->len] = 0;
    if (o->len && o->data[o->len - 1] != '\n') buf_putc(o, '\n');
}

/* White space in the page's text: one space, none at a line's start or after another. */
static void html_space(struct buf *o) {
    if (o->len && o->data[o->len - 1] != '\n' && o->data[o->len - 1] != ' ' &&
        o->data[o->len - 1] != '\t')
        buf_putc(o, ' ');
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
            if (tag_is(s, len, i + 1, "head")) { /* title and metadata are not the page's text */
                size_t j = i + 5;
                while (j < len && !(s[j] == '<' && (tag_is(s, len, j + 1, "/head") ||
                                                    tag_is(s, len, j + 1, "body"))))
                    j++;
                i = j;
                continue;
            }
            bool script = tag_is(s, len, i + 1, "script") || tag_is(s, len, i + 1, "style");
            if (is_block(s, len, i + 1)) {
                html_break(&o);
            } else if (tag_is(s, len, i + 1, "td") || tag_is(s, len, i + 1, "th")) {
                /* a table row stays one line, its cells separated by a tab (as Word's rows) */
                while (o.len && o.data[o.len - 1] == ' ')
                    o.len--;
                if (o.len && o.data[o.len - 1] != '\n') buf_putc(&o, '\t');
            }
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
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f')
            html_space(&o);
        else
            buf_putc(&o, s[i]);
        i++;
    }
    html_break(&o);
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
    /* strict: an invalid or cut-off sequence stops the conversion and is reported where it is */
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open("GB18030", &st);
    if (U_SUCCESS(st)) ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    UChar *u = U_SUCCESS(st) ? malloc(sizeof *u * (len + 1)) : NULL; /* ≤ one unit per byte */
    if (!u) {
        ucnv_close(cnv);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    UChar *t = u;
    const char *src = s;
    ucnv_toUnicode(cnv, &t, u + len + 1, &src, s + len, NULL, true, &st);
    if (U_FAILURE(st)) {
        char bad[32];
        int8_t nbad = sizeof bad;
        UErrorCode st2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cnv, bad, &nbad, &st2);
        size_t at = (size_t)(src - s);
        if (U_SUCCESS(st2) && (size_t)nbad <= at) at -= (size_t)nbad;
        ucnv_close(cnv);
        free(u);
        error_set(err, ERR_INVALID, "无法按 GB18030 解码:第 %zu 字节无效",
                  "cannot decode as GB18030: invalid byte at offset %zu", at);
        if (err) err->offset = (int64_t)at;
        return ERR_INVALID;
    }
    ucnv_close(cnv);
    int32_t nu = (int32_t)(t - u), n = 0;
    size_t cap = (size_t)nu * 3 + 1;
    char *dst = malloc(cap);
    if (dst) u_strToUTF8(dst, (int32_t)cap, &n, u, nu, &st);
    free(u);
    if (!dst || U_FAILURE(st)) {
        free(dst);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    dst[n] = 0;
    *out = dst;
    *out_len = (size_t)n;
    return 0;
}
