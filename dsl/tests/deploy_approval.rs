//! Deploy-level approval of resource policies (issue #18): a change set that widens a
//! resource policy (an S3 bucket policy, an ECR repository policy) is shown, asked about,
//! and not executed without a yes; the same change narrowing the policy deploys without a
//! question.
//!
//! SYNTHESIZED RESPONSES: every CloudFormation response here is a typed SDK value built by
//! hand with aws-smithy-mocks, following the AWS CloudFormation API reference (field names,
//! status values as documented), as in deploy_mocked.rs (sharing its helpers, support/mocked.rs).
//! Real AWS cannot be reached from here to record them. The real SDK client runs.

use aws_sdk_cloudformation::types::{ChangeAction, Replacement};
use aws_smithy_mocks::Rule;
use ferroform::Template;
use ferroform::deploy::ErrorKind;
use ferroform::deploy::{self, DeployOptions, DeployOutcome};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, Update, change, created_change_set, rt};
use serde_json::{Value, json};

/// A change set that modifies `id` in place (no replacement: only the policy analysis can
/// ask for approval).
fn modified_in_place(id: &str, ty: &str) -> Rule {
    created_change_set(vec![change(
        ChangeAction::Modify,
        id,
        ty,
        Some(Replacement::False),
    )])
}

/// One resource policy, narrow and wide: the wide one lets anyone in.
struct Case {
    ty: &'static str,
    narrow: Value,
    wide: Value,
    /// What the approval reason must show was widened.
    shows: &'static str,
}

fn cases() -> Vec<Case> {
    let doc = |statement: Value| json!({"Version": "2012-10-17", "Statement": [statement]});
    vec![
        Case {
            ty: "AWS::S3::BucketPolicy",
            narrow: json!({"Bucket": "assets", "PolicyDocument": doc(json!(
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}))}),
            wide: json!({"Bucket": "assets", "PolicyDocument": doc(json!(
                {"Effect": "Allow", "Principal": "*",
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}))}),
            shows: "s3:GetObject on arn:aws:s3:::assets/* for AWS *",
        },
        Case {
            ty: "AWS::ECR::Repository",
            narrow: json!({"RepositoryName": "web", "RepositoryPolicyText": doc(json!(
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}))}),
            wide: json!({"RepositoryName": "web", "RepositoryPolicyText": doc(json!(
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                 "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage"]}))}),
            shows: "ecr:PutImage for AWS arn:aws:iam::444455556666:root",
        },
    ]
}

fn body(ty: &str, props: &Value) -> Value {
    json!({"Resources": {"Policy": {"Type": ty, "Properties": props}}})
}

struct Run {
    result: Result<DeployOutcome, deploy::Error>,
    ui: Rec,
    executed: usize,
    change_sets_deleted: usize,
}

/// Deploy `new` over a stack whose deployed template is `old`, answering `answer`.
fn deploy(old: &Value, new: &Value, ty: &str, answer: Option<bool>, yes: bool) -> Run {
    let update = Update::new(old.to_string(), modified_in_place("Policy", ty));
    let s = update.session();
    let mut ui = Rec {
        answer,
        ..Default::default()
    };
    let opts = DeployOptions {
        yes,
        ..Default::default()
    };
    let t = Template::new("web", new.clone());
    let result = rt()
        .block_on(deploy::deploy(&s, &t, &opts, &mut ui))
        .map(|(o, _)| o);
    assert_eq!(update.create.num_calls(), 1, "a change set is made");
    Run {
        result,
        ui,
        executed: update.execute.num_calls(),
        change_sets_deleted: update.delete_cs.num_calls(),
    }
}

#[test]
fn a_widened_resource_policy_is_not_deployed_without_approval() {
    for c in cases() {
        let (old, new) = (body(c.ty, &c.narrow), body(c.ty, &c.wide));
        for answer in [None, Some(false), Some(true)] {
            let run = deploy(&old, &new, c.ty, answer, false);
            let ui = &run.ui;
            assert!(
                ui.lines
                    .iter()
                    .any(|l| l == "This change set needs approval:"),
                "{}: {:?}",
                c.ty,
                ui.lines
            );
            let reason = format!("Policy ({}) adds or widens resource policy", c.ty);
            assert!(
                ui.lines
                    .iter()
                    .any(|l| l.contains(&reason) && l.contains(c.shows)),
                "{}: no line with `{reason}` and `{}`: {:?}",
                c.ty,
                c.shows,
                ui.lines
            );
            assert_eq!(ui.asked.len(), 1, "{}: asked once: {:?}", c.ty, ui.asked);
            match answer {
                Some(true) => {
                    let outcome = run.result.unwrap_or_else(|e| panic!("{}: {e}", c.ty));
                    assert_eq!(outcome, DeployOutcome::Executed { created: false });
                    assert_eq!(run.executed, 1, "{}", c.ty);
                }
                _ => {
                    let e = run.result.expect_err("refused");
                    assert_eq!(e.kind, ErrorKind::Failed, "{e}");
                    assert_eq!(run.executed, 0, "{}: nothing executed", c.ty);
                    assert_eq!(run.change_sets_deleted, 1, "{}: change set removed", c.ty);
                }
            }
        }
    }
}

#[test]
fn a_narrowed_resource_policy_deploys_without_a_question() {
    for c in cases() {
        let (old, new) = (body(c.ty, &c.wide), body(c.ty, &c.narrow));
        // Not on a terminal (no answer): a question would refuse the deploy.
        let run = deploy(&old, &new, c.ty, None, false);
        assert!(run.ui.asked.is_empty(), "{}: {:?}", c.ty, run.ui.asked);
        assert!(
            !run.ui.lines.iter().any(|l| l.contains("needs approval")),
            "{}: {:?}",
            c.ty,
            run.ui.lines
        );
        let outcome = run.result.unwrap_or_else(|e| panic!("{}: {e}", c.ty));
        assert_eq!(outcome, DeployOutcome::Executed { created: false });
        assert_eq!(run.executed, 1, "{}", c.ty);
    }
}

#[test]
fn yes_approves_a_widened_resource_policy_without_asking() {
    let c = &cases()[0];
    let run = deploy(
        &body(c.ty, &c.narrow),
        &body(c.ty, &c.wide),
        c.ty,
        None,
        true,
    );
    assert!(run.ui.asked.is_empty(), "{:?}", run.ui.asked);
    let outcome = run.result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome, DeployOutcome::Executed { created: false });
    assert_eq!(run.executed, 1);
}
