/* Private to src/extract: the lexicon and the helpers the extraction files share. */
#ifndef DUIJIE_EXTRACT_INT_H
#define DUIJIE_EXTRACT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "extract/extract.h"

enum lex_kind {
    LK_KIND,
    LK_GRANT,
    LK_CAP,
    LK_FLOOR,
    LK_PER,
    LK_CMP_PRE,
    LK_CMP_POST,
    LK_FIELD,
    LK_QUAL,
    LK_QUALKW,
    LK_LEVEL,
    LK_MODIFIER,
    LK_INDUSTRY,
    LK_REGION,
    LK_NOTREGION,
    LK_DEPT,
    LK_STOP,
    LK_PREAMBLE,
    LK_COUNT
};

struct lex_entry {
    enum lex_kind kind;
    const char *phrase; /* points into the embedded table; not NUL-terminated */
    size_t len;
    const char *value; /* NUL-terminated copy; "" when the column is empty */
};

int lex_load(void);
/* The longest entry of kind that starts at s[i] (within [0, end)); NULL when none. */
const struct lex_entry *lex_at(enum lex_kind kind, const char *s, size_t i, size_t end);
/* The first position in [a, b) where an entry of kind starts (its entry in *e); b when none. */
size_t lex_find(enum lex_kind kind, const char *s, size_t a, size_t b, const struct lex_entry **e);
/* The last entry of kind that ends exactly at s[end]; NULL when none. */
const struct lex_entry *lex_ending(enum lex_kind kind, const char *s, size_t start, size_t end);
/* True when entry e's phrase is word. */
bool lex_is(const struct lex_entry *e, const char *word);
/* True when s[a..b) contains an entry of kind. */
bool lex_has(enum lex_kind kind, const char *s, size_t a, size_t b);

/* UTF-8 helpers over normalised text. */
int32_t xcp(const char *s, size_t end, size_t i, size_t *adv);
size_t xprev(const char *s, size_t i); /* start of the char before byte i */
bool xhan(int32_t cp);
bool xstarts(const char *s, size_t i, size_t end, const char *w);
bool xends(const char *s, size_t a, size_t end, const char *w);
size_t xfind(const char *s, size_t a, size_t b, const char *w);  /* b when absent */
size_t xrfind(const char *s, size_t a, size_t b, const char *w); /* b when absent */
int xchars(const char *s, size_t a, size_t b);
/* True when the ',' at s[i] separates thousands (a digit before, exactly three digits after). */
bool xthousands(const char *s, size_t i, size_t end);

/* The working state for one clause while it is analysed. */
#define MAX_SEGS 64
#define MAX_QTY 64
#define MAX_BEN 32
#define MAX_COND 48

struct seg {
    size_t a, b;
};

enum qrole { QR_NONE, QR_COND, QR_BENEFIT };

struct qty {
    size_t a, b;    /* the quantity with its unit (and a range's upper end) */
    struct ratio v; /* yuan, a fraction for %, years, months, days, persons */
    enum unit unit;
    bool is_colon; /* "1:0.5" → v = 0.5 */
    bool is_date;  /* v.num = days since 1970 */
    bool has_hi;   /* a range "15-20万元", "100万元(含)至500万元" */
    struct ratio hi;
    bool lo_incl, hi_incl; /* "(含)" after either end */
    size_t hi_at;          /* where the upper end starts */
    int seg;
    enum qrole role;
};

struct work {
    const char *s; /* normalised text */
    size_t a, b;   /* the clause */
    struct arena *ar;
    struct seg segs[MAX_SEGS];
    int n_segs;
    bool seg_benefit[MAX_SEGS];
    struct qty q[MAX_QTY];
    int n_q;
    struct extract_benefit ben[MAX_BEN];
    int n_ben;
    struct extract_condition cond[MAX_COND];
    int n_cond;
    size_t subj_a, subj_b; /* the subject in s; subj_a == subj_b when none */
    size_t cond_end;       /* where the clause's conditions end (the first benefit segment) */
    const char *region;    /* 注册地 from a heading or the paragraph's topic; NULL when none */
    const char *region_text;
    bool has_prev_rate; /* the previous clause's rate, for "按上述比例" */
    struct ratio prev_rate;
    const char *prev_basis;
    const char *prev_qual; /* the previous clause's qualification, for "重新认定的每家奖励5万元" */
    const char *last_qual;       /* this clause's, for the next */
    bool subject_is_beneficiary; /* 给予培育机构奖励: the subject is not the enterprise */
};

char *xdup(struct arena *ar, const char *s, size_t a, size_t b);
void work_segments(struct work *w);
void work_quantities(struct work *w);
void work_benefits(struct work *w);
void work_conditions(struct work *w);
/* Bytes of a place name (济南市, 定海区, 青岛自贸片区, 本市) starting at s[i], 0 when none. */
size_t region_name_at(const char *s, size_t i, size_t end);
/* The proposed rule and its notes for an analysed clause. */
void propose_rule(struct arena *ar, struct extract_clause *c);

#endif
