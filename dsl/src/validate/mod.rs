//! Validation of templates: what CloudFormation (and ECS) would reject, found at synth.
//!
//! [`validate`] checks a rendered [`Template`] — built with the DSL or read from a file with
//! [`Template::parse`] — and returns a [`Report`] with every problem found at once, each a
//! [`Diagnostic`] with a stable rule id from the registry ([`crate::rules`]; the validator's
//! rules are [`crate::rules::validator_rules`]), plus the capabilities the template needs to
//! deploy ([`capabilities`]).
//!
//! What is checked:
//! - **Structure** (`FF2000`, `FF2001`, `FF2039`, `FF2040`): sections, resource entries,
//!   type names, each function's arguments (the condition functions' lists too), parameters
//!   and their defaults against their own constraints, the Rules section.
//! - **Schema** (`FF2xxx`): resource types, property names, required properties (also those
//!   required one of a set, or together with another), value types,
//!   enums, patterns, lengths, ranges and array sizes, from the constraint data of every
//!   resource type of the pinned schema set (decoded one type at a time); read-only
//!   properties a template sets for nothing (`FF2037`, a warning).
//! - **References and limits** (`FF30xx`, `FF31xx`): `Ref`, `Fn::GetAtt`, `Fn::Sub`,
//!   `DependsOn`, conditions and `Fn::FindInMap` targets; cycles; `Fn::Select` indexes;
//!   references to conditional resources; CloudFormation's template limits.
//! - **`Fn::ForEach`** (`FF2010`–`FF2012`): with the `AWS::LanguageExtensions` transform,
//!   loops are expanded before the other checks, which see the entries they generate; a
//!   loop over a collection not known offline is checked once, its identifier unknown.
//! - **Lambda runtimes** (`FF2016`, `FF2017`): a function's `Runtime` that AWS Lambda no
//!   longer lets you create (an error) or has deprecated (a warning), by the date of the check
//!   ([`validate_as_of`] takes that date; [`validate`] uses today's).
//! - **IAM policy documents** (`FF2015`): trust, identity and resource policies as IAM's
//!   policy grammar has them (elements, `Effect`, `Action`, `Principal`, `Resource`,
//!   `Condition`), what IAM refuses with `MalformedPolicyDocument`.
//! - **cfn-init metadata** (`FF2036`, a warning): `AWS::CloudFormation::Init` laid out as
//!   the `cfn-init` helper reads it on an instance (configs, sections and entries are
//!   mappings).
//! - **Service lifecycle** (`FF2013`, `FF2014`): resource types of services AWS has shut down
//!   (an error) or is shutting down or keeps in maintenance mode (a warning).
//! - **What others generate** (`FF2018`): names the SAM transform, a module or an included
//!   snippet adds are taken to exist; a template processed by a custom macro is checked only
//!   for what it says, with a warning that the check is partial.
//! - **Across properties and resources** (`FF2021`–`FF2023`): DynamoDB key attributes, properties a
//!   schema declares mutually exclusive, two resources with one primary identifier (the
//!   same bucket or log group name).
//! - **ECS and friends** (`FF4xxx`): Fargate sizes, containers, services, ECR lifecycle
//!   policies, Application Auto Scaling, capacity providers.
//!
//! Values that are expressions (`Ref`, `Fn::*`) are never guessed: value checks skip them,
//! but their shape and targets are checked. Both branches of an `Fn::If` are checked.
//!
//! ```
//! use ferroform::Template;
//! use ferroform::validate::validate;
//! let t = Template::parse("t.yaml", "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 15\n").unwrap();
//! let report = validate(&t);
//! assert_eq!(report.errors(), 1);
//! assert_eq!(report.diagnostics[0].rule, "FF2005");
//! assert_eq!(report.diagnostics[0].rule, ferroform::rules::ENUM_VALUE);
//! assert_eq!(report.diagnostics[0].path, "Logs.Properties.RetentionInDays");
//! ```

mod attributes;
mod capabilities;
mod cfn_init;
mod data;
mod ecs;
mod foreach;
mod formats;
use crate::model::generated;
pub(crate) use crate::model::generated::transforms;
use crate::model::json::Field;
mod lambda;
mod limits;
mod nested;
mod nulls;
mod pattern;
mod policy;
mod ref_kinds;
pub(crate) mod refs;
mod resolve;
mod schema;
pub(crate) mod secrets;
mod services;
mod unique;

pub use capabilities::{Capability, capabilities};
#[cfg(feature = "ecs-stack")]
pub(crate) use ecs::{FARGATE_CPUS, fargate_hint, fargate_memory, fargate_valid};
pub use lambda::Date;
pub use limits::INLINE_BODY_LIMIT;

use crate::model::diag::{Diagnostic, Severity};
use crate::model::render::{Json, JsonMap};
use crate::model::template::Template;
use crate::rules::Rule;

/// What [`validate`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Every problem, errors first, then in template order.
    pub diagnostics: Vec<Diagnostic>,
    /// The capabilities the template needs to deploy.
    pub capabilities: Vec<Capability>,
}

impl Report {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
}

/// A value as a diagnostic shows it: compact JSON, cut to 60 characters (an intrinsic
/// function is shown as written, e.g. `{"Fn::Sub":"${Env}-web"}`).
pub(crate) fn shown(v: &Json) -> String {
    cut(v.to_string())
}

/// Text as a diagnostic shows it: whole up to 60 characters, else its first 57 and `...`.
pub(crate) fn cut(s: String) -> String {
    if s.chars().count() > 60 {
        let head: String = s.chars().take(57).collect();
        format!("{head}...")
    } else {
        s
    }
}

/// Check `template` (named by [`Template::name`], the stack or file) and report every problem.
///
/// A template with the `AWS::LanguageExtensions` transform is checked with its `Fn::ForEach`
/// loops expanded, as CloudFormation processes it (a diagnostic on a generated entry names
/// its loop).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html>
///
/// The checks that depend on the date (the Lambda runtimes AWS has deprecated or blocks)
/// take today's, from the system clock ([`Date::today`]); [`validate_as_of`] takes another.
pub fn validate(template: &Template) -> Report {
    validate_as_of(template, Date::today())
}

/// [`validate`] as if today were `today`: what the date-dependent checks (`FF2016`, `FF2017`:
/// the Lambda runtimes AWS deprecates and blocks) would say that day. For reproducible checks
/// (a test pinned to a date) and for "will this still deploy then?".
///
/// ```
/// use ferroform::Template;
/// use ferroform::validate::{Date, validate_as_of};
/// let t = Template::parse("t.yaml", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/lambda\n      Code: {S3Bucket: artifacts, S3Key: k.zip}\n").unwrap();
/// // Deprecated on 2026-04-30, still creatable until 2027-02-01: a warning, then an error.
/// assert_eq!(validate_as_of(&t, Date::new(2026, 3, 1).unwrap()).diagnostics.len(), 0);
/// let d = &validate_as_of(&t, Date::new(2026, 12, 4).unwrap()).diagnostics[0];
/// assert_eq!(d.rule, ferroform::rules::LAMBDA_RUNTIME_DEPRECATED);
/// let d = &validate_as_of(&t, Date::new(2027, 2, 1).unwrap()).diagnostics[0];
/// assert_eq!(d.rule, ferroform::rules::LAMBDA_RUNTIME_CREATE_BLOCKED);
/// assert_eq!(d.path, "Fn.Properties.Runtime");
/// ```
pub fn validate_as_of(template: &Template, today: Date) -> Report {
    // Snippets included by `AWS::Include` keys of sections are unknown offline: checked
    // without them, any name possibly declared by them.
    let included = generated::without_includes(template);
    let template = included.as_ref().unwrap_or(template);
    let expansion = foreach::expand(template);
    let checked = expansion.template.as_ref().unwrap_or(template);
    let mut cx = Cx::new(checked);
    cx.opaque = &expansion.opaque;
    if included.is_some() {
        cx.generated.include_anything();
    }
    let macros = cx.generated.macros().to_vec();
    if !macros.is_empty() {
        // A macro can rewrite anything: no name is reported missing, no type unknown, and
        // the user is told what the validation could not see.
        cx.report(
            crate::rules::MACRO_PARTIAL,
            None,
            "Transform",
            format!(
                "the template uses the macro{} {}: it can add or change anything, so only what \
                 is written here was checked (references and resource types are taken on trust)",
                if macros.len() == 1 { "" } else { "s" },
                macros.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
            ),
            Some("validate the processed template too: `aws cloudformation get-template --template-stage Processed`, or the change set's template".into()),
        );
    }
    limits::check(&mut cx);
    nulls::check(&mut cx);
    schema::check(&mut cx);
    attributes::check(&mut cx);
    refs::check(&mut cx);
    ref_kinds::check(&mut cx);
    secrets::check(&mut cx);
    lambda::check(&mut cx, today);
    policy::check(&mut cx);
    cfn_init::check(&mut cx);
    services::check(&mut cx);
    unique::check(&mut cx);
    nested::check(&mut cx);
    ecs::check(&mut cx);
    let found = std::mem::take(&mut cx.diags);
    let capabilities = capabilities::of(checked);
    let mut diagnostics = expansion.finish(found);
    diagnostics.sort_by_key(|d| d.severity);
    Report {
        diagnostics,
        capabilities,
    }
}

/// How the validator's schema patterns are checked (see the `pattern` notes in this module's
/// documentation): every distinct pattern of the schema set, by engine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatternCoverage {
    /// Distinct patterns in the constraint data.
    pub total: usize,
    /// Checked with the `regex` crate.
    pub regex: usize,
    /// Checked with `fancy-regex` (look-around, back-references).
    pub fancy: usize,
    /// Not checked (neither engine compiles them).
    pub unchecked: Vec<String>,
}

/// Decode every type and compile every pattern: slow (about a second), for tests and reports.
pub fn pattern_coverage() -> PatternCoverage {
    // Schema nodes are only ever values of mappings: codegen folds `anyOf`, `oneOf` and
    // `allOf` into the node they decorate, so a list in the data holds values (`enum`,
    // `required`, `type`), never a node with a pattern.
    fn collect(v: &'static data::Node, out: &mut std::collections::BTreeSet<&'static str>) {
        if let data::Node::Obj(m) = v.force() {
            for (k, v) in m {
                match (*k, v) {
                    ("pattern", data::Node::Str(p)) => {
                        out.insert(p);
                    }
                    // Keys are matched against these patterns: they count as patterns too.
                    ("patternProperties", data::Node::Obj(pp)) => {
                        for (key, node) in pp {
                            out.insert(key);
                            collect(node, out);
                        }
                    }
                    _ => collect(v, out),
                }
            }
        }
    }
    let mut all = std::collections::BTreeSet::new();
    for t in data::type_names() {
        if let Some(s) = data::schema(t) {
            collect(s, &mut all);
        }
    }
    let mut c = PatternCoverage {
        total: all.len(),
        ..PatternCoverage::default()
    };
    for p in all {
        match pattern::kind(p) {
            pattern::PatternKind::Regex => c.regex += 1,
            pattern::PatternKind::Fancy => c.fancy += 1,
            pattern::PatternKind::Unchecked => c.unchecked.push(p.to_owned()),
        }
    }
    c
}

/// Facts about the embedded constraint data.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaData {
    /// Resource types known.
    pub types: usize,
    /// Bytes embedded in the library (compressed).
    pub compressed_bytes: usize,
    /// Bytes of compact JSON before compression.
    pub raw_bytes: usize,
    /// The provenance line: cfn-lint version, region, schema date.
    pub provenance: Json,
}

/// Facts about the embedded constraint data (cheap: reads the index only).
pub fn schema_data() -> SchemaData {
    let p = data::provenance();
    SchemaData {
        types: data::type_names().count(),
        compressed_bytes: data::embedded_bytes(),
        raw_bytes: p
            .field("raw_bytes")
            .and_then(Json::as_u64)
            .unwrap_or_default() as usize,
        provenance: p.clone(),
    }
}

/// Whether the schema set knows `type_name` (decodes nothing).
pub fn knows_type(type_name: &str) -> bool {
    data::has_type(type_name)
}

// ---------------------------------------------------------------------------------------
// Shared machinery of the checks.

/// The validation context: the template's sections and the diagnostics found so far.
pub(crate) struct Cx<'t> {
    source: &'t str,
    template: &'t Template,
    pub body: &'t Json,
    pub resources: Option<&'t JsonMap>,
    /// The `Type` of each resource, in the order of `resources` (looked up once: the checks
    /// ask for it thousands of times).
    types: Vec<Option<&'t str>>,
    /// Each resource's entry and `Type`, by logical ID: the checks look resources up
    /// thousands of times, and serde_json's map hashes each name with SipHash.
    by_id: crate::model::fasthash::FastMap<&'t str, (&'t Json, Option<&'t str>)>,
    pub parameters: Option<&'t JsonMap>,
    pub conditions: Option<&'t JsonMap>,
    pub mappings: Option<&'t JsonMap>,
    pub outputs: Option<&'t JsonMap>,
    pub diags: Vec<Diagnostic>,
    /// Whether the template declares the `AWS::LanguageExtensions` transform, which resolves
    /// intrinsic functions given to `Ref` and `Fn::GetAtt`.
    pub language_extensions: bool,
    /// Names that `Fn::ForEach` loops over collections not known offline may generate.
    pub opaque: &'t foreach::OpaqueNames,
    /// Names the SAM transform or a module may generate.
    pub generated: generated::Generated,
}

impl<'t> Cx<'t> {
    fn new(t: &'t Template) -> Self {
        let body = t.body();
        let section = |k: &str| body.field(k).and_then(Json::as_object);
        let types: Vec<Option<&str>> = section("Resources")
            .into_iter()
            .flatten()
            .map(|(_, r)| r.field("Type").and_then(Json::as_str))
            .collect();
        let by_id = section("Resources")
            .into_iter()
            .flatten()
            .zip(&types)
            .map(|((id, r), ty)| (id.as_str(), (r, *ty)))
            .collect();
        Cx {
            types,
            by_id,
            source: t.name(),
            template: t,
            body,
            resources: section("Resources"),
            parameters: section("Parameters"),
            conditions: section("Conditions"),
            mappings: section("Mappings"),
            outputs: section("Outputs"),
            diags: Vec::new(),
            language_extensions: foreach::declares_language_extensions(body),
            opaque: &foreach::NO_OPAQUE_NAMES,
            generated: generated::Generated::of(body),
        }
    }

    /// Whether a resource named `name` may exist once the template is processed, though it
    /// is not declared: made by an `Fn::ForEach` loop over a collection not known offline, by
    /// the SAM transform or by a module.
    pub fn may_be_generated(&self, name: &str) -> bool {
        self.opaque.resource(name) || self.generated.resource(name)
    }

    /// The length of the text CloudFormation receives ([`Template::body_text`]: the file as
    /// read, or the JSON text, written once and kept for the output).
    pub fn body_len(&self) -> usize {
        self.template.body_text().len()
    }

    /// Report a problem under `rule` (a constant of [`crate::rules`], whose severity it takes).
    pub fn report(
        &mut self,
        rule: Rule,
        logical_id: Option<&str>,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.diags.push(Diagnostic {
            logical_id: logical_id.map(str::to_owned),
            path: path.into(),
            hint,
            ..Diagnostic::new(rule, self.source, message)
        });
    }

    /// A resource entry by logical ID.
    pub fn resource(&self, id: &str) -> Option<&'t Json> {
        self.by_id.get(id).map(|e| e.0)
    }

    /// The `Type` of a resource.
    pub fn resource_type(&self, id: &str) -> Option<&'t str> {
        self.by_id.get(id)?.1
    }

    /// Every resource: (logical ID, entry, its `Type` when that is text).
    pub fn typed_resources(&self) -> impl Iterator<Item = (&'t str, &'t Json, Option<&'t str>)> {
        self.resources
            .into_iter()
            .flatten()
            .zip(self.types.iter().copied())
            .map(|((id, r), kind)| (id.as_str(), r, kind))
    }

    /// Resources (logical ID, entry, properties) of one type.
    pub fn resources_of(
        &self,
        type_name: &'static str,
    ) -> impl Iterator<Item = (&'t str, &'t Json, Option<&'t JsonMap>)> {
        self.typed_resources()
            .filter(move |(_, _, kind)| *kind == Some(type_name))
            .map(|(id, r, _)| (id, r, r.field("Properties").and_then(Json::as_object)))
    }
}

/// Append `[i]` to a diagnostic path (without the formatting machinery: the walks do this
/// for every list item).
pub(crate) fn push_index(path: &mut String, i: usize) {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    path.push('[');
    path.extend(digits[at..].iter().map(|&d| char::from(d)));
    path.push(']');
}

/// `a.b.c`: the parts of a diagnostic path joined with dots (without the formatting
/// machinery: the walks build one for every resource, property and policy statement).
pub(crate) fn dotted(parts: &[&str]) -> String {
    // Room for the walks that go deeper from here without regrowing at every level.
    let mut path = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 48);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            path.push('.');
        }
        path.push_str(part);
    }
    path
}

/// Whether a template's JSON text holds `needle` (a vectorized search: the text of a large
/// template is hundreds of kilobytes, and two checks look through all of it).
pub(crate) fn text_has(text: &str, needle: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), needle.as_bytes()).is_some()
}

/// The intrinsic function of a value, if it is one: an object with a single key `Ref` or
/// `Fn::*` (and `Condition` inside conditions).
pub(crate) fn intrinsic(v: &Json) -> Option<(&str, &Json)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, v) = m.iter().next()?;
    (k == "Ref" || k.starts_with("Fn::") || k == "Condition").then_some((k.as_str(), v))
}

/// The directive of a `rain pkg` placeholder (`Rain::Embed: file`, `Rain::S3: path`...; in
/// YAML the tag `!Rain::Embed file`, read as `Fn::Rain::Embed`): rain writes the value in its
/// place when it packages the template.
pub(crate) fn rain_directive(v: &Json) -> Option<&str> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    m.keys()
        .next()
        .map(String::as_str)
        .filter(|k| k.starts_with("Rain::") || k.starts_with("Fn::Rain::"))
}

/// Whether `v` stands for a value something else writes before CloudFormation reads the
/// template: a macro's `Fn::Transform`, or a `rain pkg` directive.
pub(crate) fn stands_in(v: &Json) -> bool {
    rain_directive(v).is_some() || intrinsic(v).is_some_and(|(f, _)| f == "Fn::Transform")
}

/// Whether `v` holds an `Fn::If` anywhere (its value depends on a condition).
pub(crate) fn has_if(v: &Json) -> bool {
    match v {
        Json::Object(m) => m.field("Fn::If").is_some() || m.values().any(has_if),
        Json::Array(a) => a.iter().any(has_if),
        _ => false,
    }
}

/// The function of a value outside the Conditions section: [`intrinsic`], except that a
/// mapping of the one key `Condition` is data there (`Condition` names a condition only among
/// the Conditions section's functions).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
pub(crate) fn expression(v: &Json) -> Option<(&str, &Json)> {
    intrinsic(v).filter(|(f, _)| *f != "Condition")
}

/// Whether a value is an expression (known only at deploy time).
pub(crate) fn is_expr(v: &Json) -> bool {
    expression(v).is_some()
}

/// Whether a string holds a dynamic reference (`{{resolve:ssm:...}}`,
/// `{{resolve:ssm-secure:...}}`, `{{resolve:secretsmanager:...}}`): CloudFormation replaces it
/// with the parameter's or secret's value at deploy time, so the string as written says nothing
/// of the value's type, enum, length or pattern.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html>
pub(crate) fn has_dynamic_reference(s: &str) -> bool {
    s.contains("{{resolve:")
}

/// The EBS volume types ECS can create for tasks (the validator's table, FF4052).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn ebs_volume_types() -> Vec<&'static str> {
    ecs::VOLUME_TYPES.iter().map(|(t, ..)| *t).collect()
}

/// A literal string (not an expression).
pub(crate) fn lit_str(v: Option<&Json>) -> Option<&str> {
    v?.as_str()
}

/// A literal number: a JSON number or a numeric string.
pub(crate) fn lit_num(v: Option<&Json>) -> Option<f64> {
    match v? {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// A literal boolean: `true`/`false` or the strings `"true"`/`"false"`.
pub(crate) fn lit_bool(v: Option<&Json>) -> Option<bool> {
    match v? {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// The logical ID a value refers to with `Ref` (a literal target).
pub(crate) fn ref_target(v: Option<&Json>) -> Option<&str> {
    match intrinsic(v?)? {
        ("Ref", Json::String(s)) => Some(s),
        _ => None,
    }
}

/// `{"Ref": "AWS::NoValue"}`: the value (and its key or list item) is left out.
pub(crate) fn is_no_value(v: &Json) -> bool {
    ref_target(Some(v)) == Some("AWS::NoValue")
}

/// Whether mapping `m` has a key `Fn::...` (a function, or `Fn::Transform` beside other
/// keys, which CloudFormation replaces): its entries are not what CloudFormation reads, so
/// they are not judged one by one.
pub(crate) fn has_fn_key(m: &JsonMap) -> bool {
    m.keys().any(|k| k.starts_with("Fn::"))
}

/// Whether property `k` of `m` may be set: there, and not `AWS::NoValue` (an `Fn::If` that
/// may give `AWS::NoValue` counts as set).
pub(crate) fn may_be_set(m: &JsonMap, k: &str) -> bool {
    m.field(k).is_some_and(|v| !is_no_value(v))
}

/// Whether property `k` of `m` is set whatever the conditions: there, and no `Fn::If` may
/// make it `AWS::NoValue`.
pub(crate) fn surely_set(m: &JsonMap, k: &str) -> bool {
    m.field(k).is_some_and(|v| !may_be_no_value(v))
}

/// Whether a parameter of type `ty` gives a list: `CommaDelimitedList`, `List<...>` and
/// the SSM parameter types of either.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
pub(crate) fn is_list_type(ty: &str) -> bool {
    let ty = ty
        .strip_prefix("AWS::SSM::Parameter::Value<")
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(ty);
    ty == "CommaDelimitedList" || ty.starts_with("List<")
}

/// Whether function `f` gives a list whatever its arguments (`Fn::GetAZs`, `Fn::Split`,
/// `Fn::Cidr`).
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
pub(crate) fn gives_a_list(f: &str) -> bool {
    matches!(f, "Fn::GetAZs" | "Fn::Split" | "Fn::Cidr")
}

/// The list-giving function `v` is, or one of its `Fn::If` branches is (see
/// [`gives_a_list`]).
pub(crate) fn list_function(v: &Json) -> Option<&str> {
    match intrinsic(v)? {
        ("Fn::If", Json::Array(a)) if a.len() == 3 => a[1..].iter().find_map(list_function),
        (f, _) if gives_a_list(f) => Some(f),
        _ => None,
    }
}

/// Whether `v` is `AWS::NoValue` or an `Fn::If` that may give it (the property may be left
/// out).
pub(crate) fn may_be_no_value(v: &Json) -> bool {
    match intrinsic(v) {
        Some(("Ref", Json::String(s))) => s == "AWS::NoValue",
        Some(("Fn::If", Json::Array(a))) => a.iter().skip(1).any(may_be_no_value),
        _ => false,
    }
}

/// Whether a resource type is a CloudFormation module (`Org::Service::Thing::MODULE`), which
/// CloudFormation replaces with the resources of its template fragment.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/modules.html>
pub(crate) fn is_module(ty: &str) -> bool {
    ty.ends_with("::MODULE")
}

/// The resource and attribute an `Fn::GetAtt` names, from its arguments (`[Id, Attr]` or
/// `Id.Attr`); `None` for what is not written out.
pub(crate) fn getatt_parts(args: &Json) -> (Option<&str>, Option<&str>) {
    match args {
        Json::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_str()),
        Json::String(s) => match s.split_once('.') {
            Some((r, a)) => (Some(r), Some(a)),
            None => (None, None),
        },
        _ => (None, None),
    }
}

/// The resource a value refers to with `Ref` or `Fn::GetAtt`.
pub(crate) fn ref_or_getatt_target(v: Option<&Json>) -> Option<&str> {
    match intrinsic(v?)? {
        ("Ref", Json::String(s)) => Some(s),
        ("Fn::GetAtt", Json::Array(a)) => a.first()?.as_str(),
        ("Fn::GetAtt", Json::String(s)) => s.split('.').next(),
        _ => None,
    }
}

/// Levenshtein distance in characters, ASCII case-insensitive, for suggestions: `strsim`'s,
/// which clap already builds for its own suggestions.
fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    candidates
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// `a, b or c` (backquoted).
pub(crate) fn one_of<S: AsRef<str>>(items: &[S]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} or {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

/// (severity, rule, path, message, hint) of every diagnostic of `rule` for the YAML
/// template `text` (the unit tests of the rules).
#[cfg(test)]
pub(crate) fn found(text: &str, rule: &str) -> Vec<(&'static str, String, String, String)> {
    let t = crate::Template::parse("t.yaml", text).unwrap();
    crate::validate::validate(&t)
        .diagnostics
        .into_iter()
        .filter(|d| d.rule == rule)
        .map(|d| {
            (
                d.severity.as_str(),
                d.path,
                d.message,
                d.hint.unwrap_or_default(),
            )
        })
        .collect()
}

#[cfg(test)]
mod suggest_tests {
    use super::{distance, suggest};

    #[test]
    fn distance_counts_characters_and_folds_ascii_case_only() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("ContainerPort", "containerport"), 0);
        assert_eq!(distance("é", "e"), 1, "characters, not bytes");
        assert_eq!(distance("Ä", "ä"), 1, "non-ASCII case is not folded");
    }

    #[test]
    fn the_closest_candidate_within_a_third_of_the_word() {
        let names = ["Cpu", "Memory", "MemoryReservation", "Image"];
        assert_eq!(suggest("Memroy", names.into_iter()), Some("Memory"));
        assert_eq!(suggest("cpu", names.into_iter()), Some("Cpu"));
        assert_eq!(suggest("Volumes", names.into_iter()), None);
        // Ties go to the smaller name.
        assert_eq!(suggest("ab", ["ac", "aa"].into_iter()), Some("aa"));
    }
}

#[cfg(test)]
mod helper_tests {
    use serde_json::json;

    #[test]
    fn a_value_is_shown_whole_up_to_sixty_characters() {
        // A JSON string of 58 characters is 60 with its quotes.
        let sixty = json!("x".repeat(58));
        assert_eq!(super::shown(&sixty), sixty.to_string());
        let long = json!("y".repeat(59));
        assert_eq!(super::shown(&long), format!("\"{}...", "y".repeat(56)));
        assert_eq!(super::shown(&json!({"Ref": "A"})), r#"{"Ref":"A"}"#);
    }

    #[test]
    fn finds_a_needle_only_where_it_is() {
        let text = r#"{"Transform":"AWS::LanguageExtensions","Resources":{}}"#;
        assert!(super::text_has(text, "LanguageExtensions"));
        assert!(super::text_has(text, "{}}"));
        assert!(!super::text_has(text, "Fn::ForEach"));
        assert!(!super::text_has("", "x"));
    }

    #[test]
    fn an_if_is_found_inside_mappings_and_lists() {
        let joined = json!({"Fn::Join": ["-", [{"Fn::If": ["C", "a", "b"]}, "x"]]});
        assert!(super::has_if(&joined));
        assert!(super::has_if(&json!([["y", {"Fn::If": ["C", 1, 2]}]])));
        assert!(!super::has_if(
            &json!({"Fn::Join": ["-", ["a", {"Ref": "If"}]]})
        ));
        assert!(!super::has_if(&json!("Fn::If")));
    }

    #[test]
    fn a_literal_boolean_is_a_boolean_or_its_text_in_any_case() {
        for (v, b) in [
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!("True"), Some(true)),
            (json!("false"), Some(false)),
            (json!("FALSE"), Some(false)),
            (json!("no"), None),
            (json!(""), None),
            (json!(0), None),
            (json!({"Ref": "Flag"}), None),
        ] {
            assert_eq!(super::lit_bool(Some(&v)), b, "{v}");
        }
        assert_eq!(super::lit_bool(None), None);
    }

    #[test]
    fn getatt_parts_only_of_two_items_or_dotted_text() {
        let parts = |v: serde_json::Value| {
            let (r, a) = super::getatt_parts(&v);
            (r.map(str::to_owned), a.map(str::to_owned))
        };
        let some = |r: &str, a: &str| (Some(r.to_owned()), Some(a.to_owned()));
        assert_eq!(
            parts(json!(["Db", "Endpoint.Address"])),
            some("Db", "Endpoint.Address")
        );
        assert_eq!(
            parts(json!("Db.Endpoint.Address")),
            some("Db", "Endpoint.Address")
        );
        for v in [
            json!([]),
            json!(["Db"]),
            json!(["Db", "A", "B"]),
            json!("Db"),
            json!(1),
        ] {
            assert_eq!(parts(v.clone()), (None, None), "{v}");
        }
    }

    #[test]
    fn the_target_of_a_ref_or_getatt_in_either_form() {
        for (v, target) in [
            (json!({"Ref": "Db"}), Some("Db")),
            (
                json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
                Some("Db"),
            ),
            (json!({"Fn::GetAtt": "Db.Endpoint.Address"}), Some("Db")),
            (json!({"Fn::Sub": "${Db}"}), None),
            (json!("Db"), None),
        ] {
            assert_eq!(super::ref_or_getatt_target(Some(&v)), target, "{v}");
        }
        assert_eq!(super::ref_or_getatt_target(None), None);
    }
}

#[cfg(test)]
mod push_index_tests {
    #[test]
    fn indexes_are_written_in_decimal() {
        for i in [0usize, 7, 10, 99, 123_456, usize::MAX] {
            let mut p = String::from("A.B");
            super::push_index(&mut p, i);
            assert_eq!(p, format!("A.B[{i}]"));
        }
    }
}

#[cfg(test)]
mod report_tests {
    use crate::rules;

    #[test]
    fn errors_and_warnings_are_counted_apart() {
        // Two CIDR blocks with host bits set (warnings) and a type that does not exist (an
        // error).
        let text = "
Resources:
  A:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.1/16}
  B:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.1/16}
  C:
    Type: AWS::EC2::Nothing
";
        let t = crate::Template::parse("t.yaml", text).unwrap();
        let r = super::validate(&t);
        let found: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(r.diagnostics.len(), 3, "{found:?}");
        assert_eq!(
            r.diagnostics
                .iter()
                .filter(|d| d.rule == rules::CIDR_HOST_BITS)
                .count(),
            2
        );
        assert_eq!((r.errors(), r.warnings()), (1, 2));
    }
}
