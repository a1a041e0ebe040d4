//! FF2000: the template's structure, its sections, resources, outputs and parameters.

use super::*;
use crate::validate::resolve::scalar_text_of;

/// FF2000, the template's structure: its sections, then each resource, output and
/// parameter (keys, and the types of their values).
pub(super) fn structure(cx: &mut Cx) {
    let Some(body) = cx.body.as_object() else {
        return;
    };
    // Whether an intrinsic may stand in DeletionPolicy/UpdateReplacePolicy: with
    // AWS::LanguageExtensions it may; with any other transform a macro may rewrite it, so
    // only a template without a transform is held to the rule (no false alarms).
    let language_extensions = body.contains_key("Transform");
    sections(cx, body);
    resources_structure(cx, language_extensions);
    outputs_structure(cx);
    parameters_structure(cx);
    mappings_structure(cx);
    rules_structure(cx);
}

/// The template's top level: known sections, the format version, sections that are
/// mappings, and at least one resource.
pub(super) fn sections(cx: &mut Cx, body: &serde_json::Map<String, Json>) {
    for k in body.keys() {
        if !SECTIONS.contains(&k.as_str()) {
            let hint = suggest(k, SECTIONS.iter().copied()).map_or_else(
                || format!("template sections are {}", one_of(SECTIONS)),
                |s| format!("did you mean `{s}`?"),
            );
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                None,
                k.clone(),
                format!("unknown template section `{k}`"),
                Some(hint),
            );
        }
    }
    // The description is a literal string of up to 1,024 bytes, never a parameter or a
    // function (template-description-structure.html).
    if let Some(d) = body.field("Description")
        && (d.is_array() || d.is_object())
    {
        cx.report(
            rules::TEMPLATE_STRUCTURE,
            None,
            "Description",
            format!("the template's Description is {}, not text", kind_of(d)),
            Some("write the description as one string (up to 1,024 bytes)".into()),
        );
    }
    if let Some(v) = body.field("AWSTemplateFormatVersion")
        && v.as_str() != Some("2010-09-09")
    {
        cx.report(
            rules::TEMPLATE_STRUCTURE,
            None,
            "AWSTemplateFormatVersion",
            format!("AWSTemplateFormatVersion is {v}"),
            Some("the only version is \"2010-09-09\"".into()),
        );
    }
    for section in [
        "Parameters",
        "Mappings",
        "Conditions",
        "Resources",
        "Outputs",
    ] {
        if let Some(v) = body.field(section)
            && !v.is_object()
        {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                None,
                section,
                format!("the {section} section is not a mapping"),
                None,
            );
        }
    }
    match cx.resources {
        None if body
            .field("Resources")
            .is_none_or(serde_json::Value::is_object) =>
        {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                None,
                "Resources",
                "the template has no Resources section",
                Some("a template needs at least one resource".into()),
            );
        }
        Some(r) if r.is_empty() => cx.report(
            rules::TEMPLATE_STRUCTURE,
            None,
            "Resources",
            "the Resources section is empty",
            Some("a template needs at least one resource".into()),
        ),
        _ => {}
    }
}

/// Each resource: a mapping with a string `Type`, known attributes, and attribute values of
/// the right shape (`DeletionPolicy` and `UpdateReplacePolicy` among the allowed values).
pub(super) fn resources_structure(cx: &mut Cx, language_extensions: bool) {
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(m) = r.as_object() else {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                id.clone(),
                format!("resource `{id}` is not a mapping"),
                None,
            );
            continue;
        };
        match m.field("Type") {
            Some(Json::String(_)) => {}
            Some(_) => cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                format!("{id}.Type"),
                "Type is not a string",
                None,
            ),
            None => cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                id.clone(),
                format!("resource `{id}` has no Type"),
                Some("every resource needs `Type: AWS::<Service>::<Resource>`".into()),
            ),
        }
        for k in m.keys() {
            let known = RESOURCE_KEYS.contains(&k.as_str())
                || (cx.generated.sam() && SAM_RESOURCE_KEYS.contains(&k.as_str()));
            if !known {
                let hint = suggest(k, RESOURCE_KEYS.iter().copied()).map_or_else(
                    || format!("resource attributes are {}", one_of(RESOURCE_KEYS)),
                    |s| format!("did you mean `{s}`?"),
                );
                // The SAM transform builds a serverless resource from its Properties and the
                // attributes it supports, and drops other keys: nothing refuses them.
                let sam_resource = cx.generated.sam()
                    && m.field("Type")
                        .and_then(Json::as_str)
                        .is_some_and(|t| t.starts_with("AWS::Serverless::"));
                let (rule, message) = if sam_resource {
                    (
                        rules::SAM_IGNORED_ATTRIBUTE,
                        format!(
                            "`{k}` is no resource attribute SAM reads: the SAM transform drops it"
                        ),
                    )
                } else {
                    (
                        rules::TEMPLATE_STRUCTURE,
                        format!("unknown resource attribute `{k}`"),
                    )
                };
                cx.report(rule, Some(id), format!("{id}.{k}"), message, Some(hint));
            }
        }
        if let Some(p) = m.field("Properties")
            && !p.is_object()
        {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                format!("{id}.Properties"),
                "Properties is not a mapping",
                None,
            );
        }
        // With a transform, the condition may be an intrinsic function it resolves
        // (AWS::LanguageExtensions resolves an `Fn::Sub` or `Fn::FindInMap` there).
        if let Some(c) = m.field("Condition")
            && !c.is_string()
            && !(c.is_object() && language_extensions)
        {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                format!("{id}.Condition"),
                "Condition is not a condition name",
                None,
            );
        }
        if let Some(d) = m.field("DependsOn") {
            let ok = match d {
                Json::String(_) => true,
                Json::Array(a) => a.iter().all(Json::is_string),
                _ => false,
            };
            if !ok {
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.DependsOn"),
                    "DependsOn is not a logical ID or a list of logical IDs",
                    None,
                );
            }
        }
        for (key, allowed) in [
            (
                "DeletionPolicy",
                &["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"][..],
            ),
            ("UpdateReplacePolicy", &["Delete", "Retain", "Snapshot"][..]),
        ] {
            if let Some(Json::String(v)) = m.field(key)
                && !allowed.contains(&v.as_str())
            {
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{key}"),
                    format!("{key} `{v}` is not valid"),
                    Some(format!("use {}", one_of(allowed))),
                );
            }
            // An intrinsic function here needs the AWS::LanguageExtensions transform:
            // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/function-refs-in-policy-attributes.html
            if m.field(key).is_some_and(Json::is_object) && !language_extensions {
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{key}"),
                    format!("{key} is an intrinsic function, which CloudFormation accepts only with the AWS::LanguageExtensions transform"),
                    Some(format!("add `Transform: AWS::LanguageExtensions` to the template, or write {key} as {}", one_of(allowed))),
                );
            }
        }
        // CreationPolicy and UpdatePolicy are mappings; `Fn::If` may choose between mappings
        // (the Fn::If reference names the update policy attribute), no other function may
        // stand for one: a `Ref` or `Fn::Sub` gives text.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html
        for key in ["CreationPolicy", "UpdatePolicy"] {
            if let Some(v) = m.field(key)
                && !is_policy_mapping(v, 0)
            {
                let what = match intrinsic(v) {
                    Some((f, _)) => format!("`{f}`, which gives no mapping"),
                    None => kind_of(v).to_owned(),
                };
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{key}"),
                    format!("{key} is {what}; CloudFormation takes a mapping"),
                    Some(format!("write {key} as a mapping (e.g. `ResourceSignal: {{Count: 1, Timeout: PT15M}}`), or choose between mappings with `Fn::If`")),
                );
            }
        }
    }
}

/// How many nested `Fn::If`s [`is_policy_mapping`] follows.
pub(super) const POLICY_IF_DEPTH: usize = 16;

/// A resource policy attribute's value: a mapping, or `Fn::If` between mappings (or
/// `AWS::NoValue`).
pub(super) fn is_policy_mapping(v: &Json, depth: usize) -> bool {
    match intrinsic(v) {
        // Deeper than `POLICY_IF_DEPTH` nested `Fn::If`s, no claim (bounded, no false alarm).
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
            depth >= POLICY_IF_DEPTH
                || a[1..]
                    .iter()
                    .all(|b| crate::validate::is_no_value(b) || is_policy_mapping(b, depth + 1))
        }
        Some(_) => false,
        None => v.is_object(),
    }
}

/// What kind of YAML/JSON value `v` is, for messages: `a string`, `a list`...
pub(in crate::validate) fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// An output's `Value` (or a branch of its `Fn::If`) that is a list or a mapping, or a
/// function that gives a list: CloudFormation refuses the template ("The Value field of
/// every Outputs member must evaluate to a String"; the outputs reference: "the value of
/// an output can include literals, parameter references, pseudo parameters, a mapping
/// value, or intrinsic functions", returned as text by `describe-stacks`).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html>
pub(super) fn output_value(cx: &mut Cx, id: &str, v: &Json, depth: usize) {
    let found = match crate::validate::expression(v) {
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 && depth < 16 => {
            for branch in &a[1..] {
                output_value(cx, id, branch, depth + 1);
            }
            return;
        }
        Some((f, args)) => match gives(cx, f, args) {
            Some((what, true)) => format!("{f}, which gives {what}"),
            _ => return,
        },
        None => match v {
            Json::Array(_) | Json::Object(_) => kind_of(v).to_owned(),
            _ => return,
        },
    };
    if cx.generated.rewrites_anything() {
        return;
    }
    cx.report(
        rules::TEMPLATE_STRUCTURE,
        Some(id),
        format!("{id}.Value"),
        format!("output `{id}`'s Value is {found}: an output's value is text"),
        Some("join a list into text (`Fn::Join: [',', ...]`), or output one item of it".into()),
    );
}

/// Each output: a mapping with a `Value`, known attributes, an `Export` with a `Name`.
pub(super) fn outputs_structure(cx: &mut Cx) {
    for (id, o) in cx.outputs.into_iter().flatten() {
        let Some(m) = o.as_object() else {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                id.clone(),
                format!("output `{id}` is not a mapping"),
                None,
            );
            continue;
        };
        if !m.contains_key("Value") {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                id.clone(),
                format!("output `{id}` has no Value"),
                None,
            );
        }
        for k in m.keys() {
            if !OUTPUT_KEYS.contains(&k.as_str()) {
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{k}"),
                    format!("unknown output attribute `{k}`"),
                    Some(format!("outputs have {}", one_of(OUTPUT_KEYS))),
                );
            }
        }
        if let Some(v) = m.field("Value") {
            output_value(cx, id, v, 0);
        }
        if let Some(e) = m.field("Export") {
            match e.field("Name") {
                None => cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.Export"),
                    "Export has no Name",
                    None,
                ),
                // A name: text, or a function that gives it.
                Some(n) if !crate::validate::refs::gives_text(n) => cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.Export.Name"),
                    format!("the export's Name is {}, not text", kind_of(n)),
                    Some("write `Export: {Name: !Sub '${AWS::StackName}-Thing'}`".into()),
                ),
                Some(_) => {}
            }
        }
    }
}

/// Each mapping of the Mappings section: top-level keys, each a mapping of second-level keys
/// to values that "can be String or List types" (a nested mapping is refused).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/mappings-section-structure.html>
pub(super) fn mappings_structure(cx: &mut Cx) {
    let mut found: Vec<(String, String, String)> = Vec::new();
    for (name, map) in cx.mappings.into_iter().flatten() {
        if crate::validate::stands_in(map) {
            continue;
        }
        let Some(top) = map.as_object() else {
            found.push((
                name.clone(),
                name.clone(),
                format!(
                    "mapping `{name}` is {}, not a mapping of keys",
                    kind_of(map)
                ),
            ));
            continue;
        };
        for (key, second) in top {
            if crate::validate::stands_in(second) {
                continue;
            }
            let Some(second) = second.as_object() else {
                found.push((name.clone(), format!("{name}.{key}"), format!("top-level key `{key}` of mapping `{name}` is {}, not a mapping of second-level keys", kind_of(second))));
                continue;
            };
            for (k, v) in second {
                if v.is_object() && !crate::validate::stands_in(v) {
                    found.push((name.clone(), format!("{name}.{key}.{k}"), format!("the value of `{name}.{key}.{k}` is a mapping: mapping values are text or lists")));
                }
            }
        }
    }
    for (name, path, what) in found {
        cx.report(
            rules::TEMPLATE_STRUCTURE,
            Some(&name),
            path,
            what,
            Some(
                "write `Mappings: {Map: {TopLevelKey: {SecondLevelKey: value or [values]}}}`"
                    .into(),
            ),
        );
    }
}

/// Each rule of the Rules section: a mapping with an optional `RuleCondition` and the
/// `Assertions` it "must include", a list of mappings each with its `Assert` and an optional
/// text `AssertDescription`; the condition functions in them take the lists they take
/// elsewhere. Other keys are not judged: AWS's own samples carry some
/// (`AssetDescription`), and what CloudFormation does with them is not documented.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/rules-section-structure.html>
pub(super) fn rules_structure(cx: &mut Cx) {
    let Some(rules_section) = cx.body.field("Rules") else {
        return;
    };
    let Some(section) = rules_section.as_object() else {
        cx.report(
            rules::TEMPLATE_STRUCTURE,
            None,
            "Rules",
            "the Rules section is not a mapping",
            None,
        );
        return;
    };
    let mut found: Vec<(String, String, String, Option<String>)> = Vec::new();
    for (id, rule) in section {
        let mut bad = |path: String, what: String, hint: Option<&str>| {
            found.push((id.clone(), path, what, hint.map(str::to_owned)));
        };
        let Some(m) = rule.as_object() else {
            bad(
                id.clone(),
                format!("rule `{id}` is not a mapping"),
                Some(RULE_FORM),
            );
            continue;
        };
        if let Some(c) = m.field("RuleCondition") {
            rule_functions(c, &mut format!("{id}.RuleCondition"), &mut bad);
        }
        match m.field("Assertions") {
            None => bad(
                id.clone(),
                format!("rule `{id}` has no Assertions"),
                Some(RULE_FORM),
            ),
            Some(Json::Array(assertions)) => {
                for (i, a) in assertions.iter().enumerate() {
                    let at = format!("{id}.Assertions[{i}]");
                    let Some(a) = a.as_object() else {
                        bad(at, "an assertion is not a mapping".into(), Some(RULE_FORM));
                        continue;
                    };
                    match a.field("Assert") {
                        None => bad(
                            at.clone(),
                            "an assertion has no Assert".into(),
                            Some(RULE_FORM),
                        ),
                        Some(x) => rule_functions(x, &mut format!("{at}.Assert"), &mut bad),
                    }
                    if let Some(d) = a.field("AssertDescription")
                        && !d.is_string()
                    {
                        bad(
                            format!("{at}.AssertDescription"),
                            "AssertDescription is not text".into(),
                            Some(RULE_FORM),
                        );
                    }
                }
            }
            Some(_) => bad(
                format!("{id}.Assertions"),
                "Assertions is not a list".into(),
                Some(RULE_FORM),
            ),
        }
    }
    for (id, path, what, hint) in found {
        cx.report(rules::TEMPLATE_STRUCTURE, Some(&id), path, what, hint);
    }
    // A rule's functions work on the values given to the parameters, before any resource
    // exists: its `Ref`s name parameters or pseudo parameters.
    if cx.generated.rewrites_anything() {
        return;
    }
    let mut refs = Vec::new();
    for (id, rule) in section {
        calls(rule, &mut id.clone(), &mut |at, f, args| {
            if let ("Ref", Json::String(name)) = (f, args) {
                refs.push((id.clone(), format!("{at}.Ref"), name.clone()));
            }
        });
    }
    for (id, path, name) in refs {
        if cx.parameters.is_some_and(|p| p.contains_key(&name))
            || crate::pseudo::ALL.contains(&name.as_str())
        {
            continue;
        }
        let hint = suggest(
            &name,
            cx.parameters.into_iter().flatten().map(|(k, _)| k.as_str()),
        )
        .map_or_else(
            || "a rule refers to the template's parameters (and pseudo parameters) only".to_owned(),
            |s| format!("did you mean `{s}`?"),
        );
        cx.report(
            rules::UNKNOWN_REF,
            Some(&id),
            path,
            format!("Ref to `{name}`, which is not a parameter of the template"),
            Some(hint),
        );
    }
}

/// Each function call of a rule (`v`, at `path`): a one-key mapping, with its name and
/// arguments, before the calls inside it.
fn calls(v: &Json, path: &mut String, visit: &mut impl FnMut(&str, &str, &Json)) {
    match v {
        Json::Object(m) => {
            if m.len() == 1
                && let Some((f, args)) = m.iter().next()
            {
                visit(path, f, args);
            }
            for (k, x) in m {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                calls(x, path, visit);
                path.truncate(len);
            }
        }
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                calls(x, path, visit);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// How a rule is written, for the hints of `rules_structure`.
const RULE_FORM: &str = "write `RuleName: {RuleCondition: condition (optional), Assertions: [{Assert: condition, AssertDescription: text}]}`";

/// The condition functions of a rule's condition or assertion `v` (at `path`), each with
/// the list it takes.
fn rule_functions(v: &Json, path: &mut String, bad: &mut impl FnMut(String, String, Option<&str>)) {
    calls(v, path, &mut |at, f, args| {
        if let Some((what, hint)) = crate::validate::refs::condition_problem(f, args) {
            bad(format!("{at}.{f}"), format!("{f} {what}"), Some(hint));
        }
    });
}

/// Each parameter: a mapping with a valid `Type` and known attributes.
pub(super) fn parameters_structure(cx: &mut Cx) {
    for (id, p) in cx.parameters.into_iter().flatten() {
        let Some(m) = p.as_object() else {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                id.clone(),
                format!("parameter `{id}` is not a mapping"),
                None,
            );
            continue;
        };
        if let Some(ty @ ("String" | "Number")) = m.field("Type").and_then(Json::as_str) {
            default_within_constraints(cx, id, p, ty);
        }
        match m.field("Type").and_then(Json::as_str) {
            None => cx.report(rules::TEMPLATE_STRUCTURE, Some(id), id.clone(), format!("parameter `{id}` has no Type"), None),
            Some(t) if !valid_parameter_type(t) => cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                format!("{id}.Type"),
                format!("`{t}` is not a parameter type"),
                Some("use String, Number, List<Number>, CommaDelimitedList, an AWS-specific type (AWS::EC2::VPC::Id ...) or AWS::SSM::Parameter::Value<...>".into()),
            ),
            Some(_) => {}
        }
        for k in m.keys() {
            if !PARAMETER_KEYS.contains(&k.as_str()) {
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{k}"),
                    format!("unknown parameter attribute `{k}`"),
                    Some(format!("parameters have {}", one_of(PARAMETER_KEYS))),
                );
            }
        }
    }
}

/// FF2039: a `String` or `Number` parameter's `Default` against its own constraints. "If you
/// define constraints for the parameter, you must specify a value that adheres to those
/// constraints" (the parameter's `Default`): `AllowedValues` (one of them), `AllowedPattern`
/// (matching the whole value), `MinLength` and `MaxLength` (characters, for `String`),
/// `MinValue` and `MaxValue` (for `Number`). List types, whose constraints apply to each
/// item, and a constraint that is not written out (or a pattern the engines cannot compile)
/// are not judged. A NoEcho parameter's default is never shown.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
fn default_within_constraints(cx: &mut Cx, id: &str, p: &Json, ty: &str) {
    let Some(default) = p.field("Default").and_then(scalar_text_of) else {
        return;
    };
    let secret = crate::validate::secrets::is_no_echo(p);
    let shown = if secret {
        "the Default (NoEcho, not shown)".to_owned()
    } else {
        format!("the Default `{default}`")
    };
    let number = |v: &Json| scalar_text_of(v).and_then(|t| t.trim().parse::<f64>().ok());
    let mut problems: Vec<String> = Vec::new();
    if let Some(Json::Array(allowed)) = p.field("AllowedValues") {
        let texts: Option<Vec<String>> = allowed.iter().map(scalar_text_of).collect();
        if let Some(texts) = texts {
            let found = if ty == "Number" {
                let d = default.trim().parse::<f64>().ok();
                d.is_none() || allowed.iter().any(|a| number(a) == d)
            } else {
                texts.contains(&default)
            };
            if !found {
                problems.push(if secret {
                    "is not one of its AllowedValues".to_owned()
                } else {
                    format!("is not one of its AllowedValues ({})", one_of(&texts))
                });
            }
        }
    }
    if ty == "String"
        && let Some(pattern) = p.field("AllowedPattern").and_then(Json::as_str)
        && crate::validate::pattern::matches_whole(pattern, &default) == Some(false)
    {
        problems.push(format!("does not match its AllowedPattern `{pattern}`"));
    }
    // A String's length in characters against MinLength/MaxLength, a Number against
    // MinValue/MaxValue; each bound with the side a default beyond it lies on.
    use std::cmp::Ordering::{Greater, Less};
    let (measure, bounds) = if ty == "String" {
        (
            Some(default.chars().count() as f64),
            [
                ("MinLength", "is shorter than", Less),
                ("MaxLength", "is longer than", Greater),
            ],
        )
    } else {
        (
            default.trim().parse::<f64>().ok(),
            [
                ("MinValue", "is below", Less),
                ("MaxValue", "is above", Greater),
            ],
        )
    };
    if let Some(measure) = measure {
        for (key, what, beyond) in bounds {
            if let Some(bound) = p.field(key).and_then(number)
                && measure.partial_cmp(&bound) == Some(beyond)
            {
                problems.push(format!("{what} its {key}, {bound}"));
            }
        }
    }
    if problems.is_empty() {
        return;
    }
    cx.report(
        rules::PARAMETER_DEFAULT,
        Some(id),
        format!("{id}.Default"),
        format!("{shown} of parameter `{id}` {}", problems.join(", and ")),
        Some("CloudFormation refuses a default that breaks the parameter's own constraints: change the Default, or the constraint".into()),
    );
}

pub(super) fn valid_parameter_type(t: &str) -> bool {
    matches!(
        t,
        "String" | "Number" | "List<Number>" | "CommaDelimitedList"
    ) || t.starts_with("AWS::")
        || t.starts_with("List<AWS::")
}
