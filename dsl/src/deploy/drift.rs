//! Drift detection: what changed in a stack's resources since CloudFormation last set them,
//! property by property (`DetectStackDrift`, `DescribeStackDriftDetectionStatus`,
//! `DescribeStackResourceDrifts`;
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-drift.html>).
//!
//! Values of properties that the deployed template sets from a NoEcho parameter are never
//! shown: the report says they differ, not what they are.

use aws_sdk_cloudformation::types::{
    StackDriftDetectionStatus, StackDriftStatus, StackResourceDriftStatus,
};

use super::error::Error;
use super::progress::Ui;
use super::session::Session;
use super::stack::{deployed_template, describe};
use crate::model::render::Json;
use crate::validate::secrets::no_echo_parameters;

/// What drift detection found on one stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftReport {
    /// The stack.
    pub stack: String,
    /// `IN_SYNC`, `DRIFTED`, `NOT_CHECKED` or `UNKNOWN` (as CloudFormation says it).
    pub status: String,
    /// Why detection did not complete (`DETECTION_FAILED`: some resources could not be
    /// checked), if it did not.
    pub incomplete: Option<String>,
    /// The resources that drifted (modified or deleted), in CloudFormation's order.
    pub resources: Vec<ResourceDrift>,
}

impl DriftReport {
    /// Whether anything drifted.
    pub fn drifted(&self) -> bool {
        self.status == "DRIFTED" || !self.resources.is_empty()
    }
}

/// One drifted resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceDrift {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// `MODIFIED` or `DELETED`.
    pub status: String,
    /// The properties that differ.
    pub properties: Vec<PropertyDrift>,
}

/// One property that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyDrift {
    /// Its path, as CloudFormation gives it (`/VersioningConfiguration/Status`).
    pub path: String,
    /// `ADD`, `REMOVE` or `NOT_EQUAL`.
    pub difference: String,
    /// The value the template sets (`None`: hidden, it comes from a NoEcho parameter).
    pub expected: Option<String>,
    /// The value the resource has (`None`: hidden, as above).
    pub actual: Option<String>,
}

/// Detect drift on stack `name` and describe every drifted resource.
pub async fn drift(s: &Session, name: &str, ui: &mut dyn Ui) -> Result<DriftReport, Error> {
    s.reset();
    s.bounded(name, drift_inner(s, name, ui)).await
}

async fn drift_inner(s: &Session, name: &str, ui: &mut dyn Ui) -> Result<DriftReport, Error> {
    s.phase(format!("reading the state of stack {name}"));
    if describe(s, name).await?.is_none() {
        return Err(Error::input(
            Some(name),
            format!("stack {name} does not exist; nothing to check"),
        ));
    }
    s.phase(format!("starting drift detection on stack {name}"));
    let started = s
        .cfn
        .detect_stack_drift()
        .stack_name(name)
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "DetectStackDrift", e))?;
    let Some(id) = started.stack_drift_detection_id().map(str::to_owned) else {
        return Err(Error::failed(
            name,
            "DetectStackDrift answered without a detection ID".to_owned(),
        ));
    };
    ui.line(&format!("Stack {name}: detecting drift..."));
    s.phase(format!("waiting for drift detection on stack {name}"));
    let mut delays = s.poll.delays();
    let status = loop {
        let st = s
            .cfn
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(&id)
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "DescribeStackDriftDetectionStatus", e))?;
        if st.detection_status() != Some(&StackDriftDetectionStatus::DetectionInProgress) {
            break st;
        }
        ui.tick();
        if let Some(d) = delays.next() {
            tokio::time::sleep(d).await;
        }
    };
    let incomplete = (status.detection_status()
        == Some(&StackDriftDetectionStatus::DetectionFailed))
    .then(|| {
        status
            .detection_status_reason()
            .unwrap_or("drift detection failed")
            .to_owned()
    });
    let stack_status = status
        .stack_drift_status()
        .map_or("UNKNOWN", StackDriftStatus::as_str)
        .to_owned();
    // Which properties come from NoEcho parameters, from the deployed template.
    let template = deployed_template(s, name).await?;
    s.phase(format!("reading the drifted resources of stack {name}"));
    let mut resources = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = s
            .cfn
            .describe_stack_resource_drifts()
            .stack_name(name)
            .stack_resource_drift_status_filters(StackResourceDriftStatus::Modified)
            .stack_resource_drift_status_filters(StackResourceDriftStatus::Deleted)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "DescribeStackResourceDrifts", e))?;
        for d in page.stack_resource_drifts() {
            let logical_id = d.logical_resource_id().unwrap_or_default().to_owned();
            let properties = d
                .property_differences()
                .iter()
                .map(|p| {
                    let path = p.property_path().unwrap_or_default();
                    let hidden = template
                        .as_ref()
                        .is_some_and(|t| from_no_echo(t, &logical_id, path));
                    PropertyDrift {
                        path: path.to_owned(),
                        difference: p
                            .difference_type()
                            .map_or("NOT_EQUAL", |d| d.as_str())
                            .to_owned(),
                        expected: (!hidden)
                            .then(|| p.expected_value().unwrap_or_default().to_owned()),
                        actual: (!hidden).then(|| p.actual_value().unwrap_or_default().to_owned()),
                    }
                })
                .collect();
            resources.push(ResourceDrift {
                logical_id,
                resource_type: d.resource_type().unwrap_or_default().to_owned(),
                status: d
                    .stack_resource_drift_status()
                    .map_or("UNKNOWN", |x| x.as_str())
                    .to_owned(),
                properties,
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(DriftReport {
        stack: name.to_owned(),
        status: stack_status,
        incomplete,
        resources,
    })
}

/// Whether the template sets the property at `path` (`/A/0/B`, relative to the resource's
/// properties) of resource `id`, or a value around it, from a NoEcho parameter.
fn from_no_echo(template: &Json, id: &str, path: &str) -> bool {
    let secret = no_echo_parameters(template);
    if secret.is_empty() {
        return false;
    }
    let Some(mut v) = template.pointer(&format!("/Resources/{}/Properties", escape(id))) else {
        return false;
    };
    // Walk down the path; where it leaves what the template writes out, the value there
    // decides.
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let next = match v {
            Json::Object(m) => m.get(seg),
            Json::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => v = n,
            // The path goes into a value the template computes: hide it when that value
            // reads a NoEcho parameter.
            None => return names_any(v, &secret),
        }
    }
    names_any(v, &secret)
}

fn escape(id: &str) -> String {
    id.replace('~', "~0").replace('/', "~1")
}

/// Whether `v` reads any of `params` (`Ref`, or `${Name}` in an `Fn::Sub` string).
fn names_any(v: &Json, params: &[String]) -> bool {
    match v {
        Json::Object(m) => {
            if let Some(Json::String(r)) = m.get("Ref")
                && params.contains(r)
            {
                return true;
            }
            if let Some(sub) = m.get("Fn::Sub") {
                let text = match sub {
                    Json::String(s) => Some(s.as_str()),
                    Json::Array(a) => a.first().and_then(Json::as_str),
                    _ => None,
                };
                if text.is_some_and(|t| params.iter().any(|p| t.contains(&format!("${{{p}}}")))) {
                    return true;
                }
            }
            m.values().any(|x| names_any(x, params))
        }
        Json::Array(a) => a.iter().any(|x| names_any(x, params)),
        _ => false,
    }
}

/// The report as text lines (what `ferroform drift` prints).
pub fn render(report: &DriftReport) -> Vec<String> {
    let mut out = Vec::new();
    let summary = if report.resources.is_empty() {
        format!("Stack {}: {}", report.stack, report.status)
    } else {
        format!(
            "Stack {}: {} ({} resource{} drifted)",
            report.stack,
            report.status,
            report.resources.len(),
            if report.resources.len() == 1 { "" } else { "s" }
        )
    };
    out.push(summary);
    if let Some(why) = &report.incomplete {
        out.push(format!("  detection incomplete: {why}"));
    }
    for r in &report.resources {
        let mark = if r.status == "DELETED" { '-' } else { '~' };
        out.push(format!(
            "  {mark} {} ({}) {}",
            r.logical_id, r.resource_type, r.status
        ));
        for p in &r.properties {
            let show = |v: &Option<String>| {
                v.clone()
                    .unwrap_or_else(|| "(hidden: NoEcho parameter)".to_owned())
            };
            out.push(match p.difference.as_str() {
                "ADD" => format!("      + {}: {}", p.path, show(&p.actual)),
                "REMOVE" => format!("      - {}: was {}", p.path, show(&p.expected)),
                _ => format!(
                    "      ~ {}: expected {}, actual {}",
                    p.path,
                    show(&p.expected),
                    show(&p.actual)
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_from_no_echo_parameters_are_hidden() {
        let t = json!({
            "Parameters": {"Pw": {"Type": "String", "NoEcho": true}, "Name": {"Type": "String"}},
            "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {
                "MasterUserPassword": {"Ref": "Pw"},
                "DBName": {"Ref": "Name"},
                "Tags": [{"Key": "conn", "Value": {"Fn::Sub": "user:${Pw}@db"}}, {"Key": "env", "Value": "prod"}]
            }}}
        });
        assert!(from_no_echo(&t, "Db", "/MasterUserPassword"));
        assert!(from_no_echo(&t, "Db", "/Tags/0/Value"));
        assert!(!from_no_echo(&t, "Db", "/Tags/1/Value"));
        assert!(!from_no_echo(&t, "Db", "/DBName"));
        assert!(!from_no_echo(&t, "Other", "/X"));
    }

    #[test]
    fn the_report_reads_property_by_property() {
        let r = DriftReport {
            stack: "web".into(),
            status: "DRIFTED".into(),
            incomplete: None,
            resources: vec![
                ResourceDrift {
                    logical_id: "Bucket".into(),
                    resource_type: "AWS::S3::Bucket".into(),
                    status: "MODIFIED".into(),
                    properties: vec![
                        PropertyDrift {
                            path: "/VersioningConfiguration/Status".into(),
                            difference: "NOT_EQUAL".into(),
                            expected: Some("Enabled".into()),
                            actual: Some("Suspended".into()),
                        },
                        PropertyDrift {
                            path: "/Secret".into(),
                            difference: "NOT_EQUAL".into(),
                            expected: None,
                            actual: None,
                        },
                    ],
                },
                ResourceDrift {
                    logical_id: "Topic".into(),
                    resource_type: "AWS::SNS::Topic".into(),
                    status: "DELETED".into(),
                    properties: vec![],
                },
            ],
        };
        assert!(r.drifted());
        assert_eq!(
            render(&r),
            [
                "Stack web: DRIFTED (2 resources drifted)",
                "  ~ Bucket (AWS::S3::Bucket) MODIFIED",
                "      ~ /VersioningConfiguration/Status: expected Enabled, actual Suspended",
                "      ~ /Secret: expected (hidden: NoEcho parameter), actual (hidden: NoEcho parameter)",
                "  - Topic (AWS::SNS::Topic) DELETED",
            ]
        );
    }
}
