#!/usr/bin/env bash
# Bulk bench data (`make benchdata`): the demo district plus BENCH_CONCERNS
# concerns (default 1,000,000) and BENCH_SUGGESTIONS suggestions (default
# 100,000) with their timeline, claims, signers, assignments (lead, co,
# returned), contacts, replies, evaluations, follow-ups and public ratings,
# dated 2025-01-01 up to now (at most 2026-12-31).  See bench/README.md.
#
#   bench/benchdata.sh [DB]
#
# DB: BENCH_BIG_DB (default bench/out/big.db), or BENCH_PG_URL when set (a
# postgresql:// URL; the database is created when missing, and must not hold
# concerns yet).  A SQLite file is made anew.
# Env: YOUYUE_BIN (default build/youyue), BENCHDB_BIN (default next to it),
#      BENCH_CONCERNS, BENCH_SUGGESTIONS.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

YOUYUE_BIN=${YOUYUE_BIN:-build/youyue}
[ -x "$YOUYUE_BIN" ] || die "no youyue binary at $YOUYUE_BIN (run make build, or set YOUYUE_BIN)"
find_benchdb
NC=${BENCH_CONCERNS:-1000000}
NS=${BENCH_SUGGESTIONS:-100000}
for v in NC NS; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
DB=${1:-${BENCH_PG_URL:-${BENCH_BIG_DB:-bench/out/big.db}}}

T0=1735660800   # 2025-01-01T00:00:00+08:00
T1=1798732800   # 2027-01-01T00:00:00+08:00
NOW=$(date +%s)
END=$((NOW < T1 ? NOW : T1))
[ "$END" -gt $((T0 + 86400 * 2)) ] || die "the clock says $(date): the data spans 2025-2026"
SPAN=$((END - T0))
N=$((NC > NS ? NC : NS))
N=$((N > 8 ? N : 8))

script=$(mktemp "${TMPDIR:-/tmp}/youyue-benchdata.XXXXXX")
trap 'rm -f "$script"' EXIT

if is_pg_url "$DB"; then
  if ! psql "$DB" -qAt -c 'SELECT 1' >/dev/null 2>&1; then
    name=${DB##*/}; name=${name%%\?*}
    psql "${DB%/*}/postgres" -qAt -c "CREATE DATABASE \"$name\"" >/dev/null ||
      die "cannot reach or create $DB"
  fi
  backend=pg
else
  mkdir -p "$(dirname "$DB")"
  rm -f "$DB" "$DB-wal" "$DB-shm"
  backend=sqlite
fi
"$YOUYUE_BIN" init --db "$DB" --demo >/dev/null ||
  die "youyue init --db $DB --demo failed"
if [ "$backend" = pg ]; then
  n=$(psql "$DB" -qAt -c 'SELECT count(*) FROM concerns')
  [ "$n" = 0 ] || die "$DB already holds $n concerns: use an empty database"
fi

cat "bench/sql/prelude_$backend.sql" bench/sql/gen.sql "bench/sql/post_$backend.sql" >"$script"
echo "benchdata: $NC concerns, $NS suggestions into $DB ($backend)"
t0=$(date +%s.%N)
"$BENCHDB_BIN" exec "$DB" "$script" N="$N" NC="$NC" NS="$NS" T0="$T0" SPAN="$SPAN" NOW="$NOW"
# the day's supervision sweep (催办), as `youyue serve` runs it at start: the
# reminders a live database would hold, and no sweep of a million rows
# inside the first measurements
"$YOUYUE_BIN" remind --db "$DB" | sed 's/^/  /'
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v s="$(db_size "$DB")" \
  'BEGIN { printf "benchdata: done in %.1f s; database size %s\n", b - a, s }'
