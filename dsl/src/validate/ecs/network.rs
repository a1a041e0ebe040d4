//! Settings a task definition's network mode does not allow (`FF4056`), from the container
//! definition and CreateService references:
//!
//! - a service's `NetworkConfiguration` "isn't supported for other network modes" than
//!   `awsvpc` (CreateService);
//! - `Hostname` "is not supported if you're using the awsvpc network mode", nor is
//!   `ExtraHosts` (ContainerDefinition);
//! - `Links` are "only supported if the network mode of a task definition is bridge"
//!   (ContainerDefinition);
//! - with the `none` network mode, "you can't specify port mappings" (ContainerDefinition).
//!
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html>
//!
//! Decided only when `NetworkMode` is written out (its default depends on the platform), and
//! a setting only when it is present and not empty.

use super::*;
use crate::model::json::Field;

/// The task definition's literal network mode.
fn network_mode(props: Option<&JsonMap>) -> Option<&str> {
    lit_str(props.and_then(|p| p.field("NetworkMode")))
}

/// Present and not an empty list or empty text.
fn set(v: Option<&Json>) -> bool {
    match v {
        None | Some(Json::Null) => false,
        Some(Json::Array(a)) => !a.is_empty(),
        Some(Json::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

pub(super) fn network_mode_settings(cx: &mut Cx) {
    let mut found: Vec<(String, String, String, &'static str)> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::TaskDefinition") {
        let Some(mode) = network_mode(props) else {
            continue;
        };
        for (i, c) in containers(props).into_iter().flatten().enumerate() {
            let at = |k: &str| format!("{id}.Properties.ContainerDefinitions[{i}].{k}");
            let refused: &[(&str, &str)] = match mode {
                "awsvpc" => &[
                    (
                        "Hostname",
                        "a hostname comes from the task's network interface",
                    ),
                    (
                        "ExtraHosts",
                        "add the names to DNS instead (or use another network mode)",
                    ),
                    (
                        "Links",
                        "containers of an awsvpc task reach each other on localhost",
                    ),
                ],
                "host" => &[(
                    "Links",
                    "containers on the host network reach each other on localhost",
                )],
                "none" => &[
                    ("Links", "a task without networking has no links"),
                    (
                        "PortMappings",
                        "a task without networking maps no ports; use another network mode",
                    ),
                ],
                _ => &[],
            };
            for (key, hint) in refused {
                if set(c.field(key)) {
                    found.push((
                        id.to_owned(),
                        at(key),
                        format!("{key} is not allowed with the `{mode}` network mode"),
                        hint,
                    ));
                }
            }
        }
    }
    for (id, _, props) in cx.resources_of("AWS::ECS::Service") {
        let p = |k: &str| props.and_then(|m| m.field(k));
        let Some(task) = ref_target(p("TaskDefinition"))
            .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"))
        else {
            continue;
        };
        let task_props = cx
            .resource(task)
            .and_then(|r| r.field("Properties"))
            .and_then(Json::as_object);
        if let Some(mode) = network_mode(task_props).filter(|m| *m != "awsvpc")
            && set(p("NetworkConfiguration"))
        {
            found.push((
                id.to_owned(),
                format!("{id}.Properties.NetworkConfiguration"),
                format!("the task definition `{task}` uses the `{mode}` network mode, where a service takes no NetworkConfiguration (only awsvpc tasks do)"),
                "remove NetworkConfiguration, or give the task definition the awsvpc network mode",
            ));
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::NETWORK_MODE_SETTING,
            Some(&id),
            path,
            message,
            Some(hint.into()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::found;

    fn task(mode: &str, container: &str) -> String {
        format!(
            "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: {mode}\n      ContainerDefinitions:\n        - Name: web\n          Image: nginx\n          Memory: 512\n{container}"
        )
    }

    #[test]
    fn each_mode_refuses_what_it_does_not_have() {
        let d = found(
            &task("awsvpc", "          Hostname: web\n          Links: [db]\n"),
            "FF4056",
        );
        let paths: Vec<&str> = d.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            paths,
            [
                "T.Properties.ContainerDefinitions[0].Hostname",
                "T.Properties.ContainerDefinitions[0].Links"
            ]
        );
        assert_eq!(
            found(
                &task("none", "          PortMappings: [{ContainerPort: 80}]\n"),
                "FF4056"
            )
            .len(),
            1
        );
        assert_eq!(
            found(&task("host", "          Links: [db]\n"), "FF4056").len(),
            1
        );
        // Bridge allows them all; an empty list or an unwritten mode is not judged.
        assert!(found(&task("bridge", "          Hostname: web\n          Links: [db]\n          ExtraHosts: [{Hostname: a, IpAddress: 10.0.0.1}]\n"), "FF4056").is_empty());
        assert!(found(&task("awsvpc", "          Links: []\n"), "FF4056").is_empty());
        assert!(
            found(
                &task("!Ref AWS::NoValue", "          Hostname: web\n"),
                "FF4056"
            )
            .is_empty()
        );
    }

    #[test]
    fn a_service_of_a_bridge_task_takes_no_network_configuration() {
        let t = format!(
            "{}  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: !Ref T\n      NetworkConfiguration:\n        AwsvpcConfiguration: {{Subnets: [subnet-12345678]}}\n",
            task("bridge", "")
        );
        let d = found(&t, "FF4056");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].1, "S.Properties.NetworkConfiguration");
        assert!(
            found(
                &t.replace("NetworkMode: bridge", "NetworkMode: awsvpc"),
                "FF4056"
            )
            .is_empty()
        );
    }
}
