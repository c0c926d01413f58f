/* Tests for src/search: normalisation, tokens, the query language, filters, highlights at UTF-8
 * boundaries, bad input, the relevance set in tests/data/search (with committed floors), and
 * index generations swapped under concurrent readers (TSAN_TEST: run under ThreadSanitizer). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"
#include "search/search.h"
#include "store/store.h"
#include "test.h"
#include "util/date.h"
#include "util/utf8.h"

static struct search_lexicon *lex;
static struct search_index *idx;
static struct search_doc_list docs;
static int32_t today;

/* The relevance corpus, built once: the files listed in tests/data/search/docs.txt. */
static const struct search_index *corpus(void) {
    if (idx) return idx;
    struct error err;
    error_clear(&err);
    if (search_lexicon_new(&lex, &err)) return NULL;
    search_doc_list_init(&docs);
    char path[1024];
    snprintf(path, sizeof path, "%s/search/docs.txt", test_data_dir());
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char file[1024];
        snprintf(file, sizeof file, "%s/%s", test_data_dir(), line);
        if (search_load_json(&docs, file, &err)) {
            test_failf(__FILE__, __LINE__, "%s: %s", file, err.en);
            fclose(f);
            return NULL;
        }
    }
    fclose(f);
    if (search_index_build(lex, docs.docs, docs.n_docs, &idx, &err)) {
        test_failf(__FILE__, __LINE__, "build: %s", err.en);
        return NULL;
    }
    today = date_from_ymd(2026, 1, 15);
    return idx;
}

static int run(const char *q, const char *filter, struct arena *a, struct search_results *res) {
    struct search_query sq = {.q = q, .limit = 10, .today = date_from_ymd(2026, 1, 15)};
    search_filter_init(&sq.filter);
    struct error err;
    error_clear(&err);
    if (filter && search_filter_set(&sq.filter, filter, a, &err)) return err.code;
    return search_run(corpus(), &sq, a, res, &err);
}

static bool has_hit(const struct search_results *r, int top, const char *id) {
    for (int i = 0; i < r->n_hits && i < top; i++)
        if (!strcmp(r->hits[i].id, id)) return true;
    return false;
}

static char *norm(const char *s) {
    struct buf b;
    buf_init(&b);
    struct error err;
    if (search_normalize(s, strlen(s), &b, NULL, &err)) {
        buf_release(&b);
        return NULL;
    }
    buf_putc(&b, 0);
    return buf_detach(&b);
}

TEST(search_normalize_folds) {
    char *s = norm("ＩＰＯ 高新技術企業「小巨人」①");
    CHECK_STR(s, "ipo 高新技术企业\"小巨人\"1");
    free(s);
    uint32_t map[64];
    struct buf b;
    buf_init(&b);
    struct error err;
    CHECK_INT(search_normalize("A萬", 4, &b, map, &err), 0);
    CHECK_INT(b.len, 4);
    CHECK_INT(map[0], 0);
    CHECK_INT(map[1], 1); /* 万 comes from the byte at 1 */
    CHECK_INT(map[3], 1);
    buf_release(&b);
}

TEST(search_tokenize_bigrams_and_concepts) {
    corpus();
    struct search_token t[64];
    const char *s = "高企认定";
    size_t n = search_tokenize(lex, s, strlen(s), t, 64);
    int bigrams = 0, unigrams = 0, concepts = 0;
    for (size_t i = 0; i < n; i++) {
        bigrams += t[i].kind == SEARCH_TOK_BIGRAM;
        unigrams += t[i].kind == SEARCH_TOK_UNIGRAM;
        if (t[i].kind == SEARCH_TOK_CONCEPT) {
            concepts++;
            if (t[i].start == 0) CHECK_STR(search_concept_name(lex, t[i].concept), "高新技术企业");
        }
    }
    CHECK_INT(bigrams, 3);
    CHECK_INT(unigrams, 4);
    CHECK_INT(concepts, 2); /* 高企 → 高新技术企业, 认定 */
    s = "lpr 50万";
    n = search_tokenize(NULL, s, strlen(s), t, 64);
    CHECK_INT(n, 3); /* lpr, 50, 万 */
    CHECK_INT(t[0].kind, SEARCH_TOK_WORD);
    CHECK_INT(t[1].len, 2);
}

TEST(search_synonyms_both_ways) {
    struct arena a;
    arena_init(&a, 4096);
    struct search_results r;
    CHECK_INT(run("高企", NULL, &a, &r), 0);
    CHECK(has_hit(&r, 10, "QDKJ-2025-03.1")); /* says 高新技术企业 */
    CHECK_INT(run("高新技术企业 认定", NULL, &a, &r), 0);
    CHECK(has_hit(&r, 10, "001-2")); /* says 高企 */
    CHECK_INT(run("专精特新", NULL, &a, &r), 0);
    CHECK(has_hit(&r, 10, "QDGX-2025-12.1")); /* 专精特新 > 小巨人 */
    CHECK_INT(run("西海岸新区", NULL, &a, &r), 0);
    CHECK(has_hit(&r, 5, "X-01")); /* region 黄岛区 */
    arena_release(&a);
}

TEST(search_phrase_and_exclusion) {
    struct arena a;
    arena_init(&a, 4096);
    struct search_results r;
    CHECK_INT(run("\"涉海高新技术企业\"", NULL, &a, &r), 0);
    CHECK_INT(r.total, 1);
    CHECK(has_hit(&r, 1, "XHA-2025-15.2"));
    CHECK_INT(r.parsed.n_phrases, 1);
    CHECK_INT(run("贴息 -专精特新", NULL, &a, &r), 0);
    for (int i = 0; i < r.n_hits; i++)
        CHECK(!strstr(r.hits[i].snippet, "专精特新"));
    CHECK(has_hit(&r, 1, "X-10"));
    CHECK_INT(r.parsed.n_excluded, 1);
    arena_release(&a);
}

TEST(search_filters) {
    struct arena a;
    arena_init(&a, 4096);
    struct search_results r;
    /* a city policy applies in every district; another district's does not */
    CHECK_INT(run("奖励", "region=崂山区", &a, &r), 0);
    CHECK(r.total > 0);
    for (int i = 0; i < r.n_hits; i++)
        CHECK(!strcmp(r.hits[i].region, "崂山区") || !strcmp(r.hits[i].region, "青岛市") ||
              !strcmp(r.hits[i].region, "山东省"));
    CHECK_INT(run("研发 补助", "status=失效", &a, &r), 0);
    CHECK(r.total >= 1);
    for (int i = 0; i < r.n_hits; i++)
        CHECK(r.hits[i].is_expired);
    CHECK_INT(run("补助", "department=科技局", &a, &r), 0); /* 科技局 = 科学技术局 */
    CHECK(has_hit(&r, 10, "QDKJ-2025-03.2"));
    CHECK_INT(run("研发", "kind=补贴", &a, &r), 0); /* 补贴 = 补助 */
    CHECK(has_hit(&r, 10, "QDKJ-2025-03.2"));
    CHECK_INT(run("奖励", "from=2025-06-01", &a, &r), 0);
    for (int i = 0; i < r.n_hits; i++)
        CHECK(r.hits[i].issued >= date_from_ymd(2025, 6, 1));
    CHECK_INT(run("奖励 100万元以上", NULL, &a, &r), 0);
    CHECK(r.parsed.amount_min_fen == 100000000);
    for (int i = 0; i < r.n_hits; i++)
        CHECK(r.hits[i].amount_fen >= 100000000);
    CHECK_INT(run("奖励", "status=maybe", &a, &r), ERR_INVALID);
    CHECK_INT(run("奖励", "region=火星", &a, &r), ERR_INVALID);
    /* facets count what matched */
    CHECK_INT(run("奖励", NULL, &a, &r), 0);
    CHECK_STR(r.facets[0].name, "department");
    CHECK(r.facets[0].n_values > 1);
    arena_release(&a);
}

TEST(search_expired_last) {
    struct arena a;
    arena_init(&a, 4096);
    struct search_results r;
    CHECK_INT(run("研发费用 补助", NULL, &a, &r), 0);
    int at_expired = -1, at_live = -1;
    for (int i = 0; i < r.n_hits; i++) {
        if (!strcmp(r.hits[i].id, "X-02")) at_expired = i, CHECK(r.hits[i].is_expired);
        if (!strcmp(r.hits[i].id, "LS-2025-06.2")) at_live = i, CHECK(!r.hits[i].is_expired);
    }
    CHECK(at_live >= 0 && at_expired > at_live); /* same district and subject, expired after */
    CHECK_INT(run("科技创新券", NULL, &a, &r), 0);
    CHECK(has_hit(&r, 1, "QDKJ-2023-11.1")); /* the only answer, expired, still first */
    CHECK(r.n_hits > 0 && r.hits[0].is_expired);
    arena_release(&a);
}

/* Every snippet and span must cut on code point boundaries, whatever the width. */
TEST(search_highlights_utf8) {
    struct arena a;
    arena_init(&a, 4096);
    const char *queries[] = {"高企认定奖励", "ＬＰＲ 贴息", "專精特新", "研发费用 补助"};
    for (int w = 1; w <= 40; w += 3) {
        for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
            struct search_query sq = {.q = queries[qi],
                                      .limit = 5,
                                      .snippet_chars = w,
                                      .today = date_from_ymd(2026, 1, 15)};
            search_filter_init(&sq.filter);
            struct search_results r;
            struct error err;
            CHECK_INT(search_run(corpus(), &sq, &a, &r, &err), 0);
            for (int i = 0; i < r.n_hits; i++) {
                const struct search_hit *h = &r.hits[i];
                size_t len = strlen(h->snippet);
                CHECK(utf8_is_valid(h->snippet, len, NULL));
                CHECK(utf8_count(h->snippet, len) <= (size_t)w + 2);
                for (int k = 0; k < h->n_spans; k++) {
                    const struct search_span *s = &h->spans[k];
                    CHECK(s->byte_start + s->byte_len <= len);
                    CHECK(utf8_is_valid(h->snippet + s->byte_start, s->byte_len, NULL));
                    CHECK_INT(utf8_count(h->snippet, s->byte_start), s->char_start);
                    CHECK_INT(utf8_count(h->snippet + s->byte_start, s->byte_len), s->char_len);
                }
            }
        }
    }
    struct search_results r;
    CHECK_INT(run("涉海高企", NULL, &a, &r), 0);
    CHECK(r.n_hits > 0 && r.hits[0].n_spans > 0);
    struct buf html;
    buf_init(&html);
    struct search_span sp = {1, 2, 1, 6};
    search_snippet_html("<高企>&", &sp, 1, &html);
    CHECK_STR(buf_str(&html), "&lt;<mark>高企</mark>&gt;&amp;");
    buf_release(&html);
    arena_release(&a);
}

TEST(search_bad_input) {
    struct arena a;
    arena_init(&a, 4096);
    struct search_results r;
    CHECK_INT(run("高企\xff奖励", NULL, &a, &r), ERR_UTF8);
    CHECK_INT(run("\xe9\xab", NULL, &a, &r), ERR_UTF8);
    CHECK_INT(run("\"未闭合", NULL, &a, &r), ERR_PARSE);
    CHECK_INT(run("", NULL, &a, &r), ERR_PARSE);
    CHECK_INT(run("的 吗 ？", NULL, &a, &r), ERR_PARSE);
    char *big = malloc(5000);
    memset(big, 'a', 4999);
    big[4999] = 0;
    CHECK_INT(run(big, NULL, &a, &r), ERR_TOO_LARGE);
    free(big);
    struct search_doc d = {.id = "bad",
                           .text = "\xc0\x80",
                           .amount_fen = -1,
                           .issued = SEARCH_NO_DATE,
                           .valid_to = SEARCH_NO_DATE};
    struct search_index *bad = NULL;
    struct error err;
    CHECK_INT(search_index_build(lex, &d, 1, &bad, &err), ERR_UTF8);
    CHECK(bad == NULL);
    struct search_doc two[2] = {d, d};
    two[0].text = two[1].text = "正常";
    CHECK_INT(search_index_build(lex, two, 2, &bad, &err), ERR_CONFLICT);
    CHECK_INT(search_lexicon_add_text(lex, "!nonsense 词", 14, &err), ERR_PARSE);
    arena_release(&a);
}

/* The store feeds the same documents the JSON loader reads: the demo policies written with
 * demo_load_policies come back as one document per clause, with the same ids. */
TEST(search_from_store) {
    char path[] = "/tmp/duijie-search-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    char uri[300], demo[1024];
    snprintf(uri, sizeof uri, "sqlite:%s", path);
    snprintf(demo, sizeof demo, "%s/../../data/demo/policies.json", test_data_dir());
    struct store *st = NULL;
    struct error err;
    int np = 0, nc = 0;
    CHECK_INT(store_open(uri, &st, &err), 0);
    if (st) CHECK_INT(demo_load_policies(st, demo, &np, &nc, &err), 0);
    struct search_doc_list l;
    search_doc_list_init(&l);
    if (st) CHECK_INT(search_load_store(&l, st, &err), 0);
    store_close(st);
    CHECK_INT((long long)l.n_docs, nc);
    corpus();
    struct search_index *x = NULL;
    CHECK_INT(search_index_build(lex, l.docs, l.n_docs, &x, &err), 0);
    struct arena a;
    arena_init(&a, 4096);
    struct search_query q = {.q = "高企认定奖励", .limit = 3, .today = date_from_ymd(2026, 1, 15)};
    search_filter_init(&q.filter);
    struct search_results r;
    if (x) CHECK_INT(search_run(x, &q, &a, &r, &err), 0);
    CHECK(x && r.n_hits > 0 && !strcmp(r.hits[0].id, "QDKJ-2025-03.1"));
    CHECK(x && r.n_hits > 0 && r.hits[0].department && r.hits[0].region);
    arena_release(&a);
    search_index_free(x);
    search_doc_list_release(&l);
    unlink(path);
    char side[320];
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
}

/* ---- the relevance set ---- */

struct floors {
    double p5, mrr, r10;
};

static struct floors read_floors(void) {
    struct floors f = {1, 1, 1};
    char path[1024];
    snprintf(path, sizeof path, "%s/search/floor.txt", test_data_dir());
    FILE *fp = fopen(path, "r");
    char line[256];
    while (fp && fgets(line, sizeof line, fp)) {
        double v;
        if (sscanf(line, "p_at_5 %lf", &v) == 1) f.p5 = v;
        if (sscanf(line, "mrr %lf", &v) == 1) f.mrr = v;
        if (sscanf(line, "recall_at_10 %lf", &v) == 1) f.r10 = v;
    }
    if (fp) fclose(fp);
    return f;
}

static bool in_list(const char *ids, const char *id) {
    size_t n = strlen(id);
    for (const char *p = ids; (p = strstr(p, id)); p += n)
        if ((p == ids || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return true;
    return false;
}

TEST(search_relevance) {
    if (!corpus()) return;
    char path[1024];
    snprintf(path, sizeof path, "%s/search/queries.tsv", test_data_dir());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[4096];
    double sum_p5 = 0, sum_rr = 0, sum_r10 = 0;
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *q = line, *filters = strchr(q, '\t'), *rel = filters ? strchr(filters + 1, '\t') : 0;
        if (!rel) {
            test_failf(__FILE__, __LINE__, "bad line: %s", line);
            continue;
        }
        *filters++ = 0;
        *rel++ = 0;
        test_case(q);
        struct arena a;
        arena_init(&a, 4096);
        struct search_query sq = {.q = q, .limit = 10, .today = today};
        search_filter_init(&sq.filter);
        struct error err;
        error_clear(&err);
        int rc = 0;
        char *save = NULL;
        for (char *kv = strcmp(filters, "-") ? strtok_r(filters, ";", &save) : NULL; kv && !rc;
             kv = strtok_r(NULL, ";", &save))
            rc = search_filter_set(&sq.filter, kv, &a, &err);
        struct search_results r;
        if (!rc) rc = search_run(corpus(), &sq, &a, &r, &err);
        CHECK_INT(rc, 0);
        int n_rel = 1;
        for (char *c = rel; *c; c++)
            n_rel += *c == ' ';
        int hits5 = 0, hits10 = 0;
        double rr = 0;
        for (int i = 0; !rc && i < r.n_hits; i++) {
            if (!in_list(rel, r.hits[i].id)) continue;
            if (i < 5) hits5++;
            hits10++;
            if (rr == 0) rr = 1.0 / (i + 1);
        }
        sum_p5 += hits5 / 5.0;
        sum_rr += rr;
        sum_r10 += (double)hits10 / (n_rel < 10 ? n_rel : 10);
        n++;
        if (getenv("SEARCH_VERBOSE"))
            printf("rr %.2f p5 %.1f  %s  top: %s %s %s\n", rr, hits5 / 5.0, q,
                   r.n_hits > 0 ? r.hits[0].id : "-", r.n_hits > 1 ? r.hits[1].id : "-",
                   r.n_hits > 2 ? r.hits[2].id : "-");
        CHECK(rr > 0); /* every query finds something relevant in its top 10 */
        arena_release(&a);
    }
    fclose(f);
    test_case("search_relevance_floors");
    struct floors fl = read_floors();
    double p5 = sum_p5 / n, mrr = sum_rr / n, r10 = sum_r10 / n;
    printf("search relevance over %d queries: P@5 %.3f, MRR %.3f, recall@10 %.3f "
           "(floors %.3f, %.3f, %.3f)\n",
           n, p5, mrr, r10, fl.p5, fl.mrr, fl.r10);
    CHECK(n >= 60);
    CHECK(p5 >= fl.p5);
    CHECK(mrr >= fl.mrr);
    CHECK(r10 >= fl.r10);
}

/* ---- generations (TSAN_TEST: readers never lock while a writer publishes) ---- */

struct reader_ctx {
    struct search_engine *e;
    int n_ok;
};

static void *reader(void *p) {
    struct reader_ctx *c = p;
    for (int i = 0; i < 200; i++) {
        struct arena a;
        arena_init(&a, 4096);
        struct search_query q = {
            .q = i % 2 ? "高企 奖励" : "贴息", .limit = 5, .today = SEARCH_NO_DATE};
        search_filter_init(&q.filter);
        struct search_results r;
        struct error err;
        if (search_engine_run(c->e, &q, &a, &r, &err) == 0 && r.n_hits > 0) c->n_ok++;
        arena_release(&a);
    }
    search_thread_release();
    return NULL;
}

TEST(tsan_search_generations) {
    if (!corpus()) return;
    struct search_engine *e;
    struct error err;
    CHECK_INT(search_engine_new(&e, &err), 0);
    struct search_index *first;
    CHECK_INT(search_index_build(lex, docs.docs, docs.n_docs, &first, &err), 0);
    search_engine_publish(e, first);
    struct reader_ctx ctx[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        ctx[i] = (struct reader_ctx){e, 0};
        pthread_create(&th[i], NULL, reader, &ctx[i]);
    }
    for (int g = 0; g < 10; g++) {
        struct search_index *next;
        size_t n = docs.n_docs - (size_t)(g % 3); /* generations differ */
        CHECK_INT(search_index_build(lex, docs.docs, n, &next, &err), 0);
        search_engine_publish(e, next);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(ctx[i].n_ok, 200);
    }
    CHECK_INT(search_engine_generation(e), 11);
    search_engine_free(e);
}

/* Frees the shared corpus when the runner exits (keeps leak checks clean). */
__attribute__((destructor)) static void free_corpus(void) {
    search_index_free(idx);
    search_lexicon_free(lex);
    if (lex) search_doc_list_release(&docs);
    search_thread_release();
}
