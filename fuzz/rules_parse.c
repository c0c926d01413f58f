/* Fuzz target for the rule language: any bytes either compile or give an error with a position;
 * a rule that compiles must format to a rule that compiles to the same canonical text, must
 * evaluate on an empty and a full profile without crashing, and must give SQL or a clean
 * "unsupported". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"
#include "util/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct error err;
    struct rule *r = NULL;
    if (rules_compile((const char *)data, size, "fuzz", &r, &err)) {
        if (r) abort();
        if (err.code == 0) abort();
        return 0;
    }
    struct buf f1, f2;
    buf_init(&f1);
    buf_init(&f2);
    rules_format(r, &f1);
    struct rule *r2 = NULL;
    if (rules_compile(f1.data ? f1.data : "", f1.len, "fmt", &r2, &err)) abort();
    rules_format(r2, &f2);
    if (strcmp(buf_str(&f1), buf_str(&f2)) != 0) abort();
    struct profile *p = calloc(1, sizeof *p);
    struct rule_eval *e = malloc(sizeof *e);
    if (!p || !e) abort();
    profile_clear(p);
    int32_t today = date_from_ymd(2026, 6, 30);
    for (int k = 0; k < r->n_versions; k++) {
        const struct rule_version *v = &r->versions[k];
        rules_eval(v, p, e, &err);
        if (e->result != TRI_TRUE && e->result != TRI_FALSE && e->result != TRI_UNKNOWN) abort();
        struct buf a, b, c;
        buf_init(&a);
        buf_init(&b);
        buf_init(&c);
        int rc = rules_sql(v->cond, RULES_SQLITE, today, &a, &b, &c, &err);
        if (rc && rc != ERR_UNSUPPORTED) abort();
        buf_release(&a);
        buf_release(&b);
        buf_release(&c);
    }
    free(e);
    free(p);
    rules_free(r2);
    rules_free(r);
    buf_release(&f1);
    buf_release(&f2);
    return 0;
}
