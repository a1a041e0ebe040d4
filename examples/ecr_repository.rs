//! An ECR repository for one service's images: immutable tags, scan on push, KMS encryption
//! with the AWS-managed key, and a lifecycle policy that keeps the repository small.
//!
//! ```text
//! cargo run --example ecr_repository -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::resources::ecr::{self, repository as r};
use ferroform::{App, Stack, Tag};

/// The lifecycle policy: expire untagged images after 14 days, keep the last 30 images.
/// (ECR's lifecycle-policy JSON: rules are evaluated by ascending priority; the
/// `tagStatus: any` rule must have the highest priority number.)
fn lifecycle_policy() -> String {
    serde_json::json!({
        "rules": [
            {
                "rulePriority": 1,
                "description": "Expire untagged images after 14 days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 14
                },
                "action": { "type": "expire" }
            },
            {
                "rulePriority": 2,
                "description": "Keep the last 30 images",
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": 30
                },
                "action": { "type": "expire" }
            }
        ]
    })
    .to_string()
}

/// The stack: one repository, retained when the stack is deleted.
pub fn app() -> App {
    let mut stack = Stack::new("EcrRepository");
    stack.description("ECR repository for the web service images");

    let repo = stack.add(
        "Repository",
        ecr::Repository::new()
            .repository_name("web")
            .image_tag_mutability(r::ImageTagMutability::Immutable)
            .image_scanning_configuration(r::ImageScanningConfiguration::new().scan_on_push(true))
            .encryption_configuration(r::EncryptionConfiguration::new(r::EncryptionType::Kms))
            .lifecycle_policy(r::LifecyclePolicy::new().lifecycle_policy_text(lifecycle_policy()))
            .tags(vec![Tag::new("app", "web")]),
    );
    // A repository holds images: keep it when the stack goes away or the resource is replaced.
    stack.options(&repo).retain();

    stack
        .output("RepositoryUri", repo.attr_repository_uri())
        .description("Push images here: docker push <uri>:<tag>");
    stack.output("RepositoryArn", repo.attr_arn());

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
