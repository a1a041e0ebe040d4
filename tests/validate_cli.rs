//! `ferroform validate FILE... [--format text|json] [--strict]`: output and exit codes
//! (0 no errors, 1 errors — or warnings with --strict —, 2 unreadable input or bad usage).

mod support;

use support::programs::run_cli;

fn corpus(name: &str) -> String {
    support::tests_file(&format!("corpus/{name}"))
        .display()
        .to_string()
}

#[test]
fn a_clean_template_exits_0_and_names_its_capabilities() {
    let (code, out, err) = run_cli(&["validate", &corpus("valid/peers_fargate.yaml")]);
    assert_eq!(code, 0, "{out}{err}");
    // One warning: its DesiredCount on an auto-scaled service (FF4034) is reset on updates.
    assert!(
        out.contains("0 errors, 1 warning; deploying needs CAPABILITY_IAM"),
        "{out}"
    );
    assert!(out.contains("warning[FF4034]"), "{out}");
}

#[test]
fn errors_print_like_a_compiler_and_exit_1() {
    let (code, out, _) = run_cli(&["validate", &corpus("samples/fargate-broken.yaml")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[FF4001]: Fargate cpu 256 does not allow memory 4096 MiB"),
        "{out}"
    );
    assert!(out.contains("TaskDefinition.Properties.Memory"), "{out}");
    assert!(
        out.contains("= help: with cpu 256 use memory 512, 1024 or 2048 (MiB)"),
        "{out}"
    );
    assert!(out.contains("error[FF3001]"), "{out}");
    assert!(out.contains("did you mean `Cluster`?"), "{out}");
    assert!(out.contains("3 errors, 1 warning"), "{out}");
}

#[test]
fn json_format_has_the_documented_shape() {
    let (code, out, _) = run_cli(&[
        "validate",
        "--format",
        "json",
        &corpus("samples/fargate-broken.yaml"),
        &corpus("valid/efs_rds.yaml"),
    ]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(doc["errors"], 3);
    // FF4034 in each file: a DesiredCount on an auto-scaled service.
    assert_eq!(doc["warnings"], 2);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 5);
    for d in diags {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "severity",
                "rule",
                "file",
                "logical_id",
                "path",
                "message",
                "hint"
            ]
        );
        if d["rule"] == "FF4034" {
            assert_eq!(d["severity"], "warning");
            continue;
        }
        assert_eq!(d["severity"], "error");
        assert!(d["file"].as_str().unwrap().ends_with("fargate-broken.yaml"));
    }
    let fargate = diags.iter().find(|d| d["rule"] == "FF4001").unwrap();
    assert_eq!(fargate["logical_id"], "TaskDefinition");
    assert_eq!(fargate["path"], "TaskDefinition.Properties.Memory");
}

#[test]
fn warnings_pass_unless_strict() {
    let file = corpus("conditional_reference.yaml");
    let (code, out, _) = run_cli(&["validate", &file]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[FF3011]"), "{out}");
    let (code, _, _) = run_cli(&["validate", "--strict", &file]);
    assert_eq!(code, 1);
}

#[test]
fn unreadable_or_unparsable_input_exits_2() {
    let (code, _, err) = run_cli(&["validate", "/nonexistent/template.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    let dir = support::temp_dir("validate-cli");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "Resources: [unclosed\n").unwrap();
    let (code, _, err) = run_cli(&["validate", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid YAML"), "{err}");
    let (code, _, _) = run_cli(&["validate"]);
    assert_eq!(code, 2);
    let (code, _, _) = run_cli(&["validate", "--format", "xml", &corpus("valid/efs_rds.yaml")]);
    assert_eq!(code, 2);
}

#[test]
fn long_help_lists_every_rule() {
    let (code, out, _) = run_cli(&["validate", "--help"]);
    assert_eq!(code, 0);
    for r in ferroform::rules::validator_rules() {
        assert!(out.contains(r.id), "--help lacks {}", r.id);
    }
    // The model's and the constructs' rules are never reported by `validate`.
    assert!(!out.contains("FF1001"), "{out}");
}

#[test]
fn a_nested_template_is_read_beside_the_file_given() {
    // The corpus case names `nested/worker.yaml`, relative to its own directory: found
    // whatever the working directory, and the corrected twin passes.
    let (code, out, err) = run_cli(&["validate", &corpus("nested_parameters.yaml")]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error[FF2030]"), "{out}");
    assert!(
        out.contains("`BatchSizes` is not a parameter of the nested template nested/worker.yaml"),
        "{out}"
    );
    let (code, out, err) = run_cli(&["validate", &corpus("nested_parameters.fixed.yaml")]);
    assert_eq!(code, 0, "{out}{err}");
}
