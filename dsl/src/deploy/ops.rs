//! The operations: deploy, diff, destroy, outputs, status.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use indexmap::IndexMap;

use super::changeset::{self, Created, Plan, Submission};
use super::error::Error;
use super::event::{StackEvent, root_cause};
use super::events::{EventCursor, recent, wait_terminal};
use super::progress::{Masked, Ui};
use super::session::{Session, request_token};
use super::stack::{StackState, StackStatusClass, deployed_template, describe};
use super::upload::{MAX_TEMPLATE_BODY, upload};
use crate::analysis::approval::broadening;
use crate::analysis::diff::property_diff;
use crate::analysis::mask::Masker;
use crate::model::render::Json;
use crate::model::template::Template;
use crate::validate::capabilities;
use crate::validate::secrets::no_echo_parameters;

/// Options of [`deploy`] (and the parameters/upload ones of [`diff`]).
#[derive(Clone, Debug, Default)]
pub struct DeployOptions {
    /// `--parameter K=V`, in order.
    pub parameters: Vec<(String, String)>,
    /// `--tag K=V`, in order.
    pub tags: Vec<(String, String)>,
    /// `--no-execute`: create and show the change set only.
    pub no_execute: bool,
    /// `--yes`: no confirmation.
    pub yes: bool,
    /// `--s3-bucket`: where templates over 51,200 bytes go.
    pub s3_bucket: Option<String>,
    /// `--s3-prefix`.
    pub s3_prefix: Option<String>,
    /// `--role-arn`: the role CloudFormation assumes.
    pub role_arn: Option<String>,
    /// `--termination-protection`.
    pub termination_protection: bool,
    /// `--timeout`: stop waiting after this long (CloudFormation carries on).
    pub timeout: Option<Duration>,
}

/// How a deploy ended (failures are [`Error`]s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeployOutcome {
    /// Template and parameters unchanged: nothing was created or executed.
    NoChanges,
    /// The change set was executed and the stack reached `CREATE_COMPLETE` (`created`) or
    /// `UPDATE_COMPLETE`.
    Executed {
        /// True for a new stack.
        created: bool,
    },
    /// `--no-execute`: the change set is left for review.
    NotExecuted {
        /// Its id (ARN).
        change_set: String,
    },
    /// `--no-execute` for a stack set ([`crate::StackSet`]): the plan was shown, nothing
    /// was done (stack sets have no change sets).
    Planned,
}

/// What [`diff`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffOutcome {
    /// True when deploying would change something.
    pub changes: bool,
    /// What the change's cost is measured against: `None` when there is nothing to price
    /// (no changes, a stack set), `Some(None)` for a stack that does not exist yet,
    /// `Some(Some(template))` for the deployed template.
    pub priced_against: Option<Option<Json>>,
}

fn masker_for(template: &Template, opts: &DeployOptions) -> Masker {
    Masker::new(template, &opts.parameters)
}

fn mask_err(m: &Masker, mut e: Error) -> Error {
    e.message = m.mask(&e.message);
    e
}

/// `ferroform-<ms>-<pid>`: unique even for two deploys started in the same millisecond.
fn change_set_name() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("ferroform-{ms}-{}", std::process::id())
}

/// Deploy `template` as the stack named by [`Template::name`]; returns the outcome and the
/// stack's outputs afterwards (empty for `--no-execute`). Outputs derived from NoEcho
/// parameters read `****` (see [`Masker`]), as do NoEcho values in everything reported.
pub async fn deploy(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(DeployOutcome, IndexMap<String, String>), Error> {
    let masker = masker_for(template, opts);
    let mut ui = Masked {
        inner: ui,
        masker: &masker,
    };
    s.reset();
    let r = match template.stack_set() {
        Some(set) => {
            s.bounded(
                template.name(),
                super::stackset::deploy(s, template, set, opts, &mut ui),
            )
            .await
        }
        None => {
            s.bounded(template.name(), deploy_inner(s, template, opts, &mut ui))
                .await
        }
    };
    ui.finish();
    r.map(|(outcome, mut outputs)| {
        masker.mask_outputs(&mut outputs);
        (outcome, outputs)
    })
    .map_err(|e| mask_err(&masker, e))
}

/// Check the parameters against the template; build the list to submit.
pub(super) fn parameters_for(
    name: &str,
    body: &Json,
    given: &[(String, String)],
    existing: Option<&IndexMap<String, String>>,
) -> Result<Vec<(String, Option<String>)>, Error> {
    let declared: Vec<String> = body
        .get("Parameters")
        .and_then(Json::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for (k, _) in given {
        if !declared.contains(k) {
            return Err(Error::input(
                Some(name),
                format!(
                    "--parameter {k}: the template has no parameter `{k}` (it has: {})",
                    if declared.is_empty() {
                        "none".to_owned()
                    } else {
                        declared.join(", ")
                    }
                ),
            ));
        }
    }
    let mut out = Vec::new();
    for k in &declared {
        if let Some((_, v)) = given.iter().rev().find(|(g, _)| g == k) {
            out.push((k.clone(), Some(v.clone())));
        } else if existing.is_some_and(|current| current.contains_key(k)) {
            out.push((k.clone(), None));
        }
    }
    Ok(out)
}

/// True when deploying would change nothing: same template, same given parameters (NoEcho
/// ones cannot be compared), same tags.
fn unchanged(st: &StackState, deployed: Option<&Json>, new: &Json, opts: &DeployOptions) -> bool {
    let noecho = no_echo_parameters(new);
    deployed == Some(new)
        && opts
            .parameters
            .iter()
            .all(|(k, v)| !noecho.contains(k) && st.parameters.get(k).is_some_and(|cur| cur == v))
        && opts
            .tags
            .iter()
            .all(|(k, v)| st.tags.get(k).is_some_and(|cur| cur == v))
}

async fn deploy_inner(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(DeployOutcome, IndexMap<String, String>), Error> {
    let name = template.name();
    let new = template.body();
    let existing = settle(s, name, opts, ui).await?;
    let stable = existing
        .as_ref()
        .filter(|st| st.class() == StackStatusClass::Stable);
    let deployed = match stable {
        Some(_) => deployed_template(s, name).await?,
        None => None,
    };
    let parameters = parameters_for(name, new, &opts.parameters, stable.map(|st| &st.parameters))?;

    if let Some(st) = stable
        && unchanged(st, deployed.as_ref(), new, opts)
    {
        ui.line(&format!("Stack {name}: no changes"));
        protect(s, st, opts, ui).await?;
        return Ok((DeployOutcome::NoChanges, st.outputs.clone()));
    }

    let create = stable.is_none();
    let plan = match submit(s, template, opts, parameters, create, ui).await? {
        Created::NoChanges => {
            ui.line(&format!("Stack {name}: no changes"));
            let st = describe(s, name).await?.unwrap_or_default();
            protect(s, &st, opts, ui).await?;
            return Ok((DeployOutcome::NoChanges, st.outputs));
        }
        Created::Ready(plan) => plan,
    };
    ui.line(plan.to_string().trim_end());

    if opts.no_execute {
        ui.line(&format!(
            "Change set {} created and not executed (--no-execute): {}",
            plan.name, plan.id
        ));
        return Ok((
            DeployOutcome::NotExecuted {
                change_set: plan.id.clone(),
            },
            IndexMap::new(),
        ));
    }

    let needs = broadening(&plan.changes, deployed.as_ref(), new);
    if !needs.is_empty() && !opts.yes {
        approve_or_discard(s, &plan, &needs.reasons, existing.is_none(), ui).await?;
    }

    let status = execute(s, &plan, opts, ui).await?;
    s.reset();
    let st = describe(s, name).await?.unwrap_or_default();
    protect(s, &st, opts, ui).await?;
    ui.line(&format!("Stack {name}: {status}"));
    Ok((DeployOutcome::Executed { created: create }, st.outputs))
}

/// The stack `name` as found, made deployable: a stack being changed is left alone (an
/// error), one stuck in `UPDATE_ROLLBACK_FAILED` has its rollback continued, one whose
/// creation failed is deleted first (`None`: create it again).
async fn settle(
    s: &Session,
    name: &str,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<Option<StackState>, Error> {
    s.phase(format!("reading the state of stack {name}"));
    let mut existing = describe(s, name).await?;
    if let Some(st) = &existing {
        match st.class() {
            StackStatusClass::Busy => return Err(busy(st)),
            StackStatusClass::Stuck if st.status == "UPDATE_ROLLBACK_FAILED" => {
                continue_rollback(s, st, opts, ui).await?;
                existing = describe(s, name).await?;
            }
            StackStatusClass::Stuck => {
                return Err(Error::failed(
                    name,
                    format!(
                        "is {}{}; it needs attention before it can be deployed (see `ferroform status --stack-name {name}`)",
                        st.status,
                        reason_suffix(st)
                    ),
                ));
            }
            StackStatusClass::FailedCreate => {
                recover_failed_create(s, st, opts, ui).await?;
                existing = None;
            }
            StackStatusClass::Review | StackStatusClass::Stable => {}
        }
    }
    Ok(existing)
}

/// Ask whether to execute `plan`, which needs approval for `reasons`; declined (or no
/// terminal to ask on), the change set is deleted (`created_here`: with the stack it
/// created) and the deploy fails, nothing changed.
async fn approve_or_discard(
    s: &Session,
    plan: &changeset::Plan,
    reasons: &[String],
    created_here: bool,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    let name = plan.stack.as_str();
    ui.line("This change set needs approval:");
    for r in reasons {
        ui.line(&format!("  * {r}"));
    }
    match ui.confirm(&format!(
        "Execute change set {} on stack {name}?",
        plan.name
    )) {
        Some(true) => {}
        answer => {
            discard(s, plan, created_here).await?;
            let why = if answer.is_none() {
                "not on a terminal and --yes not given"
            } else {
                "declined"
            };
            return Err(Error::failed(
                name,
                format!(
                    "change set not executed ({why}); nothing was changed and the change set was deleted. Rerun with --yes to approve."
                ),
            ));
        }
    }
    Ok(())
}

/// Execute `plan` and follow the stack to its end: the final status, or why it failed (a
/// rollback with its root cause, the stack gone, or another change set executed instead).
async fn execute(
    s: &Session,
    plan: &changeset::Plan,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<String, Error> {
    let name = plan.stack.as_str();
    let mut cursor = EventCursor::start(s, name, &plan.stack_id).await?;
    changeset::execute(s, plan).await?;
    s.phase(format!(
        "waiting for stack {name} to finish executing change set {}",
        plan.name
    ));
    let ending = wait_terminal(s, &mut cursor, ui, s.remaining(opts.timeout)).await?;
    ui.finish();
    let Some(ending) = ending else {
        return Err(Error::failed(
            name,
            "the stack disappeared while it was being deployed",
        ));
    };
    let ok = ending.status.ends_with("_COMPLETE") && !ending.status.contains("ROLLBACK");
    if !ok {
        return Err(failure(name, &ending.status, ending.reason, &cursor.all));
    }
    // Another deploy of the same stack at the same time could have run its change set
    // instead of (or after) this one: never report success for a template that is not the
    // one deployed.
    if let Some(last) = changeset::last_change_set(s, plan).await?
        && last != plan.id
    {
        return Err(Error::failed(
            name,
            format!(
                "{} but not with this deploy's change set {}: the stack's last change set is {last} (another deploy of this stack at the same time?). This template may not be what is deployed; nothing was rolled back. Check with `ferroform diff`, or run the deploy again",
                ending.status, plan.name
            ),
        ));
    }
    Ok(ending.status)
}

fn reason_suffix(st: &StackState) -> String {
    st.status_reason
        .as_deref()
        .filter(|r| !r.is_empty())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

fn busy(st: &StackState) -> Error {
    Error::failed(
        &st.name,
        format!(
            "is {}: another operation is running, so ferroform leaves it alone. Follow it with `ferroform status --stack-name {}` and retry when it is done",
            st.status, st.name
        ),
    )
}

/// The failure summary: root cause first.
fn failure(name: &str, status: &str, reason: Option<String>, events: &[StackEvent]) -> Error {
    let mut msg = format!("deploy failed: {status}");
    match root_cause(events) {
        Some(e) => msg.push_str(&format!(
            "\n  root cause: {} ({}) {}: {}",
            e.logical_id,
            e.resource_type,
            e.status,
            e.reason.as_deref().unwrap_or("no reason given")
        )),
        None => {
            if let Some(r) = reason.filter(|r| !r.is_empty()) {
                msg.push_str(&format!("\n  reason: {r}"));
            }
        }
    }
    let failed: Vec<&StackEvent> = events
        .iter()
        .filter(|e| e.status.ends_with("_FAILED") && !e.is_stack)
        .collect();
    if failed.len() > 1 {
        msg.push_str(&format!(
            "\n  {} resources failed in all (the others were cancelled or followed from it)",
            failed.len()
        ));
    }
    Error::failed(name, msg)
}

async fn recover_failed_create(
    s: &Session,
    st: &StackState,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    let name = &st.name;
    ui.line(&format!(
        "Stack {name} is {} from a failed first create{}; it must be deleted before it can be created again.",
        st.status,
        reason_suffix(st)
    ));
    approved(
        ui,
        opts.yes,
        name,
        &format!("Delete stack {name} and create it again?"),
        "not deleted (declined); nothing was changed",
        &format!(
            "is {}: rerun with --yes to delete it and create it again (not on a terminal: nothing was changed)",
            st.status
        ),
    )?;
    let mut cursor = EventCursor::start(s, name, &st.id).await?;
    s.phase(format!("deleting stack {name} ({})", st.status));
    s.cfn
        .delete_stack()
        .stack_name(&st.id)
        .client_request_token(request_token("delete"))
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "DeleteStack", e))?;
    s.started(format!("the deletion of stack {name}"));
    s.phase(format!("waiting for stack {name} to be deleted"));
    match wait_terminal(s, &mut cursor, ui, s.remaining(opts.timeout)).await? {
        None => {
            s.reset();
            ui.finish();
            ui.line(&format!("Stack {name}: deleted; creating it again"));
            Ok(())
        }
        Some(end) => Err(failure(name, &end.status, end.reason, &cursor.all)),
    }
}

/// The resources of stack `id` in `status` (`UPDATE_FAILED`, `DELETE_FAILED`), as
/// `(logical ID, type, physical ID)`.
async fn resources_in(
    s: &Session,
    name: &str,
    id: &str,
    status: &str,
) -> Result<Vec<(String, String, String)>, Error> {
    let out = s
        .cfn
        .describe_stack_resources()
        .stack_name(id)
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "DescribeStackResources", e))?;
    Ok(out
        .stack_resources()
        .iter()
        .filter(|r| {
            r.resource_status()
                .map(aws_sdk_cloudformation::types::ResourceStatus::as_str)
                == Some(status)
        })
        .map(|r| {
            (
                r.logical_resource_id().unwrap_or_default().to_owned(),
                r.resource_type().unwrap_or_default().to_owned(),
                r.physical_resource_id().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

/// `UPDATE_ROLLBACK_FAILED`: an update failed and so did its rollback; nothing can be
/// deployed until the rollback is continued. Continue it, skipping the resources that could
/// not be rolled back (they keep the state they are in, which may not match the template),
/// after saying which and asking (`--yes` answers).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed>
async fn continue_rollback(
    s: &Session,
    st: &StackState,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    let name = &st.name;
    let skip = resources_in(s, name, &st.id, "UPDATE_FAILED").await?;
    ui.line(&format!(
        "Stack {name} is UPDATE_ROLLBACK_FAILED{}: the rollback of a failed update could not finish.",
        reason_suffix(st)
    ));
    let listed: Vec<String> = skip
        .iter()
        .map(|(id, ty, physical)| format!("{id} ({ty}, {physical})"))
        .collect();
    let question = if skip.is_empty() {
        format!("Continue the rollback of stack {name}?")
    } else {
        ui.line("These resources could not be rolled back; continuing skips them, and they keep their current state, which may not match the template:");
        for l in &listed {
            ui.line(&format!("  {l}"));
        }
        format!(
            "Continue the rollback of stack {name}, skipping {}?",
            skip.iter()
                .map(|(id, _, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    approved(
        ui,
        opts.yes,
        name,
        &question,
        "rollback not continued (declined); nothing was changed",
        "is UPDATE_ROLLBACK_FAILED: rerun with --yes to continue its rollback (skipping the resources listed above) and then deploy (not on a terminal: nothing was changed)",
    )?;
    let mut cursor = EventCursor::start(s, name, &st.id).await?;
    s.phase(format!("continuing the rollback of stack {name}"));
    let mut req = s
        .cfn
        .continue_update_rollback()
        .stack_name(&st.id)
        .client_request_token(request_token("continue-rollback"));
    for (id, _, _) in &skip {
        req = req.resources_to_skip(id);
    }
    if let Some(r) = &opts.role_arn {
        req = req.role_arn(r);
    }
    req.send()
        .await
        .map_err(|e| s.sdk_error(name, "ContinueUpdateRollback", e))?;
    s.started(format!("the rollback of stack {name}"));
    match wait_terminal(s, &mut cursor, ui, s.remaining(opts.timeout)).await? {
        Some(end) if end.status == "UPDATE_ROLLBACK_COMPLETE" => {
            s.reset();
            ui.finish();
            ui.line(&format!(
                "Stack {name}: UPDATE_ROLLBACK_COMPLETE; deploying"
            ));
            Ok(())
        }
        Some(end) => Err(failure(name, &end.status, end.reason, &cursor.all)),
        None => Err(Error::failed(
            name,
            "disappeared while its rollback was continued",
        )),
    }
}

/// Go on when `yes`, or when asked `question` and answered yes; otherwise the error
/// `declined` (answered no) or `no_terminal` (nobody to ask).
pub(super) fn approved(
    ui: &mut dyn Ui,
    yes: bool,
    name: &str,
    question: &str,
    declined: &str,
    no_terminal: &str,
) -> Result<(), Error> {
    if yes {
        return Ok(());
    }
    match ui.confirm(question) {
        Some(true) => Ok(()),
        Some(false) => Err(Error::failed(name, declined)),
        None => Err(Error::failed(name, no_terminal)),
    }
}

async fn protect(
    s: &Session,
    st: &StackState,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    if opts.termination_protection && !st.termination_protection && !st.id.is_empty() {
        s.cfn
            .update_termination_protection()
            .stack_name(&st.id)
            .enable_termination_protection(true)
            .send()
            .await
            .map_err(|e| s.sdk_error(&st.name, "UpdateTerminationProtection", e))?;
        ui.line(&format!("Stack {}: termination protection on", st.name));
    }
    Ok(())
}

/// The template bucket of the bootstrap stack ([`crate::bootstrap`]) of the account and
/// region deployed to, for a template of `len` bytes given no `--s3-bucket`.
async fn bootstrap_bucket(s: &Session, name: &str, len: usize) -> Result<String, Error> {
    use crate::bootstrap::{STACK_NAME, TEMPLATE_BUCKET_OUTPUT};
    let found = describe(s, STACK_NAME).await?;
    match found
        .as_ref()
        .and_then(|st| st.outputs.get(TEMPLATE_BUCKET_OUTPUT))
    {
        Some(bucket) if !bucket.is_empty() => Ok(bucket.clone()),
        _ => Err(Error::input(
            Some(name),
            format!(
                "the template is {len} bytes, over CloudFormation's {MAX_TEMPLATE_BODY}-byte limit for inline templates, and this account and region have no bootstrap stack ({STACK_NAME}) to upload it to: run `ferroform bootstrap` once, or pass --s3-bucket BUCKET (and optionally --s3-prefix)"
            ),
        )),
    }
}

async fn submit(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    parameters: Vec<(String, Option<String>)>,
    create: bool,
    ui: &mut dyn Ui,
) -> Result<Created, Error> {
    let name = template.name();
    let (body, url) = template_source(s, template, opts, ui).await?;
    let caps = capabilities(template);
    changeset::create(
        s,
        Submission {
            stack: name,
            create,
            body,
            url,
            parameters,
            capabilities: caps.iter().map(|c| c.as_str()).collect(),
            tags: &opts.tags,
            role_arn: opts.role_arn.as_deref(),
            name: change_set_name(),
            timeout: opts.timeout,
        },
    )
    .await
}

/// How a template is sent: its text (body), or, over 51,200 bytes, the URL of its copy in
/// `--s3-bucket` (else the bootstrap bucket), uploaded unless already there.
pub(super) async fn template_source(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(Option<String>, Option<String>), Error> {
    let name = template.name();
    // The file as given (or the synthesized JSON): what the size limit is about.
    let body = template.body_text().to_owned();
    let url = if body.len() > MAX_TEMPLATE_BODY {
        let bucket = match &opts.s3_bucket {
            Some(b) => b.clone(),
            None => bootstrap_bucket(s, name, body.len()).await?,
        };
        let up = upload(s, name, &bucket, opts.s3_prefix.as_deref(), &body).await?;
        ui.line(&if up.uploaded {
            format!(
                "Stack {name}: template ({} bytes) uploaded to {}",
                body.len(),
                up.location
            )
        } else {
            format!(
                "Stack {name}: template already in {} (same content, not uploaded again)",
                up.location
            )
        });
        Some(up.url)
    } else {
        None
    };
    Ok((url.is_none().then_some(body), url))
}

/// Delete a change set, and the REVIEW_IN_PROGRESS stack its CREATE made when `stack_too`.
async fn discard(s: &Session, plan: &Plan, stack_too: bool) -> Result<(), Error> {
    changeset::delete(s, plan).await?;
    if plan.create && stack_too {
        s.cfn
            .delete_stack()
            .stack_name(&plan.stack_id)
            .client_request_token(request_token("delete"))
            .send()
            .await
            .map_err(|e| s.sdk_error(&plan.stack, "DeleteStack", e))?;
        let mut delays = s.poll.delays().take(60);
        while let Some(st) = describe(s, &plan.stack_id).await? {
            if !st.status.ends_with("_IN_PROGRESS") || st.status == "REVIEW_IN_PROGRESS" {
                // REVIEW_IN_PROGRESS stacks go straight to DELETE_COMPLETE; keep waiting
                // only while a delete is running.
                if st.status != "DELETE_IN_PROGRESS" && st.status != "REVIEW_IN_PROGRESS" {
                    break;
                }
            }
            match delays.next() {
                Some(d) => tokio::time::sleep(d).await,
                None => break,
            }
        }
    }
    Ok(())
}

/// Show what deploying `template` would change: the change set's resource plan and a
/// property-level diff of the deployed template. Leaves nothing behind.
pub async fn diff(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DiffOutcome, Error> {
    let masker = masker_for(template, opts);
    let mut ui = Masked {
        inner: ui,
        masker: &masker,
    };
    s.reset();
    match template.stack_set() {
        Some(set) => s
            .bounded(
                template.name(),
                super::stackset::diff(s, template, set, opts, &mut ui),
            )
            .await
            .map(|changes| DiffOutcome {
                changes,
                priced_against: None,
            }),
        None => {
            s.bounded(template.name(), diff_inner(s, template, opts, &mut ui))
                .await
        }
    }
    .map_err(|e| mask_err(&masker, e))
}

async fn diff_inner(
    s: &Session,
    template: &Template,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<DiffOutcome, Error> {
    let name = template.name();
    let new = template.body();
    s.phase(format!("reading the state of stack {name}"));
    let existing = describe(s, name).await?;
    let stable = existing
        .as_ref()
        .filter(|st| st.class() == StackStatusClass::Stable);
    let deployed = match stable {
        Some(_) => deployed_template(s, name).await?,
        None => None,
    };
    if let Some(st) = &existing {
        match st.class() {
            StackStatusClass::Busy => return Err(busy(st)),
            StackStatusClass::FailedCreate | StackStatusClass::Stuck => {
                ui.line(&format!(
                    "Stack {name} is {}: a deploy would have to delete it first. Template as new:",
                    st.status
                ));
                for l in property_diff(None, new) {
                    ui.line(&l);
                }
                return Ok(DiffOutcome {
                    changes: true,
                    priced_against: Some(None),
                });
            }
            _ => {}
        }
    }
    let parameters = parameters_for(name, new, &opts.parameters, stable.map(|st| &st.parameters))?;
    if let Some(st) = stable
        && unchanged(st, deployed.as_ref(), new, opts)
    {
        ui.line(&format!("Stack {name}: no changes"));
        return Ok(DiffOutcome {
            changes: false,
            priced_against: None,
        });
    }
    let created_here = existing.is_none();
    let plan = match submit(s, template, opts, parameters, stable.is_none(), ui).await? {
        Created::NoChanges => {
            ui.line(&format!("Stack {name}: no changes"));
            return Ok(DiffOutcome {
                changes: false,
                priced_against: None,
            });
        }
        Created::Ready(plan) => plan,
    };
    // Clean up before printing, so that an interrupted print leaves nothing behind either.
    discard(s, &plan, created_here).await?;
    if existing.is_none() {
        ui.line(&format!(
            "Stack {name} does not exist yet: it would be created"
        ));
    }
    ui.line(plan.to_string().trim_end());
    let lines = property_diff(deployed.as_ref(), new);
    if !lines.is_empty() {
        ui.line("Template differences (deployed → new):");
        for l in lines {
            ui.line(&format!("  {l}"));
        }
    }
    let needs = broadening(&plan.changes, deployed.as_ref(), new);
    if !needs.is_empty() {
        ui.line("A deploy would ask for approval:");
        for r in &needs.reasons {
            ui.line(&format!("  * {r}"));
        }
    }
    Ok(DiffOutcome {
        changes: true,
        priced_against: Some(deployed),
    })
}

/// Delete stack `name`, streaming its events. A stack that does not exist is reported and is
/// not an error (returns `false`).
pub async fn destroy(
    s: &Session,
    name: &str,
    yes: bool,
    role_arn: Option<&str>,
    timeout: Option<Duration>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    s.reset();
    s.bounded(name, destroy_inner(s, name, yes, role_arn, timeout, ui))
        .await
}

async fn destroy_inner(
    s: &Session,
    name: &str,
    yes: bool,
    role_arn: Option<&str>,
    timeout: Option<Duration>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    s.phase(format!("reading the state of stack {name}"));
    let Some(st) = describe(s, name).await? else {
        // A name given on the command line may be a stack set's.
        if super::stackset::destroy(s, name, None, yes, timeout, ui).await? {
            return Ok(true);
        }
        ui.line(&format!("Stack {name} does not exist: nothing to destroy"));
        return Ok(false);
    };
    if st.class() == StackStatusClass::Busy && st.status != "REVIEW_IN_PROGRESS" {
        return Err(busy(&st));
    }
    if st.termination_protection {
        return Err(Error::failed(
            name,
            "has termination protection on: turn it off first (aws cloudformation update-termination-protection --no-enable-termination-protection)",
        ));
    }
    // A deletion that failed before: those resources would fail again. Delete the stack
    // without them (FORCE_DELETE_STACK), naming what is left behind.
    // <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html>
    let left_behind = if st.status == "DELETE_FAILED" {
        let failed = resources_in(s, name, &st.id, "DELETE_FAILED").await?;
        ui.line(&format!(
            "Stack {name} is DELETE_FAILED{}: it is deleted by force, and these resources are left behind, not deleted (delete them yourself):",
            reason_suffix(&st)
        ));
        for (id, ty, physical) in &failed {
            ui.line(&format!("  {id} ({ty}, {physical})"));
        }
        Some(failed)
    } else {
        None
    };
    let question = match &left_behind {
        Some(_) => format!("Delete stack {name} by force, leaving those resources behind?"),
        None => format!("Delete stack {name} ({}) and its resources?", st.status),
    };
    approved(
        ui,
        yes,
        name,
        &question,
        "not deleted (declined)",
        "not deleted: pass --yes to delete without a terminal to confirm on",
    )?;
    let mut cursor = EventCursor::start(s, name, &st.id).await?;
    // The token makes a retried DeleteStack (after a lost answer) the same deletion.
    let mut req = s
        .cfn
        .delete_stack()
        .stack_name(&st.id)
        .client_request_token(request_token("delete"));
    if let Some(r) = role_arn {
        req = req.role_arn(r);
    }
    if left_behind.is_some() {
        req = req.deletion_mode(aws_sdk_cloudformation::types::DeletionMode::ForceDeleteStack);
    }
    s.phase(format!("deleting stack {name}"));
    req.send()
        .await
        .map_err(|e| s.sdk_error(name, "DeleteStack", e))?;
    s.started(format!("the deletion of stack {name}"));
    s.phase(format!("waiting for stack {name} to be deleted"));
    let end = wait_terminal(s, &mut cursor, ui, s.remaining(timeout)).await?;
    ui.finish();
    match end {
        None => {
            ui.line(&format!("Stack {name}: DELETE_COMPLETE"));
            Ok(true)
        }
        Some(e) => Err(failure(name, &e.status, e.reason, &cursor.all)),
    }
}

/// Delete stack set `name` ([`crate::StackSet`]): every instance (their stacks too), then
/// the set, after confirmation unless `yes`. A set that does not exist is reported and is
/// not an error (returns `false`).
/// `set` is the program's, when known: a set administered as a delegated administrator
/// is acted on as one.
pub async fn destroy_stack_set(
    s: &Session,
    name: &str,
    set: Option<&crate::StackSet>,
    yes: bool,
    timeout: Option<Duration>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    s.reset();
    let destroyed = s
        .bounded(
            name,
            super::stackset::destroy(s, name, set, yes, timeout, &mut *ui),
        )
        .await?;
    if !destroyed {
        ui.line(&format!(
            "Stack set {name} does not exist: nothing to destroy"
        ));
    }
    Ok(destroyed)
}

/// Print stack set `name`'s instances and their status. Returns `false` when there is no
/// such set.
/// `set` is the program's, when known (see [`destroy_stack_set`]).
pub async fn stack_set_status(
    s: &Session,
    name: &str,
    set: Option<&crate::StackSet>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    s.reset();
    s.bounded(name, super::stackset::status(s, name, set, ui))
        .await
}

/// The outputs of stack `name`, in CloudFormation's order. Outputs derived from NoEcho
/// parameters of the deployed template (read with GetTemplate when the stack has outputs)
/// read `****`: CloudFormation shows them in clear (see [`Masker`]).
pub async fn outputs(s: &Session, name: &str) -> Result<IndexMap<String, String>, Error> {
    s.reset();
    s.phase(format!("reading the outputs of stack {name}"));
    s.bounded(name, async {
        let Some(st) = describe(s, name).await? else {
            return Err(Error::failed(name, "does not exist"));
        };
        masked_outputs(s, name, &st).await
    })
    .await
}

/// The outputs of a deployed stack, those derived from NoEcho parameters masked (by field,
/// from its deployed template).
async fn masked_outputs(
    s: &Session,
    name: &str,
    st: &StackState,
) -> Result<IndexMap<String, String>, Error> {
    let mut outputs = st.outputs.clone();
    if outputs.is_empty() {
        return Ok(outputs);
    }
    let Some(body) = deployed_template(s, &st.id).await? else {
        return Err(Error::failed(
            name,
            "its template cannot be read, so the outputs that show NoEcho parameters cannot be told apart: outputs not shown",
        ));
    };
    Masker::for_outputs(&Template::new(name, body)).mask_outputs(&mut outputs);
    Ok(outputs)
}

/// Print the status of stack `name` and its `limit` most recent events (oldest first).
/// Returns the state, `None` when the stack does not exist.
pub async fn status(
    s: &Session,
    name: &str,
    limit: usize,
    ui: &mut dyn Ui,
) -> Result<Option<StackState>, Error> {
    s.reset();
    s.phase(format!("reading the status of stack {name}"));
    s.bounded(name, status_inner(s, name, limit, ui)).await
}

async fn status_inner(
    s: &Session,
    name: &str,
    limit: usize,
    ui: &mut dyn Ui,
) -> Result<Option<StackState>, Error> {
    let Some(st) = describe(s, name).await? else {
        // A name given on the command line may be a stack set's.
        if !super::stackset::status(s, name, None, ui).await? {
            ui.line(&format!("Stack {name} does not exist"));
        }
        return Ok(None);
    };
    ui.line(&format!(
        "Stack {name}: {}{}",
        st.status,
        reason_suffix(&st)
    ));
    let events = recent(s, name, &st.id).await?;
    let skip = events.len().saturating_sub(limit);
    for e in &events[skip..] {
        ui.event(e);
    }
    Ok(Some(st))
}

/// Write `{"Stack": {"OutputKey": "value"}}` (CDK's shape) to `path`, creating its directory.
/// The outputs are written as given: [`deploy`] and [`outputs`] already masked those derived
/// from NoEcho parameters. The file is written to a temporary file beside it and renamed into
/// place (atomic, never through a link); a symbolic link at `path` is refused with an error
/// naming it.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("ferroform-doc-outputs-{}", std::process::id()));
/// let path = dir.join("outputs.json");
/// let mut web = indexmap::IndexMap::new();
/// web.insert("Url".to_owned(), "https://example.com".to_owned());
/// let mut all = indexmap::IndexMap::new();
/// all.insert("Web".to_owned(), web);
/// ferroform::deploy::write_outputs_file(&path, &all).unwrap();
/// let text = std::fs::read_to_string(&path).unwrap();
/// assert_eq!(text, "{\n  \"Web\": {\n    \"Url\": \"https://example.com\"\n  }\n}\n");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn write_outputs_file(
    path: &Path,
    outputs: &IndexMap<String, IndexMap<String, String>>,
) -> std::io::Result<()> {
    let mut root = serde_json::Map::new();
    for (stack, outs) in outputs {
        let m: serde_json::Map<String, Json> = outs
            .iter()
            .map(|(k, v)| (k.clone(), Json::String(v.clone())))
            .collect();
        root.insert(stack.clone(), Json::Object(m));
    }
    let mut text = serde_json::to_string_pretty(&Json::Object(root)).unwrap_or_default();
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::fsutil::write_atomic(path, text.as_bytes(), crate::fsutil::Durability::Synced)
}
