/* The enterprise index: an immutable, in-memory, columnar copy of every enterprise, made of
 * CRoaring bitmaps. Categorical values (enum, bool, set, region and industry at every level) have
 * one bitmap each; numeric fields (int, money, date, exact ratio, and the derived ones) are
 * bit-sliced over the rank of their value among the column's distinct values, so a range is
 * ~2·log2(distinct) bitmap operations whatever the row count; every field has a "missing" bitmap
 * for three-valued logic.
 *
 * A generation (struct index_gen) is immutable once built. struct index holds the current one
 * behind an atomic pointer: readers take a reference without locks (index_acquire /
 * index_gen_release); writers build a new generation and swap it in. An update keeps the big base
 * segment and rebuilds a small delta segment (rows of the updated enterprises), marking their old
 * base rows deleted, so an edit costs O(delta) and is seen by the next query; a large delta is
 * merged into a new base.
 *
 * Knows nothing of rules, SQL or HTTP: it answers atoms (field, operator, constant). */
#ifndef DUIJIE_INDEX_H
#define DUIJIE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <roaring/roaring.h>

#include "enterprise/enterprise.h"
#include "util/error.h"
#include "util/num.h"
#include "util/tri.h"

enum index_op {
    INDEX_EQ, /* numeric, enum, bool; region/industry: exactly that node */
    INDEX_NE, /* numeric, enum, bool */
    INDEX_LT, /* numeric (int, money, date, ratio) */
    INDEX_LE,
    INDEX_GT,
    INDEX_GE,
    INDEX_WITHIN, /* region/industry: the node or anything under it (属于) */
    INDEX_HAS,    /* set: holds value i (资质 包含) */
};

/* One comparison of a field with a constant. Numeric fields compare exactly with r (money in fen as
 * {fen, 1}, dates as {days, 1}, 5% as {5, 100}); the other types use i (enum/set value index,
 * refdata region/industry index, bool 0/1). */
struct index_atom {
    enum field_id field;
    enum index_op op;
    int64_t i;
    struct ratio r;
};

struct index_gen;     /* one immutable generation; reference counted */
struct index;         /* the holder of the current generation */
struct index_builder; /* collects profiles for a new generation */

/* ---- building ---- */

/* today: the evaluation date the profiles were derived for (kept with the generation). */
int index_builder_new(int32_t today, struct index_builder **out, struct error *err);
/* Adds one enterprise; p must already be derived (profile_derive). id is its store row id. */
int index_builder_add(struct index_builder *b, int64_t id, const struct profile *p,
                      struct error *err);
/* Room for n rows at once, when their number is known (a load): one allocation per staging column
 * instead of doubling as rows arrive. Optional. */
int index_builder_reserve(struct index_builder *b, uint32_t n, struct error *err);
/* Builds the generation (one reference, owned by the caller) and frees b in every case. */
int index_builder_finish(struct index_builder *b, struct index_gen **out, struct error *err);
void index_builder_free(struct index_builder *b);

struct store;
/* A generation of every enterprise in the store (scan, profile_derive for `today`, build). A big
 * store is scanned on this thread and derived and staged on a second one, in batches. */
int index_load(struct store *s, int32_t today, struct index_gen **out, struct error *err);
/* The smallest enterprise count index_load takes two threads for (default 50,000); for tests,
 * which load a small store both ways. Process-wide. */
void index_set_load_pipeline_min(uint32_t n);

/* ---- generations: lock-free readers ---- */

/* A holder with an empty generation. NULL when out of memory. */
struct index *index_new(int32_t today);
void index_free(struct index *ix);
/* Publishes g (taking over the caller's reference); the previous generation is released once its
 * last reader is done. Writers are serialised among themselves; readers never wait. */
void index_publish(struct index *ix, struct index_gen *g);
/* The current generation with a reference the caller must give back with index_gen_release. */
struct index_gen *index_acquire(struct index *ix);
void index_gen_retain(struct index_gen *g);
void index_gen_release(struct index_gen *g);

/* Adds or replaces (by USCC) n enterprises and publishes the new generation: their old rows are
 * marked deleted and the new values live in a rebuilt delta segment (merged into the base when it
 * grows past a sixteenth of it). Profiles must be derived. Visible to every later index_acquire. */
int index_update(struct index *ix, const int64_t *ids, const struct profile *ps, int n,
                 struct error *err);
/* Removes an enterprise by USCC; ERR_NOTFOUND when it is not there. */
int index_remove(struct index *ix, const char *uscc, struct error *err);

/* Per-generation extras: an answer a reader derives from a generation and keeps with it (a cache of
 * dashboard counts), made by the first caller, freed by drop when the generation is, so it can
 * never outlive or be mistaken for another generation's. key tells the owners apart (the address of
 * one of the owner's statics). Returns the extra (made by make() if this generation had none for
 * key), or NULL when make failed or the INDEX_GEN_EXTRAS slots are taken by other keys. make NULL
 * only looks: NULL when the generation has none for key. Thread-safe; the extra itself must be (the
 * generation is shared). */
#define INDEX_GEN_EXTRAS 4
void *index_gen_extra(const struct index_gen *g, const void *key, void *(*make)(void),
                      void (*drop)(void *p));

/* ---- reading one generation ---- */

/* Row ids run 0..index_gen_rows(g)-1; deleted rows are not in index_gen_live(g). */
uint32_t index_gen_rows(const struct index_gen *g);
const roaring_bitmap_t *index_gen_live(const struct index_gen *g);
uint64_t index_gen_count(const struct index_gen *g);
int32_t index_gen_today(const struct index_gen *g);
/* Bytes held by the generation's columns and bitmaps. */
size_t index_gen_bytes(const struct index_gen *g);
int index_gen_segments(const struct index_gen *g);

/* Rows where the atom is TRUE and where it is UNKNOWN (a value it needs is missing, or a region or
 * industry known only above the constant's level); new bitmaps the caller frees. FALSE = live − T −
 * U. ERR_INVALID when the operator does not fit the field's type. */
int index_eval_atom(const struct index_gen *g, const struct index_atom *a, roaring_bitmap_t **t,
                    roaring_bitmap_t **u, struct error *err);
/* The same, on the rows of `within` only (NULL = every row): both results are subsets of it. Plans
 * pass the rows still undecided, so a range over a small candidate set costs little: a numeric atom
 * on a sparse scope reads each row's rank instead of walking the bit slices. u may be NULL when
 * only TRUE is wanted (push lists), which saves computing UNKNOWN. */
int index_eval_atom_within(const struct index_gen *g, const struct index_atom *a,
                           const roaring_bitmap_t *within, roaring_bitmap_t **t,
                           roaring_bitmap_t **u, struct error *err);
/* Rows of `within` (NULL = every row) where every one of the n atoms is TRUE (a conjunction; the
 * push list's plan): categorical atoms intersect their bitmaps, most selective first; numeric ones
 * use the bit slices while the rows left are dense and one fused scan of the rank columns once they
 * are sparse. At most INDEX_AND_MAX atoms. */
#define INDEX_AND_MAX 32
int index_eval_and(const struct index_gen *g, const struct index_atom *atoms, int n,
                   const roaring_bitmap_t *within, roaring_bitmap_t **t, struct error *err);
/* How numeric atoms are answered: by the cost model (the default), or always by scanning the rank
 * column, or always by the bit slices. Process-wide; for tests (both methods must give the same
 * rows) and benchmarks. */
enum index_numeric_method { INDEX_NUMERIC_AUTO, INDEX_NUMERIC_SCAN, INDEX_NUMERIC_SLICES };
void index_set_numeric_method(enum index_numeric_method m);
/* The same atom for one row (what index_eval_atom would say about it). */
enum tri index_row_atom(const struct index_gen *g, uint32_t row, const struct index_atom *a);

/* |set ∩ rows whose field f has value v| without materialising: region/industry count everything
 * within node v; enum/bool count value v; set fields count holders of v. */
uint64_t index_count_value(const struct index_gen *g, const roaring_bitmap_t *set, enum field_id f,
                           int64_t v);

/* Row of an enterprise by USCC (live rows only); ERR_NOTFOUND when absent. */
int index_find_uscc(const struct index_gen *g, const char *uscc, uint32_t *row);
int64_t index_row_id(const struct index_gen *g, uint32_t row);
/* The store ids of every row of `rows` (rows of g), in row order, into ids (room for
 * |rows|): a push list's answer, read a batch of rows at a time. Returns the count. */
size_t index_gen_ids(const struct index_gen *g, const roaring_bitmap_t *rows, int64_t *ids);
/* The USCC of a row into buf (19 bytes at least). */
const char *index_row_uscc(const struct index_gen *g, uint32_t row, char *buf, size_t n);
/* One field of a row rebuilt from its column (text fields: only the USCC). */
void index_row_value(const struct index_gen *g, uint32_t row, enum field_id f, struct value *v);
/* The row's values rebuilt from the columns (every field but the name; no history years). */
void index_row_profile(const struct index_gen *g, uint32_t row, struct profile *p);

#endif
