//! Reading existing CloudFormation templates (JSON or YAML, with YAML short-form tags) into
//! the same JSON tree ferroform renders.

use std::fmt;
use std::path::Path;

use super::json::Json;
use super::template::Template;
// The reading limits and `AliasUse` live with the YAML reader, below this module (which
// builds on it and on `Template`); they are re-exported where they have always been.
pub use super::yaml_read::{ALIAS_BUDGET_CAP, ALIAS_BUDGET_PER_BYTE, AliasUse, MAX_NESTING};

/// A template could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The file (or name) being read.
    pub source: String,
    /// 1-based line of the problem, when known.
    pub line: Option<usize>,
    /// 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// The largest template file [`read_template_file`] reads: 16 MiB. CloudFormation accepts
/// at most 51,200 bytes of template body in a request and 1 MB from an S3 object
/// (AWS CloudFormation User Guide, *CloudFormation quotas*,
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>);
/// sixteen times the larger is room for any template before it is packaged, and reading
/// stops there (so `/dev/zero` or an endless pipe cannot fill the memory).
pub const MAX_TEMPLATE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A template read by [`Template::parse_full`], with what the reader noticed on the way.
#[derive(Clone, Debug)]
pub struct ParsedTemplate {
    /// The template.
    pub template: Template,
    /// Every YAML alias use, in the order of the text (empty for JSON).
    pub aliases: Vec<AliasUse>,
}

impl Template {
    /// Read a template from text: JSON when it starts with `{`, YAML otherwise (a UTF-8
    /// byte order mark at the start is skipped, as RFC 8259 §8.1 and YAML 1.1 §5.2 allow).
    ///
    /// YAML is read as CloudFormation reads it, YAML 1.1: short-form tags (`!Ref`,
    /// `!GetAtt A.B`, any `!Name` as `Fn::Name`) become the long forms, `yes`/`no`/`on`/`off`
    /// are booleans, `0755` is octal, `1_000` and `1:20` are numbers (see
    /// [`crate::model::yaml_read`] for the rules). Duplicate keys, nesting deeper than
    /// [`MAX_NESTING`] and alias expansion past [`ALIAS_BUDGET_PER_BYTE`] are errors; every
    /// error has a line (and a column where known).
    ///
    /// ```
    /// use ferroform::Template;
    /// let t = Template::parse("web.yaml", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Sub '${AWS::StackName}-logs'\n").unwrap();
    /// assert_eq!(t.body()["Resources"]["Logs"]["Properties"]["LogGroupName"]["Fn::Sub"], "${AWS::StackName}-logs");
    ///
    /// let e = Template::parse("dup.json", "{\"A\": 1,\n \"A\": 2}").unwrap_err();
    /// assert_eq!(e.line, Some(2));
    /// assert!(e.message.contains("duplicate key `A` at line 2 (first at line 1)"));
    /// ```
    pub fn parse(source: &str, text: &str) -> Result<Template, ParseError> {
        Template::parse_full(source, text).map(|p| p.template)
    }

    /// [`Template::parse`], also returning every YAML alias use (CloudFormation itself does
    /// not accept aliases; a validator can warn about each).
    ///
    /// ```
    /// use ferroform::Template;
    /// let p = Template::parse_full("t.yaml", "Tags: &t [a]\nMore: *t\n").unwrap();
    /// assert_eq!(p.template.body()["More"], serde_json::json!(["a"]));
    /// assert_eq!((p.aliases[0].line, p.aliases[0].anchor.as_str()), (2, "t"));
    /// ```
    pub fn parse_full(source: &str, text: &str) -> Result<ParsedTemplate, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (body, aliases) = if text.trim_start().starts_with('{') {
            (parse_json(source, text)?, Vec::new())
        } else {
            super::yaml_read::read(text).map_err(|e| ParseError {
                source: source.to_owned(),
                line: Some(e.line),
                column: Some(e.column),
                message: e.message,
            })?
        };
        if !body.is_object() {
            return Err(ParseError {
                source: source.to_owned(),
                line: Some(1),
                column: Some(1),
                message: "a template must be a JSON object or YAML mapping (`Resources:` ...)"
                    .to_owned(),
            });
        }
        Ok(ParsedTemplate {
            template: Template::read(source, body, text, aliases.clone()),
            aliases,
        })
    }
}

/// Read a template file for [`Template::parse`]: at most [`MAX_TEMPLATE_FILE_BYTES`] (the
/// read stops there, so a device or an endless pipe costs no more), UTF-8 required.
/// Errors name the file (and for bad UTF-8 the line and column).
///
/// ```no_run
/// use ferroform::Template;
/// use ferroform::model::parse::read_template_file;
/// let path = std::path::Path::new("web.yaml");
/// let text = read_template_file(path)?;
/// let t = Template::parse(&path.display().to_string(), &text)?;
/// # Ok::<(), ferroform::model::parse::ParseError>(())
/// ```
pub fn read_template_file(path: &std::path::Path) -> Result<String, ParseError> {
    use std::io::Read;
    let name = path.display().to_string();
    let fail = |line: Option<usize>, column: Option<usize>, message: String| ParseError {
        source: name.clone(),
        line,
        column,
        message,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TEMPLATE_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(None, None, format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_TEMPLATE_FILE_BYTES {
        return Err(fail(
            None,
            None,
            format!(
                "cannot read the file: larger than {} MiB ({MAX_TEMPLATE_FILE_BYTES} bytes), \
                 the most ferroform reads as a template; CloudFormation accepts at most \
                 51,200 bytes in a request and 1 MB from S3, so this is not a template",
                MAX_TEMPLATE_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
        let (line, column) = super::yaml_read::line_col(valid, good);
        fail(
            Some(line),
            Some(column),
            format!(
                "not UTF-8 text (byte 0x{:02X} at line {line}, column {column}); \
                 CloudFormation templates are UTF-8",
                bytes[good]
            ),
        )
    })
}

fn parse_json(source: &str, text: &str) -> Result<Json, ParseError> {
    let value: Json = serde_json::from_str(text).map_err(|e| {
        let shown = e.to_string();
        let message = if shown.starts_with("recursion limit exceeded") {
            format!("invalid JSON: {}", super::yaml_read::nesting_message())
        } else {
            format!("invalid JSON: {e}")
        };
        ParseError {
            source: source.to_owned(),
            line: Some(e.line()),
            column: Some(e.column()),
            message,
        }
    })?;
    if let Some((key, line, column, first)) = json_duplicate(text) {
        return Err(ParseError {
            source: source.to_owned(),
            line: Some(line),
            column: Some(column),
            message: format!(
                "invalid JSON: duplicate key `{}` at line {line} (first at line {first}); a \
                 key may appear once in an object (RFC 8259 §4: names should be unique)",
                key.escape_debug()
            ),
        });
    }
    Ok(value)
}

/// The first duplicate key in valid JSON `text`: (key, line, column, line of the first).
/// One pass; memory for the keys of the open objects only.
fn json_duplicate(text: &str) -> Option<(String, usize, usize, usize)> {
    use std::collections::HashMap;
    let bytes = text.as_bytes();
    // One entry per open container: Some(keys -> line) for objects.
    let mut stack: Vec<Option<HashMap<String, usize>>> = Vec::new();
    let mut expect_key = false;
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' => {
                stack.push(Some(HashMap::new()));
                expect_key = true;
            }
            b'[' => {
                stack.push(None);
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => expect_key = matches!(stack.last(), Some(Some(_))),
            b'"' => {
                let start = i;
                i += 1;
                let mut escaped = false;
                while i < bytes.len() && bytes[i] != b'"' {
                    escaped |= bytes[i] == b'\\';
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    expect_key = false;
                    let raw = &text[start..=i.min(bytes.len() - 1)];
                    let key = if escaped {
                        serde_json::from_str::<String>(raw).ok()?
                    } else {
                        raw[1..raw.len() - 1].to_owned()
                    };
                    if let Some(Some(keys)) = stack.last_mut() {
                        if let Some(&first) = keys.get(&key) {
                            let (_, column) = super::yaml_read::line_col(text, start);
                            return Some((key, line, column, first));
                        }
                        keys.insert(key, line);
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_tags_become_long_forms() {
        let t = Template::parse(
            "t.yaml",
            "Resources:\n  A:\n    Type: X\n    Properties:\n      P: !GetAtt B.Arn\n      Q: !Ref B\n      R: !If [C, !Sub 'x-${B}', !Ref AWS::NoValue]\n      S: !Select [0, !GetAZs '']\n      T: !Equals [!Ref P, prod]\n",
        )
        .unwrap();
        let p = &t.body()["Resources"]["A"]["Properties"];
        assert_eq!(p["P"], json!({"Fn::GetAtt": ["B", "Arn"]}));
        assert_eq!(p["Q"], json!({"Ref": "B"}));
        assert_eq!(
            p["R"],
            json!({"Fn::If": ["C", {"Fn::Sub": "x-${B}"}, {"Ref": "AWS::NoValue"}]})
        );
        assert_eq!(p["S"], json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
        assert_eq!(p["T"], json!({"Fn::Equals": [{"Ref": "P"}, "prod"]}));
    }

    #[test]
    fn nested_get_att_keeps_the_dotted_attribute() {
        let t = Template::parse("t.yaml", "A: !GetAtt Db.Endpoint.Address\n").unwrap();
        assert_eq!(
            t.body()["A"],
            json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})
        );
    }

    #[test]
    fn errors_carry_a_location_and_never_panic() {
        let e = Template::parse("bad.json", "{\"a\": }").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = Template::parse("bad.yaml", "a: [1, 2\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML"), "{e}");
        let e = Template::parse("bad.yaml", "A:\n  B: !!binary x\n").unwrap_err();
        assert!(e.message.contains("!!binary"), "{e}");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(Template::parse("list.yaml", "- a\n").is_err());
    }

    #[test]
    fn duplicate_keys_name_the_key_and_both_lines_at_any_depth() {
        let json = "{\n \"Resources\": {\n  \"Bucket\": {\"Type\": \"A\"},\n  \"Other\": {\"Type\": \"B\",\n   \"Type\": \"C\"},\n  \"Bucket\": {}\n }\n}";
        let e = Template::parse("d.json", json).unwrap_err();
        assert_eq!((e.line, e.column), (Some(5), Some(4)), "{e}");
        assert!(
            e.message
                .contains("duplicate key `Type` at line 5 (first at line 4)"),
            "{e}"
        );
        let e = Template::parse("d.json", "{\"a\\u0042\": 1, \"aB\": 2}").unwrap_err();
        assert!(e.message.contains("duplicate key `aB`"), "{e}");
        // different keys, and equal keys in different objects, are fine
        Template::parse(
            "ok.json",
            "{\"a\": {\"k\": 1}, \"b\": {\"k\": [{\"k\": 1}, {\"k\": 2}]}}",
        )
        .unwrap();

        let yaml = "Resources:\n  Bucket:\n    Type: A\n  Other:\n    Properties:\n      X: [{k: 1, k: 2}]\n";
        let e = Template::parse("d.yaml", yaml).unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert!(
            e.message
                .contains("duplicate key `k` at line 6 (first at line 6)"),
            "{e}"
        );
        let yaml = "Resources:\n  Bucket:\n    Type: A\n  Bucket:\n    Type: B\n";
        let e = Template::parse("d.yaml", yaml).unwrap_err();
        assert!(
            e.message
                .contains("duplicate key `Bucket` at line 4 (first at line 2)"),
            "{e}"
        );
        // keys equal once resolved (YAML 1.1: `yes` and `true` are both true)
        let e = Template::parse("d.yaml", "A:\n  yes: 1\n  true: 2\n").unwrap_err();
        assert!(
            e.message
                .contains("duplicate key `true` at line 3 (first at line 2)"),
            "{e}"
        );
    }

    #[test]
    fn any_short_form_tag_reads_as_its_long_form() {
        let t = Template::parse(
            "t.yaml",
            "A: !GetStackOutput {StackName: s}\nB: !Contains [[a], a]\nC: !EachMemberEquals [x, y]\nD: !RefAll AWS::EC2::VPC::Id\nE: !ValueOf [P, Attr]\nF: !Condition C\nG: !Base64 123\n",
        )
        .unwrap();
        let b = t.body();
        assert_eq!(b["A"], json!({"Fn::GetStackOutput": {"StackName": "s"}}));
        assert_eq!(b["B"], json!({"Fn::Contains": [["a"], "a"]}));
        assert_eq!(b["C"], json!({"Fn::EachMemberEquals": ["x", "y"]}));
        assert_eq!(b["D"], json!({"Fn::RefAll": "AWS::EC2::VPC::Id"}));
        assert_eq!(b["E"], json!({"Fn::ValueOf": ["P", "Attr"]}));
        assert_eq!(b["F"], json!({"Condition": "C"}));
        // a tagged scalar is the text as written (cfn-lint: construct_scalar)
        assert_eq!(b["G"], json!({"Fn::Base64": "123"}));
    }

    #[test]
    fn the_non_specific_tag_on_a_key_is_the_plain_key() {
        // as in cfn-lint's templates/good/no_value.yaml
        let t = Template::parse("t.yaml", "A:\n  ! \"Ref\": AWS::NoValue\n").unwrap();
        assert_eq!(t.body()["A"], json!({"Ref": "AWS::NoValue"}));
        let e = Template::parse("t.yaml", "A:\n  !Ref x: 1\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(
            e.message.contains("mapping key must be a plain scalar"),
            "{e}"
        );
        let e = Template::parse("t.yaml", "A:\n  [a]: 1\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
    }

    #[test]
    fn yaml_1_1_scalars_read_as_cloudformation_reads_them() {
        let t = Template::parse(
            "t.yaml",
            "A: yes\nB: no\nC: On\nD: 0755\nE: 1_000\nF: 1:20\nG: \"yes\"\nH: '0755'\nI: y\nJ: 1e3\nK: 2024-01-01\nL: 1.5\nM: ~\n",
        )
        .unwrap();
        let b = t.body();
        let got: Vec<&Json> = [
            "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
        ]
        .iter()
        .map(|k| &b[*k])
        .collect();
        assert_eq!(
            got,
            [
                &json!(true),
                &json!(false),
                &json!(true),
                &json!(493),
                &json!(1000),
                &json!(80),
                &json!("yes"),
                &json!("0755"),
                &json!("y"),
                &json!("1e3"),
                &json!("2024-01-01"),
                &json!(1.5),
                &Json::Null
            ]
        );
        let e = Template::parse("t.yaml", "A:\n  B: .inf\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("`.inf`"), "{e}");
    }

    #[test]
    fn aliases_are_reported_and_bounded() {
        let p = Template::parse_full(
            "t.yaml",
            "Base: &base {a: 1}\nX:\n  <<: *base\n  b: 2\nY: [*base, *base]\n",
        )
        .unwrap();
        assert_eq!(p.template.body()["X"], json!({"a": 1, "b": 2}));
        assert_eq!(p.template.body()["Y"], json!([{"a": 1}, {"a": 1}]));
        let uses: Vec<(usize, usize, &str)> = p
            .aliases
            .iter()
            .map(|a| (a.line, a.column, a.anchor.as_str()))
            .collect();
        assert_eq!(uses, [(3, 7, "base"), (5, 5, "base"), (5, 12, "base")]);

        // 1,000 items aliased 10,000 times: refused early, with the line
        let mut bomb = format!("A: &a [{}]\nB: [", vec!["x"; 1000].join(", "));
        bomb.push_str(&vec!["*a"; 10_000].join(", "));
        bomb.push_str("]\n");
        let e = Template::parse("bomb.yaml", &bomb).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("aliases copy more than"), "{e}");

        let e = Template::parse("r.yaml", "A: &a [1, *a]\n").unwrap_err();
        assert!(e.message.contains("recursive alias"), "{e}");
    }

    #[test]
    fn nesting_is_limited_the_same_in_json_and_yaml() {
        let deep = |n: usize| format!("{{\"a\": {}{}}}", "[".repeat(n), "]".repeat(n));
        let yaml = |n: usize| format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
        // the top mapping is one level
        assert!(Template::parse("ok.json", &deep(MAX_NESTING - 1)).is_ok());
        assert!(Template::parse("ok.yaml", &yaml(MAX_NESTING - 1)).is_ok());
        for (name, text) in [("d.json", deep(MAX_NESTING)), ("d.yaml", yaml(MAX_NESTING))] {
            let e = Template::parse(name, &text).unwrap_err();
            assert_eq!(e.line, Some(1), "{e}");
            assert!(e.message.contains("nesting deeper than 127 levels"), "{e}");
        }
        let block: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let e = Template::parse("b.yaml", &block).unwrap_err();
        assert_eq!(e.line, Some(MAX_NESTING + 1), "{e}");
        assert!(e.message.contains("nesting deeper"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_control_characters_are_refused() {
        let t = Template::parse("b.json", "\u{feff}{\"A\": 1}").unwrap();
        assert_eq!(t.body()["A"], json!(1));
        let t = Template::parse("b.yaml", "\u{feff}A: 1\n").unwrap();
        assert_eq!(t.body()["A"], json!(1));
        let e = Template::parse("c.yaml", "A: 1\nB: a\u{1}b\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(5)), "{e}");
        assert!(e.message.contains("U+0001"), "{e}");
    }
}

/// Why [`read_template`] could not read a template file.
#[derive(Debug)]
pub enum TemplateRead {
    /// The file cannot be read (missing, too large, not UTF-8...).
    Unreadable(ParseError),
    /// The file is not a template (malformed JSON or YAML, duplicate keys...).
    Invalid(ParseError),
}

/// Read the template file at `path` as it is (the one reader of template files: a stack's
/// template, `app::runner::read_stack_template`, and the two sides of `ferroform diff`), named after the
/// file, with the file as its origin ([`Template::with_origin`]: local nested templates are
/// read beside it).
pub fn read_template(path: &Path) -> Result<Template, TemplateRead> {
    let text = read_template_file(path).map_err(TemplateRead::Unreadable)?;
    Template::parse(&path.display().to_string(), &text)
        .map(|t| t.with_origin(path))
        .map_err(TemplateRead::Invalid)
}
