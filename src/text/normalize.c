/* Owns normalisation of policy text: per-character NFKC (ICU) and full-width folding, dropping
 * spaces, page numbers and blank lines, and repairing lines broken by PDF conversion, while keeping
 * a map from every output byte to the input bytes it came from. Does not split into clauses
 * (split.c) and does not decode other encodings or formats. */
#include "text/policy_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>

#include "util/buf.h"
#include "util/utf8.h"

struct out {
    char *s;
    uint32_t *from, *to;
    size_t len, cap;
    bool is_oom;
};

static void out_put(struct out *o, const char *bytes, size_t n, uint32_t from, uint32_t to) {
    if (o->is_oom) return;
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 1024;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *s = realloc(o->s, cap);
        if (s) o->s = s;
        uint32_t *f = realloc(o->from, cap * sizeof *f);
        if (f) o->from = f;
        uint32_t *t = realloc(o->to, cap * sizeof *t);
        if (t) o->to = t;
        if (!s || !f || !t) {
            o->is_oom = true;
            return;
        }
        o->cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        o->s[o->len] = bytes[i];
        o->from[o->len] = from;
        o->to[o->len] = to;
        o->len++;
    }
}

static bool is_space(int32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0x3000 ||
           cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0xFEFF || cp == 0x202F ||
           (cp >= 0 && cp < 0x20 && cp != '\n');
}

/* Characters NFKC would change but that carry meaning in policy text, or that need no ICU call. */
static bool keep_as_is(int32_t cp) {
    return cp < 0x80 || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3001 && cp <= 0x3002) ||
           (cp >= 0x2460 && cp <= 0x2473) || (cp >= 0x300A && cp <= 0x300F) ||
           (cp >= 0x3014 && cp <= 0x3015) || cp == 0x201C || cp == 0x201D || cp == 0x2014 ||
           cp == 0x2018 || cp == 0x2019;
}

/* Appends the normalised form of one code point. */
static void put_cp(struct out *o, int32_t cp, uint32_t from, uint32_t to) {
    char u8[4];
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    if (keep_as_is(cp)) {
        int n = utf8_encode(cp, u8);
        out_put(o, u8, (size_t)n, from, to);
        return;
    }
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    UChar src[2], dst[32];
    int32_t sl = cp > 0xFFFF ? 2 : 1;
    if (sl == 2) {
        src[0] = (UChar)(0xD800 + ((cp - 0x10000) >> 10));
        src[1] = (UChar)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
        src[0] = (UChar)cp;
    }
    int32_t dl = U_SUCCESS(st) ? unorm2_normalize(nfkc, src, sl, dst, 32, &st) : 0;
    if (U_FAILURE(st) || dl <= 0) {
        int n = utf8_encode(cp, u8);
        out_put(o, u8, (size_t)n, from, to);
        return;
    }
    for (int32_t i = 0; i < dl; i++) {
        int32_t c = dst[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < dl) {
            c = 0x10000 + ((c - 0xD800) << 10) + (dst[i + 1] - 0xDC00);
            i++;
        }
        if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
        if (is_space(c)) continue;
        int n = utf8_encode(c, u8);
        out_put(o, u8, (size_t)n, from, to);
    }
}

struct line {
    size_t a, b;        /* span in the per-line buffer */
    int n_chars;        /* code points */
    int32_t last;       /* last code point, 0 when empty */
    uint32_t start;     /* input offset of the line's first byte */
    uint32_t nl_offset; /* input offset of the line's newline (or end of input) */
    bool is_page;       /* a page number line: "— 2 —", "-2-", "第2页" */
};

static bool is_dash(int32_t cp) {
    return cp == '-' || cp == 0x2014 || cp == 0x2013 || cp == 0x2012 || cp == 0x2015 ||
           cp == 0x2500;
}

static bool line_is_page(const char *s, size_t len) {
    const char *p = s, *e = s + len;
    int dashes = 0, digits = 0;
    bool has_di = false, has_ye = false;
    while (p < e) {
        int32_t cp = utf8_next(&p, e);
        if (is_dash(cp))
            dashes++;
        else if (cp >= '0' && cp <= '9')
            digits++;
        else if (cp == 0x7B2C) /* 第 */
            has_di = true;
        else if (cp == 0x9875) /* 页 */
            has_ye = true;
        else if (cp == 0x5171 || cp == '/') /* 共, "第2页/共9页" */
            ;
        else
            return false;
    }
    return digits > 0 && digits <= 4 && (dashes >= 1 || (has_di && has_ye));
}

static bool ends_open(int32_t cp) {
    return cp == ',' || cp == 0x3001 || cp == '(' || cp == 0x201C || cp == 0x300A;
}

static bool ends_closed(int32_t cp) {
    return cp == 0x3002 || cp == ';' || cp == ':' || cp == '!' || cp == '?';
}

/* The input's lines, each folded into lb (spaces dropped, NFKC, full-width folded) with its
 * length, last character and whether it is a page number; *width the longest non-page line in
 * characters. Shared by text_normalize and text_unwrap, so both join the same lines. */
struct lines {
    struct out lb;
    struct line *v;
    int n, width;
    bool is_oom;
};

static void lines_scan(const char *s, size_t len, struct lines *ls) {
    memset(ls, 0, sizeof *ls);
    int cap = 0;
    const char *p = s, *e = s + len;
    struct line cur = {0};
    for (;;) {
        const char *q = p;
        int32_t cp = p < e ? utf8_next(&p, e) : '\n';
        bool at_end = q >= e;
        if (cp == '\n') {
            cur.b = ls->lb.len;
            cur.nl_offset = (uint32_t)(q - s);
            if (ls->n == cap) {
                cap = cap ? cap * 2 : 64;
                struct line *nl = realloc(ls->v, (size_t)cap * sizeof *nl);
                if (!nl) {
                    ls->is_oom = true;
                    break;
                }
                ls->v = nl;
            }
            cur.is_page = cur.b > cur.a && line_is_page(ls->lb.s + cur.a, cur.b - cur.a);
            ls->v[ls->n++] = cur;
            memset(&cur, 0, sizeof cur);
            cur.a = ls->lb.len;
            cur.start = (uint32_t)(p - s);
            if (at_end) break;
            continue;
        }
        if (is_space(cp)) continue;
        size_t before = ls->lb.len;
        put_cp(&ls->lb, cp, (uint32_t)(q - s), (uint32_t)(p - s));
        if (ls->lb.len > before) {
            const char *r = ls->lb.s + before;
            while (r < ls->lb.s + ls->lb.len) {
                cur.last = utf8_next(&r, ls->lb.s + ls->lb.len);
                cur.n_chars++;
            }
        }
    }
    ls->is_oom = ls->is_oom || ls->lb.is_oom;
    for (int i = 0; i < ls->n; i++)
        if (!ls->v[i].is_page && ls->v[i].n_chars > ls->width) ls->width = ls->v[i].n_chars;
}

static void lines_release(struct lines *ls) {
    free(ls->lb.s);
    free(ls->lb.from);
    free(ls->lb.to);
    free(ls->v);
}

/* Whether content line i continues content line prev (the same sentence broken by the page's
 * width): prev does not end a sentence, i does not start an item (第三条, （一）, 1.), and prev
 * ends open (，、（“《) or, in text whose lines are all short (a PDF's), runs to 70% of the width.
 */
static bool lines_join(const struct lines *ls, int prev, int i) {
    const struct line *pl = &ls->v[prev], *l = &ls->v[i];
    enum text_marker mk;
    bool pdf_like = ls->width > 0 && ls->width <= 60;
    bool next_marked = text_item_marker(ls->lb.s + l->a, l->b - l->a, &mk) > 0;
    return !ends_closed(pl->last) && !next_marked &&
           (ends_open(pl->last) || (pdf_like && pl->n_chars * 10 >= ls->width * 7));
}

int text_normalize(const char *s, size_t len, struct text_norm *res, struct error *err) {
    memset(res, 0, sizeof *res);
    if (len > TEXT_MAX_INPUT)
        return error_set(err, ERR_TOO_LARGE, "政策文本过大:%zu 字节,上限 %u 字节",
                         "policy text too large: %zu bytes, the limit is %u", len,
                         (unsigned)TEXT_MAX_INPUT);
    size_t bad;
    if (!utf8_is_valid(s, len, &bad)) {
        error_set(err, ERR_UTF8, "无效的 UTF-8 编码,位于第 %zu 字节", "invalid UTF-8 at byte %zu",
                  bad);
        if (err) err->offset = (int64_t)bad;
        return ERR_UTF8;
    }
    struct out o = {0};
    struct lines ls;
    lines_scan(s, len, &ls);
    const struct out *lb = &ls.lb;
    int prev = -1; /* last content line written */
    for (int i = 0; i < ls.n && !ls.is_oom; i++) {
        struct line *l = &ls.v[i];
        if (l->is_page) continue;
        if (l->b == l->a) { /* a blank line closes the paragraph */
            prev = -1;
            continue;
        }
        if (prev >= 0) {
            if (!lines_join(&ls, prev, i))
                out_put(&o, "\n", 1, ls.v[prev].nl_offset, ls.v[prev].nl_offset + 1);
        } else if (o.len) {
            uint32_t at = l->a < lb->len ? lb->from[l->a] : (uint32_t)len;
            out_put(&o, "\n", 1, at, at);
        }
        for (size_t k = l->a; k < l->b; k++)
            out_put(&o, lb->s + k, 1, lb->from[k], lb->to[k]);
        prev = i;
    }
    out_put(&o, "", 0, (uint32_t)len, (uint32_t)len);
    bool oom = ls.is_oom || o.is_oom;
    lines_release(&ls);
    if (!oom && !o.s) { /* empty input: an empty text */
        o.s = calloc(1, 1);
        o.from = calloc(1, sizeof *o.from);
        o.to = calloc(1, sizeof *o.to);
        oom = !o.s || !o.from || !o.to;
    }
    if (oom) {
        free(o.s);
        free(o.from);
        free(o.to);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    o.s[o.len] = 0;
    o.from[o.len] = (uint32_t)len;
    o.to[o.len] = (uint32_t)len;
    res->s = o.s;
    res->len = o.len;
    res->from = o.from;
    res->to = o.to;
    return 0;
}

static bool is_word_byte(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

int text_unwrap(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    *out = NULL;
    *out_len = 0;
    if (len > TEXT_MAX_INPUT)
        return error_set(err, ERR_TOO_LARGE, "政策文本过大:%zu 字节,上限 %u 字节",
                         "policy text too large: %zu bytes, the limit is %u", len,
                         (unsigned)TEXT_MAX_INPUT);
    if (!utf8_is_valid(s, len, NULL))
        return error_set(err, ERR_UTF8, "无效的 UTF-8 编码", "invalid UTF-8");
    struct lines ls;
    lines_scan(s, len, &ls);
    struct buf b;
    buf_init(&b);
    int prev = -1;
    bool blank = false; /* a blank line waits to be written before the next content */
    for (int i = 0; i < ls.n && !ls.is_oom; i++) {
        const struct line *l = &ls.v[i];
        if (l->is_page) continue;
        if (l->b == l->a) {
            blank = prev >= 0 || blank;
            prev = -1;
            continue;
        }
        /* the line's own bytes, without the spaces and \r around them */
        size_t a = l->start, z = l->nl_offset;
        while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\r'))
            z--;
        if (prev >= 0 && lines_join(&ls, prev, i)) {
            if (b.len && is_word_byte(b.data[b.len - 1]) && is_word_byte(s[a]))
                buf_append(&b, " ", 1);
        } else if (b.len) {
            buf_append(&b, blank ? "\n\n" : "\n", blank ? 2 : 1);
        }
        blank = false;
        buf_append(&b, s + a, z - a);
        prev = i;
    }
    bool oom = ls.is_oom || b.is_oom;
    lines_release(&ls);
    if (!oom && len && s[len - 1] == '\n' && b.len) buf_append(&b, "\n", 1);
    if (oom || b.is_oom) {
        buf_release(&b);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    *out_len = b.len;
    *out = b.data ? buf_detach(&b) : calloc(1, 1);
    if (!*out) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    return 0;
}

void text_norm_release(struct text_norm *n) {
    free(n->s);
    free(n->from);
    free(n->to);
    memset(n, 0, sizeof *n);
}

void text_norm_span(const struct text_norm *n, size_t a, size_t b, size_t *start, size_t *end) {
    if (a >= n->len || b <= a) {
        *start = *end = a < n->len ? n->from[a] : n->from[n->len];
        return;
    }
    *start = n->from[a];
    *end = n->to[b - 1];
}
