//! Security properties of every example template: IAM statements (checkov runs over every
//! example in tests/checkov.rs).

mod all_examples;

use ferroform::{App, Template};

use all_examples::{container_journey, ec2_capacity, queue_worker, scheduled_jobs};
use serde_json::Value as Json;

/// Actions that support no resource-level permissions, so `"Resource": "*"` is the only
/// thing IAM accepts for them (ECR login; the ECS Exec channels; the ECS agent's endpoint
/// discovery; Elastic Load Balancing's Describe actions, which ECS reads to shift traffic
/// in blue/green, linear and canary deployments and for Express Mode services; EC2's
/// Describe actions and the tagging API's resource search, which ECS uses to manage the EBS
/// volumes of tasks, Managed Instances and Express Mode networking; CloudWatch Logs'
/// DescribeLogGroups, for Express Mode's log groups).
const STAR_ONLY_ACTIONS: [&str; 25] = [
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeCapacityReservations",
    "ec2:DescribeInstanceTypeOfferings",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeVpcs",
    "ecr:GetAuthorizationToken",
    "ecs:DiscoverPollEndpoint",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "logs:DescribeLogGroups",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
    "tag:GetResources",
];

fn synth(app: App) -> Vec<Template> {
    app.synth().expect("example synthesizes")
}

fn all_templates() -> Vec<Template> {
    all_examples::all()
        .into_iter()
        .flat_map(|(_, app)| synth(app))
        .collect()
}

fn as_list(v: &Json) -> Vec<Json> {
    match v {
        Json::Array(items) => items.clone(),
        Json::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Every IAM statement of a template, wherever policy documents appear: role inline
/// policies, managed and inline policy resources.
fn statements(t: &Template) -> Vec<(String, Json)> {
    let mut out = Vec::new();
    let resources = t.body()["Resources"].as_object().expect("resources");
    for (id, r) in resources {
        let p = &r["Properties"];
        let mut docs = Vec::new();
        for policy in as_list(&p["Policies"]) {
            docs.push(policy["PolicyDocument"].clone());
        }
        if !p["PolicyDocument"].is_null() {
            docs.push(p["PolicyDocument"].clone());
        }
        for doc in docs {
            for s in as_list(&doc["Statement"]) {
                out.push((format!("{}/{id}", t.name()), s));
            }
        }
    }
    out
}

#[test]
fn no_statement_allows_every_action_or_uses_star_without_need() {
    let mut seen = 0;
    for t in all_templates() {
        for (where_, s) in statements(&t) {
            seen += 1;
            let actions: Vec<String> = as_list(&s["Action"])
                .iter()
                .map(|a| a.as_str().expect("literal action").to_owned())
                .collect();
            assert!(
                !actions.iter().any(|a| a == "*" || a.ends_with(":*")),
                "{where_}: a statement allows every action: {s}"
            );
            assert!(s.get("NotAction").is_none(), "{where_}: NotAction: {s}");
            let star = as_list(&s["Resource"]).iter().any(|r| r == "*");
            if star {
                for a in &actions {
                    assert!(
                        STAR_ONLY_ACTIONS.contains(&a.as_str()),
                        "{where_}: `{a}` is granted on \"*\" but IAM allows a narrower resource: {s}"
                    );
                }
            }
        }
    }
    assert!(seen >= 7, "the walk found only {seen} statements");
}

#[test]
fn the_walk_catches_a_wildcard() {
    // The check above must be able to fail: a template with `Action: *` is found.
    let mut stack = ferroform::Stack::new("Bad");
    stack.add(
        "Role",
        ferroform::resources::iam::Role::new(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        }))
        .policies(vec![ferroform::resources::iam::role::Policy::new(
            serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            "Everything",
        )]),
    );
    let t = stack.to_template().unwrap();
    let found = statements(&t);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1["Action"], "*");
}

#[test]
fn execution_roles_never_use_the_managed_policy_in_construct_examples() {
    for t in synth(container_journey::app())
        .into_iter()
        .chain(synth(queue_worker::app()))
        .chain(synth(ec2_capacity::app()))
        .chain(synth(scheduled_jobs::app()))
    {
        let text = t.to_json();
        assert!(
            !text.contains("AmazonECSTaskExecutionRolePolicy"),
            "{}",
            t.name()
        );
    }
}
