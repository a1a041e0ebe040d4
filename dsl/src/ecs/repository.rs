//! `Repository`: an ECR repository, secure by default, with typed lifecycle rules and grants.

use crate::fns;
use crate::iam::{PolicyDocument, Statement};
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecr;
use crate::resources::ecr::repository as r;
use crate::resources::iam;

use super::part_id;

/// How the repository's images are encrypted at rest.
#[derive(Clone, Debug, Default)]
pub enum RepositoryEncryption {
    /// AES-256 managed by ECR.
    Aes256,
    /// KMS with the AWS-managed key `aws/ecr`: no key fee, and the encryption checkov and
    /// most security baselines ask for. The default.
    #[default]
    KmsAwsManaged,
    /// KMS with your own key (ARN or ID); a customer-managed key costs about a dollar a month.
    Kms(Value<String>),
}

/// One lifecycle rule. Rules are written to ECR's lifecycle-policy JSON in the order given,
/// except that rules matching `any` tag status get the highest priorities, as ECR requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LifecycleRule {
    /// Expire untagged images this many days after they were pushed.
    ExpireUntaggedAfterDays(u32),
    /// Keep only the most recent `n` images (tagged or not).
    KeepLast(u32),
    /// Expire images whose tag starts with one of the prefixes, this many days after push.
    ExpireTaggedAfterDays {
        /// Tag prefixes (at least one).
        prefixes: Vec<String>,
        /// Days after push.
        days: u32,
    },
    /// Keep only the most recent `n` images whose tag starts with one of the prefixes.
    KeepLastTagged {
        /// Tag prefixes (at least one).
        prefixes: Vec<String>,
        /// Images to keep.
        count: u32,
    },
}

impl LifecycleRule {
    fn matches_any(&self) -> bool {
        matches!(self, LifecycleRule::KeepLast(_))
    }

    fn to_json(&self, priority: usize) -> serde_json::Value {
        use serde_json::json;
        let (description, selection) = match self {
            LifecycleRule::ExpireUntaggedAfterDays(days) => (
                format!("Expire untagged images {days} days after push"),
                json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days}),
            ),
            LifecycleRule::KeepLast(n) => (
                format!("Keep the last {n} images"),
                json!({"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": n}),
            ),
            LifecycleRule::ExpireTaggedAfterDays { prefixes, days } => (
                format!(
                    "Expire images tagged {} {days} days after push",
                    prefixes.join(", ")
                ),
                json!({"tagStatus": "tagged", "tagPrefixList": prefixes, "countType": "sinceImagePushed", "countUnit": "days", "countNumber": days}),
            ),
            LifecycleRule::KeepLastTagged { prefixes, count } => (
                format!(
                    "Keep the last {count} images tagged {}",
                    prefixes.join(", ")
                ),
                json!({"tagStatus": "tagged", "tagPrefixList": prefixes, "countType": "imageCountMoreThan", "countNumber": count}),
            ),
        };
        json!({
            "rulePriority": priority,
            "description": description,
            "selection": selection,
            "action": {"type": "expire"}
        })
    }
}

/// What happens to the repository when it leaves the stack.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Removal {
    /// Keep it, with its images (`DeletionPolicy` and `UpdateReplacePolicy` `Retain`). The
    /// default: `destroy` never fails on a repository that holds images, and never loses them.
    #[default]
    Retain,
    /// Delete it, and its images with it (`EmptyOnDelete`).
    EmptyAndDelete,
}

/// The settings of a [`Repository`].
#[derive(Clone, Debug)]
pub struct RepositoryProps {
    /// The repository name. Default: none, CloudFormation generates one (a fixed name makes
    /// the repository impossible to replace without a rename).
    pub name: Option<Value<String>>,
    /// Scan images for vulnerabilities on push. Default: `true`.
    pub scan_on_push: bool,
    /// Refuse to overwrite a tag with another image. Default: `true` (a deployed tag always
    /// means the same image).
    pub immutable_tags: bool,
    /// Encryption at rest. Default: KMS with the AWS-managed key.
    pub encryption: RepositoryEncryption,
    /// Lifecycle rules. Default: expire untagged images after 14 days.
    pub lifecycle_rules: Vec<LifecycleRule>,
    /// What happens on stack deletion or replacement. Default: [`Removal::Retain`].
    pub removal: Removal,
}

impl Default for RepositoryProps {
    fn default() -> Self {
        RepositoryProps {
            name: None,
            scan_on_push: true,
            immutable_tags: true,
            encryption: RepositoryEncryption::KmsAwsManaged,
            lifecycle_rules: vec![LifecycleRule::ExpireUntaggedAfterDays(14)],
            removal: Removal::Retain,
        }
    }
}

/// An ECR repository.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{LifecycleRule, Repository, RepositoryProps};
/// let mut stack = Stack::new("Images");
/// let repo = Repository::new(&mut stack, "Web", RepositoryProps {
///     lifecycle_rules: vec![LifecycleRule::ExpireUntaggedAfterDays(7), LifecycleRule::KeepLast(50)],
///     ..Default::default()
/// });
/// let image = repo.image("v1.2.3"); // for a container definition
/// let json = stack.synth().unwrap().to_json();
/// assert!(json.contains("\"ScanOnPush\": true"));
/// assert!(json.contains("\"ImageTagMutability\": \"IMMUTABLE\""));
/// # let _ = image;
/// ```
#[derive(Clone, Debug)]
pub struct Repository {
    resource: Handle<ecr::Repository>,
}

impl Repository {
    /// Add the repository to `stack` with logical ID `id`.
    pub fn new(stack: &mut Stack, id: &str, props: RepositoryProps) -> Self {
        let mutability = if props.immutable_tags {
            r::ImageTagMutability::Immutable
        } else {
            r::ImageTagMutability::Mutable
        };
        let encryption = match props.encryption {
            RepositoryEncryption::Aes256 => {
                r::EncryptionConfiguration::new(r::EncryptionType::Aes256)
            }
            RepositoryEncryption::KmsAwsManaged => {
                r::EncryptionConfiguration::new(r::EncryptionType::Kms)
            }
            RepositoryEncryption::Kms(key) => {
                r::EncryptionConfiguration::new(r::EncryptionType::Kms).kms_key(key)
            }
        };
        let mut repo = ecr::Repository::new()
            .image_scanning_configuration(
                r::ImageScanningConfiguration::new().scan_on_push(props.scan_on_push),
            )
            .image_tag_mutability(mutability)
            .encryption_configuration(encryption);
        if let Some(name) = props.name {
            repo = repo.repository_name(name);
        }
        if !props.lifecycle_rules.is_empty() {
            repo = repo.lifecycle_policy(
                r::LifecyclePolicy::new()
                    .lifecycle_policy_text(lifecycle_policy_text(&props.lifecycle_rules)),
            );
        }
        if props.removal == Removal::EmptyAndDelete {
            repo = repo.empty_on_delete(true);
        }
        let resource = stack.add(id, repo);
        if props.removal == Removal::Retain {
            stack.options(&resource).retain();
        }
        Repository { resource }
    }

    /// The underlying `AWS::ECR::Repository` (escape hatch).
    pub fn resource(&self) -> &Handle<ecr::Repository> {
        &self.resource
    }

    /// The repository URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`).
    pub fn uri(&self) -> Value<String> {
        self.resource.attr_repository_uri()
    }

    /// The repository ARN.
    pub fn arn(&self) -> Value<String> {
        self.resource.attr_arn()
    }

    /// The image `<uri>:<tag>` for a container definition.
    pub fn image(&self, tag: impl Into<Value<String>>) -> Value<String> {
        fns::join(":", vec![self.uri(), tag.into()])
    }

    /// The image `<uri>@<digest>` (`sha256:...`) for a container definition.
    pub fn image_digest(&self, digest: impl Into<Value<String>>) -> Value<String> {
        fns::join("@", vec![self.uri(), digest.into()])
    }

    /// The statements that let a role pull this repository's images: the three read actions
    /// on this repository, and `ecr:GetAuthorizationToken`, which AWS only grants on `*`.
    pub fn pull_statements(&self) -> Vec<Statement> {
        vec![
            Statement::allow([
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ])
            .resource(self.arn()),
            Statement::allow(["ecr:GetAuthorizationToken"]).resource("*"),
        ]
    }

    /// The statements that let a role push images to this repository (and pull them).
    pub fn push_statements(&self) -> Vec<Statement> {
        let mut statements = self.pull_statements();
        statements.insert(
            1,
            Statement::allow([
                "ecr:CompleteLayerUpload",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ])
            .resource(self.arn()),
        );
        statements
    }

    /// Let `role` pull this repository's images (adds an inline policy to the role).
    pub fn grant_pull(&self, stack: &mut Stack, role: &Handle<iam::Role>) {
        grant(
            stack,
            role,
            &format!("Pull{}", self.resource.logical_id()),
            self.pull_statements(),
        );
    }

    /// Let `role` push (and pull) this repository's images.
    pub fn grant_push(&self, stack: &mut Stack, role: &Handle<iam::Role>) {
        grant(
            stack,
            role,
            &format!("Push{}", self.resource.logical_id()),
            self.push_statements(),
        );
    }
}

/// Add the inline policy `name` to `role`, or, when the role already has a policy of that
/// name made by a construct, merge `statements` into it: a statement already there is not
/// added twice, and the order is the order of first grant, so the output is stable. A grant
/// never silently drops a permission. A role of another stack is reported at synth.
pub(crate) fn grant(
    stack: &mut Stack,
    role: &Handle<iam::Role>,
    name: &str,
    statements: Vec<Statement>,
) {
    let policy_name = part_id(name, "");
    let Some(props) = stack.get_mut(role) else {
        // Record the problem where synth reports it.
        stack.options(role);
        return;
    };
    let policies = props.policies.get_or_insert_with(|| Value::lit(Vec::new()));
    let Some(list) = policies.as_lit_mut() else {
        let id = role.logical_id().to_owned();
        stack.report_error(
            super::rules::INVALID_INPUT,
            Some(&id),
            format!("cannot add the policy `{policy_name}` to role `{id}`: its Policies are an expression"),
            "set the role's policies as a list, or grant through a separate AWS::IAM::Policy",
        );
        return;
    };
    let existing = list.iter_mut().find_map(|p| {
        p.as_lit_mut()
            .filter(|p| p.policy_name.as_lit() == Some(&policy_name))
    });
    let Some(existing) = existing else {
        let mut doc = PolicyDocument::new();
        for s in statements {
            push_new(&mut doc, s);
        }
        list.push(iam::role::Policy::new(doc, policy_name).into());
        return;
    };
    let merged = existing
        .policy_document
        .as_lit()
        .and_then(|d| d.downcast_ref::<PolicyDocument>())
        .cloned();
    match merged {
        Some(mut doc) => {
            for s in statements {
                push_new(&mut doc, s);
            }
            existing.policy_document = doc.into();
        }
        None => {
            let id = role.logical_id().to_owned();
            stack.report_error(
                super::rules::INVALID_INPUT,
                Some(&id),
                format!("cannot add statements to the policy `{policy_name}` of role `{id}`: it was not made by a construct"),
                "grant under another policy name",
            );
        }
    }
}

/// Add `statement` to `doc` unless an identical one is there.
fn push_new(doc: &mut PolicyDocument, statement: Statement) {
    let text = format!("{statement:?}");
    if !doc.statements().iter().any(|s| format!("{s:?}") == text) {
        doc.push(statement);
    }
}

fn lifecycle_policy_text(rules: &[LifecycleRule]) -> String {
    // ECR evaluates rules by ascending priority and requires a `tagStatus: any` rule to
    // have the highest priority: keep the given order, `any` rules last.
    let ordered = rules
        .iter()
        .filter(|r| !r.matches_any())
        .chain(rules.iter().filter(|r| r.matches_any()));
    let rules: Vec<serde_json::Value> =
        ordered.enumerate().map(|(i, r)| r.to_json(i + 1)).collect();
    serde_json::json!({ "rules": rules }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_rules_get_the_highest_priority() {
        let text = lifecycle_policy_text(&[
            LifecycleRule::KeepLast(30),
            LifecycleRule::ExpireUntaggedAfterDays(7),
        ]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["rules"][0]["selection"]["tagStatus"], "untagged");
        assert_eq!(v["rules"][0]["rulePriority"], 1);
        assert_eq!(v["rules"][1]["selection"]["tagStatus"], "any");
        assert_eq!(v["rules"][1]["rulePriority"], 2);
    }

    #[test]
    fn secure_defaults_and_retention() {
        let mut stack = Stack::new("S");
        Repository::new(&mut stack, "Repo", RepositoryProps::default());
        let t = stack.synth().unwrap();
        let repo = &t.body()["Resources"]["Repo"];
        assert_eq!(
            repo["Properties"]["ImageScanningConfiguration"]["ScanOnPush"],
            true
        );
        assert_eq!(repo["Properties"]["ImageTagMutability"], "IMMUTABLE");
        assert_eq!(
            repo["Properties"]["EncryptionConfiguration"]["EncryptionType"],
            "KMS"
        );
        assert_eq!(repo["DeletionPolicy"], "Retain");
        assert_eq!(repo["UpdateReplacePolicy"], "Retain");
        assert!(repo["Properties"].get("EmptyOnDelete").is_none());
    }

    #[test]
    fn empty_and_delete_sets_empty_on_delete_and_no_retention() {
        let mut stack = Stack::new("S");
        Repository::new(
            &mut stack,
            "Repo",
            RepositoryProps {
                removal: Removal::EmptyAndDelete,
                ..Default::default()
            },
        );
        let t = stack.synth().unwrap();
        let repo = &t.body()["Resources"]["Repo"];
        assert_eq!(repo["Properties"]["EmptyOnDelete"], true);
        assert!(repo.get("DeletionPolicy").is_none());
    }

    #[test]
    fn pull_grant_is_least_privilege() {
        let mut stack = Stack::new("S");
        let repo = Repository::new(&mut stack, "Repo", RepositoryProps::default());
        let role = stack.add(
            "Role",
            iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com")),
        );
        repo.grant_pull(&mut stack, &role);
        repo.grant_pull(&mut stack, &role); // idempotent
        let t = stack.synth().unwrap();
        let policies = t.body()["Resources"]["Role"]["Properties"]["Policies"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(policies.len(), 1);
        let statements = policies[0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(
            statements[0]["Resource"],
            serde_json::json!({"Fn::GetAtt": ["Repo", "Arn"]})
        );
        assert_eq!(statements[1]["Action"], "ecr:GetAuthorizationToken");
        assert_eq!(statements[1]["Resource"], "*");
        for s in &statements {
            assert_ne!(s["Action"], "*");
            assert!(
                !s["Action"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == "*"))
            );
        }
    }
}
