//! `outputs`: a stack's outputs as JSON in CDK's shape.

use std::io::Write;

use clap::ArgMatches;
use clap::Command;
use indexmap::IndexMap;

use super::{Source, block_on, common, connect, interrupted, stack_names};
use crate::cli::{EXIT_OK, EXIT_USAGE};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    common(
        Command::new("outputs")
            .about("Print the stacks' outputs as JSON: {\"Stack\": {\"OutputKey\": \"value\"}}"),
        tool,
        false,
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
    let mut all: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    for name in &names {
        match block_on(deploy::outputs(&session, name)) {
            Ok(Some(Ok(o))) => {
                all.insert(name.clone(), o);
            }
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
    let mut root = serde_json::Map::new();
    for (stack, outs) in all {
        root.insert(
            stack,
            serde_json::Value::Object(
                outs.into_iter()
                    .map(|(k, v)| (k, serde_json::Value::String(v)))
                    .collect(),
            ),
        );
    }
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&serde_json::Value::Object(root)).unwrap_or_default()
    );
    EXIT_OK
}
