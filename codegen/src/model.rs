//! The model of one generated resource module: the resource struct, its property types and
//! enums, and its attributes, built from one schema.
//!
//! Rules (see the crate docs for the whole list):
//! * read-only properties are not fields; they are attributes (`Fn::GetAtt`);
//! * nested types are named after their definition, or after the property that holds them
//!   when inline; names are claimed in a fixed order so the output is deterministic;
//! * a `Key`/`Value` string pair is the shared `Tag`;
//! * recursive edges are boxed;
//! * a struct with two or more required fields of the same type takes its required fields by
//!   name, in a `<Type>Required` struct, rather than positionally (see [`takes_required_by_name`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::docs;
use crate::getatt;
use crate::naming::{self, Namer, RESERVED_TYPE_NAMES};
use crate::schema::{Class, JsonWhy, ObjectShape, Schema};

/// The Rust type of a property (inside `Value<...>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`
    Str,
    /// `i64`
    Int,
    /// `f64`
    Num,
    /// `bool`
    Bool,
    /// `Json`
    Json,
    /// `List<T>`
    List(Box<Ty>),
    /// `Map<T>`
    Map(Box<Ty>),
    /// A generated struct or enum of the module, by index into [`Module::types`].
    Named(usize),
    /// The shared `crate::model::tag::Tag`.
    Tag,
}

/// A struct field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The CloudFormation property name.
    pub cfn: String,
    /// The Rust identifier (keyword-safe).
    pub ident: String,
    /// The value type.
    pub ty: Ty,
    /// Taken by `new(...)` instead of a setter.
    pub required: bool,
    /// Boxed, because the field's type contains the struct itself.
    pub boxed: bool,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// A generated struct.
#[derive(Clone, Debug, Default)]
pub struct StructDef {
    /// Fields in the alphabetical order of their CloudFormation names.
    pub fields: Vec<Field>,
    /// The struct `new` takes the required fields in (`<Type>Required`), when they are taken
    /// by name; `None` when `new` takes them as positional arguments.
    pub required_struct: Option<String>,
}

/// Whether `new` takes the required fields by name, in a `<Type>Required` struct: two or more
/// of them have the same type, so positional arguments of that type could be swapped and the
/// program would still compile (an image for a name, a minimum for a maximum). With one
/// required field, or required fields of distinct types, `new` takes them positionally.
pub fn takes_required_by_name(fields: &[Field]) -> bool {
    let required: Vec<&Ty> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| &f.ty)
        .collect();
    required
        .iter()
        .enumerate()
        .any(|(i, t)| required[i + 1..].contains(t))
}

/// The body of a named type.
#[derive(Clone, Debug)]
pub enum Body {
    /// A property type.
    Struct(StructDef),
    /// A string enum: `(variant, value)` in schema order.
    Enum(Vec<(String, String)>),
}

/// A named type of the module.
#[derive(Clone, Debug)]
pub struct NamedType {
    /// The Rust name.
    pub name: String,
    /// Doc lines.
    pub doc: Vec<String>,
    /// What it is.
    pub body: Body,
    /// Dropped: every property of it is read-only.
    pub omitted: bool,
    origin: Origin,
    candidates: Vec<String>,
}

/// A `Fn::GetAtt` accessor.
#[derive(Clone, Debug)]
pub struct Attr {
    /// The attribute name (`Endpoint.Address`).
    pub name: String,
    /// The method (`attr_endpoint_address`).
    pub method: String,
    /// The value type.
    pub ty: AttrTy,
    /// Doc lines.
    pub doc: Vec<String>,
}

/// The type of an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrTy {
    /// `Value<String>`
    Str,
    /// `Value<i64>`
    Int,
    /// `Value<f64>`
    Num,
    /// `Value<bool>`
    Bool,
    /// `Value<List<String>>`
    StrList,
    /// `Value<Json>`
    Json,
}

/// One resource module.
#[derive(Clone, Debug)]
pub struct Module {
    /// `AWS::ECR::Repository`
    pub type_name: String,
    /// The resource struct name (`Repository`).
    pub struct_name: String,
    /// All named types; index 0 is the resource struct.
    pub types: Vec<NamedType>,
    /// Attributes, sorted by name.
    pub attrs: Vec<Attr>,
    /// What the schema says that the module does not type, in the order found.
    pub lost: Vec<Lost>,
}

/// Typing the generated module does not have (counted in the generator's report).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lost {
    /// A property typed as JSON, wholly or inside lists and maps: its CloudFormation path
    /// (`ContainerDefinition.DockerLabels`), its type (`Ty::Json`, a list of it...), and why.
    Json {
        /// The CloudFormation path.
        path: String,
        /// The field's type.
        ty: Ty,
        /// Why.
        why: JsonWhy,
    },
    /// A writable property with no field: the object it holds has only read-only
    /// properties.
    Dropped {
        /// The CloudFormation path.
        path: String,
    },
    /// An attribute whose accessor returns JSON.
    JsonAttribute {
        /// The attribute name (`Endpoint.Address`).
        name: String,
        /// Why.
        why: JsonWhy,
    },
}

impl Ty {
    /// Whether the type is JSON, or a list or map of JSON (not looking into named types).
    pub fn holds_json(&self) -> bool {
        match self {
            Ty::Json => true,
            Ty::List(i) | Ty::Map(i) => i.holds_json(),
            _ => false,
        }
    }
}

impl Module {
    /// The resource struct.
    pub fn resource(&self) -> &NamedType {
        &self.types[0]
    }

    /// Nested structs then enums, each sorted by name (omitted types left out).
    pub fn nested(&self) -> Vec<&NamedType> {
        let mut structs: Vec<&NamedType> = Vec::new();
        let mut enums: Vec<&NamedType> = Vec::new();
        for t in self.types.iter().skip(1).filter(|t| !t.omitted) {
            match t.body {
                Body::Struct(_) => structs.push(t),
                Body::Enum(_) => enums.push(t),
            }
        }
        structs.sort_by(|a, b| a.name.cmp(&b.name));
        enums.sort_by(|a, b| a.name.cmp(&b.name));
        structs.extend(enums);
        structs
    }

    /// Whether any field uses the shared `Tag`.
    pub fn uses_tag(&self) -> bool {
        fn has(t: &Ty) -> bool {
            match t {
                Ty::Tag => true,
                Ty::List(i) | Ty::Map(i) => has(i),
                _ => false,
            }
        }
        self.types
            .iter()
            .filter(|t| !t.omitted)
            .any(|t| match &t.body {
                Body::Struct(s) => s.fields.iter().any(|f| has(&f.ty)),
                Body::Enum(_) => false,
            })
    }
}

/// Where a named type comes from; the order in which names are claimed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Resource,
    Definition(String),
    Inline {
        owner: String,
        prop: String,
        key: String,
    },
}

/// How to name an inline type: who holds it and under which property.
#[derive(Clone, Debug)]
struct Hint {
    /// The base name of the struct that holds it (`None` at the resource level).
    owner: Option<String>,
    /// The property name in `UpperCamelCase` (singular for array items).
    prop: String,
    /// The CloudFormation path for docs (`PortMapping.Protocol`).
    cfn: String,
}

impl Hint {
    fn item(&self) -> Hint {
        Hint {
            owner: self.owner.clone(),
            prop: naming::singular(&self.prop),
            cfn: self.cfn.clone(),
        }
    }

    /// Resource level: `P`, then `ResourceP`. In a definition `D`: `P` when it has two
    /// words or more (specific enough), then `DP`; a one-word `P` (`Type`, `Status`) is
    /// always `DP`.
    fn candidates(&self, resource: &str) -> Vec<String> {
        match &self.owner {
            None => vec![self.prop.clone(), naming::join_names(resource, &self.prop)],
            Some(owner) => {
                let joined = naming::join_names(owner, &self.prop);
                if naming::words(&self.prop).len() >= 2 {
                    vec![self.prop.clone(), joined]
                } else {
                    vec![joined]
                }
            }
        }
    }
}

/// Builds a [`Module`] from a schema.
pub struct Builder<'a> {
    s: &'a Schema,
    type_name: String,
    struct_name: String,
    read_only: BTreeSet<String>,
    create_only: BTreeSet<String>,
    deprecated: BTreeSet<String>,
    /// For each object node (by pointer), the instance paths that reach it.
    reach: BTreeMap<String, BTreeSet<String>>,
    types: Vec<NamedType>,
    by_key: BTreeMap<String, usize>,
    enums_by_values: BTreeMap<(String, Vec<String>), usize>,
    lost: Vec<Lost>,
}

/// Method names a field setter must not take (the constructor, and trait methods a setter
/// would shadow).
const RESERVED_METHODS: &[&str] = &[
    "new", "default", "clone", "fmt", "eq", "ne", "hash", "into", "from", "to_owned", "render",
    "as_str",
];

impl<'a> Builder<'a> {
    /// A builder for the schema of `type_name`.
    pub fn new(s: &'a Schema, type_name: &str) -> Self {
        let last = type_name.rsplit("::").next().unwrap_or(type_name);
        let set = |k: &str| s.root_list(k).into_iter().collect::<BTreeSet<_>>();
        Builder {
            s,
            type_name: type_name.to_owned(),
            struct_name: naming::type_name(last),
            read_only: set("readOnlyProperties"),
            create_only: set("createOnlyProperties"),
            deprecated: set("deprecatedProperties"),
            reach: BTreeMap::new(),
            types: Vec::new(),
            by_key: BTreeMap::new(),
            enums_by_values: BTreeMap::new(),
            lost: Vec::new(),
        }
    }

    /// Build the module.
    pub fn build(mut self) -> Module {
        let mut stack = Vec::new();
        self.walk_reach("", "/properties".to_owned(), &mut stack);

        let (_, class) = self.s.classify("");
        let shape = match class {
            Class::Object(o) => o,
            _ => ObjectShape {
                props: vec![],
                required: BTreeSet::new(),
            },
        };
        let resource_doc = docs::lines(
            &docs::summary(self.s.root_str("description")),
            &[format!("CloudFormation type `{}`.", self.type_name)],
        );
        self.types.push(NamedType {
            name: self.struct_name.clone(),
            doc: resource_doc,
            body: Body::Struct(StructDef::default()),
            omitted: false,
            origin: Origin::Resource,
            candidates: vec![self.struct_name.clone()],
        });
        self.by_key.insert(String::new(), 0);
        let fields = self.fields("", &shape, None, "");
        self.types[0].body = Body::Struct(StructDef {
            fields,
            required_struct: None,
        });

        self.assign_names();
        self.box_recursive_edges();
        let attrs = self.attrs();
        Module {
            type_name: self.type_name,
            struct_name: self.struct_name,
            types: self.types,
            attrs,
            lost: self.lost,
        }
    }

    /// Record, for every object node, the instance paths (`/properties/A/*/B`) that reach
    /// it, so that nested read-only and create-only pointers can be matched.
    fn walk_reach(&mut self, ptr: &str, path: String, stack: &mut Vec<String>) {
        let (key, class) = self.s.classify(ptr);
        match class {
            Class::Object(shape) => {
                self.reach
                    .entry(key.clone())
                    .or_default()
                    .insert(path.clone());
                if stack.contains(&key) {
                    return;
                }
                stack.push(key);
                for (name, p) in &shape.props {
                    if let Some(p) = p {
                        let sub = format!("{path}/{}", name.replace('~', "~0").replace('/', "~1"));
                        self.walk_reach(p, sub, stack);
                    }
                }
                stack.pop();
            }
            Class::List(Some(items)) => self.walk_reach(&items, format!("{path}/*"), stack),
            // Map values have no JSON pointer CloudFormation uses; this path matches nothing.
            Class::Map(v) => self.walk_reach(&v, format!("{path}/<key>"), stack),
            _ => {}
        }
    }

    fn all_paths(&self, key: &str, name: &str, set: &BTreeSet<String>) -> bool {
        let name = name.replace('~', "~0").replace('/', "~1");
        match self.reach.get(key) {
            Some(paths) if !paths.is_empty() => {
                paths.iter().all(|p| set.contains(&format!("{p}/{name}")))
            }
            _ => false,
        }
    }

    /// The fields of the object at `key` (sorted by CloudFormation name).
    fn fields(
        &mut self,
        key: &str,
        shape: &ObjectShape,
        owner: Option<&str>,
        owner_cfn: &str,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut idents: BTreeSet<String> = RESERVED_METHODS
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        for (name, ptr) in &shape.props {
            if self.all_paths(key, name, &self.read_only) {
                continue;
            }
            let hint = Hint {
                owner: owner.map(str::to_owned),
                prop: naming::type_name(name),
                cfn: if owner_cfn.is_empty() {
                    name.clone()
                } else {
                    format!("{owner_cfn}.{name}")
                },
            };
            let ty = match ptr {
                Some(p) => match self.ty_for(p, &hint) {
                    Some(t) => t,
                    None => {
                        self.lost.push(Lost::Dropped { path: hint.cfn });
                        continue;
                    }
                },
                None => Ty::Json,
            };
            if ty.holds_json() {
                let why = match ptr {
                    Some(p) => self.json_why(p),
                    None => JsonWhy::AlternativesDisagree,
                };
                self.lost.push(Lost::Json {
                    path: hint.cfn.clone(),
                    ty: ty.clone(),
                    why,
                });
            }
            let required = shape.required.contains(name);
            let create_only = self.all_paths(key, name, &self.create_only);
            let deprecated =
                key.is_empty() && self.deprecated.contains(&format!("/properties/{name}"));
            let base = naming::snake(name);
            let mut ident = base.clone();
            let mut n = 1;
            while !idents.insert(ident.clone()) {
                n += 1;
                ident = if RESERVED_METHODS.contains(&base.as_str()) && n == 2 {
                    format!("{base}_")
                } else {
                    format!("{base}_{n}")
                };
            }
            let doc = self.field_doc(ptr.as_deref(), name, &ty, required, create_only, deprecated);
            out.push(Field {
                cfn: name.clone(),
                ident: naming::ident(&ident),
                ty,
                required,
                boxed: false,
                doc,
            });
        }
        out
    }

    fn field_doc(
        &self,
        ptr: Option<&str>,
        name: &str,
        ty: &Ty,
        required: bool,
        create_only: bool,
        deprecated: bool,
    ) -> Vec<String> {
        let chain = ptr.map(|p| self.s.ref_chain(p)).unwrap_or_default();
        let desc = chain
            .iter()
            .filter_map(|n| n.get("description").and_then(Value::as_str))
            .find(|d| !d.trim().is_empty())
            .unwrap_or("");
        let mut tail = vec![format!("CloudFormation `{name}`.")];
        if required {
            tail.push("Required.".to_owned());
        }
        let mut cons = docs::constraints(&chain);
        if *ty == Ty::Json && !cons.iter().any(|c| c.starts_with("JSON")) {
            cons.push("JSON".to_owned());
        }
        if !cons.is_empty() {
            tail.push(sentence(&cons.join("; ")));
        }
        if create_only {
            tail.push("Changing it replaces the resource.".to_owned());
        }
        if deprecated {
            tail.push("Deprecated.".to_owned());
        }
        docs::lines(&docs::summary(desc), &tail)
    }

    fn description(&self, key: &str, site: &str) -> String {
        let get = |p: &str| {
            self.s
                .ref_chain(p)
                .iter()
                .filter_map(|n| n.get("description").and_then(Value::as_str))
                .find(|d| !d.trim().is_empty())
                .map(str::to_owned)
        };
        get(key).or_else(|| get(site)).unwrap_or_default()
    }

    /// The type of the property schema at `ptr`; `None` when it is an object whose
    /// properties are all read-only (the property is then not a field).
    fn ty_for(&mut self, ptr: &str, hint: &Hint) -> Option<Ty> {
        let (key, class) = self.s.classify(ptr);
        Some(match class {
            Class::Str => Ty::Str,
            Class::Int => Ty::Int,
            Class::Num => Ty::Num,
            Class::Bool => Ty::Bool,
            Class::Json(_) => Ty::Json,
            Class::StrEnum(values) => Ty::Named(self.enum_type(&key, ptr, values, hint)),
            Class::List(None) => Ty::List(Box::new(Ty::Json)),
            Class::List(Some(items)) => Ty::List(Box::new(self.ty_for(&items, &hint.item())?)),
            Class::Map(v) => Ty::Map(Box::new(self.ty_for(&v, &hint.item())?)),
            Class::Object(shape) => {
                if self.is_tag(&shape) {
                    Ty::Tag
                } else {
                    Ty::Named(self.struct_type(&key, ptr, &shape, hint)?)
                }
            }
        })
    }

    /// Why the property schema at `ptr`, which [`Self::ty_for`] types as JSON or a list or
    /// map of JSON, has no better type (the same path through lists and maps).
    fn json_why(&self, ptr: &str) -> JsonWhy {
        match self.s.classify(ptr).1 {
            Class::Json(why) => why,
            Class::List(None) => JsonWhy::ArrayWithoutItems,
            Class::List(Some(inner)) | Class::Map(inner) => self.json_why(&inner),
            // Not reached: the other classes are typed.
            _ => JsonWhy::Unresolved,
        }
    }

    /// `Key` and `Value`, both plain strings, and nothing else.
    fn is_tag(&self, shape: &ObjectShape) -> bool {
        let names: Vec<&str> = shape.props.iter().map(|p| p.0.as_str()).collect();
        names == ["Key", "Value"]
            && shape.props.iter().all(|(_, p)| {
                p.as_deref()
                    .is_some_and(|p| self.s.classify(p).1 == Class::Str)
            })
    }

    fn origin_and_candidates(
        &self,
        key: &str,
        hint: &Hint,
        suffix: &str,
    ) -> (Origin, Vec<String>, String) {
        let (origin, mut candidates, cfn) = match definition_name(key) {
            Some(def) => {
                let n = naming::type_name(def);
                (Origin::Definition(def.to_owned()), vec![n], def.to_owned())
            }
            None => (
                Origin::Inline {
                    owner: hint.owner.clone().unwrap_or_default(),
                    prop: hint.prop.clone(),
                    key: key.to_owned(),
                },
                hint.candidates(&self.struct_name),
                hint.cfn.clone(),
            ),
        };
        let last = candidates.last().cloned().unwrap_or_default();
        candidates.push(format!("{last}{suffix}"));
        (origin, candidates, cfn)
    }

    fn enum_type(&mut self, key: &str, site: &str, values: Vec<String>, hint: &Hint) -> usize {
        if let Some(&id) = self.by_key.get(key) {
            return id;
        }
        let (origin, candidates, cfn) = self.origin_and_candidates(key, hint, "Enum");
        let dedupe = (candidates[0].clone(), values.clone());
        if let Some(&id) = self.enums_by_values.get(&dedupe) {
            self.by_key.insert(key.to_owned(), id);
            return id;
        }
        let doc = docs::lines(
            &docs::summary(&self.description(key, site)),
            &[format!(
                "Values of `{cfn}`. Values this version does not know go in `Other`."
            )],
        );
        let variants = naming::variant_names(&values)
            .into_iter()
            .zip(values)
            .collect();
        let id = self.types.len();
        self.types.push(NamedType {
            name: String::new(),
            doc,
            body: Body::Enum(variants),
            omitted: false,
            origin,
            candidates,
        });
        self.by_key.insert(key.to_owned(), id);
        self.enums_by_values.insert(dedupe, id);
        id
    }

    fn struct_type(
        &mut self,
        key: &str,
        site: &str,
        shape: &ObjectShape,
        hint: &Hint,
    ) -> Option<usize> {
        if let Some(&id) = self.by_key.get(key) {
            return (!self.types[id].omitted).then_some(id);
        }
        let (origin, candidates, cfn) = self.origin_and_candidates(key, hint, "Property");
        let doc = docs::lines(
            &docs::summary(&self.description(key, site)),
            &[format!(
                "CloudFormation property type `{cfn}` of `{}`.",
                self.type_name
            )],
        );
        let owner = candidates[0].clone();
        let id = self.types.len();
        self.types.push(NamedType {
            name: String::new(),
            doc,
            body: Body::Struct(StructDef::default()),
            omitted: false,
            origin,
            candidates,
        });
        self.by_key.insert(key.to_owned(), id);
        let fields = self.fields(key, shape, Some(&owner), &cfn);
        if fields.is_empty() {
            self.types[id].omitted = true;
            return None;
        }
        self.types[id].body = Body::Struct(StructDef {
            fields,
            required_struct: None,
        });
        Some(id)
    }

    /// Claim names: the resource struct, then definitions by name, then inline types by
    /// owner and property.
    fn assign_names(&mut self) {
        let mut namer = Namer::with_reserved(
            RESERVED_TYPE_NAMES
                .iter()
                .copied()
                .filter(|n| *n != self.struct_name),
        );
        namer.try_claim(&self.struct_name);
        self.types[0].name.clone_from(&self.struct_name);
        let mut order: Vec<usize> = (1..self.types.len())
            .filter(|&i| !self.types[i].omitted)
            .collect();
        order.sort_by(|&a, &b| self.types[a].origin.cmp(&self.types[b].origin));
        for &i in &order {
            let name = namer.claim(&self.types[i].candidates);
            self.types[i].name = name;
        }
        // Then the structs of required fields, so that they never take a property type's name.
        for i in std::iter::once(0).chain(order) {
            let name = self.types[i].name.clone();
            if let Body::Struct(s) = &mut self.types[i].body
                && takes_required_by_name(&s.fields)
            {
                s.required_struct = Some(namer.claim(&[format!("{name}Required")]));
            }
        }
    }

    /// Box every field whose struct type leads back to the struct holding it without going
    /// through a list or a map.
    fn box_recursive_edges(&mut self) {
        let direct = |t: &NamedType| -> Vec<usize> {
            match &t.body {
                Body::Struct(s) => s
                    .fields
                    .iter()
                    .filter_map(|f| match f.ty {
                        Ty::Named(i) => Some(i),
                        _ => None,
                    })
                    .collect(),
                Body::Enum(_) => vec![],
            }
        };
        let edges: Vec<Vec<usize>> = self.types.iter().map(direct).collect();
        let reaches = |from: usize, to: usize| -> bool {
            let mut seen = BTreeSet::new();
            let mut todo = vec![from];
            while let Some(n) = todo.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n) {
                    todo.extend(edges[n].iter().copied());
                }
            }
            false
        };
        let mut boxed: Vec<(usize, usize)> = Vec::new();
        for (i, t) in self.types.iter().enumerate() {
            if let Body::Struct(s) = &t.body {
                for (j, f) in s.fields.iter().enumerate() {
                    if let Ty::Named(target) = f.ty
                        && reaches(target, i)
                    {
                        boxed.push((i, j));
                    }
                }
            }
        }
        for (i, j) in boxed {
            if let Body::Struct(s) = &mut self.types[i].body {
                s.fields[j].boxed = true;
            }
        }
    }

    /// One accessor per read-only property `Fn::GetAtt` can name (see [`getatt`]).
    fn attrs(&mut self) -> Vec<Attr> {
        let mut out: Vec<Attr> = Vec::new();
        let mut methods: BTreeSet<String> = BTreeSet::new();
        let mut lost = Vec::new();
        for (name, segs) in getatt::getatts(&self.type_name, &self.s.root).typed {
            let (ty, desc, why) = self.attr_type(&segs);
            if let Some(why) = why {
                lost.push(Lost::JsonAttribute {
                    name: name.clone(),
                    why,
                });
            }
            let base = format!(
                "attr_{}",
                segs.iter()
                    .map(|s| naming::snake(s))
                    .collect::<Vec<_>>()
                    .join("_")
            );
            let mut method = base.clone();
            let mut n = 1;
            while !methods.insert(method.clone()) {
                n += 1;
                method = format!("{base}_{n}");
            }
            out.push(Attr {
                doc: docs::lines(&docs::summary(&desc), &[format!("`Fn::GetAtt {name}`.")]),
                name,
                method,
                ty,
            });
        }
        self.lost.extend(lost);
        out
    }

    /// The type and description of an attribute, and why it is JSON when it is.
    fn attr_type(&self, segs: &[String]) -> (AttrTy, String, Option<JsonWhy>) {
        let json = |why| (AttrTy::Json, String::new(), Some(why));
        let mut ptr = String::new();
        for (i, seg) in segs.iter().enumerate() {
            let (_, class) = self.s.classify(&ptr);
            let Class::Object(shape) = class else {
                return json(JsonWhy::NotInSchema);
            };
            let p = match shape.props.iter().find(|(n, _)| n == seg) {
                Some((_, Some(p))) => p.clone(),
                Some((_, None)) => return json(JsonWhy::AlternativesDisagree),
                None => return json(JsonWhy::NotInSchema),
            };
            ptr = p;
            if i + 1 == segs.len() {
                let desc = self.description(&ptr, &ptr);
                let (ty, why) = match self.s.classify(&ptr).1 {
                    Class::Str | Class::StrEnum(_) => (AttrTy::Str, None),
                    Class::Int => (AttrTy::Int, None),
                    Class::Num => (AttrTy::Num, None),
                    Class::Bool => (AttrTy::Bool, None),
                    Class::List(Some(items)) => match self.s.classify(&items).1 {
                        Class::Str | Class::StrEnum(_) => (AttrTy::StrList, None),
                        _ => (AttrTy::Json, Some(JsonWhy::StructuredAttribute)),
                    },
                    Class::List(None) => (AttrTy::Json, Some(JsonWhy::ArrayWithoutItems)),
                    Class::Json(why) => (AttrTy::Json, Some(why)),
                    Class::Object(_) | Class::Map(_) => {
                        (AttrTy::Json, Some(JsonWhy::StructuredAttribute))
                    }
                };
                return (ty, desc, why);
            }
        }
        json(JsonWhy::NotInSchema)
    }
}

/// The hash map of the validator's pattern module, which the generator compiles in
/// (`crate::pattern`, from `dsl/src/validate/pattern.rs`) and which names it by this path.
pub mod fasthash {
    /// A plain `HashMap`: the generator compiles each pattern once.
    pub type FastMap<K, V> = std::collections::HashMap<K, V>;
}

/// `X` for the pointer `/definitions/X`.
fn definition_name(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("/definitions/")?;
    (!rest.contains('/')).then_some(rest)
}

/// Capitalize and end with a period.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => format!("{}{}.", f.to_uppercase(), c.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(schema: Value) -> Module {
        let s = Schema::new(schema);
        Builder::new(&s, "AWS::Test::Thing").build()
    }

    fn by_name<'m>(m: &'m Module, name: &str) -> &'m NamedType {
        m.types
            .iter()
            .find(|t| t.name == name && !t.omitted)
            .unwrap_or_else(|| {
                let names: Vec<_> = m.types.iter().map(|t| &t.name).collect();
                panic!("no type {name} in {names:?}")
            })
    }

    fn fields(t: &NamedType) -> &[Field] {
        match &t.body {
            Body::Struct(s) => &s.fields,
            Body::Enum(_) => panic!("{} is an enum", t.name),
        }
    }

    fn field<'m>(m: &'m Module, ty: &str, cfn: &str) -> &'m Field {
        fields(by_name(m, ty))
            .iter()
            .find(|f| f.cfn == cfn)
            .unwrap_or_else(|| panic!("no field {cfn} in {ty}"))
    }

    fn name_of(m: &Module, t: &Ty) -> String {
        match t {
            Ty::Named(i) => m.types[*i].name.clone(),
            Ty::List(i) => format!("List<{}>", name_of(m, i)),
            Ty::Map(i) => format!("Map<{}>", name_of(m, i)),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn read_only_properties_are_attributes_not_fields() {
        let m = build(json!({
            "properties": {
                "Arn": {"type": "string"},
                "Name": {"type": "string"},
                "Ids": {"type": "array", "items": {"type": "string"}},
                "Count": {"type": "integer"},
                "Endpoint": {"$ref": "#/definitions/Endpoint"},
                "Nodes": {"type": "array", "items": {"$ref": "#/definitions/Node"}}
            },
            "definitions": {
                "Endpoint": {"type": "object", "properties": {
                    "Address": {"type": "string"}, "Port": {"type": "integer"}}},
                "Node": {"type": "object", "properties": {"Id": {"type": "string"}}}
            },
            "readOnlyProperties": ["/properties/Arn", "/properties/Ids", "/properties/Count",
                "/properties/Endpoint/Address", "/properties/Endpoint/Port",
                "/properties/Nodes/*/Id"]
        }));
        let names: Vec<&str> = fields(m.resource())
            .iter()
            .map(|f| f.cfn.as_str())
            .collect();
        // Endpoint and Nodes hold nothing writable: no fields for them either.
        assert_eq!(names, ["Name"]);
        let attrs: Vec<(&str, &str, AttrTy)> = m
            .attrs
            .iter()
            .map(|a| (a.name.as_str(), a.method.as_str(), a.ty))
            .collect();
        assert_eq!(
            attrs,
            [
                ("Arn", "attr_arn", AttrTy::Str),
                ("Count", "attr_count", AttrTy::Int),
                ("Endpoint.Address", "attr_endpoint_address", AttrTy::Str),
                ("Endpoint.Port", "attr_endpoint_port", AttrTy::Int),
                ("Ids", "attr_ids", AttrTy::StrList),
            ]
        );
        assert!(m.types.iter().filter(|t| !t.omitted).count() == 1);
    }

    #[test]
    fn required_fields_sorted_and_create_only_documented() {
        let m = build(json!({
            "properties": {
                "Zeta": {"type": "string"}, "Alpha": {"type": "integer"},
                "Opt": {"type": "boolean"}
            },
            "required": ["Zeta", "Alpha"],
            "createOnlyProperties": ["/properties/Zeta"]
        }));
        let f = fields(m.resource());
        let got: Vec<(&str, &str, bool)> = f
            .iter()
            .map(|f| (f.cfn.as_str(), f.ident.as_str(), f.required))
            .collect();
        assert_eq!(
            got,
            [
                ("Alpha", "alpha", true),
                ("Opt", "opt", false),
                ("Zeta", "zeta", true)
            ]
        );
        assert_eq!(f[0].ty, Ty::Int);
        assert!(
            f[2].doc
                .iter()
                .any(|l| l.contains("Changing it replaces the resource."))
        );
        assert!(!f[0].doc.iter().any(|l| l.contains("replaces")));
        assert!(f[2].doc.iter().any(|l| l.contains("Required.")));
    }

    #[test]
    fn required_fields_are_taken_by_name_when_two_have_the_same_type() {
        let m = build(json!({
            "properties": {
                "A": {"$ref": "#/definitions/Same"}, "B": {"$ref": "#/definitions/Same"},
                "C": {"$ref": "#/definitions/Distinct"}, "D": {"$ref": "#/definitions/One"},
                "E": {"$ref": "#/definitions/Lists"}
            },
            "definitions": {
                // two required fields of one enum type
                "Same": {"type": "object", "required": ["X", "Y"], "properties": {
                    "X": {"$ref": "#/definitions/Mode"}, "Y": {"$ref": "#/definitions/Mode"}}},
                "Mode": {"type": "string", "enum": ["ON", "OFF"]},
                // a string and a list of strings are distinct; optional strings do not count
                "Distinct": {"type": "object", "required": ["X", "Y"], "properties": {
                    "X": {"type": "string"},
                    "Y": {"type": "array", "items": {"type": "string"}},
                    "Z": {"type": "string"}}},
                "One": {"type": "object", "required": ["X"], "properties": {
                    "X": {"type": "string"}, "Z": {"type": "string"}}},
                "Lists": {"type": "object", "required": ["X", "Y"], "properties": {
                    "X": {"type": "array", "items": {"type": "integer"}},
                    "Y": {"type": "array", "items": {"type": "integer"}}}}
            }
        }));
        let required = |name: &str| match &by_name(&m, name).body {
            Body::Struct(s) => {
                assert_eq!(
                    s.required_struct.is_some(),
                    takes_required_by_name(&s.fields)
                );
                s.required_struct.clone()
            }
            Body::Enum(_) => panic!("{name} is an enum"),
        };
        assert_eq!(required("Same").as_deref(), Some("SameRequired"));
        assert_eq!(required("Lists").as_deref(), Some("ListsRequired"));
        assert_eq!(required("Distinct"), None);
        assert_eq!(required("One"), None);
        assert_eq!(required("Thing"), None, "no required properties");
    }

    #[test]
    fn inline_enum_and_struct_names() {
        let m = build(json!({
            "properties": {
                "NetworkMode": {"type": "string", "enum": ["awsvpc", "bridge"]},
                "RequiresCompatibilities": {"type": "array",
                    "items": {"type": "string", "enum": ["EC2", "FARGATE"]}},
                "Encryption": {"$ref": "#/definitions/EncryptionType"},
                "PortMappings": {"type": "array", "items": {"$ref": "#/definitions/PortMapping"}},
                "Vpc": {"$ref": "#/definitions/AwsVpcConfiguration"},
                "Rules": {"type": "array", "items": {"type": "object",
                    "properties": {"Priority": {"type": "integer"}}}}
            },
            "definitions": {
                "EncryptionType": {"type": "string", "enum": ["AES256", "KMS"]},
                "PortMapping": {"type": "object", "properties": {
                    "Protocol": {"type": "string", "enum": ["tcp", "udp"]}}},
                "AwsVpcConfiguration": {"type": "object", "properties": {
                    "AssignPublicIp": {"type": "string", "enum": ["DISABLED", "ENABLED"]}}}
            }
        }));
        let ty = |cfn: &str| name_of(&m, &field(&m, "Thing", cfn).ty);
        // inline on a resource property: the property's name (singular for items)
        assert_eq!(ty("NetworkMode"), "NetworkMode");
        assert_eq!(ty("RequiresCompatibilities"), "List<RequiresCompatibility>");
        assert_eq!(ty("Rules"), "List<Rule>");
        // a $ref'd definition keeps its name
        assert_eq!(ty("Encryption"), "EncryptionType");
        // inside a definition: one-word properties get the definition's name in front,
        // longer ones stand alone
        assert_eq!(
            name_of(&m, &field(&m, "PortMapping", "Protocol").ty),
            "PortMappingProtocol"
        );
        assert_eq!(
            name_of(&m, &field(&m, "AwsVpcConfiguration", "AssignPublicIp").ty),
            "AssignPublicIp"
        );
        match &by_name(&m, "NetworkMode").body {
            Body::Enum(v) => assert_eq!(
                v,
                &[
                    ("Awsvpc".to_owned(), "awsvpc".to_owned()),
                    ("Bridge".to_owned(), "bridge".to_owned())
                ]
            ),
            Body::Struct(_) => panic!("NetworkMode is an enum"),
        }
    }

    #[test]
    fn key_value_string_pairs_are_the_shared_tag() {
        let m = build(json!({
            "properties": {
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "Labels": {"type": "array", "items": {"$ref": "#/definitions/Label"}},
                "Counters": {"type": "array", "items": {"$ref": "#/definitions/Counter"}}
            },
            "definitions": {
                "Tag": {"type": "object", "properties": {
                    "Key": {"type": "string", "maxLength": 128}, "Value": {"type": "string"}},
                    "required": ["Key", "Value"]},
                "Label": {"type": "object", "properties": {
                    "Key": {"$ref": "#/definitions/S"}, "Value": {"type": "string"}}},
                "S": {"type": "string"},
                "Counter": {"type": "object", "properties": {
                    "Key": {"type": "string"}, "Value": {"type": "integer"}}}
            }
        }));
        let ty = |cfn: &str| name_of(&m, &field(&m, "Thing", cfn).ty);
        assert_eq!(ty("Tags"), "List<Tag>");
        assert_eq!(ty("Labels"), "List<Tag>");
        assert_eq!(ty("Counters"), "List<Counter>");
        assert!(m.uses_tag());
    }

    #[test]
    fn recursive_edges_are_boxed_but_lists_are_not() {
        let m = build(json!({
            "properties": {"Statement": {"$ref": "#/definitions/Statement"}},
            "definitions": {
                "Statement": {"type": "object", "properties": {
                    "Not": {"$ref": "#/definitions/NotStatement"},
                    "And": {"type": "array", "items": {"$ref": "#/definitions/Statement"}},
                    "Name": {"type": "string"}}},
                "NotStatement": {"type": "object", "required": ["Statement"], "properties": {
                    "Statement": {"$ref": "#/definitions/Statement"}}}
            }
        }));
        assert!(field(&m, "Statement", "Not").boxed);
        assert!(!field(&m, "Statement", "And").boxed);
        assert!(field(&m, "NotStatement", "Statement").boxed);
        assert!(!field(&m, "Thing", "Statement").boxed);
    }

    #[test]
    fn clashing_type_names_are_renamed_deterministically() {
        let m = build(json!({
            "properties": {
                "Option": {"$ref": "#/definitions/Option"},
                "Self": {"$ref": "#/definitions/Thing"},
                "Value": {"type": "object", "properties": {"A": {"type": "string"}}},
                "Type": {"type": "string", "enum": ["a"]},
                "Other": {"$ref": "#/definitions/Type"}
            },
            "definitions": {
                "Option": {"type": "object", "properties": {"A": {"type": "string"}}},
                "Thing": {"type": "object", "properties": {"B": {"type": "string"}}},
                "Type": {"type": "string", "enum": ["b"]}
            }
        }));
        let ty = |cfn: &str| name_of(&m, &field(&m, "Thing", cfn).ty);
        assert_eq!(ty("Option"), "OptionProperty"); // a prelude name
        assert_eq!(ty("Self"), "ThingProperty"); // the resource struct's name
        assert_eq!(ty("Value"), "ThingValue"); // inline: resource name in front
        assert_eq!(ty("Other"), "Type"); // definitions claim names before inline types
        assert_eq!(ty("Type"), "ThingType");
        assert_eq!(field(&m, "Thing", "Self").ident, "self_");
        assert_eq!(field(&m, "Thing", "Type").ident, "r#type");
    }

    #[test]
    fn maps_json_and_primitive_refs() {
        let m = build(json!({
            "properties": {
                "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "Doc": {"type": ["object", "string"]},
                "Policy": {"type": "object"},
                "Key": {"$ref": "#/definitions/KmsKey"},
                "Retention": {"type": "integer", "enum": [1, 3, 5]},
                "Ratio": {"type": "number"}
            },
            "definitions": {"KmsKey": {"type": "string", "minLength": 1, "maxLength": 2048}}
        }));
        let ty = |cfn: &str| field(&m, "Thing", cfn).ty.clone();
        assert_eq!(ty("Labels"), Ty::Map(Box::new(Ty::Str)));
        assert_eq!(ty("Doc"), Ty::Json);
        assert_eq!(ty("Policy"), Ty::Json);
        assert_eq!(ty("Key"), Ty::Str);
        assert_eq!(ty("Retention"), Ty::Int);
        assert_eq!(ty("Ratio"), Ty::Num);
        let key_doc = field(&m, "Thing", "Key").doc.join("\n");
        assert!(key_doc.contains("1 to 2048 characters"), "{key_doc}");
        let ret_doc = field(&m, "Thing", "Retention").doc.join("\n");
        assert!(ret_doc.contains("One of 1, 3, 5"), "{ret_doc}");
    }
}
