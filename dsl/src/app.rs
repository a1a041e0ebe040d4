//! `App`: the stacks of a user program, synthesized together.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::model::diag::{Diagnostic, Severity, SynthError, rules};
use crate::model::stack::Stack;
use crate::model::template::{Format, Template};

/// The name of the manifest `synth --out DIR` writes beside the templates.
pub const MANIFEST: &str = "ferroform.manifest.json";

/// The stacks of one program. `app.run()` (see [`crate::cli`]) gives the program its
/// command line: `synth`, `list`.
///
/// ```
/// use ferroform::{App, Stack};
/// let mut app = App::new();
/// app.add(Stack::new("Platform"));
/// app.add(Stack::new("Web"));
/// let templates = app.synth().unwrap();
/// assert_eq!(templates.len(), 2);
/// assert_eq!(templates[1].name(), "Web");
/// ```
#[derive(Debug, Default)]
pub struct App {
    stacks: Vec<Stack>,
}

impl App {
    /// An app with no stacks yet.
    pub fn new() -> Self {
        App::default()
    }

    /// Add a stack; stacks are synthesized (and later deployed) in the order added.
    pub fn add(&mut self, stack: Stack) -> &mut Self {
        self.stacks.push(stack);
        self
    }

    /// The stacks, in the order added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// Render every stack. Fails with every error of every stack when any is invalid.
    pub fn synth(&self) -> Result<Vec<Template>, SynthError> {
        let names: Vec<&str> = self.stacks.iter().map(Stack::name).collect();
        self.synth_only(&names)
    }

    /// Render the named stacks (all must exist).
    pub fn synth_only(&self, names: &[&str]) -> Result<Vec<Template>, SynthError> {
        self.synth_checked(names)
            .map(|(templates, _warnings)| templates)
    }

    /// Render and validate the named stacks (see [`crate::validate`]): fails with every
    /// diagnostic when any stack has an error; otherwise returns the templates and the
    /// warnings found (which only fail under `--strict`).
    pub fn synth_checked(
        &self,
        names: &[&str],
    ) -> Result<(Vec<Template>, Vec<Diagnostic>), SynthError> {
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut seen = BTreeSet::new();
        for s in &self.stacks {
            if !seen.insert(s.name()) {
                diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    rule: rules::DUPLICATE_STACK,
                    source: s.name().to_owned(),
                    logical_id: None,
                    path: String::new(),
                    message: format!("two stacks are named `{}`", s.name()),
                    hint: Some(
                        "stack names are CloudFormation stack names: make them unique".into(),
                    ),
                });
            }
        }
        let mut out = Vec::new();
        for s in self.stacks.iter().filter(|s| names.contains(&s.name())) {
            let (body, mut diags) = s.render();
            if !diags.iter().any(|d| d.severity == Severity::Error) {
                let t = Template::new(s.name(), body);
                diags.extend(crate::validate::validate(&t).diagnostics);
                out.push(t);
            }
            diagnostics.append(&mut diags);
        }
        diagnostics.sort_by_key(|d| d.severity);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(SynthError { diagnostics });
        }
        Ok((out, diagnostics))
    }
}

/// The file name of a stack's template in an output directory.
pub fn template_file_name(stack: &str, format: Format) -> String {
    format!("{stack}.template.{}", format.extension())
}

/// Write templates into `dir` (created if missing) with a manifest, and remove the templates
/// an earlier run wrote there for stacks that `existing` no longer holds.
/// Returns the paths written.
pub fn write_out_dir(
    dir: &Path,
    templates: &[Template],
    format: Format,
    existing: &[&str],
) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let manifest_path = dir.join(MANIFEST);
    let previous = read_manifest(&manifest_path);

    let mut written = Vec::new();
    let mut entries = serde_json::Map::new();
    for t in templates {
        let file = template_file_name(t.name(), format);
        let path = dir.join(&file);
        fs::write(&path, t.render(format))?;
        written.push(path);
        entries.insert(t.name().to_owned(), serde_json::json!({ "template": file }));
    }
    // Keep entries of stacks not synthesized this time but still in the app; remove the
    // files of stacks that are gone (or that were written in the other format).
    for (stack, file) in &previous {
        let new_file = entries
            .get(stack)
            .and_then(|e| e.get("template"))
            .and_then(|f| f.as_str())
            .map(str::to_owned);
        match new_file {
            Some(f) if &f == file => {}
            None if existing.contains(&stack.as_str()) => {
                entries.insert(stack.clone(), serde_json::json!({ "template": file }));
            }
            _ => {
                // Only plain file names that our own manifest listed as templates.
                let ours = !file.contains(['/', '\\'])
                    && (file.ends_with(".template.json") || file.ends_with(".template.yaml"));
                if ours {
                    let _ = fs::remove_file(dir.join(file));
                }
            }
        }
    }
    let manifest = serde_json::json!({ "version": 1, "stacks": entries });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    fs::write(&manifest_path, text)?;
    Ok(written)
}

fn read_manifest(path: &Path) -> Vec<(String, String)> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    let Some(stacks) = value.get("stacks").and_then(|s| s.as_object()) else {
        return Vec::new();
    };
    stacks
        .iter()
        .filter_map(|(name, entry)| {
            let file = entry.get("template")?.as_str()?;
            Some((name.clone(), file.to_owned()))
        })
        .collect()
}
