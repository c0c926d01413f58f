/* Owns `duijie audit verify [--db URI]` (walks the audit chain, prints what it found and the head
 * to record elsewhere; exit 1 when an entry was edited, removed or reordered) and `duijie audit
 * list [--type T] [--id N] [--limit N]`. The chain itself is src/audit's. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "store/store.h"

static int verify(struct store *s) {
    struct audit_report rep;
    struct error err;
    if (audit_verify(s, &rep, &err)) {
        cli_print_error("audit verify", &err);
        return 2;
    }
    json_t *o =
        json_pack("{s:b,s:s,s:I,s:I,s:I,s:s,s:s,s:s}", "ok", rep.problem == AUDIT_OK, "problem",
                  audit_problem_name(rep.problem), "seq", (json_int_t)rep.bad_seq, "entries",
                  (json_int_t)rep.n_entries, "head_seq", (json_int_t)rep.head_seq, "head_hash",
                  rep.head_hash, "zh", rep.zh, "en", rep.en);
    cli_print_json(o);
    json_decref(o);
    if (rep.problem != AUDIT_OK) fprintf(stderr, "duijie audit verify: %s / %s\n", rep.zh, rep.en);
    return rep.problem == AUDIT_OK ? 0 : 1;
}

static int list(struct store *s, int argc, char **argv) {
    const char *type = cli_option(argc, argv, "--type");
    const char *id = cli_option(argc, argv, "--id");
    const char *limit = cli_option(argc, argv, "--limit");
    json_t *rows = NULL;
    int64_t total = 0;
    struct error err;
    if (audit_list(s, type, id ? strtoll(id, NULL, 10) : 0, 0, limit ? atoi(limit) : 50, &rows,
                   &total, &err)) {
        cli_print_error("audit list", &err);
        return 2;
    }
    size_t i;
    json_t *v;
    json_array_foreach(rows, i, v) cli_print_json(v);
    json_decref(rows);
    return 0;
}

int cli_audit(int argc, char **argv) {
    const char *cmd = argc > 0 ? argv[0] : "";
    if (strcmp(cmd, "verify") != 0 && strcmp(cmd, "list") != 0) {
        fprintf(stderr, "usage: duijie audit verify [--db URI] | audit list [--type T] [--id N] "
                        "[--limit N] [--db URI]\n");
        return 2;
    }
    const char *db = cli_option(argc, argv, "--db");
    struct store *s = NULL;
    struct error err;
    if (store_open(db ? db : store_default_uri(), &s, &err)) {
        cli_print_error("audit", &err);
        return 2;
    }
    int rc = strcmp(cmd, "verify") == 0 ? verify(s) : list(s, argc - 1, argv + 1);
    store_close(s);
    return rc;
}
