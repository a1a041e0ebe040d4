//! `Cluster`: an ECS cluster with Container Insights and its capacity providers.

use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
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
/// let t = stack.synth().unwrap();
/// let settings = &t.body()["Resources"]["Cluster"]["Properties"]["ClusterSettings"][0];
/// assert_eq!(settings["Value"], "enabled");
/// # let _ = cluster;
/// ```
#[derive(Clone, Debug)]
pub struct Cluster {
    resource: Handle<ecs::Cluster>,
    associations: Handle<ecs::ClusterCapacityProviderAssociations>,
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
            resource,
            associations,
        }
    }

    /// The underlying `AWS::ECS::Cluster` (escape hatch).
    pub fn resource(&self) -> &Handle<ecs::Cluster> {
        &self.resource
    }

    /// The `AWS::ECS::ClusterCapacityProviderAssociations`: services that use capacity
    /// providers depend on it, so they are created after and deleted before it.
    pub fn capacity_provider_associations(
        &self,
    ) -> &Handle<ecs::ClusterCapacityProviderAssociations> {
        &self.associations
    }

    /// The cluster name (its `Ref`).
    pub fn name(&self) -> Value<String> {
        self.resource.to_ref()
    }

    /// The cluster ARN.
    pub fn arn(&self) -> Value<String> {
        self.resource.attr_arn()
    }

    /// Associate another capacity provider (an Auto Scaling group capacity provider's name
    /// or `Ref`) with the cluster. The EC2 capacity construct calls this; services using
    /// the provider must depend on [`Cluster::capacity_provider_associations`], which the
    /// service constructs do.
    pub fn add_capacity_provider(&self, stack: &mut Stack, name: impl Into<Value<String>>) {
        let name = name.into();
        if let Some(a) = stack.get_mut(&self.associations) {
            let list = a
                .capacity_providers
                .get_or_insert_with(|| Value::lit(Vec::new()));
            if let Some(list) = list.as_lit_mut() {
                let duplicate = name
                    .as_lit()
                    .is_some_and(|n| list.iter().any(|v| v.as_lit() == Some(n)));
                if !duplicate {
                    list.push(name);
                }
            }
        }
    }

    /// Replace the default capacity provider strategy.
    pub fn set_default_capacity_provider_strategy(
        &self,
        stack: &mut Stack,
        strategy: Vec<CapacityProviderStrategy>,
    ) {
        if let Some(a) = stack.get_mut(&self.associations) {
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
    use serde_json::json;

    #[test]
    fn defaults_enable_insights_and_fargate_providers() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        cluster.add_capacity_provider(&mut stack, "my-asg-provider");
        cluster.add_capacity_provider(&mut stack, "my-asg-provider");
        let t = stack.synth().unwrap();
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
    }
}
