//! The validator's corpus (`tests/corpus/`): invalid templates with one defect each, every one
//! asserting the exact diagnostics (rule id and logical ID) in its `# expect:` lines, each with
//! a corrected twin (`NAME.fixed.yaml`) that must validate with no diagnostics at all; valid
//! real-world templates (`valid/`) that must pass clean; the peers' broken samples
//! (`samples/`, defects listed in FINDINGS.md §1.4).
//!
//! The expectations were written from the AWS documentation and the list of checks
//! (each file's `# defect:` line says which fact it breaks), not copied from output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ferroform::validate::{RULES, validate};
use ferroform::{Severity, Template};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn load(path: &Path) -> Template {
    let text = std::fs::read_to_string(path).expect("readable");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    Template::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"))
}

/// `(rule, logical id or "-")`, sorted, duplicates kept.
fn found(t: &Template) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = validate(t)
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_owned(),
                d.logical_id.clone().unwrap_or_else(|| "-".into()),
            )
        })
        .collect();
    v.sort();
    v
}

fn expected(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|e| {
            let (rule, id) = e.trim().split_once(' ').expect("`# expect: RULE ID`");
            (rule.to_owned(), id.to_owned())
        })
        .collect();
    v.sort();
    v
}

/// The invalid templates of the corpus (every `*.yaml` directly in `tests/corpus/` that is
/// not a `.fixed.yaml` twin).
pub fn invalid_cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".yaml") && !n.ends_with(".fixed.yaml")
        })
        .collect();
    v.sort();
    v
}

fn twin(p: &Path) -> PathBuf {
    p.with_extension("fixed.yaml")
}

#[test]
fn the_corpus_has_at_least_40_cases_each_with_a_twin() {
    let cases = invalid_cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    for c in &cases {
        assert!(twin(c).is_file(), "{} has no corrected twin", c.display());
        assert!(
            !expected(c).is_empty(),
            "{} has no `# expect:` line",
            c.display()
        );
        let text = std::fs::read_to_string(c).unwrap();
        assert!(
            text.contains("# defect: "),
            "{} does not say its defect",
            c.display()
        );
    }
}

#[test]
fn each_invalid_template_gets_exactly_its_diagnostics() {
    let mut failures = Vec::new();
    for c in invalid_cases() {
        let want = expected(&c);
        let got = found(&load(&c));
        if want != got {
            failures.push(format!(
                "{}: expected {want:?}, found {got:?}",
                c.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn each_corrected_twin_validates_with_no_diagnostics() {
    let mut failures = Vec::new();
    for c in invalid_cases() {
        let t = load(&twin(&c));
        let r = validate(&t);
        if !r.diagnostics.is_empty() {
            let list: Vec<String> = r.diagnostics.iter().map(|d| d.to_string()).collect();
            failures.push(format!("{}:\n{}", t.name(), list.join("\n")));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Real-world templates CloudFormation deploys: no errors, and only the warnings listed here,
/// each for a behaviour the template really has.
#[test]
fn valid_real_world_templates_pass_clean() {
    // Both set DesiredCount on a service their scalable target auto scales: every update
    // resets the count (FF4034).
    let known: &[(&str, &str, &str)] = &[
        ("efs_rds.yaml", "FF4034", "Service"),
        ("peers_fargate.yaml", "FF4034", "Service"),
    ];
    let dir = corpus().join("valid");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let t = load(&e.unwrap().path());
        let r = validate(&t);
        let unexpected: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| {
                d.severity == Severity::Error
                    || !known.iter().any(|(file, rule, id)| {
                        *file == t.name() && *rule == d.rule && d.logical_id.as_deref() == Some(*id)
                    })
            })
            .map(|d| d.to_string())
            .collect();
        assert!(
            unexpected.is_empty(),
            "{}:\n{}",
            t.name(),
            unexpected.join("\n")
        );
        n += 1;
    }
    assert!(n >= 2);
}

#[test]
fn the_peers_broken_samples_get_their_known_defects() {
    // FINDINGS.md §1.4: cpu 256 + memory 4096, a role without AssumeRolePolicyDocument,
    // `!Ref Clustr`.
    let t = load(&corpus().join("samples/fargate-broken.yaml"));
    // And (FF4034) a DesiredCount on the auto-scaled service.
    let want = [
        ("FF2003", "TaskRole"),
        ("FF3001", "Service"),
        ("FF4001", "TaskDefinition"),
        ("FF4034", "Service"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(found(&t), want);
    // An extra property Foo, RetentionInDays 15, bridge on Fargate, no awslogs-region,
    // LaunchType FARGATE_SPOT, a ScalableDimension typo, MaxCapacity "ten".
    let t = load(&corpus().join("samples/fargate-broken2.yaml"));
    let mut want: Vec<(String, String)> = [
        ("FF2002", "Repository"),
        ("FF2005", "LogGroup"),
        ("FF4003", "TaskDefinition"),
        ("FF4010", "TaskDefinition"),
        ("FF2005", "Service"),
        ("FF2005", "ScalableTarget"),
        ("FF2004", "ScalableTarget"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    want.sort();
    assert_eq!(found(&t), want);
}

#[test]
fn a_body_over_one_megabyte_is_an_error_not_a_warning() {
    let mut body = serde_json::json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
    body["Metadata"] = serde_json::json!({"Notes": "n".repeat(1_100_000)});
    let r = validate(&Template::new("big", body));
    let rules: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, ["FF3106"]);
    assert_eq!(r.errors(), 1);
}

/// Every rule is exercised by the corpus (YAML cases, the in-memory case above, or the DSL
/// cases of tests/validate_dsl.rs, listed here by hand).
#[test]
fn every_rule_is_covered() {
    let mut covered: BTreeSet<String> = invalid_cases()
        .iter()
        .flat_map(|c| expected(c).into_iter().map(|(r, _)| r))
        .collect();
    covered.insert("FF3106".into()); // a_body_over_one_megabyte_is_an_error_not_a_warning
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a corpus case: {missing:?}"
    );
}

#[test]
fn rule_table_is_well_formed() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(r.id.starts_with("FF") && r.id.len() == 6, "{}", r.id);
        assert!(
            !r.id.starts_with("FF1"),
            "FF1xxx is the model's range: {}",
            r.id
        );
        assert!(seen.insert(r.id), "{} twice", r.id);
        assert!(!r.summary.is_empty());
    }
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "RULES is in id order");
    assert!(RULES.iter().any(|r| r.severity == Severity::Warning));
}
