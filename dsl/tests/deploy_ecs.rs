//! A deploy whose ECS service does not settle says why while the stack is still in progress:
//! the service's troubling events and each stopped task's reason, with its containers' exit
//! codes and the task definition revision, then all of them again in one place when the
//! stack fails. moto's CloudFormation starts no ECS tasks, so the test runs the real SDK
//! clients on mocked responses.
//!
//! SYNTHESIZED RESPONSES: every CloudFormation and ECS response here is a typed SDK value
//! built by hand with aws-smithy-mocks, following the AWS CloudFormation and Amazon ECS API
//! references (DescribeStackResource, DescribeServices, ListTasks, DescribeTasks; field
//! names, stop codes and messages as documented in "Amazon ECS stopped task errors").

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stack_resource::DescribeStackResourceOutput;
use aws_sdk_cloudformation::types::{
    ChangeSetType, ResourceStatus, StackEvent, StackResourceDetail, StackStatus,
};
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{Container, Service, ServiceEvent, Task, TaskStopCode};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use ferroform::Template;
use ferroform::deploy::{self, DeployOptions, ErrorKind};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, adds, create_change_set, execute_change_set, missing, rt, session, stack};

const SERVICE_ARN: &str = "arn:aws:ecs:us-east-1:123456789012:service/prod/web-Service-1";

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn event(
    n: u32,
    logical: &str,
    ty: &str,
    status: ResourceStatus,
    reason: Option<&str>,
) -> StackEvent {
    mocked::event_at(now(), n, logical, ty, status, reason)
}

#[test]
fn a_service_whose_tasks_stop_is_explained_while_the_stack_is_in_progress() {
    // The stack stays in progress for a while (the service waits for a steady state), then
    // rolls back.
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(|| stack(StackStatus::CreateInProgress))
        .times(6)
        .output(|| stack(StackStatus::RollbackComplete))
        .repeatedly()
        .build();
    let events = mock!(Client::describe_stack_events)
        .sequence()
        .output(|| DescribeStackEventsOutput::builder().build())
        .output(|| {
            DescribeStackEventsOutput::builder()
                .stack_events(event(2, "Service", "AWS::ECS::Service", ResourceStatus::CreateInProgress, None))
                .stack_events(event(1, "web", "AWS::CloudFormation::Stack", ResourceStatus::CreateInProgress, Some("User Initiated")))
                .build()
        })
        .times(5)
        .output(|| {
            DescribeStackEventsOutput::builder()
                .stack_events(event(4, "web", "AWS::CloudFormation::Stack", ResourceStatus::RollbackComplete, None))
                .stack_events(event(3, "Service", "AWS::ECS::Service", ResourceStatus::CreateFailed, Some("Resource handler returned message: \"Error occurred during operation 'ECS Deployment Circuit Breaker was triggered'.\"")))
                .stack_events(event(2, "Service", "AWS::ECS::Service", ResourceStatus::CreateInProgress, None))
                .stack_events(event(1, "web", "AWS::CloudFormation::Stack", ResourceStatus::CreateInProgress, Some("User Initiated")))
                .build()
        })
        .repeatedly()
        .build();
    let resource = mock!(Client::describe_stack_resource)
        .match_requests(|r| r.logical_resource_id() == Some("Service"))
        .then_output(|| {
            DescribeStackResourceOutput::builder()
                .stack_resource_detail(
                    StackResourceDetail::builder()
                        .logical_resource_id("Service")
                        .physical_resource_id(SERVICE_ARN)
                        .resource_type("AWS::ECS::Service")
                        .resource_status(ResourceStatus::CreateInProgress)
                        .last_updated_timestamp(DateTime::from_secs(now()))
                        .build(),
                )
                .build()
        });
    let create = create_change_set(ChangeSetType::Create);
    let describe_cs = adds("Service", "AWS::ECS::Service");
    let execute = execute_change_set();
    let s = session(&[
        &describe,
        &events,
        &resource,
        &create,
        &describe_cs,
        &execute,
    ]);

    let services = mock!(aws_sdk_ecs::Client::describe_services)
        .match_requests(|r| r.cluster() == Some("prod") && r.services() == ["web-Service-1"])
        .then_output(|| {
            DescribeServicesOutput::builder()
                .services(
                    Service::builder()
                        .service_name("web-Service-1")
                        .events(ServiceEvent::builder().id("ev-2").created_at(DateTime::from_secs(now())).message("(service web-Service-1) has started 1 tasks: (task 0f1e).").build())
                        .events(ServiceEvent::builder().id("ev-1").created_at(DateTime::from_secs(now())).message("(service web-Service-1) failed to launch a task with (error ECS was unable to assume the role 'arn:aws:iam::123456789012:role/missing').").build())
                        .events(ServiceEvent::builder().id("ev-0").created_at(DateTime::from_secs(1_000)).message("(service old) was unable to place a task long ago.").build())
                        .build(),
                )
                .build()
        });
    let list = mock!(aws_sdk_ecs::Client::list_tasks)
        .match_requests(|r| r.desired_status() == Some(&aws_sdk_ecs::types::DesiredStatus::Stopped))
        .then_output(|| {
            ListTasksOutput::builder()
                .task_arns("arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e")
                .task_arns("arn:aws:ecs:us-east-1:123456789012:task/prod/old")
                .build()
        });
    let tasks = mock!(aws_sdk_ecs::Client::describe_tasks).then_output(|| {
        DescribeTasksOutput::builder()
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e")
                    .task_definition_arn(
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:42",
                    )
                    .stopped_at(DateTime::from_secs(now() + 1))
                    .stopped_reason("Essential container in task exited")
                    .stop_code(TaskStopCode::EssentialContainerExited)
                    .containers(
                        Container::builder()
                            .name("app")
                            .exit_code(137)
                            .reason("OutOfMemoryError: Container killed due to memory usage")
                            .build(),
                    )
                    .containers(Container::builder().name("sidecar").exit_code(0).build())
                    .build(),
            )
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-1:123456789012:task/prod/old")
                    .task_definition_arn(
                        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:41",
                    )
                    .stopped_at(DateTime::from_secs(1_000))
                    .stopped_reason("Scaling activity initiated by deployment")
                    .build(),
            )
            .build()
    });
    let ecs = mock_client!(aws_sdk_ecs, RuleMode::MatchAny, &[&services, &list, &tasks]);
    let s = s.with_ecs(ecs);

    let template = Template::new(
        "web",
        serde_json::json!({"Resources": {"Service": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": "prod"}}}}),
    );
    let mut ui = Rec::default();
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    let err = rt()
        .block_on(deploy::deploy(&s, &template, &opts, &mut ui))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed);
    let lines = ui.lines.join("\n");
    let stopped = "ECS: service web-Service-1: task 0f1e (web:42) stopped: Essential container in task exited [EssentialContainerExited]; container app: exit code 137, OutOfMemoryError: Container killed due to memory usage; container sidecar: exit code 0";
    // Shown while in progress (ECS was read before the stack settled), then in the recap.
    assert_eq!(lines.matches(stopped).count(), 2, "{lines}");
    assert!(lines.contains("Why the ECS tasks stopped:"), "{lines}");
    assert!(
        lines.contains("ECS: (service web-Service-1) failed to launch a task with (error ECS was unable to assume the role"),
        "{lines}"
    );
    assert!(
        !lines.contains("has started 1 tasks"),
        "only trouble: {lines}"
    );
    assert!(
        !lines.contains("long ago") && !lines.contains("web:41"),
        "only this deploy's: {lines}"
    );
    assert!(list.num_calls() >= 2, "read during the wait and at the end");
}
