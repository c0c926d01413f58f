/* Private to src/index: one segment (a run of rows built together) and the generation made of a
 * base segment and an optional delta. Not part of the module's public face (index.h). */
#ifndef DUIJIE_INDEX_SEGMENT_H
#define DUIJIE_INDEX_SEGMENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <roaring/roaring.h>

#include "index/index.h"

enum col_kind { COL_NONE, COL_INT, COL_RATIO, COL_CAT, COL_SET, COL_TREE };

#define USCC_LEN 18

/* One field's column in one segment. Every bitmap holds global row ids (segment base added). A NULL
 * bitmap in vals/within/exact means "no row". */
struct col {
    enum col_kind kind;
    roaring_bitmap_t *missing; /* rows without a value (owned; never NULL for an indexed field) */
    /* COL_INT / COL_RATIO: the distinct values in increasing order, and the bit slices of each
     * row's rank among them (slices[b] = rows whose rank has bit b set) */
    uint32_t n_distinct;
    int64_t *ivals;      /* COL_INT; owned */
    struct ratio *rvals; /* COL_RATIO; owned (not reduced: equal values compare equal) */
    int n_slices;
    roaring_bitmap_t **slices; /* owned, n_slices */
    uint32_t *rank;            /* owned: each row's rank (UINT32_MAX = missing), so one row's
                                  value is one read, not a walk of the slices */
    /* COL_CAT (enum, bool) / COL_SET: one bitmap per value */
    int n_values;
    roaring_bitmap_t **vals; /* owned, n_values */
    uint8_t *cat;            /* COL_CAT: each row's value (0xff = missing), owned */
    uint64_t *mask;          /* COL_SET: each row's set (missing: see `missing`), owned */
    /* COL_TREE (region, industry): rows within each node, rows exactly at each inner node, and the
     * node of each row */
    int n_nodes;
    roaring_bitmap_t **within; /* owned, n_nodes */
    roaring_bitmap_t **exact;  /* owned, n_nodes; only inner nodes (a leaf's exact = within) */
    int16_t *code;             /* owned, one per row; -1 = missing */
};

struct seg {
    atomic_int refs;
    uint32_t base; /* global row id of the segment's first row */
    uint32_t n;
    roaring_bitmap_t *all;      /* base .. base+n-1 (owned) */
    int64_t *ids;               /* store row ids (owned) */
    char (*uscc)[USCC_LEN + 1]; /* NUL-terminated codes (owned) */
    uint32_t *by_uscc;          /* local rows sorted by USCC (owned) */
    struct col col[F_COUNT];
    size_t bytes;
};

struct index_gen {
    atomic_int refs;
    int32_t today;
    int n_seg;                 /* 0 (empty), 1 (base) or 2 (base + delta) */
    struct seg *seg[2];        /* one reference each */
    roaring_bitmap_t *deleted; /* rows replaced or removed (owned) */
    roaring_bitmap_t *live;    /* all rows − deleted (owned) */
    uint32_t n_rows;
    pthread_mutex_t extra_mu; /* making an extra (index_gen_extra) */
    struct {
        const void *key;
        void *p; /* owned: freed by drop with the generation */
        void (*drop)(void *p);
    } extra[INDEX_GEN_EXTRAS];
};

enum col_kind index_col_kind(enum field_type t);
/* A bitmap of n strictly increasing values (through the Roaring portable format: one store per
 * value); NULL when out of memory. */
roaring_bitmap_t *index_bitmap_of_sorted(const uint32_t *v, size_t n);
/* A builder that numbers its rows from base. */
int index_builder_new_at(int32_t today, uint32_t base, struct index_builder **out,
                         struct error *err);
int index_builder_finish_seg(struct index_builder *b, struct seg **out, struct error *err);
uint32_t index_builder_rows(const struct index_builder *b);
void index_seg_release(struct seg *s);
/* The segment holding a global row (NULL when none). */
const struct seg *index_seg_of(const struct index_gen *g, uint32_t row);
/* Local row of a USCC in a segment, or -1. */
int64_t index_seg_find(const struct seg *s, const char *uscc);
/* One field of one row as a value (text fields: only the USCC). */
void index_seg_value(const struct seg *s, uint32_t row, enum field_id f, struct value *v);
/* A generation from segments (references taken over) and a deleted set (taken over, may be NULL).
 */
int index_gen_make(int32_t today, struct seg *base, struct seg *delta, roaring_bitmap_t *deleted,
                   struct index_gen **out, struct error *err);

#endif
