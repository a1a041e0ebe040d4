//! `drift`: run CloudFormation's drift detection on stacks and print, per drifted resource,
//! the properties that differ with their expected and actual values (never one set from a
//! NoEcho parameter). Exit 3 when anything drifted, so CI can alarm.

use clap::Command;

use super::{Call, common, connect_places, make_ui, run_on_stack};
use crate::cli::{EXIT_CHANGES, EXIT_OK, Exit};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    common(
        Command::new("drift").about(
            "Detect drift: the properties of each stack's resources that changed outside CloudFormation, with expected and actual values; exit 3 when anything drifted",
        ),
        tool,
        false,
    )
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let (places, sessions) = connect_places(source, m, err)?;
    let mut code = EXIT_OK;
    for p in &places {
        let (name, session) = (&p.name, sessions.of(p.env.as_ref()));
        if p.stack_set.is_some() {
            let _ = writeln!(
                err,
                "note: {name} is a stack set: ferroform does not detect drift of stack sets yet (aws cloudformation detect-stack-set-drift --stack-set-name {name}); skipped"
            );
            continue;
        }
        let report = {
            let mut ui = make_ui(m, out, err);
            run_on_stack(name, deploy::drift(session, name, ui.as_mut()))?
        };
        for line in deploy::render_drift(&report) {
            let _ = writeln!(out, "{line}");
        }
        if report.drifted() {
            code = EXIT_CHANGES;
        }
    }
    Ok(code)
}
