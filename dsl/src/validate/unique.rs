//! FF2023: two resources of one type with the same primary identifier.
//!
//! A resource type's schema names the properties that identify one of its resources
//! (`primaryIdentifier`: a bucket's `BucketName`, a log group's `LogGroupName`, a resource
//! group's `Name`). When the template sets them, two resources of the type that set them to
//! the same values are the same AWS resource: CloudFormation creates the first, and the
//! second fails (`AlreadyExists`), rolling the stack back.
//! <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
//! (`primaryIdentifier`: "uniquely identifies an instance of this resource type").
//!
//! Only identifiers the template writes in full are compared (codegen keeps
//! `primaryIdentifier` only when every part is a top-level property the template sets, not
//! one AWS assigns), and only values written alike: the same literal, or the same
//! expression (`!Ref AWS::StackName` twice). Values that might differ are not judged: an
//! `Fn::If` anywhere in them, or two resources under different conditions (one may be
//! created without the other).

use crate::model::json::Field;
use std::collections::BTreeMap;

use super::{Cx, data};
use crate::model::render::Json;
use crate::rules;

pub(super) fn check(cx: &mut Cx) {
    // (type, condition, identifier values) -> the resources that have them, in order.
    let mut seen: BTreeMap<(&str, Option<&str>, String), Vec<&str>> = BTreeMap::new();
    let mut names: BTreeMap<&str, Vec<&'static str>> = BTreeMap::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let ids = names.entry(ty).or_insert_with(|| {
            data::schema(ty)
                .and_then(|s| s.get("primaryIdentifier"))
                .map(|p| p.strs().collect())
                .unwrap_or_default()
        });
        if ids.is_empty() {
            continue;
        }
        let Some(props) = r.field("Properties").and_then(Json::as_object) else {
            continue;
        };
        let Some(values) = ids
            .iter()
            .map(|n| props.field(n).filter(|v| !super::has_if(v)))
            .collect::<Option<Vec<&Json>>>()
        else {
            continue;
        };
        let condition = match r.field("Condition") {
            None => None,
            Some(Json::String(c)) => Some(c.as_str()),
            Some(_) => continue,
        };
        let key = serde_json::to_string(&values).unwrap_or_default();
        seen.entry((ty, condition, key))
            .or_default()
            .push(id.as_str());
    }
    let mut found = Vec::new();
    for ((ty, _, _), ids) in &seen {
        if ids.len() < 2 {
            continue;
        }
        let parts = &names[ty];
        let path = match parts.as_slice() {
            [one] => format!(".{one}"),
            _ => String::new(),
        };
        for (i, id) in ids.iter().enumerate() {
            let others: Vec<String> = ids
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, o)| format!("`{o}`"))
                .collect();
            found.push((
                *id,
                format!("{id}.Properties{path}"),
                format!(
                    "has the same {} as {}: they would be one {ty}, and CloudFormation fails to create the second (it already exists)",
                    parts.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(" and "),
                    others.join(", "),
                ),
                format!(
                    "give each its own {} (or leave it out, where AWS can name the resource)",
                    parts.join(" and ")
                ),
            ));
        }
    }
    found.sort();
    for (id, path, message, hint) in found {
        cx.report(
            rules::DUPLICATE_IDENTIFIER,
            Some(id),
            path,
            message,
            Some(hint),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::Template;
    use crate::validate::validate;

    fn found(yaml: &str) -> Vec<(String, String)> {
        let t = Template::parse("t.yaml", yaml).unwrap();
        validate(&t)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == "FF2023")
            .map(|d| (d.logical_id.unwrap_or_default(), d.path))
            .collect()
    }

    fn groups(a: &str, b: &str) -> String {
        format!(
            "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n{a}  B:\n    Type: AWS::Logs::LogGroup\n{b}"
        )
    }

    #[test]
    fn one_name_twice_is_reported_on_both() {
        let p = "    Properties:\n      LogGroupName: !Sub '${AWS::StackName}-app'\n";
        assert_eq!(
            found(&groups(p, p)),
            [
                ("A".into(), "A.Properties.LogGroupName".into()),
                ("B".into(), "B.Properties.LogGroupName".into())
            ]
        );
    }

    /// Each resource's message names the others with the same identifier, not itself.
    #[test]
    fn each_message_names_the_others() {
        let p = "    Properties:\n      LogGroupName: app\n";
        let t = format!("{}  C:\n    Type: AWS::Logs::LogGroup\n{p}", groups(p, p));
        let d = crate::validate::found(&t, "FF2023");
        let said: Vec<&str> = d.iter().map(|d| d.2.as_str()).collect();
        let msg = |others: &str| {
            format!(
                "has the same `LogGroupName` as {others}: they would be one AWS::Logs::LogGroup, and CloudFormation fails to create the second (it already exists)"
            )
        };
        assert_eq!(said, [msg("`B`, `C`"), msg("`A`, `C`"), msg("`A`, `B`")]);
        assert_eq!(
            d[0].3,
            "give each its own LogGroupName (or leave it out, where AWS can name the resource)"
        );
    }

    #[test]
    fn names_that_may_differ_are_not_judged() {
        let named = |n: &str| format!("    Properties:\n      LogGroupName: {n}\n");
        // Different names, a name AWS gives, different parameters, an Fn::If.
        assert!(found(&groups(&named("a"), &named("b"))).is_empty());
        assert!(found(&groups(&named("a"), "")).is_empty());
        assert!(
            found(&groups(
                &named("!Ref AWS::StackName"),
                &named("!Ref AWS::Region")
            ))
            .is_empty()
        );
        let either = named("!If [C, a, b]");
        assert!(found(&groups(&either, &either)).is_empty());
        // Different conditions: maybe not both created.
        let a = format!("    Condition: X\n{}", named("a"));
        let b = format!("    Condition: Y\n{}", named("a"));
        assert!(found(&groups(&a, &b)).is_empty());
        // The same condition: both created, or neither.
        assert_eq!(found(&groups(&a, &a)).len(), 2);
    }

    #[test]
    fn an_identifier_aws_assigns_is_never_compared() {
        // A security group's identifier is its GroupId, which AWS assigns: two groups with
        // one description are two groups.
        let sg = "    Properties:\n      GroupDescription: same\n";
        let t = groups(sg, sg).replace("AWS::Logs::LogGroup", "AWS::EC2::SecurityGroup");
        assert!(found(&t).is_empty());
    }
}
