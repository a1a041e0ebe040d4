//! Checks over plain JSON (`serde_json::json!` documents, raw resources, metadata and
//! policies given as JSON) that the typed builders cannot make: a reference written inside
//! it must name something the stack has, and an intrinsic that needs the
//! `AWS::LanguageExtensions` transform must bring it.
//!
//! Typed parts need neither check (a handle names its resource and its stack; the typed
//! functions that need the transform say so as they render), so only the plain JSON is
//! walked, once, as it is rendered ([`super::render::RenderCx::plain`]); the validator's
//! reference walk (`validate/refs.rs`) is the one walk over the whole template.

use super::json::Json;

/// The functions the `AWS::LanguageExtensions` transform defines (besides its `Fn::ForEach`
/// loops and `Fn::FindInMap`'s default value): without the transform CloudFormation does not
/// know them.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html>
pub(crate) const TRANSFORM_FUNCTIONS: [&str; 2] = ["Fn::Length", "Fn::ToJsonString"];

/// A `Ref` or `Fn::GetAtt` met in plain JSON, to be checked once the stack's logical IDs are
/// known.
#[derive(Debug)]
pub(crate) struct PlainRef {
    /// The logical ID it names.
    pub target: String,
    /// `Fn::GetAtt` (only a resource will do), not `Ref` (a parameter will too).
    pub get_att: bool,
    /// The part of the template it is in, and the path there (`Id.Properties.X[0]`).
    pub logical_id: Option<String>,
    pub path: String,
}

/// What a walk of one plain JSON value found: references (target, `Fn::GetAtt`, path below
/// the value) and whether it needs the transform.
#[derive(Default)]
pub(crate) struct Scan {
    pub refs: Vec<(String, bool, String)>,
    pub language_extensions: bool,
}

/// Walk `v`; references are collected only when `check_refs` (the template's `Metadata`
/// section may name anything).
pub(crate) fn scan(v: &Json, check_refs: bool, out: &mut Scan) {
    let mut path: Vec<Seg<'_>> = Vec::new();
    walk(v, check_refs, &mut path, out);
}

/// A step of the path to a value; formatted only when a reference is met.
#[derive(Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path below the value, each step with its separator (`.Key`, `[0]`), ready to be
/// appended to the path of the value itself.
pub(crate) fn format_path(path: &[Seg<'_>]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "[{i}]");
            }
        }
    }
    out
}

fn walk<'j>(v: &'j Json, check_refs: bool, path: &mut Vec<Seg<'j>>, out: &mut Scan) {
    match v {
        Json::Object(m) => {
            if m.len() == 1 {
                let (k, arg) = m.iter().next().expect("one entry");
                match k.as_str() {
                    f if f == "Fn::ForEach" || TRANSFORM_FUNCTIONS.contains(&f) => {
                        out.language_extensions = true;
                    }
                    "Fn::FindInMap" if arg.as_array().is_some_and(|a| a.len() == 4) => {
                        out.language_extensions = true;
                    }
                    "Ref" if check_refs => {
                        if let Some(target) = arg.as_str()
                            && !target.starts_with("AWS::")
                        {
                            out.refs.push((target.to_owned(), false, format_path(path)));
                        }
                    }
                    "Fn::GetAtt" if check_refs => {
                        let target = match arg {
                            Json::Array(a) => a.first().and_then(Json::as_str),
                            Json::String(s) => s.split('.').next(),
                            _ => None,
                        };
                        if let Some(target) = target {
                            out.refs.push((target.to_owned(), true, format_path(path)));
                        }
                    }
                    _ => {}
                }
            }
            for (k, child) in m {
                path.push(Seg::Key(k));
                walk(child, check_refs, path, out);
                path.pop();
            }
        }
        Json::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(child, check_refs, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
