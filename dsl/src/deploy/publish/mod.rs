//! Publishing images built from source ([`crate::model::asset`]) before a deploy: for each
//! image, if its repository already has its tag (`asset-<hash>`, a content hash), nothing is
//! built or pushed; otherwise it is built (buildah, daemonless) and pushed, and only then is
//! the stack's change set made.
//!
//! Credentials come from ECR's `GetAuthorizationToken` (Basic `AWS:<token>`), once per
//! publish. `FERROFORM_REGISTRY_ENDPOINT` sends every registry request to another registry
//! (a mirror, or a test registry on `127.0.0.1`, where plain HTTP is allowed).

mod builder;
mod oci;
mod registry;
mod transfer;

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt as _;
use std::path::PathBuf;

use super::error::Error;
use super::progress::Ui;
use super::session::Session;
use crate::model::asset::{ImageAsset, ImageDestination, ImageSource};

use builder::Buildah;
pub use builder::LOG_TAIL;
use registry::{Credentials, Opened, Registry};
use transfer::Transfers;

/// How images are published.
#[derive(Clone, Debug, Default)]
pub struct PublishOptions {
    /// The image builder: a program name or path (default `buildah`; also
    /// `FERROFORM_BUILDER`).
    pub builder: Option<String>,
    /// Send registry requests here instead of the repository's host (also
    /// `FERROFORM_REGISTRY_ENDPOINT`).
    pub registry_endpoint: Option<String>,
    /// Where the builder keeps its images (default: `FERROFORM_CACHE_DIR`, else the user's
    /// cache directory, `~/.cache/ferroform`).
    pub cache_dir: Option<PathBuf>,
    /// How many images are built and pushed at once (default [`DEFAULT_CONCURRENCY`]; at
    /// least 1).
    pub concurrency: Option<usize>,
}

/// Images built and pushed at once by default: two builds keep two cores busy without
/// starving the rest of the machine.
pub const DEFAULT_CONCURRENCY: usize = 2;

impl PublishOptions {
    /// The options from the environment (`FERROFORM_BUILDER`, `FERROFORM_REGISTRY_ENDPOINT`,
    /// `FERROFORM_CACHE_DIR`).
    pub fn from_env() -> PublishOptions {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        PublishOptions {
            builder: var("FERROFORM_BUILDER"),
            registry_endpoint: var("FERROFORM_REGISTRY_ENDPOINT"),
            cache_dir: var("FERROFORM_CACHE_DIR").map(PathBuf::from),
            concurrency: None,
        }
    }

    fn concurrency(&self) -> usize {
        self.concurrency.unwrap_or(DEFAULT_CONCURRENCY).max(1)
    }

    fn cache(&self) -> PathBuf {
        if let Some(d) = &self.cache_dir {
            return d.clone();
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .unwrap_or_else(std::env::temp_dir);
        base.join("ferroform")
    }
}

/// What happened to one image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// The image's id (`<stack>/<task>/<container>`).
    pub id: String,
    /// `repository:tag`.
    pub reference: String,
    /// Built and pushed now (false: the repository had it already).
    pub built: bool,
}

/// Publish `images` (those of the stacks about to be deployed). Every image that is not in
/// its repository yet is built and pushed; the first failure stops the publish, and nothing
/// is deployed after it.
pub async fn publish(
    s: &Session,
    images: &[ImageAsset],
    opts: &PublishOptions,
    ui: &mut dyn Ui,
) -> Result<Vec<Published>, Error> {
    if images.is_empty() {
        return Ok(Vec::new());
    }
    s.phase("publishing images");
    // Each image's repository, and which images are there already.
    let mut repositories = Vec::with_capacity(images.len());
    for image in images {
        repositories.push(repository_of(s, image).await?);
    }
    let (present, connection) = present(s, images, &repositories, opts).await?;
    let mut out = Vec::new();
    let mut todo = Vec::new();
    for (image, repository) in images.iter().zip(&repositories) {
        let tag = image.tag();
        let reference = format!("{repository}:{tag}");
        if present.contains(&(repository.clone(), tag)) {
            ui.line(&format!(
                "Image {}: {reference} is in the registry already",
                image.id
            ));
            out.push(Published {
                id: image.id.clone(),
                reference,
                built: false,
            });
        } else {
            todo.push((image, repository.clone()));
        }
    }
    if todo.is_empty() {
        return Ok(out);
    }
    let (creds, host, registry) = match connection {
        Some(c) => c,
        None => connect(s, opts).await?,
    };
    let builder = if todo
        .iter()
        .any(|(i, _)| matches!(i.source, ImageSource::Directory { .. }))
    {
        Some(
            Buildah::find(opts.builder.as_deref(), &opts.cache())
                .map_err(|e| Error::input(Some(&todo[0].0.id), e))?,
        )
    } else {
        None
    };
    for (image, _) in &todo {
        ui.line(&format!(
            "Image {}: {} for {}",
            image.id,
            match &image.source {
                ImageSource::Directory { .. } => "building".to_owned(),
                ImageSource::Files { base, .. } => format!("adding its files to {base}"),
            },
            image.platform
        ));
    }
    // Up to `concurrency` images at once; each reports when it is done. The first failure
    // stops the publish (images already started finish or are abandoned; nothing deploys).
    // Their steps come as lines (or bars, on a terminal) while they run.
    let target = builder::PushTarget::of(&registry);
    let (transfers, mut steps) = Transfers::new(ui.progress_area());
    let shared = Shared {
        creds: &creds,
        host: &host,
        registry: &registry,
        target: &target,
        builder: &builder,
        transfers: &transfers,
        opts,
    };
    let work = todo
        .into_iter()
        .map(|(image, repository)| publish_one(&shared, image, repository));
    let mut running = futures_util::stream::iter(work).buffer_unordered(opts.concurrency());
    let area = transfers.area().cloned();
    let say = |ui: &mut dyn Ui, text: &str| match &area {
        Some(a) => a.suspend(|| ui.line(text)),
        None => ui.line(text),
    };
    loop {
        tokio::select! {
            Some(text) = steps.recv() => say(ui, &text),
            done = running.next() => {
                let Some(done) = done else { break };
                while let Ok(text) = steps.try_recv() {
                    say(ui, &text);
                }
                let (note, published): (String, Published) = done?;
                say(ui, &note);
                out.push(published);
            }
        }
    }
    Ok(out)
}

/// Which `(repository, tag)` of `images` are in their registries already: per repository,
/// one `BatchGetImage` call (ECR's control plane, no credentials for the registry needed);
/// with `FERROFORM_REGISTRY_ENDPOINT`, a HEAD per image on that registry instead, whose
/// connection is kept for the pushes.
async fn present(
    s: &Session,
    images: &[ImageAsset],
    repositories: &[String],
    opts: &PublishOptions,
) -> Result<
    (
        BTreeSet<(String, String)>,
        Option<(Credentials, String, Registry)>,
    ),
    Error,
> {
    if opts.registry_endpoint.is_none() {
        return Ok((present_in_ecr(s, images, repositories).await?, None));
    }
    let (creds, host, registry) = connect(s, opts).await?;
    let mut found = BTreeSet::new();
    for (image, repository) in images.iter().zip(repositories) {
        if registry
            .has_manifest(repository, &image.tag())
            .await
            .map_err(|e| Error::failed(&image.id, format!("image {}: {e}", image.id)))?
        {
            found.insert((repository.clone(), image.tag()));
        }
    }
    Ok((found, Some((creds, host, registry))))
}

/// What every image's build and push share.
struct Shared<'a> {
    creds: &'a Credentials,
    host: &'a str,
    registry: &'a Registry,
    target: &'a builder::PushTarget,
    builder: &'a Option<Buildah>,
    transfers: &'a Transfers,
    opts: &'a PublishOptions,
}

/// Build `image` (or add its files to its base) and push it to `repository`: the line to
/// print and what was published.
async fn publish_one(
    sh: &Shared<'_>,
    image: &ImageAsset,
    repository: String,
) -> Result<(String, Published), Error> {
    let tag = image.tag();
    let reference = format!("{repository}:{tag}");
    let fail = |why: String| Error::failed(&image.id, format!("image {}: {why}", image.id));
    let digest = match &image.source {
        ImageSource::Files { .. } => Some(
            push_files(
                sh.registry,
                sh.host,
                sh.opts,
                image,
                &repository,
                &tag,
                sh.transfers,
            )
            .await
            .map_err(fail)?,
        ),
        ImageSource::Directory { .. } => {
            let Some(b) = sh.builder.clone() else {
                return Err(fail("no image builder".into()));
            };
            let (image_owned, target, creds) = (image.clone(), sh.target.clone(), sh.creds.clone());
            let (repo, t) = (repository.clone(), tag.clone());
            let layout = tokio::task::spawn_blocking(move || {
                let local = format!("localhost/ferroform/{repo}:{t}");
                b.build(&image_owned, &local)?;
                if !b.exports() {
                    return b
                        .docker_push(&local, &target, &repo, &t, &creds)
                        .map(Pushed::ByDaemon);
                }
                b.export(&local).map(Pushed::Layout)
            })
            .await
            .map_err(|e| fail(format!("the build stopped: {e}")))?
            .map_err(fail)?;
            match layout {
                Pushed::Layout(dir) => {
                    let pushed =
                        push_layout(sh.registry, &dir, image, &repository, &tag, sh.transfers)
                            .await;
                    let _ = std::fs::remove_dir_all(&dir);
                    Some(pushed.map_err(fail)?)
                }
                Pushed::ByDaemon(digest) => digest,
            }
        }
    };
    Ok((
        match digest {
            Some(d) => format!("Image {}: pushed {reference} ({d})", image.id),
            None => format!("Image {}: pushed {reference}", image.id),
        },
        Published {
            id: image.id.clone(),
            reference,
            built: true,
        },
    ))
}

/// What a builder left: an image layout for ferroform to push, or an image its daemon pushed
/// (and the digest it reported).
enum Pushed {
    Layout(std::path::PathBuf),
    ByDaemon(Option<String>),
}

/// Send one blob to `repository` unless it is there: mounted from `mount_from` (a repository
/// of the same registry) when the registry can, else streamed from `chunks`.
async fn send_blob<S, F>(
    dest: &Registry,
    repository: &str,
    (kind, digest, size): (&str, &str, u64),
    mount_from: Option<&str>,
    chunks: F,
    image: &str,
    transfers: &Transfers,
) -> Result<(), String>
where
    S: futures_util::Stream<Item = transfer::Chunk> + Send + 'static,
    F: std::future::Future<Output = Result<S, String>>,
{
    if dest.has_blob(repository, digest).await? {
        transfers.present(image, kind, digest, size);
        return Ok(());
    }
    let location = match dest.open_upload(repository, digest, mount_from).await? {
        Opened::Mounted => {
            transfers.mounted(image, kind, digest, size, mount_from.unwrap_or_default());
            return Ok(());
        }
        Opened::Session(location) => location,
    };
    let meter = transfers.meter(image, kind, digest, size);
    let sent = async {
        let chunks = transfer::counted(chunks.await?, meter.clone());
        dest.finish_upload(&location, repository, digest, size, chunks, &meter)
            .await
    }
    .await;
    match sent {
        Ok(()) => {
            transfers.pushed(&meter);
            Ok(())
        }
        Err(e) => {
            meter.abandon();
            Err(e)
        }
    }
}

/// Push the image a builder wrote as an OCI layout at `dir` to `repository:tag`: the blobs
/// the registry lacks, streamed from their files, then the manifest's exact bytes (so the
/// registry's digest is the builder's). Its digest.
async fn push_layout(
    dest: &Registry,
    dir: &std::path::Path,
    image: &ImageAsset,
    repository: &str,
    tag: &str,
    transfers: &Transfers,
) -> Result<String, String> {
    let layout = oci::read_layout(dir)?;
    for blob in &layout.blobs {
        let path = blob.path.clone();
        send_blob(
            dest,
            repository,
            (blob.kind, &blob.digest, blob.size),
            None,
            async move { Ok(transfer::file_chunks(path)) },
            &image.id,
            transfers,
        )
        .await?;
    }
    dest.put_manifest(repository, tag, &layout.manifest_type, layout.manifest)
        .await
}

/// Assemble an image made of files and push it to `dest` as `repository:tag`: the base's
/// layers the destination lacks (mounted when the base is in the same registry, else
/// streamed from the base's registry), the config, the new layer, then the manifest's exact
/// bytes. Its digest.
async fn push_files(
    dest: &Registry,
    dest_host: &str,
    opts: &PublishOptions,
    image: &ImageAsset,
    repository: &str,
    tag: &str,
    transfers: &Transfers,
) -> Result<String, String> {
    let ImageSource::Files { base, .. } = &image.source else {
        return Err("not an image made of files".into());
    };
    let (base_host, base_repo, _) = oci::split_reference(base)?;
    // The base in the destination's registry (or in the registry every request is sent
    // to): read with the destination's credentials, its layers mounted. Elsewhere:
    // anonymously, its layers copied.
    let endpoint_host = opts
        .registry_endpoint
        .as_deref()
        .and_then(|e| e.split_once("://").map(|(_, h)| h.trim_end_matches('/')));
    let same = base_host == dest_host || Some(base_host.as_str()) == endpoint_host;
    let other;
    let source: &Registry = if same {
        dest
    } else {
        other = Registry::anonymous(&base_host)?;
        &other
    };
    let assembled = oci::assemble(source, &image.source, image.platform).await?;
    for (_, digest, size) in &assembled.base_layers {
        send_blob(
            dest,
            repository,
            ("layer", digest, *size),
            same.then_some(base_repo.as_str()),
            source.blob_stream(&base_repo, digest),
            &image.id,
            transfers,
        )
        .await?;
    }
    for (kind, blob) in [
        ("config", assembled.config.clone()),
        ("layer", assembled.layer.clone()),
    ] {
        let digest = registry::sha256_digest(&blob);
        send_blob(
            dest,
            repository,
            (kind, &digest, blob.len() as u64),
            None,
            async move { Ok(transfer::in_memory(blob)) },
            &image.id,
            transfers,
        )
        .await?;
    }
    dest.put_manifest(repository, tag, oci::MANIFEST_TYPE, assembled.manifest)
        .await
}

/// The (repository, tag) pairs of `images` that ECR has: one BatchGetImage per repository
/// (at most 100 tags a call, ECR's limit).
async fn present_in_ecr(
    s: &Session,
    images: &[ImageAsset],
    repositories: &[String],
) -> Result<BTreeSet<(String, String)>, Error> {
    let Some(ecr) = &s.ecr else {
        return Err(Error::input(None, "this session has no ECR client"));
    };
    let mut by_repo: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (image, repository) in images.iter().zip(repositories) {
        let tags = by_repo.entry(repository.as_str()).or_default();
        if !tags.contains(&image.tag()) {
            tags.push(image.tag());
        }
    }
    let mut found = BTreeSet::new();
    for (repository, tags) in by_repo {
        for chunk in tags.chunks(100) {
            let ids: Vec<aws_sdk_ecr::types::ImageIdentifier> = chunk
                .iter()
                .map(|t| {
                    aws_sdk_ecr::types::ImageIdentifier::builder()
                        .image_tag(t)
                        .build()
                })
                .collect();
            let answer = ecr
                .batch_get_image()
                .repository_name(repository)
                .set_image_ids(Some(ids))
                .send()
                .await
                .map_err(|e| {
                    let missing = e
                        .as_service_error()
                        .is_some_and(aws_sdk_ecr::operation::batch_get_image::BatchGetImageError::is_repository_not_found_exception);
                    if missing {
                        Error::input(
                            None,
                            format!(
                                "ECR repository {repository} does not exist in {}: {}",
                                s.region,
                                if repository == ImageAsset::ASSET_REPOSITORY {
                                    "run `ferroform bootstrap` once in this account and region"
                                } else {
                                    "create it, or deploy the stack that creates it first"
                                }
                            ),
                        )
                    } else {
                        s.sdk_error("images", "BatchGetImage", e)
                    }
                })?;
            for img in answer.images() {
                if let Some(tag) = img.image_id().and_then(|i| i.image_tag()) {
                    found.insert((repository.to_owned(), tag.to_owned()));
                }
            }
        }
    }
    Ok(found)
}

/// The credentials, the registry host and a client for the registry (or for
/// `FERROFORM_REGISTRY_ENDPOINT`).
async fn connect(
    s: &Session,
    opts: &PublishOptions,
) -> Result<(Credentials, String, Registry), Error> {
    let (creds, host) = credentials(s).await?;
    let registry = Registry::new(
        &host,
        opts.registry_endpoint.as_deref(),
        Some(creds.clone()),
    )
    .map_err(|e| Error::input(None, e))?;
    Ok((creds, host, registry))
}

/// ECR credentials for the account and region of the session, and the registry host.
async fn credentials(s: &Session) -> Result<(Credentials, String), Error> {
    let Some(ecr) = &s.ecr else {
        return Err(Error::input(None, "this session has no ECR client"));
    };
    let answer = ecr
        .get_authorization_token()
        .send()
        .await
        .map_err(|e| s.sdk_error("images", "GetAuthorizationToken", e))?;
    let data = answer.authorization_data().first().ok_or_else(|| {
        Error::failed(
            "images",
            "ECR GetAuthorizationToken answered no authorization data",
        )
    })?;
    let decoded = data
        .authorization_token()
        .and_then(|t| aws_smithy_types::base64::decode(t).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| Error::failed("images", "ECR's authorization token is not base64 text"))?;
    let (user, password) = decoded.split_once(':').ok_or_else(|| {
        Error::failed("images", "ECR's authorization token is not `user:password`")
    })?;
    let host = data
        .proxy_endpoint()
        .map(|e| {
            e.trim_start_matches("https://")
                .trim_end_matches('/')
                .to_owned()
        })
        .ok_or_else(|| Error::failed("images", "ECR named no registry endpoint"))?;
    Ok((
        Credentials {
            user: user.to_owned(),
            password: password.to_owned(),
            source: format!("ECR GetAuthorizationToken in {}", s.region),
        },
        host,
    ))
}

/// The name of the repository `image` goes to.
async fn repository_of(s: &Session, image: &ImageAsset) -> Result<String, Error> {
    match &image.destination {
        ImageDestination::AssetRepository => Ok(ImageAsset::ASSET_REPOSITORY.to_owned()),
        ImageDestination::Named { name } => Ok(name.clone()),
        ImageDestination::Repository { stack, logical_id } => {
            let answer = s
                .cfn
                .describe_stack_resource()
                .stack_name(stack)
                .logical_resource_id(logical_id)
                .send()
                .await
                .map_err(|e| {
                    let missing = e
                        .as_service_error()
                        .and_then(aws_sdk_cloudformation::error::ProvideErrorMetadata::message)
                        .is_some_and(|m| m.contains("does not exist"));
                    if missing {
                        Error::input(
                            Some(stack),
                            format!(
                                "image {}: repository `{logical_id}` of stack {stack} does not exist yet: deploy {stack} first (`deploy` of the whole app does, in order)",
                                image.id
                            ),
                        )
                    } else {
                        s.sdk_error(stack, "DescribeStackResource", e)
                    }
                })?;
            answer
                .stack_resource_detail()
                .and_then(|d| d.physical_resource_id())
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    Error::failed(
                        &image.id,
                        format!(
                            "image {}: repository `{logical_id}` of stack {stack} does not exist yet: deploy {stack} first",
                            image.id
                        ),
                    )
                })
        }
    }
}
