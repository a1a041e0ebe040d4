//! Formatting with rustfmt, then writing the generated tree or checking it against disk.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use crate::emit::MARKER;

/// Format Rust sources with `rustfmt --edition 2024`, in parallel. Keys are kept.
pub fn format_all(
    files: BTreeMap<PathBuf, String>,
    jobs: usize,
) -> Result<BTreeMap<PathBuf, String>, String> {
    let todo: Mutex<Vec<(PathBuf, String)>> = Mutex::new(files.into_iter().collect());
    let done: Mutex<BTreeMap<PathBuf, String>> = Mutex::new(BTreeMap::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = todo.lock().expect("queue").pop();
                    let Some((path, src)) = next else { break };
                    match rustfmt(&src) {
                        Ok(text) => {
                            done.lock().expect("results").insert(path, text);
                        }
                        Err(e) => errors
                            .lock()
                            .expect("errors")
                            .push(format!("{}: {e}", path.display())),
                    }
                }
            });
        }
    });
    let errors = errors.into_inner().expect("errors");
    if errors.is_empty() {
        Ok(done.into_inner().expect("results"))
    } else {
        Err(errors.join("\n"))
    }
}

fn rustfmt(src: &str) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = src.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked".to_owned())?
        .map_err(|e| format!("rustfmt stdin: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output: {e}"))
}

/// What differs between the generated tree and the directory.
#[derive(Debug, Default)]
pub struct Diff {
    /// Files to create.
    pub added: Vec<PathBuf>,
    /// Files whose content changes.
    pub changed: Vec<PathBuf>,
    /// Generated files no longer produced.
    pub removed: Vec<PathBuf>,
}

impl Diff {
    /// Nothing to do.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Compare `files` (paths relative to `out`) with the directory.
pub fn diff(out: &Path, files: &BTreeMap<PathBuf, String>) -> Result<Diff, String> {
    let mut d = Diff::default();
    for (rel, text) in files {
        match fs::read_to_string(out.join(rel)) {
            Ok(existing) if existing == *text => {}
            Ok(_) => d.changed.push(rel.clone()),
            Err(_) => d.added.push(rel.clone()),
        }
    }
    let mut existing = Vec::new();
    if out.exists() {
        walk(out, out, &mut existing)?;
    }
    for rel in existing {
        if !files.contains_key(&rel) && is_generated(&out.join(&rel)) {
            d.removed.push(rel);
        }
    }
    Ok(d)
}

/// Apply a diff: write added and changed files, delete removed ones (and directories
/// left empty).
pub fn apply(out: &Path, files: &BTreeMap<PathBuf, String>, d: &Diff) -> Result<(), String> {
    for rel in d.added.iter().chain(&d.changed) {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, &files[rel]).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    for rel in &d.removed {
        let path = out.join(rel);
        fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut dir = path.parent();
        while let Some(p) = dir {
            if p == out || fs::remove_dir(p).is_err() {
                break;
            }
            dir = p.parent();
        }
    }
    Ok(())
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p.strip_prefix(root).expect("under root").to_owned());
        }
    }
    Ok(())
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path).is_ok_and(|t| t.starts_with(MARKER))
}

/// The feature names of a `Cargo.toml`'s `[features]` table.
pub fn cargo_features(cargo_toml: &str) -> Vec<String> {
    let mut in_features = false;
    let mut out = Vec::new();
    for line in cargo_toml.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_features = t == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if let Some((key, _)) = t.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                out.push(key.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_feature_names() {
        let toml = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"a\"]\nall = [\n  \"a\", \"b\",\n]\na = []\nb-c = []\n\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(cargo_features(toml), ["default", "all", "a", "b-c"]);
    }
}
