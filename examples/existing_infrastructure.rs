//! Brown-field: a service, a scheduled job and EC2 capacity added to infrastructure another
//! team runs — an existing VPC, cluster and security group, all taken as parameters — with the
//! task size, the service's task count and the instance count taken from a mapping keyed on
//! an environment parameter. Constructs only: no raw resource, no property override.
//!
//! The validator checks every row the mapping can give: a row with a cpu/memory pair Fargate
//! does not offer is an error at synth, naming the environment and the mapping key.
//!
//! ```text
//! cargo run --example existing_infrastructure -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    CapacityProviderStrategy, Cluster, ContainerProps, Ec2Capacity, Ec2CapacityProps,
    FargateService, FargateServiceProps, Schedule, ScheduledTask, ScheduledTaskProps,
    ServiceNetworking, TaskDefinition, TaskDefinitionProps, TaskSize,
};
use ferroform::{App, Mapping, Parameter, Stack, Value, fns};

const IMAGE: &str = "public.ecr.aws/nginx/nginx:1.27";

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("ExistingInfrastructure");
    stack
        .description("A service, a nightly job and EC2 capacity in another team's VPC and cluster");

    // --- what already exists, chosen at deploy time
    let env = stack.parameter(
        "Env",
        Parameter::string()
            .description("The environment: sizes come from the Sizes mapping")
            .allowed_values(["dev", "prod"])
            .default("dev"),
    );
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let subnets = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Private subnets with a route to a NAT gateway"),
    );
    let cluster_name = stack.parameter(
        "ClusterName",
        Parameter::string().description("The platform team's ECS cluster"),
    );
    let tasks_group = stack.parameter(
        "TaskSecurityGroup",
        Parameter::aws("AWS::EC2::SecurityGroup::Id")
            .description("The security group the platform team gives application tasks"),
    );

    // --- sizes per environment
    let sizes = stack.mapping(
        "Sizes",
        Mapping::new()
            .entry("dev", "Cpu", "256")
            .entry("dev", "Memory", "512")
            .entry("dev", "Tasks", 1)
            .entry("dev", "MaxInstances", "2")
            .entry("prod", "Cpu", "1024")
            .entry("prod", "Memory", "2048")
            .entry("prod", "Tasks", 3)
            .entry("prod", "MaxInstances", "6"),
    );
    let size = |key: &str| -> Value<String> { fns::find_in_map(&sizes, env.to_ref(), key) };

    // --- the existing cluster, whose capacity providers this stack takes over so that it can
    // add its instances (the association lists the whole set: Fargate stays).
    let cluster = Cluster::from_name(cluster_name.to_ref()).manage_capacity_providers(
        &mut stack,
        "ClusterCapacityProviders",
        vec!["FARGATE".into(), "FARGATE_SPOT".into()],
        vec![CapacityProviderStrategy::fargate(1)],
    );
    let networking = || ServiceNetworking {
        security_groups: vec![tasks_group.to_ref()],
        ..ServiceNetworking::new(vpc.to_ref(), subnets.to_ref())
    };

    // --- the service: its size and task count from the environment's row
    let web = TaskDefinition::new(
        &mut stack,
        "Web",
        TaskDefinitionProps::fargate(TaskSize::values(size("Cpu"), size("Memory"))),
    );
    web.add_container(&mut stack, ContainerProps::new("web", IMAGE).port(80));
    FargateService::new(
        &mut stack,
        "WebService",
        FargateServiceProps {
            desired_count: Some(fns::find_in_map(&sizes, env.to_ref(), "Tasks")),
            ..FargateServiceProps::new(&cluster, &web, networking())
        },
    );

    // --- a nightly job in the same cluster
    let report = TaskDefinition::new(
        &mut stack,
        "Report",
        TaskDefinitionProps::fargate(TaskSize::values(size("Cpu"), size("Memory"))),
    );
    report.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec!["nginx".into(), "-v".into()]),
            ..ContainerProps::new("report", IMAGE)
        },
    );
    ScheduledTask::new(
        &mut stack,
        "NightlyReport",
        &cluster,
        &report,
        ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), networking()),
    );

    // --- EC2 capacity for the cluster: up to the environment's instance count
    let max_instances: Value<i64> = fns::find_in_map(&sizes, env.to_ref(), "MaxInstances");
    Ec2Capacity::new(
        &mut stack,
        "Instances",
        &cluster,
        Ec2CapacityProps {
            max_size: max_instances,
            ..Ec2CapacityProps::new(vpc.to_ref(), subnets.to_ref())
        },
    );

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
