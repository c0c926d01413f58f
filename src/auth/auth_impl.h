/* Shared between the files of src/auth only (user.c, session.c): random tokens, password hashes
 * and reading a users row. The public face is auth.h. */
#ifndef DUIJIE_AUTH_IMPL_H
#define DUIJIE_AUTH_IMPL_H

#include <stddef.h>

#include "auth/auth.h"

struct store_rows;

/* The columns auth_user_row reads, in its order. */
#define USER_COLUMNS(p)                                                                            \
    p "id, " p "username, " p "role, " p "uscc, " p "region_code, " p "dept, " p "org_id, " p      \
      "disabled"

/* n bytes from getrandom (blocking until the pool is ready); -1 on failure. */
int auth_random_bytes(void *buf, size_t n);
/* n_bytes random bytes as 2 * n_bytes hex characters and a NUL into out (n_bytes <= 64). */
int auth_random_hex(char *out, size_t n_bytes, struct error *err);
/* An argon2id encoded hash of the password at the configured cost, with a random salt. */
int auth_hash_password(const char *password, char *out, size_t cap, struct error *err);
/* Reads USER_COLUMNS starting at column col of row into a; is_disabled may be NULL. */
void auth_user_row(const struct store_rows *r, int row, int col, struct actor *a,
                   bool *is_disabled);

#endif
