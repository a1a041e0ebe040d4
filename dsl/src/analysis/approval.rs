//! When a deploy needs approval (CDK's `--require-approval broadening`): it replaces or
//! deletes resources, or adds or widens IAM permissions, security-group ingress or resource
//! policies.
//!
//! Permissions are compared, not just their text. For each sensitive resource the deployed
//! and the new template are reduced to:
//!
//! * IAM policy statements (in any policy document of the resource: trust policies,
//!   inline and managed policies, resource policies), expanded into one grant per
//!   (document, effect, principal, action, resource, condition). A new `Allow` grant is
//!   covered when an old one in the same document with the same or no condition grants a
//!   pattern that matches it (`s3:*` covers `s3:GetObject`, `arn:aws:s3:::b/*` covers
//!   `arn:aws:s3:::b/k`, `*` covers everything). A `Deny` grant that disappears widens.
//!   Statements with `NotAction`, `NotResource` or `NotPrincipal` (or no `Action`) are
//!   compared whole: a new `Allow` one widens, and so does a `Deny` one that disappears.
//!   Policy documents written as JSON text are compared as the documents they hold.
//! * Security-group ingress rules, one per (protocol, port range, source). A new rule is
//!   covered by an old one with the same or all protocols (`-1`), a port range that
//!   contains it, and the same source or a CIDR block that contains it.
//! * Lists that grant by membership: `ManagedPolicyArns`, `Roles` / `Users` / `Groups` of
//!   policies, profiles and group additions, and the `Queues` / `Topics` an SQS queue policy
//!   or SNS topic policy applies to. A new member widens.
//!
//! Only what is not covered needs approval: a change that leaves permissions as they were
//! or narrows them does not. Values built with intrinsic functions (`Ref`, `Fn::Sub`...)
//! are compared as written (equal or not; no pattern matching).

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::diff::{Change, ChangeAction, Replacement};
use crate::model::render::Json;

/// Why a deploy needs approval; empty when it does not.
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
    "AWS::SQS::QueuePolicy",
    "AWS::SNS::TopicPolicy",
    "AWS::ECR::Repository",
    "AWS::KMS::Key",
];

/// What needs approval among `changes` (a change set's, or
/// [`resource_changes`](super::diff::resource_changes)), given the deployed template (`old`,
/// `None` for a new stack) and the new one: one reason per deleted, replaced (or maybe
/// replaced) resource, and per added or modified resource that grants more than before.
///
/// ```
/// use ferroform::analysis::{approval::broadening, diff::resource_changes};
/// use serde_json::json;
///
/// let role = |action: &str| json!({"Resources": {"Task": {"Type": "AWS::IAM::Role", "Properties": {
///     "Policies": [{"PolicyName": "app", "PolicyDocument": {"Version": "2012-10-17",
///         "Statement": [{"Effect": "Allow", "Action": action, "Resource": "arn:aws:s3:::assets/*"}]}}]}}}});
/// let (old, new) = (role("s3:GetObject"), role("s3:*"));
///
/// let wider = broadening(&resource_changes(Some(&old), &new), Some(&old), &new);
/// assert_eq!(
///     wider.reasons,
///     ["Task (AWS::IAM::Role) adds or widens IAM permissions: s3:* on arn:aws:s3:::assets/*"]
/// );
/// // `s3:*` covers `s3:GetObject`: narrowing asks nothing.
/// let narrower = broadening(&resource_changes(Some(&new), &old), Some(&new), &old);
/// assert!(narrower.is_empty());
/// ```
pub fn broadening(changes: &[Change], old: Option<&Json>, new: &Json) -> Broadening {
    let mut reasons = Vec::new();
    for c in changes {
        match (c.action, c.replacement) {
            (ChangeAction::Remove, _) => {
                reasons.push(format!("{} ({}) is deleted", c.logical_id, c.resource_type));
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
    for c in changes {
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
        let widened = widened(res(old, &c.logical_id).as_ref(), &new_res);
        if !widened.is_empty() {
            let what = if ty.starts_with("AWS::IAM::") {
                "IAM permissions"
            } else if ty.starts_with("AWS::EC2::") {
                "security group ingress"
            } else {
                "resource policy"
            };
            let mut shown: Vec<&str> = widened.iter().take(3).map(String::as_str).collect();
            if widened.len() > 3 {
                shown.push("...");
            }
            reasons.push(format!(
                "{} ({ty}) adds or widens {what}: {}",
                c.logical_id,
                shown.join("; ")
            ));
        }
    }
    Broadening { reasons }
}

/// What `new` grants that `old` (the same logical resource, deployed) does not.
pub(crate) fn widened(old: Option<&Json>, new: &Json) -> Vec<String> {
    let before = Grants::of(old);
    let after = Grants::of(Some(new));
    let mut out = Vec::new();
    for g in &after.allow {
        if !before.allow.iter().any(|o| o.covers(g)) {
            out.push(g.to_string());
        }
    }
    for g in &before.deny {
        if !after.deny.iter().any(|n| n.covers(g)) {
            out.push(format!("no longer denies {g}"));
        }
    }
    for s in after.opaque.difference(&before.opaque) {
        out.push(s.clone());
    }
    for s in before.opaque_deny.difference(&after.opaque_deny) {
        out.push(format!("no longer denies {s}"));
    }
    for r in &after.ingress {
        if !before.ingress.iter().any(|o| o.covers(r)) {
            out.push(r.to_string());
        }
    }
    for m in after.members.difference(&before.members) {
        out.push(m.clone());
    }
    out
}

/// A value as written: a plain string (patterns apply) or compact JSON of anything else.
fn text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn list(v: Option<&Json>) -> Vec<&Json> {
    match v {
        Some(Json::Array(a)) => a.iter().collect(),
        Some(x) => vec![x],
        None => Vec::new(),
    }
}

/// IAM's wildcard match: `*` any run of characters, `?` one character. `pattern` and
/// `value` are compared case-sensitively except for action names (`case_insensitive`).
fn wildcard(pattern: &str, value: &str, case_insensitive: bool) -> bool {
    let (p, v): (Vec<char>, Vec<char>) = if case_insensitive {
        (
            pattern.to_lowercase().chars().collect(),
            value.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), value.chars().collect())
    };
    // Iterative match with backtracking on the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < v.len() {
        // A `*` in the pattern is a wildcard even where the value holds a `*` too.
        if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if i < p.len() && (p[i] == '?' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// One expanded statement: who may (or may not) do what on what, under which condition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Grant {
    /// The policy document's property (`AssumeRolePolicyDocument`, `Policies`...).
    document: String,
    principal: Option<(String, String)>,
    action: String,
    resource: Option<String>,
    condition: Option<String>,
}

impl Grant {
    /// True when `self` grants at least what `other` does.
    fn covers(&self, other: &Grant) -> bool {
        self.document == other.document
            && match (&self.condition, &other.condition) {
                (None, _) => true,
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
            }
            && wildcard(&self.action, &other.action, true)
            && match (&self.resource, &other.resource) {
                (None, None) => true,
                (Some(a), Some(b)) => wildcard(a, b, false),
                _ => false,
            }
            && match (&self.principal, &other.principal) {
                (None, None) => true,
                (Some((_, a)), Some(_)) if a == "*" => true,
                (Some((ka, a)), Some((kb, b))) => ka == kb && a == b,
                _ => false,
            }
    }
}

impl std::fmt::Display for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.action)?;
        if let Some(r) = &self.resource {
            write!(f, " on {r}")?;
        }
        if let Some((k, p)) = &self.principal {
            write!(f, " for {k} {p}")?;
        }
        if let Some(c) = &self.condition {
            write!(f, " when {c}")?;
        }
        Ok(())
    }
}

/// One ingress rule.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Ingress {
    protocol: String,
    from: i64,
    to: i64,
    /// (`CidrIp` | `CidrIpv6` | `SourceSecurityGroupId` | ..., value).
    source: (String, String),
}

impl Ingress {
    fn of(rule: &Json) -> Ingress {
        let protocol = rule
            .get("IpProtocol")
            .map_or_else(|| "-1".to_owned(), text)
            .to_lowercase();
        let protocol = match protocol.as_str() {
            "6" => "tcp".to_owned(),
            "17" => "udp".to_owned(),
            "1" => "icmp".to_owned(),
            _ => protocol,
        };
        let port = |k: &str| {
            rule.get(k).and_then(|v| match v {
                Json::Number(n) => n.as_i64(),
                Json::String(s) => s.parse().ok(),
                _ => None,
            })
        };
        let (from, to) = match (port("FromPort"), port("ToPort")) {
            _ if protocol == "-1" => (-1, 65535),
            (Some(-1), _) | (_, Some(-1)) => (-1, 65535),
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, a),
            (None, Some(b)) => (b, b),
            (None, None) => (-1, 65535),
        };
        let source = [
            "CidrIp",
            "CidrIpv6",
            "SourceSecurityGroupId",
            "SourceSecurityGroupName",
            "SourcePrefixListId",
        ]
        .iter()
        .find_map(|k| rule.get(*k).map(|v| ((*k).to_owned(), text(v))))
        .unwrap_or_else(|| ("CidrIp".to_owned(), "?".to_owned()));
        Ingress {
            protocol,
            from,
            to,
            source,
        }
    }

    fn covers(&self, other: &Ingress) -> bool {
        (self.protocol == "-1" || self.protocol == other.protocol)
            && self.from <= other.from
            && self.to >= other.to
            && self.source.0 == other.source.0
            && (self.source.1 == other.source.1 || cidr_contains(&self.source.1, &other.source.1))
    }
}

impl std::fmt::Display for Ingress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ports = if self.from == -1 {
            "all ports".to_owned()
        } else if self.from == self.to {
            format!("port {}", self.from)
        } else {
            format!("ports {}-{}", self.from, self.to)
        };
        let proto = if self.protocol == "-1" {
            "all protocols"
        } else {
            &self.protocol
        };
        write!(
            f,
            "ingress {proto} {ports} from {} {}",
            self.source.0, self.source.1
        )
    }
}

/// True when CIDR block `outer` contains `inner` (both IPv4 or both IPv6).
fn cidr_contains(outer: &str, inner: &str) -> bool {
    fn parse(s: &str) -> Option<(IpAddr, u32)> {
        let (a, n) = s.split_once('/')?;
        Some((a.parse().ok()?, n.parse().ok()?))
    }
    let (Some((oa, on)), Some((ia, inn))) = (parse(outer), parse(inner)) else {
        return false;
    };
    if on > inn {
        return false;
    }
    match (oa, ia) {
        (IpAddr::V4(o), IpAddr::V4(i)) if on <= 32 => {
            let mask = if on == 0 { 0 } else { u32::MAX << (32 - on) };
            u32::from(o) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(o), IpAddr::V6(i)) if on <= 128 => {
            let mask = if on == 0 { 0 } else { u128::MAX << (128 - on) };
            u128::from(o) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

/// The permission-granting content of one resource.
#[derive(Default)]
struct Grants {
    allow: BTreeSet<Grant>,
    deny: BTreeSet<Grant>,
    /// Statements compared whole (`NotAction`...) and resources compared whole
    /// (`AWS::Lambda::Permission`).
    opaque: BTreeSet<String>,
    /// `Deny` statements compared whole: one that disappears widens.
    opaque_deny: BTreeSet<String>,
    ingress: Vec<Ingress>,
    /// `ManagedPolicyArns: arn`, `Roles: name`...
    members: BTreeSet<String>,
}

impl Grants {
    fn of(resource: Option<&Json>) -> Grants {
        let mut g = Grants::default();
        let Some(props) = resource.and_then(|r| r.get("Properties")) else {
            return g;
        };
        let ty = resource
            .and_then(|r| r.get("Type"))
            .and_then(Json::as_str)
            .unwrap_or("");
        match ty {
            "AWS::EC2::SecurityGroupIngress" => g.ingress.push(Ingress::of(props)),
            "AWS::Lambda::Permission" => {
                g.opaque
                    .insert(serde_json::to_string(props).unwrap_or_default());
            }
            _ => {}
        }
        if let Json::Object(m) = props {
            for (k, v) in m {
                g.walk(k, k, v);
            }
        }
        g
    }

    /// Walk property `key` (inside top-level property `document`).
    fn walk(&mut self, document: &str, key: &str, v: &Json) {
        match (key, v) {
            ("Statement", _) => {
                for s in list(Some(v)) {
                    self.statement(document, s);
                }
            }
            ("SecurityGroupIngress", Json::Array(rules)) => {
                self.ingress.extend(rules.iter().map(Ingress::of));
            }
            // A resource policy applies its document to each queue or topic it lists: one
            // more queue or topic is one more resource the grants reach.
            (
                "ManagedPolicyArns" | "Roles" | "Users" | "Groups" | "Queues" | "Topics",
                Json::Array(items),
            ) => {
                for i in items {
                    self.members.insert(format!("{key}: {}", text(i)));
                }
            }
            (_, Json::Object(m)) => {
                for (k, x) in m {
                    self.walk(document, k, x);
                }
            }
            (_, Json::Array(items)) => {
                for i in items {
                    self.walk(document, key, i);
                }
            }
            // A policy document written as JSON text (CloudFormation accepts a string for
            // PolicyDocument, KeyPolicy, RepositoryPolicyText...): compare the document.
            (_, Json::String(s)) if s.trim_start().starts_with('{') => {
                if let Ok(doc @ Json::Object(_)) = serde_json::from_str::<Json>(s) {
                    self.walk(document, key, &doc);
                }
            }
            _ => {}
        }
    }

    fn statement(&mut self, document: &str, s: &Json) {
        let opaque = ["NotAction", "NotResource", "NotPrincipal"]
            .iter()
            .any(|k| s.get(*k).is_some())
            || s.get("Action").is_none();
        let deny = s.get("Effect").and_then(Json::as_str) == Some("Deny");
        if opaque {
            let whole = format!(
                "{document} statement {}",
                serde_json::to_string(s).unwrap_or_default()
            );
            if deny {
                self.opaque_deny.insert(whole);
            } else {
                self.opaque.insert(whole);
            }
            return;
        }
        let principals: Vec<Option<(String, String)>> = match s.get("Principal") {
            None => vec![None],
            Some(Json::String(p)) => vec![Some(("AWS".to_owned(), p.clone()))],
            Some(Json::Object(m)) => m
                .iter()
                .flat_map(|(k, v)| {
                    list(Some(v))
                        .into_iter()
                        .map(|p| Some((k.clone(), text(p))))
                })
                .collect(),
            Some(other) => vec![Some(("?".to_owned(), text(other)))],
        };
        let actions: Vec<String> = list(s.get("Action")).into_iter().map(text).collect();
        let resources: Vec<Option<String>> = match s.get("Resource") {
            None => vec![None],
            r => list(r).into_iter().map(|x| Some(text(x))).collect(),
        };
        let condition = s
            .get("Condition")
            .map(|c| serde_json::to_string(c).unwrap_or_default());
        for p in &principals {
            for a in &actions {
                for r in &resources {
                    let g = Grant {
                        document: document.to_owned(),
                        principal: p.clone(),
                        action: a.clone(),
                        resource: r.clone(),
                        condition: condition.clone(),
                    };
                    if deny {
                        self.deny.insert(g);
                    } else {
                        self.allow.insert(g);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// One change of resource `id`, updated in place when modified.
    fn plan(action: ChangeAction, id: &str, ty: &str) -> Vec<Change> {
        vec![Change {
            action,
            logical_id: id.into(),
            resource_type: ty.into(),
            replacement: Replacement::False,
            properties: vec![],
        }]
    }

    fn sg(rules: Json) -> Json {
        json!({"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x", "SecurityGroupIngress": rules}}}})
    }

    fn role(statements: Json) -> Json {
        json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
        }}}})
    }

    /// (flagged going old → new, flagged going new → old)
    fn both_ways(old: &Json, new: &Json, id: &str, ty: &str) -> (Broadening, Broadening) {
        let p = plan(ChangeAction::Modify, id, ty);
        (
            broadening(&p, Some(old), new),
            broadening(&p, Some(new), old),
        )
    }

    #[test]
    fn new_ingress_rule_needs_approval_and_removing_one_does_not() {
        let narrow = sg(
            json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}]),
        );
        let wide = sg(
            json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80}, {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]),
        );
        let (up, down) = both_ways(&narrow, &wide, "Sg", "AWS::EC2::SecurityGroup");
        assert_eq!(up.reasons.len(), 1, "{up:?}");
        assert!(up.reasons[0].contains("0.0.0.0/0"), "{up:?}");
        assert!(up.reasons[0].contains("port 22"), "{up:?}");
        assert!(down.is_empty(), "{down:?}");
    }

    #[test]
    fn ingress_cidr_and_port_range_narrowing_is_not_flagged_widening_is() {
        let old = sg(
            json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535}]),
        );
        // Smaller block, one port, protocol by number: narrower.
        let new = sg(
            json!([{"CidrIp": "10.1.0.0/16", "IpProtocol": "6", "FromPort": 443, "ToPort": 443}]),
        );
        let (narrowing, widening) = both_ways(&old, &new, "Sg", "AWS::EC2::SecurityGroup");
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert_eq!(widening.reasons.len(), 1, "{widening:?}");
        assert!(widening.reasons[0].contains("10.0.0.0/8"), "{widening:?}");

        // A wider block on the same port.
        let a = sg(
            json!([{"CidrIp": "10.0.0.0/16", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]),
        );
        let b = sg(
            json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]),
        );
        let (up, down) = both_ways(&a, &b, "Sg", "AWS::EC2::SecurityGroup");
        assert!(!up.is_empty() && down.is_empty(), "{up:?} {down:?}");

        // All protocols covers a tcp rule; a tcp rule does not cover all protocols.
        let all = sg(json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "-1"}]));
        let (up, down) = both_ways(&old, &all, "Sg", "AWS::EC2::SecurityGroup");
        assert!(!up.is_empty() && down.is_empty(), "{up:?} {down:?}");

        // A new source security group widens; the same one with a narrower port does not.
        let from_lb = sg(
            json!([{"SourceSecurityGroupId": {"Ref": "LbSg"}, "IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8100}]),
        );
        let from_lb_one = sg(
            json!([{"SourceSecurityGroupId": {"Ref": "LbSg"}, "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080}]),
        );
        let from_other = sg(
            json!([{"SourceSecurityGroupId": {"Ref": "Other"}, "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080}]),
        );
        let (up, down) = both_ways(&from_lb, &from_lb_one, "Sg", "AWS::EC2::SecurityGroup");
        assert!(up.is_empty() && !down.is_empty(), "{up:?} {down:?}");
        let (up, _) = both_ways(&from_lb_one, &from_other, "Sg", "AWS::EC2::SecurityGroup");
        assert!(!up.is_empty(), "{up:?}");

        // IPv6.
        let v6a = sg(
            json!([{"CidrIpv6": "2001:db8::/32", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]),
        );
        let v6b = sg(
            json!([{"CidrIpv6": "2001:db8:1::/48", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]),
        );
        let (narrowing, widening) = both_ways(&v6a, &v6b, "Sg", "AWS::EC2::SecurityGroup");
        assert!(narrowing.is_empty() && !widening.is_empty());
    }

    #[test]
    fn standalone_ingress_resource_is_compared_as_a_rule() {
        let r = |cidr: &str| json!({"Resources": {"In": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Ref": "Sg"}, "CidrIp": cidr, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}}}});
        let (narrowing, widening) = both_ways(
            &r("10.0.0.0/8"),
            &r("10.2.0.0/16"),
            "In",
            "AWS::EC2::SecurityGroupIngress",
        );
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert!(!widening.is_empty());
    }

    #[test]
    fn unchanged_or_reordered_permissions_are_not_flagged() {
        let a = role(json!([
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
        ]));
        let b = role(json!([
            {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}
        ]));
        let (x, y) = both_ways(&a, &b, "R", "AWS::IAM::Role");
        assert!(x.is_empty() && y.is_empty(), "{x:?} {y:?}");
    }

    #[test]
    fn iam_actions_and_resources_narrowing_is_not_flagged_widening_is() {
        // Fewer actions.
        let two = role(
            json!([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]),
        );
        let one = role(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]),
        );
        let (narrowing, widening) = both_ways(&two, &one, "R", "AWS::IAM::Role");
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert_eq!(widening.reasons.len(), 1);
        assert!(widening.reasons[0].contains("s3:PutObject"), "{widening:?}");
        assert!(
            widening.reasons[0].contains("IAM permissions"),
            "{widening:?}"
        );

        // A wildcard action replaced by one it matches; the reverse widens.
        let star =
            role(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]));
        let (narrowing, widening) = both_ways(&star, &one, "R", "AWS::IAM::Role");
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert!(widening.reasons[0].contains("s3:*"), "{widening:?}");

        // A narrower resource; `*` widens.
        let key = role(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/reports/*"}]),
        );
        let any = role(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]));
        let (narrowing, _) = both_ways(&one, &key, "R", "AWS::IAM::Role");
        assert!(narrowing.is_empty(), "{narrowing:?}");
        let (widening, _) = both_ways(&one, &any, "R", "AWS::IAM::Role");
        assert!(
            widening.reasons[0].contains("s3:GetObject on *"),
            "{widening:?}"
        );

        // Adding a condition narrows; dropping it widens.
        let cond = role(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]),
        );
        let (narrowing, widening) = both_ways(&one, &cond, "R", "AWS::IAM::Role");
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert!(!widening.is_empty());
    }

    #[test]
    fn trust_policy_principals_and_denies() {
        let trust = |svc: Json| {
            json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]}}}}})
        };
        let (narrowing, widening) = both_ways(
            &trust(json!(["ecs-tasks.amazonaws.com", "lambda.amazonaws.com"])),
            &trust(json!("ecs-tasks.amazonaws.com")),
            "R",
            "AWS::IAM::Role",
        );
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert!(
            widening.reasons[0].contains("lambda.amazonaws.com"),
            "{widening:?}"
        );

        // Removing a Deny widens; adding one does not.
        let plain = role(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]));
        let denied = role(
            json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]),
        );
        let (adding_deny, removing_deny) = both_ways(&plain, &denied, "R", "AWS::IAM::Role");
        assert!(adding_deny.is_empty(), "{adding_deny:?}");
        assert!(
            removing_deny.reasons[0].contains("no longer denies s3:DeleteObject"),
            "{removing_deny:?}"
        );
    }

    #[test]
    fn managed_policies_and_attachments_by_membership() {
        let r = |arns: Json| json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"ManagedPolicyArns": arns}}}});
        let (narrowing, widening) = both_ways(
            &r(json!([
                "arn:aws:iam::aws:policy/A",
                "arn:aws:iam::aws:policy/B"
            ])),
            &r(json!(["arn:aws:iam::aws:policy/A"])),
            "R",
            "AWS::IAM::Role",
        );
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert!(widening.reasons[0].contains("policy/B"), "{widening:?}");
    }

    #[test]
    fn a_new_role_is_broadening() {
        let new = json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow"}]}}}}});
        let p = plan(ChangeAction::Add, "R", "AWS::IAM::Role");
        assert!(!broadening(&p, None, &new).is_empty());
    }

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard("s3:*", "S3:GetObject", true));
        assert!(wildcard("s3:Get*", "s3:GetObjectAcl", true));
        assert!(!wildcard("s3:Get*", "s3:PutObject", true));
        assert!(wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::b/a/b", false));
        assert!(!wildcard("arn:aws:s3:::b/*", "arn:aws:s3:::c/a", false));
        assert!(wildcard(
            "ec2:Describe?nstances",
            "ec2:DescribeInstances",
            true
        ));
        assert!(wildcard("*", "", false));
        // A value with a `*` of its own: the pattern's `*` still matches any run.
        assert!(wildcard(
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/*/reports",
            false
        ));
        assert!(wildcard("*b", "*ab", false));
        assert!(!wildcard("*b", "*ba", false));
        assert!(wildcard("s3:*", "s3:*", true));
        assert!(cidr_contains("0.0.0.0/0", "10.0.0.0/8"));
        assert!(!cidr_contains("10.0.0.0/8", "0.0.0.0/0"));
        assert!(!cidr_contains("10.0.0.0/8", "2001:db8::/32"));
        // The same block (written with other host bits) contains itself.
        assert!(cidr_contains("10.0.0.0/16", "10.0.5.0/16"));
        assert!(cidr_contains("2001:db8::/32", "2001:db8:5::/32"));
        // Disjoint blocks of the same family.
        assert!(!cidr_contains("10.0.0.0/8", "11.0.0.0/16"));
        assert!(!cidr_contains("2001:db8::/32", "2001:db9::/48"));
        // Prefix lengths beyond the address size are not blocks.
        assert!(!cidr_contains("10.0.0.0/33", "10.0.0.0/40"));
        assert!(!cidr_contains("2001:db8::/129", "2001:db8::/130"));
        assert!(!cidr_contains("10.0.0.0", "10.0.0.0/8"));
    }

    // -----------------------------------------------------------------------------------
    // Every type the analysis inspects, broadened and narrowed (issue #18): removing a type
    // from SENSITIVE, or a branch of `Grants::of`, must fail one of these.

    /// What going from the wide resource back to the narrow one does.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Back {
        /// A narrowing: no approval.
        NotFlagged,
        /// The analysis cannot order the two (compared whole, or one member swapped for
        /// another): any change needs approval.
        Flagged,
    }

    /// One type: a resource, a broader version of it, and a word the reason must name.
    struct Case {
        ty: &'static str,
        /// What the reason calls it: "IAM permissions", "security group ingress" or
        /// "resource policy".
        what: &'static str,
        narrow: Json,
        wide: Json,
        /// A text the reason for narrow → wide must contain (what was widened).
        shows: &'static str,
        back: Back,
    }

    fn doc(statements: Json) -> Json {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn read_bucket() -> Json {
        json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}])
    }

    fn read_write_bucket() -> Json {
        json!([{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::assets/*"}])
    }

    /// One case per type in SENSITIVE, with properties as the CloudFormation resource
    /// reference documents them.
    fn cases() -> Vec<Case> {
        let ingress = |cidr: &str| json!({"CidrIp": cidr, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443});
        vec![
            Case {
                ty: "AWS::IAM::Role",
                what: "IAM permissions",
                narrow: json!({"AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
                    "Policies": [{"PolicyName": "p", "PolicyDocument": doc(read_bucket())}]}),
                wide: json!({"AssumeRolePolicyDocument": doc(json!([{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}])),
                    "Policies": [{"PolicyName": "p", "PolicyDocument": doc(read_write_bucket())}]}),
                shows: "s3:PutObject",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::Policy",
                what: "IAM permissions",
                narrow: json!({"PolicyName": "p", "Roles": [{"Ref": "TaskRole"}], "PolicyDocument": doc(read_bucket())}),
                wide: json!({"PolicyName": "p", "Roles": [{"Ref": "TaskRole"}],
                    "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))}),
                shows: "s3:* on *",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::ManagedPolicy",
                what: "IAM permissions",
                narrow: json!({"Roles": [{"Ref": "TaskRole"}], "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app-task"}]))}),
                wide: json!({"Roles": [{"Ref": "TaskRole"}], "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"}]))}),
                shows: "iam:PassRole on arn:aws:iam::111122223333:role/*",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::User",
                what: "IAM permissions",
                narrow: json!({"Groups": ["readers"], "Policies": [{"PolicyName": "p", "PolicyDocument": doc(read_bucket())}]}),
                wide: json!({"Groups": ["readers", "admins"], "Policies": [{"PolicyName": "p", "PolicyDocument": doc(read_bucket())}]}),
                shows: "Groups: admins",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::Group",
                what: "IAM permissions",
                narrow: json!({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}),
                wide: json!({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess"]}),
                shows: "AdministratorAccess",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::RolePolicy",
                what: "IAM permissions",
                narrow: json!({"PolicyName": "p", "RoleName": "app-task", "PolicyDocument": doc(read_bucket())}),
                wide: json!({"PolicyName": "p", "RoleName": "app-task", "PolicyDocument": doc(read_write_bucket())}),
                shows: "s3:PutObject",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::UserPolicy",
                what: "IAM permissions",
                narrow: json!({"PolicyName": "p", "UserName": "ci", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}]))}),
                wide: json!({"PolicyName": "p", "UserName": "ci", "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]))}),
                shows: "ecr:* on *",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::GroupPolicy",
                what: "IAM permissions",
                // A Deny that disappears widens; adding it back narrows.
                narrow: json!({"PolicyName": "p", "GroupName": "devs", "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]))}),
                wide: json!({"PolicyName": "p", "GroupName": "devs", "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]))}),
                shows: "no longer denies s3:DeleteBucket",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::UserToGroupAddition",
                what: "IAM permissions",
                narrow: json!({"GroupName": "admins", "Users": ["alice"]}),
                wide: json!({"GroupName": "admins", "Users": ["alice", "mallory"]}),
                shows: "Users: mallory",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::IAM::InstanceProfile",
                what: "IAM permissions",
                // A profile holds one role: swapping it for another is not ordered, so
                // both directions need approval.
                narrow: json!({"Roles": [{"Ref": "AppRole"}]}),
                wide: json!({"Roles": [{"Ref": "AdminRole"}]}),
                shows: "AdminRole",
                back: Back::Flagged,
            },
            Case {
                ty: "AWS::EC2::SecurityGroup",
                what: "security group ingress",
                narrow: json!({"GroupDescription": "web", "SecurityGroupIngress": [ingress("10.0.0.0/16")]}),
                wide: json!({"GroupDescription": "web", "SecurityGroupIngress": [ingress("0.0.0.0/0")]}),
                shows: "0.0.0.0/0",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::EC2::SecurityGroupIngress",
                what: "security group ingress",
                narrow: {
                    let mut r = ingress("10.0.0.0/16");
                    r["GroupId"] = json!({"Ref": "Sg"});
                    r
                },
                wide: {
                    let mut r = ingress("0.0.0.0/0");
                    r["GroupId"] = json!({"Ref": "Sg"});
                    r
                },
                shows: "0.0.0.0/0",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::Lambda::Permission",
                what: "resource policy",
                // Compared whole (and every property of it is replaced on update): a
                // permission limited to one bucket, then opened to every principal.
                narrow: json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"},
                    "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::uploads", "SourceAccount": "111122223333"}),
                wide: json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"}, "Principal": "*"}),
                shows: "\"Principal\":\"*\"",
                back: Back::Flagged,
            },
            Case {
                ty: "AWS::S3::BucketPolicy",
                what: "resource policy",
                narrow: json!({"Bucket": {"Ref": "Assets"}, "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]))}),
                wide: json!({"Bucket": {"Ref": "Assets"}, "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]))}),
                shows: "for AWS *",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::SQS::QueuePolicy",
                what: "resource policy",
                // SNS may send only from one topic; dropping the condition lets any topic.
                narrow: json!({"Queues": [{"Ref": "Jobs"}], "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                     "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs",
                     "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:events"}}}]))}),
                wide: json!({"Queues": [{"Ref": "Jobs"}], "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                     "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"}]))}),
                shows: "sqs:SendMessage on arn:aws:sqs:us-east-1:111122223333:jobs for Service sns.amazonaws.com",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::SNS::TopicPolicy",
                what: "resource policy",
                narrow: json!({"Topics": [{"Ref": "Events"}], "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:111122223333:events"}]))}),
                wide: json!({"Topics": [{"Ref": "Events"}], "PolicyDocument": doc(json!([
                    {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-1:111122223333:events"},
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sns:Subscribe", "Resource": "arn:aws:sns:us-east-1:111122223333:events"}]))}),
                shows: "444455556666",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::ECR::Repository",
                what: "resource policy",
                // Repository policies have no Resource: the repository is implied.
                narrow: json!({"RepositoryName": "web", "RepositoryPolicyText": doc(json!([
                    {"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                     "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]))}),
                wide: json!({"RepositoryName": "web", "RepositoryPolicyText": doc(json!([
                    {"Sid": "pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                     "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage"]}]))}),
                shows: "ecr:PutImage",
                back: Back::NotFlagged,
            },
            Case {
                ty: "AWS::KMS::Key",
                what: "resource policy",
                narrow: json!({"KeyPolicy": doc(json!([
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "kms:Decrypt", "Resource": "*"}]))}),
                wide: json!({"KeyPolicy": doc(json!([
                    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
                    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}]))}),
                shows: "kms:Decrypt on * for AWS *",
                back: Back::NotFlagged,
            },
        ]
    }

    fn template(ty: &str, props: &Json) -> Json {
        json!({"Resources": {"X": {"Type": ty, "Properties": props}}})
    }

    #[test]
    fn every_inspected_type_has_a_case() {
        let covered: Vec<&str> = cases().iter().map(|c| c.ty).collect();
        let mut sorted = covered.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), covered.len(), "one case per type");
        let mut sensitive = SENSITIVE.to_vec();
        sensitive.sort_unstable();
        assert_eq!(
            sorted, sensitive,
            "SENSITIVE and the cases name the same types"
        );
    }

    #[test]
    fn each_inspected_type_broadening_needs_approval_and_narrowing_does_not() {
        let mut failures = Vec::new();
        for c in cases() {
            let narrow = template(c.ty, &c.narrow);
            let wide = template(c.ty, &c.wide);
            let (up, down) = both_ways(&narrow, &wide, "X", c.ty);
            let want = format!("X ({}) adds or widens {}:", c.ty, c.what);
            match up.reasons.as_slice() {
                [r] if r.starts_with(&want) && r.contains(c.shows) => {}
                other => failures.push(format!(
                    "{}: widening gave {other:?}, expected one reason `{want} ...{}...`",
                    c.ty, c.shows
                )),
            }
            match c.back {
                Back::NotFlagged if !down.is_empty() => {
                    failures.push(format!("{}: narrowing needs approval: {down:?}", c.ty));
                }
                Back::Flagged if down.reasons.len() != 1 => failures.push(format!(
                    "{}: the reverse change is not flagged: {down:?}",
                    c.ty
                )),
                _ => {}
            }
            // Unchanged: no approval either way.
            let (same, _) = both_ways(&wide, &wide, "X", c.ty);
            if !same.is_empty() {
                failures.push(format!("{}: unchanged is flagged: {same:?}", c.ty));
            }
            // A new resource of the type grants what it grants.
            let added = broadening(&plan(ChangeAction::Add, "X", c.ty), None, &wide);
            if added.reasons.len() != 1 || !added.reasons[0].starts_with(&want) {
                failures.push(format!("{}: adding it gave {added:?}", c.ty));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn policy_attachment_lists_widen_by_membership() {
        // IAM::Policy / ManagedPolicy attach their document to Roles, Users and Groups:
        // attaching it to one more principal widens that principal.
        for ty in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"] {
            for key in ["Roles", "Users", "Groups"] {
                let props = |members: Json| {
                    let mut p = json!({"PolicyName": "p", "PolicyDocument": doc(read_bucket())});
                    p[key] = members;
                    template(ty, &p)
                };
                let (up, down) =
                    both_ways(&props(json!(["a"])), &props(json!(["a", "b"])), "X", ty);
                assert_eq!(up.reasons.len(), 1, "{ty} {key}: {up:?}");
                assert!(up.reasons[0].contains(&format!("{key}: b")), "{up:?}");
                assert!(down.is_empty(), "{ty} {key}: {down:?}");
            }
        }
    }

    #[test]
    fn queue_and_topic_policies_widen_by_the_queues_and_topics_they_cover() {
        // The same document applied to one more queue (or topic) grants on that queue too.
        for (ty, key) in [
            ("AWS::SQS::QueuePolicy", "Queues"),
            ("AWS::SNS::TopicPolicy", "Topics"),
        ] {
            let props = |members: Json| {
                let mut p = json!({"PolicyDocument": doc(json!([{"Effect": "Allow",
                    "Principal": {"Service": "events.amazonaws.com"}, "Action": "*", "Resource": "*"}]))});
                p[key] = members;
                template(ty, &p)
            };
            let one = json!([{"Ref": "Jobs"}]);
            let two = json!([{"Ref": "Jobs"}, {"Ref": "Payments"}]);
            let (up, down) = both_ways(&props(one.clone()), &props(two), "X", ty);
            assert_eq!(up.reasons.len(), 1, "{ty}: {up:?}");
            assert!(
                up.reasons[0].contains(&format!(r#"{key}: {{"Ref":"Payments"}}"#)),
                "{ty}: {up:?}"
            );
            assert!(down.is_empty(), "{ty}: narrowing asks nothing: {down:?}");
            let (same, _) = both_ways(&props(one.clone()), &props(one), "X", ty);
            assert!(same.is_empty(), "{ty}: {same:?}");
        }
    }

    #[test]
    fn a_policy_document_written_as_a_json_string_is_inspected() {
        // CloudFormation accepts policy documents as JSON text as well as objects
        // (PolicyDocument, KeyPolicy, RepositoryPolicyText...): text must be compared as
        // the document it is, or a widened policy deploys without approval.
        let as_text = |statements: Json| Json::String(doc(statements).to_string());
        let cases = [
            ("AWS::IAM::Policy", "PolicyDocument"),
            ("AWS::S3::BucketPolicy", "PolicyDocument"),
            ("AWS::ECR::Repository", "RepositoryPolicyText"),
            ("AWS::KMS::Key", "KeyPolicy"),
        ];
        for (ty, key) in cases {
            let narrow = template(
                ty,
                &json!({key: as_text(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]))}),
            );
            let wide = template(
                ty,
                &json!({key: as_text(json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]))}),
            );
            // Whitespace differs, same document: not a change of permissions.
            let reformatted = template(
                ty,
                &json!({key: serde_json::to_string_pretty(&doc(json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::assets/*"}]))).unwrap()}),
            );
            let (up, down) = both_ways(&narrow, &wide, "X", ty);
            assert_eq!(up.reasons.len(), 1, "{ty}: {up:?}");
            assert!(
                up.reasons[0].contains("s3:* on * for AWS *"),
                "{ty}: {up:?}"
            );
            assert!(down.is_empty(), "{ty}: {down:?}");
            let (same, _) = both_ways(&narrow, &reformatted, "X", ty);
            assert!(same.is_empty(), "{ty}: {same:?}");
        }
    }

    #[test]
    fn deletions_and_replacements_need_approval_whatever_the_type() {
        let new = json!({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup"}}});
        let change = |action, replacement| {
            vec![Change {
                action,
                logical_id: "Logs".into(),
                resource_type: "AWS::Logs::LogGroup".into(),
                replacement,
                properties: vec![],
            }]
        };
        let reasons = |p: &[Change]| broadening(p, Some(&new), &new).reasons;
        assert_eq!(
            reasons(&change(ChangeAction::Remove, Replacement::False)),
            ["Logs (AWS::Logs::LogGroup) is deleted"]
        );
        assert_eq!(
            reasons(&change(ChangeAction::Modify, Replacement::True)),
            ["Logs (AWS::Logs::LogGroup) is replaced"]
        );
        assert_eq!(
            reasons(&change(ChangeAction::Modify, Replacement::Conditional)),
            ["Logs (AWS::Logs::LogGroup) may be replaced"]
        );
        // In place, or added: a log group grants nothing.
        assert!(reasons(&change(ChangeAction::Modify, Replacement::False)).is_empty());
        assert!(reasons(&change(ChangeAction::Add, Replacement::False)).is_empty());
        // A type the analysis does not inspect is not read, whatever it holds.
        let not_inspected = json!({"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "Policies": [{"PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))}]}}}});
        let p = change(ChangeAction::Modify, Replacement::False);
        assert!(broadening(&p, Some(&new), &not_inspected).is_empty());
    }

    #[test]
    fn a_reason_shows_three_grants_then_an_ellipsis() {
        let actions = |n: usize| {
            let a: Vec<String> = (0..n).map(|i| format!("s3:Action{i}")).collect();
            role(json!([{"Effect": "Allow", "Action": a, "Resource": "*"}]))
        };
        let none = role(json!([]));
        let p = plan(ChangeAction::Modify, "R", "AWS::IAM::Role");
        let three = broadening(&p, Some(&none), &actions(3));
        assert_eq!(three.reasons.len(), 1);
        assert!(three.reasons[0].ends_with("s3:Action2 on *"), "{three:?}");
        let four = broadening(&p, Some(&none), &actions(4));
        assert!(
            four.reasons[0].ends_with("s3:Action2 on *; ..."),
            "{four:?}"
        );
        assert!(!four.reasons[0].contains("Action3"), "{four:?}");
    }

    #[test]
    fn conditions_must_match_for_a_grant_to_cover_another() {
        let with = |cond: Json| {
            role(
                json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": cond}]),
            )
        };
        let tls = json!({"Bool": {"aws:SecureTransport": "true"}});
        let vpc = json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}});
        // The same condition both sides: unchanged.
        let (x, y) = both_ways(
            &with(tls.clone()),
            &with(tls.clone()),
            "R",
            "AWS::IAM::Role",
        );
        assert!(x.is_empty() && y.is_empty(), "{x:?} {y:?}");
        // Another condition: not comparable, both directions need approval.
        let (x, y) = both_ways(&with(tls), &with(vpc), "R", "AWS::IAM::Role");
        assert!(!x.is_empty() && !y.is_empty(), "{x:?} {y:?}");
    }

    #[test]
    fn principals_of_another_kind_or_value_are_not_covered() {
        let by = |principal: Json| {
            json!({"Resources": {"X": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": ["t"],
                "PolicyDocument": doc(json!([{"Effect": "Allow", "Principal": principal, "Action": "sns:Publish", "Resource": "*"}]))}}}})
        };
        let ty = "AWS::SNS::TopicPolicy";
        // The same name as a service and as an account: different principals.
        let (x, y) = both_ways(
            &by(json!({"Service": "events.amazonaws.com"})),
            &by(json!({"AWS": "events.amazonaws.com"})),
            "X",
            ty,
        );
        assert!(!x.is_empty() && !y.is_empty(), "{x:?} {y:?}");
        // Another account.
        let (x, _) = both_ways(
            &by(json!({"AWS": "arn:aws:iam::111122223333:root"})),
            &by(json!({"AWS": "arn:aws:iam::444455556666:root"})),
            "X",
            ty,
        );
        assert!(!x.is_empty(), "{x:?}");
        // A statement with a principal and one without are not comparable (identity vs
        // resource policy).
        let none = json!({"Resources": {"X": {"Type": ty, "Properties": {"Topics": ["t"],
            "PolicyDocument": doc(json!([{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]))}}}});
        let (x, y) = both_ways(&none, &by(json!({"AWS": "*"})), "X", ty);
        assert!(!x.is_empty() && !y.is_empty(), "{x:?} {y:?}");
    }

    #[test]
    fn statements_compared_whole_allow_widens_when_added_deny_when_removed() {
        let policy = |statements: Json| {
            json!({"Resources": {"X": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                "PolicyDocument": doc(statements)}}}})
        };
        let ty = "AWS::IAM::ManagedPolicy";
        let base = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"});
        // An Allow with NotAction grants everything else: adding it widens, removing narrows.
        let not_action = json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"});
        let (up, down) = both_ways(
            &policy(json!([base.clone()])),
            &policy(json!([base.clone(), not_action])),
            "X",
            ty,
        );
        assert_eq!(up.reasons.len(), 1, "{up:?}");
        assert!(up.reasons[0].contains("NotAction"), "{up:?}");
        assert!(down.is_empty(), "{down:?}");
        // A guardrail Deny with NotAction (deny all but reads): adding it narrows, removing
        // it widens.
        let guard =
            json!({"Effect": "Deny", "NotAction": ["s3:Get*", "s3:List*"], "Resource": "*"});
        let (adding, removing) = both_ways(
            &policy(json!([base.clone()])),
            &policy(json!([base.clone(), guard])),
            "X",
            ty,
        );
        assert!(adding.is_empty(), "{adding:?}");
        assert_eq!(removing.reasons.len(), 1, "{removing:?}");
        assert!(
            removing.reasons[0].contains("no longer denies PolicyDocument statement"),
            "{removing:?}"
        );
        // A statement without Action is compared whole too.
        let no_action = json!({"Effect": "Allow", "Resource": "*"});
        let (up, _) = both_ways(
            &policy(json!([base.clone()])),
            &policy(json!([base, no_action])),
            "X",
            ty,
        );
        assert_eq!(up.reasons.len(), 1, "{up:?}");
    }

    #[test]
    fn protocols_by_number_and_ports_as_strings_compare_like_their_names() {
        let rule = |proto: &str, from: Json, to: Json| {
            sg(
                json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": proto, "FromPort": from, "ToPort": to}]),
            )
        };
        for (number, name) in [("6", "tcp"), ("17", "udp"), ("1", "icmp")] {
            let (x, y) = both_ways(
                &rule(number, json!(443), json!(443)),
                &rule(name, json!("443"), json!("443")),
                "Sg",
                "AWS::EC2::SecurityGroup",
            );
            assert!(x.is_empty() && y.is_empty(), "{number}: {x:?} {y:?}");
        }
        // tcp does not cover udp.
        let (x, _) = both_ways(
            &rule("tcp", json!(53), json!(53)),
            &rule("udp", json!(53), json!(53)),
            "Sg",
            "AWS::EC2::SecurityGroup",
        );
        assert!(!x.is_empty(), "{x:?}");
    }

    #[test]
    fn a_resource_pattern_narrowed_inside_a_wildcard_is_not_flagged() {
        // `b/*` covers `b/*/reports`: narrowing a resource pattern asks nothing.
        let on = |resource: &str| {
            role(json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource}]))
        };
        let (narrowing, widening) = both_ways(
            &on("arn:aws:s3:::b/*"),
            &on("arn:aws:s3:::b/*/reports"),
            "R",
            "AWS::IAM::Role",
        );
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert_eq!(widening.reasons.len(), 1, "{widening:?}");
    }

    #[test]
    fn ingress_all_protocols_and_all_icmp_types_mean_all_ports() {
        let rule = |proto: &str, from: i64, to: i64| {
            sg(
                json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": proto, "FromPort": from, "ToPort": to}]),
            )
        };
        let ty = "AWS::EC2::SecurityGroup";
        // EC2: protocol -1 allows all ports whatever range is given, so `-1` with ports 80
        // covers udp 53; a tcp rule on port 80 does not cover it.
        let (x, y) = both_ways(&rule("-1", 80, 80), &rule("udp", 53, 53), "Sg", ty);
        assert!(x.is_empty(), "{x:?}");
        assert!(!y.is_empty(), "{y:?}");
        let (x, _) = both_ways(&rule("tcp", 80, 80), &rule("-1", 80, 80), "Sg", ty);
        assert!(!x.is_empty(), "{x:?}");
        // ICMP: FromPort/ToPort -1 is every type and code; echo request (type 8, code 0)
        // is inside it.
        let (narrowing, widening) = both_ways(&rule("icmp", -1, -1), &rule("icmp", 8, 0), "Sg", ty);
        assert!(narrowing.is_empty(), "{narrowing:?}");
        assert_eq!(widening.reasons.len(), 1, "{widening:?}");
        assert!(
            widening.reasons[0].ends_with("ingress icmp all ports from CidrIp 10.0.0.0/8"),
            "{widening:?}"
        );
        // ICMP without ports is the same as -1/-1: no change either way.
        let no_ports = sg(json!([{"CidrIp": "10.0.0.0/8", "IpProtocol": "icmp"}]));
        let (x, y) = both_ways(&rule("icmp", -1, -1), &no_ports, "Sg", ty);
        assert!(x.is_empty() && y.is_empty(), "{x:?} {y:?}");
        // The reason names the protocol and the ports as EC2 reads them.
        let (x, _) = both_ways(&rule("tcp", 80, 80), &rule("-1", 80, 80), "Sg", ty);
        assert!(
            x.reasons[0].ends_with("ingress all protocols all ports from CidrIp 10.0.0.0/8"),
            "{x:?}"
        );
        let (x, _) = both_ways(&rule("tcp", 80, 80), &rule("tcp", 8000, 8080), "Sg", ty);
        assert!(
            x.reasons[0].ends_with("ingress tcp ports 8000-8080 from CidrIp 10.0.0.0/8"),
            "{x:?}"
        );
    }
}
