/* Owns the importer: picks the reader (CSV or XLSX), maps the header row to dictionary fields
 * (key, Chinese label, alias; "2024年营业收入" / "营业收入(2024)" for earlier years of yearly
 * fields; a 会计年度 column), parses each cell into a profile, checks the USCC and duplicates
 * within the file, reports every bad cell or row, and hands good profiles to a sink inside one
 * transaction. Does not know SQL: import_store.c binds the sink to the store. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "import/import.h"
#include "import/pipe.h"
#include "refdata/refdata.h"
#include "util/strmap.h"
#include "util/utf8.h"

#define COL_NONE (-1)
#define COL_FISCAL_YEAR (-2)

struct col_map {
    int field;        /* enum field_id, COL_NONE or COL_FISCAL_YEAR */
    int year;         /* 0: the fiscal year's value; else the calendar year in the header */
    const char *unit; /* money columns: "万元" when the header or a title row says so; bare
                         numbers in the column are in it. NULL: yuan */
};

#define MAX_TITLE_ROWS 5 /* rows above the header: a title, "单位：万元", a date */

struct importer {
    const struct import_options *o;
    const struct import_sink *sink;
    struct import_result *r;
    struct error *err;
    bool is_xlsx;
    bool has_header;
    struct col_map *cols; /* owned; one per header column */
    int n_cols;
    int uscc_col, fy_col;
    int default_fy; /* from year-tagged headers; 0 = none */
    int n_title_rows;
    const char *default_unit; /* from a title row "单位：万元"; NULL = yuan */
    bool has_untagged[F_COUNT];
    bool warned_extra;
    struct strmap seen; /* USCC → the row it first appeared on */
    struct arena a;     /* text values of recent rows (the sink copies what it keeps) */
    struct error cell_err;
    bool is_in_tx;
    int fatal;
    struct import_pipe *pipe; /* the writer thread, inside the transaction */
};

/* ---- issues ---- */

static void col_name(const struct importer *im, int col, char *buf, size_t n) {
    if (col < 0)
        buf[0] = 0;
    else if (im->is_xlsx)
        import_col_letters(col, buf, n);
    else
        snprintf(buf, n, "%d", col + 1);
}

static void issue(struct importer *im, bool is_warning, const struct import_row *row, int col,
                  const char *field, const char *zh, const char *en) {
    struct import_issue e;
    memset(&e, 0, sizeof e);
    e.row = row ? row->row : 0;
    e.line = row ? row->line : 0;
    col_name(im, col, e.column, sizeof e.column);
    snprintf(e.field, sizeof e.field, "%s", field ? field : "");
    snprintf(e.zh, sizeof e.zh, "%s", zh);
    snprintf(e.en, sizeof e.en, "%s", en);
    struct import_result *r = im->r;
    int max = im->o->max_issues > 0 ? im->o->max_issues : 100;
    if (is_warning) {
        r->n_warnings++;
        if (r->n_warnings_kept < max) r->warnings[r->n_warnings_kept++] = e;
    } else {
        r->n_errors++;
        if (r->n_issues_kept < max) r->errors[r->n_issues_kept++] = e;
    }
    if (im->o->on_issue) im->o->on_issue(im->o->ctx, &e, is_warning);
}

static void issuef(struct importer *im, bool is_warning, const struct import_row *row, int col,
                   const char *field, const char *zh, const char *en, ...)
    __attribute__((format(printf, 6, 8)));
static void issuef(struct importer *im, bool is_warning, const struct import_row *row, int col,
                   const char *field, const char *zh, const char *en, ...) {
    va_list ap;
    va_start(ap, en);
    char zbuf[320], ebuf[320];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    va_list ap2;
    va_copy(ap2, ap);
    vsnprintf(zbuf, sizeof zbuf, zh, ap);
    vsnprintf(ebuf, sizeof ebuf, en, ap2);
    va_end(ap2);
#pragma GCC diagnostic pop
    va_end(ap);
    issue(im, is_warning, row, col, field, zbuf, ebuf);
}

/* ---- header ---- */

/* "2024年营业收入", "2024年度营业收入", "营业收入(2024)", "营业收入（2024年）": the year and the
 * field name without it. False when the header carries no year. */
static bool split_year(const char *s, size_t len, int *year, const char **name, size_t *name_len) {
    if (len > 4 && s[0] >= '1' && s[0] <= '2' && strspn(s, "0123456789") == 4) {
        *year = atoi(s);
        size_t k = 4;
        if (len >= k + 3 && memcmp(s + k, "年", 3) == 0) k += 3;
        if (len >= k + 3 && memcmp(s + k, "度", 3) == 0) k += 3;
        *name = s + k;
        *name_len = len - k;
        return *name_len > 0;
    }
    static const char *const opens[] = {"(", "（"}, *const closes[] = {")", "）"};
    for (int i = 0; i < 2; i++) {
        size_t cl = strlen(closes[i]);
        if (len < cl || memcmp(s + len - cl, closes[i], cl) != 0) continue;
        const char *open = NULL;
        for (const char *p = s; p + strlen(opens[i]) <= s + len - cl; p++)
            if (memcmp(p, opens[i], strlen(opens[i])) == 0) open = p;
        if (!open) continue;
        const char *y = open + strlen(opens[i]);
        size_t ylen = (size_t)(s + len - cl - y);
        if (ylen < 4 || strspn(y, "0123456789") < 4) continue;
        size_t rest = ylen - 4;
        if (!(rest == 0 || (rest == 3 && memcmp(y + 4, "年", 3) == 0) ||
              (rest == 6 && memcmp(y + 4, "年度", 6) == 0)))
            continue;
        *year = atoi(y);
        *name = s;
        *name_len = (size_t)(open - s);
        return *name_len > 0;
    }
    return false;
}

static bool is_fiscal_year_header(const char *s, size_t len) {
    static const char *const names[] = {"fiscal_year", "会计年度", "财务年度", "年度", "数据年度"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0) return true;
    return false;
}

static void unknown_header(struct importer *im, const struct import_row *row, int col,
                           const char *s, size_t len) {
    char text[64];
    snprintf(text, sizeof text, "%.*s", (int)(len > 60 ? 60 : len), s);
    const struct field_def *g = schema_suggest(s, len);
    if (g)
        issuef(im, true, row, col, text, "未知的列“%s”,已忽略;您是不是要找“%s”(%s)?",
               "unknown column \"%s\" ignored; did you mean \"%s\" (%s)?", text, g->label, g->key);
    else
        issuef(im, true, row, col, text, "未知的列“%s”,已忽略", "unknown column \"%s\" ignored",
               text);
}

static const char *const money_units[] = {"亿元", "万元", "千元", "元"};
static const char *const other_units[] = {"人", "项", "个", "%", "％", "年", "日期"};

/* A unit at the end of a header: "营业收入(万元)", "营业收入（万元）", "营业收入/万元". Shortens
 * *len to the name without it; returns the money unit, "" for another unit, NULL for none. */
static const char *strip_unit(const char *s, size_t *len) {
    static const char *const opens[] = {"(", "（", "/"}, *const closes[] = {")", "）", ""};
    for (int i = 0; i < 3; i++) {
        size_t cl = strlen(closes[i]), ol = strlen(opens[i]);
        if (*len < cl || memcmp(s + *len - cl, closes[i], cl) != 0) continue;
        for (size_t k = 0; k < sizeof money_units / sizeof *money_units; k++) {
            size_t ul = strlen(money_units[k]);
            if (*len >= ol + ul + cl && memcmp(s + *len - cl - ul - ol, opens[i], ol) == 0 &&
                memcmp(s + *len - cl - ul, money_units[k], ul) == 0) {
                *len -= ol + ul + cl;
                return money_units[k];
            }
        }
        for (size_t k = 0; k < sizeof other_units / sizeof *other_units; k++) {
            size_t ul = strlen(other_units[k]);
            if (*len >= ol + ul + cl && memcmp(s + *len - cl - ul - ol, opens[i], ol) == 0 &&
                memcmp(s + *len - cl - ul, other_units[k], ul) == 0) {
                *len -= ol + ul + cl;
                return "";
            }
        }
    }
    return NULL;
}

/* Maps one header cell; returns false on a fatal conflict. */
static bool map_header_cell(struct importer *im, const struct import_row *row,
                            const struct import_cell *c) {
    size_t len = c->len;
    const char *s = utf8_trim(c->s, &len);
    struct col_map *m = &im->cols[c->col];
    if (!len) return true;
    if (!utf8_is_valid(s, len, NULL)) {
        issue(im, true, row, c->col, "", "表头含有无效字节,该列已忽略",
              "header has invalid bytes; column ignored");
        return true;
    }
    if (is_fiscal_year_header(s, len)) {
        m->field = COL_FISCAL_YEAR;
        im->fy_col = c->col;
        return true;
    }
    size_t name_len = len;
    const char *unit = strip_unit(s, &name_len);
    if (unit && name_len) len = name_len;
    const struct field_def *f = schema_find(s, len);
    int year = 0;
    if (!f) {
        const char *name;
        size_t nl;
        if (split_year(s, len, &year, &name, &nl)) {
            f = schema_find(name, nl);
            if (f && !f->is_yearly) {
                issuef(im, true, row, c->col, f->key, "“%s”不按年度记录,带年份的列已忽略",
                       "\"%s\" is not kept per year; the year-tagged column is ignored", f->label);
                return true;
            }
        }
    }
    if (!f) {
        unknown_header(im, row, c->col, s, len);
        return true;
    }
    if (f->is_derived) {
        issuef(im, true, row, c->col, f->key, "“%s”是计算字段,导入时忽略,由系统计算",
               "\"%s\" is derived; the column is ignored and the value computed", f->label);
        return true;
    }
    for (int k = 0; k < im->n_cols; k++) {
        if (im->cols[k].field != (int)f->id || im->cols[k].year != year) continue;
        char other[12];
        col_name(im, k, other, sizeof other);
        issuef(im, false, row, c->col, f->key, "第 %s 列与本列都对应字段“%s”,无法确定用哪一列",
               "columns %s and this one both map to \"%s\"; cannot tell which to use", other,
               f->label);
        return false;
    }
    m->field = (int)f->id;
    m->year = year;
    if (f->type == FT_MONEY) m->unit = unit && unit[0] ? unit : im->default_unit;
    if (f->id == F_USCC) im->uscc_col = c->col;
    if (!year) im->has_untagged[f->id] = true;
    if (year > im->default_fy) im->default_fy = year;
    return true;
}

/* Year-tagged columns: the newest tagged year is the fiscal year, unless an untagged column of
 * the same field stands beside it (then the untagged one is the year after). */
static void settle_years(struct importer *im, const struct import_row *row) {
    int y = im->default_fy;
    if (!y) return;
    for (int k = 0; k < im->n_cols; k++)
        if (im->cols[k].field >= 0 && im->cols[k].year == y &&
            im->has_untagged[im->cols[k].field]) {
            y++;
            break;
        }
    im->default_fy = y;
    im->r->fiscal_year = y;
    if (im->fy_col >= 0) return; /* each row says its own year */
    for (int k = 0; k < im->n_cols; k++) {
        struct col_map *m = &im->cols[k];
        if (m->field < 0 || !m->year || m->year == y) continue;
        int back = y - 1 - m->year;
        if (back >= 0 && back < PROFILE_HISTORY) continue;
        issuef(im, true, row, k, schema_field((enum field_id)m->field)->key,
               "%d 年的数据超出保留范围(会计年度 %d 及前 %d 年),该列已忽略",
               "year %d is outside the years kept (fiscal year %d and %d before); ignored", m->year,
               y, PROFILE_HISTORY);
        m->field = COL_NONE;
    }
}

/* A row above the header: at most two cells ("青岛市企业名单", "单位：万元") and none naming the
 * USCC. A "单位：万元" in it sets the unit of money columns whose header names none. */
static bool is_title_row(struct importer *im, const struct import_row *row) {
    int n = 0;
    for (int i = 0; i < row->n; i++) {
        size_t len = row->cells[i].len;
        const char *s = utf8_trim(row->cells[i].s, &len);
        if (!len) continue;
        n++;
        const struct field_def *f = schema_find(s, len);
        if (f && f->id == F_USCC) return false;
    }
    if (n > 2 || im->n_title_rows >= MAX_TITLE_ROWS) return false;
    for (int i = 0; i < row->n; i++) {
        const char *at = memmem(row->cells[i].s, row->cells[i].len, "单位", 6);
        if (!at) continue;
        size_t rest = row->cells[i].len - (size_t)(at - row->cells[i].s);
        for (size_t k = 0; k < sizeof money_units / sizeof *money_units; k++)
            if (memmem(at, rest, money_units[k], strlen(money_units[k]))) {
                im->default_unit = money_units[k];
                break;
            }
    }
    return true;
}

static int read_header(struct importer *im, const struct import_row *row) {
    int n = 0;
    for (int i = 0; i < row->n; i++)
        if (row->cells[i].col + 1 > n) n = row->cells[i].col + 1;
    im->cols = malloc((size_t)(n ? n : 1) * sizeof *im->cols);
    if (!im->cols) return error_set(im->err, ERR_NOMEM, "内存不足", "out of memory");
    for (int k = 0; k < n; k++)
        im->cols[k] = (struct col_map){COL_NONE, 0, NULL};
    im->n_cols = n;
    im->r->n_columns = n;
    for (int i = 0; i < row->n; i++)
        if (!map_header_cell(im, row, &row->cells[i]))
            return error_set(im->err, ERR_CONFLICT, "表头有重复的列", "duplicate header columns");
    if (im->uscc_col < 0) {
        issue(im, false, row, -1, "uscc", "表头中没有“统一社会信用代码”列",
              "the header has no 统一社会信用代码 (uscc) column");
        return error_set(im->err, ERR_INVALID, "表头中没有“统一社会信用代码”列,无法按企业导入",
                         "the header has no 统一社会信用代码 (uscc) column; cannot import");
    }
    settle_years(im, row);
    for (int k = 0; k < n; k++)
        if (im->cols[k].field != COL_NONE) im->r->n_mapped++;
    im->has_header = true;
    return 0;
}

/* ---- rows ---- */

static bool row_is_blank(const struct import_row *row) {
    for (int i = 0; i < row->n; i++) {
        size_t len = row->cells[i].len;
        utf8_trim(row->cells[i].s, &len);
        if (len) return false;
    }
    return true;
}

static int row_fiscal_year(struct importer *im, const struct import_row *row, int *fy) {
    *fy = im->default_fy;
    for (int i = 0; i < row->n; i++) {
        if (row->cells[i].col != im->fy_col) continue;
        size_t len = row->cells[i].len;
        const char *s = utf8_trim(row->cells[i].s, &len);
        if (!len) return 0;
        char buf[16];
        snprintf(buf, sizeof buf, "%.*s", (int)(len > 15 ? 15 : len), s);
        char *end;
        long y = strtol(buf, &end, 10);
        if (strcmp(end, "年") == 0 || strcmp(end, "年度") == 0) *end = 0;
        if (*end || y < 1901 || y > 2199) {
            issuef(im, false, row, im->fy_col, "fiscal_year", "会计年度“%s”应为 1901–2199 的年份",
                   "fiscal year \"%s\" must be a year 1901–2199", buf);
            return -1;
        }
        *fy = (int)y;
    }
    return 0;
}

/* A bare number in a column whose header (or title) gives a unit: "4200" under 营业收入(万元) is
 * read as "4200万元". Text with its own unit, or any other text, is left alone. */
static const char *with_unit(const char *s, size_t *len, const char *unit, char *buf, size_t n) {
    if (!unit) return s;
    size_t tl = *len;
    const char *t = utf8_trim(s, &tl);
    bool ends_digit =
        tl && ((t[tl - 1] >= '0' && t[tl - 1] <= '9') ||
               (tl >= 3 && (unsigned char)t[tl - 3] == 0xEF && (unsigned char)t[tl - 2] == 0xBC &&
                (unsigned char)t[tl - 1] >= 0x90 && (unsigned char)t[tl - 1] <= 0x99));
    size_t ul = strlen(unit);
    if (!ends_digit || tl + ul >= n) return s;
    memcpy(buf, t, tl);
    memcpy(buf + tl, unit, ul + 1);
    *len = tl + ul;
    return buf;
}

/* Parses one mapped cell into p; false (and an issue) when the value is bad. */
static bool set_cell(struct importer *im, const struct import_row *row, const struct import_cell *c,
                     struct profile *p, int fy) {
    const struct col_map *m = &im->cols[c->col];
    const struct field_def *f = schema_field((enum field_id)m->field);
    struct error *e = &im->cell_err; /* cleared once and after each use: not per cell */
    char warning[320];
    warning[0] = 0;
    if (f->id == F_USCC) {
        struct uscc_result u;
        uscc_check(c->s, c->len, &u);
        if (!u.is_valid) {
            issue(im, false, row, c->col, f->key, u.error_zh, u.error_en);
            return false;
        }
        p->v[F_USCC].has = true;
        p->v[F_USCC].s = arena_strdup(&im->a, u.code);
        return p->v[F_USCC].s != NULL;
    }
    char scaled[256];
    size_t len = c->len;
    const char *text = with_unit(c->s, &len, m->unit, scaled, sizeof scaled);
    int rc;
    if (!m->year || m->year == fy) {
        if (m->year && im->has_untagged[f->id]) {
            issuef(im, false, row, c->col, f->key, "%1$d 年的“%2$s”与不带年份的列重复",
                   "\"%2$s\" for %1$d is given twice (with and without a year)", fy, f->label);
            return false;
        }
        rc = profile_set_text(p, f->id, text, len, &im->a, warning, sizeof warning, e);
    } else {
        int back = fy - 1 - m->year;
        if (!fy || back < 0 || back >= PROFILE_HISTORY) {
            issuef(im, false, row, c->col, f->key,
                   "%1$d 年的“%2$s”不在会计年度 %3$d 及前 %4$d 年之内",
                   "\"%2$s\" for %1$d is outside fiscal year %3$d and the %4$d years before",
                   m->year, f->label, fy, PROFILE_HISTORY);
            return false;
        }
        rc = schema_parse_value(f, text, len, &im->a, &p->hist[back][f->id], warning,
                                sizeof warning, e);
    }
    if (rc || e->code) {
        if (rc) issue(im, false, row, c->col, f->key, e->zh, e->en);
        error_clear(e);
        if (rc) return false;
    }
    if (warning[0]) issue(im, true, row, c->col, f->key, warning, warning);
    return true;
}

static void check_width(struct importer *im, const struct import_row *row, bool *ok) {
    int width = 0;
    for (int i = 0; i < row->n; i++)
        if (row->cells[i].col + 1 > width) width = row->cells[i].col + 1;
    if (im->is_xlsx) {
        if (width > im->n_cols && !im->warned_extra) {
            im->warned_extra = true;
            issue(im, true, row, im->n_cols, "", "此列有数据但没有表头,已忽略",
                  "this column has values but no header; ignored");
        }
        return;
    }
    if (width == im->n_cols) return;
    issuef(im, false, row, width < im->n_cols ? width : im->n_cols, "",
           "列数不符:表头有 %d 列,本行有 %d 列", "wrong column count: header has %d, row has %d",
           im->n_cols, width);
    *ok = false;
}

static int store_row(struct importer *im, const struct import_row *row, struct profile *p) {
    const char *u = p->v[F_USCC].s;
    int64_t first = 0;
    if (strmap_get(&im->seen, u, strlen(u), &first)) {
        issuef(im, false, row, im->uscc_col, "uscc", "统一社会信用代码 %s 与第 %lld 行重复",
               "USCC %s duplicates row %lld", u, (long long)first);
        im->r->rows_rejected++;
        return 0;
    }
    if (!strmap_put(&im->seen, u, strlen(u), row->row))
        return error_set(im->err, ERR_NOMEM, "内存不足", "out of memory");
    im->r->rows_valid++;
    if (im->o->is_dry_run || !im->sink) return 0;
    return import_pipe_push(im->pipe, p, im->err); /* rows_stored counted when the pipe ends */
}

static int on_row(void *ctx, const struct import_row *row) {
    struct importer *im = ctx;
    if (row->bad) {
        if (!im->has_header) {
            issue(im, false, row, row->bad->col - 1, "", row->bad->zh, row->bad->en);
            return error_set(im->err, ERR_PARSE, "表头行无法读取", "cannot read the header row");
        }
        im->r->rows_read++;
        im->r->rows_rejected++;
        issue(im, false, row, row->bad->col - 1, "", row->bad->zh, row->bad->en);
        return 0;
    }
    if (row_is_blank(row)) return 0;
    if (!im->has_header) {
        if (!is_title_row(im, row)) return read_header(im, row);
        im->n_title_rows++;
        if (im->default_unit)
            issuef(im, true, row, -1, "", "第 %d 行在表头之上,视为标题跳过;未注明单位的金额按%s计",
                   "row %d is above the header, skipped as a title; money without a unit is in %s",
                   row->row, im->default_unit);
        else
            issuef(im, true, row, -1, "", "第 %d 行在表头之上,视为标题跳过",
                   "row %d is above the header, skipped as a title", row->row);
        return 0;
    }
    im->r->rows_read++;
    bool ok = true, ok_width = true;
    check_width(im, row, &ok_width);
    int fy = 0;
    if (row_fiscal_year(im, row, &fy)) ok = false;
    struct profile p;
    profile_clear(&p);
    if (arena_bytes(&im->a) > (1 << 20)) arena_release(&im->a);
    bool has_uscc_cell = false;
    /* every bad cell of the row is reported, unless its columns are off (then none line up) */
    for (int i = 0; ok_width && i < row->n; i++) {
        const struct import_cell *c = &row->cells[i];
        if (c->col >= im->n_cols || im->cols[c->col].field < 0) continue;
        size_t len = c->len;
        utf8_trim(c->s, &len);
        if (!len) continue;
        if (im->cols[c->col].field == F_USCC) has_uscc_cell = true;
        if (!set_cell(im, row, c, &p, fy)) ok = false;
    }
    if (ok && ok_width && !has_uscc_cell) {
        issue(im, false, row, im->uscc_col, "uscc", "缺少统一社会信用代码",
              "the 统一社会信用代码 (uscc) is missing");
        ok = false;
    }
    if (!ok || !ok_width) {
        im->r->rows_rejected++;
        return 0;
    }
    p.fiscal_year = fy;
    return store_row(im, row, &p);
}

/* ---- driving a whole import ---- */

static bool looks_like_xlsx(const char *name, const char *head, size_t len) {
    if (len >= 4 && memcmp(head, "PK\x03\x04", 4) == 0) return true;
    size_t nl = name ? strlen(name) : 0;
    return len == 0 && nl > 5 && strcasecmp(name + nl - 5, ".xlsx") == 0;
}

static bool looks_like_xls(const char *head, size_t len) {
    return len >= 4 && memcmp(head, "\xD0\xCF\x11\xE0", 4) == 0;
}

static int begin(struct importer *im) {
    if (im->o->is_dry_run || !im->sink) return 0;
    int rc = im->sink->begin(im->sink->ctx, im->err);
    if (!rc) im->is_in_tx = true;
    if (!rc) rc = import_pipe_start(&im->pipe, im->sink, im->err);
    return rc;
}

static int finish(struct importer *im, int rc, int64_t count_before) {
    struct import_result *r = im->r;
    if (!rc && im->has_header == false) {
        issue(im, false, NULL, -1, "uscc", "没有找到含“统一社会信用代码”列的表头行",
              "no header row with a 统一社会信用代码 (uscc) column");
        rc = error_set(im->err, ERR_INVALID, "没有找到含“统一社会信用代码”列的表头行",
                       "no header row with a 统一社会信用代码 (uscc) column");
    }
    if (im->pipe) {
        struct error werr;
        int wrc = import_pipe_finish(im->pipe, &r->rows_stored, &werr);
        im->pipe = NULL;
        if (wrc && !rc) {
            *im->err = werr;
            rc = wrc;
        }
    }
    if (im->is_in_tx) {
        if (!rc) rc = im->sink->commit(im->sink->ctx, im->err);
        if (rc) im->sink->rollback(im->sink->ctx);
        im->is_in_tx = false;
    }
    if (rc) {
        r->rows_stored = 0;
        return rc;
    }
    if (!im->o->is_dry_run && im->sink && im->sink->count && count_before >= 0) {
        int64_t after = im->sink->count(im->sink->ctx);
        if (after >= 0) {
            r->inserted = after - count_before;
            r->updated = r->rows_stored - r->inserted;
        }
    }
    return 0;
}

static void progress_relay(void *ctx, int64_t done, int64_t total) {
    struct importer *im = ctx;
    im->o->on_progress(im->o->ctx, done, total);
}

static int run(const char *path, const char *data, size_t len, const char *filename,
               const struct import_options *o, const struct import_sink *sink,
               struct import_result *r, struct error *err) {
    struct error local;
    error_clear(&local);
    if (!err) err = &local;
    if (!o->is_dry_run && !sink)
        return error_set(err, ERR_INVALID, "没有可写入的存储", "no store to import into");
    if (refdata_load(err)) return err->code;
    int max = o->max_issues > 0 ? o->max_issues : 100;
    if (!r->errors) r->errors = calloc((size_t)max, sizeof *r->errors);
    if (!r->warnings) r->warnings = calloc((size_t)max, sizeof *r->warnings);
    if (!r->errors || !r->warnings) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    struct importer im = {.o = o, .sink = sink, .r = r, .err = err, .uscc_col = -1, .fy_col = -1};
    error_clear(&im.cell_err);
    char head[8] = {0};
    size_t head_len = 0;
    FILE *f = NULL;
    int64_t size = 0;
    if (path) {
        f = fopen(path, "rb");
        if (!f) return error_set(err, ERR_IO, "无法打开文件 %s", "cannot open the file %s", path);
        head_len = fread(head, 1, 4, f);
        rewind(f);
        struct stat st;
        if (fstat(fileno(f), &st) == 0) size = st.st_size;
    } else {
        head_len = len < 4 ? len : 4;
        memcpy(head, data, head_len);
    }
    int rc = 0;
    if (looks_like_xls(head, head_len))
        rc = error_set(err, ERR_UNSUPPORTED, "不支持旧版 .xls 文件,请另存为 .xlsx 或 CSV",
                       "old .xls files are not supported; save as .xlsx or CSV");
    im.is_xlsx = o->format == IMPORT_XLSX ||
                 (o->format == IMPORT_AUTO && looks_like_xlsx(filename, head, head_len));
    snprintf(r->format, sizeof r->format, "%s", im.is_xlsx ? "xlsx" : "csv");
    strmap_init(&im.seen);
    arena_init(&im.a, 4096);
    int64_t count_before = -1;
    if (!rc && sink && !o->is_dry_run && sink->count) count_before = sink->count(sink->ctx);
    if (!rc) rc = begin(&im);
    if (!rc) {
        struct import_reader_opts ro = {on_row, o->on_progress ? progress_relay : NULL, &im,
                                        &r->info};
        if (im.is_xlsx && path)
            rc = import_read_xlsx_file(path, &ro, err);
        else if (im.is_xlsx)
            rc = import_read_xlsx(data, len, &ro, err);
        else if (f)
            rc = import_read_csv_stream(f, size, &ro, err);
        else
            rc = import_read_csv(data, len, &ro, err);
    }
    rc = finish(&im, rc, count_before);
    if (f) fclose(f);
    free(im.cols);
    strmap_release(&im.seen);
    arena_release(&im.a);
    return rc;
}

int import_run_file(const char *path, const struct import_options *o,
                    const struct import_sink *sink, struct import_result *r, struct error *err) {
    return run(path, NULL, 0, path, o, sink, r, err);
}

int import_run_buffer(const char *data, size_t len, const char *filename,
                      const struct import_options *o, const struct import_sink *sink,
                      struct import_result *r, struct error *err) {
    return run(NULL, data, len, filename, o, sink, r, err);
}

/* ---- results ---- */

void import_result_init(struct import_result *r) {
    memset(r, 0, sizeof *r);
    r->inserted = r->updated = -1;
}

void import_result_release(struct import_result *r) {
    free(r->errors);
    free(r->warnings);
    r->errors = r->warnings = NULL;
}

static json_t *issues_json(const struct import_issue *v, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++) {
        json_t *e = json_object();
        json_object_set_new(e, "row", v[i].row ? json_integer(v[i].row) : json_null());
        if (v[i].line) json_object_set_new(e, "line", json_integer(v[i].line));
        json_object_set_new(e, "column", v[i].column[0] ? json_string(v[i].column) : json_null());
        json_object_set_new(e, "field", json_string(v[i].field));
        json_object_set_new(e, "zh", json_string(v[i].zh));
        json_object_set_new(e, "en", json_string(v[i].en));
        json_array_append_new(a, e);
    }
    return a;
}

json_t *import_result_to_json(const struct import_result *r) {
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string(r->format));
    json_object_set_new(o, "encoding", json_string(r->info.encoding));
    if (r->info.delimiter)
        json_object_set_new(o, "delimiter", json_string(r->info.delimiter == '\t' ? "tab" : ","));
    if (r->info.sheet[0]) json_object_set_new(o, "sheet", json_string(r->info.sheet));
    json_object_set_new(o, "columns", json_integer(r->n_columns));
    json_object_set_new(o, "columns_mapped", json_integer(r->n_mapped));
    if (r->fiscal_year) json_object_set_new(o, "fiscal_year", json_integer(r->fiscal_year));
    json_object_set_new(o, "rows_read", json_integer(r->rows_read));
    json_object_set_new(o, "rows_valid", json_integer(r->rows_valid));
    json_object_set_new(o, "stored", json_integer(r->rows_stored));
    json_object_set_new(o, "inserted", r->inserted >= 0 ? json_integer(r->inserted) : json_null());
    json_object_set_new(o, "updated", r->updated >= 0 ? json_integer(r->updated) : json_null());
    json_object_set_new(o, "rejected", json_integer(r->rows_rejected));
    json_object_set_new(o, "n_errors", json_integer(r->n_errors));
    json_object_set_new(o, "errors", issues_json(r->errors, r->n_issues_kept));
    json_object_set_new(o, "n_warnings", json_integer(r->n_warnings));
    json_object_set_new(o, "warnings", issues_json(r->warnings, r->n_warnings_kept));
    return o;
}
