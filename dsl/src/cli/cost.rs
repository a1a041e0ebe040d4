//! `cost`: what the stacks cost each month, offline ([`crate::analysis::cost`]).
//!
//! ```text
//! ferroform cost --template FILE... [--region R] [--format table|json]
//! ferroform cost [STACK...] [--app CMD] ...        (deploy feature)
//! my-stacks cost [STACK...] [--region R] [--format table|json]
//! ```
//!
//! Exit 0 with the estimate; 1 an invalid stack or template; 2 bad usage, an unreadable
//! file, or a region the price table does not have.

use std::io::Write;

use clap::{Arg, ArgMatches, Command};

use super::input::{self, Input};
use super::{EXIT_OK, EXIT_USAGE, Exit};
use crate::analysis::cost::{self, Estimate, Monthly, PriceTable};
use crate::model::env::Env;
use crate::model::template::Template;

const ABOUT: &str = "Estimate what the stacks cost each month, offline: per group (service, \
     capacity, load balancer, network, logs, storage) and in total, at minimum, typical \
     (desired) and maximum (auto-scaling) capacity, from ferroform's dated price table. What \
     cannot be priced is listed; every assumption is printed.";

/// The region argument, shared with `diff`'s cost line.
pub(super) fn region_arg() -> Arg {
    Arg::new("region")
        .long("region")
        .value_name("REGION")
        .help("The region to price in (default: the stack's environment, AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)")
}

pub(super) fn command(tool: bool) -> Command {
    let cmd = Command::new("cost")
        .about("Estimate what the stacks cost each month (offline)")
        .long_about(ABOUT)
        // The help names the price table's date and regions: read the table only when
        // `cost` is the command run (parsing it is about 5 % of every other command's time).
        .defer(|cmd| {
            cmd.after_help(format!(
                "Prices: ferroform's table of {} (regions: {}).\n\nExit codes:\n  0  the estimate was printed\n  1  a stack or template is invalid\n  2  usage or input error (unreadable file, a region the table does not have)",
                PriceTable::shipped().date,
                PriceTable::shipped().region_codes().collect::<Vec<_>>().join(", ")
            ))
        })
        .arg(region_arg())
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["table", "json"])
                .default_value("table")
                .help("A table per stack, or one JSON document"),
        );
    input::args(cmd, tool)
}

/// The region a stack is priced in, and a note when it was not given: `--region`, the
/// stack's environment, `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`.
pub(super) fn region_of(given: Option<&str>, env: Option<&Env>) -> (String, Option<String>) {
    if let Some(r) = given.or_else(|| env.and_then(Env::region_name)) {
        return (r.to_owned(), None);
    }
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Ok(r) = std::env::var(var)
            && !r.is_empty()
        {
            return (r, None);
        }
    }
    (
        "us-east-1".to_owned(),
        Some(
            "No region given (--region, the stack's environment, AWS_REGION): priced in us-east-1."
                .to_owned(),
        ),
    )
}

/// The estimates of `templates`; every unknown region reported at once.
pub(super) fn estimates(
    templates: &[Template],
    given: Option<&str>,
) -> Result<Vec<Estimate>, Exit> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for t in templates {
        let (region, note) = region_of(given, t.env());
        match cost::estimate(t.name(), t.body(), &region) {
            Ok(mut e) => {
                if let Some(n) = note {
                    e.assumptions.insert(0, n);
                }
                out.push(e);
            }
            Err(e) => problems.push(format!("error: stack {}: {e}", t.name())),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Exit::text(EXIT_USAGE, problems.join("\n")))
    }
}

/// The command on `m`: its exit code, or the error [`super::finish`] prints.
pub(super) fn run(
    input: Input<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    let templates = input::templates(input, m, err)?;
    let given = m.get_one::<String>("region").map(String::as_str);
    let estimates = estimates(&templates, given)?;
    let total = estimates
        .iter()
        .fold(Monthly::default(), |t, e| t + e.total());
    if m.get_one::<String>("format").map(String::as_str) == Some("json") {
        let doc = serde_json::json!({
            "stacks": estimates.iter().map(Estimate::to_json).collect::<Vec<_>>(),
            "total": total.to_json(),
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        );
        return Ok(EXIT_OK);
    }
    for (i, e) in estimates.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out);
        }
        let _ = write!(out, "{}", e.to_table());
    }
    if estimates.len() > 1 {
        let _ = writeln!(
            out,
            "\nAll {} stacks: {} minimum, {} typical, {} maximum a month",
            estimates.len(),
            cost::usd(total.minimum),
            cost::usd(total.typical),
            cost::usd(total.maximum)
        );
    }
    Ok(EXIT_OK)
}
