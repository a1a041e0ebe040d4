//! Template analysis that needs no AWS SDK: how two templates differ, what a deploy of the
//! difference would ask approval for, and keeping NoEcho values out of what is shown.
//!
//! Everything here is a pure function of templates (the [`Json`](crate::Json) of
//! [`Template::body`](crate::Template::body)); it is compiled without the `deploy` feature.
//! `deploy` uses it on the deployed template and the change set CloudFormation made.
//!
//! - [`diff`]: the property-level difference of two templates ([`diff::property_diff`]).
//! - [`approval`]: which of those changes need approval before a deploy
//!   ([`approval::broadening`]): deletions, replacements, and wider IAM permissions,
//!   security-group ingress or resource policies.
//! - [`mask`]: NoEcho values kept off terminals, files and logs ([`mask::Masker`]).
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
//! let changes = [diff::Change {
//!     action: diff::ChangeAction::Modify,
//!     logical_id: "Logs".into(),
//!     resource_type: "AWS::Logs::LogGroup".into(),
//!     replacement: diff::Replacement::False,
//!     properties: vec!["RetentionInDays".into()],
//! }];
//! assert!(broadening(&changes, Some(&old), &new).is_empty(), "a log group grants nothing");
//! ```

pub mod approval;
pub mod diff;
pub mod mask;
