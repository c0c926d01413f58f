/* Fuzz target: any bytes through the policy-text normaliser, the clause splitter, the number
 * parser and the whole extractor (with its JSON output). Bad input must be an error value, never a
 * crash, a leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract/extract.h"
#include "text/number.h"
#include "text/policy_text.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    struct error err;
    struct text_norm n;
    if (text_normalize(s, size, &n, &err) == 0) {
        struct text_units u;
        if (text_split(&n, &u, &err) == 0) text_units_release(&u);
        for (size_t i = 0; i < n.len; i++) {
            struct quantity q;
            size_t k = text_parse_quantity(n.s + i, n.len - i, &q);
            if (k > n.len - i) __builtin_trap();
        }
        text_norm_release(&n);
    }
    struct extract_result r;
    if (extract_policy(s, size, &r, &err) == 0) {
        struct buf b;
        buf_init(&b);
        for (int k = 0; k < r.n_clauses; k++) {
            if (r.clauses[k].end > size || r.clauses[k].start > r.clauses[k].end) __builtin_trap();
            extract_clause_json(&r.clauses[k], &b);
        }
        buf_release(&b);
    }
    extract_result_release(&r);
    return 0;
}
