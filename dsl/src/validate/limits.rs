//! CloudFormation's template limits (`FF3101`–`FF3107`).

use std::collections::HashMap;

use super::Cx;
use crate::model::render::Json;

/// Inline template bodies (`TemplateBody`) are limited to 51,200 bytes.
pub const INLINE_BODY_LIMIT: usize = 51_200;
/// Templates uploaded to S3 are limited to 1 MB.
pub const BODY_LIMIT: usize = 1_048_576;

/// The size of the body ferroform submits: pretty JSON as `Template::to_json` writes it
/// (two-space indent, trailing newline), computed by walking the tree, without writing it.
pub(crate) fn body_size(body: &Json) -> usize {
    pretty_len(body, 0) + 1
}

fn string_len(s: &str) -> usize {
    // Nearly every string has nothing to escape: one vectorizable count decides.
    let special = s
        .bytes()
        .filter(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .count();
    if special == 0 {
        return 2 + s.len();
    }
    2 + s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                0..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

fn pretty_len(v: &Json, depth: usize) -> usize {
    match v {
        Json::Null | Json::Bool(true) => 4,
        Json::Bool(false) => 5,
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.checked_ilog10().map_or(1, |d| d as usize + 1)
            } else if let Some(i) = n.as_i64() {
                1 + i
                    .unsigned_abs()
                    .checked_ilog10()
                    .map_or(1, |d| d as usize + 1)
            } else {
                n.to_string().len()
            }
        }
        Json::String(s) => string_len(s),
        Json::Array(a) if a.is_empty() => 2,
        Json::Array(a) => {
            let inner: usize = a.iter().map(|x| pretty_len(x, depth + 1)).sum();
            // "[\n" + items (indent, value, ",\n" or "\n") + indent + "]"
            2 + inner + a.len() * (2 * (depth + 1) + 1) + (a.len() - 1) + 2 * depth + 1
        }
        Json::Object(m) if m.is_empty() => 2,
        Json::Object(m) => {
            let inner: usize = m
                .iter()
                .map(|(k, x)| string_len(k) + 2 + pretty_len(x, depth + 1))
                .sum();
            2 + inner + m.len() * (2 * (depth + 1) + 1) + (m.len() - 1) + 2 * depth + 1
        }
    }
}

pub(super) fn check(cx: &mut Cx) {
    let n = cx.resources.map_or(0, |r| r.len());
    if n > 500 {
        cx.report(
            "FF3101",
            None,
            "Resources",
            format!("the template has {n} resources; CloudFormation allows 500"),
            Some("split the stack (cross-stack references or nested stacks)".into()),
        );
    }
    for (section, map) in [
        ("Parameters", cx.parameters),
        ("Outputs", cx.outputs),
        ("Mappings", cx.mappings),
    ] {
        let n = map.map_or(0, |m| m.len());
        if n > 200 {
            cx.report(
                "FF3102",
                None,
                section,
                format!(
                    "the template has {n} {}; CloudFormation allows 200",
                    section.to_lowercase()
                ),
                Some("split the stack".into()),
            );
        }
    }
    for (section, map) in [
        ("Resources", cx.resources),
        ("Parameters", cx.parameters),
        ("Outputs", cx.outputs),
        ("Mappings", cx.mappings),
        ("Conditions", cx.conditions),
    ] {
        for id in map.into_iter().flat_map(|m| m.keys()) {
            let alnum = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
            if !alnum || id.len() > 255 {
                let what = if alnum {
                    format!("is {} characters long; the limit is 255", id.len())
                } else {
                    "is not alphanumeric".to_owned()
                };
                cx.report(
                    "FF3103",
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
    let mut exports: HashMap<String, &str> = HashMap::new();
    let mut dups = Vec::new();
    for (id, o) in cx.outputs.into_iter().flatten() {
        let Some(name) = o.get("Export").and_then(|e| e.get("Name")) else {
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
            "FF3104",
            Some(id),
            format!("{id}.Export.Name"),
            format!(
                "output `{id}` exports the name {name}, which output `{first}` already exports"
            ),
            Some("export names are unique per region and account: give each its own".into()),
        );
    }
    if let Some(d) = cx.body.get("Description").and_then(Json::as_str)
        && d.len() > 1024
    {
        cx.report(
            "FF3107",
            None,
            "Description",
            format!("the description is {} bytes; the limit is 1,024", d.len()),
            None,
        );
    }
    let size = body_size(cx.body);
    if size > BODY_LIMIT {
        cx.report(
            "FF3106",
            None,
            "",
            format!("the template is {size} bytes; CloudFormation accepts at most 1,048,576"),
            Some("split the stack, or shorten repeated values with Mappings".into()),
        );
    } else if size > INLINE_BODY_LIMIT {
        cx.report(
            "FF3105",
            None,
            "",
            format!(
                "the template is {size} bytes, over the 51,200 bytes CloudFormation accepts inline"
            ),
            Some("deploy uploads it to S3 first (an artifact bucket is needed)".into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_size_is_the_pretty_json_length() {
        for body in [
            json!({}),
            json!({"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"X": [1, -20, 3.5, true, false, null, [], {}, "q\"\\\n\u{1}é"]}}}}),
            json!({"a": [[1, [2, {"b": [u64::MAX, i64::MIN]}]]]}),
        ] {
            let t = crate::model::template::Template::new("t", body.clone());
            assert_eq!(body_size(&body), t.to_json().len(), "{body}");
        }
    }
}
