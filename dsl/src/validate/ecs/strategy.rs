//! Capacity provider strategies, wherever they are written — a service's
//! `CapacityProviderStrategy`, a cluster's or an association's
//! `DefaultCapacityProviderStrategy`:
//!
//! - `FF4045`: a service sets `LaunchType` or a strategy, not both ("If a
//!   capacityProviderStrategy is specified, the launchType parameter must be omitted",
//!   CreateService).
//! - `FF4046`: "Only one capacity provider in a capacity provider strategy can have a base
//!   defined" (CapacityProviderStrategyItem).
//! - `FF4047`: with several providers, "at least one of the capacity providers must have a
//!   weight value greater than zero" (CapacityProviderStrategyItem).
//! - `FF4048`: a strategy holds Fargate providers or Auto Scaling group providers, never
//!   both (Capacity providers, developer guide).
//!
//! Only what is written as literals is judged: a `Base` or `Weight` from a parameter, a
//! provider named by an expression or by the name of a provider outside the template, is
//! neither counted nor reported.

use super::*;

/// Which kind of capacity a provider is, when the template says.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fargate,
    AutoScalingGroup,
}

pub(super) fn strategies(cx: &mut Cx) {
    let mut found: Vec<(rules::Rule, String, String, String)> = Vec::new();
    let places: [(&str, &str); 3] = [
        ("AWS::ECS::Service", "CapacityProviderStrategy"),
        ("AWS::ECS::Cluster", "DefaultCapacityProviderStrategy"),
        (
            "AWS::ECS::ClusterCapacityProviderAssociations",
            "DefaultCapacityProviderStrategy",
        ),
    ];
    for (ty, key) in places {
        for (id, _, props) in cx.resources_of(ty) {
            let Some(strategy) = props.and_then(|p| p.get(key)) else {
                continue;
            };
            let path = format!("{id}.Properties.{key}");
            if ty == "AWS::ECS::Service" && props.is_some_and(|p| p.contains_key("LaunchType")) {
                found.push((
                    rules::STRATEGY_WITH_LAUNCH_TYPE,
                    id.to_owned(),
                    format!("{id}.Properties.LaunchType"),
                    "the service sets both LaunchType and CapacityProviderStrategy; ECS takes one or the other".to_owned(),
                ));
            }
            let Some(items) = strategy.as_array() else {
                continue;
            };
            let literal = |item: &Json, k: &str| {
                lit_num(item.get(k)).filter(|_| !item.get(k).is_some_and(is_expr))
            };
            let based = items
                .iter()
                .filter(|i| literal(i, "Base").is_some_and(|b| b > 0.0))
                .count();
            if based > 1 {
                found.push((
                    rules::STRATEGY_BASES,
                    id.to_owned(),
                    path.clone(),
                    format!("{based} providers of the strategy have a Base; only one may"),
                ));
            }
            let weights: Option<Vec<f64>> = items
                .iter()
                .map(|i| match i.get("Weight") {
                    None => Some(0.0),
                    Some(_) => literal(i, "Weight"),
                })
                .collect();
            if items.len() > 1 && weights.is_some_and(|w| w.iter().all(|x| *x <= 0.0)) {
                found.push((
                    rules::STRATEGY_WEIGHTS,
                    id.to_owned(),
                    path.clone(),
                    format!("none of the strategy's {} providers has a Weight above 0 (a missing Weight is 0)", items.len()),
                ));
            }
            let kinds: Vec<Kind> = items
                .iter()
                .filter_map(|i| kind(cx, i.get("CapacityProvider")))
                .collect();
            if kinds.contains(&Kind::Fargate) && kinds.contains(&Kind::AutoScalingGroup) {
                found.push((
                    rules::STRATEGY_MIXED,
                    id.to_owned(),
                    path.clone(),
                    "the strategy mixes Fargate providers with Auto Scaling group providers; a strategy holds one kind or the other".to_owned(),
                ));
            }
        }
    }
    for (rule, id, path, message) in found {
        let hint = match rule.id {
            "FF4045" => "remove LaunchType (the strategy places the tasks), or the strategy",
            "FF4046" => "keep the Base on one provider (the tasks it places come first)",
            "FF4047" => "give at least one provider a Weight of 1 or more",
            _ => "use separate services (or clusters) for Fargate and for EC2 capacity",
        };
        cx.report(rule, Some(&id), path, message, Some(hint.into()));
    }
}

/// The kind of the provider `v` names: `FARGATE`/`FARGATE_SPOT`, or a provider of the
/// template with an Auto Scaling group.
fn kind(cx: &Cx, v: Option<&Json>) -> Option<Kind> {
    match lit_str(v) {
        Some("FARGATE" | "FARGATE_SPOT") => return Some(Kind::Fargate),
        Some(_) => return None,
        None => {}
    }
    let target = ref_target(v)?;
    let provider = cx.resource(target)?;
    (provider.get("Type").and_then(Json::as_str) == Some("AWS::ECS::CapacityProvider")
        && provider
            .pointer("/Properties/AutoScalingGroupProvider")
            .is_some())
    .then_some(Kind::AutoScalingGroup)
}

#[cfg(test)]
mod tests {
    use super::super::found;

    fn service(strategy: &str) -> String {
        format!(
            "Parameters:\n  W:\n    Type: Number\n    Default: 1\nResources:\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/t:1\n      CapacityProviderStrategy:\n{strategy}"
        )
    }

    #[test]
    fn one_base_one_weight_and_expressions_are_accepted() {
        // One provider alone needs no weight; one Base of several is fine; a Weight from a
        // parameter is not judged.
        for ok in [
            "        - {CapacityProvider: FARGATE}\n",
            "        - {CapacityProvider: FARGATE, Base: 2, Weight: 1}\n        - {CapacityProvider: FARGATE_SPOT, Base: 0, Weight: 0}\n",
            "        - {CapacityProvider: FARGATE, Weight: !Ref W}\n        - {CapacityProvider: FARGATE_SPOT}\n",
            "        - {CapacityProvider: FARGATE, Weight: 0}\n        - {CapacityProvider: my-provider, Weight: 1}\n",
        ] {
            for rule in ["FF4045", "FF4046", "FF4047", "FF4048"] {
                assert!(found(&service(ok), rule).is_empty(), "{rule} on {ok}");
            }
        }
    }

    #[test]
    fn the_refusals_name_the_strategy() {
        let two_bases = "        - {CapacityProvider: FARGATE, Base: 1, Weight: 1}\n        - {CapacityProvider: FARGATE_SPOT, Base: 1}\n";
        let d = found(&service(two_bases), "FF4046");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, "S.Properties.CapacityProviderStrategy");
        assert!(d[0].2.starts_with("2 providers"), "{d:?}");
        let no_weight = "        - {CapacityProvider: FARGATE, Weight: 0}\n        - {CapacityProvider: FARGATE_SPOT}\n";
        assert_eq!(found(&service(no_weight), "FF4047").len(), 1);
    }
}
