//! `Stack`: the sections of one CloudFormation template, filled through typed handles.
//!
//! This file holds the [`Stack`] and what adds to it. Beside it: `resource` (the
//! [`Resource`] trait, [`RawResource`]), `options` ([`ResourceOptions`], the policies and
//! overrides), `sections` ([`Parameter`], [`Mapping`], [`Output`]), `synth` (rendering the
//! stack into a template) and `names` (the rules for logical IDs and stack names).

use crate::model::env::Env;
use std::fmt;
use std::rc::Rc;

use indexmap::IndexMap;

use super::asset::ImageAsset;
use super::diag::{Diagnostic, Severity};
use super::export::ExportRef;
use super::fasthash::FastIndexMap;
use super::handle::{CondRef, Handle, MappingRef, Param, StackId};
use super::intrinsic::Cond;
use super::render::{Json, JsonMap, Render};
use super::value::Value;
use crate::rules::{self, Rule};

mod names;
mod options;
mod resource;
mod sections;
mod synth;

pub use names::{
    MAX_LOGICAL_ID_LEN, is_stack_id, stack_name_error, valid_condition_name, valid_logical_id,
    valid_stack_name,
};
pub use options::{DeletionPolicy, OverrideValue, ResourceOptions, UpdateReplacePolicy};
use resource::{AnyResource, Entry};
pub use resource::{RawResource, Resource};
pub use sections::{Export, Mapping, Output, Parameter};

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
/// let template = stack.to_template().unwrap();
/// assert!(template.to_json().contains("\"RetentionInDays\": 30"));
/// ```
#[derive(Debug)]
pub struct Stack {
    id: StackId,
    name: Rc<str>,
    description: Option<String>,
    metadata: JsonMap,
    transforms: Vec<String>,
    /// Top-level sections with no builder (`Rules`...), as written.
    sections: JsonMap,
    /// Where the stack is deployed, when bound.
    env: Option<Env>,
    parameters: FastIndexMap<Rc<str>, (String, JsonMap)>,
    mappings: FastIndexMap<Rc<str>, Mapping>,
    conditions: FastIndexMap<Rc<str>, Cond>,
    resources: FastIndexMap<Rc<str>, Entry>,
    outputs: FastIndexMap<Rc<str>, Output>,
    kept_exports: Vec<ExportRef>,
    diagnostics: Vec<Diagnostic>,
    scratch: ResourceOptions,
    scratch_output: Option<Output>,
    id_overrides: IndexMap<String, String>,
    /// The `from` names of [`Stack::override_logical_id`] that a part was added under.
    overrides_used: Vec<String>,
    /// Images built from source ([`crate::model::asset`]), with the stack whose repository
    /// each goes to when that is another stack of the app.
    images: Vec<(ImageAsset, Option<StackId>)>,
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
            sections: JsonMap::new(),
            env: None,
            parameters: FastIndexMap::default(),
            mappings: FastIndexMap::default(),
            conditions: FastIndexMap::default(),
            resources: FastIndexMap::default(),
            outputs: FastIndexMap::default(),
            kept_exports: Vec::new(),
            diagnostics: Vec::new(),
            scratch: ResourceOptions::default(),
            scratch_output: None,
            id_overrides: IndexMap::new(),
            overrides_used: Vec::new(),
            images: Vec::new(),
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

    /// Deploy the stack to this account and region ([`Env`]): `deploy` uses the region, and
    /// references between stacks in different places become `Fn::GetStackOutput`.
    pub fn env(&mut self, env: Env) -> &mut Self {
        self.env = Some(env);
        self
    }

    /// Where the stack is deployed, when bound ([`Stack::env`]).
    pub fn environment(&self) -> Option<&Env> {
        self.env.as_ref()
    }

    /// Set a top-level template section ferroform has no builder for (`Rules`, `Hooks`),
    /// as plain JSON; or, for a section the builders write (`Parameters`, `Mappings`,
    /// `Conditions`, `Resources`, `Outputs`), add entries they cannot name, such as
    /// `Fn::ForEach::Buckets` (an entry the stack already has is an error at synth).
    /// `ferroform import` writes one for every such section or entry it reads.
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::logs;
    /// let mut stack = Stack::new("Web");
    /// stack.add("Logs", logs::LogGroup::new());
    /// stack.section("Rules", serde_json::json!({"OnlyProd": {"Assertions": [
    ///     {"Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}]}}));
    /// let t = stack.to_template().unwrap();
    /// assert_eq!(t.body()["Rules"]["OnlyProd"]["Assertions"][0]["Assert"]["Fn::Equals"][1], "eu-west-1");
    /// ```
    pub fn section(&mut self, name: impl Into<String>, value: Json) -> &mut Self {
        self.sections.insert(name.into(), value);
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
        let valid = if kind == "condition" {
            valid_condition_name(id)
        } else {
            valid_logical_id(id)
        };
        if !valid {
            self.problem(
                rules::INVALID_LOGICAL_ID,
                Some(id),
                format!("{kind} logical ID `{id}` is not valid"),
                if kind == "condition" {
                    "condition names are 1 to 255 characters"
                } else {
                    "logical IDs are 1 to 255 ASCII letters and digits (A-Z, a-z, 0-9)"
                },
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

    /// Record an image this stack builds from source; `producer` is the stack whose
    /// repository it is pushed to, when that is another stack.
    #[cfg(feature = "ecs-stack")]
    pub(crate) fn record_image(&mut self, asset: ImageAsset, producer: Option<StackId>) {
        let mut asset = asset;
        asset.id = format!("{}/{}", self.name, asset.id);
        self.images.push((asset, producer));
    }

    /// The images recorded by [`Stack::record_image`].
    pub(crate) fn images(&self) -> &[(ImageAsset, Option<StackId>)] {
        &self.images
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
        let id: Rc<str> = Rc::from(self.final_id(logical_id));
        let taken = self.ref_id_taken(&id);
        self.check_id("resource", &id, taken);
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
    /// let t = platform.to_template().unwrap();
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
}
