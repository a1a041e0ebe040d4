//! Building an image from a directory with buildah, daemonless: `--isolation chroot`, storage
//! of its own under ferroform's cache directory, `--timestamp 0` so that the same inputs give
//! the same image; and pushing it.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::model::asset::{ImageAsset, ImageSource};

use super::registry::{Credentials, Registry};

/// Lines of a failed build's log shown.
pub const LOG_TAIL: usize = 30;

/// buildah, with its storage under `cache`.
#[derive(Debug)]
pub(crate) struct Buildah {
    program: PathBuf,
    root: PathBuf,
    runroot: PathBuf,
}

impl Buildah {
    /// buildah (`program`, or `buildah` on the `PATH`), storing images under `cache`.
    pub fn find(program: Option<&str>, cache: &Path) -> Result<Buildah, String> {
        let name = program.unwrap_or("buildah");
        let found = if name.contains('/') {
            Path::new(name).is_file().then(|| PathBuf::from(name))
        } else {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        };
        let Some(program) = found else {
            return Err(format!(
                "no image builder: `{name}` is not installed. Install buildah (Debian and Ubuntu: `apt-get install buildah`; Fedora: `dnf install buildah`; macOS: use podman machine), or give its path with FERROFORM_BUILDER"
            ));
        };
        Ok(Buildah {
            program,
            root: cache.join("buildah").join("root"),
            runroot: cache.join("buildah").join("run"),
        })
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.arg("--root")
            .arg(&self.root)
            .arg("--runroot")
            .arg(&self.runroot)
            .args(["--storage-driver", "vfs"])
            .stdin(Stdio::null());
        c
    }

    /// Build `asset` (a directory image) as `local`; on failure, the last [`LOG_TAIL`] lines
    /// of the build's output.
    pub fn build(&self, asset: &ImageAsset, local: &str) -> Result<(), String> {
        let ImageSource::Directory {
            directory,
            dockerfile,
            build_args,
            target,
        } = &asset.source
        else {
            return Err("not a directory image".into());
        };
        let mut c = self.command();
        c.arg("build")
            .args([
                "--isolation",
                "chroot",
                "--timestamp",
                "0",
                "--layers=false",
            ])
            .args(["--platform", asset.platform.as_str()])
            .arg("-f")
            .arg(Path::new(directory).join(dockerfile));
        for (k, v) in build_args {
            c.arg("--build-arg").arg(format!("{k}={v}"));
        }
        if let Some(t) = target {
            c.arg("--target").arg(t);
        }
        c.args(["-t", local]).arg(directory);
        let out = c
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        if out.status.success() {
            return Ok(());
        }
        let mut log = String::from_utf8_lossy(&out.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&out.stderr));
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(LOG_TAIL)..].join("\n");
        Err(format!(
            "the build failed ({}); the last lines of its log:\n{tail}",
            out.status
        ))
    }

    /// Push `local` to `registry` as `repository:tag`. The credentials go through an auth
    /// file readable by this user only, in a directory of its own, removed right after: never
    /// on a command line (which other users can read).
    pub fn push(
        &self,
        local: &str,
        registry: &Registry,
        repository: &str,
        tag: &str,
        creds: &Credentials,
    ) -> Result<(), String> {
        let dir = private_dir().map_err(|e| format!("cannot make a private directory: {e}"))?;
        let result = (|| {
            let authfile = dir.join("auth.json");
            let auth =
                aws_smithy_types::base64::encode(format!("{}:{}", creds.user, creds.password));
            let text = serde_json::json!({"auths": {registry.host(): {"auth": auth}}}).to_string();
            write_private(&authfile, text.as_bytes())
                .map_err(|e| format!("cannot write the registry credentials: {e}"))?;
            let mut c = self.command();
            c.arg("push").arg("--authfile").arg(&authfile);
            if registry.insecure() {
                c.arg("--tls-verify=false");
            }
            c.arg(local)
                .arg(format!("docker://{}/{repository}:{tag}", registry.host()));
            let out = c
                .output()
                .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
            if out.status.success() {
                return Ok(());
            }
            let text = String::from_utf8_lossy(&out.stderr);
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let refused = text.contains("unauthorized") || text.contains("authentication required");
            Err(if refused {
                format!(
                    "registry {} refused the credentials from {}: {last}",
                    registry.base, creds.source
                )
            } else {
                format!("the push to {} failed: {last}", registry.base)
            })
        })();
        let _ = std::fs::remove_dir_all(&dir);
        result
    }
}

/// A new directory only this user can enter.
fn private_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "ferroform-push-{}-{:x}",
        std::process::id(),
        crate::fsutil::nonce()
    ));
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(&dir)?;
    Ok(dir)
}

/// A new file (never an existing one or a link) readable by this user only.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(bytes)
}
