/* `duijie ticket …`: the daily escalation of overdue requests, importing a year's holiday calendar
 * (a TSV like data/holidays-cn.tsv) into the store, working-day deadlines, and the statistics.
 * The work is src/ticket's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/store.h"
#include "ticket/ticket.h"
#include "util/date.h"

static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) break;
            buf = nb;
        }
        size_t k = fread(buf + *len, 1, cap - *len - 1, f);
        *len += k;
        if (k == 0) break;
    }
    fclose(f);
    if (buf) buf[*len] = 0;
    return buf;
}

static int calendar_import(struct store *s, const char *path, struct error *err) {
    size_t len;
    char *text = read_all(path, &len);
    if (!text) return error_set(err, ERR_IO, "无法读取 %s", "cannot read %s", path);
    int n_holidays = 0, n_workdays = 0;
    int rc = ticket_calendar_import(s, text, len, &n_holidays, &n_workdays, err);
    free(text);
    if (!rc) printf("{\"holidays\":%d,\"workdays\":%d}\n", n_holidays, n_workdays);
    return rc;
}

int cli_ticket(int argc, char **argv) {
    if (argc < 1) {
        fprintf(stderr, "usage: duijie ticket escalate [--date D] | calendar FILE | due DATE N | "
                        "stats [--date D] [--db URI]\n");
        return 2;
    }
    const char *db = cli_option(argc, argv, "--db");
    struct error err;
    error_clear(&err);
    int32_t today = date_today();
    const char *d = cli_option(argc, argv, "--date");
    if (d && date_parse(d, strlen(d), &today, &err)) {
        cli_print_error("ticket", &err);
        return 1;
    }
    struct store *s;
    if (store_open(db ? db : store_default_uri(), &s, &err)) {
        cli_print_error("ticket", &err);
        return 1;
    }
    int rc = 0;
    struct ticket_calendar cal = {0};
    if (strcmp(argv[0], "calendar") == 0) {
        rc = argc < 2 ? error_set(&err, ERR_INVALID, "缺少文件", "the file is missing")
                      : calendar_import(s, argv[1], &err);
    } else if (strcmp(argv[0], "escalate") == 0 || strcmp(argv[0], "due") == 0) {
        rc = ticket_calendar_load(s, &cal, &err);
        if (!rc && argv[0][0] == 'e') {
            int64_t n = 0;
            rc = ticket_escalate_overdue(s, &cal, today, (int64_t)time(NULL), &n, &err);
            if (!rc) printf("{\"escalated\":%lld}\n", (long long)n);
        } else if (!rc) {
            int32_t from;
            if (argc < 3 || date_parse(argv[1], strlen(argv[1]), &from, &err)) {
                rc = error_set(&err, ERR_INVALID, "用法: ticket due 日期 工作日数",
                               "usage: ticket due DATE N");
            } else {
                char buf[16];
                printf(
                    "{\"due\":\"%s\"}\n",
                    date_format(ticket_add_workdays(&cal, from, atoi(argv[2])), buf, sizeof buf));
            }
        }
    } else if (strcmp(argv[0], "stats") == 0) {
        char *out = NULL;
        rc = ticket_stats_json(s, today, &out, &err);
        if (!rc) printf("%s\n", out);
        free(out);
    } else {
        rc = error_set(&err, ERR_INVALID, "未知子命令 %s", "unknown subcommand %s", argv[0]);
    }
    ticket_calendar_release(&cal);
    store_close(s);
    if (rc) {
        cli_print_error("ticket", &err);
        return 1;
    }
    return 0;
}
