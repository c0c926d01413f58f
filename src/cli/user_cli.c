/* `duijie user`: administrators add users and change passwords, roles and whether an account is
 * disabled, and list users. Passwords are read from stdin (one line; without echo on a terminal),
 * never from the command line, where other users of the machine could see them. The rules are
 * src/auth's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "refdata/refdata.h"
#include "store/store.h"

/* The options that take a value (so that their values are not taken for positional words). */
static bool takes_value(const char *a) {
    static const char *const names[] = {"--role", "--uscc", "--region", "--dept", "--org", "--db"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(a, names[i]) == 0) return true;
    return false;
}

/* The n-th word of argv that is not an option or an option's value; NULL when there is none. */
static const char *positional(int argc, char **argv, int n) {
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            if (takes_value(argv[i])) i++;
            continue;
        }
        if (n-- == 0) return argv[i];
    }
    return NULL;
}

/* One line of stdin without its newline; on a terminal the typing is not echoed. */
static int read_password(char *out, size_t cap) {
    struct termios old, quiet;
    bool is_tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (is_tty) {
        fprintf(stderr, "密码 / password: ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)cap, stdin) != NULL;
    if (is_tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!ok) return -1;
    out[strcspn(out, "\r\n")] = 0;
    return 0;
}

static int fail(const struct error *err) {
    cli_print_error("duijie user", err);
    return 1;
}

static int usage(void) {
    fprintf(stderr, "usage: duijie user add NAME --role KEY [--uscc X] [--region CODE|NAME] "
                    "[--dept D] [--org N]\n"
                    "       duijie user passwd NAME | role NAME KEY | disable NAME | enable NAME "
                    "| list      [--db PATH]\n"
                    "roles: ");
    for (int r = ROLE_ANON + 1; r < ROLE_COUNT; r++)
        fprintf(stderr, "%s%s (%s)", r > 1 ? ", " : "", role_key((enum role)r),
                role_label((enum role)r));
    fputc('\n', stderr);
    return 2;
}

static int add(struct store *s, int argc, char **argv, const char *name, struct error *err) {
    const char *role = cli_option(argc, argv, "--role");
    struct actor u = {.role = role_from_key(role), .region = -1};
    if (!role || u.role == ROLE_ANON) return usage();
    snprintf(u.username, sizeof u.username, "%s", name);
    const char *v;
    if ((v = cli_option(argc, argv, "--uscc"))) snprintf(u.uscc, sizeof u.uscc, "%s", v);
    if ((v = cli_option(argc, argv, "--dept"))) snprintf(u.dept, sizeof u.dept, "%s", v);
    if ((v = cli_option(argc, argv, "--org"))) u.org_id = strtoll(v, NULL, 10);
    if ((v = cli_option(argc, argv, "--region")) && (u.region = region_find(v, strlen(v), err)) < 0)
        return fail(err);
    char pw[256];
    if (read_password(pw, sizeof pw) < 0) {
        error_set(err, ERR_INVALID, "请从标准输入提供密码", "give the password on stdin");
        return fail(err);
    }
    int64_t id = 0;
    int rc = auth_user_add(s, &u, pw, &id, err);
    memset(pw, 0, sizeof pw);
    if (rc < 0) return fail(err);
    printf("%s\t%s\t%lld\n", u.username, role_key(u.role), (long long)id);
    return 0;
}

static void print_user(const struct actor *a, bool is_disabled, void *ctx) {
    (void)ctx;
    char region[128] = "";
    if (a->region >= 0) region_path(a->region, region, sizeof region);
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%lld%s\n", a->username, role_key(a->role), role_label(a->role),
           a->uscc, region, a->dept, (long long)a->org_id, is_disabled ? "\t停用/disabled" : "");
}

static int run(struct store *s, const char *cmd, int argc, char **argv, struct error *err) {
    const char *name = positional(argc, argv, 1);
    if (strcmp(cmd, "list") == 0)
        return auth_user_each(s, print_user, NULL, err) < 0 ? fail(err) : 0;
    if (!name) return usage();
    if (strcmp(cmd, "add") == 0) return add(s, argc, argv, name, err);
    if (strcmp(cmd, "passwd") == 0) {
        char pw[256];
        if (read_password(pw, sizeof pw) < 0) {
            error_set(err, ERR_INVALID, "请从标准输入提供密码", "give the password on stdin");
            return fail(err);
        }
        int rc = auth_user_passwd(s, name, pw, err);
        memset(pw, 0, sizeof pw);
        return rc < 0 ? fail(err) : 0;
    }
    if (strcmp(cmd, "role") == 0) {
        const char *key = positional(argc, argv, 2);
        if (!key || role_from_key(key) == ROLE_ANON) return usage();
        return auth_user_set_role(s, name, role_from_key(key), err) < 0 ? fail(err) : 0;
    }
    if (strcmp(cmd, "disable") == 0 || strcmp(cmd, "enable") == 0)
        return auth_user_set_disabled(s, name, cmd[0] == 'd', err) < 0 ? fail(err) : 0;
    return usage();
}

int cli_user(int argc, char **argv) {
    const char *cmd = positional(argc, argv, 0);
    if (!cmd) return usage();
    struct error err;
    error_clear(&err);
    if (refdata_load(&err) < 0) return fail(&err);
    const char *db = cli_option(argc, argv, "--db");
    struct store *s = NULL;
    if (store_open(db ? db : store_default_uri(), &s, &err) < 0) return fail(&err);
    int rc = run(s, cmd, argc, argv, &err);
    store_close(s);
    return rc;
}
