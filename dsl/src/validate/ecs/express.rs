//! Express Mode services (`AWS::ECS::ExpressGatewayService`, FF4060-FF4061).
//!
//! An Express Mode service runs its tasks on Fargate ("The ECS default cluster ... with
//! Fargate capacity providers"; "capacityProviders: [FARGATE]", the ECS guide's
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html>),
//! so its `Cpu` and `Memory` are a Fargate task size; and ECS registers an Application Auto
//! Scaling target from its `ScalingTarget`, whose minimum may not exceed its maximum
//! (`RegisterScalableTarget`).

use super::*;
use crate::model::json::Field;

pub(super) fn express_services(cx: &mut Cx) {
    let services: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::ExpressGatewayService")
        .map(|(id, _, p)| (id, p))
        .collect();
    use crate::validate::resolve::UNSET;
    for (id, props) in services {
        let p = |k: &str| props.and_then(|m| m.field(k));
        // As written, or for every value the parameters, conditions and mapping rows give.
        let size = [p("Cpu").unwrap_or(&UNSET), p("Memory").unwrap_or(&UNSET)];
        for case in crate::validate::resolve::cases(cx, &size) {
            // ECS's own defaults when a value is left out: 1024 CPU units and 2048 MiB (the
            // guide's task definition defaults), which are a Fargate size.
            let value = |i: usize, unit: &str, default: f64| match case.given(i)? {
                None => Some(default),
                Some(v) => with_unit(v, unit),
            };
            let (Some(c), Some(m)) = (value(0, "vcpu", 1024.0), value(1, "gb", 2048.0)) else {
                continue;
            };
            let whole = |x: f64| x.fract() == 0.0 && x > 0.0 && x <= f64::from(u32::MAX);
            if whole(c) && whole(m) && fargate_valid(c as u32, m as u32) {
                continue;
            }
            cx.report(
                rules::EXPRESS_SERVICE_SIZE,
                Some(id),
                format!("{id}.Properties"),
                format!(
                    "Express Mode runs the service on Fargate, which has no task of {c} CPU units and {m} MiB{}",
                    case.when()
                ),
                Some(fargate_hint(if whole(c) { c as u32 } else { 0 }).to_owned()),
            );
        }
        let Some(target) = p("ScalingTarget") else {
            continue;
        };
        let (Some(min), Some(max)) = (target.field("MinTaskCount"), target.field("MaxTaskCount"))
        else {
            continue;
        };
        for (min, max, when) in crate::validate::resolve::inverted(cx, min, max) {
            cx.report(
                rules::EXPRESS_SCALING_RANGE,
                Some(id),
                format!("{id}.Properties.ScalingTarget.MinTaskCount"),
                format!("MinTaskCount {min} is more than MaxTaskCount {max}{when}"),
                Some("make MinTaskCount at most MaxTaskCount".into()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    fn service(props: &str) -> String {
        format!(
            "Parameters:\n  Size: {{Type: String, AllowedValues: ['512', '2048']}}\n  Low: {{Type: Number, Default: 4}}\nResources:\n  Web:\n    Type: AWS::ECS::ExpressGatewayService\n    Properties:\n      ExecutionRoleArn: arn:aws:iam::123456789012:role/exec\n      InfrastructureRoleArn: arn:aws:iam::123456789012:role/infra\n      PrimaryContainer: {{Image: nginx}}\n{props}"
        )
    }

    /// Sizes and task counts given through parameters are judged for each value, and the
    /// case is named; ECS's defaults (1024 units, 2048 MiB) fill what is left out.
    #[test]
    fn sizes_and_counts_from_parameters_are_judged_case_by_case() {
        let found = super::super::super::found(
            &service("      Cpu: '1024'\n      Memory: !Ref Size\n"),
            "FF4060",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].2,
            "Express Mode runs the service on Fargate, which has no task of 1024 CPU units and 512 MiB (when Size = 512)"
        );
        // Left out: the defaults, a Fargate size.
        assert!(super::super::super::found(&service(""), "FF4060").is_empty());
        let found = super::super::super::found(
            &service("      ScalingTarget: {MinTaskCount: !Ref Low, MaxTaskCount: 3}\n"),
            "FF4061",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].2,
            "MinTaskCount 4 is more than MaxTaskCount 3 (when Low = 4)"
        );
        assert!(
            super::super::super::found(
                &service("      ScalingTarget: {MinTaskCount: !GetAtt X.Y, MaxTaskCount: 3}\n"),
                "FF4061"
            )
            .is_empty()
        );
    }

    /// A size that is not a whole positive number of units is no Fargate size, even where
    /// its whole part would be one.
    #[test]
    fn a_fractional_size_is_no_fargate_size() {
        let size = |cpu: &str| {
            super::super::super::found(
                &service(&format!("      Cpu: '{cpu}'\n      Memory: '512'\n")),
                "FF4060",
            )
            .into_iter()
            .map(|d| d.2)
            .collect::<Vec<_>>()
        };
        assert_eq!(size("256"), Vec::<String>::new());
        assert_eq!(
            size("256.5"),
            [
                "Express Mode runs the service on Fargate, which has no task of 256.5 CPU units and 512 MiB"
            ]
        );
    }
}
