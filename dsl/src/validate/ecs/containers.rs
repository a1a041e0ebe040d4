//! What the containers of one task definition say of each other (`FF4027`) and settings
//! outside the ranges ECS accepts (`FF4028`), from the ECS API reference:
//!
//! - `FF4027`, ContainerDependency: `COMPLETE` and `SUCCESS` "can't be set on an essential
//!   container" (the container waited for; `Essential` left out means true,
//!   ContainerDefinition); `HEALTHY` "requires that the dependent container has health checks
//!   configured".
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html>
//! - `FF4027`, FireLens: a task that logs with `awsfirelens` specifies "a log router container
//!   that contains a FireLens configuration".
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/firelens-taskdef.html>
//! - `FF4028`, HealthCheck: interval 5–300 s, timeout 2–60 s, retries 1–10, start period
//!   0–300 s. <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html>
//! - `FF4028`, EphemeralStorage: "the minimum supported value is 21 GiB and the maximum
//!   supported value is 200 GiB".
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html>
//! - `FF4028`, ContainerDefinition `name`: "up to 255 letters (uppercase and lowercase),
//!   numbers, underscores, and hyphens are allowed".
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>
//! - `FF4028`, PortMapping: "You can't expose the same container port for multiple
//!   protocols" (`protocol` left out is `tcp`).
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html>
//! - `FF4028`, EFSAuthorizationConfig: with an access point, or with `iam` turned on,
//!   "transit encryption must be on in the EFSVolumeConfiguration" (left out, it is off).
//!   <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EFSAuthorizationConfig.html>
//!
//! Decided from values written out: a container list, container, name, condition or
//! setting that is an expression is skipped, never guessed; the health check's numbers and
//! the ephemeral storage size are judged for every value parameters, conditions and
//! mapping rows can give them, each case named. A `DependsOn` that
//! names a container the task does not have is not judged (the API reference does not say).

use super::*;
use crate::model::json::Field;
use crate::validate::has_dynamic_reference;

/// (rule, path, message, hint) of one problem of a task definition.
type Found = (rules::Rule, String, String, String);

/// The health check ranges of the API reference: (key, least, most, unit).
const HEALTH_CHECK_RANGES: &[(&str, f64, f64, &str)] = &[
    ("Interval", 5.0, 300.0, " s"),
    ("Timeout", 2.0, 60.0, " s"),
    ("Retries", 1.0, 10.0, ""),
    ("StartPeriod", 0.0, 300.0, " s"),
];

/// A literal number, not an expression.
fn num(v: Option<&Json>) -> Option<f64> {
    v.filter(|v| !is_expr(v)).and_then(|v| lit_num(Some(v)))
}

pub(super) fn container_checks(cx: &mut Cx) {
    let mut found: Vec<(String, Found)> = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::ECS::TaskDefinition") {
        let mut f = Vec::new();
        if let Some(list) = containers(props) {
            dependencies(id, list, &mut f);
            firelens(id, list, &mut f);
            for (i, c) in list.iter().enumerate() {
                let at = format!("{id}.Properties.ContainerDefinitions[{i}]");
                health_check(cx, &at, c, &mut f);
                name(&at, c, &mut f);
                ports(&at, c, &mut f);
            }
        }
        ephemeral_storage(cx, id, props, &mut f);
        efs_volumes(cx, id, props, &mut f);
        found.extend(f.into_iter().map(|x| (id.to_owned(), x)));
    }
    for (id, (rule, path, message, hint)) in found {
        cx.report(rule, Some(&id), path, message, Some(hint));
    }
}

/// FF4027: `COMPLETE`/`SUCCESS` on an essential container, `HEALTHY` on one without a
/// health check. Decided when every container's name is a literal.
fn dependencies(id: &str, list: &[Json], found: &mut Vec<Found>) {
    let Some(named) = list
        .iter()
        .map(|c| lit_str(c.field("Name")).map(|n| (n, c)))
        .collect::<Option<Vec<(&str, &Json)>>>()
    else {
        return;
    };
    for (i, c) in list.iter().enumerate() {
        let deps = c.field("DependsOn").and_then(Json::as_array);
        for (j, d) in deps.into_iter().flatten().enumerate() {
            let (Some(target), Some(condition)) = (
                lit_str(d.field("ContainerName")),
                lit_str(d.field("Condition")),
            ) else {
                continue;
            };
            let Some((_, waited)) = named.iter().find(|(n, _)| *n == target) else {
                continue;
            };
            let at = format!("{id}.Properties.ContainerDefinitions[{i}].DependsOn[{j}]");
            match condition {
                "COMPLETE" | "SUCCESS" => {
                    // Left out, a container is essential; an expression is not judged
                    // (`lit_bool` takes literals only).
                    let essential = match waited.field("Essential") {
                        None => Some(true),
                        v => lit_bool(v),
                    };
                    if essential == Some(true) {
                        found.push((
                            rules::CONTAINER_DEPENDENCY,
                            format!("{at}.Condition"),
                            format!("the condition {condition} waits for container `{target}`, which is essential; ECS does not allow {condition} on an essential container"),
                            format!("give `{target}` `Essential: false`, or wait for it with START or HEALTHY"),
                        ));
                    }
                }
                "HEALTHY" if waited.field("HealthCheck").is_none() => found.push((
                    rules::CONTAINER_DEPENDENCY,
                    format!("{at}.Condition"),
                    format!("the condition HEALTHY waits for container `{target}`, which has no HealthCheck"),
                    format!("give `{target}` a HealthCheck, or wait for it with START"),
                )),
                _ => {}
            }
        }
    }
}

/// FF4027: a container logs with `awsfirelens` and no container of the task has a
/// `FirelensConfiguration`. Decided when every container is written out.
fn firelens(id: &str, list: &[Json], found: &mut Vec<Found>) {
    if list
        .iter()
        .any(|c| !c.is_object() || is_expr(c) || c.field("FirelensConfiguration").is_some())
    {
        return;
    }
    for (i, c) in list.iter().enumerate() {
        let driver = c
            .field("LogConfiguration")
            .and_then(|l| l.field("LogDriver"));
        if lit_str(driver) == Some("awsfirelens") {
            found.push((
                rules::CONTAINER_DEPENDENCY,
                format!("{id}.Properties.ContainerDefinitions[{i}].LogConfiguration.LogDriver"),
                "the container logs with awsfirelens, but no container of the task is a log router (one with a FirelensConfiguration)".into(),
                "add a log router container with a FirelensConfiguration (Fluent Bit or Fluentd), or use another log driver".into(),
            ));
        }
    }
}

/// FF4028: the health check's interval, timeout, retries and start period.
fn health_check(cx: &Cx, at: &str, c: &Json, found: &mut Vec<Found>) {
    let Some(hc) = c.field("HealthCheck").filter(|h| !is_expr(h)) else {
        return;
    };
    for (key, least, most, unit) in HEALTH_CHECK_RANGES {
        let Some(v) = hc.field(key) else { continue };
        for (v, when) in out_of_range(cx, v, *least, *most) {
            found.push((
                rules::CONTAINER_SETTING_RANGE,
                format!("{at}.HealthCheck.{key}"),
                format!("a health check's {key} is {least}–{most}{unit}, not {v}{when}"),
                format!("set {key} between {least} and {most}"),
            ));
        }
    }
}

/// The values of `v` outside `least..=most`, each with the case that gives it
/// (` (when Interval = 1)`): the literal as written, or every value the parameters,
/// conditions and mapping rows can give it. Values not known say nothing.
fn out_of_range(cx: &Cx, v: &Json, least: f64, most: f64) -> Vec<(f64, String)> {
    crate::validate::resolve::cases(cx, &[v])
        .into_iter()
        .filter_map(|case| {
            let x = case.num(0)?;
            (!(least..=most).contains(&x)).then(|| (x, case.when()))
        })
        .collect()
}

/// FF4028: a container name of 1 to 255 letters, digits, `_` and `-`.
fn name(at: &str, c: &Json, found: &mut Vec<Found>) {
    let Some(n) = lit_str(c.field("Name")).filter(|n| !has_dynamic_reference(n)) else {
        return;
    };
    let allowed = |ch: char| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-';
    if n.is_empty() || n.chars().count() > 255 || !n.chars().all(allowed) {
        found.push((
            rules::CONTAINER_SETTING_RANGE,
            format!("{at}.Name"),
            format!("the container name `{n}` is not 1 to 255 letters, digits, `_` and `-`"),
            "rename the container with letters, digits, `_` and `-` only".into(),
        ));
    }
}

/// FF4028: one container port mapped for two protocols. Each mapping after the first that
/// gives a port another protocol is reported.
fn ports(at: &str, c: &Json, found: &mut Vec<Found>) {
    let maps = c.field("PortMappings").and_then(Json::as_array);
    let mut seen: Vec<(f64, String)> = Vec::new();
    for (j, pm) in maps.into_iter().flatten().enumerate() {
        let Some(port) = num(pm.field("ContainerPort")) else {
            continue;
        };
        // Left out, the protocol is tcp (PortMapping).
        let protocol = match pm.field("Protocol") {
            None => "tcp".to_owned(),
            Some(v) => match lit_str(Some(v)) {
                Some(p) => p.to_ascii_lowercase(),
                None => continue,
            },
        };
        match seen.iter().find(|(p, _)| *p == port) {
            Some((_, first)) if *first != protocol => found.push((
                rules::CONTAINER_SETTING_RANGE,
                format!("{at}.PortMappings[{j}].ContainerPort"),
                format!("container port {port} is already mapped for {first}; ECS does not expose one container port for two protocols"),
                "map the port for one protocol only, or use another container port".into(),
            )),
            Some(_) => {}
            None => seen.push((port, protocol)),
        }
    }
}

/// FF4028: `EphemeralStorage.SizeInGiB` of 21 to 200.
fn ephemeral_storage(cx: &Cx, id: &str, props: Option<&JsonMap>, found: &mut Vec<Found>) {
    let Some(size) = props
        .and_then(|p| p.field("EphemeralStorage"))
        .filter(|e| !is_expr(e))
        .and_then(|e| e.field("SizeInGiB"))
    else {
        return;
    };
    for (size, when) in out_of_range(cx, size, 21.0, 200.0) {
        found.push((
            rules::CONTAINER_SETTING_RANGE,
            format!("{id}.Properties.EphemeralStorage.SizeInGiB"),
            format!("ephemeral storage is 21 to 200 GiB, not {size}{when}"),
            "set SizeInGiB between 21 and 200, or leave EphemeralStorage out for the default 20 GiB".into(),
        ));
    }
}

/// FF4028: an EFS volume with IAM authorization or an access point, without transit
/// encryption. An access point counts when it is a literal or refers to a resource of the
/// template; IAM when it is a literal `ENABLED`.
fn efs_volumes(cx: &Cx, id: &str, props: Option<&JsonMap>, found: &mut Vec<Found>) {
    let volumes = props
        .and_then(|p| p.field("Volumes"))
        .and_then(Json::as_array);
    for (k, v) in volumes.into_iter().flatten().enumerate() {
        let Some(efs) = v.field("EFSVolumeConfiguration").filter(|e| !is_expr(e)) else {
            continue;
        };
        let auth = efs.field("AuthorizationConfig").filter(|a| !is_expr(a));
        let iam = lit_str(auth.and_then(|a| a.field("IAM"))) == Some("ENABLED");
        let access_point = auth
            .and_then(|a| a.field("AccessPointId"))
            .is_some_and(|ap| {
                lit_str(Some(ap)).is_some_and(|s| !s.is_empty())
                    || ref_or_getatt_target(Some(ap)).is_some_and(|t| cx.resource_type(t).is_some())
            });
        if !iam && !access_point {
            continue;
        }
        let at = format!("{id}.Properties.Volumes[{k}].EFSVolumeConfiguration");
        let (path, shown) = match efs.field("TransitEncryption") {
            // Left out, transit encryption is off.
            None => (at, "left out".to_owned()),
            Some(t) => match lit_str(Some(t)) {
                Some("ENABLED") => continue,
                Some(s) => (format!("{at}.TransitEncryption"), format!("`{s}`")),
                None => continue,
            },
        };
        let uses = match (iam, access_point) {
            (true, true) => "IAM authorization and an access point",
            (true, false) => "IAM authorization",
            _ => "an access point",
        };
        found.push((
            rules::CONTAINER_SETTING_RANGE,
            path,
            format!("the EFS volume uses {uses}, which needs transit encryption, and TransitEncryption is {shown}"),
            "set TransitEncryption: ENABLED".into(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::found;

    fn task(top: &str, containers: &str) -> String {
        format!(
            "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n{top}      ContainerDefinitions:\n{containers}"
        )
    }

    fn paths(text: &str, rule: &str) -> Vec<String> {
        found(text, rule).into_iter().map(|d| d.1).collect()
    }

    const C: &str = "T.Properties.ContainerDefinitions";

    #[test]
    fn complete_and_success_wait_for_a_non_essential_container() {
        let t = |init: &str, cond: &str| {
            task(
                "",
                &format!(
                    "        - Name: init\n          Image: busybox\n          Memory: 64\n{init}        - Name: app\n          Image: nginx\n          Memory: 256\n          DependsOn:\n            - ContainerName: init\n              Condition: {cond}\n"
                ),
            )
        };
        let at = format!("{C}[1].DependsOn[0].Condition");
        assert_eq!(
            paths(&t("", "SUCCESS"), "FF4027"),
            std::slice::from_ref(&at)
        );
        assert_eq!(
            paths(&t("          Essential: true\n", "COMPLETE"), "FF4027"),
            [at]
        );
        assert!(paths(&t("          Essential: false\n", "SUCCESS"), "FF4027").is_empty());
        assert!(paths(&t("", "START"), "FF4027").is_empty());
        // An Fn::If is judged in each case (here the condition C decides nothing the
        // template knows: both are possible); a value nothing can follow is not judged.
        let expr = "          Essential: !If [C, true, false]\n";
        let found = found(&t(expr, "COMPLETE"), "FF4027");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.ends_with(" (when condition C is true)"),
            "{found:?}"
        );
        assert!(paths(&t("", "!Ref Cond"), "FF4027").is_empty());
    }

    #[test]
    fn healthy_waits_for_a_container_with_a_health_check() {
        let t = |hc: &str| {
            task(
                "",
                &format!(
                    "        - Name: db\n          Image: postgres\n          Memory: 256\n{hc}        - Name: app\n          Image: nginx\n          Memory: 256\n          DependsOn: [{{ContainerName: db, Condition: HEALTHY}}]\n"
                ),
            )
        };
        assert_eq!(
            paths(&t(""), "FF4027"),
            [format!("{C}[1].DependsOn[0].Condition")]
        );
        let hc = "          HealthCheck: {Command: [CMD, pg_isready]}\n";
        assert!(paths(&t(hc), "FF4027").is_empty());
        assert!(paths(&t("          HealthCheck: !Ref Hc\n"), "FF4027").is_empty());
    }

    #[test]
    fn awsfirelens_needs_a_log_router() {
        let app = "        - Name: app\n          Image: nginx\n          Memory: 256\n          LogConfiguration: {LogDriver: awsfirelens}\n";
        assert_eq!(
            paths(&task("", app), "FF4027"),
            [format!("{C}[0].LogConfiguration.LogDriver")]
        );
        let router = "        - Name: log_router\n          Image: fluent-bit\n          Memory: 64\n          FirelensConfiguration: {Type: fluentbit}\n";
        assert!(paths(&task("", &format!("{app}{router}")), "FF4027").is_empty());
        // A log router only when C is true: the task has none when C is false.
        let maybe = "        - !If [C, {Name: r, Image: x, Memory: 64, FirelensConfiguration: {Type: fluentbit}}, !Ref AWS::NoValue]\n";
        let found = found(&task("", &format!("{app}{maybe}")), "FF4027");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, format!("{C}[0].LogConfiguration.LogDriver"));
        assert!(
            found[0].2.ends_with(" (when condition C is false)"),
            "{found:?}"
        );
        let unknown = "        - !ImportValue RouterContainer\n";
        assert!(paths(&task("", &format!("{app}{unknown}")), "FF4027").is_empty());
    }

    #[test]
    fn health_check_ranges() {
        let t = |hc: &str| {
            task(
                "",
                &format!(
                    "        - Name: app\n          Image: nginx\n          Memory: 256\n          HealthCheck:\n            Command: [CMD, \"true\"]\n{hc}"
                ),
            )
        };
        let bad = "            Interval: 1\n            Timeout: 61\n            Retries: 0\n            StartPeriod: 301\n";
        let hc = format!("{C}[0].HealthCheck");
        assert_eq!(
            paths(&t(bad), "FF4028"),
            [
                format!("{hc}.Interval"),
                format!("{hc}.Timeout"),
                format!("{hc}.Retries"),
                format!("{hc}.StartPeriod")
            ]
        );
        let low = "            Interval: 5\n            Timeout: 2\n            Retries: 1\n            StartPeriod: 0\n";
        let high = "            Interval: 300\n            Timeout: \"60\"\n            Retries: 10\n            StartPeriod: 300\n";
        assert!(paths(&t(low), "FF4028").is_empty());
        assert!(paths(&t(high), "FF4028").is_empty());
        assert!(paths(&t("            Interval: !Ref I\n"), "FF4028").is_empty());
    }

    #[test]
    fn container_names() {
        let t = |n: &str| {
            task(
                "",
                &format!("        - Name: {n}\n          Image: nginx\n          Memory: 256\n"),
            )
        };
        assert_eq!(paths(&t("\"my app\""), "FF4028"), [format!("{C}[0].Name")]);
        assert_eq!(paths(&t("app.1"), "FF4028"), [format!("{C}[0].Name")]);
        assert_eq!(
            paths(&t(&"a".repeat(256)), "FF4028"),
            [format!("{C}[0].Name")]
        );
        assert!(paths(&t(&"a".repeat(255)), "FF4028").is_empty());
        assert!(paths(&t("My_app-2"), "FF4028").is_empty());
        assert!(paths(&t("!Sub \"${AWS::StackName}.app\""), "FF4028").is_empty());
    }

    #[test]
    fn one_container_port_one_protocol() {
        let t = |maps: &str| {
            task(
                "",
                &format!(
                    "        - Name: dns\n          Image: coredns\n          Memory: 256\n          PortMappings: {maps}\n"
                ),
            )
        };
        assert_eq!(
            paths(
                &t("[{ContainerPort: 53}, {ContainerPort: 53, Protocol: udp}]"),
                "FF4028"
            ),
            [format!("{C}[0].PortMappings[1].ContainerPort")]
        );
        let fine = "[{ContainerPort: 53, Protocol: udp}, {ContainerPort: 54}, {ContainerPort: 53, Protocol: udp, HostPort: 53}]";
        assert!(paths(&t(fine), "FF4028").is_empty());
        let expr = "[{ContainerPort: 53}, {ContainerPort: 53, Protocol: !Ref P}]";
        assert!(paths(&t(expr), "FF4028").is_empty());
    }

    #[test]
    fn ephemeral_storage_size() {
        let c = "        - Name: app\n          Image: nginx\n          Memory: 256\n";
        let t = |s: &str| task(&format!("      EphemeralStorage: {{SizeInGiB: {s}}}\n"), c);
        let at = "T.Properties.EphemeralStorage.SizeInGiB";
        assert_eq!(paths(&t("20"), "FF4028"), [at]);
        assert_eq!(paths(&t("201"), "FF4028"), [at]);
        assert!(paths(&t("21"), "FF4028").is_empty());
        assert!(paths(&t("200"), "FF4028").is_empty());
        assert!(paths(&t("!Ref Size"), "FF4028").is_empty());
    }

    /// The ranges hold for every value a parameter can take: each value outside is named.
    #[test]
    fn ranges_follow_parameters() {
        let params = "Parameters:\n  Size: {Type: Number, AllowedValues: [20, 30, 300]}\n  Every: {Type: Number, Default: 1}\n";
        let c = "        - Name: app\n          Image: nginx\n          Memory: 256\n          HealthCheck: {Command: [CMD, 'true'], Interval: !Ref Every}\n";
        let text = format!(
            "{params}{}",
            task("      EphemeralStorage: {SizeInGiB: !Ref Size}\n", c)
        );
        let messages: Vec<String> = found(&text, "FF4028").into_iter().map(|d| d.2).collect();
        assert_eq!(
            messages,
            [
                "a health check's Interval is 5–300 s, not 1 (when Every = 1)",
                "ephemeral storage is 21 to 200 GiB, not 20 (when Size = 20)",
                "ephemeral storage is 21 to 200 GiB, not 300 (when Size = 300)",
            ]
        );
    }

    #[test]
    fn efs_authorization_needs_transit_encryption() {
        let c = "        - Name: app\n          Image: nginx\n          Memory: 256\n";
        let t = |efs: &str| {
            task(
                &format!(
                    "      Volumes:\n        - Name: data\n          EFSVolumeConfiguration: {{FilesystemId: fs-1, {efs}}}\n"
                ),
                c,
            )
        };
        let at = "T.Properties.Volumes[0].EFSVolumeConfiguration";
        assert_eq!(
            paths(&t("AuthorizationConfig: {IAM: ENABLED}"), "FF4028"),
            [at]
        );
        assert_eq!(
            paths(
                &t("AuthorizationConfig: {AccessPointId: fsap-1}, TransitEncryption: DISABLED"),
                "FF4028"
            ),
            [format!("{at}.TransitEncryption")]
        );
        let on = "AuthorizationConfig: {IAM: ENABLED, AccessPointId: fsap-1}, TransitEncryption: ENABLED";
        assert!(paths(&t(on), "FF4028").is_empty());
        assert!(paths(&t("AuthorizationConfig: {IAM: DISABLED}"), "FF4028").is_empty());
        // An access point from a parameter, or encryption from an expression, is skipped.
        assert!(
            paths(
                &t("AuthorizationConfig: {AccessPointId: !Ref Ap}"),
                "FF4028"
            )
            .is_empty()
        );
        assert!(
            paths(
                &t("AuthorizationConfig: {IAM: ENABLED}, TransitEncryption: !Ref Te"),
                "FF4028"
            )
            .is_empty()
        );
        // The message names what needs the encryption.
        for (efs, uses) in [
            ("AuthorizationConfig: {IAM: ENABLED}", "IAM authorization,"),
            (
                "AuthorizationConfig: {AccessPointId: fsap-1}",
                "an access point,",
            ),
            (
                "AuthorizationConfig: {IAM: ENABLED, AccessPointId: fsap-1}",
                "IAM authorization and an access point,",
            ),
        ] {
            let f = found(&t(efs), "FF4028");
            assert_eq!(f.len(), 1, "{efs}");
            assert_eq!(
                f[0].2,
                format!(
                    "the EFS volume uses {uses} which needs transit encryption, and TransitEncryption is left out"
                )
            );
        }
    }
}
