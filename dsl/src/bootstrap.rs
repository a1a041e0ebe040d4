//! The bootstrap stack: what ferroform needs once in each account and region before it can
//! publish images and deploy large templates. `ferroform bootstrap` deploys it.
//!
//! - **The asset repository** ([`ImageAsset::ASSET_REPOSITORY`]): where images built from
//!   source go unless they name a repository. Scan on push; immutable tags (an asset tag is a
//!   content hash, so a tag can never need to point elsewhere); encrypted with the AWS-managed
//!   KMS key; untagged images expire after a day; of the `asset-` images, the 500 most recent
//!   are kept (a task definition revision still in use keeps working for as long as that,
//!   and ECR's storage is billed by the GB-month); kept when the stack is deleted.
//! - **The template bucket**: where templates over CloudFormation's inline limit are uploaded
//!   (`deploy` finds it through the stack's output, so `--s3-bucket` becomes optional).
//!   Encrypted, no public access, objects owned by the bucket owner, TLS only; uploaded
//!   templates expire after 30 days (CloudFormation reads them only while it makes a change
//!   set), and kept when the stack is deleted.
//!
//! ```
//! let stack = ferroform::bootstrap::stack();
//! let t = stack.to_template().unwrap();
//! assert_eq!(t.name(), ferroform::bootstrap::STACK_NAME);
//! let repo = &t.body()["Resources"]["AssetRepository"]["Properties"];
//! assert_eq!(repo["RepositoryName"], "ferroform-assets");
//! assert_eq!(repo["ImageTagMutability"], "IMMUTABLE");
//! ```

#[cfg(feature = "ecs-stack")]
use crate::{
    ecs::{LifecycleRule, Removal, Repository, RepositoryProps},
    iam::{PolicyDocument, Principal, Statement},
    model::asset::ImageAsset,
    model::stack::Stack,
    resources::s3,
    resources::s3::bucket as b,
};

/// The name of the bootstrap stack, in every account and region.
pub const STACK_NAME: &str = "FerroformBootstrap";

/// The output that names the template bucket.
pub const TEMPLATE_BUCKET_OUTPUT: &str = "TemplateBucket";

/// The output that names the asset repository.
pub const ASSET_REPOSITORY_OUTPUT: &str = "AssetRepository";

/// Days an uploaded template is kept.
#[cfg(feature = "ecs-stack")]
const TEMPLATE_DAYS: i64 = 30;

/// The bootstrap stack ([`STACK_NAME`]).
#[cfg(feature = "ecs-stack")]
pub fn stack() -> Stack {
    let mut stack = Stack::new(STACK_NAME);
    stack.description(
        "ferroform bootstrap: the asset repository for images built from source and the bucket for large templates",
    );

    let repo = Repository::new(
        &mut stack,
        "AssetRepository",
        RepositoryProps {
            name: Some(ImageAsset::ASSET_REPOSITORY.into()),
            lifecycle_rules: vec![
                LifecycleRule::ExpireUntaggedAfterDays(1),
                LifecycleRule::KeepLastTagged {
                    prefixes: vec!["asset-".into()],
                    count: 500,
                },
            ],
            removal: Removal::Retain,
            ..RepositoryProps::default()
        },
    );

    let bucket = stack.add(
        "TemplateBucket",
        s3::Bucket::new()
            .bucket_encryption(b::BucketEncryption::new(vec![
                b::ServerSideEncryptionRule::new().server_side_encryption_by_default(
                    b::ServerSideEncryptionByDefault::new(
                        b::ServerSideEncryptionByDefaultSseAlgorithm::Aes256,
                    ),
                ),
            ]))
            .public_access_block_configuration(
                b::PublicAccessBlockConfiguration::new()
                    .block_public_acls(true)
                    .block_public_policy(true)
                    .ignore_public_acls(true)
                    .restrict_public_buckets(true),
            )
            .ownership_controls(b::OwnershipControls::new(vec![
                b::OwnershipControlsRule::new()
                    .object_ownership(b::ObjectOwnership::BucketOwnerEnforced),
            ]))
            .lifecycle_configuration(b::LifecycleConfiguration::new(vec![
                b::Rule::new(b::RuleStatus::Enabled)
                    .id("ExpireTemplates")
                    .expiration_in_days(TEMPLATE_DAYS)
                    .abort_incomplete_multipart_upload(b::AbortIncompleteMultipartUpload::new(1)),
            ])),
    );
    stack.options(&bucket).retain();
    stack
        .options(&bucket)
        .checkov_skip(
            "CKV_AWS_18",
            "holds only templates uploaded for change sets, which expire after 30 days; CloudTrail records who uploaded them",
        )
        .checkov_skip(
            "CKV_AWS_21",
            "template keys are content hashes: an object is never overwritten, so versions would add nothing",
        );
    stack.add(
        "TemplateBucketPolicy",
        s3::BucketPolicy::new(
            bucket.to_ref(),
            PolicyDocument::new().statement(
                Statement::deny(["s3:*"])
                    .principal(Principal::Aws("*".into()))
                    .resources([
                        bucket.attr_arn(),
                        crate::fns::join("", vec![bucket.attr_arn(), "/*".into()]),
                    ])
                    .condition(serde_json::json!({"Bool": {"aws:SecureTransport": "false"}})),
            ),
        ),
    );

    stack.output(TEMPLATE_BUCKET_OUTPUT, bucket.to_ref());
    stack.output(ASSET_REPOSITORY_OUTPUT, repo.uri());
    stack
}
