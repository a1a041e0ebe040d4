//! Whether a condition must be true where a reference is made, worked out from the
//! parameters' `AllowedValues`: `Fn::If [IsFargate, ..., !Ref Ec2Resource]` guards a resource
//! whose condition is `IsEc2` when `LaunchType` allows only `FARGATE` and `EC2`.
//!
//! Every combination of the allowed values of the parameters involved is tried (at most
//! [`MAX_COMBINATIONS`]): the condition is guaranteed when it holds in every combination
//! where the conditions asserted at the reference hold (an asserted condition that cannot be
//! worked out is left out: that only weakens the premise). A target condition that depends on anything
//! else (a parameter without `AllowedValues`, a pseudo parameter, a function other than
//! `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and `Condition`) is never guaranteed here.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>

use std::collections::BTreeMap;

use super::{Json, JsonMap, intrinsic};

/// The most combinations of allowed values tried.
const MAX_COMBINATIONS: usize = 4096;

/// Marks a condition asserted false (the else branch of an `Fn::If`) in the list of
/// asserted conditions.
pub(crate) const NOT: char = '\u{0}';

/// Whether `target` is true wherever every asserted condition (`name`, or `NOT` + `name` for
/// false) holds, given the parameters' allowed values.
pub(crate) fn guaranteed(
    conditions: Option<&JsonMap>,
    parameters: Option<&JsonMap>,
    asserted: &[String],
    target: &str,
) -> bool {
    let (Some(conditions), Some(parameters)) = (conditions, parameters) else {
        return false;
    };
    let mut params = Vec::new();
    if !collect(conditions, target, &mut params, 0) {
        return false;
    }
    // An asserted condition that cannot be worked out is left out of the premise: what holds
    // under fewer assumptions holds under more.
    let asserted: Vec<&String> = asserted
        .iter()
        .filter(|a| {
            let mut more = Vec::new();
            let known = collect(conditions, a.trim_start_matches(NOT), &mut more, 0)
                && more.iter().all(|p| allowed(parameters, p).is_some());
            if known {
                params.extend(more);
            }
            known
        })
        .collect();
    params.sort_unstable();
    params.dedup();
    let mut domains: Vec<(&str, Vec<String>)> = Vec::new();
    let mut size = 1usize;
    for p in params {
        let Some(values) = allowed(parameters, p) else {
            return false;
        };
        size = size.saturating_mul(values.len());
        if size > MAX_COMBINATIONS || values.is_empty() {
            return false;
        }
        domains.push((p, values));
    }
    let mut choice = vec![0usize; domains.len()];
    loop {
        let env: BTreeMap<&str, &str> = domains
            .iter()
            .zip(&choice)
            .map(|((p, vals), &i)| (*p, vals[i].as_str()))
            .collect();
        let holds = asserted.iter().all(|a| {
            let (name, want) = match a.strip_prefix(NOT) {
                Some(n) => (n, false),
                None => (a.as_str(), true),
            };
            cond(conditions, name, &env, 0) == Some(want)
        });
        if holds && cond(conditions, target, &env, 0) != Some(true) {
            return false;
        }
        // Next combination.
        let mut k = 0;
        loop {
            if k == choice.len() {
                return true;
            }
            choice[k] += 1;
            if choice[k] < domains[k].1.len() {
                break;
            }
            choice[k] = 0;
            k += 1;
        }
    }
}

/// The parameters condition `name` depends on; false when it depends on something else.
fn collect<'a>(conditions: &'a JsonMap, name: &str, out: &mut Vec<&'a str>, depth: usize) -> bool {
    match conditions.get(name) {
        Some(def) if depth < 32 => expr_params(conditions, def, out, depth + 1),
        _ => false,
    }
}

fn expr_params<'a>(
    conditions: &'a JsonMap,
    v: &'a Json,
    out: &mut Vec<&'a str>,
    depth: usize,
) -> bool {
    match intrinsic(v) {
        Some(("Fn::Equals", Json::Array(a))) if a.len() == 2 => a.iter().all(|x| match x {
            Json::String(_) | Json::Number(_) | Json::Bool(_) => true,
            _ => match intrinsic(x) {
                Some(("Ref", Json::String(p))) if !p.starts_with("AWS::") => {
                    out.push(p);
                    true
                }
                _ => false,
            },
        }),
        Some(("Fn::And" | "Fn::Or", Json::Array(a))) => {
            a.iter().all(|x| expr_params(conditions, x, out, depth))
        }
        Some(("Fn::Not", Json::Array(a))) if a.len() == 1 => {
            expr_params(conditions, &a[0], out, depth)
        }
        Some(("Condition", Json::String(n))) => collect(conditions, n, out, depth),
        _ => false,
    }
}

/// A parameter's allowed values, as text.
fn allowed(parameters: &JsonMap, name: &str) -> Option<Vec<String>> {
    let values = parameters.get(name)?.get("AllowedValues")?.as_array()?;
    values.iter().map(literal).collect()
}

fn literal(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn cond(
    conditions: &JsonMap,
    name: &str,
    env: &BTreeMap<&str, &str>,
    depth: usize,
) -> Option<bool> {
    if depth > 32 {
        return None;
    }
    eval(conditions, conditions.get(name)?, env, depth + 1)
}

fn eval(conditions: &JsonMap, v: &Json, env: &BTreeMap<&str, &str>, depth: usize) -> Option<bool> {
    match intrinsic(v)? {
        ("Fn::Equals", Json::Array(a)) if a.len() == 2 => {
            let side = |x: &Json| match intrinsic(x) {
                Some(("Ref", Json::String(p))) => env.get(p.as_str()).map(|s| (*s).to_owned()),
                _ => literal(x),
            };
            Some(side(&a[0])? == side(&a[1])?)
        }
        ("Fn::And", Json::Array(a)) => {
            let mut all = true;
            for x in a {
                all &= eval(conditions, x, env, depth)?;
            }
            Some(all)
        }
        ("Fn::Or", Json::Array(a)) => {
            let mut any = false;
            for x in a {
                any |= eval(conditions, x, env, depth)?;
            }
            Some(any)
        }
        ("Fn::Not", Json::Array(a)) if a.len() == 1 => Some(!eval(conditions, &a[0], env, depth)?),
        ("Condition", Json::String(n)) => cond(conditions, n, env, depth),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Json) -> JsonMap {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_else_branch_of_one_launch_type_is_the_other() {
        let params =
            map(json!({"LaunchType": {"Type": "String", "AllowedValues": ["FARGATE", "EC2"]}}));
        let conds = map(json!({
            "IsFargate": {"Fn::Equals": [{"Ref": "LaunchType"}, "FARGATE"]},
            "IsEc2": {"Fn::Equals": [{"Ref": "LaunchType"}, "EC2"]},
            "NotFargate": {"Fn::Not": [{"Condition": "IsFargate"}]}
        }));
        let not_fargate = format!("{NOT}IsFargate");
        assert!(guaranteed(
            Some(&conds),
            Some(&params),
            std::slice::from_ref(&not_fargate),
            "IsEc2"
        ));
        assert!(guaranteed(
            Some(&conds),
            Some(&params),
            &["NotFargate".into()],
            "IsEc2"
        ));
        assert!(
            !guaranteed(Some(&conds), Some(&params), &[], "IsEc2"),
            "unguarded"
        );
        assert!(!guaranteed(
            Some(&conds),
            Some(&params),
            &["IsFargate".into()],
            "IsEc2"
        ));
        // A third allowed value breaks the implication.
        let three = map(
            json!({"LaunchType": {"Type": "String", "AllowedValues": ["FARGATE", "EC2", "EXTERNAL"]}}),
        );
        assert!(!guaranteed(
            Some(&conds),
            Some(&three),
            &[not_fargate],
            "IsEc2"
        ));
    }

    #[test]
    fn anything_unknown_guarantees_nothing() {
        let params = map(json!({"Env": {"Type": "String"}}));
        let conds = map(json!({
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "InUsEast1": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
        }));
        assert!(
            !guaranteed(Some(&conds), Some(&params), &[], "IsProd"),
            "no AllowedValues"
        );
        assert!(
            !guaranteed(Some(&conds), Some(&params), &[], "InUsEast1"),
            "pseudo parameter"
        );
        assert!(!guaranteed(Some(&conds), Some(&params), &[], "Missing"));
        // An assertion about an unknown parameter is left out, not fatal.
        let launch = map(json!({
            "Env": {"Type": "String"},
            "LaunchType": {"Type": "String", "AllowedValues": ["FARGATE", "EC2"]}
        }));
        let conds = map(json!({
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsFargate": {"Fn::Equals": [{"Ref": "LaunchType"}, "FARGATE"]},
            "IsEc2": {"Fn::Equals": [{"Ref": "LaunchType"}, "EC2"]}
        }));
        let asserted = ["IsProd".to_owned(), format!("{NOT}IsFargate")];
        assert!(guaranteed(Some(&conds), Some(&launch), &asserted, "IsEc2"));
    }
}
