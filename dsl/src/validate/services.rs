//! Facts of single services that span properties:
//!
//! - DynamoDB tables (`FF2021`): `AttributeDefinitions` lists exactly the attributes the key
//!   schemas use — the table's and those of its global and local secondary indexes.
//!   DynamoDB refuses the table otherwise (`CreateTable`: "Some index key attributes are not
//!   defined in AttributeDefinitions", "Number of attributes in KeySchema does not exactly
//!   match number of attributes defined in AttributeDefinitions").
//!   <https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html>
//!   Checked only when every name is written as text and no list is an expression: a name
//!   from a parameter or an `Fn::If` could be anything.
//! - AWS Backup lifecycles (`FF2008`): a backup moved to cold storage stays there at least
//!   90 days, so `DeleteAfterDays` is at least `MoveToColdStorageAfterDays` + 90.
//!   <https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html>

use std::collections::BTreeSet;

use super::Cx;
use crate::model::render::Json;
use crate::rules;

const TABLES: &[&str] = &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"];

pub(super) fn check(cx: &mut Cx) {
    dynamodb(cx);
    backup(cx);
}

fn dynamodb(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        if !r
            .get("Type")
            .and_then(Json::as_str)
            .is_some_and(|t| TABLES.contains(&t))
        {
            continue;
        }
        let Some(p) = r.get("Properties") else {
            continue;
        };
        let (Some(defined), Some(used)) = (defined(p), used(p)) else {
            continue;
        };
        let undefined: Vec<&str> = used.difference(&defined).copied().collect();
        let unused: Vec<&str> = defined.difference(&used).copied().collect();
        if !undefined.is_empty() {
            found.push((
                id.as_str(),
                format!(
                    "the key schemas use {}, which AttributeDefinitions does not define; DynamoDB refuses the table",
                    names(&undefined)
                ),
                format!("add {} to AttributeDefinitions with its type (S, N or B)", names(&undefined)),
            ));
        }
        if !unused.is_empty() {
            found.push((
                id.as_str(),
                format!(
                    "AttributeDefinitions defines {}, which no key schema uses; DynamoDB refuses the table",
                    names(&unused)
                ),
                "define only key attributes (of the table and its indexes); other attributes need no definition".to_owned(),
            ));
        }
    }
    for (id, message, hint) in found {
        cx.report(
            rules::DYNAMODB_ATTRIBUTES,
            Some(id),
            format!("{id}.Properties.AttributeDefinitions"),
            message,
            Some(hint),
        );
    }
}

fn names(n: &[&str]) -> String {
    n.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names AttributeDefinitions defines, when all are text.
fn defined(p: &Json) -> Option<BTreeSet<&str>> {
    let list = p.get("AttributeDefinitions")?.as_array()?;
    list.iter()
        .map(|d| d.get("AttributeName").and_then(Json::as_str))
        .collect()
}

/// The names the table's and its indexes' key schemas use, when all are text.
fn used(p: &Json) -> Option<BTreeSet<&str>> {
    let mut out = BTreeSet::new();
    key_names(p.get("KeySchema")?, &mut out)?;
    for indexes in ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"] {
        let Some(list) = p.get(indexes) else { continue };
        for index in list.as_array()? {
            key_names(index.get("KeySchema")?, &mut out)?;
        }
    }
    Some(out)
}

fn key_names<'a>(schema: &'a Json, out: &mut BTreeSet<&'a str>) -> Option<()> {
    for k in schema.as_array()? {
        out.insert(k.get("AttributeName")?.as_str()?);
    }
    Some(())
}

/// Every `Lifecycle` of a backup plan's rules and of their copy actions.
fn backup(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, _, props) in cx.resources_of("AWS::Backup::BackupPlan") {
        let rules = props
            .and_then(|p| p.get("BackupPlan"))
            .and_then(|p| p.get("BackupPlanRule"))
            .and_then(Json::as_array);
        for (i, rule) in rules.into_iter().flatten().enumerate() {
            let base = format!("{id}.Properties.BackupPlan.BackupPlanRule[{i}]");
            let copies = rule.get("CopyActions").and_then(Json::as_array);
            let lifecycles = std::iter::once((format!("{base}.Lifecycle"), rule.get("Lifecycle")))
                .chain(copies.into_iter().flatten().enumerate().map(|(j, c)| {
                    (
                        format!("{base}.CopyActions[{j}].Lifecycle"),
                        c.get("Lifecycle"),
                    )
                }));
            for (path, l) in lifecycles {
                let days = |k: &str| l.and_then(|l| super::lit_num(l.get(k)));
                if let (Some(cold), Some(delete)) =
                    (days("MoveToColdStorageAfterDays"), days("DeleteAfterDays"))
                    && delete < cold + 90.0
                {
                    found.push((
                        id.to_owned(),
                        format!("{path}.DeleteAfterDays"),
                        cold,
                        delete,
                    ));
                }
            }
        }
    }
    for (id, path, cold, delete) in found {
        cx.report(
            rules::NUMBER_RANGE,
            Some(&id),
            path,
            format!("DeleteAfterDays {delete} is less than 90 days after MoveToColdStorageAfterDays {cold}: AWS Backup keeps cold backups at least 90 days"),
            Some(format!("set DeleteAfterDays to at least {}, or move to cold storage later", cold + 90.0)),
        );
    }
}
