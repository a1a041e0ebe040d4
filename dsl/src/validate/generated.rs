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
//! What a transform or a module generates is not known offline (it depends on properties,
//! events and the module's own template), so a name with one of these prefixes is taken to
//! exist: the validator never reports a reference the processed template would resolve.

use super::Json;

/// The SAM transform.
pub(crate) const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// The prefixes of the names that may be generated.
#[derive(Debug, Default)]
pub(crate) struct Generated {
    sam: bool,
    prefixes: Vec<String>,
}

impl Generated {
    /// What the template's SAM resources and modules may generate.
    pub(crate) fn of(body: &Json) -> Generated {
        let sam = declares_sam(body);
        let mut prefixes = Vec::new();
        if sam {
            prefixes.extend(["ServerlessRestApi", "ServerlessHttpApi"].map(String::from));
        }
        for (id, r) in body
            .get("Resources")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            let Some(ty) = r.get("Type").and_then(Json::as_str) else {
                continue;
            };
            if ty.ends_with("::MODULE") || (sam && ty.starts_with("AWS::Serverless::")) {
                prefixes.push(id.clone());
            }
        }
        Generated { sam, prefixes }
    }

    /// Whether the template declares the SAM transform.
    pub(crate) fn sam(&self) -> bool {
        self.sam
    }

    /// Whether processing the template may add a resource named `name` (or a referenceable
    /// property `Id.Property` of a SAM resource).
    pub(crate) fn resource(&self, name: &str) -> bool {
        self.prefixes
            .iter()
            .any(|p| name.len() > p.len() && name.starts_with(p.as_str()))
    }
}

/// Whether the template declares the SAM transform.
pub(crate) fn declares_sam(body: &Json) -> bool {
    match body.get("Transform") {
        Some(Json::String(s)) => s == SAM_TRANSFORM,
        Some(Json::Array(a)) => a.iter().any(|t| t.as_str() == Some(SAM_TRANSFORM)),
        _ => false,
    }
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
}
