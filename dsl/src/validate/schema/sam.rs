//! SAM's `Globals`: what they give a resource, and what they may name.

use super::*;

/// The `Globals` of a SAM resource's kind (`Globals.Function` for an
/// `AWS::Serverless::Function`...): the SAM transform merges them into the resource's
/// properties (mappings key by key, at any depth) before CloudFormation sees them, so a
/// required property it gives is not missing. IgnoreGlobals is not read: a property Globals
/// has is never reported missing (no false alarm).
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
#[derive(Clone, Copy)]
pub(super) enum SamGlobals<'t> {
    /// Not a SAM resource, or no Globals for its kind.
    None,
    /// The Globals properties of the resource's kind.
    Some(&'t serde_json::Map<String, Json>),
    /// Not known offline (Globals or its entry is not a plain mapping: an `AWS::Include`, an
    /// intrinsic function): it may give anything.
    Unknown,
}

impl<'t> SamGlobals<'t> {
    pub(super) fn of(body: &'t Json, ty: &str) -> Self {
        let Some(g) = body.field("Globals") else {
            return SamGlobals::None;
        };
        let kind = ty.trim_start_matches("AWS::Serverless::");
        let plain = |m: &serde_json::Map<String, Json>| !crate::validate::has_fn_key(m);
        match g.as_object().filter(|m| plain(m)).map(|m| m.field(kind)) {
            None => SamGlobals::Unknown,
            Some(None) => SamGlobals::None,
            Some(Some(Json::Object(m))) if plain(m) => SamGlobals::Some(m),
            Some(Some(_)) => SamGlobals::Unknown,
        }
    }

    /// Whether Globals may give the top-level property `name` (or something inside it).
    pub(super) fn may_give(&self, name: &str) -> bool {
        match self {
            SamGlobals::None => false,
            SamGlobals::Some(m) => m.contains_key(name),
            SamGlobals::Unknown => true,
        }
    }
}

/// The `Globals` section of a SAM template: each property of a resource kind's globals is
/// a property of that kind (`Globals.Function.Timeout` of `AWS::Serverless::Function`); SAM
/// refuses the template otherwise ("'Globals' section is invalid ... is not a supported
/// property"). A kind this schema set does not know, or an entry that is an expression
/// (an include), is not judged.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
pub(super) fn sam_globals(cx: &mut Cx) {
    let Some(globals) = cx.body.field("Globals").and_then(Json::as_object) else {
        return;
    };
    let mut found = Vec::new();
    for (kind, entries) in globals {
        let Some(entries) = entries.as_object() else {
            continue;
        };
        if crate::validate::has_fn_key(entries) {
            continue;
        }
        let Some(schema) = data::schema(&format!("AWS::Serverless::{kind}")) else {
            continue;
        };
        let props = schema.get("properties");
        for key in entries.keys() {
            if props.and_then(|p| p.get(key)).is_none() {
                let hint = suggest(key, settable(schema, props)).map_or_else(
                    || format!("Globals.{kind} takes properties of AWS::Serverless::{kind}"),
                    |s| format!("did you mean `{s}`?"),
                );
                found.push((format!("Globals.{kind}.{key}"), format!("unknown property `{key}` of AWS::Serverless::{kind}: SAM refuses the Globals section"), hint));
            }
        }
    }
    for (path, message, hint) in found {
        cx.report(rules::UNKNOWN_PROPERTY, None, path, message, Some(hint));
    }
}

/// A SAM resource's `IgnoreGlobals` lists the Globals properties the resource does not take
/// from its kind's `Globals` (or `'*'` for all of them). A name the template's Globals for
/// that kind does not set ignores nothing: the resource still inherits the property the
/// author meant to leave out (`Timeot` for `Timeout`). SAM does not say it refuses such a
/// name, so this is a warning (FF2031). Not judged when Globals is not a plain mapping.
/// <https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification-template-anatomy-globals.html>
pub(super) fn ignore_globals(cx: &mut Cx) {
    let mut found = Vec::new();
    for (id, r) in cx.resources.into_iter().flatten() {
        let Some(ty) = r.field("Type").and_then(Json::as_str) else {
            continue;
        };
        let Some(kind) = ty.strip_prefix("AWS::Serverless::") else {
            continue;
        };
        let Some(Json::Array(names)) = r.field("IgnoreGlobals") else {
            continue;
        };
        let set: Vec<&str> = match SamGlobals::of(cx.body, ty) {
            SamGlobals::Unknown => continue,
            SamGlobals::None => Vec::new(),
            SamGlobals::Some(m) => m.keys().map(String::as_str).collect(),
        };
        for (i, name) in names.iter().enumerate() {
            let Some(name) = name.as_str().filter(|n| !set.contains(n)) else {
                continue;
            };
            let hint = match suggest(name, set.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if set.is_empty() => {
                    format!("the template has no Globals for {kind}: remove the name")
                }
                None => format!("Globals.{kind} sets {}", set.join(", ")),
            };
            let mut path = format!("{id}.IgnoreGlobals");
            crate::validate::push_index(&mut path, i);
            found.push((
                id.as_str(),
                path,
                format!(
                    "`{name}` is not a property Globals.{kind} sets: ignoring it ignores nothing"
                ),
                hint,
            ));
        }
    }
    for (id, path, message, hint) in found {
        cx.report(
            rules::IGNORE_GLOBALS_UNSET,
            Some(id),
            path,
            message,
            Some(hint),
        );
    }
}
