//! The `ferroform` binary where no moto is needed: Ctrl-C while waiting (against a minimal
//! stub endpoint) and ferroform.toml errors.
//!
//! STUB ENDPOINT, SYNTHESIZED RESPONSES: the interrupt test needs a stack that stays
//! CREATE_IN_PROGRESS, which moto never shows (its stacks settle synchronously). So it runs
//! the real binary against a minimal HTTP server on 127.0.0.1 written here. It answers the
//! five calls of a first deploy (DescribeStacks, DescribeStackEvents, CreateChangeSet,
//! DescribeChangeSet, ExecuteChangeSet) with fixed query-protocol XML following the AWS
//! CloudFormation API reference, reports CREATE_IN_PROGRESS forever once the change set is
//! executed, records every Action it receives and refuses anything else. It is not an
//! imitation of CloudFormation; it exists only so that the binary is waiting when SIGINT
//! arrives.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NS: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
const STACK_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/slow/1";
const CS_ID: &str = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/c/1";

type Calls = Arc<Mutex<Vec<String>>>;

fn ok(action: &str, result: &str) -> (u16, String) {
    (
        200,
        format!(
            "<{action}Response xmlns=\"{NS}\"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

fn error(code: &str, message: &str) -> (u16, String) {
    (
        400,
        format!(
            "<ErrorResponse xmlns=\"{NS}\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>stub</RequestId></ErrorResponse>"
        ),
    )
}

/// The stub's answer to one query-protocol `Action`.
fn answer(action: &str, executed: bool) -> (u16, String) {
    match action {
        "DescribeStacks" if !executed => {
            error("ValidationError", "Stack with id slow does not exist")
        }
        "DescribeStacks" => ok(
            action,
            &format!(
                "<Stacks><member><StackName>slow</StackName><StackId>{STACK_ID}</StackId><StackStatus>CREATE_IN_PROGRESS</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime></member></Stacks>"
            ),
        ),
        "DescribeStackEvents" => ok(action, "<StackEvents></StackEvents>"),
        "CreateChangeSet" => ok(
            action,
            &format!("<Id>{CS_ID}</Id><StackId>{STACK_ID}</StackId>"),
        ),
        "DescribeChangeSet" => ok(
            action,
            &format!(
                "<ChangeSetId>{CS_ID}</ChangeSetId><ChangeSetName>c</ChangeSetName><StackId>{STACK_ID}</StackId><StackName>slow</StackName><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Changes><member><Type>Resource</Type><ResourceChange><Action>Add</Action><LogicalResourceId>Logs</LogicalResourceId><ResourceType>AWS::Logs::LogGroup</ResourceType></ResourceChange></member></Changes>"
            ),
        ),
        "ExecuteChangeSet" => ok(action, ""),
        other => error(
            "NotInStub",
            &format!("{other} is not answered by this test stub"),
        ),
    }
}

fn serve(conn: TcpStream, calls: Calls) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let mut length = 0usize;
        let mut first = true;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return; // closed
            }
            let l = line.trim_end();
            if l.is_empty() && !first {
                break;
            }
            first = false;
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("?")
            .to_owned();
        let executed = {
            let mut c = calls.lock().unwrap();
            c.push(action.clone());
            c.iter().any(|a| a == "ExecuteChangeSet") && action != "ExecuteChangeSet"
        };
        let (status, xml) = answer(&action, executed);
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let _ = write!(
            conn,
            "HTTP/1.1 {status} {reason}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{xml}",
            xml.len()
        );
        let _ = conn.flush();
    }
}

/// Start the stub; returns its endpoint and the recorded actions.
fn stub() -> (String, Calls) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let calls: Calls = Arc::default();
    let recorded = calls.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let calls = recorded.clone();
            std::thread::spawn(move || serve(conn, calls));
        }
    });
    (endpoint, calls)
}

fn ferroform(endpoint: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ferroform"));
    support::moto::point_at(&mut c, endpoint);
    c
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_waiting_exits_130_says_how_to_follow_and_deletes_nothing() {
    let (endpoint, calls) = stub();
    let dir = support::temp_dir("deploy-interrupt");
    let file = dir.join("t.json");
    std::fs::write(
        &file,
        r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}"#,
    )
    .unwrap();
    let child = ferroform(&endpoint)
        .args(["deploy", "--yes", "--progress", "events", "--template"])
        .arg(&file)
        .args(["--stack-name", "slow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the binary is polling a stack that stays CREATE_IN_PROGRESS.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let polls_after_execute = {
            let c = calls.lock().unwrap();
            c.iter()
                .skip_while(|a| *a != "ExecuteChangeSet")
                .filter(|a| *a == "DescribeStacks")
                .count()
        };
        if polls_after_execute >= 3 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the binary never reached the wait: {:?}",
            calls.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let all = format!("{}\n{stderr}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(o.status.code(), Some(130), "{all}");
    assert!(
        stderr.contains("CloudFormation carries on with what it started on stack slow"),
        "{all}"
    );
    assert!(stderr.contains("nothing was deleted"), "{all}");
    assert!(
        stderr.contains("Follow it with `ferroform status --stack-name slow`"),
        "{all}"
    );
    let calls = calls.lock().unwrap().clone();
    assert!(
        !calls.iter().any(|a| a.starts_with("Delete")
            || a.starts_with("Cancel")
            || a.starts_with("Rollback")),
        "nothing deleted, cancelled or rolled back: {calls:?}"
    );
    assert!(calls.contains(&"ExecuteChangeSet".to_owned()), "{calls:?}");
}

/// `ferroform deploy` run in `dir` with `toml` as its `ferroform.toml` (`None`: no such
/// file); its stderr and exit code.
fn deploy_in(dir: &Path, toml: Option<&str>) -> (String, Option<i32>) {
    let file = dir.join("ferroform.toml");
    match toml {
        Some(text) => std::fs::write(&file, text).unwrap(),
        None => std::fs::remove_file(&file).unwrap(),
    }
    // Nothing listens there: these runs must stop before connecting.
    let endpoint = "http://127.0.0.1:9";
    let o = ferroform(endpoint)
        .current_dir(dir)
        .arg("deploy")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code(),
    )
}

#[test]
fn ferroform_toml_malformed_is_exit_2_and_unknown_keys_warn() {
    let dir = support::temp_dir("deploy-toml");
    let (err, code) = deploy_in(&dir, Some("app = cargo run --example web\n"));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("error: ferroform.toml: line 1: `app` must be a quoted command"),
        "{err}"
    );

    // Unknown key: a warning; the app command still runs (here one that fails, exit 2).
    let (err, code) = deploy_in(&dir, Some("app = \"exit 7;\"\nprofile = \"dev\"\n"));
    assert!(
        err.contains("warning: ferroform.toml: line 2: unknown key `profile` ignored"),
        "{err}"
    );
    assert!(
        err.contains("the app command `exit 7; synth --out"),
        "{err}"
    );
    assert_eq!(code, Some(2), "{err}");

    // No ferroform.toml and no --app: which stacks? (exit 2).
    let (err, code) = deploy_in(&dir, None);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("which stacks?"), "{err}");
}
