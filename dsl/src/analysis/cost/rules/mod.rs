//! How each resource type is priced. One function per priced type; the types that cost
//! nothing by themselves ([`FREE`]) and those priced by use ([`BY_USE`]) are tables, and
//! every other type is listed as not priced.

use super::prices::{PriceTable, Region};
use super::{Estimate, Group, Line, Monthly, Unpriced};
use crate::model::render::{Json, JsonMap};
use crate::validate::refs::referenced_ids;
use crate::validate::secrets::is_no_echo;

mod ec2;
mod ecs;
mod network;

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

    /// Property `key` of `props` as text, or `default` (the resource's documented default)
    /// when it is not set; `id` names the resource in errors.
    fn text_or(
        &mut self,
        id: &str,
        props: &'a Json,
        key: &str,
        default: &'static str,
    ) -> Result<&'a str, String> {
        match props.get(key) {
            Some(v) => self.text(v, &format!("{id}'s {key}")),
            None => Ok(default),
        }
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
        let props = r.get("Properties").unwrap_or(&Json::Null);
        let res = Res { id, r, props };
        if let Some(f) = FLAT.iter().find(|f| f.types.contains(&ty)) {
            self.flat(res, f, est);
            return;
        }
        let result = match ty {
            "AWS::ECS::Service" => self.service(res, est),
            "AWS::ECS::ExpressGatewayService" => self.express(res, est),
            "AWS::AutoScaling::AutoScalingGroup" => self.auto_scaling_group(res, est),
            "AWS::EC2::Instance" => self.instance(res, est),
            "AWS::ElasticLoadBalancingV2::LoadBalancer" => self.load_balancer(res, est),
            "AWS::EC2::NatGateway" => self.nat_gateway(res, est),
            "AWS::EC2::VPCEndpoint" => self.endpoint(res, est),
            "AWS::EC2::Volume" => self.volume(res, est),
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
    fn flat(&mut self, res: Res<'_>, f: &Flat, est: &mut Estimate) {
        let quantity = f.quantity.map_or(1.0, |k| self.assumed(k));
        let price = self.price_of(f.price) * quantity;
        let m = if f.hourly {
            self.hourly(price)
        } else {
            Monthly::flat(price)
        };
        let detail = f.detail.replace("{}", &trim(quantity));
        res.add(est, f.group, f.kind, detail, m);
    }
}

/// The resource a rule prices: its logical ID, its entry in the template and its
/// `Properties` (`null` when it has none).
#[derive(Clone, Copy)]
struct Res<'a> {
    id: &'a str,
    r: &'a Json,
    props: &'a Json,
}

impl Res<'_> {
    /// Add a priced line for this resource to `est`.
    fn add(
        self,
        est: &mut Estimate,
        group: Group,
        kind: &'static str,
        detail: String,
        monthly: Monthly,
    ) {
        est.lines.push(Line {
            logical_id: self.id.to_owned(),
            resource_type: type_of(self.r).to_owned(),
            group,
            kind,
            detail,
            monthly,
        });
    }
}

fn type_of(r: &Json) -> &str {
    r.get("Type").and_then(Json::as_str).unwrap_or("")
}
