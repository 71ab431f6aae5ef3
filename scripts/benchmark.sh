#!/usr/bin/env bash
# Benchmarks Cutover on synthetic environments (see README "Performance").
#   scripts/benchmark.sh [--releases] [--postgresql] [GENERATIONS...]
#     default: 333 3333 (about 1,000 and 10,000 resources; with --releases, three Helm releases per generation too)
# For each size: applies the environment on the simulated cloud with no build delay (the apply time, and per action),
# then times `plan --no-refresh` over the recorded state (wall time and peak memory, best of 5). With --postgresql
# it does so twice, with the local SQLite state and with `state: {backend: postgresql}` in a scratch PostgreSQL
# (scripts/postgres-scratch, on loopback), one row each.
set -euo pipefail
cd "$(dirname "$0")/.."
# A release build in its own folder, so it never disturbs the debug build of everyday work.
scratch="${CUTOVER_BENCH_SCRATCH:-.build-release}"
swift build -c release --product cutover --scratch-path "$scratch" >"${TMPDIR:-/tmp}/cutover-bench-build.log" 2>&1 \
  || { echo "release build failed: see ${TMPDIR:-/tmp}/cutover-bench-build.log" >&2; exit 1; }
binary="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/cutover"
releases=()
backends=(local)
while [ $# -gt 0 ]; do
  case "$1" in
    --releases) releases=(--releases); shift ;;
    --postgresql) backends=(local postgresql); shift ;;
    *) break ;;
  esac
done
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(333 3333)
work="$(mktemp -d)"
cleanup() {
  if [ -f "$work/postgres/cluster" ]; then scripts/postgres-scratch stop "$work/postgres" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export CUTOVER_SIMULATOR_BUILD_SECONDS=0 NO_COLOR=1
if [ "${backends[*]}" != local ]; then
  server="$(scripts/postgres-scratch start "$work/postgres")"
fi

for generations in "${sizes[@]}"; do
  for backend in "${backends[@]}"; do
    dir="$work/$generations-$backend"
    python3 scripts/synthetic-environment.py "${releases[@]}" "$generations" "$dir" >/dev/null
    unset CUTOVER_PG_URL
    if [ "$backend" = postgresql ]; then
      printf 'state:\n  backend: postgresql\n' >>"$dir/clusters/bench.yaml"
      database="bench_${generations}_$RANDOM"
      psql -X -q "$server" -c "CREATE DATABASE $database" >/dev/null
      # The scratch server's URL, naming the new database (with TLS, as `prefer` gives it).
      export CUTOVER_PG_URL="${server%/postgres}/$database"
    fi
    start=$(date +%s.%N)
    (cd "$dir" && "$binary" apply bench --simulate --auto-approve --parallelism 10 >"$dir/apply.log")
    end=$(date +%s.%N)
    resources=$(cd "$dir" && "$binary" state list bench | wc -l)
    seconds=$(echo "$end - $start" | bc)
    printf '%-10s apply   %6d resources: %7.2f s, %5.2f ms per action\n' \
      "$backend" "$resources" "$seconds" "$(echo "$seconds * 1000 / $resources" | bc -l)"
    best=""
    rss=""
    for _ in 1 2 3 4 5; do
      out=$(cd "$dir" && /usr/bin/time -f '%e %M' "$binary" plan bench --no-refresh 2>&1 >/dev/null | tail -1)
      seconds=${out% *}
      kilobytes=${out#* }
      if [ -z "$best" ] || [ "$(echo "$seconds < $best" | bc)" = 1 ]; then best=$seconds; rss=$kilobytes; fi
    done
    printf '%-10s plan    %6d resources: %7.2f s, peak %5d MB (best of 5, --no-refresh, no changes)\n' \
      "$backend" "$resources" "$best" "$((rss / 1024))"
  done
done
