//! Capacity providers: names, managed scaling and termination protection.

use super::*;

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
        let p = |k: &str| props.and_then(|m| m.get(k));
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
        if lit_str(asg.get("ManagedTerminationProtection")) != Some("ENABLED") {
            continue;
        }
        let base = format!("{id}.Properties.AutoScalingGroupProvider");
        let scaling = asg.get("ManagedScaling");
        if lit_str(scaling.and_then(|s| s.get("Status"))) == Some("DISABLED") {
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
        let Some(group) = ref_or_getatt_target(asg.get("AutoScalingGroupArn")) else {
            continue;
        };
        if cx.resource_type(group) != Some("AWS::AutoScaling::AutoScalingGroup") {
            continue;
        }
        let prop = cx
            .resource(group)
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("NewInstancesProtectedFromScaleIn"));
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
