//! Capacity providers: names, managed scaling and termination protection.

use super::*;
use crate::model::json::Field;

/// The reserved prefix (`aws`, `ecs`, `fargate`, in any case) `name` starts with.
pub(super) fn reserved_prefix(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    ["aws", "ecs", "fargate"]
        .into_iter()
        .find(|pre| lower.starts_with(pre))
}

pub(super) fn capacity_providers(cx: &mut Cx) {
    let cps: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::CapacityProvider")
        .map(|(id, _, p)| (id, p))
        .collect();
    // Without a Name, CloudFormation names the provider `<stack>-<logical id>-<suffix>`: a
    // stack name that starts with a reserved prefix makes the creation fail. Checked when the
    // template is a stack's (its name is a stack name, not a file path).
    let stack = cx.source;
    let stack_prefix = crate::model::stack::valid_stack_name(stack)
        .then(|| reserved_prefix(stack))
        .flatten();
    for (id, props) in cps {
        let p = |k: &str| props.and_then(|m| m.field(k));
        if p("Name").is_none()
            && let Some(prefix) = stack_prefix
        {
            cx.report(
                rules::CAPACITY_PROVIDER_NAME,
                Some(id),
                format!("{id}.Properties"),
                format!(
                    "no Name: CloudFormation names the capacity provider after the stack \
                     (`{stack}-{id}-...`), which starts with `{prefix}`"
                ),
                Some(
                    "set Name to one that does not start with aws, ecs or fargate (in any \
                     case), or rename the stack"
                        .into(),
                ),
            );
        }
        if let Some(name) = lit_str(p("Name"))
            && let Some(prefix) = reserved_prefix(name)
        {
            cx.report(
                rules::CAPACITY_PROVIDER_NAME,
                Some(id),
                format!("{id}.Properties.Name"),
                format!("capacity provider name `{name}` starts with `{prefix}`"),
                Some("names starting with aws, ecs or fargate are reserved: choose another".into()),
            );
        }
        let Some(asg) = p("AutoScalingGroupProvider").and_then(Json::as_object) else {
            continue;
        };
        if lit_str(asg.field("ManagedTerminationProtection")) != Some("ENABLED") {
            continue;
        }
        let base = format!("{id}.Properties.AutoScalingGroupProvider");
        let scaling = asg.field("ManagedScaling");
        if lit_str(scaling.and_then(|s| s.field("Status"))) == Some("DISABLED") {
            cx.report(
                rules::TERMINATION_PROTECTION_SCALING,
                Some(id),
                format!("{base}.ManagedTerminationProtection"),
                "managed termination protection needs managed scaling, which is DISABLED",
                Some(
                    "set ManagedScaling.Status: ENABLED, or ManagedTerminationProtection: DISABLED"
                        .into(),
                ),
            );
        }
        let Some(group) = ref_or_getatt_target(asg.field("AutoScalingGroupArn")) else {
            continue;
        };
        if cx.resource_type(group) != Some("AWS::AutoScaling::AutoScalingGroup") {
            continue;
        }
        let prop = cx
            .resource(group)
            .and_then(|r| r.field("Properties"))
            .and_then(|p| p.field("NewInstancesProtectedFromScaleIn"));
        if prop.is_some_and(is_expr) {
            continue;
        }
        if lit_bool(prop) != Some(true) {
            cx.report(
                rules::TERMINATION_PROTECTION_SCALE_IN,
                Some(id),
                format!("{base}.ManagedTerminationProtection"),
                format!("managed termination protection needs the Auto Scaling group `{group}` to protect new instances from scale-in"),
                Some(format!("set NewInstancesProtectedFromScaleIn: true on `{group}`")),
            );
        }
    }
}

/// What keeps a task definition off Fargate Spot, if anything: "Linux tasks with the ARM64
/// architecture don't support the Fargate Spot capacity provider" and "Windows containers
/// on Fargate don't support the Fargate Spot capacity provider" (the ECS guide, Fargate
/// capacity providers,
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html>).
fn spot_refuses(task_props: Option<&JsonMap>) -> Option<&'static str> {
    let platform = task_props?.field("RuntimePlatform")?;
    if lit_str(platform.field("CpuArchitecture")) == Some("ARM64") {
        return Some("ARM64 (Graviton)");
    }
    lit_str(platform.field("OperatingSystemFamily"))
        .filter(|os| os.starts_with("WINDOWS"))
        .map(|_| "Windows")
}

/// The index of a strategy's `FARGATE_SPOT` entry that can place tasks (weight or base
/// above 0, or not written out).
fn spot_entry(strategy: Option<&Json>) -> Option<usize> {
    strategy?.as_array()?.iter().position(|e| {
        lit_str(e.field("CapacityProvider")) == Some("FARGATE_SPOT")
            && (lit_num(e.field("Weight")).is_none_or(|w| w > 0.0)
                || lit_num(e.field("Base")).is_some_and(|b| b > 0.0))
    })
}

/// FF4043: a service or an EventBridge rule's ECS target that places ARM64 or Windows tasks
/// on Fargate Spot.
pub(super) fn fargate_spot_platforms(cx: &mut Cx) {
    let mut found: Vec<(String, String, String, &'static str)> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::Service") {
        let p = |k: &str| props.and_then(|m| m.field(k));
        let (Some(i), Some(task)) = (
            spot_entry(p("CapacityProviderStrategy")),
            ref_target(p("TaskDefinition")),
        ) else {
            continue;
        };
        if let Some(why) = spot_refuses(task_props(cx, task)) {
            found.push((
                id.to_owned(),
                format!("{id}.Properties.CapacityProviderStrategy[{i}]"),
                task.to_owned(),
                why,
            ));
        }
    }
    for (id, _, props) in cx.resources_of("AWS::Events::Rule") {
        let Some(targets) = props
            .and_then(|m| m.field("Targets"))
            .and_then(Json::as_array)
        else {
            continue;
        };
        for (t, target) in targets.iter().enumerate() {
            let Some(ecs) = target.field("EcsParameters") else {
                continue;
            };
            let (Some(i), Some(task)) = (
                spot_entry(ecs.field("CapacityProviderStrategy")),
                ref_target(ecs.field("TaskDefinitionArn")),
            ) else {
                continue;
            };
            if let Some(why) = spot_refuses(task_props(cx, task)) {
                found.push((
                    id.to_owned(),
                    format!(
                        "{id}.Properties.Targets[{t}].EcsParameters.CapacityProviderStrategy[{i}]"
                    ),
                    task.to_owned(),
                    why,
                ));
            }
        }
    }
    for (id, path, task, why) in found {
        cx.report(
            rules::FARGATE_SPOT_PLATFORM,
            Some(&id),
            path,
            format!("task definition `{task}` runs {why} tasks, which Fargate Spot does not run: the tasks would never be placed"),
            Some("use FARGATE (or EC2 capacity) for these tasks; Fargate Spot runs only Linux X86_64 tasks".into()),
        );
    }
}

/// The properties of task definition `id` of the template.
fn task_props<'a>(cx: &Cx<'a>, id: &str) -> Option<&'a JsonMap> {
    (cx.resource_type(id) == Some("AWS::ECS::TaskDefinition"))
        .then(|| cx.resource(id))
        .flatten()
        .and_then(|r| r.field("Properties"))
        .and_then(Json::as_object)
}

/// FF4044: a Managed Instances capacity provider listed among a cluster's capacity
/// providers (`AWS::ECS::ClusterCapacityProviderAssociations` or `AWS::ECS::Cluster`
/// `CapacityProviders`). Such a provider belongs to the cluster its `ClusterName` names
/// ("When you create a capacity provider with Amazon ECS Managed Instances, it becomes
/// available only within the specified cluster", `CreateCapacityProvider`), and
/// `PutClusterCapacityProviders`, which both resources call, refuses it: "Cannot associate
/// Managed Instances capacity provider to clusters using this API".
pub(super) fn managed_instances_associations(cx: &mut Cx) {
    let managed: Vec<&str> = cx
        .resources_of("AWS::ECS::CapacityProvider")
        .filter(|(_, _, p)| p.is_some_and(|m| m.contains_key("ManagedInstancesProvider")))
        .map(|(id, _, _)| id)
        .collect();
    if managed.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for kind in [
        "AWS::ECS::ClusterCapacityProviderAssociations",
        "AWS::ECS::Cluster",
    ] {
        for (id, _, props) in cx.resources_of(kind) {
            let Some(list) = props
                .and_then(|m| m.field("CapacityProviders"))
                .and_then(Json::as_array)
            else {
                continue;
            };
            for (i, item) in list.iter().enumerate() {
                if let Some(target) = ref_target(Some(item)).filter(|t| managed.contains(t)) {
                    found.push((id.to_owned(), i, target.to_owned()));
                }
            }
        }
    }
    for (id, i, target) in found {
        cx.report(
            rules::MANAGED_INSTANCES_ASSOCIATION,
            Some(&id),
            format!("{id}.Properties.CapacityProviders[{i}]"),
            format!("`{target}` is a Managed Instances capacity provider: it belongs to the cluster its ClusterName names, and ECS refuses to associate it with a cluster's capacity providers"),
            Some(format!("remove `{target}` from CapacityProviders and set its ClusterName to the cluster; services name it in their CapacityProviderStrategy")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::spot_entry;
    use serde_json::json;

    /// A `FARGATE_SPOT` entry places tasks when its weight is above 0 (or not written out,
    /// or an expression), or when its base is above 0.
    #[test]
    fn a_spot_entry_places_tasks_by_weight_or_base() {
        let at = |entry: serde_json::Value| {
            spot_entry(Some(
                &json!([{"CapacityProvider": "FARGATE", "Weight": 1}, entry]),
            ))
        };
        assert_eq!(at(json!({"CapacityProvider": "FARGATE_SPOT"})), Some(1));
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE_SPOT", "Weight": 2})),
            Some(1)
        );
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE_SPOT", "Weight": {"Ref": "W"}})),
            Some(1)
        );
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE_SPOT", "Weight": 0})),
            None
        );
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE_SPOT", "Weight": 0, "Base": 0})),
            None
        );
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE_SPOT", "Weight": 0, "Base": 1})),
            Some(1)
        );
        assert_eq!(
            at(json!({"CapacityProvider": "FARGATE", "Weight": 3})),
            None
        );
        assert_eq!(spot_entry(None), None);
    }
}
