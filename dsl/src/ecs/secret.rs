//! `SecretSource`: a container environment variable read from Secrets Manager or SSM
//! Parameter Store when the task starts.

use crate::fns;
use crate::iam::Statement;
use crate::model::handle::Handle;
use crate::model::stack::Stack;
use crate::model::value::Value;
use crate::resources::{secretsmanager, ssm};

#[derive(Clone, Debug)]
enum Source {
    SecretsManager {
        arn: Value<String>,
        json_key: Option<String>,
    },
    SsmName(Value<String>),
    SsmHandle(Handle<ssm::Parameter>),
    SsmArn(Value<String>),
}

/// Where a secret comes from. The task's execution role is granted exactly what reading it
/// takes: `secretsmanager:GetSecretValue` on that secret, or `ssm:GetParameters` on that
/// parameter, plus `kms:Decrypt` on the key you name with [`SecretSource::kms_key`] (secrets
/// encrypted with the AWS-managed key need no KMS statement).
///
/// ```
/// use ferroform::Stack;
/// use ferroform::ecs::SecretSource;
/// use ferroform::resources::secretsmanager;
/// let mut stack = Stack::new("App");
/// let db = stack.add("DbSecret", secretsmanager::Secret::new());
/// let password = SecretSource::secrets_manager(&db).json_key("password");
/// let api_key = SecretSource::ssm_parameter("/app/prod/api-key");
/// # let _ = (password, api_key);
/// ```
#[derive(Clone, Debug)]
pub struct SecretSource {
    source: Source,
    kms_key: Option<Value<String>>,
}

impl SecretSource {
    fn of(source: Source) -> Self {
        SecretSource {
            source,
            kms_key: None,
        }
    }

    /// A Secrets Manager secret of this stack (its `Ref` is the full ARN).
    pub fn secrets_manager(secret: &Handle<secretsmanager::Secret>) -> Self {
        Self::of(Source::SecretsManager {
            arn: secret.to_ref(),
            json_key: None,
        })
    }

    /// A Secrets Manager secret by its complete ARN (with the six-character suffix
    /// Secrets Manager adds: the IAM statement names exactly this ARN).
    pub fn secrets_manager_arn(arn: impl Into<Value<String>>) -> Self {
        Self::of(Source::SecretsManager {
            arn: arn.into(),
            json_key: None,
        })
    }

    /// Read one key of a JSON secret instead of the whole string (Secrets Manager only;
    /// ignored for SSM parameters).
    pub fn json_key(mut self, key: impl Into<String>) -> Self {
        if let Source::SecretsManager { json_key, .. } = &mut self.source {
            *json_key = Some(key.into());
        }
        self
    }

    /// An SSM parameter of this account and region by name. A literal name may be plain
    /// (`api-key`) or a path (`/app/api-key`); a name given as an expression must be a path
    /// starting with `/` (otherwise use [`SecretSource::ssm_parameter_arn`]).
    pub fn ssm_parameter(name: impl Into<Value<String>>) -> Self {
        Self::of(Source::SsmName(name.into()))
    }

    /// An SSM parameter of this stack.
    pub fn ssm_parameter_handle(parameter: &Handle<ssm::Parameter>) -> Self {
        Self::of(Source::SsmHandle(parameter.clone()))
    }

    /// An SSM parameter by ARN (another region or account, or a name built at deploy time).
    pub fn ssm_parameter_arn(arn: impl Into<Value<String>>) -> Self {
        Self::of(Source::SsmArn(arn.into()))
    }

    /// The customer-managed KMS key (ARN) the secret is encrypted with: adds `kms:Decrypt`
    /// on that key. Default: none (the AWS-managed key needs no grant).
    pub fn kms_key(mut self, key_arn: impl Into<Value<String>>) -> Self {
        self.kms_key = Some(key_arn.into());
        self
    }

    /// The container's `ValueFrom` and the statements that let the execution role read it.
    pub(crate) fn resolve(&self, stack: &Stack) -> (Value<String>, Vec<Statement>) {
        let (value_from, statement) = match &self.source {
            Source::SecretsManager { arn, json_key } => {
                let value_from = match json_key {
                    // `<arn>:<json-key>:<version-stage>:<version-id>`, empty = current.
                    Some(key) => fns::join("", vec![arn.clone(), format!(":{key}::").into()]),
                    None => arn.clone(),
                };
                (
                    value_from,
                    Statement::allow(["secretsmanager:GetSecretValue"]).resource(arn.clone()),
                )
            }
            Source::SsmName(name) => ssm_read(ssm_arn(name.clone())),
            Source::SsmHandle(h) => {
                let literal = stack
                    .get(h)
                    .and_then(|p| p.name.as_ref())
                    .and_then(|n| n.as_lit())
                    .cloned();
                ssm_read(match literal {
                    Some(name) => ssm_arn(name.into()),
                    // A generated name is plain (no leading `/`).
                    None => fns::sub_with(
                        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${Name}",
                        [("Name", h.to_ref())],
                    ),
                })
            }
            Source::SsmArn(arn) => ssm_read(arn.clone()),
        };
        let mut statements = vec![statement];
        if let Some(key) = &self.kms_key {
            statements.push(Statement::allow(["kms:Decrypt"]).resource(key.clone()));
        }
        (value_from, statements)
    }
}

/// `ValueFrom` is the parameter's ARN; the grant is `ssm:GetParameters` on it.
fn ssm_read(arn: Value<String>) -> (Value<String>, Statement) {
    (
        arn.clone(),
        Statement::allow(["ssm:GetParameters"]).resource(arn),
    )
}

/// The ARN of a parameter of this account and region: `parameter/name` for a plain name,
/// `parameter/path/name` for `/path/name`.
fn ssm_arn(name: Value<String>) -> Value<String> {
    const PREFIX: &str = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter";
    match name.as_lit() {
        Some(n) if n.starts_with('/') => fns::sub(format!("{PREFIX}{n}")),
        Some(n) => fns::sub(format!("{PREFIX}/{n}")),
        None => fns::sub_with(format!("{PREFIX}${{Name}}"), [("Name", name)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::render::{Render, RenderCx};

    /// The ARN an SSM parameter is read by: a path keeps its leading `/`, a plain name gets
    /// one (`arn:...:parameter/name`, as the SSM ARN format in the IAM service
    /// authorization reference has it).
    #[test]
    fn ssm_names_plain_or_path_give_the_parameter_arn() {
        let stack = Stack::new("S");
        let arn_of = |source: SecretSource| {
            let (value_from, statements) = source.resolve(&stack);
            let mut cx = RenderCx::detached();
            assert_eq!(statements[0].actions(), ["ssm:GetParameters"]);
            (
                value_from.render(&mut cx),
                statements[0].resource_values()[0].render(&mut cx),
            )
        };
        let prefix = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter";
        for (name, arn) in [
            ("api-key", format!("{prefix}/api-key")),
            ("/app/api-key", format!("{prefix}/app/api-key")),
        ] {
            let (value_from, resource) = arn_of(SecretSource::ssm_parameter(name));
            let expected = serde_json::json!({ "Fn::Sub": arn });
            assert_eq!((&value_from, &resource), (&expected, &expected), "{name}");
        }
    }
}
