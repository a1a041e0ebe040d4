//! The state of a deployed stack.

use aws_sdk_cloudformation::types::TemplateStage;
use indexmap::IndexMap;

use super::error::Error;
use super::session::{Session, is_missing_stack};
use crate::model::render::Json;
use crate::model::stack::{is_stack_id, stack_name_error};
use crate::model::template::Template;

/// What a stack status means for the next operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackStatusClass {
    /// `CREATE_COMPLETE`, `UPDATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, `IMPORT_COMPLETE`...:
    /// ready for an update.
    Stable,
    /// `REVIEW_IN_PROGRESS`: created by a CREATE change set never executed; deployable with
    /// another CREATE change set.
    Review,
    /// `ROLLBACK_COMPLETE` (or `ROLLBACK_FAILED`): a failed first create; must be deleted
    /// before it can be created again.
    FailedCreate,
    /// Another operation is running (`*_IN_PROGRESS`).
    Busy,
    /// A state needing manual attention (`UPDATE_ROLLBACK_FAILED`, `DELETE_FAILED`...).
    Stuck,
}

impl StackStatusClass {
    /// Classify a CloudFormation stack status.
    pub fn of(status: &str) -> StackStatusClass {
        match status {
            "REVIEW_IN_PROGRESS" => StackStatusClass::Review,
            "ROLLBACK_COMPLETE" | "ROLLBACK_FAILED" => StackStatusClass::FailedCreate,
            s if s.ends_with("_IN_PROGRESS") => StackStatusClass::Busy,
            s if s.ends_with("_FAILED") => StackStatusClass::Stuck,
            _ => StackStatusClass::Stable,
        }
    }
}

/// A deployed stack, as DescribeStacks reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StackState {
    /// Stack name.
    pub name: String,
    /// Stack id (ARN).
    pub id: String,
    /// Status, e.g. `CREATE_COMPLETE`.
    pub status: String,
    /// Reason for the status, if any.
    pub status_reason: Option<String>,
    /// Outputs in the order CloudFormation lists them.
    pub outputs: IndexMap<String, String>,
    /// Current parameter values (NoEcho ones read `****`).
    pub parameters: IndexMap<String, String>,
    /// Tags.
    pub tags: IndexMap<String, String>,
    /// Termination protection.
    pub termination_protection: bool,
}

impl StackState {
    /// How the status classifies.
    pub fn class(&self) -> StackStatusClass {
        StackStatusClass::of(&self.status)
    }
}

/// DescribeStacks for one stack (a name or a stack ID); `None` when it does not exist.
///
/// Every operation on a stack starts here, so this is where a name that could select another
/// stack is stopped: `DescribeStacks` without a name lists all stacks, so an empty or invalid
/// name is refused before any call, and a response is only used when it is for exactly the
/// stack asked for.
pub(crate) async fn describe(s: &Session, name: &str) -> Result<Option<StackState>, Error> {
    if let Some(problem) = stack_name_error(name, true) {
        return Err(Error::input(None, format!("{problem}; nothing was sent")));
    }
    let resp = match s.cfn.describe_stacks().stack_name(name).send().await {
        Ok(r) => r,
        Err(e) if is_missing_stack(&e) => return Ok(None),
        Err(e) => return Err(s.sdk_error(name, "DescribeStacks", e)),
    };
    let Some(st) = resp.stacks().first() else {
        return Ok(None);
    };
    let answered = if is_stack_id(name) {
        st.stack_id()
    } else {
        st.stack_name()
    };
    if resp.stacks().len() != 1 || answered != Some(name) {
        let got: Vec<&str> = resp
            .stacks()
            .iter()
            .map(|x| x.stack_name().unwrap_or("(no name)"))
            .collect();
        return Err(Error::failed(
            name,
            format!(
                "DescribeStacks answered with {} instead of this stack alone; nothing was done (is the endpoint a real CloudFormation endpoint?)",
                got.join(", ")
            ),
        ));
    }
    let status = st
        .stack_status()
        .map(|x| x.as_str().to_owned())
        .unwrap_or_default();
    if status == "DELETE_COMPLETE" {
        return Ok(None);
    }
    Ok(Some(StackState {
        name: st.stack_name().unwrap_or(name).to_owned(),
        id: st.stack_id().unwrap_or(name).to_owned(),
        status,
        status_reason: st.stack_status_reason().map(str::to_owned),
        outputs: st
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
            .collect(),
        parameters: st
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_owned(),
                    p.parameter_value().unwrap_or_default().to_owned(),
                ))
            })
            .collect(),
        tags: st
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), t.value()?.to_owned())))
            .collect(),
        termination_protection: st.enable_termination_protection().unwrap_or(false),
    }))
}

/// A deployed stack's template, for `ferroform import --stack-name`.
#[derive(Debug)]
pub struct DeployedTemplate {
    /// The template text, as CloudFormation returns it.
    pub text: String,
    /// The parameters' current values (NoEcho ones as CloudFormation masks them, `****`).
    pub parameters: Vec<(String, String)>,
}

/// The template of deployed stack `name`: as submitted (`Original`), or after its
/// transforms ran (`Processed`), with the parameters' current values. `None` when there is
/// no such stack.
pub async fn fetch_template(
    s: &Session,
    name: &str,
    processed: bool,
) -> Result<Option<DeployedTemplate>, Error> {
    let Some(state) = describe(s, name).await? else {
        return Ok(None);
    };
    let stage = if processed {
        TemplateStage::Processed
    } else {
        TemplateStage::Original
    };
    let resp = s
        .cfn
        .get_template()
        .stack_name(name)
        .template_stage(stage)
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "GetTemplate", e))?;
    let text = resp.template_body().unwrap_or_default().to_owned();
    Ok(Some(DeployedTemplate {
        text,
        parameters: state.parameters.into_iter().collect(),
    }))
}

/// The deployed template (as submitted), parsed; `None` when unreadable.
pub(crate) async fn deployed_template(s: &Session, name: &str) -> Result<Option<Json>, Error> {
    let resp = s
        .cfn
        .get_template()
        .stack_name(name)
        .template_stage(TemplateStage::Original)
        .send()
        .await
        .map_err(|e| s.sdk_error(name, "GetTemplate", e))?;
    Ok(resp
        .template_body()
        .and_then(|b| Template::parse(name, b).ok())
        .map(|t| t.body().clone()))
}
