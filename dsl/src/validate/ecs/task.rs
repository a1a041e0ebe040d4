//! Task definitions (`FF4001`–`FF4012`): Fargate sizes, network mode, containers, memory and cpu, ports, awslogs options.

use super::*;
use crate::model::json::Field;

/// Fargate's task sizes, the one home of this table (the constructs' `FargateSize` checks its
/// pairs with [`fargate_valid`]): `(cpu units, first memory, last memory, step)` in MiB, from
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size>.
pub(super) const FARGATE_SIZES: [(u32, u32, u32, u32); 7] = [
    (256, 512, 2048, 0), // 512, 1024 or 2048: listed apart, see fargate_valid
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];

/// Whether Fargate offers `memory` MiB with `cpu` units (usable in `const` checks).
pub(crate) const fn fargate_valid(cpu: u32, memory: u32) -> bool {
    if cpu == 256 {
        return memory == 512 || memory == 1024 || memory == 2048;
    }
    let mut i = 1;
    while i < FARGATE_SIZES.len() {
        let (c, first, last, step) = FARGATE_SIZES[i];
        if c == cpu {
            return memory >= first && memory <= last && (memory - first).is_multiple_of(step);
        }
        i += 1;
    }
    false
}

/// What to use with `cpu` units, as text for the compile-time check of `FargateSize::new`
/// (a `const` panic can only print a `&'static str`). A test compares each line with
/// [`fargate_memory`].
pub(crate) const fn fargate_hint(cpu: u32) -> &'static str {
    match cpu {
        256 => "Fargate: with 256 CPU units use 512, 1024 or 2048 MiB",
        512 => "Fargate: with 512 CPU units use 1024 to 4096 MiB in steps of 1024",
        1024 => "Fargate: with 1024 CPU units use 2048 to 8192 MiB in steps of 1024",
        2048 => "Fargate: with 2048 CPU units use 4096 to 16384 MiB in steps of 1024",
        4096 => "Fargate: with 4096 CPU units use 8192 to 30720 MiB in steps of 1024",
        8192 => "Fargate: with 8192 CPU units use 16384 to 61440 MiB in steps of 4096",
        16384 => "Fargate: with 16384 CPU units use 32768 to 122880 MiB in steps of 8192",
        _ => "Fargate: CPU units are 256, 512, 1024, 2048, 4096, 8192 or 16384",
    }
}

/// Fargate's task sizes: cpu units → the memory values (MiB) allowed with it.
pub(crate) fn fargate_memory(cpu: u32) -> Option<Vec<u32>> {
    if cpu == 256 {
        return Some(vec![512, 1024, 2048]);
    }
    FARGATE_SIZES[1..]
        .iter()
        .find(|r| r.0 == cpu)
        .map(|&(_, first, last, step)| (first..=last).step_by(step as usize).collect())
}

/// The CPU units Fargate offers.
pub(crate) const FARGATE_CPUS: &[u32] = &[256, 512, 1024, 2048, 4096, 8192, 16384];

/// A number with an optional unit: `"1 vCPU"`, `"0.5 GB"`, `"2GB"`, `"512"`, `512`.
/// `unit` is the unit that multiplies by 1024 (`vcpu` or `gb`).
pub(super) fn with_unit(v: &Json, unit: &str) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => {
            let s = s.trim();
            let lower = s.to_ascii_lowercase();
            if let Some(num) = lower.strip_suffix(unit) {
                num.trim().parse::<f64>().ok().map(|x| x * 1024.0)
            } else {
                s.parse::<f64>().ok()
            }
        }
        _ => None,
    }
}

pub(super) fn mib_list(v: &[u32]) -> String {
    if v.len() > 4 {
        let step = v[1] - v[0];
        format!("{} to {} in steps of {}", v[0], v[v.len() - 1], step)
    } else {
        let s: Vec<String> = v.iter().map(u32::to_string).collect();
        match s.len() {
            1 => s[0].clone(),
            n => format!("{} or {}", s[..n - 1].join(", "), s[n - 1]),
        }
    }
}

pub(super) fn compat(props: Option<&JsonMap>) -> Option<Vec<&str>> {
    match props?.field("RequiresCompatibilities")? {
        Json::Array(a) => {
            if a.iter().any(is_expr) {
                return None;
            }
            Some(a.iter().filter_map(Json::as_str).collect())
        }
        _ => None,
    }
}

pub(super) fn containers(props: Option<&JsonMap>) -> Option<&Vec<Json>> {
    props?.field("ContainerDefinitions")?.as_array()
}

/// FF4051: "Each task definition revision may only have one volume configured at launch"
/// (the template reference, `Volume.ConfiguredAtLaunch`).
fn volumes_at_launch(cx: &mut Cx, id: &str, volumes: Option<&Json>) {
    let Some(volumes) = volumes.and_then(Json::as_array) else {
        return;
    };
    let at_launch: Vec<usize> = volumes
        .iter()
        .enumerate()
        .filter(|(_, v)| lit_bool(v.field("ConfiguredAtLaunch")) == Some(true))
        .map(|(i, _)| i)
        .collect();
    for &i in at_launch.iter().skip(1) {
        cx.report(
            rules::VOLUMES_AT_LAUNCH,
            Some(id),
            format!("{id}.Properties.Volumes[{i}].ConfiguredAtLaunch"),
            format!(
                "a second volume configured at launch (Volumes[{}] is one already); a task definition may have only one",
                at_launch[0]
            ),
            Some("keep ConfiguredAtLaunch on one volume; make the others ordinary task volumes".into()),
        );
    }
}

/// A task definition's rules: its volumes, its Fargate size and network mode, then each
/// container.
pub(super) fn task(cx: &mut Cx, id: &str, props: Option<&JsonMap>) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    volumes_at_launch(cx, id, p("Volumes"));
    unmounted_at_launch(cx, id, props);
    let compat = compat(props);
    let fargate = compat.as_ref().is_some_and(|c| c.contains(&"FARGATE"));
    let ec2 = match (&compat, p("RequiresCompatibilities")) {
        (Some(c), _) => c.contains(&"EC2"),
        (None, None) => true, // EC2 is the default
        (None, Some(_)) => false,
    };
    if fargate {
        fargate_size(cx, id, props);
        fargate_network_mode(cx, id, p("NetworkMode"));
    }
    let Some(list) = containers_present(cx, id, props) else {
        return;
    };
    no_essential_container(cx, id, list);
    containers_exceed_task(cx, id, props, list);
    let mode = lit_str(p("NetworkMode"));
    let task_memory = p("Memory").is_some();
    for (i, c) in list.iter().enumerate() {
        let Some(c) = c.as_object() else {
            continue;
        };
        let path = format!("{id}.Properties.ContainerDefinitions[{i}]");
        let name = container_name(c);
        memory_above_reservation(cx, id, &path, &name, c);
        if ec2 && !task_memory && !c.contains_key("Memory") && !c.contains_key("MemoryReservation")
        {
            cx.report(
                rules::EC2_MEMORY_MISSING,
                Some(id),
                path.clone(),
                format!("container `{name}` has no Memory or MemoryReservation and the task has no Memory"),
                Some("on the EC2 launch type set Memory at task level, or Memory/MemoryReservation on every container".into()),
            );
        }
        if let Some(mode @ ("awsvpc" | "host")) = mode {
            host_ports(cx, id, &path, mode, c);
        }
        awslogs(cx, id, &path, c, fargate);
    }
}

/// A Fargate task's `Cpu` and `Memory`: both set, and a pair Fargate offers
/// (as written, or for every pair the parameters, conditions and mapping rows can give).
fn fargate_size(cx: &mut Cx, id: &str, props: Option<&JsonMap>) {
    let p = |k: &str| props.and_then(|m| m.field(k));
    for key in ["Cpu", "Memory"] {
        if p(key).is_none() {
            cx.report(
                rules::FARGATE_TASK_SIZE_MISSING,
                Some(id),
                format!("{id}.Properties"),
                format!("a Fargate task needs a task-level `{key}`"),
                Some(if key == "Cpu" {
                    "set Cpu to 256, 512, 1024, 2048, 4096, 8192 or 16384 (or \"0.25 vCPU\" ... \"16 vCPU\")".into()
                } else {
                    "set Memory in MiB (or \"0.5 GB\" ...), as the Fargate table allows for the Cpu".into()
                }),
            );
        }
    }
    let cpu = p("Cpu")
        .filter(|v| !is_expr(v))
        .and_then(|v| with_unit(v, "vcpu"));
    let memory = p("Memory")
        .filter(|v| !is_expr(v))
        .and_then(|v| with_unit(v, "gb"));
    if let (Some(c), Some(m)) = (cpu, memory) {
        fargate_pair(cx, id, c, m, None);
    } else if let Some(c) = cpu
        && (c.fract() != 0.0 || !FARGATE_CPUS.contains(&(c as u32)))
    {
        fargate_pair(cx, id, c, 0.0, None);
    } else if let (Some(c), Some(m)) = (p("Cpu"), p("Memory"))
        && (is_expr(c) || is_expr(m))
    {
        // Values known at deploy time: check every pair the parameters, conditions and
        // mapping rows can give (never a pair crossed from two rows).
        for sc in crate::validate::resolve::scenarios(cx, &[c, m]) {
            let (Some(cv), Some(mv)) = (&sc.values[0], &sc.values[1]) else {
                continue;
            };
            if let (Some(c), Some(m)) = (with_unit(cv, "vcpu"), with_unit(mv, "gb")) {
                fargate_pair(cx, id, c, m, Some(&sc.label));
            }
        }
    }
}

/// A Fargate task's `NetworkMode` is `awsvpc` (as written, or each value a
/// parameter, condition or mapping can give it).
fn fargate_network_mode(cx: &mut Cx, id: &str, mode: Option<&Json>) {
    if let Some(m) = mode.filter(|m| is_expr(m)) {
        for case in crate::validate::resolve::scenarios(cx, &[m]) {
            if let Some(Json::String(v)) = &case.values[0]
                && v != "awsvpc"
            {
                cx.report(
                    rules::FARGATE_NETWORK_MODE,
                    Some(id),
                    format!("{id}.Properties.NetworkMode"),
                    format!(
                        "a Fargate task's NetworkMode must be awsvpc; it is `{v}`{}",
                        case.when()
                    ),
                    Some("set NetworkMode: awsvpc (or allow only awsvpc)".into()),
                );
            }
        }
        return;
    }
    let mode_lit = lit_str(mode);
    if mode.is_none() || mode_lit.is_some_and(|m| m != "awsvpc") {
        let found = mode_lit.map_or("not set (bridge)".to_owned(), |m| format!("`{m}`"));
        cx.report(
            rules::FARGATE_NETWORK_MODE,
            Some(id),
            if mode.is_some() {
                format!("{id}.Properties.NetworkMode")
            } else {
                format!("{id}.Properties")
            },
            format!("a Fargate task's NetworkMode must be awsvpc; it is {found}"),
            Some("set NetworkMode: awsvpc".into()),
        );
    }
}

/// The task's containers, reported when there are none (a function giving the list
/// is judged at deploy time, not here).
fn containers_present<'a>(
    cx: &mut Cx,
    id: &str,
    props: Option<&'a JsonMap>,
) -> Option<&'a Vec<Json>> {
    let Some(list) = containers(props) else {
        if !props
            .and_then(|m| m.field("ContainerDefinitions"))
            .is_some_and(is_expr)
        {
            cx.report(
                rules::NO_CONTAINERS,
                Some(id),
                format!("{id}.Properties"),
                "the task definition has no containers",
                Some("add ContainerDefinitions with at least one container (Name, Image)".into()),
            );
        }
        return None;
    };
    if list.is_empty() {
        cx.report(
            rules::NO_CONTAINERS,
            Some(id),
            format!("{id}.Properties.ContainerDefinitions"),
            "the task definition has no containers",
            Some("add at least one container (Name, Image)".into()),
        );
        return None;
    }
    Some(list)
}

/// No container essential: every container written out, and each one `Essential: false`.
fn no_essential_container(cx: &mut Cx, id: &str, list: &[Json]) {
    let objs: Vec<&JsonMap> = list.iter().filter_map(Json::as_object).collect();
    let all_literal = objs.len() == list.len();
    if all_literal
        && objs.iter().all(|c| {
            !crate::validate::has_fn_key(c)
                && lit_bool(c.field("Essential")) == Some(false)
                && !c.field("Essential").is_some_and(is_expr)
        })
    {
        cx.report(
            rules::NO_ESSENTIAL_CONTAINER,
            Some(id),
            format!("{id}.Properties.ContainerDefinitions"),
            "no container is essential",
            Some(
                "mark at least one container Essential: true (omitting Essential means true)"
                    .into(),
            ),
        );
    }
}

/// A container's `Memory` (the hard limit) above its `MemoryReservation`, as written
/// or for every pair the parameters, conditions and mappings can give.
fn memory_above_reservation(cx: &mut Cx, id: &str, path: &str, name: &str, c: &JsonMap) {
    let (Some(h), Some(s)) = (c.field("Memory"), c.field("MemoryReservation")) else {
        return;
    };
    for case in crate::validate::resolve::cases(cx, &[h, s]) {
        if let (Some(h), Some(s)) = (case.num(0), case.num(1))
            && h <= s
        {
            cx.report(
                rules::CONTAINER_MEMORY_RESERVATION,
                Some(id),
                format!("{path}.Memory"),
                format!(
                    "container `{name}`: Memory ({h}) must be greater than MemoryReservation ({s}){}",
                    case.when()
                ),
                Some("Memory is the hard limit, MemoryReservation the soft one: raise Memory or lower MemoryReservation".into()),
            );
        }
    }
}

/// In `awsvpc` and `host` network modes a port mapping's `HostPort` equals its
/// `ContainerPort`.
fn host_ports(cx: &mut Cx, id: &str, path: &str, mode: &str, c: &JsonMap) {
    for (j, pm) in c
        .field("PortMappings")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let (Some(host), Some(cport)) = (pm.field("HostPort"), pm.field("ContainerPort")) else {
            continue;
        };
        // Literal ports, or every pair the parameters, conditions and mapping rows can give
        // (a port a parameter supplies, say); unknown values say nothing.
        let pairs: Vec<(Option<f64>, Option<f64>, String)> =
            crate::validate::resolve::cases(cx, &[host, cport])
                .into_iter()
                .map(|sc| (sc.num(0), sc.num(1), sc.when()))
                .collect();
        for (h, cp, when) in pairs {
            let (Some(h), Some(cp)) = (h, cp) else {
                continue;
            };
            if h == cp {
                continue;
            }
            cx.report(
                rules::HOST_PORT_MISMATCH,
                Some(id),
                format!("{path}.PortMappings[{j}].HostPort"),
                format!(
                    "in {mode} network mode HostPort ({h}) must equal ContainerPort ({cp}){when}"
                ),
                Some("omit HostPort, or set it to the ContainerPort".into()),
            );
        }
    }
}

/// FF4007: the containers' memory (each one's Memory, else its MemoryReservation) or cpu
/// units add up to more than the task's: the task-level size is what its containers share,
/// so their reservations cannot exceed it (the task definition parameters, Task size).
/// Judged as written, or for
/// every case the parameters, conditions and mapping rows can give (each named); a value
/// not known in a case says nothing of that case.
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html>
fn containers_exceed_task(cx: &mut Cx, id: &str, props: Option<&JsonMap>, list: &[Json]) {
    use crate::validate::resolve::UNSET;
    let p = |k: &str| props.and_then(|m| m.field(k));
    // A container given by an expression (`Fn::If` of two containers) has none of these
    // keys here, so it counts as reserving nothing: the sums can only come out low, never
    // raise a false alarm.
    let Some(objs) = list.iter().map(Json::as_object).collect::<Option<Vec<_>>>() else {
        return;
    };
    let mut values: Vec<&Json> = vec![p("Memory").unwrap_or(&UNSET), p("Cpu").unwrap_or(&UNSET)];
    for c in &objs {
        for k in ["Memory", "MemoryReservation", "Cpu"] {
            values.push(c.field(k).unwrap_or(&UNSET));
        }
    }
    let at = format!("{id}.Properties.ContainerDefinitions");
    for case in crate::validate::resolve::cases(cx, &values) {
        // Outer None: not known in this case; Some(None): not set.
        let task = |i: usize, unit: &str| case.given(i)?.and_then(|v| with_unit(v, unit));
        let num = |i: usize| -> Option<f64> {
            match case.given(i)? {
                None => Some(0.0),
                Some(v) => lit_num(Some(v)),
            }
        };
        let mut memory = Some(0.0);
        let mut cpu = Some(0.0);
        for k in 0..objs.len() {
            let base = 2 + 3 * k;
            // The hard limit when set, else the soft one, else nothing reserved.
            let used = match case.given(base) {
                None => None,
                Some(Some(_)) => num(base),
                Some(None) => num(base + 1),
            };
            memory = memory.zip(used).map(|(a, b)| a + b);
            cpu = cpu.zip(num(base + 2)).map(|(a, b)| a + b);
        }
        let when = case.when();
        if let (Some(sum), Some(task_mem)) = (memory, task(0, "gb"))
            && sum > task_mem
        {
            cx.report(
                rules::CONTAINERS_EXCEED_TASK,
                Some(id),
                at.clone(),
                format!(
                    "the containers reserve {sum} MiB of memory, more than the task's {task_mem} MiB{when}"
                ),
                Some(
                    "lower the containers' Memory/MemoryReservation or raise the task's Memory"
                        .into(),
                ),
            );
        }
        if let (Some(sum), Some(task_cpu)) = (cpu, task(1, "vcpu"))
            && sum > task_cpu
        {
            cx.report(
                rules::CONTAINERS_EXCEED_TASK,
                Some(id),
                at.clone(),
                format!(
                    "the containers use {sum} cpu units, more than the task's {task_cpu}{when}"
                ),
                Some("lower the containers' Cpu or raise the task's Cpu".into()),
            );
        }
    }
}

/// FF4001 for one cpu/memory pair; `when` names the parameter values and mapping rows that
/// give the pair, when it comes from expressions.
pub(super) fn fargate_pair(cx: &mut Cx, id: &str, cpu: f64, memory: f64, when: Option<&str>) {
    let when = match when {
        Some(w) if !w.is_empty() => format!(" (when {w})"),
        _ => String::new(),
    };
    let valid_cpu = cpu.fract() == 0.0 && FARGATE_CPUS.contains(&(cpu as u32));
    if !valid_cpu {
        cx.report(
            rules::FARGATE_CPU_MEMORY,
            Some(id),
            format!("{id}.Properties.Cpu"),
            format!("{cpu} is not a Fargate cpu value{when}"),
            Some("Fargate tasks use 256, 512, 1024, 2048, 4096, 8192 or 16384 cpu units (0.25 to 16 vCPU)".into()),
        );
        return;
    }
    let allowed = fargate_memory(cpu as u32).unwrap_or_default();
    if memory.fract() != 0.0 || !allowed.contains(&(memory as u32)) {
        cx.report(
            rules::FARGATE_CPU_MEMORY,
            Some(id),
            format!("{id}.Properties.Memory"),
            format!("Fargate cpu {cpu} does not allow memory {memory} MiB{when}"),
            Some(format!(
                "with cpu {cpu} use memory {} (MiB)",
                mib_list(&allowed)
            )),
        );
    }
}

pub(super) const AWSLOGS_OPTIONS: &[&str] = &[
    "awslogs-create-group",
    "awslogs-datetime-format",
    "awslogs-group",
    "awslogs-multiline-pattern",
    "awslogs-region",
    "awslogs-stream-prefix",
    "awslogs-endpoint",
    "max-buffer-size",
    "mode",
];

/// FF4010: `awslogs-group` given a log group's ARN, where the driver takes its name: a
/// CloudWatch Logs group name is letters, digits and `_-/.#` only ("Pattern:
/// `[\.\-_/#A-Za-z0-9]+`",
/// <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html>),
/// so no log group has that name and the tasks cannot log. An `Fn::GetAtt` of a log group
/// of the template's `Arn`, or a literal ARN, is reported.
fn group_by_arn(cx: &mut Cx, id: &str, path: &str, name: &str, group: &Json) {
    let from_template = match crate::validate::intrinsic(group) {
        Some(("Fn::GetAtt", args)) => match crate::validate::getatt_parts(args) {
            (Some(t), Some("Arn")) if cx.resource_type(t) == Some("AWS::Logs::LogGroup") => {
                Some(t.to_owned())
            }
            _ => return,
        },
        _ => match lit_str(Some(group)) {
            Some(s) if s.starts_with("arn:") => None,
            _ => return,
        },
    };
    let hint = match &from_template {
        Some(t) => format!("give the group's name: `!Ref {t}`"),
        None => "give the group's name (the part after `log-group:` in the ARN)".to_owned(),
    };
    cx.report(
        rules::AWSLOGS_OPTIONS,
        Some(id),
        format!("{path}.LogConfiguration.Options.awslogs-group"),
        format!(
            "container `{name}`: awslogs-group is given a log group's ARN; the awslogs driver takes the group's name"
        ),
        Some(hint),
    );
}

/// A container's name as diagnostics show it: the literal name, an intrinsic function as
/// written, or `(no Name)`.
fn container_name(c: &JsonMap) -> std::borrow::Cow<'_, str> {
    match c.field("Name") {
        Some(Json::String(s)) => std::borrow::Cow::Borrowed(s.as_str()),
        Some(v) => std::borrow::Cow::Owned(crate::validate::shown(v)),
        None => std::borrow::Cow::Borrowed("(no Name)"),
    }
}

pub(super) fn awslogs(cx: &mut Cx, id: &str, path: &str, c: &JsonMap, fargate: bool) {
    let Some(lc) = c.field("LogConfiguration").and_then(Json::as_object) else {
        return;
    };
    if lit_str(lc.field("LogDriver")) != Some("awslogs") {
        return;
    }
    let name = container_name(c);
    let options = match lc.field("Options") {
        Some(o) if is_expr(o) => return,
        Some(Json::Object(o)) if crate::validate::has_fn_key(o) => return,
        Some(Json::Object(o)) => Some(o),
        _ => None,
    };
    if let Some(group) = options.and_then(|o| o.field("awslogs-group")) {
        group_by_arn(cx, id, path, &name, group);
    }
    let mut required = vec!["awslogs-group", "awslogs-region"];
    if fargate {
        required.push("awslogs-stream-prefix");
    }
    let missing: Vec<&str> = required
        .into_iter()
        .filter(|k| !options.is_some_and(|o| o.contains_key(*k)))
        .collect();
    let unknown: Vec<&str> = options
        .into_iter()
        .flat_map(|o| o.keys())
        .map(String::as_str)
        .filter(|k| !AWSLOGS_OPTIONS.contains(k))
        .collect();
    if missing.is_empty() && unknown.is_empty() {
        return;
    }
    let mut what = Vec::new();
    if !missing.is_empty() {
        what.push(format!("misses {}", one_of(&missing)).replace(" or ", " and "));
    }
    if !unknown.is_empty() {
        what.push(format!("has unknown option(s) {}", one_of(&unknown)).replace(" or ", " and "));
    }
    cx.report(
        rules::AWSLOGS_OPTIONS,
        Some(id),
        format!("{path}.LogConfiguration.Options"),
        format!(
            "container `{name}`: the awslogs log configuration {}",
            what.join(" and ")
        ),
        Some(format!(
            "awslogs needs awslogs-group and awslogs-region{}; options are {}",
            if fargate {
                " (and awslogs-stream-prefix on Fargate)"
            } else {
                ""
            },
            AWSLOGS_OPTIONS.join(", ")
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FF4007 follows parameters and conditions: each case whose sum exceeds the task's size
    /// is named; a case with an unknown value says nothing; a container without Memory
    /// counts its MemoryReservation.
    #[test]
    fn containers_exceeding_the_task_are_judged_in_every_case() {
        let task = |size: &str, containers: &str| {
            format!(
                "Parameters:\n  TaskMemory: {{Type: Number, AllowedValues: [512, 1024]}}\n  Soft: {{Type: Number, Default: 600}}\n  Big: {{Type: String, AllowedValues: ['yes', 'no']}}\nConditions:\n  IsBig: !Equals [!Ref Big, 'yes']\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n{size}      ContainerDefinitions: {containers}\n"
            )
        };
        let found = super::super::found(
            &task(
                "      Memory: !Ref TaskMemory\n",
                "[{Name: a, Image: x, MemoryReservation: !Ref Soft}, {Name: b, Image: x, Memory: 128}]",
            ),
            "FF4007",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].1, "Task.Properties.ContainerDefinitions");
        assert_eq!(
            found[0].2,
            "the containers reserve 728 MiB of memory, more than the task's 512 MiB (when TaskMemory = 512; Soft = 600)"
        );
        // Through a condition: only the case that exceeds.
        let found = super::super::found(
            &task(
                "      Cpu: '256'\n",
                "[{Name: a, Image: x, Cpu: !If [IsBig, 512, 128]}]",
            ),
            "FF4007",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].2.starts_with(
                "the containers use 512 cpu units, more than the task's 256 (when Big = yes"
            ),
            "{found:?}"
        );
        // An unknown value says nothing; a container given by an expression counts as
        // reserving nothing (here the other one alone exceeds the task).
        let unknown =
            "[{Name: a, Image: x, Memory: !GetAtt Other.Size}, {Name: b, Image: x, Memory: 900}]";
        assert!(super::super::found(&task("      Memory: '512'\n", unknown), "FF4007").is_empty());
        // A container an Fn::If adds is counted in the cases that add it.
        let expression = "[{Name: a, Image: x, Memory: 900}, !If [IsBig, {Name: b, Image: x, Memory: 4096}, !Ref AWS::NoValue]]";
        let found = super::super::found(&task("      Memory: '1024'\n", expression), "FF4007");
        assert_eq!(
            found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(),
            [
                "the containers reserve 4996 MiB of memory, more than the task's 1024 MiB (when Big = yes)"
            ]
        );
        let unknown_container = "[{Name: a, Image: x, Memory: 900}, !ImportValue Sidecar]";
        let found =
            super::super::found(&task("      Memory: '1024'\n", unknown_container), "FF4007");
        assert!(found.is_empty(), "{found:?}");
        let found = super::super::found(&task("      Memory: '512'\n", expression), "FF4007");
        assert_eq!(
            found[0].2,
            "the containers reserve 900 MiB of memory, more than the task's 512 MiB"
        );
        // Literals as before: no case label.
        let found = super::super::found(
            &task(
                "      Memory: '1 GB'\n",
                "[{Name: a, Image: x, Memory: 2048}]",
            ),
            "FF4007",
        );
        assert_eq!(
            found[0].2,
            "the containers reserve 2048 MiB of memory, more than the task's 1024 MiB"
        );
    }

    /// A Fargate task without a size: the hint names what is missing; a CPU alone that
    /// Fargate does not offer is FF4001 too.
    #[test]
    fn a_missing_size_is_named_and_a_lone_cpu_still_checked() {
        let task = |size: &str| {
            format!(
                "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n{size}      ContainerDefinitions: [{{Name: app, Image: nginx}}]\n"
            )
        };
        let missing = super::super::found(&task("      Memory: '512'\n"), "FF4002");
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].3.starts_with("set Cpu to 256"), "{missing:?}");
        let missing = super::super::found(&task("      Cpu: '256'\n"), "FF4002");
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].3.starts_with("set Memory in MiB"), "{missing:?}");
        // 300 units (a whole number Fargate does not offer), no Memory: both reported.
        assert_eq!(
            super::super::found(&task("      Cpu: '300'\n"), "FF4001").len(),
            1
        );
        assert_eq!(
            super::super::found(&task("      Cpu: '256'\n"), "FF4001").len(),
            0
        );
    }

    /// FF4007 adds the containers' Cpu units and compares the sum with the task's Cpu.
    #[test]
    fn the_containers_cpu_units_are_added_up() {
        let t = |a: u32, b: u32| {
            super::super::found(
                &format!(
                    "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions:\n        - {{Name: a, Image: nginx, Cpu: {a}}}\n        - {{Name: b, Image: nginx, Cpu: {b}}}\n"
                ),
                "FF4007",
            )
        };
        assert!(t(128, 128).is_empty());
        let f = t(128, 200);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, "Task.Properties.ContainerDefinitions");
        assert_eq!(
            f[0].2,
            "the containers use 328 cpu units, more than the task's 256"
        );
    }

    /// A Cpu from a parameter with a literal Memory: every value the parameter allows is
    /// checked with it.
    #[test]
    fn a_cpu_parameter_is_checked_against_a_literal_memory() {
        let text = "Parameters:\n  Cpu:\n    Type: String\n    AllowedValues: ['256', '1024']\n    Default: '1024'\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: !Ref Cpu\n      Memory: '4096'\n      ContainerDefinitions: [{Name: app, Image: nginx}]\n";
        let f = super::super::found(text, "FF4001");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].2,
            "Fargate cpu 256 does not allow memory 4096 MiB (when Cpu = 256)"
        );
    }

    /// A scenario that names no parameter (a condition that always holds) adds no
    /// "(when ...)" to the message; a host port from a parameter is checked per value.
    #[test]
    fn scenario_labels_and_parameter_ports() {
        let f = super::super::found(
            "Conditions:\n  Always: !Equals [a, a]\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: !If [Always, '300', '256']\n      Memory: '512'\n      ContainerDefinitions: [{Name: app, Image: nginx}]\n",
            "FF4001",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].2, "300 is not a Fargate cpu value");
        let f = super::super::found(
            "Parameters:\n  Port:\n    Type: Number\n    AllowedValues: [8080, 9090]\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions: [{Name: app, Image: nginx, PortMappings: [{ContainerPort: 8080, HostPort: !Ref Port}]}]\n",
            "FF4008",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].2.ends_with("(when Port = 9090)"), "{f:?}");
    }

    /// awslogs-group takes a log group's name: its ARN (a template group's `Arn`, or
    /// written out) is reported, its name or another attribute is not.
    #[test]
    fn awslogs_group_is_a_name_not_an_arn() {
        let task = |group: &str| {
            format!(
                "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n  Queue:\n    Type: AWS::SQS::Queue\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions: [{{Name: app, Image: nginx, Memory: 512, LogConfiguration: {{LogDriver: awslogs, Options: {{awslogs-group: {group}, awslogs-region: eu-west-1}}}}}}]\n"
            )
        };
        let at = "Task.Properties.ContainerDefinitions[0].LogConfiguration.Options.awslogs-group";
        for arn in ["!GetAtt Logs.Arn", "!GetAtt [Logs, Arn]"] {
            let f = super::super::found(&task(arn), "FF4010");
            assert_eq!(
                f,
                [(
                    "error",
                    at.to_owned(),
                    "container `app`: awslogs-group is given a log group's ARN; the awslogs driver takes the group's name".to_owned(),
                    "give the group's name: `!Ref Logs`".to_owned()
                )],
                "{arn}"
            );
        }
        let f = super::super::found(
            &task("'arn:aws:logs:eu-west-1:123456789012:log-group:app:*'"),
            "FF4010",
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].1, at);
        for fine in [
            "!Ref Logs",
            "/ecs/app",
            "!GetAtt Queue.Arn",
            "!GetAtt Logs.LogGroupName",
        ] {
            assert!(
                super::super::found(&task(fine), "FF4010").is_empty(),
                "{fine}"
            );
        }
    }

    /// awslogs options: what is missing and what is unknown each said as it is; options
    /// from an expression (a `Ref`, or with a `Fn::Transform` key) are not guessed.
    #[test]
    fn awslogs_options_say_what_is_missing_or_unknown() {
        let task = |options: &str| {
            format!(
                "Parameters:\n  Opts:\n    Type: String\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      RequiresCompatibilities: [FARGATE]\n      NetworkMode: awsvpc\n      Cpu: '256'\n      Memory: '512'\n      ContainerDefinitions: [{{Name: app, Image: nginx, LogConfiguration: {{LogDriver: awslogs, Options: {options}}}}}]\n"
            )
        };
        let messages = |options: &str| -> Vec<String> {
            super::super::found(&task(options), "FF4010")
                .into_iter()
                .map(|d| d.2)
                .collect()
        };
        assert_eq!(
            messages("{awslogs-group: g, awslogs-region: eu-west-1}"),
            vec!["container `app`: the awslogs log configuration misses `awslogs-stream-prefix`"]
        );
        assert_eq!(
            messages(
                "{awslogs-group: g, awslogs-region: eu-west-1, awslogs-stream-prefix: p, awslogs-colour: red}"
            ),
            vec![
                "container `app`: the awslogs log configuration has unknown option(s) `awslogs-colour`"
            ]
        );
        assert_eq!(messages("!Ref Opts"), Vec::<String>::new());
        assert_eq!(
            messages("{'Fn::Transform': {Name: M}, awslogs-group: g}"),
            Vec::<String>::new()
        );
    }

    /// No ContainerDefinitions at all is reported; one given by an expression is not.
    #[test]
    fn a_task_without_containers_is_reported_unless_they_are_an_expression() {
        let task = |containers: &str| {
            format!(
                "Parameters:\n  Defs:\n    Type: String\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: bridge\n{containers}"
            )
        };
        assert_eq!(super::super::found(&task(""), "FF4004").len(), 1);
        assert_eq!(
            super::super::found(&task("      ContainerDefinitions: !Ref Defs\n"), "FF4004"),
            vec![]
        );
    }

    /// Memory hints: up to four values listed, more as a range with its step.
    #[test]
    fn memory_lists_read_as_the_table_does() {
        assert_eq!(mib_list(&[2048]), "2048");
        assert_eq!(mib_list(&[512, 1024, 2048]), "512, 1024 or 2048");
        assert_eq!(
            mib_list(&[1024, 2048, 3072, 4096]),
            "1024, 2048, 3072 or 4096"
        );
        assert_eq!(
            mib_list(&[2048, 3072, 4096, 5120, 6144]),
            "2048 to 6144 in steps of 1024"
        );
    }

    #[test]
    fn fargate_table_matches_the_documentation() {
        assert_eq!(fargate_memory(256), Some(vec![512, 1024, 2048]));
        assert_eq!(fargate_memory(512), Some(vec![1024, 2048, 3072, 4096]));
        assert_eq!(
            fargate_memory(4096).map(|v| (v.len(), v[0], v[v.len() - 1])),
            Some((23, 8192, 30720))
        );
        assert_eq!(
            fargate_memory(8192).map(|v| (v.len(), v[1])),
            Some((12, 20480))
        );
        assert_eq!(
            fargate_memory(16384).map(|v| (v.len(), v[1])),
            Some((12, 40960))
        );
        assert_eq!(fargate_memory(300), None);
    }

    #[test]
    fn the_compile_time_hints_say_what_the_table_says() {
        for &cpu in FARGATE_CPUS {
            let valid = fargate_memory(cpu).unwrap();
            let hint = fargate_hint(cpu);
            assert!(hint.contains(&format!("with {cpu} CPU units")), "{hint}");
            assert!(hint.contains(&format!("use {}", valid[0])), "{hint}");
            assert!(
                hint.contains(&format!("{} MiB", valid[valid.len() - 1])),
                "{hint}"
            );
            if valid.len() > 3 {
                let step = valid[1] - valid[0];
                assert!(hint.ends_with(&format!("in steps of {step}")), "{hint}");
            }
            for m in 0..=130_000 {
                assert_eq!(fargate_valid(cpu, m), valid.contains(&m), "{cpu}/{m}");
            }
        }
        assert!(!fargate_valid(300, 1024));
    }

    #[test]
    fn unit_forms() {
        assert_eq!(with_unit(&Json::from("1 vCPU"), "vcpu"), Some(1024.0));
        assert_eq!(with_unit(&Json::from(".25 vCPU"), "vcpu"), Some(256.0));
        assert_eq!(with_unit(&Json::from("0.5 GB"), "gb"), Some(512.0));
        assert_eq!(with_unit(&Json::from("2GB"), "gb"), Some(2048.0));
        assert_eq!(with_unit(&Json::from("512"), "gb"), Some(512.0));
        assert_eq!(with_unit(&Json::from(1024), "vcpu"), Some(1024.0));
        assert_eq!(with_unit(&Json::from("lots"), "gb"), None);
    }
}

#[cfg(test)]
mod name_tests {
    /// Issue #12: a container whose Name is an intrinsic function is named by the function
    /// as written, not `?`.
    #[test]
    fn a_container_named_by_an_intrinsic_is_shown_as_written() {
        let text = "Parameters:\n  Env: {Type: String}\nResources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: !Sub ${Env}-web\n          Image: nginx\n          Memory: 256\n          MemoryReservation: 512\n";
        let t = crate::Template::parse("t.yaml", text).unwrap();
        let report = crate::validate::validate(&t);
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == crate::rules::CONTAINER_MEMORY_RESERVATION)
            .unwrap_or_else(|| panic!("{:?}", report.diagnostics));
        assert!(
            d.message
                .starts_with(r#"container `{"Fn::Sub":"${Env}-web"}`: Memory (256)"#),
            "{}",
            d.message
        );
    }
}
