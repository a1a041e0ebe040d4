//! `ferroform import`: CloudFormation templates in, a typed Rust program out, one that
//! synthesizes back to the same templates.
//!
//! Each template becomes a function building its [`crate::Stack`]: one `let` per resource,
//! named after its logical ID, built with the generated typed resources where the template's
//! values fit them, with references through handles, parameters, conditions and mappings
//! as typed calls. What the typed model cannot express is carried through the explicit
//! escape hatches (`add_raw`, `override_property`, plain JSON), each with a comment saying
//! why, and listed in [`Program::escapes`]. Nothing is dropped or changed: [`compare`] is
//! the definition of "the same template", used by the generated project's own test and by
//! ferroform's round-trip tests.
//!
//! ```
//! use ferroform::import::{Source, import};
//! use ferroform::Template;
//! let t = Template::parse("web.yaml", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30\n").unwrap();
//! let program = import(&[Source::new("Web", "web.yaml", t)]).unwrap();
//! assert!(program.main_rs.contains("logs::LogGroup::new().retention_in_days(30)"));
//! ```

mod cross;
mod rust;
mod table;
mod write;

use std::fmt::Write as _;

use crate::app::App;
use crate::model::diag::{Diagnostic, Severity};
use crate::model::json::JsonMap;
use crate::model::render::Json;
use crate::model::template::Template;

/// One template to import and the stack it becomes.
#[derive(Debug)]
pub struct Source {
    /// The stack name (`Web`).
    pub stack: String,
    /// Where the template came from (a path, or `stack web in eu-west-1`), for comments.
    pub origin: String,
    /// The template.
    pub template: Template,
    /// The parameters' values in the deployed stack, noted in comments (`None`: a NoEcho
    /// parameter, whose value is never written).
    pub deployed_values: Vec<(String, Option<String>)>,
}

impl Source {
    /// A template to import as the stack `stack`.
    pub fn new(stack: impl Into<String>, origin: impl Into<String>, template: Template) -> Self {
        Source {
            stack: stack.into(),
            origin: origin.into(),
            template,
            deployed_values: Vec::new(),
        }
    }

    /// Note the deployed stack's parameter values (`(name, value)`, as CloudFormation
    /// returns them) in the program's comments; the values of the template's NoEcho
    /// parameters are never written.
    #[must_use]
    pub fn with_deployed_values(mut self, values: &[(String, String)]) -> Self {
        let no_echo = |name: &str| {
            self.template
                .body()
                .pointer(&format!(
                    "/Parameters/{}/NoEcho",
                    name.replace('~', "~0").replace('/', "~1")
                ))
                .is_some_and(|v| v == true || v == "true" || v == "True")
        };
        self.deployed_values = values
            .iter()
            .map(|(k, v)| (k.clone(), (!no_echo(k) && v != "****").then(|| v.clone())))
            .collect();
        self
    }
}

/// The program written by [`import`].
#[derive(Debug)]
pub struct Program {
    /// `src/main.rs`: one function per stack, `app()`, `main()`, and the round-trip test
    /// (which reads the templates from `imported/`, see [`Program::files`]).
    pub main_rs: String,
    /// Every value written through an escape hatch, with why
    /// (`Resources.Fn.Properties.Code: ...`).
    pub escapes: Vec<String>,
    /// The imported templates' file names in `imported/`, by stack.
    pub files: Vec<(String, String)>,
}

/// Why a template cannot be imported.
#[derive(Debug)]
pub enum ImportError {
    /// The template is not valid CloudFormation: the validator's diagnostics.
    Invalid(Vec<Diagnostic>),
    /// The template holds something the program cannot be written for, by stack.
    Unsupported(Vec<String>),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Invalid(d) => {
                for x in d.iter().filter(|x| x.severity == Severity::Error) {
                    writeln!(f, "{x}")?;
                }
                Ok(())
            }
            ImportError::Unsupported(p) => {
                for x in p {
                    writeln!(f, "{x}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}

/// Names the program uses itself; a logical ID never takes them.
const RESERVED: &[&str] = &[
    "stack",
    "app",
    "main",
    "fns",
    "pseudo",
    "serde_json",
    "ferroform",
    "tests",
    "std",
];

/// Write the program for `sources` (validated first: a template with errors is refused with
/// the validator's diagnostics).
pub fn import(sources: &[Source]) -> Result<Program, ImportError> {
    let mut invalid = Vec::new();
    for s in sources {
        let report = crate::validate::validate(&s.template);
        invalid.extend(
            report
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error),
        );
    }
    if !invalid.is_empty() {
        return Err(ImportError::Invalid(invalid));
    }
    import_unvalidated(sources)
}

/// [`import`] without the validation: the writer alone, on any template (the robustness
/// tests run it on generated ones; a program written for an invalid template does not
/// synthesize).
#[doc(hidden)]
pub fn import_unvalidated(sources: &[Source]) -> Result<Program, ImportError> {
    let bodies = bodies(sources)?;
    let links = cross::Links::of(sources, &bodies);
    let mut fn_names = reserved_names();
    let fns: Vec<String> = sources.iter().map(|s| fn_names.claim(&s.stack)).collect();
    let mut out = write_stacks(sources, &bodies, &links, &fns);
    if !out.problems.is_empty() {
        return Err(ImportError::Unsupported(out.problems));
    }
    let given = handles_given(&out.stacks, &fns);
    unbind_unread_exports(&mut out.stacks, &links, &given);
    let (functions, app_body) = stack_functions(sources, &fns, &out.stacks, &given, &links);
    let main_rs = main_rs(&functions, &app_body, &out);
    Ok(Program {
        main_rs,
        escapes: out.escapes,
        files: out.files,
    })
}

/// Each template's body, which must be a mapping.
fn bodies(sources: &[Source]) -> Result<Vec<&JsonMap>, ImportError> {
    let mut problems = Vec::new();
    let mut bodies = Vec::with_capacity(sources.len());
    for s in sources {
        match s.template.body() {
            Json::Object(body) => bodies.push(body),
            _ => problems.push(format!("{}: the template is not an object", s.stack)),
        }
    }
    if problems.is_empty() {
        Ok(bodies)
    } else {
        Err(ImportError::Unsupported(problems))
    }
}

/// Names no variable or function of the program takes: [`RESERVED`].
fn reserved_names() -> rust::Names {
    let mut names = rust::Names::default();
    for r in RESERVED {
        names.reserve(r);
    }
    names
}

/// Every stack's statements, as [`write_stacks`] writes them.
struct Written<'t> {
    /// Each stack's writer and statements, in deploy order (a stack after those it imports
    /// from): `(index in the sources, writer, statements)`.
    stacks: Vec<(usize, write::StackWriter<'t>, String)>,
    /// The namespaces of the generated resources used.
    namespaces: std::collections::BTreeSet<String>,
    /// The macro recursion the largest `json!` literal needs.
    json_recursion: usize,
    /// Every value written through an escape hatch, by stack.
    escapes: Vec<String>,
    /// The imported templates' file names, by stack.
    files: Vec<(String, String)>,
    /// What could not be written, by stack.
    problems: Vec<String>,
}

/// Write each stack's statements, in deploy order, with the handles it gives to and takes
/// from the others (`fns`: each stack's function name).
fn write_stacks<'t>(
    sources: &[Source],
    bodies: &[&'t JsonMap],
    links: &cross::Links,
    fns: &[String],
) -> Written<'t> {
    let mut out = Written {
        stacks: Vec::new(),
        namespaces: Default::default(),
        json_recursion: 0,
        escapes: Vec::new(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    for &i in &links.order {
        let s = &sources[i];
        let mut names = reserved_names();
        for ns in table_namespaces() {
            names.reserve(&ns);
        }
        let mut w = write::StackWriter::new(bodies[i]);
        w.deployed_values = s.deployed_values.iter().cloned().collect();
        for (name, h) in &links.handles {
            if h.producer == i && links.imported_elsewhere(name, i) {
                if h.named {
                    let var = names.claim(&h.output);
                    w.named_exports.insert(h.output.clone(), var);
                } else {
                    w.handle_exports.insert(h.output.clone());
                }
            } else if h.producer != i && links.imports[i].contains(name) {
                let producer = fns[h.producer].clone();
                names.reserve(&producer);
                w.imports.insert(
                    name.clone(),
                    write::Imported {
                        producer,
                        field: h.field.clone(),
                        decl: h.decl.clone(),
                        attr: h.attr.clone(),
                    },
                );
            }
        }
        match w.write(&mut names, "stack") {
            Ok(text) => {
                out.namespaces.extend(w.namespaces.iter().cloned());
                out.json_recursion = out.json_recursion.max(w.json_recursion);
                out.escapes
                    .extend(w.escapes.iter().map(|e| format!("{}: {e}", s.stack)));
                out.files.push((s.stack.clone(), imported_file_name(s)));
                out.stacks.push((i, w, text));
            }
            Err(e) => out
                .problems
                .extend(e.lines().map(|l| format!("{}: {l}", s.stack))),
        }
    }
    out
}

/// The handles each stack gives to others: the fields other stacks read, by stack.
fn handles_given(
    written: &[(usize, write::StackWriter, String)],
    fns: &[String],
) -> Vec<std::collections::BTreeSet<String>> {
    let mut given: Vec<std::collections::BTreeSet<String>> = vec![Default::default(); fns.len()];
    for (_, w, _) in written {
        for (producer, field) in &w.used_imports {
            if let Some(p) = fns.iter().position(|f| f == producer) {
                given[p].insert(field.clone());
            }
        }
    }
    given
}

/// A named export no stack reads through its handle (they read it as plain JSON) needs no
/// variable: the output stays, its binding goes.
fn unbind_unread_exports(
    written: &mut [(usize, write::StackWriter, String)],
    links: &cross::Links,
    given: &[std::collections::BTreeSet<String>],
) {
    for (i, w, text) in written {
        for (output, var) in &w.named_exports {
            let read = links
                .handles
                .values()
                .any(|h| h.producer == *i && &h.output == output && given[*i].contains(&h.field));
            if !read {
                let binding = format!("let {var} = ");
                *text = text
                    .lines()
                    .map(|l| l.strip_prefix(binding.as_str()).unwrap_or(l))
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n";
            }
        }
    }
}

/// One function per stack (with the struct of the handles it gives, if any), and the body
/// of `app()` that calls them in deploy order and adds their stacks.
fn stack_functions(
    sources: &[Source],
    fns: &[String],
    written: &[(usize, write::StackWriter, String)],
    given: &[std::collections::BTreeSet<String>],
    links: &cross::Links,
) -> (String, String) {
    let mut functions = String::new();
    let mut adds = String::new();
    let mut calls = String::new();
    for (i, w, text) in written {
        let s = &sources[*i];
        let f = &fns[*i];
        let mut params: Vec<String> = w
            .used_imports
            .iter()
            .map(|(p, _)| p.clone())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        params.retain(|p| p != f);
        let args: Vec<String> = params.iter().map(|p| format!("&{p}")).collect();
        let sig: Vec<String> = params
            .iter()
            .map(|p| {
                format!(
                    "{p}: &{}",
                    handles_struct(&sources[fns.iter().position(|x| x == p).unwrap_or(0)].stack)
                )
            })
            .collect();
        if given[*i].is_empty() {
            let _ = write!(
                functions,
                "\n/// The `{}` stack, imported from {}.\npub fn {f}({}) -> Stack {{\n    let mut stack = Stack::new({});\n{}    stack\n}}\n",
                rust::comment(&s.stack),
                rust::comment(&s.origin),
                sig.join(", "),
                rust::string(&s.stack),
                indent(text, 4)
            );
            let _ = writeln!(calls, "    let {f}_stack = {f}({});", args.join(", "));
        } else {
            let st = handles_struct(&s.stack);
            let fields =
                handles_struct_decl(&mut functions, &st, *i, w, &given[*i], links, &s.stack);
            let _ = write!(
                functions,
                "\n/// The `{}` stack, imported from {}, and the handles other stacks use.\npub fn {f}({}) -> (Stack, {st}) {{\n    let mut stack = Stack::new({});\n{}    (stack, {st} {{ {} }})\n}}\n",
                rust::comment(&s.stack),
                rust::comment(&s.origin),
                sig.join(", "),
                rust::string(&s.stack),
                indent(text, 4),
                fields.join(", ")
            );
            let _ = writeln!(
                calls,
                "    let ({f}_stack, {f}) = {f}({});",
                args.join(", ")
            );
        }
        let _ = writeln!(adds, "    app.add({f}_stack);");
    }
    (
        functions,
        format!("{calls}    let mut app = App::new();\n{adds}"),
    )
}

/// Declare `st`, the struct of the handles stack `i` gives to others (`given`), in
/// `functions`; the field initializers of its value (`field` or `field: var`).
fn handles_struct_decl(
    functions: &mut String,
    st: &str,
    i: usize,
    w: &write::StackWriter,
    given: &std::collections::BTreeSet<String>,
    links: &cross::Links,
    stack: &str,
) -> Vec<String> {
    let _ = write!(
        functions,
        "\n/// The handles of `{}` that other stacks use.\npub struct {st} {{\n",
        rust::comment(stack)
    );
    let mut fields = Vec::new();
    for field in given {
        let Some(h) = links
            .handles
            .values()
            .find(|h| h.producer == i && &h.field == field)
        else {
            continue;
        };
        let var = if h.named {
            w.named_exports
                .get(&h.output)
                .map_or(field.as_str(), String::as_str)
        } else {
            w.var_of(&h.target).unwrap_or(field)
        };
        let _ = write!(
            functions,
            "    /// `{}`.\n    pub {field}: {},\n",
            rust::comment(&h.target),
            write::handle_type(&h.decl)
        );
        fields.push(if var == field {
            field.clone()
        } else {
            format!("{field}: {var}")
        });
    }
    functions.push_str("}\n");
    fields
}

/// `src/main.rs`: the imports the code uses, the stacks' functions, `app()` (whose body is
/// `app_body`), `main()` and the round-trip test.
fn main_rs(functions: &str, app_body: &str, out: &Written) -> String {
    let mut main_rs = String::from(
        "//! Imported by `ferroform import`. `cargo run -- synth` writes the templates; `cargo test`\n//! checks that they are the imported ones.\n\n",
    );
    // `serde_json::json!` expands one token at a time; Rust's default limit of 128 is too
    // low for large literals.
    if out.json_recursion + 32 > 128 {
        let limit = (out.json_recursion + 32).next_power_of_two();
        let _ = writeln!(
            main_rs,
            "// The largest `json!` literal below needs this much macro recursion.\n#![recursion_limit = \"{limit}\"]\n"
        );
    }
    main_rs.push_str("use std::process::ExitCode;\n\n");
    if !out.namespaces.is_empty() {
        let list: Vec<&str> = out.namespaces.iter().map(String::as_str).collect();
        let _ = writeln!(
            main_rs,
            "use ferroform::resources::{};",
            if list.len() == 1 {
                list[0].to_owned()
            } else {
                format!("{{{}}}", list.join(", "))
            }
        );
    }
    let outside = code_outside_strings(functions);
    let mut items: Vec<&str> = vec!["App", "Stack"];
    for (item, marker) in [
        ("DeletionPolicy", "DeletionPolicy::"),
        ("Export", "Export<"),
        ("Handle", "Handle<"),
        ("Json", "Json"),
        ("List", "List<"),
        ("Map", "Map<"),
        ("Mapping", "Mapping::"),
        ("Param", "Param<"),
        ("Parameter", "Parameter::"),
        ("RawResource", "RawResource"),
        ("Tag", "Tag::"),
        ("UpdateReplacePolicy", "UpdateReplacePolicy::"),
        ("Value", "Value"),
        ("fns", "fns::"),
        ("pseudo", "pseudo::"),
    ] {
        if uses_item(&outside, marker) {
            items.push(item);
        }
    }
    let _ = writeln!(main_rs, "use ferroform::{{{}}};", items.join(", "));
    main_rs.push_str(functions);
    let _ = write!(
        main_rs,
        "\n/// The app: every imported stack, in deploy order.\npub fn app() -> App {{\n{app_body}    app\n}}\n\nfn main() -> ExitCode {{\n    app().run()\n}}\n"
    );
    let mut pairs = String::new();
    for (stack, file) in &out.files {
        let _ = writeln!(
            pairs,
            "            ({}, include_str!(\"../imported/{file}\")),",
            rust::string(stack)
        );
    }
    let _ = write!(
        main_rs,
        "\n#[cfg(test)]\nmod tests {{\n    /// The program synthesizes the imported templates.\n    #[test]\n    fn synthesizes_the_imported_templates() {{\n        ferroform::import::assert_round_trip(\n            &super::app(),\n            &[\n{pairs}            ],\n        );\n    }}\n}}\n"
    );
    main_rs
}

/// The generated code without its string literals (plain and raw) and comments, for
/// [`uses_item`]: what is left names the items the code uses.
fn code_outside_strings(code: &str) -> String {
    let mut outside = String::with_capacity(code.len());
    let mut raw = None;
    for l in code.lines() {
        raw = scan_line(l, raw, Some(&mut outside));
        outside.push('\n');
    }
    outside
}

/// Whether code (with its strings blanked, [`code_outside_strings`]) names `marker` as an
/// item of its own (not `x::marker`, not `othermarker`).
fn uses_item(outside: &str, marker: &str) -> bool {
    let bytes = outside.as_bytes();
    outside.match_indices(marker).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        !before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
    })
}

/// The struct of the handles a stack gives other stacks: `PlatformHandles`.
fn handles_struct(stack: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in stack.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    format!("{out}Handles")
}

fn table_namespaces() -> std::collections::BTreeSet<String> {
    table::get().values().map(|r| r.ns.clone()).collect()
}

/// `text` (Rust code) indented by `n` spaces, except the lines that continue a raw string
/// literal (`r#"..."#` over several lines): their text is the string's.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(text.len() + text.lines().count() * n);
    // `Some(hashes)` while inside a raw string.
    let mut raw: Option<usize> = None;
    for l in text.lines() {
        if !l.is_empty() && raw.is_none() {
            out.push_str(&pad);
        }
        out.push_str(l);
        out.push('\n');
        raw = scan_line(l, raw, None);
    }
    out
}

/// Whether a raw string is still open at the end of line `l` of generated code
/// (`Some(hashes)`), given whether one was open at its start; the code outside string
/// literals and `//` comments goes to `outside`. Plain strings never span lines here (they
/// are written escaped). The one reader of the generated code's strings, for [`indent`] and
/// [`code_outside_strings`].
fn scan_line(l: &str, mut raw: Option<usize>, mut outside: Option<&mut String>) -> Option<usize> {
    let b = l.as_bytes();
    let mut i = 0;
    let keep = |from: usize, to: usize, outside: &mut Option<&mut String>| {
        if let Some(o) = outside.as_deref_mut() {
            o.push_str(&l[from..to]);
        }
    };
    let mut code_from = 0;
    while i < b.len() {
        if let Some(h) = raw {
            if b[i] == b'"' && b[i + 1..].iter().take(h).filter(|&&c| c == b'#').count() == h {
                raw = None;
                i += 1 + h;
                code_from = i;
                continue;
            }
            i += 1;
            continue;
        }
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                keep(code_from, i, &mut outside);
                return None;
            }
            b'"' => {
                keep(code_from, i, &mut outside);
                // A plain string: to its closing quote.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                code_from = i;
            }
            b'r' if i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    keep(code_from, i, &mut outside);
                    raw = Some(hashes);
                    i += 2 + hashes;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    if raw.is_none() {
        keep(code_from, b.len(), &mut outside);
    }
    raw
}

/// The file name a template is kept under in `imported/`: the stack name with the
/// template's format.
fn imported_file_name(s: &Source) -> String {
    let yaml = !s.template.body_text().trim_start().starts_with('{');
    format!("{}.{}", s.stack, if yaml { "yaml" } else { "json" })
}

/// The differences between two template bodies, by path; empty when they are the same
/// template. The same means: the same sections, logical IDs, values, conditions and
/// attributes; key order does not count, numbers are compared by value (`1` is `1.0`, but
/// `"1"` is not `1`), and these forms count as the same because CloudFormation reads them
/// the same: `Fn::GetAtt: "A.B"` and `["A", "B"]`; `DependsOn: X` and `[X]`;
/// `Transform: X` and `[X]`; no
/// `AWSTemplateFormatVersion` and `"2010-09-09"` (its only value); no `Properties` and
/// `Properties: {}`.
pub fn compare(expected: &Json, actual: &Json) -> Vec<String> {
    let mut out = Vec::new();
    let (e, a) = (normalize(expected), normalize(actual));
    diff(&e, &a, &mut String::new(), &mut out);
    out
}

fn normalize(body: &Json) -> Json {
    let mut b = body.clone();
    if let Json::Object(root) = &mut b {
        root.entry("AWSTemplateFormatVersion")
            .or_insert_with(|| Json::String("2010-09-09".into()));
        if let Some(Json::String(t)) = root.get("Transform") {
            let t = Json::Array(vec![Json::String(t.clone())]);
            root.insert("Transform".into(), t);
        }
        if let Some(Json::Object(resources)) = root.get_mut("Resources") {
            for r in resources.values_mut() {
                let Json::Object(r) = r else { continue };
                if matches!(r.get("Properties"), Some(Json::Object(p)) if p.is_empty()) {
                    r.remove("Properties");
                }
                if let Some(Json::String(d)) = r.get("DependsOn") {
                    let d = Json::Array(vec![Json::String(d.clone())]);
                    r.insert("DependsOn".into(), d);
                }
            }
        }
    }
    getatt_long(&mut b);
    b
}

fn getatt_long(v: &mut Json) {
    match v {
        Json::Object(m) => {
            if m.len() == 1
                && let Some(Json::String(s)) = m.get("Fn::GetAtt")
                && let Some((a, b)) = s.split_once('.')
            {
                let long = Json::Array(vec![Json::String(a.into()), Json::String(b.into())]);
                m.insert("Fn::GetAtt".into(), long);
                return;
            }
            m.values_mut().for_each(getatt_long);
        }
        Json::Array(a) => a.iter_mut().for_each(getatt_long),
        _ => {}
    }
}

fn diff(e: &Json, a: &Json, path: &mut String, out: &mut Vec<String>) {
    let at = |p: &str| {
        if p.is_empty() {
            "the template".to_owned()
        } else {
            p.to_owned()
        }
    };
    match (e, a) {
        (Json::Object(em), Json::Object(am)) => {
            for (k, ev) in em {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match am.get(k) {
                    Some(av) => diff(ev, av, path, out),
                    None => out.push(format!("{}: missing (expected {})", at(path), short(ev))),
                }
                path.truncate(len);
            }
            for (k, av) in am {
                if !em.contains_key(k) {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    out.push(format!("{p}: not in the template (found {})", short(av)));
                }
            }
        }
        (Json::Array(ea), Json::Array(aa)) if ea.len() == aa.len() => {
            for (i, (x, y)) in ea.iter().zip(aa).enumerate() {
                let len = path.len();
                let _ = write!(path, "{}{i}", if path.is_empty() { "" } else { "." });
                diff(x, y, path, out);
                path.truncate(len);
            }
        }
        (Json::Number(x), Json::Number(y)) if x.as_f64() == y.as_f64() => {}
        (x, y) if x == y => {}
        (x, y) => out.push(format!(
            "{}: expected {}, found {}",
            at(path),
            short(x),
            short(y)
        )),
    }
}

fn short(v: &Json) -> String {
    let t = v.to_string();
    if t.chars().count() > 80 {
        format!("{}…", t.chars().take(80).collect::<String>())
    } else {
        t
    }
}

/// Assert that `app` synthesizes the given templates: `(stack name, template text)`, each
/// compared with [`compare`]. Panics listing every difference (the test the imported
/// project carries).
pub fn assert_round_trip(app: &App, expected: &[(&str, &str)]) {
    let templates = match app.synth() {
        Ok(t) => t,
        Err(e) => panic!("the program does not synthesize: {e}"),
    };
    let mut failures = Vec::new();
    for (stack, text) in expected {
        let want = match Template::parse(stack, text) {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!(
                    "{stack}: the imported template does not parse: {e}"
                ));
                continue;
            }
        };
        match templates.iter().find(|t| t.name() == *stack) {
            Some(got) => failures.extend(
                compare(want.body(), got.body())
                    .into_iter()
                    .map(|d| format!("{stack}: {d}")),
            ),
            None => failures.push(format!("{stack}: the app has no such stack")),
        }
    }
    assert!(
        failures.is_empty(),
        "the program does not synthesize the imported templates:\n{}",
        failures.join("\n")
    );
}

/// The files of a ready cargo project for `program`: `Cargo.toml` (depending on ferroform
/// `version`, or on the checkout at `ferroform_path`), `src/main.rs`, and the imported
/// templates in `imported/` (the test reads them). Paths are relative to the project.
pub fn project(
    name: &str,
    program: &Program,
    sources: &[Source],
    ferroform_path: Option<&str>,
) -> Vec<(String, String)> {
    let dep = match ferroform_path {
        Some(p) => format!("{{ path = {} }}", toml_string(p)),
        None => format!("\"{}\"", env!("CARGO_PKG_VERSION")),
    };
    let cargo = format!(
        "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nferroform = {dep}\nserde_json = \"1\"\n",
        toml_string(name)
    );
    let mut files = vec![
        ("Cargo.toml".to_owned(), cargo),
        ("src/main.rs".to_owned(), program.main_rs.clone()),
    ];
    for (stack, file) in &program.files {
        let Some(s) = sources.iter().find(|s| &s.stack == stack) else {
            continue;
        };
        files.push((
            format!("imported/{file}"),
            s.template.body_text().to_owned(),
        ));
    }
    files
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` formatted by `rustfmt` (edition 2024), when it is installed (it comes with
/// rustup's default profile); `Err` says why not.
pub fn format_rust(text: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no input")?;
    let input = text.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt: {e}"))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compare_counts_forms_as_the_same_and_values_as_values() {
        let a = json!({"Transform": "T", "Resources": {"A": {"Type": "X", "DependsOn": "B", "Properties": {},
            "Metadata": {"V": {"Fn::GetAtt": "B.Arn"}, "N": 1}}}});
        let b = json!({"AWSTemplateFormatVersion": "2010-09-09", "Transform": ["T"], "Resources": {"A": {"Type": "X",
            "DependsOn": ["B"], "Metadata": {"N": 1.0, "V": {"Fn::GetAtt": ["B", "Arn"]}}}}});
        assert_eq!(compare(&a, &b), Vec::<String>::new());
        let c = json!({"Resources": {"A": {"Type": "X", "Properties": {"Port": "8080"}}}});
        let d =
            json!({"Resources": {"A": {"Type": "X", "Properties": {"Port": 8080, "Extra": true}}}});
        assert_eq!(
            compare(&c, &d),
            vec![
                "Resources.A.Properties.Port: expected \"8080\", found 8080".to_owned(),
                "Resources.A.Properties.Extra: not in the template (found true)".to_owned(),
            ]
        );
    }

    #[test]
    fn a_read_only_property_is_kept_as_written_and_said_to_be_read_only() {
        let t = Template::parse(
            "t.yaml",
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Arn: x\n      Nope: y\n",
        )
        .unwrap();
        let p = import_unvalidated(&[Source::new("web", "t.yaml", t)]).unwrap();
        assert_eq!(
            p.escapes,
            [
                "web: Resources.B.Properties.Arn: read-only: AWS sets it (read it with `Fn::GetAtt`), a template cannot",
                "web: Resources.B.Properties.Nope: a property the pinned schema does not have",
            ],
        );
    }

    #[test]
    fn raw_strings_keep_their_lines_when_code_is_indented() {
        let code = "let a = x(r#\"one\ntwo \"q\" // not a comment\nthree\"#);\n// a \"quote\" in a comment\nlet b = \"s\\\"t\";\n";
        assert_eq!(
            indent(code, 4),
            "    let a = x(r#\"one\ntwo \"q\" // not a comment\nthree\"#);\n    // a \"quote\" in a comment\n    let b = \"s\\\"t\";\n"
        );
    }

    #[test]
    fn item_use_skips_string_literals() {
        let uses = |code: &str, marker: &str| uses_item(&code_outside_strings(code), marker);
        assert!(uses("x.tags(vec![Tag::new(\"a\", \"b\")])", "Tag::"));
        assert!(!uses("x.name(\"Tag::\")", "Tag::"));
        assert!(!uses("x.name(\"a\\\"Tag::\")", "Tag::"));
        assert!(!uses("ecs::task_definition::Tag::new()", "Tag::"));
        // Raw strings (no escapes in them, lines of their own) and comments name nothing.
        assert!(uses("x(r#\"C:\\\"#, Tag::new(\"a\", \"b\"))", "Tag::"));
        assert!(!uses("x(r#\"one\nTag::new\"#)", "Tag::"));
        assert!(!uses("// a `Tag::new` in a comment\nx()", "Tag::"));
    }
}
