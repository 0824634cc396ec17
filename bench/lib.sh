# shellcheck shell=bash
# shellcheck disable=SC2034  # sets variables for the sourcing script
# Helpers shared by bench/write.sh, bench/big.sh and bench/benchdata.sh
# (sourced, not run).  Every server listens on 127.0.0.1; every wrk run is
# bounded by its duration.

die() { echo "bench: $*" >&2; exit 1; }
warn() { echo "bench: warning: $*" >&2; }

# The benchdb helper (tools/benchdb.c) next to the youyue binary.
find_benchdb() {
  BENCHDB_BIN=${BENCHDB_BIN:-$(dirname "$YOUYUE_BIN")/benchdb}
  [ -x "$BENCHDB_BIN" ] || die "no benchdb at $BENCHDB_BIN (built with youyue: ninja -C $(dirname "$YOUYUE_BIN"))"
}

is_pg_url() { [[ $1 == postgresql://* || $1 == postgres://* ]]; }

# start_youyue DB OUTDIR [SERVE_OPTION...] -> sets STARTED_PID, STARTED_PORT
start_youyue() {
  local db=$1 out=$2
  "$YOUYUE_BIN" serve --db "$db" --listen 127.0.0.1:0 --quiet --anon-rate 0 "${@:3}" \
    >"$out.out" 2>"$out.err" &
  STARTED_PID=$!
  STARTED_PORT=""
  local line
  for _ in $(seq 600); do
    line=$(head -n 1 "$out.out" 2>/dev/null || true)
    if [[ $line =~ ^listening\ on\ http://[^[:space:]]+:([0-9]+)$ ]]; then
      STARTED_PORT=${BASH_REMATCH[1]}
      return 0
    fi
    kill -0 "$STARTED_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$out.err" >&2
  die "youyue serve --db $db did not start"
}

# stop_pid PID: TERM, wait up to 5 s, then KILL
stop_pid() {
  local p=$1
  [ -n "$p" ] || return 0
  kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

# admin_token BASE_URL -> prints a bearer token of the demo admin
admin_token() {
  local base=$1 jar csrf tok
  jar=$(mktemp)
  curl -sS --max-time 30 -c "$jar" -H 'Content-Type: application/json' \
    -d '{"login":"admin","password":"youyue-demo"}' "$base/api/v1/session" >/dev/null ||
    { rm -f "$jar"; die "login as admin failed at $base"; }
  csrf=$(curl -sS --max-time 10 -b "$jar" "$base/api/v1/session" |
    sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')
  tok=$(curl -sS --max-time 10 -b "$jar" -X POST -H "X-CSRF-Token: $csrf" "$base/api/v1/tokens" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  rm -f "$jar"
  [ -n "$tok" ] || die "could not get an admin token at $base"
  echo "$tok"
}

# to_ms VALUE_WITH_UNIT -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "ms") n = n; else if (u == "s") n *= 1000;
    else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000; else { print "NaN"; exit }
    printf "%.3f\n", n }'
}

# parse_wrk FILE -> sets RPS P99 (ms) NREQ; WRK_NOTE holds non-2xx / socket errors
parse_wrk() {
  local f=$1 p99raw non2xx sockerr bad
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$f")
  NREQ=$(awk '/requests in/ {print $1}' "$f")
  p99raw=$(awk '$1 == "99%" {print $2}' "$f")
  if [ -z "$RPS" ] || [ -z "$p99raw" ]; then
    cat "$f" >&2
    die "could not parse wrk output $f"
  fi
  P99=$(to_ms "$p99raw")
  WRK_NOTE=""
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$f")
  sockerr=$(grep -m1 'Socket errors' "$f" || true)
  bad=$(awk '/^not 201:/ {print $3}' "$f")
  [ -n "$non2xx" ] && WRK_NOTE+=" non-2xx:$non2xx"
  [ -n "$bad" ] && [ "$bad" != 0 ] && WRK_NOTE+=" not-201:$bad"
  [ -n "$sockerr" ] && WRK_NOTE+=" ${sockerr#*Socket errors: }"
  return 0
}

# min/max of a list of numbers -> "lo-hi" (or the one value)
range_of() {
  printf '%s\n' "$@" | awk 'NR == 1 {lo = $1; hi = $1} {if ($1 < lo) lo = $1; if ($1 > hi) hi = $1}
    function f(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
    END {if (lo == hi) print f(lo); else print f(lo) "-" f(hi)}'
}

# db_size DB -> human-readable size (SQLite: file + WAL; PostgreSQL: pg_database_size)
db_size() {
  if is_pg_url "$1"; then
    psql "$1" -qAt -c 'SELECT pg_size_pretty(pg_database_size(current_database()))' 2>/dev/null || echo "?"
  else
    du -ch "$1" "$1-wal" 2>/dev/null | awk 'END {print $1}'
  fi
}
