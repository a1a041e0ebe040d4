//! Rust text for values: string literals, identifiers from logical IDs, and plain JSON as a
//! `serde_json::json!` literal.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde_json::Value as Json;

/// A Rust string literal for `s`: a raw string (`r#"..."#`) for text over several lines or
/// with quotes or backslashes (user data scripts, JSON text, regular expressions), as a person
/// would write it; otherwise a plain literal, escaped as Rust reads it.
pub(crate) fn string(s: &str) -> String {
    let plain_enough = !s.contains(['\n', '"', '\\']);
    let raw_safe = !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if plain_enough || !raw_safe {
        return format!("{s:?}");
    }
    // As many `#` as needed so that no `"#...` inside ends the literal.
    let mut hashes = 1;
    while s.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let h = "#".repeat(hashes);
    format!("r{h}\"{s}\"{h}")
}

/// Text for a `//` or `///` comment: from the template (a key, a path), so control
/// characters (a newline would end the comment and start code) become spaces.
pub(crate) fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The keywords a `let` cannot be named (strict and reserved, 2024 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// `snake_case` of a logical ID: `ECSCluster` → `ecs_cluster`, `PublicSubnet1` →
/// `public_subnet1`.
pub(crate) fn snake(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::with_capacity(id.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(char::is_ascii_lowercase),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("r_{out}")
    } else {
        out
    }
}

/// Hands out distinct identifiers.
#[derive(Default)]
pub(crate) struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// Names the program itself uses (modules, the stack, the app).
    pub(crate) fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// A new identifier for `id`.
    pub(crate) fn claim(&mut self, id: &str) -> String {
        let base = snake(id);
        let base = if KEYWORDS.contains(&base.as_str()) {
            format!("{base}_")
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }
}

/// `serde_json::json!(...)` of `v`, indented from `indent` spaces.
pub(crate) fn json_macro(v: &Json, indent: usize) -> String {
    let mut out = String::from("serde_json::json!(");
    json(v, indent, &mut out);
    out.push(')');
    out
}

/// The macro recursion `serde_json::json!` needs for `v`: it takes the tokens of a list
/// or object one step at a time and expands a nested value inside that, so the depth is the
/// tokens of each level on the deepest path, summed.
pub(crate) fn json_recursion(v: &Json) -> usize {
    match v {
        Json::Array(a) => 2 * a.len() + 2 + a.iter().map(json_recursion).max().unwrap_or(0),
        Json::Object(m) => 4 * m.len() + 2 + m.values().map(json_recursion).max().unwrap_or(0),
        _ => 2,
    }
}

fn flat_len(v: &Json) -> usize {
    match v {
        Json::String(s) => s.len() + 2,
        Json::Array(a) => a.iter().map(|x| flat_len(x) + 2).sum::<usize>() + 2,
        Json::Object(m) => {
            m.iter()
                .map(|(k, x)| k.len() + 4 + flat_len(x))
                .sum::<usize>()
                + 4
        }
        other => other.to_string().len(),
    }
}

fn json(v: &Json, indent: usize, out: &mut String) {
    let flat = flat_len(v) + indent < 90;
    match v {
        // An integer literal in `json!` is an `i32` unless it says otherwise: one out of
        // its range (a timestamp, a byte count) gets its type, or the program would not
        // compile.
        Json::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_err()) => {
            let _ = write!(out, "{n}_i64");
        }
        Json::Number(n) if n.is_u64() && !n.is_i64() => {
            let _ = write!(out, "{n}_u64");
        }
        Json::Null | Json::Bool(_) | Json::Number(_) => {
            let _ = write!(out, "{v}");
        }
        Json::String(s) => out.push_str(&string(s)),
        Json::Array(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(m) if m.is_empty() => out.push_str("{}"),
        Json::Array(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if flat {
                    if i > 0 {
                        out.push_str(", ");
                    }
                } else {
                    out.push('\n');
                    pad(out, indent + 4);
                }
                json(x, indent + 4, out);
                if !flat {
                    out.push(',');
                }
            }
            if !flat {
                out.push('\n');
                pad(out, indent);
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if flat {
                    out.push_str(if i > 0 { ", " } else { " " });
                } else {
                    out.push('\n');
                    pad(out, indent + 4);
                }
                out.push_str(&string(k));
                out.push_str(": ");
                json(x, indent + 4, out);
                if !flat {
                    out.push(',');
                }
            }
            if flat {
                out.push(' ');
            } else {
                out.push('\n');
                pad(out, indent);
            }
            out.push('}');
        }
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_stay_comments() {
        assert_eq!(comment("a\nfn evil() {}\r\tb"), "a fn evil() {}  b");
    }

    #[test]
    fn strings_over_lines_or_with_quotes_are_raw() {
        assert_eq!(string("plain"), "\"plain\"");
        assert_eq!(string("a\nb"), "r#\"a\nb\"#");
        assert_eq!(string("say \"hi\"#now"), "r##\"say \"hi\"#now\"##");
        assert_eq!(string("bell\u{7}\n"), "\"bell\\u{7}\\n\"");
    }

    #[test]
    fn snake_case_of_logical_ids() {
        for (id, want) in [
            ("ECSCluster", "ecs_cluster"),
            ("PublicSubnet1", "public_subnet1"),
            ("MyVPC", "my_vpc"),
            ("vpc", "vpc"),
            ("Subnet1RouteTable", "subnet1_route_table"),
            ("1Bucket", "r_1_bucket"),
        ] {
            assert_eq!(snake(id), want, "{id}");
        }
    }

    #[test]
    fn names_are_distinct_and_never_keywords() {
        let mut n = Names::default();
        n.reserve("stack");
        assert_eq!(n.claim("Stack"), "stack_2");
        assert_eq!(n.claim("Type"), "type_");
        assert_eq!(n.claim("MyVpc"), "my_vpc");
        assert_eq!(n.claim("MyVPC"), "my_vpc_2");
    }

    #[test]
    fn integers_outside_i32_say_their_type() {
        let v: Json = serde_json::from_str(
            "[5, -2147483648, 2147483648, -9223372036854775808, 18446744073709551615, 1.5]",
        )
        .unwrap();
        assert_eq!(
            json_macro(&v, 0),
            "serde_json::json!([5, -2147483648, 2147483648_i64, -9223372036854775808_i64, 18446744073709551615_u64, 1.5])"
        );
    }

    #[test]
    fn json_literals_use_rust_escapes() {
        let v = serde_json::json!({"a\u{8}": ["x\u{c}y", 1.5, null, true], "b": {}});
        let text = json_macro(&v, 0);
        assert_eq!(
            text,
            r#"serde_json::json!({ "a\u{8}": ["x\u{c}y", 1.5, null, true], "b": {} })"#
        );
    }
}
