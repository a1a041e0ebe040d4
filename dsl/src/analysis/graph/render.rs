//! The graph as text: Mermaid (`flowchart LR`) and Graphviz DOT (`rankdir=LR`). Node ids
//! in the text are `n0`, `n1`... in node order, so any logical id is safe; labels are
//! escaped for each language.

use std::fmt::Write as _;

use indexmap::IndexMap;

use super::{Edge, EdgeStyle, Graph, Node, NodeKind};

/// A stack's name (none for the nodes of no stack) and its nodes, each with its position
/// in [`Graph::nodes`].
type Group<'g> = (Option<&'g str>, Vec<(usize, &'g Node)>);

/// The nodes in the order they are written: those of no stack (the internet, imports),
/// then each stack's.
fn groups(g: &Graph) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    let of = |stack: Option<&str>| {
        g.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.stack.as_deref() == stack)
            .collect::<Vec<_>>()
    };
    out.push((None, of(None)));
    for s in &g.stacks {
        let nodes = of(Some(s));
        if !nodes.is_empty() {
            out.push((Some(s), nodes));
        }
    }
    out
}

/// The position of each node in [`Graph::nodes`], by id.
fn positions(g: &Graph) -> IndexMap<&str, usize> {
    g.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

/// The ends of edge `e` as positions in [`Graph::nodes`].
fn ends(at: &IndexMap<&str, usize>, e: &Edge) -> (usize, usize) {
    let of = |id: &str| at.get(id).copied().unwrap_or(0);
    (of(&e.from), of(&e.to))
}

/// A kind's name in class names and colours.
fn class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Internet => "internet",
        NodeKind::Import => "import",
        NodeKind::Schedule => "schedule",
        NodeKind::LoadBalancer => "loadbalancer",
        NodeKind::Listener => "listener",
        NodeKind::TargetGroup => "targetgroup",
        NodeKind::Service => "service",
        NodeKind::Scaling => "scaling",
        NodeKind::TaskDefinition => "task",
        NodeKind::Repository => "repository",
        NodeKind::Secret => "secret",
        NodeKind::Key => "key",
        NodeKind::LogGroup => "logs",
        NodeKind::SecurityGroup => "securitygroup",
        NodeKind::Cluster => "cluster",
        NodeKind::Capacity => "capacity",
        NodeKind::Network => "network",
        NodeKind::Other => "other",
    }
}

/// (fill, border) colours of a kind.
fn colours(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Internet => ("#e8f1fb", "#3b6ea8"),
        NodeKind::Import => ("#f3e8fb", "#7a3ba8"),
        NodeKind::Schedule => ("#fdf0e6", "#b5651d"),
        NodeKind::LoadBalancer | NodeKind::Listener | NodeKind::TargetGroup => {
            ("#ede7f6", "#5e35b1")
        }
        NodeKind::Service => ("#fff3e0", "#e65100"),
        NodeKind::Scaling => ("#fff8e1", "#f9a825"),
        NodeKind::TaskDefinition => ("#fbe9e7", "#bf360c"),
        NodeKind::Repository => ("#e0f2f1", "#00695c"),
        NodeKind::Secret | NodeKind::Key => ("#fce4ec", "#ad1457"),
        NodeKind::LogGroup => ("#e8eaf6", "#283593"),
        NodeKind::SecurityGroup => ("#ffebee", "#c62828"),
        NodeKind::Cluster | NodeKind::Capacity => ("#e8f5e9", "#2e7d32"),
        NodeKind::Network | NodeKind::Other => ("#f5f5f5", "#616161"),
    }
}

/// (colour, Mermaid arrow, DOT style) of an edge style.
fn edge_look(style: EdgeStyle) -> (&'static str, &'static str, &'static str) {
    match style {
        EdgeStyle::Traffic => ("#1f5fbf", "==>", "solid"),
        EdgeStyle::Uses => ("#555555", "-->", "solid"),
        EdgeStyle::Reaches => ("#c62828", "-.->", "dashed"),
        EdgeStyle::Scales => ("#f9a825", "-.->", "dashed"),
        EdgeStyle::Reference => ("#7a3ba8", "-.->", "dotted"),
    }
}

/// Text for a quoted Mermaid label: `"`, `<`, `>`, `&`, `#`, `|` and `` ` `` as entity
/// codes, line breaks as `<br/>`, other control characters as spaces.
fn mermaid_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid node shape: (before the label, after it).
fn mermaid_shape(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Internet => ("((", "))"),
        NodeKind::Import | NodeKind::Schedule => (">", "]"),
        NodeKind::LoadBalancer | NodeKind::SecurityGroup => ("{{", "}}"),
        NodeKind::Listener => ("[/", "/]"),
        NodeKind::TargetGroup => ("[[", "]]"),
        NodeKind::Service => ("(", ")"),
        NodeKind::Scaling => ("[\\", "/]"),
        NodeKind::Repository | NodeKind::LogGroup => ("[(", ")]"),
        NodeKind::Secret | NodeKind::Key => ("([", "])"),
        NodeKind::Capacity => ("[/", "\\]"),
        NodeKind::TaskDefinition | NodeKind::Cluster | NodeKind::Network | NodeKind::Other => {
            ("[", "]")
        }
    }
}

/// The graph as a Mermaid flowchart (see [`Graph::to_mermaid`]).
pub(super) fn mermaid(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (s, (stack, nodes)) in groups(g).into_iter().enumerate() {
        let indent = if let Some(name) = stack {
            let _ = writeln!(out, "  subgraph s{s}[\"{}\"]", mermaid_text(name));
            out.push_str("    direction LR\n");
            "    "
        } else {
            "  "
        };
        for (i, n) in nodes {
            let (open, close) = mermaid_shape(n.kind);
            let _ = writeln!(
                out,
                "{indent}n{i}{open}\"{}\"{close}",
                mermaid_text(&n.label)
            );
        }
        if stack.is_some() {
            out.push_str("  end\n");
        }
    }
    let at = positions(g);
    for e in &g.edges {
        let (_, arrow, _) = edge_look(e.style);
        let (from, to) = ends(&at, e);
        match &e.label {
            Some(l) => {
                let _ = writeln!(out, "  n{from} {arrow}|\"{}\"| n{to}", mermaid_text(l));
            }
            None => {
                let _ = writeln!(out, "  n{from} {arrow} n{to}");
            }
        }
    }
    mermaid_styles(g, &mut out);
    out
}

/// The `classDef`s, `class` and `linkStyle` lines of a Mermaid flowchart.
fn mermaid_styles(g: &Graph, out: &mut String) {
    let mut kinds: Vec<NodeKind> = g.nodes.iter().map(|n| n.kind).collect();
    kinds.dedup();
    for kind in kinds {
        let (fill, stroke) = colours(kind);
        let name = class(kind);
        let _ = writeln!(
            out,
            "  classDef {name} fill:{fill},stroke:{stroke},color:#111"
        );
        let members: Vec<String> = g
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == kind)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        let _ = writeln!(out, "  class {} {name}", members.join(","));
    }
    for style in [
        EdgeStyle::Traffic,
        EdgeStyle::Uses,
        EdgeStyle::Reaches,
        EdgeStyle::Scales,
        EdgeStyle::Reference,
    ] {
        let at: Vec<String> = g
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| e.style == style)
            .map(|(i, _)| i.to_string())
            .collect();
        if !at.is_empty() {
            let (colour, _, _) = edge_look(style);
            let _ = writeln!(out, "  linkStyle {} stroke:{colour}", at.join(","));
        }
    }
}

/// Text for a quoted DOT string: `\` and `"` escaped, line breaks as `\n`, other control
/// characters as spaces.
fn dot_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Graphviz shape (and extra style) of a kind.
fn dot_shape(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Internet => ("ellipse", "filled"),
        NodeKind::Import => ("rarrow", "filled"),
        NodeKind::Schedule => ("cds", "filled"),
        NodeKind::LoadBalancer => ("hexagon", "filled"),
        NodeKind::Listener => ("parallelogram", "filled"),
        NodeKind::TargetGroup => ("box3d", "filled"),
        NodeKind::Service => ("box", "rounded,filled"),
        NodeKind::Scaling => ("box", "rounded,filled,dashed"),
        NodeKind::TaskDefinition => ("note", "filled"),
        NodeKind::Repository | NodeKind::LogGroup => ("cylinder", "filled"),
        NodeKind::Secret | NodeKind::Key => ("box", "rounded,filled,diagonals"),
        NodeKind::SecurityGroup => ("octagon", "filled"),
        NodeKind::Cluster => ("tab", "filled"),
        NodeKind::Capacity => ("component", "filled"),
        NodeKind::Network => ("folder", "filled"),
        NodeKind::Other => ("box", "filled"),
    }
}

/// The graph as Graphviz DOT (see [`Graph::to_dot`]).
pub(super) fn dot(g: &Graph) -> String {
    let mut out = String::from("digraph ferroform {\n");
    out.push_str(
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, nodesep=0.35, ranksep=0.6];\n",
    );
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11, margin=\"0.15,0.08\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (s, (stack, nodes)) in groups(g).into_iter().enumerate() {
        let indent = if let Some(name) = stack {
            let _ = writeln!(out, "  subgraph cluster_{s} {{");
            let _ = writeln!(
                out,
                "    label=\"{}\"; style=\"rounded\"; color=\"#9e9e9e\";",
                dot_text(name)
            );
            "    "
        } else {
            "  "
        };
        for (i, n) in nodes {
            let (shape, style) = dot_shape(n.kind);
            let (fill, stroke) = colours(n.kind);
            let _ = writeln!(
                out,
                "{indent}n{i} [label=\"{}\", shape={shape}, style=\"{style}\", fillcolor=\"{fill}\", color=\"{stroke}\"];",
                dot_text(&n.label)
            );
        }
        if stack.is_some() {
            out.push_str("  }\n");
        }
    }
    let at = positions(g);
    for e in &g.edges {
        let (colour, _, style) = edge_look(e.style);
        let (from, to) = ends(&at, e);
        let width = if e.style == EdgeStyle::Traffic { 2 } else { 1 };
        let _ = write!(
            out,
            "  n{from} -> n{to} [color=\"{colour}\", style={style}, penwidth={width}"
        );
        if let Some(l) = &e.label {
            let _ = write!(out, ", label=\"{}\"", dot_text(l));
        }
        out.push_str("];\n");
    }
    out.push_str("}\n");
    out
}
