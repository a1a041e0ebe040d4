//! Services: launch type and capacity, load balancers and the listener dependency.

use super::*;

pub(super) fn services(cx: &mut Cx) {
    let services: Vec<(&str, &Json, Option<&JsonMap>)> =
        cx.resources_of("AWS::ECS::Service").collect();
    for (id, entry, props) in services {
        let p = |k: &str| props.and_then(|m| m.get(k));
        let launch = lit_str(p("LaunchType"));
        let task_id = ref_target(p("TaskDefinition"))
            .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"));
        let task_props = task_id
            .and_then(|t| cx.resource(t))
            .and_then(|r| r.get("Properties"))
            .and_then(Json::as_object);
        if launch == Some("FARGATE")
            && let Some(t) = task_id
        {
            let compat_set = task_props.and_then(|tp| tp.get("RequiresCompatibilities"));
            let compatible = match compat(task_props) {
                Some(c) => c.contains(&"FARGATE"),
                None => compat_set.is_some(), // an expression: not guessed
            };
            if !compatible {
                cx.report(
                    rules::FARGATE_SERVICE_COMPATIBILITY,
                    Some(id),
                    format!("{id}.Properties.LaunchType"),
                    format!("the service runs on FARGATE but its task definition `{t}` is not FARGATE-compatible"),
                    Some(format!("add FARGATE to `{t}`'s RequiresCompatibilities")),
                );
            }
        }
        if matches!(launch, Some("FARGATE" | "EXTERNAL"))
            && lit_str(p("SchedulingStrategy")) == Some("DAEMON")
        {
            cx.report(
                rules::UNSUPPORTED_DAEMON,
                Some(id),
                format!("{id}.Properties.SchedulingStrategy"),
                format!(
                    "a {} service cannot use the DAEMON scheduling strategy",
                    launch.unwrap_or_default()
                ),
                Some("use SchedulingStrategy: REPLICA".into()),
            );
        }
        if let Some(t) = task_id
            && lit_str(task_props.and_then(|tp| tp.get("NetworkMode"))) == Some("awsvpc")
            && p("NetworkConfiguration").is_none()
        {
            cx.report(
                rules::SERVICE_NETWORK_CONFIGURATION,
                Some(id),
                format!("{id}.Properties"),
                format!("the task definition `{t}` uses awsvpc, so the service needs a NetworkConfiguration"),
                Some("set NetworkConfiguration.AwsvpcConfiguration with Subnets (and SecurityGroups)".into()),
            );
        }
        listener_dependency(cx, id, entry, p("LoadBalancers"));
    }
}

/// Whether `v` contains `{"Ref": target}` (or a GetAtt of it) anywhere.
pub(super) fn mentions(v: &Json, target: &str) -> bool {
    if ref_or_getatt_target(Some(v)) == Some(target) {
        return true;
    }
    match v {
        Json::Object(m) => m.values().any(|x| mentions(x, target)),
        Json::Array(a) => a.iter().any(|x| mentions(x, target)),
        _ => false,
    }
}

pub(super) fn listener_dependency(cx: &mut Cx, id: &str, entry: &Json, lbs: Option<&Json>) {
    let Some(lbs) = lbs.and_then(Json::as_array) else {
        return;
    };
    let deps: Vec<&str> = match entry.get("DependsOn") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    for (i, lb) in lbs.iter().enumerate() {
        let Some(tg) = ref_target(lb.get("TargetGroupArn")) else {
            continue;
        };
        let listeners: Vec<&str> = cx
            .resources
            .into_iter()
            .flatten()
            .filter(|(_, r)| {
                matches!(
                    r.get("Type").and_then(Json::as_str),
                    Some(
                        "AWS::ElasticLoadBalancingV2::Listener"
                            | "AWS::ElasticLoadBalancingV2::ListenerRule"
                    )
                ) && r.get("Properties").is_some_and(|p| mentions(p, tg))
            })
            .map(|(k, _)| k.as_str())
            .collect();
        if listeners.is_empty() || listeners.iter().any(|l| deps.contains(l)) {
            continue;
        }
        cx.report(
            rules::LISTENER_DEPENDENCY,
            Some(id),
            format!("{id}.Properties.LoadBalancers[{i}]"),
            format!(
                "the service uses target group `{tg}` but does not depend on {}, which attaches it to a load balancer",
                one_of(&listeners)
            ),
            Some(format!(
                "add DependsOn: {} so the target group is attached before the service starts",
                listeners[0]
            )),
        );
    }
}
