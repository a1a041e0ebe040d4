//! `ferroform validate FILE...` as its own small program, for `tests/hostile_input.rs` to run
//! as a child process with its time and memory measured. It is the validate command line of
//! the `ferroform` binary (`ferroform::cli::main_with`), built without the `deploy` feature,
//! under its own name so that it never replaces the `target/<profile>/ferroform` that the
//! deploy tests run.

use std::ffi::OsString;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::iter::once(OsString::from("ferroform"))
        .chain(std::iter::once(OsString::from("validate")))
        .chain(std::env::args_os().skip(1))
        .collect();
    let code = ferroform::cli::main_with(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    // The test measures peak memory by polling; a run that ends before the first poll is
    // measured here instead: this process's own high-water mark, just before it exits.
    if let Some(path) = std::env::var_os("VALIDATE_CHILD_PEAK_FILE")
        && let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
    {
        let _ = std::fs::write(path, line);
    }
    ExitCode::from(code)
}
