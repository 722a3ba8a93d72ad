#!/bin/sh
# run_fuzzers.sh BUILD_DIR SECONDS
# Runs every fuzz target for SECONDS, all at once (one per core), starting
# from the seed corpora and keeping what they find in BUILD_DIR/fuzz/. Prints
# each target's executions and coverage; fails if any target crashed.
set -u
build=$1 seconds=$2
out=$build/fuzz
mkdir -p "$out"
pids=""
for target in pt2 pickle pte; do
  corpus=$out/corpus-$target
  mkdir -p "$corpus" "$out/artifacts-$target"
  case $target in
    pt2) seeds="$build/hostile/seeds/pt2 $build/hostile/corpus" ;;
    pickle) seeds="$build/hostile/seeds/pickle" ;;
    pte) seeds="$build/hostile/pte-corpus ${KILN_SHARED_FIXTURES:-$(dirname "$0")/../../../shared/fixtures}/pte" ;;
  esac
  echo "fuzzing $target for $seconds s (log: $out/$target.log)"
  # shellcheck disable=SC2086
  "$build/bin/kiln-fuzz-$target" -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=4096 -timeout=30 -artifact_prefix="$out/artifacts-$target/" \
    "$corpus" $seeds > "$out/$target.log" 2>&1 &
  pids="$pids $!"
done
status=0
for pid in $pids; do
  wait "$pid" || status=1
done
for target in pt2 pickle pte; do
  log=$out/$target.log
  echo "== kiln-fuzz-$target"
  grep -E "^Done [0-9]+ runs" "$log" || echo "(no summary)"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$log"
  grep -E "#[0-9]+.*(cov|ft):" "$log" | tail -n 1
  if grep -qE "ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|SUMMARY: " "$log"; then
    echo "CRASH: see $log and $out/artifacts-$target/"
    status=1
  fi
done
exit $status
