//! Large templates: uploaded to S3 under a content-addressed key, deployed by URL.

use aws_sdk_s3::primitives::ByteStream;
use sha2::{Digest, Sha256};

use super::error::Error;
use super::session::Session;

/// The largest template CloudFormation accepts inline (TemplateBody), in bytes.
pub const MAX_TEMPLATE_BODY: usize = 51_200;

/// The S3 key for a template: `<prefix>/<stack>/<sha256>.json` (prefix optional).
pub fn template_key(prefix: Option<&str>, stack: &str, body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    match prefix
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
    {
        Some(p) => format!("{p}/{stack}/{hex}.json"),
        None => format!("{stack}/{hex}.json"),
    }
}

/// Upload `body` (unless an object with that key is there already) and return its URL.
pub(crate) async fn upload(
    s: &Session,
    stack: &str,
    bucket: &str,
    prefix: Option<&str>,
    body: &str,
) -> Result<String, Error> {
    let key = template_key(prefix, stack, body);
    let exists =
        s.s3.head_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .is_ok();
    if !exists {
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
    Ok(if s.custom_endpoint {
        format!("{}/{bucket}/{key}", s.endpoint.trim_end_matches('/'))
    } else {
        format!("https://{bucket}.s3.{}.amazonaws.com/{key}", s.region)
    })
}
