//! Helpers for your own tests: assert what a stack's template holds without snapshotting it
//! all ([`TemplateAssert`], like CDK's `Template.fromStack(stack).hasResourceProperties(...)`),
//! or snapshot it whole ([`snapshot_json`], made for `insta`).
//!
//! ```
//! use ferroform::Stack;
//! use ferroform::resources::logs;
//! use ferroform::testing::{Match, TemplateAssert};
//! use serde_json::json;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut stack = Stack::new("Web");
//! stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
//!
//! let t = TemplateAssert::from_stack(&stack)?;
//! t.has_resource_properties("AWS::Logs::LogGroup", json!({"RetentionInDays": 30}))?;
//! t.has_resource_properties("AWS::Logs::LogGroup", json!({"KmsKeyId": Match::absent()}))?;
//! t.resource_count_is("AWS::Logs::LogGroup", 1)?;
//!
//! // A failure says which resource came closest and where it differs:
//! let err = t
//!     .has_resource_properties("AWS::Logs::LogGroup", json!({"RetentionInDays": 7}))
//!     .unwrap_err();
//! assert!(err.to_string().contains("at RetentionInDays: expected 7, found 30"));
//! # Ok(())
//! # }
//! ```
//!
//! # Matching
//!
//! The expected value is matched against the template **partially**:
//! - an object matches an object that has at least its keys, each matching;
//! - a list matches a list that contains a matching item for each expected item, in the same
//!   order (other items may come between): `[{"Name": "web"}]` matches the container
//!   definitions of a task that has a `web` container among others;
//! - anything else must be equal (numbers by value: `1024` equals `1024.0`).
//!
//! [`Match`] gives the rest: [`Match::exact`] (this value and nothing more, at any depth),
//! [`Match::absent`], [`Match::any`], and [`Match::serialized_json`] for properties that
//! hold JSON text (an ECR lifecycle policy).
//!
//! # Snapshots
//!
//! [`snapshot_json`] returns the template exactly as `synth` writes it (deterministic:
//! resources in the order added), for [`insta`](https://insta.rs):
//!
//! ```ignore
//! #[test]
//! fn web_stack_snapshot() {
//!     let stack = my_app::web_stack();
//!     insta::assert_snapshot!(ferroform::testing::snapshot_json(&stack).unwrap());
//! }
//! ```
//!
//! Review a changed snapshot with `cargo insta review` before accepting it.

use std::fmt;

use crate::app::App;
use crate::model::diag::SynthError;
use crate::model::render::Json;
use crate::model::stack::Stack;
use crate::model::template::{Format, Template};

/// A failed assertion (or a stack that does not synthesize), with a message that shows what
/// was expected, what came closest, and the path of the first difference.
///
/// Its `Debug` form is the message itself, so `.unwrap()` in a test prints it readably.
#[derive(Clone, PartialEq, Eq)]
pub struct AssertionError {
    message: String,
}

impl AssertionError {
    fn new(message: impl Into<String>) -> Self {
        AssertionError {
            message: message.into(),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for AssertionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AssertionError {}

impl From<SynthError> for AssertionError {
    fn from(e: SynthError) -> Self {
        AssertionError::new(format!("the stack does not synthesize:\n{e}"))
    }
}

/// Special values for expected JSON (see [matching](self#matching)).
///
/// ```
/// use ferroform::testing::Match;
/// use serde_json::json;
/// let expected = json!({
///     "ContainerDefinitions": Match::exact(json!([{"Name": "web", "Image": "nginx"}])),
///     "TaskRoleArn": Match::absent(),
///     "ExecutionRoleArn": Match::any(),
/// });
/// # let _ = expected;
/// ```
#[derive(Debug)]
pub struct Match;

const ABSENT: &str = "$ferroform:absent";
const ANY: &str = "$ferroform:any";
const EXACT: &str = "$ferroform:exact";
const SERIALIZED: &str = "$ferroform:serializedJson";

fn marker(key: &str, value: Json) -> Json {
    let mut m = serde_json::Map::with_capacity(1);
    m.insert(key.to_owned(), value);
    Json::Object(m)
}

impl Match {
    /// The key must not be there.
    pub fn absent() -> Json {
        marker(ABSENT, Json::Bool(true))
    }
    /// The key must be there, with any value.
    pub fn any() -> Json {
        marker(ANY, Json::Bool(true))
    }
    /// Exactly this value: objects with these keys only, lists with these items only.
    pub fn exact(value: Json) -> Json {
        marker(EXACT, value)
    }
    /// A string holding JSON that matches `value` (partially, like any expected value).
    pub fn serialized_json(value: Json) -> Json {
        marker(SERIALIZED, value)
    }
}

/// Assertions over one synthesized template.
///
/// Every assertion returns `Result<(), AssertionError>`: use `?` in a test that returns
/// `Result`, or `.unwrap()`. (Like CDK's `Template`, but a failure is a value, not a panic.)
#[derive(Clone, Debug)]
pub struct TemplateAssert {
    template: Template,
}

impl TemplateAssert {
    /// Synthesize `stack` on its own (a stack that imports from other stacks of an app needs
    /// [`TemplateAssert::from_app`]).
    pub fn from_stack(stack: &Stack) -> Result<Self, AssertionError> {
        Ok(TemplateAssert {
            template: stack.to_template()?,
        })
    }

    /// Synthesize `app` and take the stack named `stack` (with its cross-stack exports and
    /// imports).
    pub fn from_app(app: &App, stack: &str) -> Result<Self, AssertionError> {
        if !app.stacks().iter().any(|s| s.name() == stack) {
            let names: Vec<&str> = app.stacks().iter().map(Stack::name).collect();
            return Err(AssertionError::new(format!(
                "the app has no stack `{stack}`; its stacks: {}",
                names.join(", ")
            )));
        }
        let template = app
            .synth_only(&[stack])?
            .into_iter()
            .next()
            .ok_or_else(|| AssertionError::new(format!("stack `{stack}` was not synthesized")))?;
        Ok(TemplateAssert { template })
    }

    /// Assertions over a template you already have.
    pub fn from_template(template: Template) -> Self {
        TemplateAssert { template }
    }

    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    fn section(&self, key: &str) -> Vec<(&str, &Json)> {
        self.template
            .body()
            .get(key)
            .and_then(Json::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), v)).collect())
            .unwrap_or_default()
    }

    /// The resources of `type_name`, as `(logical ID, resource)` in template order.
    pub fn find_resources(&self, type_name: &str) -> Vec<(&str, &Json)> {
        self.section("Resources")
            .into_iter()
            .filter(|(_, r)| r.get("Type").and_then(Json::as_str) == Some(type_name))
            .collect()
    }

    /// The resources of `type_name` whose whole definition (`Properties`, `DependsOn`,
    /// `DeletionPolicy`...) matches `expected`.
    pub fn find_resources_matching(&self, type_name: &str, expected: &Json) -> Vec<(&str, &Json)> {
        self.find_resources(type_name)
            .into_iter()
            .filter(|(_, r)| compare(expected, Some(r), "").is_ok())
            .collect()
    }

    /// Some resource of `type_name` has properties that match `expected`.
    pub fn has_resource_properties(
        &self,
        type_name: &str,
        expected: Json,
    ) -> Result<(), AssertionError> {
        let empty = Json::Object(Default::default());
        let candidates: Vec<(&str, &Json)> = self
            .find_resources(type_name)
            .into_iter()
            .map(|(id, r)| (id, r.get("Properties").unwrap_or(&empty)))
            .collect();
        self.best_match(
            &format!("{type_name} properties"),
            type_name,
            &candidates,
            &expected,
        )
    }

    /// Some resource of `type_name` matches `expected` as a whole: `Properties` and the
    /// resource attributes (`{"DeletionPolicy": "Retain", "Properties": {...}}`).
    pub fn has_resource(&self, type_name: &str, expected: Json) -> Result<(), AssertionError> {
        let candidates = self.find_resources(type_name);
        self.best_match(
            &format!("{type_name} resource"),
            type_name,
            &candidates,
            &expected,
        )
    }

    /// The template has exactly `count` resources of `type_name`.
    pub fn resource_count_is(&self, type_name: &str, count: usize) -> Result<(), AssertionError> {
        let found = self.find_resources(type_name);
        if found.len() == count {
            return Ok(());
        }
        let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
        Err(AssertionError::new(format!(
            "expected {count} {type_name} resource{} in `{}`, found {}{}",
            if count == 1 { "" } else { "s" },
            self.template.name(),
            found.len(),
            if ids.is_empty() {
                String::new()
            } else {
                format!(": {}", ids.join(", "))
            }
        )))
    }

    /// The output `logical_id` (or any output, with `"*"`) matches `expected`
    /// (`{"Value": ..., "Export": {"Name": ...}}`).
    pub fn has_output(&self, logical_id: &str, expected: Json) -> Result<(), AssertionError> {
        self.has_in_section("Outputs", "output", logical_id, expected)
    }

    /// The parameter `logical_id` (or any parameter, with `"*"`) matches `expected`
    /// (`{"Type": "AWS::EC2::VPC::Id"}`).
    pub fn has_parameter(&self, logical_id: &str, expected: Json) -> Result<(), AssertionError> {
        self.has_in_section("Parameters", "parameter", logical_id, expected)
    }

    fn has_in_section(
        &self,
        section: &str,
        what: &str,
        logical_id: &str,
        expected: Json,
    ) -> Result<(), AssertionError> {
        let all = self.section(section);
        let candidates: Vec<(&str, &Json)> = all
            .iter()
            .copied()
            .filter(|(id, _)| logical_id == "*" || *id == logical_id)
            .collect();
        if candidates.is_empty() && logical_id != "*" {
            let ids: Vec<&str> = all.iter().map(|(id, _)| *id).collect();
            return Err(AssertionError::new(format!(
                "`{}` has no {what} `{logical_id}`; its {what}s: {}",
                self.template.name(),
                if ids.is_empty() {
                    "none".to_owned()
                } else {
                    ids.join(", ")
                }
            )));
        }
        self.best_match(what, what, &candidates, &expected)
    }

    fn best_match(
        &self,
        what: &str,
        kind: &str,
        candidates: &[(&str, &Json)],
        expected: &Json,
    ) -> Result<(), AssertionError> {
        if candidates.is_empty() {
            let mut types: Vec<&str> = self
                .section("Resources")
                .iter()
                .filter_map(|(_, r)| r.get("Type").and_then(Json::as_str))
                .collect();
            types.sort_unstable();
            types.dedup();
            return Err(AssertionError::new(format!(
                "`{}` has no {kind}; its resource types: {}",
                self.template.name(),
                types.join(", ")
            )));
        }
        let mut closest: Option<(&str, &Json, Mismatch)> = None;
        for (id, actual) in candidates {
            match compare(expected, Some(actual), "") {
                Ok(_) => return Ok(()),
                Err(m) => {
                    if closest.as_ref().is_none_or(|(_, _, c)| m.score > c.score) {
                        closest = Some((id, actual, m));
                    }
                }
            }
        }
        let Some((id, actual, m)) = closest else {
            return Ok(());
        };
        let location = if m.path.is_empty() {
            String::new()
        } else {
            format!("at {}: ", m.path)
        };
        Err(AssertionError::new(format!(
            "no {what} in `{}` matches (of {} candidate{}).\n\
             closest: `{id}`, {location}{}\n\
             expected (partial):\n{}\n\
             `{id}` has:\n{}",
            self.template.name(),
            candidates.len(),
            if candidates.len() == 1 { "" } else { "s" },
            m.message,
            pretty(expected),
            pretty(actual),
        )))
    }
}

fn pretty(v: &Json) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        let cut: String = s.chars().take(117).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// Where and why an expected value does not match; `score` counts what matched before,
/// to pick the closest candidate.
#[derive(Debug)]
struct Mismatch {
    path: String,
    message: String,
    score: usize,
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn the_marker(expected: &Json) -> Option<(&str, &Json)> {
    let m = expected.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, v) = m.iter().next()?;
    k.starts_with("$ferroform:").then_some((k.as_str(), v))
}

fn numbers_equal(a: &Json, b: &Json) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => x == y,
        _ => false,
    }
}

fn exact_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(_), Json::Number(_)) => numbers_equal(a, b),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| exact_equal(p, q))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| exact_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Match `expected` against `actual` (partially); `Ok(score)` or the first mismatch.
fn compare(expected: &Json, actual: Option<&Json>, path: &str) -> Result<usize, Mismatch> {
    let fail = |path: &str, message: String, score: usize| Mismatch {
        path: path.to_owned(),
        message,
        score,
    };
    if let Some((kind, inner)) = the_marker(expected) {
        return match (kind, actual) {
            (ABSENT, None) => Ok(1),
            (ABSENT, Some(a)) => Err(fail(
                path,
                format!("expected no value, found {}", short(a)),
                0,
            )),
            (ANY, Some(_)) => Ok(1),
            (EXACT, Some(a)) if exact_equal(inner, a) => Ok(1),
            (EXACT, Some(a)) => Err(fail(
                path,
                format!("expected exactly {}, found {}", short(inner), short(a)),
                0,
            )),
            (SERIALIZED, Some(Json::String(text))) => match serde_json::from_str::<Json>(text) {
                Ok(parsed) => compare(inner, Some(&parsed), path),
                Err(e) => Err(fail(
                    path,
                    format!("expected JSON text, found a string that is not JSON ({e})"),
                    0,
                )),
            },
            (SERIALIZED, Some(a)) => Err(fail(
                path,
                format!("expected JSON text, found {}", short(a)),
                0,
            )),
            (_, None) => Err(fail(path, "missing".to_owned(), 0)),
            (other, Some(_)) => Err(fail(path, format!("unknown matcher `{other}`"), 0)),
        };
    }
    let Some(actual) = actual else {
        return Err(fail(
            path,
            format!("missing (expected {})", short(expected)),
            0,
        ));
    };
    match (expected, actual) {
        (Json::Object(e), Json::Object(a)) => {
            let mut score = 0;
            for (k, v) in e {
                let sub = join_key(path, k);
                match compare(v, a.get(k), &sub) {
                    Ok(s) => score += s,
                    Err(mut m) => {
                        m.score += score;
                        return Err(m);
                    }
                }
            }
            Ok(score + 1)
        }
        (Json::Array(e), Json::Array(a)) => {
            let mut score = 0;
            let mut from = 0;
            for (i, item) in e.iter().enumerate() {
                let mut found = None;
                let mut best: Option<(usize, Mismatch)> = None;
                for (j, candidate) in a.iter().enumerate().skip(from) {
                    let sub = format!("{path}[{j}]");
                    match compare(item, Some(candidate), &sub) {
                        Ok(s) => {
                            found = Some((j, s));
                            break;
                        }
                        Err(m) => {
                            if best.as_ref().is_none_or(|(_, b)| m.score > b.score) {
                                best = Some((j, m));
                            }
                        }
                    }
                }
                match (found, best) {
                    (Some((j, s)), _) => {
                        score += s;
                        from = j + 1;
                    }
                    (None, Some((_, m))) => {
                        return Err(Mismatch {
                            path: m.path,
                            message: format!(
                                "{} (no item of {path} matches expected item [{i}]; this is the closest)",
                                m.message
                            ),
                            score: score + m.score,
                        });
                    }
                    (None, None) => {
                        return Err(fail(
                            path,
                            format!(
                                "expected item [{i}] {} but the list has {} item{}{}",
                                short(item),
                                a.len(),
                                if a.len() == 1 { "" } else { "s" },
                                if from > 0 {
                                    " (and the earlier expected items took them)"
                                } else {
                                    ""
                                }
                            ),
                            score,
                        ));
                    }
                }
            }
            Ok(score + 1)
        }
        (Json::Number(_), Json::Number(_)) if numbers_equal(expected, actual) => Ok(1),
        (e, a) if e == a => Ok(1),
        (e, a) => {
            let note = match (e, a) {
                (Json::Number(n), Json::String(s)) if n.to_string() == *s => {
                    " (a string in the template: expect \"...\")"
                }
                (Json::String(s), Json::Number(n)) if n.to_string() == *s => {
                    " (a number in the template)"
                }
                _ => "",
            };
            Err(fail(
                path,
                format!("expected {}, found {}{note}", short(e), short(a)),
                0,
            ))
        }
    }
}

/// The stack's template as `synth` writes it in JSON: deterministic, for snapshot tests.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::resources::logs;
/// let mut stack = Stack::new("Web");
/// stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
/// let text = ferroform::testing::snapshot_json(&stack).unwrap();
/// assert!(text.starts_with("{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\""));
/// assert_eq!(text, ferroform::testing::snapshot_json(&stack).unwrap());
/// ```
pub fn snapshot_json(stack: &Stack) -> Result<String, SynthError> {
    Ok(stack.to_template()?.render(Format::Json))
}

/// The stack's template in YAML, for snapshot tests.
pub fn snapshot_yaml(stack: &Stack) -> Result<String, SynthError> {
    Ok(stack.to_template()?.render(Format::Yaml))
}

/// Every template of an app, as `(stack name, JSON)` in deploy order, with the cross-stack
/// exports and imports: one snapshot per stack.
///
/// ```
/// use ferroform::{App, Stack};
/// use ferroform::resources::logs;
/// let mut one = Stack::new("One");
/// one.add("Logs", logs::LogGroup::new().retention_in_days(7));
/// let mut app = App::new();
/// app.add(one);
/// let snaps = ferroform::testing::snapshot_app(&app).unwrap();
/// assert_eq!(snaps[0].0, "One");
/// ```
pub fn snapshot_app(app: &App) -> Result<Vec<(String, String)>, SynthError> {
    Ok(app
        .synth()?
        .into_iter()
        .map(|t| (t.name().to_owned(), t.render(Format::Json)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(expected: Json, actual: Json) -> Result<usize, Mismatch> {
        compare(&expected, Some(&actual), "")
    }

    #[test]
    fn objects_match_partially() {
        assert!(check(json!({"A": 1}), json!({"A": 1, "B": 2})).is_ok());
        let m = check(json!({"A": {"C": 1}}), json!({"A": {"C": 2}})).unwrap_err();
        assert_eq!(m.path, "A.C");
        assert_eq!(m.message, "expected 1, found 2");
        let m = check(json!({"X": 1}), json!({"A": 1})).unwrap_err();
        assert_eq!(
            (m.path.as_str(), m.message.as_str()),
            ("X", "missing (expected 1)")
        );
    }

    #[test]
    fn lists_contain_items_in_order() {
        let actual = json!([{"Name": "a", "M": 1}, {"Name": "web", "M": 512}]);
        assert!(check(json!([{"Name": "web"}]), actual.clone()).is_ok());
        assert!(check(json!([{"Name": "a"}, {"Name": "web"}]), actual.clone()).is_ok());
        assert!(check(json!([{"Name": "web"}, {"Name": "a"}]), actual.clone()).is_err());
        let m = check(json!([{"Name": "web", "M": 1024}]), actual).unwrap_err();
        assert_eq!(m.path, "[1].M", "{m:?}");
        assert!(m.message.starts_with("expected 1024, found 512"), "{m:?}");
    }

    #[test]
    fn markers() {
        assert!(check(json!({"A": Match::absent()}), json!({"B": 1})).is_ok());
        assert!(check(json!({"A": Match::absent()}), json!({"A": 1})).is_err());
        assert!(check(json!({"A": Match::any()}), json!({"A": null})).is_ok());
        assert!(check(json!({"A": Match::any()}), json!({})).is_err());
        assert!(check(json!(Match::exact(json!([1, 2]))), json!([1, 2])).is_ok());
        assert!(check(json!(Match::exact(json!([1]))), json!([1, 2])).is_err());
        assert!(check(json!(Match::exact(json!({"A": 1}))), json!({"A": 1.0})).is_ok());
        assert!(
            check(
                json!(Match::exact(json!({"A": 1}))),
                json!({"A": 1, "B": 2})
            )
            .is_err()
        );
        let text = json!(r#"{"rules": [{"rulePriority": 1}]}"#);
        assert!(
            check(
                Match::serialized_json(json!({"rules": [{"rulePriority": 1}]})),
                text.clone()
            )
            .is_ok()
        );
        assert!(
            check(
                Match::serialized_json(json!({"rules": [{"rulePriority": 2}]})),
                text
            )
            .is_err()
        );
        assert!(check(Match::serialized_json(json!({})), json!("not json")).is_err());
    }

    #[test]
    fn numbers_and_strings_are_not_confused_but_explained() {
        assert!(check(json!(1024), json!(1024.0)).is_ok());
        let m = check(json!({"Memory": 1024}), json!({"Memory": "1024"})).unwrap_err();
        assert!(m.message.contains("a string in the template"), "{m:?}");
    }
}
