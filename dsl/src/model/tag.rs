//! The resource tag shared by every generated type whose schema `Tag` is a plain key and value.

use super::render::{Json, JsonMap, Render, RenderCx};
use super::value::{PropertyType, Value};

/// A resource tag: `{"Key": ..., "Value": ...}`.
///
/// ```
/// use ferroform::Tag;
/// let tags = vec![Tag::new("team", "payments"), Tag::new("env", "prod")];
/// # let _ = tags;
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Tag {
    /// `Key`: 1 to 128 characters; may not start with `aws:`.
    pub key: Value<String>,
    /// `Value`: 0 to 256 characters.
    pub value: Value<String>,
}

impl Tag {
    /// A tag with this key and value.
    pub fn new(key: impl Into<Value<String>>, value: impl Into<Value<String>>) -> Self {
        Tag {
            key: key.into(),
            value: value.into(),
        }
    }
}

impl Render for Tag {
    fn render(&self, cx: &mut RenderCx) -> Json {
        let mut m = JsonMap::with_capacity(2);
        cx.req(&mut m, "Key", &self.key);
        cx.req(&mut m, "Value", &self.value);
        Json::Object(m)
    }
}

impl PropertyType for Tag {}
