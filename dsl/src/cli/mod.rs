//! Command lines: the standalone `ferroform` binary and a user program's `app.run()`.
//!
//! One module per subcommand, each with its clap definition and a `run` function; the logic
//! lives in the library below. Both command lines share the implementations.
//!
//! ```text
//! ferroform validate FILE...                      (any CloudFormation template)
//! ferroform diff OLD NEW [--fail-on-change] [--max-cost-increase USD]   (no AWS)
//! ferroform cost --template FILE... [--region R] [--format table|json]  (no AWS)
//! ferroform graph --template FILE... [--format mermaid|dot|svg|png] [--out FILE]
//! my-stacks synth [--out DIR] [--format json|yaml] [STACK...]
//! my-stacks cost|graph [STACK...] ...
//! my-stacks list
//!
//! with the `deploy` feature (cli/aws/):
//! ferroform deploy|diff|destroy|outputs|status --template FILE --stack-name NAME
//! ferroform deploy|diff|destroy|outputs|status [--app CMD] [STACK...]
//! my-stacks deploy|diff|destroy|outputs|status [STACK...]
//! ```
//!
//! Exit codes: 0 success (a deploy with no changes included); 1 a stack or template is
//! invalid (nothing is written or submitted) or the operation failed (a failed or
//! rolled-back stack, a refused or declined change set, a stack busy with another
//! operation, `--timeout` ran out, a protected stack on `destroy`); 2 usage, input,
//! credential or endpoint errors (bad arguments, unknown stack, unreadable file, a directory
//! that cannot be written, a malformed `ferroform.toml`, a large template without
//! `--s3-bucket`); 3 `diff --fail-on-change` found differences; 130 interrupted
//! (CloudFormation carries on; nothing is cancelled). The book's chapters "The ferroform
//! command" and "Deploying safely" (`docs/src/`) describe each command.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Command;

use crate::app::App;

mod cost;
mod diff;
mod graph;
mod import;
mod input;
mod list;
mod synth;
mod validate;

mod exit;
pub(crate) use exit::{Exit, finish};

#[cfg(feature = "deploy")]
mod aws;
#[cfg(feature = "deploy")]
pub use aws::EXIT_INTERRUPTED;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a stack or template is invalid, or the operation failed.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: `diff --fail-on-change` found changes.
pub const EXIT_CHANGES: u8 = 3;

pub(crate) const EXIT_CODES: &str = "Exit codes:\n  0  success\n  1  a stack or template is invalid (nothing was written), or the operation failed\n  2  usage or input error (bad arguments, unknown stack, unreadable file, unwritable directory)";

/// Parse `args` with `cmd`; on `--help`/`--version` or a usage error, print and return the
/// exit code to stop with.
fn parse(
    cmd: Command,
    args: Vec<OsString>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<clap::ArgMatches, u8> {
    cmd.try_get_matches_from(args).map_err(|e| {
        let text = e.render().to_string();
        if e.use_stderr() {
            let _ = write!(err, "{text}");
            EXIT_USAGE
        } else {
            let _ = write!(out, "{text}");
            EXIT_OK
        }
    })
}

/// The stacks of `app` named on the command line (the `stacks` argument), in the order
/// given, or all of them in the app's order. A name the app does not have is a usage error
/// (exit 2).
pub(crate) fn select_stacks<'a>(app: &'a App, m: &clap::ArgMatches) -> Result<Vec<&'a str>, Exit> {
    let all: Vec<&str> = app
        .stacks()
        .iter()
        .map(super::model::stack::Stack::name)
        .collect();
    let Some(requested) = m.get_many::<String>("stacks") else {
        return Ok(all);
    };
    let mut selected = Vec::new();
    for r in requested {
        match all.iter().find(|n| **n == r.as_str()) {
            Some(n) => selected.push(*n),
            None => {
                return Err(Exit::usage(format!(
                    "no stack named `{}`; this app has: {}",
                    crate::model::diag::escape_control(r),
                    all.join(", ")
                )));
            }
        }
    }
    Ok(if selected.is_empty() { all } else { selected })
}

fn program_name(args: &[OsString], default: &str) -> String {
    args.first()
        .and_then(|a| {
            PathBuf::from(a)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| default.to_owned())
}

fn app_command(name: String) -> Command {
    let cmd = Command::new(name)
        .about("Synthesize and check this program's CloudFormation stacks")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(synth::command())
        .subcommand(list::command())
        .subcommand(validate::app_command())
        .subcommand(cost::command(false))
        .subcommand(graph::command(false));
    #[cfg(feature = "deploy")]
    let cmd = aws::register(cmd, false);
    cmd
}

/// The standalone `ferroform` command line.
fn tool_command() -> Command {
    let cmd = Command::new("ferroform")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Validate and compare CloudFormation templates (and, with the deploy feature, deploy them)")
        .after_help(format!(
            "{EXIT_CODES}\n  3  diff --fail-on-change found differences"
        ))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(validate::tool_command())
        .subcommand(import::command())
        .subcommand(cost::command(true))
        .subcommand(graph::command(true));
    // With the deploy feature, `diff` compares two files or a template and a deployed stack.
    #[cfg(feature = "deploy")]
    let cmd = aws::register(cmd, true);
    #[cfg(not(feature = "deploy"))]
    let cmd = cmd.subcommand(diff::command());
    cmd
}

impl App {
    /// Run the program's command line on the process arguments and return its exit code.
    ///
    /// ```no_run
    /// use ferroform::{App, Stack};
    /// fn main() -> std::process::ExitCode {
    ///     let mut app = App::new();
    ///     app.add(Stack::new("Web"));
    ///     app.run()
    /// }
    /// ```
    pub fn run(self) -> ExitCode {
        // The process ends right after this: its memory goes back to the system at once, so
        // the app and its templates are not freed piece by piece (a measurable part of a
        // large synth).
        let app = std::mem::ManuallyDrop::new(self);
        let code = app.dispatch(
            std::env::args_os(),
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
            Teardown::Skip,
        );
        ExitCode::from(code)
    }

    /// Run the command line on `args` (the first is the program name), writing to the given
    /// streams; returns the exit code. For tests and embedding.
    pub fn run_with<I, T>(self, args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        self.dispatch(args, out, err, Teardown::Free)
    }

    fn dispatch<I, T>(&self, args: I, out: &mut dyn Write, err: &mut dyn Write, t: Teardown) -> u8
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let name = program_name(&args, "app");
        let matches = match parse(app_command(name), args, out, err) {
            Ok(m) => m,
            Err(code) => return code,
        };
        match matches.subcommand() {
            Some(("synth", m)) => synth::run(self, m, out, err, t),
            Some(("list", m)) => list::run(self, m, out, err),
            Some(("validate", m)) => validate::run_app(self, m, out, err),
            Some(("cost", m)) => finish(cost::run(input::Input::App(self), m, out, err), err),
            Some(("graph", m)) => finish(graph::run(input::Input::App(self), m, out, err), err),
            #[cfg(feature = "deploy")]
            Some((name, m)) => {
                aws::dispatch(aws::Source::App(self), name, m, out, err).unwrap_or(EXIT_USAGE)
            }
            _ => EXIT_USAGE,
        }
    }
}

/// Whether a command frees what it built before returning: not when the process exits
/// right after ([`App::run`]), where the system reclaims it all at once.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Teardown {
    Free,
    Skip,
}

/// Run the standalone `ferroform` command line on `args`; returns the exit code.
pub fn main_with<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let matches = match parse(tool_command(), args, out, err) {
        Ok(m) => m,
        Err(code) => return code,
    };
    match matches.subcommand() {
        Some(("validate", m)) => validate::run_tool(m, out, err),
        Some(("import", m)) => import::run(m, out, err),
        Some(("cost", m)) => finish(cost::run(input::Input::Tool, m, out, err), err),
        Some(("graph", m)) => finish(graph::run(input::Input::Tool, m, out, err), err),
        #[cfg(not(feature = "deploy"))]
        Some(("diff", m)) => diff::run(m, out, err),
        #[cfg(feature = "deploy")]
        Some((name, m)) => {
            aws::dispatch(aws::Source::Tool, name, m, out, err).unwrap_or(EXIT_USAGE)
        }
        _ => EXIT_USAGE,
    }
}

/// The `ferroform` binary's entry point.
pub fn main() -> ExitCode {
    let code = main_with(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
