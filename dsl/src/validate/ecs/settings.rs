//! Service settings ECS refuses with the service's task definition or deployment controller
//! (`FF4057`), and Application Auto Scaling policies whose configuration does not hold
//! together (`FF4035`):
//!
//! - a `DAEMON` service whose capacity provider strategy holds only `FARGATE` and
//!   `FARGATE_SPOT`: "Tasks using the Fargate launch type ... don't support the DAEMON
//!   scheduling strategy" (CreateService; `FF4014` reports the `LaunchType: FARGATE` case);
//! - service registries: "Each service may be associated with one service registry"; with the
//!   `bridge` or `host` network mode "you must specify a containerName and containerPort
//!   combination"; with `awsvpc` and an SRV record, "either a containerName and containerPort
//!   combination or a port value. However, you can't specify both" (ServiceRegistry) — the SRV
//!   case only when the Cloud Map service is in the template; "If the task definition uses
//!   the bridge or host network mode, an SRV record is the only supported DNS record type",
//!   and the `none` mode is not supported (Service discovery considerations,
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html>) —
//!   the A record when the Cloud Map service is in the template;
//! - "The deployment circuit breaker can only be used for services using the rolling update
//!   (ECS) deployment type" (DeploymentCircuitBreaker), judged when the breaker is enabled;
//! - with `awsvpc`, "Classic Load Balancers are not supported" and target groups must have
//!   the `ip` target type (LoadBalancer, CloudFormation) — the target type when the target
//!   group is in the template;
//! - `Role` "is only permitted if you are using a load balancer with your service and your
//!   task definition doesn't use the awsvpc network mode" (CreateService);
//! - a `StepScaling` policy needs `StepScalingPolicyConfiguration`, a `TargetTrackingScaling`
//!   policy `TargetTrackingScalingPolicyConfiguration` (PutScalingPolicy: "This parameter is
//!   required if you are creating a policy and the policy type is ...");
//! - step adjustments: "The ranges of your step adjustments can't overlap or have a gap", at
//!   most one null lower and one null upper bound, a negative lower bound needs a null lower
//!   bound and a positive upper bound a null upper bound, and "The upper and lower bound
//!   can't be null in the same step adjustment" (StepAdjustment);
//! - a predefined metric's `ResourceLabel`: "You can't specify a resource label unless the
//!   metric type is ALBRequestCountPerTarget", a metric type that "applies only to Spot
//!   Fleets and ECS services" (PredefinedMetricSpecification).
//!
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html>
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceRegistry.html>
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html>
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-loadbalancer.html>
//! <https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html>
//! <https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepAdjustment.html>
//! <https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PredefinedMetricSpecification.html>
//!
//! Only literals are judged: a network mode, controller, bound or metric type from an
//! expression, or a property an `Fn::If` may leave out, is neither guessed nor reported.

use super::*;
use crate::model::json::Field;

/// (rule, logical ID, path, message, hint) of one finding.
type Finding = (rules::Rule, String, String, String, String);

/// Present, not `AWS::NoValue` (nor an `Fn::If` that may give it), not an empty list or text.
fn set(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => false,
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::String(s)) => !s.is_empty(),
        Some(v) => !crate::validate::may_be_no_value(v),
    }
}

/// Absent, or written as an empty list (not an expression).
fn none_written(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => true,
        Some(Json::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

pub(super) fn service_settings(cx: &mut Cx) {
    let mut found: Vec<Finding> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::Service") {
        service(cx, id, props, &mut found);
    }
    for (id, _, props) in cx.resources_of("AWS::ApplicationAutoScaling::ScalingPolicy") {
        policy(cx, id, props, &mut found);
    }
    for (rule, id, path, message, hint) in found {
        cx.report(rule, Some(&id), path, message, Some(hint));
    }
}

/// One service being judged: what its checks share.
struct Service<'a, 'f> {
    cx: &'a Cx<'a>,
    id: &'a str,
    props: Option<&'a JsonMap>,
    /// The deployment controller: absent is ECS; an expression is not guessed (`None`).
    controller: Option<&'a str>,
    /// The literal network mode of the service's task definition, when it is in the template.
    mode: Option<&'a str>,
    found: &'f mut Vec<Finding>,
}

impl<'a> Service<'a, '_> {
    fn p(&self, k: &str) -> Option<&'a Json> {
        self.props.and_then(|m| m.field(k))
    }

    fn at(&self, k: &str) -> String {
        format!("{}.Properties.{k}", self.id)
    }

    fn push(&mut self, path: String, message: String, hint: &str) {
        self.found.push((
            rules::SERVICE_SETTING,
            self.id.to_owned(),
            path,
            message,
            hint.to_owned(),
        ));
    }

    /// Row 36: DAEMON on Fargate capacity. FF4014 covers LaunchType FARGATE and the
    /// CODE_DEPLOY / EXTERNAL controllers; FF4045 a LaunchType beside a strategy.
    fn daemon_on_fargate(&mut self) {
        if lit_str(self.p("SchedulingStrategy")) == Some("DAEMON")
            && self.p("LaunchType").is_none()
            && self.controller == Some("ECS")
            && let Some(items) = self.p("CapacityProviderStrategy").and_then(Json::as_array)
            && !items.is_empty()
            && items.iter().all(|i| {
                matches!(
                    lit_str(i.field("CapacityProvider")),
                    Some("FARGATE" | "FARGATE_SPOT")
                )
            })
        {
            self.push(
                self.at("SchedulingStrategy"),
                "the service's capacity provider strategy places its tasks on Fargate, which does not run the DAEMON scheduling strategy".to_owned(),
                "use SchedulingStrategy: REPLICA, or a capacity provider of EC2 instances",
            );
        }
    }

    /// Row 41: service registries.
    fn service_registries(&mut self) {
        let Some(registries) = self.p("ServiceRegistries").and_then(Json::as_array) else {
            return;
        };
        if registries.len() > 1 {
            self.push(
                self.at("ServiceRegistries"),
                format!(
                    "the service names {} service registries; ECS takes at most one",
                    registries.len()
                ),
                "keep one service registry (a Cloud Map service can hold several DNS records)",
            );
        }
        for (i, r) in registries.iter().enumerate() {
            let Some(r) = r.as_object() else { continue };
            let path = format!("{}.Properties.ServiceRegistries[{i}]", self.id);
            let has = |k: &str| set(r.field(k));
            let pair = has("ContainerName") && has("ContainerPort");
            let cx = self.cx;
            match self.mode {
                Some(m @ ("bridge" | "host")) if a_record(cx, r.field("RegistryArn")) => self.push(
                    path,
                    format!(
                        "the Cloud Map service has an A record; with the `{m}` network mode service discovery supports SRV records only"
                    ),
                    "give the Cloud Map service an SRV record only (DnsRecords: [{Type: SRV, TTL: 60}]), or use the awsvpc network mode",
                ),
                Some(m @ ("bridge" | "host")) if !pair => self.push(
                    path,
                    format!(
                        "with the `{m}` network mode, a service registry names ContainerName and ContainerPort"
                    ),
                    "set ContainerName and ContainerPort to a container of the task definition and its port",
                ),
                Some("none") => self.push(
                    path,
                    "service discovery does not support the `none` network mode".to_owned(),
                    "use the awsvpc network mode (or bridge or host with an SRV record)",
                ),
                Some("awsvpc") if srv_record(cx, r.field("RegistryArn")) => {
                    let port = has("Port");
                    if pair && port {
                        self.push(
                            path,
                            "the service registry sets both ContainerName/ContainerPort and Port; with awsvpc and an SRV record ECS takes one or the other".to_owned(),
                            "remove Port, or ContainerName and ContainerPort",
                        );
                    } else if !pair && !port {
                        self.push(
                            path,
                            "the Cloud Map service has an SRV record, so with awsvpc the service registry needs ContainerName and ContainerPort, or Port".to_owned(),
                            "set ContainerName and ContainerPort (or Port) to the port the record announces",
                        );
                    }
                }
                _ => {}
            }
        }
    }

    /// Row 42: the circuit breaker only with the ECS controller.
    fn circuit_breaker(&mut self) {
        if let Some(c @ ("CODE_DEPLOY" | "EXTERNAL")) = self.controller
            && let Some(breaker) = self
                .p("DeploymentConfiguration")
                .and_then(|d| d.field("DeploymentCircuitBreaker"))
                .and_then(Json::as_object)
            && lit_bool(breaker.field("Enable")) == Some(true)
        {
            self.push(
                self.at("DeploymentConfiguration.DeploymentCircuitBreaker"),
                format!(
                    "the deployment circuit breaker only works with the ECS (rolling update) deployment controller, and this service's is {c}"
                ),
                "remove DeploymentCircuitBreaker, or use the ECS deployment controller",
            );
        }
    }

    /// Row 38: awsvpc takes target groups of target type ip, no Classic Load Balancer.
    fn awsvpc_load_balancers(&mut self) {
        if self.mode != Some("awsvpc") {
            return;
        }
        let balancers = self.p("LoadBalancers").and_then(Json::as_array);
        for (i, lb) in balancers.into_iter().flatten().enumerate() {
            let id = self.id;
            let path = |k: &str| format!("{id}.Properties.LoadBalancers[{i}].{k}");
            if set(lb.field("LoadBalancerName")) {
                self.push(
                    path("LoadBalancerName"),
                    "a service of an awsvpc task definition cannot use a Classic Load Balancer"
                        .to_owned(),
                    "use an Application or Network Load Balancer's target group (TargetGroupArn) of target type ip",
                );
            }
            if let Some(tg) = ref_target(lb.field("TargetGroupArn"))
                && self.cx.resource_type(tg) == Some("AWS::ElasticLoadBalancingV2::TargetGroup")
            {
                let written = self
                    .cx
                    .resource(tg)
                    .and_then(|r| r.pointer("/Properties/TargetType"));
                // Absent: instance (the template reference's default).
                let ty = match written {
                    None => Some("instance"),
                    v => lit_str(v),
                };
                if let Some(ty) = ty.filter(|t| *t != "ip") {
                    self.push(
                        path("TargetGroupArn"),
                        format!(
                            "target group `{tg}` has the target type `{ty}`; the tasks of an awsvpc task definition register by IP address"
                        ),
                        "give the target group TargetType: ip",
                    );
                }
            }
        }
    }

    /// Row 39: Role only with a load balancer, never with awsvpc.
    fn role(&mut self) {
        if !set(self.p("Role")) {
            return;
        }
        if self.mode == Some("awsvpc") {
            self.push(
                self.at("Role"),
                "a service of an awsvpc task definition takes no Role (ECS uses its service-linked role)".to_owned(),
                "remove Role",
            );
        } else if none_written(self.p("LoadBalancers")) {
            self.push(
                self.at("Role"),
                "Role is only allowed for a service with a load balancer, and this one has none"
                    .to_owned(),
                "remove Role (ECS uses its service-linked role)",
            );
        }
    }
}

/// The settings of service `id` that ECS refuses (the rows of the module's list).
fn service(cx: &Cx, id: &str, props: Option<&JsonMap>, found: &mut Vec<Finding>) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    // Absent: ECS. An expression: not guessed.
    let controller = match p("DeploymentController").and_then(|c| c.field("Type")) {
        None => Some("ECS"),
        v => lit_str(v),
    };
    let task = ref_target(p("TaskDefinition"))
        .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"));
    let mode = task
        .and_then(|t| cx.resource(t))
        .and_then(|r| r.pointer("/Properties/NetworkMode"))
        .and_then(|m| lit_str(Some(m)));
    let mut s = Service {
        cx,
        id,
        props,
        controller,
        mode,
        found,
    };
    s.daemon_on_fargate();
    s.service_registries();
    s.circuit_breaker();
    s.awsvpc_load_balancers();
    s.role();
}

/// Whether `arn` is the `Fn::GetAtt <Id>.Arn` of a Cloud Map service of the template whose
/// literal DNS records include an SRV record.
fn srv_record(cx: &Cx, arn: Option<&Json>) -> bool {
    has_record(cx, arn, "SRV")
}

/// Whether `arn` is the `Fn::GetAtt <Id>.Arn` of a Cloud Map service of the template whose
/// literal DNS records include an A record.
fn a_record(cx: &Cx, arn: Option<&Json>) -> bool {
    has_record(cx, arn, "A")
}

/// Whether `arn` names a Cloud Map service of the template with a DNS record of `kind`.
fn has_record(cx: &Cx, arn: Option<&Json>, kind: &str) -> bool {
    let Some(target) = ref_or_getatt_target(arn) else {
        return false;
    };
    if cx.resource_type(target) != Some("AWS::ServiceDiscovery::Service") {
        return false;
    }
    cx.resource(target)
        .and_then(|r| r.pointer("/Properties/DnsConfig/DnsRecords"))
        .and_then(Json::as_array)
        .is_some_and(|records| {
            records
                .iter()
                .any(|r| lit_str(r.field("Type")) == Some(kind))
        })
}

fn policy(cx: &Cx, id: &str, props: Option<&JsonMap>, found: &mut Vec<Finding>) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    let mut push = |path: String, message: String, hint: &str| {
        found.push((
            rules::SCALING_POLICY_CONFIGURATION,
            id.to_owned(),
            path,
            message,
            hint.to_owned(),
        ));
    };
    // Row 67: the configuration the policy type requires.
    let needed = match lit_str(p("PolicyType")) {
        Some("StepScaling") => Some("StepScalingPolicyConfiguration"),
        Some("TargetTrackingScaling") => Some("TargetTrackingScalingPolicyConfiguration"),
        _ => None,
    };
    if let Some(key) = needed
        && p(key).is_none()
    {
        push(
            format!("{id}.Properties.PolicyType"),
            format!(
                "a {} policy needs {key}",
                lit_str(p("PolicyType")).unwrap_or_default()
            ),
            &format!("add {key}, or change PolicyType"),
        );
    }

    // Row 68: step adjustments.
    if let Some(steps) = p("StepScalingPolicyConfiguration")
        .and_then(|c| c.field("StepAdjustments"))
        .and_then(Json::as_array)
        && let Some(bounds) = step_bounds(steps)
    {
        let at = format!("{id}.Properties.StepScalingPolicyConfiguration.StepAdjustments");
        for (i, (lo, hi)) in bounds.iter().enumerate() {
            if lo.is_none() && hi.is_none() {
                push(
                    format!("{at}[{i}]"),
                    "the step adjustment has neither MetricIntervalLowerBound nor MetricIntervalUpperBound; one of them is needed".to_owned(),
                    "give the step a lower bound (0 for the range above the alarm threshold) or an upper bound",
                );
            }
        }
        let no_lower = bounds.iter().filter(|b| b.0.is_none()).count();
        let no_upper = bounds.iter().filter(|b| b.1.is_none()).count();
        let mut problems: Vec<String> = Vec::new();
        if no_lower > 1 {
            problems.push(format!(
                "{no_lower} step adjustments have no lower bound; at most one may"
            ));
        }
        if no_upper > 1 {
            problems.push(format!(
                "{no_upper} step adjustments have no upper bound; at most one may"
            ));
        }
        if no_lower == 0 && bounds.iter().any(|b| b.0.is_some_and(|x| x < 0.0)) {
            problems.push(
                "a step adjustment has a negative lower bound, so one must have no lower bound"
                    .to_owned(),
            );
        }
        if no_upper == 0 && bounds.iter().any(|b| b.1.is_some_and(|x| x > 0.0)) {
            problems.push(
                "a step adjustment has a positive upper bound, so one must have no upper bound"
                    .to_owned(),
            );
        }
        // Overlaps and gaps, between ranges sorted by lower bound (none: minus infinity).
        if no_lower <= 1 && no_upper <= 1 && bounds.iter().all(|b| b.0.is_some() || b.1.is_some()) {
            let mut ranges: Vec<(f64, f64)> = bounds
                .iter()
                .map(|(lo, hi)| (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY)))
                .collect();
            ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in ranges.windows(2) {
                let (end, start) = (w[0].1, w[1].0);
                if end > start {
                    problems.push(format!(
                        "the step ranges overlap ({} to {} and {} to {})",
                        shown_bound(w[0].0),
                        shown_bound(end),
                        shown_bound(start),
                        shown_bound(w[1].1)
                    ));
                } else if end < start {
                    problems.push(format!(
                        "the step ranges leave a gap between {} and {}",
                        shown_bound(end),
                        shown_bound(start)
                    ));
                }
            }
        }
        for message in problems {
            push(
                at.clone(),
                message,
                "make each step's lower bound the previous step's upper bound, leaving only the outermost ends open",
            );
        }
    }

    // Row 69: ResourceLabel only with ALBRequestCountPerTarget, which is for ECS and Spot
    // Fleets only.
    let spec_at = format!(
        "{id}.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification"
    );
    let spec = p("TargetTrackingScalingPolicyConfiguration")
        .and_then(|c| c.field("PredefinedMetricSpecification"));
    if let Some(spec) = spec.and_then(Json::as_object) {
        let metric = lit_str(spec.field("PredefinedMetricType"));
        if let Some(m) = metric.filter(|m| *m != "ALBRequestCountPerTarget")
            && set(spec.field("ResourceLabel"))
        {
            push(
                format!("{spec_at}.ResourceLabel"),
                format!(
                    "ResourceLabel is only given with the ALBRequestCountPerTarget metric, and this policy's is {m}"
                ),
                "remove ResourceLabel",
            );
        }
        if metric == Some("ALBRequestCountPerTarget")
            && let Some(ns) = namespace(cx, props)
            && ns != "ecs"
            && ns != "ec2"
        {
            push(
                format!("{spec_at}.PredefinedMetricType"),
                format!(
                    "ALBRequestCountPerTarget is a metric of ECS services and Spot Fleets, not of the `{ns}` namespace"
                ),
                "use a predefined metric of the namespace, or a customized metric",
            );
        }
    }
}

/// The literal (lower, upper) bounds of every step; `None` when a step or a bound is not
/// written out (an expression, or a bound an `Fn::If` may leave out).
fn step_bounds(steps: &[Json]) -> Option<Vec<(Option<f64>, Option<f64>)>> {
    steps
        .iter()
        .map(|s| {
            let s = s.as_object()?;
            let bound = |k: &str| match s.field(k) {
                None => Some(None),
                Some(v) if is_expr(v) => None,
                v => lit_num(v).map(Some),
            };
            Some((
                bound("MetricIntervalLowerBound")?,
                bound("MetricIntervalUpperBound")?,
            ))
        })
        .collect()
}

fn shown_bound(x: f64) -> String {
    if x.is_infinite() {
        "unbounded".to_owned()
    } else {
        x.to_string()
    }
}

/// The policy's literal service namespace: its own, or its scalable target's when
/// `ScalingTargetId` refers to one of the template.
fn namespace<'a>(cx: &'a Cx, props: Option<&'a JsonMap>) -> Option<&'a str> {
    let p = |k: &str| props.and_then(|m| m.field(k));
    if let Some(ns) = p("ServiceNamespace") {
        return lit_str(Some(ns));
    }
    let target = ref_target(p("ScalingTargetId"))?;
    if cx.resource_type(target) != Some("AWS::ApplicationAutoScaling::ScalableTarget") {
        return None;
    }
    lit_str(cx.resource(target)?.pointer("/Properties/ServiceNamespace"))
}

#[cfg(test)]
mod tests {
    use super::super::found;

    const TASK: &str = "  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: MODE\n      ContainerDefinitions:\n        - {Name: web, Image: nginx, Memory: 512, PortMappings: [{ContainerPort: 80}]}\n";

    /// A template of task `T` in network `mode` and service `S` with `service` properties
    /// (indented 6), then `more` resources.
    fn svc(mode: &str, service: &str, more: &str) -> String {
        format!(
            "Parameters:\n  P:\n    Type: String\nResources:\n{}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: !Ref T\n{service}{more}",
            TASK.replace("MODE", mode)
        )
    }

    fn paths(text: &str, rule: &str) -> Vec<String> {
        found(text, rule).into_iter().map(|d| d.1).collect()
    }

    #[test]
    fn daemon_on_a_fargate_strategy() {
        let t = svc(
            "awsvpc",
            "      SchedulingStrategy: DAEMON\n      CapacityProviderStrategy: [{CapacityProvider: FARGATE}, {CapacityProvider: FARGATE_SPOT, Weight: 1}]\n",
            "",
        );
        assert_eq!(paths(&t, "FF4057"), ["S.Properties.SchedulingStrategy"]);
        // An EC2 provider, a provider from a parameter, REPLICA: not reported.
        for ok in [
            t.replace("FARGATE_SPOT", "my-asg-provider"),
            t.replace("CapacityProvider: FARGATE}", "CapacityProvider: !Ref P}"),
            t.replace("DAEMON", "REPLICA"),
        ] {
            assert!(paths(&ok, "FF4057").is_empty(), "{ok}");
        }
        // The CODE_DEPLOY controller is FF4014's.
        let cd = t.replace(
            "      SchedulingStrategy",
            "      DeploymentController: {Type: CODE_DEPLOY}\n      SchedulingStrategy",
        );
        assert!(paths(&cd, "FF4057").is_empty());
    }

    #[test]
    fn service_registries() {
        let two = svc(
            "awsvpc",
            "      ServiceRegistries:\n        - {RegistryArn: arn:a}\n        - {RegistryArn: arn:b}\n",
            "",
        );
        assert_eq!(paths(&two, "FF4057"), ["S.Properties.ServiceRegistries"]);
        let bridge = svc(
            "bridge",
            "      ServiceRegistries:\n        - {RegistryArn: arn:a, ContainerName: web}\n",
            "",
        );
        assert_eq!(
            paths(&bridge, "FF4057"),
            ["S.Properties.ServiceRegistries[0]"]
        );
        let ok = bridge.replace("web}", "web, ContainerPort: !Ref P}");
        assert!(paths(&ok, "FF4057").is_empty());
        // A mode from a parameter is not judged.
        assert!(
            paths(
                &bridge.replace("NetworkMode: bridge", "NetworkMode: !Ref P"),
                "FF4057"
            )
            .is_empty()
        );

        let cloud_map = "  D:\n    Type: AWS::ServiceDiscovery::Service\n    Properties:\n      DnsConfig:\n        DnsRecords: [{Type: SRV, TTL: 60}]\n";
        let both = svc(
            "awsvpc",
            "      ServiceRegistries:\n        - {RegistryArn: !GetAtt D.Arn, ContainerName: web, ContainerPort: 80, Port: 80}\n",
            cloud_map,
        );
        assert_eq!(
            paths(&both, "FF4057"),
            ["S.Properties.ServiceRegistries[0]"]
        );
        let neither = svc(
            "awsvpc",
            "      ServiceRegistries:\n        - {RegistryArn: !GetAtt D.Arn}\n",
            cloud_map,
        );
        assert_eq!(
            paths(&neither, "FF4057"),
            ["S.Properties.ServiceRegistries[0]"]
        );
        // bridge and host modes take SRV records only; the none mode no registry.
        let bridge = |records: &str| {
            format!(
                "Resources:\n  D:\n    Type: AWS::ServiceDiscovery::Service\n    Properties:\n      DnsConfig:\n        DnsRecords: {records}\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: bridge\n      ContainerDefinitions: [{{Name: web, Image: nginx, Memory: 512, PortMappings: [{{ContainerPort: 80}}]}}]\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n      ServiceRegistries:\n        - {{RegistryArn: !GetAtt D.Arn, ContainerName: web, ContainerPort: 80}}\n"
            )
        };
        assert!(paths(&bridge("[{Type: SRV, TTL: 60}]"), "FF4057").is_empty());
        assert_eq!(
            paths(&bridge("[{Type: A, TTL: 60}]"), "FF4057"),
            ["S.Properties.ServiceRegistries[0]"]
        );
        assert_eq!(
            paths(
                &bridge("[{Type: SRV, TTL: 60}]")
                    .replace("NetworkMode: bridge", "NetworkMode: none"),
                "FF4057"
            ),
            ["S.Properties.ServiceRegistries[0]"]
        );
        // An A record takes neither; a port alone is fine with SRV.
        assert!(paths(&neither.replace("Type: SRV", "Type: A"), "FF4057").is_empty());
        assert!(paths(&both.replace(", Port: 80", ""), "FF4057").is_empty());
    }

    #[test]
    fn circuit_breaker_only_with_the_ecs_controller() {
        let t = svc(
            "bridge",
            "      DeploymentController: {Type: EXTERNAL}\n      DeploymentConfiguration:\n        DeploymentCircuitBreaker: {Enable: true, Rollback: true}\n",
            "",
        );
        assert_eq!(
            paths(&t, "FF4057"),
            ["S.Properties.DeploymentConfiguration.DeploymentCircuitBreaker"]
        );
        assert!(paths(&t.replace("Enable: true", "Enable: false"), "FF4057").is_empty());
        assert!(paths(&t.replace("Type: EXTERNAL", "Type: ECS"), "FF4057").is_empty());
        assert!(paths(&t.replace("Type: EXTERNAL", "Type: !Ref P"), "FF4057").is_empty());
    }

    #[test]
    fn awsvpc_load_balancers_and_role() {
        let tg = "  G:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      Port: 80\n      Protocol: HTTP\n      VpcId: vpc-1\n";
        let t = svc(
            "awsvpc",
            "      Role: ecsServiceRole\n      LoadBalancers:\n        - {TargetGroupArn: !Ref G, ContainerName: web, ContainerPort: 80}\n        - {LoadBalancerName: classic, ContainerName: web, ContainerPort: 80}\n",
            tg,
        );
        assert_eq!(
            paths(&t, "FF4057"),
            [
                "S.Properties.LoadBalancers[0].TargetGroupArn",
                "S.Properties.LoadBalancers[1].LoadBalancerName",
                "S.Properties.Role"
            ]
        );
        let ip = svc(
            "awsvpc",
            "      LoadBalancers:\n        - {TargetGroupArn: !Ref G, ContainerName: web, ContainerPort: 80}\n",
            &format!("{tg}      TargetType: ip\n"),
        );
        assert!(paths(&ip, "FF4057").is_empty());
        // bridge: a classic load balancer and a Role are fine; a Role without one is not.
        let bridge = svc(
            "bridge",
            "      Role: ecsServiceRole\n      LoadBalancers:\n        - {LoadBalancerName: classic, ContainerName: web, ContainerPort: 80}\n",
            "",
        );
        assert!(paths(&bridge, "FF4057").is_empty());
        let lone = svc("bridge", "      Role: ecsServiceRole\n", "");
        assert_eq!(paths(&lone, "FF4057"), ["S.Properties.Role"]);
        // AWS::NoValue is no load balancer; what nothing can follow may be one.
        let none = svc(
            "bridge",
            "      Role: !Ref P\n      LoadBalancers: !Ref AWS::NoValue\n",
            "",
        );
        assert_eq!(paths(&none, "FF4057"), ["S.Properties.Role"]);
        let maybe = svc(
            "bridge",
            "      Role: !Ref P\n      LoadBalancers: !ImportValue Balancers\n",
            "",
        );
        assert!(paths(&maybe, "FF4057").is_empty());
    }

    fn policy(body: &str) -> String {
        format!(
            "Parameters:\n  P:\n    Type: Number\nResources:\n  Pol:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties:\n      PolicyName: p\n      ServiceNamespace: ecs\n      ResourceId: service/c/s\n      ScalableDimension: ecs:service:DesiredCount\n{body}"
        )
    }

    fn steps(list: &str) -> String {
        policy(&format!(
            "      PolicyType: StepScaling\n      StepScalingPolicyConfiguration:\n        AdjustmentType: ChangeInCapacity\n        StepAdjustments: {list}\n"
        ))
    }

    #[test]
    fn the_policy_type_needs_its_configuration() {
        assert_eq!(
            paths(&policy("      PolicyType: StepScaling\n"), "FF4035"),
            ["Pol.Properties.PolicyType"]
        );
        let tt = policy(
            "      PolicyType: TargetTrackingScaling\n      StepScalingPolicyConfiguration: {AdjustmentType: ChangeInCapacity}\n",
        );
        assert_eq!(paths(&tt, "FF4035"), ["Pol.Properties.PolicyType"]);
        assert!(paths(&policy("      PolicyType: !Ref P\n"), "FF4035").is_empty());
    }

    #[test]
    fn step_adjustments() {
        let at = "Pol.Properties.StepScalingPolicyConfiguration.StepAdjustments";
        for ok in [
            "[{MetricIntervalLowerBound: 0, ScalingAdjustment: 1}]",
            "[{MetricIntervalUpperBound: 0, ScalingAdjustment: -1}]",
            "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}]",
            "[{MetricIntervalUpperBound: -5, ScalingAdjustment: -2}, {MetricIntervalLowerBound: -5, MetricIntervalUpperBound: 0, ScalingAdjustment: -1}]",
            "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: !Ref P, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 20, ScalingAdjustment: 2}]",
        ] {
            assert!(paths(&steps(ok), "FF4035").is_empty(), "{ok}");
        }
        for (bad, path, start) in [
            (
                "[{ScalingAdjustment: 1}]",
                format!("{at}[0]"),
                "the step adjustment has neither",
            ),
            (
                "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}]",
                at.to_owned(),
                "the step ranges overlap",
            ),
            (
                "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 5, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}]",
                at.to_owned(),
                "the step ranges leave a gap",
            ),
            (
                "[{MetricIntervalLowerBound: 0, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}]",
                at.to_owned(),
                "2 step adjustments have no upper bound",
            ),
            (
                "[{MetricIntervalLowerBound: -10, MetricIntervalUpperBound: 0, ScalingAdjustment: -1}]",
                at.to_owned(),
                "a step adjustment has a negative lower bound",
            ),
            (
                "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 10, ScalingAdjustment: 1}]",
                at.to_owned(),
                "a step adjustment has a positive upper bound",
            ),
        ] {
            let d = found(&steps(bad), "FF4035");
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            assert_eq!(d[0].1, path, "{bad}");
            assert!(d[0].2.starts_with(start), "{bad}: {d:?}");
        }
    }

    #[test]
    fn resource_label_only_with_alb_request_count() {
        let t = |metric: &str, ns: &str| {
            policy(&format!(
                "      PolicyType: TargetTrackingScaling\n      TargetTrackingScalingPolicyConfiguration:\n        TargetValue: 50\n        PredefinedMetricSpecification:\n          PredefinedMetricType: {metric}\n          ResourceLabel: app/a/1/targetgroup/t/2\n"
            ))
            .replace("ServiceNamespace: ecs", &format!("ServiceNamespace: {ns}"))
        };
        let spec =
            "Pol.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification";
        assert_eq!(
            paths(&t("ECSServiceAverageCPUUtilization", "ecs"), "FF4035"),
            [format!("{spec}.ResourceLabel")]
        );
        assert!(paths(&t("ALBRequestCountPerTarget", "ecs"), "FF4035").is_empty());
        assert!(paths(&t("!Ref P", "ecs"), "FF4035").is_empty());
        assert_eq!(
            paths(&t("ALBRequestCountPerTarget", "dynamodb"), "FF4035"),
            [format!("{spec}.PredefinedMetricType")]
        );
    }

    #[test]
    fn step_range_messages_name_the_bounds() {
        let messages = |list: &str| -> Vec<String> {
            found(&steps(list), "FF4035")
                .into_iter()
                .map(|d| d.2)
                .collect()
        };
        assert_eq!(
            messages(
                "[{MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 15, ScalingAdjustment: 1}, {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}]"
            ),
            ["the step ranges overlap (0 to 15 and 10 to unbounded)"]
        );
        assert_eq!(
            messages(
                "[{MetricIntervalUpperBound: 0, ScalingAdjustment: -1}, {MetricIntervalLowerBound: 5, ScalingAdjustment: 2}]"
            ),
            ["the step ranges leave a gap between 0 and 5"]
        );
    }

    #[test]
    fn the_namespace_may_come_from_the_scalable_target() {
        let t = |target_type: &str| {
            format!(
                "Resources:\n  Target:\n    Type: {target_type}\n    Properties: {{MinCapacity: 1, MaxCapacity: 2, ResourceId: table/t, ScalableDimension: 'dynamodb:table:ReadCapacityUnits', ServiceNamespace: dynamodb}}\n  Pol:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties:\n      PolicyName: p\n      ScalingTargetId: !Ref Target\n      PolicyType: TargetTrackingScaling\n      TargetTrackingScalingPolicyConfiguration:\n        TargetValue: 50\n        PredefinedMetricSpecification: {{PredefinedMetricType: ALBRequestCountPerTarget}}\n"
            )
        };
        assert_eq!(
            paths(&t("AWS::ApplicationAutoScaling::ScalableTarget"), "FF4035"),
            [
                "Pol.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.PredefinedMetricType"
            ]
        );
        // Another resource's properties say nothing of the policy's namespace.
        assert!(paths(&t("Custom::Target"), "FF4035").is_empty());
    }
}
