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
//! - `FF4049`: "The capacity provider must already be associated with the cluster"
//!   (CapacityProviderStrategyItem) — judged when the template writes the cluster's
//!   providers (its `CapacityProviders`, its associations).
//!
//! Only what is written as literals is judged: a `Base` or `Weight` from a parameter, a
//! provider named by an expression or by the name of a provider outside the template, is
//! neither counted nor reported.

use super::*;
use crate::model::json::Field;

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
            let Some(strategy) = props.and_then(|p| p.field(key)) else {
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
                lit_num(item.field(k)).filter(|_| !item.field(k).is_some_and(is_expr))
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
                .map(|i| match i.field("Weight") {
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
                .filter_map(|i| kind(cx, i.field("CapacityProvider")))
                .collect();
            if kinds.contains(&Kind::Fargate) && kinds.contains(&Kind::AutoScalingGroup) {
                found.push((
                    rules::STRATEGY_MIXED,
                    id.to_owned(),
                    path.clone(),
                    "the strategy mixes Fargate providers with Auto Scaling group providers; a strategy holds one kind or the other".to_owned(),
                ));
            }
            if let Some(cluster) = cluster_providers(cx, ty, id, props) {
                let cluster_id = cluster_of(ty, id, props);
                for (i, item) in items.iter().enumerate() {
                    let Some(name) = provider_name(item.field("CapacityProvider")) else {
                        continue;
                    };
                    // A name and a Ref may be the same provider (its `Name` property):
                    // compare only what can be compared.
                    let fargate = |n: &ProviderName| matches!(n, ProviderName::Literal(l) if l == "FARGATE" || l == "FARGATE_SPOT");
                    let comparable = match &name {
                        ProviderName::Literal(_) if fargate(&name) => true,
                        ProviderName::Literal(_) => !cluster
                            .iter()
                            .any(|c| matches!(c, ProviderName::Resource(_))),
                        ProviderName::Resource(_) => !cluster
                            .iter()
                            .any(|c| matches!(c, ProviderName::Literal(_)) && !fargate(c)),
                    };
                    // A Managed Instances provider names its own cluster (`ClusterName`):
                    // created there, it is that cluster's, with no association.
                    let scoped = match &name {
                        ProviderName::Resource(p) => cx
                            .resource(p)
                            .and_then(|r| r.pointer("/Properties/ClusterName"))
                            .map(|c| ref_target(Some(c)).map(str::to_owned)),
                        ProviderName::Literal(_) => None,
                    };
                    let comparable = match &scoped {
                        // Its cluster by Ref: associated when it is this one.
                        Some(Some(c)) => comparable && Some(c.as_str()) != cluster_id.as_deref(),
                        // Its cluster by name or expression: maybe this one.
                        Some(None) => false,
                        None => comparable,
                    };
                    if comparable && !cluster.contains(&name) {
                        found.push((
                            rules::STRATEGY_NOT_ASSOCIATED,
                            id.to_owned(),
                            format!("{path}[{i}].CapacityProvider"),
                            format!(
                                "the strategy names {}, which is not among the cluster's capacity providers ({})",
                                name.shown(),
                                cluster.iter().map(ProviderName::shown).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                }
            }
        }
    }
    for (rule, id, path, message) in found {
        let hint = match rule.id {
            "FF4045" => "remove LaunchType (the strategy places the tasks), or the strategy",
            "FF4046" => "keep the Base on one provider (the tasks it places come first)",
            "FF4047" => "give at least one provider a Weight of 1 or more",
            "FF4049" => {
                "add the provider to the cluster's CapacityProviders (or its ClusterCapacityProviderAssociations), or use one it has"
            }
            _ => "use separate services (or clusters) for Fargate and for EC2 capacity",
        };
        cx.report(rule, Some(&id), path, message, Some(hint.into()));
    }
}

/// A provider as a strategy or a cluster names it: a literal name, or a provider of the
/// template by logical ID (its `Ref` is its name).
#[derive(Clone, Debug, PartialEq, Eq)]
enum ProviderName {
    Literal(String),
    Resource(String),
}

impl ProviderName {
    fn shown(&self) -> String {
        match self {
            ProviderName::Literal(n) => format!("`{n}`"),
            ProviderName::Resource(id) => format!("`{id}` (Ref)"),
        }
    }
}

/// The provider `v` names, when it is a literal or a `Ref` (else not judged).
fn provider_name(v: Option<&Json>) -> Option<ProviderName> {
    match v? {
        Json::String(s) => Some(ProviderName::Literal(s.clone())),
        Json::Object(m) if m.len() == 1 => match m.field("Ref") {
            Some(Json::String(id)) => Some(ProviderName::Resource(id.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// Every provider of a list, or `None` when one is an expression (the list is not known).
fn provider_list(v: Option<&Json>) -> Option<Vec<ProviderName>> {
    v?.as_array()?
        .iter()
        .map(|x| provider_name(Some(x)))
        .collect()
}

/// The logical ID of the template's cluster a strategy belongs to, when it is one.
fn cluster_of(ty: &str, id: &str, props: Option<&JsonMap>) -> Option<String> {
    match ty {
        "AWS::ECS::Cluster" => Some(id.to_owned()),
        _ => ref_target(props?.field("Cluster")).map(str::to_owned),
    }
}

/// The capacity providers of the cluster a strategy belongs to, when the template says
/// them all: a service's cluster (a cluster of the template) or a cluster itself, with its
/// `CapacityProviders` and those of the associations that name it; an association's own
/// list. `None` when the cluster is not in the template, or none of its lists is written
/// there (its providers may be associated outside the stack), or one is an expression.
fn cluster_providers(
    cx: &Cx,
    ty: &str,
    id: &str,
    props: Option<&JsonMap>,
) -> Option<Vec<ProviderName>> {
    if ty == "AWS::ECS::ClusterCapacityProviderAssociations" {
        return provider_list(props?.field("CapacityProviders"));
    }
    let cluster = if ty == "AWS::ECS::Service" {
        ref_target(props?.field("Cluster"))
            .filter(|c| cx.resource_type(c) == Some("AWS::ECS::Cluster"))?
    } else {
        id
    };
    let own = cx
        .resource(cluster)?
        .pointer("/Properties/CapacityProviders");
    let mut written = own.is_some();
    let mut all = match own {
        Some(v) => provider_list(Some(v))?,
        None => Vec::new(),
    };
    let associations: Vec<&JsonMap> = cx
        .resources_of("AWS::ECS::ClusterCapacityProviderAssociations")
        .filter_map(|(_, _, p)| p)
        .collect();
    for a in associations {
        let names_it = match a.field("Cluster") {
            Some(Json::String(s)) => s == cluster,
            v => ref_target(v) == Some(cluster),
        };
        if names_it {
            written = true;
            all.extend(provider_list(a.field("CapacityProviders"))?);
        }
    }
    written.then_some(all)
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
    (provider.field("Type").and_then(Json::as_str) == Some("AWS::ECS::CapacityProvider")
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

    /// FF4049 judges only a cluster of the template whose providers the template writes,
    /// and never a name against a Ref (a provider's `Name` may be that name).
    #[test]
    fn providers_are_compared_only_where_the_template_says_them() {
        let t = |cluster_props: &str, item: &str| {
            format!(
                "Resources:\n  P:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      AutoScalingGroupProvider: {{AutoScalingGroupArn: arn}}\n  C:\n    Type: AWS::ECS::Cluster\n{cluster_props}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: !Ref C\n      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/t:1\n      CapacityProviderStrategy:\n        - {{CapacityProvider: {item}, Weight: 1}}\n"
            )
        };
        let listed = "    Properties:\n      CapacityProviders: [!Ref P]\n";
        assert!(found(&t(listed, "!Ref P"), "FF4049").is_empty());
        assert_eq!(found(&t(listed, "FARGATE"), "FF4049").len(), 1);
        // A name against a Ref: maybe the same provider.
        assert!(found(&t(listed, "my-provider"), "FF4049").is_empty());
        // The cluster's providers not written in the template: not judged.
        assert!(found(&t("", "FARGATE"), "FF4049").is_empty());
        // Written as an Fn::If: judged in each case; as what nothing can follow: not judged.
        let either =
            "    Properties:\n      CapacityProviders: !If [X, [FARGATE], [FARGATE_SPOT]]\n";
        let one = found(&t(either, "FARGATE_SPOT"), "FF4049");
        assert_eq!(one.len(), 1, "{one:?}");
        assert!(one[0].2.ends_with(" (when condition X is true)"), "{one:?}");
        let unknown = "    Properties:\n      CapacityProviders: !Split [',', !ImportValue P]\n";
        assert!(found(&t(unknown, "FARGATE_SPOT"), "FF4049").is_empty());
        // A Managed Instances provider created in the cluster (`ClusterName`) is its own.
        let scoped = |cluster_name: &str| {
            t(listed, "!Ref M").replace(
                "  C:\n",
                &format!("  M:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      ClusterName: {cluster_name}\n      ManagedInstancesProvider: {{InfrastructureRoleArn: arn}}\n  D:\n    Type: AWS::ECS::Cluster\n  C:\n"),
            )
        };
        assert!(found(&scoped("!Ref C"), "FF4049").is_empty());
        assert!(found(&scoped("my-cluster"), "FF4049").is_empty());
        assert_eq!(found(&scoped("!Ref D"), "FF4049").len(), 1);
    }

    /// Each rule's hint, FF4045 on a service only, and FF4049's message naming the
    /// providers as written (a literal, a Ref).
    #[test]
    fn each_rule_says_what_to_do() {
        let one = |text: &str, rule: &str| {
            let d = found(text, rule);
            assert_eq!(d.len(), 1, "{rule}: {d:?}");
            d.into_iter().next().unwrap()
        };
        let launch = service("        - {CapacityProvider: FARGATE}\n").replace(
            "      Cluster: c\n",
            "      Cluster: c\n      LaunchType: FARGATE\n",
        );
        let d = one(&launch, "FF4045");
        assert_eq!(d.1, "S.Properties.LaunchType");
        assert_eq!(
            d.3,
            "remove LaunchType (the strategy places the tasks), or the strategy"
        );
        let two_bases = "        - {CapacityProvider: FARGATE, Base: 1, Weight: 1}\n        - {CapacityProvider: FARGATE_SPOT, Base: 1}\n";
        assert_eq!(
            one(&service(two_bases), "FF4046").3,
            "keep the Base on one provider (the tasks it places come first)"
        );
        let no_weight = "        - {CapacityProvider: FARGATE, Weight: 0}\n        - {CapacityProvider: FARGATE_SPOT}\n";
        assert_eq!(
            one(&service(no_weight), "FF4047").3,
            "give at least one provider a Weight of 1 or more"
        );
        let asg = "  P:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      AutoScalingGroupProvider: {AutoScalingGroupArn: arn}\n";
        let mixed = format!(
            "{}{asg}",
            service(
                "        - {CapacityProvider: FARGATE, Weight: 1}\n        - {CapacityProvider: !Ref P, Weight: 1}\n"
            )
        );
        let d = one(&mixed, "FF4048");
        assert_eq!(d.1, "S.Properties.CapacityProviderStrategy");
        assert_eq!(
            d.3,
            "use separate services (or clusters) for Fargate and for EC2 capacity"
        );
        // A provider without an Auto Scaling group (Managed Instances) is no such mix.
        let managed = mixed.replace(
            "AutoScalingGroupProvider: {AutoScalingGroupArn: arn}",
            "ManagedInstancesProvider: {InfrastructureRoleArn: arn}",
        );
        assert!(found(&managed, "FF4048").is_empty());
        let cluster = "  C:\n    Type: AWS::ECS::Cluster\n    Properties:\n      CapacityProviders: [FARGATE]\n      DefaultCapacityProviderStrategy: [{CapacityProvider: !Ref P, Weight: 1}]\n";
        let d = one(&format!("Resources:\n{asg}{cluster}"), "FF4049");
        assert_eq!(
            d.1,
            "C.Properties.DefaultCapacityProviderStrategy[0].CapacityProvider"
        );
        assert_eq!(
            d.2,
            "the strategy names `P` (Ref), which is not among the cluster's capacity providers (`FARGATE`)"
        );
        assert!(
            d.3.starts_with("add the provider to the cluster's CapacityProviders"),
            "{}",
            d.3
        );
    }

    /// A cluster's providers include those its associations add (named by Ref or by
    /// name); a Ref is not compared against a name; a Managed Instances provider created in
    /// the cluster is the cluster's own, its default strategy included.
    #[test]
    fn a_clusters_providers_are_all_it_is_given() {
        let t = |extra: &str, item: &str| {
            format!(
                "Resources:\n  P:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      AutoScalingGroupProvider: {{AutoScalingGroupArn: arn}}\n  C:\n    Type: AWS::ECS::Cluster\n    Properties:\n      CapacityProviders: [FARGATE]\n{extra}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: !Ref C\n      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/t:1\n      CapacityProviderStrategy:\n        - {{CapacityProvider: {item}, Weight: 1}}\n"
            )
        };
        assert_eq!(found(&t("", "FARGATE_SPOT"), "FF4049").len(), 1);
        for cluster in ["!Ref C", "C"] {
            let association = format!(
                "  A:\n    Type: AWS::ECS::ClusterCapacityProviderAssociations\n    Properties:\n      Cluster: {cluster}\n      CapacityProviders: [FARGATE_SPOT]\n      DefaultCapacityProviderStrategy: [{{CapacityProvider: FARGATE_SPOT}}]\n"
            );
            assert!(
                found(&t(&association, "FARGATE_SPOT"), "FF4049").is_empty(),
                "{cluster}"
            );
        }
        // An association's own strategy is held to its own list.
        let association = "  A:\n    Type: AWS::ECS::ClusterCapacityProviderAssociations\n    Properties:\n      Cluster: !Ref C\n      CapacityProviders: [FARGATE_SPOT]\n      DefaultCapacityProviderStrategy: [{CapacityProvider: FARGATE}]\n";
        let d = found(&t(association, "FARGATE"), "FF4049");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].1,
            "A.Properties.DefaultCapacityProviderStrategy[0].CapacityProvider"
        );
        // A Ref against names only (one may be the provider's Name): not judged.
        let named = t("", "!Ref P").replace(
            "CapacityProviders: [FARGATE]",
            "CapacityProviders: [my-provider]",
        );
        assert!(found(&named, "FF4049").is_empty());
        // A provider written as a mapping of more than a Ref: not judged.
        assert!(found(&t("", "{Ref: P, Extra: x}"), "FF4049").is_empty());
        // A Managed Instances provider created in the cluster, in its default strategy.
        let own = "  M:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      ClusterName: !Ref C\n      ManagedInstancesProvider: {InfrastructureRoleArn: arn}\n";
        let text = t(own, "FARGATE").replace(
            "      CapacityProviders: [FARGATE]\n",
            "      CapacityProviders: [FARGATE]\n      DefaultCapacityProviderStrategy: [{CapacityProvider: !Ref M, Weight: 1}]\n",
        );
        assert!(found(&text, "FF4049").is_empty());
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
