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

/// Check the text of an ECR lifecycle policy (the rules of the ECR documentation).
pub(super) fn lifecycle_policy(cx: &mut Cx, id: &str, path: &str, text: &str) {
    let bad = |cx: &mut Cx, msg: String| {
        cx.report(
            rules::ECR_LIFECYCLE_POLICY,
            Some(id),
            path.to_owned(),
            msg,
            Some("a lifecycle policy is {\"rules\": [{\"rulePriority\": 1, \"selection\": {\"tagStatus\": \"untagged\", \"countType\": \"sinceImagePushed\", \"countUnit\": \"days\", \"countNumber\": 14}, \"action\": {\"type\": \"expire\"}}]}".into()),
        );
    };
    let policy: Json = match serde_json::from_str(text) {
        Ok(p) => p,
        Err(e) => return bad(cx, format!("the lifecycle policy is not valid JSON: {e}")),
    };
    let Some(rules) = policy.field("rules").and_then(Json::as_array) else {
        return bad(cx, "the lifecycle policy has no `rules` list".into());
    };
    if rules.is_empty() {
        return bad(cx, "the lifecycle policy has no rules".into());
    }
    let mut priorities: Vec<(i64, usize)> = Vec::new();
    let mut any_rule: Option<(i64, usize)> = None;
    for (i, r) in rules.iter().enumerate() {
        let Some(prio) = r
            .field("rulePriority")
            .and_then(Json::as_i64)
            .filter(|p| *p >= 1)
        else {
            bad(
                cx,
                format!("rule {i} has no rulePriority (an integer from 1)"),
            );
            continue;
        };
        let Some(sel) = r.field("selection").and_then(Json::as_object) else {
            bad(cx, format!("rule {prio} has no selection"));
            continue;
        };
        if r.field("action")
            .and_then(|a| a.field("type"))
            .and_then(Json::as_str)
            != Some("expire")
        {
            bad(
                cx,
                format!("rule {prio}: action must be {{\"type\": \"expire\"}}"),
            );
        }
        let status = sel.field("tagStatus").and_then(Json::as_str);
        if !matches!(status, Some("tagged" | "untagged" | "any")) {
            bad(
                cx,
                format!("rule {prio}: selection.tagStatus must be tagged, untagged or any"),
            );
        }
        let count_type = sel.field("countType").and_then(Json::as_str);
        if !matches!(count_type, Some("imageCountMoreThan" | "sinceImagePushed")) {
            bad(
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
            bad(
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
            Some("tagged") if !has_list => cx.report(
                rules::ECR_TAG_SELECTION,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: tagStatus tagged needs a tagPrefixList or tagPatternList"),
                Some("list the tag prefixes (or patterns) the rule applies to".into()),
            ),
            Some("untagged" | "any") if has_any_list_key => cx.report(
                rules::ECR_TAG_SELECTION,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: tagPrefixList/tagPatternList are only allowed with tagStatus tagged"),
                Some("remove the list, or set tagStatus: tagged".into()),
            ),
            _ => {}
        }
        let has_unit = sel.contains_key("countUnit");
        match count_type {
            Some("sinceImagePushed") if !has_unit => cx.report(
                rules::ECR_COUNT_UNIT,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: countType sinceImagePushed needs countUnit"),
                Some("add \"countUnit\": \"days\"".into()),
            ),
            Some("imageCountMoreThan") if has_unit => cx.report(
                rules::ECR_COUNT_UNIT,
                Some(id),
                path.to_owned(),
                format!("rule {prio}: countUnit is only allowed with countType sinceImagePushed"),
                Some("remove countUnit".into()),
            ),
            _ => {}
        }
        if has_unit && sel.field("countUnit").and_then(Json::as_str) != Some("days") {
            bad(cx, format!("rule {prio}: countUnit must be days"));
        }
        if let Some(&(_, first)) = priorities.iter().find(|(p, _)| *p == prio) {
            cx.report(
                rules::ECR_DUPLICATE_PRIORITY,
                Some(id),
                path.to_owned(),
                format!("rules {first} and {i} both have rulePriority {prio}"),
                Some("give every rule its own rulePriority".into()),
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
        cx.report(
            rules::ECR_ANY_PRIORITY,
            Some(id),
            path.to_owned(),
            format!(
                "the rule with tagStatus any has rulePriority {prio}, but another rule has {max}"
            ),
            Some(
                "the tagStatus any rule must have the highest rulePriority (it is evaluated last)"
                    .into(),
            ),
        );
    }
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
