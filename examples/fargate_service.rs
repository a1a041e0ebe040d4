//! A Fargate service written with the generated resources alone: a VPC with two public
//! subnets, a cluster, a task definition with its log group and execution role, a service,
//! and CPU target-tracking auto scaling.
//!
//! ```text
//! cargo run --example fargate_service -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::iam::{PolicyDocument, Statement};
use ferroform::resources::applicationautoscaling::{self as aas, scalable_target, scaling_policy};
use ferroform::resources::ec2::{self, security_group};
use ferroform::resources::ecs::{self, cluster, service, task_definition as td};
use ferroform::resources::{iam, logs};
use ferroform::{App, Parameter, Stack, Tag, fns, pseudo};

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("FargateService");
    stack.description("A Fargate web service with CPU target-tracking auto scaling");

    let image = stack.parameter(
        "Image",
        Parameter::string()
            .description("Container image to run")
            .default("public.ecr.aws/nginx/nginx:1.27"),
    );

    // --- network: a VPC with two public subnets in the first two availability zones
    let vpc = stack.add(
        "Vpc",
        ec2::Vpc::new()
            .cidr_block("10.0.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true)
            .tags(vec![Tag::new("Name", pseudo::stack_name())]),
    );
    let igw = stack.add("InternetGateway", ec2::InternetGateway::new());
    let attachment = stack.add(
        "GatewayAttachment",
        ec2::VpcGatewayAttachment::new(vpc.to_ref()).internet_gateway_id(igw.to_ref()),
    );
    let routes = stack.add("PublicRouteTable", ec2::RouteTable::new(vpc.to_ref()));
    let default_route = stack.add(
        "DefaultRoute",
        ec2::Route::new(routes.to_ref())
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id(igw.to_ref()),
    );
    // The route needs the gateway attached first; nothing in its properties says so.
    stack.options(&default_route).depends_on(&attachment);

    let mut subnets = Vec::new();
    for (i, cidr) in ["10.0.0.0/24", "10.0.1.0/24"].into_iter().enumerate() {
        let subnet = stack.add(
            &format!("PublicSubnet{}", i + 1),
            ec2::Subnet::new(vpc.to_ref())
                .cidr_block(cidr)
                .availability_zone(fns::select(i as i64, fns::get_azs("")))
                .map_public_ip_on_launch(true),
        );
        stack.add(
            &format!("PublicSubnet{}Routes", i + 1),
            ec2::SubnetRouteTableAssociation::new(ec2::SubnetRouteTableAssociationRequired {
                route_table_id: routes.to_ref(),
                subnet_id: subnet.to_ref(),
            }),
        );
        subnets.push(subnet);
    }

    let service_sg = stack.add(
        "ServiceSecurityGroup",
        ec2::SecurityGroup::new("Web service tasks")
            .vpc_id(vpc.to_ref())
            .security_group_ingress(vec![
                security_group::Ingress::new("tcp")
                    .cidr_ip("0.0.0.0/0")
                    .from_port(80)
                    .to_port(80)
                    .description("HTTP from anywhere"),
            ]),
    );
    // The tasks answer HTTP straight from public subnets, with no load balancer in front, to
    // keep the example small: checkov's CKV_AWS_260 is suppressed with that reason. Put a
    // load balancer in front for production (LoadBalancedFargateService, container_journey).
    stack.options(&service_sg).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_260",
        "comment": "Example tasks serve HTTP directly on public IPs; put a load balancer in front for production"
    }]}}));

    // --- the cluster, with Container Insights
    let cluster = stack.add(
        "Cluster",
        ecs::Cluster::new().cluster_settings(vec![
            cluster::ClusterSettings::new()
                .name("containerInsights")
                .value("enabled"),
        ]),
    );

    // --- the task definition, its log group and execution role
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

    let execution_role = stack.add(
        "ExecutionRole",
        iam::Role::new(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": { "Service": "ecs-tasks.amazonaws.com" },
                "Action": "sts:AssumeRole"
            }]
        }))
        // Exactly what the ECS agent does for this task, instead of the AWS-managed
        // AmazonECSTaskExecutionRolePolicy (which allows every repository and log group).
        .policies(vec![iam::role::Policy::new(
            PolicyDocument::new()
                // ECR sign-in has no resource-level permissions: AWS requires "*".
                .statement(Statement::allow(["ecr:GetAuthorizationToken"]).resource("*"))
                // The image parameter may name any repository of this account and region.
                .statement(
                    Statement::allow([
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:BatchGetImage",
                        "ecr:GetDownloadUrlForLayer",
                    ])
                    .resource(fns::sub(
                        "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*",
                    )),
                )
                .statement(
                    Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
                        .resource(log_group.attr_arn()),
                ),
            "pull-image-and-write-logs",
        )]),
    );

    let container = td::ContainerDefinition::new(td::ContainerDefinitionRequired {
        image: image.to_ref(),
        name: "web".into(),
    })
    .essential(true)
    .port_mappings(vec![
        td::PortMapping::new()
            .container_port(80)
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
            .cpu("512")
            .memory("1024")
            .network_mode(td::NetworkMode::Awsvpc)
            .requires_compatibilities(vec![td::RequiresCompatibility::Fargate])
            .execution_role_arn(execution_role.attr_arn())
            .container_definitions(vec![container]),
    );

    // --- the service
    let service = stack.add(
        "Service",
        ecs::Service::new()
            .cluster(cluster.to_ref())
            .task_definition(task.to_ref())
            .launch_type(service::LaunchType::Fargate)
            // No DesiredCount: the service is auto scaled (below), and a count here would
            // reset it on every update (FF4034). It starts with 1 task, and the scalable
            // target's minimum of 2 applies when it registers.
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
                        .assign_public_ip(service::AssignPublicIp::Enabled)
                        .security_groups(vec![service_sg.attr_group_id()])
                        .subnets(
                            subnets
                                .iter()
                                .map(ferroform::Handle::to_ref)
                                .collect::<Vec<_>>(),
                        ),
                ),
            ),
    );
    // Tasks in public subnets need the default route before they can pull their image.
    stack.options(&service).depends_on(&default_route);

    // --- auto scaling: 2 to 10 tasks, tracking 60 % CPU
    let target = stack.add(
        "ScalableTarget",
        aas::ScalableTarget::new(aas::ScalableTargetRequired {
            max_capacity: 10.into(),
            min_capacity: 2.into(),
            resource_id: fns::sub_with(
                "service/${Cluster}/${Service}",
                [
                    ("Cluster", cluster.to_ref()),
                    ("Service", service.attr_name()),
                ],
            ),
            scalable_dimension: scalable_target::ScalableDimension::EcsServiceDesiredCount.into(),
            service_namespace: scalable_target::ServiceNamespace::Ecs.into(),
        }),
    );
    stack.add(
        "CpuScaling",
        aas::ScalingPolicy::new("cpu-60", scaling_policy::PolicyType::TargetTrackingScaling)
            .scaling_target_id(target.to_ref())
            .target_tracking_scaling_policy_configuration(
                scaling_policy::TargetTrackingScalingPolicyConfiguration::new(60.0)
                    .predefined_metric_specification(
                        scaling_policy::PredefinedMetricSpecification::new(
                            scaling_policy::PredefinedMetricType::EcsServiceAverageCpuUtilization,
                        ),
                    )
                    .scale_in_cooldown(60)
                    .scale_out_cooldown(60),
            ),
    );

    stack.output("ClusterName", cluster.to_ref());
    stack.output("ServiceName", service.attr_name());

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
