//! The validator on DSL programs: values that only become known at synth (typed builders
//! cannot rule them out) are refused by `App::synth`, each case with a corrected twin that
//! synthesizes with no diagnostics; every example stack validates clean; the command line's
//! `synth --strict` and `validate` obey warnings and errors.

use ferroform::resources::applicationautoscaling::{self as aas, scalable_target};
use ferroform::resources::ecs::{self, task_definition as td};
use ferroform::resources::{ecr, logs};
use ferroform::validate::validate;
use ferroform::{App, Resource, Severity, Stack, pseudo};

mod all_examples;
mod support;

use support::programs::run_app;

fn container() -> td::ContainerDefinition {
    td::ContainerDefinition::new(td::ContainerDefinitionRequired {
        image: "nginx".into(),
        name: "web".into(),
    })
}

fn fargate_task(
    cpu: &str,
    memory: &str,
    containers: Vec<td::ContainerDefinition>,
) -> ecs::TaskDefinition {
    ecs::TaskDefinition::new()
        .cpu(cpu)
        .memory(memory)
        .network_mode(td::NetworkMode::Awsvpc)
        .requires_compatibilities(vec![td::RequiresCompatibility::Fargate])
        .container_definitions(containers)
}

fn one(name: &str, f: impl FnOnce(&mut Stack)) -> App {
    let mut stack = Stack::new(name);
    f(&mut stack);
    let mut app = App::new();
    app.add(stack);
    app
}

/// The app of one stack `Web` whose only resource is `fargate_task(cpu, memory, containers)`,
/// named `Task`.
fn task_app(cpu: &str, memory: &str, containers: Vec<td::ContainerDefinition>) -> App {
    one("Web", |s| {
        s.add("Task", fargate_task(cpu, memory, containers));
    })
}

/// The stack `Web` whose only resource `id` is `bad` is refused with only the error `rule`
/// on `id` at `path`; with its `twin` in its place instead, it is clean.
#[track_caller]
fn refused_twin_clean<T: Resource>(id: &str, bad: T, rule: &str, path: &str, twin: T) {
    let app = |resource: T| {
        one("Web", |s| {
            s.add(id, resource);
        })
    };
    assert_eq!(refused(&app(bad)), error(rule, id, path));
    clean(&app(twin));
}

/// A Fargate task of `cpu` is refused (FF4001, on its memory) with `refused_memory`, and
/// clean with `accepted_memory`.
#[track_caller]
fn memory_refused_twin_clean(cpu: &str, refused_memory: &str, accepted_memory: &str) {
    refused_twin_clean(
        "Task",
        fargate_task(cpu, refused_memory, vec![container()]),
        "FF4001",
        "Task.Properties.Memory",
        fargate_task(cpu, accepted_memory, vec![container()]),
    );
}

/// A Fargate task (256 units, 512 MiB) whose one container is `bad` is refused with only
/// the error `rule` at `path`; with `twin` instead it is clean.
#[track_caller]
fn container_refused_twin_clean(
    bad: td::ContainerDefinition,
    rule: &str,
    path: &str,
    twin: td::ContainerDefinition,
) {
    refused_twin_clean(
        "Task",
        fargate_task("256", "512", vec![bad]),
        rule,
        path,
        fargate_task("256", "512", vec![twin]),
    );
}

/// What a test compares of a diagnostic: `(severity, rule, logical id, path)`.
type Found = (Severity, String, String, String);

/// `(severity, rule, logical id, path)` of a refused app, sorted; panics when it synthesizes.
fn refused(app: &App) -> Vec<Found> {
    let e = app.synth().expect_err("the stack must be refused");
    let mut v: Vec<Found> = e
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.severity,
                d.rule.to_owned(),
                d.logical_id.clone().unwrap_or_default(),
                d.path.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Every diagnostic the validator finds in `t`, as printed.
fn diagnostic_lines(t: &ferroform::Template) -> Vec<String> {
    validate(t)
        .diagnostics
        .iter()
        .map(std::string::ToString::to_string)
        .collect()
}

/// The twin synthesizes, and its template has no diagnostics at all.
fn clean(app: &App) {
    let templates = app.synth().unwrap_or_else(|e| panic!("{e}"));
    for t in &templates {
        let list = diagnostic_lines(t);
        assert!(list.is_empty(), "{}:\n{}", t.name(), list.join("\n"));
    }
}

/// The one error a refused case expects: every case here is a value CloudFormation or the
/// service rejects, so an error (written by hand, not read from `RULES`), at `path`.
fn error(rule: &str, id: &str, path: &str) -> Vec<Found> {
    vec![(
        Severity::Error,
        rule.to_owned(),
        id.to_owned(),
        path.to_owned(),
    )]
}

#[test]
fn fargate_cpu_memory_pair() {
    // 256 cpu units allow 512, 1024 or 2048 MiB.
    memory_refused_twin_clean("256", "4096", "2048");
}

#[test]
fn fargate_unit_forms() {
    // "0.5 vCPU" is 512 units: 1 to 4 GB.
    memory_refused_twin_clean("0.5 vCPU", "8 GB", "4 GB");
}

#[test]
fn no_essential_container() {
    container_refused_twin_clean(
        container().essential(false),
        "FF4005",
        "Task.Properties.ContainerDefinitions",
        container().essential(true),
    );
}

#[test]
fn awsvpc_host_port() {
    let mapping = |host: i64| vec![td::PortMapping::new().container_port(80).host_port(host)];
    container_refused_twin_clean(
        container().port_mappings(mapping(8080)),
        "FF4008",
        "Task.Properties.ContainerDefinitions[0].PortMappings[0].HostPort",
        container().port_mappings(mapping(80)),
    );
}

#[test]
fn awslogs_needs_region() {
    let logging = |with_region: bool| {
        let mut opts = vec![
            ("awslogs-group", "/ecs/web".into()),
            ("awslogs-stream-prefix", "web".into()),
        ];
        if with_region {
            opts.push(("awslogs-region", pseudo::region()));
        }
        td::LogConfiguration::new("awslogs").options(opts)
    };
    container_refused_twin_clean(
        container().log_configuration(logging(false)),
        "FF4010",
        "Task.Properties.ContainerDefinitions[0].LogConfiguration.Options",
        container().log_configuration(logging(true)),
    );
}

#[test]
fn log_retention_from_the_allowed_set() {
    refused_twin_clean(
        "Logs",
        logs::LogGroup::new().retention_in_days(15),
        "FF2005",
        "Logs.Properties.RetentionInDays",
        logs::LogGroup::new().retention_in_days(14),
    );
}

#[test]
fn ecr_repository_name_pattern() {
    refused_twin_clean(
        "Repo",
        ecr::Repository::new().repository_name("Web_App"),
        "FF2006",
        "Repo.Properties.RepositoryName",
        ecr::Repository::new().repository_name("web_app"),
    );
}

#[test]
fn scalable_target_min_above_max() {
    let target = |max: i64, min: i64| {
        aas::ScalableTarget::new(aas::ScalableTargetRequired {
            max_capacity: max.into(),
            min_capacity: min.into(),
            resource_id: "service/web-cluster/web".into(),
            scalable_dimension: scalable_target::ScalableDimension::EcsServiceDesiredCount.into(),
            service_namespace: scalable_target::ServiceNamespace::Ecs.into(),
        })
    };
    refused_twin_clean(
        "Target",
        target(2, 5),
        "FF4032",
        "Target.Properties.MinCapacity",
        target(5, 2),
    );
}

#[test]
fn capacity_provider_named_after_a_reserved_stack_name() {
    // No Name: CloudFormation names the provider after the stack, and `EcsProd-...` is
    // refused by ECS (names must not start with aws, ecs or fargate, in any case).
    let provider = || {
        ecs::CapacityProvider::new().auto_scaling_group_provider(
            ecs::capacity_provider::AutoScalingGroupProvider::new("my-asg"),
        )
    };
    for stack in ["EcsProd", "aws-web", "FARGATEish"] {
        let bad = one(stack, |s| {
            s.add("Provider", provider());
        });
        // No Name to point at: the path is the properties a Name would go in.
        assert_eq!(
            refused(&bad),
            error("FF4040", "Provider", "Provider.Properties"),
            "{stack}"
        );
    }
    // Twins: a compliant explicit name, or a stack name without the prefix.
    clean(&one("EcsProd", |s| {
        s.add("Provider", provider().name("web-provider"));
    }));
    clean(&one("Prod", |s| {
        s.add("Provider", provider());
    }));
    // A template read from a file is named by its path: no stack name to judge.
    let t = ferroform::Template::parse(
        "ecs-stack.yaml",
        "Resources:\n  Provider:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      AutoScalingGroupProvider:\n        AutoScalingGroupArn: my-asg\n",
    )
    .unwrap();
    assert_eq!(validate(&t).errors(), 0, "{:?}", validate(&t).diagnostics);
}

#[test]
fn every_example_stack_validates_clean() {
    for (name, app) in all_examples::all() {
        let templates = app
            .synth()
            .unwrap_or_else(|e| panic!("example {name}:\n{e}"));
        for t in &templates {
            let list = diagnostic_lines(t);
            assert!(
                list.is_empty(),
                "example {name}, stack {}:\n{}",
                t.name(),
                list.join("\n")
            );
        }
    }
}

#[test]
fn the_500_resource_fleet_has_only_the_inline_body_warning() {
    let mut app = App::new();
    app.add(all_examples::fleet_500());
    let (templates, warnings) = app
        .synth_checked(&["FargateFleet"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(templates.len(), 1);
    // A risk, not a refusal: deploy uploads the body to S3 (a warning, on the whole body).
    let found: Vec<(Severity, &str, Option<&str>, &str)> = warnings
        .iter()
        .map(|d| (d.severity, d.rule, d.logical_id.as_deref(), d.path.as_str()))
        .collect();
    assert_eq!(
        found,
        [(Severity::Warning, "FF3105", None, "")],
        "a 500-resource body is over 51,200 bytes: deploy uploads it"
    );
}

fn warning_app() -> App {
    // An output that refers to a conditional resource without its condition: FF3011.
    let mut stack = Stack::new("Web");
    let env = stack.parameter("Env", ferroform::Parameter::<String>::string());
    let prod = stack.condition("IsProd", ferroform::fns::equals(env.to_ref(), "prod"));
    let logs = stack.add("Logs", logs::LogGroup::new());
    stack.options(&logs).condition(&prod);
    stack.output("LogsName", logs.to_ref());
    let mut app = App::new();
    app.add(stack);
    app
}

#[test]
fn synth_prints_warnings_and_strict_refuses_them() {
    let (code, out, err) = run_app(warning_app(), &["synth"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("AWS::Logs::LogGroup"));
    assert!(err.contains("warning[FF3011]"), "{err}");
    assert!(err.contains("LogsName.Value.Ref"), "{err}");
    let (code, out, err) = run_app(warning_app(), &["synth", "--strict"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty());
}

#[test]
fn app_validate_reports_json_and_exit_codes() {
    let (code, out, _) = run_app(warning_app(), &["validate", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["errors"], 0);
    assert_eq!(doc["warnings"], 1);
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(1));
    assert_eq!(doc["diagnostics"][0]["severity"], "warning");
    assert_eq!(doc["diagnostics"][0]["rule"], "FF3011");
    assert_eq!(doc["diagnostics"][0]["file"], "Web");
    assert_eq!(doc["diagnostics"][0]["logical_id"], "LogsName");
    // The output's value refers to the conditional resource.
    assert_eq!(doc["diagnostics"][0]["path"], "LogsName.Value.Ref");
    let (code, _, _) = run_app(warning_app(), &["validate", "--strict"]);
    assert_eq!(code, 1);
    let bad = task_app("256", "4096", vec![container()]);
    let (code, out, _) = run_app(bad, &["validate"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[FF4001]: Fargate cpu 256 does not allow memory 4096 MiB"),
        "{out}"
    );
    assert!(
        out.contains("with cpu 256 use memory 512, 1024 or 2048 (MiB)"),
        "{out}"
    );
    let (code, _, err) = run_app(warning_app(), &["validate", "Nope"]);
    assert_eq!(code, 2, "{err}");
}
