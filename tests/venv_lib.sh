# Shared by tests/setup_venv.sh and tests/setup_checkov.sh (sourced, not run): creating a
# virtual environment and checking it against a constraints file. Callers set VENV and
# PYTHON and define step() and die().

# True when the venv's python holds every package of constraints file $1 at its pinned
# version; otherwise prints what differs (prefixed with label $2) and is false.
venv_matches() {
    "$VENV/bin/python" - "$1" "$2" <<'PY'
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
    print(f"    {sys.argv[2]} differs from the constraints: " + ", ".join(wrong[:5])
          + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else ""))
    sys.exit(1)
PY
}

# Make sure $VENV exists and works (a broken one is recreated), and set the array pip_cmd to
# a pip that installs into it. Needs Python 3.9+.
ensure_venv() {
    local venv_python="$VENV/bin/python"
    if [[ -x "$venv_python" ]] && ! "$venv_python" -c 'import sys' >/dev/null 2>&1; then
        step "The venv at $VENV is broken (its python does not run): recreating it"
        rm -rf "$VENV"
    fi
    pip_cmd=()
    if [[ ! -x "$venv_python" ]]; then
        command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found: install Python 3.9+ with venv and pip"
        "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
            || die "$("$PYTHON" --version 2>&1) is too old: the pinned test tools need Python 3.9+"
        step "Creating $VENV ($("$PYTHON" --version 2>&1))"
        if ! "$PYTHON" -m venv "$VENV"; then
            # Debian/Ubuntu without python3-venv have no ensurepip: make the venv without pip
            # and install into it with the system pip (pip >= 22.3 knows --python).
            echo "    $PYTHON -m venv failed (no ensurepip?): retrying without pip, installing with the system pip"
            rm -rf "$VENV"
            "$PYTHON" -m venv --without-pip "$VENV" || die "cannot create a virtual environment with $PYTHON -m venv"
            "$PYTHON" -m pip --version >/dev/null 2>&1 || die "$PYTHON has neither ensurepip nor pip: install python3-venv or python3-pip"
            pip_cmd=("$PYTHON" -m pip --python "$venv_python")
            return
        fi
    fi
    if "$venv_python" -m pip --version >/dev/null 2>&1; then
        pip_cmd=("$venv_python" -m pip)
    else
        pip_cmd=("$PYTHON" -m pip --python "$venv_python")
    fi
}
