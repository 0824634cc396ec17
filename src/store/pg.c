/* pg.c - the PostgreSQL backend of db.h (libpq): the path for a city or a
 * province, and for offices that already run PostgreSQL.
 *
 * Design (see db.h for the contract, backend.h for the table):
 *  - One connection per thread, opened on first use, all closed by db_close.
 *    PostgreSQL itself arbitrates between writers: there is no writer lock
 *    here, unique violations come back as YY_CONFLICT, and serialisation
 *    failures or deadlocks as YY_UNAVAILABLE (the caller may retry).
 *  - Statements are prepared on the server on first execution, with the
 *    parameter types taken from what was bound (bigint, double precision,
 *    text), so "$1 = 0 OR col = $1" means the same as on SQLite; cached per
 *    connection by SQL text and type signature.
 *  - Results come in text format and are converted on read.
 *  - Nested transactions are savepoints, as on SQLite.
 *  - A broken connection is reset on the next statement outside a
 *    transaction.
 */
#include "store/backend.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/log.h"
#include "store/schema.h"

extern char **environ;

#define PG_CACHE_SLOTS 256
#define PG_MAX_PARAMS 32
#define PG_MIGRATION_LOCK 745027 /* advisory lock key: one migrator at a time */

/* Oids of the built-in types we bind (pg_type.h is server-side only). */
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

struct pg_stmt;

struct pg_cached {
    char *sql;
    struct pg_stmt *st;
};

struct pg_conn {
    PGconn *c;
    int tx_depth;
    int64_t changes;
    unsigned next_name;
    struct pg_cached cache[PG_CACHE_SLOTS];
    struct pg_conn *next;
};

struct pg_stmt {
    struct db_stmt base;
    struct pg_conn *conn;
    char *sql;
    int nparams;
    char *values[PG_MAX_PARAMS];
    Oid types[PG_MAX_PARAMS];
    char prepared_sig[PG_MAX_PARAMS + 1]; /* type letters of the server-side statement */
    char name[32];
    PGresult *res;
    int row;
    int nrows;
    bool cached;
    bool in_use;
    bool executed;
};

struct pg_db {
    struct db base;
    char *url;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct pg_conn *conns;
};

#define PG(db) ((struct pg_db *)(void *)(db))
#define PGS(st) ((struct pg_stmt *)(void *)(st))

static const struct db_ops pg_ops;

/* The URL without its password, for logs. */
static void url_for_log(const char *url, char *out, size_t n)
{
    const char *at = strchr(url, '@');
    const char *scheme = strstr(url, "://");
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at)
        snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, n, "%s", url);
}

static enum yy_err pg_error(struct yy_error *e, PGconn *c, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state) {
        if (!strcmp(state, "23505"))
            return yy_fail(e, YY_CONFLICT, "duplicate", "记录已存在,不能重复", NULL);
        if (!strcmp(state, "23503"))
            return yy_fail(e, YY_BAD_INPUT, "unknown_reference", "引用的记录不存在", NULL);
        if (!strncmp(state, "23", 2))
            return yy_fail(e, YY_BAD_INPUT, "constraint_failed", "数据不符合要求", NULL);
        if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
            return yy_fail(e, YY_UNAVAILABLE, "database_busy", "数据库繁忙,请稍后再试", NULL);
    }
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    log_msg("error", "postgresql %s: %s [%s]", what, msg && *msg ? msg : PQerrorMessage(c),
            state ? state : "-");
    if (!state || !strncmp(state, "08", 2) || !strncmp(state, "57", 2) ||
        !strncmp(state, "53", 2))
        return yy_fail(e, YY_UNAVAILABLE, "database_unavailable", "数据库暂时不可用,请稍后再试",
                       NULL);
    return yy_fail(e, YY_INTERNAL, "database_error", "数据库错误", NULL);
}

static void notice_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message; /* NOTICEs ("relation exists, skipping") are not news */
}

static PGconn *connect_url(const char *url, char *err, size_t n)
{
    PGconn *c = PQconnectdb(url);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        snprintf(err, n, "%s", c ? PQerrorMessage(c) : "out of memory");
        size_t l = strlen(err);
        while (l && (err[l - 1] == '\n' || err[l - 1] == ' '))
            err[--l] = '\0';
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, notice_quiet, NULL);
    PGresult *r = PQexec(c, "SET TIME ZONE 'Asia/Shanghai'; SET client_encoding = 'UTF8'");
    PQclear(r);
    return c;
}

struct db *pg_open(const char *url, bool create, struct yy_error *e)
{
    (void)create; /* the database must exist: creating one needs rights the app should not have */
    char err[512];
    PGconn *c = connect_url(url, err, sizeof(err));
    if (!c) {
        char shown[512];
        url_for_log(url, shown, sizeof(shown));
        log_msg("error", "cannot connect to %s: %s", shown, err);
        yy_fail(e, YY_IO, "db_open_failed", "无法连接 PostgreSQL 数据库", "db");
        return NULL;
    }
    struct pg_db *db = calloc(1, sizeof(*db));
    struct pg_conn *pc = calloc(1, sizeof(*pc));
    if (!db || !pc) {
        PQfinish(c);
        free(db);
        free(pc);
        yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
        return NULL;
    }
    db->base.ops = &pg_ops;
    db->url = strdup(url);
    pthread_key_create(&db->key, NULL);
    pthread_mutex_init(&db->lock, NULL);
    pc->c = c;
    db->conns = pc;
    pthread_setspecific(db->key, pc);
    return &db->base;
}

static void stmt_free(struct pg_stmt *st)
{
    for (int i = 0; i < PG_MAX_PARAMS; i++)
        free(st->values[i]);
    PQclear(st->res);
    free(st->sql);
    free(st);
}

static void conn_free(struct pg_conn *pc)
{
    for (size_t i = 0; i < PG_CACHE_SLOTS; i++) {
        if (pc->cache[i].st) {
            stmt_free(pc->cache[i].st);
            free(pc->cache[i].sql);
        }
    }
    PQfinish(pc->c);
    free(pc);
}

static void pg_close(struct db *base)
{
    struct pg_db *db = PG(base);
    struct pg_conn *pc = db->conns;
    while (pc) {
        struct pg_conn *next = pc->next;
        conn_free(pc);
        pc = next;
    }
    pthread_key_delete(db->key);
    pthread_mutex_destroy(&db->lock);
    free(db->url);
    free(db);
}

/* This thread's connection, opened on first use; NULL when the server cannot
 * be reached. */
static struct pg_conn *thread_conn(struct pg_db *db)
{
    struct pg_conn *pc = pthread_getspecific(db->key);
    if (pc) {
        if (PQstatus(pc->c) != CONNECTION_OK && pc->tx_depth == 0) {
            /* server restarted or connection lost: server-side statements are gone */
            PQreset(pc->c);
            for (size_t i = 0; i < PG_CACHE_SLOTS; i++)
                if (pc->cache[i].st)
                    pc->cache[i].st->name[0] = '\0';
        }
        return PQstatus(pc->c) == CONNECTION_OK ? pc : NULL;
    }
    char err[512];
    PGconn *c = connect_url(db->url, err, sizeof(err));
    if (!c) {
        log_msg("error", "cannot open a PostgreSQL connection: %s", err);
        return NULL;
    }
    pc = calloc(1, sizeof(*pc));
    if (!pc) {
        PQfinish(c);
        return NULL;
    }
    pc->c = c;
    pthread_mutex_lock(&db->lock);
    pc->next = db->conns;
    db->conns = pc;
    pthread_mutex_unlock(&db->lock);
    pthread_setspecific(db->key, pc);
    return pc;
}

/* Runs a command without parameters on pc; YY_OK or a mapped error. */
static enum yy_err simple(struct pg_conn *pc, const char *sql, struct yy_error *e)
{
    PGresult *r = PQexec(pc->c, sql);
    ExecStatusType s = PQresultStatus(r);
    enum yy_err rc = YY_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        rc = pg_error(e, pc->c, r, sql);
    PQclear(r);
    return rc;
}

/* ---- transactions -------------------------------------------------------- */

static enum yy_err pg_begin(struct db *base)
{
    struct pg_conn *pc = thread_conn(PG(base));
    if (!pc)
        return YY_UNAVAILABLE;
    char sql[48];
    if (pc->tx_depth == 0)
        snprintf(sql, sizeof(sql), "BEGIN");
    else
        snprintf(sql, sizeof(sql), "SAVEPOINT sp%d", pc->tx_depth);
    enum yy_err rc = simple(pc, sql, NULL);
    if (rc == YY_OK)
        pc->tx_depth++;
    return rc;
}

static enum yy_err pg_commit(struct db *base)
{
    struct pg_conn *pc = pthread_getspecific(PG(base)->key);
    if (!pc || pc->tx_depth <= 0)
        return YY_INTERNAL;
    char sql[48];
    pc->tx_depth--;
    if (pc->tx_depth == 0)
        snprintf(sql, sizeof(sql), "COMMIT");
    else
        snprintf(sql, sizeof(sql), "RELEASE sp%d", pc->tx_depth);
    /* COMMIT of an aborted transaction answers ROLLBACK without an error:
     * check the transaction status first so a failed write never looks saved */
    if (pc->tx_depth == 0 && PQtransactionStatus(pc->c) == PQTRANS_INERROR) {
        simple(pc, "ROLLBACK", NULL);
        return YY_INTERNAL;
    }
    enum yy_err rc = simple(pc, sql, NULL);
    if (rc != YY_OK && pc->tx_depth == 0)
        simple(pc, "ROLLBACK", NULL);
    return rc;
}

static void pg_rollback(struct db *base)
{
    struct pg_conn *pc = pthread_getspecific(PG(base)->key);
    if (!pc || pc->tx_depth <= 0)
        return;
    pc->tx_depth--;
    char sql[64];
    if (pc->tx_depth == 0)
        snprintf(sql, sizeof(sql), "ROLLBACK");
    else
        snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT sp%d; RELEASE sp%d", pc->tx_depth,
                 pc->tx_depth);
    simple(pc, sql, NULL);
}

static bool pg_in_transaction(struct db *base)
{
    struct pg_conn *pc = pthread_getspecific(PG(base)->key);
    return pc && pc->tx_depth > 0;
}

/* ---- statements ---------------------------------------------------------- */

static size_t hash_sql(const char *s)
{
    size_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The highest $n in sql (our SQL has no '$' inside literals). */
static int count_params(const char *sql)
{
    int max = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int n = 0;
            p++;
            while (*p >= '0' && *p <= '9')
                n = n * 10 + (*p++ - '0');
            if (n > max)
                max = n;
            p--;
        }
    }
    return max;
}

static void stmt_reset(struct pg_stmt *st)
{
    for (int i = 0; i < PG_MAX_PARAMS; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
        st->types[i] = 0;
    }
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    st->executed = false;
}

static struct db_stmt *pg_prepare(struct db *base, const char *sql, struct yy_error *e)
{
    struct pg_conn *pc = thread_conn(PG(base));
    if (!pc) {
        yy_fail(e, YY_UNAVAILABLE, "database_unavailable", "数据库暂时不可用,请稍后再试", NULL);
        return NULL;
    }
    int np = count_params(sql);
    if (np > PG_MAX_PARAMS) {
        log_msg("error", "too many parameters in SQL: %s", sql);
        yy_fail(e, YY_INTERNAL, "database_error", "数据库错误", NULL);
        return NULL;
    }
    size_t h = hash_sql(sql) % PG_CACHE_SLOTS;
    size_t slot = PG_CACHE_SLOTS;
    for (size_t i = 0; i < PG_CACHE_SLOTS; i++) {
        size_t k = (h + i) % PG_CACHE_SLOTS;
        if (!pc->cache[k].st) {
            slot = k;
            break;
        }
        if (!strcmp(pc->cache[k].sql, sql)) {
            if (!pc->cache[k].st->in_use) {
                struct pg_stmt *st = pc->cache[k].st;
                st->in_use = true;
                stmt_reset(st);
                return &st->base;
            }
            break; /* re-entrant use: a one-off statement below */
        }
    }
    struct pg_stmt *st = calloc(1, sizeof(*st));
    if (!st || !(st->sql = strdup(sql))) {
        free(st);
        yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
        return NULL;
    }
    st->base.ops = &pg_ops;
    st->conn = pc;
    st->nparams = np;
    st->in_use = true;
    st->row = -1;
    if (slot < PG_CACHE_SLOTS) {
        pc->cache[slot].sql = strdup(sql);
        pc->cache[slot].st = st;
        st->cached = true;
    }
    return &st->base;
}

static void set_param(struct pg_stmt *st, int idx, char *value, Oid type)
{
    if (idx < 1 || idx > st->nparams) {
        free(value);
        return;
    }
    free(st->values[idx - 1]);
    st->values[idx - 1] = value;
    st->types[idx - 1] = type;
}

static void pg_bind_int(struct db_stmt *st_, int idx, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    set_param(PGS(st_), idx, strdup(buf), OID_INT8);
}

static void pg_bind_double(struct db_stmt *st_, int idx, double v)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.17g", v);
    set_param(PGS(st_), idx, strdup(buf), OID_FLOAT8);
}

static void pg_bind_text(struct db_stmt *st_, int idx, const char *s)
{
    set_param(PGS(st_), idx, s ? strdup(s) : NULL, s ? OID_TEXT : 0);
}

static void pg_bind_null(struct db_stmt *st_, int idx)
{
    set_param(PGS(st_), idx, NULL, 0);
}

static char type_letter(Oid t)
{
    return t == OID_INT8 ? 'i' : t == OID_FLOAT8 ? 'd' : t == OID_TEXT ? 't' : 'u';
}

static enum yy_err execute(struct pg_stmt *st, struct yy_error *e)
{
    struct pg_conn *pc = st->conn;
    char sig[PG_MAX_PARAMS + 1];
    for (int i = 0; i < st->nparams; i++)
        sig[i] = type_letter(st->types[i]);
    sig[st->nparams] = '\0';
    if (!st->name[0] || strcmp(sig, st->prepared_sig) != 0) {
        snprintf(st->name, sizeof(st->name), "yy%u", ++pc->next_name);
        PGresult *r = PQprepare(pc->c, st->name, st->sql, st->nparams, st->types);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            enum yy_err rc = pg_error(e, pc->c, r, "prepare");
            log_msg("error", "in SQL: %s", st->sql);
            PQclear(r);
            st->name[0] = '\0';
            return rc;
        }
        PQclear(r);
        memcpy(st->prepared_sig, sig, sizeof(sig));
    }
    st->res = PQexecPrepared(pc->c, st->name, st->nparams, (const char *const *)st->values, NULL,
                             NULL, 0);
    ExecStatusType s = PQresultStatus(st->res);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
        enum yy_err rc = pg_error(e, pc->c, st->res, "execute");
        if (PQstatus(pc->c) != CONNECTION_OK)
            st->name[0] = '\0';
        return rc;
    }
    st->nrows = PQntuples(st->res);
    const char *ct = PQcmdTuples(st->res);
    pc->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
    return YY_OK;
}

static enum yy_err pg_step(struct db_stmt *st_, bool *row, struct yy_error *e)
{
    struct pg_stmt *st = PGS(st_);
    *row = false;
    if (!st->executed) {
        st->executed = true;
        enum yy_err rc = execute(st, e);
        if (rc != YY_OK) {
            st->nrows = 0;
            return rc;
        }
    }
    if (st->row + 1 < st->nrows) {
        st->row++;
        *row = true;
    } else {
        st->row = st->nrows;
    }
    return YY_OK;
}

static int64_t pg_col_int(struct db_stmt *st_, int col)
{
    struct pg_stmt *st = PGS(st_);
    if (!st->res || st->row < 0 || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1; /* boolean true */
    return strtoll(v, NULL, 10);
}

static double pg_col_double(struct db_stmt *st_, int col)
{
    struct pg_stmt *st = PGS(st_);
    if (!st->res || st->row < 0 || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
        return 0.0;
    return strtod(PQgetvalue(st->res, st->row, col), NULL);
}

static const char *pg_col_text(struct db_stmt *st_, int col)
{
    struct pg_stmt *st = PGS(st_);
    if (!st->res || st->row < 0 || st->row >= st->nrows || PQgetisnull(st->res, st->row, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static bool pg_col_null(struct db_stmt *st_, int col)
{
    struct pg_stmt *st = PGS(st_);
    return !st->res || st->row < 0 || st->row >= st->nrows || PQgetisnull(st->res, st->row, col);
}

static void pg_done(struct db_stmt *st_)
{
    struct pg_stmt *st = PGS(st_);
    if (st->cached) {
        stmt_reset(st);
        st->in_use = false;
        return;
    }
    /* a one-off: drop its server-side statement too */
    if (st->name[0] && PQstatus(st->conn->c) == CONNECTION_OK) {
        char sql[64];
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->conn->c, sql));
    }
    stmt_free(st);
}

static int64_t pg_changes(struct db *base)
{
    struct pg_conn *pc = pthread_getspecific(PG(base)->key);
    return pc ? pc->changes : 0;
}

/* ---- schema and backup --------------------------------------------------- */

static int version_on(struct pg_conn *pc)
{
    PGresult *r = PQexec(pc->c, "SELECT to_regclass('youyue_schema') IS NOT NULL");
    int v = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
        bool exists = PQgetvalue(r, 0, 0)[0] == 't';
        PQclear(r);
        if (!exists)
            return 0;
        r = PQexec(pc->c, "SELECT max(version) FROM youyue_schema");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            v = PQgetisnull(r, 0, 0) ? 0 : (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
    }
    PQclear(r);
    return v;
}

static int pg_schema_version(struct db *base)
{
    struct pg_conn *pc = thread_conn(PG(base));
    return pc ? version_on(pc) : -1;
}

static enum yy_err pg_migrate(struct db *base, struct yy_error *e)
{
    struct pg_conn *pc = thread_conn(PG(base));
    if (!pc)
        return yy_fail(e, YY_UNAVAILABLE, "database_unavailable", "数据库暂时不可用", "db");
    /* One transaction holding an advisory lock: two servers starting at once
     * do not both migrate; DDL is transactional in PostgreSQL. */
    enum yy_err rc = simple(pc, "BEGIN", e);
    if (rc != YY_OK)
        return rc;
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d)", PG_MIGRATION_LOCK);
    rc = simple(pc, sql, e);
    if (rc == YY_OK)
        rc = simple(pc, "CREATE TABLE IF NOT EXISTS youyue_schema (version INTEGER NOT NULL)", e);
    int have = rc == YY_OK ? version_on(pc) : -1;
    if (rc == YY_OK && have < 0)
        rc = yy_fail(e, YY_IO, "migration_failed", "无法读取数据库版本", "db");
    if (rc == YY_OK && (size_t)have > schema_pg_n)
        rc = yy_fail(e, YY_CONFLICT, "schema_too_new", "数据库版本比程序新,请升级程序", "db");
    if (rc == YY_OK && have == 0)
        rc = simple(pc, "DELETE FROM youyue_schema; INSERT INTO youyue_schema VALUES (0)", e);
    for (size_t v = (size_t)(have > 0 ? have : 0); rc == YY_OK && v < schema_pg_n; v++) {
        rc = simple(pc, schema_pg[v], e);
        if (rc == YY_OK) {
            snprintf(sql, sizeof(sql), "UPDATE youyue_schema SET version = %zu", v + 1);
            rc = simple(pc, sql, e);
        }
        if (rc != YY_OK) {
            log_msg("error", "migration %zu failed", v + 1);
            yy_fail(e, YY_INTERNAL, "migration_failed", "数据库升级失败", NULL);
        }
    }
    if (rc == YY_OK)
        return simple(pc, "COMMIT", e);
    simple(pc, "ROLLBACK", NULL);
    return rc;
}

/* pg_dump in its custom format (restore with pg_restore), written beside the
 * target and renamed, so a failed backup never carries the final name. */
static enum yy_err pg_backup(struct db *base, const char *path, struct yy_error *e)
{
    struct pg_db *db = PG(base);
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    snprintf(tmp, n, "%s.partial", path);
    unlink(tmp);
    char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--file", tmp, "--dbname",
                    db->url, NULL};
    pid_t pid;
    int status = -1;
    enum yy_err rc = YY_OK;
    if (posix_spawnp(&pid, "pg_dump", NULL, NULL, argv, environ) != 0) {
        rc = yy_fail(e, YY_IO, "backup_failed", "找不到 pg_dump(请安装 postgresql-client)",
                     NULL);
    } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = yy_fail(e, YY_IO, "backup_failed", "pg_dump 备份失败", NULL);
    } else if (rename(tmp, path) != 0) {
        rc = yy_fail(e, YY_IO, "backup_failed", "备份文件无法写入", NULL);
    }
    if (rc != YY_OK)
        unlink(tmp);
    free(tmp);
    return rc;
}

static const struct db_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .migrate = pg_migrate,
    .schema_version = pg_schema_version,
    .backup = pg_backup,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_null = pg_col_null,
    .done = pg_done,
    .changes = pg_changes,
};
