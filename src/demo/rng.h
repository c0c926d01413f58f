/* Private to src/demo: a counter-based random stream, so (seed, i) gives the same numbers
 * whatever else was generated (splitmix64 over a mixed seed). */
#ifndef DUIJIE_DEMO_RNG_H
#define DUIJIE_DEMO_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
    uint64_t state;
};

static inline uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline struct rng rng_for(uint64_t seed, int64_t i) {
    uint64_t x = seed * 0xD1B54A32D192ED03ULL ^ (uint64_t)i;
    struct rng r = {splitmix(&x)};
    return r;
}

static inline uint64_t next(struct rng *r) {
    return splitmix(&r->state);
}

/* Uniform in [0, n), n > 0. */
static inline int64_t below(struct rng *r, int64_t n) {
    return (int64_t)(next(r) % (uint64_t)n);
}

/* Uniform in [lo, hi]. */
static inline int64_t between(struct rng *r, int64_t lo, int64_t hi) {
    return lo + below(r, hi - lo + 1);
}

/* True with probability per_100k / 100000. */
static inline bool chance(struct rng *r, int per_100k) {
    return below(r, 100000) < per_100k;
}

#endif
