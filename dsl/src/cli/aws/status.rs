//! `status`: a stack's status and recent events.

use std::io::Write;

use clap::{Arg, ArgMatches, Command, value_parser};

use super::{Source, block_on, common, connect, interrupted, make_ui, stack_names};
use crate::cli::{EXIT_OK, EXIT_USAGE};
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

pub(crate) fn run(
    source: Source<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let names = match stack_names(source, m, err) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let session = match connect(m, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let limit = m.get_one::<usize>("events").copied().unwrap_or(20);
    for name in &names {
        let result = {
            let mut ui = make_ui(m, out, err);
            block_on(deploy::status(&session, name, limit, ui.as_mut()))
        };
        match result {
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(e))) => {
                let _ = writeln!(err, "error: {e}");
                return e.exit_code();
            }
            Ok(None) => return interrupted(err, name),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}
