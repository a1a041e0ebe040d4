//! IAM policy documents (`FF2015`): the documents IAM (or the service holding a resource
//! policy) refuses with `MalformedPolicyDocument` when the stack is deployed.
//!
//! Where they are: a role's trust policy (`AWS::IAM::Role` `AssumeRolePolicyDocument`); the
//! identity-based policies attached to roles, users and groups (`Policies[*].PolicyDocument`
//! of `AWS::IAM::Role`, `User`, `Group`; `PolicyDocument` of `AWS::IAM::Policy`,
//! `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`); resource-based policies
//! (`PolicyDocument` of `AWS::S3::BucketPolicy`, `AWS::SQS::QueuePolicy`,
//! `AWS::SNS::TopicPolicy`; `RepositoryPolicyText` of `AWS::ECR::Repository`; `KeyPolicy` of
//! `AWS::KMS::Key`). A document is a mapping or a JSON text.
//!
//! What is checked, from the IAM JSON policy reference (grammar:
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>,
//! elements: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html>):
//! - a document has only `Version`, `Id` and `Statement`; `Statement` is required, and is one
//!   statement (a mapping) or a list of them; `Version` is `2012-10-17` or `2008-10-17`;
//! - a statement has only `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`,
//!   `Resource`, `NotResource`, `Condition`; `Effect` is required and is `Allow` or `Deny`
//!   (case-sensitive); exactly one of `Action`/`NotAction`; never both `Resource` and
//!   `NotResource`, nor both `Principal` and `NotPrincipal` (the reference: "you cannot use
//!   both ... in the same policy statement");
//! - "The `principal_block` element is required in resource-based policies (for example, in
//!   Amazon S3 bucket policies) and in trust policies for IAM roles. It must *not* be included
//!   in identity-based policies" (grammar notes; IAM: "Has prohibited field Principal"); "You
//!   cannot use the `NotPrincipal` element in an IAM identity-based policy nor in an IAM role
//!   trust policy" (`NotPrincipal` page);
//! - an identity-based statement names its resources (`Resource` or `NotResource`: the
//!   grammar's `resource_block` is not optional); a trust policy names none (the resource is
//!   the role; IAM: "Has prohibited field Resource");
//! - a principal is `*` or a mapping of `AWS`, `Federated`, `Service`, `CanonicalUser`; an
//!   action is `*` or `service:name` ("a service namespace, a colon, and the name of an
//!   action"); `Action` and `Resource` are a string or a list of strings; `Condition` maps
//!   condition operators (the condition operators page, with the `ForAllValues:` /
//!   `ForAnyValue:` set prefixes and the `IfExists` suffix) to mappings;
//! - in IAM's own policies, a `Sid` is unique within the policy, and in identity-based ones
//!   it has only `A-Z`, `a-z`, `0-9` (grammar notes, `sid_string`).
//!
//! Nothing is guessed: a value that is an expression (`Ref`, `Fn::Sub`...) is not checked,
//! an `Fn::If` has each of its literal branches checked (a property or element that an
//! `Fn::If` may leave out counts as maybe there: never reported as conflicting or
//! prohibited, never as missing), a mapping with an `Fn::` key (`Fn::Transform`) is left
//! alone, and a JSON text holding a dynamic reference (`{{resolve:...}}`) is not read.

use super::{
    Cx, has_dynamic_reference, has_fn_key, is_no_value, may_be_set, one_of, push_index, suggest,
    surely_set,
};
use crate::model::json::Field;
use crate::model::render::{Json, JsonMap};
use crate::rules;

/// What a policy document is for: IAM allows different elements in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Identity-based: attached to a role, user or group (inline or managed).
    Identity,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
    /// Resource-based, with what the policy is called ("S3 bucket policy").
    Resource(&'static str),
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Identity => "IAM identity policy",
            Kind::Trust => "role trust policy",
            Kind::Resource(name) => name,
        }
    }

    /// The name with its article ("an S3 bucket policy").
    fn a_name(self) -> String {
        let name = self.name();
        let vowel_sound = ["IAM", "S3", "SQS", "SNS", "ECR"]
            .iter()
            .any(|p| name.starts_with(p));
        format!("{} {name}", if vowel_sound { "an" } else { "a" })
    }
}

/// The property that holds a list of inline policies (`{PolicyName, PolicyDocument}`).
const INLINE: &str = "Policies";

/// Where policy documents are: (resource type, property, kind). [`INLINE`] means each
/// item's `PolicyDocument`.
#[rustfmt::skip]
const PLACES: &[(&str, &str, Kind)] = &[
    ("AWS::IAM::Role", "AssumeRolePolicyDocument", Kind::Trust),
    ("AWS::IAM::Role", INLINE, Kind::Identity),
    ("AWS::IAM::User", INLINE, Kind::Identity),
    ("AWS::IAM::Group", INLINE, Kind::Identity),
    ("AWS::IAM::Policy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::ManagedPolicy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::RolePolicy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::UserPolicy", "PolicyDocument", Kind::Identity),
    ("AWS::IAM::GroupPolicy", "PolicyDocument", Kind::Identity),
    ("AWS::S3::BucketPolicy", "PolicyDocument", Kind::Resource("S3 bucket policy")),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", Kind::Resource("SQS queue policy")),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", Kind::Resource("SNS topic policy")),
    ("AWS::ECR::Repository", "RepositoryPolicyText", Kind::Resource("ECR repository policy")),
    ("AWS::KMS::Key", "KeyPolicy", Kind::Resource("KMS key policy")),
];

/// The elements of a policy document.
const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];
/// The elements of a statement.
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
/// The principal types of a principal mapping.
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Federated", "Service", "CanonicalUser"];
/// The policy language versions.
const VERSIONS: &[&str] = &["2012-10-17", "2008-10-17"];
/// The condition operators, without the set prefixes and the `IfExists` suffix.
const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// How deep `Fn::If`s may nest before the walk stops (a template nests far less).
const MAX_IF_DEPTH: usize = 16;

/// One problem in a policy document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub path: String,
    pub message: String,
    pub hint: String,
}

pub(super) fn check(cx: &mut Cx) {
    let mut found: Vec<(&str, Finding)> = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let Some(props) = r.field("Properties").and_then(Json::as_object) else {
            continue;
        };
        for &(_, prop, kind) in PLACES.iter().filter(|(t, _, _)| *t == ty) {
            let Some(v) = props.field(prop) else {
                continue;
            };
            let mut path = super::dotted(&[id, "Properties", prop]);
            let findings = if prop == INLINE {
                inline_policies(v, kind, &mut path)
            } else {
                check_document(v, kind, &path)
            };
            found.extend(findings.into_iter().map(|f| (id.as_str(), f)));
        }
    }
    for (id, f) in found {
        cx.report(
            rules::POLICY_DOCUMENT,
            Some(id),
            f.path,
            f.message,
            Some(f.hint),
        );
    }
}

/// The documents of a list of inline policies (`Policies`).
fn inline_policies(v: &Json, kind: Kind, path: &mut String) -> Vec<Finding> {
    let mut out = Vec::new();
    for list in branches(v, 0) {
        let Json::Array(items) = list else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let len = path.len();
            push_index(path, i);
            for p in branches(item, 0) {
                if let Some(doc) = p.field("PolicyDocument") {
                    out.extend(check_document(doc, kind, &join(path, "PolicyDocument")));
                }
            }
            path.truncate(len);
        }
    }
    out
}

/// Check one policy document of `kind` at `path` (the property holding it).
pub(crate) fn check_document(doc: &Json, kind: Kind, path: &str) -> Vec<Finding> {
    let mut w = Walk {
        kind,
        out: Vec::new(),
    };
    for d in branches(doc, 0) {
        match d {
            Json::Object(m) => w.document(m, &mut path.to_owned()),
            Json::String(s) => w.text(s, path),
            // Where the schema takes text, CloudFormation passes a boolean or number on as
            // its text (`true`): JSON, but no document. No schema of these properties refuses
            // one, so it is reported here.
            Json::Bool(_) | Json::Number(_) => w.not_a_document(d, path),
            // A list: the schema check reports it (FF2004); null: FF2019.
            _ => {}
        }
    }
    w.out
}

/// The literal values `v` may take: `v` itself, or the branches of its `Fn::If`s (not
/// `AWS::NoValue`); nothing for any other expression.
fn branches(v: &Json, depth: usize) -> Branches<'_> {
    // A mapping of the one key `Condition` is data here (a statement's condition block).
    match super::expression(v) {
        None => Branches::One(Some(v)),
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 && depth < MAX_IF_DEPTH => Branches::Many(
            a[1..]
                .iter()
                .filter(|b| !is_no_value(b))
                .flat_map(|b| branches(b, depth + 1))
                .collect::<Vec<_>>()
                .into_iter(),
        ),
        Some(_) => Branches::One(None),
    }
}

/// The values of [`branches`]: nearly always one, kept off the heap.
enum Branches<'a> {
    One(Option<&'a Json>),
    Many(std::vec::IntoIter<&'a Json>),
}

impl<'a> Iterator for Branches<'a> {
    type Item = &'a Json;
    fn next(&mut self) -> Option<&'a Json> {
        match self {
            Branches::One(v) => v.take(),
            Branches::Many(it) => it.next(),
        }
    }
}

impl Default for Branches<'_> {
    fn default() -> Self {
        Branches::One(None)
    }
}

impl Branches<'_> {
    fn len(&self) -> usize {
        match self {
            Branches::One(v) => usize::from(v.is_some()),
            Branches::Many(it) => it.len(),
        }
    }
}

/// What a value is, for a message.
fn what(v: &Json) -> String {
    match v {
        Json::Null => "empty".into(),
        Json::Bool(b) => format!("`{b}`"),
        Json::Number(n) => format!("`{n}`"),
        Json::String(s) => format!("`{}`", super::cut(s.clone())),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a mapping".into(),
    }
}

fn join(path: &str, key: &str) -> String {
    super::dotted(&[path, key])
}

fn index(path: &str, i: usize) -> String {
    let mut p = path.to_owned();
    push_index(&mut p, i);
    p
}

/// What [`Walk::strings`] calls for each literal string: the walk, the string, and its path
/// (built only when asked for, so only for what is reported).
/// Whether `s` can name an `AWS` principal: `*`, a 12-digit account ID, an ARN (of an
/// account, role, user, session or CloudFront origin access identity), or the unique ID IAM
/// keeps in place of a deleted role or user (`AROA...`, `AIDA...`).
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
fn aws_principal(s: &str) -> bool {
    s == "*"
        || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
        || s.starts_with("arn:")
        || (s.len() >= 16
            && s.starts_with('A')
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
}

type EachString<'a> = dyn FnMut(&mut Walk, &str, &dyn Fn() -> String) + 'a;

/// The walk of one document.
struct Walk {
    kind: Kind,
    out: Vec<Finding>,
}

impl Walk {
    /// `d`, at `path`, is a value but no policy document.
    fn not_a_document(&mut self, d: &Json, path: &str) {
        let message = format!(
            "the {} is {}, not a policy document",
            self.kind.name(),
            what(d)
        );
        let hint = "a policy document is a mapping: {Version: \"2012-10-17\", Statement: [...]}";
        self.bad(path.to_owned(), message, hint);
    }

    fn bad(&mut self, path: String, message: impl Into<String>, hint: impl Into<String>) {
        self.out.push(Finding {
            path,
            message: message.into(),
            hint: hint.into(),
        });
    }

    /// A document given as JSON text.
    fn text(&mut self, s: &str, path: &str) {
        if has_dynamic_reference(s) {
            return;
        }
        let kind = self.kind.name();
        match serde_json::from_str::<Json>(s) {
            Ok(Json::Object(m)) => {
                let before = self.out.len();
                self.document(&m, &mut path.to_owned());
                for f in &mut self.out[before..] {
                    f.message.push_str(" (in the document's JSON text)");
                }
            }
            Ok(v) => self.bad(
                path.to_owned(),
                format!("the {kind} is JSON text holding {}, not a policy document", what(&v)),
                "a policy document is a JSON object: {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
            ),
            Err(e) => self.bad(
                path.to_owned(),
                format!("the {kind} is text that is not JSON ({e})"),
                "give the document as a mapping, or as JSON text: {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
            ),
        }
    }

    /// Report the keys of `m` not in `known`; return the known keys they are likely typos of.
    fn unknown_keys(
        &mut self,
        m: &JsonMap,
        known: &'static [&'static str],
        path: &str,
        what: &str,
    ) -> Vec<&'static str> {
        let mut meant = Vec::new();
        for (k, v) in m {
            if known.contains(&k.as_str()) || is_no_value(v) {
                continue;
            }
            let s = suggest(k, known.iter().copied());
            let hint = match s {
                Some(s) if s.eq_ignore_ascii_case(k) => {
                    format!("element names are case-sensitive: write `{s}`")
                }
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("{what} has only the elements {}", and_list(known)),
            };
            meant.extend(s);
            self.bad(
                join(path, k),
                format!(
                    "`{k}` is not an element of {what}: IAM refuses {} with it",
                    self.kind.a_name()
                ),
                hint,
            );
        }
        meant
    }

    fn document(&mut self, m: &JsonMap, path: &mut String) {
        if has_fn_key(m) {
            return;
        }
        let kind = self.kind.name();
        let meant = self.unknown_keys(m, DOCUMENT_KEYS, path, "a policy document");
        let versions = m
            .field("Version")
            .map(|v| branches(v, 0))
            .unwrap_or_default();
        for v in versions {
            if v.as_str().is_some_and(|s| VERSIONS.contains(&s)) {
                continue;
            }
            self.bad(
                join(path, "Version"),
                format!(
                    "the {kind}'s `Version` is {}, not a version of the policy language",
                    what(v)
                ),
                "write `Version: \"2012-10-17\"` (the current version; `2008-10-17` is the older one)",
            );
        }
        // The grammar's `"Id" : <policy_id_string>`.
        self.text_element(
            m,
            path,
            "Id",
            "write the policy's identifier as one string (a UUID, or a name)",
        );
        match m.field("Statement").filter(|v| !is_no_value(v)) {
            None if !meant.contains(&"Statement") => self.bad(
                path.clone(),
                format!("the {kind} has no `Statement`"),
                "add `Statement:` with a statement (a mapping with Effect, Action...) or a list of them",
            ),
            None => {}
            Some(v) => {
                let len = path.len();
                path.push_str(".Statement");
                for list in branches(v, 0) {
                    self.statements(list, path);
                }
                path.truncate(len);
            }
        }
    }

    /// The value of `Statement`: one statement or a list.
    fn statements(&mut self, v: &Json, path: &mut String) {
        match v {
            Json::Object(m) => self.statement(m, path, &mut Vec::new()),
            Json::Array(items) => {
                let mut sids = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    push_index(path, i);
                    if let Some(f) = super::list_function(item) {
                        self.bad(
                            path.clone(),
                            format!("a statement is {f}, which gives a list, not a mapping"),
                            "a statement is a mapping with Effect, Action and (by policy type) Principal or Resource",
                        );
                    }
                    let alternatives = branches(item, 0);
                    let one = alternatives.len() == 1;
                    for s in alternatives {
                        // Alternatives of an `Fn::If` are compared with the statements
                        // before them, not with each other.
                        let mut own = if one { Vec::new() } else { sids.clone() };
                        let seen = if one { &mut sids } else { &mut own };
                        match s {
                            Json::Object(m) => self.statement(m, path, seen),
                            other => self.bad(
                                path.clone(),
                                format!("a statement is {}, not a mapping", what(other)),
                                "a statement is a mapping with Effect, Action and (by policy type) Principal or Resource",
                            ),
                        }
                    }
                    path.truncate(len);
                }
            }
            other => self.bad(
                path.clone(),
                format!(
                    "`Statement` is {}, not a statement or a list of statements",
                    what(other)
                ),
                "a statement is a mapping with Effect, Action and (by policy type) Principal or Resource",
            ),
        }
    }

    fn statement(&mut self, m: &JsonMap, path: &str, sids: &mut Vec<String>) {
        if has_fn_key(m) {
            return;
        }
        let meant = self.unknown_keys(m, STATEMENT_KEYS, path, "a policy statement");
        // Maybe there (an `Fn::If` may leave it out): enough not to call it missing. Surely
        // there (`surely_set`): enough to call it a conflict or prohibited.
        let has = |k: &str| may_be_set(m, k) || meant.contains(&k);
        self.effect(m, path, has("Effect"));
        self.statement_actions(m, path, has("Action") || has("NotAction"));
        self.statement_resources(m, path, has("Resource") || has("NotResource"));
        self.statement_principals(m, path, has("Principal") || has("NotPrincipal"));
        if let Some(v) = m.field("Condition") {
            self.condition(v, &join(path, "Condition"));
        }
        self.sid(m, path, sids);
    }

    /// The statement's `Effect` (`present`: it may be there).
    fn effect(&mut self, m: &JsonMap, path: &str, present: bool) {
        match m.field("Effect").filter(|v| !is_no_value(v)) {
            None if !present => self.bad(
                path.to_owned(),
                "the statement has no `Effect`",
                "add `Effect: Allow` or `Effect: Deny`",
            ),
            None => {}
            Some(v) => {
                if let Some(f) = super::list_function(v) {
                    self.bad(
                        join(path, "Effect"),
                        format!("`Effect` is {f}, which gives a list, not `Allow` or `Deny`"),
                        "`Effect` is `Allow` or `Deny`",
                    );
                }
                for e in branches(v, 0) {
                    if matches!(e.as_str(), Some("Allow" | "Deny")) {
                        continue;
                    }
                    let hint = match e.as_str().map(str::to_ascii_lowercase).as_deref() {
                        Some("allow") => "`Effect` is case-sensitive: write `Allow`",
                        Some("deny") => "`Effect` is case-sensitive: write `Deny`",
                        _ => "`Effect` is `Allow` or `Deny`",
                    };
                    self.bad(
                        join(path, "Effect"),
                        format!("`Effect` is {}, not `Allow` or `Deny`", what(e)),
                        hint,
                    );
                }
            }
        }
    }

    /// The statement's `Action` or `NotAction` (`present`: one may be there).
    fn statement_actions(&mut self, m: &JsonMap, path: &str, present: bool) {
        if !present {
            let example = if self.kind == Kind::Trust {
                "sts:AssumeRole"
            } else {
                "s3:GetObject"
            };
            self.bad(
                path.to_owned(),
                "the statement has no `Action` (or `NotAction`)",
                format!("list the actions it allows or denies, e.g. `Action: {example}`"),
            );
        }
        self.exclusive(m, path, "Action", "NotAction");
        for k in ["Action", "NotAction"] {
            if let Some(v) = m.field(k) {
                self.actions(v, &join(path, k), k);
            }
        }
    }

    /// The statement's `Resource` or `NotResource` by policy type (`present`: one may be there).
    fn statement_resources(&mut self, m: &JsonMap, path: &str, present: bool) {
        self.exclusive(m, path, "Resource", "NotResource");
        match self.kind {
            Kind::Identity if !present => self.bad(
                path.to_owned(),
                "the statement has no `Resource` (or `NotResource`): a statement of an IAM identity policy names the resources it covers",
                "add `Resource:` with an ARN, a list of ARNs, or `\"*\"`",
            ),
            Kind::Trust => {
                for k in ["Resource", "NotResource"].into_iter().filter(|k| surely_set(m, k)) {
                    self.bad(
                        join(path, k),
                        format!("a role trust policy has no `{k}`: its resource is the role itself (IAM: \"Has prohibited field Resource\")"),
                        format!("remove `{k}`; what the role may do goes in its Policies or managed policies"),
                    );
                }
            }
            _ => {}
        }
        if self.kind != Kind::Trust {
            for k in ["Resource", "NotResource"] {
                if let Some(v) = m.field(k) {
                    // IAM: "Resource ... must be in ARN format or \"*\"".
                    self.strings(v, &join(path, k), k, &mut |me, s, at| {
                        if s != "*" && !s.starts_with("arn:") && !super::has_dynamic_reference(s)
                        {
                            me.bad(
                                at(),
                                format!("`{k}` names {}, which is no ARN: IAM takes an ARN or \"*\"", super::shown(&Json::String(s.to_owned()))),
                                "write the resource's ARN (arn:aws:s3:::bucket/*), or take it from its resource or parameter with !Ref, !GetAtt or !Sub",
                            );
                        }
                    });
                }
            }
        }
    }

    /// The statement's `Principal` or `NotPrincipal` by policy type (`present`: one may be
    /// there).
    fn statement_principals(&mut self, m: &JsonMap, path: &str, present: bool) {
        self.exclusive(m, path, "Principal", "NotPrincipal");
        let kind = self.kind;
        match kind {
            Kind::Identity => {
                for k in ["Principal", "NotPrincipal"].into_iter().filter(|k| surely_set(m, k)) {
                    self.bad(
                        join(path, k),
                        format!("an IAM identity policy cannot name a `{k}`: its principal is the role, user or group it is attached to (IAM: \"Has prohibited field {k}\")"),
                        format!("remove `{k}`; who may assume a role goes in the role's AssumeRolePolicyDocument"),
                    );
                }
            }
            Kind::Trust => {
                if surely_set(m, "NotPrincipal") {
                    self.bad(
                        join(path, "NotPrincipal"),
                        "a role trust policy cannot use `NotPrincipal`",
                        "name who may assume the role with `Principal`",
                    );
                } else if !present {
                    self.bad(
                        path.to_owned(),
                        "the statement of a role trust policy has no `Principal`: it names who may assume the role",
                        "add e.g. `Principal: {Service: ec2.amazonaws.com}` or `Principal: {AWS: arn:aws:iam::111122223333:root}`",
                    );
                }
            }
            Kind::Resource(_) if !present => self.bad(
                path.to_owned(),
                format!("the statement of {} has no `Principal` (or `NotPrincipal`): a resource-based policy names who it applies to", kind.a_name()),
                "add e.g. `Principal: {AWS: arn:aws:iam::111122223333:root}`, `Principal: {Service: ...}` or `Principal: \"*\"`",
            ),
            Kind::Resource(_) => {}
        }
        if kind != Kind::Identity {
            for k in ["Principal", "NotPrincipal"] {
                if let Some(v) = m.field(k) {
                    self.principal(v, &join(path, k), k);
                }
            }
        }
    }

    /// The statement's `Sid`: its characters, and unique within an IAM policy.
    fn sid(&mut self, m: &JsonMap, path: &str, sids: &mut Vec<String>) {
        let kind = self.kind;
        let name = kind.name();
        // The grammar's `"Sid" : <sid_string>`.
        self.text_element(
            m,
            path,
            "Sid",
            "a Sid is one string that names the statement",
        );
        if let Some(Json::String(sid)) = m.field("Sid") {
            let sid_path = join(path, "Sid");
            if kind == Kind::Identity && !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                self.bad(
                    sid_path.clone(),
                    format!("Sid `{sid}` has characters an IAM policy's Sid cannot have"),
                    "a Sid of an IAM policy has only letters (A-Z, a-z) and digits (0-9)",
                );
            }
            // IAM's own policies; other services keep their own rules for a Sid.
            if matches!(kind, Kind::Identity | Kind::Trust) && !sid.is_empty() {
                if sids.contains(sid) {
                    self.bad(
                        sid_path,
                        format!("Sid `{sid}` is used by an earlier statement of the same {name}"),
                        "in IAM a Sid is unique within a policy: rename one",
                    );
                } else {
                    sids.push(sid.clone());
                }
            }
        }
    }

    /// Element `key` of `m` when it is a list or a plain mapping where the grammar has a
    /// string (a function that gives one passes).
    fn text_element(&mut self, m: &JsonMap, path: &str, key: &str, hint: &str) {
        if let Some(v @ (Json::Array(_) | Json::Object(_))) = m.field(key)
            && !crate::validate::is_expr(v)
        {
            self.bad(
                join(path, key),
                format!("`{key}` is {}, not text", what(v)),
                hint,
            );
        }
    }

    /// `a` and `b` are mutually exclusive: report `b` when both are surely there.
    fn exclusive(&mut self, m: &JsonMap, path: &str, a: &str, b: &str) {
        let sure = |k: &str| surely_set(m, k);
        if sure(a) && sure(b) {
            self.bad(
                join(path, b),
                format!("the statement has both `{a}` and `{b}`"),
                format!("keep one: `{a}` and `{b}` cannot be used in the same statement"),
            );
        }
    }

    /// A string or a list of strings (numbers and booleans pass as their text, `true` or
    /// `5`: that is what IAM reads); `each` sees the text of every literal scalar with its
    /// path.
    fn strings(&mut self, v: &Json, path: &str, key: &str, each: &mut EachString<'_>) {
        for v in branches(v, 0) {
            match v {
                Json::String(s) => each(self, s, &|| path.to_owned()),
                Json::Bool(_) | Json::Number(_) => each(self, &v.to_string(), &|| path.to_owned()),
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        for x in branches(item, 0) {
                            match x {
                                Json::String(s) => each(self, s, &|| index(path, i)),
                                Json::Bool(_) | Json::Number(_) => {
                                    each(self, &x.to_string(), &|| index(path, i));
                                }
                                Json::Array(_) | Json::Object(_) => self.bad(
                                    index(path, i),
                                    format!("an item of `{key}` is {}, not a string", what(x)),
                                    format!("`{key}` is a string or a list of strings"),
                                ),
                                _ => {}
                            }
                        }
                    }
                }
                Json::Object(_) => self.bad(
                    path.to_owned(),
                    format!("`{key}` is a mapping, not a string or a list of strings"),
                    format!("`{key}` is a string or a list of strings"),
                ),
                _ => {}
            }
        }
    }

    fn actions(&mut self, v: &Json, path: &str, key: &str) {
        if let Json::Array(a) = v
            && a.is_empty()
        {
            self.bad(
                path.to_owned(),
                format!("`{key}` lists no action"),
                "list at least one action, e.g. `s3:GetObject`, or `*`",
            );
        }
        self.strings(v, path, key, &mut |w, s, p| {
            if s != "*" && !s.contains(':') {
                w.bad(
                    p(),
                    format!("action `{s}` has no service prefix"),
                    "an action is `service:name` (`s3:GetObject`, `sts:AssumeRole`, `ec2:Describe*`), or `*` for all",
                );
            }
        });
    }

    fn principal(&mut self, v: &Json, path: &str, key: &str) {
        for v in branches(v, 0) {
            match v {
                Json::String(s) if s == "*" => {}
                Json::String(_) | Json::Number(_) => {
                    let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    let hint = if text.ends_with(".amazonaws.com") {
                        format!("a service is named as `{key}: {{Service: {text}}}`")
                    } else if text.starts_with("arn:") || text.chars().all(|c| c.is_ascii_digit()) {
                        format!("an account, role or user is named as `{key}: {{AWS: {text}}}`")
                    } else {
                        format!(
                            "`{key}` is `\"*\"` or a mapping of {}",
                            one_of(PRINCIPAL_KEYS)
                        )
                    };
                    self.bad(
                        path.to_owned(),
                        format!("`{key}` is `{text}`: a principal is `*` or a mapping of principal types"),
                        hint,
                    );
                }
                Json::Object(m) => {
                    if has_fn_key(m) {
                        continue;
                    }
                    for (k, x) in m {
                        if PRINCIPAL_KEYS.contains(&k.as_str()) {
                            self.strings(x, &join(path, k), k, &mut |w, s, at| {
                                if k == "AWS" && !aws_principal(s) {
                                    w.bad(
                                        at(),
                                        format!("`AWS` principal `{s}` is not an account ID, an ARN or `*`"),
                                        "write the 12-digit account ID (as text: a number drops leading zeros), or the ARN of the account, role or user (`arn:aws:iam::123456789012:root`)",
                                    );
                                }
                            });
                            continue;
                        }
                        if is_no_value(x) {
                            continue;
                        }
                        let hint = match suggest(k, PRINCIPAL_KEYS.iter().copied()) {
                            Some(s) if s.eq_ignore_ascii_case(k) => {
                                format!("principal types are case-sensitive: write `{s}`")
                            }
                            Some(s) => format!("did you mean `{s}`?"),
                            None => format!("the principal types are {}", one_of(PRINCIPAL_KEYS)),
                        };
                        self.bad(
                            join(path, k),
                            format!("`{k}` is not a principal type"),
                            hint,
                        );
                    }
                }
                other => self.bad(
                    path.to_owned(),
                    format!(
                        "`{key}` is {}: a principal is `*` or a mapping of principal types",
                        what(other)
                    ),
                    format!(
                        "`{key}` is `\"*\"` or a mapping of {}",
                        one_of(PRINCIPAL_KEYS)
                    ),
                ),
            }
        }
    }

    fn condition(&mut self, v: &Json, path: &str) {
        for v in branches(v, 0) {
            let Json::Object(m) = v else {
                self.bad(
                    path.to_owned(),
                    format!(
                        "`Condition` is {}, not a mapping of condition operators",
                        what(v)
                    ),
                    "e.g. `Condition: {StringEquals: {aws:SourceAccount: \"111122223333\"}}`",
                );
                continue;
            };
            if has_fn_key(m) {
                continue;
            }
            for (op, x) in m {
                if is_no_value(x) {
                    continue;
                }
                if !is_operator(op) {
                    let hint = match suggest(operator_base(op), OPERATORS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "see the condition operators: StringEquals, StringLike, ArnLike, Bool, NumericLessThan, DateGreaterThan, IpAddress, Null... (with an optional ForAllValues:/ForAnyValue: prefix and IfExists suffix)".into(),
                    };
                    self.bad(
                        join(path, op),
                        format!("`{op}` is not a condition operator"),
                        hint,
                    );
                    continue;
                }
                for x in branches(x, 0) {
                    if !x.is_object() {
                        self.bad(
                            join(path, op),
                            format!("the `{op}` condition is {}, not a mapping of condition keys to values", what(x)),
                            format!("e.g. `{op}: {{aws:SourceAccount: \"111122223333\"}}`"),
                        );
                    }
                }
            }
        }
    }
}

/// `a, b and c` (backquoted).
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            format!("{} and `{last}`", init.join(", "))
        }
    }
}

/// A condition operator without its set prefix and `IfExists` suffix.
fn operator_base(op: &str) -> &str {
    let op = op
        .strip_prefix("ForAllValues:")
        .or_else(|| op.strip_prefix("ForAnyValue:"))
        .unwrap_or(op);
    op.strip_suffix("IfExists").unwrap_or(op)
}

/// Whether `op` is a condition operator (names compared without case: IAM's own treatment
/// of case is not documented, so a different case is not reported).
fn is_operator(op: &str) -> bool {
    let base = operator_base(op);
    OPERATORS.iter().any(|o| o.eq_ignore_ascii_case(base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;
    use crate::validate::validate;
    use serde_json::json;

    const AT: &str = "R.Properties.Doc";
    const S3: Kind = Kind::Resource("S3 bucket policy");
    const KMS: Kind = Kind::Resource("KMS key policy");

    fn check(doc: Json, kind: Kind) -> Vec<Finding> {
        check_document(&doc, kind, AT)
    }

    /// The paths of the findings, relative to the document.
    fn paths(doc: Json, kind: Kind) -> Vec<String> {
        check(doc, kind)
            .into_iter()
            .map(|f| f.path.strip_prefix(AT).unwrap().to_owned())
            .collect()
    }

    #[test]
    fn a_function_that_gives_a_list_is_no_statement_and_no_effect() {
        let mut doc = trust();
        doc["Statement"][0]["Effect"] = json!({"Fn::GetAZs": ""});
        let found = check(doc, Kind::Trust);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].message,
            "`Effect` is Fn::GetAZs, which gives a list, not `Allow` or `Deny`"
        );
        let mut doc = trust();
        doc["Statement"] = json!([doc["Statement"][0].clone(),
            {"Fn::If": ["C", {"Fn::Split": [",", "a,b"]}, {"Ref": "AWS::NoValue"}]}]);
        assert_eq!(paths(doc, Kind::Trust), [".Statement[1]"]);
        // One item of a list is fine.
        let mut doc = trust();
        doc["Statement"][0]["Effect"] = json!({"Fn::Select": [0, {"Fn::Split": [",", "Allow"]}]});
        assert!(check(doc, Kind::Trust).is_empty());
    }

    fn trust() -> Json {
        json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]})
    }

    fn identity() -> Json {
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "ReadLogs",
            "Effect": "Allow",
            "Action": ["logs:GetLogEvents", "s3:Get*"],
            "Resource": "*"
        }]})
    }

    fn bucket() -> Json {
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "deny plain http",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}
        }]})
    }

    /// `doc` with its first statement changed by `f`.
    fn with_statement(mut doc: Json, f: impl FnOnce(&mut JsonMap)) -> Json {
        f(doc["Statement"][0].as_object_mut().unwrap());
        doc
    }

    #[test]
    fn valid_documents_of_each_kind_pass() {
        assert_eq!(check(trust(), Kind::Trust), vec![]);
        assert_eq!(check(identity(), Kind::Identity), vec![]);
        assert_eq!(check(bucket(), S3), vec![]);
        // One statement as a mapping, the older version, a NotPrincipal in a resource policy,
        // condition operators with set prefixes and IfExists.
        let doc = json!({"Version": "2008-10-17", "Id": "key-policy", "Statement": {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root", 111122223333_u64]},
            "NotAction": "kms:Decrypt",
            "Resource": "*",
            "Condition": {
                "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["a*"]},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["b"]},
                "ArnNotLikeIfExists": {"aws:SourceArn": "arn:aws:sns:*:*:t"},
                "Null": {"aws:TokenIssueTime": "true"}
            }
        }});
        assert_eq!(check(doc, KMS), vec![]);
    }

    #[test]
    fn a_document_has_only_version_id_and_statement() {
        let mut doc = identity();
        doc["Statment"] = doc["Statement"].take();
        doc.as_object_mut().unwrap().remove("Statement");
        let f = check(doc, Kind::Identity);
        // The typo, not also a missing Statement.
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, format!("{AT}.Statment"));
        assert_eq!(f[0].hint, "did you mean `Statement`?");
        let mut doc = identity();
        doc["Comment"] = json!("x");
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].hint.contains("`Version`, `Id` and `Statement`"),
            "{f:?}"
        );
    }

    #[test]
    fn statement_is_required() {
        let f = check(json!({}), Kind::Trust);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, AT);
        assert!(f[0].message.contains("no `Statement`"), "{f:?}");
        let noval = json!({"Statement": {"Ref": "AWS::NoValue"}});
        assert_eq!(paths(noval, Kind::Trust), vec![""]);
    }

    #[test]
    fn version_is_one_of_the_two() {
        let mut doc = trust();
        doc["Version"] = json!("2012-10-18");
        assert_eq!(paths(doc.clone(), Kind::Trust), vec![".Version"]);
        doc["Version"] = json!({"Ref": "PolicyVersion"});
        assert_eq!(paths(doc, Kind::Trust), Vec::<String>::new());
    }

    #[test]
    fn statement_is_a_mapping_or_a_list_of_mappings() {
        let doc = json!({"Statement": "Allow everything"});
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement"]);
        let mut doc = identity();
        doc["Statement"].as_array_mut().unwrap().push(json!(["x"]));
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[1]"]);
    }

    #[test]
    fn unknown_statement_elements_get_a_suggestion_and_no_second_report() {
        let doc = with_statement(trust(), |s| {
            let a = s.remove("Action").unwrap();
            s.insert("Actions".into(), a);
        });
        let f = check(doc, Kind::Trust);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, format!("{AT}.Statement[0].Actions"));
        assert_eq!(f[0].hint, "did you mean `Action`?");
        assert!(f[0].message.contains("a role trust policy"), "{f:?}");
        let doc = with_statement(identity(), |s| {
            let e = s.remove("Effect").unwrap();
            s.insert("effect".into(), e);
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].hint.contains("case-sensitive"), "{f:?}");
    }

    #[test]
    fn effect_is_required_and_allow_or_deny() {
        let doc = with_statement(identity(), |s| {
            s.remove("Effect");
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0]"]);
        let doc = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!("allow"));
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, format!("{AT}.Statement[0].Effect"));
        assert_eq!(f[0].hint, "`Effect` is case-sensitive: write `Allow`");
        let doc = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!("DENY"));
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].hint, "`Effect` is case-sensitive: write `Deny`");
        let doc = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!("Permit"));
        });
        assert_eq!(
            check(doc, Kind::Identity)[0].hint,
            "`Effect` is `Allow` or `Deny`"
        );
        let doc = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!({"Ref": "Effect"}));
        });
        assert_eq!(check(doc, Kind::Identity), vec![]);
    }

    #[test]
    fn exactly_one_of_action_and_not_action() {
        let doc = with_statement(identity(), |s| {
            s.remove("Action");
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, format!("{AT}.Statement[0]"));
        assert!(f[0].hint.ends_with("`Action: s3:GetObject`"), "{f:?}");
        // A trust policy's example is the action a trust policy allows.
        let doc = with_statement(trust(), |s| {
            s.remove("Action");
        });
        let f = check(doc, Kind::Trust);
        assert_eq!(f.len(), 1);
        assert!(f[0].hint.ends_with("`Action: sts:AssumeRole`"), "{f:?}");
        let doc = with_statement(identity(), |s| {
            s.insert("NotAction".into(), json!("iam:*"));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].NotAction"]);
        // Left out by AWS::NoValue: missing.
        let doc = with_statement(identity(), |s| {
            s.insert("Action".into(), json!({"Ref": "AWS::NoValue"}));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0]"]);
    }

    #[test]
    fn a_statement_of_the_one_key_condition_is_a_statement_not_a_function() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]});
        let f = check(doc, Kind::Identity);
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert!(
            messages.contains(&"the statement has no `Effect`"),
            "{messages:?}"
        );
        assert!(
            f.iter().all(|f| f.path == format!("{AT}.Statement[0]")),
            "{f:?}"
        );
    }

    #[test]
    fn a_boolean_or_number_document_is_no_policy_document() {
        for (doc, shown) in [(json!(true), "`true`"), (json!(5), "`5`")] {
            let f = check(doc, S3);
            assert_eq!(f.len(), 1, "{f:?}");
            assert_eq!(f[0].path, AT);
            assert_eq!(
                f[0].message,
                format!("the S3 bucket policy is {shown}, not a policy document")
            );
        }
        // Each branch of an `Fn::If` is a document.
        let f = check(json!({"Fn::If": ["C", bucket(), false]}), S3);
        assert_eq!(f.len(), 1, "{f:?}");
    }

    /// A list where a document belongs is said once, by the schema check (FF2004): also in a
    /// managed policy, whose schema gives its `PolicyDocument` no type of its own (the
    /// generator reads its `format: json` as a mapping or its text), and in each `Fn::If`
    /// branch.
    #[test]
    fn a_list_document_is_reported_once() {
        let list = "[{Version: '2012-10-17', Statement: []}]";
        let all = |yaml: &str| -> Vec<(String, String)> {
            let t = Template::parse("t.yaml", yaml).unwrap();
            validate(&t)
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == crate::Severity::Error)
                .map(|d| (d.rule.to_owned(), d.path))
                .collect()
        };
        let at = "P.Properties.PolicyDocument".to_owned();
        let managed = format!(
            "Conditions:\n  C: !Equals [!Ref AWS::Region, us-east-1]\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: !If [C, {list}, {list}]\n"
        );
        // The schema walk reports each branch at the property.
        assert_eq!(
            all(&managed),
            [
                ("FF2004".to_owned(), at.clone()),
                ("FF2004".to_owned(), at.clone())
            ]
        );
        let plain = managed.replace(&format!("!If [C, {list}, {list}]"), list);
        assert_eq!(all(&plain), [("FF2004".to_owned(), at.clone())]);
        let bucket = format!(
            "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: {list}\n"
        );
        assert_eq!(all(&bucket), [("FF2004".to_owned(), at)]);
    }

    #[test]
    fn a_boolean_or_number_resource_or_action_is_judged_as_the_text_iam_reads() {
        let doc = with_statement(identity(), |s| {
            s.insert("Resource".into(), json!([true, "arn:aws:s3:::b", 5]));
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(
            f.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            [
                format!("{AT}.Statement[0].Resource[0]"),
                format!("{AT}.Statement[0].Resource[2]")
            ],
            "{f:?}"
        );
        assert!(f[0].message.contains("\"true\""), "{f:?}");
        let doc = with_statement(identity(), |s| {
            s.insert("Resource".into(), json!(false));
            s.insert("Action".into(), json!(7));
        });
        assert_eq!(
            paths(doc, Kind::Identity),
            vec![".Statement[0].Action", ".Statement[0].Resource"]
        );
    }

    #[test]
    fn actions_have_a_service_prefix() {
        let doc = with_statement(identity(), |s| {
            s.insert("Action".into(), json!(["s3:GetObject", "GetObject", "*"]));
        });
        let f = check(doc, Kind::Identity);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, format!("{AT}.Statement[0].Action[1]"));
        assert!(f[0].message.contains("`GetObject`"));
        let doc = with_statement(identity(), |s| {
            s.insert("Action".into(), json!([]));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Action"]);
        let doc = with_statement(identity(), |s| {
            s.insert("Action".into(), json!({"s3": "GetObject"}));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Action"]);
        // One action given as a string, not a list, is checked the same.
        let doc = with_statement(identity(), |s| {
            s.insert("Action".into(), json!("GetObject"));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Action"]);
        // An item that is a list or a mapping is reported where it is; a number is text to
        // IAM, judged as the text `7` (no service prefix).
        let doc = with_statement(identity(), |s| {
            s.insert(
                "Action".into(),
                json!(["s3:GetObject", ["s3:PutObject"], {"s3": "x"}, 7]),
            );
        });
        let f = check(doc, Kind::Identity);
        let at: Vec<_> = f
            .iter()
            .map(|f| (f.path.as_str(), f.message.as_str()))
            .collect();
        let (one, two, three) = (
            format!("{AT}.Statement[0].Action[1]"),
            format!("{AT}.Statement[0].Action[2]"),
            format!("{AT}.Statement[0].Action[3]"),
        );
        assert_eq!(
            at,
            vec![
                (one.as_str(), "an item of `Action` is a list, not a string"),
                (
                    two.as_str(),
                    "an item of `Action` is a mapping, not a string"
                ),
                (three.as_str(), "action `7` has no service prefix"),
            ]
        );
    }

    #[test]
    fn resources_by_kind() {
        // Identity: required.
        let doc = with_statement(identity(), |s| {
            s.remove("Resource");
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0]"]);
        // Not both.
        let doc = with_statement(identity(), |s| {
            s.insert("NotResource".into(), json!("arn:aws:s3:::b"));
        });
        assert_eq!(
            paths(doc, Kind::Identity),
            vec![".Statement[0].NotResource"]
        );
        // Trust: prohibited.
        let doc = with_statement(trust(), |s| {
            s.insert("Resource".into(), json!("*"));
        });
        assert_eq!(paths(doc, Kind::Trust), vec![".Statement[0].Resource"]);
        // Resource-based: not required (an ECR repository policy names none).
        let doc = with_statement(bucket(), |s| {
            s.remove("Resource");
        });
        assert_eq!(check(doc, Kind::Resource("ECR repository policy")), vec![]);
    }

    #[test]
    fn principals_by_kind() {
        // Identity: prohibited, Principal and NotPrincipal alike.
        let doc = with_statement(identity(), |s| {
            s.insert("Principal".into(), json!({"AWS": "*"}));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Principal"]);
        let doc = with_statement(identity(), |s| {
            s.insert("NotPrincipal".into(), json!({"AWS": "*"}));
        });
        assert_eq!(
            paths(doc, Kind::Identity),
            vec![".Statement[0].NotPrincipal"]
        );
        // Trust: Principal required, NotPrincipal prohibited.
        let doc = with_statement(trust(), |s| {
            s.remove("Principal");
        });
        assert_eq!(paths(doc, Kind::Trust), vec![".Statement[0]"]);
        let doc = with_statement(trust(), |s| {
            let p = s.remove("Principal").unwrap();
            s.insert("NotPrincipal".into(), p);
        });
        assert_eq!(paths(doc, Kind::Trust), vec![".Statement[0].NotPrincipal"]);
        // An `AWS` principal is `*`, an account ID, an ARN or an IAM unique ID; a number
        // loses an account ID's leading zeros.
        for (aws, found) in [
            (json!("arn:aws:iam::123456789012:root"), vec![]),
            (json!(["123456789012", "*", "AROAEXAMPLEID1234567"]), vec![]),
            (
                json!({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}),
                vec![],
            ),
            (json!("12345"), vec![".Statement[0].Principal.AWS"]),
            (
                json!(["123456789012", "*x"]),
                vec![".Statement[0].Principal.AWS[1]"],
            ),
            (
                json!(12_345_678_901_u64),
                vec![".Statement[0].Principal.AWS"],
            ),
        ] {
            let doc = with_statement(bucket(), |s| {
                s.insert("Principal".into(), json!({"AWS": aws.clone()}));
            });
            assert_eq!(paths(doc, S3), found, "{aws}");
        }
        // A document's `Id` is text.
        let mut doc = bucket();
        doc["Id"] = json!(["policy-1"]);
        assert_eq!(paths(doc, S3), vec![".Id"]);
        // Resource-based (KMS, S3): one of them required, not both.
        let doc = with_statement(bucket(), |s| {
            s.remove("Principal");
        });
        let f = check(doc.clone(), KMS);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("a KMS key policy"), "{f:?}");
        let f = check(doc, S3);
        assert!(f[0].message.contains("an S3 bucket policy"), "{f:?}");
        let doc = with_statement(bucket(), |s| {
            s.insert(
                "NotPrincipal".into(),
                json!({"AWS": "arn:aws:iam::111122223333:root"}),
            );
        });
        assert_eq!(paths(doc, S3), vec![".Statement[0].NotPrincipal"]);
    }

    #[test]
    fn a_principal_is_a_star_or_a_mapping_of_principal_types() {
        let doc = with_statement(trust(), |s| {
            s.insert("Principal".into(), json!("ec2.amazonaws.com"));
        });
        let f = check(doc, Kind::Trust);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, format!("{AT}.Statement[0].Principal"));
        assert!(f[0].hint.contains("{Service: ec2.amazonaws.com}"), "{f:?}");
        let doc = with_statement(trust(), |s| {
            s.insert("Principal".into(), json!({"Services": "ec2.amazonaws.com"}));
        });
        let f = check(doc, Kind::Trust);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, format!("{AT}.Statement[0].Principal.Services"));
        assert_eq!(f[0].hint, "did you mean `Service`?");
        let doc = with_statement(trust(), |s| {
            s.insert("Principal".into(), json!({"service": "ec2.amazonaws.com"}));
        });
        let f = check(doc, Kind::Trust);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].hint,
            "principal types are case-sensitive: write `Service`"
        );
        // An ARN or an account number on its own: named under `AWS`.
        for (text, other) in [
            ("arn:aws:iam::111122223333:root", false),
            ("111122223333", false),
            ("root", true),
        ] {
            let doc = with_statement(trust(), |s| {
                s.insert("Principal".into(), json!(text));
            });
            let f = check(doc, Kind::Trust);
            assert_eq!(f.len(), 1);
            let hint = if other {
                "`Principal` is `\"*\"` or a mapping of `AWS`, `Federated`, `Service` or `CanonicalUser`".to_owned()
            } else {
                format!("an account, role or user is named as `Principal: {{AWS: {text}}}`")
            };
            assert_eq!(f[0].hint, hint, "{text}");
        }
    }

    #[test]
    fn conditions_map_known_operators_to_mappings() {
        let doc = with_statement(bucket(), |s| {
            s.insert(
                "Condition".into(),
                json!({"StringEqual": {"aws:SourceAccount": "1"}, "Bool": "true"}),
            );
        });
        let f = check(doc, S3);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(
            f[0].path,
            format!("{AT}.Statement[0].Condition.StringEqual")
        );
        assert_eq!(f[0].hint, "did you mean `StringEquals`?");
        assert_eq!(f[1].path, format!("{AT}.Statement[0].Condition.Bool"));
        let doc = with_statement(bucket(), |s| {
            s.insert("Condition".into(), json!(["aws:SecureTransport"]));
        });
        assert_eq!(paths(doc, S3), vec![".Statement[0].Condition"]);
    }

    #[test]
    fn sids_in_iam_policies_are_alphanumeric_and_unique() {
        let doc = with_statement(identity(), |s| {
            s.insert("Sid".into(), json!("read-logs"));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Sid"]);
        // Other services have their own rules for a Sid (the bucket policy's has spaces).
        assert_eq!(check(bucket(), S3), vec![]);
        let mut doc = identity();
        let first = doc["Statement"][0].clone();
        doc["Statement"].as_array_mut().unwrap().push(first);
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[1].Sid"]);
        let mut doc = bucket();
        let first = doc["Statement"][0].clone();
        doc["Statement"].as_array_mut().unwrap().push(first);
        assert_eq!(check(doc, S3), vec![]);
        // A Sid is text, in every kind of policy; a function may give it.
        for (sid, found) in [
            (json!(["CreateLogGroup"]), vec![".Statement[0].Sid"]),
            (json!({"a": 1}), vec![".Statement[0].Sid"]),
            (json!({"Fn::Sub": "Read${AWS::Region}"}), vec![]),
        ] {
            let doc = with_statement(bucket(), |s| {
                s.insert("Sid".into(), sid.clone());
            });
            assert_eq!(paths(doc, S3), found, "{sid}");
        }
        // The two branches of an `Fn::If` are alternatives, not two statements.
        let mut doc = identity();
        let first = doc["Statement"][0].clone();
        doc["Statement"] = json!([{"Fn::If": ["C", first.clone(), first]}]);
        assert_eq!(check(doc, Kind::Identity), vec![]);
    }

    #[test]
    fn a_document_may_be_json_text() {
        let text = Json::String(trust().to_string());
        assert_eq!(check(text, Kind::Trust), vec![]);
        let bad = with_statement(trust(), |s| {
            s.remove("Effect");
        });
        let f = check(Json::String(bad.to_string()), Kind::Trust);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, format!("{AT}.Statement[0]"));
        assert!(
            f[0].message.ends_with("(in the document's JSON text)"),
            "{f:?}"
        );
        assert_eq!(paths(json!("{\"Statement\": ["), Kind::Trust), vec![""]);
        assert_eq!(paths(json!("[1]"), Kind::Trust), vec![""]);
        let dynamic = json!("{{resolve:ssm:/policies/trust}}");
        assert_eq!(check(dynamic, Kind::Trust), vec![]);
    }

    #[test]
    fn expressions_are_not_guessed_and_if_branches_are_checked() {
        // A whole document, or a statement, from an expression.
        assert_eq!(check(json!({"Fn::Sub": "{\"x\": 1}"}), Kind::Trust), vec![]);
        let doc = json!({"Statement": [{"Fn::FindInMap": ["M", "K", "V"]}]});
        assert_eq!(check(doc, Kind::Trust), vec![]);
        // A transformed mapping.
        let doc = json!({"Fn::Transform": {"Name": "AWS::Include"}, "Statement": []});
        assert_eq!(check(doc, Kind::Trust), vec![]);
        // Each literal branch of an `Fn::If`.
        let doc = json!({"Fn::If": ["C", trust(), {}]});
        assert_eq!(paths(doc, Kind::Trust), vec![""]);
        let doc = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!({"Fn::If": ["C", "Allow", "Denied"]}));
        });
        assert_eq!(paths(doc, Kind::Identity), vec![".Statement[0].Effect"]);
        // What an `Fn::If` may leave out is neither a conflict nor prohibited.
        let doc = with_statement(identity(), |s| {
            s.insert(
                "NotResource".into(),
                json!({"Fn::If": ["C", "arn:aws:s3:::b", {"Ref": "AWS::NoValue"}]}),
            );
        });
        assert_eq!(check(doc, Kind::Identity), vec![]);
        let doc = with_statement(trust(), |s| {
            s.insert(
                "Resource".into(),
                json!({"Fn::If": ["C", "*", {"Ref": "AWS::NoValue"}]}),
            );
        });
        assert_eq!(check(doc, Kind::Trust), vec![]);
    }

    #[test]
    fn nested_ifs_are_followed_to_their_bound_and_malformed_ones_not_at_all() {
        // A document whose one statement has a lower-case Effect, inside `n` `Fn::If`s.
        let bad = with_statement(identity(), |s| {
            s.insert("Effect".into(), json!("allow"));
        });
        let nested =
            |n: usize| (0..n).fold(bad.clone(), |inner, _| json!({"Fn::If": ["C", inner, {}]}));
        // Each level's empty branch is a document without a Statement; the innermost
        // document is reached only within the bound.
        let at_bound = paths(nested(MAX_IF_DEPTH), Kind::Identity);
        assert_eq!(at_bound.len(), MAX_IF_DEPTH + 1, "{at_bound:?}");
        assert!(at_bound.contains(&".Statement[0].Effect".to_owned()));
        let past = paths(nested(MAX_IF_DEPTH + 1), Kind::Identity);
        assert_eq!(past, vec![""; MAX_IF_DEPTH], "{past:?}");
        // An `Fn::If` of other than three items is no choice of branches: nothing is read,
        // and an empty one is not indexed past its end.
        for items in [json!([]), json!(["C"]), json!(["C", bad.clone()])] {
            assert_eq!(check(json!({"Fn::If": items}), Kind::Identity), vec![]);
        }
    }

    #[test]
    fn messages_name_the_value_found_and_cut_a_long_text() {
        let effect = |v: Json| {
            let doc = with_statement(identity(), |s| {
                s.insert("Effect".into(), v);
            });
            let f = check(doc, Kind::Identity);
            assert_eq!(f.len(), 1, "{f:?}");
            f[0].message.clone()
        };
        let sixty = "x".repeat(60);
        let cut = format!("`{}...`", "y".repeat(57));
        for (v, shown) in [
            (json!(null), "empty".to_owned()),
            (json!(true), "`true`".to_owned()),
            (json!(7), "`7`".to_owned()),
            (json!("Alow"), "`Alow`".to_owned()),
            (json!(sixty.clone()), format!("`{sixty}`")),
            (json!("y".repeat(61)), cut),
            (json!(["Allow"]), "a list".to_owned()),
            (json!({"Allow": 1}), "a mapping".to_owned()),
        ] {
            assert_eq!(
                effect(v),
                format!("`Effect` is {shown}, not `Allow` or `Deny`")
            );
        }
    }

    fn diagnostics(yaml: &str) -> Vec<(String, String, String)> {
        let t = Template::parse("t.yaml", yaml).unwrap();
        validate(&t)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == rules::POLICY_DOCUMENT)
            .map(|d| (d.logical_id.unwrap_or_default(), d.path, d.message))
            .collect()
    }

    #[test]
    fn the_validator_finds_documents_where_each_resource_type_keeps_them() {
        let yaml = r#"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Actions: sts:AssumeRole
      Policies:
        - PolicyName: logs
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: logs:PutLogEvents
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: kms:*
            Resource: "*"
"#;
        let d = diagnostics(yaml);
        let at: Vec<(&str, &str)> = d.iter().map(|(i, p, _)| (i.as_str(), p.as_str())).collect();
        assert_eq!(
            at,
            vec![
                (
                    "Role",
                    "Role.Properties.AssumeRolePolicyDocument.Statement[0].Actions"
                ),
                (
                    "Role",
                    "Role.Properties.Policies[0].PolicyDocument.Statement[0]"
                ),
                (
                    "BucketPolicy",
                    "BucketPolicy.Properties.PolicyDocument.Statement[0]"
                ),
            ],
            "{d:#?}"
        );
        assert!(d[1].2.contains("no `Resource`"), "{d:?}");
        assert!(d[2].2.contains("no `Principal`"), "{d:?}");
    }
}
