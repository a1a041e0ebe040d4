//! `.dockerignore`: which files of a build context the builder receives.
//!
//! The rules, as Docker documents them
//! (<https://docs.docker.com/build/concepts/context/#dockerignore-files>):
//! - one pattern per line; a line starting with `#` is a comment; blank lines are skipped;
//!   leading and trailing whitespace is trimmed;
//! - a pattern is cleaned like a path (`.` steps dropped, `..` steps resolved, repeated `/`
//!   folded) and a leading `/` is dropped: patterns are relative to the context's root;
//! - `*` matches any run of characters except `/`, `?` one character except `/`, `[...]` a
//!   character class (`[^...]` its complement, `a-z` a range), `\` makes the next character
//!   literal; `**` matches any number of directories, none included (`**/x`, `a/**/x`) and,
//!   at the end of a pattern, everything below (`a/**`);
//! - a pattern matches a path when it matches the path itself or one of its parent
//!   directories (`build` excludes `build/out/app`);
//! - a pattern starting with `!` is an exception: it includes again what an earlier pattern
//!   excluded. The last pattern that matches a path decides.

/// The patterns of one `.dockerignore` file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ignore {
    rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
struct Rule {
    /// The cleaned pattern, as text (for the pruning test).
    text: String,
    tokens: Vec<Token>,
    exception: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Literal(char),
    /// `?`: one character, not `/`.
    One,
    /// `*`: any run of characters without `/`.
    Star,
    /// `**` at the end of the pattern: anything, `/` included.
    All,
    /// `**` (and the `/` after it) elsewhere: nothing, or anything that ends with `/`.
    Dirs,
    /// `[...]`: (negated, ranges).
    Class(bool, Vec<(char, char)>),
}

impl Ignore {
    /// Read the text of a `.dockerignore` file.
    pub(crate) fn parse(text: &str) -> Ignore {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exception, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let cleaned = clean(pattern);
            if cleaned.is_empty() {
                continue;
            }
            rules.push(Rule {
                tokens: tokenize(&cleaned),
                text: cleaned,
                exception,
            });
        }
        Ignore { rules }
    }

    /// Whether the file or directory at `path` (relative to the context, `/`-separated) is
    /// left out of the context.
    pub(crate) fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        for rule in &self.rules {
            if rule.exception == excluded && matches_or_parent(&rule.tokens, path) {
                excluded = !rule.exception;
            }
        }
        excluded
    }

    /// Whether the walk can skip everything below the excluded directory `dir`: no exception
    /// pattern could include again something inside it.
    pub(crate) fn prunes(&self, dir: &str) -> bool {
        self.rules.iter().filter(|r| r.exception).all(|r| {
            // An exception whose fixed start (before any wildcard) is neither inside `dir`
            // nor a start of `dir/` cannot reach below it. A start of `dir/` can: `!a`
            // includes again all of `a/b/` (a pattern matches a path's parents), and `!a*`
            // may match `ab/`. (Erring towards walking: pruning only saves time.)
            let fixed: String = r
                .text
                .chars()
                .take_while(|c| !matches!(c, '*' | '?' | '[' | '\\'))
                .collect();
            let below = format!("{dir}/");
            !(fixed.starts_with(&below) || below.starts_with(&fixed))
        })
    }
}

/// A pattern cleaned like a path: no `.` steps, `..` resolved (never above the root),
/// no repeated or trailing `/`, no leading `/`.
fn clean(pattern: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                out.push(if i >= chars.len() {
                    Token::All
                } else {
                    Token::Dirs
                });
                continue;
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::One),
            '\\' => match chars.get(i + 1) {
                Some(&c) => {
                    out.push(Token::Literal(c));
                    i += 1;
                }
                None => out.push(Token::Literal('\\')),
            },
            '[' => match class(&chars, i + 1) {
                Some((token, next)) => {
                    out.push(token);
                    i = next;
                    continue;
                }
                // An unclosed class: the `[` is taken literally.
                None => out.push(Token::Literal('[')),
            },
            c => out.push(Token::Literal(c)),
        }
        i += 1;
    }
    out
}

/// A character class starting after its `[` at `at`: the token and the index after `]`.
fn class(chars: &[char], mut at: usize) -> Option<(Token, usize)> {
    let negated = chars.get(at) == Some(&'^');
    if negated {
        at += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let mut c = *chars.get(at)?;
        if c == ']' && !first {
            return Some((Token::Class(negated, ranges), at + 1));
        }
        first = false;
        if c == '\\' {
            at += 1;
            c = *chars.get(at)?;
        }
        if chars.get(at + 1) == Some(&'-') && chars.get(at + 2).is_some_and(|&e| e != ']') {
            let mut end = chars[at + 2];
            at += 2;
            if end == '\\' {
                at += 1;
                end = *chars.get(at)?;
            }
            ranges.push((c, end));
        } else {
            ranges.push((c, c));
        }
        at += 1;
    }
}

/// Whether `tokens` match `path` or one of its parent directories.
fn matches_or_parent(tokens: &[Token], path: &str) -> bool {
    let chars: Vec<char> = path.chars().collect();
    // Every prefix that ends a directory name, and the whole path.
    (0..chars.len())
        .filter(|&i| chars[i] == '/')
        .chain(std::iter::once(chars.len()))
        .any(|end| matches(tokens, &chars[..end]))
}

/// Whether `tokens` match all of `s`. A table over (token, character) positions: time and
/// memory proportional to their product, whatever the pattern (no backtracking blow-up).
fn matches(tokens: &[Token], s: &[char]) -> bool {
    let n = s.len();
    // can[j]: the tokens so far can match exactly s[..j].
    let mut can = vec![false; n + 1];
    can[0] = true;
    for token in tokens {
        let mut next = vec![false; n + 1];
        match token {
            Token::Literal(c) => {
                for j in 0..n {
                    next[j + 1] = can[j] && s[j] == *c;
                }
            }
            Token::One => {
                for j in 0..n {
                    next[j + 1] = can[j] && s[j] != '/';
                }
            }
            Token::Class(negated, ranges) => {
                for j in 0..n {
                    let inside = ranges.iter().any(|&(a, b)| a <= s[j] && s[j] <= b);
                    next[j + 1] = can[j] && s[j] != '/' && inside != *negated;
                }
            }
            Token::Star => {
                for j in 0..=n {
                    next[j] = can[j] || (j > 0 && next[j - 1] && s[j - 1] != '/');
                }
            }
            Token::All => {
                let mut any = false;
                for j in 0..=n {
                    any |= can[j];
                    next[j] = any;
                }
            }
            Token::Dirs => {
                // Nothing, or anything that ends with `/`.
                let mut any = false;
                for j in 0..=n {
                    next[j] = can[j] || (any && j > 0 && s[j - 1] == '/');
                    any |= can[j];
                }
            }
        }
        can = next;
    }
    can[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(rules: &str, path: &str) -> bool {
        Ignore::parse(rules).excludes(path)
    }

    #[test]
    fn docker_documented_examples() {
        // The examples of Docker's build-context page.
        let rules = "# comment\n*/temp*\n*/*/temp*\ntemp?\n";
        assert!(ignored(rules, "somedir/temporary.txt"));
        assert!(ignored(rules, "somedir/temp"));
        assert!(ignored(rules, "somedir/subdir/temporary.txt"));
        assert!(ignored(rules, "tempa"));
        assert!(ignored(rules, "tempb"));
        assert!(!ignored(rules, "temp"), "`?` needs one character");
        assert!(
            !ignored(rules, "temporary.txt"),
            "*/temp* needs a directory"
        );
        assert!(!ignored(rules, "# comment"));
        // `**/*.go` excludes every .go file, at the root too.
        assert!(ignored("**/*.go", "main.go"));
        assert!(ignored("**/*.go", "a/b/c.go"));
        assert!(!ignored("**/*.go", "a/b/c.gox"));
        // Exceptions: the last matching line decides.
        let rules = "*.md\n!README.md\n";
        assert!(ignored(rules, "CHANGES.md"));
        assert!(!ignored(rules, "README.md"));
        let rules = "*.md\n!README*.md\nREADME-secret.md\n";
        assert!(ignored(rules, "README-secret.md"));
        assert!(!ignored(rules, "README-public.md"));
        let rules = "*.md\nREADME-secret.md\n!README*.md\n";
        assert!(!ignored(rules, "README-secret.md"));
    }

    #[test]
    fn a_pattern_matches_a_path_or_its_parents() {
        assert!(ignored("build", "build/out/app"));
        assert!(
            ignored("/build/", "build/out/app"),
            "leading and trailing / are dropped"
        );
        assert!(!ignored("build", "rebuild/app"));
        assert!(!ignored("build", "src/build"), "patterns start at the root");
        assert!(ignored("**/build", "src/build/x"));
        assert!(ignored("a/**", "a/b/c"));
        assert!(ignored("a/**/z", "a/z"), "** may be no directory at all");
        assert!(ignored("a/**/z", "a/b/c/z"));
        assert!(!ignored("a/**/z", "a/b/cz"));
        assert!(ignored("./a/../b/*.txt", "b/x.txt"), "cleaned like a path");
        assert!(ignored("  *.log  ", "x.log"), "trimmed");
    }

    #[test]
    fn wildcards_classes_and_escapes() {
        assert!(ignored("*", "anything"));
        assert!(ignored("*", "dir/anything"), "the parent `dir` matches");
        assert!(!ignored("*.txt", "dir/a.txt"), "`*` does not cross `/`");
        assert!(ignored("file[0-9].txt", "file7.txt"));
        assert!(!ignored("file[0-9].txt", "filex.txt"));
        assert!(ignored("file[^0-9].txt", "filex.txt"));
        assert!(!ignored("file[^0-9].txt", "file7.txt"));
        assert!(
            ignored("file[ab-].txt", "file-.txt"),
            "a trailing - is literal"
        );
        assert!(ignored(r"\*.txt", "*.txt"));
        assert!(!ignored(r"\*.txt", "a.txt"));
        assert!(ignored("[x", "[x"), "an unclosed class is literal");
        // Exactly the characters the class names (what mutation testing asked for).
        assert!(
            ignored("file[^0-9].txt", "file^.txt"),
            "`^` opens a complement only"
        );
        assert!(
            !ignored("file[0-9].txt", "fileA.txt"),
            "a range is its two ends"
        );
        assert!(ignored(r"x[\]]y", "x]y"), "an escaped `]` inside a class");
        assert!(!ignored(r"x[\]]y", "x\\y"));
        assert!(ignored(r"[a-\z]", "m"), "an escaped range end");
        assert!(!ignored(r"\*x", "*abcx"), "an escaped `*` is one `*`");
        assert!(ignored(r"\*x", "*x"));
        assert!(ignored("é*", "été"), "characters, not bytes");
    }

    #[test]
    fn exceptions_keep_a_directory_walked() {
        let i = Ignore::parse("node_modules\n");
        assert!(i.prunes("node_modules"));
        let i = Ignore::parse("vendor\n!vendor/keep.txt\n");
        assert!(!i.excludes("vendor/keep.txt"));
        assert!(i.excludes("vendor/other.txt"));
        assert!(!i.prunes("vendor"));
        assert!(i.prunes("other"));
        let i = Ignore::parse("*\n!**/*.rs\n");
        assert!(!i.prunes("src"), "a leading wildcard may reach anywhere");
        // An exception naming a parent of the directory includes all of it again.
        let i = Ignore::parse("a/b\n!a\n");
        assert!(!i.excludes("a/b/x"));
        assert!(!i.prunes("a/b"), "`!a` reaches into a/b");
        let i = Ignore::parse("a/b\n!a/c\n");
        assert!(i.prunes("a/b"), "`!a/c` does not");
    }

    #[test]
    fn hostile_patterns_stay_linear() {
        let pattern = "*a".repeat(200) + "b";
        let path = "a".repeat(5000);
        assert!(!ignored(&pattern, &path));
        let pattern = "**/".repeat(100) + "x";
        assert!(ignored(&pattern, &("d/".repeat(150) + "x")));
    }
}
