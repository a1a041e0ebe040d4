//! Express Mode services (`AWS::ECS::ExpressGatewayService`, FF4060-FF4061).
//!
//! An Express Mode service runs its tasks on Fargate ("The ECS default cluster ... with
//! Fargate capacity providers"; "capacityProviders: [FARGATE]", the ECS guide's
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/express-service-work.html>),
//! so its `Cpu` and `Memory` are a Fargate task size; and ECS registers an Application Auto
//! Scaling target from its `ScalingTarget`, whose minimum may not exceed its maximum
//! (`RegisterScalableTarget`).

use super::*;

pub(super) fn express_services(cx: &mut Cx) {
    let services: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::ExpressGatewayService")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in services {
        let p = |k: &str| props.and_then(|m| m.get(k));
        // ECS's own defaults when a value is left out: 1024 CPU units and 2048 MiB (the
        // guide's task definition defaults), which are a Fargate size.
        let cpu = match p("Cpu") {
            None => Some(1024.0),
            Some(v) if is_expr(v) => None,
            Some(v) => with_unit(v, "vcpu"),
        };
        let memory = match p("Memory") {
            None => Some(2048.0),
            Some(v) if is_expr(v) => None,
            Some(v) => with_unit(v, "gb"),
        };
        if let (Some(c), Some(m)) = (cpu, memory)
            && !(c.fract() == 0.0
                && m.fract() == 0.0
                && c > 0.0
                && m > 0.0
                && c <= f64::from(u32::MAX)
                && m <= f64::from(u32::MAX)
                && fargate_valid(c as u32, m as u32))
        {
            cx.report(
                rules::EXPRESS_SERVICE_SIZE,
                Some(id),
                format!("{id}.Properties"),
                format!("Express Mode runs the service on Fargate, which has no task of {c} CPU units and {m} MiB"),
                Some(if c.fract() == 0.0 && c > 0.0 && c <= f64::from(u32::MAX) {
                    fargate_hint(c as u32).to_owned()
                } else {
                    fargate_hint(0).to_owned()
                }),
            );
        }
        let Some(target) = p("ScalingTarget") else {
            continue;
        };
        if let (Some(min), Some(max)) = (
            lit_num(target.get("MinTaskCount")),
            lit_num(target.get("MaxTaskCount")),
        ) && min > max
        {
            cx.report(
                rules::EXPRESS_SCALING_RANGE,
                Some(id),
                format!("{id}.Properties.ScalingTarget.MinTaskCount"),
                format!("MinTaskCount {min} is more than MaxTaskCount {max}"),
                Some("make MinTaskCount at most MaxTaskCount".into()),
            );
        }
    }
}
