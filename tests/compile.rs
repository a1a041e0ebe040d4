//! Compile-time guarantees of the typed API (trybuild). Each program under `ui/fail` is
//! paired with a near-identical one under `ui/pass` that must compile, so a stale `.stderr`
//! cannot hide a broken API.

#[test]
fn typed_api_rejects_what_cloudformation_would() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}

#[test]
fn every_failing_program_has_a_compiling_twin() {
    let names = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {dir}: {e}"))
            .filter_map(std::result::Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        v.sort();
        v
    };
    let fail = names("ui/fail");
    let pass = names("ui/pass");
    assert!(
        fail.len() >= 4,
        "expected at least 4 compile-fail programs, found {fail:?}"
    );
    assert_eq!(fail, pass, "each ui/fail program needs a twin in ui/pass");
}
