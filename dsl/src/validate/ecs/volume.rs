//! Amazon EBS volumes that ECS creates for a service's tasks (`VolumeConfigurations[]
//! .ManagedEBSVolume`, FF4052-FF4053) and volumes configured at launch that no container
//! mounts (FF4054).
//!
//! The facts are those of the template reference's `ServiceManagedEBSVolumeConfiguration`
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-servicemanagedebsvolumeconfiguration.html>)
//! and of the ECS guide's storage options table
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_data_volumes.html>).

use super::*;
use crate::model::json::Field;

/// A volume type's limits: (type, size in GiB, IOPS when it may be set, whether IOPS must be
/// set, whether throughput may be set). "gp2 and gp3: 1-16,384; io1 and io2: 4-16,384; st1
/// and sc1: 125-16,384; standard: 1-1,024"; IOPS "gp3: 3,000 - 16,000; io1: 100 - 64,000;
/// io2: 100 - 256,000 ... required for io1 and io2 ... not supported for st1, sc1, or
/// standard"; throughput "only supported for the gp3 volume type", at most 1,000 MiB/s.
type Limits = (&'static str, (f64, f64), Option<(f64, f64)>, bool, bool);

pub(crate) const VOLUME_TYPES: [Limits; 7] = [
    ("gp2", (1.0, 16_384.0), None, false, false),
    (
        "gp3",
        (1.0, 16_384.0),
        Some((3_000.0, 16_000.0)),
        false,
        true,
    ),
    ("io1", (4.0, 16_384.0), Some((100.0, 64_000.0)), true, false),
    (
        "io2",
        (4.0, 16_384.0),
        Some((100.0, 256_000.0)),
        true,
        false,
    ),
    ("st1", (125.0, 16_384.0), None, false, false),
    ("sc1", (125.0, 16_384.0), None, false, false),
    ("standard", (1.0, 1_024.0), None, false, false),
];

/// The most throughput a volume may have, in MiB/s.
pub(crate) const MAX_THROUGHPUT: f64 = 1_000.0;

/// Where a service's tasks run, as far as the template says.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Runs {
    Fargate,
    External,
    Other,
}

/// Where `props` (a service's) run: its launch type, or a capacity provider strategy that
/// names only Fargate providers.
pub(super) fn runs(props: Option<&JsonMap>) -> Runs {
    let p = |k: &str| props.and_then(|m| m.field(k));
    match lit_str(p("LaunchType")) {
        Some("FARGATE") => return Runs::Fargate,
        Some("EXTERNAL") => return Runs::External,
        Some(_) => return Runs::Other,
        None => {}
    }
    let providers: Option<Vec<&str>> =
        p("CapacityProviderStrategy")
            .and_then(Json::as_array)
            .map(|s| {
                s.iter()
                    .filter_map(|e| lit_str(e.field("CapacityProvider")))
                    .collect()
            });
    match providers {
        Some(p) if !p.is_empty() && p.iter().all(|c| matches!(*c, "FARGATE" | "FARGATE_SPOT")) => {
            Runs::Fargate
        }
        _ => Runs::Other,
    }
}

/// FF4052 and FF4053 for the service `id`.
pub(super) fn managed_ebs_volumes(
    cx: &mut Cx,
    id: &str,
    props: Option<&JsonMap>,
    task_props: Option<&JsonMap>,
) {
    let Some(configs) = props
        .and_then(|m| m.field("VolumeConfigurations"))
        .and_then(Json::as_array)
    else {
        return;
    };
    let runs = runs(props);
    let windows = task_props
        .and_then(|t| t.field("RuntimePlatform"))
        .and_then(|r| lit_str(r.field("OperatingSystemFamily")))
        .is_some_and(|os| os.starts_with("WINDOWS"));
    for (i, c) in configs.iter().enumerate() {
        let Some(ebs) = c.field("ManagedEBSVolume").and_then(Json::as_object) else {
            continue;
        };
        let at = format!("{id}.Properties.VolumeConfigurations[{i}].ManagedEBSVolume");
        // Where the tasks run (FF4053): "Amazon EBS: Fargate, Amazon EC2, Amazon ECS
        // Managed Instances; Linux, Windows (on Amazon EC2 only)".
        let placement = match (runs, windows) {
            (Runs::External, _) => Some((
                "the service's tasks run on external instances (LaunchType EXTERNAL), which cannot have EBS volumes attached by ECS",
                "run the service on Fargate, EC2 or Managed Instances, or remove the volume configuration",
            )),
            (Runs::Fargate, true) => Some((
                "the service runs Windows tasks on Fargate; ECS attaches EBS volumes to Windows tasks on EC2 only",
                "run the Windows tasks on EC2 capacity, or remove the volume configuration",
            )),
            _ => None,
        };
        if let Some((what, fix)) = placement {
            cx.report(
                rules::EBS_VOLUME_PLACEMENT,
                Some(id),
                at.clone(),
                what.to_owned(),
                Some(fix.into()),
            );
        }
        settings(cx, id, &at, ebs, runs);
    }
}

/// FF4052: the volume's own settings.
fn settings(cx: &mut Cx, id: &str, at: &str, ebs: &JsonMap, runs: Runs) {
    let mut problems: Vec<(String, String, String)> = Vec::new();
    let mut bad = |key: &str, what: String, fix: String| {
        problems.push((
            if key.is_empty() {
                at.to_owned()
            } else {
                format!("{at}.{key}")
            },
            what,
            fix,
        ));
    };
    let size = ebs.field("SizeInGiB");
    let snapshot = ebs.field("SnapshotId");
    if size.is_none() && snapshot.is_none() {
        bad(
            "",
            "neither SizeInGiB nor SnapshotId is set: ECS must be given a volume size or a snapshot".into(),
            "set SizeInGiB (or SnapshotId to start from a snapshot)".into(),
        );
    }
    if ebs.contains_key("VolumeInitializationRate") && snapshot.is_none() {
        bad(
            "VolumeInitializationRate",
            "VolumeInitializationRate is set without SnapshotId: it is the rate at which a snapshot's data is fetched".into(),
            "set SnapshotId, or remove VolumeInitializationRate".into(),
        );
    }
    // The type and the values it limits are judged together, for every case the
    // parameters, conditions and mapping rows give them (one case when all are literals).
    let Some(kind) = ebs.field("VolumeType") else {
        return report(cx, id, problems);
    };
    let unset = &crate::validate::resolve::UNSET;
    let given = |k: &str| ebs.field(k).unwrap_or(unset);
    let values = [
        kind,
        size.unwrap_or(unset),
        given("Iops"),
        given("Throughput"),
    ];
    for case in crate::validate::resolve::cases(cx, &values) {
        let Some(Some(Json::String(kind))) = case.given(0) else {
            continue;
        };
        limits(kind, &case, runs, &mut bad);
    }
    report(cx, id, problems);
}

/// FF4052 for one case of a volume's type, size, IOPS and throughput (the values of
/// `case`, in that order; the messages say which case, nothing for literals).
fn limits(
    kind: &str,
    case: &crate::validate::resolve::Scenario,
    runs: Runs,
    bad: &mut impl FnMut(&str, String, String),
) {
    let when = case.when();
    let Some(&(_, (min, max), iops_range, iops_required, throughput_ok)) =
        VOLUME_TYPES.iter().find(|(t, ..)| *t == kind)
    else {
        bad(
            "VolumeType",
            format!("`{kind}` is not an EBS volume type{when}"),
            format!("use one of {}", VOLUME_TYPES.map(|(t, ..)| t).join(", ")),
        );
        return;
    };
    if kind == "standard" && runs == Runs::Fargate {
        bad(
            "VolumeType",
            format!("the magnetic volume type (standard) is not supported on Fargate{when}"),
            "use gp3 (or another SSD or HDD type)".into(),
        );
    }
    if let Some(s) = case.num(1)
        && !(min..=max).contains(&s)
    {
        bad(
            "SizeInGiB",
            format!(
                "{s} GiB is outside what a volume of type {kind} may be ({min}-{max} GiB){when}"
            ),
            format!("give a size from {min} to {max} GiB"),
        );
    }
    match (case.given(2), iops_range) {
        (Some(None), Some(_)) if iops_required => bad(
            "",
            format!("a volume of type {kind} needs Iops{when}"),
            format!(
                "set Iops ({}-{})",
                iops_range.map_or(0.0, |r| r.0),
                iops_range.map_or(0.0, |r| r.1)
            ),
        ),
        (Some(Some(_)), None) => bad(
            "Iops",
            format!("Iops cannot be set for a volume of type {kind}{when}"),
            "remove Iops, or use gp3, io1 or io2".into(),
        ),
        (Some(Some(_)), Some((lo, hi))) => {
            if let Some(n) = case.num(2)
                && !(lo..=hi).contains(&n)
            {
                bad(
                    "Iops",
                    format!(
                        "{n} IOPS is outside what a volume of type {kind} may have ({lo}-{hi}){when}"
                    ),
                    format!("give Iops from {lo} to {hi}"),
                );
            }
        }
        _ => {}
    }
    if let Some(Some(_)) = case.given(3) {
        if !throughput_ok {
            bad(
                "Throughput",
                format!("Throughput can be set for gp3 volumes only, not {kind}{when}"),
                "remove Throughput, or use gp3".into(),
            );
        } else if let Some(n) = case.num(3)
            && n > MAX_THROUGHPUT
        {
            bad(
                "Throughput",
                format!("{n} MiB/s is more than a volume may have ({MAX_THROUGHPUT} MiB/s){when}"),
                format!("give at most {MAX_THROUGHPUT} MiB/s"),
            );
        }
    }
}

fn report(cx: &mut Cx, id: &str, problems: Vec<(String, String, String)>) {
    for (path, what, fix) in problems {
        cx.report(rules::EBS_VOLUME_SETTINGS, Some(id), path, what, Some(fix));
    }
}

/// FF4054 (warning): a volume configured at launch that no container of the task
/// definition mounts. ECS creates (and bills) a volume for every task and attaches it, but
/// nothing in the task can use it.
pub(super) fn unmounted_at_launch(cx: &mut Cx, id: &str, props: Option<&JsonMap>) {
    let Some(volumes) = props
        .and_then(|m| m.field("Volumes"))
        .and_then(Json::as_array)
    else {
        return;
    };
    let Some(containers) = containers(props) else {
        return;
    };
    // Every mounted name, or nothing said when a mount list is an expression.
    let mut mounted = Vec::new();
    for c in containers {
        match c.field("MountPoints") {
            None => {}
            Some(m) => {
                let Some(list) = m.as_array() else { return };
                for mp in list {
                    match mp.field("SourceVolume") {
                        Some(Json::String(s)) => mounted.push(s.as_str()),
                        None => {}
                        Some(_) => return,
                    }
                }
            }
        }
        if c.field("VolumesFrom").is_some() {
            return; // another container's volumes: followed nowhere here
        }
    }
    let at_launch = |v: &&Json| lit_bool(v.field("ConfiguredAtLaunch")) == Some(true);
    if volumes.iter().filter(at_launch).count() > 1 {
        return; // FF4051 says what is wrong with these
    }
    for (i, v) in volumes.iter().enumerate() {
        if !at_launch(&v) {
            continue;
        }
        let Some(name) = lit_str(v.field("Name")) else {
            continue;
        };
        if mounted.contains(&name) {
            continue;
        }
        cx.report(
            rules::EBS_VOLUME_UNMOUNTED,
            Some(id),
            format!("{id}.Properties.Volumes[{i}]"),
            format!(
                "volume `{name}` is configured at launch, but no container mounts it: each task gets a volume it cannot use"
            ),
            Some(format!(
                "add a MountPoints entry with SourceVolume: {name} to the container that needs it, or remove the volume"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::Template;

    /// (severity, rule, path) of every diagnostic of this file's rules for a service whose
    /// `ManagedEBSVolume` is `ebs` (YAML flow mapping), on `where_` (`LaunchType: ...` or a
    /// capacity provider strategy), with a task definition for `os`.
    fn found(ebs: &str, where_: &str, os: &str) -> Vec<(String, &'static str, String)> {
        diagnostics("", ebs, where_, os)
            .into_iter()
            .map(|d| (d.severity.as_str().to_owned(), d.rule, d.path))
            .collect()
    }

    /// The diagnostics of this file's rules for the service of [`found`], with `parameters`
    /// (the YAML of a `Parameters` section, or nothing) before its resources.
    fn diagnostics(
        parameters: &str,
        ebs: &str,
        where_: &str,
        os: &str,
    ) -> Vec<crate::validate::Diagnostic> {
        let text = format!(
            "{parameters}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE, EC2, EXTERNAL]
      NetworkMode: awsvpc
      Cpu: '1024'
      Memory: '2048'
      RuntimePlatform: {{OperatingSystemFamily: {os}}}
      Volumes: [{{Name: data, ConfiguredAtLaunch: true}}]
      ContainerDefinitions:
        - {{Name: app, Image: nginx, MountPoints: [{{SourceVolume: data, ContainerPath: /data}}]}}
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      {where_}
      NetworkConfiguration: {{AwsvpcConfiguration: {{Subnets: [subnet-12345678]}}}}
      VolumeConfigurations:
        - Name: data
          ManagedEBSVolume: {ebs}
"
        );
        let t = Template::parse("t.yaml", &text).unwrap();
        crate::validate::validate(&t)
            .diagnostics
            .into_iter()
            .filter(|d| matches!(d.rule, "FF4052" | "FF4053" | "FF4054"))
            .collect()
    }

    /// (path, message) of each FF4052 finding for `ebs` given `parameters`, on Fargate.
    fn with_parameters(parameters: &str, ebs: &str) -> Vec<(String, String)> {
        diagnostics(
            parameters,
            &format!("{{{ROLE}, {ebs}}}"),
            "LaunchType: FARGATE",
            "LINUX",
        )
        .into_iter()
        .map(|d| {
            assert_eq!((d.rule, d.severity.as_str()), ("FF4052", "error"));
            (d.path, d.message)
        })
        .collect()
    }

    #[test]
    fn values_given_by_parameters_are_judged_for_each_value_they_can_take() {
        let size = "Parameters:
  Size: {Type: Number, AllowedValues: [20, 20000]}";
        assert_eq!(
            with_parameters(size, "VolumeType: gp3, SizeInGiB: !Ref Size"),
            vec![(
                format!("{AT}.SizeInGiB"),
                "20000 GiB is outside what a volume of type gp3 may be (1-16384 GiB) (when Size = 20000)".to_owned()
            )]
        );
        // The type and the IOPS it needs, judged together: io2 without Iops is refused,
        // gp3 without Iops is not; Throughput only for gp3.
        let kind = "Parameters:
  Kind: {Type: String, AllowedValues: [gp3, io2]}";
        assert_eq!(
            with_parameters(
                kind,
                "VolumeType: !Ref Kind, SizeInGiB: 20, Throughput: 500"
            ),
            vec![
                (
                    AT.to_owned(),
                    "a volume of type io2 needs Iops (when Kind = io2)".to_owned()
                ),
                (
                    format!("{AT}.Throughput"),
                    "Throughput can be set for gp3 volumes only, not io2 (when Kind = io2)"
                        .to_owned()
                ),
            ]
        );
        // A default is a value the parameter takes when none is given.
        let iops = "Parameters:
  Iops: {Type: Number, Default: 2000}";
        assert_eq!(
            with_parameters(iops, "VolumeType: gp3, SizeInGiB: 20, Iops: !Ref Iops"),
            vec![(
                format!("{AT}.Iops"),
                "2000 IOPS is outside what a volume of type gp3 may have (3000-16000) (when Iops = 2000)".to_owned()
            )]
        );
        // Every value allowed: nothing to say.
        let fine = "Parameters:
  Size: {Type: Number, AllowedValues: [20, 16384]}
  Kind: {Type: String, AllowedValues: [gp2, gp3]}";
        assert_eq!(
            with_parameters(fine, "VolumeType: !Ref Kind, SizeInGiB: !Ref Size"),
            vec![]
        );
    }

    #[test]
    fn a_literal_beside_an_expression_nothing_can_follow_is_still_judged() {
        // Nothing to follow (an import, a parameter without AllowedValues or Default): those
        // values are unknown, the literal size is judged as written.
        let free = "Parameters:
  Iops: {Type: Number}";
        assert_eq!(
            with_parameters(
                "",
                "VolumeType: gp3, SizeInGiB: 20000, Iops: !ImportValue Iops"
            ),
            vec![(
                format!("{AT}.SizeInGiB"),
                "20000 GiB is outside what a volume of type gp3 may be (1-16384 GiB)".to_owned()
            )]
        );
        assert_eq!(
            with_parameters(free, "VolumeType: gp3, SizeInGiB: 20000, Iops: !Ref Iops"),
            vec![(
                format!("{AT}.SizeInGiB"),
                "20000 GiB is outside what a volume of type gp3 may be (1-16384 GiB)".to_owned()
            )]
        );
        assert_eq!(
            with_parameters(free, "VolumeType: gp3, SizeInGiB: 20, Iops: !Ref Iops"),
            vec![]
        );
    }

    const AT: &str = "Service.Properties.VolumeConfigurations[0].ManagedEBSVolume";
    const ROLE: &str = "RoleArn: arn:aws:iam::123456789012:role/infra";

    fn settings(ebs: &str) -> Vec<(String, &'static str, String)> {
        found(
            &format!("{{{ROLE}, {ebs}}}"),
            "LaunchType: FARGATE",
            "LINUX",
        )
    }

    fn error(key: &str) -> Vec<(String, &'static str, String)> {
        let path = if key.is_empty() {
            AT.to_owned()
        } else {
            format!("{AT}.{key}")
        };
        vec![("error".to_owned(), "FF4052", path)]
    }

    #[test]
    fn sizes_are_checked_at_each_types_bounds() {
        for (kind, min, max) in [
            ("gp3", 1, 16384),
            ("gp2", 1, 16384),
            ("io1", 4, 16384),
            ("st1", 125, 16384),
            ("standard", 1, 1024),
        ] {
            let iops = if kind == "io1" { ", Iops: 100" } else { "" };
            let on = if kind == "standard" {
                // Magnetic volumes are refused on Fargate: checked on EC2.
                "LaunchType: EC2"
            } else {
                "LaunchType: FARGATE"
            };
            let at = |size: i64| {
                found(
                    &format!("{{{ROLE}, VolumeType: {kind}, SizeInGiB: {size}{iops}}}"),
                    on,
                    "LINUX",
                )
            };
            assert_eq!(at(min), vec![], "{kind} {min}");
            assert_eq!(at(max), vec![], "{kind} {max}");
            assert_eq!(at(min - 1), error("SizeInGiB"), "{kind} {}", min - 1);
            assert_eq!(at(max + 1), error("SizeInGiB"), "{kind} {}", max + 1);
        }
    }

    #[test]
    fn iops_and_throughput_follow_the_volume_type() {
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: 20, Iops: 3000, Throughput: 1000"),
            vec![]
        );
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: 20, Iops: 16000"),
            vec![]
        );
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: 20, Iops: 2999"),
            error("Iops")
        );
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: 20, Iops: 16001"),
            error("Iops")
        );
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: 20, Throughput: 1001"),
            error("Throughput")
        );
        assert_eq!(
            settings("VolumeType: io2, SizeInGiB: 20, Iops: 256000"),
            vec![]
        );
        assert_eq!(
            settings("VolumeType: io2, SizeInGiB: 20, Iops: 256001"),
            error("Iops")
        );
        assert_eq!(
            settings("VolumeType: io1, SizeInGiB: 20, Iops: 64001"),
            error("Iops")
        );
        assert_eq!(
            settings("VolumeType: io1, SizeInGiB: 20, Iops: 99"),
            error("Iops")
        );
        // Required for io1 and io2, refused for the HDD and magnetic types and gp2.
        assert_eq!(settings("VolumeType: io2, SizeInGiB: 20"), error(""));
        assert_eq!(
            settings("VolumeType: st1, SizeInGiB: 500, Iops: 500"),
            error("Iops")
        );
        assert_eq!(
            settings("VolumeType: gp2, SizeInGiB: 20, Iops: 500"),
            error("Iops")
        );
        // Throughput is gp3's only.
        assert_eq!(
            settings("VolumeType: io1, SizeInGiB: 20, Iops: 100, Throughput: 100"),
            error("Throughput")
        );
        // An expression is not guessed.
        assert_eq!(
            settings("VolumeType: gp3, SizeInGiB: !Ref Size, Iops: !Ref Iops"),
            vec![]
        );
    }

    #[test]
    fn a_size_or_a_snapshot_and_a_known_type() {
        assert_eq!(settings("Encrypted: true"), error(""));
        assert_eq!(settings("SnapshotId: snap-1234567890abcdef0"), vec![]);
        assert_eq!(
            settings("SizeInGiB: 20, VolumeInitializationRate: 100"),
            error("VolumeInitializationRate")
        );
        assert_eq!(
            settings("SnapshotId: snap-1234567890abcdef0, VolumeInitializationRate: 100"),
            vec![]
        );
        assert_eq!(
            settings("VolumeType: gp4, SizeInGiB: 20"),
            error("VolumeType")
        );
        // Magnetic: not on Fargate, by launch type or by a Fargate-only strategy.
        assert_eq!(
            settings("VolumeType: standard, SizeInGiB: 20"),
            error("VolumeType")
        );
        assert_eq!(
            found(
                &format!("{{{ROLE}, VolumeType: standard, SizeInGiB: 20}}"),
                "CapacityProviderStrategy: [{CapacityProvider: FARGATE_SPOT, Weight: 1}]",
                "LINUX"
            ),
            error("VolumeType")
        );
        assert_eq!(
            found(
                &format!("{{{ROLE}, VolumeType: standard, SizeInGiB: 20}}"),
                "CapacityProviderStrategy: [{CapacityProvider: FARGATE, Weight: 1}, {CapacityProvider: Ec2Capacity, Weight: 1}]",
                "LINUX"
            ),
            vec![]
        );
    }

    #[test]
    fn external_instances_and_windows_on_fargate_cannot_have_one() {
        let ebs = format!("{{{ROLE}, SizeInGiB: 20}}");
        let placement = vec![("error".to_owned(), "FF4053", AT.to_owned())];
        assert_eq!(found(&ebs, "LaunchType: EXTERNAL", "LINUX"), placement);
        assert_eq!(
            found(&ebs, "LaunchType: FARGATE", "WINDOWS_SERVER_2022_CORE"),
            placement
        );
        assert_eq!(
            found(&ebs, "LaunchType: EC2", "WINDOWS_SERVER_2022_CORE"),
            vec![]
        );
        assert_eq!(found(&ebs, "LaunchType: FARGATE", "LINUX"), vec![]);
    }
}
