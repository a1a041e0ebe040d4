//! String patterns of the schemas (Python `re` syntax, searched, not anchored by default).
//!
//! Most compile with the `regex` crate once `\Z` (Python's end of text) becomes `\z`; the
//! ~140 with look-around or back-references compile with `fancy-regex`. A pattern neither can
//! compile (surrogate escapes such as `\uD800`) is not checked. Each pattern is compiled the
//! first time a value meets it, then cached for the life of the process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

enum Matcher {
    Plain(regex::Regex),
    Fancy(fancy_regex::Regex),
}

impl Matcher {
    /// `None` when the match could not be decided (backtracking limit).
    fn is_match(&self, s: &str) -> Option<bool> {
        match self {
            Matcher::Plain(r) => Some(r.is_match(s)),
            Matcher::Fancy(r) => r.is_match(s).ok(),
        }
    }
}

/// How a schema pattern is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternKind {
    /// With the `regex` crate (after translating `\Z`).
    Regex,
    /// With `fancy-regex` (look-around, back-references).
    Fancy,
    /// Not checked: neither engine accepts it.
    Unchecked,
}

/// Python `regex`/`re` syntax → Rust `regex` syntax, where they differ:
/// - `\Z` (end of text) → `\z`;
/// - `\p{Graph}` / `\p{Print}` → Unicode class equivalents;
/// - character classes: `-` not between two literals is literal, `[` inside a class is
///   literal, punctuation is escaped (Rust gives `&&`, `--`, `~~` meanings); surrogate code
///   points (`\uD800`–`\uDFFF`, which only make sense in UTF-16) become the astral planes;
/// - `{m,n}` with a large `n` → `{m,}` (the schemas' maxLength bounds the length anyway;
///   this keeps compiled automata small);
/// - a quantifier right after a look-around group is dropped (Python ignores it).
///
/// The translation only ever accepts more, never less, than Python would.
fn translate(p: &str) -> String {
    let c: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    let mut groups: Vec<bool> = Vec::new(); // true = look-around
    while i < c.len() {
        match c[i] {
            '\\' => {
                let (text, next) = escape(&c, i, false);
                out.push_str(&text);
                i = next;
            }
            '[' => {
                let (text, next) = class(&c, i);
                out.push_str(&text);
                i = next;
            }
            '(' => {
                let look = c.get(i + 1) == Some(&'?')
                    && (matches!(c.get(i + 2), Some('=' | '!'))
                        || (c.get(i + 2) == Some(&'<') && matches!(c.get(i + 3), Some('=' | '!'))));
                groups.push(look);
                out.push('(');
                i += 1;
            }
            ')' => {
                out.push(')');
                i += 1;
                if groups.pop() == Some(true) && matches!(c.get(i), Some('+' | '*' | '?')) {
                    i += 1;
                }
            }
            '{' => {
                // `{m,n}` with a large n.
                let close = c[i..].iter().position(|&x| x == '}').map(|k| i + k);
                let body: Option<String> = close.map(|e| c[i + 1..e].iter().collect());
                match body.as_deref().and_then(|b| b.split_once(',')) {
                    Some((m, n))
                        if m.chars().all(|d| d.is_ascii_digit())
                            && n.parse::<u32>().is_ok_and(|n| n > 64) =>
                    {
                        let m = if m.is_empty() { "0" } else { m };
                        out.push_str(&format!("{{{m},}}"));
                        i = close.unwrap_or(i) + 1;
                    }
                    _ => {
                        out.push('{');
                        i += 1;
                    }
                }
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

fn is_surrogate(cp: u32) -> bool {
    (0xD800..=0xDFFF).contains(&cp)
}

/// One escape at `c[i] == '\\'`: its Rust text and the index after it.
fn escape(c: &[char], i: usize, in_class: bool) -> (String, usize) {
    let Some(&n) = c.get(i + 1) else {
        return ("\\\\".into(), i + 1);
    };
    match n {
        'Z' => ("\\z".into(), i + 2),
        'p' | 'P' if c.get(i + 2) == Some(&'{') => {
            let end = c[i..]
                .iter()
                .position(|&x| x == '}')
                .map_or(c.len(), |k| i + k);
            let name: String = c[(i + 3).min(end)..end].iter().collect();
            let neg = n == 'P';
            let text = match (name.as_str(), neg) {
                ("Graph", false) => "[^\\p{C}\\p{Z}]".to_owned(),
                ("Print", false) => "[^\\p{C}]".to_owned(),
                _ => format!("\\{n}{{{name}}}"),
            };
            let _ = in_class;
            (text, end + 1)
        }
        _ => (format!("\\{n}"), i + 2),
    }
}

/// A class item: a literal code point, or text that cannot be a range end (`\w`, `\p{L}`).
enum Item {
    Lit(u32),
    Set(String),
}

fn lit(cp: u32) -> String {
    match char::from_u32(cp) {
        Some(ch) if ch.is_ascii_punctuation() => format!("\\{ch}"),
        Some(ch) if !ch.is_control() && ch != ' ' => ch.to_string(),
        _ => format!("\\x{{{cp:X}}}"),
    }
}

/// A character class starting at `c[i] == '['`: its Rust text and the index after it.
fn class(c: &[char], i: usize) -> (String, usize) {
    // Java/`regex`-V1 style intersections are already Rust syntax: copy up to the matching `]`.
    let rest: String = c[i..].iter().collect();
    if let Some(end) = rest.find("]]")
        && rest[..end].contains("&&[")
    {
        let body = &rest[..end + 2];
        let body = body
            .replace("\\p{Print}", "[^\\p{C}]")
            .replace("\\p{Graph}", "[^\\p{C}\\p{Z}]");
        return (body, i + rest[..end + 2].chars().count());
    }
    let mut j = i + 1;
    let mut out = String::from("[");
    if c.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    let mut items: Vec<Item> = Vec::new();
    let mut dashes: Vec<usize> = Vec::new(); // indexes in `items` of plain `-`
    let mut first = true;
    while j < c.len() {
        let ch = c[j];
        if ch == ']' && !first {
            j += 1;
            break;
        }
        first = false;
        if ch == '\\' {
            let n = c.get(j + 1).copied().unwrap_or('\\');
            match n {
                'u' | 'x' => {
                    let len = if n == 'u' { 4 } else { 2 };
                    let hex: String = c.iter().skip(j + 2).take(len).collect();
                    match u32::from_str_radix(&hex, 16) {
                        Ok(cp) if hex.len() == len => {
                            items.push(Item::Lit(cp));
                            j += 2 + len;
                        }
                        _ => {
                            items.push(Item::Lit(n as u32));
                            j += 2;
                        }
                    }
                }
                'n' => {
                    items.push(Item::Lit(10));
                    j += 2;
                }
                'r' => {
                    items.push(Item::Lit(13));
                    j += 2;
                }
                't' => {
                    items.push(Item::Lit(9));
                    j += 2;
                }
                'w' | 'W' | 'd' | 'D' | 's' | 'S' => {
                    items.push(Item::Set(format!("\\{n}")));
                    j += 2;
                }
                'p' | 'P' => {
                    let (text, next) = escape(c, j, true);
                    items.push(Item::Set(text));
                    j = next;
                }
                other => {
                    items.push(Item::Lit(other as u32));
                    j += 2;
                }
            }
        } else {
            if ch == '-' {
                dashes.push(items.len());
            }
            items.push(Item::Lit(ch as u32));
            j += 1;
        }
    }
    let mut astral = false;
    let mut k = 0;
    while k < items.len() {
        let range = dashes.contains(&(k + 1))
            && k + 2 < items.len()
            && matches!(items[k], Item::Lit(_))
            && matches!(items[k + 2], Item::Lit(_))
            && !dashes.contains(&k);
        match (&items[k], range) {
            (Item::Lit(a), true) => {
                let Item::Lit(b) = items[k + 2] else {
                    unreachable!()
                };
                if is_surrogate(*a) || is_surrogate(b) {
                    astral = true;
                    if !is_surrogate(*a) {
                        out.push_str(&format!("{}-\\x{{D7FF}}", lit(*a)));
                    }
                    if !is_surrogate(b) {
                        out.push_str(&format!("\\x{{E000}}-{}", lit(b)));
                    }
                } else if *a <= b {
                    out.push_str(&format!("{}-{}", lit(*a), lit(b)));
                }
                k += 3;
            }
            (Item::Lit(a), false) => {
                if is_surrogate(*a) {
                    astral = true;
                } else {
                    out.push_str(&lit(*a));
                }
                k += 1;
            }
            (Item::Set(s), _) => {
                out.push_str(s);
                k += 1;
            }
        }
    }
    if astral {
        out.push_str("\\x{10000}-\\x{10FFFF}");
    }
    out.push(']');
    (out, j)
}

fn compile(p: &str) -> Option<Matcher> {
    let t = translate(p);
    if let Ok(r) = regex::RegexBuilder::new(&t).size_limit(1 << 22).build() {
        return Some(Matcher::Plain(r));
    }
    fancy_regex::RegexBuilder::new(&t)
        .backtrack_limit(100_000)
        .build()
        .ok()
        .map(Matcher::Fancy)
}

/// How `pattern` is checked (compiles it).
pub(crate) fn kind(pattern: &str) -> PatternKind {
    match compile(pattern) {
        Some(Matcher::Plain(_)) => PatternKind::Regex,
        Some(Matcher::Fancy(_)) => PatternKind::Fancy,
        None => PatternKind::Unchecked,
    }
}

/// Compiled patterns by the address and length of their (`'static`, decoded once) text:
/// hashing two words instead of the whole pattern keeps lookups cheap.
type Cache = Mutex<HashMap<(usize, usize), Option<&'static Matcher>>>;

/// Whether `value` matches `pattern` (a schema string, which lives as long as the process);
/// `None` when the pattern cannot be checked.
pub(crate) fn matches(pattern: &'static str, value: &str) -> Option<bool> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (pattern.as_ptr() as usize, pattern.len());
    let cached = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .copied();
    let m = match cached {
        Some(m) => m,
        None => {
            // Compile outside the lock; a race compiles twice, harmlessly.
            let m = compile(pattern).map(|m| &*Box::leak(Box::new(m)));
            *cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(key)
                .or_insert(m)
        }
    };
    m?.is_match(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_end_of_text_and_look_ahead_are_supported() {
        assert_eq!(matches("^[a-z]+\\Z", "abc"), Some(true));
        assert_eq!(matches("^[a-z]+\\Z", "abc\n"), Some(false));
        let ecr = "^(?=.{2,256}$)([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*)$";
        assert_eq!(matches(ecr, "web/api"), Some(true));
        assert_eq!(matches(ecr, "Web"), Some(false));
        assert_eq!(matches(ecr, "a"), Some(false));
        assert_eq!(kind(ecr), PatternKind::Fancy);
        assert_eq!(translate("[\\w-.~]+"), "[\\w\\-\\.\\~]+");
        assert_eq!(translate("[a-z0-9-\\.]{0,63}"), "[a-z0-9\\-\\.]{0,63}");
        assert_eq!(translate("^[\\P{C}]{1,250}$"), "^[\\P{C}]{1,}$");
        assert_eq!(translate("(\\/(?!\\.)+x)"), "(\\/(?!\\.)x)");
        assert_eq!(
            matches(
                "^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDBFF-\\uDC00\\uDFFF\\t]*$",
                "ok \u{1F600}"
            ),
            Some(true)
        );
        assert_eq!(
            matches(
                "^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDBFF-\\uDC00\\uDFFF\\t]*$",
                "bad\u{1}"
            ),
            Some(false)
        );
        assert_eq!(matches("^[\\p{Print}&&[^|:/]]+$", "a b"), Some(true));
        assert_eq!(matches("^[\\p{Print}&&[^|:/]]+$", "a/b"), Some(false));
        assert_eq!(
            matches("^([a-z,A-Z,0-9,. _\\-:/()#,@[\\]+=&;\\{\\}!$*])*$", "a[b]"),
            Some(true)
        );
    }
}
