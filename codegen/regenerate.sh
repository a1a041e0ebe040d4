#!/usr/bin/env bash
# Regenerate dsl/src/resources/ (and the validator's constraint data, dsl/data/schemas.bin, and the table of the generated API, dsl/data/api.json) from the CloudFormation resource provider schemas bundled in
# the pinned cfn-lint (tests/constraints.txt), for the types listed in codegen/types.txt.
#
#   codegen/regenerate.sh           write the generated files (and delete stale ones)
#   codegen/regenerate.sh --check   write nothing; exit 1 listing what would change
#
# Every run prints what could not be typed or checked (properties typed as JSON, dropped
# properties, schema patterns the validator cannot check) and compares the list with
# codegen/expected-fallbacks.txt: --check fails listing the lines that came or went; a normal
# run rewrites the file, so the change shows in review.
#
# Creates .venv with the pinned cfn-lint (tests/setup_venv.sh) when it is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="$root/.venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cfnlint' 2>/dev/null; then
    echo "regenerate: installing the pinned test tools (cfn-lint among them) into $venv" >&2
    bash "$root/tests/setup_venv.sh" >&2
fi

pinned="$(sed -n 's/^cfn-lint==//p' tests/constraints.txt)"
installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("cfn-lint"))')"
if [ -n "$pinned" ] && [ "$pinned" != "$installed" ]; then
    echo "regenerate: .venv has cfn-lint $installed but tests/constraints.txt pins $pinned;" >&2
    echo "            run: $venv/bin/pip install -c tests/constraints.txt cfn-lint" >&2
    exit 2
fi
schemas="$("$venv/bin/python" -c 'import cfnlint, os; print(os.path.join(os.path.dirname(cfnlint.__file__), "data", "schemas"))')"

exec cargo run --quiet --release -p ferroform-codegen -- \
    --schemas "$schemas" \
    --out dsl/src/resources \
    --cargo-toml dsl/Cargo.toml \
    --types codegen/types.txt \
    --constraints dsl/data/schemas.bin \
    --api dsl/data/api.json \
    --expected codegen/expected-fallbacks.txt \
    --cfn-lint-version "$installed" \
    "$@"
