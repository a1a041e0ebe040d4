//! `Stack`: the sections of one CloudFormation template, filled through typed handles.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

use indexmap::IndexMap;

use super::diag::{Diagnostic, Severity, SynthError};
use super::export::{ExportRef, MAX_OUTPUTS};
use super::expr::{Cond, check_condition};
use super::handle::{CondRef, Handle, MappingRef, Param, StackId};
use super::refcheck;
use super::render::{AppScope, Json, JsonMap, Render, RenderCx};
use super::template::Template;
use super::value::{List, Value};
use crate::rules::{self, Rule};

/// A CloudFormation resource type: implemented by every generated resource struct.
pub trait Resource: Render + fmt::Debug + 'static {
    /// The CloudFormation type name, e.g. `AWS::ECS::Service`.
    const TYPE_NAME: &'static str;
}

/// A resource whose type ferroform has no generated struct for: the type name and its
/// properties as JSON. Prefer the generated types; this is the escape hatch.
///
/// ```
/// use ferroform::{Stack, RawResource};
/// let mut stack = Stack::new("Files");
/// let fs = stack.add_raw("Fs", RawResource::new("AWS::EFS::FileSystem", serde_json::json!({"Encrypted": true})));
/// let id: ferroform::Value<String> = fs.get_att("FileSystemId");
/// # let _ = id;
/// ```
#[derive(Clone, Debug)]
pub struct RawResource {
    /// The CloudFormation type name.
    pub type_name: String,
    /// The `Properties` object.
    pub properties: Json,
}

impl RawResource {
    /// A resource of `type_name` with the given properties.
    pub fn new(type_name: impl Into<String>, properties: Json) -> Self {
        RawResource {
            type_name: type_name.into(),
            properties,
        }
    }
}

trait AnyResource: fmt::Debug {
    fn type_name(&self) -> &str;
    fn render_props(&self, cx: &mut RenderCx) -> Json;
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

impl<T: Resource> AnyResource for T {
    fn type_name(&self) -> &str {
        T::TYPE_NAME
    }
    fn render_props(&self, cx: &mut RenderCx) -> Json {
        self.render(cx)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

impl AnyResource for RawResource {
    fn type_name(&self) -> &str {
        &self.type_name
    }
    fn render_props(&self, _: &mut RenderCx) -> Json {
        self.properties.clone()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

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
    fn as_str(self) -> &'static str {
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
    fn as_str(self) -> &'static str {
        match self {
            UpdateReplacePolicy::Delete => "Delete",
            UpdateReplacePolicy::Retain => "Retain",
            UpdateReplacePolicy::Snapshot => "Snapshot",
        }
    }
}

/// The resource attributes of one resource: `DependsOn`, `Condition`, `DeletionPolicy`,
/// `UpdateReplacePolicy`, `UpdatePolicy`, `CreationPolicy`, `Metadata`.
/// Reach them with [`Stack::options`].
#[derive(Debug, Default)]
pub struct ResourceOptions {
    depends_on: Vec<Handle<()>>,
    condition: Option<CondRef>,
    deletion_policy: Option<DeletionPolicy>,
    update_replace_policy: Option<UpdateReplacePolicy>,
    update_policy: Option<Json>,
    creation_policy: Option<Json>,
    metadata: Option<Json>,
    /// `DeletionPolicy` / `UpdateReplacePolicy` chosen by a condition: (condition, if true, if
    /// false).
    conditional_deletion: Option<(CondRef, DeletionPolicy, DeletionPolicy)>,
    conditional_replace: Option<(CondRef, UpdateReplacePolicy, UpdateReplacePolicy)>,
    overrides: Vec<(String, Option<OverrideValue>)>,
    attribute_overrides: Vec<(String, Option<OverrideValue>)>,
}

/// A value for [`ResourceOptions::override_property`] and
/// [`ResourceOptions::override_attribute`]: plain JSON (numbers, strings, `json!`...) or any
/// ferroform value, so that references and intrinsic functions (`fns::sub(...)`,
/// `handle.attr_arn()`) are rendered and checked like a property's.
#[derive(Clone, Debug)]
pub struct OverrideValue(Rc<dyn OverrideRender>);

trait OverrideRender: Render + fmt::Debug {}
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
const OVERRIDABLE_ATTRIBUTES: &[&str] = &[
    "Condition",
    "CreationPolicy",
    "DeletionPolicy",
    "DependsOn",
    "Metadata",
    "UpdatePolicy",
    "UpdateReplacePolicy",
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
    /// let t = stack.synth().unwrap();
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
    /// let t = stack.synth().unwrap();
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
    /// let json = stack.synth().unwrap().to_json();
    /// assert!(json.contains("\"RetentionInDays\": 7"));
    /// assert!(json.contains("\"Fn::Sub\": \"/ecs/${AWS::StackName}\""));
    /// ```
    pub fn override_property(&mut self, path: &str, value: impl Into<OverrideValue>) -> &mut Self {
        self.overrides.push((path.to_owned(), Some(value.into())));
        self
    }
    /// Set a resource attribute by path after the resource is rendered: the first segment
    /// is `DeletionPolicy`, `UpdateReplacePolicy`, `UpdatePolicy`, `CreationPolicy`,
    /// `Condition`, `DependsOn` or `Metadata` (`"UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService"`).
    /// An intrinsic in `DeletionPolicy` or `UpdateReplacePolicy` adds the
    /// `AWS::LanguageExtensions` transform, which CloudFormation needs for it.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// let lg = stack.add("Logs", logs::LogGroup::new());
    /// stack.options(&lg).override_attribute("Metadata.Owner", "platform");
    /// assert_eq!(stack.synth().unwrap().body()["Resources"]["Logs"]["Metadata"]["Owner"], "platform");
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
fn apply_override(props: &mut Json, path: &str, value: Option<&Json>) -> Result<(), String> {
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

#[derive(Debug)]
struct Entry {
    props: Box<dyn AnyResource>,
    options: ResourceOptions,
}

/// The type of a template parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterType(String);

/// A template parameter's definition. The constructor fixes the type of its `Ref`:
/// [`Parameter::string`] gives a [`Param<String>`], [`Parameter::aws_list`] a list, and so on.
///
/// ```
/// use ferroform::{Stack, Parameter};
/// let mut stack = Stack::new("App");
/// let image = stack.parameter(
///     "ImageTag",
///     Parameter::string().description("Tag to deploy").allowed_pattern("^[a-z0-9.-]+$"),
/// );
/// let ami = stack.parameter(
///     "Ami",
///     Parameter::ssm_value("AWS::EC2::Image::Id")
///         .default("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"),
/// );
/// # let _ = (image, ami);
/// ```
#[derive(Debug)]
pub struct Parameter<T> {
    ty: String,
    fields: JsonMap,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> Parameter<T> {
    fn of(ty: impl Into<String>) -> Self {
        Parameter {
            ty: ty.into(),
            fields: JsonMap::new(),
            _t: std::marker::PhantomData,
        }
    }
    fn set(mut self, key: &str, value: Json) -> Self {
        self.fields.insert(key.to_owned(), value);
        self
    }
    /// `Description`.
    pub fn description(self, text: impl Into<String>) -> Self {
        self.set("Description", Json::String(text.into()))
    }
    /// `Default` value (numbers and lists are given as CloudFormation takes them: `"3"`,
    /// `"subnet-1,subnet-2"`; numbers also as numbers).
    pub fn default(self, value: impl Into<Json>) -> Self {
        self.set("Default", value.into())
    }
    /// `AllowedValues`.
    pub fn allowed_values<V: Into<Json>>(self, values: impl IntoIterator<Item = V>) -> Self {
        let list = values.into_iter().map(Into::into).collect();
        self.set("AllowedValues", Json::Array(list))
    }
    /// `AllowedPattern` (string parameters).
    pub fn allowed_pattern(self, pattern: impl Into<String>) -> Self {
        self.set("AllowedPattern", Json::String(pattern.into()))
    }
    /// `ConstraintDescription`: shown when a constraint is not met.
    pub fn constraint_description(self, text: impl Into<String>) -> Self {
        self.set("ConstraintDescription", Json::String(text.into()))
    }
    /// `MinLength` (string parameters).
    pub fn min_length(self, n: u32) -> Self {
        self.set("MinLength", Json::from(n))
    }
    /// `MaxLength` (string parameters).
    pub fn max_length(self, n: u32) -> Self {
        self.set("MaxLength", Json::from(n))
    }
    /// `MinValue` (number parameters).
    pub fn min_value(self, n: f64) -> Self {
        self.set("MinValue", num(n))
    }
    /// `MaxValue` (number parameters).
    pub fn max_value(self, n: f64) -> Self {
        self.set("MaxValue", num(n))
    }
    /// `NoEcho`: the value is masked in the console, API and ferroform's output.
    pub fn no_echo(self) -> Self {
        self.set("NoEcho", Json::Bool(true))
    }
}

fn num(n: f64) -> Json {
    let mut cx = RenderCx::detached();
    n.render(&mut cx)
}

impl Parameter<String> {
    /// A `String` parameter.
    pub fn string() -> Self {
        Parameter::of("String")
    }
    /// An AWS-specific parameter type whose value is one ID or name, such as
    /// `AWS::EC2::VPC::Id`, `AWS::EC2::KeyPair::KeyName` or `AWS::SSM::Parameter::Name`.
    pub fn aws(type_name: impl Into<String>) -> Self {
        Parameter::of(type_name)
    }
    /// `AWS::SSM::Parameter::Value<T>`: the value of a Systems Manager parameter whose
    /// name is the parameter's value (T is `String`, or an AWS type such as `AWS::EC2::Image::Id`).
    pub fn ssm_value(value_type: &str) -> Self {
        Parameter::of(format!("AWS::SSM::Parameter::Value<{value_type}>"))
    }
}

impl Parameter<f64> {
    /// A `Number` parameter (`Ref` gives a number).
    pub fn number() -> Self {
        Parameter::of("Number")
    }
}

impl Parameter<i64> {
    /// A `Number` parameter used where CloudFormation expects an integer.
    pub fn integer() -> Self {
        Parameter::of("Number")
    }
}

impl Parameter<List<String>> {
    /// A `CommaDelimitedList` parameter.
    pub fn comma_delimited_list() -> Self {
        Parameter::of("CommaDelimitedList")
    }
    /// `List<Number>`.
    pub fn number_list() -> Self {
        Parameter::of("List<Number>")
    }
    /// A list of an AWS-specific type: `List<AWS::EC2::Subnet::Id>` from `aws_list("AWS::EC2::Subnet::Id")`.
    pub fn aws_list(type_name: &str) -> Self {
        Parameter::of(format!("List<{type_name}>"))
    }
    /// `AWS::SSM::Parameter::Value<List<T>>` (or `CommaDelimitedList` as T).
    pub fn ssm_value_list(value_type: &str) -> Self {
        if value_type == "CommaDelimitedList" {
            Parameter::of("AWS::SSM::Parameter::Value<CommaDelimitedList>")
        } else {
            Parameter::of(format!("AWS::SSM::Parameter::Value<List<{value_type}>>"))
        }
    }
}

/// A template output.
#[derive(Debug)]
pub struct Output {
    value: Box<dyn OutputValue>,
    description: Option<String>,
    export_name: Option<Value<String>>,
    condition: Option<CondRef>,
}

trait OutputValue: Render + fmt::Debug {}
impl<T: Render + fmt::Debug> OutputValue for T {}

impl Output {
    /// `Description`.
    pub fn description(&mut self, text: impl Into<String>) -> &mut Self {
        self.description = Some(text.into());
        self
    }
    /// `Export.Name`: other stacks can read the value with `Fn::ImportValue`.
    pub fn export(&mut self, name: impl Into<Value<String>>) -> &mut Self {
        self.export_name = Some(name.into());
        self
    }
    /// Output only when the condition holds.
    pub fn condition(&mut self, condition: &CondRef) -> &mut Self {
        self.condition = Some(condition.clone());
        self
    }
}

/// A mapping: `top-level key → second-level key → value`, read with [`crate::fns::find_in_map`].
///
/// ```
/// use ferroform::Mapping;
/// let sizes = Mapping::new()
///     .entry("prod", "Cpu", "1024")
///     .entry("dev", "Cpu", "256");
/// # let _ = sizes;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Mapping(IndexMap<String, JsonMap>);

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Mapping::default()
    }
    /// Set `top[second] = value`.
    pub fn entry(
        mut self,
        top: impl Into<String>,
        second: impl Into<String>,
        value: impl Into<Json>,
    ) -> Self {
        self.0
            .entry(top.into())
            .or_default()
            .insert(second.into(), value.into());
        self
    }
}

/// One CloudFormation stack: its template sections, filled through typed handles.
///
/// The stack's name is also its default CloudFormation stack name.
///
/// ```
/// use ferroform::Stack;
/// use ferroform::resources::logs;
/// let mut stack = Stack::new("Web");
/// stack.description("The web service");
/// let logs = stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
/// stack.options(&logs).retain();
/// stack.output("LogGroupName", logs.to_ref());
/// let template = stack.synth().unwrap();
/// assert!(template.to_json().contains("\"RetentionInDays\": 30"));
/// ```
#[derive(Debug)]
pub struct Stack {
    id: StackId,
    name: Rc<str>,
    description: Option<String>,
    metadata: JsonMap,
    transforms: Vec<String>,
    parameters: IndexMap<Rc<str>, (String, JsonMap)>,
    mappings: IndexMap<Rc<str>, Mapping>,
    conditions: IndexMap<Rc<str>, Cond>,
    resources: IndexMap<Rc<str>, Entry>,
    outputs: IndexMap<Rc<str>, Output>,
    kept_exports: Vec<ExportRef>,
    diagnostics: Vec<Diagnostic>,
    scratch: ResourceOptions,
    scratch_output: Option<Output>,
    id_overrides: IndexMap<String, String>,
    /// The `from` names of [`Stack::override_logical_id`] that a part was added under.
    overrides_used: Vec<String>,
}

impl Stack {
    /// A new, empty stack. `name` is the CloudFormation stack name and must match
    /// `[A-Za-z][A-Za-z0-9-]*` (at most 128 characters).
    pub fn new(name: impl Into<String>) -> Self {
        let name: String = name.into();
        let mut stack = Stack {
            id: StackId::fresh(),
            name: Rc::from(name.as_str()),
            description: None,
            metadata: JsonMap::new(),
            transforms: Vec::new(),
            parameters: IndexMap::new(),
            mappings: IndexMap::new(),
            conditions: IndexMap::new(),
            resources: IndexMap::new(),
            outputs: IndexMap::new(),
            kept_exports: Vec::new(),
            diagnostics: Vec::new(),
            scratch: ResourceOptions::default(),
            scratch_output: None,
            id_overrides: IndexMap::new(),
            overrides_used: Vec::new(),
        };
        if !valid_stack_name(&name) {
            stack.problem(
                rules::INVALID_STACK_NAME,
                None,
                format!("stack name `{name}` is not a valid CloudFormation stack name"),
                "start with a letter and use only letters, digits and hyphens, at most 128 characters",
            );
        }
        stack
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The stack's identity, shared by the handles it hands out.
    pub fn id(&self) -> StackId {
        self.id
    }

    /// Set the template `Description` (at most 1,024 bytes).
    pub fn description(&mut self, text: impl Into<String>) -> &mut Self {
        self.description = Some(text.into());
        self
    }

    /// Set a top-level `Metadata` key.
    pub fn metadata(&mut self, key: impl Into<String>, value: Json) -> &mut Self {
        self.metadata.insert(key.into(), value);
        self
    }

    /// Add a `Transform` (such as `AWS::Serverless-2016-10-31`). `AWS::LanguageExtensions`
    /// is added by itself when an intrinsic needs it.
    pub fn transform(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        if !self.transforms.contains(&name) {
            self.transforms.push(name);
        }
        self
    }

    /// Record a problem under `rule` (its severity is the rule's).
    fn problem(&mut self, rule: Rule, id: Option<&str>, message: String, hint: &str) {
        self.diagnostics.push(Diagnostic {
            logical_id: id.map(str::to_owned),
            path: id.unwrap_or_default().to_owned(),
            hint: Some(hint.to_owned()),
            ..Diagnostic::new(rule, &*self.name, message)
        });
    }

    fn check_id(&mut self, kind: &str, id: &str, taken: bool) {
        if !valid_logical_id(id) {
            self.problem(
                rules::INVALID_LOGICAL_ID,
                Some(id),
                format!("{kind} logical ID `{id}` is not valid"),
                "logical IDs are 1 to 255 ASCII letters and digits (A-Z, a-z, 0-9)",
            );
        } else if taken {
            self.problem(
                rules::DUPLICATE_LOGICAL_ID,
                Some(id),
                format!("{kind} logical ID `{id}` is used twice"),
                "give each resource, parameter, condition, mapping and output its own logical ID",
            );
        }
    }

    fn ref_id_taken(&self, id: &str) -> bool {
        self.resources.contains_key(id) || self.parameters.contains_key(id)
    }

    /// Add a resource and get its typed handle.
    ///
    /// A logical ID that is not alphanumeric, too long or already used is reported when
    /// the stack is synthesized (with every other problem), not panicked on; the handle
    /// then points at the resource that holds the ID.
    pub fn add<T: Resource>(&mut self, logical_id: &str, resource: T) -> Handle<T> {
        self.insert(logical_id, Box::new(resource))
    }

    /// Add a resource of a type ferroform has no generated struct for.
    pub fn add_raw(&mut self, logical_id: &str, resource: RawResource) -> Handle<RawResource> {
        self.insert(logical_id, Box::new(resource))
    }

    /// Give the resource or parameter that will be added as `from` the logical ID `to`
    /// instead (CDK's `overrideLogicalId`). Call it before the resource is added — typically
    /// before building a construct whose part you want to pin, e.g. to keep the ID a log group
    /// had in a template you are adopting, so that CloudFormation does not replace it.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::ecs::{Repository, RepositoryProps};
    /// let mut stack = Stack::new("Images");
    /// stack.override_logical_id("Web", "LegacyWebRepository");
    /// let repo = Repository::new(&mut stack, "Web", RepositoryProps::default());
    /// assert_eq!(repo.resource().unwrap().logical_id(), "LegacyWebRepository");
    /// ```
    pub fn override_logical_id(&mut self, from: &str, to: &str) -> &mut Self {
        self.id_overrides.insert(from.to_owned(), to.to_owned());
        self
    }

    fn note_override_use(&mut self, logical_id: &str) {
        if self.id_overrides.contains_key(logical_id)
            && !self.overrides_used.iter().any(|u| u == logical_id)
        {
            self.overrides_used.push(logical_id.to_owned());
        }
    }

    /// The logical ID `logical_id` is given in this stack (after [`Stack::override_logical_id`]).
    pub(crate) fn final_id<'a>(&'a self, logical_id: &'a str) -> &'a str {
        self.id_overrides
            .get(logical_id)
            .map_or(logical_id, String::as_str)
    }

    fn insert<T>(&mut self, logical_id: &str, props: Box<dyn AnyResource>) -> Handle<T> {
        Handle::new(self.id, self.insert_any(logical_id, props))
    }

    /// The part of `insert` that does not depend on the resource type (compiled once).
    fn insert_any(&mut self, logical_id: &str, props: Box<dyn AnyResource>) -> Rc<str> {
        self.note_override_use(logical_id);
        let logical_id = self.final_id(logical_id).to_owned();
        let logical_id = logical_id.as_str();
        let taken = self.ref_id_taken(logical_id);
        self.check_id("resource", logical_id, taken);
        let id: Rc<str> = Rc::from(logical_id);
        if !taken {
            self.resources.insert(
                id.clone(),
                Entry {
                    props,
                    options: ResourceOptions::default(),
                },
            );
        }
        id
    }

    /// The properties of a resource of this stack, to read.
    pub fn get<T: 'static>(&self, handle: &Handle<T>) -> Option<&T> {
        if handle.stack != self.id {
            return None;
        }
        self.resources
            .get(&handle.id)?
            .props
            .as_any()
            .downcast_ref()
    }

    /// The properties of a resource of this stack, to change after it was added
    /// (the escape hatch of higher-level constructs).
    pub fn get_mut<T: 'static>(&mut self, handle: &Handle<T>) -> Option<&mut T> {
        if handle.stack != self.id {
            return None;
        }
        self.resources
            .get_mut(&handle.id)?
            .props
            .as_any_mut()
            .downcast_mut()
    }

    /// The resource attributes (`DependsOn`, `DeletionPolicy`...) of a resource of this stack.
    ///
    /// A handle from another stack is reported at synth; its options go nowhere.
    pub fn options<T>(&mut self, handle: &Handle<T>) -> &mut ResourceOptions {
        self.options_of(handle.stack, &handle.id)
    }

    fn options_of(&mut self, stack: StackId, id: &Rc<str>) -> &mut ResourceOptions {
        let index = (stack == self.id)
            .then(|| self.resources.get_index_of(id))
            .flatten();
        if let Some(i) = index {
            return &mut self.resources[i].options;
        }
        self.problem(
            rules::FOREIGN_HANDLE,
            Some(id),
            format!("resource `{}` does not belong to stack `{}`", id, self.name),
            "set a resource's options on the stack it was added to",
        );
        self.scratch = ResourceOptions::default();
        &mut self.scratch
    }

    /// Add a parameter and get its typed handle.
    pub fn parameter<T>(&mut self, logical_id: &str, definition: Parameter<T>) -> Param<T> {
        self.note_override_use(logical_id);
        let logical_id = self.final_id(logical_id).to_owned();
        let logical_id = logical_id.as_str();
        let taken = self.ref_id_taken(logical_id);
        self.check_id("parameter", logical_id, taken);
        let id: Rc<str> = Rc::from(logical_id);
        if !taken {
            self.parameters
                .insert(id.clone(), (definition.ty, definition.fields));
        }
        Param::new(self.id, id)
    }

    /// Add a named condition.
    pub fn condition(&mut self, logical_id: &str, condition: Cond) -> CondRef {
        let taken = self.conditions.contains_key(logical_id);
        self.check_id("condition", logical_id, taken);
        let id: Rc<str> = Rc::from(logical_id);
        if !taken {
            self.conditions.insert(id.clone(), condition);
        }
        CondRef { stack: self.id, id }
    }

    /// Add a mapping.
    pub fn mapping(&mut self, logical_id: &str, mapping: Mapping) -> MappingRef {
        let taken = self.mappings.contains_key(logical_id);
        self.check_id("mapping", logical_id, taken);
        let id: Rc<str> = Rc::from(logical_id);
        if !taken {
            self.mappings.insert(id.clone(), mapping);
        }
        MappingRef { stack: self.id, id }
    }

    /// Add an output; set its description, export and condition on what this returns.
    pub fn output<T: Render + fmt::Debug + 'static>(
        &mut self,
        logical_id: &str,
        value: impl Into<Value<T>>,
    ) -> &mut Output {
        let taken = self.outputs.contains_key(logical_id);
        self.check_id("output", logical_id, taken);
        let output = Output {
            value: Box::new(value.into()),
            description: None,
            export_name: None,
            condition: None,
        };
        if taken {
            return self.scratch_output.insert(output);
        }
        self.outputs.entry(Rc::from(logical_id)).or_insert(output)
    }

    /// Number of resources in the stack.
    pub fn resource_count(&self) -> usize {
        self.resources.len()
    }

    /// A warning from a construct: reported with the stack's other diagnostics at synth
    /// (fatal only with `--strict`). The severity is `rule`'s, from the registry; this name
    /// only says what the caller expects (checked in debug builds).
    #[allow(dead_code)] // used by the constructs behind the `ecs-stack` feature
    pub(crate) fn report_warning(
        &mut self,
        rule: Rule,
        logical_id: Option<&str>,
        message: String,
        hint: &str,
    ) {
        debug_assert_eq!(
            rule.severity,
            Severity::Warning,
            "{} is not a warning",
            rule.id
        );
        self.problem(rule, logical_id, message, hint);
    }

    /// Record an error found while a construct builds its resources (bad input is reported
    /// at synth with every other problem, never panicked on). The severity is `rule`'s, from
    /// the registry; this name only says what the caller expects (checked in debug builds).
    #[allow(dead_code)] // used by the constructs behind the `ecs-stack` feature
    pub(crate) fn report_error(
        &mut self,
        rule: Rule,
        logical_id: Option<&str>,
        message: String,
        hint: &str,
    ) {
        debug_assert_eq!(
            rule.severity,
            Severity::Error,
            "{} is not an error",
            rule.id
        );
        self.problem(rule, logical_id, message, hint);
    }

    /// Export a value of this stack under the name an [`crate::App`] gives it when another
    /// stack reads it, whether or not any stack reads it now, and return that name.
    ///
    /// This is the way out of the "export in use" trap (CDK's `exportValue`): CloudFormation
    /// refuses to delete or change an export while another stack imports it, and an app
    /// deploys producers before consumers. When a consumer stops reading a value, keep the
    /// export with this call, deploy (the consumer moves off it), then remove the call and
    /// deploy again.
    ///
    /// `value` must be a plain reference to a resource or parameter of this stack
    /// (`repo.arn()`, `vpc.to_ref()`, `param.to_ref()`); anything else is reported at synth.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::ecr;
    /// let mut platform = Stack::new("Platform");
    /// let repo = platform.add("WebRepo", ecr::Repository::new());
    /// let name = platform.export_value(repo.attr_arn());
    /// assert_eq!(name, "Platform:WebRepo:Arn");
    /// let t = platform.synth().unwrap();
    /// assert_eq!(t.body()["Outputs"]["ExportWebRepoArn"]["Export"]["Name"], "Platform:WebRepo:Arn");
    /// ```
    pub fn export_value<T>(&mut self, value: impl Into<Value<T>>) -> String {
        let value = value.into();
        let export = match &value.inner {
            super::value::Inner::Expr(e) => e.as_export(),
            super::value::Inner::Lit(_) => None,
        };
        match export {
            Some(e) if e.stack == self.id && e.shape != super::export::Shape::Object => {
                let name = e.export_name(&self.name);
                if !self.kept_exports.contains(&e) {
                    self.kept_exports.push(e);
                }
                name
            }
            Some(e) if e.stack == self.id => {
                let id = e.id.to_string();
                self.problem(
                    rules::BAD_EXPORT,
                    Some(&id),
                    format!("export_value: `{id}` gives a JSON object, and CloudFormation exports only strings"),
                    "export a string attribute",
                );
                String::new()
            }
            Some(e) => {
                let id = e.id.to_string();
                self.problem(
                    rules::BAD_EXPORT,
                    None,
                    format!(
                        "export_value: `{id}` belongs to another stack, not to `{}`",
                        self.name
                    ),
                    "call export_value on the stack that holds the resource or parameter",
                );
                String::new()
            }
            None => {
                self.problem(
                    rules::BAD_EXPORT,
                    None,
                    "export_value takes a reference to a resource or parameter of the stack \
                     (a handle's `to_ref()` or attribute, a parameter's `to_ref()`)"
                        .to_owned(),
                    "for any other value, add an output and set its export name: \
                     stack.output(id, value).export(name)",
                );
                String::new()
            }
        }
    }

    /// Render the template, or every problem found on the way.
    pub fn synth(&self) -> Result<Template, SynthError> {
        let (json, diagnostics) = self.render();
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(SynthError { diagnostics });
        }
        Ok(Template::new(self.name.to_string(), json))
    }

    /// Render the template and return it with the diagnostics found (errors included).
    pub(crate) fn render(&self) -> (Json, Vec<Diagnostic>) {
        let (mut json, mut diagnostics, _) = self.render_in(None);
        self.add_exports(&mut json, &[], &mut diagnostics);
        (json, diagnostics)
    }

    /// Render as a stack of an app: references to the app's other stacks become imports,
    /// returned third. Exports are added afterwards with [`Stack::add_exports`].
    pub(crate) fn render_in(
        &self,
        app: Option<Rc<AppScope>>,
    ) -> (Json, Vec<Diagnostic>, Vec<ExportRef>) {
        let mut cx = RenderCx::in_app(self.id, self.name.clone(), app);
        let mut root = JsonMap::new();
        root.insert(
            "AWSTemplateFormatVersion".into(),
            Json::String("2010-09-09".into()),
        );
        if let Some(d) = &self.description {
            root.insert("Description".into(), Json::String(d.clone()));
        }
        if !self.metadata.is_empty() {
            root.insert("Metadata".into(), Json::Object(self.metadata.clone()));
        }

        let params = self.render_parameters();
        let mappings = self.render_mappings();
        let conditions = self.render_conditions(&mut cx);
        let resources = self.render_resources(&mut cx);
        let outputs = self.render_outputs(&mut cx);

        // References and extension functions inside plain JSON (raw resources, json! documents).
        let findings = refcheck::check(
            &self.name,
            &refcheck::Sections {
                metadata: &self.metadata,
                parameters: &params,
                conditions: &conditions,
                resources: &resources,
                outputs: &outputs,
            },
        );
        let mut transforms = self.transforms.clone();
        if (cx.uses_language_extensions() || findings.needs_language_extensions)
            && !transforms.iter().any(|t| t == "AWS::LanguageExtensions")
        {
            transforms.insert(0, "AWS::LanguageExtensions".into());
        }
        match transforms.len() {
            0 => {}
            1 => {
                root.insert("Transform".into(), Json::String(transforms.remove(0)));
            }
            _ => {
                root.insert(
                    "Transform".into(),
                    Json::Array(transforms.into_iter().map(Json::String).collect()),
                );
            }
        }
        for (key, section) in [
            ("Parameters", params),
            ("Mappings", mappings),
            ("Conditions", conditions),
            ("Resources", resources),
            ("Outputs", outputs),
        ] {
            if !section.is_empty() || key == "Resources" {
                root.insert(key.into(), Json::Object(section));
            }
        }
        let mut diagnostics = self.diagnostics.clone();
        diagnostics.extend(cx.take_diagnostics());
        // An override_logical_id that no part was added under pinned nothing: say so, and
        // name what the stack has (the ID was misspelled, or given after the part was added).
        for (from, to) in &self.id_overrides {
            if self.overrides_used.iter().any(|u| u == from) {
                continue;
            }
            let mut parts: Vec<&str> = self.resources.keys().map(|k| &**k).collect();
            parts.extend(self.parameters.keys().map(|k| &**k));
            let near = parts
                .iter()
                .filter(|p| p.eq_ignore_ascii_case(from) || p.contains(from.as_str()))
                .copied()
                .collect::<Vec<_>>();
            let listed = if near.is_empty() { &parts } else { &near };
            diagnostics.push(Diagnostic {
                logical_id: Some(from.clone()),
                hint: Some(format!(
                    "call it before the part is added, with the part's logical ID; the stack has {}",
                    if listed.is_empty() {
                        "no parts".to_owned()
                    } else {
                        listed.iter().take(20).map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
                    }
                )),
                ..Diagnostic::new(
                    rules::BAD_OVERRIDE,
                    &*self.name,
                    format!("override_logical_id(`{from}`, `{to}`) names no part added to the stack"),
                )
            });
        }
        // A typed reference into another stack is already FF1003 at the same place.
        let dangling: Vec<Diagnostic> = findings
            .diagnostics
            .into_iter()
            .filter(|f| {
                !diagnostics
                    .iter()
                    .any(|d| d.logical_id == f.logical_id && d.path == f.path)
            })
            .collect();
        diagnostics.extend(dangling);
        let imports = cx.take_imports();
        (Json::Object(root), diagnostics, imports)
    }

    /// Add to a rendered template the outputs that export what other stacks import
    /// (`imported`, all of this stack) and what [`Stack::export_value`] keeps: one output per
    /// value, sorted by logical ID, after the stack's own outputs.
    pub(crate) fn add_exports(
        &self,
        body: &mut Json,
        imported: &[ExportRef],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let mut exports: Vec<&ExportRef> = self.kept_exports.iter().chain(imported).collect();
        exports.sort_by_key(|e| e.output_id());
        exports.dedup_by(|a, b| a == b);
        if exports.is_empty() {
            return;
        }
        let Json::Object(root) = body else {
            return;
        };
        let mut problem = |id: &str, message: String, hint: &str| {
            diagnostics.push(Diagnostic {
                logical_id: Some(id.to_owned()),
                path: format!("Outputs.{id}"),
                hint: Some(hint.to_owned()),
                ..Diagnostic::new(rules::BAD_EXPORT, &*self.name, message)
            });
        };
        let outputs = root
            .entry("Outputs")
            .or_insert_with(|| Json::Object(JsonMap::new()));
        let Json::Object(outputs) = outputs else {
            return;
        };
        let mut previous: Option<&ExportRef> = None;
        for e in exports {
            let id = e.output_id();
            if previous.is_some_and(|p| p.output_id() == id)
                || self.outputs.contains_key(id.as_str())
            {
                problem(
                    &id,
                    format!(
                        "the output that exports `{}` would be named `{id}`, a name already taken",
                        e.id
                    ),
                    "rename the output (or the resource) that takes this logical ID",
                );
                continue;
            }
            previous = Some(e);
            let mut o = JsonMap::with_capacity(3);
            // A conditional resource is exported under the same condition.
            if let Some(c) = self
                .resources
                .get(&e.id)
                .and_then(|r| r.options.condition.as_ref())
            {
                o.insert("Condition".into(), Json::String(c.id.to_string()));
            }
            o.insert("Value".into(), e.output_value());
            let mut name = JsonMap::with_capacity(1);
            name.insert("Name".into(), Json::String(e.export_name(&self.name)));
            o.insert("Export".into(), Json::Object(name));
            outputs.insert(id, Json::Object(o));
        }
        if outputs.len() > MAX_OUTPUTS {
            let n = outputs.len();
            problem(
                "Outputs",
                format!(
                    "the template has {n} outputs with its exports; CloudFormation allows {MAX_OUTPUTS}"
                ),
                "split the stack, or have other stacks read fewer of its values",
            );
        }
    }

    fn render_parameters(&self) -> JsonMap {
        let mut out = JsonMap::with_capacity(self.parameters.len());
        for (id, (ty, fields)) in &self.parameters {
            let mut p = JsonMap::with_capacity(fields.len() + 1);
            p.insert("Type".into(), Json::String(ty.clone()));
            for (k, v) in fields {
                p.insert(k.clone(), v.clone());
            }
            out.insert(id.to_string(), Json::Object(p));
        }
        out
    }

    fn render_mappings(&self) -> JsonMap {
        let mut out = JsonMap::with_capacity(self.mappings.len());
        for (id, m) in &self.mappings {
            let inner =
                m.0.iter()
                    .map(|(k, v)| (k.clone(), Json::Object(v.clone())))
                    .collect();
            out.insert(id.to_string(), Json::Object(inner));
        }
        out
    }

    fn render_conditions(&self, cx: &mut RenderCx) -> JsonMap {
        let mut out = JsonMap::with_capacity(self.conditions.len());
        cx.push_key("Conditions");
        for (id, c) in &self.conditions {
            cx.push_owned(id.clone());
            out.insert(id.to_string(), c.render(cx));
            cx.pop();
        }
        cx.pop();
        out
    }

    fn render_resources(&self, cx: &mut RenderCx) -> JsonMap {
        let mut out = JsonMap::with_capacity(self.resources.len());
        cx.push_key("Resources");
        for (id, entry) in &self.resources {
            cx.push_owned(id.clone());
            let mut r = JsonMap::with_capacity(4);
            r.insert(
                "Type".into(),
                Json::String(entry.props.type_name().to_owned()),
            );
            let o = &entry.options;
            if let Some(c) = &o.condition {
                cx.push_key("Condition");
                check_condition(cx, c);
                cx.pop();
                r.insert("Condition".into(), Json::String(c.id.to_string()));
            }
            if !o.depends_on.is_empty() {
                cx.push_key("DependsOn");
                let mut deps = Vec::with_capacity(o.depends_on.len());
                for h in &o.depends_on {
                    if h.stack != self.id {
                        cx.error(
                            rules::CROSS_STACK_REFERENCE,
                            format!("DependsOn names `{}`, a resource of another stack", h.id),
                            Some("a resource can only depend on resources of its own stack".into()),
                        );
                    }
                    deps.push(Json::String(h.id.to_string()));
                }
                cx.pop();
                let deps = if deps.len() == 1 {
                    deps.remove(0)
                } else {
                    Json::Array(deps)
                };
                r.insert("DependsOn".into(), deps);
            }
            cx.push_key("Properties");
            let mut props = entry.props.render_props(cx);
            for (path, value) in &o.overrides {
                let value = value.as_ref().map(|v| v.0.render(cx));
                if let Err(why) = apply_override(&mut props, path, value.as_ref()) {
                    cx.error(
                        rules::BAD_OVERRIDE,
                        format!("property override `{path}` cannot be applied: {why}"),
                        Some("override paths are property names and list indexes joined by dots, e.g. `ContainerDefinitions.0.Memory`".into()),
                    );
                }
            }
            cx.pop();
            if !matches!(&props, Json::Object(m) if m.is_empty()) {
                r.insert("Properties".into(), props);
            }
            if let Some(m) = &o.metadata {
                r.insert("Metadata".into(), m.clone());
            }
            if let Some(p) = &o.creation_policy {
                r.insert("CreationPolicy".into(), p.clone());
            }
            if let Some(p) = &o.update_policy {
                r.insert("UpdatePolicy".into(), p.clone());
            }
            if let Some(p) = o.deletion_policy {
                r.insert("DeletionPolicy".into(), Json::String(p.as_str().into()));
            }
            if let Some(p) = o.update_replace_policy {
                r.insert(
                    "UpdateReplacePolicy".into(),
                    Json::String(p.as_str().into()),
                );
            }
            if let Some((c, yes, no)) = &o.conditional_deletion {
                check_condition(cx, c);
                r.insert(
                    "DeletionPolicy".into(),
                    serde_json::json!({"Fn::If": [c.id.to_string(), yes.as_str(), no.as_str()]}),
                );
                cx.needs_language_extensions();
            }
            if let Some((c, yes, no)) = &o.conditional_replace {
                check_condition(cx, c);
                r.insert(
                    "UpdateReplacePolicy".into(),
                    serde_json::json!({"Fn::If": [c.id.to_string(), yes.as_str(), no.as_str()]}),
                );
                cx.needs_language_extensions();
            }
            if !o.attribute_overrides.is_empty() {
                let mut attrs = Json::Object(r);
                for (path, value) in &o.attribute_overrides {
                    let first = path.split('.').next().unwrap_or_default();
                    if !OVERRIDABLE_ATTRIBUTES.contains(&first) {
                        cx.error(
                            rules::BAD_OVERRIDE,
                            format!("attribute override `{path}`: `{first}` is not a resource attribute it can set"),
                            Some(format!("start the path with {}; properties are set with override_property", OVERRIDABLE_ATTRIBUTES.join(", "))),
                        );
                        continue;
                    }
                    let value = value.as_ref().map(|v| v.0.render(cx));
                    if matches!(first, "DeletionPolicy" | "UpdateReplacePolicy")
                        && value.as_ref().is_some_and(Json::is_object)
                    {
                        cx.needs_language_extensions();
                    }
                    if let Err(why) = apply_override(&mut attrs, path, value.as_ref()) {
                        cx.error(
                            rules::BAD_OVERRIDE,
                            format!("attribute override `{path}` cannot be applied: {why}"),
                            Some("attribute paths start with the attribute's name, e.g. `UpdatePolicy.AutoScalingRollingUpdate.MinInstancesInService`".into()),
                        );
                    }
                }
                r = match attrs {
                    Json::Object(m) => m,
                    _ => JsonMap::new(),
                };
            }
            cx.pop();
            out.insert(id.to_string(), Json::Object(r));
        }
        cx.pop();
        out
    }

    fn render_outputs(&self, cx: &mut RenderCx) -> JsonMap {
        let mut out = JsonMap::with_capacity(self.outputs.len());
        cx.push_key("Outputs");
        for (id, o) in &self.outputs {
            cx.push_owned(id.clone());
            let mut m = JsonMap::with_capacity(4);
            if let Some(d) = &o.description {
                m.insert("Description".into(), Json::String(d.clone()));
            }
            if let Some(c) = &o.condition {
                cx.push_key("Condition");
                check_condition(cx, c);
                cx.pop();
                m.insert("Condition".into(), Json::String(c.id.to_string()));
            }
            cx.req(&mut m, "Value", &*o.value);
            if let Some(name) = &o.export_name {
                cx.push_key("Export");
                let mut e = JsonMap::with_capacity(1);
                cx.req(&mut e, "Name", name);
                cx.pop();
                m.insert("Export".into(), Json::Object(e));
            }
            cx.pop();
            out.insert(id.to_string(), Json::Object(m));
        }
        cx.pop();
        out
    }
}

/// CloudFormation's rule for logical IDs: 1 to 255 ASCII alphanumerics.
pub fn valid_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// CloudFormation's rule for stack names: a letter, then letters, digits and hyphens, at most 128
/// (the `StackName` constraint of `CreateStack` in the AWS CloudFormation API reference:
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html>).
pub fn valid_stack_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && name.len() <= 128
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `id` is a stack ID, the ARN CloudFormation gives a stack:
/// `arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<unique id>`.
/// `DescribeStacks`, `DeleteStack` and `DescribeStackEvents` accept one in `StackName`.
pub fn is_stack_id(id: &str) -> bool {
    let parts: Vec<&str> = id.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let Some((name, unique)) = resource
        .strip_prefix("stack/")
        .and_then(|r| r.split_once('/'))
    else {
        return false;
    };
    arn == "arn"
        && partition.starts_with("aws")
        && service == "cloudformation"
        && !region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && valid_stack_name(name)
        && !unique.is_empty()
        && !unique.bytes().any(|b| b.is_ascii_control() || b == b' ')
}

/// What is wrong with `name` as the stack an AWS call acts on, `None` when nothing is. With
/// `allow_id`, a stack ID (ARN, see [`is_stack_id`]) is accepted too.
///
/// Every stack name is checked before any call: `DescribeStacks` without a name lists *all*
/// stacks, so an empty name (an unset `$STACK`) must never reach it.
///
/// ```
/// use ferroform::model::stack::stack_name_error;
/// assert!(stack_name_error("web-prod", false).is_none());
/// assert!(stack_name_error("", true).unwrap().contains("empty"));
/// ```
pub fn stack_name_error(name: &str, allow_id: bool) -> Option<String> {
    if valid_stack_name(name) || (allow_id && is_stack_id(name)) {
        return None;
    }
    let what = if name.is_empty() {
        "the stack name is empty".to_owned()
    } else {
        format!(
            "`{}` is not a valid stack name",
            crate::model::diag::escape_control(name)
        )
    };
    let right = if allow_id {
        "a stack name starts with a letter and has only letters, digits and hyphens, at most 128 characters (or give the stack ID, arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID)"
    } else {
        "a stack name starts with a letter and has only letters, digits and hyphens, at most 128 characters"
    };
    Some(format!("{what}: {right}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue #10, 5: overrides take ferroform values and reach the resource attributes; an
    /// intrinsic deletion policy brings the transform it needs; a bad attribute is an error.
    #[test]
    fn overrides_take_values_and_reach_attributes() {
        use crate::resources::logs;
        let mut stack = Stack::new("S");
        let env = stack.parameter("Env", Parameter::string());
        let prod = stack.condition("IsProd", crate::fns::equals(env.to_ref(), "prod"));
        let lg = stack.add("Logs", logs::LogGroup::new());
        let other = stack.add("Other", logs::LogGroup::new());
        stack
            .options(&lg)
            .override_property("LogGroupName", other.to_ref())
            .override_attribute("UpdatePolicy.Note", crate::fns::sub("${AWS::StackName}"))
            .update_replace_policy_if(
                &prod,
                UpdateReplacePolicy::Retain,
                UpdateReplacePolicy::Delete,
            );
        let t = stack.synth().unwrap();
        let r = &t.body()["Resources"]["Logs"];
        assert_eq!(r["Properties"]["LogGroupName"], json!({"Ref": "Other"}));
        assert_eq!(
            r["UpdatePolicy"]["Note"],
            json!({"Fn::Sub": "${AWS::StackName}"})
        );
        assert_eq!(
            r["UpdateReplacePolicy"],
            json!({"Fn::If": ["IsProd", "Retain", "Delete"]})
        );
        assert_eq!(t.body()["Transform"], "AWS::LanguageExtensions");
        assert!(crate::validate::validate(&t).diagnostics.is_empty());

        let mut stack = Stack::new("S");
        let lg = stack.add("Logs", logs::LogGroup::new());
        stack
            .options(&lg)
            .override_attribute("Type", "AWS::SNS::Topic");
        let e = stack.synth().unwrap_err();
        assert!(
            e.to_string().contains("`Type` is not a resource attribute"),
            "{e}"
        );
    }

    /// Issue #10, 5: an override_logical_id that pins nothing is an error naming the parts.
    #[test]
    fn an_unused_logical_id_override_is_an_error() {
        use crate::resources::logs;
        let mut stack = Stack::new("S");
        stack.override_logical_id("WebLog", "Legacy");
        stack.override_logical_id("Used", "Kept");
        stack.add("WebLogs", logs::LogGroup::new());
        stack.add("Used", logs::LogGroup::new());
        let e = stack.synth().unwrap_err();
        assert_eq!(e.errors(), 1, "{e}");
        let d = &e.diagnostics[0];
        assert_eq!(
            (d.rule, d.logical_id.as_deref()),
            ("FF1008", Some("WebLog"))
        );
        assert!(
            d.hint.as_deref().unwrap_or_default().contains("`WebLogs`"),
            "{e}"
        );
    }

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

    #[test]
    fn a_bad_override_is_reported_at_synth_with_its_logical_id() {
        let mut stack = Stack::new("S");
        let r = stack.add_raw(
            "Res",
            RawResource::new("AWS::Logs::LogGroup", json!({"Tags": []})),
        );
        stack.options(&r).override_property("Tags.2.Key", "x");
        let err = stack.synth().unwrap_err();
        assert_eq!(err.diagnostics.len(), 1);
        let d = &err.diagnostics[0];
        assert_eq!(
            (d.rule, d.logical_id.as_deref()),
            (rules::BAD_OVERRIDE.id, Some("Res"))
        );
        assert!(d.message.contains("Tags.2.Key"), "{}", d.message);
    }
}
