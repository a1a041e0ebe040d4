//! Stack sets where moto's server does not model them: a service-managed set (AWS
//! Organizations targets, automatic deployment, a delegated administrator) and an operation
//! that fails in one account. moto runs every operation as SUCCEEDED at once and ignores
//! deployment targets on deletion, so these run the real SDK client on mocked responses.
//! (Self-managed sets, their updates, removals and destroy run against moto in
//! deploy_moto.rs.)
//!
//! SYNTHESIZED RESPONSES: every CloudFormation response here is a typed SDK value built by
//! hand with aws-smithy-mocks, following the AWS CloudFormation API reference
//! (DescribeStackSet, CreateStackSet, CreateStackInstances, DescribeStackSetOperation,
//! ListStackSetOperationResults, ListStackInstances).

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::create_stack_instances::CreateStackInstancesOutput;
use aws_sdk_cloudformation::operation::create_stack_set::CreateStackSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_set::{
    DescribeStackSetError, DescribeStackSetOutput,
};
use aws_sdk_cloudformation::operation::describe_stack_set_operation::DescribeStackSetOperationOutput;
use aws_sdk_cloudformation::operation::list_stack_instances::ListStackInstancesOutput;
use aws_sdk_cloudformation::operation::list_stack_set_operation_results::ListStackSetOperationResultsOutput;
use aws_sdk_cloudformation::types::{
    CallAs, PermissionModels, StackSetOperation, StackSetOperationResultStatus,
    StackSetOperationResultSummary, StackSetOperationStatus,
};
use aws_smithy_mocks::{Rule, mock};
use aws_smithy_types::error::ErrorMetadata;
use ferroform::deploy::{self, DeployOptions, DeployOutcome, ErrorKind};
use ferroform::model::stackset::Limit;
use ferroform::resources::logs;
use ferroform::{App, Stack, StackSet};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, rt, session};

const OU: &str = "ou-ab12-cd34ef56";

fn not_found() -> DescribeStackSetError {
    DescribeStackSetError::generic(
        ErrorMetadata::builder()
            .code("StackSetNotFoundException")
            .message("StackSet Baseline not found")
            .build(),
    )
}

fn baseline(set: StackSet) -> ferroform::Template {
    let mut stack = Stack::new("Baseline");
    stack.add("Logs", logs::LogGroup::new().retention_in_days(365));
    let mut app = App::new();
    app.add_stack_set(stack, set);
    app.synth().unwrap().remove(0)
}

fn result(
    account: &str,
    region: &str,
    status: StackSetOperationResultStatus,
    reason: Option<&str>,
) -> StackSetOperationResultSummary {
    StackSetOperationResultSummary::builder()
        .account(account)
        .region(region)
        .status(status)
        .set_status_reason(reason.map(str::to_owned))
        .organizational_unit_id(OU)
        .build()
}

#[test]
fn a_service_managed_set_targets_units_as_delegated_admin_and_a_failed_account_is_named() {
    let template = baseline(
        StackSet::service_managed()
            .organizational_units([OU])
            .regions(["us-east-1", "eu-west-1"])
            .max_concurrent(Limit::Percentage(25))
            .failure_tolerance(Limit::Count(1))
            .delegated_admin(),
    );
    let describe = mock!(Client::describe_stack_set)
        .match_requests(|r| r.call_as() == Some(&CallAs::DelegatedAdmin))
        .then_error(not_found);
    let create = mock!(Client::create_stack_set)
        .match_requests(|r| {
            r.permission_model() == Some(&PermissionModels::ServiceManaged)
                && r.call_as() == Some(&CallAs::DelegatedAdmin)
                && r.auto_deployment()
                    .and_then(aws_sdk_cloudformation::types::AutoDeployment::enabled)
                    == Some(true)
                && r.auto_deployment().and_then(
                    aws_sdk_cloudformation::types::AutoDeployment::retain_stacks_on_account_removal,
                ) == Some(false)
                && r.template_body().is_some_and(|b| b.contains("365"))
                && r.client_request_token().is_some()
        })
        .then_output(|| {
            CreateStackSetOutput::builder()
                .stack_set_id("Baseline:1")
                .build()
        });
    let instances = mock!(Client::create_stack_instances)
        .match_requests(|r| {
            r.accounts().is_empty()
                && r.deployment_targets()
                    .is_some_and(|d| d.organizational_unit_ids() == [OU])
                && r.regions() == ["us-east-1", "eu-west-1"]
                && r.operation_preferences().is_some_and(|p| {
                    p.max_concurrent_percentage() == Some(25)
                        && p.failure_tolerance_count() == Some(1)
                })
                && r.operation_id().is_some()
        })
        .then_output(|| {
            CreateStackInstancesOutput::builder()
                .operation_id("op-1")
                .build()
        });
    let operation = mock!(Client::describe_stack_set_operation)
        .match_requests(|r| r.operation_id() == Some("op-1"))
        .sequence()
        .output(|| {
            DescribeStackSetOperationOutput::builder()
                .stack_set_operation(
                    StackSetOperation::builder()
                        .operation_id("op-1")
                        .status(StackSetOperationStatus::Running)
                        .build(),
                )
                .build()
        })
        .output(|| {
            DescribeStackSetOperationOutput::builder()
                .stack_set_operation(
                    StackSetOperation::builder()
                        .operation_id("op-1")
                        .status(StackSetOperationStatus::Failed)
                        .build(),
                )
                .build()
        })
        .build();
    let results = mock!(Client::list_stack_set_operation_results).then_output(|| {
        ListStackSetOperationResultsOutput::builder()
            .summaries(result(
                "111111111111",
                "us-east-1",
                StackSetOperationResultStatus::Succeeded,
                None,
            ))
            .summaries(result(
                "333333333333",
                "us-east-1",
                StackSetOperationResultStatus::Failed,
                Some("Resource handler returned message: \"Access denied\""),
            ))
            .summaries(result(
                "333333333333",
                "eu-west-1",
                StackSetOperationResultStatus::Cancelled,
                Some("Cancelled since failure tolerance has exceeded"),
            ))
            .build()
    });
    let s = session(&[&describe, &create, &instances, &operation, &results]);
    let mut ui = Rec::yes();
    let e = rt()
        .block_on(deploy::deploy(
            &s,
            &template,
            &DeployOptions::default(),
            &mut ui,
        ))
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Failed);
    assert!(e.message.contains("op-1"), "{e}");
    assert!(
        e.message.contains(
            "333333333333 us-east-1: FAILED (Resource handler returned message: \"Access denied\")"
        ),
        "{e}"
    );
    assert!(
        e.message.contains("333333333333 eu-west-1: CANCELLED"),
        "{e}"
    );
    assert!(!e.message.contains("111111111111"), "{e}");
    assert!(
        ui.lines
            .iter()
            .any(|l| l == "  111111111111 us-east-1: SUCCEEDED"),
        "{:#?}",
        ui.lines
    );
    assert!(
        ui.lines
            .iter()
            .any(|l| l == "  + instance ou-ab12-cd34ef56 eu-west-1")
    );
    assert_eq!(create.num_calls(), 1);
    assert_eq!(instances.num_calls(), 1);
    assert_eq!(operation.num_calls(), 2, "polled until it ended");
}

/// DescribeStackSet answering with the set `Baseline` of `model` and an empty template,
/// and ListStackInstances with no instance: a set deployed with no instances yet.
fn deployed_without_instances(model: PermissionModels) -> (Rule, Rule) {
    let describe = mock!(Client::describe_stack_set).then_output(move || {
        DescribeStackSetOutput::builder()
            .stack_set(
                aws_sdk_cloudformation::types::StackSet::builder()
                    .stack_set_name("Baseline")
                    .template_body("{\"Resources\": {}}")
                    .permission_model(model.clone())
                    .build(),
            )
            .build()
    });
    let list = mock!(Client::list_stack_instances)
        .then_output(|| ListStackInstancesOutput::builder().build());
    (describe, list)
}

/// The stack set of the tests below: one account, one region.
fn one_account() -> ferroform::Template {
    baseline(
        StackSet::self_managed()
            .accounts(["111111111111"])
            .regions(["us-east-1"]),
    )
}

#[test]
fn with_no_execute_the_plan_is_shown_and_nothing_is_done() {
    let template = one_account();
    let (describe, list) = deployed_without_instances(PermissionModels::SelfManaged);
    let s = session(&[&describe, &list]);
    let mut ui = Rec::default();
    let opts = DeployOptions {
        no_execute: true,
        ..DeployOptions::default()
    };
    let (outcome, _) = rt()
        .block_on(deploy::deploy(&s, &template, &opts, &mut ui))
        .unwrap();
    assert_eq!(outcome, DeployOutcome::Planned);
    assert_eq!(
        ui.lines,
        [
            "Stack set Baseline: update (0 instance(s) now)",
            "  ~ template, parameters or settings changed: every instance is updated",
            "  + instance 111111111111 us-east-1",
            "Stack set Baseline: nothing done (--no-execute)",
        ]
    );
}

#[test]
fn a_set_deployed_with_the_other_permission_model_is_refused() {
    let template = one_account();
    let (describe, list) = deployed_without_instances(PermissionModels::ServiceManaged);
    let s = session(&[&describe, &list]);
    let e = rt()
        .block_on(deploy::deploy(
            &s,
            &template,
            &DeployOptions::default(),
            &mut Rec::yes(),
        ))
        .unwrap_err();
    assert!(
        e.message
            .contains("the deployed stack set is service-managed, the program's is self-managed"),
        "{e}"
    );
}

/// `destroy` of a set the program administers as a delegated administrator asks and deletes
/// as one (CallAs DELEGATED_ADMIN on every call): otherwise the management account's view
/// would not find the set.
#[test]
fn a_delegated_admin_set_is_destroyed_as_delegated_admin() {
    let set = StackSet::service_managed()
        .organizational_units([OU])
        .regions(["us-east-1"])
        .delegated_admin();
    let describe = mock!(Client::describe_stack_set)
        .match_requests(|r| r.call_as() == Some(&CallAs::DelegatedAdmin))
        .then_output(|| {
            DescribeStackSetOutput::builder()
                .stack_set(
                    aws_sdk_cloudformation::types::StackSet::builder()
                        .stack_set_name("Baseline")
                        .permission_model(PermissionModels::ServiceManaged)
                        .build(),
                )
                .build()
        });
    let list = mock!(Client::list_stack_instances)
        .match_requests(|r| r.call_as() == Some(&CallAs::DelegatedAdmin))
        .then_output(|| ListStackInstancesOutput::builder().build());
    let delete = mock!(Client::delete_stack_set)
        .match_requests(|r| {
            r.call_as() == Some(&CallAs::DelegatedAdmin) && r.stack_set_name() == Some("Baseline")
        })
        .then_output(|| {
            aws_sdk_cloudformation::operation::delete_stack_set::DeleteStackSetOutput::builder()
                .build()
        });
    let s = session(&[&describe, &list, &delete]);
    let mut ui = Rec::default();
    let deleted = rt()
        .block_on(deploy::destroy_stack_set(
            &s,
            "Baseline",
            Some(&set),
            true,
            None,
            &mut ui,
        ))
        .unwrap();
    assert!(deleted, "{:#?}", ui.lines);
    assert_eq!(delete.num_calls(), 1);
    assert!(ui.lines.contains(&"Stack set Baseline: deleted".to_owned()));
}
