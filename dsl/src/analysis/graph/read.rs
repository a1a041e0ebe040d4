//! Reading one template for the graph: its resources, what each refers to (`Ref`,
//! `Fn::GetAtt`, `Fn::Sub`), what it imports (`Fn::ImportValue`, `Fn::GetStackOutput`) and
//! what its outputs export. Every walk stops [`MAX_DEPTH`] levels down.

use indexmap::{IndexMap, IndexSet};

use crate::model::render::Json;

/// How deep a walk goes into a value before it gives up (a real template nests far less).
pub(super) const MAX_DEPTH: usize = 64;

/// Longest text taken from a template into a label or name.
const MAX_TEXT: usize = 80;

/// What `Properties` is when a resource has none (or something that is not an object).
static NULL: Json = Json::Null;

/// One stack's template, read.
pub(super) struct Stack<'a> {
    /// The stack's name (unique among the stacks drawn).
    pub name: String,
    /// The template.
    pub body: &'a Json,
    /// The resources in template order.
    pub res: IndexMap<&'a str, Res<'a>>,
    /// The logical ids of the resources.
    names: IndexSet<&'a str>,
}

/// One resource of a template.
pub(super) struct Res<'a> {
    /// Its `Type` (empty when missing or not a string).
    pub ty: &'a str,
    /// Its `Properties` (`null` when missing or not an object).
    pub props: &'a Json,
    /// The resources of the same template its properties refer to, in order of appearance.
    pub refs: IndexSet<&'a str>,
    /// What its properties import from other stacks, in order of appearance.
    pub imports: Vec<Import>,
}

/// A value taken from another stack.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Import {
    /// `Fn::ImportValue` of an export name: the name as text (`${Param}` where a parameter
    /// goes) and whether that text is the whole name (no parameter in it).
    Export { name: String, literal: bool },
    /// `Fn::GetStackOutput` of a stack's output, both named by literals.
    Output { stack: String, output: String },
}

impl<'a> Stack<'a> {
    /// Read template `body` of stack `name`.
    pub fn read(name: String, body: &'a Json) -> Stack<'a> {
        let entries = body.get("Resources").and_then(Json::as_object);
        let names: IndexSet<&'a str> = entries
            .into_iter()
            .flatten()
            .map(|(id, _)| id.as_str())
            .collect();
        let mut res = IndexMap::new();
        for (id, r) in entries.into_iter().flatten() {
            let ty = r.get("Type").and_then(Json::as_str).unwrap_or("");
            let props = r
                .get("Properties")
                .filter(|p| p.is_object())
                .unwrap_or(&NULL);
            let mut found = Found::new(&names, &name);
            found.walk(props, 0);
            res.insert(
                id.as_str(),
                Res {
                    ty,
                    props,
                    refs: found.refs,
                    imports: found.imports,
                },
            );
        }
        Stack {
            name,
            body,
            res,
            names,
        }
    }

    /// The resources of this template that `v` refers to, in order of appearance.
    pub fn refs(&self, v: &'a Json) -> IndexSet<&'a str> {
        let mut found = Found::new(&self.names, &self.name);
        found.walk(v, 0);
        found.refs
    }

    /// What `v` imports that can be matched with an export: export names with no
    /// parameter in them, and stack outputs.
    pub fn imports(&self, v: &'a Json) -> Vec<Import> {
        let mut found = Found::new(&self.names, &self.name);
        found.walk(v, 0);
        found
            .imports
            .retain(|i| !matches!(i, Import::Export { literal: false, .. }));
        found.imports
    }

    /// The first resource of this template that `v` refers to.
    pub fn first_ref(&self, v: &'a Json) -> Option<&'a str> {
        self.refs(v).first().copied()
    }

    /// The type of resource `id` (empty when there is no such resource).
    pub fn ty(&self, id: &str) -> &'a str {
        self.res.get(id).map_or("", |r| r.ty)
    }

    /// The properties of resource `id` (`null` when there is no such resource).
    pub fn props(&self, id: &str) -> &'a Json {
        self.res.get(id).map_or(&NULL, |r| r.props)
    }

    /// The outputs that export a value: (export name, the output's `Value`), where the name
    /// is a literal once `AWS::StackName` is this stack's name.
    pub fn exports(&self) -> Vec<(String, &'a Json)> {
        self.outputs()
            .filter_map(|(_, o)| {
                let (name, literal) = text(o.pointer("/Export/Name")?, &self.name, 0);
                literal.then(|| (name, o.get("Value").unwrap_or(&NULL)))
            })
            .collect()
    }

    /// The outputs: (logical id, output).
    pub fn outputs(&self) -> impl Iterator<Item = (&'a str, &'a Json)> {
        self.body
            .get("Outputs")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
}

/// What a walk over a value finds.
struct Found<'a, 'n> {
    names: &'n IndexSet<&'a str>,
    stack: &'n str,
    refs: IndexSet<&'a str>,
    imports: Vec<Import>,
}

impl<'a, 'n> Found<'a, 'n> {
    fn new(names: &'n IndexSet<&'a str>, stack: &'n str) -> Self {
        Found {
            names,
            stack,
            refs: IndexSet::new(),
            imports: Vec::new(),
        }
    }

    fn add(&mut self, name: &'a str) {
        if self.names.contains(name) {
            self.refs.insert(name);
        }
    }

    fn walk(&mut self, v: &'a Json, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Json::Object(m) if m.len() == 1 => {
                if let Some((k, x)) = m.iter().next() {
                    self.function(k, x, depth);
                }
            }
            Json::Object(m) => m.values().for_each(|x| self.walk(x, depth + 1)),
            Json::Array(a) => a.iter().for_each(|x| self.walk(x, depth + 1)),
            _ => {}
        }
    }

    /// A one-key object: an intrinsic function, or a property holding `x`.
    fn function(&mut self, key: &str, x: &'a Json, depth: usize) {
        match (key, x) {
            ("Ref", Json::String(n)) => self.add(n),
            ("Fn::GetAtt", Json::Array(a)) => {
                if let Some(Json::String(n)) = a.first() {
                    self.add(n);
                }
            }
            ("Fn::GetAtt", Json::String(s)) => self.add(s.split('.').next().unwrap_or(s)),
            ("Fn::Sub", Json::String(s)) => self.sub(s, None),
            ("Fn::Sub", Json::Array(a)) => {
                let vars = a.get(1).and_then(Json::as_object);
                if let Some(Json::String(s)) = a.first() {
                    self.sub(s, vars);
                }
                for x in vars.into_iter().flat_map(|m| m.values()) {
                    self.walk(x, depth + 1);
                }
            }
            ("Fn::ImportValue", name) => {
                let (name, literal) = text(name, self.stack, depth);
                self.imports.push(Import::Export { name, literal });
            }
            ("Fn::GetStackOutput", o) => {
                let lit = |k: &str| o.get(k).and_then(Json::as_str).map(str::to_owned);
                if let (Some(stack), Some(output)) = (lit("StackName"), lit("OutputName")) {
                    self.imports.push(Import::Output { stack, output });
                }
            }
            _ => self.walk(x, depth + 1),
        }
    }

    /// The resources named in a `Fn::Sub` string (`${Name}`, `${Name.Attr}`; not `${!x}`
    /// and not the names the variable map `vars` defines).
    fn sub(&mut self, s: &'a str, vars: Option<&serde_json::Map<String, Json>>) {
        for name in sub_names(s) {
            if !vars.is_some_and(|m| m.contains_key(name)) {
                self.add(name);
            }
        }
    }
}

/// The names in `${...}` of a `Fn::Sub` string, the part before a `.` (attribute).
fn sub_names(s: &str) -> impl Iterator<Item = &str> {
    s.split("${").skip(1).filter_map(|part| {
        let inner = part.split_once('}')?.0;
        let name = inner.split('.').next().unwrap_or(inner);
        (!name.starts_with('!') && !name.is_empty()).then_some(name)
    })
}

/// A value as text, and whether the text is all literal: strings as they are,
/// `Fn::Sub` and `Fn::Join` put together, `AWS::StackName` as `stack`, and `${Name}` in
/// place of any other reference; `…` for what cannot be written. At most [`MAX_TEXT`]
/// characters (more is not literal).
pub(super) fn text(v: &Json, stack: &str, depth: usize) -> (String, bool) {
    let (s, literal) = text_inner(v, stack, depth);
    if s.chars().count() > MAX_TEXT {
        (clip(&s), false)
    } else {
        (s, literal)
    }
}

fn text_inner(v: &Json, stack: &str, depth: usize) -> (String, bool) {
    const UNKNOWN: (&str, bool) = ("…", false);
    if depth > MAX_DEPTH {
        return (UNKNOWN.0.to_owned(), false);
    }
    let Json::Object(m) = v else {
        return match v {
            Json::String(s) => (s.clone(), true),
            Json::Number(n) => (n.to_string(), true),
            _ => (UNKNOWN.0.to_owned(), false),
        };
    };
    let one = |k: &str| if m.len() == 1 { m.get(k) } else { None };
    if let Some(Json::String(n)) = one("Ref") {
        return if n == "AWS::StackName" {
            (stack.to_owned(), true)
        } else {
            (format!("${{{n}}}"), false)
        };
    }
    let sub = match one("Fn::Sub") {
        Some(Json::String(s)) => Some(s.as_str()),
        Some(Json::Array(a)) => a.first().and_then(Json::as_str),
        _ => None,
    };
    if let Some(s) = sub {
        let s = s.replace("${AWS::StackName}", stack);
        let literal = !s.contains("${");
        return (s, literal);
    }
    if let Some(Json::Array(a)) = one("Fn::Join")
        && let (Some(sep), Some(Json::Array(items))) = (a.first().and_then(Json::as_str), a.get(1))
    {
        let parts: Vec<_> = items
            .iter()
            .take(32)
            .map(|x| text_inner(x, stack, depth + 1))
            .collect();
        let literal = items.len() <= 32 && parts.iter().all(|(_, l)| *l);
        let joined: Vec<&str> = parts.iter().map(|(s, _)| s.as_str()).collect();
        return (joined.join(sep), literal);
    }
    if let Some(x) = one("Fn::GetAtt") {
        let name = match x {
            Json::String(s) => s.clone(),
            Json::Array(a) => a
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join("."),
            _ => String::new(),
        };
        return (format!("${{{name}}}"), false);
    }
    (UNKNOWN.0.to_owned(), false)
}

/// `s` cut to [`MAX_TEXT`] characters, with `…` when cut.
pub(super) fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_TEXT {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(MAX_TEXT - 1).collect();
    out.push('…');
    out
}

/// A short description of a scalar property: a literal as it is (clipped), `${Name}` for a
/// reference to a parameter or resource; `None` for anything else. Never a parameter's
/// value.
pub(super) fn short(v: Option<&Json>) -> Option<String> {
    match v? {
        Json::String(s) => Some(clip(s)),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Object(m) if m.len() == 1 => match m.get("Ref") {
            Some(Json::String(n)) => Some(format!("${{{}}}", clip(n))),
            _ => None,
        },
        _ => None,
    }
}

/// A literal string property.
pub(super) fn lit<'a>(props: &'a Json, key: &str) -> Option<&'a str> {
    props.get(key).and_then(Json::as_str)
}

/// A literal integer property, written as a number or as digits in a string.
pub(super) fn int(props: &Json, key: &str) -> Option<i64> {
    match props.get(key)? {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The elements of an array property (none when it is not an array).
pub(super) fn items(v: Option<&Json>) -> impl Iterator<Item = &Json> {
    v.and_then(Json::as_array).into_iter().flatten()
}
