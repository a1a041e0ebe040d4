//! `deploy`: change-set deploys with live events.

use std::io::Write;
use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use indexmap::IndexMap;

use super::{
    Call, Sessions, common, concurrency_arg, connect_templates, key_value, make_ui, run_on_stack,
    run_ordered, summarize, templates_and_images,
};
use crate::analysis::links;
use crate::cli::{EXIT_OK, Exit};
use crate::deploy::{self, DeployOptions, write_outputs_file};
use crate::fsutil::check_writable;

pub(crate) fn command(tool: bool) -> Command {
    let cmd = Command::new("deploy")
        .about("Deploy stacks through CloudFormation change sets and follow their events")
        .long_about(
            "Create a change set (CREATE for a new stack, UPDATE otherwise), show the plan, execute it \
             and stream the stack events until the stack settles. Unchanged templates and parameters are \
             \"no changes\" (exit 0, nothing left behind). Without --yes, a change set that replaces or \
             deletes resources, or adds or widens IAM permissions or security-group ingress, is confirmed \
             on a terminal and refused (exit 1, nothing executed) elsewhere. Capabilities \
             (CAPABILITY_IAM...) are worked out from the template.",
        );
    super::publish::builder_arg(common(cmd, tool, true))
        .arg(Arg::new("parameter").long("parameter").value_name("K=V").action(ArgAction::Append).value_parser(key_value).help("A template parameter (repeatable); NoEcho values are never printed by ferroform; in messages from AWS, values of 4 characters or more are masked (shorter ones would match ordinary text)"))
        .arg(Arg::new("tag").long("tag").value_name("K=V").action(ArgAction::Append).value_parser(key_value).help("A stack tag (repeatable)"))
        .arg(Arg::new("no-execute").long("no-execute").action(ArgAction::SetTrue).help("Create and show the change set only"))
        .arg(Arg::new("yes").long("yes").short('y').action(ArgAction::SetTrue).help("Do not ask for approval"))
        .arg(Arg::new("s3-bucket").long("s3-bucket").value_name("BUCKET").help("Upload templates over 51,200 bytes here (required for them)"))
        .arg(Arg::new("s3-prefix").long("s3-prefix").value_name("PREFIX").requires("s3-bucket").help("Key prefix for uploaded templates"))
        .arg(Arg::new("role-arn").long("role-arn").value_name("ARN").help("Role CloudFormation assumes for the operation"))
        .arg(Arg::new("termination-protection").long("termination-protection").action(ArgAction::SetTrue).help("Turn termination protection on"))
        .arg(concurrency_arg("Deploy up to N stacks at once, each after the stacks it imports from; a failed stack stops those that need it, the others finish (default 1: one at a time, the first failure stops the run)"))
        .arg(Arg::new("outputs-file").long("outputs-file").value_name("FILE").value_parser(value_parser!(PathBuf)).help("Write the outputs as {\"Stack\": {\"Key\": \"value\"}} after a successful deploy (outputs that show NoEcho parameters read ****); checked before anything is submitted, never written through a symbolic link"))
}

pub(crate) fn options(m: &ArgMatches) -> DeployOptions {
    let pairs = |id: &str| -> Vec<(String, String)> {
        m.try_get_many::<(String, String)>(id)
            .ok()
            .flatten()
            .map(|v| v.cloned().collect())
            .unwrap_or_default()
    };
    let flag = |id: &str| {
        m.try_get_one::<bool>(id)
            .ok()
            .flatten()
            .copied()
            .unwrap_or(false)
    };
    let text = |id: &str| m.try_get_one::<String>(id).ok().flatten().cloned();
    DeployOptions {
        parameters: pairs("parameter"),
        tags: pairs("tag"),
        no_execute: flag("no-execute"),
        yes: flag("yes"),
        s3_bucket: text("s3-bucket"),
        s3_prefix: text("s3-prefix"),
        role_arn: text("role-arn"),
        termination_protection: flag("termination-protection"),
        timeout: m
            .try_get_one::<std::time::Duration>("timeout")
            .ok()
            .flatten()
            .copied(),
    }
}

/// Run the command; the caller prints the failure's text and exits with its code.
pub(crate) fn run((source, m, out, err): Call<'_>) -> Result<u8, Exit> {
    let (templates, images) = templates_and_images(source, m, err)?;
    let opts = options(m);
    let outputs_file = m.get_one::<PathBuf>("outputs-file");
    // Found out now, not after the change sets ran: the file is written at the end.
    if let Some(path) = outputs_file
        && !opts.no_execute
        && let Err(e) = check_writable(path)
    {
        return Err(Exit::usage(format!(
            "--outputs-file {}: cannot be written: {e}; nothing was submitted",
            path.display()
        )));
    }
    let sessions = connect_templates(m, &templates)?;
    let concurrency = m.get_one::<usize>("concurrency").copied().unwrap_or(1);
    if concurrency > 1 && templates.len() > 1 {
        return run_concurrently(
            &sessions,
            m,
            &templates,
            &images,
            &opts,
            concurrency,
            out,
            err,
        );
    }
    // Images built from source: published before the change set of the stack that runs
    // them, after the stacks before it (which may create their repository) are deployed.
    let mut all_outputs: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    for t in &templates {
        let session = sessions.of(t.env());
        let mine: Vec<_> = images
            .iter()
            .filter(|i| i.stack() == t.name())
            .cloned()
            .collect();
        if !mine.is_empty() {
            let mut ui = make_ui(m, out, err);
            if opts.no_execute {
                ui.line(&format!(
                    "Stack {}: {} image(s) not published (--no-execute)",
                    t.name(),
                    mine.len()
                ));
            } else {
                super::publish::publish_images(session, m, t.name(), &mine, ui.as_mut())?;
            }
        }
        let (_, outputs) = {
            let mut ui = make_ui(m, out, err);
            run_on_stack(t.name(), deploy::deploy(session, t, &opts, ui.as_mut()))?
        };
        all_outputs.insert(t.name().to_owned(), outputs);
        if let Some(path) = outputs_file
            && !opts.no_execute
        {
            write_outputs_file(path, &all_outputs)
                .map_err(|e| Exit::usage(format!("cannot write {}: {e}", path.display())))?;
        }
    }
    Ok(EXIT_OK)
}

/// `--concurrency N` (N > 1): the stacks in dependency order, up to N at once, each line
/// prefixed with its stack; a summary of every stack's result at the end.
#[allow(clippy::too_many_arguments)]
fn run_concurrently(
    sessions: &Sessions,
    m: &ArgMatches,
    templates: &[crate::Template],
    images: &[crate::model::asset::ImageAsset],
    opts: &DeployOptions,
    concurrency: usize,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    let names: Vec<String> = templates.iter().map(|t| t.name().to_owned()).collect();
    let bodies: Vec<&crate::Json> = templates.iter().map(crate::Template::body).collect();
    let needs = links::dependencies(&bodies);
    let publish_opts = if images.is_empty() {
        None
    } else {
        Some(super::publish::options(m)?)
    };
    let out_cell = std::cell::RefCell::new(out);
    let err_cell = std::cell::RefCell::new(err);
    let lines = super::live_view(m).then(deploy::StackLines::new);
    let results = {
        let (out_cell, err_cell) = (&out_cell, &err_cell);
        let lines = lines.as_ref();
        let publish_opts = publish_opts.as_ref();
        run_ordered(&names, &needs, concurrency, |i| {
            let t = &templates[i];
            let session = sessions.of(t.env());
            let mine: Vec<_> = images
                .iter()
                .filter(|a| a.stack() == t.name())
                .cloned()
                .collect();
            Box::pin(deploy::separately(async move {
                let mut ui = super::stack_ui(lines, t.name(), out_cell, err_cell);
                if let Some(p) = publish_opts
                    && !mine.is_empty()
                {
                    if opts.no_execute {
                        ui.line(&format!(
                            "{} image(s) not published (--no-execute)",
                            mine.len()
                        ));
                    } else {
                        deploy::publish(session, &mine, p, ui.as_mut()).await?;
                    }
                }
                deploy::deploy(session, t, opts, ui.as_mut()).await
            }))
        })?
    };
    let out = out_cell.into_inner();
    let err = err_cell.into_inner();
    let mut all_outputs: IndexMap<String, IndexMap<String, String>> = IndexMap::new();
    let code = summarize(
        &names,
        results,
        "\ninterrupted: CloudFormation carries on with what it started; nothing was deleted.\nFollow each stack with `ferroform status`.",
        |name, (outcome, outputs)| {
            all_outputs.insert(name.to_owned(), outputs);
            match outcome {
                deploy::DeployOutcome::NoChanges => "no changes".to_owned(),
                deploy::DeployOutcome::Executed { created: true } => "created".to_owned(),
                deploy::DeployOutcome::Executed { created: false } => "updated".to_owned(),
                deploy::DeployOutcome::NotExecuted { change_set } => {
                    format!("change set {change_set} left for review")
                }
                deploy::DeployOutcome::Planned => "planned, nothing done (--no-execute)".to_owned(),
            }
        },
        |after| format!("not deployed: it needs {after}, which did not deploy"),
        out,
    )?;
    if let Some(path) = m.get_one::<PathBuf>("outputs-file")
        && !opts.no_execute
        && !all_outputs.is_empty()
    {
        write_outputs_file(path, &all_outputs)
            .map_err(|e| Exit::usage(format!("cannot write {}: {e}", path.display())))?;
    }
    if code != EXIT_OK {
        let _ = writeln!(err, "error: not every stack was deployed (summary above)");
    }
    Ok(code)
}
