#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time: tools/fuzz.sh BUILD_DIR SECONDS
# The corpus grows in fuzz-corpus/<name>/ (not committed), seeded from
# tests/fuzz/corpus/<name>/.  Exits non-zero on the first crash.
set -euo pipefail
build=$1 secs=$2
status=0
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] || continue
  name=$(basename "$exe"); short=${name#fuzz_}
  mkdir -p "fuzz-corpus/$short"
  echo "fuzzing $short for ${secs}s"
  if ! "$exe" -max_total_time="$secs" -max_len=65536 -print_final_stats=0 \
      -artifact_prefix="fuzz-corpus/$short-" "fuzz-corpus/$short" "tests/fuzz/corpus/$short" \
      >"fuzz-corpus/$short.log" 2>&1; then
    echo "CRASH in $short: see fuzz-corpus/$short.log"; tail -30 "fuzz-corpus/$short.log"; status=1
  else
    grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "fuzz-corpus/$short.log" | tail -1 || true
  fi
done
exit $status
