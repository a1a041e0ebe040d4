//! Service auto scaling: [`Service::auto_scale`] and the [`AutoScaling`] builder.

use crate::fns;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::{ListProperty, Value};
use crate::resources::applicationautoscaling::{
    self as aas, scalable_target as st, scaling_policy as sp,
};
use crate::resources::cloudwatch::{self, alarm};

use super::load_balancer::LoadBalancerTarget;
use super::schedule::Schedule;
use super::service::Service;
use super::{part_id, rules};

/// A CloudWatch metric to scale on.
///
/// ```
/// use ferroform::ecs::Metric;
/// let depth = Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
///     .dimension("QueueName", "jobs");
/// assert_eq!(depth.period_seconds, 60);
/// ```
#[derive(Clone, Debug)]
pub struct Metric {
    /// The namespace (`AWS/SQS`, or your own).
    pub namespace: Value<String>,
    /// The metric name.
    pub name: Value<String>,
    /// Dimensions, in order.
    pub dimensions: Vec<(String, Value<String>)>,
    /// The statistic. Default: [`MetricStatistic::Average`].
    pub statistic: MetricStatistic,
    /// The period in seconds. Default: 60.
    pub period_seconds: u32,
}

impl Metric {
    /// A metric with no dimensions, averaged over a minute.
    pub fn new(namespace: impl Into<Value<String>>, name: impl Into<Value<String>>) -> Self {
        Metric {
            namespace: namespace.into(),
            name: name.into(),
            dimensions: Vec::new(),
            statistic: MetricStatistic::Average,
            period_seconds: 60,
        }
    }

    /// Add a dimension.
    pub fn dimension(mut self, name: impl Into<String>, value: impl Into<Value<String>>) -> Self {
        self.dimensions.push((name.into(), value.into()));
        self
    }

    /// Set the statistic.
    pub fn statistic(mut self, statistic: MetricStatistic) -> Self {
        self.statistic = statistic;
        self
    }
}

/// How a metric's datapoints are aggregated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetricStatistic {
    /// The mean. The default.
    #[default]
    Average,
    /// The highest value.
    Maximum,
    /// The lowest value.
    Minimum,
}

/// One step of a step-scaling policy: when the metric is at or above (or at or below) a
/// threshold, change the task count. Steps are absolute metric values; ferroform works out
/// the alarms and the relative step bounds AWS wants.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalingStep {
    /// When the metric is at or above `threshold`, change the count by `change`.
    AtOrAbove {
        /// Metric value.
        threshold: f64,
        /// Tasks to add (or remove, when negative).
        change: i64,
    },
    /// When the metric is at or below `threshold`, change the count by `change`.
    AtOrBelow {
        /// Metric value.
        threshold: f64,
        /// Tasks to remove (negative) or add.
        change: i64,
    },
}

/// A step-scaling rule on a metric: one scale-out policy and alarm for the `AtOrAbove`
/// steps, one scale-in policy and alarm for the `AtOrBelow` steps.
///
/// ```
/// use ferroform::ecs::{Metric, ScalingStep, StepScaling};
/// let queue = StepScaling::new(
///     Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible").dimension("QueueName", "jobs"),
///     vec![
///         ScalingStep::AtOrBelow { threshold: 10.0, change: -1 },
///         ScalingStep::AtOrAbove { threshold: 100.0, change: 1 },
///         ScalingStep::AtOrAbove { threshold: 1000.0, change: 5 },
///     ],
/// );
/// assert_eq!(queue.scale_out_cooldown_seconds, 120);
/// ```
#[derive(Clone, Debug)]
pub struct StepScaling {
    /// The metric.
    pub metric: Metric,
    /// The steps (any order).
    pub steps: Vec<ScalingStep>,
    /// Seconds after a scale-out before another scaling activity of this policy may start.
    /// Default: 120.
    pub scale_out_cooldown_seconds: u32,
    /// Seconds after a scale-in before another may start. Default: 120.
    pub scale_in_cooldown_seconds: u32,
    /// Periods the threshold must be breached before the alarm fires. Default: 1.
    pub evaluation_periods: u32,
    /// Create the CloudWatch alarms that trigger the policies. Default: `true`. With
    /// `false`, only the step policies are made and you point an alarm of your own at them
    /// ([`AutoScaling::policy`] by name, e.g. `"QueueScaleOut"`); the thresholds then only
    /// place the steps relative to your alarm's threshold, which must be the first step's.
    pub create_alarms: bool,
}

impl StepScaling {
    /// Step scaling on `metric`, with the defaults above.
    pub fn new(metric: Metric, steps: Vec<ScalingStep>) -> Self {
        StepScaling {
            metric,
            steps,
            scale_out_cooldown_seconds: 120,
            scale_in_cooldown_seconds: 120,
            evaluation_periods: 1,
            create_alarms: true,
        }
    }
}

/// How a target-tracking policy follows its metric. Converts from a plain target value
/// (`scale_on_cpu(&mut stack, 60.0)`), with the defaults below.
///
/// ```
/// use ferroform::ecs::TargetTracking;
/// let cpu = TargetTracking { scale_in_cooldown_seconds: 600.into(), ..TargetTracking::new(60.0) };
/// assert_eq!(cpu.scale_out_cooldown_seconds, 60);
/// ```
#[derive(Clone, Debug)]
pub struct TargetTracking {
    /// The value to keep the metric near (a percentage, requests per task...).
    pub target: Value<f64>,
    /// The policy's name. Default: its logical ID (`<service>CpuScaling`...).
    pub policy_name: Option<Value<String>>,
    /// Seconds after a scale-out before another. Default: 60 (add capacity fast).
    pub scale_out_cooldown_seconds: Value<i64>,
    /// Seconds after a scale-in before another. Default: 300 (remove capacity slowly).
    pub scale_in_cooldown_seconds: Value<i64>,
    /// Never scale in through this policy (another policy or schedule does). Default: `false`.
    pub disable_scale_in: bool,
}

impl TargetTracking {
    /// Track `target` with the defaults above.
    pub fn new(target: impl Into<Value<f64>>) -> Self {
        TargetTracking {
            target: target.into(),
            policy_name: None,
            scale_out_cooldown_seconds: 60.into(),
            scale_in_cooldown_seconds: 300.into(),
            disable_scale_in: false,
        }
    }
}

impl From<f64> for TargetTracking {
    fn from(target: f64) -> Self {
        TargetTracking::new(target)
    }
}

impl From<u32> for TargetTracking {
    fn from(target: u32) -> Self {
        TargetTracking::new(f64::from(target))
    }
}

/// Auto scaling of a service's task count: one `AWS::ApplicationAutoScaling::ScalableTarget`
/// (`<service>ScalableTarget`, on `ecs:service:DesiredCount` of `service/<cluster>/<service>`)
/// and the policies added to it. Target-tracking policies scale out after 60 seconds and in
/// after 300 by default (fast to add capacity, slow to remove it; see [`TargetTracking`]).
///
/// The builder does not hold the stack: each call takes it, so the stack stays usable
/// between calls, and the policies it made are found by name with [`AutoScaling::policy`].
///
/// ```
/// use ferroform::{Stack, Parameter};
/// use ferroform::ecs::{Cluster, ClusterProps, ContainerProps, FargateService, FargateServiceProps,
///     FargateSize, ServiceNetworking, TaskDefinition, TaskDefinitionProps};
/// let mut stack = Stack::new("Api");
/// let vpc = stack.parameter("VpcId", Parameter::aws("AWS::EC2::VPC::Id"));
/// let subnets = stack.parameter("Subnets", Parameter::aws_list("AWS::EC2::Subnet::Id"));
/// let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
/// let task = TaskDefinition::new(&mut stack, "Task", TaskDefinitionProps::fargate(FargateSize::CPU_256_MEM_512));
/// task.add_container(&mut stack, ContainerProps::new("api", "public.ecr.aws/nginx/nginx:1.27"));
/// let api = FargateService::new(&mut stack, "Api", FargateServiceProps::new(
///     &cluster, &task, ServiceNetworking::new(vpc.to_ref(), subnets.to_ref())));
/// api.auto_scale(&mut stack, 2, 10)
///     .scale_on_cpu(&mut stack, 60.0)
///     .scale_on_memory(&mut stack, 75.0)
///     .scale_on_schedule(&mut stack, "NightlyLow", "cron(0 22 * * ? *)", 1, 2);
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.body()["Resources"]["ApiScalableTarget"]["Properties"]["MaxCapacity"], 10);
/// ```
#[derive(Clone, Debug)]
pub struct AutoScaling {
    prefix: String,
    target: Handle<aas::ScalableTarget>,
    policies: Vec<(String, Handle<aas::ScalingPolicy>)>,
    alarms: Vec<(String, Handle<cloudwatch::Alarm>)>,
}

impl Service {
    /// Scale the service between `min` and `max` tasks (literals, or values such as a
    /// parameter); add policies to what this returns.
    pub fn auto_scale(
        &self,
        stack: &mut Stack,
        min: impl Into<Value<i64>>,
        max: impl Into<Value<i64>>,
    ) -> AutoScaling {
        // `service/<cluster name>/<service name>`: the reference to the service's Name
        // attribute makes the target depend on the service.
        let resource_id = fns::sub_with(
            "service/${Cluster}/${Service}",
            [("Cluster", self.cluster.name()), ("Service", self.name())],
        );
        // A desired count the user did not set is left out of an auto-scaled service, so that
        // stack updates never reset the count (see `FargateServiceProps::desired_count`).
        if !self.desired_count_set
            && let Some(service) = stack.get_mut(self.resource())
        {
            service.desired_count = None;
        }
        AutoScaling::with_resource_id(stack, &self.id, resource_id, min.into(), max.into())
    }
}

impl AutoScaling {
    /// Scale a service this app did not create (another stack's, or one made by hand) between
    /// `min` and `max` tasks: the scalable target `<id>ScalableTarget` on
    /// `service/<cluster_name>/<service_name>`, and the policies added to what this returns
    /// (`<id>CpuScaling`...). Names are literals or values (parameters, imports).
    ///
    /// The service's own template should not set `DesiredCount` (FF4034 explains why); a
    /// service made outside CloudFormation has no such update to fear.
    ///
    /// ```
    /// use ferroform::{Parameter, Stack};
    /// use ferroform::ecs::AutoScaling;
    /// let mut stack = Stack::new("Scaling");
    /// let service = stack.parameter("ServiceName", Parameter::string());
    /// AutoScaling::for_service(&mut stack, "Orders", "prod", service.to_ref(), 2, 8)
    ///     .scale_on_cpu(&mut stack, 60.0);
    /// let t = stack.to_template().unwrap();
    /// let target = &t.body()["Resources"]["OrdersScalableTarget"]["Properties"];
    /// assert_eq!(target["ResourceId"]["Fn::Sub"][0], "service/${Cluster}/${Service}");
    /// assert_eq!(t.body()["Resources"]["OrdersCpuScaling"]["Type"], "AWS::ApplicationAutoScaling::ScalingPolicy");
    /// ```
    pub fn for_service(
        stack: &mut Stack,
        id: &str,
        cluster_name: impl Into<Value<String>>,
        service_name: impl Into<Value<String>>,
        min: impl Into<Value<i64>>,
        max: impl Into<Value<i64>>,
    ) -> AutoScaling {
        let resource_id = fns::sub_with(
            "service/${Cluster}/${Service}",
            [
                ("Cluster", cluster_name.into()),
                ("Service", service_name.into()),
            ],
        );
        AutoScaling::with_resource_id(stack, id, resource_id, min.into(), max.into())
    }

    fn with_resource_id(
        stack: &mut Stack,
        id: &str,
        resource_id: Value<String>,
        min: Value<i64>,
        max: Value<i64>,
    ) -> AutoScaling {
        if let (Some(&min), Some(&max)) = (min.as_lit(), max.as_lit())
            && min > max
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&part_id(id, "ScalableTarget")),
                format!("auto scaling minimum {min} is above the maximum {max}"),
                "give a minimum at most the maximum",
            );
        }
        let target = stack.add(
            &part_id(id, "ScalableTarget"),
            aas::ScalableTarget::new(aas::ScalableTargetRequired {
                max_capacity: max,
                min_capacity: min,
                resource_id,
                scalable_dimension: st::ScalableDimension::EcsServiceDesiredCount.into(),
                service_namespace: st::ServiceNamespace::Ecs.into(),
            }),
        );
        AutoScaling {
            prefix: id.to_owned(),
            target,
            policies: Vec::new(),
            alarms: Vec::new(),
        }
    }

    /// The scalable target (escape hatch).
    pub fn target(&self) -> &Handle<aas::ScalableTarget> {
        &self.target
    }

    /// The policies added so far, in order, with their part names (`CpuScaling`,
    /// `QueueScaleOut`...).
    pub fn policies(&self) -> impl Iterator<Item = (&str, &Handle<aas::ScalingPolicy>)> {
        self.policies.iter().map(|(n, h)| (n.as_str(), h))
    }

    /// The policy made under part name `name` (`CpuScaling`, `MemoryScaling`,
    /// `RequestScaling`, `<name>ScaleOut`, `<name>ScaleIn`).
    pub fn policy(&self, name: &str) -> Option<&Handle<aas::ScalingPolicy>> {
        self.policies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h)
    }

    /// The CloudWatch alarm made under part name `name` for a step-scaling rule
    /// (`<name>ScaleOutAlarm`, `<name>ScaleInAlarm`), when it made one.
    pub fn alarm(&self, name: &str) -> Option<&Handle<cloudwatch::Alarm>> {
        self.alarms.iter().find(|(n, _)| n == name).map(|(_, h)| h)
    }

    fn add_policy(
        &mut self,
        stack: &mut Stack,
        part: &str,
        policy: aas::ScalingPolicy,
    ) -> Handle<aas::ScalingPolicy> {
        // `ScalingTargetId` references the target: each policy depends on it.
        let id = part_id(&self.prefix, part);
        let h = stack.add(&id, policy.scaling_target_id(self.target.to_ref()));
        self.policies.push((part.to_owned(), h.clone()));
        h
    }

    fn track(
        &mut self,
        stack: &mut Stack,
        part: &str,
        tracking: TargetTracking,
        metric: sp::PredefinedMetricSpecification,
    ) -> &mut Self {
        if let Some(&target) = tracking.target.as_lit()
            && (target.is_nan() || target <= 0.0)
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&part_id(&self.prefix, part)),
                format!("target value {target} is not positive"),
                "track a positive value",
            );
        }
        let name = tracking
            .policy_name
            .unwrap_or_else(|| part_id(&self.prefix, part).into());
        let mut config = sp::TargetTrackingScalingPolicyConfiguration::new(tracking.target)
            .predefined_metric_specification(metric)
            .scale_out_cooldown(tracking.scale_out_cooldown_seconds)
            .scale_in_cooldown(tracking.scale_in_cooldown_seconds);
        if tracking.disable_scale_in {
            config = config.disable_scale_in(true);
        }
        self.add_policy(
            stack,
            part,
            aas::ScalingPolicy::new(name, sp::PolicyType::TargetTrackingScaling)
                .target_tracking_scaling_policy_configuration(config),
        );
        self
    }

    /// Keep the service's average CPU utilization near a target percentage
    /// (`<service>CpuScaling`).
    pub fn scale_on_cpu(
        &mut self,
        stack: &mut Stack,
        target_percent: impl Into<TargetTracking>,
    ) -> &mut Self {
        let metric = sp::PredefinedMetricType::EcsServiceAverageCpuUtilization;
        self.track(
            stack,
            "CpuScaling",
            target_percent.into(),
            sp::PredefinedMetricSpecification::new(metric),
        )
    }

    /// Keep the service's average memory utilization near a target percentage
    /// (`<service>MemoryScaling`).
    pub fn scale_on_memory(
        &mut self,
        stack: &mut Stack,
        target_percent: impl Into<TargetTracking>,
    ) -> &mut Self {
        let metric = sp::PredefinedMetricType::EcsServiceAverageMemoryUtilization;
        self.track(
            stack,
            "MemoryScaling",
            target_percent.into(),
            sp::PredefinedMetricSpecification::new(metric),
        )
    }

    /// Keep the ALB requests per task near `requests_per_target` (`<service>RequestScaling`).
    /// The resource label is `<load balancer full name>/<target group full name>`.
    pub fn scale_on_request_count(
        &mut self,
        stack: &mut Stack,
        requests_per_target: impl Into<TargetTracking>,
        target: &LoadBalancerTarget,
    ) -> &mut Self {
        let label = fns::join(
            "/",
            vec![
                target.load_balancer.attr_load_balancer_full_name(),
                target.target_group.attr_target_group_full_name(),
            ],
        );
        self.track(
            stack,
            "RequestScaling",
            requests_per_target.into(),
            sp::PredefinedMetricSpecification::new(
                sp::PredefinedMetricType::AlbRequestCountPerTarget,
            )
            .resource_label(label),
        )
    }

    /// Set the task count range on a schedule, in UTC (`<name>` is the scheduled action's
    /// name): a [`Schedule`] or its text — `cron(...)`, `rate(...)`, `at(...)`, or bare cron
    /// fields, read as `cron(...)`. A bad expression or range is a diagnostic at synth.
    pub fn scale_on_schedule(
        &mut self,
        stack: &mut Stack,
        name: &str,
        schedule: impl Into<Schedule>,
        min: impl Into<Value<i64>>,
        max: impl Into<Value<i64>>,
    ) -> &mut Self {
        let (schedule, min, max) = (schedule.into(), min.into(), max.into());
        if let Err(why) = schedule.validate() {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(self.target.logical_id()),
                format!("scheduled action `{name}`: {why}"),
                "Application Auto Scaling takes `cron(minutes hours day-of-month month day-of-week year)`, `rate(N minute|minutes|hour|hours|day|days)` or `at(yyyy-mm-ddThh:mm:ss)`",
            );
        }
        if let (Some(&lo), Some(&hi)) = (min.as_lit(), max.as_lit())
            && lo > hi
        {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(self.target.logical_id()),
                format!("scheduled action `{name}`: minimum {lo} is above the maximum {hi}"),
                "give a minimum at most the maximum",
            );
        }
        let action = st::ScheduledAction::new(st::ScheduledActionRequired {
            schedule: schedule.expression().into(),
            scheduled_action_name: name.into(),
        })
        .scalable_target_action(
            st::ScalableTargetAction::new()
                .min_capacity(min)
                .max_capacity(max),
        );
        if let Some(t) = stack.get_mut(&self.target)
            && let Err(e) = t.scheduled_actions.push_item(action)
        {
            let id = self.target.logical_id().to_owned();
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&id),
                format!("cannot add scheduled action `{name}` to `{id}`: {e}"),
                "leave ScheduledActions to scale_on_schedule",
            );
        }
        self
    }

    /// Step scaling on any metric: for each direction that has steps, a step-scaling policy
    /// (`<service><name>ScaleOut` / `ScaleIn`) and the CloudWatch alarm that triggers it
    /// (`<service><name>ScaleOutAlarm` / `ScaleInAlarm`).
    pub fn scale_on_metric(
        &mut self,
        stack: &mut Stack,
        name: &str,
        scaling: StepScaling,
    ) -> &mut Self {
        let mut above: Vec<(f64, i64)> = Vec::new();
        let mut below: Vec<(f64, i64)> = Vec::new();
        for step in &scaling.steps {
            match *step {
                ScalingStep::AtOrAbove { threshold, change } => above.push((threshold, change)),
                ScalingStep::AtOrBelow { threshold, change } => below.push((threshold, change)),
            }
        }
        above.sort_by(|a, b| a.0.total_cmp(&b.0));
        below.sort_by(|a, b| b.0.total_cmp(&a.0));
        let id = part_id(&self.prefix, name);
        for p in step_problems(&scaling.steps, &above, &below) {
            stack.report_error(
                rules::INVALID_INPUT,
                Some(&id),
                format!("step scaling `{name}` {p}"),
                "give AtOrBelow thresholds below every AtOrAbove threshold, each threshold once, and non-zero changes",
            );
        }
        let aggregation = match scaling.metric.statistic {
            MetricStatistic::Average => sp::MetricAggregationType::Average,
            MetricStatistic::Maximum => sp::MetricAggregationType::Maximum,
            MetricStatistic::Minimum => sp::MetricAggregationType::Minimum,
        };
        for (out, steps) in [(true, &above), (false, &below)] {
            let Some(&(threshold, _)) = steps.first() else {
                continue;
            };
            let direction = if out { "ScaleOut" } else { "ScaleIn" };
            let part = format!("{name}{direction}");
            let cooldown = if out {
                scaling.scale_out_cooldown_seconds
            } else {
                scaling.scale_in_cooldown_seconds
            };
            let policy = self.add_policy(
                stack,
                &part,
                aas::ScalingPolicy::new(part_id(&self.prefix, &part), sp::PolicyType::StepScaling)
                    .step_scaling_policy_configuration(
                        sp::StepScalingPolicyConfiguration::new()
                            .adjustment_type(sp::AdjustmentType::ChangeInCapacity)
                            .cooldown(cooldown)
                            .metric_aggregation_type(aggregation.clone())
                            .step_adjustments(step_adjustments(steps, threshold, out)),
                    ),
            );
            if !scaling.create_alarms {
                continue;
            }
            let description = format!(
                "{direction} {} when {name} is {} {threshold}",
                self.prefix,
                if out { "at or above" } else { "at or below" }
            );
            let a = step_alarm(&scaling, description, threshold, out)
                .alarm_actions(vec![policy.attr_arn()]);
            let alarm_part = format!("{part}Alarm");
            let h = stack.add(&part_id(&self.prefix, &alarm_part), a);
            self.alarms.push((alarm_part, h));
        }
        self
    }
}

/// What is wrong with step scaling's steps (`above` and `below`: the thresholds and changes
/// of each direction, nearest the alarm's threshold first).
fn step_problems(steps: &[ScalingStep], above: &[(f64, i64)], below: &[(f64, i64)]) -> Vec<String> {
    let dup = |v: &[(f64, i64)]| v.windows(2).any(|w| w[0].0 == w[1].0);
    let mut problems = Vec::new();
    if steps.is_empty() {
        problems.push("has no steps".to_owned());
    }
    if dup(above) || dup(below) {
        problems.push("has two steps with the same threshold".to_owned());
    }
    if let (Some(lo), Some(hi)) = (below.first(), above.first())
        && lo.0 >= hi.0
    {
        problems.push(format!(
            "scales in at or below {} but out at or above {}: the ranges overlap",
            lo.0, hi.0
        ));
    }
    if steps.iter().any(|s| {
        matches!(
            s,
            ScalingStep::AtOrAbove { change: 0, .. } | ScalingStep::AtOrBelow { change: 0, .. }
        )
    }) {
        problems.push("has a step that changes nothing".to_owned());
    }
    problems
}

/// The step adjustments of one direction (`out`: scaling out, on values at or above the
/// thresholds). Bounds are relative to the alarm's `threshold` (the first step's); the
/// outermost step is open-ended.
fn step_adjustments(steps: &[(f64, i64)], threshold: f64, out: bool) -> Vec<sp::StepAdjustment> {
    steps
        .iter()
        .enumerate()
        .map(|(i, &(t, change))| {
            let next = steps.get(i + 1).map(|n| n.0 - threshold);
            let here = t - threshold;
            let mut a = sp::StepAdjustment::new(change);
            if out {
                a = a.metric_interval_lower_bound(here);
                if let Some(n) = next {
                    a = a.metric_interval_upper_bound(n);
                }
            } else {
                a = a.metric_interval_upper_bound(here);
                if let Some(n) = next {
                    a = a.metric_interval_lower_bound(n);
                }
            }
            a
        })
        .collect()
}

/// The alarm on step scaling's metric at `threshold` (`out`: at or above it, else at or
/// below); its action is the caller's.
fn step_alarm(
    scaling: &StepScaling,
    description: String,
    threshold: f64,
    out: bool,
) -> cloudwatch::Alarm {
    let m = &scaling.metric;
    let mut a = cloudwatch::Alarm::new()
        .alarm_description(description)
        .namespace(m.namespace.clone())
        .metric_name(m.name.clone())
        .statistic(match m.statistic {
            MetricStatistic::Average => alarm::Statistic::Average,
            MetricStatistic::Maximum => alarm::Statistic::Maximum,
            MetricStatistic::Minimum => alarm::Statistic::Minimum,
        })
        .period(m.period_seconds)
        .evaluation_periods(scaling.evaluation_periods)
        .threshold(threshold)
        .comparison_operator(if out {
            alarm::ComparisonOperator::GreaterThanOrEqualToThreshold
        } else {
            alarm::ComparisonOperator::LessThanOrEqualToThreshold
        });
    if !m.dimensions.is_empty() {
        let dims: Vec<alarm::Dimension> = m
            .dimensions
            .iter()
            .map(|(k, v)| {
                alarm::Dimension::new(alarm::DimensionRequired {
                    name: k.into(),
                    value: v.clone(),
                })
            })
            .collect();
        a = a.dimensions(dims);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::super::{
        Cluster, ClusterProps, ContainerProps, FargateService, FargateServiceProps,
        ServiceNetworking,
    };
    use super::*;
    use serde_json::json;

    fn service(stack: &mut Stack) -> FargateService {
        let cluster = Cluster::new(stack, "Cluster", ClusterProps::default());
        let task = crate::ecs::test_task(stack, "Task", ContainerProps::new("w", "busybox"));
        FargateService::new(
            stack,
            "Worker",
            FargateServiceProps::new(
                &cluster,
                &task,
                ServiceNetworking::new(
                    "vpc-0123456789abcdef0",
                    Value::lit(vec!["subnet-0123456789abcdef0".into()]),
                ),
            ),
        )
    }

    /// Issue #10, 1: a count the user did not set is left out of an auto-scaled service; one
    /// the user set is kept, and the validator warns (FF4034) that updates reset it.
    #[test]
    fn auto_scaling_leaves_out_a_desired_count_nobody_set() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["Worker"]["Properties"]["DesiredCount"],
            1,
            "not auto scaled: ECS's default of 1, written"
        );
        svc.auto_scale(&mut stack, 2, 4)
            .scale_on_cpu(&mut stack, 50.0);
        let t = stack.to_template().unwrap();
        assert!(
            t.body()["Resources"]["Worker"]["Properties"]
                .get("DesiredCount")
                .is_none()
        );
        assert!(crate::validate::validate(&t).diagnostics.is_empty());

        let mut stack = Stack::new("S");
        let cluster = Cluster::new(&mut stack, "Cluster", ClusterProps::default());
        let task = crate::ecs::test_task(&mut stack, "Task", ContainerProps::new("w", "busybox"));
        let svc = FargateService::new(
            &mut stack,
            "Worker",
            FargateServiceProps {
                desired_count: Some(3.into()),
                ..FargateServiceProps::new(
                    &cluster,
                    &task,
                    ServiceNetworking::new(
                        "vpc-0123456789abcdef0",
                        Value::lit(vec!["subnet-0123456789abcdef0".into()]),
                    ),
                )
            },
        );
        svc.auto_scale(&mut stack, 2, 4)
            .scale_on_cpu(&mut stack, 50.0);
        let t = stack.to_template().unwrap();
        assert_eq!(
            t.body()["Resources"]["Worker"]["Properties"]["DesiredCount"],
            3
        );
        let found: Vec<(crate::Severity, &str, Option<String>, String)> =
            crate::validate::validate(&t)
                .diagnostics
                .into_iter()
                .map(|d| (d.severity, d.rule, d.logical_id, d.path))
                .collect();
        assert_eq!(
            found,
            vec![(
                crate::Severity::Warning,
                "FF4034",
                Some("Worker".to_owned()),
                "Worker.Properties.DesiredCount".to_owned()
            )]
        );
    }

    #[test]
    fn target_and_target_tracking() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        svc.auto_scale(&mut stack, 1, 4)
            .scale_on_cpu(&mut stack, 50.0)
            .scale_on_memory(&mut stack, 70.0);
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let target = &r["WorkerScalableTarget"]["Properties"];
        assert_eq!(target["MinCapacity"], 1);
        assert_eq!(target["MaxCapacity"], 4);
        assert_eq!(target["ScalableDimension"], "ecs:service:DesiredCount");
        assert_eq!(target["ServiceNamespace"], "ecs");
        assert_eq!(
            target["ResourceId"],
            json!({"Fn::Sub": ["service/${Cluster}/${Service}",
                {"Cluster": {"Ref": "Cluster"}, "Service": {"Fn::GetAtt": ["Worker", "Name"]}}]})
        );
        let cpu = &r["WorkerCpuScaling"]["Properties"];
        assert_eq!(cpu["PolicyType"], "TargetTrackingScaling");
        assert_eq!(
            cpu["ScalingTargetId"],
            json!({"Ref": "WorkerScalableTarget"})
        );
        let cfg = &cpu["TargetTrackingScalingPolicyConfiguration"];
        assert_eq!(cfg["TargetValue"], 50);
        assert_eq!(
            cfg["PredefinedMetricSpecification"]["PredefinedMetricType"],
            "ECSServiceAverageCPUUtilization"
        );
        assert_eq!(
            r["WorkerMemoryScaling"]["Properties"]["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
                ["PredefinedMetricType"],
            "ECSServiceAverageMemoryUtilization"
        );
    }

    #[test]
    fn step_scaling_makes_relative_bounds_and_alarms() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        let mut scaling = svc.auto_scale(&mut stack, 0, 20);
        scaling.scale_on_metric(
            &mut stack,
            "Queue",
            StepScaling::new(
                Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible")
                    .dimension("QueueName", "jobs"),
                vec![
                    ScalingStep::AtOrAbove {
                        threshold: 500.0,
                        change: 5,
                    },
                    ScalingStep::AtOrBelow {
                        threshold: 0.0,
                        change: -2,
                    },
                    ScalingStep::AtOrAbove {
                        threshold: 100.0,
                        change: 1,
                    },
                    ScalingStep::AtOrBelow {
                        threshold: 10.0,
                        change: -1,
                    },
                ],
            ),
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let out = &r["WorkerQueueScaleOut"]["Properties"]["StepScalingPolicyConfiguration"];
        assert_eq!(
            out["StepAdjustments"],
            json!([
                {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 400, "ScalingAdjustment": 1},
                {"MetricIntervalLowerBound": 400, "ScalingAdjustment": 5}
            ])
        );
        let inn = &r["WorkerQueueScaleIn"]["Properties"]["StepScalingPolicyConfiguration"];
        assert_eq!(
            inn["StepAdjustments"],
            json!([
                {"MetricIntervalLowerBound": -10, "MetricIntervalUpperBound": 0, "ScalingAdjustment": -1},
                {"MetricIntervalUpperBound": -10, "ScalingAdjustment": -2}
            ])
        );
        let alarm = &r["WorkerQueueScaleOutAlarm"]["Properties"];
        assert_eq!(alarm["Threshold"], 100);
        assert_eq!(alarm["ComparisonOperator"], "GreaterThanOrEqualToThreshold");
        assert_eq!(
            alarm["AlarmActions"],
            json!([{"Fn::GetAtt": ["WorkerQueueScaleOut", "Arn"]}])
        );
        assert_eq!(
            alarm["Dimensions"],
            json!([{"Name": "QueueName", "Value": "jobs"}])
        );
        let alarm = &r["WorkerQueueScaleInAlarm"]["Properties"];
        assert_eq!(alarm["Threshold"], 10);
        assert_eq!(alarm["ComparisonOperator"], "LessThanOrEqualToThreshold");
        // The parts it made are reachable by name.
        let ids = |name: &str| {
            (
                scaling.policy(name).map(|h| h.logical_id().to_owned()),
                scaling
                    .alarm(&format!("{name}Alarm"))
                    .map(|h| h.logical_id().to_owned()),
            )
        };
        assert_eq!(
            ids("QueueScaleOut"),
            (
                Some("WorkerQueueScaleOut".into()),
                Some("WorkerQueueScaleOutAlarm".into())
            )
        );
        assert_eq!(
            ids("QueueScaleIn"),
            (
                Some("WorkerQueueScaleIn".into()),
                Some("WorkerQueueScaleInAlarm".into())
            )
        );
        assert_eq!(ids("Cpu"), (None, None));
    }

    #[test]
    fn a_service_made_elsewhere_is_scaled_on_its_own() {
        let mut stack = Stack::new("S");
        AutoScaling::for_service(&mut stack, "Orders", "prod", "orders", 1, 4)
            .scale_on_memory(&mut stack, 70.0);
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        let target = &r["OrdersScalableTarget"]["Properties"];
        assert_eq!(
            target["ResourceId"],
            json!({"Fn::Sub": ["service/${Cluster}/${Service}", {"Cluster": "prod", "Service": "orders"}]})
        );
        assert_eq!(
            (&target["MinCapacity"], &target["MaxCapacity"]),
            (&json!(1), &json!(4))
        );
        assert_eq!(target["ScalableDimension"], "ecs:service:DesiredCount");
        assert_eq!(
            r["OrdersMemoryScaling"]["Properties"]["ScalingTargetId"],
            json!({"Ref": "OrdersScalableTarget"})
        );
        // Literal bounds are still checked.
        let mut stack = Stack::new("S");
        AutoScaling::for_service(&mut stack, "Orders", "prod", "orders", 5, 2);
        let e = stack.to_template().unwrap_err().to_string();
        assert!(
            e.contains("auto scaling minimum 5 is above the maximum 2"),
            "{e}"
        );
    }

    #[test]
    fn overlapping_steps_and_inverted_ranges_are_diagnostics() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        svc.auto_scale(&mut stack, 5, 2).scale_on_metric(
            &mut stack,
            "Q",
            StepScaling::new(
                Metric::new("N", "M"),
                vec![
                    ScalingStep::AtOrAbove {
                        threshold: 10.0,
                        change: 1,
                    },
                    ScalingStep::AtOrBelow {
                        threshold: 20.0,
                        change: -1,
                    },
                ],
            ),
        );
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.errors(), 2, "{err}");
    }

    /// Issue #10, 4 and 5: the builder leaves the stack free between calls; policies are
    /// found by name; names, cooldowns (each direction) and alarms are options; min and max
    /// take values.
    #[test]
    fn scaling_options_named_policies_and_a_free_stack() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        let max = stack.parameter("MaxTasks", crate::Parameter::number());
        let mut scaling = svc.auto_scale(&mut stack, 1, max.to_ref().cast_expr::<i64>().unwrap());
        // The stack is usable between calls.
        stack.description("scaled");
        scaling.scale_on_cpu(
            &mut stack,
            TargetTracking {
                policy_name: Some("cpu-60".into()),
                scale_in_cooldown_seconds: 900.into(),
                disable_scale_in: true,
                ..TargetTracking::new(60.0)
            },
        );
        scaling.scale_on_metric(
            &mut stack,
            "Queue",
            StepScaling {
                scale_in_cooldown_seconds: 600,
                create_alarms: false,
                ..StepScaling::new(
                    Metric::new("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
                    vec![
                        ScalingStep::AtOrAbove {
                            threshold: 100.0,
                            change: 1,
                        },
                        ScalingStep::AtOrBelow {
                            threshold: 10.0,
                            change: -1,
                        },
                    ],
                )
            },
        );
        let names: Vec<&str> = scaling.policies().map(|(n, _)| n).collect();
        assert_eq!(names, ["CpuScaling", "QueueScaleOut", "QueueScaleIn"]);
        assert_eq!(
            scaling.policy("QueueScaleIn").unwrap().logical_id(),
            "WorkerQueueScaleIn"
        );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"];
        assert_eq!(
            r["WorkerScalableTarget"]["Properties"]["MaxCapacity"],
            json!({"Ref": "MaxTasks"})
        );
        let cpu = &r["WorkerCpuScaling"]["Properties"];
        assert_eq!(cpu["PolicyName"], "cpu-60");
        let cfg = &cpu["TargetTrackingScalingPolicyConfiguration"];
        assert_eq!(
            (
                cfg["ScaleOutCooldown"].clone(),
                cfg["ScaleInCooldown"].clone()
            ),
            (json!(60), json!(900))
        );
        assert_eq!(cfg["DisableScaleIn"], true);
        assert_eq!(
            r["WorkerQueueScaleOut"]["Properties"]["StepScalingPolicyConfiguration"]["Cooldown"],
            120
        );
        assert_eq!(
            r["WorkerQueueScaleIn"]["Properties"]["StepScalingPolicyConfiguration"]["Cooldown"],
            600
        );
        assert!(
            r.get("WorkerQueueScaleOutAlarm").is_none(),
            "the user supplies the alarm"
        );
    }

    #[test]
    fn schedules_go_on_the_target() {
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        svc.auto_scale(&mut stack, 1, 10).scale_on_schedule(
            &mut stack,
            "Morning",
            "0 7 ? * MON-FRI *",
            4,
            10,
        );
        let t = stack.to_template().unwrap();
        let a = &t.body()["Resources"]["WorkerScalableTarget"]["Properties"]["ScheduledActions"][0];
        assert_eq!(a["Schedule"], "cron(0 7 ? * MON-FRI *)");
        assert_eq!(a["ScheduledActionName"], "Morning");
        assert_eq!(
            a["ScalableTargetAction"],
            json!({"MaxCapacity": 10, "MinCapacity": 4})
        );
    }

    #[test]
    fn scaling_schedules_are_checked_like_rule_schedules_and_may_be_one_time() {
        // One schedule type: the same checks as a scheduled task's, plus `at(...)`.
        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        let mut scaling = svc.auto_scale(&mut stack, 1, 10);
        scaling
            .scale_on_schedule(
                &mut stack,
                "Launch",
                Schedule::at("2026-12-24T18:00:00"),
                8,
                10,
            )
            .scale_on_schedule(
                &mut stack,
                "Hourly",
                Schedule::rate(1, super::super::RateUnit::Hours),
                1,
                10,
            );
        let t = stack.to_template().unwrap();
        let actions =
            &t.body()["Resources"]["WorkerScalableTarget"]["Properties"]["ScheduledActions"];
        assert_eq!(actions[0]["Schedule"], "at(2026-12-24T18:00:00)");
        assert_eq!(actions[1]["Schedule"], "rate(1 hour)");

        let mut stack = Stack::new("S");
        let svc = service(&mut stack);
        svc.auto_scale(&mut stack, 1, 10)
            .scale_on_schedule(&mut stack, "Unix", "0 7 * * 1", 4, 10)
            .scale_on_schedule(&mut stack, "Leap", "at(2027-02-29T00:00:00)", 4, 10)
            .scale_on_schedule(&mut stack, "Plural", "rate(1 hours)", 4, 10);
        let err = stack.to_template().unwrap_err();
        let messages: Vec<&str> = err.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("scheduled action `Unix`") && messages[0].contains("has 5 fields"),
            "{messages:?}"
        );
        assert!(
            messages[1].contains("day 29 is outside 1-28"),
            "{messages:?}"
        );
        assert!(
            messages[2].contains("takes the singular unit"),
            "{messages:?}"
        );
    }
}
