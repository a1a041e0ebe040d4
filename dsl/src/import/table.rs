//! The table of the generated API (`dsl/data/api.json`, written by `codegen/regenerate.sh`;
//! its layout is documented in `codegen/src/api.rs`): for each generated resource type, the
//! Rust names of its module, structs, fields, enums and attribute methods. Import writes
//! code against it without linking the types it writes about.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value as Json;

static TEXT: &str = include_str!("../../data/api.json");

/// The type of a field (inside `Value<...>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    Str,
    Int,
    Num,
    Bool,
    /// A `Document`: any JSON.
    Json,
    Tag,
    List(Box<Ty>),
    Map(Box<Ty>),
    /// A named type of the module, by index.
    Named(usize),
}

/// A field of a generated struct.
#[derive(Debug)]
pub(crate) struct Field {
    pub cfn: String,
    pub ident: String,
    pub ty: Ty,
    pub required: bool,
}

/// A named type of a module.
#[derive(Debug)]
pub(crate) enum Type {
    Struct {
        name: String,
        fields: Vec<Field>,
        /// The struct `new` takes the required fields in, when it takes them by name.
        required: Option<String>,
    },
    Enum {
        name: String,
        /// `(variant, value)`.
        values: Vec<(String, String)>,
    },
    Omitted,
}

/// A generated resource module.
#[derive(Debug)]
pub(crate) struct Resource {
    pub ns: String,
    pub module: String,
    pub types: Vec<Type>,
    /// `(attribute, method, type)`.
    pub attrs: Vec<(String, String, Ty)>,
}

impl Resource {
    /// The Rust path of named type `index` (the resource struct is re-exported by its
    /// namespace module).
    pub fn path(&self, index: usize) -> String {
        let name = match &self.types[index] {
            Type::Struct { name, .. } | Type::Enum { name, .. } => name.as_str(),
            Type::Omitted => "",
        };
        if index == 0 {
            format!("{}::{name}", self.ns)
        } else {
            format!("{}::{}::{name}", self.ns, self.module)
        }
    }
}

/// The whole table, by CloudFormation type name.
pub(crate) fn get() -> &'static HashMap<String, Resource> {
    static TABLE: OnceLock<HashMap<String, Resource>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TEXT).unwrap_or_default())
}

fn ty(text: &str) -> Option<Ty> {
    Some(match text {
        "str" => Ty::Str,
        "int" => Ty::Int,
        "num" => Ty::Num,
        "bool" => Ty::Bool,
        "json" => Ty::Json,
        "tag" => Ty::Tag,
        // Attribute types.
        "strlist" => Ty::List(Box::new(Ty::Str)),
        t => {
            if let Some(i) = t.strip_prefix("list:") {
                Ty::List(Box::new(ty(i)?))
            } else if let Some(i) = t.strip_prefix("map:") {
                Ty::Map(Box::new(ty(i)?))
            } else {
                Ty::Named(t.strip_prefix('#')?.parse().ok()?)
            }
        }
    })
}

fn parse(text: &str) -> Option<HashMap<String, Resource>> {
    let doc: Json = serde_json::from_str(text).ok()?;
    let s = |v: &Json| v.as_str().map(str::to_owned);
    let mut out = HashMap::new();
    for (type_name, r) in doc.get("resources")?.as_object()? {
        let mut types = Vec::new();
        for t in r.get("types")?.as_array()? {
            let name = s(t.get("name")?)?;
            types.push(
                if let Some(fields) = t.get("fields").and_then(Json::as_array) {
                    let mut fs = Vec::new();
                    for f in fields {
                        let f = f.as_array()?;
                        fs.push(Field {
                            cfn: s(f.first()?)?,
                            ident: s(f.get(1)?)?,
                            ty: ty(f.get(2)?.as_str()?)?,
                            required: f.get(3)?.as_bool()?,
                        });
                    }
                    Type::Struct {
                        name,
                        fields: fs,
                        required: t.get("required").and_then(s),
                    }
                } else if let Some(values) = t.get("values").and_then(Json::as_array) {
                    let mut vs = Vec::new();
                    for v in values {
                        let v = v.as_array()?;
                        vs.push((s(v.first()?)?, s(v.get(1)?)?));
                    }
                    Type::Enum { name, values: vs }
                } else {
                    Type::Omitted
                },
            );
        }
        let mut attrs = Vec::new();
        for a in r.get("attrs")?.as_array()? {
            let a = a.as_array()?;
            attrs.push((s(a.first()?)?, s(a.get(1)?)?, ty(a.get(2)?.as_str()?)?));
        }
        out.insert(
            type_name.clone(),
            Resource {
                ns: s(r.get("ns")?)?,
                module: s(r.get("module")?)?,
                types,
                attrs,
            },
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_names_paths_like_the_generated_code() {
        let t = get();
        assert!(t.len() > 80, "{} types", t.len());
        let repo = &t["AWS::ECR::Repository"];
        assert_eq!(repo.path(0), "ecr::Repository");
        let enc = repo
            .types
            .iter()
            .position(
                |t| matches!(t, Type::Struct { name, .. } if name == "EncryptionConfiguration"),
            )
            .expect("EncryptionConfiguration");
        assert_eq!(repo.path(enc), "ecr::repository::EncryptionConfiguration");
        assert!(
            repo.attrs
                .iter()
                .any(|(a, m, ty)| a == "Arn" && m == "attr_arn" && *ty == Ty::Str)
        );
    }
}
