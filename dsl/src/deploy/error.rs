//! Deploy errors: what failed and of which kind. The command line decides the exit code of
//! each kind (`cli`), the library knows none.

use std::fmt;

/// What kind of failure an [`Error`] is (the command line gives each kind its exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The operation failed: a rolled-back or failed stack, a failed change set, a stack busy
    /// with another operation, a refused or declined change set, an invalid template (exit 1).
    Failed,
    /// Usage, input, credential or endpoint problems (exit 2).
    Input,
    /// The endpoint could not be reached (exit 2); the message names the endpoint.
    Endpoint,
}

/// A deploy operation failed. The message names the stack and leads with the cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// The stack concerned, when there is one.
    pub stack: Option<String>,
    /// What went wrong (already masked of NoEcho values).
    pub message: String,
}

impl Error {
    /// An operation failure (exit 1).
    pub fn failed(stack: &str, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Failed,
            stack: Some(stack.to_owned()),
            message: message.into(),
        }
    }

    /// A usage or input problem (exit 2).
    pub fn input(stack: Option<&str>, message: impl Into<String>) -> Self {
        Error {
            kind: ErrorKind::Input,
            stack: stack.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.stack {
            Some(s) => write!(f, "stack {s}: {}", self.message),
            None => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for Error {}
