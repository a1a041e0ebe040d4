//! `synth`: render stacks to stdout or to an output directory.

use std::io::Write;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_CODES, EXIT_INVALID, EXIT_OK, Exit, Teardown, finish, select_stacks};
use crate::app::{App, write_out_dir_reporting};
use crate::model::template::Format;

pub(super) fn command() -> Command {
    Command::new("synth")
        .about("Write the templates: one stack to stdout, or every stack to --out DIR")
        .after_help(EXIT_CODES)
        .arg(
            Arg::new("out")
                .long("out")
                .short('o')
                .value_name("DIR")
                .value_parser(value_parser!(PathBuf))
                .help(
                    "Directory for <Stack>.template.<ext> files (created; stale templates removed)",
                ),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["json", "yaml"])
                .default_value("json")
                .help("Template format"),
        )
        .arg(
            Arg::new("strict")
                .long("strict")
                .action(ArgAction::SetTrue)
                .help("Refuse to write when the validator reports warnings"),
        )
        .arg(
            Arg::new("stacks")
                .value_name("STACK")
                .action(ArgAction::Append)
                .help("Stacks to synthesize (default: all)"),
        )
}

pub(super) fn run(
    app: &App,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
    teardown: Teardown,
) -> u8 {
    let result = synth(app, m, out, err, teardown);
    finish(result, err)
}

fn synth(
    app: &App,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
    teardown: Teardown,
) -> Result<u8, Exit> {
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("yaml") => Format::Yaml,
        _ => Format::Json,
    };
    let all: Vec<&str> = app
        .stacks()
        .iter()
        .map(super::super::model::stack::Stack::name)
        .collect();
    let selected = select_stacks(app, m)?;
    let out_dir = m.get_one::<PathBuf>("out");
    if out_dir.is_none() && selected.len() != 1 {
        return Err(Exit::usage(format!(
            "this app has {} stacks ({}); write them with --out DIR, or name one stack",
            selected.len(),
            selected.join(", ")
        )));
    }
    let (templates, warnings) = app
        .synth_checked(&selected)
        .map_err(|e| Exit::text(EXIT_INVALID, e.to_string()))?;
    for w in &warnings {
        let _ = writeln!(err, "{w}\n");
    }
    if m.get_flag("strict") && !warnings.is_empty() {
        return Err(Exit::text(
            EXIT_INVALID,
            format!(
                "{} warning{} with --strict; nothing was written",
                warnings.len(),
                if warnings.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    let images = app.images();
    let written = write(&templates, out_dir, format, &all, &images, out, err);
    if teardown == Teardown::Skip {
        std::mem::forget(templates);
    }
    written.map(|()| EXIT_OK)
}

fn write(
    templates: &[crate::Template],
    out_dir: Option<&PathBuf>,
    format: Format,
    all: &[&str],
    images: &[crate::model::asset::ImageAsset],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Exit> {
    let Some(dir) = out_dir else {
        for t in templates.iter().take(1) {
            let _ = out.write_all(t.render(format).as_bytes());
        }
        return Ok(());
    };
    let paths = write_out_dir_reporting(dir, templates, format, all, images)
        .map_err(|e| Exit::usage(format!("cannot write to {}: {e}", dir.display())))?;
    for (p, changed) in paths {
        let what = if changed { "wrote" } else { "unchanged" };
        let _ = writeln!(err, "{what} {}", p.display());
    }
    Ok(())
}
