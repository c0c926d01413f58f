/* Owns `duijie demo`: writes a synthetic Qingdao (enterprises, the demo policies, optionally
 * clauses from templates) into the store in one transaction, with progress on stderr. The
 * generating is src/demo's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "util/date.h"
#include "util/num.h"

static double seconds_since(const struct timespec *t0) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress(int64_t done, int64_t n, const struct timespec *t0, bool is_tty) {
    double s = seconds_since(t0);
    fprintf(stderr, "%s企业 / enterprises %lld/%lld (%.0f%%) %.1f s%s", is_tty ? "\r" : "",
            (long long)done, (long long)n, n ? 100.0 * (double)done / (double)n : 100.0, s,
            is_tty ? "" : "\n");
}

static int write_enterprises(struct store *s, uint64_t seed, int64_t n, struct error *err) {
    struct profile *p = malloc(sizeof *p);
    if (!p) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    struct demo_text t;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bool is_tty = isatty(2);
    int64_t step = n >= 20 ? n / 20 : 1;
    int rc = 0;
    for (int64_t i = 0; !rc && i < n; i++) {
        demo_enterprise(seed, i, p, &t);
        rc = store_put_enterprise(s, p, NULL, err);
        if ((i + 1) % step == 0 || i + 1 == n) progress(i + 1, n, &t0, is_tty);
    }
    if (is_tty) fputc('\n', stderr);
    free(p);
    return rc;
}

struct demo_args {
    int64_t n_enterprises;
    uint64_t seed;
    int n_clauses;
    const char *db, *policies;
    bool has_history; /* the year of applications and payments (off: --no-history) */
    bool has_library; /* the policy document library (off: --no-library) */
};

static int parse_args(int argc, char **argv, struct demo_args *a) {
    const char *n = cli_option(argc, argv, "--enterprises");
    const char *seed = cli_option(argc, argv, "--seed");
    const char *clauses = cli_option(argc, argv, "--clauses");
    char *end = NULL;
    a->n_enterprises = n ? strtoll(n, &end, 10) : 20000;
    if ((n && *end) || a->n_enterprises < 0 || a->n_enterprises > 100000000) return -1;
    a->seed = seed ? strtoull(seed, &end, 10) : 1;
    if (seed && *end) return -1;
    long c = clauses ? strtol(clauses, &end, 10) : 0;
    if ((clauses && *end) || c < 0 || c > 10000000) return -1;
    a->n_clauses = (int)c;
    a->db = cli_option(argc, argv, "--db");
    if (!a->db) a->db = store_default_uri();
    a->policies = cli_option(argc, argv, "--policies");
    if (!a->policies) a->policies = "data/demo/policies.json";
    a->has_history = !cli_flag(argc, argv, "--no-history");
    a->has_library = !cli_flag(argc, argv, "--no-library");
    return 0;
}

static int write_all(struct store *s, const struct demo_args *a, struct error *err) {
    int n_policies = 0, n_clauses = 0;
    int rc = write_enterprises(s, a->seed, a->n_enterprises, err);
    if (!rc) rc = demo_load_policies(s, a->policies, &n_policies, &n_clauses, err);
    if (!rc) fprintf(stderr, "政策 / policies %d, 条款 / clauses %d\n", n_policies, n_clauses);
    if (!rc && a->n_clauses) {
        rc = demo_generate_clauses(s, a->seed, a->n_clauses, err);
        if (!rc) fprintf(stderr, "模板条款 / clauses from templates %d\n", a->n_clauses);
    }
    if (!rc) rc = demo_network(s, a->seed, a->n_enterprises, 500, a->policies, err);
    if (!rc) rc = demo_dock(s, a->seed, a->n_enterprises, 200, err);
    return rc;
}

/* The past year of applications and payments, after the users it acts as. */
static int write_history(struct store *s, const struct demo_args *a, struct error *err) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct demo_history_stats st;
    int rc = demo_history(s, a->seed, a->n_enterprises, date_today(), &st, err);
    if (rc) return rc;
    if (st.is_skipped) {
        fprintf(stderr, "申报历史 / application history: 已有申请，未添加 / applications exist, "
                        "none added\n");
        return 0;
    }
    char paid[48];
    fprintf(stderr,
            "申报历史 / application history: 申请 / applications %lld (已兑现 / paid %lld, "
            "已批准 / approved %lld, 待审 / in review %lld, 退回 / returned %lld, "
            "不予通过 / rejected %lld), 免申即享 / exempt payments %lld, 兑付 / paid %s, "
            "%.1f s\n",
            (long long)st.applications, (long long)st.by_state[WF_PAID],
            (long long)st.by_state[WF_APPROVED],
            (long long)(st.by_state[WF_SUBMITTED] + st.by_state[WF_ACCEPTED] +
                        st.by_state[WF_REVIEWED]),
            (long long)st.by_state[WF_RETURNED], (long long)st.by_state[WF_REJECTED],
            (long long)st.exempt_payments, money_format(st.paid_fen, paid, sizeof paid),
            seconds_since(&t0));
    return 0;
}

/* The policy document library, written from the committed policies and clauses. */
static int write_library(struct store *s, const struct demo_args *a, struct error *err) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct demo_library_stats st;
    int rc = demo_library(s, a->seed, date_today(), &st, err);
    if (rc) return rc;
    if (st.is_skipped)
        fprintf(stderr, "政策文件库 / library: 已有文件，未添加 / documents exist, none added\n");
    else
        fprintf(stderr,
                "政策文件库 / library: 政策文件 / documents %d, 历史版本 / earlier versions %d "
                "(%d 个系列 / series), 政策解读 / interpretations %d, 申报通知 / notices %d, "
                "%.2f s\n",
                st.documents, st.old_versions, st.series, st.interpretations, st.related,
                seconds_since(&t0));
    return 0;
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The commit rebuilds the indexes after a bulk load: the part of the time that is not per row. */
static int commit(struct store *s, struct error *err) {
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double c0 = cpu_seconds();
    fprintf(stderr, "提交 / committing…\n");
    int rc = store_commit(s, err);
    if (!rc)
        fprintf(stderr, "提交 / committed in %.1f s (cpu %.1f s; total cpu %.1f s)\n",
                seconds_since(&t0), cpu_seconds() - c0, cpu_seconds());
    return rc;
}

int cli_demo(int argc, char **argv) {
    struct demo_args a;
    if (parse_args(argc, argv, &a)) {
        fprintf(stderr, "usage: duijie demo [--enterprises N] [--seed S] [--db PATH] "
                        "[--clauses N] [--policies FILE] [--no-history] [--no-library]\n");
        return 2;
    }
    struct error err;
    error_clear(&err);
    struct store *s;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (store_open(a.db, &s, &err)) {
        cli_print_error("duijie demo", &err);
        return 1;
    }
    /* a load as large as the table is faster with its indexes rebuilt once at the end */
    bool is_bulk = a.n_enterprises >= store_count_enterprises(s);
    int rc = is_bulk ? store_begin_bulk(s, &err) : store_begin(s, &err);
    if (!rc) rc = write_all(s, &a, &err);
    if (!rc) rc = commit(s, &err);
    if (!rc && a.has_library) rc = write_library(s, &a, &err);
    /* one statement at a time, outside a transaction: on PostgreSQL a user another run added at
     * the same moment must not abort the rest */
    if (!rc) rc = demo_add_users(s, a.seed, a.n_enterprises, &err);
    if (!rc)
        fprintf(stderr,
                "演示用户 / demo users: demo_<role>, 密码 / password %s "
                "(duijie user list)\n",
                DEMO_PASSWORD);
    if (!rc && a.has_history) rc = write_history(s, &a, &err);
    if (rc) {
        store_rollback(s);
        cli_print_error("duijie demo", &err);
    } else {
        printf("{\"db\":\"%s\",\"seed\":%llu,\"enterprises\":%lld,\"clauses\":%lld,"
               "\"seconds\":%.2f}\n",
               a.db, (unsigned long long)a.seed, (long long)store_count_enterprises(s),
               (long long)store_count_clauses(s), seconds_since(&t0));
    }
    store_close(s);
    return rc ? 1 : 0;
}
