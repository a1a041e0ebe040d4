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

    /// [`StackWriter::value`] at a place where `None` means plain JSON instead: the names a
    /// failed attempt read are not used.
    fn try_value(&mut self, v: &Json, ty: &Ty, r: Option<&'static Resource>) -> Option<Code> {
        let before = self.uses.clone();
        let code = self.value(v, ty, r);
        if code.is_none() {
            self.uses = before;
        }
        code
    }

    /// `v` as a value of type `ty` (in resource module `r`), or `None` with `self.why` set.
    fn value(&mut self, v: &Json, ty: &Ty, r: Option<&'static Resource>) -> Option<Code> {
        if *ty == Ty::Json {
            return Some(Code::lit(self.json(v, 8)));
        }
        if let Some((name, arg)) = intrinsic(v) {
            return self.call(name, arg, ty, r);
        }
        match (ty, v) {
            (Ty::Str, Json::String(s)) => Some(Code::lit(rust::string(s))),
            (Ty::Int, Json::Number(n)) if n.is_i64() => {
                let i = n.as_i64()?;
                Some(Code::lit(if i32::try_from(i).is_ok() {
                    i.to_string()
                } else {
                    format!("{i}_i64")
                }))
            }
            (Ty::Num, Json::Number(n)) => {
                let f = n.as_f64()?;
                let text = format!("{f:?}");
                // A number whose text as f64 is not the template's stays as written.
                if serde_json::Number::from_f64(f).map(|x| x.as_f64()) != Some(n.as_f64()) {
                    return self.not_typed(format!("the number {n} is not exactly a 64-bit float"));
                }
                Some(Code::lit(format!("{text}_f64")))
            }
            (Ty::Bool, Json::Bool(b)) => Some(Code::lit(b.to_string())),
            (Ty::Tag, Json::Object(m))
                if m.len() == 2 && m.contains_key("Key") && m.contains_key("Value") =>
            {
                let k = self.value(&m["Key"], &Ty::Str, r)?;
                let val = self.value(&m["Value"], &Ty::Str, r)?;
                Some(Code::lit(format!("Tag::new({}, {})", k.text, val.text)))
            }
            (Ty::List(inner), Json::Array(a)) => {
                if a.is_empty() {
                    return Some(Code::lit(format!(
                        "Vec::<Value<{}>>::new()",
                        ty_name(inner, r.map(|x| x as &Resource))
                    )));
                }
                let mut codes = Vec::with_capacity(a.len());
                for x in a {
                    codes.push(self.value(x, inner, r)?);
                }
                let (texts, _) = items(codes);
                Some(Code::lit(format!("vec![{}]", texts.join(", "))))
            }
            (Ty::Map(inner), Json::Object(m)) => {
                if m.is_empty() {
                    return Some(Code::lit(format!(
                        "Vec::<(String, Value<{}>)>::new()",
                        ty_name(inner, r.map(|x| x as &Resource))
                    )));
                }
                let mut codes = Vec::with_capacity(m.len());
                for x in m.values() {
                    codes.push(self.value(x, inner, r)?);
                }
                let (texts, _) = items(codes);
                let pairs: Vec<String> = m
                    .keys()
                    .zip(texts)
                    .map(|(k, t)| format!("({}, {t})", rust::string(k)))
                    .collect();
                Some(Code::lit(format!("vec![{}]", pairs.join(", "))))
            }
            (Ty::Named(i), v) => {
                let r = r?;
                match &r.types[*i] {
                    Type::Enum { values, .. } => {
                        let Json::String(s) = v else {
                            return self.not_typed(format!("{v} is not a string"));
                        };
                        let path = r.path(*i);
                        Some(Code::lit(match values.iter().find(|(_, x)| x == s) {
                            Some((variant, _)) => format!("{path}::{variant}"),
                            None => format!("{path}::from({})", rust::string(s)),
                        }))
                    }
                    Type::Struct { .. } => {
                        let Json::Object(m) = v else {
                            return self.not_typed(format!("{v} is not an object"));
                        };
                        self.strukt(m, *i, r, &mut Vec::new())
                    }
                    Type::Omitted => self.not_typed("the generated type leaves it out"),
                }
            }
            (ty, v) => self.not_typed(format!(
                "{} where the typed property takes {}",
                describe(v),
                describe_ty(ty)
            )),
        }
    }

    /// A struct of `r`'s module from an object. Keys without a field, or a value that is not
    /// typed, go in `rest` when it is the resource (`index` 0), else make the whole struct
    /// untyped.
    fn strukt(
        &mut self,
        m: &Map<String, Json>,
        index: usize,
        r: &'static Resource,
        rest: &mut Vec<(String, String)>,
    ) -> Option<Code> {
        let Type::Struct {
            fields, required, ..
        } = &r.types[index]
        else {
            return None;
        };
        let path = r.path(index);
        let resource = index == 0;
        let mut req: Vec<(String, Code)> = Vec::new();
        for f in fields.iter().filter(|f| f.required) {
            let Some(v) = m.get(&f.cfn) else {
                return self.not_typed(format!("the required property `{}` is missing", f.cfn));
            };
            let code = self.value(v, &f.ty, Some(r))?;
            req.push((f.ident.clone(), code));
        }
        let mut text = match required {
            Some(name) => {
                let ns = if resource {
                    r.ns.clone()
                } else {
                    format!("{}::{}", r.ns, r.module)
                };
                let fs: Vec<String> = req
                    .into_iter()
                    .map(|(ident, c)| format!("{ident}: {}.into()", c.text))
                    .collect();
                format!("{path}::new({ns}::{name} {{ {} }})", fs.join(", "))
            }
            None => {
                let args: Vec<String> = req.into_iter().map(|(_, c)| c.text).collect();
                format!("{path}::new({})", args.join(", "))
            }
        };
        for (k, v) in m {
            let field = fields.iter().find(|f| &f.cfn == k);
            match field {
                Some(f) if f.required => {}
                Some(f) => {
                    self.why = None;
                    let attempt = if resource {
                        self.try_value(v, &f.ty, Some(r))
                    } else {
                        self.value(v, &f.ty, Some(r))
                    };
                    match attempt {
                        Some(c) => {
                            let _ = write!(text, ".{}({})", f.ident, c.text);
                        }
                        None if resource => {
                            let why = self.why.take().unwrap_or_default();
                            rest.push((k.clone(), why));
                        }
                        None => return None,
                    }
                }
                // Without a field, an attribute's name is a read-only property: AWS sets
                // it (the validator's FF2037).
                None if resource && r.attrs.iter().any(|(a, _, _)| a == k) => rest.push((
                    k.clone(),
                    "read-only: AWS sets it (read it with `Fn::GetAtt`), a template cannot"
                        .to_owned(),
                )),
                None if resource => rest.push((
                    k.clone(),
                    "a property the pinned schema does not have".to_owned(),
                )),
                None => {
                    return self.not_typed(format!(
                        "`{k}` is not a property of `{path}` in the pinned schema"
                    ));
                }
            }
        }
        Some(Code::lit(text))
    }

    /// `Ref` of `id` as a value of type `ty` (`t`, its Rust name): a pseudo parameter's
    /// function, a parameter's or resource's handle.
    fn reference(&mut self, id: &str, ty: &Ty, t: &str) -> Option<Code> {
        if id == "AWS::NoValue" {
            return Some(Code::expr(format!("pseudo::no_value::<{t}>()")));
        }
        if let Some(p) = id.strip_prefix("AWS::") {
            let (f, pty) = match p {
                "NotificationARNs" => ("notification_arns", Ty::List(Box::new(Ty::Str))),
                "AccountId" => ("account_id", Ty::Str),
                "Partition" => ("partition", Ty::Str),
                "Region" => ("region", Ty::Str),
                "StackId" => ("stack_id", Ty::Str),
                "StackName" => ("stack_name", Ty::Str),
                "URLSuffix" => ("url_suffix", Ty::Str),
                _ => return self.not_typed(format!("`{id}` is no pseudo parameter")),
            };
            if pty != *ty {
                return self.not_typed(format!("`{id}` where {} is expected", describe_ty(ty)));
            }
            return Some(Code::expr(format!("pseudo::{f}()")));
        }
        match self.var(id) {
            Some((Decl::Param(pty), v)) => Some(Code::expr(if pty == *ty {
                format!("{v}.to_ref()")
            } else {
                format!("{v}.to_ref_as::<{t}>()")
            })),
            Some((Decl::Resource(_), v)) if *ty == Ty::Str => {
                Some(Code::expr(format!("{v}.to_ref()")))
            }
            _ => self.not_typed(format!(
                "`Ref` of `{id}` where {} is expected",
                describe_ty(ty)
            )),
        }
    }

    /// `Fn::GetAtt` as a value of type `ty`: the typed attribute method of the resource's
    /// handle where its type has one, `get_att` otherwise.
    fn get_att(&mut self, arg: &Json, ty: &Ty, t: &str) -> Option<Code> {
        let (id, attr) = match arg {
            Json::Array(a) if a.len() == 2 => (a[0].as_str()?, a[1].as_str()?),
            Json::String(s) => s.split_once('.')?,
            _ => return self.not_typed("`Fn::GetAtt` with a computed attribute name"),
        };
        match self.var(id) {
            Some((Decl::Resource(api), v)) => {
                if let Some((_, method, _)) =
                    api.and_then(|a| a.attrs.iter().find(|(n, _, aty)| n == attr && aty == ty))
                {
                    return Some(Code::expr(format!("{v}.{method}()")));
                }
                Some(Code::expr(format!(
                    "{v}.get_att::<{t}>({})",
                    rust::string(attr)
                )))
            }
            _ => self.not_typed(format!(
                "`Fn::GetAtt` of `{id}`, which is not a resource of the template"
            )),
        }
    }

    /// `Fn::Sub` with a variable map, as `fns::sub_with`.
    fn sub_with(&mut self, a: &[Json], r: Option<&'static Resource>) -> Option<Code> {
        let (Some(s), Some(vars)) = (a[0].as_str(), a[1].as_object()) else {
            return self.not_typed("an `Fn::Sub` whose string is computed");
        };
        if vars.is_empty() {
            return self.not_typed("an `Fn::Sub` with an empty variable map");
        }
        let mut codes = Vec::new();
        for v in vars.values() {
            codes.push(self.value(v, &Ty::Str, r)?);
        }
        let (texts, _) = items(codes);
        let pairs: Vec<String> = vars
            .keys()
            .zip(texts)
            .map(|(k, t)| format!("({}, {t})", rust::string(k)))
            .collect();
        Some(Code::expr(format!(
            "fns::sub_with({}, [{}])",
            rust::string(s),
            pairs.join(", ")
        )))
    }

    /// `Fn::ImportValue` of an export another imported stack gives: read through that
    /// stack's handle.
    fn imported(&mut self, name: &str, ty: &Ty, t: &str) -> Option<Code> {
        let i = self.imports[name].clone();
        let h = format!("{}.{}", i.producer, i.field);
        let code = match (&i.decl, &i.attr) {
            (Decl::Export, _) if *ty == Ty::Str => format!("{h}.import()"),
            (Decl::Param(pty), None) if pty == ty => format!("{h}.to_ref()"),
            (Decl::Param(_), None) => format!("{h}.to_ref_as::<{t}>()"),
            (Decl::Resource(_), None) if *ty == Ty::Str => format!("{h}.to_ref()"),
            (Decl::Resource(api), Some(a)) => {
                match api.and_then(|x| x.attrs.iter().find(|(n, _, aty)| n == a && aty == ty)) {
                    Some((_, method, _)) => format!("{h}.{method}()"),
                    None => format!("{h}.get_att::<{t}>({})", rust::string(a)),
                }
            }
            _ => {
                return self.not_typed(format!(
                    "the import of `{name}` where {} is expected",
                    describe_ty(ty)
                ));
            }
        };
        self.used_imports.insert((i.producer, i.field));
        Some(Code::expr(code))
    }

    /// An intrinsic function call as a value of type `ty`.
    fn call(
        &mut self,
        name: &str,
        arg: &Json,
        ty: &Ty,
        r: Option<&'static Resource>,
    ) -> Option<Code> {
        let rr = r.map(|x| x as &Resource);
        let t = ty_name(ty, rr);
        let list_str = Ty::List(Box::new(Ty::Str));
        match (name, arg) {
            ("Ref", Json::String(id)) => self.reference(id, ty, &t),
            ("Fn::GetAtt", _) => self.get_att(arg, ty, &t),
            ("Fn::Sub", Json::String(s)) if *ty == Ty::Str => {
                Some(Code::expr(format!("fns::sub({})", rust::string(s))))
            }
            ("Fn::Sub", Json::Array(a)) if *ty == Ty::Str && a.len() == 2 => self.sub_with(a, r),
            ("Fn::Join", Json::Array(a)) if *ty == Ty::Str && a.len() == 2 => {
                let Some(d) = a[0].as_str() else {
                    return self.not_typed("an `Fn::Join` with a computed delimiter");
                };
                let list = self.value(&a[1], &list_str, r)?;
                Some(Code::expr(format!(
                    "fns::join({}, {})",
                    rust::string(d),
                    list.text
                )))
            }
            ("Fn::Select", Json::Array(a)) if a.len() == 2 => {
                let i = self.value(&a[0], &Ty::Int, r)?;
                let list = self.value(&a[1], &Ty::List(Box::new(ty.clone())), r)?;
                Some(Code::expr(format!(
                    "fns::select::<{t}>({}, {})",
                    i.text, list.text
                )))
            }
            ("Fn::Split", Json::Array(a)) if *ty == list_str && a.len() == 2 => {
                let Some(d) = a[0].as_str() else {
                    return self.not_typed("an `Fn::Split` with a computed delimiter");
                };
                let s = self.value(&a[1], &Ty::Str, r)?;
                Some(Code::expr(format!(
                    "fns::split({}, {})",
                    rust::string(d),
                    s.text
                )))
            }
            ("Fn::GetAZs", v) if *ty == list_str => {
                let region = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::get_azs({})", region.text)))
            }
            ("Fn::ImportValue", Json::String(name)) if self.imports.contains_key(name) => {
                self.imported(name, ty, &t)
            }
            ("Fn::ImportValue", v) => {
                let n = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::import_value::<{t}>({})", n.text)))
            }
            ("Fn::FindInMap", Json::Array(a)) if a.len() == 3 => {
                let Some(m) = a[0].as_str() else {
                    return self.not_typed("an `Fn::FindInMap` with a computed mapping name");
                };
                let Some((Decl::Mapping, mv)) = self.var_in(Space::Mapping, m) else {
                    return self.not_typed(format!(
                        "`Fn::FindInMap` of `{m}`, which is not a mapping of the template"
                    ));
                };
                let k1 = self.value(&a[1], &Ty::Str, r)?;
                let k2 = self.value(&a[2], &Ty::Str, r)?;
                Some(Code::expr(format!(
                    "fns::find_in_map::<{t}>(&{mv}, {}, {})",
                    k1.text, k2.text
                )))
            }
            ("Fn::Base64", v) if *ty == Ty::Str => {
                let s = self.value(v, &Ty::Str, r)?;
                Some(Code::expr(format!("fns::base64({})", s.text)))
            }
            ("Fn::Cidr", Json::Array(a)) if *ty == list_str && a.len() == 3 => {
                let block = self.value(&a[0], &Ty::Str, r)?;
                let count = self.value(&a[1], &Ty::Int, r)?;
                let bits = self.value(&a[2], &Ty::Int, r)?;
                Some(Code::expr(format!(
                    "fns::cidr({}, {}, {})",
                    block.text, count.text, bits.text
                )))
            }
            ("Fn::If", Json::Array(a)) if a.len() == 3 => {
                let Some(c) = a[0].as_str() else {
                    return self.not_typed("an `Fn::If` with a computed condition name");
                };
                let Some((Decl::Condition, cv)) = self.var_in(Space::Condition, c) else {
                    return self.not_typed(format!(
                        "`Fn::If` on `{c}`, which is not a condition of the template"
                    ));
                };
                let yes = self.value(&a[1], ty, r)?;
                let no = self.value(&a[2], ty, r)?;
                Some(Code::expr(format!(
                    "fns::if_::<{t}>(&{cv}, {}, {})",
                    yes.text, no.text
                )))
            }
            (name, _) => self.not_typed(format!(
                "`{name}` where {} is expected (ferroform writes it as plain JSON)",
                describe_ty(ty)
            )),
        }
    }

    /// A condition expression.
    fn cond(&mut self, v: &Json) -> Option<String> {
        let (name, arg) = match v.as_object() {
            Some(m) if m.len() == 1 => m.iter().next()?,
            _ => return None,
        };
        match (name.as_str(), arg) {
            ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                Some((Decl::Condition, cv)) => Some(format!("fns::condition(&{cv})")),
                _ => None,
            },
            ("Fn::Not", Json::Array(a)) if a.len() == 1 => {
                Some(format!("fns::not({})", self.cond(&a[0])?))
            }
            ("Fn::And" | "Fn::Or", Json::Array(a)) => {
                let mut parts = Vec::new();
                for x in a {
                    parts.push(self.cond(x)?);
                }
                let f = if name == "Fn::And" { "and" } else { "or" };
                Some(format!("fns::{f}([{}])", parts.join(", ")))
            }
            ("Fn::Equals", Json::Array(a)) if a.len() == 2 => {
                let before = self.uses.clone();
                let typed = [
                    self.value(&a[0], &Ty::Str, None),
                    self.value(&a[1], &Ty::Str, None),
                ];
                if typed.iter().any(Option::is_none) {
                    self.uses = before;
                }
                if let [Some(x), Some(y)] = typed {
                    return Some(format!("fns::equals::<String>({}, {})", x.text, y.text));
                }
                Some(format!(
                    "fns::equals::<Json>({}, {})",
                    self.json(&a[0], 8),
                    self.json(&a[1], 8)
                ))
            }
            _ => None,
        }
    }

    /// Write the stack function's statements: returns the body text (inside the function).
    pub(crate) fn write(&mut self, names: &mut Names, stack_var: &str) -> Result<String, String> {
        // Declare every name first: a statement may use one declared below it.
        self.declare(names);
        let mut problems: Vec<String> = Vec::new();
        let head = self.head(stack_var, &mut problems);
        let (statements, outputs) = self.statements(stack_var, &mut problems);
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        let ordered = order(statements)?;
        Ok(emit(&head, &ordered, &outputs))
    }

    /// The template's entries that have a name in the program (parameters, mappings,
    /// conditions, resources, outputs), without those of `Fn::ForEach`.
    fn named(&self, section: &str) -> impl Iterator<Item = (&'t String, &'t Json)> + use<'t> {
        self.body
            .get(section)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with("Fn::"))
    }

    /// Give every parameter, mapping, condition and resource its variable.
    fn declare(&mut self, names: &mut Names) {
        for (id, p) in self.named("Parameters") {
            let ty = p.get("Type").and_then(Json::as_str).unwrap_or("String");
            let v = names.claim(id);
            self.decls
                .insert((Space::Ref, id.clone()), (Decl::Param(param_ty(ty).0), v));
        }
        for (id, _) in self.named("Mappings") {
            let v = names.claim(id);
            self.decls
                .insert((Space::Mapping, id.clone()), (Decl::Mapping, v));
        }
        for (id, _) in self.named("Conditions") {
            let v = names.claim(id);
            self.decls
                .insert((Space::Condition, id.clone()), (Decl::Condition, v));
        }
        for (id, r) in self.named("Resources") {
            let api = r
                .get("Type")
                .and_then(Json::as_str)
                .and_then(|t| table::get().get(t));
            let v = names.claim(id);
            self.decls
                .insert((Space::Ref, id.clone()), (Decl::Resource(api), v));
        }
    }

    /// The statements before the declarations: the description, metadata, transforms,
    /// sections without a builder, and the entries no builder can name.
    fn head(&mut self, stack_var: &str, problems: &mut Vec<String>) -> Vec<String> {
        let body = self.body;
        let section = |k: &str| body.get(k).and_then(Json::as_object);
        let mut head: Vec<String> = Vec::new();
        for (key, v) in body {
            match key.as_str() {
                "AWSTemplateFormatVersion" | "Parameters" | "Mappings" | "Conditions"
                | "Resources" | "Outputs" => {}
                "Description" => match v {
                    Json::String(s) => head.push(format!("{stack_var}.description({});", rust::string(s))),
                    _ => problems.push("`Description` is not a string".into()),
                },
                "Metadata" => match v {
                    Json::Object(m) => {
                        for (k, x) in m {
                            head.push(format!(
                                "{stack_var}.metadata({}, {});",
                                rust::string(k),
                                self.json(x, 4)
                            ));
                        }
                    }
                    _ => problems.push("`Metadata` is not an object".into()),
                },
                "Transform" => {
                    let list: Vec<&Json> = match v {
                        Json::Array(a) => a.iter().collect(),
                        x => vec![x],
                    };
                    for t in list {
                        match t.as_str() {
                            Some(t) => head.push(format!("{stack_var}.transform({});", rust::string(t))),
                            None => problems.push("a `Transform` that is not a name".into()),
                        }
                    }
                }
                other => head.push(format!(
                    "// `{}`: a section ferroform has no builder for, kept as written.\n{stack_var}.section({}, {});",
                    rust::comment(other),
                    rust::string(other),
                    self.json(v, 4)
                )),
            }
        }

        // Entries no builder can name (`Fn::ForEach::X` of the language extensions) are
        // added to their section as written.
        for key in [
            "Parameters",
            "Mappings",
            "Conditions",
            "Resources",
            "Outputs",
        ] {
            let raw: Map<String, Json> = section(key)
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.starts_with("Fn::"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if section(key).is_some_and(Map::is_empty) {
                head.push(format!(
                    "// An empty `{key}` section, kept.\n{stack_var}.section({}, serde_json::json!({{}}));",
                    rust::string(key)
                ));
            }
            if !raw.is_empty() {
                let ids: Vec<String> = raw.keys().map(|k| format!("`{k}`")).collect();
                self.escapes.push(format!("{key}: {}", ids.join(", ")));
                head.push(format!(
                    "// {}: expanded by CloudFormation, kept as written.\n{stack_var}.section({}, {});",
                    rust::comment(&ids.join(", ")),
                    rust::string(key),
                    self.json(&Json::Object(raw), 4)
                ));
            }
        }
        head
    }

    /// One statement per parameter, mapping, condition and resource, and one per output.
    fn statements(
        &mut self,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> (Vec<Statement>, Vec<Statement>) {
        let mut statements: Vec<Statement> = Vec::new();
        for (id, p) in self.named("Parameters") {
            statements.push(self.parameter(id, p, problems));
        }
        for (id, m) in self.named("Mappings") {
            statements.push(self.mapping(id, m, stack_var, problems));
        }
        for (id, c) in self.named("Conditions") {
            self.uses.clear();
            let var = self.decls[&(Space::Condition, id.clone())].1.clone();
            match self.cond(c) {
                Some(code) => statements.push(Statement {
                    id: Some(id.clone()),
                    var: Some(var),
                    comments: Vec::new(),
                    code: format!("{stack_var}.condition({}, {code})", rust::string(id)),
                    after: Vec::new(),
                    uses: std::mem::take(&mut self.uses),
                    keep: false,
                }),
                None => problems.push(format!("Conditions.{id}: not a condition expression")),
            }
        }
        for (id, r) in self.named("Resources") {
            match r.as_object() {
                Some(r) => statements.push(self.resource(id, r, stack_var, problems)),
                None => problems.push(format!("Resources.{id}: not an object")),
            }
        }
        let mut outputs = Vec::new();
        for (id, o) in self.named("Outputs") {
            match o.as_object() {
                Some(o) => outputs.push(self.output(id, o, stack_var, problems)),
                None => problems.push(format!("Outputs.{id}: not an object")),
            }
        }
        (statements, outputs)
    }
    fn parameter(&mut self, id: &str, p: &Json, problems: &mut Vec<String>) -> Statement {
        let ty = p.get("Type").and_then(Json::as_str).unwrap_or("String");
        let (_, ctor) = param_ty(ty);
        let mut code = ctor;
        for (k, v) in p.as_object().into_iter().flatten() {
            let set = match (k.as_str(), v) {
                ("Type", _) => continue,
                ("Description", Json::String(s)) => format!(".description({})", rust::string(s)),
                ("AllowedPattern", Json::String(s)) => {
                    format!(".allowed_pattern({})", rust::string(s))
                }
                ("ConstraintDescription", Json::String(s)) => {
                    format!(".constraint_description({})", rust::string(s))
                }
                ("NoEcho", Json::Bool(true)) => ".no_echo()".to_owned(),
                ("Default", v) => format!(".default({})", self.json_arg(v)),
                ("AllowedValues", Json::Array(a)) => {
                    // One Rust type for the array: plain strings, or JSON values.
                    let vs: Vec<String> = if a.iter().all(Json::is_string) {
                        a.iter().map(|x| self.json_arg(x)).collect()
                    } else {
                        a.iter().map(|x| self.json(x, 8)).collect()
                    };
                    format!(".allowed_values([{}])", vs.join(", "))
                }
                (k, v) => format!(".field({}, {})", rust::string(k), self.json_arg(v)),
            };
            code.push_str(&set);
        }
        if p.as_object().is_none() {
            problems.push(format!("Parameters.{id}: not an object"));
        }
        let var = self.decls[&(Space::Ref, id.to_owned())].1.clone();
        let comments = match self.deployed_values.get(id) {
            // Escaped, never raw: a comment ends at the line's end.
            Some(Some(v)) => vec![format!("Deployed with {v:?}.")],
            Some(None) => vec!["Deployed with a NoEcho value (not shown).".to_owned()],
            None => Vec::new(),
        };
        Statement {
            id: Some(id.to_owned()),
            var: Some(var),
            comments,
            code: format!("stack.parameter({}, {code})", rust::string(id)),
            after: Vec::new(),
            uses: BTreeSet::new(),
            keep: false,
        }
    }

    fn mapping(
        &mut self,
        id: &str,
        m: &Json,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        let mut code = String::from("Mapping::new()");
        match m.as_object() {
            Some(m) => {
                for (top, inner) in m {
                    match inner.as_object() {
                        Some(inner) => {
                            for (second, v) in inner {
                                let value = self.json_arg(v);
                                let _ = write!(
                                    code,
                                    ".entry({}, {}, {value})",
                                    rust::string(top),
                                    rust::string(second)
                                );
                            }
                        }
                        None => problems.push(format!("Mappings.{id}.{top}: not an object")),
                    }
                }
            }
            None => problems.push(format!("Mappings.{id}: not an object")),
        }
        Statement {
            id: Some(id.to_owned()),
            var: Some(self.decls[&(Space::Mapping, id.to_owned())].1.clone()),
            comments: Vec::new(),
            code: format!("{stack_var}.mapping({}, {code})", rust::string(id)),
            after: Vec::new(),
            uses: BTreeSet::new(),
            keep: false,
        }
    }

    fn resource(
        &mut self,
        id: &str,
        r: &Map<String, Json>,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        self.uses.clear();
        let (decl, var) = self.decls[&(Space::Ref, id.to_owned())].clone();
        let type_name = r.get("Type").and_then(Json::as_str).unwrap_or_default();
        let props = r.get("Properties");
        let mut comments = Vec::new();
        let mut after = Vec::new();
        let empty = Map::new();
        let typed = match (decl, props) {
            (Decl::Resource(Some(api)), None) => Some((api, &empty)),
            (Decl::Resource(Some(api)), Some(Json::Object(m))) => Some((api, m)),
            _ => None,
        };
        let mut code = None;
        if let Some((api, m)) = typed {
            self.why = None;
            let mut rest = Vec::new();
            let before = self.uses.clone();
            let typed = self.strukt(m, 0, api, &mut rest);
            if typed.is_none() {
                self.uses = before;
            }
            if let Some(c) = typed {
                self.namespaces.insert(api.ns.clone());
                for (k, why) in rest {
                    comments.push(format!("`{k}`: {why}; kept as written."));
                    self.escapes
                        .push(format!("Resources.{id}.Properties.{k}: {why}"));
                    after.push(format!(
                        "    .override_property({}, {})",
                        rust::string(&k),
                        self.json(&m[&k], 8)
                    ));
                }
                code = Some(format!("{stack_var}.add({}, {})", rust::string(id), c.text));
            } else {
                let why = self.why.take().unwrap_or_default();
                comments.push(format!(
                    "`{type_name}` written with plain JSON properties: {why}."
                ));
                self.escapes.push(format!("Resources.{id}: {why}"));
            }
        }
        let code = code.unwrap_or_else(|| {
            if typed.is_none() {
                let why = if type_name.is_empty() {
                    "a resource without a `Type`".to_owned()
                } else {
                    format!("`{type_name}` is outside the generated resources")
                };
                comments.push(format!("{why}: its properties are plain JSON."));
                self.escapes.push(format!("Resources.{id}: {why}"));
            }
            let props = props.cloned().unwrap_or(Json::Object(Map::new()));
            format!(
                "{stack_var}.add_raw({}, RawResource::new({}, {}))",
                rust::string(id),
                rust::string(type_name),
                self.json(&props, 8)
            )
        });
        let mut options = Vec::new();
        for (k, v) in r {
            match (k.as_str(), v) {
                ("Type" | "Properties", _) => {}
                ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                    Some((Decl::Condition, cv)) => options.push(format!(".condition(&{cv})")),
                    _ => problems.push(format!(
                        "Resources.{id}.Condition: `{c}` is not a condition of the template"
                    )),
                },
                ("DependsOn", deps) => {
                    let list: Vec<&Json> = match deps {
                        Json::Array(a) => a.iter().collect(),
                        x => vec![x],
                    };
                    for d in list {
                        match d.as_str().and_then(|d| self.var(d)) {
                            Some((Decl::Resource(_), dv)) => {
                                options.push(format!(".depends_on(&{dv})"));
                            }
                            _ => problems.push(format!(
                                "Resources.{id}.DependsOn: {d} is not a resource of the template"
                            )),
                        }
                    }
                }
                ("DeletionPolicy" | "UpdateReplacePolicy", Json::String(p)) if is_policy(k, p) => {
                    let (f, ty) = if k == "DeletionPolicy" {
                        ("deletion_policy", "DeletionPolicy")
                    } else {
                        ("update_replace_policy", "UpdateReplacePolicy")
                    };
                    options.push(format!(".{f}({ty}::{p})"));
                }
                ("DeletionPolicy" | "UpdateReplacePolicy", Json::Object(m))
                    if let Some((c, yes, no)) = policy_if(k, m)
                        && let Some((Decl::Condition, cv)) = self.var_in(Space::Condition, c) =>
                {
                    let (f, ty) = if k == "DeletionPolicy" {
                        ("deletion_policy_if", "DeletionPolicy")
                    } else {
                        ("update_replace_policy_if", "UpdateReplacePolicy")
                    };
                    options.push(format!(".{f}(&{cv}, {ty}::{yes}, {ty}::{no})"));
                }
                ("Metadata" | "UpdatePolicy" | "CreationPolicy", v) => {
                    let f = match k.as_str() {
                        "Metadata" => "metadata",
                        "UpdatePolicy" => "update_policy",
                        _ => "creation_policy",
                    };
                    options.push(format!(".{f}({})", self.json(v, 8)));
                }
                (k, v) => options.push(format!(
                    ".override_attribute({}, {})",
                    rust::string(k),
                    self.json(v, 8)
                )),
            }
        }
        options.extend(after);
        let after = if options.is_empty() {
            Vec::new()
        } else {
            vec![format!("{stack_var}.options(&{var}){};", options.join(""))]
        };
        Statement {
            id: Some(id.to_owned()),
            var: Some(var),
            comments,
            code,
            after,
            uses: std::mem::take(&mut self.uses),
            keep: false,
        }
    }

    fn output(
        &mut self,
        id: &str,
        o: &Map<String, Json>,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        self.uses.clear();
        let mut comments = Vec::new();
        let value = o.get("Value").cloned().unwrap_or(Json::Null);
        self.why = None;
        if self.handle_exports.contains(id)
            && let Some(c) = self.try_value(&value, &Ty::Str, None)
        {
            return Statement {
                id: None,
                var: None,
                comments: vec![format!(
                    "`{id}`: exported for the stacks that use it (ferroform names it the same)."
                )],
                code: format!("{stack_var}.export_value({})", c.text),
                after: Vec::new(),
                uses: std::mem::take(&mut self.uses),
                keep: false,
            };
        }
        let code = match self.try_value(&value, &Ty::Str, None) {
            Some(c) if c.expr => c.text,
            Some(c) => format!("Value::<String>::from({})", c.text),
            None => {
                let why = self.why.take().unwrap_or_default();
                comments.push(format!("`Value`: {why}; kept as written."));
                format!("Value::<Json>::from({})", self.json(&value, 8))
            }
        };
        let mut text = format!("{stack_var}.output({}, {code})", rust::string(id));
        for (k, v) in o {
            match (k.as_str(), v) {
                ("Value", _) => {}
                ("Description", Json::String(s)) => {
                    let _ = write!(text, ".description({})", rust::string(s));
                }
                ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                    Some((Decl::Condition, cv)) => {
                        let _ = write!(text, ".condition(&{cv})");
                    }
                    _ => problems.push(format!(
                        "Outputs.{id}.Condition: `{c}` is not a condition of the template"
                    )),
                },
                ("Export", Json::Object(e))
                    if self.named_exports.contains_key(id)
                        && e.len() == 1
                        && e.get("Name").is_some_and(Json::is_string) =>
                {
                    let name = e.get("Name").and_then(Json::as_str).unwrap_or_default();
                    let _ = write!(text, ".export_handle::<String>({})", rust::string(name));
                }
                ("Export", Json::Object(e)) if e.len() == 1 && e.contains_key("Name") => match self
                    .value(&e["Name"], &Ty::Str, None)
                {
                    Some(n) => {
                        let _ = write!(text, ".export({})", n.text);
                    }
                    None => problems.push(format!("Outputs.{id}.Export.Name: not a string value")),
                },
                (k, _) => problems.push(format!("Outputs.{id}.{k}: not a key of an output")),
            }
        }
        let var = self.named_exports.get(id).cloned();
        Statement {
            id: None,
            keep: var.is_some(),
            var,
            comments,
            code: text,
            after: Vec::new(),
            uses: std::mem::take(&mut self.uses),
        }
    }
}

/// The function body: the head, then each statement (bound to its variable when something
/// uses it), its comments before it and what follows it after.
fn emit(head: &[String], ordered: &[Statement], outputs: &[Statement]) -> String {
    let used: BTreeSet<String> = ordered
        .iter()
        .chain(outputs)
        .flat_map(|s| s.uses.iter().cloned())
        .collect();
    let mut out = String::new();
    for h in head {
        let _ = writeln!(out, "{h}");
    }
    for s in ordered.iter().chain(outputs) {
        for c in &s.comments {
            // Text from the template (a key, a value) never leaves the comment.
            let _ = writeln!(out, "// {}", rust::comment(c));
        }
        match &s.var {
            Some(v) if s.keep || used.contains(v) || !s.after.is_empty() => {
                let _ = writeln!(out, "let {v} = {};", s.code);
            }
            _ => {
                let _ = writeln!(out, "{};", s.code);
            }
        }
        for a in &s.after {
            let _ = writeln!(out, "{a}");
        }
    }
    out
}

/// Statements ordered so that each comes after the ones whose variables it reads, otherwise
/// in the template's order.
fn order(statements: Vec<Statement>) -> Result<Vec<Statement>, String> {
    let declared: HashMap<String, usize> = statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.var.clone().map(|v| (v, i)))
        .collect();
    let n = statements.len();
    let deps: Vec<Vec<usize>> = statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.uses
                .iter()
                .filter_map(|u| declared.get(u).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut done = vec![false; n];
    let mut out_idx = Vec::with_capacity(n);
    while out_idx.len() < n {
        let next = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&j| done[j]));
        match next {
            Some(i) => {
                done[i] = true;
                out_idx.push(i);
            }
            None => {
                let stuck: Vec<String> = (0..n)
                    .filter(|&i| !done[i])
                    .filter_map(|i| statements[i].id.clone())
                    .collect();
                return Err(format!("circular references between {}", stuck.join(", ")));
            }
        }
    }
    let mut slots: Vec<Option<Statement>> = statements.into_iter().map(Some).collect();
    Ok(out_idx
        .into_iter()
        .filter_map(|i| slots[i].take())
        .collect())
}

/// A policy attribute the typed options take: a name of the attribute's policies.
fn is_policy(attribute: &str, p: &str) -> bool {
    ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"].contains(&p)
        && !(attribute == "UpdateReplacePolicy" && p == "RetainExceptOnCreate")
}

/// `{"Fn::If": [condition, policy, policy]}` of a policy attribute.
fn policy_if<'a>(attribute: &str, m: &'a Map<String, Json>) -> Option<(&'a str, &'a str, &'a str)> {
    let a = m.get("Fn::If")?.as_array()?;
    if m.len() != 1 || a.len() != 3 {
        return None;
    }
    let (c, yes, no) = (a[0].as_str()?, a[1].as_str()?, a[2].as_str()?);
    (is_policy(attribute, yes) && is_policy(attribute, no)).then_some((c, yes, no))
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
