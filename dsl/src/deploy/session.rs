//! The connection to CloudFormation (and S3 for large templates), and how errors from the SDK
//! become [`Error`]s that name the endpoint.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::error::display::DisplayErrorContext;

use super::error::{Error, ErrorKind};

/// Where and as whom to connect. Unset fields come from the standard AWS configuration
/// (profiles, `AWS_REGION`, `AWS_ENDPOINT_URL`, the credentials chain).
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// Attempts per API call, retries included (the SDK's standard retry mode with
    /// exponential backoff for throttling and transient errors). Default 5.
    pub max_attempts: Option<u32>,
}

/// How often to poll while waiting for CloudFormation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollConfig {
    /// First delay.
    pub initial: Duration,
    /// The delay grows by half each time up to this. Keep it at or under 1 s so that a
    /// finished operation is noticed within a second.
    pub max: Duration,
}

impl Default for PollConfig {
    fn default() -> Self {
        PollConfig {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        }
    }
}

impl PollConfig {
    pub(crate) fn delays(self) -> impl Iterator<Item = Duration> {
        let mut d = self.initial;
        std::iter::from_fn(move || {
            let now = d;
            d = (d + d / 2).min(self.max);
            Some(now)
        })
    }
}

/// Clients for one region and endpoint.
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) cfn: aws_sdk_cloudformation::Client,
    pub(crate) s3: aws_sdk_s3::Client,
    pub(crate) endpoint: String,
    pub(crate) region: String,
    /// Polling delays.
    pub poll: PollConfig,
}

impl Session {
    /// Load the AWS configuration the standard way, with `options` overriding it.
    pub async fn connect(options: &AwsOptions) -> Result<Session, Error> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(
            RetryConfig::standard().with_max_attempts(options.max_attempts.unwrap_or(5)),
        );
        if let Some(r) = &options.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &options.profile {
            loader = loader.profile_name(p);
        }
        if let Some(e) = &options.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let config = loader.load().await;
        let Some(region) = config.region().map(|r| r.to_string()) else {
            return Err(Error::input(
                None,
                "no AWS region: pass --region, set AWS_REGION, or set a region in your profile",
            ));
        };
        let custom = config.endpoint_url().map(str::to_owned);
        let cfn = aws_sdk_cloudformation::Client::new(&config);
        let s3_conf = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(custom.is_some())
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(s3_conf);
        Ok(Session {
            cfn,
            s3,
            endpoint: custom
                .clone()
                .unwrap_or_else(|| format!("https://cloudformation.{region}.amazonaws.com")),
            region,
            poll: PollConfig::default(),
        })
    }

    /// A session over clients built elsewhere (tests, embedding). `endpoint` is what error
    /// messages name.
    pub fn from_clients(
        cfn: aws_sdk_cloudformation::Client,
        s3: aws_sdk_s3::Client,
        region: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Session {
        Session {
            cfn,
            s3,
            endpoint: endpoint.into(),
            region: region.into(),
            poll: PollConfig::default(),
        }
    }

    /// The CloudFormation endpoint in use.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The region in use.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Turn an SDK error into an [`Error`] about `stack` during `what` (e.g. "CreateChangeSet").
    pub(crate) fn sdk_error<E, R>(&self, stack: &str, what: &str, e: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + 'static,
    {
        let endpoint_error = |detail: String| Error {
            kind: ErrorKind::Endpoint,
            stack: Some(stack.to_owned()),
            message: format!(
                "cannot reach the CloudFormation endpoint {} ({what}): {detail}",
                self.endpoint
            ),
        };
        match &e {
            SdkError::DispatchFailure(d) if d.is_io() || d.is_timeout() => {
                endpoint_error(chain(&e))
            }
            SdkError::TimeoutError(_) => endpoint_error(chain(&e)),
            SdkError::ServiceError(se) => {
                let code = se.err().code().unwrap_or("Unknown");
                let msg = se.err().message().unwrap_or("").to_owned();
                let credentials = matches!(
                    code,
                    "InvalidClientTokenId"
                        | "SignatureDoesNotMatch"
                        | "ExpiredToken"
                        | "ExpiredTokenException"
                        | "UnrecognizedClientException"
                        | "MissingAuthenticationToken"
                        | "IncompleteSignature"
                        | "AuthFailure"
                );
                Error {
                    kind: if credentials {
                        ErrorKind::Input
                    } else {
                        ErrorKind::Failed
                    },
                    stack: Some(stack.to_owned()),
                    message: format!("{what} failed: {code}: {msg}"),
                }
            }
            SdkError::ResponseError(_) => Error::failed(
                stack,
                format!(
                    "{what}: unreadable response from {}: {}",
                    self.endpoint,
                    DisplayErrorContext(&e)
                ),
            ),
            _ => Error::input(
                Some(stack),
                format!(
                    "{what} against {}: {} (check credentials, region and endpoint)",
                    self.endpoint,
                    DisplayErrorContext(&e)
                ),
            ),
        }
    }
}

/// The error's messages from outermost to root cause, without repeats.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = cur {
        let m = x.to_string();
        if !m.is_empty() && !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = x.source();
    }
    parts.join(": ")
}

/// True when the SDK error is CloudFormation saying the stack does not exist.
pub(crate) fn is_missing_stack<E, R>(e: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    match e {
        SdkError::ServiceError(se) => {
            se.err().code() == Some("ValidationError")
                && se
                    .err()
                    .message()
                    .is_some_and(|m| m.contains("does not exist"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claim "polling adds no more than 1 s after the stack reaches its final state":
    /// between two looks at the stack there is at most one delay of the schedule, and no
    /// delay of the default schedule exceeds 1 s (it reaches 1 s after 7 polls, about 3.2 s).
    #[test]
    fn default_poll_schedule_never_waits_more_than_a_second() {
        let p = PollConfig::default();
        let first: Vec<u128> = p.delays().take(8).map(|d| d.as_millis()).collect();
        assert_eq!(first, [100, 150, 225, 337, 506, 759, 1000, 1000]);
        assert!(p.delays().take(10_000).all(|d| d <= Duration::from_secs(1)));
        assert!(p.delays().take(10_000).all(|d| d > Duration::ZERO));
        // A custom schedule keeps its own bound.
        let q = PollConfig {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(5),
        };
        assert!(q.delays().take(100).all(|d| d <= Duration::from_millis(5)));
    }
}
