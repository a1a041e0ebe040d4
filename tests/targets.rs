//! `tests/Cargo.toml` lists its test targets by hand (the package root is `tests/`, where
//! cargo does not discover them), so a new `tests/*.rs` file would silently never run.
//! This test fails when a file has no `[[test]]` entry, or an entry has no file.

use std::collections::BTreeSet;

#[test]
fn every_test_file_is_a_test_target() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .expect("tests/ is readable")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    let manifest = std::fs::read_to_string(format!("{dir}/Cargo.toml")).expect("tests/Cargo.toml");
    // Test targets are the `path = "..."` entries directly in tests/ (bin targets live in
    // tests/bin/).
    let targets: BTreeSet<String> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("path = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|p| !p.contains('/'))
        .map(str::to_owned)
        .collect();
    assert!(
        files.len() >= 10,
        "expected the test files, found {files:?}"
    );
    let unlisted: Vec<_> = files.difference(&targets).collect();
    let missing: Vec<_> = targets.difference(&files).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "tests/Cargo.toml and tests/*.rs differ: files without a [[test]] entry {unlisted:?}, \
         entries without a file {missing:?}"
    );
}
