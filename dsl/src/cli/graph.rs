//! `graph`: the stacks as people draw them ([`crate::analysis::graph`]), as Mermaid or DOT
//! text, or drawn by Graphviz (`dot`) as SVG or PNG.
//!
//! ```text
//! ferroform graph --template FILE... [--format mermaid|dot|svg|png] [--out FILE]
//! my-stacks graph [STACK...] [--format mermaid|dot|svg|png] [--out FILE]
//! ```
//!
//! Exit 0 with the picture; 1 an invalid stack or template, or Graphviz failed; 2 bad
//! usage, an unreadable file, an unwritable `--out`, or `dot` not installed (for svg/png).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use clap::{Arg, ArgMatches, Command, value_parser};

use super::input::{self, Input};
use super::{EXIT_INVALID, EXIT_OK, Exit};
use crate::analysis::graph::graph;
use crate::fsutil::{Durability, write_atomic};

const ABOUT: &str = "Draw the stacks as people draw them: traffic from the internet through \
     load balancers to services and their tasks, images, clusters and capacity, scaling, who \
     may reach whom (security groups), secrets and keys, references between stacks. Mermaid \
     and DOT are text; svg and png are drawn by Graphviz's `dot`, which must be installed.";

/// The environment variable naming the Graphviz `dot` program (default: `dot` on the PATH).
const DOT_ENV: &str = "FERROFORM_DOT";

pub(super) fn command(tool: bool) -> Command {
    let cmd = Command::new("graph")
        .about("Draw the stacks (Mermaid, DOT, SVG or PNG)")
        .long_about(ABOUT)
        .after_help("Exit codes:\n  0  the picture was written\n  1  a stack or template is invalid, or Graphviz failed\n  2  usage or input error (unreadable file, unwritable --out, Graphviz not installed)")
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["mermaid", "dot", "svg", "png"])
                .default_value("mermaid")
                .help("mermaid (for Markdown), dot (Graphviz), svg or png (drawn by Graphviz)"),
        )
        .arg(
            Arg::new("out")
                .long("out")
                .short('o')
                .value_name("FILE")
                .value_parser(value_parser!(PathBuf))
                .help("Write to FILE (never through a symbolic link) instead of standard output"),
        );
    input::args(cmd, tool)
}

/// The command on `m`: its exit code, or the error [`super::finish`] prints.
pub(super) fn run(
    input: Input<'_>,
    m: &ArgMatches,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, Exit> {
    let templates = input::templates(input, m, err)?;
    let stacks: Vec<(&str, &crate::Json)> =
        templates.iter().map(|t| (t.name(), t.body())).collect();
    let g = graph(&stacks);
    let format = m
        .get_one::<String>("format")
        .map_or("mermaid", String::as_str);
    let bytes = match format {
        "dot" => g.to_dot().into_bytes(),
        "svg" | "png" => draw(&g.to_dot(), format)?,
        _ => g.to_mermaid().into_bytes(),
    };
    match m.get_one::<PathBuf>("out") {
        Some(path) => write_atomic(path, &bytes, Durability::Relaxed)
            .map_err(|e| Exit::usage(format!("cannot write {}: {e}", show(path))))?,
        None => {
            let _ = out.write_all(&bytes);
        }
    }
    Ok(EXIT_OK)
}

fn show(p: &Path) -> String {
    crate::model::diag::escape_control(&p.display().to_string()).into_owned()
}

/// Draw DOT text with Graphviz: `dot -T<format>` (the program named by `FERROFORM_DOT`, else
/// `dot`), the text on its standard input.
fn draw(dot: &str, format: &str) -> Result<Vec<u8>, Exit> {
    let program = std::env::var_os(DOT_ENV).unwrap_or_else(|| "dot".into());
    draw_with(&program, dot, format)
}

fn draw_with(program: &std::ffi::OsStr, dot: &str, format: &str) -> Result<Vec<u8>, Exit> {
    let mut child = Process::new(program)
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            Exit::usage(format!(
                "cannot run Graphviz `{}` to draw {format}: {e}; install Graphviz (Debian: apt-get install graphviz) or use --format mermaid or dot",
                program.to_string_lossy()
            ))
        })?;
    // Written from another thread: a large drawing fills the output pipe before the input
    // is all read.
    let mut stdin = child.stdin.take();
    let text = dot.to_owned();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(text.as_bytes());
        }
    });
    let errors = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = e.read_to_end(&mut v);
            v
        })
    });
    let output = child
        .wait_with_output()
        .map_err(|e| Exit::invalid(format!("Graphviz failed: {e}")))?;
    let stderr = errors.and_then(|h| h.join().ok()).unwrap_or_default();
    let _ = writer.join();
    if !output.status.success() {
        return Err(Exit::error(
            EXIT_INVALID,
            format!(
                "Graphviz `dot -T{format}` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&stderr).trim()
            ),
        ));
    }
    Ok(output.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::EXIT_USAGE;

    #[test]
    fn without_graphviz_svg_is_a_clear_usage_error() {
        let missing = std::env::temp_dir().join("ferroform-no-such-dot-program");
        let e = draw_with(missing.as_os_str(), "digraph {}", "svg").unwrap_err();
        assert_eq!(e.code, EXIT_USAGE);
        let text = e.message().to_owned();
        assert!(
            text.contains("install Graphviz") && text.contains("--format mermaid or dot"),
            "{text}"
        );
    }

    #[test]
    fn a_failing_graphviz_is_an_error_with_what_it_said() {
        // `false` stands for a dot that fails (it reads nothing and exits 1).
        let e = draw_with("false".as_ref(), "digraph {}", "svg").unwrap_err();
        assert_eq!(e.code, EXIT_INVALID);
        assert!(
            e.message().contains("Graphviz `dot -Tsvg` failed"),
            "{}",
            e.message()
        );
    }
}
