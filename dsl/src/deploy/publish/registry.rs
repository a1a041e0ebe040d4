//! The part of the OCI distribution API that publishing needs: whether a tag or a blob is in
//! a repository, reading manifests and blobs (a base image), uploading blobs (streamed, or
//! mounted from another repository of the same registry) and putting a manifest. Basic
//! credentials (ECR's `AWS:<token>`), or anonymous with the registry's bearer token (a public
//! base image). Over HTTPS; plain HTTP only to a loopback address (a test registry).
//! Redirects of reads are followed (registries send blobs from storage elsewhere), with
//! credentials only to the registry itself.

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, TryStreamExt as _};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited, StreamBody};
use hyper::Method;
use hyper::body::{Frame, Incoming};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::transfer::{Chunk, Meter};

/// The largest answer read into memory (a manifest or a config), in bytes. Blobs are
/// streamed, never read whole.
pub(crate) const MAX_RESPONSE: usize = 64 << 20;

/// Redirects followed for one read.
const MAX_REDIRECTS: usize = 5;

/// The manifest media types asked for.
pub(crate) const MANIFEST_TYPES: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Basic credentials for a registry. Never printed: `Debug` shows the user only.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub user: String,
    pub password: String,
    /// Where they came from, for messages (`ECR GetAuthorizationToken in eu-west-1`).
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, from {})", self.user, self.source)
    }
}

/// A request body: bytes in memory or a stream.
type Body = UnsyncBoxBody<Bytes, std::io::Error>;

fn full(bytes: Bytes) -> Body {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

enum Conn {
    Http(Client<HttpConnector, Body>),
    Https(Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>),
}

/// A registry: its base URL (`https://host` or, for a test registry, `http://127.0.0.1:port`)
/// and how to authenticate.
pub(crate) struct Registry {
    pub base: String,
    creds: Option<Credentials>,
    /// A bearer token the registry gave (anonymous pulls of public images).
    token: Mutex<Option<String>>,
    conn: Conn,
    /// How long an answer may take, and how long a transfer may go without moving a byte.
    timeout: Duration,
}

/// A response: status, headers, body.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How an upload was opened.
pub(crate) enum Opened {
    /// The registry mounted the blob from the other repository: nothing to send.
    Mounted,
    /// Send the blob to this location.
    Session(String),
}

impl Registry {
    /// `https://<host>`, or `endpoint` when given. Plain HTTP is refused unless the host is a
    /// loopback address: credentials never cross a network in clear.
    pub fn new(
        host: &str,
        endpoint: Option<&str>,
        creds: Option<Credentials>,
    ) -> Result<Registry, String> {
        let base = endpoint.map_or_else(
            || format!("https://{host}"),
            |e| e.trim_end_matches('/').to_owned(),
        );
        let conn = if let Some(rest) = base.strip_prefix("http://") {
            if !is_loopback(rest.split('/').next().unwrap_or_default()) {
                return Err(format!(
                    "registry endpoint {base}: plain HTTP is only for a registry on this machine (127.0.0.1); use https://"
                ));
            }
            Conn::Http(Client::builder(TokioExecutor::new()).build_http())
        } else if base.starts_with("https://") {
            let connector = hyper_rustls::HttpsConnectorBuilder::new()
                .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                .map_err(|e| format!("registry {base}: no TLS roots: {e}"))?
                .https_only()
                .enable_http1()
                .build();
            Conn::Https(Client::builder(TokioExecutor::new()).build(connector))
        } else {
            return Err(format!("registry endpoint {base}: not an http(s) URL"));
        };
        Ok(Registry {
            base,
            creds,
            token: Mutex::new(None),
            conn,
            timeout: Duration::from_secs(300),
        })
    }

    /// The registry at `host` (`name[:port]`) without credentials (a public base image):
    /// HTTPS, or plain HTTP for a registry on this machine, as docker does for 127.0.0.0/8.
    pub fn anonymous(host: &str) -> Result<Registry, String> {
        let local = is_loopback(host).then(|| format!("http://{host}"));
        Registry::new(host, local.as_deref(), None)
    }

    /// `host[:port]` as an image reference names it.
    pub fn host(&self) -> &str {
        self.base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, h)| h)
    }

    /// Where the credentials came from, for messages.
    fn source(&self) -> &str {
        self.creds
            .as_ref()
            .map_or("no credentials (anonymous)", |c| c.source.as_str())
    }

    fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base)
        }
    }

    /// One request, with the bearer token or the credentials when `auth`; its answer's head.
    async fn dispatch(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Body,
        auth: bool,
    ) -> Result<hyper::Response<Incoming>, String> {
        let mut b = hyper::Request::builder().method(method.clone()).uri(url);
        let bearer = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if !auth {
        } else if let Some(t) = bearer {
            b = b.header("Authorization", format!("Bearer {t}"));
        } else if let Some(c) = &self.creds {
            let auth = aws_smithy_types::base64::encode(format!("{}:{}", c.user, c.password));
            b = b.header("Authorization", format!("Basic {auth}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let request = b
            .body(body)
            .map_err(|e| format!("registry {}: {e}", self.base))?;
        match &self.conn {
            Conn::Http(c) => c.request(request).await,
            Conn::Https(c) => c.request(request).await,
        }
        .map_err(|e| format!("registry {} cannot be reached: {e}", self.base))
    }

    /// A request and its answer's head. Reads (GET, HEAD) follow redirects, up to
    /// [`MAX_REDIRECTS`]; credentials go only to the registry's own origin (a presigned
    /// storage URL must not get them).
    async fn send(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Result<hyper::Response<Incoming>, String> {
        if !matches!(*method, Method::GET | Method::HEAD) {
            return self.dispatch(method, url, headers, body, true).await;
        }
        let mut url = url.to_owned();
        let mut auth = true;
        for _ in 0..=MAX_REDIRECTS {
            let r = self.dispatch(method, &url, headers, empty(), auth).await?;
            let location = r
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .filter(|_| matches!(r.status().as_u16(), 301 | 302 | 303 | 307 | 308));
            let Some(location) = location else {
                return Ok(r);
            };
            url = redirect(&url, location);
            auth = auth && same_origin(&self.base, &url);
        }
        Err(format!(
            "registry {}: more than {MAX_REDIRECTS} redirects for {url}",
            self.base
        ))
    }

    /// A request and its whole answer (at most [`MAX_RESPONSE`] bytes), within the timeout.
    async fn send_bytes(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&str, &str)],
        body: &Bytes,
    ) -> Result<Reply, String> {
        let fut = async {
            let response = self.send(method, url, headers, full(body.clone())).await?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, MAX_RESPONSE)
                .collect()
                .await
                .map_err(|e| format!("registry {}: reading the answer: {e}", self.base))?
                .to_bytes();
            Ok(Reply {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(self.timeout, fut)
            .await
            .unwrap_or_else(|_| Err(self.no_answer()))
    }

    fn no_answer(&self) -> String {
        format!(
            "registry {} did not answer within {}s",
            self.base,
            self.timeout.as_secs()
        )
    }

    /// Refused credentials (HTTP 401 or 403) as an error naming the registry and where the
    /// credentials came from.
    fn refused(&self, status: u16) -> Result<(), String> {
        if matches!(status, 401 | 403) {
            return Err(format!(
                "registry {} refused the credentials from {} (HTTP {status})",
                self.base,
                self.source()
            ));
        }
        Ok(())
    }

    /// Send a request; on a bearer challenge, get a token (with the credentials, if any) and
    /// send it again. Refused credentials are an error naming the registry and their source.
    pub async fn request(
        &self,
        method: Method,
        path_or_url: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<Reply, String> {
        let url = self.url(path_or_url);
        let mut reply = self.send_bytes(&method, &url, headers, &body).await?;
        if reply.status == 401
            && let Some(challenge) = reply.header("www-authenticate").map(str::to_owned)
            && let Some(params) = challenge.strip_prefix("Bearer ")
        {
            let token = self.bearer_token(params).await?;
            *self
                .token
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(token);
            reply = self.send_bytes(&method, &url, headers, &body).await?;
        }
        self.refused(reply.status)?;
        Ok(reply)
    }

    /// The token a `Bearer realm="...",service="...",scope="..."` challenge asks for.
    async fn bearer_token(&self, params: &str) -> Result<String, String> {
        let mut realm = None;
        let mut query = Vec::new();
        for part in split_params(params) {
            if let Some((k, v)) = part.split_once('=') {
                let v = v.trim_matches('"');
                match k.trim() {
                    "realm" => realm = Some(v.to_owned()),
                    k @ ("service" | "scope") => {
                        query.push(format!("{k}={}", percent(v)));
                    }
                    _ => {}
                }
            }
        }
        let realm = realm
            .ok_or_else(|| format!("registry {}: a bearer challenge without a realm", self.base))?;
        let url = if query.is_empty() {
            realm
        } else {
            format!("{realm}?{}", query.join("&"))
        };
        let reply = self
            .send_bytes(&Method::GET, &url, &[], &Bytes::new())
            .await?;
        if reply.status != 200 {
            return Err(format!(
                "registry {}: its token service answered HTTP {} for {}",
                self.base,
                reply.status,
                self.source()
            ));
        }
        let v: serde_json::Value = serde_json::from_slice(&reply.body)
            .map_err(|e| format!("registry {}: its token is not JSON: {e}", self.base))?;
        v.get("token")
            .or_else(|| v.get("access_token"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("registry {}: its token answer has no token", self.base))
    }

    /// Whether `repository` has `reference` (a tag or digest) as a manifest.
    pub async fn has_manifest(&self, repository: &str, reference: &str) -> Result<bool, String> {
        let r = self
            .request(
                Method::HEAD,
                &format!("/v2/{repository}/manifests/{reference}"),
                &[("Accept", MANIFEST_TYPES)],
                Bytes::new(),
            )
            .await?;
        status_bool(&r, &self.base, &format!("{repository}:{reference}"))
    }

    /// Whether `repository` has blob `digest`.
    pub async fn has_blob(&self, repository: &str, digest: &str) -> Result<bool, String> {
        let r = self
            .request(
                Method::HEAD,
                &format!("/v2/{repository}/blobs/{digest}"),
                &[],
                Bytes::new(),
            )
            .await?;
        status_bool(&r, &self.base, &format!("{repository}@{digest}"))
    }

    /// A manifest: (media type, exact bytes).
    pub async fn manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<(String, Bytes), String> {
        let r = self
            .request(
                Method::GET,
                &format!("/v2/{repository}/manifests/{reference}"),
                &[("Accept", MANIFEST_TYPES)],
                Bytes::new(),
            )
            .await?;
        if r.status != 200 {
            return Err(format!(
                "registry {}: manifest {repository}@{reference}: HTTP {}",
                self.base, r.status
            ));
        }
        let media = r
            .header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        Ok((media, r.body))
    }

    /// A blob's bytes, checked against its digest.
    pub async fn blob(&self, repository: &str, digest: &str) -> Result<Bytes, String> {
        let r = self
            .request(
                Method::GET,
                &format!("/v2/{repository}/blobs/{digest}"),
                &[],
                Bytes::new(),
            )
            .await?;
        if r.status != 200 {
            return Err(format!(
                "registry {}: blob {repository}@{digest}: HTTP {}",
                self.base, r.status
            ));
        }
        if sha256_digest(&r.body) != digest {
            return Err(format!(
                "registry {}: blob {repository}@{digest} does not have that digest",
                self.base
            ));
        }
        Ok(r.body)
    }

    /// A blob of `repository` as a stream of chunks (its size from the manifest that names
    /// it). The destination checks the digest of what it is sent.
    pub async fn blob_stream(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<impl Stream<Item = Chunk> + Send + 'static, String> {
        // A HEAD first, through `request`: it answers a bearer challenge (a public base
        // image) before the stream, which cannot be sent twice, is asked for.
        if !self.has_blob(repository, digest).await? {
            return Err(format!(
                "registry {}: blob {repository}@{digest} is not there",
                self.base
            ));
        }
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let response =
            tokio::time::timeout(self.timeout, self.send(&Method::GET, &url, &[], empty()))
                .await
                .unwrap_or_else(|_| Err(self.no_answer()))?;
        let status = response.status().as_u16();
        self.refused(status)?;
        if status != 200 {
            return Err(format!(
                "registry {}: blob {repository}@{digest}: HTTP {status}",
                self.base
            ));
        }
        Ok(response
            .into_body()
            .into_data_stream()
            .map_err(std::io::Error::other))
    }

    /// Open an upload of `digest` to `repository`; with `mount_from`, ask the registry to
    /// mount it from that repository of the same registry instead (nothing to send when it
    /// does).
    pub async fn open_upload(
        &self,
        repository: &str,
        digest: &str,
        mount_from: Option<&str>,
    ) -> Result<Opened, String> {
        let path = match mount_from {
            Some(from) => format!(
                "/v2/{repository}/blobs/uploads/?mount={}&from={}",
                percent(digest),
                percent(from)
            ),
            None => format!("/v2/{repository}/blobs/uploads/"),
        };
        let open = self.request(Method::POST, &path, &[], Bytes::new()).await?;
        if open.status == 201 && mount_from.is_some() {
            return Ok(Opened::Mounted);
        }
        match open.header("location").filter(|_| open.status == 202) {
            Some(location) => Ok(Opened::Session(location.to_owned())),
            None => Err(format!(
                "registry {}: opening an upload to {repository}: HTTP {}",
                self.base, open.status
            )),
        }
    }

    /// Send `size` bytes of `chunks` as blob `digest` to an upload opened at `location`, in
    /// one request. The transfer may run as long as it takes while bytes move (`meter`
    /// counts them); it fails when none have moved for the timeout.
    pub async fn finish_upload<S>(
        &self,
        location: &str,
        repository: &str,
        digest: &str,
        size: u64,
        chunks: S,
        meter: &Meter,
    ) -> Result<(), String>
    where
        S: Stream<Item = Chunk> + Send + 'static,
    {
        let sep = if location.contains('?') { '&' } else { '?' };
        let url = self.url(&format!("{location}{sep}digest={}", percent(digest)));
        let len = size.to_string();
        let headers = [
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", len.as_str()),
        ];
        let body = StreamBody::new(chunks.map_ok(Frame::data)).boxed_unsync();
        let sending = self.send(&Method::PUT, &url, &headers, body);
        tokio::pin!(sending);
        let response = loop {
            match tokio::time::timeout(Duration::from_secs(1), &mut sending).await {
                Ok(r) => break r?,
                Err(_) if meter.idle() > self.timeout => {
                    return Err(format!(
                        "registry {}: the upload of {digest} to {repository} stalled: nothing moved for {}s",
                        self.base,
                        self.timeout.as_secs()
                    ));
                }
                Err(_) => {}
            }
        };
        let status = response.status().as_u16();
        self.refused(status)?;
        if status != 201 {
            let why = Limited::new(response.into_body(), 4096)
                .collect()
                .await
                .map(|b| {
                    String::from_utf8_lossy(&b.to_bytes())
                        .chars()
                        .take(300)
                        .collect::<String>()
                })
                .unwrap_or_default();
            return Err(format!(
                "registry {}: uploading {digest} to {repository}: HTTP {status} {why}",
                self.base
            ));
        }
        Ok(())
    }

    /// Put a manifest's exact bytes as `repository:tag`; the registry's digest must be ours.
    pub async fn put_manifest(
        &self,
        repository: &str,
        tag: &str,
        media_type: &str,
        bytes: Bytes,
    ) -> Result<String, String> {
        let digest = sha256_digest(&bytes);
        let r = self
            .request(
                Method::PUT,
                &format!("/v2/{repository}/manifests/{tag}"),
                &[("Content-Type", media_type)],
                bytes,
            )
            .await?;
        if r.status != 201 {
            let why = String::from_utf8_lossy(&r.body)
                .chars()
                .take(300)
                .collect::<String>();
            return Err(format!(
                "registry {}: putting {repository}:{tag}: HTTP {}: {why}",
                self.base, r.status
            ));
        }
        match r.header("docker-content-digest") {
            Some(d) if d != digest => Err(format!(
                "registry {} stored {repository}:{tag} as {d}, not {digest}",
                self.base
            )),
            _ => Ok(digest),
        }
    }
}

fn status_bool(r: &Reply, base: &str, what: &str) -> Result<bool, String> {
    match r.status {
        200 => Ok(true),
        404 => Ok(false),
        code => Err(format!("registry {base} answered HTTP {code} for {what}")),
    }
}

/// Whether `authority` (`host[:port]`, IPv6 hosts in brackets) is this machine: the only
/// place plain HTTP is spoken to.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or_default(),
    };
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Where a redirect from `from` to `location` (absolute, or relative to `from`'s origin) goes.
fn redirect(from: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_owned();
    }
    let origin_end = from
        .find("://")
        .and_then(|i| from[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(from.len());
    if location.starts_with('/') {
        format!("{}{location}", &from[..origin_end])
    } else {
        let dir_end = from
            .rfind('/')
            .filter(|&i| i >= origin_end)
            .unwrap_or(origin_end);
        format!("{}/{location}", &from[..dir_end])
    }
}

/// Whether `url` has the origin (scheme, host and port) of `base`.
fn same_origin(base: &str, url: &str) -> bool {
    url.strip_prefix(base)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    format!(
        "sha256:{}",
        crate::model::asset::hex(&sha2::Sha256::digest(bytes))
    )
}

/// The comma-separated `k="v"` parameters of a challenge (commas inside quotes kept).
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Percent-encode a query value.
fn percent(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_this_machine() {
        assert!(Registry::new("x", Some("http://127.0.0.1:5000"), None).is_ok());
        assert!(Registry::new("x", Some("http://localhost:5000/"), None).is_ok());
        assert!(Registry::new("x", Some("http://[::1]:5000"), None).is_ok());
        assert!(Registry::new("x", Some("http://[::2]:5000"), None).is_err());
        assert_eq!(
            Registry::anonymous("127.0.0.1:5000").unwrap().base,
            "http://127.0.0.1:5000"
        );
        assert_eq!(
            Registry::anonymous("public.ecr.aws").unwrap().base,
            "https://public.ecr.aws"
        );
        let e = Registry::new("x", Some("http://registry.example.com"), None)
            .err()
            .unwrap();
        assert!(e.contains("only for a registry on this machine"), "{e}");
        assert!(Registry::new("x", Some("ftp://h"), None).is_err());
        let r = Registry::new("123.dkr.ecr.eu-west-1.amazonaws.com", None, None).unwrap();
        assert_eq!(r.base, "https://123.dkr.ecr.eu-west-1.amazonaws.com");
        assert_eq!(r.host(), "123.dkr.ecr.eu-west-1.amazonaws.com");
    }

    #[test]
    fn credentials_never_print_the_password() {
        let c = Credentials {
            user: "AWS".into(),
            password: "s3cr3t-token".into(),
            source: "test".into(),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn redirects_resolve_and_keep_credentials_at_home() {
        let from = "https://r.example.com/v2/app/blobs/sha256:1";
        assert_eq!(
            redirect(from, "https://s3.example.com/b?X-Amz-Signature=s"),
            "https://s3.example.com/b?X-Amz-Signature=s"
        );
        assert_eq!(
            redirect(from, "/storage/x"),
            "https://r.example.com/storage/x"
        );
        assert_eq!(
            redirect(from, "sha256:2"),
            "https://r.example.com/v2/app/blobs/sha256:2"
        );
        let base = "https://r.example.com";
        assert!(same_origin(base, "https://r.example.com/v2/x"));
        assert!(same_origin(base, "https://r.example.com"));
        // Another host, a host that merely starts the same, another port or scheme: no
        // credentials.
        assert!(!same_origin(base, "https://s3.example.com/b"));
        assert!(!same_origin(base, "https://r.example.com.evil.test/x"));
        assert!(!same_origin(base, "https://r.example.com:444/x"));
        assert!(!same_origin(base, "http://r.example.com/x"));
    }

    #[test]
    fn challenges_split_outside_quotes() {
        assert_eq!(
            split_params(r#"realm="https://a/token",service="a",scope="repository:x/y:pull,push""#),
            vec![
                r#"realm="https://a/token""#,
                r#"service="a""#,
                r#"scope="repository:x/y:pull,push""#
            ]
        );
        assert_eq!(percent("repository:x/y:pull"), "repository%3Ax%2Fy%3Apull");
    }
}
