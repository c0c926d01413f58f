/* Owns scoring and matching of investors with financing projects and of needs with capabilities
 * (供需撮合), both directions with reasons, and the stable two-way assignment built from the
 * scores. Does not own stable matching itself (stable.c), full-text search (src/search) or
 * storage. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "refdata/refdata.h"
#include "text/number.h"
#include "util/date.h"
#include "search/search.h"

#define MAX_LIST 16

static const char *const stage_names[] = {"种子", "天使",      "Pre-A",   "A轮", "B轮",
                                          "C轮",  "D轮及以后", "Pre-IPO", NULL};
static const char *const stage_aliases[] = {
    "种子轮=种子", "天使轮=天使",   "A=A轮",          "B=B轮",          "C=C轮", "D轮=D轮及以后",
    "PreA=Pre-A",  "Pre-A轮=Pre-A", "PreIPO=Pre-IPO", "拟上市=Pre-IPO", NULL};

static int stage_index(const char *s) {
    if (!s) return -1;
    for (int i = 0; stage_names[i]; i++)
        if (strcmp(s, stage_names[i]) == 0) return i;
    size_t n = strlen(s);
    for (int i = 0; stage_aliases[i]; i++) {
        const char *eq = strchr(stage_aliases[i], '=');
        if ((size_t)(eq - stage_aliases[i]) == n && memcmp(stage_aliases[i], s, n) == 0)
            return stage_index(eq + 1);
    }
    return -1;
}

static int err_at(struct error *err, const char *what, size_t i, const char *key) {
    char f[96];
    snprintf(f, sizeof f, "%s[%zu].%s", what, i, key);
    return error_field(err, f);
}

/* A region or industry from text via the dictionary's parser; −1 for none. */
static int place_of(enum field_id fid, const char *s, struct arena *a, int *out,
                    struct error *err) {
    *out = -1;
    if (!s) return 0;
    struct value v;
    int rc = schema_parse_value(schema_field(fid), s, strlen(s), a, &v, NULL, 0, err);
    if (rc) return rc;
    *out = v.has ? (int)v.i : -1;
    return 0;
}

static int place_list(enum field_id fid, json_t *arr, struct arena *a, int *out, int *n,
                      struct error *err) {
    *n = 0;
    if (!arr) return 0;
    if (!json_is_array(arr) || json_array_size(arr) > MAX_LIST)
        return error_set(err, ERR_INVALID, "须为至多 16 项的数组",
                         "must be an array of at most 16");
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        int rc = place_of(fid, json_string_value(v), a, &out[*n], err);
        if (rc) return rc;
        if (out[*n] < 0) return error_set(err, ERR_INVALID, "须为文本", "must be text");
        (*n)++;
    }
    return 0;
}

static int money_opt(json_t *o, const char *key, int64_t dflt, int64_t *out, struct error *err) {
    json_t *v = json_object_get(o, key);
    *out = dflt;
    if (!v) return 0;
    char buf[48];
    const char *s = json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v)), s = buf;
    if (!s) return error_set(err, ERR_INVALID, "须为金额", "must be an amount");
    return text_parse_money(s, strlen(s), out, err);
}

/* ---- investors ↔ projects ---- */

struct investor {
    const char *id, *name;
    int ind[MAX_LIST], n_ind, reg[MAX_LIST], n_reg;
    uint32_t stages; /* bit i = stage_names[i]; 0 = any */
    int64_t ticket_min, ticket_max;
    int capacity;
};

struct project {
    const char *id, *name;
    int industry, region, stage;
    int64_t amount;
    int capacity;
};

static int investor_of(json_t *o, struct investor *v, struct arena *a, struct error *err) {
    memset(v, 0, sizeof *v);
    v->id = json_string_value(json_object_get(o, "id"));
    v->name = json_string_value(json_object_get(o, "name"));
    if (!v->id) return error_set(err, ERR_INVALID, "投资方须有 id", "an investor needs an id");
    if (!v->name) v->name = v->id;
    int rc;
    if ((rc = place_list(F_INDUSTRY, json_object_get(o, "industries"), a, v->ind, &v->n_ind, err)))
        return error_field(err, "industries");
    if ((rc = place_list(F_REGION, json_object_get(o, "regions"), a, v->reg, &v->n_reg, err)))
        return error_field(err, "regions");
    json_t *st = json_object_get(o, "stages"), *s;
    size_t i;
    json_array_foreach(st, i, s) {
        int k = stage_index(json_string_value(s));
        if (k < 0)
            return error_set(err, ERR_INVALID, "未知的融资阶段 “%s”", "unknown stage \"%s\"",
                             json_string_value(s) ? json_string_value(s) : "?");
        v->stages |= 1u << k;
    }
    if ((rc = money_opt(o, "ticket_min", 0, &v->ticket_min, err)) ||
        (rc = money_opt(o, "ticket_max", INT64_MAX, &v->ticket_max, err)))
        return rc;
    json_t *cap = json_object_get(o, "capacity");
    v->capacity = json_is_integer(cap) ? (int)json_integer_value(cap) : 5;
    if (v->capacity < 0 || v->capacity > 10000)
        return error_set(err, ERR_RANGE, "capacity 须为 0 至 10000", "capacity must be 0 to 10000");
    return 0;
}

static int project_of(json_t *o, struct project *p, struct arena *a, struct error *err) {
    memset(p, 0, sizeof *p);
    p->id = json_string_value(json_object_get(o, "id"));
    p->name = json_string_value(json_object_get(o, "enterprise"));
    if (!p->id) return error_set(err, ERR_INVALID, "项目须有 id", "a project needs an id");
    if (!p->name) p->name = p->id;
    int rc;
    if ((rc = place_of(F_INDUSTRY, json_string_value(json_object_get(o, "industry")), a,
                       &p->industry, err)))
        return error_field(err, "industry");
    if ((rc = place_of(F_REGION, json_string_value(json_object_get(o, "region")), a, &p->region,
                       err)))
        return error_field(err, "region");
    const char *st = json_string_value(json_object_get(o, "stage"));
    p->stage = stage_index(st);
    if (st && p->stage < 0)
        return error_set(err, ERR_INVALID, "未知的融资阶段 “%s”", "unknown stage \"%s\"", st);
    if ((rc = money_opt(o, "amount", -1, &p->amount, err))) return error_field(err, "amount");
    json_t *cap = json_object_get(o, "capacity");
    p->capacity = json_is_integer(cap) ? (int)json_integer_value(cap) : 3;
    if (p->capacity < 0 || p->capacity > 10000)
        return error_set(err, ERR_RANGE, "capacity 须为 0 至 10000", "capacity must be 0 to 10000");
    return 0;
}

/* Formats a reason and returns the points it gives. */
static int pts(char *why, size_t n, int points, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int pts(char *why, size_t n, int points, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(why, n, fmt, ap);
    va_end(ap);
    if (len >= 0 && (size_t)len < n) snprintf(why + len, n - (size_t)len, " +%d", points);
    return points;
}

/* Points for an industry against a list: within one → full, same 门类 only → a quarter; no list
 * → half (the investor takes any). */
static int industry_points(int ind, const int *list, int n, int full, char *why, size_t wn) {
    if (n == 0) return pts(why, wn, full / 2, "行业不限");
    if (ind < 0) return pts(why, wn, 0, "行业未知");
    for (int i = 0; i < n; i++)
        if (industry_is_within(ind, list[i]))
            return pts(why, wn, full, "行业 %s 属于 %s", industry_at(ind)->name,
                       industry_at(list[i])->name);
    int sec = industry_ancestor(ind, INDUSTRY_SECTION);
    for (int i = 0; i < n; i++)
        if (sec >= 0 && sec == industry_ancestor(list[i], INDUSTRY_SECTION))
            return pts(why, wn, full / 4, "行业同属门类 %s", industry_at(sec)->name);
    return pts(why, wn, 0, "行业 %s 不在所列领域", industry_at(ind)->name);
}

static int region_points(int reg, const int *list, int n, int full, char *why, size_t wn) {
    if (n == 0) return pts(why, wn, full, "地域不限");
    if (reg < 0) return pts(why, wn, 0, "地域未知");
    for (int i = 0; i < n; i++)
        if (region_is_within(reg, list[i]))
            return pts(why, wn, full, "地域 %s 在 %s 内", region_at(reg)->name,
                       region_at(list[i])->name);
    return pts(why, wn, 0, "地域 %s 不在所列地域", region_at(reg)->name);
}

/* 0–100 with one reason per part, appended to why (may be NULL). */
static int invest_score(const struct investor *v, const struct project *p, json_t *why) {
    char b[4][300], m[48];
    int s = industry_points(p->industry, v->ind, v->n_ind, 40, b[0], sizeof b[0]);
    const char *st = p->stage >= 0 ? stage_names[p->stage] : "未知";
    if (!v->stages)
        s += pts(b[1], sizeof b[1], 12, "阶段不限");
    else if (p->stage >= 0 && (v->stages >> p->stage & 1))
        s += pts(b[1], sizeof b[1], 25, "阶段 %s 相符", st);
    else
        s += pts(b[1], sizeof b[1], 0, "阶段 %s 不在投资阶段内", st);
    if (p->amount >= 0) money_format(p->amount, m, sizeof m);
    if (p->amount < 0)
        s += pts(b[2], sizeof b[2], 0, "融资额未知");
    else if (p->amount >= v->ticket_min && p->amount <= v->ticket_max)
        s += pts(b[2], sizeof b[2], 20, "融资额 %s 在单笔投资范围内", m);
    else if (p->amount <= INT64_MAX / 2 && p->amount * 2 >= v->ticket_min &&
             p->amount / 2 <= v->ticket_max)
        s += pts(b[2], sizeof b[2], 10, "融资额 %s 接近单笔投资范围", m);
    else
        s += pts(b[2], sizeof b[2], 0, "融资额 %s 超出单笔投资范围", m);
    s += region_points(p->region, v->reg, v->n_reg, 15, b[3], sizeof b[3]);
    for (int i = 0; why && i < 4; i++)
        json_array_append_new(why, json_string(b[i]));
    return s;
}

struct scored {
    int who, score;
};

static int scored_cmp(const void *x, const void *y) {
    const struct scored *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return a->who < b->who ? -1 : a->who > b->who;
}

/* CSR preference lists from a score matrix (row-major n_x × n_y), scores ≥ min only, best first. */
static int prefs_from_scores(const int *score, int nx, int ny, bool by_row, int min, int **pref,
                             int **start) {
    *start = malloc(((size_t)nx + 1) * sizeof **start);
    *pref = malloc(((size_t)nx * (size_t)ny + 1) * sizeof **pref);
    struct scored *tmp = malloc(((size_t)ny + 1) * sizeof *tmp);
    if (!*start || !*pref || !tmp) {
        free(tmp);
        return -1;
    }
    int k = 0;
    for (int x = 0; x < nx; x++) {
        (*start)[x] = k;
        int n = 0;
        for (int y = 0; y < ny; y++) {
            int s = by_row ? score[(size_t)x * (size_t)ny + (size_t)y]
                           : score[(size_t)y * (size_t)nx + (size_t)x];
            if (s >= min) tmp[n++] = (struct scored){y, s};
        }
        qsort(tmp, (size_t)n, sizeof *tmp, scored_cmp);
        for (int i = 0; i < n; i++)
            (*pref)[k++] = tmp[i].who;
    }
    (*start)[nx] = k;
    free(tmp);
    return 0;
}

static json_t *top_list(const int *score, int nx, int ny, int x, bool by_row, int min, int top,
                        const char *const *ids, const char *const *names) {
    struct scored *tmp = malloc(((size_t)ny + 1) * sizeof *tmp);
    json_t *arr = json_array();
    if (!tmp) return arr;
    int n = 0;
    for (int y = 0; y < ny; y++) {
        int s = by_row ? score[(size_t)x * (size_t)ny + (size_t)y]
                       : score[(size_t)y * (size_t)nx + (size_t)x];
        if (s >= min) tmp[n++] = (struct scored){y, s};
    }
    qsort(tmp, (size_t)n, sizeof *tmp, scored_cmp);
    for (int i = 0; i < n && i < top; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i}", "id", ids[tmp[i].who], "name",
                                             names[tmp[i].who], "score", tmp[i].score));
    free(tmp);
    return arr;
}

static int int_opt(json_t *in, const char *key, int dflt, int lo, int hi, int *out,
                   struct error *err) {
    json_t *v = json_object_get(in, key);
    *out = dflt;
    if (!v) return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return error_set(err, ERR_RANGE, "“%s” 须为 %d 至 %d 的整数",
                         "\"%s\" must be an integer %d to %d", key, lo, hi);
    *out = (int)json_integer_value(v);
    return 0;
}

#define MAX_SIDE 20000

static size_t index_of_id(const char *id, size_t n, const char *(*id_at)(const void *, size_t),
                          const void *rows) {
    for (size_t k = 0; id && k < n; k++)
        if (strcmp(id_at(rows, k), id) == 0) return k;
    return n;
}

static const char *investor_id_at(const void *rows, size_t k) {
    return ((const struct investor *)rows)[k].id;
}

static const char *project_id_at(const void *rows, size_t k) {
    return ((const struct project *)rows)[k].id;
}

/* Each side's top list gets the reasons behind each score ("行业 … +40"), as the assignment has. */
static void add_reasons(json_t *side, const char *key, struct investor *v, size_t nv,
                        struct project *p, size_t np) {
    bool is_projects = strcmp(key, "projects") == 0; /* side is the investors */
    json_t *row, *m;
    size_t a, b;
    json_array_foreach(side, a, row) {
        json_array_foreach(json_object_get(row, key), b, m) {
            const char *mid = json_string_value(json_object_get(m, "id"));
            size_t i = is_projects ? a : index_of_id(mid, nv, investor_id_at, v);
            size_t j = is_projects ? index_of_id(mid, np, project_id_at, p) : a;
            if (i >= nv || j >= np) continue;
            json_t *why = json_array();
            invest_score(&v[i], &p[j], why);
            json_object_set_new(m, "reasons", why);
        }
    }
}

json_t *match_investors(json_t *in, struct error *err) {
    json_t *jv = json_object_get(in, "investors"), *jp = json_object_get(in, "projects");
    if (!json_is_array(jv) || !json_is_array(jp)) {
        error_set(err, ERR_INVALID, "须有 investors 与 projects 数组",
                  "investors and projects arrays needed");
        return NULL;
    }
    size_t nv = json_array_size(jv), np = json_array_size(jp);
    if (nv > MAX_SIDE || np > MAX_SIDE || nv * np > 50000000) {
        error_set(err, ERR_TOO_LARGE, "投资方或项目过多", "too many investors or projects");
        return NULL;
    }
    int min = 40, top = 5, rc = int_opt(in, "min_score", 40, 0, 100, &min, err);
    if (!rc) rc = int_opt(in, "top", 5, 1, 1000, &top, err);
    if (rc) return NULL;
    struct arena a;
    arena_init(&a, 1 << 14);
    struct investor *v = calloc(nv + 1, sizeof *v);
    struct project *p = calloc(np + 1, sizeof *p);
    int *score = malloc((nv * np + 1) * sizeof *score);
    const char **vid = calloc(nv + 1, sizeof *vid), **vname = calloc(nv + 1, sizeof *vname);
    const char **pid = calloc(np + 1, sizeof *pid), **pname = calloc(np + 1, sizeof *pname);
    int *cap_p = calloc(np + 1, sizeof *cap_p), *cap_v = calloc(nv + 1, sizeof *cap_v);
    int *pref_p = NULL, *start_p = NULL, *pref_v = NULL, *start_v = NULL;
    json_t *out = NULL;
    struct stable_result sr = {0};
    if (!v || !p || !score || !vid || !vname || !pid || !pname || !cap_p || !cap_v) {
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    for (size_t i = 0; i < nv; i++) {
        if (investor_of(json_array_get(jv, i), &v[i], &a, err)) {
            err_at(err, "investors", i, err->field[0] ? err->field : "?");
            goto done;
        }
        vid[i] = v[i].id, vname[i] = v[i].name, cap_v[i] = v[i].capacity;
    }
    for (size_t i = 0; i < np; i++) {
        if (project_of(json_array_get(jp, i), &p[i], &a, err)) {
            err_at(err, "projects", i, err->field[0] ? err->field : "?");
            goto done;
        }
        pid[i] = p[i].id, pname[i] = p[i].name, cap_p[i] = p[i].capacity;
    }
    for (size_t j = 0; j < np; j++)
        for (size_t i = 0; i < nv; i++)
            score[j * nv + i] = invest_score(&v[i], &p[j], NULL);
    if (prefs_from_scores(score, (int)np, (int)nv, true, min, &pref_p, &start_p) ||
        prefs_from_scores(score, (int)nv, (int)np, false, min, &pref_v, &start_v)) {
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        goto done;
    }
    struct stable_input si = {(int)np, (int)nv, cap_p, cap_v, pref_p, start_p, pref_v, start_v};
    if (stable_match(&si, &sr, err)) goto done;
    out = json_object();
    json_t *projects = json_array(), *investors = json_array(), *pairs = json_array();
    for (size_t j = 0; j < np; j++)
        json_array_append_new(
            projects,
            json_pack("{s:s, s:s, s:o}", "id", pid[j], "enterprise", pname[j], "investors",
                      top_list(score, (int)np, (int)nv, (int)j, true, min, top, vid, vname)));
    for (size_t i = 0; i < nv; i++)
        json_array_append_new(
            investors,
            json_pack("{s:s, s:s, s:o}", "id", vid[i], "name", vname[i], "projects",
                      top_list(score, (int)nv, (int)np, (int)i, false, min, top, pid, pname)));
    add_reasons(projects, "investors", v, nv, p, np);
    add_reasons(investors, "projects", v, nv, p, np);
    for (int k = 0; k < sr.n_pairs; k++) {
        int j = sr.pairs[k].a, i = sr.pairs[k].b;
        json_t *why = json_array();
        int s = invest_score(&v[i], &p[j], why);
        char ex[600];
        stable_explain(&si, &sr, j, i, pname[j], vname[i], ex, sizeof ex);
        json_array_append_new(pairs,
                              json_pack("{s:s, s:s, s:i, s:s, s:o}", "project", pid[j], "investor",
                                        vid[i], "score", s, "why_matched", ex, "reasons", why));
    }
    /* the first choice a project did not get, explained */
    json_t *missed = json_array();
    for (int j = 0; j < (int)np; j++) {
        if (start_p[j] == start_p[j + 1]) continue;
        int first = pref_p[start_p[j]];
        bool got = false;
        for (int k = 0; k < sr.n_pairs && !got; k++)
            got = sr.pairs[k].a == j && sr.pairs[k].b == first;
        if (got) continue;
        char ex[600];
        stable_explain(&si, &sr, j, first, pname[j], vname[first], ex, sizeof ex);
        json_array_append_new(missed, json_pack("{s:s, s:s, s:s}", "project", pid[j], "investor",
                                                vid[first], "why_not", ex));
    }
    json_object_set_new(out, "projects", projects);
    json_object_set_new(out, "investors", investors);
    json_object_set_new(out, "assignment", pairs);
    json_object_set_new(out, "first_choices_missed", missed);
done:
    stable_result_release(&sr);
    free(v), free(p), free(score), free(vid), free(vname), free(pid), free(pname), free(cap_p),
        free(cap_v);
    free(pref_p), free(start_p), free(pref_v), free(start_v);
    arena_release(&a);
    return out;
}

/* ---- needs ↔ capabilities (供需撮合) ---- */

static int u64_cmp(const void *x, const void *y) {
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Sorted token keys of s: the search module's normalisation (NFKC, width, case, Traditional →
 * Simplified) and tokens — CJK bigrams, Latin words and numbers, and lexicon words folded to their
 * synonym concept (高企 = 高新技术企业). Single characters are left out: they match too much. */
static int token_keys(const struct search_lexicon *lex, const char *s, uint64_t **out, size_t *n,
                      struct error *err) {
    struct buf norm;
    buf_init(&norm);
    int rc = search_normalize(s, strlen(s), &norm, NULL, err);
    size_t cap = norm.len + 16, got = 0;
    struct search_token *toks = rc ? NULL : malloc(cap * sizeof *toks);
    *out = rc ? NULL : malloc(cap * sizeof **out);
    if (!rc && (!toks || !*out || norm.is_oom))
        rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) got = search_tokenize(lex, buf_str(&norm), norm.len, toks, cap);
    *n = 0;
    for (size_t i = 0; !rc && i < got && i < cap; i++)
        if (toks[i].kind != SEARCH_TOK_UNIGRAM) (*out)[(*n)++] = toks[i].key;
    if (!rc) qsort(*out, *n, sizeof **out, u64_cmp);
    free(toks);
    buf_release(&norm);
    return rc;
}

int text_similarity(const struct search_lexicon *lex, const char *x, const char *y,
                    struct ratio *out, struct error *err) {
    uint64_t *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    int rc = token_keys(lex, x, &a, &na, err);
    if (!rc) rc = token_keys(lex, y, &b, &nb, err);
    if (!rc) {
        int64_t common = 0;
        for (size_t i = 0, j = 0; i < na && j < nb;) {
            if (a[i] == b[j])
                common++, i++, j++;
            else if (a[i] < b[j])
                i++;
            else
                j++;
        }
        *out = na + nb ? (struct ratio){2 * common, (int64_t)(na + nb)} : (struct ratio){0, 1};
    }
    free(a), free(b);
    return rc;
}

struct need_side {
    const char *id, *owner, *kind, *text;
    int industry, region;
    int64_t money;    /* need: budget; capability: price; −1 = unknown */
    int32_t deadline; /* needs only; INT32_MAX = none */
};

static int need_side_of(json_t *o, bool is_need, struct need_side *x, struct arena *a,
                        struct error *err) {
    memset(x, 0, sizeof *x);
    x->id = json_string_value(json_object_get(o, "id"));
    x->owner = json_string_value(json_object_get(o, "owner"));
    x->kind = json_string_value(json_object_get(o, "kind"));
    x->text = json_string_value(json_object_get(o, "text"));
    if (!x->id || !x->text)
        return error_set(err, ERR_INVALID, "须有 id 与 text", "id and text are required");
    if (!x->owner) x->owner = "";
    if (!x->kind) x->kind = "";
    int rc;
    if ((rc = place_of(F_INDUSTRY, json_string_value(json_object_get(o, "industry")), a,
                       &x->industry, err)))
        return error_field(err, "industry");
    if ((rc = place_of(F_REGION, json_string_value(json_object_get(o, "region")), a, &x->region,
                       err)))
        return error_field(err, "region");
    if ((rc = money_opt(o, is_need ? "budget" : "price", -1, &x->money, err)))
        return error_field(err, is_need ? "budget" : "price");
    x->deadline = INT32_MAX;
    const char *d = json_string_value(json_object_get(o, "deadline"));
    if (d && (rc = date_parse(d, strlen(d), &x->deadline, err)))
        return error_field(err, "deadline");
    return 0;
}

/* −1 when the pair is excluded (same owner, need past its deadline), else 0–100. */
static int need_score(const struct search_lexicon *lex, const struct need_side *n,
                      const struct need_side *c, int32_t today, json_t *why, struct error *err) {
    if (*n->owner && strcmp(n->owner, c->owner) == 0) return -1;
    if (n->deadline < today) return -1;
    struct ratio d;
    if (text_similarity(lex, n->text, c->text, &d, err)) return -2;
    d = ratio_reduce(d);
    int64_t tp = 0;
    ratio_round((struct ratio){d.num * 50, d.den}, &tp);
    char b[4][300];
    int s = (int)tp;
    snprintf(b[0], sizeof b[0], "文本相似度 %lld/%lld +%d", (long long)d.num, (long long)d.den, s);
    int list[1] = {c->industry};
    s += c->industry < 0 ? pts(b[1], sizeof b[1], 12, "行业未注明")
                         : industry_points(n->industry, list, 1, 25, b[1], sizeof b[1]);
    list[0] = c->region;
    s += c->region < 0 ? pts(b[2], sizeof b[2], 15, "服务地域不限")
                       : region_points(n->region, list, 1, 15, b[2], sizeof b[2]);
    char m1[48], m2[48];
    if (n->money < 0 || c->money < 0)
        s += pts(b[3], sizeof b[3], 5, "预算或报价未知");
    else if (c->money <= n->money)
        s += pts(b[3], sizeof b[3], 10, "报价 %s 不超过预算 %s",
                 money_format(c->money, m1, sizeof m1), money_format(n->money, m2, sizeof m2));
    else
        s += pts(b[3], sizeof b[3], 0, "报价 %s 超出预算 %s", money_format(c->money, m1, sizeof m1),
                 money_format(n->money, m2, sizeof m2));
    for (int i = 0; why && i < 4; i++)
        json_array_append_new(why, json_string(b[i]));
    return s;
}

static json_t *need_tops(const struct search_lexicon *lex, const struct need_side *x, size_t nx,
                         const struct need_side *y, size_t ny, bool x_is_need, int32_t today,
                         int min, int top, struct error *err) {
    json_t *arr = json_array();
    struct scored *tmp = malloc((ny + 1) * sizeof *tmp);
    if (!tmp) {
        json_decref(arr);
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nx; i++) {
        int n = 0;
        for (size_t j = 0; j < ny; j++) {
            int s = x_is_need ? need_score(lex, &x[i], &y[j], today, NULL, err)
                              : need_score(lex, &y[j], &x[i], today, NULL, err);
            if (s == -2) {
                free(tmp);
                json_decref(arr);
                return NULL;
            }
            if (s >= min) tmp[n++] = (struct scored){(int)j, s};
        }
        qsort(tmp, (size_t)n, sizeof *tmp, scored_cmp);
        json_t *list = json_array();
        for (int k = 0; k < n && k < top; k++) {
            const struct need_side *o = &y[tmp[k].who];
            json_t *why = json_array();
            if (x_is_need)
                need_score(lex, &x[i], o, today, why, err);
            else
                need_score(lex, o, &x[i], today, why, err);
            json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:i, s:o}", "id", o->id, "owner",
                                                  o->owner, "kind", o->kind, "score", tmp[k].score,
                                                  "reasons", why));
        }
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:o}", "id", x[i].id, "owner",
                                             x[i].owner, "kind", x[i].kind,
                                             x_is_need ? "capabilities" : "needs", list));
    }
    free(tmp);
    return arr;
}

json_t *match_needs(json_t *in, struct error *err) {
    json_t *jn = json_object_get(in, "needs"), *jc = json_object_get(in, "capabilities");
    if (!json_is_array(jn) || !json_is_array(jc)) {
        error_set(err, ERR_INVALID, "须有 needs 与 capabilities 数组",
                  "needs and capabilities arrays needed");
        return NULL;
    }
    size_t nn = json_array_size(jn), nc = json_array_size(jc);
    if (nn > MAX_SIDE || nc > MAX_SIDE || nn * nc > 20000000) {
        error_set(err, ERR_TOO_LARGE, "需求或能力过多", "too many needs or capabilities");
        return NULL;
    }
    int min, top;
    if (int_opt(in, "min_score", 30, 0, 100, &min, err) ||
        int_opt(in, "top", 5, 1, 1000, &top, err))
        return NULL;
    int32_t today = date_today();
    const char *d = json_string_value(json_object_get(in, "date"));
    if (d && date_parse(d, strlen(d), &today, err)) return NULL;
    struct arena a;
    arena_init(&a, 1 << 14);
    struct need_side *n = calloc(nn + 1, sizeof *n), *c = calloc(nc + 1, sizeof *c);
    json_t *out = NULL, *by_need = NULL, *by_cap = NULL;
    int rc = n && c ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (size_t i = 0; !rc && i < nn; i++)
        if ((rc = need_side_of(json_array_get(jn, i), true, &n[i], &a, err)))
            err_at(err, "needs", i, err->field[0] ? err->field : "?");
    for (size_t i = 0; !rc && i < nc; i++)
        if ((rc = need_side_of(json_array_get(jc, i), false, &c[i], &a, err)))
            err_at(err, "capabilities", i, err->field[0] ? err->field : "?");
    struct search_lexicon *lex = NULL;
    if (!rc) rc = search_lexicon_new(&lex, err);
    if (!rc) by_need = need_tops(lex, n, nn, c, nc, true, today, min, top, err);
    if (by_need) by_cap = need_tops(lex, c, nc, n, nn, false, today, min, top, err);
    search_lexicon_free(lex);
    if (by_need && by_cap)
        out = json_pack("{s:o, s:o}", "needs", by_need, "capabilities", by_cap);
    else
        json_decref(by_need);
    free(n), free(c);
    arena_release(&a);
    return out;
}
