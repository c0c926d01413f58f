/* Owns turning an uploaded policy document into UTF-8 text: recognising its kind from its bytes
 * (zip magic → Word .docx, %PDF, the old binary .doc, "<html"/"<!doctype" → HTML, else text) with
 * the file name's extension as a hint, and reading Word documents: word/document.xml through the
 * shared OOXML reader (util/zipxml.h), one line per paragraph, table rows as lines with cells
 * separated by a tab, deleted revisions dropped and insertions kept, and the list numbers Word
 * generates (一、 （一） 1. ① …) rebuilt from word/numbering.xml, whether a paragraph carries its
 * list itself or through its style (word/styles.xml: 标题 1 → 一、). Plain text is UTF-8 (BOM or
 * not), UTF-16 with a BOM, or GB18030; HTML and GB18030 go through convert.c; a PDF goes to
 * pdf.c. Does not normalise or split the text (normalize.c, split.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/ucnv.h>

#include "text/policy_text.h"
#include "util/buf.h"
#include "util/utf8.h"
#include "util/zipxml.h"

/* ---- numbering.xml: abstract lists, their levels, and the numIds that use them ---- */

#define DOC_LEVELS 9

struct doc_level {
    char fmt[32];    /* w:numFmt: decimal, chineseCounting, decimalEnclosedCircle, bullet … */
    char text[64];   /* w:lvlText, e.g. "%1、", "（%2）" */
    int start;       /* w:start */
    char suff;       /* what follows the number (w:suff): ' ' for tab or space, 0 for nothing */
    char pstyle[64]; /* w:pStyle: the paragraph style this level belongs to ("" when none) */
};

/* Word counts per abstract list: the numIds that share one continue each other's numbers, unless
 * a numId restarts a level (w:startOverride) where it is first used. */
struct doc_abstract {
    int id;
    struct doc_level lvl[DOC_LEVELS];
    int count[DOC_LEVELS]; /* the last number given at each level */
    bool seen[DOC_LEVELS]; /* a number was given at this level since its parent's last one */
};

struct doc_num {
    int id, abstract;
    int start_override[DOC_LEVELS]; /* 0 when none */
    bool used;
};

/* A paragraph style from styles.xml that numbers its paragraphs (标题 1 → 一、): Word numbers a
 * paragraph by its style when the paragraph itself has no w:numPr. */
struct doc_style {
    char id[64], based_on[64];
    int num_id; /* 0 when the style has no w:numPr (then its base style's counts) */
    int ilvl;   /* -1 when not given: the level whose w:pStyle names the style, else 0 */
};

struct docx {
    struct error *err;
    int stop;
    /* numbering */
    struct doc_abstract *abs;
    int n_abs, cap_abs;
    struct doc_num *nums;
    int n_nums, cap_nums;
    int cur_abs, cur_lvl, cur_num, cur_override_lvl; /* indexes while reading numbering.xml */
    struct doc_style *styles;
    int n_styles, cap_styles, cur_style, style_ppr;
    /* document */
    struct buf out;  /* the text so far */
    struct buf para; /* the paragraph being read */
    int p_depth;     /* w:p nesting (text boxes hold paragraphs inside paragraphs) */
    int in_r;        /* inside a run */
    int in_t;        /* inside w:t */
    int in_del;      /* inside w:del / w:moveFrom: text dropped */
    int in_ppr;      /* inside the paragraph's properties */
    int num_id, num_lvl;
    bool has_numpr;   /* the paragraph has its own w:numPr (numId 0 there: no number) */
    char p_style[64]; /* the paragraph's w:pStyle */
    int tbl_depth;
    int cells_in_row;  /* cells begun in the current row (outermost table) */
    int paras_in_cell; /* paragraphs written in the current cell */
    size_t max_out;    /* the text's size cap */
};

static const char *wlocal(const char *name) {
    /* the WordprocessingML namespace is the only one read: other namespaces' names do not match */
    const char *bar = strrchr(name, '|');
    if (!bar) return name;
    static const char wml[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    if ((size_t)(bar - name) != sizeof wml - 1 || memcmp(name, wml, sizeof wml - 1) != 0) return "";
    return bar + 1;
}

static int att_int(const char **atts, const char *local, int dflt) {
    const char *v = zipxml_attr(atts, local);
    if (!v) return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    return end != v && n >= -1000000 && n <= 1000000 ? (int)n : dflt;
}

static void oom(struct docx *d) {
    if (!d->stop) d->stop = error_set(d->err, ERR_NOMEM, "内存不足", "out of memory");
}

static void XMLCALL num_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (strcmp(n, "abstractNum") == 0) {
        if (d->n_abs == d->cap_abs) {
            int cap = d->cap_abs ? d->cap_abs * 2 : 16;
            struct doc_abstract *v = realloc(d->abs, sizeof *v * (size_t)cap);
            if (!v) return oom(d);
            d->abs = v;
            d->cap_abs = cap;
        }
        struct doc_abstract *a = &d->abs[d->n_abs];
        memset(a, 0, sizeof *a);
        a->id = att_int(atts, "abstractNumId", -1);
        for (int i = 0; i < DOC_LEVELS; i++) {
            a->lvl[i].start = 1;
            a->lvl[i].suff = ' ';
        }
        d->cur_abs = d->n_abs++;
        d->cur_lvl = -1;
    } else if (strcmp(n, "lvl") == 0 && d->cur_abs >= 0) {
        int l = att_int(atts, "ilvl", -1);
        d->cur_lvl = l >= 0 && l < DOC_LEVELS ? l : -1;
    } else if (d->cur_abs >= 0 && d->cur_lvl >= 0) {
        struct doc_level *l = &d->abs[d->cur_abs].lvl[d->cur_lvl];
        const char *v = zipxml_attr(atts, "val");
        if (!v) return;
        if (strcmp(n, "numFmt") == 0)
            snprintf(l->fmt, sizeof l->fmt, "%s", v);
        else if (strcmp(n, "lvlText") == 0)
            snprintf(l->text, sizeof l->text, "%s", v);
        else if (strcmp(n, "start") == 0)
            l->start = att_int(atts, "val", 1);
        else if (strcmp(n, "suff") == 0)
            l->suff = strcmp(v, "nothing") == 0 ? 0 : ' ';
        else if (strcmp(n, "pStyle") == 0)
            snprintf(l->pstyle, sizeof l->pstyle, "%s", v);
    } else if (strcmp(n, "num") == 0) {
        if (d->n_nums == d->cap_nums) {
            int cap = d->cap_nums ? d->cap_nums * 2 : 16;
            struct doc_num *v = realloc(d->nums, sizeof *v * (size_t)cap);
            if (!v) return oom(d);
            d->nums = v;
            d->cap_nums = cap;
        }
        struct doc_num *m = &d->nums[d->n_nums];
        memset(m, 0, sizeof *m);
        m->id = att_int(atts, "numId", -1);
        m->abstract = -1;
        d->cur_num = d->n_nums++;
    } else if (d->cur_num >= 0) {
        struct doc_num *m = &d->nums[d->cur_num];
        if (strcmp(n, "abstractNumId") == 0) {
            m->abstract = att_int(atts, "val", -1);
        } else if (strcmp(n, "lvlOverride") == 0) {
            int l = att_int(atts, "ilvl", -1);
            d->cur_override_lvl = l >= 0 && l < DOC_LEVELS ? l : -1;
        } else if (strcmp(n, "startOverride") == 0 && d->cur_override_lvl >= 0) {
            m->start_override[d->cur_override_lvl] = att_int(atts, "val", 0);
        }
    }
}

static void XMLCALL num_end(void *ud, const XML_Char *name) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (strcmp(n, "abstractNum") == 0)
        d->cur_abs = -1;
    else if (strcmp(n, "lvl") == 0)
        d->cur_lvl = -1;
    else if (strcmp(n, "num") == 0)
        d->cur_num = -1;
    else if (strcmp(n, "lvlOverride") == 0)
        d->cur_override_lvl = -1;
}

/* ---- styles.xml: the paragraph styles that carry numbering ---- */

static void XMLCALL style_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (strcmp(n, "style") == 0) {
        const char *id = zipxml_attr(atts, "styleId");
        if (!id) return;
        if (d->n_styles == d->cap_styles) {
            int cap = d->cap_styles ? d->cap_styles * 2 : 32;
            struct doc_style *v = realloc(d->styles, sizeof *v * (size_t)cap);
            if (!v) return oom(d);
            d->styles = v;
            d->cap_styles = cap;
        }
        struct doc_style *st = &d->styles[d->n_styles];
        memset(st, 0, sizeof *st);
        snprintf(st->id, sizeof st->id, "%s", id);
        st->ilvl = -1;
        d->cur_style = d->n_styles++;
        return;
    }
    if (d->cur_style < 0) return;
    struct doc_style *st = &d->styles[d->cur_style];
    if (strcmp(n, "basedOn") == 0) {
        const char *v = zipxml_attr(atts, "val");
        if (v) snprintf(st->based_on, sizeof st->based_on, "%s", v);
    } else if (strcmp(n, "pPr") == 0) {
        d->style_ppr = 1;
    } else if (d->style_ppr && strcmp(n, "numId") == 0) {
        st->num_id = att_int(atts, "val", 0);
    } else if (d->style_ppr && strcmp(n, "ilvl") == 0) {
        st->ilvl = att_int(atts, "val", 0);
    }
}

static void XMLCALL style_end(void *ud, const XML_Char *name) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (strcmp(n, "style") == 0)
        d->cur_style = -1;
    else if (strcmp(n, "pPr") == 0)
        d->style_ppr = 0;
}

/* The numbering a paragraph of style id gets from its style (or the styles it is based on). */
static void style_numbering(const struct docx *d, const char *id, int *num_id, int *lvl) {
    *num_id = 0;
    *lvl = 0;
    for (int hop = 0; hop < 16 && id[0]; hop++) {
        const struct doc_style *st = NULL;
        for (int i = 0; i < d->n_styles && !st; i++)
            if (strcmp(d->styles[i].id, id) == 0) st = &d->styles[i];
        if (!st) return;
        if (st->num_id) {
            *num_id = st->num_id;
            *lvl = st->ilvl >= 0 ? st->ilvl : 0;
            if (st->ilvl >= 0) return;
            /* no w:ilvl: the level of the style's list that names this style */
            for (int i = 0; i < d->n_nums; i++) {
                if (d->nums[i].id != st->num_id) continue;
                for (int a = 0; a < d->n_abs; a++) {
                    if (d->abs[a].id != d->nums[i].abstract) continue;
                    for (int k = 0; k < DOC_LEVELS; k++)
                        if (strcmp(d->abs[a].lvl[k].pstyle, st->id) == 0) *lvl = k;
                }
            }
            return;
        }
        id = st->based_on;
    }
}

/* ---- list numbers as text ---- */

/* 1..9999 in Chinese numerals: 一, 十, 十一, 二十, 一百零一, 一千零二十. */
static void put_chinese(struct buf *b, int n) {
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    static const char *const unit[] = {"千", "百", "十", ""};
    static const int div[] = {1000, 100, 10, 1};
    if (n <= 0 || n > 9999) {
        buf_printf(b, "%d", n);
        return;
    }
    bool started = false, zero = false;
    for (int k = 0; k < 4; k++) {
        int dgt = n / div[k] % 10;
        if (dgt == 0) {
            if (started) zero = true;
            continue;
        }
        if (zero) buf_puts(b, digit[0]);
        zero = false;
        /* 十一 rather than 一十一 when the number starts at the tens */
        if (!(k == 2 && dgt == 1 && !started)) buf_puts(b, digit[dgt]);
        buf_puts(b, unit[k]);
        started = true;
    }
}

static void put_roman(struct buf *b, int n, bool upper) {
    static const struct {
        int v;
        const char *s;
    } r[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
             {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
    if (n <= 0 || n > 3999) {
        buf_printf(b, "%d", n);
        return;
    }
    for (size_t k = 0; k < sizeof r / sizeof *r; k++)
        for (; n >= r[k].v; n -= r[k].v)
            for (const char *c = r[k].s; *c; c++)
                buf_putc(b, upper ? (char)(*c - 'a' + 'A') : *c);
}

/* One number n in Word's format fmt; false for a bullet or "none" (no text). */
static bool put_number(struct buf *b, const char *fmt, int n) {
    if (!*fmt || strcmp(fmt, "decimal") == 0 || strcmp(fmt, "decimalZero") == 0) {
        buf_printf(b, strcmp(fmt, "decimalZero") == 0 ? "%02d" : "%d", n);
    } else if (strncmp(fmt, "chineseCounting", 15) == 0 || strcmp(fmt, "japaneseCounting") == 0 ||
               strcmp(fmt, "ideographDigital") == 0 || strcmp(fmt, "taiwaneseCounting") == 0) {
        put_chinese(b, n);
    } else if (strncmp(fmt, "decimalEnclosedCircle", 21) == 0) {
        if (n >= 1 && n <= 20) {
            char u8[4];
            int k = utf8_encode(0x2460 + n - 1, u8); /* ① … ⑳ */
            buf_append(b, u8, (size_t)k);
        } else {
            buf_printf(b, "(%d)", n);
        }
    } else if (strcmp(fmt, "decimalFullWidth") == 0 || strcmp(fmt, "decimalFullWidth2") == 0) {
        char tmp[16];
        snprintf(tmp, sizeof tmp, "%d", n);
        for (const char *c = tmp; *c; c++) {
            char u8[4];
            int k = utf8_encode(0xFF10 + (*c - '0'), u8);
            buf_append(b, u8, (size_t)k);
        }
    } else if (strcmp(fmt, "ideographTraditional") == 0) {
        static const char *const gan[] = {"甲", "乙", "丙", "丁", "戊",
                                          "己", "庚", "辛", "壬", "癸"};
        if (n >= 1 && n <= 10)
            buf_puts(b, gan[n - 1]);
        else
            buf_printf(b, "%d", n);
    } else if (strcmp(fmt, "upperLetter") == 0 || strcmp(fmt, "lowerLetter") == 0) {
        char c = (char)((fmt[0] == 'u' ? 'A' : 'a') + (n - 1) % 26);
        for (int k = 0; k <= (n - 1) / 26 && k < 8; k++)
            buf_putc(b, c);
    } else if (strcmp(fmt, "upperRoman") == 0 || strcmp(fmt, "lowerRoman") == 0) {
        put_roman(b, n, fmt[0] == 'u');
    } else if (strcmp(fmt, "bullet") == 0 || strcmp(fmt, "none") == 0) {
        return false;
    } else {
        buf_printf(b, "%d", n); /* a format we do not know: the number at least */
    }
    return true;
}

/* The generated number of a paragraph with w:numPr (numId, ilvl), counters advanced. */
static void put_list_number(struct docx *d, struct buf *b, int num_id, int lvl) {
    if (num_id <= 0 || lvl < 0 || lvl >= DOC_LEVELS) return;
    struct doc_num *m = NULL;
    for (int i = 0; i < d->n_nums && !m; i++)
        if (d->nums[i].id == num_id) m = &d->nums[i];
    if (!m) return;
    struct doc_abstract *a = NULL;
    for (int i = 0; i < d->n_abs && !a; i++)
        if (d->abs[i].id == m->abstract) a = &d->abs[i];
    if (!a) return;
    if (!m->used) {
        m->used = true;
        for (int k = 0; k < DOC_LEVELS; k++)
            if (m->start_override[k]) {
                a->count[k] = m->start_override[k] - 1;
                a->seen[k] = true;
            }
    }
    for (int k = 0; k < DOC_LEVELS; k++) {
        if (k > lvl) {
            a->seen[k] = false; /* a deeper level starts again under a new item */
        } else if (!a->seen[k]) {
            a->count[k] = a->lvl[k].start;
            a->seen[k] = true;
        } else if (k == lvl) {
            a->count[k]++;
        }
    }
    if (strcmp(a->lvl[lvl].fmt, "bullet") == 0) return; /* a bullet's symbol is not text */
    for (const char *p = a->lvl[lvl].text; *p; p++) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1';
            put_number(b, a->lvl[k].fmt, a->count[k]);
            p++;
        } else {
            buf_putc(b, *p);
        }
    }
    if (a->lvl[lvl].suff) buf_putc(b, a->lvl[lvl].suff);
}

/* ---- document.xml ---- */

static void put_para(struct docx *d) {
    if (d->tbl_depth > 0) {
        if (d->paras_in_cell++ > 0 && d->para.len) buf_putc(&d->out, ' ');
        buf_append(&d->out, d->para.data ? d->para.data : "", d->para.len);
    } else {
        buf_append(&d->out, d->para.data ? d->para.data : "", d->para.len);
        buf_putc(&d->out, '\n');
    }
    buf_clear(&d->para);
    if (d->out.is_oom) oom(d);
    if (d->out.len > d->max_out && !d->stop)
        d->stop = error_set(d->err, ERR_TOO_LARGE, "Word 文档的文字超过 %zu 字节",
                            "the Word document's text is over %zu bytes", d->max_out);
}

static void XMLCALL doc_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (d->in_del) {
        if (strcmp(n, "del") == 0 || strcmp(n, "moveFrom") == 0) d->in_del++;
        return;
    }
    switch (n[0]) {
    case 'b':
        if (strcmp(n, "br") == 0 && d->in_r) buf_putc(&d->para, '\n');
        break;
    case 'c':
        if (strcmp(n, "cr") == 0 && d->in_r) buf_putc(&d->para, '\n');
        break;
    case 'd':
        if (strcmp(n, "del") == 0) d->in_del = 1;
        break;
    case 'i':
        if (strcmp(n, "ilvl") == 0 && d->in_ppr) d->num_lvl = att_int(atts, "val", 0);
        break;
    case 'm':
        if (strcmp(n, "moveFrom") == 0) d->in_del = 1;
        break;
    case 'n':
        if (strcmp(n, "numId") == 0 && d->in_ppr) {
            d->num_id = att_int(atts, "val", 0);
            d->has_numpr = true;
        }
        break;
    case 'p':
        if (strcmp(n, "p") == 0) {
            if (d->p_depth++ == 0) {
                d->num_id = 0;
                d->num_lvl = 0;
                d->has_numpr = false;
                d->p_style[0] = 0;
            }
        } else if (strcmp(n, "pPr") == 0) {
            d->in_ppr++;
        } else if (strcmp(n, "pStyle") == 0 && d->in_ppr && d->p_depth == 1) {
            const char *v = zipxml_attr(atts, "val");
            if (v) snprintf(d->p_style, sizeof d->p_style, "%s", v);
        }
        break;
    case 'r':
        if (strcmp(n, "r") == 0) d->in_r++;
        break;
    case 't':
        if (strcmp(n, "t") == 0 && d->in_r) {
            d->in_t = 1;
        } else if (strcmp(n, "tab") == 0 && d->in_r && !d->in_ppr) {
            buf_putc(&d->para, ' ');
        } else if (strcmp(n, "tbl") == 0) {
            if (d->p_depth == 0 && d->para.len) put_para(d);
            d->tbl_depth++;
        } else if (strcmp(n, "tr") == 0 && d->tbl_depth == 1) {
            d->cells_in_row = 0;
        } else if (strcmp(n, "tc") == 0) {
            if (d->tbl_depth == 1 && d->cells_in_row++ > 0) buf_putc(&d->out, '\t');
            if (d->tbl_depth > 1) buf_putc(&d->out, ' ');
            d->paras_in_cell = 0;
        }
        break;
    default:
        break;
    }
}

static void XMLCALL doc_end(void *ud, const XML_Char *name) {
    struct docx *d = ud;
    const char *n = wlocal(name);
    if (d->in_del) {
        if (strcmp(n, "del") == 0 || strcmp(n, "moveFrom") == 0) d->in_del--;
        return;
    }
    if (strcmp(n, "t") == 0) {
        d->in_t = 0;
    } else if (strcmp(n, "r") == 0) {
        if (d->in_r) d->in_r--;
    } else if (strcmp(n, "pPr") == 0) {
        if (d->in_ppr) d->in_ppr--;
    } else if (strcmp(n, "p") == 0) {
        if (d->p_depth && --d->p_depth == 0) {
            if (!d->has_numpr && d->p_style[0])
                style_numbering(d, d->p_style, &d->num_id, &d->num_lvl);
            if (d->num_id > 0) {
                struct buf num;
                buf_init(&num);
                put_list_number(d, &num, d->num_id, d->num_lvl);
                if (num.len) {
                    struct buf tmp = d->para;
                    d->para = num;
                    buf_append(&d->para, tmp.data ? tmp.data : "", tmp.len);
                    buf_release(&tmp);
                } else {
                    buf_release(&num);
                }
            }
            put_para(d);
        }
    } else if (strcmp(n, "tr") == 0 && d->tbl_depth == 1) {
        buf_putc(&d->out, '\n');
    } else if (strcmp(n, "tbl") == 0) {
        if (d->tbl_depth) d->tbl_depth--;
    }
}

static void XMLCALL doc_chars(void *ud, const XML_Char *s, int len) {
    struct docx *d = ud;
    if (d->in_t && !d->in_del) buf_append(&d->para, s, (size_t)len);
}

static int read_docx(struct docx *d, zip_t *z) {
    struct zipxml_part p = {.name = "word/numbering.xml",
                            .kind_zh = "Word 文档",
                            .kind_en = "Word document",
                            .max_bytes = TEXT_MAX_INPUT,
                            .start = num_start,
                            .end = num_end,
                            .ud = d,
                            .stop = &d->stop};
    d->cur_abs = d->cur_lvl = d->cur_num = d->cur_override_lvl = d->cur_style = -1;
    int rc = zipxml_parse(z, &p, d->err);
    if (rc && rc != ERR_NOTFOUND) return rc;
    p.name = "word/styles.xml";
    p.start = style_start;
    p.end = style_end;
    rc = zipxml_parse(z, &p, d->err);
    if (rc && rc != ERR_NOTFOUND) return rc;
    p.name = "word/document.xml";
    p.start = doc_start;
    p.end = doc_end;
    p.chars = doc_chars;
    rc = zipxml_parse(z, &p, d->err);
    if (rc == ERR_NOTFOUND)
        return error_set(d->err, ERR_INVALID, "不是 Word 文档(压缩包中没有 word/document.xml)",
                         "not a Word document (the zip has no word/document.xml)");
    return rc;
}

int text_from_docx(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    *out = NULL;
    *out_len = 0;
    zip_t *z = zipxml_open_buffer(s, len, "Word 文档", "Word document", err);
    if (!z) {
        char en[320];
        snprintf(en, sizeof en, "not a Word document (damaged, or not a .docx): %.200s",
                 err ? err->en : "");
        return error_set_text(err, ERR_INVALID, "不是 Word 文档(文件已损坏,或不是 .docx 文件)", en);
    }
    struct docx d;
    memset(&d, 0, sizeof d);
    d.err = err;
    d.max_out = TEXT_MAX_INPUT;
    buf_init(&d.out);
    buf_init(&d.para);
    int rc = read_docx(&d, z);
    zip_discard(z);
    free(d.abs);
    free(d.nums);
    free(d.styles);
    buf_release(&d.para);
    if (!rc && d.out.is_oom) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    if (rc) {
        buf_release(&d.out);
        return rc;
    }
    *out_len = d.out.len;
    *out = buf_detach(&d.out);
    if (!*out) *out = calloc(1, 1);
    return *out ? 0 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
}

/* ---- recognising the kind ---- */

static bool has_ext(const char *name, const char *ext) {
    if (!name) return false;
    size_t n = strlen(name), e = strlen(ext);
    return n > e && strcasecmp(name + n - e, ext) == 0;
}

static bool starts_ci(const char *s, size_t len, const char *prefix) {
    size_t n = strlen(prefix);
    return len >= n && strncasecmp(s, prefix, n) == 0;
}

static bool looks_html(const char *s, size_t len) {
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    s += i;
    len -= i;
    if (starts_ci(s, len, "<!doctype html") || starts_ci(s, len, "<html")) return true;
    if (starts_ci(s, len, "<?xml")) {
        size_t n = len < 512 ? len : 512;
        for (size_t k = 0; k + 5 <= n; k++)
            if (strncasecmp(s + k, "<html", 5) == 0) return true;
    }
    return false;
}

enum text_doc_kind text_doc_sniff(const char *s, size_t len, const char *name) {
    if (len >= 4 && (memcmp(s, "PK\3\4", 4) == 0 || memcmp(s, "PK\5\6", 4) == 0))
        return TEXT_DOC_DOCX;
    if (len >= 5 && memcmp(s, "%PDF-", 5) == 0) return TEXT_DOC_PDF;
    if (len >= 8 && memcmp(s, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) return TEXT_DOC_DOC;
    if (looks_html(s, len)) return TEXT_DOC_HTML;
    /* content says text: the name decides between text and an HTML fragment */
    if (has_ext(name, ".html") || has_ext(name, ".htm") || has_ext(name, ".shtml"))
        return TEXT_DOC_HTML;
    if (has_ext(name, ".docx")) return TEXT_DOC_DOCX; /* refused below as not a Word document */
    if (has_ext(name, ".pdf")) return TEXT_DOC_PDF;
    if (has_ext(name, ".doc") || has_ext(name, ".wps")) return TEXT_DOC_DOC;
    return TEXT_DOC_TEXT;
}

const char *text_doc_kind_name(enum text_doc_kind k) {
    switch (k) {
    case TEXT_DOC_DOCX:
        return "docx";
    case TEXT_DOC_HTML:
        return "html";
    case TEXT_DOC_PDF:
        return "pdf";
    case TEXT_DOC_DOC:
        return "doc";
    case TEXT_DOC_TEXT:
        break;
    }
    return "text";
}

/* UTF-16 with a byte order mark → UTF-8 through ICU. */
static int from_utf16(const char *s, size_t len, char **out, size_t *out_len, struct error *err) {
    const char *cs = (unsigned char)s[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
    s += 2;
    len -= 2;
    size_t cap = len / 2 * 3 + 16;
    char *dst = malloc(cap);
    if (!dst) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(cs, &st);
    if (U_SUCCESS(st)) ucnv_setToUCallBack(cnv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t n = 0;
    if (U_SUCCESS(st)) {
        UConverter *u8 = ucnv_open("UTF-8", &st);
        if (U_SUCCESS(st)) {
            char *t = dst;
            const char *src = s;
            ucnv_convertEx(u8, cnv, &t, dst + cap - 1, &src, s + len, NULL, NULL, NULL, NULL, true,
                           true, &st);
            n = (int32_t)(t - dst);
        }
        ucnv_close(u8);
    }
    ucnv_close(cnv);
    if (U_FAILURE(st)) {
        free(dst);
        return error_set(err, ERR_UTF8, "无法按 %s 解码(文件已损坏?)",
                         "cannot decode as %s (a damaged file?)", cs, cs);
    }
    dst[n] = 0;
    *out = dst;
    *out_len = (size_t)n;
    return 0;
}

static int text_bytes(const char *s, size_t len, char **out, size_t *out_len,
                      struct text_doc_info *info, struct error *err) {
    if (len >= 2 && (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
                     ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF))) {
        if (info) info->encoding = "UTF-16";
        return from_utf16(s, len, out, out_len, err);
    }
    bool bom = len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
    if (bom) {
        s += 3;
        len -= 3;
    }
    size_t bad;
    if (utf8_is_valid(s, len, &bad)) {
        if (info) info->encoding = bom ? "UTF-8 BOM" : "UTF-8";
        *out = malloc(len + 1);
        if (!*out) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        memcpy(*out, s, len);
        (*out)[len] = 0;
        *out_len = len;
        return 0;
    }
    if (!bom) {
        struct error gerr;
        error_clear(&gerr);
        if (text_from_gb18030(s, len, out, out_len, &gerr) == 0) {
            if (info) info->encoding = "GB18030";
            return 0;
        }
        if (gerr.code == ERR_NOMEM || gerr.code == ERR_TOO_LARGE) {
            if (err) *err = gerr;
            return gerr.code;
        }
    }
    /* neither: report where UTF-8 fails, counted in the file as uploaded */
    size_t at = bad + (bom ? 3 : 0);
    error_set(err, ERR_UTF8, "文件既不是 UTF-8 也不是 GB18030 编码:第 %zu 字节无效",
              "the file is neither UTF-8 (invalid at byte %zu) nor GB18030", at);
    if (err) err->offset = (int64_t)at;
    return ERR_UTF8;
}

int text_from_document(const char *s, size_t len, const char *name, char **out, size_t *out_len,
                       struct text_doc_info *info, struct error *err) {
    *out = NULL;
    *out_len = 0;
    if (info) {
        info->kind = "text";
        info->encoding = "";
    }
    if (len > TEXT_MAX_INPUT)
        return error_set(err, ERR_TOO_LARGE, "文件超过 %u 字节", "the file is over %u bytes",
                         TEXT_MAX_INPUT, TEXT_MAX_INPUT);
    enum text_doc_kind k = text_doc_sniff(s, len, name);
    if (info) info->kind = text_doc_kind_name(k);
    switch (k) {
    case TEXT_DOC_PDF:
        if (info) info->encoding = "UTF-8";
        return text_from_pdf(s, len, out, out_len, err);
    case TEXT_DOC_DOC:
        return error_set(err, ERR_UNSUPPORTED,
                         "暂不支持旧版 Word(.doc/.wps)文件,请在 Word 中另存为 .docx 后上传",
                         "old Word (.doc/.wps) files are not supported: save as .docx in Word");
    case TEXT_DOC_DOCX:
        if (info) info->encoding = "UTF-8";
        return text_from_docx(s, len, out, out_len, err);
    case TEXT_DOC_HTML:
    case TEXT_DOC_TEXT:
        break;
    }
    char *t = NULL;
    size_t tl = 0;
    int rc = text_bytes(s, len, &t, &tl, info, err);
    if (rc) {
        free(t);
        return rc;
    }
    if (k == TEXT_DOC_TEXT) {
        *out = t;
        *out_len = tl;
        return 0;
    }
    rc = text_from_html(t, tl, out, out_len, err);
    free(t);
    return rc;
}
