//! `ContainerImage`: where a container's image comes from — an ECR repository, any registry,
//! or source code ferroform builds ([`ContainerImage::from_directory`],
//! [`ContainerImage::from_files`]).

use std::collections::BTreeMap;
use std::path::Path;

use crate::Stack;
use crate::model::asset::{ImageAsset, ImageDestination, ImageSource, Platform};
use crate::model::value::Value;
use crate::rules;

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
    /// An image ferroform builds from source and pushes before the deploy
    /// ([`ContainerImage::from_directory`], [`ContainerImage::from_files`]).
    Source(SourceImage),
}

/// An image built from source: a directory with a Dockerfile ([`DirectoryImage`]) or files
/// on a pinned base image ([`FilesImage`]). Made through those builders; converts into a
/// [`ContainerImage`].
#[derive(Clone, Debug)]
pub struct SourceImage {
    source: ImageSource,
    platform: Option<Platform>,
    repository: Option<Repository>,
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

    /// An image built from the directory `directory` with its `Dockerfile`, by an image
    /// builder (buildah, docker or podman) when the app is published or deployed — never at
    /// synth. Synth hashes the directory's files (after `.dockerignore`), the Dockerfile, the
    /// build arguments, target and platform; the hash is the image's tag (`asset-<hash>`), so
    /// an unchanged directory is never built or pushed again.
    ///
    /// A relative `directory` is relative to the directory synth runs in; for a path beside
    /// the program's sources write `concat!(env!("CARGO_MANIFEST_DIR"), "/services/web")`.
    ///
    /// ```
    /// use ferroform::ecs::ContainerImage;
    /// let image: ContainerImage = ContainerImage::from_directory("services/web")
    ///     .dockerfile("Dockerfile.prod")
    ///     .build_arg("VERSION", "1.4")
    ///     .target("runtime")
    ///     .into();
    /// # let _ = image;
    /// ```
    pub fn from_directory(directory: impl AsRef<Path>) -> DirectoryImage {
        DirectoryImage {
            directory: directory.as_ref().display().to_string(),
            dockerfile: "Dockerfile".into(),
            build_args: BTreeMap::new(),
            target: None,
            platform: None,
            repository: None,
        }
    }

    /// An image made of files added as one layer on `base`, with no Dockerfile and no image
    /// builder: the natural way to ship a static binary (Rust with musl, Go). Reproducible
    /// byte for byte: the same files give the same image digest on every machine.
    ///
    /// ```
    /// use ferroform::ecs::{ContainerImage, ImageBase};
    /// let worker: ContainerImage = ContainerImage::from_files(ImageBase::pinned(
    ///     "public.ecr.aws/docker/library/debian@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    /// ))
    /// .file("target/x86_64-unknown-linux-musl/release/worker", "/usr/local/bin/worker")
    /// .entrypoint(["/usr/local/bin/worker"])
    /// .user("10001")
    /// .into();
    /// # let _ = worker;
    /// ```
    pub fn from_files(base: ImageBase) -> FilesImage {
        FilesImage {
            base: base.0,
            files: Vec::new(),
            entrypoint: Vec::new(),
            cmd: Vec::new(),
            user: None,
            workdir: None,
            env: BTreeMap::new(),
            platform: None,
            repository: None,
        }
    }

    /// The image reference written to the container definition. For an image built from
    /// source it is only known once the image is added to a task ([`ContainerImage::Source`]
    /// gives `None`).
    pub fn reference(&self) -> Option<Value<String>> {
        match self {
            ContainerImage::Ecr { image, .. } => Some(image.clone()),
            ContainerImage::Registry(name) => Some(name.clone()),
            ContainerImage::Source(_) => None,
        }
    }

    /// The reference to write and the ECR repository to grant pulls from, for container
    /// `container` of task definition `task` running on `platform`. An image built from source
    /// is hashed here and recorded on the stack; problems are reported on the stack.
    pub(crate) fn resolve(
        &self,
        stack: &mut Stack,
        task: &str,
        container: &str,
        platform: Platform,
    ) -> (Value<String>, Option<Repository>) {
        match self {
            ContainerImage::Ecr { repository, image } => (image.clone(), Some(repository.clone())),
            ContainerImage::Registry(name) => (name.clone(), None),
            ContainerImage::Source(s) => s.resolve(stack, task, container, platform),
        }
    }
}

impl SourceImage {
    fn resolve(
        &self,
        stack: &mut Stack,
        task: &str,
        container: &str,
        task_platform: Platform,
    ) -> (Value<String>, Option<Repository>) {
        let what = format!("the image of container `{container}`");
        let platform = self.platform.unwrap_or(task_platform);
        if platform != task_platform {
            stack.report_error(
                rules::IMAGE_SOURCE,
                Some(task),
                format!("{what} is built for {platform}, but the task runs on {task_platform}: the container would not start"),
                "leave the image's platform unset (it follows the task definition's CPU architecture), or change the task's `cpu_architecture`",
            );
        }
        let (repository, destination) = match &self.repository {
            None => (
                Repository::from_name(ImageAsset::ASSET_REPOSITORY),
                ImageDestination::AssetRepository,
            ),
            Some(repo) => match repo.resource() {
                Some(handle) if handle.stack_id() == stack.id() => {
                    stack.report_error(
                        rules::IMAGE_REPOSITORY_IN_SAME_STACK,
                        Some(task),
                        format!(
                            "{what} is pushed to repository `{}`, which this same stack creates: the first deploy would need the image before the repository exists",
                            handle.logical_id()
                        ),
                        "create the repository in another stack of the app (it is deployed first), or leave the repository unset to push to the asset repository `ferroform bootstrap` makes",
                    );
                    (repo.clone(), ImageDestination::AssetRepository)
                }
                Some(handle) => (
                    repo.clone(),
                    ImageDestination::Repository {
                        // Named by the app when it writes the manifest.
                        stack: String::new(),
                        logical_id: handle.logical_id().to_owned(),
                    },
                ),
                None => match repo.literal_name() {
                    Some(name) => (repo.clone(), ImageDestination::Named { name }),
                    None => {
                        stack.report_error(
                            rules::IMAGE_SOURCE,
                            Some(task),
                            format!("{what} is pushed to a repository whose name is not known at synth"),
                            "give the repository by its literal name (`Repository::from_name(\"team/web\")`), create it in another stack of the app, or leave it unset for the asset repository",
                        );
                        (repo.clone(), ImageDestination::AssetRepository)
                    }
                },
            },
        };
        let hash = match crate::asset::hash(&self.source, platform) {
            Ok(h) => h,
            Err(problems) => {
                for p in problems {
                    stack.report_error(
                        rules::IMAGE_SOURCE,
                        Some(task),
                        format!("{what} cannot be built: {p}"),
                        "fix the path, or build what it names before synth",
                    );
                }
                // A placeholder the template never reaches: the stack has errors.
                "0".repeat(64)
            }
        };
        let asset = ImageAsset {
            id: format!("{task}/{container}"),
            source: self.source.clone(),
            hash,
            platform,
            destination,
        };
        let reference = repository.image(asset.tag());
        let producer = match &asset.destination {
            ImageDestination::Repository { .. } => repository
                .resource()
                .map(crate::model::handle::Handle::stack_id),
            _ => None,
        };
        stack.record_image(asset, producer);
        (reference, Some(repository))
    }
}

/// A base image for [`ContainerImage::from_files`], pinned by digest so that it cannot change
/// under its tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageBase(String);

impl ImageBase {
    /// `registry/repository[:tag]@sha256:<64 hex digits>`. A reference without a digest is a
    /// synth error (FF1503) naming the container.
    pub fn pinned(reference: impl Into<String>) -> ImageBase {
        ImageBase(reference.into())
    }
}

/// An image built from a directory with a Dockerfile ([`ContainerImage::from_directory`]).
#[derive(Clone, Debug)]
pub struct DirectoryImage {
    directory: String,
    dockerfile: String,
    build_args: BTreeMap<String, String>,
    target: Option<String>,
    platform: Option<Platform>,
    repository: Option<Repository>,
}

impl DirectoryImage {
    /// The Dockerfile, relative to the directory. Default: `Dockerfile`.
    pub fn dockerfile(mut self, path: impl Into<String>) -> Self {
        self.dockerfile = path.into();
        self
    }

    /// A build argument (`--build-arg NAME=value`). Its value is part of the image's hash:
    /// never pass a secret this way (it would also be readable in the image's history).
    pub fn build_arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.build_args.insert(name.into(), value.into());
        self
    }

    /// The stage of a multi-stage Dockerfile to build (`--target`). Default: the last.
    pub fn target(mut self, stage: impl Into<String>) -> Self {
        self.target = Some(stage.into());
        self
    }

    /// The platform to build for. Default: the task definition's CPU architecture (so the
    /// image always runs where the task runs); setting another one is a synth error.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Push to `repository` instead of the asset repository `ferroform bootstrap` makes. The
    /// repository must be created by another stack of the app (deployed first) or exist
    /// already ([`Repository::from_name`]).
    pub fn repository(mut self, repository: &Repository) -> Self {
        self.repository = Some(repository.clone());
        self
    }
}

impl From<DirectoryImage> for ContainerImage {
    fn from(d: DirectoryImage) -> Self {
        ContainerImage::Source(SourceImage {
            source: ImageSource::Directory {
                directory: d.directory,
                dockerfile: d.dockerfile,
                build_args: d.build_args.into_iter().collect(),
                target: d.target,
            },
            platform: d.platform,
            repository: d.repository,
        })
    }
}

/// An image made of files on a pinned base image ([`ContainerImage::from_files`]).
#[derive(Clone, Debug)]
pub struct FilesImage {
    base: String,
    files: Vec<(String, String)>,
    entrypoint: Vec<String>,
    cmd: Vec<String>,
    user: Option<String>,
    workdir: Option<String>,
    env: BTreeMap<String, String>,
    platform: Option<Platform>,
    repository: Option<Repository>,
}

impl FilesImage {
    /// Add the file at `source` on disk (relative to the directory synth runs in) as
    /// `path_in_image` (absolute). Its executable bit is kept; owner and group are root,
    /// its time is fixed.
    pub fn file(mut self, source: impl AsRef<Path>, path_in_image: impl Into<String>) -> Self {
        self.files
            .push((source.as_ref().display().to_string(), path_in_image.into()));
        self
    }

    /// The image's `ENTRYPOINT`. Default: the base image's.
    pub fn entrypoint<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.entrypoint = args.into_iter().map(Into::into).collect();
        self
    }

    /// The image's `CMD`. Default: the base image's.
    pub fn cmd<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.cmd = args.into_iter().map(Into::into).collect();
        self
    }

    /// The user (name or UID) the process runs as. Default: the base image's.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The working directory. Default: the base image's.
    pub fn workdir(mut self, dir: impl Into<String>) -> Self {
        self.workdir = Some(dir.into());
        self
    }

    /// An environment variable baked into the image (for secrets use the container's
    /// secrets instead: image layers are readable by anyone who can pull the image).
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    /// The platform. Default: the task definition's CPU architecture.
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = Some(platform);
        self
    }

    /// Push to `repository` instead of the asset repository (see
    /// [`DirectoryImage::repository`]).
    pub fn repository(mut self, repository: &Repository) -> Self {
        self.repository = Some(repository.clone());
        self
    }
}

impl From<FilesImage> for ContainerImage {
    fn from(f: FilesImage) -> Self {
        ContainerImage::Source(SourceImage {
            source: ImageSource::Files {
                base: f.base,
                files: f.files,
                entrypoint: f.entrypoint,
                cmd: f.cmd,
                user: f.user,
                workdir: f.workdir,
                env: f.env.into_iter().collect(),
            },
            platform: f.platform,
            repository: f.repository,
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::Repository;
    use crate::model::render::{Render, RenderCx};

    /// The reference written for an image from a registry or from ECR; none yet for one
    /// built from source (known once it is added to a task).
    #[test]
    fn references_of_registry_ecr_and_source_images() {
        let mut cx = RenderCx::detached();
        let shown =
            |image: ContainerImage, cx: &mut RenderCx| image.reference().map(|r| r.render(cx));
        assert_eq!(
            shown(ContainerImage::registry("nginx:1.27"), &mut cx),
            Some(serde_json::json!("nginx:1.27"))
        );
        let repo = Repository::from_name("web");
        assert!(
            shown(ContainerImage::ecr(&repo, "v1"), &mut cx)
                .is_some_and(|r| r.to_string().contains("web") && r.to_string().contains("v1"))
        );
        let source: ContainerImage = ContainerImage::from_directory("app").into();
        assert_eq!(shown(source, &mut cx), None);
    }
}
