//! Template analysis that needs no AWS SDK: how two templates differ, what a deploy of the
//! difference would ask approval for, and keeping NoEcho values out of what is shown.
//!
//! Everything here is a pure function of templates (the [`Json`](crate::Json) of
//! [`Template::body`](crate::Template::body)); it is compiled without the `deploy` feature.
//! `deploy` uses it on the deployed template and the change set CloudFormation made;
//! `ferroform diff OLD NEW` uses it on two template files.
//!
//! - [`diff`]: the property-level difference of two templates ([`diff::property_diff`]) and
//!   the resources it adds, modifies and removes ([`diff::resource_changes`]).
//! - [`approval`]: which of those changes need approval before a deploy
//!   ([`approval::broadening`]): deletions, replacements, and wider IAM permissions,
//!   security-group ingress or resource policies.
//! - [`mask`]: NoEcho values kept off terminals, files and logs ([`mask::Masker`]).
//! - [`links`]: which templates import what others export, the order they deploy in.
//!
//! [`compare`] puts the three together for two templates.
//!
//! ```
//! use ferroform::analysis::{approval::broadening, diff};
//! use serde_json::json;
//!
//! let old = json!({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}});
//! let new = json!({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup",
//!                                          "Properties": {"RetentionInDays": 30}}}});
//! assert_eq!(
//!     diff::property_diff(Some(&old), &new),
//!     ["Resources", "  ~ Logs (AWS::Logs::LogGroup)", "      + Properties: {\"RetentionInDays\":30}"]
//! );
//! let changes = diff::resource_changes(Some(&old), &new);
//! assert!(broadening(&changes, Some(&old), &new).is_empty(), "a log group grants nothing");
//! ```

pub mod approval;
pub mod cost;
pub mod diff;
pub mod graph;
pub mod links;
pub mod mask;

use crate::model::template::Template;
use approval::Broadening;
use diff::{Change, ChangeAction};
use mask::Masker;

/// Two templates compared without deploying: what `ferroform diff OLD NEW` shows, NoEcho
/// values masked ([`Masker::for_diff`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// How the new template differs from the old one ([`diff::property_diff`]); empty when
    /// they are equal.
    pub lines: Vec<String>,
    /// The resources added, modified and removed ([`diff::resource_changes`]).
    pub changes: Vec<Change>,
    /// What a deploy of the new template over the old one would ask approval for
    /// ([`approval::broadening`]). Replacements are not among the reasons: only a change set
    /// tells which modifications replace a resource (see [`Comparison::modifies`]).
    pub approval: Broadening,
}

impl Comparison {
    /// True when the templates are equal.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// True when a resource is modified: CloudFormation may replace it, which only a change
    /// set (the deploy feature's `diff`) reports.
    pub fn modifies(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.action == ChangeAction::Modify)
    }
}

/// Compare template `old` with template `new`: the property-level difference, the resource
/// changes and what a deploy would ask approval for, with the NoEcho parameters' defaults
/// masked in all of it.
///
/// ```
/// use ferroform::Template;
/// use ferroform::analysis::compare;
///
/// let old = Template::parse("old.yaml", r#"
/// Parameters:
///   DbPassword: {Type: String, NoEcho: true, Default: first-secret}
/// Resources:
///   Web:
///     Type: AWS::EC2::SecurityGroup
///     Properties:
///       GroupDescription: web
///       SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
/// "#).unwrap();
/// let new = Template::parse("new.yaml", r#"
/// Parameters:
///   DbPassword: {Type: String, NoEcho: true, Default: second-secret}
/// Resources:
///   Web:
///     Type: AWS::EC2::SecurityGroup
///     Properties:
///       GroupDescription: web
///       SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]
/// "#).unwrap();
///
/// let c = compare(&old, &new);
/// assert!(c.lines.contains(&"      ~ Default: **** → ****".to_owned()));
/// assert!(!c.lines.concat().contains("secret"));
/// assert_eq!(
///     c.approval.reasons,
///     ["Web (AWS::EC2::SecurityGroup) adds or widens security group ingress: \
///       ingress tcp port 443 from CidrIp 0.0.0.0/0"]
/// );
/// assert!(compare(&new, &new).is_empty());
/// ```
pub fn compare(old: &Template, new: &Template) -> Comparison {
    let (a, b) = (old.body(), new.body());
    let masker = Masker::for_diff(old, new);
    let changes = diff::resource_changes(Some(a), b);
    let mut approval = approval::broadening(&changes, Some(a), b);
    for r in &mut approval.reasons {
        *r = masker.mask(r);
    }
    Comparison {
        lines: diff::property_diff(Some(a), b),
        changes,
        approval,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(body: serde_json::Value) -> Template {
        Template::new("t", body)
    }

    #[test]
    fn a_no_echo_default_quoted_in_a_reason_is_masked() {
        let role = |token: &str| {
            template(json!({
                "Parameters": {"Token": {"Type": "String", "NoEcho": "true", "Default": "tok-123456"}},
                "Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
                    "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole",
                        "Condition": {"StringEquals": {"sts:ExternalId": token}}}]}}}}}))
        };
        let c = compare(&role("other"), &role("tok-123456"));
        assert_eq!(c.approval.reasons.len(), 1, "{c:?}");
        assert!(c.approval.reasons[0].contains("****"), "{c:?}");
        assert!(
            c.lines
                .iter()
                .chain(&c.approval.reasons)
                .all(|l| !l.contains("tok-123456"))
        );
        assert!(c.modifies());
        assert!(!c.is_empty());
    }

    #[test]
    fn added_and_removed_resources_are_not_modifications() {
        let a = template(json!({"Resources": {"A": {"Type": "AWS::SQS::Queue"}}}));
        let b = template(json!({"Resources": {"B": {"Type": "AWS::SQS::Queue"}}}));
        let c = compare(&a, &b);
        assert!(!c.modifies());
        assert_eq!(c.approval.reasons, ["A (AWS::SQS::Queue) is deleted"]);
        assert_eq!(
            c.lines,
            [
                "Resources",
                "  + B (AWS::SQS::Queue)",
                "  - A (AWS::SQS::Queue)"
            ]
        );
        assert_eq!(compare(&a, &a), Comparison::default());
    }
}
