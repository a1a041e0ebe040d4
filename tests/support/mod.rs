//! Shared helpers for the integration tests: `mod support;` from each test file.
//!
//! * Python tools (cfn-lint and the venv's python) are looked up in `$FERROFORM_VENV`, then in
//!   `<repo>/.venv` (what `tests/run.sh` creates).
//! * [`require_tool`] implements the rule for missing tools: under CI (`CI` set to anything
//!   but empty or `false`) a missing tool fails the test loudly; elsewhere the test prints
//!   `SKIPPED: <reason>` to stderr and returns early.
//! * [`run_cfn_lint`]: cfn-lint over files, giving its exit code (a bit mask) and output.
//! * [`temp_dir`]: a fresh directory under `std::env::temp_dir()`, removed on drop.
//! * [`programs`]: the command lines run in memory, and a small stack to run them on.
//!
//! Standard library only, but for [`programs`] (ferroform and serde_json).
#![allow(dead_code)]

pub mod programs;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The repository root (the parent of this package, `tests/`).
pub fn repo_root() -> PathBuf {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().expect("tests/ has a parent").to_path_buf()
}

/// A file under `tests/`.
pub fn tests_file(name: &str) -> PathBuf {
    repo_root().join("tests").join(name)
}

/// True when running under CI: `CI` is set to anything but empty or `false`.
pub fn in_ci() -> bool {
    match std::env::var("CI") {
        Ok(v) => {
            let v = v.trim();
            !v.is_empty() && !v.eq_ignore_ascii_case("false")
        }
        Err(_) => false,
    }
}

/// The test suite's Python virtual environment: `$FERROFORM_VENV` when set (and non-empty),
/// else `<repo>/.venv`. Returned whether or not it exists.
pub fn venv_dir() -> PathBuf {
    match std::env::var_os("FERROFORM_VENV") {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => repo_root().join(".venv"),
    }
}

fn venv_bin(name: &str) -> Option<PathBuf> {
    let venv = venv_dir();
    let candidates = [
        venv.join("bin").join(name),
        venv.join("Scripts").join(format!("{name}.exe")),
    ];
    candidates.into_iter().find(|p| p.is_file())
}

/// `cfn-lint` of the test venv, if installed.
pub fn cfn_lint() -> Option<PathBuf> {
    venv_bin("cfn-lint")
}

/// The test venv's python interpreter, if the venv exists.
pub fn venv_python() -> Option<PathBuf> {
    venv_bin("python3").or_else(|| venv_bin("python"))
}

/// Find a tool of the test venv (`"cfn-lint"` or `"python"`).
///
/// Returns `Some(path)` when it is installed. When it is missing: under CI this panics (the
/// test fails) with a loud message; elsewhere it prints `SKIPPED: <reason>` to stderr and
/// returns `None`, and the caller returns early:
///
/// ```ignore
/// let Some(lint) = support::require_tool("cfn-lint") else { return };
/// ```
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = match name {
        "cfn-lint" => cfn_lint(),
        "python" | "python3" => venv_python(),
        other => venv_bin(other),
    };
    if found.is_some() {
        return found;
    }
    let reason = format!(
        "`{name}` not found in the test venv {} (set FERROFORM_VENV, or run tests/run.sh, \
         which creates .venv and installs tests/requirements.txt)",
        venv_dir().display()
    );
    if in_ci() {
        panic!(
            "\n\n************************************************************\n\
             MISSING TOOL UNDER CI: {reason}\n\
             CI must run the suite through tests/run.sh so that the tools are installed.\n\
             ************************************************************\n"
        );
    }
    eprintln!("SKIPPED: {reason}");
    None
}

/// A program of the system (`dot`), found on the PATH, with the same rule as
/// [`require_tool`]: missing under CI fails the test, elsewhere it is skipped with a reason.
pub fn require_system_tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_some() {
        return found;
    }
    let reason = format!(
        "`{name}` not found on the PATH (Debian package {package}; tests/setup_debian.sh installs it)"
    );
    if in_ci() {
        panic!("\n\nMISSING TOOL UNDER CI: {reason}\n");
    }
    eprintln!("SKIPPED: {reason}");
    None
}

/// Where the real-world corpus is looked for: `FERROFORM_REALWORLD` when set, else
/// `../shared/realworld` beside the checkout. (A copy of the tree elsewhere, such as the
/// scratch copy cargo-mutants tests, has nothing beside it: point the variable at the corpus.)
pub fn realworld_location() -> PathBuf {
    std::env::var_os("FERROFORM_REALWORLD")
        .map_or_else(|| repo_root().join("../shared/realworld"), PathBuf::from)
}

/// The real-world corpus ([`realworld_location`], its `INDEX.tsv`), or `None` with the
/// reason printed when this clone lacks it; under CI its absence fails the test (it is always
/// there in CI).
pub fn realworld_dir() -> Option<PathBuf> {
    let dir = realworld_location();
    if dir.join("INDEX.tsv").is_file() {
        return Some(dir);
    }
    let why = format!(
        "the real-world corpus is not at {} (INDEX.tsv missing)",
        dir.display()
    );
    if in_ci() {
        panic!("{why}: it is always there in CI");
    }
    eprintln!("SKIPPED: {why}; this test ran without the real-world templates");
    None
}

/// The template files `INDEX.tsv` lists (its `file` column), in its order.
pub fn realworld_templates(dir: &Path) -> Vec<PathBuf> {
    let text = fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv is readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = header
        .iter()
        .position(|h| *h == "file")
        .expect("INDEX.tsv has a `file` column");
    lines
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| l.split('\t').nth(col).map(|f| dir.join(f)))
        .collect()
}

/// Run cfn-lint (`cfn_lint`, from [`require_tool`] or [`cfn_lint`]) over `files`; returns
/// its exit code and its output (stdout, then stderr).
///
/// The exit code is a bit mask: 2 = errors, 4 = warnings, 8 = informational findings
/// (1 = cfn-lint itself failed); 0 means clean. See [`lint_errors`] and friends.
pub fn run_cfn_lint<P: AsRef<Path>>(cfn_lint: &Path, files: &[P]) -> (i32, String) {
    run_cfn_lint_with(cfn_lint, files, &[])
}

/// [`run_cfn_lint`] with extra cfn-lint options (given before the files).
pub fn run_cfn_lint_with<P: AsRef<Path>>(
    cfn_lint: &Path,
    files: &[P],
    extra_args: &[&str],
) -> (i32, String) {
    assert!(!files.is_empty(), "run_cfn_lint needs at least one file");
    let mut cmd = Command::new(cfn_lint);
    cmd.args(extra_args).arg("--");
    for f in files {
        cmd.arg(f.as_ref());
    }
    let out = run(&mut cmd);
    (out.status.code().unwrap_or(-1), output_text(&out))
}

/// cfn-lint's exit code says errors were found (bit 2) or that it failed (bit 1).
pub fn lint_errors(code: i32) -> bool {
    code & 0b11 != 0
}

/// cfn-lint's exit code says warnings were found (bit 4).
pub fn lint_warnings(code: i32) -> bool {
    code & 4 != 0
}

/// cfn-lint's exit code says informational findings were made (bit 8).
pub fn lint_informational(code: i32) -> bool {
    code & 8 != 0
}

/// Run the venv python on a helper script of `tests/` with `args`; returns the exit code and
/// stdout+stderr. Panics when the venv python is missing (call [`require_tool`] first).
pub fn run_venv_python<P: AsRef<OsStr>>(script: &str, args: &[P]) -> (i32, String) {
    let python = venv_python().expect("the test venv has no python (require_tool first)");
    let mut cmd = Command::new(python);
    cmd.arg(tests_file(script)).args(args);
    let out = run(&mut cmd);
    (out.status.code().unwrap_or(-1), output_text(&out))
}

fn run(cmd: &mut Command) -> Output {
    // Keep the tools quiet and deterministic.
    cmd.env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8");
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn output_text(out: &Output) -> String {
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.trim().is_empty() {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&err);
    }
    s
}

/// A fresh, uniquely named directory under `std::env::temp_dir()`, removed (with its
/// contents) when the returned value is dropped. Derefs to [`Path`].
pub fn temp_dir(label: &str) -> TempDir {
    TempDir::new(label)
}

/// A directory made by [`temp_dir`]; removed on drop; derefs to [`Path`].
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Create `<tmp>/ferroform-<label>-<pid>-<nanos>-<n>`.
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!(
            "ferroform-{label}-{}-{nanos}-{n}",
            std::process::id()
        ));
        fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Write `contents` to `name` inside the directory and return its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path.join(name);
        fs::write(&p, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", p.display()));
        p
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Every file under `dir` (recursively) with its contents, sorted by path: a snapshot to
/// check that a directory did not change.
pub fn dir_snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.push((p.clone(), Vec::new()));
                walk(&p, out);
            } else {
                let bytes = fs::read(&p).unwrap_or_default();
                out.push((p, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

/// The names of the entries directly inside `dir`, sorted.
pub fn dir_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
