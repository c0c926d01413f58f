/* Owns the search lexicon: synonym concepts (高企 = 高新技术企业), broader-narrower links (专精特新
 * > 小巨人), dictionary words, stop words and question words, parsed from data/search_synonyms.txt
 * (embedded) plus the field dictionary and the region table. Longest-match look-up over normalised
 * text. Does not tokenise (norm.c) or rank (query.c). */
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "schema/schema.h"
#include "search/search_internal.h"
#include "util/utf8.h"

extern const char search_synonyms_txt[];

static int nomem(struct error *err) {
    return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

static int32_t new_concept(struct search_lexicon *lex, const char *name) {
    if (lex->n_concepts == lex->cap_concepts) {
        int cap = lex->cap_concepts ? lex->cap_concepts * 2 : 256;
        struct lex_concept *c = realloc(lex->concepts, (size_t)cap * sizeof *c);
        if (!c) return -1;
        lex->concepts = c;
        lex->cap_concepts = cap;
    }
    struct lex_concept *c = &lex->concepts[lex->n_concepts];
    memset(c, 0, sizeof *c);
    c->name = arena_strdup(&lex->arena, name);
    if (!c->name) return -1;
    return lex->n_concepts++;
}

static int new_entry(struct search_lexicon *lex, struct lex_entry e) {
    if (lex->n_entries == lex->cap_entries) {
        int cap = lex->cap_entries ? lex->cap_entries * 2 : 512;
        struct lex_entry *x = realloc(lex->entries, (size_t)cap * sizeof *x);
        if (!x) return -1;
        lex->entries = x;
        lex->cap_entries = cap;
    }
    lex->entries[lex->n_entries] = e;
    return lex->n_entries++;
}

/* Registers a normalised surface → entry, and every proper prefix as "keep looking". The first
 * entry for a surface wins. */
static int put_surface(struct search_lexicon *lex, const char *s, size_t len, int entry) {
    int64_t v;
    if (strmap_get(&lex->map, s, len, &v) && (v & LEX_IS_FULL)) return 0;
    int64_t nv = (strmap_get(&lex->map, s, len, &v) ? v : 0) | LEX_IS_FULL | (int64_t)entry;
    if (!strmap_put(&lex->map, s, len, nv)) return ERR_NOMEM;
    const char *p = s, *end = s + len;
    int chars = 0;
    while (p < end) {
        utf8_next(&p, end);
        chars++;
        if (p == end) break;
        size_t pl = (size_t)(p - s);
        int64_t pv = 0;
        if (strmap_get(&lex->map, s, pl, &pv) && (pv & LEX_IS_PREFIX)) continue;
        if (!strmap_put(&lex->map, s, pl, pv | LEX_IS_PREFIX)) return ERR_NOMEM;
    }
    if (chars > lex->max_chars) lex->max_chars = chars;
    return 0;
}

static int add_concept_surface(struct search_lexicon *lex, int32_t concept, const char *norm,
                               size_t len) {
    int64_t v;
    if (strmap_get(&lex->map, norm, len, &v) && (v & LEX_IS_FULL)) return 0;
    int e = new_entry(lex, (struct lex_entry){LEX_CONCEPT, concept, SEARCH_INTENT_NONE});
    if (e < 0) return ERR_NOMEM;
    struct lex_concept *c = &lex->concepts[concept];
    const char **ss = realloc(c->surfaces, (size_t)(c->n_surfaces + 1) * sizeof *ss);
    if (!ss) return ERR_NOMEM;
    c->surfaces = ss;
    c->surfaces[c->n_surfaces] = arena_strndup(&lex->arena, norm, len);
    if (!c->surfaces[c->n_surfaces]) return ERR_NOMEM;
    c->n_surfaces++;
    return put_surface(lex, norm, len, e);
}

int32_t lex_concept_of(const struct search_lexicon *lex, const char *s, size_t len) {
    int64_t v;
    if (!len || !strmap_get(&lex->map, s, len, &v) || !(v & LEX_IS_FULL)) return -1;
    const struct lex_entry *e = &lex->entries[(int)(v & 0xFFFFFFFF)];
    return e->kind == LEX_CONCEPT ? e->concept : -1;
}

/* A list of surfaces separated by sep ('=' or ','), trimmed, normalised, into one arena array. */
static int split_norm(struct arena *a, const char *s, size_t len, char sep, char ***out, int *n,
                      struct error *err) {
    int cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += s[i] == sep;
    char **v = arena_alloc(a, (size_t)cap * sizeof *v);
    if (!v) return nomem(err);
    int k = 0;
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != sep)
            j++;
        size_t tl = j - i;
        const char *t = utf8_trim(s + i, &tl);
        if (tl) {
            size_t nl;
            char *nrm = search_normalize_dup(t, tl, &nl, err);
            if (!nrm) return err ? err->code : ERR_INVALID;
            v[k] = arena_strndup(a, nrm, nl);
            free(nrm);
            if (!v[k]) return nomem(err);
            k++;
        }
        i = j + 1;
    }
    *out = v;
    *n = k;
    return 0;
}

/* "A = B = C": one concept. An existing surface in the group joins it to that concept. */
static int add_group(struct search_lexicon *lex, char **v, int n, const char *canonical) {
    int32_t concept = -1;
    for (int i = 0; i < n && concept < 0; i++)
    concept = lex_concept_of(lex, v[i], strlen(v[i]));
    if (concept < 0 && (concept = new_concept(lex, canonical ? canonical : v[0])) < 0)
        return ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        int rc = add_concept_surface(lex, concept, v[i], strlen(v[i]));
        if (rc) return rc;
    }
    return 0;
}

static int32_t concept_for(struct search_lexicon *lex, const char *s) {
    int32_t c = lex_concept_of(lex, s, strlen(s));
    if (c >= 0) return c;
    char *one[1] = {(char *)s};
    if (add_group(lex, one, 1, NULL)) return -1;
    return lex_concept_of(lex, s, strlen(s));
}

/* "A > B, C": searching A also finds B and C. */
static int add_broader(struct search_lexicon *lex, const char *line, size_t len, const char *gt,
                       struct error *err) {
    char **a, **b;
    int na, nb;
    int rc = split_norm(&lex->arena, line, (size_t)(gt - line), ',', &a, &na, err);
    if (!rc) rc = split_norm(&lex->arena, gt + 1, len - (size_t)(gt + 1 - line), ',', &b, &nb, err);
    if (rc) return rc;
    if (na != 1 || nb < 1) return error_set(err, ERR_PARSE, "“>”两边需要词语", "'>' needs words");
    int32_t broad = concept_for(lex, a[0]);
    if (broad < 0) return nomem(err);
    for (int i = 0; i < nb; i++) {
        int32_t narrow = concept_for(lex, b[i]);
        if (narrow < 0) return nomem(err);
        if (narrow == broad) continue;
        struct lex_concept *c = &lex->concepts[narrow];
        int32_t *x = realloc(c->broader, (size_t)(c->n_broader + 1) * sizeof *x);
        if (!x) return nomem(err);
        c->broader = x;
        c->broader[c->n_broader++] = broad;
    }
    return 0;
}

/* "!word …", "!stop …", "!intent NAME …": space-separated words. */
static int add_directive(struct search_lexicon *lex, const char *line, size_t len,
                         struct error *err) {
    size_t i = 1;
    while (i < len && line[i] != ' ' && line[i] != '\t')
        i++;
    size_t dl = i - 1;
    enum lex_kind kind;
    enum search_intent intent = SEARCH_INTENT_NONE;
    if (dl == 4 && !memcmp(line + 1, "word", 4))
        kind = LEX_CONCEPT;
    else if (dl == 4 && !memcmp(line + 1, "stop", 4))
        kind = LEX_STOP;
    else if (dl == 6 && !memcmp(line + 1, "intent", 6))
        kind = LEX_INTENT;
    else
        return error_set(err, ERR_PARSE, "未知指令“%.*s”", "unknown directive \"%.*s\"", (int)dl,
                         line + 1);
    char **v;
    int n;
    char *copy = arena_strndup(&lex->arena, line + i, len - i);
    if (!copy) return nomem(err);
    for (char *c = copy; *c; c++)
        if (*c == '\t') *c = ' ';
    int rc = split_norm(&lex->arena, copy, strlen(copy), ' ', &v, &n, err);
    if (rc) return rc;
    int first = 0;
    if (kind == LEX_INTENT) {
        if (n < 1) return error_set(err, ERR_PARSE, "!intent 缺少名称", "!intent needs a name");
        if (!strcmp(v[0], "amount"))
            intent = SEARCH_INTENT_AMOUNT;
        else if (!strcmp(v[0], "criteria"))
            intent = SEARCH_INTENT_CRITERIA;
        else if (!strcmp(v[0], "deadline"))
            intent = SEARCH_INTENT_DEADLINE;
        else
            return error_set(err, ERR_PARSE, "未知意图“%s”", "unknown intent \"%s\"", v[0]);
        first = 1;
    }
    for (int k = first; k < n; k++) {
        if (kind == LEX_CONCEPT) {
            if (concept_for(lex, v[k]) < 0) return nomem(err);
            continue;
        }
        int64_t old;
        if (strmap_get(&lex->map, v[k], strlen(v[k]), &old) && (old & LEX_IS_FULL)) continue;
        int e = new_entry(lex, (struct lex_entry){kind, -1, intent});
        if (e < 0 || put_surface(lex, v[k], strlen(v[k]), e)) return nomem(err);
    }
    return 0;
}

int search_lexicon_add_text(struct search_lexicon *lex, const char *text, size_t len,
                            struct error *err) {
    size_t bad;
    if (!utf8_is_valid(text, len, &bad)) {
        error_set(err, ERR_UTF8, "同义词表第 %zu 字节不是有效的 UTF-8",
                  "invalid UTF-8 at byte %zu of the synonym list", bad);
        return ERR_UTF8;
    }
    size_t i = 0;
    int line_no = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        line_no++;
        size_t ll = j - i;
        const char *line = utf8_trim(text + i, &ll);
        const char *hash = memchr(line, '#', ll);
        if (hash) ll = (size_t)(hash - line);
        while (ll && (line[ll - 1] == ' ' || line[ll - 1] == '\t' || line[ll - 1] == '\r'))
            ll--;
        int rc = 0;
        const char *gt = memchr(line, '>', ll);
        if (!ll) {
        } else if (line[0] == '!') {
            rc = add_directive(lex, line, ll, err);
        } else if (gt) {
            rc = add_broader(lex, line, ll, gt, err);
        } else {
            char **v;
            int n;
            rc = split_norm(&lex->arena, line, ll, '=', &v, &n, err);
            if (!rc && n) rc = add_group(lex, v, n, NULL);
            if (rc == ERR_NOMEM) nomem(err);
        }
        if (rc) return error_at(err, line_no, 1);
        i = j + 1;
    }
    return 0;
}

static int add_plain(struct search_lexicon *lex, const char *a, const char *b, struct error *err) {
    char *v[2];
    size_t la, lb = 0;
    v[0] = search_normalize_dup(a, strlen(a), &la, err);
    v[1] = b ? search_normalize_dup(b, strlen(b), &lb, err) : NULL;
    int rc = (!v[0] || (b && !v[1])) ? (err ? err->code : ERR_NOMEM)
                                     : add_group(lex, v, b ? 2 : 1, NULL);
    free(v[0]);
    free(v[1]);
    return rc;
}

/* Field labels and aliases (研发费用 = 研发投入), enum value aliases (高企 = 高新技术企业). */
static int add_schema(struct search_lexicon *lex, struct error *err) {
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        if (!d || !d->label) continue;
        int rc = add_plain(lex, d->label, NULL, err);
        for (const char *p = d->aliases; !rc && p && *p;) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            char *alias = arena_strndup(&lex->arena, p, n);
            rc = alias ? add_plain(lex, d->label, alias, err) : ERR_NOMEM;
            p = bar ? bar + 1 : p + n;
        }
        for (const char *const *va = d->value_aliases; !rc && va && *va; va++) {
            const char *eq = strchr(*va, '=');
            if (!eq) continue;
            char *alias = arena_strndup(&lex->arena, *va, (size_t)(eq - *va));
            rc = alias ? add_plain(lex, eq + 1, alias, err) : ERR_NOMEM;
        }
        if (rc) return rc;
    }
    return 0;
}

/* Region names of Shandong's cities and Qingdao's districts, with the short form (崂山区 = 崂山).
 */
static int add_regions(struct search_lexicon *lex, struct error *err) {
    int qd = region_by_code(370200);
    for (int i = 0; i < region_count(); i++) {
        const struct region *r = region_at(i);
        if (r->level == REGION_TOWN || (r->level == REGION_COUNTY && !region_is_within(i, qd)))
            continue;
        size_t n = strlen(r->name);
        char *shrt = NULL;
        if (n >= 9 && (!strcmp(r->name + n - 3, "区") || !strcmp(r->name + n - 3, "市") ||
                       !strcmp(r->name + n - 3, "县")))
            shrt = arena_strndup(&lex->arena, r->name, n - 3);
        int rc = add_plain(lex, r->name, shrt, err);
        if (rc) return rc;
    }
    return 0;
}

int search_lexicon_new(struct search_lexicon **out, struct error *err) {
    *out = NULL;
    int rc = refdata_load(err);
    if (rc) return rc;
    struct search_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex) return nomem(err);
    strmap_init(&lex->map);
    arena_init(&lex->arena, 64 * 1024);
    rc = search_lexicon_add_text(lex, search_synonyms_txt, strlen(search_synonyms_txt), err);
    if (!rc) rc = add_schema(lex, err);
    if (!rc) rc = add_regions(lex, err);
    if (rc) {
        search_lexicon_free(lex);
        return rc;
    }
    *out = lex;
    return 0;
}

void search_lexicon_free(struct search_lexicon *lex) {
    if (!lex) return;
    for (int i = 0; i < lex->n_concepts; i++) {
        free(lex->concepts[i].broader);
        free(lex->concepts[i].surfaces);
    }
    free(lex->concepts);
    free(lex->entries);
    strmap_release(&lex->map);
    arena_release(&lex->arena);
    free(lex);
}

int lex_match(const struct search_lexicon *lex, const char *s, size_t len, size_t *n) {
    const char *p = s, *end = s + len;
    int best = -1;
    for (int chars = 0; p < end && chars < lex->max_chars; chars++) {
        if (utf8_next(&p, end) < 0) break;
        int64_t v;
        if (!strmap_get(&lex->map, s, (size_t)(p - s), &v)) break;
        if (v & LEX_IS_FULL) {
            best = (int)(v & 0xFFFFFFFF);
            *n = (size_t)(p - s);
        }
        if (!(v & LEX_IS_PREFIX)) break;
    }
    return best;
}

int lex_closure(const struct search_lexicon *lex, int32_t concept, int32_t *out, int cap) {
    int n = 0;
    if (cap < 1) return 0;
    out[n++] = concept;
    for (int i = 0; i < n; i++) {
        const struct lex_concept *c = &lex->concepts[out[i]];
        for (int k = 0; k < c->n_broader && n < cap; k++) {
            bool seen = false;
            for (int j = 0; j < n; j++)
                seen |= out[j] == c->broader[k];
            if (!seen) out[n++] = c->broader[k];
        }
    }
    return n;
}

const char *search_concept_name(const struct search_lexicon *lex, int32_t concept) {
    if (!lex || concept < 0 || concept >= lex->n_concepts) return NULL;
    return lex->concepts[concept].name;
}
