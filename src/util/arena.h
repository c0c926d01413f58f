/* Arenas: bump allocation for things that live and die together (a parsed rule, one request). */
#ifndef DUIJIE_UTIL_ARENA_H
#define DUIJIE_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head; /* owned: the chain of blocks, newest first */
    size_t block_size;        /* default size of a new block */
};

void arena_init(struct arena *a, size_t block_size);
/* Frees every block; the arena can be used again afterwards. */
void arena_release(struct arena *a);
/* Zeroed memory aligned for any type; NULL only when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Bytes held by the arena's blocks. */
size_t arena_bytes(const struct arena *a);

#endif
