/* SHA-256 over nettle (libnettle, GnuTLS's crypto library): a thin hex wrapper so callers need not
 * include nettle's headers. Owns no state of its own. */
#include "util/hash.h"

#include <nettle/sha2.h>

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(struct hash_sha256),
               "struct hash_sha256 too small");

static struct sha256_ctx *ctx(struct hash_sha256 *h) {
    return (struct sha256_ctx *)(void *)h;
}

void hash_sha256_init(struct hash_sha256 *h) {
    sha256_init(ctx(h));
}

void hash_sha256_update(struct hash_sha256 *h, const void *p, size_t n) {
    sha256_update(ctx(h), n, p);
}

void hash_sha256_final(struct hash_sha256 *h, char out[HASH_SHA256_HEX + 1]) {
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(ctx(h), sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[HASH_SHA256_HEX] = 0;
}

void hash_sha256(const void *p, size_t n, char out[HASH_SHA256_HEX + 1]) {
    struct hash_sha256 h;
    hash_sha256_init(&h);
    hash_sha256_update(&h, p, n);
    hash_sha256_final(&h, out);
}
