//! `destroy`: delete stacks (a stack that does not exist is not an error).

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{Source, block_on, common, connect, interrupted, make_ui, stack_names};
use crate::cli::{EXIT_OK, EXIT_USAGE};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    let cmd = Command::new("destroy").about(
        "Delete stacks (in reverse app order) and follow their events. Asks first on a terminal; \
         elsewhere needs --yes. A stack that does not exist is reported and exits 0.",
    );
    common(cmd, tool, false)
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .action(ArgAction::SetTrue)
                .help("Do not ask for confirmation"),
        )
        .arg(
            Arg::new("role-arn")
                .long("role-arn")
                .value_name("ARN")
                .help("Role CloudFormation assumes for the deletion"),
        )
}

pub(crate) fn run(
    source: Source<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let mut names = match stack_names(source, m, err) {
        Ok(n) => n,
        Err(code) => return code,
    };
    names.reverse();
    let session = match connect(m, err) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let yes = m.get_flag("yes");
    let role = m.get_one::<String>("role-arn").map(String::as_str);
    let timeout = m.get_one::<std::time::Duration>("timeout").copied();
    for name in &names {
        let result = {
            let mut ui = make_ui(m, out, err);
            block_on(deploy::destroy(
                &session,
                name,
                yes,
                role,
                timeout,
                ui.as_mut(),
            ))
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
