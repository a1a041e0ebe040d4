//! `ferroform diff OLD NEW [--fail-on-change]`: two template files compared without AWS. Run
//! alone (`-p ferroform-tests`), this package builds ferroform with its default features,
//! without `deploy`; in `cargo test --workspace` the dsl package's tests turn `deploy` on for
//! the one build of the library, and the file-to-file path must hold there too. The template
//! difference, what a deploy would ask approval for, NoEcho defaults
//! never shown; exit 0, 3 with `--fail-on-change` and differences, 1 an invalid template,
//! 2 an unreadable file or bad usage.

mod support;

use ferroform::cli::{EXIT_CHANGES, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use support::programs::run_cli;

/// The deployed version: the task role reads one bucket's objects; the database password
/// is a NoEcho parameter whose default is also written into an SSM parameter.
const OLD: &str = r#"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    Default: first-Secret-4711
Resources:
  TaskRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: ecs-tasks.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: assets
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource: arn:aws:s3:::assets/*
  Password:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: first-Secret-4711
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 7
"#;

/// The new version: the policy allows every S3 action on everything, the password is
/// another, the log group keeps its logs longer, and a queue is added.
const NEW: &str = r#"{
  "Parameters": {
    "DbPassword": {"Type": "String", "NoEcho": "true", "Default": "second-Secret-0815"}
  },
  "Resources": {
    "TaskRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                         "Action": "sts:AssumeRole"}]
        },
        "Policies": [{
          "PolicyName": "assets",
          "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
          }
        }]
      }
    },
    "Password": {
      "Type": "AWS::SSM::Parameter",
      "Properties": {"Type": "String", "Value": "second-Secret-0815"}
    },
    "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
    "Jobs": {"Type": "AWS::SQS::Queue"}
  }
}"#;

struct Files {
    _dir: support::TempDir,
    old: String,
    new: String,
}

fn files() -> Files {
    let dir = support::temp_dir("diff-cli");
    let old = dir.write("old.yaml", OLD).display().to_string();
    let new = dir.write("new.json", NEW).display().to_string();
    Files {
        _dir: dir,
        old,
        new,
    }
}

fn assert_no_secret(text: &str) {
    for secret in ["first-Secret-4711", "second-Secret-0815", "Secret"] {
        assert!(!text.contains(secret), "`{secret}` shown:\n{text}");
    }
}

#[test]
fn a_widened_policy_needs_approval_and_no_echo_defaults_never_show() {
    let f = files();
    let (code, out, err) = run_cli(&["diff", &f.old, &f.new]);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    assert!(err.is_empty(), "{err}");
    assert_no_secret(&out);
    assert!(
        out.starts_with(&format!("Template differences ({} → {}):\n", f.old, f.new)),
        "{out}"
    );
    for line in [
        "  Parameters",
        "    ~ DbPassword",
        // NoEcho written as `true` in one file and "true" in the other: a difference, and
        // the default is masked whichever way it is written.
        "        ~ NoEcho: true → \"true\"",
        "        ~ Default: **** → ****",
        "    ~ TaskRole (AWS::IAM::Role)",
        "        ~ Properties.Policies[0].PolicyDocument.Statement[0].Action: \"s3:GetObject\" → \"s3:*\"",
        "    ~ Password (AWS::SSM::Parameter)",
        "        ~ Properties.Value: \"****\" → \"****\"",
        "        ~ Properties.RetentionInDays: 7 → 30",
        "    + Jobs (AWS::SQS::Queue)",
        "A deploy would ask for approval:",
        "  * TaskRole (AWS::IAM::Role) adds or widens IAM permissions: s3:* on *",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line `{line}` in:\n{out}"
        );
    }
    assert_eq!(
        out.matches("  * ").count(),
        1,
        "one reason (the log group and queue grant nothing):\n{out}"
    );
    assert!(
        out.contains("Not shown: which modified resources would be replaced"),
        "{out}"
    );
}

#[test]
fn going_back_narrows_the_policy_and_deletes_the_queue() {
    let f = files();
    let (code, out, err) = run_cli(&["diff", &f.new, &f.old]);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    assert_no_secret(&out);
    assert!(
        out.lines().any(|l| l == "    - Jobs (AWS::SQS::Queue)"),
        "{out}"
    );
    // `s3:*` on `*` covers `s3:GetObject` on the bucket: no IAM reason, only the deletion.
    let reasons: Vec<&str> = out.lines().filter(|l| l.starts_with("  * ")).collect();
    assert_eq!(reasons, ["  * Jobs (AWS::SQS::Queue) is deleted"], "{out}");
}

#[test]
fn fail_on_change_exits_3_only_when_the_templates_differ() {
    let f = files();
    let (code, out, _) = run_cli(&["diff", &f.old, &f.new, "--fail-on-change"]);
    assert_eq!(code, EXIT_CHANGES, "{out}");
    assert_no_secret(&out);
    let (code, out, err) = run_cli(&["diff", "--fail-on-change", &f.new, &f.new]);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    assert_eq!(
        out,
        format!("No differences between {} and {}\n", f.new, f.new)
    );
}

#[test]
fn the_same_template_in_yaml_and_json_has_no_differences() {
    let dir = support::temp_dir("diff-cli-formats");
    let yaml = dir.write(
        "t.yaml",
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub '${AWS::StackName}-jobs'\n",
    );
    let json = dir.write(
        "t.json",
        r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}}}}}"#,
    );
    let (code, out, err) = run_cli(&[
        "diff",
        &yaml.display().to_string(),
        &json.display().to_string(),
        "--fail-on-change",
    ]);
    assert_eq!(code, EXIT_OK, "{out}{err}");
    assert!(out.starts_with("No differences between"), "{out}");
}

#[test]
fn unreadable_invalid_and_missing_arguments() {
    let f = files();
    let dir = support::temp_dir("diff-cli-bad");
    let broken = dir
        .write("broken.json", "{\"Resources\": ")
        .display()
        .to_string();
    let missing = dir.join("missing.yaml").display().to_string();

    let (code, out, err) = run_cli(&["diff", &f.old, &missing]);
    assert_eq!(code, EXIT_USAGE, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with(&format!("error: {missing}: cannot read")),
        "{err}"
    );

    let (code, out, err) = run_cli(&["diff", &broken, &f.new]);
    assert_eq!(code, EXIT_INVALID, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with(&format!("error: invalid template {broken}")),
        "{err}"
    );

    let (code, _, err) = run_cli(&["diff", &f.old]);
    assert_eq!(code, EXIT_USAGE, "{err}");
    assert!(err.contains("NEW"), "{err}");
}

#[test]
fn help_names_both_files_and_the_exit_codes() {
    let (code, out, _) = run_cli(&["diff", "--help"]);
    assert_eq!(code, EXIT_OK);
    assert!(out.contains("--fail-on-change"), "{out}");
    // `cargo test --workspace` builds one `ferroform` binary for every package, with the
    // `deploy` feature the dsl package's tests turn on; `-p ferroform-tests` alone builds it
    // without. Either build documents the two files and exit code 3.
    if out.contains("--stack-name") {
        assert!(out.contains("two template files OLD NEW"), "{out}");
        assert!(
            out.contains("3    changes found with --fail-on-change"),
            "{out}"
        );
    } else {
        assert!(out.contains("<OLD>") && out.contains("<NEW>"), "{out}");
        assert!(
            out.contains("3  differences found with --fail-on-change"),
            "{out}"
        );
    }
    let (_, out, _) = run_cli(&["--help"]);
    assert!(out.contains("diff"), "{out}");
}
