//! StackSets ([`crate::StackSet`]): create or update the set, create the instances the
//! program adds and delete those it drops, one operation at a time, each followed to its
//! end with a line per account and region; `destroy` deletes the instances, then the set.
//!
//! CloudFormation runs one operation of a set at a time, so the operations go in sequence:
//! removals (after approval, asked before anything is done), the set's update (which
//! updates every remaining instance), then the new instances. Every operation carries an
//! `OperationId` and `CreateStackSet` a `ClientRequestToken`: a retried call never starts a
//! second operation.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html>

use std::collections::BTreeSet;
use std::time::Instant;

use aws_sdk_cloudformation::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{
    AutoDeployment, CallAs, Capability, ConcurrencyMode, DeploymentTargets, Parameter,
    PermissionModels, RegionConcurrencyType, StackSetOperationPreferences, Tag,
};
use indexmap::IndexMap;

use super::error::Error;
use super::ops::{DeployOptions, DeployOutcome, approved, parameters_for, template_source};
use super::progress::Ui;
use super::session::{Session, human, request_token};
use crate::analysis::diff::property_diff;
use crate::model::json::Json;
use crate::model::stackset::{Limit, StackSet};
use crate::model::template::Template;
use crate::validate::capabilities;
use crate::validate::secrets::no_echo_parameters;

/// A deployed stack set, as `DescribeStackSet` and `ListStackInstances` tell.
#[derive(Debug, Default)]
struct Current {
    template: Option<Json>,
    parameters: IndexMap<String, String>,
    tags: IndexMap<String, String>,
    service_managed: bool,
    auto_deployment: Option<(bool, bool)>,
    instances: Vec<Instance>,
}

/// One stack instance.
#[derive(Clone, Debug)]
struct Instance {
    /// The account, or for a service-managed set the organizational unit it was deployed
    /// through (what the program names).
    target: String,
    account: String,
    region: String,
    status: String,
    reason: Option<String>,
}

/// What a deploy of a set would do.
struct SetPlan {
    exists: bool,
    /// Template, parameters, tags or automatic deployment differ: `UpdateStackSet`.
    update: bool,
    create: Vec<(String, String)>,
    remove: Vec<(String, String)>,
}

impl SetPlan {
    fn nothing(&self) -> bool {
        self.exists && !self.update && self.create.is_empty() && self.remove.is_empty()
    }

    fn lines(&self, name: &str, instances_now: usize) -> Vec<String> {
        let mut out = vec![format!(
            "Stack set {name}: {}",
            if self.exists {
                format!("update ({instances_now} instance(s) now)")
            } else {
                "create".to_owned()
            }
        )];
        if self.exists && self.update {
            out.push(
                "  ~ template, parameters or settings changed: every instance is updated".into(),
            );
        }
        for (t, r) in &self.create {
            out.push(format!("  + instance {t} {r}"));
        }
        for (t, r) in &self.remove {
            out.push(format!("  - instance {t} {r} (its stack is deleted)"));
        }
        out
    }
}

fn call_as(set: &StackSet) -> Option<CallAs> {
    match set.permissions() {
        crate::model::stackset::Permissions::ServiceManaged {
            delegated_admin: true,
            ..
        } => Some(CallAs::DelegatedAdmin),
        _ => None,
    }
}

fn is_missing_set<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(e, SdkError::ServiceError(se) if se.err().code() == Some("StackSetNotFoundException"))
}

/// The set named `name` and its instances; `None` when there is no such set.
async fn describe_set(
    s: &Session,
    name: &str,
    call: Option<&CallAs>,
) -> Result<Option<Current>, Error> {
    s.phase(format!("reading stack set {name}"));
    let out = match s
        .cfn
        .describe_stack_set()
        .stack_set_name(name)
        .set_call_as(call.cloned())
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if is_missing_set(&e) => return Ok(None),
        Err(e) => return Err(s.sdk_error(name, "DescribeStackSet", e)),
    };
    let Some(set) = out.stack_set() else {
        return Ok(None);
    };
    if set.status().is_some_and(|st| st.as_str() == "DELETED") {
        return Ok(None);
    }
    let mut current = Current {
        template: set
            .template_body()
            .and_then(|b| Template::parse(name, b).ok())
            .map(|t| t.body().clone()),
        parameters: set
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_owned(),
                    p.parameter_value()?.to_owned(),
                ))
            })
            .collect(),
        tags: set
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
            .collect(),
        service_managed: set
            .permission_model()
            .is_some_and(|p| *p == PermissionModels::ServiceManaged),
        auto_deployment: set.auto_deployment().map(|a| {
            (
                a.enabled().unwrap_or(false),
                a.retain_stacks_on_account_removal().unwrap_or(false),
            )
        }),
        instances: Vec::new(),
    };
    let mut token: Option<String> = None;
    loop {
        let page = s
            .cfn
            .list_stack_instances()
            .stack_set_name(name)
            .set_call_as(call.cloned())
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "ListStackInstances", e))?;
        for i in page.summaries() {
            let account = i.account().unwrap_or_default().to_owned();
            current.instances.push(Instance {
                target: i
                    .organizational_unit_id()
                    .filter(|_| current.service_managed)
                    .map_or_else(|| account.clone(), str::to_owned),
                account,
                region: i.region().unwrap_or_default().to_owned(),
                status: i
                    .status()
                    .map(|x| x.as_str().to_owned())
                    .unwrap_or_default(),
                reason: i.status_reason().map(str::to_owned),
            });
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    Ok(Some(current))
}

fn plan(
    set: &StackSet,
    template: &Template,
    current: Option<&Current>,
    opts: &DeployOptions,
) -> SetPlan {
    let wanted = set.instances();
    let Some(cur) = current else {
        return SetPlan {
            exists: false,
            update: false,
            create: wanted,
            remove: Vec::new(),
        };
    };
    let have: BTreeSet<(String, String)> = cur
        .instances
        .iter()
        .map(|i| (i.target.clone(), i.region.clone()))
        .collect();
    let create = wanted
        .iter()
        .filter(|w| !have.contains(*w))
        .cloned()
        .collect();
    let remove = have
        .iter()
        .filter(|h| !wanted.contains(h))
        .cloned()
        .collect();
    let noecho = no_echo_parameters(template.body());
    let auto = match set.permissions() {
        crate::model::stackset::Permissions::ServiceManaged {
            auto_deployment,
            retain_stacks_on_account_removal,
            ..
        } => Some((*auto_deployment, *retain_stacks_on_account_removal)),
        crate::model::stackset::Permissions::SelfManaged { .. } => None,
    };
    let update = cur.template.as_ref() != Some(template.body())
        || opts
            .parameters
            .iter()
            .any(|(k, v)| noecho.contains(k) || cur.parameters.get(k) != Some(v))
        || opts.tags.iter().any(|(k, v)| cur.tags.get(k) != Some(v))
        || (auto.is_some() && cur.auto_deployment.is_some() && auto != cur.auto_deployment);
    SetPlan {
        exists: true,
        update,
        create,
        remove,
    }
}

fn preferences(set: &StackSet) -> StackSetOperationPreferences {
    let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let mut p = StackSetOperationPreferences::builder()
        .region_concurrency_type(if set.parallel_regions() {
            RegionConcurrencyType::Parallel
        } else {
            RegionConcurrencyType::Sequential
        })
        .set_region_order(Some(set.ordered_regions()));
    p = match set.max_concurrent_limit() {
        Some(Limit::Count(c)) => p.max_concurrent_count(n(c)),
        Some(Limit::Percentage(c)) => p.max_concurrent_percentage(n(c)),
        None => p,
    };
    p = match set.failure_tolerance_limit() {
        Some(Limit::Count(c)) => p.failure_tolerance_count(n(c)),
        Some(Limit::Percentage(c)) => p.failure_tolerance_percentage(n(c)),
        None => p,
    };
    if set.is_soft_failure_tolerance() {
        p = p.concurrency_mode(ConcurrencyMode::SoftFailureTolerance);
    }
    p.build()
}

/// The pairs grouped into operations: targets that need the same regions share one
/// (`CreateStackInstances` and `DeleteStackInstances` act on targets × regions).
fn groups(pairs: &[(String, String)]) -> Vec<(Vec<String>, Vec<String>)> {
    let mut by_target: IndexMap<&str, Vec<String>> = IndexMap::new();
    for (t, r) in pairs {
        by_target.entry(t).or_default().push(r.clone());
    }
    let mut out: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (t, regions) in by_target {
        match out.iter_mut().find(|(_, rs)| *rs == regions) {
            Some((ts, _)) => ts.push(t.to_owned()),
            None => out.push((vec![t.to_owned()], regions)),
        }
    }
    out
}

fn targets(
    service_managed: bool,
    ids: &[String],
) -> (Option<Vec<String>>, Option<DeploymentTargets>) {
    if service_managed {
        (
            None,
            Some(
                DeploymentTargets::builder()
                    .set_organizational_unit_ids(Some(ids.to_vec()))
                    .build(),
            ),
        )
    } else {
        (Some(ids.to_vec()), None)
    }
}

/// Follow operation `id` (`what`: "creating 2 instance(s)") to its end and report each
/// instance's result; an operation that did not succeed is an error naming the failed
/// instances and why.
async fn follow(
    s: &Session,
    name: &str,
    id: &str,
    what: &str,
    call: Option<&CallAs>,
    timeout: Option<std::time::Duration>,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    s.started(format!("stack set operation {id} ({what}) of {name}"));
    s.phase(format!("waiting for stack set {name}: {what}"));
    let timeout = s.remaining(timeout);
    let started = Instant::now();
    let mut delays = s.poll.delays();
    let status = loop {
        let out = s
            .cfn
            .describe_stack_set_operation()
            .stack_set_name(name)
            .operation_id(id)
            .set_call_as(call.cloned())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "DescribeStackSetOperation", e))?;
        let status = out
            .stack_set_operation()
            .and_then(|o| o.status())
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default();
        if matches!(status.as_str(), "SUCCEEDED" | "FAILED" | "STOPPED") {
            break status;
        }
        if let Some(t) = timeout
            && started.elapsed() > t
        {
            return Err(Error::failed(
                name,
                format!(
                    "stack set operation {id} ({what}) still {status} after {} (--timeout): ferroform stopped waiting; CloudFormation carries on with it (see `ferroform status {name}`)",
                    human(t)
                ),
            ));
        }
        if let Some(d) = delays.next() {
            tokio::time::sleep(d).await;
        }
    };
    let mut failed = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = s
            .cfn
            .list_stack_set_operation_results()
            .stack_set_name(name)
            .operation_id(id)
            .set_call_as(call.cloned())
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "ListStackSetOperationResults", e))?;
        for r in page.summaries() {
            let account = r.account().unwrap_or("?");
            let region = r.region().unwrap_or("?");
            let st = r.status().map_or("?", |x| x.as_str());
            let reason = r
                .status_reason()
                .filter(|x| !x.is_empty())
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            ui.line(&format!("  {account} {region}: {st}{reason}"));
            if st == "FAILED" || st == "CANCELLED" {
                failed.push(format!("{account} {region}: {st}{reason}"));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
    }
    s.reset();
    if status == "SUCCEEDED" {
        return Ok(());
    }
    Err(Error::failed(
        name,
        format!(
            "stack set operation {id} ({what}) {status}{}",
            if failed.is_empty() {
                String::new()
            } else {
                format!(": {}", failed.join("; "))
            }
        ),
    ))
}

/// Delete the `(target, region)` instances of stack set `name` (their stacks too), an
/// operation per group of targets sharing regions, each followed to its end.
async fn delete_instances(
    s: &Session,
    name: &str,
    (service_managed, pairs): (bool, &[(String, String)]),
    (prefs, call): (Option<&StackSetOperationPreferences>, Option<&CallAs>),
    timeout: Option<std::time::Duration>,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    for (ids, regions) in groups(pairs) {
        let (accounts, dt) = targets(service_managed, &ids);
        let what = format!("deleting {} instance(s)", ids.len() * regions.len());
        ui.line(&format!("Stack set {name}: {what}"));
        s.phase(format!("deleting instances of stack set {name}"));
        let id = request_token("delete-instances");
        let out = s
            .cfn
            .delete_stack_instances()
            .stack_set_name(name)
            .set_accounts(accounts)
            .set_deployment_targets(dt)
            .set_regions(Some(regions))
            .retain_stacks(false)
            .set_operation_preferences(prefs.cloned())
            .operation_id(&id)
            .set_call_as(call.cloned())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "DeleteStackInstances", e))?;
        // The operation's id as CloudFormation answers it (the one asked for).
        let id = out.operation_id().unwrap_or(&id).to_owned();
        follow(s, name, &id, &what, call, timeout, ui).await?;
    }
    Ok(())
}

/// Create the `(target, region)` instances of stack set `name`, an operation per group of
/// targets sharing regions, each followed to its end.
async fn create_instances(
    s: &Session,
    name: &str,
    (service_managed, pairs): (bool, &[(String, String)]),
    (prefs, call): (&StackSetOperationPreferences, Option<&CallAs>),
    timeout: Option<std::time::Duration>,
    ui: &mut dyn Ui,
) -> Result<(), Error> {
    for (ids, regions) in groups(pairs) {
        let (accounts, dt) = targets(service_managed, &ids);
        let what = format!(
            "creating instances in {} × {}",
            ids.join(", "),
            regions.join(", ")
        );
        ui.line(&format!("Stack set {name}: {what}"));
        s.phase(format!("creating instances of stack set {name}"));
        let id = request_token("create-instances");
        let out = s
            .cfn
            .create_stack_instances()
            .stack_set_name(name)
            .set_accounts(accounts)
            .set_deployment_targets(dt)
            .set_regions(Some(regions))
            .operation_preferences(prefs.clone())
            .operation_id(&id)
            .set_call_as(call.cloned())
            .send()
            .await
            .map_err(|e| s.sdk_error(name, "CreateStackInstances", e))?;
        // The operation's id as CloudFormation answers it (the one asked for).
        let id = out.operation_id().unwrap_or(&id).to_owned();
        follow(s, name, &id, &what, call, timeout, ui).await?;
    }
    Ok(())
}

/// A permission model cannot change on a deployed set: refused before anything is done.
fn same_permission_model(name: &str, current: &Current, set: &StackSet) -> Result<(), Error> {
    let model = |service: bool| {
        if service {
            "service-managed"
        } else {
            "self-managed"
        }
    };
    if current.service_managed == set.is_service_managed() {
        return Ok(());
    }
    Err(Error::failed(
        name,
        format!(
            "the deployed stack set is {}, the program's is {}: the permission model of a set cannot change; destroy it and deploy again",
            model(current.service_managed),
            model(set.is_service_managed()),
        ),
    ))
}

/// What `CreateStackSet` and `UpdateStackSet` both send besides the template.
struct SetSettings {
    capabilities: Vec<Capability>,
    parameters: Vec<Parameter>,
    tags: Vec<Tag>,
    auto_deployment: Option<AutoDeployment>,
    administration_role: Option<String>,
    execution_role_name: Option<String>,
}

impl SetSettings {
    /// The settings of `set` deploying `template`; a parameter not given keeps the deployed
    /// value (`UsePreviousValue`).
    fn of(
        set: &StackSet,
        template: &Template,
        current: Option<&Current>,
        opts: &DeployOptions,
    ) -> Result<Self, Error> {
        let capabilities = capabilities(template)
            .iter()
            .map(|c| Capability::from(c.as_str()))
            .collect();
        let parameters = parameters_for(
            template.name(),
            template.body(),
            &opts.parameters,
            current.map(|c| &c.parameters),
        )?
        .into_iter()
        .map(|(k, v)| {
            let p = Parameter::builder().parameter_key(k);
            match v {
                Some(v) => p.parameter_value(v),
                None => p.use_previous_value(true),
            }
            .build()
        })
        .collect();
        let tags = opts
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let (auto_deployment, administration_role, execution_role_name) = match set.permissions() {
            crate::model::stackset::Permissions::ServiceManaged {
                auto_deployment,
                retain_stacks_on_account_removal,
                ..
            } => (
                Some(
                    AutoDeployment::builder()
                        .enabled(*auto_deployment)
                        .retain_stacks_on_account_removal(*retain_stacks_on_account_removal)
                        .build(),
                ),
                None,
                None,
            ),
            crate::model::stackset::Permissions::SelfManaged {
                administration_role,
                execution_role_name,
            } => (
                None,
                administration_role.clone(),
                execution_role_name.clone(),
            ),
        };
        Ok(SetSettings {
            capabilities,
            parameters,
            tags,
            auto_deployment,
            administration_role,
            execution_role_name,
        })
    }
}

/// Deploy `template` as stack set `set` (called by [`super::deploy`]): plan, approve the
/// instances to delete, delete them, create or update the set, create the new instances.
pub(super) async fn deploy(
    s: &Session,
    template: &Template,
    set: &StackSet,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(DeployOutcome, IndexMap<String, String>), Error> {
    let name = template.name();
    let call = call_as(set);
    let current = describe_set(s, name, call.as_ref()).await?;
    if let Some(cur) = &current {
        same_permission_model(name, cur, set)?;
    }
    let p = plan(set, template, current.as_ref(), opts);
    if p.nothing() {
        ui.line(&format!("Stack set {name}: no changes"));
        return Ok((DeployOutcome::NoChanges, IndexMap::new()));
    }
    let now = current.as_ref().map_or(0, |c| c.instances.len());
    for l in p.lines(name, now) {
        ui.line(&l);
    }
    if opts.no_execute {
        ui.line(&format!("Stack set {name}: nothing done (--no-execute)"));
        return Ok((DeployOutcome::Planned, IndexMap::new()));
    }
    if !p.remove.is_empty() {
        approved(
            ui,
            opts.yes,
            name,
            &format!(
                "Delete {} instance(s) of stack set {name}, and their stacks?",
                p.remove.len()
            ),
            "nothing done (declined)",
            "nothing done: the deploy deletes instances; pass --yes to approve without a terminal",
        )?;
    }
    let prefs = preferences(set);
    let service = set.is_service_managed();
    let settings = SetSettings::of(set, template, current.as_ref(), opts)?;

    // Removals first: the update then touches only the instances that stay.
    delete_instances(
        s,
        name,
        (service, &p.remove),
        (Some(&prefs), call.as_ref()),
        opts.timeout,
        ui,
    )
    .await?;
    let (body, url) = if p.exists && !p.update {
        (None, None)
    } else {
        template_source(s, template, opts, ui).await?
    };
    if !p.exists {
        create_set(s, name, (body, url), settings, service, call.as_ref()).await?;
        ui.line(&format!("Stack set {name}: created"));
    } else if p.update {
        let what = format!(
            "updating the set and its {} instance(s)",
            now.saturating_sub(p.remove.len())
        );
        ui.line(&format!("Stack set {name}: {what}"));
        let update = SetUpdate {
            source: (body, url),
            settings,
            prefs: &prefs,
            call: call.as_ref(),
            tags: !opts.tags.is_empty(),
        };
        let id = update_set(s, name, update).await?;
        follow(s, name, &id, &what, call.as_ref(), opts.timeout, ui).await?;
    }
    create_instances(
        s,
        name,
        (service, &p.create),
        (&prefs, call.as_ref()),
        opts.timeout,
        ui,
    )
    .await?;
    ui.line(&format!(
        "Stack set {name}: {} instance(s) deployed",
        set.instances().len()
    ));
    Ok((
        DeployOutcome::Executed { created: !p.exists },
        IndexMap::new(),
    ))
}

/// What `UpdateStackSet` sends.
struct SetUpdate<'a> {
    /// The template's body or URL.
    source: (Option<String>, Option<String>),
    settings: SetSettings,
    prefs: &'a StackSetOperationPreferences,
    call: Option<&'a CallAs>,
    /// Whether to send the tags (none given keeps the set's tags).
    tags: bool,
}

/// `UpdateStackSet` of `name`: the id of the operation that updates its instances.
async fn update_set(s: &Session, name: &str, u: SetUpdate<'_>) -> Result<String, Error> {
    s.phase(format!("updating stack set {name}"));
    let id = request_token("update-set");
    let (body, url) = u.source;
    let mut req = s
        .cfn
        .update_stack_set()
        .stack_set_name(name)
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(Some(u.settings.parameters))
        .set_capabilities(Some(u.settings.capabilities))
        .set_administration_role_arn(u.settings.administration_role)
        .set_execution_role_name(u.settings.execution_role_name)
        .set_auto_deployment(u.settings.auto_deployment)
        .operation_preferences(u.prefs.clone())
        .operation_id(&id)
        .set_call_as(u.call.cloned());
    if u.tags {
        req = req.set_tags(Some(u.settings.tags));
    }
    let out = req
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "UpdateStackSet", e))?;
    // The operation's id as CloudFormation answers it (the one asked for).
    Ok(out.operation_id().unwrap_or(&id).to_owned())
}

/// `CreateStackSet` of `name` (its instances come after, [`create_instances`]).
async fn create_set(
    s: &Session,
    name: &str,
    (body, url): (Option<String>, Option<String>),
    settings: SetSettings,
    service_managed: bool,
    call: Option<&CallAs>,
) -> Result<(), Error> {
    s.phase(format!("creating stack set {name}"));
    s.cfn
        .create_stack_set()
        .stack_set_name(name)
        .set_template_body(body)
        .set_template_url(url)
        .set_parameters(Some(settings.parameters))
        .set_capabilities(Some(settings.capabilities))
        .set_tags(Some(settings.tags))
        .permission_model(if service_managed {
            PermissionModels::ServiceManaged
        } else {
            PermissionModels::SelfManaged
        })
        .set_administration_role_arn(settings.administration_role)
        .set_execution_role_name(settings.execution_role_name)
        .set_auto_deployment(settings.auto_deployment)
        .set_call_as(call.cloned())
        .description("ferroform deploy")
        .client_request_token(request_token("create-set"))
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "CreateStackSet", e))?;
    Ok(())
}

/// What deploying `template` as stack set `set` would do (called by [`super::diff`]).
pub(super) async fn diff(
    s: &Session,
    template: &Template,
    set: &StackSet,
    opts: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    let name = template.name();
    let current = describe_set(s, name, call_as(set).as_ref()).await?;
    let p = plan(set, template, current.as_ref(), opts);
    if p.nothing() {
        ui.line(&format!("Stack set {name}: no changes"));
        return Ok(false);
    }
    let now = current.as_ref().map_or(0, |c| c.instances.len());
    for l in p.lines(name, now) {
        ui.line(&l);
    }
    let lines = property_diff(
        current.as_ref().and_then(|c| c.template.as_ref()),
        template.body(),
    );
    if !lines.is_empty() {
        ui.line("Template differences (deployed → new):");
        for l in lines {
            ui.line(&format!("  {l}"));
        }
    }
    if !p.remove.is_empty() {
        ui.line("A deploy would ask for approval: it deletes instances");
    }
    Ok(true)
}

/// Delete every instance of stack set `name`, then the set (called by [`super::destroy`]).
/// `Ok(false)`, with nothing printed, when there is no such set: the caller says what it
/// looked for.
pub(super) async fn destroy(
    s: &Session,
    name: &str,
    set: Option<&StackSet>,
    yes: bool,
    timeout: Option<std::time::Duration>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    let call = set.and_then(call_as);
    let Some(current) = describe_set(s, name, call.as_ref()).await? else {
        return Ok(false);
    };
    let mut accounts: Vec<&str> = current
        .instances
        .iter()
        .map(|i| i.account.as_str())
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    approved(
        ui,
        yes,
        name,
        &format!(
            "Delete stack set {name} and its {} instance(s) in account(s) {}?",
            current.instances.len(),
            if accounts.is_empty() {
                "-".to_owned()
            } else {
                accounts.join(", ")
            }
        ),
        "not deleted (declined)",
        "not deleted: pass --yes to delete without a terminal to confirm on",
    )?;
    let pairs: Vec<(String, String)> = current
        .instances
        .iter()
        .map(|i| (i.target.clone(), i.region.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    delete_instances(
        s,
        name,
        (current.service_managed, &pairs),
        (None, call.as_ref()),
        timeout,
        ui,
    )
    .await?;
    s.phase(format!("deleting stack set {name}"));
    // No request token: a retry after a lost answer finds the set gone, which is success.
    match s
        .cfn
        .delete_stack_set()
        .stack_set_name(name)
        .set_call_as(call.clone())
        .send()
        .await
    {
        Ok(_) => {}
        Err(e) if is_missing_set(&e) => {}
        Err(e) => return Err(s.sdk_error(name, "DeleteStackSet", e)),
    }
    ui.line(&format!("Stack set {name}: deleted"));
    Ok(true)
}

/// Print stack set `name`'s instances and their status; `Ok(false)` when there is none.
pub(super) async fn status(
    s: &Session,
    name: &str,
    set: Option<&StackSet>,
    ui: &mut dyn Ui,
) -> Result<bool, Error> {
    let Some(current) = describe_set(s, name, set.and_then(call_as).as_ref()).await? else {
        return Ok(false);
    };
    ui.line(&format!(
        "Stack set {name}: {} instance(s)",
        current.instances.len()
    ));
    for i in &current.instances {
        let via = if i.target == i.account {
            String::new()
        } else {
            format!(" (through {})", i.target)
        };
        let reason = i
            .reason
            .as_deref()
            .filter(|r| !r.is_empty())
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        ui.line(&format!(
            "  {} {}{via}: {}{reason}",
            i.account, i.region, i.status
        ));
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn targets_needing_the_same_regions_share_an_operation() {
        let g = groups(&pairs(&[
            ("111111111111", "us-east-1"),
            ("111111111111", "eu-west-1"),
            ("222222222222", "us-east-1"),
            ("222222222222", "eu-west-1"),
            ("333333333333", "eu-west-1"),
        ]));
        assert_eq!(
            g,
            vec![
                (
                    vec!["111111111111".to_owned(), "222222222222".to_owned()],
                    vec!["us-east-1".to_owned(), "eu-west-1".to_owned()]
                ),
                (
                    vec!["333333333333".to_owned()],
                    vec!["eu-west-1".to_owned()]
                ),
            ]
        );
        assert!(groups(&[]).is_empty());
    }

    #[test]
    fn preferences_follow_the_set() {
        let set = StackSet::self_managed()
            .regions(["us-east-1", "eu-west-1"])
            .region_order(["eu-west-1"])
            .max_concurrent(Limit::Percentage(50))
            .failure_tolerance(Limit::Count(2))
            .soft_failure_tolerance();
        let p = preferences(&set);
        assert_eq!(p.region_order(), ["eu-west-1", "us-east-1"]);
        assert_eq!(p.max_concurrent_percentage(), Some(50));
        assert_eq!(p.max_concurrent_count(), None);
        assert_eq!(p.failure_tolerance_count(), Some(2));
        assert_eq!(
            p.region_concurrency_type(),
            Some(&RegionConcurrencyType::Sequential)
        );
        assert_eq!(
            p.concurrency_mode(),
            Some(&ConcurrencyMode::SoftFailureTolerance)
        );
    }
}
