//! References (`FF3001`–`FF3011`): `Ref`, `Fn::GetAtt`, `Fn::Sub`, `DependsOn`, conditions,
//! `Fn::FindInMap` and `Fn::Select`; dependency cycles; references to conditional resources.

use std::collections::HashSet;

use crate::model::fasthash::FastMap;

use super::{Cx, data, intrinsic, lit_num, suggest};
use crate::model::render::{Json, JsonMap};
use crate::rules;

/// CloudFormation's pseudo parameters (their one home is [`crate::pseudo::ALL`]).
pub(crate) const PSEUDO: &[&str] = crate::pseudo::ALL;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place<'t> {
    Resource(&'t str),
    Output(&'t str),
    Condition(&'t str),
}

impl<'t> Place<'t> {
    fn id(self) -> &'t str {
        match self {
            Place::Resource(id) | Place::Output(id) | Place::Condition(id) => id,
        }
    }
}

struct Refs<'a, 't> {
    cx: &'a mut Cx<'t>,
    index: FastMap<&'t str, usize>,
    ids: Vec<&'t str>,
    /// Dependencies: resource index → resource index (and whether it came from DependsOn).
    edges: Vec<(usize, usize, bool)>,
    /// (place, target) pairs already warned about (FF3011).
    warned: HashSet<(&'t str, String)>,
}

pub(super) fn check(cx: &mut Cx) {
    let resources: Vec<(&str, &Json)> = cx
        .resources
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let ids: Vec<&str> = resources.iter().map(|(k, _)| *k).collect();
    let index = ids.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let conditions = cx.conditions;
    let outputs = cx.outputs;
    let mut r = Refs {
        cx,
        index,
        ids,
        edges: Vec::new(),
        warned: HashSet::new(),
    };
    for (id, res) in &resources {
        r.resource(id, res);
    }
    for (id, o) in outputs.into_iter().flatten() {
        let place = Place::Output(id);
        let mut asserted = Vec::new();
        if let Some(c) = o.get("Condition").and_then(Json::as_str) {
            r.condition_exists(place, c, format!("{id}.Condition"));
            asserted.push(c.to_owned());
        }
        for key in ["Value", "Export"] {
            if let Some(v) = o.get(key) {
                let mut path = format!("{id}.{key}");
                r.walk(place, v, &mut path, &mut asserted);
            }
        }
    }
    for (id, c) in conditions.into_iter().flatten() {
        let mut path = id.clone();
        r.walk(Place::Condition(id), c, &mut path, &mut Vec::new());
    }
    r.cycles();
}

impl<'t> Refs<'_, 't> {
    fn resource(&mut self, id: &'t str, res: &'t Json) {
        let place = Place::Resource(id);
        let mut asserted = Vec::new();
        if let Some(c) = res.get("Condition").and_then(Json::as_str) {
            self.condition_exists(place, c, format!("{id}.Condition"));
            asserted.push(c.to_owned());
        }
        let deps: Vec<&str> = match res.get("DependsOn") {
            Some(Json::String(s)) => vec![s.as_str()],
            Some(Json::Array(a)) => a.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        for (i, d) in deps.iter().enumerate() {
            let path = match res.get("DependsOn") {
                Some(Json::Array(_)) => format!("{id}.DependsOn[{i}]"),
                _ => format!("{id}.DependsOn"),
            };
            if *d == id {
                self.cx.report(
                    rules::UNKNOWN_DEPENDS_ON,
                    Some(id),
                    path,
                    format!("`{id}` depends on itself"),
                    Some("remove it from its own DependsOn".into()),
                );
            } else if let Some(&to) = self.index.get(d) {
                let from = self.index[id];
                self.edges.push((from, to, true));
                self.conditioned(place, d, &path, &asserted);
            } else {
                let hint =
                    suggest(d, self.ids.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                self.cx.report(
                    rules::UNKNOWN_DEPENDS_ON,
                    Some(id),
                    path,
                    format!("DependsOn names `{d}`, which is not a resource of this template"),
                    hint,
                );
            }
        }
        for key in ["Properties", "Metadata", "CreationPolicy", "UpdatePolicy"] {
            if let Some(v) = res.get(key) {
                let mut path = format!("{id}.{key}");
                self.walk(place, v, &mut path, &mut asserted);
            }
        }
    }

    fn condition_exists(&mut self, place: Place<'t>, name: &str, path: String) -> bool {
        if self.cx.conditions.is_some_and(|c| c.contains_key(name)) {
            return true;
        }
        let known = self
            .cx
            .conditions
            .into_iter()
            .flat_map(|c| c.keys().map(String::as_str));
        let hint = suggest(name, known)
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some("define it under Conditions".into()));
        self.cx.report(
            rules::UNKNOWN_CONDITION,
            Some(place.id()),
            path,
            format!("condition `{name}` does not exist"),
            hint,
        );
        false
    }

    fn is_param(&self, name: &str) -> bool {
        self.cx.parameters.is_some_and(|p| p.contains_key(name))
    }

    /// Conditions implied by the asserted ones (`Fn::And` members).
    fn implied(&self, asserted: &[String]) -> HashSet<String> {
        let mut out: HashSet<String> = HashSet::new();
        let mut todo: Vec<String> = asserted.to_vec();
        while let Some(c) = todo.pop() {
            if !out.insert(c.clone()) || out.len() > 256 {
                continue;
            }
            if let Some(def) = self.cx.conditions.and_then(|m| m.get(&c))
                && let Some(("Fn::And", Json::Array(items))) = intrinsic(def)
            {
                for it in items {
                    if let Some(("Condition", Json::String(n))) = intrinsic(it) {
                        todo.push(n.clone());
                    }
                }
            }
        }
        out
    }

    fn conditioned(&mut self, place: Place<'t>, target: &str, path: &str, asserted: &[String]) {
        let Some(cond) = self
            .cx
            .resource(target)
            .and_then(|r| r.get("Condition"))
            .and_then(Json::as_str)
        else {
            return;
        };
        if matches!(place, Place::Condition(_)) || self.implied(asserted).contains(cond) {
            return;
        }
        if !self.warned.insert((place.id(), target.to_owned())) {
            return;
        }
        let what = match place {
            Place::Output(_) => "output",
            _ => "resource",
        };
        self.cx.report(
            rules::CONDITIONAL_REFERENCE,
            Some(place.id()),
            path.to_owned(),
            format!(
                "{what} `{}` refers to `{target}`, which exists only when condition `{cond}` is true",
                place.id()
            ),
            Some(format!(
                "give `{}` the condition `{cond}`, or wrap the reference in Fn::If [{cond}, ..., !Ref AWS::NoValue]",
                place.id()
            )),
        );
    }

    fn edge(&mut self, place: Place<'t>, target: &str) {
        if let (Place::Resource(from), Some(&to)) = (place, self.index.get(target))
            && let Some(&from) = self.index.get(from)
        {
            self.edges.push((from, to, false));
        }
    }

    fn ref_name(
        &mut self,
        place: Place<'t>,
        name: &str,
        path: &str,
        asserted: &[String],
        via: &str,
    ) {
        if PSEUDO.contains(&name) {
            return;
        }
        if let Place::Condition(id) = place {
            if !self.is_param(name) {
                self.cx.report(
                    rules::UNKNOWN_REF,
                    Some(id),
                    path.to_owned(),
                    format!("condition `{id}` refers to `{name}`, which is not a parameter"),
                    Some("conditions can only use parameters and pseudo parameters".into()),
                );
            }
            return;
        }
        if self.index.contains_key(name) {
            self.edge(place, name);
            self.conditioned(place, name, path, asserted);
            return;
        }
        if self.is_param(name) {
            return;
        }
        let params = self
            .cx
            .parameters
            .into_iter()
            .flat_map(|p| p.keys().map(String::as_str));
        let candidates = self
            .ids
            .iter()
            .copied()
            .chain(params)
            .chain(PSEUDO.iter().copied());
        let hint = suggest(name, candidates)
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some("name a resource, a parameter or a pseudo parameter".into()));
        let rule = if via == "Fn::Sub" {
            rules::UNKNOWN_SUB_VARIABLE
        } else {
            rules::UNKNOWN_REF
        };
        self.cx.report(
            rule,
            Some(place.id()),
            path.to_owned(),
            format!("{via} names `{name}`, which is not a resource or parameter of this template"),
            hint,
        );
    }

    fn get_att(
        &mut self,
        place: Place<'t>,
        res: &str,
        attr: Option<&str>,
        path: &str,
        asserted: &[String],
        via: &str,
    ) {
        if self.is_param(res) && !self.index.contains_key(res) {
            self.cx.report(
                rules::GETATT_OF_PARAMETER,
                Some(place.id()),
                path.to_owned(),
                format!("{via} asks `{res}` for an attribute, but `{res}` is a parameter"),
                Some(format!("use `Ref {res}` for a parameter's value")),
            );
            return;
        }
        if !self.index.contains_key(res) {
            let hint =
                suggest(res, self.ids.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            let rule = if via == "Fn::Sub" {
                rules::UNKNOWN_SUB_VARIABLE
            } else {
                rules::UNKNOWN_GETATT_RESOURCE
            };
            self.cx.report(
                rule,
                Some(place.id()),
                path.to_owned(),
                format!("{via} names the resource `{res}`, which does not exist"),
                hint,
            );
            return;
        }
        if let Place::Condition(id) = place {
            self.cx.report(
                rules::UNKNOWN_REF,
                Some(id),
                path.to_owned(),
                format!("condition `{id}` uses an attribute of the resource `{res}`"),
                Some("conditions can only use parameters and pseudo parameters".into()),
            );
            return;
        }
        self.edge(place, res);
        self.conditioned(place, res, path, asserted);
        let Some(attr) = attr else { return };
        let Some(ty) = self.cx.resource_type(res) else {
            return;
        };
        let Some(schema) = data::schema(ty) else {
            return;
        };
        let attrs: Vec<&str> = schema
            .get("attributes")
            .into_iter()
            .flat_map(data::Node::strs)
            .collect();
        if attrs.iter().any(|p| attr_matches(p, attr)) {
            return;
        }
        let hint = match suggest(attr, attrs.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if attrs.is_empty() => format!("{ty} has no attributes"),
            None => format!("{ty} has {}", attrs.join(", ")),
        };
        self.cx.report(
            rules::UNKNOWN_GETATT_ATTRIBUTE,
            Some(place.id()),
            path.to_owned(),
            format!("{ty} `{res}` has no attribute `{attr}`"),
            Some(hint),
        );
    }

    fn walk(&mut self, place: Place<'t>, v: &Json, path: &mut String, asserted: &mut Vec<String>) {
        if path.len() > 4096 {
            return;
        }
        match v {
            Json::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    let len = path.len();
                    super::push_index(path, i);
                    self.walk(place, x, path, asserted);
                    path.truncate(len);
                }
            }
            Json::Object(m) => {
                if let Some((f, args)) = intrinsic(v) {
                    self.intrinsic(place, f, args, path, asserted);
                    return;
                }
                for (k, x) in m {
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    self.walk(place, x, path, asserted);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }

    fn intrinsic(
        &mut self,
        place: Place<'t>,
        f: &str,
        args: &Json,
        path: &mut String,
        asserted: &mut Vec<String>,
    ) {
        let len = path.len();
        path.push('.');
        path.push_str(f);
        match (f, args) {
            ("Ref", Json::String(name)) => self.ref_name(place, name, path, asserted, "Ref"),
            ("Fn::GetAtt", _) => {
                let (res, attr): (Option<&str>, Option<&str>) = match args {
                    Json::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_str()),
                    Json::String(s) => match s.split_once('.') {
                        Some((r, a)) => (Some(r), Some(a)),
                        None => (None, None),
                    },
                    _ => (None, None),
                };
                match res {
                    Some(res) => self.get_att(place, res, attr, path, asserted, "Fn::GetAtt"),
                    None => self.cx.report(
                        rules::TEMPLATE_STRUCTURE,
                        Some(place.id()),
                        path.clone(),
                        "Fn::GetAtt takes [LogicalId, AttributeName]".to_owned(),
                        None,
                    ),
                }
                if let Json::Array(a) = args
                    && let Some(x) = a.get(1)
                {
                    self.walk(place, x, path, asserted);
                }
            }
            ("Fn::Sub", _) => self.sub(place, args, path, asserted),
            ("Fn::If", Json::Array(a)) if a.len() == 3 => {
                if let Some(c) = a[0].as_str() {
                    self.condition_exists(place, c, path.clone());
                    asserted.push(c.to_owned());
                    path.push_str("[1]");
                    self.walk(place, &a[1], path, asserted);
                    path.truncate(path.len() - 3);
                    asserted.pop();
                } else {
                    self.walk(place, &a[1], path, asserted);
                }
                path.push_str("[2]");
                self.walk(place, &a[2], path, asserted);
                path.truncate(path.len() - 3);
            }
            ("Condition", Json::String(name)) => {
                self.condition_exists(place, name, path.clone());
            }
            ("Fn::FindInMap", Json::Array(a)) if a.len() >= 3 => {
                self.find_in_map(place, a, path);
                self.walk(place, args, path, asserted);
            }
            ("Fn::Select", Json::Array(a)) if a.len() == 2 => {
                if let (Some(i), Json::Array(list)) = (lit_num(Some(&a[0])), &a[1])
                    && !super::is_expr(&a[0])
                    && (i < 0.0 || i.fract() != 0.0 || i >= list.len() as f64)
                {
                    self.cx.report(
                        rules::SELECT_OUT_OF_RANGE,
                        Some(place.id()),
                        path.clone(),
                        format!(
                            "Fn::Select index {} is out of range of a list of {}",
                            a[0],
                            list.len()
                        ),
                        Some(format!(
                            "use an index from 0 to {}",
                            list.len().saturating_sub(1)
                        )),
                    );
                }
                self.walk(place, args, path, asserted);
            }
            _ => self.walk(place, args, path, asserted),
        }
        path.truncate(len);
    }

    fn find_in_map(&mut self, place: Place<'t>, a: &[Json], path: &str) {
        let Some(map_name) = a[0].as_str() else {
            return;
        };
        let Some(map) = self.cx.mappings.and_then(|m| m.get(map_name)) else {
            let known = self
                .cx
                .mappings
                .into_iter()
                .flat_map(|m| m.keys().map(String::as_str));
            let hint = suggest(map_name, known).map(|s| format!("did you mean `{s}`?"));
            self.cx.report(
                rules::UNKNOWN_MAPPING,
                Some(place.id()),
                path.to_owned(),
                format!("Fn::FindInMap names the mapping `{map_name}`, which does not exist"),
                hint.or_else(|| Some("define it under Mappings".into())),
            );
            return;
        };
        let has_default = a.len() == 4;
        if has_default {
            return;
        }
        let Some(k1) = a[1].as_str() else { return };
        let Some(top) = map.get(k1) else {
            let hint = map.as_object().map(|m| {
                format!(
                    "`{map_name}` has {}",
                    super::one_of(&m.keys().collect::<Vec<_>>())
                )
            });
            self.cx.report(
                rules::UNKNOWN_MAPPING,
                Some(place.id()),
                path.to_owned(),
                format!("mapping `{map_name}` has no key `{k1}`"),
                hint,
            );
            return;
        };
        let Some(k2) = a[2].as_str() else { return };
        if top.get(k2).is_none() {
            let hint = top.as_object().map(|m| {
                format!(
                    "`{map_name}.{k1}` has {}",
                    super::one_of(&m.keys().collect::<Vec<_>>())
                )
            });
            self.cx.report(
                rules::UNKNOWN_MAPPING,
                Some(place.id()),
                path.to_owned(),
                format!("mapping `{map_name}` has no key `{k2}` under `{k1}`"),
                hint,
            );
        }
    }

    fn sub(
        &mut self,
        place: Place<'t>,
        args: &Json,
        path: &mut String,
        asserted: &mut Vec<String>,
    ) {
        let (text, vars): (Option<&str>, Option<&JsonMap>) = match args {
            Json::String(s) => (Some(s), None),
            Json::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_object()),
            _ => (None, None),
        };
        if let Some(vars) = vars {
            for (k, v) in vars {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                self.walk(place, v, path, asserted);
                path.truncate(len);
            }
        }
        let Some(text) = text else { return };
        for var in sub_variables(text) {
            if vars.is_some_and(|m| m.contains_key(var)) {
                continue;
            }
            match var.split_once('.') {
                Some((res, attr)) => {
                    self.get_att(place, res, Some(attr), path, asserted, "Fn::Sub");
                }
                None => self.ref_name(place, var, path, asserted, "Fn::Sub"),
            }
        }
    }

    /// Report every resource on a dependency cycle (Tarjan's strongly connected components).
    fn cycles(&mut self) {
        let n = self.ids.len();
        let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut self_loop = vec![false; n];
        let mut via_depends = HashSet::new();
        for &(a, b, dep) in &self.edges {
            if a == b {
                self_loop[a] = true;
            }
            adj[a].push(b);
            if dep {
                via_depends.insert((a, b));
            }
        }
        for a in &mut adj {
            a.sort_unstable();
            a.dedup();
        }
        let sccs = tarjan(&adj);
        for scc in sccs {
            if scc.len() < 2 && !scc.first().is_some_and(|&i| self_loop[i]) {
                continue;
            }
            let mut members = scc.clone();
            members.sort_unstable();
            let names: Vec<&str> = members.iter().map(|&i| self.ids[i]).collect();
            let depends = members.iter().any(|&a| {
                adj[a]
                    .iter()
                    .any(|&b| members.contains(&b) && via_depends.contains(&(a, b)))
            });
            let kind = if depends {
                "DependsOn and references"
            } else {
                "references"
            };
            for &i in &members {
                let id = self.ids[i];
                let msg = if names.len() == 1 {
                    format!("`{id}` refers to itself")
                } else {
                    format!(
                        "`{id}` is on a dependency cycle ({kind}) between {}",
                        names.join(", ")
                    )
                };
                self.cx.report(
                    rules::DEPENDENCY_CYCLE,
                    Some(id),
                    id.to_owned(),
                    msg,
                    Some("break the cycle: remove a DependsOn, or pass the value another way (e.g. a separate resource such as an ingress rule)".into()),
                );
            }
        }
    }
}

/// The logical IDs a value refers to: `Ref`, `Fn::GetAtt` and `Fn::Sub` variables, at any depth.
pub(crate) fn referenced_ids<'a>(v: &'a Json, out: &mut Vec<&'a str>) {
    match v {
        Json::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("Ref", Json::String(s)) => out.push(s),
                    ("Fn::GetAtt", Json::Array(a)) => {
                        if let Some(s) = a.first().and_then(Json::as_str) {
                            out.push(s);
                        }
                    }
                    ("Fn::GetAtt", Json::String(s)) => {
                        out.extend(s.split('.').next());
                    }
                    ("Fn::Sub", Json::String(text)) => sub_ids(text, out),
                    ("Fn::Sub", Json::Array(a)) => {
                        if let Some(text) = a.first().and_then(Json::as_str) {
                            sub_ids(text, out);
                        }
                        for x in a.iter().skip(1) {
                            referenced_ids(x, out);
                        }
                    }
                    _ => referenced_ids(x, out),
                }
            }
        }
        Json::Array(a) => {
            for x in a {
                referenced_ids(x, out);
            }
        }
        _ => {}
    }
}

fn sub_ids<'a>(text: &'a str, out: &mut Vec<&'a str>) {
    for var in sub_variables(text) {
        out.extend(var.split('.').next());
    }
}

/// The variables of an `Fn::Sub` string (`${Name}`, `${Res.Attr}`; `${!Literal}` skipped).
pub(crate) fn sub_variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let var = after[..end].trim();
        if !var.starts_with('!') && !var.is_empty() {
            out.push(var);
        }
        rest = &after[end + 1..];
    }
    out
}

fn attr_matches(pattern: &str, attr: &str) -> bool {
    if pattern == "*" || pattern == attr {
        return true;
    }
    if !pattern.contains('*') {
        return false;
    }
    let p: Vec<&str> = pattern.split('.').collect();
    let a: Vec<&str> = attr.split('.').collect();
    p.len() == a.len() && p.iter().zip(&a).all(|(p, a)| *p == "*" || p == a)
}

/// Strongly connected components, iteratively (no recursion, whatever the template).
fn tarjan(adj: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = adj.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if *i < adj[v].len() {
                let w = adj[v][*i];
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_literals() {
        assert_eq!(
            sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}/${Res.Arn}"),
            vec!["AWS::Partition", "Bucket", "Res.Arn"]
        );
        assert!(sub_variables("${unterminated").is_empty());
    }

    #[test]
    fn tarjan_finds_cycles_only() {
        let adj = vec![vec![1], vec![2], vec![0], vec![0]];
        let mut sccs: Vec<Vec<usize>> = tarjan(&adj)
            .into_iter()
            .map(|mut c| {
                c.sort_unstable();
                c
            })
            .collect();
        sccs.sort();
        assert_eq!(sccs, vec![vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn attribute_wildcards() {
        assert!(attr_matches("Outputs.*", "Outputs.BucketName"));
        assert!(attr_matches("*", "Anything.At.All"));
        assert!(!attr_matches("Arn", "Arns"));
    }
}
