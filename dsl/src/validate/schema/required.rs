//! Required sets, dependent and excluded properties, and mapping sizes of a node.

use super::*;

impl Walk<'_, '_> {
    /// FF2009: a mapping with fewer or more entries than the schema's `minProperties` and
    /// `maxProperties` (more than 50 tags in a tag map). An entry an `Fn::If` may remove
    /// counts toward the minimum, not the maximum.
    pub(super) fn entries(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let (min, max) = (n.min_entries, n.max_entries);
        if min.is_none() && max.is_none() {
            return;
        }
        let may = m
            .values()
            .filter(|v| !crate::validate::is_no_value(v))
            .count() as f64;
        let sure = m
            .values()
            .filter(|v| !crate::validate::may_be_no_value(v))
            .count() as f64;
        if min.is_some_and(|x| may < x) || max.is_some_and(|x| sure > x) {
            self.cx.report(
                rules::ARRAY_SIZE,
                Some(self.id),
                path.to_owned(),
                format!(
                    "the mapping has {} entr{}",
                    m.len(),
                    if m.len() == 1 { "y" } else { "ies" }
                ),
                Some(range_hint("entries", min, max)),
            );
        }
    }

    /// FF2003 and FF2022 for the schema's required sets (`requiredXor`, `requiredOr`, and
    /// `oneOf`/`anyOf` alternatives that only require properties: see the generator's
    /// `required_sets`): when no group is all set, a required property is missing; when a
    /// set takes exactly one group and two are set, they exclude each other (reported at the
    /// later one, unless `dependentExcluded` already says so). A property that is an `Fn::If`
    /// which may give `AWS::NoValue` counts as set for the first check and as unset for the
    /// second, so that neither fires on a template some parameters make right. Not judged
    /// for SAM's types, whose properties `Globals` may give.
    /// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
    pub(super) fn required_sets(
        &mut self,
        n: &View,
        m: &serde_json::Map<String, Json>,
        path: &str,
    ) {
        let Some(sets) = n.sets.and_then(Node::as_array) else {
            return;
        };
        for set in sets {
            let Some((kind, groups)) = set.as_object().and_then(|o| o.first()) else {
                continue;
            };
            let groups = groups.as_array().unwrap_or_default();
            if !groups
                .iter()
                .any(|g| g.strs().all(|k| crate::validate::may_be_set(m, k)))
            {
                let quantity = if *kind == "one" {
                    "exactly one"
                } else {
                    "at least one"
                };
                self.cx.report(
                    rules::REQUIRED_PROPERTY,
                    Some(self.id),
                    path.to_owned(),
                    format!(
                        "missing a required property: set {quantity} of {}",
                        describe_groups(groups)
                    ),
                    None,
                );
                continue;
            }
            if *kind != "one" {
                continue;
            }
            // The first property of each group that is all set, in the template's order.
            let at = |k: &str| m.keys().position(|x| x == k);
            let mut set_groups: Vec<&str> = groups
                .iter()
                .filter(|g| g.strs().all(|k| crate::validate::surely_set(m, k)))
                .filter_map(|g| g.strs().min_by_key(|k| at(k)))
                .collect();
            set_groups.sort_by_key(|k| at(k));
            if let [first, later, ..] = set_groups[..]
                && !excludes(n, first, later)
            {
                self.cx.report(
                    rules::EXCLUSIVE_PROPERTIES,
                    Some(self.id),
                    format!("{path}.{later}"),
                    format!(
                        "`{first}` and `{later}` are both set, but only one of {} may be",
                        describe_groups(groups)
                    ),
                    Some(format!("keep one of `{first}` and `{later}`")),
                );
            }
        }
    }

    /// FF2003: a property the schema's `dependentRequired` says must be set with another
    /// that is (`A` set, so `B` must be). The property that requires counts only when it is
    /// set whatever the conditions; the one required, when it may be set.
    /// <https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html>
    pub(super) fn dependent_required(
        &mut self,
        n: &View,
        m: &serde_json::Map<String, Json>,
        path: &str,
    ) {
        let Some(dependent) = n.dependent.and_then(Node::as_object) else {
            return;
        };
        for (k, v) in m {
            let Some((_, needs)) = dependent.iter().find(|(a, _)| *a == k.as_str()) else {
                continue;
            };
            if crate::validate::may_be_no_value(v) {
                continue;
            }
            for b in needs.strs() {
                if !crate::validate::may_be_set(m, b) {
                    self.cx.report(
                        rules::REQUIRED_PROPERTY,
                        Some(self.id),
                        path.to_owned(),
                        format!(
                            "missing the property `{b}`, which {} requires with `{k}`",
                            self.ty
                        ),
                        Some(format!("set `{b}`, or remove `{k}`")),
                    );
                }
            }
        }
    }
}

/// Whether the node's `dependentExcluded` already makes `a` and `b` exclude each other.
pub(super) fn excludes(n: &View, a: &str, b: &str) -> bool {
    let Some(excluded) = n.excluded.and_then(Node::as_object) else {
        return false;
    };
    let lists = |x: &str, y: &str| {
        excluded
            .iter()
            .any(|(k, v)| *k == x && v.strs().any(|n| n == y))
    };
    lists(a, b) || lists(b, a)
}

/// Groups of property names for a message: `` `A`, `B` or (`C` and `D`) ``.
pub(super) fn describe_groups(groups: &[Node]) -> String {
    let names: Vec<String> = groups
        .iter()
        .map(|g| {
            let names: Vec<String> = g.strs().map(|n| format!("`{n}`")).collect();
            if names.len() > 1 {
                format!("({})", names.join(" and "))
            } else {
                names.concat()
            }
        })
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

impl Walk<'_, '_> {
    /// FF2022: two properties the schema excludes together (`dependentExcluded`) both set,
    /// reported once per pair at the later one. A property whose value is `AWS::NoValue`, or
    /// an `Fn::If` that may give it, may be absent, so it does not count.
    pub(super) fn excluded(&mut self, n: &View, m: &serde_json::Map<String, Json>, path: &str) {
        let Some(excluded) = n.excluded.and_then(Node::as_object) else {
            return;
        };
        // The position of a property that is set, for the template's order.
        let set = |k: &str| {
            m.iter()
                .position(|(key, v)| key == k && !crate::validate::may_be_no_value(v))
        };
        let names: Vec<&String> = m.keys().collect();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (a, bs) in excluded {
            let Some(i) = set(a) else { continue };
            for j in bs.strs().filter_map(set) {
                let pair = (i.min(j), i.max(j));
                if i != j && !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        pairs.sort_unstable();
        for (i, j) in pairs {
            let (first, later) = (names[i], names[j]);
            self.cx.report(
                rules::EXCLUSIVE_PROPERTIES,
                Some(self.id),
                format!("{path}.{later}"),
                format!(
                    "`{first}` and `{later}` are both set, but {} takes only one of them",
                    self.ty
                ),
                Some(format!("keep one of `{first}` and `{later}`")),
            );
        }
    }
}
