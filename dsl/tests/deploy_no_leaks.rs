//! Nothing leaked, nothing written where it should not be (issue #9, items 7, 9, 14): the
//! real `ferroform` binary, and the deploy flow on mocked SDK clients.
//!
//! - NoEcho values: never echoed by the `--parameter` parser; outputs derived from NoEcho
//!   parameters read `****` in `outputs`, in `--outputs-file` and in what `deploy` returns;
//!   a short NoEcho value does not garble (and so reveal itself in) event reasons.
//! - `--outputs-file` is checked before anything is sent to AWS.
//! - Ctrl-C while `--app` runs removes the app's temporary templates.
//!
//! MOTO: the outputs test runs against moto 5.2.5's server (see support/moto.rs); the stack is
//! made with CreateStack, as moto reports no outputs for stacks made through change sets.
//! SYNTHESIZED RESPONSES: the mocked test builds CloudFormation responses by hand with
//! aws-smithy-mocks, following the AWS CloudFormation API reference (as deploy_mocked.rs).

#[path = "support/mocked.rs"]
mod shared_mocks;
mod support;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use support::moto::Moto;
use support::{exits, path_arg, text};

/// A loopback endpoint that counts the connections made to it (and answers none).
fn counting_endpoint() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(conn);
        }
    });
    (endpoint, count)
}

fn ferroform(endpoint: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ferroform"));
    support::moto::point_at(&mut c, endpoint);
    c
}

const LOGS: &str = r#"{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}}"#;

#[test]
fn a_malformed_parameter_is_refused_without_echoing_its_value() {
    let (endpoint, connections) = counting_endpoint();
    let dir = support::temp_dir("no-leaks-kv");
    let file = dir.join("t.json");
    std::fs::write(&file, LOGS).unwrap();
    for (command, flag, arg, hint) in [
        (
            "deploy",
            "--parameter",
            "DbPassword:hunter2-value",
            "has a `:`",
        ),
        (
            "diff",
            "--parameter",
            "DbPassword:hunter2-value",
            "has a `:`",
        ),
        (
            "deploy",
            "--parameter",
            "=hunter2-value",
            "key before `=` is empty",
        ),
        ("deploy", "--tag", "hunter2-value", "has no `=`"),
    ] {
        let o = ferroform(&endpoint)
            .arg(command)
            .arg("--template")
            .arg(&file)
            .args(["--stack-name", "web", flag, arg])
            .output()
            .unwrap();
        let all = text(&o);
        assert_eq!(o.status.code(), Some(2), "{all}");
        assert!(!all.contains("hunter2"), "the value is never echoed: {all}");
        assert!(all.contains(flag) && all.contains("KEY=VALUE"), "{all}");
        assert!(all.contains(hint), "{all}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0);
}

#[test]
fn an_outputs_file_that_cannot_be_written_is_refused_before_anything_is_sent() {
    let (endpoint, connections) = counting_endpoint();
    let dir = support::temp_dir("no-leaks-outputs-file");
    let file = dir.join("t.json");
    std::fs::write(&file, LOGS).unwrap();
    let plain = dir.join("plain.txt");
    std::fs::write(&plain, "a file, not a directory").unwrap();
    let mut cases = vec![
        (plain.join("outputs.json"), "cannot be written"),
        (dir.to_path_buf(), "is a directory"),
    ];
    #[cfg(unix)]
    {
        let outside = dir.join("outside.json");
        std::fs::write(&outside, "precious").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        cases.push((link, "symbolic link"));
    }
    for (target, why) in cases {
        let o = ferroform(&endpoint)
            .args(["deploy", "--yes", "--template"])
            .arg(&file)
            .args(["--stack-name", "web", "--outputs-file"])
            .arg(&target)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        exits(&o, 2);
        assert!(
            err.contains(&format!("--outputs-file {}", target.display()))
                && err.contains(why)
                && err.contains("nothing was submitted"),
            "{err}"
        );
    }
    #[cfg(unix)]
    assert_eq!(
        std::fs::read_to_string(dir.join("outside.json")).unwrap(),
        "precious"
    );
    assert_eq!(
        connections.load(Ordering::SeqCst),
        0,
        "nothing was sent to the endpoint"
    );
    // No probe file is left behind.
    let left: Vec<_> = std::fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The `ferroform-app-*` entries of `dir`.
fn app_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("ferroform-app-"))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_the_app_runs_removes_its_templates_and_stops_it() {
    use std::os::unix::fs::PermissionsExt;
    let (endpoint, connections) = counting_endpoint();
    let tmp = support::temp_dir("no-leaks-app-tmp");
    // The app: writes a template where it is told (`synth --out DIR` is appended), starts a
    // process of its own (as `cargo run` does), says it started, then runs until killed.
    let app = tmp.join("app.sh");
    let pid_file = tmp.join("grandchild.pid");
    std::fs::write(
        &app,
        format!(
            "echo '{{\"Resources\": {{}}}}' > \"$3/Web.template.json\"\nsleep 60 &\necho $! > '{}'\necho started > \"$3/started\"\nwait\n",
            pid_file.display()
        ),
    )
    .unwrap();
    let child = ferroform(&endpoint)
        .env("TMPDIR", &*tmp)
        .args(["deploy", "--yes", "--app"])
        .arg(format!("sh {}", app.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let dir = loop {
        if let Some(d) = app_dirs(&tmp)
            .into_iter()
            .find(|d| d.join("started").exists())
        {
            break d;
        }
        assert!(Instant::now() < deadline, "the app never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the templates' directory is the user's only");
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let o = child.wait_with_output().unwrap();
    let all = text(&o);
    assert_eq!(o.status.code(), Some(130), "{all}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the app was stopped, not waited for: {all}"
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nothing was submitted"),
        "{all}"
    );
    assert!(
        app_dirs(&tmp).is_empty(),
        "templates left behind: {:?}",
        app_dirs(&tmp)
    );
    assert_eq!(connections.load(Ordering::SeqCst), 0);
    // The app's own child was stopped too (the whole process group).
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("kill")
        .args(["-0", &pid])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
    {
        assert!(
            Instant::now() < deadline,
            "the app's child {pid} still runs"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_failing_app_leaves_no_templates_behind() {
    let (endpoint, _) = counting_endpoint();
    let tmp = support::temp_dir("no-leaks-app-fail");
    let o = ferroform(&endpoint)
        .env("TMPDIR", &*tmp)
        .args(["deploy", "--yes", "--app", "exit 3;"])
        .output()
        .unwrap();
    exits(&o, 2);
    assert!(app_dirs(&tmp).is_empty(), "{:?}", app_dirs(&tmp));
}

/// A stack with a NoEcho parameter (in string form, as JSON templates write it) exposed by
/// two outputs, and a plain one.
const SECRET_TEMPLATE: &str = r#"{
  "Parameters": {
    "DbPassword": {"Type": "String", "NoEcho": "true"},
    "DbHost": {"Type": "String", "Default": "db.example.com"}
  },
  "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}},
  "Outputs": {
    "Connection": {"Value": {"Fn::Sub": "postgres://app:${DbPassword}@${DbHost}/app"}},
    "Password": {"Value": {"Fn::Join": ["", [{"Ref": "DbPassword"}]]}},
    "Host": {"Value": {"Ref": "DbHost"}}
  }
}"#;

#[test]
fn outputs_derived_from_no_echo_parameters_are_masked_in_outputs_and_the_outputs_file() {
    let Some(moto) = Moto::start() else { return };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = rt.block_on(moto.client());
    rt.block_on(async {
        client
            .create_stack()
            .stack_name("secret")
            .template_body(SECRET_TEMPLATE)
            .parameters(
                aws_sdk_cloudformation::types::Parameter::builder()
                    .parameter_key("DbPassword")
                    .parameter_value("hunter2-value")
                    .build(),
            )
            .send()
            .await
            .expect("CreateStack")
    });
    // What CloudFormation (here moto) itself reports: the secret in clear.
    let raw = rt.block_on(async {
        client
            .describe_stacks()
            .stack_name("secret")
            .send()
            .await
            .unwrap()
    });
    let clear: Vec<String> = raw.stacks()[0]
        .outputs()
        .iter()
        .filter_map(|o| o.output_value().map(str::to_owned))
        .collect();
    assert!(
        clear.iter().any(|v| v.contains("hunter2-value")),
        "the endpoint shows the secret in outputs: {clear:?}"
    );

    let o = moto.run(&["outputs", "--stack-name", "secret"]);
    exits(&o, 0);
    assert!(!text(&o).contains("hunter2"), "{}", text(&o));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected = serde_json::json!({"secret": {
        "Connection": "****", "Password": "****", "Host": "db.example.com"
    }});
    assert_eq!(printed, expected);

    // deploy of the same template (no changes) writes the outputs file, masked too.
    let dir = support::temp_dir("no-leaks-outputs");
    let file = dir.join("t.json");
    std::fs::write(&file, SECRET_TEMPLATE).unwrap();
    let outputs = dir.join("out/outputs.json");
    let o = moto.run(&[
        "deploy",
        "--yes",
        "--progress",
        "events",
        "--template",
        path_arg(&file),
        "--stack-name",
        "secret",
        "--outputs-file",
        path_arg(&outputs),
    ]);
    exits(&o, 0);
    assert!(!text(&o).contains("hunter2"), "{}", text(&o));
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(!written.contains("hunter2"), "{written}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&written).unwrap(),
        expected
    );
}

/// `-vv` and `RUST_LOG=trace` log the deploy (ferroform's phases, the SDK's operations) and
/// never the NoEcho value: at TRACE the SDK logs whole requests, and CreateChangeSet carries
/// the parameters; ferroform shows nothing below DEBUG from other crates.
#[test]
fn verbose_logs_show_the_deploy_and_never_a_no_echo_value() {
    let Some(moto) = Moto::start() else { return };
    let dir = support::temp_dir("no-leaks-logs");
    let file = dir.join("t.json");
    std::fs::write(&file, SECRET_TEMPLATE).unwrap();
    let mut quiet = moto.ferroform();
    quiet.env_remove("RUST_LOG");
    let o = quiet
        .args(["deploy", "--yes", "--progress", "events", "--template"])
        .arg(&file)
        .args([
            "--stack-name",
            "quiet",
            "--parameter",
            "DbPassword=hunter2-value",
        ])
        .output()
        .unwrap();
    exits(&o, 0);
    let quiet_err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !quiet_err.contains("DEBUG"),
        "no log without -v or RUST_LOG: {quiet_err}"
    );

    for (verbosity, rust_log) in [("-v", None), ("-vv", Some("trace"))] {
        let mut c = moto.ferroform();
        match rust_log {
            Some(v) => c.env("RUST_LOG", v),
            None => c.env_remove("RUST_LOG"),
        };
        let stack = format!("logged{}", verbosity.len());
        let o = c
            .args(["deploy", "--yes", verbosity, "--template"])
            .arg(&file)
            .args([
                "--stack-name",
                &stack,
                "--parameter",
                "DbPassword=hunter2-value",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{verbosity}: {}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("DEBUG") && err.contains(&format!("reading the state of stack {stack}")),
            "{verbosity}: ferroform's phases are logged: {err}"
        );
        assert!(
            err.contains("CreateChangeSet"),
            "{verbosity}: the SDK's operations are logged: {err}"
        );
        assert!(!text(&o).contains("hunter2"), "{verbosity}: {}", text(&o));
    }
}

mod mocked {
    use aws_sdk_cloudformation::Client;
    use aws_sdk_cloudformation::types::{ChangeSetType, ResourceStatus, StackEvent, StackStatus};
    use aws_smithy_mocks::mock;
    use aws_smithy_types::DateTime;
    use ferroform::Template;
    use ferroform::deploy::{self, DeployOptions};

    use super::shared_mocks::{
        Rec, STACK_ID, adds, create_change_set, describing, execute_change_set, missing,
        no_events_then, output, rt, session, web_stack,
    };

    fn event(n: u32, logical: &str, ty: &str, status: ResourceStatus, reason: &str) -> StackEvent {
        StackEvent::builder()
            .stack_id(STACK_ID)
            .stack_name("web")
            .event_id(format!("e{n}"))
            .logical_resource_id(logical)
            .resource_type(ty)
            .resource_status(status)
            .resource_status_reason(reason)
            .timestamp(DateTime::from_secs(1_800_000_000 + i64::from(n)))
            .build()
    }

    #[test]
    fn a_short_no_echo_value_garbles_nothing_and_its_outputs_are_masked() {
        // Synthesized responses (AWS API reference): a first create that succeeds; the stack
        // then reports an output built from the NoEcho parameter, in clear (as CloudFormation
        // does), and one that is not.
        let describe = mock!(Client::describe_stacks)
            .sequence()
            .error(missing)
            .output(|| {
                describing(
                    web_stack(StackStatus::CreateComplete)
                        .outputs(output("Token", "tok-e"))
                        .outputs(output("LogsName", "web-logs-e"))
                        .build(),
                )
            })
            .repeatedly()
            .build();
        let events = no_events_then(vec![
            event(
                3,
                "web",
                "AWS::CloudFormation::Stack",
                ResourceStatus::CreateComplete,
                "Stack creation completed",
            ),
            event(
                2,
                "Logs",
                "AWS::Logs::LogGroup",
                ResourceStatus::CreateComplete,
                "Resource creation Initiated",
            ),
            event(
                1,
                "web",
                "AWS::CloudFormation::Stack",
                ResourceStatus::CreateInProgress,
                "User Initiated",
            ),
        ]);
        let create = create_change_set(ChangeSetType::Create);
        let describe_cs = adds("Logs", "AWS::Logs::LogGroup");
        let execute = execute_change_set();
        let s = session(&[&describe, &events, &create, &describe_cs, &execute]);
        let body = r#"{"Parameters": {"Pw": {"Type": "String", "NoEcho": "true"}},
          "Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}},
          "Outputs": {"Token": {"Value": {"Fn::Sub": "tok-${Pw}"}},
                      "LogsName": {"Value": {"Ref": "Logs"}}}}"#;
        let template = Template::new(
            "web",
            Template::parse("web.json", body).unwrap().body().clone(),
        );
        let opts = DeployOptions {
            yes: true,
            parameters: vec![("Pw".into(), "e".into())],
            ..Default::default()
        };
        let mut ui = Rec::default();
        let (_, outputs) = rt()
            .block_on(deploy::deploy(&s, &template, &opts, &mut ui))
            .unwrap();
        assert_eq!(
            outputs["Token"], "****",
            "derived from the NoEcho parameter"
        );
        assert_eq!(
            outputs["LogsName"], "web-logs-e",
            "not derived: left intact"
        );
        let all = ui.lines.join("\n");
        assert!(!all.contains("****"), "nothing garbled: {all}");
        assert!(all.contains("Resource creation Initiated"), "{all}");
        assert!(all.contains("Stack web: CREATE_COMPLETE"), "{all}");
    }
}
