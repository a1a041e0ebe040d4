//! `diff`: what a deploy would change; leaves nothing behind.

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{
    EXIT_CHANGES, Source, block_on, common, connect, interrupted, key_value, make_ui, templates,
};
use crate::cli::{EXIT_OK, EXIT_USAGE};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    let cmd = Command::new("diff").about(
        "Show what deploy would change: the change set's plan (add / modify / remove, replacement) \
         and a property-level diff of the deployed template. The change set (and, for a new stack, \
         the REVIEW_IN_PROGRESS stack it makes) is deleted afterwards.",
    );
    common(cmd, tool, true)
        .arg(
            Arg::new("parameter")
                .long("parameter")
                .value_name("K=V")
                .action(ArgAction::Append)
                .value_parser(key_value)
                .help("A template parameter (repeatable)"),
        )
        .arg(
            Arg::new("s3-bucket")
                .long("s3-bucket")
                .value_name("BUCKET")
                .help("Upload templates over 51,200 bytes here"),
        )
        .arg(
            Arg::new("s3-prefix")
                .long("s3-prefix")
                .value_name("PREFIX")
                .requires("s3-bucket")
                .help("Key prefix for uploaded templates"),
        )
        .arg(
            Arg::new("fail-on-change")
                .long("fail-on-change")
                .action(ArgAction::SetTrue)
                .help("Exit 3 when there are changes (for CI)"),
        )
}

pub(crate) fn run(
    source: Source<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let templates = match templates(source, m, err) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let session = match connect(m, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let opts = super::deploy::options(m);
    let mut changes = false;
    for t in &templates {
        let result = {
            let mut ui = make_ui(m, out, err);
            block_on(deploy::diff(&session, t, &opts, ui.as_mut()))
        };
        match result {
            Ok(Some(Ok(d))) => changes |= d.changes,
            Ok(Some(Err(e))) => {
                let _ = writeln!(err, "error: {e}");
                return e.exit_code();
            }
            Ok(None) => return interrupted(err, t.name()),
            Err(e) => {
                let _ = writeln!(err, "error: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if changes && m.get_flag("fail-on-change") {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
}
