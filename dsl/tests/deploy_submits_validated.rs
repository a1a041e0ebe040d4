//! Nothing lost between what the validator checked and what deploy sends (issue #9): for
//! any template the validator accepts, the `TemplateBody` of the CreateChangeSet request
//! holds exactly that template's keys and values. Random templates (many resources, and
//! Metadata with arbitrary keys, nesting and YAML 1.1 look-alike strings such as `yes`,
//! `0755` or `1:20`) are written as JSON (pretty and compact) and as YAML, read back with
//! `Template::parse` (as `ferroform deploy` reads a template file; the stack is named `web`) or taken as a
//! synthesized template, validated, and deployed through the real SDK client.
//!
//! SYNTHESIZED RESPONSES: the CloudFormation answers are typed SDK values built with
//! aws-smithy-mocks (support/mocked.rs), following the AWS CloudFormation API reference; the
//! request the SDK serializes is captured as it is sent.

use std::sync::{Arc, Mutex};

use aws_sdk_cloudformation::types::{ChangeAction, Replacement};
use ferroform::deploy::{self, DeployOptions};
use ferroform::validate::validate;
use ferroform::{Severity, Template};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

#[path = "support/mocked.rs"]
mod mocked;
use mocked::{Rec, Update, change, create_change_set_matching, created_change_set, rt};

/// Deploy `t` over a stack holding an empty-bucket template; return the `TemplateBody`
/// the CreateChangeSet request carried.
fn submitted(t: &Template) -> String {
    let seen: Arc<Mutex<Option<String>>> = Arc::default();
    let keep = seen.clone();
    let create = create_change_set_matching(move |r| {
        *keep.lock().unwrap() = r.template_body().map(str::to_owned);
        true
    });
    let describe_cs = created_change_set(vec![change(
        ChangeAction::Add,
        "R0",
        "AWS::SNS::Topic",
        Some(Replacement::False),
    )]);
    let update = Update {
        create,
        ..Update::new(
            r#"{"Resources":{"Old":{"Type":"AWS::SNS::Topic"}}}"#,
            describe_cs,
        )
    };
    let s = update.session();
    let mut ui = Rec::yes();
    let opts = DeployOptions {
        yes: true,
        ..Default::default()
    };
    rt().block_on(deploy::deploy(&s, t, &opts, &mut ui))
        .unwrap_or_else(|e| panic!("deploy failed: {e}\n{:?}", ui.lines));
    assert_eq!(update.create.num_calls(), 1, "one change set");
    assert_eq!(update.execute.num_calls(), 1, "executed once");
    let body = seen.lock().unwrap().take();
    body.expect("CreateChangeSet carried a TemplateBody")
}

/// Strings a YAML 1.1 reader could take for something else, and plain ones.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("yes".to_owned()),
        Just("No".to_owned()),
        Just("off".to_owned()),
        Just("0755".to_owned()),
        Just("1_000".to_owned()),
        Just("1:20".to_owned()),
        Just(".nan".to_owned()),
        Just("~".to_owned()),
        Just("null".to_owned()),
        Just(String::new()),
        Just("!Ref X".to_owned()),
        Just("a: b".to_owned()),
        Just("- x".to_owned()),
        Just("# not a comment".to_owned()),
        "[a-zA-Z0-9 :#'\"\\\\/{}\\[\\],&*!|>%@`.-]{0,12}",
        "\\PC{0,8}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        text().prop_filter("keys are not empty", |k| !k.is_empty()),
        "[A-Za-z][A-Za-z0-9]{0,10}"
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::String),
        any::<i32>().prop_map(|n| json!(n)),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A template of 1–6 SNS topics, each with random Metadata, and an output per topic.
fn template() -> impl Strategy<Value = Value> {
    prop::collection::vec(tree(), 1..7).prop_map(|metas| {
        let mut resources = Map::new();
        let mut outputs = Map::new();
        for (i, meta) in metas.into_iter().enumerate() {
            resources.insert(
                format!("R{i}"),
                json!({"Type": "AWS::SNS::Topic", "Metadata": {"Notes": meta}}),
            );
            outputs.insert(format!("Topic{i}"), json!({"Value": {"Ref": format!("R{i}")}}));
        }
        json!({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources, "Outputs": outputs})
    })
}

/// Validate `t` (no error expected) and check that what deploy sends reads back as `body`.
fn check(t: &Template, body: &Value, json_text: bool) -> Result<(), TestCaseError> {
    let errors: Vec<String> = validate(t)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(std::string::ToString::to_string)
        .collect();
    prop_assert!(errors.is_empty(), "the validator refused it: {errors:?}");
    // What the validator read is the template written.
    prop_assert_eq!(t.body(), body);
    let sent = submitted(t);
    // An independent reader for JSON; for YAML, ferroform's YAML 1.1 reader (the writer and
    // reader are checked against cfn-lint's loader in tests/yaml_equivalence.rs).
    let read_back: Value = if json_text {
        serde_json::from_str(&sent).map_err(|e| TestCaseError::fail(format!("{e}: {sent}")))?
    } else {
        Template::parse("sent.yaml", &sent)
            .map_err(|e| TestCaseError::fail(format!("{e}: {sent}")))?
            .body()
            .clone()
    };
    prop_assert_eq!(&read_back, body, "sent: {}", sent);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_json_file_is_sent_as_it_was_validated(body in template(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&body).unwrap()
        } else {
            serde_json::to_string(&body).unwrap()
        };
        let t = Template::parse("web", &text).unwrap();
        check(&t, &body, true)?;
    }

    #[test]
    fn a_yaml_file_is_sent_as_it_was_validated(body in template()) {
        let text = Template::new("t", body.clone()).to_yaml();
        let t = Template::parse("web", &text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check(&t, &body, false)?;
    }

    #[test]
    fn a_synthesized_template_is_sent_as_it_was_validated(body in template()) {
        check(&Template::new("web", body.clone()), &body, true)?;
    }
}
