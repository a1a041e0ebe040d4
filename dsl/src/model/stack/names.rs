//! CloudFormation's rules for the names a stack program writes and the deploy commands read:
//! logical IDs, stack names and stack IDs.

use crate::model::diag::escape_control;

/// The longest logical ID CloudFormation accepts: 255 characters.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

/// CloudFormation's rule for logical IDs: 1 to 255 ASCII alphanumerics.
pub fn valid_logical_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LOGICAL_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// CloudFormation's rule for condition names: 1 to 255 characters of any kind. The
/// alphanumeric rule is documented for the logical IDs of resources, parameters, outputs and
/// mappings, not for conditions: CloudFormation (and cfn-lint) accept `Is_Prod` or `A&B`
/// there (conditions-section-structure.html states no such rule).
pub fn valid_condition_name(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LOGICAL_ID_LEN
}

/// CloudFormation's rule for stack names: a letter, then letters, digits and hyphens, at most 128
/// (the `StackName` constraint of `CreateStack` in the AWS CloudFormation API reference:
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html>).
pub fn valid_stack_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && name.len() <= 128
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `id` is a stack ID, the ARN CloudFormation gives a stack:
/// `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<unique id>`.
/// `DescribeStacks`, `DeleteStack` and `DescribeStackEvents` accept one in `StackName`.
pub fn is_stack_id(id: &str) -> bool {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let Some((name, unique)) = resource
        .strip_prefix("stack/")
        .and_then(|r| r.split_once('/'))
    else {
        return false;
    };
    arn == "arn"
        && partition.starts_with("aws")
        && service == "cloudformation"
        && !region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && valid_stack_name(name)
        && !unique.is_empty()
        && !unique.bytes().any(|b| b.is_ascii_control() || b == b' ')
}

/// What is wrong with `name` as the stack an AWS call acts on, `None` when nothing is. With
/// `allow_id`, a stack ID (ARN, see [`is_stack_id`]) is accepted too.
///
/// Every stack name is checked before any call: `DescribeStacks` without a name lists *all*
/// stacks, so an empty name (an unset `$STACK`) must never reach it.
///
/// ```
/// use ferroform::model::stack::stack_name_error;
/// assert!(stack_name_error("web-prod", false).is_none());
/// assert!(stack_name_error("", true).unwrap().contains("empty"));
/// ```
pub fn stack_name_error(name: &str, allow_id: bool) -> Option<String> {
    if valid_stack_name(name) || (allow_id && is_stack_id(name)) {
        return None;
    }
    let what = if name.is_empty() {
        "the stack name is empty".to_owned()
    } else {
        format!("`{}` is not a valid stack name", escape_control(name))
    };
    let right = if allow_id {
        "a stack name starts with a letter and has only letters, digits and hyphens, at most 128 characters (or give the stack ID, arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID)"
    } else {
        "a stack name starts with a letter and has only letters, digits and hyphens, at most 128 characters"
    };
    Some(format!("{what}: {right}"))
}
