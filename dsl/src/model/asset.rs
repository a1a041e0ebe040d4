//! Images a stack needs built from source: what synth records of each, for the publish step
//! (build, push) that runs before a deploy. Nothing here builds or reads files; the constructs
//! ([`crate::ecs::ContainerImage::from_directory`], [`crate::ecs::ContainerImage::from_files`])
//! hash the sources and record the result on the stack.

use std::fmt;

use serde_json::json;

use super::json::Json;

/// The CPU architecture and OS an image is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// `linux/amd64` (ECS `X86_64`).
    LinuxAmd64,
    /// `linux/arm64` (ECS `ARM64`, Graviton).
    LinuxArm64,
}

impl Platform {
    /// The OCI platform string (`linux/amd64`).
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "linux/amd64",
            Platform::LinuxArm64 => "linux/arm64",
        }
    }

    /// The OCI `architecture` (`amd64`, `arm64`).
    pub fn architecture(self) -> &'static str {
        match self {
            Platform::LinuxAmd64 => "amd64",
            Platform::LinuxArm64 => "arm64",
        }
    }

    /// Read an OCI platform string.
    pub fn parse(s: &str) -> Option<Platform> {
        match s {
            "linux/amd64" => Some(Platform::LinuxAmd64),
            "linux/arm64" | "linux/arm64/v8" => Some(Platform::LinuxArm64),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an image is built from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    /// A directory with a Dockerfile, built by an image builder (buildah, docker, podman).
    Directory {
        /// The build context, as given (relative paths are relative to the directory synth
        /// ran in).
        directory: String,
        /// The Dockerfile, relative to the context.
        dockerfile: String,
        /// `--build-arg`s, sorted by name.
        build_args: Vec<(String, String)>,
        /// The stage to build (`--target`).
        target: Option<String>,
    },
    /// Files added as one layer on a base image pinned by digest; no builder needed.
    Files {
        /// The base image, `registry/repository@sha256:...`.
        base: String,
        /// (file on disk, path in the image), in the order given. Each file keeps its
        /// executable bit.
        files: Vec<(String, String)>,
        /// The image's `ENTRYPOINT`.
        entrypoint: Vec<String>,
        /// The image's `CMD`.
        cmd: Vec<String>,
        /// The user the process runs as.
        user: Option<String>,
        /// The working directory.
        workdir: Option<String>,
        /// Environment variables, sorted by name.
        env: Vec<(String, String)>,
    },
}

/// Where a built image is pushed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageDestination {
    /// The asset repository of the account and region the stack is deployed to, made by
    /// `ferroform bootstrap` ([`ImageAsset::ASSET_REPOSITORY`]).
    AssetRepository,
    /// An ECR repository that exists already, by name, in the account and region deployed to.
    Named {
        /// The repository name.
        name: String,
    },
    /// An ECR repository created by another stack of the app (which deploys first).
    Repository {
        /// The stack that creates it.
        stack: String,
        /// Its logical ID there.
        logical_id: String,
    },
}

/// One image synth recorded: what it is built from, its content hash, for which platform and
/// where it goes. The tag is `asset-<hash>`: the same inputs always give the same tag, so an
/// image already in its repository is never built again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageAsset {
    /// Where it is used: `<task definition logical ID>/<container name>`.
    pub id: String,
    /// What it is built from.
    pub source: ImageSource,
    /// The content hash (SHA-256, hex) of every input.
    pub hash: String,
    /// The platform it is built for.
    pub platform: Platform,
    /// Where it is pushed.
    pub destination: ImageDestination,
}

impl ImageAsset {
    /// The name of the asset repository `ferroform bootstrap` makes in each account and
    /// region.
    pub const ASSET_REPOSITORY: &'static str = "ferroform-assets";

    /// The stack whose task runs it: the first part of [`ImageAsset::id`] (stack names have
    /// no `/`).
    pub fn stack(&self) -> &str {
        self.id.split('/').next().unwrap_or_default()
    }

    /// The image tag: `asset-<hash>`.
    pub fn tag(&self) -> String {
        format!("asset-{}", self.hash)
    }
}

impl ImageAsset {
    /// The manifest entry (`images.<id>` of `ferroform.manifest.json`).
    pub fn to_json(&self) -> Json {
        let source = match &self.source {
            ImageSource::Directory {
                directory,
                dockerfile,
                build_args,
                target,
            } => json!({
                "directory": directory,
                "dockerfile": dockerfile,
                "buildArgs": pairs_json(build_args),
                "target": target,
            }),
            ImageSource::Files {
                base,
                files,
                entrypoint,
                cmd,
                user,
                workdir,
                env,
            } => json!({
                "base": base,
                "files": files.iter().map(|(s, d)| json!({"source": s, "path": d})).collect::<Vec<_>>(),
                "entrypoint": entrypoint,
                "cmd": cmd,
                "user": user,
                "workdir": workdir,
                "env": pairs_json(env),
            }),
        };
        let destination = match &self.destination {
            ImageDestination::AssetRepository => json!({"assetRepository": Self::ASSET_REPOSITORY}),
            ImageDestination::Named { name } => json!({"repositoryName": name}),
            ImageDestination::Repository { stack, logical_id } => {
                json!({"stack": stack, "logicalId": logical_id})
            }
        };
        json!({
            "source": source,
            "hash": self.hash,
            "tag": self.tag(),
            "platform": self.platform.as_str(),
            "destination": destination,
        })
    }

    /// Read a manifest entry written by [`ImageAsset::to_json`]; the error names what is
    /// missing or wrong.
    pub fn from_json(id: &str, v: &Json) -> Result<ImageAsset, String> {
        let bad = |what: &str| format!("image `{id}`: {what}");
        let s = |v: &Json, k: &str| v.get(k).and_then(Json::as_str).map(str::to_owned);
        let strings = |v: &Json, k: &str| -> Result<Vec<String>, String> {
            match v.get(k) {
                None => Ok(Vec::new()),
                Some(Json::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| bad(&format!("`{k}` holds a non-string")))
                    })
                    .collect(),
                Some(_) => Err(bad(&format!("`{k}` is not a list"))),
            }
        };
        let pairs = |v: &Json, k: &str| -> Result<Vec<(String, String)>, String> {
            match v.get(k) {
                None => Ok(Vec::new()),
                Some(Json::Object(m)) => m
                    .iter()
                    .map(|(k2, x)| {
                        x.as_str()
                            .map(|x| (k2.clone(), x.to_owned()))
                            .ok_or_else(|| bad(&format!("`{k}.{k2}` is not a string")))
                    })
                    .collect(),
                Some(_) => Err(bad(&format!("`{k}` is not a mapping"))),
            }
        };
        let src = v.get("source").ok_or_else(|| bad("no `source`"))?;
        let source = if let Some(directory) = s(src, "directory") {
            ImageSource::Directory {
                directory,
                dockerfile: s(src, "dockerfile").ok_or_else(|| bad("no `dockerfile`"))?,
                build_args: pairs(src, "buildArgs")?,
                target: s(src, "target"),
            }
        } else if let Some(base) = s(src, "base") {
            let files = match src.get("files") {
                Some(Json::Array(a)) => a
                    .iter()
                    .map(|f| match (s(f, "source"), s(f, "path")) {
                        (Some(a), Some(b)) => Ok((a, b)),
                        _ => Err(bad("a file without `source` and `path`")),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err(bad("no `files` list")),
            };
            ImageSource::Files {
                base,
                files,
                entrypoint: strings(src, "entrypoint")?,
                cmd: strings(src, "cmd")?,
                user: s(src, "user"),
                workdir: s(src, "workdir"),
                env: pairs(src, "env")?,
            }
        } else {
            return Err(bad("`source` has neither `directory` nor `base`"));
        };
        let hash = s(v, "hash")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| bad("no 64-digit `hash`"))?;
        let platform = s(v, "platform")
            .and_then(|p| Platform::parse(&p))
            .ok_or_else(|| bad("`platform` is not linux/amd64 or linux/arm64"))?;
        let dest = v
            .get("destination")
            .ok_or_else(|| bad("no `destination`"))?;
        let destination = if dest.get("assetRepository").is_some() {
            ImageDestination::AssetRepository
        } else if let Some(name) = s(dest, "repositoryName") {
            ImageDestination::Named { name }
        } else {
            match (s(dest, "stack"), s(dest, "logicalId")) {
                (Some(stack), Some(logical_id)) => {
                    ImageDestination::Repository { stack, logical_id }
                }
                _ => return Err(bad("`destination` names no repository")),
            }
        };
        Ok(ImageAsset {
            id: id.to_owned(),
            source,
            hash,
            platform,
            destination,
        })
    }
}

fn pairs_json(pairs: &[(String, String)]) -> Json {
    Json::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect(),
    )
}

/// Lowercase hex of `bytes`: how content hashes are written (image tags, template keys,
/// digests).
#[cfg_attr(not(any(feature = "deploy", feature = "ecs-stack")), allow(dead_code))]
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
