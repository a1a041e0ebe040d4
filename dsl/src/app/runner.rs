//! Running an app command: the `ferroform` binary's way to get a program's stacks
//! (`--app "CMD"`, or `app` in [`ferroform.toml`](super::project)). The command is run with
//! `synth --out DIR` appended, into a private temporary directory, and its manifest and
//! templates are read back. Errors are values ([`AppRunError`]); the command line decides
//! what each means as an exit code.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{MANIFEST, Manifest};
use crate::model::asset::ImageAsset;
use crate::model::parse::{ParseError, TemplateRead, read_template};
use crate::model::template::Template;

/// Why an app command gave no templates.
#[derive(Debug)]
pub enum AppRunError {
    /// The private directory for the templates could not be created.
    TempDir(std::io::Error),
    /// The command could not be started.
    Spawn {
        /// The app command.
        command: String,
        /// Why.
        error: std::io::Error,
    },
    /// Ctrl-C: the command was stopped and its templates removed.
    Interrupted {
        /// The app command.
        command: String,
    },
    /// The command ended with a failure status.
    Failed {
        /// The command line run (the app command and `synth --out DIR`).
        command: String,
        /// Its exit code; `None` when a signal ended it.
        code: Option<i32>,
        /// What it wrote to standard error (shown to the user as it is).
        stderr: Vec<u8>,
    },
    /// The command wrote no manifest: not a ferroform program calling `app.run()`.
    NoManifest {
        /// The app command.
        command: String,
    },
    /// The manifest it wrote cannot be read.
    BadManifest {
        /// The app command.
        command: String,
        /// What is wrong with it.
        why: String,
    },
    /// A stack asked for is not in the app.
    UnknownStack {
        /// The name asked for.
        name: String,
        /// The app's stacks.
        stacks: Vec<String>,
    },
    /// The app has no stacks.
    NoStacks,
    /// A template the app wrote cannot be read.
    Template(TemplateFileError),
}

impl fmt::Display for AppRunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppRunError::TempDir(e) => write!(
                f,
                "cannot create a temporary directory under {} for the app's templates: {e}",
                std::env::temp_dir().display()
            ),
            AppRunError::Spawn { command, error } => {
                write!(f, "cannot run the app command `{command}`: {error}")
            }
            AppRunError::Interrupted { command } => write!(
                f,
                "interrupted: the app command `{command}` was stopped and its templates removed; nothing was submitted"
            ),
            AppRunError::Failed { command, code, .. } => write!(
                f,
                "the app command `{command}` failed ({}); nothing was submitted",
                code.map_or("killed".to_owned(), |c| format!("exit {c}"))
            ),
            AppRunError::NoManifest { command } => write!(
                f,
                "the app command `{command}` wrote no readable {MANIFEST} (is it a ferroform program whose main calls app.run()?)"
            ),
            AppRunError::BadManifest { command, why } => {
                write!(f, "{MANIFEST} written by `{command}`: {why}")
            }
            AppRunError::UnknownStack { name, stacks } => write!(
                f,
                "no stack named `{name}`; the app has: {}",
                stacks.join(", ")
            ),
            AppRunError::NoStacks => write!(f, "the app has no stacks"),
            AppRunError::Template(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for AppRunError {}

/// A stack's template file that cannot be used.
#[derive(Debug)]
pub enum TemplateFileError {
    /// The file cannot be read (missing, too large, not UTF-8...).
    Unreadable {
        /// The stack it is for.
        stack: String,
        /// Why.
        error: ParseError,
    },
    /// The file is not a template (malformed JSON or YAML, duplicate keys...).
    Invalid {
        /// The stack it is for.
        stack: String,
        /// Where and why.
        error: ParseError,
    },
}

impl fmt::Display for TemplateFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateFileError::Unreadable { stack, error } => write!(f, "stack {stack}: {error}"),
            TemplateFileError::Invalid { stack, error } => write!(
                f,
                "stack {stack}: invalid template {error}; nothing was submitted"
            ),
        }
    }
}

impl std::error::Error for TemplateFileError {}

/// Read the template file at `path` for stack `stack`: named after the stack, and still the
/// file as given (that text is what is sent and what the size limits measure: a minified
/// file is not re-rendered pretty).
pub fn read_stack_template(path: &Path, stack: &str) -> Result<Template, TemplateFileError> {
    let stack_name = stack.to_owned();
    match read_template(path) {
        Ok(t) => Ok(t.named(stack)),
        Err(TemplateRead::Unreadable(error)) => Err(TemplateFileError::Unreadable {
            stack: stack_name,
            error,
        }),
        Err(TemplateRead::Invalid(error)) => Err(TemplateFileError::Invalid {
            stack: stack_name,
            error,
        }),
    }
}

/// Run the app command `command` with `synth --out <temp dir>` appended; read the manifest;
/// return the named stacks' templates (all, in manifest order, when none are named). The
/// templates go to a private directory that is removed on every way out, Ctrl-C included
/// (the command is then stopped, its whole process group on Unix).
pub fn run_app(command: &str, names: &[String]) -> Result<Vec<Template>, AppRunError> {
    run_app_with_images(command, names).map(|(templates, _)| templates)
}

/// [`run_app`], with the images the named stacks build from source (from the manifest's
/// `images`, [`Manifest::images`]).
pub fn run_app_with_images(
    command: &str,
    names: &[String],
) -> Result<(Vec<Template>, Vec<ImageAsset>), AppRunError> {
    let dir = AppDir::create().map_err(AppRunError::TempDir)?;
    run_app_in(command, names, &dir.path)
}

/// The directory the app command writes its templates to: a private temporary directory
/// ([`crate::fsutil::private_temp_dir`]), removed with its content on drop.
struct AppDir {
    path: PathBuf,
}

impl AppDir {
    fn create() -> std::io::Result<AppDir> {
        crate::fsutil::private_temp_dir("ferroform-app").map(|path| AppDir { path })
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
) -> Result<(Vec<Template>, Vec<ImageAsset>), AppRunError> {
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
    let ran = run_interruptibly(&mut command).map_err(|error| AppRunError::Spawn {
        command: cmd.to_owned(),
        error,
    })?;
    let (status, stderr) = match ran {
        AppRun::Exited { status, stderr } => (status, stderr),
        AppRun::Interrupted => {
            return Err(AppRunError::Interrupted {
                command: cmd.to_owned(),
            });
        }
    };
    if !status.success() {
        return Err(AppRunError::Failed {
            command: full,
            code: status.code(),
            stderr,
        });
    }
    let text =
        std::fs::read_to_string(dir.join(MANIFEST)).map_err(|_| AppRunError::NoManifest {
            command: cmd.to_owned(),
        })?;
    let manifest = Manifest::parse(&text).map_err(|why| AppRunError::BadManifest {
        command: cmd.to_owned(),
        why,
    })?;
    if let Some(n) = names.iter().find(|n| manifest.template(n).is_none()) {
        return Err(AppRunError::UnknownStack {
            name: n.clone(),
            stacks: manifest.stacks.iter().map(|(s, _)| s.clone()).collect(),
        });
    }
    let mut out = Vec::new();
    for (name, file) in &manifest.stacks {
        if !names.is_empty() && !names.contains(name) {
            continue;
        }
        let env = manifest
            .envs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, e)| e.clone());
        out.push(
            read_stack_template(&dir.join(file), name)
                .map_err(AppRunError::Template)?
                .with_env(env)
                .with_stack_set(
                    manifest
                        .stack_sets
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, set)| set.clone()),
                ),
        );
    }
    if names.is_empty() && out.is_empty() {
        return Err(AppRunError::NoStacks);
    }
    let images = manifest
        .images
        .into_iter()
        .filter(|i| out.iter().any(|t| t.name() == i.stack()))
        .collect();
    Ok((out, images))
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
        let t = read_stack_template(&path, "web").unwrap();
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
    fn unreadable_and_invalid_template_files_are_told_apart() {
        let dir = std::env::temp_dir().join(format!("ferroform-stack-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = read_stack_template(&dir.join("nope.yaml"), "web").unwrap_err();
        assert!(
            matches!(&missing, TemplateFileError::Unreadable { stack, .. } if stack == "web"),
            "{missing}"
        );
        let bad = dir.join("bad.json");
        std::fs::write(&bad, "{\"Resources\": {\"A\": 1, \"A\": 2}}").unwrap();
        let invalid = read_stack_template(&bad, "web").unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            matches!(invalid, TemplateFileError::Invalid { .. }),
            "{invalid}"
        );
        assert!(
            invalid
                .to_string()
                .starts_with("stack web: invalid template"),
            "{invalid}"
        );
    }
}
