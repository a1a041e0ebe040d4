//! ECS and friends (`FF4xxx`), from the AWS documentation: Fargate task sizes, containers,
//! services, ECR lifecycle policies, Application Auto Scaling, capacity providers.
//! Values that are expressions are skipped, never guessed.

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
pub(crate) use task::{FARGATE_CPUS, fargate_hint, fargate_memory, fargate_valid};
pub(crate) use volume::VOLUME_TYPES;
use volume::*;

pub(super) fn check(cx: &mut Cx) {
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
}
