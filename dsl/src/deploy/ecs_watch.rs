//! Why an ECS service does not settle, while the stack is still in progress: the service's
//! events and its recently stopped tasks (stopped reason, each container's exit code and
//! reason, the task definition revision), read from ECS as soon as CloudFormation starts
//! creating or updating an `AWS::ECS::Service` — not only after CloudFormation gives up, up
//! to three hours later, with "ECS Deployment Circuit Breaker was triggered".
//!
//! ECS API: `DescribeServices` (its `events`), `ListTasks` (`desiredStatus` `STOPPED`) and
//! `DescribeTasks` (`stoppedReason`, `stopCode`, containers' `exitCode` and `reason`):
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html>.
//! Reading ECS is best effort: a caller without `ecs:DescribeServices`, `ecs:ListTasks` or
//! `ecs:DescribeTasks` gets one note saying so, and the deploy goes on as before.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use aws_sdk_ecs::types::DesiredStatus;
use aws_smithy_types::DateTime;

use super::event::StackEvent;
use super::progress::Ui;
use super::session::Session;

/// The service a stack creates or updates, from its physical ID (the service ARN).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ServiceRef {
    cluster: String,
    name: String,
}

/// `arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME` → the cluster and the service name (the
/// long ARN format, the only one since 2021; the old `service/NAME` names no cluster).
fn parse_service_arn(arn: &str) -> Option<ServiceRef> {
    let rest = arn.split_once(":service/")?.1;
    let (cluster, name) = rest.split_once('/')?;
    (!cluster.is_empty() && !name.is_empty()).then(|| ServiceRef {
        cluster: cluster.to_owned(),
        name: name.to_owned(),
    })
}

/// Watches the ECS services of one stack operation.
pub(crate) struct EcsWatch {
    /// When the operation started: older service events and stopped tasks are not its own.
    since: DateTime,
    /// Services in progress, by logical ID (`None`: its ARN is not known yet or names no
    /// cluster).
    services: BTreeMap<String, Option<ServiceRef>>,
    reported: HashSet<String>,
    last: Option<Instant>,
    interval: Duration,
    /// Reading ECS failed once: stop trying.
    off: bool,
    /// The stopped tasks reported, for the summary at the end.
    pub stopped: Vec<String>,
}

impl EcsWatch {
    pub(crate) fn new(s: &Session) -> EcsWatch {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        EcsWatch {
            since: DateTime::from_secs(i64::try_from(now).unwrap_or(i64::MAX)),
            services: BTreeMap::new(),
            reported: HashSet::new(),
            last: None,
            // Ten polls apart: every 10 s with the default poll (ECS tasks take that long
            // to start and stop anyway).
            interval: s.poll.max * 10,
            off: s.ecs.is_none(),
            stopped: Vec::new(),
        }
    }

    /// Note the stack events: an ECS service being created or updated is watched.
    pub(crate) fn note(&mut self, events: &[StackEvent]) {
        for e in events {
            if e.resource_type == "AWS::ECS::Service"
                && (e.status == "CREATE_IN_PROGRESS" || e.status == "UPDATE_IN_PROGRESS")
            {
                self.services.entry(e.logical_id.clone()).or_insert(None);
            }
        }
    }

    /// Read the watched services' events and stopped tasks, at most once per interval
    /// (`force`: now), and show what is new.
    pub(crate) async fn check(&mut self, s: &Session, stack: &str, ui: &mut dyn Ui, force: bool) {
        if self.off || self.services.is_empty() {
            return;
        }
        if !force && self.last.is_some_and(|t| t.elapsed() < self.interval) {
            return;
        }
        self.last = Some(Instant::now());
        let Some(ecs) = s.ecs.clone() else { return };
        let ids: Vec<String> = self.services.keys().cloned().collect();
        for id in ids {
            if self.services[&id].is_none() {
                let physical = s
                    .cfn
                    .describe_stack_resource()
                    .stack_name(stack)
                    .logical_resource_id(&id)
                    .send()
                    .await
                    .ok()
                    .and_then(|r| {
                        r.stack_resource_detail()
                            .and_then(|d| d.physical_resource_id().map(str::to_owned))
                    });
                let parsed = physical.as_deref().and_then(parse_service_arn);
                self.services.insert(id.clone(), parsed);
            }
            let Some(svc) = self.services[&id].clone() else {
                continue;
            };
            if let Err(why) = self.read(&ecs, &svc, ui).await {
                ui.note(&format!(
                    "note: cannot read ECS service {} ({why}); stopped tasks are not shown",
                    svc.name
                ));
                self.off = true;
                return;
            }
        }
    }

    async fn read(
        &mut self,
        ecs: &aws_sdk_ecs::Client,
        svc: &ServiceRef,
        ui: &mut dyn Ui,
    ) -> Result<(), String> {
        let described = ecs
            .describe_services()
            .cluster(&svc.cluster)
            .services(&svc.name)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "DescribeServices: {}",
                    aws_sdk_ecs::error::DisplayErrorContext(e)
                )
            })?;
        if let Some(service) = described.services().first() {
            // Newest first; show the new ones oldest first.
            let mut fresh: Vec<String> = service
                .events()
                .iter()
                .filter(|e| e.created_at().is_some_and(|t| *t >= self.since))
                .filter(|e| {
                    e.id()
                        .is_some_and(|id| self.reported.insert(format!("event {id}")))
                })
                .filter_map(|e| e.message().map(str::to_owned))
                .filter(|m| is_trouble(m))
                .collect();
            fresh.reverse();
            for m in fresh {
                ui.note(&format!("ECS: {m}"));
            }
        }
        let listed = ecs
            .list_tasks()
            .cluster(&svc.cluster)
            .service_name(&svc.name)
            .desired_status(DesiredStatus::Stopped)
            .send()
            .await
            .map_err(|e| format!("ListTasks: {}", aws_sdk_ecs::error::DisplayErrorContext(e)))?;
        let arns: Vec<String> = listed
            .task_arns()
            .iter()
            .filter(|a| !self.reported.contains(a.as_str()))
            .take(100)
            .cloned()
            .collect();
        if arns.is_empty() {
            return Ok(());
        }
        let tasks = ecs
            .describe_tasks()
            .cluster(&svc.cluster)
            .set_tasks(Some(arns))
            .send()
            .await
            .map_err(|e| {
                format!(
                    "DescribeTasks: {}",
                    aws_sdk_ecs::error::DisplayErrorContext(e)
                )
            })?;
        let mut stopped: Vec<(DateTime, String)> = Vec::new();
        for t in tasks.tasks() {
            let Some(arn) = t.task_arn() else { continue };
            if t.stopped_at().is_none_or(|at| *at < self.since) {
                continue;
            }
            if !self.reported.insert(arn.to_owned()) {
                continue;
            }
            stopped.push((
                *t.stopped_at().unwrap_or(&self.since),
                describe_stopped_task(&svc.name, t),
            ));
        }
        stopped.sort_by_key(|(at, _)| (at.secs(), at.subsec_nanos()));
        for (_, line) in stopped {
            ui.note(&line);
            self.stopped.push(line);
        }
        Ok(())
    }
}

/// Service events worth a line: the ones that say something went wrong (ECS also writes
/// "has reached a steady state", "has started 1 tasks", "registered 1 targets").
fn is_trouble(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "unable",
        "failed",
        "error",
        "unhealthy",
        "circuit breaker",
        "rolling back",
        "insufficient",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// One stopped task in a line: the service, the task, its task definition revision, why it
/// stopped, and each container that exited with what code and why.
fn describe_stopped_task(service: &str, t: &aws_sdk_ecs::types::Task) -> String {
    let task = t
        .task_arn()
        .and_then(|a| a.rsplit('/').next())
        .unwrap_or("?");
    let revision = t
        .task_definition_arn()
        .and_then(|a| a.rsplit('/').next())
        .unwrap_or("?");
    let mut line = format!(
        "ECS: service {service}: task {task} ({revision}) stopped: {}",
        t.stopped_reason().unwrap_or("no reason given")
    );
    if let Some(code) = t.stop_code() {
        line.push_str(&format!(" [{}]", code.as_str()));
    }
    for c in t.containers() {
        let name = c.name().unwrap_or("?");
        match (c.exit_code(), c.reason()) {
            (Some(code), Some(reason)) => {
                line.push_str(&format!("; container {name}: exit code {code}, {reason}"));
            }
            (Some(code), None) => line.push_str(&format!("; container {name}: exit code {code}")),
            (None, Some(reason)) => line.push_str(&format!("; container {name}: {reason}")),
            (None, None) => {}
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_arns_give_cluster_and_name() {
        assert_eq!(
            parse_service_arn("arn:aws:ecs:us-east-1:123456789012:service/prod/web"),
            Some(ServiceRef {
                cluster: "prod".into(),
                name: "web".into()
            })
        );
        assert_eq!(
            parse_service_arn("arn:aws:ecs:us-east-1:123456789012:service/web"),
            None
        );
        assert_eq!(parse_service_arn("web"), None);
    }

    #[test]
    fn only_trouble_is_worth_a_line() {
        assert!(is_trouble(
            "(service web) failed to launch a task with (error ECS was unable to assume the role)"
        ));
        assert!(is_trouble(
            "(service web) deployment ecs-svc/1 deployment failed: tasks failed to start."
        ));
        assert!(!is_trouble("(service web) has reached a steady state."));
        assert!(!is_trouble(
            "(service web) has started 2 tasks: (task 1) (task 2)."
        ));
    }
}
