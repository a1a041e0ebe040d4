#!/usr/bin/env bash
# Run the whole test suite, installing what it needs.
#
#   tests/run.sh
#
# 1. tests/setup_venv.sh: creates the Python virtual environment .venv/ at the repository root
#    if it is missing (python3 -m venv) and installs the pinned test tools into it:
#    pip install -r tests/requirements.txt -c tests/constraints.txt (cfn-lint, moto[server]).
#    pip is skipped when the venv already holds exactly the pinned versions.
#    tests/setup_checkov.sh: the same for checkov in .venv-checkov (pinned by
#    tests/constraints-checkov.txt; kept apart because it downgrades boto3 and networkx).
#    tests/setup_debian.sh: buildah, podman, docker.io, docker-registry, htpasswd and graphviz
#    (apt-get, when missing), for the image publishing tests and `graph --format svg|png`.
# 2. Exports FERROFORM_VENV=<repo>/.venv and puts its bin/ first on PATH, so the tests find
#    cfn-lint (tests/support/mod.rs). Under CI (CI set, not "false") a test that cannot find
#    a tool fails; elsewhere it prints "SKIPPED: ..." and passes.
# 3. cargo test --workspace --all-targets, then cargo test --workspace --doc, then the price
#    table script's tests (tools/prices; all run even if one fails; exit 1 when any failed).
#
# Needs: python3 (3.9+) with venv and pip, and the Rust toolchain (rustup installs the
# version pinned by rust-toolchain.toml). Set PYTHON to use another interpreter for the venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"

step() { printf '\n==> %s\n' "$*"; }

START=$SECONDS

# --- 1. the Python tools ---------------------------------------------------------------

bash tests/setup_venv.sh
# checkov in its own venv (.venv-checkov): it would downgrade boto3 and networkx in .venv.
bash tests/setup_checkov.sh
export FERROFORM_CHECKOV="$ROOT/.venv-checkov/bin/checkov"
# The image builder and the loopback registry of the publish tests (Debian packages).
bash tests/setup_debian.sh

export FERROFORM_VENV="$VENV"
export PATH="$VENV/bin:$PATH"
echo "    FERROFORM_VENV=$FERROFORM_VENV"
ci_lower="$(printf '%s' "${CI:-}" | tr '[:upper:]' '[:lower:]')"
if [[ -n "$ci_lower" && "$ci_lower" != "false" ]]; then
    echo "    CI=$CI: a test that cannot find a tool fails"
fi

# --- 2. the Rust tests -------------------------------------------------------------------

# Both runs happen even when the first fails, so one run shows every failure.
failed=()

step "cargo test --workspace --all-targets --no-fail-fast"
cargo test --workspace --all-targets --no-fail-fast || failed+=("cargo test --workspace --all-targets")

step "cargo test --workspace --doc --no-fail-fast"
cargo test --workspace --doc --no-fail-fast || failed+=("cargo test --workspace --doc")

# The script that regenerates dsl/data/prices.json from the AWS Price List, on its fixtures.
step "python3 -m unittest tools/prices/test_regenerate.py"
"$VENV/bin/python" -m unittest tools/prices/test_regenerate.py || failed+=("tools/prices tests")

if [[ ${#failed[@]} -gt 0 ]]; then
    step "FAILED after $((SECONDS - START))s: ${failed[*]}"
    exit 1
fi
step "All tests passed in $((SECONDS - START))s"
