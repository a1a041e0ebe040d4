//! `outputs`: a stack's outputs as JSON in CDK's shape.

use clap::Command;
use indexmap::IndexMap;

use super::{Call, common, connect_places, run_on_stack};
use crate::cli::{EXIT_OK, Exit};
use crate::deploy;

pub(crate) fn command(tool: bool) -> Command {
    common(
        Command::new("outputs")
            .about("Print the stacks' outputs as JSON: {\"Stack\": {\"OutputKey\": \"value\"}}"),
        tool,
        false,
    )
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let (places, sessions) = connect_places(source, m, err)?;
    let mut all: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    for p in &places {
        let (name, session) = (&p.name, sessions.of(p.env.as_ref()));
        if p.stack_set.is_some() {
            let _ = writeln!(
                err,
                "note: {name} is a stack set: it has no outputs of its own (each instance's stack has them, in its account and region)"
            );
            continue;
        }
        all.insert(
            name.clone(),
            run_on_stack(name, deploy::outputs(session, name))?,
        );
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
    Ok(EXIT_OK)
}
