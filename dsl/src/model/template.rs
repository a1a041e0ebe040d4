//! `Template`: a rendered CloudFormation template, ready to write as JSON or YAML.

use super::env::Env;
use super::stackset::StackSet;
use std::fmt;
use std::sync::Arc;

use super::json::Json;
use super::yaml;
use super::yaml_read::AliasUse;

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
/// let t = stack.to_template().unwrap();
/// assert_eq!(t.render(Format::Yaml), "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: {}\n");
/// ```
#[derive(Clone)]
pub struct Template {
    name: String,
    body: Json,
    /// The text CloudFormation receives (see [`Template::body_text`]), written once when the
    /// template is made: the validator measures it, `synth` writes it, a deploy sends it.
    text: Text,
    /// Every YAML alias use in that text (see [`Template::yaml_aliases`]).
    yaml_aliases: Arc<[AliasUse]>,
    /// Where the stack is deployed, when its program bound it ([`crate::Stack::env`]).
    env: Option<Env>,
    /// The accounts and regions of a stack set ([`crate::App::add_stack_set`]).
    stack_set: Option<Arc<StackSet>>,
    /// The file the template was read from, when it was ([`Template::with_origin`]).
    origin: Option<Arc<std::path::Path>>,
}

/// Which text a template is sent as.
#[derive(Clone)]
enum Text {
    /// The JSON text of a synthesized template ([`Template::to_json`]).
    /// (An `Arc<String>`, not an `Arc<str>`: the text moves in without a copy.)
    Json(Arc<String>),
    /// The text a template was read from, byte for byte.
    Source(Arc<str>),
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.body == other.body
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("body", &self.body)
            .finish()
    }
}

impl Template {
    /// A template named `name` (the stack name, or the file it came from) with this body.
    ///
    /// Its JSON text ([`Template::to_json`]) is written here, once: it is what the validator's
    /// size limits measure, what `synth` writes and what a deploy sends.
    pub fn new(name: impl Into<String>, body: Json) -> Self {
        let text = Text::Json(Arc::new(json_text(&body)));
        Template {
            name: name.into(),
            body,
            text,
            yaml_aliases: Arc::new([]),
            env: None,
            stack_set: None,
            origin: None,
        }
    }

    /// A template read from `text` (by [`Template::parse`]): it is sent as that text, byte
    /// for byte, and its JSON text is only written when asked for.
    pub(crate) fn read(
        name: impl Into<String>,
        body: Json,
        text: &str,
        yaml_aliases: Vec<AliasUse>,
    ) -> Self {
        Template {
            name: name.into(),
            body,
            text: Text::Source(text.into()),
            yaml_aliases: yaml_aliases.into(),
            env: None,
            stack_set: None,
            origin: None,
        }
    }

    /// The same template, deployed to `env` ([`crate::Stack::env`]).
    #[must_use]
    pub fn with_env(mut self, env: Option<Env>) -> Template {
        self.env = env;
        self
    }

    /// Where the stack is deployed, when bound.
    pub fn env(&self) -> Option<&Env> {
        self.env.as_ref()
    }

    /// The same template, deployed as a stack set ([`crate::App::add_stack_set`]).
    #[must_use]
    pub fn with_stack_set(mut self, set: Option<StackSet>) -> Template {
        self.stack_set = set.map(Arc::new);
        self
    }

    /// The stack set this template is deployed as, if any.
    pub fn stack_set(&self) -> Option<&StackSet> {
        self.stack_set.as_deref()
    }

    /// The same template, read from the file at `path`: the validator then reads the local
    /// templates it names as nested stacks (`TemplateURL: ./child.yaml`, a SAM application's
    /// `Location: ./app.yaml`) relative to that file's directory, to check the parameters
    /// passed to them (`FF2030`), as `aws cloudformation package` would find them.
    ///
    /// ```
    /// use ferroform::Template;
    /// let t = Template::parse("infra/main.yaml", "Resources: {}\n").unwrap().with_origin("infra/main.yaml");
    /// assert_eq!(t.origin(), Some(std::path::Path::new("infra/main.yaml")));
    /// ```
    #[must_use]
    pub fn with_origin(mut self, path: impl AsRef<std::path::Path>) -> Template {
        self.origin = Some(Arc::from(path.as_ref()));
        self
    }

    /// The file this template was read from, when [`Template::with_origin`] said so.
    pub fn origin(&self) -> Option<&std::path::Path> {
        self.origin.as_deref()
    }

    /// The same template with another body (the validator checks a template's
    /// `Fn::ForEach` loops expanded): the text CloudFormation receives, and what the reader
    /// noticed in it, stay those of this one.
    pub(crate) fn with_body(&self, body: Json) -> Template {
        Template {
            name: self.name.clone(),
            body,
            text: self.text.clone(),
            yaml_aliases: Arc::clone(&self.yaml_aliases),
            env: self.env.clone(),
            stack_set: self.stack_set.clone(),
            origin: self.origin.clone(),
        }
    }

    /// The same template under another name (a file's template deployed as a stack): the
    /// text it was read from, and what the reader noticed, go with it.
    pub(crate) fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Every YAML alias (`*name`) the text this template was read from used, in the order
    /// of the text: empty for JSON and for synthesized templates. CloudFormation does not
    /// read aliases (the validator warns about each, `FF3108`).
    ///
    /// ```
    /// use ferroform::Template;
    /// let t = Template::parse("t.yaml", "Tags: &t [a]\nMore: *t\n").unwrap();
    /// assert_eq!(t.yaml_aliases()[0].line, 2);
    /// ```
    pub fn yaml_aliases(&self) -> &[AliasUse] {
        &self.yaml_aliases
    }

    /// The text CloudFormation receives for this template, and what its size limits
    /// (51,200 bytes inline, 1 MB from S3) apply to: the file as it was read, JSON or YAML,
    /// byte for byte, for a template read with [`Template::parse`] (as the AWS CLI sends a
    /// file); the JSON text ([`Template::to_json`]) for a synthesized one.
    ///
    /// ```
    /// use ferroform::Template;
    /// let minified = r#"{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}"#;
    /// let t = Template::parse("t.json", minified).unwrap();
    /// assert_eq!(t.body_text(), minified);
    /// ```
    pub fn body_text(&self) -> &str {
        match &self.text {
            Text::Json(text) => text,
            Text::Source(text) => text,
        }
    }

    /// The JSON text when it is what this template is sent as (a synthesized template);
    /// `None` for a template read from a file.
    pub(crate) fn json_body_text(&self) -> Option<&str> {
        match &self.text {
            Text::Json(text) => Some(text),
            Text::Source(_) => None,
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
        match &self.text {
            Text::Json(text) => text.to_string(),
            Text::Source(_) => json_text(&self.body),
        }
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

/// The JSON text of a template body ([`Template::to_json`]).
fn json_text(body: &Json) -> String {
    // 650 to 850 bytes per resource in practice: sized once, above that, instead of doubling
    // (the unused end of a large buffer is never touched, so it costs no memory).
    let resources = body
        .get("Resources")
        .and_then(Json::as_object)
        .map_or(0, serde_json::Map::len);
    let mut out = String::with_capacity(4096 + 1024 * resources);
    write_json(&mut out, body, 0);
    out.push('\n');
    out
}

/// Characters PyYAML refuses in a stream (C1 controls, DEL, U+FFFE/U+FFFF) or reads as line
/// breaks (NEL, LS, PS): written as `\uXXXX` escapes, which JSON readers decode the same.
fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Pretty JSON as serde_json's pretty printer writes it (two-space indent, `": "`), except
/// that floats are written the way YAML 1.1 reads them (a `.` and a signed exponent) and the
/// characters of [`needs_escape`] are `\u` escapes. Written directly into one buffer: about
/// twice as fast as going through serde's serializer.
fn write_json(out: &mut String, v: &Json, depth: usize) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) if n.is_f64() => out.push_str(&yaml::yaml_number(n)),
        Json::Number(n) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{n}");
        }
        Json::String(s) => write_str(out, s),
        Json::Array(a) if a.is_empty() => out.push_str("[]"),
        Json::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_json(out, x, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Json::Object(m) if m.is_empty() => out.push_str("{}"),
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_str(out, k);
                out.push_str(": ");
                write_json(out, x, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = 2 * depth;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A JSON string: serde_json's escapes (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`,
/// `\u00xx` for other control characters) plus [`needs_escape`].
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    // Nearly every string has nothing to escape (all of it is printable ASCII, no quote or
    // backslash): copied whole.
    // (A fold rather than `all`: no early exit, so the check vectorizes.)
    let special = s.bytes().fold(false, |acc, b| {
        acc | !(0x20..0x7f).contains(&b) || (b == b'"') || (b == b'\\')
    });
    if !special {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || needs_escape(c) => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle: serde_json's pretty printer with the same float and escape rules, as
    /// `to_json` wrote templates before it wrote them directly.
    #[derive(Default)]
    struct CfnJsonFormatter {
        pretty: serde_json::ser::PrettyFormatter<'static>,
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
        fn end_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
        ) -> std::io::Result<()> {
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
        fn begin_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
        ) -> std::io::Result<()> {
            self.pretty.begin_object_value(w)
        }
        fn end_object_value<W: ?Sized + std::io::Write>(
            &mut self,
            w: &mut W,
        ) -> std::io::Result<()> {
            self.pretty.end_object_value(w)
        }
    }

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

    fn oracle(v: &Json) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, CfnJsonFormatter::default());
        serde::Serialize::serialize(v, &mut ser).unwrap();
        String::from_utf8(out).unwrap() + "\n"
    }

    #[test]
    fn the_direct_writer_writes_what_serde_json_writes() {
        let mut strings: Vec<String> = [
            "",
            "plain",
            "q\"uote",
            "back\\slash",
            "tab\tnl\ncr\r",
            "\u{8}\u{c}\u{0}\u{1f}",
            "\u{7f}\u{80}\u{9f}\u{a0}",
            "é ü 日本",
            "\u{2028}\u{2029}\u{fffe}\u{ffff}",
            "😀",
            "${AWS::Region}",
            "a/b</script>",
            "\u{7e}",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        // Every code point below 0x3000 on its own, between ASCII.
        strings.extend(
            (0u32..0x3000)
                .filter_map(char::from_u32)
                .map(|c| format!("a{c}b")),
        );
        for s in &strings {
            let v = serde_json::json!({ s.clone(): [s, {"k": s}] });
            assert_eq!(Template::new("t", v.clone()).to_json(), oracle(&v), "{s:?}");
        }
        let v = serde_json::json!({
            "n": [0, -1, 1, i64::MIN, u64::MAX, 0.5, -0.0, 1e21, 1.5e-7, 123456789.125, f64::MAX],
            "b": [true, false, null],
            "empty": [{}, [], [[]], {"x": {}}],
            "deep": {"a": {"b": {"c": [1, {"d": "e"}]}}},
        });
        assert_eq!(Template::new("t", v.clone()).to_json(), oracle(&v));
    }

    /// Templates are equal when their names and bodies are: both must match.
    #[test]
    fn templates_compare_by_name_and_body() {
        let body = serde_json::json!({"Resources": {}});
        let t = Template::new("A", body.clone());
        assert_eq!(t, Template::new("A", body.clone()));
        assert_ne!(t, Template::new("B", body));
        let other = serde_json::json!({"Resources": {"R": {"Type": "AWS::S3::Bucket"}}});
        assert_ne!(t, Template::new("A", other));
        // Debug output (what a failed assert_eq prints) shows both.
        let shown = format!("{t:?}");
        assert!(
            shown.contains("\"A\"") && shown.contains("Resources"),
            "{shown}"
        );
    }
}
