/* Owns `duijie extract`: a policy in (plain UTF-8 text, HTML, GB18030 text, a Word .docx, or a
 * PDF read as an uploaded one is, src/text/pdf.c; a file or stdin), its clauses out, one JSON
 * object per line (--json) or a short readable listing. The extraction itself is src/extract's; the
 * conversions src/text's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* HTML when asked, named .htm/.html, or opening with a tag. */
static bool looks_html(const char *path, const char *text, size_t len) {
    if (path && (ends_with(path, ".html") || ends_with(path, ".htm"))) return true;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    return i + 5 < len && text[i] == '<' &&
           (strncasecmp(text + i, "<!doc", 5) == 0 || strncasecmp(text + i, "<html", 5) == 0 ||
            strncasecmp(text + i, "<div", 4) == 0 || strncasecmp(text + i, "<p", 2) == 0);
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
    bool json = false, html = false, pdf = false, gb18030 = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--html") == 0)
            html = true;
        else if (strcmp(argv[i], "--pdf") == 0)
            pdf = true;
        else if (strcmp(argv[i], "--gb18030") == 0)
            gb18030 = true;
        else if (argv[i][0] == '-' && argv[i][1])
            fprintf(stderr, "duijie extract: 未知选项 %s / unknown option %s\n", argv[i], argv[i]);
        else
            path = argv[i];
    }
    struct error err;
    error_clear(&err);
    size_t len = 0;
    char *text = NULL;
    bool html_done = false; /* text_from_document has already read it as HTML */
    if (path && strcmp(path, "-") != 0 && (ends_with(path, ".pdf") || pdf)) {
        /* the same reader as an uploaded PDF's (src/text/pdf.c) */
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "duijie extract: 无法打开 %s / cannot open %s\n", path, path);
            return 1;
        }
        char *bytes = read_all(f, &len, &err);
        fclose(f);
        if (bytes && text_from_pdf(bytes, len, &text, &len, &err)) text = NULL;
        free(bytes);
    } else {
        FILE *f = !path || strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "duijie extract: 无法打开 %s / cannot open %s\n", path, path);
            return 1;
        }
        text = read_all(f, &len, &err);
        if (f != stdin) fclose(f);
        if (text && !gb18030 && !html) {
            /* a file as an officer has it: Word, text in UTF-8, UTF-16 or GB18030, a web page */
            struct text_doc_info info;
            char *u;
            size_t ul;
            int rc = text_from_document(text, len, path, &u, &ul, &info, &err);
            free(text);
            text = rc ? NULL : u;
            len = rc ? 0 : ul;
            if (!rc && strcmp(info.kind, "html") == 0) html_done = true;
        }
    }
    if (text && gb18030) {
        char *u;
        size_t ul;
        if (text_from_gb18030(text, len, &u, &ul, &err) == 0) {
            free(text);
            text = u;
            len = ul;
        } else {
            free(text);
            text = NULL;
        }
    }
    if (text && !html_done && (html || looks_html(path, text, len))) {
        char *t;
        size_t tl;
        if (text_from_html(text, len, &t, &tl, &err) == 0) {
            free(text);
            text = t;
            len = tl;
        } else {
            free(text);
            text = NULL;
        }
    }
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
