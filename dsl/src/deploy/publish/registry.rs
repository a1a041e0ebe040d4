//! The part of the OCI distribution API that publishing needs before it builds anything:
//! whether a tag is already in a repository (`HEAD /v2/<name>/manifests/<tag>`), with the
//! Basic credentials ECR hands out (`AWS:<token>`). Over HTTPS; plain HTTP only to a loopback
//! address (a test registry).

use std::time::Duration;

use http_body_util::Empty;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// Basic credentials for a registry. Never printed: `Debug` shows the user only.
#[derive(Clone)]
pub(crate) struct Credentials {
    pub user: String,
    pub password: String,
    /// Where they came from, for messages (`ECR GetAuthorizationToken for 123456789012 in
    /// eu-west-1`).
    pub source: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, from {})", self.user, self.source)
    }
}

/// A registry: its base URL (`https://host` or, for a test registry, `http://127.0.0.1:port`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Registry {
    pub base: String,
}

impl Registry {
    /// `https://<host>`, or `endpoint` when given. Plain HTTP is refused unless the host is a
    /// loopback address: credentials never cross a network in clear.
    pub fn new(host: &str, endpoint: Option<&str>) -> Result<Registry, String> {
        let base = endpoint.map_or_else(
            || format!("https://{host}"),
            |e| e.trim_end_matches('/').to_owned(),
        );
        if let Some(rest) = base.strip_prefix("http://") {
            let host = rest.split(['/', ':']).next().unwrap_or_default();
            if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
                return Err(format!(
                    "registry endpoint {base}: plain HTTP is only for a registry on this machine (127.0.0.1); use https://"
                ));
            }
        } else if !base.starts_with("https://") {
            return Err(format!("registry endpoint {base}: not an http(s) URL"));
        }
        Ok(Registry { base })
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

    /// Whether `repository` has `tag`: `Ok(true)` / `Ok(false)`, or an error that names the
    /// registry (and, for refused credentials, where they came from).
    pub async fn has_tag(
        &self,
        repository: &str,
        tag: &str,
        creds: &Credentials,
        timeout: Duration,
    ) -> Result<bool, String> {
        let url = format!("{}/v2/{repository}/manifests/{tag}", self.base);
        let auth = aws_smithy_types::base64::encode(format!("{}:{}", creds.user, creds.password));
        let request = hyper::Request::head(&url)
            .header("Authorization", format!("Basic {auth}"))
            .header(
                "Accept",
                "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
                 application/vnd.docker.distribution.manifest.list.v2+json, \
                 application/vnd.docker.distribution.manifest.v2+json",
            )
            .body(Empty::<Bytes>::new())
            .map_err(|e| format!("registry {}: {e}", self.base))?;
        let send = async {
            if self.insecure() {
                let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
                client.request(request).await.map_err(|e| e.to_string())
            } else {
                let connector = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
                    .map_err(|e| e.to_string())?
                    .https_only()
                    .enable_http1()
                    .build();
                let client =
                    Client::builder(TokioExecutor::new()).build::<_, Empty<Bytes>>(connector);
                client.request(request).await.map_err(|e| e.to_string())
            }
        };
        let answer = match tokio::time::timeout(timeout, send).await {
            Err(_) => {
                return Err(format!(
                    "registry {} did not answer within {}s",
                    self.base,
                    timeout.as_secs()
                ));
            }
            Ok(Err(e)) => return Err(format!("registry {} cannot be reached: {e}", self.base)),
            Ok(Ok(r)) => r,
        };
        match answer.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            401 | 403 => Err(format!(
                "registry {} refused the credentials from {} (HTTP {})",
                self.base,
                creds.source,
                answer.status().as_u16()
            )),
            code => Err(format!(
                "registry {} answered HTTP {code} for {repository}:{tag}",
                self.base
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_on_this_machine() {
        assert!(Registry::new("x", Some("http://127.0.0.1:5000")).is_ok());
        assert!(Registry::new("x", Some("http://localhost:5000/")).is_ok());
        let e = Registry::new("x", Some("http://registry.example.com")).unwrap_err();
        assert!(e.contains("only for a registry on this machine"), "{e}");
        assert!(Registry::new("x", Some("ftp://h")).is_err());
        let r = Registry::new("123.dkr.ecr.eu-west-1.amazonaws.com", None).unwrap();
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
}
