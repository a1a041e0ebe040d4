//! The AWS SDK is built only with the `deploy` feature: a stack program that only
//! synthesizes (default features, and the examples package) never depends on it.

use std::process::Command;

fn tree(package: &str, features: &[&str]) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root)
        .args([
            "tree", "--quiet", "-p", package, "-e", "normal", "--prefix", "none",
        ])
        .args(features);
    let out = cmd.output().expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn aws_crates(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter(|l| l.starts_with("aws-") || l.starts_with("tokio ") || l.starts_with("indicatif "))
        .collect()
}

#[test]
fn default_features_build_no_aws_sdk() {
    let t = tree("ferroform", &[]);
    assert!(t.starts_with("ferroform v"), "{t}");
    assert_eq!(
        aws_crates(&t),
        Vec::<&str>::new(),
        "default ferroform must not depend on the SDK"
    );
    let t = tree("ferroform-examples", &[]);
    assert_eq!(
        aws_crates(&t),
        Vec::<&str>::new(),
        "the examples (user programs) must not build the SDK"
    );
}

#[test]
fn the_deploy_feature_brings_the_slim_sdk() {
    let t = tree("ferroform", &["--features", "deploy"]);
    assert!(
        t.lines().any(|l| l.starts_with("aws-sdk-cloudformation ")),
        "{t}"
    );
    // No legacy TLS stack (the shared peers notes beside the repository, FINDINGS.md §4): no hyper 0.14 / rustls 0.21 / ring.
    assert!(
        !t.lines()
            .any(|l| l.starts_with("ring ") || l.starts_with("rustls v0.21")),
        "{t}"
    );
}
