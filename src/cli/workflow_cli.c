/* Owns the administrators' workflow commands: `duijie applications` (list or export the
 * applications, --export FILE.xlsx|.csv), `duijie exempt-batch CLAUSE_ID…|--all` (免申即享
 * batches from the matching engine's eligible set, one index load for all of them) and
 * `duijie money --by X` (paid totals). They act as the administrator; the rules are
 * src/workflow's. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "export/export.h"
#include "index/index.h"
#include "store/store.h"
#include "util/date.h"
#include "workflow/workflow.h"

static const struct actor admin = {
    .user_id = 0, .role = ROLE_ADMIN, .username = "cli", .region = -1};

static int open_db(int argc, char **argv, struct store **s) {
    const char *db = cli_option(argc, argv, "--db");
    struct error err;
    if (store_open(db ? db : store_default_uri(), s, &err)) {
        cli_print_error("duijie", &err);
        return 2;
    }
    return 0;
}

static const struct export_column cols[] = {
    {"id", "申请编号", EXPORT_INT},
    {"enterprise_name", "企业名称", EXPORT_TEXT},
    {"uscc", "统一社会信用代码", EXPORT_TEXT},
    {"clause_title", "条款", EXPORT_TEXT},
    {"department", "主管部门", EXPORT_TEXT},
    {"state_label", "状态", EXPORT_TEXT},
    {"computed_fen", "测算金额(元)", EXPORT_MONEY},
    {"amount_fen", "批准金额(元)", EXPORT_MONEY},
    {"paid_on", "兑现日期", EXPORT_DATE},
    {"payment_ref", "支付凭证号", EXPORT_TEXT},
};

int cli_applications(int argc, char **argv) {
    struct workflow_query q = {.state = -1, .limit = 10000};
    const char *st = cli_option(argc, argv, "--state");
    const char *clause = cli_option(argc, argv, "--clause");
    const char *out = cli_option(argc, argv, "--export");
    if (st && (q.state = workflow_state_from_key(st)) < 0) {
        fprintf(stderr, "duijie applications: 未知状态 / unknown state %s\n", st);
        return 2;
    }
    q.clause_id = clause ? strtoll(clause, NULL, 10) : 0;
    q.is_overdue = cli_flag(argc, argv, "--overdue");
    struct store *s;
    if (open_db(argc, argv, &s)) return 2;
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    int rc = workflow_list(s, &admin, &q, (int64_t)time(NULL), &rows, &total, &err);
    if (!rc && out) {
        size_t n = strlen(out);
        enum export_format f =
            n > 5 && strcmp(out + n - 5, ".xlsx") == 0 ? EXPORT_XLSX : EXPORT_CSV;
        char *buf = NULL;
        size_t len = 0;
        rc = export_json(cols, (int)(sizeof cols / sizeof *cols), rows, "applications", f, &buf,
                         &len, &err);
        FILE *fp = rc ? NULL : fopen(out, "wb");
        if (!rc && (!fp || fwrite(buf, 1, len, fp) != len))
            rc = error_set(&err, ERR_IO, "无法写入 %s", "cannot write %s", out);
        if (fp) fclose(fp);
        free(buf);
        if (!rc) fprintf(stderr, "%lld 条申请 / applications → %s\n", (long long)total, out);
    } else if (!rc) {
        size_t i;
        json_t *v;
        json_array_foreach(rows, i, v) cli_print_json(v);
    }
    json_decref(rows);
    store_close(s);
    if (rc) cli_print_error("duijie applications", &err);
    return rc ? 1 : 0;
}

/* The published 免申即享 clauses (every policy), into ids (malloc'd). */
static int exempt_clauses(struct store *s, int64_t **ids, int *n, struct error *err) {
    struct arena a;
    arena_init(&a, 1 << 14);
    struct policy *ps = NULL;
    int n_ps = 0;
    int rc = store_list_policies(s, POLICY_PUBLISHED, &a, &ps, &n_ps, err);
    *ids = NULL;
    *n = 0;
    int cap = 0;
    for (int i = 0; !rc && i < n_ps; i++) {
        struct clause *cs;
        int n_cs;
        rc = store_list_clauses(s, ps[i].id, POLICY_PUBLISHED, &a, &cs, &n_cs, err);
        for (int j = 0; !rc && j < n_cs; j++) {
            if (!cs[j].is_exempt) continue;
            if (*n == cap) {
                cap = cap ? 2 * cap : 16;
                int64_t *p = realloc(*ids, (size_t)cap * sizeof *p);
                if (!p) {
                    rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
                    break;
                }
                *ids = p;
            }
            (*ids)[(*n)++] = cs[j].id;
        }
    }
    arena_release(&a);
    return rc;
}

/* One index for every clause named (or, with --all, every published 免申即享 clause): the load
 * is the expensive part (seconds at 2,000,000 enterprises), a batch is one bitmap evaluation. */
int cli_exempt_batch(int argc, char **argv) {
    bool is_all = cli_flag(argc, argv, "--all");
    if (!is_all && (argc < 1 || argv[0][0] == '-')) {
        fprintf(stderr, "usage: duijie exempt-batch CLAUSE_ID… | --all [--date D] [--db URI]\n");
        return 2;
    }
    int32_t today = date_today();
    const char *d = cli_option(argc, argv, "--date");
    struct error err;
    if (d && date_parse(d, strlen(d), &today, &err)) {
        cli_print_error("duijie exempt-batch", &err);
        return 2;
    }
    int64_t *ids = NULL;
    int n = 0;
    for (int i = 0; !is_all && i < argc && argv[i][0] != '-'; i++) {
        char *end;
        long long v = strtoll(argv[i], &end, 10);
        if (*end || v <= 0) {
            fprintf(stderr, "duijie exempt-batch: 条款编号无效 / not a clause id: %s\n", argv[i]);
            free(ids);
            return 2;
        }
        int64_t *p = realloc(ids, (size_t)(n + 1) * sizeof *p);
        if (!p) {
            free(ids);
            return 2;
        }
        ids = p;
        ids[n++] = v;
    }
    struct store *s;
    if (open_db(argc, argv, &s)) {
        free(ids);
        return 2;
    }
    int rc = is_all ? exempt_clauses(s, &ids, &n, &err) : 0;
    struct index_gen *g = NULL;
    if (!rc && n) rc = index_load(s, today, &g, &err);
    int n_bad = rc ? 1 : 0;
    if (rc) cli_print_error("duijie exempt-batch", &err);
    for (int i = 0; !rc && i < n; i++) {
        int64_t id = 0;
        json_t *o = NULL;
        int r = workflow_exempt_create(s, &admin, ids[i], g, today, (int64_t)time(NULL), &id, &err);
        if (!r) r = workflow_exempt_get(s, &admin, id, 0, 0, &o, &err);
        if (!r) {
            json_object_del(o, "entries");
            cli_print_json(o);
        } else if (is_all && r == ERR_CONFLICT) { /* --all: a clause with an open batch */
            fprintf(stderr, "clause %lld: %s / %s (skipped)\n", (long long)ids[i], err.zh, err.en);
        } else {
            fprintf(stderr, "clause %lld: ", (long long)ids[i]);
            cli_print_error("duijie exempt-batch", &err);
            n_bad++;
        }
        json_decref(o);
    }
    if (!rc && !n) fprintf(stderr, "duijie exempt-batch: 没有免申即享条款 / no 免申即享 clause\n");
    if (g) index_gen_release(g);
    free(ids);
    store_close(s);
    return n_bad ? 1 : 0;
}

int cli_money(int argc, char **argv) {
    const char *by = cli_option(argc, argv, "--by");
    struct store *s;
    if (open_db(argc, argv, &s)) return 2;
    json_t *o = NULL;
    struct error err;
    int rc = workflow_stats(s, &admin, by ? by : "clause", &o, &err);
    if (!rc) cli_print_json(o);
    json_decref(o);
    store_close(s);
    if (rc) cli_print_error("duijie money", &err);
    return rc ? 1 : 0;
}
