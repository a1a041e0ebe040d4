//! `Ec2Capacity`: EC2 container instances for a cluster — launch template, instance role,
//! security group, Auto Scaling group and an Auto Scaling group capacity provider.

use crate::fns;
use crate::iam::{PolicyDocument, Statement};
use crate::model::handle::Handle;
use crate::model::stack::{Parameter, Stack};
use crate::model::value::Value;
use crate::resources::autoscaling::{self, auto_scaling_group as asg};
use crate::resources::ec2::{self, launch_template as lt};
use crate::resources::ecs::{self, capacity_provider as cp};
use crate::resources::iam;

use super::cluster::{CapacityProviderStrategy, Cluster};
use super::repository::grant;
use super::service::Subnets;
use super::task_definition::CpuArchitecture;
use super::{part_id, rules};

/// The public SSM parameter holding the latest ECS-optimized Amazon Linux 2023 AMI (x86-64).
pub const ECS_AL2023_AMI_X86_64: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
/// The public SSM parameter holding the latest ECS-optimized Amazon Linux 2023 AMI (ARM64).
pub const ECS_AL2023_AMI_ARM64: &str =
    "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id";

/// The first and last host port Docker and the ECS agent pick dynamic host ports from
/// (`hostPort: 0` in bridge mode). The kernel's ephemeral range on Amazon Linux 2023 is
/// 32768–60999, Docker's fallback 49153–65535: 32768–65535 covers both.
pub const DYNAMIC_HOST_PORTS: (u16, u16) = (32768, 65535);

/// Where the container instances' AMI comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MachineImage {
    /// The latest ECS-optimized Amazon Linux 2023 AMI for the capacity's CPU architecture,
    /// read from its public SSM parameter through a template parameter (`<id>Ami`) of type
    /// `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`. The default.
    ///
    /// Why a template parameter rather than `{{resolve:ssm:...}}`: CloudFormation reads it
    /// on every stack operation and records the AMI it resolved (`ResolvedValue` in
    /// `describe-stacks`), so you can see which AMI the instances run and a change set
    /// shows a new AMI as a launch template change; and an operator can pin a deploy to
    /// another parameter (or AMI parameter) without a code change.
    #[default]
    Latest,
    /// This SSM parameter (a template parameter defaulting to it, as above).
    SsmParameter(String),
    /// This exact AMI ID (`ami-...`): nothing changes until you change it.
    Pinned(String),
}

/// How the instance role gets the permissions the ECS agent needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InstancePolicy {
    /// Exact inline statements (what AWS CDK grants): register, deregister and submit
    /// state changes on this cluster; poll, telemetry and instance-state updates on
    /// container instances of this cluster only (`ecs:cluster` condition); and
    /// `ecs:DiscoverPollEndpoint` on `*`, the one agent action IAM scopes to nothing
    /// narrower. No ECR or CloudWatch Logs rights: tasks pull images and write logs with
    /// their execution role. The default.
    #[default]
    Exact,
    /// The AWS-managed `AmazonEC2ContainerServiceforEC2Role` policy, as the ECS guide
    /// documents: it follows new agent features without a redeploy, but grants its
    /// actions (including `ecs:Submit*`, ECR pulls and log writes) on `"Resource": "*"`
    /// to anything on the instance.
    Managed,
}

/// The settings of an [`Ec2Capacity`]. Start from [`Ec2CapacityProps::new`].
#[derive(Clone, Debug)]
pub struct Ec2CapacityProps {
    /// The VPC (for the instances' security group).
    pub vpc_id: Value<String>,
    /// The subnets the instances run in (private subnets with a route to a NAT gateway or
    /// VPC endpoints for ECS, ECR and CloudWatch Logs).
    pub subnets: Subnets,
    /// The EC2 instance type. Default: `t3.medium` (x86-64) or `t4g.medium` (ARM64).
    pub instance_type: Option<Value<String>>,
    /// The instances' CPU architecture (selects the AMI). Default: x86-64.
    pub cpu_architecture: CpuArchitecture,
    /// The AMI. Default: [`MachineImage::Latest`].
    pub machine_image: MachineImage,
    /// Fewest instances (a literal, or a parameter, mapping value...). Default: 1 (a
    /// service's first task starts without waiting for a scale-out; 0 is allowed — managed
    /// scaling launches instances when tasks wait).
    pub min_size: Value<i64>,
    /// Most instances. Default: 4.
    pub max_size: Value<i64>,
    /// The group's desired capacity at creation. Default: none — the group starts at
    /// `min_size`, and later stack updates do not reset what managed scaling chose.
    pub desired_capacity: Option<Value<i64>>,
    /// Managed scaling's target: the percentage of instances that should be running tasks.
    /// Default: 100 (no idle instance; a lower value keeps spare capacity for fast
    /// starts).
    pub target_capacity_percent: u32,
    /// Managed termination protection: scale-in only removes instances without tasks.
    /// Sets `NewInstancesProtectedFromScaleIn` on the group. Default: `false`, because
    /// protected instances block the Auto Scaling group's — and so the stack's —
    /// deletion until their protection is removed by hand.
    pub managed_termination_protection: bool,
    /// The instance role's ECS permissions. Default: [`InstancePolicy::Exact`].
    pub instance_policy: InstancePolicy,
    /// `HttpPutResponseHopLimit` of the instance metadata service (IMDSv2 is always
    /// required). Default: 1 — containers on the bridge network are one hop further and
    /// cannot get the instance role's credentials (AWS's ECS security guidance); tasks
    /// use their task role. Set 2 only for containers that must read instance metadata.
    pub metadata_hop_limit: u32,
    /// Root volume size in GiB (encrypted gp3). Default: 30, the AMI's own size.
    pub root_volume_gib: u32,
    /// ECS agent settings written to `/etc/ecs/ecs.config` after `ECS_CLUSTER`
    /// (`("ECS_ENABLE_CONTAINER_METADATA", "true")`...), *merged* with the defaults in
    /// [`DEFAULT_AGENT_SETTINGS`]: a setting given here replaces the default of the same name,
    /// every other default stays (adding one setting never drops the metadata-access block).
    /// Default: none.
    pub agent_settings: Vec<(String, String)>,
    /// Tags the agent puts on the container instance (`ECS_CONTAINER_INSTANCE_TAGS`);
    /// the instance role is then granted `ecs:TagResource` at registration. Default: none.
    pub container_instance_tags: Vec<(String, String)>,
    /// Tags of the Auto Scaling group, propagated to the instances it launches. Default:
    /// none.
    pub group_tags: Vec<(String, Value<String>)>,
    /// The group's `UpdatePolicy` (as CloudFormation documents it), e.g. a rolling update
    /// when the launch template changes. Default: none — managed scaling and instance
    /// refresh replace instances; CloudFormation does not roll them.
    pub update_policy: Option<serde_json::Value>,
    /// More managed policies (ARNs) for the instance role, e.g. for an agent of your own.
    /// Default: none: the role holds exactly what the ECS agent needs.
    pub extra_instance_managed_policies: Vec<Value<String>>,
    /// The description of the instances' security group. Default: `ECS container instances
    /// of <id>`. CloudFormation replaces a security group whose description changes: set it
    /// to an existing group's description when adopting a stack.
    pub security_group_description: Option<Value<String>>,
}

impl Ec2CapacityProps {
    /// Instances in `subnets` of `vpc_id`, with the defaults above.
    pub fn new(vpc_id: impl Into<Value<String>>, subnets: impl Into<Subnets>) -> Self {
        Ec2CapacityProps {
            vpc_id: vpc_id.into(),
            subnets: subnets.into(),
            instance_type: None,
            cpu_architecture: CpuArchitecture::X86_64,
            machine_image: MachineImage::Latest,
            min_size: 1.into(),
            max_size: 4.into(),
            desired_capacity: None,
            target_capacity_percent: 100,
            managed_termination_protection: false,
            instance_policy: InstancePolicy::Exact,
            metadata_hop_limit: 1,
            root_volume_gib: 30,
            agent_settings: Vec::new(),
            container_instance_tags: Vec::new(),
            group_tags: Vec::new(),
            update_policy: None,
            extra_instance_managed_policies: Vec::new(),
            security_group_description: None,
        }
    }
}

/// EC2 container instances for a cluster, scaled by an ECS capacity provider.
///
/// Adds `<id>InstanceRole`, `<id>InstanceProfile`, `<id>SecurityGroup` (no ingress, all
/// egress), `<id>LaunchTemplate` (ECS-optimized Amazon Linux 2023, IMDSv2 required,
/// encrypted root volume, user data writing `ECS_CLUSTER` to `/etc/ecs/ecs.config`),
/// `<id>AutoScalingGroup`, the capacity provider `id` (managed scaling, managed draining),
/// a template parameter `<id>Ami` unless the AMI is pinned, and associates the provider
/// with the cluster.
///
/// Create and delete order, from the references alone: the cluster association names the
/// provider (removed before it), the provider names the group (deleted before it), the
/// launch template's user data names the cluster (so instances are gone before the
/// cluster is deleted), and services depend on the association (deleted before it).
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{Cluster, ClusterProps, Ec2Capacity, Ec2CapacityProps};
/// let mut stack = Stack::new("Batch");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let capacity = Ec2Capacity::new(&mut stack, "Instances", &cluster,
///     Ec2CapacityProps::new(vpc.to_ref(), subnets.to_ref()));
/// let t = stack.to_template().unwrap();
/// let r = &t.body()["Resources"];
/// assert_eq!(r["InstancesLaunchTemplate"]["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"], "required");
/// assert_eq!(r["Instances"]["Type"], "AWS::ECS::CapacityProvider");
/// assert_eq!(r["ClusterCapacityProviders"]["Properties"]["CapacityProviders"][2]["Ref"], "Instances");
/// # let _ = capacity;
/// ```
#[derive(Clone, Debug)]
pub struct Ec2Capacity {
    id: String,
    provider: Handle<ecs::CapacityProvider>,
    group: Handle<autoscaling::AutoScalingGroup>,
    launch_template: Handle<ec2::LaunchTemplate>,
    security_group: Handle<ec2::SecurityGroup>,
    instance_role: Handle<iam::Role>,
    instance_profile: Handle<iam::InstanceProfile>,
}

impl Ec2Capacity {
    /// Add the instances and their capacity provider, and associate it with `cluster`.
    pub fn new(stack: &mut Stack, id: &str, cluster: &Cluster, props: Ec2CapacityProps) -> Self {
        check_props(stack, id, &props);
        let (instance_role, instance_profile) = Self::add_instance_role(stack, id, cluster, &props);

        // --- the security group: nothing in, everything out
        let security_group = stack.add(
            &part_id(id, "SecurityGroup"),
            ec2::SecurityGroup::new(
                props
                    .security_group_description
                    .clone()
                    .unwrap_or_else(|| format!("ECS container instances of {id}").into()),
            )
            .vpc_id(props.vpc_id.clone())
            .security_group_egress(vec![
                ec2::security_group::Egress::new("-1")
                    .cidr_ip("0.0.0.0/0")
                    .description("All outbound traffic (ECS, ECR and image registries)"),
            ]),
        );

        let launch_template = Self::add_launch_template(
            stack,
            id,
            cluster,
            &props,
            &instance_profile,
            &security_group,
        );

        // --- the Auto Scaling group
        let mut group = autoscaling::AutoScalingGroup::new(autoscaling::AutoScalingGroupRequired {
            max_size: size_text(&props.max_size),
            min_size: size_text(&props.min_size),
        })
        .vpc_zone_identifier(props.subnets.0.clone())
        .launch_template(
            asg::LaunchTemplateSpecification::new(launch_template.attr_latest_version_number())
                .launch_template_id(launch_template.to_ref()),
        )
        .new_instances_protected_from_scale_in(props.managed_termination_protection);
        if let Some(d) = &props.desired_capacity {
            group = group.desired_capacity(size_text(d));
        }
        if !props.group_tags.is_empty() {
            group = group.tags(
                props
                    .group_tags
                    .iter()
                    .map(|(k, v)| {
                        asg::TagProperty::new(asg::TagPropertyRequired {
                            key: k.into(),
                            propagate_at_launch: true.into(),
                            value: v.clone(),
                        })
                    })
                    .collect::<Vec<_>>(),
            );
        }
        let group = stack.add(&part_id(id, "AutoScalingGroup"), group);
        if let Some(policy) = &props.update_policy {
            stack.options(&group).update_policy(policy.clone());
        }

        // --- the capacity provider, associated with the cluster
        let provider = stack.add(
            id,
            ecs::CapacityProvider::new().auto_scaling_group_provider(
                cp::AutoScalingGroupProvider::new(group.to_ref())
                    .managed_scaling(
                        cp::ManagedScaling::new()
                            .status(cp::ManagedScalingStatus::Enabled)
                            .target_capacity(props.target_capacity_percent),
                    )
                    .managed_termination_protection(if props.managed_termination_protection {
                        cp::ManagedTerminationProtection::Enabled
                    } else {
                        cp::ManagedTerminationProtection::Disabled
                    })
                    .managed_draining(cp::ManagedDraining::Enabled),
            ),
        );
        cluster.add_capacity_provider(stack, provider.to_ref());

        Ec2Capacity {
            id: id.to_owned(),
            provider,
            group,
            launch_template,
            security_group,
            instance_role,
            instance_profile,
        }
    }

    /// The AMI: pinned, or the ECS-optimized image named by an SSM parameter (a template
    /// parameter `<id>Ami` whose default is that name).
    fn image_id(stack: &mut Stack, id: &str, props: &Ec2CapacityProps) -> Value<String> {
        let arm = props.cpu_architecture == CpuArchitecture::Arm64;
        match &props.machine_image {
            MachineImage::Pinned(ami) => ami.clone().into(),
            other => {
                let name = match other {
                    MachineImage::SsmParameter(name) => name.clone(),
                    _ if arm => ECS_AL2023_AMI_ARM64.to_owned(),
                    _ => ECS_AL2023_AMI_X86_64.to_owned(),
                };
                stack
                    .parameter(
                        &part_id(id, "Ami"),
                        Parameter::ssm_value("AWS::EC2::Image::Id")
                            .description(format!(
                                "AMI of the {id} container instances, from this SSM parameter"
                            ))
                            .default(name),
                    )
                    .to_ref()
            }
        }
    }

    /// The instance role (exact ECS agent statements, or the managed policy when asked) and
    /// its instance profile.
    fn add_instance_role(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        props: &Ec2CapacityProps,
    ) -> (Handle<iam::Role>, Handle<iam::InstanceProfile>) {
        let mut role = iam::Role::new(PolicyDocument::assumed_by("ec2.amazonaws.com"));
        let mut managed: Vec<Value<String>> = Vec::new();
        if props.instance_policy == InstancePolicy::Managed {
            managed.push(fns::sub(
                "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
            ));
        }
        managed.extend(props.extra_instance_managed_policies.iter().cloned());
        if !managed.is_empty() {
            role = role.managed_policy_arns(managed);
        }
        let instance_role = stack.add(&part_id(id, "InstanceRole"), role);
        if props.instance_policy == InstancePolicy::Exact {
            grant(
                stack,
                &instance_role,
                "EcsAgent",
                agent_statements(cluster, !props.container_instance_tags.is_empty()),
            );
        } else if !props.container_instance_tags.is_empty() {
            grant(
                stack,
                &instance_role,
                "EcsAgentTags",
                vec![tag_on_register_statement(cluster)],
            );
        }
        let instance_profile = stack.add(
            &part_id(id, "InstanceProfile"),
            iam::InstanceProfile::new(vec![instance_role.to_ref()]),
        );

        (instance_role, instance_profile)
    }

    /// The launch template: AMI, instance type, IMDSv2 only, an encrypted gp3 root volume,
    /// and user data that joins the cluster with the agent settings.
    fn add_launch_template(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        props: &Ec2CapacityProps,
        instance_profile: &Handle<iam::InstanceProfile>,
        security_group: &Handle<ec2::SecurityGroup>,
    ) -> Handle<ec2::LaunchTemplate> {
        let arm = props.cpu_architecture == CpuArchitecture::Arm64;
        let image_id = Self::image_id(stack, id, props);
        let mut script = String::from("#!/bin/bash\nset -euo pipefail\n");
        script.push_str("cat >> /etc/ecs/ecs.config <<'EOF'\nECS_CLUSTER=${Cluster}\n");
        for (k, v) in agent_settings(&props.agent_settings) {
            script.push_str(&format!("{k}={}\n", escape_sub(v)));
        }
        if !props.container_instance_tags.is_empty() {
            let tags: serde_json::Map<String, serde_json::Value> = props
                .container_instance_tags
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            script.push_str(&format!(
                "ECS_CONTAINER_INSTANCE_TAGS={}\n",
                escape_sub(&serde_json::Value::Object(tags).to_string())
            ));
        }
        script.push_str("EOF\n");
        let user_data = fns::base64(fns::sub_with(script, [("Cluster", cluster.name())]));
        let instance_type = props.instance_type.clone().unwrap_or_else(|| {
            if arm {
                "t4g.medium".into()
            } else {
                "t3.medium".into()
            }
        });
        stack.add(
            &part_id(id, "LaunchTemplate"),
            ec2::LaunchTemplate::new(
                lt::LaunchTemplateData::new()
                    .image_id(image_id)
                    .instance_type(instance_type)
                    .iam_instance_profile(
                        lt::IamInstanceProfile::new().arn(instance_profile.attr_arn()),
                    )
                    .security_group_ids(vec![security_group.attr_group_id()])
                    .metadata_options(
                        lt::MetadataOptions::new()
                            .http_endpoint(lt::HttpEndpoint::Enabled)
                            .http_tokens(lt::HttpTokens::Required)
                            .http_put_response_hop_limit(props.metadata_hop_limit),
                    )
                    .block_device_mappings(vec![
                        lt::BlockDeviceMapping::new().device_name("/dev/xvda").ebs(
                            lt::Ebs::new()
                                .encrypted(true)
                                .volume_type(lt::VolumeType::Gp3)
                                .volume_size(props.root_volume_gib)
                                .delete_on_termination(true),
                        ),
                    ])
                    .user_data(user_data),
            ),
        )
    }

    /// The capacity provider's name (its `Ref`), for strategies.
    pub fn name(&self) -> Value<String> {
        self.provider.to_ref()
    }

    /// A strategy entry placing tasks on these instances with `weight`.
    pub fn strategy(&self, weight: u32) -> CapacityProviderStrategy {
        CapacityProviderStrategy::new(self.name(), weight)
    }

    /// The `AWS::ECS::CapacityProvider` (escape hatch).
    pub fn capacity_provider(&self) -> &Handle<ecs::CapacityProvider> {
        &self.provider
    }

    /// The Auto Scaling group.
    pub fn auto_scaling_group(&self) -> &Handle<autoscaling::AutoScalingGroup> {
        &self.group
    }

    /// The launch template.
    pub fn launch_template(&self) -> &Handle<ec2::LaunchTemplate> {
        &self.launch_template
    }

    /// The instances' security group.
    pub fn security_group(&self) -> &Handle<ec2::SecurityGroup> {
        &self.security_group
    }

    /// The instance role (add permissions for daemons on the instances here).
    pub fn instance_role(&self) -> &Handle<iam::Role> {
        &self.instance_role
    }

    /// The instance profile.
    pub fn instance_profile(&self) -> &Handle<iam::InstanceProfile> {
        &self.instance_profile
    }

    /// Allow TCP `from_port`–`to_port` from the security group `source_group_id` to the
    /// instances (`<id>From<name>`, an `AWS::EC2::SecurityGroupIngress`).
    pub fn allow_from(
        &self,
        stack: &mut Stack,
        name: &str,
        source_group_id: impl Into<Value<String>>,
        ports: (u16, u16),
        description: &str,
    ) -> Handle<ec2::SecurityGroupIngress> {
        if ports.0 > ports.1 {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&part_id(&self.id, &format!("From{name}"))),
                format!("port range {}-{} is empty", ports.0, ports.1),
                "give the lower port first",
            );
        }
        stack.add(
            &part_id(&self.id, &format!("From{name}")),
            ec2::SecurityGroupIngress::new("tcp")
                .group_id(self.security_group.attr_group_id())
                .source_security_group_id(source_group_id)
                .from_port(ports.0)
                .to_port(ports.1)
                .description(description),
        )
    }

    /// Allow the dynamic host ports of bridge-mode tasks ([`DYNAMIC_HOST_PORTS`]) from a
    /// load balancer's security group, and only from it.
    pub fn allow_dynamic_ports_from(
        &self,
        stack: &mut Stack,
        name: &str,
        load_balancer_group_id: impl Into<Value<String>>,
    ) -> Handle<ec2::SecurityGroupIngress> {
        self.allow_from(
            stack,
            name,
            load_balancer_group_id,
            DYNAMIC_HOST_PORTS,
            "Dynamic host ports of bridge-mode tasks, from the load balancer only",
        )
    }
}

/// The agent settings written for every instance unless `agent_settings` names the same
/// setting: `ECS_AWSVPC_BLOCK_IMDS=true` keeps `awsvpc` tasks away from the instance
/// metadata (and so from the instance role's credentials), as AWS's ECS security guidance
/// advises.
pub const DEFAULT_AGENT_SETTINGS: &[(&str, &str)] = &[("ECS_AWSVPC_BLOCK_IMDS", "true")];

/// The defaults not overridden, in their order, then the given settings in theirs.
fn agent_settings(given: &[(String, String)]) -> Vec<(&str, &str)> {
    DEFAULT_AGENT_SETTINGS
        .iter()
        .filter(|(k, _)| !given.iter().any(|(g, _)| g == k))
        .copied()
        .chain(given.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .collect()
}

/// An Auto Scaling group size as the group takes it (a string), literal or expression.
fn size_text(v: &Value<i64>) -> Value<String> {
    match v.as_lit() {
        Some(n) => n.to_string().into(),
        None => v.clone().cast_expr().unwrap_or_else(|| "0".into()),
    }
}

/// `${` in a literal part of an `Fn::Sub` string must be written `${!`.
fn escape_sub(s: &str) -> String {
    s.replace("${", "${!")
}

fn check_props(stack: &mut Stack, id: &str, p: &Ec2CapacityProps) {
    let mut bad = |message: String, hint: &str| {
        stack.report_error(rules::INVALID_INPUT, Some(id), message, hint);
    };
    // Sizes that are expressions are checked by the validator on the template.
    let (min, max) = (p.min_size.as_lit().copied(), p.max_size.as_lit().copied());
    if let (Some(min), Some(max)) = (min, max)
        && (max < 1 || min < 0 || min > max)
    {
        bad(
            format!("capacity `{id}`: min_size {min} and max_size {max} do not make a group"),
            "use 0 <= min_size <= max_size and max_size >= 1",
        );
    }
    if let (Some(d), Some(min), Some(max)) = (
        p.desired_capacity
            .as_ref()
            .and_then(|d| d.as_lit().copied()),
        min,
        max,
    ) && (d < min || d > max)
    {
        bad(
            format!("capacity `{id}`: desired capacity {d} is outside min_size..=max_size"),
            "leave desired_capacity unset, or keep it between min_size and max_size",
        );
    }
    if !(1..=100).contains(&p.target_capacity_percent) {
        bad(
            format!(
                "capacity `{id}`: target capacity {} % is not between 1 and 100",
                p.target_capacity_percent
            ),
            "ECS managed scaling accepts a target capacity from 1 to 100",
        );
    }
    if !(1..=64).contains(&p.metadata_hop_limit) {
        bad(
            format!(
                "capacity `{id}`: metadata hop limit {} is not between 1 and 64",
                p.metadata_hop_limit
            ),
            "use 1 (containers cannot reach instance metadata) or 2",
        );
    }
    if !(30..=16384).contains(&p.root_volume_gib) {
        bad(
            format!(
                "capacity `{id}`: a {} GiB root volume is smaller than the AMI's 30 GiB or larger than gp3 allows",
                p.root_volume_gib
            ),
            "use 30 to 16384 GiB",
        );
    }
    for (k, _) in &p.agent_settings {
        if k == "ECS_CLUSTER"
            || k.is_empty()
            || !k
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            bad(
                format!("capacity `{id}`: `{k}` is not an agent setting it may write"),
                "agent settings are ECS_* names in capitals; ECS_CLUSTER is written for you",
            );
        }
    }
    for (k, v) in p.agent_settings.iter().chain(&p.container_instance_tags) {
        if k.contains('\n') || v.contains('\n') || v == "EOF" {
            bad(
                format!("capacity `{id}`: agent setting or tag `{k}` spans lines"),
                "agent settings and tags are single-line values",
            );
        }
    }
}

/// What the ECS agent needs, scoped as narrowly as IAM allows.
fn agent_statements(cluster: &Cluster, tags: bool) -> Vec<Statement> {
    let in_cluster = serde_json::json!({"ArnEquals": {"ecs:cluster": cluster.arn()}});
    let mut out = vec![
        Statement::allow([
            "ecs:DeregisterContainerInstance",
            "ecs:RegisterContainerInstance",
            "ecs:SubmitAttachmentStateChanges",
            "ecs:SubmitContainerStateChange",
            "ecs:SubmitTaskStateChange",
        ])
        .resource(cluster.arn()),
        Statement::allow([
            "ecs:Poll",
            "ecs:StartTelemetrySession",
            "ecs:UpdateContainerInstancesState",
        ])
        .resource(container_instances())
        .condition(in_cluster),
        Statement::allow(["ecs:DiscoverPollEndpoint"]).resource("*"),
    ];
    if tags {
        out.push(tag_on_register_statement(cluster));
    }
    out
}

fn container_instances() -> Value<String> {
    fns::sub("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:container-instance/*")
}

/// `ecs:TagResource` only while registering into this cluster (`ECS_CONTAINER_INSTANCE_TAGS`).
fn tag_on_register_statement(cluster: &Cluster) -> Statement {
    Statement::allow(["ecs:TagResource"])
        .resource(container_instances())
        .condition(serde_json::json!({
            "StringEquals": {"ecs:CreateAction": "RegisterContainerInstance"},
            "ArnEquals": {"ecs:cluster": cluster.arn()}
        }))
}

#[cfg(test)]
mod tests {
    use super::super::ClusterProps;
    use super::*;
    use serde_json::json;

    /// Issue #10, 4: a setting added to the agent's is merged with the defaults, so the
    /// metadata-access block is never lost; naming a default replaces it.
    #[test]
    fn agent_settings_merge_with_the_defaults() {
        let text = |given: Vec<(&str, &str)>| {
            let given: Vec<(String, String)> = given
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            agent_settings(&given)
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(text(vec![]), ["ECS_AWSVPC_BLOCK_IMDS=true"]);
        assert_eq!(
            text(vec![("ECS_ENABLE_CONTAINER_METADATA", "true")]),
            [
                "ECS_AWSVPC_BLOCK_IMDS=true",
                "ECS_ENABLE_CONTAINER_METADATA=true"
            ]
        );
        assert_eq!(
            text(vec![("ECS_AWSVPC_BLOCK_IMDS", "false")]),
            ["ECS_AWSVPC_BLOCK_IMDS=false"]
        );
    }

    /// Issue #10, 4: the group's tags and update policy, extra managed policies on the
    /// instance role and the security group's description are options.
    #[test]
    fn group_and_role_options() {
        let t = build(|p| Ec2CapacityProps {
            group_tags: vec![("team".into(), "platform".into())],
            update_policy: Some(json!({"AutoScalingRollingUpdate": {"MaxBatchSize": 1}})),
            extra_instance_managed_policies: vec!["arn:aws:iam::123456789012:policy/agent".into()],
            security_group_description: Some("legacy instances".into()),
            ..p
        });
        let r = &t["Resources"];
        assert_eq!(
            r["AsgAutoScalingGroup"]["Properties"]["Tags"],
            json!([{"Key": "team", "PropagateAtLaunch": true, "Value": "platform"}])
        );
        assert_eq!(
            r["AsgAutoScalingGroup"]["UpdatePolicy"]["AutoScalingRollingUpdate"]["MaxBatchSize"],
            1
        );
        assert_eq!(
            r["AsgInstanceRole"]["Properties"]["ManagedPolicyArns"],
            json!(["arn:aws:iam::123456789012:policy/agent"])
        );
        assert_eq!(
            r["AsgSecurityGroup"]["Properties"]["GroupDescription"],
            "legacy instances"
        );
    }

    /// Issue #10, 2: group sizes from template values (a parameter here) are written as
    /// the group takes them; literal sizes are still checked by the construct.
    #[test]
    fn group_sizes_take_values() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let max = stack.parameter("MaxInstances", crate::Parameter::number());
        Ec2Capacity::new(
            &mut stack,
            "Asg",
            &cluster,
            Ec2CapacityProps {
                max_size: max.to_ref().cast_expr().unwrap(),
                ..Ec2CapacityProps::new("vpc-1", Value::lit(vec!["subnet-a".into()]))
            },
        );
        let t = stack.to_template().unwrap();
        let g = &t.body()["Resources"]["AsgAutoScalingGroup"]["Properties"];
        assert_eq!(g["MaxSize"], json!({"Ref": "MaxInstances"}));
        assert_eq!(g["MinSize"], "1");
    }

    fn build(props: impl FnOnce(Ec2CapacityProps) -> Ec2CapacityProps) -> serde_json::Value {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        Ec2Capacity::new(
            &mut stack,
            "Asg",
            &cluster,
            props(Ec2CapacityProps::new(
                "vpc-1",
                Value::lit(vec!["subnet-a".into(), "subnet-b".into()]),
            )),
        );
        stack.to_template().unwrap().body().clone()
    }

    #[test]
    fn defaults_follow_the_ecs_guide() {
        let t = build(|p| p);
        let r = &t["Resources"];
        // AMI: the AL2023 x86-64 public parameter, through a typed template parameter.
        assert_eq!(
            t["Parameters"]["AsgAmi"]["Type"],
            "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"
        );
        assert_eq!(
            t["Parameters"]["AsgAmi"]["Default"],
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
        );
        let data = &r["AsgLaunchTemplate"]["Properties"]["LaunchTemplateData"];
        assert_eq!(data["ImageId"], json!({"Ref": "AsgAmi"}));
        assert_eq!(data["InstanceType"], "t3.medium");
        assert_eq!(
            data["MetadataOptions"],
            json!({"HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1, "HttpTokens": "required"})
        );
        assert_eq!(
            data["IamInstanceProfile"]["Arn"],
            json!({"Fn::GetAtt": ["AsgInstanceProfile", "Arn"]})
        );
        assert_eq!(data["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
        // User data: ECS_CLUSTER from the cluster's Ref, written to the agent config.
        let sub = &data["UserData"]["Fn::Base64"]["Fn::Sub"];
        let script = sub[0].as_str().unwrap();
        assert!(script.starts_with("#!/bin/bash\n"));
        assert!(script.contains("cat >> /etc/ecs/ecs.config <<'EOF'\nECS_CLUSTER=${Cluster}\nECS_AWSVPC_BLOCK_IMDS=true\nEOF\n"));
        assert_eq!(sub[1], json!({"Cluster": {"Ref": "Cluster"}}));
        // Security group: no ingress.
        let sg = &r["AsgSecurityGroup"]["Properties"];
        assert!(sg.get("SecurityGroupIngress").is_none());
        // Group: min 1, max 4, no desired capacity, not protected.
        let g = &r["AsgAutoScalingGroup"]["Properties"];
        assert_eq!(
            (g["MinSize"].as_str(), g["MaxSize"].as_str()),
            (Some("1"), Some("4"))
        );
        assert!(g.get("DesiredCapacity").is_none());
        assert_eq!(g["NewInstancesProtectedFromScaleIn"], false);
        assert_eq!(g["VPCZoneIdentifier"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(
            g["LaunchTemplate"],
            json!({"LaunchTemplateId": {"Ref": "AsgLaunchTemplate"},
                   "Version": {"Fn::GetAtt": ["AsgLaunchTemplate", "LatestVersionNumber"]}})
        );
        // Provider: managed scaling at 100 %, no termination protection.
        let p = &r["Asg"]["Properties"]["AutoScalingGroupProvider"];
        assert_eq!(
            p["AutoScalingGroupArn"],
            json!({"Ref": "AsgAutoScalingGroup"})
        );
        assert_eq!(
            p["ManagedScaling"],
            json!({"Status": "ENABLED", "TargetCapacity": 100})
        );
        assert_eq!(p["ManagedTerminationProtection"], "DISABLED");
        // Associated with the cluster, next to the Fargate providers.
        assert_eq!(
            r["ClusterCapacityProviders"]["Properties"]["CapacityProviders"],
            json!(["FARGATE", "FARGATE_SPOT", {"Ref": "Asg"}])
        );
    }

    #[test]
    fn the_instance_role_is_scoped_to_the_cluster() {
        let t = build(|p| p);
        let role = &t["Resources"]["AsgInstanceRole"]["Properties"];
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
            "ec2.amazonaws.com"
        );
        assert!(role.get("ManagedPolicyArns").is_none());
        let st = role["Policies"][0]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(st.len(), 3);
        assert_eq!(st[0]["Resource"], json!({"Fn::GetAtt": ["Cluster", "Arn"]}));
        assert_eq!(
            st[1]["Condition"],
            json!({"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["Cluster", "Arn"]}}})
        );
        // Only DiscoverPollEndpoint is on "*".
        for s in &st {
            if s["Resource"] == "*" {
                assert_eq!(s["Action"], "ecs:DiscoverPollEndpoint");
            }
            let actions = match &s["Action"] {
                serde_json::Value::Array(a) => a.clone(),
                other => vec![other.clone()],
            };
            assert!(actions.iter().all(|a| !a.as_str().unwrap().contains('*')));
        }
    }

    #[test]
    fn termination_protection_and_arm64_and_tags() {
        let t = build(|p| Ec2CapacityProps {
            managed_termination_protection: true,
            cpu_architecture: CpuArchitecture::Arm64,
            desired_capacity: Some(2.into()),
            target_capacity_percent: 80,
            metadata_hop_limit: 2,
            container_instance_tags: vec![("team".into(), "batch".into())],
            agent_settings: vec![("ECS_ENABLE_CONTAINER_METADATA".into(), "true".into())],
            ..p
        });
        let r = &t["Resources"];
        assert_eq!(
            t["Parameters"]["AsgAmi"]["Default"],
            "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
        );
        let data = &r["AsgLaunchTemplate"]["Properties"]["LaunchTemplateData"];
        assert_eq!(data["InstanceType"], "t4g.medium");
        assert_eq!(data["MetadataOptions"]["HttpPutResponseHopLimit"], 2);
        let script = data["UserData"]["Fn::Base64"]["Fn::Sub"][0]
            .as_str()
            .unwrap();
        assert!(script.contains("ECS_ENABLE_CONTAINER_METADATA=true\n"));
        assert!(script.contains(r#"ECS_CONTAINER_INSTANCE_TAGS={"team":"batch"}"#));
        let g = &r["AsgAutoScalingGroup"]["Properties"];
        assert_eq!(g["NewInstancesProtectedFromScaleIn"], true);
        assert_eq!(g["DesiredCapacity"], "2");
        let p = &r["Asg"]["Properties"]["AutoScalingGroupProvider"];
        assert_eq!(p["ManagedTerminationProtection"], "ENABLED");
        assert_eq!(p["ManagedScaling"]["TargetCapacity"], 80);
        let st = &r["AsgInstanceRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(st[3]["Action"], "ecs:TagResource");
        assert_eq!(
            st[3]["Condition"]["StringEquals"]["ecs:CreateAction"],
            "RegisterContainerInstance"
        );
    }

    #[test]
    fn pinned_ami_and_managed_policy() {
        let t = build(|p| Ec2CapacityProps {
            machine_image: MachineImage::Pinned("ami-0123456789abcdef0".into()),
            instance_policy: InstancePolicy::Managed,
            ..p
        });
        assert!(t.get("Parameters").is_none());
        let r = &t["Resources"];
        assert_eq!(
            r["AsgLaunchTemplate"]["Properties"]["LaunchTemplateData"]["ImageId"],
            "ami-0123456789abcdef0"
        );
        let role = &r["AsgInstanceRole"]["Properties"];
        assert!(role.get("Policies").is_none());
        assert_eq!(
            role["ManagedPolicyArns"][0]["Fn::Sub"],
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
        );
    }

    #[test]
    fn bad_sizes_are_diagnostics() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let cap = Ec2Capacity::new(
            &mut stack,
            "Asg",
            &cluster,
            Ec2CapacityProps {
                min_size: 5.into(),
                max_size: 2.into(),
                target_capacity_percent: 0,
                agent_settings: vec![("ECS_CLUSTER".into(), "other".into())],
                ..Ec2CapacityProps::new("vpc-1", Value::lit(vec!["subnet-a".into()]))
            },
        );
        cap.allow_from(&mut stack, "Lb", "sg-1", (90, 80), "backwards");
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 4, "{err}");
        assert!(
            err.diagnostics
                .iter()
                .all(|d| d.rule == rules::INVALID_INPUT)
        );
    }

    /// EC2 capacity `Asg` with the default props, in a new cluster of `stack`.
    fn default_capacity(stack: &mut Stack) -> Ec2Capacity {
        let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
        Ec2Capacity::new(
            stack,
            "Asg",
            &cluster,
            Ec2CapacityProps::new("vpc-1", Value::lit(vec!["subnet-a".into()])),
        )
    }

    /// A range of one port (`(443, 443)`) is not empty: no error, the rule opens that port.
    #[test]
    fn a_single_port_range_is_allowed() {
        let mut stack = Stack::new("S");
        let cap = default_capacity(&mut stack);
        cap.allow_from(&mut stack, "Lb", "sg-1", (443, 443), "HTTPS");
        let t = stack.to_template().unwrap();
        let rule = &t.body()["Resources"]["AsgFromLb"]["Properties"];
        assert_eq!(rule["FromPort"], 443);
        assert_eq!(rule["ToPort"], 443);
    }

    #[test]
    fn dynamic_ports_only_from_the_load_balancer() {
        let mut stack = Stack::new("S");
        let cap = default_capacity(&mut stack);
        cap.allow_dynamic_ports_from(&mut stack, "Alb", "sg-alb");
        let t = stack.to_template().unwrap();
        let rule = &t.body()["Resources"]["AsgFromAlb"]["Properties"];
        assert_eq!(rule["FromPort"], 32768);
        assert_eq!(rule["ToPort"], 65535);
        assert_eq!(rule["IpProtocol"], "tcp");
        assert_eq!(rule["SourceSecurityGroupId"], "sg-alb");
        assert_eq!(
            rule["GroupId"],
            json!({"Fn::GetAtt": ["AsgSecurityGroup", "GroupId"]})
        );
        assert!(rule.get("CidrIp").is_none());
    }
}
