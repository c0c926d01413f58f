/* The commissioners' daily digest (src/notify/digest.c): the scheduler's next-run arithmetic
 * across midnight and the UTC/Beijing day boundary (tests/data/notify/digest_next.tsv), and on
 * demo data (enterprises, policies, the service network, the demo users) the digest of the
 * commissioner with the most firms to tell about, checked against the rules evaluator run over
 * every enterprise assigned to them,
 * its overdue visit count, and that a second run (or the day's run recorded done) sends nothing
 * twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "demo/demo.h"
#include "index/index.h"
#include "network/network.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "tstore.h"
#include "util/date.h"

/* "2026-12-01T23:59:59Z" → unix seconds; -1 when malformed. */
static int64_t parse_utc(const char *s) {
    int y, mo, d, h, mi, se;
    if (sscanf(s, "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &se) != 6) return -1;
    return (int64_t)date_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

TEST(notify_digest_schedule) {
    FILE *f = fopen("tests/data/notify/digest_next.tsv", "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n') continue;
        char now_s[32], at_s[16], next_s[32], day_s[16];
        if (sscanf(line, "%31s %15s %31s %15s", now_s, at_s, next_s, day_s) != 4) {
            test_failf(__FILE__, __LINE__, "bad line: %s", line);
            continue;
        }
        test_case(line);
        int at = 0;
        struct error err;
        CHECK_INT(notify_digest_parse_at(at_s, &at, &err), 0);
        int64_t next = notify_digest_next(parse_utc(now_s), at);
        CHECK_INT(next, parse_utc(next_s));
        char day[16];
        CHECK_STR(date_format(notify_local_day(next), day, sizeof day), day_s);
        CHECK(next > parse_utc(now_s) && next - parse_utc(now_s) <= 86400);
        n++;
    }
    fclose(f);
    CHECK(n >= 8);
    int m = 0;
    struct error err;
    CHECK_INT(notify_digest_parse_at("off", &m, &err), 0);
    CHECK_INT(m, -1);
    CHECK_INT(notify_digest_parse_at("24:00", &m, &err), ERR_INVALID);
    CHECK_INT(notify_digest_parse_at("8", &m, &err), ERR_INVALID);
    CHECK_INT(notify_digest_parse_at("08:00x", &m, &err), ERR_INVALID);
    CHECK_INT(notify_digest_parse_at("07:05", &m, &err), 0);
    CHECK_INT(m, 7 * 60 + 5);
}

#define N_FIRMS 800
#define SEED 7

static int64_t count_rows(struct store *s, const char *sql, const char *arg) {
    struct store_val a[] = {store_val_text(arg)};
    int64_t n = -1;
    struct error err;
    if (store_sql_int(s, sql, a, arg ? 1 : 0, 0, &n, &err)) return -1;
    return n;
}

STORE_TEST(notify_digest_demo) {
    struct store *s = open_temp(t);
    if (!s) return;
    struct error err;
    CHECK_INT(refdata_load(&err), 0);
    struct profile *p = malloc(sizeof *p);
    struct demo_text txt;
    CHECK_INT(store_begin(s, &err), 0);
    for (int64_t i = 0; i < N_FIRMS; i++) {
        demo_enterprise(SEED, i, p, &txt);
        CHECK_INT(store_put_enterprise(s, p, NULL, &err), 0);
    }
    int np = 0, nc = 0;
    CHECK_INT(demo_load_policies(s, "data/demo/policies.json", &np, &nc, &err), 0);
    CHECK_INT(demo_network(s, SEED, N_FIRMS, 80, "data/demo/policies.json", &err), 0);
    CHECK_INT(store_commit(s, &err), 0);
    CHECK_INT(demo_add_users(s, SEED, N_FIRMS, &err), 0);

    struct network *net = NULL;
    CHECK_INT(network_load(s, &net, &err), 0);
    if (!net) {
        free(p);
        store_close(s);
        remove_temp(t);
        return;
    }
    /* the evaluator over every enterprise, per commissioner and publishing day: the pair with the
     * most firms to tell about is the one checked */
    int *unit_of = calloc(N_FIRMS, sizeof *unit_of);
    for (int64_t e = 0; e < N_FIRMS; e++) {
        profile_clear(p);
        demo_enterprise(SEED, e, p, &txt);
        int reg = p->v[F_REGION].has ? (int)p->v[F_REGION].i : -1;
        const struct network_unit *x = network_unit(net, network_assigned(net, txt.uscc, reg));
        unit_of[e] = x ? (int)(x - net->units) : -1;
    }
    int64_t *per_unit = calloc((size_t)net->n_units, sizeof *per_unit);
    struct arena a;
    arena_init(&a, 1 << 14);
    struct policy *ps;
    int n_ps;
    CHECK_INT(store_list_policies(s, POLICY_PUBLISHED, &a, &ps, &n_ps, &err), 0);
    int32_t best_day = 0;
    int64_t best = 0;
    int best_unit = -1;
    for (int i = 0; i < n_ps; i++) {
        int32_t day = ps[i].published + 1;
        memset(per_unit, 0, (size_t)net->n_units * sizeof *per_unit);
        for (int k = 0; k < n_ps; k++) {
            if (ps[k].published != day - 1) continue;
            struct clause *cs;
            int n_cs;
            CHECK_INT(store_list_clauses(s, ps[k].id, POLICY_PUBLISHED, &a, &cs, &n_cs, &err), 0);
            for (int j = 0; j < n_cs; j++) {
                struct rule *ru;
                const char *src = cs[j].rule ? cs[j].rule : "";
                if (rules_compile(src, strlen(src), "c", &ru, &err)) continue;
                const struct rule_version *v = rules_version_at(ru, day);
                for (int64_t e = 0; v && v->cond && e < N_FIRMS; e++) {
                    if (unit_of[e] < 0) continue;
                    profile_clear(p);
                    demo_enterprise(SEED, e, p, &txt);
                    profile_derive(p, day, NULL);
                    per_unit[unit_of[e]] += rules_eval_cond(v->cond, p) == TRI_TRUE;
                }
                rules_free(ru);
            }
        }
        for (int k = 0; k < net->n_units; k++)
            if (per_unit[k] > best) best = per_unit[k], best_day = day, best_unit = k;
    }
    free(per_unit);
    free(unit_of);
    CHECK(best > 0 && best_unit >= 0); /* the demo gives some commissioner firms to tell about */
    if (best_unit < 0) {
        arena_release(&a);
        network_free(net);
        free(p);
        store_close(s);
        remove_temp(t);
        return;
    }
    const struct network_unit *u = &net->units[best_unit];
    /* the commissioner's account (the demo names one, user_ref "zy…", without creating it) */
    struct actor who = {.role = ROLE_COMMISSIONER, .region = u->towns[0], .org_id = u->id};
    snprintf(who.username, sizeof who.username, "%s", u->user_ref);
    CHECK_INT(auth_user_add(s, &who, "digest-test-pw", &who.user_id, &err), 0);
    struct network_visit_query vq = {
        .commissioner_id = u->id, .is_overdue_only = true, .page = 1, .page_size = 500};
    struct network_visit *vs;
    int n_vs;
    int64_t late = 0;
    CHECK_INT(network_list_visits(s, &vq, best_day, &a, &vs, &n_vs, &late, &err), 0);

    struct index_gen *g = NULL;
    CHECK_INT(index_load(s, best_day, &g, &err), 0);
    struct notify_digest_stats st;
    CHECK_INT(notify_daily_digest(s, g, best_day, 100, &st, &err), 0);
    CHECK(st.commissioners >= 80);
    CHECK(st.told >= 1);
    CHECK(st.no_user >= 1); /* the others have no account in this test */
    CHECK_INT(st.queued, st.told);
    char key[96], day_s[16], want[160];
    snprintf(key, sizeof key, "digest:%lld:%s", (long long)who.user_id,
             date_format(best_day, day_s, sizeof day_s));
    CHECK_INT(count_rows(s, "SELECT COUNT(*) FROM notify_outbox WHERE msg_key = ?", key), 1);
    struct store_val kv[] = {store_val_text(key)};
    struct store_rows *r = NULL;
    CHECK_INT(store_sql(s, "SELECT recipient, body, topic FROM notify_outbox WHERE msg_key = ?", kv,
                        1, &r, &err),
              0);
    if (r && store_rows_count(r) == 1) {
        char rcpt[32];
        snprintf(rcpt, sizeof rcpt, "u:%lld", (long long)who.user_id);
        CHECK_STR(store_rows_text(r, 0, 0), rcpt);
        CHECK_STR(store_rows_text(r, 0, 2), "digest");
        const char *body = store_rows_text(r, 0, 1);
        snprintf(want, sizeof want, "您服务的企业符合条件 %lld 家次", (long long)best);
        CHECK(strstr(body, want) != NULL);
        snprintf(want, sizeof want, "超期事项 %lld 项", (long long)late);
        CHECK(strstr(body, want) != NULL);
        CHECK(strstr(body, u->name) != NULL);
        if (!strstr(body, want)) fprintf(stderr, "%s\n", body);
    }
    store_rows_free(r);
    /* twice: nothing new; the day run records itself and then counts as done */
    CHECK_INT(notify_daily_digest(s, g, best_day, 200, &st, &err), 0);
    CHECK_INT(st.queued, 0);
    CHECK(!notify_digest_is_done(s, best_day));
    CHECK_INT(notify_digest_day(s, best_day, 300, &st, &err), 0);
    CHECK_INT(st.queued, 0);
    CHECK(notify_digest_is_done(s, best_day));
    CHECK_INT(count_rows(s, "SELECT COUNT(*) FROM notify_outbox WHERE msg_key = ?", key), 1);
    /* another day is another digest (the overdue items are still there) */
    CHECK(!notify_digest_is_done(s, best_day + 1));
    CHECK_INT(notify_digest_day(s, best_day + 1, 400, &st, &err), 0);
    CHECK(notify_digest_is_done(s, best_day + 1));
    index_gen_release(g);
    arena_release(&a);
    network_free(net);
    free(p);
    store_close(s);
    remove_temp(t);
}
