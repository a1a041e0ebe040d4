#!/usr/bin/env bash
# Create .venv/ at the repository root if it is missing and install the pinned Python test
# tools into it (pip install -r tests/requirements.txt -c tests/constraints.txt: cfn-lint,
# moto[server]). pip is skipped when the venv already holds exactly the pinned versions.
#
#   tests/setup_venv.sh        (run by tests/run.sh and .ci/run; safe to run any time)
#
# Needs python3 (3.9+) with venv and pip; PYTHON selects another interpreter.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
REQUIREMENTS="tests/requirements.txt"
CONSTRAINTS="tests/constraints.txt"
PYTHON="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }
die() {
    printf '\nerror: %s\n' "$*" >&2
    exit 1
}

START=$SECONDS

venv_python="$VENV/bin/python"
source "$ROOT/tests/venv_lib.sh"

# True when the venv holds every package of the constraints file at its pinned version
# (the constraints file is the complete `pip freeze` of the tools' environment).
venv_up_to_date() {
    [[ -x "$venv_python" && -x "$VENV/bin/cfn-lint" ]] || return 1
    venv_matches "$CONSTRAINTS" "the venv"
}

ensure_venv

step "Checking the Python test tools in $VENV against $CONSTRAINTS"
if venv_up_to_date; then
    echo "    up to date: $("$VENV/bin/cfn-lint" --version 2>&1), moto $("$venv_python" -c 'from importlib.metadata import version; print(version("moto"))')"
else
    step "Installing -r $REQUIREMENTS -c $CONSTRAINTS into $VENV"
    "${pip_cmd[@]}" install --disable-pip-version-check --no-input --progress-bar off \
        -r "$REQUIREMENTS" -c "$CONSTRAINTS"
    venv_up_to_date || die "the venv still differs from $CONSTRAINTS after pip install"
    echo "    installed: $("$VENV/bin/cfn-lint" --version 2>&1)"
fi

echo "    Python tools ready after $((SECONDS - START))s"

