//! FF2030: the parameters given to a nested stack whose template is a local file.
//!
//! A nested stack (`AWS::CloudFormation::Stack`) or a SAM application
//! (`AWS::Serverless::Application`) passes its `Parameters` to the stack it creates. Each
//! name must be a parameter the child template declares, and every parameter the child
//! declares without a `Default` must be given: CloudFormation refuses to create the child
//! stack otherwise ("Parameters: [X] do not exist in the template", "Parameters: [X] must
//! have values"), after the parent stack has started to deploy.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html>
//! (`Parameters`: "each parameter has a name corresponding to a parameter defined in the
//! embedded template"),
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html>
//! (a parameter without a `Default` needs a value).
//!
//! Only a child template written as a local path (`TemplateURL: ./child.yaml`,
//! `Location: ./app.yaml`, what `aws cloudformation package` and `sam deploy` upload) is
//! read, relative to the directory of the file the parent came from
//! ([`crate::Template::with_origin`]); a URL, an S3 location, an expression, a dynamic
//! reference, or a file that cannot be read or parsed (or is no regular file: a FIFO, a
//! device) is not judged. Parameters chosen by
//! `Fn::If` are checked in each branch.

use crate::model::json::Field;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Cx, intrinsic, is_no_value, suggest};
use crate::model::parse::read_template;
use crate::model::render::{Json, JsonMap};
use crate::rules;

/// The resource types that create a stack from a template, and the property naming it.
const NESTED: [(&str, &str); 2] = [
    ("AWS::CloudFormation::Stack", "TemplateURL"),
    ("AWS::Serverless::Application", "Location"),
];

/// A child template's parameters: each name, and whether it has a `Default`.
type Declared = BTreeMap<String, bool>;

pub(super) fn check(cx: &mut Cx) {
    let Some(origin) = cx.template.origin() else {
        return;
    };
    let dir = origin.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut children: BTreeMap<PathBuf, Option<Declared>> = BTreeMap::new();
    let mut found = Vec::new();
    for (ty, property) in NESTED {
        for (id, _, props) in cx.resources_of(ty) {
            let Some(props) = props else { continue };
            let Some(Json::String(location)) = props.field(property) else {
                continue;
            };
            if !is_local(location) {
                continue;
            }
            let path = dir.join(location);
            let declared = children
                .entry(path.clone())
                .or_insert_with(|| declared(&path));
            let Some(declared) = declared else { continue };
            let at = format!("{id}.Properties.Parameters");
            given(props.field("Parameters"), &mut |given: Option<&JsonMap>| {
                compare(given, declared, location, (id, &at), &mut found);
            });
        }
    }
    found.sort();
    found.dedup();
    for (id, path, message, hint) in found {
        cx.report(
            rules::NESTED_PARAMETERS,
            Some(&id),
            path,
            message,
            Some(hint),
        );
    }
}

/// Whether a template location is a local path (what packaging uploads), not a URL, an S3
/// location or a dynamic reference.
fn is_local(location: &str) -> bool {
    !location.contains("://") && !super::has_dynamic_reference(location) && !location.is_empty()
}

/// The parameters of the template at `path`; `None` when it cannot be read or parsed, or
/// its `Parameters` section is not a plain mapping.
fn declared(path: &Path) -> Option<Declared> {
    // Only a regular file is read: a name the template gives could be a FIFO or a device,
    // whose read would never end.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let child = read_template(path).ok()?;
    let section = match child.body().field("Parameters") {
        None => return Some(Declared::new()),
        Some(p) => p.as_object()?,
    };
    Some(
        section
            .iter()
            .map(|(name, p)| {
                // A declaration that is not a mapping is not judged: taken as optional.
                let optional = p.as_object().is_none_or(|p| p.contains_key("Default"));
                (name.clone(), optional)
            })
            .collect(),
    )
}

/// Call `each` with every set of parameters `v` may give: the mapping itself, each branch
/// of an `Fn::If`, `None` where none are given. Other expressions are not judged.
fn given(v: Option<&Json>, each: &mut dyn FnMut(Option<&JsonMap>)) {
    let Some(v) = v else {
        each(None);
        return;
    };
    match intrinsic(v) {
        Some(("Fn::If", Json::Array(a))) if a.len() == 3 => {
            for branch in &a[1..] {
                if is_no_value(branch) {
                    each(None);
                } else {
                    given(Some(branch), each);
                }
            }
        }
        Some(_) => {}
        None => {
            if let Some(m) = v.as_object() {
                each(Some(m));
            }
        }
    }
}

/// The problems of one set of given parameters against the child's, as (logical ID, path,
/// message, hint); `at` is the resource and the path of its `Parameters`.
fn compare(
    given: Option<&JsonMap>,
    declared: &Declared,
    location: &str,
    (id, at): (&str, &str),
    found: &mut Vec<(String, String, String, String)>,
) {
    let names = || {
        let all: Vec<&str> = declared.keys().map(String::as_str).collect();
        if all.is_empty() {
            "it declares none".to_owned()
        } else {
            format!("it declares {}", all.join(", "))
        }
    };
    for name in given.into_iter().flat_map(|m| m.keys()) {
        if !declared.contains_key(name) {
            let hint = suggest(name, declared.keys().map(String::as_str)).map_or_else(
                || format!("pass only parameters {location} declares ({})", names()),
                |s| format!("did you mean `{s}`?"),
            );
            found.push((
                id.to_owned(),
                format!("{at}.{name}"),
                format!(
                    "`{name}` is not a parameter of the nested template {location}: CloudFormation refuses to create the nested stack"
                ),
                hint,
            ));
        }
    }
    for (name, _) in declared.iter().filter(|(_, optional)| !**optional) {
        if !given.is_some_and(|m| m.contains_key(name)) {
            found.push((
                id.to_owned(),
                at.to_owned(),
                format!(
                    "the nested template {location} declares the parameter `{name}` without a Default, and it is not given: CloudFormation refuses to create the nested stack"
                ),
                format!("give `{name}` a value under Parameters (or a Default in {location})"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// A fresh directory with `child.yaml` (a parameter without and one with a Default) and
    /// `parent.yaml` (`resources`); the (path, message) of each FF2030 on the parent, read
    /// with and without its origin.
    fn run(name: &str, resources: &str) -> (Vec<(String, String)>, usize) {
        let dir: PathBuf =
            std::env::temp_dir().join(format!("ff-nested-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = "Parameters:\n  Name: {Type: String}\n  Size: {Type: Number, Default: 1}\nResources:\n  H: {Type: AWS::CloudFormation::WaitConditionHandle}\n";
        // The child also where a URL or a dynamic reference of the tests would lead if it
        // were taken for a local path: it must still not be read.
        for at in [
            "child.yaml",
            "s3:/b/child.yaml",
            "https:/s3.amazonaws.com/b/child.yaml",
            "{{resolve:ssm:/t}}",
        ] {
            let path = dir.join(at);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, child).unwrap();
        }
        std::fs::write(
            dir.join("bare.yaml"),
            "Resources:\n  H: {Type: AWS::CloudFormation::WaitConditionHandle}\n",
        )
        .unwrap();
        let text = format!("Conditions:\n  C: !Equals [a, b]\nResources:\n{resources}");
        let t = crate::Template::parse("parent.yaml", &text).unwrap();
        let found = |t: &crate::Template| -> Vec<(String, String)> {
            crate::validate::validate(t)
                .diagnostics
                .into_iter()
                .filter(|d| d.rule == "FF2030")
                .map(|d| (d.path, d.message))
                .collect()
        };
        let without = found(&t).len();
        let with = found(&t.with_origin(dir.join("parent.yaml")));
        std::fs::remove_dir_all(&dir).unwrap();
        (with, without)
    }

    fn paths(found: &[(String, String)]) -> Vec<&str> {
        found.iter().map(|(p, _)| p.as_str()).collect()
    }

    #[test]
    fn names_are_checked_against_the_child_and_required_ones_must_be_given() {
        let (found, without_origin) = run(
            "names",
            "  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n      Parameters: {Nmae: x, Size: 2}\n",
        );
        assert_eq!(
            paths(&found),
            ["S.Properties.Parameters", "S.Properties.Parameters.Nmae"]
        );
        assert!(found[0].1.contains("`Name` without a Default"), "{found:?}");
        assert!(
            found[1].1.contains("`Nmae` is not a parameter"),
            "{found:?}"
        );
        // Without the file it came from, no child is read.
        assert_eq!(without_origin, 0);
    }

    #[test]
    fn every_branch_of_an_if_and_no_parameters_at_all_are_checked() {
        let (found, _) = run(
            "branches",
            "  A:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: child.yaml\n      Parameters: !If [C, {Name: x}, !Ref AWS::NoValue]\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: child.yaml\n  D:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: bare.yaml\n      Parameters: {Name: x}\n",
        );
        assert_eq!(
            paths(&found),
            [
                "A.Properties.Parameters",
                "B.Properties.Parameters",
                "D.Properties.Parameters.Name"
            ]
        );
        assert!(found[2].1.contains("not a parameter"), "{found:?}");
    }

    /// A child named by the template that is a FIFO (or a device) is not read: the read
    /// would wait for a writer forever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_not_read() {
        let dir = std::env::temp_dir().join(format!("ff-nested-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("child.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let text = "Resources:\n  S:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n      Parameters: {A: b}\n  D:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: /dev/zero\n";
        let t = crate::Template::parse("parent.yaml", text)
            .unwrap()
            .with_origin(dir.join("parent.yaml"));
        // On another thread, so that a read that blocks fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let found = crate::validate::validate(&t)
                .diagnostics
                .into_iter()
                .filter(|d| d.rule == "FF2030")
                .count();
            let _ = tx.send(found);
        });
        let found = rx.recv_timeout(std::time::Duration::from_secs(60));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            found,
            Ok(0),
            "validation blocked on the FIFO or found something"
        );
    }

    #[test]
    fn urls_expressions_and_missing_files_are_not_judged() {
        // Nor an Fn::If of two items (malformed: which branch stands is not known).
        let (found, _) = run(
            "skipped",
            "  U:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://s3.amazonaws.com/b/child.yaml\n      Parameters: {Bad: x}\n  S3:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: s3://b/child.yaml\n      Parameters: {Bad: x}\n  R:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: '{{resolve:ssm:/t}}'\n  M:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./missing.yaml\n      Parameters: {Bad: x}\n  E:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n      Parameters: !GetAtt Other.Params\n  Other:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://example.com/t.yaml\n  F:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n      Parameters: {'Fn::If': [C, {Bad: x}]}\n",
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
