/* libFuzzer target for text_from_document (src/text/docfile.c): any bytes, read as a Word file,
 * an HTML page or a text, give valid UTF-8 text or an error with both messages set, never a crash,
 * a leak or a read out of bounds. The corpus holds small Word files (list numbering, revisions,
 * tables), GB18030 text and HTML from tests/data/docfile. */
#include <stdint.h>
#include <stdlib.h>

#include "text/policy_text.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {NULL, "a.docx", "a.html", "a.txt"};
    /* a PDF goes to Poppler in a child process (src/text/pdf.c): fuzzing Poppler is not this
     * target's job, and a process per input would slow it a hundredfold; the path that reports
     * the reader missing is fuzzed instead */
    setenv("DUIJIE_PDFTOTEXT", "/nonexistent/pdftotext", 0);
    char *out = NULL;
    size_t len = 0;
    struct error err;
    error_clear(&err);
    const char *name = names[size ? data[size - 1] % 4 : 0];
    int rc = text_from_document((const char *)data, size, name, &out, &len, NULL, &err);
    if (rc) {
        if (out || !err.zh[0] || !err.en[0]) abort();
        return 0;
    }
    if (!out || !utf8_is_valid(out, len, NULL)) abort();
    free(out);
    return 0;
}
