//! checkov over every example template: no failed ECS, ECR, IAM or ELB check, except checks
//! suppressed in the template with a written reason.
//!
//! The templates are read from the reviewed example snapshots (`snapshots/*.snap` written by
//! `tests/examples.rs`, which also proves they equal what the examples synthesize today), so
//! a new example is covered as soon as it is snapshotted.
//!
//! checkov lives in its own virtual environment, `.venv-checkov` (it pins boto3 and networkx
//! versions that break moto and cfn-lint): `tests/setup_checkov.sh` installs it from
//! `tests/constraints-checkov.txt`; `FERROFORM_CHECKOV` names another binary. It runs with
//! `--skip-download` (otherwise it calls its vendor's API at start).
//!
//! Which checks count: those on resources of the types `AWS::ECS::*`, `AWS::ECR::*`,
//! `AWS::IAM::*` and `AWS::ElasticLoadBalancing*` (checkov 3.3.30: ECS CKV_AWS_65, 97;
//! ECR CKV_AWS_32, 51, 136, 163; IAM CKV_AWS_40, 60-63, 107-111; ELB CKV_AWS_2, 91, 92,
//! 103, 131). A check that is wrong for one resource is suppressed on it, in its
//! `Metadata`, as checkov reads it:
//!
//! ```json
//! "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_2", "comment": "why"}]}}
//! ```

mod support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;

/// Failures known today in examples owned by others, to be fixed there: each entry is
/// (template file, resource, check id). The test fails when one is fixed (remove it here)
/// and on any failure not listed.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[
    // None today: every example passes the ECS, ECR, IAM and ELB checks (or suppresses one
    // in its template metadata with a written reason).
];

fn counted(resource: &str) -> bool {
    [
        "AWS::ECS::",
        "AWS::ECR::",
        "AWS::IAM::",
        "AWS::ElasticLoadBalancing",
    ]
    .iter()
    .any(|p| resource.starts_with(p))
}

/// The example templates from the reviewed snapshots: (file name, JSON text).
fn example_templates() -> Vec<(String, String)> {
    let dir = support::repo_root().join("snapshots");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .expect("snapshots/ exists")
        .flatten()
    {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read snapshot");
        // insta: `---\n<header>\n---\n<body>`.
        let Some((header, body)) = text
            .strip_prefix("---\n")
            .and_then(|rest| rest.split_once("\n---\n"))
        else {
            continue;
        };
        if !header.contains("source: tests/examples.rs") {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((format!("{name}.template.json"), body.to_owned()));
    }
    out.sort();
    out
}

fn checkov() -> Option<PathBuf> {
    let path = std::env::var_os("FERROFORM_CHECKOV")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_root().join(".venv-checkov/bin/checkov"));
    if path.is_file() {
        return Some(path);
    }
    let reason = format!(
        "checkov not found at {} (run tests/setup_checkov.sh, or set FERROFORM_CHECKOV)",
        path.display()
    );
    assert!(
        !support::in_ci(),
        "\n\nMISSING TOOL UNDER CI: {reason}\nCI must run the suite through tests/run.sh.\n"
    );
    eprintln!("SKIPPED: {reason}");
    None
}

struct Finding {
    check: String,
    file: String,
    resource: String,
    name: String,
    comment: Option<String>,
}

fn findings(report: &Json, key: &str) -> Vec<Finding> {
    let reports: Vec<&Json> = match report {
        Json::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    reports
        .into_iter()
        .flat_map(|r| r["results"][key].as_array().cloned().unwrap_or_default())
        .map(|c| Finding {
            check: c["check_id"].as_str().unwrap_or_default().to_owned(),
            file: c["file_path"]
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned(),
            resource: c["resource"].as_str().unwrap_or_default().to_owned(),
            name: c["check_name"].as_str().unwrap_or_default().to_owned(),
            comment: c["check_result"]["suppress_comment"]
                .as_str()
                .map(str::to_owned),
        })
        .collect()
}

#[test]
fn checkov_finds_no_ecs_ecr_iam_or_elb_problem_in_the_examples() {
    let templates = example_templates();
    assert!(
        templates.len() >= 5,
        "expected the example snapshots, found {}",
        templates.len()
    );
    let Some(checkov) = checkov() else { return };
    let dir = support::temp_dir("checkov-examples");
    for (name, body) in &templates {
        dir.write(name, body);
    }
    let out = Command::new(&checkov)
        .args([
            "--skip-download",
            "--framework",
            "cloudformation",
            "--compact",
            "--output",
            "json",
            "--directory",
        ])
        .arg(dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov did not print a JSON report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });

    // checkov really checked the templates: it passed checks on each of them.
    let passed = findings(&report, "passed_checks");
    for (name, _) in &templates {
        assert!(
            passed.iter().any(|f| &f.file == name),
            "checkov passed no check on {name}: did it read it?"
        );
    }

    let failed: Vec<Finding> = findings(&report, "failed_checks")
        .into_iter()
        .filter(|f| counted(&f.resource))
        .collect();
    let unexpected: Vec<String> = failed
        .iter()
        .filter(|f| {
            !KNOWN_FAILURES
                .iter()
                .any(|(file, res, id)| f.file == *file && f.resource == *res && f.check == *id)
        })
        .map(|f| format!("{} {} {}: {}", f.check, f.file, f.resource, f.name))
        .collect();
    assert!(
        unexpected.is_empty(),
        "checkov failed ECS/ECR/IAM/ELB checks (fix the construct or example, or suppress the \
         check on the resource with Metadata.checkov.skip and a reason):\n{}",
        unexpected.join("\n")
    );
    for (file, res, id) in KNOWN_FAILURES {
        assert!(
            failed
                .iter()
                .any(|f| f.file == *file && f.resource == *res && f.check == *id),
            "{id} on {res} in {file} passes now: remove it from KNOWN_FAILURES"
        );
    }

    // Every suppression carries a reason.
    for s in findings(&report, "skipped_checks") {
        let comment = s.comment.unwrap_or_default();
        assert!(
            comment.len() >= 20 && comment != "No comment provided",
            "{} is suppressed on {} in {} without a written reason",
            s.check,
            s.resource,
            s.file
        );
    }
}

#[test]
fn the_snapshot_reader_finds_every_example_stack() {
    let names: Vec<String> = example_templates().into_iter().map(|(n, _)| n).collect();
    for expected in [
        "EcrRepository.template.json",
        "Platform.template.json",
        "Service.template.json",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n.starts_with("testing_api")));
}
