//! `graph`: every example drawn in every format. Mermaid and DOT are snapshotted
//! (`snapshots/graph/`, reviewed by hand like the templates); SVG and PNG are drawn by
//! Graphviz's `dot` (a missing `dot` fails under CI) and the SVG must show every drawn node.
//! Also: both command lines, `--out` (never through a link), the real-world corpus.

mod all_examples;
mod support;

use ferroform::analysis::graph::graph;

fn app_run(app: ferroform::App, args: &[&str]) -> (u8, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["app"];
    argv.extend_from_slice(args);
    let code = app.run_with(argv, &mut out, &mut err);
    (code, out, String::from_utf8_lossy(&err).into_owned())
}

fn tool(args: &[&str]) -> (u8, Vec<u8>, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["ferroform"];
    argv.extend_from_slice(args);
    let code = ferroform::cli::main_with(argv, &mut out, &mut err);
    (code, out, String::from_utf8_lossy(&err).into_owned())
}

/// The templates of each example, as `graph` takes them.
fn examples() -> Vec<(&'static str, Vec<ferroform::Template>)> {
    all_examples::all()
        .into_iter()
        .map(|(name, app)| (name, app.synth().unwrap_or_else(|e| panic!("{name}: {e}"))))
        .collect()
}

fn draw(name: &str, templates: &[ferroform::Template]) -> ferroform::analysis::graph::Graph {
    let stacks: Vec<(&str, &ferroform::Json)> =
        templates.iter().map(|t| (t.name(), t.body())).collect();
    let g = graph(&stacks);
    assert!(!g.nodes().is_empty(), "{name}: nothing drawn");
    g
}

#[test]
fn mermaid_and_dot_of_every_example_match_their_snapshots() {
    for (name, templates) in examples() {
        let g = draw(name, &templates);
        insta::with_settings!({
            snapshot_path => "../snapshots/graph",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(format!("{name}.mermaid"), g.to_mermaid());
            insta::assert_snapshot!(format!("{name}.dot"), g.to_dot());
        });
    }
}

#[test]
fn drawing_is_deterministic() {
    for (name, templates) in examples() {
        let (a, b) = (draw(name, &templates), draw(name, &templates));
        assert_eq!(a.to_mermaid(), b.to_mermaid(), "{name}");
        assert_eq!(a.to_dot(), b.to_dot(), "{name}");
    }
}

/// Text as Graphviz writes it in SVG (`&`, `<`, `>` escaped).
fn svg_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn every_example_draws_as_svg_and_png_showing_every_node() {
    let Some(dot) = support::require_system_tool("dot", "graphviz") else {
        return;
    };
    let dir = support::temp_dir("graph-svg");
    for (name, templates) in examples() {
        let g = draw(name, &templates);
        let file = dir.write(&format!("{name}.dot"), g.to_dot());
        let svg = std::process::Command::new(&dot)
            .arg("-Tsvg")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            svg.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&svg.stderr)
        );
        let svg = String::from_utf8(svg.stdout).unwrap();
        for n in g.nodes() {
            let first = n.label.lines().next().unwrap_or_default();
            assert!(
                svg.contains(&svg_text(first)),
                "{name}: node {} ({first:?}) is not in the SVG",
                n.id
            );
        }
        let png = std::process::Command::new(&dot)
            .arg("-Tpng")
            .arg(&file)
            .output()
            .unwrap();
        assert!(png.status.success(), "{name}");
        assert!(
            png.stdout.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name}: a PNG"
        );
    }
}

#[test]
fn the_app_command_line_writes_every_format() {
    let dir = support::temp_dir("graph-app");
    let journey = all_examples::container_journey::app;
    let (code, out, err) = app_run(journey(), &["graph"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        String::from_utf8(out).unwrap().starts_with("flowchart LR"),
        "Mermaid by default"
    );
    let (code, out, _) = app_run(journey(), &["graph", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(String::from_utf8(out).unwrap().starts_with("digraph"));
    let target = dir.path().join("journey.svg");
    let t = target.display().to_string();
    if support::require_system_tool("dot", "graphviz").is_some() {
        let (code, out, err) = app_run(journey(), &["graph", "--format", "svg", "--out", &t]);
        assert_eq!(code, 0, "{err}");
        assert!(out.is_empty(), "written to the file, not stdout");
        assert!(std::fs::read_to_string(&target).unwrap().contains("<svg"));
    }
    // A link at --out is refused, and what it points to is left alone.
    #[cfg(unix)]
    {
        let victim = dir.write("victim.txt", "keep");
        let link = dir.path().join("link.mmd");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let (code, _, err) = app_run(journey(), &["graph", "--out", &link.display().to_string()]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }
}

#[test]
fn template_files_through_the_binary() {
    let dir = support::temp_dir("graph-files");
    let t = dir.write(
        "Web.json",
        r#"{"Resources": {"Ip": {"Type": "AWS::ECR::Repository"}}}"#,
    );
    let (code, out, err) = tool(&[
        "graph",
        "--template",
        &t.display().to_string(),
        "--format",
        "dot",
    ]);
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.starts_with("digraph") && out.contains("label=\"Ip\\nECR repository\""),
        "{out}"
    );
    let (code, _, err) = tool(&["graph", "--template", "missing.json"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn every_real_world_template_is_drawn_without_panicking() {
    let Some(corpus) = support::realworld_dir() else {
        return;
    };
    let mut drawn = 0;
    for path in support::realworld_templates(&corpus) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(t) = ferroform::Template::parse(&path.display().to_string(), &text) else {
            continue;
        };
        let g = graph(&[("T", t.body())]);
        assert!(
            g.to_mermaid().starts_with("flowchart LR"),
            "{}",
            path.display()
        );
        assert!(g.to_dot().starts_with("digraph"), "{}", path.display());
        drawn += 1;
    }
    assert!(drawn > 600, "{drawn}");
}

#[test]
fn the_readme_picture_shows_the_container_journey_as_it_is_now() {
    // docs/src/images/container_journey.svg is drawn by `graph --format svg` (Graphviz's SVG
    // differs a little between Graphviz versions, so it is compared by what it shows).
    let svg =
        std::fs::read_to_string(support::repo_root().join("docs/src/images/container_journey.svg"))
            .unwrap();
    let templates = all_examples::container_journey::app().synth().unwrap();
    let g = draw("container_journey", &templates);
    for n in g.nodes() {
        for line in n.label.lines() {
            assert!(
                svg.contains(&svg_text(line)),
                "the README picture lacks {line:?} of {}: redraw it with `cargo run -q --example container_journey -- graph --format svg --out docs/src/images/container_journey.svg`",
                n.id
            );
        }
    }
    for e in g.edges() {
        if let Some(l) = &e.label {
            assert!(
                svg.contains(&svg_text(l)),
                "the README picture lacks the edge label {l:?}"
            );
        }
    }
}
