/* Private to src/rules: the token stream shared by the lexer and the parser, and helpers shared by
 * the evaluator, the formatter and the SQL generator. Nothing outside src/rules includes this. */
#ifndef DUIJIE_RULES_INTERNAL_H
#define DUIJIE_RULES_INTERNAL_H

#include "rules/rules.h"
#include "text/number.h"

enum tok_kind {
    T_EOF,
    T_IDENT,  /* a name: a field, a region, an industry, an enum value */
    T_STRING, /* "…", “…”, 「…」 (text holds the unescaped contents) */
    T_NUMBER, /* a number with an optional unit (q) */
    T_DATE,   /* 2025-01-01, 2025年1月1日 (date) */
    T_LPAREN,
    T_RPAREN,
    T_LBRACK,
    T_RBRACK,
    T_COMMA, /* , ， 、 */
    T_SEMI,  /* ; ； */
    T_COLON, /* : ： */
    T_OP,    /* a comparison (op) */
    T_PLUS,
    T_MINUS,
    T_MUL,
    T_DIV,
    T_AND,
    T_OR,
    T_NOT,
    T_IN,
    T_NOT_IN,
    T_HAS,
    T_NOT_HAS,
    T_AWARD,
    T_CAP,
    T_MIN,
    T_MAX,
    T_TIER,
    T_CHOICE,
    T_ELSE,
    T_VERSION,
    T_FROM,
    T_TO,
    T_ANY,   /* 包含 任一 [...]: any one of */
    T_ABOVE, /* 营业收入 2000万元以上: >= (以上 includes the number, 含本数) */
    T_BELOW, /* 从业人员 500人以下: <= */
};

struct token {
    enum tok_kind kind;
    int line, col;    /* 1-based; col in characters */
    const char *text; /* into the folded source (not NUL-terminated), or the unescaped string */
    size_t len;
    enum rule_op op;   /* T_OP */
    struct quantity q; /* T_NUMBER */
    int32_t date;      /* T_DATE */
};

struct token_list {
    struct token *items; /* in the rule's arena */
    int n;
};

/* Splits src (valid UTF-8, already width-folded) into tokens; strings are unescaped into a. */
int rules_lex(const char *src, size_t len, struct arena *a, struct token_list *out,
              struct error *err);
const char *rules_tok_name(enum tok_kind k);

/* The canonical text of an operator: ">=", "<", … */
const char *rules_op_text(enum rule_op op);
/* The relation in words for people: ">=" → "不低于" (dates: "不早于"). */
const char *rules_op_words(enum rule_op op, enum rule_dim dim);
/* The operator that holds exactly when op does not: >= ↔ <, = ↔ !=. */
enum rule_op rules_op_negate(enum rule_op op);
/* An expression in words for people (full-width punctuation, tiers and choices spelt out). */
void rules_describe_expr(const struct rule_expr *e, struct buf *out);
/* An RC_IN / RC_HAS atom's values for people: "市南区、市北区". */
void rules_describe_values(const struct rule_cond *c, struct buf *out);
/* A constant for people: "500万元", "5%", "2025-01-01", "20". */
void rules_format_const(enum rule_dim dim, struct ratio k, bool is_percent, struct buf *out);

/* The same for people: exact when it is a decimal of at most 10 places, else "约 33.3333%". */
void rules_describe_const(enum rule_dim dim, struct ratio k, bool is_percent, struct buf *out);

/* s with its ASCII quotes as full-width pairs: 专精特新"小巨人"企业 → 专精特新“小巨人”企业. */
void rules_puts_quoted(struct buf *out, const char *s);

/* The numeric value of a field for one profile, in its dim's base unit; false when missing. */
bool rules_field_value(const struct profile *p, enum field_id f, struct ratio *out);
/* The dim of a numeric field (FT_INT, FT_MONEY, FT_RATIO, FT_DATE); -1 for other types. */
int rules_field_dim(enum field_id f);

#endif
