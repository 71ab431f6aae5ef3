#!/usr/bin/env bash
# Benchmarks Cutover on synthetic environments (see README "Performance").
#   scripts/benchmark.sh [--releases] [GENERATIONS...]
#     default: 333 3333 (about 1,000 and 10,000 resources; with --releases, three Helm releases per generation too)
# For each size: applies the environment on the simulated cloud with no build delay (the apply time), then
# times `plan --no-refresh` over the recorded state (wall time and peak memory, best of 5).
set -euo pipefail
cd "$(dirname "$0")/.."
# A release build in its own folder, so it never disturbs the debug build of everyday work.
scratch="${CUTOVER_BENCH_SCRATCH:-.build-release}"
swift build -c release --product cutover --scratch-path "$scratch" >"${TMPDIR:-/tmp}/cutover-bench-build.log" 2>&1 \
  || { echo "release build failed: see ${TMPDIR:-/tmp}/cutover-bench-build.log" >&2; exit 1; }
binary="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/cutover"
releases=()
if [ "${1:-}" = "--releases" ]; then releases=(--releases); shift; fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(333 3333)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export CUTOVER_SIMULATOR_BUILD_SECONDS=0 NO_COLOR=1

for generations in "${sizes[@]}"; do
  dir="$work/$generations"
  python3 scripts/synthetic-environment.py "${releases[@]}" "$generations" "$dir" >/dev/null
  start=$(date +%s.%N)
  (cd "$dir" && "$binary" apply bench --simulate --auto-approve --parallelism 10 >"$dir/apply.log")
  end=$(date +%s.%N)
  resources=$(cd "$dir" && "$binary" state list bench | wc -l)
  printf 'apply   %6d resources: %7.2f s\n' "$resources" "$(echo "$end - $start" | bc)"
  best=""
  rss=""
  for _ in 1 2 3 4 5; do
    out=$(cd "$dir" && /usr/bin/time -f '%e %M' "$binary" plan bench --no-refresh 2>&1 >/dev/null | tail -1)
    seconds=${out% *}
    kilobytes=${out#* }
    if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc)" = 1 ]; then best=$seconds; rss=$kilobytes; fi
  done
  printf 'plan    %6d resources: %7.2f s, peak %5d MB (best of 5, --no-refresh, no changes)\n' \
    "$resources" "$best" "$((rss / 1024))"
done
