/* Tests for src/refdata: region names, codes, aliases, historic codes, hierarchy; GB/T 4754
 * look-ups. */
#include <string.h>

#include "refdata/refdata.h"
#include "test.h"

static int find(const char *s) {
    return region_find(s, strlen(s), NULL);
}

TEST(refdata_regions) {
    CHECK(region_count() > 300);
    int qd = find("青岛市"), ls = find("崂山区");
    CHECK(qd >= 0 && ls >= 0);
    CHECK_INT(region_at(ls)->code, 370212);
    CHECK(region_is_within(ls, qd));
    CHECK(!region_is_within(qd, ls));
    CHECK_INT(find("西海岸新区"), find("黄岛区"));
    CHECK_INT(find("青岛西海岸新区"), find("370211"));
    CHECK_INT(find("即墨市"), find("即墨区")); /* historic name */
    CHECK_INT(find("370282"), find("370215")); /* historic code */
    CHECK_INT(find("崂山"), ls);               /* short form */
    int town = find("370212001");
    CHECK(town >= 0 && region_is_within(town, ls) && region_is_within(town, qd));
    CHECK_INT(region_ancestor(town, REGION_COUNTY), ls);
    CHECK_INT(find("370212001001"), town); /* a village code falls back to its town */
    CHECK(find("火星区") < 0);
    struct error e;
    error_clear(&e);
    CHECK(region_find("火星区", strlen("火星区"), &e) < 0 && strstr(e.zh, "火星区"));
    char buf[128];
    CHECK_STR(region_path(town, buf, sizeof buf), "青岛市崂山区中韩街道");
}

TEST(refdata_region_paths) {
    int t = find("黄岛区辛安街道");
    CHECK(t >= 0);
    if (t >= 0) CHECK_INT(region_ancestor(t, REGION_COUNTY), find("黄岛区"));
    CHECK_INT(find("青岛市/崂山区"), find("崂山区"));
}

TEST(refdata_industries) {
    bool fb = false;
    CHECK_INT(industry_count(), 20 + 97 + 473 + 1381);
    int c = industry_find("C", 1, NULL, NULL), c39 = industry_find("39", 2, NULL, NULL);
    int cls = industry_find("C3911", 5, &fb, NULL);
    CHECK(c >= 0 && c39 >= 0 && cls >= 0 && !fb);
    CHECK(industry_is_within(cls, c39) && industry_is_within(cls, c));
    CHECK_INT(industry_find("制造业", strlen("制造业"), NULL, NULL), c);
    CHECK_INT(industry_find("3911", 4, NULL, NULL), cls);
    CHECK_INT(industry_find("c", 1, NULL, NULL), c);
    int unknown = industry_find("3999", 4, &fb, NULL); /* not a class: falls back with a warning */
    CHECK(fb && unknown == c39);
    CHECK(industry_find("A3911", 5, NULL, NULL) < 0); /* wrong section letter */
    CHECK(industry_find("X", 1, NULL, NULL) < 0);
    CHECK_INT(industry_ancestor(cls, INDUSTRY_SECTION), c);
}
