//! Secrets (`FF3012`): NoEcho parameters shown in clear by an output or a resource's
//! `Metadata`, and the one test of whether a parameter is NoEcho.
//!
//! CloudFormation masks the value of a `NoEcho` parameter where it shows parameters, but
//! "using the NoEcho attribute does not mask any information stored in" the Outputs section
//! or a resource's Metadata attribute (AWS CloudFormation User Guide, Parameters syntax:
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>).
//! An output whose value refers to a NoEcho parameter therefore prints the secret in
//! DescribeStacks and the console; cfn-lint warns about it as W2010. The deploy commands use
//! the same analysis to mask such outputs (`ferroform outputs`, `--outputs-file`).

use super::refs::sub_variables;
use super::{Cx, intrinsic};
use crate::model::json::Field;
use crate::model::parse::MAX_NESTING;
use crate::model::render::Json;
use crate::rules;

/// Whether a parameter declaration is `NoEcho`: `true`, or the string `"true"` (any case)
/// as JSON templates often write it. The only test of NoEcho in ferroform.
pub(crate) fn is_no_echo(param: &Json) -> bool {
    match param.field("NoEcho") {
        Some(Json::Bool(b)) => *b,
        Some(Json::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// The names of the parameters `body` declares NoEcho, in template order.
pub(crate) fn no_echo_parameters(body: &Json) -> Vec<String> {
    body.field("Parameters")
        .and_then(Json::as_object)
        .map(|ps| {
            ps.iter()
                .filter(|(_, p)| is_no_echo(p))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Every place in `v` that refers to one of the parameters `names`: a `Ref`, or an `Fn::Sub`
/// variable not defined by the `Fn::Sub`'s own variable map. Each is pushed to `out` as
/// (path, parameter); `path` is the path of `v` on entry.
///
/// The search goes [`MAX_NESTING`] levels below `v`, as deep as a template file may nest
/// (the reader refuses deeper ones), and no further: a synthesized value nested deeper
/// cannot exhaust the stack.
pub(crate) fn references(
    v: &Json,
    names: &[String],
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    references_below(v, names, path, out, 0);
}

fn references_below(
    v: &Json,
    names: &[String],
    path: &mut String,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    if depth > MAX_NESTING {
        return;
    }
    let references = |v: &Json, names: &[String], path: &mut String, out: &mut Vec<_>| {
        references_below(v, names, path, out, depth + 1);
    };
    // The value `x` at `path` + `sep` + `key`.
    let below = |x: &Json, sep: &str, key: &str, path: &mut String, out: &mut Vec<_>| {
        let len = path.len();
        path.push_str(sep);
        path.push_str(key);
        references(x, names, path, out);
        path.truncate(len);
    };
    let is_secret = |n: &str| names.iter().any(|s| s == n);
    match v {
        Json::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                super::push_index(path, i);
                references(x, names, path, out);
                path.truncate(len);
            }
        }
        Json::Object(m) => {
            if let Some((f, args)) = intrinsic(v) {
                let len = path.len();
                path.push('.');
                path.push_str(f);
                match (f, args) {
                    ("Ref", Json::String(n)) if is_secret(n) => out.push((path.clone(), n.clone())),
                    ("Fn::Sub", _) => {
                        let (text, vars) = match args {
                            Json::String(s) => (Some(s.as_str()), None),
                            Json::Array(a) if a.len() == 2 => (a[0].as_str(), a[1].as_object()),
                            _ => (None, None),
                        };
                        for var in text.map(sub_variables).unwrap_or_default() {
                            let shadowed = vars.is_some_and(|m| m.contains_key(var));
                            if !shadowed && is_secret(var) {
                                out.push((path.clone(), var.to_owned()));
                            }
                        }
                        if let Some(vars) = vars {
                            for (k, x) in vars {
                                below(x, "[1].", k, path, out);
                            }
                        }
                    }
                    _ => references(args, names, path, out),
                }
                path.truncate(len);
                return;
            }
            for (k, x) in m {
                below(x, ".", k, path, out);
            }
        }
        _ => {}
    }
}

/// The outputs of `body` whose `Value` (or export name) refers to a NoEcho parameter: what
/// the deploy commands and `diff` print as `****` (see [`crate::analysis::mask`]).
pub(crate) fn exposed_outputs(body: &Json) -> Vec<String> {
    let secrets = no_echo_parameters(body);
    if secrets.is_empty() {
        return Vec::new();
    }
    body.field("Outputs")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
        .filter(|(id, o)| {
            let mut found = Vec::new();
            for key in ["Value", "Export"] {
                if let Some(v) = o.field(key) {
                    references(v, &secrets, &mut (*id).clone(), &mut found);
                }
            }
            !found.is_empty()
        })
        .map(|(id, _)| id.clone())
        .collect()
}

pub(super) fn check(cx: &mut Cx) {
    let secrets: Vec<String> = cx
        .parameters
        .into_iter()
        .flatten()
        .filter(|(_, p)| is_no_echo(p))
        .map(|(k, _)| k.clone())
        .collect();
    if secrets.is_empty() {
        return;
    }
    let mut found = Vec::new();
    for (id, o) in cx.outputs.into_iter().flatten() {
        for key in ["Value", "Export"] {
            if let Some(v) = o.field(key) {
                let mut hits = Vec::new();
                references(v, &secrets, &mut format!("{id}.{key}"), &mut hits);
                found.extend(hits.into_iter().map(|(p, n)| (id.as_str(), true, p, n)));
            }
        }
    }
    for (id, r) in cx.resources.into_iter().flatten() {
        if let Some(v) = r.field("Metadata") {
            let mut hits = Vec::new();
            references(v, &secrets, &mut format!("{id}.Metadata"), &mut hits);
            found.extend(hits.into_iter().map(|(p, n)| (id.as_str(), false, p, n)));
        }
    }
    for (id, output, path, param) in found {
        let (what, hint) = if output {
            (
                format!("output `{id}` shows NoEcho parameter `{param}` in clear"),
                "remove the output: CloudFormation masks NoEcho values in parameters, not in Outputs (DescribeStacks and the console show them); pass the secret by reference instead, e.g. a Secrets Manager secret or an SSM SecureString name",
            )
        } else {
            (
                format!("the Metadata of `{id}` shows NoEcho parameter `{param}` in clear"),
                "keep the secret out of Metadata: CloudFormation does not mask NoEcho values there (GetTemplate and DescribeStackResource show them); pass it by reference instead, e.g. a Secrets Manager secret or an SSM SecureString name",
            )
        };
        cx.report(
            rules::NO_ECHO_IN_CLEAR,
            Some(id),
            path,
            what,
            Some(hint.to_owned()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_echo_in_every_form() {
        for (decl, yes) in [
            (json!({"NoEcho": true}), true),
            (json!({"NoEcho": "true"}), true),
            (json!({"NoEcho": "True"}), true),
            (json!({"NoEcho": false}), false),
            (json!({"NoEcho": "false"}), false),
            (json!({"Type": "String"}), false),
        ] {
            assert_eq!(is_no_echo(&decl), yes, "{decl}");
        }
    }

    #[test]
    fn references_through_sub_join_and_if_but_not_shadowed_sub_variables() {
        let names = vec!["Pw".to_owned()];
        let find = |v: Json| {
            let mut out = Vec::new();
            references(&v, &names, &mut "O.Value".to_owned(), &mut out);
            out
        };
        assert_eq!(
            find(json!({"Ref": "Pw"})),
            [("O.Value.Ref".to_owned(), "Pw".to_owned())]
        );
        assert_eq!(find(json!({"Fn::Sub": "user:${Pw}@host"})).len(), 1);
        assert_eq!(find(json!({"Fn::Sub": "literal ${!Pw}"})).len(), 0);
        assert_eq!(
            find(json!({"Fn::Sub": ["${Pw}", {"Pw": "not the parameter"}]})).len(),
            0,
            "a variable of the Sub's own map is not the parameter"
        );
        assert_eq!(
            find(json!({"Fn::Sub": ["${X}", {"X": {"Ref": "Pw"}}]})),
            [("O.Value.Fn::Sub[1].X.Ref".to_owned(), "Pw".to_owned())]
        );
        assert_eq!(
            find(json!({"Fn::Join": [":", ["a", {"Fn::If": ["C", {"Ref": "Pw"}, "b"]}]]})),
            [(
                "O.Value.Fn::Join[1][1].Fn::If[1].Ref".to_owned(),
                "Pw".to_owned()
            )]
        );
        assert!(find(json!({"Ref": "Other"})).is_empty());
        // An `Fn::Sub` list that is not [text, variables] is no Sub form, and no panic.
        assert!(find(json!({"Fn::Sub": ["${Pw}"]})).is_empty());
        assert!(find(json!({"Fn::Sub": []})).is_empty());
        assert_eq!(find(json!({"Fn::Sub": ["${Pw}", {}, "x"]})).len(), 0);
    }

    #[test]
    fn references_are_found_as_deep_as_a_template_nests_and_long_keys_do_not_hide_them() {
        let names = vec!["Pw".to_owned()];
        let find = |v: &Json| {
            let mut out = Vec::new();
            references(v, &names, &mut "O.Value".to_owned(), &mut out);
            out.len()
        };
        // `{"Ref": "Pw"}` wrapped in `levels` lists sits `levels` levels below the top.
        let nested = |levels: usize| {
            let mut v = json!({"Ref": "Pw"});
            for _ in 0..levels {
                v = json!([v]);
            }
            v
        };
        assert_eq!(
            find(&nested(MAX_NESTING)),
            1,
            "at the deepest level searched"
        );
        assert_eq!(find(&nested(MAX_NESTING + 1)), 0, "below it");
        // A key longer than any path bound is no reason to stop looking.
        let long = "K".repeat(10_000);
        assert_eq!(find(&json!({long: {"Ref": "Pw"}})), 1);
    }

    #[test]
    fn exposed_outputs_need_a_no_echo_parameter() {
        let body = json!({
            "Parameters": {"Pw": {"Type": "String", "NoEcho": "true"}, "Name": {"Type": "String"}},
            "Outputs": {
                "Conn": {"Value": {"Fn::Sub": "db://${Name}:${Pw}"}},
                "Plain": {"Value": {"Ref": "Name"}}
            }
        });
        assert_eq!(exposed_outputs(&body), ["Conn"]);
    }
}
