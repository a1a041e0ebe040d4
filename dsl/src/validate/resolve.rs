//! What a value can be at deploy time, worked out offline so that rules can check values that
//! are expressions: a parameter's `AllowedValues` (or its `Default`), both branches of `Fn::If`
//! (or the branch its condition takes under the assumed parameters), and the mapping rows
//! `Fn::FindInMap` reaches.
//!
//! Values are resolved *jointly*: [`scenarios`] enumerates assignments of the parameters and
//! conditions the given values depend on, and evaluates every value under each one, so that a
//! task's `Cpu` and `Memory` taken from one mapping row are checked as a pair, never crossed
//! with another row's. Anything that cannot be known offline (a resource attribute, a pseudo
//! parameter, a parameter without `AllowedValues` or `Default`) makes that value unknown in
//! that scenario, and the rules say nothing about it: no false alarms.
//!
//! [`guaranteed`] answers the other question the rules ask: must a condition be true where
//! others are asserted (an `Fn::If` branch, a resource's `Condition`)? There only
//! `AllowedValues` count (a `Default` is not the only value a parameter can take).

use super::{Cx, intrinsic};
use crate::model::json::Field;
use crate::model::render::Json;

/// At most this many scenarios are evaluated for one check; beyond it the values are left
/// unchecked (a template with that many combinations of parameters is checked literal by
/// literal only).
const MAX_SCENARIOS: usize = 256;

/// One assignment of the parameters and conditions a set of values depends on, with the
/// values under it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Scenario {
    /// How the assignment reads in a diagnostic: `Env = prod; mapping Sizes, key prod`.
    pub label: String,
    /// Each value under the assignment; `None` where it cannot be known.
    pub values: Vec<Option<Json>>,
}

impl Scenario {
    /// The assignment as a message's suffix: ` (when Env = prod)`, or nothing for literals.
    pub(crate) fn when(&self) -> String {
        if self.label.is_empty() {
            String::new()
        } else {
            format!(" (when {})", self.label)
        }
    }

    /// Value `i` as a number, when it is one (a literal number or numeric text).
    pub(crate) fn num(&self, i: usize) -> Option<f64> {
        super::lit_num(self.values.get(i)?.as_ref())
    }

    /// Value `i` of values given with [`UNSET`] for properties left out: `None` when it is
    /// not known in this case, `Some(None)` when the property is not set, else the value.
    pub(crate) fn given(&self, i: usize) -> Option<Option<&Json>> {
        match self.values.get(i)? {
            None => None,
            Some(Json::Null) => Some(None),
            Some(v) => Some(Some(v)),
        }
    }
}

/// Stands, among the values given to [`cases`], for a property that is not set (a rule
/// whose default applies then): [`Scenario::given`] reads it back as `Some(None)`.
pub(crate) static UNSET: Json = Json::Null;

/// The values a rule judges together: every [`scenarios`] case when a value is an
/// expression this module can follow, else one case of the values as written (no label),
/// where an expression is `None`: a literal beside an expression nothing can follow (or
/// beside more combinations than [`MAX_SCENARIOS`]) is still judged. A rule loops over the
/// cases and says nothing of a value that is `None`.
pub(crate) fn cases(cx: &Cx, values: &[&Json]) -> Vec<Scenario> {
    if values.iter().any(|v| super::is_expr(v)) {
        let all = scenarios(cx, values);
        if !all.is_empty() {
            return all;
        }
    }
    vec![Scenario {
        label: String::new(),
        values: values
            .iter()
            .map(|v| (!super::is_expr(v)).then(|| (*v).clone()))
            .collect(),
    }]
}

/// The cases in which the number `low` is greater than the number `high` (a minimum above
/// its maximum): each as (low, high, [`Scenario::when`]), as written or for every pair the
/// parameters, conditions and mapping rows give.
pub(crate) fn inverted(cx: &Cx, low: &Json, high: &Json) -> Vec<(f64, f64, String)> {
    cases(cx, &[low, high])
        .into_iter()
        .filter_map(|case| {
            let (a, b) = (case.num(0)?, case.num(1)?);
            (a > b).then(|| (a, b, case.when()))
        })
        .collect()
}

#[derive(Clone, Debug)]
enum Var<'t> {
    Param(&'t str, Vec<Json>),
    Cond(&'t str),
}

/// The scenarios of `values` (see the module documentation). Empty when no value is an
/// expression this module can follow, or when there are more than [`MAX_SCENARIOS`].
pub(crate) fn scenarios(cx: &Cx, values: &[&Json]) -> Vec<Scenario> {
    let mut vars: Vec<Var> = Vec::new();
    for v in values {
        collect(cx, v, &mut vars, 0);
    }
    let mut out: Vec<Scenario> = Vec::new();
    each_assignment(cx, &vars, |env| {
        let values: Vec<Option<Json>> = values.iter().map(|v| env.eval(v, 0)).collect();
        let s = Scenario {
            label: env.label(),
            values,
        };
        if !out.contains(&s) {
            out.push(s);
        }
    });
    out
}

/// Calls `f` with every assignment of `vars` that is consistent (a condition the
/// parameters decide agrees with them). None when `vars` is empty or has more than
/// [`MAX_SCENARIOS`] assignments.
fn each_assignment<'c, 't>(cx: &'c Cx<'t>, vars: &[Var<'t>], mut f: impl FnMut(&mut Env<'c, 't>)) {
    if vars.is_empty() {
        return;
    }
    let mut total: usize = 1;
    for v in vars {
        let n = match v {
            Var::Param(_, domain) => domain.len().max(1),
            Var::Cond(_) => 2,
        };
        total = total.saturating_mul(n);
        if total > MAX_SCENARIOS {
            return;
        }
    }
    for index in 0..total {
        let mut rest = index;
        let mut params: Vec<(&str, Option<Json>)> = Vec::new();
        let mut conds: Vec<(&str, bool)> = Vec::new();
        for v in vars {
            match v {
                Var::Param(name, domain) => {
                    let n = domain.len().max(1);
                    params.push((name, domain.get(rest % n).cloned()));
                    rest /= n;
                }
                Var::Cond(name) => {
                    conds.push((name, rest % 2 == 0));
                    rest /= 2;
                }
            }
        }
        let mut env = Env {
            cx,
            params,
            conds,
            notes: Vec::new(),
            changed: false,
            named: false,
        };
        // A condition the parameters decide must agree with them: skip impossible scenarios.
        let consistent =
            env.conds
                .clone()
                .into_iter()
                .all(|(name, assumed)| match env.condition(name, 0) {
                    Some(actual) => actual == assumed,
                    None => true,
                });
        if consistent {
            f(&mut env);
        }
    }
}

/// The template as it would be deployed in one assignment of the parameters and
/// conditions some of its resources depend on (see [`specialized`]).
pub(crate) struct Specialized {
    /// The template's body with those resources' properties worked out.
    pub body: Json,
    /// What the assignment says, in the order met: each parameter with its value as text
    /// (`Env = prod`), and each condition the parameters do not decide with the truth
    /// assumed (`condition InUsEast1 is false`); with the name of the parameter or
    /// condition.
    said: Vec<(String, String)>,
    /// The mapping rows used.
    notes: Vec<String>,
}

impl Specialized {
    /// The assignment as a message's suffix (` (when Env = prod)`), naming only the
    /// parameters and conditions in `names` when any of them is assigned (else all).
    pub(crate) fn when(&self, names: &[String]) -> String {
        let mut shown: Vec<String> = self
            .said
            .iter()
            .filter(|(n, _)| names.contains(n))
            .map(|(_, text)| text.clone())
            .collect();
        if shown.is_empty() {
            shown = self.said.iter().map(|(_, text)| text.clone()).collect();
        }
        shown.extend(self.notes.iter().cloned());
        shown.dedup();
        if shown.is_empty() {
            String::new()
        } else {
            format!(" (when {})", shown.join("; "))
        }
    }
}

/// Every assignment of the parameters and conditions the resources `ids` depend on (their
/// properties and `Condition`s), each with the template as it would be under it: in those
/// resources' properties a `Ref` to a `String` or `Number` parameter is its value, an
/// `Fn::If` whose condition is known is its branch (`AWS::NoValue` removes the property or
/// item), an `Fn::FindInMap` whose keys are known is the mapping's value when that is a
/// scalar; a resource whose
/// condition is false is left out. What cannot be known stays as written. Each case that
/// changes something is given to `f` in turn (one copy of the template at a time); returns
/// how many cases there were, those that change nothing included: none when nothing can be
/// followed or beyond [`MAX_SCENARIOS`] assignments.
pub(crate) fn specialized(cx: &Cx, ids: &[&str], mut f: impl FnMut(Specialized)) -> usize {
    if cx.resources.is_none() {
        return 0;
    }
    let mut vars: Vec<Var> = Vec::new();
    for r in ids.iter().filter_map(|id| cx.resource(id)) {
        resource_vars(cx, r, &mut vars);
    }
    let mut count = 0;
    each_assignment(cx, &vars, |env| {
        count += 1;
        let mut body = cx.body.clone();
        if let Some(Json::Object(rs)) = body.get_mut("Resources") {
            for id in ids {
                let Some(Json::Object(r)) = rs.get_mut(*id) else {
                    continue;
                };
                if let Some(Json::String(c)) = r.field("Condition")
                    && env.assumed(c) == Some(false)
                {
                    rs.shift_remove(*id);
                    env.changed = true;
                    continue;
                }
                if let Some(p) = r.field("Properties")
                    && let Some(p) = env.partial(p, 0)
                {
                    r.insert("Properties".to_owned(), p);
                }
            }
        }
        let mut said: Vec<(String, String)> = env
            .assigned()
            .filter(|(n, _)| scalar_parameter(cx, n))
            .map(|(n, text)| (n.to_owned(), text))
            .collect();
        for (name, assumed) in env.conds.clone() {
            if env.condition(name, 0).is_none() {
                said.push((name.to_owned(), format!("condition {name} is {assumed}")));
            }
        }
        // A case that changes nothing is the template as written, already judged.
        if env.changed {
            f(Specialized {
                body,
                said,
                notes: env.notes.clone(),
            });
        }
    });
    count
}

/// Whether parameter `name` is a `String` or a `Number`, which a `Ref` gives as one value
/// ([`specialized`] replaces only those: a list parameter's value is a list).
fn scalar_parameter(cx: &Cx, name: &str) -> bool {
    cx.parameters
        .and_then(|p| p.field(name))
        .and_then(|p| p.field("Type"))
        .and_then(Json::as_str)
        .is_some_and(|t| matches!(t, "String" | "Number"))
}

/// Adds to `vars` the parameters and conditions the resource `r` depends on: those of its
/// properties and of its `Condition`, directly or through the conditions they use.
fn resource_vars<'t>(cx: &Cx<'t>, r: &'t Json, vars: &mut Vec<Var<'t>>) {
    if let Some(p) = r.field("Properties") {
        collect(cx, p, vars, 0);
    }
    if let Some(Json::String(c)) = r.field("Condition") {
        add_condition(cx, c, vars, 0);
    }
}

/// The names of the parameters and conditions the resource `r` depends on
/// ([`resource_vars`]).
pub(crate) fn depends_on(cx: &Cx, r: &Json) -> Vec<String> {
    let mut vars: Vec<Var> = Vec::new();
    resource_vars(cx, r, &mut vars);
    vars.into_iter()
        .map(|v| match v {
            Var::Param(n, _) | Var::Cond(n) => n.to_owned(),
        })
        .collect()
}

/// A scalar as the text CloudFormation passes for it (`15`, `true`, `prod`).
pub(crate) fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The variables `v` depends on, added to `vars` once each.
fn collect<'t>(cx: &Cx<'t>, v: &'t Json, vars: &mut Vec<Var<'t>>, depth: usize) {
    if depth > 32 {
        return;
    }
    match v {
        Json::Object(m) => {
            if let Some(("Ref", Json::String(name))) = intrinsic(v) {
                if let Some(domain) = param_domain(cx, name)
                    && !vars
                        .iter()
                        .any(|x| matches!(x, Var::Param(n, _) if n == name))
                {
                    vars.push(Var::Param(name, domain));
                }
                return;
            }
            if let Some(("Fn::If", Json::Array(a))) = intrinsic(v)
                && let Some(Json::String(cond)) = a.first()
            {
                add_condition(cx, cond, vars, depth + 1);
            }
            for x in m.values() {
                collect(cx, x, vars, depth + 1);
            }
        }
        Json::Array(a) => {
            for x in a {
                collect(cx, x, vars, depth + 1);
            }
        }
        _ => {}
    }
}

fn add_condition<'t>(cx: &Cx<'t>, name: &'t str, vars: &mut Vec<Var<'t>>, depth: usize) {
    if depth > 32 || vars.iter().any(|x| matches!(x, Var::Cond(n) if *n == name)) {
        return;
    }
    vars.push(Var::Cond(name));
    if let Some(def) = cx.conditions.and_then(|c| c.field(name)) {
        collect_condition(cx, def, vars, depth + 1);
    }
}

/// Parameters and nested conditions a condition's definition uses.
fn collect_condition<'t>(cx: &Cx<'t>, v: &'t Json, vars: &mut Vec<Var<'t>>, depth: usize) {
    if depth > 32 {
        return;
    }
    match intrinsic(v) {
        Some(("Condition", Json::String(name))) => add_condition(cx, name, vars, depth + 1),
        Some(("Ref", Json::String(_))) => collect(cx, v, vars, depth + 1),
        _ => match v {
            Json::Object(m) => m
                .values()
                .for_each(|x| collect_condition(cx, x, vars, depth + 1)),
            Json::Array(a) => a
                .iter()
                .for_each(|x| collect_condition(cx, x, vars, depth + 1)),
            _ => {}
        },
    }
}

/// The values a parameter is assumed to take: its `AllowedValues`, else its `Default`;
/// `None` for a name that is not a parameter. An empty domain means unknown.
fn param_domain(cx: &Cx, name: &str) -> Option<Vec<Json>> {
    let p = cx.parameters?.field(name)?;
    if let Some(allowed) = allowed_values(p) {
        return Some(allowed);
    }
    Some(p.field("Default").map(as_string).into_iter().collect())
}

/// A parameter's `AllowedValues`, as the strings CloudFormation passes; `None` when it has
/// none (or one is not a scalar).
pub(crate) fn allowed_values(parameter: &Json) -> Option<Vec<Json>> {
    let allowed = parameter.field("AllowedValues")?.as_array()?;
    (!allowed.is_empty() && allowed.iter().all(|x| !x.is_object() && !x.is_array()))
        .then(|| allowed.iter().map(as_string).collect())
}

/// At most this many combinations of allowed values are tried by [`guaranteed`].
const MAX_COMBINATIONS: usize = 4096;

/// Marks a condition asserted false (the else branch of an `Fn::If`) in the conditions
/// given to [`guaranteed`].
pub(crate) const NOT: char = '\u{0}';

/// Whether condition `target` is true in every combination of the parameters'
/// `AllowedValues` where every asserted condition (`name`, or [`NOT`] + `name` for false)
/// holds: `Fn::If [IsFargate, ..., !Ref Ec2Resource]` guards a resource whose condition is
/// `IsEc2` when `LaunchType` allows only `FARGATE` and `EC2`. A parameter without
/// `AllowedValues` that conditions only compare with literals takes those literals and one
/// other value ([`compared_domain`]: `NumberOfAZs = 3` implies `NumberOfAZs != 1`). A
/// target that depends on anything else (another parameter, a pseudo parameter, a
/// resource) is never guaranteed; an asserted condition that does is left out of the premise (what holds
/// under fewer assumptions holds under more). At most [`MAX_COMBINATIONS`] are tried.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
pub(crate) fn guaranteed(cx: &Cx, asserted: &[String], target: &str) -> bool {
    let Some(mut params) = allowed_params(cx, target) else {
        return false;
    };
    let mut premise: Vec<(&str, bool)> = Vec::new();
    for a in asserted {
        let (name, want) = match a.strip_prefix(NOT) {
            Some(n) => (n, false),
            None => (a.as_str(), true),
        };
        if let Some(more) = allowed_params(cx, name) {
            params.extend(more);
            premise.push((name, want));
        }
    }
    params.sort_unstable_by(|a, b| a.0.cmp(b.0));
    params.dedup_by(|a, b| a.0 == b.0);
    let mut total: usize = 1;
    for (_, domain) in &params {
        total = total.saturating_mul(domain.len());
        if total > MAX_COMBINATIONS {
            return false;
        }
    }
    (0..total).all(|index| {
        let mut rest = index;
        let assigned = params
            .iter()
            .map(|(name, domain)| {
                let v = domain[rest % domain.len()].clone();
                rest /= domain.len();
                (*name, Some(v))
            })
            .collect();
        let mut env = Env {
            cx,
            params: assigned,
            conds: Vec::new(),
            notes: Vec::new(),
            changed: false,
            named: false,
        };
        // An assignment the premise rules out proves nothing; one it may allow (a premise
        // that cannot be evaluated, such as one on the region) must give the target, with
        // the asserted conditions taken as asserted.
        let ruled_out = premise
            .iter()
            .any(|(name, want)| env.condition(name, 0).is_some_and(|v| v != *want));
        if ruled_out {
            return true;
        }
        env.conds.clone_from(&premise);
        env.named = true;
        env.condition(target, 0) == Some(true)
    })
}

/// The parameters condition `name` depends on with their `AllowedValues`; `None` when it
/// does not exist or depends on a parameter without them (or on anything else a scenario
/// cannot assign: the evaluation then says unknown).
fn allowed_params<'t>(cx: &Cx<'t>, name: &'t str) -> Option<Vec<(&'t str, Vec<Json>)>> {
    cx.conditions?.field(name)?;
    let mut vars = Vec::new();
    add_condition(cx, name, &mut vars, 0);
    vars.into_iter()
        .filter_map(|v| match v {
            Var::Param(p, _) => Some(p),
            Var::Cond(_) => None,
        })
        .map(|p| {
            let domain =
                allowed_values(cx.parameters?.field(p)?).or_else(|| compared_domain(cx, p));
            Some((p, domain?))
        })
        .collect()
}

/// The values that tell parameter `p` (one without `AllowedValues`) apart in the template's
/// conditions: each literal a condition compares it with (`Fn::Equals [!Ref P, 3]`), and
/// one value that is none of them, standing for every other value (they all make each
/// comparison false). `None` when a condition uses `p` in any other way (compared with
/// another parameter or a function, or inside another function), or `p` is a list: a few
/// values cannot then stand for all.
fn compared_domain(cx: &Cx, p: &str) -> Option<Vec<Json>> {
    let ty = cx
        .parameters?
        .field(p)?
        .field("Type")
        .and_then(Json::as_str)
        .unwrap_or("String");
    if super::is_list_type(ty) {
        return None;
    }
    let mut literals = Vec::new();
    for def in cx.conditions?.values() {
        compared_literals(def, p, &mut literals, 0)?;
    }
    literals.sort_by(|a: &Json, b| a.as_str().cmp(&b.as_str()));
    literals.dedup();
    // A value no literal is (they are all text here).
    let mut other = String::from("\u{0}other");
    while literals.iter().any(|l| l.as_str() == Some(other.as_str())) {
        other.push('\u{0}');
    }
    literals.push(Json::String(other));
    Some(literals)
}

/// The literals condition definition `v` compares parameter `p` with, into `out`; `None`
/// when it uses `p` otherwise (see [`compared_domain`]).
fn compared_literals(v: &Json, p: &str, out: &mut Vec<Json>, depth: usize) -> Option<()> {
    if depth > 32 {
        return None;
    }
    let is_p = |x: &Json| matches!(intrinsic(x), Some(("Ref", Json::String(r))) if r == p);
    match intrinsic(v) {
        Some(("Fn::Equals", Json::Array(a))) if a.len() == 2 => {
            for (x, y) in [(&a[0], &a[1]), (&a[1], &a[0])] {
                if !is_p(x) {
                    continue;
                }
                match y {
                    Json::String(_) | Json::Number(_) | Json::Bool(_) => out.push(as_string(y)),
                    _ if is_p(y) => {}
                    _ => return None,
                }
            }
            a.iter()
                .filter(|side| !is_p(side))
                .try_for_each(|side| compared_literals(side, p, out, depth + 1))
        }
        Some(("Ref", Json::String(r))) if r == p => None,
        _ => match v {
            Json::Object(m) => m
                .values()
                .try_for_each(|x| compared_literals(x, p, out, depth + 1)),
            Json::Array(a) => a
                .iter()
                .try_for_each(|x| compared_literals(x, p, out, depth + 1)),
            _ => Some(()),
        },
    }
}

/// Parameter values are strings to CloudFormation (`Default: 256` is the string "256").
fn as_string(v: &Json) -> Json {
    match v {
        Json::Number(n) => Json::String(n.to_string()),
        Json::Bool(b) => Json::String(b.to_string()),
        other => other.clone(),
    }
}

struct Env<'c, 't> {
    cx: &'c Cx<'t>,
    params: Vec<(&'t str, Option<Json>)>,
    conds: Vec<(&'t str, bool)>,
    /// Mapping rows used, for the label.
    notes: Vec<String>,
    /// Whether [`Env::partial`] worked anything out.
    changed: bool,
    /// Whether a `Condition` named in a definition is taken from `conds` when it is there
    /// ([`guaranteed`]: the asserted conditions hold as asserted).
    named: bool,
}

impl Env<'_, '_> {
    /// The assignment as a scenario's label: each parameter with a value, then the
    /// mapping rows used.
    fn label(&self) -> String {
        let mut label: Vec<String> = self.assigned().map(|(_, text)| text).collect();
        label.extend(self.notes.iter().cloned());
        label.dedup();
        label.join("; ")
    }

    /// Each parameter given a value, with how a label says it (`Env = prod`).
    fn assigned(&self) -> impl Iterator<Item = (&str, String)> {
        self.params
            .iter()
            .filter_map(|(n, v)| Some((*n, format!("{n} = {}", scalar_text(v.as_ref()?)))))
    }

    /// Condition `name` as assumed by the assignment, else as its parameters decide it.
    fn assumed(&mut self, name: &str) -> Option<bool> {
        match self.conds.iter().find(|(n, _)| *n == name) {
            Some((_, b)) => Some(*b),
            None => self.condition(name, 0),
        }
    }

    /// `v` with what the assignment decides worked out (see [`specialized`]); `None` for
    /// `AWS::NoValue`.
    fn partial(&mut self, v: &Json, depth: usize) -> Option<Json> {
        if depth > 64 {
            return Some(v.clone());
        }
        match intrinsic(v) {
            Some(("Ref", Json::String(name))) if name == "AWS::NoValue" => {
                self.changed = true;
                None
            }
            Some(("Ref", Json::String(name))) => {
                let value = self.params.iter().find(|(n, _)| n == name);
                match value {
                    Some((_, Some(x))) if scalar_parameter(self.cx, name) => {
                        self.changed = true;
                        Some(x.clone())
                    }
                    _ => Some(v.clone()),
                }
            }
            Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
                match a[0].as_str().and_then(|c| self.assumed(c)) {
                    Some(take) => {
                        self.changed = true;
                        self.partial(&a[if take { 1 } else { 2 }], depth + 1)
                    }
                    None => Some(v.clone()),
                }
            }
            Some(("Fn::FindInMap", _)) => match self.eval(v, depth) {
                Some(x) => {
                    self.changed = true;
                    Some(x)
                }
                None => Some(v.clone()),
            },
            Some(_) => Some(v.clone()),
            None => match v {
                Json::Object(m) => Some(Json::Object(
                    m.iter()
                        .filter_map(|(k, x)| Some((k.clone(), self.partial(x, depth + 1)?)))
                        .collect(),
                )),
                Json::Array(a) => Some(Json::Array(
                    a.iter()
                        .filter_map(|x| self.partial(x, depth + 1))
                        .collect(),
                )),
                scalar => Some(scalar.clone()),
            },
        }
    }

    fn eval(&mut self, v: &Json, depth: usize) -> Option<Json> {
        if depth > 32 {
            return None;
        }
        match intrinsic(v) {
            None => match v {
                Json::Object(_) | Json::Array(_) => None,
                scalar => Some(scalar.clone()),
            },
            Some(("Ref", Json::String(name))) => self
                .params
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.clone()),
            Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
                let cond = a[0].as_str()?;
                let take = self
                    .conds
                    .iter()
                    .find(|(n, _)| *n == cond)
                    .map(|(_, b)| *b)?;
                self.eval(&a[if take { 1 } else { 2 }], depth + 1)
            }
            Some(("Fn::FindInMap", Json::Array(a))) if a.len() >= 3 => {
                let map = a[0].as_str()?;
                let k1 = scalar_text_of(&self.eval(&a[1], depth + 1)?)?;
                let k2 = scalar_text_of(&self.eval(&a[2], depth + 1)?)?;
                let found = self
                    .cx
                    .mappings?
                    .field(map)?
                    .field(k1.as_str())?
                    .field(k2.as_str())?;
                if found.is_object() || found.is_array() {
                    return None;
                }
                let note = format!("mapping {map}, key {k1}");
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
                Some(found.clone())
            }
            _ => None,
        }
    }

    /// The truth of condition `name` under the assumed parameters; `None` when unknown.
    fn condition(&mut self, name: &str, depth: usize) -> Option<bool> {
        let def = self.cx.conditions?.field(name)?;
        self.truth(def, depth + 1)
    }

    fn truth(&mut self, v: &Json, depth: usize) -> Option<bool> {
        if depth > 32 {
            return None;
        }
        match intrinsic(v)? {
            ("Condition", Json::String(name)) => {
                match self.conds.iter().find(|(n, _)| *n == name) {
                    Some(&(_, b)) if self.named => Some(b),
                    _ => self.condition(name, depth + 1),
                }
            }
            ("Fn::Equals", Json::Array(a)) if a.len() == 2 => {
                let x = as_string(&self.eval(&a[0], depth + 1)?);
                let y = as_string(&self.eval(&a[1], depth + 1)?);
                Some(x == y)
            }
            ("Fn::Not", Json::Array(a)) if a.len() == 1 => self.truth(&a[0], depth + 1).map(|b| !b),
            ("Fn::And", Json::Array(a)) => {
                let mut all = Some(true);
                for x in a {
                    match self.truth(x, depth + 1) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => all = None,
                    }
                }
                all
            }
            ("Fn::Or", Json::Array(a)) => {
                let mut any = Some(false);
                for x in a {
                    match self.truth(x, depth + 1) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => any = None,
                    }
                }
                any
            }
            _ => None,
        }
    }
}

/// A string, number or boolean as the text CloudFormation passes for it (`15`, `true`,
/// `prod`); `None` for a list, mapping or null.
pub(crate) fn scalar_text_of(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::template::Template;
    use serde_json::json;

    fn run(body: Json, values: &[Json]) -> Vec<(String, Vec<Option<Json>>)> {
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let refs: Vec<&Json> = values.iter().collect();
        scenarios(&cx, &refs)
            .into_iter()
            .map(|s| (s.label, s.values))
            .collect()
    }

    #[test]
    fn mapping_rows_are_taken_together_never_crossed() {
        let body = json!({
            "Parameters": {"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
            "Mappings": {"Sizes": {"dev": {"Cpu": "256", "Memory": "512"},
                                   "prod": {"Cpu": 1024, "Memory": "4096"}}},
            "Resources": {}
        });
        let cpu = json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Cpu"]});
        let mem = json!({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]});
        assert_eq!(
            run(body, &[cpu, mem]),
            vec![
                (
                    "Env = dev; mapping Sizes, key dev".to_owned(),
                    vec![Some(json!("256")), Some(json!("512"))]
                ),
                (
                    "Env = prod; mapping Sizes, key prod".to_owned(),
                    vec![Some(json!(1024)), Some(json!("4096"))]
                ),
            ]
        );
    }

    #[test]
    fn conditions_follow_the_parameters_and_unknowns_stay_unknown() {
        let body = json!({
            "Parameters": {
                "Env": {"Type": "String", "Default": "prod"},
                "Free": {"Type": "String"}
            },
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Resources": {}
        });
        let v = json!({"Fn::If": ["IsProd", "big", "small"]});
        assert_eq!(
            run(body.clone(), &[v]),
            vec![("Env = prod".to_owned(), vec![Some(json!("big"))])]
        );
        // A parameter with neither AllowedValues nor Default, and a pseudo parameter: unknown.
        let free = json!({"Ref": "Free"});
        let region = json!({"Ref": "AWS::Region"});
        assert_eq!(
            run(body, &[free, region]),
            vec![(String::new(), vec![None, None])]
        );
    }

    /// A body with `n` parameters of four allowed values each, and a `Ref` to each.
    fn four_valued(n: usize) -> (Json, Vec<Json>) {
        let mut params = serde_json::Map::new();
        let mut values = Vec::new();
        for i in 0..n {
            params.insert(
                format!("P{i}"),
                json!({"Type": "String", "AllowedValues": ["a", "b", "c", "d"]}),
            );
            values.push(json!({"Ref": format!("P{i}")}));
        }
        (json!({"Parameters": params, "Resources": {}}), values)
    }

    #[test]
    fn too_many_combinations_are_left_alone() {
        let (body, values) = four_valued(4);
        assert_eq!(
            run(body, &values).len(),
            256,
            "4^4: exactly the bound, still worked out"
        );
        let (body, values) = four_valued(5);
        assert!(run(body.clone(), &values).is_empty(), "4^5 = 1024 > 256");
        // The rules still judge a literal beside them, as written.
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let five = json!(5);
        let mut all: Vec<&Json> = values.iter().collect();
        all.push(&five);
        let mut unknown = vec![None; values.len()];
        unknown.push(Some(json!(5)));
        assert_eq!(
            cases(&cx, &all),
            vec![Scenario {
                label: String::new(),
                values: unknown
            }]
        );
    }

    #[test]
    fn a_literal_beside_an_expression_nothing_follows_is_one_case_as_written() {
        let t = Template::new("t", json!({"Resources": {}}));
        let cx = Cx::new(&t);
        let (import, size) = (json!({"Fn::ImportValue": "Size"}), json!("20"));
        assert!(scenarios(&cx, &[&import, &size]).is_empty());
        assert_eq!(
            cases(&cx, &[&import, &size]),
            vec![Scenario {
                label: String::new(),
                values: vec![None, Some(json!("20"))]
            }]
        );
    }

    #[test]
    fn specialized_templates_work_out_what_each_case_decides() {
        let body = json!({
            "Parameters": {
                "Size": {"Type": "Number", "AllowedValues": [1, 2]},
                "Zones": {"Type": "CommaDelimitedList", "Default": "a,b"},
                "Free": {"Type": "String"}
            },
            "Conditions": {"Big": {"Fn::Equals": [{"Ref": "Size"}, "2"]}},
            "Mappings": {"M": {"1": {"Mem": 512}, "2": {"Mem": 1024}}},
            "Resources": {
                "R": {"Type": "AWS::SNS::Topic", "Properties": {
                    "Size": {"Ref": "Size"},
                    "Zones": {"Ref": "Zones"},
                    "Free": {"Ref": "Free"},
                    "Mem": {"Fn::FindInMap": ["M", {"Ref": "Size"}, "Mem"]},
                    "List": ["x", {"Fn::If": ["Big", "y", {"Ref": "AWS::NoValue"}]}],
                    "Only": {"Fn::If": ["Big", {"Ref": "AWS::NoValue"}, "small"]},
                    "Sub": {"Fn::Sub": "${Size}"}
                }},
                "OnlyBig": {"Type": "AWS::SNS::Topic", "Condition": "Big"},
                "Other": {"Type": "AWS::SNS::Topic", "Properties": {"N": {"Ref": "Size"}}},
                "OnlyFree": {"Type": "AWS::SNS::Topic", "Properties": {"N": {"Ref": "Free"}}}
            }
        });
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let mut cases = Vec::new();
        assert_eq!(specialized(&cx, &["R", "OnlyBig"], |c| cases.push(c)), 2);
        // Size = 1 and Size = 2 (Big follows Size: no other case), small first.
        cases.sort_by_key(|c| c.body["Resources"]["R"]["Properties"]["Size"].to_string());
        assert_eq!(cases.len(), 2);
        let resources: Vec<Json> = cases.iter().map(|c| c.body["Resources"].clone()).collect();
        let as_written = |k: &str| t.body()["Resources"]["R"]["Properties"][k].clone();
        assert_eq!(
            resources[0]["R"]["Properties"],
            json!({"Size": "1", "Zones": as_written("Zones"), "Free": as_written("Free"),
                   "Mem": 512, "List": ["x"], "Only": "small", "Sub": as_written("Sub")})
        );
        assert_eq!(resources[1]["R"]["Properties"]["Size"], json!("2"));
        assert_eq!(resources[1]["R"]["Properties"]["List"], json!(["x", "y"]));
        assert!(resources[1]["R"]["Properties"].get("Only").is_none());
        // A resource whose condition is false is left out; those not asked for stay.
        assert!(resources[0].get("OnlyBig").is_none());
        assert!(resources[1].get("OnlyBig").is_some());
        assert_eq!(resources[0]["Other"], t.body()["Resources"]["Other"]);
        assert_eq!(cases[0].when(&[]), " (when Size = 1; mapping M, key 1)");
        assert_eq!(
            cases[1].when(&["Size".to_owned()]),
            " (when Size = 2; mapping M, key 2)"
        );
        // A resource that follows nothing: no case at all.
        assert_eq!(specialized(&cx, &["Other2"], |_| panic!("no case")), 0);
        // A case that changes nothing (Free can be anything) is counted, not handed over.
        assert_eq!(
            specialized(&cx, &["OnlyFree"], |_| panic!("nothing changed")),
            1
        );
    }

    fn guaranteed_in(body: Json, asserted: &[String], target: &str) -> bool {
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        guaranteed(&cx, asserted, target)
    }

    fn launch_types(allowed: Json) -> Json {
        json!({
            "Parameters": {
                "LaunchType": {"Type": "String", "AllowedValues": allowed},
                "Env": {"Type": "String", "Default": "prod"}
            },
            "Conditions": {
                "IsFargate": {"Fn::Equals": [{"Ref": "LaunchType"}, "FARGATE"]},
                "IsEc2": {"Fn::Equals": [{"Ref": "LaunchType"}, "EC2"]},
                "NotFargate": {"Fn::Not": [{"Condition": "IsFargate"}]},
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "InUsEast1": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}
            },
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}
        })
    }

    #[test]
    fn the_else_branch_of_one_launch_type_is_the_other() {
        let two = launch_types(json!(["FARGATE", "EC2"]));
        let not_fargate = format!("{NOT}IsFargate");
        assert!(guaranteed_in(
            two.clone(),
            std::slice::from_ref(&not_fargate),
            "IsEc2"
        ));
        assert!(guaranteed_in(two.clone(), &["NotFargate".into()], "IsEc2"));
        assert!(!guaranteed_in(two.clone(), &[], "IsEc2"), "unguarded");
        assert!(!guaranteed_in(two.clone(), &["IsFargate".into()], "IsEc2"));
        // An assertion about a parameter without AllowedValues is left out, not fatal.
        let asserted = ["IsProd".to_owned(), not_fargate.clone()];
        assert!(guaranteed_in(two, &asserted, "IsEc2"));
        // A third allowed value breaks the implication.
        let three = launch_types(json!(["FARGATE", "EC2", "EXTERNAL"]));
        assert!(!guaranteed_in(three, &[not_fargate], "IsEc2"));
    }

    #[test]
    fn a_default_or_a_pseudo_parameter_guarantees_nothing() {
        let body = launch_types(json!(["FARGATE", "EC2"]));
        // Env has a Default only: prod is not the only value it can take.
        assert!(!guaranteed_in(body.clone(), &[], "IsProd"));
        assert!(!guaranteed_in(body.clone(), &[], "InUsEast1"));
        assert!(!guaranteed_in(body, &[], "Missing"));
    }

    #[test]
    fn a_parameter_compared_only_with_literals_takes_them_and_one_other_value() {
        let body = |other: Json| {
            json!({
                "Parameters": {"Zones": {"Type": "Number", "Default": 3}, "Name": {"Type": "String"}},
                "Conditions": {
                    "BuildB": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Zones"}, 1]}]},
                    "BuildC": {"Fn::Equals": [{"Ref": "Zones"}, 3]},
                    "Other": other
                },
                "Resources": {"T": {"Type": "AWS::SNS::Topic"}}
            })
        };
        let plain = body(json!({"Fn::Equals": [{"Ref": "Name"}, "x"]}));
        // Three zones is not one zone; two zones (any value but 1 and 3) is not three.
        assert!(guaranteed_in(plain.clone(), &["BuildC".into()], "BuildB"));
        assert!(!guaranteed_in(plain.clone(), &["BuildB".into()], "BuildC"));
        assert!(!guaranteed_in(plain, &[], "BuildB"));
        // Compared with something other than a literal anywhere: nothing is known.
        for other in [
            json!({"Fn::Equals": [{"Ref": "Zones"}, {"Ref": "AWS::Region"}]}),
            json!({"Fn::Equals": [{"Fn::Select": [0, [{"Ref": "Zones"}]]}, "3"]}),
        ] {
            assert!(
                !guaranteed_in(body(other.clone()), &["BuildC".into()], "BuildB"),
                "{other}"
            );
        }
    }

    #[test]
    fn asserted_conditions_hold_as_asserted_even_when_parameters_cannot_decide_them() {
        let body = json!({
            "Parameters": {"Zones": {"Type": "String", "AllowedValues": ["2", "3"]}},
            "Conditions": {
                "Gov": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-gov-west-1"]},
                "Three": {"Fn::Equals": [{"Ref": "Zones"}, "3"]},
                "GovThree": {"Fn::And": [{"Condition": "Gov"}, {"Condition": "Three"}]}
            },
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}
        });
        // Under Gov (the region: no parameter decides it) and Three, GovThree holds.
        assert!(guaranteed_in(
            body.clone(),
            &["Three".into(), "Gov".into()],
            "GovThree"
        ));
        assert!(!guaranteed_in(body.clone(), &["Three".into()], "GovThree"));
        assert!(!guaranteed_in(body, &["Gov".into()], "GovThree"));
    }

    /// Parameters `A` and `B` allowing `a` and `b` values (`V0`, `V1`...), and conditions.
    fn two_params(a: usize, b: usize, conditions: Json) -> Json {
        let values = |n: usize| -> Vec<String> { (0..n).map(|i| format!("V{i}")).collect() };
        json!({
            "Parameters": {
                "A": {"Type": "String", "AllowedValues": values(a)},
                "B": {"Type": "String", "AllowedValues": values(b)}
            },
            "Conditions": conditions,
            "Resources": {"T": {"Type": "AWS::SNS::Topic"}}
        })
    }

    #[test]
    fn every_combination_of_two_parameters_is_tried_up_to_the_bound() {
        let eq = |p: &str, v: &str| json!({"Fn::Equals": [{"Ref": p}, v]});
        let conditions = json!({
            // False only for A = V0 and B = V1.
            "NotBoth": {"Fn::Not": [{"Fn::And": [eq("A", "V0"), eq("B", "V1")]}]},
            // True for every value of both.
            "Always": {"Fn::And": [
                {"Fn::Or": [eq("A", "V0"), eq("A", "V1")]},
                {"Fn::Or": [eq("B", "V0"), eq("B", "V1")]}
            ]},
            "Same": {"Fn::Equals": [{"Ref": "A"}, {"Ref": "A"}]}
        });
        assert!(!guaranteed_in(
            two_params(2, 2, conditions.clone()),
            &[],
            "NotBoth"
        ));
        assert!(guaranteed_in(
            two_params(2, 2, conditions.clone()),
            &[],
            "Always"
        ));
        // 64 × 64 = 4,096 combinations are tried; 65 × 64 are too many: no claim.
        let both = |a: usize, b: usize| {
            let mut c = conditions.clone();
            c["Same"] = json!({"Fn::And": [
                {"Fn::Equals": [{"Ref": "A"}, {"Ref": "A"}]},
                {"Fn::Equals": [{"Ref": "B"}, {"Ref": "B"}]}
            ]});
            two_params(a, b, c)
        };
        assert!(guaranteed_in(both(64, 64), &[], "Same"));
        assert!(!guaranteed_in(both(65, 64), &[], "Same"));
    }

    #[test]
    fn allowed_values_are_scalars_written_as_text() {
        let of =
            |allowed: Json| allowed_values(&json!({"Type": "String", "AllowedValues": allowed}));
        assert_eq!(
            of(json!(["a", 1, true])),
            Some(vec![json!("a"), json!("1"), json!("true")])
        );
        assert_eq!(of(json!([])), None);
        assert_eq!(of(json!(["a", {}])), None);
        assert_eq!(of(json!(["a", []])), None);
        assert_eq!(allowed_values(&json!({"Type": "String"})), None);
    }

    #[test]
    fn a_resource_depends_on_the_parameters_and_conditions_it_uses() {
        let body = json!({
            "Parameters": {
                "P": {"Type": "String"},
                "Q": {"Type": "String"},
                "Unused": {"Type": "String"}
            },
            "Conditions": {"C": {"Fn::Equals": [{"Ref": "Q"}, "x"]}},
            "Resources": {"T": {
                "Type": "AWS::SNS::Topic",
                "Condition": "C",
                "Properties": {"TopicName": {"Ref": "P"}}
            }}
        });
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let mut names = depends_on(&cx, &t.body()["Resources"]["T"]);
        names.sort();
        assert_eq!(names, ["C", "P", "Q"]);
    }

    /// `inner` wrapped `n` times by `wrap`.
    fn nest(n: usize, wrap: impl Fn(Json) -> Json, inner: Json) -> Json {
        (0..n).fold(inner, |v, _| wrap(v))
    }

    /// An environment over `body` where every condition of `conds` is assumed.
    fn with_env<R>(body: Json, conds: &[(&str, bool)], f: impl FnOnce(&mut Env) -> R) -> R {
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let mut env = Env {
            cx: &cx,
            params: Vec::new(),
            conds: conds.to_vec(),
            notes: Vec::new(),
            changed: false,
            named: false,
        };
        f(&mut env)
    }

    #[test]
    fn truth_is_worked_out_to_a_depth_of_32_and_no_further() {
        // `Fn::And: []` is true and `Fn::Or: []` false without looking further, so each
        // chain below reaches its leaf at depth n, and the leaf is judged up to 32.
        let truth = |v: Json| with_env(json!({"Resources": {}}), &[], |env| env.truth(&v, 0));
        let (and, or) = (json!({"Fn::And": []}), json!({"Fn::Or": []}));
        for (n, known) in [(32, true), (33, false)] {
            let not = truth(nest(n, |v| json!({"Fn::Not": [v]}), and.clone()));
            assert_eq!(not, known.then_some(n % 2 == 0), "Fn::Not x {n}");
            let all = truth(nest(n, |v| json!({"Fn::And": [v]}), and.clone()));
            assert_eq!(all, known.then_some(true), "Fn::And x {n}");
            let any = truth(nest(n, |v| json!({"Fn::Or": [v]}), or.clone()));
            assert_eq!(any, known.then_some(false), "Fn::Or x {n}");
        }
        // A named condition is two levels (the name, its definition): C0 names C1, ...,
        // and the last is `Fn::And: []`; condition(C0, 0) judges C16's definition at 33.
        let named = |n: usize| {
            let mut conds = serde_json::Map::new();
            for k in 0..n {
                conds.insert(format!("C{k}"), json!({"Condition": format!("C{}", k + 1)}));
            }
            conds.insert(format!("C{n}"), and.clone());
            with_env(json!({"Conditions": conds, "Resources": {}}), &[], |env| {
                env.condition("C0", 0)
            })
        };
        assert_eq!((named(15), named(16)), (Some(true), None));
        // Fn::Equals reads each side one level down, itself bound at 32: at depth 30, a side
        // that is two Fn::Ifs deep reaches its text at 33 (unknown), one deep at 32.
        let sides = |left: usize, right: usize| {
            let side = |n| nest(n, |v| json!({"Fn::If": ["C", v, "b"]}), json!("a"));
            let eq = json!({"Fn::Equals": [side(left), side(right)]});
            with_env(json!({"Resources": {}}), &[("C", true)], |env| {
                env.truth(&nest(30, |v| json!({"Fn::Not": [v]}), eq), 0)
            })
        };
        assert_eq!(
            (sides(1, 1), sides(2, 1), sides(1, 2)),
            (Some(true), None, None)
        );
        // A short Fn::Equals or Fn::Not is unknown (and not indexed past its end).
        assert_eq!(truth(json!({"Fn::Equals": ["a"]})), None);
        assert_eq!(truth(json!({"Fn::Not": []})), None);
    }

    #[test]
    fn values_are_evaluated_to_a_depth_of_32_and_no_further() {
        let body = json!({
            "Mappings": {"M": {"k": {"v": "found"}, "1": {"true": "by number and boolean"}}},
            "Resources": {}
        });
        let eval = |v: Json| with_env(body.clone(), &[("C", false)], |env| env.eval(&v, 0));
        let ifs = |n: usize, leaf: Json| nest(n, |v| json!({"Fn::If": ["C", "no", v]}), leaf);
        assert_eq!(eval(ifs(32, json!("x"))), Some(json!("x")));
        assert_eq!(eval(ifs(33, json!("x"))), None);
        // Each key of Fn::FindInMap is one level down.
        let find = |k1: Json, k2: Json| eval(json!({"Fn::FindInMap": ["M", k1, k2]}));
        assert_eq!(find(ifs(31, json!("k")), json!("v")), Some(json!("found")));
        assert_eq!(find(ifs(32, json!("k")), json!("v")), None);
        assert_eq!(find(json!("k"), ifs(32, json!("v"))), None);
        // Keys given as a number and a boolean are looked up as their text.
        assert_eq!(
            find(json!(1), json!(true)),
            Some(json!("by number and boolean"))
        );
        // A short Fn::If or Fn::FindInMap is not evaluated (nor indexed past its end).
        assert_eq!(eval(json!({"Fn::If": ["C", "x"]})), None);
        assert_eq!(eval(json!({"Fn::FindInMap": ["M", "k"]})), None);
    }

    #[test]
    fn a_mapping_value_that_is_a_list_or_a_mapping_is_not_a_value() {
        let body = json!({
            "Mappings": {"M": {"k": {"list": ["a"], "map": {"a": "b"}, "text": "t"}}},
            "Resources": {}
        });
        let find = |k2: &str| {
            with_env(body.clone(), &[], |env| {
                env.eval(&json!({"Fn::FindInMap": ["M", "k", k2]}), 0)
            })
        };
        assert_eq!(
            (find("list"), find("map"), find("text")),
            (None, None, Some(json!("t")))
        );
    }

    #[test]
    fn properties_are_worked_out_to_a_depth_of_64_and_kept_as_written_past_it() {
        let partial = |v: Json| {
            with_env(json!({"Resources": {}}), &[("C", true)], |env| {
                env.partial(&v, 0)
            })
        };
        let choice = json!({"Fn::If": ["C", "yes", "no"]});
        // Inside 64 mappings or lists the choice is made; inside 65 it is kept.
        let in_object: fn(Json) -> Json = |v| json!({"a": v});
        let in_list: fn(Json) -> Json = |v| json!([v]);
        for wrap in [in_object, in_list] {
            assert_eq!(
                partial(nest(64, wrap, choice.clone())),
                Some(nest(64, wrap, json!("yes")))
            );
            assert_eq!(
                partial(nest(65, wrap, choice.clone())),
                Some(nest(65, wrap, choice.clone()))
            );
        }
        let in_if = |v| json!({"Fn::If": ["C", v, "no"]});
        assert_eq!(partial(nest(64, in_if, choice.clone())), Some(json!("yes")));
        assert_eq!(
            partial(nest(65, in_if, choice.clone())),
            Some(choice.clone())
        );
        // A short Fn::If is kept as written.
        let short = json!({"Fn::If": ["D", "x"]});
        assert_eq!(
            with_env(json!({"Resources": {}}), &[("D", false)], |env| env
                .partial(&short, 0)),
            Some(short.clone())
        );
    }

    /// The names `collect` (with `condition` false) or `collect_condition` (true) finds in
    /// `v`, starting at `depth`.
    fn found_in(body: Json, v: &Json, depth: usize, condition: bool) -> Vec<String> {
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let mut vars = Vec::new();
        if condition {
            collect_condition(&cx, v, &mut vars, depth);
        } else {
            collect(&cx, v, &mut vars, depth);
        }
        vars.into_iter()
            .map(|v| match v {
                Var::Param(n, _) | Var::Cond(n) => n.to_owned(),
            })
            .collect()
    }

    #[test]
    fn what_a_value_depends_on_is_looked_for_to_a_depth_of_32() {
        let body = json!({
            "Parameters": {"P": {"Type": "String", "AllowedValues": ["x"]}},
            "Conditions": {"C": {"Fn::Equals": ["a", "a"]}},
            "Resources": {}
        });
        let p = json!({"Ref": "P"});
        let at = |v: &Json, depth| found_in(body.clone(), v, depth, false);
        let in_object = |v| json!({"a": v});
        let in_list = |v| json!([v]);
        // A Ref is read at depth 32, not 33; each mapping and list is a level.
        assert_eq!(at(&p, 32), ["P"]);
        assert_eq!(at(&p, 33), Vec::<String>::new());
        assert_eq!(at(&nest(32, in_object, p.clone()), 0), ["P"]);
        assert_eq!(at(&nest(33, in_object, p.clone()), 0), Vec::<String>::new());
        assert_eq!(at(&nest(32, in_list, p.clone()), 0), ["P"]);
        assert_eq!(at(&nest(33, in_list, p.clone()), 0), Vec::<String>::new());
        // An Fn::If's condition is one level further.
        let choice = json!({"Fn::If": ["C", "a", "b"]});
        assert_eq!(at(&choice, 31), ["C"]);
        assert_eq!(at(&choice, 32), Vec::<String>::new());
        // In a condition's definition: a named condition and a Ref are one level further,
        // and so is each mapping and list (Fn::Equals' list, then the Ref).
        let within = |v: &Json, depth| found_in(body.clone(), v, depth, true);
        assert_eq!(within(&json!({"Condition": "C"}), 31), ["C"]);
        assert_eq!(within(&json!({"Condition": "C"}), 32), Vec::<String>::new());
        assert_eq!(within(&p, 31), ["P"]);
        assert_eq!(within(&p, 32), Vec::<String>::new());
        let equals = json!({"Fn::Equals": [{"Ref": "P"}, "x"]});
        assert_eq!(within(&equals, 29), ["P"]);
        assert_eq!(within(&equals, 30), Vec::<String>::new());
        let listed = json!({"Fn::Equals": [[[{"Ref": "P"}]], "x"]});
        assert_eq!(within(&listed, 27), ["P"]);
        assert_eq!(within(&listed, 28), Vec::<String>::new());
        // A condition's definition is read one level below its name: C at 31 gives C and,
        // from its definition at 32, nothing more (its Condition would be at 33).
        let chained = json!({
            "Conditions": {"A": {"Condition": "B"}, "B": {"Fn::Equals": ["a", "a"]}},
            "Resources": {}
        });
        let added = |depth| {
            let t = Template::new("t", chained.clone());
            let cx = Cx::new(&t);
            let mut vars = Vec::new();
            add_condition(&cx, "A", &mut vars, depth);
            vars.len()
        };
        assert_eq!((added(30), added(31), added(32), added(33)), (2, 1, 1, 0));
    }

    #[test]
    fn conditions_that_name_each_other_are_each_counted_once() {
        let body = json!({
            "Parameters": {"P": {"Type": "String", "AllowedValues": ["a", "b"]}},
            "Conditions": {
                "A": {"Fn::And": [{"Condition": "B"}, {"Fn::Equals": [{"Ref": "P"}, "a"]}]},
                "B": {"Fn::Or": [{"Condition": "A"}, {"Fn::Equals": [{"Ref": "P"}, "b"]}]}
            },
            "Resources": {}
        });
        let t = Template::new("t", body);
        let cx = Cx::new(&t);
        let mut names = depends_on(&cx, &json!({"Condition": "A"}));
        names.sort();
        assert_eq!(names, ["A", "B", "P"]);
    }

    #[test]
    fn a_condition_nothing_decides_is_taken_true_then_false() {
        let body = json!({
            "Parameters": {"Free": {"Type": "String"}},
            "Conditions": {"C": {"Fn::Equals": [{"Ref": "Free"}, "x"]}},
            "Resources": {}
        });
        assert_eq!(
            run(body, &[json!({"Fn::If": ["C", "yes", "no"]})]),
            [
                (String::new(), vec![Some(json!("yes"))]),
                (String::new(), vec![Some(json!("no"))])
            ]
        );
    }

    #[test]
    fn guaranteed_tries_every_combination_up_to_4096() {
        // Two parameters that may differ: every pair is tried, not only the equal ones.
        let pair = json!({
            "Parameters": {
                "A": {"Type": "String", "AllowedValues": ["x", "y"]},
                "B": {"Type": "String", "AllowedValues": ["x", "y"]}
            },
            "Conditions": {
                "Same": {"Fn::Equals": [{"Ref": "A"}, {"Ref": "B"}]},
                "AIsX": {"Fn::Equals": [{"Ref": "A"}, "x"]},
                "BIsY": {"Fn::Equals": [{"Ref": "B"}, "y"]},
                "Both": {"Fn::And": [{"Condition": "AIsX"}, {"Condition": "BIsY"}]}
            },
            "Resources": {}
        });
        assert!(!guaranteed_in(pair.clone(), &[], "Same"));
        // Each parameter assigned in its own right: A = x and B = y is Both.
        assert!(guaranteed_in(
            pair,
            &["AIsX".to_owned(), "BIsY".to_owned()],
            "Both"
        ));
        // 12 parameters of two values: 4,096 combinations, all tried; 13 are too many.
        let wide = |n: usize| {
            let mut params = serde_json::Map::new();
            let mut each = Vec::new();
            for i in 0..n {
                params.insert(
                    format!("P{i}"),
                    json!({"Type": "String", "AllowedValues": ["a", "b"]}),
                );
                each.push(
                    json!({"Fn::Equals": [{"Ref": format!("P{i}")}, {"Ref": format!("P{i}")}]}),
                );
            }
            json!({
                "Parameters": params,
                "Conditions": {"All": {"Fn::And": each}},
                "Resources": {}
            })
        };
        assert!(guaranteed_in(wide(12), &[], "All"));
        assert!(!guaranteed_in(wide(13), &[], "All"));
    }
}
