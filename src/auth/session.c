/* Owns signing in and sessions: the login rate limits (failures per username and per client
 * address in table login_attempts), password checks in constant time, session rows (the store
 * keeps a hash of each session id, so a copy of the database signs nobody in) with their CSRF
 * token, absolute and idle expiry, and signing out. Does not own users (user.c) or cookies
 * (src/http/api_auth.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <argon2.h>

#include "auth/auth_impl.h"
#include "refdata/refdata.h"
#include "store/store.h"

#define LAST_SEEN_STEP 60 /* seconds between last_seen updates of one session */

bool auth_token_equal(const char *a, const char *b) {
    size_t n = strlen(a);
    if (n != strlen(b)) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static bool is_token(const char *s) {
    if (!s || strlen(s) != AUTH_TOKEN_LEN) return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
    return true;
}

/* What the sessions table keeps of a session id: a one-way hash (argon2id at its smallest cost:
 * the id already has 256 random bits, so no stretching is needed, only one-wayness). */
static int session_key(const char *session, char out[AUTH_TOKEN_LEN + 1], struct error *err) {
    static const char salt[] = "duijie-session-id";
    unsigned char h[32];
    int rc =
        argon2id_hash_raw(1, 8, 1, session, strlen(session), salt, sizeof salt - 1, h, sizeof h);
    if (rc != ARGON2_OK)
        return error_set(err, ERR_NOMEM, "会话哈希失败:%s", "hashing the session failed: %s",
                         argon2_error_message(rc));
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof h; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[AUTH_TOKEN_LEN] = 0;
    return 0;
}

/* ---- rate limits ---- */

/* Seconds until subject may try again (0 = now): it is locked while it has `limit` failures in
 * the last AUTH_LOCK_WINDOW seconds, until the oldest of those leaves the window. */
static int locked_for(struct store *s, const char *subject, int limit, int64_t now, int *secs,
                      struct error *err) {
    *secs = 0;
    struct store_val args[] = {store_val_text(subject), store_val_int(now - AUTH_LOCK_WINDOW),
                               store_val_int(limit)};
    struct store_rows *r = NULL;
    int rc = store_sql(s,
                       "SELECT failed_at FROM login_attempts WHERE subject = ? AND failed_at > ? "
                       "ORDER BY failed_at DESC LIMIT ?",
                       args, 3, &r, err);
    if (rc < 0) return rc;
    if (store_rows_count(r) >= limit) {
        int64_t until = store_rows_int(r, limit - 1, 0) + AUTH_LOCK_WINDOW;
        *secs = until > now ? (int)(until - now) : 1;
    }
    store_rows_free(r);
    return 0;
}

static int record_failure(struct store *s, const char *subject, int64_t now, struct error *err) {
    struct store_val args[] = {store_val_text(subject), store_val_int(now - AUTH_LOCK_WINDOW)};
    int rc = store_sql(s, "DELETE FROM login_attempts WHERE subject = ? AND failed_at <= ?", args,
                       2, NULL, err);
    if (rc < 0) return rc;
    args[1] = store_val_int(now);
    return store_sql(s, "INSERT INTO login_attempts (subject, failed_at) VALUES (?, ?)", args, 2,
                     NULL, err);
}

static int bad_credentials(struct error *err) {
    return error_set(err, ERR_FORBIDDEN, "用户名或密码错误", "wrong username or password");
}

/* ---- signing in ---- */

static int new_session(struct store *s, int64_t user_id, int64_t now,
                       char session[AUTH_TOKEN_LEN + 1], char csrf[AUTH_TOKEN_LEN + 1],
                       struct error *err) {
    char key[AUTH_TOKEN_LEN + 1];
    int rc;
    if ((rc = auth_random_hex(session, AUTH_TOKEN_LEN / 2, err)) < 0 ||
        (rc = auth_random_hex(csrf, AUTH_TOKEN_LEN / 2, err)) < 0 ||
        (rc = session_key(session, key, err)) < 0)
        return rc;
    struct store_val old = store_val_int(now);
    if ((rc = store_sql(s, "DELETE FROM sessions WHERE expires < ?", &old, 1, NULL, err)) < 0)
        return rc;
    struct store_val args[] = {store_val_text(key),
                               store_val_int(user_id),
                               store_val_text(csrf),
                               store_val_int(now),
                               store_val_int(now + AUTH_SESSION_SECONDS),
                               store_val_int(now)};
    return store_sql(s,
                     "INSERT INTO sessions (id, user_id, csrf, created, expires, last_seen) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     args, 6, NULL, err);
}

/* Checks the password against the user's row; *is_ok false for an unknown user too, after the
 * same amount of work, so timing does not tell which usernames exist. */
static int verify(struct store *s, const char *username, const char *password, struct actor *a,
                  bool *is_disabled, bool *is_ok, struct error *err) {
    *is_ok = false;
    struct store_val arg = store_val_text(username);
    struct store_rows *r = NULL;
    int rc =
        store_sql(s, "SELECT " USER_COLUMNS("") ", password_hash FROM users WHERE username = ?",
                  &arg, 1, &r, err);
    if (rc < 0) return rc;
    size_t len = strlen(password);
    if (store_rows_count(r) == 1) {
        auth_user_row(r, 0, 0, a, is_disabled);
        *is_ok = argon2id_verify(store_rows_text(r, 0, 8), password, len) == ARGON2_OK;
    } else {
        char dummy[160];
        rc = auth_hash_password(password, dummy, sizeof dummy, err);
    }
    store_rows_free(r);
    return rc;
}

int auth_login(struct store *s, const char *username, const char *password, const char *client,
               char session[AUTH_TOKEN_LEN + 1], char csrf[AUTH_TOKEN_LEN + 1], struct actor *a,
               int *retry_after, struct error *err) {
    *retry_after = 0;
    session[0] = csrf[0] = 0;
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    if (!username || !password || !*username || strlen(username) > 63 || strlen(password) > 128)
        return bad_credentials(err);
    int64_t now = (int64_t)time(NULL);
    char by_user[80], by_client[80];
    snprintf(by_user, sizeof by_user, "u:%s", username);
    snprintf(by_client, sizeof by_client, "c:%s", client ? client : "");
    bool has_client = client && *client;
    int secs_user = 0, secs_client = 0;
    if ((rc = locked_for(s, by_user, AUTH_LOCK_USER, now, &secs_user, err)) < 0 ||
        (has_client &&
         (rc = locked_for(s, by_client, AUTH_LOCK_CLIENT, now, &secs_client, err)) < 0))
        return rc;
    if (secs_user || secs_client) {
        *retry_after = secs_user > secs_client ? secs_user : secs_client;
        return error_set(err, ERR_FORBIDDEN, "登录失败次数过多,请 %d 秒后再试",
                         "too many failed sign-ins; try again in %d seconds", *retry_after);
    }
    bool is_disabled = false, is_ok = false;
    if ((rc = verify(s, username, password, a, &is_disabled, &is_ok, err)) < 0) return rc;
    if (!is_ok) {
        if ((rc = record_failure(s, by_user, now, err)) < 0 ||
            (has_client && (rc = record_failure(s, by_client, now, err)) < 0))
            return rc;
        memset(a, 0, sizeof *a);
        a->region = -1;
        return bad_credentials(err);
    }
    if (is_disabled) return error_set(err, ERR_FORBIDDEN, "账号已停用", "this account is disabled");
    struct store_val arg = store_val_text(by_user);
    if ((rc = store_sql(s, "DELETE FROM login_attempts WHERE subject = ?", &arg, 1, NULL, err)) < 0)
        return rc;
    return new_session(s, a->user_id, now, session, csrf, err);
}

static int no_session(struct error *err) {
    return error_set(err, ERR_NOTFOUND, "未登录或会话已过期",
                     "not signed in, or the session expired");
}

int auth_session_actor(struct store *s, const char *session, struct actor *a,
                       char csrf[AUTH_TOKEN_LEN + 1], struct error *err) {
    char key[AUTH_TOKEN_LEN + 1];
    int rc;
    if (!is_token(session)) return no_session(err);
    if ((rc = refdata_load(err)) < 0 || (rc = session_key(session, key, err)) < 0) return rc;
    struct store_val arg = store_val_text(key);
    struct store_rows *r = NULL;
    rc = store_sql(s,
                   "SELECT " USER_COLUMNS(
                       "u.") ", s.csrf, s.expires, s.last_seen "
                             "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?",
                   &arg, 1, &r, err);
    if (rc < 0) return rc;
    if (store_rows_count(r) != 1) {
        store_rows_free(r);
        return no_session(err);
    }
    bool is_disabled;
    auth_user_row(r, 0, 0, a, &is_disabled);
    if (csrf) snprintf(csrf, AUTH_TOKEN_LEN + 1, "%s", store_rows_text(r, 0, 8));
    int64_t expires = store_rows_int(r, 0, 9), last_seen = store_rows_int(r, 0, 10);
    store_rows_free(r);
    int64_t now = (int64_t)time(NULL);
    if (is_disabled || now >= expires || now - last_seen >= AUTH_IDLE_SECONDS) {
        memset(a, 0, sizeof *a);
        a->region = -1;
        if ((rc = store_sql(s, "DELETE FROM sessions WHERE id = ?", &arg, 1, NULL, err)) < 0)
            return rc;
        return no_session(err);
    }
    if (now - last_seen >= LAST_SEEN_STEP) {
        struct store_val args[] = {store_val_int(now), store_val_text(key)};
        if ((rc = store_sql(s, "UPDATE sessions SET last_seen = ? WHERE id = ?", args, 2, NULL,
                            err)) < 0)
            return rc;
    }
    return 0;
}

int auth_logout(struct store *s, const char *session, struct error *err) {
    char key[AUTH_TOKEN_LEN + 1];
    if (!is_token(session)) return 0;
    int rc = session_key(session, key, err);
    if (rc < 0) return rc;
    struct store_val arg = store_val_text(key);
    return store_sql(s, "DELETE FROM sessions WHERE id = ?", &arg, 1, NULL, err);
}
