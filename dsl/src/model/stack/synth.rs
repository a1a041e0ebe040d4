//! Rendering a stack: its sections into the template's JSON, the problems found on the way,
//! and the outputs that export what other stacks of its app import.

use std::rc::Rc;

use super::Stack;
use super::options::{OVERRIDABLE_ATTRIBUTES, apply_override};
use crate::model::diag::{Diagnostic, Severity, SynthError};
use crate::model::export::{ExportRef, MAX_OUTPUTS};
use crate::model::generated::Generated;
use crate::model::intrinsic::check_condition;
use crate::model::refcheck;
use crate::model::render::{AppScope, Json, JsonMap, Render, RenderCx};
use crate::model::template::Template;
use crate::rules;

impl Stack {
    /// Render the template, or every problem found on the way — **without validation**.
    ///
    /// The errors returned are those rendering itself finds (a reference to a resource the
    /// stack does not have, a condition nobody defined, more outputs than CloudFormation
    /// allows...). The validator's rules (FF2xxx–FF4xxx: properties against the resource
    /// schemas, ECS constraints...) are not run: use [`App::synth`](crate::App::synth), which
    /// renders and validates, or pass the template to [`validate`](crate::validate::validate).
    ///
    /// ```
    /// use ferroform::Stack;
    /// use ferroform::resources::logs;
    ///
    /// let mut stack = Stack::new("Jobs");
    /// stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
    /// let template = stack.to_template().unwrap();
    /// assert_eq!(ferroform::validate::validate(&template).errors(), 0);
    /// ```
    pub fn to_template(&self) -> Result<Template, SynthError> {
        let (json, diagnostics) = self.render_with_diagnostics();
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(SynthError { diagnostics });
        }
        Ok(Template::new(self.name.to_string(), json))
    }

    /// Render the template and return it with the diagnostics found (errors included).
    pub(crate) fn render_with_diagnostics(&self) -> (Json, Vec<Diagnostic>) {
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

        self.render_transform(&mut root, &cx);
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
        self.merge_sections(&mut root, &mut cx);
        let mut diagnostics = self.diagnostics.clone();
        diagnostics.extend(cx.take_diagnostics());
        self.unused_id_overrides(&mut diagnostics);
        self.plain_refs(&root, &mut cx, &mut diagnostics);
        let imports = cx.take_imports();
        (Json::Object(root), diagnostics, imports)
    }

    /// The template's `Transform`: the stack's own, with `AWS::LanguageExtensions` first
    /// when the stack or its metadata uses the extension functions.
    fn render_transform(&self, root: &mut JsonMap, cx: &RenderCx) {
        // Plain JSON in the stack's Metadata may use the extension functions too (cfn-init);
        // its references are not checked (metadata may name anything).
        let mut metadata_scan = refcheck::Scan::default();
        for body in self.metadata.values() {
            refcheck::scan(body, false, &mut metadata_scan);
        }
        let mut transforms = self.transforms.clone();
        if (cx.uses_language_extensions() || metadata_scan.language_extensions)
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
    }

    /// Sections given as plain JSON (`Stack::section`): a section the builders make takes
    /// their entries besides its own (never one twice); any other is written as given.
    fn merge_sections(&self, root: &mut JsonMap, cx: &mut RenderCx) {
        for (key, value) in &self.sections {
            // Taken as written: what the entries name is the validator's to check (a
            // `Fn::ForEach` fragment names its loop's identifiers).
            cx.push_owned(Rc::from(key.as_str()));
            if BUILT_SECTIONS.contains(&key.as_str()) {
                // Entries the builders cannot name (`Fn::ForEach::Buckets`), merged in.
                let section = root
                    .entry(key.clone())
                    .or_insert_with(|| Json::Object(JsonMap::new()));
                match (section, value) {
                    (Json::Object(section), Json::Object(entries)) => {
                        for (k, v) in entries {
                            if section.contains_key(k) {
                                cx.error(
                                    rules::BAD_OVERRIDE,
                                    format!("`section(\"{key}\", ...)` sets `{k}`, which the stack already has"),
                                    Some("give each entry once".into()),
                                );
                            } else {
                                section.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    _ => cx.error(
                        rules::BAD_OVERRIDE,
                        format!("`section(\"{key}\", ...)` needs an object of entries"),
                        Some("give the entries to add, by name".into()),
                    ),
                }
            } else {
                root.insert(key.clone(), value.clone());
            }
            cx.pop();
        }
    }

    /// An override_logical_id that no part was added under pinned nothing: say so, and name
    /// what the stack has (the ID was misspelled, or given after the part was added).
    fn unused_id_overrides(&self, diagnostics: &mut Vec<Diagnostic>) {
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
    }

    /// References inside plain JSON, now that the logical IDs are known. (A handle of another
    /// stack serialized into a document is already FF1003 at the same place.)
    fn plain_refs(&self, root: &JsonMap, cx: &mut RenderCx, diagnostics: &mut Vec<Diagnostic>) {
        let params = root.get("Parameters").and_then(Json::as_object);
        let resources = root.get("Resources").and_then(Json::as_object);
        let mut generated: Option<Generated> = None;
        for r in cx.take_plain_refs() {
            let is_resource = resources.is_some_and(|m| m.contains_key(&r.target));
            let is_param = params.is_some_and(|m| m.contains_key(&r.target));
            let (message, hint) = if r.get_att && !is_resource {
                (
                    format!(
                        "`Fn::GetAtt` names `{}`, which is not a resource of this stack",
                        r.target
                    ),
                    "read attributes through the resource's handle (`handle.attr_...()`)",
                )
            } else if !r.get_att && !is_resource && !is_param {
                (
                    format!(
                        "`Ref` names `{}`, which is not a resource or parameter of this stack",
                        r.target
                    ),
                    "reference resources through their handles; a handle of another stack cannot be used here",
                )
            } else {
                continue;
            };
            // A name the SAM transform or a module adds when the template is processed.
            let generated = generated.get_or_insert_with(|| {
                let transform = root.get("Transform").cloned().unwrap_or(Json::Null);
                let transform = Json::Object(JsonMap::from_iter([("Transform".into(), transform)]));
                Generated::of_parts(&transform, resources)
            });
            if generated.resource(&r.target) {
                continue;
            }
            if diagnostics
                .iter()
                .any(|d| d.logical_id == r.logical_id && d.path == r.path)
            {
                continue;
            }
            diagnostics.push(Diagnostic {
                logical_id: r.logical_id,
                path: r.path,
                hint: Some(hint.to_owned()),
                ..Diagnostic::new(rules::DANGLING_REFERENCE, &*self.name, message)
            });
        }
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
        // One output per value; it carries an export when any reader imports it (the
        // others read it with Fn::GetStackOutput).
        exports.sort_by_key(|e| (e.output_id(), !e.exported));
        exports.dedup_by(|a, b| {
            a.stack == b.stack && a.id == b.id && a.attr == b.attr && a.shape == b.shape
        });
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
            if e.exported {
                let mut name = JsonMap::with_capacity(1);
                name.insert("Name".into(), Json::String(e.export_name(&self.name)));
                o.insert("Export".into(), Json::Object(name));
            }
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
            for (key, plain) in [
                ("Metadata", &o.metadata),
                ("CreationPolicy", &o.creation_policy),
                ("UpdatePolicy", &o.update_policy),
            ] {
                if let Some(v) = plain {
                    cx.push_key(key);
                    cx.plain(v);
                    cx.pop();
                    r.insert(key.into(), v.clone());
                }
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

/// The sections the stack's builders write; [`Stack::section`] adds entries to them.
const BUILT_SECTIONS: &[&str] = &[
    "Parameters",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::stack::{Parameter, RawResource, UpdateReplacePolicy};
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
            .override_attribute("Metadata.Note", crate::fns::sub("${AWS::StackName}"))
            .update_replace_policy_if(
                &prod,
                UpdateReplacePolicy::Retain,
                UpdateReplacePolicy::Delete,
            );
        let t = stack.to_template().unwrap();
        let r = &t.body()["Resources"]["Logs"];
        assert_eq!(r["Properties"]["LogGroupName"], json!({"Ref": "Other"}));
        assert_eq!(
            r["Metadata"]["Note"],
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
        let e = stack.to_template().unwrap_err();
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
        let e = stack.to_template().unwrap_err();
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
    fn a_bad_override_is_reported_at_synth_with_its_logical_id() {
        let mut stack = Stack::new("S");
        let r = stack.add_raw(
            "Res",
            RawResource::new("AWS::Logs::LogGroup", json!({"Tags": []})),
        );
        stack.options(&r).override_property("Tags.2.Key", "x");
        let err = stack.to_template().unwrap_err();
        assert_eq!(err.diagnostics.len(), 1);
        let d = &err.diagnostics[0];
        assert_eq!(
            (d.rule, d.logical_id.as_deref()),
            (rules::BAD_OVERRIDE.id, Some("Res"))
        );
        assert!(d.message.contains("Tags.2.Key"), "{}", d.message);
    }
}
