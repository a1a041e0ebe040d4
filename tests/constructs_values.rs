//! Issue #10, 2: construct settings that are numbers or flags in the template take a
//! `Value`, so a parameter (or a mapping, a condition...) can supply them: ports (and
//! everything that follows a port: the target group, the security-group rule, the
//! service's load balancer entry), health-check settings, deployment percentages, the
//! scheduled task's count and enabled flag, ECS Exec. Literals still work and are still
//! checked. Every synthesized template here is also linted by cfn-lint.

mod support;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerProps, DeploymentSettings, FargateService, FargateServiceProps,
    FargateSize, HealthCheck, LoadBalancedFargateService, LoadBalancedFargateServiceProps,
    PortMapping, Schedule, ScheduledTask, ScheduledTaskProps, ServiceNetworking, TaskDefinition,
    TaskDefinitionProps,
};
use ferroform::{ListProperty, Parameter, Stack, Template, Value};
use serde_json::json;

fn networking(stack: &mut Stack) -> ServiceNetworking {
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    ServiceNetworking::new(vpc.to_ref(), subnets.to_ref())
}

/// The parameter `name` of `stack`, `"true"` or `"false"`, as a construct's flag.
fn flag_parameter(stack: &mut Stack, name: &str) -> Value<bool> {
    stack
        .parameter(name, Parameter::string().allowed_values(["true", "false"]))
        .to_ref()
        .cast_expr()
        .unwrap()
}

/// A cluster and a Fargate task definition (256 cpu units, 512 MiB) running `container`.
fn cluster_and_task(stack: &mut Stack, container: ContainerProps) -> (Cluster, TaskDefinition) {
    let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
    let task = TaskDefinition::new(
        stack,
        "Task",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(stack, container);
    (cluster, task)
}

/// The Fargate task `Task` (256 CPU units, 512 MiB) with one container, `web`, mapping
/// `mapping`.
fn task_mapping(stack: &mut Stack, mapping: PortMapping) {
    let task = TaskDefinition::new(
        stack,
        "Task",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    let mut props = ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27");
    props.port_mappings.push(mapping);
    task.add_container(stack, props);
}

/// cfn-lint finds no error or warning in `t` (a test that needs cfn-lint fails in CI
/// when it is missing).
fn lint_clean(t: &Template) {
    let Some(cfn_lint) = support::require_tool("cfn-lint") else {
        return;
    };
    let dir = support::temp_dir("constructs-values");
    let file = dir.write("t.json", t.to_json());
    let (code, out) = support::run_cfn_lint(&cfn_lint, &[&file]);
    assert!(
        !support::lint_errors(code) && !support::lint_warnings(code),
        "cfn-lint:\n{out}"
    );
}

#[test]
fn a_port_from_a_parameter_reaches_every_place_the_port_is_used() {
    let mut stack = Stack::new("Web");
    let net = networking(&mut stack);
    let port = stack.parameter("AppPort", Parameter::integer());
    let (cluster, task) = cluster_and_task(
        &mut stack,
        ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27").port(port.to_ref()),
    );
    let lb_subnets = stack.parameter("PublicSubnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
    LoadBalancedFargateService::new(
        &mut stack,
        "Web",
        LoadBalancedFargateServiceProps::new(
            FargateServiceProps::new(&cluster, &task, net),
            lb_subnets.to_ref(),
        ),
    );
    let t = stack.to_template().unwrap();
    let r = &t.body()["Resources"];
    let by_ref = json!({"Ref": "AppPort"});
    assert_eq!(
        r["Task"]["Properties"]["ContainerDefinitions"][0]["PortMappings"][0]["ContainerPort"],
        by_ref
    );
    assert_eq!(r["WebTargetGroup"]["Properties"]["Port"], by_ref);
    assert_eq!(
        r["Web"]["Properties"]["LoadBalancers"][0]["ContainerPort"],
        by_ref
    );
    let ingress = &r["WebFromLoadBalancer"]["Properties"];
    assert_eq!(
        (&ingress["FromPort"], &ingress["ToPort"]),
        (&by_ref, &by_ref)
    );
    lint_clean(&t);
}

#[test]
fn literal_ports_are_still_checked_and_values_are_left_to_deploy_time() {
    // awsvpc: a literal host port that differs from the container port is refused...
    let mut stack = Stack::new("Web");
    task_mapping(&mut stack, PortMapping::tcp(80).host_port(8080));
    let e = stack.to_template().unwrap_err();
    assert!(
        e.to_string()
            .contains("maps host port 8080 to container port 80 in awsvpc mode"),
        "{e}"
    );
    // ...a parameter is not guessed at.
    let mut stack = Stack::new("Web");
    let host = stack.parameter("HostPort", Parameter::integer());
    task_mapping(&mut stack, PortMapping::tcp(80).host_port(host.to_ref()));
    let t = stack.to_template().unwrap();
    assert_eq!(
        t.body()["Resources"]["Task"]["Properties"]["ContainerDefinitions"][0]["PortMappings"][0]["HostPort"],
        json!({"Ref": "HostPort"})
    );
}

#[test]
fn health_check_and_deployment_settings_take_values() {
    let mut stack = Stack::new("Web");
    let net = networking(&mut stack);
    let interval = stack.parameter("CheckInterval", Parameter::integer());
    let min_healthy = stack.parameter("MinHealthy", Parameter::integer());
    let mut hc = HealthCheck::shell("curl -fsS http://localhost/ || exit 1");
    hc.interval_seconds = interval.to_ref();
    hc.start_period_seconds = Some(20.into());
    let (cluster, task) = cluster_and_task(
        &mut stack,
        ContainerProps {
            health_check: Some(hc),
            ..ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27")
        },
    );
    FargateService::new(
        &mut stack,
        "Web",
        FargateServiceProps {
            deployment: DeploymentSettings {
                min_healthy_percent: min_healthy.to_ref(),
                ..Default::default()
            },
            ..FargateServiceProps::new(&cluster, &task, net)
        },
    );
    let t = stack.to_template().unwrap();
    let r = &t.body()["Resources"];
    let check = &r["Task"]["Properties"]["ContainerDefinitions"][0]["HealthCheck"];
    assert_eq!(check["Interval"], json!({"Ref": "CheckInterval"}));
    // The defaults (ECS's own) are written as numbers.
    assert_eq!(
        (&check["Timeout"], &check["Retries"]),
        (&json!(5), &json!(3))
    );
    assert_eq!(check["StartPeriod"], 20);
    let dc = &r["Web"]["Properties"]["DeploymentConfiguration"];
    assert_eq!(dc["MinimumHealthyPercent"], json!({"Ref": "MinHealthy"}));
    assert_eq!(dc["MaximumPercent"], 200);
    lint_clean(&t);
}

/// A scheduled task whose enabled flag and task count are the literals given, or (for
/// `None`) the parameters `Enabled` and `Count`.
fn scheduled(enabled: Option<bool>, count: Option<i64>) -> Result<Template, String> {
    let mut stack = Stack::new("Jobs");
    let net = networking(&mut stack);
    let enabled: Value<bool> = match enabled {
        Some(b) => b.into(),
        None => flag_parameter(&mut stack, "Enabled"),
    };
    let task_count: Value<i64> = match count {
        Some(n) => n.into(),
        None => stack.parameter("Count", Parameter::integer()).to_ref(),
    };
    let (cluster, task) = cluster_and_task(
        &mut stack,
        ContainerProps::new("job", "public.ecr.aws/docker/library/busybox:1.36"),
    );
    ScheduledTask::new(
        &mut stack,
        "Nightly",
        &cluster,
        &task,
        ScheduledTaskProps {
            enabled,
            task_count,
            ..ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), net)
        },
    );
    stack.to_template().map_err(|e| e.to_string())
}

#[test]
fn a_scheduled_task_can_be_switched_on_and_off_by_a_parameter() {
    let t = scheduled(None, Some(2)).unwrap();
    let body = t.body();
    // The flag becomes a condition, and the rule's State an Fn::If of it.
    assert_eq!(
        body["Conditions"]["NightlyEnabled"],
        json!({"Fn::Equals": [{"Ref": "Enabled"}, "true"]})
    );
    assert_eq!(
        body["Resources"]["Nightly"]["Properties"]["State"],
        json!({"Fn::If": ["NightlyEnabled", "ENABLED", "DISABLED"]})
    );
    let target = &body["Resources"]["Nightly"]["Properties"]["Targets"][0];
    assert_eq!(target["EcsParameters"]["TaskCount"], 2);
    lint_clean(&t);
    // Literals: no condition.
    let t = scheduled(Some(false), Some(1)).unwrap();
    assert_eq!(
        t.body()["Resources"]["Nightly"]["Properties"]["State"],
        "DISABLED"
    );
    assert!(t.body().get("Conditions").is_none());
}

#[test]
fn a_literal_task_count_is_checked_and_a_value_is_not() {
    for bad in [0, 11] {
        let e = scheduled(Some(true), Some(bad)).unwrap_err();
        assert!(e.contains(&format!("starts {bad} tasks per run")), "{e}");
        assert!(e.contains("RunTask starts 1 to 10 tasks at a time"), "{e}");
    }
    let t = scheduled(Some(true), None).unwrap();
    let target = &t.body()["Resources"]["Nightly"]["Properties"]["Targets"][0];
    assert_eq!(
        target["EcsParameters"]["TaskCount"],
        json!({"Ref": "Count"})
    );
    lint_clean(&t);
}

#[test]
fn ecs_exec_can_be_decided_at_deploy_time() {
    let mut stack = Stack::new("Web");
    let net = networking(&mut stack);
    let exec = flag_parameter(&mut stack, "Exec");
    let (cluster, task) = cluster_and_task(
        &mut stack,
        ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27"),
    );
    FargateService::new(
        &mut stack,
        "Web",
        FargateServiceProps {
            enable_execute_command: exec,
            ..FargateServiceProps::new(&cluster, &task, net)
        },
    );
    let t = stack.to_template().unwrap();
    let r = &t.body()["Resources"];
    assert_eq!(
        r["Web"]["Properties"]["EnableExecuteCommand"],
        json!({"Ref": "Exec"})
    );
    let policies = serde_json::to_string(&r).unwrap();
    assert!(
        policies.contains("ssmmessages:CreateControlChannel"),
        "{policies}"
    );
    lint_clean(&t);
    // Off by default: no property, no grant.
    let mut stack = Stack::new("Web");
    let net = networking(&mut stack);
    let (cluster, task) = cluster_and_task(
        &mut stack,
        ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27"),
    );
    FargateService::new(
        &mut stack,
        "Web",
        FargateServiceProps::new(&cluster, &task, net),
    );
    let t = stack.to_template().unwrap();
    assert_eq!(
        t.body()["Resources"]["Web"]["Properties"].get("EnableExecuteCommand"),
        None
    );
    assert!(
        !serde_json::to_string(t.body())
            .unwrap()
            .contains("ssmmessages")
    );
}

#[test]
fn a_list_left_unset_by_a_construct_can_be_edited_and_an_expression_list_says_so() {
    use ferroform::resources::ecs as r;
    let mut stack = Stack::new("Web");
    let cluster = stack.add("Cluster", r::Cluster::new());
    let c = stack.get_mut(&cluster).unwrap();
    c.capacity_providers.push_item("FARGATE").unwrap();
    let t = stack.to_template().unwrap();
    assert_eq!(
        t.body()["Resources"]["Cluster"]["Properties"]["CapacityProviders"],
        json!(["FARGATE"])
    );
    let mut stack = Stack::new("Web");
    let providers = stack.parameter("Providers", Parameter::comma_delimited_list());
    let cluster = stack.add(
        "Cluster",
        r::Cluster::new().capacity_providers(providers.to_ref()),
    );
    let c = stack.get_mut(&cluster).unwrap();
    let e = c.capacity_providers.push_item("FARGATE").unwrap_err();
    assert!(e.to_string().contains("items cannot be added to it"), "{e}");
    // and nothing changed
    let t = stack.to_template().unwrap();
    assert_eq!(
        t.body()["Resources"]["Cluster"]["Properties"]["CapacityProviders"],
        json!({"Ref": "Providers"})
    );
}
