//! Images made of files on a pinned base image ([`ImageSource::Files`]), with no builder: the
//! base's manifest and config are read from its registry, one layer is made of the files
//! (a tar with sorted entries, owner and group 0, time 0, gzip without a timestamp), the
//! config gets the layer, the platform and the image settings, and a manifest lists the
//! base's layers and the new one. The same inputs give the same bytes, so the same digest,
//! on every machine.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde_json::{Value as Json, json};

use super::registry::{Registry, sha256_digest};
use crate::model::asset::{ImageSource, Platform};

/// The manifest media type written.
pub(crate) const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG_TYPE: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_TYPE: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// The time written everywhere a time is asked for.
const EPOCH: &str = "1970-01-01T00:00:00Z";

/// A base image reference split: (registry host, repository, digest).
pub(crate) fn split_reference(reference: &str) -> Result<(String, String, String), String> {
    let (name, digest) = reference
        .rsplit_once('@')
        .ok_or_else(|| format!("`{reference}` has no @sha256: digest"))?;
    let (host, path) = name
        .split_once('/')
        .filter(|(h, _)| h.contains('.') || h.contains(':') || *h == "localhost")
        .ok_or_else(|| {
            format!("`{reference}` names no registry: write it in full, e.g. `public.ecr.aws/docker/library/debian@sha256:...`")
        })?;
    // A tag before the digest (`repo:tag@sha256:...`) is informative only.
    let repository = match path.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => path,
    };
    Ok((host.to_owned(), repository.to_owned(), digest.to_owned()))
}

/// An image ready to push.
pub(crate) struct Assembled {
    /// The base's layers: (media type, digest, size).
    pub base_layers: Vec<(String, String, u64)>,
    pub config: Bytes,
    pub layer: Bytes,
    pub manifest: Bytes,
}

/// One gzipped tar layer of `files` ((path on disk, path in the image)) and its diff ID
/// (the digest of the uncompressed tar).
pub(crate) fn layer(files: &[(String, String)]) -> Result<(Bytes, String), String> {
    // Every entry, parents first (sorted by path), each directory once.
    let mut entries: BTreeMap<String, Option<(Vec<u8>, bool)>> = BTreeMap::new();
    for (src, dest) in files {
        let rel = dest.trim_start_matches('/');
        let mut parent = String::new();
        let parts: Vec<&str> = rel.split('/').collect();
        for dir in &parts[..parts.len().saturating_sub(1)] {
            parent.push_str(dir);
            parent.push('/');
            entries.entry(parent.clone()).or_insert(None);
        }
        let meta = std::fs::metadata(src).map_err(|e| format!("`{src}` cannot be read: {e}"))?;
        let bytes = std::fs::read(src).map_err(|e| format!("`{src}` cannot be read: {e}"))?;
        entries.insert(
            rel.to_owned(),
            Some((bytes, crate::fsutil::executable(&meta))),
        );
    }
    let mut tar = tar::Builder::new(Vec::new());
    for (path, entry) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        match entry {
            None => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                tar.append_data(&mut h, path, std::io::empty())
            }
            Some((bytes, exec)) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(if *exec { 0o755 } else { 0o644 });
                h.set_size(bytes.len() as u64);
                tar.append_data(&mut h, path, bytes.as_slice())
            }
        }
        .map_err(|e| format!("cannot write the layer's entry `{path}`: {e}"))?;
    }
    let tar = tar
        .into_inner()
        .map_err(|e| format!("cannot finish the layer: {e}"))?;
    let diff_id = sha256_digest(&tar);
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar)
        .and_then(|()| gz.try_finish())
        .map_err(|e| format!("cannot compress the layer: {e}"))?;
    let gz = gz
        .finish()
        .map_err(|e| format!("cannot compress the layer: {e}"))?;
    Ok((Bytes::from(gz), diff_id))
}

/// An image a builder wrote as an OCI image layout (`buildah push IMAGE oci:DIR`): its
/// manifest's exact bytes and the blobs it names, config first.
pub(crate) struct Layout {
    pub manifest_type: String,
    pub manifest: Bytes,
    pub blobs: Vec<LayoutBlob>,
}

/// A blob of a [`Layout`]: a file of its `blobs/sha256/` directory.
pub(crate) struct LayoutBlob {
    /// "config" or "layer".
    pub kind: &'static str,
    pub digest: String,
    pub size: u64,
    pub path: PathBuf,
}

/// The file of blob `digest` in the layout at `dir`. Only `sha256:` and 64 hex digits are
/// accepted: a digest is a file name here, and must not lead out of the directory.
fn blob_path(dir: &Path, digest: &str) -> Result<PathBuf, String> {
    let hex = digest
        .strip_prefix("sha256:")
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| format!("the image layout names a blob `{digest}`, not a sha256 digest"))?;
    Ok(dir.join("blobs").join("sha256").join(hex))
}

/// Read the one image of the OCI image layout at `dir`. Sizes are checked against the
/// files, and the manifest against its digest (the registry checks every blob's).
pub(crate) fn read_layout(dir: &Path) -> Result<Layout, String> {
    let read = |p: &Path| {
        std::fs::read(p)
            .map_err(|e| format!("the image layout's `{}` cannot be read: {e}", p.display()))
    };
    let index: Json = serde_json::from_slice(&read(&dir.join("index.json"))?)
        .map_err(|e| format!("the image layout's index.json is not JSON: {e}"))?;
    let [entry] = index["manifests"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    else {
        return Err("the image layout does not hold exactly one image".into());
    };
    let digest = entry["digest"].as_str().unwrap_or_default();
    let manifest = read(&blob_path(dir, digest)?)?;
    if sha256_digest(&manifest) != digest {
        return Err(format!("the image layout's manifest is not {digest}"));
    }
    let parsed: Json = serde_json::from_slice(&manifest)
        .map_err(|e| format!("the image layout's manifest is not JSON: {e}"))?;
    let manifest_type = entry["mediaType"]
        .as_str()
        .or_else(|| parsed["mediaType"].as_str())
        .unwrap_or(MANIFEST_TYPE)
        .to_owned();
    let mut blobs = Vec::new();
    let config = std::iter::once(("config", &parsed["config"]));
    let layers = parsed["layers"]
        .as_array()
        .ok_or("the image layout's manifest lists no layers")?
        .iter()
        .map(|l| ("layer", l));
    for (kind, d) in config.chain(layers) {
        let digest = d["digest"].as_str().unwrap_or_default().to_owned();
        let path = blob_path(dir, &digest)?;
        let size = d["size"].as_u64().unwrap_or_default();
        let on_disk = std::fs::metadata(&path)
            .map_err(|e| format!("the image layout's blob {digest} cannot be read: {e}"))?
            .len();
        if on_disk != size {
            return Err(format!(
                "the image layout's blob {digest} has {on_disk} bytes, its manifest says {size}"
            ));
        }
        blobs.push(LayoutBlob {
            kind,
            digest,
            size,
            path,
        });
    }
    Ok(Layout {
        manifest_type,
        manifest: Bytes::from(manifest),
        blobs,
    })
}

fn is_index(media: &str, v: &Json) -> bool {
    media.contains("index") || media.contains("manifest.list") || v.get("manifests").is_some()
}

/// Assemble `source` (files on a base image) for `platform`, reading the base from `base`.
pub(crate) async fn assemble(
    base: &Registry,
    source: &ImageSource,
    platform: Platform,
) -> Result<Assembled, String> {
    let ImageSource::Files {
        base: reference,
        files,
        ..
    } = source
    else {
        return Err("not an image made of files".into());
    };
    let (_, repository, digest) = split_reference(reference)?;
    let manifest = platform_manifest(base, &repository, &digest, platform).await?;
    let config_digest = manifest["config"]["digest"]
        .as_str()
        .ok_or("the base image's manifest names no config")?
        .to_owned();
    let mut config: Json = serde_json::from_slice(&base.blob(&repository, &config_digest).await?)
        .map_err(|e| format!("the base image's config is not JSON: {e}"))?;
    if config["architecture"] != platform.architecture() {
        return Err(format!(
            "the base image is for {}, not {platform}: pin the digest of its {platform} image (or of its index)",
            config["architecture"]
                .as_str()
                .unwrap_or("another platform")
        ));
    }
    let base_layers = base_layers(&manifest)?;
    let (layer, diff_id) = layer(files)?;
    configure(&mut config, source, platform, &diff_id)?;
    let config = Bytes::from(serde_json::to_vec(&config).map_err(|e| e.to_string())?);

    let mut layers: Vec<Json> = base_layers
        .iter()
        .map(|(m, d, s)| json!({"mediaType": m, "digest": d, "size": s}))
        .collect();
    layers.push(
        json!({"mediaType": LAYER_TYPE, "digest": sha256_digest(&layer), "size": layer.len()}),
    );
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": sha256_digest(&config), "size": config.len()},
        "layers": layers,
    });
    let manifest = Bytes::from(serde_json::to_vec(&manifest).map_err(|e| e.to_string())?);
    Ok(Assembled {
        base_layers,
        config,
        layer,
        manifest,
    })
}

/// The base image's manifest for `platform`: the one `digest` names, or the platform's entry
/// of the index it names; each checked against its digest.
async fn platform_manifest(
    base: &Registry,
    repository: &str,
    digest: &str,
    platform: Platform,
) -> Result<Json, String> {
    let (media, bytes) = base.manifest(repository, digest).await?;
    if sha256_digest(&bytes) != digest {
        return Err(format!("the base image's manifest is not {digest}"));
    }
    let manifest: Json = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the base image's manifest is not JSON: {e}"))?;
    if !is_index(&media, &manifest) {
        return Ok(manifest);
    }
    let pick = manifest["manifests"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| {
            m["platform"]["os"] == "linux"
                && m["platform"]["architecture"] == platform.architecture()
        })
        .and_then(|m| m["digest"].as_str())
        .ok_or_else(|| format!("the base image has no {platform} image"))?
        .to_owned();
    let (_, bytes) = base.manifest(repository, &pick).await?;
    if sha256_digest(&bytes) != pick {
        return Err(format!(
            "the base image's {platform} manifest is not {pick}"
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| format!("the base image's manifest is not JSON: {e}"))
}

/// The base image's layers: `(media type, digest, size)`, Docker's layer type written as
/// OCI's.
fn base_layers(manifest: &Json) -> Result<Vec<(String, String, u64)>, String> {
    Ok(manifest["layers"]
        .as_array()
        .ok_or("the base image's manifest lists no layers")?
        .iter()
        .map(|l| {
            let media = match l["mediaType"].as_str() {
                Some("application/vnd.docker.image.rootfs.diff.tar.gzip") | None => LAYER_TYPE,
                Some(m) => m,
            };
            (
                media.to_owned(),
                l["digest"].as_str().unwrap_or_default().to_owned(),
                l["size"].as_u64().unwrap_or_default(),
            )
        })
        .collect())
}

/// The new image's config from the base's: the settings of `source` (entrypoint, command,
/// user, working directory, environment), the added layer (`diff_id`) and its history entry,
/// a fixed creation time.
fn configure(
    config: &mut Json,
    source: &ImageSource,
    platform: Platform,
    diff_id: &str,
) -> Result<(), String> {
    let ImageSource::Files {
        entrypoint,
        cmd,
        user,
        workdir,
        env,
        ..
    } = source
    else {
        return Err("not an image made of files".into());
    };
    config["created"] = json!(EPOCH);
    config["os"] = json!("linux");
    config["architecture"] = json!(platform.architecture());
    let c = config
        .as_object_mut()
        .ok_or("the base image's config is not an object")?
        .entry("config")
        .or_insert_with(|| json!({}));
    if !entrypoint.is_empty() {
        c["Entrypoint"] = json!(entrypoint);
        // As a Dockerfile's ENTRYPOINT does: the base's CMD no longer applies.
        if let Some(m) = c.as_object_mut() {
            m.remove("Cmd");
        }
    }
    if !cmd.is_empty() {
        c["Cmd"] = json!(cmd);
    }
    if let Some(u) = user {
        c["User"] = json!(u);
    }
    if let Some(w) = workdir {
        c["WorkingDir"] = json!(w);
    }
    if !env.is_empty() {
        let mut vars: Vec<String> = c["Env"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .filter(|v| {
                let name = v.split('=').next().unwrap_or_default();
                !env.iter().any(|(k, _)| k == name)
            })
            .collect();
        vars.extend(env.iter().map(|(k, v)| format!("{k}={v}")));
        c["Env"] = json!(vars);
    }
    config["rootfs"]["diff_ids"]
        .as_array_mut()
        .ok_or("the base image's config has no rootfs.diff_ids")?
        .push(json!(diff_id));
    let history = config
        .as_object_mut()
        .ok_or("the base image's config is not an object")?
        .entry("history")
        .or_insert_with(|| json!([]));
    if let Some(h) = history.as_array_mut() {
        h.push(json!({"created": EPOCH, "created_by": "ferroform: files added by ContainerImage::from_files"}));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_their_registry() {
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            split_reference(&format!(
                "public.ecr.aws/docker/library/debian:bookworm@{d}"
            ))
            .unwrap(),
            (
                "public.ecr.aws".into(),
                "docker/library/debian".into(),
                d.clone()
            )
        );
        assert_eq!(
            split_reference(&format!("127.0.0.1:5000/base@{d}")).unwrap(),
            ("127.0.0.1:5000".into(), "base".into(), d.clone())
        );
        assert!(
            split_reference(&format!("debian@{d}"))
                .unwrap_err()
                .contains("names no registry")
        );
        assert!(split_reference("public.ecr.aws/x").is_err());
    }

    #[test]
    fn a_layout_names_its_blobs_by_digest_only() {
        let dir = crate::fsutil::test_dir("layout");
        let blobs = dir.join("blobs/sha256");
        std::fs::create_dir_all(&blobs).unwrap();
        let put = |bytes: &[u8]| {
            let d = sha256_digest(bytes);
            std::fs::write(blobs.join(&d[7..]), bytes).unwrap();
            d
        };
        let config = put(b"{}");
        let layer = put(b"layer bytes");
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "digest": config, "size": 2},
            "layers": [{"mediaType": LAYER_TYPE, "digest": layer, "size": 11}],
        }))
        .unwrap();
        let m = put(&manifest);
        let index = |d: &str| {
            std::fs::write(
                dir.join("index.json"),
                json!({"schemaVersion": 2, "manifests": [{"mediaType": MANIFEST_TYPE, "digest": d, "size": manifest.len()}]}).to_string(),
            )
            .unwrap();
        };
        index(&m);
        let l = read_layout(&dir).unwrap();
        assert_eq!(l.manifest, manifest);
        assert_eq!(l.manifest_type, MANIFEST_TYPE);
        let got: Vec<(&str, &str, u64)> = l
            .blobs
            .iter()
            .map(|b| (b.kind, b.digest.as_str(), b.size))
            .collect();
        assert_eq!(
            got,
            vec![
                ("config", config.as_str(), 2),
                ("layer", layer.as_str(), 11)
            ]
        );
        // A digest that is a path out of the directory is refused, not read.
        index("sha256:../../../../etc/passwd");
        let e = read_layout(&dir).err().unwrap();
        assert!(e.contains("not a sha256 digest"), "{e}");
        // A blob whose file is shorter than its manifest says.
        index(&m);
        std::fs::write(blobs.join(&layer[7..]), b"short").unwrap();
        let e = read_layout(&dir).err().unwrap();
        assert!(e.contains("has 5 bytes, its manifest says 11"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_layer_is_the_same_bytes_every_time() {
        let dir = crate::fsutil::test_dir("layer");
        let f = dir.join("app");
        std::fs::write(&f, b"binary").unwrap();
        let files = vec![(f.display().to_string(), "/usr/local/bin/app".to_owned())];
        let (one, id) = layer(&files).unwrap();
        // A later timestamp, the same bytes.
        let file = std::fs::File::options().write(true).open(&f).unwrap();
        file.set_modified(std::time::SystemTime::now()).unwrap();
        drop(file);
        let (two, id2) = layer(&files).unwrap();
        assert_eq!((one.clone(), id.clone()), (two, id2));
        // The tar lists the parents first, then the file, owned by root, at time 0.
        let tar = {
            let mut d = flate2::read::GzDecoder::new(&one[..]);
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut d, &mut v).unwrap();
            v
        };
        assert_eq!(sha256_digest(&tar), id);
        let mut a = tar::Archive::new(&tar[..]);
        let listed: Vec<(String, u32, u64, u64)> = a
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let h = e.header();
                (
                    e.path().unwrap().display().to_string(),
                    h.mode().unwrap(),
                    h.mtime().unwrap(),
                    h.uid().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            listed,
            vec![
                ("usr/".into(), 0o755, 0, 0),
                ("usr/local/".into(), 0o755, 0, 0),
                ("usr/local/bin/".into(), 0o755, 0, 0),
                ("usr/local/bin/app".into(), 0o644, 0, 0),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
