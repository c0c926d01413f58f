/* Owns feeding the search document list from the store's policy and clause tables: one document
 * per published or expired clause (drafts are not searchable), with its policy's title, department,
 * region and dates. Does not index. */
#include <stdlib.h>
#include <string.h>

#include "refdata/refdata.h"
#include "search/search.h"
#include "store/store.h"
#include "util/date.h"

static const struct policy *find_policy(const struct policy *p, int n, int64_t id) {
    int lo = 0, hi = n - 1; /* store_list_policies returns rows in id order */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (p[mid].id == id) return &p[mid];
        if (p[mid].id < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static int32_t or_date(int32_t d) {
    return d == STORE_NO_DATE ? SEARCH_NO_DATE : d;
}

int search_load_store(struct search_doc_list *l, struct store *s, struct error *err) {
    struct arena a;
    arena_init(&a, 1 << 20);
    struct policy *pols;
    struct clause *cls;
    int n_pols, n_cls;
    int rc = store_list_policies(s, -1, &a, &pols, &n_pols, err);
    if (!rc) rc = store_list_clauses(s, 0, -1, &a, &cls, &n_cls, err);
    for (int i = 0; !rc && i < n_cls; i++) {
        const struct clause *c = &cls[i];
        const struct policy *p = find_policy(pols, n_pols, c->policy_id);
        if (!p || c->status == POLICY_DRAFT || p->status == POLICY_DRAFT) continue;
        char id[160], deadline[16];
        snprintf(id, sizeof id, "%s.%d", p->code ? p->code : "policy", c->seq);
        int32_t dl = c->deadline != STORE_NO_DATE ? c->deadline : p->deadline;
        struct search_doc d = {
            .id = id,
            .policy_id = p->code,
            .title = c->title,
            .policy_title = p->title,
            .text = c->text,
            .department = p->department,
            .region =
                p->region >= 0 && p->region < region_count() ? region_at(p->region)->name : NULL,
            .kind = c->kind,
            .deadline = dl != STORE_NO_DATE ? date_format(dl, deadline, sizeof deadline) : NULL,
            .issued = or_date(p->published),
            .valid_from = or_date(c->valid_from),
            .valid_to = or_date(c->valid_to),
            .is_repealed = c->status == POLICY_EXPIRED || p->status == POLICY_EXPIRED,
            .amount_fen = c->award_cap_fen >= 0 ? c->award_cap_fen : -1,
            .ref = c->id,
        };
        rc = search_doc_list_add(l, &d, err);
    }
    arena_release(&a);
    return rc;
}
