//! The AWS commands (`deploy`, `diff`, `destroy`, `outputs`, `status`), for both the
//! `ferroform` binary and a user's `app.run()` (the `deploy` feature). Argument parsing and
//! stack resolution live here; the work is in [`crate::deploy`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_INVALID, EXIT_USAGE, Exit};
use crate::app::App;
use crate::app::project::{PROJECT_FILE, ProjectFile};
use crate::app::runner::{
    AppRunError, TemplateFileError, read_stack_template, run_app_with_images,
};
use crate::deploy::{AwsOptions, ErrorKind, LiveUi, PlainUi, Session, Ui};
use crate::model::asset::ImageAsset;
use crate::model::stack::stack_name_error;
use crate::model::template::Template;

#[cfg(feature = "ecs-stack")]
pub(super) mod bootstrap;
pub(super) mod deploy;
pub(super) mod destroy;
pub(super) mod diff;
pub(super) mod drift;
mod log;
pub(super) mod outputs;
mod places;
pub(super) use places::{Sessions, connect_places, connect_templates};
pub(super) mod publish;
pub(super) mod status;

/// Exit code: interrupted (Ctrl-C); CloudFormation carries on.
pub const EXIT_INTERRUPTED: u8 = 130;

pub(crate) const AWS_EXIT_CODES: &str = "Exit codes:\n  0    success, including \"no changes\"\n  1    the operation failed: invalid template (nothing submitted), failed or rolled-back stack,\n       refused or declined change set, stack busy with another operation or changed by another\n       deploy meanwhile, --timeout ran out (CloudFormation carries on)\n  2    usage, input, credential or endpoint error (unreachable, no answer, a profile that\n       does not exist)\n  3    changes found with --fail-on-change (diff)\n  130  interrupted (Ctrl-C): CloudFormation carries on with what it started; nothing is deleted\n\nStacks: --template FILE --stack-name NAME, or --app \"CMD\" [STACK...] (CMD is run with\n`synth --out <temp dir>` appended; all stacks in the app's order when none are named); the\napp command may also come from `app = \"...\"` in ./ferroform.toml. AWS configuration comes from\nthe usual places (profiles, AWS_REGION, AWS_ENDPOINT_URL, credentials chain); --region,\n--profile and --endpoint-url override it (a --profile or AWS_PROFILE that is in neither\nshared file is an error).\n\nTimeouts: every AWS call waits at most --connect-timeout (10s; FERROFORM_CONNECT_TIMEOUT) for\na connection and --read-timeout (60s; FERROFORM_READ_TIMEOUT) per attempt, with AWS_MAX_ATTEMPTS\nattempts (5); non-idempotent calls carry a client request token, so a retry never runs an\noperation twice. --timeout bounds the whole command.";

/// Where the stacks come from: the user's program itself, or the standalone tool.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    App(&'a App),
    Tool,
}

/// One run of an AWS subcommand: where its stacks come from, its arguments, standard output
/// and standard error (each subcommand module's `run` takes one).
pub(super) type Call<'a> = (
    Source<'a>,
    &'a ArgMatches,
    &'a mut dyn Write,
    &'a mut dyn Write,
);

/// The arguments of every command that talks to AWS: where (region, profile, endpoint), how
/// long (timeouts), how much it says (verbosity, progress).
pub(super) fn connection(cmd: Command) -> Command {
    cmd.after_help(AWS_EXIT_CODES)
        .arg(
            Arg::new("region")
                .long("region")
                .value_name("REGION")
                .help("AWS region"),
        )
        .arg(
            Arg::new("profile")
                .long("profile")
                .value_name("PROFILE")
                .help("AWS profile"),
        )
        .arg(
            Arg::new("endpoint-url")
                .long("endpoint-url")
                .value_name("URL")
                .help("CloudFormation (and S3) endpoint, e.g. a local emulator"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("DURATION")
                .value_parser(duration)
                .help("Bound the whole command, AWS calls and waiting included, e.g. 30m; when it runs out: exit 1, nothing is cancelled or deleted, CloudFormation carries on with what it started"),
        )
        .arg(
            Arg::new("connect-timeout")
                .long("connect-timeout")
                .value_name("DURATION")
                .value_parser(duration)
                .help("How long to wait for a connection to the endpoint (default 10s; or FERROFORM_CONNECT_TIMEOUT)"),
        )
        .arg(
            Arg::new("read-timeout")
                .long("read-timeout")
                .value_name("DURATION")
                .value_parser(duration)
                .help("How long one attempt of an AWS call may take, request to whole answer; it is retried like other transient errors (default 60s; or FERROFORM_READ_TIMEOUT; attempts: AWS_MAX_ATTEMPTS, default 5)"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .action(ArgAction::Count)
                .help("Log what happens to stderr: -v the operation's phases and waits and the SDK's attempts, retries and timeouts; -vv every crate at debug level (RUST_LOG, when set, says instead; request bodies are never logged: they can hold NoEcho values)"),
        )
        .arg(
            Arg::new("progress")
                .long("progress")
                .value_parser(["auto", "events"])
                .default_value("auto")
                .help("auto: a live view on a terminal; events: one line per stack event"),
        )
}

/// The arguments every AWS command takes.
pub(super) fn common(cmd: Command, tool: bool, with_template: bool) -> Command {
    let mut cmd = connection(
        cmd.arg(
            Arg::new("stacks")
                .value_name("STACK")
                .action(ArgAction::Append)
                .help("Stacks (default: all, in the app's order)"),
        )
        .arg(
            Arg::new("stack-name")
                .long("stack-name")
                .value_name("NAME")
                .help(
                    "The stack name (with --template; or alone for commands that need no template)",
                ),
        ),
    );
    if tool {
        if with_template {
            cmd = cmd.arg(
                Arg::new("template")
                    .long("template")
                    .value_name("FILE")
                    .value_parser(value_parser!(PathBuf))
                    .requires("stack-name")
                    .conflicts_with("app")
                    .help("A CloudFormation template (JSON or YAML)"),
            );
        }
        cmd = cmd.arg(
            Arg::new("app")
                .long("app")
                .value_name("CMD")
                .help("The stack program, e.g. \"cargo run -q --example web --\" (default: `app` in ./ferroform.toml)"),
        );
    }
    cmd
}

/// The value parser of `K=V` arguments (`--parameter`, `--tag`): see [`KeyValue`]. A
/// constant, so that it is used as `value_parser(key_value)` like a parsing function.
#[allow(non_upper_case_globals)]
pub(super) const key_value: KeyValue = KeyValue;

/// Parses `K=V`. A malformed argument's error never repeats it, not even in part: it may
/// hold a NoEcho value (`--parameter DbPassword:hunter2`, a `:` typed for `=`). clap quotes
/// the value in the errors of a plain parsing function, hence this parser of its own.
#[derive(Clone, Copy, Debug)]
pub(super) struct KeyValue;

/// Split `K=V` at the first `=`; the error says what is wrong without the argument.
fn split_key_value(s: &str) -> Result<(String, String), String> {
    const NOT_SHOWN: &str = "(the argument is not shown: it may hold a secret)";
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        Some(_) => Err(format!(
            "expected KEY=VALUE, e.g. DbPassword=VALUE, but the key before `=` is empty {NOT_SHOWN}"
        )),
        None if s.contains(':') => Err(format!(
            "expected KEY=VALUE, e.g. DbPassword=VALUE, but the argument has no `=`; it has a `:`: write `=` between the key and the value {NOT_SHOWN}"
        )),
        None => Err(format!(
            "expected KEY=VALUE, e.g. DbPassword=VALUE, but the argument has no `=` {NOT_SHOWN}"
        )),
    }
}

impl clap::builder::TypedValueParser for KeyValue {
    type Value = (String, String);

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let flag = arg
            .and_then(Arg::get_long)
            .map_or_else(|| "argument".to_owned(), |l| format!("--{l}"));
        let fail =
            |kind, why: String| clap::Error::raw(kind, format!("{flag}: {why}\n")).with_cmd(cmd);
        let s = value.to_str().ok_or_else(|| {
            fail(
                clap::error::ErrorKind::InvalidUtf8,
                "the argument is not valid UTF-8 (not shown: it may hold a secret)".to_owned(),
            )
        })?;
        split_key_value(s).map_err(|why| fail(clap::error::ErrorKind::ValueValidation, why))
    }
}

/// Parse a duration: `90s`, `30m`, `1h`, or plain seconds; at least 1 s, and no more than
/// a duration can hold (checked arithmetic: `1152921504606846976h` is refused, not wrapped).
pub(super) fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, mult, unit) = match s.chars().last() {
        Some('s') => (&s[..s.len() - 1], 1u64, "s"),
        Some('m') => (&s[..s.len() - 1], 60, "m"),
        Some('h') => (&s[..s.len() - 1], 3600, "h"),
        _ => (s, 1, "s"),
    };
    let n = num
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("expected a duration like 90s, 30m or 1h, got `{s}`"))?;
    n.checked_mul(mult).map(Duration::from_secs).ok_or_else(|| {
        format!(
            "`{s}` is too long a duration (at most {}{unit}); e.g. 30m or 2h",
            u64::MAX / mult
        )
    })
}

/// A duration from environment variable `var`, if set.
fn env_duration(var: &str) -> Result<Option<Duration>, String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => duration(&v).map(Some).map_err(|e| format!("{var}: {e}")),
        _ => Ok(None),
    }
}

/// The connection options: `--region`, `--profile`, `--endpoint-url`, `--connect-timeout`
/// (else FERROFORM_CONNECT_TIMEOUT), `--read-timeout` (else FERROFORM_READ_TIMEOUT) and
/// AWS_MAX_ATTEMPTS (as the AWS CLI reads it). A malformed variable is an error.
pub(super) fn aws_options(m: &ArgMatches) -> Result<AwsOptions, String> {
    let arg = |id: &str| m.try_get_one::<Duration>(id).ok().flatten().copied();
    let connect_timeout = match arg("connect-timeout") {
        Some(d) => Some(d),
        None => env_duration("FERROFORM_CONNECT_TIMEOUT")?,
    };
    let read_timeout = match arg("read-timeout") {
        Some(d) => Some(d),
        None => env_duration("FERROFORM_READ_TIMEOUT")?,
    };
    let max_attempts = match std::env::var("AWS_MAX_ATTEMPTS") {
        Ok(v) if !v.trim().is_empty() => Some(
            v.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| {
                    format!(
                        "AWS_MAX_ATTEMPTS: expected a number of attempts from 1 to 100, got `{v}`"
                    )
                })?,
        ),
        _ => None,
    };
    Ok(AwsOptions {
        region: m.get_one::<String>("region").cloned(),
        profile: m.get_one::<String>("profile").cloned(),
        endpoint_url: m.get_one::<String>("endpoint-url").cloned(),
        role_arn: None,
        max_attempts,
        connect_timeout,
        read_timeout,
    })
}

/// The Ui for this run.
pub(super) fn make_ui<'a>(
    m: &ArgMatches,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
) -> Box<dyn Ui + 'a> {
    let terminal = std::io::stderr().is_terminal();
    let interactive = terminal && std::io::stdin().is_terminal();
    if live_view(m) {
        Box::new(LiveUi::new(out, err))
    } else {
        Box::new(PlainUi::new(out, err, interactive))
    }
}

/// True when progress is drawn live: on a terminal, without `--progress events`, and
/// without log lines (a redrawn view and log lines on one stream would garble each other).
pub(super) fn live_view(m: &ArgMatches) -> bool {
    let logging =
        log::directives(verbosity(m), std::env::var("RUST_LOG").ok().as_deref()).is_some();
    std::io::stderr().is_terminal()
        && !logging
        && m.get_one::<String>("progress").map(String::as_str) != Some("events")
}

/// The view of one stack of several run at once: its line of `lines` (a terminal), else
/// prefixed lines.
pub(super) fn stack_ui<'s, 'o, 'e>(
    lines: Option<&'s crate::deploy::StackLines>,
    stack: &str,
    out: &'s std::cell::RefCell<&'o mut dyn Write>,
    err: &'s std::cell::RefCell<&'e mut dyn Write>,
) -> Box<dyn Ui + 's> {
    match lines {
        Some(l) => Box::new(l.ui(stack, out, err)),
        None => Box::new(crate::deploy::PrefixedUi::new(stack, out, err)),
    }
}

/// The exit code of each kind of deploy error: the one place the library's errors become
/// exit codes.
impl From<crate::deploy::Error> for Exit {
    fn from(e: crate::deploy::Error) -> Exit {
        let code = match e.kind {
            ErrorKind::Failed => EXIT_INVALID,
            ErrorKind::Input | ErrorKind::Endpoint => EXIT_USAGE,
        };
        Exit::error(code, e)
    }
}

/// The exit code of each way an app command can fail to give templates.
impl From<AppRunError> for Exit {
    fn from(e: AppRunError) -> Exit {
        match &e {
            AppRunError::Interrupted { .. } => Exit::text(EXIT_INTERRUPTED, format!("\n{e}")),
            AppRunError::Failed { code, stderr, .. } => {
                // What the program said first, then why nothing was submitted. Exit 1 from
                // the program is an invalid stack; anything else a usage problem.
                let exit = if *code == Some(1) {
                    EXIT_INVALID
                } else {
                    EXIT_USAGE
                };
                Exit::text(
                    exit,
                    format!("{}error: {e}", String::from_utf8_lossy(stderr)),
                )
            }
            AppRunError::Template(t) => t.into(),
            _ => Exit::usage(e),
        }
    }
}

/// An unreadable template file is an input problem (exit 2); one that is not a template is
/// invalid (exit 1).
impl From<&TemplateFileError> for Exit {
    fn from(e: &TemplateFileError) -> Exit {
        match e {
            TemplateFileError::Unreadable { .. } => Exit::usage(e),
            TemplateFileError::Invalid { .. } => Exit::invalid(e),
        }
    }
}

/// Run `fut` on a fresh runtime; Ctrl-C stops waiting (CloudFormation carries on) and
/// returns `None`.
fn block_on<F: std::future::Future>(fut: F) -> Result<Option<F::Output>, Exit> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Exit::usage(format!("cannot start the async runtime: {e}")))?;
    Ok(rt.block_on(async {
        tokio::select! {
            r = fut => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    }))
}

/// Run one AWS operation on stack `stack` to its end: its result, or the exit for its error
/// or for Ctrl-C (after which CloudFormation carries on, which the message says).
pub(super) fn run_on_stack<T>(
    stack: &str,
    fut: impl std::future::Future<Output = Result<T, crate::deploy::Error>>,
) -> Result<T, Exit> {
    match block_on(fut)? {
        Some(result) => Ok(result?),
        None => Err(Exit::text(
            EXIT_INTERRUPTED,
            format!(
                "\ninterrupted: CloudFormation carries on with what it started on stack {stack}; nothing was deleted.\nFollow it with `ferroform status --stack-name {stack}` (or the CloudFormation console)."
            ),
        )),
    }
}

/// `--concurrency N` of `deploy` and `destroy`.
pub(super) fn concurrency_arg(help: &'static str) -> Arg {
    Arg::new("concurrency")
        .long("concurrency")
        .value_name("N")
        .value_parser(clap::builder::ValueParser::new(
            clap::builder::TypedValueParser::map(
                clap::value_parser!(u16).range(1..=64),
                usize::from,
            ),
        ))
        .default_value("1")
        .help(help)
}

/// What became of one stack of a run over several ([`run_ordered`]).
pub(super) enum Ran<T> {
    /// The operation succeeded.
    Done(T),
    /// The operation failed.
    Failed(Exit),
    /// Not started: it needs the named stack, which failed or was skipped (or, for a cycle
    /// of imports, the stacks of the cycle).
    Skipped(String),
}

/// The end of a run over several stacks ([`run_ordered`]): `None` (Ctrl-C) is exit 130 with
/// `interrupted`; otherwise a summary line per stack — `done` says what a success did,
/// `skipped` why a stack was not started — and the exit code of the first stack that did
/// not succeed.
pub(super) fn summarize<T>(
    names: &[String],
    results: Option<Vec<Ran<T>>>,
    interrupted: &str,
    mut done: impl FnMut(&str, T) -> String,
    skipped: impl Fn(&str) -> String,
    out: &mut dyn Write,
) -> Result<u8, Exit> {
    let Some(results) = results else {
        return Err(Exit::text(EXIT_INTERRUPTED, interrupted.to_owned()));
    };
    let mut code = crate::cli::EXIT_OK;
    let _ = writeln!(out, "\nSummary:");
    for (name, r) in names.iter().zip(results) {
        let line = match r {
            Ran::Done(t) => done(name, t),
            Ran::Failed(e) => {
                if code == crate::cli::EXIT_OK {
                    code = e.code;
                }
                format!("failed: {}", e.message().trim_start_matches("error: "))
            }
            Ran::Skipped(after) => {
                if code == crate::cli::EXIT_OK {
                    code = crate::cli::EXIT_INVALID;
                }
                skipped(&after)
            }
        };
        let _ = writeln!(out, "  {name}: {line}");
    }
    Ok(code)
}

/// Run `op` on every stack (by index into `names`), at most `concurrency` at once, each only
/// after the stacks it needs (`needs[i]`) succeeded; a stack whose need failed is skipped,
/// and every stack that does not need it carries on. `None` when interrupted by Ctrl-C
/// (CloudFormation carries on with what was started).
pub(super) fn run_ordered<'f, T>(
    names: &[String],
    needs: &[std::collections::BTreeSet<usize>],
    concurrency: usize,
    op: impl FnMut(
        usize,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<T, crate::deploy::Error>> + 'f>,
    >,
) -> Result<Option<Vec<Ran<T>>>, Exit> {
    block_on(ordered(names, needs, concurrency, op))
}

/// The work of [`run_ordered`], on the caller's runtime.
async fn ordered<'f, T>(
    names: &[String],
    needs: &[std::collections::BTreeSet<usize>],
    concurrency: usize,
    mut op: impl FnMut(
        usize,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<T, crate::deploy::Error>> + 'f>,
    >,
) -> Vec<Ran<T>> {
    use futures_util::StreamExt;
    use futures_util::stream::FuturesUnordered;
    let n = names.len();
    {
        let mut state: Vec<Option<Ran<T>>> = (0..n).map(|_| None).collect();
        let mut started = vec![false; n];
        let mut running = FuturesUnordered::new();
        loop {
            // Skip what needs a stack that failed or was skipped, until nothing changes.
            let mut changed = true;
            while changed {
                changed = false;
                for i in 0..n {
                    if started[i] {
                        continue;
                    }
                    let blocked = needs[i]
                        .iter()
                        .copied()
                        .find(|&d| matches!(state[d], Some(Ran::Failed(_) | Ran::Skipped(_))));
                    if let Some(d) = blocked {
                        state[i] = Some(Ran::Skipped(names[d].clone()));
                        started[i] = true;
                        changed = true;
                    }
                }
            }
            for i in 0..n {
                if running.len() >= concurrency.max(1) {
                    break;
                }
                let ready = needs[i]
                    .iter()
                    .all(|&d| matches!(state[d], Some(Ran::Done(_))));
                if !started[i] && ready {
                    started[i] = true;
                    let fut = op(i);
                    running.push(async move { (i, fut.await) });
                }
            }
            match running.next().await {
                Some((i, r)) => {
                    state[i] = Some(match r {
                        Ok(t) => Ran::Done(t),
                        Err(e) => Ran::Failed(e.into()),
                    });
                }
                None => break,
            }
        }
        // What never started is on a cycle of imports.
        let stuck: Vec<String> = (0..n)
            .filter(|&i| state[i].is_none())
            .map(|i| names[i].clone())
            .collect();
        state
            .into_iter()
            .map(|s| s.unwrap_or_else(|| Ran::Skipped(stuck.join(", "))))
            .collect::<Vec<_>>()
    }
}

/// Connect for this command. `--timeout` starts here: it bounds connecting and everything
/// done through the session afterwards.
pub(super) fn connect(m: &ArgMatches) -> Result<Session, Exit> {
    connect_in(m, None, None)
}

/// [`connect`], in `region` when given, with an account's profile or role
/// (`[accounts.<id>]` of `ferroform.toml`) when given.
fn connect_in(
    m: &ArgMatches,
    region: Option<&str>,
    access: Option<&crate::app::project::AccountAccess>,
) -> Result<Session, Exit> {
    let started = std::time::Instant::now();
    let mut options =
        aws_options(m).map_err(|e| Exit::usage(format!("{e}; nothing was sent to AWS")))?;
    if let Some(r) = region {
        options.region = Some(r.to_owned());
    }
    if let Some(a) = access {
        if let Some(p) = &a.profile {
            options.profile = Some(p.clone());
        }
        options.role_arn.clone_from(&a.role_arn);
    }
    let total = m.try_get_one::<Duration>("timeout").ok().flatten().copied();
    let connecting = async {
        match total {
            Some(t) => tokio::time::timeout(t, Session::connect(&options))
                .await
                .unwrap_or_else(|_| {
                    Err(crate::deploy::Error::input(
                        None,
                        format!(
                            "--timeout {}s ran out while loading the AWS configuration (profile, region, credentials source); nothing was sent to AWS",
                            t.as_secs()
                        ),
                    ))
                }),
            None => Session::connect(&options).await,
        }
    };
    match block_on(connecting)? {
        Some(connected) => {
            let mut s = connected?;
            if let Some(t) = total {
                s.set_deadline(started, t);
            }
            Ok(s)
        }
        None => Err(Exit::reported(EXIT_INTERRUPTED)),
    }
}

/// The app command: `--app`, else `app = "..."` in ./ferroform.toml (its warnings printed).
pub(in crate::cli) fn app_command(
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Option<String>, Exit> {
    if let Some(a) = m.try_get_one::<String>("app").ok().flatten() {
        return Ok(Some(a.clone()));
    }
    app_from_project_file(Path::new(PROJECT_FILE), err)
}

/// The app command of the project file at `path`: `None` when there is no such file; exit 2
/// when it cannot be read or is malformed. Unknown keys and sections are warned about.
fn app_from_project_file(path: &Path, err: &mut dyn Write) -> Result<Option<String>, Exit> {
    let Some(project) = ProjectFile::load(path).map_err(Exit::usage)? else {
        return Ok(None);
    };
    for w in &project.warnings {
        let _ = writeln!(err, "warning: {}: {w}", path.display());
    }
    Ok(project.app)
}

fn requested(m: &ArgMatches) -> Vec<String> {
    m.get_many::<String>("stacks")
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

const NO_STACKS: &str = "which stacks? Use --template FILE --stack-name NAME, or --app \"CMD\" [STACK...] (or put app = \"CMD\" in ./ferroform.toml)";

/// The templates to work on, in order. Invalid templates exit 1 (nothing is submitted).
pub(super) fn templates(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Vec<Template>, Exit> {
    templates_and_images(source, m, err).map(|(t, _)| t)
}

/// [`templates`], with the images the stacks build from source (published before a deploy).
pub(super) fn templates_and_images(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<(Vec<Template>, Vec<ImageAsset>), Exit> {
    let names = requested(m);
    match source {
        Source::App(app) => {
            let selected = crate::cli::select_stacks(app, m)?;
            let images = publish::images_of(app, &selected);
            // Rendered and validated once: the warnings are printed here, the errors refuse.
            let (templates, warnings) = app.synth_checked(&selected).map_err(|e| {
                Exit::text(
                    EXIT_INVALID,
                    format!("{e}\nerror: invalid stack: nothing was submitted"),
                )
            })?;
            for d in &warnings {
                let _ = writeln!(err, "{d}\n");
            }
            Ok((templates, images))
        }
        Source::Tool => {
            if let Some(path) = m.try_get_one::<PathBuf>("template").ok().flatten() {
                let name = m
                    .get_one::<String>("stack-name")
                    .cloned()
                    .unwrap_or_default();
                check_names([name.as_str()], false)?;
                if !names.is_empty() {
                    return Err(Exit::usage(
                        "with --template, name the stack with --stack-name only",
                    ));
                }
                let t = read_stack_template(path, &name).map_err(|e| Exit::from(&e))?;
                return Ok((check(vec![t], err)?, Vec::new()));
            }
            let Some(cmd) = app_command(m, err)? else {
                return Err(Exit::usage(NO_STACKS));
            };
            let (t, images) = run_app_with_images(&cmd, &names)?;
            Ok((check(t, err)?, images))
        }
    }
}

/// Refuse every name that cannot name a stack (all reported at once), before any AWS call:
/// an empty name (an unset `$STACK`) would make DescribeStacks list every stack. With
/// `allow_id`, stack IDs (ARNs) pass too, as the commands that need no template accept them.
fn check_names<'n>(names: impl IntoIterator<Item = &'n str>, allow_id: bool) -> Result<(), Exit> {
    let problems: Vec<String> = names
        .into_iter()
        .filter_map(|name| stack_name_error(name, allow_id))
        .map(|problem| format!("error: {problem}\n"))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(Exit::text(
        EXIT_USAGE,
        format!("{}error: nothing was sent to AWS", problems.concat()),
    ))
}

/// Checks that must pass before anything is submitted: the validator ([`crate::validate`]).
/// Errors refuse the deploy; warnings are printed.
fn check(templates: Vec<Template>, err: &mut dyn Write) -> Result<Vec<Template>, Exit> {
    let mut errors = 0;
    for t in &templates {
        let report = crate::validate::validate(t);
        for d in &report.diagnostics {
            let _ = writeln!(err, "{d}\n");
        }
        errors += report.errors();
    }
    if errors > 0 {
        return Err(Exit::invalid(format!(
            "{errors} error{} in the template(s); nothing was submitted",
            if errors == 1 { "" } else { "s" }
        )));
    }
    Ok(templates)
}

/// Add the AWS subcommands (`tool`: the standalone binary, which also takes `--template` and
/// `--app`).
pub(super) fn register(cmd: Command, tool: bool) -> Command {
    #[cfg(feature = "ecs-stack")]
    let cmd = cmd.subcommand(bootstrap::command());
    cmd.subcommand(deploy::command(tool))
        .subcommand(diff::command(tool))
        .subcommand(destroy::command(tool))
        .subcommand(drift::command(tool))
        .subcommand(outputs::command(tool))
        .subcommand(publish::command(tool))
        .subcommand(status::command(tool))
}

/// How many `-v` were given.
fn verbosity(m: &ArgMatches) -> u8 {
    m.try_get_one::<u8>("verbose")
        .ok()
        .flatten()
        .copied()
        .unwrap_or(0)
}

/// Run AWS subcommand `name`; `None` when `name` is not one.
pub(super) fn dispatch(
    source: Source<'_>,
    name: &str,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<u8> {
    if ![
        "bootstrap",
        "deploy",
        "diff",
        "destroy",
        "drift",
        "outputs",
        "publish",
        "status",
    ]
    .contains(&name)
    {
        return None;
    }
    log::init(verbosity(m), err);
    #[cfg(feature = "ecs-stack")]
    if name == "bootstrap" {
        return Some(super::finish(bootstrap::run(m, out, err), err));
    }
    let run = match name {
        "deploy" => deploy::run,
        "diff" => diff::run,
        "destroy" => destroy::run,
        "drift" => drift::run,
        "outputs" => outputs::run,
        "publish" => publish::run,
        "status" => status::run,
        _ => return None,
    };
    let result = run((source, m, out, &mut *err));
    Some(super::finish(result, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--concurrency` on three independent stacks that each take 1 s (a stand-in operation
    /// on tokio's virtual clock, so the durations are exact and nothing waits for real):
    /// 1 s at concurrency 3, 3 s at 1. A fourth stack needing the first starts only once
    /// that one is done; a failed stack skips the stack that needs it and nothing else.
    #[test]
    fn concurrency_overlaps_independent_stacks_and_orders_dependants() {
        use std::cell::RefCell;
        use std::collections::BTreeSet;
        let names: Vec<String> = ["A", "B", "C", "D", "E"].map(String::from).to_vec();
        // D needs A; E needs C, which fails.
        let needs: Vec<BTreeSet<usize>> = vec![
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::new(),
            BTreeSet::from([0]),
            BTreeSet::from([2]),
        ];
        for (concurrency, seconds) in [(3, 2), (1, 4)] {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .start_paused(true)
                .build()
                .unwrap();
            let log = RefCell::new(Vec::new());
            let (results, elapsed) = rt.block_on(async {
                let t0 = tokio::time::Instant::now();
                let log = &log;
                let names_ref = &names;
                let r = ordered(&names, &needs, concurrency, |i| {
                    Box::pin(async move {
                        log.borrow_mut().push(format!("start {}", names_ref[i]));
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        log.borrow_mut().push(format!("end {}", names_ref[i]));
                        if i == 2 {
                            return Err(crate::deploy::Error::failed("C", "rolled back"));
                        }
                        Ok(i)
                    })
                })
                .await;
                (r, t0.elapsed())
            });
            // A, B, C at once then D (2 s); or A, B, C, D one after the other (4 s). E never
            // runs.
            assert_eq!(
                elapsed,
                Duration::from_secs(seconds),
                "concurrency {concurrency}"
            );
            let log = log.into_inner();
            let pos = |e: &str| log.iter().position(|l| l == e).unwrap();
            if concurrency == 3 {
                assert!(pos("start C") < pos("end A"), "{log:?}");
            } else {
                assert!(pos("end A") < pos("start B"), "{log:?}");
            }
            assert!(pos("end A") < pos("start D"), "{log:?}");
            assert!(!log.iter().any(|l| l.ends_with(" E")), "{log:?}");
            let summary: Vec<String> = results
                .iter()
                .map(|r| match r {
                    Ran::Done(i) => format!("done {i}"),
                    Ran::Failed(e) => format!("failed {}", e.code),
                    Ran::Skipped(after) => format!("skipped after {after}"),
                })
                .collect();
            assert_eq!(
                summary,
                ["done 0", "done 1", "failed 1", "done 3", "skipped after C"]
            );
        }
    }

    #[test]
    fn durations_use_checked_arithmetic() {
        assert_eq!(duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(duration(" 2h "), Ok(Duration::from_secs(7200)));
        assert_eq!(duration("45"), Ok(Duration::from_secs(45)));
        let max_h = u64::MAX / 3600;
        assert_eq!(
            duration(&format!("{max_h}h")),
            Ok(Duration::from_secs(max_h * 3600))
        );
        for bad in ["1152921504606846976h", "18446744073709551615m"] {
            let e = duration(bad).unwrap_err();
            assert!(e.contains("too long"), "{bad}: {e}");
            assert!(e.contains(bad), "{bad}: {e}");
        }
        for bad in ["0s", "", "s", "-1m", "1.5h", "99999999999999999999s", "1d"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
    }
}
