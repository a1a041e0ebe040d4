//! `destroy`: delete stacks (a stack that does not exist is not an error).

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{Source, common, connect, make_ui, run_on_stack, stack_names};
use crate::cli::{EXIT_OK, Exit};
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

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run(
    source: Source<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    let mut names = stack_names(source, m, err)?;
    names.reverse();
    let session = connect(m)?;
    let yes = m.get_flag("yes");
    let role = m.get_one::<String>("role-arn").map(String::as_str);
    let timeout = m.get_one::<std::time::Duration>("timeout").copied();
    for name in &names {
        let mut ui = make_ui(m, out, err);
        run_on_stack(
            name,
            deploy::destroy(&session, name, yes, role, timeout, ui.as_mut()),
        )?;
    }
    Ok(EXIT_OK)
}
