/* A growable byte buffer, always NUL-terminated, for building strings and output. */
#ifndef DUIJIE_UTIL_BUF_H
#define DUIJIE_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* owned; NULL until the first append, then NUL-terminated */
    size_t len;
    size_t cap;
    bool is_oom; /* set once an allocation failed; later appends do nothing */
};

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_clear(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* The contents as a C string ("" when empty); valid until the next append. */
const char *buf_str(const struct buf *b);
/* Hands the malloc'd string to the caller and leaves b empty. */
char *buf_detach(struct buf *b);
/* Appends s as a JSON string literal, quotes included. */
void buf_json_str(struct buf *b, const char *s);

#endif
