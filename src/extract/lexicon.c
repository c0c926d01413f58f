/* Owns the 惠企政策词典 loaded from the embedded data/extract-lexicon.tsv, and the small UTF-8
 * helpers the extraction files share. Loaded once; immutable afterwards, so any thread may read
 * it. Knows no policy grammar (extract.c, benefit.c, condition.c). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_int.h"
#include "util/utf8.h"

extern const char extract_lexicon_tsv[];

#define N_BUCKETS 1024

static struct lex_entry *entries;
static int n_entries;
static int *next_in_bucket;              /* per entry */
static int buckets[LK_COUNT][N_BUCKETS]; /* first entry index, -1 when empty */
static int load_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const kind_names[LK_COUNT] = {
    "kind",     "grant",  "cap",       "floor",  "per",   "cmp_pre",
    "cmp_post", "field",  "qual",      "qualkw", "level", "modifier",
    "industry", "region", "notregion", "dept",   "stop",  "preamble",
};

static unsigned first_char_hash(const char *s, size_t len) {
    size_t n = 1;
    unsigned char c = (unsigned char)s[0];
    if (c >= 0xF0)
        n = 4;
    else if (c >= 0xE0)
        n = 3;
    else if (c >= 0xC0)
        n = 2;
    if (n > len) n = len;
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h % N_BUCKETS;
}

static int cmp_len_desc(const void *a, const void *b) {
    const struct lex_entry *x = a, *y = b;
    if (x->len != y->len) return x->len < y->len ? 1 : -1;
    return (int)x->kind - (int)y->kind;
}

static void load(void) {
    const char *p = extract_lexicon_tsv;
    int cap = 0;
    while (*p) {
        const char *eol = strchr(p, '\n');
        if (!eol) eol = p + strlen(p);
        if (*p != '#' && eol > p) {
            const char *t1 = memchr(p, '\t', (size_t)(eol - p));
            const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1)) : NULL;
            if (!t1 || !t2 || t2 == t1 + 1) {
                load_rc = ERR_PARSE;
                return;
            }
            int kind = -1;
            for (int k = 0; k < LK_COUNT; k++)
                if (strlen(kind_names[k]) == (size_t)(t1 - p) &&
                    memcmp(kind_names[k], p, (size_t)(t1 - p)) == 0)
                    kind = k;
            if (kind < 0) {
                load_rc = ERR_PARSE;
                return;
            }
            if (n_entries == cap) {
                cap = cap ? cap * 2 : 256;
                struct lex_entry *ne = realloc(entries, (size_t)cap * sizeof *ne);
                if (!ne) {
                    load_rc = ERR_NOMEM;
                    return;
                }
                entries = ne;
            }
            size_t vl = (size_t)(eol - t2 - 1);
            char *v = malloc(vl + 1);
            if (!v) {
                load_rc = ERR_NOMEM;
                return;
            }
            memcpy(v, t2 + 1, vl);
            v[vl] = 0;
            entries[n_entries++] =
                (struct lex_entry){(enum lex_kind)kind, t1 + 1, (size_t)(t2 - t1 - 1), v};
        }
        p = *eol ? eol + 1 : eol;
    }
    qsort(entries, (size_t)n_entries, sizeof *entries, cmp_len_desc);
    next_in_bucket = malloc((size_t)(n_entries ? n_entries : 1) * sizeof *next_in_bucket);
    if (!next_in_bucket) {
        load_rc = ERR_NOMEM;
        return;
    }
    for (int k = 0; k < LK_COUNT; k++)
        for (int b = 0; b < N_BUCKETS; b++)
            buckets[k][b] = -1;
    /* insert in reverse so each bucket lists longer phrases first */
    for (int i = n_entries - 1; i >= 0; i--) {
        unsigned h = first_char_hash(entries[i].phrase, entries[i].len);
        next_in_bucket[i] = buckets[entries[i].kind][h];
        buckets[entries[i].kind][h] = i;
    }
}

int lex_load(void) {
    pthread_once(&once, load);
    return load_rc;
}

int extract_lexicon_size(void) {
    int rc = lex_load();
    return rc ? rc : n_entries;
}

const struct lex_entry *lex_at(enum lex_kind kind, const char *s, size_t i, size_t end) {
    if (i >= end || lex_load()) return NULL;
    unsigned h = first_char_hash(s + i, end - i);
    for (int k = buckets[kind][h]; k >= 0; k = next_in_bucket[k]) {
        const struct lex_entry *e = &entries[k];
        if (e->len <= end - i && memcmp(s + i, e->phrase, e->len) == 0) return e;
    }
    return NULL;
}

size_t lex_find(enum lex_kind kind, const char *s, size_t a, size_t b, const struct lex_entry **e) {
    size_t adv;
    for (size_t i = a; i < b; i += adv) {
        xcp(s, b, i, &adv);
        const struct lex_entry *x = lex_at(kind, s, i, b);
        if (x) {
            if (e) *e = x;
            return i;
        }
    }
    if (e) *e = NULL;
    return b;
}

const struct lex_entry *lex_ending(enum lex_kind kind, const char *s, size_t start, size_t end) {
    const struct lex_entry *best = NULL;
    if (lex_load()) return NULL;
    for (int k = 0; k < n_entries; k++) {
        const struct lex_entry *e = &entries[k];
        if (e->kind != kind || e->len > end - start) continue;
        if (memcmp(s + end - e->len, e->phrase, e->len) == 0) {
            best = e;
            break; /* sorted longest first */
        }
    }
    return best;
}

bool lex_is(const struct lex_entry *e, const char *word) {
    return e && e->len == strlen(word) && memcmp(e->phrase, word, e->len) == 0;
}

bool lex_has(enum lex_kind kind, const char *s, size_t a, size_t b) {
    return lex_find(kind, s, a, b, NULL) < b;
}

int32_t xcp(const char *s, size_t end, size_t i, size_t *adv) {
    if (i >= end) {
        *adv = 1;
        return -1;
    }
    const char *p = s + i;
    int32_t cp = utf8_next(&p, s + end);
    *adv = (size_t)(p - (s + i));
    if (!*adv) *adv = 1;
    return cp;
}

size_t xprev(const char *s, size_t i) {
    if (i == 0) return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    return j;
}

bool xhan(int32_t cp) {
    return cp >= 0x4E00 && cp <= 0x9FFF;
}

bool xstarts(const char *s, size_t i, size_t end, const char *w) {
    size_t n = strlen(w);
    return i + n <= end && memcmp(s + i, w, n) == 0;
}

bool xends(const char *s, size_t a, size_t end, const char *w) {
    size_t n = strlen(w);
    return end >= a + n && memcmp(s + end - n, w, n) == 0;
}

size_t xfind(const char *s, size_t a, size_t b, const char *w) {
    size_t n = strlen(w);
    if (b < a + n) return b;
    const char *p = memmem(s + a, b - a, w, n);
    return p ? (size_t)(p - s) : b;
}

size_t xrfind(const char *s, size_t a, size_t b, const char *w) {
    size_t n = strlen(w), found = b;
    for (size_t i = a; i + n <= b;) {
        const char *p = memmem(s + i, b - i, w, n);
        if (!p) break;
        found = (size_t)(p - s);
        i = found + 1;
    }
    return found;
}

bool xthousands(const char *s, size_t i, size_t end) {
    if (i == 0 || s[i] != ',' || i + 3 >= end + 0 || !(s[i - 1] >= '0' && s[i - 1] <= '9'))
        return false;
    for (size_t k = 1; k <= 3; k++)
        if (!(s[i + k] >= '0' && s[i + k] <= '9')) return false;
    return i + 4 >= end || !(s[i + 4] >= '0' && s[i + 4] <= '9');
}

int xchars(const char *s, size_t a, size_t b) {
    int n = 0;
    for (size_t i = a; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}
