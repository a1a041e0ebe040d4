//! Statements: the stack function's body, one statement per parameter, mapping, condition,
//! resource and output, in an order where each follows what it reads.

use super::*;

impl<'t> StackWriter<'t> {
    /// Write the stack function's statements: returns the body text (inside the function).
    pub(crate) fn write(&mut self, names: &mut Names, stack_var: &str) -> Result<String, String> {
        // Declare every name first: a statement may use one declared below it.
        self.declare(names);
        let mut problems: Vec<String> = Vec::new();
        let head = self.head(stack_var, &mut problems);
        let (statements, outputs) = self.statements(stack_var, &mut problems);
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        let ordered = order(statements)?;
        Ok(emit(&head, &ordered, &outputs))
    }

    /// The template's entries that have a name in the program (parameters, mappings,
    /// conditions, resources, outputs), without those of `Fn::ForEach`.
    pub(super) fn named(
        &self,
        section: &str,
    ) -> impl Iterator<Item = (&'t String, &'t Json)> + use<'t> {
        self.body
            .get(section)
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
            .filter(|(k, _)| !k.starts_with("Fn::"))
    }

    /// Give every parameter, mapping, condition and resource its variable.
    pub(super) fn declare(&mut self, names: &mut Names) {
        for (id, p) in self.named("Parameters") {
            let ty = p.get("Type").and_then(Json::as_str).unwrap_or("String");
            let v = names.claim(id);
            self.decls
                .insert((Space::Ref, id.clone()), (Decl::Param(param_ty(ty).0), v));
        }
        for (id, _) in self.named("Mappings") {
            let v = names.claim(id);
            self.decls
                .insert((Space::Mapping, id.clone()), (Decl::Mapping, v));
        }
        for (id, _) in self.named("Conditions") {
            let v = names.claim(id);
            self.decls
                .insert((Space::Condition, id.clone()), (Decl::Condition, v));
        }
        for (id, r) in self.named("Resources") {
            let api = r
                .get("Type")
                .and_then(Json::as_str)
                .and_then(|t| table::get().get(t));
            let v = names.claim(id);
            self.decls
                .insert((Space::Ref, id.clone()), (Decl::Resource(api), v));
        }
    }

    /// The statements before the declarations: the description, metadata, transforms,
    /// sections without a builder, and the entries no builder can name.
    pub(super) fn head(&mut self, stack_var: &str, problems: &mut Vec<String>) -> Vec<String> {
        let body = self.body;
        let section = |k: &str| body.get(k).and_then(Json::as_object);
        let mut head: Vec<String> = Vec::new();
        for (key, v) in body {
            match key.as_str() {
                "AWSTemplateFormatVersion" | "Parameters" | "Mappings" | "Conditions"
                | "Resources" | "Outputs" => {}
                "Description" => match v {
                    Json::String(s) => head.push(format!("{stack_var}.description({});", rust::string(s))),
                    _ => problems.push("`Description` is not a string".into()),
                },
                "Metadata" => match v {
                    Json::Object(m) => {
                        for (k, x) in m {
                            head.push(format!(
                                "{stack_var}.metadata({}, {});",
                                rust::string(k),
                                self.json(x, 4)
                            ));
                        }
                    }
                    _ => problems.push("`Metadata` is not an object".into()),
                },
                "Transform" => {
                    let list: Vec<&Json> = match v {
                        Json::Array(a) => a.iter().collect(),
                        x => vec![x],
                    };
                    for t in list {
                        match t.as_str() {
                            Some(t) => head.push(format!("{stack_var}.transform({});", rust::string(t))),
                            None => problems.push("a `Transform` that is not a name".into()),
                        }
                    }
                }
                other => head.push(format!(
                    "// `{}`: a section ferroform has no builder for, kept as written.\n{stack_var}.section({}, {});",
                    rust::comment(other),
                    rust::string(other),
                    self.json(v, 4)
                )),
            }
        }

        // Entries no builder can name (`Fn::ForEach::X` of the language extensions) are
        // added to their section as written.
        for key in [
            "Parameters",
            "Mappings",
            "Conditions",
            "Resources",
            "Outputs",
        ] {
            let raw: Map<String, Json> = section(key)
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.starts_with("Fn::"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if section(key).is_some_and(Map::is_empty) {
                head.push(format!(
                    "// An empty `{key}` section, kept.\n{stack_var}.section({}, serde_json::json!({{}}));",
                    rust::string(key)
                ));
            }
            if !raw.is_empty() {
                let ids: Vec<String> = raw.keys().map(|k| format!("`{k}`")).collect();
                self.escapes.push(format!("{key}: {}", ids.join(", ")));
                head.push(format!(
                    "// {}: expanded by CloudFormation, kept as written.\n{stack_var}.section({}, {});",
                    rust::comment(&ids.join(", ")),
                    rust::string(key),
                    self.json(&Json::Object(raw), 4)
                ));
            }
        }
        head
    }

    /// One statement per parameter, mapping, condition and resource, and one per output.
    pub(super) fn statements(
        &mut self,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> (Vec<Statement>, Vec<Statement>) {
        let mut statements: Vec<Statement> = Vec::new();
        for (id, p) in self.named("Parameters") {
            statements.push(self.parameter(id, p, problems));
        }
        for (id, m) in self.named("Mappings") {
            statements.push(self.mapping(id, m, stack_var, problems));
        }
        for (id, c) in self.named("Conditions") {
            self.uses.clear();
            let var = self.decls[&(Space::Condition, id.clone())].1.clone();
            match self.cond(c) {
                Some(code) => statements.push(Statement {
                    id: Some(id.clone()),
                    var: Some(var),
                    comments: Vec::new(),
                    code: format!("{stack_var}.condition({}, {code})", rust::string(id)),
                    after: Vec::new(),
                    uses: std::mem::take(&mut self.uses),
                    keep: false,
                }),
                None => problems.push(format!("Conditions.{id}: not a condition expression")),
            }
        }
        for (id, r) in self.named("Resources") {
            match r.as_object() {
                Some(r) => statements.push(self.resource(id, r, stack_var, problems)),
                None => problems.push(format!("Resources.{id}: not an object")),
            }
        }
        let mut outputs = Vec::new();
        for (id, o) in self.named("Outputs") {
            match o.as_object() {
                Some(o) => outputs.push(self.output(id, o, stack_var, problems)),
                None => problems.push(format!("Outputs.{id}: not an object")),
            }
        }
        (statements, outputs)
    }
    pub(super) fn parameter(
        &mut self,
        id: &str,
        p: &Json,
        problems: &mut Vec<String>,
    ) -> Statement {
        let ty = p.get("Type").and_then(Json::as_str).unwrap_or("String");
        let (_, ctor) = param_ty(ty);
        let mut code = ctor;
        for (k, v) in p.as_object().into_iter().flatten() {
            let set = match (k.as_str(), v) {
                ("Type", _) => continue,
                ("Description", Json::String(s)) => format!(".description({})", rust::string(s)),
                ("AllowedPattern", Json::String(s)) => {
                    format!(".allowed_pattern({})", rust::string(s))
                }
                ("ConstraintDescription", Json::String(s)) => {
                    format!(".constraint_description({})", rust::string(s))
                }
                ("NoEcho", Json::Bool(true)) => ".no_echo()".to_owned(),
                ("Default", v) => format!(".default({})", self.json_arg(v)),
                ("AllowedValues", Json::Array(a)) => {
                    // One Rust type for the array: plain strings, or JSON values.
                    let vs: Vec<String> = if a.iter().all(Json::is_string) {
                        a.iter().map(|x| self.json_arg(x)).collect()
                    } else {
                        a.iter().map(|x| self.json(x, 8)).collect()
                    };
                    format!(".allowed_values([{}])", vs.join(", "))
                }
                (k, v) => format!(".field({}, {})", rust::string(k), self.json_arg(v)),
            };
            code.push_str(&set);
        }
        if p.as_object().is_none() {
            problems.push(format!("Parameters.{id}: not an object"));
        }
        let var = self.decls[&(Space::Ref, id.to_owned())].1.clone();
        let comments = match self.deployed_values.get(id) {
            // Escaped, never raw: a comment ends at the line's end.
            Some(Some(v)) => vec![format!("Deployed with {v:?}.")],
            Some(None) => vec!["Deployed with a NoEcho value (not shown).".to_owned()],
            None => Vec::new(),
        };
        Statement {
            id: Some(id.to_owned()),
            var: Some(var),
            comments,
            code: format!("stack.parameter({}, {code})", rust::string(id)),
            after: Vec::new(),
            uses: BTreeSet::new(),
            keep: false,
        }
    }

    pub(super) fn mapping(
        &mut self,
        id: &str,
        m: &Json,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        let mut code = String::from("Mapping::new()");
        match m.as_object() {
            Some(m) => {
                for (top, inner) in m {
                    match inner.as_object() {
                        Some(inner) => {
                            for (second, v) in inner {
                                let value = self.json_arg(v);
                                let _ = write!(
                                    code,
                                    ".entry({}, {}, {value})",
                                    rust::string(top),
                                    rust::string(second)
                                );
                            }
                        }
                        None => problems.push(format!("Mappings.{id}.{top}: not an object")),
                    }
                }
            }
            None => problems.push(format!("Mappings.{id}: not an object")),
        }
        Statement {
            id: Some(id.to_owned()),
            var: Some(self.decls[&(Space::Mapping, id.to_owned())].1.clone()),
            comments: Vec::new(),
            code: format!("{stack_var}.mapping({}, {code})", rust::string(id)),
            after: Vec::new(),
            uses: BTreeSet::new(),
            keep: false,
        }
    }

    pub(super) fn resource(
        &mut self,
        id: &str,
        r: &Map<String, Json>,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        self.uses.clear();
        let (decl, var) = self.decls[&(Space::Ref, id.to_owned())].clone();
        let type_name = r.get("Type").and_then(Json::as_str).unwrap_or_default();
        let props = r.get("Properties");
        let mut comments = Vec::new();
        let mut after = Vec::new();
        let empty = Map::new();
        let typed = match (decl, props) {
            (Decl::Resource(Some(api)), None) => Some((api, &empty)),
            (Decl::Resource(Some(api)), Some(Json::Object(m))) => Some((api, m)),
            _ => None,
        };
        let mut code = None;
        if let Some((api, m)) = typed {
            self.why = None;
            let mut rest = Vec::new();
            let before = self.uses.clone();
            let typed = self.strukt(m, 0, api, &mut rest);
            if typed.is_none() {
                self.uses = before;
            }
            if let Some(c) = typed {
                self.namespaces.insert(api.ns.clone());
                for (k, why) in rest {
                    comments.push(format!("`{k}`: {why}; kept as written."));
                    self.escapes
                        .push(format!("Resources.{id}.Properties.{k}: {why}"));
                    after.push(format!(
                        "    .override_property({}, {})",
                        rust::string(&k),
                        self.json(&m[&k], 8)
                    ));
                }
                code = Some(format!("{stack_var}.add({}, {})", rust::string(id), c.text));
            } else {
                let why = self.why.take().unwrap_or_default();
                comments.push(format!(
                    "`{type_name}` written with plain JSON properties: {why}."
                ));
                self.escapes.push(format!("Resources.{id}: {why}"));
            }
        }
        let code = code.unwrap_or_else(|| {
            if typed.is_none() {
                let why = if type_name.is_empty() {
                    "a resource without a `Type`".to_owned()
                } else {
                    format!("`{type_name}` is outside the generated resources")
                };
                comments.push(format!("{why}: its properties are plain JSON."));
                self.escapes.push(format!("Resources.{id}: {why}"));
            }
            let props = props.cloned().unwrap_or(Json::Object(Map::new()));
            format!(
                "{stack_var}.add_raw({}, RawResource::new({}, {}))",
                rust::string(id),
                rust::string(type_name),
                self.json(&props, 8)
            )
        });
        let mut options = Vec::new();
        for (k, v) in r {
            match (k.as_str(), v) {
                ("Type" | "Properties", _) => {}
                ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                    Some((Decl::Condition, cv)) => options.push(format!(".condition(&{cv})")),
                    _ => problems.push(format!(
                        "Resources.{id}.Condition: `{c}` is not a condition of the template"
                    )),
                },
                ("DependsOn", deps) => {
                    let list: Vec<&Json> = match deps {
                        Json::Array(a) => a.iter().collect(),
                        x => vec![x],
                    };
                    for d in list {
                        match d.as_str().and_then(|d| self.var(d)) {
                            Some((Decl::Resource(_), dv)) => {
                                options.push(format!(".depends_on(&{dv})"));
                            }
                            _ => problems.push(format!(
                                "Resources.{id}.DependsOn: {d} is not a resource of the template"
                            )),
                        }
                    }
                }
                ("DeletionPolicy" | "UpdateReplacePolicy", Json::String(p)) if is_policy(k, p) => {
                    let (f, ty) = if k == "DeletionPolicy" {
                        ("deletion_policy", "DeletionPolicy")
                    } else {
                        ("update_replace_policy", "UpdateReplacePolicy")
                    };
                    options.push(format!(".{f}({ty}::{p})"));
                }
                ("DeletionPolicy" | "UpdateReplacePolicy", Json::Object(m))
                    if let Some((c, yes, no)) = policy_if(k, m)
                        && let Some((Decl::Condition, cv)) = self.var_in(Space::Condition, c) =>
                {
                    let (f, ty) = if k == "DeletionPolicy" {
                        ("deletion_policy_if", "DeletionPolicy")
                    } else {
                        ("update_replace_policy_if", "UpdateReplacePolicy")
                    };
                    options.push(format!(".{f}(&{cv}, {ty}::{yes}, {ty}::{no})"));
                }
                ("Metadata" | "UpdatePolicy" | "CreationPolicy", v) => {
                    let f = match k.as_str() {
                        "Metadata" => "metadata",
                        "UpdatePolicy" => "update_policy",
                        _ => "creation_policy",
                    };
                    options.push(format!(".{f}({})", self.json(v, 8)));
                }
                (k, v) => options.push(format!(
                    ".override_attribute({}, {})",
                    rust::string(k),
                    self.json(v, 8)
                )),
            }
        }
        options.extend(after);
        let after = if options.is_empty() {
            Vec::new()
        } else {
            vec![format!("{stack_var}.options(&{var}){};", options.join(""))]
        };
        Statement {
            id: Some(id.to_owned()),
            var: Some(var),
            comments,
            code,
            after,
            uses: std::mem::take(&mut self.uses),
            keep: false,
        }
    }

    pub(super) fn output(
        &mut self,
        id: &str,
        o: &Map<String, Json>,
        stack_var: &str,
        problems: &mut Vec<String>,
    ) -> Statement {
        self.uses.clear();
        let mut comments = Vec::new();
        let value = o.get("Value").cloned().unwrap_or(Json::Null);
        self.why = None;
        if self.handle_exports.contains(id)
            && let Some(c) = self.try_value(&value, &Ty::Str, None)
        {
            return Statement {
                id: None,
                var: None,
                comments: vec![format!(
                    "`{id}`: exported for the stacks that use it (ferroform names it the same)."
                )],
                code: format!("{stack_var}.export_value({})", c.text),
                after: Vec::new(),
                uses: std::mem::take(&mut self.uses),
                keep: false,
            };
        }
        let code = match self.try_value(&value, &Ty::Str, None) {
            Some(c) if c.expr => c.text,
            Some(c) => format!("Value::<String>::from({})", c.text),
            None => {
                let why = self.why.take().unwrap_or_default();
                comments.push(format!("`Value`: {why}; kept as written."));
                format!("Value::<Json>::from({})", self.json(&value, 8))
            }
        };
        let mut text = format!("{stack_var}.output({}, {code})", rust::string(id));
        for (k, v) in o {
            match (k.as_str(), v) {
                ("Value", _) => {}
                ("Description", Json::String(s)) => {
                    let _ = write!(text, ".description({})", rust::string(s));
                }
                ("Condition", Json::String(c)) => match self.var_in(Space::Condition, c) {
                    Some((Decl::Condition, cv)) => {
                        let _ = write!(text, ".condition(&{cv})");
                    }
                    _ => problems.push(format!(
                        "Outputs.{id}.Condition: `{c}` is not a condition of the template"
                    )),
                },
                ("Export", Json::Object(e))
                    if self.named_exports.contains_key(id)
                        && e.len() == 1
                        && e.get("Name").is_some_and(Json::is_string) =>
                {
                    let name = e.get("Name").and_then(Json::as_str).unwrap_or_default();
                    let _ = write!(text, ".export_handle::<String>({})", rust::string(name));
                }
                ("Export", Json::Object(e)) if e.len() == 1 && e.contains_key("Name") => match self
                    .value(&e["Name"], &Ty::Str, None)
                {
                    Some(n) => {
                        let _ = write!(text, ".export({})", n.text);
                    }
                    None => problems.push(format!("Outputs.{id}.Export.Name: not a string value")),
                },
                (k, _) => problems.push(format!("Outputs.{id}.{k}: not a key of an output")),
            }
        }
        let var = self.named_exports.get(id).cloned();
        Statement {
            id: None,
            keep: var.is_some(),
            var,
            comments,
            code: text,
            after: Vec::new(),
            uses: std::mem::take(&mut self.uses),
        }
    }
}

/// The function body: the head, then each statement (bound to its variable when something
/// uses it), its comments before it and what follows it after.
fn emit(head: &[String], ordered: &[Statement], outputs: &[Statement]) -> String {
    let used: BTreeSet<String> = ordered
        .iter()
        .chain(outputs)
        .flat_map(|s| s.uses.iter().cloned())
        .collect();
    let mut out = String::new();
    for h in head {
        let _ = writeln!(out, "{h}");
    }
    for s in ordered.iter().chain(outputs) {
        for c in &s.comments {
            // Text from the template (a key, a value) never leaves the comment.
            let _ = writeln!(out, "// {}", rust::comment(c));
        }
        match &s.var {
            Some(v) if s.keep || used.contains(v) || !s.after.is_empty() => {
                let _ = writeln!(out, "let {v} = {};", s.code);
            }
            _ => {
                let _ = writeln!(out, "{};", s.code);
            }
        }
        for a in &s.after {
            let _ = writeln!(out, "{a}");
        }
    }
    out
}

/// Statements ordered so that each comes after the ones whose variables it reads, otherwise
/// in the template's order.
fn order(statements: Vec<Statement>) -> Result<Vec<Statement>, String> {
    let declared: HashMap<String, usize> = statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.var.clone().map(|v| (v, i)))
        .collect();
    let n = statements.len();
    let deps: Vec<Vec<usize>> = statements
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.uses
                .iter()
                .filter_map(|u| declared.get(u).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut done = vec![false; n];
    let mut out_idx = Vec::with_capacity(n);
    while out_idx.len() < n {
        let next = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&j| done[j]));
        match next {
            Some(i) => {
                done[i] = true;
                out_idx.push(i);
            }
            None => {
                let stuck: Vec<String> = (0..n)
                    .filter(|&i| !done[i])
                    .filter_map(|i| statements[i].id.clone())
                    .collect();
                return Err(format!("circular references between {}", stuck.join(", ")));
            }
        }
    }
    let mut slots: Vec<Option<Statement>> = statements.into_iter().map(Some).collect();
    Ok(out_idx
        .into_iter()
        .filter_map(|i| slots[i].take())
        .collect())
}

/// A policy attribute the typed options take: a name of the attribute's policies.
fn is_policy(attribute: &str, p: &str) -> bool {
    ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"].contains(&p)
        && !(attribute == "UpdateReplacePolicy" && p == "RetainExceptOnCreate")
}

/// `{"Fn::If": [condition, policy, policy]}` of a policy attribute.
fn policy_if<'a>(attribute: &str, m: &'a Map<String, Json>) -> Option<(&'a str, &'a str, &'a str)> {
    let a = m.get("Fn::If")?.as_array()?;
    if m.len() != 1 || a.len() != 3 {
        return None;
    }
    let (c, yes, no) = (a[0].as_str()?, a[1].as_str()?, a[2].as_str()?);
    (is_policy(attribute, yes) && is_policy(attribute, no)).then_some((c, yes, no))
}
