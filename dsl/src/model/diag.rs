//! Diagnostics: what is wrong, where, and what would be right.

use std::fmt;

use crate::rules::Rule;

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
/// Rule ids are stable (`FF1002`): each is a [`Rule`] of the registry, [`crate::rules`]
/// (`docs/rules.md` lists them). `rule` keeps the id as text; it compares equal to its rule
/// (`d.rule == rules::DUPLICATE_LOGICAL_ID`). [`Diagnostic::new`] fills the id and the
/// severity from the rule.
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
    /// Stable rule id: the [`Rule::id`] of a rule of [`crate::rules`].
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

impl Diagnostic {
    /// A diagnostic of `rule` (its id and severity) about `source` (a stack name or a file),
    /// with no logical ID, path or hint: set those with struct update syntax.
    ///
    /// ```
    /// use ferroform::{Diagnostic, Severity, rules};
    /// let d = Diagnostic {
    ///     logical_id: Some("Repo".into()),
    ///     path: "Repo".into(),
    ///     ..Diagnostic::new(rules::DUPLICATE_LOGICAL_ID, "Web", "logical ID `Repo` is used twice")
    /// };
    /// assert_eq!((d.rule, d.severity), ("FF1002", Severity::Error));
    /// ```
    pub fn new(rule: Rule, source: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: rule.severity,
            rule: rule.id,
            source: source.into(),
            logical_id: None,
            path: String::new(),
            message: message.into(),
            hint: None,
        }
    }
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
