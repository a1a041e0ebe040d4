//! N Fargate services in one stack (`SERVICES`, default 10): the program behind the synth
//! benchmarks. It builds the same resources, one for one, as the stratosphere peer
//! measured in `shared/peers/stratosphere.md`: 11 shared resources (VPC, two public subnets,
//! gateway, routes, security group, cluster) and 7 per service (repository, log group,
//! execution role, task definition, service, scalable target, CPU target-tracking policy).
//! Where the peer left security settings out, this program sets them (Container Insights,
//! scan on push, immutable tags, KMS encryption): same resources, a few more properties.
//!
//! ```text
//! SERVICES=50 cargo run --release --example fargate_fleet -- synth > fleet.json
//! ```

use std::process::ExitCode;

use ferroform::iam::{PolicyDocument, Statement};
use ferroform::resources::applicationautoscaling::{self as aas, scalable_target, scaling_policy};
use ferroform::resources::ecs::{self, service, task_definition as td};
use ferroform::resources::{ec2, ecr, iam, logs};
use ferroform::{App, Stack, fns, pseudo};

/// The stack with `services` Fargate services.
pub fn stack(services: usize) -> Stack {
    let mut stack = Stack::new("FargateFleet");

    let vpc = stack.add(
        "Vpc",
        ec2::Vpc::new()
            .cidr_block("10.0.0.0/16")
            .enable_dns_hostnames(true)
            .enable_dns_support(true),
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
    stack.options(&default_route).depends_on(&attachment);
    let mut subnets = Vec::new();
    for (i, cidr) in ["10.0.0.0/24", "10.0.1.0/24"].into_iter().enumerate() {
        let subnet = stack.add(
            &format!("PublicSubnet{i}"),
            ec2::Subnet::new(vpc.to_ref())
                .cidr_block(cidr)
                .availability_zone(fns::select(i as i64, fns::get_azs("")))
                .map_public_ip_on_launch(true),
        );
        stack.add(
            &format!("PublicSubnet{i}RouteTableAssociation"),
            ec2::SubnetRouteTableAssociation::new(ec2::SubnetRouteTableAssociationRequired {
                route_table_id: routes.to_ref(),
                subnet_id: subnet.to_ref(),
            }),
        );
        subnets.push(subnet.to_ref());
    }
    let sg = stack.add(
        "ServiceSecurityGroup",
        ec2::SecurityGroup::new("Fargate services")
            .vpc_id(vpc.to_ref())
            .security_group_ingress(vec![
                ec2::security_group::Ingress::new("tcp")
                    .from_port(80)
                    .to_port(80)
                    .cidr_ip("0.0.0.0/0")
                    .description("HTTP"),
            ]),
    );
    // The tasks answer HTTP straight from public subnets, with no load balancer in front, to
    // keep the example small: checkov's CKV_AWS_260 is suppressed with that reason. Put a
    // load balancer in front for production (LoadBalancedFargateService, container_journey).
    stack.options(&sg).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_260",
        "comment": "Example tasks serve HTTP directly on public IPs; put a load balancer in front for production"
    }]}}));
    let cluster = stack.add(
        "Cluster",
        ecs::Cluster::new().cluster_settings(vec![
            ecs::cluster::ClusterSettings::new()
                .name("containerInsights")
                .value("enabled"),
        ]),
    );

    for i in 0..services {
        let name = format!("svc{i}");
        let repo = stack.add(
            &format!("Svc{i}Repository"),
            ecr::Repository::new()
                .repository_name(fns::sub(format!("${{AWS::StackName}}-{name}")))
                .image_tag_mutability(ecr::repository::ImageTagMutability::Immutable)
                .image_scanning_configuration(
                    ecr::repository::ImageScanningConfiguration::new().scan_on_push(true),
                )
                .encryption_configuration(ecr::repository::EncryptionConfiguration::new(
                    ecr::repository::EncryptionType::Kms,
                )),
        );
        let log_group = stack.add(
            &format!("Svc{i}LogGroup"),
            logs::LogGroup::new()
                .log_group_name(fns::sub(format!("/ecs/${{AWS::StackName}}/{name}")))
                .retention_in_days(30),
        );
        // CloudWatch Logs encrypts at rest with its own keys: checkov's CKV_AWS_158 (a
        // customer-managed key) is suppressed with that reason.
        stack.options(&log_group).metadata(serde_json::json!({"checkov": {"skip": [{
            "id": "CKV_AWS_158",
            "comment": "CloudWatch Logs encrypts at rest with service keys; add KmsKeyId for sensitive logs"
        }]}}));
        let exec_role = stack.add(
            &format!("Svc{i}ExecutionRole"),
            iam::Role::new(serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "sts:AssumeRole"
                }]
            }))
            // Exactly what the ECS agent does for this task, instead of the AWS-managed
            // AmazonECSTaskExecutionRolePolicy.
            .policies(vec![iam::role::Policy::new(
                PolicyDocument::new()
                    // ECR sign-in has no resource-level permissions: AWS requires "*".
                    .statement(Statement::allow(["ecr:GetAuthorizationToken"]).resource("*"))
                    .statement(
                        Statement::allow([
                            "ecr:BatchCheckLayerAvailability",
                            "ecr:BatchGetImage",
                            "ecr:GetDownloadUrlForLayer",
                        ])
                        .resource(repo.attr_arn()),
                    )
                    .statement(
                        Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
                            .resource(log_group.attr_arn()),
                    ),
                "pull-image-and-write-logs",
            )]),
        );
        let image = fns::join(":", vec![repo.attr_repository_uri(), "latest".into()]);
        let task = stack.add(
            &format!("Svc{i}TaskDefinition"),
            ecs::TaskDefinition::new()
                .family(fns::sub(format!("${{AWS::StackName}}-{name}")))
                .cpu("512")
                .memory("1024")
                .network_mode(td::NetworkMode::Awsvpc)
                .requires_compatibilities(vec![td::RequiresCompatibility::Fargate])
                .execution_role_arn(exec_role.attr_arn())
                .container_definitions(vec![
                    td::ContainerDefinition::new(td::ContainerDefinitionRequired {
                        image,
                        name: name.as_str().into(),
                    })
                    .essential(true)
                    .port_mappings(vec![
                        td::PortMapping::new()
                            .container_port(80)
                            .protocol(td::PortMappingProtocol::Tcp),
                    ])
                    .log_configuration(
                        td::LogConfiguration::new("awslogs").options([
                            ("awslogs-group", log_group.to_ref()),
                            ("awslogs-region", pseudo::region()),
                            ("awslogs-stream-prefix", name.as_str().into()),
                        ]),
                    ),
                ]),
        );
        let service = stack.add(
            &format!("Svc{i}Service"),
            ecs::Service::new()
                .cluster(cluster.to_ref())
                .service_name(name.as_str())
                .launch_type(service::LaunchType::Fargate)
                // No DesiredCount: the service is auto scaled (below), and a count here
                // would reset it on every update (FF4034).
                .task_definition(task.to_ref())
                .network_configuration(
                    service::NetworkConfiguration::new().awsvpc_configuration(
                        service::AwsVpcConfiguration::new()
                            .assign_public_ip(service::AssignPublicIp::Enabled)
                            .security_groups(vec![sg.to_ref()])
                            .subnets(subnets.clone()),
                    ),
                ),
        );
        let target = stack.add(
            &format!("Svc{i}ScalableTarget"),
            aas::ScalableTarget::new(aas::ScalableTargetRequired {
                max_capacity: 10.into(),
                min_capacity: 1.into(),
                resource_id: fns::join(
                    "/",
                    vec!["service".into(), cluster.to_ref(), service.attr_name()],
                ),
                scalable_dimension: scalable_target::ScalableDimension::EcsServiceDesiredCount
                    .into(),
                service_namespace: scalable_target::ServiceNamespace::Ecs.into(),
            }),
        );
        stack.add(
            &format!("Svc{i}ScalingPolicy"),
            aas::ScalingPolicy::new(
                format!("{name}-cpu60"),
                scaling_policy::PolicyType::TargetTrackingScaling,
            )
            .scaling_target_id(target.to_ref())
            .target_tracking_scaling_policy_configuration(
                scaling_policy::TargetTrackingScalingPolicyConfiguration::new(60.0)
                    .predefined_metric_specification(
                        scaling_policy::PredefinedMetricSpecification::new(
                            scaling_policy::PredefinedMetricType::EcsServiceAverageCpuUtilization,
                        ),
                    ),
            ),
        );
    }
    stack
}

/// The app: one stack, `SERVICES` services (default 10).
pub fn app() -> App {
    let services = std::env::var("SERVICES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mut app = App::new();
    app.add(stack(services));
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
