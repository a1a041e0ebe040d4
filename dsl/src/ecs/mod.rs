//! High-level constructs for the ECS container journey: each builds ordinary generated
//! resources with the defaults an experienced AWS engineer would choose, documented on the
//! field that sets them.
//!
//! Conventions shared by every construct:
//! - `Xxx::new(&mut stack, id, XxxProps { .. })` adds the construct's resources to `stack`.
//!   `id` is the construct's logical-ID prefix: its main resource takes `id` itself, and its
//!   other parts `id` + part name (`WebExecutionRole`). IDs come from what you pass, never
//!   from variable names, so renaming a variable replaces nothing.
//! - Props structs implement `Default` where every field has a sensible default; each field
//!   documents its default.
//! - The escape hatch: every construct exposes the handles of the resources it made
//!   (`repo.resource()`), so you can change any property with [`crate::Stack::get_mut`] or
//!   [`crate::ResourceOptions::override_property`].
//! - Stateful resources (repositories, log groups) are retained when the stack is deleted or
//!   the resource replaced, unless you choose otherwise.

mod repository;

pub use repository::{LifecycleRule, Removal, Repository, RepositoryEncryption, RepositoryProps};

/// The logical ID of a construct part: `prefix` + `part`, keeping only ASCII letters and digits.
pub(crate) fn part_id(prefix: &str, part: &str) -> String {
    prefix
        .chars()
        .chain(part.chars())
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::stack::valid_logical_id;

    #[test]
    fn part_ids_are_alphanumeric_concatenations() {
        assert_eq!(part_id("Web", "ExecutionRole"), "WebExecutionRole");
        assert_eq!(part_id("web-api", "Logs"), "webapiLogs");
        assert!(valid_logical_id(&part_id("a_b", "C")));
    }
}
