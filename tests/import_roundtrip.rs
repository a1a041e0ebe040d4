//! `ferroform import` round trips: every template of the corpus is imported, the programs are
//! compiled (one cargo project holding every imported stack, built with the workspace's
//! lock file) and run, and each synthesized template must be the imported one
//! ([`ferroform::import::compare`]: only key order and equivalent forms may differ).
//!
//! The corpus: the examples' templates, the hand-written templates of `tests/import/` (each
//! aimed at one part of the template language), and every template of
//! `../shared/realworld/` on which cfn-lint 1.58.0 reports no error (its README). In CI the
//! real-world corpus is always there and its absence fails the test; elsewhere a clone
//! without it runs the rest and prints that it skipped it.
//!
//! Import refuses a template the validator finds errors in (exit 1, nothing written); the
//! few real-world templates that ferroform's validator rejects although cfn-lint accepts
//! them are reviewed differences where ferroform is right
//! (`tests/realworld-known-differences.txt`, checked by validate_realworld.rs) and are
//! counted here, not imported. Anything else import refuses fails the test.

mod all_examples;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use ferroform::Template;
use ferroform::import::{ImportError, Source, import, project};
use ferroform::model::parse::read_template_file;

/// A template of the corpus.
struct Case {
    /// The stack name, when it matters (the examples' stacks import from each other under
    /// their own names, as cross-stack handles).
    stack: Option<String>,
    origin: String,
    template: Template,
}

fn example_cases() -> Vec<Case> {
    let mut out = Vec::new();
    for (name, app) in all_examples::all() {
        let templates = app
            .synth()
            .unwrap_or_else(|e| panic!("example {name} does not synthesize: {e}"));
        for t in templates {
            let text = t.to_json();
            let template = Template::parse(t.name(), &text).expect("synthesized JSON parses");
            out.push(Case {
                stack: Some(t.name().to_owned()),
                origin: format!("example {name}, stack {}", t.name()),
                template,
            });
        }
    }
    out
}

fn read_case(path: &Path, origin: String) -> Option<Case> {
    let text = read_template_file(path).ok()?;
    let template = Template::parse(&path.display().to_string(), &text).ok()?;
    Some(Case {
        stack: None,
        origin,
        template,
    })
}

fn hand_written_cases() -> Vec<Case> {
    let dir = support::tests_file("import");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            read_case(
                p,
                format!(
                    "tests/import/{}",
                    p.file_name().unwrap_or_default().to_string_lossy()
                ),
            )
            .unwrap_or_else(|| panic!("{} does not parse", p.display()))
        })
        .collect()
}

/// The real-world templates cfn-lint accepts (`None`: the corpus is not here).
fn realworld_cases() -> Option<Vec<Case>> {
    let dir = support::realworld_dir()?;
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).ok()?;
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next()?.split('\t').collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .expect("INDEX.tsv column")
    };
    let (file, error, kind) = (col("file"), col("cfn_lint_1.58.0_error"), col("kind"));
    let mut out = Vec::new();
    for l in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        if f[error] != "no" || f[kind] == "bad-fixture" {
            continue;
        }
        // Files that are no templates (schemas, payloads) do not parse or have no
        // `Resources`: nothing to import.
        if let Some(c) = read_case(&dir.join(f[file]), format!("realworld {}", f[file]))
            && c.template.resources().is_some()
        {
            out.push(c);
        }
    }
    Some(out)
}

#[test]
fn imported_programs_synthesize_the_templates_they_were_imported_from() {
    let mut cases = example_cases();
    let examples = cases.len();
    cases.extend(hand_written_cases());
    let hand_written = cases.len() - examples;
    // Without the corpus (outside CI), the examples and tests/import/ run alone.
    let realworld = realworld_cases().unwrap_or_default();
    let realworld_count = realworld.len();
    cases.extend(realworld);

    let mut sources = Vec::new();
    let mut rejected_by_validator = Vec::new();
    let mut failures = Vec::new();
    let mut escapes = 0;
    for (i, c) in cases.into_iter().enumerate() {
        let stack = c.stack.clone().unwrap_or_else(|| format!("T{i}"));
        let source = Source::new(stack, c.origin.clone(), c.template);
        match import(std::slice::from_ref(&source)) {
            Ok(p) => {
                escapes += p.escapes.len();
                sources.push(source);
            }
            // The validator's false positives are counted by validate_realworld.rs.
            Err(ImportError::Invalid(d)) if c.origin.starts_with("realworld ") => {
                rejected_by_validator.push(format!(
                    "{}: {}",
                    c.origin,
                    d.first().map(|d| d.rule.to_string()).unwrap_or_default()
                ));
            }
            Err(e) => failures.push(format!("{}:\n{e}", c.origin)),
        }
    }
    assert!(
        failures.is_empty(),
        "import refused {} templates:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let program = import(&sources).expect("the imported templates import together");
    eprintln!(
        "import round trip: {} templates ({examples} examples, {hand_written} hand-written, {} of {realworld_count} real-world; {} refused by the validator), {escapes} values as plain JSON",
        sources.len(),
        realworld_count - rejected_by_validator.len(),
        rejected_by_validator.len()
    );
    assert!(sources.len() >= 25, "at least 25 templates round trip");
    assert!(
        !program.main_rs.contains(".unwrap()") && !program.main_rs.contains(".expect("),
        "the program has no unwrap"
    );
    // The examples' cross-stack references come back as handles.
    assert!(
        program
            .main_rs
            .contains("pub fn service(platform: &PlatformHandles) -> Stack")
            && program.main_rs.contains("platform.vpc.to_ref()"),
        "the Service stack reads the Platform stack's handles"
    );

    // One project with every stack; its own test compares each synthesized template.
    let dir =
        std::env::temp_dir().join(format!("ferroform-import-roundtrip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dsl = support::repo_root().join("dsl");
    for (rel, text) in project(
        "import-roundtrip",
        &program,
        &sources,
        Some(&dsl.display().to_string()),
    ) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the project");
        // Outside the workspace: a workspace of its own.
        let text = if path.ends_with("Cargo.toml") {
            format!("{text}\n[workspace]\n")
        } else {
            text
        };
        std::fs::write(&path, text).expect("write the project");
    }
    std::fs::copy(
        support::repo_root().join("Cargo.lock"),
        dir.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            support::repo_root().join("target/import-roundtrip"),
        )
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the imported program failed (project kept at {}):\n{stdout}\n{}",
        dir.display(),
        stderr.lines().take(200).collect::<Vec<_>>().join("\n")
    );
    assert!(
        !stderr.contains("warning:"),
        "the imported program compiles with warnings:\n{stderr}"
    );
    assert!(
        stdout.contains("test tests::synthesizes_the_imported_templates ... ok")
            || stdout.contains("1 passed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
