#!/usr/bin/env bash
# Build the book (docs/) with mdbook: `bash docs/build.sh [OUT_DIR]` (default: <target>/tools/book).
#
# mdbook is pinned and comes from crates.io (Debian 12 has no package): installed on first
# use under <target>/tools, with its default features off (no `serve`/`watch`/search index:
# only `build` is needed), which takes a few minutes to compile once. The chapters' Rust
# samples are tested separately, as doc tests of the crate (`cargo test -p ferroform --doc`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MDBOOK_VERSION=0.5.4
ROOT="$(realpath -m "${CARGO_TARGET_DIR:-target}/tools")"
BIN="$ROOT/bin/mdbook"
if ! [ -x "$BIN" ] || ! "$BIN" --version | grep -qx "mdbook v$MDBOOK_VERSION"; then
  cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features --root "$ROOT"
fi
OUT="$(realpath -m "${1:-$ROOT/book}")"
"$BIN" build docs --dest-dir "$OUT"
echo "the book is in $OUT"
