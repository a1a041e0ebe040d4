//! `App`: the stacks of a user program, synthesized together.

pub mod project;
#[cfg(feature = "deploy")]
pub mod runner;

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::fsutil;
use crate::model::asset::{ImageAsset, ImageDestination};
use crate::model::diag::{Diagnostic, Severity, SynthError};
use crate::model::env::Env;
use crate::model::export::ExportRef;
use crate::model::render::{AppScope, Json};
use crate::model::stack::Stack;
use crate::model::stackset::StackSet;
use crate::model::template::{Format, Template};
use crate::rules;

/// The name of the manifest `synth --out DIR` writes beside the templates.
pub const MANIFEST: &str = "ferroform.manifest.json";

/// The stacks of one program. `app.run()` (see [`crate::cli`]) gives the program its
/// command line: `synth`, `list`.
///
/// # Cross-stack references
///
/// A stack may use the handles, attributes and parameters of another stack of the same app.
/// [`App::synth`] then adds to the producing stack an output that exports the value, and
/// writes `Fn::ImportValue` of it in the consuming stack (a list travels joined with commas
/// and comes back through `Fn::Split`). Names are stable: they depend only on the producing
/// stack's name, the logical ID and the attribute:
///
/// | reference                        | export name            | output logical ID  |
/// |----------------------------------|------------------------|--------------------|
/// | `repo.attr_arn()` in `Platform`  | `Platform:WebRepo:Arn` | `ExportWebRepoArn` |
/// | `vpc.to_ref()` in `Platform`     | `Platform:Vpc`         | `ExportVpcRef`     |
///
/// Templates come out in deploy order: every stack after the stacks it imports from (then
/// in the order added); stacks that import from each other in a cycle are an error
/// (`FF1010`). `DependsOn` across stacks stays an error (`FF1003`), and so does a stack
/// synthesized on its own ([`Stack::to_template`]) that uses another stack's handles.
///
/// **The "export in use" trap.** CloudFormation refuses to delete or change an export while
/// another stack imports it. If the consumer stops reading a value (or the producer's
/// resource is replaced, changing the value), the producer, deployed first, would drop or
/// change the export and fail with "Export ... cannot be deleted as it is in use by ...".
/// Keep the export alive for one deploy with [`Stack::export_value`], let the consumer move
/// off it, then remove the call and deploy again. References written inside an `Fn::Sub`
/// string (`"${Other.Arn}"`) are not seen: pass them as [`crate::fns::sub_with`] variables.
///
/// ```
/// use ferroform::{App, Stack};
/// use ferroform::resources::{ecr, logs};
/// let mut platform = Stack::new("Platform");
/// let repo = platform.add("WebRepo", ecr::Repository::new());
/// let mut service = Stack::new("Service");
/// service.output("Image", repo.attr_repository_uri());
/// service.add("Logs", logs::LogGroup::new());
/// let mut app = App::new();
/// app.add(service);
/// app.add(platform);
/// let t = app.synth().unwrap();
/// // Platform comes first: Service imports from it.
/// assert_eq!((t[0].name(), t[1].name()), ("Platform", "Service"));
/// let export = &t[0].body()["Outputs"]["ExportWebRepoRepositoryUri"];
/// assert_eq!(export["Export"]["Name"], "Platform:WebRepo:RepositoryUri");
/// assert_eq!(
///     t[1].body()["Outputs"]["Image"]["Value"],
///     serde_json::json!({"Fn::ImportValue": "Platform:WebRepo:RepositoryUri"})
/// );
/// ```
///
/// ```
/// use ferroform::{App, Stack};
/// use ferroform::resources::logs;
/// let mut app = App::new();
/// for name in ["Platform", "Web"] {
///     let mut stack = Stack::new(name);
///     stack.add("Logs", logs::LogGroup::new().retention_in_days(30));
///     app.add(stack);
/// }
/// let templates = app.synth().unwrap();
/// assert_eq!(templates.len(), 2);
/// assert_eq!(templates[1].name(), "Web");
/// ```
#[derive(Debug, Default)]
pub struct App {
    stacks: Vec<Stack>,
    /// For each stack, the stack set it is deployed as ([`App::add_stack_set`]).
    sets: Vec<Option<StackSet>>,
}

impl App {
    /// An app with no stacks yet.
    pub fn new() -> Self {
        App::default()
    }

    /// Add a stack; stacks are synthesized (and later deployed) in the order added.
    pub fn add(&mut self, stack: Stack) -> &mut Self {
        self.stacks.push(stack);
        self.sets.push(None);
        self
    }

    /// Add a stack deployed as a CloudFormation StackSet ([`StackSet`]): its template goes
    /// to every target account and region. It is ordered, synthesized and validated like
    /// the other stacks; its targets are checked at synth (`FF1011`), and it may not share
    /// handles with the other stacks (`FF1012`).
    pub fn add_stack_set(&mut self, stack: Stack, set: StackSet) -> &mut Self {
        self.stacks.push(stack);
        self.sets.push(Some(set));
        self
    }

    /// The stack set stack `name` is deployed as, if it is one.
    pub fn stack_set(&self, name: &str) -> Option<&StackSet> {
        self.stacks
            .iter()
            .position(|s| s.name() == name)
            .and_then(|i| self.sets[i].as_ref())
    }

    /// The stacks, in the order added.
    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    /// The images the app's stacks build from source
    /// ([`ContainerImage::from_directory`](crate::ecs::ContainerImage::from_directory),
    /// [`from_files`](crate::ecs::ContainerImage::from_files)), in the order the stacks were
    /// added, each with the name of the stack whose repository it goes to.
    pub fn images(&self) -> Vec<ImageAsset> {
        let mut out = Vec::new();
        for s in &self.stacks {
            for (asset, producer) in s.images() {
                let mut asset = asset.clone();
                if let (ImageDestination::Repository { stack, .. }, Some(p)) =
                    (&mut asset.destination, producer)
                    && let Some(owner) = self.stacks.iter().find(|o| o.id() == *p)
                {
                    owner.name().clone_into(stack);
                }
                out.push(asset);
            }
        }
        out
    }

    /// Render every stack, in deploy order (see [cross-stack references](App#cross-stack-references)).
    /// Fails with every error of every stack when any is invalid.
    pub fn synth(&self) -> Result<Vec<Template>, SynthError> {
        let names: Vec<&str> = self.stacks.iter().map(Stack::name).collect();
        self.synth_only(&names)
    }

    /// The stack names in deploy order: every stack after the stacks it imports from, then
    /// in the order added. Fails when stacks import from each other in a cycle.
    pub fn deploy_order(&self) -> Result<Vec<&str>, SynthError> {
        let rendered = self.render_all();
        let (order, cycle) = deploy_order(&rendered.deps);
        if let Some(d) = cycle {
            return Err(SynthError {
                diagnostics: vec![self.cycle_diagnostic(&d)],
            });
        }
        Ok(order.into_iter().map(|i| self.stacks[i].name()).collect())
    }

    /// Render every stack as part of the app: bodies, diagnostics, and for each stack the
    /// stacks it imports from; producers get the exports their consumers need.
    fn render_all(&self) -> Rendered {
        let scope =
            Rc::new(AppScope::new(self.stacks.iter().map(|s| {
                (s.id(), Rc::from(s.name()), s.environment().cloned())
            })));
        let mut bodies = Vec::with_capacity(self.stacks.len());
        let mut diagnostics = Vec::with_capacity(self.stacks.len());
        let mut imports: Vec<Vec<ExportRef>> = vec![Vec::new(); self.stacks.len()];
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.stacks.len()];
        let mut crossed = BTreeSet::new();
        for (consumer, s) in self.stacks.iter().enumerate() {
            let (body, mut diags, used) = s.render_in(Some(scope.clone()));
            if let Some(set) = &self.sets[consumer] {
                diags.extend(set.problems(s.name()));
                for (asset, _) in s.images() {
                    diags.push(Diagnostic {
                        hint: Some(
                            "use an image already in a registry every target account can pull from (a repository whose policy lets those accounts in, or a public image)".into(),
                        ),
                        ..Diagnostic::new(
                            rules::STACK_SET_IMAGE,
                            s.name(),
                            format!(
                                "stack set {} builds the image of `{}` from source: it would be published to the deploying account only, and the stack instances' accounts could not pull it",
                                s.name(),
                                asset.id
                            ),
                        )
                    });
                }
            }
            for e in used {
                // Stacks that share a name share no identity: the first one is the producer
                // (the duplicate name is reported anyway).
                if let Some(producer) = self.stacks.iter().position(|p| p.id() == e.stack) {
                    if self.sets[consumer].is_some() || self.sets[producer].is_some() {
                        if crossed.insert((consumer, producer)) {
                            diags.push(self.stack_set_reference(consumer, producer));
                        }
                        continue;
                    }
                    deps[consumer].insert(producer);
                    imports[producer].push(e);
                }
            }
            bodies.push(body);
            diagnostics.push(diags);
        }
        for (i, s) in self.stacks.iter().enumerate() {
            s.add_exports(&mut bodies[i], &imports[i], &mut diagnostics[i]);
        }
        // Exports named by the program (`Output::export_handle`, `Output::export`) and read
        // with `Fn::ImportValue` of the same name order the stacks too (a walk of every
        // template, only when there is another stack to import from).
        if bodies.len() > 1 {
            let refs: Vec<&crate::model::render::Json> = bodies.iter().collect();
            for (consumer, producers) in crate::analysis::links::dependencies(&refs)
                .into_iter()
                .enumerate()
            {
                deps[consumer].extend(producers);
            }
        }
        Rendered {
            bodies,
            diagnostics,
            deps,
        }
    }

    /// `FF1012`: a stack set and another stack of the app share a handle.
    fn stack_set_reference(&self, consumer: usize, producer: usize) -> Diagnostic {
        let (c, p) = (self.stacks[consumer].name(), self.stacks[producer].name());
        let (set, other) = if self.sets[consumer].is_some() {
            (c, p)
        } else {
            (p, c)
        };
        Diagnostic {
            hint: Some(format!(
                "the instances of stack set {set} live in other accounts and regions, where no export of {other} can be read (and {other} cannot read theirs): pass the value as a template parameter instead"
            )),
            ..Diagnostic::new(
                rules::STACK_SET_REFERENCE,
                c,
                format!("stack {c} uses a handle of stack {p}, and {set} is a stack set"),
            )
        }
    }

    fn cycle_diagnostic(&self, cycle: &[usize]) -> Diagnostic {
        let mut names: Vec<&str> = cycle.iter().map(|&i| self.stacks[i].name()).collect();
        if let Some(first) = names.first().copied() {
            names.push(first);
        }
        Diagnostic {
            hint: Some(
                "every stack is deployed after the stacks it imports from, so a cycle has no \
                 deploy order: move the shared resources into one stack (or a third stack both \
                 import from)"
                    .into(),
            ),
            ..Diagnostic::new(
                rules::STACK_CYCLE,
                names.first().copied().unwrap_or_default(),
                format!(
                    "stacks import from each other in a cycle: {} (each imports from the next)",
                    names.join(" -> ")
                ),
            )
        }
    }

    /// Render the named stacks (all must exist), in deploy order.
    ///
    /// Every stack of the app is rendered, so that a producer exports what its consumers
    /// import even when only the producer is asked for; only the named stacks' templates and
    /// problems are returned.
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
        self.synth_validated(names)
            .map(|(checked, warnings)| (checked.into_iter().map(|(t, _)| t).collect(), warnings))
    }

    /// [`App::synth_checked`], with the capabilities each template needs (found by the same
    /// validation pass, not a second walk).
    pub(crate) fn synth_validated(
        &self,
        names: &[&str],
    ) -> Result<(Vec<Validated>, Vec<Diagnostic>), SynthError> {
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut seen = BTreeSet::new();
        for s in &self.stacks {
            if !seen.insert(s.name()) {
                diagnostics.push(Diagnostic {
                    hint: Some(
                        "stack names are CloudFormation stack names: make them unique".into(),
                    ),
                    ..Diagnostic::new(
                        rules::DUPLICATE_STACK,
                        s.name(),
                        format!("two stacks are named `{}`", s.name()),
                    )
                });
            }
        }
        let Rendered {
            mut bodies,
            diagnostics: mut stack_diagnostics,
            deps,
        } = self.render_all();
        let (order, cycle) = deploy_order(&deps);
        if let Some(c) = cycle {
            diagnostics.push(self.cycle_diagnostic(&c));
        }
        let mut out = Vec::new();
        for i in order {
            let s = &self.stacks[i];
            if !names.contains(&s.name()) {
                continue;
            }
            // One round: the validator runs even when the model or a construct reported an
            // error, so that every problem shows at once; what it finds about a part that
            // already has an error is left out (the same mistake, said twice).
            let diags = &mut stack_diagnostics[i];
            let body = std::mem::take(&mut bodies[i]);
            let t = Template::new(s.name(), body)
                .with_env(s.environment().cloned())
                .with_stack_set(self.sets[i].clone());
            let failed: BTreeSet<String> = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .filter_map(|d| d.logical_id.clone())
                .collect();
            let report = crate::validate::validate(&t);
            diags.extend(
                report
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.logical_id.as_ref().is_none_or(|id| !failed.contains(id))),
            );
            out.push((t, report.capabilities));
            diagnostics.append(diags);
        }
        diagnostics.sort_by_key(|d| d.severity);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(SynthError { diagnostics });
        }
        Ok((out, diagnostics))
    }
}

/// A template and the capabilities its validation found it needs.
pub(crate) type Validated = (Template, Vec<crate::validate::Capability>);

struct Rendered {
    bodies: Vec<Json>,
    diagnostics: Vec<Vec<Diagnostic>>,
    /// For each stack, the stacks it imports from.
    deps: Vec<BTreeSet<usize>>,
}

/// Stacks in deploy order (each after its dependencies, ties in the order added), and a
/// cycle when there is one (its stacks are then left out of the order).
fn deploy_order(deps: &[BTreeSet<usize>]) -> (Vec<usize>, Option<Vec<usize>>) {
    let n = deps.len();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    // At most n rounds; each takes the first stack (in the order added) whose dependencies
    // are all deployed. Apps have a handful of stacks.
    while order.len() < n {
        let next = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d] || d == i));
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
            }
            None => {
                let cycle = find_cycle(deps, &done);
                return (order, Some(cycle));
            }
        }
    }
    (order, None)
}

/// A cycle among the stacks not yet `done` (each of them has an undone dependency).
fn find_cycle(deps: &[BTreeSet<usize>], done: &[bool]) -> Vec<usize> {
    let Some(start) = (0..deps.len()).find(|&i| !done[i]) else {
        return Vec::new();
    };
    let mut path = vec![start];
    let mut current = start;
    loop {
        let Some(&next) = deps[current].iter().find(|&&d| !done[d] && d != current) else {
            return path;
        };
        if let Some(pos) = path.iter().position(|&p| p == next) {
            // Show the cycle starting from the stack added first.
            let mut cycle = path.split_off(pos);
            if let Some(min_pos) = cycle
                .iter()
                .enumerate()
                .min_by_key(|(_, i)| **i)
                .map(|(p, _)| p)
            {
                cycle.rotate_left(min_pos);
            }
            return cycle;
        }
        path.push(next);
        current = next;
    }
}

/// The file name of a stack's template in an output directory.
pub fn template_file_name(stack: &str, format: Format) -> String {
    format!("{stack}.template.{}", format.extension())
}

/// Write templates into `dir` (created if missing) with a manifest, and remove the templates
/// an earlier run wrote there for stacks that `existing` no longer holds. A file whose
/// content would not change is left as it is (its modification time too), so tools watching
/// the directory see only real changes. Each file is written to a temporary file in `dir`
/// and renamed into place, so it is replaced whole and never written through a symbolic
/// link; a link at the path of a template or of the manifest is an error naming it, found
/// before anything is written.
/// Returns the paths of the templates, written or already up to date.
pub fn write_out_dir(
    dir: &Path,
    templates: &[Template],
    format: Format,
    existing: &[&str],
) -> io::Result<Vec<PathBuf>> {
    Ok(
        write_out_dir_reporting(dir, templates, format, existing, &[])?
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
    )
}

/// [`write_out_dir`], telling for each template whether it was written (true) or already
/// up to date (false).
/// The manifest lists `images` (the app's images built from source, [`App::images`]).
pub(crate) fn write_out_dir_reporting(
    dir: &Path,
    templates: &[Template],
    format: Format,
    existing: &[&str],
    images: &[ImageAsset],
) -> io::Result<Vec<(PathBuf, bool)>> {
    fs::create_dir_all(dir)?;
    let manifest_path = dir.join(MANIFEST);
    let previous = read_manifest(&manifest_path);

    // Links are refused before anything is written, so a refusal leaves the directory as it was.
    for t in templates {
        fsutil::check_target(&dir.join(template_file_name(t.name(), format)))?;
    }
    fsutil::check_target(&manifest_path)?;

    let mut written = Vec::new();
    let mut manifest = Manifest {
        images: images.to_vec(),
        ..Manifest::default()
    };
    for t in templates {
        let file = template_file_name(t.name(), format);
        let path = dir.join(&file);
        if let Some(env) = t.env() {
            manifest.envs.push((t.name().to_owned(), env.clone()));
        }
        if let Some(set) = t.stack_set() {
            manifest.stack_sets.push((t.name().to_owned(), set.clone()));
        }
        let changed = match format {
            // A synthesized template's JSON text was written once, when it was made (the
            // validator measured that same text): written out as is.
            Format::Json => match t.json_body_text() {
                Some(text) => fsutil::write_if_changed(&path, text.as_bytes())?,
                None => fsutil::write_if_changed(&path, t.to_json().as_bytes())?,
            },
            Format::Yaml => fsutil::write_if_changed(&path, t.to_yaml().as_bytes())?,
        };
        written.push((path, changed));
        manifest.stacks.push((t.name().to_owned(), file));
    }
    // Keep entries of stacks not synthesized this time but still in the app; remove the
    // files of stacks that are gone (or that were written in the other format).
    for (stack, file) in &previous {
        let new_file = manifest.template(stack).map(str::to_owned);
        match new_file {
            Some(f) if &f == file => {}
            None if existing.contains(&stack.as_str()) => {
                manifest.stacks.push((stack.clone(), file.clone()));
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
    fsutil::write_if_changed(&manifest_path, manifest.to_json().as_bytes())?;
    Ok(written)
}

fn read_manifest(path: &Path) -> Vec<(String, String)> {
    fs::read_to_string(path)
        .ok()
        .and_then(|text| Manifest::parse(&text).ok())
        .map(|m| m.stacks)
        .unwrap_or_default()
}

/// The manifest `synth --out DIR` writes beside the templates ([`MANIFEST`]): every stack
/// of the app, in deploy order, with the file name of its template in that directory, and
/// every image the app builds from source (the asset manifest: source, content hash,
/// platform, destination and tag of each). The one reader and writer of the format, used
/// by `synth --out` and by the `ferroform` commands that run an app (`--app`).
///
/// ```
/// use ferroform::app::Manifest;
/// let m = Manifest::parse(r#"{"version": 1, "stacks": {"Network": {"template": "Network.template.json"}}}"#).unwrap();
/// assert_eq!(m.template("Network"), Some("Network.template.json"));
/// assert_eq!(Manifest::parse(&m.to_json()).unwrap(), m);
/// assert!(Manifest::parse(r#"{"version": 1, "stacks": {"Web": {}}}"#).unwrap_err().contains("Web"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// (stack name, template file name), in deploy order.
    pub stacks: Vec<(String, String)>,
    /// The stacks bound to an account or region ([`crate::Stack::env`]): written as the
    /// stack's `account`, `region` and `lookupRole`.
    pub envs: Vec<(String, Env)>,
    /// The images built from source, by id (`<stack>/<task>/<container>`); written only
    /// when there are some.
    pub images: Vec<ImageAsset>,
    /// The stacks deployed as stack sets ([`App::add_stack_set`]): written as the stack's
    /// `stackSet`.
    pub stack_sets: Vec<(String, StackSet)>,
}

impl Manifest {
    /// The format version written (and the only one read).
    pub const VERSION: u64 = 1;

    /// Read a manifest's text; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(Self::VERSION) => {}
            other => {
                return Err(format!(
                    "version {} is not {} (written by another ferroform?)",
                    other.map_or("missing".to_owned(), |v| v.to_string()),
                    Self::VERSION
                ));
            }
        }
        let stacks = value
            .get("stacks")
            .and_then(serde_json::Value::as_object)
            .ok_or("no `stacks` object")?;
        let mut out = Vec::with_capacity(stacks.len());
        let mut envs = Vec::new();
        let mut stack_sets = Vec::new();
        for (name, entry) in stacks {
            let file = entry
                .get("template")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| format!("stack {name} has no template"))?;
            out.push((name.clone(), file.to_owned()));
            let text = |k: &str| entry.get(k).and_then(serde_json::Value::as_str);
            if let Some(region) = text("region") {
                let mut env = match text("account") {
                    Some(a) => Env::new(a, region),
                    None => Env::region(region),
                };
                if let Some(r) = text("lookupRole") {
                    env = env.lookup_role(r);
                }
                envs.push((name.clone(), env));
            }
            if let Some(set) = entry.get("stackSet") {
                let set =
                    StackSet::from_json(set).map_err(|e| format!("stack {name}: stackSet: {e}"))?;
                stack_sets.push((name.clone(), set));
            }
        }
        let images = match value.get("images") {
            None => Vec::new(),
            Some(serde_json::Value::Object(m)) => m
                .iter()
                .map(|(id, v)| ImageAsset::from_json(id, v))
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err("`images` is not an object".into()),
        };
        Ok(Manifest {
            stacks: out,
            envs,
            images,
            stack_sets,
        })
    }

    /// The manifest's text (pretty JSON, ending with a newline).
    pub fn to_json(&self) -> String {
        let entries: serde_json::Map<String, serde_json::Value> = self
            .stacks
            .iter()
            .map(|(name, file)| {
                let mut entry = serde_json::json!({ "template": file });
                if let Some((_, env)) = self.envs.iter().find(|(n, _)| n == name) {
                    for (k, v) in [
                        ("account", env.account()),
                        ("region", env.region_name()),
                        ("lookupRole", env.lookup_role_arn()),
                    ] {
                        if let Some(v) = v {
                            entry[k] = serde_json::Value::String(v.to_owned());
                        }
                    }
                }
                if let Some((_, set)) = self.stack_sets.iter().find(|(n, _)| n == name) {
                    entry["stackSet"] = set.to_json();
                }
                (name.clone(), entry)
            })
            .collect();
        let mut manifest = serde_json::json!({ "version": Self::VERSION, "stacks": entries });
        if !self.images.is_empty() {
            manifest["images"] = serde_json::Value::Object(
                self.images
                    .iter()
                    .map(|i| (i.id.clone(), i.to_json()))
                    .collect(),
            );
        }
        let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The template file of stack `name`.
    pub fn template(&self, name: &str) -> Option<&str> {
        self.stacks
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f.as_str())
    }
}
