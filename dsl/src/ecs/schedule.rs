//! `ScheduledTask` and `AdHocTask`: run a task definition on an EventBridge schedule, or
//! once by hand with the `aws ecs run-task` command the stack prints.

use std::fmt;

use crate::fns;
use crate::iam::{PolicyDocument, Principal, Statement};
use crate::model::asset::Platform;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{List, Value};
use crate::resources::events::{self, rule as r};
use crate::resources::{ec2, iam};

use super::cluster::{CapacityProviderStrategy, Cluster};
use super::repository::grant;
use super::service::ServiceNetworking;
use super::task_definition::TaskDefinition;
use super::volume::ManagedEbsVolume;
use super::{Text, part_id, rules};

/// A schedule expression: when an EventBridge rule fires a [`ScheduledTask`], or when a
/// scheduled scaling action ([`super::AutoScaling::scale_on_schedule`]) applies. `cron(...)`
/// and `rate(...)` serve both, with the same syntax in both services (six-field cron in UTC;
/// *Amazon EventBridge User Guide*, "Schedule expressions for rules", and *Application Auto
/// Scaling User Guide*, "Scheduled scaling"); `at(...)`, a single time, only scaling
/// actions. Checked when it is used (a bad expression is a diagnostic at synth, never a
/// panic).
///
/// ```
/// use ferroform::ecs::{RateUnit, Schedule};
/// assert_eq!(Schedule::cron("0 3 * * ? *").expression(), "cron(0 3 * * ? *)");
/// assert_eq!(Schedule::rate(1, RateUnit::Hours).expression(), "rate(1 hour)");
/// assert_eq!(Schedule::rate(15, RateUnit::Minutes).expression(), "rate(15 minutes)");
/// assert_eq!(Schedule::daily_at(2, 30).expression(), "cron(30 2 * * ? *)");
/// assert_eq!(Schedule::at("2026-12-24T18:00:00").expression(), "at(2026-12-24T18:00:00)");
/// assert_eq!(Schedule::parse("0 22 * * ? *").expression(), "cron(0 22 * * ? *)");
/// assert!(Schedule::cron("0 3 * * *").validate().is_err()); // 5 fields: that is Unix cron
/// assert!(Schedule::parse("rate(1 minutes)").validate().is_err()); // 1 takes the singular
/// assert!(Schedule::at("2026-02-30T00:00:00").validate().is_err()); // no such day
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule(String);

/// The unit of a `rate(...)` schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateUnit {
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days.
    Days,
}

impl Schedule {
    /// EventBridge's six-field cron, in UTC: `minutes hours day-of-month month day-of-week
    /// year`; one of day-of-month and day-of-week must be `?`.
    pub fn cron(fields: &str) -> Self {
        Schedule(format!("cron({})", fields.trim()))
    }

    /// Every `n` units (`rate(1 hour)`, `rate(5 minutes)`; the singular for 1 is written
    /// for you).
    pub fn rate(n: u32, unit: RateUnit) -> Self {
        let word = match unit {
            RateUnit::Minutes => "minute",
            RateUnit::Hours => "hour",
            RateUnit::Days => "day",
        };
        Schedule(format!("rate({n} {word}{})", if n == 1 { "" } else { "s" }))
    }

    /// Every day at `hour:minute` UTC.
    pub fn daily_at(hour: u32, minute: u32) -> Self {
        Schedule::cron(&format!("{minute} {hour} * * ? *"))
    }

    /// Once, at `datetime` UTC (`yyyy-mm-ddThh:mm:ss`): for scheduled scaling actions only
    /// (EventBridge rules take `cron` and `rate`).
    pub fn at(datetime: &str) -> Self {
        Schedule(format!("at({})", datetime.trim()))
    }

    /// A schedule expression as written in a template (`cron(...)`, `rate(...)` or
    /// `at(...)`); bare cron fields (`0 22 * * ? *`) are read as `cron(...)`.
    pub fn parse(expression: &str) -> Self {
        let e = expression.trim();
        if ["cron(", "rate(", "at("].iter().any(|p| e.starts_with(p)) {
            Schedule(e.to_owned())
        } else {
            Schedule::cron(e)
        }
    }

    /// Whether this is a one-time `at(...)` schedule, which EventBridge rules do not take.
    pub fn is_one_time(&self) -> bool {
        self.0.starts_with("at(")
    }

    /// The expression, as it goes into `ScheduleExpression`.
    pub fn expression(&self) -> &str {
        &self.0
    }

    /// Check the expression's syntax; the error says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let s = self.0.as_str();
        if let Some(inner) = s.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            validate_rate(inner)
        } else if let Some(inner) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
            validate_cron(inner)
        } else if let Some(inner) = s.strip_prefix("at(").and_then(|r| r.strip_suffix(')')) {
            validate_at(inner)
        } else {
            Err(format!(
                "`{s}` is neither `cron(...)`, `rate(...)` nor `at(...)`"
            ))
        }
    }
}

impl From<&str> for Schedule {
    /// [`Schedule::parse`].
    fn from(expression: &str) -> Self {
        Schedule::parse(expression)
    }
}

/// `yyyy-mm-ddThh:mm:ss`, a real calendar date and time.
fn validate_at(inner: &str) -> Result<(), String> {
    let bad = || format!("`at({inner})` is not `at(yyyy-mm-ddThh:mm:ss)`");
    let (date, time) = inner.split_once('T').ok_or_else(bad)?;
    let num = |t: &str, len: usize| -> Result<u32, String> {
        if t.len() == len && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let d: Vec<&str> = date.split('-').collect();
    let t: Vec<&str> = time.split(':').collect();
    let ([y, mo, da], [h, mi, se]) = (d.as_slice(), t.as_slice()) else {
        return Err(bad());
    };
    let (year, month, day) = (num(y, 4)?, num(mo, 2)?, num(da, 2)?);
    let (hour, minute, second) = (num(h, 2)?, num(mi, 2)?, num(se, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("`at({inner})`: month {month} is outside 1-12")),
    };
    if day == 0 || day > days {
        return Err(format!(
            "`at({inner})`: day {day} is outside 1-{days} for that month"
        ));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!("`at({inner})`: {h}:{mi}:{se} is not a time of day"));
    }
    Ok(())
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn validate_rate(inner: &str) -> Result<(), String> {
    let parts: Vec<&str> = inner.split(' ').collect();
    let [n, unit] = parts.as_slice() else {
        return Err(format!("`rate({inner})` is not `rate(<number> <unit>)`"));
    };
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{n}` in `rate({inner})` is not a positive whole number"))?;
    if n == 0 {
        return Err(format!("`rate({inner})`: the value must be at least 1"));
    }
    let singular = matches!(*unit, "minute" | "hour" | "day");
    let plural = matches!(*unit, "minutes" | "hours" | "days");
    match (n == 1, singular, plural) {
        (true, true, _) | (false, _, true) => Ok(()),
        (true, false, true) => Err(format!(
            "`rate({inner})`: a value of 1 takes the singular unit (`rate(1 {})`)",
            unit.trim_end_matches('s')
        )),
        (false, true, _) => Err(format!(
            "`rate({inner})`: a value above 1 takes the plural unit (`rate({n} {unit}s)`)"
        )),
        _ => Err(format!(
            "`{unit}` in `rate({inner})` is not minute(s), hour(s) or day(s)"
        )),
    }
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 6] = [
    Field {
        name: "minutes",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        name: "hours",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTHS,
    },
    Field {
        name: "day-of-week",
        min: 1,
        max: 7,
        names: &DAYS,
    },
    Field {
        name: "year",
        min: 1970,
        max: 2199,
        names: &[],
    },
];

fn validate_cron(inner: &str) -> Result<(), String> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    if parts.len() != 6 {
        return Err(format!(
            "`cron({inner})` has {} fields; EventBridge cron has 6: minutes hours day-of-month month day-of-week year",
            parts.len()
        ));
    }
    for (i, (text, field)) in parts.iter().zip(&FIELDS).enumerate() {
        validate_field(text, field, i)
            .map_err(|why| format!("`cron({inner})`: {} field `{text}`: {why}", field.name))?;
    }
    let (dom, dow) = (parts[2], parts[4]);
    if (dom == "?") == (dow == "?") {
        return Err(format!(
            "`cron({inner})`: exactly one of day-of-month (`{dom}`) and day-of-week (`{dow}`) must be `?`"
        ));
    }
    Ok(())
}

fn value(text: &str, f: &Field) -> Result<u32, String> {
    let v = match f.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        Some(i) => i as u32 + 1,
        None => text
            .parse()
            .map_err(|_| format!("`{text}` is not a number"))?,
    };
    if v < f.min || v > f.max {
        return Err(format!("{v} is outside {}-{}", f.min, f.max));
    }
    Ok(v)
}

fn validate_field(text: &str, f: &Field, index: usize) -> Result<(), String> {
    let (dom, dow) = (index == 2, index == 4);
    if text == "?" {
        return if dom || dow {
            Ok(())
        } else {
            Err("`?` is only allowed in day-of-month and day-of-week".into())
        };
    }
    if dom && (text == "L" || text == "LW") {
        return Ok(());
    }
    if dom && let Some(day) = text.strip_suffix('W') {
        return value(day, f).map(|_| ());
    }
    if dow && text == "L" {
        return Ok(());
    }
    if dow && let Some(day) = text.strip_suffix('L') {
        return value(day, f).map(|_| ());
    }
    if dow && let Some((day, nth)) = text.split_once('#') {
        value(day, f)?;
        return match nth.parse::<u32>() {
            Ok(1..=5) => Ok(()),
            _ => Err(format!("`#{nth}`: the occurrence is 1 to 5")),
        };
    }
    for item in text.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(s) if s >= 1 => {}
                _ => return Err(format!("`/{step}`: the increment is a whole number from 1")),
            }
        }
        if range == "*" {
            continue;
        }
        match range.split_once('-') {
            Some((a, b)) => {
                value(a, f)?;
                value(b, f)?;
            }
            None => {
                value(range, f)?;
            }
        }
    }
    Ok(())
}

/// Where scheduled and ad hoc tasks run.
#[derive(Clone, Debug, Default)]
pub enum TaskCapacity {
    /// The cheapest Fargate capacity the task can run on: the `FARGATE_SPOT` capacity
    /// provider for Linux X86_64 tasks (up to 70 % cheaper; a run may be interrupted with a
    /// two-minute warning — fine for jobs that can be retried), launch type `FARGATE` for
    /// ARM64 (Graviton) tasks, which Fargate Spot does not run. The default.
    #[default]
    Cheapest,
    /// Launch type `FARGATE`.
    Fargate,
    /// The `FARGATE_SPOT` capacity provider (Linux X86_64 tasks only; for others the
    /// validator reports FF4043).
    FargateSpot,
    /// Any capacity provider strategy of the cluster.
    Strategy(Vec<CapacityProviderStrategy>),
}

impl TaskCapacity {
    /// The strategy for `td` (`None`: launch type `FARGATE`).
    fn strategy(&self, td: &TaskDefinition) -> Option<Vec<CapacityProviderStrategy>> {
        match self {
            TaskCapacity::Cheapest if td.platform == Platform::LinuxArm64 => None,
            TaskCapacity::Cheapest | TaskCapacity::FargateSpot => {
                Some(vec![CapacityProviderStrategy::fargate_spot(1)])
            }
            TaskCapacity::Fargate => None,
            TaskCapacity::Strategy(s) => Some(s.clone()),
        }
    }
}

/// The settings of a [`ScheduledTask`]. Start from [`ScheduledTaskProps::new`].
#[derive(Clone, Debug)]
pub struct ScheduledTaskProps {
    /// When the task runs.
    pub schedule: Schedule,
    /// Where it runs. Default: [`TaskCapacity::Cheapest`].
    pub capacity: TaskCapacity,
    /// Subnets, security groups (default: a new group, `<id>SecurityGroup`, with no
    /// ingress) and public IP (default: off).
    pub networking: ServiceNetworking,
    /// Tasks started per run (1 to 10, RunTask's limit; a literal is checked). Default: 1.
    pub task_count: Value<i64>,
    /// The rule is enabled. Default: `true`. A value decided at deploy time (a `"true"` /
    /// `"false"` parameter) becomes the condition `<id>Enabled` and an `Fn::If` on the
    /// rule's `State`.
    pub enabled: Value<bool>,
    /// The rule's description. Default: none.
    pub description: Option<String>,
}

impl ScheduledTaskProps {
    /// Run on `schedule`, in `networking`, with the defaults above.
    pub fn new(schedule: Schedule, networking: ServiceNetworking) -> Self {
        ScheduledTaskProps {
            schedule,
            capacity: TaskCapacity::Cheapest,
            networking,
            task_count: 1.into(),
            enabled: true.into(),
            description: None,
        }
    }
}

/// A task definition run on a schedule by an EventBridge rule.
///
/// Adds the rule `id` (its ECS target runs the task definition in the cluster), the role
/// EventBridge runs it with (`<id>EventsRole`: trusted by `events.amazonaws.com` for this
/// account; allowed `ecs:RunTask` on the task definition's family in this cluster only,
/// and `iam:PassRole` on the task's execution and task roles only, passed to ECS tasks),
/// and a security group when none is given. Add containers and roles to the task
/// definition before scheduling it: the role names the roles the task definition has then.
///
/// The role allows the family (`task-definition/<family>:*`) rather than one revision: an
/// update registers a new revision, and CloudFormation updates the rule's target and the
/// role's policy independently — a run between the two must not be refused.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{Cluster, ClusterProps, ContainerProps, FargateSize, Schedule,
///     ScheduledTask, ScheduledTaskProps, ServiceNetworking, TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Jobs");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "Report", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
/// task.add_container(&mut stack, ContainerProps::new("report", "public.ecr.aws/docker/library/busybox:1.36"));
/// let nightly = ScheduledTask::new(&mut stack, "Nightly", &cluster, &task, ScheduledTaskProps::new(
///     Schedule::daily_at(3, 0),
///     ServiceNetworking::new(vpc.to_ref(), subnets.to_ref()),
/// ));
/// stack.output("RunNow", nightly.run_task_command());
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.body()["Resources"]["Nightly"]["Properties"]["ScheduleExpression"], "cron(0 3 * * ? *)");
/// ```
#[derive(Clone, Debug)]
pub struct ScheduledTask {
    rule: Handle<events::Rule>,
    role: Handle<iam::Role>,
    security_group: Option<Handle<ec2::SecurityGroup>>,
    command: Value<String>,
}

impl ScheduledTask {
    /// Add the rule, its role and (when none is given) a security group.
    pub fn new(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        task_definition: &TaskDefinition,
        props: ScheduledTaskProps,
    ) -> Self {
        let checked = if props.schedule.is_one_time() {
            Err(format!(
                "`{}` is a one-time schedule, which EventBridge rules do not take",
                props.schedule
            ))
        } else {
            props.schedule.validate()
        };
        if let Err(why) = checked {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("scheduled task `{id}`: {why}"),
                "EventBridge takes `cron(minutes hours day-of-month month day-of-week year)` or `rate(N minute|minutes|hour|hours|day|days)`",
            );
        }
        let run = RunSpec::new(
            stack,
            id,
            cluster,
            task_definition,
            &props.capacity,
            &props.networking,
            &props.task_count,
        );

        // --- the role EventBridge runs the task with
        let trust = PolicyDocument::new().statement(
            Statement::allow(["sts:AssumeRole"])
                .principal(Principal::Service("events.amazonaws.com".into()))
                .condition(serde_json::json!({
                    "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                })),
        );
        let role = stack.add(&part_id(id, "EventsRole"), iam::Role::new(trust));
        let mut statements = vec![
            Statement::allow(["ecs:RunTask"])
                .resource(family_arn(task_definition))
                .condition(serde_json::json!({"ArnEquals": {"ecs:cluster": cluster.arn()}})),
        ];
        let passed = task_roles(stack, task_definition);
        if !passed.is_empty() {
            statements.push(
                Statement::allow(["iam:PassRole"])
                    .resources(passed)
                    .condition(serde_json::json!({
                        "StringLike": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
                    })),
            );
        }
        grant(stack, &role, "RunTask", statements);

        // --- the rule
        let mut params = r::EcsParameters::new(task_definition.arn())
            .task_count(props.task_count)
            .network_configuration(
                r::NetworkConfiguration::new().aws_vpc_configuration(
                    r::AwsVpcConfiguration::new(run.subnets.clone())
                        .security_groups(run.security_groups.clone())
                        .assign_public_ip(if run.public_ip {
                            r::AssignPublicIp::Enabled
                        } else {
                            r::AssignPublicIp::Disabled
                        }),
                ),
            )
            .enable_ecs_managed_tags(true)
            .propagate_tags(r::PropagateTags::TaskDefinition);
        match props.capacity.strategy(task_definition) {
            None => {
                params = params
                    .launch_type(r::LaunchType::Fargate)
                    .platform_version("LATEST");
            }
            Some(strategy) => {
                let items: Vec<r::CapacityProviderStrategyItem> = strategy
                    .iter()
                    .map(|s| {
                        let mut item =
                            r::CapacityProviderStrategyItem::new(s.capacity_provider.clone())
                                .weight(s.weight);
                        if s.base > 0 {
                            item = item.base(s.base);
                        }
                        item
                    })
                    .collect();
                params = params.capacity_provider_strategy(items);
                if task_definition.is_fargate() {
                    params = params.platform_version("LATEST");
                }
            }
        }
        let state: Value<r::State> = match props.enabled.as_lit() {
            Some(true) => r::State::Enabled.into(),
            Some(false) => r::State::Disabled.into(),
            None => {
                let flag = props
                    .enabled
                    .clone()
                    .cast_expr::<String>()
                    .unwrap_or_else(|| "true".into());
                let enabled = stack.condition(&part_id(id, "Enabled"), fns::equals(flag, "true"));
                fns::if_(&enabled, r::State::Enabled, r::State::Disabled)
            }
        };
        let mut rule = events::Rule::new()
            .schedule_expression(props.schedule.expression())
            .state(state)
            .targets(vec![
                r::Target::new(r::TargetRequired {
                    arn: cluster.arn(),
                    id: "Task".into(),
                })
                .role_arn(role.attr_arn())
                .ecs_parameters(params),
            ]);
        if let Some(d) = props.description {
            rule = rule.description(d);
        }
        let rule = stack.add(id, rule);
        if let Some(associations) = cluster.capacity_provider_associations()
            && associations.stack_id() == stack.id()
        {
            stack.options(&rule).depends_on(associations);
        }
        ScheduledTask {
            rule,
            role,
            security_group: run.created_group,
            command: run.command.join(),
        }
    }

    /// The `AWS::Events::Rule` (escape hatch).
    pub fn rule(&self) -> &Handle<events::Rule> {
        &self.rule
    }

    /// The role EventBridge runs the task with.
    pub fn events_role(&self) -> &Handle<iam::Role> {
        &self.role
    }

    /// The security group created for the tasks, if one was.
    pub fn security_group(&self) -> Option<&Handle<ec2::SecurityGroup>> {
        self.security_group.as_ref()
    }

    /// The `aws ecs run-task` command that starts the same task once, now (put it in an
    /// output).
    pub fn run_task_command(&self) -> Value<String> {
        self.command.clone()
    }
}

/// The settings of an [`AdHocTask`]. Start from [`AdHocTaskProps::new`].
#[derive(Clone, Debug)]
pub struct AdHocTaskProps {
    /// Where it runs. Default: [`TaskCapacity::Cheapest`].
    pub capacity: TaskCapacity,
    /// Subnets, security groups (default: a new group, `<id>SecurityGroup`, with no
    /// ingress) and public IP (default: off).
    pub networking: ServiceNetworking,
    /// Tasks started per run (1 to 10, RunTask's limit; a literal is checked). Default: 1.
    pub task_count: Value<i64>,
    /// An EBS volume ECS creates for each run (`--volume-configurations`), for a task
    /// definition with a volume configured at launch. Default: none. (Scheduled tasks
    /// cannot have one: EventBridge's ECS target takes no volume configuration.)
    pub ebs_volume: Option<ManagedEbsVolume>,
}

impl AdHocTaskProps {
    /// Run in `networking`, with the defaults above.
    pub fn new(networking: ServiceNetworking) -> Self {
        AdHocTaskProps {
            capacity: TaskCapacity::Cheapest,
            networking,
            task_count: 1.into(),
            ebs_volume: None,
        }
    }
}

/// A task definition meant to be run by hand (a migration, a backfill): the stack outputs
/// `<id>RunTaskCommand`, the exact `aws ecs run-task` command with the cluster, task
/// definition, capacity and network configuration resolved, and creates a security group
/// for it when none is given. Nothing runs until someone runs the command.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{AdHocTask, AdHocTaskProps, Cluster, ClusterProps, ContainerProps, FargateSize,
///     ServiceNetworking, TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Ops");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "Migrate", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
/// task.add_container(&mut stack, ContainerProps::new("migrate", "public.ecr.aws/docker/library/busybox:1.36"));
/// AdHocTask::new(&mut stack, "Migration", &cluster, &task,
///     AdHocTaskProps::new(ServiceNetworking::new(vpc.to_ref(), subnets.to_ref())));
/// let t = stack.to_template().unwrap();
/// let cmd = &t.body()["Outputs"]["MigrationRunTaskCommand"]["Value"]["Fn::Join"][1];
/// assert_eq!(cmd[0], "aws ecs run-task --cluster ");
/// ```
#[derive(Clone, Debug)]
pub struct AdHocTask {
    security_group: Option<Handle<ec2::SecurityGroup>>,
    command: Value<String>,
}

impl AdHocTask {
    /// Add the output (and the security group when none is given).
    pub fn new(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        task_definition: &TaskDefinition,
        props: AdHocTaskProps,
    ) -> Self {
        let mut run = RunSpec::new(
            stack,
            id,
            cluster,
            task_definition,
            &props.capacity,
            &props.networking,
            &props.task_count,
        );
        if let Some(v) = &props.ebs_volume {
            // The volume's settings as RunTask takes them, after the rest of the command.
            let ec2 = matches!(props.capacity, TaskCapacity::Strategy(_))
                && !task_definition.is_fargate();
            run.command.push(" --volume-configurations '");
            super::volume::run_task_json(stack, id, v, ec2, &mut run.command);
            run.command.push("'");
        }
        let command = run.command.join();
        stack
            .output(&part_id(id, "RunTaskCommand"), command.clone())
            .description(format!(
                "Run the {id} task once: paste into a shell with AWS credentials"
            ));
        AdHocTask {
            security_group: run.created_group,
            command,
        }
    }

    /// The security group created for the task, if one was.
    pub fn security_group(&self) -> Option<&Handle<ec2::SecurityGroup>> {
        self.security_group.as_ref()
    }

    /// The `aws ecs run-task` command.
    pub fn run_task_command(&self) -> Value<String> {
        self.command.clone()
    }
}

/// What a run needs, shared by the rule target and the CLI command.
struct RunSpec {
    subnets: Value<List<String>>,
    security_groups: Vec<Value<String>>,
    public_ip: bool,
    created_group: Option<Handle<ec2::SecurityGroup>>,
    /// The `aws ecs run-task` command, still open for more arguments.
    command: Text,
}

impl RunSpec {
    fn new(
        stack: &mut Stack,
        id: &str,
        cluster: &Cluster,
        td: &TaskDefinition,
        capacity: &TaskCapacity,
        net: &ServiceNetworking,
        count: &Value<i64>,
    ) -> Self {
        if !td.is_awsvpc() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("task `{id}` runs a task definition whose network mode is not awsvpc"),
                "scheduled and ad hoc tasks take Fargate (or EC2 awsvpc) task definitions",
            );
        }
        if !matches!(capacity, TaskCapacity::Strategy(_)) && !td.is_fargate() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("task `{id}` runs an EC2 task definition on Fargate"),
                "build the task definition with TaskDefinitionProps::fargate, or name the EC2 capacity with TaskCapacity::Strategy",
            );
        }
        if let TaskCapacity::Strategy(s) = capacity
            && (s.is_empty() || s.len() > 6)
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!(
                    "task `{id}` has a strategy of {} capacity providers",
                    s.len()
                ),
                "give 1 to 6 capacity providers",
            );
        }
        if let Some(&count) = count.as_lit()
            && !(1..=10).contains(&count)
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(id),
                format!("task `{id}` starts {count} tasks per run"),
                "RunTask starts 1 to 10 tasks at a time",
            );
        }
        let mut security_groups = net.security_groups.clone();
        let mut created_group = None;
        if security_groups.is_empty() {
            let sg = stack.add(
                &part_id(id, "SecurityGroup"),
                ec2::SecurityGroup::new(
                    net.security_group_description
                        .clone()
                        .unwrap_or_else(|| format!("Tasks of {id}").into()),
                )
                .vpc_id(net.vpc_id.clone())
                .security_group_egress(vec![
                    ec2::security_group::Egress::new("-1")
                        .cidr_ip("0.0.0.0/0")
                        .description("All outbound traffic (image pulls, AWS APIs)"),
                ]),
            );
            security_groups.push(sg.attr_group_id());
            created_group = Some(sg);
        }
        let subnets = net.subnets.0.clone();
        let command = run_task_command(
            cluster,
            td,
            capacity,
            &subnets,
            &security_groups,
            net.assign_public_ip,
            count,
        );
        RunSpec {
            subnets,
            security_groups,
            public_ip: net.assign_public_ip,
            created_group,
            command,
        }
    }
}

fn run_task_command(
    cluster: &Cluster,
    td: &TaskDefinition,
    capacity: &TaskCapacity,
    subnets: &Value<List<String>>,
    security_groups: &[Value<String>],
    public_ip: bool,
    count: &Value<i64>,
) -> Text {
    let mut text = Text::default();
    text.push("aws ecs run-task --cluster ");
    text.push(cluster.name());
    text.push(" --task-definition ");
    text.push(td.arn());
    match capacity.strategy(td) {
        None => text.push(" --launch-type FARGATE"),
        Some(strategy) => {
            text.push(" --capacity-provider-strategy");
            for s in strategy {
                text.push(" capacityProvider=");
                text.push(s.capacity_provider.clone());
                text.push(format!(",weight={},base={}", s.weight, s.base));
            }
        }
    }
    match count.as_lit() {
        Some(&n) if n > 1 => text.push(format!(" --count {n}")),
        Some(_) => {}
        None => {
            text.push(" --count ");
            text.number(count);
        }
    }
    text.push(" --network-configuration 'awsvpcConfiguration={subnets=[");
    text.push(fns::join(",", subnets.clone()));
    text.push("],securityGroups=[");
    text.push(fns::join(",", security_groups.to_vec()));
    text.push(format!(
        "],assignPublicIp={}}}'",
        if public_ip { "ENABLED" } else { "DISABLED" }
    ));
    text
}

/// `arn:<partition>:ecs:<region>:<account>:task-definition/<family>:*`, the family read
/// from the task definition's ARN (`.../task-definition/<family>:<revision>`).
fn family_arn(td: &TaskDefinition) -> Value<String> {
    let family = fns::select(
        0,
        fns::split(":", fns::select(1, fns::split("/", td.arn()))),
    );
    fns::sub_with(
        "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${Family}:*",
        [("Family", family)],
    )
}

/// The execution role and task role the task definition names (read from the resource,
/// so a task role added after construction is included).
fn task_roles(stack: &Stack, td: &TaskDefinition) -> Vec<Value<String>> {
    let mut out = Vec::new();
    if let Some(res) = stack.get(td.resource()) {
        if let Some(exec) = &res.execution_role_arn {
            out.push(exec.clone());
        }
        if let Some(task) = &res.task_role_arn {
            out.push(task.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{ClusterProps, ContainerProps, FargateSize, TaskDefinitionProps};
    use super::*;
    use serde_json::json;

    #[test]
    fn cron_rules_from_the_eventbridge_guide() {
        let ok = [
            "0 10 * * ? *",
            "15 12 * * ? *",
            "0 18 ? * MON-FRI *",
            "0 8 1 * ? *",
            "0/15 * * * ? *",
            "0/10 * ? * MON-FRI *",
            "0/5 8-17 ? * MON-FRI *",
            "0 9 ? * 2#1 *",
            "0 0 L * ? *",
            "0 0 15W * ? *",
            "30 2 ? JAN,JUL 6L 2025-2030",
        ];
        for e in ok {
            assert_eq!(Schedule::cron(e).validate(), Ok(()), "{e}");
        }
        let bad = [
            ("0 3 * * *", "5 fields"),
            ("0 3 * * * *", "both day fields set"),
            ("0 3 ? * ? *", "both day fields `?`"),
            ("60 3 * * ? *", "minute 60"),
            ("0 24 * * ? *", "hour 24"),
            ("0 3 0 * ? *", "day 0"),
            ("0 3 * 13 ? *", "month 13"),
            ("0 3 ? * 8 *", "day-of-week 8"),
            ("0 3 ? * FOO *", "unknown day name"),
            ("0 3 * * ? 1969", "year before 1970"),
            ("0/0 3 * * ? *", "zero increment"),
            ("? 3 * * ? *", "? in minutes"),
            ("0 9 ? * 2#6 *", "sixth Monday"),
        ];
        for (e, why) in bad {
            assert!(Schedule::cron(e).validate().is_err(), "{e}: {why}");
        }
    }

    #[test]
    fn rate_rules() {
        for e in [
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(7 days)",
        ] {
            assert_eq!(Schedule::parse(e).validate(), Ok(()), "{e}");
        }
        for e in [
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "rate(5 weeks)",
            "rate(-1 days)",
            "rate(5  minutes)",
            "every 5 minutes",
            "rate(1.5 hours)",
        ] {
            assert!(Schedule::parse(e).validate().is_err(), "{e}");
        }
        assert_eq!(
            Schedule::rate(1, RateUnit::Days).expression(),
            "rate(1 day)"
        );
        assert_eq!(
            Schedule::rate(2, RateUnit::Days).expression(),
            "rate(2 days)"
        );
    }

    fn setup(stack: &mut Stack) -> (Cluster, TaskDefinition) {
        let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
        let task = crate::ecs::test_task(stack, "Job", ContainerProps::new("job", "busybox"));
        (cluster, task)
    }

    fn net() -> ServiceNetworking {
        ServiceNetworking::new(
            "vpc-1",
            Value::lit(vec!["subnet-a".into(), "subnet-b".into()]),
        )
    }

    #[test]
    fn scheduled_spot_task_rule_and_least_privilege_role() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        task.ensure_task_role(&mut stack);
        ScheduledTask::new(
            &mut stack,
            "Nightly",
            &cluster,
            &task,
            ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), net()),
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let rule = &r["Nightly"];
        assert_eq!(rule["Type"], "AWS::Events::Rule");
        assert_eq!(rule["DependsOn"], "ClusterCapacityProviders");
        let p = &rule["Properties"];
        assert_eq!(p["ScheduleExpression"], "cron(0 3 * * ? *)");
        assert_eq!(p["State"], "ENABLED");
        let target = &p["Targets"][0];
        assert_eq!(target["Arn"], json!({"Fn::GetAtt": ["Cluster", "Arn"]}));
        assert_eq!(
            target["RoleArn"],
            json!({"Fn::GetAtt": ["NightlyEventsRole", "Arn"]})
        );
        let ecs = &target["EcsParameters"];
        assert_eq!(ecs["TaskDefinitionArn"], json!({"Ref": "Job"}));
        assert_eq!(ecs["TaskCount"], 1);
        assert!(ecs.get("LaunchType").is_none());
        assert_eq!(
            ecs["CapacityProviderStrategy"],
            json!([{"CapacityProvider": "FARGATE_SPOT", "Weight": 1}])
        );
        assert_eq!(
            ecs["NetworkConfiguration"]["AwsVpcConfiguration"],
            json!({"AssignPublicIp": "DISABLED",
                   "SecurityGroups": [{"Fn::GetAtt": ["NightlySecurityGroup", "GroupId"]}],
                   "Subnets": ["subnet-a", "subnet-b"]})
        );
        // The role: trusted by EventBridge of this account; RunTask on the family, in
        // this cluster; PassRole on exactly the two roles.
        let role = &r["NightlyEventsRole"]["Properties"];
        let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Principal"]["Service"], "events.amazonaws.com");
        let st = &role["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(st.as_array().unwrap().len(), 2);
        assert_eq!(st[0]["Action"], "ecs:RunTask");
        assert_eq!(
            st[0]["Resource"]["Fn::Sub"][0],
            "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${Family}:*"
        );
        assert_eq!(
            st[0]["Resource"]["Fn::Sub"][1]["Family"],
            json!({"Fn::Select": [0, {"Fn::Split": [":", {"Fn::Select": [1, {"Fn::Split": ["/", {"Ref": "Job"}]}]}]}]})
        );
        assert_eq!(
            st[0]["Condition"],
            json!({"ArnEquals": {"ecs:cluster": {"Fn::GetAtt": ["Cluster", "Arn"]}}})
        );
        assert_eq!(st[1]["Action"], "iam:PassRole");
        assert_eq!(
            st[1]["Resource"],
            json!([{"Fn::GetAtt": ["JobExecutionRole", "Arn"]}, {"Fn::GetAtt": ["JobTaskRole", "Arn"]}])
        );
    }

    #[test]
    fn fargate_launch_type_and_command() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        let job = ScheduledTask::new(
            &mut stack,
            "Hourly",
            &cluster,
            &task,
            ScheduledTaskProps {
                capacity: TaskCapacity::Fargate,
                task_count: 2.into(),
                networking: ServiceNetworking {
                    security_groups: vec!["sg-1".into()],
                    ..net()
                },
                ..ScheduledTaskProps::new(Schedule::rate(1, RateUnit::Hours), net())
            },
        );
        stack.output("Run", job.run_task_command());
        let t = stack.to_template().unwrap();
        let b = t.body();
        assert!(b["Resources"].get("HourlySecurityGroup").is_none());
        let ecs = &b["Resources"]["Hourly"]["Properties"]["Targets"][0]["EcsParameters"];
        assert_eq!(ecs["LaunchType"], "FARGATE");
        assert_eq!(ecs["PlatformVersion"], "LATEST");
        assert_eq!(ecs["TaskCount"], 2);
        let st = &b["Resources"]["HourlyEventsRole"]["Properties"]["Policies"][0]["PolicyDocument"]
            ["Statement"];
        // No task role: PassRole on the execution role alone.
        assert_eq!(
            st[1]["Resource"],
            json!({"Fn::GetAtt": ["JobExecutionRole", "Arn"]})
        );
        assert_eq!(
            b["Outputs"]["Run"]["Value"],
            json!({"Fn::Join": ["", [
                "aws ecs run-task --cluster ", {"Ref": "Cluster"},
                " --task-definition ", {"Ref": "Job"},
                " --launch-type FARGATE --count 2 --network-configuration 'awsvpcConfiguration={subnets=[",
                {"Fn::Join": [",", ["subnet-a", "subnet-b"]]},
                "],securityGroups=[", {"Fn::Join": [",", ["sg-1"]]},
                "],assignPublicIp=DISABLED}'"
            ]]})
        );
    }

    #[test]
    fn ad_hoc_task_outputs_the_spot_command() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        AdHocTask::new(
            &mut stack,
            "Backfill",
            &cluster,
            &task,
            AdHocTaskProps::new(net()),
        );
        let t = stack.to_template().unwrap();
        let b = t.body();
        assert_eq!(
            b["Resources"]["BackfillSecurityGroup"]["Type"],
            "AWS::EC2::SecurityGroup"
        );
        let parts = &b["Outputs"]["BackfillRunTaskCommand"]["Value"]["Fn::Join"][1];
        assert_eq!(
            parts[4],
            " --capacity-provider-strategy capacityProvider=FARGATE_SPOT,weight=1,base=0 --network-configuration 'awsvpcConfiguration={subnets=["
        );
        assert_eq!(
            parts[7],
            json!({"Fn::Join": [",", [{"Fn::GetAtt": ["BackfillSecurityGroup", "GroupId"]}]]})
        );
        assert_eq!(parts[8], "],assignPublicIp=DISABLED}'");
        assert_eq!(parts.as_array().unwrap().len(), 9);
    }

    /// Fargate Spot runs Linux X86_64 tasks only: by default an ARM64 task runs on Fargate
    /// (scheduled and ad hoc alike); asked for explicitly, Spot with ARM64 is FF4043 at synth.
    #[test]
    fn graviton_tasks_run_on_fargate_by_default_and_spot_is_refused_for_them() {
        let arm_task = |stack: &mut Stack| {
            let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
            let task = TaskDefinition::new(
                stack,
                "Job",
                TaskDefinitionProps {
                    cpu_architecture: crate::ecs::CpuArchitecture::Arm64,
                    ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
                },
            );
            task.add_container(stack, ContainerProps::new("job", "busybox"));
            (cluster, task)
        };
        let mut stack = Stack::new("S");
        let (cluster, task) = arm_task(&mut stack);
        let props = ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), net());
        assert!(matches!(props.capacity, TaskCapacity::Cheapest));
        ScheduledTask::new(&mut stack, "Nightly", &cluster, &task, props);
        AdHocTask::new(
            &mut stack,
            "Once",
            &cluster,
            &task,
            AdHocTaskProps::new(net()),
        );
        let t = stack.to_template().unwrap();
        let ecs = &t.body()["Resources"]["Nightly"]["Properties"]["Targets"][0]["EcsParameters"];
        assert_eq!(ecs["LaunchType"], "FARGATE");
        assert!(ecs.get("CapacityProviderStrategy").is_none(), "{ecs}");
        let command = t.body()["Outputs"]["OnceRunTaskCommand"]["Value"].to_string();
        assert!(command.contains("--launch-type FARGATE"), "{command}");
        assert!(!command.contains("FARGATE_SPOT"), "{command}");

        let mut stack = Stack::new("S");
        let (cluster, task) = arm_task(&mut stack);
        ScheduledTask::new(
            &mut stack,
            "Nightly",
            &cluster,
            &task,
            ScheduledTaskProps {
                capacity: TaskCapacity::FargateSpot,
                ..ScheduledTaskProps::new(Schedule::cron("0 3 * * ? *"), net())
            },
        );
        let mut app = crate::App::new();
        app.add(stack);
        let errors = app.synth().unwrap_err();
        assert!(
            errors.diagnostics.iter().any(|d| d.rule == "FF4043"
                && d.path
                    == "Nightly.Properties.Targets[0].EcsParameters.CapacityProviderStrategy[0]"),
            "{errors:?}"
        );
    }

    /// A one-off task with an EBS volume: the command passes it as RunTask's JSON, with the
    /// role made for it; put together, the JSON parses.
    #[test]
    fn ad_hoc_tasks_get_their_ebs_volume_on_the_command_line() {
        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let task = TaskDefinition::new(
            &mut stack,
            "Job",
            TaskDefinitionProps {
                volumes: vec![crate::ecs::TaskVolume::ConfiguredAtLaunch("data".into())],
                ..TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512)
            },
        );
        task.add_container(&mut stack, ContainerProps::new("job", "busybox"));
        AdHocTask::new(
            &mut stack,
            "Backfill",
            &cluster,
            &task,
            AdHocTaskProps {
                ebs_volume: Some(crate::ecs::ManagedEbsVolume {
                    throughput_mibps: Some(250.into()),
                    ..crate::ecs::ManagedEbsVolume::new("data", 50)
                }),
                ..AdHocTaskProps::new(net())
            },
        );
        let t = stack.to_template().unwrap();
        let b = t.body();
        assert!(b["Resources"]["BackfillVolumeRole"].is_object());
        // The command with every expression replaced by a placeholder.
        fn flat(v: &serde_json::Value) -> String {
            match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(m) if m.contains_key("Fn::Join") => m["Fn::Join"][1]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(flat)
                    .collect(),
                _ => "X".to_owned(),
            }
        }
        let command = flat(&b["Outputs"]["BackfillRunTaskCommand"]["Value"]);
        let json = command
            .split_once(" --volume-configurations '")
            .and_then(|(_, rest)| rest.strip_suffix('\''))
            .unwrap_or_else(|| panic!("{command}"));
        let parsed: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            parsed,
            json!([{"name": "data", "managedEBSVolume": {
                "encrypted": true, "volumeType": "gp3", "roleArn": "X",
                "sizeInGiB": 50, "throughput": 250
            }}])
        );
    }

    #[test]
    fn bad_input_is_reported_not_panicked() {
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        ScheduledTask::new(
            &mut stack,
            "Bad",
            &cluster,
            &task,
            ScheduledTaskProps {
                task_count: 0.into(),
                ..ScheduledTaskProps::new(Schedule::cron("0 3 * * *"), net())
            },
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 2, "{err}");
        assert!(
            err.diagnostics
                .iter()
                .any(|d| d.message.contains("has 5 fields"))
        );
        // A one-time schedule is for scaling actions; an EventBridge rule refuses it.
        let mut stack = Stack::new("S");
        let (cluster, task) = setup(&mut stack);
        ScheduledTask::new(
            &mut stack,
            "Once",
            &cluster,
            &task,
            ScheduledTaskProps::new(Schedule::at("2026-12-24T18:00:00"), net()),
        );
        let err = stack.to_template().unwrap_err();
        assert!(
            err.to_string()
                .contains("is a one-time schedule, which EventBridge rules do not take"),
            "{err}"
        );
    }

    #[test]
    fn one_time_schedules_are_real_times() {
        assert_eq!(Schedule::at("2028-02-29T23:59:59").validate(), Ok(()));
        for (text, why) in [
            ("2027-02-29T00:00:00", "day 29 is outside 1-28"),
            ("2026-13-01T00:00:00", "month 13 is outside 1-12"),
            ("2026-04-31T00:00:00", "day 31 is outside 1-30"),
            ("2026-04-30T24:00:00", "is not a time of day"),
            ("2026-04-30 10:00:00", "is not `at(yyyy-mm-ddThh:mm:ss)`"),
            ("26-04-30T10:00:00", "is not `at(yyyy-mm-ddThh:mm:ss)`"),
            ("2026-04-30T10:00", "is not `at(yyyy-mm-ddThh:mm:ss)`"),
        ] {
            let e = Schedule::at(text).validate().unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
        // 1900 is not a leap year, 2000 is.
        assert!(Schedule::at("1900-02-29T00:00:00").validate().is_err());
        assert_eq!(Schedule::at("2000-02-29T00:00:00").validate(), Ok(()));
    }
}
