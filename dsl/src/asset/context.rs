//! A build context's content digest: the files a builder would receive (after
//! `.dockerignore`), by name, bytes and executable bit — never timestamps, owners or where
//! the directory is on disk.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::dockerignore::Ignore;

/// What the walk of a context found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContextDigest {
    /// SHA-256 over every entry, in path order.
    pub digest: [u8; 32],
    /// Regular files hashed.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// Why a context cannot be hashed (each names the path concerned).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContextError {
    pub path: PathBuf,
    pub message: String,
}

impl ContextError {
    fn io(path: &Path, e: &io::Error) -> ContextError {
        ContextError {
            path: path.to_owned(),
            message: e.to_string(),
        }
    }
}

/// Hash the context directory `root`. Every problem is returned, not only the first.
pub(crate) fn digest(root: &Path) -> Result<ContextDigest, Vec<ContextError>> {
    let ignore = match fs::read_to_string(root.join(".dockerignore")) {
        Ok(text) => Ignore::parse(&text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ignore::default(),
        Err(e) => return Err(vec![ContextError::io(&root.join(".dockerignore"), &e)]),
    };
    let mut entries: Vec<(String, Kind)> = Vec::new();
    let mut errors = Vec::new();
    // Iterative, so a deep tree cannot exhaust the stack; links are never followed, so a
    // link cycle cannot loop.
    let mut dirs: Vec<String> = vec![String::new()];
    while let Some(dir) = dirs.pop() {
        let on_disk = if dir.is_empty() {
            root.to_owned()
        } else {
            root.join(&dir)
        };
        let read = match fs::read_dir(&on_disk) {
            Ok(r) => r,
            Err(e) => {
                errors.push(ContextError::io(&on_disk, &e));
                continue;
            }
        };
        for entry in read {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(ContextError::io(&on_disk, &e));
                    continue;
                }
            };
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                errors.push(ContextError {
                    path: entry.path(),
                    message: "the name is not UTF-8; rename it or list it in .dockerignore".into(),
                });
                continue;
            };
            let rel = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let excluded = ignore.excludes(&rel);
            let meta = match entry.path().symlink_metadata() {
                Ok(m) => m,
                Err(e) => {
                    errors.push(ContextError::io(&entry.path(), &e));
                    continue;
                }
            };
            let ty = meta.file_type();
            if ty.is_dir() {
                if !(excluded && ignore.prunes(&rel)) {
                    if !excluded {
                        entries.push((rel.clone(), Kind::Dir));
                    }
                    dirs.push(rel);
                }
                continue;
            }
            if excluded {
                continue;
            }
            if ty.is_symlink() {
                match fs::read_link(entry.path()) {
                    Ok(target) => match inside(&rel, &target) {
                        true => entries.push((rel, Kind::Link(target))),
                        false => errors.push(ContextError {
                            path: entry.path(),
                            message: format!(
                                "a symbolic link to `{}`, outside the build context; copy the file into the context or list the link in .dockerignore",
                                target.display()
                            ),
                        }),
                    },
                    Err(e) => errors.push(ContextError::io(&entry.path(), &e)),
                }
            } else if ty.is_file() {
                entries.push((rel, Kind::File(executable(&meta))));
            } else {
                errors.push(ContextError {
                    path: entry.path(),
                    message: "not a file, directory or link (a socket, FIFO or device); list it in .dockerignore".into(),
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.path.cmp(&b.path));
        return Err(errors);
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut h = Sha256::new();
    let mut files = 0;
    let mut bytes = 0;
    for (rel, kind) in &entries {
        match kind {
            Kind::Dir => {
                h.update(b"D");
                field(&mut h, rel.as_bytes());
            }
            Kind::Link(target) => {
                h.update(b"L");
                field(&mut h, rel.as_bytes());
                field(&mut h, target.to_string_lossy().as_bytes());
            }
            Kind::File(exec) => {
                let path = root.join(rel);
                let (sum, len) = match file_digest(&path) {
                    Ok(x) => x,
                    Err(e) => {
                        errors.push(ContextError::io(&path, &e));
                        continue;
                    }
                };
                h.update(if *exec { b"X" } else { b"F" });
                field(&mut h, rel.as_bytes());
                h.update(len.to_le_bytes());
                h.update(sum);
                files += 1;
                bytes += len;
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ContextDigest {
        digest: h.finalize().into(),
        files,
        bytes,
    })
}

enum Kind {
    Dir,
    Link(PathBuf),
    /// Executable.
    File(bool),
}

/// A length-prefixed field, so that no two different entry lists hash the same text.
pub(crate) fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// SHA-256 and length of a file's bytes, read in chunks (never all in memory).
pub(crate) fn file_digest(path: &Path) -> io::Result<([u8; 32], u64)> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut len = 0u64;
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                h.update(&buf[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((h.finalize().into(), len))
}

pub(crate) use crate::fsutil::executable;

/// Whether a link at `rel` (relative to the context) pointing to `target` stays inside the
/// context, judged on the text alone (an absolute target never does).
fn inside(rel: &str, target: &Path) -> bool {
    if target.is_absolute() {
        return false;
    }
    // The link's directory, then the target's steps.
    let mut depth: Vec<&str> = rel.split('/').collect();
    depth.pop();
    for c in target.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if depth.pop().is_none() {
                    return false;
                }
            }
            Component::Normal(_) => depth.push(""),
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        crate::fsutil::test_dir(&format!("context-{name}"))
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn contents_decide_the_digest_not_timestamps_or_location() {
        let a = dir("a");
        write(&a, "Dockerfile", "FROM scratch\nCOPY app /app\n");
        write(&a, "app", "binary");
        write(&a, "src/main.rs", "fn main() {}");
        let first = digest(&a).unwrap();
        assert_eq!(first.files, 3);
        assert_eq!(first.bytes, 27 + 6 + 12);

        // The same files elsewhere, written later: the same digest.
        let b = dir("b");
        write(&b, "src/main.rs", "fn main() {}");
        write(&b, "app", "binary");
        write(&b, "Dockerfile", "FROM scratch\nCOPY app /app\n");
        assert_eq!(digest(&b).unwrap(), first);

        // A changed byte, a renamed file, a new empty directory: each a new digest.
        write(&b, "app", "binarY");
        let changed = digest(&b).unwrap();
        assert_ne!(changed.digest, first.digest);
        write(&b, "app", "binary");
        fs::create_dir_all(b.join("empty")).unwrap();
        assert_ne!(digest(&b).unwrap().digest, first.digest);
        fs::remove_dir(b.join("empty")).unwrap();
        fs::rename(b.join("app"), b.join("app2")).unwrap();
        assert_ne!(digest(&b).unwrap().digest, first.digest);
        let _ = fs::remove_dir_all(&a);
        let _ = fs::remove_dir_all(&b);
    }

    #[cfg(unix)]
    #[test]
    fn the_executable_bit_counts() {
        use std::os::unix::fs::PermissionsExt;
        let a = dir("exec");
        write(&a, "run.sh", "#!/bin/sh\n");
        let before = digest(&a).unwrap();
        fs::set_permissions(a.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_ne!(digest(&a).unwrap(), before);
        // Other mode bits do not.
        fs::set_permissions(a.join("run.sh"), fs::Permissions::from_mode(0o700)).unwrap();
        let exec = digest(&a).unwrap();
        fs::set_permissions(a.join("run.sh"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(digest(&a).unwrap(), exec);
        let _ = fs::remove_dir_all(&a);
    }

    #[test]
    fn ignored_files_do_not_count() {
        let a = dir("ignore");
        write(&a, ".dockerignore", "target\n*.log\n!keep.log\n");
        write(&a, "app", "x");
        write(&a, "keep.log", "kept");
        let before = digest(&a).unwrap();
        write(&a, "target/debug/big", "changes all the time");
        write(&a, "noise.log", "more");
        assert_eq!(digest(&a).unwrap(), before);
        write(&a, "keep.log", "changed");
        assert_ne!(digest(&a).unwrap(), before);
        let _ = fs::remove_dir_all(&a);
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_are_kept_links_outside_are_refused() {
        let a = dir("links");
        write(&a, "real/file", "x");
        std::os::unix::fs::symlink("real/file", a.join("inside")).unwrap();
        std::os::unix::fs::symlink("../file", a.join("real/up")).unwrap();
        assert!(digest(&a).is_ok());
        std::os::unix::fs::symlink("../../etc/passwd", a.join("real/escape")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", a.join("abs")).unwrap();
        let errors = digest(&a).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].path.ends_with("abs"), "{errors:?}");
        assert!(errors[1].path.ends_with("real/escape"), "{errors:?}");
        assert!(errors[1].message.contains("outside the build context"));
        // Listed in .dockerignore, they are left out and the context hashes.
        write(&a, ".dockerignore", "abs\nreal/escape\n");
        assert!(digest(&a).is_ok());
        let _ = fs::remove_dir_all(&a);
    }

    #[cfg(unix)]
    #[test]
    fn executable_means_any_execute_bit() {
        use std::os::unix::fs::PermissionsExt;
        let a = dir("modes");
        write(&a, "f", "x");
        for (mode, exec) in [
            (0o644, false),
            (0o755, true),
            (0o700, true),
            (0o601, true),
            (0o600, false),
        ] {
            fs::set_permissions(a.join("f"), fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(
                executable(&fs::metadata(a.join("f")).unwrap()),
                exec,
                "{mode:o}"
            );
        }
        let _ = fs::remove_dir_all(&a);
    }

    #[test]
    fn an_unreadable_dockerignore_is_an_error_not_ignored() {
        let a = dir("bad-ignore");
        fs::create_dir_all(a.join(".dockerignore")).unwrap();
        let errors = digest(&a).unwrap_err();
        assert!(errors[0].path.ends_with(".dockerignore"), "{errors:?}");
        let _ = fs::remove_dir_all(&a);
    }

    /// `a/b` excluded, `!a` includes it again: the walk must not prune `a/b`.
    #[test]
    fn an_exception_on_a_parent_keeps_the_directory() {
        let a = dir("parent-exception");
        write(&a, ".dockerignore", "a/b\n!a\n");
        write(&a, "a/b/x", "1");
        let before = digest(&a).unwrap();
        write(&a, "a/b/x", "2");
        assert_ne!(digest(&a).unwrap(), before);
        let _ = fs::remove_dir_all(&a);
    }

    #[test]
    fn a_missing_context_is_an_error_naming_it() {
        let missing = std::env::temp_dir().join("ferroform-no-such-context-dir");
        let errors = digest(&missing).unwrap_err();
        assert_eq!(errors[0].path, missing);
    }

    #[test]
    fn link_targets_are_judged_by_their_steps() {
        assert!(inside("a", Path::new("b")));
        assert!(inside("d/a", Path::new("../b")));
        assert!(!inside("a", Path::new("../b")));
        assert!(inside("d/e/a", Path::new("../../x")));
        assert!(!inside("d/e/a", Path::new("../../../x")));
        assert!(!inside("a", Path::new("/etc/passwd")));
    }
}
