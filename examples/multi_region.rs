//! One platform stack in Ireland, the same service stack in two other regions: each service
//! region records the platform's image repository (an SSM parameter its deploy tooling
//! reads). The references are ordinary handles; because the stacks are bound to different
//! regions (`Stack::env`), ferroform writes them as `Fn::GetStackOutput` of the platform's
//! outputs (no export), and `deploy` deploys each stack in its own region, the platform first.
//!
//! Every account of the fleet also gets a logging baseline, deployed as a CloudFormation
//! StackSet (`App::add_stack_set`): one template, an instance per account and service region,
//! at most half of the accounts at once.
//!
//! ```text
//! cargo run --example multi_region -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::model::stackset::Limit;
use ferroform::resources::ecr::{self, repository as r};
use ferroform::resources::logs;
use ferroform::resources::ssm::{self, parameter as p};
use ferroform::{App, Env, Handle, Stack, StackSet};

/// The platform: an ECR repository (immutable tags, scan on push, KMS), retained.
pub fn platform() -> (Stack, Handle<ecr::Repository>) {
    let mut stack = Stack::new("ImagePlatform");
    stack.description("Shared platform: the image repository");
    stack.env(Env::region("eu-west-1"));
    let repo = stack.add(
        "Repository",
        ecr::Repository::new()
            .image_tag_mutability(r::ImageTagMutability::Immutable)
            .image_scanning_configuration(r::ImageScanningConfiguration::new().scan_on_push(true))
            .encryption_configuration(r::EncryptionConfiguration::new(r::EncryptionType::Kms)),
    );
    stack.options(&repo).retain();
    (stack, repo)
}

/// A service region: where its images come from, for its deploy tooling.
pub fn service(name: &str, region: &str, repo: &Handle<ecr::Repository>) -> Stack {
    let mut stack = Stack::new(name);
    stack.description("A service region: records the platform's image repository");
    stack.env(Env::region(region));
    stack.add(
        "ImageRepository",
        ssm::Parameter::new(p::Type::String, repo.attr_repository_uri())
            .description("URI of the platform's image repository (eu-west-1)"),
    );
    stack
}

/// The per-account logging baseline: an audit log group kept for a year, retained when the
/// stack set instance is deleted.
pub fn logging_baseline() -> Stack {
    let mut stack = Stack::new("LoggingBaseline");
    stack.description("Per-account logging baseline (StackSet instance)");
    let audit = stack.add(
        "AuditLogs",
        logs::LogGroup::new()
            .log_group_name("/baseline/audit")
            .retention_in_days(365),
    );
    stack.options(&audit).retain();
    stack.options(&audit).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_158",
        "comment": "CloudWatch Logs encrypts at rest with service keys; add KmsKeyId for sensitive logs"
    }]}}));
    stack
}

/// The accounts of the fleet (replace with yours).
pub const ACCOUNTS: [&str; 2] = ["111111111111", "222222222222"];

/// The app: the platform, then the service in us-east-1 and in ap-southeast-1, and the
/// logging baseline in every account and service region.
pub fn app() -> App {
    let (platform_stack, repo) = platform();
    let mut app = App::new();
    app.add(service("ServiceUsEast1", "us-east-1", &repo));
    app.add(service("ServiceApSoutheast1", "ap-southeast-1", &repo));
    app.add(platform_stack);
    app.add_stack_set(
        logging_baseline(),
        StackSet::self_managed()
            .accounts(ACCOUNTS)
            .regions(["us-east-1", "ap-southeast-1"])
            .max_concurrent(Limit::Percentage(50)),
    );
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
