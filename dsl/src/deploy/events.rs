//! Stack events: reading the new ones and waiting for a terminal state (the event itself and
//! its root cause are in `event.rs`, which the progress view uses too).

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::ecs_watch::EcsWatch;
use super::error::Error;
use super::event::StackEvent;
use super::progress::Ui;
use super::session::{Session, human, is_missing_stack};

/// Reads the events of one stack that are newer than a marker.
pub(crate) struct EventCursor {
    stack: String,
    stack_id: String,
    seen: HashSet<String>,
    /// Everything read so far, chronological.
    pub all: Vec<StackEvent>,
}

impl EventCursor {
    /// A cursor that skips the events already present.
    pub async fn start(s: &Session, stack: &str, stack_id: &str) -> Result<Self, Error> {
        let mut c = EventCursor {
            stack: stack.to_owned(),
            stack_id: stack_id.to_owned(),
            seen: HashSet::new(),
            all: Vec::new(),
        };
        // Mark the existing events as seen (first page suffices: newest first).
        match s
            .cfn
            .describe_stack_events()
            .stack_name(stack_id)
            .send()
            .await
        {
            Ok(out) => {
                for e in out.stack_events() {
                    if let Some(id) = e.event_id() {
                        c.seen.insert(id.to_owned());
                    }
                }
            }
            Err(e) if is_missing_stack(&e) => {}
            Err(e) => return Err(s.sdk_error(stack, "DescribeStackEvents", e)),
        }
        Ok(c)
    }

    /// The events not seen before, oldest first.
    pub async fn poll(&mut self, s: &Session) -> Result<Vec<StackEvent>, Error> {
        let mut fresh = Vec::new();
        let mut token: Option<String> = None;
        'pages: loop {
            let out = match s
                .cfn
                .describe_stack_events()
                .stack_name(&self.stack_id)
                .set_next_token(token.take())
                .send()
                .await
            {
                Ok(o) => o,
                Err(e) if is_missing_stack(&e) => break,
                Err(e) => return Err(s.sdk_error(&self.stack, "DescribeStackEvents", e)),
            };
            for e in out.stack_events() {
                let id = e.event_id().unwrap_or_default().to_owned();
                if !self.seen.insert(id.clone()) {
                    break 'pages;
                }
                fresh.push(convert(e, id, &self.stack, &self.stack_id));
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        fresh.reverse();
        self.all.extend(fresh.iter().cloned());
        Ok(fresh)
    }
}

fn convert(
    e: &aws_sdk_cloudformation::types::StackEvent,
    id: String,
    stack: &str,
    stack_id: &str,
) -> StackEvent {
    let resource_type = e.resource_type().unwrap_or_default().to_owned();
    let logical_id = e.logical_resource_id().unwrap_or_default().to_owned();
    StackEvent {
        id,
        time: e
            .timestamp()
            .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
            .map(|t| t.get(11..19).unwrap_or(&t).to_owned())
            .unwrap_or_default(),
        is_stack: resource_type == "AWS::CloudFormation::Stack"
            && (logical_id == stack || e.physical_resource_id() == Some(stack_id)),
        logical_id,
        resource_type,
        status: e
            .resource_status()
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default(),
        reason: e.resource_status_reason().map(str::to_owned),
    }
}

/// The most recent events of a stack (one page, up to 100), oldest first.
pub(crate) async fn recent(
    s: &Session,
    stack: &str,
    stack_id: &str,
) -> Result<Vec<StackEvent>, Error> {
    let out = match s
        .cfn
        .describe_stack_events()
        .stack_name(stack_id)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if is_missing_stack(&e) => return Ok(Vec::new()),
        Err(e) => return Err(s.sdk_error(stack, "DescribeStackEvents", e)),
    };
    let mut v: Vec<StackEvent> = out
        .stack_events()
        .iter()
        .map(|e| {
            convert(
                e,
                e.event_id().unwrap_or_default().to_owned(),
                stack,
                stack_id,
            )
        })
        .collect();
    v.reverse();
    Ok(v)
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ending {
    pub status: String,
    pub reason: Option<String>,
}

/// Poll events and the stack status until the status is terminal (not `*_IN_PROGRESS`).
/// `None` status means the stack is gone (deleted).
pub(crate) async fn wait_terminal(
    s: &Session,
    cursor: &mut EventCursor,
    ui: &mut dyn Ui,
    timeout: Option<Duration>,
) -> Result<Option<Ending>, Error> {
    let started = Instant::now();
    let mut delays = s.poll.delays();
    let mut ecs = EcsWatch::new(s);
    loop {
        let fresh = cursor.poll(s).await?;
        for e in &fresh {
            ui.event(e);
        }
        ecs.note(&fresh);
        ecs.check(s, &cursor.stack_id, ui, false).await;
        let state = super::stack::describe(s, &cursor.stack_id).await?;
        match state {
            None => return Ok(None),
            Some(st) if !st.status.ends_with("_IN_PROGRESS") => {
                // Events written at the same moment as the final status.
                for e in cursor.poll(s).await? {
                    ui.event(&e);
                }
                if st.status == "DELETE_COMPLETE" {
                    return Ok(None);
                }
                // A failed operation with an ECS service: what its tasks said, once more,
                // in one place.
                if st.status.contains("FAILED") || st.status.contains("ROLLBACK") {
                    ecs.check(s, &cursor.stack_id, ui, true).await;
                    if !ecs.stopped.is_empty() {
                        ui.note("Why the ECS tasks stopped:");
                        for l in &ecs.stopped {
                            ui.note(&format!("  {l}"));
                        }
                    }
                }
                return Ok(Some(Ending {
                    status: st.status,
                    reason: st.status_reason,
                }));
            }
            Some(st) => {
                tracing::debug!("stack {} is {}", cursor.stack, st.status);
                if let Some(t) = timeout
                    && started.elapsed() > t
                {
                    return Err(Error::failed(
                        &cursor.stack,
                        format!(
                            "still {} after {} (--timeout): ferroform stopped waiting, nothing was cancelled or deleted, and CloudFormation continues the operation. Follow it with `ferroform status --stack-name {}`",
                            st.status,
                            human(t),
                            cursor.stack
                        ),
                    ));
                }
            }
        }
        ui.tick();
        if let Some(d) = delays.next() {
            tokio::time::sleep(d).await;
        }
    }
}
