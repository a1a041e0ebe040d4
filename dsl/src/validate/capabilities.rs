//! The capabilities (`CAPABILITY_IAM`, `CAPABILITY_NAMED_IAM`, `CAPABILITY_AUTO_EXPAND`) a
//! template needs, computed from what it contains so that nobody has to remember a flag.

use crate::model::json::Field;
use crate::model::render::Json;
use crate::model::template::Template;

/// A capability CloudFormation requires a deployer to acknowledge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// The template creates IAM resources.
    Iam,
    /// The template creates IAM resources with custom names.
    NamedIam,
    /// The template uses transforms (macros) that expand it.
    AutoExpand,
}

impl Capability {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Iam => "CAPABILITY_IAM",
            Capability::NamedIam => "CAPABILITY_NAMED_IAM",
            Capability::AutoExpand => "CAPABILITY_AUTO_EXPAND",
        }
    }
}

/// IAM resource types that need `CAPABILITY_IAM`, and the property that names each one
/// (which then needs `CAPABILITY_NAMED_IAM`).
const IAM_TYPES: &[(&str, Option<&str>)] = &[
    ("AWS::IAM::AccessKey", None),
    ("AWS::IAM::Group", Some("GroupName")),
    ("AWS::IAM::GroupPolicy", None),
    ("AWS::IAM::InstanceProfile", Some("InstanceProfileName")),
    ("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName")),
    ("AWS::IAM::Policy", None),
    ("AWS::IAM::Role", Some("RoleName")),
    ("AWS::IAM::RolePolicy", None),
    ("AWS::IAM::User", Some("UserName")),
    ("AWS::IAM::UserPolicy", None),
    ("AWS::IAM::UserToGroupAddition", None),
];

/// The capabilities `template` needs, in a stable order.
///
/// ```
/// use ferroform::Template;
/// use ferroform::validate::{capabilities, Capability};
/// let t = Template::parse("t.yaml", "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: web\n      AssumeRolePolicyDocument: {}\n").unwrap();
/// assert_eq!(capabilities(&t), vec![Capability::Iam, Capability::NamedIam]);
/// ```
pub fn capabilities(template: &Template) -> Vec<Capability> {
    // The resources `Fn::ForEach` loops generate count (an IAM role made in a loop).
    let expansion = super::foreach::expand(template);
    of(expansion.template.as_ref().unwrap_or(template))
}

/// The capabilities of a template whose loops are expanded.
pub(super) fn of(template: &Template) -> Vec<Capability> {
    let body = template.body();
    let mut caps = Vec::new();
    if let Some(resources) = body.field("Resources").and_then(Json::as_object) {
        for resource in resources.values() {
            let ty = resource
                .field("Type")
                .and_then(Json::as_str)
                .unwrap_or_default();
            if let Some((_, name_prop)) = IAM_TYPES.iter().find(|(t, _)| *t == ty) {
                caps.push(Capability::Iam);
                let named = name_prop.is_some_and(|p| {
                    resource
                        .field("Properties")
                        .and_then(|props| props.field(p))
                        .is_some()
                });
                if named {
                    caps.push(Capability::NamedIam);
                }
            }
            if ty == "AWS::CloudFormation::Macro" || ty == "AWS::Serverless::Application" {
                caps.push(Capability::AutoExpand);
            }
        }
    }
    // For a synthesized template, one substring search of its JSON text rules out
    // `Fn::Transform` (the common case) without walking the tree.
    let may_transform = template
        .json_body_text()
        .is_none_or(|text| super::text_has(text, "Fn::Transform"));
    if body.field("Transform").is_some() || (may_transform && contains_key(body, "Fn::Transform")) {
        caps.push(Capability::AutoExpand);
    }
    caps.sort();
    caps.dedup();
    caps
}

fn contains_key(v: &Json, key: &str) -> bool {
    match v {
        // Compare keys rather than hash them: objects are small, and this walks every one.
        Json::Object(m) => m.iter().any(|(k, v)| k == key || contains_key(v, key)),
        Json::Array(a) => a.iter().any(|v| contains_key(v, key)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(yaml: &str) -> Vec<Capability> {
        capabilities(&Template::parse("t.yaml", yaml).expect("valid"))
    }

    #[test]
    fn plain_resources_need_nothing() {
        assert!(caps("Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n").is_empty());
    }

    #[test]
    fn unnamed_iam_needs_iam_only() {
        assert_eq!(
            caps(
                "Resources:\n  P:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Roles: [r]\n"
            ),
            vec![Capability::Iam]
        );
    }

    #[test]
    fn nested_applications_and_transforms_inside_lists_need_auto_expand() {
        // "Applications that contain one or more nested applications require you to specify
        // CAPABILITY_AUTO_EXPAND" (AWS Serverless Application Repository Developer Guide,
        // *Application capabilities*).
        assert_eq!(
            caps(
                "Resources:\n  App:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: https://example.com/app.yaml\n"
            ),
            vec![Capability::AutoExpand]
        );
        // An Fn::Transform anywhere, also inside a list.
        assert_eq!(
            caps(
                "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      Tags:\n        - Fn::Transform: {Name: M}\n"
            ),
            vec![Capability::AutoExpand]
        );
        // A list without one needs nothing.
        assert!(
            caps(
                "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      Tags:\n        - {Key: a, Value: b}\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn transforms_need_auto_expand() {
        assert_eq!(
            caps(
                "Transform: AWS::LanguageExtensions\nResources:\n  L:\n    Type: AWS::Logs::LogGroup\n"
            ),
            vec![Capability::AutoExpand]
        );
        assert_eq!(
            caps(
                "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      Fn::Transform: {Name: M}\n"
            ),
            vec![Capability::AutoExpand]
        );
    }

    #[test]
    fn the_written_text_shortcut_finds_the_same_transforms() {
        for (yaml, want) in [
            (
                "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      Fn::Transform: {Name: M}\n",
                vec![Capability::AutoExpand],
            ),
            // Only in a string: not a transform.
            (
                "Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: Fn::Transform\n",
                vec![],
            ),
            ("Resources:\n  L:\n    Type: AWS::Logs::LogGroup\n", vec![]),
        ] {
            let t = Template::parse("t.yaml", yaml).expect("valid");
            let walked = capabilities(&t);
            let _ = t.to_json(); // the text is now written: the shortcut applies
            assert_eq!(capabilities(&t), walked, "{yaml}");
            assert_eq!(walked, want, "{yaml}");
        }
    }
}
