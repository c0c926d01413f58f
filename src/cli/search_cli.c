/* Owns `duijie search`: loads documents from JSON files or the store, builds an index, runs one
 * query and prints the hits (highlighted text for people, or JSON). When the query names an
 * enterprise (a USCC in the query, or --enterprise), the hits are split with the matching engine
 * into "you qualify", "you might qualify" and "not for you". */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "enterprise/enterprise.h"
#include "match/match.h"
#include "refdata/refdata.h"
#include "search/search.h"
#include "store/store.h"
#include "util/date.h"
#include "util/num.h"

static void usage(void) {
    fprintf(stderr, "usage: duijie search QUERY [--docs FILE...] [--db PATH] [--filter k=v]... "
                    "[--region R] [--limit N]\n"
                    "                     [--enterprise USCC (with --db; or a USCC in the query)]\n"
                    "                     [--offset N] [--today YYYY-MM-DD] [--synonyms FILE] "
                    "[--json]\n"
                    "filters: department region kind policy status(有效|失效) from to amount_min "
                    "amount_max\n");
}

static void print_marked(const char *s, const struct search_span *sp, int n) {
    size_t at = 0, len = strlen(s);
    for (int i = 0; i < n; i++) {
        size_t b = sp[i].byte_start, e = b + sp[i].byte_len;
        if (b < at || e > len) continue;
        printf("%.*s【%.*s】", (int)(b - at), s + at, (int)(e - b), s + b);
        at = e;
    }
    printf("%s", s + at);
}

static const char *fit_heading(int fit) {
    switch (fit) {
    case TRI_TRUE:
        return "符合条件 / you qualify";
    case TRI_UNKNOWN:
        return "可能符合(缺少数据)/ you might qualify";
    case TRI_FALSE:
        return "不符合 / not for you";
    default:
        return "未匹配规则 / no rule to match";
    }
}

static void print_text(const struct search_results *res, bool split) {
    printf("共 %lld 条 / %lld hits%s\n", (long long)res->total, (long long)res->total,
           res->parsed.is_question ? " (问答 / question)" : "");
    for (int i = 0; i < res->n_hits; i++) {
        const struct search_hit *h = &res->hits[i];
        if (split && (i == 0 || res->hits[i - 1].fit != h->fit))
            printf("\n== %s\n", fit_heading(h->fit));
        printf("\n%d. [%s] ", i + 1, h->id);
        print_marked(h->title, h->title_spans, h->n_title_spans);
        if (h->is_expired) printf("  (已失效 / expired)");
        printf("\n   ");
        print_marked(h->snippet, h->spans, h->n_spans);
        printf("\n  ");
        if (h->policy_title) printf(" 《%s》", h->policy_title);
        if (h->department) printf(" %s", h->department);
        if (h->region) printf(" %s", h->region);
        if (h->kind) printf(" %s", h->kind);
        if (h->amount_fen >= 0) {
            char m[64];
            printf(" %s", money_format(h->amount_fen, m, sizeof m));
        }
        if (h->deadline) printf(" 截止 %s", h->deadline);
        if (h->contact) printf(" %s", h->contact);
        printf("\n");
    }
}

/* A USCC among the query's words names the enterprise asking; it is taken out of the query. */
static const char *take_uscc(char *query, char *out, size_t n) {
    for (char *w = query; *w;) {
        size_t len = strcspn(w, " ");
        struct uscc_result r;
        uscc_check(w, len, &r);
        if (len && r.is_valid) {
            snprintf(out, n, "%s", r.code);
            memset(w, ' ', len);
            return out;
        }
        w += len + (w[len] == ' ');
    }
    return NULL;
}

static int split(const char *db, const char *uscc, int32_t today, struct search_results *res,
                 struct error *err) {
    struct store *s = NULL;
    int rc = store_open(db, &s, err);
    if (!rc) rc = search_split_by_fit(s, uscc, today, res, err);
    store_close(s);
    return rc;
}

static int fail(const struct error *e) {
    cli_print_error("duijie search", e);
    return 1;
}

int cli_search(int argc, char **argv) {
    const char *query = NULL, *synonyms = NULL, *db = NULL, *enterprise = NULL;
    char uscc[64];
    const char *docs[64];
    int n_docs = 0;
    struct arena a;
    arena_init(&a, 64 * 1024);
    struct search_query q = {.today = SEARCH_NO_DATE};
    search_filter_init(&q.filter);
    struct error err;
    error_clear(&err);
    int rc = 0;
    bool json = false;
    for (int i = 0; i < argc && !rc; i++) {
        const char *arg = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(arg, "--json")) {
            json = true;
        } else if (!strcmp(arg, "--docs") && has_val) {
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) && n_docs < 64)
                docs[n_docs++] = argv[++i];
        } else if (!strcmp(arg, "--filter") && has_val) {
            rc = search_filter_set(&q.filter, argv[++i], &a, &err);
        } else if (!strcmp(arg, "--enterprise") && has_val) {
            enterprise = argv[++i];
        } else if (!strcmp(arg, "--region") && has_val) {
            q.filter.region = argv[++i];
        } else if (!strcmp(arg, "--limit") && has_val) {
            q.limit = atoi(argv[++i]);
        } else if (!strcmp(arg, "--offset") && has_val) {
            q.offset = atoi(argv[++i]);
        } else if (!strcmp(arg, "--today") && has_val) {
            const char *d = argv[++i];
            rc = date_parse(d, strlen(d), &q.today, &err);
        } else if (!strcmp(arg, "--db") && has_val) {
            db = argv[++i];
        } else if (!strcmp(arg, "--synonyms") && has_val) {
            synonyms = argv[++i];
        } else if (!strncmp(arg, "--", 2)) {
            usage();
            arena_release(&a);
            return 2;
        } else if (!query) {
            query = arg;
        } else {
            char *joined = arena_alloc(&a, strlen(query) + strlen(arg) + 2);
            if (joined) sprintf(joined, "%s %s", query, arg);
            query = joined;
        }
    }
    if (rc) {
        arena_release(&a);
        return fail(&err);
    }
    if (!query) {
        usage();
        arena_release(&a);
        return 2;
    }
    if (!n_docs && !db) docs[n_docs++] = "data/demo/policies.json";
    char *qcopy = arena_strdup(&a, query);
    if (!enterprise && qcopy && db) enterprise = take_uscc(qcopy, uscc, sizeof uscc);
    q.q = enterprise && qcopy && db ? qcopy : query;
    struct search_lexicon *lex = NULL;
    struct search_index *idx = NULL;
    struct search_doc_list list;
    search_doc_list_init(&list);
    rc = search_lexicon_new(&lex, &err);
    if (!rc && synonyms) {
        FILE *f = fopen(synonyms, "rb");
        char *text = NULL;
        size_t cap = 0;
        ssize_t n = f ? getdelim(&text, &cap, 0, f) : -1;
        if (f) fclose(f);
        rc = n < 0 ? error_set(&err, ERR_IO, "无法读取 %s", "cannot read %s", synonyms)
                   : search_lexicon_add_text(lex, text, (size_t)n, &err);
        free(text);
    }
    for (int i = 0; !rc && i < n_docs; i++)
        rc = search_load_json(&list, docs[i], &err);
    if (!rc && db) {
        struct store *st = NULL;
        rc = store_open(db, &st, &err);
        if (!rc) rc = search_load_store(&list, st, &err);
        store_close(st);
    }
    if (!rc) rc = search_index_build(lex, list.docs, list.n_docs, &idx, &err);
    struct search_results res;
    if (!rc) rc = search_run(idx, &q, &a, &res, &err);
    if (!rc && enterprise && !db)
        rc = error_set(&err, ERR_INVALID, "按企业匹配需要 --db",
                       "matching an enterprise needs --db");
    if (!rc && enterprise)
        rc = split(db, enterprise, q.today == SEARCH_NO_DATE ? date_today() : q.today, &res, &err);
    if (!rc && json) {
        struct buf b;
        buf_init(&b);
        search_results_json(&res, &b);
        puts(buf_str(&b));
        buf_release(&b);
    } else if (!rc) {
        print_text(&res, enterprise != NULL);
    }
    search_index_free(idx);
    search_lexicon_free(lex);
    search_doc_list_release(&list);
    search_thread_release();
    arena_release(&a);
    return rc ? fail(&err) : 0;
}
