/* Owns text normalisation for search (NFKC, width, case, Traditional → Simplified, quote folding)
 * and the tokenizer (Han bigrams and unigrams, Latin words, lexicon concepts). Knows nothing of the
 * index or queries. The Traditional → Simplified table is built once from ICU's transliterator. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/utrans.h>

#include "search/search_internal.h"
#include "text/number.h"
#include "util/utf8.h"

#define HAN_FIRST 0x3400
#define HAN_LAST 0x9FFF

static int32_t *t2s; /* simplified code point per Han code point in HAN_FIRST..HAN_LAST, 0 = same */
static const UNormalizer2 *nfkc;
static int init_status = 1; /* 1 = not yet, 0 = ok, <0 = failed */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Transliterates every Han code point at once (one per line), so the table costs one ICU call. */
static void build_t2s(void) {
    UErrorCode st = U_ZERO_ERROR;
    nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st)) {
        init_status = ERR_UNSUPPORTED;
        return;
    }
    UTransliterator *tr =
        utrans_openU((const UChar[]){'H', 'a', 'n', 't', '-', 'H', 'a', 'n', 's', 0}, -1,
                     UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) {
        init_status = ERR_UNSUPPORTED;
        return;
    }
    int32_t n = HAN_LAST - HAN_FIRST + 1;
    int32_t cap = n * 4 + 16, len = n * 2, limit = len;
    UChar *u = malloc((size_t)cap * sizeof *u);
    t2s = calloc((size_t)n, sizeof *t2s);
    if (!u || !t2s) {
        free(u);
        utrans_close(tr);
        init_status = ERR_NOMEM;
        return;
    }
    for (int32_t i = 0; i < n; i++) {
        u[2 * i] = (UChar)(HAN_FIRST + i);
        u[2 * i + 1] = '\n';
    }
    utrans_transUChars(tr, u, &len, cap, 0, &limit, &st);
    utrans_close(tr);
    if (U_FAILURE(st)) {
        free(u);
        init_status = ERR_UNSUPPORTED;
        return;
    }
    int32_t line = 0, pos = 0;
    while (pos < len && line < n) {
        int32_t end = pos;
        while (end < len && u[end] != '\n')
            end++;
        /* only one-to-one BMP mappings: phrase rules would break the offset map */
        if (end - pos == 1 && u[pos] != HAN_FIRST + line) t2s[line] = u[pos];
        pos = end + 1;
        line++;
    }
    free(u);
    init_status = 0;
}

static int norm_init(struct error *err) {
    pthread_once(&init_once, build_t2s);
    if (init_status != 0)
        return error_set(err, init_status, "无法初始化 ICU 繁简转换与 NFKC",
                         "cannot set up ICU Traditional-Simplified and NFKC");
    return 0;
}

bool search_is_han(int32_t cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) || cp == 0x3007;
}

static void put_cp(struct buf *out, uint32_t *map, int32_t cp, uint32_t from) {
    char tmp[4];
    int n = utf8_encode(cp, tmp);
    if (map)
        for (int i = 0; i < n; i++)
            map[out->len + (size_t)i] = from;
    buf_append(out, tmp, (size_t)n);
}

/* The rare path: NFKC of one code point through ICU (compatibility ideographs, circled digits). */
static void put_nfkc(struct buf *out, uint32_t *map, int32_t cp, uint32_t from) {
    UChar in[2], res[16];
    int32_t n_in = 0;
    if (cp > 0xFFFF) {
        in[n_in++] = (UChar)(0xD7C0 + (cp >> 10));
        in[n_in++] = (UChar)(0xDC00 | (cp & 0x3FF));
    } else {
        in[n_in++] = (UChar)cp;
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = unorm2_normalize(nfkc, in, n_in, res, 16, &st);
    if (U_FAILURE(st) || n <= 0) {
        put_cp(out, map, cp, from);
        return;
    }
    for (int32_t i = 0; i < n; i++) {
        int32_t c = res[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n) {
            c = 0x10000 + ((c - 0xD800) << 10) + (res[i + 1] - 0xDC00);
            i++;
        }
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (c >= HAN_FIRST && c <= HAN_LAST && t2s[c - HAN_FIRST]) c = t2s[c - HAN_FIRST];
        put_cp(out, map, c, from);
    }
}

static bool is_quote(int32_t cp) {
    return cp == 0x201C || cp == 0x201D || cp == 0x300C || cp == 0x300D || cp == 0x300E ||
           cp == 0x300F || cp == 0xFF02 || cp == 0x201E || cp == 0x00AB || cp == 0x00BB;
}

int search_normalize(const char *s, size_t len, struct buf *out, uint32_t *map, struct error *err) {
    int rc = norm_init(err);
    if (rc) return rc;
    size_t bad;
    if (!utf8_is_valid(s, len, &bad)) {
        error_set(err, ERR_UTF8, "第 %zu 字节不是有效的 UTF-8", "invalid UTF-8 at byte %zu", bad);
        if (err) err->offset = (int64_t)bad;
        return ERR_UTF8;
    }
    const char *p = s, *end = s + len;
    while (p < end) {
        uint32_t from = (uint32_t)(p - s);
        int32_t cp = utf8_next(&p, end);
        if (cp < 0x80) {
            if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
            put_cp(out, map, cp, from);
        } else if (cp >= HAN_FIRST && cp <= HAN_LAST) {
            put_cp(out, map, t2s[cp - HAN_FIRST] ? t2s[cp - HAN_FIRST] : cp, from);
        } else if (is_quote(cp)) {
            put_cp(out, map, '"', from);
        } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
            cp -= 0xFEE0;
            if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
            put_cp(out, map, cp, from);
        } else if (cp == 0x3000) {
            put_cp(out, map, ' ', from);
        } else if ((cp >= 0x3001 && cp <= 0x30FF) || (cp >= 0x2000 && cp <= 0x206F)) {
            put_cp(out, map, cp, from); /* CJK and general punctuation: NFKC keeps them */
        } else {
            put_nfkc(out, map, cp, from);
        }
    }
    if (out->is_oom) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    return 0;
}

char *search_normalize_dup(const char *s, size_t len, size_t *out_len, struct error *err) {
    struct buf b;
    buf_init(&b);
    if (search_normalize(s, len, &b, NULL, err)) {
        buf_release(&b);
        return NULL;
    }
    if (!b.data) buf_putc(&b, 0), b.len = 0;
    *out_len = b.len;
    return buf_detach(&b);
}

uint64_t search_word_key(const char *s, size_t len) {
    return KEY_WORD(strmap_hash(s, len));
}

static bool is_word_char(int32_t cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z');
}

static size_t emit(struct search_token *out, size_t cap, size_t n, enum search_token_kind kind,
                   uint64_t key, size_t start, size_t len, int32_t concept) {
    if (n < cap) out[n] = (struct search_token){kind, key, (uint32_t)start, (uint32_t)len, concept};
    return n + 1;
}

static size_t tokenize_lexicon(const struct search_lexicon *lex, const char *s, size_t len,
                               struct search_token *out, size_t cap, size_t n) {
    size_t i = 0;
    while (i < len) {
        size_t m;
        int e = lex_match(lex, s + i, len - i, &m);
        if (e >= 0 && lex->entries[e].kind == LEX_CONCEPT) {
            int32_t cs[16];
            int nc = lex_closure(lex, lex->entries[e].concept, cs, 16);
            for (int k = 0; k < nc; k++)
                n = emit(out, cap, n, SEARCH_TOK_CONCEPT, KEY_CONCEPT(cs[k]), i, m, cs[k]);
            i += m;
            continue;
        }
        const char *p = s + i;
        utf8_next(&p, s + len);
        i = (size_t)(p - s);
    }
    return n;
}

size_t search_tokenize(const struct search_lexicon *lex, const char *s, size_t len,
                       struct search_token *out, size_t cap) {
    size_t n = 0;
    const char *p = s, *end = s + len;
    int32_t prev = -1;
    size_t prev_at = 0;
    while (p < end) {
        size_t at = (size_t)(p - s);
        int32_t cp = utf8_next(&p, end);
        if (search_is_han(cp)) {
            n = emit(out, cap, n, SEARCH_TOK_UNIGRAM, KEY_UNIGRAM(cp), at, (size_t)(p - s) - at,
                     -1);
            if (prev >= 0)
                n = emit(out, cap, n, SEARCH_TOK_BIGRAM, KEY_BIGRAM(prev, cp), prev_at,
                         (size_t)(p - s) - prev_at, -1);
            prev = cp;
            prev_at = at;
            continue;
        }
        prev = -1;
        if (is_word_char(cp)) {
            const char *q = p;
            while (q < end && is_word_char((unsigned char)*q))
                q++;
            n = emit(out, cap, n, SEARCH_TOK_WORD, search_word_key(s + at, (size_t)(q - s) - at),
                     at, (size_t)(q - s) - at, -1);
            p = q;
        }
    }
    if (lex) n = tokenize_lexicon(lex, s, len, out, cap, n);
    return n;
}

/* Money amounts: a number followed by 元/万元/亿元, or a bare number with 万/亿 in it. */
int64_t search_scan_amount(const char *s, size_t len) {
    int64_t best = -1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '1' && c <= '9' &&
            (i == 0 || !((unsigned char)s[i - 1] >= '0' && (unsigned char)s[i - 1] <= '9'))) {
            struct quantity q;
            size_t n = text_parse_quantity(s + i, len - i, &q);
            bool has_scale = n && (memmem(s + i, n, "万", 3) || memmem(s + i, n, "亿", 3));
            if (n && (q.unit == UNIT_YUAN || (q.unit == UNIT_NONE && has_scale))) {
                struct ratio fen = {q.value.num, q.value.den};
                if (fen.num <= INT64_MAX / 100) {
                    fen.num *= 100;
                    int64_t v = ratio_floor(fen);
                    if (v > best) best = v;
                }
            }
            i += n ? n : 1;
            continue;
        }
        i++;
    }
    return best;
}
