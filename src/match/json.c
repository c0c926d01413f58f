/* Owns the JSON shapes of matching results shared by `duijie match` and the API: breakdowns with
 * region and industry names, the preview of a rule (counts by status, by district/section/size,
 * nearly-eligible groups by condition), and one clause hit with its explanation. Does not own the
 * matching itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match/match.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/date.h"

json_t *match_breakdown_json(const struct match_breakdown *b) {
    json_t *o = json_object(), *d = json_array(), *s = json_array(), *z = json_array();
    json_object_set_new(o, "total", json_integer((json_int_t)b->total));
    for (int i = 0; i < b->n_district; i++) {
        const struct region *r = region_at(b->district[i].value);
        json_t *x = json_object();
        json_object_set_new(x, "code", json_integer(r->code));
        json_object_set_new(x, "name", json_string(r->name));
        json_object_set_new(x, "count", json_integer((json_int_t)b->district[i].n));
        json_array_append_new(d, x);
    }
    for (int i = 0; i < b->n_section; i++) {
        const struct industry *r = industry_at(b->section[i].value);
        json_t *x = json_object();
        json_object_set_new(x, "code", json_string(r->code));
        json_object_set_new(x, "name", json_string(r->name));
        json_object_set_new(x, "count", json_integer((json_int_t)b->section[i].n));
        json_array_append_new(s, x);
    }
    const char *const *sizes = schema_field(F_SIZE)->values;
    for (int i = 0; i < b->n_size; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "size", json_string(sizes[b->size[i].value]));
        json_object_set_new(x, "count", json_integer((json_int_t)b->size[i].n));
        json_array_append_new(z, x);
    }
    json_object_set_new(o, "by_district", d);
    json_object_set_new(o, "by_section", s);
    json_object_set_new(o, "by_size", z);
    return o;
}

/* The condition as the rule writes it (words false, for the rule editor) or for people. */
static json_t *cond_text(const struct rule_cond *c, bool words) {
    struct buf b;
    buf_init(&b);
    if (words)
        rules_describe_cond(c, false, &b);
    else
        rules_format_cond(c, &b);
    json_t *s = json_string(buf_str(&b));
    buf_release(&b);
    return s;
}

int match_preview_json(const struct index_gen *g, const struct rule_cond *c, json_t **out,
                       struct error *err) {
    return match_preview_json_within(g, c, NULL, out, err);
}

int match_preview_json_within(const struct index_gen *g, const struct rule_cond *c,
                              const roaring_bitmap_t *scope, json_t **out, struct error *err) {
    struct match_sets m;
    int rc = match_cond_within(g, c, scope, &m, err);
    if (rc) return rc;
    struct match_nearly nl;
    if ((rc = match_nearly_within(g, c, scope, &nl, err))) {
        match_sets_release(&m);
        return rc;
    }
    uint64_t n_near = 0;
    json_t *groups = json_array();
    for (int i = 0; i < nl.n_groups; i++) {
        uint64_t n = roaring_bitmap_get_cardinality(nl.groups[i].rows);
        n_near += n;
        json_t *x = json_object();
        json_object_set_new(x, "condition", cond_text(nl.groups[i].cond, false));
        json_object_set_new(x, "text", cond_text(nl.groups[i].cond, true));
        json_object_set_new(x, "count", json_integer((json_int_t)n));
        json_array_append_new(groups, x);
    }
    json_t *counts = json_object();
    json_object_set_new(counts, "eligible",
                        json_integer((json_int_t)roaring_bitmap_get_cardinality(m.eligible)));
    json_object_set_new(counts, "unknown",
                        json_integer((json_int_t)roaring_bitmap_get_cardinality(m.unknown)));
    json_object_set_new(counts, "ineligible",
                        json_integer((json_int_t)roaring_bitmap_get_cardinality(m.ineligible)));
    json_object_set_new(counts, "nearly", json_integer((json_int_t)n_near));
    struct match_breakdown bd;
    json_t *o = json_object();
    json_object_set_new(o, "counts", counts);
    match_breakdown(g, m.eligible, &bd);
    json_object_set_new(o, "eligible", match_breakdown_json(&bd));
    match_breakdown(g, m.unknown, &bd);
    json_object_set_new(o, "unknown", match_breakdown_json(&bd));
    json_object_set_new(o, "nearly", groups);
    match_sets_release(&m);
    match_nearly_release(&nl);
    *out = o;
    return 0;
}

json_t *match_explanation_json(const struct rule_eval *ev) {
    json_t *atoms = json_array();
    for (int i = 0; i < ev->n_atoms; i++) {
        const struct rule_atom_result *a = &ev->atoms[i];
        json_t *x = json_object();
        json_object_set_new(x, "condition", json_string(a->condition));
        json_object_set_new(x, "outcome", json_string(tri_name(a->outcome)));
        json_object_set_new(x, "text", json_string(a->text));
        json_object_set_new(x, "decisive", json_boolean(a->is_decisive));
        json_object_set_new(x, "rule", json_string(a->rule));
        json_object_set_new(x, "truth",
                            json_string(a->truth == TRI_TRUE    ? "true"
                                        : a->truth == TRI_FALSE ? "false"
                                                                : "unknown"));
        json_array_append_new(atoms, x);
    }
    return atoms;
}

json_t *match_hit_json(const struct match_catalog *cat, const struct match_hit *h,
                       const struct profile *p, bool explain) {
    const struct clause *cl = &cat->clauses[cat->clause_of[h->clause]];
    json_t *o = json_object();
    char buf[64];
    json_object_set_new(o, "clause_id", json_integer(h->id));
    json_object_set_new(o, "policy_id", json_integer(cl->policy_id));
    json_object_set_new(o, "title", json_string(cl->title ? cl->title : ""));
    json_object_set_new(o, "status", json_string(tri_name(h->result)));
    json_object_set_new(o, "award_fen", h->has_award ? json_integer(h->award_fen) : json_null());
    json_object_set_new(o, "award",
                        h->has_award ? json_string(money_format(h->award_fen, buf, sizeof buf))
                                     : json_null());
    json_object_set_new(o, "deadline",
                        h->deadline == INT32_MAX ? json_null()
                                                 : json_string(date_format(h->deadline, buf, 64)));
    if (!explain) return o;
    struct rule_eval *ev = malloc(sizeof *ev);
    struct error err;
    if (ev && match_explain(cat->set, h->clause, p, ev, &err) == 0) {
        json_object_set_new(o, "explanation", match_explanation_json(ev));
        json_t *missing = json_array();
        for (int i = 0; i < ev->n_missing; i++)
            json_array_append_new(missing, json_string(schema_field(ev->missing[i])->label));
        json_object_set_new(o, "missing", missing);
        if (ev->has_award) json_object_set_new(o, "award_text", json_string(ev->award_text));
    }
    free(ev);
    return o;
}
