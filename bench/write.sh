#!/usr/bin/env bash
# Durable concern submission against the database's raw commit rate
# (bench/README.md "Concern submission").  Run by bench/run.sh after the
# nginx comparison (BENCH_SKIP_WRITE=1 leaves it out), or alone.
#
# SQLite: youyue on a fresh demo database (WAL, synchronous=FULL) takes
# POST /api/v1/concerns from wrk (bench/concern.lua, anonymous, every request
# a distinct valid concern) at BENCH_CONNECTIONS connections; the raw rate is
# tools/benchdb.c committing one INSERT per transaction on a file in the same
# folder, with the same pragmas, on one connection (SQLite has one writer).
# PostgreSQL (unless BENCH_SKIP_PG is set or no server is installed): the
# same against a throwaway cluster (tests/pg.sh); the raw rate is benchdb's
# autocommit INSERTs from BENCH_CONNECTIONS clients.  Two rounds each, raw and
# youyue alternating; ratio = youyue concerns/s / raw commits/s of the round.
#
# youyue groups concurrent submissions into one commit (store/db.h
# db_group_write); a submission holds a server thread while it waits, so the
# server runs with BENCH_SERVER_THREADS threads (a batch is at most that big).
#
# Env: YOUYUE_BIN (default build/youyue), BENCHDB_BIN, BENCH_DURATION (10),
#      BENCH_CONNECTIONS (64), BENCH_THREADS (2, wrk's), BENCH_WARMUP (2),
#      BENCH_SERVER_THREADS (32, youyue serve --threads), BENCH_SKIP_PG.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

YOUYUE_BIN=${YOUYUE_BIN:-build/youyue}
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2}
SERVER_THREADS=${BENCH_SERVER_THREADS:-32}
for v in DURATION CONNS WRK_THREADS WARMUP SERVER_THREADS; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
[ -x "$YOUYUE_BIN" ] || die "no youyue binary at $YOUYUE_BIN"
find_benchdb
command -v wrk >/dev/null || die "wrk is missing (tools/deps.sh bench installs it)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/youyue-write.XXXXXX")
chmod 755 "$tmp"
pids=()
pg_cluster=""
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do stop_pid "$p"; done
  [ -n "$pg_cluster" ] && tests/pg.sh stop "$pg_cluster" >/dev/null 2>&1
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# check_post BASE: one concern by curl, must be 201
check_post() {
  local code
  code=$(curl -sS -o "$tmp/check.json" -w '%{http_code}' --max-time 30 \
    -H 'Content-Type: application/json' \
    -d '{"title":"路灯不亮","body":"晚上出行不便","category":"城市建设与管理","station_id":1}' \
    "$1/api/v1/concerns") || die "curl POST to $1 failed"
  [ "$code" = 201 ] || { cat "$tmp/check.json" >&2; die "POST /api/v1/concerns answered $code, want 201"; }
}

# bench_backend LABEL DB RAW_DB RAW_CLIENTS
bench_backend() {
  local label=$1 db=$2 raw_db=$3 raw_clients=$4 pid port base round raw out
  "$YOUYUE_BIN" init --db "$db" --demo >"$tmp/$label-init.log" 2>&1 ||
    { cat "$tmp/$label-init.log" >&2; die "youyue init on $label failed"; }
  start_youyue "$db" "$tmp/$label" --threads "$SERVER_THREADS"
  pid=$STARTED_PID port=$STARTED_PORT
  pids+=("$pid")
  base="http://127.0.0.1:$port"
  check_post "$base"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARMUP"s --timeout 10s -s bench/concern.lua "$base" \
    >"$tmp/$label-warm.txt" 2>&1 || { cat "$tmp/$label-warm.txt" >&2; die "wrk failed"; }
  local ratios=() rpss=() raws=() p99s=()
  for round in 1 2; do
    out=$("$BENCHDB_BIN" commit "$raw_db" "$DURATION" "$raw_clients") || die "benchdb commit failed"
    raw=$(awk '{print $2}' <<<"$out")
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION"s --timeout 10s --latency -s bench/concern.lua \
      "$base" >"$tmp/$label-$round.txt" 2>&1 || { cat "$tmp/$label-$round.txt" >&2; die "wrk failed"; }
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/$label.err" >&2; die "youyue on $label died"; }
    parse_wrk "$tmp/$label-$round.txt"
    rpss+=("$RPS") raws+=("$raw") p99s+=("$P99")
    ratios+=("$(awk -v a="$RPS" -v b="$raw" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')")
    printf '  %-10s round %s  youyue %7.0f concerns/s  p99 %8.2f ms   raw %7.0f commits/s (%s client%s)   ratio %s%s\n' \
      "$label" "$round" "$RPS" "$P99" "$raw" "$raw_clients" "$([ "$raw_clients" = 1 ] || echo s)" \
      "${ratios[-1]}" "${WRK_NOTE:+   !$WRK_NOTE}"
  done
  printf '  %-10s youyue %s concerns/s, raw %s commits/s, youyue/raw %s, p99 %s ms\n' "$label" \
    "$(range_of "${rpss[@]}")" "$(range_of "${raws[@]}")" "$(range_of "${ratios[@]}")" \
    "$(range_of "${p99s[@]}")"
  stop_pid "$pid"
  # the server's own count, logged at shutdown (warm-up and checks included)
  out=$(grep -o 'group commit: [^"]*' "$tmp/$label.err" || true)
  [ -z "$out" ] || printf '  %-10s %s\n' "$label" "$out"
}

echo
echo "concern submission (POST /api/v1/concerns, durable), wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s, youyue --threads $SERVER_THREADS:"
bench_backend sqlite "$tmp/y.db" "$tmp/commit.db" 1

if [ -n "${BENCH_SKIP_PG:-}" ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "  PostgreSQL skipped ($([ -n "${BENCH_SKIP_PG:-}" ] && echo "BENCH_SKIP_PG set" || echo "no PostgreSQL server installed"))"
else
  mkdir -p "$tmp/pg"
  chmod 755 "$tmp/pg"
  pg_cluster="$tmp/pg/cluster"
  pg_base=$(tests/pg.sh start "$pg_cluster") || die "could not start PostgreSQL (tests/pg.sh)"
  psql "$pg_base/postgres" -qAt -c 'CREATE DATABASE youyue_write' -c 'CREATE DATABASE youyue_commit' >/dev/null
  bench_backend postgresql "$pg_base/youyue_write" "$pg_base/youyue_commit" "$CONNS"
  out=$("$BENCHDB_BIN" commit "$pg_base/youyue_commit" "$DURATION" 1) || die "benchdb commit failed"
  echo "  postgresql raw from 1 client (one fsync per commit, no grouping): $(awk '{print $2}' <<<"$out") commits/s"
fi
echo "  (group commit: the submissions that queued while the previous commit ran share one"
echo "   transaction, each in its own savepoint, and one commit; the youyue log line"
echo "   \"group commit: N writes in M commits\" at shutdown gives the mean batch)"
