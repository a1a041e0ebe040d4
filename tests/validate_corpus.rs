//! The validator's corpus (`tests/corpus/`): invalid templates with one defect each, every one
//! asserting the exact diagnostics (severity, rule id, logical ID and path) in its `# expect:`
//! lines, each with a corrected twin (`NAME.fixed.yaml`) that must validate with no diagnostics
//! at all; valid real-world templates (`valid/`) that must pass clean; the peers' broken samples
//! (`samples/`, defects listed in the shared peers notes beside the repository, FINDINGS.md §1.4).
//!
//! An expectation is `# expect: SEVERITY RULE LOGICAL_ID PATH`, e.g.
//! `# expect: error FF4001 Task Task.Properties.Memory`, with `-` for "no logical ID" (a
//! template-level diagnostic) or "empty path" (the whole template). The severity is written
//! from what the rule means, not read from the registry (`ferroform::rules`): `error` when
//! CloudFormation or the service
//! would reject the template, `warning` when it deploys but carries a risk. The path points at
//! the offending property (or at the object missing one). The old `# expect: RULE ID` form is
//! refused, so no file can silently keep comparing less.
//!
//! A case whose defect depends on the date (a Lambda runtime AWS deprecates or blocks from a
//! given day) says on which day it holds with `# as-of: YYYY-MM-DD`; it and its twin are
//! validated as of that day ([`ferroform::validate::validate_as_of`]), the others as of today.
//!
//! The expectations were written from the AWS documentation and the list of checks
//! (each file's `# defect:` line says which fact it breaks), not copied from output.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ferroform::rules::{self, validator_rules};
use ferroform::validate::{Date, validate, validate_as_of};
use ferroform::{Diagnostic, Severity, Template};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn load(path: &Path) -> Template {
    let text = std::fs::read_to_string(path).expect("readable");
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    // As `ferroform validate FILE` reads it: local nested templates are found beside it.
    Template::parse(&name, &text)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_origin(path)
}

/// One expected (or found) diagnostic: what a test compares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expect {
    severity: Severity,
    rule: String,
    /// The logical ID, `-` when there is none.
    id: String,
    /// The path, `-` when it is empty.
    path: String,
}

impl Expect {
    fn new(severity: Severity, rule: &str, id: &str, path: &str) -> Expect {
        Expect {
            severity,
            rule: rule.to_owned(),
            id: id.to_owned(),
            path: path.to_owned(),
        }
    }

    fn of(d: &Diagnostic) -> Expect {
        let dash = |s: &str| {
            if s.is_empty() {
                "-".to_owned()
            } else {
                s.to_owned()
            }
        };
        Expect {
            severity: d.severity,
            rule: d.rule.to_owned(),
            id: dash(d.logical_id.as_deref().unwrap_or("")),
            path: dash(&d.path),
        }
    }

    /// Parse the text after `# expect:`: exactly `SEVERITY RULE ID PATH`.
    fn parse(line: &str) -> Result<Expect, String> {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [severity, rule, id, path] = fields[..] else {
            return Err(format!(
                "`{line}` has {} fields; the form is `# expect: SEVERITY RULE LOGICAL_ID PATH` \
                 (`-` for no logical ID or an empty path)",
                fields.len()
            ));
        };
        let severity = match severity {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            other => return Err(format!("`{other}` is not `error` or `warning` in `{line}`")),
        };
        let rule_ok = rule.len() == 6
            && rule.starts_with("FF")
            && rule[2..].bytes().all(|b| b.is_ascii_digit());
        if !rule_ok {
            return Err(format!("`{rule}` is not a rule id (FFnnnn) in `{line}`"));
        }
        Ok(Expect::new(severity, rule, id, path))
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.severity.as_str(),
            self.rule,
            self.id,
            self.path
        )
    }
}

fn show(v: &[Expect]) -> String {
    let lines: Vec<String> = v.iter().map(|e| format!("    {e}")).collect();
    lines.join("\n")
}

/// Every diagnostic of `t`, sorted, duplicates kept.
fn found(t: &Template) -> Vec<Expect> {
    found_as_of(t, None)
}

/// [`found`] as of a day (today when `None`).
fn found_as_of(t: &Template, day: Option<Date>) -> Vec<Expect> {
    let mut v: Vec<Expect> = validate_on(t, day)
        .diagnostics
        .iter()
        .map(Expect::of)
        .collect();
    v.sort();
    v
}

fn validate_on(t: &Template, day: Option<Date>) -> ferroform::validate::Report {
    match day {
        Some(d) => validate_as_of(t, d),
        None => validate(t),
    }
}

/// The day a case holds on: its `# as-of: YYYY-MM-DD` line, if any.
fn as_of(path: &Path) -> Option<Date> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut days = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("# as-of:"))
        .map(|d| {
            d.parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        });
    let day = days.next();
    assert!(
        days.next().is_none(),
        "{}: two `# as-of:` lines",
        path.display()
    );
    day
}

/// The `# expect:` lines of a file, sorted; panics on a line not in the current form
/// (including the old `# expect: RULE ID`).
fn expected(path: &Path) -> Vec<Expect> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: Vec<Expect> = text
        .lines()
        .filter(|l| l.trim_start().starts_with("# expect"))
        .map(|l| {
            let rest = l
                .trim_start()
                .strip_prefix("# expect: ")
                .unwrap_or_else(|| panic!("{}: malformed line `{l}`", path.display()));
            Expect::parse(rest).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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
        let got = found_as_of(&load(&c), as_of(&c));
        if want != got {
            failures.push(format!(
                "{}:\n  expected:\n{}\n  found:\n{}",
                c.file_name().unwrap().to_string_lossy(),
                show(&want),
                show(&got)
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
        let r = validate_on(&t, as_of(&c));
        if !r.diagnostics.is_empty() {
            let list: Vec<String> = r
                .diagnostics
                .iter()
                .map(std::string::ToString::to_string)
                .collect();
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
    // resets the count (FF4034, a risk, not a refusal: a warning).
    let service = || {
        vec![Expect::new(
            Severity::Warning,
            "FF4034",
            "Service",
            "Service.Properties.DesiredCount",
        )]
    };
    let known = [
        ("efs_rds.yaml", service()),
        ("peers_fargate.yaml", service()),
    ];
    let dir = corpus().join("valid");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let t = load(&e.unwrap().path());
        let want = known
            .iter()
            .find(|(file, _)| *file == t.name())
            .map(|(_, w)| w.clone())
            .unwrap_or_default();
        let got = found(&t);
        assert_eq!(
            got,
            want,
            "{}:\n  expected:\n{}\n  found:\n{}",
            t.name(),
            show(&want),
            show(&got)
        );
        n += 1;
    }
    assert!(n >= 2);
}

#[test]
fn the_peers_broken_samples_get_their_known_defects() {
    use Severity::{Error, Warning};
    let want = |items: &[(Severity, &str, &str, &str)]| {
        let mut v: Vec<Expect> = items
            .iter()
            .map(|(s, r, id, p)| Expect::new(*s, r, id, p))
            .collect();
        v.sort();
        v
    };
    // The shared peers notes (FINDINGS.md §1.4, beside the repository): cpu 256 + memory 4096, a role without AssumeRolePolicyDocument,
    // `!Ref Clustr`; and a DesiredCount on the auto-scaled service (a risk: warning).
    let t = load(&corpus().join("samples/fargate-broken.yaml"));
    let expected = want(&[
        (Error, "FF2003", "TaskRole", "TaskRole.Properties"),
        (Error, "FF3001", "Service", "Service.Properties.Cluster.Ref"),
        (
            Error,
            "FF4001",
            "TaskDefinition",
            "TaskDefinition.Properties.Memory",
        ),
        (
            Warning,
            "FF4034",
            "Service",
            "Service.Properties.DesiredCount",
        ),
    ]);
    let got = found(&t);
    assert_eq!(got, expected, "found:\n{}", show(&got));
    // An extra property Foo, RetentionInDays 15, bridge on Fargate, no awslogs-region,
    // LaunchType FARGATE_SPOT, a ScalableDimension typo, MaxCapacity "ten": all refused.
    let t = load(&corpus().join("samples/fargate-broken2.yaml"));
    let expected = want(&[
        (Error, "FF2002", "Repository", "Repository.Properties.Foo"),
        (
            Error,
            "FF2005",
            "LogGroup",
            "LogGroup.Properties.RetentionInDays",
        ),
        (
            Error,
            "FF4003",
            "TaskDefinition",
            "TaskDefinition.Properties.NetworkMode",
        ),
        (
            Error,
            "FF4010",
            "TaskDefinition",
            "TaskDefinition.Properties.ContainerDefinitions[0].LogConfiguration.Options",
        ),
        (Error, "FF2005", "Service", "Service.Properties.LaunchType"),
        (
            Error,
            "FF2005",
            "ScalableTarget",
            "ScalableTarget.Properties.ScalableDimension",
        ),
        (
            Error,
            "FF2004",
            "ScalableTarget",
            "ScalableTarget.Properties.MaxCapacity",
        ),
    ]);
    let got = found(&t);
    assert_eq!(got, expected, "found:\n{}", show(&got));
}

/// The in-memory case: CloudFormation refuses a body over 1 MB even from S3 (an error).
fn over_one_megabyte() -> Expect {
    Expect::new(Severity::Error, "FF3106", "-", "-")
}

#[test]
fn a_body_over_one_megabyte_is_an_error_not_a_warning() {
    let mut body = serde_json::json!({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}});
    body["Metadata"] = serde_json::json!({"Notes": "n".repeat(1_100_000)});
    let r = validate(&Template::new("big", body));
    let got: Vec<Expect> = r.diagnostics.iter().map(Expect::of).collect();
    assert_eq!(got, [over_one_megabyte()]);
    assert_eq!(r.errors(), 1);
}

/// Every (severity, rule) the corpus expects: the YAML cases and the in-memory case above.
fn expected_severities() -> BTreeSet<(Severity, String)> {
    let mut v: BTreeSet<(Severity, String)> = invalid_cases()
        .iter()
        .flat_map(|c| expected(c))
        .map(|e| (e.severity, e.rule))
        .collect();
    let big = over_one_megabyte();
    v.insert((big.severity, big.rule));
    v
}

/// Every validator rule is exercised by the corpus (YAML cases and the in-memory case above).
#[test]
fn every_rule_is_covered() {
    let covered: BTreeSet<String> = expected_severities().into_iter().map(|(_, r)| r).collect();
    let missing: Vec<&str> = validator_rules()
        .map(|r| r.id)
        .filter(|id| !covered.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a corpus case: {missing:?}"
    );
}

/// Every Error rule of the validator is expected as an error by a corpus case, every Warning
/// rule as a warning: the corpus's severities are written by hand from what each rule means,
/// so flipping a rule's severity in the registry (an error demoted to a warning lets `synth`
/// write a template CloudFormation refuses) fails here, and in the comparisons above.
#[test]
fn every_rule_is_expected_with_its_registry_severity() {
    let expected = expected_severities();
    let mut wrong = Vec::new();
    for r in validator_rules() {
        if !expected.contains(&(r.severity, r.id.to_owned())) {
            let seen: Vec<&str> = expected
                .iter()
                .filter(|(_, id)| id == r.id)
                .map(|(s, _)| s.as_str())
                .collect();
            wrong.push(format!(
                "{} is {} in the registry; the corpus expects it as {seen:?}",
                r.id,
                r.severity.as_str()
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    // No rule is expected with both severities.
    let rules: BTreeSet<&String> = expected.iter().map(|(_, r)| r).collect();
    assert_eq!(rules.len(), expected.len(), "{expected:?}");
}

#[test]
fn expect_lines_must_name_severity_rule_logical_id_and_path() {
    assert_eq!(
        Expect::parse("error FF4001 Task Task.Properties.Memory"),
        Ok(Expect::new(
            Severity::Error,
            "FF4001",
            "Task",
            "Task.Properties.Memory"
        ))
    );
    assert_eq!(
        Expect::parse("warning FF3105 - -"),
        Ok(Expect::new(Severity::Warning, "FF3105", "-", "-"))
    );
    for bad in [
        // The old form, and forms missing a field.
        "FF4001 Task",
        "error FF4001 Task",
        "FF4001 Task Task.Properties.Memory",
        // Unknown severity, a logical ID where the rule should be, a field too many.
        "fatal FF4001 Task Task.Properties.Memory",
        "Error FF4001 Task Task.Properties.Memory",
        "error Task FF4001 Task.Properties.Memory",
        "error FF4001 Task Task.Properties.Memory extra",
        "",
    ] {
        assert!(Expect::parse(bad).is_err(), "`{bad}` was accepted");
    }
}

#[test]
fn rule_table_is_well_formed() {
    let mut seen = BTreeSet::new();
    for r in validator_rules() {
        assert!(r.id.starts_with("FF") && r.id.len() == 6, "{}", r.id);
        assert!(
            !r.id.starts_with("FF1"),
            "FF1xxx is the model's and the constructs' range: {}",
            r.id
        );
        assert!(seen.insert(r.id), "{} twice", r.id);
        assert!(!r.summary.is_empty());
        assert_eq!(rules::by_id(r.id), Some(r));
    }
    let ids: Vec<&str> = validator_rules().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "the registry is in id order");
    assert!(validator_rules().any(|r| r.severity == Severity::Warning));
    // Every rule outside the validator's ranges is the model's or the constructs'.
    assert!(
        rules::RULES
            .iter()
            .filter(|r| !seen.contains(r.id))
            .all(|r| r.id.starts_with("FF1"))
    );
}
