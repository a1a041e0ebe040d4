//! `RepositoryCreationTemplate`: the settings of the repositories ECR creates on its own —
//! for a pull-through cache, for replication, or on first push — under a prefix.
//!
//! Without a template, such repositories get ECR's defaults (mutable tags, AES-256, no
//! lifecycle policy): the template gives them the same secure defaults as a
//! [`super::Repository`] of the app.

use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecr::{self, repository_creation_template as t};

use super::repository::{
    LifecycleRule, RepositoryEncryption, RepositoryProps, lifecycle_policy_text,
};

pub use t::AppliedForItem as CreatedFor;

/// The settings of a [`RepositoryCreationTemplate`]. Defaults are those of
/// [`RepositoryProps::default`].
#[derive(Clone, Debug)]
pub struct RepositoryCreationTemplateProps {
    /// Refuse to overwrite a tag with another image. Default: `true`.
    pub immutable_tags: bool,
    /// Encryption at rest. Default: KMS with the AWS-managed key.
    pub encryption: RepositoryEncryption,
    /// Lifecycle rules. Default: expire untagged images after 14 days.
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// A role ECR assumes to create the repositories. Default: none (ECR's service-linked
    /// role).
    pub custom_role_arn: Option<Value<String>>,
    /// A description. Default: none.
    pub description: Option<Value<String>>,
}

impl Default for RepositoryCreationTemplateProps {
    fn default() -> Self {
        let r = RepositoryProps::default();
        RepositoryCreationTemplateProps {
            immutable_tags: r.immutable_tags,
            encryption: r.encryption,
            lifecycle_rules: r.lifecycle_rules,
            custom_role_arn: None,
            description: None,
        }
    }
}

/// A repository creation template: the settings of repositories ECR creates under `prefix`
/// (`ROOT` for every repository no other template covers) for the uses in `applied_for`.
/// For a pull-through cache, use the cache's prefix ("the repository prefix you specify
/// during rule creation is what you should specify as your repository creation template
/// prefix as well", `CreateRepositoryCreationTemplate`).
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{CreatedFor, RepositoryCreationTemplate, RepositoryCreationTemplateProps};
/// let mut stack = Stack::new("Registry");
/// RepositoryCreationTemplate::new(&mut stack, "CacheRepos", "ecr-public",
///     vec![CreatedFor::PullThroughCache], RepositoryCreationTemplateProps::default());
/// let t = stack.to_template().unwrap();
/// let p = &t.body()["Resources"]["CacheRepos"]["Properties"];
/// assert_eq!(p["ImageTagMutability"], "IMMUTABLE");
/// assert_eq!(p["EncryptionConfiguration"]["EncryptionType"], "KMS");
/// ```
#[derive(Clone, Debug)]
pub struct RepositoryCreationTemplate {
    resource: Handle<ecr::RepositoryCreationTemplate>,
}

impl RepositoryCreationTemplate {
    /// Add the template.
    pub fn new(
        stack: &mut Stack,
        id: &str,
        prefix: impl Into<Value<String>>,
        applied_for: Vec<CreatedFor>,
        props: RepositoryCreationTemplateProps,
    ) -> Self {
        let encryption = match props.encryption {
            RepositoryEncryption::Aes256 => {
                t::EncryptionConfiguration::new(t::EncryptionType::Aes256)
            }
            RepositoryEncryption::KmsAwsManaged => {
                t::EncryptionConfiguration::new(t::EncryptionType::Kms)
            }
            RepositoryEncryption::Kms(key) => {
                t::EncryptionConfiguration::new(t::EncryptionType::Kms).kms_key(key)
            }
        };
        let mut template = ecr::RepositoryCreationTemplate::new(applied_for, prefix)
            .image_tag_mutability(if props.immutable_tags {
                t::ImageTagMutability::Immutable
            } else {
                t::ImageTagMutability::Mutable
            })
            .encryption_configuration(encryption);
        if !props.lifecycle_rules.is_empty() {
            template = template.lifecycle_policy(lifecycle_policy_text(&props.lifecycle_rules));
        }
        if let Some(role) = props.custom_role_arn {
            template = template.custom_role_arn(role);
        }
        if let Some(d) = props.description {
            template = template.description(d);
        }
        RepositoryCreationTemplate {
            resource: stack.add(id, template),
        }
    }

    /// The `AWS::ECR::RepositoryCreationTemplate` (escape hatch).
    pub fn resource(&self) -> &Handle<ecr::RepositoryCreationTemplate> {
        &self.resource
    }
}
