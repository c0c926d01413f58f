/* Tests for the store, each run on SQLite and on PostgreSQL: round trips by USCC with history
 * years, updates, listing filters and pages, scans, transactions that roll back, migrations, and
 * the clause store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"
#include "test.h"
#include "tstore.h"

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

STORE_TEST(migrates_and_reopens) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    CHECK_INT(store_kind(s), t->is_pg ? STORE_POSTGRES : STORE_SQLITE);
    store_close(s);
    struct error err;
    CHECK_INT(store_open(t->path, &s, &err), 0);
    CHECK_INT(store_schema_version(s), STORE_SCHEMA_VERSION);
    /* a second connection while the first is open (another replica) finds nothing to migrate */
    struct store *s2 = NULL;
    CHECK_INT(store_open(t->path, &s2, &err), 0);
    CHECK_INT(store_schema_version(s2), STORE_SCHEMA_VERSION);
    store_close(s2);
    store_close(s);
    /* a database from a newer duijie is refused, not misread */
    raw_exec(t, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    CHECK_INT(store_open(t->path, &s, &err), ERR_UNSUPPORTED);
    CHECK(s == NULL);
    remove_temp(t);
}

STORE_TEST(rejects_bad_uri_and_uscc) {
    struct store *s;
    struct error err;
    CHECK(store_open("postgres://127.0.0.1:1/none?connect_timeout=2", &s, &err) < 0);
    CHECK(s == NULL);
    CHECK_INT(store_open("", &s, &err), ERR_INVALID);
    s = open_temp(t);
    if (!s) return;
    CHECK_INT(put_json(s, "{\"uscc\": \"91350100M000100Y44\", \"name\": \"x\"}", NULL),
              ERR_INVALID);
    CHECK_INT(put_json(s, "{\"name\": \"no code\"}", NULL), ERR_INVALID);
    CHECK_INT(store_count_enterprises(s), 0);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(put_get_update_history) {
    char code[19], json[1024];
    struct store *s = open_temp(t);
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
    /* a new enterprise right after an update (the SQLite store then tries the upsert first) is
     * still told new: its qualifications and years are all written */
    char code2[19];
    make_uscc(code2, "370212", 2);
    snprintf(json, sizeof json,
             "{\"uscc\": \"%s\", \"name\": \"青岛新企业\", \"营业收入\": \"900万元\", \"资质\": "
             "\"高新技术企业、瞪羚企业\", \"fiscal_year\": 2025, \"history\": {\"2024\": "
             "{\"营业收入\": \"800万元\"}, \"2023\": {\"营业收入\": \"700万元\"}}}",
             code2);
    CHECK_INT(put_json(s, json, &id2), 0);
    CHECK(id2 > id);
    CHECK_INT(store_count_enterprises(s), 2);
    CHECK_INT(store_get_enterprise(s, code2, p, &a, NULL, &err), 0);
    CHECK_INT(p->v[F_QUALIFICATIONS].i, (1 << 0) | (1 << 5));
    CHECK_INT(p->v[F_REVENUE].i, 900000000LL);
    CHECK_INT(p->hist[0][F_REVENUE].i, 800000000LL);
    CHECK_INT(p->hist[1][F_REVENUE].i, 700000000LL);
    CHECK_INT(p->v[F_REVENUE_3Y].i, 2400000000LL);
    free(p);
    arena_release(&a);
    store_close(s);
    remove_temp(t);
}

/* Many at once (a page of a clause's enterprises) reads what one at a time reads. */
STORE_TEST(get_many_as_one) {
    struct store *s = open_temp(t);
    if (!s) return;
    char codes[3][19], json[1024];
    for (int i = 0; i < 2; i++) {
        make_uscc(codes[i], "370212", 40 + i);
        snprintf(json, sizeof json,
                 "{\"uscc\": \"%s\", \"企业名称\": \"青岛批量读取%d有限公司\", \"从业人员\": %d, "
                 "\"营业收入\": \"%d万元\", \"资质\": \"高新技术企业\", \"fiscal_year\": 2025, "
                 "\"history\": {\"2024\": {\"营业收入\": \"%d万元\"}, \"2023\": {\"研发费用\": "
                 "\"%d万元\"}}}",
                 codes[i], i, 10 + i, 900 + i, 800 + i, 70 + i);
        CHECK_INT(put_json(s, json, NULL), 0);
    }
    make_uscc(codes[2], "370212", 49); /* never stored */
    const char *ask[] = {codes[1], codes[2], codes[0]};
    struct profile *many = malloc(3 * sizeof *many), *one = malloc(sizeof *one);
    bool found[3];
    struct arena a;
    arena_init(&a, 4096);
    struct error err;
    CHECK_INT(store_get_enterprises(s, ask, 3, many, found, &a, &err), 0);
    CHECK(found[0] && !found[1] && found[2]);
    for (int k = 0; k < 3; k += 2) {
        CHECK_INT(store_get_enterprise(s, ask[k], one, &a, NULL, &err), 0);
        CHECK_STR(many[k].v[F_NAME].s, one->v[F_NAME].s);
        CHECK_STR(many[k].v[F_USCC].s, ask[k]);
        CHECK_INT(many[k].v[F_EMPLOYEES].i, one->v[F_EMPLOYEES].i);
        CHECK_INT(many[k].v[F_REVENUE].i, one->v[F_REVENUE].i);
        CHECK_INT(many[k].v[F_QUALIFICATIONS].i, one->v[F_QUALIFICATIONS].i);
        CHECK_INT(many[k].v[F_SIZE].i, one->v[F_SIZE].i);
        CHECK_INT(many[k].fiscal_year, 2025);
        CHECK(many[k].hist[0][F_REVENUE].has && !many[k].hist[1][F_REVENUE].has);
        CHECK_INT(many[k].hist[0][F_REVENUE].i, one->hist[0][F_REVENUE].i);
        CHECK_INT(many[k].hist[1][F_RD_EXPENSE].i, one->hist[1][F_RD_EXPENSE].i);
    }
    CHECK_INT(many[0].hist[0][F_REVENUE].i, 801 * 1000000LL);
    CHECK_INT(many[2].hist[1][F_RD_EXPENSE].i, 70 * 1000000LL);
    CHECK_INT(store_get_enterprises(s, ask, 0, many, found, &a, &err), 0);
    free(many);
    free(one);
    arena_release(&a);
    store_close(s);
    remove_temp(t);
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

STORE_TEST(list_filters_and_pages) {
    struct store *s = open_temp(t);
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
    remove_temp(t);
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

STORE_TEST(scan_in_id_order) {
    struct store *s = open_temp(t);
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
    remove_temp(t);
}

STORE_TEST(rollback_leaves_store_as_before) {
    char code[19], json[256];
    struct store *s = open_temp(t);
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
    remove_temp(t);
}

static struct policy demo_policy(const char *code, int status) {
    return (struct policy){
        0,     code, "青科规〔2025〕3号",        "高企培育措施", "青岛市科学技术局",
        "市",  -1,   date_from_ymd(2025, 3, 18), STORE_NO_DATE,  status,
        "全文"};
}

STORE_TEST(policies_and_clauses) {
    struct store *s = open_temp(t);
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
    remove_temp(t);
}

/* The enterprise table's indexes, as the database lists them. */
static int count_indexes(const struct tstore *t) {
    int n = -1;
    if (t->is_pg) {
        PGconn *c = PQconnectdb(t->path);
        /* and the indexes and foreign keys of the tables beside it, which a bulk load drops too */
        PGresult *r = PQexec(c, "SELECT (SELECT count(*) FROM pg_indexes WHERE tablename LIKE "
                                "'enterprise%' AND schemaname = current_schema()) + (SELECT "
                                "count(*) FROM pg_constraint WHERE confrelid = "
                                "'enterprise'::regclass)");
        if (PQresultStatus(r) == PGRES_TUPLES_OK) n = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        PQfinish(c);
        return n;
    }
    sqlite3 *db;
    sqlite3_stmt *st;
    sqlite3_open(t->path, &db);
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

STORE_TEST(bulk_rebuilds_indexes_and_rolls_back) {
    char code[19], json[256];
    struct store *s = open_temp(t);
    if (!s) return;
    fill_list_fixture(s);
    int n_indexes = count_indexes(t);
    CHECK(n_indexes >= 2); /* region_code, industry (schema 3) */
    struct error err;
    CHECK_INT(store_begin_bulk(s, &err), 0);
    for (int i = 0; i < 5; i++) {
        make_uscc(code, "370215", 200 + i);
        snprintf(json, sizeof json, "{\"uscc\": \"%s\", \"region\": \"即墨区\"}", code);
        CHECK_INT(put_json(s, json, NULL), 0);
    }
    CHECK_INT(store_rollback(s), 0);
    CHECK_INT(store_count_enterprises(s), 12);
    CHECK_INT(count_indexes(t), n_indexes);
    CHECK_INT(store_begin_bulk(s, &err), 0);
    CHECK_INT(put_json(s, json, NULL), 0);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(count_indexes(t), n_indexes);
    struct enterprise_query q = {NULL, region_find("即墨区", strlen("即墨区"), &err), -1, -1, 1,
                                 10};
    CHECK_INT(list_total(s, q), 1);
    store_close(s);
    remove_temp(t);
}

static void sleep_ms(int ms) {
    nanosleep(&(struct timespec){ms / 1000, (long)(ms % 1000) * 1000000L}, NULL);
}

/* Waits up to ms for the watch's version to pass v (and the watch to be connected). */
static bool watch_moves(struct store_watch *w, uint64_t v, int ms) {
    for (int i = 0; i < ms / 20; i++) {
        if (store_watch_version(w) > v && store_watch_is_connected(w)) return true;
        sleep_ms(20);
    }
    return false;
}

/* A write on one connection is heard by another replica's watch; a watch whose connection is cut
 * says so, reconnects, and moves its version (what happened meanwhile was not heard). */
TEST(store_pg_watch_hears_writes_and_reconnects) {
    struct store_watch *w;
    struct error err;
    CHECK_INT(store_watch_new("data/duijie.db", &w, &err), ERR_UNSUPPORTED);
    if (!getenv("DUIJIE_PG_URI")) {
        test_skip("DUIJIE_PG_URI not set (tests/sh/store_pg.sh sets it)");
        return;
    }
    struct tstore t = {.is_pg = true};
    struct store *s = open_temp(&t);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_INT(store_watch_new(t.path, &w, &err), 0);
    CHECK(watch_moves(w, 0, 5000));
    sleep_ms(200);
    uint64_t v = store_watch_version(w);
    fill_list_fixture(s); /* twelve enterprises */
    CHECK(watch_moves(w, v, 3000));
    sleep_ms(200);
    v = store_watch_version(w);
    struct policy p = demo_policy("QDKJ-2025-09", POLICY_DRAFT);
    CHECK_INT(store_put_policy(s, &p, &err), 0);
    CHECK(watch_moves(w, v, 3000));
    sleep_ms(200);
    v = store_watch_version(w);
    raw_exec(&t, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN "
                 "duijie_change' AND pid <> pg_backend_pid()");
    bool is_lost = false;
    for (int i = 0; i < 100 && !is_lost; i++, sleep_ms(20))
        is_lost = !store_watch_is_connected(w);
    CHECK(is_lost);
    CHECK(watch_moves(w, v, 5000)); /* back, and the version moved */
    /* the store's own connection survives a restart of its backend between transactions */
    raw_exec(&t, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> "
                 "pg_backend_pid() AND datname = current_database() AND query NOT LIKE 'LISTEN%'");
    CHECK_INT(store_count_enterprises(s), 12);
    store_watch_free(w);
    store_close(s);
    remove_temp(&t);
}
