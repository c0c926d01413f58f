/* Tests for src/util: dates, exact ratios and money formatting, UTF-8, buffers, the string map. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/num.h"
#include "util/strmap.h"
#include "util/utf8.h"

TEST(util_date_roundtrip) {
    for (int32_t d = -800000; d < 800000; d += 97) {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        if (date_from_ymd(y, m, dd) != d) {
            CHECK(false);
            break;
        }
    }
    CHECK_INT(date_from_ymd(1970, 1, 1), 0);
    CHECK_INT(date_weekday(date_from_ymd(2026, 11, 24)), 1); /* a Tuesday */
}

TEST(util_date_parse) {
    static const struct {
        const char *s;
        int y, m, d;
    } ok[] = {{"2025-01-01", 2025, 1, 1},         {"2025/1/2", 2025, 1, 2},
              {"2025年1月3日", 2025, 1, 3},       {"20250104", 2025, 1, 4},
              {"２０２５年１月５日", 2025, 1, 5}, {" 2024-02-29 ", 2024, 2, 29}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int32_t d;
        test_case(ok[i].s);
        CHECK_INT(date_parse(ok[i].s, strlen(ok[i].s), &d, NULL), 0);
        CHECK_INT(d, date_from_ymd(ok[i].y, ok[i].m, ok[i].d));
    }
    static const char *bad[] = {"2025-02-29", "2025-13-01", "abc", "", "2025-01-01x", "2025年"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int32_t d;
        struct error e;
        error_clear(&e);
        test_case(bad[i]);
        CHECK(date_parse(bad[i], strlen(bad[i]), &d, &e) != 0);
        CHECK(e.zh[0] && e.en[0]);
    }
    CHECK_INT(date_years_between(date_from_ymd(2020, 2, 29), date_from_ymd(2021, 2, 28)), 0);
    CHECK_INT(date_years_between(date_from_ymd(2020, 2, 29), date_from_ymd(2021, 3, 1)), 1);
}

TEST(util_ratio_exact) {
    struct ratio a = {2500000, 50000000}, five = {5, 100};
    CHECK_INT(ratio_cmp(a, five), 0);
    CHECK_INT(ratio_cmp((struct ratio){INT64_MAX, 3}, (struct ratio){INT64_MAX - 1, 3}), 1);
    struct ratio r;
    CHECK(ratio_mul((struct ratio){42000000000LL, 1}, (struct ratio){10, 100}, &r));
    int64_t v;
    CHECK(ratio_round(r, &v));
    CHECK_INT(v, 4200000000LL);
    CHECK(ratio_round((struct ratio){5, 2}, &v) && v == 3);
    CHECK(ratio_round((struct ratio){-5, 2}, &v) && v == -3);
    CHECK(!ratio_mul((struct ratio){INT64_MAX, 1}, (struct ratio){INT64_MAX, 1}, &r));
    CHECK(!ratio_div((struct ratio){1, 1}, (struct ratio){0, 1}, &r));
    char buf[64];
    CHECK_STR(ratio_format_percent((struct ratio){1, 3}, buf, sizeof buf), "33.33%");
    CHECK_STR(ratio_format((struct ratio){9, 2}, 4, buf, sizeof buf), "4.5");
    CHECK_INT(ratio_floor((struct ratio){-7, 2}), -4);
}

TEST(util_money_format) {
    char buf[64];
    CHECK_STR(money_format(4200000000LL, buf, sizeof buf), "4,200万元");
    CHECK_STR(money_format(1234567, buf, sizeof buf), "12,345.67元");
    CHECK_STR(money_format(0, buf, sizeof buf), "0元");
    CHECK_STR(money_format(-150000000, buf, sizeof buf), "-150万元");
    CHECK_STR(money_format_yuan(1234567, buf, sizeof buf), "12345.67");
    CHECK_STR(money_format(INT64_MIN, buf, sizeof buf), "-92,233,720,368,547,758.08元");
}

TEST(util_utf8) {
    size_t off = 99;
    CHECK(utf8_is_valid("青岛", 6, &off));
    CHECK(!utf8_is_valid("ab\xe9\x9d", 4, &off));
    CHECK_INT(off, 2);
    CHECK(!utf8_is_valid("\xc0\xaf", 2, &off));     /* overlong */
    CHECK(!utf8_is_valid("\xed\xa0\x80", 3, &off)); /* surrogate */
    size_t n;
    char *f = utf8_fold_width("１２３ＡＢ　x", strlen("１２３ＡＢ　x"), &n);
    CHECK_STR(f, "123AB x");
    free(f);
    const char *s = "\xe3\x80\x80 ab \xe3\x80\x80";
    size_t len = strlen(s);
    const char *t = utf8_trim(s, &len);
    CHECK(len == 2 && memcmp(t, "ab", 2) == 0);
    char out[4];
    CHECK_INT(utf8_encode(0x9752, out), 3);
    CHECK_INT(utf8_encode(0xD800, out), 0);
}

TEST(util_buf_arena_strmap) {
    struct buf b;
    buf_init(&b);
    buf_printf(&b, "%d-%s", 7, "x");
    buf_json_str(&b, "a\"b\n");
    CHECK_STR(buf_str(&b), "7-x\"a\\\"b\\n\"");
    buf_release(&b);
    struct arena a;
    arena_init(&a, 64);
    for (int i = 0; i < 1000; i++)
        CHECK(arena_alloc(&a, 24) != NULL);
    CHECK(arena_alloc(&a, 100000) != NULL);
    CHECK_STR(arena_strdup(&a, "青岛"), "青岛");
    arena_release(&a);
    struct strmap m;
    strmap_init(&m);
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        strmap_put(&m, key, strlen(key), i);
    }
    int64_t v = -1;
    CHECK(strmap_get(&m, "k4321", 5, &v) && v == 4321);
    CHECK(!strmap_get(&m, "k5000", 5, &v));
    strmap_release(&m);
}
