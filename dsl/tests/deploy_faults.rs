//! Deploys under broken networks and human mistakes (issue #9): an endpoint that never
//! answers, one that closes mid-response, an HTTP 500 after ExecuteChangeSet was carried
//! out, the endpoint disappearing mid-wait, a profile that does not exist, an absurd
//! `--timeout`, refused credentials, and two deploys of one stack at once.
//!
//! Network faults are loopback listeners and a small proxy in front of moto
//! (`support/faults.rs`) that misbehave at the TCP/HTTP level; CloudFormation's answers
//! come from moto. What moto does not model (refused credentials, a stack whose last change
//! set is another one, a change set made obsolete) uses SYNTHESIZED RESPONSES: typed SDK
//! values and HTTP error bodies built by hand with aws-smithy-mocks, following the AWS
//! CloudFormation API reference (error codes, messages and fields as documented).
//!
//! Every test is bounded: timeouts of a few seconds, at most a few attempts per call.

#[path = "support/faults.rs"]
mod faults;
#[path = "support/mocked.rs"]
mod mocked;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetError;
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::types::StackStatus;
use aws_smithy_mocks::{Rule, mock};
use aws_smithy_types::error::ErrorMetadata;
use faults::{Action, Proxy};
use ferroform::Template;
use ferroform::deploy::{self, DeployOptions, DeployOutcome, ErrorKind, Session};
use mocked::{
    CS_ID, Rec, adds, create_change_set_matching, describing, execute_change_set, missing,
    no_events, rt, session, web_stack,
};
use support::moto::{Moto, point_at};

// ---------------------------------------------------------------------------------------
// Helpers

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The binary pointed at `endpoint` with dummy credentials and at most 2 attempts per call.
fn ferroform(endpoint: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ferroform"));
    point_at(&mut c, endpoint);
    c.env("AWS_MAX_ATTEMPTS", "2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("FERROFORM_CONNECT_TIMEOUT")
        .env_remove("FERROFORM_READ_TIMEOUT");
    c
}

/// Run and return the output and how long it took.
fn run(c: &mut Command) -> (Output, Duration) {
    let started = Instant::now();
    let o = c.output().expect("run ferroform");
    (o, started.elapsed())
}

fn template_file(dir: &Path, topic: &str) -> PathBuf {
    let p = dir.join(format!("{topic}.json"));
    let t = serde_json::json!({
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic}}}
    });
    std::fs::write(&p, serde_json::to_string_pretty(&t).unwrap()).unwrap();
    p
}

fn deploy_cmd(endpoint: &str, file: &Path, stack: &str) -> Command {
    let mut c = ferroform(endpoint);
    c.args(["deploy", "--yes", "--progress", "events", "--template"])
        .arg(file)
        .args(["--stack-name", stack]);
    c
}

/// Assert that the command exited with `code`, showing its output otherwise.
#[track_caller]
fn exits(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", text(o));
}

/// Print the command's stderr (for the test's log), assert that it exited with `code`, and
/// return the stderr.
#[track_caller]
fn fails_with(o: &Output, code: i32) -> String {
    let err = stderr(o);
    eprintln!("{err}");
    exits(o, code);
    err
}

/// Deploying the template `file` as `web` again through `endpoint`: exit 0, no changes.
#[track_caller]
fn deploys_no_changes(endpoint: &str, file: &Path) {
    let (o, _) = run(&mut deploy_cmd(endpoint, file, "web"));
    exits(&o, 0);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("no changes")
            || stderr(&o).contains("no changes"),
        "{}",
        text(&o)
    );
}

/// No internal dump in a message: no Rust debug syntax.
fn assert_no_debug_dump(err: &str) {
    for bad in [
        "Some(",
        " { ",
        "Error {",
        "kind:",
        "source:",
        "panicked",
        "DispatchFailure",
        "ConnectorError",
    ] {
        assert!(!err.contains(bad), "debug dump ({bad}) in: {err}");
    }
}

// ---------------------------------------------------------------------------------------
// Item 2: an endpoint that accepts and never answers

#[test]
fn silent_endpoint_fails_after_the_read_timeout_naming_call_and_endpoint() {
    let silent = faults::silent();
    let (o, took) = run(ferroform(&silent.endpoint).args([
        "status",
        "--stack-name",
        "web",
        "--read-timeout",
        "1s",
        "--connect-timeout",
        "1s",
    ]));
    let err = fails_with(&o, 2);
    assert!(err.contains(&silent.endpoint), "{err}");
    assert!(err.contains("DescribeStacks"), "{err}");
    assert!(err.contains("no answer"), "{err}");
    assert!(err.contains("read timeout"), "{err}");
    assert_no_debug_dump(&err);
    assert!(took < Duration::from_secs(30), "bounded: {took:?}");
    assert!(silent.connections_made() >= 1, "it did connect");
}

#[test]
fn timeout_bounds_the_whole_command_even_inside_a_call() {
    let silent = faults::silent();
    // Default read timeout (60 s): only --timeout can stop it in seconds.
    let (o, took) =
        run(ferroform(&silent.endpoint).args(["status", "--stack-name", "web", "--timeout", "2s"]));
    let err = fails_with(&o, 1);
    assert!(err.contains("--timeout 2s ran out"), "{err}");
    assert!(err.contains("reading the status of stack web"), "{err}");
    assert!(
        err.contains("no answer yet to CloudFormation DescribeStacks"),
        "{err}"
    );
    assert!(err.contains(&silent.endpoint), "{err}");
    assert!(err.contains("ferroform status --stack-name web"), "{err}");
    assert_no_debug_dump(&err);
    assert!(took < Duration::from_secs(30), "bounded: {took:?}");

    // A deploy too: the message says CloudFormation carries on.
    let dir = support::temp_dir("faults-timeout");
    let f = template_file(&dir, "web");
    let (o, took) = run(deploy_cmd(&silent.endpoint, &f, "web").args(["--timeout", "2s"]));
    let err = fails_with(&o, 1);
    assert!(err.contains("--timeout 2s ran out"), "{err}");
    assert!(err.contains("reading the state of stack web"), "{err}");
    assert!(err.contains("carries on"), "{err}");
    assert!(took < Duration::from_secs(30), "bounded: {took:?}");

    // Running the command again against a working endpoint recovers.
    let Some(moto) = Moto::start() else { return };
    let (o, _) = run(&mut deploy_cmd(&moto.endpoint, &f, "web"));
    exits(&o, 0);
}

// ---------------------------------------------------------------------------------------
// A connection closed in the middle of the answer

#[test]
fn connection_closed_mid_response_is_exit_2_without_a_debug_dump() {
    let broken = faults::closes_mid_response();
    let (o, took) = run(ferroform(&broken.endpoint).args(["status", "--stack-name", "web"]));
    let err = fails_with(&o, 2);
    assert!(err.contains(&broken.endpoint), "{err}");
    assert!(err.contains("DescribeStacks"), "{err}");
    assert!(!err.contains("check credentials"), "{err}");
    assert_no_debug_dump(&err);
    assert!(took < Duration::from_secs(30), "bounded: {took:?}");
    assert!(broken.connections_made() >= 2, "retried");

    let Some(moto) = Moto::start() else { return };
    let (o, _) = run(ferroform(&moto.endpoint).args(["status", "--stack-name", "web"]));
    exits(&o, 0);
}

// ---------------------------------------------------------------------------------------
// Item 12: an HTTP 500 after ExecuteChangeSet was carried out

#[test]
fn http_500_after_execute_is_retried_with_the_same_client_request_token() {
    let Some(moto) = Moto::start() else { return };
    let first = std::sync::atomic::AtomicBool::new(true);
    let proxy = Proxy::start(&moto.endpoint, move |r, _| {
        if r.action() == Some("ExecuteChangeSet")
            && first.swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            Action::ForwardThen500
        } else {
            Action::Forward
        }
    });
    let dir = support::temp_dir("faults-500");
    let f = template_file(&dir, "web");
    let (o, took) = run(&mut deploy_cmd(proxy.endpoint(), &f, "web"));
    exits(&o, 0);
    assert!(took < Duration::from_secs(30), "{took:?}");
    let executes = proxy.with_action("ExecuteChangeSet");
    assert_eq!(executes.len(), 2, "one 500, one retry: {executes:?}");
    let tokens: Vec<&str> = executes
        .iter()
        .map(|r| {
            r.param("ClientRequestToken")
                .expect("ExecuteChangeSet carries a token")
        })
        .collect();
    assert!(!tokens[0].is_empty());
    assert_eq!(
        tokens[0], tokens[1],
        "the retry is the same request: CloudFormation runs it once"
    );
    let creates = proxy.with_action("CreateChangeSet");
    assert_eq!(creates.len(), 1);
    assert!(
        creates[0]
            .param("ClientToken")
            .is_some_and(|t| !t.is_empty())
    );

    // Deploying again: nothing left to do.
    deploys_no_changes(&moto.endpoint, &f);

    // Destroy sends DeleteStack with a token too.
    let proxy = Proxy::start(&moto.endpoint, |_, _| Action::Forward);
    let (o, _) = run(ferroform(proxy.endpoint()).args(["destroy", "--yes", "--stack-name", "web"]));
    exits(&o, 0);
    let deletes = proxy.with_action("DeleteStack");
    assert_eq!(deletes.len(), 1);
    assert!(
        deletes[0]
            .param("ClientRequestToken")
            .is_some_and(|t| !t.is_empty())
    );
}

// ---------------------------------------------------------------------------------------
// The endpoint disappearing while ferroform waits for the stack

#[test]
fn endpoint_gone_mid_wait_says_cloudformation_carries_on_and_a_rerun_recovers() {
    let Some(moto) = Moto::start() else { return };
    let proxy = Proxy::start(&moto.endpoint, |r, _| {
        if r.action() == Some("ExecuteChangeSet") {
            Action::ForwardThenDown
        } else {
            Action::Forward
        }
    });
    let dir = support::temp_dir("faults-gone");
    let f = template_file(&dir, "web");
    let (o, took) = run(&mut deploy_cmd(proxy.endpoint(), &f, "web"));
    let err = fails_with(&o, 2);
    assert!(err.contains("cannot reach"), "{err}");
    assert!(err.contains(proxy.endpoint()), "{err}");
    assert!(
        err.contains("CloudFormation carries on with the execution of change set"),
        "{err}"
    );
    assert!(err.contains("ferroform status --stack-name web"), "{err}");
    assert_no_debug_dump(&err);
    assert!(took < Duration::from_secs(30), "{took:?}");

    // Running it again where the endpoint is back: the change set did run.
    deploys_no_changes(&moto.endpoint, &f);
}

// ---------------------------------------------------------------------------------------
// Item 8: a profile that does not exist

#[test]
fn a_profile_that_does_not_exist_is_exit_2_and_nothing_is_sent() {
    let silent = faults::silent();
    let dir = support::temp_dir("faults-profile");
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = us-east-1\n[profile dev]\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        &credentials,
        "[ci]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    let (o, took) = run(ferroform(&silent.endpoint)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args([
            "status",
            "--stack-name",
            "web",
            "--profile",
            "nosuchprofile",
            "--timeout",
            "5s",
        ]));
    let err = fails_with(&o, 2);
    assert!(err.contains("nosuchprofile"), "{err}");
    assert!(err.contains("no such profile"), "{err}");
    assert!(err.contains(&config.display().to_string()), "{err}");
    assert!(err.contains("ci, default, dev"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(!err.contains("test"), "no credential in the message: {err}");
    assert!(took < Duration::from_secs(30));
    assert_eq!(silent.connections_made(), 0, "nothing was sent");

    // So is AWS_PROFILE naming one.
    let (o, _) = run(ferroform(&silent.endpoint)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_PROFILE", "nosuchprofile")
        .args(["status", "--stack-name", "web"]));
    exits(&o, 2);
    assert!(
        stderr(&o).contains("AWS_PROFILE nosuchprofile"),
        "{}",
        text(&o)
    );

    // An existing profile passes the check, and its credentials are the ones used, not
    // those in the environment (as in the AWS CLI): the proxy reads the access key id
    // from each request's SigV4 Authorization header.
    let Some(moto) = Moto::start() else { return };
    std::fs::write(
        &credentials,
        "[ci]\naws_access_key_id = AKIDPROFILECI\naws_secret_access_key = x\n",
    )
    .unwrap();
    let proxy = Proxy::start(&moto.endpoint, |_, _| Action::Forward);
    let (o, _) = run(ferroform(proxy.endpoint())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .env("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
        .args(["status", "--stack-name", "web", "--profile", "ci"]));
    exits(&o, 0);
    let heads: Vec<String> = proxy
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.head.clone())
        .collect();
    assert!(!heads.is_empty());
    for h in &heads {
        assert!(h.contains("Credential=AKIDPROFILECI/"), "{h}");
    }
    // A profile defined in the config file only, without credentials: the check passes,
    // and the credentials problem is named (exit 2), not papered over with the environment's.
    let (o, _) = run(ferroform(&moto.endpoint)
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args(["status", "--stack-name", "web", "--profile", "dev"]));
    let err = stderr(&o);
    exits(&o, 2);
    assert!(!err.contains("no such profile"), "{err}");
    assert!(err.contains("profile dev gave no credentials"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Item 10: durations that overflow

#[test]
fn a_timeout_too_large_to_hold_is_refused_not_wrapped() {
    let silent = faults::silent();
    for t in [
        "1152921504606846976h",
        "18446744073709551615m",
        "99999999999999999999s",
    ] {
        let (o, _) = run(ferroform(&silent.endpoint).args([
            "status",
            "--stack-name",
            "web",
            "--timeout",
            t,
        ]));
        let err = stderr(&o);
        eprintln!("{err}");
        assert_eq!(o.status.code(), Some(2), "{t}: {}", text(&o));
        assert!(err.contains(t), "{err}");
        assert!(err.contains("duration"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(silent.connections_made(), 0);
    // The largest that fits is a bound that never runs out (it does not time out at once),
    // and as connect and read timeouts it is shortened to what the SDK can use (a day).
    let Some(moto) = Moto::start() else { return };
    let largest = format!("{}h", u64::MAX / 3600);
    let (o, _) = run(ferroform(&moto.endpoint).args([
        "status",
        "--stack-name",
        "web",
        "--timeout",
        &largest,
        "--read-timeout",
        &largest,
        "--connect-timeout",
        &largest,
    ]));
    exits(&o, 0);
}

#[test]
fn malformed_timeout_variables_are_usage_errors() {
    let silent = faults::silent();
    let (o, _) = run(ferroform(&silent.endpoint)
        .env("FERROFORM_READ_TIMEOUT", "soon")
        .args(["status", "--stack-name", "web"]));
    exits(&o, 2);
    assert!(
        stderr(&o).contains("FERROFORM_READ_TIMEOUT"),
        "{}",
        text(&o)
    );
    let (o, _) = run(ferroform(&silent.endpoint)
        .env("AWS_MAX_ATTEMPTS", "0")
        .args(["status", "--stack-name", "web"]));
    exits(&o, 2);
    assert!(stderr(&o).contains("AWS_MAX_ATTEMPTS"), "{}", text(&o));
    assert_eq!(silent.connections_made(), 0);
}

// ---------------------------------------------------------------------------------------
// Item 11: refused or missing credentials, errors without a code

#[test]
fn missing_credentials_are_exit_2_and_nothing_is_sent() {
    let silent = faults::silent();
    let (o, took) = run(ferroform(&silent.endpoint)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .args(["status", "--stack-name", "web", "--timeout", "20s"]));
    let err = fails_with(&o, 2);
    assert!(err.contains("no AWS credentials"), "{err}");
    assert!(err.contains("DescribeStacks"), "{err}");
    assert_no_debug_dump(&err);
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(silent.connections_made(), 0);
}

const OTHER_CS_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/other-2/2";
const ENDPOINT: &str = "https://cloudformation.us-east-1.amazonaws.com";

fn stack(status: StackStatus, change_set: Option<&str>) -> DescribeStacksOutput {
    describing(
        web_stack(status)
            .set_change_set_id(change_set.map(str::to_owned))
            .build(),
    )
}

/// DescribeStacks for a stack that does not exist yet, then in `status` with `change_set`
/// as its last change set.
fn new_stack(status: StackStatus, change_set: Option<&'static str>) -> Rule {
    mock!(Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(move || stack(status.clone(), change_set))
        .repeatedly()
        .build()
}

/// `deploy --yes` of [`web`] through `s`, answering yes to every question; its outcome.
fn deploy_yes(s: &Session) -> Result<DeployOutcome, deploy::Error> {
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    rt().block_on(deploy::deploy(s, &web(), &opts, &mut Rec::yes()))
        .map(|(outcome, _)| outcome)
}

fn web() -> Template {
    let t = Template::parse(
        "web.json",
        r#"{"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}"#,
    )
    .unwrap();
    Template::new("web", t.body().clone())
}

/// The query protocol's error body (AWS API reference, common errors).
fn error_body(code: &str, message: &str) -> String {
    format!(
        r#"<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#
    )
}

#[test]
fn refused_credentials_show_code_message_operation_and_endpoint_exit_2() {
    // Synthesized responses (AWS API reference, common errors: HTTP 403 with the code).
    for (code, message) in [
        (
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        (
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        ),
        (
            "ExpiredToken",
            "The security token included in the request is expired",
        ),
        (
            "AccessDenied",
            "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: cloudformation:DescribeStacks",
        ),
    ] {
        let describe = mock!(Client::describe_stacks)
            .sequence()
            .http_status(403, Some(error_body(code, message)))
            .build();
        let s = session(&[&describe]);
        let e = rt().block_on(deploy::outputs(&s, "web")).unwrap_err();
        assert_ne!(e.kind, ErrorKind::Failed, "{code}: {e}");
        let msg = e.to_string();
        eprintln!("{msg}");
        assert!(
            msg.starts_with("stack web: DescribeStacks refused by "),
            "{msg}"
        );
        assert!(msg.contains(ENDPOINT), "{msg}");
        assert!(msg.contains(&format!("{code}: {message}")), "{msg}");
        assert_no_debug_dump(&msg);
        assert_eq!(describe.num_calls(), 1, "{code} is not retried");
    }
}

#[test]
fn an_error_without_a_code_shows_the_http_status_and_body() {
    // Synthesized responses: a 403 with an empty body, and a proxy's HTML 502 (retried,
    // then reported).
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .http_status(403, None)
        .build();
    let s = session(&[&describe]);
    let e = rt().block_on(deploy::outputs(&s, "web")).unwrap_err();
    assert_ne!(e.kind, ErrorKind::Failed, "{e}");
    assert!(e.message.contains("HTTP 403 without an error code"), "{e}");
    assert!(e.message.contains(ENDPOINT), "{e}");
    assert!(!e.message.contains("Unknown"), "{e}");

    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .http_status(502, Some(html.to_owned()))
        .times(3)
        .build();
    let s = session(&[&describe]);
    let e = rt().block_on(deploy::outputs(&s, "web")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Failed, "{e}");
    assert!(e.message.contains("HTTP 502"), "{e}");
    assert!(e.message.contains("502 Bad Gateway"), "{e}");
    assert_no_debug_dump(&e.message);
    assert_eq!(describe.num_calls(), 3, "retried as a transient error");
}

// ---------------------------------------------------------------------------------------
// Items 12 and 13 with synthesized responses

/// The rules of a deploy that creates `web` through a change set adding `Topic`:
/// CreateChangeSet (only with a ClientToken), DescribeChangeSet and no events (each public,
/// for `num_calls`).
struct ChangeSetRules {
    create: Rule,
    describe_cs: Rule,
    events: Rule,
}

impl ChangeSetRules {
    fn new() -> Self {
        ChangeSetRules {
            create: create_change_set_matching(|r| r.client_token().is_some_and(|t| !t.is_empty())),
            describe_cs: adds("Topic", "AWS::SNS::Topic"),
            events: no_events(),
        }
    }

    /// A [`session`] answering with these rules, DescribeStacks with `describe` and
    /// ExecuteChangeSet with `execute`.
    fn session(&self, describe: &Rule, execute: &Rule) -> Session {
        session(&[
            describe,
            &self.create,
            &self.describe_cs,
            execute,
            &self.events,
        ])
    }
}

/// [`deploy_yes`] through `s` fails (ErrorKind::Failed); its error, also printed.
#[track_caller]
fn deploy_fails(s: &Session) -> deploy::Error {
    let e = deploy_yes(s).unwrap_err();
    eprintln!("{e}");
    assert_eq!(e.kind, ErrorKind::Failed, "{e}");
    e
}

#[test]
fn execute_after_an_http_500_is_retried_with_one_token() {
    // Synthesized responses: ExecuteChangeSet answers HTTP 500 InternalFailure, then
    // succeeds; the stack then reports this change set as its last.
    let rules = ChangeSetRules::new();
    let tokens = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = tokens.clone();
    let execute = mock!(Client::execute_change_set)
        .match_requests(move |r| {
            seen.lock()
                .unwrap()
                .push(r.client_request_token().unwrap_or_default().to_owned());
            true
        })
        .sequence()
        .http_status(500, Some(error_body("InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")))
        .output(|| ExecuteChangeSetOutput::builder().build())
        .build();
    let describe = new_stack(StackStatus::CreateComplete, Some(CS_ID));
    let s = rules.session(&describe, &execute);
    let outcome = deploy_yes(&s).unwrap();
    assert_eq!(outcome, DeployOutcome::Executed { created: true });
    assert_eq!(execute.num_calls(), 2, "the 500 was retried by the SDK");
    let tokens = tokens.lock().unwrap();
    assert_eq!(tokens.len(), 1, "one logical request: {tokens:?}");
    assert!(tokens[0].starts_with("ferroform-execute-"), "{tokens:?}");
    assert_eq!(
        rules.create.num_calls(),
        1,
        "CreateChangeSet carried a ClientToken"
    );
}

#[test]
fn another_change_set_applied_meanwhile_is_not_reported_as_success() {
    // Synthesized responses: a concurrent deploy's change set is the stack's last one when
    // this deploy's wait ends (DescribeStacks' ChangeSetId).
    let rules = ChangeSetRules::new();
    let execute = execute_change_set();
    let describe = new_stack(StackStatus::CreateComplete, Some(OTHER_CS_ID));
    let s = rules.session(&describe, &execute);
    let e = deploy_fails(&s);
    assert!(
        e.message.contains("not with this deploy's change set"),
        "{e}"
    );
    assert!(e.message.contains(OTHER_CS_ID), "{e}");
    assert!(e.message.contains("another deploy"), "{e}");
}

#[test]
fn a_change_set_made_obsolete_by_another_deploy_fails_visibly() {
    // Synthesized responses: ExecuteChangeSet refused with InvalidChangeSetStatus (the
    // change set became OBSOLETE when another one was executed).
    let rules = ChangeSetRules::new();
    let execute = mock!(Client::execute_change_set).then_error(|| {
        ExecuteChangeSetError::generic(
            ErrorMetadata::builder()
                .code("InvalidChangeSetStatus")
                .message("ChangeSet [arn:aws:cloudformation:us-east-1:123456789012:changeSet/ferroform-1/1] cannot be executed in its current status of [OBSOLETE]")
                .build(),
        )
    });
    let describe = new_stack(StackStatus::CreateComplete, Some(OTHER_CS_ID));
    let s = rules.session(&describe, &execute);
    let e = deploy_fails(&s);
    assert!(e.message.contains("ExecuteChangeSet refused by"), "{e}");
    assert!(e.message.contains("InvalidChangeSetStatus"), "{e}");
    assert!(e.message.contains("can no longer be executed"), "{e}");
    assert!(e.message.contains("executed nothing"), "{e}");
    assert_eq!(execute.num_calls(), 1, "not retried");
}

#[test]
fn two_deploys_of_one_stack_at_once_never_both_claim_a_template_that_is_not_deployed() {
    let Some(moto) = Moto::start() else { return };
    let dir = support::temp_dir("faults-concurrent");
    let a = template_file(&dir, "alpha");
    let b = template_file(&dir, "beta");
    // Create the stack first, then update it from two processes at once.
    let (o, _) = run(&mut deploy_cmd(
        &moto.endpoint,
        &template_file(&dir, "zero"),
        "web",
    ));
    exits(&o, 0);
    let mut ca = deploy_cmd(&moto.endpoint, &a, "web");
    let mut cb = deploy_cmd(&moto.endpoint, &b, "web");
    let pa = ca
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pb = cb
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let oa = pa.wait_with_output().unwrap();
    let ob = pb.wait_with_output().unwrap();
    for o in [&oa, &ob] {
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(o));
        if o.status.code() == Some(1) {
            assert_no_debug_dump(&stderr(o));
        }
    }
    // Whatever is deployed now is the template of a deploy that reported success.
    let rt = rt();
    let client = rt.block_on(moto.client());
    let body = rt
        .block_on(client.get_template().stack_name("web").send())
        .unwrap()
        .template_body()
        .unwrap_or_default()
        .to_owned();
    let deployed: serde_json::Value = serde_json::from_str(&body).unwrap();
    let name = deployed["Resources"]["Topic"]["Properties"]["TopicName"]
        .as_str()
        .unwrap()
        .to_owned();
    let winner = if name == "alpha" { &oa } else { &ob };
    assert!(name == "alpha" || name == "beta", "{name}");
    assert_eq!(
        winner.status.code(),
        Some(0),
        "{name} is deployed: {}",
        text(winner)
    );
}

#[test]
fn the_session_deadline_stops_a_wait_and_says_cloudformation_carries_on() {
    // Synthesized responses: the stack stays CREATE_IN_PROGRESS after ExecuteChangeSet; the
    // whole-command bound (`--timeout` in the CLI) stops the wait.
    let rules = ChangeSetRules::new();
    let execute = execute_change_set();
    let describe = new_stack(StackStatus::CreateInProgress, None);
    let mut s = rules.session(&describe, &execute);
    s.set_deadline(Instant::now(), Duration::from_millis(300));
    let started = Instant::now();
    let e = deploy_yes(&s).unwrap_err();
    eprintln!("{e}");
    assert!(started.elapsed() < Duration::from_secs(10), "bounded");
    assert_eq!(e.kind, ErrorKind::Failed, "{e}");
    assert!(
        e.message.contains("carries on") || e.message.contains("continues"),
        "{e}"
    );
    assert!(
        e.message.contains("ferroform status --stack-name web"),
        "{e}"
    );
    assert_eq!(execute.num_calls(), 1);
}
