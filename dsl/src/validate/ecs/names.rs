//! Names one part of an ECS template gives another, which ECS looks up at deploy time:
//!
//! - `FF4025`: a service's load balancer names a container of the task definition
//!   ("containerName: the name of the container (as it appears in a container definition)")
//!   and a port that container maps ("this port must correspond to a containerPort in the
//!   task definition the tasks in the service are using"; LoadBalancer).
//! - `FF4026`: a mount point's `SourceVolume` is "a volume name referenced in the name
//!   parameter of task definition volume" (MountPoint).
//!
//! Decided only when both sides are written out: a name or port from a parameter, or a
//! list that is an expression, is neither counted nor reported.

use crate::model::json::Field;
use std::collections::BTreeSet;

use super::*;

pub(super) fn load_balancer_containers(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::Service") {
        let Some(p) = props else { continue };
        let Some(task) = ref_target(p.field("TaskDefinition"))
            .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"))
            .and_then(|t| cx.resource(t))
            .and_then(|r| r.field("Properties"))
            .and_then(Json::as_object)
        else {
            continue;
        };
        let Some(containers) = containers(Some(task)) else {
            continue;
        };
        // Every container named by a literal, or nothing is decided.
        let names: Option<Vec<(&str, &Json)>> = containers
            .iter()
            .map(|c| lit_str(c.field("Name")).map(|n| (n, c)))
            .collect();
        let Some(names) = names else { continue };
        let lbs = p.field("LoadBalancers").and_then(Json::as_array);
        for (i, lb) in lbs.into_iter().flatten().enumerate() {
            let at = format!("{id}.Properties.LoadBalancers[{i}]");
            let Some(name) = lit_str(lb.field("ContainerName")) else {
                continue;
            };
            let Some((_, container)) = names.iter().find(|(n, _)| *n == name) else {
                let known: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
                found.push((
                    id.to_owned(),
                    format!("{at}.ContainerName"),
                    format!("the load balancer names container `{name}`, which the task definition does not have"),
                    format!("use one of its containers: {}", known.join(", ")),
                ));
                continue;
            };
            let Some(port) = lb
                .field("ContainerPort")
                .filter(|v| !is_expr(v))
                .and_then(|v| lit_num(Some(v)))
            else {
                continue;
            };
            // The ports the container maps, when all are written out: none when it has no
            // PortMappings; not known when they are an expression (an `Fn::If` may map the
            // port for the parameters the stack is deployed with).
            let mapped: Option<BTreeSet<u64>> = match container.field("PortMappings") {
                None => Some(BTreeSet::new()),
                Some(v) if crate::validate::is_no_value(v) => Some(BTreeSet::new()),
                Some(Json::Array(m)) => m
                    .iter()
                    .map(|pm| {
                        pm.field("ContainerPort")
                            .filter(|v| !is_expr(v))
                            .and_then(|v| lit_num(Some(v)))
                            .map(|x| x as u64)
                    })
                    .collect(),
                Some(_) => None,
            };
            if let Some(mapped) = mapped
                && !mapped.contains(&(port as u64))
            {
                let ports: Vec<String> = mapped.iter().map(u64::to_string).collect();
                found.push((
                    id.to_owned(),
                    format!("{at}.ContainerPort"),
                    format!("the load balancer sends to port {port} of container `{name}`, which maps {}", if ports.is_empty() { "no port".to_owned() } else { format!("port(s) {}", ports.join(", ")) }),
                    format!("add a port mapping with ContainerPort {port} to `{name}`, or use a port it maps"),
                ));
            }
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::LOAD_BALANCER_CONTAINER,
            Some(&id),
            path,
            message,
            Some(hint),
        );
    }
}

pub(super) fn mount_points(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::TaskDefinition") {
        let Some(p) = props else { continue };
        let volumes: Option<BTreeSet<&str>> = match p.field("Volumes") {
            None => Some(BTreeSet::new()),
            Some(Json::Array(v)) => v.iter().map(|x| lit_str(x.field("Name"))).collect(),
            Some(_) => None,
        };
        let Some(volumes) = volumes else { continue };
        let Some(containers) = containers(Some(p)) else {
            continue;
        };
        for (i, c) in containers.iter().enumerate() {
            let mounts = c.field("MountPoints").and_then(Json::as_array);
            for (j, m) in mounts.into_iter().flatten().enumerate() {
                let Some(source) = lit_str(m.field("SourceVolume")) else {
                    continue;
                };
                if !volumes.contains(source) {
                    let known = if volumes.is_empty() {
                        "the task definition declares no volume".to_owned()
                    } else {
                        format!(
                            "it declares {}",
                            volumes
                                .iter()
                                .map(|v| format!("`{v}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    };
                    found.push((
                        id.to_owned(),
                        format!("{id}.Properties.ContainerDefinitions[{i}].MountPoints[{j}].SourceVolume"),
                        format!("the mount point names volume `{source}`, which the task definition does not declare; {known}"),
                    ));
                }
            }
        }
    }
    for (id, path, message) in found {
        cx.report(
            rules::MOUNT_POINT_VOLUME,
            Some(&id),
            path,
            message,
            Some(
                "declare the volume under Volumes (with that Name), or mount one that is declared"
                    .into(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::found;

    fn template(port: &str, mounts: &str, volumes: &str) -> String {
        format!(
            "Parameters:\n  P:\n    Type: Number\n    Default: 80\nResources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n{volumes}      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Memory: 512\n          PortMappings: [{{ContainerPort: 80}}]\n{mounts}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: !Ref T\n      LoadBalancers:\n        - {{ContainerName: web, ContainerPort: {port}, TargetGroupArn: arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/0123456789abcdef}}\n"
        )
    }

    #[test]
    fn ports_and_volumes_from_expressions_are_judged_for_each_value_they_can_take() {
        assert!(found(&template("80", "", ""), "FF4025").is_empty());
        // Port mappings that are an expression nothing resolves are not "no port mappings".
        let conditional = template("80", "", "").replace(
            "PortMappings: [{ContainerPort: 80}]",
            "PortMappings: !If [C, [{ContainerPort: 80}], !Ref AWS::NoValue]",
        ) + "Conditions:\n  C: !Equals [a, a]\n";
        assert!(
            found(&conditional, "FF4025").is_empty(),
            "{:?}",
            found(&conditional, "FF4025")
        );
        assert!(found(&template("!Ref P", "", ""), "FF4025").is_empty());
        assert_eq!(found(&template("81", "", ""), "FF4025").len(), 1);
        let mount = "          MountPoints: [{SourceVolume: data, ContainerPath: /d}]\n";
        assert_eq!(
            found(&template("80", mount, ""), "FF4026").len(),
            1,
            "no volumes at all"
        );
        assert!(
            found(
                &template("80", mount, "      Volumes: [{Name: data}]\n"),
                "FF4026"
            )
            .is_empty()
        );
        // An Fn::If is judged in each case: no volume in either (said without a case), or
        // only when C is false; what nothing can follow is not judged.
        let either = found(
            &template("80", mount, "      Volumes: !If [C, [], []]\n"),
            "FF4026",
        );
        assert_eq!(either.len(), 1, "{either:?}");
        assert!(!either[0].2.contains("(when"), "{either:?}");
        let one = found(
            &template("80", mount, "      Volumes: !If [C, [{Name: data}], []]\n"),
            "FF4026",
        );
        assert_eq!(one.len(), 1, "{one:?}");
        assert!(
            one[0].2.ends_with(" (when condition C is false)"),
            "{one:?}"
        );
        assert!(
            found(
                &template("80", mount, "      Volumes: !ImportValue Volumes\n"),
                "FF4026"
            )
            .is_empty()
        );
    }
}
