//! Never a panic, whatever the input: generated and mutated templates through the parser,
//! the validator, `cost`, `graph` and `ferroform import` (proptest; cargo fuzz would need
//! nightly). Import runs twice: as users run it (validated first, so most generated templates
//! stop there) and its writer alone on everything. Failing inputs found so far are kept as regular tests at
//! the bottom.

use ferroform::Template;
use ferroform::analysis::cost::estimate;
use ferroform::analysis::graph::graph;
use ferroform::import::{Source, import, import_unvalidated};
use ferroform::validate::validate;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Keys that steer the validator into its interesting paths.
const KEYS: &[&str] = &[
    "Resources",
    "Type",
    "Properties",
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::If",
    "Fn::Select",
    "Fn::FindInMap",
    "Condition",
    "DependsOn",
    "Outputs",
    "Value",
    "Export",
    "Name",
    "Parameters",
    "Conditions",
    "Mappings",
    "ContainerDefinitions",
    "Cpu",
    "Memory",
    "NetworkMode",
    "RequiresCompatibilities",
    "PortMappings",
    "HostPort",
    "ContainerPort",
    "LogConfiguration",
    "Options",
    "LifecyclePolicy",
    "LifecyclePolicyText",
    "TaskDefinition",
    "LaunchType",
    "LoadBalancers",
    "TargetGroupArn",
    "AutoScalingGroupProvider",
    "ManagedTerminationProtection",
    "AutoScalingGroupArn",
    "ScalingTargetId",
    "MinCapacity",
    "MaxCapacity",
    "ResourceId",
    "Essential",
    "Image",
    "MemoryReservation",
    "Tags",
    "A",
    "B",
];

const STRINGS: &[&str] = &[
    "AWS::ECS::TaskDefinition",
    "AWS::ECS::Service",
    "AWS::ECR::Repository",
    "AWS::Logs::LogGroup",
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ECS::CapacityProvider",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::ElasticLoadBalancingV2::Listener",
    "Custom::X",
    "AWS::Nope::Nope",
    "FARGATE",
    "awsvpc",
    "awslogs",
    "ENABLED",
    "A",
    "B",
    "A.Arn",
    "${A}",
    "${B.Arn}",
    "${",
    "1 vCPU",
    "0.5 GB",
    "2GB",
    "256",
    "{\"rules\": [{}]}",
    "{",
    "ecs",
    "service/a/b",
    "",
    "é",
    "\u{0}",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        prop::sample::select(STRINGS).prop_map(|s| json!(s)),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// A template with a plausible skeleton and random insides.
fn template() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(
            (prop::sample::select(&["A", "B", "Task", "Svc", "x-y"][..]), prop::sample::select(STRINGS), value(), value()),
            0..5,
        ),
        value(),
        value(),
    )
        .prop_map(|(resources, outputs, extra)| {
            let mut res = serde_json::Map::new();
            for (id, ty, props, depends) in resources {
                res.insert(id.to_owned(), json!({"Type": ty, "Properties": props, "DependsOn": depends}));
            }
            json!({"Resources": res, "Outputs": outputs, "Conditions": extra.clone(), "Mappings": extra})
        })
}

/// A known-good template to mutate.
fn base() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/valid/efs_rds.yaml"
    ))
    .unwrap();
    Template::parse("efs_rds.yaml", &text)
        .unwrap()
        .body()
        .clone()
}

/// Replace the node at a pseudo-random position (`seed`) with `with`.
fn mutate(v: &mut Value, seed: &mut u64, with: &Value) -> bool {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    if (*seed >> 60) == 0 {
        *v = with.clone();
        return true;
    }
    match v {
        Value::Object(m) => m.values_mut().any(|x| mutate(x, seed, with)),
        Value::Array(a) => a.iter_mut().any(|x| mutate(x, seed, with)),
        _ => false,
    }
}

/// The validator, the cost estimate and the graph, then import both ways: none may panic.
fn check(t: Template) {
    let _ = validate(&t);
    let _ = estimate("Gen", t.body(), "us-east-1");
    let _ = graph(&[("Gen", t.body())]).to_mermaid();
    let source = [Source::new("Gen", "a generated template", t)];
    let _ = import(&source);
    let _ = import_unvalidated(&source);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_validator_never_panics_on_generated_templates(body in template()) {
        check(Template::new("gen", body));
    }

    #[test]
    fn the_validator_never_panics_on_mutated_real_templates(seeds in prop::collection::vec(any::<u64>(), 1..6), with in value()) {
        let mut body = base();
        for mut s in seeds {
            mutate(&mut body, &mut s, &with);
        }
        check(Template::new("mutated", body));
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(text in "(?s).{0,200}") {
        if let Ok(t) = Template::parse("any.yaml", &text) {
            check(t);
        }
    }

    #[test]
    fn the_parser_never_panics_on_yaml_like_text(
        lines in prop::collection::vec(
            ("[ ]{0,6}", prop::sample::select(&["Resources:", "A:", "Type: AWS::ECS::Service", "Properties:", "- !Ref A", "X: !GetAtt A.B", "Y: !Sub '${A}'", "Z: !If [C, 1, 2]", "- !Select [9, [a]]", "W: !Nope x", "V: [1, 2", "U: {a: 1}", "- ", ": :", "!Ref", "&a x", "*a", "<<: *a"][..])),
            0..12,
        )
    ) {
        let text: String = lines.into_iter().map(|(indent, l)| format!("{indent}{l}\n")).collect();
        if let Ok(t) = Template::parse("gen.yaml", &text) {
            check(t);
        }
    }
}

// Failing cases found by the properties above, kept as plain tests.

#[test]
fn resource_without_properties_object_and_intrinsic_keys() {
    for body in [
        json!({"Resources": {"A": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [null, {"Fn::If": 1}]}}}}),
        json!({"Resources": {"A": {"Type": "AWS::ECS::Service", "DependsOn": ["A", "A"], "Properties": {"TaskDefinition": {"Ref": "A"}}}}}),
        json!({"Resources": {"A": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": {"Fn::If": ["C", {"Ref": "AWS::NoValue"}, "x"]}}}}}),
        json!({"Resources": {"A": {"Type": "AWS::ECR::Repository", "Properties": {"LifecyclePolicy": {"LifecyclePolicyText": "{\"rules\": [{\"rulePriority\": 1.5}]}"}}}}}),
        json!({"Resources": {}, "Outputs": {"O": {"Value": {"Fn::Sub": ["${", {"x": {"Fn::GetAtt": "nodot"}}]}}}}),
        json!({"Resources": "x", "Conditions": {"C": {"Fn::And": [{"Condition": "C"}]}}}),
    ] {
        let _ = validate(&Template::new("kept", body));
    }
}
