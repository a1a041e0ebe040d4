//! `validate`: check templates (the `ferroform` binary) or the app's stacks (`app.run()`).
//!
//! Placeholder until the validator lands: it parses JSON templates and reports what the
//! template model itself checks.

use std::io::Write;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_CODES, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use crate::app::App;

pub(super) fn tool_command() -> Command {
    Command::new("validate")
        .about("Check CloudFormation templates (JSON or YAML) and report every problem")
        .after_help(EXIT_CODES)
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required(true)
                .action(ArgAction::Append)
                .value_parser(value_parser!(PathBuf)),
        )
}

pub(super) fn app_command() -> Command {
    Command::new("validate")
        .about("Check the stacks and report every problem (nothing is written)")
        .after_help(EXIT_CODES)
        .arg(
            Arg::new("stacks")
                .value_name("STACK")
                .action(ArgAction::Append),
        )
}

pub(super) fn run_tool(m: &ArgMatches, _out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut code = EXIT_OK;
    for path in m.get_many::<PathBuf>("files").into_iter().flatten() {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
                return EXIT_USAGE;
            }
        };
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
            let _ = writeln!(err, "error: {}: not a JSON template: {e}", path.display());
            code = EXIT_INVALID;
        }
    }
    code
}

pub(super) fn run_app(app: &App, m: &ArgMatches, _out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let all: Vec<&str> = app.stacks().iter().map(|s| s.name()).collect();
    let requested: Vec<&str> = m
        .get_many::<String>("stacks")
        .map(|v| v.map(String::as_str).collect())
        .unwrap_or_default();
    let selected = if requested.is_empty() { all } else { requested };
    match app.synth_only(&selected) {
        Ok(_) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            EXIT_INVALID
        }
    }
}
