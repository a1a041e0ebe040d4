//! `status`: a stack's status and recent events.

use clap::{Arg, Command, value_parser};

use super::{Call, common, connect_places, make_ui, run_on_stack};
use crate::cli::{EXIT_OK, Exit};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    common(
        Command::new("status").about("Show each stack's status and its most recent events"),
        tool,
        false,
    )
    .arg(
        Arg::new("events")
            .long("events")
            .value_name("N")
            .value_parser(value_parser!(usize))
            .default_value("20")
            .help("How many recent events to show"),
    )
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let (places, sessions) = connect_places(source, m, err)?;
    let limit = m.get_one::<usize>("events").copied().unwrap_or(20);
    for p in &places {
        let session = sessions.of(p.env.as_ref());
        let mut ui = make_ui(m, out, err);
        if let Some(set) = &p.stack_set {
            if !run_on_stack(
                &p.name,
                deploy::stack_set_status(session, &p.name, Some(set), ui.as_mut()),
            )? {
                ui.line(&format!("Stack set {} does not exist", p.name));
            }
        } else {
            run_on_stack(
                &p.name,
                deploy::status(session, &p.name, limit, ui.as_mut()),
            )?;
        }
    }
    Ok(EXIT_OK)
}
