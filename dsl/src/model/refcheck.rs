//! Checks over a rendered template that the typed builders cannot guarantee: references
//! written inside plain JSON (`serde_json::json!` documents, raw resources) must name
//! something the stack has, and intrinsics that need the `AWS::LanguageExtensions` transform
//! must bring it, wherever they appear.

use std::collections::HashSet;

use super::diag::{Diagnostic, Severity, rules};
use super::render::{Json, JsonMap};

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
        resources: HashSet::new(),
        refable: HashSet::new(),
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
    for entries in [sections.resources, sections.outputs, sections.conditions] {
        for (id, body) in entries {
            let mut path = id.clone();
            w.walk(body, id, &mut path, true);
        }
    }
    // Metadata may carry intrinsics too (cfn-init), so it counts for the transform.
    for (key, body) in sections.metadata {
        let mut path = format!("Metadata.{key}");
        w.walk(body, "Metadata", &mut path, false);
    }
    w.findings
}

struct Walker<'a> {
    source: &'a str,
    resources: HashSet<&'a str>,
    refable: HashSet<&'a str>,
    findings: Findings,
}

impl Walker<'_> {
    fn dangling(&mut self, id: &str, path: &str, message: String, hint: &str) {
        self.findings.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            rule: rules::DANGLING_REFERENCE,
            source: self.source.to_owned(),
            logical_id: Some(id.to_owned()),
            path: path.to_owned(),
            message,
            hint: Some(hint.to_owned()),
        });
    }

    fn walk(&mut self, v: &Json, id: &str, path: &mut String, check_refs: bool) {
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
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    self.walk(child, id, path, check_refs);
                    path.truncate(len);
                }
            }
            Json::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.walk(child, id, path, check_refs);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
}
