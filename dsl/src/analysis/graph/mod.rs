//! The stack as people draw it: traffic from the internet through the load balancer and
//! target group to the service and its tasks, the repository feeding the task definition,
//! the cluster and its capacity, scaling beside what it scales, who may reach whom, the
//! secrets and keys the tasks read, and the references between the stacks of an app
//! (`ferroform graph`).
//!
//! [`graph`] builds a [`Graph`] from template bodies by rules on the resource types, with
//! no AWS call; [`Graph::to_mermaid`] and [`Graph::to_dot`] write it, laid out left to
//! right along the journey. The same templates give the same bytes.
//!
//! ```
//! use ferroform::analysis::graph::{EdgeStyle, graph};
//! use serde_json::json;
//!
//! let web = json!({"Resources": {
//!     "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer"},
//!     "Http": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
//!         "LoadBalancerArn": {"Ref": "Lb"}, "Protocol": "HTTP", "Port": 80,
//!         "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]}},
//!     "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup"},
//!     "Svc": {"Type": "AWS::ECS::Service", "Properties": {
//!         "LoadBalancers": [{"TargetGroupArn": {"Ref": "Tg"},
//!                            "ContainerName": "web", "ContainerPort": 8080}]}}}});
//! let g = graph(&[("Web", &web)]);
//! let traffic: Vec<_> = g.edges().iter()
//!     .filter(|e| e.style == EdgeStyle::Traffic)
//!     .map(|e| (e.from.as_str(), e.to.as_str(), e.label.as_deref()))
//!     .collect();
//! assert_eq!(traffic, [
//!     ("internet", "Web.Lb", None),
//!     ("Web.Lb", "Web.Tg", Some("HTTP :80")),
//!     ("Web.Tg", "Web.Svc", Some("web:8080")),
//! ]);
//! assert!(g.to_mermaid().starts_with("flowchart LR\n"));
//! ```
//!
//! # What is drawn
//!
//! Every resource is drawn as a node, folded into another resource's node (listed in its
//! [`Node::logical_ids`]), or, for the few types in [`NOT_DRAWN`], left out. References are
//! followed by logical id within a template (`Ref`, `Fn::GetAtt`, `Fn::Sub`), and between
//! templates through `Fn::ImportValue` of export names and `Fn::GetStackOutput`.
//!
//! Drawn, by [`NodeKind`]:
//! - load balancers (`AWS::ElasticLoadBalancingV2::LoadBalancer`, classic
//!   `AWS::ElasticLoadBalancing::LoadBalancer`), with an edge from the internet node when
//!   internet-facing; target groups; ECS services (`AWS::ECS::Service`,
//!   `AWS::ECS::ExpressGatewayService`); task definitions; ECR repositories (also public
//!   repositories and pull-through cache rules); clusters; Auto Scaling groups and ECS
//!   capacity providers without one in the template (capacity), and one Fargate and one
//!   Fargate Spot node per stack when named; auto scaling targets; Secrets Manager secrets
//!   and SSM parameters; KMS keys; log groups; EventBridge rules and schedules.
//! - security groups that no drawn resource holds; listeners and listener rules whose
//!   load balancer is not in the template; one network node per stack for the VPC's
//!   pieces; an import node per value imported from outside the stacks drawn.
//! - any other type as an [`NodeKind::Other`] box showing the type, joined to the drawn
//!   resources it refers to or that refer to it.
//!
//! Folded:
//! - listeners, listener rules and listener certificates into their load balancer (their
//!   protocol and port label the edge to each target group they forward to); task sets
//!   into their service; capacity provider associations into their cluster; a capacity
//!   provider into its Auto Scaling group; Auto Scaling hooks, policies, scheduled actions
//!   and warm pools into their group; Application Auto Scaling policies into their target
//!   (summarised in its label); alarms into what they watch or act on.
//! - IAM roles, instance profiles, launch templates and configurations, certificates and
//!   Cloud Map services into the resource referring to them closest to the tasks (a task
//!   definition first, then a service, an instance profile, a launch template, an Auto
//!   Scaling group...); IAM policies into their roles; KMS aliases into their key;
//!   secret attachments, rotation schedules and policies into their secret; log streams,
//!   metric and subscription filters into their log group; Lambda permissions, versions,
//!   aliases and event source mappings into their function; bucket, queue and topic
//!   policies and topic subscriptions into what they apply to; web ACL associations and
//!   alias records into their resource; database subnet, parameter and option groups into
//!   their database; EFS mount targets and access points into their file system; volume
//!   and network interface attachments into their instance; API Gateway resources,
//!   methods, routes, integrations, stages and deployments into their API.
//! - security groups into every resource holding them (a load balancer's
//!   `SecurityGroups`, a service's network configuration, a launch template's group ids,
//!   any other resource naming the group); their rules draw the [`EdgeStyle::Reaches`]
//!   edges (`tcp :8080`), from the internet node for `0.0.0.0/0` and `::/0`.
//! - VPCs, subnets, route tables, routes, gateways, NAT gateways, Elastic IPs, endpoints,
//!   network ACLs and their associations into the stack's network node (counted in its
//!   label).
//!
//! Labels hold logical ids, resource types and literal property values (protocols, ports,
//! sizes, counts); a value given by a parameter is shown as `${Name}`, never the
//! parameter's value. Templates of any shape are read without panicking: what is missing
//! or malformed is not drawn, and walks stop 64 levels deep.

mod build;
mod labels;
mod read;
mod render;
mod rules;
#[cfg(test)]
mod tests;

use crate::model::render::Json;

/// Resource types left out of the graph: CloudFormation's own bookkeeping, which no one
/// draws.
///
/// ```
/// use ferroform::analysis::graph::{NOT_DRAWN, graph};
/// use serde_json::json;
///
/// assert!(NOT_DRAWN.contains(&"AWS::CDK::Metadata"));
/// let t = json!({"Resources": {"CDKMetadata": {"Type": "AWS::CDK::Metadata"}}});
/// assert!(graph(&[("S", &t)]).nodes().is_empty());
/// ```
pub const NOT_DRAWN: &[&str] = &[
    "AWS::CDK::Metadata",
    "AWS::CloudFormation::WaitCondition",
    "AWS::CloudFormation::WaitConditionHandle",
];

/// The drawing of one or more stacks: nodes in journey order, edges between them.
///
/// ```
/// use ferroform::analysis::graph::graph;
/// use serde_json::json;
///
/// let t = json!({"Resources": {"Repo": {"Type": "AWS::ECR::Repository"}}});
/// let g = graph(&[("Images", &t)]);
/// assert_eq!(g.nodes()[0].id, "Images.Repo");
/// assert!(g.edges().is_empty());
/// assert_eq!(g, graph(&[("Images", &t)]));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Graph {
    /// The stack names, in the order given (made unique).
    stacks: Vec<String>,
    nodes: Vec<Node>,
    edges: Vec<Edge>,
}

/// A box of the drawing: one resource, with the resources folded into it, or a node that
/// stands for no resource (the internet, Fargate capacity, a stack's network, an import).
///
/// ```
/// use ferroform::analysis::graph::{NodeKind, graph};
/// use serde_json::json;
///
/// let t = json!({"Resources": {
///     "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
///         "Cpu": "512", "Memory": "1024", "ExecutionRoleArn": {"Fn::GetAtt": ["Exec", "Arn"]},
///         "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}},
///     "Exec": {"Type": "AWS::IAM::Role"}}});
/// let g = graph(&[("Web", &t)]);
/// let task = &g.nodes()[0];
/// assert_eq!(task.id, "Web.Task");
/// assert_eq!(task.stack.as_deref(), Some("Web"));
/// assert_eq!(task.kind, NodeKind::TaskDefinition);
/// assert_eq!(task.label, "Task\ntask definition · 0.5 vCPU · 1 GB\ncontainers: web");
/// assert_eq!(task.logical_ids, ["Task", "Exec"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Stable id: `<stack>.<LogicalId>` for a resource; `internet`, `<stack>:fargate`,
    /// `<stack>:fargate-spot`, `<stack>:network` and `import:<name>` for the others.
    pub id: String,
    /// The stack the node belongs to (none for the internet and imports).
    pub stack: Option<String>,
    /// What it is.
    pub kind: NodeKind,
    /// The text in the box: the logical id, then what it is (`Web\nECS service · 2–10
    /// tasks · Fargate`); lines separated by `\n`.
    pub label: String,
    /// The resources drawn as this node: its own first, then those folded into it in
    /// template order.
    pub logical_ids: Vec<String>,
}

/// What a node stands for; nodes are ordered by kind along the journey, in the order of
/// the variants.
///
/// ```
/// use ferroform::analysis::graph::NodeKind;
/// assert!(NodeKind::Internet < NodeKind::LoadBalancer);
/// assert!(NodeKind::Service < NodeKind::TaskDefinition);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum NodeKind {
    /// The internet, in front of internet-facing load balancers and open security groups.
    Internet,
    /// A value imported from a stack that is not drawn (`imported\n<export name>`).
    Import,
    /// An EventBridge rule or EventBridge Scheduler schedule (it runs tasks).
    Schedule,
    /// A load balancer (application, network, gateway or classic).
    LoadBalancer,
    /// A listener or listener rule whose load balancer is not in the template.
    Listener,
    /// A target group.
    TargetGroup,
    /// An ECS service.
    Service,
    /// An Application Auto Scaling target, with its policies.
    Scaling,
    /// An ECS task definition.
    TaskDefinition,
    /// An ECR repository.
    Repository,
    /// A Secrets Manager secret or an SSM parameter.
    Secret,
    /// A KMS key.
    Key,
    /// A CloudWatch Logs log group.
    LogGroup,
    /// A security group no drawn resource holds, or a rule of a group not in the template.
    SecurityGroup,
    /// An ECS cluster.
    Cluster,
    /// Capacity: Fargate, Fargate Spot, an Auto Scaling group, a capacity provider.
    Capacity,
    /// A stack's network: its VPC, subnets, routes, gateways.
    Network,
    /// Any other resource.
    Other,
}

/// An arrow of the drawing.
///
/// ```
/// use ferroform::analysis::graph::{EdgeStyle, graph};
/// use serde_json::json;
///
/// let t = json!({"Resources": {
///     "Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [
///         {"Name": "app", "Image": {"Fn::Sub": "${Repo.RepositoryUri}:1"}}]}},
///     "Repo": {"Type": "AWS::ECR::Repository"}}});
/// let g = graph(&[("S", &t)]);
/// let e = &g.edges()[0];
/// assert_eq!((e.from.as_str(), e.to.as_str()), ("S.Repo", "S.Task"));
/// assert_eq!((e.label.as_deref(), e.style), (Some("image"), EdgeStyle::Uses));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The id of the node it starts from.
    pub from: String,
    /// The id of the node it points to.
    pub to: String,
    /// What it says (`HTTPS :443`, `web:8080`, `tcp :8080`, `reads`...); labels of
    /// equal edges are joined with `, `.
    pub label: Option<String>,
    /// How it is drawn.
    pub style: EdgeStyle,
}

/// What an edge means, and how it is drawn.
///
/// ```
/// use ferroform::analysis::graph::EdgeStyle;
/// assert_ne!(EdgeStyle::Traffic, EdgeStyle::Reaches);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EdgeStyle {
    /// Requests: internet → load balancer → target group → service.
    Traffic,
    /// One resource uses another: service → task definition and cluster, repository →
    /// task definition (`image`), secret → task definition (`reads`), task definition →
    /// log group (`logs`), key → what it `encrypts`, cluster → capacity, rule → task
    /// definition (`runs`).
    Uses,
    /// A security group rule lets one side reach the other (`tcp :8080`).
    Reaches,
    /// An auto scaling target scales a service (`2–10`).
    Scales,
    /// A value exported by one stack and imported by another (the export name).
    Reference,
}

/// The drawing of `stacks`, each a stack name and its template body (several stacks of an
/// app are drawn together, with the references between them).
///
/// ```
/// use ferroform::analysis::graph::{EdgeStyle, NodeKind, graph};
/// use serde_json::json;
///
/// let platform = json!({
///     "Resources": {"Cluster": {"Type": "AWS::ECS::Cluster"}},
///     "Outputs": {"Cluster": {"Value": {"Ref": "Cluster"}, "Export": {"Name": "platform-cluster"}}}});
/// let service = json!({"Resources": {"Svc": {"Type": "AWS::ECS::Service",
///     "Properties": {"Cluster": {"Fn::ImportValue": "platform-cluster"}, "DesiredCount": 2}}}});
/// let g = graph(&[("Platform", &platform), ("Web", &service)]);
/// let e = &g.edges()[0];
/// assert_eq!((e.from.as_str(), e.to.as_str()), ("Platform.Cluster", "Web.Svc"));
/// assert_eq!((e.style, e.label.as_deref()), (EdgeStyle::Reference, Some("platform-cluster")));
/// assert_eq!(g.nodes()[0].label, "Svc\nECS service · 2 tasks");
/// assert_eq!(g.nodes()[1].kind, NodeKind::Cluster);
/// ```
pub fn graph(stacks: &[(&str, &Json)]) -> Graph {
    build::build(stacks)
}

impl Graph {
    /// The nodes, along the journey: by [`NodeKind`], then by stack (in the order given),
    /// then by id.
    ///
    /// ```
    /// use ferroform::analysis::graph::graph;
    /// use serde_json::json;
    ///
    /// let t = json!({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"},
    ///                              "Cluster": {"Type": "AWS::ECS::Cluster"}}});
    /// let ids: Vec<_> = graph(&[("S", &t)]).nodes().iter().map(|n| n.id.clone()).collect();
    /// assert_eq!(ids, ["S.Logs", "S.Cluster"]);
    /// ```
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The edges, ordered by the positions of their ends in [`Graph::nodes`].
    ///
    /// ```
    /// use ferroform::analysis::graph::graph;
    /// use serde_json::json;
    ///
    /// let t = json!({"Resources": {"Cluster": {"Type": "AWS::ECS::Cluster"},
    ///     "Svc": {"Type": "AWS::ECS::Service", "Properties": {"Cluster": {"Ref": "Cluster"}}}}});
    /// let g = graph(&[("S", &t)]);
    /// let e = &g.edges()[0];
    /// assert_eq!((e.from.as_str(), e.to.as_str()), ("S.Svc", "S.Cluster"));
    /// ```
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The graph as a Mermaid flowchart (`flowchart LR`): a subgraph per stack, node
    /// shapes and colours by kind, edge styles by meaning. Node ids are `n0`, `n1`... in
    /// node order; labels are quoted, with `"`, `<`, `>`, `&`, `#` written as entity codes.
    ///
    /// ```
    /// use ferroform::analysis::graph::graph;
    /// use serde_json::json;
    ///
    /// let t = json!({"Resources": {"Repo": {"Type": "AWS::ECR::Repository"}}});
    /// let text = graph(&[("Images", &t)]).to_mermaid();
    /// assert!(text.contains("  subgraph s1[\"Images\"]\n"));
    /// assert!(text.contains("    n0[(\"Repo<br/>ECR repository\")]\n"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        render::mermaid(self)
    }

    /// The graph as Graphviz DOT (`rankdir=LR`): a `cluster_` subgraph per stack, node
    /// shapes and colours by kind, fixed fonts, so that `dot -Tsvg` draws the same picture
    /// every time.
    ///
    /// ```
    /// use ferroform::analysis::graph::graph;
    /// use serde_json::json;
    ///
    /// let t = json!({"Resources": {"Repo": {"Type": "AWS::ECR::Repository"}}});
    /// let text = graph(&[("Images", &t)]).to_dot();
    /// assert!(text.starts_with("digraph ferroform {\n"));
    /// assert!(text.contains("n0 [label=\"Repo\\nECR repository\", shape=cylinder"));
    /// ```
    pub fn to_dot(&self) -> String {
        render::dot(self)
    }
}
