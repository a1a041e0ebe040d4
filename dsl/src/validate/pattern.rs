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

fn translate(p: &str) -> String {
    // `\Z` in Python is the very end of the text: `\z` here. Keep `\\Z` (an escaped
    // backslash followed by Z) intact by walking escapes pairwise.
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('Z') => out.push_str("\\z"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
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

type Cache = Mutex<HashMap<&'static str, Option<&'static Matcher>>>;

/// Whether `value` matches `pattern` (a schema string, cached by address of content); `None`
/// when the pattern cannot be checked.
pub(crate) fn matches(pattern: &'static str, value: &str) -> Option<bool> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let m = {
        let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
        *guard
            .entry(pattern)
            .or_insert_with(|| compile(pattern).map(|m| &*Box::leak(Box::new(m))))
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
        assert_eq!(kind("^\\uD800$"), PatternKind::Unchecked);
    }
}
