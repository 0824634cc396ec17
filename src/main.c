/* main.c - the youyue command line (CONTRACT.md "Command line"): parses the
 * subcommand and its options and calls the layers below.  Errors go to
 * stderr as one line starting with "youyue: " and exit non-zero. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "api/ttl_cache.h"
#include "cli/export.h"
#include "cli/import.h"
#include "cli/remind_timer.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "demo/demo.h"
#include "domain/auth.h"
#include "domain/lists.h"
#include "domain/stats.h"
#include "http/parse.h"
#include "store/audit.h"
#include "store/remind.h"
#include "store/store.h"
#include "web/qr.h"

#define EXIT_USAGE 2

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void usage_error(const char *cmd, const char *what) __attribute__((noreturn));
static void bad_option(const char *cmd, char *const *argv) __attribute__((noreturn));

/* One line on stderr, with what the layers below logged last (the
 * underlying cause, e.g. the database's own message) appended. */
static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("youyue: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    const char *cause = log_last_error();
    if (*cause)
        fprintf(stderr, ": %s", cause);
    fputc('\n', stderr);
    exit(1);
}

static void usage_error(const char *cmd, const char *what)
{
    fprintf(stderr, "youyue: %s: %s (see youyue %s --help)\n", cmd, what, cmd);
    exit(EXIT_USAGE);
}

/* getopt_long returned '?' (opterr is off, so getopt printed nothing): an
 * unknown option, or one missing its value.  One line, then exit. */
static void bad_option(const char *cmd, char *const *argv)
{
    char what[256];
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) != 0 && optopt > ' ' && optopt < 127)
        snprintf(what, sizeof(what), "unknown option -%c", optopt);
    else
        snprintf(what, sizeof(what), "unknown option or missing value: %s", arg);
    usage_error(cmd, what);
}

static const char *default_db(void)
{
    const char *v = getenv("YOUYUE_DB");
    return v && *v ? v : "./data/youyue.db";
}

/* getopt_long over a command's opts, doing what every command's options
 * share: --db ('d') sets *url, --help ('h') prints help and exits 0, a bad
 * option ends with one line (exit 2).  Returns the command's own options
 * one by one, then -1. */
static int next_option(int argc, char **argv, const struct option *opts, const char *cmd,
                       const char *help, const char **url)
{
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': *url = optarg; break;
        case 'h':
            puts(help);
            exit(0);
        case '?': bad_option(cmd, argv);
        default: return c;
        }
    }
    return -1;
}

/* The options of a command whose only one is --db: the database's URL. */
static const char *db_option_only(int argc, char **argv, const char *cmd, const char *help)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *url = default_db();
    while (next_option(argc, argv, opts, cmd, help, &url) != -1)
        continue;
    return url;
}

/* `youyue user add`, `youyue audit verify`: a command with one subcommand,
 * whose short usage --help before it prints.  Returns only for sub. */
static void only_subcommand(int argc, char **argv, const char *cmd, const char *sub,
                            const char *short_usage)
{
    if (argc >= 2 && !strcmp(argv[1], sub))
        return;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts(short_usage);
        exit(0);
    }
    char what[128];
    snprintf(what, sizeof(what), "the only subcommand is `%s %s`", cmd, sub);
    usage_error(cmd, what);
}

/* For the embedded default: creates the folder the database file goes in. */
static void ensure_parent_dir(const char *url)
{
    if (!strncmp(url, "postgres", 8))
        return;
    const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return;
    char dir[4096];
    size_t n = (size_t)(slash - path);
    if (n >= sizeof(dir))
        return;
    memcpy(dir, path, n);
    dir[n] = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0750);
            *p = '/';
        }
    }
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        die("cannot create folder %s: %s", dir, strerror(errno));
}

static struct db *open_db(const char *url, bool create)
{
    struct yy_error e = {0};
    if (create)
        ensure_parent_dir(url);
    struct db *db = db_open(url, create, &e);
    if (!db)
        die("%s: %s (%s)", url, e.message, e.code);
    if (db_migrate(db, &e) != YY_OK)
        die("%s: %s (%s)", url, e.message, e.code);
    return db;
}

/* The working-day calendar: the years built in, then an office's folder
 * (--calendar DIR or YOUYUE_CALENDAR_DIR), whose years replace built-in ones. */
static struct calendar calendar;
static struct arena calendar_arena = ARENA_INIT;

static const struct calendar *load_calendar(const char *dir)
{
    struct yy_error e = {0};
    calendar_init(&calendar);
    if (calendar_add_builtin(&calendar, &calendar_arena, &e) != YY_OK)
        die("built-in calendar: %s (%s)", e.message, e.code);
    if (!dir || !*dir)
        dir = getenv("YOUYUE_CALENDAR_DIR");
    if (dir && *dir && calendar_add_dir(&calendar, &calendar_arena, dir, &e) != YY_OK)
        die("calendar: %s (%s)", e.message, e.code);
    return &calendar;
}

static bool db_is_empty(struct db *db)
{
    struct arena a = ARENA_INIT;
    struct region *rs;
    size_t n = 0;
    store_regions_all(db, &a, &rs, &n, NULL);
    arena_release(&a);
    return n == 0;
}

static void load_demo(struct db *db)
{
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    if (demo_load(db, &a, &e) != YY_OK)
        die("demo data: %s (%s)", e.message, e.code);
    arena_release(&a);
}

/* ---- init ------------------------------------------------------------------ */

static int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"demo", no_argument, 0, 'D'},
        {"help", no_argument, 0, 'h'},     {0, 0, 0, 0}};
    static const char help[] =
        "usage: youyue init [--db DB] [--demo]\n\n"
        "Creates the database or upgrades its schema.  --demo loads the demo\n"
        "district (Jianghan: streets, communities, stations, 264 deputies, units)\n"
        "and one demo login per role, unless the database already holds data.\n\n"
        "  --db DB   a path, sqlite:PATH or postgresql://... (default $YOUYUE_DB,\n"
        "            else ./data/youyue.db)";
    const char *url = default_db();
    bool demo = false;
    while (next_option(argc, argv, opts, "init", help, &url) == 'D')
        demo = true;
    if (optind != argc)
        usage_error("init", "unexpected argument");
    struct db *db = open_db(url, true);
    if (demo) {
        if (db_is_empty(db))
            load_demo(db);
        else
            fprintf(stderr, "youyue: init: the database already holds data; demo not loaded\n");
    }
    printf("database ready: %s (schema version %d)\n", url, db_schema_version(db));
    db_close(db);
    return 0;
}

/* ---- serve ----------------------------------------------------------------- */

static int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"db-read", required_argument, 0, 'r'},
                                         {"listen", required_argument, 0, 'l'},
                                         {"threads", required_argument, 0, 't'},
                                         {"anon-rate", required_argument, 0, 'a'},
                                         {"trusted-proxy", required_argument, 0, 'p'},
                                         {"max-inflight", required_argument, 0, 'm'},
                                         {"calendar", required_argument, 0, 'c'},
                                         {"remind-interval", required_argument, 0, 'R'},
                                         {"stats-ttl", required_argument, 0, 'S'},
                                         {"public-url", required_argument, 0, 'U'},
                                         {"demo", no_argument, 0, 'D'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    static const char help[] =
        "usage: youyue serve [--db DB] [--db-read URL] [--listen HOST:PORT]\n"
        "                    [--threads N] [--anon-rate N] [--trusted-proxy ADDR]...\n"
        "                    [--demo]\n\n"
        "Serves the platform over HTTP.  Creates the database when it does not exist\n"
        "(with the demo district when --demo is given and it is empty).\n\n"
        "  --db-read URL       a PostgreSQL hot standby (postgresql://...) of --db:\n"
        "                      reads outside transactions go there, writes and\n"
        "                      logins to --db; when it is down, everything goes to\n"
        "                      --db.  Only with a postgresql:// --db.\n"
        "  --listen HOST:PORT  default $YOUYUE_LISTEN, else 127.0.0.1:8080; port 0\n"
        "                      picks a free one.  Prints `listening on http://...`\n"
        "                      as its first line.\n"
        "  --threads N         worker threads (default: 4 per core, 8 to 64)\n"
        "  --anon-rate N       writes per minute per address without a login\n"
        "                      (default 60, 0 = no limit)\n"
        "  --trusted-proxy A   take the client address from X-Forwarded-For when\n"
        "                      the peer is A (repeatable)\n"
        "  --max-inflight N    requests in progress before new ones are answered\n"
        "                      503 (default 1024)\n"
        "  --calendar DIR      extra working-day calendars (YYYY.txt, see\n"
        "                      docs/CALENDAR.md; default $YOUYUE_CALENDAR_DIR)\n"
        "  --remind-interval M the supervision sweep (as `youyue remind`) every M\n"
        "                      minutes, the first shortly after start (default 10,\n"
        "                      0 = off, e.g. when cron runs `youyue remind`)\n"
        "  --stats-ttl S       keep each dashboard answer (GET /api/v1/stats) S\n"
        "                      seconds; its as_of says when it was taken (default\n"
        "                      60, 0 = compute every request)\n"
        "  --public-url URL    the address residents reach the server at, for the\n"
        "                      stations' QR codes (default: from each request's\n"
        "                      Host header)\n"
        "  --quiet             no request log lines";
    const char *url = default_db(), *read_url = NULL;
    const char *listen = getenv("YOUYUE_LISTEN");
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    /* A handler blocks while the database answers (a PostgreSQL round trip, a
     * SQLite fsync) and its thread serves nobody else meanwhile, so threads =
     * cores left the cores idle: 4 per core, 8 to 64 (bench/README.md
     * "Server threads"). */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int64_t threads = ncpu > 0 ? 4 * (int64_t)ncpu : 8, anon_rate = 60, max_inflight = 1024;
    threads = threads < 8 ? 8 : threads > 64 ? 64 : threads;
    const char *calendar_dir = NULL;
    int64_t remind_minutes = 10;
    int64_t stats_ttl = 60;
    const char *proxies[17] = {0};
    size_t n_proxies = 0;
    bool demo = false, quiet = false;
    int c;
    while ((c = next_option(argc, argv, opts, "serve", help, &url)) != -1) {
        switch (c) {
        case 'r': read_url = optarg; break;
        case 'l': listen = optarg; break;
        case 't':
            if (!parse_int64(optarg, 1, 256, &threads))
                usage_error("serve", "--threads must be a number from 1 to 256");
            break;
        case 'a':
            if (!parse_int64(optarg, 0, 1000000, &anon_rate))
                usage_error("serve", "--anon-rate must be a number (0 turns it off)");
            break;
        case 'p':
            if (n_proxies == 16)
                usage_error("serve", "at most 16 --trusted-proxy addresses");
            proxies[n_proxies++] = optarg;
            break;
        case 'c': calendar_dir = optarg; break;
        case 'R':
            if (!parse_int64(optarg, 0, 7 * 24 * 60, &remind_minutes))
                usage_error("serve", "--remind-interval must be minutes from 0 (off) to 10080");
            break;
        case 'S':
            if (!parse_int64(optarg, 0, 86400, &stats_ttl))
                usage_error("serve", "--stats-ttl must be seconds from 0 (off) to 86400");
            break;
        case 'm':
            if (!parse_int64(optarg, 1, 1000000, &max_inflight))
                usage_error("serve", "--max-inflight must be a positive number");
            break;
        case 'U':
            if (web_qr_set_public_url(optarg) != YY_OK)
                usage_error("serve", "--public-url must be http:// or https:// and a host, "
                                     "e.g. https://youyue.example.cn");
            break;
        case 'D': demo = true; break;
        case 'q': quiet = true; break;
        }
    }
    if (optind != argc)
        usage_error("serve", "unexpected argument");
    if (read_url && !db_url_is_postgres(url))
        usage_error("serve", "--db-read needs a postgresql:// --db");
    if (read_url && !db_url_is_postgres(read_url))
        usage_error("serve", "--db-read must be a postgresql:// URL");

    char host[256];
    const char *colon = strrchr(listen, ':');
    int64_t port;
    if (!colon || (size_t)(colon - listen) >= sizeof(host) || !parse_int64(colon + 1, 0, 65535, &port))
        usage_error("serve", "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
    size_t hl = (size_t)(colon - listen);
    if (hl >= 2 && listen[0] == '[' && listen[hl - 1] == ']') {
        memcpy(host, listen + 1, hl - 2);
        host[hl - 2] = '\0';
    } else {
        memcpy(host, listen, hl);
        host[hl] = '\0';
    }
    if (!strcmp(host, "localhost"))
        snprintf(host, sizeof(host), "127.0.0.1");

    struct db *db = open_db(url, true);
    if (demo && db_is_empty(db))
        load_demo(db);
    if (read_url) {
        struct yy_error e = {0};
        if (db_open_replica(db, read_url, &e) != YY_OK)
            die("%s: %s (%s)", read_url, e.message, e.code);
    }

    /* Block the stop signals before any thread starts, then wait for one. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct app app;
    if (app_init(&app, db, (unsigned)anon_rate) != 0)
        die("cannot set up the application");
    app.calendar = load_calendar(calendar_dir);
    if (stats_ttl && !(app.stats_cache = ttl_cache_new(stats_ttl * 1000, STATS_CACHE_ENTRIES,
                                                       STATS_CACHE_BYTES)))
        die("cannot set up the application");
    struct http_config cfg = {.host = host,
                              .port = (uint16_t)port,
                              .threads = (unsigned)threads,
                              .body_limit = HTTP_DEFAULT_BODY_LIMIT,
                              .trusted_proxies = n_proxies ? proxies : NULL,
                              .max_inflight = (unsigned)max_inflight,
                              .log_requests = !quiet};
    struct http_server *srv = http_server_start(&cfg, &app.router, &app, api_before,
                                                api_render_error);
    if (!srv)
        die("cannot start the server on %s", listen);
    bool v6 = strchr(host, ':') != NULL;
    printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "",
           (unsigned)http_server_port(srv));
    fflush(stdout);
    log_msg("info", "serving %s with %lld threads", url, (long long)threads);

    /* YOUYUE_REMIND_SECONDS (tests only, undocumented for operators): the
     * sweep's interval in seconds instead of minutes. */
    unsigned remind_secs = (unsigned)remind_minutes * 60, first_secs = 5;
    int64_t test_secs;
    const char *rs = getenv("YOUYUE_REMIND_SECONDS");
    if (rs && *rs && parse_int64(rs, 1, 86400, &test_secs) && remind_minutes)
        remind_secs = first_secs = (unsigned)test_secs;
    struct remind_timer *timer =
        remind_secs ? remind_timer_start(db, app.calendar, remind_secs, first_secs) : NULL;

    int sig = 0;
    sigwait(&stop, &sig);
    log_msg("info", "signal %d: stopping", sig);
    remind_timer_stop(timer);
    http_server_stop(srv);
    app_release(&app);
    db_close(db);
    return 0;
}

/* ---- user add -------------------------------------------------------------- */

static char *read_password_stdin(void)
{
    static char line[512];
    if (!fgets(line, sizeof(line), stdin))
        return NULL;
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

#define USER_ADD_USAGE                                                                      \
    "usage: youyue user add --db DB --login LOGIN --role ROLE [--scope ID]\n"                  \
    "                       [--name NAME] --password-stdin"

static int cmd_user(int argc, char **argv)
{
    only_subcommand(argc, argv, "user", "add", USER_ADD_USAGE);
    argc--;
    argv++;
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"login", required_argument, 0, 'l'},
                                         {"role", required_argument, 0, 'r'},
                                         {"scope", required_argument, 0, 's'},
                                         {"name", required_argument, 0, 'n'},
                                         {"password-stdin", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    static const char help[] =
        USER_ADD_USAGE "\n\n"
        "Adds a login.  ROLE is one of resident deputy community_staff street_staff\n"
        "admin leader unit_staff procurator.  deputy, unit_staff, street_staff and\n"
        "community_staff need --scope: the id of the deputy, unit, street or\n"
        "community.  The password is read from the first line of standard input.";
    const char *url = default_db(), *login = NULL, *role_s = NULL, *name = "";
    int64_t scope = 0;
    bool has_scope = false, pw_stdin = false;
    int c;
    while ((c = next_option(argc, argv, opts, "user add", help, &url)) != -1) {
        switch (c) {
        case 'l': login = optarg; break;
        case 'r': role_s = optarg; break;
        case 's':
            if (!parse_int64(optarg, 1, INT64_MAX, &scope))
                usage_error("user add", "--scope must be a positive id");
            has_scope = true;
            break;
        case 'n': name = optarg; break;
        case 'P': pw_stdin = true; break;
        }
    }
    if (optind != argc)
        usage_error("user add", "unexpected argument");
    if (!login || !role_s)
        usage_error("user add", "--login and --role are required");
    if (!pw_stdin)
        usage_error("user add", "--password-stdin is required (passwords never go on the "
                                "command line)");
    struct role_grant g = {.scope_id = scope};
    if (!role_from_name(role_s, &g.role))
        usage_error("user add", "unknown role");
    if (role_needs_scope(g.role) && !has_scope)
        usage_error("user add", "this role needs --scope");
    if (!role_needs_scope(g.role) && has_scope)
        usage_error("user add", "this role takes no --scope");
    struct yy_error e = {0};
    if (login_validate(login, &e) != YY_OK)
        die("user add: %s (%s)", e.message, e.code);
    char *pw = read_password_stdin();
    if (!pw)
        die("user add: no password on standard input");
    if (password_validate(pw, &e) != YY_OK)
        die("user add: %s (%s)", e.message, e.code);
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(pw, hash) != YY_OK)
        die("user add: cannot hash the password");
    memset(pw, 0, strlen(pw));
    struct db *db = open_db(url, false);
    struct user u = {.login = login, .name = name, .password_hash = hash, .roles = &g, .n_roles = 1};
    if (store_user_add(db, &u, &e) != YY_OK) {
        db_close(db);
        die("user add: %s (%s)", e.message, e.code);
    }
    printf("user %s added (id %lld, role %s)\n", login, (long long)u.id, role_name(g.role));
    db_close(db);
    return 0;
}

/* ---- import ---------------------------------------------------------------- */

#define IMPORT_MAX_FILE ((size_t)16 * 1024 * 1024)

static int cmd_import(int argc, char **argv)
{
    static const char help[] =
        "usage: youyue import --db DB {regions|stations|deputies|units} FILE.csv\n\n"
        "Imports a CSV file (UTF-8, first row the header) into the registry.\n"
        "Every bad row is reported by line and field; nothing is imported\n"
        "unless every row is good.  Columns:\n"
        "  regions:  kind,name,parent   (区/街道/开发区/社区; parent by name)\n"
        "  stations: kind,name,street,community,address,lat,lon,opening_hours,"
        "reception_rule\n"
        "  deputies: name,levels,sector,phone,stations,lat,lon\n"
        "  units:    name,kind\n"
        "Chinese headers (类型,名称,上级; 类型,名称,街道,社区,地址,纬度,经度,\n"
        "开放时间,接待日; 姓名,层级,界别,电话,站点) work too.";
    const char *url = db_option_only(argc, argv, "import", help);
    if (argc - optind != 2)
        usage_error("import", "expected {regions|stations|deputies|units} FILE.csv");
    const char *what = argv[optind], *file = argv[optind + 1];
    if (strcmp(what, "regions") && strcmp(what, "stations") && strcmp(what, "deputies") &&
        strcmp(what, "units"))
        usage_error("import", "what to import must be regions, stations, deputies or units");
    FILE *f = fopen(file, "rb");
    if (!f)
        die("import: cannot open %s: %s", file, strerror(errno));
    struct buf data;
    buf_init(&data, IMPORT_MAX_FILE);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (buf_append(&data, chunk, n) != YY_OK) {
            fclose(f);
            die("import: %s is larger than 16 MB", file);
        }
    }
    bool read_error = ferror(f);
    fclose(f);
    if (read_error)
        die("import: cannot read %s", file);
    struct db *db = open_db(url, false);
    struct arena a = ARENA_INIT;
    struct import_result r;
    struct yy_error e = {0};
    enum yy_err rc = import_csv(db, &a, what, data.data ? data.data : "", data.len, &r, &e);
    buf_release(&data);
    db_close(db);
    if (rc != YY_OK) {
        for (size_t i = 0; i < r.n_errors && i < IMPORT_MAX_ERRORS; i++)
            fprintf(stderr, "youyue: %s: %s\n", file, r.errors[i]);
        if (r.n_errors > IMPORT_MAX_ERRORS)
            fprintf(stderr, "youyue: %s: ……另有%zu处错误未列出\n", file,
                    r.n_errors - IMPORT_MAX_ERRORS);
        fprintf(stderr, "youyue: import: %s (%s)\n", e.message, e.code);
        arena_release(&a);
        return 1;
    }
    printf("imported %zu %s from %s\n", r.imported, what, file);
    arena_release(&a);
    return 0;
}

/* ---- backup ---------------------------------------------------------------- */

static int cmd_backup(int argc, char **argv)
{
    static const char help[] =
        "usage: youyue backup --db DB FILE\n\n"
        "Copies the live database to FILE (SQLite online backup: the server may\n"
        "keep running).  Restore by stopping the server and using FILE as --db.";
    const char *url = db_option_only(argc, argv, "backup", help);
    if (argc - optind != 1)
        usage_error("backup", "expected the backup FILE");
    struct db *db = open_db(url, false);
    struct yy_error e = {0};
    if (db_backup(db, argv[optind], &e) != YY_OK) {
        db_close(db);
        die("backup: %s (%s)", e.message, e.code);
    }
    db_close(db);
    printf("backup written to %s\n", argv[optind]);
    return 0;
}

/* ---- remind ------------------------------------------------------------------ */

static int cmd_remind(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"calendar", required_argument, 0, 'c'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    static const char help[] =
        "usage: youyue remind --db DB [--calendar DIR]\n\n"
        "One supervision sweep (督办), for cron: every open item with a deadline\n"
        "(replies, co-unit opinions, assignments to make, re-handling, on-site\n"
        "commitments) that is overdue or due within settings.due_soon_working_days\n"
        "working days gets reminders (催办) in the inboxes of its unit, the leader\n"
        "of a key suggestion and the office.  Running it again the same day adds\n"
        "nothing; overdue items are chased again each day.  `youyue serve` runs\n"
        "the same sweep itself (--remind-interval).  Prints the counts.\n\n"
        "  --calendar DIR   extra working-day calendars (default $YOUYUE_CALENDAR_DIR)";
    const char *url = default_db(), *calendar_dir = NULL;
    while (next_option(argc, argv, opts, "remind", help, &url) == 'c')
        calendar_dir = optarg;
    if (optind != argc)
        usage_error("remind", "unexpected argument");
    const struct calendar *cal = load_calendar(calendar_dir);
    struct db *db = open_db(url, false);
    struct remind_counts counts;
    struct yy_error e = {0};
    int64_t now = time_now();
    if (store_remind_sweep(db, cal, now, &counts, &e) != YY_OK) {
        db_close(db);
        die("remind: %s (%s)", e.message, e.code);
    }
    db_close(db);
    int64_t y;
    unsigned m, d;
    time_civil_from_days(day_of(now), &y, &m, &d);
    printf("supervision sweep %04lld-%02u-%02u: %lld due soon, %lld overdue, %lld reminders "
           "written\n",
           (long long)y, m, d, (long long)counts.due_soon, (long long)counts.overdue,
           (long long)counts.reminders);
    return 0;
}

/* ---- export ------------------------------------------------------------------ */

static int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'},     {"year", required_argument, 0, 'y'},
        {"street", required_argument, 0, 's'}, {"unit", required_argument, 0, 'u'},
        {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    static const char help[] =
        "usage: youyue export --db DB {suggestions|assignments|results} [--year Y]\n"
        "                     [--street ID] [--unit ID] --format {csv|xlsx}\n"
        "                     --output FILE\n\n"
        "Writes one of the three lists (三张清单) of a year (default: this year):\n"
        "  suggestions  建议清单: what was raised, by whom\n"
        "  assignments  交办清单: which unit, since when, due when, where it stands\n"
        "  results      效果清单: reply class, the deputy's evaluation, follow-up\n"
        "CSV is UTF-8 with a BOM (Excel opens it as it is), the same bytes as\n"
        "GET /api/v1/lists/...?format=csv; XLSX has a frozen header row, a filter\n"
        "and real dates.  --street and --unit narrow the rows as the API's\n"
        "street= and unit= do.  The file is replaced whole or not at all.";
    const char *url = default_db(), *format = NULL, *output = NULL;
    int64_t now = time_now();
    int64_t year = stats_year_of(now), street = 0, unit = 0;
    int c;
    while ((c = next_option(argc, argv, opts, "export", help, &url)) != -1) {
        switch (c) {
        case 'y':
            if (!parse_int64(optarg, 2000, 2100, &year))
                usage_error("export", "--year must be a year from 2000 to 2100");
            break;
        case 's':
            if (!parse_int64(optarg, 1, INT64_MAX, &street))
                usage_error("export", "--street must be a positive id");
            break;
        case 'u':
            if (!parse_int64(optarg, 1, INT64_MAX, &unit))
                usage_error("export", "--unit must be a positive id");
            break;
        case 'f': format = optarg; break;
        case 'o': output = optarg; break;
        }
    }
    if (argc - optind != 1)
        usage_error("export", "expected {suggestions|assignments|results}");
    enum list_kind kind;
    if (!list_kind_from_name(argv[optind], &kind))
        usage_error("export", "the list must be suggestions, assignments or results");
    if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0))
        usage_error("export", "--format must be csv or xlsx");
    if (!output || !*output)
        usage_error("export", "--output FILE is required");
    struct db *db = open_db(url, false);
    struct arena a = ARENA_INIT;
    struct yy_error e = {0};
    struct list_filter f = {.year = (int)year, .street_id = street, .unit_id = unit};
    size_t rows = 0;
    enum yy_err rc = export_list(db, &a, kind, &f, !strcmp(format, "xlsx"), now, output, &rows, &e);
    db_close(db);
    if (rc != YY_OK) {
        fprintf(stderr, "youyue: export: %s (%s)\n", e.message ? e.message : "failed",
                e.code ? e.code : "error");
        arena_release(&a);
        return 1;
    }
    printf("exported %zu rows of %s %lld to %s\n", rows, list_title_zh(kind), (long long)year,
           output);
    arena_release(&a);
    return 0;
}

/* ---- audit verify ------------------------------------------------------------ */

#define AUDIT_VERIFY_USAGE "usage: youyue audit verify --db DB"

static int cmd_audit(int argc, char **argv)
{
    only_subcommand(argc, argv, "audit", "verify", AUDIT_VERIFY_USAGE);
    argc--;
    argv++;
    static const char help[] =
        AUDIT_VERIFY_USAGE "\n\n"
        "Checks the audit trail's hash chain from the first entry to the last.\n"
        "Prints the number of entries and the hash of the newest one (record it\n"
        "elsewhere now and then: a later rewrite of the whole chain would not\n"
        "pass through it).  An edited, inserted or deleted entry is named, and\n"
        "the exit status is 1.";
    const char *url = db_option_only(argc, argv, "audit verify", help);
    if (optind != argc)
        usage_error("audit verify", "unexpected argument");
    struct db *db = open_db(url, false);
    struct arena a = ARENA_INIT;
    struct audit_report r;
    struct yy_error e = {0};
    enum yy_err rc = audit_verify(db, &a, &r, &e);
    db_close(db);
    if (rc != YY_OK) {
        fprintf(stderr, "youyue: audit verify: %s (%s; %lld entries read)\n", e.message, e.code,
                (long long)r.checked);
        arena_release(&a);
        return 1;
    }
    printf("audit trail intact: %lld entries; newest hash %s\n", (long long)r.checked,
           r.head_hash);
    arena_release(&a);
    return 0;
}

/* ---- main ------------------------------------------------------------------ */

static void usage(FILE *out)
{
    fputs("usage: youyue COMMAND [OPTIONS]\n\n"
          "  init    --db DB [--demo]            create or upgrade the database\n"
          "  serve   --db DB [--listen HOST:PORT] [--threads N] [--anon-rate N]\n"
          "          [--trusted-proxy ADDR]      serve the platform over HTTP\n"
          "  user add --db DB --login LOGIN --role ROLE [--scope ID] [--name NAME]\n"
          "          --password-stdin            add a login\n"
          "  import  --db DB {regions|stations|deputies|units} FILE.csv\n"
          "  export  --db DB {suggestions|assignments|results} [--year Y]\n"
          "          --format {csv|xlsx} --output FILE   one of the three lists\n"
          "  backup  --db DB FILE                online backup of a live database\n"
          "  remind  --db DB [--calendar DIR]    one supervision sweep (for cron)\n"
          "  audit verify --db DB                check the audit trail's hash chain\n"
          "  --version\n\n"
          "Each command has --help.  DB defaults to $YOUYUE_DB, else ./data/youyue.db.\n",
          out);
}

int main(int argc, char **argv)
{
    opterr = 0; /* bad options are reported by bad_option(), as one line */
    if (!auth_init())
        die("cannot initialise libsodium");
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    /* Commands other than serve report on one line; serve logs JSON lines. */
    log_capture(strcmp(cmd, "serve") != 0);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("youyue %s\n", YOUYUE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    argc--;
    argv++;
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"init", cmd_init},     {"serve", cmd_serve},   {"user", cmd_user},
        {"import", cmd_import}, {"export", cmd_export}, {"backup", cmd_backup},
        {"remind", cmd_remind}, {"audit", cmd_audit},
    };
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].run(argc, argv);
    fprintf(stderr, "youyue: unknown command '%s' (see youyue --help)\n", cmd);
    return EXIT_USAGE;
}
