//! The template model: values and intrinsics, handles, template sections, JSON/YAML writing.
//!
//! Knows nothing of constructs, validation rules or the AWS SDK.
//!
//! # Layers
//!
//! Lowest first. A module uses only modules of the layers below its own, so the imports form
//! no cycle (the tests in `layering.rs` check both):
//!
//! 1. `json`, `diag`, `fasthash`, `id`, `env` — the JSON tree, diagnostics, hashing, the
//!    identities handles carry (`StackId`, `CondRef`, `MappingRef`), where a stack is deployed
//! 2. `asset`, `export`, `refcheck`, `stackset`, `yaml`, `yaml_read` — what synth records of
//!    the images built from source, cross-stack export names, reference checks in plain
//!    JSON, the accounts and regions of a stack set, YAML writing and reading
//! 3. `render`, `template` — `Render` and `RenderCx`; the rendered `Template`
//! 4. `intrinsic`, `parse`, `generated` — the expression tree (`Expr`, `Cond`) and its
//!    rendering; reading templates; the names a transform or module may add to a template
//! 5. `value` — `Value<T>`, a literal or an expression
//! 6. `document`, `tag` — JSON-typed values, resource tags
//! 7. `handle` — typed handles to resources and parameters
//! 8. `expr` — the typed intrinsic functions (`fns`) and pseudo parameters (`pseudo`)
//! 9. `stack` — the `Stack`, its sections and its rendering

pub mod asset;
pub mod diag;
pub mod document;
pub mod env;
pub(crate) mod export;
pub mod expr;
pub(crate) mod fasthash;
pub(crate) mod generated;
pub mod handle;
pub(crate) mod id;
pub(crate) mod intrinsic;
pub(crate) mod json;
pub mod parse;
pub(crate) mod refcheck;
pub mod render;
pub mod stack;
pub mod stackset;
pub mod tag;
pub mod template;
pub mod value;
pub mod yaml;
pub mod yaml_read;

/// The layering above, checked on the source.
#[cfg(test)]
mod layering;
