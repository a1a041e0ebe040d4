//! Services: launch type and capacity, load balancers and the listener dependency.

use super::*;
use crate::model::json::Field;

pub(super) fn services(cx: &mut Cx) {
    let services: Vec<(&str, &Json, Option<&JsonMap>)> =
        cx.resources_of("AWS::ECS::Service").collect();
    for (id, entry, props) in services {
        let p = |k: &str| props.and_then(|m| m.field(k));
        let launch = lit_str(p("LaunchType"));
        let task_id = ref_target(p("TaskDefinition"))
            .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"));
        let task_props = task_id
            .and_then(|t| cx.resource(t))
            .and_then(|r| r.field("Properties"))
            .and_then(Json::as_object);
        if let Some(t) = task_id
            && let Some(lt) = p("LaunchType")
        {
            let compat_set = task_props.and_then(|tp| tp.field("RequiresCompatibilities"));
            let compatible = match compat(task_props) {
                Some(c) => c.contains(&"FARGATE"),
                None => compat_set.is_some(), // an expression: not guessed
            };
            // The launch type as written, or each value a parameter (condition, mapping)
            // can give it.
            let fargate_when: Vec<String> = crate::validate::resolve::cases(cx, &[lt])
                .into_iter()
                .filter(|c| matches!(&c.values[0], Some(Json::String(v)) if v == "FARGATE"))
                .map(|c| c.when())
                .collect();
            if !compatible {
                for when in fargate_when {
                    cx.report(
                        rules::FARGATE_SERVICE_COMPATIBILITY,
                        Some(id),
                        format!("{id}.Properties.LaunchType"),
                        format!("the service runs on FARGATE{when} but its task definition `{t}` is not FARGATE-compatible"),
                        Some(format!("add FARGATE to `{t}`'s RequiresCompatibilities")),
                    );
                }
            }
        }
        // "Tasks using the Fargate launch type or the CODE_DEPLOY or EXTERNAL deployment
        // controller types don't support the DAEMON scheduling strategy" (CreateService). The
        // EXTERNAL *launch type* (ECS Anywhere) runs daemons.
        let controller = lit_str(p("DeploymentController").and_then(|d| d.field("Type")));
        let daemon_refused = match (launch, controller) {
            (Some("FARGATE"), _) => Some("a FARGATE service".to_owned()),
            (_, Some(c @ ("CODE_DEPLOY" | "EXTERNAL"))) => {
                Some(format!("a service with the {c} deployment controller"))
            }
            _ => None,
        };
        if let Some(what) = daemon_refused
            && lit_str(p("SchedulingStrategy")) == Some("DAEMON")
        {
            cx.report(
                rules::UNSUPPORTED_DAEMON,
                Some(id),
                format!("{id}.Properties.SchedulingStrategy"),
                format!("{what} cannot use the DAEMON scheduling strategy"),
                Some("use SchedulingStrategy: REPLICA".into()),
            );
        }
        if let Some(t) = task_id
            && lit_str(task_props.and_then(|tp| tp.field("NetworkMode"))) == Some("awsvpc")
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
        deployment(cx, id, props);
        if let Some(t) = task_id {
            service_connect_ports(cx, id, t, p("ServiceConnectConfiguration"), task_props);
            volume_configurations(cx, id, t, p("VolumeConfigurations"), task_props);
        }
        managed_ebs_volumes(cx, id, props, task_props);
        service_connect(cx, id, p("ServiceConnectConfiguration"), task_props);
    }
}

/// The names of the port mappings of a task definition's containers; `None` when any of
/// them is not written out (an expression somewhere on the way).
fn port_names(task_props: Option<&JsonMap>) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    for c in task_props?.field("ContainerDefinitions")?.as_array()? {
        let Some(mappings) = c.field("PortMappings") else {
            continue;
        };
        for m in mappings.as_array()? {
            match m.field("Name") {
                None => {}
                Some(n) => names.push(n.as_str()?),
            }
        }
    }
    Some(names)
}

/// FF4019: "The portName must match the name of one of the portMappings from all the
/// containers in the task definition of this Amazon ECS service" (`ServiceConnectService`,
/// ECS API reference).
fn service_connect_ports(
    cx: &mut Cx,
    id: &str,
    task: &str,
    config: Option<&Json>,
    task_props: Option<&JsonMap>,
) {
    let Some(config) = config.and_then(Json::as_object) else {
        return;
    };
    if lit_bool(config.field("Enabled")) == Some(false) {
        return;
    }
    let Some(services) = config.field("Services").and_then(Json::as_array) else {
        return;
    };
    let Some(names) = port_names(task_props) else {
        return;
    };
    for (i, service) in services.iter().enumerate() {
        let Some(port) = lit_str(service.field("PortName")) else {
            continue;
        };
        if names.contains(&port) {
            continue;
        }
        cx.report(
            rules::SERVICE_CONNECT_PORT_NAME,
            Some(id),
            format!("{id}.Properties.ServiceConnectConfiguration.Services[{i}].PortName"),
            format!(
                "Service Connect serves port `{port}`, but no port mapping of task definition `{task}` is named so ({})",
                if names.is_empty() {
                    "none has a Name".to_owned()
                } else {
                    format!("names: {}", names.join(", "))
                }
            ),
            Some(format!(
                "give the container's port mapping Name: {port} in `{task}`, or use one of its names"
            )),
        );
    }
}

/// FF4050: a service's `VolumeConfigurations[].Name` "must match the volume name from the
/// `Volume` object in the task definition", a volume configured at launch
/// (`ConfiguredAtLaunch: true`) — the template reference, `ServiceVolumeConfiguration`
/// and `Volume`.
fn volume_configurations(
    cx: &mut Cx,
    id: &str,
    task: &str,
    configs: Option<&Json>,
    task_props: Option<&JsonMap>,
) {
    let Some(configs) = configs.and_then(Json::as_array) else {
        return;
    };
    // (name, configured at launch: Some(bool) when literal) of every volume; `None` when
    // the list or a name is an expression.
    let volumes: Option<Vec<(&str, Option<bool>)>> =
        match task_props.and_then(|t| t.field("Volumes")) {
            None => Some(Vec::new()),
            Some(v) => v.as_array().and_then(|list| {
                list.iter()
                    .map(|v| {
                        let name = v.field("Name")?.as_str()?;
                        let at_launch = match v.field("ConfiguredAtLaunch") {
                            None => Some(false),
                            x => lit_bool(x),
                        };
                        Some((name, at_launch))
                    })
                    .collect()
            }),
        };
    let Some(volumes) = volumes else {
        return;
    };
    for (i, c) in configs.iter().enumerate() {
        let Some(name) = lit_str(c.field("Name")) else {
            continue;
        };
        let found = volumes.iter().find(|(n, _)| *n == name);
        let problem = match found {
            None => format!("task definition `{task}` has no volume named `{name}`"),
            Some((_, Some(false))) => format!(
                "volume `{name}` of task definition `{task}` is not configured at launch (ConfiguredAtLaunch is not true)"
            ),
            Some(_) => continue,
        };
        let at_launch: Vec<&str> = volumes
            .iter()
            .filter(|(_, a)| *a == Some(true))
            .map(|(n, _)| *n)
            .collect();
        cx.report(
            rules::SERVICE_VOLUME_CONFIGURATION,
            Some(id),
            format!("{id}.Properties.VolumeConfigurations[{i}].Name"),
            format!("the service configures volume `{name}` at launch, but {problem}"),
            Some(match at_launch.first() {
                Some(v) => format!("name the task's volume configured at launch: {v}"),
                None => format!("add a volume {name} with ConfiguredAtLaunch: true to `{task}`"),
            }),
        );
    }
}

/// The longest linear or canary deployment CloudFormation accepts, in minutes: it times an
/// ECS service operation out after 36 hours, and refuses a deployment whose bake times add
/// up to more than 33 (the `LinearConfiguration` and `CanaryConfiguration` pages of the
/// CloudFormation template reference).
pub(crate) const MAX_DEPLOYMENT_MINUTES: i64 = 33 * 60;

/// ECS's defaults when a value is not given (the same pages): a bake time of 15 minutes for
/// blue/green, linear and canary deployments; linear steps of 10 % with 6 minutes between
/// them; a canary bake time of 10 minutes.
const DEFAULT_BAKE_MINUTES: i64 = 15;
const DEFAULT_STEP_PERCENT: f64 = 10.0;
const DEFAULT_STEP_BAKE_MINUTES: i64 = 6;
const DEFAULT_CANARY_BAKE_MINUTES: i64 = 10;

/// The steps CloudFormation counts for a linear deployment of `step_percent` % per step:
/// `100 / step - 1` when the step divides 100, else `floor(100 / step)` (no bake time after
/// the last shift). `None` for a step outside 0.1–100.
pub(crate) fn linear_steps(step_percent: f64) -> Option<i64> {
    let tenths = (step_percent * 10.0).round();
    if !(1.0..=1000.0).contains(&tenths) {
        return None;
    }
    // In range 1..=1000, so exact as an integer.
    #[allow(clippy::cast_possible_truncation)]
    let tenths = tenths as i64;
    Some(if 1000 % tenths == 0 {
        1000 / tenths - 1
    } else {
        1000 / tenths
    })
}

/// The deployment strategy's facts: FF4015-FF4018.
fn deployment(cx: &mut Cx, id: &str, props: Option<&JsonMap>) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    let Some(dc) = p("DeploymentConfiguration").and_then(Json::as_object) else {
        return;
    };
    let at = format!("{id}.Properties.DeploymentConfiguration");
    let strategy_value = dc.field("Strategy");
    // Absent: ROLLING. An expression: not guessed.
    let strategy = match strategy_value {
        None => Some("ROLLING"),
        v => lit_str(v),
    };
    let controller = match p("DeploymentController").and_then(|c| c.field("Type")) {
        None => Some("ECS"),
        v => lit_str(v),
    };
    if let (Some(s @ ("BLUE_GREEN" | "LINEAR" | "CANARY")), Some(c)) = (strategy, controller)
        && c != "ECS"
    {
        cx.report(
            rules::STRATEGY_CONTROLLER,
            Some(id),
            format!("{at}.Strategy"),
            format!("the {s} deployment strategy needs the ECS deployment controller, and this service's is {c}"),
            Some("remove DeploymentController (ECS is the default) or set its Type to ECS; CODE_DEPLOY deployments are configured in CodeDeploy instead".into()),
        );
    }
    if let (Some(s @ ("BLUE_GREEN" | "LINEAR" | "CANARY")), Some("ECS")) = (strategy, controller) {
        traffic_shifting(cx, id, s, p("LoadBalancers"));
    }
    if let Some(c @ ("CODE_DEPLOY" | "EXTERNAL")) = controller
        && dc.contains_key("BakeTimeInMinutes")
    {
        cx.report(
            rules::BAKE_TIME_CONTROLLER,
            Some(id),
            format!("{at}.BakeTimeInMinutes"),
            format!("the {c} deployment controller does not support BakeTimeInMinutes"),
            Some("remove BakeTimeInMinutes, or use the ECS deployment controller".into()),
        );
    }
    if let Some(s) = strategy {
        for (key, wanted) in [
            ("LinearConfiguration", "LINEAR"),
            ("CanaryConfiguration", "CANARY"),
        ] {
            if dc.contains_key(key) && s != wanted {
                cx.report(
                    rules::STRATEGY_CONFIGURATION,
                    Some(id),
                    format!("{at}.{key}"),
                    format!(
                        "{key} is only valid with the {wanted} strategy, and this service's is {s}"
                    ),
                    Some(format!("set Strategy: {wanted}, or remove {key}")),
                );
            }
        }
    }
    // A literal minute count, the default when absent, `None` for an expression.
    let minutes = |m: Option<&JsonMap>, k: &str, default: i64| match m.and_then(|m| m.field(k)) {
        None => Some(default),
        v => lit_num(v).map(|n| n.round() as i64),
    };
    let bake = minutes(Some(dc), "BakeTimeInMinutes", DEFAULT_BAKE_MINUTES);
    let too_long = |total: i64, how: String| {
        (total > MAX_DEPLOYMENT_MINUTES).then(|| {
            format!(
                "{how} = {total} minutes, over the {MAX_DEPLOYMENT_MINUTES} minutes (33 hours) CloudFormation accepts for one deployment"
            )
        })
    };
    let found = match strategy {
        Some("LINEAR") => {
            let lc = dc.field("LinearConfiguration").and_then(Json::as_object);
            let step = match lc.and_then(|m| m.field("StepPercent")) {
                None => Some(DEFAULT_STEP_PERCENT),
                v => lit_num(v),
            };
            let step_bake = minutes(lc, "StepBakeTimeInMinutes", DEFAULT_STEP_BAKE_MINUTES);
            match (bake, step.and_then(linear_steps), step_bake) {
                (Some(b), Some(n), Some(sb)) => too_long(
                    b + sb * n,
                    format!("bake time {b} + {n} steps × {sb} minutes between steps"),
                ),
                _ => None,
            }
        }
        Some("CANARY") => {
            let cc = dc.field("CanaryConfiguration").and_then(Json::as_object);
            match (
                bake,
                minutes(cc, "CanaryBakeTimeInMinutes", DEFAULT_CANARY_BAKE_MINUTES),
            ) {
                (Some(b), Some(c)) => {
                    too_long(b + c, format!("bake time {b} + canary bake time {c}"))
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(message) = found {
        cx.report(
            rules::DEPLOYMENT_TOO_LONG,
            Some(id),
            at,
            format!("the deployment takes too long: {message}"),
            Some("shorten the bake times, or shift more traffic per step".into()),
        );
    }
}

/// FF4080 (warning): a blue/green, linear or canary service behind a target group whose
/// `AdvancedConfiguration` lacks what ECS shifts traffic with — "the alternate target
/// group, listener rules, and IAM role required for traffic shifting" (the template
/// reference, `AdvancedConfiguration`).
fn traffic_shifting(cx: &mut Cx, id: &str, strategy: &str, lbs: Option<&Json>) {
    let Some(lbs) = lbs.and_then(Json::as_array) else {
        return;
    };
    for (i, lb) in lbs.iter().enumerate() {
        if lb.field("TargetGroupArn").is_none() {
            continue;
        }
        let advanced = lb.field("AdvancedConfiguration");
        let missing: Vec<&str> = [
            "AlternateTargetGroupArn",
            "ProductionListenerRule",
            "RoleArn",
        ]
        .into_iter()
        .filter(|k| advanced.and_then(|a| a.field(k)).is_none())
        .collect();
        if missing.is_empty() || advanced.is_some_and(is_expr) {
            continue;
        }
        cx.report(
            rules::TRAFFIC_SHIFTING_PARTS,
            Some(id),
            format!("{id}.Properties.LoadBalancers[{i}]"),
            format!(
                "the {strategy} deployment shifts traffic between target groups, but this load balancer entry has no {}",
                missing.join(", no ")
            ),
            Some("set AdvancedConfiguration with AlternateTargetGroupArn, ProductionListenerRule and RoleArn (LoadBalancedFargateService makes them)".into()),
        );
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
    let deps: Vec<&str> = match entry.field("DependsOn") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    for (i, lb) in lbs.iter().enumerate() {
        let Some(tg) = ref_target(lb.field("TargetGroupArn")) else {
            continue;
        };
        let listeners: Vec<&str> = cx
            .resources
            .into_iter()
            .flatten()
            .filter(|(_, r)| {
                matches!(
                    r.field("Type").and_then(Json::as_str),
                    Some(
                        "AWS::ElasticLoadBalancingV2::Listener"
                            | "AWS::ElasticLoadBalancingV2::ListenerRule"
                    )
                ) && r.field("Properties").is_some_and(|p| mentions(p, tg))
            })
            .map(|(k, _)| k.as_str())
            .collect();
        // A DependsOn, or a Ref / GetAtt of the listener in the service's properties (an
        // implicit dependency, e.g. the production listener of a blue/green deployment).
        let waits_for = |l: &&str| {
            deps.contains(l) || entry.field("Properties").is_some_and(|p| mentions(p, l))
        };
        if listeners.is_empty() || listeners.iter().any(waits_for) {
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

#[cfg(test)]
mod tests {
    use super::super::found;
    use super::linear_steps;

    /// DAEMON is refused on Fargate and with the CODE_DEPLOY or EXTERNAL deployment
    /// controller; the EXTERNAL launch type (ECS Anywhere instances) runs daemons.
    #[test]
    fn daemon_services_are_refused_only_where_ecs_refuses_them() {
        let service = |extra: &str| {
            format!(
                "Resources:\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/t:1\n      SchedulingStrategy: DAEMON\n{extra}"
            )
        };
        let daemon = |extra: &str| found(&service(extra), "FF4014");
        assert!(daemon("      LaunchType: EXTERNAL\n").is_empty());
        assert!(daemon("      LaunchType: EC2\n").is_empty());
        let fargate = daemon("      LaunchType: FARGATE\n");
        assert_eq!(fargate.len(), 1);
        assert_eq!(fargate[0].1, "S.Properties.SchedulingStrategy");
        assert!(fargate[0].2.starts_with("a FARGATE service"), "{fargate:?}");
        for c in ["CODE_DEPLOY", "EXTERNAL"] {
            let d = daemon(&format!(
                "      LaunchType: EC2\n      DeploymentController: {{Type: {c}}}\n"
            ));
            assert_eq!(d.len(), 1, "{c}");
            assert!(
                d[0].2.contains(&format!("the {c} deployment controller")),
                "{d:?}"
            );
        }
    }

    /// A canary deployment of `bake + canary` minutes: CloudFormation takes 33 hours
    /// (1980 minutes) and no more.
    #[test]
    fn a_deployment_of_exactly_33_hours_is_accepted() {
        let canary = |bake: i64, canary: i64| {
            found(
                &format!(
                    "Resources:\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      DeploymentController: {{Type: ECS}}\n      DeploymentConfiguration:\n        Strategy: CANARY\n        BakeTimeInMinutes: {bake}\n        CanaryConfiguration: {{CanaryPercent: 10, CanaryBakeTimeInMinutes: {canary}}}\n"
                ),
                "FF4017",
            )
        };
        assert_eq!(canary(1380, 600), vec![]);
        assert_eq!(canary(1380, 601).len(), 1);
    }

    /// FF4015, FF4016, FF4017 and FF4080 on the deployment strategies of the ECS
    /// controller: the controller each needs, the configuration each takes, a linear
    /// deployment's length at exactly 33 hours, and the parts traffic shifting needs.
    #[test]
    fn deployment_strategies_are_judged_with_their_controller_and_configuration() {
        let service = |dc: &str, extra: &str| {
            format!(
                "Resources:\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      DeploymentConfiguration:\n{dc}{extra}"
            )
        };
        let green = "        Strategy: BLUE_GREEN\n";
        assert!(
            found(
                &service(green, "      DeploymentController: {Type: ECS}\n"),
                "FF4015"
            )
            .is_empty()
        );
        let f = found(
            &service(green, "      DeploymentController: {Type: CODE_DEPLOY}\n"),
            "FF4015",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].1,
            "Service.Properties.DeploymentConfiguration.Strategy"
        );

        let linear = "        LinearConfiguration: {StepPercent: 10}\n";
        assert!(
            found(
                &service(&format!("        Strategy: LINEAR\n{linear}"), ""),
                "FF4016"
            )
            .is_empty()
        );
        let f = found(
            &service(&format!("        Strategy: CANARY\n{linear}"), ""),
            "FF4016",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].1,
            "Service.Properties.DeploymentConfiguration.LinearConfiguration"
        );

        // 10 % steps are 9 steps: bake + 9 × step bake, 1980 minutes at most.
        let long = |bake: i64, step_bake: i64| {
            found(
                &service(
                    &format!(
                        "        Strategy: LINEAR\n        BakeTimeInMinutes: {bake}\n        LinearConfiguration: {{StepPercent: 10, StepBakeTimeInMinutes: {step_bake}}}\n"
                    ),
                    "",
                ),
                "FF4017",
            )
        };
        assert!(long(90, 210).is_empty());
        let f = long(91, 210);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].2,
            "the deployment takes too long: bake time 91 + 9 steps × 210 minutes between steps = 1981 minutes, over the 1980 minutes (33 hours) CloudFormation accepts for one deployment"
        );

        let lb = |advanced: &str| {
            found(
                &service(
                    green,
                    &format!(
                        "      LoadBalancers: [{{TargetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/a/1, ContainerName: app, ContainerPort: 80{advanced}}}]\n"
                    ),
                ),
                "FF4080",
            )
        };
        let f = lb("");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "Service.Properties.LoadBalancers[0]");
        assert!(
            f[0].2
                .ends_with("has no AlternateTargetGroupArn, no ProductionListenerRule, no RoleArn"),
            "{}",
            f[0].2
        );
        assert!(lb(", AdvancedConfiguration: {AlternateTargetGroupArn: b, ProductionListenerRule: r, RoleArn: role}").is_empty());
        assert!(lb(", AdvancedConfiguration: !Ref AWS::NoValue").is_empty());
    }

    /// FF4050's hint names the task's volume configured at launch (not another one).
    #[test]
    fn the_hint_names_the_volume_configured_at_launch() {
        let f = found(
            "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Volumes: [{Name: tmp}, {Name: data, ConfiguredAtLaunch: true}]\n      ContainerDefinitions: [{Name: app, Image: nginx, Memory: 512, MountPoints: [{SourceVolume: data, ContainerPath: /data}]}]\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n      VolumeConfigurations: [{Name: tmp, ManagedEBSVolume: {RoleArn: arn:aws:iam::123456789012:role/r, SizeInGiB: 10}}]\n",
            "FF4050",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].3, "name the task's volume configured at launch: data");
    }

    /// FF4013 looks for the listener of the service's own target group: depending on
    /// another group's listener does not count.
    #[test]
    fn the_service_must_depend_on_its_own_target_groups_listener() {
        let template = |depends_on: &str| {
            format!(
                "Resources:\n  GroupA:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n  GroupB:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n  ListenerA:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/a/1\n      Port: 80\n      Protocol: HTTP\n      DefaultActions: [{{Type: forward, TargetGroupArn: !Ref GroupA}}]\n  ListenerB:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/b/1\n      Port: 80\n      Protocol: HTTP\n      DefaultActions: [{{Type: forward, TargetGroupArn: !Ref GroupB}}]\n  Service:\n    Type: AWS::ECS::Service\n    DependsOn: {depends_on}\n    Properties:\n      LoadBalancers: [{{TargetGroupArn: !Ref GroupA, ContainerName: app, ContainerPort: 80}}]\n"
            )
        };
        assert_eq!(found(&template("ListenerA"), "FF4013"), vec![]);
        assert_eq!(found(&template("[ListenerA, GroupB]"), "FF4013"), vec![]);
        let f = found(&template("ListenerB"), "FF4013");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].3,
            "add DependsOn: ListenerA so the target group is attached before the service starts"
        );
        // A Ref of the listener in the service's properties is a dependency too (cfn-lint
        // W3005 calls a DependsOn beside it redundant).
        let by_ref = template("ListenerB").replace(
            "ContainerPort: 80}]",
            "ContainerPort: 80, AdvancedConfiguration: {AlternateTargetGroupArn: !Ref GroupB, ProductionListenerRule: !Ref ListenerA}}]",
        );
        assert!(by_ref.contains("ProductionListenerRule"), "{by_ref}");
        assert_eq!(found(&by_ref, "FF4013"), vec![]);
    }

    /// The examples of the CloudFormation template reference (`LinearConfiguration`): 11 %
    /// steps count 9, 50 % steps count 1; a step dividing 100 does not count the last shift.
    #[test]
    fn linear_steps_are_counted_as_cloudformation_counts_them() {
        assert_eq!(linear_steps(11.0), Some(9));
        assert_eq!(linear_steps(50.0), Some(1));
        assert_eq!(linear_steps(10.0), Some(9));
        assert_eq!(linear_steps(3.0), Some(33));
        assert_eq!(linear_steps(3.3), Some(30));
        assert_eq!(linear_steps(100.0), Some(0));
        assert_eq!(linear_steps(0.0), None);
        assert_eq!(linear_steps(100.1), None);
    }
}
