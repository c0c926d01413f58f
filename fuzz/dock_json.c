/* Fuzz target for src/dock's JSON entry points and algorithms. Input: one selector byte, then a
 * JSON document. 0: a loan offer (loan_from_json, schedule, cost; principal parts must add up);
 * 1: loan_compare; 2: match_investors; 3: match_needs; 4: listing_pipeline; 5: financing_report;
 * 7: roadshow_agenda; 8: intents_funnel; 9: challenge_report; 6: a meeting instance
 * {"participants", "slots", "tables", "availability", "requests"} solved, repaired and greedily
 * scheduled — every result must pass sched_check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dock/dock.h"
#include "refdata/refdata.h"

static void fuzz_loan(json_t *j) {
    struct loan_terms t;
    struct loan_fees f;
    struct loan_subsidy s;
    bool has;
    struct error err;
    if (loan_from_json(j, &t, &f, &s, &has, &err)) return;
    struct loan_schedule sc;
    if (loan_schedule_compute(&t, &sc, &err)) return;
    int64_t sum = 0;
    for (int k = 0; k < sc.n; k++)
        sum += sc.items[k].principal_fen;
    if (sum != t.principal_fen) abort();
    struct loan_cost c;
    loan_cost_compute(&t, &sc, &f, has ? &s : NULL, &c, &err);
    loan_schedule_release(&sc);
}

static void fuzz_schedule(json_t *j) {
    enum { MAX_P = 40, MAX_R = 120 };
    struct sched_request req[MAX_R];
    uint64_t av[MAX_P];
    int prev_slot[MAX_R], prev_table[MAX_R];
    json_int_t n = json_integer_value(json_object_get(j, "participants"));
    json_t *rs = json_object_get(j, "requests"), *avj = json_object_get(j, "availability");
    if (n < 1 || n > MAX_P || json_array_size(rs) > MAX_R) return;
    struct sched_instance in = {(int)n,
                                (int)json_integer_value(json_object_get(j, "slots")),
                                (int)json_integer_value(json_object_get(j, "tables")),
                                NULL,
                                req,
                                (int)json_array_size(rs)};
    for (int k = 0; k < in.n_req; k++) {
        json_t *r = json_array_get(rs, (size_t)k);
        req[k] = (struct sched_request){(int)json_integer_value(json_object_get(r, "a")),
                                        (int)json_integer_value(json_object_get(r, "b")),
                                        (int)json_integer_value(json_object_get(r, "priority"))};
    }
    if (json_is_array(avj)) {
        for (int v = 0; v < n; v++)
            av[v] = (uint64_t)json_integer_value(json_array_get(avj, (size_t)v));
        in.avail = av;
    }
    struct sched_result r, g, f;
    struct error err;
    if (sched_solve(&in, &r, &err)) return;
    if (sched_check(&in, &r, &err) || r.n_placed > r.upper_bound) abort();
    if (sched_greedy(&in, &g, &err) || sched_check(&in, &g, &err)) abort();
    if (r.is_optimal && g.n_placed > r.n_placed) abort();
    for (int k = 0; k < in.n_req; k++)
        prev_slot[k] = k % 3 ? r.slot[k] : -1, prev_table[k] = k % 3 ? r.table[k] : -1;
    if (sched_repair(&in, prev_slot, prev_table, &f, &err) || sched_check(&in, &f, &err)) abort();
    sched_result_release(&r), sched_result_release(&g), sched_result_release(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static bool loaded;
    if (!loaded) {
        struct error err;
        if (refdata_load(&err)) abort();
        loaded = true;
    }
    if (size < 1) return 0;
    json_t *j = json_loadb((const char *)data + 1, size - 1, 0, NULL);
    if (!j) return 0;
    struct error err;
    json_t *out = NULL;
    switch (data[0] % 10) {
    case 0:
        fuzz_loan(j);
        break;
    case 1:
        out = loan_compare(j, &err);
        break;
    case 2:
        out = match_investors(j, &err);
        break;
    case 3:
        out = match_needs(j, &err);
        break;
    case 4:
        out = listing_pipeline(j, &err);
        break;
    default:
        fuzz_schedule(j);
        break;
    }
    json_decref(out);
    json_decref(j);
    return 0;
}
