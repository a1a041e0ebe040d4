//! Drift detection (`ferroform drift`, `deploy::drift`): moto 5.2.5 does not model it
//! (DetectStackDrift is not implemented there), so these tests run the real SDK client on
//! mocked responses.
//!
//! SYNTHESIZED RESPONSES: every CloudFormation response here is a typed SDK value built by
//! hand with aws-smithy-mocks, following the AWS CloudFormation API reference for
//! DetectStackDrift, DescribeStackDriftDetectionStatus and DescribeStackResourceDrifts
//! (field names, status and difference-type values as documented).

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::describe_stack_drift_detection_status::DescribeStackDriftDetectionStatusOutput;
use aws_sdk_cloudformation::operation::describe_stack_resource_drifts::DescribeStackResourceDriftsOutput;
use aws_sdk_cloudformation::operation::detect_stack_drift::DetectStackDriftOutput;
use aws_sdk_cloudformation::types::{
    DifferenceType, PropertyDifference, StackDriftDetectionStatus, StackDriftStatus,
    StackResourceDrift, StackResourceDriftStatus, StackStatus,
};
use aws_smithy_mocks::mock;
use aws_smithy_types::DateTime;
use ferroform::deploy::{self, ErrorKind};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, STACK_ID, deployed_template, existing, missing, rt, session};

/// The deployed template: the database password comes from a NoEcho parameter.
const DEPLOYED: &str = r#"{"Parameters": {"Pw": {"Type": "String", "NoEcho": true}},
  "Resources": {
    "Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"MasterUserPassword": {"Ref": "Pw"}, "AllocatedStorage": "20"}},
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}},
    "Topic": {"Type": "AWS::SNS::Topic"}}}"#;

fn resource_drift(
    id: &str,
    ty: &str,
    status: StackResourceDriftStatus,
    diffs: Vec<PropertyDifference>,
) -> StackResourceDrift {
    StackResourceDrift::builder()
        .stack_id(STACK_ID)
        .logical_resource_id(id)
        .resource_type(ty)
        .stack_resource_drift_status(status)
        .set_property_differences(Some(diffs))
        .timestamp(DateTime::from_secs(1_800_000_000))
        .build()
}

fn diff(path: &str, expected: &str, actual: &str, ty: DifferenceType) -> PropertyDifference {
    PropertyDifference::builder()
        .property_path(path)
        .expected_value(expected)
        .actual_value(actual)
        .difference_type(ty)
        .build()
}

#[test]
fn drift_is_reported_property_by_property_and_no_echo_values_stay_hidden() {
    let describe = existing(StackStatus::UpdateComplete);
    let detect = mock!(Client::detect_stack_drift).then_output(|| {
        DetectStackDriftOutput::builder()
            .stack_drift_detection_id("d-1")
            .build()
    });
    // In progress twice, then complete.
    let status = mock!(Client::describe_stack_drift_detection_status)
        .sequence()
        .output(|| {
            DescribeStackDriftDetectionStatusOutput::builder()
                .stack_id(STACK_ID)
                .stack_drift_detection_id("d-1")
                .detection_status(StackDriftDetectionStatus::DetectionInProgress)
                .timestamp(DateTime::from_secs(1_800_000_000))
                .build()
        })
        .times(2)
        .output(|| {
            DescribeStackDriftDetectionStatusOutput::builder()
                .stack_id(STACK_ID)
                .stack_drift_detection_id("d-1")
                .detection_status(StackDriftDetectionStatus::DetectionComplete)
                .stack_drift_status(StackDriftStatus::Drifted)
                .drifted_stack_resource_count(3)
                .timestamp(DateTime::from_secs(1_800_000_010))
                .build()
        })
        .build();
    let template = deployed_template(DEPLOYED);
    // Two pages.
    let first = mock!(Client::describe_stack_resource_drifts)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            DescribeStackResourceDriftsOutput::builder()
                .stack_resource_drifts(resource_drift(
                    "Db",
                    "AWS::RDS::DBInstance",
                    StackResourceDriftStatus::Modified,
                    vec![
                        diff(
                            "/MasterUserPassword",
                            "hunter2-expected",
                            "hunter2-actual",
                            DifferenceType::NotEqual,
                        ),
                        diff("/AllocatedStorage", "20", "40", DifferenceType::NotEqual),
                    ],
                ))
                .stack_resource_drifts(resource_drift(
                    "Bucket",
                    "AWS::S3::Bucket",
                    StackResourceDriftStatus::Modified,
                    vec![diff(
                        "/Tags/0",
                        "",
                        "{\"Key\":\"owner\",\"Value\":\"ops\"}",
                        DifferenceType::Add,
                    )],
                ))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Client::describe_stack_resource_drifts)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            DescribeStackResourceDriftsOutput::builder()
                .stack_resource_drifts(resource_drift(
                    "Topic",
                    "AWS::SNS::Topic",
                    StackResourceDriftStatus::Deleted,
                    vec![],
                ))
                .build()
        });
    let s = session(&[&describe, &detect, &status, &template, &first, &second]);
    let mut ui = Rec::yes();
    let report = rt()
        .block_on(deploy::drift(&s, "web", &mut ui))
        .expect("drift detected");
    assert!(report.drifted());
    assert_eq!(status.num_calls(), 3, "polled until complete");
    assert_eq!(first.num_calls() + second.num_calls(), 2, "both pages read");
    let text = deploy::render_drift(&report).join("\n");
    assert_eq!(
        text,
        "Stack web: DRIFTED (3 resources drifted)\n\
         \x20 ~ Db (AWS::RDS::DBInstance) MODIFIED\n\
         \x20     ~ /MasterUserPassword: expected (hidden: NoEcho parameter), actual (hidden: NoEcho parameter)\n\
         \x20     ~ /AllocatedStorage: expected 20, actual 40\n\
         \x20 ~ Bucket (AWS::S3::Bucket) MODIFIED\n\
         \x20     + /Tags/0: {\"Key\":\"owner\",\"Value\":\"ops\"}\n\
         \x20 - Topic (AWS::SNS::Topic) DELETED"
    );
    let everything = format!("{report:?}{}", ui.lines.join("\n"));
    assert!(!everything.contains("hunter2"), "{everything}");
}

#[test]
fn a_stack_in_sync_is_not_drifted_and_a_missing_stack_is_an_input_error() {
    let describe = existing(StackStatus::CreateComplete);
    let detect = mock!(Client::detect_stack_drift).then_output(|| {
        DetectStackDriftOutput::builder()
            .stack_drift_detection_id("d-2")
            .build()
    });
    let status = mock!(Client::describe_stack_drift_detection_status).then_output(|| {
        DescribeStackDriftDetectionStatusOutput::builder()
            .stack_id(STACK_ID)
            .stack_drift_detection_id("d-2")
            .detection_status(StackDriftDetectionStatus::DetectionComplete)
            .stack_drift_status(StackDriftStatus::InSync)
            .timestamp(DateTime::from_secs(1_800_000_000))
            .build()
    });
    let template = deployed_template(DEPLOYED);
    let drifts = mock!(Client::describe_stack_resource_drifts)
        .then_output(|| DescribeStackResourceDriftsOutput::builder().build());
    let s = session(&[&describe, &detect, &status, &template, &drifts]);
    let report = rt()
        .block_on(deploy::drift(&s, "web", &mut Rec::yes()))
        .expect("checked");
    assert!(!report.drifted());
    assert_eq!(deploy::render_drift(&report), ["Stack web: IN_SYNC"]);

    let gone = mock!(Client::describe_stacks).then_error(missing);
    let detect = mock!(Client::detect_stack_drift).then_output(|| {
        DetectStackDriftOutput::builder()
            .stack_drift_detection_id("never")
            .build()
    });
    let s = session(&[&gone, &detect]);
    let e = rt()
        .block_on(deploy::drift(&s, "web", &mut Rec::yes()))
        .expect_err("no such stack");
    assert_eq!(e.kind, ErrorKind::Input);
    assert!(e.message.contains("does not exist"), "{}", e.message);
    assert_eq!(detect.num_calls(), 0, "nothing started");
}
