//! A resource's options, the resource attributes around its properties (`DependsOn`,
//! `Condition`, the deletion and replacement policies, `Metadata`...), and the overrides
//! applied to it once rendered.

use std::fmt;
use std::rc::Rc;

use crate::model::handle::{CondRef, Handle};
use crate::model::render::{Json, JsonMap, Render};
use crate::model::value::Value;

/// `DeletionPolicy`: what CloudFormation does with a resource when it leaves the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletionPolicy {
    /// Delete it (the default for most types).
    Delete,
    /// Keep it (stateful resources: repositories, log groups, buckets).
    Retain,
    /// Keep it, except when the stack's creation fails.
    RetainExceptOnCreate,
    /// Snapshot, then delete (types that support snapshots).
    Snapshot,
}

impl DeletionPolicy {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            DeletionPolicy::Delete => "Delete",
            DeletionPolicy::Retain => "Retain",
            DeletionPolicy::RetainExceptOnCreate => "RetainExceptOnCreate",
            DeletionPolicy::Snapshot => "Snapshot",
        }
    }
}

/// `UpdateReplacePolicy`: what happens to the old physical resource when an update replaces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateReplacePolicy {
    /// Delete the old resource.
    Delete,
    /// Keep the old resource.
    Retain,
    /// Snapshot, then delete.
    Snapshot,
}

impl UpdateReplacePolicy {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            UpdateReplacePolicy::Delete => "Delete",
            UpdateReplacePolicy::Retain => "Retain",
            UpdateReplacePolicy::Snapshot => "Snapshot",
        }
    }
}

/// The resource attributes of one resource: `DependsOn`, `Condition`, `DeletionPolicy`,
/// `UpdateReplacePolicy`, `UpdatePolicy`, `CreationPolicy`, `Metadata`.
/// Reach them with [`Stack::options`](super::Stack::options).
#[derive(Debug, Default)]
pub struct ResourceOptions {
    pub(super) depends_on: Vec<Handle<()>>,
    pub(super) condition: Option<CondRef>,
    pub(super) deletion_policy: Option<DeletionPolicy>,
    pub(super) update_replace_policy: Option<UpdateReplacePolicy>,
    pub(super) update_policy: Option<Json>,
    pub(super) creation_policy: Option<Json>,
    pub(super) metadata: Option<Json>,
    /// `DeletionPolicy` / `UpdateReplacePolicy` chosen by a condition: (condition, if true, if
    /// false).
    pub(super) conditional_deletion: Option<(CondRef, DeletionPolicy, DeletionPolicy)>,
    pub(super) conditional_replace: Option<(CondRef, UpdateReplacePolicy, UpdateReplacePolicy)>,
    pub(super) overrides: Vec<(String, Option<OverrideValue>)>,
    pub(super) attribute_overrides: Vec<(String, Option<OverrideValue>)>,
}

/// A value for [`ResourceOptions::override_property`] and
/// [`ResourceOptions::override_attribute`]: plain JSON (numbers, strings, `json!`...) or any
/// ferroform value, so that references and intrinsic functions (`fns::sub(...)`,
/// `handle.attr_arn()`) are rendered and checked like a property's.
#[derive(Clone, Debug)]
pub struct OverrideValue(pub(super) Rc<dyn OverrideRender>);

pub(super) trait OverrideRender: Render + fmt::Debug {}
impl<T: Render + fmt::Debug> OverrideRender for T {}

impl<T: Into<Json>> From<T> for OverrideValue {
    fn from(v: T) -> Self {
        OverrideValue(Rc::new(v.into()))
    }
}

impl<T: Render + fmt::Debug + 'static> From<Value<T>> for OverrideValue {
    fn from(v: Value<T>) -> Self {
        OverrideValue(Rc::new(v))
    }
}

/// The resource attributes [`ResourceOptions::override_attribute`] can set.
pub(super) const OVERRIDABLE_ATTRIBUTES: &[&str] = &[
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    // SAM's resource attribute: the resource does not take the template's `Globals`.
    "IgnoreGlobals",
    "Metadata",
    "UpdatePolicy",
    "UpdateReplacePolicy",
    // Accepted by CloudFormation and cfn-lint; older custom resources carry `Version: "1.0"`.
    "Version",
];

impl ResourceOptions {
    /// Create this resource only after `other` (adds to `DependsOn`; duplicates are dropped).
    pub fn depends_on(&mut self, other: impl Into<Handle<()>>) -> &mut Self {
        let other = other.into();
        if !self.depends_on.iter().any(|h| h.id == other.id) {
            self.depends_on.push(other);
        }
        self
    }
    /// Create the resource only when the condition holds.
    pub fn condition(&mut self, condition: &CondRef) -> &mut Self {
        self.condition = Some(condition.clone());
        self
    }
    /// Set `DeletionPolicy`.
    pub fn deletion_policy(&mut self, policy: DeletionPolicy) -> &mut Self {
        self.deletion_policy = Some(policy);
        self.conditional_deletion = None;
        self
    }
    /// Set `UpdateReplacePolicy`.
    pub fn update_replace_policy(&mut self, policy: UpdateReplacePolicy) -> &mut Self {
        self.update_replace_policy = Some(policy);
        self.conditional_replace = None;
        self
    }
    /// `DeletionPolicy` chosen by a condition (`Fn::If`): `when_true` where `condition` holds
    /// (production, say), `when_false` elsewhere. CloudFormation accepts an intrinsic here only
    /// with the `AWS::LanguageExtensions` transform, which is added to the stack for you.
    ///
    /// ```
    /// use ferroform::{DeletionPolicy, Parameter, Stack, fns};
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// let env = stack.parameter("Env", Parameter::string());
    /// let prod = stack.condition("IsProd", fns::equals(env.to_ref(), "prod"));
    /// let lg = stack.add("Logs", logs::LogGroup::new());
    /// stack.options(&lg).deletion_policy_if(&prod, DeletionPolicy::Retain, DeletionPolicy::Delete);
    /// let t = stack.to_template().unwrap();
    /// assert_eq!(t.body()["Transform"], "AWS::LanguageExtensions");
    /// assert_eq!(t.body()["Resources"]["Logs"]["DeletionPolicy"]["Fn::If"][1], "Retain");
    /// ```
    pub fn deletion_policy_if(
        &mut self,
        condition: &CondRef,
        when_true: DeletionPolicy,
        when_false: DeletionPolicy,
    ) -> &mut Self {
        self.conditional_deletion = Some((condition.clone(), when_true, when_false));
        self.deletion_policy = None;
        self
    }
    /// `UpdateReplacePolicy` chosen by a condition; see [`ResourceOptions::deletion_policy_if`].
    pub fn update_replace_policy_if(
        &mut self,
        condition: &CondRef,
        when_true: UpdateReplacePolicy,
        when_false: UpdateReplacePolicy,
    ) -> &mut Self {
        self.conditional_replace = Some((condition.clone(), when_true, when_false));
        self.update_replace_policy = None;
        self
    }
    /// Keep the resource on stack deletion and on replacement
    /// (`DeletionPolicy` and `UpdateReplacePolicy` both `Retain`).
    pub fn retain(&mut self) -> &mut Self {
        self.deletion_policy(DeletionPolicy::Retain)
            .update_replace_policy(UpdateReplacePolicy::Retain)
    }
    /// Set `UpdatePolicy` (JSON as CloudFormation documents it).
    pub fn update_policy(&mut self, policy: Json) -> &mut Self {
        self.update_policy = Some(policy);
        self
    }
    /// Set `CreationPolicy` (JSON as CloudFormation documents it).
    pub fn creation_policy(&mut self, policy: Json) -> &mut Self {
        self.creation_policy = Some(policy);
        self
    }
    /// Set the resource's `Metadata`.
    pub fn metadata(&mut self, metadata: Json) -> &mut Self {
        self.metadata = Some(metadata);
        self
    }

    /// Suppress checkov check `check` on this resource with the reason `comment`, adding to
    /// the suppressions already there (`Metadata.checkov.skip`; other metadata is kept, and a
    /// check suppressed twice keeps its first reason).
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("S");
    /// let logs = stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
    /// stack.options(&logs)
    ///     .checkov_skip("CKV_AWS_158", "encrypted with CloudWatch Logs' own keys")
    ///     .checkov_skip("CKV_AWS_66", "retention is set");
    /// let t = stack.to_template().unwrap();
    /// assert_eq!(t.body()["Resources"]["Logs"]["Metadata"]["checkov"]["skip"].as_array().unwrap().len(), 2);
    /// ```
    pub fn checkov_skip(&mut self, check: &str, comment: &str) -> &mut Self {
        let metadata = self
            .metadata
            .get_or_insert_with(|| Json::Object(JsonMap::new()));
        if !metadata.is_object() {
            *metadata = Json::Object(JsonMap::new());
        }
        let checkov = metadata
            .as_object_mut()
            .map(|m| {
                m.entry("checkov")
                    .or_insert_with(|| Json::Object(JsonMap::new()))
            })
            .filter(|c| c.is_object());
        let Some(checkov) = checkov.and_then(Json::as_object_mut) else {
            return self;
        };
        let skip = checkov
            .entry("skip")
            .or_insert_with(|| Json::Array(Vec::new()));
        if let Some(list) = skip.as_array_mut()
            && !list.iter().any(|x| x["id"] == check)
        {
            list.push(serde_json::json!({"id": check, "comment": comment}));
        }
        self
    }
    /// Set a property by path after the resource is rendered, whatever the typed struct
    /// says (like CDK's `addPropertyOverride`): `"ContainerDefinitions.0.Memory"`. Missing
    /// objects on the way are created; a path through a list needs an index that exists.
    ///
    /// The value is plain JSON or any ferroform value (a reference, `fns::sub(...)`...),
    /// rendered and checked like a property.
    ///
    /// ```
    /// use ferroform::{Stack, fns};
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// let lg = stack.add("Logs", logs::LogGroup::new());
    /// stack.options(&lg)
    ///     .override_property("RetentionInDays", 7)
    ///     .override_property("LogGroupName", fns::sub("/ecs/${AWS::StackName}"));
    /// let json = stack.to_template().unwrap().to_json();
    /// assert!(json.contains("\"RetentionInDays\": 7"));
    /// assert!(json.contains("\"Fn::Sub\": \"/ecs/${AWS::StackName}\""));
    /// ```
    pub fn override_property(&mut self, path: &str, value: impl Into<OverrideValue>) -> &mut Self {
        self.overrides.push((path.to_owned(), Some(value.into())));
        self
    }
    /// Set a resource attribute by path after the resource is rendered: the first segment
    /// is `DeletionPolicy`, `UpdateReplacePolicy`, `UpdatePolicy`, `CreationPolicy`,
    /// `Condition`, `DependsOn`, `Metadata`, `Version` or SAM's `IgnoreGlobals`
    /// (`"UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService"`).
    /// An intrinsic in `DeletionPolicy` or `UpdateReplacePolicy` adds the
    /// `AWS::LanguageExtensions` transform, which CloudFormation needs for it.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// let lg = stack.add("Logs", logs::LogGroup::new());
    /// stack.options(&lg).override_attribute("Metadata.Owner", "platform");
    /// assert_eq!(stack.to_template().unwrap().body()["Resources"]["Logs"]["Metadata"]["Owner"], "platform");
    /// ```
    pub fn override_attribute(&mut self, path: &str, value: impl Into<OverrideValue>) -> &mut Self {
        self.attribute_overrides
            .push((path.to_owned(), Some(value.into())));
        self
    }
    /// Remove a resource attribute (or a part of one) by path, as in
    /// [`ResourceOptions::override_attribute`].
    pub fn remove_attribute(&mut self, path: &str) -> &mut Self {
        self.attribute_overrides.push((path.to_owned(), None));
        self
    }
    /// Remove a property by path after the resource is rendered.
    pub fn remove_property(&mut self, path: &str) -> &mut Self {
        self.overrides.push((path.to_owned(), None));
        self
    }
}

/// Apply one override to rendered properties; `Err` names the segment that does not exist.
pub(super) fn apply_override(
    props: &mut Json,
    path: &str,
    value: Option<&Json>,
) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err("the path has an empty segment".to_owned());
    }
    let (last, parents) = segments.split_last().ok_or("the path is empty")?;
    let mut node = props;
    for seg in parents {
        node = match node {
            Json::Array(items) => {
                let i: usize = seg
                    .parse()
                    .map_err(|_| format!("`{seg}` is not a list index"))?;
                let len = items.len();
                items.get_mut(i).ok_or_else(|| {
                    format!("index {i} is out of range (the list has {len} items)")
                })?
            }
            Json::Object(map) => map
                .entry((*seg).to_owned())
                .or_insert_with(|| Json::Object(JsonMap::new())),
            _ => {
                return Err(format!(
                    "`{seg}` is inside a value that is neither an object nor a list"
                ));
            }
        };
    }
    match (node, value) {
        (Json::Object(map), Some(v)) => {
            map.insert((*last).to_owned(), v.clone());
        }
        (Json::Object(map), None) => {
            map.shift_remove(*last);
        }
        (Json::Array(items), v) => {
            let i: usize = last
                .parse()
                .map_err(|_| format!("`{last}` is not a list index"))?;
            let len = items.len();
            if i >= len {
                return Err(format!(
                    "index {i} is out of range (the list has {len} items)"
                ));
            }
            match v {
                Some(v) => items[i] = v.clone(),
                None => {
                    items.remove(i);
                }
            }
        }
        _ => {
            return Err(format!(
                "`{last}` is inside a value that is neither an object nor a list"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overrides_create_replace_and_remove() {
        let mut props = json!({"A": [{"B": 1}, {"B": 2}], "C": "x"});
        apply_override(&mut props, "A.1.B", Some(&json!(5))).unwrap();
        apply_override(&mut props, "D.E", Some(&json!(true))).unwrap();
        apply_override(&mut props, "C", None).unwrap();
        apply_override(&mut props, "A.0", None).unwrap();
        assert_eq!(props, json!({"A": [{"B": 5}], "D": {"E": true}}));
    }

    #[test]
    fn bad_override_paths_are_errors_not_panics() {
        let mut props = json!({"A": [1], "S": "x"});
        assert!(apply_override(&mut props, "A.3", Some(&json!(1))).is_err());
        assert!(apply_override(&mut props, "A.x.B", Some(&json!(1))).is_err());
        assert!(apply_override(&mut props, "S.T", Some(&json!(1))).is_err());
        assert!(apply_override(&mut props, "", Some(&json!(1))).is_err());
        assert!(apply_override(&mut props, "A..B", None).is_err());
    }
}
