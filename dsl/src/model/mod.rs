//! The template model: values and intrinsics, handles, template sections, JSON/YAML writing.
//!
//! Knows nothing of constructs, validation rules or the AWS SDK.

pub mod diag;
pub mod document;
pub(crate) mod export;
pub mod expr;
pub(crate) mod fasthash;
pub mod handle;
pub(crate) mod id;
pub(crate) mod intrinsic;
pub(crate) mod json;
pub mod parse;
pub(crate) mod refcheck;
pub mod render;
pub mod stack;
pub mod tag;
pub mod template;
pub mod value;
pub mod yaml;
pub mod yaml_read;
