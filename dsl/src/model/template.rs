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

    /// Pretty JSON with a trailing newline, written so that YAML 1.1 readers (cfn-lint reads
    /// JSON files with its YAML loader first) read the same values: floats carry a `.` and a
    /// signed exponent, and characters YAML refuses or folds are `\u` escapes.
    pub fn to_json(&self) -> String {
        // About 650 bytes per resource in practice: sized once instead of doubling.
        let resources = self.resources().map_or(0, |r| r.len());
        let mut out = Vec::with_capacity(4096 + 768 * resources);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, CfnJsonFormatter::default());
        if serde::Serialize::serialize(&self.body, &mut ser).is_err() {
            return String::new();
        }
        let mut s = String::from_utf8(out).unwrap_or_default();
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

/// serde_json's pretty printer, with numbers and strings written the way YAML 1.1 reads them.
#[derive(Default)]
struct CfnJsonFormatter {
    pretty: serde_json::ser::PrettyFormatter<'static>,
}

/// Characters PyYAML refuses in a stream (C1 controls, DEL, U+FFFE/U+FFFF) or reads as line
/// breaks (NEL, LS, PS): written as `\uXXXX` escapes, which JSON readers decode the same.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
    )
}

impl serde_json::ser::Formatter for CfnJsonFormatter {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        match serde_json::Number::from_f64(value) {
            Some(n) => w.write_all(yaml::yaml_number(&n).as_bytes()),
            None => w.write_all(b"null"),
        }
    }
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Every character that needs an escape is at or above U+007F.
        if fragment.bytes().all(|b| b < 0x7f) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_floats_and_yaml_hostile_characters() {
        let t = Template::new(
            "T",
            serde_json::json!({"a": 1e21, "b": 0.5, "c": 3, "d": "x\u{85}y\u{2028}\u{7f}é"}),
        );
        let text = t.to_json();
        assert!(text.contains("\"a\": 1.0e+21"), "{text}");
        assert!(text.contains("\"b\": 0.5"), "{text}");
        assert!(text.contains("\"c\": 3"), "{text}");
        assert!(text.contains(r#""d": "x\u0085y\u2028\u007fé""#), "{text}");
        // Still JSON, and the same value.
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, t.body());
    }
}
