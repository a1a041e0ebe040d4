//! Building an image from a directory: with buildah, daemonless (`--isolation chroot`,
//! storage of its own under ferroform's cache directory, `--timestamp 0` so that the same
//! inputs give the same image); or with podman or docker when asked for, or when buildah is
//! not installed and their daemon answers.
//!
//! buildah and podman write the image as an OCI image layout into a private directory
//! ([`Buildah::export`]), which ferroform pushes itself (only the blobs the registry lacks,
//! with progress, the manifest's exact bytes): the builder never sees the registry's
//! credentials. docker keeps its images in its daemon, which pushes them
//! ([`Buildah::docker_push`], credentials through a private config directory).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::model::asset::{ImageAsset, ImageSource};

use super::registry::{Credentials, Registry};

/// Lines of a failed build's log shown.
pub const LOG_TAIL: usize = 30;

/// Which builder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Daemonless, with storage of its own.
    Buildah,
    /// podman (its own storage).
    Podman,
    /// docker (through its daemon).
    Docker,
}

impl Kind {
    /// The kind a program name or path names (`/usr/bin/podman`, `docker`...).
    fn of(program: &Path) -> Option<Kind> {
        let name = program.file_name()?.to_str()?;
        if name.starts_with("buildah") {
            Some(Kind::Buildah)
        } else if name.starts_with("podman") {
            Some(Kind::Podman)
        } else if name.starts_with("docker") {
            Some(Kind::Docker)
        } else {
            None
        }
    }
}

/// An image builder, with (for buildah) its storage under `cache`.
#[derive(Clone, Debug)]
pub(crate) struct Buildah {
    program: PathBuf,
    kind: Kind,
    root: PathBuf,
    runroot: PathBuf,
}

/// `name` on the `PATH`, or the file `name` when it is a path.
fn locate(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).is_file().then(|| PathBuf::from(name));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Where a builder pushes: what it needs of a [`Registry`] (owned, for a build thread).
#[derive(Clone, Debug)]
pub(crate) struct PushTarget {
    base: String,
    host: String,
}

impl PushTarget {
    pub fn of(r: &Registry) -> PushTarget {
        PushTarget {
            base: r.base.clone(),
            host: r.host().to_owned(),
        }
    }
}

/// Whether `program info` succeeds (its daemon or service answers).
fn answers(program: &Path) -> bool {
    Command::new(program)
        .arg("info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Buildah {
    /// The builder `choice` names (`buildah`, `podman`, `docker`, or a path to one), or the
    /// first found: buildah when installed, else podman or docker when it answers. Images
    /// are kept under `cache` (buildah).
    pub fn find(choice: Option<&str>, cache: &Path) -> Result<Buildah, String> {
        let make = |program: PathBuf, kind: Kind| Buildah {
            program,
            kind,
            root: cache.join("buildah").join("root"),
            runroot: cache.join("buildah").join("run"),
        };
        if let Some(name) = choice {
            let program = locate(name).ok_or_else(|| {
                format!("the image builder `{name}` is not installed (or not on the PATH)")
            })?;
            let kind = Kind::of(&program).ok_or_else(|| {
                format!(
                    "`{name}` is not buildah, podman or docker: name one of them (or a path to one)"
                )
            })?;
            return Ok(make(program, kind));
        }
        if let Some(p) = locate("buildah") {
            return Ok(make(p, Kind::Buildah));
        }
        for (name, kind) in [("podman", Kind::Podman), ("docker", Kind::Docker)] {
            if let Some(p) = locate(name).filter(|p| answers(p)) {
                return Ok(make(p, kind));
            }
        }
        Err("no image builder: buildah is not installed, and no podman or docker answers. Install buildah (Debian and Ubuntu: `apt-get install buildah`; Fedora: `dnf install buildah`), or start podman or docker; choose one with --builder or `builder = \"...\"` in ferroform.toml".into())
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        if self.kind == Kind::Buildah {
            c.arg("--root")
                .arg(&self.root)
                .arg("--runroot")
                .arg(&self.runroot)
                .args(["--storage-driver", "vfs"]);
        }
        c.stdin(Stdio::null());
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
        c.arg("build");
        if self.kind != Kind::Docker {
            // docker has none of these: its builds run in its daemon, and their timestamps
            // are the build's (the tag, a hash of the inputs, is the same either way).
            c.args([
                "--isolation",
                "chroot",
                "--timestamp",
                "0",
                "--layers=false",
            ]);
        }
        c.args(["--platform", asset.platform.as_str()])
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

    /// Whether the image is exported as a layout (buildah, podman) rather than pushed by
    /// the builder's daemon (docker).
    pub fn exports(&self) -> bool {
        self.kind != Kind::Docker
    }

    /// Write `local` as an OCI image layout into a new directory readable by this user
    /// only: its path (the caller removes it), or why not (the directory removed).
    pub fn export(&self, local: &str) -> Result<PathBuf, String> {
        let dir = crate::fsutil::private_temp_dir("ferroform-image")
            .map_err(|e| format!("cannot make a private directory: {e}"))?;
        let out = self
            .command()
            .arg("push")
            .arg("--quiet")
            .arg(local)
            .arg(format!("oci:{}", dir.display()))
            .output();
        let why = match out {
            Ok(out) if out.status.success() => return Ok(dir),
            Ok(out) => format!(
                "{} could not write the image it built: {}",
                self.program.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => format!("cannot run {}: {e}", self.program.display()),
        };
        let _ = std::fs::remove_dir_all(&dir);
        Err(why)
    }

    /// Push `local` to `registry` as `repository:tag` through docker's daemon; the digest it
    /// reports. The credentials go through a config file readable by this user only, in a
    /// directory of its own, removed right after: never on a command line (which other users
    /// can read).
    pub fn docker_push(
        &self,
        local: &str,
        registry: &PushTarget,
        repository: &str,
        tag: &str,
        creds: &Credentials,
    ) -> Result<Option<String>, String> {
        let dir = crate::fsutil::private_temp_dir("ferroform-push")
            .map_err(|e| format!("cannot make a private directory: {e}"))?;
        let result = (|| {
            let config = dir.join("config.json");
            let auth =
                aws_smithy_types::base64::encode(format!("{}:{}", creds.user, creds.password));
            let text = serde_json::json!({"auths": {&registry.host: {"auth": auth}}}).to_string();
            write_private(&config, text.as_bytes())
                .map_err(|e| format!("cannot write the registry credentials: {e}"))?;
            let remote = format!("{}/{repository}:{tag}", registry.host);
            // The image is tagged with its remote name first.
            let tagged = self
                .command()
                .args(["tag", local, &remote])
                .output()
                .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
            if !tagged.status.success() {
                return Err(format!(
                    "docker tag failed: {}",
                    String::from_utf8_lossy(&tagged.stderr).trim()
                ));
            }
            let out = self
                .command()
                .env("DOCKER_CONFIG", &dir)
                .arg("push")
                .arg(&remote)
                .output()
                .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
            if out.status.success() {
                // "<tag>: digest: sha256:<hex> size: <n>", docker's last line.
                let text = String::from_utf8_lossy(&out.stdout);
                let digest = text
                    .split_whitespace()
                    .skip_while(|w| *w != "digest:")
                    .nth(1)
                    .filter(|d| d.starts_with("sha256:"))
                    .map(str::to_owned);
                return Ok(digest);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_program_name() {
        assert_eq!(Kind::of(Path::new("/usr/bin/buildah")), Some(Kind::Buildah));
        assert_eq!(Kind::of(Path::new("podman")), Some(Kind::Podman));
        assert_eq!(Kind::of(Path::new("/opt/docker")), Some(Kind::Docker));
        assert_eq!(Kind::of(Path::new("/usr/bin/kaniko")), None);
    }

    #[test]
    fn a_builder_that_is_not_there_is_named() {
        let e = Buildah::find(Some("/nonexistent/podman"), Path::new("/tmp")).unwrap_err();
        assert!(e.contains("`/nonexistent/podman` is not installed"), "{e}");
        let e = Buildah::find(Some("/bin/sh"), Path::new("/tmp")).unwrap_err();
        assert!(e.contains("is not buildah, podman or docker"), "{e}");
    }
}
