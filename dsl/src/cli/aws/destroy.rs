//! `destroy`: delete stacks (a stack that does not exist is not an error).

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{
    Call, common, concurrency_arg, connect_places, make_ui, run_on_stack, run_ordered, summarize,
};
use crate::analysis::links;
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
        .arg(concurrency_arg("Delete up to N stacks at once, each after the stacks that import from it (read from the deployed templates); a failed deletion stops those it waits for, the others finish"))
        .arg(
            Arg::new("role-arn")
                .long("role-arn")
                .value_name("ARN")
                .help("Role CloudFormation assumes for the deletion"),
        )
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let (mut places, sessions) = connect_places(source, m, err)?;
    places.reverse();
    let names: Vec<String> = places.iter().map(|p| p.name.clone()).collect();
    let sets: Vec<Option<&crate::StackSet>> = places.iter().map(|p| p.stack_set.as_ref()).collect();
    let sessions: Vec<&deploy::Session> =
        places.iter().map(|p| sessions.of(p.env.as_ref())).collect();
    let yes = m.get_flag("yes");
    let role = m.get_one::<String>("role-arn").map(String::as_str);
    let timeout = m.get_one::<std::time::Duration>("timeout").copied();
    let concurrency = m.get_one::<usize>("concurrency").copied().unwrap_or(1);
    if concurrency > 1 && names.len() > 1 {
        return destroy_concurrently(
            &sessions,
            m,
            (&names, &sets),
            yes,
            role,
            timeout,
            concurrency,
            out,
            err,
        );
    }
    for ((name, session), set) in names.iter().zip(&sessions).zip(&sets) {
        let mut ui = make_ui(m, out, err);
        if let Some(set) = set {
            run_on_stack(
                name,
                deploy::destroy_stack_set(session, name, Some(set), yes, timeout, ui.as_mut()),
            )?;
        } else {
            run_on_stack(
                name,
                deploy::destroy(session, name, yes, role, timeout, ui.as_mut()),
            )?;
        }
    }
    Ok(EXIT_OK)
}

/// `--concurrency N` (N > 1): each stack deleted after the stacks that import from it (as
/// their deployed templates say), up to N at once; asked once for all of them.
#[allow(clippy::too_many_arguments)]
fn destroy_concurrently(
    sessions: &[&deploy::Session],
    m: &ArgMatches,
    (names, sets): (&[String], &[Option<&crate::StackSet>]),
    yes: bool,
    role: Option<&str>,
    timeout: Option<std::time::Duration>,
    concurrency: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    if !yes {
        let mut ui = make_ui(m, out, err);
        let question = format!("Delete stacks {}?", names.join(", "));
        match ui.confirm(&question) {
            Some(true) => {}
            Some(false) => {
                ui.line("Nothing deleted.");
                return Ok(crate::cli::EXIT_INVALID);
            }
            None => {
                return Err(Exit::invalid(format!(
                    "deleting {} needs confirmation: run it on a terminal, or pass --yes; nothing was deleted",
                    names.join(", ")
                )));
            }
        }
    }
    // What imports from what, from the deployed templates (a stack that does not exist has
    // none).
    let mut bodies = Vec::with_capacity(names.len());
    for ((name, session), set) in names.iter().zip(sessions).zip(sets) {
        if set.is_some() {
            bodies.push(crate::Json::Null);
            continue;
        }
        let deployed = run_on_stack(name, deploy::fetch_template(session, name, false))?;
        let body = deployed
            .and_then(|d| crate::Template::parse(name, &d.text).ok())
            .map(|t| t.body().clone());
        bodies.push(body.unwrap_or(crate::Json::Null));
    }
    let refs: Vec<&crate::Json> = bodies.iter().collect();
    let imports = links::dependencies(&refs);
    // Deleted after every stack that imports from it.
    let needs: Vec<std::collections::BTreeSet<usize>> = (0..names.len())
        .map(|i| {
            (0..names.len())
                .filter(|&j| imports[j].contains(&i))
                .collect()
        })
        .collect();
    let out_cell = std::cell::RefCell::new(out);
    let err_cell = std::cell::RefCell::new(err);
    let lines = super::live_view(m).then(deploy::StackLines::new);
    let results = {
        let (out_cell, err_cell) = (&out_cell, &err_cell);
        let lines = lines.as_ref();
        run_ordered(names, &needs, concurrency, |i| {
            let name = &names[i];
            let (session, set) = (sessions[i], sets[i]);
            Box::pin(deploy::separately(async move {
                let mut ui = super::stack_ui(lines, name, out_cell, err_cell);
                if let Some(set) = set {
                    deploy::destroy_stack_set(session, name, Some(set), true, timeout, ui.as_mut())
                        .await
                } else {
                    deploy::destroy(session, name, true, role, timeout, ui.as_mut()).await
                }
            }))
        })?
    };
    let out = out_cell.into_inner();
    let err = err_cell.into_inner();
    let code = summarize(
        names,
        results,
        "\ninterrupted: CloudFormation carries on with the deletions it started.\nFollow each stack with `ferroform status`.",
        |_, existed| if existed { "deleted" } else { "did not exist" }.to_owned(),
        |after| format!("not deleted: {after} imports from it and was not deleted"),
        out,
    )?;
    if code != EXIT_OK {
        let _ = writeln!(err, "error: not every stack was deleted (summary above)");
    }
    Ok(code)
}
