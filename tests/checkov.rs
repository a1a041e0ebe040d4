//! checkov over every example template: no failed check of any kind, on any resource, except
//! checks suppressed in the template with a written reason.
//!
//! The templates are synthesized here from the example programs (`tests/all_examples`), not
//! read from the snapshots, so a changed construct default is checked the moment it changes;
//! `tests/examples.rs` keeps the snapshots equal to the same output.
//!
//! checkov lives in its own virtual environment, `.venv-checkov` (it pins boto3 and networkx
//! versions that break moto and cfn-lint): `tests/setup_checkov.sh` installs it from
//! `tests/constraints-checkov.txt`; `FERROFORM_CHECKOV` names another binary. It runs with
//! `--skip-download` (otherwise it calls its vendor's API at start).
//!
//! Every failed check counts, whatever the resource type. A check that is wrong for one
//! resource is suppressed on it, in its `Metadata`, as checkov reads it, with the reason:
//!
//! ```json
//! "Metadata": {"checkov": {"skip": [{"id": "CKV_AWS_2", "comment": "why"}]}}
//! ```

mod support;

#[path = "all_examples/mod.rs"]
mod all_examples;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;

/// Failures known today, to be fixed: each entry is (template file, resource, check id). The
/// test fails when one is fixed (remove it here) and on any failure not listed.
const KNOWN_FAILURES: &[(&str, &str, &str)] = &[
    // None today: every example passes every check (or suppresses one in its template
    // metadata with a written reason).
];

/// Every stack of every example, and the bootstrap stack, synthesized now: (file name, JSON
/// text).
fn example_templates() -> Vec<(String, String)> {
    let boot = ferroform::bootstrap::stack()
        .to_template()
        .unwrap_or_else(|e| panic!("the bootstrap stack does not synthesize:\n{e}"));
    let mut out = vec![(format!("{}.template.json", boot.name()), boot.to_json())];
    for (name, app) in all_examples::all() {
        let templates = app
            .synth()
            .unwrap_or_else(|e| panic!("example {name} does not synthesize:\n{e}"));
        for t in templates {
            out.push((format!("{}.template.json", t.name()), t.to_json()));
        }
    }
    out.sort();
    out
}

fn checkov() -> Option<PathBuf> {
    let path = std::env::var_os("FERROFORM_CHECKOV")
        .filter(|v| !v.is_empty())
        .map_or_else(
            || support::repo_root().join(".venv-checkov/bin/checkov"),
            PathBuf::from,
        );
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
fn checkov_finds_no_problem_in_the_examples() {
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

    let failed: Vec<Finding> = findings(&report, "failed_checks");
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
        "checkov failed checks (fix the construct or example, or suppress the check on the \
         resource with Metadata.checkov.skip and a reason):\n{}",
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
fn every_example_stack_is_checked() {
    let names: Vec<String> = example_templates().into_iter().map(|(n, _)| n).collect();
    for expected in [
        "EcrRepository.template.json",
        "FerroformBootstrap.template.json",
        "Platform.template.json",
        "Service.template.json",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
    let stacks: usize = all_examples::all()
        .iter()
        .map(|(_, app)| app.stacks().len())
        .sum();
    assert_eq!(
        names.len(),
        stacks + 1,
        "every example stack and the bootstrap stack"
    );
}
