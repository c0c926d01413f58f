/* `duijie library …`: adding a document (or a new version of one) with its original file, and
 * browsing the library as JSON. The work is src/library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "library/library.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        *len = (size_t)n;
    }
    return buf;
}

static int date_opt(int argc, char **argv, const char *name, int32_t *out, struct error *err) {
    *out = INT32_MIN;
    const char *v = cli_option(argc, argv, name);
    return v ? date_parse(v, strlen(v), out, err) : 0;
}

static int put(struct store *s, int argc, char **argv, struct error *err) {
    struct library_doc d = {.title = cli_option(argc, argv, "--title"),
                            .doc_no = cli_option(argc, argv, "--doc-no"),
                            .series = cli_option(argc, argv, "--series"),
                            .authority = cli_option(argc, argv, "--authority"),
                            .level = cli_option(argc, argv, "--level"),
                            .theme = cli_option(argc, argv, "--theme"),
                            .kind = cli_option(argc, argv, "--kind"),
                            .validity = cli_option(argc, argv, "--validity"),
                            .file_mime = cli_option(argc, argv, "--mime"),
                            .note = cli_option(argc, argv, "--note"),
                            .region = -1};
    const char *v;
    int rc = date_opt(argc, argv, "--issued", &d.issued, err);
    if (!rc) rc = date_opt(argc, argv, "--effective", &d.effective, err);
    if (!rc && (v = cli_option(argc, argv, "--region"))) {
        d.region = region_find(v, strlen(v), err);
        if (d.region < 0) rc = d.region;
    }
    if ((v = cli_option(argc, argv, "--policy"))) d.policy_id = atoll(v);
    char *file = NULL, *body = NULL;
    size_t file_len = 0, body_len = 0;
    const char *path = cli_option(argc, argv, "--file");
    if (!rc && path) {
        file = slurp(path, &file_len);
        if (!file) rc = error_set(err, ERR_IO, "无法读取 %s", "cannot read %s", path);
        const char *slash = strrchr(path, '/');
        d.file_name = slash ? slash + 1 : path;
    }
    const char *text = cli_option(argc, argv, "--text");
    if (!rc && text) {
        body = slurp(text, &body_len);
        if (!body) rc = error_set(err, ERR_IO, "无法读取 %s", "cannot read %s", text);
        d.body = body;
    }
    if (!rc) rc = library_put(s, &d, file, file_len, (int64_t)time(NULL), err);
    if (!rc)
        printf("{\"id\":%lld,\"version\":%d,\"sha256\":\"%s\"}\n", (long long)d.id, d.version,
               d.file_hash);
    free(file);
    free(body);
    return rc;
}

int cli_library(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie library put --title T [--doc-no N] [--authority A] [--level "
                        "L] [--region R] [--issued D] [--file F --mime M] [--text F] … | list "
                        "[--q Q] [--year Y] | show ID  [--db URI]\n");
        return 2;
    }
    const char *db = cli_option(argc, argv, "--db");
    struct error err;
    error_clear(&err);
    struct store *s;
    if (store_open(db ? db : store_default_uri(), &s, &err)) {
        cli_print_error("library", &err);
        return 1;
    }
    int rc;
    char *out = NULL;
    if (strcmp(argv[0], "put") == 0) {
        rc = put(s, argc, argv, &err);
    } else if (strcmp(argv[0], "list") == 0) {
        const char *y = cli_option(argc, argv, "--year");
        struct library_query q = {.q = cli_option(argc, argv, "--q"),
                                  .authority = cli_option(argc, argv, "--authority"),
                                  .region = -1,
                                  .year = y ? atoi(y) : 0,
                                  .page_size = 200};
        rc = library_browse_json(s, &q, &out, &err);
    } else if (strcmp(argv[0], "show") == 0 && argc > 1) {
        rc = library_doc_json(s, atoll(argv[1]), &out, &err);
    } else {
        rc = error_set(&err, ERR_INVALID, "未知子命令 %s", "unknown subcommand %s", argv[0]);
    }
    if (out) printf("%s\n", out);
    free(out);
    store_close(s);
    if (rc) {
        cli_print_error("library", &err);
        return 1;
    }
    return 0;
}
