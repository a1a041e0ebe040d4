//! `FargateService` and `Ec2Service`: long-running ECS services with safe deployments and
//! their own security group.

use std::ops::Deref;

use crate::iam::Statement;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{List, Value};
use crate::resources::ecs::service as s;
use crate::resources::{ec2, ecs, iam, servicediscovery as sd};

use super::cluster::{CapacityProviderStrategy, Cluster};
use super::connect::ServiceConnect;
use super::task_definition::TaskDefinition;
use super::volume::ManagedEbsVolume;
use super::{part_id, rules};

/// The subnets of a service or load balancer: handles of subnets of the stack, or any list
/// value (a `List<AWS::EC2::Subnet::Id>` parameter, an import).
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::Subnets;
/// let mut stack = Stack::new("App");
/// let p = stack.parameter("PrivateSubnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let subnets: Subnets = p.to_ref().into();
/// # let _ = subnets;
/// ```
#[derive(Clone, Debug)]
pub struct Subnets(pub Value<List<String>>);

impl From<Value<List<String>>> for Subnets {
    fn from(v: Value<List<String>>) -> Self {
        Subnets(v)
    }
}

impl From<&[Handle<ec2::Subnet>]> for Subnets {
    fn from(v: &[Handle<ec2::Subnet>]) -> Self {
        Subnets(Value::lit(
            v.iter()
                .map(super::super::model::handle::Handle::to_ref)
                .collect(),
        ))
    }
}

impl From<Vec<Handle<ec2::Subnet>>> for Subnets {
    fn from(v: Vec<Handle<ec2::Subnet>>) -> Self {
        Subnets::from(v.as_slice())
    }
}

impl From<&Vec<Handle<ec2::Subnet>>> for Subnets {
    fn from(v: &Vec<Handle<ec2::Subnet>>) -> Self {
        Subnets::from(v.as_slice())
    }
}

/// Where the tasks of an `awsvpc` service connect.
#[derive(Clone, Debug)]
pub struct ServiceNetworking {
    /// The VPC (for the service's own security group).
    pub vpc_id: Value<String>,
    /// The subnets the tasks run in (private subnets with a NAT gateway or VPC endpoints,
    /// normally).
    pub subnets: Subnets,
    /// Security groups for the tasks. Default: empty — the service creates its own
    /// (`<id>SecurityGroup`) with no ingress (load balancer rules are added by the
    /// load-balanced construct or [`Service::allow_from`]) and all egress.
    pub security_groups: Vec<Value<String>>,
    /// Give each task a public IP. Default: `false` (checkov CKV_AWS_333): tasks reach the
    /// internet through a NAT gateway, and only load balancers are public.
    pub assign_public_ip: bool,
    /// The description of the security group created when `security_groups` is empty.
    /// Default: `Tasks of the <id> service` (`Tasks of <id>` for tasks). CloudFormation
    /// replaces a security group whose description changes: set it to an existing group's
    /// description when adopting a stack.
    pub security_group_description: Option<Value<String>>,
}

impl ServiceNetworking {
    /// Tasks in `subnets` of `vpc_id`, with the defaults above.
    pub fn new(vpc_id: impl Into<Value<String>>, subnets: impl Into<Subnets>) -> Self {
        ServiceNetworking {
            vpc_id: vpc_id.into(),
            subnets: subnets.into(),
            security_groups: Vec::new(),
            assign_public_ip: false,
            security_group_description: None,
        }
    }
}

/// What happens when a deployment's tasks fail to become healthy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CircuitBreaker {
    /// Stop the deployment and roll back to the last working one. The default.
    #[default]
    Rollback,
    /// Stop the deployment, leave it failed.
    Stop,
    /// Keep trying (ECS's own default: a broken image retries forever).
    Disabled,
}

/// How a deployment moves traffic from the running revision to the new one
/// ([`DeploymentConfiguration.Strategy`](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-deploymentconfiguration.html)).
///
/// Blue/green, linear and canary deployments start a full set of new tasks beside the old
/// ones and shift traffic to them; behind a load balancer,
/// [`LoadBalancedFargateService`](super::LoadBalancedFargateService) adds what ECS needs to
/// shift it (an alternate target group, the production listener rule and the role ECS uses
/// to change them). ECS keeps the old tasks for the bake time
/// ([`DeploymentSettings::bake_time_minutes`], 15 minutes by default) to roll back to.
///
/// ```
/// use ferroform::ecs::DeploymentStrategy;
/// // 20 % of the traffic every 5 minutes: 4 steps before the last shift.
/// let linear = DeploymentStrategy::Linear { step_percent: 20.0, step_bake_minutes: 5 };
/// assert!(!linear.is_rolling());
/// assert!(DeploymentStrategy::default().is_rolling());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum DeploymentStrategy {
    /// Replace tasks a few at a time (`min_healthy_percent`, `max_percent`). The default:
    /// no second set of tasks to pay for.
    #[default]
    Rolling,
    /// Start the new revision in full, then shift all traffic at once.
    BlueGreen,
    /// Shift traffic in equal steps.
    Linear {
        /// Traffic moved per step, in %: a multiple of 0.1 from 3 to 100 (ECS's default: 10).
        step_percent: f64,
        /// Minutes between steps, 0 to 1440 (ECS's default: 6).
        step_bake_minutes: u32,
    },
    /// Shift a share of the traffic, wait, then shift the rest.
    Canary {
        /// Traffic moved first, in %: a multiple of 0.1 from 0.1 to 100 (ECS's default: 5).
        percent: f64,
        /// Minutes before the rest moves, 0 to 1440 (ECS's default: 10).
        bake_minutes: u32,
    },
}

impl DeploymentStrategy {
    /// True for [`DeploymentStrategy::Rolling`].
    pub fn is_rolling(&self) -> bool {
        matches!(self, DeploymentStrategy::Rolling)
    }
}

/// A Lambda function ECS invokes at `stages` of a deployment
/// ([Lifecycle hooks](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html)).
///
/// ```
/// use ferroform::ecs::LifecycleHook;
/// use ferroform::resources::ecs::service::LifecycleStage;
/// let hook = LifecycleHook::new(
///     "arn:aws:lambda:eu-west-1:123456789012:function:smoke-test",
///     [LifecycleStage::PostTestTrafficShift],
/// );
/// assert_eq!(hook.stages.len(), 1);
/// ```
#[derive(Clone, Debug)]
pub struct LifecycleHook {
    /// The function's ARN.
    pub function_arn: Value<String>,
    /// When ECS runs it.
    pub stages: Vec<s::LifecycleStage>,
}

impl LifecycleHook {
    /// Run `function_arn` at `stages`.
    pub fn new(
        function_arn: impl Into<Value<String>>,
        stages: impl IntoIterator<Item = s::LifecycleStage>,
    ) -> Self {
        LifecycleHook {
            function_arn: function_arn.into(),
            stages: stages.into_iter().collect(),
        }
    }
}

/// Deployment settings: the strategy, the rolling limits, the circuit breaker, alarms.
///
/// ```
/// use ferroform::ecs::{DeploymentSettings, DeploymentStrategy};
/// let settings = DeploymentSettings { min_healthy_percent: 50.into(), ..Default::default() };
/// assert_eq!(settings.max_percent.as_lit(), Some(&200));
/// let canary = DeploymentSettings {
///     strategy: DeploymentStrategy::Canary { percent: 10.0, bake_minutes: 15 },
///     alarms: vec!["web-5xx".into()],
///     ..Default::default()
/// };
/// assert!(!canary.strategy.is_rolling());
/// ```
#[derive(Clone, Debug)]
pub struct DeploymentSettings {
    /// Default: [`DeploymentStrategy::Rolling`].
    pub strategy: DeploymentStrategy,
    /// Minutes ECS keeps the previous revision after the new one takes all traffic, to roll
    /// back to (0 to 1440). Default: `None` — ECS's own: 15 minutes for blue/green, linear
    /// and canary, none for rolling.
    pub bake_time_minutes: Option<u32>,
    /// CloudWatch alarms (by name) that fail the deployment and roll it back when they go
    /// off. Default: none.
    pub alarms: Vec<Value<String>>,
    /// Lambda functions ECS runs at stages of each deployment (a test before production
    /// traffic moves, a check after); a function that fails rolls the deployment back. The
    /// service gets a role (`<id>HookRole`) ECS assumes to invoke exactly these functions.
    /// Default: none.
    pub lifecycle_hooks: Vec<LifecycleHook>,
    /// Default: [`CircuitBreaker::Rollback`].
    pub circuit_breaker: CircuitBreaker,
    /// Tasks kept running during a deployment, in % of the desired count (a number or a
    /// value). Default: 100 (no capacity lost while deploying).
    pub min_healthy_percent: Value<i64>,
    /// Tasks allowed during a deployment, in % of the desired count (a number or a value).
    /// Default: 200 (ECS's default: a full set of new tasks starts beside the old ones).
    pub max_percent: Value<i64>,
}

impl Default for DeploymentSettings {
    fn default() -> Self {
        DeploymentSettings {
            strategy: DeploymentStrategy::Rolling,
            bake_time_minutes: None,
            alarms: Vec::new(),
            lifecycle_hooks: Vec::new(),
            circuit_breaker: CircuitBreaker::Rollback,
            min_healthy_percent: 100.into(),
            max_percent: 200.into(),
        }
    }
}

/// Register the tasks in AWS Cloud Map (service discovery by DNS).
#[derive(Clone, Debug)]
pub struct CloudMapOptions {
    /// The private DNS namespace ID.
    pub namespace_id: Value<String>,
    /// The service name in the namespace (`api` → `api.<namespace>`).
    pub name: Value<String>,
    /// The records' TTL. Default: 60 seconds.
    pub dns_ttl_seconds: u32,
}

impl CloudMapOptions {
    /// `name` in the namespace, with a 60-second TTL. `awsvpc` services register `A`
    /// records, others `SRV` records of their first container port.
    pub fn new(namespace_id: impl Into<Value<String>>, name: impl Into<Value<String>>) -> Self {
        CloudMapOptions {
            namespace_id: namespace_id.into(),
            name: name.into(),
            dns_ttl_seconds: 60,
        }
    }
}

/// The settings of a [`FargateService`]. Start from [`FargateServiceProps::new`].
#[derive(Clone, Debug)]
pub struct FargateServiceProps {
    /// The cluster.
    pub cluster: Cluster,
    /// A Fargate task definition.
    pub task_definition: TaskDefinition,
    /// Subnets and security groups.
    pub networking: ServiceNetworking,
    /// Tasks to keep running ([`DesiredCount`](https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount)).
    /// Default: `None`, which means:
    /// - without auto scaling, 1 task, written into the template, so that a stack update
    ///   restores it;
    /// - with [`Service::auto_scale`], no `DesiredCount` at all. CloudFormation sends the
    ///   property on every update that touches the service, and ECS would set the scaled-out
    ///   service back to it. Left out, a new service starts with 1 task (ECS's default), and
    ///   registering the scalable target moves the count into its `min..=max` range
    ///   ([RegisterScalableTarget](https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html));
    ///   updates keep whatever count auto scaling reached.
    ///
    /// Set it with auto scaling only if you want every update to reset the count: the
    /// validator then warns (FF4034).
    pub desired_count: Option<Value<i64>>,
    /// Deployment settings. Default: circuit breaker with rollback, 100 % / 200 %.
    pub deployment: DeploymentSettings,
    /// Capacity provider strategy (`FARGATE_SPOT`...). Default: empty — launch type
    /// `FARGATE`.
    pub capacity_provider_strategy: Vec<CapacityProviderStrategy>,
    /// The service name. Default: none, CloudFormation generates one (a fixed name blocks
    /// replacing the service).
    pub service_name: Option<Value<String>>,
    /// Cloud Map registration. Default: none.
    pub cloud_map: Option<CloudMapOptions>,
    /// Service Connect: join a namespace as a client, and serve named ports to it.
    /// Default: none.
    pub service_connect: Option<ServiceConnect>,
    /// ECS Exec (`aws ecs execute-command`): turns it on and grants the task role the
    /// `ssmmessages` actions it needs. Default: `false` (no shell into production tasks
    /// unless asked). A value decided at deploy time (a parameter) is written as given,
    /// and the task role gets those actions (they only act while it is on).
    pub enable_execute_command: Value<bool>,
    /// An EBS volume ECS creates for each task ([`ManagedEbsVolume`]). Default: none.
    pub ebs_volume: Option<ManagedEbsVolume>,
}

impl FargateServiceProps {
    /// A service running `task_definition` in `cluster`, with the defaults above.
    pub fn new(
        cluster: &Cluster,
        task_definition: &TaskDefinition,
        networking: ServiceNetworking,
    ) -> Self {
        FargateServiceProps {
            cluster: cluster.clone(),
            task_definition: task_definition.clone(),
            networking,
            desired_count: None,
            deployment: DeploymentSettings::default(),
            capacity_provider_strategy: Vec::new(),
            service_name: None,
            cloud_map: None,
            service_connect: None,
            enable_execute_command: false.into(),
            ebs_volume: None,
        }
    }
}

/// How ECS spreads an EC2 service's tasks over container instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementStrategy {
    /// Spread evenly across availability zones.
    SpreadAcrossZones,
    /// Spread evenly across instances.
    SpreadAcrossInstances,
    /// Spread over the values of an attribute (`attribute:ecs.instance-type`...).
    Spread(String),
    /// Fill instances by memory first (fewest instances).
    BinpackMemory,
    /// Fill instances by CPU first.
    BinpackCpu,
    /// Random placement.
    Random,
}

/// Where an EC2 service's tasks may run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementConstraint {
    /// At most one task of the service per instance.
    DistinctInstance,
    /// Only instances matching a cluster query expression (`attribute:ecs.cpu-architecture == arm64`).
    MemberOf(String),
}

/// The settings of an [`Ec2Service`]. Start from [`Ec2ServiceProps::new`].
#[derive(Clone, Debug)]
pub struct Ec2ServiceProps {
    /// The cluster.
    pub cluster: Cluster,
    /// An EC2 task definition.
    pub task_definition: TaskDefinition,
    /// Subnets and security groups: required for `awsvpc` tasks, not allowed otherwise.
    /// Default: none.
    pub networking: Option<ServiceNetworking>,
    /// Tasks to keep running. Default: `None`, with the meaning given at
    /// [`FargateServiceProps::desired_count`] (1 task written into the template without
    /// auto scaling; no `DesiredCount` at all with [`Service::auto_scale`]).
    pub desired_count: Option<Value<i64>>,
    /// Deployment settings. Default: circuit breaker with rollback, 100 % / 200 %.
    pub deployment: DeploymentSettings,
    /// Capacity provider strategy (an Auto Scaling group capacity provider). Default:
    /// empty — launch type `EC2`.
    pub capacity_provider_strategy: Vec<CapacityProviderStrategy>,
    /// Placement strategies, in order. Default: spread across availability zones, then
    /// binpack on memory (AWS's "AZ balanced binpack": survives a zone outage, uses few
    /// instances).
    pub placement_strategies: Vec<PlacementStrategy>,
    /// Placement constraints. Default: none.
    pub placement_constraints: Vec<PlacementConstraint>,
    /// The service name. Default: none, CloudFormation generates one.
    pub service_name: Option<Value<String>>,
    /// Cloud Map registration, as [`FargateServiceProps::cloud_map`]. Default: none.
    pub cloud_map: Option<CloudMapOptions>,
    /// Service Connect, as [`FargateServiceProps::service_connect`]. Default: none.
    pub service_connect: Option<ServiceConnect>,
    /// ECS Exec, as [`FargateServiceProps::enable_execute_command`]. Default: `false`.
    pub enable_execute_command: Value<bool>,
    /// A per-task EBS volume, as [`FargateServiceProps::ebs_volume`]. Default: none.
    pub ebs_volume: Option<ManagedEbsVolume>,
}

impl Ec2ServiceProps {
    /// A service running `task_definition` in `cluster`, with the defaults above.
    pub fn new(cluster: &Cluster, task_definition: &TaskDefinition) -> Self {
        Ec2ServiceProps {
            cluster: cluster.clone(),
            task_definition: task_definition.clone(),
            networking: None,
            desired_count: None,
            deployment: DeploymentSettings::default(),
            capacity_provider_strategy: Vec::new(),
            placement_strategies: vec![
                PlacementStrategy::SpreadAcrossZones,
                PlacementStrategy::BinpackMemory,
            ],
            placement_constraints: Vec::new(),
            service_name: None,
            cloud_map: None,
            service_connect: None,
            enable_execute_command: false.into(),
            ebs_volume: None,
        }
    }
}

/// An ECS service of either launch type: what [`FargateService`] and [`Ec2Service`]
/// dereference to.
#[derive(Clone, Debug)]
pub struct Service {
    pub(crate) id: String,
    resource: Handle<ecs::Service>,
    security_group: Option<Handle<ec2::SecurityGroup>>,
    security_group_ids: Vec<Value<String>>,
    cloud_map: Option<Handle<sd::Service>>,
    pub(crate) cluster: Cluster,
    pub(crate) task_definition: TaskDefinition,
    /// Whether the user set the desired count (kept when the service is auto scaled).
    pub(crate) desired_count_set: bool,
}

struct Common {
    cluster: Cluster,
    task_definition: TaskDefinition,
    networking: Option<ServiceNetworking>,
    desired_count: Option<Value<i64>>,
    deployment: DeploymentSettings,
    capacity_provider_strategy: Vec<CapacityProviderStrategy>,
    service_name: Option<Value<String>>,
    cloud_map: Option<CloudMapOptions>,
    service_connect: Option<ServiceConnect>,
    enable_execute_command: Value<bool>,
    ebs_volume: Option<ManagedEbsVolume>,
}

enum Launch {
    Fargate,
    Ec2 {
        strategies: Vec<PlacementStrategy>,
        constraints: Vec<PlacementConstraint>,
    },
}

impl Service {
    fn build(stack: &mut Stack, id: &str, c: Common, launch: Launch) -> Service {
        let fargate = matches!(launch, Launch::Fargate);
        // One error for one mistake: with the wrong kind of task definition, its network
        // mode says nothing about the networking this service was given.
        let mismatch = Self::check_launch(stack, id, fargate, &c.task_definition);
        if c.task_definition.is_managed_instances() && c.capacity_provider_strategy.is_empty() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("service `{id}` runs a Managed Instances task definition without a capacity provider strategy (it would be launched as EC2)"),
                "set capacity_provider_strategy: vec![capacity.strategy(1)] with the ManagedInstancesCapacity",
            );
        }
        let hook_role = Self::hook_role(stack, id, &c.deployment.lifecycle_hooks);
        let service = Self::base(&c, fargate, hook_role.as_ref());
        let service = Self::placement(service, &launch);
        let (service, security_group, security_group_ids) =
            Self::networking(stack, id, &c, mismatch, service);
        let (service, cloud_map) = Self::cloud_map(stack, id, &c, service);
        let service = match &c.service_connect {
            Some(sc) => service.service_connect_configuration(super::connect::configuration(
                stack,
                id,
                sc,
                &c.task_definition,
            )),
            None => service,
        };
        let service = Self::ecs_exec(stack, &c, service);
        let service = match &c.ebs_volume {
            Some(v) => service
                .volume_configurations(vec![super::volume::configuration(stack, id, v, !fargate)]),
            None => service,
        };
        let resource = stack.add(id, service);
        // The service needs the cluster's capacity providers in place; DependsOn cannot cross
        // stacks, and a cluster of another stack is complete before this stack deploys.
        if let Some(associations) = c.cluster.capacity_provider_associations()
            && associations.stack_id() == stack.id()
        {
            stack.options(&resource).depends_on(associations);
        }
        Service {
            id: id.to_owned(),
            resource,
            security_group,
            security_group_ids,
            cloud_map,
            desired_count_set: c.desired_count.is_some(),
            cluster: c.cluster,
            task_definition: c.task_definition,
        }
    }

    /// Report a Fargate service on an EC2 task definition (or the reverse); true when so.
    fn check_launch(stack: &mut Stack, id: &str, fargate: bool, td: &TaskDefinition) -> bool {
        let mismatch = fargate != td.is_fargate();
        if fargate && !td.is_fargate() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!(
                    "Fargate service `{id}` runs {} task definition",
                    if td.is_managed_instances() {
                        "a Managed Instances"
                    } else {
                        "an EC2"
                    }
                ),
                "build the task definition with TaskDefinitionProps::fargate",
            );
        }
        if !fargate && td.is_fargate() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("EC2 service `{id}` runs a Fargate task definition"),
                "build the task definition with TaskDefinitionProps::ec2",
            );
        }
        mismatch
    }

    /// The service with its cluster, task, count, deployment settings, capacity and name.
    /// The role ECS assumes to run the deployment's lifecycle hooks: `lambda:InvokeFunction`
    /// on those functions only. `None` without hooks.
    fn hook_role(
        stack: &mut Stack,
        id: &str,
        hooks: &[LifecycleHook],
    ) -> Option<Handle<iam::Role>> {
        if hooks.is_empty() {
            return None;
        }
        Some(super::ecs_role(
            stack,
            id,
            "HookRole",
            "InvokeLifecycleHooks",
            vec![
                Statement::allow(["lambda:InvokeFunction"])
                    .resources(hooks.iter().map(|h| h.function_arn.clone())),
            ],
        ))
    }

    fn base(c: &Common, fargate: bool, hook_role: Option<&Handle<iam::Role>>) -> ecs::Service {
        let td = &c.task_definition;
        let mut service = ecs::Service::new()
            .cluster(c.cluster.name())
            .task_definition(td.arn())
            .desired_count(c.desired_count.clone().unwrap_or_else(|| 1.into()))
            .deployment_configuration(Self::strategy(
                s::DeploymentConfiguration::new()
                    .deployment_circuit_breaker(s::DeploymentCircuitBreaker::new(
                        s::DeploymentCircuitBreakerRequired {
                            enable: (!matches!(
                                c.deployment.circuit_breaker,
                                CircuitBreaker::Disabled
                            ))
                            .into(),
                            rollback: matches!(
                                c.deployment.circuit_breaker,
                                CircuitBreaker::Rollback
                            )
                            .into(),
                        },
                    ))
                    .minimum_healthy_percent(c.deployment.min_healthy_percent.clone())
                    .maximum_percent(c.deployment.max_percent.clone()),
                &c.deployment,
                hook_role,
            ));
        if c.capacity_provider_strategy.is_empty() {
            service = service.launch_type(if fargate {
                s::LaunchType::Fargate
            } else {
                s::LaunchType::Ec2
            });
        } else {
            let items: Vec<s::CapacityProviderStrategyItem> = c
                .capacity_provider_strategy
                .iter()
                .map(|p| {
                    let mut item = s::CapacityProviderStrategyItem::new()
                        .capacity_provider(p.capacity_provider.clone())
                        .weight(p.weight);
                    if p.base > 0 {
                        item = item.base(p.base);
                    }
                    item
                })
                .collect();
            service = service.capacity_provider_strategy(items);
        }
        if fargate {
            // Explicit, so that checkov (CKV_AWS_332) sees it.
            service = service.platform_version("LATEST");
        }
        if let Some(name) = &c.service_name {
            service = service.service_name(name.clone());
        }

        service
    }

    /// The deployment strategy, bake time and alarms (nothing written for a plain rolling
    /// deployment, so that templates written before them stay the same).
    fn strategy(
        mut dc: s::DeploymentConfiguration,
        d: &DeploymentSettings,
        hook_role: Option<&Handle<iam::Role>>,
    ) -> s::DeploymentConfiguration {
        use s::DeploymentConfigurationStrategy as S;
        dc = match d.strategy {
            DeploymentStrategy::Rolling => dc,
            DeploymentStrategy::BlueGreen => dc.strategy(S::BlueGreen),
            DeploymentStrategy::Linear {
                step_percent,
                step_bake_minutes,
            } => dc.strategy(S::Linear).linear_configuration(
                s::LinearConfiguration::new()
                    .step_percent(step_percent)
                    .step_bake_time_in_minutes(i64::from(step_bake_minutes)),
            ),
            DeploymentStrategy::Canary {
                percent,
                bake_minutes,
            } => dc.strategy(S::Canary).canary_configuration(
                s::CanaryConfiguration::new()
                    .canary_percent(percent)
                    .canary_bake_time_in_minutes(i64::from(bake_minutes)),
            ),
        };
        if let Some(b) = d.bake_time_minutes {
            dc = dc.bake_time_in_minutes(i64::from(b));
        }
        if !d.alarms.is_empty() {
            dc = dc.alarms(s::DeploymentAlarms::new(s::DeploymentAlarmsRequired {
                alarm_names: d.alarms.clone().into(),
                enable: true.into(),
                rollback: true.into(),
            }));
        }
        if let Some(role) = hook_role {
            dc = dc.lifecycle_hooks(
                d.lifecycle_hooks
                    .iter()
                    .map(|h| {
                        s::DeploymentLifecycleHook::new(h.stages.clone())
                            .hook_target_arn(h.function_arn.clone())
                            .role_arn(role.attr_arn())
                    })
                    .collect::<Vec<_>>(),
            );
        }
        dc
    }

    /// Placement strategies and constraints (EC2 services).
    fn placement(mut service: ecs::Service, launch: &Launch) -> ecs::Service {
        if let Launch::Ec2 {
            strategies,
            constraints,
        } = launch
        {
            if !strategies.is_empty() {
                let list: Vec<s::PlacementStrategy> = strategies
                    .iter()
                    .map(|p| {
                        use s::PlacementStrategyType as T;
                        match p {
                            PlacementStrategy::SpreadAcrossZones => {
                                s::PlacementStrategy::new(T::Spread)
                                    .field("attribute:ecs.availability-zone")
                            }
                            PlacementStrategy::SpreadAcrossInstances => {
                                s::PlacementStrategy::new(T::Spread).field("instanceId")
                            }
                            PlacementStrategy::Spread(f) => {
                                s::PlacementStrategy::new(T::Spread).field(f.clone())
                            }
                            PlacementStrategy::BinpackMemory => {
                                s::PlacementStrategy::new(T::Binpack).field("memory")
                            }
                            PlacementStrategy::BinpackCpu => {
                                s::PlacementStrategy::new(T::Binpack).field("cpu")
                            }
                            PlacementStrategy::Random => s::PlacementStrategy::new(T::Random),
                        }
                    })
                    .collect();
                service = service.placement_strategies(list);
            }
            if !constraints.is_empty() {
                let list: Vec<s::PlacementConstraint> = constraints
                    .iter()
                    .map(|p| match p {
                        PlacementConstraint::DistinctInstance => s::PlacementConstraint::new(
                            s::PlacementConstraintType::DistinctInstance,
                        ),
                        PlacementConstraint::MemberOf(e) => {
                            s::PlacementConstraint::new(s::PlacementConstraintType::MemberOf)
                                .expression(e.clone())
                        }
                    })
                    .collect();
                service = service.placement_constraints(list);
            }
        }
        service
    }

    /// The awsvpc network configuration, with a new security group when none is given.
    fn networking(
        stack: &mut Stack,
        id: &str,
        c: &Common,
        mismatch: bool,
        mut service: ecs::Service,
    ) -> (
        ecs::Service,
        Option<Handle<ec2::SecurityGroup>>,
        Vec<Value<String>>,
    ) {
        let td = &c.task_definition;
        let mut security_group = None;
        let mut security_group_ids = Vec::new();
        match (&c.networking, td.is_awsvpc()) {
            (Some(net), true) => {
                security_group_ids.clone_from(&net.security_groups);
                if security_group_ids.is_empty() {
                    let sg = stack.add(
                        &part_id(id, "SecurityGroup"),
                        ec2::SecurityGroup::new(
                            net.security_group_description
                                .clone()
                                .unwrap_or_else(|| format!("Tasks of the {id} service").into()),
                        )
                        .vpc_id(net.vpc_id.clone())
                        .security_group_egress(vec![
                            ec2::security_group::Egress::new("-1")
                                .cidr_ip("0.0.0.0/0")
                                .description("All outbound traffic (image pulls, AWS APIs)"),
                        ]),
                    );
                    security_group_ids.push(sg.attr_group_id());
                    security_group = Some(sg);
                }
                service = service.network_configuration(
                    s::NetworkConfiguration::new().awsvpc_configuration(
                        s::AwsVpcConfiguration::new()
                            .assign_public_ip(if net.assign_public_ip {
                                s::AssignPublicIp::Enabled
                            } else {
                                s::AssignPublicIp::Disabled
                            })
                            .security_groups(security_group_ids.clone())
                            .subnets(net.subnets.0.clone()),
                    ),
                );
            }
            _ if mismatch => {}
            (None, true) => stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("service `{id}` runs awsvpc tasks but has no networking"),
                "give the service its subnets with ServiceNetworking",
            ),
            (Some(_), false) => stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("service `{id}` has networking, but its tasks do not use awsvpc"),
                "remove the networking, or use Ec2NetworkMode::Awsvpc",
            ),
            (None, false) => {}
        }

        (service, security_group, security_group_ids)
    }

    /// The Cloud Map service and the registry entry (A records for awsvpc tasks, SRV records
    /// with the container port otherwise).
    fn cloud_map(
        stack: &mut Stack,
        id: &str,
        c: &Common,
        mut service: ecs::Service,
    ) -> (ecs::Service, Option<Handle<sd::Service>>) {
        let td = &c.task_definition;
        let mut cloud_map = None;
        if let Some(cm) = &c.cloud_map {
            let awsvpc = td.is_awsvpc();
            let record_type = if awsvpc {
                sd::service::DnsRecordType::A
            } else {
                sd::service::DnsRecordType::Srv
            };
            let registry = stack.add(
                &part_id(id, "CloudMap"),
                sd::Service::new()
                    .name(cm.name.clone())
                    .namespace_id(cm.namespace_id.clone())
                    .dns_config(
                        sd::service::DnsConfig::new(vec![sd::service::DnsRecord::new(
                            f64::from(cm.dns_ttl_seconds),
                            record_type,
                        )])
                        .routing_policy(sd::service::RoutingPolicy::Multivalue),
                    )
                    .health_check_custom_config(
                        sd::service::HealthCheckCustomConfig::new().failure_threshold(1.0),
                    ),
            );
            let mut entry = s::ServiceRegistry::new().registry_arn(registry.attr_arn());
            if !awsvpc {
                match td.default_port(stack) {
                    Some((container, port)) => {
                        entry = entry.container_name(container).container_port(port);
                    }
                    None => stack.report_error(
                        rules::INVALID_INPUT,
                        Some(id),
                        format!(
                            "service `{id}` registers SRV records but its containers have no port"
                        ),
                        "add the containers (with a port) before the service",
                    ),
                }
            }
            service = service.service_registries(vec![entry]);
            cloud_map = Some(registry);
        }

        (service, cloud_map)
    }

    /// ECS Exec: the flag, and the task role's channel actions.
    fn ecs_exec(stack: &mut Stack, c: &Common, mut service: ecs::Service) -> ecs::Service {
        let td = &c.task_definition;
        if c.enable_execute_command.as_lit() != Some(&false) {
            service = service.enable_execute_command(c.enable_execute_command.clone());
            td.grant_task(
                stack,
                "EcsExec",
                vec![
                    Statement::allow([
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ])
                    .resource("*"),
                ],
            );
            if let Some(role) = td
                .task_role()
                .cloned()
                .or_else(|| td.ensure_task_role(stack))
            {
                stack.options(&role).checkov_skip(
                    "CKV_AWS_111",
                    "ECS Exec: the ssmmessages channel actions support no resource-level permissions",
                );
            }
        }

        service
    }

    /// The underlying `AWS::ECS::Service` (escape hatch).
    pub fn resource(&self) -> &Handle<ecs::Service> {
        &self.resource
    }

    /// The security group the service created, if it created one.
    pub fn security_group(&self) -> Option<&Handle<ec2::SecurityGroup>> {
        self.security_group.as_ref()
    }

    /// The IDs of the tasks' security groups (created or given).
    pub fn security_group_ids(&self) -> &[Value<String>] {
        &self.security_group_ids
    }

    /// The Cloud Map service, when the service registers in one.
    pub fn cloud_map_service(&self) -> Option<&Handle<sd::Service>> {
        self.cloud_map.as_ref()
    }

    /// The service name (`Fn::GetAtt Name`).
    pub fn name(&self) -> Value<String> {
        self.resource.attr_name()
    }

    /// The service ARN.
    pub fn arn(&self) -> Value<String> {
        self.resource.attr_service_arn()
    }

    /// The cluster the service runs in.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The task definition the service runs.
    pub fn task_definition(&self) -> &TaskDefinition {
        &self.task_definition
    }

    /// Allow TCP traffic on `port` from the security group `source_group_id` to the tasks,
    /// as a separate `AWS::EC2::SecurityGroupIngress` (`<id>From<name>`, no dependency
    /// cycle between the groups). Goes to the service's first security group.
    pub fn allow_from(
        &self,
        stack: &mut Stack,
        name: &str,
        source_group_id: impl Into<Value<String>>,
        port: impl Into<Value<i64>>,
        description: &str,
    ) -> Option<Handle<ec2::SecurityGroupIngress>> {
        let port = port.into();
        let Some(group) = self.security_group_ids.first() else {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&self.id),
                format!("service `{}` has no security group to open", self.id),
                "security groups belong to awsvpc services",
            );
            return None;
        };
        Some(
            stack.add(
                &part_id(&self.id, &format!("From{name}")),
                ec2::SecurityGroupIngress::new("tcp")
                    .group_id(group.clone())
                    .source_security_group_id(source_group_id)
                    .from_port(port.clone())
                    .to_port(port)
                    .description(description),
            ),
        )
    }
}

/// A service on Fargate.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{Cluster, ClusterProps, ContainerProps, FargateService, FargateServiceProps,
///     FargateSize, ServiceNetworking, TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Api");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "ApiTask", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
/// task.add_container(&mut stack, ContainerProps::new("api", "public.ecr.aws/nginx/nginx:1.27").port(80));
/// let api = FargateService::new(&mut stack, "Api", FargateServiceProps {
///     desired_count: Some(2.into()),
///     ..FargateServiceProps::new(&cluster, &task, ServiceNetworking::new(vpc.to_ref(), subnets.to_ref()))
/// });
/// let t = stack.to_template().unwrap();
/// let svc = &t.body()["Resources"]["Api"]["Properties"];
/// assert_eq!(svc["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"], "DISABLED");
/// assert_eq!(svc["DeploymentConfiguration"]["DeploymentCircuitBreaker"]["Rollback"], true);
/// # let _ = api;
/// ```
#[derive(Clone, Debug)]
pub struct FargateService(Service);

impl FargateService {
    /// Add the service (and its security group) to `stack`.
    pub fn new(stack: &mut Stack, id: &str, props: FargateServiceProps) -> Self {
        FargateService(Service::build(
            stack,
            id,
            Common {
                cluster: props.cluster,
                task_definition: props.task_definition,
                networking: Some(props.networking),
                desired_count: props.desired_count,
                deployment: props.deployment,
                capacity_provider_strategy: props.capacity_provider_strategy,
                service_name: props.service_name,
                cloud_map: props.cloud_map,
                service_connect: props.service_connect,
                enable_execute_command: props.enable_execute_command,
                ebs_volume: props.ebs_volume,
            },
            Launch::Fargate,
        ))
    }
}

impl Deref for FargateService {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.0
    }
}

/// A service on EC2 container instances.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{Cluster, ClusterProps, ContainerProps, Ec2NetworkMode, Ec2Service,
///     Ec2ServiceProps, PortMapping, TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Batch");
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::ec2(Ec2NetworkMode::Bridge));
/// task.add_container(&mut stack, ContainerProps {
///     memory_reservation_mib: Some(256),
///     port_mappings: vec![PortMapping::tcp(80).host_port(0)],
///     ..ContainerProps::new("web", "public.ecr.aws/nginx/nginx:1.27")
/// });
/// Ec2Service::new(&mut stack, "Web", Ec2ServiceProps::new(&cluster, &task));
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.body()["Resources"]["Web"]["Properties"]["LaunchType"], "EC2");
/// ```
#[derive(Clone, Debug)]
pub struct Ec2Service(Service);

impl Ec2Service {
    /// Add the service to `stack`.
    pub fn new(stack: &mut Stack, id: &str, props: Ec2ServiceProps) -> Self {
        Ec2Service(Service::build(
            stack,
            id,
            Common {
                cluster: props.cluster,
                task_definition: props.task_definition,
                networking: props.networking,
                desired_count: props.desired_count,
                deployment: props.deployment,
                capacity_provider_strategy: props.capacity_provider_strategy,
                service_name: props.service_name,
                cloud_map: props.cloud_map,
                service_connect: props.service_connect,
                enable_execute_command: props.enable_execute_command,
                ebs_volume: props.ebs_volume,
            },
            Launch::Ec2 {
                strategies: props.placement_strategies,
                constraints: props.placement_constraints,
            },
        ))
    }
}

impl Deref for Ec2Service {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClusterProps, ContainerProps, Ec2NetworkMode, TaskDefinitionProps};
    use super::*;
    use serde_json::json;

    /// The networking these tests give services: VPC `vpc-1`, subnet `subnet-1`.
    fn networking() -> ServiceNetworking {
        ServiceNetworking::new("vpc-1", Value::lit(vec!["subnet-1".into()]))
    }

    fn setup(stack: &mut Stack) -> (Cluster, TaskDefinition) {
        let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
        let task =
            crate::ecs::test_task(stack, "Task", ContainerProps::new("web", "nginx").port(80));
        (cluster, task)
    }

    /// #16: lifecycle hooks reach the deployment configuration with a role ECS may use to
    /// invoke those functions and nothing else; alarms roll back; bake time as given.
    #[test]
    fn lifecycle_hooks_alarms_and_bake_time() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        let fn_arn = "arn:aws:lambda:eu-west-1:123456789012:function:smoke";
        let mut props = FargateServiceProps::new(&cluster, &task, networking());
        props.deployment = DeploymentSettings {
            strategy: DeploymentStrategy::BlueGreen,
            bake_time_minutes: Some(30),
            alarms: vec!["web-5xx".into()],
            lifecycle_hooks: vec![LifecycleHook::new(
                fn_arn,
                [s::LifecycleStage::PostTestTrafficShift],
            )],
            ..Default::default()
        };
        FargateService::new(&mut stack, "Web", props);
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let dc = &r["Web"]["Properties"]["DeploymentConfiguration"];
        assert_eq!(dc["Strategy"], "BLUE_GREEN");
        assert_eq!(dc["BakeTimeInMinutes"], 30);
        assert_eq!(
            dc["Alarms"],
            json!({"AlarmNames": ["web-5xx"], "Enable": true, "Rollback": true})
        );
        assert_eq!(
            dc["LifecycleHooks"],
            json!([{
                "HookTargetArn": fn_arn,
                "LifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
                "RoleArn": {"Fn::GetAtt": ["WebHookRole", "Arn"]}
            }])
        );
        let role = &r["WebHookRole"]["Properties"];
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
            json!({"Service": "ecs.amazonaws.com"})
        );
        assert_eq!(
            role["Policies"][0]["PolicyDocument"]["Statement"],
            json!([{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": fn_arn}])
        );
    }

    #[test]
    fn fargate_service_defaults() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        let svc = FargateService::new(
            &mut stack,
            "Web",
            FargateServiceProps::new(&cluster, &task, networking()),
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Web"]["Properties"];
        assert_eq!(p["DesiredCount"], 1);
        assert_eq!(p["LaunchType"], "FARGATE");
        assert_eq!(p["Cluster"], json!({"Ref": "Cluster"}));
        assert_eq!(p["TaskDefinition"], json!({"Ref": "Task"}));
        let dc = &p["DeploymentConfiguration"];
        assert_eq!(
            dc["DeploymentCircuitBreaker"],
            json!({"Enable": true, "Rollback": true})
        );
        assert_eq!(dc["MinimumHealthyPercent"], 100);
        assert_eq!(dc["MaximumPercent"], 200);
        let net = &p["NetworkConfiguration"]["AwsvpcConfiguration"];
        assert_eq!(net["AssignPublicIp"], "DISABLED");
        assert_eq!(net["Subnets"], json!(["subnet-1"]));
        assert_eq!(
            net["SecurityGroups"],
            json!([{"Fn::GetAtt": ["WebSecurityGroup", "GroupId"]}])
        );
        let sg = &r["WebSecurityGroup"]["Properties"];
        assert!(
            sg.get("SecurityGroupIngress").is_none(),
            "no ingress by default"
        );
        assert_eq!(sg["SecurityGroupEgress"][0]["CidrIp"], "0.0.0.0/0");
        assert_eq!(sg["SecurityGroupEgress"][0]["IpProtocol"], "-1");
        assert_eq!(r["Web"]["DependsOn"], "ClusterCapacityProviders");
        assert!(svc.security_group().is_some());
    }

    #[test]
    fn spot_strategy_replaces_launch_type_and_exec_grants_ssmmessages() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        FargateService::new(
            &mut stack,
            "Web",
            FargateServiceProps {
                capacity_provider_strategy: vec![CapacityProviderStrategy::fargate_spot(1)],
                enable_execute_command: true.into(),
                ..FargateServiceProps::new(&cluster, &task, networking())
            },
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Web"]["Properties"];
        assert!(p.get("LaunchType").is_none());
        assert_eq!(
            p["CapacityProviderStrategy"],
            json!([{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}])
        );
        assert_eq!(p["EnableExecuteCommand"], true);
        assert_eq!(
            r["Task"]["Properties"]["TaskRoleArn"],
            json!({"Fn::GetAtt": ["TaskTaskRole", "Arn"]})
        );
        let st = &r["TaskTaskRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
        assert_eq!(st["Resource"], "*");
        assert!(
            st["Action"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a.as_str().unwrap().starts_with("ssmmessages:"))
        );
    }

    #[test]
    fn ec2_bridge_service_placement_and_cloud_map_srv() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let task = TaskDefinition::new(
            &mut stack,
            "Task",
            TaskDefinitionProps::ec2(Ec2NetworkMode::Bridge),
        );
        task.add_container(
            &mut stack,
            ContainerProps {
                memory_limit_mib: Some(256),
                ..ContainerProps::new("web", "nginx").port(80)
            },
        );
        let svc = Ec2Service::new(
            &mut stack,
            "Web",
            Ec2ServiceProps {
                placement_constraints: vec![PlacementConstraint::DistinctInstance],
                cloud_map: Some(CloudMapOptions::new("ns-1", "web")),
                ..Ec2ServiceProps::new(&cluster, &task)
            },
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let p = &r["Web"]["Properties"];
        assert_eq!(p["LaunchType"], "EC2");
        assert!(p.get("NetworkConfiguration").is_none());
        assert_eq!(
            p["PlacementStrategies"],
            json!([{"Field": "attribute:ecs.availability-zone", "Type": "spread"},
                   {"Field": "memory", "Type": "binpack"}])
        );
        assert_eq!(
            p["PlacementConstraints"],
            json!([{"Type": "distinctInstance"}])
        );
        assert_eq!(
            p["ServiceRegistries"][0],
            json!({"ContainerName": "web", "ContainerPort": 80,
                   "RegistryArn": {"Fn::GetAtt": ["WebCloudMap", "Arn"]}})
        );
        assert_eq!(
            r["WebCloudMap"]["Properties"]["DnsConfig"]["DnsRecords"][0]["Type"],
            "SRV"
        );
        // The handles other parts of a program build on.
        use crate::model::render::{Render, RenderCx};
        let mut cx = RenderCx::detached();
        let cloud_map = svc.cloud_map_service().expect("the Cloud Map service");
        assert_eq!(
            cloud_map.to_ref().render(&mut cx),
            json!({"Ref": "WebCloudMap"})
        );
        assert_eq!(
            svc.arn().render(&mut cx),
            json!({"Fn::GetAtt": ["Web", "ServiceArn"]})
        );
    }

    /// A provider's `base` is written when it is above 0 (and left out at 0, the default).
    #[test]
    fn strategy_bases_are_written_when_set() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        FargateService::new(
            &mut stack,
            "Web",
            FargateServiceProps {
                capacity_provider_strategy: vec![
                    CapacityProviderStrategy {
                        base: 2,
                        ..CapacityProviderStrategy::fargate(1)
                    },
                    CapacityProviderStrategy::fargate_spot(3),
                ],
                ..FargateServiceProps::new(&cluster, &task, networking())
            },
        );
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["Web"]["Properties"]["CapacityProviderStrategy"],
            json!([
                {"CapacityProvider": "FARGATE", "Weight": 1, "Base": 2},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 3}
            ])
        );
    }

    /// An EC2 service's networking must match its tasks' network mode: awsvpc tasks need
    /// it, other modes refuse it; one error each, naming the service.
    #[test]
    fn ec2_networking_must_match_the_network_mode() {
        let errors = |mode: Ec2NetworkMode, with_networking: bool| {
            let mut stack = Stack::new("S");
            let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
            let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::ec2(mode));
            task.add_container(
                &mut stack,
                ContainerProps {
                    memory_limit_mib: Some(256),
                    ..ContainerProps::new("web", "nginx")
                },
            );
            Ec2Service::new(
                &mut stack,
                "Web",
                Ec2ServiceProps {
                    networking: with_networking.then(networking),
                    ..Ec2ServiceProps::new(&cluster, &task)
                },
            );
            match stack.to_template() {
                Ok(_) => Vec::new(),
                Err(e) => e.diagnostics.into_iter().map(|d| d.message).collect(),
            }
        };
        assert_eq!(
            errors(Ec2NetworkMode::Awsvpc, false),
            vec!["service `Web` runs awsvpc tasks but has no networking"]
        );
        assert_eq!(
            errors(Ec2NetworkMode::Bridge, true),
            vec!["service `Web` has networking, but its tasks do not use awsvpc"]
        );
        assert!(errors(Ec2NetworkMode::Awsvpc, true).is_empty());
        assert!(errors(Ec2NetworkMode::Bridge, false).is_empty());
    }

    #[test]
    fn mismatched_task_definitions_are_diagnostics() {
        let mut stack = Stack::new("S");
        let (cluster, fargate_task) = setup(&mut stack);
        Ec2Service::new(
            &mut stack,
            "Web",
            Ec2ServiceProps::new(&cluster, &fargate_task),
        );
        let err = stack.to_template().unwrap_err();
        // A Fargate task on EC2: one error, not a second one about its networking.
        assert_eq!(err.errors(), 1, "{err}");
        assert!(
            err.to_string().contains("runs a Fargate task definition"),
            "{err}"
        );

        // Issue #10, 7: a Fargate service on an EC2 task definition is one error, without
        // the impossible "remove the networking" (a Fargate service always has networking).
        let mut stack = Stack::new("S");
        let (cluster, _) = setup(&mut stack);
        let ec2_task = TaskDefinition::new(
            &mut stack,
            "Ec2Task",
            TaskDefinitionProps::ec2(super::super::Ec2NetworkMode::Bridge),
        );
        ec2_task.add_container(
            &mut stack,
            super::super::ContainerProps {
                memory_limit_mib: Some(256),
                ..super::super::ContainerProps::new("app", "busybox")
            },
        );
        FargateService::new(
            &mut stack,
            "Api",
            FargateServiceProps::new(&cluster, &ec2_task, networking()),
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 1, "{err}");
        assert!(!err.to_string().contains("remove the networking"), "{err}");

        // And in one round with the validator's findings elsewhere in the stack (an ECR
        // repository name ECR refuses), in an app synth.
        stack.add(
            "Repo",
            crate::resources::ecr::Repository::new().repository_name("Not_Valid!"),
        );
        let mut app = crate::App::new();
        app.add(stack);
        let err = app.synth().unwrap_err();
        let rules: Vec<(&str, Option<&str>)> = err
            .diagnostics
            .iter()
            .map(|d| (d.rule, d.logical_id.as_deref()))
            .collect();
        assert!(rules.contains(&("FF1501", Some("Api"))), "{err}");
        assert!(
            rules
                .iter()
                .any(|(r, id)| r.starts_with("FF2") && *id == Some("Repo")),
            "{err}"
        );
        assert!(
            !rules
                .iter()
                .any(|(r, id)| !r.starts_with("FF1") && *id == Some("Api")),
            "no second diagnostic for the service: {err}"
        );
    }
}
