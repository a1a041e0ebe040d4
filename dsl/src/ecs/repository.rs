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
/// let json = stack.to_template().unwrap().to_json();
/// assert!(json.contains("\"ScanOnPush\": true"));
/// assert!(json.contains("\"ImageTagMutability\": \"IMMUTABLE\""));
/// # let _ = image;
/// ```
///
/// A repository made elsewhere is used with [`Repository::from_name`] or
/// [`Repository::from_arn`]; grants on it stay exact (that repository only).
#[derive(Clone, Debug)]
pub struct Repository {
    /// The repository resource, when this app creates it.
    resource: Option<Handle<ecr::Repository>>,
    /// Names the policies that grant access to it (`Pull<key>`).
    key: String,
    uri: Value<String>,
    arn: Value<String>,
    /// The literal name of a repository given by name ([`Repository::from_name`]): where
    /// images built from source can be pushed.
    name: Option<String>,
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
        Repository {
            key: resource.logical_id().to_owned(),
            uri: resource.attr_repository_uri(),
            arn: resource.attr_arn(),
            resource: Some(resource),
            name: None,
        }
    }

    /// A repository this app does not create, by name (`team/web`), in the stack's account
    /// and region. Its URI and ARN are built from the name.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::ecs::Repository;
    /// let repo = Repository::from_name("team/web");
    /// assert!(repo.resource().is_none());
    /// let image = repo.image("v1.2.3");
    /// # let _ = image;
    /// ```
    pub fn from_name(name: impl Into<Value<String>>) -> Self {
        let name = name.into();
        Repository {
            resource: None,
            name: name.as_lit().cloned(),
            key: import_key(&name),
            uri: fns::sub_with(
                "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/${Name}",
                [("Name", name.clone())],
            ),
            arn: fns::sub_with(
                "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${Name}",
                [("Name", name)],
            ),
        }
    }

    /// A repository this app does not create, by ARN
    /// (`arn:aws:ecr:REGION:ACCOUNT:repository/NAME`), possibly of another account or region:
    /// the URI uses the ARN's account and region.
    ///
    /// ```
    /// use ferroform::ecs::Repository;
    /// let repo = Repository::from_arn("arn:aws:ecr:eu-west-1:123456789012:repository/team/web");
    /// assert_eq!(repo.arn().as_lit().map(String::as_str), Some("arn:aws:ecr:eu-west-1:123456789012:repository/team/web"));
    /// ```
    pub fn from_arn(arn: impl Into<Value<String>>) -> Self {
        let arn = arn.into();
        let literal = arn.as_lit().and_then(|t| {
            let (head, name) = t.split_once(":repository/")?;
            let parts: Vec<&str> = head.split(':').collect();
            (parts.len() == 5).then(|| (parts[4].to_owned(), parts[3].to_owned(), name.to_owned()))
        });
        // The name follows `:repository/` and may itself contain `/`.
        let (account, region, name): (Value<String>, Value<String>, Value<String>) = match literal {
            Some((account, region, name)) => (account.into(), region.into(), name.into()),
            None => {
                let part = |i: i64| fns::select(i, fns::split(":", arn.clone()));
                (
                    part(4),
                    part(3),
                    fns::select(1, fns::split(":repository/", arn.clone())),
                )
            }
        };
        Repository {
            resource: None,
            key: import_key(&arn),
            uri: fns::sub_with(
                "${Account}.dkr.ecr.${Region}.${AWS::URLSuffix}/${Name}",
                [("Account", account), ("Region", region), ("Name", name)],
            ),
            arn,
            name: None,
        }
    }

    /// The literal name of a repository given by name, in the account and region deployed to.
    pub(crate) fn literal_name(&self) -> Option<String> {
        self.name.clone()
    }

    /// The underlying `AWS::ECR::Repository` (escape hatch); `None` for a repository made
    /// elsewhere.
    pub fn resource(&self) -> Option<&Handle<ecr::Repository>> {
        self.resource.as_ref()
    }

    /// The repository URI (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`).
    pub fn uri(&self) -> Value<String> {
        self.uri.clone()
    }

    /// The repository ARN.
    pub fn arn(&self) -> Value<String> {
        self.arn.clone()
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
            &format!("Pull{}", self.key),
            self.pull_statements(),
        );
    }

    /// Let `role` push (and pull) this repository's images.
    pub fn grant_push(&self, stack: &mut Stack, role: &Handle<iam::Role>) {
        grant(
            stack,
            role,
            &format!("Push{}", self.key),
            self.push_statements(),
        );
    }
}

/// The policy-name key of an imported repository: its literal name or ARN's last part, in
/// letters and digits; `Imported` for an expression (grants on two of those share a policy,
/// which merges their statements).
fn import_key(name_or_arn: &Value<String>) -> String {
    let key = name_or_arn
        .as_lit()
        .map(|t| t.rsplit(":repository/").next().unwrap_or(t))
        .map(|t| part_id(t, ""))
        .unwrap_or_default();
    if key.is_empty() {
        "Imported".to_owned()
    } else {
        key
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

pub(super) fn lifecycle_policy_text(rules: &[LifecycleRule]) -> String {
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
    use crate::model::stack::Parameter;

    /// Issue #10, 3: images of a repository made elsewhere, with exact pull grants.
    #[test]
    fn imported_repositories_give_images_and_exact_grants() {
        let mut stack = Stack::new("S");
        let arn_param = stack.parameter("RepoArn", Parameter::string());
        let role = stack.add(
            "Role",
            iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com")),
        );
        let by_name = Repository::from_name("team/web");
        let by_arn = Repository::from_arn("arn:aws:ecr:eu-west-1:123456789012:repository/team/api");
        let by_param = Repository::from_arn(arn_param.to_ref());
        by_name.grant_pull(&mut stack, &role);
        by_arn.grant_pull(&mut stack, &role);
        by_param.grant_pull(&mut stack, &role);
        stack.output("Web", by_name.image("v1"));
        stack.output("Api", by_arn.image("v2"));
        stack.output("Other", by_param.uri());
        let t = stack.to_template().unwrap();
        let b = t.body();
        assert_eq!(
            b["Outputs"]["Api"]["Value"],
            serde_json::json!({"Fn::Join": [":", [
                {"Fn::Sub": ["${Account}.dkr.ecr.${Region}.${AWS::URLSuffix}/${Name}",
                    {"Account": "123456789012", "Region": "eu-west-1", "Name": "team/api"}]},
                "v2"]]})
        );
        assert_eq!(
            b["Outputs"]["Other"]["Value"]["Fn::Sub"][1]["Name"],
            serde_json::json!({"Fn::Select": [1, {"Fn::Split": [":repository/", {"Ref": "RepoArn"}]}]})
        );
        let policies = b["Resources"]["Role"]["Properties"]["Policies"]
            .as_array()
            .unwrap();
        let names: Vec<&str> = policies
            .iter()
            .map(|p| p["PolicyName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Pullteamweb", "Pullteamapi", "PullImported"]);
        // Each grant names its repository only.
        assert_eq!(
            policies[1]["PolicyDocument"]["Statement"][0]["Resource"],
            "arn:aws:ecr:eu-west-1:123456789012:repository/team/api"
        );
        assert!(crate::validate::validate(&t).diagnostics.is_empty());
    }

    /// A push grant: the four upload actions and the pull actions on this repository only,
    /// the token on `*` (ECR's "Pushing an image" permissions); a digest reference.
    #[test]
    fn push_grants_and_digest_references() {
        let mut stack = Stack::new("S");
        let role = stack.add(
            "Role",
            iam::Role::new(PolicyDocument::assumed_by("codebuild.amazonaws.com")),
        );
        let arn = "arn:aws:ecr:eu-west-1:123456789012:repository/team/web";
        let repo = Repository::from_arn(arn);
        repo.grant_push(&mut stack, &role);
        stack.output("Pinned", repo.image_digest("sha256:abc"));
        let t = stack.to_template().unwrap();
        let b = t.body();
        assert_eq!(
            b["Resources"]["Role"]["Properties"]["Policies"],
            serde_json::json!([{
                "PolicyName": "Pushteamweb",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": ["ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": arn},
                    {"Effect": "Allow", "Action": ["ecr:CompleteLayerUpload",
                        "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"],
                        "Resource": arn},
                    {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
                ]}
            }])
        );
        assert_eq!(b["Outputs"]["Pinned"]["Value"]["Fn::Join"][0], "@");
        assert_eq!(
            b["Outputs"]["Pinned"]["Value"]["Fn::Join"][1][1],
            "sha256:abc"
        );
        assert!(crate::validate::validate(&t).diagnostics.is_empty());
    }

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
        let t = stack.to_template().unwrap();
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
        let t = stack.to_template().unwrap();
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
        let t = stack.to_template().unwrap();
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
