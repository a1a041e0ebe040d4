//! `ManagedInstancesCapacity`: an Amazon ECS Managed Instances capacity provider — EC2
//! instances that ECS chooses, launches, patches and stops for the cluster's tasks, from
//! instance requirements (vCPUs, memory, CPU makers, generations) or a list of types.
//!
//! What it makes: the provider itself, scoped to its cluster (`ClusterName`: a Managed
//! Instances provider is never listed in the cluster's capacity provider associations,
//! which ECS refuses — FF4044); the infrastructure role ECS uses to launch the instances
//! and the instance role (with its instance profile) the ECS agent on them uses, each with
//! the statements of AWS's managed policies limited to this account, region, cluster and
//! instance role; and a security group with no ingress when none is given.

use serde_json::json;

use crate::fns;
use crate::iam::{PolicyDocument, Statement};
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{List, Value};
use crate::resources::ecs::{self, capacity_provider as cp};
use crate::resources::{ec2, iam};

use super::cluster::{CapacityProviderStrategy, Cluster};
use super::part_id;
use super::repository::grant;
use super::service::Subnets;

/// Which instances ECS may launch ([instance requirements](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-types.html)).
#[derive(Clone, Debug)]
pub struct InstanceRequirements {
    /// Fewest vCPUs per instance.
    pub min_vcpus: Value<i64>,
    /// Most vCPUs per instance. Default: none (no upper bound).
    pub max_vcpus: Option<Value<i64>>,
    /// Least memory per instance, in MiB.
    pub min_memory_mib: Value<i64>,
    /// Most memory per instance, in MiB. Default: none.
    pub max_memory_mib: Option<Value<i64>>,
    /// CPU makers (`AmazonWebServices` is Graviton, ARM64). Default: none (any; the tasks'
    /// CPU architecture decides).
    pub cpu_manufacturers: Vec<cp::CpuManufacturer>,
    /// Only these instance types (wildcards allowed, `m7g.*`). Default: none (any that
    /// meets the rest).
    pub instance_types: Vec<String>,
    /// Current-generation instance types only. Default: `true` (previous generations cost
    /// more for what they give).
    pub current_generation_only: bool,
}

impl InstanceRequirements {
    /// At least `min_vcpus` vCPUs and `min_memory_mib` MiB, current generation, any maker.
    pub fn new(min_vcpus: impl Into<Value<i64>>, min_memory_mib: impl Into<Value<i64>>) -> Self {
        InstanceRequirements {
            min_vcpus: min_vcpus.into(),
            max_vcpus: None,
            min_memory_mib: min_memory_mib.into(),
            max_memory_mib: None,
            cpu_manufacturers: Vec::new(),
            instance_types: Vec::new(),
            current_generation_only: true,
        }
    }

    /// Graviton (ARM64) instances only.
    pub fn graviton(mut self) -> Self {
        self.cpu_manufacturers = vec![cp::CpuManufacturer::AmazonWebServices];
        self
    }

    fn render(&self) -> cp::InstanceRequirementsRequest {
        let mut vcpus = cp::VcpuCountRangeRequest::new(self.min_vcpus.clone());
        if let Some(max) = &self.max_vcpus {
            vcpus = vcpus.max(max.clone());
        }
        let mut memory = cp::MemoryMibRequest::new(self.min_memory_mib.clone());
        if let Some(max) = &self.max_memory_mib {
            memory = memory.max(max.clone());
        }
        let mut r = cp::InstanceRequirementsRequest::new(memory, vcpus);
        if !self.cpu_manufacturers.is_empty() {
            r = r.cpu_manufacturers(self.cpu_manufacturers.clone());
        }
        if !self.instance_types.is_empty() {
            r = r.allowed_instance_types(self.instance_types.clone());
        }
        if self.current_generation_only {
            r = r.instance_generations(vec![cp::InstanceGeneration::Current]);
        }
        r
    }
}

/// How the instances are bought.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InstancePurchase {
    /// On-Demand instances. The default.
    #[default]
    OnDemand,
    /// Spot instances (cheaper; ECS replaces those EC2 takes back).
    Spot,
}

/// The settings of a [`ManagedInstancesCapacity`]. Start from
/// [`ManagedInstancesProps::new`].
#[derive(Clone, Debug)]
pub struct ManagedInstancesProps {
    /// The VPC (for the security group made when none is given).
    pub vpc_id: Value<String>,
    /// The subnets instances are launched in (private ones).
    pub subnets: Subnets,
    /// Security groups of the instances. Default: none given, so `<id>SecurityGroup` is
    /// made: no ingress (tasks in awsvpc mode have their own groups), all egress.
    pub security_groups: Vec<Value<String>>,
    /// Which instances. Default: none given to [`ManagedInstancesProps::new`] means
    /// whatever it was given.
    pub requirements: InstanceRequirements,
    /// On-Demand or Spot. Default: On-Demand.
    pub purchase: InstancePurchase,
    /// Each instance's root volume in GiB. Default: none (ECS's default).
    pub storage_gib: Option<Value<i64>>,
    /// Seconds an idle instance is kept before ECS stops it. Default: none (ECS's default).
    pub scale_in_after_seconds: Option<Value<i64>>,
    /// Tag the instances with the capacity provider's tags. Default: `true` (costs are
    /// then attributed like the rest of the stack).
    pub propagate_tags: bool,
    /// The provider's name. Default: none (CloudFormation makes one).
    pub name: Option<Value<String>>,
}

impl ManagedInstancesProps {
    /// Instances meeting `requirements` in `subnets` of `vpc_id`, with the defaults above.
    pub fn new(
        vpc_id: impl Into<Value<String>>,
        subnets: impl Into<Subnets>,
        requirements: InstanceRequirements,
    ) -> Self {
        ManagedInstancesProps {
            vpc_id: vpc_id.into(),
            subnets: subnets.into(),
            security_groups: Vec::new(),
            requirements,
            purchase: InstancePurchase::OnDemand,
            storage_gib: None,
            scale_in_after_seconds: None,
            propagate_tags: true,
            name: None,
        }
    }
}

/// An Amazon ECS Managed Instances capacity provider of a cluster. Services and tasks run
/// on it through a capacity provider strategy naming it ([`ManagedInstancesCapacity::strategy`]),
/// with task definitions made for it ([`super::TaskDefinitionProps::managed_instances`]).
///
/// ```
/// use ferroform::{Parameter, Stack};
/// use ferroform::ecs::*;
///
/// let mut stack = Stack::new("Batch");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let capacity = ManagedInstancesCapacity::new(&mut stack, "Graviton", &cluster,
///     ManagedInstancesProps::new(vpc.to_ref(), subnets.to_ref(),
///         InstanceRequirements::new(2, 4096).graviton()));
/// let strategy = vec![capacity.strategy(1)];
/// let t = stack.to_template().unwrap();
/// let p = &t.body()["Resources"]["Graviton"]["Properties"];
/// assert_eq!(p["ClusterName"]["Ref"], "Cluster");
/// assert_eq!(p["ManagedInstancesProvider"]["InstanceLaunchTemplate"]["InstanceRequirements"]["CpuManufacturers"][0], "amazon-web-services");
/// # let _ = strategy;
/// ```
#[derive(Clone, Debug)]
pub struct ManagedInstancesCapacity {
    provider: Handle<ecs::CapacityProvider>,
    infrastructure_role: Handle<iam::Role>,
    instance_role: Handle<iam::Role>,
    security_group: Option<Handle<ec2::SecurityGroup>>,
}

impl ManagedInstancesCapacity {
    /// Add the provider of `cluster`, its roles, instance profile and (unless given) its
    /// security group.
    pub fn new(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        props: ManagedInstancesProps,
    ) -> Self {
        let instance_role = stack.add(
            &part_id(id, "InstanceRole"),
            iam::Role::new(PolicyDocument::assumed_by("ec2.amazonaws.com")),
        );
        grant(stack, &instance_role, "EcsAgent", agent_statements(cluster));
        let profile = stack.add(
            &part_id(id, "InstanceProfile"),
            iam::InstanceProfile::new(vec![instance_role.to_ref()]),
        );
        let infrastructure_role = super::ecs_role(
            stack,
            id,
            "InfrastructureRole",
            "ManageInstances",
            infrastructure_statements(&instance_role, props.purchase),
        );

        let (security_groups, security_group): (Value<List<String>>, _) = if props
            .security_groups
            .is_empty()
        {
            let group = stack.add(
                &part_id(id, "SecurityGroup"),
                ec2::SecurityGroup::new(format!("ECS Managed Instances of {id}"))
                    .vpc_id(props.vpc_id.clone())
                    .security_group_egress(vec![
                        ec2::security_group::Egress::new("-1")
                            .cidr_ip("0.0.0.0/0")
                            .description("All outbound traffic (ECS, ECR and image registries)"),
                    ]),
            );
            (vec![group.attr_group_id()].into(), Some(group))
        } else {
            (props.security_groups.clone().into(), None)
        };
        let mut template = cp::InstanceLaunchTemplate::new(
            profile.attr_arn(),
            cp::ManagedInstancesNetworkConfiguration::new(
                cp::ManagedInstancesNetworkConfigurationRequired {
                    security_groups,
                    subnets: props.subnets.0.clone(),
                },
            ),
        )
        .instance_requirements(props.requirements.render())
        .capacity_option_type(match props.purchase {
            InstancePurchase::OnDemand => cp::CapacityOptionType::OnDemand,
            InstancePurchase::Spot => cp::CapacityOptionType::Spot,
        });
        if let Some(gib) = &props.storage_gib {
            template = template
                .storage_configuration(cp::ManagedInstancesStorageConfiguration::new(gib.clone()));
        }
        let mut provider_config =
            cp::ManagedInstancesProvider::new(infrastructure_role.attr_arn(), template)
                .propagate_tags(if props.propagate_tags {
                    cp::PropagateTags::CapacityProvider
                } else {
                    cp::PropagateTags::None
                });
        if let Some(s) = &props.scale_in_after_seconds {
            provider_config = provider_config.infrastructure_optimization(
                cp::InfrastructureOptimization::new().scale_in_after(s.clone()),
            );
        }
        let mut provider = ecs::CapacityProvider::new()
            .cluster_name(cluster.name())
            .managed_instances_provider(provider_config);
        if let Some(name) = props.name {
            provider = provider.name(name);
        }
        let provider = stack.add(id, provider);
        ManagedInstancesCapacity {
            provider,
            infrastructure_role,
            instance_role,
            security_group,
        }
    }

    /// The provider's name (`Ref`), for a capacity provider strategy.
    pub fn name(&self) -> Value<String> {
        self.provider.to_ref()
    }

    /// A strategy entry placing tasks on this provider with `weight`.
    pub fn strategy(&self, weight: u32) -> CapacityProviderStrategy {
        CapacityProviderStrategy::new(self.name(), weight)
    }

    /// The `AWS::ECS::CapacityProvider` (escape hatch).
    pub fn resource(&self) -> &Handle<ecs::CapacityProvider> {
        &self.provider
    }

    /// The role ECS launches and stops the instances with.
    pub fn infrastructure_role(&self) -> &Handle<iam::Role> {
        &self.infrastructure_role
    }

    /// The instances' role (the ECS agent's).
    pub fn instance_role(&self) -> &Handle<iam::Role> {
        &self.instance_role
    }

    /// The security group made for the instances, if one was.
    pub fn security_group(&self) -> Option<&Handle<ec2::SecurityGroup>> {
        self.security_group.as_ref()
    }
}

/// `arn:<partition>:ec2:<region>:<account>:<kind>/*`.
fn ec2_arn(kind: &str) -> Value<String> {
    fns::sub(format!(
        "arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/*"
    ))
}

/// What the ECS agent on the instances needs: AWS's
/// `AmazonECSInstanceRolePolicyForManagedInstances` (version 3,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInstanceRolePolicyForManagedInstances.html>)
/// with this cluster and its region's container instances instead of any.
fn agent_statements(cluster: &Cluster) -> Vec<Statement> {
    let instances =
        fns::sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/*");
    vec![
        // IAM scopes this action to nothing narrower.
        Statement::allow(["ecs:DiscoverPollEndpoint"])
            .sid("ECSAgentDiscoverPollEndpointPermissions")
            .resource("*"),
        Statement::allow([
            "ecs:RegisterContainerInstance",
            "ecs:SubmitAttachmentStateChanges",
            "ecs:SubmitTaskStateChange",
        ])
        .sid("ECSAgentClusterPermissions")
        .resource(cluster.arn()),
        Statement::allow([
            "ecs:Poll",
            "ecs:PutSystemLogEvents",
            "ecs:StartTelemetrySession",
        ])
        .sid("ECSAgentContainerInstancePermissions")
        .resource(instances),
    ]
}

/// What ECS needs to launch and stop the instances: AWS's
/// `AmazonECSInfrastructureRolePolicyForManagedInstances` (version 11,
/// <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForManagedInstances.html>)
/// limited to this account and region, passing exactly this instance role, and creating
/// the Spot service-linked role only for Spot instances.
fn infrastructure_statements(
    instance_role: &Handle<iam::Role>,
    purchase: InstancePurchase,
) -> Vec<Statement> {
    let managed = json!({"StringEquals": {"aws:RequestTag/AmazonECSManaged": "true"}});
    let images = fns::sub("arn:${AWS::Partition}:ec2:${AWS::Region}::image/*");
    let groups =
        fns::sub("arn:${AWS::Partition}:resource-groups:${AWS::Region}:${AWS::AccountId}:group/*");
    let mut out = vec![
        Statement::allow(["ec2:CreateLaunchTemplate"])
            .sid("CreateLaunchTemplateForManagedInstances")
            .resource(ec2_arn("launch-template"))
            .condition(managed.clone()),
        Statement::allow(["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"])
            .sid("CreateLaunchTemplateVersionsForManagedInstances")
            .resource(ec2_arn("launch-template"))
            .condition(json!({"StringEquals": {"ec2:ManagedResourceOperator": "ecs.amazonaws.com"}})),
        Statement::allow(["ec2:CreateFleet"])
            .sid("ProvisionEC2InstancesForManagedInstances")
            .resources(
                ["fleet", "instance", "network-interface", "launch-template", "volume"]
                    .map(ec2_arn),
            )
            .condition(managed.clone()),
        Statement::allow(["ec2:CreateFleet"])
            .sid("CreateFleetForSupportingResources")
            .resources([ec2_arn("subnet"), ec2_arn("security-group"), images.clone()]),
        Statement::allow(["ec2:RunInstances"])
            .sid("RunInstancesForManagedInstances")
            .resources(["instance", "volume", "network-interface"].map(ec2_arn))
            .condition(managed),
        Statement::allow(["ec2:RunInstances"])
            .sid("RunInstancesForECSManagedLaunchTemplates")
            .resource(ec2_arn("launch-template"))
            .condition(json!({"StringEquals": {"ec2:ResourceTag/AmazonECSManaged": "true"}})),
        Statement::allow(["ec2:RunInstances"])
            .sid("RunInstancesForSupportingResources")
            .resources([ec2_arn("subnet"), ec2_arn("security-group"), images, groups.clone()]),
        Statement::allow(["ec2:CreateTags"])
            .sid("TagOnCreateEC2ResourcesForManagedInstances")
            .resources(
                ["fleet", "launch-template", "network-interface", "instance", "volume"]
                    .map(ec2_arn),
            )
            .condition(json!({"StringEquals": {"ec2:CreateAction": ["CreateFleet", "CreateLaunchTemplate", "RunInstances"]}})),
        Statement::allow(["iam:PassRole"])
            .sid("PassInstanceRoleForManagedInstances")
            .resource(instance_role.attr_arn())
            .condition(json!({"StringLike": {"iam:PassedToService": "ec2.*"}})),
        // Describe and tag-search actions support no resource-level permissions (IAM's
        // service authorization reference): "*" is what AWS requires.
        Statement::allow([
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeCapacityReservations",
            "ec2:DescribeInstanceTypeOfferings",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeInstances",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
            "tag:GetResources",
        ])
        .sid("DescribeEC2ResourcesManagedByECS")
        .resource("*"),
        Statement::allow(["resource-groups:ListGroupResources"])
            .sid("ListResourceGroupResources")
            .resource(groups),
        Statement::allow(["cloudformation:DescribeStacks", "cloudformation:ListStackResources"])
            .sid("ListCapacityReservationStacks")
            .resource(fns::sub(
                "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*",
            )),
    ];
    if purchase == InstancePurchase::Spot {
        out.push(
            Statement::allow(["iam:CreateServiceLinkedRole"])
                .sid("CreateServiceLinkedRoleForEC2Spot")
                .resource(fns::sub(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/spot.amazonaws.com/AWSServiceRoleForEC2Spot",
                )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{
        ClusterProps, ContainerProps, Ec2Service, Ec2ServiceProps, ServiceNetworking,
        TaskDefinition, TaskDefinitionProps,
    };
    use serde_json::Value as Json;

    fn synth(purchase: InstancePurchase, strategy: bool) -> Result<Json, String> {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let capacity = ManagedInstancesCapacity::new(
            &mut stack,
            "Mi",
            &cluster,
            ManagedInstancesProps {
                purchase,
                ..ManagedInstancesProps::new(
                    "vpc-12345678",
                    fns::split(",", "subnet-12345678"),
                    InstanceRequirements::new(2, 4096).graviton(),
                )
            },
        );
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps::managed_instances(1024, 2048),
        );
        task.add_container(&mut stack, ContainerProps::new("app", "busybox"));
        Ec2Service::new(
            &mut stack,
            "Svc",
            Ec2ServiceProps {
                networking: Some(ServiceNetworking::new(
                    "vpc-12345678",
                    fns::split(",", "subnet-12345678"),
                )),
                capacity_provider_strategy: if strategy {
                    vec![capacity.strategy(1)]
                } else {
                    Vec::new()
                },
                ..Ec2ServiceProps::new(&cluster, &task)
            },
        );
        stack
            .to_template()
            .map(|t| t.body().clone())
            .map_err(|e| format!("{e:?}"))
    }

    fn statements<'a>(t: &'a Json, role: &str) -> &'a Vec<Json> {
        t["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
    }

    #[test]
    fn the_provider_belongs_to_its_cluster_and_its_roles_are_exact() {
        let t = synth(InstancePurchase::OnDemand, true).unwrap();
        let r = &t["Resources"];
        let p = &r["Mi"]["Properties"];
        assert_eq!(p["ClusterName"], serde_json::json!({"Ref": "Cluster"}));
        let lt = &p["ManagedInstancesProvider"]["InstanceLaunchTemplate"];
        assert_eq!(lt["CapacityOptionType"], "ON_DEMAND");
        assert_eq!(
            lt["Ec2InstanceProfileArn"],
            serde_json::json!({"Fn::GetAtt": ["MiInstanceProfile", "Arn"]})
        );
        assert_eq!(
            lt["NetworkConfiguration"]["SecurityGroups"],
            serde_json::json!([{"Fn::GetAtt": ["MiSecurityGroup", "GroupId"]}])
        );
        let req = &lt["InstanceRequirements"];
        assert_eq!(req["VCpuCount"]["Min"], 2);
        assert_eq!(req["MemoryMiB"]["Min"], 4096);
        assert_eq!(req["InstanceGenerations"], serde_json::json!(["current"]));
        assert_eq!(
            p["ManagedInstancesProvider"]["PropagateTags"],
            "CAPACITY_PROVIDER"
        );
        // Never in the cluster's associations (FF4044).
        assert_eq!(
            r["ClusterCapacityProviders"]["Properties"]["CapacityProviders"],
            serde_json::json!(["FARGATE", "FARGATE_SPOT"])
        );
        // The service runs there.
        assert_eq!(
            r["Svc"]["Properties"]["CapacityProviderStrategy"][0]["CapacityProvider"],
            serde_json::json!({"Ref": "Mi"})
        );
        assert!(r["Svc"]["Properties"].get("LaunchType").is_none());
        assert_eq!(
            r["Task"]["Properties"]["RequiresCompatibilities"],
            serde_json::json!(["MANAGED_INSTANCES"])
        );
        // PassRole for exactly the instance role; no Spot service-linked role on demand.
        let infra = statements(&t, "MiInfrastructureRole");
        let pass = infra
            .iter()
            .find(|s| s["Action"] == "iam:PassRole")
            .unwrap();
        assert_eq!(
            pass["Resource"],
            serde_json::json!({"Fn::GetAtt": ["MiInstanceRole", "Arn"]})
        );
        assert!(
            !infra
                .iter()
                .any(|s| s["Action"] == "iam:CreateServiceLinkedRole")
        );
        // The agent registers in this cluster only.
        let agent = statements(&t, "MiInstanceRole");
        assert_eq!(
            agent[1]["Resource"]["Fn::GetAtt"],
            serde_json::json!(["Cluster", "Arn"])
        );
        assert_eq!(
            r["MiInfrastructureRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
                ["Service"],
            "ecs.amazonaws.com"
        );
    }

    #[test]
    fn spot_adds_the_service_linked_role_and_no_strategy_is_an_error() {
        let t = synth(InstancePurchase::Spot, true).unwrap();
        assert_eq!(
            t["Resources"]["Mi"]["Properties"]["ManagedInstancesProvider"]["InstanceLaunchTemplate"]
                ["CapacityOptionType"],
            "SPOT"
        );
        assert!(
            statements(&t, "MiInfrastructureRole")
                .iter()
                .any(|s| s["Action"] == "iam:CreateServiceLinkedRole")
        );
        let e = synth(InstancePurchase::OnDemand, false).unwrap_err();
        assert!(e.contains("without a capacity provider strategy"), "{e}");
    }
}
