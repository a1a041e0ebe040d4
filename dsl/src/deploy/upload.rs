//! Large templates: uploaded to S3 under a content-addressed key, deployed by URL.

use aws_sdk_s3::primitives::ByteStream;
use sha2::{Digest, Sha256};

use super::error::Error;
use super::session::Session;

/// The largest template CloudFormation accepts inline (TemplateBody), in bytes (the
/// validator's limit, [`crate::validate::INLINE_BODY_LIMIT`]).
pub const MAX_TEMPLATE_BODY: usize = crate::validate::INLINE_BODY_LIMIT;

/// The S3 key for a template: `<prefix>/<stack>/<sha256>.json` (prefix optional).
pub fn template_key(prefix: Option<&str>, stack: &str, body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex = crate::model::asset::hex(&digest);
    match prefix
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
    {
        Some(p) => format!("{p}/{stack}/{hex}.json"),
        None => format!("{stack}/{hex}.json"),
    }
}

/// The URL CloudFormation reads an uploaded template from: the regional, path-style S3 URL
/// (`https://s3.<region>.amazonaws.com/<bucket>/<key>`), which works for any bucket name
/// (dots included). It is an S3 URL even with a custom endpoint: CloudFormation fetches the
/// template itself, and local emulators (moto, LocalStack) resolve these URLs against their
/// own S3.
pub fn template_url(region: &str, bucket: &str, key: &str) -> String {
    let domain = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://s3.{region}.{domain}/{bucket}/{key}")
}

/// Where a template went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Uploaded {
    /// Its TemplateURL.
    pub url: String,
    /// `s3://bucket/key`.
    pub location: String,
    /// False when an object with that key (so the same content) was there already.
    pub uploaded: bool,
}

/// Upload `body` (unless an object with that key is there already) and return its URL.
pub(crate) async fn upload(
    s: &Session,
    stack: &str,
    bucket: &str,
    prefix: Option<&str>,
    body: &str,
) -> Result<Uploaded, Error> {
    let key = template_key(prefix, stack, body);
    let exists =
        s.s3.head_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .is_ok();
    if exists {
        tracing::debug!("the template is already at s3://{bucket}/{key}");
    } else {
        tracing::debug!("uploading the template to s3://{bucket}/{key}");
        s.s3.put_object()
            .bucket(bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(body.as_bytes().to_vec()))
            .send()
            .await
            .map_err(|e| {
                let mut err = s.sdk_error(stack, "S3 PutObject", e);
                err.message = format!(
                    "uploading the template to s3://{bucket}/{key}: {}",
                    err.message
                );
                err
            })?;
    }
    Ok(Uploaded {
        url: template_url(&s.region, bucket, &key),
        location: format!("s3://{bucket}/{key}"),
        uploaded: !exists,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addressed_and_urls_path_style() {
        let k = template_key(Some("/cfn/"), "web", "{}");
        assert_eq!(
            k,
            "cfn/web/44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a.json"
        );
        assert_eq!(
            template_key(None, "web", "{}"),
            k.trim_start_matches("cfn/")
        );
        assert_ne!(
            template_key(None, "web", "{ }"),
            template_key(None, "web", "{}")
        );
        assert_eq!(
            template_url("eu-west-1", "my.bucket", "a/b.json"),
            "https://s3.eu-west-1.amazonaws.com/my.bucket/a/b.json"
        );
        assert_eq!(
            template_url("cn-north-1", "b", "k"),
            "https://s3.cn-north-1.amazonaws.com.cn/b/k"
        );
    }
}
