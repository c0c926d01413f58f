/* Tests for policy text normalisation and splitting (src/text/policy_text.h) and extraction
 * (src/extract). Data-driven cases: tests/data/extract/<case>.txt with <case>.expected.jsonl, one
 * object per expected clause holding "text" and any of the clause's keys to compare exactly. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "extract/extract.h"
#include "rules/rules.h"
#include "test.h"
#include "text/policy_text.h"

static char *norm_of(const char *in) {
    struct text_norm n;
    struct error err;
    if (text_normalize(in, strlen(in), &n, &err)) return NULL;
    char *s = strdup(n.s);
    text_norm_release(&n);
    return s;
}

TEST(extract_normalize_folds_width_and_spaces) {
    char *s = norm_of("对 首次 通过认定的企业，给予２０万元（一次性）奖励。");
    CHECK_STR(s, "对首次通过认定的企业,给予20万元(一次性)奖励。");
    free(s);
    s = norm_of("①对企业给予10万元\u3000奖励");
    CHECK_STR(s, "①对企业给予10万元奖励");
    free(s);
}

TEST(extract_normalize_repairs_pdf_lines) {
    /* narrow lines broken mid-sentence are joined; a page number line is dropped; an item
     * number starts a new line */
    const char *in = "对主营业务收入首次突破100亿元、50亿\n元的企业,分别给予 100 万 元、\n— 2 "
                     "—\n50万元的奖励。对新认定的企业给予\n10万元奖励。\n2.支持中小企业发展。\n";
    char *s = norm_of(in);
    CHECK_STR(s, "对主营业务收入首次突破100亿元、50亿元的企业,分别给予100万元、50万元的奖励。对新认"
                 "定的企业给予10万元奖励。\n2.支持中小企业发展。");
    free(s);
}

TEST(extract_normalize_maps_back_to_input) {
    const char *in =
        "一、奖励\n\n对新认定的全国制造业 “单项冠军”企业给予\n— 2 —\n一次性奖励 200 万元。";
    struct text_norm n;
    struct error err;
    CHECK_INT(text_normalize(in, strlen(in), &n, &err), 0);
    const char *p = strstr(n.s, "对新认定");
    CHECK(strstr(n.s, "企业给予一次性奖励200万元。") != NULL);
    CHECK(p != NULL);
    if (p) {
        size_t a = (size_t)(p - n.s), st, en;
        text_norm_span(&n, a, n.len, &st, &en);
        CHECK_STR(in + st, "对新认定的全国制造业 “单项冠军”企业给予\n— 2 —\n一次性奖励 200 万元。");
        CHECK_INT(en, strlen(in));
    }
    text_norm_release(&n);
}

/* text_unwrap: the same lines joined as text_normalize joins, the characters as they were (spaces
 * inside a line, full-width punctuation), page numbers gone, paragraphs kept, and a space between
 * two Latin words that the page's width had split. */
TEST(extract_unwrap_keeps_the_text_joins_the_lines) {
    const char *in = "对主营业务收入首次突破100亿元、50亿\n元的企业，分别给予 100 万 元、\n— 2 "
                     "—\n50万元的奖励。对新认定的企业给予\n10万元奖励。\n2.支持中小企业发展。\n\n"
                     "第三条 Apply online at the\nportal.\n";
    char *out = NULL;
    size_t len = 0;
    struct error err;
    CHECK_INT(text_unwrap(in, strlen(in), &out, &len, &err), 0);
    CHECK_STR(
        out ? out : "",
        "对主营业务收入首次突破100亿元、50亿元的企业，分别给予 100 万 元、50万元的奖励。对新认定"
        "的企业给予10万元奖励。\n2.支持中小企业发展。\n\n第三条 Apply online at the portal.\n");
    CHECK_INT(len, out ? strlen(out) : 0);
    free(out);
    CHECK_INT(text_unwrap("a\xff", 2, &out, &len, &err), ERR_UTF8);
    CHECK(out == NULL);
    CHECK_INT(text_unwrap("", 0, &out, &len, &err), 0);
    CHECK_STR(out ? out : "(null)", "");
    free(out);
}

TEST(extract_normalize_rejects_bad_input) {
    struct text_norm n;
    struct error err;
    const char bad[] = "对企业\xff给予";
    CHECK_INT(text_normalize(bad, sizeof bad - 1, &n, &err), ERR_UTF8);
    CHECK_INT(err.offset, 9);
    CHECK_INT(text_normalize(bad, (size_t)TEXT_MAX_INPUT + 1, &n, &err), ERR_TOO_LARGE);
    struct extract_result r;
    CHECK_INT(extract_policy(bad, sizeof bad - 1, &r, &err), ERR_UTF8);
    extract_result_release(&r);
    CHECK_INT(extract_policy("", 0, &r, &err), 0);
    CHECK_INT(r.n_clauses, 0);
    extract_result_release(&r);
}

TEST(extract_item_markers) {
    static const struct {
        const char *s;
        enum text_marker mk;
        size_t n;
    } cases[] = {
        {"第一章 总则", MK_CHAPTER, 9}, {"第十二条 对企业", MK_ARTICLE, 12},
        {"一、申报条件", MK_CN, 6},     {"(一)适用范围", MK_CN_PAREN, 5},
        {"1.注册直接补助", MK_NUM, 2},  {"12、企业信用", MK_NUM, 5},
        {"(3)济南市", MK_NUM_PAREN, 3}, {"①对企业", MK_CIRCLED, 3},
        {"1.5亿元以上", MK_NONE, 0},    {"二、三年", MK_NONE, 0},
        {"2017年", MK_NONE, 0},         {"第二年给予", MK_NONE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        enum text_marker mk;
        size_t n = text_item_marker(cases[i].s, strlen(cases[i].s), &mk);
        test_case(cases[i].s);
        CHECK_INT(n, cases[i].n);
        CHECK_INT(mk, cases[i].mk);
    }
}

TEST(extract_split_headings_items_sentences) {
    const char *in =
        "青岛市现代产业精准招商政策措施一、总部经济引进政策1.注册直接补助:按注册资本给予"
        "1000-4000万元补助。2.地方贡献奖励:连奖3年(第一年奖50%,第二、三年奖25%)。";
    struct text_norm n;
    struct text_units u;
    struct error err;
    CHECK_INT(text_normalize(in, strlen(in), &n, &err), 0);
    CHECK_INT(text_split(&n, &u, &err), 0);
    int headings = 0, sentences = 0;
    for (int k = 0; k < u.n; k++) {
        if (u.v[k].kind == TU_HEADING) headings++;
        if (u.v[k].kind == TU_SENTENCE) sentences++;
    }
    CHECK_INT(headings, 2);
    CHECK_INT(sentences, 2);
    if (u.n == 4) {
        CHECK(strncmp(n.s + u.v[2].start, "注册直接补助", strlen("注册直接补助")) == 0);
        CHECK_INT(u.v[2].marker, MK_NUM);
        CHECK_INT(u.v[2].heading, 1); /* under 一、总部经济引进政策 */
        CHECK_INT(u.v[1].marker, MK_CN);
    }
    text_units_release(&u);
    text_norm_release(&n);
}

TEST(extract_lexicon_loads) {
    CHECK(extract_lexicon_size() > 200);
}

/* ---- data-driven cases ---- */

static void check_case(const char *dir, const char *name) {
    char path[1024];
    size_t len = 0, elen = 0;
    char *text = NULL, *expected = NULL;
    if (snprintf(path, sizeof path, "%s/%s.txt", dir, name) < (int)sizeof path)
        text = test_read_file(path, &len);
    if (snprintf(path, sizeof path, "%s/%s.expected.jsonl", dir, name) < (int)sizeof path)
        expected = test_read_file(path, &elen);
    if (!text || !expected) {
        test_failf(__FILE__, __LINE__, "%s: cannot read the case's files", name);
        free(text);
        free(expected);
        return;
    }
    struct extract_result r;
    struct error err;
    int rc = extract_policy(text, len, &r, &err);
    CHECK_INT(rc, 0);
    json_t **got = calloc((size_t)r.n_clauses + 1, sizeof *got);
    struct buf b;
    buf_init(&b);
    for (int k = 0; k < r.n_clauses && got; k++) {
        buf_clear(&b);
        extract_clause_json(&r.clauses[k], &b);
        json_error_t je;
        got[k] = json_loads(buf_str(&b), 0, &je);
        if (!got[k])
            test_failf(__FILE__, __LINE__, "%s: clause %d is not JSON: %s", name, k, je.text);
    }
    int line = 0;
    for (char *p = expected, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl) *nl = 0;
        line++;
        if (!*p) continue;
        json_error_t je;
        json_t *want = json_loads(p, 0, &je);
        if (!want) {
            test_failf(__FILE__, __LINE__, "%s.expected.jsonl:%d: %s", name, line, je.text);
            continue;
        }
        const char *wt = json_string_value(json_object_get(want, "text"));
        json_t *match = NULL;
        for (int k = 0; k < r.n_clauses && got && wt; k++)
            if (got[k] && strcmp(json_string_value(json_object_get(got[k], "text")), wt) == 0)
                match = got[k];
        if (!match) {
            test_failf(__FILE__, __LINE__, "%s:%d: no clause with text \"%s\"", name, line,
                       wt ? wt : "(none)");
            json_decref(want);
            continue;
        }
        const char *key;
        json_t *v;
        json_object_foreach(want, key, v) {
            json_t *g = json_object_get(match, key);
            if (!g || !json_equal(g, v)) {
                char *ws = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
                char *gs = g ? json_dumps(g, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
                test_failf(__FILE__, __LINE__, "%s:%d %s: got %s, expected %s", name, line, key,
                           gs ? gs : "(missing)", ws ? ws : "?");
                free(ws);
                free(gs);
            }
        }
        json_decref(want);
    }
    for (int k = 0; k < r.n_clauses && got; k++)
        json_decref(got[k]);
    free(got);
    buf_release(&b);
    extract_result_release(&r);
    free(text);
    free(expected);
}

TEST(extract_cases) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/extract", test_data_dir());
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    char *names[256];
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < 256) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0)
            names[n++] = strndup(de->d_name, l - 4);
    }
    closedir(d);
    CHECK(n > 0);
    for (int k = 0; k < n; k++) {
        test_case(names[k]);
        check_case(dir, names[k]);
        free(names[k]);
    }
}

/* Only comment lines (or nothing): the proposal left everything to the officer. */
static bool only_comments(const char *rule) {
    for (const char *p = rule; *p;) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p) break;
        if (*p != '#') return false;
        p = strchr(p, '\n');
        if (!p) break;
    }
    return true;
}

/* Every proposed rule for the dev clauses compiles in the rule language, or says why not. */
TEST(extract_rules_compile) {
    char dir[512];
    snprintf(dir, sizeof dir, "%s/clauses-dev/src", test_data_dir());
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) return;
    struct dirent *de;
    int compiled = 0, left = 0;
    while ((de = readdir(d))) {
        if (!strstr(de->d_name, ".txt")) continue;
        char path[1024];
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path) continue;
        size_t len;
        char *text = test_read_file(path, &len);
        if (!text) continue;
        struct extract_result r;
        struct error err;
        CHECK_INT(extract_policy(text, len, &r, &err), 0);
        for (int k = 0; k < r.n_clauses; k++) {
            const struct extract_clause *c = &r.clauses[k];
            struct rule *rule = NULL;
            int rc = rules_compile(c->rule, strlen(c->rule), de->d_name, &rule, &err);
            if (rc == 0) {
                compiled++;
                rules_free(rule);
                continue;
            }
            left++;
            if (!(c->n_rule_notes > 0 && only_comments(c->rule))) {
                char buf[900];
                test_failf(__FILE__, __LINE__, "%s: rule for \"%.60s\" does not compile: %s\n%s",
                           de->d_name, c->text, error_format(&err, buf, sizeof buf), c->rule);
            }
        }
        extract_result_release(&r);
        free(text);
    }
    closedir(d);
    CHECK(compiled > left); /* most clauses get a rule the officer only has to confirm */
}
