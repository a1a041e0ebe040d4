//! The part of the OCI distribution API that publishing needs: whether a tag or a blob is in
//! a repository, reading manifests and blobs (a base image), uploading blobs and putting a
//! manifest. Basic credentials (ECR's `AWS:<token>`), or anonymous with the registry's bearer
//! token (a public base image). Over HTTPS; plain HTTP only to a loopback address (a test
//! registry).

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Method;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// The largest response read (a manifest, a config or a base image's layer), in bytes.
pub(crate) const MAX_RESPONSE: usize = 2 << 30;

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

enum Conn {
    Http(Client<HttpConnector, Full<Bytes>>),
    Https(Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>),
}

/// A registry: its base URL (`https://host` or, for a test registry, `http://127.0.0.1:port`)
/// and how to authenticate.
pub(crate) struct Registry {
    pub base: String,
    creds: Option<Credentials>,
    /// A bearer token the registry gave (anonymous pulls of public images).
    token: Mutex<Option<String>>,
    conn: Conn,
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
            let host = rest.split(['/', ':']).next().unwrap_or_default();
            if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
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

    /// `host[:port]` as an image reference names it.
    pub fn host(&self) -> &str {
        self.base
            .split_once("://")
            .map_or(self.base.as_str(), |(_, h)| h)
    }

    /// Plain HTTP (a loopback test registry).
    pub fn insecure(&self) -> bool {
        self.base.starts_with("http://")
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

    async fn send(
        &self,
        method: &Method,
        url: &str,
        headers: &[(&str, &str)],
        body: &Bytes,
    ) -> Result<Reply, String> {
        let mut b = hyper::Request::builder().method(method.clone()).uri(url);
        let bearer = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        if let Some(t) = bearer {
            b = b.header("Authorization", format!("Bearer {t}"));
        } else if let Some(c) = &self.creds {
            let auth = aws_smithy_types::base64::encode(format!("{}:{}", c.user, c.password));
            b = b.header("Authorization", format!("Basic {auth}"));
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let request = b
            .body(Full::new(body.clone()))
            .map_err(|e| format!("registry {}: {e}", self.base))?;
        let fut = async {
            let response = match &self.conn {
                Conn::Http(c) => c.request(request).await,
                Conn::Https(c) => c.request(request).await,
            }
            .map_err(|e| format!("registry {} cannot be reached: {e}", self.base))?;
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
            .unwrap_or_else(|_| {
                Err(format!(
                    "registry {} did not answer within {}s",
                    self.base,
                    self.timeout.as_secs()
                ))
            })
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
        let mut reply = self.send(&method, &url, headers, &body).await?;
        if reply.status == 401
            && let Some(challenge) = reply.header("www-authenticate").map(str::to_owned)
            && let Some(params) = challenge.strip_prefix("Bearer ")
        {
            let token = self.bearer_token(params).await?;
            *self
                .token
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(token);
            reply = self.send(&method, &url, headers, &body).await?;
        }
        if matches!(reply.status, 401 | 403) {
            return Err(format!(
                "registry {} refused the credentials from {} (HTTP {})",
                self.base,
                self.source(),
                reply.status
            ));
        }
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
        let reply = self.send(&Method::GET, &url, &[], &Bytes::new()).await?;
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

    /// Upload `bytes` as a blob of `repository` (one request after the upload is opened).
    pub async fn put_blob(&self, repository: &str, bytes: Bytes) -> Result<String, String> {
        let digest = sha256_digest(&bytes);
        let open = self
            .request(
                Method::POST,
                &format!("/v2/{repository}/blobs/uploads/"),
                &[],
                Bytes::new(),
            )
            .await?;
        let Some(location) = open.header("location").filter(|_| open.status == 202) else {
            return Err(format!(
                "registry {}: opening an upload to {repository}: HTTP {}",
                self.base, open.status
            ));
        };
        let sep = if location.contains('?') { '&' } else { '?' };
        let url = format!("{location}{sep}digest={digest}");
        let len = bytes.len().to_string();
        let done = self
            .request(
                Method::PUT,
                &url,
                &[
                    ("Content-Type", "application/octet-stream"),
                    ("Content-Length", &len),
                ],
                bytes,
            )
            .await?;
        if done.status != 201 {
            return Err(format!(
                "registry {}: uploading {digest} to {repository}: HTTP {}",
                self.base, done.status
            ));
        }
        Ok(digest)
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
        let e = Registry::new("x", Some("http://registry.example.com"), None)
            .err()
            .unwrap();
        assert!(e.contains("only for a registry on this machine"), "{e}");
        assert!(Registry::new("x", Some("ftp://h"), None).is_err());
        let r = Registry::new("123.dkr.ecr.eu-west-1.amazonaws.com", None, None).unwrap();
        assert_eq!(r.base, "https://123.dkr.ecr.eu-west-1.amazonaws.com");
        assert_eq!(r.host(), "123.dkr.ecr.eu-west-1.amazonaws.com");
        assert!(!r.insecure());
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
