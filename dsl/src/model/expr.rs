//! Intrinsic functions and pseudo parameters as typed expressions.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use super::export::{ExportRef, Shape};
use super::handle::{CondRef, MappingRef, StackId};
use super::render::{Json, JsonMap, Render, RenderCx};
use super::value::{List, Value};
use crate::rules;

/// What a `Ref` or `Fn::GetAtt` points at.
#[derive(Clone, Debug)]
pub(crate) enum Target {
    Resource { stack: StackId, id: Rc<str> },
    Parameter { stack: StackId, id: Rc<str> },
    Pseudo(&'static str),
}

/// A type-erased argument of an intrinsic function.
trait ArgT: Render + fmt::Debug {}
impl<T: Render + fmt::Debug> ArgT for T {}

#[derive(Clone)]
pub(crate) struct Arg(Rc<dyn ArgT>);

impl Arg {
    fn new<T: Render + fmt::Debug + 'static>(v: Value<T>) -> Self {
        Arg(Rc::new(v))
    }
}

impl fmt::Debug for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An intrinsic function call or reference. Users meet it inside [`Value`] only.
#[derive(Clone)]
pub struct Expr(Rc<Kind>);

#[derive(Debug)]
enum Kind {
    Ref(Target, Shape),
    GetAtt(Target, Cow<'static, str>, Shape),
    Sub(String, Vec<(String, Arg)>),
    Join(String, Arg),
    Select(Arg, Arg),
    Split(String, Arg),
    GetAzs(Arg),
    ImportValue(Arg),
    FindInMap(MappingRef, Arg, Arg, Option<Arg>),
    Base64(Arg),
    Cidr(Arg, Arg, Arg),
    If(CondRef, Arg, Arg),
    Equals(Arg, Arg),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Cond),
    Condition(CondRef),
    Length(Arg),
    ToJsonString(Arg),
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Expr {
    fn new(kind: Kind) -> Self {
        Expr(Rc::new(kind))
    }

    /// `Ref`; `shape` says how its value crosses stacks (a list parameter is a list).
    pub(crate) fn reference(target: Target, shape: Shape) -> Self {
        Expr::new(Kind::Ref(target, shape))
    }

    pub(crate) fn get_att(target: Target, attribute: Cow<'static, str>, shape: Shape) -> Self {
        Expr::new(Kind::GetAtt(target, attribute, shape))
    }

    /// The export a plain `Ref` / `Fn::GetAtt` of a resource or parameter would need: what
    /// [`crate::Stack::export_value`] keeps.
    pub(crate) fn as_export(&self) -> Option<ExportRef> {
        let (target, attr, shape) = match &*self.0 {
            Kind::Ref(t, shape) => (t, None, *shape),
            Kind::GetAtt(t, attr, shape) => (t, Some(attr.clone()), *shape),
            _ => return None,
        };
        let (Target::Resource { stack, id } | Target::Parameter { stack, id }) = target else {
            return None;
        };
        Some(ExportRef {
            stack: *stack,
            id: id.clone(),
            attr,
            shape,
        })
    }
}

fn obj(key: &str, value: Json) -> Json {
    let mut m = JsonMap::with_capacity(1);
    m.insert(key.to_owned(), value);
    Json::Object(m)
}

fn check_stack(cx: &mut RenderCx, stack: StackId, what: &str, id: &str) {
    if let Some(current) = cx.stack()
        && current != stack
    {
        cx.error(
            rules::CROSS_STACK_REFERENCE,
            format!("{what} `{id}` belongs to another stack"),
            Some(
                "add both stacks to one App and synthesize the app (App::synth): it exports \
                 the value from its stack and imports it here. A stack synthesized on its \
                 own cannot refer to another one"
                    .to_owned(),
            ),
        );
    }
}

/// A `Ref` / `Fn::GetAtt` of a resource or parameter of another stack of the app being
/// synthesized: recorded as an import, rendered as `Fn::ImportValue` of its export. `None`
/// when the target is in this stack, or in no stack of the app (then `check_stack` reports it).
fn cross_stack(
    cx: &mut RenderCx,
    target: &Target,
    attr: Option<&Cow<'static, str>>,
    shape: Shape,
) -> Option<Json> {
    let (Target::Resource { stack, id } | Target::Parameter { stack, id }) = target else {
        return None;
    };
    if cx.stack()? == *stack {
        return None;
    }
    let producer = cx.app_stack_name(*stack)?;
    let export = ExportRef {
        stack: *stack,
        id: id.clone(),
        attr: attr.cloned(),
        shape,
    };
    if shape == Shape::Object {
        cx.error(
            rules::CROSS_STACK_REFERENCE,
            format!(
                "`{id}.{}` of stack `{producer}` is a JSON object, and CloudFormation exports \
                 only strings",
                attr.map_or("Ref", |a| a)
            ),
            Some("export a string attribute instead, or build the value in this stack".into()),
        );
    } else {
        cx.record_import(export.clone());
    }
    Some(export.import(&producer))
}

impl Render for Target {
    fn render(&self, cx: &mut RenderCx) -> Json {
        match self {
            Target::Resource { stack, id } => {
                check_stack(cx, *stack, "resource", id);
                Json::String(id.to_string())
            }
            Target::Parameter { stack, id } => {
                check_stack(cx, *stack, "parameter", id);
                Json::String(id.to_string())
            }
            Target::Pseudo(name) => Json::String((*name).to_owned()),
        }
    }
}

impl Render for Expr {
    fn render(&self, cx: &mut RenderCx) -> Json {
        match &*self.0 {
            Kind::Ref(t, shape) => match cross_stack(cx, t, None, *shape) {
                Some(import) => import,
                None => obj("Ref", t.render(cx)),
            },
            Kind::GetAtt(t, attr, shape) => {
                if let Some(import) = cross_stack(cx, t, Some(attr), *shape) {
                    return import;
                }
                let id = t.render(cx);
                obj(
                    "Fn::GetAtt",
                    Json::Array(vec![id, Json::String(attr.to_string())]),
                )
            }
            Kind::Sub(s, vars) => {
                if vars.is_empty() {
                    obj("Fn::Sub", Json::String(s.clone()))
                } else {
                    let mut m = JsonMap::with_capacity(vars.len());
                    for (k, v) in vars {
                        m.insert(k.clone(), v.0.render(cx));
                    }
                    obj(
                        "Fn::Sub",
                        Json::Array(vec![Json::String(s.clone()), Json::Object(m)]),
                    )
                }
            }
            Kind::Join(d, list) => obj(
                "Fn::Join",
                Json::Array(vec![Json::String(d.clone()), list.0.render(cx)]),
            ),
            Kind::Select(i, list) => obj(
                "Fn::Select",
                Json::Array(vec![i.0.render(cx), list.0.render(cx)]),
            ),
            Kind::Split(d, s) => obj(
                "Fn::Split",
                Json::Array(vec![Json::String(d.clone()), s.0.render(cx)]),
            ),
            Kind::GetAzs(r) => obj("Fn::GetAZs", r.0.render(cx)),
            Kind::ImportValue(n) => obj("Fn::ImportValue", n.0.render(cx)),
            Kind::FindInMap(m, a, b, default) => {
                if let Some(current) = cx.stack()
                    && current != m.stack
                {
                    cx.error(
                        rules::CROSS_STACK_REFERENCE,
                        format!("mapping `{}` belongs to another stack", m.id),
                        Some("add the mapping to this stack".to_owned()),
                    );
                }
                let mut args = vec![
                    Json::String(m.id.to_string()),
                    a.0.render(cx),
                    b.0.render(cx),
                ];
                if let Some(d) = default {
                    cx.needs_language_extensions();
                    args.push(obj("DefaultValue", d.0.render(cx)));
                }
                obj("Fn::FindInMap", Json::Array(args))
            }
            Kind::Base64(v) => obj("Fn::Base64", v.0.render(cx)),
            Kind::Cidr(a, b, c) => obj(
                "Fn::Cidr",
                Json::Array(vec![a.0.render(cx), b.0.render(cx), c.0.render(cx)]),
            ),
            Kind::If(c, a, b) => {
                check_condition(cx, c);
                obj(
                    "Fn::If",
                    Json::Array(vec![
                        Json::String(c.id.to_string()),
                        a.0.render(cx),
                        b.0.render(cx),
                    ]),
                )
            }
            Kind::Equals(a, b) => obj(
                "Fn::Equals",
                Json::Array(vec![a.0.render(cx), b.0.render(cx)]),
            ),
            Kind::And(cs) => obj(
                "Fn::And",
                Json::Array(cs.iter().map(|c| c.render(cx)).collect()),
            ),
            Kind::Or(cs) => obj(
                "Fn::Or",
                Json::Array(cs.iter().map(|c| c.render(cx)).collect()),
            ),
            Kind::Not(c) => obj("Fn::Not", Json::Array(vec![c.render(cx)])),
            Kind::Condition(c) => {
                check_condition(cx, c);
                obj("Condition", Json::String(c.id.to_string()))
            }
            Kind::Length(l) => {
                cx.needs_language_extensions();
                obj("Fn::Length", l.0.render(cx))
            }
            Kind::ToJsonString(v) => {
                cx.needs_language_extensions();
                obj("Fn::ToJsonString", v.0.render(cx))
            }
        }
    }
}

pub(crate) fn check_condition(cx: &mut RenderCx, c: &CondRef) {
    if let Some(current) = cx.stack()
        && current != c.stack
    {
        cx.error(
            rules::CROSS_STACK_REFERENCE,
            format!("condition `{}` belongs to another stack", c.id),
            Some("define the condition in this stack".to_owned()),
        );
    }
}

/// A condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`),
/// used to define a stack condition with [`crate::Stack::condition`].
#[derive(Clone, Debug)]
pub struct Cond(Expr);

impl Render for Cond {
    fn render(&self, cx: &mut RenderCx) -> Json {
        self.0.render(cx)
    }
}

/// The intrinsic functions, typed: each takes and returns [`Value`]s of the types
/// CloudFormation gives them.
///
/// ```
/// use ferroform::{fns, pseudo, Value, List};
/// let azs: Value<List<String>> = fns::get_azs("");
/// let first_az: Value<String> = fns::select(0, azs);
/// let bucket_arn = fns::sub("arn:${AWS::Partition}:s3:::my-bucket");
/// # let _ = (first_az, bucket_arn);
/// ```
pub mod fns {
    use super::*;

    fn ex<T>(kind: Kind) -> Value<T> {
        Value::from_expr(Expr::new(kind))
    }

    /// `Fn::Sub` with a single string: `${Name}` refers to parameters, resources
    /// (`${Res.Attr}` for attributes) and pseudo parameters; `${!Literal}` escapes.
    pub fn sub(template: impl Into<String>) -> Value<String> {
        ex(Kind::Sub(template.into(), Vec::new()))
    }

    /// `Fn::Sub` with a variable map: `${Var}` is replaced by the value given for `Var`.
    pub fn sub_with<K, V, I>(template: impl Into<String>, vars: I) -> Value<String>
    where
        K: Into<String>,
        V: Into<Value<String>>,
        I: IntoIterator<Item = (K, V)>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), Arg::new(v.into())))
            .collect();
        ex(Kind::Sub(template.into(), vars))
    }

    /// `Fn::Join`: the items joined with `delimiter`.
    pub fn join(
        delimiter: impl Into<String>,
        items: impl Into<Value<List<String>>>,
    ) -> Value<String> {
        ex(Kind::Join(delimiter.into(), Arg::new(items.into())))
    }

    /// `Fn::Select`: item `index` (from 0) of a list.
    pub fn select<T: Render + fmt::Debug + 'static>(
        index: impl Into<Value<i64>>,
        list: impl Into<Value<List<T>>>,
    ) -> Value<T> {
        ex(Kind::Select(Arg::new(index.into()), Arg::new(list.into())))
    }

    /// `Fn::Split`: a string split at every `delimiter`.
    pub fn split(
        delimiter: impl Into<String>,
        source: impl Into<Value<String>>,
    ) -> Value<List<String>> {
        ex(Kind::Split(delimiter.into(), Arg::new(source.into())))
    }

    /// `Fn::GetAZs`: the availability zones of a region (`""` is the stack's region).
    pub fn get_azs(region: impl Into<Value<String>>) -> Value<List<String>> {
        ex(Kind::GetAzs(Arg::new(region.into())))
    }

    /// `Fn::ImportValue`: a value exported by another stack.
    pub fn import_value<T>(export_name: impl Into<Value<String>>) -> Value<T> {
        ex(Kind::ImportValue(Arg::new(export_name.into())))
    }

    /// `Fn::FindInMap`: `mapping[top][second]`.
    pub fn find_in_map<T>(
        mapping: &MappingRef,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
    ) -> Value<T> {
        ex(Kind::FindInMap(
            mapping.clone(),
            Arg::new(top_level_key.into()),
            Arg::new(second_level_key.into()),
            None,
        ))
    }

    /// `Fn::FindInMap` with a `DefaultValue` (adds the `AWS::LanguageExtensions` transform).
    pub fn find_in_map_or<T: Render + fmt::Debug + 'static>(
        mapping: &MappingRef,
        top_level_key: impl Into<Value<String>>,
        second_level_key: impl Into<Value<String>>,
        default: impl Into<Value<T>>,
    ) -> Value<T> {
        ex(Kind::FindInMap(
            mapping.clone(),
            Arg::new(top_level_key.into()),
            Arg::new(second_level_key.into()),
            Some(Arg::new(default.into())),
        ))
    }

    /// `Fn::Base64`: the string encoded in base64 (EC2 user data).
    pub fn base64(value: impl Into<Value<String>>) -> Value<String> {
        ex(Kind::Base64(Arg::new(value.into())))
    }

    /// `Fn::Cidr`: `count` CIDR blocks of `cidr_bits` host bits carved from `ip_block`.
    pub fn cidr(
        ip_block: impl Into<Value<String>>,
        count: impl Into<Value<i64>>,
        cidr_bits: impl Into<Value<i64>>,
    ) -> Value<List<String>> {
        ex(Kind::Cidr(
            Arg::new(ip_block.into()),
            Arg::new(count.into()),
            Arg::new(cidr_bits.into()),
        ))
    }

    /// `Fn::If`: `if_true` when the condition holds, `if_false` otherwise
    /// (use [`crate::pseudo::no_value`] to leave a property out).
    pub fn if_<T: Render + fmt::Debug + 'static>(
        condition: &CondRef,
        if_true: impl Into<Value<T>>,
        if_false: impl Into<Value<T>>,
    ) -> Value<T> {
        ex(Kind::If(
            condition.clone(),
            Arg::new(if_true.into()),
            Arg::new(if_false.into()),
        ))
    }

    /// `Fn::Equals`.
    pub fn equals<T: Render + fmt::Debug + 'static>(
        a: impl Into<Value<T>>,
        b: impl Into<Value<T>>,
    ) -> Cond {
        Cond(Expr::new(Kind::Equals(
            Arg::new(a.into()),
            Arg::new(b.into()),
        )))
    }

    /// `Fn::And` (2 to 10 conditions).
    pub fn and(conditions: impl IntoIterator<Item = Cond>) -> Cond {
        Cond(Expr::new(Kind::And(conditions.into_iter().collect())))
    }

    /// `Fn::Or` (2 to 10 conditions).
    pub fn or(conditions: impl IntoIterator<Item = Cond>) -> Cond {
        Cond(Expr::new(Kind::Or(conditions.into_iter().collect())))
    }

    /// `Fn::Not`.
    pub fn not(condition: Cond) -> Cond {
        Cond(Expr::new(Kind::Not(condition)))
    }

    /// `{"Condition": name}`: a named condition inside another condition.
    pub fn condition(condition: &CondRef) -> Cond {
        Cond(Expr::new(Kind::Condition(condition.clone())))
    }

    /// `Fn::Length`: the number of items of a list (adds the `AWS::LanguageExtensions` transform).
    pub fn length<T: Render + fmt::Debug + 'static>(list: impl Into<Value<List<T>>>) -> Value<i64> {
        ex(Kind::Length(Arg::new(list.into())))
    }

    /// `Fn::ToJsonString`: an object or list as a JSON string (adds the
    /// `AWS::LanguageExtensions` transform).
    pub fn to_json_string<T: Render + fmt::Debug + 'static>(
        value: impl Into<Value<T>>,
    ) -> Value<String> {
        ex(Kind::ToJsonString(Arg::new(value.into())))
    }
}

/// The pseudo parameters CloudFormation defines in every stack.
///
/// ```
/// use ferroform::{pseudo, fns, Value};
/// let name: Value<String> = fns::join("-", vec![pseudo::stack_name(), "web".into()]);
/// # let _ = name;
/// ```
pub mod pseudo {
    use super::*;

    fn p<T>(name: &'static str) -> Value<T> {
        Value::from_expr(Expr::reference(Target::Pseudo(name), Shape::Scalar))
    }

    /// `AWS::AccountId`.
    pub fn account_id() -> Value<String> {
        p("AWS::AccountId")
    }
    /// `AWS::NotificationARNs`.
    pub fn notification_arns() -> Value<List<String>> {
        p("AWS::NotificationARNs")
    }
    /// `AWS::NoValue`: removes the property it is given to (use inside [`fns::if_`]).
    pub fn no_value<T>() -> Value<T> {
        p("AWS::NoValue")
    }
    /// `AWS::Partition` (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition() -> Value<String> {
        p("AWS::Partition")
    }
    /// `AWS::Region`.
    pub fn region() -> Value<String> {
        p("AWS::Region")
    }
    /// `AWS::StackId`.
    pub fn stack_id() -> Value<String> {
        p("AWS::StackId")
    }
    /// `AWS::StackName`.
    pub fn stack_name() -> Value<String> {
        p("AWS::StackName")
    }
    /// `AWS::URLSuffix` (`amazonaws.com`, or `amazonaws.com.cn` in China).
    pub fn url_suffix() -> Value<String> {
        p("AWS::URLSuffix")
    }
}
