//! `-v` / `RUST_LOG`: what the AWS commands do, logged to standard error through `tracing`
//! (off by default), so that a user can report what happened: the operation's phases and
//! waits (`ferroform::deploy`), and the SDK's requests, retries and timeouts.
//!
//! Nothing below DEBUG is shown from any crate but ferroform, whatever `RUST_LOG` asks: at
//! TRACE the AWS SDK logs whole requests, and a CreateChangeSet request carries the
//! parameter values, NoEcho ones included.

use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, FilterExt, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

/// What `-v` shows: ferroform's phases and waits, the SDK's attempts, retries and timeouts.
const VERBOSE: &str = "ferroform=debug,aws_sdk_cloudformation=debug,aws_sdk_s3=debug,aws_smithy_runtime=debug,aws_config=info";
/// What `-vv` shows: every crate at DEBUG (connections, credentials lookup, signing).
const VERY_VERBOSE: &str = "debug";

/// The log directives for `verbosity` (`-v` count) and `RUST_LOG` (which wins when set):
/// `None` when nothing is to be logged.
pub(super) fn directives(verbosity: u8, rust_log: Option<&str>) -> Option<String> {
    match (rust_log.map(str::trim).filter(|v| !v.is_empty()), verbosity) {
        (Some(v), _) => Some(v.to_owned()),
        (None, 0) => None,
        (None, 1) => Some(VERBOSE.to_owned()),
        (None, _) => Some(VERY_VERBOSE.to_owned()),
    }
}

/// Whether an event or span of `target` at `level` may be shown: any level from ferroform,
/// nothing below DEBUG from anyone else.
pub(super) fn allowed(target: &str, level: Level) -> bool {
    target == "ferroform" || target.starts_with("ferroform::") || level <= Level::DEBUG
}

/// Start logging for this command, as `-v` and `RUST_LOG` say (once per process; a second
/// call, e.g. a second command in a test, keeps the first set-up). A malformed `RUST_LOG` is
/// reported and `-v`'s set-up used instead.
pub(super) fn init(verbosity: u8, err: &mut dyn std::io::Write) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let Some(wanted) = directives(verbosity, rust_log.as_deref()) else {
        return;
    };
    let filter = EnvFilter::try_new(&wanted).unwrap_or_else(|e| {
        let _ = writeln!(
            err,
            "warning: RUST_LOG `{wanted}` is not a valid filter ({e}); logging as with -v"
        );
        EnvFilter::new(VERBOSE)
    });
    let cap = filter_fn(|m| allowed(m.target(), *m.level()));
    let layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter.and(cap));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_log_wins_and_nothing_is_logged_without_either() {
        assert_eq!(directives(0, None), None);
        assert_eq!(
            directives(0, Some("  ")),
            None,
            "an empty RUST_LOG is unset"
        );
        assert_eq!(directives(1, None).as_deref(), Some(VERBOSE));
        assert_eq!(directives(3, None).as_deref(), Some(VERY_VERBOSE));
        assert_eq!(directives(1, Some("trace")).as_deref(), Some("trace"));
    }

    #[test]
    fn trace_is_for_ferroform_only() {
        assert!(allowed("ferroform::deploy", Level::TRACE));
        assert!(allowed("ferroform", Level::TRACE));
        assert!(!allowed(
            "aws_smithy_runtime::client::orchestrator",
            Level::TRACE
        ));
        assert!(!allowed("ferroformish", Level::TRACE));
        assert!(allowed(
            "aws_smithy_runtime::client::orchestrator",
            Level::DEBUG
        ));
        assert!(allowed("hyper", Level::INFO));
    }
}
