#!/usr/bin/env bash
# Measured script (#15): a no-op deploy of an app of 20 unchanged stacks with
# `--concurrency 8`, against a no-op deploy of one of those stacks, on moto's server on
# loopback. The target: planning (reading the app, ordering, comparing with the deployed
# templates) is not the bottleneck — 20 stacks within 2x of one.
#
#   bash benches/deploy_many.sh [RUNS]        (default 9 runs each; median reported)
#
# Needs: .venv with moto[server] (tests/setup_venv.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-9}"
N=20

[[ -x .venv/bin/moto_server ]] || bash tests/setup_venv.sh
cargo build -q --release -p ferroform --features deploy --bin ferroform
FERROFORM="$ROOT/target/release/ferroform"

source benches/moto_lib.sh
start_moto

# The app: N stacks of a log group each, written as `synth --out` writes them, served by a
# script (the `--app` command) that copies them out.
mkdir -p "$WORK/all" "$WORK/one"
python3 - "$WORK" "$N" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
def write(d, names):
    stacks = {}
    for name in names:
        t = {"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup",
             "Properties": {"LogGroupName": f"bench-{name}", "RetentionInDays": 7}}}}
        json.dump(t, open(f"{work}/{d}/{name}.template.json", "w"))
        stacks[name] = {"template": f"{name}.template.json"}
    json.dump({"version": 1, "stacks": stacks}, open(f"{work}/{d}/ferroform.manifest.json", "w"))
names = [f"Bench{i:02d}" for i in range(n)]
write("all", names)
write("one", names[:1])
PY
printf '#!/bin/sh\ncp "%s"/all/* "$3"/\n' "$WORK" > "$WORK/all.sh"
printf '#!/bin/sh\ncp "%s"/one/* "$3"/\n' "$WORK" > "$WORK/one.sh"

# Create them once (not measured).
"$FERROFORM" deploy --app "sh $WORK/all.sh" --yes --concurrency 8 >/dev/null

measure() { # label, command...
    local label=$1; shift
    local times=()
    "$@" >/dev/null 2>&1   # warm-up; must succeed
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | median)
    printf '%-52s median %6.3f s   (%d runs)\n' "$label" "$med" "$RUNS"
    echo "$med" > "$WORK/$label.median"
}

echo "machine: $(nproc) cores, $(uname -sm)"
measure "one stack, no-op" "$FERROFORM" deploy --app "sh $WORK/one.sh"
measure "$N stacks, no-op, --concurrency 8" "$FERROFORM" deploy --app "sh $WORK/all.sh" --concurrency 8
measure "$N stacks, no-op, --concurrency 1" "$FERROFORM" deploy --app "sh $WORK/all.sh"
one=$(cat "$WORK/one stack, no-op.median")
many=$(cat "$WORK/$N stacks, no-op, --concurrency 8.median")
printf 'ratio (%d stacks at 8 / one): %.2fx (target <= 2x)\n' "$N" "$(echo "$many / $one" | bc -l)"
