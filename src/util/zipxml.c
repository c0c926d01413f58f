/* Owns reading OOXML packages: opening a zip archive (memory or file) with libzip and streaming
 * one part through expat in 64 KiB chunks, counting uncompressed bytes against a cap (the size
 * the archive claims is checked first, then the bytes actually inflated, since a forged header can
 * understate them), refusing DTDs (no entity expansion). Does not know any part's vocabulary: the
 * XLSX reader (src/import/xlsx.c) and the Word reader (src/text/docfile.c) bring the handlers. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/zipxml.h"

static zip_t *open_fail(zip_error_t *ze, const char *kind_zh, const char *kind_en,
                        struct error *err) {
    char zh[200], en[200];
    snprintf(zh, sizeof zh, "不是有效的 %s(%s)", kind_zh, zip_error_strerror(ze));
    snprintf(en, sizeof en, "not a valid %s (%s)", kind_en, zip_error_strerror(ze));
    error_set_text(err, ERR_INVALID, zh, en);
    zip_error_fini(ze);
    return NULL;
}

zip_t *zipxml_open_buffer(const char *data, size_t len, const char *kind_zh, const char *kind_en,
                          struct error *err) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (!src) return open_fail(&ze, kind_zh, kind_en, err);
    zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!z) {
        zip_source_free(src);
        return open_fail(&ze, kind_zh, kind_en, err);
    }
    zip_error_fini(&ze);
    return z;
}

zip_t *zipxml_open_file(const char *path, const char *kind_zh, const char *kind_en,
                        struct error *err) {
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        return open_fail(&ze, kind_zh, kind_en, err);
    }
    return z;
}

int zipxml_has(zip_t *z, const char *name) {
    return zip_name_locate(z, name, 0) >= 0;
}

const char *zipxml_local(const char *name) {
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

const char *zipxml_attr(const char **atts, const char *local) {
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(zipxml_local(atts[i]), local) == 0) return atts[i + 1];
    return NULL;
}

/* The parser's user data: the part (whose handlers get p->ud) and whether a DTD was seen. */
struct ctx {
    const struct zipxml_part *p;
    XML_Parser xp;
    bool dtd;
};

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    struct ctx *c = ud;
    c->p->start(c->p->ud, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name) {
    struct ctx *c = ud;
    c->p->end(c->p->ud, name);
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len) {
    struct ctx *c = ud;
    c->p->chars(c->p->ud, s, len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset) {
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    struct ctx *c = ud;
    c->dtd = true;
    XML_StopParser(c->xp, XML_FALSE);
}

static int too_large(const struct zipxml_part *p, struct error *err) {
    char zh[200], en[200];
    snprintf(zh, sizeof zh, "%s中的 %s 解压后超过 %llu 字节(可能是压缩炸弹)", p->kind_zh, p->name,
             (unsigned long long)p->max_bytes);
    snprintf(en, sizeof en, "%s in the %s is over %llu bytes uncompressed (a zip bomb?)", p->name,
             p->kind_en, (unsigned long long)p->max_bytes);
    return error_set_text(err, ERR_TOO_LARGE, zh, en);
}

int zipxml_parse(zip_t *z, const struct zipxml_part *p, struct error *err) {
    zip_stat_t st;
    zip_stat_init(&st);
    int64_t total = 0;
    if (zip_stat(z, p->name, 0, &st) != 0) return ERR_NOTFOUND;
    if (st.valid & ZIP_STAT_SIZE) {
        total = (int64_t)st.size;
        if (p->max_bytes && st.size > p->max_bytes) return too_large(p, err);
    }
    zip_file_t *zf = zip_fopen(z, p->name, 0);
    if (!zf)
        return error_set(err, ERR_IO, "无法读取 %s:%s", "cannot read %s: %s", p->name,
                         zip_error_strerror(zip_get_error(z)));
    XML_Parser xp = XML_ParserCreateNS("UTF-8", '|');
    if (!xp) {
        zip_fclose(zf);
        return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    struct ctx c = {p, xp, false};
    XML_SetUserData(xp, &c);
    XML_SetElementHandler(xp, on_start, on_end);
    if (p->chars) XML_SetCharacterDataHandler(xp, on_chars);
    XML_SetStartDoctypeDeclHandler(xp, on_doctype);
    char chunk[65536];
    int rc = 0;
    int64_t done = 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, sizeof chunk);
        if (n < 0) {
            rc = error_set(err, ERR_IO, "读取 %s 出错(文件已损坏?):%s",
                           "error reading %s (a damaged file?): %s", p->name,
                           zip_error_strerror(zip_file_get_error(zf)));
            break;
        }
        done += n;
        if (p->max_bytes && (uint64_t)done > p->max_bytes) {
            rc = too_large(p, err);
            break;
        }
        if (XML_Parse(xp, chunk, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (p->stop && *p->stop) {
                rc = *p->stop;
            } else if (c.dtd) {
                char zh[200], en[200];
                snprintf(zh, sizeof zh, "%s 含有 DTD,不是有效的 %s", p->name, p->kind_zh);
                snprintf(en, sizeof en, "%s has a DTD: not a valid %s", p->name, p->kind_en);
                rc = error_set_text(err, ERR_PARSE, zh, en);
            } else {
                rc = error_set(err, ERR_PARSE, "%s 第 %lu 行 XML 格式错误:%s",
                               "%s line %lu: bad XML: %s", p->name,
                               (unsigned long)XML_GetCurrentLineNumber(xp),
                               XML_ErrorString(XML_GetErrorCode(xp)));
            }
            break;
        }
        if (p->stop && *p->stop) {
            rc = *p->stop;
            break;
        }
        if (p->on_chunk) p->on_chunk(p->ud, done, total);
        if (n == 0) break;
    }
    XML_ParserFree(xp);
    zip_fclose(zf);
    return rc;
}
