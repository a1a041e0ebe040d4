//! `Document`: a JSON-typed property (IAM policy documents, lifecycle and other JSON blobs)
//! that may hold typed expressions.

use std::fmt;
use std::rc::Rc;

use super::render::{Json, Render, RenderCx};
use super::value::{PropertyType, Value};

trait DocT: Render + fmt::Debug {
    #[cfg(feature = "ecs-stack")]
    fn as_any(&self) -> &dyn std::any::Any;
}
impl<T: Render + fmt::Debug + 'static> DocT for T {
    #[cfg(feature = "ecs-stack")]
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The value of a JSON-typed property: plain JSON (`serde_json::json!`), or anything that
/// renders, such as an [`crate::iam::PolicyDocument`] whose resources are typed references
/// (those are checked at synth like any other reference).
///
/// ```
/// use ferroform::{Document, Value};
/// let doc: Value<Document> = serde_json::json!({"Version": "2012-10-17", "Statement": []}).into();
/// # let _ = doc;
/// ```
#[derive(Clone)]
pub struct Document(Rc<dyn DocT>);

impl Document {
    /// A document from anything that renders.
    pub fn new<T: Render + fmt::Debug + 'static>(value: T) -> Self {
        Document(Rc::new(value))
    }
}

#[cfg(feature = "ecs-stack")]
impl Document {
    /// The value the document was made from, when it is a `T` (constructs use this to merge
    /// statements into a [`crate::iam::PolicyDocument`] they made earlier).
    pub(crate) fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Render for Document {
    fn render(&self, cx: &mut RenderCx) -> Json {
        self.0.render(cx)
    }
}

impl PropertyType for Document {}

impl From<Json> for Document {
    fn from(v: Json) -> Self {
        Document::new(v)
    }
}

impl From<Json> for Value<Document> {
    fn from(v: Json) -> Self {
        Value::lit(Document::new(v))
    }
}
