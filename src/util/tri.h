/* Three-valued logic for eligibility: an enterprise is eligible, ineligible, or unknown because a
 * value the rule needs is missing. Shared by rules (one enterprise) and index (bitmaps). */
#ifndef DUIJIE_TRI_H
#define DUIJIE_TRI_H

enum tri { TRI_FALSE = 0, TRI_TRUE = 1, TRI_UNKNOWN = 2 };

/* Kleene logic: FALSE dominates AND, TRUE dominates OR, UNKNOWN otherwise. */
static inline enum tri tri_and(enum tri a, enum tri b) {
    if (a == TRI_FALSE || b == TRI_FALSE) return TRI_FALSE;
    if (a == TRI_UNKNOWN || b == TRI_UNKNOWN) return TRI_UNKNOWN;
    return TRI_TRUE;
}

static inline enum tri tri_or(enum tri a, enum tri b) {
    if (a == TRI_TRUE || b == TRI_TRUE) return TRI_TRUE;
    if (a == TRI_UNKNOWN || b == TRI_UNKNOWN) return TRI_UNKNOWN;
    return TRI_FALSE;
}

static inline enum tri tri_not(enum tri a) {
    return a == TRI_UNKNOWN ? TRI_UNKNOWN : (a == TRI_TRUE ? TRI_FALSE : TRI_TRUE);
}

static inline const char *tri_name(enum tri a) {
    return a == TRI_TRUE ? "eligible" : a == TRI_FALSE ? "ineligible" : "unknown";
}

#endif
