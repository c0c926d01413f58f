/* A string → int64 hash map (open addressing), for name and code look-ups built once and read
 * often. */
#ifndef DUIJIE_UTIL_STRMAP_H
#define DUIJIE_UTIL_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_slot;
struct strmap {
    struct strmap_slot *slots; /* owned */
    size_t cap;                /* a power of two */
    size_t len;
};

void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* Keys are copied. Sets or replaces; false only when out of memory. */
bool strmap_put(struct strmap *m, const char *key, size_t key_len, int64_t value);
/* True and *value when present. */
bool strmap_get(const struct strmap *m, const char *key, size_t key_len, int64_t *value);
uint64_t strmap_hash(const char *key, size_t len);

#endif
