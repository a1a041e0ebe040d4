//! The AWS commands (`deploy`, `diff`, `destroy`, `outputs`, `status`), for both the
//! `ferroform` binary and a user's `app.run()` (the `deploy` feature). Argument parsing and
//! stack resolution live here; the work is in [`crate::deploy`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_INVALID, EXIT_USAGE};
use crate::app::{App, MANIFEST, Manifest};
use crate::deploy::{AwsOptions, LiveUi, PlainUi, Session, Ui};
use crate::model::stack::stack_name_error;
use crate::model::template::Template;

pub(super) mod deploy;
pub(super) mod destroy;
pub(super) mod diff;
pub(super) mod outputs;
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

/// The arguments every AWS command takes.
pub(super) fn common(cmd: Command, tool: bool, with_template: bool) -> Command {
    let mut cmd = cmd
        .after_help(AWS_EXIT_CODES)
        .arg(
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
        )
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
            Arg::new("progress")
                .long("progress")
                .value_parser(["auto", "events"])
                .default_value("auto")
                .help("auto: a live view on a terminal; events: one line per stack event"),
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
    let live = m.get_one::<String>("progress").map(String::as_str) != Some("events");
    if live && terminal {
        Box::new(LiveUi::new(out, err))
    } else {
        Box::new(PlainUi::new(out, err, interactive))
    }
}

/// Run `fut` on a fresh runtime; Ctrl-C stops waiting (CloudFormation carries on) and
/// returns `None`.
pub(super) fn block_on<F: std::future::Future>(fut: F) -> Result<Option<F::Output>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(async {
        tokio::select! {
            r = fut => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    }))
}

pub(super) fn interrupted(err: &mut dyn Write, stack: &str) -> u8 {
    let _ = writeln!(
        err,
        "\ninterrupted: CloudFormation carries on with what it started on stack {stack}; nothing was deleted.\nFollow it with `ferroform status --stack-name {stack}` (or the CloudFormation console)."
    );
    EXIT_INTERRUPTED
}

/// Connect for this command. `--timeout` starts here: it bounds connecting and everything
/// done through the session afterwards.
pub(super) fn connect(m: &ArgMatches, err: &mut dyn Write) -> Result<Session, u8> {
    let started = std::time::Instant::now();
    let options = match aws_options(m) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(err, "error: {e}; nothing was sent to AWS");
            return Err(EXIT_USAGE);
        }
    };
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
    match block_on(connecting) {
        Ok(Some(Ok(mut s))) => {
            if let Some(t) = total {
                s.set_deadline(started, t);
            }
            Ok(s)
        }
        Ok(Some(Err(e))) => {
            let _ = writeln!(err, "error: {e}");
            Err(e.exit_code())
        }
        Ok(None) => Err(EXIT_INTERRUPTED),
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            Err(EXIT_USAGE)
        }
    }
}

/// The app command: `--app`, else `app = "..."` in ./ferroform.toml.
fn app_command(m: &ArgMatches, err: &mut dyn Write) -> Result<Option<String>, u8> {
    if let Some(a) = m.try_get_one::<String>("app").ok().flatten() {
        return Ok(Some(a.clone()));
    }
    app_from_config(Path::new(CONFIG_FILE), err)
}

/// The project file read from the current directory, like CDK's `cdk.json`.
pub(crate) const CONFIG_FILE: &str = "ferroform.toml";

/// The app command from the config file at `path`: `None` when there is no such file; exit
/// 2 when it cannot be read or is malformed. Unknown keys and sections are warned about and
/// ignored (so that a newer ferroform.toml still works with an older ferroform).
pub(crate) fn app_from_config(path: &Path, err: &mut dyn Write) -> Result<Option<String>, u8> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        let _ = writeln!(err, "error: cannot read {}: {e}", path.display());
        EXIT_USAGE
    })?;
    match parse_config(&text) {
        Ok(config) => {
            for w in &config.warnings {
                let _ = writeln!(err, "warning: {}: {w}", path.display());
            }
            Ok(config.app)
        }
        Err(msg) => {
            let _ = writeln!(err, "error: {}: {msg}", path.display());
            Err(EXIT_USAGE)
        }
    }
}

/// What a ferroform.toml says.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Config {
    /// `app = "CMD"`.
    pub app: Option<String>,
    /// Unknown keys and sections (ignored).
    pub warnings: Vec<String>,
}

/// Parse a ferroform.toml: the subset of TOML it needs, one `key = value` per line at the
/// top level, `#` comments, `[sections]`. The only key is `app`, a basic (`"..."`, with
/// escapes) or literal (`'...'`) string. Lines that are not `key = value`, a header or a
/// comment, an unquoted or unterminated `app`, or `app` twice are errors.
pub(crate) fn parse_config(text: &str) -> Result<Config, String> {
    let mut config = Config::default();
    let mut section: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let n = n + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let name = rest
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            if !line.contains(']') || name.is_empty() {
                return Err(format!("line {n}: malformed section header `{line}`"));
            }
            config.warnings.push(format!(
                "line {n}: section [{name}] is not used by ferroform and is ignored"
            ));
            section = Some(name.to_owned());
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!(
                "line {n}: expected `key = value`, e.g. app = \"cargo run -q --example web --\""
            ));
        };
        let key = key.trim().trim_matches('"');
        if key.is_empty() {
            return Err(format!("line {n}: missing key before `=`"));
        }
        if section.is_some() {
            continue; // inside an ignored section (already warned about)
        }
        if key != "app" {
            config.warnings.push(format!(
                "line {n}: unknown key `{key}` ignored (known: app)"
            ));
            continue;
        }
        if config.app.is_some() {
            return Err(format!("line {n}: `app` is defined twice"));
        }
        match toml_string(value.trim()) {
            Some(a) if !a.trim().is_empty() => config.app = Some(a),
            _ => {
                return Err(format!(
                    "line {n}: `app` must be a quoted command, e.g. app = \"cargo run -q --example web --\""
                ));
            }
        }
    }
    Ok(config)
}

/// A TOML basic or literal string followed by nothing but an optional comment.
fn toml_string(v: &str) -> Option<String> {
    let (value, rest) = if let Some(rest) = v.strip_prefix('\'') {
        let (s, after) = rest.split_once('\'')?;
        (s.to_owned(), after)
    } else if let Some(rest) = v.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    end = Some(i + 1);
                    break;
                }
                '\\' => match chars.next()?.1 {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    _ => return None,
                },
                c => out.push(c),
            }
        }
        (out, &rest[end?..])
    } else {
        return None;
    };
    let rest = rest.trim();
    (rest.is_empty() || rest.starts_with('#')).then_some(value)
}

fn requested(m: &ArgMatches) -> Vec<String> {
    m.get_many::<String>("stacks")
        .map(|v| v.cloned().collect())
        .unwrap_or_default()
}

const NO_STACKS: &str = "error: which stacks? Use --template FILE --stack-name NAME, or --app \"CMD\" [STACK...] (or put app = \"CMD\" in ./ferroform.toml)";

/// The templates to work on, in order. Invalid templates exit 1 (nothing is submitted).
pub(super) fn templates(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Vec<Template>, u8> {
    let names = requested(m);
    match source {
        Source::App(app) => {
            let selected = crate::cli::select_stacks(app, m, err)?;
            // Rendered and validated once: the warnings are printed here, the errors refuse.
            let (templates, warnings) = app.synth_checked(&selected).map_err(|e| {
                let _ = writeln!(err, "{e}\nerror: invalid stack: nothing was submitted");
                EXIT_INVALID
            })?;
            for d in &warnings {
                let _ = writeln!(err, "{d}\n");
            }
            Ok(templates)
        }
        Source::Tool => {
            if let Some(path) = m.try_get_one::<PathBuf>("template").ok().flatten() {
                let name = m
                    .get_one::<String>("stack-name")
                    .cloned()
                    .unwrap_or_default();
                check_names([name.as_str()], false, err)?;
                if !names.is_empty() {
                    let _ = writeln!(
                        err,
                        "error: with --template, name the stack with --stack-name only"
                    );
                    return Err(EXIT_USAGE);
                }
                let t = read_template(path, &name, err)?;
                return check(vec![t], err);
            }
            let Some(cmd) = app_command(m, err)? else {
                let _ = writeln!(err, "{NO_STACKS}");
                return Err(EXIT_USAGE);
            };
            let t = run_app(&cmd, &names, err)?;
            check(t, err)
        }
    }
}

/// Refuse every name that cannot name a stack (all reported at once), before any AWS call:
/// an empty name (an unset `$STACK`) would make DescribeStacks list every stack. With
/// `allow_id`, stack IDs (ARNs) pass too, as the commands that need no template accept them.
fn check_names<'n>(
    names: impl IntoIterator<Item = &'n str>,
    allow_id: bool,
    err: &mut dyn Write,
) -> Result<(), u8> {
    let mut bad = false;
    for name in names {
        if let Some(problem) = stack_name_error(name, allow_id) {
            let _ = writeln!(err, "error: {problem}");
            bad = true;
        }
    }
    if bad {
        let _ = writeln!(err, "error: nothing was sent to AWS");
        return Err(EXIT_USAGE);
    }
    Ok(())
}

/// Only the stack names (destroy, outputs, status): no template needed.
pub(super) fn stack_names(
    source: Source<'_>,
    m: &ArgMatches,
    err: &mut dyn Write,
) -> Result<Vec<String>, u8> {
    let names = requested(m);
    if let Some(n) = m.get_one::<String>("stack-name") {
        if !names.is_empty() {
            let _ = writeln!(
                err,
                "error: give the stack either with --stack-name or as STACK, not both"
            );
            return Err(EXIT_USAGE);
        }
        check_names([n.as_str()], true, err)?;
        return Ok(vec![n.clone()]);
    }
    check_names(names.iter().map(String::as_str), true, err)?;
    match source {
        Source::App(app) => Ok(crate::cli::select_stacks(app, m, err)?
            .into_iter()
            .map(str::to_owned)
            .collect()),
        Source::Tool => {
            let cmd = app_command(m, err)?;
            match (cmd, names.is_empty()) {
                (_, false) => Ok(names),
                (Some(cmd), true) => Ok(run_app(&cmd, &[], err)?
                    .iter()
                    .map(|t| t.name().to_owned())
                    .collect()),
                (None, true) => {
                    let _ = writeln!(
                        err,
                        "error: which stacks? Use --stack-name NAME, or --app \"CMD\" [STACK...] (or app = \"CMD\" in ./ferroform.toml)"
                    );
                    Err(EXIT_USAGE)
                }
            }
        }
    }
}

fn read_template(path: &Path, name: &str, err: &mut dyn Write) -> Result<Template, u8> {
    let text = crate::model::parse::read_template_file(path).map_err(|e| {
        let _ = writeln!(err, "error: stack {name}: {e}");
        EXIT_USAGE
    })?;
    let parsed = Template::parse(&path.display().to_string(), &text).map_err(|e| {
        let _ = writeln!(
            err,
            "error: stack {name}: invalid template {e}; nothing was submitted"
        );
        EXIT_INVALID
    })?;
    // Named after the stack, and still the file as given: that text is what is sent and
    // what the size limits measure (a minified file is not re-rendered pretty).
    Ok(parsed.named(name))
}

/// Checks that must pass before anything is submitted: the validator ([`crate::validate`]).
/// Errors refuse the deploy; warnings are printed.
fn check(templates: Vec<Template>, err: &mut dyn Write) -> Result<Vec<Template>, u8> {
    let mut errors = 0;
    for t in &templates {
        let report = crate::validate::validate(t);
        for d in &report.diagnostics {
            let _ = writeln!(err, "{d}\n");
        }
        errors += report.errors();
    }
    if errors > 0 {
        let _ = writeln!(
            err,
            "error: {errors} error{} in the template(s); nothing was submitted",
            if errors == 1 { "" } else { "s" }
        );
        return Err(EXIT_INVALID);
    }
    Ok(templates)
}

/// Run the app command with `synth --out <temp dir>` appended; read the manifest; return the
/// named stacks (all, in manifest order, when none are named). The templates go to a private
/// directory ([`AppDir`]) that is removed on every way out, Ctrl-C included.
fn run_app(cmd: &str, names: &[String], err: &mut dyn Write) -> Result<Vec<Template>, u8> {
    let dir = AppDir::create().map_err(|e| {
        let _ = writeln!(
            err,
            "error: cannot create a temporary directory under {} for the app's templates: {e}",
            std::env::temp_dir().display()
        );
        EXIT_USAGE
    })?;
    run_app_in(cmd, names, &dir.path, err)
}

/// The directory the app command writes its templates to: created under the system's
/// temporary directory, readable by the user only (0700 on Unix), with a name no other
/// process can have taken (`create_dir` fails on an existing entry, link or not: `O_EXCL`
/// semantics; then another name is tried). Removed with its content on drop.
struct AppDir {
    path: PathBuf,
}

impl AppDir {
    fn create() -> std::io::Result<AppDir> {
        let base = std::env::temp_dir();
        let mut last = None;
        for _ in 0..16 {
            let path = base.join(format!(
                "ferroform-app-{}-{:016x}",
                std::process::id(),
                crate::fsutil::nonce()
            ));
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(&path) {
                Ok(()) => return Ok(AppDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no free name")))
    }
}

impl Drop for AppDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// How the app command ended.
enum AppRun {
    Exited {
        status: std::process::ExitStatus,
        stderr: Vec<u8>,
    },
    /// Ctrl-C: the command was killed.
    Interrupted,
}

/// Run `command` (stdin closed, output captured) to its end, or until Ctrl-C (SIGINT): then
/// kill it — on Unix its whole process group, which it leads — and return
/// [`AppRun::Interrupted`], so that the caller's clean-up runs instead of the process dying
/// with the signal. The handler is installed before the command starts.
fn run_interruptibly(command: &mut std::process::Command) -> std::io::Result<AppRun> {
    use std::process::Stdio;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    #[cfg(unix)]
    let mut sigint = {
        let _in_rt = rt.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?
    };
    // A process group of its own, so that Ctrl-C stops all of it (the shell, `cargo run` and
    // the program it started), not only the shell.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let errs = drain(child.stderr.take().map(|p| Box::new(p) as _));
    loop {
        if let Some(status) = child.try_wait()? {
            let _ = out.join();
            let stderr = errs.join().unwrap_or_default();
            return Ok(AppRun::Exited { status, stderr });
        }
        let interrupted = rt.block_on(async {
            #[cfg(unix)]
            let signal = sigint.recv();
            #[cfg(not(unix))]
            let signal = tokio::signal::ctrl_c();
            tokio::select! {
                _ = signal => true,
                () = tokio::time::sleep(Duration::from_millis(50)) => false,
            }
        });
        if interrupted {
            #[cfg(unix)]
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = child.kill();
            let _ = child.wait();
            return Ok(AppRun::Interrupted);
        }
    }
}

fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if cfg!(windows) {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn run_app_in(
    cmd: &str,
    names: &[String],
    dir: &Path,
    err: &mut dyn Write,
) -> Result<Vec<Template>, u8> {
    let full = format!("{cmd} synth --out {}", shell_quote(dir));
    let mut command = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.arg("/C").arg(&full);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(&full);
        c
    };
    let ran = run_interruptibly(&mut command).map_err(|e| {
        let _ = writeln!(err, "error: cannot run the app command `{cmd}`: {e}");
        EXIT_USAGE
    })?;
    let (status, stderr) = match ran {
        AppRun::Exited { status, stderr } => (status, stderr),
        AppRun::Interrupted => {
            let _ = writeln!(
                err,
                "\ninterrupted: the app command `{cmd}` was stopped and its templates removed; nothing was submitted"
            );
            return Err(EXIT_INTERRUPTED);
        }
    };
    if !status.success() {
        let _ = err.write_all(&stderr);
        let code = status.code();
        let _ = writeln!(
            err,
            "error: the app command `{full}` failed ({}); nothing was submitted",
            code.map_or("killed".to_owned(), |c| format!("exit {c}"))
        );
        return Err(if code == Some(1) {
            EXIT_INVALID
        } else {
            EXIT_USAGE
        });
    }
    let manifest_path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&manifest_path).map_err(|_| {
        let _ = writeln!(err, "error: the app command `{cmd}` wrote no readable {MANIFEST} (is it a ferroform program whose main calls app.run()?)");
        EXIT_USAGE
    })?;
    let manifest = Manifest::parse(&text).map_err(|why| {
        let _ = writeln!(err, "error: {MANIFEST} written by `{cmd}`: {why}");
        EXIT_USAGE
    })?;
    for n in names {
        if manifest.template(n).is_none() {
            let all: Vec<&str> = manifest.stacks.iter().map(|(s, _)| s.as_str()).collect();
            let _ = writeln!(
                err,
                "error: no stack named `{n}`; the app has: {}",
                all.join(", ")
            );
            return Err(EXIT_USAGE);
        }
    }
    let mut out = Vec::new();
    for (name, file) in &manifest.stacks {
        if !names.is_empty() && !names.contains(name) {
            continue;
        }
        out.push(read_template(&dir.join(file), name, err)?);
    }
    if names.is_empty() && out.is_empty() {
        let _ = writeln!(err, "error: the app has no stacks");
        return Err(EXIT_USAGE);
    }
    Ok(out)
}

/// Add the AWS subcommands (`tool`: the standalone binary, which also takes `--template` and
/// `--app`).
pub(super) fn register(cmd: Command, tool: bool) -> Command {
    cmd.subcommand(deploy::command(tool))
        .subcommand(diff::command(tool))
        .subcommand(destroy::command(tool))
        .subcommand(outputs::command(tool))
        .subcommand(status::command(tool))
}

/// Run AWS subcommand `name`; `None` when `name` is not one.
pub(super) fn dispatch(
    source: Source<'_>,
    name: &str,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Option<u8> {
    Some(match name {
        "deploy" => deploy::run(source, m, out, err),
        "diff" => diff::run(source, m, out, err),
        "destroy" => destroy::run(source, m, out, err),
        "outputs" => outputs::run(source, m, out, err),
        "status" => status::run(source, m, out, err),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #9, 16: a template file is sent (and measured) as the file it is: a minified
    /// JSON file just under the inline limit stays under it, though its pretty rendering
    /// would not; and it is named after the stack.
    #[test]
    fn a_template_file_is_sent_as_given_under_the_stack_name() {
        let mut resources = serde_json::Map::new();
        for i in 0..560 {
            resources.insert(
                format!("Topic{i:03}"),
                serde_json::json!({"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}),
            );
        }
        let minified = serde_json::json!({"Resources": resources}).to_string();
        assert!(
            minified.len() < crate::validate::INLINE_BODY_LIMIT,
            "{}",
            minified.len()
        );
        let dir =
            std::env::temp_dir().join(format!("ferroform-read-template-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("min.json");
        std::fs::write(&path, &minified).unwrap();
        let mut err = Vec::new();
        let t = read_template(&path, "web", &mut err).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(t.name(), "web");
        assert_eq!(t.body_text(), minified);
        assert!(
            t.to_json().len() > crate::validate::INLINE_BODY_LIMIT,
            "the pretty rendering is over the limit: the case means something"
        );
        let report = crate::validate::validate(&t);
        assert!(
            !report.diagnostics.iter().any(|d| d.rule == "FF3105"),
            "{:?}",
            report.diagnostics
        );
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

    #[test]
    fn config_app_command_is_found_in_either_string_form_with_comments() {
        let c = parse_config("# project\napp = \"cargo run -q --example web --\"  # the stacks\n")
            .unwrap();
        assert_eq!(c.app.as_deref(), Some("cargo run -q --example web --"));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        let c = parse_config("app = 'target/release/my-stacks'\n").unwrap();
        assert_eq!(c.app.as_deref(), Some("target/release/my-stacks"));
        let c = parse_config("app = \"sh -c \\\"echo \\\\ hi\\\"\"").unwrap();
        assert_eq!(c.app.as_deref(), Some("sh -c \"echo \\ hi\""));
        assert_eq!(parse_config("").unwrap(), Config::default());
    }

    #[test]
    fn config_unknown_keys_and_sections_warn_and_are_ignored() {
        let c = parse_config(
            "region = \"eu-west-1\"\napp = \"x\"\n[context]\napp = \"not this one\"\nfoo = 1\n",
        )
        .unwrap();
        assert_eq!(
            c.app.as_deref(),
            Some("x"),
            "keys of sections are not `app`"
        );
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(
            c.warnings[0].contains("unknown key `region`"),
            "{:?}",
            c.warnings
        );
        assert!(c.warnings[1].contains("[context]"), "{:?}", c.warnings);
    }

    #[test]
    fn config_malformed_files_are_errors_naming_the_line() {
        for (text, line, what) in [
            ("app = cargo run\n", 1, "quoted command"),
            ("\napp = \"unterminated\n", 2, "quoted command"),
            ("app = 'a' trailing\n", 1, "quoted command"),
            ("app = \"\"\n", 1, "quoted command"),
            ("app = \"a\"\napp = \"b\"\n", 2, "twice"),
            ("this is not toml\n", 1, "key = value"),
            ("[unclosed\n", 1, "section header"),
            ("= \"x\"\n", 1, "missing key"),
            ("app = \"bad \\q escape\"\n", 1, "quoted command"),
        ] {
            let e = parse_config(text).unwrap_err();
            assert!(e.starts_with(&format!("line {line}:")), "{text:?}: {e}");
            assert!(e.contains(what), "{text:?}: {e}");
        }
    }

    #[test]
    fn config_file_missing_malformed_and_with_warnings() {
        let dir = std::env::temp_dir().join(format!("ferroform-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(CONFIG_FILE);
        let mut err = Vec::new();

        let _ = std::fs::remove_file(&path);
        assert_eq!(app_from_config(&path, &mut err), Ok(None), "missing file");
        assert!(err.is_empty());

        std::fs::write(&path, "app = unquoted\n").unwrap();
        assert_eq!(app_from_config(&path, &mut err), Err(EXIT_USAGE));
        let text = String::from_utf8_lossy(&err).into_owned();
        assert!(text.starts_with("error: "), "{text}");
        assert!(text.contains("ferroform.toml: line 1"), "{text}");

        err.clear();
        std::fs::write(&path, "app = \"my-app\"\nprofile = \"dev\"\n").unwrap();
        assert_eq!(
            app_from_config(&path, &mut err),
            Ok(Some("my-app".to_owned()))
        );
        let text = String::from_utf8_lossy(&err).into_owned();
        assert!(
            text.starts_with("warning: ") && text.contains("unknown key `profile`"),
            "{text}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
