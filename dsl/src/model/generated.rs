//! Logical IDs a template can name without declaring them: the resources that the SAM
//! transform or a CloudFormation module adds when the template is processed.
//!
//! - **SAM** (`Transform: AWS::Serverless-2016-10-31`): every resource SAM generates is named
//!   after the `AWS::Serverless::*` resource it comes from, `<LogicalId><Suffix>`
//!   (`MyFunctionRole`, `MyFunctionAliaslive`, `MyApiProdStage`...), or is one of the implicit
//!   APIs (`ServerlessRestApi...`, `ServerlessHttpApi...`); a *referenceable property* is
//!   written `<LogicalId>.<Property>` (`MyFunction.Version`, `MyApi.Stage`).
//!   <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources.html>
//! - **Modules** (`Type: Org::Service::Thing::MODULE`): the module's resources are named
//!   `<ModuleLogicalId><ResourceLogicalId>`.
//!   <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/modules-using.html>
//!
//! - **`AWS::Include`** written as a key of a section (`Resources: {Fn::Transform: {Name:
//!   AWS::Include, ...}}`, the documented form): the included snippet's entries join the
//!   section, and they are unknown offline; any name may then be one of them, and the
//!   include itself is no entry to check.
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-include.html>
//!
//! What a transform or a module generates is not known offline (it depends on properties,
//! events and the module's own template), so a name with one of these prefixes is taken to
//! exist: the validator never reports a reference the processed template would resolve.

use crate::model::json::Field;
use crate::model::json::Json;
use crate::model::template::Template;

/// The transforms the template's `Transform` names (one, or a list).
pub(crate) fn transforms(body: &Json) -> Vec<&str> {
    match body.get("Transform") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The SAM transform.
const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// The prefixes of the names that may be generated.
#[derive(Debug, Default)]
pub(crate) struct Generated {
    sam: bool,
    prefixes: Vec<String>,
    /// The implicit APIs SAM generates under their own names (see [`implicit_apis`]).
    implicit: Vec<&'static str>,
    /// The macros (transforms AWS does not host) that process the template.
    macros: Vec<String>,
    /// A section includes a snippet, or a macro processes the template: any name may be
    /// declared.
    anything: bool,
}

impl Generated {
    /// What the template's SAM resources and modules may generate.
    pub(crate) fn of(body: &Json) -> Generated {
        Generated::of_parts(body, body.get("Resources").and_then(Json::as_object))
    }

    /// [`Generated::of`] from the template's `Transform` (read from `transform_of`) and its
    /// `Resources`, for a template still being rendered.
    pub(crate) fn of_parts(
        transform_of: &Json,
        resources: Option<&serde_json::Map<String, Json>>,
    ) -> Generated {
        let body = transform_of;
        let sam = declares_sam(body);
        let macros: Vec<String> = custom_macros(body).into_iter().map(String::from).collect();
        let mut prefixes = Vec::new();
        let mut implicit = Vec::new();
        if sam {
            prefixes.extend(IMPLICIT_APIS.map(|(name, _, _)| String::from(name)));
            implicit = implicit_apis(resources);
        }
        for (id, r) in resources.into_iter().flatten() {
            let Some(ty) = r.field("Type").and_then(Json::as_str) else {
                continue;
            };
            if ty.ends_with("::MODULE") || (sam && ty.starts_with("AWS::Serverless::")) {
                prefixes.push(id.clone());
            }
        }
        Generated {
            sam,
            prefixes,
            implicit,
            anything: !macros.is_empty(),
            macros,
        }
    }

    /// Whether the template declares the SAM transform.
    pub(crate) fn sam(&self) -> bool {
        self.sam
    }

    /// Whether processing the template may add a resource named `name` (or a referenceable
    /// property `Id.Property` of a SAM resource).
    pub(crate) fn resource(&self, name: &str) -> bool {
        self.anything
            || self.implicit.contains(&name)
            || self
                .prefixes
                .iter()
                .any(|p| name.len() > p.len() && name.starts_with(p.as_str()))
    }

    /// Whether processing may rewrite the template's text: a macro or an included snippet
    /// can change anything, and SAM substitutes `${...}` in some properties of its own
    /// (`DefinitionSubstitutions`). Without that, a `${Name}` outside `Fn::Sub` reaches
    /// AWS as written.
    pub(crate) fn rewrites_text(&self) -> bool {
        self.rewrites_anything() || self.sam
    }

    /// Whether processing may rewrite anything at all: a macro or an included snippet.
    pub(crate) fn rewrites_anything(&self) -> bool {
        self.anything
    }

    /// The macros that process the template (none when only AWS's transforms do).
    pub(crate) fn macros(&self) -> &[String] {
        &self.macros
    }

    /// Take any name as possibly declared (a section includes a snippet).
    pub(crate) fn include_anything(&mut self) {
        self.anything = true;
    }
}

/// The implicit APIs of SAM: an event of this type on a function or state machine that
/// names no API of its own (this property) makes SAM generate the API under this name
/// (`ServerlessRestApi`), which the template may refer to.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-generated-resources-function.html>
const IMPLICIT_APIS: [(&str, &str, &str); 2] = [
    ("ServerlessRestApi", "Api", "RestApiId"),
    ("ServerlessHttpApi", "HttpApi", "ApiId"),
];

/// The implicit APIs (see [`IMPLICIT_APIS`]) SAM may generate for these resources: every one
/// an event asks for, and every one when an event, or a resource's `Events`, is not written
/// out (an expression: it may be anything).
fn implicit_apis(resources: Option<&serde_json::Map<String, Json>>) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut add = |name: &'static str| {
        if !found.contains(&name) {
            found.push(name);
        }
    };
    for r in resources.into_iter().flatten().map(|(_, r)| r) {
        let ty = r.field("Type").and_then(Json::as_str);
        if !matches!(
            ty,
            Some("AWS::Serverless::Function" | "AWS::Serverless::StateMachine")
        ) {
            continue;
        }
        let Some(events) = r.field("Properties").and_then(|p| p.field("Events")) else {
            continue;
        };
        let written_out = |m: &&serde_json::Map<String, Json>| {
            !m.keys().any(|k| k == "Ref" || k.starts_with("Fn::"))
        };
        let Some(events) = events.as_object().filter(written_out) else {
            IMPLICIT_APIS.iter().for_each(|(name, _, _)| add(name));
            continue;
        };
        for event in events.values() {
            let kind = event.field("Type");
            for &(name, event_type, own_api) in &IMPLICIT_APIS {
                let named = event
                    .field("Properties")
                    .is_some_and(|p| p.field(own_api).is_some());
                match kind {
                    Some(Json::String(t)) if t == event_type && !named => add(name),
                    Some(Json::String(_)) => {}
                    _ => add(name),
                }
            }
        }
    }
    found
}

/// The sections an `AWS::Include` can add entries to.
const SECTIONS: [&str; 5] = [
    "Resources",
    "Outputs",
    "Parameters",
    "Mappings",
    "Conditions",
];

/// The template without the `Fn::Transform` keys of its sections (each an include of a
/// snippet only known once processed), or `None` when it has none.
pub(crate) fn without_includes(template: &Template) -> Option<Template> {
    let body = template.body().as_object()?;
    let has = |s: &&str| {
        body.get(*s)
            .and_then(Json::as_object)
            .is_some_and(|m| m.contains_key("Fn::Transform"))
    };
    if !SECTIONS.iter().any(has) {
        return None;
    }
    let mut new = body.clone();
    for s in SECTIONS {
        if let Some(Json::Object(m)) = new.get_mut(s) {
            m.shift_remove("Fn::Transform");
        }
    }
    Some(template.with_body(Json::Object(new)))
}

/// The transforms AWS hosts: what each does is known (`AWS::Include` is only used through
/// `Fn::Transform`, but listed all the same).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-reference.html>
const AWS_TRANSFORMS: [&str; 6] = [
    "AWS::Serverless-2016-10-31",
    "AWS::LanguageExtensions",
    "AWS::Include",
    "AWS::CodeDeployBlueGreen",
    "AWS::SecretsManager-2020-07-23",
    "AWS::SecretsManager-2024-09-16",
];

/// The macros (transforms that are not AWS's) the template's `Transform` names.
fn custom_macros(body: &Json) -> Vec<&str> {
    let mut names = transforms(body);
    names.retain(|n| !AWS_TRANSFORMS.contains(n));
    names
}

/// Whether the template declares the SAM transform.
fn declares_sam(body: &Json) -> bool {
    transforms(body).contains(&SAM_TRANSFORM)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sam_resources_and_modules_name_what_they_generate() {
        let body = json!({
            "Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"],
            "Resources": {
                "Fn": {"Type": "AWS::Serverless::Function"},
                "Storage": {"Type": "Org::Storage::Bucket::MODULE"},
                "Plain": {"Type": "AWS::SNS::Topic"}
            }
        });
        let g = Generated::of(&body);
        for name in [
            "FnRole",
            "FnAliaslive",
            "Fn.Version",
            "StorageBucket",
            "ServerlessRestApiProdStage",
        ] {
            assert!(g.resource(name), "{name}");
        }
        for name in ["Fn", "Storage", "PlainRole", "Other", "ServerlessRestApi"] {
            assert!(!g.resource(name), "{name}: only longer names are generated");
        }
    }

    /// An `Api` (`HttpApi`) event that names no API of its own makes SAM generate
    /// `ServerlessRestApi` (`ServerlessHttpApi`) under that name; one that names its API does
    /// not; an event type that is an expression may be either.
    #[test]
    fn implicit_apis_exist_when_an_event_asks_for_them() {
        let g = |events: serde_json::Value| {
            let body = json!({
                "Transform": "AWS::Serverless-2016-10-31",
                "Resources": {"Fn": {"Type": "AWS::Serverless::Function",
                                     "Properties": {"Events": events}}}
            });
            let g = Generated::of(&body);
            (
                g.resource("ServerlessRestApi"),
                g.resource("ServerlessHttpApi"),
            )
        };
        assert_eq!(
            g(json!({"A": {"Type": "Api", "Properties": {"Path": "/"}}})),
            (true, false)
        );
        assert_eq!(
            g(json!({"A": {"Type": "Api", "Properties": {"RestApiId": {"Ref": "Mine"}}}})),
            (false, false)
        );
        assert_eq!(g(json!({"H": {"Type": "HttpApi"}})), (false, true));
        assert_eq!(g(json!({"Q": {"Type": "SQS"}})), (false, false));
        assert_eq!(g(json!({"X": {"Type": {"Ref": "Kind"}}})), (true, true));
    }

    #[test]
    fn macros_are_the_transforms_aws_does_not_host() {
        assert_eq!(
            custom_macros(
                &json!({"Transform": ["AWS::Serverless-2016-10-31", "Org-Dates", "AWS::LanguageExtensions"]})
            ),
            ["Org-Dates"]
        );
        assert!(custom_macros(&json!({"Transform": "AWS::SecretsManager-2024-09-16"})).is_empty());
        assert_eq!(custom_macros(&json!({"Transform": "PyPlate"})), ["PyPlate"]);
        assert!(custom_macros(&json!({"Resources": {}})).is_empty());
    }

    #[test]
    fn without_the_transform_sam_types_generate_nothing_but_modules_do() {
        let body = json!({"Resources": {
            "Fn": {"Type": "AWS::Serverless::Function"},
            "Storage": {"Type": "Org::Storage::Bucket::MODULE"}
        }});
        let g = Generated::of(&body);
        assert!(!g.resource("FnRole"));
        assert!(!g.resource("ServerlessRestApiProdStage"));
        assert!(g.resource("StorageBucket"));
    }

    /// SAM moves a function's `DeploymentPreference` (and `Events`) into resources of their
    /// own: an alarm on the function listed there is no cycle once the template is
    /// processed. The same references between plain resources are one.
    #[test]
    fn a_sam_function_and_the_alarm_of_its_deployment_preference_are_no_cycle() {
        let template = |transform: &str, ty: &str, props: &str| {
            format!(
                "{transform}Resources:\n  Fn:\n    Type: {ty}\n    Properties:\n{props}\n  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      ComparisonOperator: GreaterThanThreshold\n      EvaluationPeriods: 1\n      Threshold: 0\n      MetricName: Errors\n      Namespace: AWS/Lambda\n      Period: 60\n      Statistic: Sum\n      Dimensions: [{{Name: FunctionName, Value: !Ref Fn}}]\n"
            )
        };
        let sam = template(
            "Transform: AWS::Serverless-2016-10-31\n",
            "AWS::Serverless::Function",
            "      Runtime: python3.13\n      Handler: app.handler\n      CodeUri: s3://bucket/code.zip\n      AutoPublishAlias: live\n      DeploymentPreference:\n        Type: Linear10PercentEvery1Minute\n        Alarms: [!Ref Alarm]",
        );
        let cycles = |text: &str| {
            let t = crate::Template::parse("t.yaml", text).unwrap();
            crate::validate::validate(&t)
                .diagnostics
                .iter()
                .filter(|d| d.rule == crate::rules::DEPENDENCY_CYCLE)
                .count()
        };
        assert_eq!(cycles(&sam), 0, "{sam}");
        let plain = template("", "AWS::SNS::Topic", "      DisplayName: !Ref Alarm");
        assert_eq!(
            cycles(&plain),
            2,
            "both resources are on the cycle: {plain}"
        );
    }

    /// An `AWS::Include` written as a key of Resources (the documented form) is no resource
    /// to check, and what it includes may be referred to; without it, the same reference is
    /// reported.
    #[test]
    fn an_include_in_a_section_is_opaque_content() {
        let errors = |text: &str| {
            let t = crate::Template::parse("t.yaml", text).unwrap();
            crate::validate::validate(&t)
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.rule, d.path))
                .collect::<Vec<_>>()
        };
        let topic = "  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !GetAtt Included.Arn\n";
        let with = format!(
            "Resources:\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters:\n      Location: s3://bucket/snippet.yaml\n{topic}"
        );
        assert_eq!(errors(&with), Vec::<String>::new(), "{with}");
        let without = format!("Resources:\n{topic}");
        assert_eq!(
            errors(&without),
            ["FF3002 Topic.Properties.DisplayName.Fn::GetAtt"],
            "{without}"
        );
    }
}
