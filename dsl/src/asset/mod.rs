//! Content hashes of images built from source ([`crate::ecs::ContainerImage::from_directory`],
//! [`crate::ecs::ContainerImage::from_files`]), computed at synth with no builder, network or
//! AWS SDK. The hash covers every input that can change the image — the context's files after
//! `.dockerignore` (names, bytes, executable bits), the Dockerfile, build arguments, target,
//! platform, the base image's digest, the image configuration — and a format version; never
//! timestamps, owners or where the sources are on disk. It is the image's tag, so unchanged
//! sources are never built or pushed again.

pub(crate) mod context;
pub(crate) mod dockerignore;

use std::collections::BTreeSet;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::model::asset::{ImageSource, Platform, hex};
use context::field;

/// Changes whenever what the hash covers, or how, changes: every tag changes with it.
const FORMAT: &[u8] = b"ferroform-image-1";

/// The content hash (hex SHA-256) of an image built from `source` for `platform`, or every
/// problem with its sources (each a sentence naming the path).
pub(crate) fn hash(source: &ImageSource, platform: Platform) -> Result<String, Vec<String>> {
    let mut h = Sha256::new();
    field(&mut h, FORMAT);
    field(&mut h, platform.as_str().as_bytes());
    match source {
        ImageSource::Directory {
            directory,
            dockerfile,
            build_args,
            target,
        } => {
            let root = Path::new(directory);
            if !root.is_dir() {
                return Err(vec![format!(
                    "the build context `{directory}` is not a directory{}",
                    from_where(root)
                )]);
            }
            let mut problems = Vec::new();
            let dockerfile_digest = match context::file_digest(&root.join(dockerfile)) {
                Ok((sum, _)) => Some(sum),
                Err(e) => {
                    problems.push(format!(
                        "the Dockerfile `{}` cannot be read: {e}",
                        root.join(dockerfile).display()
                    ));
                    None
                }
            };
            let context = match context::digest(root) {
                Ok(c) => Some(c),
                Err(errors) => {
                    problems.extend(
                        errors
                            .into_iter()
                            .map(|e| format!("`{}`: {}", e.path.display(), e.message)),
                    );
                    None
                }
            };
            let (Some(dockerfile_digest), Some(context)) = (dockerfile_digest, context) else {
                return Err(problems);
            };
            field(&mut h, b"directory");
            h.update(context.digest);
            field(&mut h, dockerfile.as_bytes());
            h.update(dockerfile_digest);
            pairs(&mut h, build_args);
            optional(&mut h, target.as_deref());
        }
        ImageSource::Files {
            base,
            files,
            entrypoint,
            cmd,
            user,
            workdir,
            env,
        } => {
            let mut problems = Vec::new();
            if let Err(why) = check_pinned(base) {
                problems.push(why);
            }
            field(&mut h, b"files");
            field(&mut h, base.as_bytes());
            h.update((files.len() as u64).to_le_bytes());
            let mut seen = BTreeSet::new();
            for (src, dest) in files {
                if !dest.starts_with('/') {
                    problems.push(format!(
                        "the path in the image `{dest}` (for `{src}`) is not absolute; write it from the root, e.g. `/usr/local/bin/app`"
                    ));
                }
                if !seen.insert(dest.as_str()) {
                    problems.push(format!("two files go to `{dest}` in the image"));
                }
                let path = Path::new(src);
                match std::fs::metadata(path) {
                    Ok(m) if m.is_file() => match context::file_digest(path) {
                        Ok((sum, len)) => {
                            field(&mut h, dest.as_bytes());
                            h.update([u8::from(context::executable(&m))]);
                            h.update(len.to_le_bytes());
                            h.update(sum);
                        }
                        Err(e) => problems.push(format!("`{src}` cannot be read: {e}")),
                    },
                    Ok(_) => problems.push(format!("`{src}` is not a file{}", from_where(path))),
                    Err(e) => problems.push(format!(
                        "`{src}` cannot be read: {e}{}; build it before synth",
                        from_where(path)
                    )),
                }
            }
            list(&mut h, entrypoint);
            list(&mut h, cmd);
            optional(&mut h, user.as_deref());
            optional(&mut h, workdir.as_deref());
            pairs(&mut h, env);
            if !problems.is_empty() {
                return Err(problems);
            }
        }
    }
    Ok(hex(&h.finalize()))
}

/// A base image must be pinned by digest: `registry/repository[:tag]@sha256:<64 hex>`.
pub(crate) fn check_pinned(reference: &str) -> Result<(), String> {
    let digest = reference.rsplit_once('@').map(|(_, d)| d);
    match digest.and_then(|d| d.strip_prefix("sha256:")) {
        Some(hex)
            if hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "the base image `{reference}` is not pinned by digest; write it as `registry/repository@sha256:<64 hex digits>` (`docker buildx imagetools inspect` or `crane digest` prints the digest), so that the image cannot change under the same tag"
        )),
    }
}

/// ` (relative to <cwd>)` for a relative path, so a user sees where it was looked for.
fn from_where(path: &Path) -> String {
    if path.is_absolute() {
        return String::new();
    }
    std::env::current_dir()
        .map(|d| format!(" (relative to {})", d.display()))
        .unwrap_or_default()
}

fn optional(h: &mut Sha256, v: Option<&str>) {
    match v {
        None => h.update([0]),
        Some(s) => {
            h.update([1]);
            field(h, s.as_bytes());
        }
    }
}

fn list(h: &mut Sha256, items: &[String]) {
    h.update((items.len() as u64).to_le_bytes());
    for s in items {
        field(h, s.as_bytes());
    }
}

fn pairs(h: &mut Sha256, items: &[(String, String)]) {
    h.update((items.len() as u64).to_le_bytes());
    for (k, v) in items {
        field(h, k.as_bytes());
        field(h, v.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Changes the entrypoint, command, working directory and environment of an image.
    type Configure =
        dyn Fn(&mut Vec<String>, &mut Vec<String>, &mut Option<String>, &mut Vec<(String, String)>);

    const BASE: &str = "public.ecr.aws/docker/library/debian@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// `files` ((on disk, in the image)) on `base`, with no image settings.
    fn bare(base: &str, files: &[(&str, &str)]) -> ImageSource {
        ImageSource::Files {
            base: base.into(),
            files: files
                .iter()
                .map(|(s, d)| ((*s).into(), (*d).into()))
                .collect(),
            entrypoint: vec![],
            cmd: vec![],
            user: None,
            workdir: None,
            env: vec![],
        }
    }

    fn files(dest: &str, src: &str) -> ImageSource {
        ImageSource::Files {
            base: BASE.into(),
            files: vec![(src.into(), dest.into())],
            entrypoint: vec![dest.into()],
            cmd: vec![],
            user: Some("10001".into()),
            workdir: None,
            env: vec![],
        }
    }

    #[test]
    fn every_input_is_in_the_hash() {
        let d = crate::fsutil::test_dir("asset-hash");
        std::fs::write(d.join("Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(d.join("app"), "x").unwrap();
        let dir = |args: Vec<(String, String)>, target: Option<&str>| ImageSource::Directory {
            directory: d.display().to_string(),
            dockerfile: "Dockerfile".into(),
            build_args: args,
            target: target.map(str::to_owned),
        };
        let base = hash(&dir(vec![], None), Platform::LinuxAmd64).unwrap();
        assert_eq!(base.len(), 64);
        assert_eq!(
            hash(&dir(vec![], None), Platform::LinuxAmd64).unwrap(),
            base
        );
        let others = [
            hash(&dir(vec![], None), Platform::LinuxArm64).unwrap(),
            hash(
                &dir(vec![("V".into(), "1".into())], None),
                Platform::LinuxAmd64,
            )
            .unwrap(),
            hash(&dir(vec![], Some("runtime")), Platform::LinuxAmd64).unwrap(),
        ];
        assert!(others.iter().all(|o| *o != base), "{others:?}");
        std::fs::write(d.join("Dockerfile"), "FROM scratch\nUSER 1\n").unwrap();
        assert_ne!(
            hash(&dir(vec![], None), Platform::LinuxAmd64).unwrap(),
            base
        );

        let app = d.join("app").display().to_string();
        let one = hash(&files("/usr/local/bin/app", &app), Platform::LinuxAmd64).unwrap();
        assert_ne!(
            hash(&files("/bin/app", &app), Platform::LinuxAmd64).unwrap(),
            one
        );
        // The image configuration: entrypoint, command, working directory, environment, each
        // an input (and moving words from the entrypoint to the command is a change).
        let configured = |f: &Configure| {
            let mut s = files("/usr/local/bin/app", &app);
            if let ImageSource::Files {
                entrypoint,
                cmd,
                workdir,
                env,
                ..
            } = &mut s
            {
                f(entrypoint, cmd, workdir, env);
            }
            hash(&s, Platform::LinuxAmd64).unwrap()
        };
        let variants = [
            configured(&|e, _, _, _| e.push("--flag".into())),
            configured(&|_, c, _, _| c.push("run".into())),
            configured(&|_, _, w, _| *w = Some("/srv".into())),
            configured(&|_, _, _, v| v.push(("A".into(), "1".into()))),
            configured(&|e, c, _, _| c.append(e)),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, one, "variant {i}");
        }
        std::fs::write(d.join("app"), "y").unwrap();
        assert_ne!(
            hash(&files("/usr/local/bin/app", &app), Platform::LinuxAmd64).unwrap(),
            one
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn problems_are_all_reported_with_their_paths() {
        let errors = hash(
            &bare(
                "debian:bookworm",
                &[
                    ("/nonexistent/ferroform/app", "bin/app"),
                    ("/nonexistent/ferroform/b", "bin/app"),
                ],
            ),
            Platform::LinuxAmd64,
        )
        .unwrap_err();
        let text = errors.join("\n");
        assert!(
            text.contains("`debian:bookworm` is not pinned by digest"),
            "{text}"
        );
        assert!(
            text.contains("`bin/app` (for `/nonexistent/ferroform/app`) is not absolute"),
            "{text}"
        );
        assert!(text.contains("two files go to `bin/app`"), "{text}");
        assert!(
            text.contains("`/nonexistent/ferroform/b` cannot be read"),
            "{text}"
        );

        let errors = hash(
            &ImageSource::Directory {
                directory: "/nonexistent/ferroform/context".into(),
                dockerfile: "Dockerfile".into(),
                build_args: vec![],
                target: None,
            },
            Platform::LinuxAmd64,
        )
        .unwrap_err();
        assert!(
            errors[0].contains("`/nonexistent/ferroform/context` is not a directory"),
            "{errors:?}"
        );

        // A relative path says what it is relative to; a directory is not a file.
        let temp = std::env::temp_dir().display().to_string();
        let errors = hash(
            &bare(BASE, &[("no/such/relative/file", "/a"), (&temp, "/b")]),
            Platform::LinuxAmd64,
        )
        .unwrap_err();
        let cwd = std::env::current_dir().unwrap();
        assert!(
            errors[0].contains(&format!("(relative to {})", cwd.display())),
            "{errors:?}"
        );
        assert!(errors[1].ends_with("is not a file"), "{errors:?}");
    }

    #[test]
    fn pinned_means_a_full_sha256_digest() {
        assert!(check_pinned(BASE).is_ok());
        assert!(check_pinned(&format!("{}:tag@sha256:{}", "r/x", "a".repeat(64))).is_ok());
        assert!(check_pinned("r/x@sha256:abc").is_err());
        assert!(check_pinned(&format!("r/x@sha256:{}", "A".repeat(64))).is_err());
        assert!(check_pinned("r/x:latest").is_err());
    }
}
