/* Owns `duijie loan`, `loan compare`, `schedule`, `investors`, `needs` and `listing`: thin shells
 * over src/dock reading JSON files or JSON lines and printing JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dock/dock.h"
#include "text/number.h"
#include "util/date.h"
#include "util/strmap.h"

static int loan_usage(void) {
    fprintf(stderr, "usage: duijie loan --principal YUAN --rate-bp N --months M --method "
                    "equal-instalment|equal-principal|interest-only\n"
                    "         [--fee YUAN] [--fee-bp N] [--guarantee-bp N]\n"
                    "         [--subsidy-bp N | --subsidy-share PCT] [--subsidy-cap YUAN]\n"
                    "       duijie loan compare FILE   (JSON: enterprise, products, subsidies)\n");
    return 2;
}

/* Builds the same JSON object a file would hold from the command-line options. */
static json_t *loan_args_json(int argc, char **argv) {
    static const struct {
        const char *opt, *key;
        bool is_int;
    } map[] = {
        {"--principal", "principal", false},
        {"--rate-bp", "rate_bp", true},
        {"--months", "months", true},
        {"--method", "method", false},
    };
    json_t *o = json_object();
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        const char *v = cli_option(argc, argv, map[i].opt);
        if (!v) continue;
        char *end;
        long long n = strtoll(v, &end, 10);
        json_object_set_new(o, map[i].key,
                            map[i].is_int && *v && !*end ? json_integer(n) : json_string(v));
    }
    json_t *fees = json_object();
    const char *v;
    if ((v = cli_option(argc, argv, "--fee"))) json_object_set_new(fees, "upfront", json_string(v));
    if ((v = cli_option(argc, argv, "--fee-bp")))
        json_object_set_new(fees, "upfront_bp", json_integer(atoll(v)));
    if ((v = cli_option(argc, argv, "--guarantee-bp")))
        json_object_set_new(fees, "guarantee_bp_year", json_integer(atoll(v)));
    json_object_set_new(o, "fees", fees);
    json_t *sub = json_object();
    if ((v = cli_option(argc, argv, "--subsidy-bp")))
        json_object_set_new(sub, "rate_bp", json_integer(atoll(v)));
    if ((v = cli_option(argc, argv, "--subsidy-share")))
        json_object_set_new(sub, "share", json_string(v));
    if ((v = cli_option(argc, argv, "--subsidy-cap")))
        json_object_set_new(sub, "cap", json_string(v));
    json_object_set_new(o, "subsidy", json_object_size(sub) ? sub : json_null());
    if (!json_object_size(sub)) json_decref(sub);
    return o;
}

static int loan_one(int argc, char **argv) {
    json_t *o = loan_args_json(argc, argv);
    struct loan_terms t;
    struct loan_fees fees;
    struct loan_subsidy sub;
    bool has_sub;
    struct error err;
    error_clear(&err);
    struct loan_schedule s = {0};
    struct loan_cost c;
    int rc = loan_from_json(o, &t, &fees, &sub, &has_sub, &err);
    if (!rc) rc = loan_schedule_compute(&t, &s, &err);
    if (!rc) rc = loan_cost_compute(&t, &s, &fees, has_sub ? &sub : NULL, &c, &err);
    json_decref(o);
    if (rc) {
        cli_print_error("duijie loan", &err);
        loan_schedule_release(&s);
        return 2;
    }
    json_t *out = loan_to_json(&t, &s, &c);
    cli_print_json(out);
    json_decref(out);
    loan_schedule_release(&s);
    return 0;
}

/* Reads a JSON file (or stdin for "-"), runs fn, prints the result indented; exit 2 on error. */
static int json_file_command(const char *name, const char *path,
                             json_t *(*fn)(json_t *, struct error *)) {
    json_error_t je;
    json_t *in = strcmp(path, "-") == 0 ? json_loadf(stdin, 0, &je) : json_load_file(path, 0, &je);
    struct error err;
    error_clear(&err);
    if (!in) {
        error_set(&err, ERR_PARSE, "无法读取 %s：%s", "cannot read %s: %s", path, je.text);
        error_at(&err, je.line, je.column);
        cli_print_error(name, &err);
        return 2;
    }
    json_t *out = json_is_object(in) ? fn(in, &err) : NULL;
    if (!json_is_object(in))
        error_set(&err, ERR_INVALID, "输入须为 JSON 对象", "input must be a JSON object");
    json_decref(in);
    if (!out) {
        cli_print_error(name, &err);
        return 2;
    }
    char *s = json_dumps(out, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (s) puts(s);
    free(s);
    json_decref(out);
    return 0;
}

int cli_investors(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr,
                "usage: duijie investors FILE   (investors and projects JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie investors", argv[0], match_investors);
}

int cli_needs(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie needs FILE   (needs and capabilities JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie needs", argv[0], match_needs);
}

int cli_financing(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie financing FILE   (融资需求 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie financing", argv[0], financing_report);
}

int cli_roadshow(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie roadshow FILE   (路演 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie roadshow", argv[0], roadshow_agenda);
}

int cli_intents(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie intents FILE   (意向 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie intents", argv[0], intents_funnel);
}

int cli_challenge(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie challenge FILE   (揭榜挂帅 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie challenge", argv[0], challenge_report);
}

int cli_projects(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie projects FILE   (项目库 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie projects", argv[0], project_pool);
}

int cli_listing(int argc, char **argv) {
    if (argc != 1) {
        fprintf(stderr, "usage: duijie listing FILE   (上市梯队 JSON; - = stdin)\n");
        return 2;
    }
    return json_file_command("duijie listing", argv[0], listing_pipeline);
}

static int loan_compare_file(int argc, char **argv) {
    if (argc < 1) return loan_usage();
    return json_file_command("duijie loan compare", argv[0], loan_compare);
}

int cli_loan(int argc, char **argv) {
    if (argc >= 1 && strcmp(argv[0], "compare") == 0) return loan_compare_file(argc - 1, argv + 1);
    if (argc < 1 || cli_flag(argc, argv, "--help")) return loan_usage();
    return loan_one(argc, argv);
}

/* ---- duijie schedule ---- */

struct names {
    struct strmap map;
    char **list; /* owned: index → name */
    int n, cap;
};

static int name_id(struct names *nm, const char *s) {
    int64_t id;
    size_t len = strlen(s);
    if (strmap_get(&nm->map, s, len, &id)) return (int)id;
    if (nm->n == nm->cap) {
        int cap = nm->cap ? nm->cap * 2 : 64;
        char **l = realloc(nm->list, (size_t)cap * sizeof *l);
        if (!l) return -1;
        nm->list = l, nm->cap = cap;
    }
    char *copy = strdup(s);
    if (!copy || !strmap_put(&nm->map, s, len, nm->n)) {
        free(copy);
        return -1;
    }
    nm->list[nm->n] = copy;
    return nm->n++;
}

static void names_release(struct names *nm) {
    for (int i = 0; i < nm->n; i++)
        free(nm->list[i]);
    free(nm->list);
    strmap_release(&nm->map);
}

struct sched_input {
    struct names names;
    struct sched_request *req; /* owned */
    int n, cap;
    int *prev_slot, *prev_table; /* owned, per request; NULL without --previous */
};

static int request_line(struct sched_input *si, const char *line, long lineno, struct error *err) {
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    const char *a = json_string_value(json_object_get(o, "a"));
    const char *b = json_string_value(json_object_get(o, "b"));
    json_t *pr = json_object_get(o, "priority");
    int rc = 0;
    if (!o || !a || !b || !*a || !*b)
        rc = error_set(err, ERR_PARSE, "第 %ld 行须为 {\"a\": 参与者, \"b\": 参与者}",
                       "line %ld must be {\"a\": participant, \"b\": participant}", lineno);
    else if (pr && (!json_is_integer(pr) || json_integer_value(pr) < 0 ||
                    json_integer_value(pr) > SCHED_MAX_PRIORITY))
        rc = error_set(err, ERR_INVALID, "第 %ld 行：priority 须为 0 至 9 的整数",
                       "line %ld: priority must be an integer 0 to 9", lineno);
    if (!rc && si->n == si->cap) {
        int cap = si->cap ? si->cap * 2 : 256;
        struct sched_request *r = realloc(si->req, (size_t)cap * sizeof *r);
        if (!r)
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        else
            si->req = r, si->cap = cap;
    }
    if (!rc) {
        int ia = name_id(&si->names, a), ib = name_id(&si->names, b);
        if (ia < 0 || ib < 0)
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        else
            si->req[si->n++] = (struct sched_request){ia, ib, pr ? (int)json_integer_value(pr) : 0};
    }
    if (rc) error_at(err, (int)lineno, 1);
    json_decref(o);
    return rc;
}

/* --availability FILE: {"participant": [slot, ...], ...}; participants not named attend all. */
static int read_availability(struct sched_input *si, const char *path, int slots, uint64_t **out,
                             struct error *err) {
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!json_is_object(o)) {
        json_decref(o);
        error_set(err, ERR_PARSE, "无法读取可参加时段文件 %s：%s",
                  "cannot read availability %s: %s", path, je.text);
        return error_at(err, je.line, je.column);
    }
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(o, key, v) {
        if (name_id(&si->names, key) < 0)
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    uint64_t *av = malloc(((size_t)si->names.n + 1) * sizeof *av);
    if (!av) rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int i = 0; av && i < si->names.n; i++)
        av[i] = ~(uint64_t)0;
    json_object_foreach(o, key, v) {
        if (rc) break;
        int id = name_id(&si->names, key);
        size_t i;
        json_t *s;
        if (!json_is_array(v))
            rc = error_set(err, ERR_INVALID, "“%s” 的可参加时段须为数组",
                           "availability of \"%s\" must be an array", key);
        if (!rc) av[id] = 0;
        json_array_foreach(v, i, s) {
            if (rc) break;
            if (!json_is_integer(s) || json_integer_value(s) < 0 || json_integer_value(s) >= slots)
                rc = error_set(err, ERR_INVALID, "“%s” 的时段须为 0 至 %d 的整数",
                               "slots of \"%s\" must be integers 0 to %d", key, slots - 1);
            else
                av[id] |= (uint64_t)1 << json_integer_value(s);
        }
    }
    json_decref(o);
    if (rc)
        free(av);
    else
        *out = av;
    return rc;
}

/* --previous FILE: the JSON lines an earlier run printed; each pair keeps its slot and table. */
static int read_previous(struct sched_input *si, const char *path, struct error *err) {
    FILE *f = fopen(path, "r");
    if (!f) return error_set(err, ERR_IO, "无法打开 %s", "cannot open %s", path);
    si->prev_slot = malloc(((size_t)si->n + 1) * sizeof(int));
    si->prev_table = malloc(((size_t)si->n + 1) * sizeof(int));
    struct strmap pairs;
    strmap_init(&pairs);
    int rc = si->prev_slot && si->prev_table
                 ? 0
                 : error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    for (int r = 0; !rc && r < si->n; r++) {
        char key[32];
        int a = si->req[r].a, b = si->req[r].b;
        snprintf(key, sizeof key, "%d,%d", a < b ? a : b, a < b ? b : a);
        int64_t seen;
        si->prev_slot[r] = si->prev_table[r] = -1;
        if (!strmap_get(&pairs, key, strlen(key), &seen) &&
            !strmap_put(&pairs, key, strlen(key), r))
            rc = error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    }
    char *line = NULL;
    size_t cap = 0;
    long n, lineno = 0;
    while (!rc && (n = cli_read_line(f, &line, &cap)) >= 0) {
        lineno++;
        if (n == 0) continue;
        json_t *o = json_loads(line, 0, NULL);
        const char *a = json_string_value(json_object_get(o, "a"));
        const char *b = json_string_value(json_object_get(o, "b"));
        json_t *s = json_object_get(o, "slot"), *t = json_object_get(o, "table");
        int64_t id;
        if (!a || !b || !json_is_integer(s) || !json_is_integer(t)) {
            rc = error_set(err, ERR_PARSE, "%s 第 %ld 行须为 {\"a\",\"b\",\"slot\",\"table\"}",
                           "%s line %ld must be {\"a\",\"b\",\"slot\",\"table\"}", path, lineno);
        } else if (strmap_get(&si->names.map, a, strlen(a), &id)) {
            int ia = (int)id;
            if (strmap_get(&si->names.map, b, strlen(b), &id)) {
                char key[32];
                int ib = (int)id;
                snprintf(key, sizeof key, "%d,%d", ia < ib ? ia : ib, ia < ib ? ib : ia);
                if (strmap_get(&pairs, key, strlen(key), &id)) {
                    si->prev_slot[id] = (int)json_integer_value(s);
                    si->prev_table[id] = (int)json_integer_value(t);
                }
            }
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    strmap_release(&pairs);
    return rc;
}

static void print_schedule(const struct sched_input *si, const struct sched_result *r,
                           bool json_unplaced) {
    for (int k = 0; k < si->n; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "a", json_string(si->names.list[si->req[k].a]));
        json_object_set_new(o, "b", json_string(si->names.list[si->req[k].b]));
        if (r->slot[k] >= 0) {
            json_object_set_new(o, "slot", json_integer(r->slot[k]));
            json_object_set_new(o, "table", json_integer(r->table[k]));
            cli_print_json(o);
        } else {
            json_object_set_new(o, "unplaced", json_true());
            json_object_set_new(o, "reason", json_string(sched_reason_key(r->reason[k])));
            json_object_set_new(o, "reason_zh", json_string(sched_reason_zh(r->reason[k])));
            char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (s) fprintf(json_unplaced ? stdout : stderr, "%s\n", s);
            free(s);
        }
        json_decref(o);
    }
    json_t *sum = json_object();
    json_object_set_new(sum, "placed", json_integer(r->n_placed));
    json_object_set_new(sum, "upper_bound",
                        r->upper_bound >= 0 ? json_integer(r->upper_bound) : json_null());
    json_object_set_new(sum, "optimal", json_boolean(r->is_optimal));
    json_object_set_new(sum, "covered", json_integer(r->n_covered));
    json_object_set_new(sum, "wanting", json_integer(r->n_wanting));
    json_object_set_new(sum, "moved", json_integer(r->n_moved));
    json_object_set_new(sum, "method", json_string(r->method));
    char *s = json_dumps(sum, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) fprintf(stderr, "%s\n", s);
    free(s);
    json_decref(sum);
}

int cli_schedule(int argc, char **argv) {
    const char *sl = cli_option(argc, argv, "--slots"), *tb = cli_option(argc, argv, "--tables");
    if (!sl || !tb || cli_flag(argc, argv, "--help")) {
        fprintf(stderr, "usage: duijie schedule --slots S --tables T [--availability FILE] "
                        "[--previous FILE] [--json-unplaced] [--greedy] < requests.jsonl\n");
        return 2;
    }
    struct sched_input si = {0};
    strmap_init(&si.names.map);
    struct error err;
    error_clear(&err);
    char *end1, *end2;
    long slots = strtol(sl, &end1, 10), tables = strtol(tb, &end2, 10);
    int rc = 0;
    if (*end1 || *end2 || slots < 1 || slots > SCHED_MAX_SLOTS || tables < 1 || tables > 1000000)
        rc = error_set(&err, ERR_INVALID, "--slots 须为 1 至 64，--tables 须为 1 至 1000000",
                       "--slots must be 1 to 64 and --tables 1 to 1000000");
    char *line = NULL;
    size_t cap = 0;
    long n, lineno = 0;
    while (!rc && (n = cli_read_line(stdin, &line, &cap)) >= 0) {
        lineno++;
        if (n > 0) rc = request_line(&si, line, lineno, &err);
    }
    free(line);
    uint64_t *av = NULL;
    const char *path;
    if (!rc && (path = cli_option(argc, argv, "--availability")))
        rc = read_availability(&si, path, (int)slots, &av, &err);
    if (!rc && (path = cli_option(argc, argv, "--previous"))) rc = read_previous(&si, path, &err);
    struct sched_result r = {0};
    if (!rc) {
        struct sched_instance in = {si.names.n, (int)slots, (int)tables, av, si.req, si.n};
        if (si.prev_slot)
            rc = sched_repair(&in, si.prev_slot, si.prev_table, &r, &err);
        else if (cli_flag(argc, argv, "--greedy"))
            rc = sched_greedy(&in, &r, &err);
        else
            rc = sched_solve(&in, &r, &err);
    }
    if (!rc)
        print_schedule(&si, &r, cli_flag(argc, argv, "--json-unplaced"));
    else
        cli_print_error("duijie schedule", &err);
    sched_result_release(&r);
    free(av), free(si.req), free(si.prev_slot), free(si.prev_table);
    names_release(&si.names);
    return rc ? 2 : 0;
}

/* ---- duijie agenda ---- */

int cli_agenda(int argc, char **argv) {
    const char *day = cli_option(argc, argv, "--date"), *start = cli_option(argc, argv, "--start");
    const char *len = cli_option(argc, argv, "--slot-minutes"),
               *gap = cli_option(argc, argv, "--gap");
    const char *who = cli_option(argc, argv, "--ics"), *event = cli_option(argc, argv, "--event");
    if (!day || !start || !len) {
        fprintf(stderr, "usage: duijie agenda --date D --start HH:MM --slot-minutes N [--gap N] "
                        "[--ics PARTICIPANT] [--event NAME] < schedule.jsonl\n");
        return 2;
    }
    struct error err;
    error_clear(&err);
    struct agenda_clock c = {0};
    int hh = -1, mm = -1, rc = date_parse(day, strlen(day), &c.day, &err);
    if (!rc && (sscanf(start, "%d:%d", &hh, &mm) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59))
        rc = error_set(&err, ERR_INVALID, "--start 须为 HH:MM", "--start must be HH:MM");
    c.start_min = hh * 60 + mm;
    c.slot_min = atoi(len), c.gap_min = gap ? atoi(gap) : 0;
    json_t *meetings = json_array(), *agenda = NULL;
    char *line = NULL;
    size_t cap = 0;
    long n, lineno = 0;
    while (!rc && (n = cli_read_line(stdin, &line, &cap)) >= 0) {
        lineno++;
        if (n == 0) continue;
        json_t *o = json_loads(line, 0, NULL);
        if (!o)
            rc = error_set(&err, ERR_PARSE, "第 %ld 行不是 JSON", "line %ld is not JSON", lineno);
        else
            json_array_append_new(meetings, o);
    }
    free(line);
    if (!rc && !(agenda = agenda_build(meetings, &c, &err))) rc = err.code ? err.code : ERR_INVALID;
    if (!rc && who) {
        struct buf b;
        buf_init(&b);
        rc = agenda_ics(agenda, who, event, &c, &b, &err);
        if (!rc) fputs(buf_str(&b), stdout);
        buf_release(&b);
    } else if (!rc) {
        const char *key;
        json_t *list;
        json_object_foreach(agenda, key, list) {
            json_t *o = json_pack("{s:s, s:O}", "participant", key, "meetings", list);
            cli_print_json(o);
            json_decref(o);
        }
    }
    if (rc) cli_print_error("duijie agenda", &err);
    json_decref(meetings), json_decref(agenda);
    return rc ? 2 : 0;
}
