/* Owns the parsed region and industry tables and their look-up maps. Built once (pthread_once) from
 * the TSV files embedded by embed.S; never modified afterwards. */
#include "refdata/refdata.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"
#include "util/utf8.h"

extern const char refdata_regions_tsv[];
extern const char refdata_regions_historic_tsv[];
extern const char refdata_industries_tsv[];

#define AMBIGUOUS (-2)

static struct region *regions;
static int n_regions;
static struct industry *industries;
static int n_industries;
static struct strmap region_codes, region_names, industry_codes, industry_names;
static char *text_copy; /* owned: the names point into it */
static int load_rc;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Splits the next line of a TSV into up to `max` fields (tabs → NUL); returns the field count. */
static int next_row(char **cursor, char **fields, int max) {
    char *p = *cursor;
    if (!*p) return -1;
    char *nl = strchr(p, '\n');
    if (nl) {
        *nl = 0;
        *cursor = nl + 1;
    } else {
        *cursor = p + strlen(p);
    }
    size_t l = strlen(p);
    if (l && p[l - 1] == '\r') p[l - 1] = 0;
    int n = 0;
    fields[n++] = p;
    while (n < max && (p = strchr(p, '\t'))) {
        *p++ = 0;
        fields[n++] = p;
    }
    return n;
}

static void put_name(struct strmap *m, const char *name, size_t len, int idx) {
    int64_t old;
    if (strmap_get(m, name, len, &old) && old != idx)
        strmap_put(m, name, len, AMBIGUOUS);
    else
        strmap_put(m, name, len, idx);
}

/* "崂山区" → also "崂山"; "沙子口街道" → "沙子口". Only where the short form stays meaningful. */
static void put_short_name(const char *name, int idx) {
    static const char *suffixes[] = {"街道", "区", "市", "县", "镇", "乡"};
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl + 3 && memcmp(name + len - sl, suffixes[i], sl) == 0) {
            int64_t existing;
            if (!strmap_get(&region_names, name, len - sl, &existing))
                strmap_put(&region_names, name, len - sl, idx);
            return;
        }
    }
}

static char *code_key(int64_t code, char *buf, size_t n) {
    snprintf(buf, n, "%lld", (long long)code);
    return buf;
}

static int load_regions(char *text) {
    char *cur = text, *f[5];
    int cap = 512;
    regions = calloc((size_t)cap, sizeof *regions);
    if (!regions) return ERR_NOMEM;
    next_row(&cur, f, 5); /* header */
    int n;
    while ((n = next_row(&cur, f, 5)) >= 0) {
        if (n < 4 || !f[0][0]) continue;
        if (n_regions == cap) {
            cap *= 2;
            struct region *r = realloc(regions, (size_t)cap * sizeof *r);
            if (!r) return ERR_NOMEM;
            regions = r;
        }
        struct region *r = &regions[n_regions];
        r->code = strtoll(f[0], NULL, 10);
        r->name = f[1];
        r->level = strcmp(f[2], "province") == 0 ? REGION_PROVINCE
                   : strcmp(f[2], "city") == 0   ? REGION_CITY
                   : strcmp(f[2], "county") == 0 ? REGION_COUNTY
                                                 : REGION_TOWN;
        int64_t parent = -1;
        char key[32];
        if (f[3][0]) {
            code_key(strtoll(f[3], NULL, 10), key, sizeof key);
            if (!strmap_get(&region_codes, key, strlen(key), &parent)) parent = -1;
        }
        r->parent = (int)parent;
        code_key(r->code, key, sizeof key);
        strmap_put(&region_codes, key, strlen(key), n_regions);
        n_regions++;
    }
    /* Names after all rows exist, so short forms never shadow a full name. */
    for (int i = 0; i < n_regions; i++)
        put_name(&region_names, regions[i].name, strlen(regions[i].name), i);
    for (int i = 0; i < n_regions; i++)
        put_short_name(regions[i].name, i);
    return 0;
}

static int load_historic(char *text) {
    char *cur = text, *f[5];
    next_row(&cur, f, 5);
    int n;
    char key[32];
    while ((n = next_row(&cur, f, 5)) >= 0) {
        if (n < 3 || !f[0][0]) continue;
        int64_t succ;
        code_key(strtoll(f[2], NULL, 10), key, sizeof key);
        if (!strmap_get(&region_codes, key, strlen(key), &succ)) continue;
        strmap_put(&region_codes, f[0], strlen(f[0]), succ);
        int64_t existing;
        if (!strmap_get(&region_names, f[1], strlen(f[1]), &existing))
            strmap_put(&region_names, f[1], strlen(f[1]), succ);
    }
    /* 青岛西海岸新区 is 黄岛区: one territory, one code. */
    int64_t huangdao;
    if (strmap_get(&region_codes, "370211", 6, &huangdao)) {
        static const char *aliases[] = {"西海岸新区", "青岛西海岸新区", "西海岸"};
        for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
            strmap_put(&region_names, aliases[i], strlen(aliases[i]), huangdao);
    }
    return 0;
}

static enum industry_level industry_level_of(const char *s) {
    if (strcmp(s, "section") == 0) return INDUSTRY_SECTION;
    if (strcmp(s, "division") == 0) return INDUSTRY_DIVISION;
    if (strcmp(s, "group") == 0) return INDUSTRY_GROUP;
    return INDUSTRY_CLASS;
}

static int load_industries(char *text) {
    char *cur = text, *f[5];
    int cap = 2048;
    industries = calloc((size_t)cap, sizeof *industries);
    if (!industries) return ERR_NOMEM;
    next_row(&cur, f, 5);
    int n;
    while ((n = next_row(&cur, f, 5)) >= 0) {
        if (n < 4 || !f[0][0] || strlen(f[0]) >= sizeof industries[0].code) continue;
        if (n_industries == cap) return ERR_RANGE;
        struct industry *ind = &industries[n_industries];
        snprintf(ind->code, sizeof ind->code, "%s", f[0]);
        ind->name = f[1];
        ind->level = industry_level_of(f[2]);
        int64_t parent = -1;
        if (f[3][0] && !strmap_get(&industry_codes, f[3], strlen(f[3]), &parent)) parent = -1;
        ind->parent = (int)parent;
        ind->section = parent >= 0 ? industries[parent].section : n_industries;
        strmap_put(&industry_codes, f[0], strlen(f[0]), n_industries);
        put_name(&industry_names, f[1], strlen(f[1]), n_industries);
        n_industries++;
    }
    return 0;
}

static void load_once(void) {
    size_t a = strlen(refdata_regions_tsv), b = strlen(refdata_regions_historic_tsv),
           c = strlen(refdata_industries_tsv);
    text_copy = malloc(a + b + c + 3);
    if (!text_copy) {
        load_rc = ERR_NOMEM;
        return;
    }
    memcpy(text_copy, refdata_regions_tsv, a + 1);
    memcpy(text_copy + a + 1, refdata_regions_historic_tsv, b + 1);
    memcpy(text_copy + a + b + 2, refdata_industries_tsv, c + 1);
    strmap_init(&region_codes);
    strmap_init(&region_names);
    strmap_init(&industry_codes);
    strmap_init(&industry_names);
    load_rc = load_regions(text_copy);
    if (!load_rc) load_rc = load_historic(text_copy + a + 1);
    if (!load_rc) load_rc = load_industries(text_copy + a + b + 2);
}

int refdata_load(struct error *err) {
    pthread_once(&once, load_once);
    if (load_rc)
        return error_set(err, load_rc, "参考数据加载失败", "reference data failed to load");
    return 0;
}

int region_count(void) {
    refdata_load(NULL);
    return n_regions;
}

const struct region *region_at(int idx) {
    return idx >= 0 && idx < n_regions ? &regions[idx] : NULL;
}

int region_by_code(int64_t code) {
    refdata_load(NULL);
    char key[32];
    int64_t idx;
    code_key(code, key, sizeof key);
    if (strmap_get(&region_codes, key, strlen(key), &idx)) return (int)idx;
    /* 12-digit village codes and 9-digit town codes we do not list fall back to their parent. */
    if (code >= 100000000000LL && code < 1000000000000LL) return region_by_code(code / 1000);
    if (code >= 100000000LL && code < 1000000000LL) return region_by_code(code / 1000);
    return -1;
}

static bool all_digits(const char *s, size_t n) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static int lookup_name(const char *s, size_t n) {
    int64_t idx;
    if (strmap_get(&region_names, s, n, &idx)) return (int)idx;
    return -1;
}

/* A town name that is unique only within its district: "黄岛区辛安街道". */
static int lookup_within(int parent, const char *s, size_t n) {
    for (int i = 0; i < n_regions; i++) {
        if (regions[i].parent != parent) continue;
        size_t l = strlen(regions[i].name);
        if ((l == n && memcmp(regions[i].name, s, n) == 0)) return i;
    }
    for (int i = 0; i < n_regions; i++) {
        if (!region_is_within(i, parent) || i == parent) continue;
        size_t l = strlen(regions[i].name);
        if (l == n && memcmp(regions[i].name, s, n) == 0) return i;
    }
    return -1;
}

static int find_path(const char *s, size_t n) {
    if (n < 4) return -1;
    /* Longest prefix that names a region, then the rest within it. */
    for (size_t cut = n - 1; cut >= 3; cut--) {
        if (((unsigned char)s[cut] & 0xC0) == 0x80) continue; /* not a character boundary */
        int head = lookup_name(s, cut);
        if (head < 0) continue;
        size_t rest = n - cut;
        const char *r = s + cut;
        if (rest && (*r == '/' || *r == ' ')) r++, rest--;
        if (!rest) return head;
        int tail = lookup_within(head, r, rest);
        if (tail >= 0) return tail;
        tail = find_path(r, rest);
        if (tail >= 0 && region_is_within(tail, head)) return tail;
    }
    return -1;
}

int region_find(const char *s, size_t len, struct error *err) {
    int rc = refdata_load(err);
    if (rc) return rc;
    size_t n;
    char *t = utf8_fold_width(s, len, &n);
    if (!t) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t tl = n;
    const char *p = utf8_trim(t, &tl);
    int idx = -1;
    if (all_digits(p, tl)) {
        idx = region_by_code(strtoll(p, NULL, 10));
    } else {
        idx = lookup_name(p, tl);
        if (idx == AMBIGUOUS) {
            error_set(err, ERR_INVALID, "地区名称“%.*s”不唯一,请写明所在区市(如 黄岛区辛安街道)",
                      "region name \"%.*s\" is ambiguous; name its district too", (int)tl, p);
            free(t);
            return ERR_INVALID;
        }
        if (idx < 0) idx = find_path(p, tl);
    }
    if (idx < 0)
        error_set(err, ERR_INVALID, "未知地区:“%.*s”", "unknown region: \"%.*s\"",
                  (int)(tl > 60 ? 60 : tl), p);
    free(t);
    return idx < 0 ? ERR_INVALID : idx;
}

bool region_is_within(int idx, int ancestor) {
    for (int i = idx; i >= 0; i = regions[i].parent)
        if (i == ancestor) return true;
    return false;
}

int region_ancestor(int idx, enum region_level level) {
    for (int i = idx; i >= 0; i = regions[i].parent)
        if (regions[i].level == level) return i;
    return -1;
}

const char *region_path(int idx, char *buf, size_t n) {
    int chain[8], k = 0;
    for (int i = idx; i >= 0 && k < 8; i = regions[i].parent)
        chain[k++] = i;
    size_t o = 0;
    buf[0] = 0;
    for (int j = k - 1; j >= 0; j--) {
        if (regions[chain[j]].level == REGION_PROVINCE && k > 1) continue;
        int w = snprintf(buf + o, n - o, "%s", regions[chain[j]].name);
        if (w < 0 || (size_t)w >= n - o) break;
        o += (size_t)w;
    }
    return buf;
}

int industry_count(void) {
    refdata_load(NULL);
    return n_industries;
}

const struct industry *industry_at(int idx) {
    return idx >= 0 && idx < n_industries ? &industries[idx] : NULL;
}

static int industry_code(const char *p, size_t n, bool *is_fallback) {
    int64_t idx;
    if (strmap_get(&industry_codes, p, n, &idx)) return (int)idx;
    /* An unknown group or class: fall back to its division, with a warning. */
    if ((n == 3 || n == 4) && all_digits(p, n) && strmap_get(&industry_codes, p, 2, &idx)) {
        if (is_fallback) *is_fallback = true;
        return (int)idx;
    }
    return -1;
}

int industry_find(const char *s, size_t len, bool *is_fallback, struct error *err) {
    int rc = refdata_load(err);
    if (rc) return rc;
    if (is_fallback) *is_fallback = false;
    size_t n;
    char *t = utf8_fold_width(s, len, &n);
    if (!t) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    size_t tl = n;
    char *p = (char *)utf8_trim(t, &tl);
    int idx = -1;
    if (tl == 1 && p[0] >= 'a' && p[0] <= 't') p[0] = (char)(p[0] - 32);
    if (tl >= 1 && tl <= 5 && ((p[0] >= 'A' && p[0] <= 'T') || (p[0] >= 'a' && p[0] <= 't'))) {
        char sec = (char)(p[0] & ~0x20);
        if (tl == 1) {
            idx = industry_code(&sec, 1, is_fallback);
        } else if (all_digits(p + 1, tl - 1)) {
            idx = industry_code(p + 1, tl - 1, is_fallback);
            if (idx >= 0 && industries[industries[idx].section].code[0] != sec) idx = -2;
        }
    } else if (tl >= 2 && tl <= 4 && all_digits(p, tl)) {
        idx = industry_code(p, tl, is_fallback);
    } else {
        int64_t v;
        if (strmap_get(&industry_names, p, tl, &v) && v >= 0) idx = (int)v;
    }
    if (idx == -2)
        error_set(err, ERR_INVALID, "行业代码“%.*s”的门类字母与代码不符",
                  "industry code \"%.*s\": section letter does not match the code", (int)tl, p);
    else if (idx < 0)
        error_set(err, ERR_INVALID, "未知行业(GB/T 4754-2017):“%.*s”",
                  "unknown industry (GB/T 4754-2017): \"%.*s\"", (int)(tl > 60 ? 60 : tl), p);
    free(t);
    return idx < 0 ? ERR_INVALID : idx;
}

bool industry_is_within(int idx, int ancestor) {
    for (int i = idx; i >= 0; i = industries[i].parent)
        if (i == ancestor) return true;
    return false;
}

int industry_ancestor(int idx, enum industry_level level) {
    for (int i = idx; i >= 0; i = industries[i].parent)
        if (industries[i].level == level) return i;
    return -1;
}
