//! The README's rule table is the validator's rule list (`validate::RULES`), so the two
//! cannot drift: this test fails, printing the table to paste, when they differ.

use ferroform::Severity;
use ferroform::validate::RULES;

fn rules_table() -> String {
    let mut t = String::from("| rule | severity | what it checks |\n|---|---|---|\n");
    for r in RULES {
        let sev = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        t.push_str(&format!(
            "| {} | {sev} | {} |\n",
            r.id,
            r.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_lists_every_validator_rule() {
    let readme = std::fs::read_to_string("../README.md").expect("README.md");
    let start = "<!-- rules:start -->\n";
    let end = "<!-- rules:end -->";
    let section = readme
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table)
        .expect("README.md has a <!-- rules:start --> ... <!-- rules:end --> section");
    let expected = rules_table();
    assert!(
        section == expected,
        "README.md's rule table differs from validate::RULES; paste this between the markers:\n{expected}"
    );
    assert!(
        RULES.len() >= 40,
        "the validator knows {} rules",
        RULES.len()
    );
}
