//! An estimate as people read it (a table) and as programs read it (JSON), and the cost of
//! a change between two templates.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Estimate, Monthly};
use crate::model::render::Json;

/// Dollars as printed: `$1,234.56`, `-$3.10`.
///
/// ```
/// assert_eq!(ferroform::analysis::cost::usd(1234.567), "$1,234.57");
/// ```
pub fn usd(x: f64) -> String {
    let cents = (x * 100.0).round();
    let sign = if cents < 0.0 { "-" } else { "" };
    let cents = cents.abs() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}.{frac:02}")
}

/// A signed amount: `+$73.58`, `-$3.10`.
fn signed(x: f64) -> String {
    if (x * 100.0).round() >= 0.0 {
        format!("+{}", usd(x))
    } else {
        usd(x)
    }
}

/// Cents, as a JSON number with two decimals at most.
fn cents(x: f64) -> Json {
    let r = (x * 100.0).round() / 100.0;
    serde_json::Number::from_f64(r).map_or(Json::Null, Json::Number)
}

impl Monthly {
    /// `{"minimum": .., "typical": .., "maximum": ..}`, in dollars rounded to cents.
    pub fn to_json(self) -> Json {
        serde_json::json!({"minimum": cents(self.minimum), "typical": cents(self.typical), "maximum": cents(self.maximum)})
    }
}

impl Estimate {
    /// The estimate as a table: each group's total and its resources, the total, what was
    /// not priced and every assumption.
    ///
    /// ```
    /// use ferroform::analysis::cost::estimate;
    /// use serde_json::json;
    ///
    /// let t = json!({"Resources": {"Ip": {"Type": "AWS::EC2::EIP"}}});
    /// let table = estimate("Edge", &t, "eu-west-1").unwrap().to_table();
    /// assert!(table.contains("Edge"));
    /// assert!(table.contains("Ip"));
    /// assert!(table.contains("Assumptions:"));
    /// ```
    pub fn to_table(&self) -> String {
        let mut rows: Vec<(String, Option<Monthly>)> = Vec::new();
        for (g, total) in self.groups() {
            let mut name = g.as_str().to_owned();
            if let Some(c) = name.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            rows.push((name, Some(total)));
            for l in self.lines.iter().filter(|l| l.group == g) {
                rows.push((
                    format!("  {}  {}: {}", l.logical_id, l.kind, l.detail),
                    Some(l.monthly),
                ));
            }
        }
        let width = rows
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(10);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Monthly cost of {} in {}, prices of {} ({})",
            self.stack, self.region, self.date, self.currency
        );
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:width$}  {:>12}  {:>12}  {:>12}",
            "", "minimum", "typical", "maximum"
        );
        let row = |s: &mut String, name: &str, m: Monthly| {
            let pad = width - name.chars().count();
            let _ = writeln!(
                s,
                "{name}{:pad$}  {:>12}  {:>12}  {:>12}",
                "",
                usd(m.minimum),
                usd(m.typical),
                usd(m.maximum)
            );
        };
        for (name, m) in &rows {
            if let Some(m) = m {
                row(&mut s, name, *m);
            }
        }
        row(&mut s, "Total", self.total());
        if !self.unpriced.is_empty() {
            let _ = writeln!(s, "\nNot priced (listed, not counted):");
            for u in &self.unpriced {
                let _ = writeln!(s, "  {} ({}): {}", u.logical_id, u.resource_type, u.why);
            }
        }
        let _ = writeln!(s, "\nAssumptions:");
        for a in &self.assumptions {
            let _ = writeln!(s, "  - {a}");
        }
        s
    }

    /// The estimate as JSON (amounts in dollars, rounded to cents).
    pub fn to_json(&self) -> Json {
        serde_json::json!({
            "stack": self.stack,
            "region": self.region,
            "price_date": self.date,
            "currency": self.currency,
            "total": self.total().to_json(),
            "groups": self.groups().iter().map(|(g, m)| serde_json::json!({
                "group": g.as_str(), "monthly": m.to_json()})).collect::<Vec<_>>(),
            "resources": self.lines.iter().map(|l| serde_json::json!({
                "logical_id": l.logical_id,
                "type": l.resource_type,
                "group": l.group.as_str(),
                "kind": l.kind,
                "detail": l.detail,
                "monthly": l.monthly.to_json(),
            })).collect::<Vec<_>>(),
            "not_priced": self.unpriced.iter().map(|u| serde_json::json!({
                "logical_id": u.logical_id, "type": u.resource_type, "why": u.why})).collect::<Vec<_>>(),
            "assumptions": self.assumptions,
        })
    }
}

/// What a change does to the monthly cost: the typical totals before and after, and the
/// changes by kind of resource.
#[derive(Clone, Debug, PartialEq)]
pub struct CostDelta {
    /// The region priced.
    pub region: String,
    /// The price table's date.
    pub date: String,
    /// The typical monthly total before (0 for a new stack).
    pub before: f64,
    /// The typical monthly total after.
    pub after: f64,
    /// The changes, largest first.
    pub changes: Vec<CostChange>,
}

/// The change of the typical monthly cost of one kind of resource (`NAT gateway`).
#[derive(Clone, Debug, PartialEq)]
pub struct CostChange {
    /// The kind of resource.
    pub kind: &'static str,
    /// The resources whose cost changed, by logical ID.
    pub logical_ids: Vec<String>,
    /// The change, in dollars a month.
    pub delta: f64,
}

/// The cost of deploying `new` over `old` (`None`: a new stack), by kind of resource, in
/// the typical column.
///
/// ```
/// use ferroform::analysis::cost::{compare, estimate};
/// use serde_json::json;
///
/// let old = json!({"Resources": {"Ip": {"Type": "AWS::EC2::EIP"}}});
/// let new = json!({"Resources": {"Ip": {"Type": "AWS::EC2::EIP"},
///     "NatA": {"Type": "AWS::EC2::NatGateway"}, "NatB": {"Type": "AWS::EC2::NatGateway"}}});
/// let (old, new) = (estimate("N", &old, "us-east-1").unwrap(), estimate("N", &new, "us-east-1").unwrap());
/// let d = compare(Some(&old), &new);
/// assert_eq!(d.changes.len(), 1);
/// assert_eq!(d.changes[0].logical_ids, ["NatA", "NatB"]);
/// assert!(d.lines()[0].ends_with("/month: 2 × NAT gateway (NatA, NatB)"));
/// ```
pub fn compare(old: Option<&Estimate>, new: &Estimate) -> CostDelta {
    let mut by_id: BTreeMap<(&str, &'static str), f64> = BTreeMap::new();
    for l in old.into_iter().flat_map(|e| &e.lines) {
        *by_id.entry((&l.logical_id, l.kind)).or_default() -= l.monthly.typical;
    }
    for l in &new.lines {
        *by_id.entry((&l.logical_id, l.kind)).or_default() += l.monthly.typical;
    }
    let mut by_kind: BTreeMap<(&'static str, bool), CostChange> = BTreeMap::new();
    for ((id, kind), d) in by_id {
        if (d * 100.0).round() == 0.0 {
            continue;
        }
        let c = by_kind
            .entry((kind, d > 0.0))
            .or_insert_with(|| CostChange {
                kind,
                logical_ids: Vec::new(),
                delta: 0.0,
            });
        c.logical_ids.push(id.to_owned());
        c.delta += d;
    }
    let mut changes: Vec<CostChange> = by_kind.into_values().collect();
    changes.sort_by(|a, b| {
        b.delta
            .abs()
            .total_cmp(&a.delta.abs())
            .then(a.kind.cmp(b.kind))
    });
    CostDelta {
        region: new.region.clone(),
        date: new.date.clone(),
        before: old.map_or(0.0, |e| e.total().typical),
        after: new.total().typical,
        changes,
    }
}

impl CostDelta {
    /// The change of the typical monthly total (negative when it falls).
    pub fn increase(&self) -> f64 {
        self.after - self.before
    }

    /// One line per change: `+$65.70/month: 2 × NAT gateway (NatA, NatB)`.
    pub fn lines(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| {
                let n = c.logical_ids.len();
                let count = if n == 1 {
                    String::new()
                } else {
                    format!("{n} × ")
                };
                format!(
                    "{}/month: {count}{} ({})",
                    signed(c.delta),
                    c.kind,
                    c.logical_ids.join(", ")
                )
            })
            .collect()
    }

    /// `Monthly cost (typical): $120.00 → $185.70 (+$65.70)`.
    pub fn summary(&self) -> String {
        format!(
            "Monthly cost (typical): {} → {} ({})",
            usd(self.before),
            usd(self.after),
            signed(self.increase())
        )
    }

    /// What `diff` prints: the summary with the region and the prices' date, then each
    /// change indented.
    pub fn report(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{}; {}, prices of {} (`ferroform cost` for the details)",
            self.summary(),
            self.region,
            self.date
        )];
        out.extend(self.lines().into_iter().map(|l| format!("  {l}")));
        out
    }
}
