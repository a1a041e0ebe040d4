//! A YAML writer for rendered templates.
//!
//! CloudFormation and PyYAML (which cfn-lint uses) read YAML 1.1, where unquoted `on`, `yes`,
//! `no`, `12:30`, `2024-01-01`, `0x1F` or `1e3` are booleans, numbers or dates. The writer
//! therefore leaves a string unquoted only when it cannot be read as anything but that string
//! under YAML 1.1 or 1.2; everything else is double-quoted with YAML escapes. Multi-line
//! strings (user data scripts) are written as literal blocks when that is exact.

use std::fmt::Write as _;

use super::json::Json;

/// Write `value` as a YAML document (block style, two-space indent, trailing newline).
pub fn to_yaml(value: &Json) -> String {
    let mut out = String::with_capacity(4096);
    match value {
        Json::Object(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Json::Array(a) if !a.is_empty() => write_list(&mut out, a, 0),
        other => {
            write_scalar(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn is_block(v: &Json) -> bool {
    match v {
        Json::Object(m) => !m.is_empty(),
        Json::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn write_map(out: &mut String, m: &serde_json::Map<String, Json>, level: usize) {
    // The first key is written where the cursor is (after "- " in lists); the rest indented.
    let mut first = true;
    for (k, v) in m {
        if !first {
            indent(out, level);
        }
        first = false;
        let mut key = String::new();
        write_string(&mut key, k, level, true);
        if key.len() > MAX_IMPLICIT_KEY {
            // YAML limits implicit keys to 1024 characters: write an explicit `? key`.
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            indent(out, level);
        } else {
            out.push_str(&key);
        }
        out.push(':');
        write_value_after_key(out, v, level);
    }
}

/// Longest key written as an implicit `key: value` (in bytes, so at most as many
/// characters): YAML 1.1 and 1.2 readers reject implicit keys over 1024 characters.
const MAX_IMPLICIT_KEY: usize = 1000;

fn write_value_after_key(out: &mut String, v: &Json, level: usize) {
    match v {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            indent(out, level + 2);
            write_map(out, m, level + 2);
        }
        Json::Array(a) if !a.is_empty() => {
            out.push('\n');
            indent(out, level + 2);
            write_list(out, a, level + 2);
        }
        _ => {
            out.push(' ');
            write_scalar(out, v, level + 2);
            out.push('\n');
        }
    }
}

fn write_list(out: &mut String, a: &[Json], level: usize) {
    let mut first = true;
    for item in a {
        if !first {
            indent(out, level);
        }
        first = false;
        out.push_str("- ");
        match item {
            Json::Object(m) if is_block(item) => write_map(out, m, level + 2),
            Json::Array(inner) if is_block(item) => write_list(out, inner, level + 2),
            _ => {
                write_scalar(out, item, level + 2);
                out.push('\n');
            }
        }
    }
}

fn write_scalar(out: &mut String, v: &Json, level: usize) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&yaml_number(n)),
        Json::String(s) => write_string(out, s, level, false),
        Json::Object(_) => out.push_str("{}"),
        Json::Array(_) => out.push_str("[]"),
    }
}

/// A number as both YAML 1.1 and 1.2 read it: floats always carry a `.` and a signed exponent.
pub(crate) fn yaml_number(n: &serde_json::Number) -> String {
    let s = n.to_string();
    if n.is_f64() {
        let (mantissa, exponent) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s.as_str(), None),
        };
        let mut out = mantissa.to_owned();
        if !out.contains('.') {
            out.push_str(".0");
        }
        if let Some(e) = exponent {
            out.push('e');
            if !e.starts_with(['+', '-']) {
                out.push('+');
            }
            out.push_str(e);
        }
        return out;
    }
    s
}

/// Words YAML 1.1 (and 1.2) read as booleans or null.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "~",
];

/// True when `s` can be written without quotes and reads back as the same string under
/// YAML 1.1 and 1.2. Deliberately narrow: anything doubtful is quoted.
pub(crate) fn plain_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == b'/' || first == b'_') {
        return false;
    }
    if bytes[bytes.len() - 1] == b' ' || bytes[bytes.len() - 1] == b':' {
        return false;
    }
    for (i, &b) in bytes.iter().enumerate() {
        let ok = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'-' | b'.' | b'/' | b'@' | b'(' | b')' | b'=' | b'+' | b'$'
            )
            || (b == b' ' && bytes.get(i + 1) != Some(&b' '))
            || (b == b':' && bytes.get(i + 1) != Some(&b' '));
        if !ok {
            return false;
        }
    }
    !RESERVED.iter().any(|w| s.eq_ignore_ascii_case(w))
}

fn write_string(out: &mut String, s: &str, level: usize, is_key: bool) {
    if plain_ok(s) {
        out.push_str(s);
    } else if !is_key && literal_block_ok(s) {
        write_literal_block(out, s, level);
    } else {
        write_quoted(out, s);
    }
}

fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

/// Characters YAML 1.1 readers (PyYAML, libyaml) treat as line breaks besides `\n`:
/// NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. Written raw they end a line (splitting a
/// literal block or a quoted key, folding white space around them), so they are escaped.
fn extra_line_break(c: char) -> bool {
    matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn literal_block_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && s.trim_end_matches('\n').contains(|c: char| c != '\n')
        && s.chars().all(|c| printable(c) && !extra_line_break(c))
        // Trailing white space would be lost; this also refuses lines of white space only.
        // (Later lines may start with white space: only the first line's indentation,
        // refused above, would need an indentation indicator.)
        && !s.lines().any(|l| l.ends_with([' ', '\t']))
}

fn write_literal_block(out: &mut String, s: &str, level: usize) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    out.push('|');
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    let body = s.trim_end_matches('\n');
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            indent(out, level.max(2));
            out.push_str(line);
        }
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    // The caller writes the final line break.
}

fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) && !extra_line_break(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            // Every character above U+FFFF is printable in YAML, written as itself above.
            c => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_lookalikes_are_quoted() {
        for s in [
            "on",
            "Off",
            "YES",
            "n",
            "y",
            "true",
            "null",
            "~",
            "12:30",
            "2024-01-01",
            "0x1F",
            "1e3",
            "010",
            ".5",
            "-",
            "- a",
            "a: b",
            "a #b",
            "",
            " lead",
            "trail ",
            "!Ref x",
            "*a",
            "&a",
            "=",
            "<<",
            "@x",
            "%x",
            "`x",
            "[a]",
            "{a}",
            "a,b",
            "'q'",
            "\"q\"",
            ".inf",
            ".NaN",
        ] {
            assert!(!plain_ok(s), "{s:?} must be quoted");
        }
    }

    #[test]
    fn ordinary_identifiers_stay_plain() {
        for s in [
            "AWS::ECS::Service",
            "web",
            "ecs:service:DesiredCount",
            "arn:aws:iam::aws:policy/x",
            "/ecs/web",
            "Fn::GetAtt",
            "Hello world",
            "awslogs-group",
        ] {
            assert!(plain_ok(s), "{s:?} can be plain");
        }
    }

    #[test]
    fn floats_carry_a_dot_and_signed_exponent() {
        let n = serde_json::Number::from_f64(1e21).unwrap();
        assert_eq!(yaml_number(&n), "1.0e+21");
        let n = serde_json::Number::from_f64(0.5).unwrap();
        assert_eq!(yaml_number(&n), "0.5");
        assert_eq!(yaml_number(&serde_json::Number::from(42)), "42");
    }

    #[test]
    fn top_level_collections_empty_or_not() {
        // An empty collection has no block form: flow style, as PyYAML writes it.
        assert_eq!(to_yaml(&serde_json::json!({})), "{}\n");
        assert_eq!(to_yaml(&serde_json::json!([])), "[]\n");
        assert_eq!(to_yaml(&serde_json::json!([1, "a"])), "- 1\n- a\n");
        assert_eq!(to_yaml(&serde_json::json!({"a": []})), "a: []\n");
    }

    #[test]
    fn multiline_strings_become_literal_blocks_with_the_right_chomping() {
        let v = serde_json::json!({"a": "x\ny\n", "b": "x\ny", "c": "x\n\n"});
        let y = to_yaml(&v);
        assert_eq!(y, "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n");
    }

    #[test]
    fn nested_literal_blocks_are_indented_two_past_their_key_or_dash() {
        let v = serde_json::json!({"a": {"b": {"c": "x\ny\n", "d": ["p\nq", "r"]}}});
        assert_eq!(
            to_yaml(&v),
            "a:\n  b:\n    c: |\n      x\n      y\n    d:\n      - |-\n        p\n        q\n      - r\n"
        );
    }

    #[test]
    fn indented_script_lines_stay_in_the_literal_block() {
        let v = serde_json::json!({"a": "if x; then\n  y\n\tz\nfi\n", "b": "x\n  \ny"});
        assert_eq!(
            to_yaml(&v),
            "a: |\n  if x; then\n    y\n  \tz\n  fi\nb: \"x\\n  \\ny\"\n"
        );
    }

    #[test]
    fn line_separators_are_escaped_not_written_raw() {
        let v = serde_json::json!({"a\u{2028}": "x\ny\u{2029}z\n", "b": "p \u{85} q"});
        let y = to_yaml(&v);
        assert_eq!(y, "\"a\\u2028\": \"x\\ny\\u2029z\\n\"\nb: \"p \\x85 q\"\n");
    }

    #[test]
    fn long_keys_are_written_as_explicit_keys() {
        let long = "k".repeat(1001);
        let v = serde_json::json!({"a": [{long.clone(): "x", "b": {long.clone(): {"c": 1}}}]});
        let y = to_yaml(&v);
        assert_eq!(
            y,
            format!("a:\n  - ? {long}\n    : x\n    b:\n      ? {long}\n      :\n        c: 1\n")
        );
        let short = "k".repeat(1000);
        assert_eq!(
            to_yaml(&serde_json::json!({short.clone(): 1})),
            format!("{short}: 1\n")
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut out = String::new();
        write_quoted(&mut out, "a\u{7f}b\u{1}\"\\");
        assert_eq!(out, "\"a\\x7Fb\\x01\\\"\\\\\"");
    }
}
