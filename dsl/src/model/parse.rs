//! Reading existing CloudFormation templates (JSON or YAML, with YAML short-form tags) into
//! the same JSON tree ferroform renders.

use std::fmt;

use super::render::{Json, JsonMap};
use super::template::Template;

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

/// The YAML short-form tags and the intrinsic each stands for.
const TAGS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("Join", "Fn::Join"),
    ("Select", "Fn::Select"),
    ("Split", "Fn::Split"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("If", "Fn::If"),
    ("Equals", "Fn::Equals"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("Not", "Fn::Not"),
    ("Transform", "Fn::Transform"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Length", "Fn::Length"),
    ("ForEach", "Fn::ForEach"),
];

impl Template {
    /// Read a template from text: JSON when it starts with `{`, YAML otherwise. YAML
    /// short-form tags (`!Ref`, `!GetAtt A.B`, `!Sub`, `!If` ...) become the long forms.
    ///
    /// ```
    /// use ferroform::Template;
    /// let t = Template::parse("web.yaml", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Sub '${AWS::StackName}-logs'\n").unwrap();
    /// assert_eq!(t.body()["Resources"]["Logs"]["Properties"]["LogGroupName"]["Fn::Sub"], "${AWS::StackName}-logs");
    /// ```
    pub fn parse(source: &str, text: &str) -> Result<Template, ParseError> {
        let body = if text.trim_start().starts_with('{') {
            parse_json(source, text)?
        } else {
            parse_yaml(source, text)?
        };
        if !body.is_object() {
            return Err(ParseError {
                source: source.to_owned(),
                line: None,
                column: None,
                message: "a template must be a JSON object or YAML mapping".to_owned(),
            });
        }
        Ok(Template::new(source, body))
    }
}

fn parse_json(source: &str, text: &str) -> Result<Json, ParseError> {
    serde_json::from_str(text).map_err(|e| ParseError {
        source: source.to_owned(),
        line: Some(e.line()),
        column: Some(e.column()),
        message: format!("invalid JSON: {e}"),
    })
}

fn parse_yaml(source: &str, text: &str) -> Result<Json, ParseError> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let loc = e.location();
        ParseError {
            source: source.to_owned(),
            line: loc.as_ref().map(|l| l.line()),
            column: loc.as_ref().map(|l| l.column()),
            message: format!("invalid YAML: {e}"),
        }
    })?;
    convert(value).map_err(|message| ParseError {
        source: source.to_owned(),
        line: None,
        column: None,
        message,
    })
}

fn scalar_key(v: &serde_yaml::Value) -> Result<String, String> {
    match v {
        serde_yaml::Value::String(s) => Ok(s.clone()),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        serde_yaml::Value::Bool(b) => Ok(b.to_string()),
        serde_yaml::Value::Null => Ok("null".to_owned()),
        _ => Err("mapping keys must be plain scalars".to_owned()),
    }
}

fn convert(v: serde_yaml::Value) -> Result<Json, String> {
    Ok(match v {
        serde_yaml::Value::Null => Json::Null,
        serde_yaml::Value::Bool(b) => Json::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Json::Null, Json::Number)
            }
        }
        serde_yaml::Value::String(s) => Json::String(s),
        serde_yaml::Value::Sequence(items) => {
            Json::Array(items.into_iter().map(convert).collect::<Result<_, _>>()?)
        }
        serde_yaml::Value::Mapping(m) => {
            let mut out = JsonMap::with_capacity(m.len());
            for (k, v) in m {
                out.insert(scalar_key(&k)?, convert(v)?);
            }
            Json::Object(out)
        }
        serde_yaml::Value::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let Some((_, long)) = TAGS.iter().find(|(short, _)| *short == name) else {
                return Err(format!("unknown YAML tag `{tag}`"));
            };
            let inner = convert(t.value)?;
            let inner = match (*long, inner) {
                // `!GetAtt Res.Attr` is the string form of `[Res, Attr]`.
                ("Fn::GetAtt", Json::String(s)) => match s.split_once('.') {
                    Some((res, attr)) => {
                        Json::Array(vec![Json::String(res.into()), Json::String(attr.into())])
                    }
                    None => Json::String(s),
                },
                (_, other) => other,
            };
            let mut m = JsonMap::with_capacity(1);
            m.insert((*long).to_owned(), inner);
            Json::Object(m)
        }
    })
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
        let e = Template::parse("bad.yaml", "A: !Nope x\n").unwrap_err();
        assert!(e.message.contains("!Nope"), "{e}");
        assert!(Template::parse("list.yaml", "- a\n").is_err());
    }
}
