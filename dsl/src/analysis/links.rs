//! Which templates need which: a template that imports (`Fn::ImportValue` of a literal name)
//! what another exports (an output's `Export.Name` written as a literal) must be deployed
//! after it, and deleted before it. `deploy` and `destroy` order and run stacks by it;
//! `ferroform import` orders the stacks it writes by it.
//!
//! ```
//! use ferroform::analysis::links::dependencies;
//! use serde_json::json;
//!
//! let platform = json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}},
//!     "Outputs": {"Vpc": {"Value": {"Ref": "Vpc"}, "Export": {"Name": "platform-vpc"}}}});
//! let service = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup",
//!     "Properties": {"VpcId": {"Fn::ImportValue": "platform-vpc"}}}}});
//! let deps = dependencies(&[&service, &platform]);
//! assert_eq!(deps[0].iter().copied().collect::<Vec<_>>(), [1], "service needs platform");
//! assert!(deps[1].is_empty());
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::model::render::Json;

/// The `Fn::ImportValue` names written as literals anywhere in a template.
pub fn literal_imports(body: &Json) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(body, &mut out);
    out
}

fn collect(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            if m.len() == 1
                && let Some(Json::String(name)) = m.get("Fn::ImportValue")
            {
                out.insert(name.clone());
                return;
            }
            m.values().for_each(|x| collect(x, out));
        }
        Json::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// The export names a template's outputs write as literals.
pub fn literal_exports(body: &Json) -> impl Iterator<Item = &str> {
    body.get("Outputs")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, o)| o.pointer("/Export/Name").and_then(Json::as_str))
}

/// For each template, the templates it imports from (by index; never itself).
pub fn dependencies(bodies: &[&Json]) -> Vec<BTreeSet<usize>> {
    let mut exported: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, b) in bodies.iter().enumerate() {
        for name in literal_exports(b) {
            exported.entry(name).or_insert(i);
        }
    }
    bodies
        .iter()
        .enumerate()
        .map(|(i, b)| {
            literal_imports(b)
                .iter()
                .filter_map(|n| exported.get(n.as_str()).copied())
                .filter(|&p| p != i)
                .collect()
        })
        .collect()
}

/// An order in which every template comes after those it depends on, the given order
/// otherwise; on a cycle (which CloudFormation cannot deploy either) the first template
/// left goes next.
pub fn order(deps: &[BTreeSet<usize>]) -> Vec<usize> {
    let n = deps.len();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = (0..n)
            .find(|&i| !done[i] && deps[i].iter().all(|&p| done[p]))
            .or_else(|| (0..n).find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        out.push(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn producers_come_first_and_cycles_do_not_hang() {
        let a = json!({"Outputs": {"X": {"Value": 1, "Export": {"Name": "a"}}},
            "Resources": {"R": {"Type": "T", "Properties": {"P": {"Fn::ImportValue": "b"}}}}});
        let b = json!({"Outputs": {"X": {"Value": 1, "Export": {"Name": "b"}}}});
        let c = json!({"Resources": {"R": {"Type": "T", "Properties": {"P": [{"Fn::ImportValue": "a"}, {"Fn::ImportValue": "unknown"}]}}}});
        let deps = dependencies(&[&c, &a, &b]);
        assert_eq!(
            deps,
            [BTreeSet::from([1]), BTreeSet::from([2]), BTreeSet::new()]
        );
        assert_eq!(order(&deps), [2, 1, 0]);
        let cyclic = [BTreeSet::from([1]), BTreeSet::from([0])];
        assert_eq!(order(&cyclic), [0, 1]);
    }
}
