//! The layering of the model (the list in `model/mod.rs`), checked on its source: which module
//! refers to which.
//!
//! Each top-level module of `model/` (a file, or a directory with its submodules) is a node.
//! A module refers to another when its code, outside comments, string literals and
//! `#[cfg(test)]` items (tests may use anything), names a path through it: `super::value::X`,
//! `crate::model::value::X`, `super::{value::X, ...}`, in a `use` or anywhere else. The
//! tests check that these references form no cycle, and that each one goes from a layer of
//! the list to a lower one, every module being listed once. Modules that `model/mod.rs`
//! declares behind `#[cfg(test)]` (this one) are test code, not nodes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module and the modules it refers to.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
}

/// The tokens of Rust source that matter here: identifiers, `::` and punctuation;
/// comments, string and character literals and lifetimes are dropped.
fn tokens(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            loop {
                if i >= c.len() {
                    break;
                } else if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == '"' {
            i = skip_string(&c, i);
        } else if ch == '\'' {
            // A character literal ('x', '\n', '\u{1b}'), or a lifetime ('a), whose
            // name is read as an identifier next.
            if at(i + 1) == '\\' {
                i += 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            // Raw strings (r"..", r#".."#, br".."), byte and C strings (b"..", c"..").
            if matches!(word.as_str(), "r" | "br" | "cr") && matches!(at(i), '"' | '#') {
                let mut j = i;
                while at(j) == '#' {
                    j += 1;
                }
                let hashes = j - i;
                if at(j) == '"' {
                    j += 1;
                    while j < c.len() && !(c[j] == '"' && (1..=hashes).all(|k| at(j + k) == '#')) {
                        j += 1;
                    }
                    i = j + 1 + hashes;
                }
                // Otherwise `r#name`, a raw identifier: `#` and the name come next.
            } else if matches!(word.as_str(), "b" | "c") && at(i) == '"' {
                i = skip_string(&c, i);
            } else if word == "b" && at(i) == '\'' {
                // A byte literal: its quote is read on the next turn.
            } else {
                out.push(Tok::Ident(word));
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Tok::PathSep);
            i += 2;
        } else {
            if !ch.is_whitespace() {
                out.push(Tok::Punct(ch));
            }
            i += 1;
        }
    }
    out
}

/// The index after the string literal that opens at `i`.
fn skip_string(c: &[char], mut i: usize) -> usize {
    i += 1;
    while i < c.len() && c[i] != '"' {
        i += if c[i] == '\\' { 2 } else { 1 };
    }
    i + 1
}

/// Whether `#[cfg(test)]` starts at `i`.
fn is_cfg_test(t: &[Tok], i: usize) -> bool {
    let want = [
        Tok::Punct('#'),
        Tok::Punct('['),
        Tok::Ident("cfg".into()),
        Tok::Punct('('),
        Tok::Ident("test".into()),
        Tok::Punct(')'),
        Tok::Punct(']'),
    ];
    t.get(i..i + want.len()) == Some(&want[..])
}

/// The index after the item that starts at `i`: it ends with `;` or a `}` outside any
/// bracket.
fn skip_item(t: &[Tok], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(tok) = t.get(i) {
        i += 1;
        match tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']') => depth = depth.saturating_sub(1),
            Tok::Punct('}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            Tok::Punct(';') if depth == 0 => break,
            _ => {}
        }
    }
    i
}

/// The paths of a path or `use` tree starting at `i` (after `prefix`), added to `out`;
/// returns the index after it. `a::{b::C, d}` gives `a::b::C` and `a::d`.
fn path_tree(t: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match t.get(i) {
            Some(Tok::Ident(s)) => {
                path.push(s.clone());
                i += 1;
            }
            Some(Tok::Punct('{')) => {
                i += 1;
                while i < t.len() && t[i] != Tok::Punct('}') {
                    i = path_tree(t, i, &path, out);
                    // Past `as Name` and the comma.
                    while i < t.len() && !matches!(t[i], Tok::Punct(',' | '}')) {
                        i += 1;
                    }
                    if t.get(i) == Some(&Tok::Punct(',')) {
                        i += 1;
                    }
                }
                return i + 1;
            }
            _ => {
                out.push(path);
                return i;
            }
        }
        if t.get(i) == Some(&Tok::PathSep) {
            i += 1;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// The paths, from the crate root, that the code of module `module` (its path from the
/// crate root) names with `crate::`, `super::` or `self::`, outside `#[cfg(test)]` items.
fn references(src: &str, module: &[String]) -> Vec<Vec<String>> {
    let t = tokens(src);
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Inline modules (`mod fns { .. }`) entered, with the brace depth inside each.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Tok::Punct('#') if is_cfg_test(&t, i) => {
                i = skip_item(&t, i + 7);
                continue;
            }
            Tok::Ident(m) if m == "mod" => {
                if let (Some(Tok::Ident(name)), Some(Tok::Punct('{'))) =
                    (t.get(i + 1), t.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                    i += 2;
                    continue;
                }
            }
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(start)
                if matches!(start.as_str(), "crate" | "super" | "self")
                    && t.get(i + 1) == Some(&Tok::PathSep)
                    && (i == 0 || t[i - 1] != Tok::PathSep) =>
            {
                let mut here = module.to_vec();
                here.extend(inline.iter().map(|(name, _)| name.clone()));
                let mut paths = Vec::new();
                i = path_tree(&t, i, &[], &mut paths);
                out.extend(paths.into_iter().map(|p| absolute(&p, &here)));
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `path` (starting with `crate`, `super` or `self`) from the crate root, as seen from
/// module `here`.
fn absolute(path: &[String], here: &[String]) -> Vec<String> {
    let mut segs = path.iter().peekable();
    let mut abs = match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segs.next();
            Vec::new()
        }
        _ => here.to_vec(),
    };
    while let Some(s) = segs.peek() {
        match s.as_str() {
            "self" => {}
            "super" => {
                abs.pop();
            }
            _ => break,
        }
        segs.next();
    }
    abs.extend(segs.cloned());
    abs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("model/ is readable") {
        let path = entry.expect("model/ is readable").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn model_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model")
}

/// The module a file of `model/` holds, from the crate root: `model/stack/synth.rs` is
/// `model::stack::synth`, `model/stack/mod.rs` is `model::stack`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(model_dir()).expect("a file of model/");
    let mut module = vec!["model".to_owned()];
    module.extend(
        rel.iter()
            .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_owned()),
    );
    if module.last().is_some_and(|m| m == "mod") {
        module.pop();
    }
    module
}

/// The modules `model/mod.rs` declares behind `#[cfg(test)]` (`#[cfg(test)] mod name;`).
fn test_only_modules() -> BTreeSet<String> {
    let src = std::fs::read_to_string(model_dir().join("mod.rs")).expect("model/mod.rs");
    let t = tokens(&src);
    (0..t.len())
        .filter(|&i| is_cfg_test(&t, i))
        .filter_map(|i| match (t.get(i + 7), t.get(i + 8)) {
            (Some(Tok::Ident(m)), Some(Tok::Ident(name))) if m == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The references between the top-level modules of `model/`, from its source.
fn model_graph() -> Graph {
    let mut files = Vec::new();
    rust_files(&model_dir(), &mut files);
    let test_only = test_only_modules();
    let mut graph = Graph::new();
    let mut sources = Vec::new();
    for file in files {
        let module = module_of(&file);
        // model/mod.rs only declares the modules: it is not a node.
        let Some(node) = module.get(1).cloned() else {
            continue;
        };
        if test_only.contains(&node) {
            continue;
        }
        graph.entry(node.clone()).or_default();
        let src = std::fs::read_to_string(&file).expect("a readable source file");
        sources.push((node, module, src));
    }
    for (node, module, src) in sources {
        for path in references(&src, &module) {
            if let [first, target, ..] = &path[..]
                && first == "model"
                && *target != node
                && graph.contains_key(target)
            {
                graph.get_mut(&node).expect("a node").insert(target.clone());
            }
        }
    }
    graph
}

/// A cycle of `graph` (its modules in order, the first repeated at the end), if any.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit<'a>(
        graph: &'a Graph,
        node: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|n| (*n).to_owned()).collect();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(graph, n, &mut Vec::new(), &mut done))
}

/// The layers of the module documentation, lowest first: the backquoted names that open
/// each numbered item of the list under `# Layers`.
fn documented_layers() -> Vec<Vec<String>> {
    let doc = std::fs::read_to_string(model_dir().join("mod.rs")).expect("model/mod.rs");
    let mut layers = Vec::new();
    for line in doc.lines() {
        let Some(item) = line.strip_prefix("//! ") else {
            continue;
        };
        let Some((number, mut rest)) = item.split_once(". ") else {
            continue;
        };
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let mut names = Vec::new();
        while let Some(after) = rest.strip_prefix('`') {
            let Some((name, tail)) = after.split_once('`') else {
                break;
            };
            names.push(name.to_owned());
            rest = tail.strip_prefix(", ").unwrap_or(tail);
        }
        layers.push(names);
    }
    layers
}

#[test]
fn the_model_imports_form_no_cycle() {
    let graph = model_graph();
    assert!(
        graph.len() > 10 && graph["stack"].contains("render"),
        "the scan found too little: {graph:?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "model modules refer to each other in a cycle: {}; move what they share \
             into a lower module (see the layers in model/mod.rs)",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_model_imports_go_down_the_documented_layers() {
    let graph = model_graph();
    let layers = documented_layers();
    let mut layer_of = BTreeMap::new();
    for (n, names) in layers.iter().enumerate() {
        for name in names {
            assert!(
                layer_of.insert(name.as_str(), n + 1).is_none(),
                "`{name}` is listed twice in the layers of model/mod.rs"
            );
        }
    }
    let modules: BTreeSet<&str> = graph.keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = layer_of.keys().copied().collect();
    assert_eq!(
        listed, modules,
        "the layers of model/mod.rs list exactly the modules of model/"
    );
    for (from, targets) in &graph {
        for to in targets {
            assert!(
                layer_of[to.as_str()] < layer_of[from.as_str()],
                "`{from}` (layer {}) refers to `{to}` (layer {}): a module may only use \
                 the layers below its own (model/mod.rs)",
                layer_of[from.as_str()],
                layer_of[to.as_str()]
            );
        }
    }
}

#[test]
fn references_skip_comments_strings_and_tests() {
    let src = r##"
        use super::a::X;
        use super::{b::Y, c as C, self as _};
        use crate::model::d::{self, Z};
        // super::no1::X
        /* super::no2::X /* nested */ super::no3::X */
        const S: &str = "super::no4::X \" super::no5::X";
        const R: &str = r#"super::no6::X "# ;
        const Q: char = '"'; const E: char = '\''; const B: u8 = b'"';
        fn f<'a>(x: &'a str) -> super::e::T<'a> { super::f::g(x) }
        mod inner {
            use super::super::h::I;
            use super::J;
        }
        #[cfg(test)]
        mod tests {
            use super::super::no7::X;
        }
        use self::own::K;
    "##;
    let module = vec!["model".to_owned(), "m".to_owned()];
    let found: BTreeSet<String> = references(src, &module)
        .into_iter()
        .filter(|p| p.len() > 1 && p[0] == "model")
        .map(|p| p[1].clone())
        .collect();
    let want = ["a", "b", "c", "d", "e", "f", "h", "m"];
    assert_eq!(found, want.iter().map(|s| (*s).to_owned()).collect());
}

#[test]
fn a_cycle_is_found_and_named() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (from, to) in edges {
            g.entry((*from).to_owned())
                .or_default()
                .insert((*to).to_owned());
            g.entry((*to).to_owned()).or_default();
        }
        g
    };
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])),
        None
    );
    assert_eq!(
        find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
