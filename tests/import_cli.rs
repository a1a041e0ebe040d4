//! `ferroform import` on the command line: what it writes, where, and what it refuses (the
//! round trip of the programs it writes is tests/import_roundtrip.rs).

mod support;

use std::path::Path;

use support::programs::run_cli;

/// A fresh directory for one test, removed when the test is done.
fn dir(name: &str) -> support::TempDir {
    support::temp_dir(&format!("import-cli-{name}"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

const LOGS: &str = "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30\n";

#[test]
fn a_template_prints_a_program_or_writes_a_project() {
    let d = dir("ok");
    let file = write(&d, "web.yaml", LOGS);
    let (code, out, err) = run_cli(&["import", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pub fn web() -> Stack"), "{out}");
    assert!(
        out.contains("logs::LogGroup::new().retention_in_days(30)"),
        "{out}"
    );
    assert!(out.contains("fn main() -> ExitCode"), "{out}");

    let project = d.join("project");
    let (code, _, err) = run_cli(&["import", &file, "--out", &project.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("imported 1 stack into"), "{err}");
    let cargo = std::fs::read_to_string(project.join("Cargo.toml")).expect("Cargo.toml");
    assert!(cargo.contains("name = \"project\""), "{cargo}");
    assert!(
        cargo.contains(&format!("ferroform = \"{}\"", env!("CARGO_PKG_VERSION"))),
        "{cargo}"
    );
    let main = std::fs::read_to_string(project.join("src/main.rs")).expect("main.rs");
    assert_eq!(main, out, "the printed program is the project's");
    assert!(
        main.contains("include_str!(\"../imported/web.yaml\")"),
        "{main}"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("imported/web.yaml")).expect("kept"),
        LOGS
    );

    // Only the program.
    let rs = d.join("web.rs");
    let (code, _, err) = run_cli(&["import", &file, "--out", &rs.display().to_string()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&rs).expect("web.rs"), out);

    // A project directory that is not empty is refused, and left as it was.
    let (code, _, err) = run_cli(&["import", &file, "--out", &project.display().to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not empty"), "{err}");
}

#[test]
fn an_invalid_template_exits_1_and_writes_nothing() {
    let d = dir("invalid");
    let file = write(
        &d,
        "bad.yaml",
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 31\n      Nope: 1\n",
    );
    let project = d.join("out");
    let (code, out, err) = run_cli(&["import", &file, "--out", &project.display().to_string()]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("Logs.Properties.Nope"), "{err}");
    assert!(
        err.contains("RetentionInDays"),
        "every error at once: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!project.exists());
}

#[test]
fn a_file_that_does_not_parse_exits_2() {
    let d = dir("parse");
    let file = write(&d, "broken.yaml", "Resources: [\n");
    let (code, out, err) = run_cli(&["import", &file]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("broken.yaml"), "{err}");
    let (code, _, err) = run_cli(&["import", &d.join("missing.yaml").display().to_string()]);
    assert_eq!(code, 2, "{err}");
}

#[cfg(unix)]
#[test]
fn a_program_file_is_never_written_through_a_link() {
    let d = dir("link");
    let file = write(&d, "web.yaml", LOGS);
    let victim = write(&d, "victim.txt", "keep me");
    let link = d.join("web.rs");
    std::os::unix::fs::symlink(&victim, &link).expect("symlink");
    let (code, _, err) = run_cli(&["import", &file, "--out", &link.display().to_string()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
}

#[test]
fn several_templates_are_one_app_in_deploy_order() {
    let d = dir("several");
    let consumer = write(
        &d,
        "service.yaml",
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !ImportValue shared-name\n",
    );
    let producer = write(
        &d,
        "platform.yaml",
        "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\nOutputs:\n  Name:\n    Value: !Ref Logs\n    Export:\n      Name: shared-name\n",
    );
    let (code, out, err) = run_cli(&["import", &consumer, &producer]);
    assert_eq!(code, 0, "{err}");
    let platform = out.find("app.add(platform_stack)").expect("platform added");
    let service = out.find("app.add(service_stack)").expect("service added");
    assert!(
        platform < service,
        "the exporting stack deploys first:\n{out}"
    );
    // The export the service reads is a handle of the platform stack, under its own name.
    assert!(
        out.contains(".export_handle::<String>(\"shared-name\")"),
        "{out}"
    );
    assert!(
        out.contains("pub fn service(platform: &PlatformHandles) -> Stack"),
        "{out}"
    );
    assert!(out.contains("platform.name.import()"), "{out}");
}
