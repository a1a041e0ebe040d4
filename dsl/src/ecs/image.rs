//! `ContainerImage`: where a container's image comes from.

use crate::model::value::Value;

use super::Repository;

/// The image a container runs: from an ECR [`Repository`] of the stack (the task's execution
/// role is then granted pull access to that repository, and nothing else), or any registry
/// name (`public.ecr.aws/nginx/nginx:1.27`, `docker.io/library/redis:7`).
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{ContainerImage, Repository, RepositoryProps};
/// let mut stack = Stack::new("Images");
/// let repo = Repository::new(&mut stack, "Web", RepositoryProps::default());
/// let from_ecr = ContainerImage::ecr(&repo, "v1.2.3");
/// let pinned = ContainerImage::ecr_digest(&repo, "sha256:0123abcd");
/// let public: ContainerImage = "public.ecr.aws/nginx/nginx:1.27".into();
/// # let _ = (from_ecr, pinned, public);
/// ```
#[derive(Clone, Debug)]
pub enum ContainerImage {
    /// An image of an ECR repository of this stack.
    Ecr {
        /// The repository (its pull statements go to the execution role).
        repository: Repository,
        /// The full image reference (`<uri>:<tag>` or `<uri>@<digest>`).
        image: Value<String>,
    },
    /// Any image name a container runtime can pull without ECR credentials from this
    /// stack (public registries, or registries whose credentials you configure yourself).
    Registry(Value<String>),
}

impl ContainerImage {
    /// `<repository uri>:<tag>`.
    pub fn ecr(repository: &Repository, tag: impl Into<Value<String>>) -> Self {
        ContainerImage::Ecr {
            repository: repository.clone(),
            image: repository.image(tag),
        }
    }

    /// `<repository uri>@<digest>` (`sha256:...`): the exact image, whatever the tags say.
    pub fn ecr_digest(repository: &Repository, digest: impl Into<Value<String>>) -> Self {
        ContainerImage::Ecr {
            repository: repository.clone(),
            image: repository.image_digest(digest),
        }
    }

    /// An image by registry name.
    pub fn registry(name: impl Into<Value<String>>) -> Self {
        ContainerImage::Registry(name.into())
    }

    /// The image reference written to the container definition.
    pub fn reference(&self) -> Value<String> {
        match self {
            ContainerImage::Ecr { image, .. } => image.clone(),
            ContainerImage::Registry(name) => name.clone(),
        }
    }
}

impl From<&str> for ContainerImage {
    fn from(name: &str) -> Self {
        ContainerImage::registry(name)
    }
}

impl From<String> for ContainerImage {
    fn from(name: String) -> Self {
        ContainerImage::registry(name)
    }
}

impl From<Value<String>> for ContainerImage {
    fn from(name: Value<String>) -> Self {
        ContainerImage::registry(name)
    }
}
