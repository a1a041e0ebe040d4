//! How two templates differ: a readable property-level diff ([`property_diff`]) and the
//! resources added, modified and removed ([`resource_changes`], the input of
//! [`broadening`](super::approval::broadening)).
//!
//! `deploy` compares the deployed template with the new one (and takes its [`Change`]s from
//! the change set CloudFormation makes); `ferroform diff OLD NEW` compares two files.

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
    /// Not reported (additions, removals, emulators that leave it out, or a comparison of
    /// two templates: only CloudFormation knows which updates replace a resource).
    Unknown,
}

/// One resource change: from a change set (`deploy`), or from comparing two templates
/// ([`resource_changes`]).
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
    /// The changed properties (`DesiredCount`...) and other changed attributes of the
    /// resource (`Metadata`, `DependsOn`...), as CloudFormation names them in a change set.
    pub properties: Vec<String>,
}

/// The resources that deploying `new` over `old` (`None`: no stack yet) adds, modifies and
/// removes, as far as the two templates tell: the resources of `new` in its order (added or
/// modified), then those only `old` has. Every [`Change::replacement`] is
/// [`Replacement::Unknown`]: which updates replace a resource is known only to
/// CloudFormation (a change set reports it).
///
/// ```
/// use ferroform::analysis::diff::{ChangeAction, resource_changes};
/// let old = serde_json::json!({"Resources": {
///     "Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 2}},
///     "Old": {"Type": "AWS::Logs::LogGroup"}}});
/// let new = serde_json::json!({"Resources": {
///     "Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 3}},
///     "New": {"Type": "AWS::Logs::LogGroup"}}});
/// let changes = resource_changes(Some(&old), &new);
/// let summary: Vec<_> = changes.iter().map(|c| (c.action, c.logical_id.as_str())).collect();
/// assert_eq!(
///     summary,
///     [(ChangeAction::Modify, "Svc"), (ChangeAction::Add, "New"), (ChangeAction::Remove, "Old")]
/// );
/// assert_eq!(changes[0].properties, ["DesiredCount"]);
/// ```
pub fn resource_changes(old: Option<&Json>, new: &Json) -> Vec<Change> {
    fn resources(body: Option<&Json>) -> Option<&serde_json::Map<String, Json>> {
        body?.get("Resources")?.as_object()
    }
    let none = serde_json::Map::new();
    let before = resources(old).unwrap_or(&none);
    let after = resources(Some(new)).unwrap_or(&none);
    let ty = |r: &Json| {
        r.get("Type")
            .and_then(Json::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let change = |action, id: &str, r: &Json, properties| Change {
        action,
        logical_id: id.to_owned(),
        resource_type: ty(r),
        replacement: Replacement::Unknown,
        properties,
    };
    let mut out = Vec::new();
    for (id, r) in after {
        match before.get(id) {
            None => out.push(change(ChangeAction::Add, id, r, Vec::new())),
            Some(o) if o != r => out.push(change(ChangeAction::Modify, id, r, changed(o, r))),
            Some(_) => {}
        }
    }
    for (id, r) in before {
        if !after.contains_key(id) {
            out.push(change(ChangeAction::Remove, id, r, Vec::new()));
        }
    }
    out
}

/// The changed properties of a resource (by name) and its other changed attributes.
fn changed(old: &Json, new: &Json) -> Vec<String> {
    fn keys<'a>(a: Option<&'a Json>, b: Option<&'a Json>) -> Vec<&'a String> {
        let mut keys: Vec<&String> = b
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
            .collect();
        for k in a
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys
    }
    let mut out = Vec::new();
    for attr in keys(Some(old), Some(new)) {
        let (a, b) = (old.get(attr), new.get(attr));
        if a == b {
            continue;
        }
        match (
            attr.as_str(),
            a.is_none_or(Json::is_object),
            b.is_none_or(Json::is_object),
        ) {
            ("Properties", true, true) => {
                for p in keys(a, b) {
                    if a.and_then(|x| x.get(p)) != b.and_then(|x| x.get(p)) {
                        out.push(p.clone());
                    }
                }
            }
            _ => out.push(attr.clone()),
        }
    }
    out
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
/// it reads `~ Default: **** → ****`, and the same value written anywhere else in either
/// template reads `****` too (when it has at least [`Masker::MIN_FREE_TEXT_SECRET`]
/// characters, see [`Masker::for_diff`]).
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
    let m = &Masker::for_defaults(&[old, new]);
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
            lines.push(format!("~ {section}: {} → {}", short(a, m), short(b, m)));
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
                        secret_parameter_diff(x, y, m, &mut changes);
                    } else {
                        walk("", x, y, m, &mut changes);
                    }
                    for c in changes {
                        lines.push(format!("      {c}"));
                    }
                }
                _ => {}
            }
        }
    }
    // Names and paths too (values are masked before they are shortened).
    lines.into_iter().map(|l| m.mask(&l)).collect()
}

fn walk(path: &str, a: &Json, b: &Json, m: &Masker, out: &mut Vec<String>) {
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
                    None => out.push(format!("+ {}: {}", join(k), short(Some(v), m))),
                    Some(old) => walk(&join(k), old, v, m, out),
                }
            }
            for (k, v) in x {
                if !y.contains_key(k) {
                    out.push(format!("- {}: {}", join(k), short(Some(v), m)));
                }
            }
        }
        (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(&format!("{path}[{i}]"), p, q, m, out);
            }
        }
        _ => out.push(format!(
            "~ {}: {} → {}",
            if path.is_empty() { "(value)" } else { path },
            short(Some(a), m),
            short(Some(b), m)
        )),
    }
}

/// The changes of a NoEcho parameter's declaration, its `Default` masked.
fn secret_parameter_diff(a: &Json, b: &Json, m: &Masker, out: &mut Vec<String>) {
    let without_default = |v: &Json| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("Default");
        }
        v
    };
    walk("", &without_default(a), &without_default(b), m, out);
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

/// `v` as compact JSON, NoEcho defaults masked, cut to 100 characters.
fn short(v: Option<&Json>, m: &Masker) -> String {
    let Some(v) = v else {
        return "(none)".into();
    };
    let s = m.mask(&serde_json::to_string(v).unwrap_or_default());
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

    /// A list that keeps its length is compared item by item; one that grows or shrinks
    /// is one line.
    #[test]
    fn lists_of_the_same_length_show_the_items_that_changed() {
        let t = |subnets: Json| json!({"Resources": {"Svc": {"Type": "AWS::ECS::Service", "Properties": {"Subnets": subnets}}}});
        let old = t(json!(["a", "b", "c"]));
        assert_eq!(
            property_diff(Some(&old), &t(json!(["a", "x", "c"]))),
            vec![
                "Resources",
                "  ~ Svc (AWS::ECS::Service)",
                "      ~ Properties.Subnets[1]: \"b\" → \"x\"",
            ]
        );
        assert_eq!(
            property_diff(Some(&old), &t(json!(["a", "b"]))),
            vec![
                "Resources",
                "  ~ Svc (AWS::ECS::Service)",
                "      ~ Properties.Subnets: [\"a\",\"b\",\"c\"] → [\"a\",\"b\"]",
            ]
        );
    }

    /// A value is shown whole up to 100 characters, cut to 97 and `...` past that.
    #[test]
    fn long_values_are_cut_after_100_characters() {
        let m = Masker::for_defaults(&[]);
        let text = |n: usize| json!("x".repeat(n));
        // The JSON text of a string is its characters and two quotes.
        assert_eq!(
            short(Some(&text(98)), &m),
            format!("\"{}\"", "x".repeat(98))
        );
        assert_eq!(
            short(Some(&text(99)), &m),
            format!("\"{}...", "x".repeat(96))
        );
        assert_eq!(short(None, &m), "(none)");
    }

    /// Entries that did not change are not listed; a parameter without NoEcho shows its
    /// values; an intrinsic function that changed, or a mapping that became one, is one
    /// line, not its keys.
    #[test]
    fn unchanged_entries_plain_parameters_and_intrinsics() {
        let old = json!({
            "Parameters": {"Env": {"Type": "String", "Default": "dev"}},
            "Resources": {
                "Same": {"Type": "AWS::SQS::Queue"},
                "Sub": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Env"}}},
                "Obj": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": {"a": "1"}}}}});
        let new = json!({
            "Parameters": {"Env": {"Type": "String", "Default": "prod"}},
            "Resources": {
                "Same": {"Type": "AWS::SQS::Queue"},
                "Sub": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Env}-t"}}},
                "Obj": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": {"Ref": "Env"}}}}});
        assert_eq!(
            property_diff(Some(&old), &new),
            vec![
                "Parameters",
                "  ~ Env",
                "      ~ Default: \"dev\" → \"prod\"",
                "Resources",
                "  ~ Sub (AWS::SNS::Topic)",
                "      ~ Properties.TopicName: {\"Ref\":\"Env\"} → {\"Fn::Sub\":\"${Env}-t\"}",
                "  ~ Obj (AWS::SNS::Topic)",
                "      ~ Properties.Tags: {\"a\":\"1\"} → {\"Ref\":\"Env\"}",
            ]
        );
    }

    #[test]
    fn resource_changes_name_the_changed_properties_and_attributes() {
        let old = json!({"Resources": {
            "Same": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
            "Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 2, "Cluster": "c", "Old": 1}},
            "Meta": {"Type": "AWS::SNS::Topic", "Metadata": {"a": 1}},
            "Bare": {"Type": "AWS::SQS::Queue"},
            "Gone": {"Type": "AWS::SQS::Queue"}}});
        let new = json!({"Resources": {
            "Added": {"Type": "AWS::SNS::Topic"},
            "Same": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
            "Svc": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": 3, "Cluster": "c", "New": 1}},
            "Meta": {"Type": "AWS::SNS::Topic", "Metadata": {"a": 2}, "DependsOn": "Svc"},
            "Bare": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}}}});
        let changes = resource_changes(Some(&old), &new);
        let got: Vec<(ChangeAction, &str, &str, Vec<&str>)> = changes
            .iter()
            .map(|c| {
                assert_eq!(c.replacement, Replacement::Unknown, "{c:?}");
                (
                    c.action,
                    c.logical_id.as_str(),
                    c.resource_type.as_str(),
                    c.properties.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (ChangeAction::Add, "Added", "AWS::SNS::Topic", vec![]),
                (
                    ChangeAction::Modify,
                    "Svc",
                    "AWS::ECS::Service",
                    vec!["DesiredCount", "New", "Old"]
                ),
                (
                    ChangeAction::Modify,
                    "Meta",
                    "AWS::SNS::Topic",
                    vec!["Metadata", "DependsOn"]
                ),
                (
                    ChangeAction::Modify,
                    "Bare",
                    "AWS::SQS::Queue",
                    vec!["DelaySeconds"]
                ),
                (ChangeAction::Remove, "Gone", "AWS::SQS::Queue", vec![]),
            ]
        );
        // No stack yet, or a template without resources: everything is added.
        let added = resource_changes(None, &new);
        assert_eq!(added.len(), 5);
        assert!(added.iter().all(|c| c.action == ChangeAction::Add));
        assert_eq!(resource_changes(Some(&json!({})), &new), added);
        assert!(resource_changes(Some(&new), &new).is_empty());
        // A Properties that is not an object is one changed attribute.
        let odd = json!({"Resources": {"Bare": {"Type": "AWS::SQS::Queue", "Properties": "x"}}});
        let c = resource_changes(Some(&odd), &new);
        assert_eq!(
            c.iter()
                .find(|c| c.logical_id == "Bare")
                .unwrap()
                .properties,
            ["Properties"]
        );
    }

    #[test]
    fn a_no_echo_default_written_elsewhere_never_shows_even_cut_short() {
        let pw = "correct-horse-battery-staple";
        let t = |password: &str, tags: Json| {
            json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": true, "Default": pw}},
                "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {
                    "MasterUserPassword": password, "Tags": tags}}}})
        };
        // A value shown whole, and values cut at 100 characters: with 70 characters of key
        // the first 97 end in the middle of the secret (`...","Value":"corre`).
        for filler in [1, 70, 80] {
            let tags = json!([{"Key": "x".repeat(filler), "Value": pw}]);
            let lines = property_diff(Some(&t("old", json!([]))), &t(pw, tags)).join("\n");
            assert!(lines.contains("~ Properties.Tags: [] → [{"), "{lines}");
            assert!(
                lines.contains("MasterUserPassword: \"old\" → \"****\""),
                "{lines}"
            );
            assert!(!lines.contains("corr"), "{lines}");
            assert!(!lines.contains("staple"), "{lines}");
        }
        // A default shorter than the free-text minimum is masked as the Default only.
        let short =
            json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": true, "Default": "abc"}}});
        let with = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": true, "Default": "abc"}},
            "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
        assert_eq!(
            property_diff(Some(&short), &with),
            ["Resources", "  + Q (AWS::SQS::Queue)"]
        );
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
            // A default given where there was none; a default unchanged beside a change.
            let none = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": no_echo}}});
            assert_eq!(
                property_diff(Some(&none), &old),
                ["Parameters", "  ~ Pw", "      + Default: ****"]
            );
            let same = json!({"Parameters": {"Pw": {"Type": "String", "NoEcho": no_echo, "Default": "e", "MinLength": 1}}});
            assert_eq!(
                property_diff(Some(&old), &same),
                ["Parameters", "  ~ Pw", "      + MinLength: 1"]
            );
        }
    }
}
