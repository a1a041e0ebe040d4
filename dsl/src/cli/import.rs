//! `import`: CloudFormation templates → a typed ferroform program ([`crate::import`]).
//!
//! ```text
//! ferroform import FILE... [--out DIR | --out FILE.rs] [--ferroform-path PATH]
//! ferroform import --stack-name NAME [--processed] [--region R] ...   (deploy feature)
//! ```
//!
//! Without `--out` the program is printed. `--out DIR` writes a cargo project (DIR must not
//! exist or be empty); `--out FILE.rs` writes only the program. Exit 0 when written, 1 when
//! a template is not valid CloudFormation or holds what cannot be imported (nothing is
//! written), 2 when a file cannot be read or parsed, or on bad usage.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};

use super::{EXIT_CODES, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use crate::fsutil::{self, Durability};
use crate::import::{ImportError, Source, format_rust, import, project};
use crate::model::parse::{TemplateRead, read_template};

pub(super) fn command() -> Command {
    let cmd = Command::new("import")
        .about("Write a typed ferroform program that synthesizes the given templates")
        .arg(
            Arg::new("files")
                .value_name("FILE")
                .required_unless_present("stack-name")
                .action(ArgAction::Append)
                .value_parser(value_parser!(PathBuf))
                .help("Templates (JSON or YAML); each becomes a stack named after its file"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .value_name("DIR|FILE.rs")
                .value_parser(value_parser!(PathBuf))
                .help("A new cargo project in DIR, or only the program in FILE.rs (default: print it)"),
        )
        .arg(
            Arg::new("ferroform-path")
                .long("ferroform-path")
                .value_name("PATH")
                .help("Make the project depend on the ferroform checkout at PATH instead of the released crate"),
        )
        .after_help(EXIT_CODES);
    #[cfg(feature = "deploy")]
    let cmd = super::aws::connection(
        cmd.arg(
            Arg::new("stack-name")
                .long("stack-name")
                .value_name("NAME")
                .action(ArgAction::Append)
                .conflicts_with("files")
                .help("Import deployed stacks instead of files (GetTemplate; parameters' current values noted in comments, NoEcho ones never)"),
        )
        .arg(
            Arg::new("processed")
                .long("processed")
                .action(ArgAction::SetTrue)
                .requires("stack-name")
                .help("The template after its transforms ran (SAM, includes, macros), instead of as submitted"),
        ),
    );
    #[cfg(not(feature = "deploy"))]
    let cmd = cmd.arg(
        Arg::new("stack-name")
            .long("stack-name")
            .value_name("NAME")
            .hide(true)
            .help("Needs the deploy feature"),
    );
    cmd
}

/// The deployed stacks named by `--stack-name`, as sources.
#[cfg(feature = "deploy")]
fn deployed_sources(m: &ArgMatches, names: &[String]) -> Result<Vec<Source>, super::exit::Exit> {
    use super::exit::Exit;
    // Every name is checked before any call: an empty name would make DescribeStacks list
    // every stack (issue #9).
    let bad: Vec<String> = names
        .iter()
        .filter_map(|n| crate::model::stack::stack_name_error(n, true))
        .collect();
    if !bad.is_empty() {
        return Err(Exit::usage(format!(
            "{}; nothing was sent to AWS",
            bad.join("\n")
        )));
    }
    let session = super::aws::connect(m)?;
    let processed = m.get_flag("processed");
    let mut sources = Vec::new();
    for name in names {
        let fetched = super::aws::run_on_stack(
            name,
            crate::deploy::fetch_template(&session, name, processed),
        )?;
        let Some(d) = fetched else {
            return Err(Exit::usage(format!(
                "stack {name} does not exist in {}; nothing was written",
                session.region()
            )));
        };
        let stage = if processed { "processed" } else { "original" };
        let origin = format!("stack `{name}` in {} ({stage} template)", session.region());
        let t = crate::Template::parse(name, &d.text).map_err(|e| {
            Exit::usage(format!("the template of stack {name} does not parse: {e}"))
        })?;
        let stack = if crate::model::stack::valid_stack_name(name) {
            name.clone()
        } else {
            stack_name(Path::new(name))
        };
        sources.push(Source::new(stack, origin, t).with_deployed_values(&d.parameters));
    }
    Ok(sources)
}

/// A stack name from a file name: `ecs-cluster.yaml` → `ecs-cluster`, `2024_web.json` →
/// `S2024-web` (letters, digits and hyphens, starting with a letter).
fn stack_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `Web.template.json`, as `synth` names them.
    let stem = stem.strip_suffix(".template").unwrap_or(&stem);
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 'S');
    }
    name.truncate(128);
    name
}

pub(super) fn run(m: &ArgMatches, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut sources = Vec::new();
    let mut failed = false;
    if let Some(names) = m.try_get_many::<String>("stack-name").ok().flatten() {
        let names: Vec<String> = names.cloned().collect();
        #[cfg(feature = "deploy")]
        match deployed_sources(m, &names) {
            Ok(s) => sources = s,
            Err(e) => return super::finish(Err(e), err),
        }
        #[cfg(not(feature = "deploy"))]
        {
            let _ = writeln!(
                err,
                "error: importing deployed stacks ({}) needs ferroform built with the deploy feature",
                names.join(", ")
            );
            return EXIT_USAGE;
        }
    }
    for path in m.get_many::<PathBuf>("files").into_iter().flatten() {
        match read_template(path) {
            Ok(t) => {
                let mut name = stack_name(path);
                let base = name.clone();
                let mut n = 2;
                while sources.iter().any(|s: &Source| s.stack == name) {
                    name = format!("{base}-{n}");
                    n += 1;
                }
                sources.push(Source::new(name, format!("`{}`", path.display()), t));
            }
            Err(TemplateRead::Unreadable(e)) | Err(TemplateRead::Invalid(e)) => {
                let _ = writeln!(err, "error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        return EXIT_USAGE;
    }
    let program = match import(&sources) {
        Ok(p) => p,
        Err(e) => {
            match &e {
                ImportError::Invalid(_) => {
                    let _ = write!(err, "{e}");
                    let _ = writeln!(
                        err,
                        "error: the template is not valid CloudFormation; nothing was written"
                    );
                }
                ImportError::Unsupported(_) => {
                    let _ = write!(err, "{e}");
                    let _ = writeln!(err, "error: cannot import; nothing was written");
                }
            }
            return EXIT_INVALID;
        }
    };
    let main_rs = match format_rust(&program.main_rs) {
        Ok(t) => t,
        Err(why) => {
            let _ = writeln!(err, "note: the program is not formatted ({why})");
            program.main_rs.clone()
        }
    };
    let program = crate::import::Program { main_rs, ..program };
    for e in &program.escapes {
        let _ = writeln!(err, "note: plain JSON for {e}");
    }
    let Some(target) = m.get_one::<PathBuf>("out") else {
        let _ = out.write_all(program.main_rs.as_bytes());
        return EXIT_OK;
    };
    let result = if target.extension().is_some_and(|e| e == "rs") {
        fsutil::write_atomic(target, program.main_rs.as_bytes(), Durability::Relaxed)
    } else {
        write_project(
            target,
            &program,
            &sources,
            m.get_one::<String>("ferroform-path"),
        )
    };
    match result {
        Ok(()) => {
            let _ = writeln!(
                err,
                "imported {} stack{} into {} ({} value{} as plain JSON)",
                sources.len(),
                if sources.len() == 1 { "" } else { "s" },
                target.display(),
                program.escapes.len(),
                if program.escapes.len() == 1 { "" } else { "s" },
            );
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(err, "error: {}: {e}", target.display());
            EXIT_USAGE
        }
    }
}

fn write_project(
    dir: &Path,
    program: &crate::import::Program,
    sources: &[Source],
    ferroform_path: Option<&String>,
) -> std::io::Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a symbolic link; ferroform does not write through links",
        ));
    }
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the directory is not empty; give a new one",
        ));
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("stacks-{name}")
    };
    for (rel, text) in project(&name, program, sources, ferroform_path.map(String::as_str)) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        fsutil::write_atomic(&path, text.as_bytes(), Durability::Relaxed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_names_from_file_names() {
        assert_eq!(stack_name(Path::new("a/ecs-cluster.yaml")), "ecs-cluster");
        assert_eq!(stack_name(Path::new("2024_web.json")), "S2024-web");
        assert_eq!(stack_name(Path::new("out/Web.template.json")), "Web");
    }
}
