//! Checks over a rendered template that the typed builders cannot guarantee: references
//! written inside plain JSON (`serde_json::json!` documents, raw resources) must name
//! something the stack has, and intrinsics that need the `AWS::LanguageExtensions` transform
//! must bring it, wherever they appear.

use super::fasthash::FastSet;

use super::diag::Diagnostic;
use super::json::{Json, JsonMap};
use crate::rules;

/// What a walk over the rendered template found.
pub(crate) struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub needs_language_extensions: bool,
}

/// The rendered sections of a template, by reference.
pub(crate) struct Sections<'a> {
    pub metadata: &'a JsonMap,
    pub parameters: &'a JsonMap,
    pub conditions: &'a JsonMap,
    pub resources: &'a JsonMap,
    pub outputs: &'a JsonMap,
}

/// Walk the rendered sections of stack `source`.
pub(crate) fn check(source: &str, sections: &Sections<'_>) -> Findings {
    let mut w = Walker {
        source,
        resources: FastSet::default(),
        refable: FastSet::default(),
        findings: Findings {
            diagnostics: Vec::new(),
            needs_language_extensions: false,
        },
    };
    w.resources
        .extend(sections.resources.keys().map(String::as_str));
    w.refable
        .extend(sections.resources.keys().map(String::as_str));
    w.refable
        .extend(sections.parameters.keys().map(String::as_str));
    let mut path: Vec<Seg<'_>> = Vec::with_capacity(16);
    for entries in [sections.resources, sections.outputs, sections.conditions] {
        for (id, body) in entries {
            path.push(Seg::Key(id));
            w.walk(body, id, &mut path, true);
            path.pop();
        }
    }
    // Metadata may carry intrinsics too (cfn-init), so it counts for the transform.
    for (key, body) in sections.metadata {
        path.extend([Seg::Key("Metadata"), Seg::Key(key)]);
        w.walk(body, "Metadata", &mut path, false);
        path.clear();
    }
    w.findings
}

/// A step of the path to a value; formatted only when something is reported.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn format_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

struct Walker<'a> {
    source: &'a str,
    resources: FastSet<&'a str>,
    refable: FastSet<&'a str>,
    findings: Findings,
}

impl Walker<'_> {
    fn dangling(&mut self, id: &str, path: &[Seg<'_>], message: String, hint: &str) {
        self.findings.diagnostics.push(Diagnostic {
            logical_id: Some(id.to_owned()),
            path: format_path(path),
            hint: Some(hint.to_owned()),
            ..Diagnostic::new(rules::DANGLING_REFERENCE, self.source, message)
        });
    }

    fn walk<'j>(&mut self, v: &'j Json, id: &str, path: &mut Vec<Seg<'j>>, check_refs: bool) {
        match v {
            Json::Object(m) => {
                if m.len() == 1 {
                    let (k, arg) = m.iter().next().expect("one entry");
                    match k.as_str() {
                        "Fn::Length" | "Fn::ToJsonString" | "Fn::ForEach" => {
                            self.findings.needs_language_extensions = true;
                        }
                        "Fn::FindInMap" if arg.as_array().is_some_and(|a| a.len() == 4) => {
                            self.findings.needs_language_extensions = true;
                        }
                        "Ref" if check_refs => {
                            if let Some(target) = arg.as_str()
                                && !target.starts_with("AWS::")
                                && !self.refable.contains(target)
                            {
                                self.dangling(
                                    id,
                                    path,
                                    format!("`Ref` names `{target}`, which is not a resource or parameter of this stack"),
                                    "reference resources through their handles; a handle of another stack cannot be used here",
                                );
                            }
                        }
                        "Fn::GetAtt" if check_refs => {
                            let target = match arg {
                                Json::Array(a) => a.first().and_then(Json::as_str),
                                Json::String(s) => s.split('.').next(),
                                _ => None,
                            };
                            if let Some(target) = target
                                && !self.resources.contains(target)
                            {
                                self.dangling(
                                    id,
                                    path,
                                    format!("`Fn::GetAtt` names `{target}`, which is not a resource of this stack"),
                                    "read attributes through the resource's handle (`handle.attr_...()`)",
                                );
                            }
                        }
                        _ => {}
                    }
                }
                for (k, child) in m {
                    path.push(Seg::Key(k));
                    self.walk(child, id, path, check_refs);
                    path.pop();
                }
            }
            Json::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.walk(child, id, path, check_refs);
                    path.pop();
                }
            }
            _ => {}
        }
    }
}
