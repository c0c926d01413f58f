/* SHA-256 (FIPS 180-4) through nettle, as lower-case hex: the audit chain and attachment hashes. */
#ifndef DUIJIE_UTIL_HASH_H
#define DUIJIE_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_HEX 64 /* hex digits of a SHA-256 */

struct hash_sha256 {
    uint64_t state[16]; /* room for nettle's struct sha256_ctx (checked in hash.c) */
};

void hash_sha256_init(struct hash_sha256 *h);
void hash_sha256_update(struct hash_sha256 *h, const void *p, size_t n);
/* 64 hex digits and a NUL into out. */
void hash_sha256_final(struct hash_sha256 *h, char out[HASH_SHA256_HEX + 1]);
/* One buffer at once. */
void hash_sha256(const void *p, size_t n, char out[HASH_SHA256_HEX + 1]);

#endif
