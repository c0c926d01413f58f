/* Owns the CSV reader: encoding sniffing (UTF-8 with or without BOM, else GB18030 through ICU),
 * delimiter detection from the header line, RFC 4180 records (quotes, doubled quotes, embedded
 * delimiters and newlines, CRLF) read in constant memory, and recovery from broken rows. Knows
 * nothing of fields or the store: it hands rows of text cells to a callback. */
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include "import/import.h"
#include "util/buf.h"
#include "util/utf8.h"

#define CSV_CHUNK 65536
#define CSV_SNIFF (1 << 20)            /* bytes looked at to decide UTF-8 or GB18030 */
#define CSV_MAX_RECORD (1 << 20)       /* a longer record is broken (an unterminated quote) */
#define CSV_REPLACEMENT "\xEF\xBF\xBD" /* what ICU writes for a bad GB18030 sequence */

enum csv_state { S_START, S_UNQUOTED, S_QUOTED, S_QUOTE_SEEN, S_SKIP_LINE };

struct csv {
    /* raw input */
    FILE *f;
    const char *mem;
    size_t mem_len, mem_pos;
    int64_t total, consumed;
    const char *sniff; /* the first raw bytes, replayed before reading on */
    char *sniff_buf;   /* owned: where a stream's first bytes were read to */
    size_t sniff_len, sniff_pos;
    bool is_raw_eof;
    /* decoding */
    bool is_gb;
    UConverter *gb, *utf8;
    UChar pivot[4096], *pivot_src, *pivot_dst;
    char raw[CSV_CHUNK];
    /* decoded UTF-8 waiting to be tokenised */
    char *in;
    size_t in_len, in_pos, in_cap;
    bool is_eof;
    /* tokeniser */
    char delim;
    enum csv_state state;
    bool skip_lf;         /* the last byte was a CR ending a line */
    int line;             /* physical line of the next byte */
    int rec_line, rec_no; /* line the record began on; record number */
    int quote_line;       /* line of the open quote in S_QUOTED */
    struct buf field;     /* every field of the record, back to back */
    size_t *ends, n_fields, ends_cap;
    struct buf tail; /* bytes after the first newline of a multi-line quoted field */
    bool is_tailing;
    struct error bad;
    bool is_bad;
    const struct import_reader_opts *o;
    struct import_cell *cells;
    size_t cells_cap;
};

/* ---- raw input and decoding ---- */

static size_t raw_read(struct csv *c, char *dst, size_t cap) {
    if (c->sniff_pos < c->sniff_len) {
        size_t n = c->sniff_len - c->sniff_pos;
        if (n > cap) n = cap;
        memcpy(dst, c->sniff + c->sniff_pos, n);
        c->sniff_pos += n;
        return n;
    }
    size_t n = 0;
    if (c->f) {
        n = fread(dst, 1, cap, c->f);
    } else if (c->mem_pos < c->mem_len) {
        n = c->mem_len - c->mem_pos;
        if (n > cap) n = cap;
        memcpy(dst, c->mem + c->mem_pos, n);
        c->mem_pos += n;
    }
    if (n == 0) c->is_raw_eof = true;
    return n;
}

static bool in_reserve(struct csv *c, size_t extra) {
    if (c->in_len + extra <= c->in_cap) return true;
    size_t cap = c->in_cap ? c->in_cap : CSV_CHUNK * 4;
    while (cap < c->in_len + extra)
        cap *= 2;
    char *p = realloc(c->in, cap);
    if (!p) return false;
    c->in = p;
    c->in_cap = cap;
    return true;
}

/* ICU calls this for a bad or unmapped GB18030 sequence: write U+FFFD, which the tokeniser then
 * reports as bad bytes for its field. */
static void gb_to_u_cb(const void *ctx, UConverterToUnicodeArgs *args, const char *units,
                       int32_t length, UConverterCallbackReason reason, UErrorCode *status) {
    (void)ctx, (void)units, (void)length;
    if (reason > UCNV_IRREGULAR) return;
    static const UChar fffd = 0xFFFD;
    *status = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(args, &fffd, 1, 0, status);
}

/* Appends more decoded bytes to in; false at the end of input or on a decoder failure. */
static bool fill(struct csv *c, struct error *err) {
    if (c->in_pos == c->in_len) c->in_pos = c->in_len = 0;
    if (c->is_eof) return false;
    if (!in_reserve(c, CSV_CHUNK * 3 + 16384)) {
        error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        return false;
    }
    size_t n = raw_read(c, c->raw, sizeof c->raw);
    c->consumed += (int64_t)n;
    if (!c->is_gb) {
        memcpy(c->in + c->in_len, c->raw, n);
        c->in_len += n;
        if (n == 0) c->is_eof = true;
        return n > 0;
    }
    const char *src = c->raw, *src_end = c->raw + n;
    char *dst = c->in + c->in_len, *dst_end = c->in + c->in_cap;
    UErrorCode st = U_ZERO_ERROR;
    ucnv_convertEx(c->utf8, c->gb, &dst, dst_end, &src, src_end, c->pivot, &c->pivot_src,
                   &c->pivot_dst, c->pivot + sizeof c->pivot / sizeof *c->pivot, false,
                   c->is_raw_eof, &st);
    if (U_FAILURE(st)) {
        error_set(err, ERR_IO, "GB18030 转换失败:%s", "GB18030 conversion failed: %s",
                  u_errorName(st));
        c->is_eof = true;
        return false;
    }
    size_t got = (size_t)(dst - (c->in + c->in_len));
    c->in_len += got;
    if (c->is_raw_eof) c->is_eof = true;
    return got > 0 || !c->is_eof;
}

/* A UTF-8 file with a few bad bytes stays UTF-8 (those rows are errors); GB18030 text read as
 * UTF-8 is nearly all bad sequences. */
static bool mostly_utf8(const char *s, size_t len) {
    size_t good = 0, bad = 0;
    const char *p = s, *end = s + len;
    while (p < end) {
        if ((unsigned char)*p < 0x80) {
            p++;
            continue;
        }
        if (utf8_next(&p, end) < 0)
            bad++;
        else
            good++;
    }
    return bad * 3 < good;
}

/* Reads the first bytes and decides the encoding; strips a UTF-8 BOM. */
static int sniff(struct csv *c, struct error *err) {
    size_t n = 0, got;
    if (c->f) {
        c->sniff_buf = malloc(CSV_SNIFF);
        if (!c->sniff_buf) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        while (n < CSV_SNIFF && (got = raw_read(c, c->sniff_buf + n, CSV_SNIFF - n)) > 0)
            n += got;
        c->sniff = c->sniff_buf;
    } else { /* in memory: look at the bytes where they are */
        n = c->mem_len < CSV_SNIFF ? c->mem_len : CSV_SNIFF;
        c->sniff = c->mem;
        c->mem_pos = n;
    }
    c->is_raw_eof = false;
    c->sniff_len = n;
    const char *enc = "UTF-8";
    const unsigned char *u = (const unsigned char *)c->sniff;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return error_set(err, ERR_UNSUPPORTED,
                         "文件是 UTF-16 编码;请另存为“CSV UTF-8”或 GB18030 编码的 CSV",
                         "the file is UTF-16; save it as \"CSV UTF-8\" or GB18030 CSV");
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        c->sniff_pos = 3;
        enc = "UTF-8 BOM";
    } else {
        size_t check = n;
        /* a multi-byte sequence cut at the end of the sniffed bytes is not an error */
        if (n == CSV_SNIFF)
            while (check > 0 && n - check < 3 && (u[check - 1] & 0xC0) == 0x80)
                check--;
        if (n == CSV_SNIFF && check > 0 && u[check - 1] >= 0xC0) check--;
        if (!utf8_is_valid(c->sniff, check, NULL)) c->is_gb = !mostly_utf8(c->sniff, check);
    }
    if (c->is_gb) {
        UErrorCode st = U_ZERO_ERROR;
        c->gb = ucnv_open("GB18030", &st);
        c->utf8 = U_SUCCESS(st) ? ucnv_open("UTF-8", &st) : NULL;
        if (U_FAILURE(st))
            return error_set(err, ERR_UNSUPPORTED, "无法打开 GB18030 转换器:%s",
                             "cannot open the GB18030 converter: %s", u_errorName(st));
        ucnv_setToUCallBack(c->gb, gb_to_u_cb, NULL, NULL, NULL, &st);
        c->pivot_src = c->pivot_dst = c->pivot;
        enc = "GB18030";
        if (n >= 4 && memcmp(c->sniff, "\x84\x31\x95\x33", 4) == 0) c->sniff_pos = 4;
    }
    /* the delimiter: tabs or commas, whichever the header line has more of (outside quotes) */
    size_t tabs = 0, commas = 0;
    bool is_quoted = false;
    for (size_t i = c->sniff_pos; i < n && c->sniff[i] != '\n'; i++) {
        if (c->sniff[i] == '"') is_quoted = !is_quoted;
        if (is_quoted) continue;
        if (c->sniff[i] == '\t') tabs++;
        if (c->sniff[i] == ',') commas++;
    }
    c->delim = tabs > commas ? '\t' : ',';
    if (c->o->info) {
        snprintf(c->o->info->encoding, sizeof c->o->info->encoding, "%s", enc);
        c->o->info->delimiter = c->delim;
    }
    return 0;
}

/* ---- tokeniser ---- */

static bool end_field(struct csv *c) {
    if (c->n_fields == c->ends_cap) {
        size_t cap = c->ends_cap ? c->ends_cap * 2 : 64;
        size_t *p = realloc(c->ends, cap * sizeof *p);
        if (!p) return false;
        c->ends = p;
        c->ends_cap = cap;
    }
    c->ends[c->n_fields++] = c->field.len;
    return true;
}

static void mark_bad(struct csv *c, int line, const char *zh, const char *en) {
    if (c->is_bad) return;
    c->is_bad = true;
    error_clear(&c->bad);
    error_set_text(&c->bad, ERR_PARSE, zh, en);
    error_at(&c->bad, line, (int)c->n_fields + 1);
}

static bool field_is_clean(const struct csv *c, const char *s, size_t len) {
    return utf8_is_valid(s, len, NULL) && !memchr(s, 0, len) &&
           !(c->is_gb && memmem(s, len, CSV_REPLACEMENT, 3));
}

/* The whole record at once (the common case): valid bytes, and no field starting with a UTF-8
 * continuation byte, which is what a character split across two fields would need. */
static bool record_is_clean(const struct csv *c, const char *data) {
    if (!field_is_clean(c, data, c->field.len)) return false;
    for (size_t i = 0; i + 1 < c->n_fields; i++)
        if (((unsigned char)data[c->ends[i]] & 0xC0) == 0x80) return false;
    return true;
}

/* Checks every field's bytes and hands the record to the callback. */
static int emit(struct csv *c) {
    int rc = 0;
    c->rec_no++;
    if (c->cells_cap < c->n_fields) {
        struct import_cell *p = realloc(c->cells, c->n_fields * sizeof *p);
        if (!p) return ERR_NOMEM;
        c->cells = p;
        c->cells_cap = c->n_fields;
    }
    const char *data = buf_str(&c->field);
    bool is_clean = record_is_clean(c, data);
    size_t start = 0;
    for (size_t i = 0; i < c->n_fields && !c->is_bad; i++) {
        const char *s = data + start;
        size_t len = c->ends[i] - start;
        c->cells[i] = (struct import_cell){s, len, (int)i};
        start = c->ends[i];
        if (is_clean || field_is_clean(c, s, len)) continue;
        c->is_bad = true;
        error_clear(&c->bad);
        error_set_text(&c->bad, ERR_UTF8,
                       c->is_gb ? "含有无效的 GB18030 字节" : "含有无效的 UTF-8 字节",
                       c->is_gb ? "invalid GB18030 bytes" : "invalid UTF-8 bytes");
        error_at(&c->bad, c->rec_line, (int)i + 1);
    }
    bool is_blank = c->n_fields == 1 && c->ends[0] == 0;
    if (c->is_bad || !is_blank) {
        struct import_row row = {c->rec_no, c->rec_line, c->is_bad ? 0 : (int)c->n_fields, c->cells,
                                 c->is_bad ? &c->bad : NULL};
        rc = c->o->on_row(c->o->ctx, &row);
    }
    buf_clear(&c->field);
    c->n_fields = 0;
    c->is_bad = false;
    c->state = S_START;
    c->rec_line = c->line;
    return rc;
}

/* An open quote that never closed (end of input, or a record past the size limit): the row is
 * broken, and reading starts again on the line after the quote opened. */
static int recover_quote(struct csv *c, struct error *err) {
    mark_bad(c, c->quote_line, "引号未闭合", "unterminated quote");
    size_t keep = c->in_len - c->in_pos;
    size_t tl = c->tail.len;
    if (!in_reserve(c, tl)) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    memmove(c->in + tl, c->in + c->in_pos, keep);
    if (tl) memcpy(c->in, c->tail.data, tl);
    c->in_pos = 0;
    c->in_len = tl + keep;
    buf_clear(&c->tail);
    c->is_tailing = false;
    c->line = c->quote_line + 1;
    c->skip_lf = false;
    c->n_fields = 0;
    if (!end_field(c)) return ERR_NOMEM;
    return emit(c);
}

static int step(struct csv *c, char ch, struct error *err) {
    if (c->skip_lf) {
        c->skip_lf = false;
        if (ch == '\n') return 0;
    }
    switch (c->state) {
    case S_START:
        if (ch == '"') {
            c->state = S_QUOTED;
            c->quote_line = c->line;
            return 0;
        }
        c->state = S_UNQUOTED;
        /* fall through */
    case S_UNQUOTED:
        if (ch == c->delim) {
            if (!end_field(c)) return ERR_NOMEM;
            c->state = S_START;
        } else if (ch == '\n' || ch == '\r') {
            c->line++;
            c->skip_lf = ch == '\r';
            if (!end_field(c)) return ERR_NOMEM;
            return emit(c);
        } else {
            buf_putc(&c->field, ch);
        }
        return 0;
    case S_QUOTED:
        if (ch == '"') {
            c->state = S_QUOTE_SEEN;
            return 0;
        }
        buf_putc(&c->field, ch);
        if (ch == '\n') {
            c->line++;
            c->is_tailing = true;
        }
        if (c->field.len > CSV_MAX_RECORD) return recover_quote(c, err);
        return 0;
    case S_QUOTE_SEEN:
        if (ch == '"') {
            buf_putc(&c->field, '"');
            c->state = S_QUOTED;
            return 0;
        }
        buf_clear(&c->tail);
        c->is_tailing = false;
        if (ch == c->delim) {
            if (!end_field(c)) return ERR_NOMEM;
            c->state = S_START;
            return 0;
        }
        if (ch == '\n' || ch == '\r') {
            c->line++;
            c->skip_lf = ch == '\r';
            if (!end_field(c)) return ERR_NOMEM;
            return emit(c);
        }
        mark_bad(c, c->line, "右引号后应为分隔符或换行",
                 "a closing quote must be followed by a delimiter or a line end");
        c->state = S_SKIP_LINE;
        return 0;
    case S_SKIP_LINE:
        if (ch == '\n' || ch == '\r') {
            c->line++;
            c->skip_lf = ch == '\r';
            if (!end_field(c)) return ERR_NOMEM;
            return emit(c);
        }
        return 0;
    }
    return 0;
}

/* The unquoted fast path: copies bytes up to the next delimiter, quote or line end at once. */
static size_t plain_run(const struct csv *c, const char *p, size_t n) {
    size_t i = 0;
    while (i < n && p[i] != c->delim && p[i] != '\n' && p[i] != '\r' && p[i] != '"')
        i++;
    return i;
}

static int run(struct csv *c, struct error *err) {
    int rc = sniff(c, err);
    if (rc) return rc;
    c->line = c->rec_line = 1;
    for (;;) {
        while (c->in_pos < c->in_len) {
            if (c->state == S_UNQUOTED && !c->skip_lf) {
                size_t k = plain_run(c, c->in + c->in_pos, c->in_len - c->in_pos);
                buf_append(&c->field, c->in + c->in_pos, k);
                c->in_pos += k;
                if (c->in_pos == c->in_len) break;
            }
            char ch = c->in[c->in_pos++];
            if (c->is_tailing) buf_putc(&c->tail, ch);
            rc = step(c, ch, err);
            if (rc) return rc;
            if (c->field.is_oom || c->tail.is_oom)
                return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        }
        if (c->o->on_progress) c->o->on_progress(c->o->ctx, c->consumed, c->total);
        if (fill(c, err)) continue;
        if (err && err->code) return err->code;
        if (c->in_pos < c->in_len) continue;
        if (c->state != S_QUOTED) break;
        rc = recover_quote(c, err); /* the tail goes back into the input */
        if (rc) return rc;
    }
    if (c->state != S_START || c->n_fields > 0) {
        if (!end_field(c)) return ERR_NOMEM;
        return emit(c);
    }
    return 0;
}

static void csv_release(struct csv *c) {
    free(c->sniff_buf);
    free(c->in);
    free(c->ends);
    free(c->cells);
    buf_release(&c->field);
    buf_release(&c->tail);
    if (c->gb) ucnv_close(c->gb);
    if (c->utf8) ucnv_close(c->utf8);
}

static int read_with(struct csv *c, const struct import_reader_opts *o, struct error *err) {
    c->o = o;
    buf_init(&c->field);
    buf_init(&c->tail);
    struct error local;
    error_clear(&local);
    if (!err) err = &local;
    int rc = run(c, err);
    csv_release(c);
    return rc;
}

int import_read_csv(const char *data, size_t len, const struct import_reader_opts *o,
                    struct error *err) {
    struct csv *c = calloc(1, sizeof *c);
    if (!c) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    c->mem = data;
    c->mem_len = len;
    c->total = (int64_t)len;
    int rc = read_with(c, o, err);
    free(c);
    return rc;
}

int import_read_csv_stream(FILE *f, int64_t total, const struct import_reader_opts *o,
                           struct error *err) {
    struct csv *c = calloc(1, sizeof *c);
    if (!c) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    c->f = f;
    c->total = total;
    int rc = read_with(c, o, err);
    if (!rc && ferror(f)) rc = error_set(err, ERR_IO, "读取文件出错", "error reading the file");
    free(c);
    return rc;
}

void import_csv_write_field(FILE *f, const char *s, bool is_last) {
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(is_last ? '\n' : ',', f);
}
