/* Owns the structure of policy text: item numbering (第X条, 一、, (一), 1., (1), ①), headings and
 * their nesting, and sentences. Works on normalised text (normalize.c); knows nothing of what a
 * sentence says (src/extract). */
#include "text/policy_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static int32_t cp_at(const char *s, size_t len, size_t i, size_t *adv) {
    if (i >= len) {
        *adv = 0;
        return -1;
    }
    const char *p = s + i;
    int32_t cp = utf8_next(&p, s + len);
    *adv = (size_t)(p - (s + i));
    return cp;
}

/* The code point ending just before byte i (-1 at the start). */
static int32_t cp_before(const char *s, size_t i) {
    if (i == 0) return -1;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    const char *p = s + j;
    return utf8_next(&p, s + i);
}

static bool is_cn_numeral(int32_t cp) {
    static const char *const digits = "一二三四五六七八九十百零〇两";
    const char *p = digits, *e = digits + strlen(digits);
    while (p < e)
        if (utf8_next(&p, e) == cp) return true;
    return false;
}

static bool is_han(int32_t cp) {
    return cp >= 0x4E00 && cp <= 0x9FFF;
}

static size_t skip_while(const char *s, size_t len, size_t i, bool (*pred)(int32_t)) {
    size_t adv;
    for (;;) {
        int32_t cp = cp_at(s, len, i, &adv);
        if (cp < 0 || !pred(cp)) return i;
        i += adv;
    }
}

static bool is_digit(int32_t cp) {
    return cp >= '0' && cp <= '9';
}

size_t text_item_marker(const char *s, size_t len, enum text_marker *mk) {
    size_t adv, i;
    int32_t c0 = cp_at(s, len, 0, &adv);
    *mk = MK_NONE;
    if (c0 == 0x7B2C) { /* 第 */
        i = skip_while(s, len, adv, is_cn_numeral);
        if (i == adv) i = skip_while(s, len, adv, is_digit);
        if (i == adv) return 0;
        int32_t c = cp_at(s, len, i, &adv);
        if (c == 0x7AE0 || c == 0x8282) /* 章 节 */
            *mk = MK_CHAPTER;
        else if (c == 0x6761) /* 条 */
            *mk = MK_ARTICLE;
        else
            return 0;
        return i + adv;
    }
    if (c0 >= 0x2460 && c0 <= 0x2473) {
        *mk = MK_CIRCLED;
        return adv;
    }
    if (is_cn_numeral(c0)) {
        i = skip_while(s, len, 0, is_cn_numeral);
        int32_t c = cp_at(s, len, i, &adv);
        if (c != 0x3001 || i > 9) return 0; /* 、 */
        int32_t nx = cp_at(s, len, i + adv, &adv);
        size_t a2;
        if (is_cn_numeral(nx) || nx < 0) return 0; /* 二、三年 is a list, not a heading */
        (void)a2;
        *mk = MK_CN;
        return i + 3;
    }
    if (c0 == '(') {
        i = skip_while(s, len, 1, is_cn_numeral);
        if (i > 1 && i <= 10 && cp_at(s, len, i, &adv) == ')') {
            *mk = MK_CN_PAREN;
            return i + 1;
        }
        i = skip_while(s, len, 1, is_digit);
        if (i > 1 && i <= 3 && cp_at(s, len, i, &adv) == ')') {
            *mk = MK_NUM_PAREN;
            return i + 1;
        }
        return 0;
    }
    if (is_digit(c0)) {
        i = skip_while(s, len, 0, is_digit);
        if (i > 2) return 0;
        int32_t c = cp_at(s, len, i, &adv);
        size_t a2;
        int32_t nx = cp_at(s, len, i + adv, &a2);
        if ((c == '.' || c == 0x3001) && nx >= 0 && !is_digit(nx) && nx != '%') {
            *mk = MK_NUM;
            return i + adv;
        }
        if (c == ')' && nx >= 0 && !is_digit(nx)) {
            *mk = MK_NUM_PAREN;
            return i + adv;
        }
    }
    return 0;
}

/* An item number inside a line (a web page flattened into one line: "...政策措施一、总部经济
 * 引进政策1.注册直接补助:..."): only where the character before ends a sentence or is a Han
 * character that is not part of an ordinal (第二、三年). */
static size_t inline_marker(const char *s, size_t len, size_t i, enum text_marker *mk) {
    size_t n = text_item_marker(s + i, len - i, mk);
    if (!n) return 0;
    int32_t b = cp_before(s, i);
    bool after_end = b == 0x3002 || b == ';' || b == '!' || b == '?' || b == ':';
    size_t adv;
    int32_t next = cp_at(s, len, i + n, &adv);
    switch (*mk) {
    case MK_CN:
        if (is_cn_numeral(b) || b == 0x7B2C || b == 0x4E4B) return 0; /* 第 之 */
        return (after_end || is_han(b)) && is_han(next) ? n : 0;
    case MK_NUM:
        return (after_end || (is_han(b) && b != 0x7B2C)) && is_han(next) ? n : 0;
    case MK_CN_PAREN:
    case MK_CHAPTER:
    case MK_ARTICLE:
        return after_end ? n : 0;
    case MK_NUM_PAREN:
        return after_end && s[i] == '(' ? n : 0;
    default:
        return 0;
    }
}

static int push_unit(struct text_units *u, struct text_unit unit) {
    if (u->n == u->cap) {
        int cap = u->cap ? u->cap * 2 : 64;
        struct text_unit *v = realloc(u->v, (size_t)cap * sizeof *v);
        if (!v) return ERR_NOMEM;
        u->v = v;
        u->cap = cap;
    }
    u->v[u->n++] = unit;
    return 0;
}

static bool is_stop(int32_t cp) {
    return cp == 0x3002 || cp == ';' || cp == '!' || cp == '?';
}

/* True when s[a..b) has no sentence punctuation and no comma: a title. */
static bool is_title(const char *s, size_t a, size_t b, int max_chars) {
    int n = 0;
    for (const char *p = s + a; p < s + b;) {
        int32_t cp = utf8_next(&p, s + b);
        if (is_stop(cp) || cp == ',') return false;
        n++;
    }
    return n > 0 && n <= max_chars;
}

struct split_state {
    struct text_units *u;
    int stack[16]; /* heading unit indexes, outermost first */
    int depth;
    int item;
};

static int rank(enum text_marker mk) {
    return mk == MK_NONE ? 100 : (int)mk;
}

/* Closes the headings a new item or heading of style mk ends. */
static void pop_to(struct split_state *st, enum text_marker mk) {
    while (st->depth > 0 && rank(st->u->v[st->stack[st->depth - 1]].marker) >= rank(mk))
        st->depth--;
}

static int add_heading(struct split_state *st, enum text_marker mk, size_t a, size_t b, int line) {
    pop_to(st, mk);
    struct text_unit h = {TU_HEADING,
                          mk,
                          a,
                          b,
                          line,
                          st->item,
                          st->depth ? st->stack[st->depth - 1] : -1,
                          st->depth ? st->stack[st->depth - 1] : -1};
    int rc = push_unit(st->u, h);
    if (rc) return rc;
    if (st->depth < 16) st->stack[st->depth++] = st->u->n - 1;
    return 0;
}

static int add_sentences(struct split_state *st, const char *s, size_t a, size_t b, int line,
                         enum text_marker mk) {
    int depth = 0;
    size_t start = a, adv;
    for (size_t i = a; i < b; i += adv) {
        int32_t cp = cp_at(s, b, i, &adv);
        if (cp == '(' || cp == 0x201C || cp == 0x300A || cp == '[') depth++;
        if ((cp == ')' || cp == 0x201D || cp == 0x300B || cp == ']') && depth > 0) depth--;
        bool end = i + adv >= b || (is_stop(cp) && depth == 0);
        if (!end) continue;
        /* closing quotes and brackets right after the stop belong to the sentence */
        size_t stop = i + adv;
        if (stop > start) {
            struct text_unit t = {TU_SENTENCE,
                                  mk,
                                  start,
                                  stop,
                                  line,
                                  st->item,
                                  st->depth ? st->stack[st->depth - 1] : -1,
                                  -1};
            int rc = push_unit(st->u, t);
            if (rc) return rc;
        }
        start = stop;
        depth = 0;
    }
    return 0;
}

/* One numbered piece of a line: a heading, a title sentence then sentences, or sentences. */
static int add_piece(struct split_state *st, const char *s, size_t a, size_t b, int line,
                     enum text_marker mk) {
    st->item++;
    if (is_title(s, a, b, 40)) return add_heading(st, mk, a, b, line);
    if (mk != MK_NONE) pop_to(st, mk);
    size_t adv;
    if (mk !=
        MK_NONE) { /* "(一)加快培育接续发展的企业梯队。支持…": the first sentence titles the item */
        for (size_t i = a; i < b; i += adv) {
            int32_t cp = cp_at(s, b, i, &adv);
            if (cp == ',' || cp == ':' || cp == '(') break;
            if (cp == 0x3002) {
                if (i + adv < b && is_title(s, a, i, 25)) {
                    int rc = add_heading(st, mk, a, i + adv, line);
                    if (rc) return rc;
                    return add_sentences(st, s, i + adv, b, line, mk);
                }
                break;
            }
        }
    }
    return add_sentences(st, s, a, b, line, mk);
}

int text_split(const struct text_norm *n, struct text_units *out, struct error *err) {
    memset(out, 0, sizeof *out);
    struct split_state st = {.u = out, .depth = 0, .item = -1};
    const char *s = n->s;
    size_t pos = 0;
    int line = 0;
    while (pos < n->len) {
        const char *nl = memchr(s + pos, '\n', n->len - pos);
        size_t end = nl ? (size_t)(nl - s) : n->len;
        enum text_marker mk;
        size_t m = text_item_marker(s + pos, end - pos, &mk);
        size_t piece = pos + m, adv;
        enum text_marker piece_mk = mk;
        int depth = 0;
        for (size_t i = piece; i < end; i += adv) {
            int32_t cp = cp_at(s, end, i, &adv);
            if (cp == '(' || cp == 0x201C || cp == 0x300A) depth++;
            if ((cp == ')' || cp == 0x201D || cp == 0x300B) && depth > 0) depth--;
            if (i == piece || (depth > 0 && cp != '(')) continue;
            enum text_marker imk;
            size_t im = inline_marker(s, end, i, &imk);
            if (!im) continue;
            int rc = add_piece(&st, s, piece, i, line, piece_mk);
            if (rc) goto fail;
            piece = i + im;
            piece_mk = imk;
            adv = im;
            depth = 0;
        }
        if (piece < end) {
            int rc = add_piece(&st, s, piece, end, line, piece_mk);
            if (rc) goto fail;
        }
        pos = end + 1;
        line++;
    }
    return 0;
fail:
    text_units_release(out);
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

void text_units_release(struct text_units *u) {
    free(u->v);
    memset(u, 0, sizeof *u);
}
