//! The validator over real-world templates nobody on this project wrote: the 733 public
//! CloudFormation templates of `../shared/realworld/` (its README; `INDEX.tsv` gives cfn-lint
//! 1.58.0's verdict for each), read and validated in this one process through the library.
//!
//! What it asserts (issue #12):
//! - no template makes the reader or the validator panic;
//! - no **false positive**: every template on which cfn-lint reports no error gets no
//!   ferroform error (warnings allowed; a file ferroform cannot read counts as an error, rule
//!   `parse`), except the templates of two checked-in lists, each line
//!   `PATH RULE REASON...` (`#` starts a comment):
//!   - `realworld-known-differences.txt`: ferroform is right and cfn-lint is not; the reason
//!     is the AWS documentation URL that proves it. Reviewed; should stay short. A line whose
//!     rule is `cfn-lint:EXXXX` goes the other way: cfn-lint reports EXXXX as an error on that
//!     template, and ferroform deliberately does not (CloudFormation accepts the template,
//!     or ferroform reports the problem as a warning by design, e.g. a template to package
//!     first); such a template counts apart from the coverage when every error cfn-lint
//!     reports on it is judged so.
//!   - `realworld-not-yet-fixed.txt`: false positives of ferroform not fixed yet, with their
//!     cause. It only shrinks: an entry that no longer fails is reported so it gets removed.
//!
//!   Every error rule ferroform reports on a listed template must be listed for it, so a new
//!   false positive on a listed template fails too;
//! - then it prints the **coverage**: of the templates on which cfn-lint reports an error,
//!   how many ferroform flags with an error (fixtures and the others apart), and the cfn-lint
//!   rule IDs on the templates ferroform passes, most frequent first.
//!
//! The templates are validated as of [`VERDICTS_AS_OF`], not today: cfn-lint's verdicts depend
//! on the day they were computed (its Lambda runtime rules, like ferroform's `FF2016`, compare
//! AWS's block dates with the clock), so the two are compared on the same day.
//!
//! Run with `-- --nocapture` to see the figures. The corpus lives outside the repository (never
//! copied in). In CI its absence fails the test; elsewhere the test prints why it was skipped
//! and passes.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use ferroform::model::parse::{TemplateRead, read_template};
use ferroform::validate::{Date, validate_as_of};

/// The day the verdicts of `INDEX.tsv` hold for. cfn-lint 1.58.0 reports a Lambda runtime
/// whose create block has begun (E2531, E2533) by the clock; the corpus's verdicts agree with
/// AWS's dates on any day from 2024-02-08 (the last create block before them: `go1.x`,
/// `java8`, `provided`) to 2027-01-31 (nodejs16.x to 20.x, python3.8 to 3.10... are blocked from
/// 2027-02-01), and were checked against ferroform on this one. Validating on the real date
/// would turn some 30 templates cfn-lint accepted into errors on 2027-02-01 with no change here.
/// <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html>
const VERDICTS_AS_OF: &str = "2026-12-04";

/// The rule name used for a file ferroform cannot read (no rule id exists for that).
const PARSE: &str = "parse";

/// One line of `INDEX.tsv`.
struct Entry {
    file: String,
    cfn_lint_error: bool,
    cfn_lint_rules: Vec<String>,
    bad_fixture: bool,
}

fn read_index(dir: &Path) -> Vec<Entry> {
    let text = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("INDEX.tsv has no `{name}` column: {header:?}"))
    };
    let (file, error, rules, kind) = (
        col("file"),
        col("cfn_lint_1.58.0_error"),
        col("cfn_lint_error_rules"),
        col("kind"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), header.len(), "INDEX.tsv line `{l}`");
            let cfn_lint_error = match f[error] {
                "yes" => true,
                "no" => false,
                other => panic!("INDEX.tsv: `{other}` is not yes/no in `{l}`"),
            };
            Entry {
                file: f[file].to_owned(),
                cfn_lint_error,
                cfn_lint_rules: f[rules]
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|r| !r.is_empty() && *r != "-")
                    .map(str::to_owned)
                    .collect(),
                bad_fixture: f[kind] == "bad-fixture",
            }
        })
        .collect()
}

/// A list file: template path → (rules listed, line number).
fn read_list(name: &str, needs_url: bool) -> BTreeMap<String, (BTreeSet<String>, usize)> {
    let path = support::tests_file(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: BTreeMap<String, (BTreeSet<String>, usize)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [file, rule, reason @ ..] = &fields[..] else {
            panic!(
                "{name}:{}: the form is `PATH RULE REASON...`: `{line}`",
                n + 1
            );
        };
        assert!(
            !reason.is_empty(),
            "{name}:{}: `{line}` gives no reason",
            n + 1
        );
        if needs_url {
            assert!(
                reason
                    .iter()
                    .any(|r| r.starts_with("https://docs.aws.amazon.com/")),
                "{name}:{}: `{line}` cites no AWS documentation (https://docs.aws.amazon.com/...)",
                n + 1
            );
        }
        let entry = out
            .entry((*file).to_owned())
            .or_insert((BTreeSet::new(), n + 1));
        entry.0.insert((*rule).to_owned());
    }
    out
}

/// What ferroform says of one file: its errors, rule → one line each (`parse` when the file
/// cannot be read).
fn ferroform_errors(path: &Path) -> BTreeMap<String, Vec<String>> {
    let unreadable = |e: ferroform::model::parse::ParseError| {
        BTreeMap::from([(PARSE.to_owned(), vec![e.to_string()])])
    };
    // Read as `ferroform validate FILE` reads it: local nested templates beside it.
    let t = match read_template(path) {
        Ok(t) => t,
        Err(TemplateRead::Unreadable(e) | TemplateRead::Invalid(e)) => return unreadable(e),
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let as_of: Date = VERDICTS_AS_OF.parse().expect("a date");
    for d in validate_as_of(&t, as_of).diagnostics {
        if d.severity == ferroform::Severity::Error {
            let line = format!("{}: {}", d.path, d.message);
            out.entry(d.rule.to_owned()).or_default().push(line);
        }
    }
    out
}

/// The first errors of a file, to show in a failure.
fn detail(errors: &BTreeMap<String, Vec<String>>) -> String {
    let lines: Vec<String> = errors
        .iter()
        .flat_map(|(rule, v)| v.iter().take(3).map(move |l| format!("      {rule} {l}")))
        .collect();
    lines.join("\n")
}

#[test]
fn realworld_templates_have_no_false_positives() {
    let Some(dir) = support::realworld_dir() else {
        return;
    };
    let index = read_index(&dir);
    assert!(index.len() >= 700, "INDEX.tsv lists {} files", index.len());
    let known = read_list("realworld-known-differences.txt", true);
    let not_yet = read_list("realworld-not-yet-fixed.txt", false);
    for file in known.keys().chain(not_yet.keys()) {
        assert!(
            index.iter().any(|e| &e.file == file),
            "{file} is listed but not in INDEX.tsv"
        );
    }
    for file in known.keys() {
        assert!(
            !not_yet.contains_key(file),
            "{file} is in both lists: a template is either explained or not yet fixed"
        );
    }

    let mut panics = Vec::new();
    let mut false_positives = Vec::new();
    let mut fixed = Vec::new();
    let mut known_hit = 0;
    let mut not_yet_hit = 0;
    // Coverage: (flagged, total) for the bad fixtures and for the others.
    let mut fixtures = (0, 0);
    let mut others = (0, 0);
    let mut missed: BTreeMap<String, usize> = BTreeMap::new();
    let mut judged_apart = 0;
    let mut stale_judgements = Vec::new();
    let start = std::time::Instant::now();
    for e in &index {
        let path = dir.join(&e.file);
        let Ok(found) = catch_unwind(AssertUnwindSafe(|| ferroform_errors(&path))) else {
            panics.push(e.file.clone());
            continue;
        };
        let errors: BTreeSet<String> = found.keys().cloned().collect();
        let judged: BTreeSet<&str> = known
            .get(&e.file)
            .into_iter()
            .flat_map(|(rules, _)| rules.iter().filter_map(|r| r.strip_prefix("cfn-lint:")))
            .collect();
        for j in &judged {
            if !e.cfn_lint_rules.iter().any(|r| r == j) {
                stale_judgements.push(format!(
                    "{}: cfn-lint:{j} is listed, but cfn-lint reports no {j} there",
                    e.file
                ));
            }
        }
        if e.cfn_lint_error
            && !judged.is_empty()
            && e.cfn_lint_rules.iter().all(|r| judged.contains(r.as_str()))
        {
            judged_apart += 1;
            continue;
        }
        let errors: BTreeSet<String> = errors
            .into_iter()
            .filter(|r| !r.starts_with("cfn-lint:"))
            .collect();
        if e.cfn_lint_error {
            let tally = if e.bad_fixture {
                &mut fixtures
            } else {
                &mut others
            };
            tally.1 += 1;
            if errors.is_empty() {
                for r in &e.cfn_lint_rules {
                    *missed.entry(r.clone()).or_default() += 1;
                }
            } else {
                tally.0 += 1;
            }
            continue;
        }
        let listed = known.get(&e.file).or_else(|| not_yet.get(&e.file));
        match listed {
            None if errors.is_empty() => {}
            None => false_positives.push(format!("{}: {errors:?}\n{}", e.file, detail(&found))),
            Some((rules, line)) => {
                let rules: BTreeSet<String> = rules
                    .iter()
                    .filter(|r| !r.starts_with("cfn-lint:"))
                    .cloned()
                    .collect();
                let rules = &rules;
                let unlisted: Vec<&String> = errors.difference(rules).collect();
                if !unlisted.is_empty() {
                    false_positives.push(format!(
                        "{}: {unlisted:?} (listed, line {line}, for {rules:?} only)\n{}",
                        e.file,
                        detail(&found)
                    ));
                } else if !rules.is_subset(&errors) {
                    let gone: Vec<&String> = rules.difference(&errors).collect();
                    fixed.push(format!("{}: {gone:?} (listed line {line})", e.file));
                } else if known.contains_key(&e.file) {
                    known_hit += 1;
                } else {
                    not_yet_hit += 1;
                }
            }
        }
    }
    let elapsed = start.elapsed();

    let pct = |(a, b): (usize, usize)| {
        if b == 0 {
            0.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    let mut missed: Vec<(String, usize)> = missed.into_iter().collect();
    missed.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let missed: Vec<String> = missed
        .iter()
        .take(20)
        .map(|(r, n)| format!("{r} ({n})"))
        .collect();
    eprintln!(
        "real-world corpus: {} templates validated in {elapsed:.2?}; {known_hit} known \
         differences, {not_yet_hit} false positives not yet fixed",
        index.len()
    );
    eprintln!(
        "coverage where cfn-lint reports an error: {}/{} non-fixture templates ({:.0} %), \
         {}/{} cfn-lint bad fixtures ({:.0} %); {judged_apart} templates counted apart (every \
         cfn-lint error on them judged in realworld-known-differences.txt)",
        others.0,
        others.1,
        pct(others),
        fixtures.0,
        fixtures.1,
        pct(fixtures)
    );
    eprintln!(
        "cfn-lint rules on the templates ferroform passes, most frequent first: {}",
        if missed.is_empty() {
            "none".to_owned()
        } else {
            missed.join(", ")
        }
    );

    let mut failures = Vec::new();
    if !stale_judgements.is_empty() {
        failures.push(format!(
            "judgements of cfn-lint rules that do not apply:\n  {}",
            stale_judgements.join("\n  ")
        ));
    }
    if !panics.is_empty() {
        failures.push(format!("panicked on:\n  {}", panics.join("\n  ")));
    }
    if !false_positives.is_empty() {
        failures.push(format!(
            "errors on templates cfn-lint accepts (fix the validator, or list the template \
             in tests/realworld-known-differences.txt with the AWS page that proves ferroform \
             right):\n  {}",
            false_positives.join("\n  ")
        ));
    }
    if !fixed.is_empty() {
        failures.push(format!(
            "listed but no longer flagged with that rule (remove the line from the list):\n  {}",
            fixed.join("\n  ")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
