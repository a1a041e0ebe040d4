//! The price table: `dsl/data/prices.json`, dated, each price with its source, read once.
//!
//! The table is data, not code: `tools/prices/regenerate.py` rewrites it from AWS's public
//! Price List bulk files (see `tools/prices/README.md`). Nothing here reaches the network.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::model::render::{Json, JsonMap};

/// The table as shipped, compiled into the crate.
const TABLE: &str = include_str!("../../../data/prices.json");

/// The price table: prices by region, the catalogue saying what each price is and where it
/// comes from, and the assumptions an estimate states.
#[derive(Debug)]
pub struct PriceTable {
    /// The date the prices were read (printed on every estimate).
    pub date: String,
    /// The currency of every price (`USD`).
    pub currency: String,
    /// Hours in a month, as AWS's pricing pages count them (730).
    pub hours_per_month: f64,
    /// What each price key is: its unit, a description and its source.
    pub prices: BTreeMap<String, PriceInfo>,
    /// Where the EC2 instance prices come from.
    pub ec2_source: String,
    /// The prices of each region.
    pub regions: BTreeMap<String, Region>,
    /// The assumptions an estimate makes, each with the sentence that states it.
    pub assumptions: BTreeMap<String, Assumption>,
}

/// What a price key is.
#[derive(Debug)]
pub struct PriceInfo {
    /// The unit priced, e.g. `vCPU-hour`.
    pub unit: String,
    /// What is priced, for people.
    pub what: String,
    /// The AWS page or Price List offer the prices come from.
    pub source: String,
}

/// The prices of one region.
#[derive(Debug)]
pub struct Region {
    /// The region's name, e.g. `US East (N. Virginia)`.
    pub name: String,
    /// Price by key (every key of [`PriceTable::prices`]).
    pub prices: BTreeMap<String, f64>,
    /// On-Demand Linux prices per instance-hour, by instance type.
    pub ec2_linux_hour: BTreeMap<String, f64>,
}

/// An assumption: its value and the sentence printed under every estimate that uses it.
#[derive(Debug)]
pub struct Assumption {
    /// The assumed value.
    pub value: f64,
    /// What it means, for people.
    pub what: String,
}

impl PriceTable {
    /// The table shipped with ferroform.
    pub fn shipped() -> &'static PriceTable {
        static TABLE_PARSED: OnceLock<PriceTable> = OnceLock::new();
        TABLE_PARSED.get_or_init(|| {
            // The table is a file of the crate, checked by a test (`the_shipped_table_is_
            // complete`): failing to read it is a bug of the build, not of the input.
            match serde_json::from_str(TABLE)
                .map_err(|e| e.to_string())
                .and_then(|j| PriceTable::from_json(&j))
            {
                Ok(t) => t,
                Err(e) => panic!("dsl/data/prices.json is not a valid price table: {e}"),
            }
        })
    }

    /// The regions priced, in name order.
    pub fn region_codes(&self) -> impl Iterator<Item = &str> {
        self.regions.keys().map(String::as_str)
    }

    /// The value of assumption `key` (0 when the table lacks it; the completeness test
    /// makes that impossible for the shipped table).
    pub(crate) fn assumed(&self, key: &str) -> f64 {
        self.assumptions.get(key).map_or(0.0, |a| a.value)
    }

    /// Problems of the table: a region lacking a price of the catalogue, a price outside
    /// the catalogue, a negative or non-finite number, an assumption the estimate uses
    /// missing.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (code, r) in &self.regions {
            for key in self.prices.keys() {
                if !r.prices.contains_key(key) {
                    out.push(format!("{code}: no price for `{key}`"));
                }
            }
            for (key, v) in r.prices.iter().chain(&r.ec2_linux_hour) {
                if !self.prices.contains_key(key) && !r.ec2_linux_hour.contains_key(key) {
                    out.push(format!("{code}: `{key}` is not in the catalogue"));
                }
                if !v.is_finite() || *v < 0.0 {
                    out.push(format!("{code}: `{key}` is {v}"));
                }
            }
        }
        for key in super::ASSUMPTIONS {
            if !self.assumptions.contains_key(*key) {
                out.push(format!("no assumption `{key}`"));
            }
        }
        out
    }
}

/// The fields of object `v` (at `path`), none but `known`.
fn object<'a>(v: &'a Json, path: &str, known: &[&str]) -> Result<&'a JsonMap, String> {
    let m = v
        .as_object()
        .ok_or_else(|| format!("{path} is not an object"))?;
    if let Some(k) = m.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("{path} has an unknown field `{k}`"));
    }
    Ok(m)
}

fn text(m: &JsonMap, path: &str, key: &str) -> Result<String, String> {
    m.get(key)
        .and_then(Json::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{path}.{key} is not text"))
}

fn number(v: Option<&Json>, path: &str) -> Result<f64, String> {
    v.and_then(Json::as_f64)
        .ok_or_else(|| format!("{path} is not a number"))
}

/// Each entry of object `m[key]`, read by `read`.
fn entries<T>(
    m: &JsonMap,
    path: &str,
    key: &str,
    read: impl Fn(&Json, &str) -> Result<T, String>,
) -> Result<BTreeMap<String, T>, String> {
    let path = format!("{path}.{key}");
    let o = m
        .get(key)
        .and_then(Json::as_object)
        .ok_or_else(|| format!("{path} is not an object"))?;
    o.iter()
        .map(|(k, v)| Ok((k.clone(), read(v, &format!("{path}.{k}"))?)))
        .collect()
}

impl PriceTable {
    /// Read a table from its JSON; unknown fields are errors (a misspelt key is never a
    /// price silently missing).
    pub fn from_json(v: &Json) -> Result<PriceTable, String> {
        let top = object(
            v,
            "table",
            &[
                "date",
                "currency",
                "hours_per_month",
                "prices",
                "ec2_source",
                "regions",
                "assumptions",
            ],
        )?;
        let p = "table";
        Ok(PriceTable {
            date: text(top, p, "date")?,
            currency: text(top, p, "currency")?,
            hours_per_month: number(top.get("hours_per_month"), "table.hours_per_month")?,
            prices: entries(top, p, "prices", |v, path| {
                let m = object(v, path, &["unit", "what", "source"])?;
                Ok(PriceInfo {
                    unit: text(m, path, "unit")?,
                    what: text(m, path, "what")?,
                    source: text(m, path, "source")?,
                })
            })?,
            ec2_source: text(top, p, "ec2_source")?,
            regions: entries(top, p, "regions", |v, path| {
                let m = object(v, path, &["name", "prices", "ec2_linux_hour"])?;
                Ok(Region {
                    name: text(m, path, "name")?,
                    prices: entries(m, path, "prices", |v, path| number(Some(v), path))?,
                    ec2_linux_hour: entries(m, path, "ec2_linux_hour", |v, path| {
                        number(Some(v), path)
                    })?,
                })
            })?,
            assumptions: entries(top, p, "assumptions", |v, path| {
                let m = object(v, path, &["value", "what"])?;
                Ok(Assumption {
                    value: number(m.get("value"), &format!("{path}.value"))?,
                    what: text(m, path, "what")?,
                })
            })?,
        })
    }
}
