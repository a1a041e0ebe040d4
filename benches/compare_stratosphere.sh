#!/usr/bin/env bash
# Side by side with the stratosphere peer (typed L1 CloudFormation for Rust), in one session:
#   1. clean release build of an example with default features (ferroform: fargate_fleet;
#      stratosphere: the peer program in ../shared/peers/strato, six services), 3 runs each;
#   2. incremental debug rebuild after editing the example file, 5 runs each;
#   3. synth of 50 Fargate services (361 resources), whole process, median of 60 runs
#      (interleaved: 20 rounds of 3 runs each)
#      (hyperfine, 3 warm-ups).
# Needs: hyperfine (Debian package), GNU time, the peer sources in ../shared/peers/strato.
# Usage: benches/compare_stratosphere.sh [RUNS_BUILD] ; prints a Markdown table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer_src="${STRATO_SRC:-$root/../shared/peers/strato}"
work="$(mktemp -d /tmp/ff-compare.XXXXXX)"
trap 'rm -rf "$work"' EXIT
runs_build="${1:-3}"

command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
[ -f "$peer_src/Cargo.toml" ] || { echo "no peer sources at $peer_src" >&2; exit 2; }

# The peer builds in its own copy, outside the repository (its code is not committed here).
cp -r "$peer_src" "$work/strato"
chmod -R u+w "$work/strato"
(cd "$work/strato" && cargo fetch -q)
(cd "$root" && cargo fetch -q)

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

wall() { # wall seconds of a command (GNU time)
    /usr/bin/time -f "%e" -o "$work/t" "$@" >/dev/null 2>&1
    cat "$work/t"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sm), rustc $(rustc --version | cut -d' ' -f2)"

# --- 1. clean release builds
ff_rel=(); st_rel=()
for _ in $(seq "$runs_build"); do
    rm -rf "$work/t-ff" "$work/t-st"
    ff_rel+=("$(cd "$root" && CARGO_TARGET_DIR="$work/t-ff" wall cargo build -q --release --example fargate_fleet)")
    st_rel+=("$(cd "$work/strato" && CARGO_TARGET_DIR="$work/t-st" wall cargo build -q --release)")
done
ff_rel_m=$(printf '%s\n' "${ff_rel[@]}" | median)
st_rel_m=$(printf '%s\n' "${st_rel[@]}" | median)

# --- 2. incremental debug rebuild after editing the example file
(cd "$root" && CARGO_TARGET_DIR="$work/t-ffd" cargo build -q --example fargate_fleet)
(cd "$work/strato" && CARGO_TARGET_DIR="$work/t-std" cargo build -q)
ff_inc=(); st_inc=()
for i in $(seq 5); do
    cp "$root/examples/fargate_fleet.rs" "$work/fleet.bak"
    echo "// edit $i" >> "$root/examples/fargate_fleet.rs"
    ff_inc+=("$(cd "$root" && CARGO_TARGET_DIR="$work/t-ffd" wall cargo build -q --example fargate_fleet)")
    cp "$work/fleet.bak" "$root/examples/fargate_fleet.rs"
    echo "// edit $i" >> "$work/strato/src/main.rs"
    st_inc+=("$(cd "$work/strato" && CARGO_TARGET_DIR="$work/t-std" wall cargo build -q)")
done
(cd "$root" && CARGO_TARGET_DIR="$work/t-ffd" cargo build -q --example fargate_fleet)
ff_inc_m=$(printf '%s\n' "${ff_inc[@]}" | median)
st_inc_m=$(printf '%s\n' "${st_inc[@]}" | median)

# --- 3. synth, 50 services, whole process
ff_bin="$work/t-ff/release/examples/fargate_fleet"
st_bin="$work/t-st/release/bench"
SERVICES=50 "$ff_bin" synth > "$work/ff.json"
SERVICES=50 OUT="$work/st.json" "$st_bin"
ff_res=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['Resources']))" "$work/ff.json")
st_res=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['Resources']))" "$work/st.json")
# Interleaved, so that a drift in machine load hits both alike: 20 rounds of 3 runs each
# (after one warm-up), 60 runs per program; the median over all runs. ferroform writes into a
# fresh directory every run (its unchanged-file shortcut does not apply), stratosphere
# overwrites its file.
for i in $(seq 20); do
    hyperfine -N --warmup 1 --runs 3 --export-json "$work/h$i.json" \
        --prepare "rm -rf $work/o" \
        -n ferroform "env SERVICES=50 $ff_bin synth --out $work/o" \
        -n stratosphere "env SERVICES=50 OUT=$work/st.json $st_bin" >/dev/null 2>&1
done
read -r ff_syn st_syn < <(python3 -c "
import json,sys,glob,statistics
t={'ferroform':[],'stratosphere':[]}
for f in glob.glob(sys.argv[1] + '/h*.json'):
    for x in json.load(open(f))['results']:
        t[x['command']] += x['times']
print(f\"{statistics.median(t['ferroform'])*1000:.2f} {statistics.median(t['stratosphere'])*1000:.2f}\")" "$work")
ff_rss=$(/usr/bin/time -f "%M" env SERVICES=50 "$ff_bin" synth --out "$work/o" 2>&1 >/dev/null | tail -1)
st_rss=$(/usr/bin/time -f "%M" env SERVICES=50 OUT="$work/st.json" "$st_bin" 2>&1 >/dev/null | tail -1)

ratio() { python3 -c "print(f'{$1/$2:.2f}×')"; }
cat <<EOF

| measure | ferroform | stratosphere | ratio |
|---|---:|---:|---:|
| clean release build of the example (median of $runs_build; runs: ${ff_rel[*]} / ${st_rel[*]}) | ${ff_rel_m} s | ${st_rel_m} s | $(ratio "$ff_rel_m" "$st_rel_m") |
| incremental debug rebuild after editing the example (median of 5) | ${ff_inc_m} s | ${st_inc_m} s | $(ratio "$ff_inc_m" "$st_inc_m") |
| synth, 50 services ($ff_res / $st_res resources), whole process, median of 60 interleaved runs | ${ff_syn} ms | ${st_syn} ms | $(ratio "$ff_syn" "$st_syn") |
| peak RSS of that synth | $((ff_rss / 1024)) MiB | $((st_rss / 1024)) MiB | |
EOF
