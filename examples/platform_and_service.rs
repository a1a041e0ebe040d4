//! Two stacks in one app: a shared `Platform` (VPC, ECS cluster, ECR repository) and a
//! `Service` that runs on it. The service uses the platform's handles directly; `App::synth`
//! turns each use into an export in `Platform` and an `Fn::ImportValue` in `Service`, and
//! puts `Platform` first in deploy order.
//!
//! ```text
//! cargo run --example platform_and_service -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, NatGateways, Repository, RepositoryProps, Vpc, VpcProps,
};
use ferroform::iam::{PolicyDocument, Statement};
use ferroform::resources::ec2::{self, security_group};
use ferroform::resources::ecs::{self, service, task_definition as td};
use ferroform::resources::{iam, logs};
use ferroform::{App, Parameter, Stack, fns, pseudo};

/// What the platform shares with the services built on it.
pub struct Platform {
    /// The VPC.
    pub vpc: Vpc,
    /// The ECS cluster.
    pub cluster: Cluster,
    /// The web service's image repository.
    pub repository: Repository,
}

/// The shared platform: a VPC over two zones with one NAT gateway (tasks run in private
/// subnets, without public IPs), a cluster with Container Insights, an ECR repository.
pub fn platform() -> (Stack, Platform) {
    let mut stack = Stack::new("Platform");
    stack.description("Shared platform: VPC, ECS cluster and image repository");

    let vpc = Vpc::new(
        &mut stack,
        "Vpc",
        VpcProps {
            nat: NatGateways::One,
            ..Default::default()
        },
    );
    // Container Insights on, FARGATE and FARGATE_SPOT capacity providers.
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let repository = Repository::new(&mut stack, "WebRepo", RepositoryProps::default());
    (
        stack,
        Platform {
            vpc,
            cluster,
            repository,
        },
    )
}

/// The web service, on the platform: every platform value it uses is imported.
pub fn service(platform: &Platform) -> Stack {
    let mut stack = Stack::new("Service");
    stack.description("The web service, running on the shared platform");

    let tag = stack.parameter(
        "ImageTag",
        Parameter::string()
            .description("Tag of the image to run from the platform's repository")
            .allowed_pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"),
    );

    let log_group = stack.add(
        "LogGroup",
        logs::LogGroup::new()
            .log_group_name(fns::sub("/ecs/${AWS::StackName}/web"))
            .retention_in_days(30),
    );
    stack.options(&log_group).retain();
    // CloudWatch Logs encrypts log data at rest with its own keys; a customer-managed KMS key
    // (KmsKeyId) is worth its monthly cost for sensitive logs, so checkov's CKV_AWS_158 is
    // suppressed here with that reason rather than a key added to a small example.
    stack.options(&log_group).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_158",
        "comment": "CloudWatch Logs encrypts at rest with service keys; add KmsKeyId for sensitive logs"
    }]}}));

    // The execution role may pull from the platform's repository (its ARN is imported) and
    // write to this stack's log group: nothing else.
    let execution_role = stack.add(
        "ExecutionRole",
        iam::Role::new(PolicyDocument::assumed_by("ecs-tasks.amazonaws.com")),
    );
    platform.repository.grant_pull(&mut stack, &execution_role);
    let logs_policy = PolicyDocument::new().statement(
        Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
            .resource(log_group.attr_arn()),
    );
    if let Some(role) = stack.get_mut(&execution_role)
        && let Some(policies) = role.policies.as_mut().and_then(|p| p.as_lit_mut())
    {
        policies.push(iam::role::Policy::new(logs_policy, "WriteLogs").into());
    }

    let container = td::ContainerDefinition::new(td::ContainerDefinitionRequired {
        image: platform.repository.image(tag.to_ref()),
        name: "web".into(),
    })
    .essential(true)
    .readonly_root_filesystem(true)
    .port_mappings(vec![
        td::PortMapping::new()
            .container_port(8080)
            .protocol(td::PortMappingProtocol::Tcp),
    ])
    .log_configuration(td::LogConfiguration::new("awslogs").options([
        ("awslogs-group", log_group.to_ref()),
        ("awslogs-region", pseudo::region()),
        ("awslogs-stream-prefix", "web".into()),
    ]));
    let task = stack.add(
        "TaskDefinition",
        ecs::TaskDefinition::new()
            .family("web")
            .cpu("256")
            .memory("512")
            .network_mode(td::NetworkMode::Awsvpc)
            .requires_compatibilities(vec![td::RequiresCompatibility::Fargate])
            .execution_role_arn(execution_role.attr_arn())
            .container_definitions(vec![container]),
    );

    let tasks_sg = stack.add(
        "TaskSecurityGroup",
        ec2::SecurityGroup::new("Web service tasks")
            .vpc_id(platform.vpc.vpc_id())
            .security_group_egress(vec![
                security_group::Egress::new("tcp")
                    .cidr_ip("0.0.0.0/0")
                    .from_port(443)
                    .to_port(443)
                    .description("HTTPS out: ECR, CloudWatch Logs"),
            ]),
    );

    let web = stack.add(
        "Service",
        ecs::Service::new()
            .cluster(platform.cluster.name())
            .task_definition(task.to_ref())
            .launch_type(service::LaunchType::Fargate)
            .platform_version("LATEST")
            .desired_count(2)
            .deployment_configuration(
                service::DeploymentConfiguration::new()
                    .deployment_circuit_breaker(service::DeploymentCircuitBreaker::new(
                        service::DeploymentCircuitBreakerRequired {
                            enable: true.into(),
                            rollback: true.into(),
                        },
                    ))
                    .maximum_percent(200)
                    .minimum_healthy_percent(100),
            )
            .network_configuration(
                service::NetworkConfiguration::new().awsvpc_configuration(
                    service::AwsVpcConfiguration::new()
                        .assign_public_ip(service::AssignPublicIp::Disabled)
                        .security_groups(vec![tasks_sg.attr_group_id()])
                        .subnets(platform.vpc.private_subnets()),
                ),
            ),
    );
    stack.output("ServiceName", web.attr_name());
    stack
}

/// The app: `Platform` then `Service` (the order of `app.add` does not matter).
pub fn app() -> App {
    let (platform_stack, platform) = platform();
    let service_stack = service(&platform);
    let mut app = App::new();
    app.add(platform_stack);
    app.add(service_stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
