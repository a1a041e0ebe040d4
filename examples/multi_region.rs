//! One platform stack in Ireland, the same service stack in two other regions: each service
//! region records the platform's image repository (an SSM parameter its deploy tooling
//! reads). The references are ordinary handles; because the stacks are bound to different
//! regions (`Stack::env`), ferroform writes them as `Fn::GetStackOutput` of the platform's
//! outputs (no export), and `deploy` deploys each stack in its own region, the platform first.
//!
//! ```text
//! cargo run --example multi_region -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::resources::ecr::{self, repository as r};
use ferroform::resources::ssm::{self, parameter as p};
use ferroform::{App, Env, Handle, Stack};

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

/// The app: the platform, then the service in us-east-1 and in ap-southeast-1.
pub fn app() -> App {
    let (platform_stack, repo) = platform();
    let mut app = App::new();
    app.add(service("ServiceUsEast1", "us-east-1", &repo));
    app.add(service("ServiceApSoutheast1", "ap-southeast-1", &repo));
    app.add(platform_stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
