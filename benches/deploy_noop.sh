#!/usr/bin/env bash
# Measured script: a no-op deploy of an example stack against a local CloudFormation endpoint
# (moto's server), ferroform vs the AWS CLI's `aws cloudformation deploy`, side by side.
#
#   bash benches/deploy_noop.sh [RUNS]        (default 15 runs each; median reported)
#
# Needs: .venv with moto[server] (tests/setup_venv.sh), and the AWS CLI in a separate venv
# .venv-awscli (created here with `pip install awscli` when missing; kept apart from the test
# venv so that its botocore pin does not disturb moto's).
#
# Also times a real (changing) deploy. moto settles synchronously, so that is API calls plus
# the first poll. How long polling adds after the final state is measured precisely in
# dsl/tests/deploy_mocked.rs (polling_notices_the_final_state_within_a_second: a synthesized
# DescribeStacks turns CREATE_COMPLETE at a known instant, 3.5 s in, when the schedule is at its
# 1 s maximum; it prints "POLL LAG") and bounded by the unit test of the schedule in
# dsl/src/deploy/session.rs (100 ms growing by half, never over 1 s).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS="${1:-15}"

[[ -x .venv/bin/moto_server ]] || bash tests/setup_venv.sh
if [[ ! -x .venv-awscli/bin/aws ]]; then
    python3 -m venv .venv-awscli
    .venv-awscli/bin/pip install --disable-pip-version-check -q awscli
fi
cargo build -q --release -p ferroform --features deploy --bin ferroform
FERROFORM="$ROOT/target/release/ferroform"

source benches/moto_lib.sh
start_moto

cargo run -q --example fargate_service -- synth > "$WORK/t.json"
echo "template: fargate_service example, $(wc -c < "$WORK/t.json") bytes"

# Create both stacks once (not measured).
"$FERROFORM" deploy --template "$WORK/t.json" --stack-name bench-ferroform --yes >/dev/null
.venv-awscli/bin/aws cloudformation deploy --template-file "$WORK/t.json" --stack-name bench-awscli \
    --capabilities CAPABILITY_IAM >/dev/null

now() { python3 -c 'import time;print(time.perf_counter())'; }

measure() { # label, command...
    local label=$1; shift
    local times=()
    "$@" >/dev/null 2>&1 || true   # warm-up
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    local med min max
    med=$(printf '%s\n' "${times[@]}" | median)
    min=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
    max=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
    printf '%-44s median %6.3f s   (min %.3f, max %.3f, %d runs)\n' "$label" "$med" "$min" "$max" "$RUNS"
}

echo "machine: $(nproc) cores, $(uname -sm)"
measure "ferroform deploy (no-op)" "$FERROFORM" deploy --template "$WORK/t.json" --stack-name bench-ferroform
measure "aws cloudformation deploy (no-op)" .venv-awscli/bin/aws cloudformation deploy \
    --template-file "$WORK/t.json" --stack-name bench-awscli --capabilities CAPABILITY_IAM
# The AWS CLI exits 255 on "No changes to deploy" unless told otherwise; same timing either way.

# Polling after the final state: a real update each run (desired count alternates).
python3 - "$WORK" <<'PY'
import json, sys
d = sys.argv[1]
t = json.load(open(f"{d}/t.json"))
for n in (5, 6):
    t["Resources"]["Service"]["Properties"]["DesiredCount"] = n
    json.dump(t, open(f"{d}/t{n}.json", "w"))
PY
update_times=()
for i in $(seq "$RUNS"); do
    n=$(( i % 2 ? 5 : 6 ))
    t0=$(date +%s.%N)
    "$FERROFORM" deploy --template "$WORK/t$n.json" --stack-name bench-ferroform --yes --progress events >/dev/null
    t1=$(date +%s.%N)
    update_times+=("$(echo "$t1 - $t0" | bc -l)")
done
printf '%-44s median %6.3f s   (%d runs; moto finishes synchronously, so this is API calls + polling)\n' \
    "ferroform deploy (in-place update)" "$(printf '%s\n' "${update_times[@]}" | median)" "$RUNS"
