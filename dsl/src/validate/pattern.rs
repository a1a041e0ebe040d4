//! String patterns of the schemas (Python `re` syntax, searched, not anchored by default).
//!
//! Most compile with the `regex` crate once `\Z` (Python's end of text) becomes `\z`; the
//! ~140 with look-around or back-references compile with `fancy-regex`. A pattern neither can
//! compile is not checked (in the schemas, one: its Unicode `\w` classes, repeated up to 64
//! times, exceed both engines' size limits).
//!
//! Nearly every value is ASCII, and the Unicode classes of some patterns (`\p{Print}`, `\w`,
//! `[^...]`) compile to large UTF-8 automata. So a pattern the `regex` parser accepts also gets
//! an ASCII matcher: the same expression with every character class intersected with
//! U+0000–U+007F, built with `regex-automata` (the engine under `regex`). On an ASCII value
//! each class test gives the same answer either way, so the two agree; the ASCII matcher is
//! small and quick to build. It accepts ASCII values; the full pattern (`regex`, else
//! `fancy-regex`) decides the rest: non-ASCII values, ASCII values the ASCII matcher rejects
//! (rare: each is a diagnostic), and every value of a pattern with no ASCII matcher. Each
//! matcher is compiled the first time a value needs it, then cached for the life of the
//! process.

use crate::model::fasthash::FastMap;
use std::sync::{Mutex, OnceLock};

use regex_automata::meta;
use regex_syntax::hir::{
    Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
};

/// The NFA size limit of the `regex` matchers (bytes of heap).
const SIZE_LIMIT: usize = 1 << 22;

/// A pattern compiled for every value.
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

/// The full pattern: `regex` if it accepts it, else `fancy-regex`.
fn compile(p: &str) -> Option<Matcher> {
    let t = translate(p);
    if let Ok(r) = regex::RegexBuilder::new(&t).size_limit(SIZE_LIMIT).build() {
        return Some(Matcher::Plain(r));
    }
    fancy_regex::RegexBuilder::new(&t)
        .backtrack_limit(100_000)
        .build()
        .ok()
        .map(Matcher::Fancy)
}

/// The pattern for ASCII values only: `None` when the `regex` parser rejects it (then the full
/// pattern decides every value).
fn compile_ascii(p: &str) -> Option<meta::Regex> {
    // The parser and its settings are the ones `regex::Regex::new` uses.
    let hir = regex_automata::util::syntax::parse(&translate(p)).ok()?;
    let config = meta::Config::new()
        .nfa_size_limit(Some(SIZE_LIMIT))
        // A full DFA pays off over many searches; a pattern here meets a handful of values,
        // and the lazy DFA builds only the states they visit (same answers, less upfront work).
        .dfa(false);
    meta::Regex::builder()
        .configure(config)
        .build_from_hir(&ascii_only(&hir))
        .ok()
}

/// `hir` with every class restricted to ASCII (and captures dropped: only `is_match` is
/// asked). The same language on ASCII strings; empty classes become "never matches".
fn ascii_only(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0.clone()),
        HirKind::Look(l) => Hir::look(*l),
        HirKind::Class(Class::Unicode(c)) => {
            let mut c = c.clone();
            c.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
            Hir::class(Class::Unicode(c))
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut c = c.clone();
            c.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7F)]));
            Hir::class(Class::Bytes(c))
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(ascii_only(&r.sub)),
        }),
        HirKind::Capture(c) => ascii_only(&c.sub),
        HirKind::Concat(hs) => Hir::concat(hs.iter().map(ascii_only).collect()),
        HirKind::Alternation(hs) => Hir::alternation(hs.iter().map(ascii_only).collect()),
    }
}

/// How `pattern` is checked (compiles the full pattern).
pub(crate) fn kind(pattern: &str) -> PatternKind {
    match compile(pattern) {
        Some(Matcher::Plain(_)) => PatternKind::Regex,
        Some(Matcher::Fancy(_)) => PatternKind::Fancy,
        None => PatternKind::Unchecked,
    }
}

/// One pattern's matchers, each compiled when a value first needs it (`None`: cannot be).
#[derive(Default)]
struct Compiled {
    ascii: OnceLock<Option<meta::Regex>>,
    full: OnceLock<Option<Matcher>>,
}

/// Patterns by the address and length of their (`'static`, decoded once) text: hashing two
/// words instead of the whole pattern keeps lookups cheap.
type Cache = Mutex<FastMap<(usize, usize), &'static Compiled>>;

/// The cache entry of `pattern` (created empty the first time).
fn compiled(pattern: &'static str) -> &'static Compiled {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(FastMap::default()));
    let key = (pattern.as_ptr() as usize, pattern.len());
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(key)
        .or_insert_with(|| Box::leak(Box::default()))
}

/// Whether `value` matches `pattern` (a schema string, which lives as long as the process);
/// `None` when the pattern cannot be checked.
///
/// An ASCII value the ASCII matcher accepts is a match. Any other value, including an ASCII
/// one it rejects (a diagnostic, so rare), is decided by the full pattern: the answer is the
/// same, but a pattern too large for either engine stays unchecked (`None`), as `kind` says.
pub(crate) fn matches(pattern: &'static str, value: &str) -> Option<bool> {
    let compiled = compiled(pattern);
    // Compiling happens outside the cache lock; a second thread wanting the same matcher
    // waits for it.
    if value.is_ascii()
        && let Some(r) = compiled.ascii.get_or_init(|| compile_ascii(pattern))
        && r.is_match(value)
    {
        return Some(true);
    }
    compiled
        .full
        .get_or_init(|| compile(pattern))
        .as_ref()?
        .is_match(value)
}

/// Whether the whole of `value` matches `pattern`, as CloudFormation matches a parameter's
/// `AllowedPattern` ("the pattern must match the entire parameter value"); `None` when the
/// pattern cannot be checked. Compiled at each call: a template has a handful.
pub(crate) fn matches_whole(pattern: &str, value: &str) -> Option<bool> {
    compile(&format!("^(?:{pattern})$"))?.is_match(value)
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

    /// Each form `translate` rewrites, and the forms next to them it must leave alone.
    #[test]
    fn translate_rewrites_each_python_form_and_nothing_else() {
        let cases = [
            // A quantifier after a look-around group is dropped (Python ignores it), at
            // the start of the pattern too; not after other groups.
            ("(?<=a)+b", "(?<=a)b"),
            ("(?<!a)*b", "(?<!a)b"),
            ("(?=a)?b", "(?=a)b"),
            ("(a=)+", "(a=)+"),
            ("(?:=)+", "(?:=)+"),
            ("(?<n>a)+", "(?<n>a)+"),
            // Escapes: `\Z` where the pattern goes on after it, a Unicode class without
            // braces, a backslash that ends the pattern (a literal backslash).
            ("a\\Zb", "a\\zb"),
            ("\\pL+", "\\pL+"),
            ("a\\", "a\\\\"),
            // Classes: negated, unterminated, a space (written as a code point), `\u` with
            // four hex digits or fewer (then a literal `u`), `\x` without hex digits, a
            // range ending in a surrogate (the astral planes instead).
            ("[^a]", "[^a]"),
            ("[ab", "[ab]"),
            ("[ a]", "[\\x{20}a]"),
            ("[\\u0041bc]", "[Abc]"),
            ("[\\u12", "[u12]"),
            ("[a\\xZZ]", "[axZZ]"),
            ("[a-\\uDBFF]", "[a-\\x{D7FF}\\x{10000}-\\x{10FFFF}]"),
        ];
        for (python, rust) in cases {
            assert_eq!(translate(python), rust, "{python}");
        }
    }

    /// Schema-style patterns (Python syntax, as in the schemas) for the ASCII matcher tests.
    const PATTERNS: &[&str] = &[
        "^\\p{Print}+$",
        "^([a-z,A-Z,0-9,. _\\-:/()#,@[\\]+=&;\\{\\}!$*])*$",
        "^\\p{Graph}*$",
        "^[\\p{Print}&&[^|:/]]+$",
        "^\\P{C}{1,250}$",
        "^[\\w+=,.@-]+$",
        "^[\\w\\d\\.-]{1,60}$",
        "\\w",
        "^\\d{1,5}$",
        "\\d",
        "^\\s*\\S+\\s*$",
        "\\s",
        "^.{1,10}$",
        ".",
        "(?s)^.+$",
        "^[^\\s/\\\\]+$",
        "[^a-z]",
        "^[^\\x00-\\x1F\\x7F]*$",
        "[^\\u0000-\\u007F]",
        "(?i)^arn:aws:[a-z0-9-]+$",
        "(?i)^k+s*$",
        "(?i)[^k]",
        "^\\p{L}[\\p{L}\\p{N}_-]*$",
        "\\p{Lu}",
        "^[\\u0020-\\uD7FF\\uE000-\\uFFFD\\t\\n\\r]*$",
        "^[a-zA-Z0-9\\u00C0-\\u017F ]+$",
        "^[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD]*$",
        "\\bfoo\\b",
        "^\\w+\\b",
        "^(ab|cd)*$|^x?$",
        "^[a-z]+\\Z",
        "^arn:aws[a-zA-Z-]*:iam::\\d{12}:role/[\\w+=,.@-]{1,64}$",
        "^\\S+@\\S+$",
        "^$",
        "",
        "(?-u:\\w)+",
        "é",
    ];

    /// ASCII values: every one- and two-character string over a mixed alphabet, all single
    /// characters, schema-like values and pseudo-random strings.
    fn ascii_values() -> Vec<String> {
        let mut v: Vec<String> = (0u8..=0x7F).map(|b| char::from(b).to_string()).collect();
        let alphabet = "\0\t\n\r\x0B\x0C\x1F\x7F azAZkKs09_-.:/@[]()\\|&~^$*+?{},=#!\"'`";
        for a in alphabet.chars() {
            for b in alphabet.chars() {
                v.push(format!("{a}{b}"));
            }
        }
        for s in [
            "",
            "abc",
            "ABC",
            "foo",
            "a foo b",
            "food",
            "ababcd",
            "x",
            "hello world",
            "Hello, World!",
            "a[b] c",
            "arn:aws:iam::123456789012:role/my-role",
            "ARN:AWS:S3",
            "arn:aws:iam::12:role/x",
            "my-bucket.name_1",
            "user@example.com",
            "0123456789",
            "123456",
            "  x  ",
            "a\tb",
            "a\nb",
            "line\r\n",
            "del\x7F",
            "bell\x07",
            "KKss",
            "{\"Key\": [1, 2]}",
            "${AWS::Region}",
            "cron(0 12 * * ? *)",
        ] {
            v.push(s.to_owned());
        }
        // xorshift64: deterministic pseudo-random ASCII strings, half of them over `alphabet`.
        let alphabet: Vec<char> = alphabet.chars().collect();
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..1000 {
            let len = next() % 20;
            let s = (0..len)
                .map(|_| {
                    let r = next();
                    if i % 2 == 0 {
                        char::from((r % 0x80) as u8)
                    } else {
                        alphabet[(r % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            v.push(s);
        }
        v
    }

    #[test]
    fn the_ascii_matcher_agrees_with_the_full_pattern_on_ascii_values() {
        let values = ascii_values();
        assert!(values.iter().all(|v| v.is_ascii()));
        for p in PATTERNS {
            let Some(Matcher::Plain(full)) = compile(p) else {
                panic!("{p}: the regex crate compiles it");
            };
            assert_eq!(kind(p), PatternKind::Regex, "{p}");
            let ascii = compile_ascii(p).unwrap_or_else(|| panic!("{p}: no ASCII matcher"));
            let mut matched = 0;
            for v in &values {
                assert_eq!(ascii.is_match(v), full.is_match(v), "{p} on {v:?}");
                matched += usize::from(full.is_match(v));
            }
            // The values exercise both answers (except where all or none match).
            if !matches!(*p, "[^\\u0000-\\u007F]" | "é" | "") {
                assert!(matched > 0 && matched < values.len(), "{p}: {matched}");
            }
        }
    }

    #[test]
    fn patterns_over_the_regex_size_limit_go_to_fancy_regex_and_agree_with_the_ascii_matcher() {
        // `\w{17}` over all of Unicode exceeds the size limit of the `regex` matcher.
        let p = "^i-(\\w{8}|\\w{17})$|^[a-zA-Z]([\\w-]{0,61}\\w)?$";
        let Some(Matcher::Fancy(full)) = compile(p) else {
            panic!("fancy-regex compiles it")
        };
        let ascii = compile_ascii(p).expect("ASCII matcher");
        for v in [
            "i-0123abcd",
            "i-0123456789abcdef0",
            "i-012",
            "web_1",
            "1web",
            "",
            "a-",
            "a\n",
        ] {
            assert_eq!(Some(ascii.is_match(v)), full.is_match(v).ok(), "{v:?}");
        }
    }

    #[test]
    fn the_full_pattern_is_compiled_only_for_non_ascii_values_and_rejections() {
        // Patterns no other test uses, so their cache entries start empty.
        let print = "^[\\p{Print}]+$";
        assert_eq!(matches(print, "hello world"), Some(true));
        assert_eq!(matches(print, "a[b] ~"), Some(true));
        assert!(compiled(print).ascii.get().is_some_and(Option::is_some));
        assert!(
            compiled(print).full.get().is_none(),
            "accepted ASCII values only"
        );
        assert_eq!(matches(print, "café"), Some(true));
        assert!(compiled(print).full.get().is_some_and(Option::is_some));
        assert_eq!(matches(print, "café\x07"), Some(false));
        assert_eq!(matches(print, "\u{200B}é"), Some(false)); // U+200B is a format character (Cf)
        assert_eq!(matches(print, "日本語 テキスト"), Some(true));

        let print = "^\\p{Print}{1,}$";
        assert_eq!(matches(print, "ok"), Some(true));
        assert!(
            compiled(print).full.get().is_none(),
            "accepted ASCII values only"
        );
        assert_eq!(matches(print, "bell\x07"), Some(false));
        assert!(compiled(print).full.get().is_some_and(Option::is_some));
        assert_eq!(matches(print, ""), Some(false));
        assert_eq!(matches(print, "\x7F"), Some(false));

        let lower = "^[a-z]{1,}$";
        assert_eq!(matches(lower, "abc"), Some(true));
        assert_eq!(matches(lower, "é"), Some(false));
        assert_eq!(matches(lower, "abcé"), Some(false));
        assert_eq!(matches(lower, "abc1"), Some(false));

        // Case-insensitive `k` also matches the Kelvin sign, outside ASCII.
        let k = "^(?i)k+$";
        assert_eq!(matches(k, "kK"), Some(true));
        assert_eq!(matches(k, "k\u{212A}"), Some(true));
        assert_eq!(matches(k, "k\u{212B}"), Some(false));

        // A look-around pattern has no ASCII matcher: fancy-regex decides every value.
        let look = "^(?!-)[a-z-]+$";
        assert_eq!(matches(look, "ab-c"), Some(true));
        assert_eq!(matches(look, "-abc"), Some(false));
        assert!(compiled(look).ascii.get().is_some_and(Option::is_none));
        assert!(compiled(look).full.get().is_some_and(Option::is_some));
        assert_eq!(kind(look), PatternKind::Fancy);
    }

    #[test]
    fn a_pattern_too_large_for_both_engines_stays_unchecked() {
        // From the schemas (the one `kind` reports as unchecked): over all of Unicode, the `\w`
        // classes repeated up to 64 times exceed the size limits of regex and fancy-regex. Its
        // ASCII matcher is small, but a rejection must come from the full pattern, which
        // cannot decide it.
        let p = "^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):(iam|sts)::\\d+:(root|(user\\/[\\w+=/:,.@-]{1,64}|federated-user\\/[\\w+=/:,.@-]{2,32}|assumed-role\\/[\\w+=:,.@-]{1,64}\\/[\\w+=,.@-]{1,64}))$";
        let user = "arn:aws:iam::123456789012:user/alice";
        assert_eq!(matches(p, user), Some(true));
        assert_eq!(matches(p, "arn:aws:iam::123456789012:group/x"), None);
        assert_eq!(matches(p, "arn:aws:iam::123456789012:user/é"), None);
    }
}
