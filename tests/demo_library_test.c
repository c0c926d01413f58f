/* Tests for the demo's policy library (src/demo/demo_library.c), on SQLite and PostgreSQL: one
 * current document per policy, linked to it, with a 文号 no other document has; earlier versions
 * chained to the current one (失效/废止, replaced_by it); every stored file's SHA-256 and length
 * what the library says; the body is the policy's text; 政策解读 written from the clauses and
 * linked; the same seed gives the same library, another seed another; a second run adds nothing. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nettle/sha2.h>

#include "demo/demo.h"
#include "library/library.h"
#include "tstore.h"
#include "util/date.h"
#include "util/strmap.h"

/* The demo's policies and 30 template clauses (three more policies) in a fresh store. */
static struct store *demo_store(struct tstore *t, int *n_policies) {
    struct store *s = open_temp(t);
    if (!s) return NULL;
    struct error err;
    int n_clauses = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", n_policies, &n_clauses, &err), 0);
    CHECK_INT(demo_generate_clauses(s, 1, 30, &err), 0);
    *n_policies += 3;
    return s;
}

static json_t *browse(struct store *s, const char *kind) {
    struct library_query q = {.kind = kind, .region = -1, .page = 1, .page_size = 200};
    char *out = NULL;
    struct error err;
    CHECK_INT(library_browse_json(s, &q, &out, &err), 0);
    json_t *o = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return o;
}

static json_t *doc(struct store *s, int64_t id) {
    char *out = NULL;
    struct error err;
    CHECK_INT(library_doc_json(s, id, &out, &err), 0);
    json_t *o = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return o;
}

static const char *jstr(json_t *o, const char *key) {
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

static int64_t jint(json_t *o, const char *key) {
    return json_integer_value(json_object_get(o, key));
}

/* The stored file of id: its SHA-256 and length are the ones the document names, and it holds
 * `want` (when not NULL). */
static void check_file(struct store *s, json_t *d, const char *want) {
    void *data = NULL;
    size_t len = 0;
    char mime[64], name[256];
    struct error err;
    CHECK_INT(
        library_file(s, jint(d, "id"), &data, &len, mime, sizeof mime, name, sizeof name, &err), 0);
    if (!data) return;
    struct sha256_ctx c;
    uint8_t dg[SHA256_DIGEST_SIZE];
    char hex[65];
    sha256_init(&c);
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof dg, dg);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", dg[i]);
    CHECK_STR(hex, jstr(d, "file_sha256"));
    CHECK_INT((int64_t)len, jint(d, "file_len"));
    CHECK(strstr(mime, "text/plain") == mime);
    char *text = malloc(len + 1);
    if (text) {
        memcpy(text, data, len);
        text[len] = 0;
        CHECK(strstr(text, jstr(d, "title")) != NULL);
        if (want) CHECK(strstr(text, want) != NULL);
    }
    free(text);
    free(data);
}

struct tally {
    int n_series, n_old, n_three, n_repealed;
};

/* A current policy document: its policy's facts, its file, and its history chained to it. */
static void check_policy_doc(struct store *s, json_t *d, struct strmap *doc_nos, int32_t today,
                             struct tally *tl) {
    int64_t id = jint(d, "id");
    struct arena a;
    arena_init(&a, 1 << 14);
    struct policy p;
    struct error err;
    CHECK_INT(store_get_policy(s, jint(d, "policy_id"), &p, &a, &err), 0);
    CHECK_STR(jstr(d, "title"), p.title);
    CHECK_STR(jstr(d, "authority") + strlen(jstr(d, "authority")) - strlen(p.department),
              p.department);
    CHECK_STR(jstr(d, "level"), p.level);
    CHECK(*jstr(d, "theme") && *jstr(d, "doc_no"));
    char day[16];
    CHECK_STR(jstr(d, "issued"), date_format(p.published, day, sizeof day));
    CHECK(strcmp(jstr(d, "effective"), jstr(d, "issued")) >= 0);
    bool is_past = p.deadline != STORE_NO_DATE && p.deadline < today;
    CHECK_STR(jstr(d, "validity"), is_past ? "失效" : "有效");
    struct clause *cs;
    int n;
    CHECK_INT(store_list_clauses(s, p.id, -1, &a, &cs, &n, &err), 0);
    CHECK(n > 0);
    check_file(s, d, n > 0 ? cs[0].text : NULL); /* the body is the policy's text */
    json_t *h = json_object_get(d, "history");
    int n_h = (int)json_array_size(h);
    CHECK(n_h >= 1 && n_h <= 3);
    for (int k = 0; k < n_h; k++) {
        json_t *v = json_array_get(h, (size_t)k);
        const char *no = jstr(v, "doc_no");
        int64_t dummy;
        CHECK(!strmap_get(doc_nos, no, strlen(no), &dummy)); /* one document, one 文号 */
        strmap_put(doc_nos, no, strlen(no), 1);
        CHECK_INT(jint(v, "version"), k + 1);
        if (k == n_h - 1) {
            CHECK_INT(jint(v, "id"), id);
            CHECK(json_is_true(json_object_get(v, "is_current")));
            continue;
        }
        CHECK(strcmp(jstr(v, "validity"), "失效") == 0 || strcmp(jstr(v, "validity"), "废止") == 0);
        tl->n_repealed += strcmp(jstr(v, "validity"), "废止") == 0;
        CHECK_INT(jint(v, "replaced_by"), id);
        CHECK(strcmp(jstr(v, "issued"), jstr(d, "issued")) < 0);
        check_file(s, v, NULL);
    }
    if (n_h > 1) CHECK(strstr(jstr(d, "note"), "万元") != NULL); /* which award changed */
    tl->n_series += n_h > 1;
    tl->n_old += n_h - 1;
    tl->n_three += n_h == 3;
    arena_release(&a);
}

/* A 政策解读: linked to its policy's document, names its 文号 and every clause's text. */
static void check_interpretation(struct store *s, json_t *d) {
    json_t *links = json_object_get(d, "links");
    CHECK_INT((int)json_array_size(links), 1);
    json_t *l = json_array_get(links, 0);
    CHECK_STR(jstr(l, "kind"), "interpretation");
    json_t *pd = doc(s, jint(l, "id"));
    CHECK_STR(jstr(pd, "kind"), "policy");
    check_file(s, d, jstr(pd, "doc_no"));
    struct arena a;
    arena_init(&a, 1 << 14);
    struct clause *cs;
    int n = 0;
    struct error err;
    CHECK_INT(store_list_clauses(s, jint(pd, "policy_id"), -1, &a, &cs, &n, &err), 0);
    void *data = NULL;
    size_t len = 0;
    char mime[64], name[256];
    CHECK_INT(
        library_file(s, jint(d, "id"), &data, &len, mime, sizeof mime, name, sizeof name, &err), 0);
    char *text = data ? strndup(data, len) : NULL;
    for (int i = 0; text && i < n; i++)
        CHECK(strstr(text, cs[i].text) != NULL);
    free(text);
    free(data);
    json_decref(pd);
    arena_release(&a);
}

/* Every current document and its history as text, for comparing two libraries. */
static char *library_text(struct store *s) {
    json_t *all = browse(s, NULL), *out = json_array();
    size_t k;
    json_t *d;
    json_array_foreach(json_object_get(all, "documents"), k, d) {
        json_array_append_new(out, doc(s, jint(d, "id")));
    }
    char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(out);
    json_decref(all);
    return text;
}

STORE_TEST(demo_library_documents_versions_files) {
    int n_policies = 0;
    struct store *s = demo_store(t, &n_policies);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    struct demo_library_stats st;
    int32_t today = date_today(); /* the demo policies' dates follow the current year */
    CHECK_INT(demo_library(s, 1, today, &st, &err), 0);
    CHECK(!st.is_skipped);
    CHECK_INT(st.documents, n_policies);
    CHECK_INT(st.series, 3);
    CHECK_INT(st.old_versions, 4);
    CHECK(st.interpretations >= 3 && st.related >= 1);

    json_t *pol = browse(s, "policy");
    CHECK_INT(jint(pol, "total"), n_policies);
    struct strmap doc_nos, policies;
    strmap_init(&doc_nos);
    strmap_init(&policies);
    struct tally tl = {0};
    size_t k;
    json_t *d;
    json_array_foreach(json_object_get(pol, "documents"), k, d) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)jint(d, "policy_id"));
        int64_t dummy;
        CHECK(jint(d, "policy_id") > 0 && !strmap_get(&policies, key, strlen(key), &dummy));
        strmap_put(&policies, key, strlen(key), 1);
        json_t *full = doc(s, jint(d, "id"));
        check_policy_doc(s, full, &doc_nos, today, &tl);
        json_decref(full);
    }
    CHECK_INT(tl.n_series, 3);
    CHECK_INT(tl.n_old, 4);
    CHECK_INT(tl.n_three, 1);
    CHECK(tl.n_repealed >= 1 && tl.n_repealed < 4); /* some 废止, some 失效 */
    json_decref(pol);

    json_t *interp = browse(s, "interpretation");
    CHECK_INT(jint(interp, "total"), st.interpretations);
    json_array_foreach(json_object_get(interp, "documents"), k, d) {
        json_t *full = doc(s, jint(d, "id"));
        check_interpretation(s, full);
        json_decref(full);
    }
    json_decref(interp);
    json_t *rel = browse(s, "related");
    CHECK_INT(jint(rel, "total"), st.related);
    json_decref(rel);

    /* a second run adds nothing */
    char *before = library_text(s);
    struct demo_library_stats again;
    CHECK_INT(demo_library(s, 1, today, &again, &err), 0);
    CHECK(again.is_skipped && again.documents == 0);
    char *after = library_text(s);
    CHECK(before && after && strcmp(before, after) == 0);

    /* the same seed, the same library; another seed, another */
    struct tstore t2 = {.is_pg = t->is_pg}, t3 = {.is_pg = t->is_pg};
    int n2 = 0, n3 = 0;
    struct store *s2 = demo_store(&t2, &n2), *s3 = demo_store(&t3, &n3);
    CHECK(s2 && s3);
    if (s2 && s3) {
        CHECK_INT(demo_library(s2, 1, today, &st, &err), 0);
        CHECK_INT(demo_library(s3, 2, today, &st, &err), 0);
        char *same = library_text(s2), *other = library_text(s3);
        CHECK(same && strcmp(before, same) == 0);
        CHECK(other && strcmp(before, other) != 0);
        free(same);
        free(other);
    }
    if (s2) store_close(s2);
    if (s3) store_close(s3);
    remove_temp(&t2);
    remove_temp(&t3);
    free(before);
    free(after);
    strmap_release(&doc_nos);
    strmap_release(&policies);
    store_close(s);
    remove_temp(t);
}
