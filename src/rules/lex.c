/* Owns the rule language's lexer: keywords in Chinese and English, operators (ASCII, ≥ ≤ ≠ × ÷ −
 * and their Chinese words), numbers with units (through text/number), dates, quoted strings and
 * names. Knows nothing of fields or types: that is the parser's job. */
#include <stdio.h>
#include <string.h>

#include "rules/internal.h"
#include "util/date.h"
#include "util/utf8.h"

struct keyword {
    const char *word;
    enum tok_kind kind;
    enum rule_op op;
};

/* Longest match wins, so 不低于 beats 不 and != beats !. Chinese words also end a name written
 * without spaces (研发费用占比>=5%且非失信). */
static const struct keyword keywords[] = {
    {"且", T_AND, 0},         {"并且", T_AND, 0},      {"而且", T_AND, 0},
    {"同时", T_AND, 0},       {"and", T_AND, 0},       {"&&", T_AND, 0},
    {"或", T_OR, 0},          {"或者", T_OR, 0},       {"or", T_OR, 0},
    {"||", T_OR, 0},          {"非", T_NOT, 0},        {"not", T_NOT, 0},
    {"!", T_NOT, 0},          {"属于", T_IN, 0},       {"位于", T_IN, 0},
    {"in", T_IN, 0},          {"不属于", T_NOT_IN, 0}, {"包含", T_HAS, 0},
    {"具有", T_HAS, 0},       {"拥有", T_HAS, 0},      {"has", T_HAS, 0},
    {"contains", T_HAS, 0},   {"任一", T_ANY, 0},      {"任意", T_ANY, 0},
    {"any", T_ANY, 0},        {"以上", T_ABOVE, 0},    {"及以上", T_ABOVE, 0},
    {"以下", T_BELOW, 0},     {"及以下", T_BELOW, 0},  {"不包含", T_NOT_HAS, 0},
    {"不具有", T_NOT_HAS, 0}, {">=", T_OP, RO_GE},     {"≥", T_OP, RO_GE},
    {"不低于", T_OP, RO_GE},  {"不少于", T_OP, RO_GE}, {"不小于", T_OP, RO_GE},
    {"达到", T_OP, RO_GE},    {">", T_OP, RO_GT},      {"高于", T_OP, RO_GT},
    {"大于", T_OP, RO_GT},    {"超过", T_OP, RO_GT},   {"多于", T_OP, RO_GT},
    {"<=", T_OP, RO_LE},      {"≤", T_OP, RO_LE},      {"不超过", T_OP, RO_LE},
    {"不高于", T_OP, RO_LE},  {"不多于", T_OP, RO_LE}, {"不大于", T_OP, RO_LE},
    {"<", T_OP, RO_LT},       {"低于", T_OP, RO_LT},   {"小于", T_OP, RO_LT},
    {"少于", T_OP, RO_LT},    {"=", T_OP, RO_EQ},      {"==", T_OP, RO_EQ},
    {"等于", T_OP, RO_EQ},    {"!=", T_OP, RO_NE},     {"≠", T_OP, RO_NE},
    {"<>", T_OP, RO_NE},      {"不等于", T_OP, RO_NE}, {"+", T_PLUS, 0},
    {"-", T_MINUS, 0},        {"−", T_MINUS, 0},       {"*", T_MUL, 0},
    {"×", T_MUL, 0},          {"/", T_DIV, 0},         {"÷", T_DIV, 0},
    {"(", T_LPAREN, 0},       {")", T_RPAREN, 0},      {"[", T_LBRACK, 0},
    {"]", T_RBRACK, 0},       {"【", T_LBRACK, 0},     {"】", T_RBRACK, 0},
    {",", T_COMMA, 0},        {"、", T_COMMA, 0},      {";", T_SEMI, 0},
    {":", T_COLON, 0},        {"奖励", T_AWARD, 0},    {"补助", T_AWARD, 0},
    {"资助", T_AWARD, 0},     {"奖补", T_AWARD, 0},    {"award", T_AWARD, 0},
    {"最高", T_CAP, 0},       {"封顶", T_CAP, 0},      {"上限", T_CAP, 0},
    {"cap", T_CAP, 0},        {"min", T_MIN, 0},       {"max", T_MAX, 0},
    {"较小值", T_MIN, 0},     {"较大值", T_MAX, 0},    {"分档", T_TIER, 0},
    {"tier", T_TIER, 0},      {"分别", T_CHOICE, 0},   {"choose", T_CHOICE, 0},
    {"否则", T_ELSE, 0},      {"其他", T_ELSE, 0},     {"其余", T_ELSE, 0},
    {"else", T_ELSE, 0},      {"版本", T_VERSION, 0},  {"version", T_VERSION, 0},
    {"生效", T_FROM, 0},      {"自", T_FROM, 0},       {"from", T_FROM, 0},
    {"至", T_TO, 0},          {"到", T_TO, 0},         {"to", T_TO, 0},
    {"until", T_TO, 0},
};

static bool is_ascii_word(int32_t cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_' || cp == '.';
}

static bool is_space(int32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000 || cp == 0xA0;
}

static bool is_cn_numeral_start(int32_t cp) {
    static const int32_t cps[] = {0x96F6, 0x3007, 0x4E00, 0x4E8C, 0x4E24, 0x4E09, 0x56DB, 0x4E94,
                                  0x516D, 0x4E03, 0x516B, 0x4E5D, 0x5341, 0x767E, 0x5343};
    for (size_t i = 0; i < sizeof cps / sizeof *cps; i++)
        if (cps[i] == cp) return true;
    return false;
}

/* The keyword starting at s, longest first; ASCII words must end at a word boundary. */
static const struct keyword *keyword_at(const char *s, size_t len, size_t *klen) {
    const struct keyword *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
        size_t wl = strlen(keywords[i].word);
        unsigned char c0 = (unsigned char)keywords[i].word[0];
        bool ascii_word = c0 < 0x80 && is_ascii_word(c0);
        if (wl > len || wl <= best_len) continue;
        if (ascii_word ? strncasecmp(s, keywords[i].word, wl) != 0
                       : memcmp(s, keywords[i].word, wl) != 0)
            continue;
        if (c0 < 0x80 && is_ascii_word(c0) && wl < len && is_ascii_word((unsigned char)s[wl]))
            continue;
        best = &keywords[i];
        best_len = wl;
    }
    *klen = best_len;
    return best;
}

/* Keywords that only count as such when standing alone: 自贸片区 and 其他企业 are names. */
static bool is_weak(enum tok_kind k) {
    return k == T_ANY || k == T_ELSE || k == T_CAP || k == T_AWARD || k == T_FROM || k == T_TO ||
           k == T_TIER || k == T_CHOICE || k == T_VERSION;
}

/* Characters that can never be part of a name. */
static bool is_stop(int32_t cp) {
    if (cp < 0x80) return !is_ascii_word(cp);
    return cp == 0x201C || cp == 0x201D || cp == 0x300C || cp == 0x300D || cp == 0x3001 ||
           cp == 0x3010 || cp == 0x3011 || cp == 0x2265 || cp == 0x2264 || cp == 0x2260 ||
           cp == 0xD7 || cp == 0xF7 || cp == 0x2212 || cp == 0x3000 || cp == 0xA0 || cp == 0xFF08 ||
           cp == 0xFF09;
}

struct lexer {
    const char *s, *end, *p;
    int line, col;
    struct arena *a;
    struct token_list *out;
    int cap;
    struct error *err;
};

static int lex_error(struct lexer *lx, int line, int col, const char *zh, const char *en) {
    error_set_text(lx->err, ERR_PARSE, zh, en);
    return error_at(lx->err, line, col);
}

static struct token *push(struct lexer *lx, enum tok_kind k, int line, int col, const char *text,
                          size_t len) {
    if (lx->out->n == lx->cap) {
        int ncap = lx->cap ? lx->cap * 2 : 64;
        struct token *n = arena_alloc(lx->a, sizeof *n * (size_t)ncap);
        if (!n) return NULL;
        if (lx->out->n) memcpy(n, lx->out->items, sizeof *n * (size_t)lx->out->n);
        lx->out->items = n;
        lx->cap = ncap;
    }
    struct token *t = &lx->out->items[lx->out->n++];
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->line = line;
    t->col = col;
    t->text = text;
    t->len = len;
    return t;
}

/* Advances over n bytes of one line, counting characters. */
static void advance(struct lexer *lx, size_t n) {
    const char *stop = lx->p + n;
    while (lx->p < stop) {
        int32_t cp = utf8_next(&lx->p, lx->end);
        if (cp == '\n') {
            lx->line++;
            lx->col = 1;
        } else {
            lx->col++;
        }
    }
}

static int lex_string(struct lexer *lx) {
    int line = lx->line, col = lx->col;
    const char *q = lx->p;
    int32_t open = utf8_next(&q, lx->end);
    int32_t close = open == '"' ? '"' : open == 0x201C ? 0x201D : 0x300D;
    struct buf b;
    buf_init(&b);
    const char *p = q;
    for (;;) {
        if (p >= lx->end) {
            buf_release(&b);
            return lex_error(lx, line, col, "字符串没有结束引号", "unterminated string");
        }
        const char *at = p;
        int32_t cp = utf8_next(&p, lx->end);
        if (cp == '\n') {
            buf_release(&b);
            return lex_error(lx, line, col, "字符串没有结束引号(不能跨行)",
                             "unterminated string (strings cannot span lines)");
        }
        if (cp == close) break;
        if (cp == '\\' && open == '"' && p < lx->end && (*p == '"' || *p == '\\')) {
            buf_putc(&b, *p);
            p++;
            continue;
        }
        buf_append(&b, at, (size_t)(p - at));
    }
    char *text = arena_strndup(lx->a, buf_str(&b), b.len);
    size_t len = b.len;
    buf_release(&b);
    if (!text || !push(lx, T_STRING, line, col, text, len))
        return error_set_text(lx->err, ERR_NOMEM, "内存不足", "out of memory");
    advance(lx, (size_t)(p - lx->p));
    return 0;
}

/* A date at p: 2025-01-01, 2025/1/1, 2025年1月1日. Returns the bytes, 0 if none. */
static size_t date_at(const char *p, const char *end, int32_t *out) {
    size_t n = 0;
    while (p + n < end && p[n] >= '0' && p[n] <= '9')
        n++;
    if (n != 4 || p + n >= end) return 0;
    size_t i = n;
    bool cn = (size_t)(end - p) >= i + 3 && memcmp(p + i, "年", 3) == 0;
    if (!cn && p[i] != '-' && p[i] != '/') return 0;
    char sep = p[i];
    i += cn ? 3 : 1;
    size_t d1 = i;
    while (p + i < end && p[i] >= '0' && p[i] <= '9')
        i++;
    if (i == d1 || i - d1 > 2) return 0;
    if (cn) {
        if ((size_t)(end - p) < i + 3 || memcmp(p + i, "月", 3) != 0) return 0;
        i += 3;
    } else {
        if (p + i >= end || p[i] != sep) return 0;
        i++;
    }
    size_t d2 = i;
    while (p + i < end && p[i] >= '0' && p[i] <= '9')
        i++;
    if (i == d2 || i - d2 > 2) return 0;
    if (cn) {
        if ((size_t)(end - p) >= i + 3 && memcmp(p + i, "日", 3) == 0)
            i += 3;
        else
            return 0;
    }
    struct error e;
    error_clear(&e);
    if (date_parse(p, i, out, &e)) return 0;
    return i;
}

/* The end of a token that should stand alone: whitespace, punctuation, a keyword or the end. */
static bool at_boundary(const char *p, const char *end) {
    if (p >= end) return true;
    const char *q = p;
    int32_t cp = utf8_next(&q, end);
    if (is_space(cp) || is_stop(cp)) return true;
    size_t kl;
    const struct keyword *k = keyword_at(p, (size_t)(end - p), &kl);
    return k && (unsigned char)k->word[0] >= 0x80;
}

static int lex_number(struct lexer *lx, bool is_cn) {
    int line = lx->line, col = lx->col;
    size_t rest = (size_t)(lx->end - lx->p);
    int32_t date;
    size_t n = is_cn ? 0 : date_at(lx->p, lx->end, &date);
    if (n) {
        struct token *t = push(lx, T_DATE, line, col, lx->p, n);
        if (!t) return error_set_text(lx->err, ERR_NOMEM, "内存不足", "out of memory");
        t->date = date;
        advance(lx, n);
        return 0;
    }
    struct quantity q;
    n = text_parse_quantity(lx->p, rest, &q);
    if (!n) return 1;
    /* text_parse_quantity skips spaces before a unit; never let it take trailing spaces alone */
    while (n > 0 && lx->p[n - 1] == ' ')
        n--;
    if (is_cn && !at_boundary(lx->p + n, lx->end)) return 1; /* 十梅庵街道 is a name */
    if (!is_cn && !at_boundary(lx->p + n, lx->end)) {
        const char *q2 = lx->p + n;
        int32_t cp = utf8_next(&q2, lx->end);
        if (cp < 0x80 && is_ascii_word(cp)) return 1; /* 3911a: a name, the parser will say */
    }
    struct token *t = push(lx, T_NUMBER, line, col, lx->p, n);
    if (!t) return error_set_text(lx->err, ERR_NOMEM, "内存不足", "out of memory");
    t->q = q;
    advance(lx, n);
    return 0;
}

/* A name runs to whitespace, punctuation, or the start of a Chinese keyword. */
static int lex_name(struct lexer *lx) {
    int line = lx->line, col = lx->col;
    const char *p = lx->p;
    bool ascii = (unsigned char)*p < 0x80;
    while (p < lx->end) {
        const char *q = p;
        int32_t cp = utf8_next(&q, lx->end);
        if (is_space(cp) || is_stop(cp)) break;
        if (ascii && cp >= 0x80) break;
        if (!ascii && cp < 0x80 && !is_ascii_word(cp)) break;
        if (p > lx->p && cp >= 0x80) {
            size_t kl;
            const struct keyword *k = keyword_at(p, (size_t)(lx->end - p), &kl);
            if (k && !is_weak(k->kind)) break;
        }
        p = q;
    }
    if (p == lx->p) {
        const char *q = p;
        int32_t cp = utf8_next(&q, lx->end);
        char zh[120], en[120];
        char ch[8] = {0};
        if (cp > 0) utf8_encode(cp, ch);
        snprintf(zh, sizeof zh, "不认识的字符“%s”", ch);
        snprintf(en, sizeof en, "unexpected character \"%s\"", ch);
        return lex_error(lx, line, col, zh, en);
    }
    if (!push(lx, T_IDENT, line, col, lx->p, (size_t)(p - lx->p)))
        return error_set_text(lx->err, ERR_NOMEM, "内存不足", "out of memory");
    advance(lx, (size_t)(p - lx->p));
    return 0;
}

static int lex_one(struct lexer *lx) {
    const char *q = lx->p;
    int32_t cp = utf8_next(&q, lx->end);
    if (is_space(cp)) {
        advance(lx, (size_t)(q - lx->p));
        return 0;
    }
    if (cp == '#') {
        while (lx->p < lx->end && *lx->p != '\n')
            advance(lx, 1);
        return 0;
    }
    if (cp == '"' || cp == 0x201C || cp == 0x300C) return lex_string(lx);
    if (cp >= '0' && cp <= '9') {
        int rc = lex_number(lx, false);
        if (rc <= 0) return rc;
    }
    if (is_cn_numeral_start(cp) || (cp == 0x767E && lx->end - lx->p >= 9)) {
        int rc = lex_number(lx, true);
        if (rc <= 0) return rc;
    }
    size_t kl;
    const struct keyword *k = keyword_at(lx->p, (size_t)(lx->end - lx->p), &kl);
    if (k && is_weak(k->kind) && (unsigned char)k->word[0] >= 0x80 && lx->p + kl < lx->end) {
        const char *r = lx->p + kl;
        int32_t nx = utf8_next(&r, lx->end);
        if (nx >= 0x80 && !is_stop(nx) && !is_space(nx)) k = NULL;
    }
    if (k) {
        struct token *t = push(lx, k->kind, lx->line, lx->col, lx->p, kl);
        if (!t) return error_set_text(lx->err, ERR_NOMEM, "内存不足", "out of memory");
        t->op = k->op;
        advance(lx, kl);
        return 0;
    }
    return lex_name(lx);
}

int rules_lex(const char *src, size_t len, struct arena *a, struct token_list *out,
              struct error *err) {
    struct lexer lx = {src, src + len, src, 1, 1, a, out, 0, err};
    out->items = NULL;
    out->n = 0;
    while (lx.p < lx.end) {
        int rc = lex_one(&lx);
        if (rc) return rc;
    }
    if (!push(&lx, T_EOF, lx.line, lx.col, lx.end, 0))
        return error_set_text(err, ERR_NOMEM, "内存不足", "out of memory");
    return 0;
}

const char *rules_tok_name(enum tok_kind k) {
    static const char *const names[] = {
        [T_EOF] = "结尾 / end of rule",
        [T_IDENT] = "名称 / name",
        [T_STRING] = "字符串 / string",
        [T_NUMBER] = "数值 / number",
        [T_DATE] = "日期 / date",
        [T_LPAREN] = "“(”",
        [T_RPAREN] = "“)”",
        [T_LBRACK] = "“[”",
        [T_RBRACK] = "“]”",
        [T_COMMA] = "“,”",
        [T_SEMI] = "“;”",
        [T_COLON] = "“:”",
        [T_OP] = "比较符 / comparison",
        [T_PLUS] = "“+”",
        [T_MINUS] = "“-”",
        [T_MUL] = "“×”",
        [T_DIV] = "“÷”",
        [T_AND] = "“且”",
        [T_OR] = "“或”",
        [T_NOT] = "“非”",
        [T_IN] = "“属于”",
        [T_NOT_IN] = "“不属于”",
        [T_HAS] = "“包含”",
        [T_NOT_HAS] = "“不包含”",
        [T_AWARD] = "“奖励”",
        [T_CAP] = "“最高”",
        [T_MIN] = "“min”",
        [T_MAX] = "“max”",
        [T_TIER] = "“分档”",
        [T_CHOICE] = "“分别”",
        [T_ELSE] = "“否则”",
        [T_VERSION] = "“版本”",
        [T_FROM] = "“自”",
        [T_TO] = "“至”",
        [T_ANY] = "“任一”",
        [T_ABOVE] = "“以上”",
        [T_BELOW] = "“以下”",
    };
    return (unsigned)k < sizeof names / sizeof *names ? names[k] : "?";
}
