/* Owns the 统一社会信用代码 check (GB 32100-2015): normalisation, alphabet, ISO 7064 MOD 31-3 check
 * character; the inner 组织机构代码 check (GB 11714) and the position-1/2 table give warnings only.
 */
#include "enterprise/enterprise.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int char_value(char c) {
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

char uscc_check_char(const char *first17) {
    int weight = 1, sum = 0;
    for (int i = 0; i < 17; i++) {
        int v = char_value(first17[i]);
        if (v < 0) return 0;
        sum += v * weight;
        weight = weight * 3 % 31;
    }
    int c = 31 - sum % 31;
    return alphabet[c == 31 ? 0 : c];
}

/* Known 登记管理部门 (position 1) and 机构类别 (position 2) pairs. */
static bool known_pair(char a, char b) {
    static const char *pairs[] = {"1:1239", "2:19", "3:123459", "4:19", "5:1239", "6:129",
                                  "7:129",  "8:19", "9:123",    "A:19", "N:1239", "Y:1"};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        if (pairs[i][0] == a) return strchr(pairs[i] + 2, b) != NULL;
    return false;
}

/* GB 11714: 8 characters, weights 3 7 9 10 5 8 4 2, C9 = 11 − Σ mod 11 (10 → X, 11 → 0). */
static char org_check_char(const char *org8) {
    static const int w[] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        char c = org8[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : -1;
        if (v < 0) return 0;
        sum += v * w[i];
    }
    int c = 11 - sum % 11;
    return c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
}

static void fail(struct uscc_result *r, const char *zh, const char *en) {
    r->is_valid = false;
    snprintf(r->error_zh, sizeof r->error_zh, "%s", zh);
    snprintf(r->error_en, sizeof r->error_en, "%s", en);
}

static void normalise(const char *s, size_t len, struct uscc_result *r, bool *is_bad_utf8) {
    size_t o = 0;
    const char *p = s, *end = s + len;
    *is_bad_utf8 = false;
    while (p < end && o + 5 < sizeof r->code) {
        const char *start = p;
        int32_t cp = utf8_next(&p, end);
        if (cp < 0) {
            *is_bad_utf8 = true;
            return;
        }
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
        if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == '\r' || cp == '\n') continue;
        if (cp >= 'a' && cp <= 'z') cp -= 32;
        if (cp < 0x80) {
            r->code[o++] = (char)cp;
        } else {
            size_t n = (size_t)(p - start);
            memcpy(r->code + o, start, n);
            o += n;
        }
    }
    r->code[o] = 0;
}

void uscc_check(const char *s, size_t len, struct uscc_result *r) {
    memset(r, 0, sizeof *r);
    bool bad_utf8;
    normalise(s, len, r, &bad_utf8);
    r->is_valid = true;
    if (bad_utf8) {
        fail(r, "含有无效的 UTF-8 字节", "contains invalid UTF-8 bytes");
        return;
    }
    size_t n = strlen(r->code);
    char zh[160], en[160];
    if (n != 18) {
        snprintf(zh, sizeof zh, "长度应为 18 位,实为 %zu 位", utf8_count(r->code, n));
        snprintf(en, sizeof en, "must be 18 characters, got %zu", utf8_count(r->code, n));
        fail(r, zh, en);
        return;
    }
    for (size_t i = 0; i < 18; i++) {
        if (char_value(r->code[i]) < 0) {
            snprintf(zh, sizeof zh, "第 %zu 位“%c”不是允许的字符(不含 I、O、S、V、Z)", i + 1,
                     r->code[i]);
            snprintf(en, sizeof en, "character %zu '%c' is not allowed (I, O, S, V, Z never occur)",
                     i + 1, r->code[i]);
            fail(r, zh, en);
            return;
        }
    }
    char expect = uscc_check_char(r->code);
    if (expect != r->code[17]) {
        snprintf(zh, sizeof zh, "校验码错误:第 18 位应为“%c”,实为“%c”", expect, r->code[17]);
        snprintf(en, sizeof en, "check character wrong: position 18 should be '%c', got '%c'",
                 expect, r->code[17]);
        fail(r, zh, en);
        return;
    }
    if (!known_pair(r->code[0], r->code[1]))
        snprintf(r->warnings[r->n_warnings++], sizeof r->warnings[0],
                 "登记管理部门/机构类别代码“%c%c”不在已知列表中 / unknown registration authority "
                 "and category pair '%c%c'",
                 r->code[0], r->code[1], r->code[0], r->code[1]);
    char oc = org_check_char(r->code + 8);
    if (oc != r->code[16])
        snprintf(r->warnings[r->n_warnings++], sizeof r->warnings[0],
                 "内嵌组织机构代码校验位应为“%c”,实为“%c”(GB 11714) / embedded organisation code "
                 "check should be '%c', got '%c'",
                 oc ? oc : '?', r->code[16], oc ? oc : '?', r->code[16]);
}
