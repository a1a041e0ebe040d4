//! `TaskLogging`: where a task's containers send their output.

use crate::fns;
use crate::model::handle::Handle;
use crate::model::value::Value;
use crate::resources::logs;

/// The retention periods CloudWatch Logs accepts, in days.
pub(crate) const VALID_RETENTION_DAYS: [i64; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The log group a task definition creates for its containers.
#[derive(Clone, Debug)]
pub struct LogGroupProps {
    /// Days to keep log events. Default: 30 — a month covers most incident reviews without
    /// paying to store debug output forever. Must be one of CloudWatch's values
    /// (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
    /// 2557, 2922, 3288, 3653). A literal is checked by the construct; a value (a parameter,
    /// a mapping value) is left to CloudFormation's own check of the property.
    pub retention_days: Value<i64>,
    /// The log group name. Default: none, CloudFormation generates one (a fixed name makes
    /// the group impossible to replace, and a retained group blocks re-creating the stack).
    pub name: Option<Value<String>>,
    /// A customer-managed KMS key (ARN) to encrypt the log events. Default: none (CloudWatch
    /// Logs encrypts at rest with its own keys; a customer-managed key costs about a dollar
    /// a month and its key policy must allow `logs.<region>.amazonaws.com`).
    pub kms_key_arn: Option<Value<String>>,
    /// Keep the group and its events when the stack is deleted or the group replaced.
    /// Default: `true` (logs are evidence).
    pub retain: bool,
}

impl Default for LogGroupProps {
    fn default() -> Self {
        LogGroupProps {
            retention_days: 30.into(),
            name: None,
            kms_key_arn: None,
            retain: true,
        }
    }
}

/// Where the containers of a task definition log (the `awslogs` driver, with
/// `awslogs-region` set to the stack's region and the task definition's ID as stream prefix).
///
/// ```
/// use ferroform::ecs::{LogGroupProps, TaskLogging};
/// let logging = TaskLogging::Create(LogGroupProps { retention_days: 90.into(), ..Default::default() });
/// # let _ = logging;
/// ```
#[derive(Clone, Debug)]
pub enum TaskLogging {
    /// Create a log group for the task definition. The default.
    Create(LogGroupProps),
    /// Use a log group of this stack.
    Existing(Handle<logs::LogGroup>),
    /// Use a log group of this account and region by name.
    ExistingName(Value<String>),
    /// No log configuration: the containers' output is not collected (configure a driver
    /// yourself through the escape hatch).
    Disabled,
}

impl Default for TaskLogging {
    fn default() -> Self {
        TaskLogging::Create(LogGroupProps::default())
    }
}

/// A resolved log destination: the group's name and the ARN the write grant names.
#[derive(Clone, Debug)]
pub(crate) struct LogTarget {
    pub(crate) name: Value<String>,
    pub(crate) arn: Value<String>,
}

impl LogTarget {
    pub(crate) fn of_handle(group: &Handle<logs::LogGroup>) -> Self {
        // `Fn::GetAtt LogGroup.Arn` ends in `:*`, which covers the group's streams.
        LogTarget {
            name: group.to_ref(),
            arn: group.attr_arn(),
        }
    }

    pub(crate) fn of_name(name: Value<String>) -> Self {
        let arn = fns::sub_with(
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Name}:*",
            [("Name", name.clone())],
        );
        LogTarget { name, arn }
    }
}
