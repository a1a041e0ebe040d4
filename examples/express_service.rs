//! "Run this image on HTTPS" in a few lines: an Amazon ECS Express Mode service. ECS makes
//! and runs the Application Load Balancer, its certificate and HTTPS listener, the security
//! groups, auto scaling (1 to 3 tasks on average CPU) and the deployment alarms; the
//! construct makes the roles and the log group ECS needs — the infrastructure role with the
//! statements of AWS's managed policy for Express Mode limited to this account and region.
//!
//! ```text
//! cargo run --example express_service -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{Cluster, ClusterProps, ContainerImage, ExpressService, ExpressServiceProps};
use ferroform::{App, Parameter, Stack};

/// The stack: the cluster, the service and its URL.
pub fn stack() -> Stack {
    let mut stack = Stack::new("Hello");
    stack.description("A web service in Amazon ECS Express Mode");
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id"),
    );
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let hello = ExpressService::new(
        &mut stack,
        "Hello",
        &cluster,
        ExpressServiceProps {
            subnets: Some(private.to_ref().into()),
            health_check_path: Some("/".into()),
            ..ExpressServiceProps::new(ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27"))
        },
    );
    stack.output("Url", hello.endpoint());
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
