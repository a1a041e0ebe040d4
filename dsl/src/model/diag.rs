//! Diagnostics: what is wrong, where, and what would be right.

use std::fmt;

/// How bad a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The template would be rejected: nothing is written or deployed.
    Error,
    /// Likely a mistake; reported, but only fatal with `--strict`.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a stack or template.
///
/// Rule ids are stable (`FF1002`); the README lists them.
///
/// ```
/// use ferroform::{Diagnostic, Severity};
/// let d = Diagnostic {
///     severity: Severity::Error,
///     rule: "FF1002",
///     source: "Web".into(),
///     logical_id: Some("Repo".into()),
///     path: "Repo".into(),
///     message: "logical ID `Repo` is used twice".into(),
///     hint: Some("give each resource its own logical ID".into()),
/// };
/// assert!(d.to_string().starts_with("error[FF1002]: logical ID `Repo` is used twice"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule id.
    pub rule: &'static str,
    /// The stack name (DSL programs) or the file (templates read from disk).
    pub source: String,
    /// The logical ID of the resource, parameter, output... concerned, if any.
    pub logical_id: Option<String>,
    /// Where in the template, e.g. `Task.Properties.ContainerDefinitions[0].Memory`.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What would be right.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    /// Control characters from the input (a logical ID or property name with an escape
    /// sequence in it) are written escaped, so a diagnostic cannot drive the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.rule,
            escape_control(&self.message)
        )?;
        write!(f, "\n  --> {}", escape_control(&self.source))?;
        if !self.path.is_empty() {
            write!(f, ": {}", escape_control(&self.path))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n   = help: {}", escape_control(hint))?;
        }
        Ok(())
    }
}

/// `text` with every control character (C0, DEL and C1, including ESC) written as a Rust-style
/// escape (`\u{1b}`), for printing input on a terminal. Text without one is borrowed as it is.
///
/// ```
/// use ferroform::model::diag::escape_control;
/// assert_eq!(escape_control("Bad\u{1b}[2JId"), "Bad\\u{1b}[2JId");
/// assert_eq!(escape_control("plain"), "plain");
/// ```
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A stack (or several) could not be synthesized; every problem found is listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthError {
    /// All diagnostics, errors first, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl SynthError {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

impl fmt::Display for SynthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}\n")?;
        }
        let n = self.errors();
        write!(
            f,
            "{n} error{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for SynthError {}

/// Rule ids used by the template model itself (the validator has its own range).
pub mod rules {
    /// A logical ID is not alphanumeric or longer than 255 characters.
    pub const INVALID_LOGICAL_ID: &str = "FF1001";
    /// A logical ID is used twice in one namespace of a stack.
    pub const DUPLICATE_LOGICAL_ID: &str = "FF1002";
    /// A handle from another stack was used where it cannot be: in a stack synthesized on its
    /// own (outside an [`crate::App`]), from a stack not in the app, in `DependsOn`, or a
    /// condition or mapping of another stack.
    pub const CROSS_STACK_REFERENCE: &str = "FF1003";
    /// A handle was used with a stack it does not belong to (options, dependencies).
    pub const FOREIGN_HANDLE: &str = "FF1004";
    /// A `Ref`, `Fn::GetAtt` or `DependsOn` names something the stack does not have.
    pub const DANGLING_REFERENCE: &str = "FF1005";
    /// Two stacks of one app have the same name.
    pub const DUPLICATE_STACK: &str = "FF1006";
    /// A stack name is not a valid CloudFormation stack name.
    pub const INVALID_STACK_NAME: &str = "FF1007";
    /// An override names nothing: a property or attribute override's path does not exist in
    /// the rendered resource, or an `override_logical_id` names no part added to the stack.
    pub const BAD_OVERRIDE: &str = "FF1008";
    /// An export cannot be made: [`crate::Stack::export_value`] of something that is not a
    /// reference of the stack, an export output whose logical ID is taken, too many outputs.
    pub const BAD_EXPORT: &str = "FF1009";
    /// The stacks of an app import from each other in a cycle: no deploy order exists.
    pub const STACK_CYCLE: &str = "FF1010";
}
