//! `docs/rules.md` is generated from the rule registry (`ferroform::rules`), and the README
//! points there instead of carrying a rule table, so neither can drift from the code.
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
            "Found when a stack or an app is synthesized (`synth`, `Stack::synth`, `App::synth`).",
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
             on the stacks it writes. `ferroform validate --help` lists these rules too.",
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
}

/// Every rule id the README or the rule list mentions is a rule of the registry.
#[test]
fn documented_rule_ids_exist() {
    for file in ["README.md", "docs/rules.md"] {
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
