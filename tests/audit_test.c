/* Tests for src/audit and util/hash: SHA-256 against the FIPS 180-4 examples; a chain of entries
 * verifies; editing a field, deleting a row (middle and last), swapping two rows' contents and
 * editing the head are each found at the right seq — on SQLite and on PostgreSQL. */
#include "audit/audit.h"
#include "auth/auth.h"
#include "tstore.h"

TEST(hash_sha256_fips) {
    char h[HASH_SHA256_HEX + 1];
    hash_sha256("abc", 3, h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hash_sha256("", 0, h);
    CHECK_STR(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    struct hash_sha256 x;
    hash_sha256_init(&x);
    for (const char *p = m; *p; p++)
        hash_sha256_update(&x, p, 1); /* byte by byte */
    hash_sha256_final(&x, h);
    CHECK_STR(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void fill(struct store *s, int n) {
    struct actor who = {.user_id = 7, .role = ROLE_REVIEWER, .region = -1};
    struct error err;
    for (int i = 1; i <= n; i++) {
        json_t *before = json_pack("{s:s}", "state", "submitted");
        json_t *after = json_pack("{s:s,s:i,s:s}", "state", "accepted", "n", i, "note", "受理");
        int64_t seq = 0;
        CHECK_INT(store_begin(s, &err), 0);
        CHECK_INT(audit_append(s, i % 2 ? &who : NULL, "accept", "application", 100 + i, before,
                               after, &seq, &err),
                  0);
        CHECK_INT(store_commit(s, &err), 0);
        CHECK_INT(seq, i);
        json_decref(before);
        json_decref(after);
    }
}

static void expect(struct store *s, enum audit_problem p, int64_t seq) {
    struct audit_report rep;
    struct error err;
    CHECK_INT(audit_verify(s, &rep, &err), 0);
    CHECK_STR(audit_problem_name(rep.problem), audit_problem_name(p));
    CHECK_INT(rep.bad_seq, seq);
}

STORE_TEST(audit_chain) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    expect(s, AUDIT_OK, 0); /* an empty log is intact */
    fill(s, 6);
    struct audit_report rep;
    struct error err;
    CHECK_INT(audit_verify(s, &rep, &err), 0);
    CHECK_INT(rep.problem, AUDIT_OK);
    CHECK_INT(rep.n_entries, 6);
    CHECK_INT(rep.head_seq, 6);
    CHECK_INT((int)strlen(rep.head_hash), 64);
    /* a rolled-back append leaves no trace */
    CHECK_INT(store_begin(s, &err), 0);
    CHECK_INT(audit_append(s, NULL, "x", "application", 1, NULL, NULL, NULL, &err), 0);
    CHECK_INT(store_rollback(s), 0);
    expect(s, AUDIT_OK, 0);
    json_t *list = NULL;
    int64_t total = 0;
    CHECK_INT(audit_list(s, "application", 103, 0, 10, &list, &total, &err), 0);
    CHECK_INT(total, 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "actor_role")),
              "reviewer");
    CHECK_STR(json_string_value(
                  json_object_get(json_object_get(json_array_get(list, 0), "after"), "note")),
              "受理");
    json_decref(list);
    CHECK_INT(audit_list(s, NULL, 0, 0, 2, &list, &total, &err), 0);
    CHECK_INT(total, 6);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 0), "seq")), 6);
    CHECK_STR(json_string_value(json_object_get(json_array_get(list, 0), "actor_role")), "system");
    json_decref(list);
    store_close(s);
    remove_temp(t);
}

/* Each tampering on a fresh chain of 6, found at its seq. */
static void tamper(struct tstore *t, const char *sql, enum audit_problem p, int64_t seq) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    fill(s, 6);
    store_close(s);
    raw_exec(t, sql);
    struct error err;
    CHECK_INT(store_open(t->path, &s, &err), 0);
    expect(s, p, seq);
    store_close(s);
    remove_temp(t);
}

STORE_TEST(audit_tamper) {
    test_case("edit a field");
    tamper(t, "UPDATE audit_log SET after_json = replace(after_json, '受理', '驳回') WHERE seq = 3",
           AUDIT_EDITED, 3);
    test_case("edit the actor");
    tamper(t, "UPDATE audit_log SET actor_id = 1 WHERE seq = 5", AUDIT_EDITED, 5);
    test_case("delete a row");
    tamper(t, "DELETE FROM audit_log WHERE seq = 4", AUDIT_REMOVED, 4);
    test_case("delete the first row");
    tamper(t, "DELETE FROM audit_log WHERE seq = 1", AUDIT_REMOVED, 1);
    test_case("delete the last row");
    tamper(t, "DELETE FROM audit_log WHERE seq = 6", AUDIT_REMOVED, 6);
    test_case("swap two rows");
    tamper(t,
           "UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3);"
           "UPDATE audit_log SET seq = 3 WHERE seq = -2;"
           "UPDATE audit_log SET seq = 2 WHERE seq = -3",
           AUDIT_REORDERED, 2);
    test_case("edit the head");
    tamper(t, "UPDATE audit_head SET hash = 'x'", AUDIT_EDITED, 6);
}
