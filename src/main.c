/* The `duijie` command: finds the subcommand and hands it the rest of argv. Nothing else. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    {"uscc", cli_uscc, "uscc CODE...            check 统一社会信用代码, one JSON object per code"},
    {"derive", cli_derive, "derive [--date D]       enterprise JSON lines in, derived fields out"},
    {"fields", cli_fields, "fields [--markdown]     the field dictionary"},
    {"extract", cli_extract,
     "extract [FILE|-] [--json] [--html|--pdf|--gb18030]  policy → clauses, conditions, rules"},
    {"search", cli_search,
     "search QUERY [--docs F...] [--filter k=v] [--limit N] [--json]  policy search"},
    {"demo", cli_demo,
     "demo [--enterprises N] [--seed S] [--db PATH] [--clauses N]  synthetic Qingdao"},
    {"serve", cli_serve,
     "serve [--port 8080] [--bind 127.0.0.1] [--db data/duijie.db|none] [--web web] [--threads N]\n"
     "      [--db-read postgres://replica…]\n"
     "                          [--secure-cookies] [--behind-proxy]\n"
     "                          the JSON API and web UI (port 0 = any free port)"},
    {"check", cli_check, "check [--sql [--postgres]] [--date D] RULEFILE...  compile rules"},
    {"eval", cli_eval, "eval RULEFILE [--date D]  enterprise JSON lines in, results out"},
    {"fmt", cli_fmt, "fmt RULEFILE            a rule in canonical form"},
    {"loan", cli_loan, "loan --principal Y --rate-bp N --months M --method X | loan compare FILE"},
    {"schedule", cli_schedule, "schedule --slots S --tables T < requests.jsonl   1:1 meetings"},
    {"import", cli_import,
     "import FILE [--db P] [--dry-run] [--errors OUT.csv] | --template OUT.xlsx"},
    {"match", cli_match,
     "match clause RULEFILE [--status eligible|unknown|nearly] [--limit N] [--db PATH] [--json]\n"
     "                          who qualifies for a rule, by status, district, industry, size\n"
     "  duijie match enterprise USCC [--db PATH] [--json]  every published clause, ranked"},
    {"investors", cli_investors, "investors FILE          investors ↔ projects, stable 双向选择"},
    {"needs", cli_needs, "needs FILE              needs ↔ capabilities (供需撮合)"},
    {"agenda", cli_agenda, "agenda --date D --start HH:MM --slot-minutes N [--ics WHO] < schedule"},
    {"financing", cli_financing,
     "financing FILE          融资需求: bank steps, overdue commitments, totals"},
    {"roadshow", cli_roadshow,
     "roadshow FILE           路演: firm order and times, investors' times"},
    {"intents", cli_intents, "intents FILE            意向: needs → intents → deals, conversion"},
    {"challenge", cli_challenge, "challenge FILE          揭榜挂帅: state, milestones, payments"},
    {"projects", cli_projects,
     "projects FILE           项目库: projects by category, best loan offers"},
    {"listing", cli_listing, "listing FILE            上市梯队: stages, targets, listing rewards"},
    {"audit", cli_audit,
     "audit verify [--db URI] | audit list [--type T] [--id N]  the audit chain: exit 1 if broken"},
    {"applications", cli_applications,
     "applications [--state S] [--clause N] [--overdue] [--export F.xlsx|F.csv] [--db URI]"},
    {"exempt-batch", cli_exempt_batch,
     "exempt-batch CLAUSE_ID… | --all [--date D] [--db URI]  免申即享 batches (one index load)"},
    {"money", cli_money,
     "money [--by clause|policy|department|district|industry|year|month]  paid totals (fen)"},
    {"network", cli_network,
     "network units|assign|reassign|history|queue|pack|stats|balance …  服务网络 (1+10+N)"},
    {"notify", cli_notify,
     "notify send [--rate N/s] [--once] [--recover] | publish ID | deadlines |\n"
     "                          digest [--date D] | prefs R | stats"},
    {"user", cli_user,
     "user add NAME --role KEY [--uscc X] [--region R] [--dept D] [--org N] | passwd NAME |\n"
     "                          role NAME KEY | disable NAME | enable NAME | list   [--db PATH]\n"
     "                          users and roles (passwords are read from stdin)"},
    {"ticket", cli_ticket, "ticket escalate [--date D] | calendar FILE | due DATE N | stats"},
    {"ticket", cli_ticket, "ticket escalate [--date D] | calendar FILE | due DATE N | stats"},
    {"library", cli_library, "library put --title T [--doc-no N] [--file F] … | list | show ID"},
};

static void usage(FILE *f) {
    fprintf(f, "duijie — 惠企政策精准匹配平台 / precision matching of enterprises and policies\n\n"
               "usage: duijie COMMAND [ARGS]\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  duijie %s\n", commands[i].help);
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "duijie: 未知命令 “%s” / unknown command \"%s\"\n\n", argv[1], argv[1]);
    usage(stderr);
    return 2;
}
