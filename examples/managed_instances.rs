//! A service on Amazon ECS Managed Instances: ECS picks, launches, patches and stops the EC2
//! instances (Graviton, at least 2 vCPUs and 4 GiB, current generation, Spot) that the
//! service's tasks need, so there is no Auto Scaling group or AMI to look after.
//!
//! The capacity provider belongs to the cluster (`ClusterName`), not to its list of
//! capacity providers, which ECS refuses for Managed Instances (FF4044). Its two roles
//! carry the statements of AWS's managed policies, limited to this account, region and
//! cluster, and the infrastructure role may pass exactly the instance role.
//!
//! ```text
//! cargo run --example managed_instances -- synth --out out/
//! ```

use std::process::ExitCode;

use ferroform::ecs::{
    Cluster, ClusterProps, ContainerImage, ContainerProps, CpuArchitecture, Ec2Service,
    Ec2ServiceProps, InstancePurchase, InstanceRequirements, ManagedInstancesCapacity,
    ManagedInstancesProps, ServiceNetworking, TaskDefinition, TaskDefinitionProps,
};
use ferroform::{App, Parameter, Stack};

/// The stack: parameters for the network, the cluster, its Managed Instances capacity,
/// and a service running there.
pub fn stack() -> Stack {
    let mut stack = Stack::new("ManagedInstances");
    stack.description("A service on ECS Managed Instances (Graviton, Spot)");
    let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
    let private = stack.parameter(
        "PrivateSubnets",
        Parameter::aws_list("AWS::EC2::Subnet::Id"),
    );
    let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
    let capacity = ManagedInstancesCapacity::new(
        &mut stack,
        "Graviton",
        &cluster,
        ManagedInstancesProps {
            purchase: InstancePurchase::Spot,
            ..ManagedInstancesProps::new(
                vpc.to_ref(),
                private.to_ref(),
                InstanceRequirements::new(2, 4096).graviton(),
            )
        },
    );
    let task = TaskDefinition::new(
        &mut stack,
        "ApiTask",
        TaskDefinitionProps {
            cpu_architecture: CpuArchitecture::Arm64,
            ..TaskDefinitionProps::managed_instances(1024, 2048)
        },
    );
    task.add_container(
        &mut stack,
        ContainerProps::new(
            "api",
            ContainerImage::registry("public.ecr.aws/nginx/nginx:1.27"),
        )
        .port(80),
    );
    Ec2Service::new(
        &mut stack,
        "Api",
        Ec2ServiceProps {
            networking: Some(ServiceNetworking::new(vpc.to_ref(), private.to_ref())),
            capacity_provider_strategy: vec![capacity.strategy(1)],
            ..Ec2ServiceProps::new(&cluster, &task)
        },
    );
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
