//! High-level constructs for the ECS container journey: each builds ordinary generated
//! resources with the defaults an experienced AWS engineer would choose, documented on the
//! field that sets them.
//!
//! Conventions shared by every construct:
//! - `Xxx::new(&mut stack, id, XxxProps { .. })` adds the construct's resources to `stack`.
//!   `id` is the construct's logical-ID prefix: its main resource takes `id` itself, and its
//!   other parts `id` + part name (`WebExecutionRole`). IDs come from what you pass, never
//!   from variable names, so renaming a variable replaces nothing.
//! - Props structs implement `Default` where every field has a sensible default; each field
//!   documents its default.
//! - The escape hatch: every construct exposes the handles of the resources it made
//!   (`repo.resource()`), so you can change any property with [`crate::Stack::get_mut`] or
//!   [`crate::ResourceOptions::override_property`].
//! - Stateful resources (repositories, log groups) are retained when the stack is deleted or
//!   the resource replaced, unless you choose otherwise.

mod capacity;
mod cluster;
mod connect;
mod container;
mod creation_template;
mod express;
mod image;
mod load_balancer;
mod log;
mod managed_instances;
mod network;
mod pull_through;
mod repository;
mod scaling;
mod schedule;
mod secret;
mod service;
mod task_definition;
mod volume;

pub use crate::model::asset::Platform;
pub use crate::resources::ecs::task_definition::AppProtocol;
pub use capacity::{
    DEFAULT_AGENT_SETTINGS, DYNAMIC_HOST_PORTS, ECS_AL2023_AMI_ARM64, ECS_AL2023_AMI_X86_64,
    Ec2Capacity, Ec2CapacityProps, InstancePolicy, MachineImage,
};
pub use cluster::{CapacityProviderStrategy, Cluster, ClusterProps, ContainerInsights};
pub use connect::{
    AccessLogFormat, ServiceConnect, ServiceConnectNamespace, ServiceConnectPort, ServiceConnectTls,
};
pub use container::{
    Container, ContainerDependency, ContainerProps, DependencyCondition, HealthCheck, MountPoint,
    PortMapping, Protocol,
};
pub use creation_template::{
    CreatedFor, RepositoryCreationTemplate, RepositoryCreationTemplateProps,
};
pub use express::{ExpressScaling, ExpressService, ExpressServiceProps};
pub use image::{ContainerImage, DirectoryImage, FilesImage, ImageBase, SourceImage};
pub use load_balancer::{
    AccessLogs, ExistingListener, ExistingListenerRequired, HttpsListener, LoadBalancedEc2Service,
    LoadBalancedEc2ServiceProps, LoadBalancedFargateService, LoadBalancedFargateServiceProps,
    LoadBalancedService, LoadBalancedServiceProps, LoadBalancerKind, LoadBalancerTarget,
    ServiceKind,
};
pub use log::{LogGroupProps, TaskLogging};
pub use managed_instances::{
    InstancePurchase, InstanceRequirements, ManagedInstancesCapacity, ManagedInstancesProps,
};
pub use network::{NatGateways, Vpc, VpcEndpoints, VpcProps, VpcResources};
pub use pull_through::{PullThroughCache, Upstream};
pub use repository::{LifecycleRule, Removal, Repository, RepositoryEncryption, RepositoryProps};
pub use scaling::{AutoScaling, Metric, MetricStatistic, ScalingStep, StepScaling, TargetTracking};
pub use schedule::{
    AdHocTask, AdHocTaskProps, RateUnit, Schedule, ScheduledTask, ScheduledTaskProps, TaskCapacity,
};
pub use secret::SecretSource;
pub use service::{
    CircuitBreaker, CloudMapOptions, DeploymentSettings, DeploymentStrategy, Ec2Service,
    Ec2ServiceProps, FargateService, FargateServiceProps, LifecycleHook, PlacementConstraint,
    PlacementStrategy, Service, ServiceNetworking, Subnets,
};
pub use task_definition::{
    Compatibility, CpuArchitecture, Ec2NetworkMode, EfsVolume, FargateSize, FargateSizeError,
    TaskDefinition, TaskDefinitionProps, TaskRole, TaskSize, TaskVolume,
};
pub use volume::{EbsVolumeType, ManagedEbsVolume};

// The rules constructs report (`rules::INVALID_INPUT`, `rules::UNMANAGED_ROLE`: bad input is
// reported at synth with every other problem, never panicked on) live in the one registry,
// `crate::rules`; the submodules name them through this import.
use crate::rules;

/// The logical ID of a construct part: `prefix` + `part`, keeping only ASCII letters and digits.
pub(crate) fn part_id(prefix: &str, part: &str) -> String {
    prefix
        .chars()
        .chain(part.chars())
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Text made of literals and expressions (a command, JSON in an output), adjacent literals
/// merged, so it reads as one string between the expressions: one `Fn::Join` in the end.
#[derive(Default)]
pub(crate) struct Text(Vec<crate::model::value::Value<String>>);

impl Text {
    /// Append `v`.
    pub(crate) fn push(&mut self, v: impl Into<crate::model::value::Value<String>>) {
        let v = v.into();
        match (self.0.last_mut().and_then(|p| p.as_lit_mut()), v.as_lit()) {
            (Some(prev), Some(next)) => prev.push_str(next),
            _ => self.0.push(v),
        }
    }

    /// Append an integer: its digits, or the expression (CloudFormation writes a number
    /// into a joined string as its digits).
    pub(crate) fn number(&mut self, n: &crate::model::value::Value<i64>) {
        match n.as_lit() {
            Some(l) => self.push(l.to_string()),
            None => self.push(
                n.clone()
                    .cast_expr::<String>()
                    .unwrap_or_else(|| crate::model::value::Value::lit(String::new())),
            ),
        }
    }

    /// The whole text.
    pub(crate) fn join(self) -> crate::model::value::Value<String> {
        crate::fns::join("", self.0)
    }
}

/// `<prefix><part>`: a role ECS assumes (trusted by `ecs.amazonaws.com`) with exactly
/// `statements`, in an inline policy named `policy`. The infrastructure, deployment and
/// hook roles the constructs make.
pub(crate) fn ecs_role(
    stack: &mut crate::model::stack::Stack,
    prefix: &str,
    part: &str,
    policy: &str,
    statements: Vec<crate::iam::Statement>,
) -> crate::model::handle::Handle<crate::resources::iam::Role> {
    let role = stack.add(
        &part_id(prefix, part),
        crate::resources::iam::Role::new(crate::iam::PolicyDocument::assumed_by(
            "ecs.amazonaws.com",
        )),
    );
    repository::grant(stack, &role, policy, statements);
    role
}

/// For the constructs' tests: task definition `id`, the smallest Fargate size (0.25 vCPU,
/// 512 MiB), with the one container `container`.
#[cfg(test)]
fn test_task(stack: &mut crate::Stack, id: &str, container: ContainerProps) -> TaskDefinition {
    let task = TaskDefinition::new(
        stack,
        id,
        TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512),
    );
    task.add_container(stack, container);
    task
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::stack::valid_logical_id;

    #[test]
    fn part_ids_are_alphanumeric_concatenations() {
        assert_eq!(part_id("Web", "ExecutionRole"), "WebExecutionRole");
        assert_eq!(part_id("web-api", "Logs"), "webapiLogs");
        assert!(valid_logical_id(&part_id("a_b", "C")));
    }
}
