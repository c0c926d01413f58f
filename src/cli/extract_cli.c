/* Owns `duijie extract`: a policy text in (a file or stdin), its clauses out, one JSON object per
 * line (--json) or a short readable listing. The extraction itself is src/extract's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "extract/extract.h"
#include "text/policy_text.h"
#include "util/buf.h"

static char *read_all(FILE *f, size_t *len, struct error *err) {
    struct buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&b, chunk, n);
        if (b.len > TEXT_MAX_INPUT) {
            buf_release(&b);
            error_set(err, ERR_TOO_LARGE, "政策文本超过 %u 字节上限", "policy text over %u bytes",
                      (unsigned)TEXT_MAX_INPUT);
            return NULL;
        }
    }
    if (ferror(f) || b.is_oom) {
        buf_release(&b);
        error_set(err, ERR_IO, "读取失败", "read failed");
        return NULL;
    }
    *len = b.len;
    char *s = buf_detach(&b);
    return s ? s : calloc(1, 1);
}

static void print_plain(const struct extract_clause *c, int i) {
    printf("[%d] %s\n", i + 1, c->text);
    if (c->subject) printf("    对象: %s\n", c->subject);
    for (int k = 0; k < c->n_benefits; k++) {
        const struct extract_benefit *b = &c->benefits[k];
        char x[64];
        printf("    %s:", b->kind);
        if (b->has_min) printf(" 下限 %s", money_format(b->min_fen, x, sizeof x));
        if (b->has_max) printf(" 上限 %s", money_format(b->max_fen, x, sizeof x));
        if (b->has_rate) printf(" 比例 %s", ratio_format_percent(b->rate, x, sizeof x));
        if (b->basis) printf(" 基数 %s", b->basis);
        if (b->has_cap) printf(" 最高 %s", money_format(b->cap_fen, x, sizeof x));
        if (b->per) printf(" (%s)", b->per);
        printf("\n");
    }
    for (int k = 0; k < c->n_conditions; k++)
        printf("    条件: %s %s ← %s\n", c->conditions[k].field, c->conditions[k].op,
               c->conditions[k].text ? c->conditions[k].text : "");
    if (c->department) printf("    部门: %s\n", c->department);
    if (c->deadline) printf("    期限: %s\n", c->deadline);
    printf("    规则:\n      %s\n", c->rule);
}

int cli_extract(int argc, char **argv) {
    const char *path = NULL;
    bool json = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1])
            fprintf(stderr, "duijie extract: 未知选项 %s / unknown option %s\n", argv[i], argv[i]);
        else
            path = argv[i];
    }
    struct error err;
    error_clear(&err);
    FILE *f = !path || strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "duijie extract: 无法打开 %s / cannot open %s\n", path, path);
        return 1;
    }
    size_t len = 0;
    char *text = read_all(f, &len, &err);
    if (f != stdin) fclose(f);
    if (!text) {
        cli_print_error("duijie extract", &err);
        return 1;
    }
    struct extract_result r;
    int rc = extract_policy(text, len, &r, &err);
    if (rc) {
        cli_print_error("duijie extract", &err);
        extract_result_release(&r);
        free(text);
        return 1;
    }
    struct buf o;
    buf_init(&o);
    for (int i = 0; i < r.n_clauses; i++) {
        if (json) {
            buf_clear(&o);
            extract_clause_json(&r.clauses[i], &o);
            puts(buf_str(&o));
        } else {
            print_plain(&r.clauses[i], i);
        }
    }
    buf_release(&o);
    extract_result_release(&r);
    free(text);
    return 0;
}
