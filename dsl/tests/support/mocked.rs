//! What the SDK-level deploy tests share: a deploy [`Session`] over a mocked CloudFormation
//! client (aws-smithy-mocks; every response the tests give it is synthesized, following the
//! AWS CloudFormation API reference), a recording [`Ui`], and the DescribeStacks answer for
//! the stack `web`. Included with `#[path]` by each test file that needs it.
#![allow(dead_code)]

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::config::retry::RetryConfig;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::types::{Stack, StackStatus};
use aws_smithy_mocks::{Rule, RuleMode, mock_client};
use aws_smithy_types::DateTime;
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

/// DescribeStacks answering with the stack `web` in `status`.
pub fn stack(status: StackStatus) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(
            Stack::builder()
                .stack_name("web")
                .stack_id(STACK_ID)
                .stack_status(status)
                .creation_time(DateTime::from_secs(0))
                .build(),
        )
        .build()
}
