//! `ferroform-codegen`: generates ferroform's typed resources (`dsl/src/resources/`) from
//! the CloudFormation resource provider schemas bundled in cfn-lint.
//!
//! ```text
//! ferroform-codegen --schemas <dir> --out dsl/src/resources [--check]
//!     [--types codegen/types.txt] [--cargo-toml dsl/Cargo.toml]
//!     [--cfn-lint-version X] [--region us-east-1] [--jobs N]
//!     [--constraints dsl/data/schemas.bin] [--expected codegen/expected-fallbacks.txt]
//!     [--api dsl/data/api.json]
//! ferroform-codegen --fixups
//! ```
//!
//! Modules: [`source`] reads the schema set and the types list, [`schema`] classifies schema
//! nodes, [`model`] builds one resource module's types, [`naming`] turns CloudFormation
//! names into Rust ones, [`docs`] writes doc comments, [`emit`] writes Rust, and [`output`]
//! formats, compares and writes files. [`constraints`] writes the validator's constraint data
//! for every type of the region (`--constraints`), [`api`] the table of the generated API
//! that `ferroform import` writes code against (`--api`). [`getatt`] derives what `Fn::GetAtt`
//! accepts, for both, and [`fixups`] holds every schema fix, each with its reason.
//! [`report`] counts what could not be typed or checked and compares it with the
//! expectation file (`--expected`).

mod api;
mod constraints;
mod docs;
mod emit;
mod fixups;
mod getatt;
mod model;
mod naming;
mod output;
/// The validator's schema patterns (translation from Python syntax, `regex`, `fancy-regex`),
/// compiled in from `dsl/src/validate/pattern.rs`: [`report`] counts the patterns the
/// validator cannot check with the validator's own code. The generator uses only `kind`.
#[allow(dead_code)]
#[path = "../../dsl/src/validate/pattern.rs"]
mod pattern;
mod report;
mod schema;
mod source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use emit::Provenance;
use model::{Body, Builder};
use report::Report;
use schema::Schema;
use source::SchemaSet;

const USAGE: &str = "usage: ferroform-codegen --schemas <dir> --out <dir> [--check] \
[--types <file>] [--cargo-toml <file>] [--cfn-lint-version <v>] [--region <r>] [--jobs <n>] \
[--constraints <file>] [--expected <file>] [--api <file>]\n       ferroform-codegen --fixups   (print the schema fixups and their reasons)";

struct Args {
    schemas: PathBuf,
    out: PathBuf,
    check: bool,
    types: PathBuf,
    cargo_toml: Option<PathBuf>,
    cfn_lint_version: Option<String>,
    region: String,
    jobs: usize,
    constraints: Option<PathBuf>,
    expected: Option<PathBuf>,
    api: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut schemas = None;
    let mut out = None;
    let mut check = false;
    let mut types = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("types.txt");
    let mut cargo_toml = None;
    let mut cfn_lint_version = None;
    let mut region = "us-east-1".to_owned();
    let mut constraints = None;
    let mut expected = None;
    let mut api = None;
    let mut jobs = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--schemas" => schemas = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--check" => check = true,
            "--types" => types = PathBuf::from(value()?),
            "--cargo-toml" => cargo_toml = Some(PathBuf::from(value()?)),
            "--cfn-lint-version" => cfn_lint_version = Some(value()?),
            "--region" => region = value()?,
            "--jobs" => jobs = value()?.parse().map_err(|e| format!("--jobs: {e}"))?,
            "--constraints" => constraints = Some(PathBuf::from(value()?)),
            "--expected" => expected = Some(PathBuf::from(value()?)),
            "--api" => api = Some(PathBuf::from(value()?)),
            "--fixups" => {
                print!("{}", fixups::describe());
                std::process::exit(0);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        schemas: schemas.ok_or("--schemas is required")?,
        out: out.ok_or("--out is required")?,
        check,
        types,
        cargo_toml,
        cfn_lint_version,
        region,
        jobs,
        constraints,
        expected,
        api,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The types of one namespace module.
struct Namespace {
    /// `AWS::ECS`
    service: String,
    types: Vec<TypeEntry>,
}

/// One resource type to generate.
struct TypeEntry {
    /// The module identifier (`task_definition`, `r#type`).
    ident: String,
    /// The file stem (`task_definition`).
    stem: String,
    /// The resource struct (`TaskDefinition`).
    struct_name: String,
    /// `AWS::ECS::TaskDefinition`
    type_name: String,
}

/// Counts reported after a run.
#[derive(Debug, Default)]
struct Stats {
    types: usize,
    structs: usize,
    enums: usize,
    tag_users: usize,
    /// Structs whose `new` takes the required properties by name (`<Type>Required`).
    required_structs: usize,
    lines: usize,
}

/// Generate; returns whether the tree is up to date (always true when writing).
fn run(args: &Args) -> Result<bool, String> {
    let started = Instant::now();
    let set = SchemaSet::open(&args.schemas, &args.region)?;
    let provenance = provenance(args, &set)?;
    let list_text = std::fs::read_to_string(&args.types)
        .map_err(|e| format!("{}: {e}", args.types.display()))?;
    let types = source::expand(&source::parse_list(&list_text), &set.types)
        .map_err(|e| format!("{}:\n{e}", args.types.display()))?;
    let namespaces = namespaces(&types)?;
    check_features(args, namespaces.keys())?;

    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut stats = Stats::default();
    let mut report = Report::default();
    let mut api_entries: Vec<api::Entry> = Vec::new();
    for (ns, namespace) in &namespaces {
        let list = namespace_modules(
            &set,
            ns,
            namespace,
            &provenance,
            (&mut files, &mut stats, &mut report, &mut api_entries),
        )?;
        files.insert(
            PathBuf::from(ns).join("mod.rs"),
            emit::namespace_module(&provenance, &namespace.service, &list),
        );
    }
    let ns_list: Vec<String> = namespaces.keys().cloned().collect();
    files.insert(
        PathBuf::from("mod.rs"),
        emit::root_module(&provenance, &ns_list),
    );
    let generated_at = started.elapsed();

    let files = output::format_all(files, args.jobs)?;
    stats.lines = files.values().map(|t| t.lines().count()).sum();
    let d = output::diff(&args.out, &files)?;
    eprintln!(
        "ferroform-codegen: {} types in {} namespaces: {} structs ({} take their required properties by name), {} enums, {} types use the shared Tag, {} lines in {} files (model {:.1?}, total {:.1?})",
        stats.types,
        namespaces.len(),
        stats.structs,
        stats.required_structs,
        stats.enums,
        stats.tag_users,
        stats.lines,
        files.len(),
        generated_at,
        started.elapsed()
    );
    let constraints_ok = match &args.constraints {
        Some(path) => write_constraints(
            path,
            &set,
            &types,
            &provenance,
            args.check,
            &mut report,
            args.jobs,
        )?,
        None => true,
    };
    let api_ok = match &args.api {
        Some(path) => write_data(path, api::file(api_entries).as_bytes(), args.check)?,
        None => true,
    };
    eprintln!("{}", report.summary());
    let report_ok = match &args.expected {
        Some(path) => compare_expected(path, &report, args.check)?,
        None => true,
    };
    if args.check {
        return Ok(report_check(
            args,
            &d,
            constraints_ok && api_ok && report_ok,
        ));
    }
    output::apply(&args.out, &files, &d)?;
    eprintln!(
        "wrote {} files ({} added, {} changed), removed {}",
        d.added.len() + d.changed.len(),
        d.added.len(),
        d.changed.len(),
        d.removed.len()
    );
    Ok(true)
}

/// Where the schemas come from: cfn-lint's version (given, or read next to the schemas), the
/// region and the schemas' date.
fn provenance(args: &Args, set: &SchemaSet) -> Result<Provenance, String> {
    let cfn_lint = match &args.cfn_lint_version {
        Some(v) => v.clone(),
        None => source::cfn_lint_version(&args.schemas).ok_or_else(|| {
            format!(
                "cannot find the cfn-lint version for {} (no cfn_lint-*.dist-info next to it); pass --cfn-lint-version",
                args.schemas.display()
            )
        })?,
    };
    Ok(Provenance {
        cfn_lint,
        region: args.region.clone(),
        schema_date: set.schema_date.clone(),
    })
}

/// The types by namespace module (`ecs`...), each with its file stem and struct name; two
/// services or two types that would share a module or file are refused.
fn namespaces(types: &[String]) -> Result<BTreeMap<String, Namespace>, String> {
    let mut namespaces: BTreeMap<String, Namespace> = BTreeMap::new();
    for t in types {
        let segs: Vec<&str> = t.split("::").collect();
        if segs.len() != 3 {
            return Err(format!("{t}: expected a type name of three segments"));
        }
        let ns = segs[1].to_ascii_lowercase();
        let service = format!("{}::{}", segs[0], segs[1]);
        let stem = naming::module_name(segs[2]);
        let entry = namespaces.entry(ns.clone()).or_insert_with(|| Namespace {
            service: service.clone(),
            types: Vec::new(),
        });
        if entry.service != service {
            return Err(format!(
                "{service} and {} would share the module `{ns}`",
                entry.service
            ));
        }
        if let Some(other) = entry.types.iter().find(|e| e.stem == stem) {
            return Err(format!(
                "{t} and {} would share the file {ns}/{stem}.rs",
                other.type_name
            ));
        }
        entry.types.push(TypeEntry {
            ident: naming::ident(&stem),
            stem,
            struct_name: naming::type_name(segs[2]),
            type_name: t.clone(),
        });
    }

    Ok(namespaces)
}

/// Generate the modules of namespace `ns` into `files`, counting in `stats`, `report` and
/// the API entries; the namespace module's entries.
fn namespace_modules(
    set: &SchemaSet,
    ns: &str,
    namespace: &Namespace,
    provenance: &Provenance,
    (files, stats, report, api_entries): (
        &mut BTreeMap<PathBuf, String>,
        &mut Stats,
        &mut Report,
        &mut Vec<api::Entry>,
    ),
) -> Result<Vec<emit::NamespaceEntry>, String> {
    let mut list: Vec<emit::NamespaceEntry> = Vec::new();
    for TypeEntry {
        ident,
        stem,
        struct_name,
        type_name: t,
        ..
    } in &namespace.types
    {
        let (file, json) = set.load(t)?;
        let schema = Schema::new(json);
        let module = Builder::new(&schema, t).build();
        debug_assert_eq!(&module.struct_name, struct_name);
        report.add_module(t, &module.lost);
        stats.types += 1;
        for nt in module.nested() {
            match nt.body {
                Body::Struct(_) => stats.structs += 1,
                Body::Enum(_) => stats.enums += 1,
            }
        }
        stats.structs += 1; // the resource struct
        if module.uses_tag() {
            stats.tag_users += 1;
        }
        api_entries.push(api::entry(&module, ns, ident));
        let src = emit::resource_module(&module, provenance, &file);
        files.insert(PathBuf::from(ns).join(format!("{stem}.rs")), src);
        let required_struct = match &module.resource().body {
            Body::Struct(s) => s.required_struct.clone(),
            Body::Enum(_) => None,
        };
        if required_struct.is_some() {
            stats.required_structs += 1;
        }
        stats.required_structs += module
            .nested()
            .iter()
            .filter(|t| matches!(&t.body, Body::Struct(s) if s.required_struct.is_some()))
            .count();
        list.push(emit::NamespaceEntry {
            module: ident.clone(),
            struct_name: struct_name.clone(),
            required_struct,
        });
    }
    // The namespace module re-exports the resource structs and their required structs.
    for e in &list {
        if let Some(r) = &e.required_struct
            && let Some(other) = list.iter().find(|o| &o.struct_name == r)
        {
            return Err(format!(
                "{ns}: the required-properties struct {r} of {} has the name of the resource struct in {}",
                e.struct_name, other.module
            ));
        }
    }
    Ok(list)
}

/// With `--check`: say what is out of date and return whether everything is up to date
/// (`data_ok`: the constraint data, the API table and the expected report are).
fn report_check(args: &Args, d: &output::Diff, data_ok: bool) -> bool {
    if d.is_empty() && data_ok {
        eprintln!("{} is up to date", args.out.display());
        return true;
    }
    if d.is_empty() {
        return false;
    }
    let show = |what: &str, paths: &[PathBuf]| {
        for p in paths {
            println!("{what} {}", args.out.join(p).display());
        }
    };
    show("would add", &d.added);
    show("would change", &d.changed);
    show("would remove", &d.removed);
    eprintln!(
        "{} is out of date: run codegen/regenerate.sh",
        args.out.display()
    );
    false
}

/// Emit the constraint data to `path` (or, with `check`, compare); returns whether the file
/// was up to date.
fn write_constraints(
    path: &Path,
    set: &SchemaSet,
    generated: &[String],
    provenance: &Provenance,
    check: bool,
    report: &mut Report,
    jobs: usize,
) -> Result<bool, String> {
    let c = constraints::emit(set, generated, provenance)?;
    report.add_patterns(&c.patterns, jobs);
    eprintln!(
        "ferroform-codegen: constraint data for {} types: {} bytes of JSON, {} bytes compressed",
        c.types,
        c.raw_bytes,
        c.bytes.len()
    );
    write_data(path, &c.bytes, check)
}

/// Write `bytes` to the data file `path` when it differs (or, with `check`, compare);
/// returns whether the file was up to date.
fn write_data(path: &Path, bytes: &[u8], check: bool) -> Result<bool, String> {
    let up_to_date = std::fs::read(path).ok().as_deref() == Some(bytes);
    if check {
        if !up_to_date {
            println!("would change {}", path.display());
            eprintln!(
                "{} is out of date: run codegen/regenerate.sh",
                path.display()
            );
        }
        return Ok(up_to_date);
    }
    if !up_to_date {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(true)
}

/// Compare the report with the expectation file at `path`; with `check`, list the lines
/// that came or went and return false when any did, else rewrite the file (listing them
/// too, for the person regenerating).
fn compare_expected(path: &Path, report: &Report, check: bool) -> Result<bool, String> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let changes = report::compare(&current, &report.lines());
    let text = report.file_text();
    if check {
        if changes.is_empty() {
            return Ok(true);
        }
        println!("would change {}:", path.display());
        print!("{}", changes.render());
        eprintln!(
            "{} is out of date: the generator types or checks more or less than expected; review the lines above, then run codegen/regenerate.sh",
            path.display()
        );
        return Ok(false);
    }
    if !changes.is_empty() {
        eprint!("{}:\n{}", path.display(), changes.render());
    }
    if current != text {
        std::fs::write(path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(true)
}

/// Every namespace needs the cargo feature of the same name in the crate's `Cargo.toml`.
fn check_features<'a>(
    args: &Args,
    namespaces: impl Iterator<Item = &'a String>,
) -> Result<(), String> {
    let cargo_toml = match &args.cargo_toml {
        Some(p) => p.clone(),
        None => args
            .out
            .parent()
            .and_then(Path::parent)
            .map(|p| p.join("Cargo.toml"))
            .ok_or("cannot locate Cargo.toml from --out; pass --cargo-toml")?,
    };
    let text = std::fs::read_to_string(&cargo_toml)
        .map_err(|e| format!("{}: {e}", cargo_toml.display()))?;
    let features = output::cargo_features(&text);
    let missing: Vec<&String> = namespaces
        .filter(|ns| !features.iter().any(|f| f == *ns))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = missing.iter().map(|ns| format!("{ns} = []")).collect();
    Err(format!(
        "{} has no cargo feature for the namespace(s) {}: add under [features]:\n{}",
        cargo_toml.display(),
        missing
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", "),
        lines.join("\n")
    ))
}
