//! `ferroform::testing` as a user's tests use it: partial assertions on a stack's template
//! with readable failures, and insta snapshots.

use ferroform::ecs::{LifecycleRule, Repository, RepositoryProps};
use ferroform::resources::ecs::{self, task_definition as td};
use ferroform::resources::{ecr, logs};
use ferroform::testing::{Match, TemplateAssert, snapshot_json};
use ferroform::{App, Stack};
use serde_json::json;

fn task_stack() -> Stack {
    let mut stack = Stack::new("Web");
    let logs = stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
    stack.options(&logs).retain();
    stack.add(
        "Task",
        ecs::TaskDefinition::new()
            .cpu("512")
            .memory("2048")
            .container_definitions(vec![
                td::ContainerDefinition::new(td::ContainerDefinitionRequired {
                    image: "envoy".into(),
                    name: "proxy".into(),
                })
                .memory(256),
                td::ContainerDefinition::new(td::ContainerDefinitionRequired {
                    image: "nginx".into(),
                    name: "web".into(),
                })
                .memory(1024)
                .essential(true),
            ]),
    );
    stack
}

#[test]
fn container_web_has_memory_1024() -> Result<(), Box<dyn std::error::Error>> {
    let t = TemplateAssert::from_stack(&task_stack())?;
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        json!({"ContainerDefinitions": [{"Name": "web", "Memory": 1024}]}),
    )?;
    // Task-level Memory is a string in CloudFormation.
    t.has_resource_properties("AWS::ECS::TaskDefinition", json!({"Memory": "2048"}))?;
    t.resource_count_is("AWS::ECS::TaskDefinition", 1)?;
    t.resource_count_is("AWS::ECS::Service", 0)?;
    t.has_resource(
        "AWS::Logs::LogGroup",
        json!({"DeletionPolicy": "Retain", "Properties": {"RetentionInDays": 30}}),
    )?;
    assert_eq!(t.find_resources("AWS::Logs::LogGroup").len(), 1);
    assert_eq!(t.find_resources("AWS::Logs::LogGroup")[0].0, "Logs");
    assert_eq!(
        t.find_resources_matching("AWS::Logs::LogGroup", &json!({"DeletionPolicy": "Delete"}))
            .len(),
        0
    );
    Ok(())
}

#[test]
fn a_failure_names_the_closest_candidate_and_the_path() {
    let t = TemplateAssert::from_stack(&task_stack()).unwrap();
    let err = t
        .has_resource_properties(
            "AWS::ECS::TaskDefinition",
            json!({"ContainerDefinitions": [{"Name": "web", "Memory": 512}]}),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("no AWS::ECS::TaskDefinition properties in `Web` matches (of 1 candidate).\nclosest: `Task`, at ContainerDefinitions[1].Memory: expected 512, found 1024"),
        "{text}"
    );
    // The whole candidate is shown.
    assert!(text.contains("\"Image\": \"nginx\""), "{text}");

    let err = t
        .resource_count_is("AWS::ECS::TaskDefinition", 2)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected 2 AWS::ECS::TaskDefinition resources in `Web`, found 1: Task"
    );

    let err = t
        .has_resource_properties("AWS::ECS::Service", json!({}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`Web` has no AWS::ECS::Service; its resource types: AWS::ECS::TaskDefinition, AWS::Logs::LogGroup"
    );

    // The string/number trap is explained.
    let err = t
        .has_resource_properties("AWS::ECS::TaskDefinition", json!({"Memory": 2048}))
        .unwrap_err();
    assert!(
        err.to_string().contains("a string in the template"),
        "{err}"
    );
}

#[test]
fn outputs_parameters_and_serialized_json() {
    let mut stack = Stack::new("Images");
    let repo = Repository::new(
        &mut stack,
        "Repo",
        RepositoryProps {
            lifecycle_rules: vec![LifecycleRule::KeepLast(30)],
            ..Default::default()
        },
    );
    stack.output("Uri", repo.uri());
    let t = TemplateAssert::from_stack(&stack).unwrap();
    t.has_output(
        "Uri",
        json!({"Value": {"Fn::GetAtt": ["Repo", "RepositoryUri"]}}),
    )
    .unwrap();
    t.has_output("*", json!({"Value": Match::any()})).unwrap();
    assert!(
        t.has_output("Missing", json!({}))
            .unwrap_err()
            .to_string()
            .contains("has no output `Missing`; its outputs: Uri")
    );
    t.has_resource_properties(
        "AWS::ECR::Repository",
        json!({
            "LifecyclePolicy": {"LifecyclePolicyText": Match::serialized_json(json!({
                "rules": [{"selection": {"tagStatus": "any", "countNumber": 30}}]
            }))},
            "EmptyOnDelete": Match::absent(),
        }),
    )
    .unwrap();
    assert!(t.has_parameter("Nope", json!({})).is_err());
}

#[test]
fn from_app_sees_cross_stack_imports() {
    let mut platform = Stack::new("Platform");
    let repo = platform.add("Repo", ecr::Repository::new());
    let mut service = Stack::new("Service");
    service.add("Logs", logs::LogGroup::new());
    service.output("Arn", repo.attr_arn());
    let mut app = App::new();
    app.add(platform).add(service);

    let s = TemplateAssert::from_app(&app, "Service").unwrap();
    s.has_output(
        "Arn",
        json!({"Value": {"Fn::ImportValue": "Platform:Repo:Arn"}}),
    )
    .unwrap();
    let p = TemplateAssert::from_app(&app, "Platform").unwrap();
    p.has_output(
        "ExportRepoArn",
        json!({"Export": {"Name": "Platform:Repo:Arn"}}),
    )
    .unwrap();
    assert!(TemplateAssert::from_app(&app, "Nope").is_err());
    // On its own, the consumer does not synthesize: the error says why.
    let app_stacks = app.stacks();
    let err = TemplateAssert::from_stack(&app_stacks[1]).unwrap_err();
    assert!(err.to_string().contains("FF1003"), "{err}");
}

#[test]
fn snapshot_with_insta() {
    let text = snapshot_json(&task_stack()).unwrap();
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("testing_api_web", text);
    });
}
