//! The forms CloudFormation takes for each function's arguments (`FF2000` of a call): the
//! shapes of `Fn::Select`, `Fn::Join` and `Fn::FindInMap`, unknown functions, condition
//! functions outside conditions, and each function's argument types.

use super::*;

/// What is wrong with the arguments of `Fn::Select`, `Fn::Join` or `Fn::FindInMap`, and how
/// to write them: `[index, list]` and `[delimiter, list]`, where the list is a list or a
/// function that gives one (never text: `Fn::Join`, `Fn::Sub` and `Fn::Base64` give text, as
/// does a literal string), and Select's index is an integer or a function; Fn::FindInMap's
/// as [`find_in_map_shape`] says.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-select.html>
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-join.html>
pub(super) fn shape_problem(f: &str, args: &Json) -> Option<(String, &'static str)> {
    if f == "Fn::FindInMap" {
        let hint = "write `Fn::FindInMap: [MapName, TopLevelKey, SecondLevelKey]`, e.g. `!FindInMap [Sizes, !Ref Env, Cpu]` (a fourth item, `{DefaultValue: ...}`, needs the AWS::LanguageExtensions transform)";
        return find_in_map_shape(args).map(|what| (what, hint));
    }
    let hint = if f == "Fn::Select" {
        "write `Fn::Select: [index, list]`, e.g. `!Select [0, !GetAZs '']`"
    } else {
        "write `Fn::Join: [delimiter, [value, ...]]`, e.g. `!Join ['-', [a, !Ref B]]`"
    };
    let Json::Array(a) = args else {
        let two = if f == "Fn::Select" {
            "[index, list]"
        } else {
            "[delimiter, list]"
        };
        return Some((
            format!(
                "takes a list of two, {two}, not {}",
                crate::validate::shown(args)
            ),
            hint,
        ));
    };
    if a.len() != 2 {
        return Some((format!("takes a list of two items, not {}", a.len()), hint));
    }
    if f == "Fn::Select" && crate::validate::lit_num(Some(&a[0])).is_none() && !a[0].is_object() {
        return Some((
            format!("index {} is not an integer", crate::validate::shown(&a[0])),
            hint,
        ));
    }
    if f == "Fn::Join" && !a[0].is_string() {
        return Some((
            format!("delimiter {} is not text", crate::validate::shown(&a[0])),
            hint,
        ));
    }
    // The values joined are text: a list or a plain mapping among them is refused ("a list
    // of strings to be joined").
    if f == "Fn::Join"
        && let Json::Array(items) = &a[1]
        && let Some(bad) = items.iter().find(|x| !gives_text(x))
    {
        return Some((
            format!("joins text, not {}", crate::validate::shown(bad)),
            hint,
        ));
    }
    let text_fn =
        intrinsic(&a[1]).is_some_and(|(g, _)| matches!(g, "Fn::Join" | "Fn::Sub" | "Fn::Base64"));
    if matches!(a[1], Json::String(_) | Json::Number(_) | Json::Bool(_)) || text_fn {
        return Some((
            format!(
                "takes a list, but {} gives text",
                crate::validate::shown(&a[1])
            ),
            hint,
        ));
    }
    None
}

/// A function written in a form CloudFormation refuses (FF2000).
pub(super) struct FormProblem {
    pub(super) what: String,
    pub(super) hint: Cow<'static, str>,
    /// Whether the references in its arguments are still checked: not for a misplaced
    /// condition, reported where it starts rather than again for its parts.
    pub(super) walk_args: bool,
}

/// What is wrong with function `f` written at `at` with `args`: a condition function out of
/// place, a name CloudFormation has no function for, or an argument of a form it refuses.
pub(super) fn form_problem(
    place: Place,
    f: &str,
    args: &Json,
    at: &str,
    language_extensions: bool,
) -> Option<FormProblem> {
    let problem = |(what, hint): (String, &'static str), walk_args| FormProblem {
        what,
        hint: Cow::Borrowed(hint),
        walk_args,
    };
    if let Some(p) = misplaced_condition(place, f, at) {
        return Some(problem(p, false));
    }
    if let Some(hint) = unknown_function(f) {
        return Some(FormProblem {
            what: "is not a function CloudFormation has".to_owned(),
            hint: Cow::Owned(hint),
            walk_args: true,
        });
    }
    argument_problem(f, args, language_extensions).map(|p| problem(p, true))
}

/// Whether `v` is a function, or a placeholder for what a macro or `rain pkg` writes.
pub(super) fn is_fn(v: &Json) -> bool {
    intrinsic(v).is_some() || crate::validate::stands_in(v)
}

/// Whether `v` may stand where text is asked for, given by a function if need be: anything
/// but a list or a mapping that is not a function.
pub(in crate::validate) fn gives_text(v: &Json) -> bool {
    // A mapping of the one key `Condition` is a plain mapping here.
    !v.is_array()
        && (!v.is_object() || crate::validate::is_expr(v) || crate::validate::stands_in(v))
}

/// Every intrinsic function of a template: the functions, the condition functions, the
/// rule functions (of the Rules section), `AWS::LanguageExtensions`' (`Fn::ForEach::Name`
/// is a key, matched by its prefix) and `Fn::GetStackOutput`.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>
pub(super) const FUNCTIONS: [&str; 27] = [
    "Fn::And",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Contains",
    "Fn::EachMemberEquals",
    "Fn::EachMemberIn",
    "Fn::Equals",
    "Fn::FindInMap",
    "Fn::ForEach",
    "Fn::GetAZs",
    "Fn::GetAtt",
    "Fn::GetStackOutput",
    "Fn::If",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Length",
    "Fn::Not",
    "Fn::Or",
    "Fn::RefAll",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::ValueOf",
    "Fn::ValueOfAll",
    "Ref",
];

/// The hint for a one-key mapping `Fn::...` that names no function (CloudFormation refuses
/// the template: "Encountered unsupported function"); `None` for a function, a loop of
/// `Fn::ForEach` or a `rain pkg` directive.
pub(super) fn unknown_function(f: &str) -> Option<String> {
    if !f.starts_with("Fn::")
        || FUNCTIONS.contains(&f)
        || f.starts_with("Fn::ForEach::")
        || f.starts_with("Fn::Rain::")
    {
        return None;
    }
    Some(match suggest(f, FUNCTIONS.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "write one of Fn::Base64, Fn::Cidr, Fn::FindInMap, Fn::GetAtt, Fn::GetAZs, Fn::If, Fn::ImportValue, Fn::Join, Fn::Select, Fn::Split, Fn::Sub or Ref".to_owned(),
    })
}

/// The `n` items of a function's list argument; else what is wrong with it (`None` for a
/// null, which is FF2019's): a list of another length, or no list (described as `form`).
pub(super) fn list_of<'v>(
    args: &'v Json,
    n: usize,
    form: &str,
    hint: &'static str,
) -> Result<&'v [Json], Option<(String, &'static str)>> {
    let count = if n == 2 { "two" } else { "three" };
    match args {
        Json::Array(a) if a.len() == n => Ok(a),
        Json::Array(a) => Err(Some((
            format!("takes a list of {count} items, not {}", a.len()),
            hint,
        ))),
        Json::Null => Err(None),
        _ => Err(Some((
            format!(
                "takes a list of {count}, {form}, not {}",
                crate::validate::shown(args)
            ),
            hint,
        ))),
    }
}

/// `Fn::And`, `Fn::Equals`, `Fn::Not` or `Fn::Or` in a resource's property values or an
/// output: every condition but `Fn::If`'s is defined in the Conditions section and named
/// where it is used.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
pub(super) fn misplaced_condition(
    place: Place,
    f: &str,
    path: &str,
) -> Option<(String, &'static str)> {
    if !CONDITION_FUNCTIONS.contains(&f) {
        return None;
    }
    let in_values = match place {
        Place::Resource(id) => path
            .strip_prefix(id)
            .is_some_and(|p| p.starts_with(".Properties")),
        Place::Output(_) => true,
        Place::Condition(_) => false,
    };
    in_values.then(|| {
        (
            "is a condition function, which belongs in the Conditions section".to_owned(),
            "define the condition under Conditions and choose the value with `Fn::If: [ThatCondition, value if true, value if false]`",
        )
    })
}

/// What is wrong with the argument of `Ref`, `Fn::If`, `Fn::Sub`, `Fn::Split`, `Fn::Base64`,
/// `Fn::GetAZs`, `Fn::Cidr`, `Fn::GetAtt` or `Fn::Transform` that CloudFormation refuses, or `Fn::Length` and
/// `Fn::ToJsonString` without the transform that defines them. Only forms the AWS documentation rules out are
/// reported: a function where a function's result may stand is taken on trust, and so is
/// any function under `AWS::LanguageExtensions`, which resolves some before CloudFormation
/// reads them, and what a macro (`Fn::Transform`) or `rain pkg` writes. A null is FF2019's.
/// - `Ref`: a logical name, or a function.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html>
/// - `Fn::If`: `[condition name, value if true, value if false]`.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
/// - `Fn::Sub`: a string, or `[string, {variable: value}]`.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html>
/// - `Fn::Split`: `[delimiter, source string]`.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-split.html>
/// - `Fn::Base64`: the string to encode.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-base64.html>
/// - `Fn::GetAZs`: a region name (empty for the stack's region).
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getavailabilityzones.html>
/// - `Fn::Cidr`: `[ip block, count, subnet bits]`.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-cidr.html>
/// - `Fn::GetAtt`: an attribute name that is text or a `Ref` (the other forms are reported
///   where the reference is resolved).
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getatt.html>
/// - `Fn::Transform`: `{Name: macro, Parameters: {...}}` (AWS's own templates also give a
///   list of them, taken on trust); what the macro writes is taken on trust, but not a call
///   that names no macro.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-transform.html>
/// - `Fn::Equals`: `[value, value]`; `Fn::Not`: `[condition]`; `Fn::And` and `Fn::Or`: a
///   list of 2 to 10 conditions.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
/// - `Fn::Length`, `Fn::ToJsonString`: functions of `AWS::LanguageExtensions`.
///   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html>
pub(super) fn argument_problem(
    f: &str,
    args: &Json,
    language_extensions: bool,
) -> Option<(String, &'static str)> {
    // What a macro's `Fn::Transform` or `rain pkg` writes in its place is not known here.
    if crate::validate::stands_in(args) {
        return None;
    }
    // Where the documentation asks for a string: a string, or (under the transform, which
    // may resolve it first) a function.
    let text = |v: &Json| {
        v.is_string()
            || v.is_null()
            || crate::validate::stands_in(v)
            || (language_extensions && is_fn(v))
    };
    let shown = crate::validate::shown;
    match f {
        "Ref" if !(args.is_string() || args.is_null() || is_fn(args)) => Some((
            format!(
                "takes the logical name of a parameter or resource, not {}",
                shown(args)
            ),
            "write `Ref: LogicalName` (or `!Ref LogicalName`)",
        )),
        "Fn::If" => {
            let hint = "write `Fn::If: [ConditionName, value if true, value if false]`";
            match list_of(args, 3, "[condition, value if true, value if false]", hint) {
                Err(problem) => problem,
                Ok(a) => (!(a[0].is_string() || a[0].is_null())).then(|| {
                    (
                        format!("condition {} is not a condition's name", shown(&a[0])),
                        hint,
                    )
                }),
            }
        }
        "Fn::Sub" => {
            let hint = "write `Fn::Sub: text with ${Name}s`, or `Fn::Sub: [text, {Name: value}]`";
            match args {
                Json::Array(_) => match list_of(args, 2, "", hint) {
                    Err(problem) => problem,
                    Ok(a) if !text(&a[0]) => {
                        Some((format!("text {} is not a string", shown(&a[0])), hint))
                    }
                    Ok(a) if !(a[1].is_object() || a[1].is_null()) => Some((
                        format!("variables {} are not a mapping", shown(&a[1])),
                        hint,
                    )),
                    // Each variable's value is text, or a function that gives text.
                    Ok(a) => a[1]
                        .as_object()
                        .filter(|_| !is_fn(&a[1]))
                        .into_iter()
                        .flatten()
                        .find(|(_, v)| !(gives_text(v) || v.is_null()))
                        .map(|(k, v)| (format!("variable `{k}` is {}, not text", shown(v)), hint)),
                },
                _ if text(args) => None,
                _ => Some((
                    format!("takes a string or [string, mapping], not {}", shown(args)),
                    hint,
                )),
            }
        }
        "Fn::Split" => {
            let hint = "write `Fn::Split: [delimiter, text]`, e.g. `!Split [',', !Ref List]`";
            match list_of(args, 2, "[delimiter, text]", hint) {
                Err(problem) => problem,
                Ok(a) if !text(&a[0]) => {
                    Some((format!("delimiter {} is not a string", shown(&a[0])), hint))
                }
                Ok(a) => (!gives_text(&a[1]))
                    .then(|| (format!("splits text, not {}", shown(&a[1])), hint)),
            }
        }
        "Fn::Base64" if !gives_text(args) => Some((
            format!("encodes text, not {}", shown(args)),
            "write `Fn::Base64: text` (or a function giving text, e.g. `!Base64 !Sub ...`)",
        )),
        "Fn::GetAZs" if !gives_text(args) => Some((
            format!("takes a region name, not {}", shown(args)),
            "write `Fn::GetAZs: ''` for the stack's region, or `!GetAZs !Ref AWS::Region`",
        )),
        "Fn::Cidr" => {
            let hint = "write `Fn::Cidr: [ip block, count, subnet bits]`, e.g. `!Cidr [!GetAtt Vpc.CidrBlock, 4, 8]`";
            match list_of(args, 3, "[ip block, count, subnet bits]", hint) {
                Err(problem) => problem,
                Ok(a) => a
                    .iter()
                    .find(|x| !gives_text(x))
                    .map(|bad| (format!("takes text and numbers, not {}", shown(bad)), hint)),
            }
        }
        "Fn::GetAtt" => match args {
            Json::Array(a)
                if a.len() == 2 && !(a[1].is_string() || a[1].is_null() || is_fn(&a[1])) =>
            {
                Some((
                    format!("attribute name {} is not text", shown(&a[1])),
                    "write `Fn::GetAtt: [LogicalId, AttributeName]` (the name may be a `Ref`)",
                ))
            }
            _ => None,
        },
        "Fn::Transform" if !args.is_array() && args.field("Name").is_none() => Some((
            format!(
                "takes a mapping with the macro's `Name` (and its `Parameters`), not {}",
                shown(args)
            ),
            "write `Fn::Transform: {Name: MacroName, Parameters: {Key: value}}`",
        )),
        _ if TRANSFORM_FUNCTIONS.contains(&f) && !language_extensions => Some((
            "needs the AWS::LanguageExtensions transform".to_owned(),
            "add `Transform: AWS::LanguageExtensions` to the template",
        )),
        _ => condition_problem(f, args),
    }
}

/// The condition functions: written in the Conditions section (and a rule's conditions and
/// assertions), and named where they are used.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
const CONDITION_FUNCTIONS: [&str; 4] = ["Fn::And", "Fn::Equals", "Fn::Not", "Fn::Or"];

/// What is wrong with the arguments of a condition function (in the Conditions section, or a
/// rule's condition or assertion): `Fn::Equals` compares two values, `Fn::Not` takes one
/// condition, `Fn::And` and `Fn::Or` 2 to 10. A function in place of the list is taken on
/// trust; each condition of the list is checked where it stands.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html>
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-rules.html>
pub(in crate::validate) fn condition_problem(
    f: &str,
    args: &Json,
) -> Option<(String, &'static str)> {
    if !CONDITION_FUNCTIONS.contains(&f) || is_fn(args) {
        return None;
    }
    if f == "Fn::Equals" {
        let hint = "write `Fn::Equals: [value, value]`, e.g. `!Equals [!Ref Env, prod]`";
        return list_of(args, 2, "[value, value]", hint).err().flatten();
    }
    let (counts, wanted, hint) = if f == "Fn::Not" {
        (
            1..=1,
            "one condition",
            "write `Fn::Not: [condition]`, e.g. `!Not [!Equals [!Ref Env, prod]]` or `!Not [!Condition IsProd]`",
        )
    } else {
        (
            2..=10,
            "2 to 10 conditions",
            "write a list of 2 to 10 conditions, e.g. `!And [!Condition IsProd, !Equals [!Ref Region, eu-west-1]]`; nest them for more",
        )
    };
    match args {
        Json::Array(a) if counts.contains(&a.len()) => None,
        Json::Array(a) => Some((
            format!("takes a list of {wanted}, not {} of them", a.len()),
            hint,
        )),
        Json::Null => None,
        _ => Some((
            format!(
                "takes a list of {wanted}, not {}",
                crate::validate::shown(args)
            ),
            hint,
        )),
    }
}

/// What is wrong with the arguments of an `Fn::FindInMap` that cannot name a value: a list of
/// other than three items (four with the `DefaultValue` of `AWS::LanguageExtensions`), a map
/// name or key that is a list or a plain mapping, or a scalar. A function in their place is
/// left to CloudFormation.
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-findinmap.html>
pub(super) fn find_in_map_shape(args: &Json) -> Option<String> {
    match args {
        Json::Array(a) if !(3..=4).contains(&a.len()) => Some(format!(
            "takes a list of three items (four with a default), not {}",
            a.len()
        )),
        // The map's name and its two keys are text, or functions that give text.
        Json::Array(a) => a[..3].iter().find(|x| !gives_text(x)).map(|bad| {
            format!(
                "takes names and keys that are text, not {}",
                crate::validate::shown(bad)
            )
        }),
        Json::Object(_) => None,
        _ => Some(format!(
            "takes a list, [MapName, TopLevelKey, SecondLevelKey], not {}",
            crate::validate::shown(args)
        )),
    }
}
