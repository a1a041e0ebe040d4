//! `PullThroughCache`: public images served from the account's own ECR registry.

use crate::iam::Statement;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::ecr::{self, pull_through_cache_rule as ptc};
use crate::resources::iam;
use crate::{fns, pseudo};

use super::repository::grant;

/// The registry a [`PullThroughCache`] caches. The URLs are the ones the ECR API
/// reference gives for each (`CreatePullThroughCacheRule`, `upstreamRegistryUrl`).
///
/// Docker Hub, GitHub, GitLab and Azure only serve an authenticated cache: their variants
/// take the ARN of a Secrets Manager secret holding the credentials, whose name must begin
/// with `ecr-pullthroughcache/` (the resource's pattern, checked at synth); Amazon ECR
/// Public, Kubernetes and Quay need none.
/// <https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html>
///
/// ```
/// use ferroform::{Parameter, Stack};
/// use ferroform::ecs::{PullThroughCache, Upstream};
/// let mut stack = Stack::new("Registry");
/// let secret = stack.parameter("DockerHubSecretArn", Parameter::string());
/// PullThroughCache::new(&mut stack, "DockerHub", "docker-hub",
///     Upstream::DockerHub { credential_arn: secret.to_ref() });
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.body()["Resources"]["DockerHub"]["Properties"]["UpstreamRegistryUrl"], "registry-1.docker.io");
/// ```
#[derive(Clone, Debug)]
pub enum Upstream {
    /// Amazon ECR Public (`public.ecr.aws`).
    EcrPublic,
    /// The Kubernetes registry (`registry.k8s.io`).
    Kubernetes,
    /// Quay (`quay.io`).
    Quay,
    /// Docker Hub (`registry-1.docker.io`), with the credentials secret's ARN.
    DockerHub {
        /// `arn:aws:secretsmanager:...:secret:ecr-pullthroughcache/...`.
        credential_arn: Value<String>,
    },
    /// GitHub Container Registry (`ghcr.io`), with the credentials secret's ARN.
    GitHub {
        /// `arn:aws:secretsmanager:...:secret:ecr-pullthroughcache/...`.
        credential_arn: Value<String>,
    },
    /// GitLab Container Registry (`registry.gitlab.com`), with the credentials secret's ARN.
    GitLab {
        /// `arn:aws:secretsmanager:...:secret:ecr-pullthroughcache/...`.
        credential_arn: Value<String>,
    },
    /// A Microsoft Azure Container Registry (`<registry>.azurecr.io`).
    Azure {
        /// The registry's name (the `<registry>` of its URL).
        registry: String,
        /// `arn:aws:secretsmanager:...:secret:ecr-pullthroughcache/...`.
        credential_arn: Value<String>,
    },
}

impl Upstream {
    fn parts(&self) -> (ptc::UpstreamRegistry, String, Option<Value<String>>) {
        use ptc::UpstreamRegistry as R;
        match self {
            Upstream::EcrPublic => (R::EcrPublic, "public.ecr.aws".into(), None),
            Upstream::Kubernetes => (R::K8S, "registry.k8s.io".into(), None),
            Upstream::Quay => (R::Quay, "quay.io".into(), None),
            Upstream::DockerHub { credential_arn } => (
                R::DockerHub,
                "registry-1.docker.io".into(),
                Some(credential_arn.clone()),
            ),
            Upstream::GitHub { credential_arn } => (
                R::GithubContainerRegistry,
                "ghcr.io".into(),
                Some(credential_arn.clone()),
            ),
            Upstream::GitLab { credential_arn } => (
                R::GitlabContainerRegistry,
                "registry.gitlab.com".into(),
                Some(credential_arn.clone()),
            ),
            Upstream::Azure {
                registry,
                credential_arn,
            } => (
                R::AzureContainerRegistry,
                format!("{registry}.azurecr.io"),
                Some(credential_arn.clone()),
            ),
        }
    }
}

/// A pull-through cache rule: images of `upstream` are pulled through the account's own
/// registry under `<prefix>/`, so tasks pull them from ECR (in the region, over VPC
/// endpoints if you have them) instead of from the internet, and upstream rate limits or
/// outages stop mattering once an image is cached.
///
/// The cache's repositories are created by ECR on the first pull: the role pulling (a task
/// execution role) needs, besides the pull actions, `ecr:BatchImportUpstreamImage` and
/// `ecr:CreateRepository` on them — [`PullThroughCache::grant_pull`] grants exactly those,
/// on `<prefix>/*` only.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{PullThroughCache, Upstream};
/// let mut stack = Stack::new("Registry");
/// let cache = PullThroughCache::new(&mut stack, "PublicEcr", "ecr-public", Upstream::EcrPublic);
/// stack.output("Nginx", cache.image("nginx/nginx", "1.27"));
/// let t = stack.to_template().unwrap();
/// let rule = &t.body()["Resources"]["PublicEcr"]["Properties"];
/// assert_eq!(rule["UpstreamRegistryUrl"], "public.ecr.aws");
/// assert_eq!(rule["EcrRepositoryPrefix"], "ecr-public");
/// ```
#[derive(Clone, Debug)]
pub struct PullThroughCache {
    rule: Handle<ecr::PullThroughCacheRule>,
    prefix: String,
}

impl PullThroughCache {
    /// Cache `upstream` under `prefix` (2 to 30 lowercase letters, digits, `.`, `_`, `-`
    /// and `/`, checked at synth).
    pub fn new(stack: &mut Stack, id: &str, prefix: &str, upstream: Upstream) -> Self {
        let (registry, url, credential) = upstream.parts();
        let mut rule = ecr::PullThroughCacheRule::new()
            .ecr_repository_prefix(prefix.to_owned())
            .upstream_registry(registry)
            .upstream_registry_url(url);
        if let Some(c) = credential {
            rule = rule.credential_arn(c);
        }
        let rule = stack.add(id, rule);
        PullThroughCache {
            rule,
            prefix: prefix.to_owned(),
        }
    }

    /// The rule (escape hatch).
    pub fn resource(&self) -> &Handle<ecr::PullThroughCacheRule> {
        &self.rule
    }

    /// The image `<account>.dkr.ecr.<region>.<suffix>/<prefix>/<repository>:<tag>`, e.g.
    /// `image("library/nginx", "1.27")` for Docker Hub's nginx. The prefix is written as the
    /// rule's `Ref` (which is its prefix), so a task definition using the image is created
    /// after the rule it pulls through.
    pub fn image(&self, repository: &str, tag: impl Into<Value<String>>) -> Value<String> {
        fns::join(
            "",
            vec![
                pseudo::account_id(),
                ".dkr.ecr.".into(),
                pseudo::region(),
                ".".into(),
                pseudo::url_suffix(),
                "/".into(),
                self.rule.to_ref(),
                format!("/{repository}:").into(),
                tag.into(),
            ],
        )
    }

    /// The ARN pattern of the cache's repositories (`.../repository/<prefix>/*`).
    fn repositories(&self) -> Value<String> {
        fns::sub(format!(
            "arn:${{AWS::Partition}}:ecr:${{AWS::Region}}:${{AWS::AccountId}}:repository/{}/*",
            self.prefix
        ))
    }

    /// The statements that let a role pull through the cache: create the cached repository
    /// and import the image on the first pull, then the three read actions — all on the
    /// cache's repositories only — and `ecr:GetAuthorizationToken`, which AWS only grants
    /// on `*`.
    pub fn pull_statements(&self) -> Vec<Statement> {
        vec![
            Statement::allow([
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:BatchImportUpstreamImage",
                "ecr:CreateRepository",
                "ecr:GetDownloadUrlForLayer",
            ])
            .resource(self.repositories()),
            Statement::allow(["ecr:GetAuthorizationToken"]).resource("*"),
        ]
    }

    /// Let `role` (a task execution role) pull images through the cache.
    pub fn grant_pull(&self, stack: &mut Stack, role: &Handle<iam::Role>) {
        grant(
            stack,
            role,
            &format!("PullThrough{}", super::part_id(&self.prefix, "")),
            self.pull_statements(),
        );
    }

    /// The settings of the repositories this cache makes on first pull: a repository
    /// creation template for its prefix, applied to pull-through caches, with `props`.
    pub fn creation_template(
        &self,
        stack: &mut Stack,
        id: &str,
        props: super::RepositoryCreationTemplateProps,
    ) -> super::RepositoryCreationTemplate {
        super::RepositoryCreationTemplate::new(
            stack,
            id,
            self.prefix.clone(),
            vec![super::CreatedFor::PullThroughCache],
            props,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn upstreams_get_their_url_and_credentials_and_pulls_are_scoped_to_the_prefix() {
        let mut stack = Stack::new("S");
        let hub = PullThroughCache::new(
            &mut stack,
            "Hub",
            "docker-hub",
            Upstream::DockerHub {
                credential_arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub-AbCdEf".into(),
            },
        );
        PullThroughCache::new(
            &mut stack,
            "Acr",
            "acr",
            Upstream::Azure {
                registry: "myteam".into(),
                credential_arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/acr-AbCdEf".into(),
            },
        );
        let role = stack.add(
            "ExecutionRole",
            iam::Role::new(crate::iam::PolicyDocument::assumed_by(
                "ecs-tasks.amazonaws.com",
            )),
        );
        hub.grant_pull(&mut stack, &role);
        stack.output("Image", hub.image("library/nginx", "1.27"));
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        assert_eq!(
            r["Hub"]["Properties"],
            json!({
                "CredentialArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub-AbCdEf",
                "EcrRepositoryPrefix": "docker-hub",
                "UpstreamRegistry": "docker-hub",
                "UpstreamRegistryUrl": "registry-1.docker.io"
            })
        );
        assert_eq!(
            r["Acr"]["Properties"]["UpstreamRegistryUrl"],
            "myteam.azurecr.io"
        );
        let policy = &r["ExecutionRole"]["Properties"]["Policies"][0];
        assert_eq!(policy["PolicyName"], "PullThroughdockerhub");
        assert_eq!(
            policy["PolicyDocument"]["Statement"][0]["Resource"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/docker-hub/*"})
        );
        let parts = &t.body()["Outputs"]["Image"]["Value"]["Fn::Join"][1];
        assert_eq!(
            parts[6],
            json!({"Ref": "Hub"}),
            "the prefix, and the dependency"
        );
        assert_eq!(parts[7], "/library/nginx:");
    }
}
