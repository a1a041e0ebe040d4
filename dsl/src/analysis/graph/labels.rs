//! The text of node and edge labels: what people write on the boxes and arrows. Only
//! literals of the template and the names of parameters and resources, never a
//! parameter's value.

use indexmap::{IndexMap, IndexSet};

use super::NodeKind;
use super::read::{Stack, clip, int, items, lit, short};
use super::rules::{Owner, Placement, is_sg_rule};
use crate::model::render::Json;

/// What a resource's label needs besides the resource.
pub(super) struct Cx<'s, 'a> {
    /// The stack.
    pub stack: &'s Stack<'a>,
    /// Where its resources are drawn.
    pub place: &'s Placement<'a>,
    /// The `min–max` task count of each service an auto scaling target scales.
    pub ranges: &'s IndexMap<&'a str, String>,
}

impl Cx<'_, '_> {
    /// The label of the node of resource `id`, drawn as `kind`: its logical id, then what
    /// it is.
    pub fn label(&self, id: &str, kind: NodeKind) -> String {
        let ty = self.stack.ty(id);
        let props = self.stack.props(id);
        let what = match kind {
            NodeKind::LoadBalancer => load_balancer(ty, props),
            NodeKind::Listener => listener_node(ty, props),
            NodeKind::TargetGroup => target_group(props),
            NodeKind::Service => service(ty, props, self.ranges.get(id)),
            NodeKind::Scaling => self.scaling(id),
            NodeKind::TaskDefinition => return task_definition(id, props),
            NodeKind::Repository => repository(ty, props),
            NodeKind::Secret if ty == "AWS::SSM::Parameter" => "SSM parameter".to_owned(),
            NodeKind::Secret => "Secrets Manager secret".to_owned(),
            NodeKind::Key => "KMS key".to_owned(),
            NodeKind::LogGroup => log_group(props),
            NodeKind::SecurityGroup if is_sg_rule(ty) => "security group rule".to_owned(),
            NodeKind::SecurityGroup => "security group".to_owned(),
            NodeKind::Cluster if ty == "AWS::ECS::Cluster" => "ECS cluster".to_owned(),
            NodeKind::Cluster => "capacity providers of a cluster".to_owned(),
            NodeKind::Capacity => self.capacity(id, ty, props),
            NodeKind::Schedule => schedule(ty, props),
            NodeKind::Internet | NodeKind::Import | NodeKind::Network | NodeKind::Other => {
                if ty.is_empty() {
                    "(no type)".to_owned()
                } else {
                    clip(ty)
                }
            }
        };
        format!("{}\n{what}", clip(id))
    }

    /// The resources folded into the node of `id` that have type `ty`.
    fn folded(&self, id: &str, ty: &str) -> impl Iterator<Item = &str> {
        self.place
            .owner
            .iter()
            .filter(move |(r, o)| **o == Owner::Res(id) && **r != id && self.stack.ty(r) == ty)
            .map(|(r, _)| *r)
    }

    /// An auto scaling target and its policies (`auto scaling · CPU 60%, requests
    /// 500/target`), or a policy drawn alone.
    fn scaling(&self, id: &str) -> String {
        let policy = "AWS::ApplicationAutoScaling::ScalingPolicy";
        let mut policies: IndexSet<String> = IndexSet::new();
        if self.stack.ty(id) == policy {
            policies.insert(scaling_policy(self.stack, id));
        }
        for p in self.folded(id, policy) {
            policies.insert(scaling_policy(self.stack, p));
        }
        let scheduled = items(self.stack.props(id).get("ScheduledActions")).count();
        if scheduled > 0 {
            policies.insert(plural(scheduled, "scheduled action", "scheduled actions"));
        }
        let all: Vec<&str> = policies.iter().map(String::as_str).collect();
        if all.is_empty() {
            "auto scaling".to_owned()
        } else {
            format!("auto scaling · {}", all.join(", "))
        }
    }

    /// An Auto Scaling group (`Auto Scaling group · 1–3 × t3.medium`, then the capacity
    /// providers folded into it) or a capacity provider drawn alone.
    fn capacity(&self, id: &str, ty: &str, props: &Json) -> String {
        if ty == "AWS::ECS::CapacityProvider" {
            return match props.get("ManagedInstancesProvider") {
                Some(m) => {
                    let spot = m.pointer("/InstanceLaunchTemplate/CapacityOptionType")
                        == Some(&Json::from("SPOT"));
                    if spot {
                        "ECS Managed Instances (Spot)".to_owned()
                    } else {
                        "ECS Managed Instances".to_owned()
                    }
                }
                None => "ECS capacity provider".to_owned(),
            };
        }
        let mut out = "Auto Scaling group".to_owned();
        if let (Some(min), Some(max)) = (short(props.get("MinSize")), short(props.get("MaxSize"))) {
            out.push_str(&format!(" · {min}–{max}"));
            if let Some(t) = self.instance_type(props) {
                out.push_str(&format!(" × {t}"));
            }
        }
        let providers: Vec<&str> = self.folded(id, "AWS::ECS::CapacityProvider").collect();
        if !providers.is_empty() {
            out.push_str(&format!(
                "\ncapacity provider {}",
                clip(&providers.join(", "))
            ));
        }
        out
    }

    /// The instance type of an Auto Scaling group's launch template or configuration.
    fn instance_type(&self, asg: &Json) -> Option<String> {
        let template = asg.get("LaunchTemplate").or_else(|| {
            asg.pointer("/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification")
        });
        if let Some(t) = template {
            let lt = ["LaunchTemplateId", "LaunchTemplateName"]
                .iter()
                .find_map(|k| self.stack.first_ref(t.get(*k)?))?;
            return short(
                self.stack
                    .props(lt)
                    .pointer("/LaunchTemplateData/InstanceType"),
            );
        }
        let lc = self.stack.first_ref(asg.get("LaunchConfigurationName")?)?;
        short(self.stack.props(lc).get("InstanceType"))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn load_balancer(ty: &str, props: &Json) -> String {
    let internal = lit(props, "Scheme") == Some("internal");
    let kind = if ty == "AWS::ElasticLoadBalancing::LoadBalancer" {
        "classic"
    } else {
        lit(props, "Type").unwrap_or("application")
    };
    let scheme = if internal { "internal " } else { "" };
    format!("{scheme}{} load balancer", clip(kind))
}

/// A listener's protocol and port: `HTTPS :443`.
pub(super) fn listener(props: &Json) -> String {
    match (short(props.get("Protocol")), short(props.get("Port"))) {
        (Some(proto), Some(port)) => format!("{proto} :{port}"),
        (Some(proto), None) => proto,
        (None, Some(port)) => format!(":{port}"),
        (None, None) => "listener".to_owned(),
    }
}

/// What a listener rule matches first: a path or host pattern.
pub(super) fn rule_condition(props: &Json) -> Option<String> {
    items(props.get("Conditions")).find_map(|c| {
        let values = c
            .pointer("/PathPatternConfig/Values")
            .or_else(|| c.pointer("/HostHeaderConfig/Values"))
            .or_else(|| c.get("Values"));
        items(values).find_map(|v| v.as_str().map(clip))
    })
}

/// The protocol and port of a listener rule's listener, then the rule's condition.
pub(super) fn listener_rule(stack: &Stack<'_>, props: &Json) -> String {
    let parent = props
        .get("ListenerArn")
        .and_then(|v| stack.first_ref(v))
        .map(|l| listener(stack.props(l)));
    let cond = rule_condition(props);
    match (parent, cond) {
        (Some(p), Some(c)) => format!("{p} {c}"),
        (Some(p), None) => p,
        (None, Some(c)) => c,
        (None, None) => "listener rule".to_owned(),
    }
}

/// A listener or listener rule drawn alone (its load balancer is in another template).
fn listener_node(ty: &str, props: &Json) -> String {
    if ty == "AWS::ElasticLoadBalancingV2::ListenerRule" {
        match rule_condition(props) {
            Some(c) => format!("listener rule {c}"),
            None => "listener rule".to_owned(),
        }
    } else {
        format!("listener {}", listener(props))
    }
}

fn target_group(props: &Json) -> String {
    match (short(props.get("Protocol")), short(props.get("Port"))) {
        (Some(proto), Some(port)) => format!("target group · {proto} :{port}"),
        _ => "target group".to_owned(),
    }
}

/// An ECS service: how many tasks, on what capacity.
fn service(ty: &str, props: &Json, range: Option<&String>) -> String {
    let express = ty == "AWS::ECS::ExpressGatewayService";
    let mut parts = vec![
        if express {
            "ECS Express service"
        } else {
            "ECS service"
        }
        .to_owned(),
    ];
    let express_range = || {
        let t = props.get("ScalingTarget")?;
        Some(format!(
            "{}–{}",
            short(t.get("MinTaskCount"))?,
            short(t.get("MaxTaskCount"))?
        ))
    };
    let count = if lit(props, "SchedulingStrategy") == Some("DAEMON") {
        Some("daemon".to_owned())
    } else if let Some(r) = range
        .cloned()
        .or_else(|| express.then(express_range).flatten())
    {
        Some(format!("{r} tasks"))
    } else {
        match props.get("DesiredCount") {
            None if !express => Some("1 task".to_owned()),
            None => None,
            Some(_) => match int(props, "DesiredCount") {
                Some(1) => Some("1 task".to_owned()),
                Some(n) => Some(format!("{n} tasks")),
                None => short(props.get("DesiredCount")).map(|d| format!("{d} tasks")),
            },
        }
    };
    parts.extend(count);
    parts.extend(launch(props));
    parts.join(" · ")
}

/// The capacity a service asks for: its launch type or capacity provider strategy.
fn launch(props: &Json) -> Option<String> {
    let name = |p: &str| match p {
        "FARGATE" => "Fargate".to_owned(),
        "FARGATE_SPOT" => "Fargate Spot".to_owned(),
        "EC2" => "EC2".to_owned(),
        "EXTERNAL" => "external".to_owned(),
        other => clip(other),
    };
    if let Some(t) = lit(props, "LaunchType") {
        return Some(name(t));
    }
    let names: Vec<String> = items(props.get("CapacityProviderStrategy"))
        .filter_map(|s| {
            let p = s.get("CapacityProvider")?;
            match p {
                Json::String(s) => Some(name(s)),
                // A capacity provider of the template, by its logical id.
                _ => p.get("Ref").and_then(Json::as_str).map(clip),
            }
        })
        .collect();
    (!names.is_empty()).then(|| names.join(" + "))
}

/// A target tracking or step scaling policy, in a few words.
fn scaling_policy(stack: &Stack<'_>, id: &str) -> String {
    let p = stack.props(id);
    if let Some(t) = p.get("TargetTrackingScalingPolicyConfiguration") {
        let v = short(t.get("TargetValue")).unwrap_or_else(|| "?".to_owned());
        let predefined = t
            .pointer("/PredefinedMetricSpecification/PredefinedMetricType")
            .and_then(Json::as_str);
        return match predefined {
            Some("ECSServiceAverageCPUUtilization") => format!("CPU {v}%"),
            Some("ECSServiceAverageMemoryUtilization") => format!("memory {v}%"),
            Some("ALBRequestCountPerTarget") => format!("requests {v}/target"),
            Some(other) => format!("{} {v}", clip(other)),
            None => match t
                .pointer("/CustomizedMetricSpecification/MetricName")
                .and_then(Json::as_str)
            {
                Some(m) => format!("{} {v}", clip(m)),
                None => format!("target tracking {v}"),
            },
        };
    }
    if p.get("StepScalingPolicyConfiguration").is_some() {
        let metric = stack
            .res
            .values()
            .filter(|r| r.ty == "AWS::CloudWatch::Alarm" && r.refs.contains(id))
            .find_map(|r| lit(r.props, "MetricName"));
        return match metric {
            Some(m) => format!("steps on {}", clip(m)),
            None => "step scaling".to_owned(),
        };
    }
    "scaling policy".to_owned()
}

/// A task definition: family (or logical id), size, containers.
fn task_definition(id: &str, props: &Json) -> String {
    let name = lit(props, "Family").unwrap_or(id);
    let mut second = vec!["task definition".to_owned()];
    if let Some(cpu) = props.get("Cpu") {
        second.extend(size(cpu, "vCPU"));
    }
    if let Some(memory) = props.get("Memory") {
        second.extend(size(memory, "GB"));
    }
    let mut out = format!("{}\n{}", clip(name), second.join(" · "));
    let names: Vec<&str> = items(props.get("ContainerDefinitions"))
        .filter_map(|c| lit(c, "Name"))
        .collect();
    let mut third = Vec::new();
    if !names.is_empty() {
        let shown: Vec<&str> = names.iter().take(6).copied().collect();
        let more = names.len().saturating_sub(shown.len());
        let mut list = format!("containers: {}", clip(&shown.join(", ")));
        if more > 0 {
            list.push_str(&format!(" +{more}"));
        }
        third.push(list);
    }
    if props.get("TaskRoleArn").is_some() {
        third.push("task role".to_owned());
    }
    if !third.is_empty() {
        out.push('\n');
        out.push_str(&third.join(" · "));
    }
    out
}

/// A task size: CPU units as vCPU (`512` → `0.5 vCPU`), MiB as GB when whole (`1024` →
/// `1 GB`, `512` → `512 MiB`); text as written (`1 vCPU`).
fn size(v: &Json, unit: &str) -> Option<String> {
    let n = match v {
        Json::Number(n) => n.as_u64(),
        Json::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    let Some(n) = n else {
        return short(Some(v));
    };
    Some(match unit {
        "vCPU" if n % 1024 == 0 => format!("{} vCPU", n / 1024),
        "vCPU" if n % 256 == 0 => {
            let quarters = n / 256;
            format!(
                "{}.{} vCPU",
                quarters / 4,
                ["0", "25", "5", "75"][(quarters % 4) as usize]
            )
        }
        "vCPU" => format!("{n} CPU units"),
        _ if n % 1024 == 0 => format!("{} GB", n / 1024),
        _ => format!("{n} MiB"),
    })
}

fn repository(ty: &str, props: &Json) -> String {
    match ty {
        "AWS::ECR::PublicRepository" => "ECR Public repository".to_owned(),
        "AWS::ECR::PullThroughCacheRule" => match lit(props, "EcrRepositoryPrefix") {
            Some(p) => format!("ECR pull-through cache {}/", clip(p)),
            None => "ECR pull-through cache".to_owned(),
        },
        _ => "ECR repository".to_owned(),
    }
}

fn log_group(props: &Json) -> String {
    match int(props, "RetentionInDays") {
        Some(d) => format!("log group · {d} days"),
        None => "log group".to_owned(),
    }
}

fn schedule(ty: &str, props: &Json) -> String {
    match lit(props, "ScheduleExpression") {
        Some(e) => format!("schedule {}", clip(e)),
        None if ty == "AWS::Events::Rule" => "event rule".to_owned(),
        None => "schedule".to_owned(),
    }
}

/// A security-group rule's protocol and ports: `tcp :8080`, `tcp :1024–65535`, `all`.
pub(super) fn ports(rule: &Json) -> String {
    let proto = match short(rule.get("IpProtocol")).as_deref() {
        Some("-1") | None => return "all".to_owned(),
        Some("6") => "tcp".to_owned(),
        Some("17") => "udp".to_owned(),
        Some("1") => "icmp".to_owned(),
        Some(p) => p.to_lowercase(),
    };
    let from = short(rule.get("FromPort"));
    let to = short(rule.get("ToPort"));
    match (from.as_deref(), to.as_deref()) {
        (Some("-1") | None, _) => proto,
        (Some(f), Some(t)) if f != t => format!("{proto} :{f}–{t}"),
        (Some(f), _) => format!("{proto} :{f}"),
    }
}

/// The stack's network node: what its VPC is made of (`1 VPC · 4 subnets · 1 NAT gateway`).
pub(super) fn network(stack: &Stack<'_>, place: &Placement<'_>) -> String {
    const COUNTED: [(&str, &str, &str); 5] = [
        ("AWS::EC2::VPC", "VPC", "VPCs"),
        ("AWS::EC2::Subnet", "subnet", "subnets"),
        ("AWS::EC2::NatGateway", "NAT gateway", "NAT gateways"),
        (
            "AWS::EC2::InternetGateway",
            "internet gateway",
            "internet gateways",
        ),
        ("AWS::EC2::VPCEndpoint", "VPC endpoint", "VPC endpoints"),
    ];
    let mine: Vec<&str> = place
        .owner
        .iter()
        .filter(|(_, o)| **o == Owner::Network)
        .map(|(r, _)| stack.ty(r))
        .collect();
    let parts: Vec<String> = COUNTED
        .iter()
        .filter_map(|(ty, one, many)| {
            let n = mine.iter().filter(|t| *t == ty).count();
            (n > 0).then(|| plural(n, one, many))
        })
        .collect();
    if parts.is_empty() {
        "Network\nVPC pieces".to_owned()
    } else {
        format!("Network\n{}", parts.join(" · "))
    }
}
