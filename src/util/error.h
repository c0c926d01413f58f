/* Errors: one enum of codes for the whole project, and a caller-provided struct error that carries
 * a message in Chinese and in English and, where there is one, a position (line, col, byte offset,
 * field). */
#ifndef DUIJIE_UTIL_ERROR_H
#define DUIJIE_UTIL_ERROR_H

#include <stddef.h>
#include <stdint.h>

enum err_code {
    ERR_OK = 0,
    ERR_NOMEM = -1,     /* out of memory */
    ERR_INVALID = -2,   /* bad input value (a wrong USCC, a malformed amount) */
    ERR_PARSE = -3,     /* syntax error in a rule, a query, a file */
    ERR_IO = -4,        /* file or socket */
    ERR_NOTFOUND = -5,  /* no such record */
    ERR_DB = -6,        /* the store failed */
    ERR_RANGE = -7,     /* a number out of range, an overflow */
    ERR_CONFLICT = -8,  /* a state change not allowed, a duplicate */
    ERR_TOO_LARGE = -9, /* input over a size limit */
    ERR_FORBIDDEN = -10,
    ERR_UTF8 = -11, /* invalid UTF-8 */
    ERR_UNSUPPORTED = -12,
};

struct error {
    int code;       /* an enum err_code; 0 when nothing went wrong */
    int line;       /* 1-based; 0 when there is no position */
    int col;        /* 1-based, in characters; 0 when none */
    int64_t offset; /* byte offset into the input; -1 when none */
    char field[64]; /* the field (column, key) the error is about; "" when none */
    char zh[320];   /* message in Chinese */
    char en[320];   /* message in English */
};

/* Clears an error to "no error, no position". */
void error_clear(struct error *e);
/* Sets code and both messages; zh and en are printf formats that take the same arguments
 * (positional %1$s forms are allowed). Returns code so a caller can `return error_set(...)`. Safe
 * with e == NULL. */
int error_set(struct error *e, int code, const char *zh, const char *en, ...);
/* Sets code and two ready-made messages (no formatting). */
int error_set_text(struct error *e, int code, const char *zh, const char *en);
/* Adds a position or a field to an error already set; return e's code. */
int error_at(struct error *e, int line, int col);
int error_field(struct error *e, const char *field);
/* "line:col: zh / en" (the position part only where known) into buf. */
const char *error_format(const struct error *e, char *buf, size_t n);
/* A short English name for a code ("invalid", "parse", ...) for JSON. */
const char *error_code_name(int code);

#endif
