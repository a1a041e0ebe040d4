//! Typed handles to what a stack holds: resources ([`Handle`]) and parameters ([`Param`]),
//! whose references are typed [`Value`]s. The handles of conditions and mappings
//! ([`CondRef`], [`MappingRef`]) and the stack identity ([`StackId`]) are plain data, defined
//! below the expressions that carry them (the crate-private `model::id`) and re-exported here.

use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use super::document::Document;
use super::export::Shape;
pub use super::id::{CondRef, MappingRef, StackId};
use super::intrinsic::{Expr, Target};
use super::json::Json;
use super::value::{List, Value};

/// A resource of type `T` that was added to a stack: the only way to `Ref` it or read its
/// attributes, so a reference to a resource that was never added cannot be written.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::resources::ecr;
/// let mut stack = Stack::new("Web");
/// let repo = stack.add("Repo", ecr::Repository::new());
/// let uri = repo.attr_repository_uri(); // Fn::GetAtt Repo.RepositoryUri
/// let name = repo.to_ref();              // Ref Repo
/// assert_eq!(repo.logical_id(), "Repo");
/// # let _ = (uri, name);
/// ```
pub struct Handle<T> {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    pub(crate) fn new(stack: StackId, id: Rc<str>) -> Self {
        Handle {
            stack,
            id,
            _type: PhantomData,
        }
    }

    /// The resource's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }

    /// The stack this resource belongs to.
    pub fn stack_id(&self) -> StackId {
        self.stack
    }

    /// `{"Ref": "<LogicalId>"}`: what `Ref` returns depends on the resource type (a name,
    /// an ID or an ARN); the CloudFormation documentation of each type says which.
    pub fn to_ref(&self) -> Value<String> {
        Value::from_expr(Expr::reference(self.target(), Shape::Scalar))
    }

    /// `Fn::GetAtt` of an attribute by name. Generated types offer one typed method per
    /// attribute (`attr_arn()`); this is for resources added with
    /// [`crate::Stack::add_raw`], whose attributes ferroform does not know.
    pub fn get_att<V: 'static>(&self, attribute: &str) -> Value<V> {
        Value::from_expr(Expr::get_att(
            self.target(),
            attribute.to_owned().into(),
            shape_of::<V>(),
        ))
    }

    /// Typed `Fn::GetAtt`, used by the generated attribute accessors.
    #[doc(hidden)]
    pub fn get_att_static<V: 'static>(&self, attribute: &'static str) -> Value<V> {
        Value::from_expr(Expr::get_att(
            self.target(),
            attribute.into(),
            shape_of::<V>(),
        ))
    }

    pub(crate) fn target(&self) -> Target {
        Target::Resource {
            stack: self.stack,
            id: self.id.clone(),
        }
    }

    /// Forget the resource type (for lists of dependencies of mixed types).
    pub fn erase(&self) -> Handle<()> {
        Handle::new(self.stack, self.id.clone())
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        Handle::new(self.stack, self.id.clone())
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Handle({})", self.id)
    }
}

impl<T> From<&Handle<T>> for Handle<()> {
    fn from(h: &Handle<T>) -> Self {
        h.erase()
    }
}

/// A template parameter whose `Ref` has type `T`.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// let mut stack = Stack::new("Web");
/// let env = stack.parameter("Env", Parameter::string().allowed_values(["dev", "prod"]));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// # let _ = (env.to_ref(), subnets.to_ref());
/// ```
pub struct Param<T> {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Param<T> {
    pub(crate) fn new(stack: StackId, id: Rc<str>) -> Self {
        Param {
            stack,
            id,
            _type: PhantomData,
        }
    }

    /// The parameter's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }

    /// `{"Ref": "<Parameter>"}`: the value given at deploy time.
    pub fn to_ref(&self) -> Value<T>
    where
        T: 'static,
    {
        Value::from_expr(Expr::reference(
            Target::Parameter {
                stack: self.stack,
                id: self.id.clone(),
            },
            shape_of::<T>(),
        ))
    }
}

impl<T> Param<T> {
    /// `{"Ref": "<Parameter>"}` read as another type, where CloudFormation converts: a
    /// `Number` parameter given to an integer property, a `String` parameter given to a
    /// number.
    ///
    /// ```
    /// use ferroform::{Stack, Parameter};
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// let days = stack.parameter("Days", Parameter::number());
    /// stack.add("Logs", logs::LogGroup::new().retention_in_days(days.to_ref_as::<i64>()));
    /// assert_eq!(stack.to_template().unwrap().body()["Resources"]["Logs"]["Properties"]["RetentionInDays"]["Ref"], "Days");
    /// ```
    pub fn to_ref_as<U: 'static>(&self) -> Value<U> {
        Value::from_expr(Expr::reference(
            Target::Parameter {
                stack: self.stack,
                id: self.id.clone(),
            },
            shape_of::<U>(),
        ))
    }
}

impl<T> Clone for Param<T> {
    fn clone(&self) -> Self {
        Param::new(self.stack, self.id.clone())
    }
}

impl<T> fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Param({})", self.id)
    }
}

/// How a value of type `V` travels through an export, from its type: lists of scalars are
/// joined, JSON objects cannot be exported, everything else is a scalar.
fn shape_of<V: 'static>() -> Shape {
    use std::any::TypeId;
    let t = TypeId::of::<V>();
    if t == TypeId::of::<List<String>>()
        || t == TypeId::of::<List<i64>>()
        || t == TypeId::of::<List<f64>>()
        || t == TypeId::of::<List<bool>>()
    {
        Shape::List
    } else if t == TypeId::of::<Json>() || t == TypeId::of::<Document>() {
        Shape::Object
    } else {
        Shape::Scalar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_come_from_types() {
        assert_eq!(shape_of::<String>(), Shape::Scalar);
        assert_eq!(shape_of::<i64>(), Shape::Scalar);
        assert_eq!(shape_of::<List<String>>(), Shape::List);
        assert_eq!(shape_of::<Json>(), Shape::Object);
    }
}
