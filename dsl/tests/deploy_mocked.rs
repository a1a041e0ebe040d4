//! SDK-level tests of what moto cannot show (rollbacks, ROLLBACK_COMPLETE, "no changes",
//! throttling, per-resource events, `Replacement`, outputs of change-set-created stacks,
//! NoEcho masking).
//!
//! SYNTHESIZED RESPONSES: every CloudFormation response here is a typed SDK value built by
//! hand with aws-smithy-mocks, following the AWS CloudFormation API reference (field names,
//! status values and error codes/messages as documented). Real AWS cannot be reached from
//! here to record them. The real SDK client runs: serialization aside, its retry loop,
//! error classification and our whole deploy flow are exercised.

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::{
    describe_change_set::DescribeChangeSetOutput, execute_change_set::ExecuteChangeSetOutput,
};
use aws_sdk_cloudformation::types::{
    ChangeAction, ChangeSetStatus, ChangeSetType, ExecutionStatus, Parameter, Replacement,
    ResourceStatus, StackEvent, StackStatus,
};
use aws_smithy_mocks::mock;
use ferroform::Template;
use ferroform::deploy::{self, DeployOptions, DeployOutcome, ErrorKind};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{
    CS_ID, Creation, Rec, STACK_ID, Update, change, create_change_set, created_change_set,
    delete_change_set, delete_stack, deployed_template, describing, execute_change_set, existing,
    missing, new_stack, no_events_then, output, rt, session, stack, web_stack,
};

fn event(
    n: u32,
    logical: &str,
    ty: &str,
    status: ResourceStatus,
    reason: Option<&str>,
) -> StackEvent {
    mocked::event_at(1_800_000_000, n, logical, ty, status, reason)
}

const WEB: &str = r#"{"Parameters": {"Secret": {"Type": "String", "NoEcho": true}},
  "Resources": {"Repo": {"Type": "AWS::ECR::Repository"},
                "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": []}}}},
  "Outputs": {"RepoUri": {"Value": {"Fn::GetAtt": ["Repo", "RepositoryUri"]}}}}"#;

fn web() -> Template {
    let t = Template::parse("web.json", WEB).unwrap();
    Template::new("web", t.body().clone())
}

#[test]
fn rollback_summary_leads_with_the_root_cause_and_masks_no_echo_values() {
    // Synthesized responses (AWS API reference): a first create that fails on the role and
    // rolls back; the repository's creation is cancelled as a consequence.
    let describe = new_stack(StackStatus::RollbackComplete);
    // Newest first, as DescribeStackEvents returns them.
    let events = no_events_then(vec![
        event(
            9,
            "web",
            "AWS::CloudFormation::Stack",
            ResourceStatus::RollbackComplete,
            None,
        ),
        event(
            8,
            "Repo",
            "AWS::ECR::Repository",
            ResourceStatus::DeleteComplete,
            None,
        ),
        event(
            7,
            "web",
            "AWS::CloudFormation::Stack",
            ResourceStatus::RollbackInProgress,
            Some(
                "The following resource(s) failed to create: [Role, Repo]. Rollback requested by user.",
            ),
        ),
        event(
            6,
            "Repo",
            "AWS::ECR::Repository",
            ResourceStatus::CreateFailed,
            Some("Resource creation cancelled"),
        ),
        event(
            5,
            "Role",
            "AWS::IAM::Role",
            ResourceStatus::CreateFailed,
            Some("Invalid principal in policy: hunter2-secret (Service: Iam, Status Code: 400)"),
        ),
        event(
            4,
            "Repo",
            "AWS::ECR::Repository",
            ResourceStatus::CreateInProgress,
            None,
        ),
        event(
            3,
            "Role",
            "AWS::IAM::Role",
            ResourceStatus::CreateInProgress,
            None,
        ),
        event(
            2,
            "web",
            "AWS::CloudFormation::Stack",
            ResourceStatus::CreateInProgress,
            Some("User Initiated"),
        ),
    ]);
    let create = create_change_set(ChangeSetType::Create);
    let describe_cs = created_change_set(vec![
        change(ChangeAction::Add, "Repo", "AWS::ECR::Repository", None),
        change(ChangeAction::Add, "Role", "AWS::IAM::Role", None),
    ]);
    let execute = execute_change_set();
    let s = session(&[&describe, &events, &create, &describe_cs, &execute]);
    let mut ui = Rec::default();
    let opts = DeployOptions {
        yes: true,
        parameters: vec![("Secret".into(), "hunter2-secret".into())],
        ..Default::default()
    };
    let err = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut ui))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed);
    assert_eq!(err.kind, ErrorKind::Failed);
    let msg = err.to_string();
    assert!(
        msg.starts_with("stack web: deploy failed: ROLLBACK_COMPLETE"),
        "{msg}"
    );
    let first_cause = msg.lines().nth(1).unwrap_or_default();
    assert!(
        first_cause.contains(
            "root cause: Role (AWS::IAM::Role) CREATE_FAILED: Invalid principal in policy: ****"
        ),
        "{msg}"
    );
    assert!(
        !msg.contains("hunter2-secret"),
        "NoEcho value masked in errors: {msg}"
    );
    assert!(
        !ui.lines.iter().any(|l| l.contains("hunter2-secret")),
        "masked in events: {:?}",
        ui.lines
    );
    // The per-resource event stream, oldest first, each event once.
    let seen: Vec<(String, String)> = ui
        .events
        .iter()
        .map(|e| (e.logical_id.clone(), e.status.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            ("web", "CREATE_IN_PROGRESS"),
            ("Role", "CREATE_IN_PROGRESS"),
            ("Repo", "CREATE_IN_PROGRESS"),
            ("Role", "CREATE_FAILED"),
            ("Repo", "CREATE_FAILED"),
            ("web", "ROLLBACK_IN_PROGRESS"),
            ("Repo", "DELETE_COMPLETE"),
            ("web", "ROLLBACK_COMPLETE"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(execute.num_calls(), 1);
}

#[test]
fn rollback_complete_is_deleted_only_with_confirmation_then_created_with_outputs() {
    // Synthesized responses (AWS API reference): a stack left in ROLLBACK_COMPLETE.
    let opts = DeployOptions::default();

    // Not on a terminal, no --yes: refused, nothing deleted.
    let describe = existing(StackStatus::RollbackComplete);
    let delete = delete_stack();
    let s = session(&[&describe, &delete]);
    let mut ui = Rec::default();
    let err = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut ui))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed);
    assert!(err.message.contains("--yes"), "{err}");
    assert_eq!(delete.num_calls(), 0);

    // Confirmed on a terminal: deleted, then created by a CREATE change set; the outputs
    // DescribeStacks reports come back (and go to the outputs file).
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::RollbackComplete))
        .error(missing)
        .output(|| {
            describing(
                web_stack(StackStatus::CreateComplete)
                    .outputs(output(
                        "RepoUri",
                        "123456789012.dkr.ecr.us-east-1.amazonaws.com/web",
                    ))
                    .build(),
            )
        })
        .repeatedly()
        .build();
    let creation = Creation {
        describe,
        ..Creation::new(StackStatus::CreateComplete)
    };
    let delete = delete_stack();
    let s = creation.session(&[&delete]);
    let mut ui = Rec {
        answer: Some(true),
        ..Default::default()
    };
    let (outcome, outputs) = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut ui))
        .unwrap();
    assert_eq!(outcome, DeployOutcome::Executed { created: true });
    assert_eq!(delete.num_calls(), 1);
    assert_eq!(
        creation.create.num_calls(),
        1,
        "CREATE change set after the delete"
    );
    assert!(
        ui.asked.iter().any(|q| q.contains("Delete stack web")),
        "{:?}",
        ui.asked
    );
    assert_eq!(
        outputs.get("RepoUri").map(String::as_str),
        Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/web")
    );

    let dir = std::env::temp_dir().join(format!("ferroform-mocked-outputs-{}", std::process::id()));
    let file = dir.join("outputs.json");
    let mut all = indexmap::IndexMap::new();
    all.insert("web".to_owned(), outputs);
    deploy::write_outputs_file(&file, &all).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        written,
        serde_json::json!({"web": {"RepoUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web"}})
    );
}

#[test]
fn empty_change_set_is_no_changes_and_is_deleted() {
    for reason in [
        "The submitted information didn't contain changes. Submit different information to create a change set.",
        "No updates are to be performed.",
    ] {
        // Synthesized responses (AWS API reference): an existing stack; a NoEcho parameter
        // cannot be compared locally, so a change set is made and comes back FAILED empty.
        let describe = mock!(Client::describe_stacks).then_output(|| {
            describing(
                web_stack(StackStatus::UpdateComplete)
                    .parameters(
                        Parameter::builder()
                            .parameter_key("Secret")
                            .parameter_value("****")
                            .build(),
                    )
                    .build(),
            )
        });
        let template = deployed_template(WEB);
        let create = create_change_set(ChangeSetType::Update);
        let failed = mock!(Client::describe_change_set).then_output(move || {
            DescribeChangeSetOutput::builder()
                .change_set_id(CS_ID)
                .stack_id(STACK_ID)
                .status(ChangeSetStatus::Failed)
                .status_reason(reason)
                .execution_status(ExecutionStatus::Unavailable)
                .build()
        });
        let delete_cs = delete_change_set();
        let execute = execute_change_set();
        let s = session(&[&describe, &template, &create, &failed, &delete_cs, &execute]);
        let mut ui = Rec::default();
        let opts = DeployOptions {
            parameters: vec![("Secret".into(), "hunter2-secret".into())],
            ..Default::default()
        };
        let (outcome, _) = rt()
            .block_on(deploy::deploy(&s, &web(), &opts, &mut ui))
            .unwrap();
        assert_eq!(outcome, DeployOutcome::NoChanges, "{reason}");
        assert_eq!(create.num_calls(), 1);
        assert_eq!(
            delete_cs.num_calls(),
            1,
            "the empty change set is not left behind"
        );
        assert_eq!(execute.num_calls(), 0);
        assert!(
            ui.lines.iter().any(|l| l == "Stack web: no changes"),
            "{:?}",
            ui.lines
        );
    }
}

#[test]
fn throttling_is_retried_by_the_sdk() {
    // Synthesized responses (AWS API reference, query protocol error body): one Throttling
    // error, then success.
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .http_status(
            400,
            Some(r#"<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>"#.to_owned()),
        )
        .output(|| stack(StackStatus::CreateComplete))
        .build();
    let s = session(&[&describe]);
    let outputs = rt().block_on(deploy::outputs(&s, "web")).unwrap();
    assert!(outputs.is_empty());
    assert_eq!(describe.num_calls(), 2, "the throttled call was retried");
}

#[test]
fn replacement_needs_approval_and_a_refusal_executes_nothing() {
    // Synthesized responses (AWS API reference): an update that replaces the repository.
    let old = WEB.replace("\"Repo\": {\"Type\": \"AWS::ECR::Repository\"}", "\"Repo\": {\"Type\": \"AWS::ECR::Repository\", \"Properties\": {\"RepositoryName\": \"old\"}}");
    for answer in [None, Some(false), Some(true)] {
        let update = Update::new(
            old.clone(),
            created_change_set(vec![change(
                ChangeAction::Modify,
                "Repo",
                "AWS::ECR::Repository",
                Some(Replacement::True),
            )]),
        );
        let s = update.session();
        let mut ui = Rec {
            answer,
            ..Default::default()
        };
        let r = rt().block_on(deploy::deploy(
            &s,
            &web(),
            &DeployOptions::default(),
            &mut ui,
        ));
        assert!(
            ui.lines.iter().any(|l| l.contains("REPLACEMENT")),
            "{:?}",
            ui.lines
        );
        assert!(
            ui.lines
                .iter()
                .any(|l| l.contains("Repo (AWS::ECR::Repository) is replaced")),
            "{:?}",
            ui.lines
        );
        match answer {
            Some(true) => {
                assert_eq!(r.unwrap().0, DeployOutcome::Executed { created: false });
                assert_eq!(update.execute.num_calls(), 1);
            }
            _ => {
                let e = r.unwrap_err();
                assert_eq!(e.kind, ErrorKind::Failed, "{e}");
                assert_eq!(update.execute.num_calls(), 0, "nothing executed");
                assert_eq!(update.delete_cs.num_calls(), 1, "change set removed");
            }
        }
    }
}

fn protected_stack(status: StackStatus, protection: bool) -> DescribeStacksOutput {
    describing(
        web_stack(status)
            .enable_termination_protection(protection)
            .build(),
    )
}

#[test]
fn termination_protection_is_turned_on_and_a_protected_stack_is_not_destroyed() {
    use aws_sdk_cloudformation::operation::update_termination_protection::UpdateTerminationProtectionOutput;
    // Synthesized responses (AWS API reference). moto 5.2.5 answers
    // UpdateTerminationProtection with HTTP 500 and deletes protected stacks anyway, so this
    // is tested here. A change set cannot carry EnableTerminationProtection, so deploy sets
    // it with UpdateTerminationProtection once the stack exists.
    let creation = Creation::new(StackStatus::CreateComplete);
    let protect = mock!(Client::update_termination_protection)
        .match_requests(|r| {
            r.enable_termination_protection() == Some(true) && r.stack_name() == Some(STACK_ID)
        })
        .then_output(|| {
            UpdateTerminationProtectionOutput::builder()
                .stack_id(STACK_ID)
                .build()
        });
    let s = creation.session(&[&protect]);
    let mut ui = Rec::default();
    let opts = DeployOptions {
        yes: true,
        termination_protection: true,
        ..Default::default()
    };
    let (outcome, _) = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut ui))
        .unwrap();
    assert_eq!(outcome, DeployOutcome::Executed { created: true });
    assert_eq!(protect.num_calls(), 1, "{:?}", ui.lines);
    assert!(
        ui.lines
            .iter()
            .any(|l| l == "Stack web: termination protection on"),
        "{:?}",
        ui.lines
    );

    // Without the flag nothing is turned on (the same rules, DescribeStacks' sequence anew).
    let creation = Creation {
        describe: new_stack(StackStatus::CreateComplete),
        ..creation
    };
    let protect = mock!(Client::update_termination_protection)
        .then_output(|| UpdateTerminationProtectionOutput::builder().build());
    let s = creation.session(&[&protect]);
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    rt().block_on(deploy::deploy(&s, &web(), &opts, &mut Rec::default()))
        .unwrap();
    assert_eq!(protect.num_calls(), 0);

    // destroy of a protected stack: a clear error, exit 1, nothing deleted (even with --yes).
    let describe = mock!(Client::describe_stacks)
        .then_output(|| protected_stack(StackStatus::UpdateComplete, true));
    let delete = delete_stack();
    let s = session(&[&describe, &delete]);
    let mut ui = Rec::default();
    let err = rt()
        .block_on(deploy::destroy(&s, "web", true, None, None, &mut ui))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed);
    assert!(err.message.contains("termination protection"), "{err}");
    assert_eq!(delete.num_calls(), 0, "nothing deleted");
}

#[test]
fn timeout_stops_waiting_says_cloudformation_continues_and_deletes_nothing() {
    // Synthesized responses (AWS API reference): a new stack whose creation stays
    // CREATE_IN_PROGRESS past --timeout.
    let creation = Creation::new(StackStatus::CreateInProgress);
    let delete = delete_stack();
    let delete_cs = delete_change_set();
    let s = creation.session(&[&delete, &delete_cs]);
    let opts = DeployOptions {
        yes: true,
        timeout: Some(std::time::Duration::from_millis(200)),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let err = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut Rec::default()))
        .unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.kind, ErrorKind::Failed, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("still CREATE_IN_PROGRESS after 200ms (--timeout)"),
        "{msg}"
    );
    assert!(msg.contains("CloudFormation continues"), "{msg}");
    assert!(msg.contains("ferroform status --stack-name web"), "{msg}");
    assert!(
        waited >= std::time::Duration::from_millis(200),
        "{waited:?}"
    );
    assert_eq!(creation.execute.num_calls(), 1);
    assert_eq!(delete.num_calls(), 0, "nothing deleted");
    assert_eq!(delete_cs.num_calls(), 0, "nothing deleted");

    // The same bound applies to waiting for the change set itself.
    let describe = mock!(Client::describe_stacks).then_error(missing);
    let pending = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .change_set_id(CS_ID)
            .stack_id(STACK_ID)
            .status(ChangeSetStatus::CreateInProgress)
            .build()
    });
    let s = session(&[
        &describe,
        &creation.create,
        &pending,
        &creation.execute,
        &delete,
        &delete_cs,
    ]);
    let err = rt()
        .block_on(deploy::deploy(&s, &web(), &opts, &mut Rec::default()))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed, "{err}");
    assert!(
        err.message.contains("still CREATE_IN_PROGRESS after 200ms"),
        "{err}"
    );
    assert!(err.message.contains("nothing was executed"), "{err}");
    assert_eq!(creation.execute.num_calls(), 1, "not executed this time");
    assert_eq!(delete.num_calls() + delete_cs.num_calls(), 0);
}

#[test]
fn polling_notices_the_final_state_within_a_second() {
    // Synthesized responses (AWS API reference): DescribeStacks says CREATE_IN_PROGRESS until
    // a known instant, CREATE_COMPLETE after it. With the default poll schedule (100 ms
    // growing by half up to 1 s) the deploy must return within one poll interval of it.
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};
    let switch: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let executed = switch.clone();
    let at = switch.clone();
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .error(missing)
        .output(move || {
            let done = at.lock().unwrap().is_some_and(|t| Instant::now() >= t);
            stack(if done {
                StackStatus::CreateComplete
            } else {
                StackStatus::CreateInProgress
            })
        })
        .repeatedly()
        .build();
    // The stack completes 3.5 s after ExecuteChangeSet: by then the schedule is at its 1 s
    // maximum, the worst case.
    let execute = mock!(Client::execute_change_set).then_output(move || {
        *executed.lock().unwrap() = Some(Instant::now() + Duration::from_millis(3500));
        ExecuteChangeSetOutput::builder().build()
    });
    let creation = Creation {
        describe,
        execute,
        ..Creation::new(StackStatus::CreateComplete)
    };
    let mut s = creation.session(&[]);
    s.poll = deploy::PollConfig::default();
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    rt().block_on(deploy::deploy(&s, &web(), &opts, &mut Rec::default()))
        .unwrap();
    let returned = Instant::now();
    let final_at = switch.lock().unwrap().expect("executed");
    let lag = returned.duration_since(final_at);
    eprintln!("POLL LAG: the deploy returned {lag:?} after the stack reached CREATE_COMPLETE");
    // One interval (at most 1 s, see PollConfig's unit test) plus a few in-memory calls; the
    // slack is for loaded CI machines, the figure is what matters.
    assert!(lag <= Duration::from_millis(1250), "{lag:?}");
}

/// Issue #9, 1, in the library: an empty name is refused before any call, and a
/// DescribeStacks answer for another stack (what an empty name lists) is never acted on.
/// SYNTHESIZED RESPONSE: DescribeStacks answering with a stack other than the one named.
#[test]
fn destroy_acts_only_on_the_stack_it_was_given() {
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::CreateComplete))
        .repeatedly()
        .build();
    let delete = delete_stack();
    let s = session(&[&describe, &delete]);
    // An empty name: nothing is sent at all.
    let err = rt()
        .block_on(deploy::destroy(
            &s,
            "",
            true,
            None,
            None,
            &mut Rec::default(),
        ))
        .unwrap_err();
    assert_ne!(err.kind, ErrorKind::Failed, "{err}");
    assert!(err.message.contains("empty"), "{err}");
    assert_eq!(describe.num_calls(), 0);
    // A valid name answered with another stack ("web"): refused, nothing deleted.
    let err = rt()
        .block_on(deploy::destroy(
            &s,
            "other",
            true,
            None,
            None,
            &mut Rec::default(),
        ))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Failed, "{err}");
    assert!(err.message.contains("instead of this stack"), "{err}");
    assert_eq!(delete.num_calls(), 0, "nothing deleted");
    // The right stack, by name and by ID, is read.
    for name in ["web", STACK_ID] {
        let r = rt().block_on(deploy::outputs(&s, name));
        assert!(r.is_ok(), "{name}: {r:?}");
    }
}
