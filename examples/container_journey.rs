//! The container journey from the ECS introduction, with the high-level constructs: an ECR
//! repository, a Fargate task definition, a cluster, a service behind an internet-facing
//! ALB, and auto scaling on CPU and on requests per task. Runs in an existing VPC: public
//! subnets for the load balancer, private subnets (with a NAT gateway) for the tasks.
//!
//! ```text
//! cargo run --example container_journey -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerProps, FargateServiceProps, FargateSize,
    HealthCheck, LifecycleRule, LoadBalancedFargateService, LoadBalancedFargateServiceProps,
    MountPoint, Repository, RepositoryProps, ServiceNetworking, TaskDefinition,
    TaskDefinitionProps, TaskVolume,
};
use ferroform::{App, Parameter, Stack, fns};

/// The stack.
pub fn app() -> App {
    let mut stack = Stack::new("ContainerJourney");
    stack.description("A web service on Fargate behind an ALB, scaled on CPU and requests");

    let vpc = stack.parameter(
        "VpcId",
        Parameter::aws("AWS::EC2::VPC::Id").description("The VPC to run in"),
    );
    let public_subnets = stack.parameter(
        "PublicSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Public subnets for the load balancer (two or more zones)"),
    );
    let private_subnets = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id")
            .description("Private subnets for the tasks, with a route to a NAT gateway"),
    );
    let tag = stack.parameter(
        "ImageTag",
        Parameter::string()
            .description("The image tag to deploy (tags are immutable)")
            .allowed_pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"),
    );

    // 1. Where the images live.
    let repo = Repository::new(
        &mut stack,
        "Repository",
        RepositoryProps {
            lifecycle_rules: vec![
                LifecycleRule::ExpireUntaggedAfterDays(7),
                LifecycleRule::KeepLast(50),
            ],
            ..Default::default()
        },
    );

    // 2. What runs: one container, read-only root filesystem with a writable /tmp.
    let task = TaskDefinition::new(
        &mut stack,
        "WebTask",
        TaskDefinitionProps {
            volumes: vec![TaskVolume::Scratch("tmp".into())],
            ..TaskDefinitionProps::fargate(FargateSize::CPU_512_MEM_1024)
        },
    );
    task.add_container(
        &mut stack,
        ContainerProps {
            health_check: Some(HealthCheck::shell(
                "wget -q -O /dev/null http://localhost:8080/health || exit 1",
            )),
            mount_points: vec![MountPoint {
                source_volume: "tmp".into(),
                container_path: "/tmp".into(),
                read_only: false,
            }],
            ..ContainerProps::new("web", ContainerImage::ecr(&repo, tag.to_ref()))
        }
        .port(8080)
        .env("PORT", "8080"),
    );

    // 3. Where it runs.
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());

    // 4. The service behind a load balancer.
    let web = LoadBalancedFargateService::new(
        &mut stack,
        "Web",
        LoadBalancedFargateServiceProps {
            health_check_path: "/health".into(),
            // No desired count: the service is auto scaled below, and a count in the
            // template would reset it on every update (auto scaling's minimum of 2 applies).
            ..LoadBalancedFargateServiceProps::new(
                FargateServiceProps::new(
                    &cluster,
                    &task,
                    ServiceNetworking::new(vpc.to_ref(), private_subnets.to_ref()),
                ),
                public_subnets.to_ref(),
            )
        },
    );

    // 5. Auto scaling: 2 to 10 tasks, on CPU and on requests per task.
    web.auto_scale(&mut stack, 2, 10)
        .scale_on_cpu(&mut stack, 60.0)
        .scale_on_request_count(&mut stack, 500, &web.target());

    stack
        .output("Url", fns::join("", vec!["http://".into(), web.dns_name()]))
        .description("The service's address");
    stack
        .output("RepositoryUri", repo.uri())
        .description("Push images here");

    let mut app = App::new();
    app.add(stack);
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
