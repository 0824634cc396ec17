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
 *  - Optionally a hot standby (db_open_replica): SELECTs outside a
 *    transaction run on the thread's own standby connection unless the thread
 *    committed less than PG_STICKY_MS ago or the statement came from
 *    db_prepare_primary.  A read the standby cannot answer runs again on the
 *    primary; a standby that cannot be reached is left alone for
 *    PG_REPLICA_RETRY_MS, and each outage is logged once.
 *  - Every connection says application_name=youyue (a URL may override it).
 *  - Group commit (db.h db_group_write, db.c) runs a batch of writes on the
 *    leader's connection: BEGIN, a savepoint per write, one COMMIT.  The
 *    audit chain's head row (audit_head) is then locked once per batch, not
 *    once per write, so submissions no longer queue on it one by one.
 */
#include "store/backend.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "store/schema.h"

extern char **environ;

#define PG_CACHE_SLOTS 256
#define PG_MAX_PARAMS 32
#define PG_MIGRATION_LOCK 745027 /* advisory lock key: one migrator at a time */
#define PG_STICKY_MS 1000 /* after a commit, this thread reads on the primary */
#define PG_REPLICA_RETRY_MS 5000 /* an unreachable standby is tried again after this */

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
    bool replica;           /* a connection to the hot standby */
    int64_t last_commit_ms; /* monotonic time of this thread's last commit */
    int tx_depth;
    int64_t changes;
    unsigned next_name;
    bool generic_plans; /* plan_cache_mode = force_generic_plan in this session */
    struct pg_cached cache[PG_CACHE_SLOTS];
    struct pg_conn *next;
};

struct pg_db;

struct pg_stmt {
    struct db_stmt base;
    struct pg_db *db;
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
    bool generic; /* db_prepare_generic */
};

struct pg_db {
    struct db base;
    char *url;
    pthread_key_t key;
    pthread_mutex_t lock;
    struct pg_conn *conns;
    /* the hot standby, when there is one (read_url set) */
    char *read_url;
    pthread_key_t rkey;
    struct pg_conn *rconns;           /* under lock */
    atomic_bool replica_down;         /* unreachable now: reads go to the primary */
    _Atomic int64_t replica_retry_ms; /* when to try it again */
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

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connects to url; settings before dbname are defaults the URL may override.
 * A standby gets a connect timeout, so a dead host does not hold a request. */
static PGconn *connect_url(const char *url, bool replica, char *err, size_t n)
{
    const char *keys[] = {"application_name", "connect_timeout", "dbname", NULL};
    const char *vals[] = {"youyue", replica ? "3" : "0", url, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
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
    PGconn *c = connect_url(url, false, err, sizeof(err));
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
    for (pc = db->rconns; pc;) {
        struct pg_conn *next = pc->next;
        conn_free(pc);
        pc = next;
    }
    if (db->read_url) {
        pthread_key_delete(db->rkey);
        free(db->read_url);
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
            pc->generic_plans = false;
            for (size_t i = 0; i < PG_CACHE_SLOTS; i++)
                if (pc->cache[i].st)
                    pc->cache[i].st->name[0] = '\0';
        }
        return PQstatus(pc->c) == CONNECTION_OK ? pc : NULL;
    }
    char err[512];
    PGconn *c = connect_url(db->url, false, err, sizeof(err));
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

/* ---- the hot standby ------------------------------------------------------ */

/* The standby cannot be reached: reads go to the primary until the retry
 * time.  Logged once per outage. */
static void replica_failed(struct pg_db *db, const char *why)
{
    atomic_store(&db->replica_retry_ms, now_ms() + PG_REPLICA_RETRY_MS);
    if (!atomic_exchange(&db->replica_down, true)) {
        char shown[512], reason[512];
        url_for_log(db->read_url, shown, sizeof(shown));
        snprintf(reason, sizeof(reason), "%s", why && *why ? why : "-");
        for (char *nl = strchr(reason, '\n'); nl; nl = strchr(reason, '\n'))
            *nl = ' ';
        log_msg("warn", "hot standby %s unreachable, reading from the primary: %s", shown,
                reason);
    }
}

static void replica_ok(struct pg_db *db)
{
    if (atomic_exchange(&db->replica_down, false))
        log_msg("info", "hot standby reachable again, reading from it");
}

/* This thread's standby connection for a read outside a transaction, or NULL
 * when the read belongs on the primary (no standby, inside a transaction, a
 * commit just now, the standby down). */
static struct pg_conn *replica_conn(struct pg_db *db)
{
    if (!db->read_url)
        return NULL;
    struct pg_conn *primary = pthread_getspecific(db->key);
    if (primary && (primary->tx_depth > 0 || now_ms() - primary->last_commit_ms < PG_STICKY_MS))
        return NULL;
    if (atomic_load(&db->replica_down) && now_ms() < atomic_load(&db->replica_retry_ms))
        return NULL;
    struct pg_conn *pc = pthread_getspecific(db->rkey);
    if (pc) {
        if (PQstatus(pc->c) != CONNECTION_OK) {
            PQreset(pc->c);
            pc->generic_plans = false;
            for (size_t i = 0; i < PG_CACHE_SLOTS; i++)
                if (pc->cache[i].st)
                    pc->cache[i].st->name[0] = '\0';
        }
        if (PQstatus(pc->c) != CONNECTION_OK) {
            replica_failed(db, PQerrorMessage(pc->c));
            return NULL;
        }
        replica_ok(db);
        return pc;
    }
    char err[512];
    PGconn *c = connect_url(db->read_url, true, err, sizeof(err));
    if (!c) {
        replica_failed(db, err);
        return NULL;
    }
    pc = calloc(1, sizeof(*pc));
    if (!pc) {
        PQfinish(c);
        return NULL;
    }
    pc->c = c;
    pc->replica = true;
    pthread_mutex_lock(&db->lock);
    pc->next = db->rconns;
    db->rconns = pc;
    pthread_mutex_unlock(&db->lock);
    pthread_setspecific(db->rkey, pc);
    replica_ok(db);
    return pc;
}

static enum yy_err pg_open_replica(struct db *base, const char *url, struct yy_error *e)
{
    struct pg_db *db = PG(base);
    if (db->read_url)
        return yy_fail(e, YY_CONFLICT, "replica_open", "已经配置了只读副本", "db-read");
    if (!(db->read_url = strdup(url)))
        return yy_fail(e, YY_NOMEM, NULL, NULL, NULL);
    pthread_key_create(&db->rkey, NULL);
    /* a probe: an unreachable standby is logged and skipped, not fatal; the
     * server threads open their own connections */
    char err[512];
    PGconn *c = connect_url(url, true, err, sizeof(err));
    if (c)
        PQfinish(c);
    else
        replica_failed(db, err);
    return YY_OK;
}

static bool pg_has_replica(struct db *base)
{
    return PG(base)->read_url != NULL;
}

/* True for statements that only read: they may run on the standby. */
static bool is_select(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
        sql++;
    return !strncasecmp(sql, "SELECT", 6) &&
           !((sql[6] >= 'a' && sql[6] <= 'z') || (sql[6] >= 'A' && sql[6] <= 'Z') ||
             (sql[6] >= '0' && sql[6] <= '9') || sql[6] == '_');
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
    if (pc->tx_depth == 0 && pc->generic_plans &&
        simple(pc, "RESET plan_cache_mode", NULL) == YY_OK)
        pc->generic_plans = false;
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
    if (rc == YY_OK && pc->tx_depth == 0)
        pc->last_commit_ms = now_ms(); /* read-after-write stays on the primary */
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

/* Another thread committed this thread's write (db_group_write): as after a
 * commit of its own, this thread's next reads stay on the primary for a
 * moment, so the request reads what it just wrote. */
static void pg_note_commit(struct db *base)
{
    struct pg_conn *pc = thread_conn(PG(base));
    if (pc)
        pc->last_commit_ms = now_ms();
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

static struct db_stmt *prepare_on(struct pg_db *db, struct pg_conn *pc, const char *sql,
                                  struct yy_error *e)
{
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
    st->db = db;
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

/* A statement cached on the connection keeps its last flag otherwise: each
 * prepare says again whether it wants the generic plan. */
static struct db_stmt *with_plan(struct db_stmt *st, bool generic)
{
    if (st)
        PGS(st)->generic = generic;
    return st;
}

static struct db_stmt *pg_prepare(struct db *base, const char *sql, struct yy_error *e)
{
    struct pg_db *db = PG(base);
    struct pg_conn *pc = is_select(sql) ? replica_conn(db) : NULL;
    return with_plan(prepare_on(db, pc ? pc : thread_conn(db), sql, e), false);
}

static struct db_stmt *pg_prepare_primary(struct db *base, const char *sql, struct yy_error *e)
{
    struct pg_db *db = PG(base);
    return with_plan(prepare_on(db, thread_conn(db), sql, e), false);
}

static struct db_stmt *pg_prepare_generic(struct db *base, const char *sql, struct yy_error *e)
{
    return with_plan(pg_prepare(base, sql, e), true);
}

/* Switches the session's plan_cache_mode to what st asks for, outside a
 * transaction only: a SET inside one would be undone by its rollback
 * without this connection knowing (pg_begin switches back first, so
 * transactions always plan as configured).  One round trip, and only when
 * the mode changes. */
static void plan_mode_for(struct pg_conn *pc, const struct pg_stmt *st)
{
    if (st->generic == pc->generic_plans || pc->tx_depth > 0 ||
        PQtransactionStatus(pc->c) != PQTRANS_IDLE)
        return;
    if (simple(pc,
               st->generic ? "SET plan_cache_mode = force_generic_plan" : "RESET plan_cache_mode",
               NULL) == YY_OK)
        pc->generic_plans = st->generic;
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

/* A read the standby could not answer (gone, or cancelled by a recovery
 * conflict, or a schema it has not replayed yet): once more on the primary,
 * as an unnamed statement. */
static enum yy_err execute_on_primary(struct pg_stmt *st, struct yy_error *e)
{
    if (PQstatus(st->conn->c) != CONNECTION_OK) {
        st->name[0] = '\0';
        replica_failed(st->db, PQerrorMessage(st->conn->c));
    }
    PQclear(st->res);
    st->res = NULL;
    struct pg_conn *pc = thread_conn(st->db);
    if (!pc)
        return yy_fail(e, YY_UNAVAILABLE, "database_unavailable", "数据库暂时不可用,请稍后再试",
                       NULL);
    st->res = PQexecParams(pc->c, st->sql, st->nparams, st->types,
                           (const char *const *)st->values, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(st->res);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
        return pg_error(e, pc->c, st->res, "execute");
    st->nrows = PQntuples(st->res);
    return YY_OK;
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
        if (PQresultStatus(r) != PGRES_COMMAND_OK && pc->replica) {
            PQclear(r);
            st->name[0] = '\0';
            return execute_on_primary(st, e);
        }
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
    plan_mode_for(pc, st);
    st->res = PQexecPrepared(pc->c, st->name, st->nparams, (const char *const *)st->values, NULL,
                             NULL, 0);
    ExecStatusType s = PQresultStatus(st->res);
    if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK && pc->replica)
        return execute_on_primary(st, e);
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

/* db_data_version: 0, "unknown" - caching is off on PostgreSQL.  Commits
 * by other servers, psql or a standby's primary are not visible here without
 * a round trip per request (or LISTEN/NOTIFY plumbing), which would cost what
 * a cache saves. */
static uint64_t pg_data_version(struct db *base)
{
    (void)base;
    return 0;
}

/* ---- text search --------------------------------------------------------- */

/* ILIKE '%q%' (backslash is its default escape); pg_trgm's GIN indexes serve
 * it when q has 3+ characters, a scan does for shorter q. */
static enum yy_err pg_search_condition(struct db *base, const char *table, const char *alias,
                                       const char *const *cols, const char *q, int param,
                                       char *cond, size_t cond_n, char *arg, size_t arg_n)
{
    (void)base;
    const char *who = alias ? alias : table;
    size_t used = 0;
    bool ok = db_like_pattern(q, arg, arg_n) && cond_n > 2;
    if (ok)
        cond[used++] = '(';
    for (size_t i = 0; ok && cols[i]; i++) {
        int w = snprintf(cond + used, cond_n - used, "%s%s.%s ILIKE $%d", i ? " OR " : "", who,
                         cols[i], param);
        ok = w > 0 && (size_t)w < cond_n - used;
        if (ok)
            used += (size_t)w;
    }
    ok = ok && used + 2 <= cond_n;
    if (!ok) {
        log_msg("error", "search condition for %s does not fit", table);
        return YY_INTERNAL;
    }
    cond[used++] = ')';
    cond[used] = '\0';
    return YY_OK;
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
    /* pg_dump's complaints come through a pipe into our log (one line on the
     * command line), not straight onto the terminal */
    int fds[2];
    if (pipe(fds) != 0) {
        free(tmp);
        return yy_fail(e, YY_IO, "backup_failed", "备份失败", NULL);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    pid_t pid;
    int status = -1;
    enum yy_err rc = YY_OK;
    int spawned = posix_spawnp(&pid, "pg_dump", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    char errbuf[1024];
    size_t got = 0;
    ssize_t r;
    char chunk[512];
    while ((r = read(fds[0], chunk, sizeof(chunk))) > 0) { /* drain it all: pg_dump must not block */
        size_t take = (size_t)r < sizeof(errbuf) - 1 - got ? (size_t)r : sizeof(errbuf) - 1 - got;
        memcpy(errbuf + got, chunk, take);
        got += take;
    }
    errbuf[got] = '\0';
    close(fds[0]);
    char *nl = strchr(errbuf, '\n');
    if (nl)
        *nl = '\0';
    if (spawned != 0) {
        rc = yy_fail(e, YY_IO, "backup_failed", "找不到 pg_dump(请安装 postgresql-client)",
                     NULL);
    } else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        log_msg("error", "%s", *errbuf ? errbuf : "pg_dump failed");
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
    .data_version = pg_data_version,
    .open_replica = pg_open_replica,
    .has_replica = pg_has_replica,
    .prepare_primary = pg_prepare_primary,
    .prepare_generic = pg_prepare_generic,
    .note_commit = pg_note_commit,
    .search_condition = pg_search_condition,
};
