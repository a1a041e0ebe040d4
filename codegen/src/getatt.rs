//! What `Fn::GetAtt` accepts for a type, derived in one place for both its uses: the
//! validator's `attributes` list in the constraint data ([`crate::constraints`]) and the
//! generated `attr_*` accessors ([`crate::model`]).
//!
//! Both start from the schema's `readOnlyProperties` (JSON pointers under `/properties/`,
//! read here once). The validator's list then takes the [`crate::fixups`] of the type (every
//! property an attribute, more attributes, `Outputs.*`, anything for custom resources) and
//! keeps pointers through array items as `*` segments. The accessors are the read-only
//! properties `Fn::GetAtt` can name: not through array items, fixups not applied (each has a
//! type from the schema; an attribute a fixup adds is reached with `get_att`).

use serde_json::{Map, Value};

use crate::fixups;

/// The attributes of one type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetAtts {
    /// What the validator accepts: dotted names, `*` for any segment, `Outputs.*`, or `*`
    /// alone for anything. Sorted, without duplicates.
    pub accepted: Vec<String>,
    /// The attributes the generated code has a typed accessor for: `(dotted name, property
    /// path)`, sorted by name, without duplicates.
    pub typed: Vec<(String, Vec<String>)>,
}

/// The attributes of `type_name`, whose provider schema is `schema`.
pub fn getatts(type_name: &str, schema: &Value) -> GetAtts {
    let read_only = read_only_paths(schema);
    let fixes = fixups::for_type(type_name);

    let mut typed: Vec<(String, Vec<String>)> = read_only
        .iter()
        .filter(|(_, segs)| !segs.iter().any(|s| s == "*" || s.is_empty()))
        .map(|(_, segs)| (segs.join("."), segs.clone()))
        .collect();
    typed.sort();
    typed.dedup();

    let mut accepted = Vec::new();
    if fixes.any_attribute {
        accepted.push("*".to_owned());
    }
    if fixes.every_property_is_an_attribute {
        let defs = schema.get("definitions").and_then(Value::as_object);
        if let Some(p) = schema.get("properties").and_then(Value::as_object) {
            for (name, v) in p {
                all_properties(v, defs, name, &mut accepted, 0);
            }
        }
    } else {
        accepted.extend(fixes.more_attributes.iter().map(|n| (*n).to_owned()));
        if fixes.outputs_attributes {
            accepted.push("Outputs.*".to_owned());
        }
        if !fixes.no_read_only_attributes {
            for (pointer, segs) in &read_only {
                if fixes.outputs_attributes && pointer == "/properties/Outputs" {
                    continue;
                }
                accepted.push(segs.join("."));
            }
        }
    }
    accepted.sort();
    accepted.dedup();
    GetAtts { accepted, typed }
}

/// The `readOnlyProperties` pointers under `/properties/`, each with its path (segments
/// unescaped; `*` for array items), in schema order.
fn read_only_paths(schema: &Value) -> Vec<(String, Vec<String>)> {
    schema
        .get("readOnlyProperties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|p| {
            let rest = p.strip_prefix("/properties/")?;
            let segs = rest
                .split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            Some((p.to_owned(), segs))
        })
        .collect()
}

/// The attributes of a type whose every property is one (cfn-lint's `_process_schema`):
/// objects are followed into their properties, `$ref`s resolved; a scalar, or a list of
/// scalars, is an attribute; a list of objects or lists is not.
fn all_properties(
    node: &Value,
    defs: Option<&Map<String, Value>>,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"object") {
        if let Some(p) = node.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                all_properties(v, defs, &format!("{path}.{k}"), out, depth + 1);
            }
        }
    } else if types.contains(&"array") {
        let item_type = node.get("items").and_then(|i| i.get("type"));
        if !matches!(item_type.and_then(Value::as_str), Some("object" | "array")) {
            out.push(path.to_owned());
        }
    } else if let Some(r) = node.get("$ref").and_then(Value::as_str) {
        if let Some(target) = r
            .strip_prefix("#/definitions/")
            .and_then(|n| defs.and_then(|d| d.get(n)))
        {
            all_properties(target, defs, path, out, depth + 1);
        }
    } else {
        out.push(path.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn accepted(type_name: &str, schema: Value) -> Vec<String> {
        getatts(type_name, &schema).accepted
    }

    #[test]
    fn read_only_properties_are_attributes_and_accessors_skip_array_items() {
        let g = getatts(
            "AWS::X::Y",
            &json!({"readOnlyProperties": ["/properties/Endpoint/Address", "/properties/Arn",
                "/properties/Nodes/*/Id", "/properties/Arn", "/properties/A~1B"]}),
        );
        assert_eq!(g.accepted, ["A/B", "Arn", "Endpoint.Address", "Nodes.*.Id"]);
        let names: Vec<&str> = g.typed.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["A/B", "Arn", "Endpoint.Address"]);
        assert_eq!(g.typed[2].1, ["Endpoint", "Address"]);
    }

    #[test]
    fn custom_resources_accept_any_attribute() {
        assert_eq!(accepted("Custom::Thing", json!({})), vec!["*"]);
        assert_eq!(
            accepted(
                "AWS::CloudFormation::Stack",
                json!({"readOnlyProperties": ["/properties/Outputs", "/properties/StackId"]})
            ),
            vec!["Outputs.*"]
        );
        assert_eq!(
            accepted(
                "AWS::ServiceCatalog::CloudFormationProvisionedProduct",
                json!({"readOnlyProperties": ["/properties/Outputs", "/properties/RecordId"]})
            ),
            vec!["Outputs.*", "RecordId"]
        );
    }

    #[test]
    fn fixups_add_writable_properties_and_every_property() {
        assert_eq!(
            accepted(
                "AWS::ServiceDiscovery::Service",
                json!({"readOnlyProperties": ["/properties/Arn", "/properties/Id"]})
            ),
            ["Arn", "Id", "Name"]
        );
        let vpc = json!({
            "properties": {
                "CidrBlock": {"type": "string"},
                "Ipv6": {"type": "array", "items": {"type": "string"}},
                "Tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "Options": {"$ref": "#/definitions/Options"}
            },
            "definitions": {
                "Tag": {"type": "object"},
                "Options": {"type": "object", "properties": {"Dns": {"type": "boolean"}}}
            },
            "readOnlyProperties": ["/properties/VpcId"]
        });
        assert_eq!(
            accepted("AWS::EC2::VPC", vpc.clone()),
            ["CidrBlock", "Ipv6", "Options.Dns", "Tags"]
        );
        // The accessors come from the read-only properties either way.
        let typed = getatts("AWS::EC2::VPC", &vpc).typed;
        assert_eq!(typed, [("VpcId".to_owned(), vec!["VpcId".to_owned()])]);
    }
}
