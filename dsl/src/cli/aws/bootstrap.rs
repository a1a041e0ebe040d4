//! `bootstrap`: create or update the bootstrap stack ([`crate::bootstrap`]) in one account
//! and region.

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{connect, connection, make_ui, run_on_stack};
use crate::App;
use crate::cli::{EXIT_INVALID, EXIT_OK, Exit};
use crate::deploy::{self, DeployOptions};

pub(crate) fn command() -> Command {
    let cmd = Command::new("bootstrap")
        .about("Create or update the bootstrap stack of an account and region")
        .long_about(format!(
            "Deploy the stack `{}` to the account and region of the AWS settings: the asset \
             repository `{}` that images built from source are pushed to, and the bucket that \
             templates over CloudFormation's inline limit are uploaded to (deploy finds it, so \
             --s3-bucket becomes optional). Run once per account and region; running it again \
             updates the stack to this version of ferroform (\"no changes\" when it is current).",
            crate::bootstrap::STACK_NAME,
            crate::model::asset::ImageAsset::ASSET_REPOSITORY,
        ));
    connection(cmd)
        .arg(
            Arg::new("yes")
                .long("yes")
                .short('y')
                .action(ArgAction::SetTrue)
                .help("Do not ask for approval"),
        )
        .arg(
            Arg::new("no-execute")
                .long("no-execute")
                .action(ArgAction::SetTrue)
                .help("Create and show the change set only"),
        )
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run(m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8, Exit> {
    let mut app = App::new();
    app.add(crate::bootstrap::stack());
    let (mut templates, _) = app
        .synth_checked(&[crate::bootstrap::STACK_NAME])
        .map_err(|e| Exit::text(EXIT_INVALID, e.to_string()))?;
    let template = templates.remove(0);
    let opts = DeployOptions {
        yes: m.get_flag("yes"),
        no_execute: m.get_flag("no-execute"),
        timeout: m.try_get_one("timeout").ok().flatten().copied(),
        ..DeployOptions::default()
    };
    let session = connect(m)?;
    let mut ui = make_ui(m, out, err);
    run_on_stack(
        template.name(),
        deploy::deploy(&session, &template, &opts, ui.as_mut()),
    )?;
    Ok(EXIT_OK)
}
