//! `docs/rules.md` is generated from the rule registry (`ferroform::rules`), and the README
//! points there instead of carrying a rule table, so neither can drift from the code.
//!
//! The rest of the documentation is checked for what can go stale unnoticed: the README
//! links the book, the rule list, the benchmarks, the tests' README and the changelog; every
//! chapter of the book (`docs/src/`) is in its `SUMMARY.md` and compiled as doc tests
//! (`dsl/src/lib.rs`, module `book`); relative links name files of the repository.
//!
//! `docs_rules_md_matches_the_registry` fails when the committed file differs from what the
//! registry gives; regenerate it with
//!
//! ```text
//! UPDATE_DOCS=1 cargo test -p ferroform-tests --test readme
//! ```

use std::path::PathBuf;

use ferroform::Severity;
use ferroform::rules::{Origin, RULES, Rule};

/// The command that rewrites `docs/rules.md` (named by the failure message).
const UPDATE: &str = "UPDATE_DOCS=1 cargo test -p ferroform-tests --test readme";

fn repo_file(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
}

/// What each range is and when it is checked: a heading and a paragraph of `docs/rules.md`.
fn section(origin: Origin) -> (&'static str, &'static str) {
    match origin {
        Origin::Model => (
            "Stacks and apps (`FF10xx`)",
            "Found when a stack or an app is synthesized (`synth`, `Stack::to_template`, `App::synth`).",
        ),
        Origin::Construct => (
            "Constructs (`FF15xx`)",
            "Found when a construct of `ferroform::ecs` builds its resources: bad input is \
             reported at synth with every other problem, never panicked on.",
        ),
        Origin::Validator => (
            "Validator (`FF2xxx` to `FF4xxx`)",
            "What CloudFormation or the service would reject (or a deploy would regret), found \
             by the validator: `ferroform validate FILE...` on any template, and every `synth` \
             on the stacks it writes. `ferroform validate --help` lists these rules too. The \
             ECS and Application Auto Scaling constraints CloudFormation reports only at deploy \
             time, those these rules check and those they do not yet, are listed in \
             the book's chapter *ECS constraints checked before deploy* \
             (`docs/src/ecs-constraints.md`).",
        ),
    }
}

/// Markdown text: `|` escaped for a table cell, `<` and `>` outside code spans written as
/// entities (`service/<cluster>/<service>` is text, not an HTML tag).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// The link text for a rule's AWS page: the page's name (`API_CreateStack`).
fn page_name(url: &str) -> &str {
    let page = url.rsplit('/').next().unwrap_or(url);
    let page = page.split('#').next().unwrap_or(page);
    page.strip_suffix(".html").unwrap_or(page)
}

fn row(r: &Rule) -> String {
    let severity = match r.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "| {} | `{}` | {severity} | {} | [{}]({}) |\n",
        r.id,
        r.name,
        cell(r.summary),
        page_name(r.doc_url),
        r.doc_url
    )
}

/// `docs/rules.md`, from the registry.
fn rules_md() -> String {
    let mut md = format!(
        "<!-- Generated from the rule registry (dsl/src/rules.rs) by tests/readme.rs: do not \
         edit. Change the registry, then run `{UPDATE}`. -->\n\n"
    );
    md.push_str(
        "# Rules\n\n\
         Every diagnostic ferroform reports names one of these rules, compiler style \
         (`error[FF4001]: ...`). An **error** refuses the stack or template: nothing is \
         written or deployed. A **warning** is printed, and fails only with `--strict`.\n\n\
         Each rule links the AWS documentation page for the fact it checks. In Rust, each \
         rule is a constant of `ferroform::rules` (the *constant* column), and a \
         diagnostic's `rule` compares equal to it: \
         `diagnostic.rule == rules::FARGATE_CPU_MEMORY`.\n",
    );
    for origin in [Origin::Model, Origin::Construct, Origin::Validator] {
        let (title, about) = section(origin);
        md.push_str(&format!("\n## {title}\n\n{about}\n\n"));
        md.push_str("| rule | constant | severity | what it checks | AWS documentation |\n");
        md.push_str("|---|---|---|---|---|\n");
        for r in RULES.iter().filter(|r| r.origin == origin) {
            md.push_str(&row(r));
        }
    }
    md
}

#[test]
fn docs_rules_md_matches_the_registry() {
    let path = repo_file("docs/rules.md");
    let expected = rules_md();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != expected {
            std::fs::create_dir_all(path.parent().expect("docs/")).expect("create docs/");
            std::fs::write(&path, &expected).expect("write docs/rules.md");
        }
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "docs/rules.md is stale (it is generated from the rule registry, \
         dsl/src/rules.rs): run `{UPDATE}` and commit the result"
    );
}

#[test]
fn docs_rules_md_lists_every_rule_once() {
    let md = rules_md();
    for r in RULES {
        let rows = md
            .lines()
            .filter(|l| l.starts_with(&format!("| {} |", r.id)))
            .count();
        assert_eq!(rows, 1, "{}", r.id);
        assert!(md.contains(&format!("({})", r.doc_url)), "{}", r.id);
    }
    assert_eq!(
        cell("service/<cluster>/<service>"),
        "service/&lt;cluster&gt;/&lt;service&gt;"
    );
    assert_eq!(cell("`a|<b>` | c"), "`a\\|<b>` \\| c");
    assert_eq!(
        page_name(
            "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size"
        ),
        "fargate-tasks-services"
    );
}

#[test]
fn the_readme_links_the_rule_list_and_carries_no_table_of_its_own() {
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README.md");
    assert!(
        readme.contains("](docs/rules.md)"),
        "README.md should link docs/rules.md"
    );
    let table_rows: Vec<&str> = readme
        .lines()
        .filter(|l| l.trim_start().starts_with("| FF"))
        .collect();
    assert!(
        table_rows.is_empty(),
        "README.md lists rules itself; docs/rules.md is their one list:\n{}",
        table_rows.join("\n")
    );
    // Nor do the book's chapters: its rule catalogue includes docs/rules.md.
    for chapter in book_chapters() {
        let text = chapter_text(&chapter);
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("| FF")),
            "docs/src/{chapter} lists rules itself; docs/rules.md is their one list"
        );
    }
}

/// Every rule id the README, the rule list, the book or the other documents mention is a
/// rule of the registry.
#[test]
fn documented_rule_ids_exist() {
    let mut files = documents();
    files.push("docs/rules.md".to_owned());
    for file in &files {
        let text = std::fs::read_to_string(repo_file(file)).unwrap_or_default();
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices("FF") {
            let digits = &bytes[i + 2..(i + 6).min(bytes.len())];
            let boundary = |j: usize| bytes.get(j).is_none_or(|b| !b.is_ascii_alphanumeric());
            if digits.len() == 4
                && digits.iter().all(u8::is_ascii_digit)
                && boundary(i + 6)
                && (i == 0 || boundary(i - 1))
            {
                let id = &text[i..i + 6];
                assert!(
                    ferroform::rules::by_id(id).is_some(),
                    "{file} mentions {id}, which is no rule"
                );
            }
        }
    }
}

/// The chapters of the book: every Markdown file of `docs/src/` but the table of contents.
fn book_chapters() -> Vec<String> {
    let mut chapters: Vec<String> = std::fs::read_dir(repo_file("docs/src"))
        .expect("docs/src")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && name != "SUMMARY.md")
        .collect();
    chapters.sort();
    chapters
}

/// The text of the chapter `docs/src/<name>`.
fn chapter_text(name: &str) -> String {
    std::fs::read_to_string(repo_file(&format!("docs/src/{name}"))).expect("chapter")
}

/// The lines of a Markdown text outside fenced code blocks.
fn prose_lines(text: &str) -> Vec<&str> {
    let mut in_code = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        } else if !in_code {
            lines.push(line);
        }
    }
    lines
}

/// The targets of the inline links `[text](target)` of a Markdown text, code blocks apart.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    for line in prose_lines(text) {
        let mut rest = line;
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    targets
}

/// The documents a newcomer reads: the README, the book, and the READMEs of the tests and
/// the benchmarks, with the changelog.
fn documents() -> Vec<String> {
    let mut docs: Vec<String> = [
        "README.md",
        "CHANGELOG.md",
        "tests/README.md",
        "benches/README.md",
    ]
    .map(String::from)
    .to_vec();
    docs.push("docs/src/SUMMARY.md".to_owned());
    docs.extend(book_chapters().into_iter().map(|c| format!("docs/src/{c}")));
    docs
}

/// Every book chapter is listed in `SUMMARY.md` (so `mdbook build` renders it), and every
/// chapter `SUMMARY.md` lists exists.
#[test]
fn the_book_summary_lists_every_chapter() {
    let summary = std::fs::read_to_string(repo_file("docs/src/SUMMARY.md")).expect("SUMMARY.md");
    let listed = link_targets(&summary);
    for chapter in book_chapters() {
        assert!(
            listed.contains(&chapter),
            "docs/src/{chapter} is not listed in docs/src/SUMMARY.md"
        );
    }
    for target in &listed {
        assert!(
            repo_file("docs/src").join(target).is_file(),
            "docs/src/SUMMARY.md lists {target}, which does not exist"
        );
    }
}

/// Every chapter is included as doc tests by `dsl/src/lib.rs` (module `book`, under
/// `#[cfg(doctest)]`), so `cargo test --doc` compiles its Rust samples; the README too.
#[test]
fn every_chapter_and_the_readme_are_compiled_as_doc_tests() {
    let lib = std::fs::read_to_string(repo_file("dsl/src/lib.rs")).expect("dsl/src/lib.rs");
    assert!(
        lib.contains("#[doc = include_str!(\"../../README.md\")]"),
        "dsl/src/lib.rs no longer compiles the README's code blocks"
    );
    for chapter in book_chapters() {
        let include = format!("#[doc = include_str!(\"../../docs/src/{chapter}\")]");
        let text = chapter_text(&chapter);
        let has_code = text.lines().any(|l| l.trim_start().starts_with("```"));
        // A chapter that is only an include of a generated page holds no code to test.
        if !has_code && text.contains("{{#include ") {
            continue;
        }
        assert!(
            lib.contains(&include),
            "docs/src/{chapter} is not compiled as doc tests: add `{include}` and an item \
             to the `book` module of dsl/src/lib.rs"
        );
    }
}

/// A Rust sample inside `{{#include}}` would be shown by mdBook but never compiled by the
/// doc tests (rustdoc does not expand it): chapters with code keep their code inline.
#[test]
fn chapters_with_code_include_no_files() {
    for chapter in book_chapters() {
        let text = chapter_text(&chapter);
        if text.lines().any(|l| l.trim_start().starts_with("```")) {
            // A directive names a file: `{{#include path}}` (prose may name the syntax).
            assert!(
                !text.contains("{{#include ") && !text.contains("{{#rustdoc_include "),
                "docs/src/{chapter} has code and an mdBook include"
            );
        }
    }
}

/// The README points a newcomer to the rest of the documentation.
#[test]
fn the_readme_links_the_documentation() {
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README.md");
    let links = link_targets(&readme);
    for target in [
        "docs/rules.md",
        "benches/README.md",
        "tests/README.md",
        "CHANGELOG.md",
        "docs/src/constructs.md",
        "docs/src/command.md",
        "docs/src/deploying-safely.md",
    ] {
        assert!(
            links.iter().any(|l| l == target),
            "README.md should link {target}"
        );
    }
}

/// Every relative link and `{{#include}}` of the documents names a file or directory of
/// the repository (anchors apart): nothing points outside it, nothing at a file that moved.
#[test]
fn document_links_stay_inside_the_repository() {
    let root = repo_file("").canonicalize().expect("repository root");
    for doc in documents() {
        let path = repo_file(&doc);
        let Ok(text) = std::fs::read_to_string(&path) else {
            panic!("{doc} is missing");
        };
        let dir = path.parent().expect("parent");
        let mut targets = link_targets(&text);
        for line in prose_lines(&text) {
            if let Some(start) = line.find("{{#include ") {
                let rest = &line[start + "{{#include ".len()..];
                let end = rest.find("}}").expect("{{#include ...}}");
                targets.push(rest[..end].trim().to_owned());
            }
        }
        for target in targets {
            if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
                continue;
            }
            let file = target.split('#').next().unwrap_or(&target);
            let resolved = dir.join(file).canonicalize();
            assert!(
                resolved.as_ref().is_ok_and(|p| p.starts_with(&root)),
                "{doc} links {target}, which is not a file of the repository"
            );
        }
    }
}

#[test]
fn the_readme_starts_with_its_title_and_states_each_figure_once() {
    // An edit once put the validator's figures above the title (and left the old ones in
    // place below): the README is read from its first line, and one paragraph holds them.
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README.md");
    assert!(
        readme.starts_with("# ferroform\n"),
        "{}",
        &readme[..200.min(readme.len())]
    );
    assert_eq!(
        readme.matches("`validate` is tested on").count(),
        1,
        "the validator's figures are stated once"
    );
}
