/* Benchmark of notify's enqueue: a policy published that 100,000 firms qualify for (NOTIFY_N to
 * change it) — the matching engine's push list and one outbox row per firm, in one transaction
 * with a prepared multi-row INSERT … ON CONFLICT DO NOTHING — next to the obvious alternative,
 * one transaction per message (measured on a sample and scaled per row), on SQLite and, when
 * $DUIJIE_PG_URI is set, on PostgreSQL. A second run of the same publish (every key already
 * queued: nothing new) is reported too. Figures go to bench/tmp/notify.json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index/index.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "store/store.h"
#include "util/date.h"
#include "clock.h"

static void die(const char *what, const struct error *e) {
    char buf[900];
    fprintf(stderr, "bench notify: %s: %s\n", what, error_format(e, buf, sizeof buf));
    exit(1);
}

static struct index_gen *firms(int n, int32_t today) {
    struct index_builder *b;
    struct error err;
    if (index_builder_new(today, &b, &err)) die("index", &err);
    int laoshan = region_by_code(370212);
    for (int i = 0; i < n; i++) {
        struct profile p;
        char uscc[24];
        snprintf(uscc, sizeof uscc, "9137020%011d", i);
        profile_clear(&p);
        p.v[F_USCC] = (struct value){.has = true, .s = uscc};
        p.v[F_REGION] = (struct value){.has = true, .i = laoshan};
        p.v[F_EMPLOYEES] = (struct value){.has = true, .i = 20 + i % 500};
        profile_derive(&p, today, NULL);
        if (index_builder_add(b, i + 1, &p, &err)) die("index add", &err);
    }
    struct index_gen *g;
    if (index_builder_finish(b, &g, &err)) die("index finish", &err);
    return g;
}

static int64_t policy(struct store *s) {
    struct error err;
    struct policy p = {.code = "BENCH-1",
                       .title = "青岛市促进企业发展若干措施",
                       .region = -1,
                       .published = date_today(),
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED};
    if (store_put_policy(s, &p, &err)) die("policy", &err);
    struct clause c = {.policy_id = p.id,
                       .seq = 1,
                       .title = "企业发展奖励",
                       .text = "……",
                       .rule = "注册地 属于 青岛市 且 从业人员 >= 10",
                       .version = 1,
                       .valid_from = STORE_NO_DATE,
                       .valid_to = STORE_NO_DATE,
                       .deadline = STORE_NO_DATE,
                       .status = POLICY_PUBLISHED,
                       .award_cap_fen = -1};
    if (store_put_clause(s, &c, &err)) die("clause", &err);
    return p.id;
}

/* The naive way: each message its own INSERT in its own transaction. */
static double naive_per_row(struct store *s, int sample, int n) {
    struct error err;
    double t0 = now_ms();
    for (int i = 0; i < sample; i++) {
        char key[64], uscc[24];
        snprintf(uscc, sizeof uscc, "9137020%011d", i);
        snprintf(key, sizeof key, "naive:1:1:%s", uscc);
        struct store_val a[] = {store_val_text(key),
                                store_val_text(uscc),
                                store_val_text("inapp"),
                                store_val_text("publish"),
                                store_val_text("新政策:您符合「企业发展奖励」"),
                                store_val_text("《青岛市促进企业发展若干措施》第1条已发布。"),
                                store_val_text("policy:1:clause:1"),
                                store_val_int(1),
                                store_val_int(1)};
        if (store_sql(s,
                      "INSERT INTO notify_outbox (msg_key, recipient, channel, topic, subject, "
                      "body, ref, created, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
                      "CONFLICT (msg_key) DO NOTHING",
                      a, 9, NULL, &err))
            die("naive insert", &err);
    }
    return (now_ms() - t0) / sample * n;
}

struct run {
    double ms, cpu, again_ms, naive_ms;
    int64_t queued;
};

static struct run measure(const char *uri, const struct index_gen *g, int n) {
    struct store *s;
    struct error err;
    if (store_open(uri, &s, &err)) die("open", &err);
    int64_t pid = policy(s);
    struct run r = {0};
    struct notify_counts c;
    double t0 = now_ms(), c0 = proc_cpu_ms();
    if (notify_policy_published(s, g, pid, 1000, &c, &err)) die("publish", &err);
    r.ms = now_ms() - t0;
    r.cpu = proc_cpu_ms() - c0;
    r.queued = c.queued;
    if (c.queued != n) {
        fprintf(stderr, "bench notify: queued %lld, expected %d\n", (long long)c.queued, n);
        exit(1);
    }
    t0 = now_ms();
    if (notify_policy_published(s, g, pid, 2000, &c, &err)) die("publish again", &err);
    r.again_ms = now_ms() - t0;
    if (c.queued != 0) {
        fprintf(stderr, "bench notify: the second publish queued %lld\n", (long long)c.queued);
        exit(1);
    }
    r.naive_ms = naive_per_row(s, n < 2000 ? n : 2000, n);
    store_close(s);
    return r;
}

int main(void) {
    const char *env = getenv("NOTIFY_N");
    int n = env ? atoi(env) : 100000;
    if (n <= 0) n = 100000;
    struct index_gen *g = firms(n, date_today());
    char dir[] = "/tmp/duijie-bench-notify-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[128];
    snprintf(path, sizeof path, "%s/n.db", dir);
    struct run lite = measure(path, g, n);
    printf("notify enqueue %d recipients (SQLite): %.1f ms (cpu %.1f ms); one transaction per "
           "message %.1f ms; ratio %.1fx; again (all keys present) %.1f ms\n",
           n, lite.ms, lite.cpu, lite.naive_ms, lite.naive_ms / lite.ms, lite.again_ms);
    struct run pg = {0};
    const char *pg_uri = getenv("DUIJIE_PG_URI");
    if (pg_uri) {
        pg = measure(pg_uri, g, n);
        printf("notify enqueue %d recipients (PostgreSQL): %.1f ms; one transaction per message "
               "%.1f ms; ratio %.1fx\n",
               n, pg.ms, pg.naive_ms, pg.naive_ms / pg.ms);
    }
    char p2[160];
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
    unlink(path);
    rmdir(dir);
    index_gen_release(g);
    mkdir("bench/tmp", 0755);
    FILE *f = fopen("bench/tmp/notify.json", "w");
    if (!f) return 1;
    fprintf(f,
            "{\"notify_recipients\": %d, \"figures\": [{\"name\": \"notify_enqueue_%d\", "
            "\"duijie_ms\": %.1f, \"duijie_cpu_ms\": %.1f, \"naive_ms\": %.1f, \"naive\": \"one "
            "transaction per message (SQLite, sampled)\", \"ratio\": %.2f",
            n, n, lite.ms, lite.cpu, lite.naive_ms, lite.naive_ms / lite.ms);
    if (pg_uri)
        fprintf(f, ", \"postgres_ms\": %.1f, \"postgres_naive_ms\": %.1f", pg.ms, pg.naive_ms);
    fprintf(f,
            "}, {\"name\": \"notify_enqueue_again_%d\", \"duijie_ms\": %.1f, \"naive_ms\": %.1f, "
            "\"ratio\": %.2f}]}\n",
            n, lite.again_ms, lite.ms, lite.ms / lite.again_ms);
    fclose(f);
    return 0;
}
