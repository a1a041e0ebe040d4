//! The command line of a user's stack program: `app.run()`.
//!
//! ```text
//! my-stacks synth [--out DIR] [--format json|yaml] [STACK...]
//! my-stacks list
//! ```
//!
//! Exit codes: 0 success; 1 a stack is invalid (nothing is written); 2 usage or input errors
//! (bad arguments, unknown stack, a directory that cannot be written).

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use crate::app::{App, write_out_dir};
use crate::model::template::Format;

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: a stack or template is invalid, or the operation failed.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or input error.
pub const EXIT_USAGE: u8 = 2;

const EXIT_CODES: &str = "Exit codes:\n  0  success\n  1  a stack is invalid (nothing was written)\n  2  usage or input error (bad arguments, unknown stack, unwritable directory)";

fn command(name: String) -> Command {
    let format = Arg::new("format")
        .long("format")
        .value_parser(["json", "yaml"])
        .default_value("json")
        .help("Template format");
    Command::new(name)
        .about("Synthesize this program's CloudFormation stacks")
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("synth")
                .about("Write the templates: one stack to stdout, or every stack to --out DIR")
                .after_help(EXIT_CODES)
                .arg(
                    Arg::new("out")
                        .long("out")
                        .short('o')
                        .value_name("DIR")
                        .value_parser(value_parser!(PathBuf))
                        .help("Directory for <Stack>.template.<ext> files (created; stale templates removed)"),
                )
                .arg(format)
                .arg(
                    Arg::new("stacks")
                        .value_name("STACK")
                        .action(ArgAction::Append)
                        .help("Stacks to synthesize (default: all)"),
                ),
        )
        .subcommand(
            Command::new("list")
                .about("List the stacks, one per line, in order")
                .after_help(EXIT_CODES),
        )
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
        let code = self.run_with(
            std::env::args_os(),
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
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
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let name = args
            .first()
            .and_then(|a| {
                PathBuf::from(a)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "app".to_owned());
        let matches = match command(name).try_get_matches_from(args) {
            Ok(m) => m,
            Err(e) => {
                let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
                let text = e.render().to_string();
                let _ = if e.use_stderr() {
                    write!(err, "{text}")
                } else {
                    write!(out, "{text}")
                };
                return code;
            }
        };
        match matches.subcommand() {
            Some(("synth", m)) => synth(&self, m, out, err),
            Some(("list", _)) => {
                for s in self.stacks() {
                    let _ = writeln!(out, "{}", s.name());
                }
                EXIT_OK
            }
            _ => EXIT_USAGE,
        }
    }
}

fn synth(app: &App, m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("yaml") => Format::Yaml,
        _ => Format::Json,
    };
    let all: Vec<&str> = app.stacks().iter().map(|s| s.name()).collect();
    let requested: Vec<&str> = m
        .get_many::<String>("stacks")
        .map(|v| v.map(String::as_str).collect())
        .unwrap_or_default();
    for r in &requested {
        if !all.contains(r) {
            let _ = writeln!(
                err,
                "error: no stack named `{r}`; this app has: {}",
                all.join(", ")
            );
            return EXIT_USAGE;
        }
    }
    let selected = if requested.is_empty() {
        all.clone()
    } else {
        requested
    };
    let out_dir = m.get_one::<PathBuf>("out");
    if out_dir.is_none() && selected.len() != 1 {
        let _ = writeln!(
            err,
            "error: this app has {} stacks ({}); write them with --out DIR, or name one stack",
            selected.len(),
            selected.join(", ")
        );
        return EXIT_USAGE;
    }
    let templates = match app.synth_only(&selected) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return EXIT_INVALID;
        }
    };
    match out_dir {
        None => {
            for t in templates.iter().take(1) {
                let _ = out.write_all(t.render(format).as_bytes());
            }
            EXIT_OK
        }
        Some(dir) => match write_out_dir(dir, &templates, format, &all) {
            Ok(paths) => {
                for p in paths {
                    let _ = writeln!(err, "wrote {}", p.display());
                }
                EXIT_OK
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot write to {}: {e}", dir.display());
                EXIT_USAGE
            }
        },
    }
}
