/* Owns arena blocks. Allocation is a pointer bump; release frees the chain. */
#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

void arena_init(struct arena *a, size_t block_size) {
    a->head = NULL;
    a->block_size = block_size ? block_size : 16384;
}

void arena_release(struct arena *a) {
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t size) {
    const size_t align = alignof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    if (size == 0) size = align;
    struct arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > a->block_size ? size : a->block_size;
        b = malloc(sizeof *b + cap);
        if (!b) return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(struct arena *a, const char *s) {
    return arena_strndup(a, s, strlen(s));
}

size_t arena_bytes(const struct arena *a) {
    size_t n = 0;
    for (const struct arena_block *b = a->head; b; b = b->next)
        n += b->cap + sizeof *b;
    return n;
}
