/* The two-store test harness: a test body written once runs on SQLite (store_x) and on
 * PostgreSQL (store_pg_x, skipped without $DUIJIE_PG_URI, which tests/sh/store_pg.sh sets). Any
 * module with tables of its own names its tests STORE_TEST(<module>_<what>) so that
 * tests/sh/store_pg.sh (TEST_FILTER=store_pg) runs them on PostgreSQL too. */
#ifndef DUIJIE_TESTS_TSTORE_H
#define DUIJIE_TESTS_TSTORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store.h"
#include "test.h"

/* Where a test's store lives: a SQLite file in a temporary folder, or a fresh PostgreSQL
 * schema on the cluster named by $DUIJIE_PG_URI (tests/sh/store_pg.sh starts one). Every test runs
 * on both: store_x on SQLite, store_pg_x on PostgreSQL (skipped without $DUIJIE_PG_URI). */
struct tstore {
    bool is_pg;
    char dir[64];
    char path[512]; /* the file, or the URI of the test's database */
    char db[48];    /* the PostgreSQL schema the test's tables live in */
};

/* A connection to the cluster's database as given, for CREATE/DROP SCHEMA. */
static inline PGconn *pg_admin(void) {
    PGconn *c = PQconnectdb(getenv("DUIJIE_PG_URI"));
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

static inline bool pg_exec(PGconn *c, const char *sql) {
    PGresult *r = PQexec(c, sql);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok) fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok;
}

static int pg_db_seq __attribute__((unused));

/* A fresh database file (or PostgreSQL schema) for the test. */
static inline struct store *open_temp(struct tstore *t) {
    if (t->is_pg) { /* a schema of its own (a database would cost a checkpoint to drop) */
        const char *uri = getenv("DUIJIE_PG_URI");
        snprintf(t->db, sizeof t->db, "duijie_store_%d_%d", (int)getpid(), ++pg_db_seq);
        snprintf(t->path, sizeof t->path, "%s%soptions=-csearch_path%%3D%s", uri,
                 strchr(uri, '?') ? "&" : "?", t->db);
        PGconn *c = pg_admin();
        char sql[128];
        snprintf(sql, sizeof sql, "CREATE SCHEMA %s", t->db);
        bool ok = c && pg_exec(c, sql);
        PQfinish(c);
        if (!ok) return NULL;
    } else {
        snprintf(t->dir, sizeof t->dir, "/tmp/duijie-store-XXXXXX");
        if (!mkdtemp(t->dir)) return NULL;
        snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
    }
    struct store *s = NULL;
    struct error err;
    if (store_open(t->path, &s, &err)) {
        fprintf(stderr, "store_open %s: %s\n", t->path, err.en);
        return NULL;
    }
    return s;
}

static inline void remove_temp(struct tstore *t) {
    if (t->is_pg) {
        PGconn *c = pg_admin();
        char sql[128];
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", t->db);
        if (c) pg_exec(c, sql);
        PQfinish(c);
        return;
    }
    char p[600];
    unlink(t->path);
    snprintf(p, sizeof p, "%s-wal", t->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", t->path);
    unlink(p);
    rmdir(t->dir);
}

/* Runs SQL on the test's own database (PostgreSQL) or file (SQLite), outside the store. */
static inline void raw_exec(const struct tstore *t, const char *sql) {
    if (t->is_pg) {
        PGconn *c = PQconnectdb(t->path);
        if (PQstatus(c) == CONNECTION_OK) pg_exec(c, sql);
        PQfinish(c);
        return;
    }
    sqlite3 *db;
    sqlite3_open(t->path, &db);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
}

/* STORE_TEST(x) defines store_x (SQLite) and store_pg_x (PostgreSQL) from one body. */
#define STORE_TEST(name)                                                                           \
    static void name##_body(struct tstore *t);                                                     \
    TEST(store_##name) {                                                                           \
        struct tstore t = {0};                                                                     \
        name##_body(&t);                                                                           \
    }                                                                                              \
    TEST(store_pg_##name) {                                                                        \
        if (!getenv("DUIJIE_PG_URI")) {                                                            \
            test_skip("DUIJIE_PG_URI not set (tests/sh/store_pg.sh sets it)");                     \
            return;                                                                                \
        }                                                                                          \
        struct tstore t = {.is_pg = true};                                                         \
        name##_body(&t);                                                                           \
    }                                                                                              \
    static void name##_body(struct tstore *t)

#endif
