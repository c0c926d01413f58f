/* Reference data: the region hierarchy (Shandong, every town of Qingdao, historic codes and
 * aliases) and GB/T 4754-2017 industries (section → division → group → class). Loaded once from
 * tables embedded in the binary; immutable afterwards, so any thread may read it. */
#ifndef DUIJIE_REFDATA_H
#define DUIJIE_REFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum region_level { REGION_PROVINCE = 0, REGION_CITY, REGION_COUNTY, REGION_TOWN };

struct region {
    int64_t code;     /* NBS code: 370000, 370200, 370212, 370212001 */
    const char *name; /* 崂山区 */
    enum region_level level;
    int parent; /* index of the parent region, -1 for the province */
};

enum industry_level { INDUSTRY_SECTION = 0, INDUSTRY_DIVISION, INDUSTRY_GROUP, INDUSTRY_CLASS };

struct industry {
    char code[8];     /* "C", "39", "391", "3911" */
    const char *name; /* 计算机制造 */
    enum industry_level level;
    int parent;  /* index of the parent, -1 for a section */
    int section; /* index of its section (itself for a section) */
};

/* Loads the tables; safe to call many times and from many threads (the work is done once). */
int refdata_load(struct error *err);

int region_count(void);
const struct region *region_at(int idx);
/* Index of a region by code (historic codes map to their successor), -1 when unknown. */
int region_by_code(int64_t code);
/* A region by code or name: "370212", "崂山区", "崂山", "西海岸新区", "黄岛区辛安街道",
 * "青岛市/崂山区". Returns the index, or a negative error code with err set (unknown, or an
 * ambiguous town name). */
int region_find(const char *s, size_t len, struct error *err);
/* True when region idx is ancestor or lies within it (a town within its district and city). */
bool region_is_within(int idx, int ancestor);
/* The ancestor of idx at `level`, or -1 if idx is above that level. */
int region_ancestor(int idx, enum region_level level);
/* Full name path "青岛市崂山区沙子口街道" into buf. */
const char *region_path(int idx, char *buf, size_t n);

int industry_count(void);
const struct industry *industry_at(int idx);
/* An industry by code ("C", "C39", "39", "391", "3911", "C3911") or exact name ("制造业",
 * "计算机制造"). An unknown 4-digit class falls back to its division with *is_fallback set (a
 * warning, not an error: the list has 1381 classes while amendments name 1382). Returns the index
 * or a negative error code. */
int industry_find(const char *s, size_t len, bool *is_fallback, struct error *err);
bool industry_is_within(int idx, int ancestor);
/* The ancestor at `level`, or -1 if idx is above it. */
int industry_ancestor(int idx, enum industry_level level);

#endif
