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

# True when the venv holds every package of the constraints file at its pinned version
# (the constraints file is the complete `pip freeze` of the tools' environment).
venv_up_to_date() {
    [[ -x "$venv_python" && -x "$VENV/bin/cfn-lint" ]] || return 1
    "$venv_python" - "$CONSTRAINTS" <<'PY'
import sys
from importlib import metadata

wrong = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, version = line.partition("==")
    name = name.split("[", 1)[0].strip()
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        installed = None
    if installed != version.strip():
        wrong.append(f"{name} {installed or 'missing'} (want {version.strip()})")
if wrong:
    print("    venv differs from tests/constraints.txt: " + ", ".join(wrong[:5])
          + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""))
    sys.exit(1)
PY
}

if [[ -x "$venv_python" ]] && ! "$venv_python" -c 'import sys' >/dev/null 2>&1; then
    step "The venv at $VENV is broken (its python does not run): recreating it"
    rm -rf "$VENV"
fi

pip_cmd=()
if [[ ! -x "$venv_python" ]]; then
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.9+ with venv and pip"
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
        || die "$("$PYTHON" --version 2>&1) is too old: the pinned cfn-lint and moto need Python 3.9+"
    step "Creating $VENV ($("$PYTHON" --version 2>&1))"
    if ! "$PYTHON" -m venv "$VENV"; then
        # Debian/Ubuntu without python3-venv have no ensurepip: make the venv without pip
        # and install into it with the system pip (pip >= 22.3 knows --python).
        echo "    $PYTHON -m venv failed (no ensurepip?): retrying without pip, installing with the system pip"
        rm -rf "$VENV"
        "$PYTHON" -m venv --without-pip "$VENV" || die "cannot create a virtual environment with $PYTHON -m venv"
        "$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has neither ensurepip nor pip: install python3-venv or python3-pip"
        pip_cmd=("$PYTHON" -m pip --python "$venv_python")
    fi
fi
if [[ ${#pip_cmd[@]} -eq 0 ]]; then
    if "$venv_python" -m pip --version >/dev/null 2>&1; then
        pip_cmd=("$venv_python" -m pip)
    else
        pip_cmd=("$PYTHON" -m pip --python "$venv_python")
    fi
fi

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

