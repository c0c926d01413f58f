/* Tests for the SQLite store: round trips by USCC with history years, updates, listing filters and
 * pages, scans, transactions that roll back, migrations, and the clause store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"
#include "test.h"

static char tmp_dir[64];

/* A fresh database file in its own temporary folder. */
static struct store *open_temp(char *path, size_t n) {
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/duijie-store-XXXXXX");
    if (!mkdtemp(tmp_dir)) return NULL;
    snprintf(path, n, "%s/t.db", tmp_dir);
    struct store *s = NULL;
    struct error err;
    if (store_open(path, &s, &err)) return NULL;
    return s;
}

static void remove_temp(const char *path) {
    char p[128];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    rmdir(tmp_dir);
}

/* A valid USCC for county `county` and serial i. */
static void make_uscc(char out[19], const char *county, int i) {
    snprintf(out, 19, "91%sMA%07d", county, i);
    out[17] = uscc_check_char(out);
    out[18] = 0;
}

static int load_profile(struct profile *p, struct arena *a, const char *json) {
    json_error_t je;
    json_t *o = json_loads(json, 0, &je);
    if (!o) return -1;
    struct field_errors errs = {0};
    profile_clear(p);
    int bad = profile_from_json(p, o, a, &errs);
    json_decref(o);
    return bad;
}

static int put_json(struct store *s, const char *json, int64_t *id) {
    struct arena a;
    arena_init(&a, 4096);
    struct profile *p = malloc(sizeof *p);
    struct error err;
    int rc = load_profile(p, &a, json);
    if (!rc) rc = store_put_enterprise(s, p, id, &err);
    free(p);
    arena_release(&a);
    return rc;
}

TEST(store_migrates_and_reopens) {
    char path[128];
    struct store *s = open_temp(path, sizeof path);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    CHECK_INT(store_kind(s), STORE_SQLITE);
    store_close(s);
    struct error err;
    CHECK_INT(store_open(path, &s, &err), 0);
    CHECK_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    store_close(s);
    /* a file from a newer duijie is refused, not misread */
    sqlite3 *db;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", NULL, NULL, NULL);
    sqlite3_close(db);
    CHECK_INT(store_open(path, &s, &err), ERR_UNSUPPORTED);
    CHECK(s == NULL);
    remove_temp(path);
}

TEST(store_rejects_bad_uri_and_uscc) {
    struct store *s;
    struct error err;
    CHECK_INT(store_open("postgres://x", &s, &err), ERR_UNSUPPORTED);
    char path[128];
    s = open_temp(path, sizeof path);
    if (!s) return;
    CHECK_INT(put_json(s, "{\"uscc\": \"91350100M000100Y44\", \"name\": \"x\"}", NULL),
              ERR_INVALID);
    CHECK_INT(put_json(s, "{\"name\": \"no code\"}", NULL), ERR_INVALID);
    CHECK_INT(store_count_enterprises(s), 0);
    store_close(s);
    remove_temp(path);
}

TEST(store_put_get_update_history) {
    char path[128], code[19], json[1024];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    make_uscc(code, "370212", 1);
    snprintf(json, sizeof json,
             "{\"uscc\": \"%s\", \"企业名称\": \"青岛海瑞软件有限公司\", \"注册地\": "
             "\"崂山区沙子口街道\", \"行业\": \"6513\", \"从业人员\": 120, \"营业收入\": "
             "\"5000万元\", \"资产总额\": \"3000万元\", \"研发费用\": \"400万元\", \"资质\": "
             "\"高新技术企业、瞪羚企业\", \"失信\": \"否\", \"成立日期\": \"2015-03-01\", "
             "\"fiscal_year\": 2025, \"history\": {\"2024\": {\"营业收入\": \"4000万元\", "
             "\"研发费用\": \"300万元\"}, \"2023\": {\"营业收入\": \"3000万元\", \"研发费用\": "
             "\"200万元\"}}}",
             code);
    int64_t id = 0, id2 = 0;
    CHECK_INT(put_json(s, json, &id), 0);
    CHECK(id > 0);
    struct arena a;
    arena_init(&a, 4096);
    struct profile *p = malloc(sizeof *p);
    struct error err;
    CHECK_INT(store_get_enterprise(s, code, p, &a, &id2, &err), 0);
    CHECK_INT(id2, id);
    CHECK_STR(p->v[F_NAME].s, "青岛海瑞软件有限公司");
    CHECK_INT(region_at((int)p->v[F_REGION].i)->code, 370212002); /* 沙子口街道 */
    CHECK_STR(industry_at((int)p->v[F_INDUSTRY].i)->code, "6513");
    CHECK_INT(p->v[F_REVENUE].i, 5000000000LL);
    CHECK_INT(p->v[F_QUALIFICATIONS].i, (1 << 0) | (1 << 5));
    CHECK_INT(p->v[F_DISHONEST].i, 0);
    CHECK(p->v[F_DISHONEST].has);
    CHECK(!p->v[F_TAX_PAID].has);
    CHECK_INT(p->fiscal_year, 2025);
    CHECK_INT(p->hist[0][F_REVENUE].i, 4000000000LL);
    CHECK_INT(p->hist[1][F_RD_EXPENSE].i, 200000000LL);
    CHECK(!p->hist[1][F_EMPLOYEES].has);
    CHECK(p->v[F_SIZE].has);
    CHECK_INT(p->v[F_SIZE].i, SIZE_MEDIUM); /* 软件: 100+ staff, 1000万+ */
    CHECK_INT(p->v[F_RD_EXPENSE_3Y].i, 900000000LL);
    /* update by USCC: same id, new values, history replaced */
    snprintf(json, sizeof json,
             "{\"uscc\": \"%s\", \"name\": \"青岛海瑞软件股份有限公司\", \"region\": \"370212\", "
             "\"industry\": \"65\", \"fiscal_year\": 2025}",
             code);
    CHECK_INT(put_json(s, json, &id2), 0);
    CHECK_INT(id2, id);
    CHECK_INT(store_count_enterprises(s), 1);
    CHECK_INT(store_get_enterprise(s, code, p, &a, NULL, &err), 0);
    CHECK_STR(p->v[F_NAME].s, "青岛海瑞软件股份有限公司");
    CHECK(!p->v[F_REVENUE].has);
    CHECK(!p->hist[0][F_REVENUE].has);
    CHECK(!p->v[F_QUALIFICATIONS].has);
    CHECK_INT(store_get_enterprise(s, "91350100M000100Y43", p, &a, NULL, &err), ERR_NOTFOUND);
    char lower[40];
    snprintf(lower, sizeof lower, " %s", code);
    for (char *c = lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    CHECK_INT(store_get_enterprise(s, lower, p, &a, NULL, &err), 0); /* normalised first */
    snprintf(json, sizeof json, "{\"uscc\": \"%s\", \"name\": \"小写\"}", lower);
    CHECK_INT(put_json(s, json, &id2), 0); /* stored normalised: the same enterprise */
    CHECK_INT(id2, id);
    CHECK_INT(store_count_enterprises(s), 1);
    free(p);
    arena_release(&a);
    store_close(s);
    remove_temp(path);
}

/* Twelve enterprises over three districts, two industries, two sizes. */
static void fill_list_fixture(struct store *s) {
    static const char *const regions[] = {"370212001", "370212", "370202"};
    static const char *const inds[] = {"3911", "5211"};
    for (int i = 0; i < 12; i++) {
        char code[19], json[512];
        make_uscc(code, i % 3 == 2 ? "370202" : "370212", i + 10);
        snprintf(json, sizeof json,
                 "{\"uscc\": \"%s\", \"name\": \"青岛测试%s%d有限公司\", \"region\": \"%s\", "
                 "\"industry\": \"%s\", \"employees\": %d, \"revenue\": \"%d万元\"}",
                 code, i % 2 ? "商贸" : "电子", i, regions[i % 3], inds[i % 2], i < 6 ? 5 : 150,
                 i < 6 ? 50 : 30000);
        put_json(s, json, NULL);
    }
}

static int64_t list_total(struct store *s, struct enterprise_query q) {
    struct arena a;
    arena_init(&a, 4096);
    struct enterprise_list l;
    struct error err;
    int rc = store_list_enterprises(s, &q, &a, &l, &err);
    arena_release(&a);
    return rc ? rc : l.total;
}

TEST(store_list_filters_and_pages) {
    char path[128];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    fill_list_fixture(s);
    struct error err;
    struct enterprise_query all = {NULL, -1, -1, -1, 1, 5};
    CHECK_INT(list_total(s, all), 12);
    struct enterprise_query q = all;
    q.region = region_find("崂山区", strlen("崂山区"), &err);
    CHECK_INT(list_total(s, q), 8); /* the district and the town within it */
    q.region = region_find("370212001", 9, &err);
    CHECK_INT(list_total(s, q), 4);
    q.region = region_find("青岛市", strlen("青岛市"), &err);
    CHECK_INT(list_total(s, q), 12);
    q.region = region_find("山东省", strlen("山东省"), &err);
    CHECK_INT(list_total(s, q), 12);
    q = all;
    q.industry = industry_find("C", 1, NULL, &err);
    CHECK_INT(list_total(s, q), 6);
    q.industry = industry_find("39", 2, NULL, &err);
    CHECK_INT(list_total(s, q), 6);
    q.industry = industry_find("391", 3, NULL, &err);
    CHECK_INT(list_total(s, q), 6);
    q.industry = industry_find("3912", 4, NULL, &err);
    CHECK_INT(list_total(s, q), 0);
    q.industry = industry_find("F", 1, NULL, &err);
    q.size = SIZE_MICRO;
    CHECK_INT(list_total(s, q), 3);
    q = all;
    q.q = "商贸";
    CHECK_INT(list_total(s, q), 6);
    q.q = "91370202";
    CHECK_INT(list_total(s, q), 4);
    q.q = "91370202ma"; /* a USCC prefix, any case: the index range */
    CHECK_INT(list_total(s, q), 4);
    q.q = "91370202MA00000";
    CHECK_INT(list_total(s, q), 4);
    q.q = "91370202MA1";
    CHECK_INT(list_total(s, q), 0);
    q.q = "%";
    CHECK_INT(list_total(s, q), 0);
    /* pages: 5 + 5 + 2, in id order, nothing twice */
    struct arena a;
    arena_init(&a, 4096);
    struct enterprise_list l;
    int64_t last = 0;
    int seen = 0;
    for (int page = 1; page <= 3; page++) {
        all.page = page;
        CHECK_INT(store_list_enterprises(s, &all, &a, &l, &err), 0);
        CHECK_INT(l.n, page < 3 ? 5 : 2);
        for (int i = 0; i < l.n; i++) {
            CHECK(l.rows[i].id > last);
            last = l.rows[i].id;
            CHECK(l.rows[i].region >= 0 && l.rows[i].industry >= 0 && l.rows[i].size >= 0);
            CHECK(strstr(l.rows[i].name, "青岛测试") != NULL);
            seen++;
        }
    }
    CHECK_INT(seen, 12);
    all.page_size = 500;
    CHECK_INT(store_list_enterprises(s, &all, &a, &l, &err), ERR_RANGE);
    arena_release(&a);
    store_close(s);
    remove_temp(path);
}

struct scan_ctx {
    int64_t last_id;
    int n, stop_at;
    bool is_ordered, has_text;
};

static int scan_cb(void *ctx, int64_t id, const struct profile *p) {
    struct scan_ctx *c = ctx;
    c->is_ordered &= id > c->last_id;
    c->has_text &= p->v[F_USCC].has && strlen(p->v[F_USCC].s) == 18 && p->v[F_NAME].has;
    c->last_id = id;
    return ++c->n == c->stop_at;
}

TEST(store_scan_in_id_order) {
    char path[128];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    fill_list_fixture(s);
    struct error err;
    struct scan_ctx c = {0, 0, -1, true, true};
    CHECK_INT(store_scan_enterprises(s, scan_cb, &c, &err), 0);
    CHECK_INT(c.n, 12);
    CHECK(c.is_ordered);
    CHECK(c.has_text);
    struct scan_ctx stop = {0, 0, 4, true, true};
    CHECK_INT(store_scan_enterprises(s, scan_cb, &stop, &err), 0);
    CHECK_INT(stop.n, 4);
    store_close(s);
    remove_temp(path);
}

TEST(store_rollback_leaves_store_as_before) {
    char path[128], code[19], json[256];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    fill_list_fixture(s);
    struct error err;
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(store_begin(s, &err), ERR_CONFLICT);
    for (int i = 0; i < 5; i++) {
        make_uscc(code, "370214", 100 + i);
        snprintf(json, sizeof json, "{\"uscc\": \"%s\", \"revenue\": \"1万元\"}", code);
        CHECK_INT(put_json(s, json, NULL), 0);
    }
    CHECK_INT(store_count_enterprises(s), 17);
    CHECK_INT(store_rollback(s), 0);
    CHECK_INT(store_count_enterprises(s), 12);
    CHECK_INT(store_commit(s, &err), ERR_CONFLICT);
    /* committed writes stay */
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(put_json(s, json, NULL), 0);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(store_count_enterprises(s), 13);
    store_close(s);
    remove_temp(path);
}

static struct policy demo_policy(const char *code, int status) {
    return (struct policy){
        0,     code, "青科规〔2025〕3号",        "高企培育措施", "青岛市科学技术局",
        "市",  -1,   date_from_ymd(2025, 3, 18), STORE_NO_DATE,  status,
        "全文"};
}

TEST(store_policies_and_clauses) {
    char path[128];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    struct error err;
    struct policy p = demo_policy("QDKJ-2025-03", POLICY_PUBLISHED);
    p.region = region_find("青岛市", strlen("青岛市"), &err);
    CHECK_INT(store_put_policy(s, &p, &err), 0);
    CHECK(p.id > 0);
    struct policy draft = demo_policy("QDKJ-2025-04", POLICY_DRAFT);
    CHECK_INT(store_put_policy(s, &draft, &err), 0);
    int64_t first = p.id;
    p.title = "高企培育措施(修订)";
    CHECK_INT(store_put_policy(s, &p, &err), 0); /* same code: an update */
    CHECK_INT(p.id, first);
    struct clause c = {0,
                       p.id,
                       1,
                       "高企认定奖励",
                       "奖励20万元",
                       "资质 包含 \"高新技术企业\"",
                       "奖励",
                       true,
                       1,
                       date_from_ymd(2025, 4, 18),
                       STORE_NO_DATE,
                       date_from_ymd(2026, 12, 31),
                       POLICY_PUBLISHED,
                       20000000};
    CHECK_INT(store_put_clause(s, &c, &err), 0);
    int64_t cid = c.id;
    struct clause c2 = c;
    c2.id = 0;
    c2.seq = 2;
    c2.award_cap_fen = -1;
    c2.status = POLICY_DRAFT;
    CHECK_INT(store_put_clause(s, &c2, &err), 0);
    CHECK(c2.id != cid);
    struct clause orphan = c;
    orphan.id = 0;
    orphan.policy_id = 999;
    CHECK_INT(store_put_clause(s, &orphan, &err), ERR_CONFLICT); /* foreign keys are on */
    CHECK_INT(store_count_clauses(s), 2);

    struct arena a;
    arena_init(&a, 4096);
    struct policy got;
    CHECK_INT(store_get_policy(s, first, &got, &a, &err), 0);
    CHECK_STR(got.title, "高企培育措施(修订)");
    CHECK_STR(got.doc_no, "青科规〔2025〕3号");
    CHECK_INT(region_at(got.region)->code, 370200);
    CHECK_INT(got.published, date_from_ymd(2025, 3, 18));
    CHECK_INT(got.deadline, STORE_NO_DATE);
    struct policy *ps;
    int n;
    CHECK_INT(store_list_policies(s, POLICY_PUBLISHED, &a, &ps, &n, &err), 0);
    CHECK_INT(n, 1);
    CHECK_INT(store_set_policy_status(s, draft.id, POLICY_PUBLISHED, &err), 0);
    CHECK_INT(store_list_policies(s, POLICY_PUBLISHED, &a, &ps, &n, &err), 0);
    CHECK_INT(n, 2);
    CHECK_INT(store_set_policy_status(s, 12345, POLICY_EXPIRED, &err), ERR_NOTFOUND);
    CHECK_INT(store_set_policy_status(s, first, 7, &err), ERR_RANGE);

    struct clause got_c, *cs;
    CHECK_INT(store_get_clause(s, cid, &got_c, &a, &err), 0);
    CHECK_STR(got_c.rule, "资质 包含 \"高新技术企业\"");
    CHECK_INT(got_c.award_cap_fen, 20000000);
    CHECK(got_c.is_exempt);
    CHECK_INT(got_c.valid_to, STORE_NO_DATE);
    CHECK_INT(got_c.deadline, date_from_ymd(2026, 12, 31));
    CHECK_INT(store_list_clauses(s, first, POLICY_PUBLISHED, &a, &cs, &n, &err), 0);
    CHECK_INT(n, 1);
    CHECK_INT(store_list_clauses(s, 0, -1, &a, &cs, &n, &err), 0);
    CHECK_INT(n, 2);
    CHECK_INT(cs[1].award_cap_fen, -1);
    got_c.version = 2;
    got_c.rule = "资质 包含 \"高新技术企业\" 且 非 失信";
    CHECK_INT(store_put_clause(s, &got_c, &err), 0); /* by id: an update */
    CHECK_INT(store_get_clause(s, cid, &got_c, &a, &err), 0);
    CHECK_INT(got_c.version, 2);
    CHECK_INT(store_set_clause_status(s, cid, POLICY_EXPIRED, &err), 0);
    CHECK_INT(store_list_clauses(s, 0, POLICY_PUBLISHED, &a, &cs, &n, &err), 0);
    CHECK_INT(n, 0);
    CHECK_INT(store_get_clause(s, 4242, &got_c, &a, &err), ERR_NOTFOUND);
    arena_release(&a);
    store_close(s);
    remove_temp(path);
}

static int count_indexes(const char *path) {
    sqlite3 *db;
    sqlite3_stmt *st;
    int n = -1;
    sqlite3_open(path, &db);
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                           "'enterprise' AND sql IS NOT NULL",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

TEST(store_bulk_rebuilds_indexes_and_rolls_back) {
    char path[128], code[19], json[256];
    struct store *s = open_temp(path, sizeof path);
    if (!s) return;
    fill_list_fixture(s);
    int n_indexes = count_indexes(path);
    CHECK(n_indexes >= 10);
    struct error err;
    CHECK_INT(store_begin_bulk(s, &err), 0);
    for (int i = 0; i < 5; i++) {
        make_uscc(code, "370215", 200 + i);
        snprintf(json, sizeof json, "{\"uscc\": \"%s\", \"region\": \"即墨区\"}", code);
        CHECK_INT(put_json(s, json, NULL), 0);
    }
    CHECK_INT(store_rollback(s), 0);
    CHECK_INT(store_count_enterprises(s), 12);
    CHECK_INT(count_indexes(path), n_indexes);
    CHECK_INT(store_begin_bulk(s, &err), 0);
    CHECK_INT(put_json(s, json, NULL), 0);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(count_indexes(path), n_indexes);
    struct enterprise_query q = {NULL, region_find("即墨区", strlen("即墨区"), &err), -1, -1, 1,
                                 10};
    CHECK_INT(list_total(s, q), 1);
    store_close(s);
    remove_temp(path);
}
