//! `list`: the app's stacks, one per line, in order.

use std::io::Write;

use clap::{ArgMatches, Command};

use super::{EXIT_CODES, EXIT_OK};
use crate::app::App;

pub(super) fn command() -> Command {
    Command::new("list")
        .about("List the stacks, one per line, in order")
        .after_help(EXIT_CODES)
}

pub(super) fn run(app: &App, _: &ArgMatches, out: &mut dyn Write, _: &mut dyn Write) -> u8 {
    for s in app.stacks() {
        let _ = writeln!(out, "{}", s.name());
    }
    EXIT_OK
}
