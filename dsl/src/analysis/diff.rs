//! How two templates differ: a readable property-level diff ([`property_diff`]), and the
//! resource [`Change`]s that [`broadening`](super::approval::broadening) reads.

use super::mask::Masker;
use crate::model::render::Json;
use crate::validate::secrets::is_no_echo;

/// What a change does to a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeAction {
    /// A new resource.
    Add,
    /// A changed resource.
    Modify,
    /// A removed resource.
    Remove,
    /// Imported, dynamic or another action CloudFormation reports.
    Other,
}

/// Whether a modification replaces the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// Replaced (a new physical resource).
    True,
    /// Replaced depending on values known only at execution.
    Conditional,
    /// Updated in place.
    False,
    /// Not reported (additions, removals, or emulators that leave it out).
    Unknown,
}

/// One resource change of a change set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Add, Modify or Remove.
    pub action: ChangeAction,
    /// Logical ID.
    pub logical_id: String,
    /// Resource type.
    pub resource_type: String,
    /// Replacement, for modifications.
    pub replacement: Replacement,
    /// The changed property paths CloudFormation reports (`Properties.DesiredCount`...).
    pub properties: Vec<String>,
}

const SECTIONS: &[&str] = &[
    "Parameters",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
];

/// Lines describing how `new` differs from `old` (`None`: no stack deployed yet), section by
/// section: `+` added, `-` removed, `~` changed with `old → new` values at each property
/// path. Empty when the templates are equal.
///
/// The `Default` of a NoEcho parameter (NoEcho on either side) is never shown: a change to
/// it reads `~ Default: **** → ****`.
///
/// ```
/// use ferroform::analysis::diff::property_diff;
/// let old = serde_json::json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": "true", "Default": "old-pw"}}});
/// let new = serde_json::json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": "true", "Default": "new-pw"}}});
/// assert_eq!(property_diff(Some(&old), &new), ["Parameters", "  ~ Pw", "      ~ Default: **** → ****"]);
/// ```
pub fn property_diff(old: Option<&Json>, new: &Json) -> Vec<String> {
    let empty = Json::Object(Default::default());
    let old = old.unwrap_or(&empty);
    let mut lines = Vec::new();
    let mut keys: Vec<&str> = SECTIONS.to_vec();
    for body in [new, old] {
        if let Some(o) = body.as_object() {
            for k in o.keys() {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
    }
    for section in keys {
        let a = old.get(section);
        let b = new.get(section);
        if a == b {
            continue;
        }
        let none = serde_json::Map::new();
        let (Some(ao), Some(bo)) = (
            a.map_or(Some(&none), Json::as_object),
            b.map_or(Some(&none), Json::as_object),
        ) else {
            lines.push(format!("~ {section}: {} → {}", short(a), short(b)));
            continue;
        };
        lines.push(section.to_owned());
        let mut names: Vec<&String> = bo.keys().collect();
        names.extend(ao.keys().filter(|k| !bo.contains_key(*k)));
        for name in names {
            let label = |v: &Json| match v.get("Type").and_then(Json::as_str) {
                Some(t) if section == "Resources" => format!("{name} ({t})"),
                _ => name.clone(),
            };
            match (ao.get(name), bo.get(name)) {
                (None, Some(v)) => lines.push(format!("  + {}", label(v))),
                (Some(v), None) => lines.push(format!("  - {}", label(v))),
                (Some(x), Some(y)) if x != y => {
                    lines.push(format!("  ~ {}", label(y)));
                    let mut changes = Vec::new();
                    if section == "Parameters" && (is_no_echo(x) || is_no_echo(y)) {
                        secret_parameter_diff(x, y, &mut changes);
                    } else {
                        walk("", x, y, &mut changes);
                    }
                    for c in changes {
                        lines.push(format!("      {c}"));
                    }
                }
                _ => {}
            }
        }
    }
    lines
}

fn walk(path: &str, a: &Json, b: &Json, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let join = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (a, b) {
        (Json::Object(x), Json::Object(y)) if !is_intrinsic(x) && !is_intrinsic(y) => {
            for (k, v) in y {
                match x.get(k) {
                    None => out.push(format!("+ {}: {}", join(k), short(Some(v)))),
                    Some(old) => walk(&join(k), old, v, out),
                }
            }
            for (k, v) in x {
                if !y.contains_key(k) {
                    out.push(format!("- {}: {}", join(k), short(Some(v))));
                }
            }
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), p, q, out);
            }
        }
        _ => out.push(format!(
            "~ {}: {} → {}",
            if path.is_empty() { "(value)" } else { path },
            short(Some(a)),
            short(Some(b))
        )),
    }
}

/// The changes of a NoEcho parameter's declaration, its `Default` masked.
fn secret_parameter_diff(a: &Json, b: &Json, out: &mut Vec<String>) {
    let without_default = |v: &Json| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("Default");
        }
        v
    };
    walk("", &without_default(a), &without_default(b), out);
    match (a.get("Default"), b.get("Default")) {
        (None, Some(_)) => out.push(format!("+ Default: {}", Masker::MASK)),
        (Some(_), None) => out.push(format!("- Default: {}", Masker::MASK)),
        (Some(x), Some(y)) if x != y => out.push(format!("~ Default: {0} → {0}", Masker::MASK)),
        _ => {}
    }
}

fn is_intrinsic(m: &serde_json::Map<String, Json>) -> bool {
    m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::"))
}

fn short(v: Option<&Json>) -> String {
    let Some(v) = v else {
        return "(none)".into();
    };
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 100 {
        let cut: String = s.chars().take(97).collect();
        format!("{cut}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn desired_count_change_is_one_property_line() {
        let old = json!({"Resources": {"Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 2, "Cluster": {"Ref": "C"}}}}});
        let new = json!({"Resources": {"Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 3, "Cluster": {"Ref": "C"}}}, "Logs": {"Type": "AWS::Logs::LogGroup"}}});
        assert_eq!(
            property_diff(Some(&old), &new),
            vec![
                "Resources",
                "  ~ Svc (AWS::ECS::Service)",
                "      ~ Properties.DesiredCount: 2 → 3",
                "  + Logs (AWS::Logs::LogGroup)",
            ]
        );
        assert!(property_diff(Some(&new), &new).is_empty());
    }

    #[test]
    fn no_echo_defaults_never_show() {
        for no_echo in [json!(true), json!("true")] {
            let old = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": no_echo, "Default": "e"}}});
            let new = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": no_echo, "Default": "hunter2", "MinLength": 1}}});
            let lines = property_diff(Some(&old), &new);
            assert_eq!(
                lines,
                [
                    "Parameters",
                    "  ~ Pw",
                    "      + MinLength: 1",
                    "      ~ Default: **** → ****"
                ]
            );
            let gone = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": false}}});
            let lines = property_diff(Some(&old), &gone).join("\n");
            assert!(!lines.contains("\"e\""), "{lines}");
            assert!(lines.contains("- Default: ****"), "{lines}");
        }
    }
}
