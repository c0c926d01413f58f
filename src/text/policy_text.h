/* Policy text as published: normalisation (NFKC and full-width folding, stray spaces from PDF
 * conversion, page numbers like "— 2 —", lines broken mid-sentence) with a map back to the input,
 * and splitting into headings and sentences by the numbering policy documents use (第X章/第X条,
 * 一、, (一), 1. / 1、, (1), ①). Knows nothing of benefits or conditions (that is src/extract). */
#ifndef DUIJIE_TEXT_POLICY_TEXT_H
#define DUIJIE_TEXT_POLICY_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/* Inputs above this are refused with ERR_TOO_LARGE (the offset maps use 32-bit offsets). */
#define TEXT_MAX_INPUT (64u << 20)

/* The normalised text: one line per paragraph (broken lines joined), no spaces or tabs, NFKC and
 * full-width folded (except 。、“”《》〔〕 and circled numbers, which carry meaning). Every byte
 * knows the input bytes it came from, so a span of the normalised text maps back to an exact
 * substring of the input. */
struct text_norm {
    char *s;        /* owned, NUL-terminated */
    size_t len;     /* bytes in s */
    uint32_t *from; /* owned, len + 1 entries: input offset where the char holding byte i starts */
    uint32_t *to;   /* owned, len + 1 entries: input offset just past that char */
};

/* Normalises s[0..len): invalid UTF-8 is ERR_UTF8 with err->offset at the first bad byte; over
 * TEXT_MAX_INPUT is ERR_TOO_LARGE. */
int text_normalize(const char *s, size_t len, struct text_norm *out, struct error *err);
void text_norm_release(struct text_norm *n);
/* The text with the lines text_normalize would join joined (a sentence broken by a PDF page's
 * width is one line again, a space kept only between two Latin letters or digits) and page-number
 * lines dropped; every other character as it was (no folding): what a reader sees and edits.
 * *out is malloc'd. */
int text_unwrap(const char *s, size_t len, char **out, size_t *out_len, struct error *err);
/* The input span [*start, *end) covering normalised bytes [a, b) (a < b <= n->len). */
void text_norm_span(const struct text_norm *n, size_t a, size_t b, size_t *start, size_t *end);

enum text_unit_kind { TU_HEADING, TU_SENTENCE };

/* Numbering styles, outermost first; the level of a heading or item. */
enum text_marker {
    MK_NONE = 0,
    MK_CHAPTER,   /* 第一章, 第一节 */
    MK_ARTICLE,   /* 第一条 */
    MK_CN,        /* 一、 */
    MK_CN_PAREN,  /* (一) */
    MK_NUM,       /* 1. 1、 */
    MK_NUM_PAREN, /* (1) 1) */
    MK_CIRCLED,   /* ① */
};

struct text_unit {
    enum text_unit_kind kind;
    enum text_marker marker; /* numbering that opened this unit's item, MK_NONE when none */
    size_t start, end;       /* normalised byte span, the item number excluded */
    int line;                /* 0-based paragraph (normalised line) */
    int item;                /* index of the numbered item (or paragraph) the unit belongs to */
    int heading;             /* index into units of the innermost heading above, -1 when none */
    int parent_heading;      /* for a heading: the heading it sits under, -1 when none */
};

struct text_units {
    struct text_unit *v; /* owned */
    int n, cap;
};

/* HTML → text: head, scripts, styles and comments dropped, tags removed, white space collapsed as
 * a browser does, block elements (p, div, br, li, tr, h1–h6 …) as line breaks (no blank lines),
 * a table row as one line with its cells separated by a tab, entities decoded. *out is malloc'd.
 * Invalid UTF-8 is ERR_UTF8. */
int text_from_html(const char *s, size_t len, char **out, size_t *out_len, struct error *err);
/* GB18030 (and GBK, GB2312) → UTF-8 through ICU. *out is malloc'd. A byte sequence that is not
 * GB18030 is ERR_INVALID with err->offset at its first byte. */
int text_from_gb18030(const char *s, size_t len, char **out, size_t *out_len, struct error *err);

/* A policy document as uploaded, by its bytes (the file name's extension only breaks ties). */
enum text_doc_kind { TEXT_DOC_TEXT, TEXT_DOC_HTML, TEXT_DOC_DOCX, TEXT_DOC_PDF, TEXT_DOC_DOC };
struct text_doc_info {
    const char *kind;     /* "text", "html", "docx", "pdf", "doc" */
    const char *encoding; /* "UTF-8", "UTF-8 BOM", "GB18030", "UTF-16"; "" when not read */
};
/* zip → docx, %PDF → pdf, the OLE magic → doc, "<html"/"<!doctype html" → html; else the name's
 * extension (.html/.htm, .docx, .pdf, .doc/.wps), else text. name may be NULL. */
enum text_doc_kind text_doc_sniff(const char *s, size_t len, const char *name);
const char *text_doc_kind_name(enum text_doc_kind k);
/* Word (.docx) → text: one line per paragraph, a table row per line with cells separated by a
 * tab, w:tab as a space, w:br as a line break, deleted revisions dropped, insertions kept, list
 * numbers rebuilt from word/numbering.xml (一、 （一） 1. ① …; bullets dropped). Not a zip or no
 * word/document.xml: ERR_INVALID "不是 Word 文档"; a part over TEXT_MAX_INPUT uncompressed:
 * ERR_TOO_LARGE. Numbers a paragraph gets through its style (styles.xml) are rebuilt too; fields
 * (page numbers, cross references) keep the text Word last showed; footnotes and headers are left
 * out. */
int text_from_docx(const char *s, size_t len, char **out, size_t *out_len, struct error *err);
/* A PDF's text layer (src/text/pdf.c: Poppler's pdftotext in a child process with CPU, memory
 * and time limits), lines as the page broke them. Errors: the reader not installed
 * (ERR_UNSUPPORTED), not a PDF or damaged (ERR_PARSE), a password (ERR_UNSUPPORTED), no text layer,
 * a scan (ERR_UNSUPPORTED), too slow or too much text (ERR_TOO_LARGE). *out is malloc'd. */
int text_from_pdf(const char *s, size_t len, char **out, size_t *out_len, struct error *err);
/* Whether text_from_pdf's reader is installed (DUIJIE_PDFTOTEXT, else /usr/bin/pdftotext). */
bool text_pdf_available(void);
/* Any uploaded policy document → UTF-8 text: Word as above; PDF as above; HTML's visible text;
 * plain text in UTF-8 (BOM dropped), UTF-16 with a BOM, or GB18030 when not valid UTF-8 (else
 * ERR_UTF8 with err->offset at the first byte that is not UTF-8); old .doc is ERR_UNSUPPORTED with
 * what to do instead. *out is malloc'd; info may be NULL. */
int text_from_document(const char *s, size_t len, const char *name, char **out, size_t *out_len,
                       struct text_doc_info *info, struct error *err);

/* Splits normalised text into headings and sentences (at 。;!? outside brackets). */
int text_split(const struct text_norm *n, struct text_units *out, struct error *err);
void text_units_release(struct text_units *u);
/* The numbering at the start of s (bytes consumed, 0 when none) and its style. */
size_t text_item_marker(const char *s, size_t len, enum text_marker *mk);

#endif
