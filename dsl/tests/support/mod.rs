//! Support for this package's deploy tests: the repository's shared helpers
//! (`tests/support/mod.rs`) plus a moto server harness.
#![allow(dead_code, unused_imports)]

#[path = "../../../tests/support/mod.rs"]
mod shared;

pub use shared::{in_ci, temp_dir};

pub mod moto;
pub mod registry;
