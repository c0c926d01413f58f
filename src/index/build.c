/* Owns building one segment of the index from derived profiles: typed staging columns while rows
 * arrive, then per field the missing bitmap and either value bitmaps (enum, bool, set, region and
 * industry at every level) or the bit-sliced ranks of numeric values (radix-sorted, ratios ordered
 * exactly). Does not own generations or queries (gen.c, query.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "index/segment.h"
#include "refdata/refdata.h"

/* Staging for one field: values of every row so far. */
struct stage {
    enum col_kind kind;
    enum field_type type;
    int64_t n_values; /* COL_CAT: values allowed; COL_TREE: nodes */
    uint8_t *has;     /* per row */
    int64_t *iv;      /* COL_INT value, COL_CAT index, COL_SET mask, COL_TREE node */
    struct ratio *rv; /* COL_RATIO */
};

struct index_builder {
    int32_t today;
    uint32_t base;
    uint32_t n, cap;
    int64_t *ids;
    char (*uscc)[USCC_LEN + 1];
    struct stage st[F_COUNT];
};

/* An array of n bytes for a column: at a city's size it spans megabytes, so a query's sparse reads
 * (ranks, ids) would also miss the TLB on 4 KiB pages, and the first writes of the staging columns
 * fault a page each (a fifth of the load's time on a virtual machine). 2 MiB aligned and marked
 * for huge pages before the first write, so the faults take huge pages where the kernel has them.
 * free() and realloc() take it. */
static void *column_alloc(size_t n) {
    enum { HUGE = 2u << 20 };
    if (n < HUGE) return malloc(n ? n : 1);
    void *p = NULL;
    size_t len = (n + HUGE - 1) / HUGE * HUGE;
    if (posix_memalign(&p, HUGE, len)) return NULL;
    madvise(p, len, MADV_HUGEPAGE); /* advice only: without it the column still works */
    return p;
}

enum col_kind index_col_kind(enum field_type t) {
    switch (t) {
    case FT_INT:
    case FT_MONEY:
    case FT_DATE:
        return COL_INT;
    case FT_RATIO:
        return COL_RATIO;
    case FT_ENUM:
    case FT_BOOL:
        return COL_CAT;
    case FT_SET:
        return COL_SET;
    case FT_REGION:
    case FT_INDUSTRY:
        return COL_TREE;
    case FT_TEXT:
        break;
    }
    return COL_NONE;
}

int index_builder_new_at(int32_t today, uint32_t base, struct index_builder **out,
                         struct error *err) {
    struct index_builder *b = calloc(1, sizeof *b);
    if (!b) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    b->today = today;
    b->base = base;
    for (int f = 0; f < F_COUNT; f++) {
        const struct field_def *d = schema_field((enum field_id)f);
        struct stage *st = &b->st[f];
        st->kind = index_col_kind(d->type);
        st->type = d->type;
        st->n_values = d->type == FT_BOOL       ? 2
                       : d->type == FT_REGION   ? region_count()
                       : d->type == FT_INDUSTRY ? industry_count()
                                                : schema_value_count(d);
        if (st->kind == COL_TREE && st->n_values > INT16_MAX) st->n_values = INT16_MAX;
    }
    *out = b;
    return 0;
}

int index_builder_new(int32_t today, struct index_builder **out, struct error *err) {
    return index_builder_new_at(today, 0, out, err);
}

uint32_t index_builder_rows(const struct index_builder *b) {
    return b->n;
}

void index_builder_free(struct index_builder *b) {
    if (!b) return;
    free(b->ids);
    free(b->uscc);
    for (int f = 0; f < F_COUNT; f++) {
        free(b->st[f].has);
        free(b->st[f].iv);
        free(b->st[f].rv);
    }
    free(b);
}

static bool grow(void **p, size_t elem, uint32_t cap) {
    void *q = realloc(*p, elem * cap);
    if (!q) return false;
    *p = q;
    return true;
}

/* Staging for cap rows: the first time for a big known count in huge-page arrays (column_alloc),
 * later by doubling. */
static bool stage_alloc(void **p, size_t elem, uint32_t cap, bool is_first) {
    if (!is_first || *p) return grow(p, elem, cap);
    return (*p = column_alloc(elem * cap)) != NULL;
}

static int reserve_rows(struct index_builder *b, uint32_t cap) {
    bool first = b->cap == 0;
    bool ok = stage_alloc((void **)&b->ids, sizeof *b->ids, cap, first) &&
              stage_alloc((void **)&b->uscc, sizeof *b->uscc, cap, first);
    for (int f = 0; ok && f < F_COUNT; f++) {
        struct stage *s = &b->st[f];
        if (s->kind == COL_NONE) continue;
        ok = stage_alloc((void **)&s->has, 1, cap, first) &&
             (s->kind == COL_RATIO ? stage_alloc((void **)&s->rv, sizeof *s->rv, cap, first)
                                   : stage_alloc((void **)&s->iv, sizeof *s->iv, cap, first));
    }
    if (!ok) return ERR_NOMEM;
    b->cap = cap;
    return 0;
}

int index_builder_reserve(struct index_builder *b, uint32_t n, struct error *err) {
    if (n <= b->cap) return 0;
    if (reserve_rows(b, n)) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    return 0;
}

static int reserve(struct index_builder *b) {
    if (b->n < b->cap) return 0;
    return reserve_rows(b, b->cap ? b->cap * 2 : 1024);
}

int index_builder_add(struct index_builder *b, int64_t id, const struct profile *p,
                      struct error *err) {
    const struct value *u = &p->v[F_USCC];
    if (!u->has || !u->s || strlen(u->s) == 0 || strlen(u->s) > USCC_LEN)
        return error_set(err, ERR_INVALID, "企业缺少统一社会信用代码", "enterprise without a USCC");
    if ((uint64_t)b->base + b->n >= UINT32_MAX)
        return error_set(err, ERR_TOO_LARGE, "企业数量超出索引容量", "too many enterprises");
    if (reserve(b)) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    uint32_t r = b->n;
    b->ids[r] = id;
    memset(b->uscc[r], 0, sizeof b->uscc[r]);
    memcpy(b->uscc[r], u->s, strlen(u->s));
    for (int f = 0; f < F_COUNT; f++) {
        struct stage *s = &b->st[f];
        const struct value *v = &p->v[f];
        if (s->kind == COL_NONE) continue;
        bool has = v->has;
        if (has && s->kind == COL_RATIO && v->r.den <= 0) has = false;
        if (has && (s->kind == COL_CAT || s->kind == COL_TREE) && (v->i < 0 || v->i >= s->n_values))
            return error_set(err, ERR_INVALID, "字段 %s 的取值超出范围",
                             "value of field %s out of range", schema_field(f)->key);
        s->has[r] = has;
        if (s->kind == COL_RATIO)
            s->rv[r] = has ? v->r : (struct ratio){0, 1};
        else
            s->iv[r] = has ? v->i : 0;
    }
    b->n++;
    return 0;
}

/* ---- sorting numeric values: LSD radix on 64-bit keys, 16 bits a pass ---- */

struct kv {
    uint64_t k;
    uint32_t row;
};

static int radix_sort(struct kv *a, size_t n) {
    struct kv *tmp = column_alloc(n * sizeof *tmp);
    size_t *count = malloc(65536 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return ERR_NOMEM;
    }
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(a[i].k >> shift) & 0xffff]++;
        if (n && count[(a[0].k >> shift) & 0xffff] == n) continue; /* one digit: nothing moves */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i].k >> shift) & 0xffff]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
    free(count);
    return 0;
}

/* Order-preserving key of a signed integer. */
static uint64_t int_key(int64_t v) {
    return (uint64_t)v ^ (UINT64_C(1) << 63);
}

/* Order-preserving key of a double (finite). Only a first approximation for ratios: the exact
 * order is restored afterwards with ratio_cmp. */
static uint64_t double_key(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
}

/* ---- bitmaps from row lists ---- */

/* Containers of the Roaring portable format (the interoperable serialisation every Roaring library
 * reads): keys and cardinalities, then each container as sorted 16-bit values (≤ 4096 of them)
 * or a 65536-bit bitset. Writing it from a sorted list costs one store per row; adding the rows one
 * by one (roaring_bitmap_of_ptr) costs a call and a container check per row. */
#define PORTABLE_NO_RUN_COOKIE 12346u
#define ARRAY_MAX 4096u

roaring_bitmap_t *index_bitmap_of_sorted(const uint32_t *v, size_t n) {
    size_t n_cont = 0, bytes = 8;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j] >> 16 == v[i] >> 16)
            j++;
        n_cont++;
        bytes += 8 + (j - i > ARRAY_MAX ? 8192 : 2 * (j - i));
        i = j;
    }
    uint8_t *buf = calloc(1, bytes);
    if (!buf) return NULL;
    uint32_t head[2] = {PORTABLE_NO_RUN_COOKIE, (uint32_t)n_cont};
    memcpy(buf, head, sizeof head);
    uint8_t *keys = buf + 8, *offsets = keys + 4 * n_cont, *data = offsets + 4 * n_cont;
    size_t k = 0;
    for (size_t i = 0; i < n; k++) {
        size_t j = i;
        while (j < n && v[j] >> 16 == v[i] >> 16)
            j++;
        uint16_t kc[2] = {(uint16_t)(v[i] >> 16), (uint16_t)(j - i - 1)};
        uint32_t off = (uint32_t)(data - buf);
        memcpy(keys + 4 * k, kc, sizeof kc);
        memcpy(offsets + 4 * k, &off, sizeof off);
        if (j - i > ARRAY_MAX) {
            uint64_t words[1024] = {0};
            for (size_t x = i; x < j; x++)
                words[(v[x] & 0xffff) >> 6] |= UINT64_C(1) << (v[x] & 63);
            memcpy(data, words, sizeof words);
            data += sizeof words;
        } else {
            for (size_t x = i; x < j; x++) {
                uint16_t lo = (uint16_t)v[x];
                memcpy(data, &lo, 2);
                data += 2;
            }
        }
        i = j;
    }
    roaring_bitmap_t *r = roaring_bitmap_portable_deserialize((const char *)buf);
    free(buf);
    return r;
}

static roaring_bitmap_t *bitmap_of(const uint32_t *rows, size_t n) {
    roaring_bitmap_t *r = index_bitmap_of_sorted(rows, n);
    if (!r) return NULL;
    roaring_bitmap_run_optimize(r);
    roaring_bitmap_shrink_to_fit(r);
    return r;
}

/* Growable lists of rows, one per bucket (value, node). */
struct lists {
    uint32_t **rows;
    size_t *n, *cap;
    int n_lists;
};

static int lists_init(struct lists *l, int n) {
    l->n_lists = n;
    l->rows = calloc((size_t)n, sizeof *l->rows);
    l->n = calloc((size_t)n, sizeof *l->n);
    l->cap = calloc((size_t)n, sizeof *l->cap);
    return l->rows && l->n && l->cap ? 0 : ERR_NOMEM;
}

static int lists_push(struct lists *l, int k, uint32_t row) {
    if (l->n[k] == l->cap[k]) {
        size_t cap = l->cap[k] ? l->cap[k] * 2 : 16;
        uint32_t *p = realloc(l->rows[k], cap * sizeof *p);
        if (!p) return ERR_NOMEM;
        l->rows[k] = p;
        l->cap[k] = cap;
    }
    l->rows[k][l->n[k]++] = row;
    return 0;
}

static void lists_release(struct lists *l) {
    for (int k = 0; l->rows && k < l->n_lists; k++)
        free(l->rows[k]);
    free(l->rows);
    free(l->n);
    free(l->cap);
}

/* Bitmaps of the non-empty lists (NULL for empty ones). */
static int lists_bitmaps(struct lists *l, roaring_bitmap_t ***out) {
    roaring_bitmap_t **bm = calloc((size_t)l->n_lists, sizeof *bm);
    if (!bm) return ERR_NOMEM;
    *out = bm;
    for (int k = 0; k < l->n_lists; k++) {
        if (!l->n[k]) continue;
        if (!(bm[k] = bitmap_of(l->rows[k], l->n[k]))) return ERR_NOMEM;
    }
    return 0;
}

/* ---- building one column ---- */

static int build_missing(const struct index_builder *b, const struct stage *s, struct col *c,
                         uint32_t *buf) {
    size_t m = 0;
    for (uint32_t r = 0; r < b->n; r++)
        if (!s->has[r]) buf[m++] = b->base + r;
    c->missing = bitmap_of(buf, m);
    return c->missing ? 0 : ERR_NOMEM;
}

/* Sorted distinct values and each row's rank, then the bit slices of the ranks. */
static int build_numeric(const struct index_builder *b, const struct stage *s, struct col *c) {
    size_t m = 0;
    struct kv *a = column_alloc((size_t)b->n * sizeof *a);
    uint32_t *rank = column_alloc((size_t)b->n * sizeof *rank);
    int rc = ERR_NOMEM;
    if (!a || !rank) goto out;
    for (uint32_t r = 0; r < b->n; r++) {
        if (!s->has[r]) continue;
        a[m].row = r;
        a[m].k = c->kind == COL_INT ? int_key(s->iv[r])
                                    : double_key((double)s->rv[r].num / (double)s->rv[r].den);
        m++;
    }
    if (radix_sort(a, m)) goto out;
    if (c->kind == COL_RATIO) { /* insertion pass: the double order is nearly the exact one */
        for (size_t i = 1; i < m; i++) {
            struct kv x = a[i];
            size_t j = i;
            while (j > 0 && ratio_cmp(s->rv[a[j - 1].row], s->rv[x.row]) > 0) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
    }
    size_t nd = 0;
    for (size_t i = 0; i < m; i++) {
        bool is_new =
            i == 0 || (c->kind == COL_INT ? s->iv[a[i].row] != s->iv[a[i - 1].row]
                                          : ratio_cmp(s->rv[a[i].row], s->rv[a[i - 1].row]) != 0);
        if (is_new) nd++;
        rank[a[i].row] = (uint32_t)(nd - 1);
    }
    for (uint32_t r = 0; r < b->n; r++)
        if (!s->has[r]) rank[r] = UINT32_MAX;
    c->n_distinct = (uint32_t)nd;
    if (c->kind == COL_INT)
        c->ivals = malloc((nd ? nd : 1) * sizeof *c->ivals);
    else
        c->rvals = malloc((nd ? nd : 1) * sizeof *c->rvals);
    if (!c->ivals && !c->rvals) goto out;
    for (size_t i = 0, k = 0; i < m; i++) {
        if (i > 0 && rank[a[i].row] == rank[a[i - 1].row]) continue;
        if (c->kind == COL_INT)
            c->ivals[k++] = s->iv[a[i].row];
        else
            c->rvals[k++] = s->rv[a[i].row];
    }
    int bits = 0;
    while (nd > 1 && ((size_t)1 << bits) < nd)
        bits++;
    c->n_slices = bits;
    c->slices = calloc((size_t)(bits ? bits : 1), sizeof *c->slices);
    if (!c->slices) goto out;
    /* one pass counts the rows of each slice, one fills them: work in proportion to set bits */
    size_t count[32] = {0}, fill[32] = {0};
    uint32_t *rows[32] = {0};
    for (uint32_t r = 0; r < b->n; r++)
        for (uint32_t x = s->has[r] ? rank[r] : 0; x; x &= x - 1)
            count[__builtin_ctz(x)]++;
    for (int bit = 0; bit < bits; bit++)
        if (!(rows[bit] = malloc((count[bit] ? count[bit] : 1) * sizeof **rows))) goto slices_out;
    for (uint32_t r = 0; r < b->n; r++)
        for (uint32_t x = s->has[r] ? rank[r] : 0; x; x &= x - 1) {
            int bit = __builtin_ctz(x);
            rows[bit][fill[bit]++] = b->base + r;
        }
    for (int bit = 0; bit < bits; bit++)
        if (!(c->slices[bit] = bitmap_of(rows[bit], count[bit]))) goto slices_out;
    rc = 0;
    c->rank = rank;
    rank = NULL;
slices_out:
    for (int bit = 0; bit < bits; bit++)
        free(rows[bit]);
out:
    free(a);
    free(rank);
    return rc;
}

static int build_values(const struct index_builder *b, const struct stage *s, struct col *c,
                        enum field_id f) {
    const struct field_def *d = schema_field(f);
    c->n_values = d->type == FT_BOOL ? 2 : schema_value_count(d);
    struct lists l;
    int rc = lists_init(&l, c->n_values);
    size_t m = b->n ? b->n : 1;
    if (c->kind == COL_CAT && !(c->cat = column_alloc(m))) rc = ERR_NOMEM;
    if (c->kind == COL_SET && !(c->mask = column_alloc(m * sizeof *c->mask))) rc = ERR_NOMEM;
    for (uint32_t r = 0; !rc && r < b->n; r++) {
        if (c->cat) c->cat[r] = s->has[r] ? (uint8_t)s->iv[r] : 0xff;
        if (c->mask) c->mask[r] = s->has[r] ? (uint64_t)s->iv[r] : 0;
    }
    for (uint32_t r = 0; !rc && r < b->n; r++) {
        if (!s->has[r]) continue;
        if (c->kind == COL_CAT) {
            rc = lists_push(&l, (int)s->iv[r], b->base + r);
            continue;
        }
        for (int k = 0; !rc && k < c->n_values && k < 64; k++)
            if ((uint64_t)s->iv[r] >> k & 1) rc = lists_push(&l, k, b->base + r);
    }
    if (!rc) rc = lists_bitmaps(&l, &c->vals);
    lists_release(&l);
    return rc;
}

static int tree_parent(enum field_type t, int node) {
    return t == FT_REGION ? region_at(node)->parent : industry_at(node)->parent;
}

static int build_tree(const struct index_builder *b, const struct stage *s, struct col *c,
                      enum field_id f) {
    enum field_type t = schema_field(f)->type;
    c->n_nodes = t == FT_REGION ? region_count() : industry_count();
    c->code = column_alloc((size_t)b->n * sizeof *c->code);
    bool *is_inner = calloc((size_t)c->n_nodes, sizeof *is_inner);
    struct lists within, exact;
    int rc = lists_init(&within, c->n_nodes);
    if (!rc) rc = lists_init(&exact, c->n_nodes);
    if (!c->code || !is_inner) rc = ERR_NOMEM;
    for (int k = 0; !rc && k < c->n_nodes; k++) {
        int p = tree_parent(t, k);
        if (p >= 0) is_inner[p] = true;
    }
    for (uint32_t r = 0; !rc && r < b->n; r++) {
        c->code[r] = s->has[r] ? (int16_t)s->iv[r] : -1;
        if (!s->has[r]) continue;
        int node = (int)s->iv[r];
        if (is_inner[node]) rc = lists_push(&exact, node, b->base + r);
        for (int k = node; !rc && k >= 0; k = tree_parent(t, k))
            rc = lists_push(&within, k, b->base + r);
    }
    if (!rc) rc = lists_bitmaps(&within, &c->within);
    if (!rc) rc = lists_bitmaps(&exact, &c->exact);
    lists_release(&within);
    lists_release(&exact);
    free(is_inner);
    return rc;
}

static size_t bm_bytes(const roaring_bitmap_t *r) {
    return r ? roaring_bitmap_size_in_bytes(r) + 48 : 0;
}

static size_t col_bytes(const struct col *c, uint32_t n) {
    size_t s = bm_bytes(c->missing);
    s += c->n_distinct * (c->ivals ? sizeof *c->ivals : c->rvals ? sizeof *c->rvals : 0);
    for (int k = 0; k < c->n_slices; k++)
        s += bm_bytes(c->slices[k]);
    for (int k = 0; c->vals && k < c->n_values; k++)
        s += bm_bytes(c->vals[k]);
    for (int k = 0; c->within && k < c->n_nodes; k++)
        s += bm_bytes(c->within[k]) + bm_bytes(c->exact[k]) + 2 * sizeof(void *);
    if (c->code) s += n * sizeof *c->code;
    if (c->rank) s += n * sizeof *c->rank;
    if (c->cat) s += n;
    if (c->mask) s += n * sizeof *c->mask;
    return s;
}

/* Builds column f and frees its staging (which dominates the builder's peak memory). */
static int build_col(struct index_builder *b, struct seg *s, int f, uint32_t *buf) {
    struct stage *st = &b->st[f];
    struct col *c = &s->col[f];
    c->kind = st->kind;
    if (c->kind == COL_NONE) return 0;
    int rc = build_missing(b, st, c, buf);
    if (!rc && (c->kind == COL_INT || c->kind == COL_RATIO))
        rc = build_numeric(b, st, c);
    else if (!rc && c->kind == COL_TREE)
        rc = build_tree(b, st, c, (enum field_id)f);
    else if (!rc)
        rc = build_values(b, st, c, (enum field_id)f);
    free(st->has);
    free(st->iv);
    free(st->rv);
    st->has = NULL;
    st->iv = NULL;
    st->rv = NULL;
    return rc;
}

struct col_job {
    struct index_builder *b;
    struct seg *s;
    atomic_int next; /* the next field to build */
    atomic_int rc;   /* the first failure */
};

static void *col_worker(void *arg) {
    struct col_job *j = arg;
    uint32_t *buf = column_alloc((size_t)j->b->n * sizeof *buf);
    for (int f; (f = atomic_fetch_add(&j->next, 1)) < F_COUNT;) {
        int rc = buf ? build_col(j->b, j->s, f, buf) : ERR_NOMEM;
        if (rc) atomic_store(&j->rc, rc);
    }
    free(buf);
    return NULL;
}

/* Columns are independent: small segments build them in this thread, big ones on a few. */
static int build_columns(struct index_builder *b, struct seg *s) {
    struct col_job j = {.b = b, .s = s};
    atomic_init(&j.next, 0);
    atomic_init(&j.rc, 0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n_threads = b->n < 100000 ? 0 : (int)(cpus > 4 ? 4 : cpus < 1 ? 1 : cpus) - 1;
    pthread_t th[4];
    int started = 0;
    for (; started < n_threads; started++)
        if (pthread_create(&th[started], NULL, col_worker, &j)) break;
    col_worker(&j);
    for (int k = 0; k < started; k++)
        pthread_join(th[k], NULL);
    return atomic_load(&j.rc);
}

/* Big-endian key of bytes [from, from + 8) of a NUL-padded code: keys compare as strcmp does. */
static uint64_t uscc_key(const char *u, int from) {
    uint64_t k = 0;
    for (int i = from; i < from + 8; i++)
        k = k << 8 | (i <= USCC_LEN ? (uint8_t)u[i] : 0);
    return k;
}

/* Local rows in USCC (strcmp) order: LSD radix sorts (stable) on bytes 16–17, 8–15, 0–7. A
 * comparison sort of 2,000,000 codes by strcmp was a third of the whole load. */
static int sort_by_uscc(struct seg *s) {
    struct kv *a = column_alloc((size_t)s->n * sizeof *a);
    if (!a) return ERR_NOMEM;
    for (uint32_t r = 0; r < s->n; r++) {
        size_t len = strnlen(s->uscc[r], USCC_LEN);
        char pad[USCC_LEN + 8] = {0};
        memcpy(pad, s->uscc[r], len);
        a[r] = (struct kv){uscc_key(pad, 16) >> 48, r};
    }
    int rc = radix_sort(a, s->n);
    for (int from = 8; !rc && from >= 0; from -= 8) {
        for (uint32_t i = 0; i < s->n; i++) {
            char pad[USCC_LEN + 8] = {0};
            memcpy(pad, s->uscc[a[i].row], strnlen(s->uscc[a[i].row], USCC_LEN));
            a[i].k = uscc_key(pad, from);
        }
        rc = radix_sort(a, s->n);
    }
    for (uint32_t i = 0; !rc && i < s->n; i++)
        s->by_uscc[i] = a[i].row;
    free(a);
    return rc;
}

int index_builder_finish_seg(struct index_builder *b, struct seg **out, struct error *err) {
    struct seg *s = calloc(1, sizeof *s);
    int rc = s ? 0 : ERR_NOMEM;
    if (!rc) {
        atomic_init(&s->refs, 1);
        s->base = b->base;
        s->n = b->n;
        s->ids = b->ids;
        s->uscc = b->uscc;
        b->ids = NULL;
        b->uscc = NULL;
        s->all = roaring_bitmap_create();
        s->by_uscc = column_alloc((size_t)b->n * sizeof *s->by_uscc);
        if (!s->all || !s->by_uscc) rc = ERR_NOMEM;
    }
    if (!rc && b->n) roaring_bitmap_add_range(s->all, b->base, (uint64_t)b->base + b->n);
    if (!rc) rc = build_columns(b, s);
    if (!rc) rc = sort_by_uscc(s);
    if (!rc) {
        s->bytes = sizeof *s + bm_bytes(s->all) +
                   s->n * (sizeof *s->ids + sizeof *s->uscc + sizeof *s->by_uscc);
        for (int f = 0; f < F_COUNT; f++)
            s->bytes += col_bytes(&s->col[f], s->n);
    }
    index_builder_free(b);
    if (rc) {
        index_seg_release(s);
        return error_set(err, rc, "内存不足", "out of memory");
    }
    *out = s;
    return 0;
}

static void free_bitmaps(roaring_bitmap_t **bm, int n) {
    for (int k = 0; bm && k < n; k++)
        if (bm[k]) roaring_bitmap_free(bm[k]);
    free(bm);
}

void index_seg_release(struct seg *s) {
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1) return;
    if (s->all) roaring_bitmap_free(s->all);
    free(s->ids);
    free(s->uscc);
    free(s->by_uscc);
    for (int f = 0; f < F_COUNT; f++) {
        struct col *c = &s->col[f];
        if (c->missing) roaring_bitmap_free(c->missing);
        free(c->ivals);
        free(c->rvals);
        free_bitmaps(c->slices, c->n_slices);
        free_bitmaps(c->vals, c->n_values);
        free_bitmaps(c->within, c->n_nodes);
        free_bitmaps(c->exact, c->n_nodes);
        free(c->code);
        free(c->rank);
        free(c->cat);
        free(c->mask);
    }
    free(s);
}

int index_builder_finish(struct index_builder *b, struct index_gen **out, struct error *err) {
    int32_t today = b->today;
    struct seg *s;
    int rc = index_builder_finish_seg(b, &s, err);
    if (rc) return rc;
    return index_gen_make(today, s, NULL, NULL, out, err);
}
