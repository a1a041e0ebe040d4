//! Change sets: create, wait, describe as a [`Plan`], execute, delete.

use std::fmt;

use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use aws_sdk_cloudformation::types::{Capability, ChangeSetType, Parameter, Tag};

use super::error::{Error, ErrorKind};
use super::session::{Session, request_token};
use crate::analysis::diff::{Change, ChangeAction, Replacement};
use crate::model::stack::is_stack_id;

/// A created change set: its identity, status and changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The stack.
    pub stack: String,
    /// Stack id (ARN).
    pub stack_id: String,
    /// Change set id (ARN).
    pub id: String,
    /// Change set name.
    pub name: String,
    /// True for a CREATE change set (a new stack).
    pub create: bool,
    /// The resource changes, in the order CloudFormation lists them.
    pub changes: Vec<Change>,
}

impl Plan {
    /// True when any change replaces or removes a resource.
    pub fn destructive(&self) -> bool {
        self.changes.iter().any(|c| {
            c.action == ChangeAction::Remove
                || (c.action == ChangeAction::Modify
                    && matches!(c.replacement, Replacement::True | Replacement::Conditional))
        })
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Stack {}: change set {} ({}), {} change{}",
            self.stack,
            self.name,
            if self.create { "CREATE" } else { "UPDATE" },
            self.changes.len(),
            if self.changes.len() == 1 { "" } else { "s" }
        )?;
        let w = self
            .changes
            .iter()
            .map(|c| c.logical_id.len())
            .max()
            .unwrap_or(0);
        for c in &self.changes {
            let (sym, word) = match c.action {
                ChangeAction::Add => ('+', "Add"),
                ChangeAction::Modify => ('~', "Modify"),
                ChangeAction::Remove => ('-', "Remove"),
                ChangeAction::Other => ('?', "Other"),
            };
            let repl = match (c.action, c.replacement) {
                (ChangeAction::Modify, Replacement::True) => "  REPLACEMENT",
                (ChangeAction::Modify, Replacement::Conditional) => "  MAY BE REPLACED",
                (ChangeAction::Modify, Replacement::False) => "  in place",
                _ => "",
            };
            write!(
                f,
                "  {sym} {word:<6} {:<w$}  {}{repl}",
                c.logical_id, c.resource_type
            )?;
            if !c.properties.is_empty() {
                write!(f, "  ({})", c.properties.join(", "))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// What to submit.
pub(crate) struct Submission<'a> {
    pub stack: &'a str,
    pub create: bool,
    pub body: Option<String>,
    pub url: Option<String>,
    pub parameters: Vec<(String, Option<String>)>,
    pub capabilities: Vec<&'static str>,
    pub tags: &'a [(String, String)],
    pub role_arn: Option<&'a str>,
    pub name: String,
    /// `--timeout`: how long to wait for the change set to be created.
    pub timeout: Option<std::time::Duration>,
}

/// Result of waiting for a change set.
pub(crate) enum Created {
    /// Ready to execute.
    Ready(Plan),
    /// CloudFormation found nothing to change; the change set was deleted.
    NoChanges,
}

pub(crate) async fn create(s: &Session, sub: Submission<'_>) -> Result<Created, Error> {
    let stack = sub.stack;
    let mut req = s
        .cfn
        .create_change_set()
        .stack_name(stack)
        .change_set_name(&sub.name)
        .change_set_type(if sub.create {
            ChangeSetType::Create
        } else {
            ChangeSetType::Update
        })
        .description("ferroform deploy")
        // A retried CreateChangeSet (after a lost answer) returns the change set made by the
        // first attempt instead of failing or making a second one.
        .client_token(request_token("create"));
    req = match (&sub.body, &sub.url) {
        (_, Some(url)) => req.template_url(url),
        (Some(b), None) => req.template_body(b),
        (None, None) => req,
    };
    for (k, v) in &sub.parameters {
        let p = Parameter::builder().parameter_key(k);
        let p = match v {
            Some(v) => p.parameter_value(v),
            None => p.use_previous_value(true),
        };
        req = req.parameters(p.build());
    }
    for c in &sub.capabilities {
        req = req.capabilities(Capability::from(*c));
    }
    for (k, v) in sub.tags {
        req = req.tags(Tag::builder().key(k).value(v).build());
    }
    if let Some(r) = sub.role_arn {
        req = req.role_arn(r);
    }
    s.phase(format!(
        "creating change set {} for stack {stack}",
        sub.name
    ));
    let out = req
        .send()
        .await
        .map_err(|e| s.sdk_error(stack, "CreateChangeSet", e))?;
    let id = out.id().unwrap_or(&sub.name).to_owned();
    let stack_id = out.stack_id().unwrap_or(stack).to_owned();
    let mut plan = Plan {
        stack: stack.to_owned(),
        stack_id,
        id,
        name: sub.name,
        create: sub.create,
        changes: Vec::new(),
    };
    // Wait for CREATE_COMPLETE or FAILED.
    s.phase(format!(
        "waiting for change set {} of stack {stack} to be created (nothing executed yet)",
        plan.name
    ));
    let timeout = s.remaining(sub.timeout);
    let started = std::time::Instant::now();
    let mut delays = s.poll.delays();
    loop {
        let (status, reason) = describe_into(s, &mut plan).await?;
        match status.as_str() {
            "CREATE_COMPLETE" => return Ok(Created::Ready(plan)),
            "FAILED" => {
                let reason = reason.unwrap_or_default();
                if no_changes(&reason) {
                    delete(s, &plan).await?;
                    return Ok(Created::NoChanges);
                }
                return Err(Error::failed(
                    stack,
                    format!("change set {} failed: {reason}", plan.name),
                ));
            }
            _ => {}
        }
        if let Some(t) = timeout
            && started.elapsed() > t
        {
            return Err(Error::failed(
                stack,
                format!(
                    "change set {} still {status} after {} (--timeout); nothing was executed. CloudFormation carries on creating it: see `aws cloudformation describe-change-set --stack-name {stack} --change-set-name {}`",
                    plan.name,
                    super::session::human(t),
                    plan.name
                ),
            ));
        }
        if let Some(d) = delays.next() {
            tracing::debug!(
                "change set {} is {status}; asking again in {d:?}",
                plan.name
            );
            tokio::time::sleep(d).await;
        }
    }
}

/// CloudFormation's wording for an empty change set / update.
pub(crate) fn no_changes(reason: &str) -> bool {
    reason.contains("didn't contain changes")
        || reason.contains("No updates are to be performed")
        || reason.contains("The submitted information didn't contain changes")
}

/// DescribeChangeSet (all pages) into `plan.changes`; returns status and reason.
async fn describe_into(s: &Session, plan: &mut Plan) -> Result<(String, Option<String>), Error> {
    let mut token: Option<String> = None;
    let mut changes = Vec::new();
    let (status, reason) = loop {
        let out = s
            .cfn
            .describe_change_set()
            .change_set_name(&plan.id)
            .stack_name(&plan.stack_id)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| s.sdk_error(&plan.stack, "DescribeChangeSet", e))?;
        let status = out
            .status()
            .map(|x| x.as_str().to_owned())
            .unwrap_or_default();
        let reason = out.status_reason().map(str::to_owned);
        for c in out.changes() {
            let Some(rc) = c.resource_change() else {
                continue;
            };
            let action = match rc
                .action()
                .map(aws_sdk_cloudformation::types::ChangeAction::as_str)
            {
                Some("Add") => ChangeAction::Add,
                Some("Modify") => ChangeAction::Modify,
                Some("Remove") => ChangeAction::Remove,
                _ => ChangeAction::Other,
            };
            let replacement = match rc
                .replacement()
                .map(aws_sdk_cloudformation::types::Replacement::as_str)
            {
                Some("True") => Replacement::True,
                Some("Conditional") => Replacement::Conditional,
                Some("False") => Replacement::False,
                _ => Replacement::Unknown,
            };
            let mut properties: Vec<String> = rc
                .details()
                .iter()
                .filter_map(|d| d.target())
                .filter_map(|t| {
                    let name = t.name()?;
                    Some(
                        match t
                            .attribute()
                            .map(aws_sdk_cloudformation::types::ResourceAttribute::as_str)
                        {
                            Some("Properties") | None => name.to_owned(),
                            Some(a) => format!("{a}.{name}"),
                        },
                    )
                })
                .collect();
            properties.dedup();
            changes.push(Change {
                action,
                logical_id: rc.logical_resource_id().unwrap_or("?").to_owned(),
                resource_type: rc.resource_type().unwrap_or("?").to_owned(),
                replacement,
                properties,
            });
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break (status, reason),
        }
    };
    plan.changes = changes;
    Ok((status, reason))
}

/// ExecuteChangeSet, with a `ClientRequestToken` so that a retry of a request whose answer
/// was lost (an HTTP 500, a dropped connection, a read timeout) cannot execute it twice.
pub(crate) async fn execute(s: &Session, plan: &Plan) -> Result<(), Error> {
    let token = request_token("execute");
    s.phase(format!(
        "executing change set {} on stack {}",
        plan.name, plan.stack
    ));
    let r = s
        .cfn
        .execute_change_set()
        .change_set_name(&plan.id)
        .stack_name(&plan.stack_id)
        .client_request_token(&token)
        .send()
        .await;
    match r {
        Ok(_) => {
            s.started(format!(
                "the execution of change set {} (ClientRequestToken {token})",
                plan.name
            ));
            Ok(())
        }
        Err(e) => {
            let code = e.code().map(str::to_owned);
            let mut err = s.sdk_error(&plan.stack, "ExecuteChangeSet", e);
            match code.as_deref() {
                Some("InvalidChangeSetStatus" | "ChangeSetNotFound" | "ChangeSetNotFoundException") => {
                    err.kind = ErrorKind::Failed;
                    err.message.push_str(&format!(
                        ". Change set {} can no longer be executed: the stack changed since it was made (another deploy or update at the same time?). This deploy executed nothing; run it again to deploy this template",
                        plan.name
                    ));
                }
                _ if err.kind == ErrorKind::Endpoint => err.message.push_str(&format!(
                    ". The request may or may not have reached CloudFormation: see `ferroform status --stack-name {}` before deploying again (a new deploy makes a new change set; this one is never executed twice)",
                    plan.stack
                )),
                _ => {}
            }
            Err(err)
        }
    }
}

/// The change set the stack's last operation came from (DescribeStacks' `ChangeSetId`),
/// `None` when the answer does not say (emulators). Errors when the answer is about
/// another stack.
pub(crate) async fn last_change_set(s: &Session, plan: &Plan) -> Result<Option<String>, Error> {
    let resp = s
        .cfn
        .describe_stacks()
        .stack_name(&plan.stack_id)
        .send()
        .await
        .map_err(|e| s.sdk_error(&plan.stack, "DescribeStacks", e))?;
    let [st] = resp.stacks() else {
        return Err(Error::failed(
            &plan.stack,
            "DescribeStacks did not answer with this stack alone; cannot tell whether this deploy's change set was the one applied",
        ));
    };
    let answered = if is_stack_id(&plan.stack_id) {
        st.stack_id()
    } else {
        st.stack_name()
    };
    if answered != Some(plan.stack_id.as_str()) {
        return Err(Error::failed(
            &plan.stack,
            "DescribeStacks answered about another stack; cannot tell whether this deploy's change set was the one applied",
        ));
    }
    Ok(st
        .change_set_id()
        .filter(|id| !id.is_empty())
        .map(str::to_owned))
}

/// DeleteChangeSet. A change set already gone (a retried delete whose first answer was
/// lost) counts as deleted.
pub(crate) async fn delete(s: &Session, plan: &Plan) -> Result<(), Error> {
    match s
        .cfn
        .delete_change_set()
        .change_set_name(&plan.id)
        .stack_name(&plan.stack_id)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.code(),
                Some("ChangeSetNotFound" | "ChangeSetNotFoundException")
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(s.sdk_error(&plan.stack, "DeleteChangeSet", e)),
    }
}
