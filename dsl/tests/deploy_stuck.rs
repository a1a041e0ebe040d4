//! Stuck stacks: `deploy` on a stack in `UPDATE_ROLLBACK_FAILED` offers to continue the
//! rollback, naming the resources it skips; `destroy` of a stack in `DELETE_FAILED` deletes it
//! by force (`FORCE_DELETE_STACK`), naming what is left behind. Both ask first, `--yes`
//! answers, and without a terminal nothing is changed. moto cannot put a stack in either
//! state, so the tests run the real SDK client on mocked responses.
//!
//! SYNTHESIZED RESPONSES: every CloudFormation response here is a typed SDK value built by
//! hand with aws-smithy-mocks, following the AWS CloudFormation API reference
//! (DescribeStackResources, ContinueUpdateRollback, DeleteStack with DeletionMode).

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::continue_update_rollback::ContinueUpdateRollbackOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_stack_resources::DescribeStackResourcesOutput;
use aws_sdk_cloudformation::types::{DeletionMode, ResourceStatus, StackResource, StackStatus};
use aws_smithy_mocks::mock;
use aws_smithy_types::DateTime;
use ferroform::Template;
use ferroform::deploy::{self, DeployOptions, DeployOutcome};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, STACK_ID, deployed_template, existing, missing, no_events, rt, session, stack};

const TEMPLATE: &str = r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}, "Bucket": {"Type": "AWS::S3::Bucket"}}}"#;

fn resource(id: &str, ty: &str, physical: &str, status: ResourceStatus) -> StackResource {
    StackResource::builder()
        .stack_id(STACK_ID)
        .stack_name("web")
        .logical_resource_id(id)
        .resource_type(ty)
        .physical_resource_id(physical)
        .resource_status(status)
        .timestamp(DateTime::from_secs(1_800_000_000))
        .build()
}

/// DescribeStacks answering with the stack `web` in UPDATE_ROLLBACK_FAILED, then (once the
/// rollback is continued) UPDATE_ROLLBACK_COMPLETE every time.
fn rollback_failed_then_complete() -> aws_smithy_mocks::Rule {
    mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::UpdateRollbackFailed))
        .output(|| stack(StackStatus::UpdateRollbackComplete))
        .repeatedly()
        .build()
}

fn template() -> Template {
    Template::new(
        "web",
        Template::parse("t.json", TEMPLATE).unwrap().body().clone(),
    )
}

#[test]
fn a_failed_rollback_is_continued_skipping_the_named_resources_then_the_deploy_goes_on() {
    let describe = rollback_failed_then_complete();
    let events = no_events();
    let resources = mock!(Client::describe_stack_resources).then_output(|| {
        DescribeStackResourcesOutput::builder()
            .stack_resources(resource(
                "Logs",
                "AWS::Logs::LogGroup",
                "web-logs",
                ResourceStatus::UpdateFailed,
            ))
            .stack_resources(resource(
                "Bucket",
                "AWS::S3::Bucket",
                "web-bucket",
                ResourceStatus::UpdateComplete,
            ))
            .build()
    });
    let resume = mock!(Client::continue_update_rollback)
        .match_requests(|r| r.resources_to_skip() == ["Logs"] && r.stack_name() == Some(STACK_ID))
        .then_output(|| ContinueUpdateRollbackOutput::builder().build());
    let deployed = deployed_template(TEMPLATE);

    // Without a terminal and without --yes: nothing is changed.
    let s = session(&[&describe, &events, &resources, &resume, &deployed]);
    let mut ui = Rec::default();
    let e = rt()
        .block_on(deploy::deploy(
            &s,
            &template(),
            &DeployOptions::default(),
            &mut ui,
        ))
        .unwrap_err();
    assert!(e.message.contains("rerun with --yes"), "{}", e.message);
    assert_eq!(resume.num_calls(), 0);
    assert!(
        ui.lines
            .iter()
            .any(|l| l == "  Logs (AWS::Logs::LogGroup, web-logs)"),
        "the resources to skip are named: {:?}",
        ui.lines
    );

    // With --yes: continued, then the deploy proceeds (here: nothing to change).
    let describe = rollback_failed_then_complete();
    let s = session(&[&describe, &events, &resources, &resume, &deployed]);
    let mut ui = Rec::default();
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    let (outcome, _) = rt()
        .block_on(deploy::deploy(&s, &template(), &opts, &mut ui))
        .expect("rolled back, then deployed");
    assert_eq!(resume.num_calls(), 1);
    assert_eq!(outcome, DeployOutcome::NoChanges);
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains("UPDATE_ROLLBACK_COMPLETE; deploying")),
        "{:?}",
        ui.lines
    );
}

#[test]
fn a_failed_deletion_is_retried_by_force_naming_what_is_left_behind() {
    let resources = mock!(Client::describe_stack_resources).then_output(|| {
        DescribeStackResourcesOutput::builder()
            .stack_resources(resource(
                "Bucket",
                "AWS::S3::Bucket",
                "web-bucket-1a2b",
                ResourceStatus::DeleteFailed,
            ))
            .stack_resources(resource(
                "Logs",
                "AWS::Logs::LogGroup",
                "web-logs",
                ResourceStatus::DeleteComplete,
            ))
            .build()
    });
    let events = no_events();
    let delete = mock!(Client::delete_stack)
        .match_requests(|r| r.deletion_mode() == Some(&DeletionMode::ForceDeleteStack))
        .then_output(|| DeleteStackOutput::builder().build());

    // Without a terminal and without --yes: refused.
    let describe = existing(StackStatus::DeleteFailed);
    let s = session(&[&describe, &resources, &events, &delete]);
    let mut ui = Rec::default();
    let e = rt()
        .block_on(deploy::destroy(&s, "web", false, None, None, &mut ui))
        .unwrap_err();
    assert!(e.message.contains("--yes"), "{}", e.message);
    assert_eq!(delete.num_calls(), 0);

    let describe = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::DeleteFailed))
        .error(missing)
        .repeatedly()
        .build();
    let s = session(&[&describe, &resources, &events, &delete]);
    let mut ui = Rec::default();
    let deleted = rt()
        .block_on(deploy::destroy(&s, "web", true, None, None, &mut ui))
        .expect("deleted by force");
    assert!(deleted);
    assert_eq!(delete.num_calls(), 1, "one DeleteStack, by force");
    let text = ui.lines.join("\n");
    assert!(text.contains("left behind"), "{text}");
    assert!(
        text.contains("  Bucket (AWS::S3::Bucket, web-bucket-1a2b)"),
        "{text}"
    );
    assert!(
        !text.contains("web-logs"),
        "only what failed is left: {text}"
    );
}
