/* Owns the tables of store module "auth" (users, sessions, login_attempts) and the users in them:
 * adding, passwords (argon2id encoded strings from libargon2), roles, disabling, listing. Does not
 * own signing in or sessions (session.c) or the matrix (authz.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <argon2.h>

#include "auth/auth_impl.h"
#include "enterprise/enterprise.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/utf8.h"

const char *const store_module_auth[] = {
    "CREATE TABLE users (id {ID}, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, "
    "role TEXT NOT NULL, uscc TEXT NOT NULL DEFAULT '', region_code BIGINT NOT NULL DEFAULT 0, "
    "dept TEXT NOT NULL DEFAULT '', org_id BIGINT NOT NULL DEFAULT 0, "
    "disabled BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL);"
    "CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id BIGINT NOT NULL, csrf TEXT NOT NULL, "
    "created BIGINT NOT NULL, expires BIGINT NOT NULL, last_seen BIGINT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE TABLE login_attempts (subject TEXT NOT NULL, failed_at BIGINT NOT NULL);"
    "CREATE INDEX login_attempts_subject ON login_attempts (subject, failed_at);",
    NULL,
};

static uint32_t cost_t = 2, cost_m = 19 * 1024;

void auth_set_password_cost(uint32_t t, uint32_t m_kib) {
    cost_t = t < 1 ? 1 : t;
    cost_m = m_kib < 8 ? 8 : m_kib;
}

int auth_random_bytes(void *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t k = getrandom((char *)buf + got, n - got, 0);
        if (k < 0 && errno != EINTR) return -1;
        if (k > 0) got += (size_t)k;
    }
    return 0;
}

int auth_random_hex(char *out, size_t n_bytes, struct error *err) {
    unsigned char b[64];
    if (n_bytes > sizeof b || auth_random_bytes(b, n_bytes) < 0)
        return error_set(err, ERR_IO, "无法取得随机数", "no random bytes from the system");
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n_bytes; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 15];
    }
    out[2 * n_bytes] = 0;
    return 0;
}

int auth_hash_password(const char *password, char *out, size_t cap, struct error *err) {
    unsigned char salt[16];
    if (auth_random_bytes(salt, sizeof salt) < 0)
        return error_set(err, ERR_IO, "无法取得随机数", "no random bytes from the system");
    int rc = argon2id_hash_encoded(cost_t, cost_m, 1, password, strlen(password), salt, sizeof salt,
                                   32, out, cap);
    if (rc != ARGON2_OK)
        return error_set(err, ERR_NOMEM, "密码哈希失败:%s", "hashing the password failed: %s",
                         argon2_error_message(rc));
    return 0;
}

static int check_username(const char *u, struct error *err) {
    size_t n = u ? strlen(u) : 0;
    bool ok = n >= 1 && n <= 63;
    for (size_t i = 0; ok && i < n; i++) {
        char c = u[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '_' || c == '-';
    }
    if (!ok) {
        error_set(err, ERR_INVALID, "用户名应为 1-63 个字母、数字或 ._-",
                  "a username is 1-63 letters, digits or ._-");
        return error_field(err, "username");
    }
    return 0;
}

static int check_password(const char *p, struct error *err) {
    size_t n = p ? strlen(p) : 0;
    if (n < 8 || n > 128)
        return error_set(err, ERR_INVALID, "密码长度应为 8-128 字节",
                         "a password is 8-128 bytes long");
    if (!utf8_is_valid(p, n, NULL))
        return error_set(err, ERR_UTF8, "密码不是有效的 UTF-8", "the password is not valid UTF-8");
    return 0;
}

/* What the role's scope needs: an enterprise user its USCC, an officer its department, a network
 * role (commissioner, station, centre) its area. */
static int check_scope(const struct actor *u, struct error *err) {
    if (u->role <= ROLE_ANON || u->role >= ROLE_COUNT)
        return error_set(err, ERR_INVALID, "未知的角色", "unknown role");
    if (u->role == ROLE_ENTERPRISE) {
        struct uscc_result r;
        uscc_check(u->uscc, strlen(u->uscc), &r);
        if (!r.is_valid || strcmp(r.code, u->uscc) != 0)
            return error_set(err, ERR_INVALID, "企业用户需要有效的统一社会信用代码 (%s)",
                             "an enterprise user needs a valid USCC (%s)",
                             r.is_valid ? "未规范化 / not normalised" : r.error_en);
    }
    if (u->role == ROLE_OFFICER && !u->dept[0])
        return error_set(err, ERR_INVALID, "政策发布人员需要所属部门",
                         "a policy officer needs a department");
    if ((u->role == ROLE_COMMISSIONER || u->role == ROLE_STATION || u->role == ROLE_CENTRE) &&
        u->region < 0)
        return error_set(err, ERR_INVALID, "%s需要服务区域", "a %s needs a region",
                         role_label(u->role), role_key(u->role));
    if (u->region >= region_count()) return error_set(err, ERR_INVALID, "区域无效", "bad region");
    return 0;
}

int auth_user_add(struct store *s, const struct actor *u, const char *password, int64_t *id,
                  struct error *err) {
    int rc = refdata_load(err);
    if (rc < 0 || (rc = check_username(u->username, err)) < 0 ||
        (rc = check_password(password, err)) < 0 || (rc = check_scope(u, err)) < 0)
        return rc;
    char hash[160];
    if ((rc = auth_hash_password(password, hash, sizeof hash, err)) < 0) return rc;
    struct store_val args[] = {
        store_val_text(u->username),
        store_val_text(hash),
        store_val_text(role_key(u->role)),
        store_val_text(u->uscc),
        store_val_int(u->region >= 0 ? region_at(u->region)->code : 0),
        store_val_text(u->dept),
        store_val_int(u->org_id),
        store_val_int((int64_t)time(NULL)),
    };
    rc = store_sql_int(s,
                       "INSERT INTO users (username, password_hash, role, uscc, region_code, dept, "
                       "org_id, disabled, created) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id",
                       args, 8, 0, id, err);
    if (rc == ERR_CONFLICT)
        return error_set(err, ERR_CONFLICT, "用户名 %s 已被使用", "username %s is taken",
                         u->username);
    return rc;
}

static int not_found(const char *username, struct error *err) {
    return error_set(err, ERR_NOTFOUND, "没有用户 %s", "no user %s", username);
}

/* Runs an UPDATE of one user by username; ERR_NOTFOUND when no row changed. */
static int update_user(struct store *s, const char *sql, struct store_val *args, int n,
                       const char *username, struct error *err) {
    int rc = store_sql(s, sql, args, n, NULL, err);
    if (rc < 0) return rc;
    return store_sql_changes(s) == 0 ? not_found(username, err) : 0;
}

int auth_user_passwd(struct store *s, const char *username, const char *password,
                     struct error *err) {
    int rc = check_password(password, err);
    char hash[160];
    if (rc < 0 || (rc = auth_hash_password(password, hash, sizeof hash, err)) < 0) return rc;
    struct store_val args[] = {store_val_text(hash), store_val_text(username)};
    return update_user(s, "UPDATE users SET password_hash = ? WHERE username = ?", args, 2,
                       username, err);
}

static int end_sessions(struct store *s, const char *username, struct error *err) {
    struct store_val arg = store_val_text(username);
    return store_sql(s,
                     "DELETE FROM sessions WHERE user_id IN "
                     "(SELECT id FROM users WHERE username = ?)",
                     &arg, 1, NULL, err);
}

int auth_user_set_role(struct store *s, const char *username, enum role role, struct error *err) {
    struct actor a;
    bool is_disabled;
    int rc = auth_user_get(s, username, &a, &is_disabled, err);
    if (rc < 0) return rc;
    a.role = role;
    if ((rc = check_scope(&a, err)) < 0) return rc;
    struct store_val args[] = {store_val_text(role_key(role)), store_val_text(username)};
    if ((rc = update_user(s, "UPDATE users SET role = ? WHERE username = ?", args, 2, username,
                          err)) < 0)
        return rc;
    return end_sessions(s, username, err);
}

int auth_user_set_disabled(struct store *s, const char *username, bool is_disabled,
                           struct error *err) {
    struct store_val args[] = {store_val_int(is_disabled), store_val_text(username)};
    int rc =
        update_user(s, "UPDATE users SET disabled = ? WHERE username = ?", args, 2, username, err);
    if (rc < 0 || !is_disabled) return rc;
    return end_sessions(s, username, err);
}

void auth_user_row(const struct store_rows *r, int row, int col, struct actor *a,
                   bool *is_disabled) {
    memset(a, 0, sizeof *a);
    a->user_id = store_rows_int(r, row, col);
    snprintf(a->username, sizeof a->username, "%s", store_rows_text(r, row, col + 1));
    a->role = role_from_key(store_rows_text(r, row, col + 2));
    snprintf(a->uscc, sizeof a->uscc, "%s", store_rows_text(r, row, col + 3));
    int64_t code = store_rows_int(r, row, col + 4);
    a->region = code ? region_by_code(code) : -1;
    snprintf(a->dept, sizeof a->dept, "%s", store_rows_text(r, row, col + 5));
    a->org_id = store_rows_int(r, row, col + 6);
    if (is_disabled) *is_disabled = store_rows_int(r, row, col + 7) != 0;
}

int auth_user_get(struct store *s, const char *username, struct actor *a, bool *is_disabled,
                  struct error *err) {
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    struct store_val arg = store_val_text(username);
    struct store_rows *r = NULL;
    rc =
        store_sql(s, "SELECT " USER_COLUMNS("") " FROM users WHERE username = ?", &arg, 1, &r, err);
    if (rc < 0) return rc;
    if (store_rows_count(r) == 0)
        rc = not_found(username, err);
    else
        auth_user_row(r, 0, 0, a, is_disabled);
    store_rows_free(r);
    return rc;
}

int auth_user_each(struct store *s, auth_user_cb cb, void *ctx, struct error *err) {
    int rc = refdata_load(err);
    if (rc < 0) return rc;
    struct store_rows *r = NULL;
    rc = store_sql(s, "SELECT " USER_COLUMNS("") " FROM users ORDER BY username", NULL, 0, &r, err);
    if (rc < 0) return rc;
    for (int i = 0; i < store_rows_count(r); i++) {
        struct actor a;
        bool is_disabled;
        auth_user_row(r, i, 0, &a, &is_disabled);
        cb(&a, is_disabled, ctx);
    }
    store_rows_free(r);
    return 0;
}
