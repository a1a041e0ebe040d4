//! The walk of a value against its schema node (`FF2001`–`FF2009`).

use super::*;
use std::rc::Rc;

/// The constraints of one reduced schema node, read in one pass over its (few) entries:
/// cheaper than a hashed lookup per constraint.
#[derive(Default)]
pub(super) struct View {
    pub(super) types: Option<&'static Node>,
    pub(super) reference: Option<&'static str>,
    pub(super) props: Option<&'static Node>,
    pub(super) closed: bool,
    pub(super) required: Option<&'static Node>,
    pub(super) items: Option<&'static Node>,
    pub(super) allowed: Option<&'static [Node]>,
    pub(super) ci: bool,
    pub(super) pattern: Option<&'static str>,
    pub(super) format: Option<&'static Node>,
    /// `dependentExcluded`: property → the properties that may not be set with it.
    pub(super) excluded: Option<&'static Node>,
    /// `dependentRequired`: property → the properties that must be set with it.
    pub(super) dependent: Option<&'static Node>,
    /// `requiredSets`: groups of properties of which exactly one, or at least one, must be
    /// all set.
    pub(super) sets: Option<&'static Node>,
    pub(super) min_len: Option<f64>,
    pub(super) max_len: Option<f64>,
    pub(super) min: Option<f64>,
    pub(super) max: Option<f64>,
    pub(super) min_items: Option<f64>,
    pub(super) max_items: Option<f64>,
    /// `minProperties`/`maxProperties`: how many entries a mapping may have.
    pub(super) min_entries: Option<f64>,
    pub(super) max_entries: Option<f64>,
    /// `multipleOf`: a number is a whole multiple of it.
    pub(super) step: Option<f64>,
    pub(super) unique: bool,
    /// `uniqueKeys`: no two mapping items of the list have the same values for these keys.
    pub(super) unique_keys: Option<&'static Node>,
    /// `prefixItems`: the schemas of the list's first items (each holds besides `items`).
    pub(super) first_items: Option<&'static [Node]>,
    /// `patternProperties`: the schemas of the values of keys matching each pattern (a tag
    /// map's values).
    pub(super) pattern_props: Option<&'static [(&'static str, Node)]>,
    /// `additionalProperties` as a schema: that of the values of the keys no property names.
    pub(super) extra: Option<&'static Node>,
    /// `cases`: alternatives told apart by one property's value (`{"key": "Type", "of":
    /// {"CAN_INTERFACE": node, ...}}`, an IoT FleetWise decoder manifest's network
    /// interfaces).
    pub(super) cases: Option<&'static Node>,
}

impl View {
    pub(super) fn of(n: &'static Node) -> View {
        let n = n.force();
        let mut v = View::default();
        let Some(m) = n.as_object() else { return v };
        for (k, x) in m {
            match *k {
                "type" => v.types = Some(x),
                "$ref" => v.reference = x.as_str(),
                "properties" => v.props = Some(x).filter(|x| x.as_object().is_some()),
                "additionalProperties" => {
                    v.closed = x == &Node::Bool(false);
                    v.extra = Some(x).filter(|x| x.as_object().is_some());
                }
                "cases" => v.cases = Some(x),
                "required" => v.required = Some(x),
                "items" => v.items = Some(x),
                "enum" => v.allowed = x.as_array(),
                "ci" => v.ci = x == &Node::Bool(true),
                "pattern" => v.pattern = x.as_str(),
                "format" => v.format = Some(x),
                "dependentExcluded" => v.excluded = Some(x),
                "dependentRequired" => v.dependent = Some(x),
                "requiredSets" => v.sets = Some(x),
                "minLength" => v.min_len = x.as_f64(),
                "maxLength" => v.max_len = x.as_f64(),
                "minimum" => v.min = x.as_f64(),
                "maximum" => v.max = x.as_f64(),
                "minItems" => v.min_items = x.as_f64(),
                "maxItems" => v.max_items = x.as_f64(),
                "minProperties" => v.min_entries = x.as_f64(),
                "maxProperties" => v.max_entries = x.as_f64(),
                "multipleOf" => v.step = x.as_f64(),
                "uniqueItems" => v.unique = x == &Node::Bool(true),
                "uniqueKeys" => v.unique_keys = Some(x),
                "prefixItems" => v.first_items = x.as_array(),
                "patternProperties" => v.pattern_props = x.as_object(),
                _ => {}
            }
        }
        v
    }
}

/// Walks a value against a schema node.
pub(super) struct Walk<'a, 't> {
    pub(super) cx: &'a mut Cx<'t>,
    pub(super) schema: &'static Node,
    pub(super) id: &'t str,
    pub(super) ty: &'t str,
    /// For a SAM resource, what the template's `Globals` may give it.
    pub(super) globals: SamGlobals<'t>,
    /// How many `Fn::If` branches the walk is in: a parameter there may be guarded by the
    /// condition, so its allowed values are not judged.
    pub(super) guarded: usize,
    /// The views of the schema nodes met so far, by node address ([`Walk::resolve`]).
    pub(super) views: &'a mut crate::model::fasthash::FastMap<usize, Rc<View>>,
}

/// The properties `aws cloudformation package` replaces: written as a local path (or an S3
/// URL) where the resource type wants a mapping, the command uploads the artifact and writes
/// the mapping. <https://docs.aws.amazon.com/cli/latest/reference/cloudformation/package.html>
pub(super) const PACKAGED: [(&str, &str); 5] = [
    ("AWS::Lambda::Function", "Code"),
    ("AWS::Lambda::LayerVersion", "Content"),
    ("AWS::ApiGateway::RestApi", "BodyS3Location"),
    ("AWS::ElasticBeanstalk::ApplicationVersion", "SourceBundle"),
    ("AWS::StepFunctions::StateMachine", "DefinitionS3Location"),
];

/// The JSON types a schema node allows (its `type`, or `object` for a node with
/// properties), without allocating: a node names at most a few.
pub(super) struct Types {
    pub(super) names: [&'static str; 8],
    pub(super) len: usize,
}

impl Types {
    pub(super) fn of(n: &View) -> Types {
        let mut t = Types {
            names: [""; 8],
            len: 0,
        };
        let mut push = |name: &'static str| {
            if t.len < t.names.len() {
                t.names[t.len] = name;
                t.len += 1;
            }
        };
        match n.types {
            Some(Node::Arr(_)) => n.types.into_iter().flat_map(Node::strs).for_each(&mut push),
            Some(Node::Str(name)) => push(name),
            _ if n.props.is_some() => push("object"),
            _ => {}
        }
        t
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.names[..self.len].iter().copied()
    }

    /// Whether the node takes JSON type `t`.
    pub(super) fn takes(&self, t: &str) -> bool {
        self.iter().any(|x| x == t)
    }

    /// The kinds of value the types take, for a message (`a mapping`, `a list`...).
    pub(super) fn wanted(&self) -> Vec<&'static str> {
        self.iter()
            .map(|t| match t {
                "object" => "a mapping",
                "array" => "a list",
                "integer" => "an integer",
                "number" => "a number",
                "boolean" => "a boolean",
                "string" => "a string",
                other => other,
            })
            .collect()
    }
}

/// What function `f` of `args` gives, when that is known whatever the parameters: text or
/// a list (`true`), with its description for a message. Text: `Ref` to a parameter that is
/// not a list, a pseudo parameter or a resource, `Fn::Sub`, `Fn::Join`, `Fn::Base64`,
/// `Fn::ImportValue`, `Fn::ToJsonString` and an `...Arn` attribute; a list: `Fn::GetAZs`,
/// `Fn::Split`, `Fn::Cidr`, a `Ref` to a list parameter or `AWS::NotificationARNs`.
/// `Fn::FindInMap`, `Fn::Select`, `Fn::If` and other attributes may give anything: `None`.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
pub(super) fn gives(cx: &Cx, f: &str, args: &Json) -> Option<(&'static str, bool)> {
    Some(match f {
        "Ref" => match args.as_str()? {
            "AWS::NoValue" => return None,
            "AWS::NotificationARNs" => ("a list", true),
            name => match cx.parameters.and_then(|p| p.field(name)) {
                Some(param) => {
                    let ty = param.field("Type").and_then(Json::as_str).unwrap_or("");
                    if crate::validate::is_list_type(ty) {
                        ("a list (a list parameter)", true)
                    } else {
                        ("text", false)
                    }
                }
                None if name.starts_with("AWS::") || cx.resource(name).is_some() => ("text", false),
                None => return None,
            },
        },
        "Fn::Sub" | "Fn::Join" | "Fn::Base64" | "Fn::ImportValue" | "Fn::ToJsonString" => {
            ("text", false)
        }
        f if crate::validate::gives_a_list(f) => ("a list", true),
        // An ARN is text, whatever the resource.
        "Fn::GetAtt"
            if crate::validate::getatt_parts(args)
                .1
                .is_some_and(|a| a.ends_with("Arn")) =>
        {
            ("an ARN (text)", false)
        }
        _ => return None,
    })
}

/// The text of scalar `v` where the schema takes it as a string: the string itself, or the
/// text of a boolean (`true`, `false`) or an integer where the property takes a string and
/// not the value's own type (CloudFormation passes such a value to the resource as a string,
/// so the string's length, pattern and format apply to it: `Path: true` is refused as the
/// path `"true"`). A number with a fraction or an exponent has no single text form, and a
/// value the schema takes as its own type is no string: neither has a text here.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/resource-type-schemas.html>
pub(super) fn as_text<'v>(types: &Types, v: &'v Json) -> Option<std::borrow::Cow<'v, str>> {
    use std::borrow::Cow;
    match v {
        Json::String(s) => Some(Cow::Borrowed(s)),
        Json::Bool(b) if types.takes("string") && !types.takes("boolean") => {
            Some(Cow::Borrowed(if *b { "true" } else { "false" }))
        }
        Json::Number(n)
            if types.takes("string") && !types.takes("integer") && !types.takes("number") =>
        {
            if let Some(i) = n.as_i64() {
                Some(Cow::Owned(i.to_string()))
            } else {
                n.as_u64().map(|u| Cow::Owned(u.to_string()))
            }
        }
        _ => None,
    }
}

pub(super) fn conforms(t: &str, v: &Json) -> bool {
    if let Json::String(s) = v
        && crate::validate::has_dynamic_reference(s)
    {
        // Resolved at deploy time to a string, which CloudFormation converts like any other
        // string value: only a mapping or a list cannot come from one.
        return !matches!(t, "object" | "array");
    }
    match t {
        "string" => matches!(v, Json::String(_) | Json::Number(_) | Json::Bool(_)),
        "integer" => match v {
            Json::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            Json::String(s) => s.trim().parse::<i64>().is_ok(),
            _ => false,
        },
        "number" => match v {
            Json::Number(_) => true,
            Json::String(s) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
            _ => false,
        },
        "boolean" => match v {
            Json::Bool(_) => true,
            Json::String(s) => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
            _ => false,
        },
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => true,
    }
}

pub(super) fn canonical(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        _ => None,
    }
}

/// Could `s` parse as a number (cheap test before parsing)?
pub(super) fn looks_numeric(s: &str) -> bool {
    s.trim_start()
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
}

/// A schema value (an `enum` member) as text, like [`canonical`].
pub(super) fn canonical_node(v: &Node) -> Option<String> {
    match v {
        Node::Str(s) => Some((*s).to_owned()),
        Node::Bool(b) => Some(b.to_string()),
        Node::Num(f) => Some(fmt_num(*f)),
        _ => None,
    }
}

pub(super) fn enum_eq(v: &Json, e: &Node, ci: bool) -> bool {
    match (v, e) {
        (Json::String(a), Node::Str(b)) if a == b => return true,
        (Json::Bool(a), Node::Bool(b)) if a == b => return true,
        // The texts of two numbers are equal exactly when their values are (below): compared
        // as values, without writing either.
        (Json::Number(a), Node::Num(b)) => return a.as_f64() == Some(*b),
        // Two strings that differ are equal only ignoring case, or as the same number.
        (Json::String(a), Node::Str(b)) => {
            return (ci && a.eq_ignore_ascii_case(b))
                || (looks_numeric(a)
                    && looks_numeric(b)
                    && matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y));
        }
        _ => {}
    }
    match (canonical(v), canonical_node(e)) {
        (Some(a), Some(b)) => {
            let same = if ci {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            };
            same || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
        }
        _ => false,
    }
}

impl Walk<'_, '_> {
    /// The view of `node`, its `$ref`s to definitions followed (16 at most). Kept per node for the whole
    /// template: the resources of one type meet the same nodes again and again.
    pub(super) fn resolve(&mut self, node: &'static Node) -> Rc<View> {
        let key = std::ptr::from_ref(node) as usize;
        if let Some(v) = self.views.get(&key) {
            return Rc::clone(v);
        }
        let mut v = View::of(node);
        for _ in 0..16 {
            let Some(name) = v.reference else { break };
            match self.schema.get("definitions").and_then(|d| d.get(name)) {
                Some(d) => v = View::of(d),
                None => break,
            }
        }
        let v = Rc::new(v);
        self.views.insert(key, Rc::clone(&v));
        v
    }

    pub(super) fn value(&mut self, node: &'static Node, v: &Json, path: &mut String, depth: usize) {
        // A null is refused wherever it is: reported once, by FF2019 (nulls.rs).
        if depth > 64 || v.is_null() {
            return;
        }
        // A `rain pkg` directive stands where rain writes the value: the template is for rain.
        if let Some(directive) = crate::validate::rain_directive(v) {
            self.cx.report(
                rules::PACKAGE_FIRST,
                Some(self.id),
                path.to_owned(),
                format!(
                    "`{}` is a directive for `rain pkg`, not a value CloudFormation reads",
                    directive.trim_start_matches("Fn::")
                ),
                Some("run `rain pkg` (or `rain deploy`) and deploy the template it writes".into()),
            );
            return;
        }
        // A mapping of the one key `Condition` is data here, checked against the schema.
        if let Some((f, args)) = crate::validate::expression(v) {
            if f == "Fn::If"
                && let Some(a) = args.as_array()
                && a.len() == 3
            {
                self.guarded += 1;
                for branch in &a[1..] {
                    if !crate::validate::is_no_value(branch) {
                        self.value(node, branch, path, depth + 1);
                    }
                }
                self.guarded -= 1;
            } else {
                if f == "Ref" && self.guarded == 0 {
                    self.parameter_values(node, args, path);
                }
                self.function_result(node, f, args, path);
            }
            return;
        }
        let n = self.resolve(node);
        let types = Types::of(&n);
        if !types.is_empty() && !types.iter().any(|t| conforms(t, v)) {
            let found = kind_of(v);
            let want = types.wanted();
            let top = path
                .strip_prefix(self.id)
                .and_then(|p| p.strip_prefix(".Properties."));
            if v.is_string()
                && want == ["a mapping"]
                && PACKAGED
                    .iter()
                    .any(|&(t, p)| t == self.ty && Some(p) == top)
            {
                self.cx.report(
                    rules::PACKAGE_FIRST,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "{} is a path for `aws cloudformation package`, not a value \
                         CloudFormation reads",
                        crate::validate::shown(v)
                    ),
                    Some(
                        "run `aws cloudformation package` and deploy the template it writes".into(),
                    ),
                );
                return;
            }
            self.cx.report(
                rules::VALUE_TYPE,
                Some(self.id),
                path.to_owned(),
                format!(
                    "expected {}, found {found} {}",
                    want.join(" or "),
                    crate::validate::shown(v)
                ),
                None,
            );
            return;
        }
        match v {
            Json::Object(m) => {
                if !n.cases.is_some_and(|c| self.case(c, v, m, path, depth)) {
                    self.object(&n, m, path, depth);
                }
            }
            Json::Array(a) => {
                let len = a.len() as f64;
                let (min, max) = (n.min_items, n.max_items);
                if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                    self.cx.report(
                        rules::ARRAY_SIZE,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "the list has {} item{}",
                            a.len(),
                            if a.len() == 1 { "" } else { "s" }
                        ),
                        Some(range_hint("items", min, max)),
                    );
                }
                if n.unique {
                    self.duplicates(a, path);
                }
                if let Some(keys) = n.unique_keys {
                    self.duplicate_keys(a, keys, path);
                }
                if let Some(items) = n.items {
                    for (i, item) in a.iter().enumerate() {
                        let len = path.len();
                        crate::validate::push_index(path, i);
                        self.value(items, item, path, depth + 1);
                        path.truncate(len);
                    }
                }
                // What the first items' own schemas add: a finding the items' schema made
                // already (a required key both name) is not repeated.
                for (i, (first, item)) in
                    n.first_items.unwrap_or_default().iter().zip(a).enumerate()
                {
                    let len = path.len();
                    crate::validate::push_index(path, i);
                    let before = self.cx.diags.len();
                    self.value(first, item, path, depth + 1);
                    let added = self.cx.diags.split_off(before);
                    for d in added {
                        let seen = self.cx.diags.iter().any(|o| {
                            o.rule == d.rule && o.path == d.path && o.message == d.message
                        });
                        if !seen {
                            self.cx.diags.push(d);
                        }
                    }
                    path.truncate(len);
                }
            }
            _ => {
                let text = as_text(&types, v);
                self.scalar(&n, v, text.as_deref(), path.as_str());
            }
        }
    }

    /// FF2028 (a warning) for each item of a list the schema says holds unique items that
    /// repeats an earlier one, written alike (the same text, or the same expression: two
    /// `!Ref X` give one value). An item holding `Fn::If` may differ and is not compared.
    pub(super) fn duplicates(&mut self, a: &[Json], path: &str) {
        for (i, item) in a.iter().enumerate() {
            if crate::validate::has_if(item) {
                continue;
            }
            if let Some(j) = a[..i].iter().position(|x| x == item) {
                self.cx.report(
                    rules::DUPLICATE_ITEM,
                    Some(self.id),
                    format!("{path}[{i}]"),
                    format!(
                        "{} is already item {j} of the list, whose items are unique",
                        crate::validate::shown(item)
                    ),
                    Some("remove the repeated item".into()),
                );
            }
        }
    }

    /// FF2028 (a warning) for each mapping item of a list whose items the schema says are
    /// unique by some keys (cfn-lint's `uniqueKeys`: a container's environment variables by
    /// `Name`, a table's attribute definitions by `AttributeName`) that has the values of an
    /// earlier item for all of them, written alike. Items holding `Fn::If`, or lacking a key,
    /// are not compared.
    pub(super) fn duplicate_keys(&mut self, a: &[Json], keys: &'static Node, path: &str) {
        fn key_values<'j>(item: &'j Json, keys: &'static Node) -> Option<Vec<&'j Json>> {
            if crate::validate::has_if(item) {
                return None;
            }
            let m = item.as_object()?;
            if crate::validate::has_fn_key(m) {
                return None;
            }
            keys.strs().map(|k| m.field(k)).collect()
        }
        let values: Vec<Option<Vec<&Json>>> = a.iter().map(|x| key_values(x, keys)).collect();
        for (i, vi) in values.iter().enumerate() {
            let Some(vi) = vi else { continue };
            if let Some(j) = values[..i].iter().position(|vj| vj.as_ref() == Some(vi)) {
                let names: Vec<String> = keys.strs().map(|k| format!("`{k}`")).collect();
                let shown: Vec<String> = vi.iter().map(|v| crate::validate::shown(v)).collect();
                self.cx.report(
                    rules::DUPLICATE_ITEM,
                    Some(self.id),
                    format!("{path}[{i}]"),
                    format!(
                        "item {i} has the {} of item {j} ({}), but the list's items are unique by {}",
                        names.join(" and "),
                        shown.join(", "),
                        names.join(" and ")
                    ),
                    Some("remove one of the two, or tell them apart".into()),
                );
            }
        }
    }

    /// A `Ref` to a parameter with `AllowedValues`, where the schema takes a value of one
    /// kind: each allowed value is checked as if written here (enum, pattern, length,
    /// range), and a finding names the value (`(when LaunchType = X)`). Its `Default` alone
    /// is not judged (any value may be given), nor a `Ref` inside an `Fn::If` (the
    /// condition may exclude the value), nor a list parameter.
    pub(super) fn parameter_values(&mut self, node: &'static Node, args: &Json, path: &str) {
        let Some(name) = args.as_str() else { return };
        let Some(param) = self.cx.parameters.and_then(|p| p.field(name)) else {
            return;
        };
        if !matches!(
            param.field("Type").and_then(Json::as_str),
            Some("String" | "Number")
        ) {
            return;
        }
        let Some(values) = crate::validate::resolve::allowed_values(param) else {
            return;
        };
        let n = self.resolve(node);
        if n.props.is_some() || n.items.is_some() {
            return;
        }
        for v in values {
            let before = self.cx.diags.len();
            self.scalar(&n, &v, v.as_str(), path);
            let shown = crate::validate::resolve::scalar_text(&v);
            for d in &mut self.cx.diags[before..] {
                d.message.push_str(&format!(" (when {name} = {shown})"));
            }
        }
    }

    /// A function whose result is of a kind the schema does not take: text (`Ref`, `Fn::Sub`,
    /// `Fn::Join`, `Fn::Base64`, `Fn::ImportValue`, `Fn::ToJsonString`, an `...Arn`
    /// attribute) where only a list or a mapping is taken, or a list (`Fn::GetAZs`,
    /// `Fn::Split`, `Fn::Cidr`, a `Ref` to a list parameter or `AWS::NotificationARNs`) where
    /// no list is. CloudFormation refuses the resource ("Value of property ... must be of
    /// type ..."): the value is never of a kind the property takes. Text where a number or
    /// a boolean is taken is fine (CloudFormation converts it). `Fn::FindInMap`,
    /// `Fn::Select` and other attributes may give anything and are not judged; nor is a
    /// template a macro or an include may rewrite.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
    pub(super) fn function_result(
        &mut self,
        node: &'static Node,
        f: &str,
        args: &Json,
        path: &str,
    ) {
        let Some((gives, list)) = gives(self.cx, f, args) else {
            return;
        };
        if self.cx.generated.rewrites_anything() {
            return;
        }
        let types = Types::of(&self.resolve(node));
        let refused = if list {
            !types.takes("array")
        } else {
            !["string", "integer", "number", "boolean"]
                .into_iter()
                .any(|t| types.takes(t))
        };
        if types.is_empty() || !refused {
            return;
        }
        let parameter = (f == "Ref")
            .then(|| args.as_str())
            .flatten()
            .filter(|n| self.cx.parameters.and_then(|p| p.field(n)).is_some());
        let hint = match parameter {
            Some(p) if types.takes("array") => format!(
                "make `{p}` a list parameter (CommaDelimitedList, or List<...> of an AWS type), or write the list here"
            ),
            Some(p) if list => format!(
                "take one item (`Fn::Select: [0, !Ref {p}]`), or make `{p}` a parameter of one value"
            ),
            _ if types.takes("object") && !types.takes("array") => {
                "write the mapping here (its keys and values may use functions)".to_owned()
            }
            _ if types.takes("array") => "write the list here (its items may use functions)".to_owned(),
            _ => "give one value: a function that gives one item (Fn::Select, Fn::Join) or the value itself"
                .to_owned(),
        };
        self.cx.report(
            rules::VALUE_TYPE,
            Some(self.id),
            path.to_owned(),
            format!(
                "expected {}, found {f}, which gives {gives}",
                types.wanted().join(" or ")
            ),
            Some(hint),
        );
    }

    /// The checks of a scalar `v`; `text` is the string CloudFormation makes of it for a
    /// property that takes a string (see [`as_text`]): its length, pattern and format are
    /// checked.
    pub(super) fn scalar(&mut self, n: &View, v: &Json, text: Option<&str>, path: &str) {
        if let Json::String(s) = v
            && crate::validate::has_dynamic_reference(s)
        {
            // The value is known only at deploy time (see `has_dynamic_reference`).
            return;
        }
        if let Some(allowed) = n.allowed {
            let ci = n.ci;
            if !allowed.iter().any(|e| enum_eq(v, e, ci)) {
                let names: Vec<String> = allowed.iter().filter_map(canonical_node).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let hint = allowed_hint(v.as_str(), &names, ci);
                self.cx.report(
                    rules::ENUM_VALUE,
                    Some(self.id),
                    path.to_owned(),
                    format!("{} is not an allowed value", crate::validate::shown(v)),
                    Some(hint),
                );
                return;
            }
        }
        if let Some(s) = text {
            let len = s.chars().count() as f64;
            let (min, max) = (n.min_len, n.max_len);
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                self.cx.report(
                    rules::STRING_LENGTH,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "the string is {} character{} long",
                        len,
                        if len == 1.0 { "" } else { "s" }
                    ),
                    Some(range_hint("characters", min, max)),
                );
                return;
            }
            if let Some(p) = n.pattern
                && pattern::matches(p, s) == Some(false)
            {
                self.cx.report(
                    rules::STRING_PATTERN,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "{} does not match the pattern `{p}`",
                        crate::validate::shown(v)
                    ),
                    None,
                );
                return;
            }
            crate::validate::formats::check(self.cx, self.id, self.ty, path, n.format, s);
        }
        let (min, max) = (n.min, n.max);
        if (min.is_some() || max.is_some())
            && let Some(x) = lit_num(Some(v))
            && (min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m))
        {
            self.cx.report(
                rules::NUMBER_RANGE,
                Some(self.id),
                path.to_owned(),
                format!("{} is out of range", crate::validate::shown(v)),
                Some(range_hint("", min, max)),
            );
        }
        if let Some(step) = n.step
            && let Some(x) = lit_num(Some(v))
            && !is_multiple(x, step)
        {
            self.cx.report(
                rules::NUMBER_RANGE,
                Some(self.id),
                path.to_owned(),
                format!(
                    "{} is not a multiple of {}",
                    crate::validate::shown(v),
                    fmt_num(step)
                ),
                Some(format!("allowed: multiples of {}", fmt_num(step))),
            );
        }
    }

    pub(super) fn object(
        &mut self,
        n: &View,
        m: &serde_json::Map<String, Json>,
        path: &mut String,
        depth: usize,
    ) {
        if crate::validate::has_fn_key(m) {
            return;
        }
        self.entries(n, m, path);
        let props = n.props;
        let closed = n.closed;
        for (k, v) in m {
            let len = path.len();
            path.push('.');
            path.push_str(k);
            match props.and_then(|p| p.get(k)) {
                Some(pn) => self.value(pn, v, path, depth + 1),
                // A key no property names: the schemas of the patterns it matches (every
                // one that matches applies; a pattern that cannot be checked, none).
                None if n.pattern_props.is_some() => {
                    for (pattern, pn) in n.pattern_props.into_iter().flatten() {
                        if pattern::matches(pattern, k) == Some(true) {
                            self.value(pn, v, path, depth + 1);
                        }
                    }
                }
                None if closed => {
                    let hint = match suggest(k, settable(self.schema, props)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => {
                            let all: Vec<&str> = settable(self.schema, props).collect();
                            if all.len() <= 30 {
                                format!("known properties: {}", all.join(", "))
                            } else {
                                format!(
                                    "{} known properties; see the resource's documentation",
                                    all.len()
                                )
                            }
                        }
                    };
                    self.cx.report(
                        rules::UNKNOWN_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!("unknown property `{k}`"),
                        Some(hint),
                    );
                }
                None => {
                    if let Some(x) = n.extra {
                        self.value(x, v, path, depth + 1);
                    }
                }
            }
            path.truncate(len);
        }
        self.excluded(n, m, path);
        if !data::is_sam(self.ty) {
            self.required_sets(n, m, path);
            self.dependent_required(n, m, path);
        }
        // The top-level property this mapping is (in): Globals may give what it lacks.
        let top = path
            .strip_prefix(self.id)
            .and_then(|p| p.strip_prefix(".Properties"))
            .map(|p| p.trim_start_matches('.'))
            .map(|p| p.split(['.', '[']).next().unwrap_or(""));
        for req in n.required.into_iter().flat_map(Node::strs) {
            let from_globals = match top {
                Some("") => self.globals.may_give(req),
                Some(t) => self.globals.may_give(t),
                None => false,
            };
            if m.field(req).is_none() && !from_globals {
                self.cx.report(
                    rules::REQUIRED_PROPERTY,
                    Some(self.id),
                    path.to_owned(),
                    format!("missing the required property `{req}`"),
                    None,
                );
            }
            if let Some(v) = m.field(req)
                && !from_globals
            {
                if crate::validate::is_no_value(v) {
                    // `AWS::NoValue` removes the property: as good as not written.
                    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html#cfn-pseudo-param-novalue
                    self.cx.report(
                        rules::REQUIRED_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "missing the required property `{req}`: its value, AWS::NoValue, \
                             removes it"
                        ),
                        None,
                    );
                }
                self.removed_required(req, v, path);
            }
        }
    }

    /// A mapping where the schema's alternatives are told apart by one property (`cases`: a
    /// decoder manifest's network interfaces by `Type`): checked against the alternative its value names,
    /// whole, as JSON Schema has it (a mapping can satisfy no other). A value that names
    /// none is reported (FF2005), as is one that is no string (FF2004) and a mapping without
    /// the property (FF2003): no alternative can hold then, and what else is wrong depends on
    /// the one meant. Returns false, for the node to be checked as it is (a mapping), when the
    /// property's value is not written out (an expression) or the mapping is an expression.
    /// <https://json-schema.org/understanding-json-schema/reference/combining#anyOf>
    pub(super) fn case(
        &mut self,
        cases: &'static Node,
        v: &Json,
        m: &serde_json::Map<String, Json>,
        path: &mut String,
        depth: usize,
    ) -> bool {
        let (Some(key), Some(of)) = (
            cases.get("key").and_then(Node::as_str),
            cases.get("of").and_then(Node::as_object),
        ) else {
            return false;
        };
        if crate::validate::has_fn_key(m) {
            return false;
        }
        let names: Vec<&str> = of.iter().map(|(tag, _)| *tag).collect();
        let one_of = || format!("`{key}` is one of: {}", names.join(", "));
        match m.field(key) {
            Some(Json::String(tag)) => {
                if let Some((_, alt)) = of.iter().find(|(t, _)| t == tag) {
                    self.value(alt, v, path, depth + 1);
                    return true;
                }
                let hint = allowed_hint(Some(tag), &names, false);
                self.cx.report(
                    rules::ENUM_VALUE,
                    Some(self.id),
                    format!("{path}.{key}"),
                    format!(
                        "{} is not an allowed value",
                        crate::validate::shown(&m[key])
                    ),
                    Some(hint),
                );
                true
            }
            None => {
                self.cx.report(
                    rules::REQUIRED_PROPERTY,
                    Some(self.id),
                    path.to_owned(),
                    format!("missing the required property `{key}`"),
                    Some(one_of()),
                );
                true
            }
            Some(tag) if crate::validate::expression(tag).is_some() => false,
            Some(tag) => {
                self.cx.report(
                    rules::VALUE_TYPE,
                    Some(self.id),
                    format!("{path}.{key}"),
                    format!(
                        "expected a string, found {} {}",
                        kind_of(tag),
                        crate::validate::shown(tag)
                    ),
                    Some(one_of()),
                );
                true
            }
        }
    }

    /// FF2032 (warning): a required property whose value is an `Fn::If` with an
    /// `AWS::NoValue` branch, on a resource created whatever the condition: when the
    /// condition goes the other way the property is missing and CloudFormation cannot create
    /// the resource; for the other parameter values the stack deploys (as a conditional
    /// reference does, FF3011). Not judged inside another `Fn::If` or on a resource with a
    /// `Condition` (which may imply the property's), nor when the template's parameters
    /// show the condition always goes the property's way.
    /// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html#cfn-pseudo-param-novalue>
    pub(super) fn removed_required(&mut self, req: &str, v: &Json, path: &str) {
        let Some(("Fn::If", Json::Array(a))) = intrinsic(v) else {
            return;
        };
        let (Some(Json::String(cond)), Some(yes), Some(no)) = (a.first(), a.get(1), a.get(2))
        else {
            return;
        };
        let removed_when = match (
            crate::validate::is_no_value(yes),
            crate::validate::is_no_value(no),
        ) {
            (false, true) => false,
            (true, false) => true,
            _ => return,
        };
        if self.guarded > 0
            || self
                .cx
                .resource(self.id)
                .is_some_and(|r| r.field("Condition").is_some())
        {
            return;
        }
        // Whether some case of the parameters (or one not known) sends the condition to the
        // branch that removes the property.
        let test = serde_json::json!({"Fn::If": [cond, true, false]});
        let cases = crate::validate::resolve::scenarios(self.cx, &[&test]);
        let known_never = !cases.is_empty()
            && cases
                .iter()
                .all(|c| c.values[0] == Some(Json::Bool(!removed_when)));
        if known_never {
            return;
        }
        let side = if removed_when { "true" } else { "false" };
        self.cx.report(
            rules::REQUIRED_REMOVED,
            Some(self.id),
            format!("{path}.{req}"),
            format!(
                "the required property `{req}` is AWS::NoValue when condition `{cond}` is {side}: the resource cannot be created then"
            ),
            Some(format!(
                "give `{req}` a value in both branches, or create the resource only under the condition (Condition: {cond})"
            )),
        );
    }
}

/// The hint for a value that is none of the allowed `names`: the nearest name when one is
/// near, then the names (the first 24 of a longer list); `ci` when case does not matter.
fn allowed_hint(value: Option<&str>, names: &[&str], ci: bool) -> String {
    let listed = if names.len() > 24 {
        format!("{}, ... ({} values)", names[..24].join(", "), names.len())
    } else {
        names.join(", ")
    };
    let allowed = if ci {
        "allowed, in any case"
    } else {
        "allowed"
    };
    match value.and_then(|s| suggest(s, names.iter().copied())) {
        Some(c) => format!("did you mean `{c}`? {allowed}: {listed}"),
        None => format!("{allowed}: {listed}"),
    }
}

/// The names of `props` (a node of the type `schema`) a template may set: at the top level,
/// those the schema does not list as read-only (FF2037), which a "did you mean" must not
/// offer.
pub(super) fn settable(
    schema: &'static Node,
    props: Option<&'static Node>,
) -> impl Iterator<Item = &'static str> {
    let read_only = match (props, schema.get("properties")) {
        (Some(p), Some(top)) if std::ptr::eq(p, top) => schema.get("readOnly"),
        _ => None,
    };
    props
        .and_then(Node::as_object)
        .unwrap_or_default()
        .iter()
        .map(|(k, _)| *k)
        .filter(move |k| !read_only.is_some_and(|r| r.strs().any(|n| n == *k)))
}

/// Whether `x` is a whole multiple of `step` (> 0), allowing for the rounding of binary
/// fractions (`12.3` is a multiple of `0.1`).
pub(super) fn is_multiple(x: f64, step: f64) -> bool {
    let q = x / step;
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

/// A schema number as text: Rust writes a whole `f64` without a fraction or an exponent
/// (`900`, `1000000000000000`), as the schemas' integers read.
pub(super) fn fmt_num(x: f64) -> String {
    x.to_string()
}

pub(super) fn range_hint(unit: &str, min: Option<f64>, max: Option<f64>) -> String {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match (min, max) {
        (Some(a), Some(b)) => format!("allowed: {} to {}{unit}", fmt_num(a), fmt_num(b)),
        (Some(a), None) => format!("allowed: at least {}{unit}", fmt_num(a)),
        (None, Some(b)) => format!("allowed: at most {}{unit}", fmt_num(b)),
        (None, None) => String::new(),
    }
}
