//! An EC2-backed cluster with an Auto Scaling group capacity provider, running a bridge-mode
//! web service with dynamic host ports behind an ALB, plus a worker on Fargate Spot in the
//! same cluster.
//!
//! The load balancer side of the EC2 service is composed from generated resources here
//! (`LoadBalancedFargateService` targets task IPs; a bridge-mode service registers
//! instance:port targets): the ALB and its security group, an `instance` target group whose
//! health check uses the traffic port, the listener, and the one rule that opens the
//! instances' ephemeral port range (32768–65535) to the load balancer's security group only.
//!
//! ```text
//! cargo run --example ec2_capacity -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    CapacityProviderStrategy, Cluster, ClusterProps, ContainerProps, Ec2Capacity, Ec2CapacityProps,
    Ec2NetworkMode, Ec2Service, Ec2ServiceProps, FargateService, FargateServiceProps, FargateSize,
    MountPoint, PortMapping, ServiceNetworking, TaskDefinition, TaskDefinitionProps, TaskVolume,
};
use ferroform::resources::ec2;
use ferroform::resources::ecs::service as s;
use ferroform::resources::elasticloadbalancingv2::{
    self as elb, listener as l, load_balancer as lb, target_group as tg,
};
use ferroform::{App, Parameter, Stack, Tag};

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("Ec2Capacity");
    stack.description(
        "A bridge-mode web service on EC2 capacity behind an ALB, and a Fargate Spot worker, in one cluster",
    );

    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let public = stack.parameter(
        "PublicSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id").description("Subnets of the load balancer"),
    );
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Subnets of the instances and the worker, with a route to a NAT gateway"),
    );

    // --- the cluster: Fargate and Fargate Spot, plus the EC2 instances' provider
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let instances = Ec2Capacity::new(
        &mut stack,
        "Instances",
        &cluster,
        Ec2CapacityProps {
            max_size: 3.into(),
            // Added to the defaults (ECS_AWSVPC_BLOCK_IMDS=true stays).
            agent_settings: vec![("ECS_ENABLE_CONTAINER_METADATA".into(), "true".into())],
            ..Ec2CapacityProps::new(vpc.to_ref(), private.to_ref())
        },
    );

    // --- the web service: bridge mode, container port 80 on a dynamic host port; nginx
    // with a read-only root filesystem writes only its cache and pid file, on scratch volumes
    let web_task = TaskDefinition::new(
        &mut stack,
        "WebTask",
        TaskDefinitionProps {
            volumes: vec![
                TaskVolume::Scratch("cache".into()),
                TaskVolume::Scratch("run".into()),
            ],
            ..TaskDefinitionProps::ec2(Ec2NetworkMode::Bridge)
        },
    );
    web_task.add_container(
        &mut stack,
        ContainerProps {
            memory_reservation_mib: Some(256),
            memory_limit_mib: Some(512),
            port_mappings: vec![PortMapping::tcp(80).host_port(0)],
            mount_points: vec![
                MountPoint {
                    source_volume: "cache".into(),
                    container_path: "/var/cache/nginx".into(),
                    read_only: false,
                },
                MountPoint {
                    source_volume: "run".into(),
                    container_path: "/run".into(),
                    read_only: false,
                },
            ],
            ..ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27")
        },
    );

    let lb_sg = stack.add(
        "LoadBalancerSecurityGroup",
        ec2::SecurityGroup::new("Load balancer of the web service")
            .vpc_id(vpc.to_ref())
            .security_group_ingress(vec![
                ec2::security_group::Ingress::new("tcp")
                    .cidr_ip("0.0.0.0/0")
                    .from_port(80)
                    .to_port(80)
                    .description("HTTP from anywhere"),
            ]),
    );
    stack.options(&lb_sg).metadata(serde_json::json!({"checkov": {"skip": [{
        "id": "CKV_AWS_260",
        "comment": "An internet-facing load balancer answers HTTP on port 80; this example has no certificate"
    }]}}));
    let balancer = stack.add(
        "LoadBalancer",
        elb::LoadBalancer::new()
            .r#type(lb::Type::Application)
            .scheme(lb::Scheme::InternetFacing)
            .subnets(public.to_ref())
            .security_groups(vec![lb_sg.attr_group_id()])
            .load_balancer_attributes(vec![Tag::new(
                "routing.http.drop_invalid_header_fields.enabled",
                "true",
            )]),
    );
    stack.options(&balancer).metadata(serde_json::json!({"checkov": {"skip": [
        {"id": "CKV_AWS_150", "comment": "Deletion protection would make stack deletion fail; turn it on for production"},
        {"id": "CKV_AWS_91", "comment": "Access logs need an S3 bucket with an Elastic Load Balancing delivery policy"}
    ]}}));
    let targets = stack.add(
        "TargetGroup",
        elb::TargetGroup::new()
            .target_type(tg::TargetType::Instance)
            .protocol(tg::Protocol::Http)
            .port(80)
            .vpc_id(vpc.to_ref())
            .health_check_protocol(tg::HealthCheckProtocol::Http)
            .health_check_port("traffic-port")
            .health_check_path("/")
            .health_check_interval_seconds(15)
            .healthy_threshold_count(2)
            .unhealthy_threshold_count(3)
            .target_group_attributes(vec![Tag::new("deregistration_delay.timeout_seconds", "30")]),
    );
    let listener = stack.add(
        "HttpListener",
        elb::Listener::new(
            vec![l::Action::new(l::ActionType::Forward).target_group_arn(targets.to_ref())],
            balancer.to_ref(),
        )
        .port(80)
        .protocol(l::Protocol::Http),
    );
    stack
        .options(&listener)
        .metadata(serde_json::json!({"checkov": {"skip": [
            {"id": "CKV_AWS_2", "comment": "No certificate in this example: plain HTTP"},
            {"id": "CKV_AWS_103", "comment": "No certificate in this example: plain HTTP"}
        ]}}));
    // The instances accept the dynamic host ports from the load balancer, and only from it.
    instances.allow_dynamic_ports_from(&mut stack, "LoadBalancer", lb_sg.attr_group_id());

    let web = Ec2Service::new(
        &mut stack,
        "Web",
        Ec2ServiceProps {
            desired_count: Some(2.into()),
            capacity_provider_strategy: vec![instances.strategy(1)],
            ..Ec2ServiceProps::new(&cluster, &web_task)
        },
    );
    if let Some(svc) = stack.get_mut(web.resource()) {
        svc.load_balancers = Some(
            vec![
                s::LoadBalancer::new()
                    .container_name("web")
                    .container_port(80)
                    .target_group_arn(targets.to_ref()),
            ]
            .into(),
        );
        svc.health_check_grace_period_seconds = Some(60.into());
    }
    // ECS refuses a target group that no load balancer uses yet.
    stack.options(web.resource()).depends_on(&listener);

    // --- the worker: Fargate Spot in the same cluster
    let worker_task = TaskDefinition::new(
        &mut stack,
        "WorkerTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    worker_task.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                "while true; do sleep 30; done".into(),
            ]),
            ..ContainerProps::new("worker", "public.ecr.aws/docker/library/busybox:1.36")
        },
    );
    let worker = FargateService::new(
        &mut stack,
        "Worker",
        FargateServiceProps {
            capacity_provider_strategy: vec![CapacityProviderStrategy::fargate_spot(1)],
            ..FargateServiceProps::new(
                &cluster,
                &worker_task,
                ServiceNetworking::new(vpc.to_ref(), private.to_ref()),
            )
        },
    );

    stack.output("Url", ferroform::fns::sub("http://${LoadBalancer.DNSName}"));
    stack.output("CapacityProviderName", instances.name());
    stack.output("WorkerServiceName", worker.name());

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
