#!/usr/bin/env bash
# Benchmarks Cutover on synthetic environments (see README "Performance").
#   scripts/benchmark.sh [--releases] [--postgresql] [GENERATIONS...]
#     default: 333 3333 (about 1,000 and 10,000 resources; with --releases, three Helm releases per generation too)
#     For each size: applies the environment on the simulated cloud with no build delay (the apply time, and per
#     action), then times `plan --no-refresh` over the recorded state (wall time and peak memory, best of 5). With
#     --postgresql it does so twice, with the local SQLite state and with `state: {backend: postgresql}` in a scratch
#     PostgreSQL (scripts/postgres-scratch, on loopback), one row each.
#   scripts/benchmark.sh --eqiad1 [GENERATIONS...]
#     default: 143 1429 (about 1,000 and 10,000 resources shaped like clusters/eqiad1.yaml: a local chart, two values
#     files, three releases and a manifest in every generation). One table: load (`validate`), `plan --no-refresh`
#     (best of 5, peak memory), a refresh (wall time and the simulator's request count), the apply; and, when
#     `terraform` is on PATH, Terraform planning as many `terraform_data` resources with -refresh=false in the same
#     run (best of 3), and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
# A release build in its own folder, so it never disturbs the debug build of everyday work. The Swift runtime and
# Foundation are linked in (--static-swift-stdlib), as for the bastion, which then needs no Swift toolchain: a
# process starts without resolving symbols across a dozen shared libraries (a third of `cutover --version`).
scratch="${CUTOVER_BENCH_SCRATCH:-.build-release}"
build=(swift build -c release --static-swift-stdlib --scratch-path "$scratch")
"${build[@]}" --product cutover >"${TMPDIR:-/tmp}/cutover-bench-build.log" 2>&1 \
  || { echo "release build failed: see ${TMPDIR:-/tmp}/cutover-bench-build.log" >&2; exit 1; }
binary="$("${build[@]}" --show-bin-path)/cutover"
releases=()
backends=(local)
eqiad1=false
while [ $# -gt 0 ]; do
  case "$1" in
    --releases) releases=(--releases); shift ;;
    --postgresql) backends=(local postgresql); shift ;;
    --eqiad1) eqiad1=true; shift ;;
    *) break ;;
  esac
done
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  if [ "$eqiad1" = true ]; then sizes=(143 1429); else sizes=(333 3333); fi
fi
work="$(mktemp -d)"
cleanup() {
  if [ -f "$work/postgres/cluster" ]; then scripts/postgres-scratch stop "$work/postgres" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export CUTOVER_SIMULATOR_BUILD_SECONDS=0 NO_COLOR=1
# Every command sweeps the temporary directory for values folders of dead runs: the benchmark gives it one of its own,
# so that what else the machine keeps in /tmp does not weigh on the times.
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

# The best wall time of RUNS runs of a command in DIR, to the millisecond, and the peak memory (MB) of that run:
# "SECONDS MB". Each run is timed from its spawn to its exit, and its peak read from wait4 (`/usr/bin/time` counts
# in truncated hundredths, and a shell around it adds milliseconds that a 20 ms plan would carry).
best_of() {
  local runs=$1 dir=$2
  shift 2
  (cd "$dir" && python3 - "$runs" "$@" <<'PY'
import os, subprocess, sys, time
runs, command = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(runs):
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=null, stderr=null)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 2):
        sys.exit(f"{' '.join(command)} exited {child.returncode}")
    if best is None or seconds < best[0]:
        best = (seconds, usage.ru_maxrss // 1024)
print(f"{best[0]:.3f} {best[1]}")
PY
  )
}

# Terraform planning COUNT terraform_data resources, each its own block, with -refresh=false, against a state
# recording them: "SECONDS" (best of 3). The state is written as `terraform apply` writes it (an apply of 10,000 takes
# Terraform over ten minutes here, and is not what is compared). Separate blocks, not one block with `count`: with
# `count = 10000` Terraform plans about nine times slower (75 s here), which is not the comparison to make.
terraform_plan() {
  local count=$1 dir="$work/terraform-$1"
  mkdir -p "$dir"
  python3 - "$count" "$dir" <<'PY'
import json, sys, uuid
count, directory = int(sys.argv[1]), sys.argv[2]
with open(f"{directory}/main.tf", "w") as main:
    for index in range(count):
        main.write(f'resource "terraform_data" "r{index}" {{\n  input = "generation-{index}"\n}}\n')
def resource(index):
    value = {"value": f"generation-{index}", "type": "string"}
    return {"mode": "managed", "type": "terraform_data", "name": f"r{index}",
            "provider": "provider[\"terraform.io/builtin/terraform\"]",
            "instances": [{"schema_version": 0, "sensitive_attributes": [],
                           "attributes": {"id": str(uuid.uuid4()), "input": value, "output": value,
                                          "triggers_replace": None}}]}
state = {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": str(uuid.uuid4()), "outputs": {},
         "check_results": None, "resources": [resource(index) for index in range(count)]}
json.dump(state, open(f"{directory}/terraform.tfstate", "w"))
PY
  (cd "$dir" && terraform init -input=false >/dev/null 2>&1)
  if ! (cd "$dir" && terraform plan -refresh=false -input=false -lock=false -detailed-exitcode >/dev/null 2>&1); then
    echo "terraform plans changes against the state written for it (or fails): see $dir" >&2
    exit 1
  fi
  best_of 3 "$dir" terraform plan -refresh=false -input=false -lock=false | cut -d' ' -f1
}

if [ "$eqiad1" = true ]; then
  printf '| resources | load | plan --no-refresh | peak | refresh | requests | apply | Terraform plan | ratio |\n'
  printf '|---|---|---|---|---|---|---|---|---|\n'
  for generations in "${sizes[@]}"; do
    dir="$work/eqiad1-$generations"
    python3 scripts/synthetic-environment.py --eqiad1 "$generations" "$dir" >/dev/null
    start=$(date +%s.%N)
    (cd "$dir" && "$binary" apply bench --simulate --auto-approve --parallelism 10 >"$dir/apply.log")
    apply=$(echo "$(date +%s.%N) - $start" | bc)
    resources=$(cd "$dir" && "$binary" state list bench | wc -l)
    load=$(best_of 5 "$dir" "$binary" validate bench | cut -d' ' -f1)
    read -r plan peak < <(best_of 5 "$dir" "$binary" plan bench --no-refresh)
    start=$(date +%s.%N)
    (cd "$dir" && CUTOVER_SIMULATOR_STATS=1 "$binary" plan bench --simulate >/dev/null 2>"$dir/refresh.log")
    refresh=$(echo "$(date +%s.%N) - $start" | bc)
    requests=$(sed -n 's/^simulator: \([0-9]*\) requests.*/\1/p' "$dir/refresh.log")
    terraform="-"
    ratio="-"
    if command -v terraform >/dev/null 2>&1; then
      terraform=$(terraform_plan "$resources")
      ratio=$(printf '%.0f×' "$(echo "$terraform / $plan" | bc -l)")
      terraform="${terraform} s"
    fi
    printf '| %d | %.3f s | %.3f s | %d MB | %.2f s | %s | %.1f s | %s | %s |\n' "$resources" "$load" "$plan" "$peak" \
      "$refresh" "$requests" "$apply" "$terraform" "$ratio"
  done
  exit 0
fi
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
    read -r best peak < <(best_of 5 "$dir" "$binary" plan bench --no-refresh)
    printf '%-10s plan    %6d resources: %7.3f s, peak %5d MB (best of 5, --no-refresh, no changes)\n' \
      "$backend" "$resources" "$best" "$peak"
  done
done
