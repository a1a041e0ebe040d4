//! `validate`: check templates (the `ferroform` binary) or the app's stacks (`app.run()`)
//! with [`crate::validate`], printing every problem at once.
//!
//! ```text
//! ferroform validate FILE... [--format text|json] [--strict]
//! my-stacks validate [STACK...] [--format text|json] [--strict]
//! ```
//!
//! Exit 0 when there are no errors (and, with `--strict`, no warnings), 1 when there are,
//! 2 when a file cannot be read or parsed, or on bad usage.

use std::io::Write;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_CODES, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use crate::app::App;
use crate::model::diag::{Diagnostic, Severity};
use crate::model::parse::{TemplateRead, read_template};
use crate::rules::validator_rules;
use crate::validate::{Capability, validate};

/// The validator's rules for `--help`, built from the registry ([`crate::rules`]) so they
/// cannot drift.
fn rules_help() -> String {
    // Built on every start (clap takes the text up front), so without `format!`.
    let mut s = String::from("Rules:\n");
    for r in validator_rules() {
        let sev = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warn ",
        };
        for part in ["  ", r.id, " ", sev, "  ", r.summary, "\n"] {
            s.push_str(part);
        }
    }
    s.push('\n');
    s.push_str(EXIT_CODES);
    s
}

fn common_args(cmd: Command) -> Command {
    cmd.arg(
        Arg::new("format")
            .long("format")
            .value_parser(["text", "json"])
            .default_value("text")
            .help("Output format: compiler-style text, or one JSON document"),
    )
    .arg(
        Arg::new("strict")
            .long("strict")
            .action(ArgAction::SetTrue)
            .help("Fail (exit 1) on warnings too"),
    )
    .after_help(EXIT_CODES)
    .after_long_help(rules_help())
}

pub(super) fn tool_command() -> Command {
    common_args(
        Command::new("validate")
            .about("Check CloudFormation templates (JSON or YAML) and report every problem")
            .arg(
                Arg::new("files")
                    .value_name("FILE")
                    .required(true)
                    .action(ArgAction::Append)
                    .value_parser(value_parser!(PathBuf)),
            ),
    )
}

pub(super) fn app_command() -> Command {
    common_args(
        Command::new("validate")
            .about("Check the stacks and report every problem (nothing is written)")
            .arg(
                Arg::new("stacks")
                    .value_name("STACK")
                    .action(ArgAction::Append)
                    .help("Stacks to check (default: all)"),
            ),
    )
}

/// One checked source (file or stack).
struct Checked {
    source: String,
    diagnostics: Vec<Diagnostic>,
    capabilities: Vec<Capability>,
    /// Why the source could not be checked (unreadable, unparsable).
    failure: Option<String>,
}

fn json_mode(m: &ArgMatches) -> bool {
    m.get_one::<String>("format").map(String::as_str) == Some("json")
}

fn strict(m: &ArgMatches) -> bool {
    m.get_flag("strict")
}

fn count(c: &[Checked], s: Severity) -> usize {
    c.iter()
        .flat_map(|c| &c.diagnostics)
        .filter(|d| d.severity == s)
        .count()
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Print the results; returns the exit code.
fn finish(
    checked: &[Checked],
    json: bool,
    strict: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let errors = count(checked, Severity::Error);
    let warnings = count(checked, Severity::Warning);
    let failed = checked.iter().any(|c| c.failure.is_some());
    if json {
        let diagnostics: Vec<serde_json::Value> = checked
            .iter()
            .flat_map(|c| &c.diagnostics)
            .map(|d| {
                serde_json::json!({
                    "severity": d.severity.as_str(),
                    "rule": d.rule,
                    "file": d.source,
                    "logical_id": d.logical_id,
                    "path": d.path,
                    "message": d.message,
                    "hint": d.hint,
                })
            })
            .collect();
        let files: Vec<serde_json::Value> = checked
            .iter()
            .map(|c| {
                let mut f = serde_json::json!({
                    "file": c.source,
                    "errors": c.diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
                    "warnings": c.diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
                    "capabilities": c.capabilities.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                });
                if let Some(why) = &c.failure {
                    f["unreadable"] = serde_json::Value::String(why.clone());
                }
                f
            })
            .collect();
        let doc = serde_json::json!({
            "diagnostics": diagnostics,
            "errors": errors,
            "warnings": warnings,
            "files": files,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
    } else {
        for c in checked {
            if let Some(why) = &c.failure {
                let _ = writeln!(err, "error: {why}\n");
                continue;
            }
            for d in &c.diagnostics {
                let _ = writeln!(out, "{d}\n");
            }
            let caps: Vec<&str> = c.capabilities.iter().map(|c| c.as_str()).collect();
            let e = c
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            let w = c.diagnostics.len() - e;
            let mut line = format!(
                "{}: {}, {}",
                c.source,
                plural(e, "error"),
                plural(w, "warning")
            );
            if !caps.is_empty() {
                line.push_str(&format!("; deploying needs {}", caps.join(", ")));
            }
            let _ = writeln!(out, "{line}");
        }
    }
    if failed {
        EXIT_USAGE
    } else if errors > 0 || (strict && warnings > 0) {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

pub(super) fn run_tool(m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut checked = Vec::new();
    for path in m.get_many::<PathBuf>("files").into_iter().flatten() {
        let name = path.display().to_string();
        let failed = |why: String| Checked {
            source: name.clone(),
            diagnostics: Vec::new(),
            capabilities: Vec::new(),
            failure: Some(why),
        };
        // Read as every command reads a template file: with the file as its origin, so
        // that local nested templates are found beside it.
        match read_template(path) {
            Ok(t) => {
                let report = validate(&t);
                checked.push(Checked {
                    source: name,
                    diagnostics: report.diagnostics,
                    capabilities: report.capabilities,
                    failure: None,
                });
            }
            Err(TemplateRead::Unreadable(e)) => checked.push(failed(e.to_string())),
            Err(TemplateRead::Invalid(e)) => checked.push(failed(format!("cannot parse {e}"))),
        }
    }
    finish(&checked, json_mode(m), strict(m), out, err)
}

pub(super) fn run_app(app: &App, m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let selected = match super::select_stacks(app, m) {
        Ok(s) => s,
        Err(e) => return super::finish(Err(e), err),
    };
    let (templates, diagnostics) = match app.synth_validated(&selected) {
        Ok((t, d)) => (t, d),
        Err(e) => (Vec::new(), e.diagnostics),
    };
    let checked: Vec<Checked> = selected
        .iter()
        .map(|name| Checked {
            source: (*name).to_owned(),
            diagnostics: diagnostics
                .iter()
                .filter(|d| d.source == *name)
                .cloned()
                .collect(),
            capabilities: templates
                .iter()
                .find(|(t, _)| t.name() == *name)
                .map(|(_, caps)| caps.clone())
                .unwrap_or_default(),
            failure: None,
        })
        .collect();
    // Diagnostics not tied to a selected stack (duplicate stack names).
    let mut checked = checked;
    let stray: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !selected.contains(&d.source.as_str()))
        .cloned()
        .collect();
    if !stray.is_empty() {
        checked.push(Checked {
            source: "app".into(),
            diagnostics: stray,
            capabilities: Vec::new(),
            failure: None,
        });
    }
    finish(&checked, json_mode(m), strict(m), out, err)
}
