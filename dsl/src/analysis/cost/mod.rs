//! What a stack costs each month, offline: `ferroform cost`, and the cost line of `diff`.
//!
//! [`estimate`] reads a template and prices what it runs from a dated price table shipped
//! with ferroform ([`PriceTable::shipped`], `dsl/data/prices.json`, each price with its
//! source): Fargate tasks (x86 or ARM, Spot as a stated discount, ephemeral storage over
//! the free 20 GiB), EC2 capacity (instance type × Auto Scaling group size), load balancers
//! (hours and a stated LCU figure), NAT gateways, public IPv4 addresses, interface VPC
//! endpoints, log ingestion, EBS volumes, ECR storage, secrets, keys and alarms.
//!
//! Every estimate has three columns: at the **minimum** capacity (the scaling minimum, or
//! the desired count), **typical** (the desired count), and at the **maximum** the scaling
//! allows. What cannot be priced is listed by logical ID with the reason
//! ([`Estimate::unpriced`]), never dropped; every assumption made is stated
//! ([`Estimate::assumptions`]), values read from parameters' defaults included.
//!
//! ```
//! use ferroform::analysis::cost::{Group, estimate};
//! use serde_json::json;
//!
//! let template = json!({"Resources": {
//!     "Nat": {"Type": "AWS::EC2::NatGateway", "Properties": {"SubnetId": "subnet-1"}},
//!     "Fn": {"Type": "AWS::Lambda::Function"}
//! }});
//! let e = estimate("Network", &template, "us-east-1").unwrap();
//! let hourly = e.price("nat_gateway_hour").unwrap();
//! assert_eq!(e.total().typical, 730.0 * hourly);
//! assert_eq!(e.lines[0].group, Group::Network);
//! assert_eq!(e.unpriced[0].logical_id, "Fn", "a function is priced by use: listed, not counted");
//! assert!(estimate("Network", &template, "mars-north-1").is_err());
//! ```

mod prices;
mod report;
mod rules;

use std::fmt;

pub use prices::{Assumption, PriceInfo, PriceTable, Region};
pub use report::{CostChange, CostDelta, compare, usd};

use crate::model::render::{Json, JsonMap};

/// The assumptions of the price table an estimate may use (a test checks the shipped table
/// has each).
pub(crate) const ASSUMPTIONS: &[&str] = &[
    "fargate_spot_discount",
    "lcu_per_load_balancer",
    "logs_gb_per_log_group_month",
    "ecr_gb_per_repository",
];

/// What a priced resource is part of: the groups of the estimate's table, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// ECS services and their Fargate tasks.
    Service,
    /// EC2 instances: Auto Scaling groups and instances.
    Capacity,
    /// Load balancers.
    LoadBalancer,
    /// NAT gateways, public IPv4 addresses, VPC endpoints.
    Network,
    /// Log ingestion.
    Logs,
    /// EBS volumes and ECR repositories.
    Storage,
    /// Secrets, keys, alarms.
    Other,
}

impl Group {
    /// Every group, in the table's order.
    pub const ALL: [Group; 7] = [
        Group::Service,
        Group::Capacity,
        Group::LoadBalancer,
        Group::Network,
        Group::Logs,
        Group::Storage,
        Group::Other,
    ];

    /// The group's name as printed (`load balancer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Service => "service",
            Group::Capacity => "capacity",
            Group::LoadBalancer => "load balancer",
            Group::Network => "network",
            Group::Logs => "logs",
            Group::Storage => "storage",
            Group::Other => "other",
        }
    }
}

/// Dollars a month in the three columns of an estimate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Monthly {
    /// At the minimum capacity (scaling minimum, or the desired count when not scaled).
    pub minimum: f64,
    /// At the desired count.
    pub typical: f64,
    /// At the maximum the scaling allows (the desired count when not scaled).
    pub maximum: f64,
}

impl Monthly {
    /// The same amount in every column.
    pub(crate) fn flat(x: f64) -> Monthly {
        Monthly {
            minimum: x,
            typical: x,
            maximum: x,
        }
    }
}

impl std::ops::Add for Monthly {
    type Output = Monthly;

    fn add(self, o: Monthly) -> Monthly {
        Monthly {
            minimum: self.minimum + o.minimum,
            typical: self.typical + o.typical,
            maximum: self.maximum + o.maximum,
        }
    }
}

/// One priced resource (or one part of it, e.g. a service's tasks and their public IPs).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The resource's logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// The group it is counted in.
    pub group: Group,
    /// What is priced, in a few words (`NAT gateway`); changes of a diff are summed by it.
    pub kind: &'static str,
    /// How it was priced: sizes, counts, prices used.
    pub detail: String,
    /// Its cost.
    pub monthly: Monthly,
}

/// A resource that was not priced, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unpriced {
    /// The resource's logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// Why it has no price here (priced by use, a size known only at deploy time...).
    pub why: String,
}

/// The monthly estimate of one stack.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// The stack's name.
    pub stack: String,
    /// The region priced (`us-east-1`).
    pub region: String,
    /// The price table's date.
    pub date: String,
    /// The currency (`USD`).
    pub currency: String,
    /// The priced resources, in template order.
    pub lines: Vec<Line>,
    /// The resources not priced, in template order.
    pub unpriced: Vec<Unpriced>,
    /// The assumptions made, as sentences, in the order first made.
    pub assumptions: Vec<String>,
}

impl Estimate {
    /// The total of every line.
    pub fn total(&self) -> Monthly {
        self.lines
            .iter()
            .fold(Monthly::default(), |t, l| t + l.monthly)
    }

    /// The total of each group that has a line, in [`Group::ALL`] order.
    pub fn groups(&self) -> Vec<(Group, Monthly)> {
        Group::ALL
            .iter()
            .filter_map(|g| {
                let mut lines = self.lines.iter().filter(|l| l.group == *g).peekable();
                lines.peek()?;
                Some((*g, lines.fold(Monthly::default(), |t, l| t + l.monthly)))
            })
            .collect()
    }

    /// The price `key` of the estimate's region (`nat_gateway_hour`), from the shipped table.
    pub fn price(&self, key: &str) -> Option<f64> {
        PriceTable::shipped()
            .regions
            .get(&self.region)?
            .prices
            .get(key)
            .copied()
    }
}

/// Why there is no estimate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CostError {
    /// The price table has no prices for this region.
    UnknownRegion {
        /// The region asked for.
        region: String,
        /// The regions the table has.
        known: Vec<String>,
    },
}

impl fmt::Display for CostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CostError::UnknownRegion { region, known } => write!(
                f,
                "no prices for region `{}` in ferroform's price table (of {}); it has: {}",
                crate::model::diag::escape_control(region),
                PriceTable::shipped().date,
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for CostError {}

/// The monthly estimate of template `body`, stack `stack`, in `region`, with the shipped
/// price table. A region the table does not have is an error ([`CostError::UnknownRegion`]).
pub fn estimate(stack: &str, body: &Json, region: &str) -> Result<Estimate, CostError> {
    let table = PriceTable::shipped();
    let Some(prices) = table.regions.get(region) else {
        return Err(CostError::UnknownRegion {
            region: region.to_owned(),
            known: table.region_codes().map(str::to_owned).collect(),
        });
    };
    let empty = JsonMap::new();
    let mut cx = rules::Cx::new(body, table, prices, &empty);
    let mut est = Estimate {
        stack: stack.to_owned(),
        region: region.to_owned(),
        date: table.date.clone(),
        currency: table.currency.clone(),
        lines: Vec::new(),
        unpriced: Vec::new(),
        assumptions: Vec::new(),
    };
    cx.assume(format!(
        "A month is {} hours; prices are On-Demand, {} in {region} ({}), as of {}, without \
         taxes, free tiers or savings plans.",
        table.hours_per_month, table.currency, prices.name, table.date
    ));
    let resources = body.get("Resources").and_then(Json::as_object);
    for (id, r) in resources.into_iter().flatten() {
        cx.price(id, r, &mut est);
    }
    est.assumptions = cx.into_assumptions();
    Ok(est)
}

/// The cost of deploying template `new` over `old` (`None`: a new stack) in `region`: the
/// estimates of both, compared ([`compare`]).
///
/// ```
/// use ferroform::analysis::cost::cost_of_change;
/// use serde_json::json;
///
/// let old = json!({"Resources": {}});
/// let new = json!({"Resources": {"Nat": {"Type": "AWS::EC2::NatGateway"}}});
/// let d = cost_of_change("Net", Some(&old), &new, "us-east-1").unwrap();
/// assert!(d.increase() > 30.0);
/// assert!(d.report()[1].ends_with("/month: NAT gateway (Nat)"));
/// ```
pub fn cost_of_change(
    stack: &str,
    old: Option<&Json>,
    new: &Json,
    region: &str,
) -> Result<CostDelta, CostError> {
    let new = estimate(stack, new, region)?;
    let old = old.map(|o| estimate(stack, o, region)).transpose()?;
    Ok(compare(old.as_ref(), &new))
}

#[cfg(test)]
mod tests;
