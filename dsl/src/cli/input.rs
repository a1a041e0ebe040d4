//! The templates an offline analysis command reads (`cost`, `graph`): the app's stacks
//! (`app.run()`), or template files and, with the deploy feature, an app command
//! (`ferroform cost --app CMD`).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_INVALID, Exit, select_stacks};
use crate::app::App;
use crate::model::diag::escape_control;
use crate::model::parse::{TemplateRead, read_template};
use crate::model::template::Template;

/// Where the templates come from.
#[derive(Clone, Copy)]
pub(super) enum Input<'a> {
    /// The user's program (`app.run()`).
    App(&'a App),
    /// The `ferroform` binary.
    Tool,
}

/// The arguments naming the templates: `[STACK...]`, and for the binary `--template FILE`
/// (repeatable) and, with the deploy feature, `--app CMD`.
pub(super) fn args(cmd: Command, tool: bool) -> Command {
    let cmd = cmd.arg(
        Arg::new("stacks")
            .value_name("STACK")
            .action(ArgAction::Append)
            .help("Stacks (default: all, in the app's order)"),
    );
    if !tool {
        return cmd;
    }
    let cmd = cmd.arg(
        Arg::new("template")
            .long("template")
            .value_name("FILE")
            .action(ArgAction::Append)
            .value_parser(value_parser!(PathBuf))
            .help("A CloudFormation template (JSON or YAML); repeat for several stacks, each named after its file"),
    );
    #[cfg(feature = "deploy")]
    let cmd = cmd.arg(
        Arg::new("app")
            .long("app")
            .value_name("CMD")
            .conflicts_with("template")
            .help("The stack program, e.g. \"cargo run -q --example web --\" (default: `app` in ./ferroform.toml)"),
    );
    cmd
}

/// The templates the command line names.
pub(super) fn templates(
    input: Input<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Vec<Template>, Exit> {
    match input {
        Input::App(app) => {
            let selected = select_stacks(app, m)?;
            let (templates, warnings) = app
                .synth_checked(&selected)
                .map_err(|e| Exit::text(EXIT_INVALID, format!("{e}\nerror: invalid stack")))?;
            for d in &warnings {
                let _ = writeln!(err, "{d}\n");
            }
            Ok(templates)
        }
        Input::Tool => {
            if let Some(files) = m.get_many::<PathBuf>("template") {
                if m.get_many::<String>("stacks").is_some() {
                    return Err(Exit::usage(
                        "with --template, the stacks are the files: name no STACK",
                    ));
                }
                return read_files(files);
            }
            tool_app(m, err)
        }
    }
}

/// Template files, each named after its file; every unreadable or invalid one reported.
fn read_files<'a>(files: impl Iterator<Item = &'a PathBuf>) -> Result<Vec<Template>, Exit> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut code = EXIT_INVALID;
    for f in files {
        match read_template(f) {
            Ok(t) => out.push(t.named(stack_name_of(f))),
            Err(TemplateRead::Unreadable(e)) => {
                code = super::EXIT_USAGE;
                problems.push(format!("error: {e}"));
            }
            Err(TemplateRead::Invalid(e)) => problems.push(format!("error: invalid template {e}")),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Exit::text(code, problems.join("\n")))
    }
}

/// A template file's stack name: its file name before the first `.` (`Web.template.json` →
/// `Web`).
pub(super) fn stack_name_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    escape_control(stem).into_owned()
}

#[cfg(feature = "deploy")]
fn tool_app(m: &ArgMatches, err: &mut dyn Write) -> Result<Vec<Template>, Exit> {
    let Some(command) = super::aws::app_command(m, err)? else {
        return Err(Exit::usage(NO_INPUT));
    };
    let names: Vec<String> = m
        .get_many::<String>("stacks")
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    Ok(crate::app::runner::run_app(&command, &names)?)
}

#[cfg(not(feature = "deploy"))]
fn tool_app(_: &ArgMatches, _: &mut dyn Write) -> Result<Vec<Template>, Exit> {
    Err(Exit::usage(NO_INPUT))
}

#[cfg(feature = "deploy")]
const NO_INPUT: &str =
    "no templates: give --template FILE, or --app CMD (or `app` in ./ferroform.toml)";
#[cfg(not(feature = "deploy"))]
const NO_INPUT: &str = "no templates: give --template FILE";
