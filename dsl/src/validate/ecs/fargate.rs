//! `FF4055`: a setting Fargate refuses when the task definition is registered or the service
//! created. Each check cites the AWS page that states it:
//!
//! - container parameters: "The following task definition parameters are not valid in
//!   Fargate tasks: `disableNetworking`, `dnsSearchDomains`, `dnsServers`,
//!   `dockerSecurityOptions`, `extraHosts`, `gpu`, `ipcMode`, `links`, `placementConstraints`,
//!   `privileged`, `maxSwap`, `swappiness`" (Fargate task definition differences,
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html>);
//! - `LinuxParameters`: "for `capabilities` the only capability you can add is
//!   `CAP_SYS_PTRACE`. The `devices`, `sharedMemorySize`, and `tmpfs` parameters are not
//!   supported" (the same page; also
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LinuxParameters.html> and
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_KernelCapabilities.html>);
//! - log drivers: "For tasks on AWS Fargate, the supported log drivers are `awslogs`,
//!   `splunk`, and `awsfirelens`"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html>);
//! - FireLens: "Tasks hosted on AWS Fargate only support the `file` configuration file type"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_FirelensConfiguration.html>);
//! - `PidMode`: "On Fargate for Linux containers, the only valid value is `task`"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html>);
//! - placement constraints: "Task placement constraints aren't supported for tasks run on
//!   AWS Fargate"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinitionPlacementConstraint.html>),
//!   and for services "If you're using the Fargate launch type, task placement constraints
//!   aren't supported"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PlacementConstraint.html>);
//! - volumes: "Fargate tasks only support bind mount host volumes, so the
//!   `dockerVolumeConfiguration` parameter is not supported" (the Fargate page), and "If
//!   you're using the Fargate launch type, the `sourcePath` parameter is not supported"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HostVolumeProperties.html>);
//!   a `Host` without `SourcePath` is a bind mount, which Fargate runs;
//! - Windows: "For Windows containers on AWS Fargate, the value cannot be less than 1 vCPU"
//!   (the Fargate page, `cpu`).
//!
//! "On Fargate" means a task definition whose `RequiresCompatibilities` is a literal list of
//! `FARGATE` only (one that also lists `EC2` may use what EC2 allows), and a service with a
//! literal `LaunchType: FARGATE` or a strategy of `FARGATE`/`FARGATE_SPOT` providers only.
//! Flags are reported when literally true, lists when literally non-empty; expressions are
//! skipped. Service placement *strategies* are not reported: the pages found do not say
//! Fargate refuses them.

use super::*;
use crate::model::json::Field;

/// One finding: (logical ID, path, message, hint).
type Finding = (String, String, String, String);

/// Container parameters that are flags Fargate refuses when true.
const FLAGS: &[&str] = &["Privileged", "DisableNetworking"];

/// Container parameters that are lists Fargate refuses when non-empty.
const LISTS: &[&str] = &[
    "DnsServers",
    "DnsSearchDomains",
    "DockerSecurityOptions",
    "ExtraHosts",
    "Links",
];

/// The log drivers Fargate runs.
const LOG_DRIVERS: &[&str] = &["awslogs", "splunk", "awsfirelens"];

pub(super) fn fargate_unsupported(cx: &mut Cx) {
    let mut found: Vec<Finding> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::TaskDefinition") {
        if let Some(props) = props.filter(|p| fargate_only(p)) {
            task_settings(id, props, &mut found);
        }
    }
    for (id, _, props) in cx.resources_of("AWS::ECS::Service") {
        if let Some(props) = props.filter(|p| service_on_fargate(p))
            && non_empty(props.field("PlacementConstraints"))
        {
            found.push((
                id.to_owned(),
                format!("{id}.Properties.PlacementConstraints"),
                "the service runs on Fargate, which does not support placement constraints"
                    .to_owned(),
                "remove PlacementConstraints (Fargate places tasks itself), or run the service on EC2 capacity".to_owned(),
            ));
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::FARGATE_UNSUPPORTED,
            Some(&id),
            path,
            message,
            Some(hint),
        );
    }
}

/// Whether `RequiresCompatibilities` is a literal, non-empty list of `FARGATE` only.
fn fargate_only(props: &JsonMap) -> bool {
    let Some(Json::Array(list)) = props.field("RequiresCompatibilities") else {
        return false;
    };
    !list.is_empty() && list.iter().all(|c| c.as_str() == Some("FARGATE"))
}

/// Whether a service runs on Fargate: a literal `LaunchType: FARGATE`, or a strategy whose
/// providers are all the literals `FARGATE`/`FARGATE_SPOT`.
fn service_on_fargate(props: &JsonMap) -> bool {
    if lit_str(props.field("LaunchType")) == Some("FARGATE") {
        return true;
    }
    let Some(Json::Array(strategy)) = props.field("CapacityProviderStrategy") else {
        return false;
    };
    !props.contains_key("LaunchType")
        && !strategy.is_empty()
        && strategy.iter().all(|i| {
            matches!(
                lit_str(i.field("CapacityProvider")),
                Some("FARGATE" | "FARGATE_SPOT")
            )
        })
}

/// A literal list with at least one element.
fn non_empty(v: Option<&Json>) -> bool {
    v.and_then(Json::as_array).is_some_and(|a| !a.is_empty())
}

/// A literal number (not an expression).
fn literal_num(v: Option<&Json>) -> Option<f64> {
    v.filter(|v| !is_expr(v)).and_then(|v| lit_num(Some(v)))
}

fn task_settings(id: &str, props: &JsonMap, found: &mut Vec<Finding>) {
    let base = format!("{id}.Properties");
    let mut push = |path: String, message: String, hint: &str| {
        found.push((id.to_owned(), path, message, hint.to_owned()));
    };
    if let Some(mode) = lit_str(props.field("IpcMode")) {
        push(
            format!("{base}.IpcMode"),
            format!("IpcMode `{mode}`: Fargate does not support IpcMode"),
            "remove IpcMode, or add EC2 to RequiresCompatibilities and run the task on EC2",
        );
    }
    if let Some(mode) = lit_str(props.field("PidMode")).filter(|m| *m != "task") {
        push(
            format!("{base}.PidMode"),
            format!("PidMode `{mode}`: Fargate supports only PidMode `task`"),
            "use PidMode: task (Linux, platform 1.4.0 or later), or remove it",
        );
    }
    if non_empty(props.field("PlacementConstraints")) {
        push(
            format!("{base}.PlacementConstraints"),
            "Fargate does not support task placement constraints".to_owned(),
            "remove PlacementConstraints (Fargate places tasks itself), or add EC2 to RequiresCompatibilities",
        );
    }
    let windows = props
        .field("RuntimePlatform")
        .and_then(|p| lit_str(p.field("OperatingSystemFamily")))
        .is_some_and(|os| os.starts_with("WINDOWS_SERVER"));
    if windows
        && let Some(cpu) = props
            .field("Cpu")
            .filter(|v| !is_expr(v))
            .and_then(|v| super::task::with_unit(v, "vcpu"))
        && cpu < 1024.0
    {
        push(
            format!("{base}.Cpu"),
            format!("a Windows task on Fargate needs at least 1 vCPU (1024 units); Cpu is {cpu}"),
            "set Cpu to 1024 or more (with a Memory Fargate allows for it)",
        );
    }
    for (i, v) in props
        .field("Volumes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = format!("{base}.Volumes[{i}]");
        if v.field("DockerVolumeConfiguration")
            .is_some_and(Json::is_object)
        {
            push(
                format!("{path}.DockerVolumeConfiguration"),
                "a Docker volume (DockerVolumeConfiguration): Fargate does not support Docker volumes".to_owned(),
                "use a bind mount (a volume with only a Name), an EFS volume or a volume configured at launch",
            );
        }
        if let Some(host) = v.field("Host")
            && lit_str(host.field("SourcePath")).is_some_and(|s| !s.is_empty())
        {
            push(
                format!("{path}.Host.SourcePath"),
                "a host path (Host.SourcePath): Fargate does not support host paths".to_owned(),
                "remove SourcePath (a bind mount inside the task), or use an EFS volume",
            );
        }
    }
    for (i, c) in containers(Some(props)).into_iter().flatten().enumerate() {
        let Some(c) = c.as_object() else { continue };
        container(&format!("{base}.ContainerDefinitions[{i}]"), c, &mut push);
    }
}

fn container(path: &str, c: &JsonMap, push: &mut impl FnMut(String, String, &str)) {
    for &key in FLAGS {
        if lit_bool(c.field(key)) == Some(true) {
            push(
                format!("{path}.{key}"),
                format!("`{key}: true`: Fargate does not support {key}"),
                "remove it (or set it to false), or add EC2 to RequiresCompatibilities and run the task on EC2",
            );
        }
    }
    for &key in LISTS {
        if non_empty(c.field(key)) {
            push(
                format!("{path}.{key}"),
                format!("{key} is set: Fargate does not support {key}"),
                match key {
                    "Links" => {
                        "remove Links: containers of a Fargate task reach each other on localhost"
                    }
                    "ExtraHosts" | "DnsServers" | "DnsSearchDomains" => {
                        "remove it: a Fargate task uses the VPC's DNS (set DNS options on the VPC)"
                    }
                    _ => "remove it, or add EC2 to RequiresCompatibilities and run the task on EC2",
                },
            );
        }
    }
    for (j, r) in c
        .field("ResourceRequirements")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if lit_str(r.field("Type")) == Some("GPU") {
            push(
                format!("{path}.ResourceRequirements[{j}]"),
                "a GPU resource requirement: Fargate does not support GPUs".to_owned(),
                "run GPU containers on EC2 capacity with GPU instances",
            );
        }
    }
    if let Some(lc) = c.field("LogConfiguration")
        && let Some(driver) = lit_str(lc.field("LogDriver"))
        && !LOG_DRIVERS.contains(&driver)
    {
        push(
            format!("{path}.LogConfiguration.LogDriver"),
            format!("log driver `{driver}`: Fargate does not support it"),
            "on Fargate use awslogs, splunk or awsfirelens (FireLens routes to other destinations)",
        );
    }
    if let Some(options) = c
        .field("FirelensConfiguration")
        .and_then(|f| f.field("Options"))
        && lit_str(options.field("config-file-type")) == Some("s3")
    {
        push(
            format!("{path}.FirelensConfiguration.Options.config-file-type"),
            "a FireLens configuration file from S3: Fargate does not support it".to_owned(),
            "on Fargate use config-file-type `file` with a configuration file built into the log router image",
        );
    }
    let Some(linux) = c.field("LinuxParameters").and_then(Json::as_object) else {
        return;
    };
    let lp = format!("{path}.LinuxParameters");
    for (k, cap) in linux
        .field("Capabilities")
        .and_then(|caps| caps.field("Add"))
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(cap) =
            lit_str(Some(cap)).filter(|c| !matches!(*c, "SYS_PTRACE" | "CAP_SYS_PTRACE"))
        {
            push(
                format!("{lp}.Capabilities.Add[{k}]"),
                format!("capability `{cap}`: Fargate does not support adding it"),
                "on Fargate the only capability a container may add is SYS_PTRACE",
            );
        }
    }
    for key in ["Devices", "Tmpfs"] {
        if non_empty(linux.field(key)) {
            push(
                format!("{lp}.{key}"),
                format!("LinuxParameters.{key}: Fargate does not support {key}"),
                "remove it, or add EC2 to RequiresCompatibilities and run the task on EC2",
            );
        }
    }
    for key in ["SharedMemorySize", "MaxSwap", "Swappiness"] {
        if literal_num(linux.field(key)).is_some() {
            push(
                format!("{lp}.{key}"),
                format!("LinuxParameters.{key}: Fargate does not support {key}"),
                "remove it, or add EC2 to RequiresCompatibilities and run the task on EC2",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::found;

    /// A task definition with `compat` and `rest` (task properties) and one container with
    /// `container` (extra container keys, YAML flow mapping entries).
    fn task(compat: &str, rest: &str, container: &str) -> String {
        format!(
            "Parameters:\n  P:\n    Type: String\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: {compat}\n      NetworkMode: awsvpc\n      Cpu: '1024'\n      Memory: '2048'\n{rest}      ContainerDefinitions:\n        - {{Name: app, Image: nginx{container}}}\n"
        )
    }

    fn paths(text: &str) -> Vec<String> {
        found(text, "FF4055").into_iter().map(|d| d.1).collect()
    }

    const C: &str = "Task.Properties.ContainerDefinitions[0]";

    #[test]
    fn each_container_refusal_fires() {
        for (setting, path) in [
            (", Privileged: true", "Privileged"),
            (", DisableNetworking: 'true'", "DisableNetworking"),
            (", DnsServers: [10.0.0.2]", "DnsServers"),
            (", DnsSearchDomains: [corp]", "DnsSearchDomains"),
            (
                ", DockerSecurityOptions: ['no-new-privileges']",
                "DockerSecurityOptions",
            ),
            (
                ", ExtraHosts: [{Hostname: a, IpAddress: 10.0.0.1}]",
                "ExtraHosts",
            ),
            (", Links: [db]", "Links"),
            (
                ", ResourceRequirements: [{Type: GPU, Value: '1'}]",
                "ResourceRequirements[0]",
            ),
            (
                ", LogConfiguration: {LogDriver: json-file}",
                "LogConfiguration.LogDriver",
            ),
            (
                ", FirelensConfiguration: {Type: fluentbit, Options: {config-file-type: s3, config-file-value: 'arn:aws:s3:::b/f.conf'}}",
                "FirelensConfiguration.Options.config-file-type",
            ),
            (
                ", LinuxParameters: {Capabilities: {Add: [SYS_PTRACE, NET_ADMIN]}}",
                "LinuxParameters.Capabilities.Add[1]",
            ),
            (
                ", LinuxParameters: {Devices: [{HostPath: /dev/fuse}]}",
                "LinuxParameters.Devices",
            ),
            (
                ", LinuxParameters: {Tmpfs: [{ContainerPath: /t, Size: 64}]}",
                "LinuxParameters.Tmpfs",
            ),
            (
                ", LinuxParameters: {SharedMemorySize: 64}",
                "LinuxParameters.SharedMemorySize",
            ),
            (
                ", LinuxParameters: {MaxSwap: 512}",
                "LinuxParameters.MaxSwap",
            ),
            (
                ", LinuxParameters: {Swappiness: 10}",
                "LinuxParameters.Swappiness",
            ),
        ] {
            let text = task("[FARGATE]", "", setting);
            assert_eq!(paths(&text), vec![format!("{C}.{path}")], "{setting}");
            // The same container on a task that may also run on EC2 is not judged.
            assert!(
                paths(&task("[EC2, FARGATE]", "", setting)).is_empty(),
                "{setting}"
            );
        }
    }

    /// Each list setting Fargate refuses gets the way out that fits it: containers of a
    /// task share localhost, and DNS comes from the VPC.
    #[test]
    fn list_refusals_say_what_to_do_instead() {
        for (setting, hint) in [
            (
                ", Links: [db]",
                "remove Links: containers of a Fargate task reach each other on localhost",
            ),
            (
                ", ExtraHosts: [{Hostname: a, IpAddress: 10.0.0.1}]",
                "remove it: a Fargate task uses the VPC's DNS (set DNS options on the VPC)",
            ),
            (
                ", DnsServers: [10.0.0.2]",
                "remove it: a Fargate task uses the VPC's DNS (set DNS options on the VPC)",
            ),
            (
                ", DnsSearchDomains: [corp]",
                "remove it: a Fargate task uses the VPC's DNS (set DNS options on the VPC)",
            ),
            (
                ", DockerSecurityOptions: ['no-new-privileges']",
                "remove it, or add EC2 to RequiresCompatibilities and run the task on EC2",
            ),
        ] {
            let hints: Vec<String> = found(&task("[FARGATE]", "", setting), "FF4055")
                .into_iter()
                .map(|d| d.3)
                .collect();
            assert_eq!(hints, vec![hint.to_owned()], "{setting}");
        }
    }

    #[test]
    fn each_task_refusal_fires() {
        for (rest, path) in [
            ("      IpcMode: task\n", "IpcMode"),
            ("      PidMode: host\n", "PidMode"),
            (
                "      PlacementConstraints: [{Type: memberOf, Expression: 'attribute:x == y'}]\n",
                "PlacementConstraints",
            ),
            (
                "      Volumes: [{Name: v, DockerVolumeConfiguration: {Scope: task}}]\n",
                "Volumes[0].DockerVolumeConfiguration",
            ),
            (
                "      Volumes: [{Name: v, Host: {SourcePath: /data}}]\n",
                "Volumes[0].Host.SourcePath",
            ),
        ] {
            assert_eq!(
                paths(&task("[FARGATE]", rest, "")),
                vec![format!("Task.Properties.{path}")],
                "{rest}"
            );
            assert!(
                paths(&task("[EC2, FARGATE]", rest, "")).is_empty(),
                "{rest}"
            );
        }
        let windows = "Parameters: {}\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      RuntimePlatform: {OperatingSystemFamily: WINDOWS_SERVER_2022_CORE}\n      Cpu: '512'\n      Memory: '1024'\n      ContainerDefinitions: [{Name: app, Image: mcr.microsoft.com/windows/servercore}]\n";
        assert_eq!(paths(windows), vec!["Task.Properties.Cpu".to_owned()]);
        assert!(
            paths(
                &windows
                    .replace("'512'", "'1 vCPU'")
                    .replace("'1024'", "'2048'")
            )
            .is_empty()
        );
    }

    #[test]
    fn what_fargate_allows_is_not_reported() {
        for ok in [
            ", Privileged: false, DisableNetworking: false, Links: [], DnsServers: []",
            ", LinuxParameters: {InitProcessEnabled: true, Capabilities: {Add: [SYS_PTRACE], Drop: [ALL]}}",
            ", LogConfiguration: {LogDriver: awslogs, Options: {awslogs-group: g, awslogs-region: eu-west-1, awslogs-stream-prefix: p}}",
            ", LogConfiguration: {LogDriver: splunk}",
            ", FirelensConfiguration: {Type: fluentbit, Options: {config-file-type: file, config-file-value: /extra.conf}}",
            ", ResourceRequirements: [{Type: InferenceAccelerator, Value: a}]",
        ] {
            assert!(paths(&task("[FARGATE]", "", ok)).is_empty(), "{ok}");
        }
        for ok in [
            "      PidMode: task\n",
            "      Volumes: [{Name: v, Host: {}}, {Name: w}]\n",
            "      PlacementConstraints: []\n",
        ] {
            assert!(paths(&task("[FARGATE]", ok, "")).is_empty(), "{ok}");
        }
    }

    #[test]
    fn expressions_are_skipped() {
        for skip in [
            ", Privileged: !Ref P",
            ", Links: !Ref P",
            ", LogConfiguration: {LogDriver: !Ref P}",
            ", LinuxParameters: {Capabilities: {Add: [!Ref P]}, MaxSwap: !Ref P, Devices: !Ref P}",
            ", LinuxParameters: !Ref P",
        ] {
            assert!(paths(&task("[FARGATE]", "", skip)).is_empty(), "{skip}");
        }
        assert!(paths(&task("[FARGATE]", "      IpcMode: !Ref P\n      PidMode: !Ref P\n      Volumes: [{Name: v, Host: {SourcePath: !Ref P}}]\n", "")).is_empty());
        // A compatibility list from an expression is not judged.
        assert!(paths(&task("!Ref P", "", ", Privileged: true")).is_empty());
        assert!(paths(&task("[!Ref P]", "", ", Privileged: true")).is_empty());
    }

    #[test]
    fn a_service_on_fargate_has_no_placement_constraints() {
        let service = |how: &str| {
            format!(
                "Resources:\n  S:\n    Type: AWS::ECS::Service\n    Properties:\n      Cluster: c\n      TaskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/t:1\n{how}      PlacementConstraints: [{{Type: distinctInstance}}]\n"
            )
        };
        let on = vec!["S.Properties.PlacementConstraints".to_owned()];
        assert_eq!(paths(&service("      LaunchType: FARGATE\n")), on);
        assert_eq!(
            paths(&service(
                "      CapacityProviderStrategy: [{CapacityProvider: FARGATE, Weight: 1}, {CapacityProvider: FARGATE_SPOT, Weight: 1}]\n"
            )),
            on
        );
        assert!(paths(&service("      LaunchType: EC2\n")).is_empty());
        assert!(paths(&service("")).is_empty());
        assert!(paths(&service("      CapacityProviderStrategy: [{CapacityProvider: FARGATE}, {CapacityProvider: my-asg}]\n")).is_empty());
    }
}
