//! Application Auto Scaling: scalable targets and policies, and a `DesiredCount` that auto scaling fights (`FF4034`).

use super::*;
use crate::model::json::Field;

pub(super) fn scaling(cx: &mut Cx) {
    let targets: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ApplicationAutoScaling::ScalableTarget")
        .map(|(id, _, p)| (id, p))
        .collect();
    for &(id, props) in &targets {
        scaled_service_sets_desired_count(cx, id, props);
    }
    for (id, props) in targets {
        let p = |k: &str| props.and_then(|m| m.field(k));
        if lit_str(p("ServiceNamespace")) == Some("ecs") {
            if let Some(rid) = lit_str(p("ResourceId")) {
                let parts: Vec<&str> = rid.split('/').collect();
                if parts.len() != 3
                    || parts[0] != "service"
                    || parts[1].is_empty()
                    || parts[2].is_empty()
                {
                    cx.report(
                        rules::SCALABLE_TARGET_RESOURCE_ID,
                        Some(id),
                        format!("{id}.Properties.ResourceId"),
                        format!("`{rid}` is not an ECS service resource ID"),
                        Some("ECS services are `service/<cluster name>/<service name>`, e.g. !Sub service/${Cluster}/${Service.Name}".into()),
                    );
                }
            }
            if let Some(dim) = lit_str(p("ScalableDimension"))
                && !dim.starts_with("ecs:")
            {
                cx.report(
                    rules::SCALABLE_TARGET_DIMENSION,
                    Some(id),
                    format!("{id}.Properties.ScalableDimension"),
                    format!("`{dim}` is not a dimension of the ecs namespace"),
                    Some("ECS services scale on ecs:service:DesiredCount".into()),
                );
            }
        }
        // As written, or for every pair the parameters, conditions and mappings can give.
        if let (Some(min), Some(max)) = (p("MinCapacity"), p("MaxCapacity")) {
            for (a, b, when) in crate::validate::resolve::inverted(cx, min, max) {
                cx.report(
                    rules::MIN_ABOVE_MAX_CAPACITY,
                    Some(id),
                    format!("{id}.Properties.MinCapacity"),
                    format!("MinCapacity ({a}) is greater than MaxCapacity ({b}){when}"),
                    Some("MinCapacity must be at most MaxCapacity".into()),
                );
            }
        }
    }
    // FF4033: a policy's ScalingTargetId must be a scalable target. That a policy names its
    // target one way (ScalingTargetId) or the other (ResourceId, with ScalableDimension and
    // ServiceNamespace) is the schema's (`requiredXor`, `dependentRequired`: FF2003).
    let policies: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ApplicationAutoScaling::ScalingPolicy")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in policies {
        let t = props.and_then(|m| m.field("ScalingTargetId"));
        if let Some(target) = ref_target(t)
            && let Some(ty) = cx.resource_type(target)
            && ty != "AWS::ApplicationAutoScaling::ScalableTarget"
        {
            cx.report(
                rules::SCALING_POLICY_TARGET,
                Some(id),
                format!("{id}.Properties.ScalingTargetId"),
                format!("ScalingTargetId refers to `{target}` ({ty}), not a scalable target"),
                Some("refer to an AWS::ApplicationAutoScaling::ScalableTarget".into()),
            );
        }
    }
}

/// FF4034: an `AWS::ECS::Service` that sets `DesiredCount` while a scalable target on
/// `ecs:service:DesiredCount` scales it. On every stack update that touches the service,
/// CloudFormation sends that count and ECS sets the service back to it, undoing what auto
/// scaling did (the `DesiredCount` property of `AWS::ECS::Service` is optional for this reason:
/// "For existing services, if a desired count is not specified, it is omitted from the
/// operation", <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount>).
/// The service is the one the target's `ResourceId` refers to (`Ref`, `Fn::GetAtt` or an
/// `Fn::Sub` variable), or, for a literal `service/<cluster>/<name>`, the service whose literal
/// `ServiceName` is that name. A `DesiredCount` that an `Fn::If` can leave out is not reported.
pub(super) fn scaled_service_sets_desired_count(
    cx: &mut Cx,
    target: &str,
    props: Option<&JsonMap>,
) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    if lit_str(p("ScalableDimension")) != Some("ecs:service:DesiredCount") {
        return;
    }
    let Some(rid) = p("ResourceId") else { return };
    let mut named = Vec::new();
    crate::validate::refs::referenced_ids(rid, &mut named);
    if let Some(lit) = lit_str(Some(rid))
        && let Some(service_name) = lit
            .strip_prefix("service/")
            .and_then(|r| r.split('/').nth(1))
    {
        for (sid, _, sp) in cx.resources_of("AWS::ECS::Service") {
            if lit_str(sp.and_then(|m| m.field("ServiceName"))) == Some(service_name) {
                named.push(sid);
            }
        }
    }
    named.sort_unstable();
    named.dedup();
    for service in named {
        if cx.resource_type(service) != Some("AWS::ECS::Service") {
            continue;
        }
        let count = cx
            .resource(service)
            .and_then(|r| r.field("Properties"))
            .and_then(|p| p.field("DesiredCount"));
        let Some(count) = count else { continue };
        if crate::validate::may_be_no_value(count) {
            continue;
        }
        let shown = match count {
            Json::Number(n) => n.to_string(),
            Json::String(s) => s.clone(),
            _ => "an expression".to_owned(),
        };
        cx.report(
            rules::SCALED_DESIRED_COUNT,
            Some(service),
            format!("{service}.Properties.DesiredCount"),
            format!(
                "service `{service}` sets DesiredCount ({shown}) and is auto scaled by `{target}`: every stack update that touches the service sets it back to that count"
            ),
            Some(format!(
                "remove DesiredCount from `{service}`: a new service starts with 1 task and auto scaling raises it to `{target}`'s MinCapacity"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::found;

    fn target(resource_id: &str, min: i64, max: i64) -> String {
        format!(
            "Resources:\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: {resource_id}\n      MinCapacity: {min}\n      MaxCapacity: {max}\n"
        )
    }

    #[test]
    fn an_ecs_resource_id_is_service_cluster_name() {
        assert_eq!(found(&target("service/web/api", 1, 2), "FF4030"), vec![]);
        for bad in [
            "service/web/",
            "service//api",
            "cluster/web/api",
            "service/web",
            "service/a/b/c",
        ] {
            let f = found(&target(bad, 1, 2), "FF4030");
            assert_eq!(f.len(), 1, "{bad}: {f:?}");
            assert_eq!(f[0].1, "Target.Properties.ResourceId");
        }
    }

    #[test]
    fn min_may_equal_max() {
        assert_eq!(found(&target("service/web/api", 2, 2), "FF4032"), vec![]);
        let f = found(&target("service/web/api", 3, 2), "FF4032");
        assert_eq!(f.len(), 1, "{f:?}");
    }

    /// A scaling policy's ScalingTargetId is a scalable target; naming none is the schema's
    /// (FF2003), not reported twice.
    #[test]
    fn a_scaling_policy_s_target_is_a_scalable_target() {
        let policy = |props: &str| {
            format!(
                "Resources:\n  Api:\n    Type: AWS::SNS::Topic\n  Policy:\n    Type: AWS::ApplicationAutoScaling::ScalingPolicy\n    Properties:\n      PolicyName: p\n      PolicyType: TargetTrackingScaling\n      TargetTrackingScalingPolicyConfiguration: {{TargetValue: 50, PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}}}\n{props}"
            )
        };
        let f = found(&policy("      ScalingTargetId: !Ref Api\n"), "FF4033");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "Policy.Properties.ScalingTargetId");
        assert!(found(&policy("      ResourceId: service/web/api\n"), "FF4033").is_empty());
        let f = found(&policy("      ResourceId: service/web/api\n"), "FF2003");
        assert_eq!(f.len(), 2, "ScalableDimension and ServiceNamespace: {f:?}");
    }

    /// A literal `service/<cluster>/<name>` is the service whose ServiceName is that name,
    /// not another one.
    #[test]
    fn a_literal_resource_id_finds_the_service_by_its_name() {
        let text = "Resources:\n  Api:\n    Type: AWS::ECS::Service\n    Properties:\n      ServiceName: api\n      DesiredCount: 2\n  Other:\n    Type: AWS::ECS::Service\n    Properties:\n      ServiceName: other\n      DesiredCount: 2\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: service/web/api\n      MinCapacity: 1\n      MaxCapacity: 4\n";
        let f = found(text, "FF4034");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "Api.Properties.DesiredCount");
    }

    /// FF4034 names the count as written: a number, or a string.
    #[test]
    fn the_desired_count_is_shown_as_written() {
        for (count, shown) in [
            ("3", "(3)"),
            ("'2'", "(2)"),
            ("!Ref Count", "(an expression)"),
        ] {
            let text = format!(
                "Parameters:\n  Count:\n    Type: Number\nResources:\n  Service:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: {count}\n  Target:\n    Type: AWS::ApplicationAutoScaling::ScalableTarget\n    Properties:\n      ServiceNamespace: ecs\n      ScalableDimension: ecs:service:DesiredCount\n      ResourceId: !Sub service/web/${{Service.Name}}\n      MinCapacity: 1\n      MaxCapacity: 4\n"
            );
            let f = found(&text, "FF4034");
            assert_eq!(f.len(), 1, "{count}: {f:?}");
            assert!(
                f[0].2.contains(&format!("sets DesiredCount {shown}")),
                "{count}: {f:?}"
            );
        }
    }
}
