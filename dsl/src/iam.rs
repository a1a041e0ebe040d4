//! IAM policy documents as typed values, for roles and grants built by constructs.
//!
//! Statements name their actions and resources explicitly; resources are typed values, so a
//! statement on `repo.attr_arn()` references the repository the way any property does.

use crate::model::document::Document;
use crate::model::render::{Json, JsonMap, Render, RenderCx};
use crate::model::value::Value;

/// `Allow` or `Deny`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Grant the actions.
    Allow,
    /// Refuse the actions, whatever else allows them.
    Deny,
}

/// Who a trust policy lets assume a role.
#[derive(Clone, Debug)]
pub enum Principal {
    /// An AWS service, such as `ecs-tasks.amazonaws.com`.
    Service(String),
    /// An AWS account or role ARN.
    Aws(Value<String>),
}

/// One policy statement.
///
/// ```
/// use ferroform::iam::Statement;
/// let s = Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
///     .resource("arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*");
/// # let _ = s;
/// ```
#[derive(Clone, Debug)]
pub struct Statement {
    sid: Option<String>,
    effect: Effect,
    principal: Option<Principal>,
    actions: Vec<String>,
    resources: Vec<Value<String>>,
    condition: Option<Json>,
}

impl Statement {
    /// A statement allowing `actions`.
    pub fn allow<S: Into<String>>(actions: impl IntoIterator<Item = S>) -> Self {
        Statement::new(Effect::Allow, actions)
    }

    /// A statement denying `actions`.
    pub fn deny<S: Into<String>>(actions: impl IntoIterator<Item = S>) -> Self {
        Statement::new(Effect::Deny, actions)
    }

    fn new<S: Into<String>>(effect: Effect, actions: impl IntoIterator<Item = S>) -> Self {
        Statement {
            sid: None,
            effect,
            principal: None,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: Vec::new(),
            condition: None,
        }
    }

    /// Add a resource (an ARN, usually a typed `attr_arn()`).
    pub fn resource(mut self, arn: impl Into<Value<String>>) -> Self {
        self.resources.push(arn.into());
        self
    }

    /// Add several resources.
    pub fn resources<V: Into<Value<String>>>(mut self, arns: impl IntoIterator<Item = V>) -> Self {
        self.resources.extend(arns.into_iter().map(Into::into));
        self
    }

    /// Set the principal (trust policies).
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Set the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Set the `Condition` block (JSON as IAM documents it).
    pub fn condition(mut self, condition: Json) -> Self {
        self.condition = Some(condition);
        self
    }

    /// The actions, as written.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    /// The resources.
    pub fn resource_values(&self) -> &[Value<String>] {
        &self.resources
    }

    /// `true` when a resource is the literal `*`.
    pub fn has_wildcard_resource(&self) -> bool {
        self.resources
            .iter()
            .any(|r| r.as_lit().is_some_and(|s| s == "*"))
    }
}

fn one_or_many(mut items: Vec<Json>) -> Json {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Json::Array(items)
    }
}

impl Render for Statement {
    fn render(&self, cx: &mut RenderCx) -> Json {
        let mut m = JsonMap::new();
        if let Some(sid) = &self.sid {
            m.insert("Sid".into(), Json::String(sid.clone()));
        }
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        m.insert("Effect".into(), Json::String(effect.into()));
        if let Some(p) = &self.principal {
            let mut pm = JsonMap::new();
            match p {
                Principal::Service(s) => {
                    pm.insert("Service".into(), Json::String(s.clone()));
                }
                Principal::Aws(v) => {
                    pm.insert("AWS".into(), v.render(cx));
                }
            }
            m.insert("Principal".into(), Json::Object(pm));
        }
        let actions = self.actions.iter().cloned().map(Json::String).collect();
        m.insert("Action".into(), one_or_many(actions));
        if !self.resources.is_empty() {
            let resources = self.resources.iter().map(|r| r.render(cx)).collect();
            m.insert("Resource".into(), one_or_many(resources));
        }
        if let Some(c) = &self.condition {
            m.insert("Condition".into(), c.clone());
        }
        Json::Object(m)
    }
}

/// An IAM policy document (`Version: 2012-10-17`).
///
/// ```
/// use ferroform::iam::{PolicyDocument, Statement};
/// let doc = PolicyDocument::new().statement(Statement::allow(["ecr:GetAuthorizationToken"]).resource("*"));
/// assert_eq!(doc.statements().len(), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct PolicyDocument {
    statements: Vec<Statement>,
}

impl PolicyDocument {
    /// An empty document.
    pub fn new() -> Self {
        PolicyDocument::default()
    }

    /// The trust policy letting an AWS service assume a role
    /// (`ecs-tasks.amazonaws.com`, `ec2.amazonaws.com`, `events.amazonaws.com`).
    pub fn assumed_by(service: &str) -> Self {
        PolicyDocument::new().statement(
            Statement::allow(["sts:AssumeRole"]).principal(Principal::Service(service.to_owned())),
        )
    }

    /// Add a statement.
    pub fn statement(mut self, statement: Statement) -> Self {
        self.statements.push(statement);
        self
    }

    /// Add a statement in place.
    pub fn push(&mut self, statement: Statement) {
        self.statements.push(statement);
    }

    /// The statements.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// True when there is no statement.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

impl Render for PolicyDocument {
    fn render(&self, cx: &mut RenderCx) -> Json {
        let mut m = JsonMap::new();
        m.insert("Version".into(), Json::String("2012-10-17".into()));
        m.insert("Statement".into(), self.statements.render(cx));
        Json::Object(m)
    }
}

impl From<PolicyDocument> for Document {
    fn from(doc: PolicyDocument) -> Self {
        Document::new(doc)
    }
}

impl From<PolicyDocument> for Value<Document> {
    fn from(doc: PolicyDocument) -> Self {
        Value::lit(Document::new(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Stack, fns};
    use serde_json::json;

    #[test]
    fn documents_render_as_iam_reads_them() {
        let doc = PolicyDocument::assumed_by("ecs-tasks.amazonaws.com").statement(
            Statement::allow(["logs:CreateLogStream", "logs:PutLogEvents"])
                .resources([fns::sub("arn:${AWS::Partition}:logs:*"), "x".into()]),
        );
        let mut cx = RenderCx::detached();
        assert_eq!(
            doc.render(&mut cx),
            json!({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"},
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                     "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:logs:*"}, "x"]}
                ]
            })
        );
    }

    #[test]
    fn accessors_show_what_a_statement_grants() {
        let s = Statement::allow(["ecr:GetAuthorizationToken"]).resource("*");
        assert_eq!(s.actions(), ["ecr:GetAuthorizationToken"]);
        assert!(s.has_wildcard_resource());
        let s = Statement::allow(["s3:GetObject"]).resources([
            fns::sub("arn:${AWS::Partition}:s3:::b/*"),
            "arn:aws:s3:::b/*".into(),
        ]);
        assert!(!s.has_wildcard_resource());
        let literals: Vec<Option<&str>> = s
            .resource_values()
            .iter()
            .map(|v| v.as_lit().map(String::as_str))
            .collect();
        assert_eq!(literals, [None, Some("arn:aws:s3:::b/*")]);
        assert!(PolicyDocument::new().is_empty());
        assert!(!PolicyDocument::new().statement(s).is_empty());
    }

    #[test]
    fn references_inside_documents_are_checked_at_synth() {
        let mut other = Stack::new("Other");
        let foreign = other.add_raw(
            "Bucket",
            crate::RawResource::new("AWS::S3::Bucket", json!({})),
        );
        let mut stack = Stack::new("Main");
        stack.add_raw(
            "Doc",
            crate::RawResource::new("AWS::IAM::ManagedPolicy", json!({})),
        );
        let doc = PolicyDocument::new().statement(
            Statement::allow(["s3:GetObject"]).resource(foreign.get_att::<String>("Arn")),
        );
        let rendered = {
            let mut cx = RenderCx::new(stack.id(), "Main".into());
            let v = doc.render(&mut cx);
            (v, cx.take_diagnostics())
        };
        assert_eq!(
            rendered.1.len(),
            1,
            "a reference into another stack is an error"
        );
        assert_eq!(rendered.1[0].rule, crate::rules::CROSS_STACK_REFERENCE);
    }
}
