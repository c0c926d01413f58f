/* Tests for src/text/number: amounts and quantities as written in Chinese documents. */
#include <string.h>

#include "test.h"
#include "text/number.h"

TEST(text_money) {
    static const struct {
        const char *s;
        long long fen;
    } ok[] = {{"2000万元", 2000000000LL},  {"1.5亿", 15000000000LL},       {"300,000元", 30000000},
              {"二十万元", 20000000},      {"２０００万元", 2000000000LL}, {"12345.67", 1234567},
              {"一百五十万元", 150000000}, {"两千三百万", 2300000000LL},   {"0.01元", 1},
              {"10亿元", 100000000000LL},  {"3千万元", 3000000000LL},      {"壹拾万元", 10000000},
              {"-5万元", -5000000},        {"1,234,567.89元", 123456789},  {"50万元整", 50000000}};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        int64_t fen = 0;
        test_case(ok[i].s);
        CHECK_INT(text_parse_money(ok[i].s, strlen(ok[i].s), &fen, NULL), 0);
        CHECK_INT(fen, ok[i].fen);
    }
    static const char *bad[] = {"", "abc", "5%", "0.001元", "12人", "100万元多", "1,23元", "\xff"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t fen;
        struct error e;
        error_clear(&e);
        test_case(bad[i]);
        CHECK(text_parse_money(bad[i], strlen(bad[i]), &fen, &e) != 0);
        CHECK(e.zh[0] && e.en[0]);
    }
}

TEST(text_quantities) {
    struct quantity q;
    CHECK(text_parse_quantity("10%", 3, &q) == 3 && q.unit == UNIT_PERCENT &&
          ratio_cmp(q.value, (struct ratio){1, 10}) == 0);
    const char *s = "百分之五";
    CHECK(text_parse_quantity(s, strlen(s), &q) == strlen(s) && q.unit == UNIT_PERCENT &&
          ratio_cmp(q.value, (struct ratio){1, 20}) == 0);
    s = "三年";
    CHECK(text_parse_quantity(s, strlen(s), &q) == strlen(s) && q.unit == UNIT_YEAR &&
          q.value.num == 3);
    s = "6个月";
    CHECK(text_parse_quantity(s, strlen(s), &q) == strlen(s) && q.unit == UNIT_MONTH);
    s = "500人以上";
    CHECK(text_parse_quantity(s, strlen(s), &q) == strlen("500人") && q.unit == UNIT_PERSON);
    int64_t n;
    CHECK(text_parse_count("一百二十人", strlen("一百二十人"), &n, NULL) == 0 && n == 120);
    CHECK(text_parse_count("12.5", 4, &n, NULL) != 0);
    struct ratio r;
    CHECK(text_parse_ratio("0.052", 5, &r, NULL) == 0 &&
          ratio_cmp(r, (struct ratio){52, 1000}) == 0);
    CHECK(text_parse_ratio("5.2%", 4, &r, NULL) == 0 &&
          ratio_cmp(r, (struct ratio){52, 1000}) == 0);
}

TEST(text_numbers_chinese) {
    static const struct {
        const char *s;
        long long v;
    } cases[] = {{"十", 10},
                 {"十二", 12},
                 {"二十", 20},
                 {"一百零五", 105},
                 {"一千", 1000},
                 {"三万五千", 35000},
                 {"十二亿", 1200000000LL},
                 {"一亿零五百万", 105000000LL},
                 {"两", 2}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ratio r;
        test_case(cases[i].s);
        CHECK_INT(text_parse_number(cases[i].s, strlen(cases[i].s), &r), strlen(cases[i].s));
        CHECK_INT(r.num / r.den, cases[i].v);
    }
}
