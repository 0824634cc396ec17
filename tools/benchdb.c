/* benchdb - database helpers for bench/ (not installed; see bench/README.md).
 *
 *   benchdb commit DB SECONDS CLIENTS
 *       The raw durable single-row commit rate of the database: CLIENTS
 *       threads, each on its own connection, each committing one INSERT per
 *       transaction into a scratch table bench_commit, for SECONDS.  SQLite:
 *       DB is a file path, opened as youyue opens it (journal_mode=WAL,
 *       synchronous=FULL, BEGIN IMMEDIATE, busy timeout); PostgreSQL: DB is a
 *       postgresql:// URL, autocommit INSERTs with the server's own settings.
 *       Prints "commits/s R (N commits in T s, C clients)".  The table is
 *       dropped at the end.
 *
 *   benchdb exec DB FILE [NAME=VALUE ...]
 *       Runs the SQL script FILE on DB, after replacing each @NAME@ with
 *       VALUE.  Statements end with ';' at the end of a line; a line
 *       "-- step: TEXT" prints TEXT with the time the statements before the
 *       next step took.  SQLite is opened with journal_mode=WAL and a large
 *       page cache; foreign keys are not enforced (the data is made
 *       consistent by construction).
 *
 * Exit status 0 on success, 1 on any error (printed to stderr). */
#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_pg(const char *db)
{
    return !strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "benchdb: ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ---- commit ---------------------------------------------------------------------- */

#define PAYLOAD                                                                                                    \
    "小区门口路灯已经坏了两个多星期，晚上出行很不方便，希望有关部门尽快维修。" \
    "A small row of about the size of a concern's text."

struct worker {
    const char *db;
    double until;
    long commits;
    const char *error;
    pthread_t th;
};

static void *sqlite_worker(void *arg)
{
    struct worker *w = arg;
    sqlite3 *h = NULL;
    sqlite3_stmt *ins = NULL, *begin = NULL, *commit = NULL;
    if (sqlite3_open_v2(w->db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        w->error = "cannot open the SQLite file";
        goto out;
    }
    sqlite3_busy_timeout(h, 10000);
    if (sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) ||
        sqlite3_prepare_v2(h, "BEGIN IMMEDIATE", -1, &begin, NULL) ||
        sqlite3_prepare_v2(h, "COMMIT", -1, &commit, NULL) ||
        sqlite3_prepare_v2(h, "INSERT INTO bench_commit (at, payload) VALUES (?1, ?2)", -1, &ins,
                           NULL)) {
        w->error = sqlite3_errmsg(h);
        goto out;
    }
    /* bounded: by time, and by a count no disk reaches in that time */
    for (long i = 0; i < 100000000L && now_s() < w->until; i++) {
        if (sqlite3_step(begin) != SQLITE_DONE) {
            w->error = sqlite3_errmsg(h);
            break;
        }
        sqlite3_reset(begin);
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
        sqlite3_bind_text(ins, 2, PAYLOAD, -1, SQLITE_STATIC);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE || sqlite3_step(commit) != SQLITE_DONE) {
            w->error = sqlite3_errmsg(h);
            break;
        }
        sqlite3_reset(commit);
        w->commits++;
    }
out:
    if (w->error)
        w->error = strdup(w->error);
    sqlite3_finalize(ins);
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_close(h);
    return NULL;
}

static void *pg_worker(void *arg)
{
    struct worker *w = arg;
    PGconn *c = PQconnectdb(w->db);
    if (PQstatus(c) != CONNECTION_OK) {
        w->error = strdup(PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PGresult *r =
        PQprepare(c, "ins", "INSERT INTO bench_commit (at, payload) VALUES ($1, $2)", 2, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        w->error = strdup(PQerrorMessage(c));
    PQclear(r);
    for (long i = 0; !w->error && i < 100000000L && now_s() < w->until; i++) {
        char at[24];
        snprintf(at, sizeof at, "%lld", (long long)time(NULL));
        const char *vals[2] = {at, PAYLOAD};
        r = PQexecPrepared(c, "ins", 2, vals, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            w->error = strdup(PQerrorMessage(c));
        else
            w->commits++;
        PQclear(r);
    }
    PQfinish(c);
    return NULL;
}

static void setup_sql(const char *db, const char *sql)
{
    if (is_pg(db)) {
        PGconn *c = PQconnectdb(db);
        if (PQstatus(c) != CONNECTION_OK)
            die("%s", PQerrorMessage(c));
        PQclear(PQexec(c, "SET client_min_messages = warning"));
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("%s%s", sql, PQerrorMessage(c));
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *h;
        if (sqlite3_open(db, &h) != SQLITE_OK)
            die("cannot open %s", db);
        sqlite3_busy_timeout(h, 10000);
        char *msg = NULL;
        if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
            die("%s: %s", sql, msg);
        sqlite3_close(h);
    }
}

static int cmd_commit(const char *db, int seconds, int clients)
{
    if (seconds < 1 || seconds > 600 || clients < 1 || clients > 256)
        die("commit: SECONDS must be 1..600 and CLIENTS 1..256");
    bool pg = is_pg(db);
    setup_sql(db, pg ? "DROP TABLE IF EXISTS bench_commit;"
                       " CREATE TABLE bench_commit (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
                       " PRIMARY KEY, at BIGINT NOT NULL, payload TEXT NOT NULL)"
                     : "PRAGMA journal_mode=WAL; DROP TABLE IF EXISTS bench_commit;"
                       " CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
                       " payload TEXT NOT NULL)");
    struct worker *ws = calloc((size_t)clients, sizeof(*ws));
    if (!ws)
        die("out of memory");
    double t0 = now_s();
    for (int i = 0; i < clients; i++) {
        ws[i].db = db;
        ws[i].until = t0 + seconds;
        if (pthread_create(&ws[i].th, NULL, pg ? pg_worker : sqlite_worker, &ws[i]))
            die("pthread_create: %s", strerror(errno));
    }
    long total = 0;
    const char *err = NULL;
    for (int i = 0; i < clients; i++) {
        pthread_join(ws[i].th, NULL);
        total += ws[i].commits;
        if (ws[i].error && !err)
            err = ws[i].error;
    }
    double t = now_s() - t0;
    setup_sql(db, "DROP TABLE IF EXISTS bench_commit");
    if (err)
        die("commit: %s", err);
    printf("commits/s %.0f (%ld commits in %.1f s, %d clients)\n", (double)total / t, total, t,
           clients);
    return 0;
}

/* ---- exec ------------------------------------------------------------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot read %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            char *bigger = realloc(s, cap);
            if (!bigger)
                free(s);
            s = bigger;
        }
    }
    fclose(f);
    if (!s)
        die("out of memory");
    s[n] = '\0';
    return s;
}

/* s with every @NAME@ of the NAME=VALUE pairs replaced. */
static char *substitute(const char *s, int n, char **pairs)
{
    size_t cap = strlen(s) * 2 + 1024, len = 0;
    char *out = malloc(cap);
    if (!out)
        die("out of memory");
    while (*s) {
        bool done = false;
        if (*s == '@') {
            for (int i = 0; i < n && !done; i++) {
                const char *eq = strchr(pairs[i], '=');
                size_t kn = eq ? (size_t)(eq - pairs[i]) : 0;
                if (kn && !strncmp(s + 1, pairs[i], kn) && s[1 + kn] == '@') {
                    size_t vn = strlen(eq + 1);
                    if (len + vn + 1 >= cap)
                        die("substituted script too long");
                    memcpy(out + len, eq + 1, vn);
                    len += vn;
                    s += kn + 2;
                    done = true;
                }
            }
        }
        if (!done) {
            if (len + 2 >= cap)
                die("substituted script too long");
            out[len++] = *s++;
        }
    }
    out[len] = '\0';
    return out;
}

struct runner {
    bool pg;
    sqlite3 *h;
    PGconn *c;
};

static void run_stmt(struct runner *r, const char *sql)
{
    if (r->pg) {
        PGresult *res = PQexec(r->c, sql);
        ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            die("%s\n%s", PQerrorMessage(r->c), sql);
        PQclear(res);
    } else {
        char *msg = NULL;
        if (sqlite3_exec(r->h, sql, NULL, NULL, &msg) != SQLITE_OK)
            die("%s\n%s", msg, sql);
    }
}

static int cmd_exec(const char *db, const char *file, int n, char **pairs)
{
    char *sql = substitute(read_file(file), n, pairs);
    for (char *p = sql; (p = strchr(p, '@')) != NULL; p++) {
        char *q = p + 1;
        while ((*q >= 'A' && *q <= 'Z') || *q == '_')
            q++;
        if (q > p + 1 && *q == '@')
            die("%s: no value for %.40s", file, p);
    }
    struct runner r = {.pg = is_pg(db)};
    if (r.pg) {
        r.c = PQconnectdb(db);
        if (PQstatus(r.c) != CONNECTION_OK)
            die("%s", PQerrorMessage(r.c));
        PGresult *res = PQexec(r.c, "SET client_min_messages = warning");
        PQclear(res);
    } else {
        if (sqlite3_open_v2(db, &r.h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
            die("cannot open %s", db);
        sqlite3_busy_timeout(r.h, 10000);
        run_stmt(&r, "PRAGMA journal_mode=WAL; PRAGMA cache_size=-524288;"
                     " PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF");
    }
    double t0 = now_s(), ts = t0;
    const char *step = NULL;
    /* statements end with ';' at the end of a line */
    char *start = sql, *line = sql;
    while (*line) {
        char *eol = strchr(line, '\n');
        size_t ll = eol ? (size_t)(eol - line) : strlen(line);
        if (!strncmp(line, "-- step: ", 9)) {
            if (step)
                printf("  %-44s %7.1f s\n", step, now_s() - ts);
            fflush(stdout);
            step = strndup(line + 9, ll - 9);
            ts = now_s();
        }
        size_t k = ll;
        while (k > 0 && (line[k - 1] == ' ' || line[k - 1] == '\r' || line[k - 1] == '\t'))
            k--;
        char *next = eol ? eol + 1 : line + ll;
        if (k > 0 && line[k - 1] == ';' && strncmp(line, "--", 2)) {
            char saved = *next;
            *next = '\0';
            run_stmt(&r, start);
            *next = saved;
            start = next;
        }
        line = next;
    }
    if (step)
        printf("  %-44s %7.1f s\n", step, now_s() - ts);
    printf("  %-44s %7.1f s\n", "total", now_s() - t0);
    if (r.pg)
        PQfinish(r.c);
    else
        sqlite3_close(r.h);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && !strcmp(argv[1], "commit"))
        return cmd_commit(argv[2], atoi(argv[3]), atoi(argv[4]));
    if (argc >= 4 && !strcmp(argv[1], "exec"))
        return cmd_exec(argv[2], argv[3], argc - 4, argv + 4);
    fprintf(stderr, "usage: benchdb commit DB SECONDS CLIENTS\n"
                    "       benchdb exec DB FILE [NAME=VALUE ...]\n");
    return 2;
}
