//! Doc comments from schema descriptions and constraints.
//!
//! A description becomes one line: its first paragraph, whitespace-normalized, with code
//! fences neutralised, so that no code block (and so no doctest) can come out of it.

use serde_json::{Map, Value};

/// The longest summary kept, in characters (cut at a sentence or word boundary).
const MAX_SUMMARY: usize = 400;
/// The longest pattern quoted in a doc comment.
const MAX_PATTERN: usize = 160;

/// The first paragraph of a description as a single safe Markdown line ("" when empty).
///
/// A paragraph ends at a blank line or at a line break followed by whitespace or a capital
/// letter (AWS descriptions start new paragraphs that way); a line break followed by a
/// lowercase letter is a soft wrap.
pub fn summary(desc: &str) -> String {
    let mut para = String::new();
    let mut chars = desc.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || c == '\u{2029}' {
            match chars.peek() {
                Some(n) if n.is_lowercase() => para.push(' '),
                _ if para.trim().is_empty() => para.push(' '),
                _ => break,
            }
        } else {
            para.push(c);
        }
    }
    let text = sanitize(&para);
    truncate(&text, MAX_SUMMARY)
}

/// Normalize whitespace to single spaces, drop control and bidirectional-override
/// characters, and neutralise code fences.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c.is_control() || is_bidi(c) {
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out.replace("```", "'''").replace("~~~", "'''")
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max).collect();
    // Prefer the end of a sentence, then a word boundary.
    if let Some(i) = cut.rfind(". ")
        && i > max / 4
    {
        return cut[..=i].to_owned();
    }
    match cut.rfind(' ') {
        Some(i) => format!("{}…", cut[..i].trim_end_matches([',', ';', ':'])),
        None => format!("{cut}…"),
    }
}

/// Inline code for arbitrary text: a code span long enough not to be closed by the
/// backticks inside it, control characters escaped.
pub fn code(s: &str) -> String {
    let s: String = s
        .chars()
        .flat_map(|c| {
            if c.is_control() || is_bidi(c) {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// The constraints of a property in words: lengths, item counts, ranges, patterns,
/// allowed values of non-string enums, the default, and what a JSON property may hold.
/// `chain` is the use site followed by the definitions its `$ref`s lead to; the site wins.
pub fn constraints(chain: &[&Map<String, Value>]) -> Vec<String> {
    let get = |k: &str| chain.iter().find_map(|n| n.get(k));
    let num = |k: &str| get(k).filter(|v| v.is_number()).map(fmt_num);
    let mut out = Vec::new();
    let types: Vec<&str> = match get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if let Some(r) = range(num("minLength"), num("maxLength"), "character") {
        out.push(r);
    }
    if let Some(r) = range(num("minItems"), num("maxItems"), "item") {
        out.push(r);
    }
    let (min, max) = (
        num("minimum").or_else(|| num("exclusiveMinimum").map(|v| format!("above {v}"))),
        num("maximum").or_else(|| num("exclusiveMaximum").map(|v| format!("below {v}"))),
    );
    match (min, max) {
        (Some(a), Some(b)) => out.push(format!("from {a} to {b}")),
        (Some(a), None) => out.push(format!("at least {a}")),
        (None, Some(b)) => out.push(format!("at most {b}")),
        (None, None) => {}
    }
    if let Some(e) = get("enum").and_then(Value::as_array)
        && !e.iter().all(Value::is_string)
    {
        let shown: Vec<String> = e.iter().take(40).map(fmt_scalar).collect();
        let more = if e.len() > 40 { ", ..." } else { "" };
        out.push(format!("one of {}{more}", shown.join(", ")));
    }
    if let Some(p) = get("pattern").and_then(Value::as_str) {
        if p.chars().count() <= MAX_PATTERN {
            out.push(format!("pattern {}", code(p)));
        } else {
            out.push("a long pattern (see the schema)".to_owned());
        }
    }
    if let Some(d) = get("default")
        && !d.is_object()
        && !d.is_array()
        && fmt_scalar(d).chars().count() <= 60
    {
        out.push(format!("default {}", code(&fmt_scalar(d))));
    }
    if types.len() > 1 {
        out.push(format!("JSON: {}", types.join(" or ")));
    }
    out
}

fn fmt_num(v: &Value) -> String {
    match v.as_f64() {
        Some(f) if v.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        _ => v.to_string(),
    }
}

fn fmt_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(_) => fmt_num(v),
        other => other.to_string(),
    }
}

fn range(min: Option<String>, max: Option<String>, unit: &str) -> Option<String> {
    let plural = |n: &str| {
        if n == "1" {
            unit.to_owned()
        } else {
            format!("{unit}s")
        }
    };
    match (min.filter(|m| m != "0"), max) {
        (Some(a), Some(b)) if a == b => Some(format!("exactly {a} {}", plural(&b))),
        (Some(a), Some(b)) => Some(format!("{a} to {b} {}", plural(&b))),
        (Some(a), None) => Some(format!("at least {a} {}", plural(&a))),
        (None, Some(b)) => Some(format!("at most {b} {}", plural(&b))),
        (None, None) => None,
    }
}

/// Doc lines (without `///`): the summary, a blank line, then `tail` sentences joined.
pub fn lines(summary: &str, tail: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !summary.is_empty() {
        out.push(summary.to_owned());
    }
    if !tail.is_empty() {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.push(tail.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_take_the_first_paragraph_on_one_line() {
        assert_eq!(
            summary("The encryption configuration.\n By default, AES256 is used."),
            "The encryption configuration."
        );
        assert_eq!(
            summary("Soft\nwrapped   text\tok."),
            "Soft wrapped text ok."
        );
        assert_eq!(summary("one\n\nTwo"), "one");
        assert_eq!(summary("```json\n{}```"), "'''json");
        assert_eq!(summary("    indented code"), "indented code");
        assert_eq!(summary("a\u{2028}b"), "a b");
        assert_eq!(summary(""), "");
        let long = "word ".repeat(200);
        let s = summary(&long);
        assert!(
            s.chars().count() <= MAX_SUMMARY + 1 && s.ends_with('…'),
            "{s}"
        );
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("x\ny"), "`x\\ny`");
    }

    #[test]
    fn constraints_in_words() {
        let site = json!({"minLength": 2, "maxLength": 256, "pattern": "^[a-z]+$"});
        let site = site.as_object().unwrap();
        assert_eq!(
            constraints(&[site]),
            ["2 to 256 characters", "pattern `^[a-z]+$`"]
        );
        let items = json!({"minItems": 1, "maxItems": 5});
        assert_eq!(constraints(&[items.as_object().unwrap()]), ["1 to 5 items"]);
        let n = json!({"minimum": 0, "maximum": 100, "default": 10});
        assert_eq!(
            constraints(&[n.as_object().unwrap()]),
            ["from 0 to 100", "default `10`"]
        );
        let e = json!({"type": "integer", "enum": [1, 3, 5]});
        assert_eq!(constraints(&[e.as_object().unwrap()]), ["one of 1, 3, 5"]);
        // the use site wins over the definition it refers to
        let site = json!({"maxLength": 10});
        let def = json!({"maxLength": 20, "minLength": 1});
        assert_eq!(
            constraints(&[site.as_object().unwrap(), def.as_object().unwrap()]),
            ["1 to 10 characters"]
        );
        let one = json!({"maxItems": 1, "minItems": 0});
        assert_eq!(constraints(&[one.as_object().unwrap()]), ["at most 1 item"]);
    }
}
