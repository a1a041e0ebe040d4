//! Every example stack: synthesized, snapshotted under `snapshots/`, deterministic, and linted
//! by the pinned cfn-lint with zero errors and zero warnings.

mod support;

use ferroform::{App, Format, Template};

mod all_examples;

/// Every example, by file name. `every_example_file_is_registered` keeps the list honest.
fn examples() -> Vec<(&'static str, App)> {
    all_examples::all()
}

fn templates() -> Vec<Template> {
    let mut out = Vec::new();
    for (name, app) in examples() {
        match app.synth() {
            Ok(ts) => out.extend(ts),
            Err(e) => panic!("example {name} does not synthesize:\n{e}"),
        }
    }
    out
}

fn stack_count() -> usize {
    examples().iter().map(|(_, app)| app.stacks().len()).sum()
}

#[test]
fn every_example_file_is_registered() {
    let mut files: Vec<String> = std::fs::read_dir("../examples")
        .expect("examples/ exists")
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".rs").map(str::to_owned))
        .collect();
    files.sort();
    let registered: Vec<&str> = examples().iter().map(|(n, _)| *n).collect();
    assert_eq!(files, registered, "add new examples to tests/examples.rs");
}

#[test]
fn example_templates_match_their_snapshots() {
    let templates = templates();
    assert_eq!(templates.len(), stack_count());
    for t in &templates {
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(t.name().to_owned(), t.to_json());
        });
    }
}

#[test]
fn synthesis_is_deterministic() {
    let first = templates();
    let second = templates();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(
            a.to_json(),
            b.to_json(),
            "JSON of {} differs between runs",
            a.name()
        );
        assert_eq!(
            a.to_yaml(),
            b.to_yaml(),
            "YAML of {} differs between runs",
            a.name()
        );
    }
}

#[test]
fn example_command_line_writes_every_stack() {
    for (name, app) in examples() {
        let dir = support::temp_dir(&format!("example-{name}"));
        let expected: Vec<String> = app.stacks().iter().map(|s| s.name().to_owned()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = app.run_with(
            ["app", "synth", "--out", dir.to_str().unwrap()],
            &mut out,
            &mut err,
        );
        assert_eq!(code, 0, "{name}: {}", String::from_utf8_lossy(&err));
        for stack in expected {
            let path = dir.join(format!("{stack}.template.json"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{name}: {} not written: {e}", path.display()));
            let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert!(v["Resources"].as_object().is_some_and(|r| !r.is_empty()));
        }
    }
}

#[test]
fn cfn_lint_passes_every_example_in_json_and_yaml() {
    let Some(cfn_lint) = support::require_tool("cfn-lint") else {
        return;
    };
    let dir = support::temp_dir("cfn-lint-examples");
    let mut files = Vec::new();
    for t in templates() {
        for format in [Format::Json, Format::Yaml] {
            let path = dir.join(format!("{}.template.{}", t.name(), format.extension()));
            std::fs::write(&path, t.render(format)).expect("write template");
            files.push(path);
        }
    }
    assert_eq!(
        files.len(),
        2 * stack_count(),
        "one JSON and one YAML template per stack"
    );
    let (code, output) = support::run_cfn_lint(&cfn_lint, &files);
    assert_eq!(
        code, 0,
        "cfn-lint found problems (exit code {code}: 2 = errors, 4 = warnings):\n{output}"
    );

    // The linter really lints: a known-bad template (Fargate cpu 256 with 4096 MiB, a Ref
    // to nothing) must fail it.
    let bad = dir.join("Broken.template.json");
    std::fs::write(
        &bad,
        r#"{"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
            "Cpu": "256", "Memory": "4096", "NetworkMode": "awsvpc",
            "RequiresCompatibilities": ["FARGATE"], "ExecutionRoleArn": {"Ref": "Nope"},
            "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}}}}"#,
    )
    .expect("write bad template");
    let (code, output) = support::run_cfn_lint(&cfn_lint, &[bad]);
    assert_eq!(
        code & 2,
        2,
        "cfn-lint should reject the broken template:\n{output}"
    );
}

/// The logical IDs of the resources a value names through `Fn::GetAtt` or `Ref`.
fn named_resources(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref", serde_json::Value::String(s)) => out.push(s.clone()),
                    ("Fn::GetAtt", serde_json::Value::Array(a)) => {
                        out.extend(a.first().and_then(|s| s.as_str()).map(str::to_owned));
                    }
                    _ => named_resources(x, out),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| named_resources(x, out)),
        _ => {}
    }
}

/// Issue #10, 1: an auto-scaled service must not carry `DesiredCount` (CloudFormation would
/// send it on every update and ECS would scale the service back to it), while a service that
/// is not auto scaled keeps its count.
#[test]
fn auto_scaled_services_of_every_example_have_no_desired_count() {
    let mut scaled_seen = 0;
    for t in templates() {
        let resources = t.body()["Resources"].as_object().unwrap();
        let mut scaled = Vec::new();
        for r in resources.values() {
            if r["Type"] == "AWS::ApplicationAutoScaling::ScalableTarget"
                && r["Properties"]["ScalableDimension"] == "ecs:service:DesiredCount"
            {
                named_resources(&r["Properties"]["ResourceId"], &mut scaled);
            }
        }
        scaled.retain(|id| resources[id.as_str()]["Type"] == "AWS::ECS::Service");
        for (id, r) in resources {
            if r["Type"] != "AWS::ECS::Service" {
                continue;
            }
            let count = r["Properties"].get("DesiredCount");
            if scaled.contains(id) {
                scaled_seen += 1;
                assert!(
                    count.is_none(),
                    "{}: auto-scaled service {id} sets DesiredCount {count:?}",
                    t.name()
                );
            } else {
                assert!(
                    count.is_some(),
                    "{}: service {id} is not auto scaled and must keep its count",
                    t.name()
                );
            }
        }
    }
    // container_journey's web service and queue_worker's worker.
    assert!(scaled_seen >= 2, "only {scaled_seen} auto-scaled services");
}
