//! The connection to CloudFormation (and S3 for large templates), and how errors from the SDK
//! become [`Error`]s that name the operation, the endpoint and the service's own answer.
//!
//! Every SDK call is bounded: a connect timeout (`DEFAULT_CONNECT_TIMEOUT`) and a timeout on
//! each attempt of a call, request sent to response read (`DEFAULT_READ_TIMEOUT`); with the
//! SDK's standard retries (`DEFAULT_MAX_ATTEMPTS` attempts) an endpoint that accepts
//! connections and never answers makes a call fail after at most `attempts × read timeout`
//! plus the retry backoff. [`Session::set_deadline`] bounds a whole command on top of that.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cloudformation::config::http::HttpResponse;
use aws_sdk_cloudformation::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_cloudformation::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudformation::error::{BoxError, ProvideErrorMetadata, SdkError};

use super::error::{Error, ErrorKind};

/// How long to wait for a TCP (and TLS) connection to the endpoint by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt of an API call may take by default, from sending the request to
/// reading the whole response (the AWS CLI's default read timeout is also 60 s).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Attempts per API call by default, retries included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// The longest connect or read timeout used: longer ones are shortened to this (the SDK
/// cannot work with durations near the limit of [`Duration`]).
pub const MAX_CALL_TIMEOUT: Duration = Duration::from_secs(24 * 3600);

/// Where and as whom to connect. Unset fields come from the standard AWS configuration
/// (profiles, `AWS_REGION`, `AWS_ENDPOINT_URL`, the credentials chain) or the defaults here.
#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    /// `--region`.
    pub region: Option<String>,
    /// `--profile`. It must exist in the shared config or credentials file (`AWS_CONFIG_FILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`):
    /// [`Session::connect`] refuses a profile that does not, as the AWS CLI does, instead
    /// of silently using credentials from elsewhere. The same holds for `AWS_PROFILE` when
    /// this is unset (`default` excepted, which may be absent). As in the AWS CLI, the
    /// credentials of a profile named here win over those in the environment (those of
    /// `AWS_PROFILE` do not).
    pub profile: Option<String>,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// A role to assume with the credentials found (`role_arn` of an account in
    /// `ferroform.toml`): every call is made as that role, through STS `AssumeRole`.
    pub role_arn: Option<String>,
    /// Attempts per API call, retries included (the SDK's standard retry mode with
    /// exponential backoff for throttling and transient errors). Default
    /// `DEFAULT_MAX_ATTEMPTS` (5).
    pub max_attempts: Option<u32>,
    /// `--connect-timeout`: how long to wait for a connection. Default
    /// `DEFAULT_CONNECT_TIMEOUT` (10 s); at most `MAX_CALL_TIMEOUT` (a day).
    pub connect_timeout: Option<Duration>,
    /// `--read-timeout`: how long one attempt of a call may take, request sent to response
    /// read; an attempt that runs out is retried like any transient error. Default
    /// `DEFAULT_READ_TIMEOUT` (60 s); at most `MAX_CALL_TIMEOUT` (a day).
    pub read_timeout: Option<Duration>,
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

/// What the session is doing, for messages when something stops it: the operation's phase
/// (set by the operations), the call in flight (set by an SDK interceptor) and what
/// CloudFormation carries on with if ferroform stops now.
#[derive(Debug, Default)]
struct Activity {
    /// E.g. "waiting for stack web to settle".
    phase: Option<String>,
    /// The call in flight and where it went: ("CloudFormation DescribeStacks", "http://...").
    call: Option<(String, String)>,
    /// E.g. "the execution of change set ferroform-1": started, not finished.
    started: Option<String>,
}

/// Clients for one region and endpoint.
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) cfn: aws_sdk_cloudformation::Client,
    pub(crate) s3: aws_sdk_s3::Client,
    /// ECR's control plane, for publishing images (`None` for a session made with
    /// [`Session::from_clients`] without [`Session::with_ecr`]).
    pub(crate) ecr: Option<aws_sdk_ecr::Client>,
    /// ECS, for the services of a deploy that fails or stalls (`None` in sessions made with
    /// [`Session::from_clients`] without [`Session::with_ecs`]).
    pub(crate) ecs: Option<aws_sdk_ecs::Client>,
    /// STS, for the account of the credentials ([`Session::caller_account`]; `None` in
    /// sessions made with [`Session::from_clients`]).
    sts: Option<aws_sdk_sts::Client>,
    /// The role assumed ([`AwsOptions::role_arn`]), for messages.
    role_arn: Option<String>,
    pub(crate) endpoint: String,
    pub(crate) s3_endpoint: String,
    pub(crate) region: String,
    /// Polling delays.
    pub poll: PollConfig,
    /// The read timeout and attempts in use (for messages).
    read_timeout: Duration,
    max_attempts: u32,
    /// `--timeout`: when it started and how long it is.
    deadline: Option<(Instant, Duration)>,
    /// `--profile`, whose credentials are used (for messages).
    profile: Option<String>,
    activity: Arc<Mutex<Activity>>,
}

impl Session {
    /// Load the AWS configuration the standard way, with `options` overriding it. A named
    /// profile that does not exist is an input error (exit 2): nothing is sent.
    pub async fn connect(options: &AwsOptions) -> Result<Session, Error> {
        check_profile(options)?;
        let max_attempts = options.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1);
        let read_timeout = options
            .read_timeout
            .unwrap_or(DEFAULT_READ_TIMEOUT)
            .min(MAX_CALL_TIMEOUT);
        let connect_timeout = options
            .connect_timeout
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT)
            .min(MAX_CALL_TIMEOUT);
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .operation_attempt_timeout(read_timeout)
            .build();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(max_attempts))
            .timeout_config(timeouts);
        if let Some(r) = &options.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &options.profile {
            // As in the AWS CLI, a named profile's credentials win over credentials in the
            // environment (the SDK's default chain would try the environment first).
            loader = loader.profile_name(p).credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(p)
                    .build(),
            );
        }
        if let Some(e) = &options.endpoint_url {
            loader = loader.endpoint_url(e);
        }
        let mut config = loader.load().await;
        if let Some(role) = &options.role_arn {
            let provider = aws_config::sts::AssumeRoleProvider::builder(role)
                .session_name("ferroform")
                .configure(&config)
                .build()
                .await;
            config = config
                .into_builder()
                .credentials_provider(
                    aws_sdk_cloudformation::config::SharedCredentialsProvider::new(provider),
                )
                .build();
        }
        let Some(region) = config.region().map(std::string::ToString::to_string) else {
            return Err(Error::input(
                None,
                "no AWS region: pass --region, set AWS_REGION, or set a region in your profile",
            ));
        };
        let activity = Arc::new(Mutex::new(Activity::default()));
        let custom = config.endpoint_url().map(str::to_owned);
        let cfn_conf = aws_sdk_cloudformation::config::Builder::from(&config)
            .interceptor(Track {
                activity: activity.clone(),
                service: "CloudFormation",
            })
            .build();
        let cfn = aws_sdk_cloudformation::Client::from_conf(cfn_conf);
        let s3_conf = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(custom.is_some())
            .interceptor(Track {
                activity: activity.clone(),
                service: "S3",
            })
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(s3_conf);
        let ecr_conf = aws_sdk_ecr::config::Builder::from(&config)
            .interceptor(Track {
                activity: activity.clone(),
                service: "ECR",
            })
            .build();
        let ecr = aws_sdk_ecr::Client::from_conf(ecr_conf);
        let ecs_conf = aws_sdk_ecs::config::Builder::from(&config)
            .interceptor(Track {
                activity: activity.clone(),
                service: "ECS",
            })
            .build();
        let ecs = aws_sdk_ecs::Client::from_conf(ecs_conf);
        let sts_conf = aws_sdk_sts::config::Builder::from(&config)
            .interceptor(Track {
                activity: activity.clone(),
                service: "STS",
            })
            .build();
        let sts = aws_sdk_sts::Client::from_conf(sts_conf);
        Ok(Session {
            cfn,
            s3,
            ecr: Some(ecr),
            ecs: Some(ecs),
            sts: Some(sts),
            role_arn: options.role_arn.clone(),
            endpoint: custom
                .clone()
                .unwrap_or_else(|| format!("https://cloudformation.{region}.amazonaws.com")),
            s3_endpoint: custom.unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com")),
            region,
            poll: PollConfig::default(),
            read_timeout,
            max_attempts,
            deadline: None,
            profile: options.profile.clone(),
            activity,
        })
    }

    /// A session over clients built elsewhere (tests, embedding). `endpoint` is what error
    /// messages name. The clients' own timeout and retry configuration applies.
    pub fn from_clients(
        cfn: aws_sdk_cloudformation::Client,
        s3: aws_sdk_s3::Client,
        region: impl Into<String>,
        endpoint: impl Into<String>,
    ) -> Session {
        let endpoint = endpoint.into();
        Session {
            cfn,
            s3,
            ecr: None,
            ecs: None,
            sts: None,
            role_arn: None,
            s3_endpoint: endpoint.clone(),
            endpoint,
            region: region.into(),
            poll: PollConfig::default(),
            read_timeout: DEFAULT_READ_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            deadline: None,
            profile: None,
            activity: Arc::new(Mutex::new(Activity::default())),
        }
    }

    /// The same session with an ECS client (to explain a service that does not settle).
    #[must_use]
    pub fn with_ecs(mut self, ecs: aws_sdk_ecs::Client) -> Session {
        self.ecs = Some(ecs);
        self
    }

    /// The same session with an ECR client (for publishing images).
    #[must_use]
    pub fn with_ecr(mut self, ecr: aws_sdk_ecr::Client) -> Session {
        self.ecr = Some(ecr);
        self
    }

    /// Bound everything done through this session (`--timeout`): once `total` has passed
    /// since `started`, the operation running ([`deploy`](super::deploy),
    /// [`diff`](super::diff), [`destroy`](super::destroy), [`outputs`](super::outputs),
    /// [`status`](super::status)) stops, even in the middle of an AWS call, with an exit-1
    /// [`Error`] that says what it was doing and that CloudFormation carries on with what it
    /// started. A bound too large to represent means no bound.
    pub fn set_deadline(&mut self, started: Instant, total: Duration) {
        self.deadline = Some((started, total));
    }

    /// The CloudFormation endpoint in use.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The region in use.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account of the credentials in use (STS `GetCallerIdentity`, which needs no
    /// permission). A role that cannot be assumed fails here, naming it.
    pub async fn caller_account(&self) -> Result<String, Error> {
        let Some(sts) = &self.sts else {
            return Err(Error::input(
                None,
                "this session has no STS client: the account of its credentials is unknown",
            ));
        };
        let out = sts.get_caller_identity().send().await.map_err(|e| {
            let mut err = self.sdk_error("", "STS GetCallerIdentity", e);
            if let Some(role) = &self.role_arn {
                err.message = format!("assuming role {role}: {}", err.message);
            }
            err.stack = None;
            err
        })?;
        Ok(out.account().unwrap_or_default().to_owned())
    }

    /// Where the credentials come from, for messages: the assumed role, the profile, or the
    /// default chain.
    pub fn credentials_source(&self) -> String {
        match (&self.role_arn, &self.profile) {
            (Some(r), Some(p)) => format!("role {r} assumed with profile {p}"),
            (Some(r), None) => format!("role {r}"),
            (None, Some(p)) => format!("profile {p}"),
            (None, None) => {
                "the default credentials (environment, AWS_PROFILE, instance role...)".to_owned()
            }
        }
    }

    /// The record of what the operation is doing: the one of the operation run with
    /// [`separately`] around it, else the session's.
    fn activity(&self) -> Arc<Mutex<Activity>> {
        current_activity().unwrap_or_else(|| self.activity.clone())
    }

    /// Say what the operation is doing now (for messages when it is stopped).
    pub(crate) fn phase(&self, what: impl Into<String>) {
        let what = what.into();
        tracing::debug!("{what}");
        lock(&self.activity()).phase = Some(what);
    }

    /// Record that CloudFormation is carrying out `what` (until [`Session::reset`]).
    pub(crate) fn started(&self, what: impl Into<String>) {
        let what = what.into();
        tracing::debug!("CloudFormation started: {what}");
        lock(&self.activity()).started = Some(what);
    }

    /// Forget the phase and what was started (a new operation begins).
    pub(crate) fn reset(&self) {
        *lock(&self.activity()) = Activity::default();
    }

    /// `timeout` (a phase's own bound, e.g. `--timeout` from the library) shortened to what
    /// is left of the session's deadline.
    pub(crate) fn remaining(&self, timeout: Option<Duration>) -> Option<Duration> {
        let left = self
            .deadline_instant()
            .map(|d| d.saturating_duration_since(Instant::now()));
        match (timeout, left) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn deadline_instant(&self) -> Option<Instant> {
        self.deadline
            .and_then(|(started, total)| started.checked_add(total))
    }

    /// Run `fut` (the operation on `stack`) within the session's deadline, if any.
    pub(crate) async fn bounded<T>(
        &self,
        stack: &str,
        fut: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let Some(deadline) = self.deadline_instant() else {
            return fut.await;
        };
        match tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), fut).await {
            Ok(r) => r,
            Err(_) => Err(self.timed_out(stack)),
        }
    }

    /// The error for a deadline that ran out: what was happening, and that CloudFormation
    /// carries on.
    fn timed_out(&self, stack: &str) -> Error {
        let total = self.deadline.map(|(_, t)| t).unwrap_or_default();
        let cell = self.activity();
        let a = lock(&cell);
        let mut msg = format!("--timeout {} ran out", human(total));
        match &a.phase {
            Some(p) => msg.push_str(&format!(" while {p}")),
            None => msg.push_str(" before anything was done for this stack"),
        }
        if let Some((call, endpoint)) = &a.call {
            msg.push_str(&format!(" (no answer yet to {call} from {endpoint})"));
        }
        msg.push_str(": ferroform stopped; nothing was cancelled or deleted");
        match &a.started {
            Some(s) => msg.push_str(&format!(
                ", and CloudFormation carries on with {s}. Follow it with `ferroform status --stack-name {stack}`"
            )),
            None => msg.push_str(&format!(
                ". Anything CloudFormation had started carries on: see `ferroform status --stack-name {stack}`"
            )),
        }
        Error::failed(stack, msg)
    }

    /// "; CloudFormation carries on with ..." when an operation was started and not seen
    /// to finish.
    fn carries_on(&self, stack: &str) -> String {
        match &lock(&self.activity()).started {
            Some(s) => format!(
                ". ferroform stopped waiting; nothing was cancelled or deleted, and CloudFormation carries on with {s}: follow it with `ferroform status --stack-name {stack}`"
            ),
            None => String::new(),
        }
    }

    /// Turn an SDK error into an [`Error`] about `stack` during `what` (e.g. "CreateChangeSet",
    /// "S3 PutObject"): the service's error code and message (or the HTTP status and body when
    /// there is no code), the operation and the endpoint, never a debug dump. Credential
    /// problems and unreachable endpoints are exit 2, other refusals exit 1.
    pub(crate) fn sdk_error<E>(
        &self,
        stack: &str,
        what: &str,
        e: SdkError<E, HttpResponse>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let endpoint = if what.starts_with("S3 ") {
            &self.s3_endpoint
        } else {
            &self.endpoint
        };
        let service = if what.starts_with("S3 ") {
            "S3"
        } else if what.starts_with("STS ") {
            "STS"
        } else {
            "CloudFormation"
        };
        let attempts = if self.max_attempts == 1 {
            "1 attempt".to_owned()
        } else {
            format!("{} attempts", self.max_attempts)
        };
        let (kind, message) = match &e {
            SdkError::ServiceError(se) => {
                let status = se.raw().status().as_u16();
                match se.err().code().filter(|c| !c.is_empty()) {
                    Some(code) => {
                        let msg = se
                            .err()
                            .message()
                            .filter(|m| !m.is_empty())
                            .unwrap_or("(no message)");
                        let (kind, hint) = match credential_problem(code, what) {
                            Some(hint) => (ErrorKind::Input, hint),
                            None => (ErrorKind::Failed, ""),
                        };
                        (
                            kind,
                            format!("{what} refused by {endpoint}: {code}: {msg}{hint}"),
                        )
                    }
                    None => {
                        let body = excerpt(se.raw().body().bytes());
                        let (kind, hint) = if status == 401 || status == 403 {
                            (
                                ErrorKind::Input,
                                " (refused: check the credentials, the profile and the region)",
                            )
                        } else {
                            (ErrorKind::Failed, "")
                        };
                        (
                            kind,
                            format!(
                                "{what} failed at {endpoint}: HTTP {status} without an error code{body}{hint}"
                            ),
                        )
                    }
                }
            }
            SdkError::ResponseError(re) => {
                let status = re.raw().status().as_u16();
                let detail = chain(&e);
                let cut = ["end of file", "connection", "reading a body", "incomplete"]
                    .iter()
                    .any(|w| detail.to_ascii_lowercase().contains(w));
                (
                    ErrorKind::Endpoint,
                    if cut {
                        format!(
                            "the answer of {endpoint} to {what} was cut off (HTTP {status}, {attempts}): {detail}; the connection dropped mid-response"
                        )
                    } else {
                        format!(
                            "{what}: unreadable answer from {endpoint} (HTTP {status}{}): {detail}; is it a {service} endpoint?",
                            excerpt(re.raw().body().bytes()),
                        )
                    },
                )
            }
            _ if missing_credentials(&e) => (
                ErrorKind::Input,
                if let Some(p) = &self.profile {
                    format!(
                        "{what} not sent to {endpoint}: profile {p} gave no credentials ({}): give it aws_access_key_id and aws_secret_access_key, a role, SSO or credential_process, or leave --profile out to use the environment's",
                        chain(&e)
                    )
                } else if chain(&e).contains("no credentials found") {
                    format!(
                        "{what} not sent to {endpoint}: no AWS credentials found (tried the environment, the shared files' profile, web identity, the ECS and EC2 metadata services). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile"
                    )
                } else {
                    format!(
                        "{what} not sent to {endpoint}: could not get AWS credentials: {}",
                        chain(&e)
                    )
                },
            ),
            SdkError::TimeoutError(_) => (
                ErrorKind::Endpoint,
                format!(
                    "no answer from the {service} endpoint {endpoint} to {what} within the read timeout ({} per attempt, {attempts}): is the endpoint right and up? (--read-timeout, --endpoint-url)",
                    human(self.read_timeout)
                ),
            ),
            SdkError::DispatchFailure(d) if d.is_timeout() => (
                ErrorKind::Endpoint,
                format!(
                    "cannot reach the {service} endpoint {endpoint} ({what}): no connection or no answer in time ({attempts}): {}",
                    chain(&e)
                ),
            ),
            SdkError::DispatchFailure(d) if d.is_io() || d.is_other() => (
                ErrorKind::Endpoint,
                format!(
                    "cannot reach the {service} endpoint {endpoint} ({what}, {attempts}): {}",
                    chain(&e)
                ),
            ),
            _ => (
                ErrorKind::Input,
                format!("{what} could not be sent to {endpoint}: {}", chain(&e)),
            ),
        };
        Error {
            kind,
            stack: Some(stack.to_owned()),
            message: format!("{message}{}", self.carries_on(stack)),
        }
    }
}

/// `Some(hint)` when `code` means the credentials are missing, wrong, expired or not
/// allowed to do `what`.
fn credential_problem(code: &str, what: &str) -> Option<&'static str> {
    match code {
        "InvalidClientTokenId"
        | "SignatureDoesNotMatch"
        | "UnrecognizedClientException"
        | "MissingAuthenticationToken"
        | "IncompleteSignature"
        | "AuthFailure"
        | "InvalidAccessKeyId"
        | "InvalidToken" => Some(
            " (the credentials were refused: check the profile or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN)",
        ),
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
            Some(
                " (the credentials have expired, or the clock is off: refresh them, e.g. `aws sso login`)",
            )
        }
        "AccessDenied" | "AccessDeniedException" if what.starts_with("STS ") => Some(
            " (the credentials were refused: check the profile or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN)",
        ),
        "AccessDenied" | "AccessDeniedException" => {
            Some(" (the credentials in use are not allowed to do this)")
        }
        _ => None,
    }
}

/// True when the SDK did not send the request because no credentials could be had.
fn missing_credentials(e: &(dyn std::error::Error + 'static)) -> bool {
    let text = chain(e).to_ascii_lowercase();
    text.contains("no credentials")
        || text.contains("credential provider")
        || text.contains("credentials provider")
        || text.contains("failed to load credentials")
}

/// `: <the body, printable, at most 300 characters>`, or nothing for an empty body.
fn excerpt(body: Option<&[u8]>) -> String {
    let text = String::from_utf8_lossy(body.unwrap_or_default());
    let clean: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if clean.is_empty() {
        return String::new();
    }
    let mut short: String = clean.chars().take(300).collect();
    if short.len() < clean.len() {
        short.push('…');
    }
    format!(": {short}")
}

/// The error's messages from outermost to root cause, without repeats or the SDK's
/// generic wrappers ("dispatch failure", "other"), and without debug dumps.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(x) = cur {
        let m = x.to_string();
        // One line per cause (the credentials chain lists every provider on its own line).
        let m = m.lines().next().unwrap_or_default().trim().to_owned();
        let generic = matches!(
            m.as_str(),
            "dispatch failure"
                | "other"
                | "io error"
                | "timeout"
                | "user error"
                | "service error"
                | "response error"
                | "failed to construct request"
                | "unhandled error"
        );
        // Some wrappers print their source's Debug form; leave those out.
        let debug_dump = m.contains(" { ") || m.contains("(Some(") || m.contains("Error {");
        if !m.is_empty() && !generic && !debug_dump && !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = x.source();
    }
    if parts.is_empty() {
        "no detail given".to_owned()
    } else {
        parts.join(": ")
    }
}

tokio::task_local! {
    /// The activity of the operation being polled, when it runs [`separately`].
    static ACTIVITY: Arc<Mutex<Activity>>;
}

fn current_activity() -> Option<Arc<Mutex<Activity>>> {
    ACTIVITY.try_with(Arc::clone).ok()
}

fn lock(cell: &Mutex<Activity>) -> std::sync::MutexGuard<'_, Activity> {
    cell.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Run `operation` (a [`deploy`](super::deploy), [`destroy`](super::destroy)... on one
/// stack) with its own record of what it is doing: several operations run at once through
/// one [`Session`] (`--concurrency`) each say their own phase, call in flight and what
/// CloudFormation carries on with when `--timeout` stops them, not another stack's.
pub async fn separately<F: std::future::Future>(operation: F) -> F::Output {
    ACTIVITY
        .scope(Arc::new(Mutex::new(Activity::default())), operation)
        .await
}

/// Records the call in flight (operation and endpoint origin) in the session's activity.
#[derive(Debug)]
struct Track {
    activity: Arc<Mutex<Activity>>,
    service: &'static str,
}

impl Intercept for Track {
    fn name(&self) -> &'static str {
        "ferroform::Track"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request();
        let op = operation_name(self.service, req.method(), req.body().bytes());
        let origin = origin(req.uri());
        let cell = current_activity().unwrap_or_else(|| self.activity.clone());
        lock(&cell).call = Some((op, origin));
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let cell = current_activity().unwrap_or_else(|| self.activity.clone());
        lock(&cell).call = None;
        Ok(())
    }
}

/// "CloudFormation DescribeStacks" (from the query protocol's `Action=`), "S3 PUT".
fn operation_name(service: &str, method: &str, body: Option<&[u8]>) -> String {
    let action = body
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|b| b.split('&').find_map(|kv| kv.strip_prefix("Action=")))
        .filter(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric()));
    match action {
        Some(a) => format!("{service} {a}"),
        None => format!("{service} {method}"),
    }
}

/// `scheme://host[:port]` of a URI (no path or query).
fn origin(uri: &str) -> String {
    match uri.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?']).next().unwrap_or(rest);
            let host = host.rsplit('@').next().unwrap_or(host);
            format!("{scheme}://{host}")
        }
        None => uri.split(['/', '?']).next().unwrap_or(uri).to_owned(),
    }
}

/// Refuse a named profile that is in neither shared file (exit 2), before anything is sent:
/// the SDK would otherwise fall back to credentials from the environment.
fn check_profile(options: &AwsOptions) -> Result<(), Error> {
    let (name, source) = match &options.profile {
        Some(p) => (p.clone(), "--profile"),
        None => match std::env::var("AWS_PROFILE") {
            Ok(p) if !p.is_empty() && p != "default" => (p, "AWS_PROFILE"),
            _ => return Ok(()),
        },
    };
    if name.trim().is_empty() {
        return Err(Error::input(
            None,
            format!("{source}: the profile name is empty; nothing was sent to AWS"),
        ));
    }
    let config = shared_file("AWS_CONFIG_FILE", "config");
    let credentials = shared_file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    let mut known: Vec<String> = Vec::new();
    if let Some(path) = &config {
        known.extend(profiles_in(path, true));
    }
    if let Some(path) = &credentials {
        known.extend(profiles_in(path, false));
    }
    if known.contains(&name) {
        return Ok(());
    }
    known.sort();
    known.dedup();
    let shown = |p: &Option<std::path::PathBuf>| {
        p.as_ref().map_or("(no home directory)".to_owned(), |p| {
            p.display().to_string()
        })
    };
    Err(Error::input(
        None,
        format!(
            "{source} {name}: no such profile in {} or {} (profiles there: {}); nothing was sent to AWS. Name an existing profile, or leave the profile out to use the credentials from the environment",
            shown(&config),
            shown(&credentials),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ),
    ))
}

/// The shared file named by `var`, else `~/.aws/<default>`; a leading `~/` is the home
/// directory.
fn shared_file(var: &str, default: &str) -> Option<std::path::PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(std::path::PathBuf::from);
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => match p.strip_prefix("~/") {
            Some(rest) => home.map(|h| h.join(rest)),
            None => Some(std::path::PathBuf::from(p)),
        },
        _ => home.map(|h| h.join(".aws").join(default)),
    }
}

/// The profile names a shared file defines: `[profile NAME]` (and `[default]`) in the config
/// file, `[NAME]` in the credentials file. A missing or unreadable file defines none.
fn profiles_in(path: &std::path::Path, config: bool) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    profile_names(&text, config)
}

fn profile_names(text: &str, config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            let inner = l.strip_prefix('[')?.split(']').next()?.trim();
            if !config {
                return Some(inner.to_owned());
            }
            match inner.split_once(char::is_whitespace) {
                Some(("profile", name)) => Some(name.trim().to_owned()),
                None if inner == "default" => Some(inner.to_owned()),
                _ => None,
            }
        })
        .filter(|n| !n.is_empty())
        .collect()
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

/// A token for one logical non-idempotent request (`ClientRequestToken`, `ClientToken`):
/// the SDK sends the same input, so the same token, on every attempt, and CloudFormation
/// does not run an operation twice for one token. Unique per process and call:
/// `ferroform-<what>-<time>-<pid>-<n>` (CloudFormation's pattern `[a-zA-Z0-9][-a-zA-Z0-9]*`,
/// at most 128 characters).
pub(crate) fn request_token(what: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let what: String = what
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    format!(
        "ferroform-{what}-{nanos:x}-{:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A duration for messages: `90s`, `1.5s`, `250ms`.
pub(crate) fn human(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{}ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two operations at once through one session (`--concurrency`): each one's `--timeout`
    /// message tells its own phase, not the one the other set last.
    #[test]
    fn operations_run_separately_keep_their_own_phase() {
        let cfn = aws_sdk_cloudformation::Client::from_conf(
            aws_sdk_cloudformation::Config::builder()
                .behavior_version(aws_sdk_cloudformation::config::BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .build(),
        );
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::Config::builder()
                .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .build(),
        );
        let s = Session::from_clients(cfn, s3, "us-east-1", "http://127.0.0.1:9");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (a, b) = rt.block_on(async {
            let op = |stack: &'static str| {
                let s = &s;
                async move {
                    s.phase(format!("deploying {stack}"));
                    s.started(format!("the update of {stack}"));
                    tokio::task::yield_now().await;
                    s.timed_out(stack).message
                }
            };
            tokio::join!(separately(op("A")), separately(op("B")))
        });
        assert!(
            a.contains("while deploying A") && a.contains("the update of A"),
            "{a}"
        );
        assert!(
            b.contains("while deploying B") && b.contains("the update of B"),
            "{b}"
        );
        // Outside any operation, the session's own record.
        s.phase("reading");
        assert!(s.timed_out("X").message.contains("while reading"));
    }

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

    #[test]
    fn profile_names_follow_each_file_s_header_rules() {
        let config = "# c\n[default]\nregion = x\n[profile dev]\n[ profile  spaced ]\n[sso-session corp]\n[services s]\n[bare]\n";
        assert_eq!(profile_names(config, true), ["default", "dev", "spaced"]);
        let credentials = "[ci]\naws_access_key_id = a\n[default]\n; comment\n";
        assert_eq!(profile_names(credentials, false), ["ci", "default"]);
    }

    #[test]
    fn calls_are_named_by_action_and_origin_without_paths_or_secrets() {
        assert_eq!(
            operation_name(
                "CloudFormation",
                "POST",
                Some(b"Action=DescribeStacks&Version=2010-05-15&StackName=web")
            ),
            "CloudFormation DescribeStacks"
        );
        assert_eq!(operation_name("S3", "PUT", Some(b"{}")), "S3 PUT");
        assert_eq!(operation_name("S3", "HEAD", None), "S3 HEAD");
        assert_eq!(
            origin("http://127.0.0.1:4566/bucket/key?x-id=PutObject"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(origin("https://user:pw@host/a"), "https://host");
    }

    #[test]
    fn bodies_are_shown_short_and_printable() {
        assert_eq!(excerpt(None), "");
        assert_eq!(excerpt(Some(b"  \n ")), "");
        assert_eq!(
            excerpt(Some(b"<h1>502</h1>\n\n  Bad\tGateway")),
            ": <h1>502</h1> Bad Gateway"
        );
        let long = vec![b'x'; 1000];
        assert_eq!(excerpt(Some(&long)).chars().count(), 2 + 300 + 1);
    }

    #[test]
    fn request_tokens_are_unique_and_match_cloudformation_s_pattern() {
        let a = request_token("execute");
        let b = request_token("execute");
        assert_ne!(a, b);
        for t in [&a, &b, &request_token("de-lete!")] {
            assert!(t.len() <= 128, "{t}");
            assert!(t.starts_with("ferroform-"), "{t}");
            assert!(
                t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{t}"
            );
        }
    }

    #[test]
    fn remaining_is_the_smaller_bound_and_overflow_means_none() {
        let (cfn, s3) = (
            aws_sdk_cloudformation::Client::from_conf(
                aws_sdk_cloudformation::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
            aws_sdk_s3::Client::from_conf(
                aws_sdk_s3::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
        );
        let mut s = Session::from_clients(cfn, s3, "us-east-1", "http://x");
        assert_eq!(s.remaining(None), None);
        assert_eq!(
            s.remaining(Some(Duration::from_secs(5))),
            Some(Duration::from_secs(5))
        );
        s.set_deadline(Instant::now(), Duration::from_secs(3600));
        let r = s.remaining(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(r, Duration::from_secs(5));
        assert!(s.remaining(None).unwrap() > Duration::from_secs(3500));
        s.set_deadline(Instant::now(), Duration::from_secs(u64::MAX));
        assert_eq!(s.deadline_instant(), None, "too far to represent: no bound");
    }
}
