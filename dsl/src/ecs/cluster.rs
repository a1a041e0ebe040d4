//! `Cluster`: an ECS cluster with Container Insights and its capacity providers.

use crate::fns;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{ListProperty, Value};
use crate::resources::ecs;
use crate::resources::ecs::cluster_capacity_provider_associations as cpa;

use super::part_id;

/// CloudWatch Container Insights for the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContainerInsights {
    /// Cluster- and service-level metrics. The default (checkov CKV_AWS_65 asks for it;
    /// the metrics are billed as custom metrics).
    #[default]
    Enabled,
    /// Task- and container-level metrics as well (more metrics, higher cost).
    Enhanced,
    /// No Container Insights.
    Disabled,
}

/// One entry of a capacity provider strategy: where tasks are placed, in what proportion.
///
/// ```
/// use ferroform::ecs::CapacityProviderStrategy;
/// // One task always on regular Fargate, the rest 3:1 on Spot.
/// let strategy = vec![
///     CapacityProviderStrategy::fargate(1).base(1),
///     CapacityProviderStrategy::fargate_spot(3),
/// ];
/// # let _ = strategy;
/// ```
#[derive(Clone, Debug)]
pub struct CapacityProviderStrategy {
    /// The capacity provider: `FARGATE`, `FARGATE_SPOT` or an Auto Scaling group capacity
    /// provider's name.
    pub capacity_provider: Value<String>,
    /// Relative share of the tasks beyond `base`.
    pub weight: u32,
    /// Tasks placed on this provider before weights apply. Default: 0.
    pub base: u32,
}

impl CapacityProviderStrategy {
    /// A capacity provider by name (or a `Ref` to an `AWS::ECS::CapacityProvider`).
    pub fn new(capacity_provider: impl Into<Value<String>>, weight: u32) -> Self {
        CapacityProviderStrategy {
            capacity_provider: capacity_provider.into(),
            weight,
            base: 0,
        }
    }

    /// `FARGATE` with this weight.
    pub fn fargate(weight: u32) -> Self {
        Self::new("FARGATE", weight)
    }

    /// `FARGATE_SPOT` with this weight (up to 70 % cheaper; tasks may be interrupted with
    /// a two-minute warning).
    pub fn fargate_spot(weight: u32) -> Self {
        Self::new("FARGATE_SPOT", weight)
    }

    /// A service's strategy for Spot prices with a floor of on-demand tasks: the first
    /// `on_demand_base` tasks on `FARGATE`, and of the tasks beyond them three in four on
    /// `FARGATE_SPOT` (interrupted ones are replaced; the on-demand base keeps the service
    /// up while Spot capacity is short). Fargate Spot runs Linux X86_64 tasks only: for an
    /// ARM64 task definition the validator reports FF4043.
    ///
    /// ```
    /// use ferroform::ecs::CapacityProviderStrategy;
    /// let s = CapacityProviderStrategy::spot_with_on_demand_base(1);
    /// assert_eq!((s[0].base, s[0].weight, s[1].weight), (1, 1, 3));
    /// ```
    pub fn spot_with_on_demand_base(on_demand_base: u32) -> Vec<Self> {
        vec![Self::fargate(1).base(on_demand_base), Self::fargate_spot(3)]
    }

    /// Set the base.
    pub fn base(mut self, base: u32) -> Self {
        self.base = base;
        self
    }
}

/// The settings of a [`Cluster`].
#[derive(Clone, Debug)]
pub struct ClusterProps {
    /// The cluster name. Default: none, CloudFormation generates one.
    pub name: Option<Value<String>>,
    /// Container Insights. Default: [`ContainerInsights::Enabled`].
    pub container_insights: ContainerInsights,
    /// Associate the `FARGATE` and `FARGATE_SPOT` capacity providers. Default: `true`.
    pub fargate_capacity_providers: bool,
    /// The strategy of services that name neither a launch type nor a strategy.
    /// Default: `FARGATE`, weight 1.
    pub default_capacity_provider_strategy: Vec<CapacityProviderStrategy>,
}

impl Default for ClusterProps {
    fn default() -> Self {
        ClusterProps {
            name: None,
            container_insights: ContainerInsights::Enabled,
            fargate_capacity_providers: true,
            default_capacity_provider_strategy: vec![CapacityProviderStrategy::fargate(1)],
        }
    }
}

/// An ECS cluster, with its capacity providers associated through
/// `AWS::ECS::ClusterCapacityProviderAssociations` (`<id>CapacityProviders`).
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::{Cluster, ClusterProps};
/// let mut stack = Stack::new("Platform");
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let t = stack.to_template().unwrap();
/// let settings = &t.body()["Resources"]["Cluster"]["Properties"]["ClusterSettings"][0];
/// assert_eq!(settings["Value"], "enabled");
/// # let _ = cluster;
/// ```
///
/// A cluster made by another tool or team is used with [`Cluster::from_name`] or
/// [`Cluster::from_arn`]: services and scheduled tasks run in it like in one of yours.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The cluster resource, when this stack or app creates it.
    resource: Option<Handle<ecs::Cluster>>,
    /// The capacity provider associations: always for a created cluster; for an imported one
    /// only after [`Cluster::manage_capacity_providers`].
    associations: Option<Handle<ecs::ClusterCapacityProviderAssociations>>,
    name: Value<String>,
    arn: Value<String>,
}

impl Cluster {
    /// Add the cluster and its capacity provider associations.
    pub fn new(stack: &mut Stack, id: &str, props: ClusterProps) -> Self {
        let insights = match props.container_insights {
            ContainerInsights::Enabled => "enabled",
            ContainerInsights::Enhanced => "enhanced",
            ContainerInsights::Disabled => "disabled",
        };
        let mut cluster = ecs::Cluster::new().cluster_settings(vec![
            ecs::cluster::ClusterSettings::new()
                .name("containerInsights")
                .value(insights),
        ]);
        if let Some(name) = props.name {
            cluster = cluster.cluster_name(name);
        }
        let resource = stack.add(id, cluster);
        let strategy: Vec<cpa::CapacityProviderStrategy> = props
            .default_capacity_provider_strategy
            .iter()
            .map(association_item)
            .collect();
        let providers: Vec<Value<String>> = if props.fargate_capacity_providers {
            vec!["FARGATE".into(), "FARGATE_SPOT".into()]
        } else {
            Vec::new()
        };
        let associations = stack.add(
            &part_id(id, "CapacityProviders"),
            ecs::ClusterCapacityProviderAssociations::new(resource.to_ref(), strategy)
                .capacity_providers(providers),
        );
        Cluster {
            name: resource.to_ref(),
            arn: resource.attr_arn(),
            resource: Some(resource),
            associations: Some(associations),
        }
    }

    /// A cluster this app does not create, by name (a literal, a parameter, an import...).
    /// Its ARN is built from the name, the stack's partition, region and account.
    ///
    /// Services and scheduled tasks run in it as in a cluster of yours. Its capacity
    /// providers are left alone unless you call [`Cluster::manage_capacity_providers`].
    ///
    /// ```
    /// use ferroform::{Parameter, Stack};
    /// use ferroform::ecs::Cluster;
    /// let mut stack = Stack::new("Jobs");
    /// let name = stack.parameter("ClusterName", Parameter::string());
    /// let cluster = Cluster::from_name(name.to_ref());
    /// assert!(cluster.resource().is_none());
    /// assert!(Cluster::from_name("shared").arn().is_expr());
    /// ```
    pub fn from_name(name: impl Into<Value<String>>) -> Self {
        let name = name.into();
        let arn = fns::sub_with(
            "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/${Name}",
            [("Name", name.clone())],
        );
        Cluster {
            resource: None,
            associations: None,
            name,
            arn,
        }
    }

    /// A cluster this app does not create, by ARN
    /// (`arn:aws:ecs:REGION:ACCOUNT:cluster/NAME`). The name is the part after `cluster/`.
    ///
    /// ```
    /// use ferroform::ecs::Cluster;
    /// let c = Cluster::from_arn("arn:aws:ecs:eu-west-1:123456789012:cluster/shared");
    /// assert_eq!(c.name().as_lit().map(String::as_str), Some("shared"));
    /// ```
    pub fn from_arn(arn: impl Into<Value<String>>) -> Self {
        let arn = arn.into();
        let name = match arn.as_lit() {
            Some(text) => Value::lit(
                text.rsplit_once(":cluster/")
                    .map_or(text.as_str(), |(_, n)| n)
                    .to_owned(),
            ),
            None => fns::select(1, fns::split("/", arn.clone())),
        };
        Cluster {
            resource: None,
            associations: None,
            name,
            arn,
        }
    }

    /// Manage the capacity providers of a cluster made elsewhere (from [`Cluster::from_name`]
    /// or [`Cluster::from_arn`]): adds an `AWS::ECS::ClusterCapacityProviderAssociations`
    /// (`id`) listing `providers` and `default_strategy`, to which
    /// [`Cluster::add_capacity_provider`] (and so [`crate::ecs::Ec2Capacity`]) adds.
    ///
    /// The association sets the cluster's *whole* list of capacity providers and its default
    /// strategy (it calls `PutClusterCapacityProviders`, which replaces both): list every
    /// provider the cluster's other services use, or they lose theirs. That is why an
    /// imported cluster's providers are never touched without this call.
    /// For a cluster this app creates, this does nothing but add `providers` to its own
    /// association and set the strategy.
    pub fn manage_capacity_providers(
        mut self,
        stack: &mut Stack,
        id: &str,
        providers: Vec<Value<String>>,
        default_strategy: Vec<CapacityProviderStrategy>,
    ) -> Self {
        if self.associations.is_none() {
            self.associations = Some(stack.add(
                id,
                ecs::ClusterCapacityProviderAssociations::new(
                    self.name.clone(),
                    Vec::<cpa::CapacityProviderStrategy>::new(),
                ),
            ));
        }
        for p in providers {
            self.add_capacity_provider(stack, p);
        }
        self.set_default_capacity_provider_strategy(stack, default_strategy);
        self
    }

    /// The underlying `AWS::ECS::Cluster` (escape hatch); `None` for a cluster made elsewhere.
    pub fn resource(&self) -> Option<&Handle<ecs::Cluster>> {
        self.resource.as_ref()
    }

    /// The `AWS::ECS::ClusterCapacityProviderAssociations`: services that use capacity
    /// providers depend on it, so they are created after and deleted before it. `None` for a
    /// cluster made elsewhere whose providers this app does not manage.
    pub fn capacity_provider_associations(
        &self,
    ) -> Option<&Handle<ecs::ClusterCapacityProviderAssociations>> {
        self.associations.as_ref()
    }

    /// The cluster name (its `Ref` for a created cluster).
    pub fn name(&self) -> Value<String> {
        self.name.clone()
    }

    /// The cluster ARN.
    pub fn arn(&self) -> Value<String> {
        self.arn.clone()
    }

    /// Associate another capacity provider (an Auto Scaling group capacity provider's name
    /// or `Ref`) with the cluster. The EC2 capacity construct calls this; services using
    /// the provider must depend on [`Cluster::capacity_provider_associations`], which the
    /// service constructs do.
    ///
    /// A cluster made elsewhere must first be put under this app's management with
    /// [`Cluster::manage_capacity_providers`]; otherwise this reports an error at synth.
    pub fn add_capacity_provider(&self, stack: &mut Stack, name: impl Into<Value<String>>) {
        let name = name.into();
        let Some(associations) = &self.associations else {
            stack.report_error(
                super::rules::INVALID_INPUT,
                None,
                "a capacity provider cannot be associated with a cluster made elsewhere (Cluster::from_name or from_arn) whose capacity providers this app does not manage".to_owned(),
                "call Cluster::manage_capacity_providers first, listing every provider the cluster uses (the association replaces the whole list), or associate the provider where the cluster is managed and use it by name in a CapacityProviderStrategy",
            );
            return;
        };
        let Some(a) = stack.get_mut(associations) else {
            return;
        };
        match a.capacity_providers.items_mut() {
            Ok(list) => {
                let duplicate = name
                    .as_lit()
                    .is_some_and(|n| list.iter().any(|v| v.as_lit() == Some(n)));
                if !duplicate {
                    list.push(name);
                }
            }
            Err(e) => {
                let id = associations.logical_id().to_owned();
                stack.report_error(
                    super::rules::INVALID_INPUT,
                    Some(&id),
                    format!("cannot add a capacity provider to `{id}`: {e}"),
                    "leave CapacityProviders to the cluster construct",
                );
            }
        }
    }

    /// Replace the default capacity provider strategy.
    pub fn set_default_capacity_provider_strategy(
        &self,
        stack: &mut Stack,
        strategy: Vec<CapacityProviderStrategy>,
    ) {
        if let Some(a) = self.associations.as_ref().and_then(|h| stack.get_mut(h)) {
            let items: Vec<cpa::CapacityProviderStrategy> =
                strategy.iter().map(association_item).collect();
            a.default_capacity_provider_strategy = items.into();
        }
    }
}

fn association_item(s: &CapacityProviderStrategy) -> cpa::CapacityProviderStrategy {
    let mut item = cpa::CapacityProviderStrategy::new(s.capacity_provider.clone()).weight(s.weight);
    if s.base > 0 {
        item = item.base(s.base);
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{
        ContainerProps, Ec2Capacity, Ec2CapacityProps, FargateService, FargateServiceProps,
        Schedule, ScheduledTask, ScheduledTaskProps, ServiceNetworking, TaskDefinition,
    };
    use crate::model::stack::Parameter;
    use serde_json::json;

    fn fargate_task(stack: &mut Stack) -> TaskDefinition {
        crate::ecs::test_task(stack, "Task", ContainerProps::new("app", "busybox"))
    }

    /// Issue #10, 3: services and scheduled tasks run in a cluster this app did not create,
    /// named by a parameter; nothing about the cluster is created or changed.
    #[test]
    fn services_and_scheduled_tasks_run_in_an_imported_cluster() {
        let mut stack = Stack::new("Jobs");
        let name = stack.parameter("ClusterName", Parameter::string());
        let cluster = Cluster::from_name(name.to_ref());
        let task = fargate_task(&mut stack);
        let net = || {
            ServiceNetworking::new(
                "vpc-0123456789abcdef0",
                Value::lit(vec!["subnet-0123456789abcdef0".into()]),
            )
        };
        FargateService::new(
            &mut stack,
            "Web",
            FargateServiceProps::new(&cluster, &task, net()),
        );
        ScheduledTask::new(
            &mut stack,
            "Nightly",
            &cluster,
            &task,
            ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), net()),
        );
        let t = stack.to_template().unwrap();
        let r = t.body()["Resources"].as_object().unwrap();
        assert!(
            !r.values().any(|x| x["Type"]
                .as_str()
                .is_some_and(|ty| ty.starts_with("AWS::ECS::Cluster"))),
            "no cluster or association is created: {:?}",
            r.keys().collect::<Vec<_>>()
        );
        assert_eq!(
            r["Web"]["Properties"]["Cluster"],
            json!({"Ref": "ClusterName"})
        );
        assert!(r["Web"].get("DependsOn").is_none());
        assert_eq!(
            r["Nightly"]["Properties"]["Targets"][0]["Arn"],
            json!({"Fn::Sub": ["arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:cluster/${Name}",
                {"Name": {"Ref": "ClusterName"}}]})
        );
        assert!(crate::validate::validate(&t).diagnostics.is_empty());

        assert!(Cluster::from_arn(name.to_ref()).name().is_expr());
        let lit = Cluster::from_arn("arn:aws:ecs:eu-west-1:123456789012:cluster/shared");
        assert_eq!(lit.name().as_lit().map(String::as_str), Some("shared"));
    }

    /// An imported cluster's capacity providers are never replaced by accident: adding one
    /// is an error until the app takes them over with `manage_capacity_providers`.
    #[test]
    fn an_imported_cluster_gets_capacity_only_when_its_providers_are_managed() {
        let props = || {
            Ec2CapacityProps::new(
                "vpc-1",
                Value::lit(vec!["subnet-a".into(), "subnet-b".into()]),
            )
        };
        let mut stack = Stack::new("Capacity");
        let cluster = Cluster::from_name("shared");
        Ec2Capacity::new(&mut stack, "Asg", &cluster, props());
        let e = stack.to_template().unwrap_err();
        assert!(
            e.diagnostics
                .iter()
                .any(|d| d.rule == "FF1501" && d.message.contains("made elsewhere")),
            "{e}"
        );

        let mut stack = Stack::new("Capacity");
        let cluster = Cluster::from_name("shared").manage_capacity_providers(
            &mut stack,
            "SharedProviders",
            vec!["FARGATE".into()],
            vec![CapacityProviderStrategy::fargate(1)],
        );
        Ec2Capacity::new(&mut stack, "Asg", &cluster, props());
        let t = stack.to_template().unwrap();
        let a = &t.body()["Resources"]["SharedProviders"]["Properties"];
        assert_eq!(a["Cluster"], "shared");
        assert_eq!(a["CapacityProviders"][0], "FARGATE");
        assert_eq!(a["CapacityProviders"].as_array().unwrap().len(), 2);
        assert_eq!(
            a["DefaultCapacityProviderStrategy"],
            json!([{"CapacityProvider": "FARGATE", "Weight": 1}])
        );
    }

    #[test]
    fn defaults_enable_insights_and_fargate_providers() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        cluster.add_capacity_provider(&mut stack, "my-asg-provider");
        cluster.add_capacity_provider(&mut stack, "my-asg-provider");
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        assert_eq!(
            r["Cluster"]["Properties"]["ClusterSettings"],
            json!([{"Name": "containerInsights", "Value": "enabled"}])
        );
        let a = &r["ClusterCapacityProviders"];
        assert_eq!(a["Type"], "AWS::ECS::ClusterCapacityProviderAssociations");
        assert_eq!(a["Properties"]["Cluster"], json!({"Ref": "Cluster"}));
        assert_eq!(
            a["Properties"]["CapacityProviders"],
            json!(["FARGATE", "FARGATE_SPOT", "my-asg-provider"])
        );
        assert_eq!(
            a["Properties"]["DefaultCapacityProviderStrategy"],
            json!([{"CapacityProvider": "FARGATE", "Weight": 1}])
        );
        assert_eq!(
            cluster.resource().map(|h| h.logical_id().to_owned()),
            Some("Cluster".to_owned())
        );
    }

    /// Spot with an on-demand base as the cluster's default: the base is written when it is
    /// not 0 (0 is CloudFormation's default).
    #[test]
    fn a_spot_default_strategy_keeps_its_on_demand_base() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        cluster.set_default_capacity_provider_strategy(
            &mut stack,
            CapacityProviderStrategy::spot_with_on_demand_base(2),
        );
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["ClusterCapacityProviders"]["Properties"]["DefaultCapacityProviderStrategy"],
            json!([
                {"CapacityProvider": "FARGATE", "Weight": 1, "Base": 2},
                {"CapacityProvider": "FARGATE_SPOT", "Weight": 3}
            ])
        );
    }
}
