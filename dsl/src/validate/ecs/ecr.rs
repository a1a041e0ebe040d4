//! ECR lifecycle policies, from the rules of the ECR documentation.

use super::*;
use crate::model::json::Field;

pub(super) fn ecr(cx: &mut Cx) {
    let repos: Vec<(&str, Option<&JsonMap>)> = cx
        .resources_of("AWS::ECR::Repository")
        .map(|(id, _, p)| (id, p))
        .collect();
    for (id, props) in repos {
        let Some(text) = props
            .and_then(|p| p.field("LifecyclePolicy"))
            .and_then(|l| l.field("LifecyclePolicyText"))
            .and_then(Json::as_str)
        else {
            continue;
        };
        let path = format!("{id}.Properties.LifecyclePolicy.LifecyclePolicyText");
        lifecycle_policy(cx, id, &path, text);
    }
}

/// Where a lifecycle policy is (the repository, the property path), for its findings.
#[derive(Clone, Copy)]
struct At<'a> {
    id: &'a str,
    path: &'a str,
}

impl At<'_> {
    /// A finding of `rule`.
    fn report(self, cx: &mut Cx, rule: rules::Rule, message: String, hint: &str) {
        cx.report(
            rule,
            Some(self.id),
            self.path.to_owned(),
            message,
            Some(hint.into()),
        );
    }

    /// The policy is malformed: the finding shows what a policy looks like.
    fn bad(self, cx: &mut Cx, message: String) {
        self.report(
            cx,
            rules::ECR_LIFECYCLE_POLICY,
            message,
            "a lifecycle policy is {\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 14}, \"action\": {\"type\": \"expire\"}}]}",
        );
    }
}

/// Check the text of an ECR lifecycle policy (the rules of the ECR documentation).
pub(super) fn lifecycle_policy(cx: &mut Cx, id: &str, path: &str, text: &str) {
    let at = At { id, path };
    let policy: Json = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => return at.bad(cx, format!("the lifecycle policy is not valid JSON: {e}")),
    };
    let Some(rules) = policy.field("rules").and_then(Json::as_array) else {
        return at.bad(cx, "the lifecycle policy has no `rules` list".into());
    };
    if rules.is_empty() {
        return at.bad(cx, "the lifecycle policy has no rules".into());
    }
    let mut priorities: Vec<(i64, usize)> = Vec::new();
    let mut any_rule: Option<(i64, usize)> = None;
    for (i, r) in rules.iter().enumerate() {
        let Some(prio) = r
            .field("rulePriority")
            .and_then(Json::as_i64)
            .filter(|p| *p >= 1)
        else {
            at.bad(
                cx,
                format!("rule {i} has no rulePriority (an integer from 1)"),
            );
            continue;
        };
        let Some(sel) = r.field("selection").and_then(Json::as_object) else {
            at.bad(cx, format!("rule {prio} has no selection"));
            continue;
        };
        if r.field("action")
            .and_then(|a| a.field("type"))
            .and_then(Json::as_str)
            != Some("expire")
        {
            at.bad(
                cx,
                format!("rule {prio}: action must be {{\"type\": \"expire\"}}"),
            );
        }
        let status = selection(cx, at, prio, sel);
        if let Some(&(_, first)) = priorities.iter().find(|(p, _)| *p == prio) {
            at.report(
                cx,
                rules::ECR_DUPLICATE_PRIORITY,
                format!("rules {first} and {i} both have rulePriority {prio}"),
                "give every rule its own rulePriority",
            );
        }
        priorities.push((prio, i));
        if status == Some("any") {
            any_rule = Some((prio, i));
        }
    }
    if let Some((prio, _)) = any_rule
        && let Some(max) = priorities.iter().map(|(p, _)| *p).max()
        && prio < max
    {
        at.report(
            cx,
            rules::ECR_ANY_PRIORITY,
            format!(
                "the rule with tagStatus any has rulePriority {prio}, but another rule has {max}"
            ),
            "the tagStatus any rule must have the highest rulePriority (it is evaluated last)",
        );
    }
}

/// The `selection` of rule `prio`: its tag status (returned), count type, count and unit, and
/// the tag lists that go with a status.
fn selection<'a>(cx: &mut Cx, at: At, prio: i64, sel: &'a JsonMap) -> Option<&'a str> {
    let status = sel.field("tagStatus").and_then(Json::as_str);
    if !matches!(status, Some("tagged" | "untagged" | "any")) {
        at.bad(
            cx,
            format!("rule {prio}: selection.tagStatus must be tagged, untagged or any"),
        );
    }
    let count_type = sel.field("countType").and_then(Json::as_str);
    if !matches!(count_type, Some("imageCountMoreThan" | "sinceImagePushed")) {
        at.bad(
            cx,
            format!(
                "rule {prio}: selection.countType must be imageCountMoreThan or sinceImagePushed"
            ),
        );
    }
    if sel
        .field("countNumber")
        .and_then(Json::as_i64)
        .is_none_or(|n| n < 1)
    {
        at.bad(
            cx,
            format!("rule {prio}: selection.countNumber must be an integer from 1"),
        );
    }
    let lists = ["tagPrefixList", "tagPatternList"];
    let has_list = lists.iter().any(|k| {
        sel.field(k)
            .and_then(Json::as_array)
            .is_some_and(|a| !a.is_empty())
    });
    let has_any_list_key = lists.iter().any(|k| sel.contains_key(*k));
    match status {
        Some("tagged") if !has_list => at.report(
            cx,
            rules::ECR_TAG_SELECTION,
            format!("rule {prio}: tagStatus tagged needs a tagPrefixList or tagPatternList"),
            "list the tag prefixes (or patterns) the rule applies to",
        ),
        Some("untagged" | "any") if has_any_list_key => at.report(
            cx,
            rules::ECR_TAG_SELECTION,
            format!(
                "rule {prio}: tagPrefixList/tagPatternList are only allowed with tagStatus tagged"
            ),
            "remove the list, or set tagStatus: tagged",
        ),
        _ => {}
    }
    let has_unit = sel.contains_key("countUnit");
    match count_type {
        Some("sinceImagePushed") if !has_unit => at.report(
            cx,
            rules::ECR_COUNT_UNIT,
            format!("rule {prio}: countType sinceImagePushed needs countUnit"),
            "add \"countUnit\": \"days\"",
        ),
        Some("imageCountMoreThan") if has_unit => at.report(
            cx,
            rules::ECR_COUNT_UNIT,
            format!("rule {prio}: countUnit is only allowed with countType sinceImagePushed"),
            "remove countUnit",
        ),
        _ => {}
    }
    if has_unit && sel.field("countUnit").and_then(Json::as_str) != Some("days") {
        at.bad(cx, format!("rule {prio}: countUnit must be days"));
    }
    status
}

#[cfg(test)]
mod tests {
    use super::super::found;

    /// A repository whose lifecycle policy has the one rule `rule` (JSON text).
    fn repo(rule: &str) -> String {
        format!(
            "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      LifecyclePolicy:\n        LifecyclePolicyText: '{{\"rules\": [{rule}]}}'\n"
        )
    }

    fn rule(selection: &str) -> String {
        format!(
            "{{\"rulePriority\": 1, \"selection\": {selection}, \"action\": {{\"type\": \"expire\"}}}}"
        )
    }

    #[test]
    fn count_numbers_start_at_one() {
        let count = |n: i64| {
            found(
                &repo(&rule(&format!(
                    "{{\"tagStatus\": \"untagged\", \"countType\": \"imageCountMoreThan\", \"countNumber\": {n}}}"
                ))),
                "FF4020",
            )
        };
        assert_eq!(count(1), vec![]);
        assert_eq!(count(2), vec![]);
        let zero = count(0);
        assert_eq!(zero.len(), 1, "{zero:?}");
        assert!(
            zero[0].2.contains("countNumber must be an integer from 1"),
            "{zero:?}"
        );
    }

    #[test]
    fn tagged_rules_need_a_list_and_age_rules_a_unit() {
        let tagged = found(
            &repo(&rule(
                "{\"tagStatus\": \"tagged\", \"countType\": \"imageCountMoreThan\", \"countNumber\": 5}",
            )),
            "FF4023",
        );
        assert_eq!(tagged.len(), 1, "{tagged:?}");
        assert!(
            tagged[0]
                .2
                .contains("tagStatus tagged needs a tagPrefixList"),
            "{tagged:?}"
        );
        let listed = found(
            &repo(&rule(
                "{\"tagStatus\": \"tagged\", \"tagPrefixList\": [\"v\"], \"countType\": \"imageCountMoreThan\", \"countNumber\": 5}",
            )),
            "FF4023",
        );
        assert_eq!(listed, vec![]);
        let unitless = found(
            &repo(&rule(
                "{\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countNumber\": 14}",
            )),
            "FF4024",
        );
        assert_eq!(unitless.len(), 1, "{unitless:?}");
        assert!(
            unitless[0].2.contains("sinceImagePushed needs countUnit"),
            "{unitless:?}"
        );
        let with_unit = found(
            &repo(&rule(
                "{\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 14}",
            )),
            "FF4024",
        );
        assert_eq!(with_unit, vec![]);
    }
}
