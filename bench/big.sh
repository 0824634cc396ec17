#!/usr/bin/env bash
# Lists and dashboard on big data against small data (bench/README.md "Big
# data").  `make bench-big`, or `BENCH_BIG=1 make bench` after the rest.
# Needs the database of `make benchdata` (BENCH_BIG_DB, default
# bench/out/big.db; BENCH_PG_URL when set).  The small side is the demo
# district with the same generator at 1/1000 (BENCH_SMALL_CONCERNS 1000,
# BENCH_SMALL_SUGGESTIONS 100: the demo itself has no concerns, so every list
# would be empty), made anew in a temp folder (PostgreSQL: a database named
# after the big one with _small appended, on the same server, dropped first).
#
# For each endpoint, as the demo admin (a bearer token): two rounds of
# big, small; p99 and req/s of each; ratio big/small of p99 (target <= 2.0).
# The list is measured as pages (its JSON is paginated): the first page, and
# a page in the middle of the unit's year through its cursor (found by
# walking the pages).  The dashboard is measured as served (its answer is
# cached for --stats-ttl, default 60 s) and, on a second server with
# --stats-ttl 0, as computed: sequential requests, their times.  Then the
# whole-year CSV exports (API and `youyue export`): rows per second, a
# report.  Then POST /api/v1/concerns on both (bench/concern.lua; adds a few
# thousand concerns to the big database; BENCH_BIG_SKIP_POST=1 leaves it out).
#
# Env: YOUYUE_BIN, BENCHDB_BIN, BENCH_BIG_DURATION (s, 10),
#      BENCH_BIG_CONNECTIONS (8: the slow endpoints take seconds, and p99
#      under 64 queued connections would measure the queue), BENCH_THREADS (2),
#      BENCH_WARMUP (2), BENCH_BIG_UNIT (3), BENCH_BIG_STREET (2).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

YOUYUE_BIN=${YOUYUE_BIN:-build/youyue}
DURATION=${BENCH_BIG_DURATION:-10}
CONNS=${BENCH_BIG_CONNECTIONS:-8}
POST_CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2}
UNIT=${BENCH_BIG_UNIT:-3}
STREET=${BENCH_BIG_STREET:-2}
for v in DURATION CONNS POST_CONNS WRK_THREADS WARMUP UNIT STREET; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
[ -x "$YOUYUE_BIN" ] || die "no youyue binary at $YOUYUE_BIN"
find_benchdb
command -v wrk >/dev/null || die "wrk is missing (tools/deps.sh bench installs it)"

BIG=${BENCH_PG_URL:-${BENCH_BIG_DB:-bench/out/big.db}}
if is_pg_url "$BIG"; then
  psql "$BIG" -qAt -c 'SELECT count(*) FROM concerns' >/dev/null 2>&1 ||
    die "no bench data at $BIG: run make benchdata (with BENCH_PG_URL) first"
  name=${BIG##*/}; name=${name%%\?*}
  SMALL="${BIG%/*}/${name}_small"
else
  [ -f "$BIG" ] || die "no bench data at $BIG: run make benchdata first"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/youyue-big.XXXXXX")
chmod 755 "$tmp"
pids=()
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do stop_pid "$p"; done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the small side ------------------------------------------------------------
if is_pg_url "$BIG"; then
  PGOPTIONS=--client-min-messages=warning psql "${BIG%/*}/postgres" -qAt -c "DROP DATABASE IF EXISTS \"${name}_small\"" \
    -c "CREATE DATABASE \"${name}_small\"" >/dev/null || die "cannot create ${name}_small"
else
  SMALL="$tmp/small.db"
fi
BENCH_CONCERNS=${BENCH_SMALL_CONCERNS:-1000} BENCH_SUGGESTIONS=${BENCH_SMALL_SUGGESTIONS:-100} \
  YOUYUE_BIN="$YOUYUE_BIN" BENCHDB_BIN="$BENCHDB_BIN" bench/benchdata.sh "$SMALL" >"$tmp/small.log" ||
  { cat "$tmp/small.log" >&2; die "making the small data failed"; }

# the big side: migrations first (init applies the missing ones), timed; then
# today's supervision sweep, which serve would otherwise run inside the
# first measurements
t0=$(date +%s.%N)
"$YOUYUE_BIN" init --db "$BIG" >"$tmp/big-init.log" 2>&1 ||
  { cat "$tmp/big-init.log" >&2; die "youyue init on $BIG failed"; }
t1=$(date +%s.%N)
"$YOUYUE_BIN" remind --db "$BIG" >"$tmp/big-remind.log" 2>&1 ||
  { cat "$tmp/big-remind.log" >&2; die "youyue remind on $BIG failed"; }

start_youyue "$BIG" "$tmp/big"; big_pid=$STARTED_PID; pids+=("$big_pid")
BIG_URL="http://127.0.0.1:$STARTED_PORT"
start_youyue "$SMALL" "$tmp/small"; small_pid=$STARTED_PID; pids+=("$small_pid")
SMALL_URL="http://127.0.0.1:$STARTED_PORT"
big_tok=$(admin_token "$BIG_URL")
small_tok=$(admin_token "$SMALL_URL")
# the dashboard computed on every request, for its uncached cost
start_youyue "$BIG" "$tmp/big0" --stats-ttl 0; big0_pid=$STARTED_PID; pids+=("$big0_pid")
BIG0_URL="http://127.0.0.1:$STARTED_PORT"

echo
echo "big data: $BIG ($(db_size "$BIG"); migrations $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f s", b - a}'))"
echo "  against small: demo + ${BENCH_SMALL_CONCERNS:-1000} concerns, ${BENCH_SMALL_SUGGESTIONS:-100} suggestions"
echo "  wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency, as admin (bearer), two rounds big, small"

alive() {
  kill -0 "$big_pid" 2>/dev/null || { cat "$tmp/big.err" >&2; die "youyue on the big data died"; }
  kill -0 "$small_pid" 2>/dev/null || { cat "$tmp/small.err" >&2; die "youyue on the small data died"; }
}

# get_check NAME URL TOKEN -> prints "bytes seconds"; dies unless 200
get_check() {
  local code
  code=$(curl -sS -o "$tmp/check.out" -w '%{http_code} %{size_download} %{time_total}' \
    --max-time 120 -H "Authorization: Bearer $3" "$2") || die "curl $2 failed"
  [ "${code%% *}" = 200 ] || { head -c 300 "$tmp/check.out" >&2; die "$1: GET $2 answered ${code%% *}"; }
  echo "${code#* }"
}

# wrk_get URL TOKEN SECONDS OUT
wrk_get() {
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$3"s --timeout 60s --latency \
    -H "Authorization: Bearer $2" "$1" >"$4" 2>&1 || { cat "$4" >&2; die "wrk failed on $1"; }
  alive
}

LIST="/api/v1/lists/assignments?year=2026&unit=$UNIT"
LIST_ALL="/api/v1/lists/assignments?year=2026"

# walk_pages BASE TOKEN PATH LIMIT: follows next_cursor to the last page;
# writes each page's next_cursor to $tmp/cursors, one a line, and sets
# WALK_ROWS and WALK_SECONDS
walk_pages() {
  local base=$1 tok=$2 path=$3 limit=$4 cursor="" body n=0 rows=0 t0 t1
  t0=$(date +%s.%N)
  : >"$tmp/cursors"
  while :; do
    body=$(curl -sS --max-time 60 -H "Authorization: Bearer $tok" \
      "$base$path&limit=$limit${cursor:+&cursor=$cursor}") || die "curl $base$path failed"
    rows=$((rows + $(grep -o '"assignment_id":' <<<"$body" | wc -l)))
    cursor=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' <<<"$body")
    [ -n "$cursor" ] || break
    echo "$cursor" >>"$tmp/cursors"
    n=$((n + 1))
    [ "$n" -lt 100000 ] || die "the pages of $path never end"
  done
  t1=$(date +%s.%N)
  WALK_ROWS=$rows
  WALK_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')
}

# mid_cursor BASE TOKEN -> the cursor of a page in the middle of $LIST_ALL
# (every assignment of the year); prints how long walking it took
mid_cursor() {
  walk_pages "$1" "$2" "$LIST_ALL" 100
  [ "$(wc -l <"$tmp/cursors")" -ge 2 ] || walk_pages "$1" "$2" "$LIST_ALL" 1
  [ -s "$tmp/cursors" ] || die "$LIST_ALL at $1 has a single row: no page in the middle"
  echo "  $LIST_ALL at $1, every page: $WALK_ROWS rows in ${WALK_SECONDS} s" >&2
  sed -n "$(( ($(wc -l <"$tmp/cursors") + 1) / 2 ))p" "$tmp/cursors"
}

big_mid=$(mid_cursor "$BIG_URL" "$big_tok")
small_mid=$(mid_cursor "$SMALL_URL" "$small_tok")
walk_pages "$BIG_URL" "$big_tok" "$LIST" 100
echo "  $LIST, every page of 100 on the big data: $WALK_ROWS rows in ${WALK_SECONDS} s"

# {CURSOR}: the side's cursor of a page in the middle of the year's list
QUERIES=(
  "/api/v1/concerns?limit=20"
  "/api/v1/concerns?status=new&street=$STREET"
  "/api/v1/suggestions?limit=20"
  "$LIST&limit=20"
  "$LIST_ALL&limit=20&cursor={CURSOR}"
  "/api/v1/stats?from=2026-01-01&to=2026-12-31"
)

printf '\n%-56s | %-13s | %-13s | %-17s | %s\n' endpoint "p99 ms big" "p99 ms small" "req/s big / small" "p99 big/small"
printf '%s\n' "$(printf '%.0s-' $(seq 120))"
i=0
# max_ms FILE -> wrk's maximum latency in ms
max_ms() { to_ms "$(awk '$1 == "Latency" {print $4; exit}' "$1")"; }

for tq in "${QUERIES[@]}"; do
  i=$((i + 1))
  q=${tq//\{CURSOR\}/$big_mid}; sq=${tq//\{CURSOR\}/$small_mid}
  bc=$(get_check big "$BIG_URL$q" "$big_tok")
  sc=$(get_check small "$SMALL_URL$sq" "$small_tok")
  wrk_get "$BIG_URL$q" "$big_tok" "$WARMUP" "$tmp/warm-big.txt"
  wrk_get "$SMALL_URL$sq" "$small_tok" "$WARMUP" "$tmp/warm-small.txt"
  bp=() sp=() br=() sr=() ratios=() notes="" bmax=()
  for round in 1 2; do
    wrk_get "$BIG_URL$q" "$big_tok" "$DURATION" "$tmp/big-$i-$round.txt"
    parse_wrk "$tmp/big-$i-$round.txt"; bp+=("$P99") br+=("$RPS"); notes+=${WRK_NOTE:+ big:$WRK_NOTE}
    bmax+=("$(max_ms "$tmp/big-$i-$round.txt")")
    # no answer within the run: wrk prints 0 for p99, which is no ratio at all
    [ "${NREQ:-0}" -gt 0 ] || { bp[-1]=NaN; notes+=" big: no answer within ${DURATION} s"; }
    wrk_get "$SMALL_URL$sq" "$small_tok" "$DURATION" "$tmp/small-$i-$round.txt"
    parse_wrk "$tmp/small-$i-$round.txt"; sp+=("$P99") sr+=("$RPS"); notes+=${WRK_NOTE:+ small:$WRK_NOTE}
    ratios+=("$(awk -v a="${bp[-1]}" -v b="${sp[-1]}" 'BEGIN {printf "%.2f", (a != "NaN" && b > 0 ? a / b : 1e9)}')")
  done
  best=$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)
  verdict=$(awk -v r="$best" 'BEGIN {print (r <= 2.0 ? "PASS" : "MISS")}')
  printf '%-56s | %-13s | %-13s | %-17s | %s %s\n' "${tq/\{CURSOR\}/(middle)}" "$(range_of "${bp[@]}")" \
    "$(range_of "${sp[@]}")" "$(range_of "${br[@]}") / $(range_of "${sr[@]}")" "$(range_of "${ratios[@]}")" "$verdict"
  printf '%-56s   body %s B big, %s B small; max ms big %s%s\n' "" "${bc%% *}" "${sc%% *}" \
    "$(range_of "${bmax[@]}")" "${notes:+;$notes}"
done
echo "(PASS when the better round's p99 ratio is <= 2.0; both rounds are shown as a range;"
echo " a ratio of 1e+09 means no answer within a run)"

# ---- the dashboard computed (--stats-ttl 0): what a cache miss costs ----------------
times=()
for _ in 1 2 3 4 5; do
  c=$(get_check big0 "$BIG0_URL/api/v1/stats?from=2026-01-01&to=2026-12-31" "$big_tok")
  times+=("$(awk -v s="${c#* }" 'BEGIN {printf "%.0f", s * 1000}')")
done
alive
kill -0 "$big0_pid" 2>/dev/null || die "youyue (--stats-ttl 0) on the big data died"
echo
echo "GET /api/v1/stats?from=2026-01-01&to=2026-12-31 computed (--stats-ttl 0), 5 in a row on the big"
echo "  data: $(printf '%s ' "${times[@]}")ms (what one request pays when the cached answer has expired)"

# ---- whole-year exports: rows per second (a report) ----------------------------------
echo
echo "whole-year CSV exports on the big data (rows per second; a report):"
for kind in suggestions assignments results; do
  for filter in "unit=$UNIT" "street=$STREET"; do
    c=$(get_check csv "$BIG_URL/api/v1/lists/$kind?year=2026&$filter&format=csv" "$big_tok")
    rows=$(($(grep -c $'\r$' "$tmp/check.out") - 1))
    t0=$(date +%s.%N)
    "$YOUYUE_BIN" export --db "$BIG" "$kind" --year 2026 "--${filter%%=*}" "${filter#*=}" --format csv \
      --output "$tmp/export.csv" >/dev/null || die "youyue export $kind $filter failed"
    t1=$(date +%s.%N)
    printf '  %-12s %-9s %6d rows  API %6.2f s %8.0f rows/s   youyue export %6.2f s %8.0f rows/s\n' \
      "$kind" "$filter" "$rows" "${c#* }" "$(awk -v r="$rows" -v s="${c#* }" 'BEGIN {print (s > 0 ? r / s : 0)}')" \
      "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" \
      "$(awk -v r="$rows" -v a="$t0" -v b="$t1" 'BEGIN {print (b > a ? r / (b - a) : 0)}')"
  done
done
awk '/^VmHWM:/ {printf "youyue peak RSS (VmHWM): %.1f MB on the big data, ", $2 / 1024}' "/proc/$big_pid/status"
awk '/^VmHWM:/ {printf "%.1f MB on the small\n", $2 / 1024}' "/proc/$small_pid/status"

# ---- submission on the big data ------------------------------------------------------
if [ -z "${BENCH_BIG_SKIP_POST:-}" ]; then
  echo
  echo "POST /api/v1/concerns, wrk -t$WRK_THREADS -c$POST_CONNS -d${DURATION}s, big / small:"
  for round in 1 2; do
    for side in big small; do
      url=$BIG_URL; [ "$side" = small ] && url=$SMALL_URL
      wrk -t"$WRK_THREADS" -c"$POST_CONNS" -d"$DURATION"s --timeout 10s --latency -s bench/concern.lua \
        "$url" >"$tmp/post-$side-$round.txt" 2>&1 || { cat "$tmp/post-$side-$round.txt" >&2; die "wrk failed"; }
      alive
      parse_wrk "$tmp/post-$side-$round.txt"
      printf '  round %s  %-5s %7.0f concerns/s  p99 %8.2f ms%s\n' "$round" "$side" "$RPS" "$P99" \
        "${WRK_NOTE:+   !$WRK_NOTE}"
    done
  done
fi
