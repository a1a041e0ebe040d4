//! One stack event, as the deploy commands show it, and the failure that started a failed
//! operation. Plain data: the event reader (`events.rs`) makes them, the progress view
//! (`progress.rs`) shows them.

/// One stack event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackEvent {
    /// Event id.
    pub id: String,
    /// UTC time, `HH:MM:SS`.
    pub time: String,
    /// Logical ID (the stack's name for stack-level events).
    pub logical_id: String,
    /// Resource type (`AWS::CloudFormation::Stack` for the stack itself).
    pub resource_type: String,
    /// Status, e.g. `CREATE_FAILED`.
    pub status: String,
    /// Reason, if any.
    pub reason: Option<String>,
    /// True for an event about the stack itself.
    pub is_stack: bool,
}

impl StackEvent {
    /// One line: `time  status  logical-id  type  reason`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{}  {:<28} {}  {}",
            self.time, self.status, self.logical_id, self.resource_type
        );
        if let Some(r) = &self.reason {
            s.push_str("  ");
            s.push_str(r);
        }
        s
    }
}

/// The failure that started a failed operation: the earliest `*_FAILED` resource event
/// whose reason is not a cancellation cascade ("Resource creation cancelled"...); `events`
/// are in chronological order.
pub fn root_cause(events: &[StackEvent]) -> Option<&StackEvent> {
    let failed = |e: &&StackEvent| e.status.ends_with("_FAILED");
    let cascade = |e: &StackEvent| {
        e.reason
            .as_deref()
            .is_some_and(|r| r.contains("cancelled") || r.contains("canceled"))
    };
    events
        .iter()
        .filter(failed)
        .find(|e| !e.is_stack && !cascade(e))
        .or_else(|| events.iter().filter(failed).find(|e| !cascade(e)))
        .or_else(|| events.iter().find(failed))
}
