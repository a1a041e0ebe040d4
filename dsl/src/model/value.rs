//! `Value<T>`: a property value that is either a literal `T` or a CloudFormation expression.

use std::fmt;

use indexmap::IndexMap;

use super::intrinsic::Expr;
use super::render::{Json, Render, RenderCx};

/// A property value of type `T`: a literal, or an intrinsic function / reference that
/// CloudFormation resolves at deploy time.
///
/// Literals come in through `From` (`"web".into()`, `512.into()`, `vec!["a", "b"].into()`),
/// expressions from handles (`repo.attr_arn()`), parameters (`param.to_ref()`), pseudo
/// parameters ([`crate::pseudo`]) and intrinsic functions ([`crate::fns`]). A literal string is
/// always written as a string, even when it looks like an intrinsic: a literal is never
/// confused with an expression.
///
/// ```
/// use ferroform::{Value, pseudo, fns};
/// let literal: Value<String> = "web".into();
/// let region: Value<String> = pseudo::region();
/// let joined: Value<String> = fns::join("-", vec![literal, region]);
/// assert!(joined.is_expr());
/// ```
pub struct Value<T> {
    pub(crate) inner: Inner<T>,
}

pub(crate) enum Inner<T> {
    Lit(T),
    Expr(Expr),
}

impl<T> Value<T> {
    /// A literal value.
    pub fn lit(value: T) -> Self {
        Value {
            inner: Inner::Lit(value),
        }
    }

    pub(crate) fn from_expr(expr: Expr) -> Self {
        Value {
            inner: Inner::Expr(expr),
        }
    }

    /// The literal, when this value is one.
    pub fn as_lit(&self) -> Option<&T> {
        match &self.inner {
            Inner::Lit(v) => Some(v),
            Inner::Expr(_) => None,
        }
    }

    /// A mutable reference to the literal, when this value is one.
    pub fn as_lit_mut(&mut self) -> Option<&mut T> {
        match &mut self.inner {
            Inner::Lit(v) => Some(v),
            Inner::Expr(_) => None,
        }
    }

    /// True when the value is an expression (resolved by CloudFormation), not a literal.
    pub fn is_expr(&self) -> bool {
        matches!(self.inner, Inner::Expr(_))
    }

    /// Reinterpret an expression as another type, for the rare cases where CloudFormation
    /// converts for you (a `Number` parameter used where an integer is expected, say).
    /// A literal is kept only when the types agree; otherwise use the expression form.
    pub fn cast_expr<U>(self) -> Option<Value<U>> {
        match self.inner {
            Inner::Expr(e) => Some(Value::from_expr(e)),
            Inner::Lit(_) => None,
        }
    }
}

impl<T: Clone> Clone for Value<T> {
    fn clone(&self) -> Self {
        match &self.inner {
            Inner::Lit(v) => Value::lit(v.clone()),
            Inner::Expr(e) => Value::from_expr(e.clone()),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Value<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Lit(v) => v.fmt(f),
            Inner::Expr(e) => e.fmt(f),
        }
    }
}

impl<T: PartialEq> PartialEq<T> for Value<T> {
    fn eq(&self, other: &T) -> bool {
        self.as_lit() == Some(other)
    }
}

impl<T: Render> Render for Value<T> {
    fn render(&self, cx: &mut RenderCx) -> Json {
        match &self.inner {
            Inner::Lit(v) => v.render(cx),
            Inner::Expr(e) => e.render(cx),
        }
    }
}

/// Marker for the generated property types and enums: lets a literal of the type convert
/// into a [`Value`] of it.
pub trait PropertyType: Render {}

impl<T: PropertyType> From<T> for Value<T> {
    fn from(v: T) -> Self {
        Value::lit(v)
    }
}

impl From<&str> for Value<String> {
    fn from(v: &str) -> Self {
        Value::lit(v.to_owned())
    }
}
impl From<String> for Value<String> {
    fn from(v: String) -> Self {
        Value::lit(v)
    }
}
impl From<&String> for Value<String> {
    fn from(v: &String) -> Self {
        Value::lit(v.clone())
    }
}
impl From<i64> for Value<i64> {
    fn from(v: i64) -> Self {
        Value::lit(v)
    }
}
impl From<i32> for Value<i64> {
    fn from(v: i32) -> Self {
        Value::lit(i64::from(v))
    }
}
impl From<u32> for Value<i64> {
    fn from(v: u32) -> Self {
        Value::lit(i64::from(v))
    }
}
impl From<u16> for Value<i64> {
    fn from(v: u16) -> Self {
        Value::lit(i64::from(v))
    }
}
impl From<f64> for Value<f64> {
    fn from(v: f64) -> Self {
        Value::lit(v)
    }
}
impl From<i32> for Value<f64> {
    fn from(v: i32) -> Self {
        Value::lit(f64::from(v))
    }
}
impl From<u32> for Value<f64> {
    fn from(v: u32) -> Self {
        Value::lit(f64::from(v))
    }
}
impl From<bool> for Value<bool> {
    fn from(v: bool) -> Self {
        Value::lit(v)
    }
}
impl From<serde_json::Value> for Value<serde_json::Value> {
    fn from(v: serde_json::Value) -> Self {
        Value::lit(v)
    }
}

/// A list property: each item may itself be an expression, and so may the whole list.
pub type List<T> = Vec<Value<T>>;
/// A map property with string keys (tags as a map, Docker labels, log driver options...).
pub type Map<T> = IndexMap<String, Value<T>>;

/// Editing an optional list property in place, after [`crate::Stack::get_mut`]: an unset
/// list is created, so an edit is never lost because the construct left the property out.
///
/// A list written as an expression (`Fn::If`, a parameter, `Fn::Split`...) cannot be
/// appended to: that is an error ([`ListIsExpression`]), not an edit silently skipped.
///
/// ```
/// use ferroform::{ListProperty, Stack};
/// use ferroform::resources::ecs;
/// let mut stack = Stack::new("Web");
/// let cluster = stack.add("Cluster", ecs::Cluster::new());
/// let c = stack.get_mut(&cluster).unwrap();
/// assert!(c.capacity_providers.is_none());
/// c.capacity_providers.push_item("FARGATE").unwrap();
/// c.capacity_providers.push_item("FARGATE_SPOT").unwrap();
/// let t = stack.to_template().unwrap();
/// assert_eq!(
///     t.body()["Resources"]["Cluster"]["Properties"]["CapacityProviders"],
///     serde_json::json!(["FARGATE", "FARGATE_SPOT"])
/// );
/// ```
pub trait ListProperty<T> {
    /// The list's items, to edit; an unset property becomes an empty list first.
    fn items_mut(&mut self) -> Result<&mut List<T>, ListIsExpression>;

    /// Append `item`; an unset property becomes a list of that one item.
    fn push_item(&mut self, item: impl Into<Value<T>>) -> Result<(), ListIsExpression> {
        self.items_mut()?.push(item.into());
        Ok(())
    }
}

impl<T> ListProperty<T> for Option<Value<List<T>>> {
    fn items_mut(&mut self) -> Result<&mut List<T>, ListIsExpression> {
        self.get_or_insert_with(|| Value::lit(Vec::new()))
            .as_lit_mut()
            .ok_or(ListIsExpression)
    }
}

impl<T> ListProperty<T> for Value<List<T>> {
    fn items_mut(&mut self) -> Result<&mut List<T>, ListIsExpression> {
        self.as_lit_mut().ok_or(ListIsExpression)
    }
}

/// A list property is an expression, resolved only at deploy time: items cannot be added to
/// it in the program. Replace the whole value instead (build the list, or an `Fn::If` of two
/// lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListIsExpression;

impl fmt::Display for ListIsExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the list is an expression resolved at deploy time (Fn::If, a parameter...); \
             items cannot be added to it: set the whole value instead",
        )
    }
}

impl std::error::Error for ListIsExpression {}

impl<T, U: Into<Value<T>>> From<Vec<U>> for Value<List<T>> {
    fn from(v: Vec<U>) -> Self {
        Value::lit(v.into_iter().map(Into::into).collect())
    }
}
impl<T, U: Into<Value<T>>, const N: usize> From<[U; N]> for Value<List<T>> {
    fn from(v: [U; N]) -> Self {
        Value::lit(v.into_iter().map(Into::into).collect())
    }
}
impl<T, K: Into<String>, U: Into<Value<T>>> From<Vec<(K, U)>> for Value<Map<T>> {
    fn from(v: Vec<(K, U)>) -> Self {
        Value::lit(v.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}
impl<T, K: Into<String>, U: Into<Value<T>>, const N: usize> From<[(K, U); N]> for Value<Map<T>> {
    fn from(v: [(K, U); N]) -> Self {
        Value::lit(v.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}
impl<T> From<IndexMap<String, Value<T>>> for Value<Map<T>> {
    fn from(v: IndexMap<String, Value<T>>) -> Self {
        Value::lit(v)
    }
}

/// Serializes the value the way CloudFormation reads it: a literal as itself, an expression
/// as its intrinsic-function object. This lets expressions sit inside `serde_json::json!`
/// documents. At synth, a `Ref` or `Fn::GetAtt` in such a document that names nothing in the
/// stack is an error (FF1005); but a plain JSON document cannot tell which stack a handle came
/// from, so prefer typed documents ([`crate::iam::PolicyDocument`], [`crate::Document`]),
/// whose references are checked exactly and can cross stacks.
impl<T: Render> serde::Serialize for Value<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut cx = RenderCx::detached();
        serde::Serialize::serialize(&self.render(&mut cx), serializer)
    }
}
