/* Owns the XLSX reader: opens the package with libzip, finds the first sheet through
 * workbook.xml and its relationships, loads shared strings and the date-ness of each cell style
 * (built-in date formats and custom formats with y/m/d), then streams the sheet's XML through
 * expat and hands one row of text cells at a time to a callback. Numbers come out as plain decimal
 * text rounded to Excel's 15 significant digits (no floating point), dates as YYYY-MM-DD. Knows
 * nothing of fields or the store. */
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/zipxml.h"

#define XLSX_MAX_ROW_BYTES (16 << 20)
#define XLSX_MAX_SST (64 << 20) /* shared-string bytes; more is not a spreadsheet we accept */

struct xlsx {
    zip_t *z;
    struct error *err;
    const struct import_reader_opts *o;
    /* workbook */
    char sheet_rid[64];
    char sheet_target[512];
    bool is_1904;
    bool has_sheet;
    /* shared strings: text back to back, offsets */
    struct buf sst;
    size_t *sst_off;
    size_t n_sst, sst_cap;
    /* styles: numFmt ids with a date format, and each cellXfs entry's date-ness */
    int *date_fmts;
    size_t n_date_fmts, date_fmts_cap;
    int *xf_fmt;
    size_t n_xf, xf_cap;
    bool *xf_is_date;
    /* parse state */
    int depth_rph, in_t, in_v, in_is, in_si, in_cellxfs;
    struct buf text;
    /* sheet row */
    int row_no, next_col, cur_col, cur_style;
    char cur_type[12];
    struct buf row;
    size_t *cell_end;
    int *cell_col;
    size_t n_cells, cells_cap;
    struct import_cell *cells;
    bool is_sheet; /* parsing the sheet itself (progress is reported) */
    int rc;        /* a callback's stop value or an error code */
    int64_t done, total;
};

#define local_name zipxml_local
#define attr zipxml_attr

/* The r:id attribute: local name "id" in the relationships namespace (prefix varies). */
static const char *attr_rid(const char **atts) {
    for (int i = 0; atts[i]; i += 2)
        if (strchr(atts[i], '|') && strcmp(local_name(atts[i]), "id") == 0) return atts[i + 1];
    return NULL;
}

static int nomem(struct xlsx *x) {
    return x->rc = error_set(x->err, ERR_NOMEM, "内存不足", "out of memory");
}

static void on_chunk(void *ud, int64_t done, int64_t total) {
    struct xlsx *x = ud;
    x->done = done;
    x->total = total;
    if (x->is_sheet && x->o->on_progress) x->o->on_progress(x->o->ctx, done, total);
}

/* Streams one package part through an expat parser. ERR_NOTFOUND when the part is absent. */
static int parse_part(struct xlsx *x, const char *name, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler chars, bool required) {
    struct zipxml_part p = {.name = name,
                            .kind_zh = "XLSX 文件",
                            .kind_en = "XLSX file",
                            .start = start,
                            .end = end,
                            .chars = chars,
                            .ud = x,
                            .stop = &x->rc,
                            .on_chunk = on_chunk};
    x->done = 0;
    int rc = zipxml_parse(x->z, &p, x->err);
    if (rc == ERR_NOTFOUND && required)
        return error_set(x->err, ERR_PARSE, "XLSX 文件缺少 %s", "the XLSX file has no %s", name);
    return rc;
}

static void XMLCALL no_chars(void *ud, const XML_Char *s, int len) {
    (void)ud, (void)s, (void)len;
}

static void XMLCALL no_end(void *ud, const XML_Char *name) {
    (void)ud, (void)name;
}

/* ---- workbook and relationships ---- */

static void XMLCALL root_rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct xlsx *x = ud;
    if (strcmp(local_name(name), "Relationship") != 0) return;
    const char *type = attr(atts, "Type"), *target = attr(atts, "Target");
    if (type && target && strstr(type, "/officeDocument") && !x->sheet_target[0])
        snprintf(x->sheet_target, sizeof x->sheet_target, "%s",
                 target[0] == '/' ? target + 1 : target);
}

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        x->is_1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    } else if (strcmp(ln, "sheet") == 0 && !x->has_sheet) {
        const char *rid = attr_rid(atts), *sname = attr(atts, "name");
        if (!rid) return;
        x->has_sheet = true;
        snprintf(x->sheet_rid, sizeof x->sheet_rid, "%s", rid);
        if (x->o->info && sname) snprintf(x->o->info->sheet, sizeof x->o->info->sheet, "%s", sname);
    }
}

static void XMLCALL workbook_rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct xlsx *x = ud;
    if (strcmp(local_name(name), "Relationship") != 0) return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
    if (id && target && strcmp(id, x->sheet_rid) == 0)
        snprintf(x->sheet_target, sizeof x->sheet_target, "%s", target);
}

/* Finds the first sheet's part name. */
static int find_sheet(struct xlsx *x, char *sheet_part, size_t n) {
    x->sheet_target[0] = 0;
    int rc = parse_part(x, "_rels/.rels", root_rels_start, no_end, no_chars, false);
    if (rc && rc != ERR_NOTFOUND) return rc;
    char wb[512];
    snprintf(wb, sizeof wb, "%s", x->sheet_target[0] ? x->sheet_target : "xl/workbook.xml");
    rc = parse_part(x, wb, workbook_start, no_end, no_chars, true);
    if (rc) return rc;
    if (!x->has_sheet)
        return error_set(x->err, ERR_PARSE, "工作簿中没有工作表", "the workbook has no sheet");
    const char *slash = strrchr(wb, '/');
    int dir_len = slash ? (int)(slash - wb) + 1 : 0;
    char rels[600];
    snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", dir_len, wb, slash ? slash + 1 : wb);
    x->sheet_target[0] = 0;
    rc = parse_part(x, rels, workbook_rels_start, no_end, no_chars, true);
    if (rc) return rc;
    if (!x->sheet_target[0])
        return error_set(x->err, ERR_PARSE, "找不到第一个工作表(%s)",
                         "cannot find the first sheet (%s)", x->sheet_rid);
    if (x->sheet_target[0] == '/')
        snprintf(sheet_part, n, "%s", x->sheet_target + 1);
    else
        snprintf(sheet_part, n, "%.*s%s", dir_len, wb, x->sheet_target);
    return 0;
}

/* ---- shared strings ---- */

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    (void)atts;
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "si") == 0) {
        x->in_si = 1;
        buf_clear(&x->text);
    } else if (strcmp(ln, "rPh") == 0) {
        x->depth_rph++;
    } else if (strcmp(ln, "t") == 0) {
        x->in_t = 1;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *name) {
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        x->depth_rph--;
    } else if (strcmp(ln, "si") == 0) {
        x->in_si = 0;
        if (x->n_sst == x->sst_cap) {
            size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
            size_t *p = realloc(x->sst_off, (cap + 1) * sizeof *p);
            if (!p) {
                nomem(x);
                return;
            }
            x->sst_off = p;
            x->sst_cap = cap;
        }
        buf_append(&x->sst, x->text.data ? x->text.data : "", x->text.len);
        x->sst_off[++x->n_sst] = x->sst.len;
        if (x->sst.is_oom) nomem(x);
        if (x->sst.len > XLSX_MAX_SST)
            x->rc = error_set(x->err, ERR_TOO_LARGE, "共享字符串过大", "shared strings too large");
    }
}

static void XMLCALL text_chars(void *ud, const XML_Char *s, int len) {
    struct xlsx *x = ud;
    if ((x->in_t || x->in_v) && !x->depth_rph) buf_append(&x->text, s, (size_t)len);
}

/* ---- styles: which cell formats are dates ---- */

/* A custom number format shows a date when it has y, d, or m without h/s (m after h is minutes),
 * outside quoted text, escapes and [brackets]. */
static bool format_is_date(const char *f) {
    bool has_ymd = false, has_m = false, has_time = false;
    for (const char *p = f; *p; p++) {
        if (*p == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1]) p++;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (p[1]) p++;
        } else if (*p == '[') {
            while (*p && *p != ']')
                p++;
            if (!*p) break;
        } else if (*p == ';') {
            break; /* the first section decides */
        } else {
            char c = (char)(*p | 0x20);
            if (c == 'y' || c == 'd' || c == 'e') has_ymd = true;
            if (c == 'm') has_m = true;
            if (c == 'h' || c == 's') has_time = true;
        }
    }
    return has_ymd || (has_m && !has_time);
}

static bool builtin_is_date(int id) {
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

static bool push_int(int **arr, size_t *n, size_t *cap, int v) {
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        int *p = realloc(*arr, c * sizeof *p);
        if (!p) return false;
        *arr = p;
        *cap = c;
    }
    (*arr)[(*n)++] = v;
    return true;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct xlsx *x = ud;
    const char *ln = local_name(name);
    if (strcmp(ln, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code && format_is_date(code) &&
            !push_int(&x->date_fmts, &x->n_date_fmts, &x->date_fmts_cap, atoi(id)))
            nomem(x);
    } else if (strcmp(ln, "cellXfs") == 0) {
        x->in_cellxfs = 1;
    } else if (strcmp(ln, "xf") == 0 && x->in_cellxfs) {
        const char *id = attr(atts, "numFmtId");
        if (!push_int(&x->xf_fmt, &x->n_xf, &x->xf_cap, id ? atoi(id) : 0)) nomem(x);
    }
}

static void XMLCALL styles_end(void *ud, const XML_Char *name) {
    struct xlsx *x = ud;
    if (strcmp(local_name(name), "cellXfs") == 0) x->in_cellxfs = 0;
}

static int load_styles(struct xlsx *x) {
    int rc = parse_part(x, "xl/styles.xml", styles_start, styles_end, no_chars, false);
    if (rc && rc != ERR_NOTFOUND) return rc;
    x->xf_is_date = calloc(x->n_xf + 1, sizeof *x->xf_is_date);
    if (!x->xf_is_date) return nomem(x);
    for (size_t i = 0; i < x->n_xf; i++) {
        int id = x->xf_fmt[i];
        bool is_date = builtin_is_date(id);
        for (size_t k = 0; k < x->n_date_fmts && !is_date; k++)
            is_date = x->date_fmts[k] == id;
        x->xf_is_date[i] = is_date;
    }
    return 0;
}

/* ---- numbers ---- */

/* Rewrites a number as Excel stores it ("1.5E7", "0.30000000000000004", "-12") as plain decimal
 * text rounded to 15 significant digits, the precision Excel shows. Pure digit arithmetic. False
 * when s is not a number. */
static bool plain_decimal(const char *s, char *out, size_t n) {
    char digits[64];
    int nd = 0, point = -1, exp = 0;
    bool neg = false;
    const char *p = s;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            if (nd == 0 && *p == '0' && point < 0) continue; /* leading zeros */
            if (nd < (int)sizeof digits - 1)
                digits[nd++] = *p;
            else if (point < 0)
                exp++;
        } else if (*p == '.' && point < 0) {
            point = nd;
        } else {
            break;
        }
    }
    if (point < 0) point = nd;
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end || e > 300 || e < -300) return false;
        exp += (int)e;
        p = end;
    }
    if (*p) return false;
    /* value = 0.digits × 10^(point + exp); drop leading zeros after the point */
    int lead = 0;
    while (lead < nd && digits[lead] == '0')
        lead++;
    memmove(digits, digits + lead, (size_t)(nd - lead));
    nd -= lead;
    int mag = point + exp - lead; /* digits before the decimal point */
    if (nd > 15) {                /* round half up at the 15th significant digit */
        bool up = digits[15] >= '5';
        nd = 15;
        for (int i = nd - 1; up && i >= 0; i--) {
            if (digits[i] == '9') {
                digits[i] = '0';
            } else {
                digits[i]++;
                up = false;
            }
        }
        if (up) {
            memmove(digits + 1, digits, (size_t)nd);
            digits[0] = '1';
            mag++;
        }
    }
    while (nd > 0 && digits[nd - 1] == '0' && nd > mag)
        nd--;
    if (nd == 0) return snprintf(out, n, "0") > 0;
    if (mag > 40 || mag < -40) return false;
    struct buf b;
    buf_init(&b);
    if (neg) buf_putc(&b, '-');
    if (mag <= 0) {
        buf_puts(&b, "0.");
        for (int i = 0; i < -mag; i++)
            buf_putc(&b, '0');
        buf_append(&b, digits, (size_t)nd);
    } else {
        for (int i = 0; i < mag; i++)
            buf_putc(&b, i < nd ? digits[i] : '0');
        if (nd > mag) {
            buf_putc(&b, '.');
            buf_append(&b, digits + mag, (size_t)(nd - mag));
        }
    }
    bool ok = !b.is_oom && b.len < n;
    if (ok) memcpy(out, b.data, b.len + 1);
    buf_release(&b);
    return ok;
}

/* An Excel serial day number (1900 or 1904 system) as YYYY-MM-DD; false when not a date. */
static bool serial_date(const char *v, bool is_1904, char *out, size_t n) {
    char plain[96];
    if (!plain_decimal(v, plain, sizeof plain) || plain[0] == '-') return false;
    long days = strtol(plain, NULL, 10);
    if (days > 2958465) return false; /* 9999-12-31 */
    int32_t d;
    if (is_1904)
        d = date_from_ymd(1904, 1, 1) + (int32_t)days;
    else if (days >= 61) /* Excel counts a 1900-02-29 that never was */
        d = date_from_ymd(1899, 12, 30) + (int32_t)days;
    else if (days >= 1)
        d = date_from_ymd(1899, 12, 31) + (int32_t)days;
    else
        return false;
    date_format(d, out, n);
    return true;
}

/* ---- the sheet ---- */

static int col_from_ref(const char *r) {
    int col = 0, k = 0;
    for (; r[k] >= 'A' && r[k] <= 'Z' && k < 4; k++)
        col = col * 26 + (r[k] - 'A' + 1);
    return k ? col - 1 : -1;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct xlsx *x = ud;
    if (x->rc) return;
    const char *ln = local_name(name);
    if (strcmp(ln, "row") == 0) {
        const char *r = attr(atts, "r");
        x->row_no = r ? atoi(r) : x->row_no + 1;
        x->next_col = 0;
        x->n_cells = 0;
        buf_clear(&x->row);
    } else if (strcmp(ln, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
        int col = r ? col_from_ref(r) : -1;
        x->cur_col = col >= 0 ? col : x->next_col;
        x->next_col = x->cur_col + 1;
        snprintf(x->cur_type, sizeof x->cur_type, "%s", t ? t : "n");
        x->cur_style = s ? atoi(s) : 0;
        buf_clear(&x->text);
    } else if (strcmp(ln, "v") == 0) {
        x->in_v = 1;
    } else if (strcmp(ln, "is") == 0) {
        x->in_is = 1;
    } else if (strcmp(ln, "t") == 0 && x->in_is) {
        x->in_t = 1;
    } else if (strcmp(ln, "rPh") == 0) {
        x->depth_rph++;
    }
}

/* The cell's text as the importer should see it. */
static void cell_text(struct xlsx *x, const char **s, size_t *len, char *tmp, size_t tmp_n) {
    const char *v = x->text.data ? x->text.data : "";
    *s = v;
    *len = x->text.len;
    const char *t = x->cur_type;
    if (strcmp(t, "s") == 0) {
        char *end;
        long i = strtol(v, &end, 10);
        if (end == v || i < 0 || (size_t)i >= x->n_sst) {
            *len = 0;
            return;
        }
        *s = x->sst.data + x->sst_off[i];
        *len = x->sst_off[i + 1] - x->sst_off[i];
    } else if (strcmp(t, "b") == 0) {
        *s = strcmp(v, "1") == 0 ? "是" : "否";
        *len = strlen(*s);
    } else if (strcmp(t, "d") == 0) {
        *len = *len > 10 ? 10 : *len; /* ISO 8601: keep the date */
    } else if (strcmp(t, "n") == 0 && *len) {
        bool is_date =
            x->cur_style >= 0 && (size_t)x->cur_style < x->n_xf && x->xf_is_date[x->cur_style];
        if ((is_date && serial_date(v, x->is_1904, tmp, tmp_n)) ||
            (!is_date && plain_decimal(v, tmp, tmp_n))) {
            *s = tmp;
            *len = strlen(tmp);
        }
    }
}

static void add_cell(struct xlsx *x) {
    char tmp[96];
    const char *s;
    size_t len;
    cell_text(x, &s, &len, tmp, sizeof tmp);
    if (!len) return;
    if (x->n_cells == x->cells_cap) {
        size_t cap = x->cells_cap ? x->cells_cap * 2 : 64;
        size_t *e = realloc(x->cell_end, cap * sizeof *e);
        if (e) x->cell_end = e;
        int *c = realloc(x->cell_col, cap * sizeof *c);
        if (c) x->cell_col = c;
        struct import_cell *ic = realloc(x->cells, cap * sizeof *ic);
        if (ic) x->cells = ic;
        if (!e || !c || !ic) {
            nomem(x);
            return;
        }
        x->cells_cap = cap;
    }
    buf_append(&x->row, s, len);
    x->cell_end[x->n_cells] = x->row.len;
    x->cell_col[x->n_cells++] = x->cur_col;
    if (x->row.is_oom) nomem(x);
    if (x->row.len > XLSX_MAX_ROW_BYTES)
        x->rc = error_set(x->err, ERR_TOO_LARGE, "第 %d 行过大", "row %d is too large", x->row_no);
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name) {
    struct xlsx *x = ud;
    if (x->rc) return;
    const char *ln = local_name(name);
    if (strcmp(ln, "v") == 0) {
        x->in_v = 0;
    } else if (strcmp(ln, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(ln, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(ln, "rPh") == 0) {
        x->depth_rph--;
    } else if (strcmp(ln, "c") == 0) {
        add_cell(x);
    } else if (strcmp(ln, "row") == 0 && x->n_cells) {
        size_t start = 0;
        for (size_t i = 0; i < x->n_cells; i++) {
            x->cells[i] =
                (struct import_cell){x->row.data + start, x->cell_end[i] - start, x->cell_col[i]};
            start = x->cell_end[i];
        }
        struct import_row row = {x->row_no, 0, (int)x->n_cells, x->cells, NULL};
        int rc = x->o->on_row(x->o->ctx, &row);
        if (rc) x->rc = rc;
    }
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int len) {
    struct xlsx *x = ud;
    if ((x->in_v || x->in_t) && !x->depth_rph) buf_append(&x->text, s, (size_t)len);
}

static int read_package(struct xlsx *x) {
    char sheet[600];
    int rc = find_sheet(x, sheet, sizeof sheet);
    if (rc) return rc;
    x->sst_off = malloc(sizeof *x->sst_off * 1025);
    if (!x->sst_off) return nomem(x);
    x->sst_off[0] = 0;
    x->sst_cap = 1024;
    rc = parse_part(x, "xl/sharedStrings.xml", sst_start, sst_end, text_chars, false);
    if (rc && rc != ERR_NOTFOUND) return rc;
    rc = load_styles(x);
    if (rc) return rc;
    if (x->o->info) {
        snprintf(x->o->info->encoding, sizeof x->o->info->encoding, "xlsx");
        x->o->info->delimiter = 0;
    }
    x->is_sheet = true;
    return parse_part(x, sheet, sheet_start, sheet_end, sheet_chars, true);
}

static int read_zip(zip_t *z, const struct import_reader_opts *o, struct error *err) {
    struct xlsx *x = calloc(1, sizeof *x);
    if (!x) {
        zip_discard(z);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    struct error local;
    error_clear(&local);
    x->z = z;
    x->err = err ? err : &local;
    x->o = o;
    buf_init(&x->sst);
    buf_init(&x->text);
    buf_init(&x->row);
    int rc = read_package(x);
    zip_discard(z);
    buf_release(&x->sst);
    buf_release(&x->text);
    buf_release(&x->row);
    free(x->sst_off);
    free(x->date_fmts);
    free(x->xf_fmt);
    free(x->xf_is_date);
    free(x->cell_end);
    free(x->cell_col);
    free(x->cells);
    free(x);
    return rc;
}

static int not_zip(struct error *err) {
    if (err) err->code = ERR_PARSE;
    return ERR_PARSE;
}

int import_read_xlsx(const char *data, size_t len, const struct import_reader_opts *o,
                     struct error *err) {
    zip_t *z = zipxml_open_buffer(data, len, "XLSX 文件", "XLSX file", err);
    return z ? read_zip(z, o, err) : not_zip(err);
}

int import_read_xlsx_file(const char *path, const struct import_reader_opts *o, struct error *err) {
    zip_t *z = zipxml_open_file(path, "XLSX 文件", "XLSX file", err);
    return z ? read_zip(z, o, err) : not_zip(err);
}

const char *import_col_letters(int col, char *buf, size_t n) {
    char tmp[8];
    int k = 0;
    for (int c = col + 1; c > 0 && k < 7; c = (c - 1) / 26)
        tmp[k++] = (char)('A' + (c - 1) % 26);
    size_t i = 0;
    for (; k > 0 && i + 1 < n; i++)
        buf[i] = tmp[--k];
    if (n) buf[i] = 0;
    return buf;
}
