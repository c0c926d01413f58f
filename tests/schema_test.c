/* Tests for src/schema: look-ups by key/label/alias, suggestions, value parsing for every type. */
#include <string.h>

#include "refdata/refdata.h"
#include "schema/schema.h"
#include "test.h"

static const struct field_def *find(const char *s) {
    return schema_find(s, strlen(s));
}

TEST(schema_lookup) {
    CHECK(find("rd_ratio") == schema_field(F_RD_RATIO));
    CHECK(find("研发费用占比") == schema_field(F_RD_RATIO));
    CHECK(find("研发投入占比") == schema_field(F_RD_RATIO));
    CHECK(find("主营业务收入") == schema_field(F_REVENUE));
    CHECK(find(" 注册地 ") == schema_field(F_REGION));
    CHECK(find("REVENUE") == schema_field(F_REVENUE));
    CHECK(find("不存在") == NULL);
    const struct field_def *s = schema_suggest("研发费占比", strlen("研发费占比"));
    CHECK(s == schema_field(F_RD_RATIO));
    s = schema_suggest("revenu", 6);
    CHECK(s == schema_field(F_REVENUE));
    CHECK(schema_suggest("完全无关的名字啊", strlen("完全无关的名字啊")) == NULL);
    for (int i = 0; i < F_COUNT; i++) {
        const struct field_def *f = schema_field((enum field_id)i);
        CHECK_INT(f->id, i);
        CHECK(find(f->key) == f && find(f->label) == f);
        if (f->type == FT_SET) CHECK(schema_value_count(f) <= 64);
    }
}

static int parse(enum field_id id, const char *s, struct value *v, struct error *e) {
    struct arena a;
    arena_init(&a, 0);
    error_clear(e);
    int rc = schema_parse_value(schema_field(id), s, strlen(s), &a, v, NULL, 0, e);
    if (v->s) v->s = NULL; /* the arena goes away */
    arena_release(&a);
    return rc;
}

TEST(schema_parse_values) {
    struct value v;
    struct error e;
    CHECK(parse(F_QUALIFICATIONS, "高企、专精特新,小巨人", &v, &e) == 0);
    CHECK_INT(v.i, (1 << 0) | (1 << 3) | (1 << 4));
    CHECK(parse(F_QUALIFICATIONS, "高企、火星企业", &v, &e) != 0 &&
          strcmp(e.field, "qualifications") == 0);
    CHECK(parse(F_DISHONEST, "否", &v, &e) == 0 && v.has && v.i == 0);
    CHECK(parse(F_DISHONEST, "是", &v, &e) == 0 && v.i == 1);
    CHECK(parse(F_DISHONEST, "也许", &v, &e) != 0);
    CHECK(parse(F_TAX_CREDIT, "A级", &v, &e) == 0 && v.i == 0);
    CHECK(parse(F_REGION, "西海岸新区", &v, &e) == 0 && region_at((int)v.i)->code == 370211);
    CHECK(parse(F_INDUSTRY, "制造业", &v, &e) == 0);
    CHECK(parse(F_EMPLOYEES, "120人", &v, &e) == 0 && v.i == 120);
    CHECK(parse(F_REVENUE, "", &v, &e) == 0 && !v.has); /* empty = missing */
    CHECK(parse(F_REVENUE, "-", &v, &e) == 0 && !v.has);
    CHECK(parse(F_REVENUE, "\xff\xfe", &v, &e) == ERR_UTF8);
    CHECK(parse(F_ESTABLISHED, "2019年5月20日", &v, &e) == 0 && v.has);
    CHECK(parse(F_RD_RATIO, "5%", &v, &e) == 0 && ratio_cmp(v.r, (struct ratio){1, 20}) == 0);
    char buf[64];
    CHECK(parse(F_REVENUE, "4200万元", &v, &e) == 0);
    CHECK_STR(schema_format_value(schema_field(F_REVENUE), &v, buf, sizeof buf), "4,200万元");
    CHECK(parse(F_QUALIFICATIONS, "高企;瞪羚", &v, &e) == 0);
    CHECK_STR(schema_format_value(schema_field(F_QUALIFICATIONS), &v, buf, sizeof buf),
              "高新技术企业、瞪羚企业");
}
