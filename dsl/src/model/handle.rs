//! Typed handles to what a stack holds: resources, parameters, conditions, mappings.

use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::export::{Shape, shape_of};
use super::expr::{Expr, Target};
use super::value::Value;

/// Identity of a [`crate::Stack`] within the process; handles carry it so that a handle
/// used in the wrong stack is caught at synth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(u64);

impl StackId {
    pub(crate) fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        StackId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

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

/// A named condition of a stack: guard resources and outputs with it, or branch with
/// [`crate::fns::if_`].
#[derive(Clone, Debug)]
pub struct CondRef {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
}

impl CondRef {
    /// The condition's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }
}

/// A mapping of a stack, read with [`crate::fns::find_in_map`].
#[derive(Clone, Debug)]
pub struct MappingRef {
    pub(crate) stack: StackId,
    pub(crate) id: Rc<str>,
}

impl MappingRef {
    /// The mapping's logical ID.
    pub fn logical_id(&self) -> &str {
        &self.id
    }
}
