/* Owns the error struct's formatting. Knows nothing of where errors come from. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void error_clear(struct error *e) {
    if (!e) return;
    memset(e, 0, sizeof *e);
    e->offset = -1;
}

int error_set(struct error *e, int code, const char *zh, const char *en, ...) {
    if (!e) return code;
    int line = e->line, col = e->col;
    int64_t off = e->offset;
    char field[sizeof e->field];
    memcpy(field, e->field, sizeof field);
    error_clear(e);
    e->line = line;
    e->col = col;
    e->offset = off;
    memcpy(e->field, field, sizeof field);
    e->code = code;
    va_list ap, ap2;
    va_start(ap, en);
    va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(e->zh, sizeof e->zh, zh, ap);
    vsnprintf(e->en, sizeof e->en, en, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    va_end(ap);
    return code;
}

int error_set_text(struct error *e, int code, const char *zh, const char *en) {
    if (!e) return code;
    error_set(e, code, "", "");
    snprintf(e->zh, sizeof e->zh, "%s", zh);
    snprintf(e->en, sizeof e->en, "%s", en);
    return code;
}

int error_at(struct error *e, int line, int col) {
    if (!e) return 0;
    e->line = line;
    e->col = col;
    return e->code;
}

int error_field(struct error *e, const char *field) {
    if (!e) return 0;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    return e->code;
}

const char *error_format(const struct error *e, char *buf, size_t n) {
    if (e->line > 0)
        snprintf(buf, n, "%d:%d: %s / %s", e->line, e->col, e->zh, e->en);
    else
        snprintf(buf, n, "%s / %s", e->zh, e->en);
    return buf;
}

const char *error_code_name(int code) {
    switch (code) {
    case ERR_OK:
        return "ok";
    case ERR_NOMEM:
        return "nomem";
    case ERR_INVALID:
        return "invalid";
    case ERR_PARSE:
        return "parse";
    case ERR_IO:
        return "io";
    case ERR_NOTFOUND:
        return "not_found";
    case ERR_DB:
        return "db";
    case ERR_RANGE:
        return "range";
    case ERR_CONFLICT:
        return "conflict";
    case ERR_TOO_LARGE:
        return "too_large";
    case ERR_FORBIDDEN:
        return "forbidden";
    case ERR_UTF8:
        return "utf8";
    case ERR_UNSUPPORTED:
        return "unsupported";
    }
    return "error";
}
