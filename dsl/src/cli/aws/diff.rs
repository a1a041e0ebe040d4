//! `diff`: what a deploy would change; leaves nothing behind. In the `ferroform` binary,
//! `diff OLD NEW` (two template files) compares them without AWS instead
//! ([`crate::cli::diff`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{Call, Source, common, connect_templates, key_value, make_ui, run_on_stack, templates};
use crate::cli::{EXIT_CHANGES, EXIT_OK, Exit, diff as files};
use crate::deploy;

const ABOUT: &str = "Show what deploy would change: the change set's plan (add / modify / remove, \
     replacement) and a property-level diff of the deployed template. The change set (and, for a \
     new stack, the REVIEW_IN_PROGRESS stack it makes) is deleted afterwards.";

/// The options that only a diff against a deployed stack takes.
const AWS_ONLY: &[&str] = &[
    "parameter",
    "s3-bucket",
    "s3-prefix",
    "profile",
    "endpoint-url",
    "timeout",
    "connect-timeout",
    "read-timeout",
    "progress",
];

pub(crate) fn command(tool: bool) -> Command {
    let cmd = if tool {
        Command::new("diff")
            .about("Show what deploy would change; or compare two template files without AWS")
            .long_about(format!(
                "{ABOUT}\n\nferroform diff OLD NEW: {}",
                files::ABOUT
            ))
    } else {
        Command::new("diff").about(ABOUT)
    };
    let cmd = common(cmd, tool, true);
    let cmd = if tool {
        cmd.mut_arg("stacks", |a| {
            a.help(
                "Stacks of the app (default: all, in the app's order); or two template files \
                 OLD NEW to compare without AWS",
            )
        })
    } else {
        cmd
    };
    cmd.arg(
        Arg::new("parameter")
            .long("parameter")
            .value_name("K=V")
            .action(ArgAction::Append)
            .value_parser(key_value)
            .help("A template parameter (repeatable)"),
    )
    .arg(
        Arg::new("s3-bucket")
            .long("s3-bucket")
            .value_name("BUCKET")
            .help("Upload templates over 51,200 bytes here"),
    )
    .arg(
        Arg::new("s3-prefix")
            .long("s3-prefix")
            .value_name("PREFIX")
            .requires("s3-bucket")
            .help("Key prefix for uploaded templates"),
    )
    .arg(files::fail_on_change_arg())
    .arg(files::max_cost_increase_arg())
}

/// The template files of `ferroform diff OLD NEW`, when that is what was asked: no
/// `--stack-name`, `--template` or `--app`, and positional arguments of which one at least is
/// a file or a path (it has a `.`, `/` or `\`, which no stack name has: letters, digits and
/// hyphens only). Not necessarily two: the caller says when they are not. Other arguments
/// (`Web`, an invalid name like `web_1`) stay stack names of the app.
fn file_arguments(m: &ArgMatches) -> Option<Vec<PathBuf>> {
    if ["stack-name", "template", "app"]
        .iter()
        .any(|id| m.contains_id(id))
    {
        return None;
    }
    let given: Vec<&String> = m.get_many::<String>("stacks")?.collect();
    given
        .iter()
        .any(|a| a.contains(['.', '/', '\\']) || Path::new(a.as_str()).is_file())
        .then(|| given.iter().map(PathBuf::from).collect())
}

/// `ferroform diff OLD NEW` in a build with the deploy feature.
fn run_files(
    paths: &[PathBuf],
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    let [old, new] = paths else {
        return Err(Exit::usage(format!(
            "`ferroform diff OLD NEW` compares two template files; {} given (to compare with a deployed stack: --template FILE --stack-name NAME)",
            paths.len()
        )));
    };
    if let Some(id) = AWS_ONLY
        .iter()
        .find(|id| m.value_source(id) == Some(ValueSource::CommandLine))
    {
        return Err(Exit::usage(format!(
            "--{id} is for a diff against a deployed stack; `ferroform diff OLD NEW` compares two template files without AWS"
        )));
    }
    Ok(files::run_files(
        old,
        new,
        m.get_flag("fail-on-change"),
        files::CostCheck::of(m),
        out,
        err,
    ))
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    if let Source::Tool = source
        && let Some(paths) = file_arguments(m)
    {
        return run_files(&paths, m, out, err);
    }
    let templates = templates(source, m, err)?;
    let sessions = connect_templates(m, &templates)?;
    let opts = super::deploy::options(m);
    let mut changes = false;
    let mut over_budget = None;
    for t in &templates {
        let session = sessions.of(t.env());
        let mut ui = make_ui(m, out, err);
        let d = run_on_stack(t.name(), deploy::diff(session, t, &opts, ui.as_mut()))?;
        drop(ui);
        changes |= d.changes;
        if let Some(deployed) = &d.priced_against {
            let check = files::CostCheck {
                region: Some(session.region()),
                ..files::CostCheck::of(m)
            };
            if let Err(e) = check.report(t.name(), deployed.as_ref(), t.body(), t.env(), out) {
                over_budget.get_or_insert(e);
            }
        }
    }
    if let Some(e) = over_budget {
        return Err(e);
    }
    Ok(if changes && m.get_flag("fail-on-change") {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}
