/* Reading OOXML packages (XLSX workbooks, DOCX documents): a zip archive opened from memory or a
 * file through libzip, and one part streamed through an expat parser with namespaces (names come
 * as "uri|local"), with a cap on the part's uncompressed bytes so a zip bomb is refused before it
 * is inflated. Knows nothing of spreadsheets or documents (src/import/xlsx.c, src/text/docfile.c).
 */
#ifndef DUIJIE_UTIL_ZIPXML_H
#define DUIJIE_UTIL_ZIPXML_H

#include <stddef.h>
#include <stdint.h>

#include <expat.h>
#include <zip.h>

#include "util/error.h"

/* One part to stream. Handlers get ud; to stop, a handler stores a non-zero code in *stop (and may
 * call XML_StopParser): zipxml_parse then returns that code with the error the handler set. */
struct zipxml_part {
    const char *name;    /* the part's name in the archive, e.g. "word/document.xml" */
    const char *kind_zh; /* the package's kind for messages: "XLSX", "Word 文档" */
    const char *kind_en; /* "XLSX file", "Word document" */
    uint64_t max_bytes;  /* uncompressed bytes over this are ERR_TOO_LARGE; 0 = no cap */
    XML_StartElementHandler start;
    XML_EndElementHandler end;
    XML_CharacterDataHandler chars; /* may be NULL */
    void *ud;
    int *stop;
    /* after each chunk: bytes read so far and the part's size (0 when unknown); may be NULL */
    void (*on_chunk)(void *ud, int64_t done, int64_t total);
};

/* Opens a zip archive held in data[0..len) (not copied: it must outlive the archive). NULL with
 * ERR_INVALID "不是有效的 <kind>" when the bytes are not a readable zip. */
zip_t *zipxml_open_buffer(const char *data, size_t len, const char *kind_zh, const char *kind_en,
                          struct error *err);
/* Opens a zip archive file; NULL with ERR_INVALID as above. */
zip_t *zipxml_open_file(const char *path, const char *kind_zh, const char *kind_en,
                        struct error *err);
/* True when the archive holds a part of that name. */
int zipxml_has(zip_t *z, const char *name);
/* Streams the part p->name through a new parser. Returns 0, ERR_NOTFOUND (err untouched) when
 * the archive has no such part, ERR_TOO_LARGE over p->max_bytes, ERR_PARSE for bad XML (line and
 * expat's reason) or a DTD (an OOXML part never has one), ERR_IO when the zip data is damaged, or
 * a handler's *stop code. */
int zipxml_parse(zip_t *z, const struct zipxml_part *p, struct error *err);
/* The local part of a namespaced name "uri|local" (the name itself when it has no '|'). */
const char *zipxml_local(const char *name);
/* The value of the attribute with that local name; NULL when absent. */
const char *zipxml_attr(const char **atts, const char *local);

#endif
