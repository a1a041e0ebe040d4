//! ECS and friends (`FF4xxx`), from the AWS documentation: Fargate task sizes, containers,
//! services, ECR lifecycle policies, Application Auto Scaling, capacity providers.
//! Values that are expressions are skipped, never guessed; [`check`] runs the rules again on
//! the template as each case of its parameters, conditions and mappings makes it.

use super::{Cx, is_expr, lit_bool, lit_num, lit_str, one_of, ref_or_getatt_target, ref_target};
use crate::model::render::{Json, JsonMap};
use crate::rules;

mod capacity;
mod connect;
mod containers;
mod ecr;
mod express;
mod fargate;
mod names;
mod network;
mod scaling;
mod service;
mod settings;
mod strategy;
mod task;
mod volume;

use capacity::*;
use connect::*;
use containers::*;
use ecr::*;
use express::*;
use fargate::*;
use names::*;
use network::*;
use scaling::*;
use service::*;
use settings::*;
use strategy::*;
use task::*;
// The Fargate table's one home; the constructs (`ecs-stack`) read it through `validate`.
#[cfg(feature = "ecs-stack")]
pub(crate) use task::{FARGATE_CPUS, fargate_memory};
pub(crate) use task::{fargate_hint, fargate_valid};
pub(crate) use volume::VOLUME_TYPES;
use volume::*;

pub(super) fn check(cx: &mut Cx) {
    rules(cx);
    under_parameters(cx);
}

/// The services whose resources the rules of this directory are about.
const OWN: [&str; 3] = ["AWS::ECS::", "AWS::ApplicationAutoScaling::", "AWS::ECR::"];

fn own(kind: &str) -> bool {
    OWN.iter().any(|p| kind.starts_with(p))
}

/// The resource types the rules of this directory read: their own, and those they relate
/// to them.
fn read_by_the_rules(kind: &str) -> bool {
    own(kind)
        || kind.starts_with("AWS::ElasticLoadBalancingV2::")
        || matches!(
            kind,
            "AWS::ServiceDiscovery::Service"
                | "AWS::AutoScaling::AutoScalingGroup"
                | "AWS::Events::Rule"
        )
}

/// Row 70 of the ECS constraints: the rules again, on the template as it would be for each
/// value the parameters (their `AllowedValues`, else their `Default`), conditions and
/// mapping rows give the resources they read ([`resolve::specialized`]). What they find
/// there and not as written is reported once, saying in which case; what the template as
/// written already reports at the same place (literally, or by a rule that follows
/// parameters itself) is not repeated.
///
/// [`resolve::specialized`]: super::resolve::specialized
fn under_parameters(cx: &mut Cx) {
    // Load balancers, Auto Scaling groups, Cloud Map services and EventBridge rules are read
    // only beside the rules' own resources: without one, nothing to judge.
    if !cx.typed_resources().any(|(.., kind)| kind.is_some_and(own)) {
        return;
    }
    let ids: Vec<&str> = cx
        .typed_resources()
        .filter(|(.., kind)| kind.is_some_and(read_by_the_rules))
        .map(|(id, ..)| id)
        .collect();
    let as_written: Vec<(&str, String)> =
        cx.diags.iter().map(|d| (d.rule, d.path.clone())).collect();
    // Each new finding with the label of the first case it is found in and the number of
    // cases it is found in.
    let mut found: Vec<(crate::Diagnostic, String, usize)> = Vec::new();
    let cases = super::resolve::specialized(cx, &ids, |mut case| {
        let t = crate::Template::new(cx.source, std::mem::take(&mut case.body));
        let mut under = Cx::new(&t);
        under.opaque = cx.opaque;
        rules(&mut under);
        for d in under.diags {
            if JUDGE_EXPRESSIONS_THEMSELVES.iter().any(|r| *r == d.rule)
                || as_written.iter().any(|(r, p)| *r == d.rule && *p == d.path)
            {
                continue;
            }
            let same = |(f, ..): &&mut (crate::Diagnostic, String, usize)| {
                f.rule == d.rule && f.path == d.path && f.message == d.message
            };
            if let Some((.., n)) = found.iter_mut().find(same) {
                *n += 1;
                continue;
            }
            let names = d
                .logical_id
                .as_deref()
                .map(|id| neighbourhood_depends_on(cx, &ids, id))
                .unwrap_or_default();
            let when = case.when(&names);
            found.push((d, when, 1));
        }
    });
    // Found in every case: true whatever the parameters are, said without a case.
    let found: Vec<crate::Diagnostic> = found
        .into_iter()
        .map(|(mut d, when, n)| {
            if n < cases {
                d.message.push_str(&when);
            }
            d
        })
        .collect();
    cx.diags.extend(found);
}

/// The parameters and conditions a finding about `id` may come from: those of `id` and of
/// the resources among `ids` it refers to or that refer to it (a service and its task
/// definition, a scalable target and its service). A case's label names these (or, when
/// none is assigned, all): a rule relates a resource to its neighbours.
fn neighbourhood_depends_on(cx: &Cx, ids: &[&str], id: &str) -> Vec<String> {
    let Some(r) = cx.resource(id) else {
        return Vec::new();
    };
    let mut near: Vec<&str> = vec![id];
    super::refs::referenced_ids(r, &mut near);
    for other in ids {
        let mut refs = Vec::new();
        if let Some(o) = cx.resource(other) {
            super::refs::referenced_ids(o, &mut refs);
        }
        if refs.contains(&id) {
            near.push(other);
        }
    }
    near.sort_unstable();
    near.dedup();
    near.iter()
        .filter_map(|n| cx.resource(n))
        .flat_map(|r| super::resolve::depends_on(cx, r))
        .collect()
}

/// Rules left out of [`under_parameters`]: they decide themselves what an expression
/// means. FF4034 does not report a `DesiredCount` an `Fn::If` can leave out, by design: a
/// count set only for a first deploy, or only while a service is not scaled.
const JUDGE_EXPRESSIONS_THEMSELVES: &[rules::Rule] = &[rules::SCALED_DESIRED_COUNT];

/// Every rule of this directory.
fn rules(cx: &mut Cx) {
    let tasks: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::TaskDefinition")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in tasks {
        task(cx, id, props);
    }
    services(cx);
    ecr(cx);
    scaling(cx);
    capacity_providers(cx);
    fargate_spot_platforms(cx);
    managed_instances_associations(cx);
    strategies(cx);
    load_balancer_containers(cx);
    mount_points(cx);
    fargate_unsupported(cx);
    network_mode_settings(cx);
    container_checks(cx);
    service_settings(cx);
    express_services(cx);
}

/// The validator's test helper, for the unit tests of this directory's rules.
#[cfg(test)]
use super::found;

/// Rules that follow parameters (row 70 of the ECS constraints chapter): each value a
/// parameter's `AllowedValues` (or its `Default`) allows is judged, and the message says
/// which; values that can be anything say nothing.
#[cfg(test)]
mod parameter_tests {
    use super::found;

    /// A template with `params` and `body` under `Resources`.
    fn t(params: &str, body: &str) -> String {
        format!("Parameters:\n{params}Resources:\n{body}")
    }

    #[test]
    fn capacities_from_parameters_are_compared_for_each_value() {
        let body = "  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: service/web/api\n      MinCapacity: !Ref Min\n      MaxCapacity: 4\n";
        let allowed = "  Min:\n    Type: Number\n    AllowedValues: [1, 6]\n";
        let d = found(&t(allowed, body), "FF4032");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].2
                .contains("MinCapacity (6) is greater than MaxCapacity (4) (when Min = 6)"),
            "{}",
            d[0].2
        );
        let free = "  Min:\n    Type: Number\n";
        assert!(found(&t(free, body), "FF4032").is_empty());
    }

    #[test]
    fn container_memory_from_a_parameter_is_compared_for_each_value() {
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - {Name: app, Image: nginx, Memory: !Ref Hard, MemoryReservation: 512}\n";
        let d = found(
            &t("  Hard:\n    Type: Number\n    Default: 256\n", body),
            "FF4006",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].2.ends_with("(when Hard = 256)"), "{}", d[0].2);
        assert!(
            found(
                &t("  Hard:\n    Type: Number\n    Default: 1024\n", body),
                "FF4006"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_fargate_network_mode_from_a_parameter_is_checked_for_each_value() {
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: !Ref Mode\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions: [{Name: app, Image: nginx}]\n";
        let d = found(
            &t(
                "  Mode:\n    Type: String\n    AllowedValues: [awsvpc, bridge]\n",
                body,
            ),
            "FF4003",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].1, "Task.Properties.NetworkMode");
        assert!(
            d[0].2.contains("it is `bridge` (when Mode = bridge)"),
            "{}",
            d[0].2
        );
        assert!(
            found(
                &t(
                    "  Mode:\n    Type: String\n    AllowedValues: [awsvpc]\n",
                    body
                ),
                "FF4003"
            )
            .is_empty()
        );
        assert!(found(&t("  Mode:\n    Type: String\n", body), "FF4003").is_empty());
    }

    #[test]
    fn a_launch_type_from_a_parameter_is_checked_for_each_value() {
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [EC2]\n      ContainerDefinitions: [{Name: app, Image: nginx, Memory: 512}]\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n      LaunchType: !Ref Launch\n";
        let d = found(
            &t(
                "  Launch:\n    Type: String\n    AllowedValues: [EC2, FARGATE]\n",
                body,
            ),
            "FF4011",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].2.contains("runs on FARGATE (when Launch = FARGATE)"),
            "{}",
            d[0].2
        );
        assert!(
            found(
                &t(
                    "  Launch:\n    Type: String\n    AllowedValues: [EC2]\n",
                    body
                ),
                "FF4011"
            )
            .is_empty()
        );
    }

    /// Every other rule of the directory is run again on the template as each case makes
    /// it (`under_parameters`): here FF4056 and FF4055, which read literals themselves.
    #[test]
    fn every_rule_is_judged_under_each_case_of_the_parameters() {
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: !Ref Mode\n      ContainerDefinitions:\n        - {Name: db, Image: postgres, Memory: 512}\n        - {Name: app, Image: nginx, Memory: 512, Links: [db]}\n";
        let mode = "  Mode:\n    Type: String\n    AllowedValues: [bridge, awsvpc]\n";
        let d = found(&t(mode, body), "FF4056");
        assert_eq!(
            d.iter().map(|d| (d.0, d.1.as_str())).collect::<Vec<_>>(),
            [("error", "Task.Properties.ContainerDefinitions[1].Links")]
        );
        assert!(d[0].2.ends_with(" (when Mode = awsvpc)"), "{}", d[0].2);
        let bridge = "  Mode:\n    Type: String\n    AllowedValues: [bridge]\n";
        assert!(found(&t(bridge, body), "FF4056").is_empty());
        // A Default is a value the parameter takes; a parameter with neither AllowedValues
        // nor Default can be anything and says nothing.
        let default = "  Mode:\n    Type: String\n    Default: awsvpc\n";
        assert_eq!(found(&t(default, body), "FF4056").len(), 1);
        assert!(found(&t("  Mode:\n    Type: String\n", body), "FF4056").is_empty());

        // A condition: the flag is judged in the case that sets it, and a resource whose
        // condition is false is not there.
        let debug = "  Debug:\n    Type: String\n    AllowedValues: ['yes', 'no']\nConditions:\n  IsDebug: !Equals [!Ref Debug, 'yes']\n";
        let fargate = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {Name: app, Image: nginx, Privileged: !If [IsDebug, true, !Ref AWS::NoValue]}\n";
        let d = found(&t(debug, fargate), "FF4055");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].1, "Task.Properties.ContainerDefinitions[0].Privileged");
        assert!(d[0].2.ends_with(" (when Debug = yes)"), "{}", d[0].2);
        let only_in_debug = fargate.replace(
            "    Type: AWS::ECS::TaskDefinition\n",
            "    Type: AWS::ECS::TaskDefinition\n    Condition: IsNotDebug\n",
        );
        let both = format!("{debug}  IsNotDebug: !Not [Condition: IsDebug]\n");
        assert!(found(&t(&both, &only_in_debug), "FF4055").is_empty());
    }

    /// A finding about one resource that comes from another's parameter names that
    /// parameter: a service without a NetworkConfiguration fails when its task definition's
    /// network mode is awsvpc, whatever its own desired count.
    #[test]
    fn the_case_names_the_parameters_of_the_resources_related_to_the_finding() {
        let params = "  Mode:\n    Type: String\n    AllowedValues: [bridge, awsvpc]\n  Count:\n    Type: Number\n    AllowedValues: [1, 2]\n";
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: !Ref Mode\n      ContainerDefinitions: [{Name: app, Image: nginx, Memory: 512}]\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n      DesiredCount: !Ref Count\n";
        let d = found(&t(params, body), "FF4012");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].1, "Service.Properties");
        assert!(d[0].2.contains("Mode = awsvpc"), "{}", d[0].2);
        // Another task definition's parameter is no neighbour of the service: not named.
        let other = "  Other:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: !Ref OtherMode\n      ContainerDefinitions: [{Name: app, Image: nginx, Memory: 512}]\n";
        let other_mode = "  OtherMode:\n    Type: String\n    AllowedValues: [bridge, host]\n";
        let d = found(
            &t(&format!("{params}{other_mode}"), &format!("{body}{other}")),
            "FF4012",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].2.ends_with(" (when Mode = awsvpc; Count = 1)"),
            "{}",
            d[0].2
        );
    }

    /// Each finding of a case is reported, those of one rule at other paths and those with
    /// the same message at other paths included; what the template as written reports is
    /// not repeated, and does not hide a finding of the same rule elsewhere.
    #[test]
    fn each_finding_of_a_case_is_reported_once() {
        let mode = "  Mode:\n    Type: String\n    AllowedValues: [bridge, awsvpc]\n";
        let body = "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: !Ref Mode\n      ContainerDefinitions:\n        - {Name: db, Image: postgres, Memory: 512}\n        - {Name: a, Image: nginx, Memory: 512, Links: [db]}\n        - {Name: b, Image: nginx, Memory: 512, Links: [db]}\n        - {Name: c, Image: nginx, Memory: 512, Hostname: c}\n  Fixed:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: awsvpc\n      ContainerDefinitions:\n        - {Name: db, Image: postgres, Memory: 512}\n        - {Name: a, Image: nginx, Memory: 512, Links: [db]}\n";
        let d = found(&t(mode, body), "FF4056");
        assert_eq!(
            d.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            [
                "Fixed.Properties.ContainerDefinitions[1].Links",
                "Task.Properties.ContainerDefinitions[1].Links",
                "Task.Properties.ContainerDefinitions[2].Links",
                "Task.Properties.ContainerDefinitions[3].Hostname",
            ],
            "{d:?}"
        );
        assert!(!d[0].2.contains("(when"), "{}", d[0].2);
        for d in &d[1..] {
            assert!(d.2.ends_with(" (when Mode = awsvpc)"), "{}", d.2);
        }
    }

    /// Only the resources the rules read are specialized: the parameters of others do not
    /// count towards the bound of cases (256), past which nothing would be judged.
    #[test]
    fn parameters_of_resources_the_rules_do_not_read_are_not_followed() {
        let mut params =
            String::from("  Mode:\n    Type: String\n    AllowedValues: [bridge, awsvpc]\n");
        let mut tags = String::new();
        for i in 0..8 {
            params.push_str(&format!(
                "  T{i}:\n    Type: String\n    AllowedValues: [a, b]\n"
            ));
            tags.push_str(&format!("        - {{Key: k{i}, Value: !Ref T{i}}}\n"));
        }
        let body = format!(
            "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: !Ref Mode\n      ContainerDefinitions:\n        - {{Name: db, Image: postgres, Memory: 512}}\n        - {{Name: a, Image: nginx, Memory: 512, Links: [db]}}\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Tags:\n{tags}"
        );
        let d = found(&t(&params, &body), "FF4056");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].2.ends_with(" (when Mode = awsvpc)"), "{}", d[0].2);
    }

    /// The resources the rules relate to their own are read under each case too: here an
    /// Auto Scaling group whose scale-in protection comes from a parameter.
    #[test]
    fn related_resources_are_read_under_each_case() {
        let protect = "  Protect:\n    Type: String\n    AllowedValues: ['true', 'false']\n";
        let body = "  Group:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MinSize: '0'\n      MaxSize: '2'\n      NewInstancesProtectedFromScaleIn: !Ref Protect\n  Provider:\n    Type: AWS::ECS::CapacityProvider\n    Properties:\n      AutoScalingGroupProvider:\n        AutoScalingGroupArn: !Ref Group\n        ManagedTerminationProtection: ENABLED\n        ManagedScaling: {Status: ENABLED}\n";
        let d = found(&t(protect, body), "FF4042");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].1,
            "Provider.Properties.AutoScalingGroupProvider.ManagedTerminationProtection"
        );
        assert!(d[0].2.ends_with(" (when Protect = false)"), "{}", d[0].2);
    }
}
