//! Parity with cfn-lint, run live (not a recorded verdict) over the validator's corpus and
//! the peers' broken samples. Per template:
//! - every resource/output/... cfn-lint reports an **error** on must get at least one
//!   ferroform diagnostic for the same logical ID (template-level errors: a template-level
//!   diagnostic) — otherwise ferroform misses something and the test fails;
//! - a corrected twin or valid template with a cfn-lint error fails the test too (ferroform
//!   finds nothing there);
//! - defects ferroform catches that cfn-lint misses are printed (that is the point of the
//!   validator, not a failure).
//!
//! Under CI a missing cfn-lint fails the test (see tests/support).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ferroform::Template;
use ferroform::validate::validate;

fn corpus_files() -> Vec<PathBuf> {
    let root = support::tests_file("corpus");
    let mut files = Vec::new();
    for dir in [root.clone(), root.join("valid"), root.join("samples")] {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// cfn-lint's error findings: file → set of logical IDs ("-" for template level).
fn lint_errors(lint: &Path, files: &[PathBuf]) -> BTreeMap<PathBuf, BTreeSet<(String, String)>> {
    let (code, out) = support::run_cfn_lint_with(lint, files, &["--format", "json"]);
    assert!(code & 1 == 0, "cfn-lint failed to run ({code}):\n{out}");
    let json_start = out.find('[').expect("cfn-lint printed JSON");
    let json_end = out.rfind(']').expect("cfn-lint printed JSON") + 1;
    let findings: serde_json::Value =
        serde_json::from_str(&out[json_start..json_end]).expect("cfn-lint JSON");
    let mut by_file: BTreeMap<PathBuf, BTreeSet<(String, String)>> = BTreeMap::new();
    for f in findings.as_array().unwrap() {
        let rule = f["Rule"]["Id"].as_str().unwrap_or_default();
        if !rule.starts_with('E') {
            continue;
        }
        let path = f["Location"]["Path"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let sections = [
            "Resources",
            "Outputs",
            "Parameters",
            "Conditions",
            "Mappings",
        ];
        let id = match (path.first().and_then(|p| p.as_str()), path.get(1)) {
            (Some(s), Some(id)) if sections.contains(&s) => id.as_str().unwrap_or("-").to_owned(),
            _ => "-".to_owned(),
        };
        let file = PathBuf::from(f["Filename"].as_str().unwrap_or_default());
        by_file
            .entry(file)
            .or_default()
            .insert((rule.to_owned(), id));
    }
    by_file
}

#[test]
fn cfn_lint_finds_nothing_ferroform_misses() {
    let Some(lint) = support::require_tool("cfn-lint") else {
        return;
    };
    let files = corpus_files();
    assert!(files.len() > 80);
    let lint_found = lint_errors(&lint, &files);
    let mut failures = Vec::new();
    let mut only_ferroform = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let t = Template::parse(&f.display().to_string(), &text).unwrap();
        let ours: BTreeSet<String> = validate(&t)
            .diagnostics
            .iter()
            .map(|d| d.logical_id.clone().unwrap_or_else(|| "-".into()))
            .collect();
        let empty = BTreeSet::new();
        let theirs = lint_found.get(f).unwrap_or(&empty);
        for (rule, id) in theirs {
            if !ours.contains(id) {
                failures.push(format!(
                    "{}: cfn-lint {rule} on {id}; ferroform reports nothing there",
                    f.display()
                ));
            }
        }
        let their_ids: BTreeSet<&String> = theirs.iter().map(|(_, id)| id).collect();
        for id in &ours {
            if !their_ids.contains(id) {
                only_ferroform.push(format!(
                    "{} ({id})",
                    f.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    eprintln!(
        "cfn-lint misses {} defect(s) ferroform catches:\n  {}",
        only_ferroform.len(),
        only_ferroform.join("\n  ")
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
