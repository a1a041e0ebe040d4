//! ECS and friends (`FF4xxx`), from the AWS documentation: Fargate task sizes, containers,
//! services, ECR lifecycle policies, Application Auto Scaling, capacity providers.
//! Values that are expressions are skipped, never guessed.

use super::{Cx, is_expr, lit_bool, lit_num, lit_str, one_of, ref_or_getatt_target, ref_target};
use crate::model::render::{Json, JsonMap};
use crate::rules;

pub(super) fn check(cx: &mut Cx) {
    let tasks: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::TaskDefinition")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in tasks {
        task(cx, id, props);
    }
    services(cx);
    ecr(cx);
    scaling(cx);
    capacity_providers(cx);
}

// ------------------------------------------------------------------------------------------
// Task definitions

/// Fargate's task sizes, the one home of this table (the constructs' `FargateSize` checks its
/// pairs with [`fargate_valid`]): `(cpu units, first memory, last memory, step)` in MiB, from
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size>.
const FARGATE_SIZES: [(u32, u32, u32, u32); 7] = [
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
fn with_unit(v: &Json, unit: &str) -> Option<f64> {
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

fn mib_list(v: &[u32]) -> String {
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

fn compat(props: Option<&JsonMap>) -> Option<Vec<&str>> {
    match props?.get("RequiresCompatibilities")? {
        Json::Array(a) => {
            if a.iter().any(is_expr) {
                return None;
            }
            Some(a.iter().filter_map(Json::as_str).collect())
        }
        _ => None,
    }
}

fn containers(props: Option<&JsonMap>) -> Option<&Vec<Json>> {
    props?.get("ContainerDefinitions")?.as_array()
}

fn task(cx: &mut Cx, id: &str, props: Option<&JsonMap>) {
    let p = |k: &str| props.and_then(|m| m.get(k));
    let compat = compat(props);
    let fargate = compat.as_ref().is_some_and(|c| c.contains(&"FARGATE"));
    let ec2 = match (
        &compat,
        props.and_then(|m| m.get("RequiresCompatibilities")),
    ) {
        (Some(c), _) => c.contains(&"EC2"),
        (None, None) => true, // EC2 is the default
        (None, Some(_)) => false,
    };
    let cpu = p("Cpu")
        .filter(|v| !is_expr(v))
        .and_then(|v| with_unit(v, "vcpu"));
    let memory = p("Memory")
        .filter(|v| !is_expr(v))
        .and_then(|v| with_unit(v, "gb"));
    let mode = p("NetworkMode");
    let mode_lit = lit_str(mode);

    if fargate {
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
            for sc in super::resolve::scenarios(cx, &[c, m]) {
                let (Some(cv), Some(mv)) = (&sc.values[0], &sc.values[1]) else {
                    continue;
                };
                if let (Some(c), Some(m)) = (with_unit(cv, "vcpu"), with_unit(mv, "gb")) {
                    fargate_pair(cx, id, c, m, Some(&sc.label));
                }
            }
        }
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

    let Some(list) = containers(props) else {
        if !p("ContainerDefinitions").is_some_and(is_expr) {
            cx.report(
                rules::NO_CONTAINERS,
                Some(id),
                format!("{id}.Properties"),
                "the task definition has no containers",
                Some("add ContainerDefinitions with at least one container (Name, Image)".into()),
            );
        }
        return;
    };
    if list.is_empty() {
        cx.report(
            rules::NO_CONTAINERS,
            Some(id),
            format!("{id}.Properties.ContainerDefinitions"),
            "the task definition has no containers",
            Some("add at least one container (Name, Image)".into()),
        );
        return;
    }
    let objs: Vec<&JsonMap> = list.iter().filter_map(Json::as_object).collect();
    let all_literal = objs.len() == list.len();
    if all_literal
        && objs.iter().all(|c| {
            !c.keys().any(|k| k.starts_with("Fn::"))
                && lit_bool(c.get("Essential")) == Some(false)
                && !c.get("Essential").is_some_and(is_expr)
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

    let mut mem_sum = Some(0.0);
    let mut cpu_sum = Some(0.0);
    for (i, c) in list.iter().enumerate() {
        let Some(c) = c.as_object() else {
            mem_sum = None;
            cpu_sum = None;
            continue;
        };
        let path = format!("{id}.Properties.ContainerDefinitions[{i}]");
        let name = lit_str(c.get("Name")).unwrap_or("?");
        let hard = c
            .get("Memory")
            .filter(|v| !is_expr(v))
            .and_then(|v| lit_num(Some(v)));
        let soft = c
            .get("MemoryReservation")
            .filter(|v| !is_expr(v))
            .and_then(|v| lit_num(Some(v)));
        if let (Some(h), Some(s)) = (hard, soft)
            && h <= s
        {
            cx.report(
                rules::CONTAINER_MEMORY_RESERVATION,
                Some(id),
                format!("{path}.Memory"),
                format!("container `{name}`: Memory ({h}) must be greater than MemoryReservation ({s})"),
                Some("Memory is the hard limit, MemoryReservation the soft one: raise Memory or lower MemoryReservation".into()),
            );
        }
        let used = if c.contains_key("Memory") {
            hard
        } else if c.contains_key("MemoryReservation") {
            soft
        } else {
            Some(0.0)
        };
        mem_sum = match (mem_sum, used) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        let ccpu = match c.get("Cpu") {
            None => Some(0.0),
            Some(v) if is_expr(v) => None,
            Some(v) => lit_num(Some(v)),
        };
        cpu_sum = match (cpu_sum, ccpu) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        if ec2
            && p("Memory").is_none()
            && !c.contains_key("Memory")
            && !c.contains_key("MemoryReservation")
        {
            cx.report(
                rules::EC2_MEMORY_MISSING,
                Some(id),
                path.clone(),
                format!("container `{name}` has no Memory or MemoryReservation and the task has no Memory"),
                Some("on the EC2 launch type set Memory at task level, or Memory/MemoryReservation on every container".into()),
            );
        }
        if matches!(mode_lit, Some("awsvpc" | "host")) {
            for (j, pm) in c
                .get("PortMappings")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let (Some(host), Some(cport)) = (pm.get("HostPort"), pm.get("ContainerPort"))
                else {
                    continue;
                };
                // Literal ports, or every pair the parameters, conditions and mapping rows
                // can give (a port a parameter supplies, say); unknown values say nothing.
                let pairs: Vec<(Option<f64>, Option<f64>, String)> = if is_expr(host)
                    || is_expr(cport)
                {
                    super::resolve::scenarios(cx, &[host, cport])
                        .into_iter()
                        .map(|sc| {
                            let num = |v: &Option<Json>| v.as_ref().and_then(|v| lit_num(Some(v)));
                            (num(&sc.values[0]), num(&sc.values[1]), sc.label)
                        })
                        .collect()
                } else {
                    vec![(lit_num(Some(host)), lit_num(Some(cport)), String::new())]
                };
                for (h, cp, when) in pairs {
                    let (Some(h), Some(cp)) = (h, cp) else {
                        continue;
                    };
                    if h == cp {
                        continue;
                    }
                    let when = if when.is_empty() {
                        String::new()
                    } else {
                        format!(" (when {when})")
                    };
                    cx.report(
                        rules::HOST_PORT_MISMATCH,
                        Some(id),
                        format!("{path}.PortMappings[{j}].HostPort"),
                        format!(
                            "in {} network mode HostPort ({h}) must equal ContainerPort ({cp}){when}",
                            mode_lit.unwrap_or_default()
                        ),
                        Some("omit HostPort, or set it to the ContainerPort".into()),
                    );
                }
            }
        }
        awslogs(cx, id, &path, c, fargate);
    }
    if let (Some(sum), Some(task_mem)) = (mem_sum, memory)
        && sum > task_mem
    {
        cx.report(
            rules::CONTAINERS_EXCEED_TASK,
            Some(id),
            format!("{id}.Properties.ContainerDefinitions"),
            format!(
                "the containers reserve {sum} MiB of memory, more than the task's {task_mem} MiB"
            ),
            Some(
                "lower the containers' Memory/MemoryReservation or raise the task's Memory".into(),
            ),
        );
    }
    if let (Some(sum), Some(task_cpu)) = (cpu_sum, cpu)
        && sum > task_cpu
    {
        cx.report(
            rules::CONTAINERS_EXCEED_TASK,
            Some(id),
            format!("{id}.Properties.ContainerDefinitions"),
            format!("the containers use {sum} cpu units, more than the task's {task_cpu}"),
            Some("lower the containers' Cpu or raise the task's Cpu".into()),
        );
    }
}

/// FF4001 for one cpu/memory pair; `when` names the parameter values and mapping rows that
/// give the pair, when it comes from expressions.
fn fargate_pair(cx: &mut Cx, id: &str, cpu: f64, memory: f64, when: Option<&str>) {
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

const AWSLOGS_OPTIONS: &[&str] = &[
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

fn awslogs(cx: &mut Cx, id: &str, path: &str, c: &JsonMap, fargate: bool) {
    let Some(lc) = c.get("LogConfiguration").and_then(Json::as_object) else {
        return;
    };
    if lit_str(lc.get("LogDriver")) != Some("awslogs") {
        return;
    }
    let name = lit_str(c.get("Name")).unwrap_or("?");
    let options = match lc.get("Options") {
        Some(o) if is_expr(o) => return,
        Some(Json::Object(o)) if o.keys().any(|k| k.starts_with("Fn::")) => return,
        Some(Json::Object(o)) => Some(o),
        _ => None,
    };
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

// ------------------------------------------------------------------------------------------
// Services

fn services(cx: &mut Cx) {
    let services: Vec<(&str, &Json, Option<&JsonMap>)> =
        cx.resources_of("AWS::ECS::Service").collect();
    for (id, entry, props) in services {
        let p = |k: &str| props.and_then(|m| m.get(k));
        let launch = lit_str(p("LaunchType"));
        let task_id = ref_target(p("TaskDefinition"))
            .filter(|t| cx.resource_type(t) == Some("AWS::ECS::TaskDefinition"));
        let task_props = task_id
            .and_then(|t| cx.resource(t))
            .and_then(|r| r.get("Properties"))
            .and_then(Json::as_object);
        if launch == Some("FARGATE")
            && let Some(t) = task_id
        {
            let compat_set = task_props.and_then(|tp| tp.get("RequiresCompatibilities"));
            let compatible = match compat(task_props) {
                Some(c) => c.contains(&"FARGATE"),
                None => compat_set.is_some(), // an expression: not guessed
            };
            if !compatible {
                cx.report(
                    rules::FARGATE_SERVICE_COMPATIBILITY,
                    Some(id),
                    format!("{id}.Properties.LaunchType"),
                    format!("the service runs on FARGATE but its task definition `{t}` is not FARGATE-compatible"),
                    Some(format!("add FARGATE to `{t}`'s RequiresCompatibilities")),
                );
            }
        }
        if matches!(launch, Some("FARGATE" | "EXTERNAL"))
            && lit_str(p("SchedulingStrategy")) == Some("DAEMON")
        {
            cx.report(
                rules::UNSUPPORTED_DAEMON,
                Some(id),
                format!("{id}.Properties.SchedulingStrategy"),
                format!(
                    "a {} service cannot use the DAEMON scheduling strategy",
                    launch.unwrap_or_default()
                ),
                Some("use SchedulingStrategy: REPLICA".into()),
            );
        }
        if let Some(t) = task_id
            && lit_str(task_props.and_then(|tp| tp.get("NetworkMode"))) == Some("awsvpc")
            && p("NetworkConfiguration").is_none()
        {
            cx.report(
                rules::SERVICE_NETWORK_CONFIGURATION,
                Some(id),
                format!("{id}.Properties"),
                format!("the task definition `{t}` uses awsvpc, so the service needs a NetworkConfiguration"),
                Some("set NetworkConfiguration.AwsvpcConfiguration with Subnets (and SecurityGroups)".into()),
            );
        }
        listener_dependency(cx, id, entry, p("LoadBalancers"));
    }
}

/// Whether `v` contains `{"Ref": target}` (or a GetAtt of it) anywhere.
fn mentions(v: &Json, target: &str) -> bool {
    if ref_or_getatt_target(Some(v)) == Some(target) {
        return true;
    }
    match v {
        Json::Object(m) => m.values().any(|x| mentions(x, target)),
        Json::Array(a) => a.iter().any(|x| mentions(x, target)),
        _ => false,
    }
}

fn listener_dependency(cx: &mut Cx, id: &str, entry: &Json, lbs: Option<&Json>) {
    let Some(lbs) = lbs.and_then(Json::as_array) else {
        return;
    };
    let deps: Vec<&str> = match entry.get("DependsOn") {
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    for (i, lb) in lbs.iter().enumerate() {
        let Some(tg) = ref_target(lb.get("TargetGroupArn")) else {
            continue;
        };
        let listeners: Vec<&str> = cx
            .resources
            .into_iter()
            .flatten()
            .filter(|(_, r)| {
                matches!(
                    r.get("Type").and_then(Json::as_str),
                    Some(
                        "AWS::ElasticLoadBalancingV2::Listener"
                            | "AWS::ElasticLoadBalancingV2::ListenerRule"
                    )
                ) && r.get("Properties").is_some_and(|p| mentions(p, tg))
            })
            .map(|(k, _)| k.as_str())
            .collect();
        if listeners.is_empty() || listeners.iter().any(|l| deps.contains(l)) {
            continue;
        }
        cx.report(
            rules::LISTENER_DEPENDENCY,
            Some(id),
            format!("{id}.Properties.LoadBalancers[{i}]"),
            format!(
                "the service uses target group `{tg}` but does not depend on {}, which attaches it to a load balancer",
                one_of(&listeners)
            ),
            Some(format!(
                "add DependsOn: {} so the target group is attached before the service starts",
                listeners[0]
            )),
        );
    }
}

// ------------------------------------------------------------------------------------------
// ECR lifecycle policies

fn ecr(cx: &mut Cx) {
    let repos: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECR::Repository")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in repos {
        let Some(text) = props
            .and_then(|p| p.get("LifecyclePolicy"))
            .and_then(|l| l.get("LifecyclePolicyText"))
            .and_then(Json::as_str)
        else {
            continue;
        };
        let path = format!("{id}.Properties.LifecyclePolicy.LifecyclePolicyText");
        lifecycle_policy(cx, id, &path, text);
    }
}

/// Check the text of an ECR lifecycle policy (the rules of the ECR documentation).
fn lifecycle_policy(cx: &mut Cx, id: &str, path: &str, text: &str) {
    let bad = |cx: &mut Cx, msg: String| {
        cx.report(
            rules::ECR_LIFECYCLE_POLICY,
            Some(id),
            path.to_owned(),
            msg,
            Some("a lifecycle policy is {\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 14}, \"action\": {\"type\": \"expire\"}}]}".into()),
        );
    };
    let policy: Json = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => return bad(cx, format!("the lifecycle policy is not valid JSON: {e}")),
    };
    let Some(rules) = policy.get("rules").and_then(Json::as_array) else {
        return bad(cx, "the lifecycle policy has no `rules` list".into());
    };
    if rules.is_empty() {
        return bad(cx, "the lifecycle policy has no rules".into());
    }
    let mut priorities: Vec<(i64, usize)> = Vec::new();
    let mut any_rule: Option<(i64, usize)> = None;
    for (i, r) in rules.iter().enumerate() {
        let Some(prio) = r
            .get("rulePriority")
            .and_then(Json::as_i64)
            .filter(|p| *p >= 1)
        else {
            bad(
                cx,
                format!("rule {i} has no rulePriority (an integer from 1)"),
            );
            continue;
        };
        let Some(sel) = r.get("selection").and_then(Json::as_object) else {
            bad(cx, format!("rule {prio} has no selection"));
            continue;
        };
        if r.get("action")
            .and_then(|a| a.get("type"))
            .and_then(Json::as_str)
            != Some("expire")
        {
            bad(
                cx,
                format!("rule {prio}: action must be {{\"type\": \"expire\"}}"),
            );
        }
        let status = sel.get("tagStatus").and_then(Json::as_str);
        if !matches!(status, Some("tagged" | "untagged" | "any")) {
            bad(
                cx,
                format!("rule {prio}: selection.tagStatus must be tagged, untagged or any"),
            );
        }
        let count_type = sel.get("countType").and_then(Json::as_str);
        if !matches!(count_type, Some("imageCountMoreThan" | "sinceImagePushed")) {
            bad(
                cx,
                format!(
                    "rule {prio}: selection.countType must be imageCountMoreThan or sinceImagePushed"
                ),
            );
        }
        if sel
            .get("countNumber")
            .and_then(Json::as_i64)
            .is_none_or(|n| n < 1)
        {
            bad(
                cx,
                format!("rule {prio}: selection.countNumber must be an integer from 1"),
            );
        }
        let lists = ["tagPrefixList", "tagPatternList"];
        let has_list = lists.iter().any(|k| {
            sel.get(*k)
                .and_then(Json::as_array)
                .is_some_and(|a| !a.is_empty())
        });
        let has_any_list_key = lists.iter().any(|k| sel.contains_key(*k));
        match status {
            Some("tagged") if !has_list => cx.report(
                rules::ECR_TAG_SELECTION,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: tagStatus tagged needs a tagPrefixList or tagPatternList"),
                Some("list the tag prefixes (or patterns) the rule applies to".into()),
            ),
            Some("untagged" | "any") if has_any_list_key => cx.report(
                rules::ECR_TAG_SELECTION,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: tagPrefixList/tagPatternList are only allowed with tagStatus tagged"),
                Some("remove the list, or set tagStatus: tagged".into()),
            ),
            _ => {}
        }
        let has_unit = sel.contains_key("countUnit");
        match count_type {
            Some("sinceImagePushed") if !has_unit => cx.report(
                rules::ECR_COUNT_UNIT,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: countType sinceImagePushed needs countUnit"),
                Some("add \"countUnit\": \"days\"".into()),
            ),
            Some("imageCountMoreThan") if has_unit => cx.report(
                rules::ECR_COUNT_UNIT,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: countUnit is only allowed with countType sinceImagePushed"),
                Some("remove countUnit".into()),
            ),
            _ => {}
        }
        if has_unit && sel.get("countUnit").and_then(Json::as_str) != Some("days") {
            bad(cx, format!("rule {prio}: countUnit must be days"));
        }
        if let Some(&(_, first)) = priorities.iter().find(|(p, _)| *p == prio) {
            cx.report(
                rules::ECR_DUPLICATE_PRIORITY,
                Some(id),
                path.to_owned(),
                format!("rules {first} and {i} both have rulePriority {prio}"),
                Some("give every rule its own rulePriority".into()),
            );
        }
        priorities.push((prio, i));
        if status == Some("any") {
            any_rule = Some((prio, i));
        }
    }
    if let Some((prio, _)) = any_rule
        && let Some(max) = priorities.iter().map(|(p, _)| *p).max()
        && prio < max
    {
        cx.report(
            rules::ECR_ANY_PRIORITY,
            Some(id),
            path.to_owned(),
            format!(
                "the rule with tagStatus any has rulePriority {prio}, but another rule has {max}"
            ),
            Some(
                "the tagStatus any rule must have the highest rulePriority (it is evaluated last)"
                    .into(),
            ),
        );
    }
}

// ------------------------------------------------------------------------------------------
// Application Auto Scaling

fn scaling(cx: &mut Cx) {
    let targets: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ApplicationAutoScaling::ScalableTarget")
        .map(|(id, _, p)| (id, p))
        .collect();
    for &(id, props) in &targets {
        scaled_service_sets_desired_count(cx, id, props);
    }
    for (id, props) in targets {
        let p = |k: &str| props.and_then(|m| m.get(k));
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
        let min = p("MinCapacity")
            .filter(|v| !is_expr(v))
            .and_then(|v| lit_num(Some(v)));
        let max = p("MaxCapacity")
            .filter(|v| !is_expr(v))
            .and_then(|v| lit_num(Some(v)));
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            cx.report(
                rules::MIN_ABOVE_MAX_CAPACITY,
                Some(id),
                format!("{id}.Properties.MinCapacity"),
                format!("MinCapacity ({a}) is greater than MaxCapacity ({b})"),
                Some("MinCapacity must be at most MaxCapacity".into()),
            );
        }
    }
    let policies: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ApplicationAutoScaling::ScalingPolicy")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in policies {
        let p = |k: &str| props.and_then(|m| m.get(k));
        if let Some(t) = p("ScalingTargetId") {
            if let Some(target) = ref_target(Some(t))
                && let Some(ty) = cx.resource_type(target)
                && ty != "AWS::ApplicationAutoScaling::ScalableTarget"
            {
                cx.report(
                    rules::SCALING_POLICY_TARGET,
                    Some(id),
                    format!("{id}.Properties.ScalingTargetId"),
                    format!("ScalingTargetId refers to `{target}`, a {ty}, not a scalable target"),
                    Some("refer to an AWS::ApplicationAutoScaling::ScalableTarget".into()),
                );
            }
            continue;
        }
        let missing: Vec<&str> = ["ResourceId", "ScalableDimension", "ServiceNamespace"]
            .into_iter()
            .filter(|k| p(k).is_none())
            .collect();
        if !missing.is_empty() {
            cx.report(
                rules::SCALING_POLICY_TARGET,
                Some(id),
                format!("{id}.Properties"),
                "the scaling policy names no scalable target".to_owned(),
                Some("set ScalingTargetId: !Ref <ScalableTarget>, or ResourceId, ScalableDimension and ServiceNamespace".into()),
            );
        }
    }
}

// ------------------------------------------------------------------------------------------
// Capacity providers

/// The reserved prefix (`aws`, `ecs`, `fargate`, in any case) `name` starts with.
fn reserved_prefix(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    ["aws", "ecs", "fargate"]
        .into_iter()
        .find(|pre| lower.starts_with(pre))
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
fn scaled_service_sets_desired_count(cx: &mut Cx, target: &str, props: Option<&JsonMap>) {
    let p = |k: &str| props.and_then(|m| m.get(k));
    if lit_str(p("ScalableDimension")) != Some("ecs:service:DesiredCount") {
        return;
    }
    let Some(rid) = p("ResourceId") else { return };
    let mut named = Vec::new();
    referenced_ids(rid, &mut named);
    if let Some(lit) = lit_str(Some(rid))
        && let Some(service_name) = lit
            .strip_prefix("service/")
            .and_then(|r| r.split('/').nth(1))
    {
        for (sid, _, sp) in cx.resources_of("AWS::ECS::Service") {
            if lit_str(sp.and_then(|m| m.get("ServiceName"))) == Some(service_name) {
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
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("DesiredCount"));
        let Some(count) = count else { continue };
        if can_be_no_value(count) {
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

/// The logical IDs a value refers to: `Ref`, `Fn::GetAtt` and `Fn::Sub` variables, at any depth.
fn referenced_ids<'a>(v: &'a Json, out: &mut Vec<&'a str>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref", Json::String(s)) => out.push(s),
                    ("Fn::GetAtt", Json::Array(a)) => {
                        if let Some(s) = a.first().and_then(Json::as_str) {
                            out.push(s);
                        }
                    }
                    ("Fn::GetAtt", Json::String(s)) => {
                        out.extend(s.split('.').next());
                    }
                    ("Fn::Sub", Json::String(text)) => sub_ids(text, out),
                    ("Fn::Sub", Json::Array(a)) => {
                        if let Some(text) = a.first().and_then(Json::as_str) {
                            sub_ids(text, out);
                        }
                        for x in a.iter().skip(1) {
                            referenced_ids(x, out);
                        }
                    }
                    _ => referenced_ids(x, out),
                }
            }
        }
        Json::Array(a) => {
            for x in a {
                referenced_ids(x, out);
            }
        }
        _ => {}
    }
}

fn sub_ids<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    for var in super::refs::sub_variables(text) {
        out.extend(var.split('.').next());
    }
}

/// Whether an `Fn::If` in `v` can give `AWS::NoValue` (the property may be left out).
fn can_be_no_value(v: &Json) -> bool {
    match super::intrinsic(v) {
        Some(("Ref", Json::String(s))) => s == "AWS::NoValue",
        Some(("Fn::If", Json::Array(a))) => a.iter().skip(1).any(can_be_no_value),
        _ => false,
    }
}

fn capacity_providers(cx: &mut Cx) {
    let cps: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECS::CapacityProvider")
        .map(|(id, _, p)| (id, p))
        .collect();
    // Without a Name, CloudFormation names the provider `<stack>-<logical id>-<suffix>`: a
    // stack name that starts with a reserved prefix makes the creation fail. Checked when the
    // template is a stack's (its name is a stack name, not a file path).
    let stack = cx.source;
    let stack_prefix = crate::model::stack::valid_stack_name(stack)
        .then(|| reserved_prefix(stack))
        .flatten();
    for (id, props) in cps {
        let p = |k: &str| props.and_then(|m| m.get(k));
        if p("Name").is_none()
            && let Some(prefix) = stack_prefix
        {
            cx.report(
                rules::CAPACITY_PROVIDER_NAME,
                Some(id),
                format!("{id}.Properties"),
                format!(
                    "no Name: CloudFormation names the capacity provider after the stack \
                     (`{stack}-{id}-...`), which starts with `{prefix}`"
                ),
                Some(
                    "set Name to one that does not start with aws, ecs or fargate (in any \
                     case), or rename the stack"
                        .into(),
                ),
            );
        }
        if let Some(name) = lit_str(p("Name"))
            && let Some(prefix) = reserved_prefix(name)
        {
            cx.report(
                rules::CAPACITY_PROVIDER_NAME,
                Some(id),
                format!("{id}.Properties.Name"),
                format!("capacity provider name `{name}` starts with `{prefix}`"),
                Some("names starting with aws, ecs or fargate are reserved: choose another".into()),
            );
        }
        let Some(asg) = p("AutoScalingGroupProvider").and_then(Json::as_object) else {
            continue;
        };
        if lit_str(asg.get("ManagedTerminationProtection")) != Some("ENABLED") {
            continue;
        }
        let base = format!("{id}.Properties.AutoScalingGroupProvider");
        let scaling = asg.get("ManagedScaling");
        if lit_str(scaling.and_then(|s| s.get("Status"))) == Some("DISABLED") {
            cx.report(
                rules::TERMINATION_PROTECTION_SCALING,
                Some(id),
                format!("{base}.ManagedTerminationProtection"),
                "managed termination protection needs managed scaling, which is DISABLED",
                Some(
                    "set ManagedScaling.Status: ENABLED, or ManagedTerminationProtection: DISABLED"
                        .into(),
                ),
            );
        }
        let Some(group) = ref_or_getatt_target(asg.get("AutoScalingGroupArn")) else {
            continue;
        };
        if cx.resource_type(group) != Some("AWS::AutoScaling::AutoScalingGroup") {
            continue;
        }
        let prop = cx
            .resource(group)
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("NewInstancesProtectedFromScaleIn"));
        if prop.is_some_and(is_expr) {
            continue;
        }
        if lit_bool(prop) != Some(true) {
            cx.report(
                rules::TERMINATION_PROTECTION_SCALE_IN,
                Some(id),
                format!("{base}.ManagedTerminationProtection"),
                format!("managed termination protection needs the Auto Scaling group `{group}` to protect new instances from scale-in"),
                Some(format!("set NewInstancesProtectedFromScaleIn: true on `{group}`")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
