//! Template structure (`FF2000`) and the schema constraints of every resource (`FF2001`–`FF2009`).

use super::data::{self, Node};
use super::{Cx, intrinsic, lit_num, one_of, pattern, suggest};
use crate::model::json::Field;
use crate::model::render::Json;
use crate::rules;

const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Globals",
];

const RESOURCE_KEYS: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
    "Version",
];

/// The resource attributes SAM adds, read (and removed) by the SAM transform: `IgnoreGlobals`
/// (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>)
/// and embedded `Connectors`
/// (<https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/managing-permissions-connectors.html>).
const SAM_RESOURCE_KEYS: &[&str] = &["IgnoreGlobals", "Connectors"];

const OUTPUT_KEYS: &[&str] = &["Description", "Value", "Export", "Condition"];

const PARAMETER_KEYS: &[&str] = &[
    "Type",
    "Default",
    "AllowedValues",
    "AllowedPattern",
    "ConstraintDescription",
    "Description",
    "MaxLength",
    "MinLength",
    "MaxValue",
    "MinValue",
    "NoEcho",
];

pub(super) fn check(cx: &mut Cx) {
    structure(cx);
    let Some(resources) = cx.resources else {
        return;
    };
    let transformed = cx.body.field("Transform").is_some();
    // SAM's types are checked against SAM's schema when only AWS's transforms process the
    // template (a macro may rewrite a SAM resource before SAM reads it).
    let sam = cx.generated.sam() && cx.generated.macros().is_empty();
    if sam {
        sam_globals(cx);
        ignore_globals(cx);
    }
    for (id, r) in resources {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let props = r.field("Properties");
        let Some(schema) = data::schema(ty).filter(|_| sam || !data::is_sam(ty)) else {
            unknown_type(cx, id, ty, props, transformed);
            continue;
        };
        lifecycle(cx, id, ty, schema);
        let mut path = super::dotted(&[id, "Properties"]);
        let globals = if data::is_sam(ty) {
            SamGlobals::of(cx.body, ty)
        } else {
            SamGlobals::None
        };
        match props {
            None => {
                for req in schema.get("required").into_iter().flat_map(Node::strs) {
                    if globals.may_give(req) {
                        continue;
                    }
                    cx.report(
                        rules::REQUIRED_PROPERTY,
                        Some(id),
                        path.clone(),
                        format!("{ty} requires the property `{req}`"),
                        Some(format!("add `Properties: {{{req}: ...}}`")),
                    );
                }
            }
            Some(v) => {
                let mut s = Walk {
                    cx,
                    schema,
                    id,
                    ty,
                    globals,
                    guarded: 0,
                };
                s.value(schema, v, &mut path, 0);
                read_only(cx, id, ty, schema, v);
            }
        }
    }
}

/// FF2037 (warning): a top-level property the type's schema lists as read-only
/// (`readOnlyProperties`: "can be returned by a read or list request, but can't be set by
/// the user"): AWS sets it, so the template's value is not what the resource gets.
/// CloudFormation accepts the template, hence a warning. `AWS::NoValue` sets nothing.
/// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
fn read_only(cx: &mut Cx, id: &str, ty: &str, schema: &'static Node, props: &Json) {
    let (Some(names), Some(m)) = (schema.get("readOnly"), props.as_object()) else {
        return;
    };
    for (k, v) in m {
        if !names.strs().any(|n| n == k) || super::is_no_value(v) {
            continue;
        }
        let attribute = schema
            .get("attributes")
            .is_some_and(|a| a.strs().any(|n| n == k));
        let hint = if attribute {
            format!("remove it; to use the value AWS gives it, write `Fn::GetAtt: [{id}, {k}]`")
        } else {
            "remove it: AWS sets it when it creates the resource".to_owned()
        };
        cx.report(
            rules::READ_ONLY_PROPERTY,
            Some(id),
            super::dotted(&[id, "Properties", k]),
            format!("`{k}` is read-only in {ty}: AWS sets it, a template cannot"),
            Some(hint),
        );
    }
}

/// FF2013 / FF2014: a type whose service AWS has shut down (an error: CloudFormation cannot
/// create it), or is shutting down or keeps in maintenance mode (a warning), as the schema
/// data records it (cfn-lint's schemas, from AWS's lifecycle pages).
fn lifecycle(cx: &mut Cx, id: &str, ty: &str, schema: &'static Node) {
    let Some(lc) = schema.get("lifecycle") else {
        return;
    };
    let date = lc.get("date").and_then(Node::as_str);
    let on = |what: &str| date.map_or(String::new(), |d| format!(" {what} {d}"));
    let (rule, message, hint) = match lc.get("status").and_then(Node::as_str) {
        Some("shutdown") => (
            rules::RETIRED_SERVICE,
            format!(
                "{ty} is from a service AWS shut down{}: it can no longer be created",
                on("on")
            ),
            "remove the resource, or move to the service AWS names as its replacement",
        ),
        Some("sunset") => (
            rules::RETIRING_SERVICE,
            format!("{ty} is from a service AWS is shutting down{}", on("on")),
            "plan the move to the service AWS names as its replacement",
        ),
        Some("maintenance") => (
            rules::RETIRING_SERVICE,
            format!(
                "{ty} is from a service in maintenance mode{}: no new features",
                on("since")
            ),
            "consider the service AWS names as its successor",
        ),
        _ => return,
    };
    cx.report(
        rule,
        Some(id),
        format!("{id}.Type"),
        message,
        Some(hint.into()),
    );
}

fn unknown_type(cx: &mut Cx, id: &str, ty: &str, props: Option<&Json>, transformed: bool) {
    if ty.starts_with("Custom::") {
        if props.and_then(|p| p.field("ServiceToken")).is_none() {
            cx.report(
                rules::REQUIRED_PROPERTY,
                Some(id),
                format!("{id}.Properties"),
                format!("custom resource {ty} requires the property `ServiceToken`"),
                Some("set ServiceToken to the ARN of the Lambda function or SNS topic that implements it".into()),
            );
        }
        return;
    }
    if super::is_module(ty)
        || (transformed && ty.starts_with("AWS::Serverless::"))
        || !cx.generated.macros().is_empty()
    {
        // A module, SAM, or a macro that may turn the type into others.
        return;
    }
    if !(ty.starts_with("AWS::") || ty.starts_with("Alexa::")) {
        // Third-party registry types cannot be known in advance.
        return;
    }
    let hint = suggest(ty, data::type_names())
        .map(|s| format!("did you mean `{s}`?"))
        .or_else(|| {
            Some("resource types are `AWS::<Service>::<Resource>`, e.g. `AWS::ECS::Service`".into())
        });
    cx.report(
        rules::UNKNOWN_RESOURCE_TYPE,
        Some(id),
        format!("{id}.Type"),
        format!("unknown resource type `{ty}`"),
        hint,
    );
}

/// FF2000, the template's structure: its sections, then each resource, output and
/// parameter (keys, and the types of their values).
fn structure(cx: &mut Cx) {
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
}

/// The template's top level: known sections, the format version, sections that are
/// mappings, and at least one resource.
fn sections(cx: &mut Cx, body: &serde_json::Map<String, Json>) {
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
fn resources_structure(cx: &mut Cx, language_extensions: bool) {
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
                cx.report(
                    rules::TEMPLATE_STRUCTURE,
                    Some(id),
                    format!("{id}.{k}"),
                    format!("unknown resource attribute `{k}`"),
                    Some(hint),
                );
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
const POLICY_IF_DEPTH: usize = 16;

/// A resource policy attribute's value: a mapping, or `Fn::If` between mappings (or
/// `AWS::NoValue`).
fn is_policy_mapping(v: &Json, depth: usize) -> bool {
    match intrinsic(v) {
        // Deeper than `POLICY_IF_DEPTH` nested `Fn::If`s, no claim (bounded, no false alarm).
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
            depth >= POLICY_IF_DEPTH
                || a[1..]
                    .iter()
                    .all(|b| super::is_no_value(b) || is_policy_mapping(b, depth + 1))
        }
        Some(_) => false,
        None => v.is_object(),
    }
}

/// What kind of YAML/JSON value `v` is, for messages: `a string`, `a list`...
pub(super) fn kind_of(v: &Json) -> &'static str {
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
fn output_value(cx: &mut Cx, id: &str, v: &Json, depth: usize) {
    let found = match super::expression(v) {
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
fn outputs_structure(cx: &mut Cx) {
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
        if let Some(e) = m.field("Export")
            && e.field("Name").is_none()
        {
            cx.report(
                rules::TEMPLATE_STRUCTURE,
                Some(id),
                format!("{id}.Export"),
                "Export has no Name",
                None,
            );
        }
    }
}

/// Each parameter: a mapping with a valid `Type` and known attributes.
fn parameters_structure(cx: &mut Cx) {
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

fn valid_parameter_type(t: &str) -> bool {
    matches!(
        t,
        "String" | "Number" | "List<Number>" | "CommaDelimitedList"
    ) || t.starts_with("AWS::")
        || t.starts_with("List<AWS::")
}

/// The constraints of one reduced schema node, read in one pass over its (few) entries:
/// cheaper than a hashed lookup per constraint.
#[derive(Default)]
struct View {
    types: Option<&'static Node>,
    reference: Option<&'static str>,
    props: Option<&'static Node>,
    closed: bool,
    required: Option<&'static Node>,
    items: Option<&'static Node>,
    allowed: Option<&'static [Node]>,
    ci: bool,
    pattern: Option<&'static str>,
    format: Option<&'static Node>,
    /// `dependentExcluded`: property → the properties that may not be set with it.
    excluded: Option<&'static Node>,
    /// `dependentRequired`: property → the properties that must be set with it.
    dependent: Option<&'static Node>,
    /// `requiredSets`: groups of properties of which exactly one, or at least one, must be
    /// all set.
    sets: Option<&'static Node>,
    min_len: Option<f64>,
    max_len: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
    min_items: Option<f64>,
    max_items: Option<f64>,
    /// `minProperties`/`maxProperties`: how many entries a mapping may have.
    min_entries: Option<f64>,
    max_entries: Option<f64>,
    /// `multipleOf`: a number is a whole multiple of it.
    step: Option<f64>,
    unique: bool,
    /// `uniqueKeys`: no two mapping items of the list have the same values for these keys.
    unique_keys: Option<&'static Node>,
    /// `prefixItems`: the schemas of the list's first items (each holds besides `items`).
    first_items: Option<&'static [Node]>,
}

impl View {
    fn of(n: &'static Node) -> View {
        let n = n.force();
        let mut v = View::default();
        let Some(m) = n.as_object() else { return v };
        for (k, x) in m {
            match *k {
                "type" => v.types = Some(x),
                "$ref" => v.reference = x.as_str(),
                "properties" => v.props = Some(x).filter(|x| x.as_object().is_some()),
                "additionalProperties" => v.closed = x == &Node::Bool(false),
                "required" => v.required = Some(x),
                "items" => v.items = Some(x),
                "enum" => v.allowed = x.as_array(),
                "ci" => v.ci = x == &Node::Bool(true),
                "pattern" => v.pattern = x.as_str(),
                "format" => v.format = Some(x),
                "dependentExcluded" => v.excluded = Some(x),
                "dependentRequired" => v.dependent = Some(x),
                "requiredSets" => v.sets = Some(x),
                "minLength" => v.min_len = x.as_f64(),
                "maxLength" => v.max_len = x.as_f64(),
                "minimum" => v.min = x.as_f64(),
                "maximum" => v.max = x.as_f64(),
                "minItems" => v.min_items = x.as_f64(),
                "maxItems" => v.max_items = x.as_f64(),
                "minProperties" => v.min_entries = x.as_f64(),
                "maxProperties" => v.max_entries = x.as_f64(),
                "multipleOf" => v.step = x.as_f64(),
                "uniqueItems" => v.unique = x == &Node::Bool(true),
                "uniqueKeys" => v.unique_keys = Some(x),
                "prefixItems" => v.first_items = x.as_array(),
                _ => {}
            }
        }
        v
    }
}

/// Walks a value against a schema node.
struct Walk<'a, 't> {
    cx: &'a mut Cx<'t>,
    schema: &'static Node,
    id: &'t str,
    ty: &'t str,
    /// For a SAM resource, what the template's `Globals` may give it.
    globals: SamGlobals<'t>,
    /// How many `Fn::If` branches the walk is in: a parameter there may be guarded by the
    /// condition, so its allowed values are not judged.
    guarded: usize,
}

/// The `Globals` of a SAM resource's kind (`Globals.Function` for an
/// `AWS::Serverless::Function`...): the SAM transform merges them into the resource's
/// properties (mappings key by key, at any depth) before CloudFormation sees them, so a
/// required property it gives is not missing. IgnoreGlobals is not read: a property Globals
/// has is never reported missing (no false alarm).
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
#[derive(Clone, Copy)]
enum SamGlobals<'t> {
    /// Not a SAM resource, or no Globals for its kind.
    None,
    /// The Globals properties of the resource's kind.
    Some(&'t serde_json::Map<String, Json>),
    /// Not known offline (Globals or its entry is not a plain mapping: an `AWS::Include`, an
    /// intrinsic function): it may give anything.
    Unknown,
}

impl<'t> SamGlobals<'t> {
    fn of(body: &'t Json, ty: &str) -> Self {
        let Some(g) = body.field("Globals") else {
            return SamGlobals::None;
        };
        let kind = ty.trim_start_matches("AWS::Serverless::");
        let plain = |m: &serde_json::Map<String, Json>| !super::has_fn_key(m);
        match g.as_object().filter(|m| plain(m)).map(|m| m.field(kind)) {
            None => SamGlobals::Unknown,
            Some(None) => SamGlobals::None,
            Some(Some(Json::Object(m))) if plain(m) => SamGlobals::Some(m),
            Some(Some(_)) => SamGlobals::Unknown,
        }
    }

    /// Whether Globals may give the top-level property `name` (or something inside it).
    fn may_give(&self, name: &str) -> bool {
        match self {
            SamGlobals::None => false,
            SamGlobals::Some(m) => m.contains_key(name),
            SamGlobals::Unknown => true,
        }
    }
}

/// The `Globals` section of a SAM template: each property of a resource kind's globals is
/// a property of that kind (`Globals.Function.Timeout` of `AWS::Serverless::Function`); SAM
/// refuses the template otherwise ("'Globals' section is invalid ... is not a supported
/// property"). A kind this schema set does not know, or an entry that is an expression
/// (an include), is not judged.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
fn sam_globals(cx: &mut Cx) {
    let Some(globals) = cx.body.field("Globals").and_then(Json::as_object) else {
        return;
    };
    let mut found = Vec::new();
    for (kind, entries) in globals {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        if super::has_fn_key(entries) {
            continue;
        }
        let Some(schema) = data::schema(&format!("AWS::Serverless::{kind}")) else {
            continue;
        };
        let props = schema.get("properties");
        for key in entries.keys() {
            if props.and_then(|p| p.get(key)).is_none() {
                let hint = suggest(key, settable(schema, props)).map_or_else(
                    || format!("Globals.{kind} takes properties of AWS::Serverless::{kind}"),
                    |s| format!("did you mean `{s}`?"),
                );
                found.push((format!("Globals.{kind}.{key}"), format!("unknown property `{key}` of AWS::Serverless::{kind}: SAM refuses the Globals section"), hint));
            }
        }
    }
    for (path, message, hint) in found {
        cx.report(rules::UNKNOWN_PROPERTY, None, path, message, Some(hint));
    }
}

/// A SAM resource's `IgnoreGlobals` lists the Globals properties the resource does not take
/// from its kind's `Globals` (or `'*'` for all of them). A name the template's Globals for
/// that kind does not set ignores nothing: the resource still inherits the property the
/// author meant to leave out (`Timeot` for `Timeout`). SAM does not say it refuses such a
/// name, so this is a warning (FF2031). Not judged when Globals is not a plain mapping.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
fn ignore_globals(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let Some(kind) = ty.strip_prefix("AWS::Serverless::") else {
            continue;
        };
        let Some(Json::Array(names)) = r.field("IgnoreGlobals") else {
            continue;
        };
        let set: Vec<&str> = match SamGlobals::of(cx.body, ty) {
            SamGlobals::Unknown => continue,
            SamGlobals::None => Vec::new(),
            SamGlobals::Some(m) => m.keys().map(String::as_str).collect(),
        };
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name.as_str().filter(|n| !set.contains(n)) else {
                continue;
            };
            let hint = match suggest(name, set.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if set.is_empty() => {
                    format!("the template has no Globals for {kind}: remove the name")
                }
                None => format!("Globals.{kind} sets {}", set.join(", ")),
            };
            let mut path = format!("{id}.IgnoreGlobals");
            super::push_index(&mut path, i);
            found.push((
                id.as_str(),
                path,
                format!(
                    "`{name}` is not a property Globals.{kind} sets: ignoring it ignores nothing"
                ),
                hint,
            ));
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::IGNORE_GLOBALS_UNSET,
            Some(id),
            path,
            message,
            Some(hint),
        );
    }
}

/// The properties `aws cloudformation package` replaces: written as a local path (or an S3
/// URL) where the resource type wants a mapping, the command uploads the artifact and writes
/// the mapping. <https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html>
const PACKAGED: [(&str, &str); 5] = [
    ("AWS::Lambda::Function", "Code"),
    ("AWS::Lambda::LayerVersion", "Content"),
    ("AWS::ApiGateway::RestApi", "BodyS3Location"),
    ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
];

/// The JSON types a schema node allows (its `type`, or `object` for a node with
/// properties), without allocating: a node names at most a few.
struct Types {
    names: [&'static str; 8],
    len: usize,
}

impl Types {
    fn of(n: &View) -> Types {
        let mut t = Types {
            names: [""; 8],
            len: 0,
        };
        let mut push = |name: &'static str| {
            if t.len < t.names.len() {
                t.names[t.len] = name;
                t.len += 1;
            }
        };
        match n.types {
            Some(Node::Arr(_)) => n.types.into_iter().flat_map(Node::strs).for_each(&mut push),
            Some(Node::Str(name)) => push(name),
            _ if n.props.is_some() => push("object"),
            _ => {}
        }
        t
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names[..self.len].iter().copied()
    }

    /// Whether the node takes JSON type `t`.
    fn takes(&self, t: &str) -> bool {
        self.iter().any(|x| x == t)
    }

    /// The kinds of value the types take, for a message (`a mapping`, `a list`...).
    fn wanted(&self) -> Vec<&'static str> {
        self.iter()
            .map(|t| match t {
                "object" => "a mapping",
                "array" => "a list",
                "integer" => "an integer",
                "number" => "a number",
                "boolean" => "a boolean",
                "string" => "a string",
                other => other,
            })
            .collect()
    }
}

/// What function `f` of `args` gives, when that is known whatever the parameters: text or
/// a list (`true`), with its description for a message. Text: `Ref` to a parameter that is
/// not a list, a pseudo parameter or a resource, `Fn::Sub`, `Fn::Join`, `Fn::Base64`,
/// `Fn::ImportValue`, `Fn::ToJsonString` and an `...Arn` attribute; a list: `Fn::GetAZs`,
/// `Fn::Split`, `Fn::Cidr`, a `Ref` to a list parameter or `AWS::NotificationARNs`.
/// `Fn::FindInMap`, `Fn::Select`, `Fn::If` and other attributes may give anything: `None`.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
fn gives(cx: &Cx, f: &str, args: &Json) -> Option<(&'static str, bool)> {
    Some(match f {
        "Ref" => match args.as_str()? {
            "AWS::NoValue" => return None,
            "AWS::NotificationARNs" => ("a list", true),
            name => match cx.parameters.and_then(|p| p.field(name)) {
                Some(param) => {
                    let ty = param.field("Type").and_then(Json::as_str).unwrap_or("");
                    if super::is_list_type(ty) {
                        ("a list (a list parameter)", true)
                    } else {
                        ("text", false)
                    }
                }
                None if name.starts_with("AWS::") || cx.resource(name).is_some() => ("text", false),
                None => return None,
            },
        },
        "Fn::Sub" | "Fn::Join" | "Fn::Base64" | "Fn::ImportValue" | "Fn::ToJsonString" => {
            ("text", false)
        }
        f if super::gives_a_list(f) => ("a list", true),
        // An ARN is text, whatever the resource.
        "Fn::GetAtt"
            if super::getatt_parts(args)
                .1
                .is_some_and(|a| a.ends_with("Arn")) =>
        {
            ("an ARN (text)", false)
        }
        _ => return None,
    })
}

/// The text of scalar `v` where the schema takes it as a string: the string itself, or the
/// text of a boolean (`true`, `false`) or an integer where the property takes a string and
/// not the value's own type (CloudFormation passes such a value to the resource as a string,
/// so the string's length, pattern and format apply to it: `Path: true` is refused as the
/// path `"true"`). A number with a fraction or an exponent has no single text form, and a
/// value the schema takes as its own type is no string: neither has a text here.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html>
fn as_text<'v>(types: &Types, v: &'v Json) -> Option<std::borrow::Cow<'v, str>> {
    use std::borrow::Cow;
    match v {
        Json::String(s) => Some(Cow::Borrowed(s)),
        Json::Bool(b) if types.takes("string") && !types.takes("boolean") => {
            Some(Cow::Borrowed(if *b { "true" } else { "false" }))
        }
        Json::Number(n)
            if types.takes("string") && !types.takes("integer") && !types.takes("number") =>
        {
            if let Some(i) = n.as_i64() {
                Some(Cow::Owned(i.to_string()))
            } else {
                n.as_u64().map(|u| Cow::Owned(u.to_string()))
            }
        }
        _ => None,
    }
}

fn conforms(t: &str, v: &Json) -> bool {
    if let Json::String(s) = v
        && super::has_dynamic_reference(s)
    {
        // Resolved at deploy time to a string, which CloudFormation converts like any other
        // string value: only a mapping or a list cannot come from one.
        return !matches!(t, "object" | "array");
    }
    match t {
        "string" => matches!(v, Json::String(_) | Json::Number(_) | Json::Bool(_)),
        "integer" => match v {
            Json::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            Json::String(s) => s.trim().parse::<i64>().is_ok(),
            _ => false,
        },
        "number" => match v {
            Json::Number(_) => true,
            Json::String(s) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
            _ => false,
        },
        "boolean" => match v {
            Json::Bool(_) => true,
            Json::String(s) => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
            _ => false,
        },
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn canonical(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        _ => None,
    }
}

/// Could `s` parse as a number (cheap test before parsing)?
fn looks_numeric(s: &str) -> bool {
    s.trim_start()
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
}

/// A schema value (an `enum` member) as text, like [`canonical`].
fn canonical_node(v: &Node) -> Option<String> {
    match v {
        Node::Str(s) => Some((*s).to_owned()),
        Node::Bool(b) => Some(b.to_string()),
        Node::Num(f) => Some(fmt_num(*f)),
        _ => None,
    }
}

fn enum_eq(v: &Json, e: &Node, ci: bool) -> bool {
    match (v, e) {
        (Json::String(a), Node::Str(b)) if a == b => return true,
        (Json::Bool(a), Node::Bool(b)) if a == b => return true,
        // The texts of two numbers are equal exactly when their values are (below): compared
        // as values, without writing either.
        (Json::Number(a), Node::Num(b)) => return a.as_f64() == Some(*b),
        // Two strings that differ are equal only ignoring case, or as the same number.
        (Json::String(a), Node::Str(b)) => {
            return (ci && a.eq_ignore_ascii_case(b))
                || (looks_numeric(a)
                    && looks_numeric(b)
                    && matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y));
        }
        _ => {}
    }
    match (canonical(v), canonical_node(e)) {
        (Some(a), Some(b)) => {
            let same = if ci {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            };
            same || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        }
        _ => false,
    }
}

impl Walk<'_, '_> {
    /// The node's view, following `$ref`s to definitions.
    fn resolve(&self, node: &'static Node) -> View {
        let mut v = View::of(node);
        for _ in 0..16 {
            let Some(name) = v.reference else { return v };
            match self.schema.get("definitions").and_then(|d| d.get(name)) {
                Some(d) => v = View::of(d),
                None => return v,
            }
        }
        v
    }

    fn value(&mut self, node: &'static Node, v: &Json, path: &mut String, depth: usize) {
        // A null is refused wherever it is: reported once, by FF2019 (nulls.rs).
        if depth > 64 || v.is_null() {
            return;
        }
        // A `rain pkg` directive stands where rain writes the value: the template is for rain.
        if let Some(directive) = super::rain_directive(v) {
            self.cx.report(
                rules::PACKAGE_FIRST,
                Some(self.id),
                path.to_owned(),
                format!(
                    "`{}` is a directive for `rain pkg`, not a value CloudFormation reads",
                    directive.trim_start_matches("Fn::")
                ),
                Some("run `rain pkg` (or `rain deploy`) and deploy the template it writes".into()),
            );
            return;
        }
        // A mapping of the one key `Condition` is data here, checked against the schema.
        if let Some((f, args)) = super::expression(v) {
            if f == "Fn::If"
                && let Some(a) = args.as_array()
                && a.len() == 3
            {
                self.guarded += 1;
                for branch in &a[1..] {
                    if !super::is_no_value(branch) {
                        self.value(node, branch, path, depth + 1);
                    }
                }
                self.guarded -= 1;
            } else {
                if f == "Ref" && self.guarded == 0 {
                    self.parameter_values(node, args, path);
                }
                self.function_result(node, f, args, path);
            }
            return;
        }
        let n = self.resolve(node);
        let types = Types::of(&n);
        if !types.is_empty() && !types.iter().any(|t| conforms(t, v)) {
            let found = kind_of(v);
            let want = types.wanted();
            let top = path
                .strip_prefix(self.id)
                .and_then(|p| p.strip_prefix(".Properties."));
            if v.is_string()
                && want == ["a mapping"]
                && PACKAGED
                    .iter()
                    .any(|&(t, p)| t == self.ty && Some(p) == top)
            {
                self.cx.report(
                    rules::PACKAGE_FIRST,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "{} is a path for `aws cloudformation package`, not a value \
                         CloudFormation reads",
                        super::shown(v)
                    ),
                    Some(
                        "run `aws cloudformation package` and deploy the template it writes".into(),
                    ),
                );
                return;
            }
            self.cx.report(
                rules::VALUE_TYPE,
                Some(self.id),
                path.to_owned(),
                format!(
                    "expected {}, found {found} {}",
                    want.join(" or "),
                    super::shown(v)
                ),
                None,
            );
            return;
        }
        match v {
            Json::Object(m) => self.object(&n, m, path, depth),
            Json::Array(a) => {
                let len = a.len() as f64;
                let (min, max) = (n.min_items, n.max_items);
                if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                    self.cx.report(
                        rules::ARRAY_SIZE,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "the list has {} item{}",
                            a.len(),
                            if a.len() == 1 { "" } else { "s" }
                        ),
                        Some(range_hint("items", min, max)),
                    );
                }
                if n.unique {
                    self.duplicates(a, path);
                }
                if let Some(keys) = n.unique_keys {
                    self.duplicate_keys(a, keys, path);
                }
                if let Some(items) = n.items {
                    for (i, item) in a.iter().enumerate() {
                        let len = path.len();
                        super::push_index(path, i);
                        self.value(items, item, path, depth + 1);
                        path.truncate(len);
                    }
                }
                // What the first items' own schemas add: a finding the items' schema made
                // already (a required key both name) is not repeated.
                for (i, (first, item)) in
                    n.first_items.unwrap_or_default().iter().zip(a).enumerate()
                {
                    let len = path.len();
                    super::push_index(path, i);
                    let before = self.cx.diags.len();
                    self.value(first, item, path, depth + 1);
                    let added = self.cx.diags.split_off(before);
                    for d in added {
                        let seen = self.cx.diags.iter().any(|o| {
                            o.rule == d.rule && o.path == d.path && o.message == d.message
                        });
                        if !seen {
                            self.cx.diags.push(d);
                        }
                    }
                    path.truncate(len);
                }
            }
            _ => {
                let text = as_text(&types, v);
                self.scalar(&n, v, text.as_deref(), path.as_str());
            }
        }
    }

    /// FF2028 (a warning) for each item of a list the schema says holds unique items that
    /// repeats an earlier one, written alike (the same text, or the same expression: two
    /// `!Ref X` give one value). An item holding `Fn::If` may differ and is not compared.
    fn duplicates(&mut self, a: &[Json], path: &str) {
        for (i, item) in a.iter().enumerate() {
            if super::has_if(item) {
                continue;
            }
            if let Some(j) = a[..i].iter().position(|x| x == item) {
                self.cx.report(
                    rules::DUPLICATE_ITEM,
                    Some(self.id),
                    format!("{path}[{i}]"),
                    format!(
                        "{} is already item {j} of the list, whose items are unique",
                        super::shown(item)
                    ),
                    Some("remove the repeated item".into()),
                );
            }
        }
    }

    /// FF2028 (a warning) for each mapping item of a list whose items the schema says are
    /// unique by some keys (cfn-lint's `uniqueKeys`: a container's environment variables by
    /// `Name`, a table's attribute definitions by `AttributeName`) that has the values of an
    /// earlier item for all of them, written alike. Items holding `Fn::If`, or lacking a key,
    /// are not compared.
    fn duplicate_keys(&mut self, a: &[Json], keys: &'static Node, path: &str) {
        fn key_values<'j>(item: &'j Json, keys: &'static Node) -> Option<Vec<&'j Json>> {
            if super::has_if(item) {
                return None;
            }
            let m = item.as_object()?;
            if super::has_fn_key(m) {
                return None;
            }
            keys.strs().map(|k| m.field(k)).collect()
        }
        let values: Vec<Option<Vec<&Json>>> = a.iter().map(|x| key_values(x, keys)).collect();
        for (i, vi) in values.iter().enumerate() {
            let Some(vi) = vi else { continue };
            if let Some(j) = values[..i].iter().position(|vj| vj.as_ref() == Some(vi)) {
                let names: Vec<String> = keys.strs().map(|k| format!("`{k}`")).collect();
                let shown: Vec<String> = vi.iter().map(|v| super::shown(v)).collect();
                self.cx.report(
                    rules::DUPLICATE_ITEM,
                    Some(self.id),
                    format!("{path}[{i}]"),
                    format!(
                        "item {i} has the {} of item {j} ({}), but the list's items are unique by {}",
                        names.join(" and "),
                        shown.join(", "),
                        names.join(" and ")
                    ),
                    Some("remove one of the two, or tell them apart".into()),
                );
            }
        }
    }

    /// A `Ref` to a parameter with `AllowedValues`, where the schema takes a value of one
    /// kind: each allowed value is checked as if written here (enum, pattern, length,
    /// range), and a finding names the value (`(when LaunchType = X)`). Its `Default` alone
    /// is not judged (any value may be given), nor a `Ref` inside an `Fn::If` (the
    /// condition may exclude the value), nor a list parameter.
    fn parameter_values(&mut self, node: &'static Node, args: &Json, path: &str) {
        let Some(name) = args.as_str() else { return };
        let Some(param) = self.cx.parameters.and_then(|p| p.field(name)) else {
            return;
        };
        if !matches!(
            param.field("Type").and_then(Json::as_str),
            Some("String" | "Number")
        ) {
            return;
        }
        let Some(values) = super::resolve::allowed_values(param) else {
            return;
        };
        let n = self.resolve(node);
        if n.props.is_some() || n.items.is_some() {
            return;
        }
        for v in values {
            let before = self.cx.diags.len();
            self.scalar(&n, &v, v.as_str(), path);
            let shown = super::resolve::scalar_text(&v);
            for d in &mut self.cx.diags[before..] {
                d.message.push_str(&format!(" (when {name} = {shown})"));
            }
        }
    }

    /// A function whose result is of a kind the schema does not take: text (`Ref`, `Fn::Sub`,
    /// `Fn::Join`, `Fn::Base64`, `Fn::ImportValue`, `Fn::ToJsonString`, an `...Arn`
    /// attribute) where only a list or a mapping is taken, or a list (`Fn::GetAZs`,
    /// `Fn::Split`, `Fn::Cidr`, a `Ref` to a list parameter or `AWS::NotificationARNs`) where
    /// no list is. CloudFormation refuses the resource ("Value of property ... must be of
    /// type ..."): the value is never of a kind the property takes. Text where a number or
    /// a boolean is taken is fine (CloudFormation converts it). `Fn::FindInMap`,
    /// `Fn::Select` and other attributes may give anything and are not judged; nor is a
    /// template a macro or an include may rewrite.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
    fn function_result(&mut self, node: &'static Node, f: &str, args: &Json, path: &str) {
        let Some((gives, list)) = gives(self.cx, f, args) else {
            return;
        };
        if self.cx.generated.rewrites_anything() {
            return;
        }
        let types = Types::of(&self.resolve(node));
        let refused = if list {
            !types.takes("array")
        } else {
            !["string", "integer", "number", "boolean"]
                .into_iter()
                .any(|t| types.takes(t))
        };
        if types.is_empty() || !refused {
            return;
        }
        let parameter = (f == "Ref")
            .then(|| args.as_str())
            .flatten()
            .filter(|n| self.cx.parameters.and_then(|p| p.field(n)).is_some());
        let hint = match parameter {
            Some(p) if types.takes("array") => format!(
                "make `{p}` a list parameter (CommaDelimitedList, or List<...> of an AWS type), or write the list here"
            ),
            Some(p) if list => format!(
                "take one item (`Fn::Select: [0, !Ref {p}]`), or make `{p}` a parameter of one value"
            ),
            _ if types.takes("object") && !types.takes("array") => {
                "write the mapping here (its keys and values may use functions)".to_owned()
            }
            _ if types.takes("array") => "write the list here (its items may use functions)".to_owned(),
            _ => "give one value: a function that gives one item (Fn::Select, Fn::Join) or the value itself"
                .to_owned(),
        };
        self.cx.report(
            rules::VALUE_TYPE,
            Some(self.id),
            path.to_owned(),
            format!(
                "expected {}, found {f}, which gives {gives}",
                types.wanted().join(" or ")
            ),
            Some(hint),
        );
    }

    /// The checks of a scalar `v`; `text` is the string CloudFormation makes of it for a
    /// property that takes a string (see [`as_text`]): its length, pattern and format are
    /// checked.
    fn scalar(&mut self, n: &View, v: &Json, text: Option<&str>, path: &str) {
        if let Json::String(s) = v
            && super::has_dynamic_reference(s)
        {
            // The value is known only at deploy time (see `has_dynamic_reference`).
            return;
        }
        if let Some(allowed) = n.allowed {
            let ci = n.ci;
            if !allowed.iter().any(|e| enum_eq(v, e, ci)) {
                let names: Vec<String> = allowed.iter().filter_map(canonical_node).collect();
                let close = v
                    .as_str()
                    .map(str::to_owned)
                    .and_then(|s| suggest(&s, names.iter().map(String::as_str)).map(str::to_owned));
                let listed = if names.len() > 24 {
                    format!("{}, ... ({} values)", names[..24].join(", "), names.len())
                } else {
                    names.join(", ")
                };
                let allowed = if ci {
                    "allowed, in any case"
                } else {
                    "allowed"
                };
                let hint = match close {
                    Some(c) => format!("did you mean `{c}`? {allowed}: {listed}"),
                    None => format!("{allowed}: {listed}"),
                };
                self.cx.report(
                    rules::ENUM_VALUE,
                    Some(self.id),
                    path.to_owned(),
                    format!("{} is not an allowed value", super::shown(v)),
                    Some(hint),
                );
                return;
            }
        }
        if let Some(s) = text {
            let len = s.chars().count() as f64;
            let (min, max) = (n.min_len, n.max_len);
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                self.cx.report(
                    rules::STRING_LENGTH,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "the string is {} character{} long",
                        len,
                        if len == 1.0 { "" } else { "s" }
                    ),
                    Some(range_hint("characters", min, max)),
                );
                return;
            }
            if let Some(p) = n.pattern
                && pattern::matches(p, s) == Some(false)
            {
                self.cx.report(
                    rules::STRING_PATTERN,
                    Some(self.id),
                    path.to_owned(),
                    format!("{} does not match the pattern `{p}`", super::shown(v)),
                    None,
                );
                return;
            }
            super::formats::check(self.cx, self.id, self.ty, path, n.format, s);
        }
        let (min, max) = (n.min, n.max);
        if (min.is_some() || max.is_some())
            && let Some(x) = lit_num(Some(v))
            && (min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m))
        {
            self.cx.report(
                rules::NUMBER_RANGE,
                Some(self.id),
                path.to_owned(),
                format!("{} is out of range", super::shown(v)),
                Some(range_hint("", min, max)),
            );
        }
        if let Some(step) = n.step
            && let Some(x) = lit_num(Some(v))
            && !is_multiple(x, step)
        {
            self.cx.report(
                rules::NUMBER_RANGE,
                Some(self.id),
                path.to_owned(),
                format!("{} is not a multiple of {}", super::shown(v), fmt_num(step)),
                Some(format!("allowed: multiples of {}", fmt_num(step))),
            );
        }
    }

    fn object(
        &mut self,
        n: &View,
        m: &serde_json::Map<String, Json>,
        path: &mut String,
        depth: usize,
    ) {
        if super::has_fn_key(m) {
            return;
        }
        self.entries(n, m, path);
        let props = n.props;
        let closed = n.closed;
        for (k, v) in m {
            let len = path.len();
            path.push('.');
            path.push_str(k);
            match props.and_then(|p| p.get(k)) {
                Some(pn) => self.value(pn, v, path, depth + 1),
                None if closed => {
                    let hint = match suggest(k, settable(self.schema, props)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            let all: Vec<&str> = settable(self.schema, props).collect();
                            if all.len() <= 30 {
                                format!("known properties: {}", all.join(", "))
                            } else {
                                format!(
                                    "{} known properties; see the resource's documentation",
                                    all.len()
                                )
                            }
                        }
                    };
                    self.cx.report(
                        rules::UNKNOWN_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!("unknown property `{k}`"),
                        Some(hint),
                    );
                }
                None => {}
            }
            path.truncate(len);
        }
        self.excluded(n, m, path);
        if !data::is_sam(self.ty) {
            self.required_sets(n, m, path);
            self.dependent_required(n, m, path);
        }
        // The top-level property this mapping is (in): Globals may give what it lacks.
        let top = path
            .strip_prefix(self.id)
            .and_then(|p| p.strip_prefix(".Properties"))
            .map(|p| p.trim_start_matches('.'))
            .map(|p| p.split(['.', '[']).next().unwrap_or(""));
        for req in n.required.into_iter().flat_map(Node::strs) {
            let from_globals = match top {
                Some("") => self.globals.may_give(req),
                Some(t) => self.globals.may_give(t),
                None => false,
            };
            if !m.contains_key(req) && !from_globals {
                self.cx.report(
                    rules::REQUIRED_PROPERTY,
                    Some(self.id),
                    path.to_owned(),
                    format!("missing the required property `{req}`"),
                    None,
                );
            }
            if let Some(v) = m.field(req)
                && !from_globals
            {
                if super::is_no_value(v) {
                    // `AWS::NoValue` removes the property: as good as not written.
                    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html#cfn-pseudo-param-novalue
                    self.cx.report(
                        rules::REQUIRED_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "missing the required property `{req}`: its value, AWS::NoValue, \
                             removes it"
                        ),
                        None,
                    );
                }
                self.removed_required(req, v, path);
            }
        }
    }

    /// FF2032 (warning): a required property whose value is an `Fn::If` with an
    /// `AWS::NoValue` branch, on a resource created whatever the condition: when the
    /// condition goes the other way the property is missing and CloudFormation cannot create
    /// the resource; for the other parameter values the stack deploys (as a conditional
    /// reference does, FF3011). Not judged inside another `Fn::If` or on a resource with a
    /// `Condition` (which may imply the property's), nor when the template's parameters
    /// show the condition always goes the property's way.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html#cfn-pseudo-param-novalue>
    fn removed_required(&mut self, req: &str, v: &Json, path: &str) {
        let Some(("Fn::If", Json::Array(a))) = intrinsic(v) else {
            return;
        };
        let (Some(Json::String(cond)), Some(yes), Some(no)) = (a.first(), a.get(1), a.get(2))
        else {
            return;
        };
        let removed_when = match (super::is_no_value(yes), super::is_no_value(no)) {
            (false, true) => false,
            (true, false) => true,
            _ => return,
        };
        if self.guarded > 0
            || self
                .cx
                .resource(self.id)
                .is_some_and(|r| r.field("Condition").is_some())
        {
            return;
        }
        // Whether some case of the parameters (or one not known) sends the condition to the
        // branch that removes the property.
        let test = serde_json::json!({"Fn::If": [cond, true, false]});
        let cases = super::resolve::scenarios(self.cx, &[&test]);
        let known_never = !cases.is_empty()
            && cases
                .iter()
                .all(|c| c.values[0] == Some(Json::Bool(!removed_when)));
        if known_never {
            return;
        }
        let side = if removed_when { "true" } else { "false" };
        self.cx.report(
            rules::REQUIRED_REMOVED,
            Some(self.id),
            format!("{path}.{req}"),
            format!(
                "the required property `{req}` is AWS::NoValue when condition `{cond}` is {side}: the resource cannot be created then"
            ),
            Some(format!(
                "give `{req}` a value in both branches, or create the resource only under the condition (Condition: {cond})"
            )),
        );
    }
}

impl Walk<'_, '_> {
    /// FF2009: a mapping with fewer or more entries than the schema's `minProperties` and
    /// `maxProperties` (more than 50 tags in a tag map). An entry an `Fn::If` may remove
    /// counts toward the minimum, not the maximum.
    fn entries(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let (min, max) = (n.min_entries, n.max_entries);
        if min.is_none() && max.is_none() {
            return;
        }
        let may = m.values().filter(|v| !super::is_no_value(v)).count() as f64;
        let sure = m.values().filter(|v| !super::may_be_no_value(v)).count() as f64;
        if min.is_some_and(|x| may < x) || max.is_some_and(|x| sure > x) {
            self.cx.report(
                rules::ARRAY_SIZE,
                Some(self.id),
                path.to_owned(),
                format!(
                    "the mapping has {} entr{}",
                    m.len(),
                    if m.len() == 1 { "y" } else { "ies" }
                ),
                Some(range_hint("entries", min, max)),
            );
        }
    }

    /// FF2003 and FF2022 for the schema's required sets (`requiredXor`, `requiredOr`, and
    /// `oneOf`/`anyOf` alternatives that only require properties: see the generator's
    /// `required_sets`): when no group is all set, a required property is missing; when a
    /// set takes exactly one group and two are set, they exclude each other (reported at the
    /// later one, unless `dependentExcluded` already says so). A property that is an `Fn::If`
    /// which may give `AWS::NoValue` counts as set for the first check and as unset for the
    /// second, so that neither fires on a template some parameters make right. Not judged
    /// for SAM's types, whose properties `Globals` may give.
    /// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
    fn required_sets(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let Some(sets) = n.sets.and_then(Node::as_array) else {
            return;
        };
        for set in sets {
            let Some((kind, groups)) = set.as_object().and_then(|o| o.first()) else {
                continue;
            };
            let groups = groups.as_array().unwrap_or_default();
            if !groups
                .iter()
                .any(|g| g.strs().all(|k| super::may_be_set(m, k)))
            {
                let quantity = if *kind == "one" {
                    "exactly one"
                } else {
                    "at least one"
                };
                self.cx.report(
                    rules::REQUIRED_PROPERTY,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "missing a required property: set {quantity} of {}",
                        describe_groups(groups)
                    ),
                    None,
                );
                continue;
            }
            if *kind != "one" {
                continue;
            }
            // The first property of each group that is all set, in the template's order.
            let at = |k: &str| m.keys().position(|x| x == k);
            let mut set_groups: Vec<&str> = groups
                .iter()
                .filter(|g| g.strs().all(|k| super::surely_set(m, k)))
                .filter_map(|g| g.strs().min_by_key(|k| at(k)))
                .collect();
            set_groups.sort_by_key(|k| at(k));
            if let [first, later, ..] = set_groups[..]
                && !excludes(n, first, later)
            {
                self.cx.report(
                    rules::EXCLUSIVE_PROPERTIES,
                    Some(self.id),
                    format!("{path}.{later}"),
                    format!(
                        "`{first}` and `{later}` are both set, but only one of {} may be",
                        describe_groups(groups)
                    ),
                    Some(format!("keep one of `{first}` and `{later}`")),
                );
            }
        }
    }

    /// FF2003: a property the schema's `dependentRequired` says must be set with another
    /// that is (`A` set, so `B` must be). The property that requires counts only when it is
    /// set whatever the conditions; the one required, when it may be set.
    /// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
    fn dependent_required(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let Some(dependent) = n.dependent.and_then(Node::as_object) else {
            return;
        };
        for (k, v) in m {
            let Some((_, needs)) = dependent.iter().find(|(a, _)| *a == k.as_str()) else {
                continue;
            };
            if super::may_be_no_value(v) {
                continue;
            }
            for b in needs.strs() {
                if !super::may_be_set(m, b) {
                    self.cx.report(
                        rules::REQUIRED_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "missing the property `{b}`, which {} requires with `{k}`",
                            self.ty
                        ),
                        Some(format!("set `{b}`, or remove `{k}`")),
                    );
                }
            }
        }
    }
}

/// Whether the node's `dependentExcluded` already makes `a` and `b` exclude each other.
fn excludes(n: &View, a: &str, b: &str) -> bool {
    let Some(excluded) = n.excluded.and_then(Node::as_object) else {
        return false;
    };
    let lists = |x: &str, y: &str| {
        excluded
            .iter()
            .any(|(k, v)| *k == x && v.strs().any(|n| n == y))
    };
    lists(a, b) || lists(b, a)
}

/// Groups of property names for a message: `` `A`, `B` or (`C` and `D`) ``.
fn describe_groups(groups: &[Node]) -> String {
    let names: Vec<String> = groups
        .iter()
        .map(|g| {
            let names: Vec<String> = g.strs().map(|n| format!("`{n}`")).collect();
            if names.len() > 1 {
                format!("({})", names.join(" and "))
            } else {
                names.concat()
            }
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

impl Walk<'_, '_> {
    /// FF2022: two properties the schema excludes together (`dependentExcluded`) both set,
    /// reported once per pair at the later one. A property whose value is `AWS::NoValue`, or
    /// an `Fn::If` that may give it, may be absent, so it does not count.
    fn excluded(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let Some(excluded) = n.excluded.and_then(Node::as_object) else {
            return;
        };
        // The position of a property that is set, for the template's order.
        let set = |k: &str| {
            m.iter()
                .position(|(key, v)| key == k && !super::may_be_no_value(v))
        };
        let names: Vec<&String> = m.keys().collect();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (a, bs) in excluded {
            let Some(i) = set(a) else { continue };
            for j in bs.strs().filter_map(set) {
                let pair = (i.min(j), i.max(j));
                if i != j && !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        pairs.sort_unstable();
        for (i, j) in pairs {
            let (first, later) = (names[i], names[j]);
            self.cx.report(
                rules::EXCLUSIVE_PROPERTIES,
                Some(self.id),
                format!("{path}.{later}"),
                format!(
                    "`{first}` and `{later}` are both set, but {} takes only one of them",
                    self.ty
                ),
                Some(format!("keep one of `{first}` and `{later}`")),
            );
        }
    }
}

/// The property names of a `properties` node.
/// The names of `props` (a node of the type `schema`) a template may set: at the top level,
/// those the schema does not list as read-only (FF2037), which a "did you mean" must not
/// offer.
fn settable(
    schema: &'static Node,
    props: Option<&'static Node>,
) -> impl Iterator<Item = &'static str> {
    let read_only = match (props, schema.get("properties")) {
        (Some(p), Some(top)) if std::ptr::eq(p, top) => schema.get("readOnly"),
        _ => None,
    };
    props
        .and_then(Node::as_object)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| *k)
        .filter(move |k| !read_only.is_some_and(|r| r.strs().any(|n| n == *k)))
}

/// Whether `x` is a whole multiple of `step` (> 0), allowing for the rounding of binary
/// fractions (`12.3` is a multiple of `0.1`).
fn is_multiple(x: f64, step: f64) -> bool {
    let q = x / step;
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

/// A schema number as text: Rust writes a whole `f64` without a fraction or an exponent
/// (`900`, `1000000000000000`), as the schemas' integers read.
fn fmt_num(x: f64) -> String {
    x.to_string()
}

fn range_hint(unit: &str, min: Option<f64>, max: Option<f64>) -> String {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match (min, max) {
        (Some(a), Some(b)) => format!("allowed: {} to {}{unit}", fmt_num(a), fmt_num(b)),
        (Some(a), None) => format!("allowed: at least {}{unit}", fmt_num(a)),
        (None, Some(b)) => format!("allowed: at most {}{unit}", fmt_num(b)),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::template::Template;

    /// (rule, path) of the schema and reference diagnostics (`FF200x`, `FF300x`) of `yaml`.
    fn schema_diags(yaml: &str) -> Vec<(String, String)> {
        full_diags(yaml)
            .into_iter()
            .filter(|d| d.0.starts_with("FF200") || d.0.starts_with("FF300"))
            .map(|d| (d.0, d.1))
            .collect()
    }

    /// (rule, path) of every diagnostic of `yaml`.
    fn rule_paths(yaml: &str) -> Vec<(String, String)> {
        full_diags(yaml).into_iter().map(|d| (d.0, d.1)).collect()
    }

    /// A (rule, path) pair.
    fn s(rule: &str, path: &str) -> (String, String) {
        (rule.to_owned(), path.to_owned())
    }

    /// (rule, path, message, hint) of every diagnostic of `yaml`.
    fn full_diags(yaml: &str) -> Vec<(String, String, String, String)> {
        let t = Template::parse("t.yaml", yaml).unwrap();
        super::super::validate(&t)
            .diagnostics
            .into_iter()
            .map(|x| {
                (
                    x.rule.to_owned(),
                    x.path,
                    x.message,
                    x.hint.unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_required_property_an_if_removes_is_a_warning_unless_it_cannot_happen() {
        let t = |role: &str, attrs: &str| {
            format!(
                "Parameters:\n  Env: {{Type: String, AllowedValues: [dev, prod]}}\n  Only: {{Type: String, AllowedValues: [prod]}}\nConditions:\n  Prod: !Equals [!Ref Env, prod]\n  Always: !Equals [!Ref Only, prod]\nResources:\n  F:\n    Type: AWS::Lambda::Function\n{attrs}    Properties:\n      Handler: a.h\n      Runtime: python3.13\n      Code: {{S3Bucket: b, S3Key: k}}\n      Role: {role}\n"
            )
        };
        let found = super::super::found(
            &t("!If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue]", ""),
            "FF2032",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0, found[0].1.as_str()),
            ("warning", "F.Properties.Role")
        );
        assert!(
            found[0]
                .2
                .ends_with("when condition `Prod` is false: the resource cannot be created then"),
            "{found:?}"
        );
        // The NoValue branch first: removed when the condition is true.
        let found = super::super::found(
            &t("!If [Prod, !Ref AWS::NoValue, arn:aws:iam::1:role/r]", ""),
            "FF2032",
        );
        assert!(found[0].2.contains("is true"), "{found:?}");
        for (role, attrs) in [
            // The resource exists only under a condition (which may be the property's).
            (
                "!If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue]",
                "    Condition: Prod\n",
            ),
            // The parameters allow only values that keep the property.
            ("!If [Always, arn:aws:iam::1:role/r, !Ref AWS::NoValue]", ""),
            // Inside another Fn::If, whose condition may decide this one.
            (
                "!If [Prod, !If [Prod, arn:aws:iam::1:role/r, !Ref AWS::NoValue], arn:aws:iam::1:role/s]",
                "",
            ),
        ] {
            assert!(
                super::super::found(&t(role, attrs), "FF2032").is_empty(),
                "{role} {attrs}"
            );
        }
    }

    #[test]
    fn ignore_globals_names_what_globals_sets() {
        let t = |ignore: &str, globals: &str| {
            format!(
                "Transform: AWS::Serverless-2016-10-31\n{globals}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: {ignore}\n    Properties: {{Handler: a.h, Runtime: python3.13, CodeUri: s3://b/k.zip}}\n"
            )
        };
        let globals = "Globals:\n  Function:\n    Timeout: 3\n    Tracing: Active\n";
        let found = super::super::found(&t("[Timeot, Tracing, 7]", globals), "FF2031");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "warning");
        assert_eq!(found[0].1, "F.IgnoreGlobals[0]");
        assert_eq!(found[0].3, "did you mean `Timeout`?");
        let found = super::super::found(&t("[Anything]", globals), "FF2031");
        assert_eq!(found[0].3, "Globals.Function sets Timeout, Tracing");
        let found = super::super::found(&t("[Timeout]", ""), "FF2031");
        assert_eq!(
            found[0].3,
            "the template has no Globals for Function: remove the name"
        );
        // '*' ignores everything; an included Globals section is not known offline.
        assert!(super::super::found(&t("'*'", globals), "FF2031").is_empty());
        let included = "Globals:\n  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/g.yaml}}\n";
        assert!(super::super::found(&t("[Timeot]", included), "FF2031").is_empty());
    }

    #[test]
    fn sam_globals_give_properties_the_kind_has() {
        let t = |globals: &str| {
            format!(
                "Transform: AWS::Serverless-2016-10-31\nGlobals:\n{globals}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {{Handler: a.h, Runtime: python3.13, CodeUri: s3://b/k.zip}}\n"
            )
        };
        assert_eq!(
            schema_diags(&t("  Function:\n    Timeot: 3\n")),
            [("FF2002".into(), "Globals.Function.Timeot".into())]
        );
        assert!(
            schema_diags(&t("  Function:\n    Timeout: 3\n  Api:\n    Cors: '*'\n")).is_empty()
        );
        // A kind the schema set does not know is not judged.
        assert!(schema_diags(&t("  Gadget:\n    Anything: 1\n")).is_empty());
    }

    #[test]
    fn each_value_a_parameter_allows_is_checked_unless_a_condition_guards_it() {
        let t = |value: &str| {
            format!(
                "Parameters:\n  Days:\n    Type: Number\n    AllowedValues: [7, 15]\n    Default: 7\n  Free:\n    Type: Number\n    Default: 15\nConditions:\n  C: !Equals [!Ref Days, 7]\nResources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: {value}\n"
            )
        };
        let at = (
            "FF2005".to_owned(),
            "L.Properties.RetentionInDays".to_owned(),
        );
        assert_eq!(schema_diags(&t("!Ref Days")), [at]);
        // A Default only may be overridden; a Ref inside Fn::If may be excluded by it.
        assert!(schema_diags(&t("!Ref Free")).is_empty());
        assert!(schema_diags(&t("!If [C, !Ref Days, 30]")).is_empty());
        let text = super::super::validate(&Template::parse("t.yaml", &t("!Ref Days")).unwrap())
            .diagnostics[0]
            .message
            .clone();
        assert!(text.ends_with("(when Days = 15)"), "{text}");
    }

    #[test]
    fn a_function_giving_text_where_a_mapping_belongs_is_a_type_error() {
        let t = |variables: &str| {
            format!(
                "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: 'sts:AssumeRole'}}]}}\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.13\n      Handler: app.handler\n      Role: !GetAtt R.Arn\n      Code: {{S3Bucket: artifacts, S3Key: f.zip}}\n      Environment:\n        Variables: {variables}\n"
            )
        };
        let env = "F.Properties.Environment.Variables";
        for bad in [
            "!GetAtt R.Arn",
            "!Sub '${AWS::Region}'",
            "!Ref AWS::Region",
            "!Split [',', 'a,b']",
        ] {
            assert_eq!(
                schema_diags(&t(bad)),
                [("FF2004".into(), env.into())],
                "{bad}"
            );
        }
        // A macro may rewrite the value, with SAM or without.
        for transform in ["MyMacro", "[AWS::Serverless-2016-10-31, MyMacro]"] {
            let text = format!("Transform: {transform}\n{}", t("!GetAtt R.Arn"));
            assert!(
                schema_diags(&text).iter().all(|(_, p)| p != env),
                "{transform}"
            );
        }
        // What may give a mapping, or nothing, is not judged.
        for fine in [
            "{A: b}",
            "!Ref AWS::NoValue",
            "!GetAtt R.RoleId",
            "!FindInMap [M, a, b]",
            "!If [C, {A: b}, !Ref AWS::NoValue]",
        ] {
            let text = format!(
                "{}Conditions:\n  C: !Equals [a, a]\nMappings:\n  M: {{a: {{b: c}}}}\n",
                t(fine)
            );
            assert!(
                schema_diags(&text).iter().all(|(_, p)| p != env),
                "{fine}: {:?}",
                schema_diags(&text)
            );
        }
    }

    #[test]
    fn sam_properties_are_checked_against_sam_schema_with_globals_giving_required_ones() {
        let yaml = "\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    DeploymentPreference: {Type: AllAtOnce}
  LayerVersion:
    ContentUri: ./layer
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ./src
      Handler: app.handler
      Runtime: python3.14
      MemorySizee: 128
      Timeout: lots
      MemorySize: {Ref: AWS::NoValue}
      DeploymentPreference: {Enabled: true}
      ProvisionedConcurrencyConfig: {}
  L: {Type: AWS::Serverless::LayerVersion}
  A: {Type: AWS::Serverless::Api}
  T: {Type: AWS::SQS::Queue, Properties: {QueueName: {'Fn::GetAtt': [F, Anything.Goes]}}}
";
        let s = |r: &str, p: &str| (r.to_owned(), p.to_owned());
        let mut got = schema_diags(yaml);
        got.sort();
        assert_eq!(
            got,
            vec![
                s("FF2002", "F.Properties.MemorySizee"),
                s("FF2003", "A.Properties"),
                s("FF2003", "F.Properties.ProvisionedConcurrencyConfig"),
                s("FF2004", "F.Properties.Timeout"),
            ],
        );
    }

    #[test]
    fn properties_excluded_together_are_reported_once_per_pair_unless_they_may_be_absent() {
        let yaml = "\
Conditions:
  C: {'Fn::Equals': [a, b]}
Resources:
  S:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      AvailabilityZone: us-east-1a
      AvailabilityZoneId: use1-az1
      CidrBlock: 10.0.0.0/24
      Ipv4IpamPoolId: {'Fn::If': [C, ipam-pool-1, {Ref: AWS::NoValue}]}
      Ipv6CidrBlock: {Ref: AWS::NoValue}
      Ipv6IpamPoolId: ipam-pool-2
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      NetworkInterfaces:
        - {DeviceIndex: '0', NetworkInterfaceId: eni-1, AssociatePublicIpAddress: true}
";
        let t = Template::parse("t.yaml", yaml).unwrap();
        let got: Vec<(String, String)> = super::super::validate(&t)
            .diagnostics
            .into_iter()
            .filter(|x| x.rule == "FF2022")
            .map(|x| (x.path, x.message))
            .collect();
        let s = |p: &str, m: &str| (p.to_owned(), m.to_owned());
        assert_eq!(
            got,
            vec![
                s(
                    "S.Properties.AvailabilityZoneId",
                    "`AvailabilityZone` and `AvailabilityZoneId` are both set, but AWS::EC2::Subnet takes only one of them"
                ),
                s(
                    "I.Properties.NetworkInterfaces[0].AssociatePublicIpAddress",
                    "`NetworkInterfaceId` and `AssociatePublicIpAddress` are both set, but AWS::EC2::Instance takes only one of them"
                ),
            ],
        );
    }

    #[test]
    fn sam_resources_are_not_checked_under_a_macro_or_with_globals_unknown() {
        let props = "\
Resources:
  F: {Type: AWS::Serverless::Function, Properties: {Timeout: lots}}
  A: {Type: AWS::Serverless::Api}
";
        let macro_too = format!("Transform: [AWS::Serverless-2016-10-31, MyMacro]\n{props}");
        assert_eq!(schema_diags(&macro_too), vec![]);
        let included = format!(
            "Transform: AWS::Serverless-2016-10-31\nGlobals: {{'Fn::Transform': {{Name: AWS::Include, Parameters: {{Location: s3://b/g.yaml}}}}}}\n{props}"
        );
        assert_eq!(
            schema_diags(&included),
            vec![("FF2004".to_owned(), "F.Properties.Timeout".to_owned())]
        );
    }

    #[test]
    fn a_service_shutting_down_is_a_warning_with_its_date_when_known() {
        // App Mesh: end of support 2026-09-30; AWS WAF Classic: no date in the data.
        // https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html
        let diags = full_diags(
            "Resources:\n  Mesh: {Type: AWS::AppMesh::Mesh}\n  Set: {Type: AWS::WAF::IPSet, Properties: {Name: s}}\n",
        );
        let plan = "plan the move to the service AWS names as its replacement";
        assert_eq!(
            diags,
            [
                (
                    "FF2014".to_owned(),
                    "Mesh.Type".to_owned(),
                    "AWS::AppMesh::Mesh is from a service AWS is shutting down on 2026-09-30"
                        .to_owned(),
                    plan.to_owned()
                ),
                (
                    "FF2014".to_owned(),
                    "Set.Type".to_owned(),
                    "AWS::WAF::IPSet is from a service AWS is shutting down".to_owned(),
                    plan.to_owned()
                )
            ]
        );
    }

    #[test]
    fn an_unknown_aws_type_is_not_reported_under_a_macro() {
        // A macro may turn any type into others; without one, the type is reported.
        let resources = "Resources:\n  X: {Type: AWS::Made::Up}\n";
        assert_eq!(
            schema_diags(&format!("Transform: MyMacro\n{resources}")),
            vec![]
        );
        assert_eq!(
            schema_diags(resources),
            vec![("FF2001".to_owned(), "X.Type".to_owned())]
        );
    }

    #[test]
    fn resource_attributes_are_checked_by_kind_and_transform() {
        let topic = |attrs: &str| format!("Resources:\n  T: {{Type: AWS::SNS::Topic, {attrs}}}\n");
        // SAM's resource attributes are SAM's: CloudFormation refuses them.
        assert_eq!(
            structure_of(&topic("IgnoreGlobals: '*'")),
            [(
                "T.IgnoreGlobals".to_owned(),
                "unknown resource attribute `IgnoreGlobals`".to_owned()
            )]
        );
        assert_eq!(
            structure_of(&format!(
                "Transform: AWS::Serverless-2016-10-31\n{}",
                topic("IgnoreGlobals: '*'")
            )),
            []
        );
        // A Condition is a condition's name; AWS::LanguageExtensions resolves a function
        // there, never a list.
        let conditions = "Conditions:\n  C: !Equals [a, a]\n";
        let not_a_name = || {
            vec![(
                "T.Condition".to_owned(),
                "Condition is not a condition name".to_owned(),
            )]
        };
        let with_sub = topic("Condition: {'Fn::Sub': C}");
        assert_eq!(
            structure_of(&format!("{conditions}{with_sub}")),
            not_a_name()
        );
        assert_eq!(
            structure_of(&format!(
                "Transform: AWS::LanguageExtensions\n{conditions}{with_sub}"
            )),
            []
        );
        assert_eq!(
            structure_of(&format!(
                "Transform: AWS::LanguageExtensions\n{conditions}{}",
                topic("Condition: [C]")
            )),
            not_a_name()
        );
    }

    /// (path, message) of the FF2000 (structure) diagnostics of `yaml`.
    fn structure_of(yaml: &str) -> Vec<(String, String)> {
        full_diags(yaml)
            .into_iter()
            .filter(|d| d.0 == "FF2000")
            .map(|d| (d.1, d.2))
            .collect()
    }

    /// Owned copies of expected `(a, b)` pairs, to compare with [`structure_of`]'s.
    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn outputs_are_mappings_with_a_value_known_attributes_and_an_export_name() {
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html
        let yaml = "\
Resources:
  T: {Type: AWS::SNS::Topic}
Outputs:
  Good: {Value: !Ref T, Description: d, Export: {Name: n}, Condition: C}
  Text: just text
  NoValue: {Description: d}
  Extra: {Value: v, Exports: {Name: n}}
  Unnamed: {Value: v, Export: {Value: n}}
Conditions:
  C: !Equals [a, a]
";
        assert_eq!(
            structure_of(yaml),
            pairs(&[
                ("Text", "output `Text` is not a mapping"),
                ("NoValue", "output `NoValue` has no Value"),
                ("Extra.Exports", "unknown output attribute `Exports`"),
                ("Unnamed.Export", "Export has no Name"),
            ])
        );
    }

    #[test]
    fn a_template_needs_a_resources_mapping_reported_once() {
        assert_eq!(
            structure_of("Outputs: {}\n"),
            pairs(&[("Resources", "the template has no Resources section")])
        );
        assert_eq!(
            structure_of("Resources: [a]\n"),
            pairs(&[("Resources", "the Resources section is not a mapping")])
        );
        assert_eq!(
            structure_of("Resources: {}\n"),
            pairs(&[("Resources", "the Resources section is empty")])
        );
    }

    #[test]
    fn an_update_policy_is_a_mapping_or_nested_fn_ifs_of_mappings() {
        let policy = |v: &str| {
            format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties: {{MinSize: '1', MaxSize: '1', AvailabilityZones: [a]}}\n    UpdatePolicy: {v}\n"
            )
        };
        let at_policy = |v: &str| -> Vec<String> {
            structure_of(&policy(v))
                .into_iter()
                .filter(|d| d.0 == "G.UpdatePolicy")
                .map(|d| d.1)
                .collect()
        };
        let nested = |levels: usize, bottom: &str| {
            (0..levels).fold(bottom.to_owned(), |v, _| {
                format!("{{'Fn::If': [C, {v}, {{}}]}}")
            })
        };
        assert_eq!(
            at_policy("[a]"),
            ["UpdatePolicy is a list; CloudFormation takes a mapping"]
        );
        assert_eq!(
            at_policy("{'Fn::If': [C, {}, !Ref AWS::NoValue]}"),
            Vec::<String>::new()
        );
        assert_eq!(
            at_policy("{'Fn::If': [C, {}]}"),
            ["UpdatePolicy is `Fn::If`, which gives no mapping; CloudFormation takes a mapping"]
        );
        assert_eq!(
            at_policy("{'Fn::Sub': x}"),
            ["UpdatePolicy is `Fn::Sub`, which gives no mapping; CloudFormation takes a mapping"]
        );
        assert_eq!(
            at_policy(&nested(super::POLICY_IF_DEPTH, "{}")),
            Vec::<String>::new()
        );
        assert_eq!(
            at_policy(&nested(super::POLICY_IF_DEPTH, "[a]")),
            ["UpdatePolicy is `Fn::If`, which gives no mapping; CloudFormation takes a mapping"]
        );
        // Past the bound, no claim either way.
        assert_eq!(
            at_policy(&nested(super::POLICY_IF_DEPTH + 1, "[a]")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn parameters_are_mappings_with_a_valid_type_and_known_attributes() {
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
        let yaml = "\
Parameters:
  Plain: {Type: String}
  Numbers: {Type: List<Number>}
  Names: {Type: CommaDelimitedList}
  Vpc: {Type: AWS::EC2::VPC::Id}
  Subnets: {Type: List<AWS::EC2::Subnet::Id>}
  Ssm: {Type: AWS::SSM::Parameter::Value<String>}
  Text: just text
  NoType: {Default: a}
  Misspelt: {Type: Strin}
  Extra: {Type: Number, Defualt: 1}
Resources:
  T: {Type: AWS::SNS::Topic}
";
        assert_eq!(
            structure_of(yaml),
            pairs(&[
                ("Text", "parameter `Text` is not a mapping"),
                ("NoType", "parameter `NoType` has no Type"),
                ("Misspelt.Type", "`Strin` is not a parameter type"),
                ("Extra.Defualt", "unknown parameter attribute `Defualt`"),
            ])
        );
    }

    #[test]
    fn lengths_ranges_and_list_sizes_are_checked_at_their_bounds() {
        // SNS TopicName: at most 256 characters; SQS DelaySeconds: 0 to 900; Lambda
        // Architectures: one item.
        let yaml = |name: usize, delay: i32, archs: &str| {
            format!(
                "Resources:
  T: {{Type: AWS::SNS::Topic, Properties: {{TopicName: {}}}}}
  Q: {{Type: AWS::SQS::Queue, Properties: {{DelaySeconds: {delay}}}}}
  F:
    Type: AWS::Lambda::Function
    Properties: {{Role: 'arn:aws:iam::123456789012:role/r', Code: {{ZipFile: x}}, Runtime: python3.14, Handler: index.h, Architectures: {archs}}}
",
                "a".repeat(name)
            )
        };
        assert_eq!(schema_diags(&yaml(256, 0, "[x86_64]")), vec![]);
        let s = |r: &str, p: &str| (r.to_owned(), p.to_owned());
        assert_eq!(
            schema_diags(&yaml(257, -1, "[]")),
            vec![
                s("FF2007", "T.Properties.TopicName"),
                s("FF2008", "Q.Properties.DelaySeconds"),
                s("FF2009", "F.Properties.Architectures"),
            ]
        );
    }

    #[test]
    fn sam_globals_given_by_a_function_may_give_anything() {
        // A Globals entry that is an expression is not known offline: the required
        // StageName of an Api may come from it.
        let yaml = |api: &str| {
            format!(
                "Transform: AWS::Serverless-2016-10-31\nConditions:\n  C: !Equals [a, a]\nGlobals:\n  Api: {api}\nResources:\n  A: {{Type: AWS::Serverless::Api}}\n"
            )
        };
        assert_eq!(
            schema_diags(&yaml("{'Fn::If': [C, {StageName: s}, {StageName: t}]}")),
            vec![]
        );
        assert_eq!(
            schema_diags(&yaml("{Cors: '*'}")),
            vec![("FF2003".to_owned(), "A.Properties".to_owned())]
        );
    }

    #[test]
    fn a_condition_key_in_a_property_value_is_data() {
        // Not a function there: checked against the schema like any mapping.
        let yaml = "Conditions:\n  C: !Equals [a, b]\nResources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: {Condition: C}}}\n";
        assert_eq!(
            crate::validate::found(yaml, "FF2004")
                .into_iter()
                .map(|(_, path, message, _)| (path, message))
                .collect::<Vec<_>>(),
            [(
                "Q.Properties.QueueName".to_owned(),
                "expected a string, found a mapping {\"Condition\":\"C\"}".to_owned()
            )]
        );
    }

    #[test]
    fn values_conform_to_a_type_as_cloudformation_converts_them() {
        use super::conforms;
        use serde_json::json;
        let yes = [
            ("string", json!("a")),
            ("string", json!(1)),
            ("string", json!(true)),
            ("integer", json!(-5)),
            ("integer", json!(u64::MAX)),
            ("integer", json!(2.0)),
            ("integer", json!(" 7 ")),
            ("number", json!(2.5)),
            ("number", json!("2.5")),
            ("boolean", json!(false)),
            ("boolean", json!("TRUE")),
            ("object", json!({})),
            ("array", json!([])),
            ("null", json!(null)),
            // A dynamic reference gives text, converted like any other.
            ("string", json!("{{resolve:ssm:/p}}")),
            ("integer", json!("{{resolve:ssm:/p}}")),
        ];
        let no = [
            ("string", json!({})),
            ("string", json!([])),
            ("integer", json!(2.5)),
            ("integer", json!("2.5")),
            ("number", json!("two")),
            ("number", json!("inf")),
            ("number", json!(true)),
            ("boolean", json!("yes")),
            ("boolean", json!(1)),
            ("object", json!([])),
            ("array", json!({})),
            ("array", json!("{{resolve:ssm:/p}}")),
            ("object", json!("{{resolve:ssm:/p}}")),
            ("null", json!(1)),
        ];
        for (t, v) in yes {
            assert!(conforms(t, &v), "{t} {v}");
        }
        for (t, v) in no {
            assert!(!conforms(t, &v), "{t} {v}");
        }
    }

    #[test]
    fn a_required_property_set_to_no_value_is_missing() {
        let found = full_diags(
            "Resources:\n  A:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    \
             Properties:\n      SubnetId: !Ref AWS::NoValue\n      RouteTableId: rtb-1\n  \
             B:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    \
             Properties:\n      SubnetId: subnet-1\n      RouteTableId: rtb-1\n",
        );
        let ff2003: Vec<_> = found.iter().filter(|d| d.0 == "FF2003").collect();
        assert_eq!(ff2003.len(), 1, "{found:?}");
        assert_eq!(ff2003[0].1, "A.Properties");
        assert_eq!(
            ff2003[0].2,
            "missing the required property `SubnetId`: its value, AWS::NoValue, removes it"
        );
    }

    #[test]
    fn a_boolean_or_integer_where_a_string_is_taken_is_checked_as_its_text() {
        // IAM's Path takes a string matching `^(\u002F)|(\u002F[\u0021-\u007E]+\u002F)$`:
        // CloudFormation passes `true` as "true", which does not match.
        let found = schema_diags(
            "Resources:\n  A:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: true\n  \
             B:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: 5\n  \
             C:\n    Type: AWS::IAM::Role\n    Properties:\n      \
             AssumeRolePolicyDocument: {}\n      Path: 1.5\n  \
             D:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: 12345\n",
        );
        assert_eq!(
            found,
            [
                ("FF2006".to_owned(), "A.Properties.Path".to_owned()),
                ("FF2006".to_owned(), "B.Properties.Path".to_owned()),
            ],
            "a float has no single text form (C); 12345 is a valid log group name (D)"
        );

        use super::{Types, as_text};
        use serde_json::json;
        let types = |names: &[&'static str]| {
            let mut t = Types {
                names: [""; 8],
                len: names.len(),
            };
            t.names[..names.len()].copy_from_slice(names);
            t
        };
        let text = |t: &[&'static str], v: serde_json::Value| {
            as_text(&types(t), &v).map(std::borrow::Cow::into_owned)
        };
        assert_eq!(text(&["string"], json!("a")).as_deref(), Some("a"));
        assert_eq!(text(&["string"], json!(false)).as_deref(), Some("false"));
        assert_eq!(text(&["string"], json!(-7)).as_deref(), Some("-7"));
        assert_eq!(
            text(&["string"], json!(u64::MAX)).as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(text(&["string"], json!(2.5)), None);
        // The value's own type is taken: it stays what it is.
        assert_eq!(text(&["string", "boolean"], json!(true)), None);
        assert_eq!(text(&["string", "integer"], json!(3)), None);
        assert_eq!(text(&["number", "string"], json!(3)), None);
        // No string is taken: no text.
        assert_eq!(text(&["boolean"], json!(true)), None);
        assert_eq!(text(&[], json!(3)), None);
    }

    #[test]
    fn values_are_compared_with_enums_as_text() {
        use super::canonical;
        use serde_json::json;
        assert_eq!(canonical(&json!("a")).as_deref(), Some("a"));
        assert_eq!(canonical(&json!(true)).as_deref(), Some("true"));
        assert_eq!(canonical(&json!(5)).as_deref(), Some("5"));
        // A whole float is written as the integer it is; one too large for that as
        // serde_json writes it (not a saturated integer).
        assert_eq!(canonical(&json!(5.0)).as_deref(), Some("5"));
        assert_eq!(canonical(&json!(2.5)).as_deref(), Some("2.5"));
        assert_eq!(canonical(&json!(1e20)).as_deref(), Some("1e+20"));
        assert_eq!(
            canonical(&json!(1e15)).as_deref(),
            Some("1000000000000000.0")
        );
        assert_eq!(
            canonical(&json!(1e15 - 1.0)).as_deref(),
            Some("999999999999999")
        );
        assert_eq!(canonical(&json!([1])), None);
    }

    #[test]
    fn enum_members_match_as_cloudformation_compares_them() {
        use super::enum_eq;
        use crate::validate::data::Node;
        use serde_json::json;
        let (s, n, b) = (Node::Str, Node::Num, Node::Bool);
        let yes = [
            (json!("a"), s("a"), false),
            (json!("A"), s("a"), true),
            (json!(true), b(true), false),
            (json!("true"), b(true), false),
            (json!(true), s("TRUE"), true),
            (json!(false), s("false"), false),
            (json!(7), n(7.0), false),
            (json!("7"), n(7.0), false),
            (json!("7.0"), n(7.0), false),
            (json!(7), s("7"), false),
            // Two texts of the same number.
            (json!("7"), s("7.0"), false),
            (json!("-1"), s("-1.0"), false),
            (json!(".5"), s("0.5"), false),
        ];
        let no = [
            (json!("a"), s("b"), false),
            (json!("A"), s("a"), false),
            (json!("A"), s("b"), true),
            (json!(true), b(false), false),
            (json!(true), s("TRUE"), false),
            (json!(7), n(8.0), false),
            (json!("x7"), s("7"), false),
            (json!("7"), s("x"), false),
            // Only texts that look like numbers are compared as numbers.
            (json!("inf"), s("Infinity"), false),
            (json!(null), s("null"), false),
        ];
        for (v, e, ci) in &yes {
            assert!(enum_eq(v, e, *ci), "{v} {e:?} ci={ci}");
        }
        for (v, e, ci) in &no {
            assert!(!enum_eq(v, e, *ci), "{v} {e:?} ci={ci}");
        }
    }

    #[test]
    fn case_insensitive_values_match_in_any_case_and_say_so_when_they_do_not() {
        // cfn-lint's schemas list the Classic Load Balancer's listener protocols, in lower
        // case, as matching in any case (`enumCaseInsensitive`); AWS documents them in upper
        // case: <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ec2-elb-listener.html>.
        let listener = |protocol: &str| {
            crate::validate::found(
                &format!("Resources:\n  L:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      AvailabilityZones: [us-east-1a]\n      Listeners:\n        - {{InstancePort: '80', LoadBalancerPort: '80', Protocol: {protocol}}}\n"),
                "FF2005",
            )
            .into_iter()
            .map(|d| (d.1, d.3))
            .collect::<Vec<_>>()
        };
        for ok in ["TCP", "tcp", "Http", "HTTPS", "SSL"] {
            assert_eq!(listener(ok), [], "{ok}");
        }
        assert_eq!(
            listener("UDP"),
            [(
                "L.Properties.Listeners[0].Protocol".to_owned(),
                "allowed, in any case: http, https, tcp, ssl".to_owned()
            )]
        );
        assert_eq!(
            listener("HTTPX"),
            [(
                "L.Properties.Listeners[0].Protocol".to_owned(),
                "did you mean `http`? allowed, in any case: http, https, tcp, ssl".to_owned()
            )]
        );
        // A case-sensitive list still is: an ECS service's launch type in lower case is wrong.
        let service = full_diags(
            "Resources:\n  S: {Type: AWS::ECS::Service, Properties: {LaunchType: fargate}}\n",
        );
        assert!(
            service.iter().any(|d| d.0 == "FF2005"
                && d.1 == "S.Properties.LaunchType"
                && d.3.starts_with("did you mean `FARGATE`? allowed: ")),
            "{service:?}"
        );
    }

    #[test]
    fn hints_name_the_bounds_the_allowed_values_and_the_known_properties() {
        let hints = |resources: &str| -> Vec<(String, String, String)> {
            full_diags(&format!("Resources:\n{resources}"))
                .into_iter()
                .map(|d| (d.0, d.1, d.3))
                .collect()
        };
        let h = |r: &str, p: &str, hint: &str| (r.to_owned(), p.to_owned(), hint.to_owned());
        assert_eq!(
            hints(&format!(
                "  T: {{Type: AWS::SNS::Topic, Properties: {{TopicName: {}}}}}\n",
                "a".repeat(257)
            )),
            [h(
                "FF2007",
                "T.Properties.TopicName",
                "allowed: at most 256 characters"
            )]
        );
        assert_eq!(
            hints("  Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: 901}}\n"),
            [h(
                "FF2008",
                "Q.Properties.DelaySeconds",
                "allowed: 0 to 900"
            )]
        );
        // A minimum alone.
        assert_eq!(
            hints(
                "  F: {Type: AWS::Lambda::Function, Properties: {Role: 'arn:aws:iam::123456789012:role/r', Code: {ZipFile: x}, Runtime: python3.14, Handler: index.h, ReservedConcurrentExecutions: -1}}\n"
            ),
            [h(
                "FF2008",
                "F.Properties.ReservedConcurrentExecutions",
                "allowed: at least 0"
            )]
        );
        // A short list of allowed values whole; a long one cut after 24.
        assert_eq!(
            hints("  L: {Type: AWS::Logs::LogGroup, Properties: {RetentionInDays: 2}}\n"),
            [h(
                "FF2005",
                "L.Properties.RetentionInDays",
                "allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
            )]
        );
        let alarm = hints(
            "  A: {Type: AWS::CloudWatch::Alarm, Properties: {ComparisonOperator: GreaterThanThreshold, EvaluationPeriods: 1, Unit: Secs}}\n",
        );
        let unit = alarm
            .iter()
            .find(|d| d.1 == "A.Properties.Unit")
            .expect("the unit is reported");
        assert!(
            unit.2.starts_with("allowed: Bits, Bits/Second, Bytes,")
                && unit.2.ends_with(", ... (27 values)"),
            "{}",
            unit.2
        );
        // An unknown property: the close name, else every name of a short list, else how
        // many there are.
        let topic = |key: &str| {
            hints(&format!(
                "  T: {{Type: AWS::SNS::Topic, Properties: {{{key}: x}}}}\n"
            ))
        };
        assert_eq!(
            topic("TopicNme"),
            [h(
                "FF2002",
                "T.Properties.TopicNme",
                "did you mean `TopicName`?"
            )]
        );
        let unknown = topic("Qqqqqqqq");
        assert!(
            unknown[0].2.starts_with("known properties: ") && unknown[0].2.contains(", TopicName"),
            "{unknown:?}"
        );
        let bucket = hints("  B: {Type: AWS::EC2::Instance, Properties: {Qqqqqqqq: x}}\n");
        assert!(
            bucket[0]
                .2
                .ends_with(" known properties; see the resource's documentation"),
            "{bucket:?}"
        );
    }

    #[test]
    fn a_read_only_property_is_a_warning_and_never_a_suggestion() {
        let found = full_diags(
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Arn: x\n      \
             DomainName: !Ref AWS::NoValue\n      BucketName: my-bucket\n      WebsiteURL: !If [C, u, v]\n\
             Conditions:\n  C: !Equals [a, a]\n",
        );
        let ro: Vec<_> = found.iter().filter(|d| d.0 == "FF2037").collect();
        // AWS::NoValue sets nothing; a value in either branch of an Fn::If is set.
        assert_eq!(
            ro.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            ["B.Properties.Arn", "B.Properties.WebsiteURL"],
            "{found:?}"
        );
        assert_eq!(
            ro[0].2,
            "`Arn` is read-only in AWS::S3::Bucket: AWS sets it, a template cannot"
        );
        assert_eq!(
            ro[0].3,
            "remove it; to use the value AWS gives it, write `Fn::GetAtt: [B, Arn]`"
        );
        assert!(
            found.iter().all(|d| d.0 == "FF2037"),
            "a warning, and nothing else: {found:?}"
        );
        // A misspelt property is never offered a read-only one, nor are they listed.
        let typo =
            full_diags("Resources:\n  T: {Type: AWS::SNS::Topic, Properties: {TopicArm: x}}\n");
        assert_eq!(typo.len(), 1, "{typo:?}");
        assert_eq!(
            (typo[0].0.as_str(), typo[0].1.as_str()),
            ("FF2002", "T.Properties.TopicArm")
        );
        assert!(
            typo[0].3.starts_with("known properties: ")
                && typo[0].3.contains("TopicName")
                && !typo[0].3.contains("TopicArn"),
            "{typo:?}"
        );
    }

    #[test]
    fn required_sets_need_one_group_and_exclusive_ones_only_one() {
        let ingress = |props: &str| {
            rule_paths(&format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  I:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-12345678\n      IpProtocol: tcp\n{props}"
            ))
        };
        // requiredXor: none of the sources...
        let none = full_diags(
            "Resources:\n  I: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: sg-12345678, IpProtocol: tcp}}\n",
        );
        assert_eq!(none.len(), 1, "{none:?}");
        assert_eq!(
            (none[0].0.as_str(), none[0].1.as_str(), none[0].2.as_str()),
            (
                "FF2003",
                "I.Properties",
                "missing a required property: set exactly one of `CidrIp`, `CidrIpv6`, \
                 `SourcePrefixListId`, `SourceSecurityGroupId` or `SourceSecurityGroupName`"
            )
        );
        // ... or two of them, reported once, at the later one.
        assert_eq!(
            ingress("      CidrIp: 10.0.0.0/8\n      SourceSecurityGroupId: sg-87654321\n"),
            [s("FF2022", "I.Properties.SourceSecurityGroupId")]
        );
        assert_eq!(ingress("      CidrIp: 10.0.0.0/8\n"), []);
        // One or the other by a condition: right for every value of it.
        assert_eq!(
            ingress(
                "      CidrIp: !If [C, 10.0.0.0/8, !Ref AWS::NoValue]\n      \
                 SourceSecurityGroupId: !If [C, !Ref AWS::NoValue, sg-87654321]\n"
            ),
            []
        );
        // AWS::NoValue sets nothing.
        assert_eq!(
            ingress("      CidrIp: !Ref AWS::NoValue\n"),
            [s("FF2003", "I.Properties")]
        );
        // anyOf alternatives that only require: at least one of them.
        let policy = |props: &str| {
            rule_paths(&format!(
                "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      \
                 PolicyDocument: {{Version: '2012-10-17', Statement: [{{Effect: Allow, Action: 's3:GetObject', Resource: '*'}}]}}\n{props}"
            ))
        };
        assert_eq!(policy(""), [s("FF2003", "P.Properties")]);
        assert_eq!(policy("      Roles: [r]\n      Users: [u]\n"), []);
        // A group of several properties is named as one.
        let version = full_diags(
            "Resources:\n  V: {Type: AWS::CloudFormation::PublicTypeVersion, Properties: {Type: HOOK}}\n",
        );
        assert!(
            version.iter().any(|d| d.0 == "FF2003"
                && d.2 == "missing a required property: set exactly one of (`TypeName` and `Type`) or `Arn`"),
            "{version:?}"
        );
    }

    #[test]
    fn mapping_sizes_steps_and_unique_keys_are_checked() {
        let attributes = |n: usize, extra: &str| {
            let entries: Vec<String> = (0..n).map(|i| format!("A{i}: x")).collect();
            rule_paths(&format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  S:\n    Type: AWS::ServiceDiscovery::Service\n    \
                 Properties:\n      ServiceAttributes: {{{}{extra}}}\n",
                entries.join(", ")
            ))
        };
        // maxProperties: 30 entries.
        assert_eq!(attributes(30, ""), []);
        assert_eq!(
            attributes(31, ""),
            [s("FF2009", "S.Properties.ServiceAttributes")]
        );
        // An entry a condition may remove does not count toward the maximum.
        assert_eq!(attributes(30, ", Z: !If [C, x, !Ref AWS::NoValue]"), []);
        let found = full_diags(
            "Resources:\n  S:\n    Type: AWS::ServiceDiscovery::Service\n    Properties:\n      \
             ServiceAttributes: {A: x, B: x, C: x, D: x, E: x, F: x, G: x, H: x, I: x, J: x, K: x, \
             L: x, M: x, N: x, O: x, P: x, Q: x, R: x, S: x, T: x, U: x, V: x, W: x, X: x, Y: x, \
             Z: x, AA: x, AB: x, AC: x, AD: x, AE: x}\n",
        );
        assert_eq!(
            (found[0].2.as_str(), found[0].3.as_str()),
            ("the mapping has 31 entries", "allowed: at most 30 entries")
        );
        // multipleOf: a realtime log configuration samples whole percents (1.0).
        let rate = |r: &str| {
            full_diags(&format!(
                "Resources:\n  R:\n    Type: AWS::CloudFront::RealtimeLogConfig\n    Properties:\n      \
                 Name: rt\n      SamplingRate: {r}\n      Fields: [timestamp]\n      EndPoints:\n        \
                 - StreamType: Kinesis\n          KinesisStreamConfig: {{RoleArn: 'arn:aws:iam::123456789012:role/r', \
                 StreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/s'}}\n"
            ))
        };
        assert!(rate("12").is_empty(), "{:?}", rate("12"));
        assert!(rate("'12'").is_empty(), "{:?}", rate("'12'"));
        let odd = rate("12.5");
        assert_eq!(odd.len(), 1, "{odd:?}");
        assert_eq!(
            (odd[0].0.as_str(), odd[0].1.as_str(), odd[0].2.as_str()),
            (
                "FF2008",
                "R.Properties.SamplingRate",
                "12.5 is not a multiple of 1"
            )
        );
        assert!(super::is_multiple(12.3, 0.1) && super::is_multiple(0.0003, 0.0001));
        assert!(!super::is_multiple(12.34, 0.1));
        // uniqueKeys: a container's environment variables, by Name.
        let env = |vars: &str| {
            full_diags(&format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      \
                 ContainerDefinitions:\n        - Name: app\n          Image: nginx\n          Memory: 512\n          \
                 Environment: {vars}\n"
            ))
        };
        let twice = env("[{Name: A, Value: '1'}, {Name: B, Value: '2'}, {Name: A, Value: '3'}]");
        assert_eq!(twice.len(), 1, "{twice:?}");
        assert_eq!(
            (
                twice[0].0.as_str(),
                twice[0].1.as_str(),
                twice[0].2.as_str()
            ),
            (
                "FF2028",
                "T.Properties.ContainerDefinitions[0].Environment[2]",
                "item 2 has the `Name` of item 0 (\"A\"), but the list's items are unique by `Name`"
            )
        );
        assert!(env("[{Name: A, Value: '1'}, {Name: B, Value: '1'}]").is_empty());
        // One under a condition may be the other's alternative.
        assert!(
            env("[{Name: A, Value: '1'}, !If [C, {Name: A, Value: '2'}, !Ref AWS::NoValue]]")
                .is_empty()
        );
    }

    #[test]
    fn the_first_items_of_a_list_follow_their_own_schemas() {
        // A DynamoDB local secondary index's key schema: the HASH key first, then the RANGE
        // key.
        let table = |keys: &str| {
            rule_paths(&format!(
                "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      \
                 BillingMode: PAY_PER_REQUEST\n      \
                 KeySchema: [{{AttributeName: id, KeyType: HASH}}, {{AttributeName: at, KeyType: RANGE}}]\n      \
                 AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}, {{AttributeName: at, AttributeType: S}}, \
                 {{AttributeName: by, AttributeType: S}}]\n      \
                 LocalSecondaryIndexes:\n        - IndexName: byUser\n          Projection: {{ProjectionType: ALL}}\n          \
                 KeySchema: {keys}\n"
            ))
        };
        assert_eq!(
            table("[{AttributeName: id, KeyType: HASH}, {AttributeName: by, KeyType: RANGE}]"),
            []
        );
        let index = "T.Properties.LocalSecondaryIndexes[0].KeySchema";
        assert_eq!(
            table("[{AttributeName: by, KeyType: RANGE}, {AttributeName: id, KeyType: HASH}]"),
            [
                s("FF2005", &format!("{index}[0].KeyType")),
                s("FF2005", &format!("{index}[1].KeyType"))
            ]
        );
        // What both schemas require is reported once.
        assert_eq!(
            table("[{AttributeName: id}, {AttributeName: by, KeyType: RANGE}]"),
            [s("FF2003", &format!("{index}[0]"))]
        );
    }

    #[test]
    fn a_function_that_gives_a_list_or_text_where_the_schema_takes_the_other_is_refused() {
        let t = |props: &str| {
            full_diags(&format!(
                "Parameters:\n  Text: {{Type: String}}\n  Ids: {{Type: 'List<AWS::EC2::Subnet::Id>'}}\n  \
                 Names: {{Type: 'AWS::SSM::Parameter::Value<CommaDelimitedList>'}}\n\
                 Mappings:\n  M: {{K: {{V: x}}}}\n\
                 Resources:\n  LB:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n{props}"
            ))
            .into_iter()
            .map(|d| (d.0, d.1, d.2))
            .collect::<Vec<_>>()
        };
        let e = |path: &str, message: &str| {
            (
                "FF2004".to_owned(),
                format!("LB.Properties.{path}"),
                message.to_owned(),
            )
        };
        // Lists where text is taken, text where a list is.
        assert_eq!(
            t("      Name: !GetAZs ''\n      Subnets: !Join [',', [a, b]]\n"),
            [
                e(
                    "Name",
                    "expected a string, found Fn::GetAZs, which gives a list"
                ),
                e(
                    "Subnets",
                    "expected a list, found Fn::Join, which gives text"
                )
            ]
        );
        assert_eq!(
            t("      Name: !Ref Ids\n      Subnets: !Ref Text\n      SecurityGroups: !Sub x\n"),
            [
                e(
                    "Name",
                    "expected a string, found Ref, which gives a list (a list parameter)"
                ),
                e("Subnets", "expected a list, found Ref, which gives text"),
                e(
                    "SecurityGroups",
                    "expected a list, found Fn::Sub, which gives text"
                )
            ]
        );
        // What fits: lists where lists are taken, one item of a list, text where text or a
        // number is taken, and what may give anything.
        assert_eq!(
            t(
                "      Name: !Select [0, !Ref Names]\n      Subnets: !Ref Ids\n      \
               SecurityGroups: !Split [',', !Ref Text]\n      IpAddressType: !Ref Text\n      \
               LoadBalancerAttributes: !FindInMap [M, K, V]\n"
            ),
            []
        );
    }

    #[test]
    fn an_output_s_value_is_text() {
        let t = |value: &str| {
            full_diags(&format!(
                "Conditions:\n  C: !Equals [a, a]\nParameters:\n  Ids: {{Type: 'List<AWS::EC2::Subnet::Id>'}}\n  \
                 Name: {{Type: String}}\nResources:\n  T: {{Type: AWS::SNS::Topic}}\nOutputs:\n  O:\n    Value: {value}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.1, d.2))
            .collect::<Vec<_>>()
        };
        let e = |message: &str| {
            vec![(
                "FF2000".to_owned(),
                "O.Value".to_owned(),
                message.to_owned(),
            )]
        };
        assert_eq!(
            t("[a, b]"),
            e("output `O`'s Value is a list: an output's value is text")
        );
        assert_eq!(
            t("{Key: a}"),
            e("output `O`'s Value is a mapping: an output's value is text")
        );
        assert_eq!(
            t("!GetAZs ''"),
            e("output `O`'s Value is Fn::GetAZs, which gives a list: an output's value is text")
        );
        assert_eq!(
            t("!If [C, !Ref T, !Ref Ids]"),
            e(
                "output `O`'s Value is Ref, which gives a list (a list parameter): an output's value is text"
            )
        );
        for fine in [
            "!Ref T",
            "!Ref Name",
            "!Join [',', !Ref Ids]",
            "!Select [0, !GetAZs '']",
            "!GetAtt T.TopicArn",
            "'5'",
            "5",
        ] {
            assert_eq!(t(fine), [], "{fine}");
        }
    }

    #[test]
    fn a_property_another_depends_on_is_required_with_it() {
        let yaml = |sse: &str| {
            format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      \
                 BillingMode: PAY_PER_REQUEST\n      KeySchema: [{{AttributeName: id, KeyType: HASH}}]\n      \
                 AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]\n      SSESpecification: {sse}\n"
            )
        };
        let table = |sse: &str| rule_paths(&yaml(sse));
        assert_eq!(
            table("{SSEEnabled: true, KMSMasterKeyId: alias/k}"),
            [s("FF2003", "T.Properties.SSESpecification")]
        );
        let found = full_diags(&yaml("{SSEEnabled: true, KMSMasterKeyId: alias/k}"));
        assert_eq!(
            (found[0].2.as_str(), found[0].3.as_str()),
            (
                "missing the property `SSEType`, which AWS::DynamoDB::Table requires with `KMSMasterKeyId`",
                "set `SSEType`, or remove `KMSMasterKeyId`"
            )
        );
        assert_eq!(
            table("{SSEEnabled: true, KMSMasterKeyId: alias/k, SSEType: KMS}"),
            []
        );
        // Set only under a condition: not judged.
        assert_eq!(
            table("{SSEEnabled: true, KMSMasterKeyId: !If [C, alias/k, !Ref AWS::NoValue]}"),
            []
        );
        // Draft 4's `dependencies` says the same: an Auto Scaling group's maintenance policy
        // gives both of its percentages or neither.
        let group = |policy: &str| {
            rule_paths(&format!(
                "Resources:\n  G:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      \
                 MinSize: '1'\n      MaxSize: '2'\n      LaunchConfigurationName: lc\n      \
                 AvailabilityZones: [us-east-1a]\n      InstanceMaintenancePolicy: {policy}\n"
            ))
        };
        assert_eq!(
            group("{MinHealthyPercentage: 90}"),
            [s("FF2003", "G.Properties.InstanceMaintenancePolicy")]
        );
        assert_eq!(
            group("{MinHealthyPercentage: 90, MaxHealthyPercentage: 120}"),
            []
        );
    }

    #[test]
    fn each_branch_of_an_fn_if_is_checked_and_a_list_is_no_package_path() {
        let queue = |delay: &str| {
            format!(
                "Conditions:\n  C: !Equals [a, a]\nResources:\n  Q: {{Type: AWS::SQS::Queue, Properties: {{DelaySeconds: {delay}}}}}\n"
            )
        };
        let delay = vec![("FF2004".to_owned(), "Q.Properties.DelaySeconds".to_owned())];
        assert_eq!(schema_diags(&queue("!If [C, abc, 5]")), delay);
        assert_eq!(
            schema_diags(&queue("!If [C, !Ref AWS::NoValue, abc]")),
            delay
        );
        assert_eq!(
            schema_diags(&queue("!If [C, 5, !Ref AWS::NoValue]")),
            vec![]
        );
        // A Lambda function's Code as text is a path for `aws cloudformation package`
        // (another rule); as a list, a wrong type.
        let code = schema_diags(
            "Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {Role: 'arn:aws:iam::123456789012:role/r', Code: [a], Runtime: python3.14, Handler: index.h}}\n",
        );
        assert_eq!(
            code,
            vec![("FF2004".to_owned(), "F.Properties.Code".to_owned())]
        );
    }

    #[test]
    fn values_are_checked_to_a_depth_of_64_and_no_further() {
        // A WAF rule group's statements nest: each `NotStatement: {Statement: ...}` is two
        // levels. With 30 of them, the byte-match statement is at depth 64 (its unknown key
        // is reported) and its members at 65 (a wrong value is not). An `Fn::If` the walk
        // goes through is a level (with nine conditions besides, the template has too many
        // cases to be worked out case by case, where the branch would stand for the Fn::If).
        let found_in = |n: usize, inner: &str, branched: bool| -> Vec<(String, String)> {
            let byte_match = format!(
                "{{ByteMatchStatement: {{FieldToMatch: {{UriPath: {{}}}}, SearchString: a, TextTransformations: [{{Priority: 0, Type: NONE}}], {inner}}}}}"
            );
            let (mut st, conditions, description) = if branched {
                let names: Vec<String> = (0..10).map(|k| format!("C{k}")).collect();
                let conditions: String = names
                    .iter()
                    .map(|c| format!("  {c}: !Equals [!Ref AWS::Region, {c}]\n"))
                    .collect();
                let ifs: Vec<String> = names[1..]
                    .iter()
                    .map(|c| format!("!If [{c}, a, b]"))
                    .collect();
                (
                    format!("{{'Fn::If': [C0, {byte_match}, {byte_match}]}}"),
                    format!("Conditions:\n{conditions}"),
                    format!("      Description: !Join ['', [{}]]\n", ifs.join(", ")),
                )
            } else {
                (byte_match, String::new(), String::new())
            };
            for _ in 0..n {
                st = format!("{{NotStatement: {{Statement: {st}}}}}");
            }
            let visibility =
                "{CloudWatchMetricsEnabled: false, MetricName: m, SampledRequestsEnabled: false}";
            full_diags(&format!(
                "{conditions}Resources:\n  W:\n    Type: AWS::WAFv2::RuleGroup\n    Properties:\n      Scope: REGIONAL\n      Capacity: 10\n{description}      VisibilityConfig: {visibility}\n      Rules:\n        - {{Name: r, Priority: 0, Action: {{Block: {{}}}}, VisibilityConfig: {visibility}, Statement: {st}}}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.2))
            .collect()
        };
        let found = |n: usize, inner: &str| found_in(n, inner, false);
        let unknown = |n: usize| found(n, "PositionalConstraint: EXACTLY, Nope: 1");
        let wrong = |n: usize| found(n, "PositionalConstraint: NOPE");
        let d = |rule: &str, msg: &str| vec![(rule.to_owned(), msg.to_owned())];
        assert_eq!(wrong(29), d("FF2005", "\"NOPE\" is not an allowed value"));
        assert_eq!(wrong(30), []);
        assert_eq!(unknown(30), d("FF2002", "unknown property `Nope`"));
        assert_eq!(unknown(31), []);
        let branched = |n: usize| found_in(n, "PositionalConstraint: EXACTLY, Nope: 1", true);
        let twice = [
            d("FF2002", "unknown property `Nope`"),
            d("FF2002", "unknown property `Nope`"),
        ]
        .concat();
        assert_eq!(branched(29), twice);
        assert_eq!(branched(30), []);
    }

    #[test]
    fn only_the_property_package_replaces_is_a_package_path() {
        // A path where Lambda's Code goes is for `aws cloudformation package`; text where
        // the same function's Environment goes is a plain wrong type.
        let rules = |properties: &str| {
            full_diags(&format!(
                "Resources:\n  F: {{Type: AWS::Lambda::Function, Properties: {{Role: 'arn:aws:iam::123456789012:role/r', Runtime: python3.13, Handler: index.h, {properties}}}}}\n"
            ))
            .into_iter()
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>()
        };
        let d = |rule: &str, path: &str| vec![(rule.to_owned(), path.to_owned())];
        assert_eq!(rules("Code: ./src"), d("FF3109", "F.Properties.Code"));
        assert_eq!(
            rules("Code: {ZipFile: x}, Environment: ./env"),
            d("FF2004", "F.Properties.Environment")
        );
    }

    #[test]
    fn a_node_with_properties_but_no_type_takes_a_mapping_and_one_with_neither_anything() {
        // AppSync's SourceApiAssociationConfig has properties and no `type`; QuickSight's
        // FlowDefinition has neither (any value).
        let types = |resource: &str| {
            crate::validate::found(&format!("Resources:\n  R: {resource}\n"), "FF2004")
                .into_iter()
                .map(|d| (d.1, d.2))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            types(
                "{Type: AWS::AppSync::SourceApiAssociation, Properties: {SourceApiAssociationConfig: text}}"
            ),
            [(
                "R.Properties.SourceApiAssociationConfig".to_owned(),
                "expected a mapping, found a string \"text\"".to_owned()
            )]
        );
        assert_eq!(
            types("{Type: AWS::QuickSight::Flow, Properties: {FlowDefinition: text}}"),
            []
        );
        // A list of types that are all `object` (Cognito's PrincipalTags: `["object"]`)
        // takes a mapping too, which a function giving text is not.
        assert_eq!(
            types(
                "{Type: AWS::Cognito::IdentityPoolPrincipalTag, Properties: {IdentityPoolId: x, IdentityProviderName: y, PrincipalTags: !Sub x}}"
            ),
            [(
                "R.Properties.PrincipalTags".to_owned(),
                "expected a mapping, found Fn::Sub, which gives text".to_owned()
            )]
        );
    }

    #[test]
    fn a_list_of_24_allowed_values_is_shown_whole() {
        // Application Auto Scaling's ScalableDimension has exactly 24 values.
        let hint = full_diags(
            "Resources:\n  S:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties: {PolicyName: p, PolicyType: StepScaling, ScalingTargetId: t, ScalableDimension: nope}\n",
        )
        .into_iter()
        .find(|d| d.0 == "FF2005")
        .expect("the dimension is reported")
        .3;
        assert!(hint.starts_with("allowed: "), "{hint}");
        assert!(!hint.contains("..."), "{hint}");
        assert_eq!(hint.matches(", ").count(), 23, "{hint}");
    }

    #[test]
    fn a_required_property_removed_inside_an_fn_if_branch_is_not_claimed() {
        // The outer Fn::If may exclude the very case that removes Endpoint: no claim.
        let removed = |subscription: &str| {
            crate::validate::found(
                &format!("Parameters:\n  P: {{Type: String}}\nConditions:\n  C: !Equals [!Ref P, a]\n  D: !Equals [!Ref P, b]\nResources:\n  T: {{Type: AWS::SNS::Topic, Properties: {{Subscription: {subscription}}}}}\n"),
                "FF2032",
            )
            .into_iter()
            .map(|d| d.1)
            .collect::<Vec<_>>()
        };
        let item = "{Endpoint: !If [C, !Ref AWS::NoValue, e], Protocol: sqs}";
        assert_eq!(
            removed(&format!("[{item}]")),
            ["T.Properties.Subscription[0].Endpoint"]
        );
        assert_eq!(
            removed(&format!("!If [D, [{item}], !Ref AWS::NoValue]")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn allowed_values_are_judged_only_where_the_schema_takes_a_scalar() {
        // Each allowed value of a parameter is checked as if written where the schema takes
        // one value; not where it takes a list or a mapping. (An Auto Scaling group's
        // VPCZoneIdentifier is a list whose schema node also carries `minLength: 1`: the
        // empty value is not judged by it.)
        let judged = |resource: &str, allowed: &str| {
            full_diags(&format!(
                "Parameters:\n  P: {{Type: String, AllowedValues: [{allowed}]}}\nResources:\n  R: {resource}\n"
            ))
            .into_iter()
            .filter(|d| d.2.contains("(when P = "))
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>()
        };
        let broker = |property: &str| {
            judged(
                &format!("{{Type: AWS::AmazonMQ::Broker, Properties: {{{property}: !Ref P}}}}"),
                "nope",
            )
        };
        assert_eq!(broker("SecurityGroups"), []);
        assert_eq!(broker("EncryptionOptions"), []);
        assert_eq!(
            broker("EngineType"),
            [("FF2005".to_owned(), "R.Properties.EngineType".to_owned())]
        );
        let group = "{Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MaxSize: '1', MinSize: '0', VPCZoneIdentifier: !Ref P}}";
        assert_eq!(judged(group, "''"), []);
    }
}
