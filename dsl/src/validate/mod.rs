//! Validation of templates: what CloudFormation (and ECS) would reject, found at synth.
//!
//! This module also computes the capabilities a template needs to deploy.

mod capabilities;

pub use capabilities::{Capability, capabilities};
