//! The API table (`dsl/data/api.json`): what the generated Rust code looks like, for the
//! programs that write code against it (`ferroform import`) without linking it.
//!
//! One JSON document, deterministic, one resource type per line (so a regeneration's diff
//! reads per type):
//!
//! ```text
//! {"format":1,"resources":{
//! "AWS::ECR::Repository":{"ns":"ecr","module":"repository","types":[...],"attrs":[...]},
//! ...
//! }}
//! ```
//!
//! - `ns`, `module`: the resource struct is `resources::<ns>::<Struct>`; the other types of
//!   the module are `resources::<ns>::<module>::<Type>`.
//! - `types[0]` is the resource struct. A struct is `{"name", "fields": [[cfn, ident, ty,
//!   required, boxed], ...], "required": <name of the struct new() takes, or null>}` (fields
//!   in the order of their CloudFormation names; `new` takes the required ones in that order,
//!   positionally unless `required` names a struct); an enum is `{"name", "values":
//!   [[variant, value], ...]}`; a type the module does not emit is `{"name", "omitted": true}`.
//! - `ty`: `str`, `int`, `num`, `bool`, `json` (a `Document`), `tag` (the shared `Tag`),
//!   `list:<ty>`, `map:<ty>`, `#<index into types>`.
//! - `attrs`: `[[attribute, method, ty], ...]` with `ty` one of `str int num bool strlist json`.

use std::fmt::Write as _;

use serde_json::json;

use crate::model::{AttrTy, Body, Module, Ty};

/// The format version: bump when the layout changes.
pub const FORMAT: u32 = 1;

/// One module's line.
pub struct Entry {
    /// `AWS::ECR::Repository`
    pub type_name: String,
    /// The JSON of the entry.
    pub json: serde_json::Value,
}

fn ty(t: &Ty) -> String {
    match t {
        Ty::Str => "str".to_owned(),
        Ty::Int => "int".to_owned(),
        Ty::Num => "num".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::Json => "json".to_owned(),
        Ty::Tag => "tag".to_owned(),
        Ty::List(i) => format!("list:{}", ty(i)),
        Ty::Map(i) => format!("map:{}", ty(i)),
        Ty::Named(i) => format!("#{i}"),
    }
}

fn attr_ty(t: AttrTy) -> &'static str {
    match t {
        AttrTy::Str => "str",
        AttrTy::Int => "int",
        AttrTy::Num => "num",
        AttrTy::Bool => "bool",
        AttrTy::StrList => "strlist",
        AttrTy::Json => "json",
    }
}

/// The table entry of one generated module.
pub fn entry(m: &Module, ns: &str, module: &str) -> Entry {
    let types: Vec<serde_json::Value> = m
        .types
        .iter()
        .map(|t| {
            if t.omitted {
                return json!({"name": t.name, "omitted": true});
            }
            match &t.body {
                Body::Struct(s) => json!({
                    "name": t.name,
                    "fields": s.fields.iter().map(|f| json!([f.cfn, f.ident, ty(&f.ty), f.required, f.boxed])).collect::<Vec<_>>(),
                    "required": s.required_struct,
                }),
                Body::Enum(values) => json!({
                    "name": t.name,
                    "values": values.iter().map(|(v, s)| json!([v, s])).collect::<Vec<_>>(),
                }),
            }
        })
        .collect();
    let attrs: Vec<serde_json::Value> = m
        .attrs
        .iter()
        .map(|a| json!([a.name, a.method, attr_ty(a.ty)]))
        .collect();
    Entry {
        type_name: m.type_name.clone(),
        json: json!({"ns": ns, "module": module, "types": types, "attrs": attrs}),
    }
}

/// The whole file, entries sorted by type name.
pub fn file(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    let mut out = format!("{{\"format\":{FORMAT},\"resources\":{{\n");
    for (i, e) in entries.iter().enumerate() {
        let sep = if i + 1 == entries.len() { "" } else { "," };
        let _ = writeln!(
            out,
            "{}:{}{sep}",
            serde_json::Value::String(e.type_name.clone()),
            e.json
        );
    }
    out.push_str("}}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Builder;
    use crate::schema::Schema;

    #[test]
    fn a_module_is_one_line_with_fields_enums_and_attributes() {
        let schema = Schema::new(serde_json::json!({
            "typeName": "AWS::Test::Thing",
            "properties": {
                "Name": {"type": "string"},
                "Size": {"type": "integer"},
                "Mode": {"type": "string", "enum": ["ON", "OFF"]},
                "Arn": {"type": "string"}
            },
            "required": ["Name"],
            "readOnlyProperties": ["/properties/Arn"]
        }));
        let m = Builder::new(&schema, "AWS::Test::Thing").build();
        let text = file(vec![entry(&m, "test", "thing")]);
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(v["format"], FORMAT);
        let t = &v["resources"]["AWS::Test::Thing"];
        assert_eq!(t["ns"], "test");
        assert_eq!(t["types"][0]["name"], "Thing");
        assert_eq!(
            t["types"][0]["fields"],
            json!([
                ["Mode", "mode", "#1", false, false],
                ["Name", "name", "str", true, false],
                ["Size", "size", "int", false, false]
            ])
        );
        assert_eq!(
            t["types"][1]["values"],
            json!([["On", "ON"], ["Off", "OFF"]])
        );
        assert_eq!(t["attrs"], json!([["Arn", "attr_arn", "str"]]));
        assert_eq!(
            text.lines().count(),
            3,
            "a line per type between header and end"
        );
    }
}
