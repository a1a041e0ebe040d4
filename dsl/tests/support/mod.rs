//! Support for this package's deploy tests: the repository's shared helpers
//! (`tests/support/mod.rs`) plus a moto server harness.
#![allow(dead_code, unused_imports)]

#[path = "../../../tests/support/mod.rs"]
mod shared;

pub use shared::{in_ci, temp_dir};

pub mod moto;
pub mod registry;

use std::path::Path;
use std::process::Output;

/// A command's stdout and stderr, for assertion messages.
pub fn text(o: &Output) -> String {
    format!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Assert that the command exited with `code`, showing its output otherwise.
#[track_caller]
pub fn exits(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

/// A path as a command-line argument (the tests' temporary paths are UTF-8).
pub fn path_arg(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}
