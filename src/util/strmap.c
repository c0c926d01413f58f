/* Owns the map's slots and its key copies. */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

struct strmap_slot {
    char *key; /* owned; NULL = empty */
    size_t key_len;
    uint64_t hash;
    int64_t value;
};

uint64_t strmap_hash(const char *key, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return h;
}

void strmap_init(struct strmap *m) {
    m->slots = NULL;
    m->cap = m->len = 0;
}

void strmap_release(struct strmap *m) {
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    strmap_init(m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h) {
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct strmap_slot *s = &m->slots[i];
        if (!s->key) return s;
        if (s->hash == h && s->key_len == len && memcmp(s->key, key, len) == 0) return s;
    }
}

static bool grow(struct strmap *m) {
    size_t cap = m->cap ? m->cap * 2 : 16;
    struct strmap_slot *slots = calloc(cap, sizeof *slots);
    if (!slots) return false;
    struct strmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.slots[i].key) continue;
        *find(m, old.slots[i].key, old.slots[i].key_len, old.slots[i].hash) = old.slots[i];
    }
    free(old.slots);
    return true;
}

bool strmap_put(struct strmap *m, const char *key, size_t len, int64_t value) {
    if ((m->len + 1) * 4 > m->cap * 3 && !grow(m)) return false;
    uint64_t h = strmap_hash(key, len);
    struct strmap_slot *s = find(m, key, len, h);
    if (!s->key) {
        s->key = malloc(len + 1);
        if (!s->key) return false;
        memcpy(s->key, key, len);
        s->key[len] = 0;
        s->key_len = len;
        s->hash = h;
        m->len++;
    }
    s->value = value;
    return true;
}

bool strmap_get(const struct strmap *m, const char *key, size_t len, int64_t *value) {
    if (!m->cap) return false;
    struct strmap_slot *s = find(m, key, len, strmap_hash(key, len));
    if (!s->key) return false;
    if (value) *value = s->value;
    return true;
}
