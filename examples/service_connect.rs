//! Two services that talk over Service Connect: `api` serves its HTTP port to the
//! `internal` namespace as `api:8080`, `web` joins the namespace as a client and calls it by
//! that short name. The namespace is made once (`ServiceConnectNamespace`) and shared; the
//! proxies log to each task's log group; the API port speaks HTTP, so its proxy retries and
//! times out per request (30 s) and closes idle connections after 5 minutes. Only the web
//! service's security group may reach the API's tasks.
//!
//! ```text
//! cargo run --example service_connect -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    AppProtocol, Cluster, ClusterProps, ContainerImage, ContainerProps, FargateService,
    FargateServiceProps, FargateSize, PortMapping, ServiceConnect, ServiceConnectNamespace,
    ServiceConnectPort, ServiceNetworking, TaskDefinition, TaskDefinitionProps,
};
use ferroform::{App, Parameter, Stack};

/// The stack: parameters for the network, the cluster, the namespace and the two services.
pub fn stack() -> Stack {
    let mut stack = Stack::new("ServiceConnect");
    stack.description("Two services talking over ECS Service Connect");
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id"),
    );
    let networking = || ServiceNetworking::new(vpc.to_ref(), private.to_ref());
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let namespace = ServiceConnectNamespace::new(&mut stack, "Internal", "internal");

    let api_task = TaskDefinition::new(
        &mut stack,
        "ApiTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    api_task.add_container(
        &mut stack,
        ContainerProps {
            port_mappings: vec![PortMapping::tcp(8080).service_connect("http", AppProtocol::Http)],
            ..ContainerProps::new(
                "api",
                ContainerImage::registry("public.ecr.aws/docker/library/httpd:2.4"),
            )
        },
    );
    let api = FargateService::new(
        &mut stack,
        "Api",
        FargateServiceProps {
            service_connect: Some(
                ServiceConnect::new(namespace.arn()).serve(
                    ServiceConnectPort::new("http", 8080)
                        .dns_name("api")
                        .timeouts(300, 30),
                ),
            ),
            ..FargateServiceProps::new(&cluster, &api_task, networking())
        },
    );

    let web_task = TaskDefinition::new(
        &mut stack,
        "WebTask",
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    web_task.add_container(
        &mut stack,
        ContainerProps {
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                "while true; do wget -qO- http://api:8080/ || true; sleep 60; done".into(),
            ]),
            ..ContainerProps::new(
                "web",
                ContainerImage::registry("public.ecr.aws/docker/library/busybox:1.37"),
            )
        },
    );
    let web = FargateService::new(
        &mut stack,
        "Web",
        FargateServiceProps {
            service_connect: Some(ServiceConnect::new(namespace.arn())),
            ..FargateServiceProps::new(&cluster, &web_task, networking())
        },
    );
    if let Some(web_group) = web.security_group_ids().first() {
        api.allow_from(
            &mut stack,
            "Web",
            web_group.clone(),
            8080,
            "The web service",
        );
    }
    stack
}

/// The app: the one stack.
pub fn app() -> App {
    let mut app = App::new();
    app.add(stack());
    app
}

#[allow(dead_code)]
fn main() -> ExitCode {
    app().run()
}
