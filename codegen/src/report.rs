//! What the generator could not type or check, counted on every run (a summary on stderr)
//! and compared with a checked-in expectation (`codegen/expected-fallbacks.txt`), so a schema
//! update that silently loses typing fails `codegen/regenerate.sh --check`.
//!
//! One fact a line, sorted:
//!
//! ```text
//! dropped <type> <path>: no writable property in its object
//! json <type> <path>: <JSON, List<JSON>...> (<why>)
//! json <type> attribute <name>: JSON (<why>)
//! pattern unchecked: <pattern>
//! pattern in alternatives: <pattern>
//! pattern not a string: <type>
//! ```
//!
//! `<path>` is the CloudFormation path of the property in the generated module (the
//! definition or inline object that holds it, then its name: `ContainerDefinition.DockerLabels`),
//! for the types of `codegen/types.txt`. Patterns are those of every type of the constraint data
//! (`dsl/data/schemas.bin`): a kept pattern is compiled with the validator's own translation and
//! engines (`dsl/src/validate/pattern.rs`, compiled into the generator), and is `unchecked` when
//! neither `regex` nor `fancy-regex` compiles it; a pattern of a `oneOf`/`anyOf`/`allOf`
//! alternative is not kept in the data at all (the validator checks only the properties and
//! types of alternatives); a `pattern` that is not a string is dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::constraints::Patterns;
use crate::model::{Lost, Ty};
use crate::pattern::{self, PatternKind};
use crate::schema::JsonWhy;

/// The header of the expectation file (lines starting with `#` are not compared).
const HEADER: &str = "\
# What ferroform-codegen could not type or check: one fact a line, sorted. Written by
# codegen/regenerate.sh; `codegen/regenerate.sh --check` (CI) fails when a line comes or goes.
# Review the change, then run codegen/regenerate.sh to accept it. See README, \"Generated code\".
#
# dropped <type> <path>: ...              a writable property with no field: its object has
#                                         only read-only properties
# json <type> <path>: <type> (<why>)      a property typed as JSON (a Document), or a list or
#                                         map of JSON
# json <type> attribute <name>: JSON (<why>)   an attr_* accessor that returns JSON
# pattern unchecked: <pattern>            neither regex nor fancy-regex compiles it (with the
#                                         validator's translation): the validator skips it
# pattern in alternatives: <pattern>      a pattern of a oneOf/anyOf/allOf alternative: not in
#                                         the validator's data, not checked
# pattern not a string: <type>            a type with a non-string pattern: dropped
";

/// Pattern counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatternCounts {
    /// Distinct patterns kept in the constraint data.
    pub total: usize,
    /// Compiled with `regex`.
    pub regex: usize,
    /// Compiled with `fancy-regex`.
    pub fancy: usize,
    /// Compiled with neither: not checked.
    pub unchecked: usize,
    /// Distinct patterns of alternatives, not kept.
    pub in_alternatives: usize,
    /// Types with a `pattern` that is not a string.
    pub not_strings: usize,
}

/// The report of one run.
#[derive(Debug, Default)]
pub struct Report {
    lines: BTreeSet<String>,
    dropped: usize,
    json_fields: BTreeMap<JsonWhy, usize>,
    json_attrs: usize,
    patterns: Option<PatternCounts>,
}

/// A type as the report writes it: `JSON`, `List<JSON>`, `Map<List<JSON>>`.
fn shape(ty: &Ty) -> String {
    match ty {
        Ty::List(i) => format!("List<{}>", shape(i)),
        Ty::Map(i) => format!("Map<{}>", shape(i)),
        Ty::Json => "JSON".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Control characters escaped, so that a pattern stays on one line.
fn one_line(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

impl Report {
    /// Count what one generated module does not type.
    pub fn add_module(&mut self, type_name: &str, lost: &[Lost]) {
        for l in lost {
            let line = match l {
                Lost::Dropped { path } => {
                    self.dropped += 1;
                    format!("dropped {type_name} {path}: no writable property in its object")
                }
                Lost::Json { path, ty, why } => {
                    *self.json_fields.entry(*why).or_default() += 1;
                    format!(
                        "json {type_name} {path}: {} ({})",
                        shape(ty),
                        why.describe()
                    )
                }
                Lost::JsonAttribute { name, why } => {
                    self.json_attrs += 1;
                    format!(
                        "json {type_name} attribute {name}: JSON ({})",
                        why.describe()
                    )
                }
            };
            self.lines.insert(line);
        }
    }

    /// Compile every kept pattern with the validator's engines, on `jobs` threads; count and
    /// list those it cannot check.
    pub fn add_patterns(&mut self, p: &Patterns, jobs: usize) {
        let all: Vec<&String> = p.kept.iter().collect();
        let chunk = all.len().div_ceil(jobs.max(1)).max(1);
        let kinds: BTreeMap<&str, PatternKind> = std::thread::scope(|scope| {
            let handles: Vec<_> = all
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|s| (s.as_str(), pattern::kind(s)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("pattern thread"))
                .collect()
        });
        self.add_patterns_with(p, |s| kinds[s]);
    }

    fn add_patterns_with(&mut self, p: &Patterns, kind: impl Fn(&str) -> PatternKind) {
        let mut c = PatternCounts {
            total: p.kept.len(),
            in_alternatives: p.in_alternatives.len(),
            not_strings: p.not_strings.len(),
            ..PatternCounts::default()
        };
        for pat in &p.kept {
            match kind(pat) {
                PatternKind::Regex => c.regex += 1,
                PatternKind::Fancy => c.fancy += 1,
                PatternKind::Unchecked => {
                    c.unchecked += 1;
                    self.lines
                        .insert(format!("pattern unchecked: {}", one_line(pat)));
                }
            }
        }
        for pat in &p.in_alternatives {
            self.lines
                .insert(format!("pattern in alternatives: {}", one_line(pat)));
        }
        for t in &p.not_strings {
            self.lines.insert(format!("pattern not a string: {t}"));
        }
        self.patterns = Some(c);
    }

    /// The lines, sorted.
    pub fn lines(&self) -> Vec<String> {
        self.lines.iter().cloned().collect()
    }

    /// The expectation file's text.
    pub fn file_text(&self) -> String {
        let mut out = HEADER.to_owned();
        for l in &self.lines {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    /// The counts on one line.
    pub fn summary(&self) -> String {
        let fields: usize = self.json_fields.values().sum();
        let mut out = format!(
            "ferroform-codegen: not typed: {} properties dropped, {fields} properties JSON",
            self.dropped
        );
        if fields > 0 {
            let why: Vec<String> = self
                .json_fields
                .iter()
                .map(|(w, n)| format!("{n} {}", w.describe()))
                .collect();
            let _ = write!(out, " ({})", why.join(", "));
        }
        let _ = write!(out, ", {} attributes JSON", self.json_attrs);
        if let Some(c) = &self.patterns {
            let _ = write!(
                out,
                "; schema patterns: {} distinct, {} checked with regex, {} with fancy-regex, {} not checked, {} in alternatives not kept",
                c.total, c.regex, c.fancy, c.unchecked, c.in_alternatives
            );
            if c.not_strings > 0 {
                let _ = write!(out, ", {} types with non-string patterns", c.not_strings);
            }
        }
        out
    }
}

/// How the report differs from the expectation.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Lines of the report the expectation lacks.
    pub added: Vec<String>,
    /// Lines of the expectation the report lacks.
    pub removed: Vec<String>,
}

impl Changes {
    /// The report is what was expected.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }

    /// `+ line` and `- line`, added first.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for l in &self.added {
            let _ = writeln!(out, "+ {l}");
        }
        for l in &self.removed {
            let _ = writeln!(out, "- {l}");
        }
        out
    }
}

/// Compare the report's `lines` with the expectation file's text (comments and blank lines
/// ignored).
pub fn compare(expected: &str, lines: &[String]) -> Changes {
    let want: BTreeSet<&str> = expected
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let have: BTreeSet<&str> = lines.iter().map(String::as_str).collect();
    Changes {
        added: have.difference(&want).map(|s| (*s).to_owned()).collect(),
        removed: want.difference(&have).map(|s| (*s).to_owned()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Builder;
    use crate::schema::Schema;
    use serde_json::json;

    fn report_of(schema: serde_json::Value) -> Report {
        let s = Schema::new(schema);
        let m = Builder::new(&s, "AWS::Test::Thing").build();
        let mut r = Report::default();
        r.add_module("AWS::Test::Thing", &m.lost);
        r
    }

    #[test]
    fn untyped_properties_and_attributes_are_listed_with_their_reason() {
        let r = report_of(json!({
            "properties": {
                "Name": {"type": "string"},
                "Policy": {"type": "object"},
                "Doc": {"type": ["object", "string"]},
                "Anything": {"type": "array"},
                "Labels": {"type": "object", "additionalProperties": {"type": "object"}},
                "Rules": {"type": "array", "items": {"$ref": "#/definitions/Rule"}},
                "Status": {"$ref": "#/definitions/Status"},
                "Arn": {"type": "string"},
                "Info": {"type": "object", "properties": {"A": {"type": "string"}}}
            },
            "definitions": {
                "Rule": {"type": "object", "properties": {
                    "Match": {"oneOf": [{"type": "string"}, {"type": "object",
                        "properties": {"X": {"type": "string"}}}]},
                    "Size": {"type": "integer"}}},
                "Status": {"type": "object", "properties": {"State": {"type": "string"}}}
            },
            "readOnlyProperties": ["/properties/Arn", "/properties/Status/State",
                "/properties/Info", "/properties/Gone"]
        }));
        assert_eq!(
            r.lines(),
            [
                "dropped AWS::Test::Thing Status: no writable property in its object",
                "json AWS::Test::Thing Anything: List<JSON> (array without items)",
                "json AWS::Test::Thing Doc: JSON (several types)",
                "json AWS::Test::Thing Labels: JSON (map values untyped)",
                "json AWS::Test::Thing Policy: JSON (object without properties)",
                "json AWS::Test::Thing Rule.Match: JSON (alternatives of different kinds)",
                "json AWS::Test::Thing attribute Gone: JSON (read-only pointer to no property)",
                "json AWS::Test::Thing attribute Info: JSON (object or non-string list attribute)",
            ]
        );
        assert!(
            r.summary().contains(
                "1 properties dropped, 5 properties JSON (1 object without properties, 1 several types, 1 alternatives of different kinds, 1 map values untyped, 1 array without items), 2 attributes JSON"
            ),
            "{}",
            r.summary()
        );
    }

    #[test]
    fn a_property_the_alternatives_disagree_on_is_listed() {
        let r = report_of(
            json!({"properties": {"Target": {"$ref": "#/definitions/Target"}},
            "definitions": {"Target": {"oneOf": [
                {"type": "object", "properties": {"Id": {"type": "string"}}},
                {"type": "object", "properties": {"Id": {"type": "integer"}}}]}}}),
        );
        assert_eq!(
            r.lines(),
            ["json AWS::Test::Thing Target.Id: JSON (alternatives define it differently)"]
        );
    }

    #[test]
    fn a_fully_typed_module_reports_nothing() {
        let r = report_of(json!({"properties": {"Name": {"type": "string"},
            "Tags": {"type": "array", "items": {"type": "object", "properties": {
                "Key": {"type": "string"}, "Value": {"type": "string"}}}}}}));
        assert!(r.lines().is_empty());
    }

    #[test]
    fn patterns_the_validator_cannot_check_are_listed() {
        let mut p = Patterns::default();
        p.kept.insert("^[a-z]+$".into());
        p.kept.insert("^(?!x)[a-z]+$".into());
        p.kept.insert("too big\n".into());
        p.in_alternatives.insert("^alt$".into());
        p.not_strings.insert("AWS::Test::Thing".into());
        let mut r = Report::default();
        r.add_patterns_with(&p, |s| match s {
            "^[a-z]+$" => PatternKind::Regex,
            "^(?!x)[a-z]+$" => PatternKind::Fancy,
            _ => PatternKind::Unchecked,
        });
        assert_eq!(
            r.lines(),
            [
                "pattern in alternatives: ^alt$",
                "pattern not a string: AWS::Test::Thing",
                "pattern unchecked: too big\\n",
            ]
        );
        assert_eq!(
            r.patterns,
            Some(PatternCounts {
                total: 3,
                regex: 1,
                fancy: 1,
                unchecked: 1,
                in_alternatives: 1,
                not_strings: 1
            })
        );
        // The validator's own engines: look-around goes to fancy-regex.
        let mut r = Report::default();
        r.add_patterns(&p, 2);
        assert_eq!(
            r.patterns.as_ref().map(|c| (c.regex, c.fancy)),
            Some((2, 1))
        );
    }

    #[test]
    fn the_expectation_comparison_lists_added_and_removed_lines() {
        let expected = "# header\n\njson A x: JSON (why)\npattern unchecked: p\n";
        let same = vec![
            "json A x: JSON (why)".to_owned(),
            "pattern unchecked: p".to_owned(),
        ];
        assert!(compare(expected, &same).is_empty());
        let now = vec![
            "dropped A y: no writable property in its object".to_owned(),
            "json A x: JSON (why)".to_owned(),
        ];
        let c = compare(expected, &now);
        assert_eq!(c.added, ["dropped A y: no writable property in its object"]);
        assert_eq!(c.removed, ["pattern unchecked: p"]);
        assert_eq!(
            c.render(),
            "+ dropped A y: no writable property in its object\n- pattern unchecked: p\n"
        );
        // A missing expectation file: every line is added.
        assert_eq!(compare("", &now).added.len(), 2);
    }

    #[test]
    fn the_file_reads_back_as_the_same_report() {
        let mut r = report_of(json!({"properties": {"Policy": {"type": "object"}}}));
        r.lines.insert("pattern unchecked: a#b".into());
        let text = r.file_text();
        assert!(text.starts_with("# What ferroform-codegen"));
        assert!(compare(&text, &r.lines()).is_empty());
    }
}
