//! References between the imported templates: which stack exports what another imports
//! (`Fn::ImportValue` of a literal name that another template's output exports), the order
//! the stacks deploy in, and which exports become cross-stack handles.
//!
//! An export becomes a handle when ferroform would write exactly that output for the handle
//! ([`ExportRef`]'s export name and output ID, the value a `Ref` or `Fn::GetAtt` of the
//! stack's own resource or parameter, the resource's condition): templates ferroform
//! synthesized import back into handles, and any other export keeps its `Fn::ImportValue`,
//! so the templates stay the same.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::{Map, Value as Json};

use super::Source;
use super::rust;
use super::write::{Decl, decl_of};
use crate::analysis::links;
use crate::model::export::{ExportRef, Shape};
use crate::model::id::StackId;

/// An export read through a handle.
#[derive(Debug)]
pub(crate) struct HandleExport {
    /// The producing source.
    pub producer: usize,
    /// The output that exports it.
    pub output: String,
    /// The resource or parameter.
    pub target: String,
    /// The attribute, or none (`Ref`).
    pub attr: Option<String>,
    /// What the target is.
    pub decl: Decl,
    /// The field of the producer's handles struct.
    pub field: String,
    /// An export under the template's own name (`Output::export_handle`), not the one
    /// ferroform gives a resource's handle: `target` is then the output.
    pub named: bool,
}

/// The links between the sources.
#[derive(Debug)]
pub(crate) struct Links {
    /// The sources in deploy order (a producer before the stacks that import from it; the
    /// given order otherwise).
    pub order: Vec<usize>,
    /// The literal export names each source imports.
    pub imports: Vec<BTreeSet<String>>,
    /// The exports that become handles, by export name.
    pub handles: BTreeMap<String, HandleExport>,
}

impl Links {
    pub(crate) fn of(sources: &[Source], bodies: &[&Map<String, Json>]) -> Links {
        let whole: Vec<&Json> = sources.iter().map(|s| s.template.body()).collect();
        let imports: Vec<BTreeSet<String>> =
            whole.iter().map(|b| links::literal_imports(b)).collect();
        let mut handles = BTreeMap::new();
        for (i, body) in bodies.iter().enumerate() {
            let outputs = body.get("Outputs").and_then(Json::as_object);
            for (id, o) in outputs.into_iter().flatten() {
                let Some(name) = o.pointer("/Export/Name").and_then(Json::as_str) else {
                    continue;
                };
                let h =
                    handle_export(&sources[i].stack, body, i, id, o, name).unwrap_or_else(|| {
                        HandleExport {
                            producer: i,
                            output: id.clone(),
                            target: id.clone(),
                            attr: None,
                            decl: Decl::Export,
                            field: rust::Names::default().claim(id),
                            named: true,
                        }
                    });
                handles.entry(name.to_owned()).or_insert(h);
            }
        }
        let n = bodies.len();
        let order = links::order(&links::dependencies(&whole));
        // A handle only where another source reads it, and only from a producer placed
        // before its readers.
        let position: Vec<usize> = {
            let mut p = vec![0; n];
            for (k, &i) in order.iter().enumerate() {
                p[i] = k;
            }
            p
        };
        handles.retain(|name, h: &mut HandleExport| {
            let readers: Vec<usize> = (0..n)
                .filter(|&j| j != h.producer && imports[j].contains(name))
                .collect();
            !readers.is_empty() && readers.iter().all(|&j| position[j] > position[h.producer])
        });
        Links {
            order,
            imports,
            handles,
        }
    }

    /// Whether a source other than `producer` imports `name`.
    pub(crate) fn imported_elsewhere(&self, name: &str, producer: usize) -> bool {
        self.imports
            .iter()
            .enumerate()
            .any(|(j, names)| j != producer && names.contains(name))
    }
}

/// The handle export of output `id`, when ferroform writes this very output for a handle of
/// stack `stack`.
fn handle_export(
    stack: &str,
    body: &Map<String, Json>,
    producer: usize,
    id: &str,
    o: &Json,
    name: &str,
) -> Option<HandleExport> {
    let o = o.as_object()?;
    let (target, attr) = match o.get("Value")?.as_object()? {
        m if m.len() != 1 => return None,
        m => match m.iter().next()? {
            (k, Json::String(t)) if k == "Ref" => (t.clone(), None),
            (k, Json::Array(a)) if k == "Fn::GetAtt" && a.len() == 2 => {
                (a[0].as_str()?.to_owned(), Some(a[1].as_str()?.to_owned()))
            }
            _ => return None,
        },
    };
    let decl = decl_of(body, &target)?;
    if attr.is_some() && matches!(decl, Decl::Param(_)) {
        return None;
    }
    let export = ExportRef {
        stack: StackId::fresh(),
        id: Rc::from(target.as_str()),
        attr: attr.clone().map(Cow::Owned),
        shape: Shape::Scalar,
        exported: true,
    };
    if export.export_name(stack) != name || export.output_id() != id {
        return None;
    }
    // The output ferroform writes: Value, Export and the resource's condition, nothing else.
    let condition = body
        .get("Resources")
        .and_then(|r| r.get(&target))
        .and_then(|r| r.get("Condition"));
    let keys_ok = o
        .keys()
        .all(|k| matches!(k.as_str(), "Value" | "Export" | "Condition"))
        && o.get("Export")
            .and_then(Json::as_object)
            .is_some_and(|e| e.len() == 1)
        && o.get("Condition") == condition;
    if !keys_ok {
        return None;
    }
    Some(HandleExport {
        producer,
        output: id.to_owned(),
        target: target.clone(),
        attr,
        decl,
        field: rust::Names::default().claim(&target),
        named: false,
    })
}
