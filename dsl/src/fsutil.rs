//! Safe file writes: every file ferroform writes (`synth --out`, the manifest,
//! `--outputs-file`) goes through [`write_atomic`] or [`write_if_changed`].
//!
//! A file is written to a new temporary file in the target's directory (created with
//! `O_EXCL` semantics: never an existing file or link) and renamed into place. The rename is
//! atomic — readers see the old file or the new one, never half of one — and it replaces a
//! directory entry without following it, so a symbolic link planted at the target's path is
//! never written through. A target that already is a symbolic link is refused with an error
//! naming it, so that the link is not silently replaced either. (Links among the directories
//! above the target are the user's to choose and are followed.)

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The error for a target that is a symbolic link.
fn link_refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; ferroform does not write through links: remove the link or choose another path",
            path.display()
        ),
    )
}

/// Refuse a target that is a symbolic link (an error naming it) or a directory; `Ok(true)`
/// when it exists.
pub(crate) fn check_target(path: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(link_refused(path)),
        Ok(m) if m.is_dir() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is a directory; give a file path", path.display()),
        )),
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// The directory a target is written in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// A new, exclusively created temporary file beside `path`.
fn temp_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = parent_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{name}.{}.{n}.{:x}.tmp",
            std::process::id(),
            nonce()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name was free")))
}

/// A value that differs between processes and calls (std's per-process random hash keys).
pub(crate) fn nonce() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}

/// Whether a write waits for the data to reach the disk before renaming it into place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durability {
    /// `fsync` before the rename: after a crash the file is the old one or the new one, whole.
    /// For files only a past operation can produce again (the outputs of a deploy).
    #[cfg_attr(not(feature = "deploy"), allow(dead_code))] // the deploy commands write these
    Synced,
    /// No `fsync`: readers still see the old file or the new one, never half of one, but a
    /// power loss right after the write may leave an empty file on some filesystems. For
    /// files the next `synth` writes again (templates, the synth manifest), as cargo and rustc
    /// treat their outputs (waiting for the disk was about 1.4 ms of a 10 ms synth).
    Relaxed,
}

/// Write `bytes` to `path` atomically, never through a link: a temporary file in the same
/// directory, renamed into place. A symbolic link (or a directory) at `path` is refused;
/// an existing file's permissions are kept. The directory must exist.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], durability: Durability) -> io::Result<()> {
    let existed = check_target(path)?;
    let (tmp, mut file) = temp_beside(path)?;
    let result = (|| {
        file.write_all(bytes)?;
        if existed && let Ok(m) = fs::metadata(path) {
            file.set_permissions(m.permissions())?;
        }
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether the regular file at `path` holds exactly `bytes` (compared in chunks, without
/// reading it all into memory).
fn same_content(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    if f.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut buf = [0u8; 16 * 1024];
    let mut at = 0;
    loop {
        match f.read(&mut buf) {
            Ok(0) => return at == bytes.len(),
            Ok(n) if bytes.get(at..at + n) == Some(&buf[..n]) => at += n,
            _ => return false,
        }
    }
}

/// [`write_atomic`] unless `path` already holds exactly `bytes`: then the file is left as it
/// is, modification time included. True when it wrote. A link at `path` is refused either way.
/// For generated files, so [`Durability::Relaxed`].
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if check_target(path)? && same_content(path, bytes) {
        return Ok(false);
    }
    write_atomic(path, bytes, Durability::Relaxed)?;
    Ok(true)
}

/// A new directory under the system's temporary directory that only this user can enter
/// (0700 on Unix), named `<prefix>-<pid>-<random>`: never an entry that was there before
/// (`create_dir` fails on an existing entry, link or not; then another name is tried).
#[cfg_attr(not(feature = "deploy"), allow(dead_code))] // the app runner and image pushes
pub(crate) fn private_temp_dir(prefix: &str) -> io::Result<PathBuf> {
    let base = std::env::temp_dir();
    let mut last = None;
    for _ in 0..16 {
        let path = base.join(format!("{prefix}-{}-{:016x}", std::process::id(), nonce()));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free name")))
}

/// Whether a file's mode has any execute bit (what images keep of a file's permissions).
#[cfg(unix)]
#[cfg_attr(not(any(feature = "deploy", feature = "ecs-stack")), allow(dead_code))]
pub(crate) fn executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

/// Whether a file's mode has any execute bit: never, where there are no modes.
#[cfg(not(unix))]
#[cfg_attr(not(any(feature = "deploy", feature = "ecs-stack")), allow(dead_code))]
pub(crate) fn executable(_: &fs::Metadata) -> bool {
    false
}

/// Check, without writing it, that [`write_atomic`] could write `path`: it is not a link or a
/// directory, and its directory exists (it is created if missing) and takes a new file (one
/// is created and removed). For output files whose content comes only at the end of a long
/// operation.
#[cfg_attr(not(feature = "deploy"), allow(dead_code))] // used by the deploy commands
pub(crate) fn check_writable(path: &Path) -> io::Result<()> {
    check_target(path)?;
    let dir = parent_of(path);
    fs::create_dir_all(dir)?;
    let (tmp, file) = temp_beside(path)?;
    drop(file);
    fs::remove_file(&tmp)
}

/// A new, empty directory for a unit test (`ferroform-test-<name>-<pid>-<random>` under
/// the temporary directory).
#[cfg(test)]
pub(crate) fn test_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ferroform-test-{name}-{}-{:x}",
        std::process::id(),
        nonce()
    ));
    fs::create_dir_all(&d).unwrap();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        test_dir(&format!("fsutil-{name}"))
    }

    fn leftovers(d: &Path) -> Vec<String> {
        fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn writes_replace_files_atomically_and_leave_no_temporary_file() {
        let d = dir("write");
        let f = d.join("a.json");
        write_atomic(&f, b"one", Durability::Synced).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"one");
        assert!(write_if_changed(&f, b"two").unwrap());
        assert!(!write_if_changed(&f, b"two").unwrap(), "unchanged");
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
        check_writable(&d.join("sub/b.json")).unwrap();
        assert!(d.join("sub").is_dir(), "the directory is created");
        assert!(leftovers(&d.join("sub")).is_empty());
        assert!(check_writable(&d).is_err(), "a directory is not a file");
        let _ = fs::remove_dir_all(&d);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_target_is_refused_and_its_target_left_alone() {
        let d = dir("link");
        let outside = d.join("outside.txt");
        fs::write(&outside, "precious").unwrap();
        let link = d.join("out.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        for e in [
            write_atomic(&link, b"x", Durability::Synced).unwrap_err(),
            write_if_changed(&link, b"x").unwrap_err(),
            write_if_changed(&link, b"precious").unwrap_err(),
            check_writable(&link).unwrap_err(),
        ] {
            let msg = e.to_string();
            assert!(
                msg.contains(&link.display().to_string()) && msg.contains("symbolic link"),
                "{msg}"
            );
        }
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(leftovers(&d).is_empty());
        let _ = fs::remove_dir_all(&d);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_of_a_replaced_file_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let d = dir("perm");
        let f = d.join("outputs.json");
        fs::write(&f, "old").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&f, b"new", Durability::Relaxed).unwrap();
        assert_eq!(
            fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let _ = fs::remove_dir_all(&d);
    }
}
