/* Owns `duijie loan`, `duijie loan compare`, `duijie schedule` and `duijie match`: thin shells over
 * src/dock reading JSON files or JSON lines and printing JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dock/dock.h"
#include "text/number.h"

static int loan_usage(void) {
    fprintf(stderr, "usage: duijie loan --principal YUAN --rate-bp N --months M --method "
                    "equal-instalment|equal-principal|interest-only\n"
                    "         [--fee YUAN] [--fee-bp N] [--guarantee-bp N]\n"
                    "         [--subsidy-bp N | --subsidy-share PCT] [--subsidy-cap YUAN]\n"
                    "       duijie loan compare FILE   (JSON: enterprise, products, subsidies)\n");
    return 2;
}

/* Builds the same JSON object a file would hold from the command-line options. */
static json_t *loan_args_json(int argc, char **argv) {
    static const struct {
        const char *opt, *key;
        bool is_int;
    } map[] = {
        {"--principal", "principal", false},
        {"--rate-bp", "rate_bp", true},
        {"--months", "months", true},
        {"--method", "method", false},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        const char *v = cli_option(argc, argv, map[i].opt);
        if (!v) continue;
        char *end;
        long long n = strtoll(v, &end, 10);
        json_object_set_new(o, map[i].key,
                            map[i].is_int && *v && !*end ? json_integer(n) : json_string(v));
    }
    json_t *fees = json_object();
    const char *v;
    if ((v = cli_option(argc, argv, "--fee"))) json_object_set_new(fees, "upfront", json_string(v));
    if ((v = cli_option(argc, argv, "--fee-bp")))
        json_object_set_new(fees, "upfront_bp", json_integer(atoll(v)));
    if ((v = cli_option(argc, argv, "--guarantee-bp")))
        json_object_set_new(fees, "guarantee_bp_year", json_integer(atoll(v)));
    json_object_set_new(o, "fees", fees);
    json_t *sub = json_object();
    if ((v = cli_option(argc, argv, "--subsidy-bp")))
        json_object_set_new(sub, "rate_bp", json_integer(atoll(v)));
    if ((v = cli_option(argc, argv, "--subsidy-share")))
        json_object_set_new(sub, "share", json_string(v));
    if ((v = cli_option(argc, argv, "--subsidy-cap")))
        json_object_set_new(sub, "cap", json_string(v));
    json_object_set_new(o, "subsidy", json_object_size(sub) ? sub : json_null());
    if (!json_object_size(sub)) json_decref(sub);
    return o;
}

static int loan_one(int argc, char **argv) {
    json_t *o = loan_args_json(argc, argv);
    struct loan_terms t;
    struct loan_fees fees;
    struct loan_subsidy sub;
    bool has_sub;
    struct error err;
    error_clear(&err);
    struct loan_schedule s = {0};
    struct loan_cost c;
    int rc = loan_from_json(o, &t, &fees, &sub, &has_sub, &err);
    if (!rc) rc = loan_schedule_compute(&t, &s, &err);
    if (!rc) rc = loan_cost_compute(&t, &s, &fees, has_sub ? &sub : NULL, &c, &err);
    json_decref(o);
    if (rc) {
        cli_print_error("duijie loan", &err);
        loan_schedule_release(&s);
        return 2;
    }
    json_t *out = loan_to_json(&t, &s, &c);
    cli_print_json(out);
    json_decref(out);
    loan_schedule_release(&s);
    return 0;
}

int cli_loan(int argc, char **argv) {
    if (argc < 1 || cli_flag(argc, argv, "--help")) return loan_usage();
    return loan_one(argc, argv);
}
