//! The AWS commands (`deploy`, `diff`, `destroy`, `outputs`, `status`), for both the
//! `ferroform` binary and a user's `app.run()` (the `deploy` feature). Argument parsing and
//! stack resolution live here; the work is in [`crate::deploy`].

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_INVALID, EXIT_USAGE};
use crate::app::{App, MANIFEST};
use crate::deploy::{AwsOptions, LiveUi, PlainUi, Session, Ui};
use crate::model::stack::stack_name_error;
use crate::model::template::Template;

pub(super) mod deploy;
pub(super) mod destroy;
pub(super) mod diff;
pub(super) mod outputs;
pub(super) mod status;

/// Exit code: `--fail-on-change` found changes.
pub const EXIT_CHANGES: u8 = 3;
/// Exit code: interrupted (Ctrl-C); CloudFormation carries on.
pub const EXIT_INTERRUPTED: u8 = 130;

pub(crate) const AWS_EXIT_CODES: &str = "Exit codes:\n  0    success, including \"no changes\"\n  1    the operation failed: invalid template (nothing submitted), failed or rolled-back stack,\n       refused or declined change set, stack busy with another operation\n  2    usage, input, credential or endpoint error\n  3    changes found with --fail-on-change (diff)\n  130  interrupted (Ctrl-C): CloudFormation carries on with what it started; nothing is deleted\n\nStacks: --template FILE --stack-name NAME, or --app \"CMD\" [STACK...] (CMD is run with\n`synth --out <temp dir>` appended; all stacks in the app's order when none are named); the\napp command may also come from `app = \"...\"` in ./ferroform.toml. AWS configuration comes from\nthe usual places (profiles, AWS_REGION, AWS_ENDPOINT_URL, credentials chain); --region,\n--profile and --endpoint-url override it.";

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

/// Parse `K=V`.
pub(super) fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got `{s}`")),
    }
}

/// Parse a duration: `90s`, `30m`, `1h`, or plain seconds.
pub(super) fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('s') => (&s[..s.len() - 1], 1),
        Some('m') => (&s[..s.len() - 1], 60),
        Some('h') => (&s[..s.len() - 1], 3600),
        _ => (s, 1),
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| Duration::from_secs(n * mult))
        .ok_or_else(|| format!("expected a duration like 90s, 30m or 1h, got `{s}`"))
}

pub(super) fn aws_options(m: &ArgMatches) -> AwsOptions {
    AwsOptions {
        region: m.get_one::<String>("region").cloned(),
        profile: m.get_one::<String>("profile").cloned(),
        endpoint_url: m.get_one::<String>("endpoint-url").cloned(),
        max_attempts: None,
    }
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

pub(super) fn connect(m: &ArgMatches, err: &mut dyn Write) -> Result<Session, u8> {
    match block_on(Session::connect(&aws_options(m))) {
        Ok(Some(Ok(s))) => Ok(s),
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
            let templates = app.synth_only(&selected).map_err(|e| {
                let _ = writeln!(err, "{e}\nerror: invalid stack: nothing was submitted");
                EXIT_INVALID
            })?;
            check(templates, err)
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
    Ok(Template::new(name, parsed.body().clone()))
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
/// named stacks (all, in manifest order, when none are named).
fn run_app(cmd: &str, names: &[String], err: &mut dyn Write) -> Result<Vec<Template>, u8> {
    let dir = std::env::temp_dir().join(format!(
        "ferroform-app-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let result = run_app_in(cmd, names, &dir, err);
    let _ = std::fs::remove_dir_all(&dir);
    result
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
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| {
            let _ = writeln!(err, "error: cannot run the app command `{cmd}`: {e}");
            EXIT_USAGE
        })?;
    if !output.status.success() {
        let _ = err.write_all(&output.stderr);
        let code = output.status.code();
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
    let manifest: serde_json::Value = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(|| {
            let _ = writeln!(err, "error: the app command `{cmd}` wrote no readable {MANIFEST} (is it a ferroform program whose main calls app.run()?)");
            EXIT_USAGE
        })?;
    let stacks = manifest
        .get("stacks")
        .and_then(|s| s.as_object())
        .cloned()
        .unwrap_or_default();
    for n in names {
        if !stacks.contains_key(n) {
            let all: Vec<&String> = stacks.keys().collect();
            let _ = writeln!(
                err,
                "error: no stack named `{n}`; the app has: {}",
                all.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(EXIT_USAGE);
        }
    }
    let mut out = Vec::new();
    for (name, entry) in &stacks {
        if !names.is_empty() && !names.contains(name) {
            continue;
        }
        let Some(file) = entry.get("template").and_then(|f| f.as_str()) else {
            let _ = writeln!(err, "error: {MANIFEST}: stack {name} has no template");
            return Err(EXIT_USAGE);
        };
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
