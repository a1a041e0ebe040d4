//! Rendering typed values into the JSON tree CloudFormation reads.

use std::fmt::{self, Write as _};
use std::rc::Rc;

use indexmap::IndexMap;

use super::diag::Diagnostic;
use super::env::Env;
use super::export::{ExportRef, Reach};
use super::id::StackId;
pub use super::json::{Json, JsonMap};
use super::refcheck::{PlainRef, Scan, scan};
use crate::rules::Rule;

/// Anything that can be written into a template: literals, expressions, generated property types.
pub trait Render {
    /// Render into the JSON CloudFormation reads. Problems (a reference into another stack,
    /// say) are recorded on `cx`, never panicked on.
    fn render(&self, cx: &mut RenderCx) -> Json;
}

#[derive(Clone, Debug)]
enum Seg {
    Key(&'static str),
    Owned(Rc<str>),
    Index(usize),
}

/// The stacks of the [`crate::App`] a stack is rendered in: references to them become
/// imports instead of errors.
#[derive(Debug, Default)]
pub(crate) struct AppScope {
    stacks: Vec<(StackId, Rc<str>, Option<Env>)>,
}

impl AppScope {
    pub(crate) fn new(stacks: impl IntoIterator<Item = (StackId, Rc<str>, Option<Env>)>) -> Self {
        AppScope {
            stacks: stacks.into_iter().collect(),
        }
    }

    /// The name of a stack of the app.
    pub(crate) fn name_of(&self, stack: StackId) -> Option<&Rc<str>> {
        self.stacks
            .iter()
            .find(|(id, _, _)| *id == stack)
            .map(|(_, n, _)| n)
    }

    fn env_of(&self, stack: StackId) -> Option<&Env> {
        self.stacks
            .iter()
            .find(|(id, _, _)| *id == stack)
            .and_then(|(_, _, e)| e.as_ref())
    }
}

/// What a render pass knows: which stack it renders, where in the template it is, and the
/// problems found so far.
pub struct RenderCx {
    stack: Option<StackId>,
    stack_name: Rc<str>,
    path: Vec<Seg>,
    diagnostics: Vec<Diagnostic>,
    language_extensions: bool,
    app: Option<Rc<AppScope>>,
    imports: Vec<ExportRef>,
    plain_refs: Vec<PlainRef>,
}

impl RenderCx {
    pub(crate) fn new(stack: StackId, stack_name: Rc<str>) -> Self {
        RenderCx {
            stack: Some(stack),
            stack_name,
            path: Vec::with_capacity(16),
            diagnostics: Vec::new(),
            language_extensions: false,
            app: None,
            imports: Vec::new(),
            plain_refs: Vec::new(),
        }
    }

    /// A context for a stack of an app: references to the app's other stacks are imports.
    pub(crate) fn in_app(stack: StackId, stack_name: Rc<str>, app: Option<Rc<AppScope>>) -> Self {
        let mut cx = RenderCx::new(stack, stack_name);
        cx.app = app;
        cx
    }

    /// The name of `stack` when it is another stack of the app this stack is rendered in.
    pub(crate) fn app_stack_name(&self, stack: StackId) -> Option<Rc<str>> {
        self.app.as_ref()?.name_of(stack).cloned()
    }

    /// How this stack reads stack `producer`'s outputs: `None` when both are in the same
    /// place (an export and `Fn::ImportValue`), else where to read them from with
    /// `Fn::GetStackOutput`, or why that cannot be known.
    pub(crate) fn reach(&self, producer: StackId) -> Option<Result<Reach, String>> {
        let app = self.app.as_ref()?;
        let mine = self.stack.and_then(|s| app.env_of(s));
        let theirs = app.env_of(producer);
        let region = |e: Option<&Env>| e.and_then(Env::region_name).map(str::to_owned);
        let account = |e: Option<&Env>| e.and_then(Env::account).map(str::to_owned);
        let other_account =
            matches!((account(mine), account(theirs)), (Some(a), Some(b)) if a != b);
        if region(mine) == region(theirs) && !other_account {
            return None;
        }
        let Some(region) = region(theirs) else {
            return Some(Err(
                "it is in another region than this stack, and has no region of its own".into(),
            ));
        };
        // The role only across accounts: in one account the stack's own role reads.
        let role_arn = theirs
            .and_then(Env::lookup_role_arn)
            .filter(|_| other_account)
            .map(str::to_owned);
        if other_account && role_arn.is_none() {
            return Some(Err(
                "it is in another account, and its Env has no lookup_role to read it with".into(),
            ));
        }
        Some(Ok(Reach { region, role_arn }))
    }

    /// Record a value this stack imports from another stack of its app.
    pub(crate) fn record_import(&mut self, import: ExportRef) {
        if !self.imports.contains(&import) {
            self.imports.push(import);
        }
    }

    /// The values imported so far, in the order first met.
    pub(crate) fn take_imports(&mut self) -> Vec<ExportRef> {
        std::mem::take(&mut self.imports)
    }

    /// A context that belongs to no stack (serializing a value on its own).
    pub(crate) fn detached() -> Self {
        RenderCx {
            stack: None,
            stack_name: Rc::from(""),
            path: Vec::new(),
            diagnostics: Vec::new(),
            language_extensions: false,
            app: None,
            imports: Vec::new(),
            plain_refs: Vec::new(),
        }
    }

    pub(crate) fn stack(&self) -> Option<StackId> {
        self.stack
    }

    /// Enter a named part of the template (a section, a logical ID, a property).
    pub fn push_key(&mut self, key: &'static str) {
        self.path.push(Seg::Key(key));
    }

    pub(crate) fn push_owned(&mut self, key: Rc<str>) {
        self.path.push(Seg::Owned(key));
    }

    /// Leave the part entered last.
    pub fn pop(&mut self) {
        self.path.pop();
    }

    /// The current position as CloudFormation users write it:
    /// `Task.Properties.ContainerDefinitions[0].Memory`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => push_dotted(&mut out, k),
                Seg::Owned(k) => push_dotted(&mut out, k),
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }

    /// The logical ID being rendered (the second path segment under `Resources` /
    /// `Outputs`, the first one otherwise).
    pub(crate) fn logical_id(&self) -> Option<String> {
        let mut it = self.path.iter();
        let first = it.next()?;
        let pick = match first {
            Seg::Key("Resources" | "Outputs" | "Parameters" | "Conditions" | "Mappings") => {
                it.next()
            }
            other => Some(other),
        };
        match pick? {
            Seg::Key(k) => Some((*k).to_owned()),
            Seg::Owned(k) => Some(k.to_string()),
            Seg::Index(_) => None,
        }
    }

    /// Record a problem of `rule` (a constant of [`crate::rules`], whose severity it takes)
    /// at the current path.
    pub fn error(&mut self, rule: Rule, message: String, hint: Option<String>) {
        if self.stack.is_none() {
            return;
        }
        let path = self.path_after_logical_id();
        self.diagnostics.push(Diagnostic {
            logical_id: self.logical_id(),
            path,
            hint,
            ..Diagnostic::new(rule, &*self.stack_name, message)
        });
    }

    fn path_after_logical_id(&self) -> String {
        // `Resources.Task.Properties.X` is shown as `Task.Properties.X`.
        let full = self.path();
        for section in ["Resources.", "Outputs.", "Parameters.", "Conditions."] {
            if let Some(rest) = full.strip_prefix(section) {
                return rest.to_owned();
            }
        }
        full
    }

    /// An intrinsic that needs the `AWS::LanguageExtensions` transform was rendered.
    pub(crate) fn needs_language_extensions(&mut self) {
        self.language_extensions = true;
    }

    pub(crate) fn uses_language_extensions(&self) -> bool {
        self.language_extensions
    }

    /// Plain JSON (a `json!` document, a raw resource's properties, metadata given as JSON)
    /// is being written at the current path: note the references in it, to be checked
    /// against the stack's logical IDs once all are known ([`RenderCx::take_plain_refs`]),
    /// and whether it needs the `AWS::LanguageExtensions` transform.
    pub(crate) fn plain(&mut self, v: &Json) {
        if self.stack.is_none() || !matches!(v, Json::Object(_) | Json::Array(_)) {
            return;
        }
        let mut found = Scan::default();
        scan(v, true, &mut found);
        self.language_extensions |= found.language_extensions;
        if found.refs.is_empty() {
            return;
        }
        let logical_id = self.logical_id();
        let base = self.path_after_logical_id();
        for (target, get_att, below) in found.refs {
            let mut path = base.clone();
            if path.is_empty() {
                path.push_str(below.strip_prefix('.').unwrap_or(&below));
            } else {
                path.push_str(&below);
            }
            self.plain_refs.push(PlainRef {
                target,
                get_att,
                logical_id: logical_id.clone(),
                path,
            });
        }
    }

    /// The references met in plain JSON so far ([`RenderCx::plain`]).
    pub(crate) fn take_plain_refs(&mut self) -> Vec<PlainRef> {
        std::mem::take(&mut self.plain_refs)
    }

    pub(crate) fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.diagnostics)
    }

    /// Render an optional property into `map` under `key` (skipped when unset).
    #[inline]
    pub fn opt<T: Render>(&mut self, map: &mut JsonMap, key: &'static str, value: &Option<T>) {
        if let Some(v) = value {
            self.req(map, key, v);
        }
    }

    /// Render a required property into `map` under `key`.
    // Instantiated once per property type: only the call to `render` is generic, the path
    // bookkeeping and the map insert are shared (`enter_key`, `leave_key`).
    #[inline]
    pub fn req<T: Render + ?Sized>(&mut self, map: &mut JsonMap, key: &'static str, value: &T) {
        self.enter_key(key);
        let v = value.render(self);
        self.leave_key(map, key, v);
    }

    #[inline(never)]
    fn enter_key(&mut self, key: &'static str) {
        self.path.push(Seg::Key(key));
    }

    #[inline(never)]
    fn leave_key(&mut self, map: &mut JsonMap, key: &'static str, value: Json) {
        self.path.pop();
        map.insert(key.to_owned(), value);
    }

    /// A JSON array of `len` items, item `i` rendered by `item` at path index `i`.
    #[inline(never)]
    fn render_items(
        &mut self,
        len: usize,
        item: &mut dyn FnMut(usize, &mut RenderCx) -> Json,
    ) -> Json {
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            self.path.push(Seg::Index(i));
            out.push(item(i, self));
            self.path.pop();
        }
        Json::Array(out)
    }

    /// A JSON object of `len` entries, entry `i` named `key(i)` and rendered by `value` at
    /// that key.
    #[inline(never)]
    fn render_entries<'k>(
        &mut self,
        len: usize,
        key: &dyn Fn(usize) -> &'k str,
        value: &mut dyn FnMut(usize, &mut RenderCx) -> Json,
    ) -> Json {
        let mut out = JsonMap::with_capacity(len);
        for i in 0..len {
            let k = key(i);
            self.path.push(Seg::Owned(Rc::from(k)));
            out.insert(k.to_owned(), value(i, self));
            self.path.pop();
        }
        Json::Object(out)
    }
}

/// `Debug` of the generated types: `name` and the value as it renders into a template,
/// detached from any stack (references are written as their intrinsic functions and not
/// checked). `{:#?}` pretty-prints the JSON.
// Only the generated types call it: a build without any service feature has none.
#[allow(dead_code)]
#[inline]
pub(crate) fn debug_render<T: Render + ?Sized>(
    value: &T,
    name: &'static str,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    debug_rendered(name, &|cx| value.render(cx), f)
}

#[inline(never)]
fn debug_rendered(
    name: &str,
    render: &dyn Fn(&mut RenderCx) -> Json,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let json = render(&mut RenderCx::detached());
    if f.alternate() {
        write!(f, "{name} {json:#}")
    } else {
        write!(f, "{name} {json}")
    }
}

fn push_dotted(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

impl Render for String {
    fn render(&self, _: &mut RenderCx) -> Json {
        Json::String(self.clone())
    }
}
impl Render for str {
    fn render(&self, _: &mut RenderCx) -> Json {
        Json::String(self.to_owned())
    }
}
impl Render for i64 {
    fn render(&self, _: &mut RenderCx) -> Json {
        Json::from(*self)
    }
}
impl Render for f64 {
    fn render(&self, _: &mut RenderCx) -> Json {
        // Whole numbers are written without a fraction, as CloudFormation users write them.
        if self.fract() == 0.0 && self.abs() < 9.0e15 {
            Json::from(*self as i64)
        } else {
            serde_json::Number::from_f64(*self).map_or(Json::Null, Json::Number)
        }
    }
}
impl Render for bool {
    fn render(&self, _: &mut RenderCx) -> Json {
        Json::Bool(*self)
    }
}
impl Render for Json {
    fn render(&self, cx: &mut RenderCx) -> Json {
        cx.plain(self);
        self.clone()
    }
}
impl<T: Render + ?Sized> Render for Box<T> {
    fn render(&self, cx: &mut RenderCx) -> Json {
        (**self).render(cx)
    }
}
// The collections hand the loop to `RenderCx::render_items` / `render_entries`, so each
// element type adds only a closure that renders one element.
impl<T: Render> Render for Vec<T> {
    fn render(&self, cx: &mut RenderCx) -> Json {
        cx.render_items(self.len(), &mut |i, cx| self[i].render(cx))
    }
}
impl<T: Render> Render for IndexMap<String, T> {
    fn render(&self, cx: &mut RenderCx) -> Json {
        cx.render_entries(
            self.len(),
            &|i| self.get_index(i).map_or("", |(k, _)| k.as_str()),
            &mut |i, cx| self.get_index(i).map_or(Json::Null, |(_, v)| v.render(cx)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders as the path it is rendered at.
    struct Probe;
    impl Render for Probe {
        fn render(&self, cx: &mut RenderCx) -> Json {
            Json::String(cx.path())
        }
    }

    #[test]
    fn properties_and_collections_render_in_order_at_their_paths() {
        let mut cx = RenderCx::detached();
        cx.push_key("Task");
        let mut m = JsonMap::new();
        let labels: IndexMap<String, Vec<Probe>> = [
            ("b".to_owned(), vec![Probe, Probe]),
            ("a".to_owned(), Vec::new()),
        ]
        .into_iter()
        .collect();
        cx.req(&mut m, "Labels", &labels);
        cx.opt(&mut m, "Unset", &None::<Probe>);
        cx.opt(&mut m, "Set", &Some(Probe));
        assert_eq!(
            Json::Object(m).to_string(),
            r#"{"Labels":{"b":["Task.Labels.b[0]","Task.Labels.b[1]"],"a":[]},"Set":"Task.Set"}"#
        );
        assert_eq!(cx.path(), "Task");
    }

    #[test]
    fn boxed_and_borrowed_values_render_as_their_contents() {
        // Both are public: a user's own `Render` type may hold a `Box<str>` or a boxed
        // property.
        let mut cx = RenderCx::detached();
        assert_eq!("web".render(&mut cx), Json::String("web".into()));
        let boxed: Box<str> = "web".into();
        assert_eq!(boxed.render(&mut cx), Json::String("web".into()));
        cx.push_key("Task");
        assert_eq!(Box::new(Probe).render(&mut cx), Json::String("Task".into()));
    }

    #[cfg(feature = "ecs")]
    #[test]
    fn generated_types_debug_as_the_json_they_render() {
        use crate::model::value::Value;
        use crate::resources::ecs::{Cluster, cluster::ClusterSettings};
        let cluster = Cluster::new()
            .cluster_name("web")
            .cluster_settings(vec![ClusterSettings::new().name("containerInsights")]);
        assert_eq!(
            format!("{cluster:?}"),
            r#"AWS::ECS::Cluster {"ClusterName":"web","ClusterSettings":[{"Name":"containerInsights"}]}"#
        );
        assert_eq!(
            format!("{:#?}", Value::lit(ClusterSettings::new().value("enabled"))),
            "ClusterSettings {\n  \"Value\": \"enabled\"\n}"
        );
    }
}
