//! What a stack holds as a resource: the [`Resource`] trait of the generated types, the
//! [`RawResource`] escape hatch, and the entry the stack keeps for each (type-erased).

use std::any::Any;
use std::fmt;

use super::options::ResourceOptions;
use crate::model::render::{Json, Render, RenderCx};

/// A CloudFormation resource type: implemented by every generated resource struct.
pub trait Resource: Render + fmt::Debug + 'static {
    /// The CloudFormation type name, e.g. `AWS::ECS::Service`.
    const TYPE_NAME: &'static str;
}

/// A resource whose type ferroform has no generated struct for: the type name and its
/// properties as JSON. Prefer the generated types; this is the escape hatch.
///
/// ```
/// use ferroform::{Stack, RawResource};
/// let mut stack = Stack::new("Files");
/// let fs = stack.add_raw("Fs", RawResource::new("AWS::EFS::FileSystem", serde_json::json!({"Encrypted": true})));
/// let id: ferroform::Value<String> = fs.get_att("FileSystemId");
/// # let _ = id;
/// ```
#[derive(Clone, Debug)]
pub struct RawResource {
    /// The CloudFormation type name.
    pub type_name: String,
    /// The `Properties` object.
    pub properties: Json,
}

impl RawResource {
    /// A resource of `type_name` with the given properties.
    pub fn new(type_name: impl Into<String>, properties: Json) -> Self {
        RawResource {
            type_name: type_name.into(),
            properties,
        }
    }
}

pub(super) trait AnyResource: fmt::Debug {
    fn type_name(&self) -> &str;
    fn render_props(&self, cx: &mut RenderCx) -> Json;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Resource> AnyResource for T {
    fn type_name(&self) -> &str {
        T::TYPE_NAME
    }
    fn render_props(&self, cx: &mut RenderCx) -> Json {
        self.render(cx)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl AnyResource for RawResource {
    fn type_name(&self) -> &str {
        &self.type_name
    }
    fn render_props(&self, cx: &mut RenderCx) -> Json {
        cx.plain(&self.properties);
        self.properties.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A resource as the stack keeps it: its properties (type-erased) and its options.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) props: Box<dyn AnyResource>,
    pub(super) options: ResourceOptions,
}
