//! The expression tree under every non-literal [`super::value::Value`]: references,
//! intrinsic function calls and conditions ([`Expr`], [`Cond`]), untyped, and how they render
//! (with the cross-stack checks and imports). The typed functions that build them are
//! [`super::expr::fns`] and [`super::expr::pseudo`].

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use super::export::{ExportRef, Shape};
use super::id::{CondRef, MappingRef, StackId};
use super::render::{Json, JsonMap, Render, RenderCx};
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
    /// An argument from anything that renders (the typed functions give a `Value`).
    pub(super) fn new<T: Render + fmt::Debug + 'static>(v: T) -> Self {
        Arg(Rc::new(v))
    }
}

impl fmt::Debug for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An intrinsic function call or reference. Users meet it inside [`Value`](crate::Value) only.
#[derive(Clone)]
pub struct Expr(Rc<Kind>);

/// The kinds of expression; built by [`super::expr::fns`] and [`super::expr::pseudo`].
#[derive(Debug)]
pub(super) enum Kind {
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
    pub(super) fn new(kind: Kind) -> Self {
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
            exported: true,
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
    // Another account or region: an output read with Fn::GetStackOutput, no export.
    let far = cx.reach(*stack);
    let export = ExportRef {
        stack: *stack,
        id: id.clone(),
        attr: attr.cloned(),
        shape,
        exported: far.is_none(),
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
    match far {
        None => Some(export.import(&producer)),
        Some(Ok(reach)) => Some(export.read_from(&producer, &reach)),
        Some(Err(why)) => {
            cx.error(
                rules::CROSS_STACK_REFERENCE,
                format!("`{id}` of stack `{producer}` cannot be read from this stack: {why}"),
                Some("bind both stacks with Stack::env; across accounts give the producing stack's Env a lookup_role".into()),
            );
            Some(export.import(&producer))
        }
    }
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
pub struct Cond(pub(super) Expr);

impl Render for Cond {
    fn render(&self, cx: &mut RenderCx) -> Json {
        self.0.render(cx)
    }
}
