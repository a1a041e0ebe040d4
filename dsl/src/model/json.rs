//! The JSON tree of a template: what rendering writes, what the readers return, what the
//! validator walks.

/// The JSON tree of a rendered template (objects keep insertion order).
pub type Json = serde_json::Value;
/// A JSON object of a rendered template.
pub type JsonMap = serde_json::Map<String, Json>;
