//! `Template`: a rendered CloudFormation template, ready to write as JSON or YAML.

use super::render::Json;
use super::yaml;

/// Output format of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Format {
    /// Pretty-printed JSON (two-space indent).
    #[default]
    Json,
    /// Block-style YAML, quoted where YAML 1.1 readers would misread a string.
    Yaml,
}

impl Format {
    /// The file extension (`json` / `yaml`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// A rendered template: sections in canonical order, resources in the order they were added.
///
/// ```
/// use ferroform::{Stack, Format};
/// let stack = Stack::new("Empty");
/// let t = stack.synth().unwrap();
/// assert_eq!(t.render(Format::Yaml), "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\n");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    name: String,
    body: Json,
}

impl Template {
    /// A template named `name` (the stack name, or the file it came from) with this body.
    pub fn new(name: impl Into<String>, body: Json) -> Self {
        Template {
            name: name.into(),
            body,
        }
    }

    /// The stack name (or the file this template was read from).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The template as a JSON tree.
    pub fn body(&self) -> &Json {
        &self.body
    }

    /// The `Resources` section.
    pub fn resources(&self) -> Option<&serde_json::Map<String, Json>> {
        self.body.get("Resources")?.as_object()
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.body).unwrap_or_default();
        s.push('\n');
        s
    }

    /// YAML (see [`Format::Yaml`]).
    pub fn to_yaml(&self) -> String {
        yaml::to_yaml(&self.body)
    }

    /// The template in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => self.to_json(),
            Format::Yaml => self.to_yaml(),
        }
    }
}
