//! Parity with cfn-lint, run live (not a recorded verdict) over the validator's corpus and
//! the peers' broken samples. Per template:
//! - every resource/output/... cfn-lint reports an **error** on must get at least one
//!   ferroform diagnostic for the same logical ID (template-level errors: a template-level
//!   diagnostic) — otherwise ferroform misses something and the test fails;
//! - a corrected twin or valid template with a cfn-lint error fails the test too (ferroform
//!   finds nothing there);
//! - defects ferroform catches that cfn-lint misses are printed (that is the point of the
//!   validator, not a failure);
//! - except the cfn-lint errors of [`JUDGED`], each with the reason ferroform reports them
//!   differently or not at all (a judgement that no longer matches anything fails).
//!
//! Under CI a missing cfn-lint fails the test (see tests/support).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ferroform::validate::validate;

/// cfn-lint errors on the corpus that ferroform deliberately reports elsewhere or not at all:
/// (file, cfn-lint rule, logical ID or `-`, why).
const JUDGED: &[(&str, &str, &str, &str)] = &[
    (
        "sam_globals.yaml",
        "E3002",
        "Worker",
        "cfn-lint reports the misspelt Globals property on the function it merges into; \
         ferroform reports it where it is written (FF2002 at Globals.Function.Timeot), once \
         for every function",
    ),
    (
        "foreach_duplicate_key.yaml",
        "E0001",
        "-",
        "cfn-lint says its own run of the transform failed; ferroform names the duplicate \
         key where it is (FF2011 on TopicOrders)",
    ),
    (
        "foreach_no_transform.yaml",
        "E0002",
        "-",
        "E0002 says one of cfn-lint's own rules failed while processing the template, not \
         what is wrong with it; ferroform reports the loop without its transform (FF2010 on \
         Fn::ForEach::Topics), as cfn-lint's E1032 does",
    ),
    (
        "macro_partial.yaml",
        "E1020",
        "Topic",
        "the template's macro can declare what the reference names: ferroform takes \
         references on trust under a macro and says the check is partial (FF2018); \
         https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-macros.html",
    ),
];

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
            "Rules",
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
    let mut used: BTreeSet<(String, String, String)> = BTreeSet::new();
    for f in &files {
        let t = ferroform::model::parse::read_template(f)
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        let ours: BTreeSet<String> = validate(&t)
            .diagnostics
            .iter()
            .map(|d| d.logical_id.clone().unwrap_or_else(|| "-".into()))
            .collect();
        let empty = BTreeSet::new();
        let theirs = lint_found.get(f).unwrap_or(&empty);
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for (rule, id) in theirs {
            let judged = JUDGED
                .iter()
                .any(|(jf, jr, jid, _)| *jf == name && jr == rule && jid == id);
            if judged {
                used.insert((name.clone(), rule.clone(), id.clone()));
                continue;
            }
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
    for (jf, jr, jid, _) in JUDGED {
        if !used.contains(&((*jf).to_owned(), (*jr).to_owned(), (*jid).to_owned())) {
            failures.push(format!(
                "{jf}: the judgement of cfn-lint {jr} on {jid} matches nothing: remove it"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
