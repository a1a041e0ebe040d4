//! How each resource type is priced. One function per priced type; the types that cost
//! nothing by themselves ([`FREE`]) and those priced by use ([`BY_USE`]) are tables, and
//! every other type is listed as not priced.

use super::prices::{PriceTable, Region};
use super::{Estimate, Group, Line, Monthly, Unpriced};
use crate::model::render::{Json, JsonMap};
use crate::validate::refs::referenced_ids;
use crate::validate::secrets::is_no_echo;

/// Types that cost nothing by themselves (their cost, if any, is counted where it arises:
/// a task definition's in the service that runs it, a launch template's in its Auto Scaling
/// group). Source: the AWS pricing pages of each service (no charge for IAM, VPCs and their
/// routing, security groups, ECS clusters and task definitions, listeners and target groups,
/// Application Auto Scaling, SSM standard parameters, KMS aliases, CloudFormation resources
/// of the `AWS::` namespaces).
const FREE: &[&str] = &[
    "AWS::ApplicationAutoScaling::ScalableTarget",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::AutoScaling::LaunchConfiguration",
    "AWS::AutoScaling::LifecycleHook",
    "AWS::AutoScaling::ScalingPolicy",
    "AWS::AutoScaling::ScheduledAction",
    "AWS::AutoScaling::WarmPool",
    "AWS::CertificateManager::Certificate",
    "AWS::CloudFormation::CustomResource",
    "AWS::CloudFormation::WaitCondition",
    "AWS::CloudFormation::WaitConditionHandle",
    "AWS::EC2::DHCPOptions",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::Route",
    "AWS::EC2::RouteTable",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC",
    "AWS::EC2::VPCCidrBlock",
    "AWS::EC2::VPCDHCPOptionsAssociation",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::ECR::PullThroughCacheRule",
    "AWS::ECR::RegistryPolicy",
    "AWS::ECR::RepositoryCreationTemplate",
    "AWS::ECS::CapacityProvider",
    "AWS::ECS::Cluster",
    "AWS::ECS::ClusterCapacityProviderAssociations",
    "AWS::ECS::TaskDefinition",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerCertificate",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::Events::Rule",
    "AWS::KMS::Alias",
    "AWS::Lambda::Permission",
    "AWS::Logs::ResourcePolicy",
    "AWS::Logs::SubscriptionFilter",
    "AWS::SSM::Parameter",
    "AWS::SecretsManager::SecretTargetAttachment",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::SQS::QueuePolicy",
    "AWS::S3::BucketPolicy",
];

/// Types priced by use (requests, data, duration): listed as not priced, with the reason.
const BY_USE: &[(&str, &str)] = &[
    ("AWS::ApiGateway::", "requests"),
    ("AWS::ApiGatewayV2::", "requests"),
    ("AWS::DynamoDB::", "requests and storage"),
    ("AWS::Events::EventBus", "events"),
    ("AWS::Lambda::", "requests and duration"),
    ("AWS::S3::Bucket", "storage and requests"),
    ("AWS::SNS::Topic", "messages"),
    ("AWS::SQS::Queue", "requests"),
    ("AWS::Scheduler::", "invocations"),
    (
        "AWS::ServiceDiscovery::",
        "registered instances and queries",
    ),
    ("AWS::StepFunctions::", "state transitions"),
];

/// A resource priced at one amount whatever its properties: a price of the table (by the
/// hour or by the month) times a quantity (1, or an assumption of the table).
struct Flat {
    types: &'static [&'static str],
    group: Group,
    kind: &'static str,
    /// The price key.
    price: &'static str,
    /// Whether the price is per hour (else per month).
    hourly: bool,
    /// The assumption giving the quantity (`None`: one).
    quantity: Option<&'static str>,
    /// How it is priced; `{}` is replaced by the quantity.
    detail: &'static str,
}

/// The resources priced flat (one home for their prices and wording).
const FLAT: &[Flat] = &[
    Flat {
        types: &["AWS::EC2::EIP"],
        group: Group::Network,
        kind: "public IPv4 address",
        price: "public_ipv4_hour",
        hourly: true,
        quantity: None,
        detail: "an Elastic IP address",
    },
    Flat {
        types: &["AWS::Logs::LogGroup"],
        group: Group::Logs,
        kind: "log group",
        price: "logs_ingest_gb",
        hourly: false,
        quantity: Some("logs_gb_per_log_group_month"),
        detail: "{} GB ingested a month (assumed)",
    },
    Flat {
        types: &["AWS::ECR::Repository"],
        group: Group::Storage,
        kind: "ECR repository",
        price: "ecr_storage_gb_month",
        hourly: false,
        quantity: Some("ecr_gb_per_repository"),
        detail: "{} GB of images (assumed)",
    },
    Flat {
        types: &["AWS::SecretsManager::Secret"],
        group: Group::Other,
        kind: "secret",
        price: "secret_month",
        hourly: false,
        quantity: None,
        detail: "one secret",
    },
    Flat {
        types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
        group: Group::Other,
        kind: "KMS key",
        price: "kms_key_month",
        hourly: false,
        quantity: None,
        detail: "one customer managed key",
    },
    Flat {
        types: &["AWS::CloudWatch::Alarm"],
        group: Group::Other,
        kind: "CloudWatch alarm",
        price: "alarm_month",
        hourly: false,
        quantity: None,
        detail: "one standard-resolution alarm",
    },
];

/// What the rules read, and the assumptions they make.
pub(super) struct Cx<'a> {
    resources: &'a JsonMap,
    parameters: &'a JsonMap,
    mappings: &'a JsonMap,
    table: &'a PriceTable,
    prices: &'a Region,
    hours: f64,
    assumptions: Vec<String>,
}

/// A count in the three columns.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Count {
    min: f64,
    typical: f64,
    max: f64,
}

impl Count {
    fn flat(x: f64) -> Count {
        Count {
            min: x,
            typical: x,
            max: x,
        }
    }

    /// The monthly cost at each count: `cost` of the minimum, typical and maximum counts.
    fn monthly(self, cost: impl Fn(f64) -> f64) -> Monthly {
        Monthly {
            minimum: cost(self.min),
            typical: cost(self.typical),
            maximum: cost(self.max),
        }
    }

    /// `2`, or `2–10 (typical 4)`.
    fn describe(self, unit: &str) -> String {
        let n = |x: f64| trim(x);
        let plural = |x: f64| if x == 1.0 { "" } else { "s" };
        if self.min == self.max {
            format!("{} {unit}{}", n(self.min), plural(self.min))
        } else {
            format!(
                "{}–{} {unit}s (typical {})",
                n(self.min),
                n(self.max),
                n(self.typical)
            )
        }
    }
}

/// A number as written by people: `2`, `0.25`.
pub(super) fn trim(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// Where a service's tasks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Provider {
    Fargate,
    FargateSpot,
    Ec2,
    ManagedInstances,
}

/// A capacity provider strategy: (provider, base, weight).
type Strategy = Vec<(Provider, f64, f64)>;

/// The share of `n` tasks each provider of `strategy` runs: the base first, the rest by
/// weight (ECS's placement by capacity provider strategy, as an average).
fn shares(strategy: &Strategy, n: f64) -> [f64; 4] {
    let mut out = [0.0; 4];
    let mut left = n;
    for (p, base, _) in strategy {
        let take = base.min(left).max(0.0);
        out[*p as usize] += take;
        left -= take;
    }
    let total: f64 = strategy.iter().map(|(_, _, w)| w.max(0.0)).sum();
    if total > 0.0 {
        for (p, _, w) in strategy {
            out[*p as usize] += left * w.max(0.0) / total;
        }
    } else if let Some((p, _, _)) = strategy.first() {
        out[*p as usize] += left;
    }
    out
}

impl<'a> Cx<'a> {
    pub(super) fn new(
        body: &'a Json,
        table: &'a PriceTable,
        prices: &'a Region,
        empty: &'a JsonMap,
    ) -> Cx<'a> {
        let section = |name: &str| body.get(name).and_then(Json::as_object).unwrap_or(empty);
        Cx {
            resources: section("Resources"),
            parameters: section("Parameters"),
            mappings: section("Mappings"),
            table,
            prices,
            hours: table.hours_per_month,
            assumptions: Vec::new(),
        }
    }

    /// State an assumption (once).
    pub(super) fn assume(&mut self, text: String) {
        if !self.assumptions.contains(&text) {
            self.assumptions.push(text);
        }
    }

    pub(super) fn into_assumptions(self) -> Vec<String> {
        self.assumptions
    }

    /// State the table's assumption `key` and give its value.
    fn assumed(&mut self, key: &str) -> f64 {
        if let Some(a) = self.table.assumptions.get(key) {
            let text = a.what.clone();
            self.assume(text);
        }
        self.table.assumed(key)
    }

    fn price_of(&self, key: &str) -> f64 {
        self.prices.prices.get(key).copied().unwrap_or(0.0)
    }

    /// The resource a value refers to (`Ref`, `Fn::GetAtt`, `Fn::Sub` of one name), with
    /// its logical ID.
    fn target(&self, v: &'a Json) -> Option<(&'a str, &'a Json)> {
        let mut ids = Vec::new();
        referenced_ids(v, &mut ids);
        let [id] = ids[..] else { return None };
        self.resources
            .get_key_value(id)
            .map(|(k, r)| (k.as_str(), r))
    }

    /// A value as a literal: itself, a parameter's default (stated), a mapping's entry
    /// whose keys are known. `what` names it for the assumption and the error.
    fn literal(&mut self, v: &'a Json, what: &str) -> Result<&'a Json, String> {
        match v {
            Json::String(_) | Json::Number(_) | Json::Bool(_) => Ok(v),
            Json::Array(_) => Ok(v),
            Json::Object(m) => {
                if let Some(Json::String(name)) = m.get("Ref")
                    && m.len() == 1
                {
                    return self.parameter_default(name, what);
                }
                if let Some(Json::Array(args)) = m.get("Fn::FindInMap")
                    && m.len() == 1
                    && args.len() == 3
                {
                    let mut keys = Vec::new();
                    for a in args {
                        match self.literal(a, what)? {
                            Json::String(s) => keys.push(s.as_str()),
                            _ => {
                                return Err(format!(
                                    "{what} is a mapping with a key that is not text"
                                ));
                            }
                        }
                    }
                    return self
                        .mappings
                        .get(keys[0])
                        .and_then(|m| m.get(keys[1]))
                        .and_then(|m| m.get(keys[2]))
                        .ok_or_else(|| format!("{what} is a mapping entry the template lacks"));
                }
                let f = m.keys().next().map_or("an empty object", String::as_str);
                Err(format!(
                    "{what} is an expression ({f}) known only at deploy time"
                ))
            }
            Json::Null => Err(format!("{what} is null")),
        }
    }

    fn parameter_default(&mut self, name: &str, what: &str) -> Result<&'a Json, String> {
        let Some(p) = self.parameters.get(name) else {
            return Err(format!(
                "{what} comes from `{name}`, known only at deploy time"
            ));
        };
        if is_no_echo(p) {
            return Err(format!("{what} comes from NoEcho parameter `{name}`"));
        }
        let Some(d) = p.get("Default") else {
            return Err(format!(
                "{what} comes from parameter `{name}`, which has no default"
            ));
        };
        let shown = match d {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        self.assume(format!("{what} is parameter `{name}`'s default, {shown}."));
        Ok(d)
    }

    /// A number, written as one or as text.
    fn number(&mut self, v: &'a Json, what: &str) -> Result<f64, String> {
        match self.literal(v, what)? {
            Json::Number(n) => n.as_f64().ok_or_else(|| format!("{what} is not a number")),
            Json::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("{what} is `{s}`, not a number")),
            _ => Err(format!("{what} is not a number")),
        }
    }

    /// Text (a literal, a default, a mapping entry).
    fn text(&mut self, v: &'a Json, what: &str) -> Result<&'a str, String> {
        self.literal(v, what)?
            .as_str()
            .ok_or_else(|| format!("{what} is not text"))
    }

    /// An EBS volume's type and the price of a GiB-month of it: `VolumeType` as written, or
    /// `default` when it is not set (gp3 for ECS managed volumes, gp2 for EC2 and block
    /// device mappings: each resource's documented default).
    fn volume_type(
        &mut self,
        v: Option<&'a Json>,
        what: &str,
        default: &'static str,
    ) -> Result<(&'a str, f64), String> {
        let ty = match v {
            Some(t) => self.text(t, &format!("{what}'s VolumeType"))?,
            None => default,
        };
        Ok((ty, self.ebs_gb_month(ty)?))
    }

    /// How many items a list is: a literal list, a list parameter's default.
    fn list_len(&mut self, v: &'a Json, what: &str) -> Result<usize, String> {
        match self.literal(v, what)? {
            Json::Array(a) => Ok(a.len()),
            Json::String(s) => Ok(s.split(',').filter(|x| !x.trim().is_empty()).count()),
            _ => Err(format!("{what} is not a list")),
        }
    }

    fn line(
        &self,
        id: &str,
        r: &Json,
        group: Group,
        kind: &'static str,
        detail: String,
        monthly: Monthly,
    ) -> Line {
        Line {
            logical_id: id.to_owned(),
            resource_type: type_of(r).to_owned(),
            group,
            kind,
            detail,
            monthly,
        }
    }

    fn hourly(&self, per_hour: f64) -> Monthly {
        Monthly::flat(per_hour * self.hours)
    }

    fn counted(&self, per_hour_each: f64, n: Count) -> Monthly {
        n.monthly(|k| per_hour_each * self.hours * k)
    }

    /// Price resource `id` into `est`.
    pub(super) fn price(&mut self, id: &'a str, r: &'a Json, est: &mut Estimate) {
        let ty = type_of(r);
        if let Some(Json::String(c)) = r.get("Condition") {
            self.assume(format!(
                "{id} exists only when condition `{c}` is true; it is counted."
            ));
        }
        if let Some(f) = FLAT.iter().find(|f| f.types.contains(&ty)) {
            self.flat(id, r, f, est);
            return;
        }
        let props = r.get("Properties").unwrap_or(&Json::Null);
        let result = match ty {
            "AWS::ECS::Service" => self.service(id, r, props, est),
            "AWS::ECS::ExpressGatewayService" => self.express(id, r, props, est),
            "AWS::AutoScaling::AutoScalingGroup" => self.auto_scaling_group(id, r, props, est),
            "AWS::EC2::Instance" => self.instance(id, r, props, est),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => self.load_balancer(id, r, props, est),
            "AWS::EC2::NatGateway" => self.nat_gateway(id, r, props, est),
            "AWS::EC2::VPCEndpoint" => self.endpoint(id, r, props, est),
            "AWS::EC2::Volume" => self.volume(id, r, props, est),
            "AWS::CloudFormation::Stack" => {
                Err("a nested stack: estimate its template on its own".to_owned())
            }
            t if FREE.contains(&t) || t.starts_with("AWS::IAM::") || t.starts_with("Custom::") => {
                Ok(())
            }
            t => Err(
                match BY_USE.iter().find(|(prefix, _)| t.starts_with(prefix)) {
                    Some((_, what)) => format!("priced by use ({what})"),
                    None => "not in ferroform's price table".to_owned(),
                },
            ),
        };
        if let Err(why) = result {
            est.unpriced.push(Unpriced {
                logical_id: id.to_owned(),
                resource_type: ty.to_owned(),
                why,
            });
        }
    }

    /// A resource of [`FLAT`].
    fn flat(&mut self, id: &str, r: &Json, f: &Flat, est: &mut Estimate) {
        let quantity = f.quantity.map_or(1.0, |k| self.assumed(k));
        let price = self.price_of(f.price) * quantity;
        let m = if f.hourly {
            self.hourly(price)
        } else {
            Monthly::flat(price)
        };
        let detail = f.detail.replace("{}", &trim(quantity));
        est.lines.push(self.line(id, r, f.group, f.kind, detail, m));
    }

    // ---- ECS ----

    fn service(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let Some((td_id, td)) = props.get("TaskDefinition").and_then(|v| self.target(v)) else {
            return Err("its task definition is not in this template (its size is unknown)".into());
        };
        let strategy = self.placement(id, props)?;
        let count = self.service_count(id, props)?;
        let has = |p: Provider| strategy.iter().any(|(q, _, _)| *q == p);
        if has(Provider::Ec2) {
            self.assume(format!(
                "{id}'s tasks on EC2 capacity cost what the instances cost: counted with the \
                 Auto Scaling group when it is in the stack."
            ));
        }
        if has(Provider::ManagedInstances) {
            if strategy
                .iter()
                .all(|(p, _, _)| *p == Provider::ManagedInstances)
            {
                return Err(
                    "runs on ECS Managed Instances, whose instance types ECS chooses".into(),
                );
            }
            self.assume(format!(
                "{id}'s tasks on ECS Managed Instances are not counted (ECS chooses the instances)."
            ));
        }
        let fargate = has(Provider::Fargate) || has(Provider::FargateSpot);
        if !fargate {
            return Ok(());
        }
        let size = self.fargate_size(td_id, td.get("Properties").unwrap_or(&Json::Null))?;
        let per_task = size.per_hour(self);
        let discount = if has(Provider::FargateSpot) {
            self.assumed("fargate_spot_discount")
        } else {
            0.0
        };
        let cost = |n: f64| {
            let s = shares(&strategy, n);
            let on_demand = s[Provider::Fargate as usize];
            let spot = s[Provider::FargateSpot as usize];
            per_task * self.hours * (on_demand + spot * (1.0 - discount))
        };
        let monthly = count.monthly(cost);
        let spot_share = shares(&strategy, count.typical)[Provider::FargateSpot as usize];
        let mut detail = format!("Fargate {}, {}", size.describe(), count.describe("task"));
        if spot_share > 0.0 {
            detail.push_str(&format!(", {} on Spot", trim(spot_share)));
        }
        est.lines
            .push(self.line(id, r, Group::Service, "Fargate service", detail, monthly));
        let fargate_tasks = |n: f64| {
            let s = shares(&strategy, n);
            s[Provider::Fargate as usize] + s[Provider::FargateSpot as usize]
        };
        let tasks = Count {
            min: fargate_tasks(count.min),
            typical: fargate_tasks(count.typical),
            max: fargate_tasks(count.max),
        };
        self.task_extras(id, r, props, tasks, est)
    }

    /// A service's public IPv4 addresses (one per task) and its tasks' managed EBS volumes.
    fn task_extras(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        tasks: Count,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let public = props
            .pointer("/NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp")
            .map(|v| self.text(v, &format!("{id}'s AssignPublicIp")))
            .transpose()?;
        if public == Some("ENABLED") {
            let m = self.counted(self.price_of("public_ipv4_hour"), tasks);
            est.lines.push(self.line(
                id,
                r,
                Group::Network,
                "public IPv4 address",
                format!("one per task: {}", tasks.describe("address")),
                m,
            ));
        }
        let volumes = props.get("VolumeConfigurations").and_then(Json::as_array);
        for v in volumes.into_iter().flatten() {
            let Some(ebs) = v.get("ManagedEBSVolume") else {
                continue;
            };
            let what = format!("{id}'s managed EBS volume");
            let Some(size) = ebs.get("SizeInGiB") else {
                self.assume(format!("{what} has its size from a snapshot: not counted."));
                continue;
            };
            let size = self.number(size, &format!("{what}'s SizeInGiB"))?;
            let (ty, per_gb) = self.volume_type(ebs.get("VolumeType"), &what, "gp3")?;
            let per_task = size * per_gb;
            let m = tasks.monthly(|k| per_task * k);
            est.lines.push(self.line(
                id,
                r,
                Group::Storage,
                "EBS volume",
                format!("{} GiB {ty} per task", trim(size)),
                m,
            ));
        }
        Ok(())
    }

    /// The task count of a service: its desired count, and its scalable target's range.
    fn service_count(&mut self, id: &'a str, props: &'a Json) -> Result<Count, String> {
        let desired = props
            .get("DesiredCount")
            .map(|v| self.number(v, &format!("{id}'s DesiredCount")))
            .transpose()?;
        let daemon = props.get("SchedulingStrategy").and_then(Json::as_str) == Some("DAEMON");
        if daemon {
            return Err(
                "a daemon service runs one task per instance: counted with the instances".into(),
            );
        }
        let scaling = self.scaling_of(id, props)?;
        Ok(match (desired, scaling) {
            (Some(d), Some((lo, hi))) => Count {
                min: lo,
                typical: d.clamp(lo, hi.max(lo)),
                max: hi,
            },
            (None, Some((lo, hi))) => {
                // CloudFormation starts the service with 1 task; the scalable target then
                // keeps it within its range.
                let typical = 1f64.clamp(lo, hi.max(lo));
                self.assume(format!(
                    "{id} has no DesiredCount (auto scaling sets it): typical is {} task{}, {}.",
                    trim(typical),
                    if typical == 1.0 { "" } else { "s" },
                    if typical > 1.0 {
                        "its scaling minimum"
                    } else {
                        "what CloudFormation starts it with"
                    }
                ));
                Count {
                    min: lo,
                    typical,
                    max: hi,
                }
            }
            (Some(d), None) => Count::flat(d),
            (None, None) => {
                self.assume(format!(
                    "{id} has no DesiredCount: 1 task, CloudFormation's default."
                ));
                Count::flat(1.0)
            }
        })
    }

    /// The (MinCapacity, MaxCapacity) of the ECS scalable target whose resource ID names
    /// service `id` (by reference, or by its literal `ServiceName`).
    fn scaling_of(&mut self, id: &str, props: &Json) -> Result<Option<(f64, f64)>, String> {
        let name = props.get("ServiceName").and_then(Json::as_str);
        let resources = self.resources;
        for (tid, t) in resources {
            if type_of(t) != "AWS::ApplicationAutoScaling::ScalableTarget" {
                continue;
            }
            let Some(tp) = t.get("Properties") else {
                continue;
            };
            let Some(rid) = tp.get("ResourceId") else {
                continue;
            };
            let mut ids = Vec::new();
            referenced_ids(rid, &mut ids);
            let literal = rid
                .as_str()
                .zip(name)
                .is_some_and(|(s, n)| s.starts_with("service/") && s.rsplit('/').next() == Some(n));
            if !ids.contains(&id) && !literal {
                continue;
            }
            let (Some(lo), Some(hi)) = (tp.get("MinCapacity"), tp.get("MaxCapacity")) else {
                continue;
            };
            let lo = self.number(lo, &format!("{tid}'s MinCapacity"))?;
            let hi = self.number(hi, &format!("{tid}'s MaxCapacity"))?;
            return Ok(Some((lo, hi.max(lo))));
        }
        Ok(None)
    }

    /// Where a service's tasks run: its launch type, its strategy, or its cluster's default
    /// strategy.
    fn placement(&mut self, id: &str, props: &'a Json) -> Result<Strategy, String> {
        if let Some(lt) = props.get("LaunchType") {
            let lt = self.text(lt, &format!("{id}'s LaunchType"))?;
            return Ok(vec![(
                match lt {
                    "FARGATE" => Provider::Fargate,
                    "EC2" | "EXTERNAL" => Provider::Ec2,
                    other => return Err(format!("launch type `{other}` is not priced")),
                },
                0.0,
                1.0,
            )]);
        }
        if let Some(s) = props.get("CapacityProviderStrategy") {
            return self.strategy(s, id);
        }
        let cluster = props.get("Cluster").and_then(|c| self.target(c));
        let Some((cluster_id, cluster)) = cluster else {
            if props.get("Cluster").is_some() {
                return Err("its tasks run as its cluster's default capacity provider strategy says, and the cluster is not in this template".into());
            }
            return Err("it names no launch type, strategy or cluster in this template".into());
        };
        if let Some(s) = cluster.pointer("/Properties/DefaultCapacityProviderStrategy") {
            return self.strategy(s, cluster_id);
        }
        let resources = self.resources;
        for a in resources.values() {
            if type_of(a) != "AWS::ECS::ClusterCapacityProviderAssociations" {
                continue;
            }
            let Some(ap) = a.get("Properties") else {
                continue;
            };
            let mut ids = Vec::new();
            if let Some(c) = ap.get("Cluster") {
                referenced_ids(c, &mut ids);
            }
            if ids.contains(&cluster_id)
                && let Some(s) = ap.get("DefaultCapacityProviderStrategy")
            {
                return self.strategy(s, cluster_id);
            }
        }
        // No strategy anywhere: ECS's default launch type, EC2.
        Ok(vec![(Provider::Ec2, 0.0, 1.0)])
    }

    fn strategy(&mut self, s: &'a Json, owner: &str) -> Result<Strategy, String> {
        let items = s
            .as_array()
            .ok_or_else(|| format!("{owner}'s capacity provider strategy is not a list"))?;
        let mut out = Vec::new();
        for item in items {
            let what = format!("{owner}'s capacity provider strategy");
            let p = item
                .get("CapacityProvider")
                .ok_or_else(|| format!("{what} has an item without CapacityProvider"))?;
            let provider = match p.as_str() {
                Some("FARGATE") => Provider::Fargate,
                Some("FARGATE_SPOT") => Provider::FargateSpot,
                _ => match self.target(p) {
                    Some((_, cp))
                        if cp.pointer("/Properties/ManagedInstancesProvider").is_some() =>
                    {
                        Provider::ManagedInstances
                    }
                    Some(_) => Provider::Ec2,
                    None => {
                        let shown = p
                            .as_str()
                            .map_or_else(|| "an expression".to_owned(), |s| format!("`{s}`"));
                        return Err(format!(
                            "{what} names capacity provider {shown}, not in this template"
                        ));
                    }
                },
            };
            let base = item
                .get("Base")
                .map(|b| self.number(b, &format!("{what}'s Base")))
                .transpose()?
                .unwrap_or(0.0);
            let weight = item
                .get("Weight")
                .map(|w| self.number(w, &format!("{what}'s Weight")))
                .transpose()?
                .unwrap_or(0.0);
            out.push((provider, base, weight));
        }
        if out.is_empty() {
            return Err(format!("{owner}'s capacity provider strategy is empty"));
        }
        Ok(out)
    }

    /// A Fargate task's size, from its task definition's (or Express service's) `Cpu`,
    /// `Memory`, `RuntimePlatform` and `EphemeralStorage`.
    fn fargate_size(&mut self, id: &str, p: &'a Json) -> Result<FargateSize, String> {
        let cpu = p
            .get("Cpu")
            .ok_or_else(|| format!("{id} has no task-level Cpu"))?;
        let memory = p
            .get("Memory")
            .ok_or_else(|| format!("{id} has no task-level Memory"))?;
        let vcpu = self.size(cpu, &format!("{id}'s Cpu"), &["vcpu"], 1024.0)?;
        let gb = self.size(memory, &format!("{id}'s Memory"), &["gb"], 1024.0)?;
        let arm = match p.pointer("/RuntimePlatform/CpuArchitecture") {
            Some(a) => self.text(a, &format!("{id}'s CpuArchitecture"))? == "ARM64",
            None => false,
        };
        if let Some(os) = p.pointer("/RuntimePlatform/OperatingSystemFamily") {
            let os = self.text(os, &format!("{id}'s OperatingSystemFamily"))?;
            if os != "LINUX" {
                return Err(format!(
                    "{id} runs {os}, whose license fee is not in the price table"
                ));
            }
        }
        let ephemeral = match p.pointer("/EphemeralStorage/SizeInGiB") {
            Some(e) => self.number(e, &format!("{id}'s EphemeralStorage"))?,
            None => 20.0,
        };
        Ok(FargateSize {
            vcpu,
            gb,
            arm,
            ephemeral,
        })
    }

    /// A size written as units (`1024` is one vCPU or one GB) or with its unit (`1 vCPU`,
    /// `2 GB`, `0.5GB`).
    fn size(
        &mut self,
        v: &'a Json,
        what: &str,
        units: &[&str],
        per_unit: f64,
    ) -> Result<f64, String> {
        if let Ok(x) = self.number(v, what) {
            return Ok(x / per_unit);
        }
        let text = self.text(v, what)?.trim().to_ascii_lowercase();
        for u in units {
            if let Some(n) = text.strip_suffix(u)
                && let Ok(x) = n.trim().parse::<f64>()
                && x.is_finite()
            {
                return Ok(x);
            }
        }
        Err(format!("{what} is `{text}`, not a size"))
    }

    fn express(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let size = self.fargate_size(id, props)?;
        let st = props.get("ScalingTarget");
        let num = |cx: &mut Self, k: &str, d: f64| -> Result<f64, String> {
            match st.and_then(|s| s.get(k)) {
                Some(v) => cx.number(v, &format!("{id}'s {k}")),
                None => Ok(d),
            }
        };
        let min = num(self, "MinTaskCount", 1.0)?;
        let max = num(self, "MaxTaskCount", min)?.max(min);
        let count = Count {
            min,
            typical: min,
            max,
        };
        self.assume(format!(
            "{id} is an ECS Express service: its tasks are counted; the load balancer ECS \
             shares between Express services is not in the template and not counted."
        ));
        let m = self.counted(size.per_hour(self), count);
        est.lines.push(self.line(
            id,
            r,
            Group::Service,
            "Fargate service",
            format!("Fargate {}, {}", size.describe(), count.describe("task")),
            m,
        ));
        Ok(())
    }

    // ---- EC2 ----

    fn auto_scaling_group(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let num = |cx: &mut Self, k: &str| -> Result<Option<f64>, String> {
            props
                .get(k)
                .map(|v| cx.number(v, &format!("{id}'s {k}")))
                .transpose()
        };
        let min = num(self, "MinSize")?.ok_or("it has no MinSize")?;
        let max = num(self, "MaxSize")?.ok_or("it has no MaxSize")?.max(min);
        let desired = num(self, "DesiredCapacity")?.unwrap_or(min).clamp(min, max);
        let count = Count {
            min,
            typical: desired,
            max,
        };
        let (instance_type, template) = self.asg_instance_type(id, props)?;
        let hourly = self.ec2_hourly(instance_type)?;
        if let Some(d) = props.pointer("/MixedInstancesPolicy/InstancesDistribution") {
            let pct = match d.get("OnDemandPercentageAboveBaseCapacity") {
                Some(v) => {
                    self.number(v, &format!("{id}'s OnDemandPercentageAboveBaseCapacity"))?
                }
                None => 100.0,
            };
            if pct < 100.0 {
                self.assume(format!(
                    "{id} may run Spot instances ({} % On-Demand above its base): priced On-Demand (Spot prices vary).",
                    trim(pct)
                ));
            }
        }
        let m = self.counted(hourly, count);
        est.lines.push(self.line(
            id,
            r,
            Group::Capacity,
            "EC2 instances",
            format!("{instance_type}, {}", count.describe("instance")),
            m,
        ));
        if let Some(t) = template {
            self.block_devices(
                id,
                r,
                t.pointer("/Properties/LaunchTemplateData/BlockDeviceMappings"),
                count,
                est,
            )?;
        }
        Ok(())
    }

    /// The instance type of an Auto Scaling group, and its launch template when it has one.
    fn asg_instance_type(
        &mut self,
        id: &str,
        props: &'a Json,
    ) -> Result<(&'a str, Option<&'a Json>), String> {
        let spec = props.get("LaunchTemplate").or_else(|| {
            props.pointer("/MixedInstancesPolicy/LaunchTemplate/LaunchTemplateSpecification")
        });
        if let Some(o) = props.pointer("/MixedInstancesPolicy/LaunchTemplate/Overrides/0") {
            if o.get("InstanceRequirements").is_some() {
                return Err(
                    "its instance types are chosen by attributes (InstanceRequirements)".into(),
                );
            }
            if let Some(t) = o.get("InstanceType") {
                self.assume(format!(
                    "{id} is priced as its first override's instance type."
                ));
                let lt = spec.and_then(|s| self.launch_template(s));
                return Ok((self.text(t, &format!("{id}'s instance type"))?, lt));
            }
        }
        if let Some(s) = spec {
            let lt = self
                .launch_template(s)
                .ok_or("its launch template is not in this template")?;
            let t = lt
                .pointer("/Properties/LaunchTemplateData/InstanceType")
                .ok_or("its launch template names no InstanceType")?;
            return Ok((self.text(t, &format!("{id}'s instance type"))?, Some(lt)));
        }
        if let Some(lc) = props.get("LaunchConfigurationName") {
            let (_, lc) = self
                .target(lc)
                .ok_or("its launch configuration is not in this template")?;
            let t = lc
                .pointer("/Properties/InstanceType")
                .ok_or("its launch configuration names no InstanceType")?;
            return Ok((self.text(t, &format!("{id}'s instance type"))?, None));
        }
        Err("it names no launch template or configuration".into())
    }

    fn launch_template(&self, spec: &'a Json) -> Option<&'a Json> {
        ["LaunchTemplateId", "LaunchTemplateName"]
            .iter()
            .find_map(|k| spec.get(k).and_then(|v| self.target(v)))
            .map(|(_, t)| t)
    }

    fn ec2_hourly(&self, instance_type: &str) -> Result<f64, String> {
        self.prices
            .ec2_linux_hour
            .get(instance_type)
            .copied()
            .ok_or_else(|| {
                format!("instance type `{instance_type}` is not in the price table for this region")
            })
    }

    fn instance(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let t = match props.get("InstanceType") {
            Some(t) => self.text(t, &format!("{id}'s InstanceType"))?,
            None => "m1.small",
        };
        let hourly = self.ec2_hourly(t)?;
        est.lines.push(self.line(
            id,
            r,
            Group::Capacity,
            "EC2 instances",
            format!("{t}, 1 instance"),
            self.hourly(hourly),
        ));
        self.block_devices(
            id,
            r,
            props.get("BlockDeviceMappings"),
            Count::flat(1.0),
            est,
        )
    }

    /// The EBS volumes an instance's block device mappings ask for, per instance.
    fn block_devices(
        &mut self,
        id: &'a str,
        r: &'a Json,
        mappings: Option<&'a Json>,
        n: Count,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let mut gb_month = 0.0;
        let mut parts = Vec::new();
        for m in mappings.and_then(Json::as_array).into_iter().flatten() {
            let Some(ebs) = m.get("Ebs") else { continue };
            let Some(size) = ebs.get("VolumeSize") else {
                continue;
            };
            let size = self.number(size, &format!("{id}'s VolumeSize"))?;
            let (ty, per_gb) = self.volume_type(ebs.get("VolumeType"), id, "gp2")?;
            gb_month += size * per_gb;
            parts.push(format!("{} GiB {ty}", trim(size)));
        }
        if parts.is_empty() {
            self.assume(format!(
                "{id}'s root volume from its AMI is not counted (its size is the AMI's)."
            ));
            return Ok(());
        }
        let m = n.monthly(|k| gb_month * k);
        est.lines.push(self.line(
            id,
            r,
            Group::Storage,
            "EBS volume",
            format!("{} per instance", parts.join(" + ")),
            m,
        ));
        Ok(())
    }

    fn ebs_gb_month(&self, volume_type: &str) -> Result<f64, String> {
        let key = format!("ebs_{volume_type}_gb_month");
        self.prices
            .prices
            .get(&key)
            .copied()
            .ok_or_else(|| format!("EBS volume type `{volume_type}` is not in the price table"))
    }

    fn volume(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let size = props.get("Size").ok_or("its size comes from a snapshot")?;
        let size = self.number(size, &format!("{id}'s Size"))?;
        let (ty, per_gb) = self.volume_type(props.get("VolumeType"), id, "gp2")?;
        let m = Monthly::flat(size * per_gb);
        if props.get("Iops").is_some() || props.get("Throughput").is_some() {
            self.assume(format!(
                "{id}'s provisioned IOPS or throughput are not counted."
            ));
        }
        est.lines.push(self.line(
            id,
            r,
            Group::Storage,
            "EBS volume",
            format!("{} GiB {ty}", trim(size)),
            m,
        ));
        Ok(())
    }

    // ---- networking ----

    fn load_balancer(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let ty = match props.get("Type") {
            Some(t) => self.text(t, &format!("{id}'s Type"))?,
            None => "application",
        };
        let (hour, lcu, kind) = match ty {
            "application" => ("alb_hour", "alb_lcu_hour", "Application Load Balancer"),
            "network" => ("nlb_hour", "nlb_lcu_hour", "Network Load Balancer"),
            other => {
                return Err(format!(
                    "a `{other}` load balancer is not in the price table"
                ));
            }
        };
        let lcus = self.assumed("lcu_per_load_balancer");
        let m = self.hourly(self.price_of(hour) + lcus * self.price_of(lcu));
        est.lines.push(self.line(
            id,
            r,
            Group::LoadBalancer,
            kind,
            format!("{} LCU (assumed)", trim(lcus)),
            m,
        ));
        let scheme = match props.get("Scheme") {
            Some(s) => self.text(s, &format!("{id}'s Scheme"))?,
            None => "internet-facing",
        };
        let ip = match props.get("IpAddressType") {
            Some(t) => self.text(t, &format!("{id}'s IpAddressType"))?,
            None => "ipv4",
        };
        if scheme == "internet-facing" && ip != "dualstack-without-public-ipv4" {
            let zones = match props.get("Subnets").or_else(|| props.get("SubnetMappings")) {
                Some(s) => self.list_len(s, &format!("{id}'s Subnets")).ok(),
                None => None,
            };
            let zones = zones.unwrap_or_else(|| {
                self.assume(format!(
                    "{id} is counted in 2 zones (its subnets are known only at deploy time)."
                ));
                2
            });
            let m = self.hourly(self.price_of("public_ipv4_hour") * zones as f64);
            est.lines.push(self.line(
                id,
                r,
                Group::Network,
                "public IPv4 address",
                format!("one per zone: {zones}"),
                m,
            ));
        }
        Ok(())
    }

    fn nat_gateway(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let private = props.get("ConnectivityType").and_then(Json::as_str) == Some("private");
        let gb = self.price_of("nat_gateway_gb");
        self.assume(format!(
            "Data through NAT gateways is not counted: ${} a GB in this region.",
            trim(gb)
        ));
        let what = if private {
            "a private NAT gateway"
        } else {
            "a NAT gateway (its Elastic IP counted on its own)"
        };
        est.lines.push(self.line(
            id,
            r,
            Group::Network,
            "NAT gateway",
            what.into(),
            self.hourly(self.price_of("nat_gateway_hour")),
        ));
        Ok(())
    }

    fn endpoint(
        &mut self,
        id: &'a str,
        r: &'a Json,
        props: &'a Json,
        est: &mut Estimate,
    ) -> Result<(), String> {
        let ty = match props.get("VpcEndpointType") {
            Some(t) => self.text(t, &format!("{id}'s VpcEndpointType"))?,
            None => "Gateway",
        };
        match ty {
            "Gateway" => return Ok(()),
            "Interface" => {}
            other => return Err(format!("a `{other}` endpoint is not in the price table")),
        }
        let zones = match props.get("SubnetIds") {
            Some(s) => self.list_len(s, &format!("{id}'s SubnetIds")).ok(),
            None => None,
        };
        let zones = zones.unwrap_or_else(|| {
            self.assume(format!(
                "{id} is counted in 2 zones (its subnets are known only at deploy time)."
            ));
            2
        });
        self.assume("Data through interface endpoints is not counted.".to_owned());
        let m = self.hourly(self.price_of("interface_endpoint_hour") * zones as f64);
        est.lines.push(self.line(
            id,
            r,
            Group::Network,
            "interface VPC endpoint",
            format!("in {zones} zone(s)"),
            m,
        ));
        Ok(())
    }
}

/// A Fargate task's size.
struct FargateSize {
    vcpu: f64,
    gb: f64,
    arm: bool,
    ephemeral: f64,
}

impl FargateSize {
    fn per_hour(&self, cx: &Cx) -> f64 {
        let (cpu, mem) = if self.arm {
            ("fargate_arm_vcpu_hour", "fargate_arm_gb_hour")
        } else {
            ("fargate_x86_vcpu_hour", "fargate_x86_gb_hour")
        };
        self.vcpu * cx.price_of(cpu)
            + self.gb * cx.price_of(mem)
            + (self.ephemeral - 20.0).max(0.0) * cx.price_of("fargate_ephemeral_gb_hour")
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "{} {} vCPU, {} GB",
            if self.arm { "ARM" } else { "x86" },
            trim(self.vcpu),
            trim(self.gb)
        );
        if self.ephemeral > 20.0 {
            s.push_str(&format!(", {} GiB storage", trim(self.ephemeral)));
        }
        s
    }
}

fn type_of(r: &Json) -> &str {
    r.get("Type").and_then(Json::as_str).unwrap_or("")
}
