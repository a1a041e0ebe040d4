//! Reading one resource provider schema: JSON pointers, `$ref` resolution, and the
//! classification of a schema node into the shape the generated code gives it.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// What a schema node becomes in Rust.
#[derive(Clone, Debug, PartialEq)]
pub enum Class {
    /// `type: string` (and strings whose `enum` we do not type).
    Str,
    /// `type: string` with an `enum` of strings.
    StrEnum(Vec<String>),
    /// `type: integer` (integer enums stay integers).
    Int,
    /// `type: number`.
    Num,
    /// `type: boolean`.
    Bool,
    /// `type: array`; the pointer of the item schema when there is one.
    List(Option<String>),
    /// An object with no properties whose values follow one schema (the pointer).
    Map(String),
    /// An object with properties.
    Object(ObjectShape),
    /// A JSON document, or a shape the generator cannot type, and why.
    Json(JsonWhy),
}

/// Why a property is typed as JSON (counted in the generator's report, `report.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum JsonWhy {
    /// `type: object` with no properties and no schema for its values: a free-form
    /// document (policy documents, container labels without a value type...).
    FreeFormObject,
    /// No `type`, no properties, no alternatives: the schema does not say.
    NoType,
    /// `type` lists several types (`["string", "object"]`).
    SeveralTypes,
    /// A `type` the generator does not know (`null`).
    OtherType,
    /// `oneOf`/`anyOf`/`allOf` alternatives of different kinds.
    MixedAlternatives,
    /// Alternatives of an object define this property differently.
    AlternativesDisagree,
    /// A map whose values have no type the generator can give.
    UntypedMapValues,
    /// `patternProperties` whose value schemas differ.
    PatternPropertiesDiffer,
    /// An array without an `items` schema.
    ArrayWithoutItems,
    /// A `$ref` that leads nowhere, or a node that is not a schema object.
    Unresolved,
    /// Nested deeper than the generator follows.
    TooDeep,
    /// An attribute of an object, or of a list of non-strings: accessors return scalars
    /// and lists of strings.
    StructuredAttribute,
    /// A read-only property pointer that names no property of the schema.
    NotInSchema,
}

impl JsonWhy {
    /// In words, for the report.
    pub fn describe(self) -> &'static str {
        match self {
            JsonWhy::FreeFormObject => "object without properties",
            JsonWhy::NoType => "no type in the schema",
            JsonWhy::SeveralTypes => "several types",
            JsonWhy::OtherType => "unknown type",
            JsonWhy::MixedAlternatives => "alternatives of different kinds",
            JsonWhy::AlternativesDisagree => "alternatives define it differently",
            JsonWhy::UntypedMapValues => "map values untyped",
            JsonWhy::PatternPropertiesDiffer => "patternProperties differ",
            JsonWhy::ArrayWithoutItems => "array without items",
            JsonWhy::Unresolved => "unresolved $ref",
            JsonWhy::TooDeep => "nested too deep",
            JsonWhy::StructuredAttribute => "object or non-string list attribute",
            JsonWhy::NotInSchema => "read-only pointer to no property",
        }
    }
}

/// The properties of an object node (its own, plus those its `oneOf`/`anyOf`/`allOf`
/// alternatives define).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectShape {
    /// Properties by name, sorted; the pointer is `None` when alternatives disagree on the
    /// property's schema (it is then typed as JSON).
    pub props: Vec<(String, Option<String>)>,
    /// The names the node requires.
    pub required: BTreeSet<String>,
}

/// One resource provider schema.
pub struct Schema {
    /// The whole document.
    pub root: Value,
}

const SHAPE_KEYS: &[&str] = &[
    "type",
    "properties",
    "$ref",
    "items",
    "enum",
    "oneOf",
    "anyOf",
    "allOf",
    "additionalProperties",
    "patternProperties",
];

/// `a/b` as a JSON pointer segment appended to `ptr`.
pub fn child(ptr: &str, seg: &str) -> String {
    let seg = seg.replace('~', "~0").replace('/', "~1");
    format!("{ptr}/{seg}")
}

impl Schema {
    /// Wrap a parsed schema.
    pub fn new(root: Value) -> Self {
        Schema { root }
    }

    /// The node at a JSON pointer (`""` is the root).
    pub fn node(&self, ptr: &str) -> Option<&Value> {
        self.root.pointer(ptr)
    }

    /// A string at the root (`typeName`, `description`).
    pub fn root_str(&self, key: &str) -> &str {
        self.root.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// A list of strings at the root (`readOnlyProperties`, ...).
    pub fn root_list(&self, key: &str) -> Vec<String> {
        strings(self.root.get(key))
    }

    /// The pointer a `$ref` at `ptr` leads to, following chains of references.
    pub fn deref(&self, ptr: &str) -> String {
        let mut cur = ptr.to_owned();
        for _ in 0..32 {
            let Some(r) = self
                .node(&cur)
                .and_then(|n| n.get("$ref"))
                .and_then(Value::as_str)
            else {
                return cur;
            };
            match r.strip_prefix('#') {
                Some(target) if self.node(target).is_some() => cur = target.to_owned(),
                _ => return cur,
            }
        }
        cur
    }

    /// The nodes from `ptr` along its `$ref` chain (the use site first).
    pub fn ref_chain(&self, ptr: &str) -> Vec<&Map<String, Value>> {
        let mut out = Vec::new();
        let mut cur = ptr.to_owned();
        for _ in 0..32 {
            let Some(obj) = self.node(&cur).and_then(Value::as_object) else {
                break;
            };
            out.push(obj);
            match obj
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                Some(target) if self.node(target).is_some() => cur = target.to_owned(),
                _ => break,
            }
        }
        out
    }

    /// Classify the node at `ptr`: returns the pointer that identifies the shape (the end of
    /// the `$ref` chain, or the alternative a lone `allOf` entry delegates to) and the shape.
    pub fn classify(&self, ptr: &str) -> (String, Class) {
        self.classify_at(ptr, 0)
    }

    fn classify_at(&self, ptr: &str, depth: u32) -> (String, Class) {
        if depth > 24 {
            return (ptr.to_owned(), Class::Json(JsonWhy::TooDeep));
        }
        let ptr = self.deref(ptr);
        let Some(obj) = self.node(&ptr).and_then(Value::as_object) else {
            return (ptr, Class::Json(JsonWhy::Unresolved));
        };
        let mut types: Vec<&str> = match obj.get("type") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        types.dedup();
        if types.len() > 1 {
            let mut sorted = types.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() > 1 {
                return (ptr, Class::Json(JsonWhy::SeveralTypes));
            }
            types = sorted;
        }
        let class = match types.first().copied() {
            Some("string") => string_class(obj),
            Some("integer") => Class::Int,
            Some("number") => Class::Num,
            Some("boolean") => Class::Bool,
            Some("array") => Class::List(items_ptr(&ptr, obj)),
            Some("object") => return self.object_class(&ptr, obj, true, depth),
            None => return self.object_class(&ptr, obj, false, depth),
            Some(_) => Class::Json(JsonWhy::OtherType),
        };
        (ptr, class)
    }

    fn object_class(
        &self,
        ptr: &str,
        obj: &Map<String, Value>,
        typed: bool,
        depth: u32,
    ) -> (String, Class) {
        let mut shape = ObjectShape {
            props: own_props(ptr, obj),
            required: required_of(obj),
        };
        // The alternatives that say something about the shape (not just `required`).
        let mut alts: Vec<(&str, String)> = Vec::new();
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(list) = obj.get(key).and_then(Value::as_array) {
                for (i, alt) in list.iter().enumerate() {
                    let shaped = alt
                        .as_object()
                        .is_some_and(|a| SHAPE_KEYS.iter().any(|k| a.contains_key(*k)));
                    if shaped {
                        alts.push((key, child(&child(ptr, key), &i.to_string())));
                    }
                }
            }
        }
        if !shape.props.is_empty() {
            // Alternatives may add properties; they do not retype the node's own ones (an
            // alternative that narrows a property to some values is a constraint).
            let own: BTreeSet<String> = shape.props.iter().map(|p| p.0.clone()).collect();
            for (key, alt) in &alts {
                if let (_, Class::Object(mut a)) = self.classify_at(alt, depth + 1) {
                    a.props.retain(|p| !own.contains(&p.0));
                    merge_props(self, &mut shape, &a);
                    if *key == "allOf" {
                        shape.required.extend(a.required);
                    }
                }
            }
            return (ptr.to_owned(), Class::Object(shape));
        }
        if !typed {
            if let Some(e) = obj.get("enum").and_then(Value::as_array)
                && !e.is_empty()
                && e.iter().all(Value::is_string)
            {
                return (ptr.to_owned(), string_class(obj));
            }
            if obj.contains_key("items") {
                return (ptr.to_owned(), Class::List(items_ptr(ptr, obj)));
            }
        }
        if !alts.is_empty() {
            let only_all_of = alts.iter().all(|(k, _)| *k == "allOf");
            if only_all_of && alts.len() == 1 {
                return self.classify_at(&alts[0].1, depth + 1);
            }
            let classes: Vec<Class> = alts
                .iter()
                .map(|(_, a)| self.classify_at(a, depth + 1).1)
                .collect();
            if classes.iter().all(|c| matches!(c, Class::Object(_))) {
                for c in &classes {
                    if let Class::Object(a) = c {
                        merge_props(self, &mut shape, a);
                    }
                }
                if only_all_of {
                    for c in &classes {
                        if let Class::Object(a) = c {
                            shape.required.extend(a.required.iter().cloned());
                        }
                    }
                }
                return (ptr.to_owned(), Class::Object(shape));
            }
            let prim = |c: &Class| match c {
                Class::Str | Class::StrEnum(_) => Some(Class::Str),
                Class::Int => Some(Class::Int),
                Class::Num => Some(Class::Num),
                Class::Bool => Some(Class::Bool),
                _ => None,
            };
            if let Some(first) = prim(&classes[0])
                && classes.iter().all(|c| prim(c).as_ref() == Some(&first))
            {
                return (ptr.to_owned(), first);
            }
            return (ptr.to_owned(), Class::Json(JsonWhy::MixedAlternatives));
        }
        // A map: one schema for the values.
        if let Some(Value::Object(_)) = obj.get("additionalProperties") {
            let v = child(ptr, "additionalProperties");
            return (ptr.to_owned(), self.map_of(v, depth));
        }
        if let Some(Value::Object(pp)) = obj.get("patternProperties") {
            let ptrs: Vec<String> = pp
                .keys()
                .map(|k| child(&child(ptr, "patternProperties"), k))
                .collect();
            if let Some(first) = ptrs.first() {
                let c0 = self.classify_at(first, depth + 1).1;
                let same = ptrs
                    .iter()
                    .all(|p| same_class(&self.classify_at(p, depth + 1).1, &c0));
                if same {
                    return (ptr.to_owned(), self.map_of(first.clone(), depth));
                }
                return (
                    ptr.to_owned(),
                    Class::Json(JsonWhy::PatternPropertiesDiffer),
                );
            }
        }
        let why = if obj.contains_key("$ref") {
            // `deref` stopped at a `$ref` it could not follow.
            JsonWhy::Unresolved
        } else if typed {
            JsonWhy::FreeFormObject
        } else {
            JsonWhy::NoType
        };
        (ptr.to_owned(), Class::Json(why))
    }

    fn map_of(&self, value_ptr: String, depth: u32) -> Class {
        let (_, c) = self.classify_at(&value_ptr, depth + 1);
        match c {
            Class::Json(_) => Class::Json(JsonWhy::UntypedMapValues),
            _ => Class::Map(value_ptr),
        }
    }

    /// The schema text of a node with descriptions removed (to compare alternatives).
    fn bare(&self, ptr: &str) -> Value {
        fn strip(v: &Value) -> Value {
            match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .filter(|(k, _)| {
                            !matches!(k.as_str(), "description" | "markdownDescription" | "title")
                        })
                        .map(|(k, v)| (k.clone(), strip(v)))
                        .collect(),
                ),
                Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
                v => v.clone(),
            }
        }
        self.node(&self.deref(ptr)).map_or(Value::Null, strip)
    }
}

fn same_class(a: &Class, b: &Class) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && !matches!(a, Class::Object(_) | Class::Map(_) | Class::List(_))
}

fn merge_props(schema: &Schema, into: &mut ObjectShape, from: &ObjectShape) {
    for (name, p) in &from.props {
        match into.props.iter_mut().find(|(n, _)| n == name) {
            None => into.props.push((name.clone(), p.clone())),
            Some((_, existing)) => {
                let same = match (&*existing, p) {
                    (Some(a), Some(b)) => schema.bare(a) == schema.bare(b),
                    _ => false,
                };
                if !same {
                    *existing = None;
                }
            }
        }
    }
    into.props.sort_by(|a, b| a.0.cmp(&b.0));
}

fn string_class(obj: &Map<String, Value>) -> Class {
    match obj.get("enum").and_then(Value::as_array) {
        Some(e) if !e.is_empty() && e.iter().all(Value::is_string) => {
            let mut seen = BTreeSet::new();
            let values = e
                .iter()
                .filter_map(Value::as_str)
                .filter(|v| seen.insert(*v))
                .map(str::to_owned)
                .collect();
            Class::StrEnum(values)
        }
        _ => Class::Str,
    }
}

fn items_ptr(ptr: &str, obj: &Map<String, Value>) -> Option<String> {
    match obj.get("items") {
        Some(Value::Object(_)) => Some(child(ptr, "items")),
        _ => None,
    }
}

fn own_props(ptr: &str, obj: &Map<String, Value>) -> Vec<(String, Option<String>)> {
    let mut props: Vec<(String, Option<String>)> = obj
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .map(|k| (k.clone(), Some(child(&child(ptr, "properties"), k))))
                .collect()
        })
        .unwrap_or_default();
    props.sort_by(|a, b| a.0.cmp(&b.0));
    props
}

fn required_of(obj: &Map<String, Value>) -> BTreeSet<String> {
    strings(obj.get("required")).into_iter().collect()
}

/// The strings of a list value (other items skipped; nothing when it is not a list).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn class_of(root: Value, ptr: &str) -> Class {
        Schema::new(root).classify(ptr).1
    }

    #[test]
    fn primitives_and_single_entry_type_lists() {
        let s = json!({"properties": {
            "A": {"type": "string"}, "B": {"type": "integer"}, "C": {"type": "number"},
            "D": {"type": "boolean"}, "E": {"type": ["string"]},
            "F": {"type": ["string", "object"]}, "G": {}, "H": {"type": "object"}
        }});
        let c = |p| class_of(s.clone(), &format!("/properties/{p}"));
        assert_eq!(c("A"), Class::Str);
        assert_eq!(c("B"), Class::Int);
        assert_eq!(c("C"), Class::Num);
        assert_eq!(c("D"), Class::Bool);
        assert_eq!(c("E"), Class::Str);
        assert_eq!(c("F"), Class::Json(JsonWhy::SeveralTypes));
        assert_eq!(c("G"), Class::Json(JsonWhy::NoType));
        assert_eq!(c("H"), Class::Json(JsonWhy::FreeFormObject));
    }

    #[test]
    fn json_says_why() {
        let s = json!({"properties": {
            "N": {"type": "null"},
            "R": {"$ref": "#/definitions/Missing"},
            "P": {"type": "object", "patternProperties": {
                "^a": {"type": "string"}, "^b": {"type": "integer"}}},
            "A": {"type": "array"},
            "M": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}}
        }});
        let c = |p| class_of(s.clone(), &format!("/properties/{p}"));
        assert_eq!(c("N"), Class::Json(JsonWhy::OtherType));
        assert_eq!(c("R"), Class::Json(JsonWhy::Unresolved));
        assert_eq!(c("P"), Class::Json(JsonWhy::PatternPropertiesDiffer));
        assert_eq!(c("A"), Class::List(None), "the model says why: no items");
        assert_eq!(c("M"), Class::Json(JsonWhy::UntypedMapValues));
    }

    #[test]
    fn refs_to_primitive_definitions_are_followed() {
        let s = Schema::new(json!({
            "properties": {"K": {"$ref": "#/definitions/KmsKey", "description": "site"}},
            "definitions": {"KmsKey": {"type": "string", "maxLength": 2048}}
        }));
        assert_eq!(
            s.classify("/properties/K"),
            ("/definitions/KmsKey".to_owned(), Class::Str)
        );
    }

    #[test]
    fn enums_maps_and_integer_enums() {
        let s = json!({"properties": {
            "E": {"type": "string", "enum": ["A", "B", "A"]},
            "R": {"type": "integer", "enum": [1, 3, 5]},
            "M": {"type": "object", "additionalProperties": {"type": "string"}},
            "P": {"type": "object", "patternProperties": {"^a": {"type": "integer"}}},
            "J": {"type": "object", "additionalProperties": {"type": ["string", "object"]}}
        }});
        let c = |p| class_of(s.clone(), &format!("/properties/{p}"));
        assert_eq!(c("E"), Class::StrEnum(vec!["A".into(), "B".into()]));
        assert_eq!(c("R"), Class::Int);
        assert_eq!(
            c("M"),
            Class::Map("/properties/M/additionalProperties".into())
        );
        assert_eq!(
            c("P"),
            Class::Map("/properties/P/patternProperties/^a".into())
        );
        assert_eq!(c("J"), Class::Json(JsonWhy::UntypedMapValues));
    }

    #[test]
    fn objects_with_required_only_alternatives_stay_structs() {
        let s = json!({"definitions": {"D": {
            "type": "object",
            "properties": {"A": {"type": "string"}, "B": {"type": "string"}},
            "oneOf": [{"required": ["A"]}, {"required": ["B"]}]
        }}});
        match class_of(s, "/definitions/D") {
            Class::Object(o) => {
                assert_eq!(o.props.len(), 2);
                assert!(o.required.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn alternatives_do_not_retype_own_properties() {
        let s = json!({"definitions": {"D": {
            "type": "object",
            "properties": {"Mode": {"type": "string"}, "A": {"type": "string"}},
            "oneOf": [
                {"properties": {"Mode": {"enum": ["x"]}, "B": {"type": "integer"}}},
                {"properties": {"Mode": {"enum": ["y"]}}}
            ]
        }}});
        match class_of(s, "/definitions/D") {
            Class::Object(o) => {
                let got: Vec<_> = o
                    .props
                    .iter()
                    .map(|(n, p)| (n.as_str(), p.as_deref()))
                    .collect();
                assert_eq!(
                    got,
                    [
                        ("A", Some("/definitions/D/properties/A")),
                        ("B", Some("/definitions/D/oneOf/0/properties/B")),
                        ("Mode", Some("/definitions/D/properties/Mode")),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unrelated_alternatives_are_json_and_object_alternatives_merge() {
        let s = json!({"definitions": {
            "U": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {"A": {"type": "string"}}}]},
            "O": {"oneOf": [
                {"type": "object", "properties": {"A": {"type": "string"}}, "required": ["A"]},
                {"type": "object", "properties": {"B": {"type": "integer"}}, "required": ["B"]}
            ]},
            "S": {"anyOf": [{"type": "string", "pattern": "a"}, {"type": "string"}]}
        }});
        assert_eq!(
            class_of(s.clone(), "/definitions/U"),
            Class::Json(JsonWhy::MixedAlternatives)
        );
        assert_eq!(class_of(s.clone(), "/definitions/S"), Class::Str);
        match class_of(s, "/definitions/O") {
            Class::Object(o) => {
                let names: Vec<_> = o.props.iter().map(|p| p.0.as_str()).collect();
                assert_eq!(names, ["A", "B"]);
                assert!(
                    o.required.is_empty(),
                    "oneOf requirements are not all required"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
