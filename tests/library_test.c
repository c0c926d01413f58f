/* Tests for src/library on SQLite and PostgreSQL: a document with its original file (SHA-256
 * kept, bytes back unchanged), a second put of the same document adds nothing, an amendment is a
 * new version with the old kept as history, validity with replaced-by, 政策解读 links shown on
 * both documents, the linked policy's clauses, browsing with filters and facets, bad input
 * refused with the field named, and the search feed. */
#include <stdlib.h>
#include <string.h>

#include "library/library.h"
#include "refdata/refdata.h"
#include "search/search.h"
#include "tstore.h"
#include "util/date.h"

STORE_TEST(library_versions_links_browse) {
    struct store *s = open_temp(t);
    CHECK(s != NULL);
    if (!s) return;
    struct error err;
    struct policy p = {.code = "QZF-2025-3",
                       .title = "关于加快高新技术企业培育的若干措施",
                       .region = -1,
                       .published = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED};
    CHECK_INT(store_put_policy(s, &p, &err), 0);
    struct clause c = {.policy_id = p.id,
                       .seq = 1,
                       .title = "高企认定奖励",
                       .text = "……",
                       .rule = "营业收入 >= 100万元",
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED,
                       .award_cap_fen = -1};
    CHECK_INT(store_put_clause(s, &c, &err), 0);
    const char pdf[] = "%PDF-1.4\n\0binary\xff";
    struct library_doc d = {.title = "关于加快高新技术企业培育的若干措施",
                            .doc_no = "青政发〔2025〕3号",
                            .authority = "青岛市人民政府",
                            .level = "市",
                            .region = region_by_code(370200),
                            .theme = "科技创新",
                            .issued = date_from_ymd(2025, 3, 1),
                            .effective = date_from_ymd(2025, 4, 1),
                            .policy_id = p.id,
                            .file_name = "qzf-2025-3.pdf",
                            .file_mime = "application/pdf",
                            .body = "对首次认定的高新技术企业给予奖励。"};
    CHECK_INT(library_put(s, &d, pdf, sizeof pdf, 10, &err), 0);
    int64_t v1 = d.id;
    CHECK_INT(d.version, 1);
    CHECK_INT((int)strlen(d.file_hash), 64);
    /* the same again: nothing new */
    CHECK_INT(library_put(s, &d, pdf, sizeof pdf, 11, &err), 0);
    CHECK_INT(d.id, v1);
    CHECK_INT(d.version, 1);
    void *data;
    size_t len;
    char mime[64], name[64];
    CHECK_INT(library_file(s, v1, &data, &len, mime, sizeof mime, name, sizeof name, &err), 0);
    CHECK_INT((int)len, (int)sizeof pdf);
    CHECK(memcmp(data, pdf, sizeof pdf) == 0);
    CHECK_STR(mime, "application/pdf");
    free(data);
    /* an amendment: version 2, version 1 kept as history */
    d.body = "对首次认定的高新技术企业给予最高50万元奖励。";
    d.note = "调整奖励标准";
    CHECK_INT(library_put(s, &d, NULL, 0, 12, &err), 0);
    int64_t v2 = d.id;
    CHECK(v2 != v1);
    CHECK_INT(d.version, 2);
    /* an interpretation linked to it; a new policy replaces it */
    struct library_doc jd = {.title = "《若干措施》政策解读",
                             .series = "QZF-2025-3-解读",
                             .authority = "青岛市科学技术局",
                             .level = "市",
                             .region = -1,
                             .kind = "interpretation",
                             .issued = date_from_ymd(2025, 3, 5),
                             .effective = INT32_MIN};
    CHECK_INT(library_put(s, &jd, NULL, 0, 13, &err), 0);
    CHECK_INT(library_link(s, v2, jd.id, "interpretation", &err), 0);
    CHECK_INT(library_link(s, v2, v2, "related", &err), ERR_INVALID);
    CHECK_INT(library_link(s, v2, 999, "related", &err), ERR_NOTFOUND);
    struct library_doc nd = {.title = "新措施",
                             .doc_no = "青政发〔2026〕1号",
                             .authority = "青岛市人民政府",
                             .level = "市",
                             .region = region_by_code(370212),
                             .theme = "科技创新",
                             .issued = date_from_ymd(2026, 1, 10),
                             .effective = INT32_MIN};
    CHECK_INT(library_put(s, &nd, NULL, 0, 14, &err), 0);
    CHECK_INT(library_set_validity(s, v2, "废止", nd.id, &err), 0);
    CHECK_INT(library_set_validity(s, v2, "作废", 0, &err), ERR_INVALID);
    char *json = NULL;
    CHECK_INT(library_doc_json(s, v2, &json, &err), 0);
    CHECK(json && strstr(json, "\"validity\":\"废止\""));
    CHECK(json && strstr(json, "\"clauses\":[{\"id\":"));
    CHECK(json && strstr(json, "高企认定奖励"));
    CHECK(json && strstr(json, "\"kind\":\"interpretation\""));
    CHECK(json && strstr(json, "\"history\":[{") && strstr(json, "\"version\":2"));
    CHECK(json && strstr(json, "调整奖励标准"));
    free(json);
    CHECK_INT(library_doc_json(s, jd.id, &json, &err), 0); /* the link shows on both */
    CHECK(json && strstr(json, "\"direction\":\"from\""));
    free(json);
    CHECK_INT(library_doc_json(s, 12345, &json, &err), ERR_NOTFOUND);
    /* browse: current versions only; filters; facets */
    struct library_query q = {.region = -1};
    CHECK_INT(library_browse_json(s, &q, &json, &err), 0);
    CHECK(json && strstr(json, "\"total\":3"));
    CHECK(json && strstr(json, "\"year\":{\"2026\":1,\"2025\":2}"));
    free(json);
    q.region = region_by_code(370212);
    CHECK_INT(library_browse_json(s, &q, &json, &err), 0);
    CHECK(json && strstr(json, "\"total\":1") && strstr(json, "新措施"));
    free(json);
    q = (struct library_query){.region = -1, .year = 2025, .validity = "废止"};
    CHECK_INT(library_browse_json(s, &q, &json, &err), 0);
    CHECK(json && strstr(json, "\"total\":1"));
    free(json);
    q = (struct library_query){.region = -1, .q = "2026"};
    CHECK_INT(library_browse_json(s, &q, &json, &err), 0);
    CHECK(json && strstr(json, "\"total\":1"));
    free(json);
    /* bad input names the field */
    struct library_doc bad = {.title = "x", .doc_no = "y", .level = "乡", .region = -1};
    CHECK_INT(library_put(s, &bad, NULL, 0, 15, &err), ERR_INVALID);
    CHECK_STR(err.field, "level");
    struct library_doc bad2 = {.title = "\xff\xfe", .doc_no = "y", .region = -1};
    CHECK_INT(library_put(s, &bad2, NULL, 0, 15, &err), ERR_INVALID);
    CHECK_STR(err.field, "title");
    /* the search feed: current versions */
    struct search_doc_list l;
    search_doc_list_init(&l);
    CHECK_INT(library_search_docs(s, &l, &err), 0);
    CHECK_INT((int)l.n_docs, 3);
    bool seen_repealed = false;
    for (size_t i = 0; i < l.n_docs; i++)
        if (l.docs[i].is_repealed) seen_repealed = true;
    CHECK(seen_repealed);
    search_doc_list_release(&l);
    store_close(s);
    remove_temp(t);
}
