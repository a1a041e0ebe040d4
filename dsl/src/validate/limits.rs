//! CloudFormation's template limits and format (`FF3101`–`FF3108`).

use crate::model::json::Field;
use std::collections::HashMap;

use super::Cx;
use crate::model::export::MAX_OUTPUTS;
use crate::model::render::Json;
use crate::model::stack::{MAX_LOGICAL_ID_LEN, valid_condition_name, valid_logical_id};
use crate::rules;

/// Inline template bodies (`TemplateBody`) are limited to 51,200 bytes.
pub const INLINE_BODY_LIMIT: usize = 51_200;
/// Templates uploaded to S3 are limited to 1 MB.
pub const BODY_LIMIT: usize = 1_048_576;
/// Resources a template may declare.
const MAX_RESOURCES: usize = 500;
/// Bytes of a template's `Description`.
const MAX_DESCRIPTION_BYTES: usize = 1024;

// The figures: CloudFormation quotas,
// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>.

pub(super) fn check(cx: &mut Cx) {
    section_sizes(cx);
    logical_ids(cx);
    shared_namespace(cx);
    duplicate_exports(cx);
    description(cx);
    body_size(cx);
    yaml_aliases(cx);
}

/// How many resources, and how many parameters, outputs and mappings.
fn section_sizes(cx: &mut Cx) {
    let n = cx.resources.map_or(0, serde_json::Map::len);
    if n > MAX_RESOURCES {
        cx.report(
            rules::TOO_MANY_RESOURCES,
            None,
            "Resources",
            format!("the template has {n} resources; CloudFormation allows {MAX_RESOURCES}"),
            Some("split the stack (cross-stack references or nested stacks)".into()),
        );
    }
    for (section, map) in [
        ("Parameters", cx.parameters),
        ("Outputs", cx.outputs),
        ("Mappings", cx.mappings),
    ] {
        // Parameters, outputs and mappings share one quota: the model's (export.rs), which
        // also bounds the outputs cross-stack references add.
        let n = map.map_or(0, serde_json::Map::len);
        if n > MAX_OUTPUTS {
            cx.report(
                rules::TOO_MANY_SECTION_ENTRIES,
                None,
                section,
                format!(
                    "the template has {n} {}; CloudFormation allows {MAX_OUTPUTS}",
                    section.to_lowercase()
                ),
                Some("split the stack".into()),
            );
        }
    }
}

/// Logical IDs and condition names of every section.
fn logical_ids(cx: &mut Cx) {
    for (section, map) in [
        ("Resources", cx.resources),
        ("Parameters", cx.parameters),
        ("Outputs", cx.outputs),
        ("Mappings", cx.mappings),
        ("Conditions", cx.conditions),
    ] {
        // One home for the rules: the model's `valid_logical_id` (1 to 255 alphanumerics) and
        // `valid_condition_name` (any characters).
        let any_chars = section == "Conditions";
        for id in map.into_iter().flat_map(|m| m.keys()) {
            let ok = if any_chars {
                valid_condition_name(id)
            } else {
                valid_logical_id(id)
            };
            let alnum =
                !id.is_empty() && (any_chars || id.bytes().all(|b| b.is_ascii_alphanumeric()));
            if !ok {
                let what = if alnum {
                    format!(
                        "is {} characters long; the limit is {MAX_LOGICAL_ID_LEN}",
                        id.len()
                    )
                } else {
                    "is not alphanumeric".to_owned()
                };
                cx.report(
                    rules::LOGICAL_ID_FORMAT,
                    Some(id),
                    format!("{section}.{id}"),
                    format!("logical ID `{id}` {what}"),
                    Some(
                        "logical IDs are 1 to 255 ASCII letters and digits (A-Z, a-z, 0-9)".into(),
                    ),
                );
            }
        }
    }
}

/// A name both a parameter and a resource.
fn shared_namespace(cx: &mut Cx) {
    // Parameters and resources share one namespace: "unique among all logical names within
    // the template".
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
    let shared: Vec<&String> = cx
        .parameters
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .filter(|k| cx.resource(k).is_some())
        .collect();
    for id in shared {
        cx.report(
            rules::TEMPLATE_STRUCTURE,
            Some(id),
            format!("Parameters.{id}"),
            format!("`{id}` names both a parameter and a resource; logical IDs are unique across the template"),
            Some("rename the parameter or the resource".into()),
        );
    }
}

/// Two outputs exporting the same name.
fn duplicate_exports(cx: &mut Cx) {
    let mut exports: HashMap<String, &str> = HashMap::new();
    let mut dups = Vec::new();
    for (id, o) in cx.outputs.into_iter().flatten() {
        let Some(name) = o.field("Export").and_then(|e| e.field("Name")) else {
            continue;
        };
        let key = match name {
            Json::String(s) => s.clone(),
            Json::Object(_) => name.to_string(),
            _ => continue,
        };
        if let Some(first) = exports.get(&key) {
            dups.push((id.as_str(), *first, key));
        } else {
            exports.insert(key, id);
        }
    }
    for (id, first, name) in dups {
        cx.report(
            rules::DUPLICATE_EXPORT_NAME,
            Some(id),
            format!("{id}.Export.Name"),
            format!(
                "output `{id}` exports the name {name}, which output `{first}` already exports"
            ),
            Some("export names are unique per region and account: give each its own".into()),
        );
    }
}

/// The template's description.
fn description(cx: &mut Cx) {
    if let Some(d) = cx.body.field("Description").and_then(Json::as_str)
        && d.len() > MAX_DESCRIPTION_BYTES
    {
        cx.report(
            rules::DESCRIPTION_TOO_LONG,
            None,
            "Description",
            format!(
                "the description is {} bytes; the limit is {MAX_DESCRIPTION_BYTES}",
                d.len()
            ),
            None,
        );
    }
}

/// The size of the template's text.
fn body_size(cx: &mut Cx) {
    // The size of the text CloudFormation receives: the file as read, or the JSON written
    // once and kept for the output.
    let size = cx.body_len();
    if size > BODY_LIMIT {
        cx.report(
            rules::BODY_TOO_LARGE,
            None,
            "",
            format!("the template is {size} bytes; CloudFormation accepts at most 1,048,576"),
            Some("split the stack, or shorten repeated values with Mappings".into()),
        );
    } else if size > INLINE_BODY_LIMIT {
        cx.report(
            rules::BODY_OVER_INLINE_LIMIT,
            None,
            "",
            format!(
                "the template is {size} bytes, over the 51,200 bytes CloudFormation accepts inline"
            ),
            Some("deploy uploads it to S3 first (an artifact bucket is needed)".into()),
        );
    }
}

/// YAML aliases, which CloudFormation does not read.
fn yaml_aliases(cx: &mut Cx) {
    // "CloudFormation doesn't support the following features: ... Aliases" (AWS
    // CloudFormation User Guide, *Template formats*,
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html).
    // `aws cloudformation package` and SAM expand them first, so this is a warning.
    for a in cx.template.yaml_aliases() {
        cx.report(
            rules::YAML_ALIAS,
            None,
            "",
            format!(
                "line {}, column {}: YAML alias `*{}`; CloudFormation does not read YAML \
                 aliases",
                a.line, a.column, a.anchor
            ),
            Some(
                "write the value out (or deploy through `aws cloudformation package` or SAM, \
                 which expand aliases)"
                    .into(),
            ),
        );
    }
}

#[cfg(test)]
mod body_size_tests {
    use crate::model::template::Template;
    use crate::validate::validate;

    /// The rules a template of exactly `size` bytes (as read) gets among FF3105 and FF3106.
    fn size_rules(size: usize) -> Vec<&'static str> {
        let frame = |pad: usize| {
            format!(
                r#"{{"Metadata":{{"Pad":"{}"}},"Resources":{{"T":{{"Type":"AWS::SNS::Topic"}}}}}}"#,
                "x".repeat(pad)
            )
        };
        let text = frame(size - frame(0).len());
        assert_eq!(text.len(), size);
        let t = Template::parse("t.json", &text).unwrap();
        validate(&t)
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .filter(|r| ["FF3105", "FF3106"].contains(r))
            .collect()
    }

    /// Both limits are inclusive: 51,200 bytes go inline, 1 MB (1,048,576 bytes) is accepted
    /// from S3 (AWS CloudFormation User Guide, *CloudFormation quotas*).
    #[test]
    fn each_limit_is_the_largest_size_accepted() {
        assert!(size_rules(super::INLINE_BODY_LIMIT).is_empty());
        assert_eq!(size_rules(super::INLINE_BODY_LIMIT + 1), ["FF3105"]);
        assert_eq!(size_rules(super::BODY_LIMIT), ["FF3105"]);
        assert_eq!(size_rules(super::BODY_LIMIT + 1), ["FF3106"]);
    }

    /// Issue #9, 16: the limits apply to the text CloudFormation receives — the file as
    /// given — not to ferroform's pretty re-rendering of it.
    #[test]
    fn the_size_limits_measure_the_file_as_given() {
        let mut resources = serde_json::Map::new();
        for i in 0..480 {
            resources.insert(
                format!("Topic{i:03}"),
                serde_json::json!({"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}),
            );
        }
        let body = serde_json::json!({"Resources": resources});
        let minified = serde_json::to_string(&body).unwrap();
        let pretty = Template::new("t", body.clone()).to_json();
        assert!(
            minified.len() < 51_200 && pretty.len() > 51_200,
            "{} {}",
            minified.len(),
            pretty.len()
        );
        let read = Template::parse("t.json", &minified).unwrap();
        assert_eq!(read.body_text(), minified);
        let rules: Vec<&str> = validate(&read).diagnostics.iter().map(|d| d.rule).collect();
        assert!(!rules.contains(&"FF3105"), "{rules:?}");
        // Synthesized, the same body is measured as the JSON ferroform writes.
        let rules: Vec<&str> = validate(&Template::new("t", body))
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .collect();
        assert!(rules.contains(&"FF3105"), "{rules:?}");
    }
}
