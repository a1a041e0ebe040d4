//! One template → the Rust function that builds its stack.
//!
//! Values are written typed where the generated API takes them exactly as the template has
//! them, and as plain JSON (an explicit escape hatch, with a comment saying why) where it
//! does not: a string where the schema says number, an intrinsic function ferroform does not
//! type, a property newer than the pinned schemas, a resource type outside the generated
//! set. Whatever is written renders back to the template's own values; the round-trip test
//! proves it.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value as Json};

use super::rust::{self, Names, json_macro};
use super::table::{self, Resource, Ty, Type};

mod statements;
mod values;

/// A piece of Rust code and whether it is already a `Value<T>` (an expression) or a plain
/// Rust value that converts into one (a literal, a struct).
struct Code {
    text: String,
    expr: bool,
}

impl Code {
    fn lit(text: String) -> Code {
        Code { text, expr: false }
    }
    fn expr(text: String) -> Code {
        Code { text, expr: true }
    }
}

/// What the program declares for a logical ID.
#[derive(Clone, Debug)]
pub(crate) enum Decl {
    /// A parameter, with the type its `Ref` has.
    Param(Ty),
    Condition,
    Mapping,
    /// A resource with its type's API (`None`: added raw).
    Resource(Option<&'static Resource>),
    /// An output exported under the template's own name (`Export<String>`).
    Export,
}

/// The namespaces of logical IDs: a parameter and a condition may share a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Space {
    Ref,
    Condition,
    Mapping,
}

/// One statement of the stack function, with the names it uses.
struct Statement {
    /// The logical ID it declares (`None`: outputs and stack settings).
    id: Option<String>,
    /// The variable the declaration binds.
    var: Option<String>,
    /// Code before the `let`: comments.
    comments: Vec<String>,
    /// The expression or statement.
    code: String,
    /// Statements on the declared thing after it (`stack.options(&x)...`).
    after: Vec<String>,
    /// Variables it reads.
    uses: BTreeSet<String>,
    /// Bind `var` even when no statement reads it (the stack function returns it).
    keep: bool,
}

/// A value another imported stack exports, read through the handle of that stack
/// (`platform.vpc`) instead of `Fn::ImportValue`: ferroform writes the same import.
#[derive(Clone, Debug)]
pub(crate) struct Imported {
    /// The parameter of the stack function that holds the producer's handles.
    pub producer: String,
    /// The field of the handle.
    pub field: String,
    /// What the handle is.
    pub decl: Decl,
    /// The attribute (`Fn::GetAtt`), or none (`Ref`).
    pub attr: Option<String>,
}

/// What `id` declares in a template: a parameter or a resource (`None`: neither).
pub(crate) fn decl_of(body: &Map<String, Json>, id: &str) -> Option<Decl> {
    let get = |s: &str| {
        body.get(s)
            .and_then(Json::as_object)
            .and_then(|m| m.get(id))
    };
    if let Some(p) = get("Parameters") {
        let ty = p.get("Type").and_then(Json::as_str).unwrap_or("String");
        return Some(Decl::Param(param_ty(ty).0));
    }
    let r = get("Resources")?;
    let api = r
        .get("Type")
        .and_then(Json::as_str)
        .and_then(|t| table::get().get(t));
    Some(Decl::Resource(api))
}

/// The Rust type of a handle.
pub(crate) fn handle_type(decl: &Decl) -> String {
    match decl {
        Decl::Param(ty) => format!("Param<{}>", ty_name(ty, None)),
        Decl::Resource(Some(api)) => format!("Handle<{}>", api.path(0)),
        Decl::Resource(None) => "Handle<RawResource>".to_owned(),
        Decl::Export => "Export<String>".to_owned(),
        Decl::Condition | Decl::Mapping => String::new(),
    }
}

/// The writer of one stack.
pub(crate) struct StackWriter<'t> {
    body: &'t Map<String, Json>,
    /// Declarations by namespace (`Ref` names parameters and resources; conditions and
    /// mappings have their own) and logical ID.
    decls: HashMap<(Space, String), (Decl, String)>,
    /// Variables read by the statement being written.
    uses: BTreeSet<String>,
    /// Why the value being written is not typed (the first reason found).
    why: Option<String>,
    /// The namespaces of the generated resources used.
    pub namespaces: BTreeSet<String>,
    /// Every place written as plain JSON, with why: `Resources.X.Properties.Y: why`.
    pub escapes: Vec<String>,
    /// The macro recursion the largest `json!` literal needs ([`rust::json_recursion`]).
    pub json_recursion: usize,
    /// Export names read through another stack's handles.
    pub imports: HashMap<String, Imported>,
    /// The `(producer, field)` handles read.
    pub used_imports: BTreeSet<(String, String)>,
    /// Outputs of this stack that other stacks read through handles: written as
    /// `export_value`, which gives the same output.
    pub handle_exports: BTreeSet<String>,
    /// The deployed stack's parameter values (`None`: NoEcho, never written).
    pub deployed_values: HashMap<String, Option<String>>,
    /// Outputs other stacks read under the template's export name, by output ID: written
    /// with `export_handle`, bound to the variable given here.
    pub named_exports: HashMap<String, String>,
}

/// The Rust type name of `ty` in `r`'s module.
fn ty_name(ty: &Ty, r: Option<&Resource>) -> String {
    match ty {
        Ty::Str => "String".into(),
        Ty::Int => "i64".into(),
        Ty::Num => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Json => "ferroform::Document".into(),
        Ty::Tag => "Tag".into(),
        Ty::List(i) => format!("List<{}>", ty_name(i, r)),
        Ty::Map(i) => format!("Map<{}>", ty_name(i, r)),
        Ty::Named(i) => r.map_or_else(|| "Json".into(), |r| r.path(*i)),
    }
}

/// The type a parameter's `Ref` has, from its `Type`.
fn param_ty(ty: &str) -> (Ty, String) {
    match ty {
        "String" => (Ty::Str, "Parameter::string()".into()),
        "Number" => (Ty::Num, "Parameter::number()".into()),
        "CommaDelimitedList" => (
            Ty::List(Box::new(Ty::Str)),
            "Parameter::comma_delimited_list()".into(),
        ),
        "List<Number>" => (
            Ty::List(Box::new(Ty::Str)),
            "Parameter::number_list()".into(),
        ),
        t => {
            if let Some(inner) = t
                .strip_prefix("AWS::SSM::Parameter::Value<")
                .and_then(|s| s.strip_suffix('>'))
            {
                if inner == "CommaDelimitedList" {
                    return (
                        Ty::List(Box::new(Ty::Str)),
                        "Parameter::ssm_value_list(\"CommaDelimitedList\")".into(),
                    );
                }
                if let Some(item) = inner
                    .strip_prefix("List<")
                    .and_then(|s| s.strip_suffix('>'))
                {
                    return (
                        Ty::List(Box::new(Ty::Str)),
                        format!("Parameter::ssm_value_list({})", rust::string(item)),
                    );
                }
                return (
                    Ty::Str,
                    format!("Parameter::ssm_value({})", rust::string(inner)),
                );
            }
            if let Some(item) = t.strip_prefix("List<").and_then(|s| s.strip_suffix('>')) {
                return (
                    Ty::List(Box::new(Ty::Str)),
                    format!("Parameter::aws_list({})", rust::string(item)),
                );
            }
            (Ty::Str, format!("Parameter::aws({})", rust::string(t)))
        }
    }
}

/// Whether an object is an intrinsic function call (one key, `Ref`, `Condition` or `Fn::*`).
fn intrinsic(v: &Json) -> Option<(&str, &Json)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, x) = m.iter().next()?;
    (k == "Ref" || k.starts_with("Fn::")).then_some((k.as_str(), x))
}

/// Join items of a list or map: literals convert with `.into()` when an expression is among
/// them, so the items have one type.
fn items(codes: Vec<Code>) -> (Vec<String>, bool) {
    let any_expr = codes.iter().any(|c| c.expr);
    let all_expr = codes.iter().all(|c| c.expr);
    let texts = codes
        .into_iter()
        .map(|c| {
            if any_expr && !c.expr {
                format!("{}.into()", c.text)
            } else {
                c.text
            }
        })
        .collect();
    (texts, all_expr && any_expr)
}

impl<'t> StackWriter<'t> {
    pub(crate) fn new(body: &'t Map<String, Json>) -> Self {
        StackWriter {
            body,
            decls: HashMap::new(),
            uses: BTreeSet::new(),
            why: None,
            namespaces: BTreeSet::new(),
            escapes: Vec::new(),
            json_recursion: 0,
            imports: HashMap::new(),
            used_imports: BTreeSet::new(),
            handle_exports: BTreeSet::new(),
            deployed_values: HashMap::new(),
            named_exports: HashMap::new(),
        }
    }

    /// An argument that takes `impl Into<Json>`: a Rust literal where one converts to
    /// exactly `v` (a string, a boolean, an integer), else `serde_json::json!(v)`.
    fn json_arg(&mut self, v: &Json) -> String {
        match v {
            Json::String(s) => rust::string(s),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) if n.is_i64() => match n.as_i64() {
                Some(i) if i32::try_from(i).is_ok() => i.to_string(),
                _ => self.json(v, 8),
            },
            _ => self.json(v, 8),
        }
    }

    /// `serde_json::json!(v)`, noting the recursion it needs.
    fn json(&mut self, v: &Json, indent: usize) -> String {
        self.json_recursion = self.json_recursion.max(rust::json_recursion(v));
        json_macro(v, indent)
    }

    fn not_typed(&mut self, why: impl Into<String>) -> Option<Code> {
        if self.why.is_none() {
            self.why = Some(why.into());
        }
        None
    }

    /// The variable of a parameter or resource.
    pub(crate) fn var_of(&self, id: &str) -> Option<&str> {
        self.decls
            .get(&(Space::Ref, id.to_owned()))
            .map(|(_, v)| v.as_str())
    }

    fn var(&mut self, id: &str) -> Option<(Decl, String)> {
        self.var_in(Space::Ref, id)
    }

    fn var_in(&mut self, space: Space, id: &str) -> Option<(Decl, String)> {
        let d = self.decls.get(&(space, id.to_owned())).cloned()?;
        self.uses.insert(d.1.clone());
        Some(d)
    }
}

fn describe(v: &Json) -> String {
    let text = v.to_string();
    let short = if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    };
    let kind = match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    };
    format!("{kind} (`{short}`)")
}

fn describe_ty(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str => "a string",
        Ty::Int => "an integer",
        Ty::Num => "a number",
        Ty::Bool => "a boolean",
        Ty::Json => "JSON",
        Ty::Tag => "a tag",
        Ty::List(_) => "a list",
        Ty::Map(_) => "a map",
        Ty::Named(_) => "a typed value",
    }
}
