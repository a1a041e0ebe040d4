//! Template structure (`FF2000`) and the schema constraints of every resource (`FF2001`–`FF2009`).
//!
//! Here: each resource against its type's schema (lifecycle, read-only properties, unknown
//! types). `structure` checks the template's sections; `walk` a value against a schema node;
//! `required` the node's required sets, dependent and excluded properties and mapping sizes;
//! `sam` what SAM's `Globals` give and may name.

use super::data::{self, Node};
use super::{Cx, intrinsic, lit_num, one_of, pattern, suggest};
use crate::model::json::Field;
use crate::model::render::Json;
use crate::rules;

mod required;
mod sam;
mod structure;
#[cfg(test)]
mod tests;
mod walk;

use sam::*;
pub(super) use structure::kind_of;
use structure::*;
use walk::*;

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
    // One path buffer for every resource's walk, and one cache of schema node views.
    let mut path = String::with_capacity(128);
    let mut views = crate::model::fasthash::FastMap::default();
    for (id, r) in resources {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let props = r.field("Properties");
        // `Custom::Name` is AWS::CloudFormation::CustomResource under a name of the
        // template's choosing: its reserved properties (`ServiceToken`, `ServiceTimeout`)
        // are that type's, and any others are the provider's.
        // <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html>
        let schema_type = if ty.starts_with("Custom::") {
            "AWS::CloudFormation::CustomResource"
        } else {
            ty
        };
        let Some(schema) = data::schema(schema_type).filter(|_| sam || !data::is_sam(ty)) else {
            unknown_type(cx, id, ty, transformed);
            continue;
        };
        lifecycle(cx, id, ty, schema);
        path.clear();
        path.push_str(id);
        path.push_str(".Properties");
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
                    views: &mut views,
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

/// Whether a resource type may be named `ty`: three parts of 2 to 64 ASCII letters and
/// digits joined by `::` (`Organization::Service::Resource`), with a fourth, `MODULE`, for a
/// module — the form of every type AWS publishes and the only one the registry takes.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_RegisterType.html>
/// (`TypeName`); <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
/// (`typeName`).
fn registry_name(ty: &str) -> bool {
    let parts: Vec<&str> = ty.split("::").collect();
    let name = match parts.as_slice() {
        [a, b, c] | [a, b, c, "MODULE"] => [a, b, c],
        _ => return false,
    };
    name.iter()
        .all(|p| (2..=64).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The AWS type `ty` would be if its first part were `AWS` (or `Alexa`) instead of a name
/// one letter away from it (`AS::IAM::Role`, `Aws::S3::Bucket`): the rest must name a type
/// of the constraint data exactly.
fn near_aws_type(ty: &str) -> Option<&'static str> {
    let (namespace, rest) = ty.split_once("::")?;
    ["AWS", "Alexa"]
        .into_iter()
        .filter(|known| super::distance(namespace, known) <= 1)
        .find_map(|known| {
            data::type_names().find(|t| {
                t.strip_prefix(known)
                    .and_then(|r| r.strip_prefix("::"))
                    .is_some_and(|r| r == rest)
            })
        })
}

fn unknown_type(cx: &mut Cx, id: &str, ty: &str, transformed: bool) {
    if (transformed && ty.starts_with("AWS::Serverless::")) || !cx.generated.macros().is_empty() {
        // SAM, or a macro that may turn the type into others.
        return;
    }
    if !registry_name(ty) {
        // No type of AWS's, of the registry or of a module can be named so: CloudFormation
        // refuses the template ("Unrecognized resource types").
        let hint = suggest(ty, data::type_names()).map_or_else(
            || "resource types are `Organization::Service::Resource`: three parts of 2 to 64 letters and digits joined by `::`, e.g. `AWS::ECS::Service` (custom resources: `Custom::Name`)".to_owned(),
            |s| format!("did you mean `{s}`?"),
        );
        cx.report(
            rules::UNKNOWN_RESOURCE_TYPE,
            Some(id),
            format!("{id}.Type"),
            format!("`{ty}` is not a resource type name"),
            Some(hint),
        );
        return;
    }
    if super::is_module(ty) {
        return;
    }
    if !(ty.starts_with("AWS::") || ty.starts_with("Alexa::")) {
        // Third-party and private registry types cannot be known in advance; one that is an
        // AWS type but for a slip in its first part is most likely that type mistyped.
        if let Some(aws) = near_aws_type(ty) {
            cx.report(
                rules::TYPE_NEAR_AWS,
                Some(id),
                format!("{id}.Type"),
                format!("`{ty}` is not an AWS resource type, and no third-party type is known offline"),
                Some(format!("did you mean `{aws}`? (keep `{ty}` only if a type of that name is registered in the account)")),
            );
        }
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
