/* Owns search_split_by_fit: marks a page of search hits with one enterprise's result from the
 * matching engine (you qualify / might / not for you) and orders them by it. Shared by
 * `duijie search --enterprise` and GET /api/search?uscc=. Does not own matching (src/match). */
#include <stdlib.h>

#include "enterprise/enterprise.h"
#include "match/match.h"
#include "search/search.h"
#include "store/store.h"
#include "util/tri.h"

static int fit_rank(int fit) {
    return fit == TRI_TRUE ? 0 : fit == TRI_UNKNOWN ? 1 : fit == TRI_FALSE ? 2 : 3;
}

/* Marks each hit with the enterprise's result from the matching engine and orders the hits you
 * qualify for first, then might, then not, keeping the search order within each group. */
int search_split_by_fit(struct store *s, const char *uscc, int32_t today,
                        struct search_results *res, struct error *err) {
    struct match_catalog *cat = NULL;
    struct profile *p = malloc(sizeof *p);
    struct match_hit *mh = NULL;
    struct arena a;
    arena_init(&a, 4096);
    int rc = p ? store_get_enterprise(s, uscc, p, &a, NULL, err)
               : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (!rc) {
        profile_derive(p, today, NULL);
        rc = match_catalog_load(s, today, &cat, err);
    }
    if (!rc) {
        mh = malloc((size_t)(cat->n_in ? cat->n_in : 1) * sizeof *mh);
        rc = mh ? match_enterprise(cat->set, p, mh)
                : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    for (int i = 0; !rc && i < res->n_hits; i++)
        for (int k = 0; k < cat->n_in; k++)
            if (res->hits[i].ref && mh[k].id == res->hits[i].ref) res->hits[i].fit = mh[k].result;
    /* a stable insertion sort: a page of hits is short */
    for (int i = 1; !rc && i < res->n_hits; i++) {
        struct search_hit h = res->hits[i];
        int j = i;
        for (; j > 0 && fit_rank(res->hits[j - 1].fit) > fit_rank(h.fit); j--)
            res->hits[j] = res->hits[j - 1];
        res->hits[j] = h;
    }
    free(mh);
    match_catalog_free(cat);
    free(p);
    arena_release(&a);
    return rc;
}
