#!/usr/bin/env bash
# Runs every suite and ends with one line "N passed, N failed" over all of them.
#   unit:      the cmocka tests, built normally and with ASan+UBSan
#   http:      the Node test runner against the real server (both builds) on
#              SQLite, and again on PostgreSQL (a throwaway cluster that this
#              script starts with tests/pg.sh and removes at exit), and once
#              more (normal build) reading from a synchronous hot standby of
#              that cluster (tests/pg.sh start-replica, YOUYUE_PG_READ_URL)
#   browser:   the Node test runner over tests/browser/ (Debian's chromium driven
#              by playwright-core, axe, screenshots into tests/artifacts/screenshots)
#              against the normal build, on SQLite and on PostgreSQL; without
#              chromium it fails
# Each suite's own output goes to tests/artifacts/<suite>.log; failures are shown.
set -uo pipefail
cd "$(dirname "$0")/.."
out=tests/artifacts
mkdir -p "$out"
# the HTTP suite's own dependencies (package.json: exceljs reads XLSX back)
# (again when package-lock.json is newer than what npm last installed)
if [ -f package-lock.json ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund >"$out/npm-ci.log" 2>&1 || { echo "--- npm ci failed:"; tail -20 "$out/npm-ci.log"; }
fi
total_pass=0 total_fail=0 total_skip=0

count() { # suite pass fail
  printf '%-28s %4d passed, %d failed\n' "$1" "$2" "$3"
  total_pass=$((total_pass + $2)); total_fail=$((total_fail + $3))
}

run_cmocka() { # build-dir label [only-these-tests...]
  local dir=$1 label=$2 only=" ${*:3} "
  for exe in "$dir"/tests/unit/test_*; do
    [ "$only" = "  " ] || [[ $only == *" $(basename "$exe") "* ]] || continue
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    local name log pass fail skip
    name=$(basename "$exe"); log="$out/$label-$name.log"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$exe" >"$log" 2>&1
    local rc=$?
    pass=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    fail=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    skip=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    pass=${pass:-0}; fail=${fail:-0}; total_skip=$((total_skip + ${skip:-0}))
    if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi # crashed or sanitizer report
    [ "$fail" -ne 0 ] && { echo "--- $label $name failed:"; tail -40 "$log"; }
    count "$label $name" "$pass" "$fail"
  done
}

run_node() { # binary label [pg-url [pg-read-url]]
  local bin=$1 label=$2 pg=${3:-} pgread=${4:-}
  local log="$out/$label.log"
  YOUYUE_PG_URL="$pg" YOUYUE_PG_READ_URL="$pgread" YOUYUE_BIN="$bin" node --test --test-reporter=tap --test-concurrency=1 "${suite_dir:-tests/http/}" >"$log" 2>&1
  local rc=$?
  local pass fail skip
  skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log" | tail -1)
  total_skip=$((total_skip + ${skip:-0}))
  [ "${skip:-0}" -ne 0 ] && grep -E "# SKIP" "$log" | sed "s/^/    $label skipped: /"
  pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  pass=${pass:-0}; fail=${fail:-0}
  if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
  [ "$fail" -ne 0 ] && { echo "--- $label failed:"; grep -E "^not ok|# Subtest|error|expected|actual" "$log" | head -60; }
  count "$label" "$pass" "$fail"
}

run_browser() { # binary label [pg-url]
  local chrome=${YOUYUE_CHROMIUM:-/usr/bin/chromium}
  if [ ! -x "$chrome" ]; then
    echo "--- $2: chromium not found at $chrome (tools/deps.sh test installs Debian's chromium)"
    count "$2 (no chromium)" 0 1
    return
  fi
  suite_dir=tests/browser/ run_node "$1" "$2" "${3:-}"
}

run_cmocka build unit
run_cmocka build-asan unit-asan
run_node "$PWD/build/youyue" http
run_node "$PWD/build-asan/youyue" http-asan
rm -rf "$out/screenshots"
run_browser "$PWD/build/youyue" browser

pgdir=$(mktemp -d /tmp/youyue-pg.XXXXXX)
chmod 755 "$pgdir"
# the standby stops first: with it gone, the primary's commits would wait for it
trap 'tests/pg.sh stop "$pgdir/replica"; tests/pg.sh stop "$pgdir/cluster"; rm -rf "$pgdir"' EXIT
if pgurl=$(tests/pg.sh start "$pgdir/cluster" 2>"$out/pg-start.log"); then
  # the unit tests that also run on PostgreSQL when given a server (they skip without one)
  YOUYUE_PG_URL="$pgurl" run_cmocka build unit-postgresql test_group test_plan
  run_node "$PWD/build/youyue" http-postgresql "$pgurl"
  run_node "$PWD/build-asan/youyue" http-postgresql-asan "$pgurl"
  run_browser "$PWD/build/youyue" browser-postgresql "$pgurl"
  if pgread=$(tests/pg.sh start-replica "$pgdir/cluster" "$pgdir/replica" 2>"$out/pg-replica-start.log"); then
    run_node "$PWD/build/youyue" http-postgresql-replica "$pgurl" "$pgread"
  else
    echo "--- could not start the PostgreSQL standby:"; cat "$out/pg-replica-start.log"
    count "http-postgresql-replica (not started)" 0 1
  fi
else
  echo "--- could not start PostgreSQL:"; cat "$out/pg-start.log"
  count "http-postgresql (not started)" 0 1
fi

echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
