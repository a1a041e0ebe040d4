//! When a change set needs approval (CDK's `--require-approval broadening`): it replaces or
//! deletes resources, or adds or widens IAM permissions or security-group ingress.

use std::collections::BTreeSet;

use super::changeset::{ChangeAction, Plan, Replacement};
use crate::model::render::Json;

/// Why a change set needs approval; empty when it does not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Broadening {
    /// Human-readable reasons, one per resource.
    pub reasons: Vec<String>,
}

impl Broadening {
    /// True when nothing needs approval.
    pub fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// IAM and network types whose permission-granting content is compared.
const SENSITIVE: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
    "AWS::IAM::UserToGroupAddition",
    "AWS::IAM::InstanceProfile",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::Lambda::Permission",
    "AWS::S3::BucketPolicy",
    "AWS::ECR::Repository",
    "AWS::KMS::Key",
];

/// What needs approval in `plan`, given the deployed template (`old`, `None` for a new
/// stack) and the new one.
pub fn broadening(plan: &Plan, old: Option<&Json>, new: &Json) -> Broadening {
    let mut reasons = Vec::new();
    for c in &plan.changes {
        match (c.action, c.replacement) {
            (ChangeAction::Remove, _) => {
                reasons.push(format!("{} ({}) is deleted", c.logical_id, c.resource_type))
            }
            (ChangeAction::Modify, Replacement::True) => reasons.push(format!(
                "{} ({}) is replaced",
                c.logical_id, c.resource_type
            )),
            (ChangeAction::Modify, Replacement::Conditional) => reasons.push(format!(
                "{} ({}) may be replaced",
                c.logical_id, c.resource_type
            )),
            _ => {}
        }
    }
    let res = |body: Option<&Json>, id: &str| -> Option<Json> {
        body?.get("Resources")?.get(id).cloned()
    };
    for c in &plan.changes {
        if !matches!(c.action, ChangeAction::Add | ChangeAction::Modify) {
            continue;
        }
        let Some(new_res) = res(Some(new), &c.logical_id) else {
            continue;
        };
        let ty = new_res.get("Type").and_then(Json::as_str).unwrap_or("");
        if !SENSITIVE.contains(&ty) {
            continue;
        }
        let before = grants(res(old, &c.logical_id).as_ref());
        let after = grants(Some(&new_res));
        let added: Vec<&String> = after.difference(&before).collect();
        if !added.is_empty() {
            let what = if ty.starts_with("AWS::IAM::") {
                "IAM permissions"
            } else if ty.starts_with("AWS::EC2::") {
                "security group ingress"
            } else {
                "resource policy"
            };
            reasons.push(format!(
                "{} ({ty}) adds or widens {what}: {}",
                c.logical_id,
                added
                    .iter()
                    .take(3)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    Broadening { reasons }
}

/// The permission-granting pieces of a resource, each as compact JSON: policy statements,
/// managed policy ARNs, ingress rules, role/user lists, principals.
fn grants(resource: Option<&Json>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(props) = resource.and_then(|r| r.get("Properties")) else {
        return out;
    };
    let ty = resource
        .and_then(|r| r.get("Type"))
        .and_then(Json::as_str)
        .unwrap_or("");
    collect(props, &mut out);
    if ty == "AWS::EC2::SecurityGroupIngress" || ty == "AWS::Lambda::Permission" {
        out.insert(serde_json::to_string(props).unwrap_or_default());
    }
    out
}

fn collect(v: &Json, out: &mut BTreeSet<String>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Statement", Json::Array(items))
                    | ("SecurityGroupIngress", Json::Array(items))
                    | ("ManagedPolicyArns", Json::Array(items))
                    | ("Roles", Json::Array(items))
                    | ("Users", Json::Array(items))
                    | ("Groups", Json::Array(items)) => {
                        for i in items {
                            out.insert(format!(
                                "{k}: {}",
                                serde_json::to_string(i).unwrap_or_default()
                            ));
                        }
                    }
                    ("Statement", Json::Object(_)) => {
                        out.insert(format!(
                            "{k}: {}",
                            serde_json::to_string(x).unwrap_or_default()
                        ));
                    }
                    _ => collect(x, out),
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::Change;
    use serde_json::json;

    fn plan(action: ChangeAction, id: &str, ty: &str) -> Plan {
        Plan {
            changes: vec![Change {
                action,
                logical_id: id.into(),
                resource_type: ty.into(),
                replacement: Replacement::False,
                properties: vec![],
            }],
            ..Plan::default()
        }
    }

    #[test]
    fn new_ingress_rule_needs_approval_and_removing_one_does_not() {
        let narrow = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}]}}}});
        let wide = json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}, {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]}}}});
        let p = plan(ChangeAction::Modify, "Sg", "AWS::EC2::SecurityGroup");
        let b = broadening(&p, Some(&narrow), &wide);
        assert_eq!(b.reasons.len(), 1, "{b:?}");
        assert!(b.reasons[0].contains("0.0.0.0/0"), "{b:?}");
        assert!(broadening(&p, Some(&wide), &narrow).is_empty());
    }

    #[test]
    fn a_new_role_is_broadening() {
        let new = json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow"}]}}}}});
        let p = plan(ChangeAction::Add, "R", "AWS::IAM::Role");
        assert!(!broadening(&p, None, &new).is_empty());
    }
}
