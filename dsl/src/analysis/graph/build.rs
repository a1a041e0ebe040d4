//! Putting the graph together: nodes for the placed resources, then the edges, one rule
//! family at a time, from the template's properties.

use std::collections::BTreeSet;

use indexmap::{IndexMap, IndexSet};

use super::labels::{self, Cx};
use super::read::{Import, MAX_DEPTH, Stack, items, short};
use super::rules::{Owner, Placement, is_sg_rule, place};
use super::{Edge, EdgeStyle, Graph, Node, NodeKind};
use crate::model::render::Json;

/// The id of the internet node.
const INTERNET: &str = "internet";

/// The graph being built.
struct Builder<'a> {
    stacks: Vec<Stack<'a>>,
    places: Vec<Placement<'a>>,
    /// What the stacks export, by import ([`Builder::exported`]).
    exports: IndexMap<Import, (String, Option<String>)>,
    /// What each service asks for itself: (stack, service node, its cluster nodes, the
    /// capacity providers or launch type it names).
    asks: Vec<(usize, String, Vec<String>, Vec<&'a Json>)>,
    nodes: IndexMap<String, Node>,
    edges: IndexMap<(String, String, EdgeStyle), BTreeSet<String>>,
}

/// Build the graph of `stacks` (see [`super::graph`]).
pub(super) fn build(stacks: &[(&str, &Json)]) -> Graph {
    let mut names = IndexSet::new();
    let stacks: Vec<Stack<'_>> = stacks
        .iter()
        .map(|&(name, body)| {
            let mut unique = name.to_owned();
            let mut n = 1;
            while !names.insert(unique.clone()) {
                n += 1;
                unique = format!("{name}-{n}");
            }
            Stack::read(unique, body)
        })
        .collect();
    let places = stacks.iter().map(place).collect();
    let mut b = Builder {
        stacks,
        places,
        exports: IndexMap::new(),
        asks: Vec::new(),
        nodes: IndexMap::new(),
        edges: IndexMap::new(),
    };
    b.exports = b.exported();
    for s in 0..b.stacks.len() {
        b.resource_nodes(s);
        b.traffic(s);
        b.services(s);
        b.containers(s);
        b.capacity(s);
        b.scaling(s);
        b.schedules(s);
        b.keys(s);
        b.security_groups(s);
    }
    b.service_capacity();
    b.imports();
    for s in 0..b.stacks.len() {
        b.others(s);
    }
    b.finish()
}

impl<'a> Builder<'a> {
    fn stack(&self, s: usize) -> &Stack<'a> {
        &self.stacks[s]
    }

    /// The id of a node of stack `s`.
    fn id(&self, s: usize, o: Owner<'_>) -> String {
        match o {
            Owner::Res(r) => format!("{}.{r}", self.stacks[s].name),
            Owner::Network => format!("{}:network", self.stacks[s].name),
        }
    }

    /// The id of the node resource `r` of stack `s` is drawn as or folded into.
    fn node_of(&self, s: usize, r: &str) -> Option<String> {
        self.places[s].owner(r).map(|o| self.id(s, o))
    }

    /// The nodes of the resources `v` refers to (in stack `s`).
    fn nodes_in(&self, s: usize, v: Option<&'a Json>) -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        self.stack(s)
            .refs(v)
            .iter()
            .filter_map(|r| self.node_of(s, r))
            .collect()
    }

    fn kind(&self, id: &str) -> Option<NodeKind> {
        self.nodes.get(id).map(|n| n.kind)
    }

    /// Add an edge (edges between the same nodes in the same style are one, their labels
    /// joined).
    fn edge(&mut self, from: &str, to: &str, style: EdgeStyle, label: Option<String>) {
        if from == to {
            return;
        }
        let labels = self
            .edges
            .entry((from.to_owned(), to.to_owned(), style))
            .or_default();
        labels.extend(label);
    }

    /// Add a node that stands for no resource (once).
    fn extra(&mut self, id: &str, stack: Option<&str>, kind: NodeKind, label: &str) -> String {
        self.nodes.entry(id.to_owned()).or_insert_with(|| Node {
            id: id.to_owned(),
            stack: stack.map(str::to_owned),
            kind,
            label: label.to_owned(),
            logical_ids: Vec::new(),
        });
        id.to_owned()
    }

    /// The nodes of stack `s`'s placed resources, with the logical ids folded into each.
    fn resource_nodes(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let place = &self.places[s];
        let ranges = scaled_ranges(stack);
        let cx = Cx {
            stack,
            place,
            ranges: &ranges,
        };
        let mut nodes: Vec<Node> = Vec::new();
        for (&r, &kind) in &place.drawn {
            nodes.push(Node {
                id: self.id(s, Owner::Res(r)),
                stack: Some(stack.name.clone()),
                kind,
                label: cx.label(r, kind),
                logical_ids: vec![r.to_owned()],
            });
        }
        if place.owner.values().any(|o| *o == Owner::Network) {
            nodes.push(Node {
                id: self.id(s, Owner::Network),
                stack: Some(stack.name.clone()),
                kind: NodeKind::Network,
                label: labels::network(stack, place),
                logical_ids: Vec::new(),
            });
        }
        let mut by_id: IndexMap<String, Node> =
            nodes.into_iter().map(|n| (n.id.clone(), n)).collect();
        for &r in stack.res.keys() {
            let Some(o) = place.owner(r) else { continue };
            if o == Owner::Res(r) {
                continue;
            }
            let holders: Vec<Owner<'_>> = match place.holders.get(r) {
                Some(h) if !h.is_empty() => h.iter().copied().collect(),
                _ => vec![o],
            };
            for h in holders {
                if let Some(n) = by_id.get_mut(&self.id(s, h)) {
                    n.logical_ids.push(r.to_owned());
                }
            }
        }
        self.nodes.extend(by_id);
    }

    /// Internet → internet-facing load balancers; load balancer → target groups through
    /// listeners and listener rules.
    fn traffic(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            match res.ty {
                "AWS::ElasticLoadBalancingV2::LoadBalancer"
                | "AWS::ElasticLoadBalancing::LoadBalancer" => {
                    let scheme = res.props.get("Scheme");
                    if scheme.is_none() || scheme == Some(&Json::from("internet-facing")) {
                        edges.push((INTERNET.to_owned(), node, None));
                    }
                }
                "AWS::ElasticLoadBalancingV2::Listener" => {
                    let label = labels::listener(res.props);
                    let actions = items(res.props.get("DefaultActions"));
                    for tg in self.forwarded(s, actions) {
                        edges.push((node.clone(), tg, Some(label.clone())));
                    }
                }
                "AWS::ElasticLoadBalancingV2::ListenerRule" => {
                    let label = labels::listener_rule(stack, res.props);
                    for tg in self.forwarded(s, items(res.props.get("Actions"))) {
                        edges.push((node.clone(), tg, Some(label.clone())));
                    }
                }
                _ => {}
            }
        }
        for (from, to, label) in edges {
            if from == INTERNET {
                self.extra(INTERNET, None, NodeKind::Internet, "Internet");
            }
            self.edge(&from, &to, EdgeStyle::Traffic, label);
        }
    }

    /// The nodes of the target groups listener actions forward to.
    fn forwarded(&self, s: usize, actions: impl Iterator<Item = &'a Json>) -> Vec<String> {
        let mut out = Vec::new();
        for a in actions {
            out.extend(self.nodes_in(s, a.get("TargetGroupArn")));
            for tg in items(a.pointer("/ForwardConfig/TargetGroups")) {
                out.extend(self.nodes_in(s, tg.get("TargetGroupArn")));
            }
        }
        out
    }

    /// Target group (or classic load balancer) → service; service → task definition and
    /// cluster.
    fn services(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            if !matches!(
                res.ty,
                "AWS::ECS::Service" | "AWS::ECS::ExpressGatewayService" | "AWS::ECS::TaskSet"
            ) {
                continue;
            }
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            for lb in items(res.props.get("LoadBalancers")) {
                let label = match (
                    short(lb.get("ContainerName")),
                    short(lb.get("ContainerPort")),
                ) {
                    (Some(c), Some(p)) => Some(format!("{c}:{p}")),
                    (Some(c), None) => Some(c),
                    (None, p) => p.map(|p| format!(":{p}")),
                };
                let from = self.nodes_in(s, lb.get("TargetGroupArn"));
                let classic = self.nodes_in(s, lb.get("LoadBalancerName"));
                for f in from.into_iter().chain(classic) {
                    edges.push((f, node.clone(), EdgeStyle::Traffic, label.clone()));
                }
            }
            for td in self.nodes_in(s, res.props.get("TaskDefinition")) {
                edges.push((node.clone(), td, EdgeStyle::Uses, None));
            }
            for c in self.nodes_in(s, res.props.get("Cluster")) {
                edges.push((node.clone(), c, EdgeStyle::Uses, None));
            }
        }
        for (from, to, style, label) in edges {
            self.edge(&from, &to, style, label);
        }
    }

    /// Repository → task definition (image), secret → task definition (reads), task
    /// definition → log group (logs), for each container of a task definition or Express
    /// service.
    fn containers(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            let containers: Vec<&Json> = match res.ty {
                "AWS::ECS::TaskDefinition" => {
                    items(res.props.get("ContainerDefinitions")).collect()
                }
                "AWS::ECS::ExpressGatewayService" => {
                    res.props.get("PrimaryContainer").into_iter().collect()
                }
                _ => continue,
            };
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            for c in containers {
                for from in self.nodes_in(s, c.get("Image")) {
                    edges.push((from, node.clone(), "image"));
                }
                let secrets = items(c.get("Secrets")).filter_map(|x| x.get("ValueFrom"));
                let credentials = c.pointer("/RepositoryCredentials/CredentialsParameter");
                for v in secrets.chain(credentials) {
                    for from in self.nodes_in(s, Some(v)) {
                        edges.push((from, node.clone(), "reads"));
                    }
                }
                let logs = c
                    .pointer("/LogConfiguration/Options/awslogs-group")
                    .or_else(|| c.pointer("/AwsLogsConfiguration/LogGroup"));
                for to in self.nodes_in(s, logs) {
                    edges.push((node.clone(), to, "logs"));
                }
            }
        }
        for (from, to, label) in edges {
            self.edge(&from, &to, EdgeStyle::Uses, Some(label.to_owned()));
        }
    }

    /// The id of the Fargate or Fargate Spot node of stack `stack`, for a capacity
    /// provider named `name`.
    fn fargate_id(stack: &str, name: &str) -> Option<(String, &'static str)> {
        match name {
            "FARGATE" => Some((format!("{stack}:fargate"), "Fargate")),
            "FARGATE_SPOT" => Some((format!("{stack}:fargate-spot"), "Fargate Spot")),
            _ => None,
        }
    }

    /// The node of a capacity provider named in a cluster or service of stack `s`:
    /// `FARGATE` and `FARGATE_SPOT` (one node each per stack, added when first named), or
    /// a capacity provider of the template.
    fn capacity_node(&mut self, s: usize, v: &'a Json) -> Option<String> {
        let stack = self.stacks[s].name.clone();
        match v {
            Json::String(name) => {
                let (id, label) = Self::fargate_id(&stack, name)?;
                Some(self.extra(&id, Some(&stack), NodeKind::Capacity, label))
            }
            _ => self.nodes_in(s, Some(v)).into_iter().next(),
        }
    }

    /// Cluster → capacity, from the cluster, its capacity provider associations and the
    /// capacity providers naming it. What services ask for themselves is kept for
    /// [`Self::service_capacity`], once every stack's clusters are drawn.
    fn capacity(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut clusters: Vec<(String, &'a Json, bool)> = Vec::new();
        let mut providers: Vec<(String, String)> = Vec::new();
        for (&r, res) in &stack.res {
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            match res.ty {
                "AWS::ECS::Cluster" | "AWS::ECS::ClusterCapacityProviderAssociations" => {
                    let defaults: Vec<&Json> =
                        items(res.props.get("DefaultCapacityProviderStrategy"))
                            .filter_map(|d| d.get("CapacityProvider"))
                            .collect();
                    for p in items(res.props.get("CapacityProviders")) {
                        clusters.push((node.clone(), p, defaults.contains(&p)));
                    }
                    for p in defaults {
                        clusters.push((node.clone(), p, true));
                    }
                }
                "AWS::ECS::CapacityProvider" => {
                    for c in self.nodes_in(s, res.props.get("ClusterName")) {
                        providers.push((c, node.clone()));
                    }
                }
                "AWS::ECS::Service" => {
                    let mut asked: Vec<&Json> = items(res.props.get("CapacityProviderStrategy"))
                        .filter_map(|d| d.get("CapacityProvider"))
                        .collect();
                    if let Some(t @ Json::String(_)) = res.props.get("LaunchType") {
                        asked.push(t);
                    }
                    let cluster = res.props.get("Cluster");
                    let mut of = self.nodes_in(s, cluster);
                    of.extend(cluster.map(|c| self.imported(s, c)).unwrap_or_default());
                    self.asks.push((s, node, of, asked));
                }
                _ => {}
            }
        }
        for (from, p, default) in clusters {
            if let Some(to) = self.capacity_node(s, p) {
                let label = default.then(|| "default".to_owned());
                self.edge(&from, &to, EdgeStyle::Uses, label);
            }
        }
        for (from, to) in providers {
            self.edge(&from, &to, EdgeStyle::Uses, None);
        }
    }

    /// Service → the capacity it asks for itself (launch type, capacity provider
    /// strategy), unless its cluster (in this stack or the one exporting it) already
    /// leads there.
    fn service_capacity(&mut self) {
        for (s, from, clusters, asked) in std::mem::take(&mut self.asks) {
            for p in asked {
                let implied = clusters.iter().any(|c| {
                    let to = match p {
                        Json::String(name) => self
                            .nodes
                            .get(c)
                            .and_then(|n| n.stack.as_deref())
                            .and_then(|stack| Self::fargate_id(stack, name))
                            .map(|(id, _)| id),
                        _ => self.nodes_in(s, Some(p)).into_iter().next(),
                    };
                    to.is_some_and(|to| self.edges.contains_key(&(c.clone(), to, EdgeStyle::Uses)))
                });
                if !implied && let Some(to) = self.capacity_node(s, p) {
                    self.edge(&from, &to, EdgeStyle::Uses, None);
                }
            }
        }
    }

    /// Auto scaling target → what it scales (`min–max`).
    fn scaling(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            if !matches!(
                res.ty,
                "AWS::ApplicationAutoScaling::ScalableTarget"
                    | "AWS::ApplicationAutoScaling::ScalingPolicy"
            ) || !self.places[s].drawn.contains_key(r)
            {
                continue;
            }
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            let Some(target) = scaled(stack, res.props) else {
                continue;
            };
            let Some(to) = self.node_of(s, target) else {
                continue;
            };
            edges.push((node, to, range(res.props)));
        }
        for (from, to, label) in edges {
            self.edge(&from, &to, EdgeStyle::Scales, label);
        }
    }

    /// EventBridge rule or schedule → the task definitions it runs.
    fn schedules(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            let targets: Vec<&Json> = match res.ty {
                "AWS::Events::Rule" => items(res.props.get("Targets")).collect(),
                "AWS::Scheduler::Schedule" => res.props.get("Target").into_iter().collect(),
                _ => continue,
            };
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            for t in targets {
                for td in self.nodes_in(s, t.pointer("/EcsParameters/TaskDefinitionArn")) {
                    edges.push((node.clone(), td));
                }
            }
        }
        for (from, to) in edges {
            self.edge(&from, &to, EdgeStyle::Uses, Some("runs".to_owned()));
        }
    }

    /// KMS key → what it encrypts: any resource naming the key (or an alias of it) under
    /// a property whose name says KMS (`KmsKeyId`, `KmsKey`, `KMSMasterKeyID`...).
    fn keys(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            let Some(node) = self.node_of(s, r) else {
                continue;
            };
            let mut found = Vec::new();
            kms_values(res.props, 0, &mut found);
            for v in found {
                for key in self.nodes_in(s, Some(v)) {
                    if self.kind(&key) == Some(NodeKind::Key) {
                        edges.push((key, node.clone()));
                    }
                }
            }
        }
        for (from, to) in edges {
            self.edge(&from, &to, EdgeStyle::Uses, Some("encrypts".to_owned()));
        }
    }

    /// Who may reach whom: one edge per security-group rule from the holders of the
    /// source (the internet for `0.0.0.0/0` and `::/0`) to the holders of the group.
    fn security_groups(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            match res.ty {
                "AWS::EC2::SecurityGroup" => {
                    for rule in items(res.props.get("SecurityGroupIngress")) {
                        edges.extend(self.reach(s, rule, Some(r), false));
                    }
                    for rule in items(res.props.get("SecurityGroupEgress")) {
                        edges.extend(self.reach(s, rule, Some(r), true));
                    }
                }
                "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
                    let group = ["GroupId", "GroupName"]
                        .iter()
                        .find_map(|k| stack.first_ref(res.props.get(*k)?))
                        .unwrap_or(r);
                    let egress = res.ty == "AWS::EC2::SecurityGroupEgress";
                    edges.extend(self.reach(s, res.props, Some(group), egress));
                }
                _ => {}
            }
        }
        for (from, to, label) in edges {
            if from == INTERNET {
                self.extra(INTERNET, None, NodeKind::Internet, "Internet");
            }
            self.edge(&from, &to, EdgeStyle::Reaches, Some(label));
        }
    }

    /// The edges of one security-group rule of `group` (a resource of stack `s`).
    fn reach(
        &self,
        s: usize,
        rule: &'a Json,
        group: Option<&str>,
        egress: bool,
    ) -> Vec<(String, String, String)> {
        let stack = &self.stacks[s];
        let place = &self.places[s];
        let here: Vec<String> = group
            .map(|g| place.holders_of(g))
            .unwrap_or_default()
            .into_iter()
            .map(|o| self.id(s, o))
            .collect();
        let other_key = if egress {
            "DestinationSecurityGroupId"
        } else {
            "SourceSecurityGroupId"
        };
        let mut there: Vec<String> = Vec::new();
        if let Some(v) = rule.get(other_key) {
            for g in stack.refs(v) {
                there.extend(place.holders_of(g).into_iter().map(|o| self.id(s, o)));
            }
            there.extend(self.imported(s, v));
        }
        let world = rule.get("CidrIp") == Some(&Json::from("0.0.0.0/0"))
            || rule.get("CidrIpv6") == Some(&Json::from("::/0"));
        if world && !egress {
            there.push(INTERNET.to_owned());
        }
        let label = labels::ports(rule);
        let mut out = Vec::new();
        for a in &there {
            for b in &here {
                let (from, to) = if egress { (b, a) } else { (a, b) };
                out.push((from.clone(), to.clone(), label.clone()));
            }
        }
        out
    }

    /// The nodes of the exporters of what `v` imports, when they are among the stacks.
    fn imported(&self, s: usize, v: &Json) -> Vec<String> {
        self.stacks[s]
            .imports(v)
            .iter()
            .filter_map(|i| self.exports.get(i).and_then(|(_, n)| n.clone()))
            .collect()
    }

    /// Every export and stack output the stacks give: (import, (label, node of the
    /// resource its value refers to)).
    fn exported(&self) -> IndexMap<Import, (String, Option<String>)> {
        let mut out = IndexMap::new();
        for (s, stack) in self.stacks.iter().enumerate() {
            for (name, value) in stack.exports() {
                let node = stack.first_ref(value).and_then(|r| self.node_of(s, r));
                let key = Import::Export {
                    name: name.clone(),
                    literal: true,
                };
                out.entry(key).or_insert((name, node));
            }
            for (output, o) in stack.outputs() {
                let value = o.get("Value");
                let node = value
                    .and_then(|v| stack.first_ref(v))
                    .and_then(|r| self.node_of(s, r));
                let key = Import::Output {
                    stack: stack.name.clone(),
                    output: output.to_owned(),
                };
                out.entry(key)
                    .or_insert((format!("{}.{output}", stack.name), node));
            }
        }
        out
    }

    /// Cross-stack references: the exporting resource → the importing one, labelled with
    /// the export name; an import from outside the stacks drawn comes from an import node.
    /// (Security groups and their rules are drawn by [`Self::security_groups`].)
    fn imports(&mut self) {
        let mut edges = Vec::new();
        for (s, stack) in self.stacks.iter().enumerate() {
            for (&r, res) in &stack.res {
                if res.ty == "AWS::EC2::SecurityGroup" || is_sg_rule(res.ty) {
                    continue;
                }
                let Some(node) = self.node_of(s, r) else {
                    continue;
                };
                for i in &res.imports {
                    edges.push((i.clone(), node.clone()));
                }
            }
        }
        for (import, to) in edges {
            let (label, from) = match self.exports.get(&import) {
                Some((label, Some(from))) => (label.clone(), from.clone()),
                _ => {
                    let (label, text) = match &import {
                        Import::Export { name, .. } => (name.clone(), format!("imported\n{name}")),
                        Import::Output { stack, output } => {
                            let name = format!("{stack}.{output}");
                            (name.clone(), format!("stack output\n{name}"))
                        }
                    };
                    let id = format!("import:{label}");
                    (label, self.extra(&id, None, NodeKind::Import, &text))
                }
            };
            self.edge(&from, &to, EdgeStyle::Reference, Some(label));
        }
    }

    /// Resources of kinds with no rule of their own: an edge to each drawn resource they
    /// refer to, and from each resource referring to them, when no edge joins the two yet.
    fn others(&mut self, s: usize) {
        let stack = &self.stacks[s];
        let place = &self.places[s];
        let mut edges = Vec::new();
        for (&r, res) in &stack.res {
            if res.ty == "AWS::EC2::SecurityGroup" || is_sg_rule(res.ty) {
                continue;
            }
            let Some(from) = place.owner(r) else { continue };
            if from == Owner::Network {
                continue;
            }
            let from_id = self.id(s, from);
            for &t in &res.refs {
                let Some(&kind) = place.drawn.get(t) else {
                    continue;
                };
                let to_id = self.id(s, Owner::Res(t));
                let other = kind == NodeKind::Other || self.kind(&from_id) == Some(NodeKind::Other);
                if other && kind != NodeKind::SecurityGroup {
                    edges.push((from_id.clone(), to_id));
                }
            }
        }
        for (from, to) in edges {
            let joined = self
                .edges
                .keys()
                .any(|(f, t, _)| (*f == from && *t == to) || (*f == to && *t == from));
            if !joined {
                self.edge(&from, &to, EdgeStyle::Uses, None);
            }
        }
    }

    /// Order the nodes along the journey, then the edges by their ends.
    fn finish(self) -> Graph {
        let stack_index = |n: &Node| {
            n.stack
                .as_ref()
                .and_then(|s| self.stacks.iter().position(|x| x.name == *s))
        };
        let mut nodes: Vec<Node> = self.nodes.values().cloned().collect();
        nodes.sort_by(|a, b| (a.kind, stack_index(a), &a.id).cmp(&(b.kind, stack_index(b), &b.id)));
        let position: IndexMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut edges: Vec<(usize, usize, Edge)> = self
            .edges
            .iter()
            .filter_map(|((from, to, style), labels)| {
                let (&f, &t) = (position.get(from.as_str())?, position.get(to.as_str())?);
                let label = (!labels.is_empty())
                    .then(|| labels.iter().cloned().collect::<Vec<_>>().join(", "));
                Some((
                    f,
                    t,
                    Edge {
                        from: from.clone(),
                        to: to.clone(),
                        label,
                        style: *style,
                    },
                ))
            })
            .collect();
        edges.sort_by_key(|e| (e.0, e.1, e.2.style));
        Graph {
            stacks: self.stacks.iter().map(|s| s.name.clone()).collect(),
            nodes,
            edges: edges.into_iter().map(|(_, _, e)| e).collect(),
        }
    }
}

/// The resource an auto scaling target or policy scales: the service its `ResourceId`
/// names, else the first resource it names that is not a cluster.
fn scaled<'a>(stack: &Stack<'a>, props: &'a Json) -> Option<&'a str> {
    let refs = stack.refs(props.get("ResourceId")?);
    let service = refs
        .iter()
        .find(|r| stack.ty(r) == "AWS::ECS::Service")
        .or_else(|| refs.iter().find(|r| stack.ty(r) != "AWS::ECS::Cluster"));
    service.copied()
}

/// An auto scaling target's `min–max`.
fn range(props: &Json) -> Option<String> {
    Some(format!(
        "{}–{}",
        short(props.get("MinCapacity"))?,
        short(props.get("MaxCapacity"))?
    ))
}

/// The `min–max` of every service an auto scaling target of `stack` scales.
fn scaled_ranges<'a>(stack: &Stack<'a>) -> IndexMap<&'a str, String> {
    let mut out = IndexMap::new();
    for res in stack.res.values() {
        if res.ty != "AWS::ApplicationAutoScaling::ScalableTarget" {
            continue;
        }
        if let (Some(service), Some(r)) = (scaled(stack, res.props), range(res.props)) {
            out.entry(service).or_insert(r);
        }
    }
    out
}

/// The values under properties whose names say KMS.
fn kms_values<'a>(v: &'a Json, depth: usize, out: &mut Vec<&'a Json>) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                if k.to_ascii_lowercase().contains("kms") {
                    out.push(x);
                } else {
                    kms_values(x, depth + 1, out);
                }
            }
        }
        Json::Array(a) => a.iter().for_each(|x| kms_values(x, depth + 1, out)),
        _ => {}
    }
}
