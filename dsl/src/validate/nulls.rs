//! `null` values (`FF2019`): CloudFormation refuses a template with a `null` anywhere in
//! it, at validation, with "'null' values are not allowed in templates" and the value's
//! path. YAML writes one with an empty value (`EbsOptimized:`, `!GetAZs` with nothing after
//! it) or `~`; JSON with `null`. The schema checks skip `null` values (they are reported
//! here, once).

use super::{Cx, push_index};
use crate::model::parse::MAX_NESTING;
use crate::model::render::Json;
use crate::rules;

pub(super) fn check(cx: &mut Cx) {
    let body = cx.body;
    let Some(top) = body.as_object() else { return };
    let mut found = Vec::new();
    for (section, v) in top {
        match (section.as_str(), v) {
            (
                "Resources" | "Parameters" | "Outputs" | "Conditions" | "Mappings" | "Rules",
                Json::Object(m),
            ) => {
                for (name, x) in m {
                    if !has_null(x, 0) {
                        continue;
                    }
                    // Resources are named by their logical ID alone, as every rule does;
                    // the other sections' entries by their section.
                    let mut path = if section == "Resources" {
                        name.clone()
                    } else {
                        format!("{section}.{name}")
                    };
                    walk(x, &mut path, Some(name), &mut found, 0);
                }
            }
            // A null section itself too: the walk reports it under the section's name.
            _ if !has_null(v, 0) => {}
            _ => {
                let mut path = section.clone();
                walk(v, &mut path, None, &mut found, 0);
            }
        }
    }
    for (id, path) in found {
        cx.report(
            rules::NULL_VALUE,
            id,
            path,
            "a null value: CloudFormation refuses the template (\"'null' values are not allowed in templates\")",
            Some("give a value, or remove the key (in YAML a key with nothing after it, or `~`, is null; `Fn::GetAZs` takes `\"\"` for the stack's region)".into()),
        );
    }
}

fn walk<'a>(
    v: &Json,
    path: &mut String,
    id: Option<&'a str>,
    out: &mut Vec<(Option<&'a str>, String)>,
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    match v {
        Json::Null => out.push((id, path.clone())),
        Json::Object(m) => {
            for (k, x) in m {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                walk(x, path, id, out, depth + 1);
                path.truncate(len);
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                push_index(path, i);
                walk(x, path, id, out, depth + 1);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether `v` holds a `null` within the nesting [`walk`] follows: a walk that builds no
/// paths, so that only the entries with a `null` (rare) pay for [`walk`]'s.
fn has_null(v: &Json, depth: usize) -> bool {
    depth <= MAX_NESTING
        && match v {
            Json::Null => true,
            Json::Object(m) => m.values().any(|x| has_null(x, depth + 1)),
            Json::Array(a) => a.iter().any(|x| has_null(x, depth + 1)),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use crate::model::parse::MAX_NESTING;
    use crate::model::render::Json;
    use serde_json::json;

    /// The `FF2019` findings of a template body: (logical ID, path).
    fn nulls_of(body: Json) -> Vec<(Option<String>, String)> {
        let t = crate::Template::new("T", body);
        crate::validate::validate(&t)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == crate::rules::NULL_VALUE.id)
            .map(|d| (d.logical_id, d.path))
            .collect()
    }

    /// The `FF2019` paths found in a template whose one resource holds a null `depth` levels
    /// below the resource's entry (its `Metadata` is level 1).
    fn null_paths(depth: usize) -> Vec<String> {
        let mut v = Json::Null;
        for _ in 1..depth {
            v = json!({ "a": v });
        }
        let body = json!({"Resources": {"R": {"Type": "AWS::S3::Bucket", "Metadata": v}}});
        nulls_of(body).into_iter().map(|(_, path)| path).collect()
    }

    /// A section that is null itself, and a null inside a section other than the named
    /// ones (found by walking the whole section), beside sections without a null.
    #[test]
    fn null_sections_and_nulls_in_other_sections() {
        let body = json!({
            "Description": null,
            "Metadata": {"Clean": {"a": 1}, "Tool": {"x": [1, null]}},
            "Outputs": {"O": {"Value": "v"}},
            "Resources": {"R": {"Type": "AWS::S3::Bucket"}}});
        assert_eq!(
            nulls_of(body),
            [
                (None, "Description".to_owned()),
                (None, "Metadata.Tool.x[1]".to_owned())
            ]
        );
    }

    /// A null is found down to the walk's bound and not below it, with the path of its keys
    /// (the check that skips entries without a null has the same bound as the walk).
    #[test]
    fn a_null_is_found_down_to_the_nesting_bound() {
        assert_eq!(null_paths(1), vec!["R.Metadata"]);
        assert_eq!(null_paths(3), vec!["R.Metadata.a.a"]);
        let deepest = null_paths(MAX_NESTING);
        assert_eq!(deepest.len(), 1);
        assert_eq!(
            deepest[0],
            format!("R.Metadata{}", ".a".repeat(MAX_NESTING - 1))
        );
        assert_eq!(null_paths(MAX_NESTING + 1), Vec::<String>::new());
    }

    /// `depth` levels of single-item lists (or single-key mappings) around `inner`.
    fn nest(inner: Json, depth: usize, lists: bool) -> Json {
        (0..depth).fold(
            inner,
            |v, _| if lists { json!([v]) } else { json!({ "a": v }) },
        )
    }

    /// Beside a null within the bound, one below it in the same entry is not reported:
    /// the walk keeps its own bound, through mappings and through lists.
    #[test]
    fn the_walk_stops_at_the_bound_in_an_entry_it_walks() {
        for lists in [false, true] {
            let deep = nest(Json::Null, MAX_NESTING + 2, lists);
            let body = json!({"Resources": {"R": {"Type": "AWS::S3::Bucket",
                "Metadata": {"Shallow": null, "Deep": deep}}}});
            assert_eq!(
                nulls_of(body),
                [(Some("R".to_owned()), "R.Metadata.Shallow".to_owned())],
                "through lists: {lists}"
            );
        }
    }

    /// `has_null` answers for the nesting the walk follows, no deeper.
    #[test]
    fn has_null_looks_as_deep_as_the_walk() {
        for lists in [false, true] {
            assert!(super::has_null(&nest(Json::Null, MAX_NESTING, lists), 0));
            assert!(!super::has_null(
                &nest(Json::Null, MAX_NESTING + 1, lists),
                0
            ));
            assert!(!super::has_null(&nest(json!(1), 3, lists), 0));
        }
    }
}
