/* Owns the commissioners' daily digest (政策服务专员每日摘要): what goes in it, when it is due and
 * that it is sent once per commissioner per day. For each active commissioner of the service
 * network (src/network, read only) with a user account: the enterprises assigned to them
 * (network_assigned) that the matching engine finds eligible for the clauses of the policies
 * published the day before, and their overdue items — applications past their state's limit
 * (src/workflow's rule), open requests of their towns past the deadline (the ticket module's
 * table) and visit next steps past their date. Key "digest:<user id>:<day>" in the outbox, and a
 * row per day in notify_digest_day, so a restart or a second replica never sends it twice.
 * Scheduling arithmetic is Beijing time (UTC+8, no daylight saving). Does not deliver (send.c)
 * nor keep the scheduler's loop (thread.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index.h"
#include "match/match.h"
#include "network/network.h"
#include "notify/notify.h"
#include "refdata/refdata.h"
#include "rules/rules.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/date.h"
#include "workflow/workflow.h"

#define BEIJING_OFFSET (8 * 3600)
#define LIST_FIRMS 5    /* firms named per clause line */
#define LIST_CLAUSES 10 /* clause lines per digest */
#define LIST_OVERDUE 10 /* overdue lines of each kind */

int32_t notify_local_day(int64_t t) {
    int64_t s = t + BEIJING_OFFSET;
    return (int32_t)((s >= 0 ? s : s - 86399) / 86400);
}

int64_t notify_digest_time(int32_t day, int at_minute) {
    return (int64_t)day * 86400 + (int64_t)at_minute * 60 - BEIJING_OFFSET;
}

int64_t notify_digest_next(int64_t now, int at_minute) {
    int64_t t = notify_digest_time(notify_local_day(now), at_minute);
    return t > now ? t : t + 86400;
}

int notify_digest_parse_at(const char *s, int *minute, struct error *err) {
    if (s && strcmp(s, "off") == 0) {
        *minute = -1;
        return 0;
    }
    int h, m;
    char tail;
    if (!s || sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
        strlen(s) > 5)
        return error_set(err, ERR_INVALID, "摘要时间应为 时:分(北京时间)或 off",
                         "the digest time is HH:MM (Beijing time) or off");
    *minute = h * 60 + m;
    return 0;
}

/* ---- gathering ---- */

struct hit {
    int unit;   /* index into the network's units */
    int clause; /* index into the day's clauses */
    uint32_t row;
};

struct overdue {
    int unit;
    char *line; /* malloc'd */
};

struct gather {
    struct clause *cs[1024]; /* the day's published clauses (arena); more in one day are left out */
    int n_cs;
    struct hit *hits;
    size_t n_hits, cap_hits;
    struct overdue *late;
    size_t n_late, cap_late;
};

static int add_hit(struct gather *x, int unit, int clause, uint32_t row, struct error *err) {
    if (x->n_hits == x->cap_hits) {
        size_t cap = x->cap_hits ? 2 * x->cap_hits : 1024;
        struct hit *h = realloc(x->hits, cap * sizeof *h);
        if (!h) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        x->hits = h, x->cap_hits = cap;
    }
    x->hits[x->n_hits++] = (struct hit){unit, clause, row};
    return 0;
}

static int add_late(struct gather *x, int unit, const char *line, struct error *err) {
    if (x->n_late == x->cap_late) {
        size_t cap = x->cap_late ? 2 * x->cap_late : 64;
        struct overdue *o = realloc(x->late, cap * sizeof *o);
        if (!o) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
        x->late = o, x->cap_late = cap;
    }
    char *d = strdup(line);
    if (!d) return error_set(err, ERR_NOMEM, "内存不足", "out of memory");
    x->late[x->n_late++] = (struct overdue){unit, d};
    return 0;
}

static int unit_index(const struct network *n, int64_t id) {
    const struct network_unit *u = id ? network_unit(n, id) : NULL;
    return u ? (int)(u - n->units) : -1;
}

/* The commissioner's unit index a row of the index is assigned to, or -1. */
static int row_unit(const struct network *n, const struct index_gen *g, uint32_t row) {
    char uscc[32];
    struct value reg;
    index_row_uscc(g, row, uscc, sizeof uscc);
    index_row_value(g, row, F_REGION, &reg);
    return unit_index(n, network_assigned(n, uscc, reg.has ? (int)reg.i : -1));
}

/* Eligible firms of every clause of the policies published on day - 1, bucketed by commissioner. */
static int gather_matches(struct store *s, const struct network *n, const struct index_gen *g,
                          int32_t day, struct arena *a, struct gather *x, struct error *err) {
    struct policy *ps = NULL;
    int n_ps = 0;
    int rc = store_list_policies(s, POLICY_PUBLISHED, a, &ps, &n_ps, err);
    for (int i = 0; !rc && i < n_ps; i++) {
        if (ps[i].published != day - 1) continue;
        struct clause *cs;
        int n_cs;
        rc = store_list_clauses(s, ps[i].id, POLICY_PUBLISHED, a, &cs, &n_cs, err);
        for (int j = 0; !rc && j < n_cs && x->n_cs < (int)(sizeof x->cs / sizeof *x->cs); j++) {
            struct rule *ru;
            const char *src = cs[j].rule ? cs[j].rule : "";
            if (rules_compile(src, strlen(src), "clause", &ru, err)) {
                error_clear(err); /* a clause that does not compile matches nobody */
                continue;
            }
            const struct rule_version *v = rules_version_at(ru, index_gen_today(g));
            roaring_bitmap_t *set = NULL;
            if (v && v->cond) rc = match_eligible(g, v->cond, &set, err);
            int k = x->n_cs;
            if (set) x->cs[x->n_cs++] = &cs[j];
            roaring_uint32_iterator_t *it = set ? roaring_create_iterator(set) : NULL;
            for (; it && it->has_value && !rc; roaring_advance_uint32_iterator(it)) {
                int u = row_unit(n, g, it->current_value);
                if (u >= 0) rc = add_hit(x, u, k, it->current_value, err);
            }
            roaring_free_uint32_iterator(it);
            roaring_bitmap_free(set);
            rules_free(ru);
        }
    }
    return rc;
}

/* Whether the module's tables are there (a store without the ticket or workflow module). */
static bool has_module(struct store *s, const char *name) {
    struct store_val a[] = {store_val_text(name)};
    int64_t v = 0;
    struct error e;
    return store_sql_int(s, "SELECT version FROM module_version WHERE name = ?", a, 1, 0, &v, &e) ==
               0 &&
           v > 0;
}

static int gather_applications(struct store *s, const struct network *n, const struct index_gen *g,
                               int64_t now, struct gather *x, struct error *err) {
    if (!has_module(s, "workflow")) return 0;
    static const struct actor system = {.user_id = 0, .role = ROLE_ADMIN, .region = -1};
    struct workflow_query q = {.state = -1, .is_overdue = true, .limit = 10000}; /* a page */
    int rc = 0;
    for (int64_t total = 1; !rc && q.offset < total; q.offset += q.limit) {
        json_t *rows = NULL;
        rc = workflow_list(s, &system, &q, now, &rows, &total, err);
        size_t i;
        json_t *o;
        json_array_foreach(rows, i, o) {
            const char *uscc = json_string_value(json_object_get(o, "uscc"));
            uint32_t row;
            if (rc || !uscc || index_find_uscc(g, uscc, &row)) continue;
            int u = row_unit(n, g, row);
            if (u < 0) continue;
            char line[512];
            snprintf(line, sizeof line, "申请 #%lld %s「%s」%s",
                     (long long)json_integer_value(json_object_get(o, "id")),
                     json_string_value(json_object_get(o, "enterprise_name")),
                     json_string_value(json_object_get(o, "clause_title")),
                     json_string_value(json_object_get(o, "state_label")));
            rc = add_late(x, u, line, err);
        }
        json_decref(rows);
    }
    return rc;
}

static int gather_tickets(struct store *s, const struct network *n, int32_t day, struct gather *x,
                          struct error *err) {
    if (!has_module(s, "ticket")) return 0;
    struct store_val a[] = {store_val_int(day)};
    struct store_rows *r;
    int rc = store_sql(s,
                       "SELECT id, title, region, due FROM ticket WHERE state IN ('received', "
                       "'assigned', 'in_progress') AND due < ? ORDER BY due, id",
                       a, 1, &r, err);
    if (rc) return rc;
    for (int i = 0; !rc && i < store_rows_count(r); i++) {
        int reg = store_rows_is_null(r, i, 2) ? -1 : (int)store_rows_int(r, i, 2);
        char due[16], line[512];
        date_format((int32_t)store_rows_int(r, i, 3), due, sizeof due);
        snprintf(line, sizeof line, "诉求 #%lld「%s」应于 %s 办结",
                 (long long)store_rows_int(r, i, 0), store_rows_text(r, i, 1), due);
        /* every commissioner whose towns hold the request's region */
        for (int k = 0; !rc && reg >= 0 && k < n->n_units; k++) {
            const struct network_unit *u = &n->units[k];
            if (u->kind != NETWORK_COMMISSIONER) continue;
            bool is_in = false;
            for (int t = 0; t < u->n_towns && !is_in; t++)
                is_in = region_is_within(reg, u->towns[t]);
            if (is_in) rc = add_late(x, k, line, err);
        }
    }
    store_rows_free(r);
    return rc;
}

static int gather_visits(struct store *s, const struct network *n, int32_t day, struct arena *a,
                         struct gather *x, struct error *err) {
    struct network_visit_query q = {.is_overdue_only = true, .page_size = 500}; /* at most */
    int rc = 0;
    for (q.page = 1; !rc; q.page++) {
        struct network_visit *vs = NULL;
        int n_vs = 0;
        int64_t total = 0;
        rc = network_list_visits(s, &q, day, a, &vs, &n_vs, &total, err);
        for (int i = 0; !rc && i < n_vs; i++) {
            int u = unit_index(n, vs[i].commissioner_id);
            if (u < 0) continue;
            char due[16], line[512];
            date_format(vs[i].next_date, due, sizeof due);
            snprintf(line, sizeof line, "走访后续 %s：%s（应于 %s）", vs[i].uscc,
                     vs[i].next_step ? vs[i].next_step : "", due);
            rc = add_late(x, u, line, err);
        }
        if ((int64_t)q.page * q.page_size >= total) break;
    }
    return rc;
}

static int cmp_hit(const void *pa, const void *pb) {
    const struct hit *a = pa, *b = pb;
    if (a->unit != b->unit) return a->unit < b->unit ? -1 : 1;
    if (a->clause != b->clause) return a->clause < b->clause ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static int cmp_late(const void *pa, const void *pb) {
    const struct overdue *a = pa, *b = pb;
    if (a->unit != b->unit) return a->unit < b->unit ? -1 : 1;
    return strcmp(a->line, b->line);
}

/* ---- writing ---- */

static void firm_name(struct store *s, const struct index_gen *g, uint32_t row, char *out,
                      size_t n) {
    char uscc[32];
    index_row_uscc(g, row, uscc, sizeof uscc);
    struct arena a;
    arena_init(&a, 1024);
    static _Thread_local struct profile p;
    struct error e;
    if (store_get_enterprise(s, uscc, &p, &a, NULL, &e) == 0 && p.v[F_NAME].has && p.v[F_NAME].s)
        snprintf(out, n, "%s", p.v[F_NAME].s);
    else
        snprintf(out, n, "%s", uscc);
    arena_release(&a);
}

/* The digest text of one commissioner: hits h[0..nh) and overdue lines l[0..nl). */
static void digest_text(struct store *s, const struct index_gen *g, const struct gather *x,
                        const struct network_unit *u, int32_t day, const struct hit *h, size_t nh,
                        const struct overdue *l, size_t nl, struct buf *b) {
    char d0[16], d1[16];
    date_format(day, d0, sizeof d0);
    date_format(day - 1, d1, sizeof d1);
    buf_printf(b, "%s：%s 每日摘要。\n", u->name ? u->name : "专员", d0);
    buf_printf(b, "一、%s 发布的条款中，您服务的企业符合条件 %zu 家次", d1, nh);
    buf_puts(b, nh ? "：\n" : "。\n");
    int lines = 0;
    for (size_t i = 0; i < nh;) {
        size_t j = i;
        while (j < nh && h[j].clause == h[i].clause)
            j++;
        if (++lines > LIST_CLAUSES) {
            buf_printf(b, "  （另有条款略）\n");
            break;
        }
        const struct clause *c = x->cs[h[i].clause];
        buf_printf(b, "  「%s」%zu 家：", c->title ? c->title : "", j - i);
        for (size_t k = i; k < j && k < i + LIST_FIRMS; k++) {
            char name[160];
            firm_name(s, g, h[k].row, name, sizeof name);
            buf_printf(b, "%s%s", k > i ? "、" : "", name);
        }
        buf_puts(b, j - i > LIST_FIRMS ? " 等\n" : "\n");
        i = j;
    }
    buf_printf(b, "二、超期事项 %zu 项%s\n", nl, nl ? "：" : "。");
    for (size_t i = 0; i < nl && i < LIST_OVERDUE * 3; i++)
        buf_printf(b, "  %s\n", l[i].line);
    if (nl > LIST_OVERDUE * 3) buf_printf(b, "  （另有 %zu 项略）\n", nl - LIST_OVERDUE * 3);
}

int notify_daily_digest(struct store *s, const struct index_gen *g, int32_t day, int64_t now,
                        struct notify_digest_stats *out, struct error *err) {
    struct notify_digest_stats st = {0};
    struct network *n = NULL;
    struct arena a;
    arena_init(&a, 1 << 14);
    struct gather x = {0};
    int rc = refdata_load(err);
    if (!rc) rc = network_load(s, &n, err);
    if (!rc) rc = gather_matches(s, n, g, day, &a, &x, err);
    if (!rc) rc = gather_applications(s, n, g, now, &x, err);
    if (!rc) rc = gather_tickets(s, n, day, &x, err);
    if (!rc) rc = gather_visits(s, n, day, &a, &x, err);
    if (!rc) {
        if (x.n_hits) qsort(x.hits, x.n_hits, sizeof *x.hits, cmp_hit);
        if (x.n_late) qsort(x.late, x.n_late, sizeof *x.late, cmp_late);
    }
    st.clauses = x.n_cs;
    struct notify_queue *q = NULL;
    if (!rc) rc = notify_queue_new(s, now, &q, err);
    char dbuf[16];
    date_format(day, dbuf, sizeof dbuf);
    size_t hi = 0, li = 0;
    struct buf body;
    buf_init(&body);
    for (int k = 0; !rc && k < n->n_units; k++) {
        const struct network_unit *u = &n->units[k];
        size_t h0 = hi, l0 = li;
        while (hi < x.n_hits && x.hits[hi].unit == k)
            hi++;
        while (li < x.n_late && x.late[li].unit == k)
            li++;
        if (u->kind != NETWORK_COMMISSIONER || !u->is_active) continue;
        st.commissioners++;
        if (hi == h0 && li == l0) {
            st.empty++; /* nothing new, nothing late: no message */
            continue;
        }
        struct actor who;
        bool is_disabled = false;
        struct error e;
        if (!u->user_ref || auth_user_get(s, u->user_ref, &who, &is_disabled, &e) || is_disabled) {
            st.no_user++; /* no account to tell (the unit's user_ref names none) */
            continue;
        }
        buf_clear(&body);
        digest_text(s, g, &x, u, day, x.hits + h0, hi - h0, x.late + l0, li - l0, &body);
        char key[96], rcpt[32];
        snprintf(key, sizeof key, "digest:%lld:%s", (long long)who.user_id, dbuf);
        snprintf(rcpt, sizeof rcpt, "u:%lld", (long long)who.user_id);
        char subject[96];
        snprintf(subject, sizeof subject, "政策服务专员每日摘要 %s", dbuf);
        struct notify_msg m = {.key = key,
                               .recipient = rcpt,
                               .topic = "digest",
                               .subject = subject,
                               .body = buf_str(&body),
                               .ref = NULL};
        rc = body.is_oom ? error_set(err, ERR_NOMEM, "内存不足", "out of memory")
                         : notify_queue_add(q, &m, err);
        st.told++;
        st.matches += (int64_t)(hi - h0);
        st.overdue += (int64_t)(li - l0);
    }
    buf_release(&body);
    rc = notify_queue_end(q, rc, &st.queued, err);
    for (size_t i = 0; i < x.n_late; i++)
        free(x.late[i].line);
    free(x.late);
    free(x.hits);
    network_free(n);
    arena_release(&a);
    if (out) *out = st;
    return rc;
}

/* ---- once a day ---- */

int notify_digest_is_done(struct store *s, int32_t day) {
    struct store_val a[] = {store_val_int(day)};
    int64_t done = 0;
    struct error e;
    return store_sql_int(s, "SELECT COALESCE(done, 0) FROM notify_digest_day WHERE day = ?", a, 1,
                         0, &done, &e) == 0 &&
           done > 0;
}

int notify_digest_day(struct store *s, int32_t day, int64_t now, struct notify_digest_stats *out,
                      struct error *err) {
    struct store_val a[] = {store_val_int(day), store_val_int(now)};
    int rc = store_sql(s,
                       "INSERT INTO notify_digest_day (day, started) VALUES (?, ?) ON CONFLICT "
                       "(day) DO NOTHING",
                       a, 2, NULL, err);
    struct index_gen *g = NULL;
    if (!rc) rc = index_load(s, day, &g, err);
    struct notify_digest_stats st = {0};
    if (!rc) rc = notify_daily_digest(s, g, day, now, &st, err);
    if (g) index_gen_release(g);
    struct store_val b[] = {store_val_int(now), store_val_int(st.queued), store_val_int(day)};
    if (!rc)
        rc = store_sql(s,
                       "UPDATE notify_digest_day SET done = ?, queued = COALESCE(queued, 0) + ? "
                       "WHERE day = ?",
                       b, 3, NULL, err);
    if (out) *out = st;
    return rc;
}

void notify_digest_tick(struct store *s, const struct notify_sender_config *c, int64_t *next) {
    int64_t now = notify_now();
    if (c->digest_at < 0) return;
    /* first call: today's time; when it has passed and the day is not done, the digest runs now */
    if (!*next) *next = notify_digest_time(notify_local_day(now), c->digest_at);
    if (now < *next) return;
    int32_t day = notify_local_day(*next);
    if (!notify_digest_is_done(s, day)) {
        struct notify_digest_stats st;
        struct error err;
        error_clear(&err);
        char dbuf[16], buf[800];
        date_format(day, dbuf, sizeof dbuf);
        if (notify_digest_day(s, day, now, &st, &err))
            fprintf(stderr, "notify digest %s: %s\n", dbuf, error_format(&err, buf, sizeof buf));
        else
            fprintf(stderr, "notify digest %s: %lld commissioners told, %lld messages queued\n",
                    dbuf, (long long)st.told, (long long)st.queued);
    }
    *next = notify_digest_next(now, c->digest_at);
}
