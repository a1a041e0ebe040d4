//! How a command ends: [`Exit`], an exit code with what is left to say.

use std::fmt;
use std::io::Write;

use super::{EXIT_INVALID, EXIT_USAGE};

/// Why a command stops early: its exit code, and the text still to print on standard error
/// (none when everything was printed already, e.g. the diagnostics of an invalid stack).
///
/// Commands are written as `fn(..) -> Result<u8, Exit>` with `?`; [`finish`] prints the text
/// and gives the code. The library's errors (deploy errors, app runs) are values; the `From`
/// conversions beside each command family decide their exit codes, here and nowhere else.
#[derive(Debug)]
#[must_use]
pub(crate) struct Exit {
    pub(crate) code: u8,
    text: Option<String>,
}

impl Exit {
    /// `error: MESSAGE`, exit `code`.
    pub(crate) fn error(code: u8, message: impl fmt::Display) -> Exit {
        Exit {
            code,
            text: Some(format!("error: {message}")),
        }
    }

    /// A usage or input error (exit 2).
    pub(crate) fn usage(message: impl fmt::Display) -> Exit {
        Exit::error(EXIT_USAGE, message)
    }

    /// An invalid stack or template, or a failed operation (exit 1).
    pub(crate) fn invalid(message: impl fmt::Display) -> Exit {
        Exit::error(EXIT_INVALID, message)
    }

    /// Exit `code` with `text` printed as it is (no `error:` prefix).
    pub(crate) fn text(code: u8, text: impl Into<String>) -> Exit {
        Exit {
            code,
            text: Some(text.into()),
        }
    }

    /// The text still to print (empty when it was reported already).
    #[cfg_attr(not(feature = "deploy"), allow(dead_code))]
    pub(crate) fn message(&self) -> &str {
        self.text.as_deref().unwrap_or_default()
    }

    /// Exit `code`; what went wrong was reported already.
    #[cfg_attr(not(feature = "deploy"), allow(dead_code))]
    pub(crate) fn reported(code: u8) -> Exit {
        Exit { code, text: None }
    }
}

/// The exit code of a command's result, its text printed on `err` first.
pub(crate) fn finish(result: Result<u8, Exit>, err: &mut dyn Write) -> u8 {
    match result {
        Ok(code) => code,
        Err(e) => {
            if let Some(text) = &e.text {
                let _ = writeln!(err, "{text}");
            }
            e.code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_prints_the_text_once_and_gives_the_code() {
        let mut err = Vec::new();
        assert_eq!(finish(Ok(3), &mut err), 3);
        assert!(err.is_empty());
        assert_eq!(
            finish(Err(Exit::usage("no such stack")), &mut err),
            EXIT_USAGE
        );
        assert_eq!(String::from_utf8_lossy(&err), "error: no such stack\n");
        err.clear();
        assert_eq!(
            finish(Err(Exit::reported(EXIT_INVALID)), &mut err),
            EXIT_INVALID
        );
        assert!(err.is_empty(), "already reported: nothing more");
        assert_eq!(finish(Err(Exit::text(130, "\ninterrupted")), &mut err), 130);
        assert_eq!(String::from_utf8_lossy(&err), "\ninterrupted\n");
    }
}
