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

/// (severity, rule, path, message, hint) of every diagnostic of `rule` for the YAML
/// template `text` (the unit tests of this directory's rules).
#[cfg(test)]
pub(super) fn found(text: &str, rule: &str) -> Vec<(&'static str, String, String, String)> {
    let t = crate::Template::parse("t.yaml", text).unwrap();
    crate::validate::validate(&t)
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            (
                d.severity.as_str(),
                d.path,
                d.message,
                d.hint.unwrap_or_default(),
            )
        })
        .collect()
}
