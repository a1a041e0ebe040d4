#!/usr/bin/env bash
# Create .venv-checkov/ at the repository root if it is missing and install checkov into it,
# pinned with its dependencies by tests/constraints-checkov.txt. checkov gets a venv of its
# own because it pins boto3 and networkx versions that break moto and cfn-lint in .venv.
# pip is skipped when the venv already holds exactly the pinned versions.
#
#   tests/setup_checkov.sh     (run by tests/run.sh; safe to run any time)
#
# tests/checkov.rs runs it as `.venv-checkov/bin/checkov --skip-download ...` (or the binary
# named by FERROFORM_CHECKOV). Needs python3 (3.9+) with venv and pip; PYTHON selects another
# interpreter.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv-checkov"
CONSTRAINTS="tests/constraints-checkov.txt"
PYTHON="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }
die() {
    printf '\nerror: %s\n' "$*" >&2
    exit 1
}

venv_python="$VENV/bin/python"
version="$(sed -n 's/^checkov==//p' "$CONSTRAINTS")"
[[ -n "$version" ]] || die "$CONSTRAINTS pins no checkov version"

source "$ROOT/tests/venv_lib.sh"

# True when the venv holds every package of the constraints file at its pinned version.
venv_up_to_date() {
    [[ -x "$venv_python" && -x "$VENV/bin/checkov" ]] || return 1
    venv_matches "$CONSTRAINTS" ".venv-checkov"
}

ensure_venv

step "Checking checkov $version in $VENV against $CONSTRAINTS"
if venv_up_to_date; then
    echo "    up to date: checkov $("$VENV/bin/checkov" --version 2>/dev/null)"
    exit 0
fi
step "Installing checkov==$version -c $CONSTRAINTS into $VENV"
"${pip_cmd[@]}" install --disable-pip-version-check --no-input --progress-bar off \
    "checkov==$version" -c "$CONSTRAINTS"
venv_up_to_date || die "$VENV still differs from $CONSTRAINTS after pip install"
echo "    installed: checkov $("$VENV/bin/checkov" --version 2>/dev/null)"
