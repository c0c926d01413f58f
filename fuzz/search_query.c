/* Fuzz target for the search query language: any bytes as a query must give a result or an error
 * (invalid UTF-8, unclosed quote, empty, too long), never a crash, over a small real index. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"

static struct search_lexicon *lex;
static struct search_index *idx;

static void setup(void) {
    struct error err;
    if (search_lexicon_new(&lex, &err)) abort();
    static const struct search_doc docs[] = {
        {.id = "a",
         .title = "高企认定奖励",
         .text = "对首次通过认定的高新技术企业,给予一次性奖励20万元。",
         .department = "青岛市科学技术局",
         .region = "青岛市",
         .kind = "奖励",
         .issued = 20000,
         .valid_from = SEARCH_NO_DATE,
         .valid_to = 21000,
         .amount_fen = -1},
        {.id = "b",
         .title = "专精特新企业贷款贴息",
         .text = "按贷款市场报价利率(LPR)的35%给予贴息,最高50万元。",
         .department = "崂山区工业和信息化局",
         .region = "崂山区",
         .kind = "贴息",
         .issued = SEARCH_NO_DATE,
         .valid_from = SEARCH_NO_DATE,
         .valid_to = SEARCH_NO_DATE,
         .amount_fen = -1},
    };
    if (search_index_build(lex, docs, 2, &idx, &err)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!idx) setup();
    char *q = malloc(size + 1);
    if (!q) return 0;
    memcpy(q, data, size);
    q[size] = 0;
    struct arena a;
    arena_init(&a, 4096);
    struct search_parsed parsed;
    struct error err;
    search_parse(lex, q, &a, &parsed, &err);
    struct search_query sq = {
        .q = q, .limit = 3, .snippet_chars = 1 + (int)(size % 50), .today = 20500};
    search_filter_init(&sq.filter);
    struct search_results res;
    if (search_run(idx, &sq, &a, &res, &err) == 0) {
        struct buf b;
        buf_init(&b);
        search_results_json(&res, &b);
        buf_release(&b);
    }
    arena_release(&a);
    free(q);
    return 0;
}
