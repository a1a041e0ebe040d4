//! What the SDK-level deploy tests share: a deploy [`Session`] over a mocked CloudFormation
//! client (aws-smithy-mocks; every response the tests give it is synthesized, following the
//! AWS CloudFormation API reference), a recording [`Ui`], and the DescribeStacks answer for
//! the stack `web`. Included with `#[path]` by each test file that needs it.
#![allow(dead_code)]

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::config::retry::RetryConfig;
use aws_sdk_cloudformation::operation::create_change_set::{
    CreateChangeSetInput, CreateChangeSetOutput,
};
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{
    DescribeStacksError, DescribeStacksOutput,
};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::types::builders::StackBuilder;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeSetType, ExecutionStatus, Output, Replacement,
    ResourceChange, Stack, StackStatus,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use aws_smithy_types::error::ErrorMetadata;
use ferroform::deploy::{self, Session, Ui};

/// The stack ID of the stack `web`.
pub const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/web/1";
/// The ID of the change set the mocked CreateChangeSet answers with.
pub const CS_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/ferroform-1/1";

/// A [`Ui`] that records what it is shown and answers confirmations with `answer`.
#[derive(Default)]
pub struct Rec {
    pub lines: Vec<String>,
    pub events: Vec<deploy::StackEvent>,
    pub answer: Option<bool>,
    pub asked: Vec<String>,
}

impl Rec {
    /// A recorder that answers yes to every question.
    pub fn yes() -> Self {
        Rec {
            answer: Some(true),
            ..Rec::default()
        }
    }
}

impl Ui for Rec {
    fn line(&mut self, text: &str) {
        self.lines.push(text.to_owned());
    }
    fn note(&mut self, text: &str) {
        self.lines.push(text.to_owned());
    }
    fn event(&mut self, e: &deploy::StackEvent) {
        self.lines.push(e.line());
        self.events.push(e.clone());
    }
    fn confirm(&mut self, q: &str) -> Option<bool> {
        self.asked.push(q.to_owned());
        self.answer
    }
}

/// A session whose CloudFormation client answers with `rules` (the SDK's real retry loop,
/// 3 attempts with a 1 ms backoff) and polls every few milliseconds. S3 is not mocked.
pub fn session(rules: &[&Rule]) -> Session {
    let cfn: Client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, rules, |b| {
        b.retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
    });
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .build(),
    );
    let mut s = Session::from_clients(
        cfn,
        s3,
        "us-east-1",
        "https://cloudformation.us-east-1.amazonaws.com",
    );
    s.poll = deploy::PollConfig {
        initial: std::time::Duration::from_millis(1),
        max: std::time::Duration::from_millis(5),
    };
    s
}

/// A single-threaded runtime for one test.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The stack `web` in `status`, created at time 0, for more fields to be added.
pub fn web_stack(status: StackStatus) -> StackBuilder {
    Stack::builder()
        .stack_name("web")
        .stack_id(STACK_ID)
        .stack_status(status)
        .creation_time(DateTime::from_secs(0))
}

/// DescribeStacks answering with `stack`.
pub fn describing(stack: Stack) -> DescribeStacksOutput {
    DescribeStacksOutput::builder().stacks(stack).build()
}

/// DescribeStacks answering with the stack `web` in `status`.
pub fn stack(status: StackStatus) -> DescribeStacksOutput {
    describing(web_stack(status).build())
}

/// DescribeStacks answering, every time, with the stack `web` in `status`.
pub fn existing(status: StackStatus) -> Rule {
    mock!(Client::describe_stacks).then_output(move || stack(status.clone()))
}

/// DescribeStacks for a stack that does not exist yet, then (once made) in `status`.
pub fn new_stack(status: StackStatus) -> Rule {
    mock!(Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(move || stack(status.clone()))
        .repeatedly()
        .build()
}

/// GetTemplate answering with `body`, the deployed template.
pub fn deployed_template(body: impl Into<String>) -> Rule {
    let body = body.into();
    mock!(Client::get_template).then_output(move || {
        GetTemplateOutput::builder()
            .template_body(body.clone())
            .build()
    })
}

/// DescribeStackEvents answering with no events.
pub fn no_events() -> Rule {
    mock!(Client::describe_stack_events)
        .then_output(|| DescribeStackEventsOutput::builder().build())
}

/// DescribeStackEvents answering with no events (the stack's past, before the deploy), then
/// with `events` (newest first) every time.
pub fn no_events_then(events: Vec<aws_sdk_cloudformation::types::StackEvent>) -> Rule {
    mock!(Client::describe_stack_events)
        .sequence()
        .output(|| DescribeStackEventsOutput::builder().build())
        .output(move || {
            DescribeStackEventsOutput::builder()
                .set_stack_events(Some(events.clone()))
                .build()
        })
        .repeatedly()
        .build()
}

/// ExecuteChangeSet, accepted.
pub fn execute_change_set() -> Rule {
    mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build())
}

/// DeleteStack, accepted.
pub fn delete_stack() -> Rule {
    mock!(Client::delete_stack).then_output(|| DeleteStackOutput::builder().build())
}

/// DeleteChangeSet, accepted.
pub fn delete_change_set() -> Rule {
    mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build())
}

/// DescribeChangeSet answering with a change set that adds the repository `Repo`.
pub fn adds_repo() -> Rule {
    adds("Repo", "AWS::ECR::Repository")
}

/// DescribeChangeSet answering with a change set that adds the resource `id` of type `ty`.
pub fn adds(id: &str, ty: &str) -> Rule {
    created_change_set(vec![change(ChangeAction::Add, id, ty, None)])
}

/// DescribeStacks' error for a stack that does not exist (CloudFormation answers a
/// `ValidationError`, not an empty list).
pub fn missing() -> DescribeStacksError {
    DescribeStacksError::generic(
        ErrorMetadata::builder()
            .code("ValidationError")
            .message("Stack with id web does not exist")
            .build(),
    )
}

/// One resource change of a change set.
pub fn change(
    action: ChangeAction,
    id: &str,
    ty: &str,
    replacement: Option<Replacement>,
) -> Change {
    Change::builder()
        .resource_change(
            ResourceChange::builder()
                .action(action)
                .logical_resource_id(id)
                .resource_type(ty)
                .set_replacement(replacement)
                .build(),
        )
        .build()
}

/// DescribeChangeSet answering with a change set ready to execute, holding `changes`.
pub fn created_change_set(changes: Vec<Change>) -> Rule {
    mock!(Client::describe_change_set).then_output(move || {
        DescribeChangeSetOutput::builder()
            .change_set_id(CS_ID)
            .change_set_name("ferroform-1")
            .stack_id(STACK_ID)
            .status(ChangeSetStatus::CreateComplete)
            .execution_status(ExecutionStatus::Available)
            .set_changes(Some(changes.clone()))
            .build()
    })
}

/// The rules of a deploy that creates the stack `web` with the repository `Repo`: the
/// stack missing then in a given status, no events, a CREATE change set adding `Repo`, and
/// ExecuteChangeSet accepted (each public, for `num_calls`).
pub struct Creation {
    pub describe: Rule,
    pub events: Rule,
    pub create: Rule,
    pub describe_cs: Rule,
    pub execute: Rule,
}

impl Creation {
    /// The rules, the stack in `status` once it exists.
    pub fn new(status: StackStatus) -> Self {
        Creation {
            describe: new_stack(status),
            events: no_events(),
            create: create_change_set(ChangeSetType::Create),
            describe_cs: adds_repo(),
            execute: execute_change_set(),
        }
    }

    /// A [`session`] answering with these rules and then `more`.
    pub fn session(&self, more: &[&Rule]) -> Session {
        let mut rules = vec![
            &self.describe,
            &self.events,
            &self.create,
            &self.describe_cs,
            &self.execute,
        ];
        rules.extend_from_slice(more);
        session(&rules)
    }
}

/// The rules of a deploy that updates the stack `web` (UPDATE_COMPLETE) from the deployed
/// template `old`, through the change set `describe_cs`: an UPDATE change set, deleted when
/// not executed, ExecuteChangeSet accepted, and no events (each public, for `num_calls`).
pub struct Update {
    pub describe: Rule,
    pub template: Rule,
    pub create: Rule,
    pub describe_cs: Rule,
    pub delete_cs: Rule,
    pub execute: Rule,
    pub events: Rule,
}

impl Update {
    /// The rules, DescribeChangeSet answering with `describe_cs`.
    pub fn new(old: impl Into<String>, describe_cs: Rule) -> Self {
        Update {
            describe: existing(StackStatus::UpdateComplete),
            template: deployed_template(old),
            create: create_change_set(ChangeSetType::Update),
            describe_cs,
            delete_cs: delete_change_set(),
            execute: execute_change_set(),
            events: no_events(),
        }
    }

    /// A [`session`] answering with these rules.
    pub fn session(&self) -> Session {
        session(&[
            &self.describe,
            &self.template,
            &self.create,
            &self.describe_cs,
            &self.delete_cs,
            &self.execute,
            &self.events,
        ])
    }
}

/// CreateChangeSet of type `kind`, answering with [`CS_ID`].
pub fn create_change_set(kind: ChangeSetType) -> Rule {
    create_change_set_matching(move |r| r.change_set_type() == Some(&kind))
}

/// CreateChangeSet of the requests `matches` accepts (it may also record them), answering
/// with [`CS_ID`].
pub fn create_change_set_matching(
    matches: impl Fn(&CreateChangeSetInput) -> bool + Send + Sync + 'static,
) -> Rule {
    mock!(Client::create_change_set)
        .match_requests(matches)
        .then_output(|| {
            CreateChangeSetOutput::builder()
                .id(CS_ID)
                .stack_id(STACK_ID)
                .build()
        })
}

/// A stack output `key` whose value is `value`, for [`web_stack`]'s `outputs`.
pub fn output(key: &str, value: &str) -> Output {
    Output::builder()
        .output_key(key)
        .output_value(value)
        .build()
}

/// Event `n` of the stack `web` (`e<n>`, at `base + n` seconds): `logical` of type `ty` in
/// `status`, with `reason`. The stack's own events carry its ID as physical ID.
pub fn event_at(
    base: i64,
    n: u32,
    logical: &str,
    ty: &str,
    status: aws_sdk_cloudformation::types::ResourceStatus,
    reason: Option<&str>,
) -> aws_sdk_cloudformation::types::StackEvent {
    aws_sdk_cloudformation::types::StackEvent::builder()
        .stack_id(STACK_ID)
        .stack_name("web")
        .event_id(format!("e{n}"))
        .logical_resource_id(logical)
        .physical_resource_id(if ty == "AWS::CloudFormation::Stack" {
            STACK_ID
        } else {
            ""
        })
        .resource_type(ty)
        .resource_status(status)
        .set_resource_status_reason(reason.map(str::to_owned))
        .timestamp(DateTime::from_secs(base + i64::from(n)))
        .build()
}
